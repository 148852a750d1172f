//! The label index: labels (per language, per scheme), notations and identifiers → concepts.
//!
//! Each label is filed once, under the 64-bit hash of its normalised heading key (see
//! [`normalize`](super::normalize)); a lookup normalises the query, takes the labels filed under
//! its key and grades each: the same text as the query (after ISBD trimming) is an *exact* match,
//! otherwise a *normalised* one; on a preferred label or on an alternative/hidden one. Notations
//! and identifiers have maps of their own.
//!
//! The labels live in one flat table of 24-byte slots (key hash, where the label text lies,
//! concept, scheme, kind), sorted by key hash and each placed at or just after its *home*, the
//! hash scaled to the table size (linear probing built in one pass). A lookup reads the slots from
//! the home on: everything it needs to filter and grade a label is in the slot, so a hit costs
//! one fetch of the table plus one of the label text (to compare it with the query for the
//! *exact* grade and to hand it out as [`Match::matched`]); a miss usually costs one fetch. The
//! query's key is built in a reused per-thread buffer, so a lookup allocates nothing unless the
//! result is ambiguous or composed.
//!
//! An exact match is always confirmed by comparing the texts. Two different *keys* with the same
//! 64-bit hash would be taken for one (the key itself is not stored): with a million labels the
//! chance that any two labels' keys collide is about 3·10⁻⁸, and the chance that a query's key
//! collides with some label's key is about 5·10⁻¹⁴ per lookup.
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

use std::cell::RefCell;
use std::fmt;

use super::normalize::{identifier_key, notation_key, trim_isbd, Heading};
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
    /// A reviewer's decision (`accept` or `map` in a decisions file), not the matcher.
    Decision,
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
            Method::Decision => "decision",
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

/// One label in the [`LabelTable`].
#[derive(Clone, Copy)]
struct Slot {
    /// The [`key_hash`] of the label's heading key; [`EMPTY`] for a free slot.
    hash: u64,
    /// Where the label text lies in the vocabulary's arena (start, length).
    text: (u32, u32),
    /// The concept.
    concept: u32,
    /// The concept's scheme, or [`SCHEME_ELSEWHERE`]: ask the vocabulary.
    scheme: u16,
    /// pref, alt or hidden.
    kind: LabelKind,
}

/// The hash of a free slot (no key hashes to it: see [`key_hash`]).
const EMPTY: u64 = u64::MAX;

/// A scheme number too large for [`Slot::scheme`].
const SCHEME_ELSEWHERE: u16 = u16::MAX;

const FREE: Slot = Slot {
    hash: EMPTY,
    text: (0, 0),
    concept: u32::MAX,
    scheme: SCHEME_ELSEWHERE,
    kind: LabelKind::Pref,
};

/// The labels by key hash: slots sorted by hash, each at or after its home
/// (`hash × homes / 2⁶⁴`, which grows with the hash), a free slot at the end.
///
/// Because the order of the slots is that of the hashes, a lookup starts at the home, passes
/// the slots of smaller hashes that were pushed past it, takes the run of its own hash, and
/// stops at the first larger hash or free slot. Labels with the same key stay in label order.
///
/// In front of the slots, a filter of two bits a key in one 64-bit word (16 bits a label, 2 MB
/// for a million labels, small enough to stay in cache) answers most misses without touching
/// the slots: about 1% of absent keys pass it.
#[derive(Default)]
struct LabelTable {
    slots: Vec<Slot>,
    homes: u64,
    filter: Vec<u64>,
}

impl LabelTable {
    /// About 0.8 labels per home: short runs, 30 bytes a label.
    fn build(mut entries: Vec<Slot>) -> Self {
        let homes = (entries.len() as u64 + entries.len() as u64 / 4).max(1);
        // Stable: the labels of one key keep their order.
        entries.sort_by_key(|e| e.hash);
        let words = (entries.len() / 4).max(1).next_power_of_two();
        let mut filter = vec![0u64; words];
        for e in &entries {
            let (w, bits) = Self::filter_bits(words, e.hash);
            filter[w] |= bits;
        }
        let mut slots = Vec::with_capacity(homes as usize + 64);
        for e in entries {
            let home = Self::home_in(homes, e.hash);
            if slots.len() < home {
                slots.resize(home, FREE);
            }
            slots.push(e);
        }
        slots.resize(slots.len().max(homes as usize) + 1, FREE);
        slots.shrink_to_fit();
        LabelTable {
            slots,
            homes,
            filter,
        }
    }

