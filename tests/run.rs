//! `crosswalk run` into a real on-disk store: three formats, reruns, edits, pruning, changed
//! crosswalks, quarantine and reports.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use crosswalk::marc::iso2709::Reader;
use crosswalk::marc::RecordBuf;
use crosswalk::run::{Pipeline, RunConfig, RunOptions, RunSummary};
use crosswalk::store::Store;
use oxigraph::model::NamedNode;

#[path = "support/sparql.rs"]
mod sparql;
use sparql::select;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// A consortium in a fresh folder: the library's MARC file, an EAD finding aid and an OAI-PMH
/// response, copied so that tests can change them.
struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        fs::create_dir_all(d.join("lib")).unwrap();
        fs::create_dir_all(d.join("arc")).unwrap();
        fs::create_dir_all(d.join("dig")).unwrap();
        fs::copy(
            Path::new(ROOT).join("examples/data/library/uva-200.mrc"),
            d.join("lib/uva.mrc"),
        )
        .unwrap();
        fs::copy(
            Path::new(ROOT).join("tests/data/ead/ead2002.xml"),
            d.join("arc/ead2002.xml"),
        )
        .unwrap();
        fs::copy(
            Path::new(ROOT).join("tests/data/dc/oai-listrecords.xml"),
            d.join("dig/oai.xml"),
        )
        .unwrap();
        let config = format!(
            r#"
[consortium]
name = "Test consortium"
base = "https://consortium.example.org/"
reports = "reports"

[store]
path = "store"

[[institution]]
id = "lib"
name = "A library"

[[institution]]
id = "arc"
name = "An archive"

[[collection]]
id = "books"
institution = "lib"
format = "marc"
files = ["lib/*.mrc"]
crosswalk = "{root}/mappings/marc21-dcterms.toml"
rights = "http://rightsstatements.org/vocab/InC/1.0/"
license = "http://creativecommons.org/publicdomain/zero/1.0/"

[[collection]]
id = "papers"
institution = "arc"
format = "ead"
files = ["arc/*.xml"]
crosswalk = "{root}/mappings/ead-dcterms.toml"

[[collection]]
id = "images"
institution = "arc"
format = "dc"
files = ["dig/*.xml"]
crosswalk = "{root}/mappings/dc-dcterms.toml"
language = "eng"
"#,
            root = ROOT
        );
        fs::write(d.join("consortium.toml"), config).unwrap();
        Self { dir }
    }

    fn path(&self, p: &str) -> PathBuf {
        self.dir.path().join(p)
    }

    fn config(&self) -> RunConfig {
        RunConfig::load(self.path("consortium.toml")).unwrap()
    }

    /// Runs the configuration; the store is closed when this returns.
    fn run(&self, options: &RunOptions) -> RunSummary {
        let mut p = Pipeline::new(self.config()).unwrap();
        p.run(options).unwrap()
    }

    /// The store's canonical dump, with what differs from run to run (run IRIs and times) masked.
    fn dump(&self) -> Vec<String> {
        let store = Store::open(self.path("store")).unwrap();
        mask(store.canonical_nquads().unwrap())
    }

    /// The library file's records as their raw bytes (the file is not rewritten by a writer, so
    /// that untouched records keep their exact bytes).
    fn marc_raw(&self) -> Vec<Vec<u8>> {
        let bytes = fs::read(self.path("lib/uva.mrc")).unwrap();
        bytes
            .split_inclusive(|b| *b == 0x1d)
            .map(<[u8]>::to_vec)
            .collect()
    }

    fn write_marc_raw(&self, records: &[Vec<u8>]) {
        fs::write(self.path("lib/uva.mrc"), records.concat()).unwrap();
    }
}

/// The 001 of a raw ISO 2709 record.
fn raw_id(raw: &[u8]) -> String {
    let mut reader = Reader::new(raw);
    let mut rec = RecordBuf::new();
    assert!(reader.read_record(&mut rec).unwrap());
    rec.id().unwrap().to_string()
}

