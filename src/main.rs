//! The `crosswalk` command-line tool.
//!
//! Exit status: 0 when everything was read; 1 when a record was rejected or a file could not be
//! read to its end; 2 on a usage error. `reconcile lookup`: 0 matched, 1 ambiguous or unmatched.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

mod cli;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use crosswalk::marc::{self, AnyReader, RecordBuf};
use crosswalk::sniff::Syntax;

/// Pool MARC 21, EAD and Dublin Core catalogues into one harmonised linked-data graph.
#[derive(Parser)]
#[command(name = "crosswalk", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// MARC 21 files: ISO 2709 (MARC-8 or UTF-8), MARCXML, MARC-in-JSON.
    Marc {
        #[command(subcommand)]
        command: MarcCommand,
    },
    /// EAD 2002 and EAD3 finding aids.
    Ead {
        #[command(subcommand)]
        command: EadCommand,
    },
    /// Dublin Core: OAI-PMH responses, simple and qualified DC.
    Dc {
        #[command(subcommand)]
        command: DcCommand,
    },
    /// Runs every collection of a configuration into the store: parse, crosswalk, reconcile,
    /// write, one named graph per record with its provenance; reruns skip unchanged records.
    ///
    /// Exit status: 0 all records written or unchanged; 1 some records quarantined or files
    /// unreadable (the rest is written); 2 configuration or crosswalk error; 3 stopped by
    /// `--max-errors`; 4 store or report failure.
    Run(cli::run::RunArgs),
    /// Streams RDF from records through a crosswalk, without any store.
    ///
    /// With `--to nq`, each source record's triples go in their own named graph. The input
    /// syntax is recognised from the content.
    Convert {
        /// The crosswalk (mapping file).
        #[arg(long)]
        mapping: PathBuf,
        /// Output syntax: nt, nq, ttl or jsonld.
        #[arg(long, default_value = "nt")]
        to: String,
        /// The collection id used in IRIs (`{collection}`).
        #[arg(long, default_value = "local")]
        collection: String,
        /// A reviewers' decisions file (TSV: heading, scheme, decision, iri), applied after the
        /// mapping's own (`[crosswalk] decisions`).
        #[arg(long)]
        decisions: Option<PathBuf>,
        /// Input files.
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
    },
    /// Crosswalk files: test their examples, explain a record, measure coverage, try a selector.
    Mapping {
        #[command(subcommand)]
        command: cli::mapping::MappingCommand,
    },
    /// Reconciliation against the shipped (and your own) SKOS vocabularies.
    Reconcile {
        #[command(subcommand)]
        command: cli::reconcile::ReconcileCommand,
    },
    /// Answers a SPARQL query from the store (read-only; the default graph is the union of all
    /// graphs).
    Query(cli::sparql::QueryArgs),
    /// Serves the store as a read-only SPARQL 1.1 Protocol endpoint at /sparql.
    Serve(cli::sparql::ServeArgs),
    /// Writes the whole store, one graph or one collection as RDF.
    Export(cli::sparql::ExportArgs),
    /// Loads N-Quads files into a store (for tests and fixtures).
    #[command(hide = true)]
    Load(cli::sparql::LoadArgs),
}

#[derive(Subcommand)]
enum MarcCommand {
    /// Reads files and counts records, repairs and rejections by kind.
    ///
    /// Exits with 1 if any record was rejected or a file could not be read to its end.
    Check {
        /// Reject every structural fault instead of repairing it.
        #[arg(long)]
        strict: bool,
        /// Print one JSON object per file (file, syntax, ok, records, rejected, repaired,
        /// diagnostics, errors).
        #[arg(long)]
        json: bool,
        /// Input syntax; recognised from the content when not given.
        #[arg(long, value_parser = parse_syntax)]
        from: Option<Syntax>,
        /// Print every diagnostic, located.
        #[arg(short, long)]
        verbose: bool,
        /// Input files.
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
    },
    /// Converts records to MARCXML, MARC-in-JSON or ISO 2709 (UTF-8).
    ///
    /// MARCXML gets one <collection> per input file, records in input order. Rejected records are
    /// reported on standard error and left out; the exit status is then 1.
    Convert {
        /// Output syntax.
        #[arg(long, value_enum)]
        to: OutputSyntax,
        /// Input syntax; recognised from the content when not given.
        #[arg(long, value_parser = parse_syntax)]
        from: Option<Syntax>,
        /// Reject every structural fault instead of repairing it.
        #[arg(long)]
        strict: bool,
        /// Output file (standard output when not given).
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Input files.
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
    },
}

