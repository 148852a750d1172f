//! A remote store: any server speaking the SPARQL 1.1 Graph Store HTTP Protocol, SPARQL 1.1
//! Query and (optionally) SPARQL 1.1 Update — Virtuoso, GraphDB, Fuseki, Neptune, Stardog — written
//! with the same record graphs and provenance as the embedded store (see `docs/remote-store.md`).
//!
//! - Record states (checksum, fingerprint) of a collection are fetched with **one** SPARQL SELECT
//!   when the collection starts ([`RecordStore::collection_states`]), streamed as CSV into a map
//!   of about 250 bytes per record.
//! - Records are written in batches, by `concurrency` threads: with an update endpoint, one SPARQL
//!   Update request per batch (`DROP SILENT GRAPH` the provenance graph, then the record graph,
//!   then `INSERT` the record graphs, then the provenance graphs); without one, a Graph Store `PUT`
//!   per graph, the record graph before its provenance. Either way the provenance, which holds the
//!   checksum, is written last and dropped first, so that a record whose write was interrupted is
//!   found missing or stale and re-written by the next run.
//! - Timeouts, and retries with exponential backoff for what may pass (no answer, 429, 502, 503,
//!   504, a deadlock); a refusal (any other 4xx or 5xx: bad credentials, no permission, a query
//!   the server rejects) stops at once with the server's words.
//! - Digest (RFC 7616) or Basic authentication, whichever the server asks for.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, SyncSender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime};

use oxrdf::{GraphName, NamedNode, NamedNodeRef, NamedOrBlankNode, Quad, Term};
use oxrdfio::{RdfFormat, RdfParser};
use sha2::{Digest, Sha256};

use super::digest::Challenge;
use super::{RecordGraphs, RecordState, RecordStore, RecordWriter, StoreError};
use crate::vocab::ns;

/// The environment variable holding the remote store's user name.
pub const USER_VAR: &str = "CROSSWALK_REMOTE_USER";
/// The environment variable holding the remote store's password.
pub const PASSWORD_VAR: &str = "CROSSWALK_REMOTE_PASSWORD";

/// Rows per page of a SELECT that may be long (see `RemoteStore::select_csv_paged`): the most
/// that Virtuoso sorts for an `ORDER BY … LIMIT` by default (`MaxSortedTopRows`).
const PAGE_ROWS: usize = 10_000;

/// Graphs per query when their quads are read (a record's two graphs hold a few hundred quads).
const GRAPHS_PER_QUERY: usize = 200;

/// Where a remote store is and how to talk to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteConfig {
    /// The Graph Store HTTP Protocol endpoint (`…?graph=IRI` is appended; Virtuoso's
    /// `/sparql-graph-crud-auth` takes `graph-uri`, see [`RemoteConfig::graph_parameter`]).
    pub graph_store: String,
    /// The SPARQL query endpoint.
    pub query: String,
    /// The SPARQL update endpoint; without one, each graph is written with a Graph Store `PUT`.
    pub update: Option<String>,
    /// User name (from [`USER_VAR`], never from a file).
    pub user: Option<String>,
    /// Password (from [`PASSWORD_VAR`]).
    pub password: Option<String>,
    /// Timeout of one request.
    pub timeout: Duration,
    /// How often a request that may pass is tried again (with backoff from 0.5 s, doubling).
    pub retries: u32,
    /// Requests in flight at once.
    pub concurrency: usize,
    /// Records per update request.
    pub batch_records: usize,
}

impl RemoteConfig {
    /// A configuration with default timeout (60 s), retries (6), concurrency (4) and batch size
    /// (100 records); credentials from the environment.
    pub fn new(graph_store: impl Into<String>, query: impl Into<String>) -> Self {
        Self {
            graph_store: graph_store.into(),
            query: query.into(),
            update: None,
            user: std::env::var(USER_VAR).ok().filter(|s| !s.is_empty()),
            password: std::env::var(PASSWORD_VAR).ok(),
            timeout: Duration::from_secs(60),
            retries: 6,
            concurrency: 4,
            batch_records: 100,
        }
    }

    /// The query parameter naming the graph: `graph-uri` for Virtuoso's graph-crud endpoints,
    /// `graph` (the standard's) everywhere else.
    pub fn graph_parameter(&self) -> &'static str {
        if self.graph_store.contains("sparql-graph-crud") {
            "graph-uri"
        } else {
            "graph"
        }
    }

    /// Whether the server is Virtuoso (its graph-crud endpoints are named): then update
    /// requests start with `define sql:big-data-const 1`, without which Virtuoso refuses an
    /// `INSERT DATA` of more than about a thousand triples ("generated SQL text has exceeded 10000
    /// lines").
    pub fn is_virtuoso(&self) -> bool {
        self.graph_store.contains("sparql-graph-crud")
    }

    fn graph_url(&self, graph: &str) -> String {
        let sep = if self.graph_store.contains('?') {
            '&'
        } else {
            '?'
        };
        let value: String = form_urlencoded::byte_serialize(graph.as_bytes()).collect();
        format!(
            "{}{sep}{}={value}",
            self.graph_store,
            self.graph_parameter()
        )
    }
}

