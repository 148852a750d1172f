//! Parity with the Library of Congress MARC → Dublin Core crosswalk (MARC21slim2OAIDC.xsl).
//!
//! `$CROSSWALK_SHARED/oracle/loc-dc/` holds, per record, the (element, value) pairs LoC's
//! stylesheet produces. For every record there, we run `mappings/marc21-dcterms.toml` and count a
//! pair as found when the value appears in our output for that record:
//! - as a literal of `dc:X`, `dcterms:X`, or a DCMI sub-property of `dcterms:X`
//!   (`dcterms:issued` for `date`, `dcterms:spatial` for `coverage` …), or
//! - as the label (`foaf:name`, `skos:prefLabel`) of a resource we link under one of those,
//!
//! after whitespace normalisation and removal of trailing punctuation (`.,:;/` and spaces, as LoC's
//! own `chopPunctuation` does). LoC's creator and 655 type values take the whole field's text,
//! whose spacing depends on how the MARCXML was indented (see the oracle README): for those two
//! elements spaces are ignored. Empty LoC values (the stylesheet always writes `dc:type` and
//! `dc:language`) have nothing to find and are not counted. Target: ≥ 99 % of pairs.

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use crosswalk::crosswalk::{Mapping, RecordContext};
use crosswalk::marc::{iso2709, xml, RecordBuf};
use oxrdf::{NamedOrBlankNode, Term};
use unicode_normalization::UnicodeNormalization;

#[path = "support/shared.rs"]
mod support;
use support::shared;

const DC: &str = "http://purl.org/dc/elements/1.1/";
const DCT: &str = "http://purl.org/dc/terms/";

/// DCMI sub-properties we emit for each DC element.
fn predicates(element: &str) -> Vec<String> {
    let subs: &[&str] = match element {
        "title" => &["alternative"],
        "creator" => &["contributor"],
        "date" => &["issued", "created", "modified", "available"],
        "description" => &["abstract", "tableOfContents"],
        "coverage" => &["spatial", "temporal"],
        "relation" => &[
            "isPartOf",
            "hasPart",
            "isVersionOf",
            "isFormatOf",
            "hasFormat",
            "references",
        ],
        "rights" => &["accessRights", "license"],
        "format" => &["extent", "medium"],
        _ => &[],
    };
    let mut v = vec![format!("{DC}{element}"), format!("{DCT}{element}")];
    v.extend(subs.iter().map(|s| format!("{DCT}{s}")));
    v
}

fn normalize(value: &str, drop_spaces: bool) -> String {
    let nfc: String = value.nfc().collect();
    let mut out = nfc.split_whitespace().collect::<Vec<_>>().join(" ");
    while let Some(c) = out.chars().last() {
        if ".,:;/ ".contains(c) {
            out.pop();
        } else {
            break;
        }
    }
    if drop_spaces {
        out.retain(|c| !c.is_whitespace());
    }
    out
}

struct Row {
    record: usize,
    element: String,
    value: String,
}

fn rows(path: &Path) -> Vec<Row> {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .skip(1)
        .filter_map(|l| {
            let mut parts = l.splitn(3, '\t');
            Some(Row {
                record: parts.next()?.parse().ok()?,
                element: parts.next()?.to_string(),
                value: parts.next().unwrap_or("").to_string(),
            })
        })
        .collect()
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else if p.to_string_lossy().ends_with(".dc.tsv") {
            out.push(p);
        }
    }
}

/// The records of a corpus file in the oracle's numbering (`None` where we read no record).
fn records(input: &Path, binary: bool) -> Vec<Option<RecordBuf>> {
    let mut out = Vec::new();
    let f = BufReader::new(File::open(input).unwrap());
    if binary {
        let mut r = iso2709::ReaderBuilder::new().lenient(true).build(f);
        loop {
            let mut rec = RecordBuf::new();
            match r.read_record(&mut rec) {
                Ok(true) => out.push(Some(rec)),
                Ok(false) => break,
                Err(iso2709::Error::Record(_)) => out.push(None),
                Err(_) => break,
            }
        }
    } else {
        let mut r = xml::Reader::new(f).lenient(true);
        loop {
            let mut rec = RecordBuf::new();
            match r.read_record(&mut rec) {
                Ok(true) => out.push(Some(rec)),
                Ok(false) => break,
                Err(e) if !e.is_fatal() => out.push(None),
                Err(_) => break,
            }
        }
    }
    out
}

