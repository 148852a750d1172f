//! Per-file counts for `crosswalk dc check FILE...`.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

use super::{Reader, Record};

/// What `crosswalk dc check` reports for one file. Serialises to JSON as is.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct FileCheck {
    /// The file name as given.
    pub file: String,
    /// `false` when the file could not be read to its end (I/O error or fatal XML error).
    pub ok: bool,
    /// The OAI-PMH verb of the response, if it is one.
    pub verb: Option<String>,
    /// Records read, deleted ones included.
    pub records: u64,
    /// Records whose OAI header says `status="deleted"`.
    pub deleted: u64,
    /// Values read (child elements of the DC roots, empty ones excluded).
    pub values: u64,
    /// Diagnostics by kind (record- and reader-level, plus the fatal error's kind if any).
    pub diagnostics: BTreeMap<String, u64>,
    /// The fatal error, with its location, when `ok` is false.
    pub error: Option<String>,
    /// The `resumptionToken`, if the response has a non-empty one.
    pub resumption_token: Option<String>,
    /// OAI-PMH error codes in the response.
    pub oai_errors: Vec<String>,
}

/// Reads the file at `path` to its end and counts. Never panics on bad input; an unreadable file
/// gives `ok: false` with the error.
///
/// ```
/// let c = crosswalk::dc::check::check_file(std::path::Path::new("no/such/file.xml"));
/// assert!(!c.ok);
/// ```
pub fn check_file(path: &Path) -> FileCheck {
    let name = path.display().to_string();
    match File::open(path) {
        Ok(f) => check_reader(BufReader::with_capacity(1 << 18, f), &name),
        Err(e) => FileCheck {
            file: name.clone(),
            ok: false,
            error: Some(format!("{name}: {e}")),
            diagnostics: BTreeMap::from([("io".to_string(), 1)]),
            ..FileCheck::default()
        },
    }
}

/// Reads `input` (named `name` in reports) to its end and counts.
///
/// ```
/// use crosswalk::dc::check::check_reader;
/// let c = check_reader(&b"<dc xmlns:dc='http://purl.org/dc/elements/1.1/'><dc:title>T</dc:title></dc>"[..], "t.xml");
/// assert!(c.ok);
/// assert_eq!((c.records, c.values), (1, 1));
/// ```
pub fn check_reader<R: BufRead>(input: R, name: &str) -> FileCheck {
    let mut out = FileCheck {
        file: name.to_string(),
        ok: true,
        ..FileCheck::default()
    };
    let mut reader = Reader::new(input).source_name(name);
    let mut record = Record::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {
                out.records += 1;
                out.deleted += u64::from(record.is_deleted());
                out.values += record.values().len() as u64;
                for d in record.diagnostics() {
                    *out.diagnostics.entry(d.kind.to_string()).or_default() += 1;
                }
            }
            Ok(false) => break,
            Err(e) => {
                out.ok = false;
                *out.diagnostics
                    .entry(e.kind_name().to_string())
                    .or_default() += 1;
                out.error = Some(e.to_string());
                break;
            }
        }
    }
    for d in reader.take_diagnostics() {
        *out.diagnostics.entry(d.kind.to_string()).or_default() += 1;
    }
    let response = reader.response();
    out.verb = response.verb.clone();
    out.resumption_token = response
        .resumption_token
        .as_ref()
        .filter(|t| !t.token.is_empty())
        .map(|t| t.token.clone());
    out.oai_errors = response.errors.iter().map(|e| e.code.clone()).collect();
    out
}
