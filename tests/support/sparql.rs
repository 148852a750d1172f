//! SPARQL over a store for the store tests (included with
//! `#[path = "support/sparql.rs"] mod sparql;`).
#![allow(dead_code)]

use crosswalk::store::Store;
use oxigraph::sparql::{QueryResults, SparqlEvaluator};

/// The rows of a SELECT query, each value in N-Triples syntax (unbound: empty string).
pub fn select(store: &Store, query: &str) -> Vec<Vec<String>> {
    let results = SparqlEvaluator::new()
        .parse_query(query)
        .unwrap_or_else(|e| panic!("{e}: {query}"))
        .on_store(store.oxigraph())
        .execute()
        .unwrap();
    let QueryResults::Solutions(rows) = results else {
        panic!("not a SELECT query: {query}")
    };
    rows.map(|row| {
        row.unwrap()
            .values()
            .iter()
            .map(|v| v.as_ref().map(ToString::to_string).unwrap_or_default())
            .collect()
    })
    .collect()
}
