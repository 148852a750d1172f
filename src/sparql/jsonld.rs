//! JSON-LD compacted against the shipped context ([`CONTEXT`](super::CONTEXT)), streamed.
//!
//! The context declares prefixes only, so compaction against it amounts to: every IRI in a
//! namespace of the context becomes a compact IRI (`dcterms:title`), `rdf:type` becomes `@type`,
//! plain strings become JSON strings, other literals value objects with `@language` or a
//! compacted `@type`, and a key with one value loses its array (the JSON-LD API's
//! `compactArrays`). The document is
//!
//! ```text
//! { "@context": { …the shipped prefixes… }, "@graph": [ { "@id": …, … }, … ] }
//! ```
//!
//! with one node object per run of triples with the same subject: triples are written as they
//! come, without gathering a whole graph in memory, so a subject whose triples are not
//! consecutive gets more than one node object (JSON-LD merges them when reading). Triples that
//! are the same within one node object are written once.
//!
//! Neither sophia's JSON-LD serializer (0.9 and 0.10 write expanded JSON-LD; compaction is left
//! to do in their code) nor oxrdfio's (it declares prefixes but writes full IRIs) compacts, hence
//! this writer.

use std::io::{self, Write};

use oxigraph::model::{NamedOrBlankNodeRef, TermRef, TripleRef};

use super::{prefixes, split_prefixed};

const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
const XSD_STRING: &str = "http://www.w3.org/2001/XMLSchema#string";

/// The compact IRI of `iri` (`prefix:suffix`, the longest namespace of the context), or the IRI
/// itself. A suffix that is empty or starts with `//` is not compacted (JSON-LD would not read it
/// back as the same IRI).
pub fn compact_iri(iri: &str) -> String {
    split_prefixed(iri).map_or_else(
        || iri.to_string(),
        |(name, local)| format!("{name}:{local}"),
    )
}

/// One node object being gathered: the subject, `@type` values and properties in the order
/// they came, values already rendered as JSON.
struct Node {
    id: String,
    types: Vec<String>,
    properties: Vec<(String, Vec<String>)>,
}

/// Streams triples as compacted JSON-LD.
pub struct JsonLdWriter<W: Write> {
    out: W,
    node: Option<Node>,
    nodes: usize,
}

impl<W: Write> JsonLdWriter<W> {
    /// Writes the start of the document (the context) to `out`.
    pub fn new(mut out: W) -> io::Result<Self> {
        out.write_all(b"{\n  \"@context\": {")?;
        for (i, (name, iri)) in prefixes().iter().enumerate() {
            let comma = if i == 0 { "" } else { "," };
            write!(out, "{comma}\n    {}: {}", json(name), json(iri))?;
        }
        out.write_all(b"\n  },\n  \"@graph\": [")?;
        Ok(Self {
            out,
            node: None,
            nodes: 0,
        })
    }

    /// Adds one triple.
    pub fn write_triple(&mut self, triple: TripleRef<'_>) -> io::Result<()> {
        let id = match triple.subject {
            NamedOrBlankNodeRef::NamedNode(n) => compact_iri(n.as_str()),
            NamedOrBlankNodeRef::BlankNode(b) => format!("_:{}", b.as_str()),
        };
        if self.node.as_ref().is_none_or(|node| node.id != id) {
            self.flush_node()?;
            self.node = Some(Node {
                id,
                types: Vec::new(),
                properties: Vec::new(),
            });
        }
        let node = self.node.as_mut().expect("set above");
        if triple.predicate.as_str() == RDF_TYPE {
            if let TermRef::NamedNode(class) = triple.object {
                let class = json(&compact_iri(class.as_str()));
                if !node.types.contains(&class) {
                    node.types.push(class);
                }
                return Ok(());
            }
        }
        let key = compact_iri(triple.predicate.as_str());
        let value = value(triple.object);
        match node.properties.iter_mut().find(|(k, _)| *k == key) {
            Some((_, values)) => {
                if !values.contains(&value) {
                    values.push(value);
                }
            }
            None => node.properties.push((key, vec![value])),
        }
        Ok(())
    }

    fn flush_node(&mut self) -> io::Result<()> {
        let Some(node) = self.node.take() else {
            return Ok(());
        };
        let comma = if self.nodes == 0 { "" } else { "," };
        self.nodes += 1;
        write!(
            self.out,
            "{comma}\n    {{\n      \"@id\": {}",
            json(&node.id)
        )?;
        if !node.types.is_empty() {
            write!(self.out, ",\n      \"@type\": {}", list(&node.types))?;
        }
        for (key, values) in &node.properties {
            write!(self.out, ",\n      {}: {}", json(key), list(values))?;
        }
        self.out.write_all(b"\n    }")
    }

    /// Writes the end of the document and returns the output.
    pub fn finish(mut self) -> io::Result<W> {
        self.flush_node()?;
        if self.nodes == 0 {
            self.out.write_all(b"]\n}\n")?;
        } else {
            self.out.write_all(b"\n  ]\n}\n")?;
        }
        Ok(self.out)
    }
}

/// A JSON string.
fn json(s: &str) -> String {
    serde_json::Value::from(s).to_string()
}

/// One value, or an array of several.
fn list(values: &[String]) -> String {
    match values {
        [one] => one.clone(),
        _ => format!("[{}]", values.join(", ")),
    }
}

/// A term as a JSON-LD value.
fn value(term: TermRef<'_>) -> String {
    match term {
        TermRef::NamedNode(n) => format!("{{\"@id\": {}}}", json(&compact_iri(n.as_str()))),
        TermRef::BlankNode(b) => format!("{{\"@id\": {}}}", json(&format!("_:{}", b.as_str()))),
        TermRef::Literal(l) => {
            if let Some(lang) = l.language() {
                format!(
                    "{{\"@value\": {}, \"@language\": {}}}",
                    json(l.value()),
                    json(lang)
                )
            } else if l.datatype().as_str() == XSD_STRING {
                json(l.value())
            } else {
                format!(
                    "{{\"@value\": {}, \"@type\": {}}}",
                    json(l.value()),
                    json(&compact_iri(l.datatype().as_str()))
                )
            }
        }
        #[allow(unreachable_patterns)]
        other => json(&other.to_string()),
    }
}
