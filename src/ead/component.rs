//! The EAD record model: the document [`Header`], and [`Component`] for the collection
//! (`archdesc`) and every `c` / `c01`–`c12`.
//!
//! A component owns its own description as an [`Element`] tree (the component element with its
//! child components removed) and a typed view of the parts crosswalks use most, decoded once when
//! the component is read.

use std::sync::Arc;

use crate::diagnostic::{Diagnostic, Location, Position, Severity};
use crate::xml::{normalize_space, Element, Node, TextSink};

/// Which EAD version a document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Version {
    /// EAD 2002 (`urn:isbn:1-931666-22-9`, no namespace, or a DTD-based document).
    Ead2002,
    /// EAD3 (`http://ead3.archivists.org/schema/`, including the "undeprecated" variant).
    Ead3,
}

/// The document header: EAD 2002 `eadheader` or EAD3 `control`.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    /// The EAD version, from the namespace or, without one, from the header element's name.
    pub version: Version,
    /// The namespace URI of the `ead` element, if any.
    pub namespace: Option<String>,
    /// EAD 2002 `eadid` or EAD3 `recordid`.
    pub eadid: Option<String>,
    /// `eadid/@url` (2002) or `control/representation/@href` (EAD3).
    pub url: Option<String>,
    /// `filedesc/titlestmt/titleproper`, each whitespace-normalised.
    pub titles: Vec<String>,
    /// `filedesc/titlestmt/subtitle`.
    pub subtitles: Vec<String>,
    /// Maintenance agency code: `eadid/@mainagencycode` (2002) or `maintenanceagency/agencycode` (EAD3).
    pub agency_code: Option<String>,
    /// Maintenance agency name: `publicationstmt/publisher` (2002) or `maintenanceagency/agencyname` (EAD3).
    pub agency_name: Option<String>,
    /// The OAI-PMH `header/identifier` when the document came in an OAI-PMH envelope.
    pub oai_identifier: Option<String>,
    /// The whole header element.
    pub element: Element,
    /// Document-level diagnostics (`unknown-namespace`, `missing-eadid`).
    pub diagnostics: Vec<Diagnostic>,
}

impl Header {
    /// Decodes a header element.
    pub(crate) fn from_element(
        element: Element,
        namespace: Option<String>,
        version: Version,
        oai_identifier: Option<String>,
    ) -> Self {
        let titlestmt = element.child("filedesc").and_then(|f| f.child("titlestmt"));
        let texts = |name: &str| -> Vec<String> {
            titlestmt
                .map(|t| t.children_named(name).map(Element::text).collect())
                .unwrap_or_default()
        };
        let titles = texts("titleproper");
        let subtitles = texts("subtitle");
        let (eadid, url, agency_code, agency_name);
        if element.name == "control" {
            eadid = element.child("recordid").map(Element::text);
            url = element
                .child("representation")
                .and_then(|r| r.attr("href"))
                .map(str::to_string);
            let agency = element.child("maintenanceagency");
            agency_code = agency
                .and_then(|a| a.child("agencycode"))
                .map(Element::text);
            agency_name = agency
                .and_then(|a| a.child("agencyname"))
                .map(Element::text);
        } else {
            let id = element.child("eadid");
            eadid = id.map(Element::text);
            url = id.and_then(|e| e.attr("url")).map(str::to_string);
            agency_code = id
                .and_then(|e| e.attr("mainagencycode"))
                .map(str::to_string);
            agency_name = element
                .child("filedesc")
                .and_then(|f| f.child("publicationstmt"))
                .and_then(|p| p.child("publisher"))
                .map(Element::text);
        }
        Self {
            version,
            namespace,
            eadid: eadid.filter(|s| !s.is_empty()),
            url,
            titles,
            subtitles,
            agency_code: agency_code.filter(|s| !s.is_empty()),
            agency_name: agency_name.filter(|s| !s.is_empty()),
            oai_identifier,
            element,
            diagnostics: Vec::new(),
        }
    }
}

