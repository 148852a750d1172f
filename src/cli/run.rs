//! `crosswalk run CONFIG`: every collection into the store (see `docs/run.md`).

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use crosswalk::run::{Pipeline, RunConfig, RunError, RunOptions};
use crosswalk::store::Store;

/// Arguments of `crosswalk run`.
#[derive(Args)]
pub struct RunArgs {
    /// The run configuration (TOML).
    pub config: PathBuf,
    /// The store folder, instead of the configuration's.
    #[arg(long)]
    pub store: Option<PathBuf>,
    /// Remove the graphs of records that are no longer in a collection's input.
    #[arg(long)]
    pub prune: bool,
    /// Stop the run when more than N records were rejected (exit status 3).
    #[arg(long, value_name = "N")]
    pub max_errors: Option<u64>,
    /// Only this collection (repeatable).
    #[arg(long = "collection", value_name = "ID")]
    pub collections: Vec<String>,
    /// Where `run-report.json`, `diagnostics.csv` and quarantine files go, instead of the
    /// configuration's `reports` folder.
    #[arg(long, value_name = "DIR")]
    pub reports: Option<PathBuf>,
    /// No progress bars.
    #[arg(long, short)]
    pub quiet: bool,
    /// New records per store commit: the most a killed run has to redo.
    #[arg(long, default_value_t = 50_000, hide = true)]
    pub records_per_commit: usize,
}

/// The exit status a run asks for, after it has printed what happened.
#[derive(Debug, thiserror::Error)]
#[error("exit status {0}")]
pub struct Exit(pub u8);

/// Runs the configuration.
pub fn run(args: RunArgs) -> Result<bool> {
    let config = match RunConfig::load(&args.config) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("crosswalk: {e}");
            return Err(Exit(2).into());
        }
    };
    let pipeline = match &args.store {
        Some(dir) => Store::open(dir)
            .map_err(RunError::from)
            .and_then(|s| Pipeline::with_store(config, s)),
        None => Pipeline::new(config),
    };
    let mut pipeline = match pipeline {
        Ok(p) => p,
        Err(e) => {
            eprintln!("crosswalk: {e}");
            return Err(Exit(if matches!(e, RunError::Store(_)) {
                4
            } else {
                2
            })
            .into());
        }
    };
    let options = RunOptions {
        prune: args.prune,
        max_errors: args.max_errors,
        progress: !args.quiet && std::io::stderr().is_terminal(),
        collections: args.collections,
        reports: args.reports,
        records_per_commit: args.records_per_commit,
    };
    match pipeline.run(&options) {
        Ok(summary) => {
            eprintln!("{}", summary.to_text());
            eprintln!(
                "reports: {}",
                options
                    .reports
                    .unwrap_or_else(|| pipeline.config().reports.clone())
                    .display()
            );
            match summary.exit_code() {
                0 => Ok(true),
                code => Err(Exit(code).into()),
            }
        }
        Err(e) => {
            eprintln!("crosswalk: {e}");
            Err(Exit(match e {
                RunError::Store(_) => 4,
                RunError::Report { .. } => 4,
                _ => 2,
            })
            .into())
        }
    }
}
