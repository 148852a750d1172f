//! One reader over the three MARC syntaxes, recognised from the content, and per-file checks.
//!
//! [`AnyReader`] hides which syntax a file is in: the batch pipeline, `marc convert` and
//! `marc check` read ISO 2709, MARCXML and MARC-in-JSON alike, and get one error shape,
//! [`ReadError`], which says whether reading can go on after it.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader};
use std::path::Path;
use std::sync::Arc;

use super::{iso2709, json, xml, RecordBuf};
use crate::diagnostic::{Location, Severity};
use crate::sniff::{sniff, Syntax};

/// A record the reader rejected, or a failure that ends the input.
#[derive(Debug, thiserror::Error)]
#[error("{location}: {kind}: {message}")]
pub struct ReadError {
    /// Stable kebab-case kind (`record-too-short`, `xml-syntax`, `io` …).
    pub kind: &'static str,
    /// Where.
    pub location: Location,
    /// What, in words.
    pub message: String,
    /// The raw bytes of a rejected record (ISO 2709 and JSON), for quarantine.
    pub raw: Vec<u8>,
    /// True when the input cannot be read any further.
    pub fatal: bool,
}

/// A MARC reader for any of the three syntaxes.
pub enum AnyReader<R: BufRead> {
    /// ISO 2709.
    Iso2709(Box<iso2709::Reader<R>>),
    /// MARCXML.
    Xml(Box<xml::Reader<R>>),
    /// MARC-in-JSON.
    Json(Box<json::Reader<R>>),
}

impl AnyReader<BufReader<File>> {
    /// Opens a file; the syntax is recognised from the content unless given.
    pub fn open(path: &Path, syntax: Option<Syntax>, lenient: bool) -> io::Result<Self> {
        let file = File::open(path)?;
        Self::new(
            BufReader::with_capacity(1 << 16, file),
            &path.display().to_string(),
            syntax,
            lenient,
        )
    }
}

impl<R: BufRead> AnyReader<R> {
    /// A reader over `input` named `name`; the syntax is recognised from the content unless given.
    /// Input that is not MARC (EAD, DC, or unrecognisable) is an `InvalidData` error.
    pub fn new(
        mut input: R,
        name: &str,
        syntax: Option<Syntax>,
        lenient: bool,
    ) -> io::Result<Self> {
        let name: Arc<str> = name.into();
        let syntax = match syntax {
            Some(s) => s,
            None => match sniff(&mut input)? {
                Some(s) => s,
                // An empty file is an empty catalogue.
                None if is_empty(&mut input)? => Syntax::Iso2709,
                None => {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        format!("{name}: not a MARC file (ISO 2709, MARCXML or MARC-in-JSON)"),
                    ))
                }
            },
        };
        Ok(match syntax {
            Syntax::Iso2709 => AnyReader::Iso2709(Box::new(
                iso2709::ReaderBuilder::new()
                    .lenient(lenient)
                    .source_name(name)
                    .build(input),
            )),
            Syntax::MarcXml => AnyReader::Xml(Box::new(
                xml::Reader::new(input).source_name(name).lenient(lenient),
            )),
            Syntax::MarcJson => AnyReader::Json(Box::new(
                json::Reader::new(input).source_name(name).lenient(lenient),
            )),
            other => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("{name}: this is {other}, not MARC"),
                ))
            }
        })
    }

    /// The syntax being read.
    pub fn syntax(&self) -> Syntax {
        match self {
            Self::Iso2709(_) => Syntax::Iso2709,
            Self::Xml(_) => Syntax::MarcXml,
            Self::Json(_) => Syntax::MarcJson,
        }
    }

    /// Reads the next record into `rec`; `Ok(false)` at the end. After an error that is not
    /// [`fatal`](ReadError::fatal), call again for the next record.
    pub fn read_record(&mut self, rec: &mut RecordBuf) -> Result<bool, Box<ReadError>> {
        let result = match self {
            Self::Iso2709(r) => r.read_record(rec).map_err(|e| match e {
                iso2709::Error::Record(e) => ReadError {
                    kind: e.kind().as_str(),
                    location: e.location().clone(),
                    message: e.message().to_string(),
                    raw: e.into_raw(),
                    fatal: false,
                },
                iso2709::Error::Io(e) => io_error(e),
            }),
            Self::Xml(r) => r.read_record(rec).map_err(|e| {
                let fatal = e.is_fatal();
                let kind = e.kind();
                match e {
                    xml::Error::Xml(x) => ReadError {
                        kind,
                        location: x.location().clone(),
                        message: x.kind().to_string(),
                        raw: Vec::new(),
                        fatal,
                    },
                    xml::Error::Record(d) => ReadError {
                        kind,
                        location: d.location.clone(),
                        message: d.message.clone(),
                        raw: Vec::new(),
                        fatal,
                    },
                }
            }),
            Self::Json(r) => r.read_record(rec).map_err(|e| {
                let fatal = e.is_fatal();
                let kind = e.kind();
                match e {
                    json::Error::Io(e) => io_error(e),
                    json::Error::Syntax(d) | json::Error::Record(d) => ReadError {
                        kind,
                        location: d.location.clone(),
                        message: d.message.clone(),
                        raw: Vec::new(),
                        fatal,
                    },
                }
            }),
        };
        result.map_err(Box::new)
    }
}

