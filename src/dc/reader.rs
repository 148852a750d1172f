//! The streaming reader.

use std::io::BufRead;
use std::sync::Arc;

use super::record::{
    extract_values, find_dc_root, has_dc_children, is_dc_container_name, is_lang, parse_header,
    take_at, Bindings, DiagContext, Record,
};
use super::{ns, Error};
use crate::diagnostic::{Diagnostic, Location, Position, Severity};
use crate::xml::{Element, Node, StartTag, XmlConfig, XmlError, XmlErrorKind, XmlEvent, XmlReader};

/// An OAI-PMH `resumptionToken`: exposed, never fetched.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResumptionToken {
    /// The token (empty: the list is complete).
    pub token: String,
    /// `completeListSize`, when given and numeric.
    pub complete_list_size: Option<u64>,
    /// `cursor`, when given and numeric.
    pub cursor: Option<u64>,
    /// `expirationDate`, as written.
    pub expiration_date: Option<String>,
    /// Where the element starts.
    pub position: Position,
}

/// An OAI-PMH `<error code="...">` in a response.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OaiError {
    /// The `code` attribute (`noRecordsMatch`, `badArgument`, `cannotDisseminateFormat`...).
    pub code: String,
    /// The element's text.
    pub message: String,
    /// Where the element starts.
    pub position: Position,
}

/// What the reader learnt about the OAI-PMH response, outside the records. Complete once the
/// reader has reached the end of the file (the `resumptionToken` comes after the records).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Response {
    /// Whether the root element is `OAI-PMH`.
    pub is_oai: bool,
    /// The verb element found (`ListRecords`, `GetRecord`, `Identify`, ...).
    pub verb: Option<String>,
    /// `<responseDate>`.
    pub response_date: Option<String>,
    /// `<request>`: the base URL, as written.
    pub request: Option<String>,
    /// The `resumptionToken`, if any.
    pub resumption_token: Option<ResumptionToken>,
    /// OAI-PMH errors (`<error code=..>`).
    pub errors: Vec<OaiError>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    OaiRoot,
    RecordList,
    Other,
}

#[derive(Debug)]
struct Frame {
    start: StartTag,
    ns_mark: usize,
    lang_mark: usize,
    children: u32,
    role: Role,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Reading,
    Done,
    Failed,
}

/// Reads DC records one at a time. See the [module documentation](super).
///
/// ```
/// use crosswalk::dc::{Reader, Record, Vocabulary};
/// let xml = r#"<qualifieddc xmlns:dc="http://purl.org/dc/elements/1.1/"
///     xmlns:dcterms="http://purl.org/dc/terms/"
///     xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
///   <dc:title>Harbour</dc:title>
///   <dcterms:created xsi:type="dcterms:W3CDTF">1901-05</dcterms:created>
/// </qualifieddc>"#;
/// let mut reader = Reader::new(xml.as_bytes());
/// let mut record = Record::new();
/// assert!(reader.read_record(&mut record)?);
/// let created = &record.values()[1];
/// assert_eq!(created.vocabulary(), Vocabulary::Terms);
/// assert_eq!(created.scheme.as_ref().unwrap().iri().unwrap(), "http://purl.org/dc/terms/W3CDTF");
/// assert!(!reader.read_record(&mut record)?);
/// # Ok::<(), crosswalk::dc::Error>(())
/// ```
pub struct Reader<R: BufRead> {
    xml: XmlReader<R>,
    source: Option<Arc<str>>,
    bindings: Bindings,
    langs: Vec<String>,
    interned: Vec<Arc<str>>,
    pool: Pool,
    frames: Vec<Frame>,
    ordinal: u64,
    response: Response,
    diagnostics: Vec<Diagnostic>,
    state: State,
}

impl<R: BufRead> Reader<R> {
    /// A reader over `reader` with the default XML limits.
    pub fn new(reader: R) -> Self {
        Self::with_config(reader, XmlConfig::default())
    }

    /// A reader with the given XML limits (depth, token and text sizes).
    pub fn with_config(reader: R, config: XmlConfig) -> Self {
        Self {
            xml: XmlReader::with_config(reader, config),
            source: None,
            bindings: Bindings::default(),
            langs: Vec::new(),
            interned: Vec::new(),
            pool: Pool::default(),
            frames: Vec::new(),
            ordinal: 0,
            response: Response::default(),
            diagnostics: Vec::new(),
            state: State::Reading,
        }
    }

