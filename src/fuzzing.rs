//! Property checks over arbitrary input, shared by the cargo-fuzz targets (`fuzz/`) and by
//! `tests/fuzz_seeds.rs`, which runs them over a seed corpus and its mutations in CI.
//!
//! Not part of the public API. Each function takes any bytes and panics when a property fails:
//!
//! - no reader panics, and every reader terminates: the number of calls is bounded by the input
//!   length (a reader that returns records forever is caught);
//! - every record is accounted for: records returned plus records rejected match the reader's
//!   own count, and never exceed what the input can hold;
//! - strict and lenient modes agree: a record strict reading accepts is accepted by lenient
//!   reading with the same content;
//! - chunked and whole reading agree: the same input handed over 1–7 bytes per `read` call gives
//!   the same records, rejections, diagnostics and errors as the whole slice;
//! - round trip: every record read is written with the format's writer and read back with the
//!   same content, after the writer's documented transformations (ISO 2709: leader/00-04, 09 and
//!   12-16 rewritten; MARCXML: characters XML cannot carry become U+FFFD).

use std::io::{self, BufRead, BufReader, Read};

use crate::diagnostic::{Diagnostic, Position};
use crate::marc::{iso2709, json, RecordBuf};

/// A reader that hands out 1–7 bytes per `read` call (a deterministic pattern seeded by the
/// input), to catch state lost across buffer boundaries.
struct Trickle<'a> {
    data: &'a [u8],
    state: u32,
    first: bool,
}

impl<'a> Trickle<'a> {
    fn new(data: &'a [u8]) -> Self {
        let seed = data
            .iter()
            .take(16)
            .fold(0x9E37_79B9u32, |h, &b| h.rotate_left(5) ^ u32::from(b));
        Self {
            data,
            state: seed | 1,
            first: true,
        }
    }
}

impl Read for Trickle<'_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        // xorshift32
        self.state ^= self.state << 13;
        self.state ^= self.state >> 17;
        self.state ^= self.state << 5;
        // The first call gives 4 bytes: quick-xml looks for a byte order mark only in the first
        // buffer it gets, so a BOM split over two reads is read as text (a known limitation).
        let want = if self.first {
            self.first = false;
            4
        } else {
            1 + (self.state % 7) as usize
        };
        let n = want.min(out.len()).min(self.data.len());
        out[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

/// A buffered [`Trickle`]: `fill_buf` returns at most 7 bytes.
fn trickle(data: &[u8]) -> BufReader<Trickle<'_>> {
    BufReader::with_capacity(7, Trickle::new(data))
}

/// Most calls a reader may need for `data`: every record, rejection or item takes at least one
/// byte, plus the final `Ok(false)` / `Ok(None)` and an error.
fn call_limit(data: &[u8]) -> usize {
    data.len() + 3
}

/// What one `read_record` call gave, in comparable form.
#[derive(Debug, Clone, PartialEq)]
enum MarcOutcome {
    /// A record: content, raw bytes, position, diagnostics.
    Record(Box<RecordBuf>, Vec<u8>, Position, Vec<Diagnostic>),
    /// A rejected record (continues): kind, message, raw bytes.
    Rejected(String, String, Vec<u8>),
    /// A fatal error (the reader stops): kind and message.
    Fatal(String, String),
}

impl MarcOutcome {
    fn record(rec: &RecordBuf) -> Self {
        Self::Record(
            Box::new(rec.clone()),
            rec.raw().to_vec(),
            rec.position(),
            rec.diagnostics().to_vec(),
        )
    }

    fn as_record(&self) -> Option<&RecordBuf> {
        match self {
            Self::Record(rec, ..) => Some(rec.as_ref()),
            _ => None,
        }
    }
}

/// Asserts that two outcome lists are equal, reporting the first difference.
fn assert_same(what: &str, a: &[MarcOutcome], b: &[MarcOutcome]) {
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        assert_eq!(x, y, "{what}: outcome {i} differs");
    }
    assert_eq!(a.len(), b.len(), "{what}: different number of outcomes");
}

