//! Selection over a DC record: [`crate::select::Selectable`] for [`Record`].
//!
//! **Interim selector.** The project's namespace-blind path selector over [`Element`] trees
//! (`src/xml/path.rs`) is being written in parallel; [`PathSelector`] is a minimal stand-in with the
//! same syntax subset, to be replaced by a delegation to it (the record already holds its data as an
//! [`Element`] tree for that purpose). Supported syntax:
//!
//! - steps separated by `/`, each a name (a prefix such as `dc:` is ignored: names are
//!   namespace-blind) or `*`, optionally followed by one predicate `[@attr='value']` (or `"value"`);
//! - an optional last step `@attr` selecting an attribute value instead of the element's text.
//!
//! Attribute names compare by local name. A predicate value compares as written; for a QName value
//! such as `dcterms:LCSH`, the prefixes are ignored (`dct:LCSH` matches), in keeping with
//! namespace-blind names.
//!
//! **Context.** With [`Scope::RECORD`], a path whose first step is `header` is evaluated against the
//! record's synthetic root (see [`Record::tree`]), so it reaches the OAI header (`header/identifier`,
//! `header/setSpec`, `header/@status`); every other path is evaluated against the DC root (`title`,
//! `subject[@xsi:type='dcterms:LCSH']`, `date/@xsi:type`). With another scope, the path is evaluated
//! against that element.
//!
//! **Scopes** are the pre-order numbers of the elements of [`Record::tree`] (the synthetic root
//! excluded). The `part` of a [`Selected`] is 0 for an element's text and 1 + the attribute's index
//! for an attribute.
//!
//! ```
//! use crosswalk::dc::{Reader, Record};
//! use crosswalk::select::Selectable;
//! let xml = r#"<record><header><identifier>oai:a:1</identifier><setSpec>s1</setSpec></header>
//!   <metadata><dc xmlns:dcterms="http://purl.org/dc/terms/"
//!       xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
//!     <subject xsi:type="dcterms:LCSH">Harbors</subject><subject>boats</subject>
//!   </dc></metadata></record>"#;
//! let record = Reader::new(xml.as_bytes()).records().next().unwrap()?;
//! let sel = Record::compile("subject[@xsi:type='dcterms:LCSH']").unwrap();
//! let got: Vec<_> = record.select_all(&sel).into_iter().map(|s| s.value).collect();
//! assert_eq!(got, ["Harbors"]);
//! let sets = Record::compile("header/setSpec").unwrap();
//! assert_eq!(record.select_all(&sets)[0].value, "s1");
//! assert_eq!(record.record_id().as_deref(), Some("oai:a:1"));
//! # Ok::<(), crosswalk::dc::Error>(())
//! ```

use std::borrow::Cow;

use super::ns;
use super::record::{element_text, is_lang, Record};
use crate::select::{Origin, Scope, Selectable, Selected, SelectorError};
use crate::xml::{Attribute, Element};

/// A compiled path (see the [module documentation](self)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathSelector {
    expr: String,
    steps: Vec<Step>,
    attr: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Step {
    name: String,
    pred: Option<(String, String)>,
}

fn local(name: &str) -> &str {
    name.rsplit_once(':').map_or(name, |(_, l)| l)
}

impl Step {
    fn matches(&self, e: &Element) -> bool {
        (self.name == "*" || self.name == e.name)
            && self.pred.as_ref().is_none_or(|(attr, want)| {
                e.attrs
                    .iter()
                    .filter(|a| !is_decl(a) && a.local == *attr)
                    .any(|a| value_matches(&a.value, want))
            })
    }
}

fn value_matches(have: &str, want: &str) -> bool {
    let have = have.trim();
    have == want
        || (have.contains(':')
            && want.contains(':')
            && !want.contains('/')
            && local(have) == local(want))
}

fn is_decl(a: &Attribute) -> bool {
    a.qname == "xmlns" || a.qname.starts_with("xmlns:")
}

