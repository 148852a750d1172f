//! The crosswalk engine: shipped mappings pass their own examples, load-time mistakes are located,
//! and every corpus record goes through its crosswalk without a panic.

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use crosswalk::crosswalk::{AnyMapping, Item, Mapping, RecordContext, Source};
use crosswalk::{dc, ead, marc};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn shipped_mappings_pass_their_examples() {
    for name in ["marc21-dcterms.toml", "dc-dcterms.toml", "ead-dcterms.toml"] {
        let m = AnyMapping::load(root().join("mappings").join(name)).unwrap();
        let results = m.run_examples();
        assert!(!results.is_empty(), "{name} has examples");
        for r in results {
            assert!(r.passed(), "{name} :: {}: {r:?}", r.name);
        }
    }
}

fn load_error(text: &str) -> String {
    let dir = std::env::temp_dir().join(format!("crosswalk-mapping-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("bad.toml");
    std::fs::write(&path, text).unwrap();
    let err = AnyMapping::load(&path).unwrap_err();
    format!("{}:{}: {}", err.line, err.column, err.message)
}

const HEAD: &str =
    "[crosswalk]\nname = \"t\"\nformat = \"marc\"\nbase = \"https://example.org/\"\n";

#[test]
fn mistakes_are_located_before_any_record_is_read() {
    let rule = |body: &str| {
        format!("{HEAD}[[resource]]\nname = \"r\"\niri = \"{{base}}{{record}}\"\n[[resource.rule]]\n{body}")
    };
    // A bad MARCspec: the column points into the selector.
    let e = load_error(&rule("select = \"245$\"\npredicate = \"dcterms:title\"\n"));
    assert!(e.starts_with("9:15: selector:"), "{e}");
    // An unknown prefix.
    let e = load_error(&rule("select = \"245$a\"\npredicate = \"nope:title\"\n"));
    assert!(
        e.starts_with("10:13:") && e.contains("unknown prefix \"nope\""),
        "{e}"
    );
    // An unknown transform.
    let e = load_error(&rule(
        "select = \"245$a\"\ntransforms = [\"upcase\"]\npredicate = \"dcterms:title\"\n",
    ));
    assert!(e.starts_with("10:") && e.contains("upcase"), "{e}");
    // A type error: a rule with both an IRI and a resource object.
    let e = load_error(&rule(
        "select = \"245$a\"\npredicate = \"dcterms:title\"\niri = \"{value}\"\nresource = \"r\"\n",
    ));
    assert!(e.contains("not both"), "{e}");
    // A for-each block whose IRI would depend on field order.
    let e = load_error(&format!(
        "{HEAD}[[resource]]\nname = \"a\"\nfor-each = \"700\"\niri = \"{{base}}{{record}}\"\n"
    ));
    assert!(
        e.starts_with("8:7:") && e.contains("{key} or {hash}"),
        "{e}"
    );
    // The wrong format for the record type.
    let dir = std::env::temp_dir();
    let p = dir.join(format!("crosswalk-mapping-fmt-{}.toml", std::process::id()));
    std::fs::write(
        &p,
        format!("{HEAD}[[resource]]\nname = \"r\"\niri = \"{{base}}{{record}}\"\n"),
    )
    .unwrap();
    let e = Mapping::<dc::Record>::load(&p).unwrap_err();
    assert!(e.message.contains("for format \"marc\""), "{e}");
}

fn shared() -> Option<PathBuf> {
    let s = std::env::var_os("CROSSWALK_SHARED").map(PathBuf::from);
    if s.is_none() {
        eprintln!("CROSSWALK_SHARED is not set: corpus crosswalk test skipped");
    }
    s
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn run_corpus<R: Source>(mapping: &Mapping<R>, dirs: &[PathBuf]) -> (u64, u64, u64) {
    let (mut records, mut triples, mut failures) = (0, 0, 0);
    for dir in dirs {
        let mut files = Vec::new();
        walk(dir, &mut files);
        files.sort();
        for f in files {
            let input = BufReader::new(File::open(&f).unwrap());
            R::read_all(input, &f.display().to_string(), &mut |item| {
                if let Item::Record(rec, location) = item {
                    records += 1;
                    let out = mapping.apply(
                        &rec,
                        &RecordContext {
                            collection: "corpus".into(),
                            fallback_id: format!("r{records}"),
                            location,
                        },
                    );
                    triples += out.triples.len() as u64;
                    failures += out.diagnostics.len() as u64;
                }
                true
            });
        }
    }
    (records, triples, failures)
}

#[test]
fn every_corpus_record_goes_through_its_crosswalk() {
    let Some(shared) = shared() else { return };
    let corpus = shared.join("corpus");
    let m: Mapping<marc::RecordBuf> =
        Mapping::load(root().join("mappings/marc21-dcterms.toml")).unwrap();
    let (r, t, f) = run_corpus(
        &m,
        &[
            corpus.join("marc-bin"),
            corpus.join("marc-xml"),
            corpus.join("marc-json"),
        ],
    );
    eprintln!("marc21-dcterms: {r} records, {t} triples, {f} rule failures");
    assert!(r > 4000, "{r}");
    let m: Mapping<dc::Record> = Mapping::load(root().join("mappings/dc-dcterms.toml")).unwrap();
    let (r, t, f) = run_corpus(&m, &[corpus.join("dc")]);
    eprintln!("dc-dcterms: {r} records, {t} triples, {f} rule failures");
    assert!(r > 2400, "{r}");
    let m: Mapping<ead::Component> =
        Mapping::load(root().join("mappings/ead-dcterms.toml")).unwrap();
    let (r, t, f) = run_corpus(&m, &[corpus.join("ead")]);
    eprintln!("ead-dcterms: {r} records, {t} triples, {f} rule failures");
    assert!(r > 5000, "{r}");
}

/// `join` joins the values of each field on its own (blank ones left out, a single value as it
/// is), `default` gives its value when nothing is selected and keeps what is.
#[test]
fn join_is_per_field_and_default_fills_an_empty_selection() {
    let text = format!(
        r#"{HEAD}
[[resource]]
name = "item"
iri = "{{base}}{{record}}"

[[resource.rule]]
name = "headings"
select = ["650$a", "650$x", "650$z"]
transforms = [{{ join = " -- " }}]
predicate = "dcterms:subject"

[[resource.rule]]
name = "note or not"
select = "500$a"
transforms = [{{ default = "no note" }}]
predicate = "dcterms:description"

[[resource.rule]]
name = "edition or not"
select = "250$a"
transforms = [{{ default = "no edition" }}]
predicate = "bibo:edition"

[prefixes]
bibo = "http://purl.org/ontology/bibo/"

[[example]]
name = "two headings, a blank subfield, one note"
input = """
<record xmlns="http://www.loc.gov/MARC21/slim">
  <leader>00000nam  2200000 a 4500</leader>
  <controlfield tag="001">r1</controlfield>
  <datafield tag="250" ind1=" " ind2=" "><subfield code="a">2nd ed.</subfield></datafield>
  <datafield tag="650" ind1=" " ind2="0"><subfield code="a">Gardening</subfield><subfield code="x"> </subfield><subfield code="z">Wisconsin</subfield></datafield>
  <datafield tag="650" ind1=" " ind2="0"><subfield code="a">Humor</subfield></datafield>
</record>
"""
expect = """
<https://example.org/r1> dcterms:subject "Gardening -- Wisconsin", "Humor" ;
  dcterms:description "no note" ;
  bibo:edition "2nd ed." .
"""
"#
    );
    let dir = std::env::temp_dir().join(format!("crosswalk-join-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("join.toml");
    std::fs::write(&path, text).unwrap();
    let m = AnyMapping::load(&path).unwrap();
    let results = m.run_examples();
    assert_eq!(results.len(), 1);
    assert!(results[0].passed(), "{:?}", results[0]);
    std::fs::remove_dir_all(&dir).unwrap();
}
