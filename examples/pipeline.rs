//! A Rust service pushing its own records through a collection's crosswalk into a store, then
//! asking the store a question.
//!
//! ```sh
//! cargo run --example pipeline
//! ```
//!
//! The configuration is written inline here; a service would load its own file with
//! `RunConfig::load`. `kind = "memory"` keeps the example self-contained; with `path = "…"` the
//! same code writes the on-disk store.

use std::path::Path;

use crosswalk::marc::{RecordBuf, Tag};
use crosswalk::run::{Pipeline, RunConfig};
use crosswalk::sparql::{answer, Format, Query, QueryOptions};
use crosswalk::Location;

const CONFIG: &str = r#"
[consortium]
name = "A service's own catalogue"
base = "https://service.example.org/"
reports = "target/pipeline-example-reports"

[store]
kind = "memory"

[[institution]]
id = "press"
name = "A university press"

[[collection]]
id = "new-titles"
institution = "press"
format = "marc"
files = ["examples/data/library/uva-200.mrc"]
crosswalk = "mappings/marc21-dcterms.toml"
rights = "http://rightsstatements.org/vocab/InC/1.0/"
"#;

fn record(id: &str, title: &str, subject: &str) -> RecordBuf {
    let mut rec = RecordBuf::new();
    let tag = |t: &str| Tag::parse(t).expect("a valid tag");
    rec.push_control_field(tag("001"), id);
    rec.push_control_field(tag("008"), "260101s2026    xx            000 0 eng d");
    rec.push_data_field(tag("245"), '1', '0');
    rec.push_subfield('a', title);
    rec.push_data_field(tag("650"), ' ', '0');
    rec.push_subfield('a', subject);
    rec
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Paths in the configuration are relative to its file: here, the crate's folder.
    let config = RunConfig::parse(CONFIG, Path::new("service.toml"))?;
    let mut pipeline = Pipeline::new(config)?;

    let records = [
        record("press-1", "Songs of the valley /", "Music"),
        record("press-2", "Work and wages /", "Labor"),
    ];
    let items = records.into_iter().map(|r| {
        let at = Location {
            file: Some("message-queue".into()),
            ..Location::default()
        };
        (r, at)
    });
    let summary = pipeline.write_records("new-titles", items)?;
    println!(
        "{} records: {} written, {} unchanged",
        summary.read, summary.written, summary.unchanged
    );

    let query = r#"
        PREFIX dcterms: <http://purl.org/dc/terms/>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?title ?subject WHERE {
          ?item dcterms:title ?title ; dcterms:subject ?s .
          ?s skos:prefLabel ?subject .
        } ORDER BY ?title"#;
    // The default graph of crosswalk's queries is the union of all graphs (docs/sparql.md).
    let query = Query::parse(query)?;
    let options = QueryOptions::default();
    let stdout = &mut std::io::stdout().lock();
    answer(
        pipeline
            .store()
            .embedded()
            .expect("an embedded store")
            .oxigraph(),
        &query,
        &options,
        Format::Table,
        stdout,
    )?;
    Ok(())
}
