//! Loading a mapping file: parse the TOML, resolve includes and prefixes, compile every selector,
//! transform, CURIE and template once — so that every mistake is reported with file, line and
//! column before any record is read.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use oxrdf::NamedNode;
use toml::Spanned;

use super::decisions::Decisions;
use super::reconcile::{self, VocabularyFile};
use super::spec::{
    ConditionSpec, ExampleSpec, LangSpec, MappingFile, ResourceSpec, RuleSpec, Selectors,
};
use super::transform::CompiledTransform;
use crate::authority::AuthorityIndex;
use crate::select::Selectable;

/// Namespaces every mapping may use without declaring them.
pub const BUILTIN_PREFIXES: &[(&str, &str)] = &[
    ("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
    ("rdfs", "http://www.w3.org/2000/01/rdf-schema#"),
    ("xsd", "http://www.w3.org/2001/XMLSchema#"),
    ("owl", "http://www.w3.org/2002/07/owl#"),
    ("dc", "http://purl.org/dc/elements/1.1/"),
    ("dcterms", "http://purl.org/dc/terms/"),
    ("dcmitype", "http://purl.org/dc/dcmitype/"),
    ("skos", "http://www.w3.org/2004/02/skos/core#"),
    ("foaf", "http://xmlns.com/foaf/0.1/"),
    ("prov", "http://www.w3.org/ns/prov#"),
    ("schema", "http://schema.org/"),
    ("edtf", "http://id.loc.gov/datatypes/edtf/"),
    ("relators", "http://id.loc.gov/vocabulary/relators/"),
    ("lcsh", "http://id.loc.gov/authorities/subjects/"),
    ("languages", "http://id.loc.gov/vocabulary/iso639-2/"),
    ("cw", "https://w3id.org/crosswalk/vocab#"),
];

/// A mistake in a mapping file, located.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}:{line}:{column}: {message}", .file.display())]
pub struct MappingError {
    /// The mapping (or included) file.
    pub file: PathBuf,
    /// 1-based line (0 when unknown).
    pub line: usize,
    /// 1-based column in characters (0 when unknown).
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

/// Locates byte offsets of one file's text.
pub(crate) struct SourceText {
    pub(crate) path: PathBuf,
    text: String,
}

impl SourceText {
    fn error(&self, offset: usize, message: impl Into<String>) -> MappingError {
        let offset = offset.min(self.text.len());
        let mut at = offset;
        while at > 0 && !self.text.is_char_boundary(at) {
            at -= 1;
        }
        let before = &self.text[..at];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        MappingError {
            file: self.path.clone(),
            line,
            column,
            message: message.into(),
        }
    }

    fn at<T>(&self, spanned: &Spanned<T>, message: impl Into<String>) -> MappingError {
        self.error(spanned.span().start, message)
    }

    /// An error inside a spanned string value: `offset` counts characters of the value; the span
    /// includes the opening quote.
    fn inside(
        &self,
        spanned: &Spanned<String>,
        offset: usize,
        message: impl Into<String>,
    ) -> MappingError {
        let start = spanned.span().start + 1;
        let inner: usize = spanned
            .get_ref()
            .chars()
            .take(offset)
            .map(char::len_utf8)
            .sum();
        self.error(start + inner, message)
    }
}

/// One piece of an IRI template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Piece {
    Text(String),
    Base,
    Record,
    Collection,
    Key,
    Hash,
    Value,
    /// A format variable (`{parent}`), asked of the record.
    Var(String),
}

/// A compiled IRI template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Template {
    pub(crate) pieces: Vec<Piece>,
    /// For the base it was worked out with: whether [`Template::valid_by_construction`] holds.
    valid: std::sync::OnceLock<(String, bool)>,
}

impl Template {
    pub(crate) fn new(pieces: Vec<Piece>) -> Self {
        Template {
            pieces,
            valid: std::sync::OnceLock::new(),
        }
    }

    pub(crate) fn uses(&self, p: &Piece) -> bool {
        self.pieces.contains(p)
    }

