//! Namespace-blind path selectors over owned [`Element`] trees, for the XML formats (EAD
//! components and Dublin Core records).
//!
//! A mapping file names the values it wants with a short *path*, compiled once with [`compile`] and
//! evaluated over each record with [`select`]. A path is read relative to a *context element*: the
//! record's root element, or an element picked by an earlier selection (its [`Scope`]). Element and
//! attribute names are matched by their local name, whatever namespace (or none) the record uses,
//! so the same mapping reads EAD 2002 with or without its namespace, and `dc:title`,
//! `dcterms:title` and a bare `title` alike.
//!
//! # The language
//!
//! ## Steps
//!
//! | Path | Selects |
//! |---|---|
//! | `did/unittitle` | `unittitle` children of `did` children of the context |
//! | `*` | every child element |
//! | `controlaccess/*` | every child element of `controlaccess` |
//! | `**/persname` | `persname` elements at any depth below the context |
//! | `//persname` | the same: a leading `//` is `**/` |
//! | `controlaccess//persname` | the same as `controlaccess/**/persname` |
//! | `.` | the context element itself |
//! | `@id` | the `id` attribute of the context element |
//! | `did/unitdate/@normal` | the `normal` attribute of each `did/unitdate` |
//! | `did/@*` | every attribute of `did` (namespace declarations never count as attributes) |
//! | `**/@id` | every `id` attribute of the context element and of its descendants |
//! | `unittitle/text()` | only the text directly inside `unittitle`, not inside its children |
//!
//! Steps are separated by `/`; `**` stands for any number of elements (zero or more levels), so
//! `a/**/b` is every `b` at any depth below `a`. Paths only go down: there is no `..`, and a path
//! cannot start with a single `/` (it is always relative to the context).
//!
//! **Element names** are local names: write `title`, not `dc:title` (a prefix on an element step
//! is an error, so that nobody believes it distinguishes `dc:` from `dcterms:`).
//!
//! **Attribute names** are matched by local name in any namespace: `@href` matches `href` and
//! `xlink:href`, `@lang` matches `lang` and `xml:lang`. Three well-known prefixes narrow an
//! attribute to its namespace: `@xml:lang`, `@xsi:type`, `@xlink:href` (namespace
//! `http://www.w3.org/XML/1998/namespace`, `http://www.w3.org/2001/XMLSchema-instance` and
//! `http://www.w3.org/1999/xlink`; an attribute written with that prefix but left undeclared, as
//! careless EAD often does with `xlink:`, also matches). Other prefixes are an error. An attribute
//! step, like `text()`, must be the last step of its path.
//!
//! ## Alternatives
//!
//! `|` between whole paths selects what any of them selects, in document order and without
//! duplicates: `controlaccess/persname|controlaccess/corpname|controlaccess/famname`,
//! `did/unittitle|did/unitdate/@normal`.
//!
//! ## Predicates
//!
//! A step can be followed by any number of predicates in brackets; each keeps only the elements
//! for which it holds, in order:
//!
//! | Predicate | Keeps elements |
//! |---|---|
//! | `[@source='lcsh']` | whose `source` attribute is exactly `lcsh` (`"lcsh"` quotes too) |
//! | `[@source!='local']` | whose `source` is not `local`, **including those without `source`** (`!=` is `not(=)`) |
//! | `[@authfilenumber]` | that have the attribute |
//! | `[not(@audience)]`, `[!@audience]` | that do not have it |
//! | `[@level='series' or @level='file']`, `[@level='series' \| @level='file']` | where either holds |
//! | `[@source='lcsh' and @authfilenumber]` | where both hold |
//! | `[1]`, `[2]`, `[last()]` | by position among the siblings the step matches (1-based) |
//! | `[unitid]`, `[did/unitid]` | that have such a child or descendant path |
//! | `[unitid='A-1']`, `[.='Paris']`, `[text()='x']` | whose (child's, own, own direct) text equals the value |
//! | `[text()]` | that have text of their own (not only inside child elements) |
//! | `[contains(@href, 'viaf')]`, `[starts-with(., 'Smith')]`, `[ends-with(@normal, '/1950')]` | by substring |
//! | `[(@a or @b) and not(@c)]` | grouping with parentheses |
//!
//! A path inside a predicate is relative to the element being tested and holds when *any* of
//! the values it selects compares true. Comparisons are exact and case-sensitive; element text
//! is compared after whitespace normalisation, attribute values as written. An unquoted number
//! may stand for a quoted value in a comparison (`[@level=1]` is `[@level='1']`). Positions count
//! the preceding siblings that pass the step's name and the predicates written before the
//! position: `persname[@role='aut'][1]` is the first author, `persname[1][@role='aut']` is the
//! first `persname` if it is an author. `.` takes predicates too, but not positions:
//! `.[@level='file']/did/unittitle`.
//!
//! Regular expressions (`~`) are not supported; `contains()`, `starts-with()` and `ends-with()`
//! cover most needs without a regex engine.
//!
//! ## Values
//!
//! - An element's value is its text: all text inside it, including inside child elements, with
//!   white space normalised ([`Element::text`]). An element without text yields an empty value;
//!   it is still selected, so that rules can select again inside it.
//! - `text()` yields only the text directly inside the element, normalised.
//! - An attribute's value is its value as written (entities resolved).
//! - The language of a value is the nearest `xml:lang` on its element or the element's
//!   ancestors within the record (`xml:lang=""` cancels an inherited language).
//!
//! Values come in document order: an element, then its own text, then its attributes in the
//! order they are written, then what its descendants yield.
//!
//! # Using it from a format
//!
//! Build a [`PathIndex`] once per record, keep it next to the record's root element, and
//! delegate [`Selectable`](crate::select::Selectable) to [`compile`], [`select`], [`origin`] and
//! [`inventory`]:
//!
//! ```
//! use crosswalk::select::{Scope, Selected};
//! use crosswalk::xml::path::{self, PathIndex};
//! use crosswalk::xml::{XmlEvent, XmlReader};
//!
//! let doc = r#"<c01 level="file" xml:lang="en">
//!   <did><unittitle>Letters</unittitle><unitdate normal="1901/1903">1901-1903</unitdate></did>
//!   <controlaccess>
//!     <persname source="lcsh" authfilenumber="n79021164">Twain, Mark</persname>
//!     <persname source="local" xml:lang="fr">Verne, Jules</persname>
//!   </controlaccess>
//! </c01>"#;
//! let mut reader = XmlReader::new(doc.as_bytes());
//! let XmlEvent::Start(start) = reader.next_event()? else { unreachable!() };
//! let start = start.clone();
//! let root = reader.read_element(start)?;
//! let index = PathIndex::new(&root);
//!
//! let names = path::compile("controlaccess/persname[@source!='local']")?;
//! let mut found: Vec<Selected<'_>> = Vec::new();
//! path::select(&root, &index, Scope::RECORD, &names, &mut |s| found.push(s));
//! assert_eq!(found.len(), 1);
//! assert_eq!(found[0].value, "Twain, Mark");
//! assert_eq!(found[0].lang, Some("en"));
//!
//! // Select again inside the element that was found.
//! let id = path::compile("@authfilenumber")?;
//! let mut ids = Vec::new();
//! path::select(&root, &index, found[0].scope, &id, &mut |s| ids.push(s));
//! assert_eq!(ids[0].value, "n79021164");
//! assert_eq!(
//!     path::origin(&root, &index, ids[0].scope, ids[0].part).to_string(),
//!     "controlaccess[0]/persname[0]@authfilenumber"
//! );
//!
//! let mut keys = Vec::new();
//! path::inventory(&root, &mut |k| keys.push(k.to_string()));
//! assert!(keys.contains(&"did/unitdate/@normal".to_string()));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::borrow::Cow;
use std::fmt;
use std::ops::ControlFlow;
use std::str::FromStr;

