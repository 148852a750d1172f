//! A minimal, namespace-blind path selector over a component's own description, and the
//! [`Selectable`] implementation of [`Component`].
//!
//! **Stop-gap:** the crate's general path selector over [`Element`] trees (`crate::xml::path`) is
//! being written in parallel. This module supports only what the EAD crosswalks need today and is
//! meant to be replaced by it: `Selectable for Component` only calls [`PathSelector::compile`] and
//! [`PathSelector::select`], so swapping the selector type is a local change.
//!
//! Syntax: steps of local names separated by `/` (`did/unittitle`), `*` for any element, an
//! optional attribute predicate per step (`controlaccess/persname[@source='lcnaf']`,
//! `[@source]` for presence), and an optional final attribute (`did/unitdate/@normal`). Paths are
//! relative to the component element (or to the scope being selected in); `.` selects the scope
//! itself.
//!
//! Scopes are the pre-order numbers of elements in the component's tree (the component element is
//! 0). Parts: 0 is an element's text, `n + 1` its `n`th attribute.

use std::borrow::Cow;

use super::component::Component;
use crate::select::{Origin, Scope, Selectable, Selected, SelectorError};
use crate::xml::Element;

/// One step of a [`PathSelector`].
#[derive(Debug, Clone, PartialEq, Eq)]
struct Step {
    /// Local name, or `*`.
    name: String,
    /// `[@attr]` or `[@attr='value']`.
    predicate: Option<(String, Option<String>)>,
}

/// A compiled selector (see the module documentation for the syntax).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathSelector {
    steps: Vec<Step>,
    attribute: Option<String>,
}

fn err(expr: &str, offset: usize, message: &str) -> SelectorError {
    SelectorError {
        expr: expr.to_string(),
        offset,
        message: message.to_string(),
    }
}

fn is_name(s: &str) -> bool {
    s == "*"
        || (!s.is_empty()
            && s.chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ':')))
}

impl PathSelector {
    /// Compiles `expr`.
    ///
    /// ```
    /// use crosswalk::ead::PathSelector;
    /// assert!(PathSelector::compile("controlaccess/persname[@source='lcnaf']").is_ok());
    /// assert!(PathSelector::compile("did/unitdate/@normal").is_ok());
    /// assert!(PathSelector::compile("did//x").is_err());
    /// ```
    pub fn compile(expr: &str) -> Result<Self, SelectorError> {
        let mut steps = Vec::new();
        let mut attribute = None;
        if expr.trim() == "." {
            return Ok(Self { steps, attribute });
        }
        let mut offset = 0;
        let segments: Vec<&str> = expr.split('/').collect();
        for (i, seg) in segments.iter().enumerate() {
            let last = i + 1 == segments.len();
            if let Some(a) = seg.strip_prefix('@') {
                if !last || !is_name(a) || a == "*" {
                    return Err(err(expr, offset, "an attribute must be the last step"));
                }
                attribute = Some(a.split(':').next_back().unwrap_or(a).to_string());
            } else {
                let (name, predicate) = match seg.find('[') {
                    None => (*seg, None),
                    Some(open) => {
                        let Some(inner) = seg[open + 1..].strip_suffix(']') else {
                            return Err(err(expr, offset + open, "unclosed ["));
                        };
                        let Some(inner) = inner.strip_prefix('@') else {
                            return Err(err(
                                expr,
                                offset + open + 1,
                                "only [@attr] and [@attr='value'] are supported",
                            ));
                        };
                        let pred = match inner.split_once('=') {
                            None => (inner.to_string(), None),
                            Some((a, v)) => {
                                let v = v.trim();
                                let unq = v
                                    .strip_prefix('\'')
                                    .and_then(|v| v.strip_suffix('\''))
                                    .or_else(|| {
                                        v.strip_prefix('"').and_then(|v| v.strip_suffix('"'))
                                    });
                                let Some(unq) = unq else {
                                    return Err(err(
                                        expr,
                                        offset + open,
                                        "the value must be quoted",
                                    ));
                                };
                                (a.trim().to_string(), Some(unq.to_string()))
                            }
                        };
                        if !is_name(&pred.0) {
                            return Err(err(expr, offset + open + 1, "bad attribute name"));
                        }
                        (&seg[..open], Some(pred))
                    }
                };
                if !is_name(name) {
                    return Err(err(expr, offset, "expected an element name"));
                }
                steps.push(Step {
                    name: name.split(':').next_back().unwrap_or(name).to_string(),
                    predicate,
                });
            }
            offset += seg.len() + 1;
        }
        Ok(Self { steps, attribute })
    }

