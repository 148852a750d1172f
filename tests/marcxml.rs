//! MARCXML reader and writer: record detection, strict and lenient problems, located errors,
//! round trips.

use crosswalk::marc::xml::{Error, Reader, Writer};
use crosswalk::marc::{RecordBuf, Tag};
use crosswalk::Severity;

fn read_all(doc: &str, lenient: bool) -> Vec<Result<RecordBuf, Error>> {
    Reader::new(doc.as_bytes())
        .source_name("test.xml")
        .lenient(lenient)
        .records()
        .collect()
}

fn ids(results: &[Result<RecordBuf, Error>]) -> Vec<String> {
    results
        .iter()
        .map(|r| match r {
            Ok(rec) => rec.id().unwrap_or("-").to_string(),
            Err(e) => format!("ERR {}", e.kind()),
        })
        .collect()
}

const PROBLEMS: &str = include_str!("data/marcxml-problems.xml");

#[test]
fn strict_rejects_one_record_and_continues() {
    let got = read_all(PROBLEMS, false);
    assert_eq!(
        ids(&got),
        ["good-1", "ERR tag-invalid", "ERR leader-invalid", "good-2"]
    );
    let Err(Error::Record(d)) = &got[1] else {
        panic!()
    };
    assert_eq!(d.severity, Severity::Error);
    assert_eq!(d.location.record_id.as_deref(), Some("bad-tag"));
    assert_eq!(d.location.position.record, 2);
    assert_eq!(d.location.position.line, 14);
    assert_eq!(d.location.file.as_deref(), Some("test.xml"));
    assert_eq!(d.location.field.as_deref(), Some("24500"));
    let Err(e) = &got[2] else { panic!() };
    assert!(e.to_string().contains("more problem"), "{e}");
}

#[test]
fn first_record_values_and_position() {
    let got = read_all(PROBLEMS, false);
    let rec = got[0].as_ref().unwrap();
    let f = rec.fields_with_tag("245").next().unwrap();
    // NFC: e + combining acute becomes é; entities resolved.
    assert_eq!(f.subfield('a'), Some("Caf\u{e9} & <bar>"));
    assert_eq!(f.indicators(), Some(['1', '0']));
    let p = rec.position();
    assert_eq!((p.record, p.line, p.column), (1, 4, 3));
    assert!(rec.diagnostics().is_empty());
    assert!(rec.raw().is_empty());
}

#[test]
fn lenient_repairs_with_diagnostics() {
    let got = read_all(PROBLEMS, true);
    assert_eq!(ids(&got), ["good-1", "bad-tag", "short-leader", "good-2"]);
    let bad_tag = got[1].as_ref().unwrap();
    assert_eq!(
        bad_tag.len(),
        1,
        "the field with a 5-character tag is dropped"
    );
    let kinds: Vec<_> = bad_tag.diagnostics().iter().map(|d| d.kind).collect();
    assert_eq!(kinds, ["tag-invalid"]);

    let rec = got[2].as_ref().unwrap();
    assert_eq!(&rec.leader().0, b"short                   ");
    let f = rec.fields_with_tag("042").next().unwrap();
    assert_eq!(f.indicators(), Some([' ', '0']));
    let subs: Vec<_> = f.subfields().map(|s| (s.code, s.value)).collect();
    assert_eq!(subs, [(' ', "no code"), ('a', "btwo-letter code")]);
    let kinds: Vec<_> = rec
        .diagnostics()
        .iter()
        .map(|d| (d.kind, d.severity))
        .collect();
    assert_eq!(
        kinds,
        [
            ("leader-invalid", Severity::Warning),
            ("tag-invalid", Severity::Warning),
            ("indicator-invalid", Severity::Warning),
            ("subfield-code-invalid", Severity::Warning),
            ("subfield-code-invalid", Severity::Warning),
            ("unknown-element", Severity::Info),
        ]
    );
    assert!(rec
        .diagnostics()
        .iter()
        .all(|d| d.location.record_id.as_deref() == Some("short-leader")));
}

