//! Safe, streaming XML reading shared by the MARCXML, EAD and Dublin Core readers.
//!
//! [`XmlReader`] wraps quick-xml with the guarantees crosswalk promises for hostile and broken input:
//!
//! - **No DTD processing, no external entities, ever.** A `DOCTYPE` is skipped; nothing is fetched.
//!   The five predefined entities and character references work; any other entity reference
//!   (including ones declared in an internal subset, so a billion-laughs document) is an
//!   [`XmlErrorKind::UnknownEntity`] error.
//! - **Bounded memory.** A single markup token (tag with its attributes, comment, DOCTYPE) larger than
//!   [`XmlConfig::max_token_bytes`], a text node larger than [`XmlConfig::max_text_bytes`], or element
//!   nesting deeper than [`XmlConfig::max_depth`] ends the document with an error, before the
//!   memory is spent.
//! - **Located errors.** Every error carries the file, byte offset and line:column.
//! - **Namespace-blind names, namespace-aware data.** Elements and attributes are reported by local
//!   name, each with its resolved namespace URI, so readers can accept EAD with or without a namespace.
//!
//! Text, CDATA and entity references between two tags are merged into one [`XmlEvent::Text`];
//! empty elements are reported as a start followed by an end.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::fmt;
use std::io::{self, BufRead};
use std::sync::Arc;

use quick_xml::events::{BytesStart, Event};
use quick_xml::name::{Namespace, NamespaceResolver, ResolveResult};
use quick_xml::Reader;

use crate::diagnostic::{Location, Position};

pub mod path;

/// Limits that keep a hostile document from using unbounded memory or time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct XmlConfig {
    /// Deepest element nesting accepted. Default: 1,000.
    pub max_depth: usize,
    /// Largest single markup token (a start tag with its attributes, a comment, a DOCTYPE), in
    /// bytes. Default: 16 MiB.
    pub max_token_bytes: usize,
    /// Largest text between two tags, in bytes. Default: 64 MiB.
    pub max_text_bytes: usize,
}

impl Default for XmlConfig {
    fn default() -> Self {
        Self {
            max_depth: 1_000,
            max_token_bytes: 16 << 20,
            max_text_bytes: 64 << 20,
        }
    }
}

/// What went wrong in an XML document.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum XmlErrorKind {
    /// The document is not well-formed XML (unclosed or mismatched tags, bad syntax, SGML).
    Syntax(String),
    /// A reference to an entity other than the five predefined ones or a character reference.
    UnknownEntity(String),
    /// The text is not valid UTF-8 (crosswalk reads UTF-8 XML only).
    Encoding(String),
    /// Nesting deeper than the configured limit.
    TooDeep(usize),
    /// A markup token or text node larger than the configured limit.
    TooLarge(usize),
    /// The document ended inside an element.
    UnexpectedEof(String),
    /// Reading the input failed.
    Io(String),
}

impl fmt::Display for XmlErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Syntax(m) => write!(f, "not well-formed XML: {m}"),
            Self::UnknownEntity(e) => write!(
                f,
                "unknown entity &{e}; (only the predefined XML entities and character references are \
                 resolved; DTDs are never read)"
            ),
            Self::Encoding(m) => write!(f, "not UTF-8: {m}"),
            Self::TooDeep(n) => write!(f, "elements nested deeper than {n} levels"),
            Self::TooLarge(n) => write!(f, "a single token or text node is larger than {n} bytes"),
            Self::UnexpectedEof(m) => write!(f, "unexpected end of document: {m}"),
            Self::Io(m) => write!(f, "read error: {m}"),
        }
    }
}

impl XmlErrorKind {
    /// A stable kebab-case name for reports.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Syntax(_) => "xml-syntax",
            Self::UnknownEntity(_) => "xml-unknown-entity",
            Self::Encoding(_) => "xml-encoding",
            Self::TooDeep(_) => "xml-too-deep",
            Self::TooLarge(_) => "xml-too-large",
            Self::UnexpectedEof(_) => "xml-unexpected-eof",
            Self::Io(_) => "io",
        }
    }
}

/// An XML error with its location. After an error the document cannot be read further.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: {}", .0.1, .0.0)]
pub struct XmlError(Box<(XmlErrorKind, Location)>);

impl XmlError {
    /// An error of `kind` at `location`.
    pub fn new(kind: XmlErrorKind, location: Location) -> Self {
        Self(Box::new((kind, location)))
    }

    /// What went wrong.
    pub fn kind(&self) -> &XmlErrorKind {
        &self.0 .0
    }

    /// Where: file, byte offset, line and column.
    pub fn location(&self) -> &Location {
        &self.0 .1
    }

    /// The location, for adding the record id or field.
    pub fn location_mut(&mut self) -> &mut Location {
        &mut self.0 .1
    }
}

/// An element or attribute name (or a namespace URI): an immutable string, cheap to clone.
///
/// Documents use a small vocabulary of names over and over, so the reader does not allocate them:
/// the names of EAD, Dublin Core, OAI-PMH and MARCXML are static strings, other names are shared
/// through a small cache. It reads as a `&str` (it dereferences to one) and compares with `&str`
/// and `String`.
#[derive(Clone)]
pub struct Name(Repr);

#[derive(Clone)]
enum Repr {
    Static(&'static str),
    Shared(Arc<str>),
}

impl Name {
    /// The name as a string slice.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Static(s) => s,
            Repr::Shared(s) => s,
        }
    }

    /// A name for `bytes` (invalid UTF-8 replaced), without allocating for a known name.
    fn from_bytes(bytes: &[u8]) -> Self {
        match known_name(bytes) {
            Some(s) => Self(Repr::Static(s)),
            None => Self(Repr::Shared(String::from_utf8_lossy(bytes).into())),
        }
    }
}

