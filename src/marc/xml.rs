//! MARCXML (MARC 21 slim) reading and writing.
//!
//! [`Reader`] streams records out of a MARCXML document, one at a time, with memory independent of
//! the file size: a `<collection>` of records, a bare `<record>`, with or without the
//! `http://www.loc.gov/MARC21/slim` namespace (any prefix), or MARC records inside an envelope such
//! as an OAI-PMH `ListRecords` response. All XML goes through the hardened [`crate::xml`] reader
//! (no DTDs, no external entities, size and depth limits).
//!
//! **What is a record.** An element with local name `record` that is in the MARC 21 slim namespace,
//! or that is in no namespace and is the document element or a child of an element named
//! `collection`. So the OAI-PMH envelope's own `record` elements are not records, the
//! `marc:record` elements inside them are. Inside a record the elements `leader`, `controlfield`,
//! `datafield` and `subfield` are recognised by local name, whatever their namespace.
//!
//! **Values** (leader, control fields, subfields) are taken as written, not trimmed, and
//! normalised to Unicode NFC. [`RecordBuf::raw`](crate::marc::RecordBuf::raw) stays empty: the
//! record's own XML text is not kept (write the record with [`Writer`] to get XML back).
//!
//! **Errors.** An XML error (not well-formed, unknown entity, limits) ends the document:
//! [`Error::Xml`] carries the file, line:column, byte offset, record ordinal and, when already
//! read, the record's 001; after it the reader returns no more records. A problem in one record's
//! MARC structure is, in strict mode (the default), an [`Error::Record`] for that record only: the
//! reader has consumed the whole record and the next call reads the next one. In lenient mode
//! ([`Reader::lenient`]) the record is repaired and returned, with a
//! [`Diagnostic`] of severity `warning` for each repair.
//!
//! # Diagnostic kinds
//!
//! Record problems (errors in strict mode, warnings with the repair in lenient mode):
//!
//! | kind | problem | lenient repair |
//! |---|---|---|
//! | `leader-missing` | the record has no `leader` | the default leader (`00000nam a2200000 i 4500`) |
//! | `leader-invalid` | the leader is not 24 ASCII characters | non-ASCII characters become blanks; padded with blanks or cut to 24 |
//! | `leader-repeated` | a second `leader` | the first is kept |
//! | `tag-missing` | a `controlfield` or `datafield` without `tag` | the field is dropped |
//! | `tag-invalid` | a tag that is not three ASCII letters or digits | one or two digits are zero-padded (`42` → `042`); another three-character ASCII tag is kept; anything else drops the field |
//! | `indicator-invalid` | `ind1`/`ind2` missing, empty, longer than one character, or a control character | a blank |
//! | `subfield-code-invalid` | `code` missing, empty, longer than one character, or a control character | the first character is the code and the rest starts the value; a missing or empty code becomes a blank |
//!
//! Notes (severity `info`, in both modes; nothing a MARC record can hold is lost):
//!
//! | kind | what was skipped |
//! |---|---|
//! | `unknown-element` | an element other than `leader`/`controlfield`/`datafield` in a record, other than `subfield` in a data field, or any element inside a leader, control field or subfield (its text is skipped too) |
//! | `unexpected-text` | text other than white space directly inside `record` or `datafield` |
//!
//! Fatal XML errors use the kinds of [`XmlErrorKind::name`](crate::xml::XmlErrorKind::name)
//! (`xml-syntax`, `xml-unknown-entity`, `xml-encoding`, `xml-too-deep`, `xml-too-large`,
//! `xml-unexpected-eof`, `io`).
//!
//! # Example
//!
//! ```
//! use crosswalk::marc::xml::{Reader, Writer};
//! let doc = r#"<collection xmlns="http://www.loc.gov/MARC21/slim"><record>
//!   <leader>00000nam a2200000 a 4500</leader>
//!   <controlfield tag="001">ocm1</controlfield>
//!   <datafield tag="245" ind1="1" ind2="0"><subfield code="a">Caf&#xE9; &amp; bar</subfield></datafield>
//! </record></collection>"#;
//! let mut reader = Reader::new(doc.as_bytes());
//! let mut writer = Writer::new(Vec::new());
//! for rec in reader.records() {
//!     let rec = rec?;
//!     assert_eq!(rec.id(), Some("ocm1"));
//!     writer.write_record(&rec)?;
//! }
//! let xml = String::from_utf8(writer.finish()?).unwrap();
//! assert!(xml.contains(r#"<subfield code="a">Café &amp; bar</subfield>"#));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub(crate) mod build;
mod reader;
pub(crate) mod writer;

pub use reader::{Reader, Records};
pub use writer::Writer;

use crate::diagnostic::{Diagnostic, Location};
use crate::xml::XmlError;

/// The MARC 21 slim namespace URI.
pub const MARC21_NS: &str = "http://www.loc.gov/MARC21/slim";

/// An error of the MARCXML reader.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The document is not usable XML (or could not be read); reading stops here.
    #[error(transparent)]
    Xml(#[from] XmlError),
    /// One record was rejected (strict mode); reading can go on with the next record.
    #[error(transparent)]
    Record(Box<Diagnostic>),
}

impl Error {
    /// The stable kebab-case kind: an XML error's [`name`](crate::xml::XmlErrorKind::name) or the
    /// record problem's diagnostic kind.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Xml(e) => e.kind().name(),
            Self::Record(d) => d.kind,
        }
    }

    /// Where: file, record ordinal, line:column, byte offset, 001 when known.
    pub fn location(&self) -> &Location {
        match self {
            Self::Xml(e) => e.location(),
            Self::Record(d) => &d.location,
        }
    }

    /// True when the document cannot be read further (an XML error).
    pub fn is_fatal(&self) -> bool {
        matches!(self, Self::Xml(_))
    }
}

impl From<Error> for std::io::Error {
    fn from(e: Error) -> Self {
        std::io::Error::new(std::io::ErrorKind::InvalidData, e)
    }
}
