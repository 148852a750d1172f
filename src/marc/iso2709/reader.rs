//! The streaming ISO 2709 reader.

use std::io::{self, BufRead, BufReader, Read};
use std::sync::Arc;

use memchr::memchr;

use super::decode::{chunk, directory, field, leader, FT, RT, SD};
use super::error::{Error, ErrorKind, RecordError};
use crate::diagnostic::{Diagnostic, Location, Position, Severity};
use crate::marc::encoding::{self, Charset, DecodeProblem, FieldDecoder};
use crate::marc::{Leader, RecordBuf, Tag};

/// The default cap on one record's size: 10 MiB.
pub const DEFAULT_MAX_RECORD_SIZE: usize = 10 * 1024 * 1024;

const BUFFER_SIZE: usize = 64 * 1024;

/// Configures a [`Reader`]: strict or lenient, the source name used in locations, the maximum
/// record size.
///
/// ```
/// use crosswalk::marc::iso2709::ReaderBuilder;
/// use crosswalk::marc::RecordBuf;
///
/// let data = b"00026nam a2200025 a 4500\x1e\x1d";
/// let mut reader = ReaderBuilder::new()
///     .lenient(true)
///     .source_name("empty.mrc")
///     .build(&data[..]);
/// let mut rec = RecordBuf::new();
/// assert!(reader.read_record(&mut rec)?);
/// assert!(rec.is_empty());
/// assert!(!reader.read_record(&mut rec)?);
/// # Ok::<(), crosswalk::marc::iso2709::Error>(())
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct ReaderBuilder {
    lenient: bool,
    source_name: Option<Arc<str>>,
    max_record_size: usize,
}

impl Default for ReaderBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl ReaderBuilder {
    /// A strict builder with the default maximum record size and no source name.
    pub fn new() -> Self {
        Self {
            lenient: false,
            source_name: None,
            max_record_size: DEFAULT_MAX_RECORD_SIZE,
        }
    }

    /// Lenient (`true`) or strict (`false`, the default) reading. Lenient reading repairs what it
    /// can and reports each repair as a [`Diagnostic`] on the record; strict reading rejects the
    /// record with an [`Error`] at the first structural fault.
    pub fn lenient(mut self, yes: bool) -> Self {
        self.lenient = yes;
        self
    }

    /// Strict reading (the default): every structural fault is an [`Error`].
    pub fn strict(self) -> Self {
        self.lenient(false)
    }

    /// The file or stream name put into every [`Location`].
    pub fn source_name(mut self, name: impl Into<Arc<str>>) -> Self {
        self.source_name = Some(name.into());
        self
    }

    /// The largest record accepted, in bytes (default [`DEFAULT_MAX_RECORD_SIZE`], 10 MiB). A chunk
    /// that grows past it without a 0x1D is rejected with [`ErrorKind::RecordTooLarge`]; the
    /// reader skips to the next 0x1D without buffering the rest.
    pub fn max_record_size(mut self, bytes: usize) -> Self {
        self.max_record_size = bytes.max(24);
        self
    }

    /// A reader over `reader` (buffered internally).
    pub fn build<R: Read>(self, reader: R) -> Reader<R> {
        Reader {
            inner: BufReader::with_capacity(BUFFER_SIZE, reader),
            settings: Settings {
                lenient: self.lenient,
                file: self.source_name,
            },
            max_record_size: self.max_record_size,
            offset: 0,
            ordinal: 0,
            decoder: FieldDecoder::new(Charset::Utf8),
            problems: Vec::new(),
            diagnostics: Vec::new(),
            done: false,
        }
    }
}

#[derive(Debug, Clone)]
struct Settings {
    lenient: bool,
    file: Option<Arc<str>>,
}

impl Settings {
    fn location(&self, position: Position, field: &str) -> Location {
        Location {
            file: self.file.clone(),
            position,
            record_id: None,
            field: (!field.is_empty()).then(|| field.to_owned()),
        }
    }