/// The names every reader meets all the time, as static strings.
fn known_name(bytes: &[u8]) -> Option<&'static str> {
    Some(match bytes {
        b"abbr" => "abbr",
        b"abstract" => "abstract",
        b"accessrestrict" => "accessrestrict",
        b"accruals" => "accruals",
        b"acqinfo" => "acqinfo",
        b"address" => "address",
        b"addressline" => "addressline",
        b"altformavail" => "altformavail",
        b"appraisal" => "appraisal",
        b"archdesc" => "archdesc",
        b"archdescgrp" => "archdescgrp",
        b"arc" => "arc",
        b"archref" => "archref",
        b"arrangement" => "arrangement",
        b"author" => "author",
        b"bibref" => "bibref",
        b"bibseries" => "bibseries",
        b"bibliography" => "bibliography",
        b"bioghist" => "bioghist",
        b"blockquote" => "blockquote",
        b"c" => "c",
        b"c01" => "c01",
        b"c02" => "c02",
        b"c03" => "c03",
        b"c04" => "c04",
        b"c05" => "c05",
        b"c06" => "c06",
        b"c07" => "c07",
        b"c08" => "c08",
        b"c09" => "c09",
        b"c10" => "c10",
        b"c11" => "c11",
        b"c12" => "c12",
        b"change" => "change",
        b"chronitem" => "chronitem",
        b"chronlist" => "chronlist",
        b"colspec" => "colspec",
        b"container" => "container",
        b"controlaccess" => "controlaccess",
        b"corpname" => "corpname",
        b"creation" => "creation",
        b"custodhist" => "custodhist",
        b"dao" => "dao",
        b"daodesc" => "daodesc",
        b"daogrp" => "daogrp",
        b"daoloc" => "daoloc",
        b"date" => "date",
        b"descgrp" => "descgrp",
        b"descrules" => "descrules",
        b"did" => "did",
        b"dimensions" => "dimensions",
        b"dsc" => "dsc",
        b"dscgrp" => "dscgrp",
        b"ead" => "ead",
        b"eadgrp" => "eadgrp",
        b"eadheader" => "eadheader",
        b"eadid" => "eadid",
        b"edition" => "edition",
        b"editionstmt" => "editionstmt",
        b"emph" => "emph",
        b"entry" => "entry",
        b"event" => "event",
        b"eventgrp" => "eventgrp",
        b"expan" => "expan",
        b"extent" => "extent",
        b"extptr" => "extptr",
        b"extptrloc" => "extptrloc",
        b"extref" => "extref",
        b"extrefloc" => "extrefloc",
        b"famname" => "famname",
        b"filedesc" => "filedesc",
        b"fileplan" => "fileplan",
        b"frontmatter" => "frontmatter",
        b"function" => "function",
        b"genreform" => "genreform",
        b"geogname" => "geogname",
        b"head" => "head",
        b"head01" => "head01",
        b"head02" => "head02",
        b"imprint" => "imprint",
        b"index" => "index",
        b"indexentry" => "indexentry",
        b"item" => "item",
        b"label" => "label",
        b"langmaterial" => "langmaterial",
        b"langusage" => "langusage",
        b"language" => "language",
        b"legalstatus" => "legalstatus",
        b"lb" => "lb",
        b"linkgrp" => "linkgrp",
        b"list" => "list",
        b"listhead" => "listhead",
        b"name" => "name",
        b"namegrp" => "namegrp",
        b"note" => "note",
        b"notestmt" => "notestmt",
        b"num" => "num",
        b"occupation" => "occupation",
        b"odd" => "odd",
        b"origination" => "origination",
        b"otherfindaid" => "otherfindaid",
        b"p" => "p",
        b"persname" => "persname",
        b"physdesc" => "physdesc",
        b"physfacet" => "physfacet",
        b"physloc" => "physloc",
        b"phystech" => "phystech",
        b"prefercite" => "prefercite",
        b"processinfo" => "processinfo",
        b"profiledesc" => "profiledesc",
        b"publicationstmt" => "publicationstmt",
        b"publisher" => "publisher",
        b"ptr" => "ptr",
        b"ptrgrp" => "ptrgrp",
        b"ptrloc" => "ptrloc",
        b"ref" => "ref",
        b"refloc" => "refloc",
        b"relatedmaterial" => "relatedmaterial",
        b"repository" => "repository",
        b"resource" => "resource",
        b"revisiondesc" => "revisiondesc",
        b"row" => "row",
        b"runner" => "runner",
        b"scopecontent" => "scopecontent",
        b"separatedmaterial" => "separatedmaterial",
        b"seriesstmt" => "seriesstmt",
        b"sponsor" => "sponsor",
        b"subarea" => "subarea",
        b"subject" => "subject",
        b"subtitle" => "subtitle",
        b"table" => "table",
        b"tbody" => "tbody",
        b"tgroup" => "tgroup",
        b"thead" => "thead",
        b"title" => "title",
        b"titlepage" => "titlepage",
        b"titleproper" => "titleproper",
        b"titlestmt" => "titlestmt",
        b"unitdate" => "unitdate",
        b"unitid" => "unitid",
        b"unittitle" => "unittitle",
        b"userestrict" => "userestrict",
        b"agencycode" => "agencycode",
        b"agencyname" => "agencyname",
        b"agent" => "agent",
        b"agenttype" => "agenttype",
        b"control" => "control",
        b"conventiondeclaration" => "conventiondeclaration",
        b"daoset" => "daoset",
        b"datesingle" => "datesingle",
        b"daterange" => "daterange",
        b"dateset" => "dateset",
        b"eventdatetime" => "eventdatetime",
        b"eventdescription" => "eventdescription",
        b"eventtype" => "eventtype",
        b"fromdate" => "fromdate",
        b"todate" => "todate",
        b"geographiccoordinates" => "geographiccoordinates",
        b"languagedeclaration" => "languagedeclaration",
        b"languageset" => "languageset",
        b"localcontrol" => "localcontrol",
        b"localtypedeclaration" => "localtypedeclaration",
        b"maintenanceagency" => "maintenanceagency",
        b"maintenanceevent" => "maintenanceevent",
        b"maintenancehistory" => "maintenancehistory",
        b"maintenancestatus" => "maintenancestatus",
        b"otherrecordid" => "otherrecordid",
        b"part" => "part",
        b"physdescset" => "physdescset",
        b"physdescstructured" => "physdescstructured",
        b"quantity" => "quantity",
        b"recordid" => "recordid",
        b"relation" => "relation",
        b"relations" => "relations",
        b"representation" => "representation",
        b"rightsdeclaration" => "rightsdeclaration",
        b"script" => "script",
        b"sources" => "sources",
        b"source" => "source",
        b"term" => "term",
        b"unitdatestructured" => "unitdatestructured",
        b"unittype" => "unittype",
        b"publicationstatus" => "publicationstatus",
        b"descriptivenote" => "descriptivenote",
        b"footnote" => "footnote",
        b"dc" => "dc",
        b"creator" => "creator",
        b"description" => "description",
        b"contributor" => "contributor",
        b"type" => "type",
        b"format" => "format",
        b"identifier" => "identifier",
        b"coverage" => "coverage",
        b"rights" => "rights",
        b"record" => "record",
        b"header" => "header",
        b"metadata" => "metadata",
        b"datestamp" => "datestamp",
        b"setSpec" => "setSpec",
        b"about" => "about",
        b"ListRecords" => "ListRecords",
        b"GetRecord" => "GetRecord",
        b"ListIdentifiers" => "ListIdentifiers",
        b"ListSets" => "ListSets",
        b"Identify" => "Identify",
        b"ListMetadataFormats" => "ListMetadataFormats",
        b"OAI-PMH" => "OAI-PMH",
        b"responseDate" => "responseDate",
        b"request" => "request",
        b"resumptionToken" => "resumptionToken",
        b"error" => "error",
        b"set" => "set",
        b"setName" => "setName",
        b"collection" => "collection",
        b"leader" => "leader",
        b"controlfield" => "controlfield",
        b"datafield" => "datafield",
        b"subfield" => "subfield",
        b"id" => "id",
        b"level" => "level",
        b"otherlevel" => "otherlevel",
        b"normal" => "normal",
        b"href" => "href",
        b"role" => "role",
        b"arcrole" => "arcrole",
        b"actuate" => "actuate",
        b"show" => "show",
        b"linktype" => "linktype",
        b"audience" => "audience",
        b"altrender" => "altrender",
        b"encodinganalog" => "encodinganalog",
        b"lang" => "lang",
        b"langcode" => "langcode",
        b"scriptcode" => "scriptcode",
        b"unit" => "unit",
        b"parent" => "parent",
        b"localtype" => "localtype",
        b"unitdatetype" => "unitdatetype",
        b"standarddate" => "standarddate",
        b"daotype" => "daotype",
        b"relator" => "relator",
        b"rules" => "rules",
        b"authfilenumber" => "authfilenumber",
        b"countrycode" => "countrycode",
        b"mainagencycode" => "mainagencycode",
        b"url" => "url",
        b"publicid" => "publicid",
        b"xmlns" => "xmlns",
        b"xlink" => "xlink",
        b"xsi" => "xsi",
        b"xml" => "xml",
        b"schemaLocation" => "schemaLocation",
        b"xml:lang" => "xml:lang",
        b"xlink:href" => "xlink:href",
        b"xlink:title" => "xlink:title",
        b"xlink:role" => "xlink:role",
        b"xlink:type" => "xlink:type",
        b"xlink:show" => "xlink:show",
        b"xlink:actuate" => "xlink:actuate",
        b"xsi:type" => "xsi:type",
        b"xsi:schemaLocation" => "xsi:schemaLocation",
        b"xmlns:xlink" => "xmlns:xlink",
        b"xmlns:xsi" => "xmlns:xsi",
        b"xmlns:dc" => "xmlns:dc",
        b"xmlns:oai_dc" => "xmlns:oai_dc",
        b"xmlns:dcterms" => "xmlns:dcterms",
        b"xmlns:ead" => "xmlns:ead",
        b"status" => "status",
        b"verb" => "verb",
        b"metadataPrefix" => "metadataPrefix",
        b"completeListSize" => "completeListSize",
        b"cursor" => "cursor",
        b"expirationDate" => "expirationDate",
        b"tag" => "tag",
        b"ind1" => "ind1",
        b"ind2" => "ind2",
        b"code" => "code",
        b"numeration" => "numeration",
        b"urn:isbn:1-931666-22-9" => "urn:isbn:1-931666-22-9",
        b"http://ead3.archivists.org/schema/" => "http://ead3.archivists.org/schema/",
        b"http://ead3.archivists.org/schema/undeprecated/" => {
            "http://ead3.archivists.org/schema/undeprecated/"
        }
        b"http://www.w3.org/1999/xlink" => "http://www.w3.org/1999/xlink",
        b"http://www.w3.org/2001/XMLSchema-instance" => "http://www.w3.org/2001/XMLSchema-instance",
        b"http://www.w3.org/XML/1998/namespace" => "http://www.w3.org/XML/1998/namespace",
        b"http://purl.org/dc/elements/1.1/" => "http://purl.org/dc/elements/1.1/",
        b"http://purl.org/dc/terms/" => "http://purl.org/dc/terms/",
        b"http://www.openarchives.org/OAI/2.0/" => "http://www.openarchives.org/OAI/2.0/",
        b"http://www.openarchives.org/OAI/2.0/oai_dc/" => {
            "http://www.openarchives.org/OAI/2.0/oai_dc/"
        }
        b"http://www.loc.gov/MARC21/slim" => "http://www.loc.gov/MARC21/slim",
        _ => return None,
    })
}

