//! The streaming EAD reader.

use std::io::BufRead;
use std::sync::Arc;

use super::component::{Component, Context, Header, Kind, ParentRef, Version};
use super::{is_component_name, Error, Item, Late, EAD2002_NS, EAD3_NS, EAD3_UNDEPRECATED_NS};
use crate::diagnostic::{Diagnostic, Location, Severity};
use crate::xml::{Element, Node, StartTag, XmlConfig, XmlEvent, XmlReader};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Before the root element.
    Prolog,
    /// Inside an OAI-PMH envelope, outside any `ead`.
    Envelope,
    /// Inside `ead`, outside `archdesc`.
    Ead,
    /// Inside `archdesc`.
    Archdesc,
    /// After the root `ead` element.
    AfterRoot,
    /// Finished (end of input or error).
    Done,
}

/// An open component (or a transparent `dsc`) on the reader's stack.
#[derive(Debug)]
struct Frame {
    /// A `dsc`: its components belong to the enclosing component.
    dsc: bool,
    /// The description collected so far; `None` once the component has been yielded.
    element: Option<Element>,
    /// `@id`.
    id: Option<String>,
    /// The record id, once yielded.
    record_id: Option<String>,
    /// Child components started so far.
    children: u32,
}

impl Frame {
    fn component(tag: StartTag) -> Self {
        Self {
            dsc: false,
            id: tag.attr("id").map(str::to_string),
            element: Some(Element::from_start(tag)),
            record_id: None,
            children: 0,
        }
    }
}

/// Reads finding aids from an XML stream, one component at a time, parents before children.
///
/// Memory stays bounded by the document's nesting depth and the size of one component's own
/// description, whatever the number of components.
///
/// ```
/// use crosswalk::ead::{Item, Reader};
/// let doc = r#"<ead xmlns="urn:isbn:1-931666-22-9">
///   <eadheader><eadid>ms-1</eadid><filedesc><titlestmt><titleproper>Guide</titleproper></titlestmt></filedesc></eadheader>
///   <archdesc level="collection"><did><unittitle>Papers</unittitle></did>
///     <dsc><c01 level="series" id="s1"><did><unittitle>Letters</unittitle></did>
///       <c02 level="file"><did><unittitle>1901</unittitle><unitdate normal="1901">1901</unitdate></did></c02>
///     </c01></dsc>
///   </archdesc></ead>"#;
/// let mut reader = Reader::new(doc.as_bytes()).source_name("guide.xml");
/// let mut seen = Vec::new();
/// for item in reader.items() {
///     match item? {
///         Item::Header(h) => seen.push(format!("header {}", h.eadid.unwrap())),
///         Item::Component(c) => seen.push(format!(
///             "{} [{}] {} {}",
///             c.record_id().unwrap(),
///             c.path_string(),
///             c.title().unwrap(),
///             c.context.collection_title.as_deref().unwrap(),
///         )),
///         Item::Late(_) => {}
///     }
/// }
/// assert_eq!(seen, [
///     "header ms-1",
///     "ms-1 [] Papers Papers",
///     "ms-1#s1 [1] Letters Papers",
///     "ms-1/1/1 [1/1] 1901 Papers",
/// ]);
/// # Ok::<(), crosswalk::ead::Error>(())
/// ```
pub struct Reader<R: BufRead> {
    xml: XmlReader<R>,
    state: State,
    envelope: bool,
    frames: Vec<Frame>,
    path: Vec<u32>,
    pending: Option<StartTag>,
    namespace: Option<String>,
    version: Option<Version>,
    eadid: Option<String>,
    oai_identifier: Option<String>,
    header_seen: bool,
    doc_diagnostics: Vec<Diagnostic>,
    context: Option<Arc<Context>>,
    ordinal: u64,
    documents: u64,
}

impl<R: BufRead> Reader<R> {
    /// A reader over `reader` with the default XML limits.
    pub fn new(reader: R) -> Self {
        Self::with_config(reader, XmlConfig::default())
    }

