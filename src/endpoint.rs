//! A read-only SPARQL 1.1 Protocol endpoint over the store, served with oxhttp.
//!
//! ```text
//! let serving = Endpoint::new(store).timeout(Duration::from_secs(30)).limit(10_000)
//!     .serve("127.0.0.1:7878".parse()?)?;
//! println!("listening on http://{}/sparql", serving.addr());
//! serving.join()?;
//! ```
//!
//! - `GET /sparql?query=…`, `POST /sparql` with an `application/sparql-query` body or an
//!   `application/x-www-form-urlencoded` body with `query=…`; `default-graph-uri` and
//!   `named-graph-uri` (repeatable) in the URL or the form.
//! - Without those and without `FROM` in the query, **the default graph is the union of all
//!   graphs**, so a query without `GRAPH` sees every record.
//! - The answer's syntax is negotiated from `Accept`: SPARQL results JSON (the default), XML, CSV,
//!   TSV, or `text/plain` for an aligned table; Turtle (the default), N-Triples, RDF/XML,
//!   JSON-LD, N-Quads or TriG for CONSTRUCT and DESCRIBE. 406 when nothing acceptable fits.
//! - Updates (`update=…`, `application/sparql-update`, or an update sent as a query) are refused
//!   with **403** and a message saying the endpoint is read-only.
//! - A query that is not SPARQL gets **400** with the line and column of the error.
//! - A query that runs longer than the timeout gets **503** with a message saying it timed out,
//!   on time; its evaluation is cancelled (oxigraph notices at its next read from the store).
//! - At most [`limit`](Endpoint::limit) solutions or triples are returned; when more were left
//!   out, the response has the header `X-Crosswalk-Truncated: true` (the body is a complete,
//!   valid document of the first ones).
//! - Every response allows any origin (`Access-Control-Allow-Origin: *`): nothing here changes
//!   the store. `OPTIONS` answers CORS preflight requests.
//!
//! All routes are in [`Endpoint::handle`].

use std::io::{self, Read};
use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::time::Duration;

use oxhttp::model::header::{
    HeaderValue, ACCEPT, ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS,
    ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_MAX_AGE, ALLOW, CONTENT_TYPE, VARY,
};
use oxhttp::model::{Body, Method, Request, Response, StatusCode};
use oxhttp::{ListeningServer, Server};
use oxigraph::model::NamedNode;
use oxigraph::store::Store;

use crate::sparql::{self, Format, GraphFormat, Query, QueryError, QueryForm, QueryOptions};
use crate::web::Site;

/// The header set on answers that the result limit cut short.
pub const TRUNCATED_HEADER: &str = "x-crosswalk-truncated";

/// The path of the SPARQL endpoint.
pub const SPARQL_PATH: &str = "/sparql";

/// The SPARQL endpoint: a store and its limits. [`handle`](Self::handle) answers one request;
/// [`serve`](Self::serve) listens.
#[derive(Clone)]
pub struct Endpoint {
    store: Store,
    site: Option<Arc<Site>>,
    timeout: Duration,
    limit: usize,
    max_body: usize,
}

impl Endpoint {
    /// The default query timeout: 30 s.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
    /// The default result limit: 10 000 solutions or triples.
    pub const DEFAULT_LIMIT: usize = 10_000;

    /// An endpoint over `store` with the default timeout and limit.
    pub fn new(store: Store) -> Self {
        Self {
            store,
            site: None,
            timeout: Self::DEFAULT_TIMEOUT,
            limit: Self::DEFAULT_LIMIT,
            max_body: 1 << 20,
        }
    }

    /// Stops queries that run longer than this (they get 503).
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Returns at most this many solutions or triples.
    #[must_use]
    pub fn limit(mut self, limit: usize) -> Self {
        self.limit = limit;
        self
    }

    /// Serves the web pages of `site` besides the endpoint (`crate::web`).
    #[must_use]
    pub fn site(mut self, site: Site) -> Self {
        let site = Arc::new(site);
        Site::keep_most_linked(Arc::clone(&site));
        self.site = Some(site);
        self
    }