/// Changes one letter of the 245 field of a raw record, keeping its length.
fn edit_title(raw: &mut [u8]) {
    let base: usize = std::str::from_utf8(&raw[12..17]).unwrap().parse().unwrap();
    let mut at = 24;
    while raw[at] != 0x1e {
        if &raw[at..at + 3] == b"245" {
            let start: usize = std::str::from_utf8(&raw[at + 7..at + 12])
                .unwrap()
                .parse()
                .unwrap();
            let data = base + start + 4;
            let i = (data..raw.len())
                .find(|&i| raw[i].is_ascii_lowercase())
                .unwrap();
            raw[i] = if raw[i] == b'x' { b'y' } else { b'x' };
            return;
        }
        at += 12;
    }
    panic!("no 245");
}

/// Replaces run IRIs and times, which differ between runs, by placeholders.
fn mask(lines: Vec<String>) -> Vec<String> {
    let run = regex::Regex::new(r"<https://consortium\.example\.org/run/[^>]*>").unwrap();
    let time =
        regex::Regex::new(r#""[0-9T:.+Z-]+"\^\^<http://www\.w3\.org/2001/XMLSchema#dateTime>"#)
            .unwrap();
    let mut out: Vec<String> = lines
        .iter()
        .filter(|l| !l.ends_with("<https://consortium.example.org/graph/runs> ."))
        .map(|l| {
            time.replace_all(&run.replace_all(l, "<run>"), "\"T\"")
                .into_owned()
        })
        .collect();
    out.sort();
    out
}

fn graph_of(line: &str) -> &str {
    let end = line.rfind('>').unwrap();
    let start = line[..end].rfind('<').unwrap();
    &line[start + 1..end]
}

#[test]
fn three_formats_one_graph_per_record_with_provenance() {
    let f = Fixture::new();
    let s = f.run(&RunOptions::default());
    assert_eq!(s.exit_code(), 0, "{}", s.to_text());
    let total = s.total();
    assert_eq!(total.read, total.written, "{}", s.to_text());
    assert_eq!(s.collections.len(), 3);
    for c in &s.collections {
        assert!(c.written > 0, "{}: {}", c.id, s.to_text());
    }
    assert_eq!(s.collections[0].read, 200);
    let store = Store::open(f.path("store")).unwrap();
    let graphs: BTreeSet<String> = store
        .oxigraph()
        .named_graphs()
        .map(|g| g.unwrap().to_string())
        .collect();
    let record_graphs = graphs
        .iter()
        .filter(|g| g.starts_with("<https://consortium.example.org/graph/books/"))
        .count();
    let provenance_graphs = graphs
        .iter()
        .filter(|g| g.starts_with("<https://consortium.example.org/provenance/books/"))
        .count();
    assert_eq!((record_graphs, provenance_graphs), (200, 200));
    // The provenance of one record says where it came from.
    let q = r#"
        PREFIX prov: <http://www.w3.org/ns/prov#>
        PREFIX cw: <https://w3id.org/crosswalk/vocab#>
        PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT ?file ?offset ?sum ?inst ?run WHERE {
          GRAPH ?p {
            ?g prov:wasDerivedFrom ?s ; cw:checksum ?sum ; prov:wasAttributedTo ?inst ;
               prov:wasGeneratedBy ?run ; dcterms:isPartOf <https://consortium.example.org/collection/books> .
            ?s cw:sourceFile ?file ; cw:byteOffset ?offset ; cw:recordNumber 2 .
          }
        }"#;
    let rows = select(&store, q);
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert!(rows[0][0].contains("lib/uva.mrc"), "{rows:?}");
    assert_ne!(
        rows[0][1],
        "\"0\"^^<http://www.w3.org/2001/XMLSchema#integer>"
    );
    assert_eq!(rows[0][2].len(), 64 + 2, "{rows:?}");
    assert_eq!(
        rows[0][3],
        "<https://consortium.example.org/institution/lib>"
    );
    // Defaults: the DC collection's language where a record has none.
    let q = r#"SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s <http://purl.org/dc/terms/language> <http://id.loc.gov/vocabulary/iso639-2/eng> } FILTER(STRSTARTS(STR(?g), "https://consortium.example.org/graph/images/")) }"#;
    assert_ne!(
        select(&store, q)[0][0],
        "\"0\"^^<http://www.w3.org/2001/XMLSchema#integer>"
    );
    // Reports.
    let report: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(f.path("reports/run-report.json")).unwrap())
            .unwrap();
    assert_eq!(report["collections"][0]["read"], 200);
    assert!(f.path("reports/diagnostics.csv").exists());
}