impl Default for Name {
    fn default() -> Self {
        Self(Repr::Static(""))
    }
}

impl PartialEq for Name {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Name {}

impl PartialOrd for Name {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Name {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl std::hash::Hash for Name {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl std::ops::Deref for Name {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Name {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl std::borrow::Borrow<str> for Name {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<&str> for Name {
    fn from(s: &str) -> Self {
        Self::from_bytes(s.as_bytes())
    }
}

impl From<String> for Name {
    fn from(s: String) -> Self {
        match known_name(s.as_bytes()) {
            Some(k) => Self(Repr::Static(k)),
            None => Self(Repr::Shared(s.into())),
        }
    }
}

impl From<Arc<str>> for Name {
    fn from(s: Arc<str>) -> Self {
        Self(Repr::Shared(s))
    }
}

impl From<Name> for String {
    fn from(n: Name) -> Self {
        n.as_str().to_string()
    }
}

impl From<&Name> for String {
    fn from(n: &Name) -> Self {
        n.as_str().to_string()
    }
}

impl From<Name> for Arc<str> {
    fn from(n: Name) -> Self {
        match n.0 {
            Repr::Static(s) => s.into(),
            Repr::Shared(s) => s,
        }
    }
}

macro_rules! name_eq {
    ($($t:ty),*) => {$(
        impl PartialEq<$t> for Name {
            fn eq(&self, other: &$t) -> bool {
                self.as_str() == &**other
            }
        }
        impl PartialEq<Name> for $t {
            fn eq(&self, other: &Name) -> bool {
                &**self == other.as_str()
            }
        }
    )*};
}
name_eq!(&str, String, Box<str>, Arc<str>);

impl PartialEq<str> for Name {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<Name> for str {
    fn eq(&self, other: &Name) -> bool {
        self == other.as_str()
    }
}

impl serde::Serialize for Name {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// Names met so far, so that a repeated name is shared rather than allocated again. A small
/// direct-mapped cache: bounded, whatever the document.
struct Interner {
    slots: Vec<Option<Name>>,
}

const INTERNER_SLOTS: usize = 512;
/// Longer names are not cached (a hostile document must not fill the cache with huge names).
const INTERNER_MAX_LEN: usize = 64;

impl Default for Interner {
    fn default() -> Self {
        Self {
            slots: vec![None; INTERNER_SLOTS],
        }
    }
}

impl Interner {
    /// The name for `bytes` (invalid UTF-8 replaced, as names are reported lossily).
    fn get(&mut self, bytes: &[u8]) -> Name {
        if bytes.len() > INTERNER_MAX_LEN {
            return Name::from_bytes(bytes);
        }
        let slot = &mut self.slots[name_hash(bytes) % INTERNER_SLOTS];
        match slot {
            Some(n) if n.as_bytes() == bytes => n.clone(),
            _ => {
                let n = Name::from_bytes(bytes);
                *slot = Some(n.clone());
                n
            }
        }
    }
}

/// A hash of a short name, eight bytes at a time (names are at most [`INTERNER_MAX_LEN`] bytes).
fn name_hash(bytes: &[u8]) -> usize {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut h = bytes.len() as u64;
    let mut words = bytes.chunks_exact(8);
    for w in &mut words {
        h = (h ^ u64::from_le_bytes(w.try_into().expect("8 bytes"))).wrapping_mul(K);
    }
    let mut last = 0u64;
    for &b in words.remainder() {
        last = last << 8 | u64::from(b);
    }
    h = (h ^ last).wrapping_mul(K);
    (h >> 32) as usize
}

/// An attribute of a start tag.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Attribute {
    /// The name as written, with its prefix (`xml:lang`, `xsi:type`).
    pub qname: Name,
    /// The local name (`lang`, `type`).
    pub local: Name,
    /// The resolved namespace URI, if the name has a bound prefix (shared, not copied per tag).
    pub ns: Option<Name>,
    /// The value, with entities and character references resolved.
    pub value: String,
}

/// A start tag (or an empty element, which is followed by its [`XmlEvent::End`]).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StartTag {
    /// Local name, without prefix.
    pub name: Name,
    /// Resolved namespace URI (shared, not copied per tag).
    pub ns: Option<Name>,
    /// Attributes in document order (namespace declarations included, as `xmlns` / `xmlns:x`).
    pub attrs: Vec<Attribute>,
    /// Where the tag starts.
    pub position: Position,
}

impl StartTag {
    /// The value of the first attribute with this local name (namespace-blind).
    pub fn attr(&self, local: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|a| a.local == local && !a.qname.starts_with("xmlns"))
            .map(|a| a.value.as_str())
    }
}

/// One event of the simplified stream.
#[derive(Debug, PartialEq, Eq)]
pub enum XmlEvent<'a> {
    /// An element starts.
    Start(&'a StartTag),
    /// An element ends (its local name).
    End(&'a str),
    /// Character data between two tags (merged text, CDATA and resolved references; not trimmed).
    Text(&'a str),
    /// The document is finished and well-formed.
    Eof,
}

/// Counts consumed bytes and remembers recent line starts, and caps how much one token may read.
struct Counting<R> {
    inner: R,
    consumed: u64,
    token_start: u64,
    max_token: u64,
    lines: u64,
    recent_newlines: VecDeque<u64>,
}

const NEWLINE_MEMORY: usize = 4096;

impl<R: BufRead> io::Read for Counting<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let buf = self.fill_buf()?;
        let n = buf.len().min(out.len());
        out[..n].copy_from_slice(&buf[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Counting<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.consumed - self.token_start > self.max_token {
            return Err(io::Error::other(TooLargeMarker));
        }
        // Hand out at most 256 KiB (and no more than the token limit) at a time, so that the
        // limit is checked before a token can grow past it, whatever the inner reader's buffer.
        let cap = usize::try_from(self.max_token.saturating_add(1))
            .unwrap_or(usize::MAX)
            .min(256 << 10);
        let buf = self.inner.fill_buf()?;
        Ok(&buf[..buf.len().min(cap)])
    }

    fn consume(&mut self, amt: usize) {
        if let Ok(buf) = self.inner.fill_buf() {
            let amt = amt.min(buf.len());
            let mut newline = |i: usize| {
                self.lines += 1;
                if self.recent_newlines.len() == NEWLINE_MEMORY {
                    self.recent_newlines.pop_front();
                }
                self.recent_newlines.push_back(self.consumed + i as u64);
            };
            if amt <= 64 {
                // Most tokens are short and hold no line break: a word-at-a-time check rules that
                // out before a plain loop (which beats setting up a vector search) records them.
                if has_newline(&buf[..amt]) {
                    for (i, _) in buf[..amt].iter().enumerate().filter(|(_, &b)| b == b'\n') {
                        newline(i);
                    }
                }
            } else {
                memchr::memchr_iter(b'\n', &buf[..amt]).for_each(newline);
            }
        }
        self.consumed += amt as u64;
        self.inner.consume(amt);
    }
}

/// Whether `bytes` holds a `\n`, eight bytes at a time (for the short slices where setting up
/// a vector search costs more than it saves).
fn has_newline(bytes: &[u8]) -> bool {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let mut words = bytes.chunks_exact(8);
    for w in &mut words {
        // Bytes equal to `\n` become zero; the classic test finds a zero byte without false
        // negatives, and a false positive only costs the exact loop of the caller.
        let x = u64::from_le_bytes(w.try_into().expect("8 bytes")) ^ (LO * u64::from(b'\n'));
        if x.wrapping_sub(LO) & !x & HI != 0 {
            return true;
        }
    }
    words.remainder().contains(&b'\n')
}

#[derive(Debug)]
struct TooLargeMarker;
impl fmt::Display for TooLargeMarker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("token too large")
    }
}
impl std::error::Error for TooLargeMarker {}

impl<R> Counting<R> {
    /// 1-based (line, column) of a byte offset at or before what was consumed.
    fn line_col(&self, offset: u64) -> (u64, u64) {
        let after = self
            .recent_newlines
            .iter()
            .rev()
            .take_while(|&&nl| nl >= offset)
            .count() as u64;
        let line = self.lines - after + 1;
        let line_start = self
            .recent_newlines
            .iter()
            .rev()
            .find(|&&nl| nl < offset)
            .map_or(0, |nl| nl + 1);
        (line, offset.saturating_sub(line_start) + 1)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pending {
    None,
    Start,
    End,
    Eof,
}

/// A streaming, hardened XML reader. See the module documentation.
///
/// ```
/// use crosswalk::xml::{XmlEvent, XmlReader};
/// let doc = r#"<dc xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title xml:lang="en">Fish &amp; chips</dc:title></dc>"#;
/// let mut r = XmlReader::new(doc.as_bytes());
/// let mut seen = Vec::new();
/// loop {
///     match r.next_event()? {
///         XmlEvent::Start(t) => seen.push(format!("<{} {:?}>", t.name, t.attr("lang"))),
///         XmlEvent::Text(s) => seen.push(s.to_string()),
///         XmlEvent::End(n) => seen.push(format!("</{n}>")),
///         XmlEvent::Eof => break,
///     }
/// }
/// assert_eq!(seen, ["<dc None>", "<title Some(\"en\")>", "Fish & chips", "</title>", "</dc>"]);
/// # Ok::<(), crosswalk::xml::XmlError>(())
/// ```
pub struct XmlReader<R: BufRead> {
    inner: Reader<Counting<R>>,
    /// Namespace bindings in scope, fed by [`fill_start`] as it reads the attributes (quick-xml's
    /// `NsReader` would scan every start tag's attributes a second time for declarations).
    resolver: NamespaceResolver,
    config: XmlConfig,
    source: Option<Arc<str>>,
    buf: Vec<u8>,
    text: String,
    text_start: u64,
    start: StartTag,
    end: Name,
    /// The names of the open elements.
    open: Vec<Name>,
    namespaces: Namespaces,
    names: Interner,
    scratch_nodes: Vec<Node>,
    scratch_open: Vec<(Element, usize)>,
    pending: Pending,
    depth: usize,
    failed: bool,
    seen_root: bool,
}

impl<R: BufRead> XmlReader<R> {
    /// A reader with the default limits.
    pub fn new(reader: R) -> Self {
        Self::with_config(reader, XmlConfig::default())
    }

    /// A reader with the given limits.
    pub fn with_config(reader: R, config: XmlConfig) -> Self {
        let counting = Counting {
            inner: reader,
            consumed: 0,
            token_start: 0,
            max_token: config.max_token_bytes as u64,
            lines: 0,
            recent_newlines: VecDeque::new(),
        };
        let mut inner = Reader::from_reader(counting);
        let c = inner.config_mut();
        c.expand_empty_elements = true;
        c.check_end_names = true;
        c.trim_text(false);
        Self {
            inner,
            resolver: NamespaceResolver::default(),
            config,
            source: None,
            buf: Vec::new(),
            text: String::new(),
            text_start: 0,
            start: StartTag::default(),
            end: Name::default(),
            open: Vec::new(),
            namespaces: Namespaces::default(),
            names: Interner::default(),
            scratch_nodes: Vec::new(),
            scratch_open: Vec::new(),
            pending: Pending::None,
            depth: 0,
            failed: false,
            seen_root: false,
        }
    }

    /// Names the input (a file path) for locations.
    pub fn with_source_name(mut self, name: impl Into<Arc<str>>) -> Self {
        self.source = Some(name.into());
        self
    }

    /// The input's name, if set.
    pub fn source_name(&self) -> Option<&Arc<str>> {
        self.source.as_ref()
    }

    /// Current nesting depth (0 outside the root element).
    pub fn depth(&self) -> usize {
        self.depth
    }

    /// The position (byte, line, column) of a byte offset already read.
    pub fn position_of(&self, byte: u64) -> Position {
        let (line, column) = self.inner.get_ref().line_col(byte);
        Position {
            record: 0,
            byte,
            line,
            column,
        }
    }

    /// The position the reader has reached.
    pub fn position(&self) -> Position {
        self.position_of(self.inner.buffer_position())
    }

    /// A location at `position`, for errors and diagnostics of callers.
    pub fn location(&self, position: Position) -> Location {
        Location {
            file: self.source.clone(),
            position,
            record_id: None,
            field: None,
        }
    }

    fn error_at(&mut self, byte: u64, kind: XmlErrorKind) -> XmlError {
        self.failed = true;
        XmlError::new(kind, self.location(self.position_of(byte)))
    }

    fn convert(&mut self, err: quick_xml::Error) -> XmlError {
        let at = self.inner.error_position();
        let kind = match err {
            quick_xml::Error::Io(e) => {
                if e.get_ref().is_some_and(|i| i.is::<TooLargeMarker>()) {
                    XmlErrorKind::TooLarge(self.config.max_token_bytes)
                } else {
                    XmlErrorKind::Io(e.to_string())
                }
            }
            quick_xml::Error::Encoding(e) => XmlErrorKind::Encoding(e.to_string()),
            quick_xml::Error::Escape(quick_xml::escape::EscapeError::UnrecognizedEntity(_, e)) => {
                XmlErrorKind::UnknownEntity(e)
            }
            quick_xml::Error::Syntax(e) if self.depth > 0 || !self.seen_root => {
                XmlErrorKind::UnexpectedEof(e.to_string())
            }
            other => XmlErrorKind::Syntax(other.to_string()),
        };
        self.error_at(at, kind)
    }

    /// Reads the next event. After an error, every further call returns an error too.
    pub fn next_event(&mut self) -> Result<XmlEvent<'_>, XmlError> {
        if self.failed {
            return Err(XmlError::new(
                XmlErrorKind::Syntax("the document already failed".into()),
                self.location(self.position()),
            ));
        }
        match std::mem::replace(&mut self.pending, Pending::None) {
            Pending::None => {}
            Pending::Start => return Ok(XmlEvent::Start(&self.start)),
            Pending::End => return Ok(XmlEvent::End(&self.end)),
            Pending::Eof => return Ok(XmlEvent::Eof),
        }
        self.text.clear();
        loop {
            let before = self.inner.buffer_position();
            self.inner.get_mut().token_start = before;
            self.buf.clear();
            // Namespaces are resolved below, for start tags only.
            let ev = match self.inner.read_event_into(&mut self.buf) {
                Ok(ev) => ev,
                Err(e) => return Err(self.convert(e)),
            };
            // `ev` borrows `self.buf` only: fields are used directly below, and errors are
            // raised once it is gone.
            let mut failure: Option<XmlErrorKind> = None;
            let got = match ev {
                Event::Text(t) => {
                    failure = push_text(
                        &mut self.text,
                        &mut self.text_start,
                        before,
                        t.xml_content(),
                    );
                    None
                }
                Event::CData(t) => {
                    failure = push_text(
                        &mut self.text,
                        &mut self.text_start,
                        before,
                        t.xml_content(),
                    );
                    None
                }
                Event::GeneralRef(r) => {
                    if self.text.is_empty() {
                        self.text_start = before;
                    }
                    let name = String::from_utf8_lossy(&r);
                    if r.is_char_ref() {
                        match r.resolve_char_ref() {
                            Ok(Some(c)) => self.text.push(c),
                            _ => {
                                failure = Some(XmlErrorKind::Syntax(format!(
                                    "invalid character reference &{name};"
                                )))
                            }
                        }
                    } else {
                        match quick_xml::escape::resolve_predefined_entity(&name) {
                            Some(s) => self.text.push_str(s),
                            None => failure = Some(XmlErrorKind::UnknownEntity(name.into_owned())),
                        }
                    }
                    None
                }
                Event::Start(s) => {
                    if self.depth >= self.config.max_depth {
                        failure = Some(XmlErrorKind::TooDeep(self.config.max_depth));
                    } else {
                        self.depth += 1;
                        self.seen_root = true;
                        // A new scope for the declarations `fill_start` finds.
                        self.resolver
                            .push(&BytesStart::new(""))
                            .expect("no attributes, no declarations");
                        if let Err(kind) = fill_start(
                            &mut self.resolver,
                            &s,
                            &mut self.namespaces,
                            &mut self.names,
                            &mut self.start,
                        ) {
                            failure = Some(kind);
                        } else {
                            self.open.push(self.start.name.clone());
                        }
                    }
                    Some(Pending::Start)
                }
                Event::End(e) => {
                    self.depth = self.depth.saturating_sub(1);
                    self.resolver.pop();
                    // End names are checked against their start tags: report the start's name.
                    self.end = match self.open.pop() {
                        Some(n) => n,
                        None => self.names.get(e.local_name().as_ref()),
                    };
                    Some(Pending::End)
                }
                Event::Eof => {
                    if self.depth > 0 {
                        failure = Some(XmlErrorKind::UnexpectedEof(format!(
                            "{} element(s) still open",
                            self.depth
                        )));
                    } else if !self.seen_root {
                        failure = Some(XmlErrorKind::UnexpectedEof("no root element".into()));
                    }
                    Some(Pending::Eof)
                }
                Event::Empty(_) => unreachable!("expand_empty_elements is on"),
                Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => None,
            };
            if let Some(kind) = failure {
                return Err(self.error_at(before, kind));
            }
            if got == Some(Pending::Start) {
                self.start.position = self.position_of(before);
            }
            if self.text.len() > self.config.max_text_bytes {
                return Err(self.error_at(
                    self.text_start,
                    XmlErrorKind::TooLarge(self.config.max_text_bytes),
                ));
            }
            if let Some(p) = got {
                if self.text.is_empty() {
                    return Ok(match p {
                        Pending::Start => XmlEvent::Start(&self.start),
                        Pending::End => XmlEvent::End(&self.end),
                        _ => XmlEvent::Eof,
                    });
                }
                self.pending = p;
                return Ok(XmlEvent::Text(&self.text));
            }
        }
    }

    /// Moves out the start tag [`XmlEvent::Start`] just returned, for a caller that keeps it: no
    /// copy of its attributes, unlike a clone. Call it only right after that event.
    pub fn take_start(&mut self) -> StartTag {
        std::mem::take(&mut self.start)
    }

    /// Reads the rest of the element whose start tag was just returned into an owned tree
    /// (depth and size limits still apply).
    pub fn read_element(&mut self, start: StartTag) -> Result<Element, XmlError> {
        // Children are collected on one scratch list and moved into a vector of the right size
        // when their element ends: one allocation per element with children, no regrowth.
        let mut nodes = std::mem::take(&mut self.scratch_nodes);
        let mut open = std::mem::take(&mut self.scratch_open);
        nodes.clear();
        open.clear();
        open.push((Element::from_start(start), 0));
        let result = loop {
            match self.next_event() {
                Ok(XmlEvent::Start(_)) => {
                    open.push((Element::from_start(self.take_start()), nodes.len()));
                }
                Ok(XmlEvent::Text(s)) => nodes.push(Node::Text(s.to_string())),
                Ok(XmlEvent::End(_)) => {
                    let (mut done, from) = open.pop().expect("never empty here");
                    done.children = nodes.drain(from..).collect();
                    if open.is_empty() {
                        break Ok(done);
                    }
                    nodes.push(Node::Element(done));
                }
                Ok(XmlEvent::Eof) => {
                    let at = self.inner.buffer_position();
                    break Err(
                        self.error_at(at, XmlErrorKind::UnexpectedEof("inside an element".into()))
                    );
                }
                Err(e) => break Err(e),
            }
        };
        nodes.clear();
        open.clear();
        // Keep the scratch lists unless one grew unusually large.
        if nodes.capacity() <= 4096 && open.capacity() <= 256 {
            self.scratch_nodes = nodes;
            self.scratch_open = open;
        }
        result
    }

    /// Skips the rest of the element whose start tag was just returned.
    pub fn skip_element(&mut self) -> Result<(), XmlError> {
        let target = self.depth - 1;
        loop {
            let (end, eof) = match self.next_event()? {
                XmlEvent::End(_) => (true, false),
                XmlEvent::Eof => (false, true),
                _ => (false, false),
            };
            match (end, eof) {
                (true, _) if self.depth == target => return Ok(()),
                (_, true) => {
                    let at = self.inner.buffer_position();
                    return Err(
                        self.error_at(at, XmlErrorKind::UnexpectedEof("inside an element".into()))
                    );
                }
                _ => {}
            }
        }
    }
}

/// The namespace URIs met so far, each allocated once and shared by every tag that uses it.
#[derive(Default)]
struct Namespaces(Vec<Name>);

impl Namespaces {
    fn get(&mut self, uri: &[u8]) -> Name {
        if let Some(n) = self.0.iter().rev().find(|n| n.as_bytes() == uri) {
            return n.clone();
        }
        let n = Name::from_bytes(uri);
        // A document declaring unboundedly many namespaces must not grow this list forever.
        if self.0.len() >= 64 {
            self.0.remove(0);
        }
        self.0.push(n.clone());
        n
    }
}

/// Appends character data to the text gathered since the last tag (noting where it started).
fn push_text(
    text: &mut String,
    text_start: &mut u64,
    at: u64,
    content: Result<Cow<'_, str>, quick_xml::encoding::EncodingError>,
) -> Option<XmlErrorKind> {
    if text.is_empty() {
        *text_start = at;
    }
    match content {
        Ok(s) => {
            text.push_str(&s);
            None
        }
        Err(e) => Some(XmlErrorKind::Encoding(e.to_string())),
    }
}

/// Fills `out` from a start tag: names interned, attribute values unescaped, namespace
/// declarations added to `resolver` (whose scope for this tag is open) and names resolved.
fn fill_start(
    resolver: &mut NamespaceResolver,
    s: &BytesStart<'_>,
    namespaces: &mut Namespaces,
    names: &mut Interner,
    out: &mut StartTag,
) -> Result<(), XmlErrorKind> {
    // Names are interned and attribute values overwritten in place, so a steady stream of tags
    // allocates nothing.
    out.name = names.get(s.local_name().as_ref());
    let mut n = 0;
    // The first attribute value that cannot be unescaped. A bad namespace declaration further on
    // is reported first, and a malformed attribute further on after it: the order of the errors
    // when declarations were collected in a pass of their own before the values were read.
    let mut bad_value: Option<XmlErrorKind> = None;
    // Whether a declaration follows a prefixed attribute (which was resolved too early, then).
    let mut prefixed = false;
    let mut late_declaration = false;
    // Duplicate attributes are checked below without the allocation quick-xml's own check makes.
    let mut attributes = s.attributes();
    attributes.with_checks(false);
    for attr in attributes {
        let attr = match attr {
            Ok(a) => a,
            Err(e) => return Err(bad_value.unwrap_or(XmlErrorKind::Syntax(e.to_string()))),
        };
        if let Some(declaration) = attr.key.as_namespace_binding() {
            resolver
                .add(declaration, Namespace(&attr.value))
                .map_err(|e| XmlErrorKind::Syntax(quick_xml::Error::Namespace(e).to_string()))?;
            late_declaration |= prefixed;
        }
        if bad_value.is_some() {
            continue;
        }
        let value = match attr.unescape_value() {
            Ok(v) => v,
            Err(e) => {
                bad_value = Some(match e {
                    quick_xml::Error::Escape(
                        quick_xml::escape::EscapeError::UnrecognizedEntity(_, e),
                    ) => XmlErrorKind::UnknownEntity(e),
                    other => XmlErrorKind::Syntax(other.to_string()),
                });
                continue;
            }
        };
        if n == out.attrs.len() {
            out.attrs.push(Attribute::default());
        }
        let a = &mut out.attrs[n];
        n += 1;
        a.qname = names.get(attr.key.as_ref());
        a.ns = None;
        a.local = if attr.key.prefix().is_none() {
            // Unprefixed attributes are in no namespace.
            a.qname.clone()
        } else {
            // `xml:` and `xmlns:` cannot be bound by a declaration: no need to look again.
            prefixed |= !matches!(
                attr.key.prefix().map(|p| p.into_inner()),
                Some(b"xml" | b"xmlns")
            );
            a.ns = resolved(namespaces, resolver.resolve_attribute(attr.key).0);
            names.get(attr.key.local_name().as_ref())
        };
        if a.value.capacity() == 0 {
            // A fresh attribute (the last start tag was moved out): one allocation of the right
            // size, or none when unescaping already made the string.
            a.value = value.into_owned();
        } else {
            a.value.clear();
            a.value.push_str(&value);
        }
    }
    if let Some(kind) = bad_value {
        return Err(kind);
    }
    out.attrs.truncate(n);
    if late_declaration {
        // Rare: resolve the prefixed attributes again, now that all declarations are in.
        let mut again = s.attributes();
        again.with_checks(false);
        for (a, attr) in out.attrs.iter_mut().zip(again.filter_map(Result::ok)) {
            if attr.key.prefix().is_some() {
                a.ns = resolved(namespaces, resolver.resolve_attribute(attr.key).0);
            }
        }
    }
    out.ns = resolved(namespaces, resolver.resolve_element(s.name()).0);
    for (i, a) in out.attrs.iter().enumerate() {
        if out.attrs[..i].iter().any(|b| b.qname == a.qname) {
            return Err(XmlErrorKind::Syntax(format!(
                "duplicate attribute {:?} in <{}>",
                a.qname.as_str(),
                out.name.as_str()
            )));
        }
    }
    Ok(())
}

/// The shared namespace name of a resolution, if the name is bound.
fn resolved(namespaces: &mut Namespaces, res: ResolveResult<'_>) -> Option<Name> {
    match res {
        ResolveResult::Bound(u) => Some(namespaces.get(u.0)),
        _ => None,
    }
}

/// An owned element subtree, for records small enough to hold (a DC record, one EAD component's
/// own description).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Element {
    /// Local name.
    pub name: Name,
    /// Namespace URI.
    pub ns: Option<Name>,
    /// Attributes.
    pub attrs: Vec<Attribute>,
    /// Child elements and text, in document order.
    pub children: Vec<Node>,
    /// Where the start tag is.
    pub position: Position,
}

/// A child of an [`Element`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// A child element.
    Element(Element),
    /// Character data.
    Text(String),
}

impl Element {
    /// An element with no children from its start tag.
    pub fn from_start(start: StartTag) -> Self {
        Self {
            name: start.name,
            ns: start.ns,
            attrs: start.attrs,
            children: Vec::new(),
            position: start.position,
        }
    }

