//! The ISO 2709 writer.

use std::io::{self, Write};

use super::decode::{FT, RT, SD};
use super::error::{Error, ErrorKind, RecordError};
use crate::diagnostic::Location;
use crate::marc::record::write_digits;
use crate::marc::RecordBuf;

/// Writes records as ISO 2709 in UTF-8.
///
/// Each record is built in an internal buffer and written in one piece, so a record that cannot be
/// written (a field over 9,999 bytes, a record over 99,999 bytes, a non-ASCII indicator or subfield
/// code) leaves the output untouched and gives an [`Error::Record`].
///
/// The leader is written as the record has it, except positions 00-04 (record length), 09 (`a`,
/// UTF-8) and 12-16 (base address).
///
/// ```
/// use crosswalk::marc::iso2709::{Reader, Writer};
/// use crosswalk::marc::{RecordBuf, Tag};
///
/// let mut rec = RecordBuf::new();
/// rec.push_control_field(Tag::parse("001").unwrap(), "ab1");
/// rec.push_data_field(Tag::parse("245").unwrap(), '1', '0');
/// rec.push_subfield('a', "Moby Dick");
/// let mut writer = Writer::new(Vec::new());
/// writer.write_record(&rec)?;
/// let bytes = writer.into_inner();
/// assert_eq!(&bytes[..5], b"00068");
///
/// let mut back = RecordBuf::new();
/// Reader::new(&bytes[..]).read_record(&mut back)?;
/// assert_eq!(back.fields_with_tag("245").next().unwrap().subfield('a'), Some("Moby Dick"));
/// # Ok::<(), crosswalk::marc::iso2709::Error>(())
/// ```
#[derive(Debug)]
pub struct Writer<W> {
    inner: W,
    directory: Vec<u8>,
    data: Vec<u8>,
    out: Vec<u8>,
}

/// Largest field length a directory entry can hold.
const MAX_FIELD: usize = 9_999;
/// Largest record length the leader can hold.
const MAX_RECORD: usize = 99_999;

impl<W: Write> Writer<W> {
    /// A writer to `inner`. Wrap files in a `BufWriter`.
    pub fn new(inner: W) -> Self {
        Self {
            inner,
            directory: Vec::new(),
            data: Vec::new(),
            out: Vec::new(),
        }
    }

    /// The underlying writer.
    pub fn into_inner(self) -> W {
        self.inner
    }

    /// The underlying writer, by reference.
    pub fn get_ref(&self) -> &W {
        &self.inner
    }

    /// Writes one record.
    pub fn write_record(&mut self, rec: &RecordBuf) -> Result<(), Error> {
        self.encode(rec)?;
        self.inner.write_all(&self.out)?;
        Ok(())
    }

    /// Flushes the underlying writer.
    pub fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }

    fn encode(&mut self, rec: &RecordBuf) -> Result<(), RecordError> {
        self.directory.clear();
        self.data.clear();
        self.out.clear();
        let fail = |kind, field: String, message: String| {
            RecordError::new(
                kind,
                Location {
                    position: rec.position(),
                    record_id: rec.id().map(str::to_owned),
                    field: Some(field),
                    ..Location::default()
                },
                message,
                Vec::new(),
            )
        };
        for (i, f) in rec.fields().enumerate() {
            let start = self.data.len();
            let tag = f.tag();
            match f.indicators() {
                None => self
                    .data
                    .extend_from_slice(f.value().unwrap_or_default().as_bytes()),
                Some(ind) => {
                    for c in ind {
                        if !is_code(c) {
                            return Err(fail(
                                ErrorKind::InvalidCode,
                                tag.to_string(),
                                format!("indicator {c:?} is not one ASCII character"),
                            ));
                        }
                        self.data.push(c as u8);
                    }
                    for s in f.subfields() {
                        if !is_code(s.code) {
                            return Err(fail(
                                ErrorKind::InvalidCode,
                                format!("{tag}${}", s.code),
                                format!("subfield code {:?} is not one ASCII character", s.code),
                            ));
                        }
                        self.data.push(SD);
                        self.data.push(s.code as u8);
                        self.data.extend_from_slice(s.value.as_bytes());
                    }
                }
            }
            self.data.push(FT);
            let len = self.data.len() - start;
            if len > MAX_FIELD {
                return Err(fail(
                    ErrorKind::FieldTooLong,
                    tag.to_string(),
                    format!("field {tag} (field {i}) is {len} bytes; ISO 2709 allows 9,999"),
                ));
            }
            if start > MAX_RECORD {
                break;
            }
            let mut entry = [0u8; 12];
            entry[..3].copy_from_slice(tag.as_bytes());
            write_digits(&mut entry[3..7], len);
            write_digits(&mut entry[7..12], start);
            self.directory.extend_from_slice(&entry);
        }
        let base = 24 + self.directory.len() + 1;
        let total = base + self.data.len() + 1;
        if total > MAX_RECORD {
            return Err(fail(
                ErrorKind::RecordTooLong,
                "leader/00-04".into(),
                format!("record would be {total} bytes or more; ISO 2709 allows 99,999"),
            ));
        }
        let mut leader = rec.leader().for_unicode();
        leader.set_record_length(total);
        leader.set_base_address(base);
        self.out.reserve(total);
        self.out.extend_from_slice(&leader.0);
        self.out.extend_from_slice(&self.directory);
        self.out.push(FT);
        self.out.extend_from_slice(&self.data);
        self.out.push(RT);
        Ok(())
    }
}

/// Indicators and subfield codes must be one byte: ASCII graphic or blank.
fn is_code(c: char) -> bool {
    c.is_ascii_graphic() || c == ' '
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::marc::Tag;

    #[test]
    fn layout() {
        let mut rec = RecordBuf::new();
        rec.push_control_field(Tag::parse("001").unwrap(), "x");
        let mut w = Writer::new(Vec::new());
        w.write_record(&rec).unwrap();
        assert_eq!(
            w.into_inner(),
            b"00040nam a2200037 i 4500001000200000\x1ex\x1e\x1d".to_vec()
        );
    }

    #[test]
    fn too_long() {
        let mut rec = RecordBuf::new();
        rec.push_data_field(Tag::parse("500").unwrap(), ' ', ' ');
        rec.push_subfield('a', &"x".repeat(10_000));
        let mut w = Writer::new(Vec::new());
        let e = w.write_record(&rec).unwrap_err();
        assert_eq!(e.kind(), Some(ErrorKind::FieldTooLong));
        assert!(w.into_inner().is_empty());

        let mut rec = RecordBuf::new();
        for _ in 0..20 {
            rec.push_data_field(Tag::parse("500").unwrap(), ' ', ' ');
            rec.push_subfield('a', &"x".repeat(9_000));
        }
        let e = Writer::new(Vec::new()).write_record(&rec).unwrap_err();
        assert_eq!(e.kind(), Some(ErrorKind::RecordTooLong));

        let mut rec = RecordBuf::new();
        rec.push_data_field(Tag::parse("500").unwrap(), 'é', ' ');
        let e = Writer::new(Vec::new()).write_record(&rec).unwrap_err();
        assert_eq!(e.kind(), Some(ErrorKind::InvalidCode));
    }
}
