//! Corpus tests over `$CROSSWALK_SHARED/corpus/marc-bin` (skipped when the variable is unset):
//!
//! - accounting: in lenient mode, records returned + records rejected = rows of the yaz `.yaz.tsv`
//!   oracle (one per 0x1D chunk, plus a trailing unterminated chunk that is not filler), for every
//!   file; no panics in strict or lenient mode;
//! - yaz agreement: for every record yaz converted with status `ok`, fields, indicators, subfield
//!   codes and values equal yaz's MARCXML after NFC on both sides;
//! - round trip: well-formed UTF-8 records are written back byte for byte.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::BufReader;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use crosswalk::marc::iso2709::{Error, ReaderBuilder, Writer};
use crosswalk::marc::RecordBuf;
use quick_xml::events::Event;
use unicode_normalization::{is_nfc, UnicodeNormalization};

#[path = "support/shared.rs"]
mod support;
use support::{files, shared};

/// Compare only records that yaz read as UTF-8 (leader/09 `a`). Set to `true` once the MARC-8
/// decoder is in place to compare every `ok` record.
const COMPARE_MARC8: bool = true;

/// The corpus files with their path relative to `corpus/`.
fn corpus(shared: &Path) -> Vec<(PathBuf, String)> {
    let root = shared.join("corpus");
    let mut all = Vec::new();
    files(&root.join("marc-bin"), &mut all);
    all.into_iter()
        .map(|p| {
            let rel = p
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (p, rel)
        })
        .collect()
}

struct TsvRow {
    status: String,
    from_charset: String,
    iconv_loss: bool,
}

fn tsv(shared: &Path, rel: &str) -> Vec<TsvRow> {
    let path = shared.join("oracle/yaz").join(format!("{rel}.yaz.tsv"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (status, charset, loss) = (col("status"), col("from_charset"), col("yaz_iconv_loss"));
    lines
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            TsvRow {
                status: cols[status].to_owned(),
                from_charset: cols[charset].to_owned(),
                iconv_loss: cols.get(loss).is_some_and(|v| !v.is_empty()),
            }
        })
        .collect()
}

#[derive(Default)]
struct Counts {
    ok: usize,
    repaired: usize,
    rejected: usize,
    kinds: BTreeMap<String, usize>,
    rejected_kinds: BTreeMap<String, usize>,
}

fn read_all(path: &Path, lenient: bool, counts: &mut Counts) -> Vec<Option<RecordBuf>> {
    let mut reader = ReaderBuilder::new()
        .lenient(lenient)
        .source_name(path.to_string_lossy().as_ref())
        .build(File::open(path).unwrap());
    let mut out = Vec::new();
    loop {
        let mut rec = RecordBuf::new();
        match reader.read_record(&mut rec) {
            Ok(true) => {
                counts.ok += 1;
                if !rec.diagnostics().is_empty() {
                    counts.repaired += 1;
                }
                for d in rec.diagnostics() {
                    *counts.kinds.entry(d.kind.to_owned()).or_default() += 1;
                }
                out.push(Some(rec));
            }
            Ok(false) => break,
            Err(Error::Record(e)) => {
                counts.rejected += 1;
                *counts
                    .rejected_kinds
                    .entry(e.kind().to_string())
                    .or_default() += 1;
                out.push(None);
            }
            Err(e) => panic!("{}: I/O error {e}", path.display()),
        }
    }
    for d in reader.take_diagnostics() {
        *counts.kinds.entry(d.kind.to_owned()).or_default() += 1;
    }
    out
}

fn print_counts(mode: &str, c: &Counts) {
    eprintln!(
        "{mode}: {} records ok ({} with repairs/warnings), {} rejected",
        c.ok, c.repaired, c.rejected
    );
    for (k, n) in &c.kinds {
        eprintln!("  {mode} diagnostic {k}: {n}");
    }
    for (k, n) in &c.rejected_kinds {
        eprintln!("  {mode} rejected {k}: {n}");
    }
}