#[derive(Subcommand)]
enum EadCommand {
    /// Reads finding aids and counts documents, components by level and diagnostics.
    Check {
        /// Print one JSON object per file.
        #[arg(long)]
        json: bool,
        /// Input files.
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
    },
    /// One line per component: path, level, unitid, title, date (tab-separated).
    Components {
        /// Input file.
        input: PathBuf,
    },
}

#[derive(Subcommand)]
enum DcCommand {
    /// Reads files and counts records, deleted records and diagnostics.
    Check {
        /// Print one JSON object per file.
        #[arg(long)]
        json: bool,
        /// Input files.
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum OutputSyntax {
    Marcxml,
    Json,
    Iso2709,
}

fn parse_syntax(s: &str) -> Result<Syntax, String> {
    Syntax::from_name(s).ok_or_else(|| format!("unknown syntax {s:?} (iso2709, marcxml, json)"))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Marc { command } => match command {
            MarcCommand::Check {
                strict,
                json,
                from,
                verbose,
                inputs,
            } => marc_check(&inputs, from, !strict, json, verbose),
            MarcCommand::Convert {
                to,
                from,
                strict,
                output,
                inputs,
            } => marc_convert(&inputs, from, !strict, to, output.as_deref()),
        },
        Command::Ead { command } => match command {
            EadCommand::Check { json, inputs } => ead_check(&inputs, json),
            EadCommand::Components { input } => ead_components(&input),
        },
        Command::Dc { command } => match command {
            DcCommand::Check { json, inputs } => dc_check(&inputs, json),
        },
        Command::Convert {
            mapping,
            to,
            collection,
            decisions,
            inputs,
        } => cli::mapping::convert(&mapping, &inputs, &to, &collection, decisions.as_deref()),
        Command::Mapping { command } => cli::mapping::run(command),
        Command::Run(args) => cli::run::run(args),
        Command::Reconcile { command } => cli::reconcile::run(command),
        Command::Query(args) => cli::sparql::query(args),
        Command::Serve(args) => cli::sparql::serve(args),
        Command::Export(args) => cli::sparql::export(args),
        Command::Load(args) => cli::sparql::load(args),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            // A closed pipe (`| head`) is not worth a message.
            if e.downcast_ref::<io::Error>()
                .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
            {
                return ExitCode::SUCCESS;
            }
            if let Some(cli::run::Exit(code)) = e.downcast_ref::<cli::run::Exit>() {
                return ExitCode::from(*code);
            }
            eprintln!("crosswalk: {e:#}");
            if e.downcast_ref::<cli::reconcile::UsageError>().is_some() {
                return ExitCode::from(2);
            }
            ExitCode::from(1)
        }
    }
}

fn print_counts(
    out: &mut (impl Write + ?Sized),
    label: &str,
    counts: &BTreeMap<String, u64>,
) -> io::Result<()> {
    if !counts.is_empty() {
        let list: Vec<String> = counts.iter().map(|(k, n)| format!("{k} {n}")).collect();
        writeln!(out, "  {label}: {}", list.join(", "))?;
    }
    Ok(())
}

