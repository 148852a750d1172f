//! Concepts from SKOS files (any RDF syntax `oxrdfio` reads) and MARC 21 authority records,
//! stored lean: every string lives once in one arena, concepts and labels are small fixed-size
//! records pointing into it, and IRIs are found through a map of 64-bit hashes.
//!
//! Loading streams: a [`VocabularyLoader`] reads triples (or records) one at a time and never
//! holds a whole file. [`VocabularyLoader::finish`] groups everything per concept and gives the
//! frozen [`Vocabulary`].
//!
//! ```
//! use crosswalk::authority::vocabulary::{LabelKind, VocabularyLoader};
//! use oxrdfio::RdfFormat;
//!
//! let ttl = r#"
//! @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
//! @prefix dcterms: <http://purl.org/dc/terms/> .
//! <http://example.org/s> a skos:ConceptScheme ; dcterms:identifier "demo" .
//! <http://example.org/c1> a skos:Concept ; skos:inScheme <http://example.org/s> ;
//!   skos:prefLabel "Cats"@en, "Chats"@fr ; skos:altLabel "Felines"@en ; skos:notation "C1" .
//! "#;
//! let mut loader = VocabularyLoader::new();
//! loader.load_rdf(ttl.as_bytes(), RdfFormat::Turtle, "demo.ttl", None)?;
//! let vocab = loader.finish();
//! let cats = vocab.concept_by_iri("http://example.org/c1").unwrap();
//! assert_eq!(cats.scheme().name, "demo");
//! assert_eq!(cats.pref_label(Some("fr")), Some("Chats"));
//! assert_eq!(cats.labels().filter(|l| l.kind == LabelKind::Alt).count(), 1);
//! assert_eq!(cats.notations().collect::<Vec<_>>(), ["C1"]);
//! # Ok::<(), crosswalk::authority::vocabulary::LoadError>(())
//! ```

use std::collections::HashMap;
use std::fs::File;
use std::hash::{BuildHasherDefault, Hash, Hasher};
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

use oxrdf::{NamedOrBlankNode, Term};
use oxrdfio::{RdfFormat, RdfParseError, RdfParser};

use super::normalize::{identifier_key, Heading};
use crate::marc::{AnyReader, ReadError, RecordBuf};

/// SKOS, DCMI and other IRIs the loader understands.
pub mod iri {
    /// `rdf:type`.
    pub const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
    /// The SKOS namespace.
    pub const SKOS: &str = "http://www.w3.org/2004/02/skos/core#";
    /// `skos:Concept`.
    pub const SKOS_CONCEPT: &str = "http://www.w3.org/2004/02/skos/core#Concept";
    /// `skos:ConceptScheme`.
    pub const SKOS_CONCEPT_SCHEME: &str = "http://www.w3.org/2004/02/skos/core#ConceptScheme";
    /// `dcterms:identifier`.
    pub const DCTERMS_IDENTIFIER: &str = "http://purl.org/dc/terms/identifier";
    /// `dc:identifier` (DCMI elements 1.1).
    pub const DC_IDENTIFIER: &str = "http://purl.org/dc/elements/1.1/identifier";
    /// `dcterms:title`.
    pub const DCTERMS_TITLE: &str = "http://purl.org/dc/terms/title";
    /// `owl:versionInfo`.
    pub const OWL_VERSION_INFO: &str = "http://www.w3.org/2002/07/owl#versionInfo";
    /// `dcterms:modified`.
    pub const DCTERMS_MODIFIED: &str = "http://purl.org/dc/terms/modified";
}

/// Which SKOS label property a label comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LabelKind {
    /// `skos:prefLabel` (MARC 1XX).
    Pref = 0,
    /// `skos:altLabel` (MARC 4XX).
    Alt = 1,
    /// `skos:hiddenLabel`.
    Hidden = 2,
}

/// A relation of a concept to another resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum RelationKind {
    /// `skos:broader` (MARC 5XX `$w g`).
    Broader,
    /// `skos:narrower` (MARC 5XX `$w h`).
    Narrower,
    /// `skos:related` (MARC 5XX, see-also).
    Related,
    /// `skos:exactMatch`.
    ExactMatch,
    /// `skos:closeMatch`.
    CloseMatch,
    /// `skos:broadMatch`.
    BroadMatch,
    /// `skos:narrowMatch`.
    NarrowMatch,
    /// `skos:relatedMatch`.
    RelatedMatch,
}

impl RelationKind {
    fn from_skos(local: &str) -> Option<Self> {
        Some(match local {
            "broader" => Self::Broader,
            "narrower" => Self::Narrower,
            "related" => Self::Related,
            "exactMatch" => Self::ExactMatch,
            "closeMatch" => Self::CloseMatch,
            "broadMatch" => Self::BroadMatch,
            "narrowMatch" => Self::NarrowMatch,
            "relatedMatch" => Self::RelatedMatch,
            _ => return None,
        })
    }
}