// ---------------------------------------------------------------------------------------------
// ISO 2709

fn iso_read<R: Read>(input: R, lenient: bool, limit: usize) -> (Vec<MarcOutcome>, u64) {
    let mut reader = iso2709::ReaderBuilder::new().lenient(lenient).build(input);
    let mut rec = RecordBuf::new();
    let mut out = Vec::new();
    loop {
        assert!(
            out.len() <= limit,
            "ISO 2709 reader (lenient: {lenient}) did not stop after {limit} calls"
        );
        match reader.read_record(&mut rec) {
            Ok(true) => out.push(MarcOutcome::record(&rec)),
            Ok(false) => break,
            Err(iso2709::Error::Record(e)) => out.push(MarcOutcome::Rejected(
                e.kind().as_str().to_owned(),
                e.to_string(),
                e.raw().to_vec(),
            )),
            Err(e) => {
                out.push(MarcOutcome::Fatal("io".into(), e.to_string()));
                break;
            }
        }
    }
    (out, reader.records_read())
}

/// ISO 2709: strict and lenient reading, whole and trickled, accounting, strict ⊆ lenient, and
/// the round trip through [`iso2709::Writer`].
pub fn iso2709(data: &[u8]) {
    let limit = call_limit(data);
    let terminators = data.iter().filter(|&&b| b == 0x1D).count();
    let mut by_mode = Vec::new();
    for lenient in [false, true] {
        let (whole, count) = iso_read(data, lenient, limit);
        let (chunked, _) = iso_read(Trickle::new(data), lenient, limit);
        assert_same(
            &format!("ISO 2709 whole vs chunked (lenient: {lenient})"),
            &whole,
            &chunked,
        );
        assert!(
            !whole.iter().any(|o| matches!(o, MarcOutcome::Fatal(..))),
            "reading a slice cannot fail with an I/O error"
        );
        // Every chunk ends at a 0x1D except perhaps the last; a trailing-filler rejection (strict)
        // is not counted as a record.
        let records = whole
            .iter()
            .filter(|o| !matches!(o, MarcOutcome::Rejected(k, ..) if k == "trailing-filler"))
            .count();
        assert_eq!(
            records as u64, count,
            "records_read disagrees with what was returned"
        );
        assert!(
            records <= terminators + 1,
            "{records} records from {terminators} terminators"
        );
        for outcome in &whole {
            match outcome {
                MarcOutcome::Record(rec, raw, ..) => {
                    assert!(!raw.is_empty(), "a record without raw bytes");
                    iso_round_trip(rec, lenient);
                }
                MarcOutcome::Rejected(kind, _, raw) => {
                    assert!(!raw.is_empty(), "a {kind} rejection without raw bytes");
                    if lenient {
                        assert!(
                            matches!(
                                kind.as_str(),
                                "record-too-short"
                                    | "directory-terminator-missing"
                                    | "record-too-large"
                            ),
                            "lenient reading rejected a record for a repairable fault: {kind}"
                        );
                    }
                }
                MarcOutcome::Fatal(..) => {}
            }
        }
        by_mode.push(whole);
    }
    let (strict, lenient) = (&by_mode[0], &by_mode[1]);
    for (i, (s, l)) in strict.iter().zip(lenient).enumerate() {
        if let MarcOutcome::Record(rec, ..) = s {
            let other = l.as_record().unwrap_or_else(|| {
                panic!("record {i}: accepted by strict reading, not by lenient reading: {l:?}")
            });
            assert!(
                rec.same_content(other),
                "record {i}: strict and lenient reading differ\nstrict:\n{rec:?}\nlenient:\n{other:?}"
            );
        }
    }
}

