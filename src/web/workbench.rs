//! The SPARQL workbench: an editor with the example queries, results as a table with labelled,
//! linked IRIs, paging, downloads, and syntax errors shown at their place in the query.

use std::fmt::Write as _;

use oxhttp::model::header::CONTENT_TYPE;
use oxhttp::model::{Body, Response, StatusCode};

use super::html::{self, esc, group, url_encode, Page, Section};
use super::labels::Labels;
use super::Ask;
use crate::sparql::{self, Format, Query, QueryError, QueryOptions};

/// Rows on one page of results.
const PAGE_SIZE: usize = 50;
/// Rows a download holds at the most.
const DOWNLOAD_LIMIT: usize = 100_000;

const DEFAULT_QUERY: &str = "PREFIX dcterms: <http://purl.org/dc/terms/>\n\
SELECT ?item ?title WHERE {\n  ?item dcterms:title ?title .\n}\nLIMIT 20\n";

/// The workbench page: `?query=` runs it, `?example=NAME` loads an example, `?page=N` pages.
pub(super) fn page(ask: &Ask<'_>) -> Page {
    let site = ask.site;
    let example = ask
        .param("example")
        .and_then(|name| site.examples().iter().find(|e| e.name == name));
    let query_text = ask
        .param("query")
        .map(str::to_string)
        .or_else(|| example.map(|e| e.text.clone()));
    let mut page = Page::new(ask.tr("SPARQL workbench"), Section::Workbench);
    page.scripts.push("workbench.js");

    let mut examples = String::new();
    if !site.examples().is_empty() {
        examples.push_str(
            "<nav aria-labelledby=\"examples-h\" class=\"examples\"><h2 id=\"examples-h\">\
             Example queries</h2><ul>",
        );
        for e in site.examples() {
            let current = if example.is_some_and(|x| x.name == e.name) {
                " aria-current=\"true\""
            } else {
                ""
            };
            let _ = write!(
                examples,
                "<li><a href=\"/workbench?example={}\"{current}>{}</a> <span class=\"summary\">{}</span>\
                 <a class=\"run\" href=\"/workbench?query={}\">Run<span class=\"visually-hidden\"> {}</span></a></li>",
                url_encode(&e.name),
                esc(&e.name),
                esc(&e.summary),
                url_encode(&e.text),
                esc(&e.name),
            );
        }
        examples.push_str("</ul></nav>");
    }

    let parsed = ask.param("query").map(Query::parse);
    let error = match &parsed {
        Some(Err(e)) => Some(e),
        _ => None,
    };
    let (invalid, described) = if error.is_some() {
        (
            " aria-invalid=\"true\"",
            " aria-describedby=\"query-error\"",
        )
    } else {
        ("", " aria-describedby=\"query-help\"")
    };
    let text = query_text.as_deref().unwrap_or(DEFAULT_QUERY);
    let lines = text.lines().count().clamp(8, 30);
    let _ = write!(
        page.body,
        "<div class=\"workbench\">{examples}<form class=\"editor\" action=\"/workbench\" method=\"get\">\
         <label for=\"query\">SPARQL query</label>\
         <textarea id=\"query\" name=\"query\" rows=\"{lines}\" spellcheck=\"false\" \
         autocapitalize=\"off\"{invalid}{described}>{}</textarea>\
         <p id=\"query-help\" class=\"help\">The default graph is the union of all graphs; \
         read-only. Ctrl+Enter runs the query.</p>\
         <p><button type=\"submit\">Run query</button></p></form>",
        esc(text)
    );
    if let Some(e) = error {
        page.body.push_str(&error_html(text, e));
    }
    if let Some(Ok(query)) = parsed {
        page.body.push_str(&results(ask, text, &query));
    }
    page.body.push_str("</div>");
    page
}

/// The error, and for a syntax error the line of the query with a mark under the column.
fn error_html(text: &str, error: &QueryError) -> String {
    let mut out = format!(
        "<section id=\"query-error\" class=\"error\" role=\"alert\" aria-labelledby=\"error-h\">\
         <h2 id=\"error-h\">The query was not run</h2><p>{}</p>",
        esc(&error.to_string())
    );
    if let QueryError::Syntax { line, column, .. } = error {
        let source = text
            .lines()
            .nth((*line as usize).saturating_sub(1))
            .unwrap_or("");
        let col = (*column as usize).saturating_sub(1);
        let before: String = source.chars().take(col).collect();
        let at: String = source.chars().skip(col).take(1).collect();
        let after: String = source.chars().skip(col + 1).collect();
        let _ = write!(
            out,
            "<pre class=\"error-line\" aria-label=\"line {line} of the query\"><span class=\"ln\">{line}</span> \
             {}<mark>{}</mark>{}</pre>\
             <p><button type=\"button\" class=\"goto\" data-line=\"{line}\" data-column=\"{column}\">\
             Go to line {line}, column {column}</button></p>",
            esc(&before),
            if at.is_empty() { "&#x2003;".to_string() } else { esc(&at) },
            esc(&after),
        );
    }
    out.push_str("</section>");
    out
}

