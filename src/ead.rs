//! Streaming reader for EAD finding aids: EAD 2002 (with or without namespace, with a DOCTYPE),
//! EAD3 (including the "undeprecated" namespace), and finding aids inside OAI-PMH envelopes.
//!
//! [`Reader`] yields [`Item`]s in document order:
//!
//! 1. a [`Header`] per document (`eadheader` or EAD3 `control`: eadid/recordid, titles,
//!    maintenance agency);
//! 2. the collection (`archdesc`) as a [`Component`] of [`Kind::Collection`];
//! 3. every component (`c`, `c01`–`c12`, any depth) as a [`Component`], **parents before
//!    children** (pre-order).
//!
//! Each component holds its own description as an [`Element`] tree (the
//! component element with its child components removed), a typed view of it ([`Did`],
//! notes, [`AccessPoint`]s, [`DigitalObject`]s), its ordinal path from the collection (`1/3/2`),
//! its `@id`, a [`ParentRef`], and the [`Context`] it inherits (eadid, collection id and title,
//! repository). Mixed content becomes whitespace-normalised text.
//!
//! # Streaming
//!
//! The reader keeps a stack of open components. When a child component starts, its parent's
//! description so far is complete enough and the parent is yielded; the parent's element tree is
//! moved into the yielded [`Component`], so memory depends on the nesting depth and the size of one
//! description, not on the document. Description that appears **after** child components (rare:
//! e.g. an `index` or `relatedmaterial` after the `dsc`) cannot be added to a component already
//! handed out: it is delivered as an [`Item::Late`] naming the component it belongs to, with a
//! `content-after-components` diagnostic. A `dsc` is transparent: its components are children of the
//! enclosing component, its own `head`/`p` are kept in the collection's element under `dsc`.
//!
//! # Errors and diagnostics
//!
//! [`Error`]s end the document: XML errors (from the hardened [`crate::xml`] reader: not
//! well-formed, SGML, unknown entity, too deep, too large; each with file and line:column) and
//! [`Error::NotEad`] when the root element is neither `ead` nor an OAI-PMH envelope.
//!
//! Diagnostics are attached to the item they concern ([`Header::diagnostics`],
//! [`Component::diagnostics`], [`Late::diagnostic`]). Kinds:
//!
//! | kind | severity | meaning |
//! |---|---|---|
//! | `component-without-did` | warning | a component has no `did` |
//! | `component-without-title` | info | a `did` has neither `unittitle` nor `unitdate` |
//! | `unknown-level` | warning | `@level` is not one of the EAD levels ([`LEVELS`]); kept as written |
//! | `otherlevel-missing` | warning | `level="otherlevel"` without `@otherlevel` |
//! | `invalid-date-normal` | warning | `unitdate/@normal` is not an ISO 8601 date or `date/date` range |
//! | `content-after-components` | warning | description after child components, delivered as [`Item::Late`] |
//! | `unknown-namespace` | warning | `ead` in a namespace other than EAD 2002 / EAD3; read anyway |
//! | `missing-header` | warning | no `eadheader` / `control` before `archdesc` |
//! | `missing-eadid` | warning | the header has no `eadid` / `recordid` |

mod component;
mod reader;
mod selector;

pub mod check;

use crate::diagnostic::{Diagnostic, Location};
use crate::xml::{Element, XmlError};

pub use crate::xml::path::PathSelector;
pub use component::{
    is_normal_date, AccessPoint, Component, Container, Context, Did, DigitalObject, Extent, Header,
    Kind, Language, ParentRef, UnitDate, Version, LEVELS,
};
pub use reader::{Items, Reader};

/// The EAD 2002 namespace.
pub const EAD2002_NS: &str = "urn:isbn:1-931666-22-9";
/// The EAD3 namespace.
pub const EAD3_NS: &str = "http://ead3.archivists.org/schema/";
/// The namespace of EAD3 "undeprecated" (EAD3 1.1 with the deprecated elements kept).
pub const EAD3_UNDEPRECATED_NS: &str = "http://ead3.archivists.org/schema/undeprecated/";

/// Whether a local name is a component element: `c` or `c01`–`c12`.
///
/// ```
/// use crosswalk::ead::is_component_name;
/// assert!(is_component_name("c") && is_component_name("c07") && is_component_name("c12"));
/// assert!(!is_component_name("c13") && !is_component_name("container") && !is_component_name("c1"));
/// ```
pub fn is_component_name(name: &str) -> bool {
    matches!(
        name.as_bytes(),
        b"c" | [b'c', b'0', b'1'..=b'9'] | [b'c', b'1', b'0'..=b'2']
    )
}

/// One thing read from a finding aid.
#[derive(Debug, Clone, PartialEq)]
#[allow(clippy::large_enum_variant)]
pub enum Item {
    /// A document header (one per `ead`).
    Header(Header),
    /// The collection or a component.
    Component(Component),
    /// Description that came after child components (see the module documentation).
    Late(Late),
}

/// Description found after a component's child components, when the component had already been
/// read.
#[derive(Debug, Clone, PartialEq)]
pub struct Late {
    /// The ordinal path of the component it belongs to (empty for the collection).
    pub path: Vec<u32>,
    /// That component's record id.
    pub record_id: Option<String>,
    /// The element (e.g. `index`, `relatedmaterial`, `controlaccess`).
    pub element: Element,
    /// The `content-after-components` diagnostic.
    pub diagnostic: Diagnostic,
}

/// Why a finding aid could not be read to its end.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The XML is broken or hostile (located).
    #[error(transparent)]
    Xml(#[from] XmlError),
    /// The root element is not `ead` (nor an OAI-PMH envelope).
    #[error("{location}: not an EAD document: the root element is <{root}>, expected <ead> or <OAI-PMH>")]
    NotEad {
        /// The root element's local name.
        root: String,
        /// Where the root element starts.
        location: Box<Location>,
    },
}

impl Error {
    /// Where the error is.
    pub fn location(&self) -> &Location {
        match self {
            Error::Xml(e) => e.location(),
            Error::NotEad { location, .. } => location,
        }
    }

    /// A stable kebab-case name: the XML error kind's name, or `not-ead`.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Error::Xml(e) => e.kind().name(),
            Error::NotEad { .. } => "not-ead",
        }
    }
}