impl PathSelector {
    /// Parses a path.
    pub fn parse(expr: &str) -> Result<Self, SelectorError> {
        let err = |offset: usize, message: &str| SelectorError {
            expr: expr.to_string(),
            offset,
            message: message.to_string(),
        };
        let chars: Vec<(usize, char)> = expr.char_indices().collect();
        let mut steps = Vec::new();
        let mut attr = None;
        let mut i = 0;
        if chars.is_empty() {
            return Err(err(0, "empty path"));
        }
        loop {
            let step_start = i;
            if attr.is_some() {
                return Err(err(step_start, "an attribute step must be the last one"));
            }
            let is_attr = chars.get(i).is_some_and(|&(_, c)| c == '@');
            if is_attr {
                i += 1;
            }
            let name_start = i;
            while i < chars.len() && !matches!(chars[i].1, '/' | '[') {
                i += 1;
            }
            let name: String = chars[name_start..i].iter().map(|&(_, c)| c).collect();
            let name = name.trim();
            if name.is_empty()
                || name
                    .chars()
                    .any(|c| c.is_whitespace() || matches!(c, '\'' | '"' | ']' | '@' | '='))
            {
                return Err(err(name_start, "expected a name"));
            }
            let name = local(name).to_string();
            if is_attr {
                if chars.get(i).is_some_and(|&(_, c)| c == '[') {
                    return Err(err(i, "no predicate on an attribute"));
                }
                attr = Some(name);
            } else {
                let mut pred = None;
                if chars.get(i).is_some_and(|&(_, c)| c == '[') {
                    let p = i;
                    i += 1;
                    if chars.get(i).map(|&(_, c)| c) != Some('@') {
                        return Err(err(i, "expected [@attr='value']"));
                    }
                    i += 1;
                    let a0 = i;
                    while i < chars.len() && chars[i].1 != '=' {
                        i += 1;
                    }
                    let aname: String = chars[a0..i].iter().map(|&(_, c)| c).collect();
                    i += 1;
                    let quote = chars.get(i).map(|&(_, c)| c);
                    if !matches!(quote, Some('\'') | Some('"')) {
                        return Err(err(i.min(chars.len()), "expected a quoted value"));
                    }
                    i += 1;
                    let v0 = i;
                    while i < chars.len() && Some(chars[i].1) != quote {
                        i += 1;
                    }
                    if i >= chars.len() {
                        return Err(err(p, "unterminated predicate"));
                    }
                    let value: String = chars[v0..i].iter().map(|&(_, c)| c).collect();
                    i += 1;
                    if chars.get(i).map(|&(_, c)| c) != Some(']') {
                        return Err(err(i.min(chars.len()), "expected `]`"));
                    }
                    i += 1;
                    let aname = aname.trim();
                    if aname.is_empty() {
                        return Err(err(a0, "expected an attribute name"));
                    }
                    pred = Some((local(aname).to_string(), value));
                }
                steps.push(Step { name, pred });
            }
            match chars.get(i) {
                None => break,
                Some(&(_, '/')) => i += 1,
                Some(&(off, _)) => return Err(err(off, "expected `/` or the end")),
            }
        }
        Ok(Self {
            expr: expr.to_string(),
            steps,
            attr,
        })
    }

    /// The expression as written.
    pub fn as_str(&self) -> &str {
        &self.expr
    }
}

/// Number of element descendants.
fn count_desc(e: &Element) -> u32 {
    e.elements().map(|c| 1 + count_desc(c)).sum()
}

fn own_lang(e: &Element) -> Option<&str> {
    e.attrs
        .iter()
        .find(|a| is_lang(a))
        .map(|a| a.value.as_str())
}

/// Finds element `index` (pre-order, below `root`), with its inherited language.
fn find<'a>(
    root: &'a Element,
    index: u32,
    counter: &mut u32,
    lang: Option<&'a str>,
    trail: &mut Vec<&'a Element>,
) -> Option<(&'a Element, Option<&'a str>)> {
    for c in root.elements() {
        let lang = own_lang(c).or(lang);
        if *counter == index {
            trail.push(c);
            return Some((c, lang));
        }
        *counter += 1;
        let size = count_desc(c);
        if index < *counter + size {
            trail.push(c);
            return find(c, index, counter, lang, trail);
        }
        *counter += size;
    }
    None
}

impl Selectable for Record {
    type Selector = PathSelector;

    const FORMAT: &'static str = "dc";

    fn compile(expr: &str) -> Result<PathSelector, SelectorError> {
        PathSelector::parse(expr)
    }

    fn select<'a>(
        &'a self,
        selector: &PathSelector,
        scope: Scope,
        visit: &mut dyn FnMut(Selected<'a>),
    ) {
        let (ctx, ctx_idx, lang): (&'a Element, Option<u32>, Option<&'a str>) =
            if scope == Scope::RECORD {
                if selector.steps.first().is_some_and(|s| s.name == "header") {
                    (&self.tree, None, None)
                } else {
                    let Some(m) = self.metadata() else { return };
                    let idx = self.header_element().map_or(0, |h| 1 + count_desc(h));
                    (m, Some(idx), own_lang(m))
                }
            } else {
                let mut counter = 0;
                match find(&self.tree, scope.0, &mut counter, None, &mut Vec::new()) {
                    Some((e, lang)) => (e, Some(scope.0), lang),
                    None => return,
                }
            };
        let mut w = WalkLocal {
            steps: &selector.steps,
            attr: selector.attr.as_deref(),
            visit,
        };
        if selector.steps.is_empty() {
            if let Some(idx) = ctx_idx {
                w.emit(ctx, idx, lang);
            }
        } else {
            let mut counter = ctx_idx.map_or(0, |i| i + 1);
            w.walk(ctx, &mut counter, 0, lang);
        }
    }

