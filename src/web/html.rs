//! HTML for the pages: escaping, the page frame, links to resources, tables and bar charts.

use std::fmt::Write as _;

use oxigraph::model::Term;

use super::i18n::Ui;
use super::labels::Labels;
use crate::sparql::{abbreviate, display_term};

/// `text` with `& < > " '` escaped, for element content and quoted attribute values.
pub fn esc(text: &str) -> String {
    quick_xml::escape::escape(text).into_owned()
}

/// `value` percent-encoded for a URL query (everything but unreserved characters).
pub fn url_encode(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// The path of the page of the resource `iri`.
pub fn resource_href(iri: &str) -> String {
    format!("/resource?iri={}", url_encode(iri))
}

/// Which part of the site a page belongs to (the navigation marks it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// The start page.
    Home,
    /// The SPARQL workbench.
    Workbench,
    /// Resource pages.
    Browse,
    /// The harmonisation dashboard.
    Dashboard,
}

/// A page being written: its title, section and the HTML of its `<main>`.
pub struct Page {
    /// The `<title>` and `<h1>`.
    pub title: String,
    /// Where it belongs.
    pub section: Section,
    /// The content of `<main>` after the heading.
    pub body: String,
    /// Extra scripts (paths under `/static/`).
    pub scripts: Vec<&'static str>,
    /// The language of the interface (`<html lang>`, the navigation).
    pub ui: Ui,
}

impl Page {
    /// An empty page.
    pub fn new(title: impl Into<String>, section: Section) -> Self {
        Self {
            title: title.into(),
            section,
            body: String::new(),
            scripts: Vec::new(),
            ui: Ui::En,
        }
    }

    /// Appends HTML.
    pub fn push(&mut self, html: &str) {
        self.body.push_str(html);
    }

    /// The whole document.
    pub fn render(&self, site_name: &str) -> String {
        let mut out = String::with_capacity(self.body.len() + 2048);
        let nav = [
            (Section::Home, "/", "Home"),
            (Section::Workbench, "/workbench", "SPARQL workbench"),
            (Section::Dashboard, "/dashboard", "Harmonisation dashboard"),
        ];
        let _ = write!(
            out,
            "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <title>{title} · {site}</title>\n\
             <link rel=\"stylesheet\" href=\"/static/style.css\">\n</head>\n<body>\n\
             <a class=\"skip\" href=\"#main\">{skip}</a>\n\
             <span id=\"scroll-hint\" hidden>{hint}</span>\n\
             <header class=\"site\"><p class=\"site-name\"><a href=\"/\">{site}</a></p>\n\
             <nav aria-label=\"{nav}\"><ul>",
            lang = self.ui.tag(),
            title = esc(&self.title),
            site = esc(site_name),
            skip = self.ui.tr("Skip to content"),
            hint = self.ui.tr("(table, scrolls sideways)"),
            nav = self.ui.tr("Site"),
        );
        for (section, href, label) in nav {
            let current = if section == self.section {
                " aria-current=\"page\""
            } else {
                ""
            };
            let label = self.ui.tr(label);
            let _ = write!(out, "<li><a href=\"{href}\"{current}>{label}</a></li>");
        }
        let _ = write!(
            out,
            "</ul></nav></header>\n<main id=\"main\" tabindex=\"-1\">\n<h1>{}</h1>\n{}\n</main>\n\
             <footer class=\"site\"><p>crosswalk {} · {} · \
             <a href=\"/sparql\">{}</a></p></footer>\n",
            esc(&self.title),
            self.body,
            env!("CARGO_PKG_VERSION"),
            self.ui.tr("read-only"),
            self.ui.tr("SPARQL endpoint"),
        );
        for script in &self.scripts {
            let _ = writeln!(out, "<script src=\"/static/{script}\" defer></script>");
        }
        out.push_str("</body>\n</html>\n");
        out
    }
}

