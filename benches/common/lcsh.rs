//! The synthetic LCSH-size vocabulary shared by `benches/authority.rs` and
//! `examples/authority_bench.rs`, and the queries both time.
//!
//! [`Synth`] streams N-Triples deterministically: per concept a type, the scheme, a preferred label
//! (a quarter of them precoordinated with `--` subdivisions), on average 1.25 alternative labels
//! and a broader concept: about 1 million labels for 450,000 concepts ([`CONCEPTS`]).

#![allow(dead_code)] // the example and the bench use different parts

use std::io::{self, Read, Write};

use crosswalk::authority::{Vocabulary, VocabularyLoader};
use oxrdfio::RdfFormat;

/// The number of concepts of the LCSH-size vocabulary.
pub const CONCEPTS: u64 = 450_000;

/// Words of the main terms.
pub const WORDS: &[&str] = &[
    "History",
    "Art",
    "Music",
    "Women",
    "Children",
    "Architecture",
    "Law",
    "Railroads",
    "Poetry",
    "Education",
    "Agriculture",
    "Medicine",
    "Religion",
    "Science",
    "Trade",
    "Labor",
    "Mining",
    "Fisheries",
    "Painting",
    "Sculpture",
    "Dance",
    "Theater",
    "Photography",
    "Printing",
    "Books",
    "Libraries",
    "Archives",
    "Cities",
    "Villages",
    "Rivers",
    "Mountains",
    "Forests",
    "Birds",
    "Insects",
    "Plants",
    "Ships",
    "Aircraft",
    "Bridges",
    "Roads",
    "Canals",
    "Churches",
    "Temples",
    "Castles",
    "Gardens",
    "Textiles",
    "Pottery",
    "Glass",
    "Coins",
    "Maps",
    "Costume",
    "Cooking",
    "Wine",
    "Beer",
    "Tea",
    "Coffee",
    "Sugar",
    "Cotton",
    "Silk",
    "Wool",
    "Iron",
    "Steel",
    "Coal",
    "Oil",
    "Electricity",
    "Telephone",
    "Radio",
    "Television",
    "Computers",
    "Robots",
    "Philosophy",
    "Ethics",
    "Logic",
    "Mathematics",
    "Physics",
    "Chemistry",
    "Biology",
    "Geology",
    "Astronomy",
    "Economics",
    "Politics",
    "Diplomacy",
    "Warfare",
    "Navies",
    "Armies",
    "Police",
    "Prisons",
    "Courts",
    "Elections",
    "Parliaments",
    "Monarchy",
    "Nobility",
    "Peasants",
    "Slavery",
    "Emigration",
    "Immigration",
    "Cemeteries",
    "Festivals",
    "Games",
    "Sports",
    "Hunting",
];
/// Qualifiers after the main word.
pub const QUALIFIERS: &[&str] = &[
    "in literature",
    "in art",
    "and state",
    "of children",
    "of women",
    "in motion pictures",
    "(Philosophy)",
    "(Law)",
    "(Music)",
    "(Theology)",
    "Ancient",
    "Medieval",
    "Modern",
    "Early",
];
/// `--` subdivisions.
pub const SUBDIVISIONS: &[&str] = &[
    "History",
    "Bibliography",
    "Periodicals",
    "Biography",
    "Law and legislation",
    "Statistics",
    "Social aspects",
    "Economic aspects",
    "Study and teaching",
    "Pictorial works",
    "Congresses",
    "France",
    "Germany",
    "England",
    "United States",
    "20th century",
    "19th century",
    "Fiction",
];

/// xorshift64*: deterministic and good enough for a test corpus.
pub struct Rng(pub u64);

impl Rng {
    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// One of `xs`.
    pub fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[(self.next() % xs.len() as u64) as usize]
    }
}

fn label(rng: &mut Rng, n: u64) -> String {
    let mut s = format!("{} {}", rng.pick(WORDS), rng.pick(QUALIFIERS));
    if rng.next().is_multiple_of(2) {
        s = format!("{}, {}", rng.pick(WORDS), s.to_lowercase());
    }
    // A distinguishing number keeps most labels unique, as in LCSH where qualifiers do.
    s.push_str(&format!(" {}", n % 1_000_003));
    if rng.next().is_multiple_of(4) {
        for _ in 0..=(rng.next() % 2) {
            s.push_str("--");
            s.push_str(rng.pick(SUBDIVISIONS));
        }
    }
    s
}

fn iri(n: u64) -> String {
    format!("http://id.loc.gov/authorities/subjects/sh9{n:08}")
}

const SKOS: &str = "http://www.w3.org/2004/02/skos/core#";
const SCHEME: &str = "http://id.loc.gov/authorities/subjects";
const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";