    /// The filter word of `hash` and its two bits (from hash bits the home does not depend on
    /// much: the low ones).
    #[inline]
    fn filter_bits(words: usize, hash: u64) -> (usize, u64) {
        let w = hash as usize & (words - 1);
        let bits = (1u64 << ((hash >> 40) & 63)) | (1u64 << ((hash >> 46) & 63));
        (w, bits)
    }

    #[inline]
    fn home_in(homes: u64, hash: u64) -> usize {
        ((u128::from(hash) * u128::from(homes)) >> 64) as usize
    }

    /// The slots filed under `hash` (never [`EMPTY`]).
    #[inline]
    fn get(&self, hash: u64) -> &[Slot] {
        if self.filter.is_empty() {
            return &[];
        }
        let (w, bits) = Self::filter_bits(self.filter.len(), hash);
        if self.filter[w] & bits != bits {
            return &[];
        }
        let slots = &self.slots[Self::home_in(self.homes, hash)..];
        // The last slot is free (hash EMPTY > hash): both scans stop within the table.
        let start = slots.iter().position(|s| s.hash >= hash).unwrap_or(0);
        let run = slots[start..]
            .iter()
            .position(|s| s.hash != hash)
            .unwrap_or(0);
        &slots[start..start + run]
    }

    fn heap_bytes(&self) -> usize {
        self.slots.capacity() * std::mem::size_of::<Slot>() + self.filter.capacity() * 8
    }
}

/// The 64-bit hash of a heading key for the [`LabelTable`], never [`EMPTY`].
///
/// Sixteen bytes a step, each step one 64×64→128-bit multiplication folded to 64 bits: well mixed
/// and several times faster than SipHash on short keys, but not meant to resist collisions made
/// on purpose. The step's first operand is a word of the key XOR the golden-ratio constant, which
/// is never zero for UTF-8 text (the constant's bytes `7f b9` cannot follow each other in UTF-8),
/// so no block of a key can wipe out the state.
fn key_hash(key: &str) -> u64 {
    const K0: u64 = 0x9e37_79b9_7f4a_7c15; // 2⁶⁴/φ
    const K1: u64 = 0x6a09_e667_f3bc_c908; // frac(√2)
    const K2: u64 = 0xbb67_ae85_84ca_a73b; // frac(√3)
    #[inline]
    fn fold(a: u64, b: u64) -> u64 {
        let p = u128::from(a) * u128::from(b);
        (p as u64) ^ ((p >> 64) as u64)
    }
    #[inline]
    fn word(b: &[u8]) -> u64 {
        let mut w = [0u8; 8];
        w[..b.len()].copy_from_slice(b);
        u64::from_le_bytes(w)
    }
    let bytes = key.as_bytes();
    let mut h = K1 ^ (bytes.len() as u64).wrapping_mul(K2);
    let mut rest = bytes;
    while rest.len() > 16 {
        let (block, tail) = rest.split_at(16);
        h = fold(word(&block[..8]) ^ K0, word(&block[8..]) ^ K1 ^ h);
        rest = tail;
    }
    let (a, b) = rest.split_at(rest.len().min(8));
    h = fold(word(a) ^ K0, word(b) ^ K2 ^ h);
    h = fold(h ^ K1, K0);
    if h == EMPTY {
        EMPTY - 1
    } else {
        h
    }
}

thread_local! {
    /// Buffers for the keys of queries (key, one part), reused by every lookup of the thread.
    static KEY_BUFFERS: RefCell<(String, String)> = const { RefCell::new((String::new(), String::new())) };
}

