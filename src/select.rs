//! The one selection interface every format offers to the crosswalk engine.
//!
//! The engine never looks inside a MARC record, an EAD component or a DC record. It compiles the
//! selector strings of a mapping once, through [`Selectable::compile`] of the mapping's source format
//! (MARCspec for MARC; a namespace-blind path for EAD and DC), and asks each record for the values a
//! selector picks. Each value comes with a [`Scope`] (the field or element it was found in), so a
//! rule can select again *inside* that scope (a MARC 700's `$a` and its `$e`, an EAD `persname` and its
//! `@authfilenumber`), and with an [`Origin`] the engine uses to explain where a triple came from and
//! which parts of a record no rule ever selected.
//!
//! See `docs/design.md` for the reasoning.

use std::borrow::Cow;
use std::fmt;

/// An opaque handle on a field or element of one record, as handed out by [`Selectable::select`].
/// Only meaningful for the record that produced it. [`Scope::RECORD`] is the whole record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Scope(pub u32);

impl Scope {
    /// The whole record.
    pub const RECORD: Scope = Scope(u32::MAX);
}

/// Where a selected value came from, in terms the record's format understands.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Origin {
    /// The field or element, with its occurrence: `245[0]`, `700[2]`, `archdesc/did/unittitle[0]`.
    pub path: String,
    /// The part inside it, if any: `$a[1]`, `/07-10`, `@normal`.
    pub part: Option<String>,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.path)?;
        if let Some(part) = &self.part {
            f.write_str(part)?;
        }
        Ok(())
    }
}

/// One value a selector picked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selected<'a> {
    /// The text (Unicode, NFC; whitespace-normalised for XML mixed content).
    pub value: Cow<'a, str>,
    /// The language the source declares for this value (`xml:lang`), if any.
    pub lang: Option<&'a str>,
    /// The field or element the value is in; select again with it as scope to stay inside it.
    pub scope: Scope,
    /// For explanations: a format-specific description, built only when asked
    /// (see [`Selectable::origin`]); the `part` index is recorded here.
    pub part: u32,
}

/// A selector expression that did not compile.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid selector {expr:?} at character {}: {message}", .offset + 1)]
pub struct SelectorError {
    /// The expression.
    pub expr: String,
    /// 0-based character offset of the problem in `expr`.
    pub offset: usize,
    /// What is wrong.
    pub message: String,
}

/// What every record type offers the crosswalk engine.
///
/// Implemented by [`crate::marc::RecordBuf`] (MARCspec selectors), the EAD component and the DC
/// record (path selectors).
pub trait Selectable {
    /// A compiled selector, reusable across records.
    type Selector: fmt::Debug + Send + Sync;

    /// The format's name, as mapping files write it (`marc`, `ead`, `dc`).
    const FORMAT: &'static str;

    /// The names [`Selectable::variable`] knows, so that a mapping using another is an error at
    /// load time.
    const VARIABLES: &'static [&'static str] = &[];

    /// Compiles a selector expression once, at mapping load time.
    fn compile(expr: &str) -> Result<Self::Selector, SelectorError>;

    /// Calls `visit` with every value `selector` picks inside `scope`
    /// ([`Scope::RECORD`] for the whole record), in record order.
    fn select<'a>(
        &'a self,
        selector: &Self::Selector,
        scope: Scope,
        visit: &mut dyn FnMut(Selected<'a>),
    );

    /// The record's identifier (MARC 001, EAD `unitid` / `@id` path, OAI identifier).
    fn record_id(&self) -> Option<Cow<'_, str>>;

    /// Describes where a selected value came from, for `mapping explain`.
    fn origin(&self, scope: Scope, part: u32) -> Origin;

    /// Calls `visit` with every selectable item of the record as a coverage key (`245$a`,
    /// `did/unittitle`, `did/unitdate/@normal`), one call per occurrence, for `mapping coverage`.
    fn inventory(&self, visit: &mut dyn FnMut(&str));

    /// A value the format knows about the record beyond its own fields, for IRI templates:
    /// EAD offers `parent` (the parent component's record id), `ead-id` and `collection-id`;
    /// DC offers `oai-id`. `None` when the record has no such value.
    fn variable(&self, name: &str) -> Option<Cow<'_, str>> {
        let _ = name;
        None
    }

    /// Convenience: all values picked by `selector` in the whole record.
    fn select_all<'a>(&'a self, selector: &Self::Selector) -> Vec<Selected<'a>> {
        let mut out = Vec::new();
        self.select(selector, Scope::RECORD, &mut |s| out.push(s));
        out
    }
}
