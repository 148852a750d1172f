//! Reconciliation in crosswalks: the `reconcile` transform (matched, ambiguous, unmatched, the
//! record's identifier first), the same heading from MARC, EAD and DC through the shipped
//! crosswalks, load-time errors, a shared index, and `crosswalk reconcile lookup`.

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use crosswalk::crosswalk::{
    load_vocabularies, AnyMapping, Item, Mapping, RecordContext, RecordOutput, Source,
};
use crosswalk::{dc, ead, marc};
use oxrdf::Term;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

const SKOS_EXACT: &str = "http://www.w3.org/2004/02/skos/core#exactMatch";
const CW: &str = "https://w3id.org/crosswalk/vocab#";
const WW2: &str = "http://id.loc.gov/authorities/subjects/sh85148273";

fn run<R: Source>(mapping: &Mapping<R>, input: &str) -> Vec<RecordOutput> {
    let mut outs = Vec::new();
    R::read_all(Cursor::new(input.as_bytes()), "test", &mut |item| {
        if let Item::Record(rec, location) = item {
            outs.push(mapping.apply(
                &rec,
                &RecordContext {
                    collection: "t".into(),
                    fallback_id: "r".into(),
                    location,
                },
            ));
        }
        true
    });
    outs
}

/// The objects of `predicate` in the output (any subject).
fn objects(outs: &[RecordOutput], predicate: &str) -> Vec<String> {
    outs.iter()
        .flat_map(|o| &o.triples)
        .filter(|e| e.triple.predicate.as_str() == predicate)
        .map(|e| match &e.triple.object {
            Term::NamedNode(n) => n.as_str().to_string(),
            Term::Literal(l) => l.value().to_string(),
            other => other.to_string(),
        })
        .collect()
}

/// Objects of `predicate` whose subject is `subject`.
fn objects_of(outs: &[RecordOutput], subject: &str, predicate: &str) -> Vec<String> {
    outs.iter()
        .flat_map(|o| &o.triples)
        .filter(|e| {
            e.triple.predicate.as_str() == predicate
                && e.triple.subject.to_string() == format!("<{subject}>")
        })
        .map(|e| match &e.triple.object {
            Term::NamedNode(n) => n.as_str().to_string(),
            Term::Literal(l) => l.value().to_string(),
            other => other.to_string(),
        })
        .collect()
}

