//! MARC-in-JSON reading and writing.
//!
//! MARC-in-JSON (Ross Singer's format) writes a record as
//! `{"leader": "…", "fields": [{"001": "…"}, {"245": {"ind1": "1", "ind2": "0", "subfields": [{"a": "…"}]}}]}`.
//!
//! [`Reader`] accepts a single record object, a JSON array of records, and newline-delimited JSON
//! (one record per line; more generally any sequence of records and arrays of records separated by
//! white space). It streams: only one record's JSON text is held at a time, never the whole file.
//! A small scanner finds where each record's JSON value ends (tracking strings, escapes and
//! bracket depth); `serde_json` then parses that text alone.
//!
//! Values are normalised to Unicode NFC and not trimmed. [`RecordBuf::raw`](crate::marc::RecordBuf::raw)
//! holds the record's own JSON text as it was in the file.
//!
//! **Errors.** A record whose JSON text is not valid JSON (say, a raw control character inside a
//! string), or whose structure is not MARC-in-JSON, is an [`Error::Record`] for that record only,
//! located at its start (line:column, byte offset, ordinal; syntax errors at the exact line:column
//! of the fault): the next call reads the next record. When the file itself cannot be followed any
//! further — the input ends inside a record, or something other than a record, `,` or `]` stands
//! between records — the reader returns an [`Error::Syntax`] and then no more records.
//!
//! # Diagnostic kinds
//!
//! Problems inside a record (errors in strict mode, warnings with the repair in lenient mode):
//! `leader-missing`, `leader-invalid`, `tag-invalid`, `indicator-invalid`, `subfield-code-invalid`
//! with the same meaning and repairs as in [MARCXML](crate::marc::xml#diagnostic-kinds), and:
//!
//! | kind | problem | lenient repair |
//! |---|---|---|
//! | `fields-invalid` | `fields` is missing or not an array | a record without fields |
//! | `field-invalid` | a field is not an object with exactly one key (the tag), or its value is neither a string (control field) nor an object (data field), or a data field's `subfields` is missing or not an array | each key of the object is taken as a field in key order; a field with another value is dropped; missing `subfields` give a field without subfields |
//! | `subfield-invalid` | a subfield is not an object with exactly one key (the code) whose value is a string | each key is taken as a subfield, in key order; a non-string value drops the subfield |
//!
//! Always errors (in both modes), for the record only: `json-syntax` (the record's text is not
//! valid JSON), `record-not-object` (an array element or top-level value that is not an object).
//! Notes (severity `info`): `unknown-key` (a top-level key other than `leader` and `fields`, or a
//! data-field key other than `ind1`, `ind2`, `subfields`; skipped).
//!
//! Fatal errors ([`Error::Syntax`]): `json-syntax` (the structure between records is broken),
//! `json-unexpected-eof` (the input ends inside a record or an array), `record-too-large` (a record's
//! text exceeds [`Reader::max_record_bytes`]).
//!
//! # Example
//!
//! ```
//! use crosswalk::marc::json::{Reader, Writer};
//! let ndjson = concat!(
//!     r#"{"leader":"00000nam a2200000 a 4500","fields":[{"001":"a1"}]}"#, "\n",
//!     r#"{"leader":"00000nam a2200000 a 4500","fields":[{"245":{"ind1":"1","ind2":"0","subfields":[{"a":"T"}]}}]}"#, "\n",
//! );
//! let mut out = Writer::new(Vec::new()).array(true);
//! for rec in Reader::new(ndjson.as_bytes()).records() {
//!     out.write_record(&rec?)?;
//! }
//! let json = String::from_utf8(out.finish()?).unwrap();
//! assert!(json.starts_with("[\n{\"leader\""));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod reader;
mod writer;

pub use reader::{Reader, Records};
pub use writer::Writer;

use std::io;

use crate::diagnostic::{Diagnostic, Location};

/// An error of the MARC-in-JSON reader.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading the input failed; reading stops here.
    #[error(transparent)]
    Io(#[from] io::Error),
    /// The file cannot be followed any further (see the [module docs](self)); reading stops here.
    #[error(transparent)]
    Syntax(Box<Diagnostic>),
    /// One record was rejected; reading can go on with the next record.
    #[error(transparent)]
    Record(Box<Diagnostic>),
}

impl Error {
    /// The stable kebab-case kind (`io` for an I/O error).
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Io(_) => "io",
            Self::Syntax(d) | Self::Record(d) => d.kind,
        }
    }

    /// Where, for syntax and record errors.
    pub fn location(&self) -> Option<&Location> {
        match self {
            Self::Io(_) => None,
            Self::Syntax(d) | Self::Record(d) => Some(&d.location),
        }
    }

    /// True when the input cannot be read further.
    pub fn is_fatal(&self) -> bool {
        !matches!(self, Self::Record(_))
    }
}

impl From<Error> for io::Error {
    fn from(e: Error) -> Self {
        match e {
            Error::Io(e) => e,
            other => io::Error::new(io::ErrorKind::InvalidData, other),
        }
    }
}