use crate::select::{Origin, Scope, Selected, SelectorError};
use crate::xml::{normalize_space, Attribute, Element, Node};

mod compile;
#[cfg(test)]
mod tests;

/// Namespace URI of the `xml:` prefix.
pub const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";
/// Namespace URI of the `xsi:` prefix.
pub const XSI_NS: &str = "http://www.w3.org/2001/XMLSchema-instance";
/// Namespace URI of the `xlink:` prefix.
pub const XLINK_NS: &str = "http://www.w3.org/1999/xlink";

/// The `part` of a [`Selected`] value that is an element's value (its text).
pub const PART_ELEMENT: u32 = 0;
/// The `part` of a [`Selected`] value that is an element's direct text (`text()`).
/// Attribute values use `1 + ` the attribute's index in [`Element::attrs`].
pub const PART_TEXT: u32 = u32::MAX;

/// The largest number of steps one selector may have, all alternatives together (each path
/// counts its element steps, `**` and filtered `.` steps, plus one).
pub const MAX_STEPS: usize = 64;

/// A compiled path selector. Compile once with [`compile`] (or [`str::parse`]), evaluate with
/// [`select`] over any number of records.
///
/// ```
/// let sel: crosswalk::xml::path::PathSelector = "did/unittitle | did/unitdate/@normal".parse()?;
/// assert_eq!(sel.as_str(), "did/unittitle | did/unitdate/@normal");
/// # Ok::<(), crosswalk::select::SelectorError>(())
/// ```
#[derive(Debug, Clone)]
pub struct PathSelector {
    expr: Box<str>,
    prog: Program,
}

