//! The [`Selectable`] implementation of [`Component`]: the crate's namespace-blind path language
//! ([`crate::xml::path`]) over the component's own description (its element with the child
//! components removed).
//!
//! Scopes are the pre-order numbers of elements in the component's tree (the component element is
//! 0); see [`crate::xml::path`] for the syntax, parts and origins.

use std::borrow::Cow;

use super::component::Component;
use crate::select::{Origin, Scope, Selectable, Selected, SelectorError};
use crate::xml::path::{self, PathIndex, PathSelector};

impl Selectable for Component {
    type Selector = PathSelector;
    const FORMAT: &'static str = "ead";
    const VARIABLES: &'static [&'static str] = &["parent", "ead-id", "collection-id"];

    fn compile(expr: &str) -> Result<PathSelector, SelectorError> {
        path::compile(expr)
    }

    fn select<'a>(
        &'a self,
        selector: &PathSelector,
        scope: Scope,
        visit: &mut dyn FnMut(Selected<'a>),
    ) {
        // A component's own tree is small (tens of elements): indexing it per call costs about
        // as much as one selection walk.
        let index = PathIndex::new(&self.element);
        path::select(&self.element, &index, scope, selector, visit);
    }

    fn record_id(&self) -> Option<Cow<'_, str>> {
        self.record_id.as_deref().map(Cow::Borrowed)
    }

    fn origin(&self, scope: Scope, part: u32) -> Origin {
        path::origin(&self.element, &PathIndex::new(&self.element), scope, part)
    }

    fn inventory(&self, visit: &mut dyn FnMut(&str)) {
        path::inventory(&self.element, visit);
    }

    fn variable(&self, name: &str) -> Option<Cow<'_, str>> {
        let v = match name {
            "parent" => self.parent.as_ref()?.record_id.as_deref(),
            "ead-id" => self.context.eadid.as_deref(),
            "collection-id" => self.context.collection_id.as_deref(),
            _ => None,
        };
        v.map(Cow::Borrowed)
    }
}
