//! The DC record model: OAI header, the metadata tree and the list of values.

use std::borrow::Cow;
use std::sync::Arc;

use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

use super::ns;
use crate::diagnostic::{Diagnostic, Location, Position, Severity};
use crate::xml::{normalize_space, Attribute, Element, Node};

/// The OAI-PMH record header.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Header {
    /// `<identifier>` (whitespace-normalised), if present.
    pub identifier: Option<String>,
    /// `<datestamp>`, as written.
    pub datestamp: Option<String>,
    /// Every `<setSpec>`, in order.
    pub set_specs: Vec<String>,
    /// The `status` attribute as written (`deleted` is the only value OAI-PMH defines).
    pub status: Option<String>,
}

impl Header {
    /// Whether the header says `status="deleted"`.
    pub fn is_deleted(&self) -> bool {
        self.status.as_deref() == Some("deleted")
    }
}

/// Which vocabulary an element of a record belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Vocabulary {
    /// The DC 1.1 namespace `http://purl.org/dc/elements/1.1/`.
    Elements,
    /// The DCMI terms namespace `http://purl.org/dc/terms/`.
    Terms,
    /// No namespace (a stripped harvest); read as DC 1.1 by local name.
    Unqualified,
    /// Any other namespace (`edm:`, `dpla:`, ...).
    Other,
}

/// An encoding scheme given by `xsi:type` (`dcterms:W3CDTF`, `dcterms:LCSH`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scheme {
    /// The attribute value as written (`dcterms:LCSH`).
    pub raw: String,
    /// The namespace the prefix is bound to where the attribute appears; `None` when the prefix is
    /// not declared (reported as `unbound-scheme-prefix`) or there is no prefix and no default
    /// namespace.
    pub ns: Option<String>,
    /// The local part (`LCSH`).
    pub local: String,
}

impl Scheme {
    /// The scheme as one IRI (namespace + local name), when the namespace is known:
    /// `http://purl.org/dc/terms/LCSH`.
    pub fn iri(&self) -> Option<String> {
        self.ns.as_ref().map(|n| format!("{n}{}", self.local))
    }
}

/// One metadata value: a child element of the DC root.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Value {
    /// The element's namespace URI (`None` without namespace); shared between values.
    pub ns: Option<Arc<str>>,
    /// The element's local name (`title`, `created`, `spatial`).
    pub name: String,
    /// The text: all character data below the element, whitespace-normalised, in NFC.
    pub text: String,
    /// `xml:lang` on the element or inherited from an ancestor.
    pub lang: Option<String>,
    /// `xsi:type`, resolved.
    pub scheme: Option<Scheme>,
    /// Other attributes (namespace declarations, `xml:lang` and `xsi:type` excluded).
    pub attrs: Vec<Attribute>,
    /// Where the element starts.
    pub position: Position,
}

impl Value {
    /// The vocabulary of the element.
    pub fn vocabulary(&self) -> Vocabulary {
        match self.ns.as_deref() {
            Some(ns::DC) => Vocabulary::Elements,
            Some(ns::DCTERMS) => Vocabulary::Terms,
            None => Vocabulary::Unqualified,
            Some(_) => Vocabulary::Other,
        }
    }

    /// The property IRI: namespace + local name, with DC 1.1 assumed for unprefixed DC element names.
    /// `None` for unqualified names that are not DC elements.
    pub fn iri(&self) -> Option<String> {
        match &self.ns {
            Some(n) => Some(format!("{n}{}", self.name)),
            None if super::DC_ELEMENTS.contains(&self.name.as_str()) => {
                Some(format!("{}{}", ns::DC, self.name))
            }
            None => None,
        }
    }

    /// The value of the first other attribute with this local name.
    pub fn attr(&self, local: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|a| a.local == local)
            .map(|a| a.value.as_str())
    }
}

/// One DC record, read by [`super::Reader`].
///
/// See the [module documentation](super) for the model and the tree used for selection.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Record {
    pub(crate) position: Position,
    pub(crate) header: Option<Header>,
    pub(crate) tree: Element,
    pub(crate) has_header_element: bool,
    pub(crate) has_metadata: bool,
    pub(crate) values: Vec<Value>,
    pub(crate) diagnostics: Vec<Diagnostic>,
}