    /// Answers one request. Every route of the server is here: the pages of the site (when
    /// there is one) through [`Site::handle`], and `/sparql`.
    pub fn handle(&self, request: &mut Request<Body>) -> Response<Body> {
        let page = self.site.as_ref().and_then(|site| site.handle(request));
        let mut response = match (request.uri().path(), request.method()) {
            _ if page.is_some() => page.expect("checked"),
            (SPARQL_PATH, &Method::GET) => {
                let params = request.uri().query().unwrap_or("").as_bytes().to_vec();
                self.sparql(request, &params, None)
            }
            (SPARQL_PATH, &Method::POST) => self.post(request),
            (SPARQL_PATH, &Method::OPTIONS) => {
                let mut response = text(StatusCode::NO_CONTENT, "");
                let headers = response.headers_mut();
                headers.insert(
                    ACCESS_CONTROL_ALLOW_METHODS,
                    HeaderValue::from_static("GET, POST, OPTIONS"),
                );
                headers.insert(
                    ACCESS_CONTROL_ALLOW_HEADERS,
                    HeaderValue::from_static("Content-Type, Accept"),
                );
                headers.insert(ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("86400"));
                response
            }
            (SPARQL_PATH, _) => {
                let mut response = text(
                    StatusCode::METHOD_NOT_ALLOWED,
                    "the SPARQL endpoint answers GET and POST\n",
                );
                response
                    .headers_mut()
                    .insert(ALLOW, HeaderValue::from_static("GET, POST, OPTIONS"));
                response
            }
            ("/", &Method::GET) => text(
                StatusCode::OK,
                "crosswalk: a read-only SPARQL 1.1 endpoint at /sparql \
                 (GET ?query=…, or POST application/sparql-query)\n",
            ),
            _ => text(
                StatusCode::NOT_FOUND,
                "not found: the SPARQL endpoint is at /sparql\n",
            ),
        };
        response
            .headers_mut()
            .insert(ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
        response
    }

    fn post(&self, request: &mut Request<Body>) -> Response<Body> {
        let content_type = request
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|v| {
                v.split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_ascii_lowercase()
            })
            .unwrap_or_default();
        if content_type == "application/sparql-update" {
            return read_only();
        }
        let url_params = request.uri().query().unwrap_or("").as_bytes().to_vec();
        let mut body = Vec::new();
        if let Err(e) = request
            .body_mut()
            .take(self.max_body as u64 + 1)
            .read_to_end(&mut body)
        {
            return text(
                StatusCode::BAD_REQUEST,
                &format!("could not read the request body: {e}\n"),
            );
        }
        if body.len() > self.max_body {
            return text(
                StatusCode::PAYLOAD_TOO_LARGE,
                &format!("the request body is over {} bytes\n", self.max_body),
            );
        }
        match content_type.as_str() {
            "application/sparql-query" => match String::from_utf8(body) {
                Ok(query) => self.sparql(request, &url_params, Some(query)),
                Err(_) => text(StatusCode::BAD_REQUEST, "the query is not UTF-8\n"),
            },
            "application/x-www-form-urlencoded" => {
                let mut params = url_params;
                if !params.is_empty() && !body.is_empty() {
                    params.push(b'&');
                }
                params.extend_from_slice(&body);
                self.sparql(request, &params, None)
            }
            "" => text(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "a POST needs a Content-Type: application/sparql-query or \
                 application/x-www-form-urlencoded\n",
            ),
            other => text(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                &format!(
                    "unsupported Content-Type {other}: send application/sparql-query or \
                     application/x-www-form-urlencoded\n"
                ),
            ),
        }
    }

