//! A page for every resource of the harmonised graph.
//!
//! - A **record** (the main resource of a record graph, found through `cw:describes` in its
//!   provenance): its harmonised description with the concepts and agents it links, labelled in
//!   the reader's language, and where each heading was reconciled to; its provenance; its place
//!   in its finding aid (EAD: `dcterms:isPartOf` up, `dcterms:hasPart` down); its source record.
//! - Anything items link to (a concept, an agent, a vocabulary IRI, a collection or an
//!   institution): everything about it **across institutions**, with facets by institution,
//!   collection, type and decade, and paging. Items reach a vocabulary concept through the
//!   per-heading concepts of their records (`skos:exactMatch`, `skos:broadMatch`) and a
//!   person's authority IRI through `owl:sameAs`.
//!
//! Items are found with index scans, not SPARQL joins; counts and the institution and
//! collection facets are exact up to [`COUNT_CAP`] items, the type and date facets count the
//! first [`FACET_CAP`] (the page says so). The list of items and the facets of a resource page
//! (with its filters) are made once and kept while the server runs ([`Kept`]; the store is
//! opened read-only), so that any page of the list, the first or the last, costs only the 25
//! items shown: their types, date and title, and the labels. A list not kept is made in a
//! thread of its own, which the request waits for at most [`LIST_WAIT`]: past that, the page
//! shows its items from a scan that stops after them (the list's order), with no count or facet
//! that is not final, and a later request finds the list kept.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use oxigraph::model::{GraphNameRef, NamedNode, NamedNodeRef, NamedOrBlankNode, Term};

use super::html::{
    self, esc, group, iri_link, predicate, resource_href, url_encode, Page, Section,
};
use super::i18n::ItemsFound;
use super::labels::Labels;
use super::source::{self, Location, Source};
use super::{iri_ref, Ask, Failure};

/// Items counted for the facets at the most.
pub const FACET_CAP: usize = 500;
/// Items found at the most (the count and the institution and collection facets are exact up
/// to this many).
pub const COUNT_CAP: usize = 20_000;
/// Items on one page.
const PAGE_SIZE: usize = 25;
/// How long a request waits for the list of a resource page being made (in a thread of its own)
/// before it answers without the list; the list is kept when made, for the next request.
pub(crate) const LIST_WAIT: Duration = Duration::from_millis(100);
/// Lists made in threads of their own at once, at the most.
const MAKERS: usize = 4;
/// Bridging concepts (headings as written) followed at the most.
const BRIDGE_CAP: usize = 500;

const DCTERMS: &str = "http://purl.org/dc/terms/";
const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
const OWL_SAME_AS: &str = "http://www.w3.org/2002/07/owl#sameAs";
const SKOS: &str = "http://www.w3.org/2004/02/skos/core#";
const CW_DESCRIBES: &str = "https://w3id.org/crosswalk/vocab#describes";

fn nn(iri: &str) -> NamedNodeRef<'_> {
    NamedNodeRef::new_unchecked(iri)
}

/// `/resource?iri=…[&inst=…][&coll=…][&type=…][&decade=…][&page=N]`.
pub(super) fn page(ask: &Ask<'_>) -> Result<Page, Failure> {
    let iri = ask
        .param("iri")
        .ok_or_else(|| Failure::BadRequest("no iri= parameter: which resource?".into()))?;
    iri_ref(iri)?;
    let site = ask.site;
    let store = site.store();
    let x = nn(iri);
    let mut labels = Labels::default();
    let record = record_provenance(ask, iri)?;
    let bridges = bridges(ask, iri)?;

    labels.fill_iri(store, site.vocab(), &ask.langs, iri);
    let title = match labels.get(iri) {
        Some(l) => l.to_string(),
        None => bridges
            .first()
            .and_then(|(b, _)| {
                labels.fill_iri(store, site.vocab(), &ask.langs, b);
                labels.get(b).map(str::to_string)
            })
            .unwrap_or_else(|| iri.to_string()),
    };
    let mut page = Page::new(title, Section::Browse);
    let kind = if record.is_some() {
        "Record"
    } else if has_type(ask, iri, "http://purl.org/dc/dcmitype/Collection") {
        "Collection"
    } else if has_type(ask, iri, "http://xmlns.com/foaf/0.1/Organization") {
        "Institution"
    } else if !bridges.is_empty()
        || has_type(ask, iri, "http://www.w3.org/2004/02/skos/core#Concept")
    {
        "Concept"
    } else if has_type(ask, iri, "http://xmlns.com/foaf/0.1/Agent") {
        "Agent"
    } else {
        "Resource"
    };
    let _ = write!(
        page.body,
        "<p class=\"kind\"><span class=\"badge\">{}</span> <code class=\"iri\">{}</code></p>",
        ask.tr(kind),
        esc(iri)
    );

    match &record {
        Some(prov) => {
            description(ask, iri, &prov.graph, &mut labels, &mut page.body);
            hierarchy(ask, iri, &mut labels, &mut page.body);
            provenance_html(ask, prov, &mut labels, &mut page.body);
            source_html(ask, prov, &mut page.body);
        }
        None => {
            // Described in some graph (a concept or agent is described in each record that
            // uses it, the same way): the first graph stands for all.
            let first = store
                .quads_for_pattern(Some(x.into()), None, None, None)
                .next()
                .and_then(Result::ok)
                .map(|q| q.graph_name.to_string());
            if let Some(g) = first {
                let g = g.trim_start_matches('<').trim_end_matches('>').to_string();
                description(ask, iri, &g, &mut labels, &mut page.body);
            }
        }
    }
    if !bridges.is_empty() {
        bridges_html(ask, iri, &bridges, &mut labels, &mut page.body);
    }
    across(ask, iri, kind, &bridges, &mut labels, &mut page.body)?;
    Ok(page)
}

fn has_type(ask: &Ask<'_>, iri: &str, class: &str) -> bool {
    ask.site
        .store()
        .quads_for_pattern(
            Some(nn(iri).into()),
            Some(nn(RDF_TYPE)),
            Some(nn(class).into()),
            None,
        )
        .next()
        .is_some()
}

/// A record's provenance.
struct Provenance {
    graph: String,
    row: HashMap<String, Term>,
}

impl Provenance {
    fn get(&self, key: &str) -> Option<&Term> {
        self.row.get(key)
    }

    fn text(&self, key: &str) -> Option<String> {
        self.get(key).map(|t| match t {
            Term::Literal(l) => l.value().to_string(),
            Term::NamedNode(n) => n.as_str().to_string(),
            other => other.to_string(),
        })
    }
}

