//! The harmonisation dashboard: per collection and institution, records, runs and changes,
//! quarantined records and diagnostics by kind (from the last run's report), reconciliation
//! rates, and the unmatched and ambiguous headings with the records they occur in.
//!
//! Store-wide counts (records per collection and run, headings) need a pass over every
//! provenance graph, which takes seconds on a store of a million records; they are gathered
//! once, on a background thread, when the site starts ([`Cache`]). The store is opened
//! read-only, so they stay true while the server runs.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use oxigraph::model::Term;
use oxigraph::store::Store;

use super::html::{self, bar_chart, esc, group, iri_link, url_encode, Page, Section};
use super::labels::Labels;
use super::{Ask, Failure, PREFIXES};
use crate::run::report::csv_cell;
use crate::sparql::{self, Query, QueryOptions, Solutions};

/// Headings on one page of the headings table.
const PAGE_SIZE: usize = 50;

/// A collection, as the consortium graph describes it, with its record count.
#[derive(Debug, Clone, Default)]
pub struct CollectionRow {
    /// Its IRI.
    pub iri: String,
    /// Its id.
    pub id: String,
    /// Its name.
    pub title: String,
    /// Its institution's IRI.
    pub institution: String,
    /// Its institution's name.
    pub institution_name: String,
    /// marc, ead or dc.
    pub format: String,
}

/// An unmatched or ambiguous heading in one collection.
#[derive(Debug, Clone, Default)]
pub struct HeadingRow {
    /// The collection's IRI.
    pub collection: String,
    /// `unmatched` or `ambiguous`.
    pub status: String,
    /// The heading (the local concept's label).
    pub heading: String,
    /// The local concept.
    pub local: String,
    /// The scheme (from the local concept's IRI: `…/concept/{scheme}/{hash}`).
    pub scheme: String,
    /// Records of the collection using it.
    pub records: u64,
    /// One of them (an item IRI).
    pub example: String,
}

/// What the store says, counted once.
#[derive(Debug, Default)]
pub struct Overview {
    /// Records per collection IRI.
    pub records: HashMap<String, u64>,
    /// Records per collection IRI and run IRI (the run that last wrote them).
    pub by_run: Vec<(String, String, u64)>,
    /// Runs: IRI, start, end, written, quarantined, removed — latest first.
    pub runs: Vec<[String; 6]>,
    /// Uses of subject and place headings per collection IRI: matched, unmatched, ambiguous.
    pub outcomes: HashMap<String, BTreeMap<String, u64>>,
    /// Unmatched and ambiguous headings.
    pub headings: Vec<HeadingRow>,
    /// How long counting took.
    pub took: Duration,
}

enum State {
    Counting(Instant),
    Ready(Arc<Overview>),
    Failed(String),
}

/// The [`Overview`], gathered on a background thread.
pub struct Cache {
    state: Arc<Mutex<State>>,
}

impl Cache {
    /// Starts counting.
    pub fn start(store: Store) -> Self {
        let state = Arc::new(Mutex::new(State::Counting(Instant::now())));
        let shared = Arc::clone(&state);
        let spawned = thread::Builder::new()
            .name("crosswalk dashboard counts".into())
            .spawn(move || {
                let result = count(&store);
                let mut state = shared.lock().unwrap_or_else(|e| e.into_inner());
                *state = match result {
                    Ok(overview) => State::Ready(Arc::new(overview)),
                    Err(e) => State::Failed(e),
                };
            });
        if let Err(e) = spawned {
            *state.lock().unwrap_or_else(|e| e.into_inner()) = State::Failed(e.to_string());
        }
        Self { state }
    }

    /// The overview when ready; otherwise what to say instead.
    fn get(&self) -> Result<Arc<Overview>, String> {
        match &*self.state.lock().unwrap_or_else(|e| e.into_inner()) {
            State::Ready(o) => Ok(Arc::clone(o)),
            State::Counting(since) => Err(format!(
                "The store-wide counts are still being gathered (for {:.0} s so far): reload \
                 this page in a moment.",
                since.elapsed().as_secs_f64()
            )),
            State::Failed(e) => Err(format!("The store-wide counts failed: {e}")),
        }
    }
}