impl Record {
    /// An empty record, to be filled by [`super::Reader::read_record`].
    pub fn new() -> Self {
        Self::default()
    }

    /// Record ordinal (1-based), byte offset and line:column of the record's start tag.
    pub fn position(&self) -> Position {
        self.position
    }

    /// The OAI header, for records from an OAI-PMH response.
    pub fn header(&self) -> Option<&Header> {
        self.header.as_ref()
    }

    /// Whether the OAI header says `status="deleted"`. A deleted record usually has no metadata.
    pub fn is_deleted(&self) -> bool {
        self.header.as_ref().is_some_and(Header::is_deleted)
    }

    /// The record's identifier: the OAI identifier, else the first `identifier` value.
    pub fn id(&self) -> Option<&str> {
        self.header
            .as_ref()
            .and_then(|h| h.identifier.as_deref())
            .or_else(|| {
                self.values
                    .iter()
                    .find(|v| v.name == "identifier" && v.vocabulary() != Vocabulary::Other)
                    .map(|v| v.text.as_str())
            })
    }

    /// The values: every child element of the DC root, in document order (empty ones excluded).
    pub fn values(&self) -> &[Value] {
        &self.values
    }

    /// The values of elements with this local name, whatever their namespace (`title` finds both
    /// `dc:title` and `dcterms:title`).
    pub fn values_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Value> + 'a {
        self.values.iter().filter(move |v| v.name == name)
    }

    /// The selectable tree: a synthetic root `record` holding the OAI `header` element (if any)
    /// and the DC root element (if any), in that order.
    pub fn tree(&self) -> &Element {
        &self.tree
    }

    /// The OAI `header` element, as read.
    pub fn header_element(&self) -> Option<&Element> {
        if self.has_header_element {
            self.tree.elements().next()
        } else {
            None
        }
    }

    /// The DC root element (`oai_dc:dc`, `qualifieddc`, a bare `dc`/`record`/`metadata`...).
    pub fn metadata(&self) -> Option<&Element> {
        if self.has_metadata {
            self.tree.elements().last()
        } else {
            None
        }
    }

    /// Repairs and warnings about this record.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    pub(crate) fn clear(&mut self) {
        self.position = Position::default();
        self.header = None;
        self.tree = Element::default();
        self.has_header_element = false;
        self.has_metadata = false;
        self.diagnostics.clear();
    }
}

/// Namespace bindings in scope: (prefix, uri), innermost last; prefix "" is the default namespace.
#[derive(Debug, Default, Clone)]
pub(crate) struct Bindings(pub(crate) Vec<(String, String)>);

impl Bindings {
    pub(crate) fn push_decls(&mut self, attrs: &[Attribute]) {
        for a in attrs {
            if a.qname == "xmlns" {
                self.0.push((String::new(), a.value.clone()));
            } else if let Some(p) = a.qname.strip_prefix("xmlns:") {
                self.0.push((p.to_string(), a.value.clone()));
            }
        }
    }

    pub(crate) fn resolve(&self, prefix: &str) -> Option<&str> {
        if prefix == "xml" {
            return Some(ns::XML);
        }
        self.0
            .iter()
            .rev()
            .find(|(p, _)| p == prefix)
            .map(|(_, u)| u.as_str())
            .filter(|u| !u.is_empty())
    }
}

pub(crate) fn is_lang(a: &Attribute) -> bool {
    a.qname == "xml:lang"
}

pub(crate) fn is_xsi_type(a: &Attribute) -> bool {
    a.local == "type" && (a.ns.as_deref() == Some(ns::XSI) || a.qname == "xsi:type")
}

pub(crate) fn nfc(s: Cow<'_, str>) -> String {
    if s.is_ascii() {
        return s.into_owned();
    }
    match is_nfc_quick(s.chars()) {
        IsNormalized::Yes => s.into_owned(),
        _ => s.nfc().collect(),
    }
}

/// The whitespace-normalised NFC text of an element, with one allocation for the common case of
/// a single text child.
pub(crate) fn element_text(e: &Element) -> String {
    match e.children.as_slice() {
        [] => String::new(),
        [Node::Text(t)] => nfc(normalize_space(t)),
        _ => nfc(Cow::Owned(e.text())),
    }
}