fn record_provenance(ask: &Ask<'_>, iri: &str) -> Result<Option<Provenance>, Failure> {
    let store = ask.site.store();
    let storage = |e: oxigraph::store::StorageError| Failure::Storage(e.to_string());
    let Some(found) = store
        .quads_for_pattern(None, Some(nn(CW_DESCRIBES)), Some(nn(iri).into()), None)
        .next()
    else {
        return Ok(None);
    };
    let found = found.map_err(storage)?;
    let NamedOrBlankNode::NamedNode(g) = found.subject else {
        return Ok(None);
    };
    let pg = found.graph_name;
    let mut row = HashMap::new();
    let keys = |p: &str| -> Option<&'static str> {
        Some(match p.rsplit(['/', '#']).next()? {
            "isPartOf" => "collection",
            "wasAttributedTo" => "institution",
            "wasGeneratedBy" => "run",
            "generatedAtTime" => "generated",
            "crosswalk" => "crosswalk",
            "checksum" => "checksum",
            "wasDerivedFrom" => "source",
            "identifier" => "id",
            "format" => "format",
            "sourceFile" => "file",
            "recordNumber" => "number",
            "byteOffset" => "offset",
            "line" => "line",
            _ => return None,
        })
    };
    for quad in store.quads_for_pattern(Some(g.as_ref().into()), None, None, Some(pg.as_ref())) {
        let quad = quad.map_err(storage)?;
        if let Some(key) = keys(quad.predicate.as_str()) {
            row.entry(key.to_string()).or_insert(quad.object);
        }
    }
    if let Some(Term::NamedNode(source)) = row.get("source").cloned() {
        for quad in
            store.quads_for_pattern(Some(source.as_ref().into()), None, None, Some(pg.as_ref()))
        {
            let quad = quad.map_err(storage)?;
            if let Some(key) = keys(quad.predicate.as_str()) {
                row.entry(key.to_string()).or_insert(quad.object);
            }
        }
    }
    Ok(Some(Provenance {
        graph: g.into_string(),
        row,
    }))
}

/// The headings as written (per-record concepts) and agents that lead to `iri`: (IRI, how).
/// Every record that uses a heading says where it was reconciled to, so the scan reads as many
/// quads as the concept has records: it is made once per resource and kept ([`Kept`]).
fn bridges(ask: &Ask<'_>, iri: &str) -> Result<Arc<Bridges>, Failure> {
    ask.site
        .kept()
        .bridges
        .get_or_make(iri, || scan_bridges(ask, iri))
}