    /// Names the input (a file path) for locations in errors and diagnostics.
    #[must_use]
    pub fn source_name(mut self, name: impl Into<Arc<str>>) -> Self {
        let name = name.into();
        self.source = Some(name.clone());
        self.xml = self.xml.with_source_name(name);
        self
    }

    /// What is known of the OAI-PMH response so far (verb, resumption token, errors).
    pub fn response(&self) -> &Response {
        &self.response
    }

    /// Takes the diagnostics that concern no record (`oai-error`, `dc-outside-record`,
    /// `no-records-response`) reported so far.
    pub fn take_diagnostics(&mut self) -> Vec<Diagnostic> {
        std::mem::take(&mut self.diagnostics)
    }

    /// How many records have been read.
    pub fn records_read(&self) -> u64 {
        self.ordinal
    }

    /// Reads the next record into `record`, reusing its allocations. Returns `Ok(false)` at the end
    /// of the input. After an error, the input cannot be read further and every later call returns
    /// `Ok(false)`.
    pub fn read_record(&mut self, record: &mut Record) -> Result<bool, Error> {
        self.pool.recycle(std::mem::take(&mut record.tree));
        record.clear();
        let filled = self.fill(record);
        if !matches!(filled, Ok(true)) {
            record.values.clear();
        }
        filled
    }

    fn fill(&mut self, record: &mut Record) -> Result<bool, Error> {
        if self.state != State::Reading {
            return Ok(false);
        }
        loop {
            let ev = match self.xml.next_event() {
                Ok(ev) => ev,
                Err(e) => {
                    self.state = State::Failed;
                    return Err(e.into());
                }
            };
            let start = match ev {
                XmlEvent::Start(t) => t.clone(),
                XmlEvent::End(_) => {
                    if let Some(f) = self.frames.pop() {
                        self.bindings.0.truncate(f.ns_mark);
                        self.langs.truncate(f.lang_mark);
                    }
                    continue;
                }
                XmlEvent::Text(_) => continue,
                XmlEvent::Eof => {
                    self.state = State::Done;
                    return Ok(false);
                }
            };
            match self.handle_start(start, record) {
                Ok(true) => return Ok(true),
                Ok(false) => {}
                Err(e) => {
                    self.state = State::Failed;
                    return Err(e);
                }
            }
        }
    }