#[test]
fn accounting_and_no_panics() {
    let Some(shared) = shared() else { return };
    let files = corpus(&shared);
    assert_eq!(files.len(), 210);
    let mut lenient = Counts::default();
    let mut strict = Counts::default();
    let (mut panics, mut mismatches, mut chunks) = (Vec::new(), Vec::new(), 0);
    for (path, rel) in &files {
        let rows = tsv(&shared, rel).len();
        chunks += rows;
        for (mode, counts) in [(true, &mut lenient), (false, &mut strict)] {
            let before = counts.ok + counts.rejected;
            match catch_unwind(AssertUnwindSafe(|| read_all(path, mode, counts))) {
                Ok(_) => {
                    let got = counts.ok + counts.rejected - before;
                    if mode && got != rows {
                        mismatches.push(format!("{rel}: {got} results, {rows} oracle rows"));
                    }
                }
                Err(_) => panics.push(format!("{rel} (lenient={mode})")),
            }
        }
    }
    eprintln!("{} files, {chunks} oracle chunks", files.len());
    print_counts("lenient", &lenient);
    print_counts("strict", &strict);
    assert!(panics.is_empty(), "panics: {panics:#?}");
    assert!(mismatches.is_empty(), "accounting: {mismatches:#?}");
    assert_eq!(lenient.ok + lenient.rejected, chunks);
}

/// One field as yaz wrote it: tag, indicators (data fields), value or subfields.
#[derive(Debug, Clone, PartialEq, Eq)]
struct XmlField {
    tag: String,
    ind: Option<(String, String)>,
    value: String,
    subfields: Vec<(String, String)>,
}

#[derive(Debug, Default)]
struct XmlRecord {
    leader: String,
    fields: Vec<XmlField>,
}

/// Extracts yaz's records from a `.yaz.xml` collection, keyed by the oracle's `record_index`.
fn yaz_records(path: &Path) -> BTreeMap<usize, XmlRecord> {
    let mut reader = quick_xml::Reader::from_reader(BufReader::new(File::open(path).unwrap()));
    let mut buf = Vec::new();
    let mut out = BTreeMap::new();
    let mut index = None;
    let mut current: Option<XmlRecord> = None;
    let mut text: Option<String> = None;
    let mut code = String::new();
    let attr = |e: &quick_xml::events::BytesStart, name: &str| {
        e.try_get_attribute(name)
            .unwrap()
            .map(|a| a.unescape_value().unwrap().into_owned())
            .unwrap_or_default()
    };
    loop {
        match reader.read_event_into(&mut buf).unwrap() {
            Event::Eof => break,
            Event::Comment(c) => {
                let c = c.decode().unwrap();
                if let Some(rest) = c.trim().strip_prefix("oracle: record_index=") {
                    index = rest.split_whitespace().next().and_then(|n| n.parse().ok());
                }
            }
            Event::Start(e) => match e.local_name().as_ref() {
                b"record" => current = Some(XmlRecord::default()),
                b"leader" => text = Some(String::new()),
                b"controlfield" => {
                    current.as_mut().unwrap().fields.push(XmlField {
                        tag: attr(&e, "tag"),
                        ind: None,
                        value: String::new(),
                        subfields: vec![],
                    });
                    text = Some(String::new());
                }
                b"datafield" => current.as_mut().unwrap().fields.push(XmlField {
                    tag: attr(&e, "tag"),
                    ind: Some((attr(&e, "ind1"), attr(&e, "ind2"))),
                    value: String::new(),
                    subfields: vec![],
                }),
                b"subfield" => {
                    code = attr(&e, "code");
                    text = Some(String::new());
                }
                _ => {}
            },
            Event::Empty(e) => {
                if e.local_name().as_ref() == b"subfield" {
                    let f = current.as_mut().unwrap().fields.last_mut().unwrap();
                    f.subfields.push((attr(&e, "code"), String::new()));
                } else if e.local_name().as_ref() == b"controlfield" {
                    current.as_mut().unwrap().fields.push(XmlField {
                        tag: attr(&e, "tag"),
                        ind: None,
                        value: String::new(),
                        subfields: vec![],
                    });
                }
            }
            Event::Text(t) => {
                if let Some(s) = text.as_mut() {
                    s.push_str(&t.decode().unwrap());
                }
            }
            Event::CData(t) => {
                if let Some(s) = text.as_mut() {
                    s.push_str(&t.decode().unwrap());
                }
            }
            Event::GeneralRef(r) => {
                if let Some(s) = text.as_mut() {
                    if let Some(ch) = r.resolve_char_ref().unwrap() {
                        s.push(ch);
                    } else {
                        s.push(match r.decode().unwrap().as_ref() {
                            "amp" => '&',
                            "lt" => '<',
                            "gt" => '>',
                            "quot" => '"',
                            "apos" => '\'',
                            other => panic!("entity {other}"),
                        });
                    }
                }
            }
            Event::End(e) => match e.local_name().as_ref() {
                b"record" => {
                    if let (Some(i), Some(r)) = (index.take(), current.take()) {
                        out.insert(i, r);
                    }
                }
                b"leader" => current.as_mut().unwrap().leader = text.take().unwrap(),
                b"controlfield" => {
                    current.as_mut().unwrap().fields.last_mut().unwrap().value =
                        text.take().unwrap()
                }
                b"subfield" => {
                    let value = text.take().unwrap();
                    let f = current.as_mut().unwrap().fields.last_mut().unwrap();
                    f.subfields.push((std::mem::take(&mut code), value));
                }
                _ => {}
            },
            _ => {}
        }
        buf.clear();
    }
    out
}

