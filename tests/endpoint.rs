//! The SPARQL endpoint over HTTP, with a real client (ureq), on an on-disk store opened
//! read-only, filled from `tests/data/sparql/fixture.nq`.

use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use crosswalk::endpoint::Endpoint;
use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::store::Store;

const FIXTURE: &str = include_str!("data/sparql/fixture.nq");
const PREFIXES: &str = "PREFIX dcterms: <http://purl.org/dc/terms/>\n";

/// A six-fold cross product of the store: 23^6 rows to count, far more than the strict timeout.
const SLOW: &str = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . \
                    ?m ?n1 ?o . ?p ?q ?r }";

struct Servers {
    /// Timeout 10 s, limit 1000.
    normal: String,
    /// Timeout 200 ms, limit 2.
    strict: String,
}

fn store_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("crosswalk-endpoint-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn servers() -> &'static Servers {
    static SERVERS: OnceLock<Servers> = OnceLock::new();
    SERVERS.get_or_init(|| {
        let dir = store_dir();
        {
            let store = Store::open(&dir).unwrap();
            store
                .load_from_reader(
                    RdfParser::from_format(RdfFormat::NQuads),
                    FIXTURE.as_bytes(),
                )
                .unwrap();
            store.flush().unwrap();
        }
        let store = Store::open_read_only(&dir).unwrap();
        let normal = Endpoint::new(store.clone())
            .timeout(Duration::from_secs(10))
            .limit(1000)
            .serve("127.0.0.1:0".parse().unwrap())
            .unwrap();
        let strict = Endpoint::new(store)
            .timeout(Duration::from_millis(200))
            .limit(2)
            .serve("127.0.0.1:0".parse().unwrap())
            .unwrap();
        assert!(normal.addr().ip().is_loopback());
        Servers {
            normal: format!("http://{}/sparql", normal.addr()),
            strict: format!("http://{}/sparql", strict.addr()),
        }
    })
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into()
}

struct Answer {
    status: u16,
    content_type: String,
    truncated: bool,
    cors: bool,
    body: String,
}

fn answer(mut response: ureq::http::Response<ureq::Body>) -> Answer {
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    let content_type = header("content-type");
    let truncated = header("x-crosswalk-truncated") == "true";
    let cors = header("access-control-allow-origin") == "*";
    let status = response.status().as_u16();
    let body = response.body_mut().read_to_string().unwrap();
    Answer {
        status,
        content_type,
        truncated,
        cors,
        body,
    }
}

fn get(url: &str, query: &str, accept: &str) -> Answer {
    answer(
        agent()
            .get(url)
            .query("query", query)
            .header("Accept", accept)
            .call()
            .unwrap(),
    )
}

const TITLES: &str = "PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?r ?title WHERE { ?r dcterms:title ?title } ORDER BY ?r";

#[test]
fn select_as_json() {
    let a = get(&servers().normal, TITLES, "application/sparql-results+json");
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.content_type, "application/sparql-results+json");
    assert!(a.cors);
    assert!(!a.truncated);
    let json: serde_json::Value = serde_json::from_str(&a.body).unwrap();
    assert_eq!(json["head"]["vars"], serde_json::json!(["r", "title"]));
    let bindings = json["results"]["bindings"].as_array().unwrap();
    // The default graph is the union of all graphs: every record's title is there.
    assert_eq!(bindings.len(), 4);
    assert_eq!(bindings[0]["title"]["value"], "Papers of a whaling captain");
    assert_eq!(bindings[3]["title"]["xml:lang"], "en");
}

#[test]
fn select_as_xml_csv_tsv_and_table() {
    let url = &servers().normal;
    let xml = get(url, TITLES, "application/sparql-results+xml");
    assert_eq!(xml.status, 200);
    assert_eq!(xml.content_type, "application/sparql-results+xml");
    assert!(
        xml.body.contains("<variable name=\"title\"/>"),
        "{}",
        xml.body
    );
    assert_eq!(xml.body.matches("<result>").count(), 4);

    let csv = get(url, TITLES, "text/csv");
    assert!(csv.content_type.starts_with("text/csv"));
    let lines: Vec<&str> = csv.body.lines().collect();
    assert_eq!(lines[0], "r,title");
    assert_eq!(
        lines[1],
        "https://w3id.org/crosswalk/ead/e1,Papers of a whaling captain"
    );
    assert_eq!(lines.len(), 5);

    let tsv = get(url, TITLES, "text/tab-separated-values");
    assert!(tsv.content_type.starts_with("text/tab-separated-values"));
    let lines: Vec<&str> = tsv.body.lines().collect();
    assert_eq!(lines[0], "?r\t?title");
    assert_eq!(
        lines[1],
        "<https://w3id.org/crosswalk/ead/e1>\t\"Papers of a whaling captain\""
    );

    let table = get(url, TITLES, "text/plain");
    assert!(table.body.contains("Walden@en"), "{}", table.body);
    assert!(table.body.ends_with("(4 rows)\n"), "{}", table.body);
}