    /// True when every IRI this template gives with `base` is valid without checking it: the
    /// leading text (and base) is an absolute IRI that has reached its path, with no query or
    /// fragment, and everything after it is path characters or a percent-encoded piece
    /// (`encode_into` keeps only unreserved characters and `ucschar`s).
    pub(crate) fn valid_by_construction(&self, base: &str) -> bool {
        match self.valid.get() {
            Some((b, ok)) if b == base => *ok,
            Some(_) => self.work_out_valid(base),
            None => {
                let ok = self.work_out_valid(base);
                let _ = self.valid.set((base.to_string(), ok));
                ok
            }
        }
    }

    fn work_out_valid(&self, base: &str) -> bool {
        let mut prefix = String::new();
        let mut rest = &self.pieces[..];
        while let Some((p, tail)) = rest.split_first() {
            match p {
                Piece::Text(t) => prefix.push_str(t),
                Piece::Base => prefix.push_str(base),
                _ => break,
            }
            rest = tail;
        }
        let in_path = prefix
            .find("://")
            .is_some_and(|i| prefix[i + 3..].contains('/'));
        if rest.is_empty()
            || !in_path
            || prefix.contains(['?', '#'])
            || NamedNode::new(prefix.as_str()).is_err()
        {
            return false;
        }
        rest.iter().all(|p| match p {
            Piece::Text(t) => t
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/".contains(&b)),
            Piece::Base => false,
            Piece::Record
            | Piece::Collection
            | Piece::Key
            | Piece::Hash
            | Piece::Value
            | Piece::Var(_) => true,
        })
    }
}

/// What a rule emits.
#[derive(Debug)]
pub(crate) enum Object {
    Literal {
        datatype: Option<NamedNode>,
        /// `Some(None)`: the value's own language; `Some(Some(tag))`: a fixed tag.
        lang: Option<Option<String>>,
    },
    Iri(Template),
    Resource(usize),
}

/// Where a rule's values come from.
#[derive(Debug)]
pub(crate) enum Source<S> {
    Select(Vec<S>),
    Constant(String),
}

/// A compiled condition.
#[derive(Debug)]
pub(crate) struct Condition<S> {
    pub(crate) selectors: Vec<S>,
    pub(crate) equals: Option<Vec<String>>,
    pub(crate) starts_with: Option<Vec<String>>,
    pub(crate) not_equals: Option<Vec<String>>,
    pub(crate) exists: bool,
}

/// A compiled computed `lang`: its selectors and transforms.
#[derive(Debug)]
pub(crate) struct LangFrom<S> {
    /// Evaluated in the whole record.
    pub(crate) record: Vec<S>,
    /// Evaluated in the field or element of each value.
    pub(crate) select: Vec<S>,
    /// (name, transform)
    pub(crate) transforms: Vec<(&'static str, CompiledTransform)>,
}

/// A compiled rule.
#[derive(Debug)]
pub(crate) struct Rule<S> {
    pub(crate) name: String,
    pub(crate) source: Source<S>,
    /// (name, transform)
    pub(crate) transforms: Vec<(&'static str, CompiledTransform)>,
    pub(crate) predicate: NamedNode,
    pub(crate) object: Object,
    /// A language tag computed per value (`lang = { … }`), for literals.
    pub(crate) lang_from: Option<LangFrom<S>>,
    pub(crate) when: Option<Condition<S>>,
}

/// A compiled link.
#[derive(Debug)]
pub(crate) struct Link<S> {
    pub(crate) from: usize,
    pub(crate) predicate: NamedNode,
    pub(crate) inverse: Option<NamedNode>,
    pub(crate) when: Option<Condition<S>>,
}

/// A compiled resource block.
#[derive(Debug)]
pub(crate) struct Resource<S> {
    pub(crate) name: String,
    pub(crate) for_each: Option<Vec<S>>,
    pub(crate) iri: Template,
    pub(crate) key: Vec<S>,
    pub(crate) types: Vec<NamedNode>,
    pub(crate) when: Option<Condition<S>>,
    pub(crate) links: Vec<Link<S>>,
    pub(crate) rules: Vec<Rule<S>>,
}

/// A crosswalk, compiled for records of type `R` and ready to apply to any number of them.
pub struct Mapping<R: Selectable> {
    pub(crate) name: String,
    pub(crate) path: PathBuf,
    pub(crate) hash: String,
    pub(crate) base: String,
    pub(crate) prefixes: BTreeMap<String, String>,
    pub(crate) resources: Vec<Resource<R::Selector>>,
    pub(crate) examples: Vec<ExampleSpec>,
    pub(crate) vocabularies: Option<Arc<AuthorityIndex>>,
    pub(crate) decisions: Option<Arc<Decisions>>,
    /// Unique to this mapping with its current base and decisions: what a record output cached
    /// for another (see `apply`) is not used for this one.
    pub(crate) generation: u64,
}

/// A [`Mapping::generation`] no mapping had before.
fn next_generation() -> u64 {
    static LAST: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    LAST.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1
}

impl<R: Selectable> fmt::Debug for Mapping<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Mapping")
            .field("name", &self.name)
            .field("path", &self.path)
            .field("format", &R::FORMAT)
            .field("resources", &self.resources.len())
            .finish()
    }
}