fn is_empty(input: &mut impl BufRead) -> io::Result<bool> {
    Ok(input.fill_buf()?.iter().all(|b| b.is_ascii_whitespace()))
}

fn io_error(e: io::Error) -> ReadError {
    ReadError {
        kind: "io",
        location: Location::default(),
        message: e.to_string(),
        raw: Vec::new(),
        fatal: true,
    }
}

/// What `crosswalk marc check` reports for one file (its `--json` output, one object per file).
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct FileCheck {
    /// The file as given.
    pub file: String,
    /// The syntax recognised (`iso2709`, `marcxml`, `json`).
    pub syntax: Option<String>,
    /// False when the file could not be read to its end.
    pub ok: bool,
    /// Records read and usable.
    pub records: u64,
    /// Records rejected (with their errors). Errors about bytes outside any record (trailing
    /// filler, in strict mode) are in `errors` and `diagnostics` but reject no record.
    pub rejected: u64,
    /// Usable records that needed at least one repair (a warning diagnostic).
    pub repaired: u64,
    /// Diagnostics and rejections by kind.
    pub diagnostics: BTreeMap<String, u64>,
    /// The rejections and the fatal error, located, in input order (at most 100).
    pub errors: Vec<String>,
}

/// Reads a whole file and counts what it held. Never panics; an unreadable file gives `ok: false`.
pub fn check_file(path: &Path, syntax: Option<Syntax>, lenient: bool) -> FileCheck {
    check_file_with(path, syntax, lenient, &mut |_| {})
}

/// Like [`check_file`], calling `each` with every diagnostic and error as it is met (for
/// `marc check --verbose`).
pub fn check_file_with(
    path: &Path,
    syntax: Option<Syntax>,
    lenient: bool,
    each: &mut dyn FnMut(&dyn std::fmt::Display),
) -> FileCheck {
    let mut out = FileCheck {
        file: path.display().to_string(),
        ..FileCheck::default()
    };
    let mut reader = match AnyReader::open(path, syntax, lenient) {
        Ok(r) => r,
        Err(e) => {
            out.errors.push(e.to_string());
            *out.diagnostics.entry("io".into()).or_default() += 1;
            return out;
        }
    };
    out.syntax = Some(reader.syntax().to_string());
    check_records(&mut reader, &mut out, each);
    out
}

/// Counts the records of `reader` into `out`, calling `each` with every diagnostic and error.
pub fn check_records<R: BufRead>(
    reader: &mut AnyReader<R>,
    out: &mut FileCheck,
    each: &mut dyn FnMut(&dyn std::fmt::Display),
) {
    let mut rec = RecordBuf::new();
    loop {
        match reader.read_record(&mut rec) {
            Ok(true) => {
                out.records += 1;
                let mut repaired = false;
                for d in rec.diagnostics() {
                    each(d);
                    repaired |= d.severity >= Severity::Warning;
                    *out.diagnostics.entry(d.kind.to_string()).or_default() += 1;
                }
                out.repaired += u64::from(repaired);
            }
            Ok(false) => {
                out.ok = true;
                return;
            }
            Err(e) => {
                each(&e);
                *out.diagnostics.entry(e.kind.to_string()).or_default() += 1;
                if out.errors.len() < 100 {
                    out.errors.push(e.to_string());
                }
                if e.fatal {
                    return;
                }
                // Errors outside any record (trailing filler in strict mode) reject no record.
                if e.location.position.record > 0 {
                    out.rejected += 1;
                }
            }
        }
    }
}
