//! Test, explain, coverage: what a metadata librarian needs to trust a crosswalk.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::io::Cursor;

use oxrdf::Triple;
use oxrdfio::{RdfFormat, RdfParser};

use super::apply::{Provenance, RecordContext, RecordOutput};
use super::compile::Mapping;
use super::source::{Item, Source};
use crate::select::Selectable;

/// The outcome of one `[[example]]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExampleResult {
    /// The example's name.
    pub name: String,
    /// Expected triples the mapping did not produce (N-Triples).
    pub missing: Vec<String>,
    /// Produced triples the example did not expect (only for `complete = true`).
    pub unexpected: Vec<String>,
    /// Problems: the input could not be read, the expectation is not Turtle, a rule failed.
    pub problems: Vec<String>,
}

impl ExampleResult {
    /// True when nothing is missing, unexpected or wrong.
    pub fn passed(&self) -> bool {
        self.missing.is_empty() && self.unexpected.is_empty() && self.problems.is_empty()
    }
}

impl<R: Source> Mapping<R> {
    /// Runs the examples written in the mapping file.
    pub fn run_examples(&self) -> Vec<ExampleResult> {
        self.examples
            .iter()
            .map(|ex| {
                let mut result = ExampleResult {
                    name: ex.name.clone(),
                    missing: Vec::new(),
                    unexpected: Vec::new(),
                    problems: Vec::new(),
                };
                let mut produced: HashSet<Triple> = HashSet::new();
                let mut n = 0;
                R::read_all(Cursor::new(ex.input.as_bytes()), "example", &mut |item| {
                    match item {
                        Item::Record(rec, location) => {
                            n += 1;
                            let ctx = RecordContext {
                                collection: "example".into(),
                                fallback_id: format!("example-{n}"),
                                location,
                            };
                            let out = self.apply(&rec, &ctx);
                            result
                                .problems
                                .extend(out.diagnostics.iter().map(|d| d.to_string()));
                            produced.extend(out.triples.into_iter().map(|e| e.triple));
                        }
                        Item::Problem { message, .. } => result.problems.push(message),
                        Item::Deleted(..) => {}
                    }
                    true
                });
                if n == 0 && result.problems.is_empty() {
                    result.problems.push("the input holds no record".into());
                }
                let mut turtle = String::new();
                for (p, ns) in &self.prefixes {
                    turtle.push_str(&format!("@prefix {p}: <{ns}> .\n"));
                }
                turtle.push_str(&format!("@prefix base: <{}> .\n", self.base));
                turtle.push_str(&ex.expect);
                let mut expected: HashSet<Triple> = HashSet::new();
                for q in RdfParser::from_format(RdfFormat::Turtle).for_reader(turtle.as_bytes()) {
                    match q {
                        Ok(q) => {
                            expected.insert(Triple::from(q));
                        }
                        Err(e) => {
                            result
                                .problems
                                .push(format!("expect is not valid Turtle: {e}"));
                            break;
                        }
                    }
                }
                result.missing = sorted(expected.difference(&produced));
                if ex.complete {
                    result.unexpected = sorted(produced.difference(&expected));
                }
                result
            })
            .collect()
    }

    /// One line per output triple of `record`: the triple (N-Triples) and where it came from
    /// (resource block, rule, source field or element and occurrence).
    pub fn explain(&self, record: &R, out: &RecordOutput) -> Vec<(String, String)> {
        out.triples
            .iter()
            .map(|e| {
                let why = match e.provenance {
                    Provenance::Type { resource } => {
                        format!("{} type", self.resources[resource].name)
                    }
                    Provenance::Link { resource, link } => {
                        let l = &self.resources[resource].links[link];
                        format!(
                            "{} link from {}",
                            self.resources[resource].name, self.resources[l.from].name
                        )
                    }
                    Provenance::Rule {
                        resource,
                        rule,
                        origin,
                    } => {
                        let r = &self.resources[resource];
                        let from = origin
                            .map(|(s, p)| format!(" ← {}", record.origin(s, p)))
                            .unwrap_or_else(|| " ← constant".into());
                        format!("{} rule {:?}{from}", r.name, r.rules[rule].name)
                    }
                };
                (format!("{} .", e.triple), why)
            })
            .collect()
    }
}

fn sorted<'a>(triples: impl Iterator<Item = &'a Triple>) -> Vec<String> {
    let mut v: Vec<String> = triples.map(|t| format!("{t} .")).collect();
    v.sort();
    v
}

/// Counts of source items no rule selected, over many records: `mapping coverage`.
#[derive(Debug, Default, Clone)]
pub struct Coverage {
    /// Records seen.
    pub records: u64,
    /// Per item key: (occurrences in the input, occurrences selected by some rule).
    pub items: BTreeMap<String, (u64, u64)>,
}

impl Coverage {
    /// Adds one record and what the mapping selected in it.
    pub fn add<R: Selectable>(&mut self, record: &R, out: &RecordOutput) {
        self.records += 1;
        record.inventory(&mut |k| self.items.entry(k.to_string()).or_default().0 += 1);
        let mut seen = BTreeSet::new();
        for (scope, part) in &out.selected {
            if seen.insert((*scope, *part)) {
                let key = coverage_key(&record.origin(*scope, *part).to_string());
                if let Some(e) = self.items.get_mut(&key) {
                    e.1 += 1;
                }
            }
        }
    }

    /// Items present in the input that no rule selected, most frequent first:
    /// (key, occurrences never selected, occurrences in all).
    pub fn unselected(&self) -> Vec<(&str, u64, u64)> {
        let mut v: Vec<(&str, u64, u64)> = self
            .items
            .iter()
            .filter(|(_, (n, s))| s < n)
            .map(|(k, (n, s))| (k.as_str(), n - s, *n))
            .collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        v
    }
}

/// The inventory key of an origin: occurrence numbers and character ranges removed
/// (`700[2]$e[0]` → `700$e`, `did[0]/unitdate[0]@normal` → `did/unitdate/@normal`).
pub fn coverage_key(origin: &str) -> String {
    let mut out = String::with_capacity(origin.len());
    let mut chars = origin.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '[' => {
                for d in chars.by_ref() {
                    if d == ']' {
                        break;
                    }
                }
            }
            '@' if !out.ends_with('/') && !out.is_empty() => {
                out.push('/');
                out.push('@');
            }
            _ => out.push(c),
        }
    }
    // The record element itself is `.` in origins but has no name in inventory keys.
    if let Some(rest) = out.strip_prefix("./") {
        out = rest.to_string();
    } else if out == "." {
        out.clear();
    }
    // A MARC character range (`008/35-37`, `LDR/06`) or `/text()` is not an item of its own.
    if let Some(i) = out.rfind('/') {
        let tail = &out[i + 1..];
        if tail == "text()"
            || (!tail.is_empty()
                && tail
                    .chars()
                    .all(|c| c.is_ascii_digit() || c == '-' || c == '#'))
        {
            out.truncate(i);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::coverage_key;

    #[test]
    fn keys_from_origins() {
        assert_eq!(coverage_key("700[2]$e[0]"), "700$e");
        assert_eq!(coverage_key("008[0]/35-37"), "008");
        assert_eq!(
            coverage_key("did[0]/unitdate[0]@normal"),
            "did/unitdate/@normal"
        );
        assert_eq!(coverage_key("header[0]/setSpec[1]"), "header/setSpec");
        assert_eq!(coverage_key("title[1]/text()"), "title");
        assert_eq!(coverage_key(".@level"), "@level");
    }
}