    /// An iterator over the remaining records.
    pub fn records(&mut self) -> Records<'_, R> {
        crate::records::Records::new(self)
    }

    fn location(&self, position: Position) -> Location {
        Location {
            file: self.source.clone(),
            position,
            record_id: None,
            field: None,
        }
    }

    fn reader_diag(
        &mut self,
        severity: Severity,
        kind: &'static str,
        position: Position,
        message: String,
    ) {
        let location = self.location(position);
        self.diagnostics.push(Diagnostic {
            severity,
            kind,
            location,
            message,
        });
    }

    fn push_frame(&mut self, start: StartTag, role: Role) {
        let ns_mark = self.bindings.0.len();
        let lang_mark = self.langs.len();
        self.bindings.push_decls(&start.attrs);
        if let Some(l) = start.attrs.iter().find(|a| is_lang(a)) {
            self.langs.push(l.value.clone());
        }
        self.frames.push(Frame {
            start,
            ns_mark,
            lang_mark,
            children: 0,
            role,
        });
    }

    /// Handles a start tag outside any record. Returns whether `record` was filled.
    fn handle_start(&mut self, start: StartTag, record: &mut Record) -> Result<bool, Error> {
        let parent_role = self.frames.last().map(|f| f.role);
        let first_child = self.frames.last().is_some_and(|f| f.children == 0);
        if let Some(f) = self.frames.last_mut() {
            f.children += 1;
        }
        let in_oai_root = parent_role == Some(Role::OaiRoot);
        match start.name.as_str() {
            "OAI-PMH" if self.frames.is_empty() => {
                self.response.is_oai = true;
                self.push_frame(start, Role::OaiRoot);
            }
            "responseDate" | "request" if in_oai_root => {
                let name = start.name.clone();
                let e = self.xml.read_element(start)?;
                let text = e.text();
                if name == "request" {
                    self.response.request = Some(text);
                    if self.response.verb.is_none() {
                        self.response.verb = e.attr("verb").map(str::to_string);
                    }
                } else {
                    self.response.response_date = Some(text);
                }
            }
            "error" if in_oai_root => {
                let e = self.xml.read_element(start)?;
                let code = e.attr("code").unwrap_or("").to_string();
                let message = e.text();
                let severity = if code == "noRecordsMatch" {
                    Severity::Info
                } else {
                    Severity::Error
                };
                self.reader_diag(
                    severity,
                    "oai-error",
                    e.position,
                    format!("OAI-PMH error {code}: {message}"),
                );
                self.response.errors.push(OaiError {
                    code,
                    message,
                    position: e.position,
                });
            }
            "GetRecord" | "ListRecords" if in_oai_root => {
                self.response.verb = Some(start.name.to_string());
                self.push_frame(start, Role::RecordList);
            }
            "Identify" | "ListSets" | "ListMetadataFormats" | "ListIdentifiers" if in_oai_root => {
                self.response.verb = Some(start.name.to_string());
                self.reader_diag(
                    Severity::Info,
                    "no-records-response",
                    start.position,
                    format!(
                        "an OAI-PMH {} response holds no records; skipped",
                        start.name
                    ),
                );
                self.xml.skip_element()?;
            }
            "resumptionToken" => {
                let e = self.xml.read_element(start)?;
                let num = |n: &str| e.attr(n).and_then(|v| v.trim().parse().ok());
                self.response.resumption_token = Some(ResumptionToken {
                    token: e.text(),
                    complete_list_size: num("completeListSize"),
                    cursor: num("cursor"),
                    expiration_date: e.attr("expirationDate").map(str::to_string),
                    position: e.position,
                });
            }
            "record" => {
                let e = self.read_tree(start)?;
                self.build(e, record);
                return Ok(true);
            }
            name if is_dc_container_name(name) => {
                let e = self.read_tree(start)?;
                self.build(e, record);
                return Ok(true);
            }
            _ if matches!(start.ns.as_deref(), Some(ns::DC) | Some(ns::DCTERMS)) => {
                if first_child && parent_role == Some(Role::Other) {
                    // The parent is a record container (`<metadata>`, `<mdRecord>`): read the rest
                    // of it into a tree.
                    let frame = self.frames.pop().expect("parent exists");
                    self.bindings.0.truncate(frame.ns_mark);
                    self.langs.truncate(frame.lang_mark);
                    let mut container = Element::from_start(frame.start);
                    let child = self.xml.read_element(start)?;
                    container.children.push(Node::Element(child));
                    loop {
                        match self.xml.next_event()? {
                            XmlEvent::Start(t) => {
                                let t = t.clone();
                                let c = self.xml.read_element(t)?;
                                container.children.push(Node::Element(c));
                            }
                            XmlEvent::Text(s) => container.children.push(Node::Text(s.to_string())),
                            XmlEvent::End(_) | XmlEvent::Eof => break,
                        }
                    }
                    self.build(container, record);
                    return Ok(true);
                }
                self.reader_diag(
                    Severity::Warning,
                    "dc-outside-record",
                    start.position,
                    format!(
                        "`{}` is a DC element outside any record; skipped",
                        start.name
                    ),
                );
                self.xml.skip_element()?;
            }
            _ => self.push_frame(start, Role::Other),
        }
        Ok(false)
    }

    /// Reads the rest of the element started by `start` into a tree, reusing pooled allocations.
    fn read_tree(&mut self, start: StartTag) -> Result<Element, Error> {
        let mut stack = std::mem::take(&mut self.pool.stack);
        stack.clear();
        stack.push(Element::from_start(start));
        loop {
            match self.xml.next_event()? {
                XmlEvent::Start(t) => {
                    let e = self.pool.element(t);
                    stack.push(e);
                }
                XmlEvent::Text(s) => {
                    let s = self.pool.text(s);
                    if let Some(top) = stack.last_mut() {
                        top.children.push(Node::Text(s));
                    }
                }
                XmlEvent::End(_) => {
                    let done = stack.pop().expect("stack is never empty here");
                    match stack.last_mut() {
                        Some(parent) => parent.children.push(Node::Element(done)),
                        None => {
                            self.pool.stack = stack;
                            return Ok(done);
                        }
                    }
                }
                XmlEvent::Eof => {
                    // The XML layer reports an end of input inside an element itself; kept for
                    // completeness.
                    let location = self.location(self.xml.position());
                    return Err(Error::Xml(XmlError::new(
                        XmlErrorKind::UnexpectedEof("inside a record".into()),
                        location,
                    )));
                }
            }
        }
    }

    /// Fills `record` from a `record` element or a bare DC container.
    fn build(&mut self, mut e: Element, record: &mut Record) {
        self.ordinal += 1;
        let ordinal = self.ordinal;
        let mut position = e.position;
        position.record = ordinal;
        record.position = position;
        let mut bindings = std::mem::take(&mut self.bindings);
        let outer_mark = bindings.0.len();
        let mut lang = self.langs.last().cloned();
        let header_idx = if e.name == "record" {
            e.children
                .iter()
                .position(|c| matches!(c, Node::Element(h) if h.name == "header"))
        } else {
            None
        };
        let mut header_el = None;
        let mut dc_root = None;
        let mut pending = Vec::new();
        let wrapper_name;
        if let Some(hi) = header_idx {
            // An OAI record.
            bindings.push_decls(&e.attrs);
            update_lang(&e, &mut lang);
            let Node::Element(h) =
                std::mem::replace(&mut e.children[hi], Node::Text(String::new()))
            else {
                unreachable!()
            };
            record.header = Some(parse_header(&h));
            header_el = Some(h);
            let has_meta = e
                .children
                .iter()
                .any(|c| matches!(c, Node::Element(m) if m.name == "metadata"));
            let first = if has_meta {
                let meta = e
                    .children
                    .iter_mut()
                    .find_map(|c| match c {
                        Node::Element(m) if m.name == "metadata" => Some(m),
                        _ => None,
                    })
                    .expect("checked above");
                bindings.push_decls(&meta.attrs);
                update_lang(meta, &mut lang);
                meta.children.iter_mut().find_map(|c| match c {
                    Node::Element(m) => Some(m),
                    Node::Text(_) => None,
                })
            } else {
                let found = e.children.iter_mut().find_map(|c| match c {
                    Node::Element(m)
                        if m.name != "about"
                            && (is_dc_container_name(&m.name) || has_dc_children(m)) =>
                    {
                        Some(m)
                    }
                    _ => None,
                });
                if found.is_some() {
                    pending.push((
                        Severity::Info,
                        "unwrapped-metadata",
                        "the DC is a direct child of <record>, without <metadata>".to_string(),
                    ));
                }
                found
            };
            {
                if let Some(root) = first {
                    wrapper_name = root.name.clone();
                    let mut path = Vec::new();
                    if find_dc_root(root, &mut path) {
                        descend(root, &path, &mut bindings, &mut lang);
                        if !path.is_empty() {
                            pending.push((
                                Severity::Info,
                                "wrapped-metadata",
                                format!("DC found inside `{wrapper_name}`; the wrapper is ignored"),
                            ));
                        }
                        dc_root = Some(take_at(root, &path));
                    } else {
                        pending.push((
                            Severity::Warning,
                            "not-dc-metadata",
                            format!(
                                "the metadata (`{wrapper_name}`) holds no Dublin Core; its children \
                                 are listed as they are"
                            ),
                        ));
                        dc_root = Some(std::mem::take(root));
                    }
                }
            }
        } else {
            let mut path = Vec::new();
            if find_dc_root(&e, &mut path) {
                descend(&e, &path, &mut bindings, &mut lang);
                dc_root = Some(take_at(&mut e, &path));
            } else {
                pending.push((
                    Severity::Warning,
                    "not-dc-metadata",
                    format!("`{}` holds no Dublin Core element", e.name),
                ));
                dc_root = Some(e);
            }
        }

        let header_id = record.header.as_ref().and_then(|h| h.identifier.clone());
        let ctx = DiagContext {
            file: self.source.as_ref(),
            record_id: header_id.as_deref(),
            ordinal,
        };
        if dc_root.is_none() {
            record.values.clear();
        }
        if let Some(root) = &dc_root {
            extract_values(
                root,
                &mut bindings,
                lang.as_deref(),
                &ctx,
                &mut record.values,
                &mut record.diagnostics,
                &mut self.interned,
            );
        }
        bindings.0.truncate(outer_mark);
        self.bindings = bindings;

        if let Some(h) = &record.header {
            let deleted = h.is_deleted();
            let missing = [
                ("missing-identifier", h.identifier.is_none(), "<identifier>"),
                ("missing-datestamp", h.datestamp.is_none(), "<datestamp>"),
            ];
            for (kind, miss, what) in missing {
                if miss {
                    record.diagnostics.push(ctx.diag(
                        Severity::Warning,
                        kind,
                        position,
                        Some("header".into()),
                        format!("the OAI header has no {what}"),
                    ));
                }
            }
            if !deleted && dc_root.as_ref().is_none_or(|r| r.children.is_empty()) {
                record.diagnostics.push(ctx.diag(
                    Severity::Warning,
                    "missing-metadata",
                    position,
                    Some("metadata".into()),
                    "the record is not deleted but has no metadata".into(),
                ));
            }
        }
        for (severity, kind, message) in pending {
            record
                .diagnostics
                .push(ctx.diag(severity, kind, position, None, message));
        }
        if header_id.is_none() {
            if let Some(id) = record.id().map(str::to_string) {
                for d in &mut record.diagnostics {
                    d.location.record_id = Some(id.clone());
                }
            }
        }

        record.has_header_element = header_el.is_some();
        record.has_metadata = dc_root.is_some();
        let mut children = Vec::with_capacity(2);
        children.extend(header_el.map(Node::Element));
        children.extend(dc_root.map(Node::Element));
        record.tree = Element {
            name: "record".into(),
            ns: None,
            attrs: Vec::new(),
            children,
            position,
        };
    }
}

