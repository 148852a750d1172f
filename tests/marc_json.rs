//! MARC-in-JSON reader and writer: the three layouts, per-record and fatal errors, round trips.

use crosswalk::marc::json::{Error, Reader, Writer};
use crosswalk::marc::{RecordBuf, Tag};
use crosswalk::Severity;

fn read_all(doc: &str, lenient: bool) -> Vec<Result<RecordBuf, Error>> {
    Reader::new(doc.as_bytes())
        .source_name("t.json")
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

const PROBLEMS: &str = include_str!("data/marc-json-problems.ndjson");
const LEADER: &str = "00000cam a2200000 a 4500";

#[test]
fn layouts_single_array_ndjson() {
    let one = format!(r#"  {{"leader":"{LEADER}","fields":[{{"001":"a"}}]}}  "#);
    assert_eq!(ids(&read_all(&one, false)), ["a"]);
    let array = format!(
        "\u{feff}[\n {{\"leader\":\"{LEADER}\",\"fields\":[{{\"001\":\"a\"}}]}} ,\n{{\"leader\":\"{LEADER}\",\"fields\":[{{\"001\":\"b\"}}]}}\n]\n"
    );
    assert_eq!(ids(&read_all(&array, false)), ["a", "b"]);
    let nd = format!(
        "{{\"leader\":\"{LEADER}\",\"fields\":[{{\"001\":\"a\"}}]}}\n{{\"leader\":\"{LEADER}\",\"fields\":[{{\"001\":\"b\"}}]}}"
    );
    assert_eq!(ids(&read_all(&nd, false)), ["a", "b"]);
    assert!(read_all("[]", false).is_empty());
    assert!(read_all("  \n", false).is_empty());
}

#[test]
fn record_errors_do_not_stop_the_stream() {
    let got = read_all(PROBLEMS, false);
    assert_eq!(
        ids(&got),
        [
            "good-1",
            "ERR json-syntax",
            "ERR field-invalid",
            "ERR leader-missing",
            "ERR record-not-object",
            "good-2"
        ]
    );
    let rec = got[0].as_ref().unwrap();
    assert_eq!(
        rec.fields_with_tag("245").next().unwrap().subfield('a'),
        Some("Caf\u{e9}")
    );
    assert_eq!(rec.raw(), PROBLEMS.lines().next().unwrap().as_bytes());
    // The syntax error is located where the raw TAB is, on line 2.
    let loc = got[1].as_ref().unwrap_err().location().unwrap();
    let tab_col = PROBLEMS.lines().nth(1).unwrap().find('\t').unwrap() as u64 + 1;
    assert_eq!(
        (loc.position.record, loc.position.line, loc.position.column),
        (2, 2, tab_col)
    );
    let Err(Error::Record(d)) = &got[2] else {
        panic!()
    };
    assert_eq!(d.location.record_id.as_deref(), Some("bad-shape"));
    assert_eq!(d.location.position.line, 3);
    let Err(Error::Record(d)) = &got[4] else {
        panic!()
    };
    assert_eq!(
        (d.location.position.line, d.location.position.column),
        (5, 2)
    );
    assert_eq!(got[5].as_ref().unwrap().position().record, 6);
}

#[test]
fn lenient_repairs() {
    let got = read_all(PROBLEMS, true);
    assert_eq!(
        ids(&got),
        [
            "good-1",
            "ERR json-syntax",
            "bad-shape",
            "no-leader",
            "ERR record-not-object",
            "good-2"
        ]
    );
    let rec = got[3].as_ref().unwrap();
    let kinds: Vec<_> = rec.diagnostics().iter().map(|d| d.kind).collect();
    assert_eq!(
        kinds,
        ["leader-missing", "indicator-invalid", "indicator-invalid"]
    );
    assert!(rec
        .diagnostics()
        .iter()
        .all(|d| d.severity == Severity::Warning));
    assert_eq!(
        rec.fields_with_tag("245").next().unwrap().indicators(),
        Some([' ', ' '])
    );
    assert_eq!(got[2].as_ref().unwrap().len(), 1, "the bad 245 is dropped");
}

#[test]
fn fatal_errors_are_located() {
    for (doc, kind, line, column) in [
        (
            "{\"leader\":\"x\",\"fields\":[{\"245\":{\"subfields\":[{\"a\":\"The Great",
            "json-unexpected-eof",
            1,
            61,
        ),
        (
            "[{\"leader\":\"x\"} {\"leader\":\"y\"}]",
            "json-syntax",
            1,
            17,
        ),
        ("[{\"leader\":\"x\"},]", "json-syntax", 1, 17),
        ("[{\"leader\":\"x\"}", "json-unexpected-eof", 1, 16),
        ("}", "json-syntax", 1, 1),
    ] {
        let got = read_all(doc, true);
        let last = got.last().unwrap().as_ref().unwrap_err();
        assert_eq!(last.kind(), kind, "{doc}");
        assert!(last.is_fatal());
        let p = last.location().unwrap().position;
        assert_eq!((p.line, p.column), (line, column), "{doc}: {last}");
    }
    // marc4j's unquoted "MARC-JSON" dialect: one record error (its text is framed), then the end.
    let got = read_all("{leader : \"x\", controlfield: []}", false);
    assert_eq!(ids(&got), ["ERR json-syntax"]);
}

#[test]
fn too_large_record() {
    let doc = format!(
        r#"{{"leader":"{LEADER}","fields":[{{"001":"{}"}}]}}"#,
        "x".repeat(500)
    );
    let got: Vec<_> = Reader::new(doc.as_bytes())
        .max_record_bytes(100)
        .records()
        .collect();
    assert_eq!(ids(&got), ["ERR record-too-large"]);
}

fn sample() -> RecordBuf {
    let mut rec = RecordBuf::new();
    rec.push_control_field(Tag::parse("001").unwrap(), " id 1 ");
    rec.push_data_field(Tag::parse("245").unwrap(), '1', '0');
    rec.push_subfield('a', "\"quoted\" \\ back / slash \u{1} ctl");
    rec.push_subfield('b', "全盛富貴寿古 Ελληνικά");
    rec.push_data_field(Tag::parse("500").unwrap(), ' ', ' ');
    rec
}

#[test]
fn round_trip_both_modes() {
    for array in [false, true] {
        let rec = sample();
        let mut w = Writer::new(Vec::new()).array(array);
        w.write_record(&rec).unwrap();
        w.write_record(&rec).unwrap();
        let out = w.finish().unwrap();
        let back: Vec<_> = Reader::new(&out[..])
            .records()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(back.len(), 2);
        assert!(back[1].same_content(&rec));
        let mut w = Writer::new(Vec::new()).array(array);
        for r in &back {
            w.write_record(r).unwrap();
        }
        assert_eq!(w.finish().unwrap(), out);
    }
    assert_eq!(
        Writer::new(Vec::new()).array(true).finish().unwrap(),
        b"[]\n"
    );
}