/// Bridging concepts and agents: (IRI, how).
type Bridges = Vec<(String, &'static str)>;

fn scan_bridges(ask: &Ask<'_>, iri: &str) -> Result<Bridges, Failure> {
    let target = iri_ref(iri)?;
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for (p, how) in [
        (
            "http://www.w3.org/2004/02/skos/core#exactMatch",
            "exact match",
        ),
        (
            "http://www.w3.org/2004/02/skos/core#broadMatch",
            "broader match",
        ),
        (OWL_SAME_AS, "same as"),
    ] {
        if out.len() >= BRIDGE_CAP {
            break;
        }
        // DISTINCT is evaluated over the store's encoded terms: of the one quad per record that
        // states the mapping, only the distinct subjects are decoded (reading every quad's
        // terms was most of a large concept's first request).
        let answer = select(
            ask,
            &format!(
                "SELECT DISTINCT ?s WHERE {{ GRAPH ?g {{ ?s <{p}> {target} }} FILTER(isIRI(?s)) }}"
            ),
            BRIDGE_CAP - out.len(),
        )?;
        for row in answer.rows {
            if let Some(Some(Term::NamedNode(s))) = row.into_iter().next() {
                if seen.insert(s.as_str().to_string()) {
                    out.push((s.into_string(), how));
                }
            }
        }
    }
    Ok(out)
}

/// The solutions of a SELECT query of the pages (the server's timeout), at most `limit`.
fn select(ask: &Ask<'_>, text: &str, limit: usize) -> Result<crate::sparql::Solutions, Failure> {
    let query = crate::sparql::Query::parse(text).map_err(|e| Failure::Storage(e.to_string()))?;
    let options = crate::sparql::QueryOptions::default()
        .with_timeout(ask.site.timeout)
        .with_limit(limit);
    crate::sparql::solutions(ask.site.store(), &query, &options)
        .map_err(|e| Failure::Storage(e.to_string()))
}

/// The triples of `iri` in graph `g`, by predicate; nodes of the record (IRIs below the item's
/// own, blank nodes) shown inside; concepts with where they were reconciled to.
fn description(ask: &Ask<'_>, iri: &str, g: &str, labels: &mut Labels, out: &mut String) {
    let store = ask.site.store();
    let graph = GraphNameRef::NamedNode(nn(g));
    let triples: Vec<(String, Term)> = store
        .quads_for_pattern(Some(nn(iri).into()), None, None, Some(graph))
        .take(1000)
        .filter_map(Result::ok)
        .map(|q| (q.predicate.as_str().to_string(), q.object))
        .collect();
    if triples.is_empty() {
        return;
    }
    labels.fill(
        store,
        ask.site.vocab(),
        &ask.langs,
        triples.iter().map(|(_, o)| o),
    );
    // Properties named by a vocabulary (a relator used as a property), else by the table.
    for (p, _) in &triples {
        labels.fill_iri(store, ask.site.vocab(), &ask.langs, p);
    }
    let _ = write!(
        out,
        "<section aria-labelledby=\"desc-h\"><h2 id=\"desc-h\">{}</h2><dl class=\"desc\">",
        ask.tr("Description")
    );
    let mut order: Vec<&str> = Vec::new();
    for (p, _) in &triples {
        if !order.contains(&p.as_str()) {
            order.push(p);
        }
    }
    // Titles, types and subjects first; then the rest by name.
    order.sort_by_key(|p| {
        let rank = [
            "title",
            "#type",
            "creator",
            "contributor",
            "subject",
            "spatial",
            "date",
        ]
        .iter()
        .position(|k| p.ends_with(k))
        .unwrap_or(99);
        (rank, predicate(p))
    });
    for p in order {
        let _ = write!(out, "<dt>{}</dt>", ask.ui.property(p, labels));
        for (_, o) in triples.iter().filter(|(q, _)| q == p) {
            let _ = write!(out, "<dd>{}</dd>", object_html(ask, iri, g, o, labels));
        }
    }
    out.push_str("</dl></section>");
}

/// One value of a description: a concept with its reconciliation, a node of the record with
/// its own values, or a term.
fn object_html(ask: &Ask<'_>, item: &str, g: &str, o: &Term, labels: &mut Labels) -> String {
    let store = ask.site.store();
    let Term::NamedNode(n) = o else {
        return html::term(o, labels);
    };
    let graph = GraphNameRef::NamedNode(nn(g));
    let mut out = html::term(o, labels);
    // A node of the record (a qualified attribution): its values inline.
    if n.as_str().starts_with(&format!("{item}/")) {
        let inner: Vec<(String, Term)> = store
            .quads_for_pattern(Some(n.as_ref().into()), None, None, Some(graph))
            .take(20)
            .filter_map(Result::ok)
            .filter(|q| q.predicate.as_str() != RDF_TYPE)
            .map(|q| (q.predicate.as_str().to_string(), q.object))
            .collect();
        labels.fill(
            store,
            ask.site.vocab(),
            &ask.langs,
            inner.iter().map(|(_, o)| o),
        );
        out = inner
            .iter()
            .map(|(p, o)| format!("{} {}", ask.ui.property(p, labels), html::term(o, labels)))
            .collect::<Vec<_>>()
            .join("; ");
        return out;
    }
    // A heading as written: where reconciliation took it.
    for (p, how) in [("exactMatch", "="), ("broadMatch", "broader:")] {
        let matches: Vec<Term> = store
            .quads_for_pattern(
                Some(n.as_ref().into()),
                Some(nn(&format!("{SKOS}{p}"))),
                None,
                Some(graph),
            )
            .take(5)
            .filter_map(Result::ok)
            .map(|q| q.object)
            .collect();
        for m in matches {
            let Term::NamedNode(target) = &m else {
                continue;
            };
            labels.fill_iri(store, ask.site.vocab(), &ask.langs, target.as_str());
            let status = store
                .quads_for_pattern(
                    Some(target.as_ref().into()),
                    Some(nn("https://w3id.org/crosswalk/vocab#reconciliation")),
                    None,
                    Some(graph),
                )
                .next()
                .and_then(Result::ok)
                .and_then(|q| match q.object {
                    Term::Literal(l) => Some(l.value().to_string()),
                    _ => None,
                });
            let _ = write!(
                out,
                " <span class=\"match\">{how} {}{}</span>",
                iri_link(target.as_str(), labels),
                status
                    .map(|s| format!(" <span class=\"badge {s}\">{}</span>", esc(&s)))
                    .unwrap_or_default()
            );
        }
    }
    out
}

/// Where an EAD component stands: its ancestors and its parts.
fn hierarchy(ask: &Ask<'_>, iri: &str, labels: &mut Labels, out: &mut String) {
    let store = ask.site.store();
    let part_of = nn("http://purl.org/dc/terms/isPartOf");
    let described = nn("https://w3id.org/crosswalk/vocab#describes");
    let mut ancestors: Vec<NamedNode> = Vec::new();
    let mut current = NamedNode::new_unchecked(iri);
    while ancestors.len() < 30 {
        let parent = store
            .quads_for_pattern(Some(current.as_ref().into()), Some(part_of), None, None)
            .filter_map(Result::ok)
            .find_map(|q| match q.object {
                Term::NamedNode(p) => Some(p),
                _ => None,
            });
        let Some(parent) = parent else { break };
        let is_record = store
            .quads_for_pattern(None, Some(described), Some(parent.as_ref().into()), None)
            .next()
            .is_some();
        if !is_record || ancestors.contains(&parent) {
            break;
        }
        ancestors.push(parent.clone());
        current = parent;
    }
    let children: Vec<NamedNode> = {
        let mut seen = HashSet::new();
        store
            .quads_for_pattern(
                Some(nn(iri).into()),
                Some(nn("http://purl.org/dc/terms/hasPart")),
                None,
                None,
            )
            .filter_map(Result::ok)
            .filter_map(|q| match q.object {
                Term::NamedNode(c) => Some(c),
                _ => None,
            })
            .filter(|c| seen.insert(c.clone()))
            .take(201)
            .collect()
    };
    if ancestors.is_empty() && children.is_empty() {
        return;
    }
    for n in ancestors.iter().chain(&children) {
        labels.fill_iri(store, ask.site.vocab(), &ask.langs, n.as_str());
    }
    let _ = write!(
        out,
        "<section aria-labelledby=\"tree-h\"><h2 id=\"tree-h\">{}</h2>\
         <nav aria-label=\"{}\" class=\"tree\"><ol>",
        ask.tr("Place in the collection"),
        ask.tr("Hierarchy")
    );
    for a in ancestors.iter().rev() {
        let _ = write!(out, "<li>{}<ol>", iri_link(a.as_str(), labels));
    }
    let _ = write!(
        out,
        "<li><strong aria-current=\"page\">{}</strong>",
        esc(labels.get(iri).unwrap_or(iri))
    );
    if !children.is_empty() {
        out.push_str("<ol>");
        for c in children.iter().take(200) {
            let _ = write!(out, "<li>{}</li>", iri_link(c.as_str(), labels));
        }
        if children.len() > 200 {
            out.push_str("<li>… (the first 200 parts)</li>");
        }
        out.push_str("</ol>");
    }
    out.push_str("</li>");
    for _ in &ancestors {
        out.push_str("</ol></li>");
    }
    out.push_str("</ol></nav></section>");
}

fn provenance_html(ask: &Ask<'_>, prov: &Provenance, labels: &mut Labels, out: &mut String) {
    let store = ask.site.store();
    for key in ["institution", "collection", "run", "crosswalk"] {
        if let Some(Term::NamedNode(n)) = prov.get(key) {
            labels.fill_iri(store, ask.site.vocab(), &ask.langs, n.as_str());
        }
    }
    let _ = write!(
        out,
        "<section aria-labelledby=\"prov-h\"><h2 id=\"prov-h\">{}</h2><table class=\"kv\"><tbody>",
        ask.tr("Provenance")
    );
    let rows = [
        ("Institution", "institution"),
        ("Collection", "collection"),
        ("Source file", "file"),
        ("Record id", "id"),
        ("Record number in the file", "number"),
        ("Byte offset", "offset"),
        ("Line", "line"),
        ("Format", "format"),
        ("Crosswalk", "crosswalk"),
        ("Run", "run"),
        ("Written", "generated"),
        ("Checksum (SHA-256 of the source)", "checksum"),
    ];
    for (name, key) in rows {
        if let Some(t) = prov.get(key) {
            let _ = write!(
                out,
                "<tr><th scope=\"row\">{}</th><td>{}</td></tr>",
                ask.tr(name),
                html::term(t, labels)
            );
        }
    }
    let _ = write!(
        out,
        "<tr><th scope=\"row\">{}</th><td><code>{}</code></td></tr></tbody></table></section>",
        ask.tr("Record graph"),
        esc(&prov.graph)
    );
}

fn source_html(ask: &Ask<'_>, prov: &Provenance, out: &mut String) {
    let _ = write!(
        out,
        "<section aria-labelledby=\"src-h\"><h2 id=\"src-h\">{}</h2>",
        ask.tr("Source record")
    );
    let Some(config) = ask.site.config() else {
        out.push_str(
            "<p class=\"note\">The source is not available: the server was started without \
             <code>--config</code>, so it does not know where the files are.</p></section>",
        );
        return;
    };
    let location = Location {
        format: prov.text("format").unwrap_or_default(),
        file: prov.text("file").unwrap_or_default(),
        offset: prov.text("offset").and_then(|s| s.parse().ok()),
        number: prov.text("number").and_then(|s| s.parse().ok()),
    };
    let collection_id = prov
        .text("collection")
        .and_then(|c| c.rsplit('/').next().map(str::to_string))
        .unwrap_or_default();
    let allowed: Vec<String> = config
        .collection(&collection_id)
        .and_then(|c| config.files(c).ok())
        .unwrap_or_default()
        .iter()
        .map(|p| {
            p.strip_prefix(config.dir())
                .unwrap_or(p)
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    match source::read(config.dir(), &allowed, &location) {
        Ok(Source::Marc { leader, fields }) => {
            let _ = write!(
                out,
                "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"MARC record\">\
                 <table class=\"marc\"><caption>MARC record, as read from {}</caption>\
                 <thead><tr><th scope=\"col\">Tag</th><th scope=\"col\">Ind.</th>\
                 <th scope=\"col\">Data</th></tr></thead><tbody>\
                 <tr><th scope=\"row\">LDR</th><td></td><td><code>{}</code></td></tr>",
                esc(&location.file),
                esc(&leader)
            );
            for f in &fields {
                let (tag, rest) = f.split_at(f.len().min(3));
                // `245 10 $a…`: the indicators (blank shown as #), then the subfields;
                // `008    …`: a control field's value.
                let (indicators, data) = match rest.strip_prefix(' ') {
                    Some(r) if !tag.starts_with("00") && r.len() >= 3 && r.is_char_boundary(2) => (
                        r[..2].replace(' ', "#"),
                        marc_subfields(r[2..].trim_start()),
                    ),
                    _ => (String::new(), esc(rest.trim_start())),
                };
                let _ = write!(
                    out,
                    "<tr><th scope=\"row\">{}</th><td><code>{}</code></td><td><code>{}</code></td></tr>",
                    esc(tag),
                    esc(&indicators),
                    data
                );
            }
            out.push_str("</tbody></table></div>");
        }
        Ok(Source::Xml { text, truncated }) => {
            let _ = write!(
                out,
                "<p>As read from <code>{}</code>{}:</p><pre class=\"xml\" tabindex=\"0\" \
                 aria-label=\"XML of the source record\"><code>{}</code></pre>",
                esc(&location.file),
                if truncated { " (the first 64 KiB)" } else { "" },
                esc(&text)
            );
        }
        Err(e) => {
            let _ = write!(out, "<p class=\"note\">{}</p>", esc(&e.to_string()));
        }
    }
    out.push_str("</section>");
}

/// `10 $aTitle $cStatement` with the subfield codes marked.
fn marc_subfields(rest: &str) -> String {
    let mut out = String::new();
    for (i, part) in rest.split('$').enumerate() {
        if i == 0 {
            out.push_str(&esc(part));
            continue;
        }
        let mut chars = part.chars();
        if let Some(code) = chars.next() {
            let _ = write!(
                out,
                "<b class=\"sf\">${}</b>{}",
                esc(&code.to_string()),
                esc(chars.as_str())
            );
        }
    }
    out
}

fn bridges_html(
    ask: &Ask<'_>,
    iri: &str,
    bridges: &[(String, &'static str)],
    labels: &mut Labels,
    out: &mut String,
) {
    for (b, _) in bridges.iter().take(100) {
        labels.fill_iri(ask.site.store(), ask.site.vocab(), &ask.langs, b);
    }
    let _ = write!(
        out,
        "<section aria-labelledby=\"bridges-h\"><h2 id=\"bridges-h\">{}</h2>\
         <p>{} heading{} as written in the records reconciled to <code>{}</code>:</p><ul class=\"bridges\">",
        ask.tr("Headings that lead here"),
        group(bridges.len() as i64),
        if bridges.len() == 1 { "" } else { "s" },
        esc(iri)
    );
    for (b, how) in bridges.iter().take(100) {
        let _ = write!(
            out,
            "<li>{} <small>({how})</small></li>",
            iri_link(b, labels)
        );
    }
    if bridges.len() > 100 {
        out.push_str("<li>…</li>");
    }
    out.push_str("</ul></section>");
}

/// A facet: its parameter, its name, and its values with their counts.
type Facet = (&'static str, &'static str, Vec<(String, usize)>);

/// One item linking to the resource.
#[derive(Default, Clone)]
struct Item {
    described: bool,
    iri: String,
    graph: String,
    collection: String,
    institution: String,
    relations: Vec<String>,
    types: Vec<String>,
    date: Option<String>,
}

/// The facet filters of the request: (parameter, value).
fn filters<'a>(ask: &'a Ask<'_>) -> Vec<(&'static str, &'a str)> {
    ["inst", "coll", "type", "decade"]
        .into_iter()
        .filter_map(|k| ask.param(k).map(|v| (k, v)))
        .collect()
}

/// `/resource?iri=…` with `filters`, and `page`.
fn href(iri: &str, filters: &[(&str, &str)], page: usize) -> String {
    let mut out = resource_href(iri);
    for (k, v) in filters {
        let _ = write!(out, "&{k}={}", url_encode(v));
    }
    if page > 1 {
        let _ = write!(out, "&page={page}");
    }
    out
}

/// Whether `item` passes every filter (type and date ones read the item's types and date).
fn passes(site: &super::Site, item: &mut Item, filters: &[(&str, &str)]) -> bool {
    filters.iter().all(|(k, v)| match *k {
        "coll" => item.collection == *v,
        "inst" => item.institution == *v,
        "type" => {
            describe_item(site, item);
            item.types.iter().any(|t| t == v)
        }
        "decade" => {
            describe_item(site, item);
            item.date.as_deref().and_then(decade).as_deref() == Some(*v)
        }
        _ => true,
    })
}

/// Finds the items that link to `iri` (directly or through `bridges`), or a collection's or
/// institution's records, by scanning the index of the quads whose object it is: no join, no
/// lookup per item for the count and the institution and collection facets. A subject counts
/// as an item unless the predicate is one that only nodes inside a record use for it
/// ([`NOT_ITEM`]: a qualified attribution's `prov:agent`, a concept's SKOS mapping). The
/// collection comes from the graph name (`{base}graph/{collection}/{id}`), the institution from
/// the collection. For a collection or institution, the scan is over the provenance
/// (`dcterms:isPartOf`, `prov:wasAttributedTo`) and the item of a record graph is looked up
/// only when shown or counted for the type and date facets. Facet filters are applied to the
/// kept list, not here. At most [`COUNT_CAP`] items (then `true`: there are more).
fn find_items(
    ask: &Ask<'_>,
    iri: &str,
    kind: &str,
    bridges: &[(String, &'static str)],
    scan_limit: usize,
) -> Result<(Vec<Item>, bool), Failure> {
    let site = ask.site;
    let store = site.store();
    let storage = |e: oxigraph::store::StorageError| Failure::Storage(e.to_string());
    let mut items: Vec<Item> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut more = false;
    let mut consider = |item: Option<NamedNode>, g: NamedNode, rel: &str| -> bool {
        let key = item.as_ref().map_or(g.as_str(), |i| i.as_str()).to_string();
        if let Some(i) = index.get(&key) {
            if !items[*i].relations.iter().any(|r| r == rel) {
                items[*i].relations.push(rel.to_string());
            }
            return true;
        }
        let Some((collection, _)) = site.graph_parts(g.as_str()) else {
            return true;
        };
        let institution = site.institution_of(&collection).unwrap_or_default();
        let candidate = Item {
            iri: item.map(NamedNode::into_string).unwrap_or_default(),
            graph: g.into_string(),
            collection,
            institution,
            relations: vec![rel.to_string()],
            ..Item::default()
        };
        if items.len() == scan_limit {
            more = true;
            return false;
        }
        index.insert(key, items.len());
        items.push(candidate);
        true
    };
    match kind {
        "Collection" | "Institution" => {
            let p = if kind == "Collection" {
                "http://purl.org/dc/terms/isPartOf"
            } else {
                "http://www.w3.org/ns/prov#wasAttributedTo"
            };
            for quad in store.quads_for_pattern(None, Some(nn(p)), Some(nn(iri).into()), None) {
                let quad = quad.map_err(storage)?;
                if let NamedOrBlankNode::NamedNode(g) = quad.subject {
                    if !consider(None, g, p) {
                        break;
                    }
                }
            }
        }
        _ => {
            // In SPARQL, so that the links from nodes inside records (`NOT_ITEM`: every
            // record's heading says where it was reconciled to) are passed over without
            // decoding their terms.
            let mut values = iri_ref(iri)?;
            for (b, _) in bridges {
                values.push(' ');
                values.push_str(&iri_ref(b)?);
            }
            let not_item: Vec<String> = NOT_ITEM.iter().map(|p| format!("<{p}>")).collect();
            let text = format!(
                "SELECT ?item ?rel ?g WHERE {{ VALUES ?b {{ {values} }} GRAPH ?g {{ ?item ?rel ?b }} \
                 FILTER(isIRI(?item) && ?rel NOT IN ({})) }}",
                not_item.join(", ")
            );
            // Every row read is decoded (its item and graph IRIs are most of the cost on a
            // large store): first one row more than the items kept; only when some items had
            // several rows (several relations), room for them.
            let mut answer = select(ask, &text, scan_limit + 1)?;
            if answer.truncated && distinct_items(&answer.rows) <= scan_limit {
                answer = select(ask, &text, 4 * scan_limit + 1)?;
            }
            for row in answer.rows {
                let mut row = row.into_iter();
                let (
                    Some(Some(Term::NamedNode(item))),
                    Some(Some(Term::NamedNode(rel))),
                    Some(Some(Term::NamedNode(g))),
                ) = (row.next(), row.next(), row.next())
                else {
                    continue;
                };
                if !consider(Some(item), g, rel.as_str()) {
                    break;
                }
            }
            if answer.truncated {
                more = true;
            }
        }
    }
    Ok((items, more))
}

/// How many items rows of `?item ?rel ?g` name.
fn distinct_items(rows: &[Vec<Option<Term>>]) -> usize {
    rows.iter()
        .filter_map(|row| row.first()?.as_ref())
        .collect::<HashSet<_>>()
        .len()
}

/// Predicates whose subject is a node inside a record, not the record's item.
const NOT_ITEM: [&str; 5] = [
    "http://www.w3.org/2004/02/skos/core#exactMatch",
    "http://www.w3.org/2004/02/skos/core#broadMatch",
    "http://www.w3.org/2004/02/skos/core#inScheme",
    "http://www.w3.org/2002/07/owl#sameAs",
    "http://www.w3.org/ns/prov#agent",
];

/// The item of a record found through its graph (collection and institution pages): the
/// resource its provenance says the graph `cw:describes`.
fn resolve_item(site: &super::Site, item: &mut Item) {
    if !item.iri.is_empty() {
        return;
    }
    let Some((_, pg)) = site.graph_parts(&item.graph) else {
        return;
    };
    let found = site
        .store()
        .quads_for_pattern(
            Some(nn(&item.graph).into()),
            Some(nn(CW_DESCRIBES)),
            None,
            Some(GraphNameRef::NamedNode(nn(&pg))),
        )
        .next()
        .and_then(Result::ok);
    if let Some(Term::NamedNode(n)) = found.map(|q| q.object) {
        item.iri = n.into_string();
    }
}

/// Reads an item's types (`rdf:type`, `dcterms:type` IRIs) and first `dcterms:date` from its
/// graph, once.
fn describe_item(site: &super::Site, item: &mut Item) {
    if item.described {
        return;
    }
    item.described = true;
    resolve_item(site, item);
    let store = site.store();
    let graph = GraphNameRef::NamedNode(nn(&item.graph));
    let subject = nn(&item.iri);
    for p in [RDF_TYPE, "http://purl.org/dc/terms/type"] {
        for quad in store
            .quads_for_pattern(Some(subject.into()), Some(nn(p)), None, Some(graph))
            .filter_map(Result::ok)
        {
            if let Term::NamedNode(t) = quad.object {
                if !item.types.iter().any(|x| x == t.as_str()) {
                    item.types.push(t.into_string());
                }
            }
        }
    }
    item.date = store
        .quads_for_pattern(
            Some(subject.into()),
            Some(nn("http://purl.org/dc/terms/date")),
            None,
            Some(graph),
        )
        .filter_map(Result::ok)
        .find_map(|q| match q.object {
            Term::Literal(l) => Some(l.value().to_string()),
            _ => None,
        });
}

/// The items of a resource page and its facets, for one set of filters: made once and kept
/// ([`Kept`]), so that every page of the list, and the next reader, costs only the items shown.
struct Summary {
    /// The items found (at most [`COUNT_CAP`]), in index order; the first [`FACET_CAP`]
    /// described (types, date).
    items: Vec<Item>,
    total: usize,
    /// The scan stopped at [`COUNT_CAP`] items: there are more (a filtered list is cut from
    /// the unfiltered one, so it stops where that one stopped).
    more: bool,
    /// How many items the type and date facets count.
    typed: usize,
    facets: Vec<Facet>,
}

/// What a resource page lists: the items that link to `iri` (a `kind` of resource), directly or
/// through `bridges`, that pass the facet `filters`.
#[derive(Clone, Copy)]
struct Listing<'a> {
    iri: &'a str,
    kind: &'a str,
    bridges: &'a [(String, &'static str)],
    filters: &'a [(&'static str, &'a str)],
}

impl Listing<'_> {
    /// Its summary's key in [`Kept`].
    fn key(&self) -> String {
        format!("{} {} {:?}", self.kind, self.iri, self.filters)
    }
}

/// The summary of a listing: kept, else made (here) and kept.
fn kept_summary(ask: &Ask<'_>, listing: Listing<'_>) -> Result<Arc<Summary>, Failure> {
    ask.site
        .kept()
        .summaries
        .get_or_make(&listing.key(), || summarise(ask, listing))
}

/// The summary of a resource page with `filters`, kept or made; when the request has a
/// deadline and the server shares its site, made in a thread of its own, and None when it is
/// not made by the deadline (the page says the list is being made; the next request finds it
/// kept). A request for a summary already being made waits for the same thread.
fn summary_by_deadline(
    ask: &Ask<'_>,
    listing: Listing<'_>,
) -> Result<Option<Arc<Summary>>, Failure> {
    let key = listing.key();
    let kept = ask.site.kept();
    if let Some(summary) = kept.summaries.get(&key) {
        return Ok(Some(summary));
    }
    let (Some(deadline), Some(site)) = (ask.deadline, ask.site.shared()) else {
        return kept_summary(ask, listing).map(Some);
    };
    let (making, make) = kept.making(&key);
    let spawned = make == Some(true) && spawn_maker(site, &key, &making, listing);
    if make.is_some() && !spawned {
        let made = kept_summary(ask, listing);
        kept.made(&key, &making, made.clone());
        return made.map(Some);
    }
    making.wait(deadline).transpose()
}

/// Makes the summary for `key` in a thread of its own, which keeps it and wakes its waiters
/// (`making`); false when no thread could be started.
fn spawn_maker(
    site: Arc<super::Site>,
    key: &str,
    making: &Arc<Making>,
    listing: Listing<'_>,
) -> bool {
    let (key, making) = (key.to_string(), Arc::clone(making));
    let (iri, kind) = (listing.iri.to_string(), listing.kind.to_string());
    let bridges = listing.bridges.to_vec();
    let filters: Vec<(&'static str, String)> = listing
        .filters
        .iter()
        .map(|(k, v)| (*k, v.to_string()))
        .collect();
    std::thread::Builder::new()
        .name("crosswalk-list".into())
        .spawn(move || {
            let filters: Vec<(&'static str, &str)> =
                filters.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let ask = Ask {
                params: Vec::new(),
                langs: vec!["en".into()],
                ui: super::i18n::Ui::En,
                site: site.as_ref(),
                deadline: None,
            };
            let listing = Listing {
                iri: &iri,
                kind: &kind,
                bridges: &bridges,
                filters: &filters,
            };
            let made = kept_summary(&ask, listing);
            site.kept().made(&key, &making, made);
        })
        .is_ok()
}

fn summarise(ask: &Ask<'_>, listing: Listing<'_>) -> Result<Summary, Failure> {
    let Listing {
        iri,
        kind,
        bridges,
        filters,
    } = listing;
    // Filtered: from the unfiltered list, with no scan again. When that list stopped at
    // COUNT_CAP, the filtered one is cut from the same items and says so (`more`), as do the
    // facet counts that lead to it, which were counted over those items.
    let base = if filters.is_empty() {
        None
    } else {
        Some(kept_summary(
            ask,
            Listing {
                filters: &[],
                ..listing
            },
        )?)
    };
    let (mut items, more) = match base {
        Some(base) => {
            let mut kept = Vec::new();
            for item in &base.items {
                let mut item = item.clone();
                if passes(ask.site, &mut item, filters) {
                    kept.push(item);
                }
            }
            (kept, base.more)
        }
        None => find_items(ask, iri, kind, bridges, COUNT_CAP)?,
    };
    let total = items.len();
    for item in items.iter_mut().take(FACET_CAP) {
        describe_item(ask.site, item);
    }
    let typed = items.len().min(FACET_CAP);
    let mut facets: Vec<Facet> = Vec::new();
    for (param, name) in [
        ("inst", "Institution"),
        ("coll", "Collection"),
        ("type", "Type"),
        ("decade", "Date"),
    ] {
        let mut counts: HashMap<String, usize> = HashMap::new();
        // The institution and collection come from the graph name: every item counts.
        let counted = if matches!(param, "inst" | "coll") {
            &items[..]
        } else {
            &items[..typed]
        };
        for item in counted {
            let values: Vec<String> = match param {
                "inst" => vec![item.institution.clone()],
                "coll" => vec![item.collection.clone()],
                "type" => item.types.clone(),
                _ => item.date.as_deref().and_then(decade).into_iter().collect(),
            };
            for v in values {
                *counts.entry(v).or_default() += 1;
            }
        }
        let mut counts: Vec<(String, usize)> = counts.into_iter().collect();
        counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        counts.truncate(20);
        facets.push((param, name, counts));
    }
    Ok(Summary {
        items,
        total,
        more,
        typed,
        facets,
    })
}

/// Kept per resource while the server runs (its store is opened read-only and does not change
/// under it): the bridges and the summaries of the most recently asked resource pages.
#[derive(Default)]
pub(crate) struct Kept {
    bridges: Recent<Bridges>,
    summaries: Recent<Summary>,
    /// The summaries being made in threads of their own, by key.
    making: Mutex<HashMap<String, Arc<Making>>>,
}

impl Kept {
    /// The summary being made for `key`, and whether the caller is to make it (it was not):
    /// in a thread of its own (`Some(true)`), or in its own when [`MAKERS`] threads are
    /// making others (`Some(false)`, so that a crawler does not start a thread per page).
    fn making(&self, key: &str) -> (Arc<Making>, Option<bool>) {
        let mut making = lock(&self.making);
        if let Some(m) = making.get(key) {
            return (Arc::clone(m), None);
        }
        let m = Arc::new(Making::default());
        let spawn = making.len() < MAKERS;
        making.insert(key.to_string(), Arc::clone(&m));
        (m, Some(spawn))
    }

    /// The summary for `key` is made (and kept, unless it failed): its waiters wake up.
    fn made(&self, key: &str, making: &Making, made: Result<Arc<Summary>, Failure>) {
        *lock(&making.made) = Some(made);
        making.ready.notify_all();
        lock(&self.making).remove(key);
    }
}

/// A summary being made, and the requests that wait for it.
#[derive(Default)]
struct Making {
    made: Mutex<Option<Result<Arc<Summary>, Failure>>>,
    ready: Condvar,
}

impl Making {
    /// The summary, once made, or None when `deadline` comes first.
    fn wait(&self, deadline: Instant) -> Option<Result<Arc<Summary>, Failure>> {
        let mut made = lock(&self.made);
        loop {
            if let Some(made) = &*made {
                return Some(made.clone());
            }
            let left = deadline.checked_duration_since(Instant::now())?;
            made = self
                .ready
                .wait_timeout(made, left)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

/// At most [`KEPT`] values by key, the least recently used dropped first.
struct Recent<T> {
    map: Mutex<(u64, HashMap<String, Used<T>>)>,
}

/// A kept value and when it was last used.
type Used<T> = (u64, Arc<T>);

/// Values kept per kind (a summary holds up to [`COUNT_CAP`] items: up to about 6 MB).
const KEPT: usize = 32;

impl<T> Default for Recent<T> {
    fn default() -> Self {
        Self {
            map: Mutex::new((0, HashMap::new())),
        }
    }
}

impl<T> Recent<T> {
    fn get(&self, key: &str) -> Option<Arc<T>> {
        let mut guard = lock(&self.map);
        let (clock, map) = &mut *guard;
        *clock += 1;
        let entry = map.get_mut(key)?;
        entry.0 = *clock;
        Some(Arc::clone(&entry.1))
    }

    /// The value kept for `key`, else the one `make` makes, then kept.
    fn get_or_make(
        &self,
        key: &str,
        make: impl FnOnce() -> Result<T, Failure>,
    ) -> Result<Arc<T>, Failure> {
        if let Some(kept) = self.get(key) {
            return Ok(kept);
        }
        let made = Arc::new(make()?);
        self.put(key, Arc::clone(&made));
        Ok(made)
    }

    fn put(&self, key: &str, value: Arc<T>) {
        let mut guard = lock(&self.map);
        let (clock, map) = &mut *guard;
        *clock += 1;
        if map.len() >= KEPT && !map.contains_key(key) {
            if let Some(oldest) = map.iter().min_by_key(|(_, v)| v.0).map(|(k, _)| k.clone()) {
                map.remove(&oldest);
            }
        }
        map.insert(key.to_string(), (*clock, value));
    }
}

fn across(
    ask: &Ask<'_>,
    iri: &str,
    kind: &str,
    bridges: &[(String, &'static str)],
    labels: &mut Labels,
    out: &mut String,
) -> Result<(), Failure> {
    let filters = filters(ask);
    for (k, v) in &filters {
        if *k != "decade" {
            iri_ref(v)?;
        }
    }
    let page = ask.page();
    let skip = (page - 1) * PAGE_SIZE;
    let listing = Listing {
        iri,
        kind,
        bridges,
        filters: &filters,
    };
    let Some(summary) = summary_by_deadline(ask, listing)? else {
        // A list not made yet (a large one, or a busy server): this page's items from a scan
        // that stops after them, with no figure that is not final.
        return first_items(ask, listing, page, labels, out);
    };
    let Summary {
        items,
        total,
        more,
        typed,
        facets,
    } = &*summary;
    let (total, more, typed) = (*total, *more, *typed);
    if items.is_empty() && filters.is_empty() {
        return Ok(());
    }
    let store = ask.site.store();
    for (param, _, counts) in facets {
        if *param != "decade" {
            for (v, _) in counts {
                labels.fill_iri(store, ask.site.vocab(), &ask.langs, v);
            }
        }
    }
    let _ = write!(
        out,
        "<section aria-labelledby=\"across-h\" class=\"across\"><h2 id=\"across-h\">{}</h2>\
         <p class=\"count\" role=\"status\">{}</p>",
        ask.tr("Across institutions"),
        ask.ui.items_found(ItemsFound {
            total,
            more_than: more.then_some(total),
            institutions: facets[0].2.len(),
            facets_count: (typed < total).then_some(typed),
        })
    );
    let _ = write!(
        out,
        "<div class=\"facets-and-items\"><nav class=\"facets\" aria-label=\"{}\">",
        ask.tr("Facets")
    );
    if !filters.is_empty() {
        let _ = write!(
            out,
            "<p><a href=\"{}\">{}</a></p>",
            esc(&href(iri, &[], 1)),
            ask.tr("Clear all filters")
        );
    }
    for (param, name, counts) in facets {
        if counts.is_empty() {
            continue;
        }
        let _ = write!(
            out,
            "<h3 id=\"facet-{param}\">{}</h3><ul aria-labelledby=\"facet-{param}\">",
            ask.tr(name)
        );
        for (value, n) in counts {
            let active = filters.iter().any(|(k, v)| k == param && v == value);
            let shown = if *param == "decade" {
                esc(value)
            } else {
                esc(labels
                    .get(value)
                    .map(str::to_string)
                    .unwrap_or_else(|| {
                        crate::sparql::abbreviate(value).unwrap_or_else(|| value.clone())
                    })
                    .as_str())
            };
            let mut next: Vec<(&str, &str)> = filters
                .iter()
                .filter(|(k, _)| k != param)
                .copied()
                .collect();
            if !active {
                next.push((param, value));
            }
            let _ = write!(
                out,
                "<li><a href=\"{}\"{}>{shown} <span class=\"n\">{}</span>{}</a></li>",
                esc(&href(iri, &next, 1)),
                if active {
                    " aria-current=\"true\" class=\"active\""
                } else {
                    ""
                },
                group(*n as i64),
                if active {
                    ask.tr("<span class=\"visually-hidden\"> (selected: remove this filter)</span>")
                } else {
                    ""
                }
            );
        }
        out.push_str("</ul>");
    }
    out.push_str("</nav>");

    // One page of items.
    let mut shown: Vec<Item> = items.iter().skip(skip).take(PAGE_SIZE).cloned().collect();
    items_table(ask, &mut shown, labels, out);
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    pager(
        ask,
        (iri, &filters),
        page,
        Some((pages, more)),
        page < pages,
        out,
    );
    let _ = write!(
        out,
        "<p class=\"note\">The same list in SPARQL: <a href=\"/workbench?query={}\">open in the \
         workbench</a>.</p></div></div></section>",
        url_encode(&same_in_sparql(iri, kind))
    );
    Ok(())
}

/// The table of the items `shown` (their types, date and title read here).
fn items_table(ask: &Ask<'_>, shown: &mut [Item], labels: &mut Labels, out: &mut String) {
    let store = ask.site.store();
    for item in shown.iter_mut() {
        describe_item(ask.site, item);
    }
    let title_p = nn("http://purl.org/dc/terms/title");
    let mut titles: HashMap<String, String> = HashMap::new();
    for item in shown.iter() {
        let graph = GraphNameRef::NamedNode(nn(&item.graph));
        if let Some(Term::Literal(l)) = store
            .quads_for_pattern(Some(nn(&item.iri).into()), Some(title_p), None, Some(graph))
            .next()
            .and_then(Result::ok)
            .map(|q| q.object)
        {
            titles.insert(item.iri.clone(), l.value().to_string());
        }
        for v in [&item.collection, &item.institution]
            .into_iter()
            .chain(item.types.iter())
        {
            labels.fill_iri(store, ask.site.vocab(), &ask.langs, v);
        }
    }
    out.push_str(
        "<div class=\"items\"><div class=\"table-wrap\" tabindex=\"0\" role=\"region\" \
         aria-labelledby=\"across-h scroll-hint\"><table class=\"items\"><thead><tr>",
    );
    for column in [
        "Item",
        "Institution",
        "Collection",
        "Type",
        "Date",
        "Links as",
    ] {
        let _ = write!(out, "<th scope=\"col\">{}</th>", ask.tr(column));
    }
    out.push_str("</tr></thead><tbody>");
    for item in shown.iter() {
        let title = titles
            .get(item.iri.as_str())
            .cloned()
            .unwrap_or_else(|| item.iri.clone());
        let _ = write!(
            out,
            "<tr><td><a href=\"{}\">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&resource_href(&item.iri)),
            esc(&title),
            iri_link(&item.institution, labels),
            iri_link(&item.collection, labels),
            item.types
                .iter()
                .map(|t| iri_link(t, labels))
                .collect::<Vec<_>>()
                .join(", "),
            esc(item.date.as_deref().unwrap_or("")),
            item.relations
                .iter()
                .map(|r| ask.ui.property(r, labels))
                .collect::<Vec<_>>()
                .join(", "),
        );
    }
    out.push_str("</tbody></table></div>");
}

/// The pager of a list: "Page N of M" when the list's length is known (`last`: the number of
/// pages, and whether the scan stopped before the end), else "Page N"; links to the page before
/// and, when `has_next`, after, in the list of `iri` with `filters`.
fn pager(
    ask: &Ask<'_>,
    (iri, filters): (&str, &[(&str, &str)]),
    page: usize,
    last: Option<(usize, bool)>,
    has_next: bool,
    out: &mut String,
) {
    if page == 1 && !has_next {
        return;
    }
    let _ = write!(
        out,
        "<nav class=\"pager\" aria-label=\"{}\"><ul>",
        ask.tr("Item pages")
    );
    if page > 1 {
        let _ = write!(
            out,
            "<li><a rel=\"prev\" href=\"{}\">{}</a></li>",
            esc(&href(iri, filters, page - 1)),
            ask.tr("Previous page")
        );
    }
    let _ = write!(out, "<li aria-current=\"page\">{} {page}", ask.tr("Page"));
    if let Some((pages, more)) = last {
        let _ = write!(
            out,
            " {} {}{}",
            ask.tr("of"),
            group(pages as i64),
            if more { "+" } else { "" }
        );
    }
    out.push_str("</li>");
    if has_next {
        let _ = write!(
            out,
            "<li><a rel=\"next\" href=\"{}\">{}</a></li>",
            esc(&href(iri, filters, page + 1)),
            ask.tr("Next page")
        );
    }
    out.push_str("</ul></nav>");
}

/// Items scanned at the most for a page of a list not made yet: deeper pages wait for the list.
const FIRST_SCAN: usize = 500;

/// A page of a list not made yet: its items from a scan that stops after them, in the order of
/// the list (the same index scan), filtered like it; no count and no facets, which the list
/// being made (in a thread of its own) will give the next request.
fn first_items(
    ask: &Ask<'_>,
    listing: Listing<'_>,
    page: usize,
    labels: &mut Labels,
    out: &mut String,
) -> Result<(), Failure> {
    let (iri, filters) = (listing.iri, listing.filters);
    let skip = (page - 1) * PAGE_SIZE;
    let _ = write!(
        out,
        "<section aria-labelledby=\"across-h\" class=\"across\"><h2 id=\"across-h\">{}</h2>",
        ask.tr("Across institutions")
    );
    let reload = format!(
        "<a href=\"{}\">{}</a>",
        esc(&href(iri, filters, page)),
        ask.tr("Reload the page to see it.")
    );
    if skip + PAGE_SIZE > FIRST_SCAN {
        let _ = write!(
            out,
            "<p class=\"count\" role=\"status\">{} {reload}</p></section>",
            ask.tr("The list of the items that link here is being made.")
        );
        return Ok(());
    }
    // Unfiltered, the scan stops one item after this page; filtered, it reads the first
    // FIRST_SCAN items and keeps those that pass.
    let scan = if filters.is_empty() {
        skip + PAGE_SIZE + 1
    } else {
        FIRST_SCAN
    };
    let (mut found, _) = find_items(ask, iri, listing.kind, listing.bridges, scan)?;
    if !filters.is_empty() {
        found.retain_mut(|item| passes(ask.site, item, filters));
    }
    let has_next = found.len() > skip + PAGE_SIZE;
    let mut shown: Vec<Item> = found.into_iter().skip(skip).take(PAGE_SIZE).collect();
    let _ = write!(
        out,
        "<p class=\"count\" role=\"status\">{} {reload}</p>",
        ask.tr("The items are being counted and their facets made; here are the first.")
    );
    items_table(ask, &mut shown, labels, out);
    pager(ask, (iri, filters), page, None, has_next, out);
    out.push_str("</div></section>");
    Ok(())
}

/// The query that lists the same items (the first 100), for the workbench.
fn same_in_sparql(iri: &str, kind: &str) -> String {
    let link = match kind {
        "Collection" => format!("GRAPH ?pg {{ ?g dcterms:isPartOf <{iri}> ; cw:describes ?item }}"),
        "Institution" => format!(
            "GRAPH ?pg {{ ?g prov:wasAttributedTo <{iri}> ; cw:describes ?item }}"
        ),
        _ => format!(
            "{{ GRAPH ?g {{ ?item ?rel <{iri}> }} }}\n  UNION {{ ?b skos:exactMatch|skos:broadMatch|owl:sameAs <{iri}> .\n          GRAPH ?g {{ ?item ?rel ?b }} }}\n  GRAPH ?pg {{ ?g cw:describes ?item }}"
        ),
    };
    format!(
        "PREFIX cw: <https://w3id.org/crosswalk/vocab#>\nPREFIX dcterms: <{DCTERMS}>\n\
         PREFIX owl: <http://www.w3.org/2002/07/owl#>\nPREFIX prov: <http://www.w3.org/ns/prov#>\n\
         PREFIX skos: <{SKOS}>\nSELECT DISTINCT ?item ?collection WHERE {{\n  {link}\n  \
         GRAPH ?pg {{ ?g dcterms:isPartOf ?collection }}\n}}\nLIMIT 100\n"
    )
}

/// `1951`, `1951-05-01`, `c1951` → `1950s`.
fn decade(date: &str) -> Option<String> {
    let digits: String = date
        .trim_start_matches(|c: char| !c.is_ascii_digit())
        .chars()
        .take(4)
        .collect();
    (digits.len() == 4 && digits.chars().all(|c| c.is_ascii_digit()))
        .then(|| format!("{}0s", &digits[..3]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_until_made_or_the_deadline() {
        let kept = Kept::default();
        let (making, make) = kept.making("k");
        assert_eq!(make, Some(true));
        assert_eq!(kept.making("k").1, None, "one maker per key");
        assert!(making.wait(Instant::now()).is_none());
        let summary = Summary {
            items: Vec::new(),
            total: 0,
            more: false,
            typed: 0,
            facets: Vec::new(),
        };
        kept.made("k", &making, Ok(Arc::new(summary)));
        assert!(matches!(making.wait(Instant::now()), Some(Ok(_))));
        assert_eq!(kept.making("k").1, Some(true), "made: no longer being made");
    }

    /// A store of `n` items about one concept, each in its record graph of collection `books`.
    fn site_with_items(n: usize) -> super::super::Site {
        use oxigraph::model::{Literal, Quad};
        let store = oxigraph::store::Store::new().unwrap();
        let g = |s: &str| NamedNode::new(format!("http://e/{s}")).unwrap();
        let consortium = g("graph/consortium");
        store
            .insert(&Quad::new(
                g("crosswalk/marc"),
                nn(RDF_TYPE),
                NamedNode::new("https://w3id.org/crosswalk/vocab#Crosswalk").unwrap(),
                consortium,
            ))
            .unwrap();
        for i in 0..n {
            let (item, graph) = (g(&format!("item/{i}")), g(&format!("graph/books/{i}")));
            let subject = nn("http://purl.org/dc/terms/subject");
            store
                .insert(&Quad::new(
                    item.clone(),
                    subject,
                    g("concept/x"),
                    graph.clone(),
                ))
                .unwrap();
            let title = nn("http://purl.org/dc/terms/title");
            let literal = Literal::new_simple_literal(format!("Item {i}"));
            store
                .insert(&Quad::new(item, title, literal, graph))
                .unwrap();
        }
        super::super::Site::new(store, Default::default()).unwrap()
    }

    /// The item links of a rendered list, in order.
    fn item_links(html: &str) -> Vec<String> {
        html.split("<tr><td><a href=\"")
            .skip(1)
            .filter_map(|s| s.split('"').next().map(str::to_string))
            .collect()
    }

    #[test]
    fn a_list_not_made_yet_shows_its_first_items_in_its_order() {
        let site = site_with_items(60);
        let ask = Ask {
            params: Vec::new(),
            langs: vec!["en".into()],
            ui: super::super::i18n::Ui::En,
            site: &site,
            deadline: None,
        };
        let listing = Listing {
            iri: "http://e/concept/x",
            kind: "Concept",
            bridges: &[],
            filters: &[],
        };
        let made = kept_summary(&ask, listing).unwrap();
        assert_eq!(made.total, 60);
        let mut pages = Vec::new();
        for page in 1..=3 {
            let mut out = String::new();
            first_items(&ask, listing, page, &mut Labels::default(), &mut out).unwrap();
            assert!(out.contains("are being counted"), "{out}");
            assert_eq!(out.contains("rel=\"next\""), page < 3, "page {page}: {out}");
            assert_eq!(out.contains("rel=\"prev\""), page > 1, "page {page}: {out}");
            assert!(
                !out.contains(" of "),
                "no page count before the list is made: {out}"
            );
            pages.extend(item_links(&out));
        }
        let expected: Vec<String> = made.items.iter().map(|i| resource_href(&i.iri)).collect();
        assert_eq!(
            pages, expected,
            "the same items in the same order as the made list"
        );
        // Filtered: the items that pass, from the first scan.
        let filters = [("coll", "http://e/collection/other")];
        let mut out = String::new();
        let filtered = Listing {
            filters: &filters,
            ..listing
        };
        first_items(&ask, filtered, 1, &mut Labels::default(), &mut out).unwrap();
        assert!(item_links(&out).is_empty(), "{out}");
        // Past the first scan: said to be made, with no items.
        let mut out = String::new();
        first_items(&ask, listing, 40, &mut Labels::default(), &mut out).unwrap();
        assert!(
            out.contains("is being made") && item_links(&out).is_empty(),
            "{out}"
        );
    }

    #[test]
    fn decades() {
        assert_eq!(decade("1951").as_deref(), Some("1950s"));
        assert_eq!(decade("c1983.").as_deref(), Some("1980s"));
        assert_eq!(decade("n.d."), None);
        assert_eq!(
            href("http://e/x", &[("coll", "http://e/c")], 2),
            "/resource?iri=http%3A%2F%2Fe%2Fx&coll=http%3A%2F%2Fe%2Fc&page=2"
        );
    }
}
