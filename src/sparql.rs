//! Read-only SPARQL 1.1 queries over the store, and the answers written in the standard formats.
//!
//! ```text
//! let query = Query::parse("SELECT ?t WHERE { ?r dcterms:title ?t }")?;   // updates are refused here
//! let options = QueryOptions::default().with_timeout(Duration::from_secs(10)).with_limit(1000);
//! let answered = answer(&store, &query, &options, Format::Table, &mut out)?;
//! ```
//!
//! - **Read-only.** [`Query::parse`] refuses SPARQL updates ([`QueryError::UpdateRefused`]); nothing
//!   here writes to the store. `SERVICE` calls to other endpoints are not made.
//! - **The default graph is the union of all graphs** unless the query names its dataset (`FROM`,
//!   `FROM NAMED`) or the caller does ([`QueryOptions::default_graphs`]): crosswalk keeps each record
//!   in its own named graph, and a query without `GRAPH` should see every record.
//! - **Timeout**: evaluation is cancelled when the time is up ([`QueryError::Timeout`]);
//!   [`answer_to_vec`] also returns on time when oxigraph is slow to notice.
//! - **Limit**: at most [`QueryOptions::limit`] solutions or triples are written;
//!   [`Answered::truncated`] says whether more were left.
//! - **Prefixes**: tables, Turtle, TriG, RDF/XML and JSON-LD abbreviate IRIs with the prefixes of
//!   the shipped JSON-LD context, [`CONTEXT`].

pub mod export;
pub mod jsonld;
mod table;

use std::fmt;
use std::io::{self, Write};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::OnceLock;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use oxigraph::io::{RdfFormat, RdfSerializer, WriterQuadSerializer};
use oxigraph::model::{GraphName, NamedNode, NamedOrBlankNode, QuadRef, Term, TripleRef, Variable};
use oxigraph::sparql::results::{QueryResultsFormat, QueryResultsSerializer};
use oxigraph::sparql::{CancellationToken, QueryEvaluationError, QueryResults, SparqlEvaluator};
use oxigraph::store::Store;

pub use table::{abbreviate, display_term};

/// The JSON-LD context shipped with crosswalk (`mappings/context.jsonld`): prefixes only (no
/// `@vocab`, `@language` or type coercion), so that compact IRIs are the only abbreviation.
pub const CONTEXT: &str = include_str!("../mappings/context.jsonld");

/// The prefixes of [`CONTEXT`], as (name, namespace IRI), sorted by name.
pub fn prefixes() -> &'static [(String, String)] {
    static PREFIXES: OnceLock<Vec<(String, String)>> = OnceLock::new();
    PREFIXES.get_or_init(|| {
        let value: serde_json::Value =
            serde_json::from_str(CONTEXT).expect("the shipped context is JSON (tested)");
        value["@context"]
            .as_object()
            .map(|map| {
                map.iter()
                    .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                    .collect()
            })
            .unwrap_or_default()
    })
}

/// The shipped prefix whose namespace is the longest start of `iri`, and the rest of `iri`.
/// None when no namespace fits, or when the rest is empty or starts with `//` (a compact IRI
/// would not read back as the same IRI).
pub fn split_prefixed(iri: &str) -> Option<(&'static str, &str)> {
    prefixes()
        .iter()
        .filter(|(_, ns)| {
            iri.len() > ns.len()
                && iri.starts_with(ns.as_str())
                && !iri[ns.len()..].starts_with("//")
        })
        .max_by_key(|(_, ns)| ns.len())
        .map(|(name, ns)| (name.as_str(), &iri[ns.len()..]))
}

/// What a query answers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryForm {
    /// `SELECT`: a table of solutions.
    Select,
    /// `ASK`: true or false.
    Ask,
    /// `CONSTRUCT`: RDF triples.
    Construct,
    /// `DESCRIBE`: RDF triples.
    Describe,
}

impl QueryForm {
    /// Whether the answer is RDF (CONSTRUCT, DESCRIBE) rather than a result set.
    pub fn is_graph(self) -> bool {
        matches!(self, Self::Construct | Self::Describe)
    }

