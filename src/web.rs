//! The pages `crosswalk serve` serves next to `/sparql`, rendered on the server: the SPARQL
//! workbench, a page for every resource of the harmonised graph, and the harmonisation
//! dashboard (`docs/web.md`).
//!
//! ```text
//! let site = Site::new(store.clone(), SiteOptions { config: Some(config), ..SiteOptions::default() })?;
//! let serving = Endpoint::new(store).site(site).serve(addr)?;
//! ```
//!
//! | path | page |
//! |---|---|
//! | `/` | start: collections, example queries, links |
//! | `/workbench` | SPARQL editor, example queries, results as a table (`?query=`, `?page=`) |
//! | `/workbench/download` | the query's results as CSV, TSV or JSON (`?format=`) |
//! | `/resource?iri=` | any resource: a record (description, provenance, source, place in its finding aid) or a concept, agent or collection with everything about it across institutions (facets, paging) |
//! | `/dashboard` | per collection and institution: records, runs, changes, quarantine, diagnostics, reconciliation rates |
//! | `/dashboard/headings` | unmatched and ambiguous headings: sortable, filterable, CSV |
//! | `/static/…` | the style sheet and the workbench's small script |
//!
//! Every page is HTML with a `Server-Timing: app;dur=…` header (the time spent answering, in
//! milliseconds). Page queries are bounded (capped lists, kept per resource page); store-wide
//! counts for the dashboard are gathered once, in the background, when the site starts (the
//! store is opened read-only: it does not change under the server).

mod browse;
mod dashboard;
pub mod html;
pub mod i18n;
pub mod labels;
pub mod source;
mod workbench;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock, Weak};
use std::time::{Duration, Instant};

use oxhttp::model::header::{HeaderValue, ACCEPT_LANGUAGE, CACHE_CONTROL, CONTENT_TYPE};
use oxhttp::model::{Body, Method, Request, Response, StatusCode};
use oxigraph::model::NamedNode;
use oxigraph::store::Store;

use crate::authority::AuthorityIndex;
use crate::run::report::RunSummary;
use crate::run::RunConfig;
use html::{esc, Page, Section};

/// `cw:` — crosswalk's own vocabulary.
pub const CW: &str = "https://w3id.org/crosswalk/vocab#";

/// The prefixes every page query declares.
const PREFIXES: &str = "PREFIX cw: <https://w3id.org/crosswalk/vocab#>\n\
PREFIX dcterms: <http://purl.org/dc/terms/>\n\
PREFIX dcmitype: <http://purl.org/dc/dcmitype/>\n\
PREFIX foaf: <http://xmlns.com/foaf/0.1/>\n\
PREFIX owl: <http://www.w3.org/2002/07/owl#>\n\
PREFIX prov: <http://www.w3.org/ns/prov#>\n\
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>\n\
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n";

/// How many of the most linked concepts, and of agents, [`Site::keep_most_linked`] makes the
/// pages of.
pub const KEEP_MOST_LINKED: usize = 10;

/// The header that carries the server time of a page.
pub const SERVER_TIMING: &str = "server-timing";

/// Why the site could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum SiteError {
    /// The vocabularies of the configuration's crosswalks could not be loaded.
    #[error("loading the vocabularies: {0}")]
    Vocabularies(String),
    /// An example query file could not be read.
    #[error("reading the example query {file}: {error}")]
    Example {
        /// The file.
        file: PathBuf,
        /// What failed.
        #[source]
        error: std::io::Error,
    },
}

/// An example query offered in the workbench.
#[derive(Debug, Clone)]
pub struct Example {
    /// Its name (the file stem).
    pub name: String,
    /// Its first comment line: what it answers.
    pub summary: String,
    /// The query.
    pub text: String,
}

/// What the site is built on besides the store.
#[derive(Debug, Default)]
pub struct SiteOptions {
    /// The run configuration: collections and their files (source records), the reports folder
    /// (run report, diagnostics) and the vocabularies (labels in every language they have).
    pub config: Option<RunConfig>,
    /// Folders of example queries (`*.rq`); without config and without these, the workbench
    /// has no examples.
    pub query_dirs: Vec<PathBuf>,
    /// How long one page query may run (default 10 s).
    pub timeout: Option<Duration>,
}