/// What every component of a finding aid inherits from its document and collection.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Context {
    /// The input's name, when the reader was told.
    pub source: Option<Arc<str>>,
    /// The document's `eadid` / `recordid`.
    pub eadid: Option<String>,
    /// The OAI-PMH identifier of the envelope record, if any.
    pub oai_identifier: Option<String>,
    /// The collection's first `did/unitid`.
    pub collection_id: Option<String>,
    /// The collection's first `did/unittitle`.
    pub collection_title: Option<String>,
    /// The collection's `did/repository`.
    pub repository: Option<String>,
    /// EAD 2002 or EAD3, when known (a document without header and namespace is taken as 2002).
    pub version: Option<Version>,
}

/// Whether a component is the collection (`archdesc`) or one of its components.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// The `archdesc`.
    Collection,
    /// A `c` or `c01`–`c12`.
    Component,
}

/// The parent of a component, as far as a streaming reader can keep it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParentRef {
    /// The parent's ordinal path (empty for the collection).
    pub path: Vec<u32>,
    /// The parent's `@id`.
    pub id: Option<String>,
    /// The parent's record id (see [`Component::record_id`]).
    pub record_id: Option<String>,
}

/// A dated unit: `unitdate` or an EAD3 `unitdatestructured`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UnitDate {
    /// The date as written (for `unitdatestructured`: `datesingle`, or `fromdate-todate`).
    pub text: String,
    /// `@normal` (for `unitdatestructured`: `@standarddate` values, a range joined by `/`).
    pub normal: Option<String>,
    /// `@type` (2002) or `@unitdatetype` (EAD3): `inclusive`, `bulk`.
    pub date_type: Option<String>,
    /// Whether it came from an EAD3 `unitdatestructured`.
    pub structured: bool,
}

/// An extent: EAD 2002 `physdesc/extent`, or EAD3 `physdescstructured` (quantity and unit type).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Extent {
    /// The extent text or EAD3 `quantity`.
    pub value: String,
    /// `extent/@unit` or EAD3 `unittype`.
    pub unit: Option<String>,
}

/// A language of the material (`langmaterial/language`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Language {
    /// `@langcode` (ISO 639-2b).
    pub code: Option<String>,
    /// The language name as written.
    pub name: String,
    /// `@scriptcode`, or EAD3 `languageset/script/@scriptcode`.
    pub script: Option<String>,
}

/// A container (box, folder).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Container {
    /// `@type` (2002) or `@localtype` (EAD3).
    pub container_type: Option<String>,
    /// The container's number or name.
    pub value: String,
    /// `@id`.
    pub id: Option<String>,
    /// `@parent`, the id of the enclosing container.
    pub parent: Option<String>,
}

/// A digital object link: `dao`, or one `daoloc` of a `daogrp`, or an EAD3 `dao` in a `daoset`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DigitalObject {
    /// `@href` (EAD3, and 2002 without namespaces) or `@xlink:href`.
    pub href: String,
    /// `@title` / `@xlink:title`, or the `daodesc` text.
    pub title: Option<String>,
    /// `@role` / `@xlink:role` / EAD3 `@daotype`.
    pub role: Option<String>,
}

/// A name or term: a `controlaccess` entry or an `origination` name.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AccessPoint {
    /// The element's local name: `persname`, `corpname`, `famname`, `name`, `geogname`, `subject`,
    /// `genreform`, `occupation`, `function`, `title`.
    pub kind: String,
    /// The text. EAD3 `part`s are joined: by `, ` for names, by ` -- ` for other terms.
    pub value: String,
    /// The EAD3 `part`s, each normalised, empty ones left out (none in EAD 2002).
    pub parts: Vec<String>,
    /// `@source` (vocabulary, e.g. `lcsh`, `lcnaf`).
    pub source: Option<String>,
    /// `@rules` (e.g. `aacr2`, `dacs`).
    pub rules: Option<String>,
    /// `@authfilenumber` (2002) or `@identifier` (EAD3).
    pub authfilenumber: Option<String>,
    /// `@role` (2002) or `@relator` (EAD3).
    pub role: Option<String>,
    /// `@normal`.
    pub normal: Option<String>,
}