/// A failure while loading.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// Reading failed.
    #[error("{name}: {source}")]
    Io {
        /// The input's name.
        name: String,
        /// The I/O error.
        source: io::Error,
    },
    /// The RDF is not well-formed.
    #[error("{name}: {source}")]
    Rdf {
        /// The input's name.
        name: String,
        /// The parser's error (with position).
        source: RdfParseError,
    },
    /// The RDF format could be told neither from the name nor from the content.
    #[error("{0}: unknown RDF format (give it, or use a known extension)")]
    UnknownFormat(String),
    /// The MARC input cannot be read any further.
    #[error(transparent)]
    Marc(Box<ReadError>),
}

/// A span of the arena.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Span {
    start: u32,
    len: u32,
}

const NO_SCHEME: u32 = u32::MAX;

#[derive(Debug, Clone, Copy)]
struct ConceptRec {
    iri: Span,
    scheme: u32,
}

#[derive(Debug, Clone, Copy)]
struct LabelRec {
    concept: u32,
    kind: LabelKind,
    lang: u16,
    text: Span,
}

#[derive(Debug, Clone, Copy)]
struct RelRec {
    concept: u32,
    kind: RelationKind,
    /// Target IRI, or (while `heading` is set) a MARC heading to resolve at the end.
    target: Span,
    heading: bool,
}

/// A concept scheme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemeInfo {
    /// Its IRI.
    pub iri: String,
    /// Its short name (`relators`, `lcsh` …): `dcterms:identifier` on the scheme, or the name
    /// the loader was given, or the file stem.
    pub name: String,
    /// `dcterms:title`, when given.
    pub title: Option<String>,
    /// `owl:versionInfo` or `dcterms:modified`, when given.
    pub version: Option<String>,
}

/// A 64-bit hash of a string (the standard library's SipHash with fixed keys: the same within
/// a run; never stored).
pub(crate) fn hash_str(s: &str) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    h.write(s.as_bytes());
    h.finish()
}

/// A hasher for keys that are already hashes.
#[derive(Default, Clone, Copy)]
pub(crate) struct U64Hasher(u64);

impl Hasher for U64Hasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// A map from 64-bit hashes.
pub(crate) type HashMap64<V> = HashMap<u64, V, BuildHasherDefault<U64Hasher>>;

/// Counts of what a MARC authority load did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MarcLoadReport {
    /// Records read.
    pub records: u64,
    /// Concepts made (records with a 1XX heading).
    pub concepts: u64,
    /// Records left out: not authority records (leader/06 ≠ `z`) or without a 1XX.
    pub skipped: u64,
    /// Records the reader rejected (non-fatal), with the first messages.
    pub rejected: u64,
    /// The first few rejection messages.
    pub messages: Vec<String>,
}

/// How MARC authority records become concepts.
#[derive(Debug, Clone)]
pub struct MarcOptions {
    /// The scheme's short name (default `marc-authority`).
    pub scheme: String,
    /// The base of local IRIs for records with no `$0`/`$1`, 024 URI or 010 (default
    /// `urn:crosswalk:authority:<scheme>:`); the 001 (or a hash of the heading) follows.
    pub local_base: Option<String>,
    /// Whether records whose leader/06 is not `z` are read too (default false).
    pub any_record_type: bool,
}

impl Default for MarcOptions {
    fn default() -> Self {
        MarcOptions {
            scheme: "marc-authority".into(),
            local_base: None,
            any_record_type: false,
        }
    }
}

impl MarcOptions {
    /// Options for a scheme named `name`.
    #[must_use]
    pub fn scheme(name: &str) -> Self {
        MarcOptions {
            scheme: name.into(),
            ..Self::default()
        }
    }
}

/// Streams SKOS triples and MARC authority records into a [`Vocabulary`].
#[derive(Default)]
pub struct VocabularyLoader {
    v: Vocabulary,
    /// Scheme metadata seen before (or without) the scheme's `rdf:type`: (subject, predicate, value).
    scheme_meta: Vec<(String, &'static str, String)>,
    lang_ids: HashMap<String, u16>,
}

impl VocabularyLoader {
    /// An empty loader.
    pub fn new() -> Self {
        let mut l = Self::default();
        l.v.langs.push(String::new());
        l.lang_ids.insert(String::new(), 0);
        l
    }

