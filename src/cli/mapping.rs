//! `crosswalk convert --mapping` and `crosswalk mapping test|explain|coverage|select`.

use std::fs::File;
use std::io::{self, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::Subcommand;
use crosswalk::crosswalk::{
    record_graph, AnyMapping, Coverage, Item, Mapping, RecordContext, RecordOutput, Source,
};
use crosswalk::diagnostic::Location;
use crosswalk::select::Scope;
use crosswalk::{dc, ead, marc};
use oxrdf::{GraphName, GraphNameRef, Quad};

use super::ntriples;
use oxrdfio::{RdfFormat, RdfSerializer};

#[derive(Subcommand)]
pub enum MappingCommand {
    /// Runs the examples written inside mapping files and reports each failure with a diff.
    Test {
        /// Mapping files.
        #[arg(required = true)]
        mappings: Vec<PathBuf>,
    },
    /// Prints each output triple of a record with the rule and the source field it came from.
    Explain {
        /// The mapping file.
        mapping: PathBuf,
        /// Input files.
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        /// The record to explain: its 1-based position in the input (default 1).
        #[arg(long, conflicts_with = "id")]
        record: Option<u64>,
        /// The record to explain: its identifier (MARC 001, EAD id, OAI identifier).
        #[arg(long)]
        id: Option<String>,
    },
    /// Counts source items present in the input that no rule selects, most frequent first.
    Coverage {
        /// The mapping file.
        mapping: PathBuf,
        /// Input files.
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        /// How many items to list.
        #[arg(long, default_value_t = 40)]
        top: usize,
    },
    /// Prints, per record, the values a selector picks (MARCspec for MARC, paths for EAD/DC).
    ///
    /// An invalid selector exits with status 2 and points at the offending position.
    Select {
        /// The selector.
        selector: String,
        /// Input files.
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        /// The format (marc, ead, dc); recognised from the first input when not given.
        #[arg(long)]
        format: Option<String>,
    },
}

/// What `run` returns: Ok(true) all fine, Ok(false) something failed (exit 1).
pub fn run(command: MappingCommand) -> Result<bool> {
    match command {
        MappingCommand::Test { mappings } => test(&mappings),
        MappingCommand::Explain {
            mapping,
            inputs,
            record,
            id,
        } => match load(&mapping)? {
            AnyMapping::Marc(m) => explain(&m, &inputs, record, id.as_deref()),
            AnyMapping::Ead(m) => explain(&m, &inputs, record, id.as_deref()),
            AnyMapping::Dc(m) => explain(&m, &inputs, record, id.as_deref()),
        },
        MappingCommand::Coverage {
            mapping,
            inputs,
            top,
        } => match load(&mapping)? {
            AnyMapping::Marc(m) => coverage(&m, &inputs, top),
            AnyMapping::Ead(m) => coverage(&m, &inputs, top),
            AnyMapping::Dc(m) => coverage(&m, &inputs, top),
        },
        MappingCommand::Select {
            selector,
            inputs,
            format,
        } => {
            let format = match format {
                Some(f) => f,
                None => sniff_format(&inputs[0])?,
            };
            match format.as_str() {
                "marc" => select::<marc::RecordBuf>(&selector, &inputs),
                "ead" => select::<ead::Component>(&selector, &inputs),
                "dc" => select::<dc::Record>(&selector, &inputs),
                other => bail!("unknown format {other:?} (marc, ead, dc)"),
            }
        }
    }
}

fn load(path: &Path) -> Result<AnyMapping> {
    AnyMapping::load(path).map_err(|e| anyhow::anyhow!("{e}"))
}

fn sniff_format(path: &Path) -> Result<String> {
    let mut r =
        BufReader::new(File::open(path).with_context(|| format!("reading {}", path.display()))?);
    match crosswalk::sniff::sniff(&mut r)? {
        Some(s) => Ok(s.format().to_string()),
        None => bail!("{}: cannot tell its format; give --format", path.display()),
    }
}

/// Reads every record of every input, calling `each`; problems go to standard error. Returns
/// whether every record was read.
pub(crate) fn read_inputs<R: Source>(
    inputs: &[PathBuf],
    each: &mut dyn FnMut(R, Location) -> bool,
) -> Result<bool> {
    let mut ok = true;
    for path in inputs {
        let file = File::open(path).with_context(|| format!("reading {}", path.display()))?;
        let mut go_on = true;
        R::read_all(
            BufReader::with_capacity(1 << 16, file),
            &path.display().to_string(),
            &mut |item| match item {
                Item::Record(rec, loc) => {
                    go_on = each(rec, loc);
                    go_on
                }
                Item::Problem { message, .. } => {
                    ok = false;
                    eprintln!("{message}");
                    true
                }
                Item::Deleted(..) => true,
            },
        );
        if !go_on {
            break;
        }
    }
    Ok(ok)
}

pub(crate) fn context(collection: &str, loc: Location) -> RecordContext {
    let fallback_id = format!(
        "{}-{}",
        loc.file.as_deref().map(stem).unwrap_or("input"),
        loc.position.record
    );
    RecordContext {
        collection: collection.to_string(),
        fallback_id,
        location: loc,
    }
}

fn stem(path: &str) -> &str {
    Path::new(path)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("input")
}

fn test(mappings: &[PathBuf]) -> Result<bool> {
    let mut all = true;
    for path in mappings {
        let mapping = load(path)?;
        let results = mapping.run_examples();
        if results.is_empty() {
            println!("{}: no examples", path.display());
            continue;
        }
        for r in &results {
            if r.passed() {
                println!("ok      {} :: {}", path.display(), r.name);
                continue;
            }
            all = false;
            println!("FAILED  {} :: {}", path.display(), r.name);
            for p in &r.problems {
                println!("    problem: {p}");
            }
            for t in &r.missing {
                println!("    - {t}");
            }
            for t in &r.unexpected {
                println!("    + {t}");
            }
        }
        let passed = results.iter().filter(|r| r.passed()).count();
        println!(
            "{}: {passed} passed, {} failed",
            path.display(),
            results.len() - passed
        );
    }
    Ok(all)
}

fn explain<R: Source>(
    mapping: &Mapping<R>,
    inputs: &[PathBuf],
    record: Option<u64>,
    id: Option<&str>,
) -> Result<bool> {
    let want = record.unwrap_or(1);
    let mut n = 0;
    let mut found = false;
    let mut out = BufWriter::new(io::stdout().lock());
    let mut failure = None;
    read_inputs::<R>(inputs, &mut |rec, loc| {
        n += 1;
        let hit = match id {
            Some(id) => rec.record_id().as_deref() == Some(id),
            None => n == want,
        };
        if !hit {
            return true;
        }
        found = true;
        let output = mapping.apply(&rec, &context("local", loc.clone()));
        let r = (|| -> io::Result<()> {
            writeln!(out, "# {loc}")?;
            for (triple, why) in mapping.explain(&rec, &output) {
                writeln!(out, "{triple}\n    # {why}")?;
            }
            for d in &output.diagnostics {
                writeln!(out, "# {d}")?;
            }
            Ok(())
        })();
        failure = r.err();
        false
    })?;
    out.flush()?;
    if let Some(e) = failure {
        return Err(e.into());
    }
    if !found {
        bail!("no such record in the input");
    }
    Ok(true)
}

fn coverage<R: Source>(mapping: &Mapping<R>, inputs: &[PathBuf], top: usize) -> Result<bool> {
    let mut cov = Coverage::default();
    let ok = read_inputs::<R>(inputs, &mut |rec, loc| {
        let output = mapping.apply(&rec, &context("local", loc));
        cov.add(&rec, &output);
        true
    })?;
    let mut out = BufWriter::new(io::stdout().lock());
    let total: u64 = cov.items.values().map(|(n, _)| n).sum();
    let selected: u64 = cov.items.values().map(|(_, s)| s).sum();
    writeln!(
        out,
        "{} records; {} item occurrences, {} selected by some rule ({:.1} %)",
        cov.records,
        total,
        selected,
        if total == 0 {
            100.0
        } else {
            selected as f64 * 100.0 / total as f64
        }
    )?;
    writeln!(
        out,
        "{:>10} {:>10}  item (never selected / present)",
        "unselected", "present"
    )?;
    for (key, missed, present) in cov.unselected().into_iter().take(top) {
        writeln!(out, "{missed:>10} {present:>10}  {key}")?;
    }
    out.flush()?;
    Ok(ok)
}

fn select<R: Source>(selector: &str, inputs: &[PathBuf]) -> Result<bool> {
    let sel = match R::compile(selector) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("crosswalk: {e}");
            eprintln!("  {selector}");
            eprintln!("  {}^", " ".repeat(e.offset));
            std::process::exit(2);
        }
    };
    let mut out = BufWriter::new(io::stdout().lock());
    let mut failure = None;
    let ok = read_inputs::<R>(inputs, &mut |rec, loc| {
        let id = rec
            .record_id()
            .map(|s| s.into_owned())
            .unwrap_or_else(|| format!("#{}", loc.position.record));
        let mut r = Ok(());
        rec.select(&sel, Scope::RECORD, &mut |s| {
            if r.is_ok() {
                r = writeln!(out, "{id}\t{}\t{}", rec.origin(s.scope, s.part), s.value);
            }
        });
        failure = r.err();
        failure.is_none()
    })?;
    out.flush()?;
    if let Some(e) = failure {
        return Err(e.into());
    }
    Ok(ok)
}