/// The descriptive identification (`did`) of a component.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Did {
    /// `unitid`s.
    pub unitid: Vec<String>,
    /// `unittitle`s (text including any inline `unitdate`).
    pub unittitle: Vec<String>,
    /// `unitdate`s (also those inside `unittitle`) and EAD3 `unitdatestructured`.
    pub unitdate: Vec<UnitDate>,
    /// Names in `origination`.
    pub origination: Vec<AccessPoint>,
    /// `physdesc` texts.
    pub physdesc: Vec<String>,
    /// Extents (`physdesc/extent`, EAD3 `physdescstructured`).
    pub extent: Vec<Extent>,
    /// `langmaterial` texts.
    pub langmaterial: Vec<String>,
    /// Languages in `langmaterial`, with their codes.
    pub languages: Vec<Language>,
    /// `repository` text.
    pub repository: Option<String>,
    /// Containers.
    pub container: Vec<Container>,
    /// `abstract`s.
    pub abstracts: Vec<String>,
}

/// The collection (`archdesc`) or one of its components (`c`, `c01`–`c12`).
///
/// Built by [`crate::ead::Reader`]; parents are read before their children.
#[derive(Debug, Clone, PartialEq)]
pub struct Component {
    /// Collection or component.
    pub kind: Kind,
    /// The ordinal path from the collection: `[]` for the collection, `[1, 3, 2]` for the second
    /// child of the third child of the first top-level component.
    pub path: Vec<u32>,
    /// The component's `@id`.
    pub id: Option<String>,
    /// The parent (`None` for the collection; the collection for top-level components).
    pub parent: Option<ParentRef>,
    /// `@level` as written.
    pub level: Option<String>,
    /// `@otherlevel`.
    pub otherlevel: Option<String>,
    /// The descriptive identification.
    pub did: Did,
    /// `scopecontent` texts (headings left out).
    pub scopecontent: Vec<String>,
    /// `bioghist` texts (headings left out).
    pub bioghist: Vec<String>,
    /// `accessrestrict` texts (headings left out).
    pub accessrestrict: Vec<String>,
    /// `userestrict` texts (headings left out).
    pub userestrict: Vec<String>,
    /// `controlaccess` entries, nested `controlaccess` included, in document order.
    pub controlaccess: Vec<AccessPoint>,
    /// Digital objects in the `did` or directly in the component.
    pub dao: Vec<DigitalObject>,
    /// What the component inherits: eadid, collection id and title, repository.
    pub context: Arc<Context>,
    /// The component's own description: the element with its child components removed.
    pub element: Element,
    /// Diagnostics about this component.
    pub diagnostics: Vec<Diagnostic>,
    /// Where the component starts; `record` is its 1-based ordinal in the file (collection first).
    pub position: Position,
    pub(crate) record_id: Option<String>,
}

/// The levels EAD allows in `@level`.
pub const LEVELS: &[&str] = &[
    "class",
    "collection",
    "file",
    "fonds",
    "item",
    "otherlevel",
    "recordgrp",
    "series",
    "subfonds",
    "subgrp",
    "subseries",
];

impl Component {
    /// The ordinal path as text: `1/3/2`, or the empty string for the collection.
    pub fn path_string(&self) -> String {
        path_string(&self.path)
    }

    /// Nesting depth: 0 for the collection, 1 for top-level components.
    pub fn depth(&self) -> usize {
        self.path.len()
    }

    /// Whether this is the collection (`archdesc`).
    pub fn is_collection(&self) -> bool {
        self.kind == Kind::Collection
    }

    /// The stable record id: the eadid for the collection; for components `eadid#id` when the
    /// component has an `@id`, else `eadid/1/3/2` (ordinal path). Without an eadid the collection's
    /// unitid stands in; `None` when neither is known.
    pub fn record_id(&self) -> Option<&str> {
        self.record_id.as_deref()
    }

    /// The level for reports: `@otherlevel` when `@level` is `otherlevel`, else `@level`.
    pub fn level_name(&self) -> Option<&str> {
        match (self.level.as_deref(), self.otherlevel.as_deref()) {
            (Some("otherlevel"), Some(o)) => Some(o),
            (l, _) => l,
        }
    }