/// A remote store failed.
#[derive(Debug, thiserror::Error)]
pub enum RemoteError {
    /// The server answered with an error that retrying will not cure.
    #[error("the server refused {method} {url}: {status}{hint}: {body}")]
    Refused {
        /// The request's method.
        method: String,
        /// The request's URL.
        url: String,
        /// The HTTP status.
        status: u16,
        /// What to check.
        hint: &'static str,
        /// The start of the server's answer.
        body: String,
    },
    /// No good answer after every retry.
    #[error("{method} {url}: no good answer after {attempts} attempts: {message}")]
    Unreachable {
        /// The request's method.
        method: String,
        /// The request's URL.
        url: String,
        /// Attempts made.
        attempts: u32,
        /// The last failure.
        message: String,
    },
    /// The answer could not be understood.
    #[error("{url}: cannot read the answer: {message}")]
    BadAnswer {
        /// The request's URL.
        url: String,
        /// What is wrong.
        message: String,
    },
    /// Records could not be written; the run stopped.
    #[error(
        "{source}; {} record(s) of the batches in flight were not written (a rerun writes them)",
        .graphs.len()
    )]
    NotWritten {
        /// Why.
        source: Box<RemoteError>,
        /// The record graphs not written.
        graphs: Vec<String>,
    },
}

impl RemoteError {
    fn bad(url: &str, message: impl std::fmt::Display) -> Self {
        Self::BadAnswer {
            url: url.to_string(),
            message: message.to_string(),
        }
    }
}

/// A store behind SPARQL 1.1 Graph Store, Query and Update endpoints.
#[derive(Clone)]
pub struct RemoteStore {
    client: Arc<Client>,
}

impl std::fmt::Debug for RemoteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RemoteStore")
            .field("graph_store", &self.client.config.graph_store)
            .field("query", &self.client.config.query)
            .field("update", &self.client.config.update)
            .finish()
    }
}

struct Client {
    config: RemoteConfig,
    agent: ureq::Agent,
    challenge: Mutex<Option<(Challenge, u32)>>,
    cnonce: AtomicU64,
}