    fn record_id(&self) -> Option<Cow<'_, str>> {
        self.id().map(Cow::Borrowed)
    }

    fn origin(&self, scope: Scope, part: u32) -> Origin {
        let mut trail = Vec::new();
        let mut counter = 0;
        let Some((e, _)) = find(&self.tree, scope.0, &mut counter, None, &mut trail) else {
            return Origin {
                path: "record".into(),
                part: None,
            };
        };
        let in_header = self
            .header_element()
            .is_some_and(|h| std::ptr::eq(h, trail[0]));
        let mut path = String::new();
        let mut parent: &Element = &self.tree;
        for (depth, el) in trail.iter().enumerate() {
            let occ = parent
                .children_named(&el.name)
                .position(|c| std::ptr::eq(c, *el))
                .unwrap_or(0);
            parent = el;
            if depth == 0 {
                if in_header {
                    path.push_str("header");
                } else if trail.len() == 1 {
                    path.push_str(&el.name);
                }
                continue;
            }
            if !path.is_empty() {
                path.push('/');
            }
            path.push_str(&format!("{}[{occ}]", el.name));
        }
        let part = (part > 0)
            .then(|| e.attrs.get(part as usize - 1))
            .flatten()
            .map(|a| format!("/@{}", attr_key(a)));
        Origin { path, part }
    }

    fn inventory(&self, visit: &mut dyn FnMut(&str)) {
        if let Some(h) = self.header_element() {
            let mut key = String::from("header");
            inventory_of(h, &mut key, visit);
        }
        if let Some(m) = self.metadata() {
            for c in m.elements() {
                let mut key = c.name.clone();
                visit(&key);
                inventory_of(c, &mut key, visit);
            }
        }
    }
}

/// Attribute key: `xsi:type`, `xml:lang`, else the local name.
fn attr_key(a: &Attribute) -> Cow<'_, str> {
    match a.ns.as_deref() {
        Some(ns::XSI) => Cow::Owned(format!("xsi:{}", a.local)),
        Some(ns::XML) => Cow::Owned(format!("xml:{}", a.local)),
        _ if a.qname.starts_with("xml:") => Cow::Borrowed(a.qname.as_str()),
        _ => Cow::Borrowed(a.local.as_str()),
    }
}

/// Visits `key/@attr` for the attributes of `e`, then `key/child` (recursively) for its children.
fn inventory_of(e: &Element, key: &mut String, visit: &mut dyn FnMut(&str)) {
    let len = key.len();
    for a in &e.attrs {
        if is_decl(a) {
            continue;
        }
        key.push_str("/@");
        key.push_str(&attr_key(a));
        visit(key);
        key.truncate(len);
    }
    for c in e.elements() {
        key.push('/');
        key.push_str(&c.name);
        visit(key);
        inventory_of(c, key, visit);
        key.truncate(len);
    }
}

struct WalkLocal<'s, 'a, 'v> {
    steps: &'s [Step],
    attr: Option<&'s str>,
    visit: &'v mut dyn FnMut(Selected<'a>),
}

impl<'a> WalkLocal<'_, 'a, '_> {
    fn emit(&mut self, e: &'a Element, idx: u32, lang: Option<&'a str>) {
        match self.attr {
            Some(name) => {
                for (i, a) in e.attrs.iter().enumerate() {
                    if !is_decl(a) && a.local == name {
                        (self.visit)(Selected {
                            value: Cow::Borrowed(a.value.as_str()),
                            lang,
                            scope: Scope(idx),
                            part: i as u32 + 1,
                        });
                    }
                }
            }
            None => {
                let text = element_text(e);
                if !text.is_empty() {
                    (self.visit)(Selected {
                        value: Cow::Owned(text),
                        lang,
                        scope: Scope(idx),
                        part: 0,
                    });
                }
            }
        }
    }

    fn walk(&mut self, e: &'a Element, counter: &mut u32, depth: usize, lang: Option<&'a str>) {
        for c in e.elements() {
            let idx = *counter;
            *counter += 1;
            if self.steps[depth].matches(c) {
                let lang = own_lang(c).or(lang);
                if depth + 1 == self.steps.len() {
                    self.emit(c, idx, lang);
                    *counter += count_desc(c);
                } else {
                    self.walk(c, counter, depth + 1, lang);
                }
            } else {
                *counter += count_desc(c);
            }
        }
    }
}