/// Whether the ISO 2709 form of `rec` reads back as the same structure. A field whose tag has
/// letters is a data field only when its content has a 0x1F after two indicators: a data field
/// without subfields, or a control field with a 0x1F as its third byte, changes kind.
fn iso_representable(rec: &RecordBuf) -> bool {
    rec.fields().all(|f| {
        let t = f.tag();
        let b = t.as_bytes();
        if b[0] == b'0' && b[1] == b'0' || b.iter().all(u8::is_ascii_digit) {
            return true;
        }
        match f.value() {
            Some(v) => v.as_bytes().get(2) != Some(&0x1F),
            None => f.subfields().len() > 0,
        }
    })
}

fn iso_round_trip(rec: &RecordBuf, lenient: bool) {
    let mut writer = iso2709::Writer::new(Vec::new());
    match writer.write_record(rec) {
        Ok(()) => {}
        Err(iso2709::Error::Record(e)) => {
            let kind = e.kind().as_str();
            assert!(
                matches!(kind, "field-too-long" | "record-too-long" | "invalid-code"),
                "the writer rejected a record read back from ISO 2709: {kind}: {e}"
            );
            return;
        }
        Err(e) => panic!("writing to a Vec failed: {e}"),
    }
    if !iso_representable(rec) {
        return;
    }
    let bytes = writer.into_inner();
    let mut reader = iso2709::ReaderBuilder::new()
        .lenient(lenient)
        .build(&bytes[..]);
    let mut back = RecordBuf::new();
    match reader.read_record(&mut back) {
        Ok(true) => {}
        other => panic!(
            "a written record does not read back (lenient: {lenient}): {other:?}\nrecord:\n{rec:?}\nbytes: {:?}",
            bytes.escape_ascii().to_string()
        ),
    }
    assert!(
        matches!(reader.read_record(&mut RecordBuf::new()), Ok(false)),
        "one record written, more read back"
    );
    // The writer's own changes: record length, leader/09 = 'a', base address.
    let mut expected = rec.clone();
    let leader = expected.leader_mut();
    leader.0[..5].copy_from_slice(&back.leader().0[..5]);
    leader.0[9] = b'a';
    leader.0[12..17].copy_from_slice(&back.leader().0[12..17]);
    assert!(
        back.same_content(&expected),
        "ISO 2709 round trip changed the record (lenient: {lenient})\nbefore:\n{expected:?}\nafter:\n{back:?}\nbytes: {:?}",
        bytes.escape_ascii().to_string()
    );
}

// ---------------------------------------------------------------------------------------------
// MARCXML and MARC-in-JSON share their shape: strict/lenient, `Error::is_fatal`.

/// Reads all records with `read`, which returns `Ok(true)`, `Ok(false)` or an error
/// `(kind, message, fatal)`.
fn read_all(
    what: &str,
    limit: usize,
    mut read: impl FnMut(&mut RecordBuf) -> Result<bool, (String, String, bool)>,
) -> Vec<MarcOutcome> {
    let mut rec = RecordBuf::new();
    let mut out = Vec::new();
    loop {
        assert!(
            out.len() <= limit,
            "{what} did not stop after {limit} calls"
        );
        match read(&mut rec) {
            Ok(true) => out.push(MarcOutcome::record(&rec)),
            Ok(false) => break,
            Err((kind, message, false)) => out.push(MarcOutcome::Rejected(kind, message, vec![])),
            Err((kind, message, true)) => {
                out.push(MarcOutcome::Fatal(kind, message));
                assert!(
                    matches!(read(&mut rec), Ok(false)),
                    "{what} goes on after a fatal error"
                );
                break;
            }
        }
    }
    out
}

fn xml_read<R: BufRead>(input: R, lenient: bool, limit: usize) -> (Vec<MarcOutcome>, u64) {
    let mut reader = crate::marc::xml::Reader::new(input).lenient(lenient);
    let out = read_all("MARCXML reader", limit, |rec| {
        reader
            .read_record(rec)
            .map_err(|e| (e.kind().to_owned(), e.to_string(), e.is_fatal()))
    });
    (out, reader.record_count())
}

