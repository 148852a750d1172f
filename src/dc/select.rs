//! Selection over a DC record: [`crate::select::Selectable`] for [`Record`], through the crate's
//! namespace-blind path language ([`crate::xml::path`]).
//!
//! **Context.** With [`Scope::RECORD`], a path whose first step is `header` is evaluated against the
//! record's synthetic root (see [`Record::tree`]), so it reaches the OAI header (`header/identifier`,
//! `header/setSpec`, `header/@status`); every other path is evaluated against the DC root (`title`,
//! `subject[@xsi:type='dcterms:LCSH']`, `date/@xsi:type`). With another scope, the path is evaluated
//! against that element.
//!
//! **Scopes** are the pre-order numbers of the elements of [`Record::tree`] (the synthetic root is 0).
//! Parts are those of [`crate::xml::path`]: 0 for an element, 1 + the attribute's index for an
//! attribute.
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

use super::record::Record;
use crate::select::{Origin, Scope, Selectable, Selected, SelectorError};
use crate::xml::path::{self, PathIndex, PathSelector};
use crate::xml::Element;

/// Number of elements in `e`'s subtree, `e` included.
fn subtree_len(e: &Element) -> u32 {
    1 + e.elements().map(subtree_len).sum::<u32>()
}

impl Selectable for Record {
    type Selector = PathSelector;

    const FORMAT: &'static str = "dc";
    const VARIABLES: &'static [&'static str] = &["oai-id"];

    fn compile(expr: &str) -> Result<PathSelector, SelectorError> {
        path::compile(expr)
    }

    fn select<'a>(
        &'a self,
        selector: &PathSelector,
        scope: Scope,
        visit: &mut dyn FnMut(Selected<'a>),
    ) {
        let tree = self.tree();
        let scope = if scope != Scope::RECORD || selector.as_str().starts_with("header") {
            scope
        } else {
            if self.metadata().is_none() {
                return;
            }
            // The DC root is the tree's last child: after the root and the header's subtree.
            Scope(1 + self.header_element().map_or(0, subtree_len))
        };
        let index = PathIndex::new(tree);
        path::select(tree, &index, scope, selector, visit);
    }

    fn record_id(&self) -> Option<Cow<'_, str>> {
        self.id().map(Cow::Borrowed)
    }

    fn variable(&self, name: &str) -> Option<Cow<'_, str>> {
        match name {
            "oai-id" => self.header()?.identifier.as_deref().map(Cow::Borrowed),
            _ => None,
        }
    }

    fn origin(&self, scope: Scope, part: u32) -> Origin {
        let tree = self.tree();
        let mut o = path::origin(tree, &PathIndex::new(tree), scope, part);
        // Paths are written relative to the DC root (`title`), so origins are too.
        if let Some(m) = self.metadata() {
            let root = format!("{}[0]/", m.name);
            if let Some(rest) = o.path.strip_prefix(&root) {
                o.path = rest.to_string();
            }
        }
        o
    }

    fn inventory(&self, visit: &mut dyn FnMut(&str)) {
        if let Some(h) = self.header_element() {
            let mut key = String::new();
            path::inventory(h, &mut |k| {
                key.clear();
                key.push_str("header/");
                key.push_str(k);
                visit(&key);
            });
        }
        if let Some(m) = self.metadata() {
            path::inventory(m, visit);
        }
    }
}
