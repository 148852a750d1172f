//! `crosswalk query`, `serve` and `export`: SPARQL over the store and RDF out of it (read-only),
//! and the hidden `load` that fills a store from N-Quads for tests.

use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};
use clap::Args;
use crosswalk::endpoint::Endpoint;
use crosswalk::run::RunConfig;
use crosswalk::sparql::export::{self, Selection};
use crosswalk::sparql::{self, Format, GraphFormat, GraphWriter, Query, QueryError, QueryOptions};
use crosswalk::store::remote::{RemoteConfig, RemoteStore};
use crosswalk::web::{Site, SiteOptions};
use oxigraph::io::RdfFormat;
use oxigraph::model::NamedNode;

use super::reconcile::UsageError;

/// `crosswalk query`.
#[derive(Args)]
pub struct QueryArgs {
    /// The store (a folder written by `crosswalk run`); opened read-only.
    #[arg(long, value_name = "DIR", required_unless_present = "remote_query")]
    store: Option<PathBuf>,
    /// Send the query to this remote SPARQL endpoint instead (credentials from
    /// CROSSWALK_REMOTE_USER and CROSSWALK_REMOTE_PASSWORD); `table` is written as CSV.
    #[arg(long, value_name = "SPARQL_URL", conflicts_with = "store")]
    remote_query: Option<String>,
    /// The query text (or give -f FILE).
    #[arg(required_unless_present = "file", conflicts_with = "file")]
    query: Option<String>,
    /// Read the query from this file (`-` for standard input).
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    file: Option<PathBuf>,
    /// Output: table (aligned text, IRIs abbreviated), csv, tsv, json, xml (the SPARQL result
    /// formats) for SELECT and ASK; table (Turtle), nt, nq, ttl, trig, rdfxml, jsonld for
    /// CONSTRUCT and DESCRIBE.
    #[arg(long, default_value = "table", value_parser = parse_format)]
    format: Format,
    /// Stop the query after this many seconds (default: no limit).
    #[arg(long, value_name = "SECONDS")]
    timeout: Option<f64>,
    /// Write at most this many solutions or triples (default: all).
    #[arg(long, value_name = "N")]
    limit: Option<usize>,
}

/// `crosswalk serve`.
#[derive(Args)]
pub struct ServeArgs {
    /// The store (a folder written by `crosswalk run`); opened read-only.
    #[arg(long, value_name = "DIR")]
    store: PathBuf,
    /// Address and port to listen on; loopback unless told otherwise (0.0.0.0:PORT to listen on
    /// every interface).
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:7878")]
    bind: SocketAddr,
    /// Queries running longer than this many seconds are stopped (503).
    #[arg(long, value_name = "SECONDS", default_value_t = 30.0)]
    timeout: f64,
    /// At most this many solutions or triples per answer (then the header
    /// X-Crosswalk-Truncated: true).
    #[arg(long, value_name = "N", default_value_t = Endpoint::DEFAULT_LIMIT)]
    limit: usize,
    /// The run configuration the store was built from: the pages then show source records,
    /// the last run's report and vocabulary labels in every language, and offer the queries in
    /// `queries/` beside it as examples.
    #[arg(long, value_name = "CONFIG.toml")]
    config: Option<PathBuf>,
    /// More example queries for the workbench: every `*.rq` in this folder (repeatable).
    #[arg(long, value_name = "DIR")]
    queries: Vec<PathBuf>,
}

/// `crosswalk export`.
#[derive(Args)]
pub struct ExportArgs {
    /// The store (a folder written by `crosswalk run`); opened read-only.
    #[arg(long, value_name = "DIR", required_unless_present = "remote_query")]
    store: Option<PathBuf>,
    /// Export from this remote SPARQL endpoint instead (with --graph or --collection: a server
    /// holds graphs of its own).
    #[arg(long, value_name = "SPARQL_URL", conflicts_with = "store")]
    remote_query: Option<String>,
    /// RDF syntax: nt, nq, ttl, trig, rdfxml, jsonld. nq and trig keep graph names; nt, ttl,
    /// rdfxml and jsonld write the union of the exported graphs as triples (without --graph or
    /// --collection: of every graph). jsonld is compacted against the shipped context
    /// (mappings/context.jsonld).
    #[arg(long, value_parser = parse_graph_format)]
    format: GraphFormat,
    /// Export this named graph only.
    #[arg(long, value_name = "IRI", conflicts_with = "collection")]
    graph: Option<String>,
    /// Export one collection: its record graphs and their provenance graphs.
    #[arg(long, value_name = "ID")]
    collection: Option<String>,
    /// Output file (standard output when not given).
    #[arg(short, long)]
    output: Option<PathBuf>,
}