fn json_read<R: BufRead>(input: R, lenient: bool, limit: usize) -> (Vec<MarcOutcome>, u64) {
    let mut reader = json::Reader::new(input).lenient(lenient);
    let out = read_all("MARC-in-JSON reader", limit, |rec| {
        reader
            .read_record(rec)
            .map_err(|e| (e.kind().to_owned(), e.to_string(), e.is_fatal()))
    });
    (out, reader.record_count())
}

/// Runs the checks common to MARCXML and MARC-in-JSON: whole vs trickled, accounting, strict ⊆
/// lenient, and `round_trip` on every record.
fn marc_text_format(
    data: &[u8],
    what: &str,
    read: impl Fn(&mut dyn BufRead, bool, usize) -> (Vec<MarcOutcome>, u64),
    round_trip: impl Fn(&RecordBuf),
) {
    let limit = call_limit(data);
    let mut by_mode = Vec::new();
    for lenient in [false, true] {
        let (whole, count) = read(&mut &data[..], lenient, limit);
        let (chunked, _) = read(&mut trickle(data), lenient, limit);
        assert_same(
            &format!("{what} whole vs chunked (lenient: {lenient})"),
            &whole,
            &chunked,
        );
        let records = whole
            .iter()
            .filter(|o| !matches!(o, MarcOutcome::Fatal(..)))
            .count() as u64;
        assert!(
            count >= records && count <= records + 1,
            "{what}: record_count {count}, {records} records and rejections returned"
        );
        for rec in whole.iter().filter_map(MarcOutcome::as_record) {
            round_trip(rec);
        }
        by_mode.push(whole);
    }
    let (strict, lenient) = (&by_mode[0], &by_mode[1]);
    for (i, (s, l)) in strict.iter().zip(lenient).enumerate() {
        match s {
            MarcOutcome::Record(rec, ..) => {
                let other = l.as_record().unwrap_or_else(|| {
                    panic!("{what} record {i}: accepted by strict reading, not by lenient: {l:?}")
                });
                assert!(
                    rec.same_content(other),
                    "{what} record {i}: strict and lenient reading differ"
                );
            }
            // XML/JSON errors are the same in both modes, and end both readings at the same place.
            MarcOutcome::Fatal(..) => assert_eq!(s, l, "{what}: fatal errors differ by mode"),
            MarcOutcome::Rejected(..) => {}
        }
    }
}

/// What the MARCXML writer does to a value: characters XML 1.0 cannot carry become U+FFFD.
fn xml_safe(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => c,
            '\u{0}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}' => '\u{FFFD}',
            _ => c,
        })
        .collect()
}

/// `rec` as the MARCXML and JSON writers give it: leader/09 `a` (Unicode).
fn as_written(rec: &RecordBuf) -> RecordBuf {
    let mut rec = rec.clone();
    *rec.leader_mut() = rec.leader().for_unicode();
    rec
}

fn xml_round_trip(rec: &RecordBuf) {
    let rec = &as_written(rec);
    let mut writer = crate::marc::xml::Writer::new(Vec::new());
    writer.write_record(rec).expect("writing to a Vec");
    let replaced = writer.replaced_characters();
    let bytes = writer.finish().expect("writing to a Vec");
    let back = read_one_xml(&bytes, rec);
    if replaced == 0 {
        assert!(
            back.same_content(rec),
            "MARCXML round trip changed the record\nbefore:\n{rec:?}\nafter:\n{back:?}\nxml: {}",
            String::from_utf8_lossy(&bytes)
        );
    } else {
        // Replaced characters may change a tag, an indicator or a code, which lenient reading
        // repairs; one more round trip must then be stable.
        let check: Vec<String> = rec
            .fields()
            .filter_map(|f| f.value())
            .map(xml_safe)
            .collect();
        let got: Vec<String> = back
            .fields()
            .filter_map(|f| f.value().map(str::to_owned))
            .collect();
        if rec
            .fields()
            .all(|f| f.tag().as_str() == xml_safe(f.tag().as_str()))
        {
            assert_eq!(check, got, "MARCXML round trip: control fields");
        }
        let mut again = crate::marc::xml::Writer::new(Vec::new());
        again.write_record(&back).expect("writing to a Vec");
        let bytes = again.finish().expect("writing to a Vec");
        let third = read_one_xml(&bytes, &back);
        assert!(
            third.same_content(&back),
            "MARCXML round trip not stable after replacements\nbefore:\n{back:?}\nafter:\n{third:?}"
        );
    }
}