    /// A reader with the given XML limits.
    pub fn with_config(reader: R, config: XmlConfig) -> Self {
        Self {
            xml: XmlReader::with_config(reader, config),
            state: State::Prolog,
            envelope: false,
            frames: Vec::new(),
            path: Vec::new(),
            pending: None,
            namespace: None,
            version: None,
            eadid: None,
            oai_identifier: None,
            header_seen: false,
            doc_diagnostics: Vec::new(),
            context: None,
            ordinal: 0,
            documents: 0,
        }
    }

    /// Names the input (a file path) for locations in errors and diagnostics.
    #[must_use]
    pub fn source_name(self, name: impl Into<Arc<str>>) -> Self {
        Self {
            xml: self.xml.with_source_name(name),
            ..self
        }
    }

    /// Number of `ead` documents begun so far (more than one only in OAI-PMH envelopes).
    pub fn documents(&self) -> u64 {
        self.documents
    }

    /// An iterator over the remaining items; it ends after the first error.
    pub fn items(&mut self) -> Items<'_, R> {
        Items { reader: self }
    }

    /// Reads the next component (the collection included), skipping headers and late content.
    /// Returns `Ok(None)` at the end of the input.
    pub fn next_component(&mut self) -> Result<Option<Component>, Error> {
        loop {
            match self.next_item()? {
                None => return Ok(None),
                Some(Item::Component(c)) => return Ok(Some(c)),
                Some(_) => {}
            }
        }
    }

    /// Reads the next item: a document [`Header`], a [`Component`] (the collection first, then its
    /// components in document order, parents before children), or [`Late`] content. Returns
    /// `Ok(None)` at the end of the input; after an error, `Ok(None)` too.
    pub fn next_item(&mut self) -> Result<Option<Item>, Error> {
        let result = self.step();
        if result.is_err() {
            self.state = State::Done;
        }
        result
    }

    fn source(&self) -> Option<Arc<str>> {
        self.xml.source_name().cloned()
    }

    fn step(&mut self) -> Result<Option<Item>, Error> {
        loop {
            if let Some(tag) = self.pending.take() {
                self.open_component(tag);
                continue;
            }
            match self.state {
                State::Done => return Ok(None),
                State::Prolog => match self.xml.next_event()? {
                    XmlEvent::Start(t) => match t.name.as_str() {
                        "ead" => {
                            let t = self.xml.take_start();
                            self.begin_document(&t);
                        }
                        "OAI-PMH" => {
                            self.envelope = true;
                            self.state = State::Envelope;
                        }
                        _ => {
                            let root = t.name.to_string();
                            let position = t.position;
                            return Err(Error::NotEad {
                                root,
                                location: Box::new(self.xml.location(position)),
                            });
                        }
                    },
                    XmlEvent::Eof => self.state = State::Done,
                    _ => {}
                },
                State::Envelope => match self.xml.next_event()? {
                    XmlEvent::Start(t) if t.name == "ead" => {
                        let t = self.xml.take_start();
                        self.begin_document(&t);
                    }
                    XmlEvent::Start(t) if t.name == "header" => {
                        let t = self.xml.take_start();
                        let header = self.xml.read_element(t)?;
                        self.oai_identifier = header
                            .child("identifier")
                            .map(Element::text)
                            .filter(|s| !s.is_empty());
                    }
                    XmlEvent::Eof => self.state = State::Done,
                    _ => {}
                },
                State::AfterRoot => {
                    if let XmlEvent::Eof = self.xml.next_event()? {
                        self.state = State::Done;
                    }
                }
                State::Ead => match self.xml.next_event()? {
                    XmlEvent::Start(t) => match t.name.as_str() {
                        "eadheader" | "control" => {
                            let t = self.xml.take_start();
                            let element = self.xml.read_element(t)?;
                            return Ok(Some(Item::Header(self.header(element))));
                        }
                        "archdesc" => {
                            let t = self.xml.take_start();
                            if !self.header_seen {
                                let location = self.xml.location(t.position);
                                self.doc_diagnostics.push(Diagnostic {
                                    severity: Severity::Warning,
                                    kind: "missing-header",
                                    location,
                                    message: "no eadheader/control before archdesc".into(),
                                });
                            }
                            self.frames.push(Frame::component(t));
                            self.path.clear();
                            self.state = State::Archdesc;
                        }
                        _ => self.xml.skip_element()?,
                    },
                    XmlEvent::End(_) => {
                        // The end of `ead`.
                        self.context = None;
                        self.oai_identifier = None;
                        self.state = if self.envelope {
                            State::Envelope
                        } else {
                            State::AfterRoot
                        };
                    }
                    XmlEvent::Text(_) => {}
                    XmlEvent::Eof => self.state = State::Done,
                },
                State::Archdesc => {
                    if let Some(item) = self.archdesc_event()? {
                        return Ok(Some(item));
                    }
                }
            }
        }
    }

    fn begin_document(&mut self, t: &StartTag) {
        self.state = State::Ead;
        self.documents += 1;
        self.namespace = t.ns.as_deref().map(str::to_string);
        self.version = match t.ns.as_deref() {
            Some(EAD3_NS | EAD3_UNDEPRECATED_NS) => Some(Version::Ead3),
            Some(EAD2002_NS) => Some(Version::Ead2002),
            _ => None,
        };
        self.eadid = None;
        self.header_seen = false;
        self.context = None;
        self.doc_diagnostics.clear();
        if let Some(ns) = &t.ns {
            if !matches!(&**ns, EAD2002_NS | EAD3_NS | EAD3_UNDEPRECATED_NS) {
                self.doc_diagnostics.push(Diagnostic {
                    severity: Severity::Warning,
                    kind: "unknown-namespace",
                    location: self.xml.location(t.position),
                    message: format!("<ead> in namespace {ns:?}, read as EAD anyway"),
                });
            }
        }
    }

    fn header(&mut self, element: Element) -> Header {
        let version = self.version.unwrap_or(if element.name == "control" {
            Version::Ead3
        } else {
            Version::Ead2002
        });
        self.version = Some(version);
        let position = element.position;
        let mut header = Header::from_element(
            element,
            self.namespace.clone(),
            version,
            self.oai_identifier.clone(),
        );
        header.diagnostics.append(&mut self.doc_diagnostics);
        if header.eadid.is_none() {
            header.diagnostics.push(Diagnostic {
                severity: Severity::Warning,
                kind: "missing-eadid",
                location: self.xml.location(position),
                message: "the header has no eadid/recordid; record ids fall back to the collection unitid".into(),
            });
        }
        self.header_seen = true;
        self.eadid = header.eadid.clone();
        header
    }

    /// Index of the innermost component frame (not a `dsc`).
    fn owner(&self) -> usize {
        self.frames
            .iter()
            .rposition(|f| !f.dsc)
            .expect("the archdesc frame is at the bottom")
    }

    fn open_component(&mut self, tag: StartTag) {
        let owner = self.owner();
        self.frames[owner].children += 1;
        let n = self.frames[owner].children;
        self.path.push(n);
        self.frames.push(Frame::component(tag));
    }

    /// Builds the component of frame `idx` (whose path is `self.path[..depth]`).
    fn build(&mut self, idx: usize) -> Component {
        let element = self.frames[idx].element.take().expect("not yet yielded");
        let depth = self.frames[..=idx].iter().filter(|f| !f.dsc).count() - 1;
        let path = self.path[..depth].to_vec();
        let kind = if idx == 0 {
            Kind::Collection
        } else {
            Kind::Component
        };
        let parent = self.frames[..idx]
            .iter()
            .rposition(|f| !f.dsc)
            .map(|p| ParentRef {
                path: self.path[..depth - 1].to_vec(),
                id: self.frames[p].id.clone(),
                record_id: self.frames[p].record_id.clone(),
            });
        self.ordinal += 1;
        let context = if kind == Kind::Collection {
            None
        } else {
            self.context.clone()
        };
        let mut c = Component::from_element(
            kind,
            element,
            path,
            parent,
            context,
            self.ordinal,
            self.source(),
        );
        if kind == Kind::Collection {
            let mut ctx = (*c.context).clone();
            ctx.eadid = self.eadid.clone();
            ctx.oai_identifier = self.oai_identifier.clone();
            ctx.version = Some(self.version.unwrap_or(Version::Ead2002));
            let ctx = Arc::new(ctx);
            c.context = ctx.clone();
            if let Some(e) = &self.eadid {
                c.record_id = Some(e.clone());
            }
            for d in &mut c.diagnostics {
                d.location.record_id = c.record_id.clone();
            }
            self.context = Some(ctx);
            c.diagnostics.append(&mut self.doc_diagnostics);
        }
        self.frames[idx].record_id = c.record_id.clone();
        c
    }

    fn archdesc_event(&mut self) -> Result<Option<Item>, Error> {
        let top = self.frames.len() - 1;
        match self.xml.next_event()? {
            XmlEvent::Start(t) if is_component_name(&t.name) => {
                let t = self.xml.take_start();
                let owner = self.owner();
                if self.frames[owner].element.is_some() {
                    // The parent's own description is complete enough: yield it first.
                    let c = self.build(owner);
                    self.pending = Some(t);
                    return Ok(Some(Item::Component(c)));
                }
                self.open_component(t);
            }
            XmlEvent::Start(t) if t.name == "dsc" => {
                let t = self.xml.take_start();
                let owner = self.owner();
                if let Some(e) = self.frames[owner].element.as_mut() {
                    e.children.push(Node::Element(Element::from_start(t)));
                }
                self.frames.push(Frame {
                    dsc: true,
                    element: None,
                    id: None,
                    record_id: None,
                    children: 0,
                });
            }
            XmlEvent::Start(_) => {
                let t = self.xml.take_start();
                let element = self.xml.read_element(t)?;
                let owner = self.owner();
                let in_dsc = self.frames[top].dsc;
                match self.frames[owner].element.as_mut() {
                    Some(e) if in_dsc => {
                        if let Some(Node::Element(d)) = e.children.last_mut() {
                            d.children.push(Node::Element(element));
                        }
                    }
                    Some(e) => e.children.push(Node::Element(element)),
                    None => return Ok(Some(Item::Late(self.late(owner, element)))),
                }
            }
            XmlEvent::Text(s) => {
                if !s.trim().is_empty() {
                    let s = s.to_string();
                    if let Some(e) = self.frames[top].element.as_mut() {
                        e.children.push(Node::Text(s));
                    }
                }
            }
            XmlEvent::End(_) => {
                let frame = self.frames.last().expect("inside archdesc");
                let item = if frame.element.is_some() {
                    Some(Item::Component(self.build(top)))
                } else {
                    None
                };
                let frame = self.frames.pop().expect("inside archdesc");
                if self.frames.is_empty() {
                    self.state = State::Ead;
                } else if !frame.dsc {
                    self.path.pop();
                }
                return Ok(item);
            }
            XmlEvent::Eof => self.state = State::Done,
        }
        Ok(None)
    }

    fn late(&self, owner: usize, element: Element) -> Late {
        let depth = self.frames[..=owner].iter().filter(|f| !f.dsc).count() - 1;
        let path = self.path[..depth].to_vec();
        let record_id = self.frames[owner].record_id.clone();
        let mut position = element.position;
        position.record = 0;
        let diagnostic = Diagnostic {
            severity: Severity::Warning,
            kind: "content-after-components",
            location: Location {
                file: self.source(),
                position,
                record_id: record_id.clone(),
                field: Some(element.name.to_string()),
            },
            message: format!(
                "<{}> follows child components; its component was already read, so it is \
                 delivered separately as late content",
                element.name
            ),
        };
        Late {
            path,
            record_id,
            element,
            diagnostic,
        }
    }
}

/// Iterator over a [`Reader`]'s items; see [`Reader::items`].
pub struct Items<'r, R: BufRead> {
    reader: &'r mut Reader<R>,
}

impl<R: BufRead> Iterator for Items<'_, R> {
    type Item = Result<Item, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        self.reader.next_item().transpose()
    }
}