/// Appends the whitespace-normalised NFC text of an element to `out` (expected empty).
pub(crate) fn push_element_text(e: &Element, out: &mut String) {
    match e.children.as_slice() {
        [] => {}
        [Node::Text(t)] => out.push_str(&normalize_space(t)),
        _ => out.push_str(&e.text()),
    }
    if !out.is_ascii() && is_nfc_quick(out.chars()) != IsNormalized::Yes {
        *out = out.nfc().collect();
    }
}

/// A shared copy of a namespace URI (a handful per file).
fn intern(interned: &mut Vec<Arc<str>>, ns: &str) -> Arc<str> {
    if let Some(a) = interned.iter().find(|a| &***a == ns) {
        return a.clone();
    }
    let a: Arc<str> = Arc::from(ns);
    if interned.len() < 64 {
        interned.push(a.clone());
    }
    a
}

/// Whether an element is a DC container by name.
pub(crate) fn is_dc_container_name(name: &str) -> bool {
    matches!(name, "dc" | "qualifieddc")
}

/// Whether an element's children include DC or DCMI-terms elements.
pub(crate) fn has_dc_children(e: &Element) -> bool {
    e.elements()
        .any(|c| matches!(c.ns.as_deref(), Some(ns::DC) | Some(ns::DCTERMS)))
}

/// Context for building diagnostics of one record.
pub(crate) struct DiagContext<'a> {
    pub(crate) file: Option<&'a Arc<str>>,
    pub(crate) record_id: Option<&'a str>,
    pub(crate) ordinal: u64,
}

impl DiagContext<'_> {
    pub(crate) fn diag(
        &self,
        severity: Severity,
        kind: &'static str,
        position: Position,
        field: Option<String>,
        message: String,
    ) -> Diagnostic {
        Diagnostic {
            severity,
            kind,
            location: Location {
                file: self.file.cloned(),
                position,
                record_id: self.record_id.map(str::to_string),
                field,
            },
            message,
        }
    }
}