/// `crosswalk convert --mapping M INPUTS --to nt|nq|ttl|jsonld`.
pub fn convert(
    mapping: &Path,
    inputs: &[PathBuf],
    to: &str,
    collection: &str,
    decisions: Option<&Path>,
) -> Result<bool> {
    let format = RdfFormat::from_extension(to)
        .filter(|f| {
            matches!(
                f,
                RdfFormat::NTriples
                    | RdfFormat::NQuads
                    | RdfFormat::Turtle
                    | RdfFormat::JsonLd { .. }
            )
        })
        .with_context(|| format!("--to {to:?}: use nt, nq, ttl or jsonld"))?;
    let mut m = load(mapping)?;
    if let Some(d) = decisions {
        m.add_decisions(
            crosswalk::crosswalk::Decisions::load(d).map_err(|e| anyhow::anyhow!("{e}"))?,
        );
    }
    match m {
        AnyMapping::Marc(m) => convert_with(&m, inputs, format, collection),
        AnyMapping::Ead(m) => convert_with(&m, inputs, format, collection),
        AnyMapping::Dc(m) => convert_with(&m, inputs, format, collection),
    }
}

fn convert_with<R: Source + Send>(
    mapping: &Mapping<R>,
    inputs: &[PathBuf],
    format: RdfFormat,
    collection: &str,
) -> Result<bool> {
    if matches!(format, RdfFormat::NTriples | RdfFormat::NQuads) {
        return convert_lines(mapping, inputs, format == RdfFormat::NQuads, collection);
    }
    let mut serializer = RdfSerializer::from_format(format);
    if format == RdfFormat::Turtle {
        for (p, ns) in mapping.prefixes() {
            serializer = serializer.with_prefix(p, ns)?;
        }
    }
    let mut writer = serializer.for_writer(BufWriter::with_capacity(1 << 16, io::stdout().lock()));
    let mut failure: Option<io::Error> = None;
    let mut rule_failures = 0u64;
    let ok = read_inputs::<R>(inputs, &mut |rec, loc| {
        let output = mapping.apply(&rec, &context(collection, loc));
        for d in &output.diagnostics {
            rule_failures += 1;
            eprintln!("{d}");
        }
        let graph = match format {
            RdfFormat::NQuads => {
                match record_graph(mapping.base(), collection, &output.record_id) {
                    Some(g) => GraphName::NamedNode(g),
                    None => GraphName::DefaultGraph,
                }
            }
            _ => GraphName::DefaultGraph,
        };
        for e in &output.triples {
            let q = Quad::new(
                e.triple.subject.clone(),
                e.triple.predicate.clone(),
                e.triple.object.clone(),
                graph.clone(),
            );
            if let Err(err) = writer.serialize_quad(&q) {
                failure = Some(err);
                return false;
            }
        }
        true
    })?;
    if let Some(e) = failure {
        return Err(e.into());
    }
    writer.finish()?.flush()?;
    if rule_failures > 0 {
        eprintln!("{rule_failures} rule failures (see above)");
    }
    Ok(ok)
}