/// `crosswalk load` (hidden): N-Quads into a store, for tests and fixtures.
#[derive(Args)]
pub struct LoadArgs {
    /// The store folder (created when missing).
    #[arg(long, value_name = "DIR")]
    store: PathBuf,
    /// N-Quads files.
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
}

fn parse_format(s: &str) -> Result<Format, String> {
    Format::from_name(s).ok_or_else(|| {
        format!(
            "unknown format {s:?} (table, csv, tsv, json, xml, nt, nq, ttl, trig, rdfxml, jsonld)"
        )
    })
}

fn parse_graph_format(s: &str) -> Result<GraphFormat, String> {
    GraphFormat::from_name(s)
        .ok_or_else(|| format!("unknown format {s:?} (nt, nq, ttl, trig, rdfxml, jsonld)"))
}

fn seconds(s: f64, what: &str) -> Result<Duration> {
    Duration::try_from_secs_f64(s)
        .map_err(|_| UsageError(format!("{what}: {s} is not a number of seconds")).into())
}

/// Opens a store written by `crosswalk run` for reading: beside other readers, never while a run
/// writes it ([`crosswalk::store::StoreError::Busy`]). Keep it for as long as its
/// [`oxigraph()`](crosswalk::store::Store::oxigraph) store is used: it holds the lock.
pub fn open_read_only(dir: &Path) -> Result<crosswalk::store::Store> {
    if !dir.is_dir() {
        return Err(UsageError(format!("no store at {}: not a folder", dir.display())).into());
    }
    Ok(crosswalk::store::Store::open_read_only(dir)?)
}

/// `crosswalk query`: Ok(true) when answered.
pub fn query(args: QueryArgs) -> Result<bool> {
    let (text, source) = match (&args.query, &args.file) {
        (Some(text), _) => (text.clone(), "the query".to_string()),
        (None, Some(path)) if path.as_os_str() == "-" => {
            let mut text = String::new();
            io::stdin()
                .read_to_string(&mut text)
                .context("reading the query from standard input")?;
            (text, "standard input".to_string())
        }
        (None, Some(path)) => (
            std::fs::read_to_string(path)
                .with_context(|| format!("reading the query {}", path.display()))?,
            path.display().to_string(),
        ),
        (None, None) => return Err(UsageError("give a query or -f FILE".into()).into()),
    };
    let query = match Query::parse(&text) {
        Ok(query) => query,
        Err(e @ QueryError::Syntax { .. }) => return Err(e).context(source),
        Err(e) => return Err(e.into()),
    };
    if let Err(e) = query.check_format(args.format) {
        return Err(UsageError(e.to_string()).into());
    }
    if let Some(url) = &args.remote_query {
        let form = query.form();
        let accept = match args.format {
            Format::Table if !form.is_graph() => Format::Csv.media_type(form),
            f => f.media_type(form),
        };
        let store = RemoteStore::new(RemoteConfig::new("", url.clone()));
        let mut answer = store.query(&text, accept)?;
        let mut out = BufWriter::new(io::stdout().lock());
        io::copy(&mut answer, &mut out)?;
        out.flush()?;
        return Ok(true);
    }
    let opened = open_read_only(args.store.as_deref().expect("clap requires --store"))?;
    let store = opened.oxigraph();
    let mut options = QueryOptions::default();
    if let Some(t) = args.timeout {
        options = options.with_timeout(seconds(t, "--timeout")?);
    }
    if let Some(limit) = args.limit {
        options = options.with_limit(limit);
    }
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    // With a timeout the answer is gathered first, so that the timeout is kept to the letter.
    let answered = if options.timeout.is_some() {
        let (text, answered) = sparql::answer_to_vec(store, &query, &options, args.format)?;
        out.write_all(&text)?;
        answered
    } else {
        sparql::answer(store, &query, &options, args.format, &mut out)?
    };
    out.flush()?;
    if answered.truncated && args.format != Format::Table {
        eprintln!(
            "crosswalk: stopped at the limit of {} {}",
            answered.count,
            if query.form().is_graph() {
                "triples"
            } else {
                "solutions"
            }
        );
    }
    Ok(true)
}

