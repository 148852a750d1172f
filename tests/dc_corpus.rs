//! Reads every Dublin Core file of the shared corpus (`$CROSSWALK_SHARED/corpus/dc`).
//!
//! Skips (passes with a note) when `CROSSWALK_SHARED` is unset. For every file: read to the end or
//! stopped by a located error, no panic. For OAI-PMH responses, the records read (deleted ones
//! included) must equal the number of OAI `<record>` elements, counted independently by a byte scan
//! for `<record>` / `<record ` / `<PREFIX:record` start tags (and by `xmllint` when installed). For
//! the other files the expected count is listed below with its reason.

use std::path::Path;
use std::process::Command;

use crosswalk::dc::check::{check_reader, FileCheck};

#[path = "support/shared.rs"]
mod support;
use support::files;

/// Start tags named `record` (any prefix), outside comments; a plain byte scan.
fn scan_records(bytes: &[u8]) -> u64 {
    let mut n = 0;
    let mut i = 0;
    while let Some(off) = bytes[i..].iter().position(|&b| b == b'<') {
        let at = i + off + 1;
        let rest = &bytes[at..];
        let name_end = rest
            .iter()
            .position(|&b| matches!(b, b' ' | b'>' | b'/' | b'\n' | b'\r' | b'\t'))
            .unwrap_or(rest.len());
        let name = &rest[..name_end];
        let local = name.rsplit(|&b| b == b':').next().unwrap_or(name);
        if local == b"record" && rest.get(name_end) != Some(&b'/') {
            n += 1;
        }
        i = at;
    }
    n
}

/// `xmllint`'s count of elements named `record` having a `header` child, if xmllint is installed
/// and the file is well-formed (namespace errors are tolerated by libxml2).
fn xmllint_records(path: &Path) -> Option<u64> {
    if !Path::new("/usr/bin/xmllint").exists() {
        return None;
    }
    let out = Command::new("/usr/bin/xmllint")
        .args([
            "--nonet",
            "--xpath",
            "count(//*[local-name()='record'][*[local-name()='header']])",
        ])
        .arg(path)
        .output()
        .ok()?;
    String::from_utf8_lossy(&out.stdout).trim().parse().ok()
}

/// Files that are not OAI-PMH responses: expected records and why.
const NOT_OAI: &[(&str, u64, &str)] = &[
    ("dpla-ingestion3/il.xml", 1, "one harvested OAI <record> fragment (header + qualifieddc)"),
    ("dpla-ingestion3/in.xml", 1, "one harvested OAI <record> fragment"),
    ("dpla-ingestion3/maryland.xml", 1, "one harvested OAI <record> fragment"),
    ("dpla-ingestion3/ohio.xml", 1, "one harvested OAI <record> fragment"),
    ("dpla-ingestion3/rumsey.xml", 1, "one harvested OAI <record> fragment"),
    ("dpla-ingestion3/scdl.xml", 1, "one harvested OAI <record> fragment"),
    ("dpla-ingestion3/txdl.xml", 1, "one OAI <record> fragment, oai_dc:dc without <metadata>; its namespace URI with a space is a libxml2 warning, not a well-formedness error"),
    ("dpla-ingestion3/wi.xml", 1, "one harvested OAI <record> fragment"),
    ("dpla-ingestion3/unglueit.xml", 0, "an Atom <entry> with two dcterms elements among Atom ones: not a DC record (dc-outside-record)"),
    ("dpla-ingestion3/virginias.xml", 1, "<mdRecord> whose children are all dcterms elements: one bare DC record"),
    ("pyoai/fake1/00006.xml", 1, "a bare <oai_dc:dc>"),
    ("ucldc-harvester/preservica-child-2.xml", 1, "one <oai_dc:dc> inside a Preservica MetadataResponse"),
    ("ucldc-harvester/preservica-child-4.xml", 1, "one <oai_dc:dc> inside a Preservica MetadataResponse"),
];

#[test]
fn corpus_dc() {
    let Ok(shared) = std::env::var("CROSSWALK_SHARED") else {
        eprintln!("note: CROSSWALK_SHARED unset; the DC corpus test is skipped");
        return;
    };
    let root = Path::new(&shared).join("corpus/dc");
    let mut paths = Vec::new();
    files(&root, &mut paths);
    assert_eq!(paths.len(), 45, "the DC corpus has 45 files");
    let mut rows: Vec<(String, FileCheck, u64, String)> = Vec::new();
    let mut failures = Vec::new();
    for path in &paths {
        let rel = path.strip_prefix(&root).unwrap().display().to_string();
        let bytes = std::fs::read(path).unwrap();
        let result = std::panic::catch_unwind(|| check_reader(&bytes[..], &rel));
        let Ok(check) = result else {
            failures.push(format!("{rel}: PANIC"));
            continue;
        };
        if !check.ok {
            let err = check.error.clone().unwrap_or_default();
            // Located: "file: [record n, ]line l:c: ..."
            if !err.starts_with(&format!("{rel}: ")) || !err.contains("line ") {
                failures.push(format!("{rel}: error without location: {err}"));
            }
        }
        let is_oai = check.verb.is_some() || bytes.windows(7).any(|w| w == b"OAI-PMH");
        let (expected, how) = if let Some(&(_, n, why)) = NOT_OAI.iter().find(|(f, _, _)| *f == rel)
        {
            (n, format!("listed: {why}"))
        } else if is_oai {
            let scan = scan_records(&bytes);
            if let Some(x) = xmllint_records(path) {
                if check.ok && x != scan {
                    failures.push(format!("{rel}: byte scan {scan} != xmllint {x}"));
                }
                (scan, format!("scan={scan} xmllint={x}"))
            } else {
                (scan, format!("scan={scan}"))
            }
        } else {
            failures.push(format!("{rel}: neither OAI-PMH nor listed"));
            (0, String::new())
        };
        if check.records != expected {
            failures.push(format!(
                "{rel}: read {} records, expected {expected} ({how})",
                check.records
            ));
        }
        rows.push((rel, check, expected, how));
    }

    let (mut recs, mut del, mut errs) = (0, 0, 0);
    eprintln!(
        "{:<45} {:>3} {:<20} {:>6} {:>5} {:>6}  diagnostics / error",
        "file", "ok", "verb", "recs", "del", "values"
    );
    for (rel, c, _, how) in &rows {
        recs += c.records;
        del += c.deleted;
        errs += u64::from(!c.ok);
        let diags: Vec<String> = c
            .diagnostics
            .iter()
            .map(|(k, n)| format!("{k}={n}"))
            .collect();
        eprintln!(
            "{:<45} {:>3} {:<20} {:>6} {:>5} {:>6}  [{how}] {} {}",
            rel,
            if c.ok { "ok" } else { "ERR" },
            c.verb.as_deref().unwrap_or("-"),
            c.records,
            c.deleted,
            c.values,
            diags.join(" "),
            c.error.as_deref().unwrap_or("")
        );
    }
    eprintln!(
        "TOTAL: {} files, {recs} records, {del} deleted, {errs} files with a located error",
        rows.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