impl RemoteStore {
    /// A client of the server `config` names (nothing is sent yet).
    pub fn new(config: RemoteConfig) -> Self {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(config.timeout))
            .timeout_connect(Some(Duration::from_secs(10)))
            .max_idle_connections_per_host(config.concurrency.max(1) * 2)
            .build()
            .into();
        Self {
            client: Arc::new(Client {
                config,
                agent,
                challenge: Mutex::new(None),
                cnonce: AtomicU64::new(0),
            }),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &RemoteConfig {
        &self.client.config
    }

    /// Runs a SPARQL query; the answer's body in the media type `accept`.
    pub fn query(&self, query: &str, accept: &str) -> Result<Box<dyn Read + Send>, RemoteError> {
        let url = &self.client.config.query;
        let body = form(&[("query", query)]);
        self.client.send(
            "POST",
            url,
            Some(("application/x-www-form-urlencoded", body.into_bytes())),
            Some(accept),
        )
    }

    /// Runs a SPARQL update (on the update endpoint, else on the query endpoint).
    pub fn update(&self, update: &str) -> Result<(), RemoteError> {
        let c = &self.client.config;
        let url = c.update.as_deref().unwrap_or(&c.query);
        let body = form(&[("update", update)]);
        self.client.send(
            "POST",
            url,
            Some(("application/x-www-form-urlencoded", body.into_bytes())),
            None,
        )?;
        Ok(())
    }

    /// The quads of the named graphs a SELECT of `?g ?s ?p ?o` gives.
    pub fn select_quads(&self, query: &str) -> Result<Vec<Quad>, RemoteError> {
        let url = self.client.config.query.clone();
        let mut reader = self.query(query, "application/sparql-results+json")?;
        let mut text = String::new();
        reader
            .read_to_string(&mut text)
            .map_err(|e| RemoteError::bad(&url, e))?;
        let json: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| RemoteError::bad(&url, e))?;
        let rows = json["results"]["bindings"]
            .as_array()
            .ok_or_else(|| RemoteError::bad(&url, "no results.bindings"))?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let term = |v: &str| json_term(&row[v]).ok_or_else(|| RemoteError::bad(&url, row));
            let (Term::NamedNode(g), s, Term::NamedNode(p), o) =
                (term("g")?, term("s")?, term("p")?, term("o")?)
            else {
                return Err(RemoteError::bad(&url, row));
            };
            let s = match s {
                Term::NamedNode(n) => NamedOrBlankNode::NamedNode(n),
                Term::BlankNode(b) => NamedOrBlankNode::BlankNode(b),
                _ => return Err(RemoteError::bad(&url, row)),
            };
            out.push(Quad::new(s, p, o, GraphName::NamedNode(g)));
        }
        Ok(out)
    }

    /// Every quad in named graphs whose IRI starts with `prefix` (all when empty), as
    /// [`super::canonical_lines`] gives them: for comparing with the embedded store.
    pub fn canonical_nquads(&self, prefix: &str) -> Result<Vec<String>, RemoteError> {
        let mut quads = Vec::new();
        self.quads_of_graphs(&self.graphs(prefix)?, |q| quads.push(q))?;
        Ok(super::canonical_lines(quads))
    }

    /// One graph's triples (as quads in `graph`), by a CONSTRUCT in N-Triples.
    fn graph_quads(&self, graph: NamedNodeRef<'_>) -> Result<Vec<Quad>, RemoteError> {
        let url = self.client.config.query.clone();
        let reader = self.query(
            &format!("CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}"),
            "application/n-triples",
        )?;
        let mut out = Vec::new();
        for q in RdfParser::from_format(RdfFormat::NTriples).for_reader(reader) {
            let q = q.map_err(|e| RemoteError::bad(&url, e))?;
            out.push(Quad::new(q.subject, q.predicate, q.object, graph));
        }
        Ok(out)
    }

    /// Streams the rows of a SELECT in CSV (IRIs and plain literals without commas or quotes).
    fn select_csv(&self, query: &str, mut row: impl FnMut(&[&str])) -> Result<(), RemoteError> {
        let url = self.client.config.query.clone();
        let reader = BufReader::with_capacity(1 << 16, self.query(query, "text/csv")?);
        let mut header = true;
        for line in reader.lines() {
            let line = line.map_err(|e| RemoteError::bad(&url, e))?;
            if header {
                header = false;
                continue;
            }
            let line = line.trim_end_matches('\r');
            if line.is_empty() {
                continue;
            }
            let cells: Vec<&str> = line.split(',').map(|c| c.trim_matches('"')).collect();
            row(&cells);
        }
        Ok(())
    }

    /// Streams the rows of `SELECT {vars} WHERE { pattern }` (`vars` starts with `?g`) page by
    /// page in order of `?g`: servers cap the rows of one answer (Virtuoso at 2^20, without
    /// saying so), which a collection's states or a dump's graphs exceed. A page that comes
    /// back full ends at a graph whose rows may go on in the next page, so its rows are asked
    /// again there; one graph's rows must fit in a page.
    fn select_csv_paged(
        &self,
        vars: &str,
        pattern: &str,
        mut row: impl FnMut(&[&str]),
    ) -> Result<(), RemoteError> {
        let mut from: Option<String> = None;
        loop {
            let filter = match &from {
                Some(g) => format!(" FILTER(STR(?g) >= \"{}\")", g.replace(['"', '\\'], "")),
                None => String::new(),
            };
            let query = format!(
                "SELECT {vars} WHERE {{ {pattern}{filter} }} ORDER BY STR(?g) LIMIT {PAGE_ROWS}"
            );
            let mut page: Vec<Vec<String>> = Vec::new();
            self.select_csv(&query, |cells| {
                page.push(cells.iter().map(|c| c.to_string()).collect())
            })?;
            let full = page.len() >= PAGE_ROWS;
            let last = page
                .last()
                .and_then(|r| r.first())
                .cloned()
                .unwrap_or_default();
            if full && from.as_deref() == Some(last.as_str()) {
                return Err(RemoteError::bad(
                    &self.client.config.query,
                    format!("graph {last} has more than {PAGE_ROWS} rows"),
                ));
            }
            for r in &page {
                if !full || r.first() != Some(&last) {
                    row(&r.iter().map(String::as_str).collect::<Vec<_>>());
                }
            }
            if !full {
                return Ok(());
            }
            from = Some(last);
        }
    }

    /// The quads of `graphs`, asked [`GRAPHS_PER_QUERY`] graphs at a time, handed to `each`.
    pub fn quads_of_graphs(
        &self,
        graphs: &[NamedNode],
        mut each: impl FnMut(Quad),
    ) -> Result<(), RemoteError> {
        for chunk in graphs.chunks(GRAPHS_PER_QUERY) {
            let values: Vec<String> = chunk.iter().map(ToString::to_string).collect();
            let quads = self.select_quads(&format!(
                "SELECT ?g ?s ?p ?o WHERE {{ VALUES ?g {{ {} }} GRAPH ?g {{ ?s ?p ?o }} }}",
                values.join(" ")
            ))?;
            quads.into_iter().for_each(&mut each);
        }
        Ok(())
    }

    /// The record graphs and provenance graphs of the collection with id `id` (its IRI ends in
    /// `/collection/{id}`), in order of the record graphs.
    pub fn collection_graphs_by_id(&self, id: &str) -> Result<Vec<NamedNode>, RemoteError> {
        let rows = self.iri_rows_paged(
            "?g ?p",
            &format!(
                "GRAPH ?p {{ ?g <{dc}isPartOf> ?c }} FILTER(STRENDS(STR(?c), \"/collection/{}\"))",
                id.replace(['"', '\\'], ""),
                dc = ns::DCTERMS
            ),
        )?;
        Ok(rows.into_iter().flatten().collect())
    }

    /// The named graphs whose IRI starts with `prefix` (all when empty), in IRI order.
    pub fn graphs(&self, prefix: &str) -> Result<Vec<NamedNode>, RemoteError> {
        let filter = if prefix.is_empty() {
            String::new()
        } else {
            format!(
                " FILTER(STRSTARTS(STR(?g), \"{}\"))",
                prefix.replace(['"', '\\'], "")
            )
        };
        let rows =
            self.iri_rows_paged("DISTINCT ?g", &format!("GRAPH ?g {{ ?s ?p ?o }}{filter}"))?;
        Ok(rows.into_iter().flatten().collect())
    }

    /// The rows of a paged SELECT ([`RemoteStore::select_csv_paged`]) whose every cell is an IRI.
    fn iri_rows_paged(
        &self,
        vars: &str,
        pattern: &str,
    ) -> Result<Vec<Vec<NamedNode>>, RemoteError> {
        let (mut out, mut bad) = (Vec::new(), None);
        self.select_csv_paged(vars, pattern, |row| {
            match row.iter().map(|c| NamedNode::new(*c)).collect() {
                Ok(iris) => out.push(iris),
                Err(_) => bad = Some(row.join(",")),
            }
        })?;
        match bad {
            Some(row) => Err(RemoteError::bad(
                &self.client.config.query,
                format!("not IRIs: {row}"),
            )),
            None => Ok(out),
        }
    }

    fn put_graph(&self, graph: &NamedNode, quads: &[&Quad]) -> Result<(), RemoteError> {
        let mut body = String::new();
        for q in quads {
            triple_line(&mut body, q);
        }
        self.client.send(
            "PUT",
            &self.client.config.graph_url(graph.as_str()),
            Some(("text/turtle; charset=utf-8", body.into_bytes())),
            None,
        )?;
        Ok(())
    }

    fn delete_graph(&self, graph: &NamedNode) -> Result<(), RemoteError> {
        self.client.send(
            "DELETE",
            &self.client.config.graph_url(graph.as_str()),
            None,
            None,
        )?;
        Ok(())
    }

    /// Writes one batch: one update request, or PUTs and DELETEs graph by graph.
    fn write_batch(&self, ops: &[Op]) -> Result<(), RemoteError> {
        if self.client.config.update.is_some() {
            if !self.client.config.is_virtuoso() {
                return self.update(&batch_update(ops));
            }
            let text = format!("define sql:big-data-const 1\n{}", batch_update(ops));
            return match self.update(&text) {
                // Virtuoso could not turn this batch into SQL with its constants as parameters
                // (error SP031, seen with some mixes of typed literals); it asks for the
                // opposite setting, which only works for small requests: one record at a time.
                Err(RemoteError::Refused { body, .. }) if body.contains("SP031") => ops
                    .iter()
                    .try_for_each(|op| self.update(&batch_update(std::slice::from_ref(op)))),
                written => written,
            };
        }
        for op in ops {
            match op {
                Op::Put(r, _) => {
                    let (mut record, mut provenance) = (Vec::new(), Vec::new());
                    for q in &r.quads {
                        if q.graph_name == GraphName::NamedNode(r.provenance.clone()) {
                            provenance.push(q);
                        } else {
                            record.push(q);
                        }
                    }
                    self.put_graph(&r.graph, &record)?;
                    self.put_graph(&r.provenance, &provenance)?;
                }
                Op::Remove(g, p) => {
                    self.delete_graph(g)?;
                    self.delete_graph(p)?;
                }
            }
        }
        Ok(())
    }
}