/// The parsed files of a mapping: the main file first, then its includes.
pub(crate) struct Parsed {
    pub(crate) files: Vec<(SourceText, MappingFile)>,
    pub(crate) hash: String,
}

/// Reads a mapping file and its includes (not yet compiled for a format).
pub(crate) fn parse(path: &Path) -> Result<Parsed, MappingError> {
    let mut files = Vec::new();
    let mut hasher = Fnv::default();
    let mut queue = vec![path.to_path_buf()];
    while let Some(p) = queue.pop() {
        if files
            .iter()
            .any(|(s, _): &(SourceText, MappingFile)| s.path == p)
        {
            continue;
        }
        if files.len() > 64 {
            return Err(MappingError {
                file: p,
                line: 0,
                column: 0,
                message: "more than 64 included files (an include cycle?)".into(),
            });
        }
        let text = std::fs::read_to_string(&p).map_err(|e| MappingError {
            file: p.clone(),
            line: 0,
            column: 0,
            message: format!("cannot read the mapping: {e}"),
        })?;
        hasher.write(text.as_bytes());
        let src = SourceText {
            path: p.clone(),
            text,
        };
        let file: MappingFile = toml::from_str(&src.text).map_err(|e| {
            let offset = e.span().map_or(0, |s| s.start);
            src.error(offset, e.message().to_string())
        })?;
        let dir = p.parent().map(Path::to_path_buf).unwrap_or_default();
        for inc in &file.crosswalk.include {
            queue.push(dir.join(inc.get_ref()));
        }
        files.push((src, file));
    }
    Ok(Parsed {
        files,
        hash: format!("{:016x}", hasher.0),
    })
}

/// The vocabulary files a parsed mapping declares (shipped names in `[crosswalk] vocabularies`,
/// files in `[vocabularies]`), with the place of each declaration.
pub(crate) fn vocabulary_files(
    parsed: &Parsed,
) -> Result<Vec<(VocabularyFile, MappingError)>, MappingError> {
    let mut files = Vec::new();
    for (src, file) in &parsed.files {
        let dir = src.path.parent().map(Path::to_path_buf).unwrap_or_default();
        let dirs = reconcile::search_path(Some(&dir));
        for name in &file.crosswalk.vocabularies {
            let path =
                reconcile::find_shipped(name.get_ref(), &dirs).map_err(|m| src.at(name, m))?;
            files.push(((path, name.get_ref().clone()), src.at(name, "")));
        }
        for (name, path) in &file.vocabularies {
            let p = dir.join(path.get_ref());
            if !p.is_file() {
                return Err(src.at(
                    path,
                    format!("vocabulary {name:?}: no such file {}", p.display()),
                ));
            }
            files.push(((p, name.clone()), src.at(path, "")));
        }
    }
    Ok(files)
}

