//! N-Triples and N-Quads lines written straight into a byte buffer: the same bytes as oxrdf's
//! `Display` of a quad followed by ` .\n` (which is what `oxrdfio` writes for these two formats),
//! without going through `fmt` one character at a time.

use std::hash::Hasher;
use std::io::Write;

use oxrdf::{GraphNameRef, LiteralRef, NamedNode, NamedOrBlankNodeRef, TermRef, TripleRef};

use super::apply::{record_graph, Hashes, Provenance, TripleSink, WordHasher};

const XSD_STRING: &str = "http://www.w3.org/2001/XMLSchema#string";

/// A [`TripleSink`] that writes each record's triples as N-Triples lines (or N-Quads lines in
/// the record's graph, [`record_graph`]) into a buffer, without the duplicates of a record: a
/// line equal to an earlier one of the record is taken back.
#[derive(Debug, Default)]
pub struct Lines {
    /// The lines so far.
    pub buf: Vec<u8>,
    /// For N-Quads: the base and collection that name the records' graphs.
    quads: Option<(String, String)>,
    /// The current record's graph.
    graph: Option<NamedNode>,
    /// Hashes of the current record's lines.
    seen: Hashes,
    /// Where each of the current record's lines starts in `buf`, for telling a duplicate from
    /// a line with the same hash.
    starts: Vec<usize>,
}

impl Lines {
    /// N-Triples lines into `buf`.
    pub fn triples(buf: Vec<u8>) -> Self {
        Lines {
            buf,
            ..Lines::default()
        }
    }

    /// N-Quads lines into `buf`, each record's in its graph in `collection`.
    pub fn quads(buf: Vec<u8>, base: &str, collection: &str) -> Self {
        Lines {
            buf,
            quads: Some((base.to_string(), collection.to_string())),
            ..Lines::default()
        }
    }
}

impl TripleSink for Lines {
    fn start(&mut self, record_id: &str) {
        self.graph = match &self.quads {
            Some((base, collection)) => record_graph(base, collection, record_id),
            None => None,
        };
        self.seen.clear();
        self.starts.clear();
    }

    fn triple(&mut self, triple: TripleRef<'_>, _: Provenance) {
        let start = self.buf.len();
        let graph = match &self.graph {
            Some(g) => GraphNameRef::NamedNode(g.as_ref()),
            None => GraphNameRef::DefaultGraph,
        };
        write_line(&mut self.buf, triple, graph);
        let line = &self.buf[start..];
        let mut h = WordHasher::default();
        h.write(line);
        if !self.seen.insert(h.finish()) {
            let mut ends = self.starts.iter().skip(1).chain(std::iter::once(&start));
            let duplicate = self
                .starts
                .iter()
                .zip(&mut ends)
                .any(|(&a, &b)| &self.buf[a..b] == line);
            if duplicate {
                self.buf.truncate(start);
                return;
            }
        }
        self.starts.push(start);
    }
}

/// Appends one line: `S P O .` (default graph) or `S P O G .`.
pub fn write_line(out: &mut Vec<u8>, t: TripleRef<'_>, graph: GraphNameRef<'_>) {
    match t.subject {
        NamedOrBlankNodeRef::NamedNode(n) => iri(out, n.as_str()),
        s => {
            let _ = write!(out, "{s}");
        }
    }
    out.push(b' ');
    iri(out, t.predicate.as_str());
    out.push(b' ');
    match t.object {
        TermRef::NamedNode(n) => iri(out, n.as_str()),
        TermRef::Literal(l) => literal(out, l),
        o => {
            let _ = write!(out, "{o}");
        }
    }
    match graph {
        GraphNameRef::DefaultGraph => {}
        GraphNameRef::NamedNode(n) => {
            out.push(b' ');
            iri(out, n.as_str());
        }
        g => {
            let _ = write!(out, " {g}");
        }
    }
    out.extend_from_slice(b" .\n");
}

fn iri(out: &mut Vec<u8>, iri: &str) {
    out.push(b'<');
    out.extend_from_slice(iri.as_bytes());
    out.push(b'>');
}

fn literal(out: &mut Vec<u8>, l: LiteralRef<'_>) {
    if let Some(lang) = l.language() {
        quoted(out, l.value());
        out.push(b'@');
        out.extend_from_slice(lang.as_bytes());
        return;
    }
    quoted(out, l.value());
    let dt = l.datatype().as_str();
    if dt != XSD_STRING {
        out.extend_from_slice(b"^^");
        iri(out, dt);
    }
}