#[test]
fn rerun_over_unchanged_input_changes_nothing() {
    let f = Fixture::new();
    f.run(&RunOptions::default());
    let before = Store::open(f.path("store"))
        .unwrap()
        .canonical_nquads()
        .unwrap();
    let s = f.run(&RunOptions::default());
    let t = s.total();
    assert!(!s.changed, "{}", s.to_text());
    assert_eq!((t.written, t.unchanged), (0, t.read), "{}", s.to_text());
    // Not even the run is recorded: the dump is identical, unmasked.
    let after = Store::open(f.path("store"))
        .unwrap()
        .canonical_nquads()
        .unwrap();
    assert_eq!(before, after);
}

#[test]
fn the_quick_unchanged_check_agrees_with_the_record_state() {
    let f = Fixture::new();
    f.run(&RunOptions::default());
    let store = Store::open(f.path("store")).unwrap();
    let id = raw_id(&f.marc_raw()[3]);
    let g = NamedNode::new(format!("https://consortium.example.org/graph/books/{id}")).unwrap();
    let p = NamedNode::new(format!(
        "https://consortium.example.org/provenance/books/{id}"
    ))
    .unwrap();
    let state = store.record_state(g.as_ref(), p.as_ref()).unwrap().unwrap();
    assert!(store.is_current(g.as_ref(), p.as_ref(), &state).unwrap());
    let mut other = state.clone();
    other.checksum.replace_range(
        0..1,
        if state.checksum.starts_with('0') {
            "1"
        } else {
            "0"
        },
    );
    assert!(!store.is_current(g.as_ref(), p.as_ref(), &other).unwrap());
    let mut other = state.clone();
    other.fingerprint.push('x');
    assert!(!store.is_current(g.as_ref(), p.as_ref(), &other).unwrap());
    let absent = NamedNode::new("https://consortium.example.org/graph/books/absent").unwrap();
    assert!(!store
        .is_current(absent.as_ref(), p.as_ref(), &state)
        .unwrap());
}

#[test]
fn an_edited_record_replaces_exactly_its_graphs() {
    let f = Fixture::new();
    f.run(&RunOptions::default());
    let before = f.dump();
    let mut records = f.marc_raw();
    let id = raw_id(&records[7]);
    edit_title(&mut records[7]);
    f.write_marc_raw(&records);
    let s = f.run(&RunOptions::default());
    let t = s.total();
    assert_eq!((t.written, t.replaced, t.new), (1, 1, 0), "{}", s.to_text());
    let after = f.dump();
    let b: BTreeSet<&String> = before.iter().collect();
    let a: BTreeSet<&String> = after.iter().collect();
    let changed: BTreeSet<&str> = b.symmetric_difference(&a).map(|l| graph_of(l)).collect();
    let g = format!("https://consortium.example.org/graph/books/{id}");
    let p = format!("https://consortium.example.org/provenance/books/{id}");
    assert_eq!(changed, BTreeSet::from([g.as_str(), p.as_str()]));
}

#[test]
fn prune_removes_records_that_left_the_input() {
    let f = Fixture::new();
    f.run(&RunOptions::default());
    let mut records = f.marc_raw();
    let gone = raw_id(&records.remove(3));
    f.write_marc_raw(&records);
    // Without --prune the record stays.
    let s = f.run(&RunOptions::default());
    assert_eq!(s.total().removed, 0);
    let graph = format!("<https://consortium.example.org/graph/books/{gone}>");
    assert!(f.dump().iter().any(|l| l.ends_with(&format!("{graph} ."))));
    let s = f.run(&RunOptions {
        prune: true,
        ..RunOptions::default()
    });
    assert_eq!(s.total().removed, 1, "{}", s.to_text());
    let dump = f.dump();
    assert!(!dump.iter().any(|l| l.contains(&format!("/books/{gone}>"))));
    // Everything else is as a clean run over the smaller input makes it, but for the positions
    // in the file, which the provenance of unchanged records keeps from when they were written.
    let clean = Fixture::new();
    clean.write_marc_raw(&records);
    clean.run(&RunOptions::default());
    let unplaced = |d: Vec<String>| -> Vec<String> {
        d.into_iter()
            .filter(|l| !l.contains("#byteOffset>") && !l.contains("#recordNumber>"))
            .collect()
    };
    let (a, b) = (unplaced(dump), unplaced(clean.dump()));
    assert!(
        a == b,
        "{} lines differ",
        a.iter().filter(|l| !b.contains(l)).count()
    );
}

