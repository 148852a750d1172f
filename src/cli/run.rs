//! `crosswalk run CONFIG`: every collection into the store (see `docs/run.md`).

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use crosswalk::run::{ConfigError, Pipeline, RunConfig, RunError, RunOptions, StoreTarget};
use crosswalk::store::remote::{RemoteConfig, RemoteError};
use crosswalk::store::{Store, StoreError};

/// Arguments of `crosswalk run`.
#[derive(Args)]
pub struct RunArgs {
    /// The run configuration (TOML).
    pub config: PathBuf,
    /// The store folder, instead of the configuration's.
    #[arg(long, conflicts_with = "remote")]
    pub store: Option<PathBuf>,
    /// Write into this remote SPARQL 1.1 Graph Store endpoint instead of the configuration's
    /// store; credentials from CROSSWALK_REMOTE_USER and CROSSWALK_REMOTE_PASSWORD
    /// (docs/remote-store.md).
    #[arg(long, value_name = "GRAPH_STORE_URL")]
    pub remote: Option<String>,
    /// The remote store's SPARQL query endpoint (with --remote; default: the configuration's).
    #[arg(long, value_name = "SPARQL_URL", requires = "remote")]
    pub remote_query: Option<String>,
    /// The remote store's SPARQL update endpoint: one request per batch of records instead of a
    /// Graph Store PUT per graph.
    #[arg(long, value_name = "SPARQL_URL", requires = "remote")]
    pub remote_update: Option<String>,
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
    /// Only shard I of N (1 ≤ I ≤ N): the records whose graph IRI hashes to I, so that N
    /// machines (array jobs) write disjoint graph sets into one store; stable across runs.
    #[arg(long, value_name = "I/N", value_parser = parse_shard)]
    pub shard: Option<(u64, u64)>,
    /// Print how many records of each collection fall into each shard (N from `--shard I/N`,
    /// else `--shards`), and write nothing.
    #[arg(long)]
    pub plan: bool,
    /// The number of shards `--plan` divides into when `--shard` is not given.
    #[arg(long, default_value_t = 4, value_name = "N")]
    pub shards: u64,
    /// New records per store commit: the most a killed run has to redo. Fewer commits load
    /// faster (each one makes RocksDB compact what is already stored).
    #[arg(long, default_value_t = crosswalk::store::DEFAULT_RECORDS_PER_COMMIT, value_name = "N")]
    pub records_per_commit: usize,
}

/// The exit status a run asks for, after it has printed what happened.
#[derive(Debug, thiserror::Error)]
#[error("exit status {0}")]
pub struct Exit(pub u8);

/// `I/N` with 1 ≤ I ≤ N, as 0-based (I - 1, N).
fn parse_shard(s: &str) -> Result<(u64, u64), String> {
    let (i, n) = s
        .split_once('/')
        .ok_or_else(|| format!("{s:?}: write the shard as I/N, e.g. 2/4"))?;
    let i: u64 = i
        .trim()
        .parse()
        .map_err(|_| format!("{s:?}: I is not a number"))?;
    let n: u64 = n
        .trim()
        .parse()
        .map_err(|_| format!("{s:?}: N is not a number"))?;
    if n == 0 || i == 0 || i > n {
        return Err(format!("{s:?}: I must be between 1 and N"));
    }
    Ok((i - 1, n))
}

/// Points the configuration at `--remote` when given.
fn remote(mut config: RunConfig, args: &RunArgs) -> Result<RunConfig, ConfigError> {
    let Some(url) = &args.remote else {
        return Ok(config);
    };
    let old = match &config.store {
        StoreTarget::Remote(r) => Some(r.clone()),
        _ => None,
    };
    let query = args
        .remote_query
        .clone()
        .or_else(|| old.as_ref().map(|r| r.query.clone()))
        .or_else(|| args.remote_update.clone())
        .ok_or_else(|| ConfigError {
            file: config.path.clone(),
            line: 0,
            column: 0,
            message: "--remote needs --remote-query SPARQL_URL (the configuration names no \
                      remote query endpoint)"
                .into(),
        })?;
    let mut r = RemoteConfig::new(url.clone(), query);
    if let Some(old) = old {
        r = RemoteConfig {
            graph_store: r.graph_store,
            query: r.query,
            ..old
        };
    }
    if args.remote_update.is_some() {
        r.update = args.remote_update.clone();
    }
    config.store = StoreTarget::Remote(r);
    Ok(config)
}

/// Runs the configuration.
pub fn run(args: RunArgs) -> Result<bool> {
    let config = match RunConfig::load(&args.config).and_then(|c| remote(c, &args)) {
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
    if args.plan {
        let n = args.shard.map_or(args.shards.max(1), |(_, n)| n);
        let plan = pipeline.plan(n).map_err(|e| {
            eprintln!("crosswalk: {e}");
            Exit(2)
        })?;
        let mut line = format!("{:<24}", "collection");
        for i in 1..=n {
            line.push_str(&format!(" {:>9}", format!("{i}/{n}")));
        }
        println!("{line}");
        for (id, sizes) in plan {
            let mut line = format!("{id:<24}");
            for s in sizes {
                line.push_str(&format!(" {s:>9}"));
            }
            println!("{line}");
        }
        return Ok(true);
    }
    let options = RunOptions {
        prune: args.prune,
        max_errors: args.max_errors,
        progress: !args.quiet && std::io::stderr().is_terminal(),
        collections: args.collections,
        reports: args.reports,
        records_per_commit: args.records_per_commit,
        shard: args.shard,
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
            if let RunError::Store(StoreError::Remote(RemoteError::NotWritten { graphs, .. })) = &e
            {
                let dir = options
                    .reports
                    .clone()
                    .unwrap_or_else(|| pipeline.config().reports.clone());
                let file = dir.join("not-written.txt");
                let text: String = graphs.iter().map(|g| format!("{g}\n")).collect();
                match std::fs::create_dir_all(&dir).and_then(|_| std::fs::write(&file, text)) {
                    Ok(()) => eprintln!(
                        "crosswalk: the record graphs not written are listed in {}",
                        file.display()
                    ),
                    Err(w) => eprintln!("crosswalk: writing {}: {w}", file.display()),
                }
            }
            Err(Exit(match e {
                RunError::Store(_) => 4,
                RunError::Report { .. } => 4,
                _ => 2,
            })
            .into())
        }
    }
}