/// `crosswalk serve`: runs until killed.
pub fn serve(args: ServeArgs) -> Result<bool> {
    let opened = open_read_only(&args.store)?;
    let store = opened.oxigraph().clone();
    let timeout = seconds(args.timeout, "--timeout")?;
    let config = match &args.config {
        Some(path) => Some(RunConfig::load(path).map_err(|e| UsageError(e.to_string()))?),
        None => None,
    };
    let site = Site::new(
        store.clone(),
        SiteOptions {
            config,
            query_dirs: args.queries.clone(),
            timeout: Some(timeout.min(Duration::from_secs(10))),
        },
    )?;
    let serving = Endpoint::new(store)
        .site(site)
        .timeout(timeout)
        .limit(args.limit)
        .serve(args.bind)
        .with_context(|| format!("listening on {}", args.bind))?;
    eprintln!(
        "crosswalk: read-only SPARQL endpoint at http://{}/sparql (timeout {} s, at most {} results); \
         pages at http://{}/",
        serving.addr(),
        args.timeout,
        args.limit,
        serving.addr()
    );
    serving.join()?;
    Ok(true)
}

/// `crosswalk export`.
pub fn export(args: ExportArgs) -> Result<bool> {
    let selection = match (&args.graph, &args.collection) {
        (Some(iri), _) => Selection::Graph(
            NamedNode::new(iri).map_err(|e| UsageError(format!("--graph {iri:?}: {e}")))?,
        ),
        (None, Some(id)) => Selection::Collection(id.clone()),
        (None, None) => Selection::All,
    };
    let out: Box<dyn Write> = match &args.output {
        Some(path) => Box::new(BufWriter::new(
            File::create(path).with_context(|| format!("creating {}", path.display()))?,
        )),
        None => Box::new(BufWriter::new(io::stdout().lock())),
    };
    if let Some(url) = &args.remote_query {
        let store = RemoteStore::new(RemoteConfig::new("", url.clone()));
        let graphs = match &selection {
            Selection::All => {
                return Err(UsageError(
                    "a remote server holds graphs of its own: name --graph or --collection".into(),
                )
                .into())
            }
            Selection::Graph(g) => vec![g.clone()],
            Selection::Collection(id) => store.collection_graphs_by_id(id)?,
        };
        let mut w = GraphWriter::new(args.format, out)?;
        let mut failed = None;
        store.quads_of_graphs(&graphs, |q| {
            if failed.is_none() {
                failed = w.write_quad(q.as_ref()).err();
            }
        })?;
        if let Some(e) = failed {
            return Err(e.into());
        }
        w.finish()?.flush()?;
        return Ok(true);
    }
    let opened = open_read_only(args.store.as_deref().expect("clap requires --store"))?;
    export::export(opened.oxigraph(), &selection, args.format, out)?;
    Ok(true)
}

/// `crosswalk load`.
pub fn load(args: LoadArgs) -> Result<bool> {
    let opened = crosswalk::store::Store::open(&args.store)?;
    let store = opened.oxigraph();
    for path in &args.inputs {
        let file = File::open(path).with_context(|| format!("opening {}", path.display()))?;
        store
            .load_from_reader(RdfFormat::NQuads, BufReader::new(file))
            .with_context(|| format!("loading {}", path.display()))?;
    }
    store.flush()?;
    Ok(true)
}