fn run(store: &Store, text: &str) -> Result<Solutions, String> {
    let query = Query::parse(&format!("{PREFIXES}{text}")).map_err(|e| e.to_string())?;
    sparql::solutions(store, &query, &QueryOptions::default()).map_err(|e| e.to_string())
}

fn value(t: &Option<Term>) -> String {
    match t {
        Some(Term::NamedNode(n)) => n.as_str().to_string(),
        Some(Term::Literal(l)) => l.value().to_string(),
        Some(other) => other.to_string(),
        None => String::new(),
    }
}

fn number(t: &Option<Term>) -> u64 {
    value(t).parse().unwrap_or(0)
}

fn count(store: &Store) -> Result<Overview, String> {
    let start = Instant::now();
    let mut overview = Overview::default();
    for row in run(
        store,
        "SELECT ?c ?run (COUNT(?g) AS ?n) WHERE { GRAPH ?p { ?g dcterms:isPartOf ?c ; \
         prov:wasGeneratedBy ?run } } GROUP BY ?c ?run",
    )?
    .rows
    {
        let (c, r, n) = (value(&row[0]), value(&row[1]), number(&row[2]));
        *overview.records.entry(c.clone()).or_default() += n;
        overview.by_run.push((c, r, n));
    }
    for row in run(
        store,
        "SELECT ?run ?start ?end ?written ?quarantined ?removed WHERE { GRAPH ?r { \
         ?run a prov:Activity ; prov:startedAtTime ?start . \
         OPTIONAL { ?run prov:endedAtTime ?end } OPTIONAL { ?run cw:recordsWritten ?written } \
         OPTIONAL { ?run cw:recordsQuarantined ?quarantined } \
         OPTIONAL { ?run cw:recordsRemoved ?removed } } } ORDER BY DESC(?start)",
    )?
    .rows
    {
        overview.runs.push([
            value(&row[0]),
            value(&row[1]),
            value(&row[2]),
            value(&row[3]),
            value(&row[4]),
            value(&row[5]),
        ]);
    }
    for row in run(
        store,
        "SELECT ?c ?outcome (COUNT(*) AS ?n) WHERE { \
           GRAPH ?g { ?item dcterms:subject|dcterms:spatial ?concept . \
                      ?concept skos:exactMatch|skos:broadMatch ?target . \
                      OPTIONAL { ?target cw:reconciliation ?status } } \
           GRAPH ?p { ?g dcterms:isPartOf ?c } \
           BIND(COALESCE(?status, \"matched\") AS ?outcome) \
         } GROUP BY ?c ?outcome",
    )?
    .rows
    {
        overview
            .outcomes
            .entry(value(&row[0]))
            .or_default()
            .insert(value(&row[1]), number(&row[2]));
    }
    for row in run(
        store,
        "SELECT ?c ?status ?heading ?local (COUNT(DISTINCT ?g) AS ?n) (SAMPLE(?item) AS ?example) \
         WHERE { \
           GRAPH ?g { ?item dcterms:subject|dcterms:spatial ?concept . \
                      ?concept skos:exactMatch ?local . \
                      ?local cw:reconciliation ?status ; skos:prefLabel ?heading . } \
           GRAPH ?p { ?g dcterms:isPartOf ?c } \
         } GROUP BY ?c ?status ?heading ?local",
    )?
    .rows
    {
        let local = value(&row[3]);
        let scheme = local
            .rsplit('/')
            .nth(1)
            .filter(|_| local.contains("/concept/"))
            .unwrap_or("")
            .to_string();
        overview.headings.push(HeadingRow {
            collection: value(&row[0]),
            status: value(&row[1]),
            heading: value(&row[2]),
            local,
            scheme,
            records: number(&row[4]),
            example: value(&row[5]),
        });
    }
    overview
        .headings
        .sort_by(|a, b| b.records.cmp(&a.records).then(a.heading.cmp(&b.heading)));
    overview.took = start.elapsed();
    Ok(overview)
}