#[test]
fn loc_parity() {
    let Some(shared) = shared() else { return };
    let mapping: Mapping<RecordBuf> =
        Mapping::load(Path::new(env!("CARGO_MANIFEST_DIR")).join("mappings/marc21-dcterms.toml"))
            .expect("the shipped crosswalk loads");
    let oracle = shared.join("oracle/loc-dc");
    let mut tsvs = Vec::new();
    files(&oracle, &mut tsvs);
    tsvs.sort();
    let (mut total, mut found) = (0u64, 0u64);
    let mut by_element: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    let mut misses: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for tsv in &tsvs {
        let rel = tsv
            .strip_prefix(&oracle)
            .unwrap()
            .to_string_lossy()
            .to_string();
        if rel.ends_with(".nsfixed.dc.tsv") {
            continue;
        }
        let (binary, corpus_rel) = match rel.strip_prefix("marc-bin/") {
            Some(r) => (true, format!("marc-bin/{}", r.trim_end_matches(".dc.tsv"))),
            None => (false, rel.trim_end_matches(".dc.tsv").to_string()),
        };
        let input = shared.join("corpus").join(&corpus_rel);
        let recs = records(&input, binary);
        let mut by_record: HashMap<usize, Vec<Row>> = HashMap::new();
        for row in rows(tsv) {
            by_record.entry(row.record).or_default().push(row);
        }
        for (index, rows) in by_record {
            let out = recs.get(index).and_then(Option::as_ref).map(|rec| {
                mapping.apply(
                    rec,
                    &RecordContext {
                        collection: "parity".into(),
                        fallback_id: format!("r{index}"),
                        ..RecordContext::default()
                    },
                )
            });
            // predicate → normalised values (literals, and labels of linked resources).
            let mut labels: HashMap<String, Vec<String>> = HashMap::new();
            if let Some(out) = &out {
                for e in &out.triples {
                    if let Term::Literal(l) = &e.triple.object {
                        if [
                            "http://xmlns.com/foaf/0.1/name",
                            "http://www.w3.org/2004/02/skos/core#prefLabel",
                        ]
                        .contains(&e.triple.predicate.as_str())
                        {
                            if let NamedOrBlankNode::NamedNode(s) = &e.triple.subject {
                                labels
                                    .entry(s.as_str().to_string())
                                    .or_default()
                                    .push(l.value().to_string());
                            }
                        }
                    }
                }
            }
            for row in rows {
                if row.value.trim().is_empty() {
                    continue;
                }
                total += 1;
                let entry = by_element.entry(row.element.clone()).or_default();
                entry.0 += 1;
                let drop_spaces = row.element == "creator" || row.element == "type";
                let want = normalize(&row.value, drop_spaces);
                let preds = predicates(&row.element);
                let hit = out.as_ref().is_some_and(|out| {
                    out.triples.iter().any(|e| {
                        if !preds.iter().any(|p| p == e.triple.predicate.as_str()) {
                            return false;
                        }
                        match &e.triple.object {
                            Term::Literal(l) => normalize(l.value(), drop_spaces) == want,
                            Term::NamedNode(n) => labels.get(n.as_str()).is_some_and(|ls| {
                                ls.iter().any(|l| normalize(l, drop_spaces) == want)
                            }),
                            _ => false,
                        }
                    })
                });
                if hit {
                    found += 1;
                    entry.1 += 1;
                } else {
                    let class = if out.is_none() {
                        "record not read".to_string()
                    } else {
                        row.element.clone()
                    };
                    misses
                        .entry(class)
                        .or_default()
                        .push(format!("{corpus_rel} #{index}: {:?}", row.value));
                }
            }
        }
    }
    let pct = found as f64 * 100.0 / total.max(1) as f64;
    eprintln!("LoC parity: {found} of {total} (element, value) pairs found ({pct:.2} %)");
    for (el, (n, f)) in &by_element {
        eprintln!("  {el:<12} {f:>6} / {n:<6}");
    }
    for (class, list) in &misses {
        eprintln!("  missing {class}: {}", list.len());
        for m in list.iter().take(4) {
            eprintln!("    {m}");
        }
    }
    assert!(
        total > 40_000,
        "the oracle has about 48,000 non-empty pairs; found {total}"
    );
    assert!(pct >= 99.0, "parity {pct:.2} % is under 99 %");
}