impl PathSelector {
    /// The expression this selector was compiled from.
    pub fn as_str(&self) -> &str {
        &self.expr
    }
}

impl fmt::Display for PathSelector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.expr)
    }
}

impl FromStr for PathSelector {
    type Err = SelectorError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        compile(s)
    }
}

/// Compiles a path selector (see the [module documentation](self) for the language).
///
/// Errors carry the 0-based character offset of the problem and say what is wrong:
///
/// ```
/// let err = crosswalk::xml::path::compile("did/unitdate[@type='x'").unwrap_err();
/// assert_eq!(err.offset, 12);
/// assert!(err.message.contains("missing ']'"));
/// ```
pub fn compile(expr: &str) -> Result<PathSelector, SelectorError> {
    Ok(PathSelector {
        expr: expr.into(),
        prog: compile::compile(expr)?,
    })
}

// ---------------------------------------------------------------------------------------------
// Compiled form
//
// A selector is a small nondeterministic automaton: the steps of all alternatives in one array,
// each alternative ending with an `Accept` step. While walking the tree in document order, each
// element carries the set of step indices it has reached (a u64 bit set), so one walk evaluates
// every alternative, yields document order without sorting, never yields an element twice, and
// does not allocate.

#[derive(Debug, Clone)]
enum NameTest {
    Any,
    Local(Box<str>),
}

impl NameTest {
    fn matches(&self, e: &Element) -> bool {
        match self {
            NameTest::Any => true,
            NameTest::Local(name) => e.name == **name,
        }
    }
}

#[derive(Debug, Clone)]
enum AttrTest {
    Any,
    Local(Box<str>),
    Qualified {
        ns: &'static str,
        qname: Box<str>,
        local: Box<str>,
    },
}

impl AttrTest {
    fn matches(&self, a: &Attribute) -> bool {
        if is_namespace_declaration(a) {
            return false;
        }
        match self {
            AttrTest::Any => true,
            AttrTest::Local(local) => a.local == **local,
            AttrTest::Qualified { ns, qname, local } => {
                a.local == **local
                    && match &a.ns {
                        Some(uri) => **uri == **ns,
                        None => a.qname == **qname,
                    }
            }
        }
    }
}

#[derive(Debug, Clone)]
enum Terminal {
    Element,
    Text,
    Attr(AttrTest),
}