    /// Answers a query given in `params` (URL-encoded `query=`, `default-graph-uri=`,
    /// `named-graph-uri=`) or in `body`.
    fn sparql(
        &self,
        request: &Request<Body>,
        params: &[u8],
        body: Option<String>,
    ) -> Response<Body> {
        let mut query_text = body;
        let mut options = QueryOptions::default()
            .with_timeout(self.timeout)
            .with_limit(self.limit);
        let from_body = query_text.is_some();
        for (key, value) in form_urlencoded::parse(params) {
            match &*key {
                "query" if from_body => {
                    return text(
                        StatusCode::BAD_REQUEST,
                        "the query is in the body: no query= parameter as well\n",
                    )
                }
                "query" if query_text.is_some() => {
                    return text(StatusCode::BAD_REQUEST, "more than one query= parameter\n")
                }
                "query" => query_text = Some(value.into_owned()),
                "update" | "using-graph-uri" | "using-named-graph-uri" => return read_only(),
                "default-graph-uri" | "named-graph-uri" => match NamedNode::new(&*value) {
                    Ok(iri) if key == "default-graph-uri" => options.default_graphs.push(iri),
                    Ok(iri) => options.named_graphs.push(iri),
                    Err(e) => {
                        return text(
                            StatusCode::BAD_REQUEST,
                            &format!("{key}: {value:?} is not an IRI: {e}\n"),
                        )
                    }
                },
                _ => {}
            }
        }
        let Some(query_text) = query_text else {
            return text(
                StatusCode::BAD_REQUEST,
                "no query: send ?query=… (GET), an application/sparql-query body or a form \
                 with query=… (POST)\n",
            );
        };
        let query = match Query::parse(&query_text) {
            Ok(query) => query,
            Err(e) => return query_error(&e),
        };
        let accept = request
            .headers()
            .get(ACCEPT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("*/*");
        let Some(format) = negotiate(accept, query.form()) else {
            let offered: Vec<&str> = offers(query.form()).iter().map(|(m, _)| *m).collect();
            return text(
                StatusCode::NOT_ACCEPTABLE,
                &format!(
                    "no acceptable syntax for a {} answer in Accept: {accept}; offered: {}\n",
                    query.form().keyword(),
                    offered.join(", ")
                ),
            );
        };
        match sparql::answer_to_vec(&self.store, &query, &options, format) {
            Ok((out, answered)) => {
                let mut response = Response::builder()
                    .status(StatusCode::OK)
                    .header(CONTENT_TYPE, format.media_type(query.form()))
                    .header(VARY, "Accept")
                    .body(Body::from(out))
                    .expect("valid static headers");
                if answered.truncated {
                    response
                        .headers_mut()
                        .insert(TRUNCATED_HEADER, HeaderValue::from_static("true"));
                }
                response
            }
            Err(e) => query_error(&e),
        }
    }

    /// Listens on `addr` (port 0: any free port) in background threads and returns at once.
    ///
    /// oxhttp binds when it starts; for port 0 a free port is found first by binding and
    /// releasing it, so another program could take it in between (then the bind fails).
    pub fn serve(self, addr: SocketAddr) -> io::Result<Serving> {
        let addr = if addr.port() == 0 {
            TcpListener::bind(addr)?.local_addr()?
        } else {
            addr
        };
        let socket_timeout = self.timeout + Duration::from_secs(60);
        let endpoint = Arc::new(self);
        let server = Server::new(move |request| endpoint.handle(request))
            .bind(addr)
            .with_global_timeout(socket_timeout)
            .with_max_concurrent_connections(64)
            .with_server_name(concat!("crosswalk/", env!("CARGO_PKG_VERSION")))
            .map_err(io::Error::other)?;
        let listening = server.spawn()?;
        Ok(Serving { addr, listening })
    }
}

/// A running endpoint.
pub struct Serving {
    addr: SocketAddr,
    listening: ListeningServer,
}

impl Serving {
    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Blocks while the server runs.
    pub fn join(self) -> io::Result<()> {
        self.listening.join()
    }
}

/// A plain-text response.
pub(crate) fn text(status: StatusCode, message: &str) -> Response<Body> {
    Response::builder()
        .status(status)
        .header(CONTENT_TYPE, "text/plain; charset=utf-8")
        .body(Body::from(message.to_string()))
        .expect("valid static headers")
}

fn read_only() -> Response<Body> {
    text(
        StatusCode::FORBIDDEN,
        &format!("{}\n", QueryError::UpdateRefused),
    )
}

fn query_error(error: &QueryError) -> Response<Body> {
    let status = match error {
        QueryError::Syntax { .. } | QueryError::Invalid(_) => StatusCode::BAD_REQUEST,
        QueryError::UpdateRefused => StatusCode::FORBIDDEN,
        QueryError::Format { .. } => StatusCode::NOT_ACCEPTABLE,
        QueryError::Timeout(_) => StatusCode::SERVICE_UNAVAILABLE,
        QueryError::Evaluation(_) | QueryError::Io(_) => StatusCode::INTERNAL_SERVER_ERROR,
    };
    text(status, &format!("{error}\n"))
}

/// The media types offered for answers of `form`, the server's preference first.
fn offers(form: QueryForm) -> &'static [(&'static str, Format)] {
    if form.is_graph() {
        &[
            ("text/turtle", Format::Graph(GraphFormat::Turtle)),
            (
                "application/n-triples",
                Format::Graph(GraphFormat::NTriples),
            ),
            ("application/rdf+xml", Format::Graph(GraphFormat::RdfXml)),
            ("application/ld+json", Format::Graph(GraphFormat::JsonLd)),
            ("application/n-quads", Format::Graph(GraphFormat::NQuads)),
            ("application/trig", Format::Graph(GraphFormat::TriG)),
            ("text/plain", Format::Graph(GraphFormat::NTriples)),
        ]
    } else {
        &[
            ("application/sparql-results+json", Format::Json),
            ("application/json", Format::Json),
            ("application/sparql-results+xml", Format::Xml),
            ("application/xml", Format::Xml),
            ("text/csv", Format::Csv),
            ("text/tab-separated-values", Format::Tsv),
            ("text/plain", Format::Table),
        ]
    }
}