    /// Reports a structural fault: a warning on the record in lenient mode, an error in strict mode.
    fn repair(
        &self,
        rec: &mut RecordBuf,
        kind: ErrorKind,
        field: &str,
        message: impl FnOnce() -> String,
    ) -> Result<(), RecordError> {
        let location = self.location(rec.position(), field);
        if self.lenient {
            rec.push_diagnostic(Diagnostic {
                severity: Severity::Warning,
                kind: kind.as_str(),
                location,
                message: message(),
            });
            Ok(())
        } else {
            // The message says what lenient mode would do ("…; used 37"): in strict mode nothing
            // was done, the record is rejected.
            let message = format!(
                "{} (strict mode: the record is rejected; lenient mode repairs this)",
                message()
            );
            Err(RecordError::new(kind, location, message, Vec::new()))
        }
    }

    /// A fault that no mode can repair.
    fn reject(
        &self,
        rec: &RecordBuf,
        kind: ErrorKind,
        field: &str,
        message: String,
    ) -> RecordError {
        RecordError::new(
            kind,
            self.location(rec.position(), field),
            message,
            Vec::new(),
        )
    }

    /// A warning in both modes (encoding and content problems that are not structural).
    fn warn(&self, rec: &mut RecordBuf, kind: &'static str, field: &str, message: String) {
        let location = self.location(rec.position(), field);
        rec.push_diagnostic(Diagnostic {
            severity: Severity::Warning,
            kind,
            location,
            message,
        });
    }
}

/// A streaming ISO 2709 (binary MARC) reader.
///
/// Records are cut at each record terminator (0x1D): every chunk gives exactly one `Ok` record or
/// one [`Error::Record`], so a bad record never hides the next one. Only the current record is held
/// in memory; [`Reader::read_record`] reuses the caller's [`RecordBuf`].
///
/// ```
/// use crosswalk::marc::iso2709::Reader;
/// use crosswalk::marc::RecordBuf;
///
/// let data = b"00042nam a2200037 a 4500001000400000\x1eab1\x1e\x1d";
/// let mut reader = Reader::new(&data[..]);
/// let mut rec = RecordBuf::new();
/// while reader.read_record(&mut rec)? {
///     assert_eq!(rec.id(), Some("ab1"));
///     assert_eq!(rec.position().record, 1);
/// }
/// # Ok::<(), crosswalk::marc::iso2709::Error>(())
/// ```
#[derive(Debug)]
pub struct Reader<R> {
    inner: BufReader<R>,
    settings: Settings,
    max_record_size: usize,
    offset: u64,
    ordinal: u64,
    decoder: FieldDecoder,
    problems: Vec<DecodeProblem>,
    diagnostics: Vec<Diagnostic>,
    done: bool,
}

impl<R: Read> Reader<R> {
    /// A strict reader with default settings; see [`ReaderBuilder`] for the others.
    pub fn new(reader: R) -> Self {
        ReaderBuilder::new().build(reader)
    }

    /// A lenient reader with default settings.
    pub fn lenient(reader: R) -> Self {
        ReaderBuilder::new().lenient(true).build(reader)
    }

    /// Byte offset of the next unread byte.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// Number of chunks read so far (records returned plus records rejected).
    pub fn records_read(&self) -> u64 {
        self.ordinal
    }

    /// Diagnostics about the stream rather than a record (`trailing-filler`), taken out of the reader.
    pub fn take_diagnostics(&mut self) -> Vec<Diagnostic> {
        std::mem::take(&mut self.diagnostics)
    }

    /// The underlying reader.
    pub fn into_inner(self) -> R {
        self.inner.into_inner()
    }