/// The vocabulary as N-Triples, made on the fly as it is read.
pub struct Synth {
    rng: Rng,
    next: u64,
    concepts: u64,
    labels: u64,
    buf: Vec<u8>,
    pos: usize,
}

impl Synth {
    /// The N-Triples of `concepts` concepts.
    pub fn new(concepts: u64) -> Self {
        let mut buf = Vec::with_capacity(1 << 20);
        writeln!(buf, "<{SCHEME}> <{RDF_TYPE}> <{SKOS}ConceptScheme> .").expect("vec");
        writeln!(
            buf,
            "<{SCHEME}> <http://purl.org/dc/terms/identifier> \"lcsh\" ."
        )
        .expect("vec");
        Synth {
            rng: Rng(0x9e37_79b9_7f4a_7c15),
            next: 0,
            concepts,
            labels: 0,
            buf,
            pos: 0,
        }
    }

    /// The labels written so far.
    pub fn labels(&self) -> u64 {
        self.labels
    }

    fn concept(&mut self) -> io::Result<()> {
        let (n, concepts) = (self.next, self.concepts);
        let rng = &mut self.rng;
        let out = &mut self.buf;
        let s = iri(n);
        writeln!(out, "<{s}> <{RDF_TYPE}> <{SKOS}Concept> .")?;
        writeln!(out, "<{s}> <{SKOS}inScheme> <{SCHEME}> .")?;
        writeln!(out, "<{s}> <{SKOS}prefLabel> \"{}\"@en .", label(rng, n))?;
        self.labels += 1;
        let alts = match rng.next() % 4 {
            0 => 0,
            1 | 2 => 1,
            _ => 3,
        };
        for _ in 0..alts {
            writeln!(
                out,
                "<{s}> <{SKOS}altLabel> \"{}\"@en .",
                label(rng, n + concepts)
            )?;
            self.labels += 1;
        }
        if n > 0 {
            writeln!(out, "<{s}> <{SKOS}broader> <{}> .", iri(rng.next() % n))?;
        }
        self.next += 1;
        Ok(())
    }
}

impl Read for Synth {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.pos == self.buf.len() {
            self.buf.clear();
            self.pos = 0;
            while self.next < self.concepts && self.buf.len() < (1 << 16) {
                self.concept()?;
            }
        }
        let n = out.len().min(self.buf.len() - self.pos);
        out[..n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// Loads the synthetic vocabulary of `concepts` concepts (scheme `lcsh`) into `loader`.
pub fn load_into(loader: &mut VocabularyLoader, concepts: u64) {
    loader
        .load_rdf(
            Synth::new(concepts),
            RdfFormat::NTriples,
            "lcsh-synth.nt",
            Some("lcsh"),
        )
        .expect("the synthetic vocabulary loads");
}

/// Queries made from a vocabulary.
pub struct Queries {
    /// Preferred labels as written.
    pub exact: Vec<String>,
    /// The same, lower-cased with a final period: normalised hits.
    pub sloppy: Vec<String>,
    /// Alternative labels as written.
    pub alt: Vec<String>,
    /// Headings that are not there.
    pub misses: Vec<String>,
}

impl Queries {
    /// `n` random concepts' labels (the first `n` concepts' streams of a fixed seed), and `n`
    /// misses.
    pub fn new(v: &Vocabulary, n: usize) -> Self {
        let mut rng = Rng(42);
        let concepts: Vec<_> = v.concepts().collect();
        let mut q = Queries {
            exact: Vec::with_capacity(n),
            sloppy: Vec::with_capacity(n),
            alt: Vec::new(),
            misses: (0..n).map(|i| format!("No such heading {i}")).collect(),
        };
        for _ in 0..n {
            let c = concepts[(rng.next() % concepts.len() as u64) as usize];
            let mut labels = c.labels();
            let pref = labels.next().expect("pref").text;
            q.exact.push(pref.to_string());
            q.sloppy.push(format!("{}.", pref.to_lowercase()));
            if let Some(a) = labels.next() {
                q.alt.push(a.text.to_string());
            }
        }
        q
    }

    /// A mix in random order: half exact, a fifth normalised, a fifth alternative, a tenth
    /// misses (`n` queries).
    pub fn mix(&self, n: usize) -> Vec<String> {
        let mut rng = Rng(7);
        (0..n)
            .map(|_| {
                let (list, r) = (rng.next() % 10, rng.next() as usize);
                let from = match list {
                    0..=4 => &self.exact,
                    5 | 6 => &self.sloppy,
                    7 | 8 => &self.alt,
                    _ => &self.misses,
                };
                from[r % from.len()].clone()
            })
            .collect()
    }
}