fn read_one_xml(bytes: &[u8], original: &RecordBuf) -> RecordBuf {
    let mut reader = crate::marc::xml::Reader::new(bytes).lenient(true);
    let mut back = RecordBuf::new();
    match reader.read_record(&mut back) {
        Ok(true) => {}
        other => panic!(
            "a written MARCXML record does not read back: {other:?}\nrecord:\n{original:?}\nxml: {}",
            String::from_utf8_lossy(bytes)
        ),
    }
    assert!(
        matches!(reader.read_record(&mut RecordBuf::new()), Ok(false)),
        "one MARCXML record written, more read back"
    );
    back
}

/// MARCXML: strict and lenient, whole and trickled, accounting, strict ⊆ lenient, round trip
/// through [`crate::marc::xml::Writer`].
pub fn marcxml(data: &[u8]) {
    marc_text_format(
        data,
        "MARCXML",
        |input, lenient, limit| xml_read(input, lenient, limit),
        xml_round_trip,
    );
}

fn json_round_trip(rec: &RecordBuf) {
    let rec = &as_written(rec);
    let mut writer = json::Writer::new(Vec::new());
    writer.write_record(rec).expect("writing to a Vec");
    let bytes = writer.finish().expect("writing to a Vec");
    let mut reader = json::Reader::new(&bytes[..]).lenient(true);
    let mut back = RecordBuf::new();
    match reader.read_record(&mut back) {
        Ok(true) => {}
        other => panic!(
            "a written MARC-in-JSON record does not read back: {other:?}\nrecord:\n{rec:?}\njson: {}",
            String::from_utf8_lossy(&bytes)
        ),
    }
    assert!(
        matches!(reader.read_record(&mut RecordBuf::new()), Ok(false)),
        "one JSON record written, more read back"
    );
    assert!(
        back.same_content(rec),
        "MARC-in-JSON round trip changed the record\nbefore:\n{rec:?}\nafter:\n{back:?}\njson: {}",
        String::from_utf8_lossy(&bytes)
    );
}

/// MARC-in-JSON: strict and lenient, whole and trickled, accounting, strict ⊆ lenient, round trip
/// through [`json::Writer`].
pub fn marcjson(data: &[u8]) {
    marc_text_format(
        data,
        "MARC-in-JSON",
        |input, lenient, limit| json_read(input, lenient, limit),
        json_round_trip,
    );
}

// ---------------------------------------------------------------------------------------------
// EAD, DC, XML core

fn ead_read<R: BufRead>(
    input: R,
    limit: usize,
) -> Vec<Result<crate::ead::Item, crate::ead::Error>> {
    let mut reader = crate::ead::Reader::new(input);
    let mut out = Vec::new();
    loop {
        assert!(
            out.len() <= limit,
            "EAD reader did not stop after {limit} calls"
        );
        match reader.next_item() {
            Ok(Some(item)) => out.push(Ok(item)),
            Ok(None) => break,
            Err(e) => {
                out.push(Err(e));
                assert!(
                    matches!(reader.next_item(), Ok(None)),
                    "EAD reader goes on after an error"
                );
                break;
            }
        }
    }
    out
}

/// EAD: `next_item` terminates, stops after an error, and whole and trickled reading agree.
pub fn ead(data: &[u8]) {
    let limit = call_limit(data);
    let whole = ead_read(data, limit);
    let chunked = ead_read(trickle(data), limit);
    for (i, (a, b)) in whole.iter().zip(&chunked).enumerate() {
        assert_eq!(a, b, "EAD whole vs chunked: item {i} differs");
    }
    assert_eq!(
        whole.len(),
        chunked.len(),
        "EAD whole vs chunked: item count"
    );
}

