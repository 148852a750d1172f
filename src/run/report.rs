//! What a run tells a person and a scheduler: progress bars, the summary, `run-report.json`,
//! `diagnostics.csv` and one quarantine file per input format.
//!
//! The reports folder holds, after each run:
//! - `run-report.json`: the [`RunSummary`];
//! - `diagnostics.csv`: one row per diagnostic (`collection,file,record,offset,line,id,severity,
//!   kind,field,message`);
//! - `quarantine-marc.mrc` (ISO 2709 records as read; MARC-in-JSON rejects go to
//!   `quarantine-marc.json`, one per line), `quarantine-ead.xml`, `quarantine-dc.xml`: the bytes
//!   of every rejected record, each XML record preceded by a comment with its diagnostic. A
//!   quarantine file exists only when something was rejected.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::{Deserialize, Serialize};

use super::RunError;
use crate::diagnostic::Diagnostic;

/// What happened to one collection.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct CollectionSummary {
    /// The collection id.
    pub id: String,
    /// Its institution's id.
    pub institution: String,
    /// Records read (each is written, unchanged or quarantined).
    pub read: u64,
    /// Records written (new or replaced).
    pub written: u64,
    /// Of those, records the store did not hold.
    pub new: u64,
    /// Of those, records whose graphs were replaced.
    pub replaced: u64,
    /// Records skipped because neither they nor what maps them changed.
    pub unchanged: u64,
    /// Records rejected (in the quarantine file, with a diagnostic).
    pub quarantined: u64,
    /// Records removed because they left the input (`--prune`).
    pub removed: u64,
    /// Deletion notices read (OAI-PMH `status="deleted"`); the graphs of those the store held
    /// are removed. Not counted in `read`.
    pub deleted: u64,
    /// Files that could not be read to their end.
    pub files_failed: u64,
    /// Records left to other shards (`--shard`); not counted in `read`.
    pub other_shards: u64,
    /// Diagnostics by kind.
    pub diagnostics: BTreeMap<String, u64>,
    /// Reconciled values by scheme (or rule) and status (`matched`, `ambiguous`, `unmatched`).
    pub reconciliation: BTreeMap<String, BTreeMap<String, u64>>,
    /// Anything else worth saying.
    pub notes: Vec<String>,
}

/// What a run did.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct RunSummary {
    /// The run's IRI.
    pub run: String,
    /// When it started (xsd:dateTime).
    pub started: String,
    /// The store.
    pub store: String,
    /// Wall time in seconds.
    pub seconds: f64,
    /// Whether the run changed the store.
    pub changed: bool,
    /// Why the run stopped early, if it did (error budget).
    pub aborted: Option<String>,
    /// Per collection, in configuration order.
    pub collections: Vec<CollectionSummary>,
}

impl RunSummary {
    /// The sums over all collections (diagnostics and reconciliation merged).
    pub fn total(&self) -> CollectionSummary {
        let mut t = CollectionSummary {
            id: "total".into(),
            ..CollectionSummary::default()
        };
        for c in &self.collections {
            t.read += c.read;
            t.written += c.written;
            t.new += c.new;
            t.replaced += c.replaced;
            t.unchanged += c.unchanged;
            t.quarantined += c.quarantined;
            t.removed += c.removed;
            t.deleted += c.deleted;
            t.files_failed += c.files_failed;
            t.other_shards += c.other_shards;
            for (k, v) in &c.diagnostics {
                *t.diagnostics.entry(k.clone()).or_default() += v;
            }
            for (s, m) in &c.reconciliation {
                for (k, v) in m {
                    *t.reconciliation
                        .entry(s.clone())
                        .or_default()
                        .entry(k.clone())
                        .or_default() += v;
                }
            }
        }
        t
    }

    /// The exit status a scheduler can act on: 0 all records written or unchanged; 1 some
    /// records quarantined or files unreadable (the rest is in the store); 3 stopped by the error
    /// budget. (2 is for usage and configuration errors, 4 for store failures: see the CLI.)
    pub fn exit_code(&self) -> u8 {
        let t = self.total();
        if self.aborted.is_some() {
            3
        } else if t.quarantined > 0 || t.files_failed > 0 {
            1
        } else {
            0
        }
    }