#[test]
fn ask() {
    let url = &servers().normal;
    let query = format!("{PREFIXES}ASK {{ ?r dcterms:title \"Walden\"@en }}");
    let a = get(url, &query, "application/sparql-results+json");
    assert_eq!(a.status, 200);
    let json: serde_json::Value = serde_json::from_str(&a.body).unwrap();
    assert_eq!(json["boolean"], true);
    let a = get(url, "ASK { ?s ?p \"nothing like this\" }", "*/*");
    assert_eq!(a.content_type, "application/sparql-results+json");
    assert!(a.body.contains("false"));
}

#[test]
fn construct_in_two_rdf_formats_and_json_ld() {
    let url = &servers().normal;
    let query = format!(
        "{PREFIXES}CONSTRUCT {{ ?r dcterms:title ?t }} WHERE {{ GRAPH ?g {{ ?r dcterms:title ?t \
         }} ?g dcterms:isPartOf ?c FILTER(STRENDS(STR(?c), \"/collection/uva\")) }}"
    );
    let nt = get(url, &query, "application/n-triples");
    assert_eq!(nt.status, 200, "{}", nt.body);
    assert_eq!(nt.content_type, "application/n-triples");
    assert_eq!(nt.body.lines().count(), 2, "{}", nt.body);
    assert!(nt.body.contains(
        "<https://w3id.org/crosswalk/uva/r2> <http://purl.org/dc/terms/title> \"Walden\"@en ."
    ));

    let ttl = get(url, &query, "text/turtle");
    assert_eq!(ttl.content_type, "text/turtle");
    assert!(ttl
        .body
        .contains("@prefix dcterms: <http://purl.org/dc/terms/> ."));
    assert!(
        ttl.body.contains("dcterms:title \"Walden\"@en"),
        "{}",
        ttl.body
    );
    let graph = |format, text: &str| {
        let mut triples: Vec<String> = RdfParser::from_format(format)
            .for_slice(text.as_bytes())
            .map(|q| q.unwrap().to_string())
            .collect();
        triples.sort();
        triples
    };
    assert_eq!(
        graph(RdfFormat::Turtle, &ttl.body),
        graph(RdfFormat::NTriples, &nt.body)
    );

    let jsonld = get(url, &query, "application/ld+json");
    assert_eq!(jsonld.content_type, "application/ld+json");
    assert!(jsonld
        .body
        .contains("\"dcterms:title\": \"Moby Dick; or, The whale\""));
    assert_eq!(
        graph(
            RdfFormat::JsonLd {
                profile: Default::default()
            },
            &jsonld.body
        ),
        graph(RdfFormat::NTriples, &nt.body)
    );

    let xml = get(url, &query, "application/rdf+xml");
    assert_eq!(xml.content_type, "application/rdf+xml");
    assert_eq!(
        graph(RdfFormat::RdfXml, &xml.body),
        graph(RdfFormat::NTriples, &nt.body)
    );
}

#[test]
fn describe() {
    let a = get(
        &servers().normal,
        "DESCRIBE <https://w3id.org/crosswalk/uva/r2>",
        "application/n-triples",
    );
    assert_eq!(a.status, 200);
    assert_eq!(a.body.lines().count(), 4, "{}", a.body);
}

#[test]
fn post_both_ways() {
    let url = &servers().normal;
    let direct = answer(
        agent()
            .post(url)
            .header("Content-Type", "application/sparql-query")
            .header("Accept", "text/csv")
            .send(TITLES)
            .unwrap(),
    );
    assert_eq!(direct.status, 200, "{}", direct.body);
    assert_eq!(direct.body.lines().count(), 5);
    let form = answer(
        agent()
            .post(url)
            .header("Accept", "text/csv")
            .send_form([("query", TITLES)])
            .unwrap(),
    );
    assert_eq!(form.status, 200, "{}", form.body);
    assert_eq!(form.body, direct.body);
}