/// yaz's XML writer deletes C0 controls; do the same to our values before comparing, then NFC.
fn norm(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, '\0'..='\x08' | '\x0b' | '\x0c' | '\x0e'..='\x1f'))
        .nfc()
        .collect()
}

fn ours(rec: &RecordBuf) -> Vec<XmlField> {
    rec.fields()
        .map(|f| XmlField {
            tag: f.tag().to_string(),
            ind: f.indicators().map(|[a, b]| (a.to_string(), b.to_string())),
            value: f.value().map(norm).unwrap_or_default(),
            subfields: f
                .subfields()
                .map(|s| (s.code.to_string(), norm(s.value)))
                .collect(),
        })
        .collect()
}

fn theirs(rec: &XmlRecord) -> Vec<XmlField> {
    rec.fields
        .iter()
        .map(|f| XmlField {
            tag: f.tag.clone(),
            ind: f.ind.clone(),
            value: f.value.nfc().collect(),
            subfields: f
                .subfields
                .iter()
                .map(|(c, v)| (c.clone(), v.nfc().collect()))
                .collect(),
        })
        .collect()
}

/// A short name for how two field lists differ.
fn difference(a: &[XmlField], b: &[XmlField]) -> (String, String) {
    if a.len() != b.len() {
        return (
            "field-count".into(),
            format!("ours {} yaz {}", a.len(), b.len()),
        );
    }
    for (x, y) in a.iter().zip(b) {
        if x.tag != y.tag {
            return ("tag".into(), format!("{} vs {}", x.tag, y.tag));
        }
        if x.ind.is_some() != y.ind.is_some() {
            return ("control-vs-data".into(), x.tag.clone());
        }
        if x.ind != y.ind {
            return (
                "indicators".into(),
                format!("{} {:?} vs {:?}", x.tag, x.ind, y.ind),
            );
        }
        if x.value != y.value {
            return (
                "control-value".into(),
                format!("{} {:?} vs {:?}", x.tag, x.value, y.value),
            );
        }
        if x.subfields.len() != y.subfields.len() {
            return (
                "subfield-count".into(),
                format!("{} {:?} vs {:?}", x.tag, x.subfields, y.subfields),
            );
        }
        for (s, t) in x.subfields.iter().zip(&y.subfields) {
            if s.0 != t.0 {
                return (
                    "subfield-code".into(),
                    format!("{} {:?} vs {:?}", x.tag, s, t),
                );
            }
            if s.1 != t.1 {
                return (
                    "subfield-value".into(),
                    format!("{}${} {:?} vs {:?}", x.tag, s.0, s.1, t.1),
                );
            }
        }
    }
    ("none".into(), String::new())
}

/// Prefix of the difference classes that are understood and accepted:
/// - `yaz-iconv-loss`: yaz 5.34.0 silently emptied or cut the value (the `.yaz.tsv` flags it);
/// - `misdeclared-encoding`: the leader says MARC-8 but the bytes are UTF-8 (or not MARC-8 at
///   all); we decode what the bytes are, yaz follows the leader;
/// - `data-before-subfield`: data between the indicators and the first 0x1F (a line-wrapped
///   field); we report and drop it, yaz turns its first bytes into a subfield code;
/// - `invalid-code-byte`: a non-ASCII indicator or subfield code; both tools keep a character,
///   neither is right;
/// - `unmapped-byte`: a byte with no MARC-8 mapping becomes U+FFFD with a diagnostic here; yaz
///   drops it silently;
/// - `leader-layout`: leader/10-11 is not `22`; yaz reads that many indicator/code bytes, we read
///   the MARC 21 layout and report `leader-nonstandard`.
const KNOWN: &str = "known:";

