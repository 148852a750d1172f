//! The label index: labels (per language, per scheme), notations and identifiers → concepts.
//!
//! Each label is filed once, under the 64-bit hash of its normalised heading key (see
//! [`normalize`](super::normalize)); a lookup normalises the query, takes the labels filed under
//! its key and grades each: the same text as the query (after ISBD trimming) is an *exact* match,
//! otherwise a *normalised* one; on a preferred label or on an alternative/hidden one. Notations
//! and identifiers have maps of their own. Postings are label or concept numbers (`u32`); a key
//! with one posting costs one map entry and no allocation.
//!
//! Two different keys with the same 64-bit hash would be taken for one; with a million labels
//! the chance of that is about 3·10⁻⁸.
//!
//! | method | when | score |
//! |---|---|---|
//! | `identifier` | the IRI, an LCCN (`sh85148273`), a 035/024 value | 1.0 |
//! | `notation` | a code (`aut`, `fre`, `n-us---`) by [`lookup_notation`](AuthorityIndex::lookup_notation) | 1.0 |
//! | `exact` | the preferred label, as written | 1.0 |
//! | `normalized` | the preferred label, by normalised key | 0.95 |
//! | `alternate-label` | an alternative or hidden label, as written / by key | 0.9 / 0.85 |
//! | `notation` | a code given as a label (one word, up to 12 characters) | 0.8 |
//! | `subdivision-composed` | the heading is no concept, but its main term and each subdivision are | 0.75 |
//!
//! ```
//! use crosswalk::authority::{AuthorityIndex, Method, Outcome, VocabularyLoader};
//! use oxrdfio::RdfFormat;
//!
//! let ttl = r#"@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
//! <http://id.loc.gov/authorities/subjects/sh85148273> skos:prefLabel "World War, 1939-1945"@en ;
//!     skos:altLabel "Second World War, 1939-1945"@en .
//! "#;
//! let mut loader = VocabularyLoader::new();
//! loader.load_rdf(ttl.as_bytes(), RdfFormat::Turtle, "lcsh.ttl", Some("lcsh"))?;
//! let index = AuthorityIndex::new(loader.finish());
//! let lcsh = index.filter(&["lcsh"]);
//! match index.lookup(" world war, 1939-1945. ", &lcsh) {
//!     Outcome::Found(m) => {
//!         assert_eq!(m.method, Method::Normalized);
//!         assert_eq!(m.concept.iri(), "http://id.loc.gov/authorities/subjects/sh85148273");
//!     }
//!     other => panic!("{other:?}"),
//! }
//! assert!(matches!(index.lookup_identifier("sh 85148273"), Outcome::Found(_)));
//! # Ok::<(), crosswalk::authority::vocabulary::LoadError>(())
//! ```

use std::fmt;

use super::normalize::{identifier_key, normalize, notation_key, trim_isbd, Heading};
use super::vocabulary::{hash_str, ConceptId, ConceptRef, HashMap64, LabelKind, Vocabulary};

/// How a candidate was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Method {
    /// By IRI or identifier (LCCN, 035, 024).
    Identifier,
    /// The preferred label, as written.
    Exact,
    /// The preferred label, by normalised key.
    Normalized,
    /// An alternative or hidden label.
    AlternateLabel,
    /// A notation (code).
    Notation,
    /// The main term and every subdivision are concepts; the heading as a whole is not.
    SubdivisionComposed,
}