/// The best offer for an `Accept` header: each offer takes the quality of the most specific
/// range that matches it (`type/subtype` over `type/*` over `*/*`); the highest quality wins,
/// the server's preference breaks ties. None when every offer has quality 0.
pub fn negotiate(accept: &str, form: QueryForm) -> Option<Format> {
    let ranges: Vec<(String, u32)> = accept
        .split(',')
        .filter_map(|range| {
            let mut parts = range.split(';');
            let media = parts.next()?.trim().to_ascii_lowercase();
            if media.is_empty() {
                return None;
            }
            let mut q = 1000;
            for param in parts {
                if let Some((k, v)) = param.split_once('=') {
                    if k.trim().eq_ignore_ascii_case("q") {
                        q = v
                            .trim()
                            .parse::<f32>()
                            .map_or(0, |q| (q.clamp(0.0, 1.0) * 1000.0).round() as u32);
                    }
                }
            }
            Some((media, q))
        })
        .collect();
    let mut best: Option<(u32, Format)> = None;
    for (media, format) in offers(form) {
        let (main, _) = media.split_once('/').unwrap_or((media, ""));
        let quality = ranges
            .iter()
            .filter_map(|(range, q)| {
                let specificity = if range == media {
                    3
                } else if range.strip_suffix("/*") == Some(main) {
                    2
                } else if range == "*/*" || range == "*" {
                    1
                } else {
                    return None;
                };
                Some((specificity, *q))
            })
            .max_by_key(|(specificity, _)| *specificity)
            .map(|(_, q)| q);
        if let Some(q) = quality.filter(|q| *q > 0) {
            if best.is_none_or(|(b, _)| q > b) {
                best = Some((q, *format));
            }
        }
    }
    best.map(|(_, format)| format)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiation() {
        let select = QueryForm::Select;
        let construct = QueryForm::Construct;
        assert_eq!(negotiate("*/*", select), Some(Format::Json));
        assert_eq!(negotiate("text/csv", select), Some(Format::Csv));
        assert_eq!(
            negotiate("text/csv;q=0.5, application/sparql-results+xml", select),
            Some(Format::Xml)
        );
        assert_eq!(negotiate("text/*", select), Some(Format::Csv));
        assert_eq!(negotiate("image/png", select), None);
        assert_eq!(
            negotiate("*/*", construct),
            Some(Format::Graph(GraphFormat::Turtle))
        );
        assert_eq!(
            negotiate("application/ld+json", construct),
            Some(Format::Graph(GraphFormat::JsonLd))
        );
        assert_eq!(
            negotiate("text/turtle;q=0, */*", construct),
            Some(Format::Graph(GraphFormat::NTriples))
        );
        assert_eq!(
            negotiate("application/sparql-results+json", construct),
            None
        );
    }
}