    /// The SPARQL keyword.
    pub fn keyword(self) -> &'static str {
        match self {
            Self::Select => "SELECT",
            Self::Ask => "ASK",
            Self::Construct => "CONSTRUCT",
            Self::Describe => "DESCRIBE",
        }
    }
}

/// An RDF syntax for CONSTRUCT and DESCRIBE answers and for exports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GraphFormat {
    /// N-Triples (`nt`).
    NTriples,
    /// N-Quads (`nq`): keeps graph names.
    NQuads,
    /// Turtle (`ttl`).
    Turtle,
    /// TriG (`trig`): keeps graph names.
    TriG,
    /// RDF/XML (`rdfxml`).
    RdfXml,
    /// JSON-LD (`jsonld`), compacted against [`CONTEXT`] (see [`jsonld`]).
    JsonLd,
}

impl GraphFormat {
    /// Every format, in the order of the documentation.
    pub const ALL: [GraphFormat; 6] = [
        Self::NTriples,
        Self::NQuads,
        Self::Turtle,
        Self::TriG,
        Self::RdfXml,
        Self::JsonLd,
    ];

    /// The short name used on the command line: nt, nq, ttl, trig, rdfxml, jsonld.
    pub fn name(self) -> &'static str {
        match self {
            Self::NTriples => "nt",
            Self::NQuads => "nq",
            Self::Turtle => "ttl",
            Self::TriG => "trig",
            Self::RdfXml => "rdfxml",
            Self::JsonLd => "jsonld",
        }
    }

    /// The format with this short name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.name() == name)
    }

    /// The media type.
    pub fn media_type(self) -> &'static str {
        match self {
            Self::NTriples => "application/n-triples",
            Self::NQuads => "application/n-quads",
            Self::Turtle => "text/turtle",
            Self::TriG => "application/trig",
            Self::RdfXml => "application/rdf+xml",
            Self::JsonLd => "application/ld+json",
        }
    }

    /// Whether the syntax keeps graph names (N-Quads, TriG); the others write triples only.
    pub fn keeps_graphs(self) -> bool {
        matches!(self, Self::NQuads | Self::TriG)
    }

    fn rdf_format(self) -> Option<RdfFormat> {
        Some(match self {
            Self::NTriples => RdfFormat::NTriples,
            Self::NQuads => RdfFormat::NQuads,
            Self::Turtle => RdfFormat::Turtle,
            Self::TriG => RdfFormat::TriG,
            Self::RdfXml => RdfFormat::RdfXml,
            Self::JsonLd => return None,
        })
    }
}

/// How an answer is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Aligned text for people, IRIs abbreviated; for CONSTRUCT and DESCRIBE, Turtle.
    Table,
    /// SPARQL 1.1 Query Results CSV.
    Csv,
    /// SPARQL 1.1 Query Results TSV.
    Tsv,
    /// SPARQL 1.1 Query Results JSON.
    Json,
    /// SPARQL Query Results XML.
    Xml,
    /// An RDF syntax, for CONSTRUCT and DESCRIBE.
    Graph(GraphFormat),
}

