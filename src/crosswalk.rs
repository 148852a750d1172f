//! Declarative crosswalks: the mapping language, its compiler and its engine.
//!
//! A mapping file (TOML, in `mappings/`) says, for one source format, which resources a record
//! becomes, how their IRIs are built, and which rules turn selected values into triples:
//! **select → transforms → emit**. Selectors are compiled by the format ([`crate::select`]):
//! MARCspec for MARC, namespace-blind paths for EAD and DC. See `docs/crosswalk-language.md`.
//!
//! ```
//! use crosswalk::crosswalk::AnyMapping;
//! let mapping = AnyMapping::load("mappings/dc-dcterms.toml")?;
//! assert_eq!(mapping.format(), "dc");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod apply;
pub mod compile;
pub mod harness;
pub mod source;
pub mod spec;
pub mod transform;

use std::path::Path;

pub use apply::{record_graph, Emitted, Provenance, RecordContext, RecordOutput};
pub use compile::{Mapping, MappingError};
pub use harness::{Coverage, ExampleResult};
pub use source::{Item, Source};

use crate::{dc, ead, marc};

/// A mapping for whichever format its file declares.
#[derive(Debug)]
pub enum AnyMapping {
    /// For MARC records.
    Marc(Mapping<marc::RecordBuf>),
    /// For EAD components.
    Ead(Mapping<ead::Component>),
    /// For DC records.
    Dc(Mapping<dc::Record>),
}

impl AnyMapping {
    /// Loads a mapping file for the format it declares.
    pub fn load(path: impl AsRef<Path>) -> Result<Self, MappingError> {
        let parsed = compile::parse(path.as_ref())?;
        let (_, main) = &parsed.files[0];
        match main.crosswalk.format.get_ref().as_str() {
            "marc" => Ok(Self::Marc(Mapping::compile(parsed)?)),
            "ead" => Ok(Self::Ead(Mapping::compile(parsed)?)),
            "dc" => Ok(Self::Dc(Mapping::compile(parsed)?)),
            other => Err(compile::format_error(&parsed, other)),
        }
    }

    /// The format: `marc`, `ead` or `dc`.
    pub fn format(&self) -> &'static str {
        match self {
            Self::Marc(_) => "marc",
            Self::Ead(_) => "ead",
            Self::Dc(_) => "dc",
        }
    }

    /// The mapping's name.
    pub fn name(&self) -> &str {
        match self {
            Self::Marc(m) => m.name(),
            Self::Ead(m) => m.name(),
            Self::Dc(m) => m.name(),
        }
    }

    /// Runs the mapping's examples.
    pub fn run_examples(&self) -> Vec<ExampleResult> {
        match self {
            Self::Marc(m) => m.run_examples(),
            Self::Ead(m) => m.run_examples(),
            Self::Dc(m) => m.run_examples(),
        }
    }
}