impl Client {
    /// Sends a request, authenticating and retrying as needed; the body of a 2xx answer (or of
    /// a 404 to a DELETE: the graph is gone already).
    fn send(
        &self,
        method: &str,
        url: &str,
        body: Option<(&str, Vec<u8>)>,
        accept: Option<&str>,
    ) -> Result<Box<dyn Read + Send>, RemoteError> {
        let c = &self.config;
        let path = url
            .split_once("://")
            .and_then(|(_, rest)| rest.find('/').map(|i| &rest[i..]))
            .unwrap_or("/");
        let mut attempt = 0u32;
        let mut fresh_challenge = false;
        let mut last = String::new();
        while attempt <= c.retries {
            let mut b = ureq::http::Request::builder().method(method).uri(url);
            if let Some(a) = accept {
                b = b.header("Accept", a);
            }
            if let (Some(user), Some((challenge, nc))) =
                (&c.user, &mut *self.challenge.lock().expect("not poisoned"))
            {
                *nc += 1;
                let cnonce = self.cnonce();
                let password = c.password.as_deref().unwrap_or("");
                b = b.header(
                    "Authorization",
                    challenge.authorization(method, path, user, password, *nc, &cnonce),
                );
            }
            let sent = match &body {
                Some((ct, bytes)) => b
                    .header("Content-Type", *ct)
                    .body(bytes.clone())
                    .map_err(|e| RemoteError::bad(url, e))
                    .map(|r| self.agent.run(r)),
                None => b
                    .body(())
                    .map_err(|e| RemoteError::bad(url, e))
                    .map(|r| self.agent.run(r)),
            }?;
            let resp = match sent {
                Ok(r) => r,
                Err(e) => {
                    last = e.to_string();
                    backoff(attempt);
                    attempt += 1;
                    continue;
                }
            };
            let status = resp.status().as_u16();
            if (200..300).contains(&status) || (status == 404 && method == "DELETE") {
                return Ok(Box::new(resp.into_body().into_reader()));
            }
            let challenge = resp
                .headers()
                .get_all("www-authenticate")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .filter_map(Challenge::parse)
                .max_by_key(|c| matches!(c, Challenge::Digest { .. }));
            let text = excerpt(resp.into_body());
            if status == 401 && c.user.is_some() && !fresh_challenge {
                if let Some(ch) = challenge {
                    // A first challenge, or a stale nonce: answer it once.
                    fresh_challenge = true;
                    *self.challenge.lock().expect("not poisoned") = Some((ch, 0));
                    continue;
                }
            }
            let transient = matches!(status, 408 | 429 | 502 | 503 | 504)
                || (status == 500 && (text.contains("deadlock") || text.contains("40001")));
            if !transient {
                let hint = match status {
                    401 if c.user.is_none() => {
                        " (no credentials: set CROSSWALK_REMOTE_USER and CROSSWALK_REMOTE_PASSWORD)"
                    }
                    401 => " (check CROSSWALK_REMOTE_USER and CROSSWALK_REMOTE_PASSWORD)",
                    403 => " (the user may not write: see docs/remote-store.md)",
                    _ => "",
                };
                return Err(RemoteError::Refused {
                    method: method.to_string(),
                    url: url.to_string(),
                    status,
                    hint,
                    body: text,
                });
            }
            last = format!("{status}: {text}");
            backoff(attempt);
            attempt += 1;
        }
        Err(RemoteError::Unreachable {
            method: method.to_string(),
            url: url.to_string(),
            attempts: attempt,
            message: last,
        })
    }