/// Dublin Core / OAI-PMH.
pub fn dc(data: &[u8]) {
    xml(data);
    {
        fn read<R: BufRead>(
            input: R,
            limit: usize,
        ) -> Vec<Result<crate::dc::Record, crate::dc::Error>> {
            let mut reader = crate::dc::Reader::new(input);
            let mut rec = crate::dc::Record::new();
            let mut out = Vec::new();
            loop {
                assert!(
                    out.len() <= limit,
                    "DC reader did not stop after {limit} calls"
                );
                match reader.read_record(&mut rec) {
                    Ok(true) => out.push(Ok(rec.clone())),
                    Ok(false) => break,
                    Err(e) => {
                        out.push(Err(e));
                        assert!(
                            matches!(reader.read_record(&mut rec), Ok(false)),
                            "DC reader goes on after an error"
                        );
                        break;
                    }
                }
            }
            let records = out.iter().filter(|r| r.is_ok()).count() as u64;
            assert_eq!(reader.records_read(), records, "DC records_read");
            out
        }
        let limit = call_limit(data);
        let whole = read(data, limit);
        let chunked = read(trickle(data), limit);
        for (i, (a, b)) in whole.iter().zip(&chunked).enumerate() {
            assert_eq!(a, b, "DC whole vs chunked: record {i} differs");
        }
        assert_eq!(
            whole.len(),
            chunked.len(),
            "DC whole vs chunked: record count"
        );
    }
}

/// An owned [`crate::xml::XmlEvent`].
#[derive(Debug, PartialEq)]
enum Event {
    Start(crate::xml::StartTag),
    End(String),
    Text(String),
    Eof,
    Error(crate::xml::XmlError),
}

fn xml_events<R: BufRead>(input: R, limit: usize) -> Vec<Event> {
    use crate::xml::XmlEvent;
    let mut reader = crate::xml::XmlReader::new(input);
    let mut out = Vec::new();
    let mut depth = 0usize;
    loop {
        assert!(
            out.len() <= limit,
            "XML reader did not stop after {limit} events"
        );
        let event = match reader.next_event() {
            Ok(XmlEvent::Start(t)) => {
                depth += 1;
                Event::Start(t.clone())
            }
            Ok(XmlEvent::End(n)) => {
                assert!(depth > 0, "an end tag without a start tag");
                depth -= 1;
                Event::End(n.to_owned())
            }
            // Text outside the document element is reported as it is (not an error).
            Ok(XmlEvent::Text(t)) => Event::Text(t.to_owned()),
            Ok(XmlEvent::Eof) => {
                assert_eq!(depth, 0, "Eof with open elements");
                out.push(Event::Eof);
                break;
            }
            Err(e) => {
                out.push(Event::Error(e));
                break;
            }
        };
        out.push(event);
    }
    out
}

/// The XML core: events terminate, are balanced, and whole and trickled reading agree.
pub fn xml(data: &[u8]) {
    // Text events each take at least one byte, as do start and end tags; two events per byte
    // at most.
    let limit = 2 * call_limit(data);
    let whole = xml_events(data, limit);
    let chunked = xml_events(trickle(data), limit);
    for (i, (a, b)) in whole.iter().zip(&chunked).enumerate() {
        assert_eq!(a, b, "XML whole vs chunked: event {i} differs");
    }
    assert_eq!(
        whole.len(),
        chunked.len(),
        "XML whole vs chunked: event count"
    );
}

// ---------------------------------------------------------------------------------------------
// Decoders, selectors, sniffing