    /// The first unit title, if any.
    pub fn title(&self) -> Option<&str> {
        self.did.unittitle.first().map(String::as_str)
    }

    /// The first unit id, if any.
    pub fn unitid(&self) -> Option<&str> {
        self.did.unitid.first().map(String::as_str)
    }

    /// Decodes a component's own description. `ordinal` is its 1-based ordinal in the file.
    pub(crate) fn from_element(
        kind: Kind,
        element: Element,
        path: Vec<u32>,
        parent: Option<ParentRef>,
        context: Option<Arc<Context>>,
        ordinal: u64,
        source: Option<Arc<str>>,
    ) -> Self {
        let mut element = element;
        tidy_parts(&mut element);
        let mut did = Did::default();
        let mut dao = Vec::new();
        let mut notes: [Vec<String>; 4] = Default::default();
        let mut controlaccess = Vec::new();
        let mut has_did = false;
        for child in element.elements() {
            match child.name.as_str() {
                "did" => {
                    has_did = true;
                    read_did(child, &mut did, &mut dao);
                }
                "scopecontent" => notes[0].push(note_text(child)),
                "bioghist" => notes[1].push(note_text(child)),
                "accessrestrict" => notes[2].push(note_text(child)),
                "userestrict" => notes[3].push(note_text(child)),
                "controlaccess" => read_controlaccess(child, &mut controlaccess),
                "dao" | "daogrp" | "daoset" => read_dao(child, &mut dao),
                _ => {}
            }
        }
        let [scopecontent, bioghist, accessrestrict, userestrict] = notes;
        let context = context.unwrap_or_else(|| {
            Arc::new(Context {
                source: source.clone(),
                collection_id: did.unitid.first().cloned(),
                collection_title: did.unittitle.first().cloned(),
                repository: did.repository.clone(),
                ..Context::default()
            })
        });
        let id = element.attr("id").map(str::to_string);
        let base = context
            .eadid
            .as_deref()
            .or(context.collection_id.as_deref());
        let record_id = match (kind, base, &id) {
            (Kind::Collection, Some(b), _) => Some(b.to_string()),
            (Kind::Component, Some(b), Some(id)) => Some(format!("{b}#{id}")),
            (Kind::Component, Some(b), None) => Some(format!("{b}/{}", path_string(&path))),
            (_, None, Some(id)) => Some(format!("#{id}")),
            (_, None, None) => None,
        };
        let mut position = element.position;
        position.record = ordinal;
        let mut c = Self {
            kind,
            path,
            id,
            parent,
            level: element.attr("level").map(str::to_string),
            otherlevel: element.attr("otherlevel").map(str::to_string),
            did,
            scopecontent,
            bioghist,
            accessrestrict,
            userestrict,
            controlaccess,
            dao,
            context,
            element,
            diagnostics: Vec::new(),
            position,
            record_id,
        };
        c.check(has_did, source);
        c
    }

    fn check(&mut self, has_did: bool, source: Option<Arc<str>>) {
        let mut out = Vec::new();
        let location = |field: String, position: Position| Location {
            file: source.clone(),
            position: Position {
                record: self.position.record,
                ..position
            },
            record_id: self.record_id.clone(),
            field: Some(field),
        };
        let name = &self.element.name;
        if !has_did {
            out.push(Diagnostic {
                severity: Severity::Warning,
                kind: "component-without-did",
                location: location(name.to_string(), self.position),
                message: format!("<{name}> has no <did>"),
            });
        } else if self.did.unittitle.is_empty() && self.did.unitdate.is_empty() {
            out.push(Diagnostic {
                severity: Severity::Info,
                kind: "component-without-title",
                location: location(format!("{name}/did"), self.position),
                message: "neither unittitle nor unitdate".into(),
            });
        }
        match (self.level.as_deref(), self.otherlevel.as_deref()) {
            (Some("otherlevel"), None) => out.push(Diagnostic {
                severity: Severity::Warning,
                kind: "otherlevel-missing",
                location: location(format!("{name}/@level"), self.position),
                message: "level=\"otherlevel\" without @otherlevel".into(),
            }),
            (Some(l), _) if !LEVELS.contains(&l) => out.push(Diagnostic {
                severity: Severity::Warning,
                kind: "unknown-level",
                location: location(format!("{name}/@level"), self.position),
                message: format!("level {l:?} is not an EAD level; kept as written"),
            }),
            _ => {}
        }
        if let Some(did) = self.element.child("did") {
            let dates = did.children_named("unitdate").chain(
                did.children_named("unittitle")
                    .flat_map(|t| t.children_named("unitdate")),
            );
            for d in dates {
                if let Some(n) = d.attr("normal") {
                    if !is_normal_date(n) {
                        out.push(Diagnostic {
                            severity: Severity::Warning,
                            kind: "invalid-date-normal",
                            location: location(format!("{name}/did/unitdate/@normal"), d.position),
                            message: format!(
                                "@normal {n:?} is not an ISO 8601 date or date range; kept as written"
                            ),
                        });
                    }
                }
            }
        }
        self.diagnostics.extend(out);
    }
}