/// Builds the values of a DC root element. `bindings` holds the namespace declarations in scope
/// outside `root` (root's own are added here); `lang` the inherited `xml:lang`.
pub(crate) fn extract_values(
    root: &Element,
    bindings: &mut Bindings,
    inherited_lang: Option<&str>,
    ctx: &DiagContext<'_>,
    values: &mut Vec<Value>,
    diags: &mut Vec<Diagnostic>,
    interned: &mut Vec<Arc<str>>,
) {
    let mark = bindings.0.len();
    bindings.push_decls(&root.attrs);
    let root_lang = root
        .attrs
        .iter()
        .find(|a| is_lang(a))
        .map(|a| a.value.as_str())
        .or(inherited_lang);
    let mut count = 0;
    let mut occurrences: Vec<(&str, u32)> = Vec::new();
    let mut unqualified = false;
    for child in root.elements() {
        let occ = match occurrences.iter_mut().find(|(n, _)| *n == child.name) {
            Some((_, c)) => {
                *c += 1;
                *c - 1
            }
            None => {
                occurrences.push((&child.name, 1));
                0
            }
        };
        let mut position = child.position;
        position.record = ctx.ordinal;
        let field = || Some(format!("{}[{occ}]", child.name));
        let inner_mark = bindings.0.len();
        bindings.push_decls(&child.attrs);
        let mut lang = root_lang;
        let mut scheme = None;
        let mut attrs = Vec::new();
        for a in &child.attrs {
            if a.qname == "xmlns" || a.qname.starts_with("xmlns:") {
                continue;
            }
            if is_lang(a) {
                lang = Some(a.value.as_str());
            } else if is_xsi_type(a) {
                let raw = a.value.trim();
                let (prefix, local) = match raw.split_once(':') {
                    Some((p, l)) => (p, l),
                    None => ("", raw),
                };
                let ns = bindings.resolve(prefix).map(str::to_string);
                if ns.is_none() && !prefix.is_empty() {
                    diags.push(ctx.diag(
                        Severity::Warning,
                        "unbound-scheme-prefix",
                        position,
                        field(),
                        format!(
                            "xsi:type=\"{raw}\": prefix `{prefix}` is not declared; scheme kept \
                             without namespace"
                        ),
                    ));
                }
                scheme = Some(Scheme {
                    raw: raw.to_string(),
                    ns,
                    local: local.to_string(),
                });
            } else {
                attrs.push(a.clone());
            }
        }
        bindings.0.truncate(inner_mark);
        if count == values.len() {
            values.push(Value::default());
        }
        let slot = &mut values[count];
        slot.text.clear();
        push_element_text(child, &mut slot.text);
        let empty = slot.text.is_empty();
        match child.ns.as_deref() {
            Some(ns::DC) if !super::DC_ELEMENTS.contains(&child.name.as_str()) => {
                let hint = if super::DCTERMS_PROPERTIES.contains(&child.name.as_str()) {
                    " (it is a DCMI terms property: dcterms:".to_string() + &child.name + ")"
                } else {
                    String::new()
                };
                diags.push(ctx.diag(
                    Severity::Warning,
                    "unknown-dc-element",
                    position,
                    field(),
                    format!(
                        "`{}` is not one of the 15 DC 1.1 elements{hint}; kept",
                        child.name
                    ),
                ));
            }
            Some(ns::DCTERMS) if !super::DCTERMS_PROPERTIES.contains(&child.name.as_str()) => {
                diags.push(ctx.diag(
                    Severity::Warning,
                    "unknown-dcterms-term",
                    position,
                    field(),
                    format!("`{}` is not a DCMI terms property; kept", child.name),
                ));
            }
            Some(ns::DC) | Some(ns::DCTERMS) => {}
            None => unqualified = true,
            Some(other) => diags.push(ctx.diag(
                Severity::Info,
                "foreign-element",
                position,
                field(),
                format!(
                    "`{}` in namespace {other} is not Dublin Core; kept",
                    child.name
                ),
            )),
        }
        if empty && attrs.is_empty() && scheme.is_none() {
            diags.push(ctx.diag(
                Severity::Info,
                "empty-element",
                position,
                field(),
                format!("`{}` is empty; not listed as a value", child.name),
            ));
            continue;
        }
        let slot = &mut values[count];
        count += 1;
        slot.ns = child.ns.as_deref().map(|n| intern(interned, n));
        slot.name.clear();
        slot.name.push_str(&child.name);
        match (&mut slot.lang, lang) {
            (Some(have), Some(l)) => {
                have.clear();
                have.push_str(l);
            }
            (have, l) => *have = l.map(str::to_string),
        }
        slot.scheme = scheme;
        slot.attrs = attrs;
        slot.position = position;
    }
    if unqualified {
        let mut position = root.position;
        position.record = ctx.ordinal;
        diags.push(ctx.diag(
            Severity::Info,
            "no-namespace",
            position,
            None,
            "elements without namespace; DC element names read as DC 1.1".to_string(),
        ));
    }
    values.truncate(count);
    bindings.0.truncate(mark);
}

/// Builds a [`Header`] from an OAI `header` element.
pub(crate) fn parse_header(h: &Element) -> Header {
    let mut header = Header {
        status: h.attr("status").map(str::to_string),
        ..Header::default()
    };
    for c in h.elements() {
        match c.name.as_str() {
            "identifier" if header.identifier.is_none() => {
                header.identifier = Some(element_text(c))
            }
            "datestamp" if header.datestamp.is_none() => header.datestamp = Some(element_text(c)),
            "setSpec" => header.set_specs.push(element_text(c)),
            _ => {}
        }
    }
    header
}

/// Finds the DC root inside a metadata element: the element itself when it is a DC container or
/// has DC children, else the first such descendant (depth first). Returns the child-index path.
pub(crate) fn find_dc_root(e: &Element, path: &mut Vec<usize>) -> bool {
    if is_dc_container_name(&e.name) || has_dc_children(e) {
        return true;
    }
    for (i, c) in e.children.iter().enumerate() {
        if let Node::Element(c) = c {
            path.push(i);
            if find_dc_root(c, path) {
                return true;
            }
            path.pop();
        }
    }
    false
}

/// Removes and returns the element at `path` below `e` (the element itself for an empty path).
pub(crate) fn take_at(e: &mut Element, path: &[usize]) -> Element {
    match path.split_first() {
        None => std::mem::take(e),
        Some((&i, rest)) => match &mut e.children[i] {
            Node::Element(c) => take_at(c, rest),
            Node::Text(_) => unreachable!("paths only point at elements"),
        },
    }
}