fn temp_dir(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("crosswalk-reconcile-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const THESAURUS: &str = r#"@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix t: <http://example.org/t/> .
t:cats skos:prefLabel "Cats"@en ; skos:altLabel "Felines"@en .
t:m1 skos:prefLabel "Mercury"@en ; skos:definition "the planet" .
t:m2 skos:prefLabel "Mercury"@en ; skos:definition "the element" .
t:ww2 skos:prefLabel "World War, 1939-1945"@en .
"#;

/// A DC mapping over a local thesaurus: subjects → `dcterms:subject` reconciled; identifiers in
/// `dc:relation` looked up as identifiers first.
fn local_mapping(extra: &str) -> PathBuf {
    let dir = temp_dir("local");
    std::fs::write(dir.join("thesaurus.ttl"), THESAURUS).unwrap();
    let text = format!(
        r#"[crosswalk]
name = "t"
format = "dc"
base = "https://example.org/"

[vocabularies]
thes = "thesaurus.ttl"

[[resource]]
name = "item"
iri = "{{base}}{{record}}"

[[resource.rule]]
select = "subject"
transforms = [{{ reconcile = ["thes"] }}]
predicate = "dcterms:subject"
iri = "{{value}}"
{extra}
"#
    );
    let path = dir.join(format!("m{}.toml", text.len()));
    std::fs::write(&path, text).unwrap();
    path
}

fn dc_record(body: &str) -> String {
    format!(
        r#"<dc xmlns="http://purl.org/dc/elements/1.1/"><identifier>r1</identifier>{body}</dc>"#
    )
}

#[test]
fn reconcile_transform_matched_ambiguous_unmatched() {
    let m: Mapping<dc::Record> = Mapping::load(local_mapping("")).unwrap();
    let outs = run(
        &m,
        &dc_record("<subject>felines.</subject><subject>Mercury</subject><subject>Dogs</subject>"),
    );
    let subjects = objects(&outs, "http://purl.org/dc/terms/subject");
    assert_eq!(subjects.len(), 3, "{subjects:?}");
    // Matched by an alternative label.
    assert_eq!(subjects[0], "http://example.org/t/cats");
    // Ambiguous: a local concept marked so, with both candidates, and a warning.
    let ambiguous = &subjects[1];
    assert!(ambiguous.starts_with("https://example.org/concept/thes/"));
    assert_eq!(
        objects_of(&outs, ambiguous, &format!("{CW}reconciliation")),
        ["ambiguous"]
    );
    let mut cands = objects_of(&outs, ambiguous, &format!("{CW}candidate"));
    cands.sort();
    assert_eq!(
        cands,
        ["http://example.org/t/m1", "http://example.org/t/m2"]
    );
    let diags: Vec<_> = outs[0]
        .diagnostics
        .iter()
        .filter(|d| d.kind == "ambiguous-heading")
        .collect();
    assert_eq!(diags.len(), 1);
    assert!(
        diags[0].message.contains("http://example.org/t/m2"),
        "{}",
        diags[0]
    );
    // Unmatched: a deterministic local concept with its label.
    let unmatched = &subjects[2];
    assert!(unmatched.starts_with("https://example.org/concept/thes/"));
    assert_ne!(unmatched, ambiguous);
    assert_eq!(
        objects_of(&outs, unmatched, &format!("{CW}reconciliation")),
        ["unmatched"]
    );
    assert_eq!(
        objects_of(
            &outs,
            unmatched,
            "http://www.w3.org/2004/02/skos/core#prefLabel"
        ),
        ["Dogs"]
    );
    // The same heading written otherwise gives the same local IRI.
    let again = run(&m, &dc_record("<subject>DOGS.</subject>"));
    assert_eq!(
        objects(&again, "http://purl.org/dc/terms/subject"),
        std::slice::from_ref(unmatched)
    );
}

#[test]
fn reconcile_options_best_drop_and_min_score() {
    let m: Mapping<dc::Record> = Mapping::load(local_mapping(
        r#"
[[resource.rule]]
select = "subject"
transforms = [{ reconcile = { schemes = ["thes"], on-ambiguous = "best", min-score = 0.9, on-miss = "drop" } }]
predicate = "dcterms:relation"
iri = "{value}"
"#,
    ))
    .unwrap();
    let outs = run(
        &m,
        &dc_record("<subject>Mercury</subject><subject>Felines</subject><subject>Dogs</subject>"),
    );
    // Best of the ambiguous; "Felines" (0.9 alternative label as written) kept; "Dogs" dropped.
    assert_eq!(
        objects(&outs, "http://purl.org/dc/terms/relation"),
        ["http://example.org/t/m1", "http://example.org/t/cats"]
    );
}

#[test]
fn the_records_identifier_wins_over_the_label() {
    // The shipped MARC crosswalk: a 650 with a $0 is reconciled by the $0, not by its $a.
    let m: Mapping<marc::RecordBuf> =
        Mapping::load(root().join("mappings/marc21-dcterms.toml")).unwrap();
    let outs = run(
        &m,
        r#"<record xmlns="http://www.loc.gov/MARC21/slim"><leader>00000nam  2200000 a 4500</leader>
<controlfield tag="001">id1</controlfield>
<datafield tag="650" ind1=" " ind2="0"><subfield code="a">Mercury</subfield><subfield code="0">(DLC)sh 85148273</subfield></datafield>
</record>"#,
    );
    assert_eq!(objects(&outs, SKOS_EXACT), [WW2]);
    assert_eq!(objects(&outs, &format!("{CW}matchMethod")), ["identifier"]);
}

#[test]
fn the_same_heading_gets_the_same_iri_from_marc_ead_and_dc() {
    let marc: Mapping<marc::RecordBuf> =
        Mapping::load(root().join("mappings/marc21-dcterms.toml")).unwrap();
    let ead: Mapping<ead::Component> =
        Mapping::load(root().join("mappings/ead-dcterms.toml")).unwrap();
    let dc: Mapping<dc::Record> = Mapping::load(root().join("mappings/dc-dcterms.toml")).unwrap();
    // The three mappings share one index (the same files are loaded once).
    assert!(Arc::ptr_eq(
        marc.vocabularies().unwrap(),
        marc.vocabularies().unwrap()
    ));
    for (heading, matched) in [("World war, 1939-1945.", true), ("Gardening", false)] {
        let from_marc = objects(
            &run(
                &marc,
                &format!(
                    r#"<record xmlns="http://www.loc.gov/MARC21/slim"><leader>00000nam  2200000 a 4500</leader>
<controlfield tag="001">m1</controlfield>
<datafield tag="650" ind1=" " ind2="0"><subfield code="a">{heading}</subfield></datafield>
</record>"#
                ),
            ),
            SKOS_EXACT,
        );
        let from_ead = objects(
            &run(
                &ead,
                &format!(
                    r#"<ead><eadheader><eadid>e1</eadid></eadheader><archdesc level="fonds">
<did><unittitle>x</unittitle></did>
<controlaccess><subject source="lcsh">{heading}</subject></controlaccess></archdesc></ead>"#
                ),
            ),
            SKOS_EXACT,
        );
        let from_dc = objects(
            &run(&dc, &dc_record(&format!("<subject>{heading}</subject>"))),
            SKOS_EXACT,
        );
        assert_eq!(from_marc.len(), 1, "{heading}: {from_marc:?}");
        assert_eq!(from_marc, from_ead, "{heading}");
        assert_eq!(from_marc, from_dc, "{heading}");
        if matched {
            assert_eq!(from_marc[0], WW2);
        } else {
            assert!(from_marc[0].starts_with("https://w3id.org/crosswalk/concept/lcsh/"));
        }
    }
}

#[test]
fn relator_terms_and_languages_are_reconciled_in_marc() {
    let m: Mapping<marc::RecordBuf> =
        Mapping::load(root().join("mappings/marc21-dcterms.toml")).unwrap();
    let outs = run(
        &m,
        r#"<record xmlns="http://www.loc.gov/MARC21/slim"><leader>00000nam  2200000 a 4500</leader>
<controlfield tag="001">rel1</controlfield>
<controlfield tag="008">840507s1984    wiua     b    00010 ger d</controlfield>
<datafield tag="700" ind1="1" ind2=" "><subfield code="a">Smith, Jane,</subfield><subfield code="e">illustrator.</subfield><subfield code="4">edt</subfield></datafield>
</record>"#,
    );
    let mut roles = objects(&outs, "http://www.w3.org/ns/prov#hadRole");
    roles.sort();
    assert_eq!(
        roles,
        [
            "http://id.loc.gov/vocabulary/relators/edt",
            "http://id.loc.gov/vocabulary/relators/ill"
        ]
    );
    assert_eq!(
        objects(&outs, "http://purl.org/dc/terms/language"),
        ["http://id.loc.gov/vocabulary/iso639-2/ger"]
    );
}

#[test]
fn dc_types_and_rights_are_reconciled() {
    let m: Mapping<dc::Record> = Mapping::load(root().join("mappings/dc-dcterms.toml")).unwrap();
    let outs = run(
        &m,
        &dc_record(
            "<type>Still image</type><rights>In Copyright</rights>\
             <rights>https://creativecommons.org/licenses/by/4.0</rights>",
        ),
    );
    let types = objects(&outs, "http://purl.org/dc/terms/type");
    assert!(
        types.contains(&"http://purl.org/dc/dcmitype/StillImage".to_string()),
        "{types:?}"
    );
    let mut licences = objects(&outs, "http://purl.org/dc/terms/license");
    licences.sort();
    assert_eq!(
        licences,
        [
            "http://creativecommons.org/licenses/by/4.0/",
            "http://rightsstatements.org/vocab/InC/1.0/"
        ]
    );
}

fn load_error(name: &str, text: &str) -> String {
    let dir = temp_dir("errors");
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    let err = AnyMapping::load(&path).unwrap_err();
    format!("{}:{}: {}", err.line, err.column, err.message)
}

const RULE: &str = "[[resource]]\nname = \"r\"\niri = \"{base}{record}\"\n[[resource.rule]]\nselect = \"subject\"\npredicate = \"dcterms:subject\"\niri = \"{value}\"\n";

#[test]
fn load_errors_are_located() {
    // An unknown shipped vocabulary.
    let e = load_error(
        "a.toml",
        &format!("[crosswalk]\nname = \"t\"\nformat = \"dc\"\nbase = \"https://e.org/\"\nvocabularies = [\"lcsh\", \"mesh\"]\n{RULE}"),
    );
    assert!(
        e.starts_with("5:25:") && e.contains("unknown vocabulary \"mesh\""),
        "{e}"
    );
    // A scheme the mapping did not load.
    let e = load_error(
        "b.toml",
        &format!("[crosswalk]\nname = \"t\"\nformat = \"dc\"\nbase = \"https://e.org/\"\nvocabularies = [\"dcmitype\"]\n{RULE}transforms = [{{ reconcile = [\"lcsh\"] }}]\n"),
    );
    assert!(
        e.starts_with("13:15:") && e.contains("unknown scheme \"lcsh\""),
        "{e}"
    );
    // reconcile without vocabularies.
    let e = load_error(
        "c.toml",
        &format!("[crosswalk]\nname = \"t\"\nformat = \"dc\"\nbase = \"https://e.org/\"\n{RULE}transforms = [{{ reconcile = [\"lcsh\"] }}]\n"),
    );
    assert!(
        e.starts_with("12:") && e.contains("declares no vocabularies"),
        "{e}"
    );
    // A local file that is not there.
    let e = load_error(
        "d.toml",
        &format!("[crosswalk]\nname = \"t\"\nformat = \"dc\"\nbase = \"https://e.org/\"\n[vocabularies]\nmine = \"nowhere.ttl\"\n{RULE}"),
    );
    assert!(e.starts_with("6:8:") && e.contains("nowhere.ttl"), "{e}");
    // A file whose concepts are in a scheme of another name.
    std::fs::write(
        temp_dir("errors").join("named.ttl"),
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n\
         <http://e.org/c> skos:prefLabel \"C\" ; skos:inScheme <http://e.org/scheme> .\n",
    )
    .unwrap();
    let e = load_error(
        "f.toml",
        &format!("[crosswalk]\nname = \"t\"\nformat = \"dc\"\nbase = \"https://e.org/\"\n[vocabularies]\nmine = \"named.ttl\"\n{RULE}"),
    );
    assert!(
        e.starts_with("6:8:") && e.contains("no scheme with concepts"),
        "{e}"
    );
    // An unknown option.
    let e = load_error(
        "e.toml",
        &format!("[crosswalk]\nname = \"t\"\nformat = \"dc\"\nbase = \"https://e.org/\"\nvocabularies = [\"lcsh\"]\n{RULE}transforms = [{{ reconcile = {{ schemes = [\"lcsh\"], on-miss = \"ignore\" }} }}]\n"),
    );
    assert!(e.starts_with("13:"), "{e}");
}

#[test]
fn a_shared_index_serves_many_mappings() {
    let paths = [
        root().join("mappings/marc21-dcterms.toml"),
        root().join("mappings/dc-dcterms.toml"),
        root().join("mappings/ead-dcterms.toml"),
    ];
    let index = load_vocabularies(&paths).unwrap().unwrap();
    for p in &paths {
        let m = AnyMapping::load_with(p, &index).unwrap();
        let results = m.run_examples();
        assert!(results.iter().all(|r| r.passed()), "{results:?}");
    }
    let marc: Mapping<marc::RecordBuf> = Mapping::load_with(&paths[0], &index).unwrap();
    assert!(Arc::ptr_eq(marc.vocabularies().unwrap(), &index));
    // An index without a scheme the mapping declares is refused.
    let small = load_vocabularies(&[root().join("mappings/ead-dcterms.toml")])
        .unwrap()
        .unwrap();
    let e = Mapping::<dc::Record>::load_with(&paths[1], &small).unwrap_err();
    assert!(e.message.contains("\"dcmitype\""), "{e}");
}

fn cli(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_crosswalk"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn cli_reconcile_lookup_json() {
    let (code, out) = cli(&[
        "reconcile",
        "lookup",
        "world war, 1939-1945.",
        "--scheme",
        "lcsh",
        "--json",
    ]);
    assert_eq!(code, 0, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["status"], "matched");
    assert_eq!(v["iri"], WW2);
    assert_eq!(v["method"], "normalized");
    assert_eq!(v["score"], 0.95);
    assert_eq!(v["key"], "world war, 1939 1945");
    let c = &v["candidates"][0];
    assert_eq!(c["iri"], WW2);
    assert_eq!(c["label"], "World War, 1939-1945");
    assert_eq!(c["scheme"], "lcsh");
    assert_eq!(c["method"], "normalized");

    // Unmatched: exit 1, a local IRI.
    let (code, out) = cli(&[
        "reconcile",
        "lookup",
        "Gardening",
        "--scheme",
        "lcsh",
        "--json",
    ]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["status"], "unmatched");
    assert!(v["iri"].is_null());
    assert!(v["local_iri"]
        .as_str()
        .unwrap()
        .starts_with("https://w3id.org/crosswalk/concept/lcsh/"));

    // Ambiguous across a local vocabulary: exit 1 with both candidates.
    let dir = temp_dir("cli");
    let file = dir.join("t.ttl");
    std::fs::write(&file, THESAURUS).unwrap();
    let vocab = format!("thes={}", file.display());
    let (code, out) = cli(&[
        "reconcile",
        "lookup",
        "Mercury",
        "--scheme",
        "thes",
        "--vocab",
        &vocab,
        "--json",
    ]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["status"], "ambiguous");
    assert_eq!(v["candidates"].as_array().unwrap().len(), 2);

    // Usage errors: exit 2.
    assert_eq!(cli(&["reconcile", "lookup", "x", "--scheme", "nope"]).0, 2);
    assert_eq!(cli(&["reconcile", "lookup", "x", "--vocab", "bad"]).0, 2);
}