#[test]
fn a_changed_crosswalk_remaps_its_collection_only() {
    let f = Fixture::new();
    let dc = Path::new(ROOT).join("mappings/dc-dcterms.toml");
    let copy = f.path("dc-copy.toml");
    fs::write(&copy, fs::read_to_string(&dc).unwrap()).unwrap();
    let config = fs::read_to_string(f.path("consortium.toml")).unwrap();
    fs::write(
        f.path("consortium.toml"),
        config.replace(&dc.display().to_string(), &copy.display().to_string()),
    )
    .unwrap();
    let first = f.run(&RunOptions::default());
    fs::write(
        &copy,
        fs::read_to_string(&dc).unwrap() + "\n# a comment changes the crosswalk's hash\n",
    )
    .unwrap();
    let s = f.run(&RunOptions::default());
    let by_id = |id: &str| s.collections.iter().find(|c| c.id == id).unwrap().clone();
    assert_eq!(by_id("books").written, 0);
    assert_eq!(by_id("papers").written, 0);
    assert_eq!(by_id("images").replaced, first.collections[2].written);
}

#[test]
fn rejected_records_are_quarantined_with_their_diagnostics() {
    let f = Fixture::new();
    fs::copy(
        Path::new(ROOT).join("examples/data/library/pymarc-bad-records.mrc"),
        f.path("lib/bad.mrc"),
    )
    .unwrap();
    // A record without a directory terminator is rejected; a duplicate record id too.
    fs::write(
        f.path("lib/broken.mrc"),
        b"00030nam  2200025   4500\x1e\x1dxx!!garbage-not-a-record\x1d",
    )
    .unwrap();
    let records = f.marc_raw();
    fs::write(f.path("lib/zz-duplicate.mrc"), &records[0]).unwrap();
    let s = f.run(&RunOptions::default());
    let books = &s.collections[0];
    assert_eq!(
        books.read,
        books.written + books.quarantined,
        "every record accounted for: {}",
        s.to_text()
    );
    assert!(books.quarantined >= 2, "{}", s.to_text());
    assert_eq!(s.exit_code(), 1);
    for kind in [
        "duplicate-record-id",
        "directory-terminator-missing",
        "base-address-mismatch",
    ] {
        assert!(
            books.diagnostics.contains_key(kind),
            "{kind}: {:?}",
            books.diagnostics
        );
    }
    let csv = fs::read_to_string(f.path("reports/diagnostics.csv")).unwrap();
    assert!(
        csv.lines()
            .any(|l| l.starts_with("books,") && l.contains("zz-duplicate.mrc")),
        "{csv}"
    );
    let q = fs::read(f.path("reports/quarantine-marc.mrc")).unwrap();
    assert!(q.starts_with(b"xx!!garbage"), "the rejected bytes as read");
    assert!(q.ends_with(&records[0]), "then the duplicate");
    // The error budget stops a run whose input is clearly wrong.
    let s = f.run(&RunOptions {
        max_errors: Some(0),
        ..RunOptions::default()
    });
    assert!(s.aborted.is_some());
    assert_eq!(s.exit_code(), 3);
}

#[test]
fn a_service_pushes_its_own_records_into_a_memory_store() {
    let f = Fixture::new();
    let mut config = f.config();
    config.store = crosswalk::run::StoreTarget::Memory;
    let mut p = Pipeline::new(config).unwrap();
    let bytes = fs::read(f.path("lib/uva.mrc")).unwrap();
    let records: Vec<RecordBuf> = Reader::new(&bytes[..])
        .records()
        .take(5)
        .map(Result::unwrap)
        .collect();
    let items = records.iter().cloned().map(|r| {
        let loc = crosswalk::Location {
            file: Some("service".into()),
            position: r.position(),
            ..Default::default()
        };
        (r, loc)
    });
    let s = p.write_records("books", items).unwrap();
    assert_eq!((s.read, s.written), (5, 5));
    let again = records
        .iter()
        .cloned()
        .map(|r| (r, crosswalk::Location::default()));
    let s = p.write_records("books", again).unwrap();
    assert_eq!(s.unchanged, 5);
    assert!(p.write_records::<RecordBuf>("papers", []).is_err());
}