#[test]
fn dataset_parameters() {
    let url = &servers().normal;
    let count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }";
    let one_graph = answer(
        agent()
            .get(url)
            .query("query", count)
            .query(
                "default-graph-uri",
                "https://w3id.org/crosswalk/graph/uva/r2",
            )
            .header("Accept", "text/csv")
            .call()
            .unwrap(),
    );
    assert_eq!(
        one_graph.body.lines().nth(1),
        Some("4"),
        "{}",
        one_graph.body
    );
    let all = get(url, count, "text/csv");
    assert_eq!(all.body.lines().nth(1), Some("23"), "{}", all.body);
    // FROM in the query is honoured when the protocol names no graph.
    let from = get(
        url,
        "SELECT (COUNT(*) AS ?n) FROM <https://w3id.org/crosswalk/provenance/uva/r1> \
         WHERE { ?s ?p ?o }",
        "text/csv",
    );
    assert_eq!(from.body.lines().nth(1), Some("2"), "{}", from.body);
}

#[test]
fn updates_are_refused() {
    let url = &servers().normal;
    let update = "INSERT DATA { <http://example.org/s> <http://example.org/p> \"x\" }";
    let as_form = answer(agent().post(url).send_form([("update", update)]).unwrap());
    assert_eq!(as_form.status, 403);
    assert!(as_form.body.contains("read-only"), "{}", as_form.body);
    assert!(as_form.cors);
    let as_body = answer(
        agent()
            .post(url)
            .header("Content-Type", "application/sparql-update")
            .send(update)
            .unwrap(),
    );
    assert_eq!(as_body.status, 403);
    let as_query = get(url, update, "*/*");
    assert_eq!(as_query.status, 403);
    assert!(as_query.body.contains("read-only"));
    // Nothing changed.
    let a = get(
        url,
        "ASK { ?s ?p \"x\" }",
        "application/sparql-results+json",
    );
    assert!(a.body.contains("false"));
}

#[test]
fn malformed_query_gets_400_with_the_position() {
    let a = get(
        &servers().normal,
        "SELECT ?s WHERE {\n  ?s ?p ?o .\n  FILTER(?o = }",
        "*/*",
    );
    assert_eq!(a.status, 400);
    assert!(a.body.contains("line 3, column"), "{}", a.body);
}

#[test]
fn slow_query_times_out_with_503() {
    let start = Instant::now();
    let a = get(&servers().strict, SLOW, "application/sparql-results+json");
    let elapsed = start.elapsed();
    assert_eq!(a.status, 503, "{}", a.body);
    assert!(a.body.contains("timed out"), "{}", a.body);
    // The answer comes at the timeout (200 ms), not when oxigraph notices the cancellation.
    assert!(elapsed < Duration::from_secs(3), "{elapsed:?}");
}

#[test]
fn result_limit() {
    let a = get(&servers().strict, TITLES, "text/csv");
    assert_eq!(a.status, 200);
    assert!(a.truncated);
    assert_eq!(a.body.lines().count(), 3, "{}", a.body);
    let a = get(
        &servers().strict,
        "CONSTRUCT WHERE { ?s ?p ?o }",
        "application/n-triples",
    );
    assert!(a.truncated);
    assert_eq!(a.body.lines().count(), 2);
    let a = get(&servers().normal, TITLES, "text/csv");
    assert!(!a.truncated);
}

#[test]
fn negotiation_and_routes() {
    let url = &servers().normal;
    let a = get(url, TITLES, "image/png");
    assert_eq!(a.status, 406);
    assert!(a.body.contains("application/sparql-results+json"));
    let missing = answer(agent().get(url).call().unwrap());
    assert_eq!(missing.status, 400);
    let other = answer(
        agent()
            .get(url.replace("/sparql", "/nothing"))
            .call()
            .unwrap(),
    );
    assert_eq!(other.status, 404);
    let wrong_type = answer(
        agent()
            .post(url)
            .header("Content-Type", "text/plain")
            .send(TITLES)
            .unwrap(),
    );
    assert_eq!(wrong_type.status, 415);
    let preflight = answer(agent().options(url).call().unwrap());
    assert_eq!(preflight.status, 204);
    assert!(preflight.cors);
}
