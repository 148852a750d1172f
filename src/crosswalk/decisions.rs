//! Reviewers' decisions about reconciliation: a tab-separated file a librarian edits after
//! `crosswalk reconcile report`, applied by every `reconcile` transform before matching.
//!
//! ```text
//! # heading → scheme → decision → iri (→ is a tab)
//! Mercury → lcsh → accept → http://id.loc.gov/authorities/subjects/sh85083794
//! Cats → lcsh → reject → http://example.org/t/cats
//! Gardening, Organic → lcsh → map → http://id.loc.gov/authorities/subjects/sh85004850
//! ```
//!
//! A decision is keyed by the heading's normalised key (so every spelling that normalises the
//! same is covered) and a scheme (`*`: any). `accept` and `map` give that IRI; `reject` removes
//! that IRI from the candidates. See `docs/reconciliation.md` ("Review loop").

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use oxrdf::NamedNode;

use super::compile::MappingError;
use crate::authority::normalize::{trim_isbd, Heading};

/// What a reviewer decided about a heading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Take this IRI (usually one of the candidates).
    Accept,
    /// Never match this IRI for the heading.
    Reject,
    /// Use this other IRI.
    Map,
}

impl Verdict {
    /// `accept`, `reject` or `map`.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Accept => "accept",
            Verdict::Reject => "reject",
            Verdict::Map => "map",
        }
    }
}

/// One line of a decisions file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// The heading as written in the file.
    pub heading: String,
    /// The scheme short name (`*`: any).
    pub scheme: String,
    /// The decision.
    pub verdict: Verdict,
    /// The IRI accepted, rejected or mapped to.
    pub iri: String,
    /// Where it was written.
    pub file: PathBuf,
    /// 1-based line.
    pub line: usize,
}

impl Decision {
    /// Whether it applies to a transform reconciling against `schemes` (empty: any scheme).
    pub fn applies_to(&self, schemes: &[String]) -> bool {
        self.scheme == "*"
            || schemes.contains(&self.scheme)
            || (schemes.is_empty() && self.scheme == "any")
    }
}

/// Decisions by normalised heading key.
#[derive(Debug, Clone, Default)]
pub struct Decisions {
    by_key: HashMap<String, Vec<Decision>>,
}

/// The key decisions are filed under: the heading's normalised key.
pub fn decision_key(heading: &str) -> String {
    Heading::parse(trim_isbd(heading)).key()
}