    /// Loads a file; the RDF format comes from the extension (`.ttl`, `.nt`, `.rdf`, `.owl`,
    /// `.xml`, `.jsonld`, `.nq`, `.trig` …) or else from the first bytes. MARC files (`.mrc`,
    /// `.marc`, MARCXML, MARC-in-JSON) go to [`load_marc`](Self::load_marc) with default options
    /// when the content is MARC.
    pub fn load_path(&mut self, path: &Path, scheme: Option<&str>) -> Result<(), LoadError> {
        let name = path.display().to_string();
        let io_err = |source| LoadError::Io {
            name: name.clone(),
            source,
        };
        let mut input = BufReader::with_capacity(1 << 16, File::open(path).map_err(io_err)?);
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        let format = match ext.as_str() {
            "mrc" | "marc" | "iso2709" => None,
            "xml" | "rdf" | "owl" => Some(sniff_rdf(&mut input).map_err(io_err)?),
            e => match RdfFormat::from_extension(e) {
                Some(f) => Some(f),
                None => Some(sniff_rdf(&mut input).map_err(io_err)?),
            },
        };
        match format {
            Some(f) if !(ext == "xml" && looks_like_marcxml(&mut input)) => {
                self.load_rdf(input, f, &name, scheme)
            }
            _ => {
                let mut reader = AnyReader::new(input, &name, None, true).map_err(io_err)?;
                let opts = scheme.map(MarcOptions::scheme).unwrap_or_default();
                self.load_marc(&mut reader, &opts).map(|_| ())
            }
        }
    }

    /// Loads SKOS from RDF in `format`; concepts without `skos:inScheme` go to `scheme` (a short
    /// name) when given, else to the one scheme the input declares, else to a scheme named after
    /// `name`'s stem.
    pub fn load_rdf(
        &mut self,
        input: impl Read,
        format: RdfFormat,
        name: &str,
        scheme: Option<&str>,
    ) -> Result<(), LoadError> {
        let first_concept = self.v.concepts.len();
        let first_scheme = self.v.schemes.len();
        let parser = RdfParser::from_format(format).for_reader(input);
        for quad in parser {
            let quad = quad.map_err(|source| LoadError::Rdf {
                name: name.to_string(),
                source,
            })?;
            let NamedOrBlankNode::NamedNode(subject) = &quad.subject else {
                continue;
            };
            let s = subject.as_str();
            let p = quad.predicate.as_str();
            if p == iri::RDF_TYPE {
                if let Term::NamedNode(o) = &quad.object {
                    match o.as_str() {
                        iri::SKOS_CONCEPT => {
                            self.concept(s);
                        }
                        iri::SKOS_CONCEPT_SCHEME => {
                            self.scheme_by_iri(s);
                        }
                        _ => {}
                    }
                }
                continue;
            }
            if let Some(local) = p.strip_prefix(iri::SKOS) {
                match (local, &quad.object) {
                    ("prefLabel" | "altLabel" | "hiddenLabel", Term::Literal(l)) => {
                        let kind = match local {
                            "prefLabel" => LabelKind::Pref,
                            "altLabel" => LabelKind::Alt,
                            _ => LabelKind::Hidden,
                        };
                        let c = self.concept(s);
                        let lang = self.lang(l.language().unwrap_or(""));
                        self.push_label(c, kind, lang, l.value());
                    }
                    ("notation", Term::Literal(l)) => {
                        let c = self.concept(s);
                        let text = self.v.intern(l.value().trim());
                        self.v.notations.push((c, text));
                    }
                    ("inScheme" | "topConceptOf", Term::NamedNode(o)) => {
                        let c = self.concept(s);
                        if self.v.concepts[c as usize].scheme == NO_SCHEME {
                            let sc = self.scheme_by_iri(o.as_str());
                            self.v.concepts[c as usize].scheme = sc;
                        }
                    }
                    (rel, Term::NamedNode(o)) => {
                        if let Some(kind) = RelationKind::from_skos(rel) {
                            let c = self.concept(s);
                            let target = self.v.intern(o.as_str());
                            self.v.relations.push(RelRec {
                                concept: c,
                                kind,
                                target,
                                heading: false,
                            });
                        }
                    }
                    _ => {}
                }
                continue;
            }
            let meta = match p {
                iri::DCTERMS_IDENTIFIER | iri::DC_IDENTIFIER => "name",
                iri::DCTERMS_TITLE => "title",
                iri::OWL_VERSION_INFO | iri::DCTERMS_MODIFIED => "version",
                _ => continue,
            };
            if let Term::Literal(l) = &quad.object {
                // Only schemes use this; concepts are not worth the memory.
                if !self.v.iri_ids.contains_key(&hash_str(s)) {
                    self.scheme_meta
                        .push((s.to_string(), meta, l.value().to_string()));
                }
            }
        }
        // Scheme metadata.
        for (s, key, value) in std::mem::take(&mut self.scheme_meta) {
            if let Some(i) = self.v.schemes.iter().position(|x| x.iri == s) {
                let sc = &mut self.v.schemes[i];
                match key {
                    "name" => sc.name = value,
                    "title" => sc.title = sc.title.take().or(Some(value)),
                    _ => sc.version = sc.version.take().or(Some(value)),
                }
            } else {
                self.scheme_meta.push((s, key, value));
            }
        }
        // Concepts without a scheme.
        let homeless = self.v.concepts[first_concept..]
            .iter()
            .any(|c| c.scheme == NO_SCHEME);
        if homeless {
            let sc = match scheme {
                Some(n) => self.scheme_by_name(n),
                None if self.v.schemes.len() == first_scheme + 1 => first_scheme as u32,
                None => {
                    let stem = Path::new(name)
                        .file_stem()
                        .and_then(|s| s.to_str())
                        .unwrap_or(name)
                        .to_string();
                    self.scheme_by_name(&stem)
                }
            };
            for c in &mut self.v.concepts[first_concept..] {
                if c.scheme == NO_SCHEME {
                    c.scheme = sc;
                }
            }
        }
        Ok(())
    }