fn update_lang(e: &Element, lang: &mut Option<String>) {
    if let Some(l) = e.attrs.iter().find(|a| is_lang(a)) {
        *lang = Some(l.value.clone());
    }
}

/// Adds the declarations and `xml:lang` of `e` and of the elements on `path` below it, excluding
/// the last one (whose own are handled by the value extraction).
fn descend(e: &Element, path: &[usize], bindings: &mut Bindings, lang: &mut Option<String>) {
    let mut cur = e;
    for &i in path {
        bindings.push_decls(&cur.attrs);
        update_lang(cur, lang);
        match &cur.children[i] {
            Node::Element(c) => cur = c,
            Node::Text(_) => return,
        }
    }
}

/// Allocations recycled from the previous record's tree (bounded), so that reading with
/// [`Reader::read_record`] into the same [`Record`] allocates little.
#[derive(Default)]
struct Pool {
    elements: Vec<Element>,
    texts: Vec<String>,
    stack: Vec<Element>,
    walk: Vec<Element>,
}

const POOL_CAP: usize = 4096;

impl Pool {
    fn recycle(&mut self, root: Element) {
        let mut walk = std::mem::take(&mut self.walk);
        walk.push(root);
        while let Some(mut e) = walk.pop() {
            for n in e.children.drain(..) {
                match n {
                    Node::Element(c) => walk.push(c),
                    Node::Text(mut t) if self.texts.len() < POOL_CAP => {
                        t.clear();
                        self.texts.push(t);
                    }
                    Node::Text(_) => {}
                }
            }
            if self.elements.len() < POOL_CAP {
                self.elements.push(e);
            }
        }
        self.walk = walk;
    }

