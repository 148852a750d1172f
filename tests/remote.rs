//! `crosswalk run` into a real remote store: Virtuoso Open Source 7, started on loopback with a
//! throw-away database by `support/virtuoso.rs` (skipped when it is not installed). The example
//! consortium gives the same graphs as the embedded store; four shards give the same as one run;
//! a server killed mid-run leaves records old or new and a rerun completes them; bad credentials
//! stop the run at once.

use std::path::Path;
use std::time::{Duration, Instant};

use crosswalk::run::{Pipeline, RunConfig, RunError, RunOptions, StoreTarget};
use crosswalk::store::remote::{RemoteConfig, RemoteError, RemoteStore};
use crosswalk::store::{RecordStore, Store, StoreError};

#[path = "support/generate.rs"]
mod generate;
use generate::write_marc;
#[path = "support/virtuoso.rs"]
mod virtuoso;
use virtuoso::Virtuoso;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The example consortium's configuration, its store replaced by `store`.
fn consortium(store: StoreTarget) -> RunConfig {
    let mut c = RunConfig::load(Path::new(ROOT).join("examples/consortium.toml")).unwrap();
    c.store = store;
    c
}

fn options(reports: &Path) -> RunOptions {
    RunOptions {
        reports: Some(reports.to_path_buf()),
        ..RunOptions::default()
    }
}

/// Canonical N-Quads lines with what differs between runs and between servers masked: run
/// IRIs, times, the runs graph; language tags lowercased (RDF says they are case-insensitive,
/// Virtuoso stores them lowercase).
fn normalise(lines: Vec<String>, base: &str) -> Vec<String> {
    let run = regex::Regex::new(&format!(r"<{}run/[^>]*>", regex::escape(base))).unwrap();
    let time =
        regex::Regex::new(r#""[0-9T:.+Z-]+"\^\^<http://www\.w3\.org/2001/XMLSchema#dateTime>"#)
            .unwrap();
    let lang = regex::Regex::new(r#""@([A-Za-z0-9-]+) "#).unwrap();
    let runs = format!("<{base}graph/runs> .");
    let mut out: Vec<String> = lines
        .iter()
        .filter(|l| !l.ends_with(&runs))
        .map(|l| {
            let l = time
                .replace_all(&run.replace_all(l, "<run>"), "\"T\"")
                .into_owned();
            lang.replace_all(&l, |c: &regex::Captures<'_>| {
                format!("\"@{} ", c[1].to_lowercase())
            })
            .into_owned()
        })
        .collect();
    out.sort();
    out
}

fn remote_dump(v: &Virtuoso, base: &str) -> Vec<String> {
    normalise(v.store().canonical_nquads(base).unwrap(), base)
}

fn embedded_dump(store: &Store, base: &str) -> Vec<String> {
    normalise(store.canonical_nquads().unwrap(), base)
}

fn first_difference(a: &[String], b: &[String]) -> String {
    let sa: std::collections::BTreeSet<&String> = a.iter().collect();
    let sb: std::collections::BTreeSet<&String> = b.iter().collect();
    let only_a: Vec<_> = sa.difference(&sb).take(5).collect();
    let only_b: Vec<_> = sb.difference(&sa).take(5).collect();
    format!(
        "{} vs {} lines; only in the first: {only_a:#?}; only in the second: {only_b:#?}",
        a.len(),
        b.len()
    )
}

#[test]
fn the_example_consortium_into_virtuoso_equals_the_embedded_store_and_shards_too() {
    let Some(v) = Virtuoso::start() else { return };
    let reports = tempfile::tempdir().unwrap();
    let base = consortium(StoreTarget::Memory).base;

    let embedded = Store::memory().unwrap();
    let mut p = Pipeline::with_store(consortium(StoreTarget::Memory), embedded.clone()).unwrap();
    p.run(&options(reports.path())).unwrap();
    let want = embedded_dump(&embedded, &base);

    let clock = Instant::now();
    let mut p = Pipeline::new(consortium(StoreTarget::Remote(v.config()))).unwrap();
    let s = p.run(&options(reports.path())).unwrap();
    let seconds = clock.elapsed().as_secs_f64();
    assert_eq!(s.exit_code(), 0, "{}", s.to_text());
    let got = remote_dump(&v, &base);
    assert!(got == want, "{}", first_difference(&got, &want));
    eprintln!(
        "example consortium into Virtuoso: {} records, {} quads, {seconds:.2} s",
        s.total().written,
        got.len()
    );

    // `export --remote-query --collection` gives that collection's graphs as the embedded
    // store holds them (asked a page of graphs at a time).
    let collection = "uva-catalogue";
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_crosswalk"))
        .args(["export", "--format", "nq", "--collection", collection])
        .args(["--remote-query", &v.query_url()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let exported: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    let mut embedded_collection = Vec::new();
    crosswalk::sparql::export::export(
        embedded.oxigraph(),
        &crosswalk::sparql::export::Selection::Collection(collection.into()),
        crosswalk::sparql::GraphFormat::NQuads,
        &mut embedded_collection,
    )
    .unwrap();
    let embedded_collection: Vec<String> = String::from_utf8(embedded_collection)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    assert!(!exported.is_empty());
    let (exported, embedded_collection) = (
        normalise(exported, &base),
        normalise(embedded_collection, &base),
    );
    assert!(
        exported == embedded_collection,
        "{}",
        first_difference(&exported, &embedded_collection)
    );

    // A rerun writes nothing.
    let s = p.run(&options(reports.path())).unwrap();
    let t = s.total();
    assert_eq!((t.written, t.unchanged), (0, t.read), "{}", s.to_text());
    assert!(!s.changed, "{}", s.to_text());

    // Four shards, each its own pipeline, into a second server.
    let Some(w) = Virtuoso::start() else { return };
    for i in 0..4 {
        let mut p = Pipeline::new(consortium(StoreTarget::Remote(w.config()))).unwrap();
        let s = p
            .run(&RunOptions {
                shard: Some((i, 4)),
                prune: true,
                ..options(reports.path())
            })
            .unwrap();
        let t = s.total();
        assert_eq!(t.read, t.written, "shard {i}: {}", s.to_text());
        assert_eq!(t.removed, 0, "pruning one shard leaves the others alone");
    }
    let sharded = remote_dump(&w, &base);
    assert!(sharded == want, "{}", first_difference(&sharded, &want));
}

fn generated(dir: &Path, n: u64, store: StoreTarget) -> RunConfig {
    write_marc(&dir.join("gen.mrc"), n, "r");
    let text = format!(
        r#"
[consortium]
name = "Generated"
base = "https://gen.example.org/"
[[institution]]
id = "lib"
name = "A library"
[[collection]]
id = "gen"
institution = "lib"
format = "marc"
files = ["gen.mrc"]
crosswalk = "{ROOT}/mappings/marc21-dcterms.toml"
"#
    );
    std::fs::write(dir.join("gen.toml"), text).unwrap();
    let mut c = RunConfig::load(dir.join("gen.toml")).unwrap();
    c.store = store;
    c
}

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[test]
fn a_server_killed_three_times_mid_run_then_a_rerun_give_the_clean_store() {
    let Some(mut v) = Virtuoso::start() else {
        return;
    };
    // CROSSWALK_REMOTE_KILL_RECORDS=100000 for the full-size run (docs/remote-store.md).
    let n = env_or("CROSSWALK_REMOTE_KILL_RECORDS", 6_000);
    let dir = tempfile::tempdir().unwrap();
    let reports = dir.path().join("reports");
    let base = "https://gen.example.org/";

    let embedded = Store::memory().unwrap();
    let clock = Instant::now();
    let mut p = Pipeline::with_store(
        generated(dir.path(), n, StoreTarget::Memory),
        embedded.clone(),
    )
    .unwrap();
    p.run(&options(&reports)).unwrap();
    let clean = embedded_dump(&embedded, base);
    let embedded_seconds = clock.elapsed().as_secs_f64();

    let mut config = v.config();
    config.retries = 1;
    config.timeout = Duration::from_secs(20);
    let mut unwritten_total = 0;
    let mut killed_runs = 0;
    for kill in 1..=3 {
        let mut p = Pipeline::new(generated(
            dir.path(),
            n,
            StoreTarget::Remote(config.clone()),
        ))
        .unwrap();
        let killer = {
            // Kill after a part of what is left has been written.
            let pid = v.pid();
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(700 * kill));
                let _ = std::process::Command::new("kill")
                    .args(["-9", &pid.to_string()])
                    .status();
            })
        };
        let result = p.run(&options(&reports));
        killer.join().unwrap();
        match result {
            Err(RunError::Store(StoreError::Remote(RemoteError::NotWritten {
                graphs,
                source,
            }))) => {
                eprintln!(
                    "kill {kill}: {} records not written: {source}",
                    graphs.len()
                );
                unwritten_total += graphs.len();
                killed_runs += 1;
            }
            Err(e) => eprintln!("kill {kill}: the run stopped before writing: {e}"),
            Ok(s) => eprintln!("kill {kill}: the run ended first: {}", s.to_text()),
        }
        v.restart();
    }
    assert!(killed_runs >= 1, "no run was cut by a kill");
    let clock = Instant::now();
    let mut p = Pipeline::new(generated(dir.path(), n, StoreTarget::Remote(config))).unwrap();
    let s = p.run(&options(&reports)).unwrap();
    let rerun_seconds = clock.elapsed().as_secs_f64();
    assert_eq!(s.exit_code(), 0, "{}", s.to_text());
    let got = remote_dump(&v, base);
    assert!(got == clean, "{}", first_difference(&got, &clean));
    eprintln!(
        "{n} records, {killed_runs} runs cut by kill -9 ({unwritten_total} records in flight \
         reported unwritten); the rerun wrote {} and skipped {} in {rerun_seconds:.1} s; \
         embedded clean run {embedded_seconds:.1} s",
        s.total().written,
        s.total().unchanged
    );
}