    /// Loads MARC 21 authority records: 1XX is the preferred heading, 4XX variants, 5XX
    /// broader (`$w` g), narrower (`$w` h) or related (see-also) headings, resolved to the
    /// concepts of the same load at the end; 010, 035 and 024 are identifiers. The concept IRI
    /// is the 1XX `$1` or `$0` when it is an IRI, else a 024 whose `$2` is `uri`, else the
    /// id.loc.gov IRI of the 010 LCCN (`sh`, `n…`, `gf`, `sj`, `dg`, `mp` prefixes), else a
    /// local IRI from the 001 (see [`MarcOptions::local_base`]).
    pub fn load_marc<R: BufRead>(
        &mut self,
        reader: &mut AnyReader<R>,
        options: &MarcOptions,
    ) -> Result<MarcLoadReport, LoadError> {
        let scheme = self.scheme_by_name(&options.scheme);
        let base = options
            .local_base
            .clone()
            .unwrap_or_else(|| format!("urn:crosswalk:authority:{}:", options.scheme));
        let mut report = MarcLoadReport::default();
        let mut rec = RecordBuf::new();
        loop {
            match reader.read_record(&mut rec) {
                Ok(false) => break,
                Ok(true) => {}
                Err(e) if e.fatal => return Err(LoadError::Marc(e)),
                Err(e) => {
                    report.rejected += 1;
                    if report.messages.len() < 10 {
                        report.messages.push(e.to_string());
                    }
                    continue;
                }
            }
            report.records += 1;
            if !options.any_record_type && rec.leader().record_type() != b'z' {
                report.skipped += 1;
                continue;
            }
            if self.marc_record(&rec, scheme, &base) {
                report.concepts += 1;
            } else {
                report.skipped += 1;
            }
        }
        Ok(report)
    }

    fn marc_record(&mut self, rec: &RecordBuf, scheme: u32, base: &str) -> bool {
        let Some(main) = rec
            .fields()
            .find(|f| !f.is_control() && f.tag().as_str().starts_with('1'))
        else {
            return false;
        };
        let subs: Vec<(char, &str)> = main.subfields().map(|s| (s.code, s.value)).collect();
        let heading = Heading::from_subfields(subs.iter().copied());
        if heading.main.is_empty() {
            return false;
        }
        let lccn = rec
            .fields_with_tag("010")
            .find_map(|f| f.subfield('a'))
            .map(identifier_key)
            .filter(|s| !s.is_empty());
        let iri = subs
            .iter()
            .filter(|(c, _)| *c == '1' || *c == '0')
            .map(|(_, v)| v.trim())
            .find(|v| v.starts_with("http://") || v.starts_with("https://"))
            .map(str::to_string)
            .or_else(|| {
                rec.fields_with_tag("024").find_map(|f| {
                    (f.subfield('2').map(str::trim) == Some("uri"))
                        .then(|| f.subfield('a').map(|a| a.trim().to_string()))
                        .flatten()
                })
            })
            .or_else(|| lccn.as_deref().and_then(lccn_iri))
            .unwrap_or_else(|| match rec.id() {
                Some(id) => format!("{base}{}", local_part(id)),
                None => format!("{base}h{:016x}", hash_str(&heading.key())),
            });
        let c = self.concept(&iri);
        if self.v.concepts[c as usize].scheme == NO_SCHEME {
            self.v.concepts[c as usize].scheme = scheme;
        }
        let display = heading.display();
        self.push_label(c, LabelKind::Pref, 0, &display);
        for f in rec.fields() {
            let tag = f.tag();
            let t = tag.as_str();
            if f.is_control() {
                continue;
            }
            match t.as_bytes()[0] {
                b'4' => {
                    let h = Heading::from_subfields(f.subfields().map(|s| (s.code, s.value)));
                    if !h.main.is_empty() {
                        self.push_label(c, LabelKind::Alt, 0, &h.display());
                    }
                }
                b'5' => {
                    let h = Heading::from_subfields(f.subfields().map(|s| (s.code, s.value)));
                    if h.main.is_empty() {
                        continue;
                    }
                    let kind = match f.subfield('w').and_then(|w| w.chars().next()) {
                        Some('g') => RelationKind::Broader,
                        Some('h') => RelationKind::Narrower,
                        _ => RelationKind::Related,
                    };
                    let explicit = f
                        .subfields()
                        .filter(|s| s.code == '1' || s.code == '0')
                        .map(|s| s.value.trim())
                        .find(|v| v.starts_with("http"));
                    let (target, heading) = match explicit {
                        Some(i) => (self.v.intern(i), false),
                        None => (self.v.intern(&h.display()), true),
                    };
                    self.v.relations.push(RelRec {
                        concept: c,
                        kind,
                        target,
                        heading,
                    });
                }
                _ => {}
            }
            match t {
                "010" | "035" => {
                    for a in f.subfields().filter(|s| s.code == 'a' || s.code == 'z') {
                        let key = identifier_key(a.value);
                        if !key.is_empty() {
                            let span = self.v.intern(&key);
                            self.v.identifiers.push((c, span));
                        }
                    }
                }
                "024" => {
                    if let Some(a) = f.subfield('a') {
                        let key = identifier_key(a);
                        if !key.is_empty() {
                            let span = self.v.intern(&key);
                            self.v.identifiers.push((c, span));
                        }
                    }
                }
                _ => {}
            }
        }
        true
    }