/// MARC-8 and UTF-8 decoding: no panic, problem offsets inside the input, NFC output, and
/// [`crate::marc::encoding::decode_utf8`] equal to a lossy UTF-8 decoding put into NFC.
pub fn marc8(data: &[u8]) {
    use crate::marc::encoding::{self, Charset, FieldDecoder};
    use unicode_normalization::UnicodeNormalization;

    let (text, problems) = crate::marc::marc8::decode(data);
    for p in &problems {
        assert!(
            p.offset <= data.len(),
            "problem offset {} past the input",
            p.offset
        );
    }
    assert!(
        unicode_normalization::is_nfc(&text),
        "MARC-8 decoding is not NFC: {text:?}"
    );
    if problems.is_empty() {
        assert!(
            crate::marc::marc8::first_problem(data).is_none() || data.contains(&0x1E),
            "first_problem finds a problem decode does not"
        );
    }

    let mut out = String::new();
    let mut problems = Vec::new();
    encoding::decode_utf8(data, &mut out, &mut problems);
    let lossy: String = String::from_utf8_lossy(data).nfc().collect();
    assert_eq!(out, lossy, "decode_utf8 differs from a lossy decoding");
    assert_eq!(
        problems.is_empty(),
        std::str::from_utf8(data).is_ok(),
        "decode_utf8 problems vs validity"
    );

    // A whole record area: detection, then a field decoder over every 0x1E-separated piece.
    if let Some((&leader09, area)) = data.split_first() {
        let detection = encoding::detect(leader09, area);
        let mut decoder = FieldDecoder::new(detection.charset);
        assert_eq!(decoder.charset(), detection.charset);
        if detection.charset == Charset::Utf8 && !matches!(leader09, b' ' | b'a') {
            assert!(
                detection.misdeclared.is_some(),
                "invalid leader/09 not reported"
            );
        }
        for piece in area.split(|&b| b == 0x1E) {
            decoder.start_field();
            for value in piece.split(|&b| b == 0x1F) {
                out.clear();
                problems.clear();
                decoder.decode(value, &mut out, &mut problems);
                assert!(
                    unicode_normalization::is_nfc(&out),
                    "field decoder output is not NFC: {out:?}"
                );
            }
        }
    }
}

/// A small tree to evaluate compiled selectors against.
const SELECT_TREE: &str = r#"<c level="file" id="c1"><did><unittitle xml:lang="en">Letters <emph>of</emph> A</unittitle><unitdate normal="1900/1910" type="inclusive">1900-1910</unitdate></did><c level="item"><did><unittitle>One</unittitle></did></c><controlaccess><subject source="lcsh">Fish</subject></controlaccess></c>"#;

/// The selector compiler: no panic on any text; compiled selectors keep their text and can be
/// evaluated; errors point inside the expression.
pub fn selector(data: &[u8]) {
    use crate::select::Scope;
    use crate::xml::path::{compile, select, PathIndex};

    let expr = String::from_utf8_lossy(data);
    match compile(&expr) {
        Ok(sel) => {
            assert_eq!(sel.as_str(), expr, "a selector keeps its text");
            let mut reader = crate::xml::XmlReader::new(SELECT_TREE.as_bytes());
            let root = loop {
                if let crate::xml::XmlEvent::Start(t) = reader.next_event().expect("fixed tree") {
                    let t = t.clone();
                    break reader.read_element(t).expect("fixed tree");
                }
            };
            let index = PathIndex::new(&root);
            let mut hits = 0usize;
            select(&root, &index, Scope::RECORD, &sel, &mut |_| hits += 1);
            let mut again = 0usize;
            select(&root, &index, Scope::RECORD, &sel, &mut |_| again += 1);
            assert_eq!(hits, again, "selection is deterministic");
        }
        Err(e) => {
            assert!(
                e.offset <= expr.chars().count(),
                "error offset {} past the expression ({} characters)",
                e.offset,
                expr.chars().count()
            );
            assert!(!e.message.is_empty(), "an error without a message");
        }
    }
}

/// Format sniffing: no panic, and [`crate::sniff::sniff`] over a buffered reader agrees with
/// [`crate::sniff::sniff_bytes`] over the same bytes.
pub fn sniff(data: &[u8]) {
    let a = crate::sniff::sniff_bytes(data);
    let mut r = BufReader::with_capacity(data.len().max(1), data);
    let b = crate::sniff::sniff(&mut r).expect("reading a slice");
    assert_eq!(a, b, "sniff and sniff_bytes disagree");
}
