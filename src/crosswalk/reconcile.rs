//! Reconciliation inside crosswalks: the vocabularies a mapping declares and the `reconcile`
//! transform that turns a heading, code or identifier into a concept IRI.
//!
//! A mapping names what it reconciles against in its header (`vocabularies = ["lcsh"]`, shipped
//! short names) and/or in a `[vocabularies]` table (`name = "file.ttl"`, relative to the mapping).
//! They are loaded once, when the mapping is loaded, into one shared [`AuthorityIndex`]; loading
//! the same files again in the same process reuses the index while a mapping still holds it.
//!
//! The transform, `{ reconcile = ["lcsh"] }` or `{ reconcile = { schemes = ["lcsh"], … } }`
//! ([`ReconcileOptions`]), looks every value up and gives:
//! - the concept's IRI when one concept matches (score at least `min-score`);
//! - otherwise, by default (`on-miss = "local"`), a deterministic local concept IRI,
//!   `{base}concept/{scheme}/{hash}`, where `{hash}` is the FNV-1a hash (16 hex digits) of the
//!   normalised heading key, so that the same heading gets the same local IRI from every record
//!   and every format. The engine describes such a local concept in RDF
//!   (`cw:reconciliation "unmatched"` or `"ambiguous"`, `cw:candidate`, see
//!   `docs/reconciliation.md`).
//!
//! See `docs/reconciliation.md` for how matching works.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, Weak};

use serde::Deserialize;

use super::compile::Fnv;
use super::decisions::{Decisions, Verdict};
use crate::authority::normalize::{identifier_key, notation_key, trim_isbd, Heading};
use crate::authority::{
    AuthorityIndex, Candidate, LoadError, Method, Resolution, SchemeFilter, VocabularyLoader,
    SHIPPED,
};

/// `{ reconcile = … }` as written: a list of schemes, or a table of options.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum ReconcileSpec {
    /// `{ reconcile = ["lcsh"] }`: these schemes, default options.
    Schemes(Vec<String>),
    /// `{ reconcile = { schemes = ["lcsh"], min-score = 0.85 } }`.
    Options(ReconcileOptions),
}

// `min-score` is never NaN once compiled (it is checked), so equality is an equivalence.
impl Eq for ReconcileSpec {}

impl ReconcileSpec {
    /// The options (defaults filled in).
    pub fn options(&self) -> ReconcileOptions {
        match self {
            ReconcileSpec::Schemes(s) => ReconcileOptions {
                schemes: s.clone(),
                ..ReconcileOptions::default()
            },
            ReconcileSpec::Options(o) => o.clone(),
        }
    }
}

/// The options of the `reconcile` transform.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ReconcileOptions {
    /// Short names (or IRIs) of the schemes to answer from; empty: every loaded scheme.
    #[serde(default)]
    pub schemes: Vec<String>,
    /// What the value is: a label or heading (default), an identifier, or a code.
    #[serde(default)]
    pub by: By,
    /// The lowest score accepted (default 0: every method); a match below it counts as a miss.
    #[serde(default)]
    pub min_score: Option<f32>,
    /// What an unmatched value gives.
    #[serde(default)]
    pub on_miss: OnMiss,
    /// What an ambiguous value gives.
    #[serde(default)]
    pub on_ambiguous: OnAmbiguous,
    /// `true`: a match also gives `cw:matchMethod` and `cw:matchScore` on the rule's subject
    /// (for resources that stand for one heading).
    #[serde(default)]
    pub annotate: bool,
}

/// What kind of value is reconciled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum By {
    /// A label or heading (`--` subdivisions allowed); an IRI in it is looked up as an identifier.
    #[default]
    Label,
    /// An IRI or identifier (`$0`, `@authfilenumber`: LCCN, `(DLC)sh…`, an id.loc.gov IRI).
    Identifier,
    /// A code (`aut`, `fre`, `InC`).
    Notation,
}

/// What an unmatched value (or an ambiguous one, by default) gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OnMiss {
    /// A local concept IRI, `{base}concept/{scheme}/{hash}`, described as unreconciled.
    #[default]
    Local,
    /// Nothing (the mapping's choice: no diagnostic either).
    Drop,
    /// The value as it is (for literal objects).
    KeepLiteral,
}

/// What an ambiguous value gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OnAmbiguous {
    /// As a miss (`on-miss`), with the candidates recorded; a diagnostic lists them.
    #[default]
    Miss,
    /// The first (best) candidate.
    Best,
}

