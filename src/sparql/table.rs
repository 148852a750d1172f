//! Result sets as aligned text for people.

use std::io::{self, Write};

use oxigraph::model::{Term, Variable};

use super::split_prefixed;

const XSD: &str = "http://www.w3.org/2001/XMLSchema#";
const RDF_LANG_STRING: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString";

/// `prefix:local` for an IRI in one of the shipped [`prefixes`](super::prefixes) (the longest
/// namespace wins), or None.
pub fn abbreviate(iri: &str) -> Option<String> {
    split_prefixed(iri).map(|(name, local)| format!("{name}:{local}"))
}

/// A term as a person reads it: IRIs abbreviated (or in `<…>`), strings bare, language tags
/// after `@`, numbers and booleans bare, other datatypes after `^^`; line breaks and tabs
/// escaped.
pub fn display_term(term: &Term) -> String {
    let text = match term {
        Term::NamedNode(n) => abbreviate(n.as_str()).unwrap_or_else(|| format!("<{}>", n.as_str())),
        Term::BlankNode(b) => format!("_:{}", b.as_str()),
        Term::Literal(l) => {
            let datatype = l.datatype().as_str();
            if let Some(lang) = l.language() {
                format!("{}@{lang}", l.value())
            } else if datatype == RDF_LANG_STRING
                || datatype.strip_prefix(XSD).is_some_and(|local| {
                    matches!(
                        local,
                        "string" | "integer" | "decimal" | "double" | "boolean"
                    )
                })
            {
                l.value().to_string()
            } else {
                let datatype = abbreviate(datatype).unwrap_or_else(|| format!("<{datatype}>"));
                format!("{}^^{datatype}", l.value())
            }
        }
        #[allow(unreachable_patterns)]
        other => other.to_string(),
    };
    if text.contains(['\n', '\r', '\t']) {
        text.replace('\n', "\\n")
            .replace('\r', "\\r")
            .replace('\t', "\\t")
    } else {
        text
    }
}

/// Writes a header (the variable names), a rule, the rows and a count.
pub(crate) fn write(
    out: &mut dyn Write,
    variables: &[Variable],
    rows: &[Vec<Option<Term>>],
    truncated: bool,
    limit: Option<usize>,
) -> io::Result<()> {
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            row.iter()
                .map(|t| t.as_ref().map(display_term).unwrap_or_default())
                .collect()
        })
        .collect();
    let mut widths: Vec<usize> = variables
        .iter()
        .map(|v| v.as_str().chars().count())
        .collect();
    for row in &cells {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |out: &mut dyn Write, row: &mut dyn Iterator<Item = &str>| -> io::Result<()> {
        let mut text = String::new();
        for (i, (cell, width)) in row.zip(&widths).enumerate() {
            if i > 0 {
                text.push_str(" | ");
            }
            text.push_str(cell);
            if i + 1 < widths.len() {
                let pad = width - cell.chars().count();
                text.extend(std::iter::repeat_n(' ', pad));
            }
        }
        writeln!(out, "{}", text.trim_end())
    };
    line(out, &mut variables.iter().map(|v| v.as_str()))?;
    let rule: Vec<String> = widths.iter().map(|w| "-".repeat((*w).max(1))).collect();
    writeln!(out, "{}", rule.join("-+-"))?;
    for row in &cells {
        line(out, &mut row.iter().map(String::as_str))?;
    }
    let n = rows.len();
    let plural = if n == 1 { "" } else { "s" };
    match (truncated, limit) {
        (true, Some(limit)) => writeln!(out, "({n} row{plural}, stopped at the limit of {limit})"),
        _ => writeln!(out, "({n} row{plural})"),
    }
}