    fn cnonce(&self) -> String {
        let n = self.cnonce.fetch_add(1, Ordering::Relaxed);
        let t = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        let d = Sha256::digest(format!("{t}-{n}-{}", std::process::id()).as_bytes());
        d[..8].iter().map(|b| format!("{b:02x}")).collect()
    }
}

fn backoff(attempt: u32) {
    std::thread::sleep(Duration::from_millis(500u64 << attempt.min(6)));
}

/// The first 300 characters of an error answer, on one line.
fn excerpt(body: ureq::Body) -> String {
    let mut s = String::new();
    let _ = body.into_reader().take(4096).read_to_string(&mut s);
    let s: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    s.chars().take(300).collect()
}

fn form(pairs: &[(&str, &str)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

fn triple_line(out: &mut String, q: &Quad) {
    use std::fmt::Write;
    let _ = writeln!(out, "{} {} {} .", q.subject, q.predicate, q.object);
}

/// A term of a SPARQL JSON result binding (Virtuoso's `typed-literal` included; blank node
/// labels such as `nodeID://b10005` become valid labels).
fn json_term(v: &serde_json::Value) -> Option<Term> {
    let value = v["value"].as_str()?;
    Some(match v["type"].as_str()? {
        "uri" => NamedNode::new(value).ok()?.into(),
        "bnode" => {
            let label: String = value
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                .collect();
            oxrdf::BlankNode::new(format!("b{label}")).ok()?.into()
        }
        "literal" | "typed-literal" => {
            if let Some(l) = v["xml:lang"].as_str() {
                oxrdf::Literal::new_language_tagged_literal(value, l)
                    .ok()?
                    .into()
            } else if let Some(d) = v["datatype"].as_str() {
                oxrdf::Literal::new_typed_literal(value, NamedNode::new(d).ok()?).into()
            } else {
                oxrdf::Literal::new_simple_literal(value).into()
            }
        }
        _ => return None,
    })
}

/// One record write or removal.
enum Op {
    /// A record to write, and whether the store does not hold it yet.
    Put(RecordGraphs, bool),
    Remove(NamedNode, NamedNode),
}

impl Op {
    fn graph(&self) -> &NamedNode {
        match self {
            Op::Put(r, _) => &r.graph,
            Op::Remove(g, _) => g,
        }
    }
}

/// The SPARQL Update request of a batch, four operations whatever its size (servers limit the
/// size of what one request compiles to): delete the provenance graphs, then the record graphs
/// (of records replaced and removed; a new record has nothing to delete, and the request is
/// atomic on the server, as SPARQL 1.1 Update asks), then insert the record graphs, then the provenance graphs.
/// `INSERT DATA` unless a graph holds blank nodes (which some servers, Virtuoso among them, refuse
/// there): then `INSERT { … } WHERE { }`.
fn batch_update(ops: &[Op]) -> String {
    let (mut drop_provenance, mut drop_records) = (String::new(), String::new());
    let (mut records, mut provenance) = (String::new(), String::new());
    let mut blank = false;
    for op in ops {
        match op {
            Op::Put(r, new) => {
                if !new {
                    drop_provenance.push_str(&format!(" {}", r.provenance));
                    drop_records.push_str(&format!(" {}", r.graph));
                }
                for (graph, text) in [(&r.graph, &mut records), (&r.provenance, &mut provenance)] {
                    text.push_str(&format!("GRAPH {graph} {{\n"));
                    for q in &r.quads {
                        if matches!(&q.graph_name, GraphName::NamedNode(n) if n == graph) {
                            blank |= matches!(q.subject, NamedOrBlankNode::BlankNode(_))
                                || matches!(q.object, Term::BlankNode(_));
                            triple_line(text, q);
                        }
                    }
                    text.push_str("}\n");
                }
            }
            Op::Remove(g, p) => {
                // The record graph first: a provenance graph left behind is pruned next time.
                drop_records.push_str(&format!(" {g}"));
                drop_provenance.push_str(&format!(" {p}"));
            }
        }
    }
    let delete = |graphs: &str| {
        format!(
            "DELETE {{ GRAPH ?g {{ ?s ?p ?o }} }} WHERE {{ VALUES ?g {{{graphs} }} GRAPH ?g {{ ?s ?p ?o }} }}"
        )
    };
    let mut out = Vec::new();
    if records.is_empty() {
        out.push(delete(&drop_records));
        out.push(delete(&drop_provenance));
    } else {
        if !drop_records.is_empty() {
            out.push(delete(&drop_provenance));
            out.push(delete(&drop_records));
        }
        let (open, close) = if blank {
            ("INSERT {\n", "} WHERE { }")
        } else {
            ("INSERT DATA {\n", "}")
        };
        out.push(format!("{open}{records}{close}"));
        out.push(format!("{open}{provenance}{close}"));
    }
    out.join(" ;\n")
}

impl RecordStore for RemoteStore {
    fn is_empty(&self) -> Result<bool, StoreError> {
        // Servers hold system graphs of their own; the states are fetched per collection.
        Ok(false)
    }

    fn record_state(
        &self,
        graph: NamedNodeRef<'_>,
        provenance: NamedNodeRef<'_>,
    ) -> Result<Option<RecordState>, StoreError> {
        let mut state = None;
        self.select_csv(
            &format!(
                "SELECT ?c ?f WHERE {{ GRAPH {provenance} {{ {graph} <{cw}checksum> ?c . \
                 OPTIONAL {{ {graph} <{cw}fingerprint> ?f }} }} }} LIMIT 1",
                cw = ns::CW
            ),
            |row| {
                state = Some(RecordState {
                    checksum: row[0].to_string(),
                    fingerprint: row.get(1).copied().unwrap_or("").to_string(),
                });
            },
        )?;
        Ok(state)
    }

    fn collection_states(
        &self,
        collection: NamedNodeRef<'_>,
        keep: &dyn Fn(&str) -> bool,
    ) -> Result<Option<HashMap<String, RecordState>>, StoreError> {
        let mut out = HashMap::new();
        self.select_csv_paged(
            "?g ?c ?f",
            &format!(
                "GRAPH ?p {{ ?g <{dc}isPartOf> {collection} ; \
                 <{cw}checksum> ?c . OPTIONAL {{ ?g <{cw}fingerprint> ?f }} }}",
                dc = ns::DCTERMS,
                cw = ns::CW
            ),
            |row| {
                if row.len() >= 2 && keep(row[0]) {
                    out.insert(
                        row[0].to_string(),
                        RecordState {
                            checksum: row[1].to_string(),
                            fingerprint: row.get(2).copied().unwrap_or("").to_string(),
                        },
                    );
                }
            },
        )?;
        Ok(Some(out))
    }

    fn collection_graphs(
        &self,
        collection: NamedNodeRef<'_>,
    ) -> Result<Vec<(NamedNode, NamedNode)>, StoreError> {
        let rows = self.iri_rows_paged(
            "?g ?p",
            &format!(
                "GRAPH ?p {{ ?g <{dc}isPartOf> {collection} ; a <{cw}RecordGraph> }}",
                dc = ns::DCTERMS,
                cw = ns::CW
            ),
        )?;
        let url = &self.client.config.query;
        rows.into_iter()
            .map(|row| match <[NamedNode; 2]>::try_from(row) {
                Ok([g, p]) => Ok((g, p)),
                Err(row) => Err(RemoteError::bad(url, format!("not two IRIs: {row:?}")).into()),
            })
            .collect()
    }

    fn set_graph(&self, graph: NamedNodeRef<'_>, quads: &[Quad]) -> Result<bool, StoreError> {
        let lines = |qs: &[Quad]| {
            let mut v: Vec<String> = qs
                .iter()
                .map(|q| format!("{} {} {}", q.subject, q.predicate, q.object).to_lowercase())
                .collect();
            v.sort();
            v.dedup();
            v
        };
        if lines(&self.graph_quads(graph)?) == lines(quads) {
            return Ok(false);
        }
        let refs: Vec<&Quad> = quads.iter().collect();
        self.put_graph(&graph.into_owned(), &refs)?;
        Ok(true)
    }

    fn add_quads(&self, quads: &[Quad]) -> Result<(), StoreError> {
        let mut by_graph: Vec<(&GraphName, String)> = Vec::new();
        for q in quads {
            let i = match by_graph.iter().position(|(g, _)| *g == &q.graph_name) {
                Some(i) => i,
                None => {
                    by_graph.push((&q.graph_name, String::new()));
                    by_graph.len() - 1
                }
            };
            triple_line(&mut by_graph[i].1, q);
        }
        for (g, body) in by_graph {
            let GraphName::NamedNode(g) = g else {
                continue;
            };
            // A Graph Store POST adds to the graph.
            self.client.send(
                "POST",
                &self.client.config.graph_url(g.as_str()),
                Some(("text/turtle; charset=utf-8", body.into_bytes())),
                None,
            )?;
        }
        Ok(())
    }

    fn record_writer(&self, _records_per_commit: usize) -> Box<dyn RecordWriter + '_> {
        Box::new(RemoteWriter::new(self.clone()))
    }
}

struct Shared {
    failure: Mutex<Option<RemoteError>>,
    unwritten: Mutex<Vec<String>>,
    written: AtomicU64,
}

/// Writes batches of records with bounded concurrency; stops at the first batch that fails.
struct RemoteWriter {
    pending: Vec<Op>,
    pending_quads: usize,
    batch_records: usize,
    sender: Option<SyncSender<Vec<Op>>>,
    workers: Vec<JoinHandle<()>>,
    shared: Arc<Shared>,
}

impl RemoteWriter {
    fn new(store: RemoteStore) -> Self {
        let n = store.client.config.concurrency.max(1);
        let batch_records = store.client.config.batch_records.max(1);
        let (sender, receiver) = sync_channel::<Vec<Op>>(n);
        let receiver = Arc::new(Mutex::new(receiver));
        let shared = Arc::new(Shared {
            failure: Mutex::new(None),
            unwritten: Mutex::new(Vec::new()),
            written: AtomicU64::new(0),
        });
        let workers = (0..n)
            .map(|_| {
                let (store, receiver, shared) = (store.clone(), receiver.clone(), shared.clone());
                std::thread::spawn(move || loop {
                    let Ok(ops) = receiver.lock().expect("not poisoned").recv() else {
                        return;
                    };
                    let failed = shared.failure.lock().expect("not poisoned").is_some();
                    let result = if failed {
                        Ok(())
                    } else {
                        store.write_batch(&ops)
                    };
                    match result {
                        Ok(()) if !failed => {
                            shared
                                .written
                                .fetch_add(ops.len() as u64, Ordering::Relaxed);
                        }
                        r => {
                            if let Err(e) = r {
                                shared
                                    .failure
                                    .lock()
                                    .expect("not poisoned")
                                    .get_or_insert(e);
                            }
                            shared
                                .unwritten
                                .lock()
                                .expect("not poisoned")
                                .extend(ops.iter().map(|o| o.graph().as_str().to_string()));
                        }
                    }
                })
            })
            .collect();
        Self {
            pending: Vec::new(),
            pending_quads: 0,
            batch_records,
            sender: Some(sender),
            workers,
            shared,
        }
    }

    fn push(&mut self, op: Op) -> Result<(), StoreError> {
        if self.shared.failure.lock().expect("not poisoned").is_some() {
            // Stop reading: the error comes out of finish() with the records not written.
            self.pending.push(op);
            return self.stop();
        }
        if let Op::Put(r, _) = &op {
            self.pending_quads += r.quads.len();
        }
        self.pending.push(op);
        if self.pending.len() >= self.batch_records || self.pending_quads >= 20_000 {
            self.flush();
        }
        Ok(())
    }

    fn flush(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        self.pending_quads = 0;
        let ops = std::mem::take(&mut self.pending);
        if let Some(s) = &self.sender {
            let _ = s.send(ops);
        }
    }

    /// Waits for the batches in flight and returns the failure with every record not written.
    fn stop(&mut self) -> Result<(), StoreError> {
        self.flush();
        self.sender = None;
        for w in self.workers.drain(..) {
            let _ = w.join();
        }
        match self.shared.failure.lock().expect("not poisoned").take() {
            None => Ok(()),
            Some(e) => {
                let mut graphs = std::mem::take(&mut *self.shared.unwritten.lock().expect("ok"));
                graphs.extend(
                    self.pending
                        .drain(..)
                        .map(|o| o.graph().as_str().to_string()),
                );
                Err(RemoteError::NotWritten {
                    source: Box::new(e),
                    graphs,
                }
                .into())
            }
        }
    }
}

impl RecordWriter for RemoteWriter {
    fn insert_new(&mut self, record: RecordGraphs) -> Result<(), StoreError> {
        self.push(Op::Put(record, true))
    }

    fn replace(&mut self, record: RecordGraphs) -> Result<(), StoreError> {
        self.push(Op::Put(record, false))
    }

    fn remove(&mut self, graph: NamedNode, provenance: NamedNode) -> Result<(), StoreError> {
        self.push(Op::Remove(graph, provenance))
    }

    fn finish(mut self: Box<Self>) -> Result<u64, StoreError> {
        self.stop()?;
        Ok(self.shared.written.load(Ordering::Relaxed))
    }
}

impl Drop for RemoteWriter {
    fn drop(&mut self) {
        self.sender = None;
        for w in self.workers.drain(..) {
            let _ = w.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_drops_provenance_first_and_inserts_it_last() {
        let g = NamedNode::new("https://e.org/graph/c/1").unwrap();
        let p = NamedNode::new("https://e.org/provenance/c/1").unwrap();
        let t = NamedNode::new("http://purl.org/dc/terms/title").unwrap();
        let r = RecordGraphs {
            graph: g.clone(),
            provenance: p.clone(),
            quads: vec![
                Quad::new(g.clone(), t.clone(), oxrdf::Literal::from("x"), p.clone()),
                Quad::new(g.clone(), t, oxrdf::Literal::from("y"), g.clone()),
            ],
        };
        assert!(!batch_update(&[Op::Put(r.clone(), true)]).contains("DELETE"));
        let u = batch_update(&[Op::Put(r, false)]);
        let at = |s: &str| u.find(s).unwrap_or_else(|| panic!("{s} in {u}"));
        assert!(
            at("{ <https://e.org/provenance") < at("{ <https://e.org/graph"),
            "{u}"
        );
        assert!(at("\"y\"") < at("\"x\""), "{u}");
        assert!(u.starts_with("DELETE") && u.contains("INSERT DATA"), "{u}");
    }

    #[test]
    fn graph_urls_use_virtuosos_parameter_on_its_endpoint() {
        let c = RemoteConfig::new("http://h:1/sparql-graph-crud-auth", "http://h:1/sparql");
        assert_eq!(
            c.graph_url("https://e.org/g/1"),
            "http://h:1/sparql-graph-crud-auth?graph-uri=https%3A%2F%2Fe.org%2Fg%2F1"
        );
        let c = RemoteConfig::new("http://h:3030/ds/data", "http://h:3030/ds/query");
        assert!(c.graph_url("x").ends_with("/ds/data?graph=x"));
    }
}
