//! `crosswalk reconcile report`: every reconcile outcome of a mapping run over some inputs, one
//! row per (schemes, normalised heading), for review (see `docs/reconciliation.md`).

use std::collections::{BTreeSet, HashMap};
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::ValueEnum;
use crosswalk::crosswalk::reconcile::Status;
use crosswalk::crosswalk::{AnyMapping, Decisions, Mapping, Source};
use serde_json::json;

use super::mapping::{context, read_inputs};

/// The report's syntax.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// One row per heading, candidates joined with ` | `.
    Csv,
    /// An array of objects.
    Json,
}

/// How many example record ids a row keeps.
const EXAMPLES: usize = 5;

/// One row: a heading as reconciled against some schemes.
#[derive(Debug, Default)]
struct Row {
    schemes: String,
    heading: String,
    key: String,
    status: Option<Status>,
    iri: Option<String>,
    local: bool,
    method: Option<String>,
    score: Option<f32>,
    decision: Option<&'static str>,
    count: u64,
    collections: BTreeSet<String>,
    examples: Vec<String>,
    rules: BTreeSet<String>,
    /// (iri, label, scheme, method, score)
    candidates: Vec<(String, String, String, String, f32)>,
}

fn rank(s: Option<Status>) -> u8 {
    match s {
        Some(Status::Unmatched) => 0,
        Some(Status::Ambiguous) => 1,
        _ => 2,
    }
}

/// Runs the report; `Ok(false)` when some input could not be read to its end.
pub fn report(
    mapping: &Path,
    inputs: &[PathBuf],
    collection: &str,
    decisions: Option<&Path>,
    format: ReportFormat,
    output: Option<&Path>,
) -> Result<bool> {
    let mut m = AnyMapping::load(mapping).map_err(|e| anyhow::anyhow!("{e}"))?;
    if let Some(d) = decisions {
        m.add_decisions(Decisions::load(d).map_err(|e| anyhow::anyhow!("{e}"))?);
    }
    let (rows, ok) = match &m {
        AnyMapping::Marc(m) => collect(m, inputs, collection)?,
        AnyMapping::Ead(m) => collect(m, inputs, collection)?,
        AnyMapping::Dc(m) => collect(m, inputs, collection)?,
    };
    let mut w: Box<dyn Write> = match output {
        Some(p) => Box::new(BufWriter::new(
            File::create(p).with_context(|| format!("writing {}", p.display()))?,
        )),
        None => Box::new(BufWriter::new(io::stdout().lock())),
    };
    match format {
        ReportFormat::Csv => write_csv(&rows, &mut w)?,
        ReportFormat::Json => {
            serde_json::to_writer_pretty(&mut w, &to_json(&rows))?;
            writeln!(w)?;
        }
    }
    w.flush()?;
    Ok(ok)
}

fn collect<R: Source>(
    mapping: &Mapping<R>,
    inputs: &[PathBuf],
    collection: &str,
) -> Result<(Vec<Row>, bool)> {
    let mut rows: Vec<Row> = Vec::new();
    let mut at: HashMap<(String, String), usize> = HashMap::new();
    let ok = read_inputs::<R>(inputs, &mut |rec, loc| {
        let out = mapping.apply(&rec, &context(collection, loc));
        for r in &out.reconciliations {
            let res = &r.result;
            let schemes = r.schemes.join(" ");
            let i = *at
                .entry((schemes.clone(), res.key.clone()))
                .or_insert_with(|| {
                    rows.push(Row {
                        schemes,
                        heading: res.heading.clone(),
                        key: res.key.clone(),
                        ..Row::default()
                    });
                    rows.len() - 1
                });
            let row = &mut rows[i];
            // The worst outcome wins (two rules may differ in min-score).
            if row.status.is_none() || rank(Some(res.status)) < rank(row.status) {
                row.status = Some(res.status);
                row.iri = res.output.clone();
                row.local = res.local;
                row.method = res.method.map(|(m, _)| m.as_str().to_string());
                row.score = res.method.map(|(_, s)| s);
                row.decision = res.decision.map(|d| d.as_str());
            }
            row.count += 1;
            row.collections.insert(collection.to_string());
            if row.examples.len() < EXAMPLES && !row.examples.contains(&out.record_id) {
                row.examples.push(out.record_id.clone());
            }
            row.rules.insert(r.rule.clone());
            for c in &res.candidates {
                if !row.candidates.iter().any(|x| x.0 == c.iri) {
                    row.candidates.push((
                        c.iri.clone(),
                        c.matched.clone().unwrap_or_default(),
                        c.scheme.clone(),
                        c.method.as_str().to_string(),
                        c.score,
                    ));
                }
            }
        }
        true
    })?;
    rows.sort_by(|a, b| {
        let settled = |r: &Row| rank(r.status) == 2;
        (settled(a), std::cmp::Reverse(a.count), &a.key, &a.schemes).cmp(&(
            settled(b),
            std::cmp::Reverse(b.count),
            &b.key,
            &b.schemes,
        ))
    });
    Ok((rows, ok))
}

fn status(r: &Row) -> &'static str {
    r.status.map_or("unmatched", Status::as_str)
}

fn to_json(rows: &[Row]) -> serde_json::Value {
    rows.iter()
        .map(|r| {
            json!({
                "status": status(r),
                "schemes": r.schemes.split(' ').filter(|s| !s.is_empty()).collect::<Vec<_>>(),
                "heading": r.heading,
                "key": r.key,
                "iri": r.iri,
                "local": r.local,
                "method": r.method,
                "score": r.score,
                "decision": r.decision,
                "count": r.count,
                "collections": r.collections,
                "examples": r.examples,
                "rules": r.rules,
                "candidates": r.candidates.iter().map(|(iri, label, scheme, method, score)| json!({
                    "iri": iri, "label": label, "scheme": scheme, "method": method, "score": score,
                })).collect::<Vec<_>>(),
            })
        })
        .collect()
}

/// CSV (RFC 4180): a field with a comma, quote or line break is quoted.
fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn write_csv(rows: &[Row], w: &mut dyn Write) -> Result<()> {
    writeln!(
        w,
        "status,schemes,heading,key,iri,local,method,score,decision,count,collections,examples,candidates,rules"
    )?;
    for r in rows {
        let candidates: Vec<String> = r
            .candidates
            .iter()
            .map(|(iri, label, scheme, method, score)| {
                format!("{iri} \"{label}\" [{scheme}] {method} {score:.2}")
            })
            .collect();
        let cells = [
            status(r).to_string(),
            r.schemes.clone(),
            r.heading.clone(),
            r.key.clone(),
            r.iri.clone().unwrap_or_default(),
            r.local.to_string(),
            r.method.clone().unwrap_or_default(),
            r.score.map(|s| format!("{s:.2}")).unwrap_or_default(),
            r.decision.unwrap_or_default().to_string(),
            r.count.to_string(),
            r.collections.iter().cloned().collect::<Vec<_>>().join(" "),
            r.examples.join(" "),
            candidates.join(" | "),
            r.rules.iter().cloned().collect::<Vec<_>>().join(" | "),
        ];
        let line: Vec<String> = cells.iter().map(|c| field(c)).collect();
        writeln!(w, "{}", line.join(","))?;
    }
    Ok(())
}