impl Format {
    /// The format with this short name: table, csv, tsv, json, xml, or a [`GraphFormat`] name.
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "table" => Self::Table,
            "csv" => Self::Csv,
            "tsv" => Self::Tsv,
            "json" => Self::Json,
            "xml" => Self::Xml,
            _ => Self::Graph(GraphFormat::from_name(name)?),
        })
    }

    /// The short name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Table => "table",
            Self::Csv => "csv",
            Self::Tsv => "tsv",
            Self::Json => "json",
            Self::Xml => "xml",
            Self::Graph(g) => g.name(),
        }
    }

    /// The media type of the answer to a query of this form.
    pub fn media_type(self, form: QueryForm) -> &'static str {
        match self {
            Self::Table if form.is_graph() => GraphFormat::Turtle.media_type(),
            Self::Table => "text/plain; charset=utf-8",
            Self::Csv => "text/csv; charset=utf-8",
            Self::Tsv => "text/tab-separated-values; charset=utf-8",
            Self::Json => "application/sparql-results+json",
            Self::Xml => "application/sparql-results+xml",
            Self::Graph(g) => g.media_type(),
        }
    }

    /// Whether answers of this form can be written in this format (tables go with every form).
    pub fn fits(self, form: QueryForm) -> bool {
        match self {
            Self::Table => true,
            Self::Graph(_) => form.is_graph(),
            _ => !form.is_graph(),
        }
    }

    fn results_format(self) -> Option<QueryResultsFormat> {
        Some(match self {
            Self::Csv => QueryResultsFormat::Csv,
            Self::Tsv => QueryResultsFormat::Tsv,
            Self::Json => QueryResultsFormat::Json,
            Self::Xml => QueryResultsFormat::Xml,
            Self::Table | Self::Graph(_) => return None,
        })
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a query was not answered.
#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    /// The text is not SPARQL; line and column are 1-based, the column counted in characters.
    #[error("SPARQL syntax error at line {line}, column {column}: {message}")]
    Syntax {
        /// 1-based line.
        line: u64,
        /// 1-based column, in characters.
        column: u64,
        /// What the parser expected.
        message: String,
    },
    /// The text is not a valid query for a reason without a position (a bad base IRI, a blank
    /// node shared between blocks).
    #[error("invalid SPARQL query: {0}")]
    Invalid(String),
    /// The text is a SPARQL update.
    #[error(
        "this is a SPARQL update: the store is read-only here and only queries (SELECT, ASK, \
         CONSTRUCT, DESCRIBE) are answered"
    )]
    UpdateRefused,
    /// The answer cannot be written in the format asked for.
    #[error("a {form} query cannot be answered as {format}: {hint}", form = .form.keyword())]
    Format {
        /// The query form.
        form: QueryForm,
        /// The format asked for.
        format: Format,
        /// Which formats fit.
        hint: &'static str,
    },
    /// Evaluation took longer than [`QueryOptions::timeout`] and was stopped.
    #[error("the query timed out: it was stopped after {} s, its time limit", fmt_secs(*.0))]
    Timeout(Duration),
    /// Evaluation failed (a storage error, a bad argument to a function that fails the query).
    #[error("the query failed: {0}")]
    Evaluation(#[source] QueryEvaluationError),
    /// The answer could not be written.
    #[error("could not write the answer: {0}")]
    Io(#[from] io::Error),
}

fn fmt_secs(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s >= 1.0 {
        format!("{s:.0}")
    } else {
        format!("{s:.3}")
    }
}

/// A parsed SPARQL query (never an update).
#[derive(Debug, Clone)]
pub struct Query {
    inner: spargebra::Query,
    form: QueryForm,
}

impl Query {
    /// Parses a query. An update is refused with [`QueryError::UpdateRefused`]; a syntax error
    /// says line and column.
    pub fn parse(text: &str) -> Result<Self, QueryError> {
        match spargebra::SparqlParser::new().parse_query(text) {
            Ok(inner) => {
                let form = match &inner {
                    spargebra::Query::Select { .. } => QueryForm::Select,
                    spargebra::Query::Ask { .. } => QueryForm::Ask,
                    spargebra::Query::Construct { .. } => QueryForm::Construct,
                    spargebra::Query::Describe { .. } => QueryForm::Describe,
                };
                Ok(Self { inner, form })
            }
            Err(e) => {
                if spargebra::SparqlParser::new().parse_update(text).is_ok() {
                    return Err(QueryError::UpdateRefused);
                }
                Err(syntax_error(&e.to_string()))
            }
        }
    }

    /// SELECT, ASK, CONSTRUCT or DESCRIBE.
    pub fn form(&self) -> QueryForm {
        self.form
    }

    /// [`QueryError::Format`] when the answer cannot be written in `format`.
    pub fn check_format(&self, format: Format) -> Result<(), QueryError> {
        if format.fits(self.form) {
            return Ok(());
        }
        Err(QueryError::Format {
            form: self.form,
            format,
            hint: if self.form.is_graph() {
                "its answer is RDF (table, nt, nq, ttl, trig, rdfxml, jsonld)"
            } else {
                "its answer is a result set (table, csv, tsv, json, xml)"
            },
        })
    }
}

/// `error at 3:14: expected one of …` (the parser's message) → line, column and the rest.
fn syntax_error(message: &str) -> QueryError {
    let located = message.strip_prefix("error at ").and_then(|rest| {
        let (place, what) = rest.split_once(": ")?;
        let (line, column) = place.split_once(':')?;
        Some(QueryError::Syntax {
            line: line.parse().ok()?,
            column: column.parse().ok()?,
            message: what.to_string(),
        })
    });
    located.unwrap_or_else(|| QueryError::Invalid(message.to_string()))
}

/// How a query is evaluated.
#[derive(Debug, Clone, Default)]
pub struct QueryOptions {
    /// Evaluation is stopped after this long ([`QueryError::Timeout`]). None: no limit.
    pub timeout: Option<Duration>,
    /// At most this many solutions (SELECT) or triples (CONSTRUCT, DESCRIBE) are written.
    /// None: all.
    pub limit: Option<usize>,
    /// The graphs whose union is the default graph (the protocol's `default-graph-uri`). When
    /// this and [`named_graphs`](Self::named_graphs) are empty, the query's own `FROM` and
    /// `FROM NAMED` apply, and without those the default graph is the union of all graphs.
    pub default_graphs: Vec<NamedNode>,
    /// The named graphs the query may see (the protocol's `named-graph-uri`).
    pub named_graphs: Vec<NamedNode>,
}

impl QueryOptions {
    /// Sets [`timeout`](Self::timeout).
    #[must_use]
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Sets [`limit`](Self::limit).
    #[must_use]
    pub fn with_limit(mut self, limit: usize) -> Self {
        self.limit = Some(limit);
        self
    }
}

/// What [`answer`] wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Answered {
    /// The query form.
    pub form: QueryForm,
    /// Solutions or triples written (1 for ASK).
    pub count: usize,
    /// Whether the limit left solutions or triples out.
    pub truncated: bool,
    /// How long evaluation and writing took.
    pub elapsed: Duration,
}