    /// The value of the first attribute with this local name (namespace declarations excluded).
    pub fn attr(&self, local: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|a| a.local == local && !a.qname.starts_with("xmlns"))
            .map(|a| a.value.as_str())
    }

    /// Child elements.
    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
    }

    /// Child elements with this local name.
    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.elements().filter(move |e| e.name == name)
    }

    /// The first child element with this local name.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.elements().find(|e| e.name == name)
    }

    /// Appends this element as XML text: namespace declared where it changes from the parent's,
    /// attributes in document order, text escaped. Deterministic for equal elements (checksums,
    /// quarantine files, source displays).
    pub fn write_xml(&self, out: &mut String) {
        self.write_xml_in(out, None);
    }

    fn write_xml_in(&self, out: &mut String, parent_ns: Option<&str>) {
        let ns = self.ns.as_ref().map(Name::as_str);
        out.push('<');
        out.push_str(self.name.as_str());
        if ns != parent_ns {
            out.push_str(" xmlns=\"");
            escape_into(out, ns.unwrap_or(""));
            out.push('"');
        }
        for a in &self.attrs {
            if a.qname.as_str() == "xmlns" {
                continue;
            }
            out.push(' ');
            out.push_str(a.qname.as_str());
            out.push_str("=\"");
            escape_into(out, &a.value);
            out.push('"');
        }
        if self.children.is_empty() {
            out.push_str("/>");
            return;
        }
        out.push('>');
        for child in &self.children {
            match child {
                Node::Text(t) => escape_into(out, t),
                Node::Element(e) => e.write_xml_in(out, ns),
            }
        }
        out.push_str("</");
        out.push_str(self.name.as_str());
        out.push('>');
    }

