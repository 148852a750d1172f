//! `crosswalk query` and `crosswalk export` on a store loaded (with the hidden `crosswalk load`)
//! from `tests/data/sparql/fixture.nq`.

use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::OnceLock;

use oxigraph::io::{RdfFormat, RdfParser};

const FIXTURE: &str = "tests/data/sparql/fixture.nq";
const TITLES: &str = "PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?r ?title WHERE { ?r dcterms:title ?title } ORDER BY ?r";

fn crosswalk(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_crosswalk"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the binary runs")
}

fn stdout(o: &Output) -> String {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout.clone()).unwrap()
}

/// The store, loaded once.
fn store() -> &'static str {
    static STORE: OnceLock<String> = OnceLock::new();
    STORE.get_or_init(|| {
        let dir: PathBuf =
            std::env::temp_dir().join(format!("crosswalk-sparql-cli-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let dir = dir.to_str().unwrap().to_string();
        stdout(&crosswalk(&["load", "--store", &dir, FIXTURE]));
        dir
    })
}

fn query(format: &str, text: &str) -> Output {
    crosswalk(&["query", "--store", store(), "--format", format, text])
}

/// Sorted N-Triples (or N-Quads) lines of a document.
fn statements(format: RdfFormat, text: &str) -> Vec<String> {
    let mut lines: Vec<String> = RdfParser::from_format(format)
        .for_slice(text.as_bytes())
        .map(|q| q.unwrap().to_string())
        .collect();
    lines.sort();
    lines
}

#[test]
fn query_table() {
    let text = stdout(&query("table", TITLES));
    let lines: Vec<&str> = text.lines().collect();
    // The widest ?r is <https://w3id.org/crosswalk/uva-maps/m1>: 40 characters.
    assert_eq!(lines[0], format!("{:<40} | title", "r"));
    assert!(lines[1].starts_with("---------"), "{text}");
    assert_eq!(
        lines[2],
        format!(
            "{:<40} | Papers of a whaling captain",
            "<https://w3id.org/crosswalk/ead/e1>"
        )
    );
    assert_eq!(lines.last(), Some(&"(4 rows)"));
    // Prefixed IRIs, typed literals and escaped line breaks.
    let text = stdout(&query(
        "table",
        "PREFIX dcterms: <http://purl.org/dc/terms/>
         SELECT ?p ?o WHERE { <https://w3id.org/crosswalk/uva/r2> ?p ?o } ORDER BY ?p",
    ));
    // The widest ?p is dcterms:description: 19 characters.
    assert!(
        text.contains(&format!("{:<19} | 1854^^xsd:gYear", "dcterms:date")),
        "{text}"
    );
    assert!(text.contains("Line one\\nline two"), "{text}");
    assert!(text.contains(&format!(
        "{:<19} | dcterms:BibliographicResource",
        "rdf:type"
    )));
}

#[test]
fn query_result_formats() {
    let csv = stdout(&query("csv", TITLES));
    assert_eq!(csv.lines().count(), 5);
    assert!(csv.starts_with("r,title\r\n"), "{csv:?}");
    let tsv = stdout(&query("tsv", TITLES));
    assert!(tsv.starts_with("?r\t?title\n"), "{tsv:?}");
    let json: serde_json::Value = serde_json::from_str(&stdout(&query("json", TITLES))).unwrap();
    assert_eq!(json["results"]["bindings"].as_array().unwrap().len(), 4);
    let xml = stdout(&query("xml", TITLES));
    assert_eq!(xml.matches("<result>").count(), 4);
    let ask = stdout(&query("table", "ASK { ?s ?p ?o }"));
    assert_eq!(ask, "true\n");
    let limited = crosswalk(&[
        "query",
        "--store",
        store(),
        "--format",
        "csv",
        "--limit",
        "1",
        TITLES,
    ]);
    assert_eq!(stdout(&limited).lines().count(), 2);
    assert!(String::from_utf8_lossy(&limited.stderr).contains("stopped at the limit of 1"));
}

#[test]
fn query_construct_formats() {
    let construct = "CONSTRUCT WHERE { <https://w3id.org/crosswalk/uva/r2> ?p ?o }";
    let nt = stdout(&query("nt", construct));
    assert_eq!(nt.lines().count(), 4);
    let expected = statements(RdfFormat::NTriples, &nt);
    // The table of a CONSTRUCT is Turtle.
    for format in ["ttl", "table"] {
        let ttl = stdout(&query(format, construct));
        assert!(ttl.contains("dcterms:title \"Walden\"@en"), "{ttl}");
        assert_eq!(statements(RdfFormat::Turtle, &ttl), expected);
    }
    let xml = stdout(&query("rdfxml", construct));
    assert_eq!(statements(RdfFormat::RdfXml, &xml), expected);
}

#[test]
fn query_errors() {
    let o = query("csv", "CONSTRUCT WHERE { ?s ?p ?o }");
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("a CONSTRUCT query cannot be answered as csv")
    );
    let o = query("table", "SELECT ?s WHERE {\n ?s ?p }");
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("the query: SPARQL syntax error at line 2, column"),
        "{err}"
    );
    let o = query("table", "DELETE WHERE { ?s ?p ?o }");
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("read-only"));
    let o = crosswalk(&["query", "--store", "/nonexistent/store", "ASK {}"]);
    assert_eq!(o.status.code(), Some(2));
    // The query from a file, timed out.
    let file = std::env::temp_dir().join(format!("crosswalk-slow-{}.rq", std::process::id()));
    std::fs::write(
        &file,
        "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n1 ?o . ?p ?q ?r }",
    )
    .unwrap();
    let start = std::time::Instant::now();
    let o = crosswalk(&[
        "query",
        "--store",
        store(),
        "--timeout",
        "0.2",
        "-f",
        file.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("timed out"));
    assert!(start.elapsed() < std::time::Duration::from_secs(5));
}