/// EAD3 names and titles are made of `part`s only (element-only content), but are usually
/// pretty-printed: drop the white space between and around parts, and separate consecutive parts
/// by one space, so that `<title>\n  <part>Laws</part>\n</title>, by` reads `Laws, by`.
fn tidy_parts(e: &mut Element) {
    let has_part = e.elements().any(|c| c.name == "part");
    if has_part {
        let old = std::mem::take(&mut e.children);
        let mut prev_part = false;
        for n in old {
            match n {
                Node::Text(t) if t.trim_matches([' ', '\t', '\r', '\n']).is_empty() => {}
                Node::Element(c) if c.name == "part" => {
                    if prev_part {
                        e.children.push(Node::Text(" ".into()));
                    }
                    prev_part = true;
                    e.children.push(Node::Element(c));
                }
                other => {
                    prev_part = false;
                    e.children.push(other);
                }
            }
        }
    }
    for n in &mut e.children {
        if let Node::Element(c) = n {
            tidy_parts(c);
        }
    }
}

/// `1/3/2`.
pub(crate) fn path_string(path: &[u32]) -> String {
    let mut s = String::new();
    for (i, n) in path.iter().enumerate() {
        if i > 0 {
            s.push('/');
        }
        s.push_str(&n.to_string());
    }
    s
}

fn attr(e: &Element, name: &str) -> Option<String> {
    e.attr(name).and_then(normalized)
}

fn normalized(v: &str) -> Option<String> {
    Some(normalize_space(v).into_owned()).filter(|v| !v.is_empty())
}

/// [`attr`] of each of `names`, in one pass over the attributes: each the first attribute with
/// that local name, as [`Element::attr`] finds it.
fn attrs<const N: usize>(e: &Element, names: [&str; N]) -> [Option<String>; N] {
    let mut found: [Option<&str>; N] = [None; N];
    for a in &e.attrs {
        if let Some(i) = names.iter().position(|n| a.local == *n) {
            if found[i].is_none() && !a.qname.starts_with("xmlns") {
                found[i] = Some(&a.value);
            }
        }
    }
    found.map(|v| v.and_then(normalized))
}

/// Text of a note without its `head`: the texts of its parts, each normalised, joined by a space.
fn note_text(e: &Element) -> String {
    TextSink::collect(|sink| note_parts(e, sink))
}

fn note_parts(e: &Element, sink: &mut TextSink<'_>) {
    for n in &e.children {
        match n {
            Node::Element(c) if c.name == "head" => {}
            Node::Element(c) => {
                sink.space();
                c.push_text(sink);
                sink.space();
            }
            Node::Text(t) => {
                sink.space();
                sink.push(t);
                sink.space();
            }
        }
    }
}