#[derive(Debug, Clone)]
enum Step {
    /// A child element passing the test and the predicates.
    Child { test: NameTest, preds: Vec<Expr> },
    /// `**`: zero or more levels of elements.
    Gap,
    /// `.[...]`: the current element, if it passes the predicates (never positional).
    Filter(Vec<Expr>),
    /// The end of one alternative.
    Accept(Terminal),
}

#[derive(Debug, Clone)]
struct Program {
    steps: Vec<Step>,
    /// The first step of each alternative.
    starts: u64,
    /// `Accept` steps.
    accepts: u64,
    /// `Child` and `Gap` steps: the ones that move to children.
    moves: u64,
    /// `Gap` and `Filter` steps: the ones that may advance without moving.
    eps: u64,
}

impl Program {
    fn new(steps: Vec<Step>, starts: u64) -> Self {
        let (mut accepts, mut moves, mut eps) = (0, 0, 0);
        for (k, step) in steps.iter().enumerate() {
            let bit = 1u64 << k;
            match step {
                Step::Child { .. } => moves |= bit,
                Step::Gap => {
                    moves |= bit;
                    eps |= bit;
                }
                Step::Filter(_) => eps |= bit,
                Step::Accept(_) => accepts |= bit,
            }
        }
        Self {
            steps,
            starts,
            accepts,
            moves,
            eps,
        }
    }
}

#[derive(Debug, Clone)]
enum Expr {
    Or(Vec<Expr>),
    And(Vec<Expr>),
    Not(Box<Expr>),
    Position(u32),
    Last,
    Exists(Operand),
    Compare(Operand, Cmp, Box<str>),
}

#[derive(Debug, Clone, Copy)]
enum Cmp {
    Eq,
    Contains,
    StartsWith,
    EndsWith,
}

impl Cmp {
    fn holds(self, value: &str, literal: &str) -> bool {
        match self {
            Cmp::Eq => value == literal,
            Cmp::Contains => value.contains(literal),
            Cmp::StartsWith => value.starts_with(literal),
            Cmp::EndsWith => value.ends_with(literal),
        }
    }
}

#[derive(Debug, Clone)]
enum Operand {
    /// `.`: the element's text.
    Dot,
    /// `text()`: the element's direct text.
    Text,
    /// `@name`: an attribute of the element.
    Attr(AttrTest),
    /// Any other path, relative to the element.
    Path(Box<Program>),
}

// ---------------------------------------------------------------------------------------------
// Index

/// Numbers the elements of one record in document order (pre-order, the root is 0), so that a
/// [`Scope`] names an element and can be resolved back to it quickly.
///
/// The index owns no reference into the tree: build it once when the record is read and store it
/// beside the root element. It must be used with the tree it was built from.
///
/// ```
/// use crosswalk::select::Scope;
/// use crosswalk::xml::path::PathIndex;
/// use crosswalk::xml::{Element, Node};
///
/// let mut root = Element { name: "dc".into(), ..Element::default() };
/// root.children.push(Node::Element(Element { name: "title".into(), ..Element::default() }));
/// let index = PathIndex::new(&root);
/// assert_eq!(index.len(), 2);
/// assert_eq!(index.element(&root, Scope(1)).map(|e| e.name.as_str()), Some("title"));
/// assert_eq!(index.element(&root, Scope::RECORD).map(|e| e.name.as_str()), Some("dc"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PathIndex {
    /// For each element, the number following the last element of its subtree.
    ends: Vec<u32>,
}

impl PathIndex {
    /// Numbers the elements of the tree under `root` (inclusive).
    pub fn new(root: &Element) -> Self {
        fn number(e: &Element, ends: &mut Vec<u32>) {
            let me = ends.len();
            ends.push(0);
            for child in e.elements() {
                number(child, ends);
            }
            ends[me] = u32::try_from(ends.len()).unwrap_or(u32::MAX - 1);
        }
        let mut ends = Vec::new();
        number(root, &mut ends);
        Self { ends }
    }

