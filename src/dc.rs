//! Dublin Core: a streaming reader for OAI-PMH responses, simple DC and qualified DC (DCMI terms).
//!
//! [`Reader`] reads one record at a time from any [`std::io::BufRead`] through the hardened
//! [`crate::xml::XmlReader`] (no DTDs, no external entities, size and depth limits, located errors), so
//! memory stays flat whatever the size of the file. It accepts:
//!
//! - **OAI-PMH** `ListRecords` and `GetRecord` responses: each OAI `<record>` becomes a [`Record`] with
//!   its [`Header`] (identifier, datestamp, setSpecs, `status="deleted"`). Deleted records are yielded
//!   with [`Record::is_deleted`] set, never dropped. The `resumptionToken`, `responseDate`, `request`
//!   and any OAI `<error code=..>` are kept in [`Reader::response`] (nothing is fetched).
//!   Responses to the other verbs (`Identify`, `ListSets`, `ListMetadataFormats`, `ListIdentifiers`)
//!   hold no records: they are skipped and their verb is reported.
//! - **Simple DC XML**: a bare `<dc>` / `<oai_dc:dc>` / `<qualifieddc>` element anywhere outside an
//!   OAI record, a `<record>` without OAI header, or any other element whose *first* child element is
//!   in the DC 1.1 or DCMI terms namespace (`<metadata>`, `<mdRecord>`, ...). A file may hold several.
//! - **Qualified DC**: `dcterms:*` elements next to `dc:*` ones; `xsi:type` encoding schemes
//!   (`dcterms:W3CDTF`, `dcterms:LCSH`) are resolved against the namespace declarations in scope into a
//!   [`Scheme`] (namespace + local name, and an IRI).
//! - **No namespace at all** (harvests with namespaces stripped): the structure is recognised by local
//!   names, and unprefixed DC element names are read as DC 1.1 ([`Vocabulary::Unqualified`]).
//!
//! When an OAI record's metadata is wrapped (for example a DC record inside `didl:DIDL`), the first
//! `dc` / `qualifieddc` element found inside is used and the wrapper is dropped (`wrapped-metadata`).
//!
//! # Model
//!
//! A [`Record`] holds its metadata as an [`crate::xml::Element`] tree (see [`Record::tree`]): a
//! synthetic root `record` whose children are the OAI `header` element (when there is one) and the DC
//! root element (`dc`, `qualifieddc`, ...). Next to the tree, [`Record::values`] lists every child of
//! the DC root as a [`Value`]: element name (namespace + local name), whitespace-normalised NFC text,
//! `xml:lang` (inherited), scheme (`xsi:type`) and other attributes.
//!
//! # Selection
//!
//! [`Record`] implements [`crate::select::Selectable`] (format `dc`). Paths are namespace-blind and
//! evaluated against the DC root, except those whose first step is `header`, which are evaluated
//! against the synthetic root, so `title`, `subject[@xsi:type='dcterms:LCSH']`, `date/@xsi:type`,
//! `header/identifier`, `header/setSpec` and `header/@status` all work. See [`select`].
//!
//! # Diagnostics
//!
//! Fatal problems (XML that is not well-formed, hostile input) end the file with an [`Error`] that
//! carries file, byte offset and line:column. Everything else is a [`Diagnostic`], attached to the
//! record ([`Record::diagnostics`]) or, when it concerns no record, to the reader
//! ([`Reader::take_diagnostics`]). Kinds:
//!
//! | kind | severity | meaning |
//! |---|---|---|
//! | `missing-metadata` | warning | an OAI record that is not deleted has no `<metadata>` (or it is empty) |
//! | `missing-identifier` | warning | an OAI header without `<identifier>` |
//! | `missing-datestamp` | warning | an OAI header without `<datestamp>` |
//! | `empty-element` | info | a DC element with neither text nor attributes; it is not listed in the values |
//! | `unknown-dc-element` | warning | an element in the DC 1.1 namespace that is not one of the 15 elements (e.g. `dc:alternative`); kept |
//! | `unknown-dcterms-term` | warning | an element in the DCMI terms namespace that is not a DCMI property; kept |
//! | `foreign-element` | info | a child of the DC root in another namespace (`edm:`, `dpla:`); kept |
//! | `no-namespace` | info | the record's DC elements have no namespace; read as DC 1.1 by local name (once per record) |
//! | `unbound-scheme-prefix` | warning | an `xsi:type` whose prefix is not declared; the scheme keeps the raw value, no namespace |
//! | `wrapped-metadata` | info | the DC was found inside another metadata format (DIDL, ...), whose wrapper was dropped |
//! | `unwrapped-metadata` | info | an OAI record whose DC is a direct child of `<record>`, without `<metadata>`; read |
//! | `not-dc-metadata` | warning | an OAI record's metadata contains no DC at all; its children are listed as foreign values |
//! | `dc-outside-record` | warning | a DC/DCMI-terms element outside any record (reader-level); skipped |
//! | `oai-error` | error (info for `noRecordsMatch`) | the response is an OAI-PMH `<error code=..>` (reader-level) |
//! | `no-records-response` | info | a response to a verb that carries no records (`Identify`, `ListSets`...) (reader-level) |
//!
//! ```
//! use crosswalk::dc::Reader;
//! let xml = r#"<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">
//!  <ListRecords>
//!   <record><header><identifier>oai:x:1</identifier><datestamp>2024-01-01</datestamp>
//!    <setSpec>maps</setSpec></header>
//!    <metadata><oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/"
//!        xmlns:dc="http://purl.org/dc/elements/1.1/">
//!      <dc:title xml:lang="en">A  map</dc:title></oai_dc:dc></metadata></record>
//!   <record><header status="deleted"><identifier>oai:x:2</identifier>
//!    <datestamp>2024-01-02</datestamp></header></record>
//!   <resumptionToken completeListSize="5">next-page</resumptionToken>
//!  </ListRecords></OAI-PMH>"#;
//! let mut reader = Reader::new(xml.as_bytes()).source_name("page1.xml");
//! let records = reader.records().collect::<Result<Vec<_>, _>>()?;
//! assert_eq!(records.len(), 2);
//! assert_eq!(records[0].values()[0].text, "A map");
//! assert_eq!(records[0].values()[0].lang.as_deref(), Some("en"));
//! assert!(records[1].is_deleted());
//! let token = reader.response().resumption_token.as_ref().unwrap();
//! assert_eq!(token.token, "next-page");
//! # Ok::<(), crosswalk::dc::Error>(())
//! ```

