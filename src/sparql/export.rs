//! Exports the store, one graph or one collection's graphs, in any [`GraphFormat`].
//!
//! The store keeps each record in a graph `{base}graph/{collection}/{record}` and its provenance
//! in a graph `{base}provenance/{collection}/{record}` that holds
//! `<record graph> dcterms:isPartOf <{base}collection/{collection}>`. A collection's graphs are
//! found from those provenance triples ([`collection_graphs`]).
//!
//! N-Quads and TriG keep graph names. The triple syntaxes (N-Triples, Turtle, RDF/XML, JSON-LD)
//! write the union of the selected graphs as triples: a triple that several selected graphs hold
//! is written once for each (RDF readers merge them).

use std::io::Write;

use oxigraph::model::{GraphNameRef, NamedNode, NamedNodeRef, NamedOrBlankNode, Term};
use oxigraph::store::{StorageError, Store};

use super::{GraphFormat, GraphWriter};

const DCTERMS_IS_PART_OF: &str = "http://purl.org/dc/terms/isPartOf";

/// What to export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// Every quad of the store.
    All,
    /// One named graph.
    Graph(NamedNode),
    /// The record graphs and provenance graphs of one collection (by its id).
    Collection(String),
}

/// Why an export stopped.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The store could not be read.
    #[error("reading the store: {0}")]
    Store(#[from] StorageError),
    /// The output could not be written.
    #[error("writing the export: {0}")]
    Io(#[from] std::io::Error),
    /// `--graph` names a graph the store does not have.
    #[error("the store has no graph <{0}>")]
    NoGraph(String),
    /// No provenance graph says a record graph is part of this collection.
    #[error(
        "the store has no collection {0:?}: no provenance graph holds \
         `<record graph> dcterms:isPartOf <…/collection/{0}>`"
    )]
    NoCollection(String),
}

/// What [`export`] wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Exported {
    /// Graphs exported (0 for [`Selection::All`]).
    pub graphs: usize,
    /// Quads (or triples) written.
    pub quads: u64,
}

/// The graphs of collection `id`: for each record, in IRI order, its record graph and then its
/// provenance graph. A provenance graph is one that holds `?g dcterms:isPartOf ?c` where `?g` is
/// a named graph of the store and `?c` an IRI ending in `/collection/{id}`.
pub fn collection_graphs(store: &Store, id: &str) -> Result<Vec<NamedNode>, ExportError> {
    let is_part_of = NamedNodeRef::new_unchecked(DCTERMS_IS_PART_OF);
    let suffix = format!("/collection/{id}");
    let mut pairs = Vec::new();
    for quad in store.quads_for_pattern(None, Some(is_part_of), None, None) {
        let quad = quad?;
        let (NamedOrBlankNode::NamedNode(record), Term::NamedNode(collection)) =
            (&quad.subject, &quad.object)
        else {
            continue;
        };
        let oxigraph::model::GraphName::NamedNode(provenance) = &quad.graph_name else {
            continue;
        };
        if collection.as_str().ends_with(&suffix)
            && provenance != record
            && store.contains_named_graph(record)?
        {
            pairs.push((record.clone(), provenance.clone()));
        }
    }
    pairs.sort();
    pairs.dedup();
    Ok(pairs.into_iter().flat_map(|(r, p)| [r, p]).collect())
}

/// Writes the selection to `out` in `format`.
pub fn export(
    store: &Store,
    selection: &Selection,
    format: GraphFormat,
    out: impl Write,
) -> Result<Exported, ExportError> {
    let graphs = match selection {
        Selection::All => None,
        Selection::Graph(graph) => {
            if !store.contains_named_graph(graph)? {
                return Err(ExportError::NoGraph(graph.as_str().to_string()));
            }
            Some(vec![graph.clone()])
        }
        Selection::Collection(id) => {
            let graphs = collection_graphs(store, id)?;
            if graphs.is_empty() {
                return Err(ExportError::NoCollection(id.clone()));
            }
            Some(graphs)
        }
    };
    let mut writer = GraphWriter::new(format, out)?;
    let mut exported = Exported::default();
    match &graphs {
        None => {
            for quad in store.iter() {
                writer.write_quad(quad?.as_ref())?;
                exported.quads += 1;
            }
        }
        Some(graphs) => {
            exported.graphs = graphs.len();
            for graph in graphs {
                let name = GraphNameRef::NamedNode(graph.as_ref());
                for quad in store.quads_for_pattern(None, None, None, Some(name)) {
                    writer.write_quad(quad?.as_ref())?;
                    exported.quads += 1;
                }
            }
        }
    }
    writer.finish()?;
    Ok(exported)
}