#[test]
fn record_detection_rule() {
    // OAI-PMH envelope: its own <record> elements are not MARC records, the marc:record ones are.
    let oai = r#"<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><ListRecords>
      <record><header><identifier>oai:x:1</identifier></header><metadata>
        <marc:record xmlns:marc="http://www.loc.gov/MARC21/slim"><marc:leader>00000nam a2200000 a 4500</marc:leader><marc:controlfield tag="001">m1</marc:controlfield></marc:record>
      </metadata></record>
      <record><header status="deleted"><identifier>oai:x:2</identifier></header></record>
    </ListRecords></OAI-PMH>"#;
    assert_eq!(ids(&read_all(oai, false)), ["m1"]);

    // No namespace: document element, or child of collection (even inside a namespaced one).
    let bare = r#"<record><leader>00000nam a2200000 a 4500</leader><controlfield tag="001">b1</controlfield></record>"#;
    assert_eq!(ids(&read_all(bare, false)), ["b1"]);
    let mixed = r#"<collection xmlns="http://www.loc.gov/MARC21/slim"><record xmlns=""><leader>00000nam a2200000 a 4500</leader><controlfield tag="001">c1</controlfield></record></collection>"#;
    assert_eq!(ids(&read_all(mixed, false)), ["c1"]);
    let nested = r#"<root><wrapper><record><leader>x</leader></record></wrapper></root>"#;
    assert!(read_all(nested, false).is_empty());
    let no_record =
        r#"<collection xmlns="http://www.loc.gov/MARC21/slim"><notarecord/></collection>"#;
    assert!(read_all(no_record, false).is_empty());
}

#[test]
fn empty_record_needs_leader_in_strict_mode() {
    let doc = r#"<record xmlns="http://www.loc.gov/MARC21/slim" />"#;
    assert_eq!(ids(&read_all(doc, false)), ["ERR leader-missing"]);
    let got = read_all(doc, true);
    let rec = got[0].as_ref().unwrap();
    assert!(rec.is_empty());
    assert_eq!(rec.diagnostics()[0].kind, "leader-missing");
}

#[test]
fn xml_error_ends_the_file_with_location_and_id() {
    let doc = "<collection xmlns=\"http://www.loc.gov/MARC21/slim\">\n<record><leader>00000nam a2200000 a 4500</leader><controlfield tag=\"001\">ok1</controlfield></record>\n<record><leader>00000nam a2200000 a 4500</leader>\n<controlfield tag=\"001\">broken</controlfield>\n<datafield tag=\"245\" ind1=\"0\" ind2=\"0\"><subfield code=\"a\">x</WRONG></datafield></record>\n<record/></collection>";
    let got = read_all(doc, false);
    assert_eq!(ids(&got), ["ok1", "ERR xml-syntax"]);
    let Err(e) = &got[1] else { panic!() };
    assert!(e.is_fatal());
    let loc = e.location();
    assert_eq!(loc.position.record, 2);
    assert_eq!(loc.position.line, 5);
    assert_eq!(loc.record_id.as_deref(), Some("broken"));
    assert_eq!(loc.file.as_deref(), Some("test.xml"));
    let msg = e.to_string();
    assert!(msg.starts_with("test.xml: record 2, line 5:"), "{msg}");

    for (doc, kind) in [
        (
            "<record><leader>&foo;</leader></record>",
            "xml-unknown-entity",
        ),
        ("<record><leader>abc", "xml-unexpected-eof"),
        (
            "<record><leader>&#xFFFFFFF;</leader></record>",
            "xml-syntax",
        ),
        ("", "xml-unexpected-eof"),
    ] {
        let got = read_all(doc, true);
        assert_eq!(ids(&got), [format!("ERR {kind}")], "{doc}");
    }
}

fn sample() -> RecordBuf {
    let mut rec = RecordBuf::new();
    rec.push_control_field(Tag::parse("001").unwrap(), " id 1 ");
    rec.push_control_field(
        Tag::parse("008").unwrap(),
        "000107s2000    nyua          001 0 eng  ",
    );
    rec.push_data_field(Tag::parse("245").unwrap(), '1', '0');
    rec.push_subfield('a', "Tom & \"Jerry\" <b> ]]> 'x' ");
    rec.push_subfield('b', "tab\tline\nreturn\r");
    rec.push_subfield('c', "");
    rec.push_data_field(Tag::parse("880").unwrap(), ' ', '"');
    rec.push_subfield('&', "全盛富貴寿古 Ελληνικά עברית");
    rec.push_data_field(Tag::parse("CAT").unwrap(), ' ', ' ');
    rec
}

