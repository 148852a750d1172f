//! The review loop of reconciliation: `crosswalk reconcile report` lists what the `reconcile`
//! transforms found; a decisions file (accept / reject / map) changes exactly the decided
//! headings on the next run.

use std::collections::{BTreeSet, HashSet};
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crosswalk::crosswalk::reconcile::Status;
use crosswalk::crosswalk::{Item, Mapping, RecordContext, RecordOutput, Source};
use crosswalk::dc;
use oxrdf::{Term, Triple};

const THESAURUS: &str = r#"@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix t: <http://example.org/t/> .
t:cats skos:prefLabel "Cats"@en .
t:m1 skos:prefLabel "Mercury"@en ; skos:definition "the planet" .
t:m2 skos:prefLabel "Mercury"@en ; skos:definition "the element" .
t:ww2 skos:prefLabel "World War, 1939-1945"@en .
"#;

/// Three records: Mercury (ambiguous) ×2, Dogs (unmatched) ×2, Fish (unmatched) ×1, Cats and
/// World War (matched).
const RECORDS: &str = r#"<records xmlns:dc="http://purl.org/dc/elements/1.1/">
  <dc><dc:identifier>r1</dc:identifier><dc:subject>Mercury</dc:subject><dc:subject>Cats.</dc:subject><dc:subject>World War, 1939-1945</dc:subject></dc>
  <dc><dc:identifier>r2</dc:identifier><dc:subject>MERCURY.</dc:subject><dc:subject>Dogs</dc:subject></dc>
  <dc><dc:identifier>r3</dc:identifier><dc:subject>dogs</dc:subject><dc:subject>Fish</dc:subject><dc:subject>cats</dc:subject></dc>
</records>
"#;

const DECISIONS: &str = "heading\tscheme\tdecision\tiri
# reviewed 2024-05
mercury\tthes\taccept\thttp://example.org/t/m1
Cats\tthes\treject\thttp://example.org/t/cats
Dogs.\tthes\tmap\thttp://example.org/other/dogs
";