    /// Reads the next record into `rec`, replacing its content. Returns `Ok(false)` at the end of
    /// the input. After an [`Error::Record`] the reader is at the next record and can go on.
    ///
    /// `rec` gets the raw bytes of the record (from its leader to its 0x1D), its [`Position`]
    /// (1-based record ordinal, byte offset of the leader) and, in lenient mode, one [`Diagnostic`]
    /// per repair.
    pub fn read_record(&mut self, rec: &mut RecordBuf) -> Result<bool, Error> {
        rec.clear();
        if self.done {
            return Ok(false);
        }
        let mut raw = std::mem::take(rec.raw_mut());
        let start = self.offset;
        let (terminated, overflow) = match self.read_chunk(&mut raw) {
            Ok(r) => r,
            Err(e) => {
                // An I/O error ends the input: the iterator must not call again forever.
                self.done = true;
                *rec.raw_mut() = raw;
                return Err(e.into());
            }
        };
        if !terminated {
            self.done = true;
            if raw.is_empty() {
                *rec.raw_mut() = raw;
                return Ok(false);
            }
            if raw.iter().all(|&b| chunk::is_filler(b)) {
                let location = self.settings.location(Position::binary(0, start), "");
                let message = format!(
                    "{} filler bytes after the last record (\"{}\") ignored",
                    raw.len(),
                    raw.escape_ascii()
                );
                if self.settings.lenient {
                    self.diagnostics.push(Diagnostic {
                        severity: Severity::Warning,
                        kind: ErrorKind::TrailingFiller.as_str(),
                        location,
                        message,
                    });
                    *rec.raw_mut() = raw;
                    return Ok(false);
                }
                return Err(
                    RecordError::new(ErrorKind::TrailingFiller, location, message, raw).into(),
                );
            }
        }
        self.ordinal += 1;
        if overflow {
            let location = self
                .settings
                .location(Position::binary(self.ordinal, start), "");
            let message = format!(
                "no record terminator within {} bytes (maximum record size); skipped {} bytes",
                self.max_record_size,
                self.offset - start
            );
            return Err(RecordError::new(ErrorKind::RecordTooLarge, location, message, raw).into());
        }
        let skip = chunk::leader_start(&raw);
        rec.set_position(Position::binary(self.ordinal, start + skip as u64));
        let result = (|| {
            if skip > 0 {
                let location = self
                    .settings
                    .location(Position::binary(self.ordinal, start), "");
                let message = format!(
                    "skipped {} bytes before the leader: \"{}\"",
                    skip,
                    raw[..skip.min(32)].escape_ascii()
                );
                if self.settings.lenient {
                    rec.push_diagnostic(Diagnostic {
                        severity: Severity::Warning,
                        kind: ErrorKind::LeadingGarbage.as_str(),
                        location,
                        message,
                    });
                } else {
                    return Err(RecordError::new(
                        ErrorKind::LeadingGarbage,
                        location,
                        message,
                        Vec::new(),
                    ));
                }
            }
            decode_record(
                &self.settings,
                &mut self.decoder,
                &mut self.problems,
                &raw[skip..],
                terminated,
                rec,
            )
        })();
        match result {
            Ok(()) => {
                if !rec.diagnostics().is_empty() {
                    if let Some(id) = rec.id().map(str::to_owned) {
                        for d in rec.diagnostics_mut() {
                            d.location.record_id.get_or_insert_with(|| id.clone());
                        }
                    }
                }
                if skip > 0 {
                    raw.drain(..skip);
                }
                *rec.raw_mut() = raw;
                Ok(true)
            }
            Err(mut e) => {
                e.set_record_id(rec.id());
                e.set_raw(&raw);
                rec.clear_fields();
                *rec.raw_mut() = raw;
                Err(e.into())
            }
        }
    }

    /// An iterator over the remaining records. It ends at the end of the input or after an I/O
    /// error; record errors are yielded and reading goes on.
    ///
    /// ```
    /// use crosswalk::marc::iso2709::Reader;
    ///
    /// let data = b"00042nam a2200037 a 4500001000400000\x1eab1\x1e\x1dgarbage\x1d";
    /// let results: Vec<_> = Reader::lenient(&data[..]).records().collect();
    /// assert_eq!(results.len(), 2);
    /// assert!(results[0].is_ok());
    /// assert_eq!(results[1].as_ref().unwrap_err().raw(), b"garbage\x1d");
    /// ```
    pub fn records(&mut self) -> Records<'_, R> {
        crate::records::Records::new(self)
    }

    /// Appends the next chunk (up to and including a 0x1D, or to the end of the input) to `raw`,
    /// keeping at most `max_record_size` bytes. Returns (terminated, overflowed).
    fn read_chunk(&mut self, raw: &mut Vec<u8>) -> io::Result<(bool, bool)> {
        let mut overflow = false;
        loop {
            let buf = match self.inner.fill_buf() {
                Ok(buf) => buf,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if buf.is_empty() {
                return Ok((false, overflow));
            }
            let (take, found) = match memchr(RT, buf) {
                Some(i) => (i + 1, true),
                None => (buf.len(), false),
            };
            if !overflow {
                let room = self.max_record_size - raw.len();
                if take <= room {
                    raw.extend_from_slice(&buf[..take]);
                } else {
                    raw.extend_from_slice(&buf[..room]);
                    overflow = true;
                }
            }
            self.inner.consume(take);
            self.offset += take as u64;
            if found {
                return Ok((true, overflow));
            }
        }
    }
}

