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
pub mod decisions;
pub mod harness;
pub mod ntriples;
pub mod reconcile;
pub mod source;
pub mod spec;
pub mod transform;

use std::path::Path;
use std::sync::Arc;

pub use apply::{
    record_graph, Emitted, Provenance, Reconciliation, RecordContext, RecordOutput, TripleSink,
};
pub use compile::{Mapping, MappingError};
pub use decisions::{Decision, Decisions, Verdict};
pub use harness::{Coverage, ExampleResult};
pub use source::{Item, Source};

use crate::authority::AuthorityIndex;
use crate::{dc, ead, marc};

/// Loads, once, the vocabularies that all the mapping files given declare (their union), for
/// [`Mapping::load_with`] / [`AnyMapping::load_with`] in a run over many collections. `None` when
/// none declares any.
pub fn load_vocabularies<P: AsRef<Path>>(
    paths: &[P],
) -> Result<Option<Arc<AuthorityIndex>>, MappingError> {
    Ok(load_vocabulary_set(paths, &[])?.0)
}

/// Like [`load_vocabularies`], with `extra` vocabulary files besides those the mappings declare
/// (a run configuration's own); also returns every file loaded, for provenance and change
/// detection.
pub fn load_vocabulary_set<P: AsRef<Path>>(
    paths: &[P],
    extra: &[std::path::PathBuf],
) -> Result<(Option<Arc<AuthorityIndex>>, Vec<std::path::PathBuf>), MappingError> {
    let mut files = Vec::new();
    let mut first: Option<MappingError> = None;
    for p in paths {
        let parsed = compile::parse(p.as_ref())?;
        for (f, at) in compile::vocabulary_files(&parsed)? {
            first.get_or_insert(at);
            if !files.contains(&f) {
                files.push(f);
            }
        }
    }
    for path in extra {
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        first.get_or_insert_with(|| MappingError {
            file: path.clone(),
            line: 0,
            column: 0,
            message: String::new(),
        });
        let f = (path.clone(), name);
        if !files.contains(&f) {
            files.push(f);
        }
    }
    let Some(at) = first else {
        return Ok((None, Vec::new()));
    };
    let index = reconcile::load_files(&files).map_err(|e| MappingError {
        message: format!("vocabularies: {e}"),
        ..at
    })?;
    Ok((Some(index), files.into_iter().map(|(p, _)| p).collect()))
}

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
        Self::load_shared(path.as_ref(), None)
    }

    /// Loads a mapping file whose `reconcile` transforms use an index loaded once for many
    /// mappings (see [`Mapping::load_with`]).
    pub fn load_with(
        path: impl AsRef<Path>,
        vocabularies: &Arc<AuthorityIndex>,
    ) -> Result<Self, MappingError> {
        Self::load_shared(path.as_ref(), Some(vocabularies))
    }

    fn load_shared(
        path: &Path,
        shared: Option<&Arc<AuthorityIndex>>,
    ) -> Result<Self, MappingError> {
        let parsed = compile::parse(path)?;
        let (_, main) = &parsed.files[0];
        match main.crosswalk.format.get_ref().as_str() {
            "marc" => Ok(Self::Marc(Mapping::compile(parsed, shared)?)),
            "ead" => Ok(Self::Ead(Mapping::compile(parsed, shared)?)),
            "dc" => Ok(Self::Dc(Mapping::compile(parsed, shared)?)),
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

    /// Adds reviewers' decisions (see [`Mapping::add_decisions`]).
    pub fn add_decisions(&mut self, decisions: Decisions) {
        match self {
            Self::Marc(m) => m.add_decisions(decisions),
            Self::Ead(m) => m.add_decisions(decisions),
            Self::Dc(m) => m.add_decisions(decisions),
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