    /// A table for people: one row per collection and the totals, then reconciliation rates.
    pub fn to_text(&self) -> String {
        use std::fmt::Write as _;
        let mut s = String::new();
        let _ = writeln!(
            s,
            "{:<24} {:>9} {:>9} {:>9} {:>9} {:>11} {:>8}",
            "collection", "read", "written", "unchanged", "removed", "quarantined", "rec/s"
        );
        let mut rows: Vec<CollectionSummary> = self.collections.clone();
        rows.push(self.total());
        for c in &rows {
            let rate = if self.seconds > 0.0 && c.id == "total" {
                format!("{:.0}", c.read as f64 / self.seconds)
            } else {
                String::new()
            };
            let _ = writeln!(
                s,
                "{:<24} {:>9} {:>9} {:>9} {:>9} {:>11} {:>8}",
                c.id,
                c.read,
                c.written,
                c.unchanged,
                c.removed + c.deleted,
                c.quarantined,
                rate
            );
        }
        for c in &self.collections {
            for (scheme, m) in &c.reconciliation {
                let all: u64 = m.values().sum();
                let matched = m.get("matched").copied().unwrap_or(0);
                let _ = writeln!(
                    s,
                    "reconciled {:<20} {:<16} {:>6.1} % of {} ({} unmatched, {} ambiguous)",
                    c.id,
                    scheme,
                    100.0 * matched as f64 / all.max(1) as f64,
                    all,
                    m.get("unmatched").copied().unwrap_or(0),
                    m.get("ambiguous").copied().unwrap_or(0)
                );
            }
            for n in &c.notes {
                let _ = writeln!(s, "{}: {n}", c.id);
            }
        }
        if let Some(a) = &self.aborted {
            let _ = writeln!(s, "stopped: {a}");
        }
        let _ = write!(
            s,
            "{:.1} s; {}",
            self.seconds,
            if self.changed {
                "the store changed"
            } else {
                "nothing changed"
            }
        );
        s
    }
}

/// The report files of one run.
pub(crate) struct Reports {
    dir: PathBuf,
    diagnostics: BufWriter<File>,
    quarantine: BTreeMap<&'static str, BufWriter<File>>,
}

impl Reports {
    pub(crate) fn create(dir: &Path) -> Result<Self, RunError> {
        let err = |path: &Path| {
            let path = path.to_path_buf();
            move |source| RunError::Report { path, source }
        };
        fs::create_dir_all(dir).map_err(err(dir))?;
        for old in [
            "quarantine-marc.mrc",
            "quarantine-marc.json",
            "quarantine-ead.xml",
            "quarantine-dc.xml",
        ] {
            let _ = fs::remove_file(dir.join(old));
        }
        let path = dir.join("diagnostics.csv");
        let mut diagnostics = BufWriter::new(File::create(&path).map_err(err(&path))?);
        diagnostics
            .write_all(b"collection,file,record,offset,line,id,severity,kind,field,message\n")
            .map_err(err(&path))?;
        Ok(Self {
            dir: dir.to_path_buf(),
            diagnostics,
            quarantine: BTreeMap::new(),
        })
    }

    fn io(&self, name: &str) -> impl FnOnce(std::io::Error) -> RunError {
        let path = self.dir.join(name);
        move |source| RunError::Report { path, source }
    }