/// Records per batch handed to a mapping thread.
const BATCH: usize = 128;

/// The output of one batch: its lines, and its diagnostics as printed.
struct Mapped {
    seq: u64,
    lines: Vec<u8>,
    diagnostics: Vec<String>,
}

/// `convert` to N-Triples or N-Quads: the reader (this thread) hands batches of records to one
/// mapping thread per core, which write their lines into a buffer per batch; a writer thread puts
/// the batches back in input order, so the output is the same as one thread's.
fn convert_lines<R: Source + Send>(
    mapping: &Mapping<R>,
    inputs: &[PathBuf],
    quads: bool,
    collection: &str,
) -> Result<bool> {
    use std::collections::BTreeMap;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{mpsc, Mutex};

    let workers = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
    let (job_tx, job_rx) = mpsc::sync_channel::<(u64, Vec<(R, Location)>, Vec<u8>)>(workers * 2);
    let job_rx = Mutex::new(job_rx);
    let (done_tx, done_rx) = mpsc::sync_channel::<Mapped>(workers * 2);
    // At most `in_flight` batches between the reader and the writer (read, mapped or waiting for
    // an earlier one): memory stays flat even when one thread falls behind. The tokens are the
    // batches' line buffers, which the writer hands back once written: they keep the capacity
    // they grew to, so lines are never copied to a larger buffer nor written to fresh pages.
    let in_flight = workers * 4;
    let (token_tx, token_rx) = mpsc::sync_channel::<Vec<u8>>(in_flight);
    for _ in 0..in_flight {
        let _ = token_tx.send(Vec::new());
    }
    let stop = AtomicBool::new(false);
    std::thread::scope(|scope| -> Result<bool> {
        for _ in 0..workers {
            let (job_rx, done_tx, stop) = (&job_rx, done_tx.clone(), &stop);
            scope.spawn(move || {
                let mut output = RecordOutput::without_reconciliations();
                loop {
                    let job = job_rx.lock().unwrap_or_else(|e| e.into_inner()).recv();
                    let Ok((seq, records, mut lines)) = job else {
                        break;
                    };
                    if stop.load(Ordering::Relaxed) {
                        continue; // drain, so that the reader never waits on a full queue
                    }
                    lines.clear();
                    lines.reserve(records.len() * 12 * 1024);
                    let mut mapped = Mapped {
                        seq,
                        lines,
                        diagnostics: Vec::new(),
                    };
                    for (rec, loc) in records {
                        mapping.apply_into(&rec, &context(collection, loc), &mut output);
                        mapped
                            .diagnostics
                            .extend(output.diagnostics.iter().map(|d| d.to_string()));
                        let graph = if quads {
                            record_graph(mapping.base(), collection, &output.record_id)
                        } else {
                            None
                        };
                        let graph = match &graph {
                            Some(g) => GraphNameRef::NamedNode(g.as_ref()),
                            None => GraphNameRef::DefaultGraph,
                        };
                        for e in &output.triples {
                            ntriples::write_line(&mut mapped.lines, e.triple.as_ref(), graph);
                        }
                    }
                    if done_tx.send(mapped).is_err() {
                        stop.store(true, Ordering::Relaxed);
                    }
                }
            });
        }
        drop(done_tx);
        let stop = &stop;
        let writer = scope.spawn(move || -> io::Result<u64> {
            let result = (|| {
                let mut out = BufWriter::with_capacity(1 << 16, io::stdout().lock());
                let mut pending = BTreeMap::new();
                let (mut next, mut failures) = (0u64, 0u64);
                for m in done_rx {
                    pending.insert(m.seq, m);
                    while let Some(m) = pending.remove(&next) {
                        for d in &m.diagnostics {
                            eprintln!("{d}");
                        }
                        failures += m.diagnostics.len() as u64;
                        out.write_all(&m.lines)?;
                        let _ = token_tx.send(m.lines);
                        next += 1;
                    }
                }
                out.flush()?;
                Ok(failures)
            })();
            if result.is_err() {
                stop.store(true, Ordering::Relaxed);
            }
            result
        });
        let mut batch = Vec::with_capacity(BATCH);
        let mut seq = 0u64;
        let ok = read_inputs::<R>(inputs, &mut |rec, loc| {
            batch.push((rec, loc));
            if batch.len() == BATCH {
                let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                let Ok(lines) = token_rx.recv() else {
                    return false;
                };
                if job_tx.send((seq, full, lines)).is_err() {
                    return false;
                }
                seq += 1;
            }
            !stop.load(Ordering::Relaxed)
        });
        if !batch.is_empty() {
            if let Ok(lines) = token_rx.recv() {
                let _ = job_tx.send((seq, batch, lines));
            }
        }
        drop(job_tx);
        let rule_failures = writer.join().expect("the writer thread")?;
        if rule_failures > 0 {
            eprintln!("{rule_failures} rule failures (see above)");
        }
        ok
    })
}