pub mod check;
pub mod reader;
pub mod record;
pub mod select;

pub use crate::xml::path::PathSelector;
pub use reader::{OaiError, Reader, Records, Response, ResumptionToken};
pub use record::{Header, Record, Scheme, Value, Vocabulary};

use crate::diagnostic::{Diagnostic, Location};
use crate::xml::XmlError;

/// Namespace URIs the reader knows.
pub mod ns {
    /// OAI-PMH 2.0.
    pub const OAI: &str = "http://www.openarchives.org/OAI/2.0/";
    /// The `oai_dc` container.
    pub const OAI_DC: &str = "http://www.openarchives.org/OAI/2.0/oai_dc/";
    /// Dublin Core Metadata Element Set 1.1.
    pub const DC: &str = "http://purl.org/dc/elements/1.1/";
    /// DCMI Metadata Terms.
    pub const DCTERMS: &str = "http://purl.org/dc/terms/";
    /// XML Schema instance (`xsi:type`).
    pub const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";
    /// The `xml:` prefix (`xml:lang`).
    pub const XML: &str = "http://www.w3.org/XML/1998/namespace";
}

/// The fifteen DC 1.1 elements.
pub const DC_ELEMENTS: [&str; 15] = [
    "contributor",
    "coverage",
    "creator",
    "date",
    "description",
    "format",
    "identifier",
    "language",
    "publisher",
    "relation",
    "rights",
    "source",
    "subject",
    "title",
    "type",
];

/// The 55 properties of the DCMI terms namespace (the 15 DC elements included).
pub const DCTERMS_PROPERTIES: [&str; 55] = [
    "abstract",
    "accessRights",
    "accrualMethod",
    "accrualPeriodicity",
    "accrualPolicy",
    "alternative",
    "audience",
    "available",
    "bibliographicCitation",
    "conformsTo",
    "contributor",
    "coverage",
    "created",
    "creator",
    "date",
    "dateAccepted",
    "dateCopyrighted",
    "dateSubmitted",
    "description",
    "educationLevel",
    "extent",
    "format",
    "hasFormat",
    "hasPart",
    "hasVersion",
    "identifier",
    "instructionalMethod",
    "isFormatOf",
    "isPartOf",
    "isReferencedBy",
    "isReplacedBy",
    "isRequiredBy",
    "issued",
    "isVersionOf",
    "language",
    "license",
    "mediator",
    "medium",
    "modified",
    "provenance",
    "publisher",
    "references",
    "relation",
    "replaces",
    "requires",
    "rights",
    "rightsHolder",
    "source",
    "spatial",
    "subject",
    "tableOfContents",
    "temporal",
    "title",
    "type",
    "valid",
];

/// A fatal error: the rest of the input cannot be read. Small (one pointer).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The XML is not well-formed, hostile (entities, depth, size) or could not be read.
    #[error(transparent)]
    Xml(#[from] XmlError),
}

impl Error {
    /// Where it happened: file, byte offset, line and column.
    pub fn location(&self) -> &Location {
        match self {
            Error::Xml(e) => e.location(),
        }
    }

    /// A stable kebab-case name (`xml-syntax`, `xml-unknown-entity`, ...).
    pub fn kind_name(&self) -> &'static str {
        match self {
            Error::Xml(e) => e.kind().name(),
        }
    }

    /// The error as a [`Diagnostic`] of severity error, for reports.
    pub fn to_diagnostic(&self) -> Diagnostic {
        Diagnostic {
            severity: crate::diagnostic::Severity::Error,
            kind: self.kind_name(),
            location: self.location().clone(),
            message: match self {
                Error::Xml(e) => e.kind().to_string(),
            },
        }
    }
}

impl From<Error> for std::io::Error {
    fn from(e: Error) -> Self {
        std::io::Error::new(std::io::ErrorKind::InvalidData, e)
    }
}