/// The collections the consortium graph describes (read once, when the site starts).
pub(super) fn load_collections(store: &Store, consortium: Option<&str>) -> Vec<CollectionRow> {
    let Some(consortium) = consortium else {
        return Vec::new();
    };
    let Ok(answer) = run(
        store,
        &format!(
            "SELECT ?c ?id ?title ?inst ?name ?format WHERE {{ GRAPH <{consortium}> {{ \
               ?c a dcmitype:Collection . \
               OPTIONAL {{ ?c dcterms:identifier ?id }} OPTIONAL {{ ?c dcterms:title ?title }} \
               OPTIONAL {{ ?c cw:format ?format }} \
               OPTIONAL {{ ?c dcterms:publisher ?inst . OPTIONAL {{ ?inst foaf:name ?name }} }} }} }} \
             ORDER BY ?name ?id"
        ),
    ) else {
        return Vec::new();
    };
    let mut out: Vec<CollectionRow> = Vec::new();
    for row in &answer.rows {
        let iri = value(&row[0]);
        if out.iter().any(|c| c.iri == iri) {
            continue;
        }
        let id = value(&row[1]);
        out.push(CollectionRow {
            title: Some(value(&row[2]))
                .filter(|t| !t.is_empty())
                .unwrap_or_else(|| id.clone()),
            iri,
            id,
            institution: value(&row[3]),
            institution_name: value(&row[4]),
            format: value(&row[5]),
        });
    }
    out
}

/// The list of collections for the start page.
pub(super) fn collections_list(ask: &Ask<'_>) -> String {
    let rows = &ask.site.collections;
    if rows.is_empty() {
        return "<p>The store holds no collection description (no consortium graph).</p>".into();
    }
    let overview = ask.site.overview.get().ok();
    let mut out = format!(
        "<h2>{}</h2><ul class=\"collections\">",
        ask.tr("Collections")
    );
    for c in rows {
        let records = overview
            .as_ref()
            .and_then(|o| o.records.get(&c.iri))
            .map(|n| format!(", {} records", group(*n as i64)))
            .unwrap_or_default();
        let _ = write!(
            out,
            "<li><a href=\"{}\">{}</a> <span class=\"meta\">({}{}{records})</span></li>",
            esc(&html::resource_href(&c.iri)),
            esc(&c.title),
            esc(&c.institution_name),
            if c.format.is_empty() {
                String::new()
            } else {
                format!(", {}", esc(&c.format.to_uppercase()))
            },
        );
    }
    out.push_str("</ul>");
    out
}

fn pct(part: u64, all: u64) -> f64 {
    if all == 0 {
        0.0
    } else {
        (part as f64 * 1000.0 / all as f64).round() / 10.0
    }
}