#[test]
fn round_trip() {
    let rec = sample();
    let mut w = Writer::new(Vec::new());
    w.write_record(&rec).unwrap();
    w.write_record(&rec).unwrap();
    let xml = w.finish().unwrap();
    let back: Vec<_> = Reader::new(&xml[..])
        .records()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(back.len(), 2);
    assert!(back[0].same_content(&rec), "{:?}\n{:?}", back[0], rec);
    // Deterministic: writing the re-read records gives the same bytes.
    let mut w = Writer::new(Vec::new());
    for r in &back {
        w.write_record(r).unwrap();
    }
    assert_eq!(w.finish().unwrap(), xml);
}

#[test]
fn unrepresentable_characters_are_replaced() {
    let mut rec = RecordBuf::new();
    rec.push_control_field(Tag::parse("001").unwrap(), "a\u{1b}b\u{0}c\u{FFFF}");
    let mut w = Writer::new(Vec::new());
    w.write_record(&rec).unwrap();
    assert_eq!(w.replaced_characters(), 3);
    let xml = w.finish().unwrap();
    let back = Reader::new(&xml[..]).records().next().unwrap().unwrap();
    assert_eq!(back.id(), Some("a\u{FFFD}b\u{FFFD}c\u{FFFD}"));
}

#[test]
fn reuses_the_record_buffer() {
    let mut reader = Reader::new(PROBLEMS.as_bytes()).lenient(true);
    let mut rec = RecordBuf::new();
    let mut n = 0;
    while reader.read_record(&mut rec).unwrap() {
        n += 1;
    }
    assert_eq!((n, reader.record_count()), (4, 4));
}

/// A record read from MARC-8 holds Unicode text: every writer says so at leader/09 (`a`), as yaz
/// and marc4j do, so that a reader of the output does not take its UTF-8 for MARC-8.
#[test]
fn writers_declare_unicode_for_records_read_from_marc8() {
    use crosswalk::marc::{iso2709, json};
    // 245 $a "Caf" + MARC-8 combining acute (0xE2) + "e": "Café" once decoded.
    let data: &[u8] = b"10\x1faCaf\xe2e\x1e";
    let directory = format!("245{:04}{:05}", data.len(), 0);
    let base = 24 + directory.len() + 1;
    let total = base + data.len() + 1;
    let mut bytes = format!("{total:05}nam  22{base:05} a 4500{directory}\x1e").into_bytes();
    bytes.extend_from_slice(data);
    bytes.push(0x1d);
    assert_eq!(bytes[9], b' ', "read as MARC-8");
    let read = |bytes: &[u8]| {
        iso2709::Reader::new(bytes)
            .records()
            .next()
            .unwrap()
            .unwrap()
    };
    let title = |rec: &RecordBuf| {
        rec.fields()
            .next()
            .unwrap()
            .subfield('a')
            .map(str::to_string)
    };
    let rec = read(&bytes);
    assert_eq!(title(&rec).as_deref(), Some("Café"));
    assert_eq!(
        rec.leader().get(9),
        b' ',
        "the record keeps the leader as read"
    );
    let mut unicode = bytes[..24].to_vec();
    unicode[9] = b'a';
    let unicode = String::from_utf8(unicode).unwrap();

    let mut w = Writer::new(Vec::new());
    w.write_record(&rec).unwrap();
    let xml = String::from_utf8(w.finish().unwrap()).unwrap();
    assert!(
        xml.contains(&format!("<leader>{unicode}</leader>")),
        "{xml}"
    );
    assert!(xml.contains("Café"), "{xml}");

    let mut w = json::Writer::new(Vec::new());
    w.write_record(&rec).unwrap();
    let line = String::from_utf8(w.finish().unwrap()).unwrap();
    assert!(
        line.starts_with(&format!(r#"{{"leader":"{unicode}""#)),
        "{line}"
    );

    let mut w = iso2709::Writer::new(Vec::new());
    w.write_record(&rec).unwrap();
    let out = w.into_inner();
    assert_eq!(out[9], b'a');
    assert_eq!(title(&read(&out)).as_deref(), Some("Café"));
}