/// Loads what a parsed mapping declares (`None`: nothing), or checks that `shared` has every
/// scheme it declares.
fn mapping_index(
    parsed: &Parsed,
    shared: Option<&Arc<AuthorityIndex>>,
) -> Result<Option<Arc<AuthorityIndex>>, MappingError> {
    let declared = vocabulary_files(parsed)?;
    let index = match shared {
        Some(i) => Arc::clone(i),
        None if declared.is_empty() => return Ok(None),
        None => {
            let files: Vec<VocabularyFile> = declared.iter().map(|(f, _)| f.clone()).collect();
            reconcile::load_files(&files).map_err(|e| MappingError {
                message: format!("vocabularies: {e}"),
                ..declared[0].1.clone()
            })?
        }
    };
    for ((path, name), at) in &declared {
        if index.vocabulary().scheme_index(name).is_none()
            || index.vocabulary().concepts_in(name).next().is_none()
        {
            let have: Vec<&str> = index
                .vocabulary()
                .schemes()
                .iter()
                .map(|s| s.name.as_str())
                .collect();
            return Err(MappingError {
                message: format!(
                    "vocabulary {name:?} ({}) is no scheme with concepts in the loaded vocabularies ({}); \
                     a file whose scheme has its own name (dcterms:identifier) must be declared under that name",
                    path.display(),
                    have.join(", ")
                ),
                ..at.clone()
            });
        }
    }
    Ok(Some(index))
}

/// The error for a `format` no record type has.
pub(crate) fn format_error(parsed: &Parsed, format: &str) -> MappingError {
    let (src, main) = &parsed.files[0];
    src.at(
        &main.crosswalk.format,
        format!("unknown format {format:?}: a mapping is for \"marc\", \"ead\" or \"dc\""),
    )
}

/// FNV-1a, 64 bits: a stable hash for IRIs and file fingerprints (the same on every platform and
/// release, unlike `std`'s hasher).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fnv(pub(crate) u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    pub(crate) fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

impl<R: Selectable> Mapping<R> {
    /// Loads and compiles a mapping file for records of type `R`.
    ///
    /// The vocabularies it declares are loaded too (once per process while a mapping holds them).
    pub fn load(path: impl AsRef<Path>) -> Result<Self, MappingError> {
        Self::compile(parse(path.as_ref())?, None)
    }

    /// Loads and compiles a mapping file whose `reconcile` transforms use `vocabularies`, an
    /// index loaded once for many mappings (see [`load_vocabularies`](super::load_vocabularies));
    /// every vocabulary the file declares must be a scheme of it.
    pub fn load_with(
        path: impl AsRef<Path>,
        vocabularies: &Arc<AuthorityIndex>,
    ) -> Result<Self, MappingError> {
        Self::compile(parse(path.as_ref())?, Some(vocabularies))
    }