/// Iterator over the records of a [`Reader`], from [`Reader::records`].
pub type Records<'r, R> = crate::records::Records<'r, Reader<R>>;

impl<R: Read> crate::records::ReadRecord for Reader<R> {
    type Record = RecordBuf;
    type Error = Error;

    fn read_record(&mut self, record: &mut RecordBuf) -> Result<bool, Error> {
        Reader::read_record(self, record)
    }
}

/// Decodes one record (`data` runs from the leader to the 0x1D, or to the end when not terminated).
fn decode_record(
    settings: &Settings,
    decoder: &mut FieldDecoder,
    problems: &mut Vec<DecodeProblem>,
    data: &[u8],
    terminated: bool,
    rec: &mut RecordBuf,
) -> Result<(), RecordError> {
    let n = data.len();
    let body_end = if terminated { n - 1 } else { n };
    if !terminated {
        settings.repair(rec, ErrorKind::RecordTerminatorMissing, "", || {
            format!("the input ends {n} bytes into the record without a 0x1D")
        })?;
    }
    let Some(leader_bytes) = data.first_chunk::<24>() else {
        return Err(settings.reject(
            rec,
            ErrorKind::RecordTooShort,
            "leader",
            format!("{n} bytes cannot hold a leader"),
        ));
    };
    rec.set_leader(Leader(*leader_bytes));
    let numbers = leader::decode(leader_bytes);
    match numbers.length {
        _ if n > 99_999 => {
            settings.repair(rec, ErrorKind::RecordOver99999, "leader/00-04", || {
                format!("record of {n} bytes is over 99,999 bytes; read up to its 0x1D")
            })?
        }
        None => settings.repair(rec, ErrorKind::RecordLengthInvalid, "leader/00-04", || {
            format!(
                "record length {:?} is not five digits; the record is {n} bytes up to its 0x1D",
                leader_bytes[..5].escape_ascii().to_string()
            )
        })?,
        Some(len) if len != n && terminated => {
            settings.repair(rec, ErrorKind::RecordLengthMismatch, "leader/00-04", || {
                format!("leader says {len} bytes, the 0x1D ends the record at {n} bytes")
            })?
        }
        Some(_) => {}
    }
    if !numbers.standard_layout {
        settings.repair(
            rec,
            ErrorKind::LeaderNonstandard,
            "leader/10-11,20-21",
            || {
                format!(
                    "leader/10-11 {:?} and 20-21 {:?} are not \"22\" and \"45\"; read as MARC 21",
                    leader_bytes[10..12].escape_ascii().to_string(),
                    leader_bytes[20..22].escape_ascii().to_string()
                )
            },
        )?;
    }
    let Some(dir_len) = memchr(FT, data.get(24..body_end).unwrap_or_default()) else {
        return Err(settings.reject(
            rec,
            ErrorKind::DirectoryTerminatorMissing,
            "directory",
            "no 0x1E ends the directory".into(),
        ));
    };
    let base = 24 + dir_len + 1;
    if numbers.base_address != Some(base) {
        settings.repair(rec, ErrorKind::BaseAddressMismatch, "leader/12-16", || {
            format!(
                "base address {:?} is not {base}, the offset after the directory; used {base}",
                leader_bytes[12..17].escape_ascii().to_string()
            )
        })?;
    }
    let dir = &data[24..24 + dir_len];
    if !dir.len().is_multiple_of(directory::ENTRY_LEN) {
        settings.repair(rec, ErrorKind::DirectoryLengthInvalid, "directory", || {
            format!(
                "directory of {} bytes is not a multiple of 12; the last {} bytes are ignored",
                dir.len(),
                dir.len() % directory::ENTRY_LEN
            )
        })?;
    }
    let area = &data[base..body_end];
    let detection = encoding::detect(leader_bytes[9], area);
    decoder.set_charset(detection.charset);
    if let Some((kind, message)) = detection.misdeclared {
        settings.warn(rec, kind, "leader/09", message);
    }
    // Fast path: a UTF-8 data area that is valid and already NFC decodes to itself, so values are
    // copied as they are instead of going through the decoder value by value.
    let fast = (detection.charset == Charset::Utf8)
        .then(|| std::str::from_utf8(area).ok())
        .flatten()
        .filter(|s| is_nfc(s));

    let mut prev_end = 0usize;
    let mut label = String::new();
    for (i, entry) in dir.chunks_exact(directory::ENTRY_LEN).enumerate() {
        let Some(entry) = entry.first_chunk::<{ directory::ENTRY_LEN }>() else {
            continue;
        };
        let entry = directory::decode_entry(entry);
        let tag = entry.tag;
        let dir_label = || format!("directory[{i}]");
        if !tag.is_valid() {
            settings.repair(rec, ErrorKind::TagInvalid, &dir_label(), || {
                format!("tag {tag} is not three ASCII letters or digits")
            })?;
        }
        let start = match entry.start {
            Some(s) if s <= area.len() && (s == 0 || area[s - 1] == FT) => s,
            Some(s) if s > area.len() => {
                settings.repair(rec, ErrorKind::DirectoryEntryOutOfBounds, &dir_label(), || {
                    format!(
                        "field {tag} starts at {s}, past the data area ({} bytes); read from {prev_end}",
                        area.len()
                    )
                })?;
                prev_end
            }
            other => {
                settings.repair(
                    rec,
                    ErrorKind::DirectoryEntryInvalid,
                    &dir_label(),
                    || match other {
                        Some(s) => format!(
                            "field {tag} starts at {s}, not after a 0x1E; read from {prev_end}"
                        ),
                        None => format!("field {tag} has no numeric start; read from {prev_end}"),
                    },
                )?;
                prev_end
            }
        };
        let declared_end = entry.length.map(|l| start + l);
        let end = match declared_end {
            Some(e) if e > start && e <= area.len() && area[e - 1] == FT => e - 1,
            _ => {
                let found = memchr(FT, &area[start..]).map(|k| start + k);
                let end = found.unwrap_or(area.len());
                let found_text = if found.is_some() {
                    "the next 0x1E"
                } else {
                    "the end of the record"
                };
                match (entry.length, declared_end) {
                    (None, _) => settings.repair(rec, ErrorKind::DirectoryEntryInvalid, &dir_label(), || {
                        format!("field {tag} has no numeric length; read to {found_text}")
                    })?,
                    (Some(l), Some(e)) if e > area.len() => {
                        settings.repair(rec, ErrorKind::DirectoryEntryOutOfBounds, &dir_label(), || {
                            format!(
                                "field {tag} of {l} bytes at {start} runs past the data area ({} bytes); read to {found_text}",
                                area.len()
                            )
                        })?
                    }
                    (Some(l), _) => settings.repair(rec, ErrorKind::FieldTerminatorMissing, tag.as_str(), || {
                        format!(
                            "field {tag} (directory[{i}]) does not end with 0x1E after {l} bytes; read {} bytes to {found_text}",
                            end - start + 1
                        )
                    })?,
                }
                end
            }
        };
        prev_end = (end + 1).min(area.len());
        let content = &area[start..end];
        let fast = fast.and_then(|s| s.get(start..end));
        decode_field(
            settings, decoder, problems, tag, content, fast, rec, &mut label,
        )?;
    }
    Ok(())
}