    /// Freezes the vocabulary: groups labels, notations and relations per concept, and resolves
    /// MARC see-also headings to the concepts loaded (unresolved ones are dropped).
    pub fn finish(mut self) -> Vocabulary {
        let mut v = std::mem::take(&mut self.v);
        // Resolve MARC 5XX headings by the key of the preferred headings of the same scheme.
        if v.relations.iter().any(|r| r.heading) {
            let mut by_key: HashMap64<u32> = HashMap64::default();
            for l in v.labels.iter().filter(|l| l.kind == LabelKind::Pref) {
                let sc = v.concepts[l.concept as usize].scheme;
                let key = Heading::parse(v.str(l.text)).key();
                by_key
                    .entry(hash_str(&key) ^ u64::from(sc))
                    .or_insert(l.concept);
            }
            let mut rels = std::mem::take(&mut v.relations);
            rels.retain_mut(|r| {
                if !r.heading {
                    return true;
                }
                let sc = v.concepts[r.concept as usize].scheme;
                let key = Heading::parse(v.str(r.target)).key();
                match by_key.get(&(hash_str(&key) ^ u64::from(sc))) {
                    Some(&t) if t != r.concept => {
                        r.target = v.concepts[t as usize].iri;
                        r.heading = false;
                        true
                    }
                    _ => false,
                }
            });
            v.relations = rels;
        }
        // Identifiers from id.loc.gov-style IRIs: the last path segment (an LCCN).
        for i in 0..v.concepts.len() {
            let iri = v.str(v.concepts[i].iri);
            if let Some(rest) = iri.strip_prefix("http://id.loc.gov/authorities/") {
                if let Some((_, id)) = rest.rsplit_once('/') {
                    let key = identifier_key(id);
                    let span = v.intern(&key);
                    v.identifiers.push((i as u32, span));
                }
            }
        }
        let n = v.concepts.len();
        v.labels.sort_by_key(|l| (l.concept, l.kind));
        v.label_start = offsets(n, v.labels.iter().map(|l| l.concept));
        v.notations.sort_by_key(|x| x.0);
        v.notation_start = offsets(n, v.notations.iter().map(|x| x.0));
        v.relations.sort_by_key(|r| (r.concept, r.kind));
        v.relation_start = offsets(n, v.relations.iter().map(|r| r.concept));
        let mut ids = std::mem::take(&mut v.identifiers);
        ids.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| v.str(a.1).cmp(v.str(b.1))));
        ids.dedup_by(|a, b| a.0 == b.0 && v.str(a.1) == v.str(b.1));
        v.identifiers = ids;
        v.identifier_start = offsets(n, v.identifiers.iter().map(|x| x.0));
        v.arena.shrink_to_fit();
        v.labels.shrink_to_fit();
        v.concepts.shrink_to_fit();
        v
    }

    fn lang(&mut self, tag: &str) -> u16 {
        if let Some(&id) = self.lang_ids.get(tag) {
            return id;
        }
        let lower = tag.to_ascii_lowercase();
        let id = *self.lang_ids.entry(lower.clone()).or_insert_with(|| {
            self.v.langs.push(lower);
            (self.v.langs.len() - 1).min(u16::MAX as usize) as u16
        });
        self.lang_ids.insert(tag.to_string(), id);
        id
    }

    fn push_label(&mut self, concept: u32, kind: LabelKind, lang: u16, text: &str) {
        let text = text.trim();
        if text.is_empty() {
            return;
        }
        let text = self.v.intern(text);
        self.v.labels.push(LabelRec {
            concept,
            kind,
            lang,
            text,
        });
    }

    /// The id of the concept `iri`, made on first sight.
    fn concept(&mut self, iri: &str) -> u32 {
        let h = hash_str(iri);
        if let Some(&id) = self.v.iri_ids.get(&h) {
            if self.v.str(self.v.concepts[id as usize].iri) == iri {
                return id;
            }
            if let Some(&id) = self.v.iri_overflow.get(iri) {
                return id;
            }
            let id = self.new_concept(iri);
            self.v.iri_overflow.insert(iri.into(), id);
            return id;
        }
        let id = self.new_concept(iri);
        self.v.iri_ids.insert(h, id);
        id
    }

    fn new_concept(&mut self, iri: &str) -> u32 {
        let span = self.v.intern(iri);
        self.v.concepts.push(ConceptRec {
            iri: span,
            scheme: NO_SCHEME,
        });
        (self.v.concepts.len() - 1) as u32
    }

    fn scheme_by_iri(&mut self, iri: &str) -> u32 {
        if let Some(i) = self.v.schemes.iter().position(|s| s.iri == iri) {
            return i as u32;
        }
        let name = iri
            .trim_end_matches(['/', '#'])
            .rsplit(['/', '#'])
            .next()
            .unwrap_or(iri)
            .to_string();
        self.v.schemes.push(SchemeInfo {
            iri: iri.to_string(),
            name,
            title: None,
            version: None,
        });
        (self.v.schemes.len() - 1) as u32
    }

    fn scheme_by_name(&mut self, name: &str) -> u32 {
        if let Some(i) = self.v.schemes.iter().position(|s| s.name == name) {
            return i as u32;
        }
        self.v.schemes.push(SchemeInfo {
            iri: format!("urn:crosswalk:scheme:{name}"),
            name: name.to_string(),
            title: None,
            version: None,
        });
        (self.v.schemes.len() - 1) as u32
    }
}