/// The web pages over one store.
pub struct Site {
    store: Store,
    config: Option<RunConfig>,
    vocab: Option<Arc<AuthorityIndex>>,
    examples: Vec<Example>,
    timeout: Duration,
    name: String,
    overview: dashboard::Cache,
    /// The consortium graph (`{base}graph/consortium`), when the store has one.
    consortium: Option<String>,
    /// Its collections.
    collections: Vec<dashboard::CollectionRow>,
    /// What resource pages keep between requests.
    kept: browse::Kept,
    /// The site as the server shares it (set when it starts serving): resource pages make a
    /// large list in a thread of its own, which outlives the request that asked for it.
    shared: OnceLock<Weak<Site>>,
}

/// A request as the pages see it.
pub(crate) struct Ask<'a> {
    /// The decoded query-string parameters.
    pub params: Vec<(String, String)>,
    /// The reader's languages, best first.
    pub langs: Vec<String>,
    /// The language of the interface (the first of the reader's it speaks).
    pub ui: i18n::Ui,
    /// The site.
    pub site: &'a Site,
    /// Until when a resource page waits for a list being made in the background before it
    /// answers without it ([`browse::LIST_WAIT`] after the request came); None: until made.
    pub deadline: Option<Instant>,
}

impl Ask<'_> {
    /// `english` in the interface's language.
    pub fn tr(&self, english: &'static str) -> &'static str {
        self.ui.tr(english)
    }

    /// The first value of parameter `key`.
    pub fn param(&self, key: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Parameter `key` as a page number (1-based; 1 when missing or wrong).
    pub fn page(&self) -> usize {
        self.param("page")
            .and_then(|p| p.parse().ok())
            .filter(|p| *p >= 1)
            .unwrap_or(1)
    }
}

impl Site {
    /// Sets the site up: loads the configuration's vocabularies (for labels) and example
    /// queries (`queries/*.rq` beside the configuration, and `options.query_dirs`), and starts
    /// gathering the dashboard's counts in the background.
    pub fn new(store: Store, options: SiteOptions) -> Result<Self, SiteError> {
        let mut vocab = None;
        let mut dirs = options.query_dirs.clone();
        let mut name = "crosswalk".to_string();
        if let Some(config) = &options.config {
            name = config.name.clone();
            let crosswalks: Vec<&Path> = config
                .collections
                .iter()
                .map(|c| c.crosswalk.as_path())
                .collect();
            vocab = crate::crosswalk::load_vocabulary_set(&crosswalks, &config.vocabularies)
                .map_err(|e| SiteError::Vocabularies(e.to_string()))?
                .0;
            let beside = config.dir().join("queries");
            if beside.is_dir() && !dirs.contains(&beside) {
                dirs.insert(0, beside);
            }
        }
        let mut examples = Vec::new();
        for dir in &dirs {
            examples.extend(load_examples(dir)?);
        }
        let overview = dashboard::Cache::start(store.clone());
        let consortium = consortium_graph(&store, options.config.as_ref());
        let collections = dashboard::load_collections(&store, consortium.as_deref());
        Ok(Self {
            consortium,
            collections,
            store,
            config: options.config,
            vocab,
            examples,
            timeout: options.timeout.unwrap_or(Duration::from_secs(10)),
            name,
            overview,
            kept: browse::Kept::default(),
            shared: OnceLock::new(),
        })
    }

    /// Makes the pages of the most linked resources once, in the background, so that the
    /// first reader of a large store's busiest pages does not wait for their lists and facets
    /// ([`browse::Kept`]): every collection and institution, the [`KEEP_MOST_LINKED`] most
    /// linked vocabulary concepts (`skos:exactMatch`) and agents (`owl:sameAs`), and the three
    /// most used languages, types and classes. Says on stderr when done. From then on, resource
    /// pages make the lists not kept in threads of their own (`Site::shared`).
    pub fn keep_most_linked(site: Arc<Self>) {
        let _ = site.shared.set(Arc::downgrade(&site));
        let spawned = std::thread::Builder::new()
            .name("crosswalk-keep".into())
            .spawn(move || site.make_most_linked());
        if let Err(e) = spawned {
            eprintln!("crosswalk: the most linked pages are not made in advance: {e}");
        }
    }

    fn make_most_linked(&self) {
        let start = Instant::now();
        let mut iris: Vec<String> = Vec::new();
        for c in &self.collections {
            for iri in [&c.iri, &c.institution] {
                if !iri.is_empty() && !iris.contains(iri) {
                    iris.push(iri.clone());
                }
            }
        }
        for (p, most) in [
            (
                "http://www.w3.org/2004/02/skos/core#exactMatch",
                KEEP_MOST_LINKED,
            ),
            ("http://www.w3.org/2002/07/owl#sameAs", KEEP_MOST_LINKED),
            ("http://purl.org/dc/terms/language", 3),
            ("http://purl.org/dc/terms/type", 3),
            ("http://www.w3.org/1999/02/22-rdf-syntax-ns#type", 3),
        ] {
            let text = format!(
                "SELECT ?x (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?b <{p}> ?x }} FILTER(isIRI(?x)) }} \
                 GROUP BY ?x ORDER BY DESC(?n) LIMIT {most}"
            );
            let Ok(query) = crate::sparql::Query::parse(&text) else {
                continue;
            };
            let options = crate::sparql::QueryOptions::default();
            if let Ok(answer) = crate::sparql::solutions(&self.store, &query, &options) {
                for row in answer.rows {
                    if let Some(Some(oxigraph::model::Term::NamedNode(x))) = row.first() {
                        if !iris.iter().any(|i| i == x.as_str()) {
                            iris.push(x.as_str().to_string());
                        }
                    }
                }
            }
        }
        let mut slowest = (Duration::ZERO, String::new());
        for iri in &iris {
            let began = Instant::now();
            let ask = Ask {
                params: vec![("iri".into(), iri.clone())],
                langs: vec!["en".into()],
                ui: i18n::Ui::En,
                site: self,
                deadline: None,
            };
            let _ = browse::page(&ask);
            if began.elapsed() > slowest.0 {
                slowest = (began.elapsed(), iri.clone());
            }
        }
        eprintln!(
            "crosswalk: made the pages of the {} most linked resources in {:.1} s (the slowest: \
             {}, {:.0} ms)",
            iris.len(),
            start.elapsed().as_secs_f64(),
            slowest.1,
            slowest.0.as_secs_f64() * 1000.0
        );
    }

    /// The example queries of the workbench.
    pub fn examples(&self) -> &[Example] {
        &self.examples
    }

    /// Answers a request for one of the pages, or None when the path is not a page (the
    /// endpoint answers it).
    pub fn handle(&self, request: &Request<Body>) -> Option<Response<Body>> {
        let path = request.uri().path();
        let routed = matches!(
            path,
            "/" | "/workbench"
                | "/workbench/download"
                | "/resource"
                | "/dashboard"
                | "/dashboard/headings"
        ) || path.starts_with("/static/");
        if !routed {
            return None;
        }
        let start = Instant::now();
        if request.method() != Method::GET && request.method() != Method::HEAD {
            return Some(crate::endpoint::text(
                StatusCode::METHOD_NOT_ALLOWED,
                "the pages answer GET only\n",
            ));
        }
        let langs = labels::languages(
            request
                .headers()
                .get(ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok()),
        );
        let ask = Ask {
            params: form_urlencoded::parse(request.uri().query().unwrap_or("").as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
            ui: i18n::Ui::pick(&langs),
            langs,
            site: self,
            deadline: Some(start + browse::LIST_WAIT),
        };
        let outcome = match path {
            "/" => Ok(self.home(&ask)),
            "/workbench" => Ok(workbench::page(&ask)),
            "/workbench/download" => return Some(timed(workbench::download(&ask), start)),
            "/resource" => browse::page(&ask),
            "/dashboard" => Ok(dashboard::page(&ask)),
            "/dashboard/headings" => match dashboard::headings(&ask) {
                Ok(dashboard::Headings::Page(page)) => Ok(page),
                Ok(dashboard::Headings::Csv(csv)) => {
                    let response = Response::builder()
                        .status(StatusCode::OK)
                        .header(CONTENT_TYPE, "text/csv; charset=utf-8")
                        .header(
                            "content-disposition",
                            "attachment; filename=\"headings.csv\"",
                        )
                        .body(Body::from(csv))
                        .expect("valid headers");
                    return Some(timed(response, start));
                }
                Err(e) => Err(e),
            },
            _ => return Some(static_file(path)),
        };
        let response = match outcome {
            Ok(mut page) => {
                page.ui = ask.ui;
                html_response(StatusCode::OK, page.render(&self.name))
            }
            Err(failure) => {
                let mut page = Page::new(failure.title(), Section::Home);
                page.ui = ask.ui;
                page.push(&format!(
                    "<p role=\"alert\" class=\"error\">{}</p>",
                    esc(&failure.to_string())
                ));
                html_response(failure.status(), page.render(&self.name))
            }
        };
        Some(timed(response, start))
    }

    /// The store.
    pub(crate) fn store(&self) -> &Store {
        &self.store
    }

    /// What resource pages keep between requests.
    pub(crate) fn kept(&self) -> &browse::Kept {
        &self.kept
    }

    /// The site as the server shares it, once it serves.
    pub(crate) fn shared(&self) -> Option<Arc<Site>> {
        self.shared.get()?.upgrade()
    }

    /// The loaded vocabularies.
    pub(crate) fn vocab(&self) -> Option<&AuthorityIndex> {
        self.vocab.as_deref()
    }

    /// The collection IRI and provenance graph of record graph `g`
    /// (`{base}graph/{collection}/{id}` → `{base}collection/{collection}`,
    /// `{base}provenance/{collection}/{id}`), as the store model names them.
    pub(crate) fn graph_parts(&self, g: &str) -> Option<(String, String)> {
        let base = self
            .consortium
            .as_deref()?
            .strip_suffix("graph/consortium")?;
        let rest = g.strip_prefix(base)?.strip_prefix("graph/")?;
        let (collection, _) = rest.split_once('/')?;
        Some((
            format!("{base}collection/{collection}"),
            format!("{base}provenance/{rest}"),
        ))
    }

    /// The institution of a collection, from the consortium graph.
    pub(crate) fn institution_of(&self, collection: &str) -> Option<String> {
        self.collections
            .iter()
            .find(|c| c.iri == collection)
            .map(|c| c.institution.clone())
    }

    /// The configuration.
    pub(crate) fn config(&self) -> Option<&RunConfig> {
        self.config.as_ref()
    }

    /// The last run's report, from the configuration's reports folder.
    pub(crate) fn run_report(&self) -> Option<RunSummary> {
        let config = self.config.as_ref()?;
        let text = std::fs::read_to_string(config.reports.join("run-report.json")).ok()?;
        serde_json::from_str(&text).ok()
    }

    fn home(&self, ask: &Ask<'_>) -> Page {
        let mut page = Page::new(ask.tr("Harmonised catalogue"), Section::Home);
        let _ = write!(
            page.body,
            "<p>{}</p>",
            ask.tr(
                "Records of every collection, mapped onto one model and reconciled against \
                 shared vocabularies. Browse a collection or a shared subject, ask the store in \
                 SPARQL, or see how the harmonisation went."
            )
        );
        page.push(&dashboard::collections_list(ask));
        let _ = write!(
            page.body,
            "<h2>{}</h2><ul class=\"links\"><li><a href=\"/workbench\">{}</a>: {}</li>\
             <li><a href=\"/dashboard\">{}</a>: {}</li>\
             <li><a href=\"/dashboard/headings\">{}</a></li></ul>",
            ask.tr("Start here"),
            ask.tr("SPARQL workbench"),
            ask.tr("the example queries, your own"),
            ask.tr("Harmonisation dashboard"),
            ask.tr("records, runs, diagnostics, reconciliation rates"),
            ask.tr("Unmatched and ambiguous headings"),
        );
        let mut form = format!(
            "<h2>{}</h2><form action=\"/resource\" method=\"get\" class=\"inline\">\
             <label for=\"iri\">IRI</label> <input id=\"iri\" name=\"iri\" type=\"url\" size=\"50\" \
             required placeholder=\"http://id.loc.gov/authorities/subjects/sh85088762\"> \
             <button type=\"submit\">{}</button></form>",
            ask.tr("Open a resource"),
            ask.tr("Open"),
        );
        if self.config.is_none() {
            form.push_str(
                "<p class=\"note\">Served without <code>--config</code>: source records, run \
                 reports and vocabulary labels are not available.</p>",
            );
        }
        page.push(&form);
        page
    }
}

/// Why a page could not be shown.
#[derive(Debug, Clone, thiserror::Error)]
pub(crate) enum Failure {
    /// A parameter is missing or wrong.
    #[error("{0}")]
    BadRequest(String),
    /// The store could not be read.
    #[error("the store could not be read: {0}")]
    Storage(String),
}

impl Failure {
    fn status(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Storage(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn title(&self) -> &'static str {
        match self {
            Self::BadRequest(_) => "Bad request",
            Self::Storage(_) => "The page could not be built",
        }
    }
}

/// The consortium graph: `{base}graph/consortium` of the configuration, else the graph that
/// describes the crosswalks (`cw:Crosswalk`), which only the consortium graph does.
fn consortium_graph(store: &Store, config: Option<&RunConfig>) -> Option<String> {
    if let Some(config) = config {
        return Some(format!("{}graph/consortium", config.base));
    }
    let quad = store
        .quads_for_pattern(
            None,
            Some(oxigraph::model::vocab::rdf::TYPE),
            Some(oxigraph::model::NamedNodeRef::new_unchecked(&format!("{CW}Crosswalk")).into()),
            None,
        )
        .next()?
        .ok()?;
    match quad.graph_name {
        oxigraph::model::GraphName::NamedNode(g) => Some(g.into_string()),
        _ => None,
    }
}

/// `<iri>` for a page query, or a bad request when it is not an IRI.
pub(crate) fn iri_ref(iri: &str) -> Result<String, Failure> {
    NamedNode::new(iri)
        .map(|n| n.to_string())
        .map_err(|e| Failure::BadRequest(format!("{iri:?} is not an IRI: {e}")))
}

/// The example queries in `dir` (`*.rq`, by name).
fn load_examples(dir: &Path) -> Result<Vec<Example>, SiteError> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(Vec::new());
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "rq"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|file| {
            let text = std::fs::read_to_string(&file).map_err(|error| SiteError::Example {
                file: file.clone(),
                error,
            })?;
            let summary = text
                .lines()
                .find_map(|l| l.strip_prefix('#'))
                .unwrap_or("")
                .trim()
                .to_string();
            Ok(Example {
                name: file
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                summary,
                text,
            })
        })
        .collect()
}

fn html_response(status: StatusCode, html: String) -> Response<Body> {
    Response::builder()
        .status(status)
        .header(CONTENT_TYPE, "text/html; charset=utf-8")
        .header(CACHE_CONTROL, "no-cache")
        .body(Body::from(html))
        .expect("valid headers")
}

/// Adds `Server-Timing: app;dur=MS` (the time since `start`).
fn timed(mut response: Response<Body>, start: Instant) -> Response<Body> {
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    if let Ok(value) = HeaderValue::from_str(&format!("app;dur={ms:.1}")) {
        response.headers_mut().insert(SERVER_TIMING, value);
    }
    response
}

const STYLE: &str = include_str!("web/static/style.css");
const WORKBENCH_JS: &str = include_str!("web/static/workbench.js");

fn static_file(path: &str) -> Response<Body> {
    let (body, kind) = match path {
        "/static/style.css" => (STYLE, "text/css; charset=utf-8"),
        "/static/workbench.js" => (WORKBENCH_JS, "text/javascript; charset=utf-8"),
        _ => return crate::endpoint::text(StatusCode::NOT_FOUND, "not found\n"),
    };
    Response::builder()
        .status(StatusCode::OK)
        .header(CONTENT_TYPE, kind)
        .header(CACHE_CONTROL, "max-age=300")
        .body(Body::from(body))
        .expect("valid headers")
}