/// A quoted string escaped as oxrdf's `print_quoted_str` escapes it: `\b \t \n \f \r \" \\`,
/// other C0 controls, DEL, U+FFFE and U+FFFF as `\uXXXX`.
fn quoted(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    let bytes = s.as_bytes();
    if !bytes
        .iter()
        .fold(false, |found, &b| found | needs_escape(b))
    {
        // Nothing to escape (most values): one copy. The test looks at every byte without
        // stopping early, so that it runs on whole vectors.
        out.extend_from_slice(bytes);
        out.push(b'"');
        return;
    }
    // `start`: the first byte not written yet; `i`: the next byte that may need escaping.
    let mut start = 0;
    let mut i = 0;
    while let Some(k) = bytes[i..].iter().position(|&b| needs_escape(b)) {
        i += k;
        let b = bytes[i];
        let escape: Option<&[u8]> = match b {
            0x08 => Some(b"\\b"),
            b'\t' => Some(b"\\t"),
            b'\n' => Some(b"\\n"),
            0x0C => Some(b"\\f"),
            b'\r' => Some(b"\\r"),
            b'"' => Some(b"\\\""),
            b'\\' => Some(b"\\\\"),
            0x00..=0x1F | 0x7F => None,
            0xEF if matches!(bytes.get(i + 1..i + 3), Some([0xBF, 0xBE | 0xBF])) => None,
            _ => {
                i += 1;
                continue;
            }
        };
        out.extend_from_slice(&bytes[start..i]);
        match escape {
            Some(e) => {
                out.extend_from_slice(e);
                i += 1;
            }
            None if b == 0xEF => {
                let c = if bytes[i + 2] == 0xBE { "FFFE" } else { "FFFF" };
                let _ = write!(out, "\\u{c}");
                i += 3;
            }
            None => {
                let _ = write!(out, "\\u{:04X}", u32::from(b));
                i += 1;
            }
        }
        start = i;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// Whether `b` may need escaping: a C0 control, `"`, `\`, DEL, or the 0xEF that starts U+FFFE
/// and U+FFFF.
#[inline]
fn needs_escape(b: u8) -> bool {
    b < 0x20 || b == b'"' || b == b'\\' || b == 0x7F || b == 0xEF
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxrdf::{BlankNode, GraphName, Literal, NamedNode, Quad, Triple};

    /// Every line is byte for byte what oxrdf's `Display` gives.
    #[test]
    fn same_bytes_as_oxrdf() {
        let s = NamedNode::new_unchecked("https://example.org/a/b%20c");
        let p = NamedNode::new_unchecked("http://purl.org/dc/terms/title");
        let g = NamedNode::new_unchecked("https://example.org/graph/x");
        let tricky = "a \"q\" \\ \t\n\r\u{8}\u{c}\u{0}\u{1f}\u{7f} \u{fffe}\u{ffff}\u{fffd} 日本 é";
        let objects = [
            Literal::new_simple_literal(tricky).into(),
            Literal::new_language_tagged_literal(tricky, "ja-Jpan")
                .unwrap()
                .into(),
            Literal::new_typed_literal(
                "1984",
                NamedNode::new_unchecked("http://www.w3.org/2001/XMLSchema#gYear"),
            )
            .into(),
            Literal::new_typed_literal("x", NamedNode::new_unchecked(XSD_STRING)).into(),
            Literal::new_simple_literal("").into(),
            NamedNode::new_unchecked("http://id.loc.gov/x").into(),
            oxrdf::Term::from(BlankNode::new_unchecked("b0")),
        ];
        for o in objects {
            for graph in [GraphName::DefaultGraph, GraphName::NamedNode(g.clone())] {
                let t = Triple::new(s.clone(), p.clone(), o.clone());
                let q = Quad::new(s.clone(), p.clone(), o.clone(), graph.clone());
                let mut out = Vec::new();
                write_line(&mut out, t.as_ref(), graph.as_ref());
                assert_eq!(String::from_utf8(out).unwrap(), format!("{q} .\n"));
            }
        }
        // Escapes at every offset of a longer value (the eight-byte steps).
        for k in 0..20 {
            let mut v = "abcdefghijklmnopqrstuvwxyz".repeat(2);
            v.insert_str(
                k,
                ["\"", "\\", "\n", "\u{7f}", "\u{ffff}", "é", "\u{1}"][k % 7],
            );
            let o = Literal::new_simple_literal(v);
            let t = Triple::new(s.clone(), p.clone(), o.clone());
            let mut out = Vec::new();
            write_line(&mut out, t.as_ref(), GraphNameRef::DefaultGraph);
            assert_eq!(String::from_utf8(out).unwrap(), format!("{t} .\n"));
        }
        for b in 0..=255u8 {
            let expected = b < 0x20 || b == b'"' || b == b'\\' || b == 0x7F || b == 0xEF;
            assert_eq!(needs_escape(b), expected, "{b:#x}");
        }
        let t = Triple::new(BlankNode::new_unchecked("s1"), p, s);
        let mut out = Vec::new();
        write_line(&mut out, t.as_ref(), GraphNameRef::DefaultGraph);
        assert_eq!(String::from_utf8(out).unwrap(), format!("{t} .\n"));
    }
}