    pub(crate) fn compile(
        parsed: Parsed,
        shared: Option<&Arc<AuthorityIndex>>,
    ) -> Result<Self, MappingError> {
        let (main_src, main) = &parsed.files[0];
        let format = main.crosswalk.format.get_ref();
        if format != R::FORMAT {
            return Err(main_src.at(
                &main.crosswalk.format,
                format!(
                    "this mapping is for format {format:?}, used here for {:?} records",
                    R::FORMAT
                ),
            ));
        }
        // Prefixes: built-in, then every file's (the main file wins).
        let mut prefixes: BTreeMap<String, String> = BUILTIN_PREFIXES
            .iter()
            .map(|(p, n)| (p.to_string(), n.to_string()))
            .collect();
        for (src, file) in parsed.files.iter().rev() {
            for (p, ns) in &file.prefixes {
                if NamedNode::new(ns.get_ref()).is_err() {
                    return Err(src.at(ns, format!("prefix {p}: {:?} is not an IRI", ns.get_ref())));
                }
                prefixes.insert(p.clone(), ns.get_ref().clone());
            }
        }
        let base = main.crosswalk.base.get_ref().clone();
        if NamedNode::new(&base).is_err() {
            return Err(main_src.at(&main.crosswalk.base, "base is not an absolute IRI"));
        }
        let vocabularies = mapping_index(&parsed, shared)?;
        let decisions = match &main.crosswalk.decisions {
            None => None,
            Some(d) => {
                let dir = main_src.path.parent().unwrap_or(Path::new(""));
                let p = dir.join(d.get_ref());
                if !p.is_file() {
                    return Err(main_src.at(d, format!("decisions: no such file {}", p.display())));
                }
                Some(Arc::new(Decisions::load(&p)?))
            }
        };
        // Resource blocks: same-named blocks of included files add their rules.
        let mut specs: Vec<(&SourceText, ResourceSpec)> = Vec::new();
        for (src, file) in &parsed.files {
            for r in &file.resources {
                match specs
                    .iter_mut()
                    .find(|(_, s)| s.name.get_ref() == r.name.get_ref())
                {
                    Some((_, s)) if !std::ptr::eq(src, main_src) => {
                        s.rule.extend(r.rule.iter().cloned());
                    }
                    Some(_) => {
                        return Err(src.at(
                            &r.name,
                            format!("resource {:?} is defined twice", r.name.get_ref()),
                        ))
                    }
                    None => specs.push((src, r.clone())),
                }
            }
        }
        let names: Vec<String> = specs
            .iter()
            .map(|(_, s)| s.name.get_ref().clone())
            .collect();
        let c = Compiler {
            prefixes: &prefixes,
            names: &names,
        };
        let mut resources = Vec::new();
        for (src, spec) in &specs {
            resources.push(c.resource::<R>(src, spec)?);
        }
        if resources.is_empty() {
            return Err(main_src.error(0, "the mapping has no [[resource]] block"));
        }
        let dir = main_src
            .path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        // Transforms that read tables are compiled relative to the mapping's folder.
        for (i, (src, spec)) in specs.iter().enumerate() {
            for (rule, rs) in resources[i].rules.iter_mut().zip(&spec.rule) {
                for t in &rs.transforms {
                    let compiled = t
                        .get_ref()
                        .compile_with(&dir, vocabularies.as_ref(), &base)
                        .map_err(|e| src.at(t, format!("transform: {e}")))?;
                    rule.transforms.push((t.get_ref().name(), compiled));
                }
                if let (Some(lang), Some(l)) = (&mut rule.lang_from, &rs.lang) {
                    if let LangSpec::Computed(c) = l.get_ref() {
                        for t in &c.transforms {
                            let compiled = t
                                .get_ref()
                                .compile_in(&dir)
                                .map_err(|e| src.at(t, format!("lang: transform: {e}")))?;
                            lang.transforms.push((t.get_ref().name(), compiled));
                        }
                    }
                }
            }
        }
        Ok(Mapping {
            name: main.crosswalk.name.clone(),
            path: main_src.path.clone(),
            hash: parsed.hash,
            base,
            prefixes,
            resources,
            examples: main.examples.clone(),
            vocabularies,
            decisions,
            generation: next_generation(),
        })
    }

    /// The mapping's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The file it was loaded from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A fingerprint of the mapping's text and its includes (16 hex digits), for provenance and
    /// for re-mapping what a changed crosswalk affects.
    pub fn hash(&self) -> &str {
        &self.hash
    }

    /// The base IRI.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// Replaces the base IRI (a run configuration's own).
    pub fn set_base(&mut self, base: impl Into<String>) {
        self.base = base.into();
        self.generation = next_generation();
    }

    /// Every prefix the mapping knows (built-in and declared).
    pub fn prefixes(&self) -> &BTreeMap<String, String> {
        &self.prefixes
    }

    /// The vocabularies its `reconcile` transforms use, if it declares any.
    pub fn vocabularies(&self) -> Option<&Arc<AuthorityIndex>> {
        self.vocabularies.as_ref()
    }

    /// The reviewers' decisions its `reconcile` transforms apply, if any.
    pub fn decisions(&self) -> Option<&Decisions> {
        self.decisions.as_deref()
    }