/// The outcome of reconciling one value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// One concept matched.
    Matched,
    /// Several concepts fit equally well.
    Ambiguous,
    /// Nothing fits (or only below `min-score`).
    Unmatched,
}

impl Status {
    /// `matched`, `ambiguous` or `unmatched`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Matched => "matched",
            Status::Ambiguous => "ambiguous",
            Status::Unmatched => "unmatched",
        }
    }
}

/// One value reconciled.
#[derive(Debug, Clone, PartialEq)]
pub struct Reconciled {
    /// The heading as written (ISBD punctuation trimmed; `--` between subdivisions).
    pub heading: String,
    /// The normalised key the lookup used (what the local IRI hashes).
    pub key: String,
    /// Matched, ambiguous or unmatched.
    pub status: Status,
    /// What the transform outputs: the concept IRI, a local IRI, the value, or nothing.
    pub output: Option<String>,
    /// Whether `output` is a local concept IRI.
    pub local: bool,
    /// The method and score of the match taken.
    pub method: Option<(Method, f32)>,
    /// The candidates found (also those below `min-score`), best first.
    pub candidates: Vec<Candidate>,
    /// Whether the engine annotates the rule's subject with the method and score.
    pub annotate: bool,
    /// The reviewer's decision that gave `output` (`accept` or `map`), if one did.
    pub decision: Option<Verdict>,
    /// The IRIs a reviewer rejected for this heading (left out of the candidates).
    pub rejected: Vec<String>,
}

/// A compiled `reconcile` transform: the index and the options.
#[derive(Clone)]
pub struct Reconciler {
    index: Arc<AuthorityIndex>,
    filter: SchemeFilter,
    schemes: Vec<String>,
    options: ReconcileOptions,
    min_score: f32,
    base: String,
}

impl std::fmt::Debug for Reconciler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reconciler")
            .field("schemes", &self.schemes)
            .field("options", &self.options)
            .finish()
    }
}

impl Reconciler {
    /// Compiles the options against `index`; `base` is the base IRI of local concepts. Fails when
    /// a scheme is not loaded or `min-score` is not within 0..=1.
    pub fn new(
        spec: &ReconcileSpec,
        index: &Arc<AuthorityIndex>,
        base: &str,
    ) -> Result<Self, String> {
        let options = spec.options();
        for s in &options.schemes {
            if index.vocabulary().scheme_index(s).is_none() {
                return Err(format!(
                    "unknown scheme {s:?}: the mapping's vocabularies have {}",
                    loaded_schemes(index)
                ));
            }
        }
        let min_score = options.min_score.unwrap_or(0.0);
        if !(0.0..=1.0).contains(&min_score) {
            return Err(format!("min-score must be within 0 and 1, not {min_score}"));
        }
        let names: Vec<&str> = options.schemes.iter().map(String::as_str).collect();
        Ok(Reconciler {
            filter: index.filter(&names),
            schemes: options.schemes.clone(),
            index: Arc::clone(index),
            options,
            min_score,
            base: base.to_string(),
        })
    }

    /// The options.
    pub fn options(&self) -> &ReconcileOptions {
        &self.options
    }

    /// Reconciles with the base IRI given at compile time.
    pub fn resolve(&self, value: &str) -> Option<Reconciled> {
        self.resolve_in(value, &self.base)
    }

    /// The schemes it answers from (empty: every loaded scheme).
    pub fn schemes(&self) -> &[String] {
        &self.schemes
    }

    /// Reconciles one value; local IRIs start with `base`. `None` when the value is empty (after
    /// trimming punctuation).
    pub fn resolve_in(&self, value: &str, base: &str) -> Option<Reconciled> {
        self.resolve_with(value, base, None)
    }