#[test]
fn four_shards_make_the_same_store_as_one_run() {
    let whole = Fixture::new();
    whole.run(&RunOptions::default());
    let sharded = Fixture::new();
    let mut read = 0;
    for i in 0..4 {
        let s = sharded.run(&RunOptions {
            shard: Some((i, 4)),
            prune: true,
            ..RunOptions::default()
        });
        let t = s.total();
        assert_eq!(t.read, t.written, "shard {i}: {}", s.to_text());
        assert!(t.other_shards > 0, "shard {i}: {}", s.to_text());
        assert_eq!(t.removed, 0, "pruning one shard leaves the others alone");
        read += t.read;
    }
    assert_eq!(read, whole.run(&RunOptions::default()).total().read);
    assert_eq!(sharded.dump(), whole.dump());
    // The plan counts the same records.
    let p = Pipeline::new(sharded.config()).unwrap();
    let plan = p.plan(4).unwrap();
    assert_eq!(plan.iter().flat_map(|(_, s)| s).sum::<u64>(), read);
}

#[test]
fn an_oai_deletion_notice_removes_the_record() {
    let f = Fixture::new();
    f.run(&RunOptions::default());
    let graph = "<https://consortium.example.org/graph/images/oai%3Aexample.org%3A1>";
    assert!(f.dump().iter().any(|l| l.ends_with(&format!("{graph} ."))));
    // The next harvest says record 1 was deleted at the source.
    let xml = fs::read_to_string(f.path("dig/oai.xml")).unwrap();
    let start = xml.find("<metadata>").unwrap();
    let end = xml.find("</metadata>").unwrap() + "</metadata>".len();
    let xml = format!("{}{}", &xml[..start], &xml[end..]).replacen(
        "<header>",
        "<header status=\"deleted\">",
        1,
    );
    fs::write(f.path("dig/oai.xml"), xml).unwrap();
    let s = f.run(&RunOptions::default());
    let images = s.collections.iter().find(|c| c.id == "images").unwrap();
    assert_eq!(images.deleted, 2, "{}", s.to_text());
    assert!(s.changed);
    assert!(!f
        .dump()
        .iter()
        .any(|l| l.contains("oai%3Aexample.org%3A1>")));
}

/// Readers share a store, a writer has it alone: the opening that would break that fails at once
/// with `Busy` (RocksDB leaves reading while another process writes undefined). `crosswalk run`
/// beside a reader (a `serve`, say) stops with exit status 4 and says why; `query` answers beside
/// another reader and fails, saying why, beside a writer.
#[test]
fn a_store_is_read_beside_readers_never_beside_its_writer() {
    use crosswalk::store::StoreError;
    let f = Fixture::new();
    f.run(&RunOptions::default());
    let dir = f.path("store");
    let busy = |r: Result<Store, StoreError>| match r {
        Err(e @ StoreError::Busy { .. }) => e.to_string(),
        other => panic!("expected Busy, got {other:?}"),
    };

    let reader = Store::open_read_only(&dir).unwrap();
    let another = Store::open_read_only(&dir).unwrap();
    let message = busy(Store::open(&dir));
    assert!(
        message.contains("open for reading by another process"),
        "{message}"
    );

    let crosswalk = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_crosswalk"))
            .args(args)
            .current_dir(f.path(""))
            .output()
            .unwrap()
    };
    let run = crosswalk(&["run", "consortium.toml"]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(4), "{stderr}");
    assert!(
        stderr.contains("open for reading by another process"),
        "{stderr}"
    );
    let query = crosswalk(&["query", "--store", "store", "ASK { ?s ?p ?o }"]);
    assert!(query.status.success(), "{query:?}");

    drop((reader, another));
    let writer = Store::open(&dir).unwrap();
    let message = busy(Store::open_read_only(&dir));
    assert!(
        message.contains("open for writing by another process"),
        "{message}"
    );
    let query = crosswalk(&["query", "--store", "store", "ASK { ?s ?p ?o }"]);
    let stderr = String::from_utf8_lossy(&query.stderr);
    assert!(!query.status.success(), "{stderr}");
    assert!(
        stderr.contains("open for writing by another process"),
        "{stderr}"
    );
    let message = busy(Store::open(&dir));
    assert!(
        message.contains("open for writing by another process"),
        "{message}"
    );
    drop(writer);
    Store::open_read_only(&dir).unwrap();
}