    /// All text below this element, with whitespace normalised (runs of white space become one
    /// space; leading and trailing space removed), as `normalize-space()` does.
    pub fn text(&self) -> String {
        match self.children.as_slice() {
            // The common leaf: one text node, normalised straight into its own string.
            [Node::Text(t)] => normalize_space(t).into_owned(),
            [] => String::new(),
            _ => TextSink::collect(|sink| self.push_text(sink)),
        }
    }

    /// Appends this element's text to `sink` (normalised as it goes, no intermediate string).
    pub(crate) fn push_text(&self, sink: &mut TextSink<'_>) {
        for child in &self.children {
            match child {
                Node::Text(t) => sink.push(t),
                Node::Element(e) if is_block(&e.name) => {
                    // Block-level children are separated from their neighbours; inline ones
                    // (persname, emph, title) are not.
                    sink.space();
                    e.push_text(sink);
                    sink.space();
                }
                Node::Element(e) => e.push_text(sink),
            }
        }
    }
}

/// Writes text with XML white space normalised on the fly: runs of space, tab, CR and LF become
/// one space, and none is written at the start or the end — the same as [`normalize_space`] of
/// everything pushed.
pub(crate) struct TextSink<'a> {
    out: &'a mut String,
    space: bool,
}

impl TextSink<'_> {
    /// The text `fill` pushes, collected in a reused buffer and returned in a string of the right
    /// size.
    pub(crate) fn collect(fill: impl FnOnce(&mut TextSink<'_>)) -> String {
        thread_local! {
            static SCRATCH: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
        }
        SCRATCH.with(|scratch| match scratch.try_borrow_mut() {
            Ok(mut buf) => {
                buf.clear();
                fill(&mut TextSink::new(&mut buf));
                let out = buf.as_str().to_owned();
                if buf.capacity() > 1 << 16 {
                    *buf = String::new();
                }
                out
            }
            Err(_) => {
                let mut out = String::new();
                fill(&mut TextSink::new(&mut out));
                out
            }
        })
    }
}