    /// Like [`Reconciler::resolve_in`], applying reviewers' decisions first: rejected IRIs are
    /// never candidates, and an `accept` or `map` decision gives its IRI (method `decision`).
    pub fn resolve_with(
        &self,
        value: &str,
        base: &str,
        decisions: Option<&Decisions>,
    ) -> Option<Reconciled> {
        let written = trim_isbd(value);
        if written.is_empty() {
            return None;
        }
        let (heading, key, resolution) = match self.options.by {
            By::Label if !is_iri(value.trim()) => {
                let h = Heading::parse(written);
                let res: Resolution = self.index.lookup(written, &self.filter).into();
                (h.display(), h.key(), res)
            }
            By::Label | By::Identifier => {
                let id = strip_source_prefix(value.trim());
                (id.to_string(), identifier_key(id), self.by_identifier(id))
            }
            By::Notation => {
                let code = value.trim();
                let res: Resolution = self.index.lookup_notation(code, &self.filter).into();
                (code.to_string(), notation_key(code), res)
            }
        };
        if key.is_empty() {
            return None;
        }
        let mut rejected: Vec<String> = Vec::new();
        let mut chosen: Option<(Verdict, String)> = None;
        if let Some(ds) = decisions {
            for d in ds.about(&key, &self.schemes) {
                match d.verdict {
                    Verdict::Reject => rejected.push(d.iri.clone()),
                    v => {
                        chosen.get_or_insert((v, d.iri.clone()));
                    }
                }
            }
        }
        let resolution = if rejected.is_empty() {
            resolution
        } else {
            without(resolution, &rejected)
        };
        let (status, taken, candidates) = match resolution {
            Resolution::Matched(c) => (Status::Matched, Some(c.clone()), vec![c]),
            Resolution::Ambiguous(cs) => match self.options.on_ambiguous {
                OnAmbiguous::Best => (Status::Matched, cs.first().cloned(), cs),
                OnAmbiguous::Miss => (Status::Ambiguous, None, cs),
            },
            Resolution::NotFound => (Status::Unmatched, None, Vec::new()),
        };
        let taken = taken.filter(|c| c.score >= self.min_score);
        let status = if status == Status::Matched && taken.is_none() {
            Status::Unmatched
        } else {
            status
        };
        let mut out = Reconciled {
            heading,
            key,
            status,
            output: None,
            local: false,
            method: taken.as_ref().map(|c| (c.method, c.score)),
            candidates,
            annotate: self.options.annotate,
            decision: None,
            rejected,
        };
        if let Some((verdict, iri)) = chosen {
            out.status = Status::Matched;
            out.method = Some((Method::Decision, 1.0));
            out.output = Some(iri);
            out.decision = Some(verdict);
            return Some(out);
        }
        match taken {
            Some(c) => out.output = Some(c.iri),
            None => match self.options.on_miss {
                OnMiss::Local => {
                    out.output = Some(local_iri(base, self.local_scheme(), &out.key));
                    out.local = true;
                }
                OnMiss::KeepLiteral => out.output = Some(value.trim().to_string()),
                OnMiss::Drop => {}
            },
        }
        Some(out)
    }

    /// An identifier; an IRI also with the other of http/https and with(out) a final slash, as
    /// vocabularies and records disagree about both.
    fn by_identifier(&self, id: &str) -> Resolution {
        let first: Resolution = self
            .index
            .lookup_identifier_filtered(id, &self.filter)
            .into();
        if first != Resolution::NotFound || !is_iri(id) {
            return first;
        }
        let swapped = match id.split_once("://") {
            Some(("http", rest)) => format!("https://{rest}"),
            Some(("https", rest)) => format!("http://{rest}"),
            _ => id.to_string(),
        };
        for base in [id.to_string(), swapped] {
            let slash = match base.strip_suffix('/') {
                Some(b) => b.to_string(),
                None => format!("{base}/"),
            };
            for v in [base.clone(), slash] {
                if v == id {
                    continue;
                }
                let r: Resolution = self
                    .index
                    .lookup_identifier_filtered(&v, &self.filter)
                    .into();
                if r != Resolution::NotFound {
                    return r;
                }
            }
        }
        Resolution::NotFound
    }

    /// The scheme segment of local IRIs: the first scheme named (`any` when none is).
    fn local_scheme(&self) -> &str {
        self.schemes.first().map_or("any", String::as_str)
    }
}

/// The resolution without the rejected IRIs.
fn without(resolution: Resolution, rejected: &[String]) -> Resolution {
    let keep = |c: &Candidate| !rejected.contains(&c.iri);
    match resolution {
        Resolution::Matched(c) if keep(&c) => Resolution::Matched(c),
        Resolution::Ambiguous(mut cs) => {
            cs.retain(keep);
            match cs.len() {
                0 => Resolution::NotFound,
                1 => Resolution::Matched(cs.remove(0)),
                _ => Resolution::Ambiguous(cs),
            }
        }
        _ => Resolution::NotFound,
    }
}