/// A term as HTML: IRIs as links to their pages, named by their label (the IRI in the title),
/// literals as text with their language or datatype.
pub fn term(term: &Term, labels: &Labels) -> String {
    match term {
        Term::NamedNode(n) => iri_link(n.as_str(), labels),
        Term::Literal(l) => {
            let value = esc(l.value());
            if let Some(lang) = l.language() {
                format!("<span lang=\"{}\">{value}</span>", esc(lang))
            } else {
                let dt = l.datatype().as_str();
                if dt.starts_with("http://www.w3.org/2001/XMLSchema#")
                    || dt.ends_with("#langString")
                {
                    value
                } else {
                    let dt = abbreviate(dt).unwrap_or_else(|| dt.to_string());
                    format!("{value} <small class=\"dt\">{}</small>", esc(&dt))
                }
            }
        }
        other => format!("<code>{}</code>", esc(&display_term(other))),
    }
}

/// A link to the page of `iri`, named by its label or its abbreviated IRI.
pub fn iri_link(iri: &str, labels: &Labels) -> String {
    let shown = labels
        .get(iri)
        .map(str::to_string)
        .or_else(|| abbreviate(iri))
        .unwrap_or_else(|| iri.to_string());
    // A label says its language (the page's may be another).
    let lang = labels
        .lang(iri)
        .filter(|l| !l.is_empty())
        .map(|l| format!(" lang=\"{}\"", esc(l)))
        .unwrap_or_default();
    format!(
        "<a href=\"{}\" title=\"{}\"{lang}>{}</a>",
        esc(&resource_href(iri)),
        esc(iri),
        esc(&shown)
    )
}

/// A predicate's name for people: its abbreviated IRI.
pub fn predicate(iri: &str) -> String {
    esc(&abbreviate(iri).unwrap_or_else(|| iri.to_string()))
}

/// A horizontal bar chart as inline SVG, with a text alternative; `bars` are (label, value).
/// The same figures are always in a table next to it, so the chart is hidden from screen
/// readers' tables but named.
pub fn bar_chart(title: &str, bars: &[(String, f64)], unit: &str) -> String {
    if bars.is_empty() {
        return String::new();
    }
    let max = bars.iter().map(|b| b.1).fold(0.0_f64, f64::max).max(1e-9);
    let row = 22;
    let label_width = 190;
    let width = 520;
    let height = row * bars.len() + 4;
    let mut out = format!(
        "<figure class=\"chart\"><svg role=\"img\" viewBox=\"0 0 {width} {height}\" \
         aria-labelledby=\"{id}\" preserveAspectRatio=\"xMinYMin meet\">\
         <title id=\"{id}\">{t}</title>",
        id = chart_id(title),
        t = esc(title)
    );
    for (i, (label, value)) in bars.iter().enumerate() {
        let y = i * row + 2;
        let w = ((value / max) * (width - label_width - 70) as f64).max(1.0);
        let shown: String = label.chars().take(28).collect();
        let _ = write!(
            out,
            "<text x=\"{lx}\" y=\"{ty}\" text-anchor=\"end\">{l}</text>\
             <rect x=\"{bx}\" y=\"{y}\" width=\"{w:.1}\" height=\"{h}\"></rect>\
             <text x=\"{vx:.1}\" y=\"{ty}\">{v}{unit}</text>",
            lx = label_width - 6,
            ty = y + 14,
            l = esc(&shown),
            bx = label_width,
            h = row - 6,
            vx = label_width as f64 + w + 4.0,
            v = fmt_number(*value),
            unit = esc(unit),
        );
    }
    let _ = write!(
        out,
        "</svg><figcaption>{}</figcaption></figure>",
        esc(title)
    );
    out
}

fn chart_id(title: &str) -> String {
    let mut id = String::from("chart-");
    id.extend(
        title
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }),
    );
    id
}

/// A number for people: whole numbers with thousands separators, others with one decimal.
pub fn fmt_number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        group(value as i64)
    } else {
        format!("{value:.1}")
    }
}

/// `1234567` → `1,234,567`.
pub fn group(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_and_numbers() {
        assert_eq!(
            esc("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;"
        );
        assert_eq!(group(1_234_567), "1,234,567");
        assert_eq!(group(999), "999");
        assert_eq!(fmt_number(12.34), "12.3");
        assert_eq!(url_encode("a b&c/é"), "a+b%26c%2F%C3%A9");
    }
}