/// Cancels a query when its time is up; dropping it stops the clock.
struct Timer {
    stop: Option<mpsc::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Timer {
    fn start(timeout: Duration, token: CancellationToken) -> Self {
        let (stop, wait) = mpsc::channel::<()>();
        let thread = thread::spawn(move || {
            if let Err(RecvTimeoutError::Timeout) = wait.recv_timeout(timeout) {
                token.cancel();
            }
        });
        Self {
            stop: Some(stop),
            thread: Some(thread),
        }
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Evaluates `query` on `store` and writes the answer to `out` in `format`.
///
/// The answer is streamed: when the query times out or fails half-way, part of it has been
/// written. Callers that must answer with an error instead (the HTTP endpoint) write into a
/// buffer first; with a [`limit`](QueryOptions::limit) the buffer stays bounded. Tables are
/// always gathered before they are written (the columns are aligned).
pub fn answer(
    store: &Store,
    query: &Query,
    options: &QueryOptions,
    format: Format,
    out: &mut dyn Write,
) -> Result<Answered, QueryError> {
    query.check_format(format)?;
    let start = Instant::now();
    let token = CancellationToken::new();
    let _timer = options
        .timeout
        .map(|timeout| Timer::start(timeout, token.clone()));
    let (count, truncated) = write_answer(store, query, options, format, &token, out)?;
    Ok(Answered {
        form: query.form,
        count,
        truncated,
        elapsed: start.elapsed(),
    })
}

/// The query prepared on `store` with the dataset of `options` (the union of all graphs unless
/// named), cancelled through `token`.
fn execute<'a>(
    store: &'a Store,
    query: &Query,
    options: &QueryOptions,
    token: &CancellationToken,
) -> Result<QueryResults<'a>, QueryError> {
    // oxigraph is built without its HTTP client: a SERVICE call fails, it never leaves this host.
    let mut prepared = SparqlEvaluator::new()
        .with_cancellation_token(token.clone())
        .for_query(query.inner.clone());
    let dataset = prepared.dataset_mut();
    if !options.default_graphs.is_empty() || !options.named_graphs.is_empty() {
        dataset.set_default_graph(
            options
                .default_graphs
                .iter()
                .cloned()
                .map(GraphName::from)
                .collect(),
        );
        dataset.set_available_named_graphs(
            options
                .named_graphs
                .iter()
                .cloned()
                .map(NamedOrBlankNode::from)
                .collect(),
        );
    } else if dataset.is_default_dataset() {
        dataset.set_default_graph_as_union();
    }
    prepared
        .on_store(store)
        .execute()
        .map_err(|e| evaluation_error(e, token, options))
}

fn evaluation_error(
    e: QueryEvaluationError,
    token: &CancellationToken,
    options: &QueryOptions,
) -> QueryError {
    if token.is_cancelled() || matches!(e, QueryEvaluationError::Cancelled) {
        QueryError::Timeout(options.timeout.unwrap_or_default())
    } else {
        QueryError::Evaluation(e)
    }
}

/// Evaluates and writes; returns the count and whether the limit cut the answer short.
fn write_answer(
    store: &Store,
    query: &Query,
    options: &QueryOptions,
    format: Format,
    token: &CancellationToken,
    out: &mut dyn Write,
) -> Result<(usize, bool), QueryError> {
    let failed = |e: QueryEvaluationError| evaluation_error(e, token, options);
    let alive = || {
        if token.is_cancelled() {
            Err(QueryError::Timeout(options.timeout.unwrap_or_default()))
        } else {
            Ok(())
        }
    };
    let limit = options.limit.unwrap_or(usize::MAX);
    let results = execute(store, query, options, token)?;
    Ok(match results {
        QueryResults::Boolean(value) => {
            alive()?;
            match format.results_format() {
                Some(f) => {
                    QueryResultsSerializer::from_format(f)
                        .serialize_boolean_to_writer(out, value)?;
                }
                None => writeln!(out, "{value}")?,
            }
            (1, false)
        }
        QueryResults::Solutions(mut solutions) => {
            let variables = solutions.variables().to_vec();
            let mut count = 0;
            let mut truncated = false;
            if let Some(f) = format.results_format() {
                let mut writer = QueryResultsSerializer::from_format(f)
                    .serialize_solutions_to_writer(&mut *out, variables)?;
                for solution in solutions.by_ref() {
                    let solution = solution.map_err(failed)?;
                    alive()?;
                    if count == limit {
                        truncated = true;
                        break;
                    }
                    writer.serialize(&solution)?;
                    count += 1;
                }
                writer.finish()?;
            } else {
                let mut rows = Vec::new();
                for solution in solutions.by_ref() {
                    let solution = solution.map_err(failed)?;
                    alive()?;
                    if rows.len() == limit {
                        truncated = true;
                        break;
                    }
                    rows.push(
                        variables
                            .iter()
                            .map(|v| solution.get(v).cloned())
                            .collect::<Vec<Option<Term>>>(),
                    );
                }
                count = rows.len();
                table::write(out, &variables, &rows, truncated, options.limit)?;
            }
            (count, truncated)
        }
        QueryResults::Graph(triples) => {
            let graph_format = match format {
                Format::Graph(g) => g,
                _ => GraphFormat::Turtle,
            };
            let mut writer = GraphWriter::new(graph_format, &mut *out)?;
            let mut count = 0;
            let mut truncated = false;
            for triple in triples {
                let triple = triple.map_err(failed)?;
                alive()?;
                if count == limit {
                    truncated = true;
                    break;
                }
                writer.write_triple(triple.as_ref())?;
                count += 1;
            }
            writer.finish()?;
            (count, truncated)
        }
    })
}

/// The solutions of a SELECT query (an ASK gives one row with the variable `ask`; CONSTRUCT
/// and DESCRIBE give `subject`, `predicate`, `object`), at most [`QueryOptions::limit`] rows,
/// for callers that render them themselves (the web pages).
pub fn solutions(
    store: &Store,
    query: &Query,
    options: &QueryOptions,
) -> Result<Solutions, QueryError> {
    let start = Instant::now();
    let token = CancellationToken::new();
    let _timer = options
        .timeout
        .map(|timeout| Timer::start(timeout, token.clone()));
    let failed = |e: QueryEvaluationError| evaluation_error(e, &token, options);
    let limit = options.limit.unwrap_or(usize::MAX);
    let mut rows = Vec::new();
    let mut truncated = false;
    let variables = match execute(store, query, options, &token)? {
        QueryResults::Boolean(value) => {
            rows.push(vec![Some(Term::from(oxigraph::model::Literal::from(
                value,
            )))]);
            vec![Variable::new_unchecked("ask")]
        }
        QueryResults::Solutions(solutions) => {
            let variables = solutions.variables().to_vec();
            for solution in solutions {
                let solution = solution.map_err(failed)?;
                if rows.len() == limit {
                    truncated = true;
                    break;
                }
                rows.push(variables.iter().map(|v| solution.get(v).cloned()).collect());
            }
            variables
        }
        QueryResults::Graph(triples) => {
            for triple in triples {
                let triple = triple.map_err(failed)?;
                if rows.len() == limit {
                    truncated = true;
                    break;
                }
                rows.push(vec![
                    Some(Term::from(triple.subject)),
                    Some(Term::from(triple.predicate)),
                    Some(triple.object),
                ]);
            }
            ["subject", "predicate", "object"]
                .into_iter()
                .map(Variable::new_unchecked)
                .collect()
        }
    };
    if token.is_cancelled() {
        return Err(QueryError::Timeout(options.timeout.unwrap_or_default()));
    }
    Ok(Solutions {
        variables,
        rows,
        truncated,
        elapsed: start.elapsed(),
    })
}

/// What [`solutions`] found.
#[derive(Debug, Clone)]
pub struct Solutions {
    /// The columns.
    pub variables: Vec<Variable>,
    /// The rows, one term (or none: unbound) per column.
    pub rows: Vec<Vec<Option<Term>>>,
    /// Whether the limit left rows out.
    pub truncated: bool,
    /// How long evaluation took.
    pub elapsed: Duration,
}

/// Like [`answer`], into memory, and returns [`QueryError::Timeout`] at the timeout even when
/// evaluation has not stopped yet.
///
/// oxigraph checks for cancellation when it reads from the store; a query that joins in memory
/// (a cross product) can run on for seconds before it notices. The evaluation therefore runs
/// on its own thread: the caller gets the timeout on time, and the thread ends at the next
/// check. Without a timeout this is [`answer`] into a `Vec`.
pub fn answer_to_vec(
    store: &Store,
    query: &Query,
    options: &QueryOptions,
    format: Format,
) -> Result<(Vec<u8>, Answered), QueryError> {
    let Some(timeout) = options.timeout else {
        let mut out = Vec::new();
        let answered = answer(store, query, options, format, &mut out)?;
        return Ok((out, answered));
    };
    let (send, receive) = mpsc::channel();
    let (store, query, options) = (store.clone(), query.clone(), options.clone());
    thread::Builder::new()
        .name("crosswalk sparql query".into())
        .spawn(move || {
            let mut out = Vec::new();
            let result = answer(&store, &query, &options, format, &mut out);
            let _ = send.send(result.map(|answered| (out, answered)));
        })?;
    match receive.recv_timeout(timeout) {
        Ok(result) => result,
        Err(RecvTimeoutError::Timeout) => Err(QueryError::Timeout(timeout)),
        Err(RecvTimeoutError::Disconnected) => Err(QueryError::Io(io::Error::other(
            "the query's thread stopped without an answer",
        ))),
    }
}

/// Writes triples or quads in any [`GraphFormat`], IRIs abbreviated with the [`prefixes`] where
/// the syntax has prefixes. Quads written to a triple syntax lose their graph name.
pub struct GraphWriter<W: Write> {
    inner: GraphWriterKind<W>,
    keeps_graphs: bool,
}

enum GraphWriterKind<W: Write> {
    Rdf(WriterQuadSerializer<W>),
    JsonLd(jsonld::JsonLdWriter<W>),
}

impl<W: Write> GraphWriter<W> {
    /// Starts writing to `out` (JSON-LD writes its context at once).
    pub fn new(format: GraphFormat, out: W) -> io::Result<Self> {
        let inner = match format.rdf_format() {
            Some(rdf_format) => {
                let mut serializer = RdfSerializer::from_format(rdf_format);
                if matches!(
                    format,
                    GraphFormat::Turtle | GraphFormat::TriG | GraphFormat::RdfXml
                ) {
                    for (name, iri) in prefixes() {
                        serializer = serializer
                            .with_prefix(name, iri)
                            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
                    }
                }
                GraphWriterKind::Rdf(serializer.for_writer(out))
            }
            None => GraphWriterKind::JsonLd(jsonld::JsonLdWriter::new(out)?),
        };
        Ok(Self {
            inner,
            keeps_graphs: format.keeps_graphs(),
        })
    }