/// `{base}concept/{scheme}/{hash}`: the local IRI of an unreconciled heading, from its normalised
/// key (FNV-1a, 16 hex digits).
pub fn local_iri(base: &str, scheme: &str, key: &str) -> String {
    let mut h = Fnv::default();
    h.write(key.as_bytes());
    let scheme: String = scheme
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    format!("{base}concept/{scheme}/{:016x}", h.0)
}

fn is_iri(s: &str) -> bool {
    s.starts_with("http://") || s.starts_with("https://") || s.starts_with("urn:")
}

/// `(DLC)sh 85148273` → `sh 85148273`: the MARC source prefix of a `$0` is not part of the number.
fn strip_source_prefix(id: &str) -> &str {
    if id.starts_with('(') && !id.contains("://") {
        if let Some(end) = id.find(')') {
            return id[end + 1..].trim();
        }
    }
    id
}

fn loaded_schemes(index: &AuthorityIndex) -> String {
    let names: Vec<&str> = index
        .vocabulary()
        .schemes()
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    if names.is_empty() {
        "none".into()
    } else {
        names.join(", ")
    }
}

// ---------------------------------------------------------------------------------------------
// Finding and loading vocabularies.

/// The environment variable with extra folders (separated like `PATH`) in which shipped
/// vocabularies are looked for, before the default places.
pub const VOCABULARIES_ENV: &str = "CROSSWALK_VOCABULARIES";

/// The folders searched for the shipped vocabulary files, in order: the folders in
/// `$CROSSWALK_VOCABULARIES`, `<mapping dir>/../vocabularies`, `<mapping dir>/vocabularies`, and
/// the crate's own `vocabularies/` (where it was built).
pub fn search_path(mapping_dir: Option<&Path>) -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(v) = std::env::var_os(VOCABULARIES_ENV) {
        dirs.extend(std::env::split_paths(&v).filter(|p| !p.as_os_str().is_empty()));
    }
    if let Some(d) = mapping_dir {
        let d = if d.as_os_str().is_empty() {
            Path::new(".")
        } else {
            d
        };
        dirs.push(d.join("..").join("vocabularies"));
        dirs.push(d.join("vocabularies"));
    }
    dirs.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("vocabularies"));
    dirs
}