fn offsets(n: usize, keys: impl Iterator<Item = u32>) -> Vec<u32> {
    let mut counts = vec![0u32; n + 1];
    for k in keys {
        counts[k as usize + 1] += 1;
    }
    for i in 1..=n {
        counts[i] += counts[i - 1];
    }
    counts
}

/// The id.loc.gov IRI of an LCCN, for the prefixes whose authority file is known.
fn lccn_iri(lccn: &str) -> Option<String> {
    let prefix: String = lccn.chars().take_while(char::is_ascii_alphabetic).collect();
    let file = match prefix.as_str() {
        "sh" => "subjects",
        "n" | "nb" | "nr" | "no" => "names",
        "gf" => "genreForms",
        "sj" => "childrensSubjects",
        "dg" => "demographicTerms",
        "mp" => "performanceMediums",
        _ => return None,
    };
    (lccn.len() > prefix.len()).then(|| format!("http://id.loc.gov/authorities/{file}/{lccn}"))
}

/// The 001 made safe for an IRI: blanks and other reserved characters percent-encoded.
fn local_part(id: &str) -> String {
    let mut s = String::with_capacity(id.len());
    for b in id.trim().bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            s.push(b as char);
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s
}

/// Tells RDF/XML from Turtle-family syntaxes by the first bytes.
fn sniff_rdf<R: BufRead>(input: &mut R) -> io::Result<RdfFormat> {
    let buf = input.fill_buf()?;
    let head = String::from_utf8_lossy(&buf[..buf.len().min(4096)]);
    let t = head.trim_start_matches('\u{feff}').trim_start();
    Ok(
        if t.starts_with('<') && !t.starts_with("<http") && !t.starts_with("<urn") {
            RdfFormat::RdfXml
        } else if t.starts_with('{') || t.starts_with('[') {
            RdfFormat::JsonLd {
                profile: oxrdfio::JsonLdProfileSet::empty(),
            }
        } else {
            // Turtle reads N-Triples too.
            RdfFormat::Turtle
        },
    )
}

fn looks_like_marcxml<R: BufRead>(input: &mut R) -> bool {
    match input.fill_buf() {
        Ok(buf) => {
            let head = String::from_utf8_lossy(&buf[..buf.len().min(4096)]);
            head.contains("<record")
                && (head.contains("marc") || head.contains("<leader"))
                && !head.contains("rdf:RDF")
        }
        Err(_) => false,
    }
}

/// A frozen set of concepts from one or more loads.
#[derive(Debug, Default)]
pub struct Vocabulary {
    arena: String,
    schemes: Vec<SchemeInfo>,
    concepts: Vec<ConceptRec>,
    iri_ids: HashMap64<u32>,
    iri_overflow: HashMap<Box<str>, u32>,
    labels: Vec<LabelRec>,
    label_start: Vec<u32>,
    notations: Vec<(u32, Span)>,
    notation_start: Vec<u32>,
    relations: Vec<RelRec>,
    relation_start: Vec<u32>,
    identifiers: Vec<(u32, Span)>,
    identifier_start: Vec<u32>,
    langs: Vec<String>,
}

/// A concept's id in its [`Vocabulary`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConceptId(pub u32);

/// One label of a concept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Label<'a> {
    /// pref, alt or hidden.
    pub kind: LabelKind,
    /// The language tag, lower case (`""` when none).
    pub lang: &'a str,
    /// The text.
    pub text: &'a str,
}