    /// Calls `visit(scope number, element)` for every element the steps pick below `root`, whose
    /// own pre-order number is `base`.
    fn walk<'a>(&self, root: &'a Element, base: u32, visit: &mut dyn FnMut(u32, &'a Element)) {
        fn rec<'a>(
            steps: &[Step],
            e: &'a Element,
            num: &mut u32,
            depth: usize,
            matched: bool,
            visit: &mut dyn FnMut(u32, &'a Element),
        ) {
            let me = *num;
            if matched && depth == steps.len() {
                visit(me, e);
            }
            for c in e.elements() {
                *num += 1;
                let ok = matched && depth < steps.len() && step_matches(&steps[depth], c);
                rec(steps, c, num, depth + 1, ok, visit);
            }
        }
        let mut num = base;
        rec(&self.steps, root, &mut num, 0, true, visit);
    }
}

fn step_matches(step: &Step, e: &Element) -> bool {
    (step.name == "*" || step.name == e.name)
        && match &step.predicate {
            None => true,
            Some((a, None)) => e.attr(a).is_some(),
            Some((a, Some(v))) => e.attr(a) == Some(v.as_str()),
        }
}

/// The element with pre-order number `n` under `root`, and its ancestors' (name, occurrence) path.
fn find(root: &Element, n: u32) -> Option<(&Element, Vec<(String, usize)>)> {
    fn rec<'a>(
        e: &'a Element,
        num: &mut u32,
        target: u32,
        path: &mut Vec<(String, usize)>,
    ) -> Option<&'a Element> {
        if *num == target {
            return Some(e);
        }
        let mut seen: Vec<(&str, usize)> = Vec::new();
        for c in e.elements() {
            *num += 1;
            let occ = match seen.iter_mut().find(|(n, _)| *n == c.name) {
                Some((_, k)) => {
                    *k += 1;
                    *k
                }
                None => {
                    seen.push((&c.name, 0));
                    0
                }
            };
            path.push((c.name.clone(), occ));
            if let Some(found) = rec(c, num, target, path) {
                return Some(found);
            }
            path.pop();
        }
        None
    }
    let mut path = Vec::new();
    let mut num = 0;
    rec(root, &mut num, n, &mut path).map(|e| (e, path))
}

fn lang(e: &Element) -> Option<&str> {
    e.attrs
        .iter()
        .find(|a| a.qname == "xml:lang")
        .map(|a| a.value.as_str())
}

impl Selectable for Component {
    type Selector = PathSelector;
    const FORMAT: &'static str = "ead";

    fn compile(expr: &str) -> Result<PathSelector, SelectorError> {
        PathSelector::compile(expr)
    }

    fn select<'a>(
        &'a self,
        selector: &PathSelector,
        scope: Scope,
        visit: &mut dyn FnMut(Selected<'a>),
    ) {
        let (root, base) = if scope == Scope::RECORD {
            (&self.element, 0)
        } else {
            match find(&self.element, scope.0) {
                Some((e, _)) => (e, scope.0),
                None => return,
            }
        };
        selector.walk(root, base, &mut |num, e| match &selector.attribute {
            None => visit(Selected {
                value: super::component::element_value(e),
                lang: lang(e),
                scope: Scope(num),
                part: 0,
            }),
            Some(a) => {
                if let Some((i, at)) = e
                    .attrs
                    .iter()
                    .enumerate()
                    .find(|(_, x)| x.local == *a && !x.qname.starts_with("xmlns"))
                {
                    visit(Selected {
                        value: Cow::Borrowed(at.value.as_str()),
                        lang: lang(e),
                        scope: Scope(num),
                        part: i as u32 + 1,
                    });
                }
            }
        });
    }

    fn record_id(&self) -> Option<Cow<'_, str>> {
        self.record_id.as_deref().map(Cow::Borrowed)
    }

    fn origin(&self, scope: Scope, part: u32) -> Origin {
        let n = if scope == Scope::RECORD { 0 } else { scope.0 };
        let mut path = self.element.name.clone();
        let mut el = Some(&self.element);
        if n != 0 {
            el = None;
            if let Some((e, ancestors)) = find(&self.element, n) {
                el = Some(e);
                for (name, occ) in ancestors {
                    path.push_str(&format!("/{name}[{occ}]"));
                }
            }
        }
        let part = match (part, el) {
            (0, _) => None,
            (p, Some(e)) => e
                .attrs
                .get(p as usize - 1)
                .map(|a| format!("/@{}", a.local)),
            (_, None) => None,
        };
        Origin { path, part }
    }

    fn inventory(&self, visit: &mut dyn FnMut(&str)) {
        fn rec(e: &Element, key: &mut String, visit: &mut dyn FnMut(&str)) {
            let len = key.len();
            for a in &e.attrs {
                if a.qname.starts_with("xmlns") {
                    continue;
                }
                if !key.is_empty() {
                    key.push('/');
                }
                key.push('@');
                key.push_str(&a.local);
                visit(key);
                key.truncate(len);
            }
            for c in e.elements() {
                if !key.is_empty() {
                    key.push('/');
                }
                key.push_str(&c.name);
                visit(key);
                rec(c, key, visit);
                key.truncate(len);
            }
        }
        let mut key = String::new();
        rec(&self.element, &mut key, visit);
    }
}
