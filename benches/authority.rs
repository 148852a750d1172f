//! Label lookups in the authority index on an LCSH-size vocabulary (450,000 concepts, about
//! 1 million labels, built in memory by the generator of `examples/authority_bench.rs`):
//! preferred labels as written, normalised (lower case, final period), alternative labels,
//! misses and a mix of the four. With `CROSSWALK_SHARED` set, the 6,282 id.loc.gov headings of
//! `vocab/annif-rula/heading_iri_pairs.tsv` join the vocabulary, and all 16,566 headings of that
//! file (those 6,282 and 10,284 local headings that are not in LCSH) are timed too.
//!
//! `cargo bench --bench authority`; `CROSSWALK_BENCH_CPU=1` measures CPU time (see
//! `benches/common/mod.rs`).

use std::hint::black_box;
use std::path::PathBuf;

use criterion::measurement::Measurement;
use criterion::{BenchmarkGroup, Criterion, Throughput};
use crosswalk::authority::{AuthorityIndex, Outcome, SchemeFilter, VocabularyLoader};
use oxrdfio::RdfFormat;

mod common;
#[path = "common/lcsh.rs"]
mod lcsh;

/// Queries per timed batch of each kind: enough distinct labels that the batch does not just
/// replay from the core's caches.
const BATCH: usize = 100_000;

/// (IRI, label) pairs.
type Pairs = Vec<(String, String)>;

/// The headings of the annif-rula file: id.loc.gov (IRI, label) pairs and every label.
fn annif_rula() -> Option<(Pairs, Vec<String>)> {
    let dir = PathBuf::from(std::env::var_os("CROSSWALK_SHARED")?);
    let path = dir.join("vocab/annif-rula/heading_iri_pairs.tsv");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut lcsh = Vec::new();
    let mut all = Vec::new();
    for line in text.lines() {
        let Some((iri, label)) = line.split_once('\t') else {
            continue;
        };
        let iri = iri.trim_start_matches('<').trim_end_matches('>');
        if iri.starts_with("http://id.loc.gov/") {
            lcsh.push((iri.to_string(), label.to_string()));
        }
        all.push(label.to_string());
    }
    Some((lcsh, all))
}

fn index() -> (AuthorityIndex, Option<Vec<String>>) {
    let mut loader = VocabularyLoader::new();
    lcsh::load_into(&mut loader, lcsh::CONCEPTS);
    let rula = annif_rula().map(|(pairs, all)| {
        let mut nt = String::new();
        for (iri, label) in &pairs {
            let label = label.replace('\\', "\\\\").replace('"', "\\\"");
            nt.push_str(&format!(
                "<{iri}> <http://www.w3.org/2004/02/skos/core#prefLabel> \"{label}\"@en .\n"
            ));
        }
        loader
            .load_rdf(
                nt.as_bytes(),
                RdfFormat::NTriples,
                "annif-rula.nt",
                Some("lcsh"),
            )
            .expect("annif-rula headings load");
        all
    });
    (AuthorityIndex::new(loader.finish()), rula)
}

fn time<M: Measurement>(
    g: &mut BenchmarkGroup<'_, M>,
    name: &str,
    index: &AuthorityIndex,
    filter: &SchemeFilter,
    queries: &[String],
) {
    // Say what the queries find, once, so that a broken bench cannot pass unnoticed.
    let (mut found, mut ambiguous) = (0, 0);
    for q in queries {
        match index.lookup(q, filter) {
            Outcome::Found(_) => found += 1,
            Outcome::Ambiguous(_) => ambiguous += 1,
            Outcome::NotFound => {}
        }
    }
    eprintln!(
        "{name}: {} queries, {found} found, {ambiguous} ambiguous",
        queries.len()
    );
    g.throughput(Throughput::Elements(queries.len() as u64));
    g.bench_function(name, |b| {
        b.iter(|| {
            for q in queries {
                black_box(index.lookup(black_box(q), filter));
            }
        })
    });
}

fn run<M: Measurement>(c: &mut Criterion<M>) {
    let (index, rula) = index();
    let q = lcsh::Queries::new(index.vocabulary(), BATCH);
    let all = index.filter(&[]);
    let lcsh = index.filter(&["lcsh"]);
    let mut g = c.benchmark_group("authority_lookup");
    g.sample_size(20);
    time(&mut g, "exact", &index, &all, &q.exact);
    time(&mut g, "normalized", &index, &lcsh, &q.sloppy);
    time(&mut g, "alternate", &index, &all, &q.alt);
    time(&mut g, "miss", &index, &all, &q.misses);
    time(&mut g, "mix", &index, &lcsh, &q.mix(BATCH));
    if let Some(rula) = &rula {
        time(&mut g, "annif_rula", &index, &lcsh, rula);
    }
    g.finish();
}

fn main() {
    common::main_with(run, run);
}