/// A concept, borrowed from its vocabulary.
#[derive(Clone, Copy)]
pub struct ConceptRef<'a> {
    v: &'a Vocabulary,
    id: u32,
}

impl std::fmt::Debug for ConceptRef<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Concept")
            .field("iri", &self.iri())
            .field("scheme", &self.scheme().name)
            .field("pref_label", &self.pref_label(None))
            .finish()
    }
}

impl<'a> ConceptRef<'a> {
    /// Its id.
    pub fn id(&self) -> ConceptId {
        ConceptId(self.id)
    }

    /// Its IRI.
    pub fn iri(&self) -> &'a str {
        self.v.str(self.v.concepts[self.id as usize].iri)
    }

    /// Its scheme.
    pub fn scheme(&self) -> &'a SchemeInfo {
        &self.v.schemes[self.v.concepts[self.id as usize].scheme as usize]
    }

    /// Its labels: preferred first, then alternative, then hidden.
    pub fn labels(&self) -> impl Iterator<Item = Label<'a>> + 'a {
        let v = self.v;
        let (a, b) = v.range(&v.label_start, self.id);
        v.labels[a..b].iter().map(move |l| Label {
            kind: l.kind,
            lang: &v.langs[l.lang as usize],
            text: v.str(l.text),
        })
    }

    /// The preferred label in `lang` (a language tag; `None`: the first, preferring English and
    /// untagged labels).
    pub fn pref_label(&self, lang: Option<&str>) -> Option<&'a str> {
        let mut prefs = self.labels().filter(|l| l.kind == LabelKind::Pref);
        match lang {
            Some(lang) => prefs
                .find(|l| l.lang.eq_ignore_ascii_case(lang))
                .map(|l| l.text),
            None => {
                let all: Vec<_> = prefs.collect();
                all.iter()
                    .find(|l| l.lang.is_empty() || l.lang == "en" || l.lang.starts_with("en-"))
                    .or(all.first())
                    .map(|l| l.text)
            }
        }
    }

    /// Its notations (`skos:notation`: codes).
    pub fn notations(&self) -> impl Iterator<Item = &'a str> + 'a {
        let v = self.v;
        let (a, b) = v.range(&v.notation_start, self.id);
        v.notations[a..b].iter().map(move |x| v.str(x.1))
    }

    /// Its relations to other resources (by IRI).
    pub fn relations(&self) -> impl Iterator<Item = (RelationKind, &'a str)> + 'a {
        let v = self.v;
        let (a, b) = v.range(&v.relation_start, self.id);
        v.relations[a..b]
            .iter()
            .map(move |r| (r.kind, v.str(r.target)))
    }

    /// Its identifiers other than the IRI (normalised LCCNs, 035 and 024 values).
    pub fn identifiers(&self) -> impl Iterator<Item = &'a str> + 'a {
        let v = self.v;
        let (a, b) = v.range(&v.identifier_start, self.id);
        v.identifiers[a..b].iter().map(move |x| v.str(x.1))
    }
}

impl Vocabulary {
    /// Loads one file into a new vocabulary (see [`VocabularyLoader::load_path`]).
    pub fn from_path(path: &Path) -> Result<Self, LoadError> {
        let mut l = VocabularyLoader::new();
        l.load_path(path, None)?;
        Ok(l.finish())
    }

    fn intern(&mut self, s: &str) -> Span {
        let start = self.arena.len();
        assert!(
            start + s.len() <= u32::MAX as usize,
            "vocabulary text over 4 GiB"
        );
        self.arena.push_str(s);
        Span {
            start: start as u32,
            len: s.len() as u32,
        }
    }

    fn str(&self, s: Span) -> &str {
        &self.arena[s.start as usize..(s.start + s.len) as usize]
    }

    fn range(&self, starts: &[u32], id: u32) -> (usize, usize) {
        match (starts.get(id as usize), starts.get(id as usize + 1)) {
            (Some(&a), Some(&b)) => (a as usize, b as usize),
            _ => (0, 0),
        }
    }

    /// The number of concepts.
    pub fn len(&self) -> usize {
        self.concepts.len()
    }

    /// Whether there is no concept.
    pub fn is_empty(&self) -> bool {
        self.concepts.is_empty()
    }

    /// The number of labels (pref, alt and hidden).
    pub fn label_count(&self) -> usize {
        self.labels.len()
    }

    /// The concept schemes.
    pub fn schemes(&self) -> &[SchemeInfo] {
        &self.schemes
    }

    /// The index of the scheme named `name` (short name or IRI).
    pub fn scheme_index(&self, name: &str) -> Option<usize> {
        self.schemes
            .iter()
            .position(|s| s.name == name || s.iri == name)
    }