const M1: &str = "http://example.org/t/m1";
const CATS: &str = "http://example.org/t/cats";
const DOGS: &str = "http://example.org/other/dogs";
const WW2: &str = "http://example.org/t/ww2";

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("crosswalk-review-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Writes the thesaurus, the records, the decisions and two mappings (`plain.toml` without
/// decisions, `decided.toml` with `[crosswalk] decisions`) into a fresh folder.
fn setup(name: &str) -> PathBuf {
    let dir = temp_dir(name);
    std::fs::write(dir.join("thesaurus.ttl"), THESAURUS).unwrap();
    std::fs::write(dir.join("records.xml"), RECORDS).unwrap();
    std::fs::write(dir.join("decisions.tsv"), DECISIONS).unwrap();
    for (file, header) in [
        ("plain.toml", ""),
        ("decided.toml", "decisions = \"decisions.tsv\"\n"),
    ] {
        let text = format!(
            r#"[crosswalk]
name = "t"
format = "dc"
base = "https://example.org/"
{header}
[vocabularies]
thes = "thesaurus.ttl"

[[resource]]
name = "item"
iri = "{{base}}{{record}}"

[[resource.rule]]
name = "subjects"
select = "subject"
transforms = [{{ reconcile = ["thes"] }}]
predicate = "dcterms:subject"
iri = "{{value}}"
"#
        );
        std::fs::write(dir.join(file), text).unwrap();
    }
    dir
}

fn run(mapping: &Mapping<dc::Record>) -> Vec<RecordOutput> {
    let mut outs = Vec::new();
    dc::Record::read_all(
        Cursor::new(RECORDS.as_bytes()),
        "records.xml",
        &mut |item| {
            if let Item::Record(rec, location) = item {
                outs.push(mapping.apply(
                    &rec,
                    &RecordContext {
                        collection: "c".into(),
                        fallback_id: "r".into(),
                        location,
                    },
                ));
            }
            true
        },
    );
    assert_eq!(outs.len(), 3);
    outs
}

fn triples(outs: &[RecordOutput]) -> HashSet<Triple> {
    outs.iter()
        .flat_map(|o| &o.triples)
        .map(|e| e.triple.clone())
        .collect()
}

/// The IRI the `reconcile` transform gave a heading (by normalised key).
fn outcome(outs: &[RecordOutput], key: &str) -> String {
    let found: BTreeSet<String> = outs
        .iter()
        .flat_map(|o| &o.reconciliations)
        .filter(|r| r.result.key == key)
        .filter_map(|r| r.result.output.clone())
        .collect();
    assert_eq!(found.len(), 1, "{key}: {found:?}");
    found.into_iter().next().unwrap()
}

fn mentions(t: &Triple, iris: &BTreeSet<String>) -> bool {
    let s = match &t.subject {
        oxrdf::NamedOrBlankNode::NamedNode(n) => iris.contains(n.as_str()),
        _ => false,
    };
    let o = match &t.object {
        Term::NamedNode(n) => iris.contains(n.as_str()),
        _ => false,
    };
    s || o
}

#[test]
fn engine_exposes_reconciliations() {
    let dir = setup("engine");
    let m: Mapping<dc::Record> = Mapping::load(dir.join("plain.toml")).unwrap();
    let outs = run(&m);
    let r1 = &outs[0].reconciliations;
    assert_eq!(r1.len(), 3);
    assert_eq!(r1[0].result.status, Status::Ambiguous);
    assert_eq!(r1[0].result.candidates.len(), 2);
    assert_eq!(r1[0].schemes, ["thes"]);
    assert_eq!(r1[0].rule, "subjects");
    assert_eq!(r1[1].result.status, Status::Matched);
    assert_eq!(r1[1].result.output.as_deref(), Some(CATS));
}

#[test]
fn decisions_change_exactly_the_decided_headings() {
    let dir = setup("rerun");
    let before_m: Mapping<dc::Record> = Mapping::load(dir.join("plain.toml")).unwrap();
    let after_m: Mapping<dc::Record> = Mapping::load(dir.join("decided.toml")).unwrap();
    assert_eq!(after_m.decisions().map(|d| d.len()), Some(3));
    let before = run(&before_m);
    let after = run(&after_m);

    // The decided headings changed as decided …
    let (mercury0, mercury1) = (outcome(&before, "mercury"), outcome(&after, "mercury"));
    assert!(mercury0.starts_with("https://example.org/concept/thes/"));
    assert_eq!(mercury1, M1);
    let (cats0, cats1) = (outcome(&before, "cats"), outcome(&after, "cats"));
    assert_eq!(cats0, CATS);
    assert!(cats1.starts_with("https://example.org/concept/thes/"));
    let (dogs0, dogs1) = (outcome(&before, "dogs"), outcome(&after, "dogs"));
    assert!(dogs0.starts_with("https://example.org/concept/thes/"));
    assert_eq!(dogs1, DOGS);
    // … the others did not …
    assert_eq!(outcome(&before, "fish"), outcome(&after, "fish"));
    assert_eq!(outcome(&after, "world war, 1939 1945"), WW2);

    // … and the two outputs differ only in triples about the decided headings.
    let decided: BTreeSet<String> = [mercury0, mercury1, cats0, cats1.clone(), dogs0, dogs1]
        .into_iter()
        .collect();
    let (a, b) = (triples(&before), triples(&after));
    let changed: Vec<&Triple> = a.symmetric_difference(&b).collect();
    assert!(!changed.is_empty());
    for t in &changed {
        assert!(
            mentions(t, &decided),
            "changed, not about a decided heading: {t}"
        );
    }
    // Every triple that mentions an undecided heading is the same.
    let undecided: BTreeSet<String> = [outcome(&before, "fish"), WW2.to_string()].into();
    let about = |s: &HashSet<Triple>| -> HashSet<Triple> {
        s.iter()
            .filter(|t| mentions(t, &undecided))
            .cloned()
            .collect()
    };
    assert_eq!(about(&a), about(&b));

    // The rejection is recorded on the local concept, and the decision in the report data.
    let different = format!("<{cats1}> <http://www.w3.org/2002/07/owl#differentFrom> <{CATS}>");
    assert!(b.iter().any(|t| t.to_string() == different), "{b:#?}");
    let r = after
        .iter()
        .flat_map(|o| &o.reconciliations)
        .find(|r| r.result.key == "mercury")
        .unwrap();
    assert_eq!(r.result.method.map(|(m, _)| m.as_str()), Some("decision"));
    assert_eq!(r.result.decision.map(|d| d.as_str()), Some("accept"));
    // No ambiguity warning for a decided heading.
    assert!(after
        .iter()
        .flat_map(|o| &o.diagnostics)
        .all(|d| d.kind != "ambiguous-heading"));
}

#[test]
fn malformed_decisions_are_located_at_load() {
    let dir = setup("bad");
    std::fs::write(
        dir.join("decisions.tsv"),
        "Mercury\tthes\taccept\thttp://example.org/t/m1\nDogs\tthes\tperhaps\thttp://x.org/d\n",
    )
    .unwrap();
    let e = Mapping::<dc::Record>::load(dir.join("decided.toml")).unwrap_err();
    assert!(e.file.ends_with("decisions.tsv"), "{e}");
    assert_eq!(e.line, 2, "{e}");
    assert!(e.message.contains("unknown decision \"perhaps\""), "{e}");
}

fn crosswalk(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_crosswalk"))
        .args(args)
        .output()
        .unwrap()
}

fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

#[test]
fn cli_report_json() {
    let dir = setup("json");
    let out = crosswalk(&[
        "reconcile",
        "report",
        "--mapping",
        p(&dir.join("plain.toml")),
        "--collection",
        "c1",
        "--format",
        "json",
        p(&dir.join("records.xml")),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = rows.as_array().unwrap();
    let summary: Vec<(String, String, u64)> = rows
        .iter()
        .map(|r| {
            (
                r["status"].as_str().unwrap().to_string(),
                r["key"].as_str().unwrap().to_string(),
                r["count"].as_u64().unwrap(),
            )
        })
        .collect();
    let s = |st: &str, k: &str, n: u64| (st.to_string(), k.to_string(), n);
    assert_eq!(
        summary,
        [
            s("unmatched", "dogs", 2),
            s("ambiguous", "mercury", 2),
            s("unmatched", "fish", 1),
            s("matched", "cats", 2),
            s("matched", "world war, 1939 1945", 1),
        ]
    );
    let dogs = &rows[0];
    assert_eq!(dogs["examples"], serde_json::json!(["r2", "r3"]));
    assert_eq!(dogs["collections"], serde_json::json!(["c1"]));
    assert_eq!(dogs["schemes"], serde_json::json!(["thes"]));
    assert_eq!(dogs["local"], true);
    assert!(dogs["iri"]
        .as_str()
        .unwrap()
        .starts_with("https://example.org/concept/thes/"));
    let mercury = &rows[1];
    assert_eq!(mercury["heading"], "Mercury");
    assert_eq!(mercury["examples"], serde_json::json!(["r1", "r2"]));
    let cands: Vec<&str> = mercury["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["iri"].as_str().unwrap())
        .collect();
    assert_eq!(
        cands,
        ["http://example.org/t/m1", "http://example.org/t/m2"]
    );
    assert_eq!(mercury["candidates"][0]["label"], "Mercury");
    assert_eq!(rows[3]["iri"], CATS);
    assert_eq!(rows[3]["method"], "exact");

    // With the decisions (given on the command line), the decided rows say so.
    let out = crosswalk(&[
        "reconcile",
        "report",
        "--mapping",
        p(&dir.join("plain.toml")),
        "--decisions",
        p(&dir.join("decisions.tsv")),
        "--format",
        "json",
        p(&dir.join("records.xml")),
    ]);
    assert!(out.status.success());
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mercury = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == "mercury")
        .unwrap();
    assert_eq!(mercury["status"], "matched");
    assert_eq!(mercury["iri"], M1);
    assert_eq!(mercury["method"], "decision");
    assert_eq!(mercury["decision"], "accept");
}

#[test]
fn cli_report_csv_and_convert_with_decisions() {
    let dir = setup("csv");
    let csv = dir.join("report.csv");
    let out = crosswalk(&[
        "reconcile",
        "report",
        "--mapping",
        p(&dir.join("plain.toml")),
        "-o",
        p(&csv),
        p(&dir.join("records.xml")),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&csv).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "status,schemes,heading,key,iri,local,method,score,decision,count,collections,examples,candidates,rules"
    );
    assert_eq!(lines.len(), 6);
    assert!(lines[1].starts_with("unmatched,thes,Dogs,dogs,https://example.org/concept/thes/"));
    assert!(
        lines[1].contains(",true,,,,2,local,r2 r3,,subjects"),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].starts_with("ambiguous,thes,Mercury,mercury,"),
        "{}",
        lines[2]
    );
    assert!(
        lines[2].contains(
            "\"http://example.org/t/m1 \"\"Mercury\"\" [thes] exact 1.00 | http://example.org/t/m2 \"\"Mercury\"\" [thes] exact 1.00\""
        ),
        "{}",
        lines[2]
    );
    assert!(lines[5].starts_with("matched,thes,\"World War, 1939-1945\",\"world war, 1939 1945\",http://example.org/t/ww2,false,exact,1.00,,1,"), "{}", lines[5]);

    // convert --decisions applies them.
    let out = crosswalk(&[
        "convert",
        "--mapping",
        p(&dir.join("plain.toml")),
        "--decisions",
        p(&dir.join("decisions.tsv")),
        p(&dir.join("records.xml")),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let nt = String::from_utf8(out.stdout).unwrap();
    assert!(
        nt.contains(&format!(
            "<https://example.org/r2> <http://purl.org/dc/terms/subject> <{DOGS}> ."
        )),
        "{nt}"
    );
    assert!(
        nt.contains("<http://www.w3.org/2002/07/owl#differentFrom> <http://example.org/t/cats>")
    );

    // A malformed decisions file: located, and the run fails.
    std::fs::write(dir.join("bad.tsv"), "Dogs\tthes\tmap\n").unwrap();
    let out = crosswalk(&[
        "reconcile",
        "report",
        "--mapping",
        p(&dir.join("plain.toml")),
        "--decisions",
        p(&dir.join("bad.tsv")),
        p(&dir.join("records.xml")),
    ]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.tsv:1:1: expected 4 tab-separated fields"),
        "{err}"
    );
}