/// Decodes one field's content (without its 0x1E) into `rec`. `fast` is the same content when it is
/// known to be valid NFC UTF-8.
#[allow(clippy::too_many_arguments)]
fn decode_field(
    settings: &Settings,
    decoder: &mut FieldDecoder,
    problems: &mut Vec<DecodeProblem>,
    tag: Tag,
    content: &[u8],
    fast: Option<&str>,
    rec: &mut RecordBuf,
    label: &mut String,
) -> Result<(), RecordError> {
    decoder.start_field();
    if !field::is_data_field(tag, content) {
        match fast {
            Some(text) => rec.push_control_field(tag, text),
            None => rec.push_control_field_with(tag, |s| decoder.decode(content, s, problems)),
        }
        if !problems.is_empty() {
            report_problems(settings, rec, problems, tag.as_str());
        }
        return Ok(());
    }
    let utf8 = decoder.charset() == Charset::Utf8;
    let parts = field::split(content, utf8);
    let (c1, c2) = match parts.indicators {
        Some([i1, i2]) => {
            if !(i1.ascii && i2.ascii) {
                settings.warn(
                    rec,
                    "indicator-invalid",
                    tag.as_str(),
                    format!(
                        "indicators are not ASCII; read as {:?} {:?}",
                        i1.char, i2.char
                    ),
                );
            }
            (i1.char, i2.char)
        }
        None => {
            settings.repair(rec, ErrorKind::IndicatorsMissing, tag.as_str(), || {
                format!("data field {tag} has no indicators; blanks used")
            })?;
            (' ', ' ')
        }
    };
    if !parts.stray.is_empty() {
        settings.repair(rec, ErrorKind::DataBeforeSubfield, tag.as_str(), || {
            format!(
                "{} bytes before the first subfield dropped: {:?}",
                parts.stray.len(),
                parts.stray[..parts.stray.len().min(40)]
                    .escape_ascii()
                    .to_string()
            )
        })?;
    }
    rec.push_data_field(tag, c1, c2);
    let mut rest = parts.subfields;
    while let Some((_, tail)) = rest.split_first() {
        let next = memchr(SD, tail).unwrap_or(tail.len());
        let (seg, after) = tail.split_at(next);
        rest = after;
        if seg.is_empty() {
            settings.repair(rec, ErrorKind::SubfieldCodeMissing, tag.as_str(), || {
                "subfield delimiter without a code ignored".into()
            })?;
            continue;
        }
        let code = field::code_at(seg, utf8);
        let (value, ok, code) = (&seg[code.len..], code.ascii, code.char);
        let at = value.as_ptr() as usize - content.as_ptr() as usize;
        match fast.and_then(|t| t.get(at..at + value.len())) {
            Some(text) => rec.push_subfield(code, text),
            None => rec.push_subfield_with(code, |s| decoder.decode(value, s, problems)),
        }
        if !ok || !problems.is_empty() {
            label.clear();
            label.push_str(tag.as_str());
            label.push('$');
            label.push(code);
            if !ok {
                settings.warn(
                    rec,
                    "subfield-code-invalid",
                    label,
                    format!("subfield code {code:?} is not an ASCII graphic character"),
                );
            }
            report_problems(settings, rec, problems, label);
        }
    }
    Ok(())
}

/// True when `s` is certainly NFC: every character below U+0300 (no combining marks, no
/// characters that compose; in UTF-8 that is every byte below 0xCC), or the quick check says yes.
fn is_nfc(s: &str) -> bool {
    // Chunked maximum instead of a byte-by-byte early exit: the compiler vectorises it.
    s.as_bytes()
        .chunks(64)
        .all(|c| c.iter().fold(0u8, |m, &b| m.max(b)) < 0xCC)
        || unicode_normalization::is_nfc_quick(s.chars())
            == unicode_normalization::IsNormalized::Yes
}

fn report_problems(
    settings: &Settings,
    rec: &mut RecordBuf,
    problems: &mut Vec<DecodeProblem>,
    field: &str,
) {
    for p in problems.drain(..) {
        settings.warn(
            rec,
            p.kind,
            field,
            format!("{} (byte {} of the value)", p.message, p.offset),
        );
    }
}