    fn element(&mut self, t: &StartTag) -> Element {
        let Some(mut e) = self.elements.pop() else {
            return Element::from_start(t.clone());
        };
        e.name.clone_from(&t.name);
        match (&mut e.ns, &t.ns) {
            (Some(have), Some(n)) => have.clone_from(n),
            (have, n) => have.clone_from(n),
        }
        e.attrs.truncate(t.attrs.len());
        for (i, a) in t.attrs.iter().enumerate() {
            match e.attrs.get_mut(i) {
                Some(slot) => {
                    slot.qname.clone_from(&a.qname);
                    slot.local.clone_from(&a.local);
                    slot.ns.clone_from(&a.ns);
                    slot.value.clone_from(&a.value);
                }
                None => e.attrs.push(a.clone()),
            }
        }
        e.position = t.position;
        e
    }

    fn text(&mut self, s: &str) -> String {
        match self.texts.pop() {
            Some(mut t) => {
                t.push_str(s);
                t
            }
            None => s.to_string(),
        }
    }
}

/// Iterator over the records of a [`Reader`], from [`Reader::records`].
pub type Records<'r, R> = crate::records::Records<'r, Reader<R>>;

impl<R: BufRead> crate::records::ReadRecord for Reader<R> {
    type Record = Record;
    type Error = Error;

    fn read_record(&mut self, record: &mut Record) -> Result<bool, Error> {
        Reader::read_record(self, record)
    }
}

impl<R: BufRead> std::iter::FusedIterator for Records<'_, R> {}