/// `/dashboard`.
pub(super) fn page(ask: &Ask<'_>) -> Page {
    let mut page = Page::new(ask.tr("Harmonisation dashboard"), Section::Dashboard);
    let collections = &ask.site.collections;
    let report = ask.site.run_report();
    let overview = ask.site.overview.get();
    let out = &mut page.body;
    let mut labels = Labels::default();
    for c in collections {
        labels.insert(&c.iri, &c.title);
        labels.insert(&c.institution, &c.institution_name);
    }
    if let Err(message) = &overview {
        let _ = write!(
            out,
            "<p class=\"note\" role=\"status\">{}</p>",
            esc(message)
        );
    }
    if report.is_none() {
        out.push_str(
            "<p class=\"note\">No run report: start the server with <code>--config</code> to \
             show the last run's quarantine, diagnostics and reconciliation by scheme.</p>",
        );
    }
    // Per collection.
    out.push_str(
        "<section aria-labelledby=\"coll-h\"><h2 id=\"coll-h\">Collections</h2>\
         <div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-labelledby=\"coll-h scroll-hint\">\
         <table><thead><tr><th scope=\"col\">Institution</th><th scope=\"col\">Collection</th>\
         <th scope=\"col\">Format</th><th scope=\"col\" class=\"num\">Records in the store</th>\
         <th scope=\"col\">Last run that wrote records</th>\
         <th scope=\"col\" class=\"num\">Last run: new</th><th scope=\"col\" class=\"num\">replaced</th>\
         <th scope=\"col\" class=\"num\">unchanged</th><th scope=\"col\" class=\"num\">removed</th>\
         <th scope=\"col\" class=\"num\">quarantined</th>\
         <th scope=\"col\" class=\"num\">Headings matched</th></tr></thead><tbody>",
    );
    let mut record_bars = Vec::new();
    let mut rate_bars = Vec::new();
    for c in collections {
        let o = overview.as_ref().ok();
        let records = o.and_then(|o| o.records.get(&c.iri)).copied();
        let last_run = o.and_then(|o| {
            o.runs
                .iter()
                .find(|r| {
                    o.by_run
                        .iter()
                        .any(|(col, run, _)| *col == c.iri && *run == r[0])
                })
                .map(|r| {
                    let n = o
                        .by_run
                        .iter()
                        .find(|(col, run, _)| *col == c.iri && *run == r[0])
                        .map_or(0, |x| x.2);
                    format!(
                        "<time datetime=\"{}\">{}</time> ({} records)",
                        esc(&r[1]),
                        esc(&r[1].chars().take(19).collect::<String>().replace('T', " ")),
                        group(n as i64)
                    )
                })
        });
        let summary = report
            .as_ref()
            .and_then(|r| r.collections.iter().find(|s| s.id == c.id));
        let outcome = o.and_then(|o| o.outcomes.get(&c.iri));
        let rate = outcome.map(|m| {
            let all: u64 = m.values().sum();
            let matched = m.get("matched").copied().unwrap_or(0);
            (pct(matched, all), matched, all)
        });
        if let Some(n) = records {
            record_bars.push((c.id.clone(), n as f64));
        }
        if let Some((p, _, _)) = rate {
            rate_bars.push((c.id.clone(), p));
        }
        let cell = |n: Option<u64>| {
            n.map(|n| group(n as i64))
                .unwrap_or_else(|| "—".to_string())
        };
        let _ = write!(
            out,
            "<tr><td>{}</td><th scope=\"row\">{}</th><td>{}</td><td class=\"num\">{}</td><td>{}</td>\
             <td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            iri_link(&c.institution, &labels),
            iri_link(&c.iri, &labels),
            esc(&c.format),
            cell(records),
            last_run.unwrap_or_else(|| "—".into()),
            cell(summary.map(|s| s.new)),
            cell(summary.map(|s| s.replaced)),
            cell(summary.map(|s| s.unchanged)),
            cell(summary.map(|s| s.removed)),
            summary
                .map(|s| {
                    if s.quarantined > 0 {
                        format!("<strong class=\"warn\">{}</strong>", group(s.quarantined as i64))
                    } else {
                        "0".into()
                    }
                })
                .unwrap_or_else(|| "—".into()),
            rate.map(|(p, m, a)| format!(
                "{p:.1} % <small>({} of {})</small>",
                group(m as i64),
                group(a as i64)
            ))
            .unwrap_or_else(|| "—".into()),
        );
    }
    out.push_str("</tbody></table></div>");
    out.push_str("<div class=\"charts\">");
    out.push_str(&bar_chart("Records per collection", &record_bars, ""));
    out.push_str(&bar_chart(
        "Subject and place headings matched to a vocabulary, per collection",
        &rate_bars,
        " %",
    ));
    out.push_str("</div></section>");

    // Reconciliation by scheme, from the report.
    if let Some(report) = &report {
        out.push_str(
            "<section aria-labelledby=\"rec-h\"><h2 id=\"rec-h\">Reconciliation by scheme \
             (last run)</h2><p class=\"help\">Values reconciled by the records the last run \
             wrote (unchanged records are not mapped again).</p>\
             <div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-labelledby=\"rec-h scroll-hint\">\
             <table><thead><tr><th scope=\"col\">Collection</th><th scope=\"col\">Scheme</th>\
             <th scope=\"col\" class=\"num\">Matched</th><th scope=\"col\" class=\"num\">Unmatched</th>\
             <th scope=\"col\" class=\"num\">Ambiguous</th><th scope=\"col\" class=\"num\">Rate</th>\
             </tr></thead><tbody>",
        );
        let mut bars = Vec::new();
        for s in &report.collections {
            for (scheme, m) in &s.reconciliation {
                let get = |k: &str| m.get(k).copied().unwrap_or(0);
                let all: u64 = m.values().sum();
                let rate = pct(get("matched"), all);
                bars.push((format!("{} · {scheme}", s.id), rate));
                let _ = write!(
                    out,
                    "<tr><th scope=\"row\">{}</th><td>{}</td><td class=\"num\">{}</td>\
                     <td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{rate:.1} %</td></tr>",
                    esc(&s.id),
                    esc(scheme),
                    group(get("matched") as i64),
                    group(get("unmatched") as i64),
                    group(get("ambiguous") as i64),
                );
            }
        }
        out.push_str("</tbody></table></div>");
        out.push_str(&bar_chart(
            "Reconciliation rate by collection and scheme",
            &bars,
            " %",
        ));
        out.push_str("</section>");

        // Diagnostics by kind.
        out.push_str(
            "<section aria-labelledby=\"diag-h\"><h2 id=\"diag-h\">Diagnostics by kind (last run)</h2>",
        );
        let mut any = false;
        let mut kinds: BTreeMap<String, u64> = BTreeMap::new();
        let mut table = String::from(
            "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-labelledby=\"diag-h scroll-hint\">\
             <table><thead><tr><th scope=\"col\">Collection</th><th scope=\"col\">Kind</th>\
             <th scope=\"col\" class=\"num\">Count</th></tr></thead><tbody>",
        );
        for s in &report.collections {
            for (kind, n) in &s.diagnostics {
                any = true;
                *kinds.entry(kind.clone()).or_default() += n;
                let _ = write!(
                    table,
                    "<tr><th scope=\"row\">{}</th><td><code>{}</code></td><td class=\"num\">{}</td></tr>",
                    esc(&s.id),
                    esc(kind),
                    group(*n as i64)
                );
            }
        }
        table.push_str("</tbody></table></div>");
        if any {
            out.push_str(&table);
            let bars: Vec<(String, f64)> = kinds.into_iter().map(|(k, n)| (k, n as f64)).collect();
            out.push_str(&bar_chart(
                "Diagnostics by kind, all collections",
                &bars,
                "",
            ));
        } else {
            out.push_str("<p>The last run reported no diagnostic.</p>");
        }
        let _ =
            write!(
            out,
            "<p>Run {} started {} and took {:.1} s. Every diagnostic with its file, record and \
             field is in <code>diagnostics.csv</code> in the reports folder.</p></section>",
            esc(&report.run),
            esc(&report.started.chars().take(19).collect::<String>().replace('T', " ")),
            report.seconds
        );
    }

    if let Ok(o) = &overview {
        // Top unmatched headings.
        let top: Vec<(String, f64)> = o
            .headings
            .iter()
            .take(10)
            .map(|h| (h.heading.clone(), h.records as f64))
            .collect();
        let unmatched = o
            .headings
            .iter()
            .filter(|h| h.status == "unmatched")
            .count();
        let ambiguous = o
            .headings
            .iter()
            .filter(|h| h.status == "ambiguous")
            .count();
        let _ = write!(
            out,
            "<section aria-labelledby=\"head-h\"><h2 id=\"head-h\">Headings to review</h2>\
             <p>{} unmatched and {} ambiguous headings (per collection). \
             <a href=\"/dashboard/headings\">All headings: sort, filter, export</a>.</p>",
            group(unmatched as i64),
            group(ambiguous as i64)
        );
        out.push_str(&bar_chart(
            "The ten unreconciled headings used by most records",
            &top,
            "",
        ));
        out.push_str("</section>");

        // Runs.
        out.push_str(
            "<section aria-labelledby=\"runs-h\"><h2 id=\"runs-h\">Runs that changed the store</h2>\
             <div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-labelledby=\"runs-h scroll-hint\">\
             <table><thead><tr><th scope=\"col\">Started</th><th scope=\"col\">Ended</th>\
             <th scope=\"col\" class=\"num\">Written</th><th scope=\"col\" class=\"num\">Quarantined</th>\
             <th scope=\"col\" class=\"num\">Removed</th><th scope=\"col\" class=\"num\">Records it still holds</th></tr></thead><tbody>",
        );
        for r in o.runs.iter().take(50) {
            let holds: u64 = o
                .by_run
                .iter()
                .filter(|(_, run, _)| *run == r[0])
                .map(|x| x.2)
                .sum();
            let _ = write!(
                out,
                "<tr><th scope=\"row\"><a href=\"{}\">{}</a></th><td>{}</td><td class=\"num\">{}</td>\
                 <td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                esc(&html::resource_href(&r[0])),
                esc(&r[1].chars().take(19).collect::<String>().replace('T', " ")),
                esc(&r[2].chars().take(19).collect::<String>().replace('T', " ")),
                esc(&r[3]),
                esc(&r[4]),
                esc(&r[5]),
                group(holds as i64)
            );
        }
        let _ = write!(
            out,
            "</tbody></table></div><p class=\"help\">Counted once when the server started \
             ({:.2} s).</p></section>",
            o.took.as_secs_f64()
        );
    }
    page
}