fn read_did(did: &Element, out: &mut Did, dao: &mut Vec<DigitalObject>) {
    for e in did.elements() {
        match e.name.as_str() {
            "unitid" => out.unitid.push(e.text()),
            "unittitle" => {
                out.unittitle.push(e.text());
                for d in e.children_named("unitdate") {
                    out.unitdate.push(unitdate(d));
                }
            }
            "unitdate" => out.unitdate.push(unitdate(e)),
            "unitdatestructured" => read_structured_date(e, out),
            "origination" => {
                for n in e.elements() {
                    if is_access_point(&n.name) {
                        out.origination.push(access_point(n));
                    }
                }
            }
            "physdesc" => {
                out.physdesc.push(e.text());
                for x in e.children_named("extent") {
                    out.extent.push(Extent {
                        value: x.text(),
                        unit: attr(x, "unit"),
                    });
                }
            }
            "physdescstructured" => out.extent.push(structured_extent(e)),
            "physdescset" => {
                for p in e.children_named("physdescstructured") {
                    out.extent.push(structured_extent(p));
                }
            }
            "langmaterial" => {
                out.langmaterial.push(e.text());
                read_languages(e, &mut out.languages, None);
            }
            "repository" => {
                let t = repository_text(e);
                if !t.is_empty() && out.repository.is_none() {
                    out.repository = Some(t);
                }
            }
            "container" => {
                let [container_type, localtype, id, parent] =
                    attrs(e, ["type", "localtype", "id", "parent"]);
                out.container.push(Container {
                    container_type: container_type.or(localtype),
                    value: e.text(),
                    id,
                    parent,
                });
            }
            "abstract" => out.abstracts.push(e.text()),
            "dao" | "daogrp" | "daoset" => read_dao(e, dao),
            _ => {}
        }
    }
}

fn repository_text(e: &Element) -> String {
    // EAD3 names in the repository are made of parts; keep the name, not the address.
    let names: Vec<String> = e
        .elements()
        .filter(|n| is_access_point(&n.name))
        .map(|n| access_point(n).value)
        .collect();
    if names.is_empty() {
        e.text()
    } else {
        names.join(", ")
    }
}

fn unitdate(e: &Element) -> UnitDate {
    let [normal, date_type, unitdatetype] = attrs(e, ["normal", "type", "unitdatetype"]);
    UnitDate {
        text: e.text(),
        normal,
        date_type: date_type.or(unitdatetype),
        structured: false,
    }
}

fn read_structured_date(e: &Element, out: &mut Did) {
    let date_type = attr(e, "unitdatetype");
    let mut push = |d: &Element| {
        let (text, normal) = match d.name.as_str() {
            "datesingle" => (d.text(), attr(d, "standarddate")),
            "daterange" => {
                let from = d.child("fromdate");
                let to = d.child("todate");
                let ft = from.map(Element::text).unwrap_or_default();
                let tt = to.map(Element::text).unwrap_or_default();
                let text = match (ft.is_empty(), tt.is_empty()) {
                    (false, false) => format!("{ft}-{tt}"),
                    (false, true) => ft,
                    (true, _) => tt,
                };
                let fs = from.and_then(|f| attr(f, "standarddate"));
                let ts = to.and_then(|t| attr(t, "standarddate"));
                let normal = match (fs, ts) {
                    (None, None) => None,
                    (f, t) => Some(format!(
                        "{}/{}",
                        f.unwrap_or_default(),
                        t.unwrap_or_default()
                    )),
                };
                (text, normal)
            }
            _ => return,
        };
        out.unitdate.push(UnitDate {
            text,
            normal,
            date_type: date_type.clone(),
            structured: true,
        });
    };
    for d in e.elements() {
        if d.name == "dateset" {
            d.elements().for_each(&mut push);
        } else {
            push(d);
        }
    }
}

fn structured_extent(e: &Element) -> Extent {
    Extent {
        value: e.child("quantity").map(Element::text).unwrap_or_default(),
        unit: e
            .child("unittype")
            .map(Element::text)
            .filter(|s| !s.is_empty()),
    }
}

fn read_languages(e: &Element, out: &mut Vec<Language>, script: Option<&str>) {
    for l in e.elements() {
        match l.name.as_str() {
            "language" => out.push(Language {
                code: attr(l, "langcode"),
                name: l.text(),
                script: attr(l, "scriptcode").or_else(|| script.map(str::to_string)),
            }),
            "languageset" => {
                let script = l.child("script").and_then(|s| attr(s, "scriptcode"));
                read_languages(l, out, script.as_deref());
            }
            _ => {}
        }
    }
}

