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

#[path = "../benches/common/lcsh.rs"]
mod lcsh;

fn gen(path: &Path, concepts: u64) -> std::io::Result<()> {
    let mut out = BufWriter::with_capacity(1 << 20, File::create(path)?);
    let mut synth = lcsh::Synth::new(concepts);
    std::io::copy(&mut synth, &mut out)?;
    out.flush()?;
    eprintln!(
        "{concepts} concepts, {} labels → {}",
        synth.labels(),
        path.display()
    );
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
    let lcsh::Queries {
        exact,
        sloppy,
        alt,
        misses,
    } = lcsh::Queries::new(v, 200_000);
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