/// The file of shipped vocabulary `name` (a short name from [`SHIPPED`]) in the first folder of
/// `dirs` that has it.
pub fn find_shipped(name: &str, dirs: &[PathBuf]) -> Result<PathBuf, String> {
    let Some((_, file)) = SHIPPED.iter().find(|(n, _)| *n == name) else {
        let known: Vec<&str> = SHIPPED.iter().map(|(n, _)| *n).collect();
        return Err(format!(
            "unknown vocabulary {name:?}: the shipped ones are {} (declare a file of your own under [vocabularies])",
            known.join(", ")
        ));
    };
    dirs.iter()
        .map(|d| d.join(file))
        .find(|p| p.is_file())
        .ok_or_else(|| {
            format!(
                "vocabulary {name:?}: {file} is in none of {} (set {VOCABULARIES_ENV})",
                dirs.iter()
                    .map(|d| d.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })
}

/// One file to load, with the scheme short name its concepts without `skos:inScheme` get.
pub type VocabularyFile = (PathBuf, String);

type Cache = Vec<(Vec<VocabularyFile>, Weak<AuthorityIndex>)>;

static CACHE: Mutex<Cache> = Mutex::new(Vec::new());

/// Loads the files into one index, or returns the index already loaded from the same files
/// (while something still holds it).
pub fn load_files(files: &[VocabularyFile]) -> Result<Arc<AuthorityIndex>, LoadError> {
    let mut key: Vec<VocabularyFile> = files
        .iter()
        .map(|(p, n)| {
            (
                std::fs::canonicalize(p).unwrap_or_else(|_| p.clone()),
                n.clone(),
            )
        })
        .collect();
    key.sort();
    key.dedup();
    let mut cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
    cache.retain(|(_, w)| w.strong_count() > 0);
    if let Some(index) = cache
        .iter()
        .find(|(k, _)| *k == key)
        .and_then(|(_, w)| w.upgrade())
    {
        return Ok(index);
    }
    let mut loader = VocabularyLoader::new();
    for (path, name) in &key {
        loader.load_path(path, Some(name))?;
    }
    let index = Arc::new(AuthorityIndex::new(loader.finish()));
    cache.push((key, Arc::downgrade(&index)));
    Ok(index)
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxrdfio::RdfFormat;

    const TTL: &str = r#"@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix lcsh: <http://id.loc.gov/authorities/subjects/> .
lcsh:sh85148273 skos:prefLabel "World War, 1939-1945"@en ; skos:altLabel "Second World War, 1939-1945"@en .
lcsh:sh1 skos:prefLabel "Mercury"@en .
lcsh:sh2 skos:prefLabel "Mercury"@en .
"#;

    fn index() -> Arc<AuthorityIndex> {
        let mut loader = VocabularyLoader::new();
        loader
            .load_rdf(TTL.as_bytes(), RdfFormat::Turtle, "t.ttl", Some("lcsh"))
            .unwrap();
        Arc::new(AuthorityIndex::new(loader.finish()))
    }

    fn reconciler(spec: &str) -> Reconciler {
        let spec: ReconcileSpec = serde_json::from_str(spec).unwrap();
        Reconciler::new(&spec, &index(), "https://ex.org/").unwrap()
    }

    #[test]
    fn matched_by_normalised_label() {
        let r = reconciler(r#"["lcsh"]"#)
            .resolve("world war, 1939-1945.")
            .unwrap();
        assert_eq!(r.status, Status::Matched);
        assert_eq!(
            r.output.as_deref(),
            Some("http://id.loc.gov/authorities/subjects/sh85148273")
        );
        assert_eq!(r.method.unwrap().0, Method::Normalized);
        assert!(!r.local);
    }

    #[test]
    fn ambiguous_gives_a_local_iri_with_candidates_or_the_best() {
        let r = reconciler(r#"["lcsh"]"#).resolve("Mercury").unwrap();
        assert_eq!(r.status, Status::Ambiguous);
        assert!(r.local);
        assert_eq!(r.candidates.len(), 2);
        let best = reconciler(r#"{"schemes":["lcsh"],"on-ambiguous":"best"}"#)
            .resolve("Mercury")
            .unwrap();
        assert_eq!(best.status, Status::Matched);
        assert_eq!(
            best.output.as_deref(),
            Some("http://id.loc.gov/authorities/subjects/sh1")
        );
    }

    #[test]
    fn unmatched_gives_the_same_local_iri_for_the_same_heading() {
        let r = reconciler(r#"["lcsh"]"#);
        let a = r.resolve("Gardening--Humor.").unwrap();
        let b = r.resolve("GARDENING -- humor").unwrap();
        assert_eq!(a.status, Status::Unmatched);
        assert!(a.local);
        assert_eq!(a.output, b.output);
        assert!(a
            .output
            .unwrap()
            .starts_with("https://ex.org/concept/lcsh/"));
        assert_eq!(a.heading, "Gardening--Humor");
    }

    #[test]
    fn min_score_and_miss_policies() {
        let r = reconciler(r#"{"schemes":["lcsh"],"min-score":0.95,"on-miss":"drop"}"#);
        let alt = r.resolve("Second World War, 1939-1945").unwrap();
        assert_eq!(alt.status, Status::Unmatched);
        assert_eq!(alt.output, None);
        assert_eq!(alt.candidates.len(), 1);
        let keep = reconciler(r#"{"schemes":["lcsh"],"on-miss":"keep-literal"}"#);
        assert_eq!(
            keep.resolve("Cats").unwrap().output.as_deref(),
            Some("Cats")
        );
    }

    #[test]
    fn identifiers() {
        let r = reconciler(r#"{"schemes":["lcsh"],"by":"identifier"}"#);
        for id in [
            "(DLC)sh 85148273",
            "sh85148273",
            "http://id.loc.gov/authorities/subjects/sh85148273",
        ] {
            let m = r.resolve(id).unwrap();
            assert_eq!(m.status, Status::Matched, "{id}");
            assert_eq!(m.method.unwrap().0, Method::Identifier);
        }
    }

    #[test]
    fn unknown_scheme_is_an_error() {
        let spec = ReconcileSpec::Schemes(vec!["nope".into()]);
        let e = Reconciler::new(&spec, &index(), "").unwrap_err();
        assert!(e.contains("unknown scheme \"nope\""), "{e}");
    }
}