/// `marc check`: returns whether every record of every file was usable.
fn marc_check(
    inputs: &[PathBuf],
    from: Option<Syntax>,
    lenient: bool,
    json: bool,
    verbose: bool,
) -> Result<bool> {
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut all_ok = true;
    let (mut records, mut rejected, mut repaired) = (0, 0, 0);
    for path in inputs {
        let mut failed = None;
        let check = marc::any::check_file_with(path, from, lenient, &mut |d| {
            if verbose && failed.is_none() {
                failed = writeln!(out, "{d}").err();
            }
        });
        if let Some(e) = failed {
            return Err(e.into());
        }
        all_ok &= check.ok && check.rejected == 0;
        records += check.records;
        rejected += check.rejected;
        repaired += check.repaired;
        if json {
            serde_json::to_writer(&mut out, &check)?;
            writeln!(out)?;
            continue;
        }
        writeln!(
            out,
            "{}: {}{} records, {} repaired, {} rejected{}",
            check.file,
            check
                .syntax
                .as_deref()
                .map(|s| format!("{s}, "))
                .unwrap_or_default(),
            check.records,
            check.repaired,
            check.rejected,
            not_read(check.ok)
        )?;
        print_counts(&mut out, "diagnostics", &check.diagnostics)?;
        for e in &check.errors {
            writeln!(out, "  error: {e}")?;
        }
    }
    if !json && inputs.len() > 1 {
        writeln!(
            out,
            "total: {} files, {records} records, {repaired} repaired, {rejected} rejected",
            inputs.len()
        )?;
    }
    out.flush()?;
    Ok(all_ok)
}

enum MarcWriter<W: Write> {
    Xml(marc::xml::Writer<W>),
    Json(marc::json::Writer<W>),
    Iso(marc::iso2709::Writer<W>),
}

/// `marc convert`: returns whether every record was converted.
fn marc_convert(
    inputs: &[PathBuf],
    from: Option<Syntax>,
    lenient: bool,
    to: OutputSyntax,
    output: Option<&Path>,
) -> Result<bool> {
    let sink: Box<dyn Write> = match output {
        Some(p) => Box::new(File::create(p).with_context(|| format!("creating {}", p.display()))?),
        None => Box::new(io::stdout().lock()),
    };
    let mut sink = Some(sink);
    let mut all_ok = true;
    let mut json_writer = None;
    let mut iso_writer = None;
    for path in inputs {
        let mut reader = AnyReader::open(path, from, lenient)
            .with_context(|| format!("reading {}", path.display()))?;
        // One <collection> per input file; JSON and ISO 2709 simply continue.
        let mut writer =
            match to {
                OutputSyntax::Marcxml => MarcWriter::Xml(marc::xml::Writer::new(
                    sink.take().expect("sink is returned after each file"),
                )),
                OutputSyntax::Json => MarcWriter::Json(json_writer.take().unwrap_or_else(|| {
                    marc::json::Writer::new(sink.take().expect("sink is present"))
                })),
                OutputSyntax::Iso2709 => MarcWriter::Iso(iso_writer.take().unwrap_or_else(|| {
                    marc::iso2709::Writer::new(sink.take().expect("sink is present"))
                })),
            };
        let mut rec = RecordBuf::new();
        loop {
            match reader.read_record(&mut rec) {
                Ok(true) => {
                    // An I/O error ends the run; a record the format cannot hold is reported.
                    let written = match &mut writer {
                        MarcWriter::Xml(w) => Ok(w.write_record(&rec)?),
                        MarcWriter::Json(w) => Ok(w.write_record(&rec)?),
                        MarcWriter::Iso(w) => match w.write_record(&rec) {
                            Err(marc::iso2709::Error::Io(e)) => return Err(e.into()),
                            other => other,
                        },
                    };
                    if let Err(e) = written {
                        all_ok = false;
                        eprintln!(
                            "{}: record {} ({}): not written: {e:#}",
                            path.display(),
                            rec.position().record,
                            rec.id().unwrap_or("no 001")
                        );
                    }
                }
                Ok(false) => break,
                Err(e) => {
                    all_ok = false;
                    eprintln!("{e}");
                    if e.fatal {
                        break;
                    }
                }
            }
        }
        match writer {
            MarcWriter::Xml(w) => sink = Some(w.finish()?),
            MarcWriter::Json(w) => json_writer = Some(w),
            MarcWriter::Iso(w) => iso_writer = Some(w),
        }
    }
    if let Some(w) = json_writer {
        w.finish()?.flush()?;
    }
    if let Some(mut w) = iso_writer {
        w.flush()?;
    }
    if let Some(mut s) = sink {
        s.flush()?;
    }
    Ok(all_ok)
}

