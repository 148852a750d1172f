//! Every MARCXML file of the shared corpus is read or reported with a located error, without a
//! panic; the records found match the oracle's `.records.tsv` (count and 001); clean files
//! survive a write → read round trip. Skipped (passes with a note) without `CROSSWALK_SHARED`.

#[path = "marcxml_support/mod.rs"]
mod support;

use std::collections::HashMap;
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use crosswalk::marc::xml::{Error, Reader, Writer};
use crosswalk::marc::RecordBuf;
use unicode_normalization::UnicodeNormalization;

struct Pass {
    records: Vec<RecordBuf>,
    record_errors: Vec<Error>,
    fatal: Option<Error>,
}

fn read(path: &Path, name: &str, lenient: bool) -> Pass {
    let file = BufReader::new(File::open(path).unwrap());
    let mut reader = Reader::new(file).source_name(name).lenient(lenient);
    let mut pass = Pass {
        records: Vec::new(),
        record_errors: Vec::new(),
        fatal: None,
    };
    for result in reader.records() {
        match result {
            Ok(rec) => pass.records.push(rec),
            Err(e) if e.is_fatal() => pass.fatal = Some(e),
            Err(e) => pass.record_errors.push(e),
        }
    }
    pass
}

/// The oracle's notes per file (SUMMARY.tsv) and its 001 column per record (.records.tsv).
fn oracle(shared: &Path, name: &str) -> (Option<Vec<String>>, String) {
    let tsv = shared.join(format!("oracle/loc-dc/{name}.records.tsv"));
    let ids = std::fs::read_to_string(tsv).ok().map(|text| {
        text.lines()
            .skip(1)
            .map(|l| l.split('\t').nth(1).unwrap_or_default().to_string())
            .collect()
    });
    let summary = std::fs::read_to_string(shared.join("oracle/SUMMARY.tsv")).unwrap();
    let notes: HashMap<&str, &str> = summary
        .lines()
        .filter_map(|l| {
            let cols: Vec<_> = l.split('\t').collect();
            Some((cols[0], *cols.last()?))
        })
        .collect();
    (ids, notes.get(name).unwrap_or(&"").to_string())
}

#[test]
fn corpus_marcxml() {
    let Some(shared) = support::shared() else {
        return;
    };
    let corpus = shared.join("corpus");
    let mut failures = Vec::new();
    let mut totals = (0, 0, 0, 0, 0);
    println!(
        "{:<70} {:>6} {:>6} {:>6} {:>6}  fatal error",
        "file", "oracle", "strict", "rejct", "lenient"
    );
    for path in support::files(&corpus.join("marc-xml")) {
        let name = path
            .strip_prefix(&corpus)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let (strict, lenient) =
            match support::no_panic(|| (read(&path, &name, false), read(&path, &name, true))) {
                Ok(p) => p,
                Err(msg) => {
                    failures.push(format!("{name}: PANIC {msg}"));
                    continue;
                }
            };
        let (ids, notes) = oracle(&shared, &name);
        let expected = ids.as_ref().map_or(0, Vec::len);
        let fatal = strict.fatal.as_ref().map(ToString::to_string);
        println!(
            "{:<70} {:>6} {:>6} {:>6} {:>6}  {}",
            name,
            expected,
            strict.records.len(),
            strict.record_errors.len(),
            lenient.records.len(),
            fatal.as_deref().unwrap_or("")
        );
        for e in &strict.record_errors {
            println!("    rejected in strict mode: {e}");
        }
        totals.0 += 1;
        totals.1 += expected;
        totals.2 += strict.records.len();
        totals.3 += strict.record_errors.len();
        totals.4 += usize::from(strict.fatal.is_some());

        if let Some(line) = notes.strip_prefix("file skipped: not well-formed (xmllint rc=1): ") {
            // The oracle could not parse it: we must stop with an error on the same line.
            let xmllint_line: u64 = line.split(':').next().unwrap().trim().parse().unwrap();
            match &strict.fatal {
                Some(e) if e.location().position.line == xmllint_line => {
                    assert!(e.location().file.is_some());
                }
                other => failures.push(format!(
                    "{name}: expected a fatal error on line {xmllint_line}, got {other:?}"
                )),
            }
            continue;
        }
        if let Some(e) = &strict.fatal {
            failures.push(format!("{name}: unexpected fatal error {e}"));
            continue;
        }
        if strict.records.len() + strict.record_errors.len() != expected
            || lenient.records.len() != expected
        {
            failures.push(format!("{name}: record count differs from the oracle"));
        }
        if let Some(ids) = &ids {
            for (i, (rec, want)) in lenient.records.iter().zip(ids).enumerate() {
                let got = rec.control_field("001").unwrap_or("");
                let got: String = got.replace(['\t', '\r', '\n'], " ");
                let want: String = want.nfc().collect();
                if got != want {
                    failures.push(format!("{name} record {i}: 001 {got:?} != oracle {want:?}"));
                }
            }
        }
        // Round trip: write what was read (lenient), read it again, compare.
        let mut w = Writer::new(Vec::new());
        for rec in &lenient.records {
            w.write_record(rec).unwrap();
        }
        assert_eq!(w.replaced_characters(), 0, "{name}");
        let xml = w.finish().unwrap();
        let again: Vec<_> = Reader::new(&xml[..])
            .lenient(true)
            .records()
            .collect::<Result<_, _>>()
            .unwrap();
        if !support::same_as_written(&again, &lenient.records) {
            failures.push(format!("{name}: round trip differs"));
        }
    }
    println!(
        "TOTAL: {} files, {} oracle records, {} read strictly, {} rejected in strict mode, {} files with a fatal XML error",
        totals.0, totals.1, totals.2, totals.3, totals.4
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
