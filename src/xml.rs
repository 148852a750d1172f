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

use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;

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

/// An attribute of a start tag.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Attribute {
    /// The name as written, with its prefix (`xml:lang`, `xsi:type`).
    pub qname: String,
    /// The local name (`lang`, `type`).
    pub local: String,
    /// The resolved namespace URI, if the name has a bound prefix (shared, not copied per tag).
    pub ns: Option<Arc<str>>,
    /// The value, with entities and character references resolved.
    pub value: String,
}

/// A start tag (or an empty element, which is followed by its [`XmlEvent::End`]).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StartTag {
    /// Local name, without prefix.
    pub name: String,
    /// Resolved namespace URI (shared, not copied per tag).
    pub ns: Option<Arc<str>>,
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
        // Hand out at most 64 KiB at a time so that the token limit is checked often, whatever
        // the inner reader's buffer size.
        let buf = self.inner.fill_buf()?;
        Ok(&buf[..buf.len().min(64 << 10)])
    }

    fn consume(&mut self, amt: usize) {
        if let Ok(buf) = self.inner.fill_buf() {
            let amt = amt.min(buf.len());
            for i in memchr::memchr_iter(b'\n', &buf[..amt]) {
                self.lines += 1;
                if self.recent_newlines.len() == NEWLINE_MEMORY {
                    self.recent_newlines.pop_front();
                }
                self.recent_newlines.push_back(self.consumed + i as u64);
            }
        }
        self.consumed += amt as u64;
        self.inner.consume(amt);
    }
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
    inner: NsReader<Counting<R>>,
    config: XmlConfig,
    source: Option<Arc<str>>,
    buf: Vec<u8>,
    text: String,
    text_start: u64,
    start: StartTag,
    end: String,
    ns_buf: String,
    ns_bound: bool,
    namespaces: Namespaces,
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
        let mut inner = NsReader::from_reader(counting);
        let c = inner.config_mut();
        c.expand_empty_elements = true;
        c.check_end_names = true;
        c.trim_text(false);
        Self {
            inner,
            config,
            source: None,
            buf: Vec::new(),
            text: String::new(),
            text_start: 0,
            start: StartTag::default(),
            end: String::new(),
            ns_buf: String::new(),
            ns_bound: false,
            namespaces: Namespaces::default(),
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
            let ev = match self.inner.read_resolved_event_into(&mut self.buf) {
                Ok((ns, ev)) => {
                    self.ns_buf.clear();
                    self.ns_bound = match ns {
                        ResolveResult::Bound(n) => {
                            push_lossy(&mut self.ns_buf, n.0);
                            true
                        }
                        _ => false,
                    };
                    ev
                }
                Err(e) => return Err(self.convert(e)),
            };
            // `ev` borrows `self.buf` only: fields are used directly below, and errors are
            // raised once it is gone.
            let mut failure: Option<XmlErrorKind> = None;
            let got = match ev {
                Event::Text(t) => {
                    if self.text.is_empty() {
                        self.text_start = before;
                    }
                    match t.xml_content() {
                        Ok(s) => self.text.push_str(&s),
                        Err(e) => failure = Some(XmlErrorKind::Encoding(e.to_string())),
                    }
                    None
                }
                Event::CData(t) => {
                    if self.text.is_empty() {
                        self.text_start = before;
                    }
                    match t.xml_content() {
                        Ok(s) => self.text.push_str(&s),
                        Err(e) => failure = Some(XmlErrorKind::Encoding(e.to_string())),
                    }
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
                        let ns = self.ns_bound.then(|| self.namespaces.get(&self.ns_buf));
                        if let Err(kind) =
                            fill_start(&self.inner, &s, ns, &mut self.namespaces, &mut self.start)
                        {
                            failure = Some(kind);
                        }
                    }
                    Some(Pending::Start)
                }
                Event::End(e) => {
                    self.depth = self.depth.saturating_sub(1);
                    self.end.clear();
                    push_lossy(&mut self.end, e.local_name().as_ref());
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

    /// Reads the rest of the element whose start tag was just returned into an owned tree
    /// (depth and size limits still apply).
    pub fn read_element(&mut self, start: StartTag) -> Result<Element, XmlError> {
        let mut stack = vec![Element::from_start(start)];
        loop {
            match self.next_event()? {
                XmlEvent::Start(t) => stack.push(Element::from_start(t.clone())),
                XmlEvent::Text(s) => {
                    let s = s.to_string();
                    if let Some(top) = stack.last_mut() {
                        top.children.push(Node::Text(s));
                    }
                }
                XmlEvent::End(_) => {
                    let done = stack.pop().expect("stack is never empty here");
                    match stack.last_mut() {
                        Some(parent) => parent.children.push(Node::Element(done)),
                        None => return Ok(done),
                    }
                }
                XmlEvent::Eof => {
                    let at = self.inner.buffer_position();
                    return Err(
                        self.error_at(at, XmlErrorKind::UnexpectedEof("inside an element".into()))
                    );
                }
            }
        }
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
struct Namespaces(Vec<Arc<str>>);

impl Namespaces {
    fn get(&mut self, uri: &str) -> Arc<str> {
        if let Some(n) = self.0.iter().rev().find(|n| ***n == *uri) {
            return n.clone();
        }
        let n: Arc<str> = uri.into();
        // A document declaring unboundedly many namespaces must not grow this list forever.
        if self.0.len() >= 64 {
            self.0.remove(0);
        }
        self.0.push(n.clone());
        n
    }
}

fn fill_start<R>(
    reader: &NsReader<R>,
    s: &quick_xml::events::BytesStart<'_>,
    ns: Option<Arc<str>>,
    namespaces: &mut Namespaces,
    out: &mut StartTag,
) -> Result<(), XmlErrorKind> {
    // Every string of `out` is overwritten in place, so a steady stream of tags allocates nothing.
    out.name.clear();
    push_lossy(&mut out.name, s.local_name().as_ref());
    out.ns = ns;
    let mut n = 0;
    for attr in s.attributes() {
        let attr = attr.map_err(|e| XmlErrorKind::Syntax(e.to_string()))?;
        let value = attr.unescape_value().map_err(|e| match e {
            quick_xml::Error::Escape(quick_xml::escape::EscapeError::UnrecognizedEntity(_, e)) => {
                XmlErrorKind::UnknownEntity(e)
            }
            other => XmlErrorKind::Syntax(other.to_string()),
        })?;
        let (res, local) = reader.resolve_attribute(attr.key);
        if n == out.attrs.len() {
            out.attrs.push(Attribute::default());
        }
        let a = &mut out.attrs[n];
        n += 1;
        a.qname.clear();
        push_lossy(&mut a.qname, attr.key.as_ref());
        a.local.clear();
        push_lossy(&mut a.local, local.as_ref());
        a.ns = match res {
            ResolveResult::Bound(u) => Some(namespaces.get(&String::from_utf8_lossy(u.0))),
            _ => None,
        };
        a.value.clear();
        a.value.push_str(&value);
    }
    out.attrs.truncate(n);
    Ok(())
}

fn push_lossy(out: &mut String, bytes: &[u8]) {
    match std::str::from_utf8(bytes) {
        Ok(s) => out.push_str(s),
        Err(_) => out.push_str(&String::from_utf8_lossy(bytes)),
    }
}

/// An owned element subtree, for records small enough to hold (a DC record, one EAD component's
/// own description).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Element {
    /// Local name.
    pub name: String,
    /// Namespace URI.
    pub ns: Option<Arc<str>>,
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

    /// All text below this element, with whitespace normalised (runs of white space become one
    /// space; leading and trailing space removed), as `normalize-space()` does.
    pub fn text(&self) -> String {
        let mut raw = String::new();
        self.collect_text(&mut raw);
        normalize_space(&raw).into_owned()
    }

    fn collect_text(&self, out: &mut String) {
        for child in &self.children {
            match child {
                Node::Text(t) => out.push_str(t),
                Node::Element(e) if is_block(&e.name) => {
                    // Block-level children are separated from their neighbours; inline ones
                    // (persname, emph, title) are not.
                    out.push(' ');
                    e.collect_text(out);
                    out.push(' ');
                }
                Node::Element(e) => e.collect_text(out),
            }
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
    let needs = trimmed.as_bytes().windows(2).any(|w| {
        matches!(w[0], b' ' | b'\t' | b'\r' | b'\n') && matches!(w[1], b' ' | b'\t' | b'\r' | b'\n')
    }) || trimmed.contains(['\t', '\r', '\n']);
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
}