    /// The number of elements in the tree, the root included.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether the index is empty (only for [`PathIndex::default`]; a tree has at least its root).
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The element a scope names ([`Scope::RECORD`] and `Scope(0)` are the root), or `None` for
    /// a scope that is not an element of this tree.
    pub fn element<'a>(&self, root: &'a Element, scope: Scope) -> Option<&'a Element> {
        self.resolve(root, scope, |_, _| {}).map(|r| r.0)
    }

    /// Finds the element numbered `scope`, with its number and language, calling `step` with
    /// each child taken on the way down (the child and its index among its parent's children).
    fn resolve<'a>(
        &self,
        root: &'a Element,
        scope: Scope,
        mut step: impl FnMut(&'a Element, usize),
    ) -> Option<(&'a Element, u32, Option<&'a str>)> {
        let target = if scope == Scope::RECORD { 0 } else { scope.0 };
        if target as usize >= self.ends.len() {
            return None;
        }
        let mut e = root;
        let mut num = 0u32;
        let mut lang = lang_of(root, None);
        'down: while num != target {
            let mut child = num + 1;
            for (i, node) in e.children.iter().enumerate() {
                let Node::Element(c) = node else { continue };
                let end = *self.ends.get(child as usize)?;
                if target < end {
                    step(c, i);
                    e = c;
                    num = child;
                    lang = lang_of(c, lang);
                    continue 'down;
                }
                if end <= child {
                    return None; // not the index of this tree
                }
                child = end;
            }
            return None;
        }
        Some((e, num, lang))
    }
}

// ---------------------------------------------------------------------------------------------
// Evaluation

/// Calls `visit` with every value `selector` picks inside the element named by `scope`
/// ([`Scope::RECORD`] for the whole record), in document order.
///
/// `index` must have been built from `root`; a scope that does not name an element of the tree
/// selects nothing. Each value's [`Selected::scope`] is the element it belongs to (for an
/// attribute, its element), and [`Selected::part`] tells apart the element's value
/// ([`PART_ELEMENT`]), its direct text ([`PART_TEXT`]) and its attributes (`1 +` the attribute's
/// index).
pub fn select<'a>(
    root: &'a Element,
    index: &PathIndex,
    scope: Scope,
    selector: &PathSelector,
    visit: &mut dyn FnMut(Selected<'a>),
) {
    let Some((context, num, lang)) = index.resolve(root, scope, |_, _| {}) else {
        return;
    };
    let prog = &selector.prog;
    let _ = walk(
        prog,
        Some(&index.ends),
        context,
        num,
        lang,
        prog.starts,
        &mut |hit: Hit<'a>| {
            visit(Selected {
                value: hit.value(),
                lang: hit.lang,
                scope: Scope(hit.num),
                part: hit.part,
            });
            ControlFlow::Continue(())
        },
    );
}

/// Describes where a value came from: the path of its element from the root, each step with its
/// 0-based occurrence among same-named siblings (`did[0]/unitdate[1]`; `.` for the root), and
/// for an attribute its name (`@normal`), for direct text `/text()`.
///
/// A scope or part that does not belong to the tree gives the path `?`.
pub fn origin(root: &Element, index: &PathIndex, scope: Scope, part: u32) -> Origin {
    let mut path = String::new();
    let mut parent = root;
    let found = index.resolve(root, scope, |c, i| {
        let occurrence = parent.children[..i]
            .iter()
            .filter(|n| matches!(n, Node::Element(s) if s.name == c.name))
            .count();
        if !path.is_empty() {
            path.push('/');
        }
        path.push_str(&c.name);
        path.push('[');
        path.push_str(&occurrence.to_string());
        path.push(']');
        parent = c;
    });
    let Some((e, _, _)) = found else {
        return Origin {
            path: "?".into(),
            part: None,
        };
    };
    if path.is_empty() {
        path.push('.');
    }
    let part = match part {
        PART_ELEMENT => None,
        PART_TEXT => Some("/text()".to_string()),
        n => match e.attrs.get(n as usize - 1) {
            Some(a) => Some(format!("@{}", attr_key(a))),
            None => {
                return Origin {
                    path: "?".into(),
                    part: None,
                }
            }
        },
    };
    Origin { path, part }
}