/// What `/dashboard/headings` answers with.
pub(super) enum Headings {
    /// The page.
    Page(Page),
    /// `format=csv`.
    Csv(String),
}

/// `/dashboard/headings?collection=ID&status=S&scheme=S&q=TEXT&sort=records|heading|collection|status&order=asc|desc&page=N[&format=csv]`.
pub(super) fn headings(ask: &Ask<'_>) -> Result<Headings, Failure> {
    let overview = ask.site.overview.get();
    let collections = &ask.site.collections;
    let names: HashMap<&str, &CollectionRow> =
        collections.iter().map(|c| (c.iri.as_str(), c)).collect();
    let id_of = |iri: &str| {
        names
            .get(iri)
            .map(|c| c.id.clone())
            .unwrap_or_else(|| iri.rsplit('/').next().unwrap_or(iri).to_string())
    };
    let want_collection = ask.param("collection").filter(|s| !s.is_empty());
    let want_status = ask.param("status").filter(|s| !s.is_empty());
    let want_scheme = ask.param("scheme").filter(|s| !s.is_empty());
    let needle = ask
        .param("q")
        .map(|q| q.trim().to_lowercase())
        .filter(|q| !q.is_empty());
    let sort = ask
        .param("sort")
        .filter(|s| ["heading", "collection", "status", "records", "scheme"].contains(s))
        .unwrap_or("records");
    let descending = match ask.param("order") {
        Some("asc") => false,
        Some("desc") => true,
        _ => sort == "records",
    };
    let empty = Arc::new(Overview::default());
    let o = overview.as_ref().unwrap_or(&empty);
    let mut rows: Vec<&HeadingRow> = o
        .headings
        .iter()
        .filter(|h| want_collection.is_none_or(|c| id_of(&h.collection) == c))
        .filter(|h| want_status.is_none_or(|s| h.status == s))
        .filter(|h| want_scheme.is_none_or(|s| h.scheme == s))
        .filter(|h| {
            needle
                .as_ref()
                .is_none_or(|n| h.heading.to_lowercase().contains(n.as_str()))
        })
        .collect();
    rows.sort_by(|a, b| {
        let ord = match sort {
            "heading" => a.heading.to_lowercase().cmp(&b.heading.to_lowercase()),
            "collection" => id_of(&a.collection).cmp(&id_of(&b.collection)),
            "status" => a.status.cmp(&b.status),
            "scheme" => a.scheme.cmp(&b.scheme),
            _ => a.records.cmp(&b.records),
        };
        let ord = if descending { ord.reverse() } else { ord };
        ord.then_with(|| a.heading.cmp(&b.heading))
    });
    if ask.param("format") == Some("csv") {
        let mut csv =
            String::from("collection,status,scheme,heading,records,local_concept,example\n");
        for h in &rows {
            let _ = writeln!(
                csv,
                "{},{},{},{},{},{},{}",
                csv_field(&id_of(&h.collection)),
                csv_field(&h.status),
                csv_field(&h.scheme),
                csv_field(&h.heading),
                h.records,
                csv_field(&h.local),
                csv_field(&h.example)
            );
        }
        return Ok(Headings::Csv(csv));
    }
    let mut page = Page::new(
        ask.tr("Unmatched and ambiguous headings"),
        Section::Dashboard,
    );
    let out = &mut page.body;
    if let Err(message) = &overview {
        let _ = write!(
            out,
            "<p class=\"note\" role=\"status\">{}</p>",
            esc(message)
        );
    }
    // The filter form.
    let mut schemes: Vec<&str> = o.headings.iter().map(|h| h.scheme.as_str()).collect();
    schemes.sort_unstable();
    schemes.dedup();
    out.push_str(
        "<form class=\"filters\" method=\"get\" action=\"/dashboard/headings\" role=\"search\" \
         aria-label=\"Filter headings\"><div class=\"field\"><label for=\"f-collection\">Collection</label>\
         <select id=\"f-collection\" name=\"collection\"><option value=\"\">all</option>",
    );
    for c in collections {
        let _ = write!(
            out,
            "<option value=\"{}\"{}>{}</option>",
            esc(&c.id),
            if want_collection == Some(c.id.as_str()) {
                " selected"
            } else {
                ""
            },
            esc(&c.title)
        );
    }
    out.push_str(
        "</select></div><div class=\"field\"><label for=\"f-status\">Status</label>\
         <select id=\"f-status\" name=\"status\"><option value=\"\">any</option>",
    );
    for s in ["unmatched", "ambiguous"] {
        let _ = write!(
            out,
            "<option{}>{s}</option>",
            if want_status == Some(s) {
                " selected"
            } else {
                ""
            }
        );
    }
    out.push_str(
        "</select></div><div class=\"field\"><label for=\"f-scheme\">Scheme</label>\
         <select id=\"f-scheme\" name=\"scheme\"><option value=\"\">any</option>",
    );
    for s in &schemes {
        let _ = write!(
            out,
            "<option{}>{}</option>",
            if want_scheme == Some(*s) {
                " selected"
            } else {
                ""
            },
            esc(s)
        );
    }
    let _ = write!(
        out,
        "</select></div><div class=\"field\"><label for=\"f-q\">Heading contains</label>\
         <input id=\"f-q\" name=\"q\" type=\"search\" value=\"{}\"></div>\
         <input type=\"hidden\" name=\"sort\" value=\"{sort}\"><input type=\"hidden\" name=\"order\" value=\"{}\">\
         <div class=\"field\"><button type=\"submit\">Filter</button></div></form>",
        esc(needle.as_deref().unwrap_or("")),
        if descending { "desc" } else { "asc" }
    );
    let params = |sort: &str, order: &str, page: usize, format: Option<&str>| {
        let mut q = Vec::new();
        for (k, v) in [
            ("collection", want_collection),
            ("status", want_status),
            ("scheme", want_scheme),
            ("q", needle.as_deref()),
        ] {
            if let Some(v) = v {
                q.push(format!("{k}={}", url_encode(v)));
            }
        }
        q.push(format!("sort={sort}&order={order}"));
        if page > 1 {
            q.push(format!("page={page}"));
        }
        if let Some(f) = format {
            q.push(format!("format={f}"));
        }
        format!("/dashboard/headings?{}", q.join("&"))
    };
    let total: u64 = rows.iter().map(|h| h.records).sum();
    let _ = write!(
        out,
        "<p class=\"count\" role=\"status\">{} heading{} ({} uses). \
         <a href=\"{}\" download>Export these as CSV</a></p>",
        group(rows.len() as i64),
        if rows.len() == 1 { "" } else { "s" },
        group(total as i64),
        esc(&params(
            sort,
            if descending { "desc" } else { "asc" },
            1,
            Some("csv")
        ))
    );
    let page_no = ask.page();
    let pages = rows.len().div_ceil(PAGE_SIZE).max(1);
    out.push_str(
        "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"Headings\">\
         <table class=\"headings\"><thead><tr>",
    );
    for (key, name, numeric) in [
        ("heading", "Heading", false),
        ("collection", "Collection", false),
        ("status", "Status", false),
        ("scheme", "Scheme", false),
        ("records", "Records", true),
    ] {
        let active = sort == key;
        let next_order = if active {
            if descending {
                "asc"
            } else {
                "desc"
            }
        } else if numeric {
            "desc"
        } else {
            "asc"
        };
        let aria = if active {
            if descending {
                " aria-sort=\"descending\""
            } else {
                " aria-sort=\"ascending\""
            }
        } else {
            ""
        };
        let _ = write!(
            out,
            "<th scope=\"col\"{aria}{}><a href=\"{}\">{name}<span class=\"visually-hidden\">, sort {}</span>{}</a></th>",
            if numeric { " class=\"num\"" } else { "" },
            esc(&params(key, next_order, 1, None)),
            if next_order == "asc" { "ascending" } else { "descending" },
            if active {
                if descending { " ▼" } else { " ▲" }
            } else {
                ""
            }
        );
    }
    out.push_str("<th scope=\"col\">One of its records</th></tr></thead><tbody>");
    let mut labels = Labels::default();
    for c in collections {
        labels.insert(&c.iri, &c.title);
    }
    for h in rows.iter().skip((page_no - 1) * PAGE_SIZE).take(PAGE_SIZE) {
        labels.fill_iri(ask.site.store(), ask.site.vocab(), &ask.langs, &h.example);
        let occurrences = format!(
            "{}&coll={}",
            html::resource_href(&h.local),
            url_encode(&h.collection)
        );
        let _ = write!(
            out,
            "<tr><th scope=\"row\"><a href=\"{}\">{}</a></th><td>{}</td><td><span class=\"badge {}\">{}</span></td>\
             <td>{}</td><td class=\"num\"><a href=\"{}\" aria-label=\"{} records of {} with {}\">{}</a></td><td>{}</td></tr>",
            esc(&html::resource_href(&h.local)),
            esc(&h.heading),
            esc(&id_of(&h.collection)),
            esc(&h.status),
            esc(&h.status),
            esc(&h.scheme),
            esc(&occurrences),
            h.records,
            esc(&id_of(&h.collection)),
            esc(&h.heading),
            group(h.records as i64),
            iri_link(&h.example, &labels),
        );
    }
    out.push_str("</tbody></table></div>");
    if pages > 1 {
        out.push_str("<nav class=\"pager\" aria-label=\"Heading pages\"><ul>");
        let order = if descending { "desc" } else { "asc" };
        if page_no > 1 {
            let _ = write!(
                out,
                "<li><a rel=\"prev\" href=\"{}\">Previous page</a></li>",
                esc(&params(sort, order, page_no - 1, None))
            );
        }
        let _ = write!(
            out,
            "<li aria-current=\"page\">Page {page_no} of {pages}</li>"
        );
        if page_no < pages {
            let _ = write!(
                out,
                "<li><a rel=\"next\" href=\"{}\">Next page</a></li>",
                esc(&params(sort, order, page_no + 1, None))
            );
        }
        out.push_str("</ul></nav>");
    }
    Ok(Headings::Page(page))
}

fn csv_field(s: &str) -> String {
    let mut out = String::new();
    csv_cell(&mut out, s);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_and_rates() {
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"x\""), "\"say \"\"x\"\"\"");
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(pct(1, 3), 33.3);
        assert_eq!(pct(0, 0), 0.0);
    }
}