    /// Adds reviewers' decisions (e.g. from `--decisions`); they take precedence over the
    /// mapping's own for the same heading and scheme.
    pub fn add_decisions(&mut self, decisions: Decisions) {
        let mut all = self.decisions.as_deref().cloned().unwrap_or_default();
        all.merge(decisions);
        self.decisions = Some(Arc::new(all));
        self.generation = next_generation();
    }

    /// The examples written in the mapping file.
    pub fn examples(&self) -> &[ExampleSpec] {
        &self.examples
    }
}

struct Compiler<'a> {
    prefixes: &'a BTreeMap<String, String>,
    names: &'a [String],
}

impl Compiler<'_> {
    fn selector<R: Selectable>(
        &self,
        src: &SourceText,
        s: &Spanned<String>,
    ) -> Result<R::Selector, MappingError> {
        R::compile(s.get_ref())
            .map_err(|e| src.inside(s, e.offset, format!("selector: {}", e.message)))
    }

    fn selectors<R: Selectable>(
        &self,
        src: &SourceText,
        s: &Selectors,
    ) -> Result<Vec<R::Selector>, MappingError> {
        let items = s.items();
        if items.is_empty() {
            return Err(src.at(&s.0, "an empty selector list"));
        }
        let start = s.0.span().start;
        items
            .into_iter()
            .map(|i| {
                R::compile(i).map_err(|e| {
                    if s.is_one() {
                        // Inside the quoted string: exact position.
                        let inner: usize = i.chars().take(e.offset).map(char::len_utf8).sum();
                        src.error(start + 1 + inner, format!("selector: {}", e.message))
                    } else {
                        src.error(
                            start,
                            format!(
                                "selector {i:?}: {} (at character {})",
                                e.message,
                                e.offset + 1
                            ),
                        )
                    }
                })
            })
            .collect()
    }

    fn iri(&self, src: &SourceText, s: &Spanned<String>) -> Result<NamedNode, MappingError> {
        let text = s.get_ref();
        let expanded = expand_curie(self.prefixes, text).map_err(|m| src.at(s, m))?;
        NamedNode::new(&expanded)
            .map_err(|e| src.at(s, format!("{text:?} is not a valid IRI: {e}")))
    }

    /// A template whose format variables the record type `R` knows.
    fn template_for<R: Selectable>(
        &self,
        src: &SourceText,
        s: &Spanned<String>,
    ) -> Result<Template, MappingError> {
        let t = self.template(src, s)?;
        for p in &t.pieces {
            if let Piece::Var(v) = p {
                if !R::VARIABLES.contains(&v.as_str()) {
                    let known = if R::VARIABLES.is_empty() {
                        "none".to_string()
                    } else {
                        R::VARIABLES.join(", ")
                    };
                    return Err(src.at(
                        s,
                        format!(
                            "unknown template variable {{{v}}}: {{base}}, {{record}}, {{collection}}, \
                             {{key}}, {{hash}}, {{value}}, and for {} records: {known}",
                            R::FORMAT
                        ),
                    ));
                }
            }
        }
        Ok(t)
    }

    fn template(&self, src: &SourceText, s: &Spanned<String>) -> Result<Template, MappingError> {
        let text = s.get_ref();
        let mut pieces = Vec::new();
        let mut rest = text.as_str();
        let mut at = 0;
        while let Some(open) = rest.find('{') {
            if open > 0 {
                pieces.push(Piece::Text(rest[..open].to_string()));
            }
            let Some(close) = rest[open..].find('}') else {
                return Err(src.inside(
                    s,
                    text[..at + open].chars().count(),
                    "unclosed { in template",
                ));
            };
            let var = &rest[open + 1..open + close];
            pieces.push(match var {
                "base" => Piece::Base,
                "record" => Piece::Record,
                "collection" => Piece::Collection,
                "key" => Piece::Key,
                "hash" => Piece::Hash,
                "value" => Piece::Value,
                v if !v.is_empty() && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') => {
                    Piece::Var(v.to_string())
                }
                v => {
                    return Err(src.inside(
                        s,
                        text[..at + open].chars().count(),
                        format!("unknown template variable {{{v}}}"),
                    ))
                }
            });
            at += open + close + 1;
            rest = &rest[open + close + 1..];
        }
        if !rest.is_empty() {
            pieces.push(Piece::Text(rest.to_string()));
        }
        // A template that starts with a CURIE prefix is expanded now.
        if let Some(Piece::Text(first)) = pieces.first_mut() {
            if let Some((p, local)) = first.split_once(':') {
                if let Some(ns) = self.prefixes.get(p) {
                    if !local.starts_with("//") {
                        *first = format!("{ns}{local}");
                    }
                }
            }
        }
        Ok(Template::new(pieces))
    }

    fn condition<R: Selectable>(
        &self,
        src: &SourceText,
        c: &ConditionSpec,
    ) -> Result<Condition<R::Selector>, MappingError> {
        Ok(Condition {
            selectors: self.selectors::<R>(src, &c.select)?,
            equals: c.equals.clone(),
            starts_with: c.starts_with.clone(),
            not_equals: c.not_equals.clone(),
            exists: c.exists.unwrap_or(true),
        })
    }

    fn resource_index(&self, src: &SourceText, s: &Spanned<String>) -> Result<usize, MappingError> {
        self.names
            .iter()
            .position(|n| n == s.get_ref())
            .ok_or_else(|| src.at(s, format!("no resource block named {:?}", s.get_ref())))
    }

    fn resource<R: Selectable>(
        &self,
        src: &SourceText,
        spec: &ResourceSpec,
    ) -> Result<Resource<R::Selector>, MappingError> {
        let iri = self.template_for::<R>(src, &spec.iri)?;
        if spec.for_each.is_some() && !(iri.uses(&Piece::Key) || iri.uses(&Piece::Hash)) {
            return Err(src.at(
                &spec.iri,
                "a for-each resource needs {key} or {hash} in its IRI (with `key` selectors), so that \
                 its IRI does not depend on the order of fields",
            ));
        }
        if (iri.uses(&Piece::Key) || iri.uses(&Piece::Hash)) && spec.key.is_empty() {
            return Err(src.at(&spec.iri, "{key} and {hash} need `key` selectors"));
        }
        if iri.uses(&Piece::Value) {
            return Err(src.at(
                &spec.iri,
                "{value} is for rule objects; resources use {key} or {hash}",
            ));
        }
        let mut links = Vec::new();
        for l in &spec.link {
            links.push(Link {
                from: self.resource_index(src, &l.from)?,
                predicate: self.iri(src, &l.predicate)?,
                inverse: l.inverse.as_ref().map(|i| self.iri(src, i)).transpose()?,
                when: l
                    .when
                    .as_ref()
                    .map(|c| self.condition::<R>(src, c))
                    .transpose()?,
            });
        }
        let mut rules = Vec::new();
        for r in &spec.rule {
            rules.push(self.rule::<R>(src, r)?);
        }
        Ok(Resource {
            name: spec.name.get_ref().clone(),
            for_each: spec
                .for_each
                .as_ref()
                .map(|s| self.selectors::<R>(src, s))
                .transpose()?,
            iri,
            key: spec
                .key
                .iter()
                .map(|s| self.selector::<R>(src, s))
                .collect::<Result<_, _>>()?,
            types: spec
                .types
                .iter()
                .map(|t| self.iri(src, t))
                .collect::<Result<_, _>>()?,
            when: spec
                .when
                .as_ref()
                .map(|c| self.condition::<R>(src, c))
                .transpose()?,
            links,
            rules,
        })
    }

    fn rule<R: Selectable>(
        &self,
        src: &SourceText,
        r: &RuleSpec,
    ) -> Result<Rule<R::Selector>, MappingError> {
        let source = match (&r.select, &r.value) {
            (Some(s), None) => Source::Select(self.selectors::<R>(src, s)?),
            (None, Some(v)) => Source::Constant(v.get_ref().clone()),
            (None, None) if r.iri.is_some() || r.resource.is_some() => {
                Source::Constant(String::new())
            }
            (Some(_), Some(v)) => return Err(src.at(v, "a rule has `select` or `value`, not both")),
            (None, None) => {
                return Err(src.at(
                    &r.predicate,
                    "the rule needs `select`, `value`, `iri` or `resource`",
                ))
            }
        };
        let object = match (&r.iri, &r.resource) {
            (Some(_), Some(res)) => {
                return Err(src.at(res, "a rule emits `iri` or `resource`, not both"))
            }
            (Some(t), None) => Object::Iri(self.template_for::<R>(src, t)?),
            (None, Some(res)) => Object::Resource(self.resource_index(src, res)?),
            (None, None) => Object::Literal {
                datatype: r.datatype.as_ref().map(|d| self.iri(src, d)).transpose()?,
                lang: match r.lang.as_ref().map(|l| (l, l.get_ref())) {
                    None | Some((_, LangSpec::Computed(_))) => None,
                    Some((_, LangSpec::Tag(t))) if t == "source" => Some(None),
                    Some((l, LangSpec::Tag(t))) => {
                        oxrdf::Literal::new_language_tagged_literal("x", t)
                            .map_err(|e| src.at(l, format!("language tag: {e}")))?;
                        Some(Some(t.clone()))
                    }
                },
            },
        };
        if r.datatype.is_some() && r.lang.is_some() {
            return Err(src.at(
                &r.predicate,
                "a literal has a datatype or a language, not both",
            ));
        }
        let lang_from = match &r.lang {
            Some(l) => {
                match l.get_ref() {
                    LangSpec::Computed(c) => {
                        if !matches!(object, Object::Literal { .. }) {
                            return Err(src.at(l, "a computed `lang` is for literals, not `iri` or `resource` objects"));
                        }
                        if c.record.is_none() && c.select.is_none() {
                            return Err(src.at(l, "a computed `lang` needs `select` or `record`"));
                        }
                        let sels =
                            |s: &Option<Selectors>| -> Result<Vec<R::Selector>, MappingError> {
                                match s {
                                    Some(s) => self.selectors::<R>(src, s),
                                    None => Ok(Vec::new()),
                                }
                            };
                        Some(LangFrom {
                            record: sels(&c.record)?,
                            select: sels(&c.select)?,
                            transforms: Vec::new(),
                        })
                    }
                    LangSpec::Tag(_) => None,
                }
            }
            None => None,
        };
        let name = r.name.clone().unwrap_or_else(|| {
            let what = r
                .select
                .as_ref()
                .map(|s| s.items().join(" | "))
                .or_else(|| r.value.as_ref().map(|v| format!("{:?}", v.get_ref())))
                .unwrap_or_default();
            format!("{} ← {what}", r.predicate.get_ref())
        });
        Ok(Rule {
            name,
            source,
            transforms: Vec::new(),
            predicate: self.iri(src, &r.predicate)?,
            object,
            lang_from,
            when: r
                .when
                .as_ref()
                .map(|c| self.condition::<R>(src, c))
                .transpose()?,
        })
    }
}

/// Expands `prefix:local` with the known prefixes; an absolute IRI (`http://…`, `urn:…` with an
/// unknown prefix) is returned as it is.
pub(crate) fn expand_curie(
    prefixes: &BTreeMap<String, String>,
    text: &str,
) -> Result<String, String> {
    if let Some(iri) = text.strip_prefix('<').and_then(|t| t.strip_suffix('>')) {
        return Ok(iri.to_string());
    }
    match text.split_once(':') {
        Some((p, local)) if !local.starts_with("//") => match prefixes.get(p) {
            Some(ns) => Ok(format!("{ns}{local}")),
            None if p == "urn" || p == "mailto" || p == "tag" => Ok(text.to_string()),
            None => Err(format!(
                "unknown prefix {p:?} in {text:?} (declare it under [prefixes])"
            )),
        },
        Some(_) => Ok(text.to_string()),
        None => Err(format!(
            "{text:?} is neither a CURIE (prefix:name) nor an IRI"
        )),
    }
}