fn export(args: &[&str]) -> String {
    let mut all = vec!["export", "--store", store()];
    all.extend_from_slice(args);
    stdout(&crosswalk(&all))
}

#[test]
fn export_formats() {
    // Blank node labels are the store's own: statements with blank nodes are compared by count.
    let named = |mut s: Vec<String>| {
        s.retain(|t| !t.contains("_:"));
        s
    };
    let source = std::fs::read_to_string(FIXTURE).unwrap();
    let quads = statements(RdfFormat::NQuads, &source);
    assert_eq!(quads.len(), 23);
    let nq = export(&["--format", "nq"]);
    assert_eq!(statements(RdfFormat::NQuads, &nq).len(), 23);
    assert_eq!(
        named(statements(RdfFormat::NQuads, &nq)),
        named(quads.clone())
    );
    let trig = export(&["--format", "trig"]);
    assert!(trig.contains("@prefix dcterms:"));
    assert_eq!(named(statements(RdfFormat::TriG, &trig)), named(quads));
    // The triple syntaxes write the union; the fixture's triples are all different, except for
    // the blank node, which the parsers rename.
    let nt = export(&["--format", "nt"]);
    let triples = statements(RdfFormat::NTriples, &nt);
    assert_eq!(triples.len(), 23);
    for (format, name) in [
        (RdfFormat::Turtle, "ttl"),
        (RdfFormat::RdfXml, "rdfxml"),
        (
            RdfFormat::JsonLd {
                profile: Default::default(),
            },
            "jsonld",
        ),
    ] {
        let text = export(&["--format", name]);
        assert_eq!(
            named(statements(format, &text)),
            named(triples.clone()),
            "{name}"
        );
        assert_eq!(statements(format, &text).len(), 23, "{name}");
    }
}

#[test]
fn export_json_ld_is_compacted() {
    let text = export(&[
        "--format",
        "jsonld",
        "--graph",
        "https://w3id.org/crosswalk/graph/uva/r1",
    ]);
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        json["@context"]["dcterms"], "http://purl.org/dc/terms/",
        "{text}"
    );
    let graph = json["@graph"].as_array().unwrap();
    let record = graph
        .iter()
        .find(|n| n["@id"] == "https://w3id.org/crosswalk/uva/r1")
        .unwrap();
    assert_eq!(record["@type"], "dcterms:BibliographicResource");
    assert_eq!(record["dcterms:title"], "Moby Dick; or, The whale");
    assert_eq!(
        record["dcterms:date"],
        serde_json::json!({"@value": "1851", "@type": "xsd:gYear"})
    );
    assert_eq!(
        record["dcterms:subject"],
        serde_json::json!({"@id": "lcsh:sh85148243"})
    );
    let concept = graph
        .iter()
        .find(|n| n["@id"] == "lcsh:sh85148243")
        .unwrap();
    assert_eq!(
        concept["skos:prefLabel"],
        serde_json::json!({"@value": "Whaling", "@language": "en"})
    );
}

#[test]
fn export_a_collection_or_a_graph() {
    let nq = export(&["--format", "nq", "--collection", "uva"]);
    let mut graphs: Vec<&str> = nq
        .lines()
        .map(|l| l.rsplit_once(" <").unwrap().1.trim_end_matches("> ."))
        .collect();
    graphs.dedup();
    assert_eq!(
        graphs,
        [
            "https://w3id.org/crosswalk/graph/uva/r1",
            "https://w3id.org/crosswalk/provenance/uva/r1",
            "https://w3id.org/crosswalk/graph/uva/r2",
            "https://w3id.org/crosswalk/provenance/uva/r2",
        ]
    );
    assert_eq!(nq.lines().count(), 15);
    let nt = export(&["--format", "nt", "--collection", "ead"]);
    assert_eq!(nt.lines().count(), 5);
    assert!(!nt.contains("> <https://w3id.org/crosswalk/graph/"));
    let o = crosswalk(&[
        "export",
        "--store",
        store(),
        "--format",
        "nt",
        "--collection",
        "nope",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no collection \"nope\""));

    let one = export(&[
        "--format",
        "nq",
        "--graph",
        "https://w3id.org/crosswalk/provenance/uva/r1",
    ]);
    assert_eq!(one.lines().count(), 2);
    let o = crosswalk(&[
        "export",
        "--store",
        store(),
        "--format",
        "nq",
        "--graph",
        "https://example.org/none",
    ]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("no graph <https://example.org/none>"));
}