#[test]
fn bad_credentials_stop_the_run_at_once() {
    let Some(v) = Virtuoso::start() else { return };
    let dir = tempfile::tempdir().unwrap();
    let mut config = v.config();
    config.password = Some("wrong".into());
    let clock = Instant::now();
    let mut p = Pipeline::new(generated(
        dir.path(),
        50,
        StoreTarget::Remote(config.clone()),
    ))
    .unwrap();
    let e = p.run(&options(&dir.path().join("reports"))).unwrap_err();
    let text = e.to_string();
    assert!(
        text.contains("401") && text.contains("CROSSWALK_REMOTE_PASSWORD"),
        "{text}"
    );
    assert!(clock.elapsed() < Duration::from_secs(10), "retried: {text}");

    // Without credentials the server refuses updates, and the message says what to set.
    let mut anonymous = RemoteConfig::new(v.graph_store_url(), v.query_url());
    anonymous.user = None;
    let store = RemoteStore::new(anonymous);
    let e = store.add_quads(&[oxrdf::Quad::new(
        oxrdf::NamedNode::new("https://gen.example.org/s").unwrap(),
        oxrdf::NamedNode::new("https://gen.example.org/p").unwrap(),
        oxrdf::Literal::from("o"),
        oxrdf::NamedNode::new("https://gen.example.org/g").unwrap(),
    )]);
    let text = e.unwrap_err().to_string();
    assert!(text.contains("CROSSWALK_REMOTE_USER"), "{text}");
}