/// The [`key_hash`] of the heading key of `text` (see
/// [`normalize::heading_key_into`](super::normalize::heading_key_into)), or `None` when the key is
/// empty. Builds the key in the thread's reused buffers.
fn heading_key_hash(text: &str) -> Option<u64> {
    let hash = |key: &mut String, part: &mut String| {
        super::normalize::heading_key_into(text, key, part);
        (!key.is_empty()).then(|| key_hash(key))
    };
    KEY_BUFFERS.with(|b| match b.try_borrow_mut() {
        Ok(mut b) => {
            let (key, part) = &mut *b;
            hash(key, part)
        }
        Err(_) => hash(&mut String::new(), &mut String::new()),
    })
}

/// The [`key_hash`] of the [`normalize`](super::normalize::normalize)d term `text`, or `None`
/// when that is empty. Builds the key in the thread's reused buffer.
fn term_key_hash(text: &str) -> Option<u64> {
    let hash = |key: &mut String| {
        super::normalize::key_into(text, true, key);
        (!key.is_empty()).then(|| key_hash(key))
    };
    KEY_BUFFERS.with(|b| match b.try_borrow_mut() {
        Ok(mut b) => hash(&mut b.0),
        Err(_) => hash(&mut String::new()),
    })
}

/// A vocabulary with its lookup maps.
pub struct AuthorityIndex {
    vocab: Vocabulary,
    labels: LabelTable,
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
        let mut entries = Vec::with_capacity(vocab.label_count());
        let (mut key, mut part) = (String::new(), String::new());
        for (concept, kind, text, span) in vocab.raw_label_spans() {
            super::normalize::heading_key_into(text, &mut key, &mut part);
            if !key.is_empty() {
                let scheme = vocab.scheme_of(concept);
                entries.push(Slot {
                    hash: key_hash(&key),
                    text: span,
                    concept,
                    scheme: u16::try_from(scheme)
                        .ok()
                        .filter(|&s| s != SCHEME_ELSEWHERE)
                        .unwrap_or(SCHEME_ELSEWHERE),
                    kind,
                });
            }
        }
        let labels = LabelTable::build(entries);
        let mut notations = Postings::default();
        for (c, n) in vocab.raw_notations() {
            notations.add(hash_str(&notation_key(n)), c);
        }
        let mut identifiers = Postings::default();
        for (c, id) in vocab.raw_identifiers() {
            identifiers.add(hash_str(id), c);
        }
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
        let out = self.by_label_key(heading_key_hash(trimmed), Some(trimmed), filter);
        if !out.is_not_found() {
            return out;
        }
        if trimmed.len() <= 12 && !trimmed.contains(char::is_whitespace) {
            let out = self.by_notation(trimmed, filter, Method::Notation, score::NOTATION_AS_LABEL);
            if !out.is_not_found() {
                return out;
            }
        }
        // Without `--` there is no subdivision to try.
        if !trimmed.contains("--") {
            return Outcome::NotFound;
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
        let key = heading.key();
        let out = self.by_label_key(
            (!key.is_empty()).then(|| key_hash(&key)),
            Some(&display),
            filter,
        );
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

    /// Candidates filed under a heading key (by its [`key_hash`]; `None`: the key is empty);
    /// `written` is the query as written, for the exact grade.
    fn by_label_key(
        &self,
        key: Option<u64>,
        written: Option<&str>,
        filter: &SchemeFilter,
    ) -> Outcome<'_> {
        let Some(hash) = key else {
            return Outcome::NotFound;
        };
        let slots = self.labels.get(hash);
        // Fast path: the best (slot, grade), then whether another concept ties with it.
        let mut best: Option<(&Slot, f32, Method)> = None;
        for slot in slots {
            if !self.slot_allowed(filter, slot) {
                continue;
            }
            let (method, s) = grade(slot.kind, self.vocab.text_at(slot.text), written);
            if best.is_none_or(|(_, bs, _)| s > bs) {
                best = Some((slot, s, method));
            }
        }
        let Some((top, s, method)) = best else {
            return Outcome::NotFound;
        };
        let tie = slots.len() > 1
            && slots.iter().any(|o| {
                o.concept != top.concept
                    && self.slot_allowed(filter, o)
                    && grade(o.kind, self.vocab.text_at(o.text), written).1 >= s
            });
        if !tie {
            return Outcome::Found(Match {
                concept: self.vocab.concept(ConceptId(top.concept)),
                method,
                score: s,
                matched: Some(self.vocab.text_at(top.text)),
                components: Vec::new(),
            });
        }
        // Ambiguous: every concept with its best grade, best first.
        let mut all: Vec<Match<'_>> = Vec::new();
        for slot in slots {
            if !self.slot_allowed(filter, slot) {
                continue;
            }
            let (c, text) = (slot.concept, self.vocab.text_at(slot.text));
            let (method, s) = grade(slot.kind, text, written);
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

    /// Whether the filter lets the label in `slot` answer, from the slot alone when it can.
    #[inline]
    fn slot_allowed(&self, filter: &SchemeFilter, slot: &Slot) -> bool {
        match &filter.0 {
            None => true,
            Some(_) if slot.scheme != SCHEME_ELSEWHERE => filter.allows(u32::from(slot.scheme)),
            Some(_) => filter.allows(self.vocab.scheme_of(slot.concept)),
        }
    }

    fn allowed(&self, filter: &SchemeFilter, concept: u32) -> bool {
        filter.0.is_none() || filter.allows(self.vocab.scheme_of(concept))
    }

    /// The main term and each subdivision resolved on their own.
    fn composed(&self, heading: &Heading, filter: &SchemeFilter) -> Outcome<'_> {
        let main =
            match self.by_label_key(term_key_hash(&heading.main), Some(&heading.main), filter) {
                Outcome::Found(m) => m,
                _ => return Outcome::NotFound,
            };
        let main_scheme = self.vocab.scheme_of(main.concept.id().0);
        let mut components = Vec::with_capacity(heading.subdivisions.len());
        for sub in &heading.subdivisions {
            match self.by_label_key(term_key_hash(&sub.text), Some(&sub.text), filter) {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn slot(hash: u64, concept: u32) -> Slot {
        Slot {
            hash,
            concept,
            ..FREE
        }
    }

    #[test]
    fn key_hashes_differ_and_are_never_empty() {
        let mut seen = std::collections::HashSet::new();
        let mut key = String::new();
        for i in 0..200_000u32 {
            key.clear();
            key.push_str(&format!("heading {i}"));
            for extra in ["", ", smith", "--history--20th century", "x"] {
                let k = format!("{key}{extra}");
                let h = key_hash(&k);
                assert_ne!(h, EMPTY);
                assert!(seen.insert(h), "{k}");
            }
        }
        // Lengths 0 to 40 of one repeated byte, and keys that differ by padding.
        for n in 0..=40 {
            assert!(seen.insert(key_hash(&"a".repeat(n))));
            if n > 0 {
                assert!(seen.insert(key_hash(&"\0".repeat(n))), "{n} NULs");
            }
        }
    }

    #[test]
    fn table_finds_every_run_in_label_order() {
        // Crowded homes: several hashes, repeated, near each other and at both ends.
        let hashes = [
            5u64,
            5,
            6,
            1 << 63,
            (1 << 63) + 1,
            5,
            EMPTY - 1,
            0,
            EMPTY - 1,
            6,
        ];
        let entries: Vec<Slot> = hashes
            .iter()
            .enumerate()
            .map(|(i, &h)| slot(h, i as u32))
            .collect();
        let table = LabelTable::build(entries);
        let concepts = |h: u64| table.get(h).iter().map(|s| s.concept).collect::<Vec<_>>();
        assert_eq!(concepts(5), [0, 1, 5]);
        assert_eq!(concepts(6), [2, 9]);
        assert_eq!(concepts(1 << 63), [3]);
        assert_eq!(concepts((1 << 63) + 1), [4]);
        assert_eq!(concepts(EMPTY - 1), [6, 8]);
        assert_eq!(concepts(0), [7]);
        for absent in [1, 4, 7, (1 << 63) - 1, (1 << 63) + 2, EMPTY - 2] {
            assert!(table.get(absent).is_empty(), "{absent}");
        }
        assert!(LabelTable::build(Vec::new()).get(5).is_empty());
    }
}
