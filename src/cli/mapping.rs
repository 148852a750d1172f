//! `crosswalk convert --mapping` and `crosswalk mapping test|explain|coverage|select`.

use std::cell::RefCell;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::Subcommand;
use crosswalk::crosswalk::ntriples::Lines;
use crosswalk::crosswalk::{
    record_graph, AnyMapping, Coverage, Item, Mapping, RecordContext, RecordOutput, Source,
};
use crosswalk::diagnostic::Location;
use crosswalk::run::parallel::map_in_order;
use crosswalk::select::Scope;
use crosswalk::{dc, ead, marc};
use oxrdf::{GraphName, Quad};
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
    read_inputs_reusing(inputs, &mut || None, each)
}

/// [`read_inputs`], reading records into those `spare` hands back ([`Source::read_all_reusing`]).
fn read_inputs_reusing<R: Source>(
    inputs: &[PathBuf],
    spare: &mut dyn FnMut() -> Option<R>,
    each: &mut dyn FnMut(R, Location) -> bool,
) -> Result<bool> {
    let mut ok = true;
    for path in inputs {
        let file = File::open(path).with_context(|| format!("reading {}", path.display()))?;
        let mut go_on = true;
        R::read_all_reusing(
            BufReader::with_capacity(1 << 16, file),
            &path.display().to_string(),
            spare,
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

/// A batch of records, and the buffer its lines go into.
type Batch<R> = (Vec<(R, Location)>, Vec<u8>);

/// `convert` to N-Triples or N-Quads: a reader thread hands batches of records to one mapping
/// thread per core, which write their lines into a buffer per batch; this thread writes the
/// batches in input order ([`map_in_order`]), so the output is the same as one thread's.
fn convert_lines<R: Source + Send>(
    mapping: &Mapping<R>,
    inputs: &[PathBuf],
    quads: bool,
    collection: &str,
) -> Result<bool> {
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
    // Batches go back to the reader once written, their records and line buffer with them: the
    // next records are read into the used ones and the next lines written into the buffer, so
    // that their allocations are reused (not freed by one thread and made afresh by another, on
    // fresh pages). As many exist as batches are on their way (`map_in_order` bounds those).
    let (recycle_tx, recycle_rx) = std::sync::mpsc::channel::<Batch<R>>();
    let mut out = BufWriter::with_capacity(1 << 16, io::stdout().lock());
    let (mut failures, mut written) = (0u64, Ok(()));
    let ok = map_in_order(
        workers,
        move |emit: &mut dyn FnMut(Batch<R>) -> bool| {
            let spares = RefCell::new(Vec::new());
            let next_batch = || match recycle_rx.try_recv() {
                Ok((mut used, lines)) => {
                    spares
                        .borrow_mut()
                        .extend(used.drain(..).map(|(rec, _)| rec));
                    (used, lines)
                }
                Err(_) => (Vec::with_capacity(BATCH), Vec::new()),
            };
            let (mut batch, mut lines) = next_batch();
            let ok = read_inputs_reusing::<R>(
                inputs,
                &mut || spares.borrow_mut().pop(),
                &mut |rec, loc| {
                    batch.push((rec, loc));
                    if batch.len() < BATCH {
                        return true;
                    }
                    let (next, next_lines) = next_batch();
                    let full = std::mem::replace(&mut batch, next);
                    emit((full, std::mem::replace(&mut lines, next_lines)))
                },
            );
            if !batch.is_empty() {
                emit((batch, lines));
            }
            ok
        },
        RecordOutput::without_reconciliations,
        |output, (mut records, mut lines): Batch<R>| {
            lines.clear();
            // About a record's lines (10 kB of N-Triples from gen100k's records, 14 kB of
            // N-Quads), so that a batch's buffer seldom doubles.
            lines.reserve(records.len() * if quads { 16 } else { 12 } * 1024);
            let mut sink = if quads {
                Lines::quads(lines, mapping.base(), collection)
            } else {
                Lines::triples(lines)
            };
            let mut diagnostics = Vec::new();
            for (rec, loc) in &mut records {
                let ctx = context(collection, std::mem::take(loc));
                mapping.apply_with(rec, &ctx, output, &mut sink);
                diagnostics.extend(output.diagnostics.iter().map(|d| d.to_string()));
            }
            (records, sink.buf, diagnostics)
        },
        |(records, lines, diagnostics)| {
            for d in &diagnostics {
                eprintln!("{d}");
            }
            failures += diagnostics.len() as u64;
            written = out.write_all(&lines);
            let _ = recycle_tx.send((records, lines));
            written.is_ok()
        },
    );
    written?;
    out.flush()?;
    if failures > 0 {
        eprintln!("{failures} rule failures (see above)");
    }
    ok
}
