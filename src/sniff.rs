//! Recognising an input's syntax from its first bytes, whatever the file is called.

use std::fmt;
use std::io::{self, BufRead};

use quick_xml::events::Event;

/// The syntaxes crosswalk reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Syntax {
    /// Binary MARC (ISO 2709).
    Iso2709,
    /// MARCXML (MARC21 slim), bare, in a collection or in an OAI-PMH envelope.
    MarcXml,
    /// MARC-in-JSON (one object, an array, or newline-delimited).
    MarcJson,
    /// EAD 2002 or EAD3.
    Ead,
    /// Dublin Core (simple, qualified, OAI-PMH).
    Dc,
}

impl Syntax {
    /// The family the syntax belongs to: `marc`, `ead` or `dc`.
    pub fn format(self) -> &'static str {
        match self {
            Self::Iso2709 | Self::MarcXml | Self::MarcJson => "marc",
            Self::Ead => "ead",
            Self::Dc => "dc",
        }
    }

    /// Parses a name as the CLI accepts it (`iso2709`/`mrc`/`marc`, `marcxml`/`xml`, `json`,
    /// `ead`, `dc`).
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name.to_ascii_lowercase().as_str() {
            "iso2709" | "mrc" | "marc" | "binary" => Self::Iso2709,
            "marcxml" | "xml" => Self::MarcXml,
            "json" | "marc-json" | "marcjson" | "ndjson" => Self::MarcJson,
            "ead" => Self::Ead,
            "dc" | "oai" | "oai_dc" => Self::Dc,
            _ => return None,
        })
    }
}

impl fmt::Display for Syntax {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Iso2709 => "iso2709",
            Self::MarcXml => "marcxml",
            Self::MarcJson => "json",
            Self::Ead => "ead",
            Self::Dc => "dc",
        })
    }
}

const MARC_NS: &[u8] = b"http://www.loc.gov/MARC21/slim";

/// Looks at the buffered start of `input` (without consuming it) and says what it is.
///
/// ```
/// use crosswalk::sniff::{sniff, Syntax};
/// let mut r = std::io::BufReader::new(&b"<collection xmlns=\"http://www.loc.gov/MARC21/slim\"><record/></collection>"[..]);
/// assert_eq!(sniff(&mut r)?, Some(Syntax::MarcXml));
/// let mut r = std::io::BufReader::new(&b"00714cam a2200205 a 4500"[..]);
/// assert_eq!(sniff(&mut r)?, Some(Syntax::Iso2709));
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn sniff(input: &mut impl BufRead) -> io::Result<Option<Syntax>> {
    let head = input.fill_buf()?;
    Ok(sniff_bytes(head))
}

/// Like [`sniff`], over a byte slice holding the start of the input.
pub fn sniff_bytes(head: &[u8]) -> Option<Syntax> {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let start = head.iter().position(|b| !b.is_ascii_whitespace())?;
    let body = &head[start..];
    match body[0] {
        b'<' => sniff_xml(body),
        b'{' | b'[' => Some(Syntax::MarcJson),
        b'0'..=b'9' => Some(Syntax::Iso2709),
        _ => {
            // Damaged binary MARC often starts with a stray byte before the leader.
            let digits = body.iter().take(40).filter(|b| b.is_ascii_digit()).count();
            (digits >= 10 && body.contains(&0x1e)).then_some(Syntax::Iso2709)
        }
    }
}

fn sniff_xml(head: &[u8]) -> Option<Syntax> {
    let mut reader = quick_xml::Reader::from_reader(head);
    let mut buf = Vec::new();
    let mut saw_oai = false;
    // The OAI-PMH header has an <identifier> too: only what is inside <metadata> decides.
    let mut in_header = false;
    for _ in 0..10_000 {
        buf.clear();
        let ev = match reader.read_event_into(&mut buf) {
            Ok(ev) => ev,
            Err(_) => break,
        };
        match ev {
            Event::Start(e) | Event::Empty(e) => {
                let local = e.local_name();
                let name = local.as_ref();
                let in_marc_ns = e
                    .attributes()
                    .flatten()
                    .any(|a| a.value.as_ref() == MARC_NS)
                    || e.name().prefix().is_some_and(|p| p.as_ref() == b"marc");
                match name {
                    b"ead" => return Some(Syntax::Ead),
                    // A bare <record> in no namespace is decided by the elements that follow.
                    b"collection" | b"record" if name == b"collection" || in_marc_ns => {
                        return Some(Syntax::MarcXml)
                    }
                    b"leader" | b"controlfield" | b"datafield" => return Some(Syntax::MarcXml),
                    b"dc" | b"qualifieddc" | b"title" | b"creator" | b"subject" | b"identifier"
                        if !in_header =>
                    {
                        return Some(Syntax::Dc)
                    }
                    b"OAI-PMH" => saw_oai = true,
                    b"header" if saw_oai => in_header = true,
                    _ => {}
                }
            }
            Event::End(e) if e.local_name().as_ref() == b"header" => in_header = false,
            Event::Eof => break,
            _ => {}
        }
    }
    saw_oai.then_some(Syntax::Dc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_each_syntax() {
        let cases: &[(&str, Option<Syntax>)] = &[
            ("00714cam a2200205 a 4500", Some(Syntax::Iso2709)),
            ("\n  [{\"leader\":\"x\"}]", Some(Syntax::MarcJson)),
            ("<record><leader>x</leader></record>", Some(Syntax::MarcXml)),
            (
                "<OAI-PMH><ListRecords><record><header/><metadata><marc:record xmlns:marc=\"http://www.loc.gov/MARC21/slim\">",
                Some(Syntax::MarcXml),
            ),
            ("<?xml version=\"1.0\"?><!DOCTYPE ead SYSTEM \"ead.dtd\"><ead>", Some(Syntax::Ead)),
            (
                "<OAI-PMH><GetRecord><record><header/><metadata><ead xmlns=\"urn:isbn:1-931666-22-9\">",
                Some(Syntax::Ead),
            ),
            (
                "<OAI-PMH><ListRecords><record><header/><metadata><oai_dc:dc><dc:title>",
                Some(Syntax::Dc),
            ),
            (
                "<OAI-PMH><ListRecords><record><header><identifier>oai:x:1</identifier></header>\
                 <metadata><record xmlns=\"http://www.loc.gov/MARC21/slim\"><leader>",
                Some(Syntax::MarcXml),
            ),
            ("<OAI-PMH><Identify>", Some(Syntax::Dc)),
            ("hello", None),
            ("", None),
        ];
        for (text, want) in cases {
            assert_eq!(sniff_bytes(text.as_bytes()), *want, "{text}");
        }
    }
}
