//! An LCSH-size synthetic vocabulary, and the load and lookup speed of the authority index.
//!
//! ```text
//! cargo run --release --example authority_bench -- gen /tmp/lcsh-synth.nt 450000
//! /usr/bin/time -v cargo run --release --example authority_bench -- bench /tmp/lcsh-synth.nt
//! ```
//!
//! `gen` writes N-Triples deterministically: per concept a type, the scheme, a preferred label
//! (a quarter of them precoordinated with `--` subdivisions), on average 1.25 alternative labels
//! and a broader concept: about 1 million labels for 450,000 concepts. `bench` loads the file,
//! builds the index and times 2 million lookups (preferred labels as written, the same in lower
//! case without the final comma-free punctuation, alternative labels, and misses).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::time::Instant;

use crosswalk::authority::{AuthorityIndex, Outcome, VocabularyLoader};

const WORDS: &[&str] = &[
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
const QUALIFIERS: &[&str] = &[
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
const SUBDIVISIONS: &[&str] = &[
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

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*: deterministic and good enough for a test corpus.
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
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

fn gen(path: &Path, concepts: u64) -> std::io::Result<()> {
    let mut out = BufWriter::with_capacity(1 << 20, File::create(path)?);
    let skos = "http://www.w3.org/2004/02/skos/core#";
    let scheme = "http://id.loc.gov/authorities/subjects";
    writeln!(
        out,
        "<{scheme}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{skos}ConceptScheme> ."
    )?;
    writeln!(
        out,
        "<{scheme}> <http://purl.org/dc/terms/identifier> \"lcsh\" ."
    )?;
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut labels = 0u64;
    for n in 0..concepts {
        let s = iri(n);
        writeln!(
            out,
            "<{s}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{skos}Concept> ."
        )?;
        writeln!(out, "<{s}> <{skos}inScheme> <{scheme}> .")?;
        writeln!(
            out,
            "<{s}> <{skos}prefLabel> \"{}\"@en .",
            label(&mut rng, n)
        )?;
        labels += 1;
        let alts = match rng.next() % 4 {
            0 => 0,
            1 | 2 => 1,
            _ => 3,
        };
        for _ in 0..alts {
            writeln!(
                out,
                "<{s}> <{skos}altLabel> \"{}\"@en .",
                label(&mut rng, n + concepts)
            )?;
            labels += 1;
        }
        if n > 0 {
            writeln!(out, "<{s}> <{skos}broader> <{}> .", iri(rng.next() % n))?;
        }
    }
    out.flush()?;
    eprintln!("{concepts} concepts, {labels} labels → {}", path.display());
    Ok(())
}

fn bench(path: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let t = Instant::now();
    let mut loader = VocabularyLoader::new();
    loader.load_path(path, Some("lcsh"))?;
    let vocab = loader.finish();
    let loaded = t.elapsed();
    let index = AuthorityIndex::new(vocab);
    let total = t.elapsed();
    let v = index.vocabulary();
    println!(
        "load: {} concepts, {} labels: parse+intern {:.2} s, index {:.2} s, total {:.2} s; heap ≈ {} MiB",
        v.len(),
        v.label_count(),
        loaded.as_secs_f64(),
        (total - loaded).as_secs_f64(),
        total.as_secs_f64(),
        index.heap_bytes() >> 20
    );
    // Queries: labels as written, lower-cased with a trailing period, and misses.
    let mut rng = Rng(42);
    let concepts: Vec<_> = v.concepts().collect();
    let mut exact = Vec::new();
    let mut alt = Vec::new();
    let mut sloppy = Vec::new();
    for _ in 0..200_000 {
        let c = concepts[(rng.next() % concepts.len() as u64) as usize];
        let mut labels = c.labels();
        let pref = labels.next().expect("pref").text;
        exact.push(pref.to_string());
        sloppy.push(format!("{}.", pref.to_lowercase()));
        if let Some(a) = labels.next() {
            alt.push(a.text.to_string());
        }
    }
    let misses: Vec<String> = (0..200_000)
        .map(|i| format!("No such heading {i}"))
        .collect();
    let all = index.filter(&[]);
    let lcsh = index.filter(&["lcsh"]);
    for (name, queries, filter) in [
        ("exact preferred", &exact, &all),
        ("normalised (case, final period)", &sloppy, &lcsh),
        ("alternative labels", &alt, &all),
        ("misses", &misses, &all),
    ] {
        let rounds = 2_000_000 / queries.len().max(1);
        let t = Instant::now();
        let (mut found, mut ambiguous, mut none) = (0u64, 0u64, 0u64);
        for _ in 0..rounds {
            for q in queries.iter() {
                match index.lookup(q, filter) {
                    Outcome::Found(_) => found += 1,
                    Outcome::Ambiguous(_) => ambiguous += 1,
                    Outcome::NotFound => none += 1,
                }
            }
        }
        let n = (rounds * queries.len()) as f64;
        let secs = t.elapsed().as_secs_f64();
        println!(
            "{name}: {:.2} M lookups/s ({} found, {} ambiguous, {} not found)",
            n / secs / 1e6,
            found,
            ambiguous,
            none
        );
    }
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("gen") if args.len() >= 2 => {
            let n = args
                .get(2)
                .map(|s| s.parse())
                .transpose()?
                .unwrap_or(450_000);
            gen(Path::new(&args[1]), n)?;
        }
        Some("bench") if args.len() == 2 => bench(Path::new(&args[1]))?,
        _ => {
            eprintln!("usage: authority_bench gen OUT.nt [CONCEPTS] | bench FILE.nt");
            std::process::exit(2);
        }
    }
    Ok(())
}