impl Method {
    /// The kebab-case name (`identifier`, `exact`, `normalized`, `alternate-label`,
    /// `notation`, `subdivision-composed`).
    pub fn as_str(&self) -> &'static str {
        match self {
            Method::Identifier => "identifier",
            Method::Exact => "exact",
            Method::Normalized => "normalized",
            Method::AlternateLabel => "alternate-label",
            Method::Notation => "notation",
            Method::SubdivisionComposed => "subdivision-composed",
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Scores of the methods (see the module table).
pub mod score {
    /// By identifier or notation lookup.
    pub const IDENTIFIER: f32 = 1.0;
    /// Preferred label as written.
    pub const EXACT: f32 = 1.0;
    /// Preferred label by key.
    pub const NORMALIZED: f32 = 0.95;
    /// Alternative/hidden label as written.
    pub const ALTERNATE_EXACT: f32 = 0.9;
    /// Alternative/hidden label by key.
    pub const ALTERNATE_NORMALIZED: f32 = 0.85;
    /// A code given where a label was expected.
    pub const NOTATION_AS_LABEL: f32 = 0.8;
    /// Main term and subdivisions each matched.
    pub const SUBDIVISION_COMPOSED: f32 = 0.75;
}

/// One candidate concept.
#[derive(Debug, Clone)]
pub struct Match<'a> {
    /// The concept (for a composed heading: the main term's concept).
    pub concept: ConceptRef<'a>,
    /// How it was found.
    pub method: Method,
    /// How sure: 0 < score ≤ 1.
    pub score: f32,
    /// The label or notation that matched.
    pub matched: Option<&'a str>,
    /// For [`Method::SubdivisionComposed`]: the concepts of the subdivisions, in order.
    pub components: Vec<ConceptRef<'a>>,
}

/// The result of a lookup.
#[derive(Debug, Clone)]
pub enum Outcome<'a> {
    /// One best candidate.
    Found(Match<'a>),
    /// Several concepts share the best score: all candidates, best first.
    Ambiguous(Vec<Match<'a>>),
    /// Nothing.
    NotFound,
}

impl<'a> Outcome<'a> {
    /// The single match, if found.
    pub fn found(&self) -> Option<&Match<'a>> {
        match self {
            Outcome::Found(m) => Some(m),
            _ => None,
        }
    }

    /// Whether nothing was found.
    pub fn is_not_found(&self) -> bool {
        matches!(self, Outcome::NotFound)
    }
}

/// Which schemes a lookup may answer from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemeFilter(Option<Vec<bool>>);

impl SchemeFilter {
    /// Every scheme.
    pub fn all() -> Self {
        SchemeFilter(None)
    }

    fn allows(&self, scheme: u32) -> bool {
        match &self.0 {
            None => true,
            Some(v) => v.get(scheme as usize).copied().unwrap_or(false),
        }
    }
}

/// Postings: a key hash → one number, or a list of them.
#[derive(Default)]
struct Postings {
    map: HashMap64<u32>,
    multi: Vec<Vec<u32>>,
}

const MULTI: u32 = 1 << 31;

impl Postings {
    fn add(&mut self, key: u64, value: u32) {
        match self.map.get_mut(&key) {
            None => {
                self.map.insert(key, value);
            }
            Some(v) if *v & MULTI != 0 => {
                let list = &mut self.multi[(*v & !MULTI) as usize];
                if list.last() != Some(&value) {
                    list.push(value);
                }
            }
            Some(v) => {
                if *v != value {
                    self.multi.push(vec![*v, value]);
                    *v = MULTI | (self.multi.len() - 1) as u32;
                }
            }
        }
    }

    fn get(&self, key: u64) -> &[u32] {
        match self.map.get(&key) {
            None => &[],
            Some(v) if *v & MULTI != 0 => &self.multi[(*v & !MULTI) as usize],
            Some(v) => std::slice::from_ref(v),
        }
    }

    fn heap_bytes(&self) -> usize {
        self.map.capacity() * 13
            + self
                .multi
                .iter()
                .map(|m| m.capacity() * 4 + 24)
                .sum::<usize>()
    }
}

/// A vocabulary with its lookup maps.
pub struct AuthorityIndex {
    vocab: Vocabulary,
    labels: Postings,
    notations: Postings,
    identifiers: Postings,
}

impl fmt::Debug for AuthorityIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthorityIndex")
            .field("concepts", &self.vocab.len())
            .field("labels", &self.vocab.label_count())
            .finish()
    }
}

impl AuthorityIndex {
    /// Indexes `vocab`.
    pub fn new(vocab: Vocabulary) -> Self {
        let mut labels = Postings::default();
        labels.map.reserve(vocab.label_count());
        let mut key = String::new();
        for (i, (_, _, text)) in vocab.raw_labels().enumerate() {
            heading_key_into(text, &mut key);
            if !key.is_empty() {
                labels.add(hash_str(&key), i as u32);
            }
        }
        let mut notations = Postings::default();
        for (c, n) in vocab.raw_notations() {
            notations.add(hash_str(&notation_key(n)), c);
        }
        let mut identifiers = Postings::default();
        for (c, id) in vocab.raw_identifiers() {
            identifiers.add(hash_str(id), c);
        }
        labels.map.shrink_to_fit();
        AuthorityIndex {
            vocab,
            labels,
            notations,
            identifiers,
        }
    }

    /// The vocabulary.
    pub fn vocabulary(&self) -> &Vocabulary {
        &self.vocab
    }

    /// Approximate heap bytes of the vocabulary and the maps.
    pub fn heap_bytes(&self) -> usize {
        self.vocab.heap_bytes()
            + self.labels.heap_bytes()
            + self.notations.heap_bytes()
            + self.identifiers.heap_bytes()
    }