impl Decisions {
    /// Reads a decisions file.
    pub fn load(path: impl AsRef<Path>) -> Result<Self, MappingError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| MappingError {
            file: path.to_path_buf(),
            line: 0,
            column: 0,
            message: format!("cannot read the decisions file: {e}"),
        })?;
        Self::parse(&text, path)
    }

    /// Parses the text of a decisions file (`path` for errors). Blank lines and lines starting
    /// with `#` are skipped, and so is a first line `heading<TAB>scheme<TAB>decision<TAB>iri`.
    pub fn parse(text: &str, path: &Path) -> Result<Self, MappingError> {
        let mut out = Decisions::default();
        for (i, raw) in text.lines().enumerate() {
            let line = i + 1;
            let err = |column: usize, message: String| MappingError {
                file: path.to_path_buf(),
                line,
                column,
                message,
            };
            let l = raw.trim_end_matches('\r');
            if l.trim().is_empty() || l.trim_start().starts_with('#') {
                continue;
            }
            let fields: Vec<&str> = l.split('\t').map(str::trim).collect();
            if line == 1 && fields.first() == Some(&"heading") {
                continue;
            }
            if fields.len() != 4 {
                return Err(err(
                    1,
                    format!(
                        "expected 4 tab-separated fields (heading, scheme, decision, iri), found {}",
                        fields.len()
                    ),
                ));
            }
            let column = |n: usize| {
                1 + l
                    .split('\t')
                    .take(n)
                    .map(|f| f.chars().count() + 1)
                    .sum::<usize>()
            };
            let (heading, scheme, verdict, iri) = (fields[0], fields[1], fields[2], fields[3]);
            let key = decision_key(heading);
            if key.is_empty() {
                return Err(err(1, "empty heading".into()));
            }
            let verdict = match verdict {
                "accept" => Verdict::Accept,
                "reject" => Verdict::Reject,
                "map" => Verdict::Map,
                other => {
                    return Err(err(
                        column(2),
                        format!("unknown decision {other:?}: accept, reject or map"),
                    ))
                }
            };
            if NamedNode::new(iri).is_err() {
                return Err(err(column(3), format!("{iri:?} is not an absolute IRI")));
            }
            let scheme = if scheme.is_empty() { "*" } else { scheme };
            let d = Decision {
                heading: heading.to_string(),
                scheme: scheme.to_string(),
                verdict,
                iri: iri.to_string(),
                file: path.to_path_buf(),
                line,
            };
            let list = out.by_key.entry(key).or_default();
            if verdict != Verdict::Reject {
                if let Some(prev) = list
                    .iter()
                    .find(|p| p.verdict != Verdict::Reject && p.scheme == d.scheme)
                {
                    return Err(err(
                        1,
                        format!(
                            "{heading:?} ({scheme}) is already decided at line {}",
                            prev.line
                        ),
                    ));
                }
            }
            list.push(d);
        }
        Ok(out)
    }

    /// Adds `other`'s decisions; its `accept` / `map` replace this one's for the same heading and
    /// scheme.
    pub fn merge(&mut self, other: Decisions) {
        for (key, ds) in other.by_key {
            let list = self.by_key.entry(key).or_default();
            for d in ds {
                if d.verdict != Verdict::Reject {
                    list.retain(|p| p.verdict == Verdict::Reject || p.scheme != d.scheme);
                }
                list.push(d);
            }
        }
    }

    /// The decisions about the heading with normalised key `key` that apply to a transform
    /// reconciling against `schemes`.
    pub fn about<'a>(
        &'a self,
        key: &str,
        schemes: &'a [String],
    ) -> impl Iterator<Item = &'a Decision> + 'a {
        self.by_key
            .get(key)
            .into_iter()
            .flatten()
            .filter(move |d| d.applies_to(schemes))
    }

    /// How many decisions there are.
    pub fn len(&self) -> usize {
        self.by_key.values().map(Vec::len).sum()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.by_key.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_keys_by_normalised_heading() {
        let d = Decisions::parse(
            "heading\tscheme\tdecision\tiri\n# c\n\nMercury.\tlcsh\taccept\thttp://x/1\nMERCURY\tlcsh\treject\thttp://x/2\n",
            Path::new("d.tsv"),
        )
        .unwrap();
        assert_eq!(d.len(), 2);
        let s = vec!["lcsh".to_string()];
        assert_eq!(d.about("mercury", &s).count(), 2);
        assert_eq!(d.about("mercury", &["gacs".to_string()]).count(), 0);
    }

    #[test]
    fn errors_are_located() {
        let e = Decisions::parse(
            "a\tlcsh\taccept\thttp://x/1\nb\tlcsh\tmaybe\thttp://x\n",
            Path::new("d.tsv"),
        )
        .unwrap_err();
        assert_eq!((e.line, e.column), (2, 8), "{e}");
        assert!(
            e.to_string()
                .starts_with("d.tsv:2:8: unknown decision \"maybe\""),
            "{e}"
        );
        let e = Decisions::parse("a\tlcsh\taccept\n", Path::new("d.tsv")).unwrap_err();
        assert_eq!(e.line, 1);
        let e = Decisions::parse("a\tlcsh\taccept\tnot an iri\n", Path::new("d.tsv")).unwrap_err();
        assert!(e.message.contains("not an absolute IRI"), "{e}");
        let e = Decisions::parse(
            "a\tlcsh\taccept\thttp://x/1\nA.\tlcsh\tmap\thttp://x/2\n",
            Path::new("d.tsv"),
        )
        .unwrap_err();
        assert!(e.message.contains("already decided at line 1"), "{e}");
    }
}
