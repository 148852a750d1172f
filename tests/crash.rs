//! `crosswalk run` killed with SIGKILL at 20 random moments over a 100,000-record input: after
//! each kill the store opens and holds no partial record graph; a final rerun ends with the same
//! dump as one clean run.
//!
//! The kill moments are drawn from a seed printed at the start (set `CROSSWALK_CRASH_SEED` to
//! replay one); `CROSSWALK_CRASH_RECORDS` and `CROSSWALK_CRASH_KILLS` change the sizes.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use crosswalk::store::Store;

#[path = "support/generate.rs"]
mod generate;
#[path = "support/sparql.rs"]
mod sparql;
use generate::write_marc;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const BASE: &str = "https://crash.example.org/";

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Per named graph, an order-independent digest of its quads and their count; the two
/// provenance statements that name the run and its time are left out (they differ between runs).
fn digests(store: &Store) -> HashMap<String, (u64, u64)> {
    let skip = [
        "http://www.w3.org/ns/prov#wasGeneratedBy",
        "http://www.w3.org/ns/prov#generatedAtTime",
    ];
    let mut graphs: HashMap<oxrdf::GraphName, (u64, u64)> = HashMap::new();
    for q in store.oxigraph().iter() {
        let q = q.unwrap();
        if skip.contains(&q.predicate.as_str()) {
            continue;
        }
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (&q.subject, &q.predicate, &q.object).hash(&mut h);
        let e = graphs.entry(q.graph_name).or_default();
        e.0 = e.0.wrapping_add(h.finish());
        e.1 += 1;
    }
    graphs
        .into_iter()
        .map(|(g, d)| (g.to_string(), d))
        .collect()
}

/// Per named graph, its number of quads: a cheap check that a graph is whole (SPARQL counts
/// without decoding the terms).
fn counts(store: &Store) -> HashMap<String, u64> {
    let q = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g";
    sparql::select(store, q)
        .into_iter()
        .map(|row| {
            let n = row[1].trim_start_matches('"');
            let n = n[..n.find('"').unwrap()].parse().unwrap();
            (row[0].clone(), n)
        })
        .collect()
}

fn run(config: &Path, store: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_crosswalk"));
    c.arg("run")
        .arg(config)
        .arg("--store")
        .arg(store)
        .arg("--quiet")
        .arg("--records-per-commit")
        .arg("5000")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    c
}

#[test]
fn killed_runs_leave_whole_graphs_and_a_rerun_completes_them() {
    let records = env_or("CROSSWALK_CRASH_RECORDS", 100_000);
    let kills = env_or("CROSSWALK_CRASH_KILLS", 20);
    let mut seed = env_or(
        "CROSSWALK_CRASH_SEED",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos() as u64,
    );
    eprintln!("crash test: {records} records, {kills} kills, CROSSWALK_CRASH_SEED={seed}");
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write_marc(&d.join("input.mrc"), records, "crash");
    std::fs::write(
        d.join("crash.toml"),
        format!(
            "[consortium]\nname = \"crash\"\nbase = \"{BASE}\"\n\n[[institution]]\nid = \"lib\"\nname = \"Library\"\n\n\
             [[collection]]\nid = \"books\"\ninstitution = \"lib\"\nformat = \"marc\"\nfiles = [\"input.mrc\"]\n\
             crosswalk = \"{ROOT}/mappings/marc21-dcterms.toml\"\n"
        ),
    )
    .unwrap();
    let config = d.join("crash.toml");

    // The reference: one clean run.
    let clock = Instant::now();
    let status = run(&config, &d.join("clean")).status().unwrap();
    assert!(status.success(), "clean run: {status}");
    let clean_time = clock.elapsed();
    let reference = digests(&Store::open(d.join("clean")).unwrap());
    let reference_counts: HashMap<String, u64> = reference
        .iter()
        .map(|(g, (_, n))| (g.clone(), *n))
        .collect();
    let record_graphs = reference
        .keys()
        .filter(|g| g.starts_with(&format!("<{BASE}graph/books/")))
        .count();
    assert_eq!(record_graphs as u64, records);
    eprintln!("clean run: {clean_time:?}");

    let store = d.join("crashed");
    for k in 0..kills {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let fraction = (seed >> 33) as f64 / (1u64 << 31) as f64;
        let delay = clean_time.mul_f64(fraction * 1.05);
        let mut child = run(&config, &store).spawn().unwrap();
        let started = Instant::now();
        let mut finished = false;
        while started.elapsed() < delay && !finished {
            std::thread::sleep(std::time::Duration::from_millis(20));
            finished = child.try_wait().unwrap().is_some();
        }
        let _ = child.kill(); // SIGKILL
        child.wait().unwrap();
        let opened = Store::open(&store).unwrap_or_else(|e| panic!("kill {k}: {e}"));
        let now = counts(&opened);
        drop(opened);
        let mut whole = 0;
        for (g, count) in &now {
            let Some(record) = g.strip_prefix(&format!("<{BASE}graph/books/")) else {
                continue;
            };
            assert_eq!(
                Some(count),
                reference_counts.get(g),
                "kill {k} after {delay:?}: record graph {g} is not whole"
            );
            let provenance = format!("<{BASE}provenance/books/{record}");
            assert!(
                now.contains_key(&provenance),
                "kill {k}: {g} has no provenance graph"
            );
            whole += 1;
        }
        let provenance_graphs = now
            .keys()
            .filter(|g| g.starts_with(&format!("<{BASE}provenance/books/")))
            .count();
        assert_eq!(
            provenance_graphs, whole,
            "kill {k}: provenance without record graph"
        );
        eprintln!(
            "kill {k} after {delay:?}{}: {whole} whole record graphs",
            if finished { " (the run had ended)" } else { "" }
        );
    }
    let status = run(&config, &store).status().unwrap();
    assert!(status.success(), "final rerun: {status}");
    let last = digests(&Store::open(&store).unwrap());
    let runs = format!("<{BASE}graph/runs>");
    let strip = |m: &HashMap<String, (u64, u64)>| {
        let mut m = m.clone();
        m.remove(&runs);
        m
    };
    assert!(
        strip(&last) == strip(&reference),
        "the store after kills and a rerun differs from a clean run"
    );
}
