//! Every MARC-in-JSON file of the shared corpus is read or reported with located errors, without
//! a panic, with the record counts pinned below; clean records survive a write → read round trip.
//! Skipped (passes with a note) without `CROSSWALK_SHARED`.

#[path = "marcxml_support/mod.rs"]
mod support;

use std::fs::File;
use std::io::BufReader;

use crosswalk::marc::json::{Reader, Writer};

/// (file, records read, records rejected, fatal error kind) — from reading the files and checking
/// them against `SOURCES.tsv`'s notes.
const EXPECTED: &[(&str, usize, usize, Option<&str>)] = &[
    ("marc-json/marc-perl/mij/t/test.ndj", 9, 0, None),
    // A raw control character inside a string (SOURCES.tsv: "NOT strict JSON").
    ("marc-json/marc4j/illegal-marc-in-json.json", 0, 1, None),
    ("marc-json/marc4j/legal-json-marc-in-json.json", 1, 0, None),
    ("marc-json/marc4j/marc-in-json.json", 1, 0, None),
    // marc4j's unquoted-key "MARC-JSON" dialect: not JSON; each object is one rejected record.
    ("marc-json/marc4j/marc-json.json", 0, 1, None),
    (
        "marc-json/marc4j/summerland-indented-marc-json.json",
        0,
        1,
        None,
    ),
    (
        "marc-json/marc4j/summerland-marc-in-json-indented.json",
        1,
        0,
        None,
    ),
    ("marc-json/marc4j/summerland-marc-in-json.json", 1, 0, None),
    ("marc-json/marc4j/summerland-marc-json.json", 0, 1, None),
    // Ends inside a string.
    (
        "marc-json/mrrc/error_fixtures/e402_malformed_marcjson.json",
        0,
        0,
        Some("json-unexpected-eof"),
    ),
    ("marc-json/pymarc/batch.json", 2, 0, None),
    ("marc-json/pymarc/one.json", 1, 0, None),
    ("marc-json/pymarc/test.json", 0, 1, None),
    ("marc-json/traject/test_data.utf8.json", 30, 0, None),
];

#[test]
fn corpus_marc_json() {
    let Some(shared) = support::shared() else {
        return;
    };
    let corpus = shared.join("corpus");
    let files = support::files(&corpus.join("marc-json"));
    assert_eq!(files.len(), EXPECTED.len());
    let mut failures = Vec::new();
    let (mut total_read, mut total_rejected, mut total_fatal) = (0, 0, 0);
    println!("{:<62} {:>5} {:>6}  errors", "file", "read", "rejct");
    for path in files {
        let name = path
            .strip_prefix(&corpus)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let outcome = support::no_panic(|| {
            let file = BufReader::new(File::open(&path).unwrap());
            let mut reader = Reader::new(file).source_name(name.as_str());
            let (mut ok, mut rejected, mut fatal) = (Vec::new(), Vec::new(), None);
            for r in reader.records() {
                match r {
                    Ok(rec) => ok.push(rec),
                    Err(e) if e.is_fatal() => fatal = Some(e),
                    Err(e) => rejected.push(e),
                }
            }
            (ok, rejected, fatal)
        });
        let (ok, rejected, fatal) = match outcome {
            Ok(o) => o,
            Err(msg) => {
                failures.push(format!("{name}: PANIC {msg}"));
                continue;
            }
        };
        println!("{:<62} {:>5} {:>6}", name, ok.len(), rejected.len());
        for e in rejected.iter().chain(&fatal) {
            println!("    {e}");
            let loc = e.location().unwrap();
            assert!(loc.file.is_some() && loc.position.line > 0 && loc.position.column > 0);
        }
        total_read += ok.len();
        total_rejected += rejected.len();
        total_fatal += usize::from(fatal.is_some());
        let got = (ok.len(), rejected.len(), fatal.as_ref().map(|e| e.kind()));
        match EXPECTED.iter().find(|e| e.0 == name) {
            Some(&(_, n, r, f)) if (n, r, f) == got => {}
            other => failures.push(format!("{name}: got {got:?}, expected {other:?}")),
        }
        // Round trip through both output modes.
        for array in [false, true] {
            let mut w = Writer::new(Vec::new()).array(array);
            for rec in &ok {
                w.write_record(rec).unwrap();
            }
            let out = w.finish().unwrap();
            let again: Vec<_> = Reader::new(&out[..])
                .records()
                .collect::<Result<_, _>>()
                .unwrap();
            if !support::same_as_written(&again, &ok) {
                failures.push(format!("{name}: round trip differs (array: {array})"));
            }
        }
    }
    println!(
        "TOTAL: {} files, {total_read} records read, {total_rejected} rejected, {total_fatal} fatal",
        EXPECTED.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