    /// Writes one triple (in the default graph).
    pub fn write_triple(&mut self, triple: TripleRef<'_>) -> io::Result<()> {
        match &mut self.inner {
            GraphWriterKind::Rdf(s) => s.serialize_triple(triple),
            GraphWriterKind::JsonLd(s) => s.write_triple(triple),
        }
    }

    /// Writes one quad; a triple syntax gets its triple only.
    pub fn write_quad(&mut self, quad: QuadRef<'_>) -> io::Result<()> {
        if self.keeps_graphs {
            match &mut self.inner {
                GraphWriterKind::Rdf(s) => s.serialize_quad(quad),
                GraphWriterKind::JsonLd(s) => s.write_triple(quad.into()),
            }
        } else {
            self.write_triple(quad.into())
        }
    }

    /// Writes the end of the document and returns the output.
    pub fn finish(self) -> io::Result<W> {
        match self.inner {
            GraphWriterKind::Rdf(s) => s.finish(),
            GraphWriterKind::JsonLd(s) => s.finish(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_errors_are_located() {
        let err = Query::parse("SELECT ?s WHERE { ?s ?p ?o }\nLIMIT x").unwrap_err();
        match err {
            QueryError::Syntax { line, column, .. } => assert_eq!((line, column), (2, 7)),
            other => panic!("{other}"),
        }
        assert!(err_text("SELECT ?s WHERE {\n  ?s ?p \n}").contains("at line 3, column"));
    }

    fn err_text(query: &str) -> String {
        Query::parse(query).unwrap_err().to_string()
    }

    #[test]
    fn updates_are_refused() {
        for update in [
            "INSERT DATA { <http://e/s> <http://e/p> <http://e/o> }",
            "CLEAR ALL",
            "PREFIX ex: <http://e/> DELETE WHERE { ?s ex:p ?o }",
        ] {
            assert!(matches!(
                Query::parse(update),
                Err(QueryError::UpdateRefused)
            ));
        }
    }

    #[test]
    fn forms() {
        assert_eq!(
            Query::parse("ASK {}").unwrap().form(),
            QueryForm::Ask,
            "ASK"
        );
        assert!(Query::parse("CONSTRUCT WHERE { ?s ?p ?o }")
            .unwrap()
            .form()
            .is_graph());
    }

    #[test]
    fn the_context_holds_the_builtin_prefixes() {
        let prefixes = prefixes();
        for (name, iri) in crate::crosswalk::compile::BUILTIN_PREFIXES {
            assert!(
                prefixes.iter().any(|(n, i)| n == name && i == iri),
                "{name}: {iri} missing from mappings/context.jsonld"
            );
        }
        let value: serde_json::Value = serde_json::from_str(CONTEXT).unwrap();
        for (key, iri) in value["@context"].as_object().unwrap() {
            assert!(!key.starts_with('@'), "the context must stay prefixes only");
            let iri = iri.as_str().expect("prefix entries only");
            assert!(iri.ends_with('/') || iri.ends_with('#'), "{key}: {iri}");
        }
    }
}