    /// A filter for the schemes named (short names or IRIs); names not loaded are ignored, so a
    /// filter of unknown names finds nothing. An empty list means every scheme.
    pub fn filter(&self, schemes: &[&str]) -> SchemeFilter {
        if schemes.is_empty() {
            return SchemeFilter::all();
        }
        let mut v = vec![false; self.vocab.schemes().len()];
        for s in schemes {
            if let Some(i) = self.vocab.scheme_index(s) {
                v[i] = true;
            }
        }
        SchemeFilter(Some(v))
    }

    /// Looks a label or heading up: labels by key (exact, normalised, alternative), then a code
    /// given as a label, then the main term and subdivisions one by one. An IRI is looked up
    /// as an identifier.
    pub fn lookup(&self, label: &str, filter: &SchemeFilter) -> Outcome<'_> {
        let trimmed = trim_isbd(label);
        if trimmed.is_empty() {
            return Outcome::NotFound;
        }
        if trimmed.starts_with("http://") || trimmed.starts_with("https://") {
            return self.lookup_identifier_filtered(trimmed, filter);
        }
        let mut key = String::with_capacity(trimmed.len() + 8);
        heading_key_into(trimmed, &mut key);
        let out = self.by_label_key(&key, Some(trimmed), filter);
        if !out.is_not_found() {
            return out;
        }
        if trimmed.len() <= 12 && !trimmed.contains(char::is_whitespace) {
            let out = self.by_notation(trimmed, filter, Method::Notation, score::NOTATION_AS_LABEL);
            if !out.is_not_found() {
                return out;
            }
        }
        let heading = Heading::parse(trimmed);
        if heading.subdivisions.is_empty() {
            return Outcome::NotFound;
        }
        self.composed(&heading, filter)
    }

    /// Looks a heading up that is already structured (from MARC subfields).
    pub fn lookup_heading(&self, heading: &Heading, filter: &SchemeFilter) -> Outcome<'_> {
        let display = heading.display();
        let out = self.by_label_key(&heading.key(), Some(&display), filter);
        if !out.is_not_found() || heading.subdivisions.is_empty() {
            return out;
        }
        self.composed(heading, filter)
    }

    /// Looks a notation (code) up: relator codes, language codes, country and geographic area
    /// codes (trailing hyphens do not matter).
    pub fn lookup_notation(&self, code: &str, filter: &SchemeFilter) -> Outcome<'_> {
        self.by_notation(code, filter, Method::Notation, score::IDENTIFIER)
    }

    /// Looks an IRI or identifier up (LCCN with or without blanks, 035, 024), in every scheme.
    pub fn lookup_identifier(&self, id: &str) -> Outcome<'_> {
        self.lookup_identifier_filtered(id, &SchemeFilter::all())
    }

    /// Looks an IRI or identifier up in the schemes of `filter`.
    pub fn lookup_identifier_filtered(&self, id: &str, filter: &SchemeFilter) -> Outcome<'_> {
        let id = id.trim();
        if let Some(c) = self.vocab.concept_by_iri(id) {
            if filter.allows(self.vocab.scheme_of(c.id().0)) {
                return Outcome::Found(Match {
                    concept: c,
                    method: Method::Identifier,
                    score: score::IDENTIFIER,
                    matched: Some(c.iri()),
                    components: Vec::new(),
                });
            }
        }
        let key = identifier_key(id);
        let postings = self.identifiers.get(hash_str(&key));
        self.concepts_outcome(postings, filter, Method::Identifier, score::IDENTIFIER)
    }

    fn by_notation(
        &self,
        code: &str,
        filter: &SchemeFilter,
        method: Method,
        s: f32,
    ) -> Outcome<'_> {
        let postings = self.notations.get(hash_str(&notation_key(code)));
        self.concepts_outcome(postings, filter, method, s)
    }

    fn concepts_outcome(
        &self,
        postings: &[u32],
        filter: &SchemeFilter,
        method: Method,
        s: f32,
    ) -> Outcome<'_> {
        let mut out: Vec<Match<'_>> = Vec::new();
        for &c in postings {
            if !self.allowed(filter, c) || out.iter().any(|m| m.concept.id().0 == c) {
                continue;
            }
            let concept = self.vocab.concept(ConceptId(c));
            out.push(Match {
                concept,
                method,
                score: s,
                matched: None,
                components: Vec::new(),
            });
        }
        match out.len() {
            0 => Outcome::NotFound,
            1 => Outcome::Found(out.pop().expect("one")),
            _ => Outcome::Ambiguous(out),
        }
    }

    /// Candidates filed under a heading key; `written` is the query as written, for the exact
    /// grade.
    fn by_label_key(&self, key: &str, written: Option<&str>, filter: &SchemeFilter) -> Outcome<'_> {
        if key.is_empty() {
            return Outcome::NotFound;
        }
        let postings = self.labels.get(hash_str(key));
        // Fast path: the best (concept, grade), then whether another concept ties with it.
        let mut best: Option<(u32, f32, Method, u32)> = None;
        for &li in postings {
            let (c, kind, text) = self.vocab.label_at(li);
            if !self.allowed(filter, c) {
                continue;
            }
            let (method, s) = grade(kind, text, written);
            if best.is_none_or(|(_, bs, _, _)| s > bs) {
                best = Some((c, s, method, li));
            }
        }
        let Some((c, s, method, li)) = best else {
            return Outcome::NotFound;
        };
        let tie = postings.len() > 1
            && postings.iter().any(|&other| {
                let (oc, kind, text) = self.vocab.label_at(other);
                oc != c && self.allowed(filter, oc) && grade(kind, text, written).1 >= s
            });
        if !tie {
            return Outcome::Found(Match {
                concept: self.vocab.concept(ConceptId(c)),
                method,
                score: s,
                matched: Some(self.vocab.label_at(li).2),
                components: Vec::new(),
            });
        }
        // Ambiguous: every concept with its best grade, best first.
        let mut all: Vec<Match<'_>> = Vec::new();
        for &li in postings {
            let (c, kind, text) = self.vocab.label_at(li);
            if !self.allowed(filter, c) {
                continue;
            }
            let (method, s) = grade(kind, text, written);
            match all.iter_mut().find(|m| m.concept.id().0 == c) {
                Some(m) if m.score < s => {
                    m.score = s;
                    m.method = method;
                    m.matched = Some(text);
                }
                Some(_) => {}
                None => all.push(Match {
                    concept: self.vocab.concept(ConceptId(c)),
                    method,
                    score: s,
                    matched: Some(text),
                    components: Vec::new(),
                }),
            }
        }
        all.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then(a.concept.iri().cmp(b.concept.iri()))
        });
        Outcome::Ambiguous(all)
    }

    fn allowed(&self, filter: &SchemeFilter, concept: u32) -> bool {
        filter.0.is_none() || filter.allows(self.vocab.scheme_of(concept))
    }

    /// The main term and each subdivision resolved on their own.
    fn composed(&self, heading: &Heading, filter: &SchemeFilter) -> Outcome<'_> {
        let main = match self.by_label_key(&normalize(&heading.main), Some(&heading.main), filter) {
            Outcome::Found(m) => m,
            _ => return Outcome::NotFound,
        };
        let main_scheme = self.vocab.scheme_of(main.concept.id().0);
        let mut components = Vec::with_capacity(heading.subdivisions.len());
        for sub in &heading.subdivisions {
            match self.by_label_key(&normalize(&sub.text), Some(&sub.text), filter) {
                Outcome::Found(m) => components.push(m.concept),
                Outcome::Ambiguous(ms) => {
                    // Prefer the main term's scheme when that settles it.
                    let same: Vec<_> = ms
                        .iter()
                        .filter(|m| self.vocab.scheme_of(m.concept.id().0) == main_scheme)
                        .collect();
                    if same.len() == 1 {
                        components.push(same[0].concept);
                    } else {
                        return Outcome::NotFound;
                    }
                }
                Outcome::NotFound => return Outcome::NotFound,
            }
        }
        Outcome::Found(Match {
            concept: main.concept,
            method: Method::SubdivisionComposed,
            score: score::SUBDIVISION_COMPOSED,
            matched: main.matched,
            components,
        })
    }
}

/// The grade of a label found under the query's key.
fn grade(kind: LabelKind, text: &str, written: Option<&str>) -> (Method, f32) {
    let same = written.is_some_and(|w| trim_isbd(text) == w);
    match (kind, same) {
        (LabelKind::Pref, true) => (Method::Exact, score::EXACT),
        (LabelKind::Pref, false) => (Method::Normalized, score::NORMALIZED),
        (_, true) => (Method::AlternateLabel, score::ALTERNATE_EXACT),
        (_, false) => (Method::AlternateLabel, score::ALTERNATE_NORMALIZED),
    }
}

/// The key of a label or query (see [`normalize::heading_key_into`](super::normalize::heading_key_into)).
fn heading_key_into(text: &str, out: &mut String) {
    let mut buf = String::with_capacity(text.len());
    super::normalize::heading_key_into(text, out, &mut buf);
}
