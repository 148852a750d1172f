//! The example consortium (`examples/consortium.toml`) into an on-disk store: the example queries
//! find the items of all three institutions for the shared subject and the shared person
//! (`examples/queries/README.md`).

use std::collections::BTreeSet;
use std::path::Path;

use crosswalk::run::{Pipeline, RunConfig, RunOptions};
use crosswalk::store::Store;

#[path = "support/sparql.rs"]
mod sparql;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn query(name: &str) -> String {
    std::fs::read_to_string(Path::new(ROOT).join("examples/queries").join(name)).unwrap()
}

/// (institution name, collection, item) of each row; the first three columns of both queries.
fn rows(store: &Store, q: &str) -> Vec<(String, String, String)> {
    sparql::select(store, q)
        .into_iter()
        .map(|r| (r[0].clone(), r[1].clone(), r[2].clone()))
        .collect()
}

fn institutions(rows: &[(String, String, String)]) -> BTreeSet<&str> {
    rows.iter().map(|r| r.0.as_str()).collect()
}

#[test]
fn the_example_consortium_meets_across_three_institutions() {
    let dir = tempfile::tempdir().unwrap();
    let config = RunConfig::load(Path::new(ROOT).join("examples/consortium.toml")).unwrap();
    let store = Store::open(dir.path().join("store")).unwrap();
    let mut pipeline = Pipeline::with_store(config, store).unwrap();
    let summary = pipeline
        .run(&RunOptions {
            reports: Some(dir.path().join("reports")),
            ..RunOptions::default()
        })
        .unwrap();
    let total = summary.total();
    assert_eq!(summary.exit_code(), 0, "{}", summary.to_text());
    assert_eq!(total.read, total.written, "{}", summary.to_text());
    assert_eq!(summary.collections.len(), 4);
    let store = pipeline.store().embedded().unwrap();

    let all = [
        "\"Bentley Historical Library, University of Michigan\"",
        "\"Example Digital Hub (fictional aggregator)\"",
        "\"University of Virginia Library\"",
    ];
    let subject = rows(store, &query("items-about-subject.rq"));
    assert_eq!(institutions(&subject), BTreeSet::from(all), "{subject:#?}");
    let items: BTreeSet<&str> = subject.iter().map(|r| r.2.as_str()).collect();
    for item in [
        "<https://w3id.org/crosswalk/uva-catalogue/u130>",
        "<https://w3id.org/crosswalk/bhl-finding-aids/umich-bhl-851981>",
    ] {
        assert!(items.contains(item), "{item} not in {items:#?}");
    }
    assert_eq!(subject.len(), 10, "{subject:#?}");

    let person = rows(store, &query("person.rq"));
    assert_eq!(institutions(&person), BTreeSet::from(all), "{person:#?}");
    assert!(
        person
            .iter()
            .any(|r| r.2 == "<https://w3id.org/crosswalk/uva-catalogue/u2038>"),
        "{person:#?}"
    );
    assert_eq!(person.len(), 5, "{person:#?}");

    // Every record was written by this run, and a rerun writes nothing.
    let changed = sparql::select(store, &query("changed-in-last-run.rq"));
    assert_eq!(changed.len() as u64, total.written, "{}", changed.len());
    let again = pipeline
        .run(&RunOptions {
            reports: Some(dir.path().join("reports")),
            ..RunOptions::default()
        })
        .unwrap();
    assert!(!again.changed, "{}", again.to_text());
}