    /// The concept with id `id`.
    pub fn concept(&self, id: ConceptId) -> ConceptRef<'_> {
        ConceptRef { v: self, id: id.0 }
    }

    /// All concepts.
    pub fn concepts(&self) -> impl Iterator<Item = ConceptRef<'_>> + '_ {
        (0..self.concepts.len() as u32).map(move |id| ConceptRef { v: self, id })
    }

    /// The concepts of scheme `name` (short name or IRI).
    pub fn concepts_in<'a>(&'a self, name: &str) -> impl Iterator<Item = ConceptRef<'a>> + 'a {
        let sc = self.scheme_index(name).map(|i| i as u32);
        self.concepts()
            .filter(move |c| Some(self.concepts[c.id as usize].scheme) == sc)
    }

    /// The concept whose IRI is `iri`.
    pub fn concept_by_iri(&self, iri: &str) -> Option<ConceptRef<'_>> {
        let id = *self.iri_ids.get(&hash_str(iri))?;
        if self.str(self.concepts[id as usize].iri) == iri {
            return Some(ConceptRef { v: self, id });
        }
        self.iri_overflow
            .get(iri)
            .map(|&id| ConceptRef { v: self, id })
    }

    /// The scheme index of a concept.
    pub(crate) fn scheme_of(&self, id: u32) -> u32 {
        self.concepts[id as usize].scheme
    }

    /// Every notation as (concept, text).
    pub(crate) fn raw_notations(&self) -> impl Iterator<Item = (u32, &str)> + '_ {
        self.notations.iter().map(move |x| (x.0, self.str(x.1)))
    }

    /// Every identifier as (concept, key).
    pub(crate) fn raw_identifiers(&self) -> impl Iterator<Item = (u32, &str)> + '_ {
        self.identifiers.iter().map(move |x| (x.0, self.str(x.1)))
    }

    /// Every label as (concept, kind, text, where its text lies for [`text_at`](Self::text_at)),
    /// in concept order.
    pub(crate) fn raw_label_spans(
        &self,
    ) -> impl Iterator<Item = (u32, LabelKind, &str, (u32, u32))> + '_ {
        self.labels.iter().map(move |l| {
            (
                l.concept,
                l.kind,
                self.str(l.text),
                (l.text.start, l.text.len),
            )
        })
    }

    /// The text at `(start, len)` as given by [`raw_label_spans`](Self::raw_label_spans).
    #[inline]
    pub(crate) fn text_at(&self, (start, len): (u32, u32)) -> &str {
        self.str(Span { start, len })
    }

    /// Approximate heap bytes held.
    pub fn heap_bytes(&self) -> usize {
        self.arena.capacity()
            + self.concepts.capacity() * std::mem::size_of::<ConceptRec>()
            + self.iri_ids.capacity() * 16
            + self.labels.capacity() * std::mem::size_of::<LabelRec>()
            + self.notations.capacity() * 12
            + self.relations.capacity() * std::mem::size_of::<RelRec>()
            + self.identifiers.capacity() * 12
            + (self.label_start.capacity()
                + self.notation_start.capacity()
                + self.relation_start.capacity()
                + self.identifier_start.capacity())
                * 4
    }
}

impl Hash for ConceptRef<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.id.hash(state);
    }
}

impl PartialEq for ConceptRef<'_> {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.v, other.v) && self.id == other.id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lccn_iris() {
        assert_eq!(
            lccn_iri("sh85148273").as_deref(),
            Some("http://id.loc.gov/authorities/subjects/sh85148273")
        );
        assert_eq!(
            lccn_iri("n79021164").as_deref(),
            Some("http://id.loc.gov/authorities/names/n79021164")
        );
        assert_eq!(lccn_iri("xx123"), None);
        assert_eq!(local_part("IISH 12/3"), "IISH%2012%2F3");
    }

    #[test]
    fn ntriples_and_rdfxml() {
        let nt = "<http://e.org/c> <http://www.w3.org/2004/02/skos/core#prefLabel> \"Dogs\"@en .\n";
        let mut l = VocabularyLoader::new();
        l.load_rdf(nt.as_bytes(), RdfFormat::NTriples, "animals.nt", None)
            .unwrap();
        let xml = r#"<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:skos="http://www.w3.org/2004/02/skos/core#">
          <skos:Concept rdf:about="http://e.org/d"><skos:prefLabel xml:lang="en">Cats</skos:prefLabel>
          <skos:broader rdf:resource="http://e.org/a"/></skos:Concept></rdf:RDF>"#;
        let mut input = xml.as_bytes();
        let f = sniff_rdf(&mut input).unwrap();
        assert_eq!(f, RdfFormat::RdfXml);
        l.load_rdf(input, f, "more.rdf", Some("animals")).unwrap();
        let v = l.finish();
        assert_eq!(v.len(), 2);
        assert_eq!(v.schemes().len(), 1);
        let d = v.concept_by_iri("http://e.org/d").unwrap();
        assert_eq!(d.scheme().name, "animals");
        assert_eq!(
            d.relations().collect::<Vec<_>>(),
            [(RelationKind::Broader, "http://e.org/a")]
        );
    }
}