/// Calls `visit` with a coverage key for every selectable item of the tree, one call per
/// occurrence, in document order: `did/unittitle` for each element that has text of its own
/// (not only inside its children; `.` for the root), `did/unitdate/@normal` for each attribute.
///
/// Keys are paths without positions, valid as selectors. Namespace declarations and `xml:lang`
/// (which is read as the language of values, not selected as one) are left out; attributes in
/// the `xml:`, `xsi:` and `xlink:` namespaces keep their prefix (`@xlink:href`).
pub fn inventory(root: &Element, visit: &mut dyn FnMut(&str)) {
    fn items(e: &Element, key: &mut String, visit: &mut dyn FnMut(&str)) {
        let len = key.len();
        let has_text = e
            .children
            .iter()
            .any(|n| matches!(n, Node::Text(t) if !normalize_space(t).is_empty()));
        if has_text {
            visit(if key.is_empty() { "." } else { key });
        }
        for a in &e.attrs {
            if is_namespace_declaration(a) || is_xml_lang(a) {
                continue;
            }
            if !key.is_empty() {
                key.push('/');
            }
            key.push('@');
            key.push_str(&attr_key(a));
            visit(key);
            key.truncate(len);
        }
        for c in e.elements() {
            if !key.is_empty() {
                key.push('/');
            }
            key.push_str(&c.name);
            items(c, key, visit);
            key.truncate(len);
        }
    }
    let mut key = String::with_capacity(64);
    items(root, &mut key, visit);
}

/// One thing the walk found.
#[derive(Clone, Copy)]
struct Hit<'a> {
    elem: &'a Element,
    num: u32,
    lang: Option<&'a str>,
    part: u32,
}

impl<'a> Hit<'a> {
    fn value(&self) -> Cow<'a, str> {
        match self.part {
            PART_ELEMENT => element_value(self.elem),
            PART_TEXT => direct_text(self.elem),
            n => Cow::Borrowed(
                self.elem
                    .attrs
                    .get(n as usize - 1)
                    .map_or("", |a| a.value.as_str()),
            ),
        }
    }
}