/// Runs `check` over every input and prints one JSON object per file, or `human`'s lines;
/// returns whether every file was read to its end.
fn print_checks<C: serde::Serialize>(
    inputs: &[PathBuf],
    json: bool,
    check: impl Fn(&Path) -> C,
    ok: impl Fn(&C) -> bool,
    human: impl Fn(&mut dyn Write, &C) -> io::Result<()>,
) -> Result<bool> {
    let mut out = BufWriter::new(io::stdout().lock());
    let mut all_ok = true;
    for path in inputs {
        let c = check(path);
        all_ok &= ok(&c);
        if json {
            serde_json::to_writer(&mut out, &c)?;
            writeln!(out)?;
        } else {
            human(&mut out, &c)?;
        }
    }
    out.flush()?;
    Ok(all_ok)
}

fn not_read(ok: bool) -> &'static str {
    if ok {
        ""
    } else {
        "; NOT READ TO ITS END"
    }
}

fn ead_check(inputs: &[PathBuf], json: bool) -> Result<bool> {
    print_checks(
        inputs,
        json,
        |p| crosswalk::ead::check::check_file(p),
        |c| c.ok,
        |out, c| {
            writeln!(
                out,
                "{}: {} document(s), {} collection(s), {} components{}",
                c.file,
                c.documents,
                c.collections,
                c.components,
                not_read(c.ok)
            )?;
            print_counts(out, "levels", &c.levels)?;
            print_counts(out, "diagnostics", &c.diagnostics)?;
            if let Some(e) = &c.error {
                writeln!(out, "  error: {e}")?;
            }
            Ok(())
        },
    )
}

fn ead_components(input: &Path) -> Result<bool> {
    let file = File::open(input).with_context(|| format!("reading {}", input.display()))?;
    let reader = crosswalk::ead::Reader::new(io::BufReader::with_capacity(1 << 16, file))
        .source_name(input.display().to_string());
    let mut out = BufWriter::new(io::stdout().lock());
    let mut failed = None;
    let result = crosswalk::ead::check::component_lines(reader, |line| {
        if failed.is_none() {
            if let Err(e) = writeln!(out, "{line}") {
                failed = Some(e);
            }
        }
    });
    out.flush()?;
    if let Some(e) = failed {
        return Err(e.into());
    }
    if let Err(e) = result {
        bail!("{e}");
    }
    Ok(true)
}

fn dc_check(inputs: &[PathBuf], json: bool) -> Result<bool> {
    print_checks(
        inputs,
        json,
        crosswalk::dc::check::check_file,
        |c| c.ok,
        |out, c| {
            let verb = c
                .verb
                .as_deref()
                .map(|v| format!("{v}, "))
                .unwrap_or_default();
            writeln!(
                out,
                "{}: {verb}{} records, {} deleted{}",
                c.file,
                c.records,
                c.deleted,
                not_read(c.ok)
            )?;
            print_counts(out, "diagnostics", &c.diagnostics)?;
            if let Some(e) = &c.error {
                writeln!(out, "  error: {e}")?;
            }
            for e in &c.oai_errors {
                writeln!(out, "  OAI-PMH error: {e}")?;
            }
            Ok(())
        },
    )
}