#[test]
fn yaz_agreement() {
    let Some(shared) = shared() else { return };
    let (mut compared, mut equal, mut leader_diff) = (0, 0, 0);
    let mut classes: BTreeMap<String, (usize, Vec<String>)> = BTreeMap::new();
    for (path, rel) in corpus(&shared) {
        let rows = tsv(&shared, &rel);
        let xml = yaz_records(&shared.join("oracle/yaz").join(format!("{rel}.yaz.xml")));
        let recs = read_all(&path, true, &mut Counts::default());
        for (i, row) in rows.iter().enumerate() {
            if row.status != "ok" || !(COMPARE_MARC8 || row.from_charset == "UTF-8") {
                continue;
            }
            let (Some(Some(rec)), Some(yaz)) = (recs.get(i), xml.get(&i)) else {
                if xml.contains_key(&i) {
                    let e = classes.entry("rejected-by-us".into()).or_default();
                    e.0 += 1;
                    e.1.push(format!("{rel} #{i}"));
                }
                continue;
            };
            compared += 1;
            // yaz writes leader/09 as `a`; compare the other positions.
            let ours_leader: Vec<u8> = rec.leader().0.to_vec();
            let yaz_leader = yaz.leader.as_bytes();
            let leader_same = yaz_leader.len() == 24
                && (0..24).all(|p| p == 9 || ours_leader[p] == yaz_leader[p]);
            if !leader_same {
                leader_diff += 1;
                let e = classes.entry("leader".into()).or_default();
                e.0 += 1;
                e.1.push(format!(
                    "{rel} #{i}: {:?} vs {:?}",
                    String::from_utf8_lossy(&ours_leader),
                    yaz.leader
                ));
            }
            let (mut class, detail) = difference(&ours(rec), &theirs(yaz));
            if class != "none" && row.iconv_loss {
                class = format!("{KNOWN}yaz-iconv-loss/{class}");
            } else if class != "none" {
                let has = |kind: &str| rec.diagnostics().iter().any(|d| d.kind == kind);
                let why = if has("leader-nonstandard") {
                    Some("leader-layout")
                } else if has("utf8-declared-marc8") || has("suspect-marc8") {
                    // We decode by what the bytes are; yaz by the leader.
                    Some("misdeclared-encoding")
                } else if has("data-before-subfield") {
                    Some("data-before-subfield")
                } else if has("indicator-invalid") || has("subfield-code-invalid") {
                    Some("invalid-code-byte")
                } else if detail.contains('\u{fffd}') {
                    // An unmapped MARC-8 byte: U+FFFD and a diagnostic here, dropped by yaz.
                    Some("unmapped-byte")
                } else {
                    None
                };
                if let Some(why) = why {
                    class = format!("{KNOWN}{why}/{class}");
                }
            }
            if class == "none" {
                if leader_same {
                    equal += 1;
                }
            } else {
                let e = classes.entry(class).or_default();
                e.0 += 1;
                e.1.push(format!("{rel} #{i}: {detail}"));
            }
        }
    }
    eprintln!("yaz agreement: {equal} of {compared} compared records equal ({leader_diff} leader differences)");
    for (class, (n, examples)) in &classes {
        eprintln!("  difference {class}: {n}");
        for ex in examples.iter().take(5) {
            eprintln!("    {ex}");
        }
    }
    assert!(compared > 0);
    let unexpected: Vec<_> = classes.keys().filter(|c| !c.starts_with(KNOWN)).collect();
    assert!(
        unexpected.is_empty(),
        "unexpected differences: {unexpected:?}"
    );
}

#[test]
fn round_trip_utf8() {
    let Some(shared) = shared() else { return };
    let (mut tried, mut same, mut failures) = (0, 0, Vec::new());
    for (path, rel) in corpus(&shared) {
        for rec in read_all(&path, true, &mut Counts::default())
            .into_iter()
            .flatten()
        {
            // Well-formed UTF-8 records without warnings; the decoder gives NFC, so only records
            // already in NFC can come back byte for byte.
            if rec.leader().character_coding() != b'a'
                || !rec.diagnostics().is_empty()
                || std::str::from_utf8(rec.raw()).map_or(true, |s| !is_nfc(s))
            {
                continue;
            }
            tried += 1;
            let mut w = Writer::new(Vec::new());
            w.write_record(&rec).unwrap();
            if w.get_ref().as_slice() == rec.raw() {
                same += 1;
            } else {
                failures.push(format!("{rel} record {}", rec.position().record));
            }
        }
    }
    eprintln!("round trip: {same} of {tried} well-formed UTF-8 records byte-identical");
    assert!(tried > 0);
    assert!(failures.is_empty(), "{failures:#?}");
}