impl<'a> TextSink<'a> {
    /// A sink appending to `out` (which should be empty, or end with non-space).
    pub(crate) fn new(out: &'a mut String) -> Self {
        Self { out, space: false }
    }

    /// Separates what comes next from what came before by white space.
    pub(crate) fn space(&mut self) {
        self.space = true;
    }

    /// Appends `s`.
    pub(crate) fn push(&mut self, s: &str) {
        let is_ws = |b: &u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
        let bytes = s.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if is_ws(&bytes[i]) {
                self.space = true;
                i += 1;
                continue;
            }
            let run = bytes[i..]
                .iter()
                .position(is_ws)
                .map_or(bytes.len(), |n| i + n);
            if self.space && !self.out.is_empty() {
                self.out.push(' ');
            }
            self.space = false;
            // Both ends are at ASCII white space or at the ends of `s`: character boundaries.
            self.out.push_str(&s[i..run]);
            i = run;
        }
    }
}

/// Elements whose text is a block of its own in mixed content (EAD and common prose markup).
fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "head"
            | "item"
            | "list"
            | "chronitem"
            | "chronlist"
            | "defitem"
            | "label"
            | "table"
            | "row"
            | "entry"
            | "blockquote"
            | "lb"
            | "note"
            | "address"
            | "addressline"
            | "div"
            | "br"
            | "li"
    )
}