    pub(crate) fn diagnostic(&mut self, collection: &str, d: &Diagnostic) -> Result<(), RunError> {
        let l = &d.location;
        let row = [
            collection.to_string(),
            l.file.as_deref().unwrap_or("").to_string(),
            l.position.record.to_string(),
            l.position.byte.to_string(),
            l.position.line.to_string(),
            l.record_id.clone().unwrap_or_default(),
            d.severity.to_string(),
            d.kind.to_string(),
            l.field.clone().unwrap_or_default(),
            d.message.clone(),
        ];
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            if i > 0 {
                line.push(',');
            }
            csv_cell(&mut line, cell);
        }
        line.push('\n');
        let e = self.io("diagnostics.csv");
        self.diagnostics.write_all(line.as_bytes()).map_err(e)
    }

    pub(crate) fn quarantine(
        &mut self,
        format: &str,
        d: &Diagnostic,
        raw: &[u8],
    ) -> Result<(), RunError> {
        if raw.is_empty() {
            return Ok(());
        }
        let name: &'static str = match format {
            "marc" if raw.first() == Some(&b'{') => "quarantine-marc.json",
            "marc" => "quarantine-marc.mrc",
            "ead" => "quarantine-ead.xml",
            _ => "quarantine-dc.xml",
        };
        let e = self.io(name);
        if !self.quarantine.contains_key(name) {
            let mut f = BufWriter::new(File::create(self.dir.join(name)).map_err(self.io(name))?);
            if name.ends_with(".xml") {
                f.write_all(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<quarantine>\n")
                    .map_err(self.io(name))?;
            }
            self.quarantine.insert(name, f);
        }
        let w = self.quarantine.get_mut(name).expect("inserted above");
        let r = if name.ends_with(".xml") {
            let note = d.to_string().replace("--", "- -");
            w.write_all(format!("<!-- {note} -->\n").as_bytes())
                .and_then(|()| w.write_all(raw))
                .and_then(|()| w.write_all(b"\n"))
        } else if name.ends_with(".json") {
            w.write_all(raw).and_then(|()| w.write_all(b"\n"))
        } else {
            w.write_all(raw)
        };
        r.map_err(e)
    }

    pub(crate) fn finish(mut self, summary: &RunSummary) -> Result<(), RunError> {
        let e = self.io("diagnostics.csv");
        self.diagnostics.flush().map_err(e)?;
        for (name, mut w) in std::mem::take(&mut self.quarantine) {
            let e = self.io(name);
            if name.ends_with(".xml") {
                w.write_all(b"</quarantine>\n").map_err(self.io(name))?;
            }
            w.flush().map_err(e)?;
        }
        let path = self.dir.join("run-report.json");
        let text = serde_json::to_string_pretty(summary).expect("the summary serialises");
        fs::write(&path, text + "\n").map_err(|source| RunError::Report { path, source })
    }
}

/// Appends a CSV cell, quoted when it holds a comma, quote or line break.
pub(crate) fn csv_cell(out: &mut String, cell: &str) {
    if cell.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&cell.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(cell);
    }
}

/// A progress bar per collection: bytes read of the collection's files (for the ETA), records
/// and records/s in the message. Hidden when not asked for or not on a terminal.
pub(crate) struct Progress {
    bar: Option<indicatif::ProgressBar>,
    start: Instant,
}

impl Progress {
    pub(crate) fn new(show: bool, collection: &str, total_bytes: u64) -> Self {
        let bar = show.then(|| {
            let bar = indicatif::ProgressBar::new(total_bytes);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{prefix:>20} [{bar:30}] {percent:>3}% {msg} ETA {eta}",
                )
                .expect("the template is valid")
                .progress_chars("=> "),
            );
            bar.set_prefix(collection.to_string());
            bar
        });
        Self {
            bar,
            start: Instant::now(),
        }
    }

    pub(crate) fn record(&self, byte: u64, cs: &CollectionSummary) {
        let Some(bar) = &self.bar else { return };
        if cs.read.is_multiple_of(512) {
            bar.set_position(byte);
            let secs = self.start.elapsed().as_secs_f64().max(1e-3);
            bar.set_message(format!(
                "{} records, {:.0} rec/s",
                cs.read,
                cs.read as f64 / secs
            ));
        }
    }

    pub(crate) fn finish(&self, cs: &CollectionSummary) {
        if let Some(bar) = &self.bar {
            let secs = self.start.elapsed().as_secs_f64().max(1e-3);
            bar.set_position(bar.length().unwrap_or(0));
            bar.finish_with_message(format!(
                "{} records, {:.0} rec/s",
                cs.read,
                cs.read as f64 / secs
            ));
        }
    }
}
