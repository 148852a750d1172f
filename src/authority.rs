//! Shared authority vocabularies: loading SKOS and MARC 21 authority records, normalising
//! headings the way catalogers compare them, and looking labels, codes and identifiers up fast.
//!
//! - [`vocabulary`]: [`VocabularyLoader`] streams SKOS (any RDF syntax) and MARC authority
//!   records into a lean, interned [`Vocabulary`].
//! - [`normalize`]: the comparison rules (NFKD, diacritics, case, ISBD punctuation, NACO,
//!   first comma) and [`Heading`]s with subdivisions.
//! - [`index`]: [`AuthorityIndex`], label / notation / identifier lookups with a method and a
//!   score.
//! - [`source`]: the [`AuthoritySource`] trait that reconciliation will use, and the
//!   [`authority_source_tests!`](crate::authority_source_tests) conformance macro.
//!
//! The shipped vocabularies live in `vocabularies/*.ttl` (see its README); [`shipped`] loads them.

pub mod index;
pub mod normalize;
pub mod source;
pub mod vocabulary;

pub use index::{AuthorityIndex, Match, Method, Outcome, SchemeFilter};
pub use normalize::{normalize, Heading};
pub use source::{AuthoritySource, Candidate, Resolution};
pub use vocabulary::{ConceptRef, LoadError, MarcOptions, Vocabulary, VocabularyLoader};

use std::path::Path;

/// The files in `vocabularies/` that [`shipped`] loads, by scheme short name.
pub const SHIPPED: &[(&str, &str)] = &[
    ("relators", "relators.ttl"),
    ("iso639-1", "iso639-1.ttl"),
    ("iso639-2", "iso639-2.ttl"),
    ("countries", "countries.ttl"),
    ("gacs", "gacs.ttl"),
    ("dcmitype", "dcmitype.ttl"),
    ("rightsstatements", "rightsstatements.ttl"),
    ("cc", "cc.ttl"),
    ("lcsh", "lcsh-sample.ttl"),
    ("lcgft", "lcgft-sample.ttl"),
    ("aat", "aat-sample.ttl"),
];

/// Loads the shipped vocabularies named (short names from [`SHIPPED`]; empty: all) from the
/// folder `dir` (the project's `vocabularies/`).
pub fn shipped(dir: &Path, names: &[&str]) -> Result<Vocabulary, LoadError> {
    let mut loader = VocabularyLoader::new();
    for (name, file) in SHIPPED {
        if names.is_empty() || names.contains(name) {
            loader.load_path(&dir.join(file), Some(name))?;
        }
    }
    Ok(loader.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxrdfio::RdfFormat;

    fn in_memory(ttl: &str) -> AuthorityIndex {
        let mut loader = VocabularyLoader::new();
        loader
            .load_rdf(ttl.as_bytes(), RdfFormat::Turtle, "fixture.ttl", None)
            .expect("fixture loads");
        AuthorityIndex::new(loader.finish())
    }

    crate::authority_source_tests!(in_memory);
}