/// Walks the subtree of `e` in document order, calling `f` with every hit of `prog`. `raw` is the
/// set of steps reached at `e`; `ends` numbers the elements (without it, numbers are not kept).
fn walk<'a, F>(
    prog: &Program,
    ends: Option<&[u32]>,
    e: &'a Element,
    num: u32,
    lang: Option<&'a str>,
    raw: u64,
    f: &mut F,
) -> ControlFlow<()>
where
    F: FnMut(Hit<'a>) -> ControlFlow<()>,
{
    let states = closure(prog, e, raw);
    let accepted = states & prog.accepts;
    if accepted != 0 {
        emit(prog, e, num, lang, accepted, f)?;
    }
    let moves = states & prog.moves;
    if moves == 0 {
        return ControlFlow::Continue(());
    }
    let mut child_num = num.wrapping_add(1);
    for (i, node) in e.children.iter().enumerate() {
        let Node::Element(c) = node else { continue };
        let this = child_num;
        if let Some(ends) = ends {
            child_num = ends.get(this as usize).copied().unwrap_or(u32::MAX);
        }
        let mut next = 0u64;
        for k in bits(moves) {
            match &prog.steps[k] {
                Step::Gap => next |= 1 << k,
                Step::Child { test, preds } => {
                    if test.matches(c) {
                        let cand = Cand {
                            elem: c,
                            parent: Some(e),
                            idx: i,
                            test,
                        };
                        if passes(&cand, preds) {
                            next |= 1 << (k + 1);
                        }
                    }
                }
                Step::Filter(_) | Step::Accept(_) => {}
            }
        }
        if next != 0 {
            let lang = if ends.is_some() {
                lang_of(c, lang)
            } else {
                None
            };
            walk(prog, ends, c, this, lang, next, f)?;
        }
    }
    ControlFlow::Continue(())
}

/// Adds the steps reachable at `e` without moving: past `**` (zero levels) and past `.[...]`.
fn closure(prog: &Program, e: &Element, raw: u64) -> u64 {
    let mut states = raw;
    let mut todo = raw & prog.eps;
    while todo != 0 {
        let k = todo.trailing_zeros() as usize;
        todo &= todo - 1;
        let advance = match &prog.steps[k] {
            Step::Gap => true,
            Step::Filter(preds) => passes(
                &Cand {
                    elem: e,
                    parent: None,
                    idx: 0,
                    test: &NameTest::Any,
                },
                preds,
            ),
            Step::Child { .. } | Step::Accept(_) => false,
        };
        if advance {
            let bit = 1u64 << (k + 1);
            if states & bit == 0 {
                states |= bit;
                todo |= bit & prog.eps;
            }
        }
    }
    states
}

fn emit<'a, F>(
    prog: &Program,
    e: &'a Element,
    num: u32,
    lang: Option<&'a str>,
    accepted: u64,
    f: &mut F,
) -> ControlFlow<()>
where
    F: FnMut(Hit<'a>) -> ControlFlow<()>,
{
    let (mut element, mut text, mut attrs) = (false, false, false);
    for k in bits(accepted) {
        match &prog.steps[k] {
            Step::Accept(Terminal::Element) => element = true,
            Step::Accept(Terminal::Text) => text = true,
            Step::Accept(Terminal::Attr(_)) => attrs = true,
            _ => {}
        }
    }
    let hit = |part| Hit {
        elem: e,
        num,
        lang,
        part,
    };
    if element {
        f(hit(PART_ELEMENT))?;
    }
    if text {
        f(hit(PART_TEXT))?;
    }
    if attrs {
        for (i, a) in e.attrs.iter().enumerate() {
            let wanted = bits(accepted).any(
                |k| matches!(&prog.steps[k], Step::Accept(Terminal::Attr(test)) if test.matches(a)),
            );
            if wanted {
                f(hit(i as u32 + 1))?;
            }
        }
    }
    ControlFlow::Continue(())
}

/// An element being tested by the predicates of a step.
struct Cand<'a, 't> {
    elem: &'a Element,
    /// The parent and the element's index among its children, for positions (`None` for `.`).
    parent: Option<&'a Element>,
    idx: usize,
    /// The step's name test, for positions.
    test: &'t NameTest,
}

/// Whether `cand` passes all `preds`, each in the context of the ones before it.
fn passes(cand: &Cand<'_, '_>, preds: &[Expr]) -> bool {
    preds
        .iter()
        .enumerate()
        .all(|(k, p)| eval(p, cand, &preds[..k]))
}

/// Evaluates one predicate; `before` are the predicates of the same step written before it
/// (which decide what positions count).
fn eval(expr: &Expr, cand: &Cand<'_, '_>, before: &[Expr]) -> bool {
    match expr {
        Expr::Or(items) => items.iter().any(|x| eval(x, cand, before)),
        Expr::And(items) => items.iter().all(|x| eval(x, cand, before)),
        Expr::Not(x) => !eval(x, cand, before),
        Expr::Position(n) => cand.parent.is_some_and(|parent| {
            1 + count_passing(parent, 0..cand.idx, cand.test, before) == *n as usize
        }),
        Expr::Last => cand.parent.is_some_and(|parent| {
            count_passing(
                parent,
                cand.idx + 1..parent.children.len(),
                cand.test,
                before,
            ) == 0
        }),
        Expr::Exists(op) => match op {
            Operand::Dot => true,
            Operand::Text => !direct_text(cand.elem).is_empty(),
            Operand::Attr(test) => cand.elem.attrs.iter().any(|a| test.matches(a)),
            Operand::Path(prog) => any_hit(prog, cand.elem, |_| true),
        },
        Expr::Compare(op, cmp, lit) => match op {
            Operand::Dot => cmp.holds(&element_value(cand.elem), lit),
            Operand::Text => cmp.holds(&direct_text(cand.elem), lit),
            Operand::Attr(test) => cand
                .elem
                .attrs
                .iter()
                .any(|a| test.matches(a) && cmp.holds(&a.value, lit)),
            Operand::Path(prog) => any_hit(prog, cand.elem, |h| cmp.holds(&h.value(), lit)),
        },
    }
}

/// How many element children of `parent` in `range` (indices into its children) pass `test`
/// and the `before` predicates.
fn count_passing(
    parent: &Element,
    range: std::ops::Range<usize>,
    test: &NameTest,
    before: &[Expr],
) -> usize {
    let Some(nodes) = parent.children.get(range.clone()) else {
        return 0;
    };
    nodes
        .iter()
        .zip(range)
        .filter(|(n, idx)| match n {
            Node::Element(s) if test.matches(s) => passes(
                &Cand {
                    elem: s,
                    parent: Some(parent),
                    idx: *idx,
                    test,
                },
                before,
            ),
            _ => false,
        })
        .count()
}

/// Whether some hit of `prog` below `e` satisfies `test`.
fn any_hit(prog: &Program, e: &Element, mut test: impl FnMut(&Hit<'_>) -> bool) -> bool {
    walk(prog, None, e, 0, None, prog.starts, &mut |h: Hit<'_>| {
        if test(&h) {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    })
    .is_break()
}

// ---------------------------------------------------------------------------------------------
// Helpers

/// The indices of the bits set in `mask`, lowest first.
fn bits(mut mask: u64) -> impl Iterator<Item = usize> {
    std::iter::from_fn(move || {
        (mask != 0).then(|| {
            let k = mask.trailing_zeros() as usize;
            mask &= mask - 1;
            k
        })
    })
}

/// The value of an element: its normalised text, borrowed when it is a single text node.
fn element_value(e: &Element) -> Cow<'_, str> {
    match e.children.as_slice() {
        [] => Cow::Borrowed(""),
        [Node::Text(t)] => normalize_space(t),
        _ => Cow::Owned(e.text()),
    }
}

/// The text directly inside an element, normalised.
fn direct_text(e: &Element) -> Cow<'_, str> {
    let mut texts = e.children.iter().filter_map(|n| match n {
        Node::Text(t) => Some(t.as_str()),
        Node::Element(_) => None,
    });
    let Some(first) = texts.next() else {
        return Cow::Borrowed("");
    };
    let Some(second) = texts.next() else {
        return normalize_space(first);
    };
    let mut all = String::from(first);
    all.push_str(second);
    texts.for_each(|t| all.push_str(t));
    Cow::Owned(normalize_space(&all).into_owned())
}

