//! `crosswalk reconcile`: look headings up in the shipped and local vocabularies.

use std::fmt::{self, Write as _};
use std::io::Write as _;
use std::path::PathBuf;

use anyhow::Result;
use clap::{Subcommand, ValueEnum};
use crosswalk::authority::{AuthorityIndex, SHIPPED};
use crosswalk::crosswalk::reconcile::{
    self, By, OnMiss, ReconcileOptions, ReconcileSpec, Reconciler, Status,
};
use serde_json::json;

/// A mistake on the command line (exit status 2).
#[derive(Debug)]
pub struct UsageError(pub String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

#[derive(Subcommand)]
pub enum ReconcileCommand {
    /// Looks one heading (or code, or identifier) up and explains the answer: status, method,
    /// score, candidates and the normalised key.
    ///
    /// Exit status: 0 when one concept matched; 1 when the heading is ambiguous or unmatched;
    /// 2 on a usage error (unknown scheme, unreadable --vocab file).
    Lookup {
        /// The heading, e.g. "World War, 1939-1945--Underground movements".
        heading: String,
        /// Answer from this scheme only (repeatable; shipped short names such as lcsh,
        /// relators, iso639-2, or a NAME of --vocab). Default: every loaded scheme.
        #[arg(long = "scheme", value_name = "S")]
        schemes: Vec<String>,
        /// Also load a vocabulary file (SKOS in any RDF syntax, or MARC authority records) as
        /// scheme NAME (repeatable).
        #[arg(long = "vocab", value_name = "NAME=FILE", value_parser = parse_vocab)]
        vocabs: Vec<(String, PathBuf)>,
        /// What the argument is.
        #[arg(long, value_enum, default_value = "label")]
        by: ByArg,
        /// The lowest score accepted as a match.
        #[arg(long, default_value_t = 0.0)]
        min_score: f32,
        /// The base IRI of the local concept IRI shown for an unmatched heading.
        #[arg(long, default_value = "https://w3id.org/crosswalk/")]
        base: String,
        /// Print one JSON object: status, iri, method, score, candidates, heading, key,
        /// local_iri.
        #[arg(long)]
        json: bool,
    },
    /// Runs a mapping over inputs (like `convert`, without writing RDF) and lists every heading
    /// its `reconcile` transforms saw: status, IRI, method, score, count, collections, example
    /// records and candidates; unmatched and ambiguous first, most frequent first.
    Report {
        /// The crosswalk (mapping file).
        #[arg(long)]
        mapping: PathBuf,
        /// The collection id used in IRIs (`{collection}`).
        #[arg(long, default_value = "local")]
        collection: String,
        /// A reviewers' decisions file (TSV: heading, scheme, decision, iri), applied after the
        /// mapping's own.
        #[arg(long)]
        decisions: Option<PathBuf>,
        /// Output syntax.
        #[arg(long, value_enum, default_value = "csv")]
        format: super::report::ReportFormat,
        /// Output file (standard output when not given).
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Input files.
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ByArg {
    /// A label or heading.
    Label,
    /// An IRI or identifier (LCCN, `(DLC)sh…`).
    Identifier,
    /// A code (`aut`, `fre`).
    Notation,
}

fn parse_vocab(s: &str) -> Result<(String, PathBuf), String> {
    match s.split_once('=') {
        Some((n, f)) if !n.is_empty() && !f.is_empty() => Ok((n.to_string(), PathBuf::from(f))),
        _ => Err(format!("expected NAME=FILE, got {s:?}")),
    }
}

/// Ok(true): matched.
pub fn run(command: ReconcileCommand) -> Result<bool> {
    match command {
        ReconcileCommand::Lookup {
            heading,
            schemes,
            vocabs,
            by,
            min_score,
            base,
            json,
        } => lookup(&heading, &schemes, &vocabs, by, min_score, &base, json),
        ReconcileCommand::Report {
            mapping,
            collection,
            decisions,
            format,
            output,
            inputs,
        } => super::report::report(
            &mapping,
            &inputs,
            &collection,
            decisions.as_deref(),
            format,
            output.as_deref(),
        ),
    }
}

fn load(
    schemes: &[String],
    vocabs: &[(String, PathBuf)],
) -> Result<std::sync::Arc<AuthorityIndex>> {
    let dirs = reconcile::search_path(None);
    let mut files = Vec::new();
    let is_vocab = |s: &str| vocabs.iter().any(|(n, _)| n == s);
    if schemes.is_empty() {
        for (name, _) in SHIPPED {
            files.push((
                reconcile::find_shipped(name, &dirs).map_err(UsageError)?,
                name.to_string(),
            ));
        }
    } else {
        for s in schemes.iter().filter(|s| !is_vocab(s)) {
            files.push((
                reconcile::find_shipped(s, &dirs).map_err(UsageError)?,
                s.clone(),
            ));
        }
    }
    for (name, path) in vocabs {
        if !path.is_file() {
            return Err(
                UsageError(format!("--vocab {name}: no such file {}", path.display())).into(),
            );
        }
        files.push((path.clone(), name.clone()));
    }
    reconcile::load_files(&files).map_err(|e| UsageError(format!("vocabularies: {e}")).into())
}

fn lookup(
    heading: &str,
    schemes: &[String],
    vocabs: &[(String, PathBuf)],
    by: ByArg,
    min_score: f32,
    base: &str,
    json: bool,
) -> Result<bool> {
    let index = load(schemes, vocabs)?;
    let spec = ReconcileSpec::Options(ReconcileOptions {
        schemes: schemes.to_vec(),
        by: match by {
            ByArg::Label => By::Label,
            ByArg::Identifier => By::Identifier,
            ByArg::Notation => By::Notation,
        },
        min_score: Some(min_score),
        on_miss: OnMiss::Local,
        ..ReconcileOptions::default()
    });
    let rec = Reconciler::new(&spec, &index, base).map_err(UsageError)?;
    let Some(r) = rec.resolve(heading) else {
        return Err(UsageError("the heading is empty".into()).into());
    };
    let label = |iri: &str| {
        index
            .vocabulary()
            .concept_by_iri(iri)
            .and_then(|c| c.pref_label(None).map(str::to_string))
    };
    let matched = r.status == Status::Matched;
    let iri = if matched { r.output.clone() } else { None };
    let mut text = String::new();
    if json {
        let candidates: Vec<_> = r
            .candidates
            .iter()
            .map(|c| {
                json!({
                    "iri": c.iri,
                    "label": label(&c.iri),
                    "matched": c.matched,
                    "scheme": c.scheme,
                    "method": c.method.as_str(),
                    "score": round(c.score),
                    "components": c.components,
                })
            })
            .collect();
        let v = json!({
            "input": heading,
            "status": r.status.as_str(),
            "iri": iri,
            "label": iri.as_deref().and_then(label),
            "method": r.method.map(|(m, _)| m.as_str()),
            "score": r.method.map(|(_, s)| round(s)),
            "heading": r.heading,
            "key": r.key,
            "local_iri": if r.local { r.output.clone() } else { None },
            "candidates": candidates,
        });
        writeln!(text, "{}", serde_json::to_string_pretty(&v)?)?;
    } else {
        match &iri {
            Some(i) => writeln!(text, "{}  {i}", r.status.as_str())?,
            None => writeln!(text, "{}", r.status.as_str())?,
        }
        if let Some(l) = iri.as_deref().and_then(label) {
            writeln!(text, "  label:   {l}")?;
        }
        writeln!(text, "  heading: {}", r.heading)?;
        writeln!(text, "  key:     {}", r.key)?;
        if let Some((m, s)) = r.method {
            writeln!(text, "  method:  {m} (score {:.2})", s)?;
        }
        if r.local {
            if let Some(o) = &r.output {
                writeln!(text, "  local:   {o}")?;
            }
        }
        if !r.candidates.is_empty() {
            writeln!(text, "candidates:")?;
            for c in &r.candidates {
                writeln!(
                    text,
                    "  {}  {:?} [{}] {} {:.2}",
                    c.iri,
                    label(&c.iri).unwrap_or_default(),
                    c.scheme,
                    c.method,
                    c.score
                )?;
            }
        }
    }
    std::io::stdout().lock().write_all(text.as_bytes())?;
    Ok(matched)
}

/// A score with two decimals (0.95, not 0.949999988).
fn round(s: f32) -> f64 {
    (f64::from(s) * 100.0).round() / 100.0
}