/// Collapses runs of XML white space (space, tab, CR, LF) into one space and trims both ends.
///
/// ```
/// assert_eq!(crosswalk::xml::normalize_space("  a \n\t b  "), "a b");
/// ```
pub fn normalize_space(s: &str) -> Cow<'_, str> {
    let is_ws = |c: char| matches!(c, ' ' | '\t' | '\r' | '\n');
    let trimmed = s.trim_matches(is_ws);
    // One pass: a tab, CR or LF, or two spaces in a row, need rewriting.
    let mut space = false;
    let needs = trimmed.bytes().any(|b| {
        let twice = space && b == b' ';
        space = b == b' ';
        twice || matches!(b, b'\t' | b'\r' | b'\n')
    });
    if !needs {
        return Cow::Borrowed(trimmed);
    }
    let mut out = String::with_capacity(trimmed.len());
    let mut in_ws = false;
    for c in trimmed.chars() {
        if is_ws(c) {
            in_ws = true;
        } else {
            if in_ws {
                out.push(' ');
                in_ws = false;
            }
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Appends `text` with `&`, `<`, `>` and `"` escaped.
fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(doc: &str) -> Result<Vec<String>, XmlError> {
        let mut r = XmlReader::new(doc.as_bytes());
        let mut out = Vec::new();
        loop {
            match r.next_event()? {
                XmlEvent::Start(t) => out.push(format!("<{}>", t.name)),
                XmlEvent::End(n) => out.push(format!("</{n}>")),
                XmlEvent::Text(t) => out.push(t.to_string()),
                XmlEvent::Eof => return Ok(out),
            }
        }
    }

    #[test]
    fn merges_text_and_references() {
        let ev = events("<a>x &lt;&#65;&#x42;<![CDATA[<c>]]> y<b/></a>").unwrap();
        assert_eq!(ev, ["<a>", "x <AB<c> y", "<b>", "</b>", "</a>"]);
    }

    #[test]
    fn unknown_entity_is_located() {
        let err = events("<a>\n  &foo;</a>").unwrap_err();
        assert_eq!(*err.kind(), XmlErrorKind::UnknownEntity("foo".into()));
        assert_eq!(
            (err.location().position.line, err.location().position.column),
            (2, 3)
        );
    }

    #[test]
    fn billion_laughs_and_xxe_fail_without_expansion() {
        let lol = r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><lolz>&lol2;</lolz>"#;
        assert!(
            matches!(events(lol).unwrap_err().kind(), XmlErrorKind::UnknownEntity(e) if e == "lol2")
        );
        let xxe = r#"<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>"#;
        assert!(
            matches!(events(xxe).unwrap_err().kind(), XmlErrorKind::UnknownEntity(e) if e == "x")
        );
        let attr = r#"<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r a="&x;"/>"#;
        assert!(matches!(
            events(attr).unwrap_err().kind(),
            XmlErrorKind::UnknownEntity(_)
        ));
    }

    #[test]
    fn depth_and_size_limits() {
        let deep = "<a>".repeat(5000);
        assert_eq!(
            *events(&deep).unwrap_err().kind(),
            XmlErrorKind::TooDeep(1000)
        );
        let cfg = XmlConfig {
            max_token_bytes: 1000,
            ..XmlConfig::default()
        };
        let big = format!("<a b=\"{}\"/>", "x".repeat(100_000));
        let mut r = XmlReader::with_config(big.as_bytes(), cfg);
        let err = r.next_event().map(|_| ()).unwrap_err();
        assert_eq!(*err.kind(), XmlErrorKind::TooLarge(1000));
    }

    #[test]
    fn duplicate_attributes_are_an_error() {
        let err = events("<a>\n<b x='1' y='2' x='3'/></a>").unwrap_err();
        assert!(
            matches!(err.kind(), XmlErrorKind::Syntax(m) if m.contains("duplicate attribute \"x\"")),
            "{err}"
        );
        assert_eq!(err.location().position.line, 2);
        assert!(events("<a x='1' y='2'/>").is_ok());
    }

    #[test]
    fn mismatched_and_truncated() {
        let err = events("<a>\n<b></c></a>").unwrap_err();
        assert!(matches!(*err.kind(), XmlErrorKind::Syntax(_)), "{err}");
        assert_eq!(err.location().position.line, 2);
        let err = events("<a><b>text").unwrap_err();
        assert!(
            matches!(*err.kind(), XmlErrorKind::UnexpectedEof(_)),
            "{err}"
        );
        assert!(events("").is_err());
    }

    #[test]
    fn element_tree_and_text() {
        let doc = "<did><unittitle>Papers of <persname>Jane  Doe</persname>,\n 1900</unittitle><unitdate normal=\"1900/1950\">1900-1950</unitdate></did>";
        let mut r = XmlReader::new(doc.as_bytes());
        let XmlEvent::Start(t) = r.next_event().unwrap() else {
            panic!()
        };
        let t = t.clone();
        let did = r.read_element(t).unwrap();
        assert_eq!(
            did.child("unittitle").unwrap().text(),
            "Papers of Jane Doe, 1900"
        );
        assert_eq!(
            did.child("unitdate").unwrap().attr("normal"),
            Some("1900/1950")
        );
        assert_eq!(r.next_event().unwrap(), XmlEvent::Eof);
    }

    /// Every start tag in `doc` as `ns|name` and its attributes as `ns|qname=value`.
    fn resolved_tags(doc: &str) -> Result<Vec<String>, XmlError> {
        let mut r = XmlReader::new(doc.as_bytes());
        let mut out = Vec::new();
        loop {
            match r.next_event()? {
                XmlEvent::Start(t) => {
                    let ns = |n: &Option<Name>| n.as_deref().unwrap_or("-").to_string();
                    let mut line = format!("{}|{}", ns(&t.ns), t.name);
                    for a in &t.attrs {
                        line += &format!(" {}|{}={}", ns(&a.ns), a.qname, a.value);
                    }
                    out.push(line);
                }
                XmlEvent::Eof => return Ok(out),
                _ => {}
            }
        }
    }

    #[test]
    fn namespaces_resolve_in_scope_and_in_the_same_tag() {
        let doc = r#"<r xmlns="d"><p:a p:x="1" xmlns:p="P" y="2" xml:lang="en"><b xmlns=""/><p:c xmlns:p="Q" p:z="3"/></p:a><e/></r>"#;
        assert_eq!(
            resolved_tags(doc).unwrap(),
            [
                "d|r -|xmlns=d",
                "P|a P|p:x=1 http://www.w3.org/2000/xmlns/|xmlns:p=P -|y=2 http://www.w3.org/XML/1998/namespace|xml:lang=en",
                "-|b -|xmlns=",
                "Q|c http://www.w3.org/2000/xmlns/|xmlns:p=Q Q|p:z=3",
                "d|e",
            ]
        );
        // An undeclared prefix is no namespace.
        assert_eq!(resolved_tags("<u:a u:b='1'/>").unwrap(), ["-|a -|u:b=1"]);
        // Reserved prefixes cannot be rebound; the error names the prefix.
        for doc in [
            r#"<a xmlns:xml="other"/>"#,
            r#"<a xmlns:xmlns="x"/>"#,
            r#"<a xmlns:p="http://www.w3.org/XML/1998/namespace"/>"#,
        ] {
            let e = resolved_tags(doc).unwrap_err();
            assert_eq!(e.kind().name(), "xml-syntax", "{doc}: {e}");
        }
    }

    #[test]
    fn newline_check_has_no_false_negatives() {
        let mut bytes = vec![b'a'; 70];
        assert!(!has_newline(&bytes));
        for i in 0..bytes.len() {
            bytes[i] = b'\n';
            assert!(has_newline(&bytes[..=i]) && has_newline(&bytes[i..]), "{i}");
            bytes[i] = 0x8a;
            assert!(!has_newline(&bytes), "{i}");
            bytes[i] = b'a';
        }
    }
}