fn is_namespace_declaration(a: &Attribute) -> bool {
    a.qname == "xmlns" || a.qname.starts_with("xmlns:")
}

fn is_xml_lang(a: &Attribute) -> bool {
    a.local == "lang"
        && match &a.ns {
            Some(ns) => &**ns == XML_NS,
            None => a.qname == "xml:lang",
        }
}

/// The language of `e`: its own `xml:lang`, or the inherited one.
fn lang_of<'a>(e: &'a Element, inherited: Option<&'a str>) -> Option<&'a str> {
    match e.attrs.iter().find(|a| is_xml_lang(a)) {
        Some(a) if a.value.trim().is_empty() => None,
        Some(a) => Some(a.value.as_str()),
        None => inherited,
    }
}

/// How a selector names an attribute: with its prefix for the well-known namespaces.
fn attr_key(a: &Attribute) -> Cow<'_, str> {
    let prefix = match a.ns.as_deref() {
        Some(XML_NS) => Some("xml"),
        Some(XSI_NS) => Some("xsi"),
        Some(XLINK_NS) => Some("xlink"),
        Some(_) => None,
        None => match a.qname.split_once(':') {
            Some((p @ ("xml" | "xsi" | "xlink"), _)) => Some(p),
            _ => None,
        },
    };
    match prefix {
        Some(p) => Cow::Owned(format!("{p}:{}", a.local)),
        None => Cow::Borrowed(&a.local),
    }
}