/// Runs the query for one page of results and renders them.
fn results(ask: &Ask<'_>, text: &str, query: &Query) -> String {
    let site = ask.site;
    let page = ask.page();
    let skip = (page - 1) * PAGE_SIZE;
    let options = QueryOptions::default()
        .with_timeout(site.timeout)
        .with_limit(skip + PAGE_SIZE);
    let answer = match sparql::solutions(site.store(), query, &options) {
        Ok(answer) => answer,
        Err(e) => return error_html(text, &e),
    };
    let mut labels = Labels::default();
    let shown: Vec<&Vec<Option<oxigraph::model::Term>>> =
        answer.rows.iter().skip(skip).take(PAGE_SIZE).collect();
    labels.fill(
        site.store(),
        site.vocab(),
        &ask.langs,
        shown.iter().flat_map(|r| r.iter().flatten()),
    );
    let mut out = String::from(
        "<section aria-labelledby=\"results-h\" class=\"results\"><h2 id=\"results-h\">Results</h2>",
    );
    let first = if shown.is_empty() { 0 } else { skip + 1 };
    let more = answer.truncated;
    let _ = write!(
        out,
        "<p class=\"count\" role=\"status\">Rows {} to {} {}, in {:.0} ms.</p>",
        group(first as i64),
        group((skip + shown.len()) as i64),
        if more {
            "(more follow)".to_string()
        } else {
            format!("of {}", group(answer.rows.len() as i64))
        },
        answer.elapsed.as_secs_f64() * 1000.0
    );
    let _ = write!(
        out,
        "<p class=\"downloads\">Download all results (up to {}): ",
        group(DOWNLOAD_LIMIT as i64)
    );
    let formats: &[&str] = if query.form().is_graph() {
        &["ttl", "nt", "jsonld"]
    } else {
        &["csv", "tsv", "json"]
    };
    for (i, f) in formats.iter().enumerate() {
        if i > 0 {
            out.push_str(" · ");
        }
        let _ = write!(
            out,
            "<a href=\"/workbench/download?format={f}&amp;query={}\" download>{}</a>",
            url_encode(text),
            f.to_uppercase()
        );
    }
    out.push_str("</p>");
    out.push_str(
        "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-labelledby=\"results-h scroll-hint\">\
         <table class=\"results\"><thead><tr>",
    );
    for v in &answer.variables {
        let _ = write!(out, "<th scope=\"col\">{}</th>", esc(v.as_str()));
    }
    out.push_str("</tr></thead><tbody>");
    for row in &shown {
        out.push_str("<tr>");
        for cell in row.iter() {
            let _ = write!(
                out,
                "<td>{}</td>",
                cell.as_ref()
                    .map(|t| html::term(t, &labels))
                    .unwrap_or_default()
            );
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table></div>");
    out.push_str(&pager(text, page, more));
    out.push_str("</section>");
    out
}

fn pager(text: &str, page: usize, more: bool) -> String {
    if page == 1 && !more {
        return String::new();
    }
    let mut out = String::from("<nav class=\"pager\" aria-label=\"Result pages\"><ul>");
    if page > 1 {
        let _ = write!(
            out,
            "<li><a rel=\"prev\" href=\"/workbench?query={}&amp;page={}\">Previous page</a></li>",
            url_encode(text),
            page - 1
        );
    }
    let _ = write!(out, "<li aria-current=\"page\">Page {page}</li>");
    if more {
        let _ = write!(
            out,
            "<li><a rel=\"next\" href=\"/workbench?query={}&amp;page={}\">Next page</a></li>",
            url_encode(text),
            page + 1
        );
    }
    out.push_str("</ul></nav>");
    out
}

/// `/workbench/download?format=csv|tsv|json|ttl|nt|jsonld&query=…`: the answer as a file.
pub(super) fn download(ask: &Ask<'_>) -> Response<Body> {
    let fail = |status: StatusCode, message: String| {
        Response::builder()
            .status(status)
            .header(CONTENT_TYPE, "text/plain; charset=utf-8")
            .body(Body::from(message + "\n"))
            .expect("valid headers")
    };
    let Some(text) = ask.param("query") else {
        return fail(StatusCode::BAD_REQUEST, "no query= parameter".into());
    };
    let name = ask.param("format").unwrap_or("csv");
    let Some(format) = Format::from_name(name).filter(|f| *f != Format::Table) else {
        return fail(
            StatusCode::BAD_REQUEST,
            format!("unknown format {name:?} (csv, tsv, json, xml, ttl, nt, jsonld)"),
        );
    };
    let query = match Query::parse(text) {
        Ok(q) => q,
        Err(e) => return fail(StatusCode::BAD_REQUEST, e.to_string()),
    };
    if let Err(e) = query.check_format(format) {
        return fail(StatusCode::BAD_REQUEST, e.to_string());
    }
    let options = QueryOptions::default()
        .with_timeout(ask.site.timeout)
        .with_limit(DOWNLOAD_LIMIT);
    match sparql::answer_to_vec(ask.site.store(), &query, &options, format) {
        Ok((body, _)) => {
            let extension = match format {
                Format::Graph(g) => g.name(),
                other => other.name(),
            };
            Response::builder()
                .status(StatusCode::OK)
                .header(CONTENT_TYPE, format.media_type(query.form()))
                .header(
                    "content-disposition",
                    format!("attachment; filename=\"results.{extension}\""),
                )
                .body(Body::from(body))
                .expect("valid headers")
        }
        Err(e @ QueryError::Timeout(_)) => fail(StatusCode::SERVICE_UNAVAILABLE, e.to_string()),
        Err(e) => fail(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    }
}