fn read_dao(e: &Element, out: &mut Vec<DigitalObject>) {
    match e.name.as_str() {
        "dao" | "daoloc" => {
            if let Some(href) = attr(e, "href") {
                out.push(DigitalObject {
                    href,
                    title: attr(e, "title")
                        .or_else(|| e.child("daodesc").map(Element::text))
                        .filter(|s| !s.is_empty()),
                    role: attr(e, "role").or_else(|| attr(e, "daotype")),
                });
            }
        }
        _ => {
            for c in e.elements() {
                read_dao(c, out);
            }
        }
    }
}

/// Element names that are access points in `controlaccess` and `origination`.
pub(crate) fn is_access_point(name: &str) -> bool {
    matches!(
        name,
        "persname"
            | "corpname"
            | "famname"
            | "name"
            | "geogname"
            | "subject"
            | "genreform"
            | "occupation"
            | "function"
            | "title"
    )
}

fn access_point(e: &Element) -> AccessPoint {
    let parts: Vec<String> = e
        .children_named("part")
        .map(Element::text)
        .filter(|p| !p.is_empty())
        .collect();
    let value = if parts.is_empty() {
        e.text()
    } else {
        let sep = match e.name.as_str() {
            "persname" | "corpname" | "famname" | "name" => ", ",
            _ => " -- ",
        };
        parts.join(sep)
    };
    let [source, rules, authfilenumber, identifier, role, relator, normal] = attrs(
        e,
        [
            "source",
            "rules",
            "authfilenumber",
            "identifier",
            "role",
            "relator",
            "normal",
        ],
    );
    AccessPoint {
        kind: e.name.to_string(),
        value,
        parts,
        source,
        rules,
        authfilenumber: authfilenumber.or(identifier),
        role: role.or(relator),
        normal,
    }
}

fn read_controlaccess(e: &Element, out: &mut Vec<AccessPoint>) {
    for c in e.elements() {
        if c.name == "controlaccess" {
            read_controlaccess(c, out);
        } else if is_access_point(&c.name) {
            out.push(access_point(c));
        }
    }
}

/// Whether `s` is an ISO 8601 calendar date (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`, `YYYYMM`, `YYYYMMDD`)
/// or a range of two of them separated by `/`, as EAD `@normal` requires.
pub fn is_normal_date(s: &str) -> bool {
    fn date(s: &str) -> bool {
        let b = s.as_bytes();
        let digits = |r: &[u8]| r.iter().all(u8::is_ascii_digit);
        let month = |m: &[u8]| {
            matches!(
                std::str::from_utf8(m)
                    .ok()
                    .and_then(|m| m.parse::<u8>().ok()),
                Some(1..=12)
            )
        };
        let day = |d: &[u8]| {
            matches!(
                std::str::from_utf8(d)
                    .ok()
                    .and_then(|d| d.parse::<u8>().ok()),
                Some(1..=31)
            )
        };
        match b.len() {
            4 => digits(b),
            6 => digits(b) && month(&b[4..6]),
            7 => digits(&b[..4]) && b[4] == b'-' && digits(&b[5..]) && month(&b[5..7]),
            8 => digits(b) && month(&b[4..6]) && day(&b[6..8]),
            10 => {
                digits(&b[..4])
                    && b[4] == b'-'
                    && b[7] == b'-'
                    && digits(&b[5..7])
                    && digits(&b[8..])
                    && month(&b[5..7])
                    && day(&b[8..10])
            }
            _ => false,
        }
    }
    match s.split_once('/') {
        Some((a, b)) => date(a) && date(b),
        None => date(s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_dates() {
        for ok in [
            "1900",
            "1900/1950",
            "1900-01",
            "1900-01-31/1901",
            "19000131",
            "190001",
        ] {
            assert!(is_normal_date(ok), "{ok}");
        }
        for bad in [
            "",
            "19xx",
            "1900-13",
            "1900/",
            "circa 1900",
            "1900-1950",
            "1900-01-32",
        ] {
            assert!(!is_normal_date(bad), "{bad}");
        }
    }
}
