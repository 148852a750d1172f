//! Batch runs: every collection of a [`RunConfig`] through its crosswalk and the shared
//! vocabularies into the store, one named graph per source record with its provenance.
//!
//! A [`Pipeline`] reads each collection's files, streaming; a worker thread parses, checksums,
//! skips unchanged records, maps the rest and builds their quads while the calling thread writes
//! them through the store's [`crate::store::RecordWriter`] (embedded: bulk loader for new
//! records, transactions for replaced ones; remote: batched SPARQL Update or Graph Store requests). Every input record is accounted for: written, unchanged, or quarantined with its
//! diagnostic ([`report`]).
//!
//! ```no_run
//! use crosswalk::run::{Pipeline, RunConfig, RunOptions};
//!
//! let config = RunConfig::load("examples/consortium.toml")?;
//! let mut pipeline = Pipeline::new(config)?;
//! let summary = pipeline.run(&RunOptions::default())?;
//! println!("{} records written", summary.total().written);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod config;
pub mod parallel;
pub mod report;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::File;
use std::hash::{Hash, Hasher};
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

use oxrdf::vocab::{rdf, xsd};
use oxrdf::{GraphName, Literal, NamedNode, NamedNodeRef, NamedOrBlankNode, Quad, Term};
use sha2::{Digest, Sha256};

pub use config::{Collection, ConfigError, Institution, RunConfig, StoreTarget};
pub use report::{CollectionSummary, RunSummary};

use crate::crosswalk::{
    load_vocabulary_set, record_graph, AnyMapping, Decisions, Item, Mapping, MappingError,
    RecordContext, RecordOutput, Source,
};
use crate::diagnostic::{Diagnostic, Location, Severity};
use crate::store::remote::RemoteStore;
use crate::store::{RecordGraphs, RecordState, RecordStore, RecordWriter, Store, StoreError};
use crate::vocab::{cw, dcmitype, dcterms, foaf, ns, prov};
use crate::{dc, ead, marc};

/// A run could not start or could not go on.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The configuration is wrong.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// A crosswalk (or its vocabularies) could not be loaded.
    #[error("collection {collection:?}: {source}")]
    Mapping {
        /// The collection.
        collection: String,
        /// Why.
        source: MappingError,
    },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Writing a report failed.
    #[error("writing {}: {source}", .path.display())]
    Report {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// No collection has this id.
    #[error("no collection {0:?} in the configuration")]
    UnknownCollection(String),
}

/// How a run goes.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Remove the graphs of records no longer in a collection's input.
    pub prune: bool,
    /// Stop when more records than this were rejected (the input is clearly wrong).
    pub max_errors: Option<u64>,
    /// Show progress bars (on a terminal).
    pub progress: bool,
    /// Only these collections (all when empty).
    pub collections: Vec<String>,
    /// Where reports go instead of the configuration's folder.
    pub reports: Option<PathBuf>,
    /// New records per bulk-loader commit (the most a killed run loses).
    pub records_per_commit: usize,
    /// Only the records of this shard: `Some((i, n))` takes the records whose graph IRI hashes
    /// to `i` of `n` (0-based `i`), so that `n` machines write disjoint graph sets. Prune then
    /// removes only this shard's graphs.
    pub shard: Option<(u64, u64)>,
}

impl Default for RunOptions {
    fn default() -> Self {
        Self {
            prune: false,
            max_errors: None,
            progress: false,
            collections: Vec::new(),
            reports: None,
            records_per_commit: crate::store::DEFAULT_RECORDS_PER_COMMIT,
            shard: None,
        }
    }
}

/// A loaded configuration: its store, crosswalks and vocabularies, ready to run.
pub struct Pipeline {
    config: RunConfig,
    store: Box<dyn RecordStore>,
    mappings: Vec<Arc<AnyMapping>>,
    /// Per collection: what its output depends on besides its records.
    fingerprints: Vec<String>,
    crosswalk_nodes: Vec<NamedNode>,
    vocabularies: Vec<(PathBuf, NamedNode)>,
    run: NamedNode,
    started: oxsdatatypes::DateTime,
    run_described: std::cell::Cell<bool>,
}

impl std::fmt::Debug for Pipeline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pipeline")
            .field("config", &self.config.path)
            .field("store", &self.store)
            .field("run", &self.run.as_str())
            .finish()
    }
}

/// The tool and version written into provenance.
pub const TOOL: &str = concat!("crosswalk ", env!("CARGO_PKG_VERSION"));

impl Pipeline {
    /// Opens the configuration's store and loads its crosswalks and vocabularies.
    pub fn new(config: RunConfig) -> Result<Self, RunError> {
        let store: Box<dyn RecordStore> = match &config.store {
            StoreTarget::Disk(p) => Box::new(Store::open(p)?),
            StoreTarget::Memory => Box::new(Store::memory()?),
            StoreTarget::Remote(r) => Box::new(RemoteStore::new(r.clone())),
        };
        Self::with_boxed_store(config, store)
    }

    /// Like [`Pipeline::new`], into the store given (whatever the configuration says).
    pub fn with_store(
        config: RunConfig,
        store: impl RecordStore + 'static,
    ) -> Result<Self, RunError> {
        Self::with_boxed_store(config, Box::new(store))
    }

    fn with_boxed_store(config: RunConfig, store: Box<dyn RecordStore>) -> Result<Self, RunError> {
        let paths: Vec<&Path> = config
            .collections
            .iter()
            .map(|c| c.crosswalk.as_path())
            .collect();
        let (index, vocab_files) =
            load_vocabulary_set(&paths, &config.vocabularies).map_err(|source| {
                RunError::Mapping {
                    collection: config
                        .collections
                        .first()
                        .map(|c| c.id.clone())
                        .unwrap_or_default(),
                    source,
                }
            })?;
        let base = config.base.clone();
        let mut vocabularies = Vec::new();
        for f in &vocab_files {
            let hash = file_hash(f).map_err(|source| RunError::Report {
                path: f.clone(),
                source,
            })?;
            let stem = f
                .file_stem()
                .map(|s| s.to_string_lossy())
                .unwrap_or_default();
            vocabularies.push((f.clone(), iri(&base, &["vocabulary", &stem, &hash[..16]])));
        }
        let mut mappings = Vec::new();
        let mut fingerprints = Vec::new();
        let mut crosswalk_nodes = Vec::new();
        let mut loaded: BTreeMap<(PathBuf, Option<PathBuf>), Arc<AnyMapping>> = BTreeMap::new();
        for c in &config.collections {
            let key = (c.crosswalk.clone(), c.decisions.clone());
            let mapping = match loaded.get(&key) {
                Some(m) => m.clone(),
                None => {
                    let err = |source| RunError::Mapping {
                        collection: c.id.clone(),
                        source,
                    };
                    let mut m = match &index {
                        Some(i) => AnyMapping::load_with(&c.crosswalk, i),
                        None => AnyMapping::load(&c.crosswalk),
                    }
                    .map_err(err)?;
                    if let Some(d) = &c.decisions {
                        m.add_decisions(Decisions::load(d).map_err(|e| RunError::Mapping {
                            collection: c.id.clone(),
                            source: MappingError {
                                file: d.clone(),
                                line: 0,
                                column: 0,
                                message: e.to_string(),
                            },
                        })?);
                    }
                    let m = Arc::new(m);
                    loaded.insert(key, m.clone());
                    m
                }
            };
            if mapping.format() != c.format {
                return Err(RunError::Mapping {
                    collection: c.id.clone(),
                    source: MappingError {
                        file: c.crosswalk.clone(),
                        line: 0,
                        column: 0,
                        message: format!(
                            "the crosswalk is for {} records, the collection says format = {:?}",
                            mapping.format(),
                            c.format
                        ),
                    },
                });
            }
            let hash = mapping_hash(&mapping);
            let mut fp = Sha256::new();
            for part in [
                TOOL,
                &config.base,
                &c.id,
                &c.institution,
                c.rights.as_deref().unwrap_or(""),
                c.license.as_deref().unwrap_or(""),
                c.language.as_deref().unwrap_or(""),
                &hash,
            ] {
                fp.update(part.as_bytes());
                fp.update([0x1f]);
            }
            for (_, v) in &vocabularies {
                fp.update(v.as_str().as_bytes());
            }
            if let Some(d) = &c.decisions {
                fp.update(file_hash(d).unwrap_or_default().as_bytes());
            }
            fingerprints.push(hex(&fp.finalize())[..16].to_string());
            crosswalk_nodes.push(iri(&base, &["crosswalk", mapping.name(), &hash]));
            mappings.push(mapping);
        }
        let started = oxsdatatypes::DateTime::now();
        let run_id = run_id(&started);
        Ok(Self {
            run: iri(&base, &["run", &run_id]),
            config,
            store,
            mappings,
            fingerprints,
            crosswalk_nodes,
            vocabularies,
            started,
            run_described: std::cell::Cell::new(false),
        })
    }

    /// The store (embedded or remote; [`RecordStore::embedded`] gives the oxigraph one).
    pub fn store(&self) -> &dyn RecordStore {
        &*self.store
    }

    /// The configuration.
    pub fn config(&self) -> &RunConfig {
        &self.config
    }

    /// This run's IRI (`{base}run/{time}-{process}`).
    pub fn run_iri(&self) -> &NamedNode {
        &self.run
    }

    /// The IRI of collection `id`.
    pub fn collection_iri(&self, id: &str) -> NamedNode {
        iri(&self.config.base, &["collection", id])
    }

    /// The graph describing the consortium: institutions, collections, crosswalks, vocabularies.
    pub fn consortium_graph(&self) -> NamedNode {
        iri(&self.config.base, &["graph", "consortium"])
    }

    /// The graph describing runs.
    pub fn runs_graph(&self) -> NamedNode {
        iri(&self.config.base, &["graph", "runs"])
    }

    /// The provenance graph of a record.
    pub fn provenance_graph(&self, collection: &str, record_id: &str) -> Option<NamedNode> {
        let g = record_graph(&self.config.base, collection, record_id)?;
        Some(beside(&self.config.base, &g, "provenance"))
    }

    /// Runs every collection (or those `options` names), writes the reports, and returns the
    /// summary. Rejected records do not make it fail; only configuration, store and report
    /// failures do.
    pub fn run(&mut self, options: &RunOptions) -> Result<RunSummary, RunError> {
        for id in &options.collections {
            if self.config.collection(id).is_none() {
                return Err(RunError::UnknownCollection(id.clone()));
            }
        }
        // Each call is a run of its own: its own IRI and time.
        self.started = oxsdatatypes::DateTime::now();
        self.run = iri(&self.config.base, &["run", &run_id(&self.started)]);
        self.run_described.set(false);
        let reports_dir = options
            .reports
            .clone()
            .unwrap_or_else(|| self.config.reports.clone());
        let mut reports = report::Reports::create(&reports_dir)?;
        let clock = Instant::now();
        self.describe_consortium()?;
        let mut summary = RunSummary {
            run: self.run.as_str().to_string(),
            started: self.started.to_string(),
            store: self.config.store.to_string(),
            ..RunSummary::default()
        };
        let mut errors = 0u64;
        for i in 0..self.config.collections.len() {
            let c = self.config.collections[i].clone();
            if !options.collections.is_empty() && !options.collections.contains(&c.id) {
                continue;
            }
            let files = self.config.files(&c)?;
            let mapping = self.mappings[i].clone();
            let mut cs = match &*mapping {
                AnyMapping::Marc(_) => self.collection::<marc::RecordBuf>(
                    i,
                    &files,
                    options,
                    &mut reports,
                    &mut errors,
                )?,
                AnyMapping::Ead(_) => self.collection::<ead::Component>(
                    i,
                    &files,
                    options,
                    &mut reports,
                    &mut errors,
                )?,
                AnyMapping::Dc(_) => {
                    self.collection::<dc::Record>(i, &files, options, &mut reports, &mut errors)?
                }
            };
            cs.id = c.id.clone();
            cs.institution = c.institution.clone();
            summary.collections.push(cs);
            if summary.aborted.is_some() || options.max_errors.is_some_and(|m| errors > m) {
                summary.aborted = Some(format!(
                    "more than {} records rejected (--max-errors): the input looks wrong",
                    options.max_errors.unwrap_or(0)
                ));
                break;
            }
        }
        summary.seconds = clock.elapsed().as_secs_f64();
        if self.run_described.get() {
            self.describe_run(&summary, true)?;
        }
        summary.changed = self.run_described.get();
        reports.finish(&summary)?;
        Ok(summary)
    }

    /// How the records of each collection fall into `n` shards (see [`RunOptions::shard`]):
    /// per collection, the number of records of each shard. Reads every record; maps none.
    pub fn plan(&self, n: u64) -> Result<Vec<(String, Vec<u64>)>, RunError> {
        let mut out = Vec::new();
        for (i, c) in self.config.collections.iter().enumerate() {
            let files = self.config.files(c)?;
            let sizes = match &*self.mappings[i] {
                AnyMapping::Marc(_) => {
                    plan_files::<marc::RecordBuf>(&self.config.base, c, &files, n)
                }
                AnyMapping::Ead(_) => plan_files::<ead::Component>(&self.config.base, c, &files, n),
                AnyMapping::Dc(_) => plan_files::<dc::Record>(&self.config.base, c, &files, n),
            };
            out.push((c.id.clone(), sizes));
        }
        Ok(out)
    }

    /// Maps and writes records a Rust service hands over (not read from files) into collection
    /// `collection`, as a run would: unchanged ones skipped, changed ones replaced. Each item is a
    /// record and where it came from (its `file` may be a stream name).
    pub fn write_records<R: Source>(
        &mut self,
        collection: &str,
        records: impl IntoIterator<Item = (R, Location)>,
    ) -> Result<CollectionSummary, RunError> {
        let i = self
            .config
            .collections
            .iter()
            .position(|c| c.id == collection)
            .ok_or_else(|| RunError::UnknownCollection(collection.to_string()))?;
        let mapping = self.mappings[i].clone();
        let Some(m) = R::mapping_of(&mapping) else {
            return Err(RunError::Mapping {
                collection: collection.to_string(),
                source: MappingError {
                    file: self.config.collections[i].crosswalk.clone(),
                    line: 0,
                    column: 0,
                    message: format!("the crosswalk is for {} records", mapping.format()),
                },
            });
        };
        self.describe_consortium()?;
        let ctx = self.record_maker(i, m, false, None);
        let mut writer = self.store.record_writer(50_000);
        let mut cs = CollectionSummary {
            id: collection.to_string(),
            institution: self.config.collections[i].institution.clone(),
            ..CollectionSummary::default()
        };
        let mut seen = HashSet::new();
        for (rec, loc) in records {
            cs.read += 1;
            let made = match ctx.admit(rec, loc, &mut seen) {
                Admission::Make(admitted) => ctx.make(admitted),
                Admission::Made(made) => made,
            };
            match made {
                Made::Unchanged | Made::OtherShard => cs.unchanged += 1,
                Made::Delete(..) | Made::AlreadyGone => {}
                Made::Rejected(d, _) => {
                    cs.quarantined += 1;
                    *cs.diagnostics.entry(d.kind.to_string()).or_default() += 1;
                }
                Made::Write { graphs, new, .. } => {
                    if !self.run_described.get() {
                        self.describe_run(&RunSummary::default(), false)?;
                    }
                    cs.written += 1;
                    if new {
                        writer.insert_new(graphs)?;
                    } else {
                        writer.replace(graphs)?;
                    }
                }
            }
        }
        writer.finish()?;
        Ok(cs)
    }

    fn record_maker<'a, R: Source>(
        &'a self,
        i: usize,
        mapping: &'a Mapping<R>,
        store_empty: bool,
        shard: Option<(u64, u64)>,
    ) -> RecordMaker<'a, R> {
        let c = &self.config.collections[i];
        let base = &self.config.base;
        RecordMaker {
            mapping,
            store: &*self.store,
            states: None,
            store_empty,
            shard,
            collection: c,
            base,
            collection_iri: self.collection_iri(&c.id),
            institution_iri: iri(base, &["institution", &c.institution]),
            crosswalk: self.crosswalk_nodes[i].clone(),
            fingerprint: self.fingerprints[i].clone(),
            run: self.run.clone(),
            time: Literal::new_typed_literal(self.started.to_string(), xsd::DATE_TIME),
            rights: c.rights.as_deref().and_then(|r| NamedNode::new(r).ok()),
            language: c.language.as_deref().and_then(|l| {
                if l.contains(':') {
                    NamedNode::new(l).ok()
                } else {
                    NamedNode::new(format!("{}{l}", ns::ISO639_2)).ok()
                }
            }),
            config_dir: self.config.dir().to_path_buf(),
        }
    }

    fn collection<R: Source + Send + 'static>(
        &self,
        i: usize,
        files: &[PathBuf],
        options: &RunOptions,
        reports: &mut report::Reports,
        errors: &mut u64,
    ) -> Result<CollectionSummary, RunError> {
        let mapping = self.mappings[i].clone();
        let m = R::mapping_of(&mapping).expect("the collection's mapping is for R");
        let store_empty = self.store.is_empty()?;
        let c = self.config.collections[i].clone();
        let total_bytes: u64 = files
            .iter()
            .map(|f| std::fs::metadata(f).map(|m| m.len()).unwrap_or(0))
            .sum();
        let progress = report::Progress::new(options.progress, &c.id, total_bytes);
        let mut cs = CollectionSummary::default();
        let abort = AtomicBool::new(false);
        let mut failed_files = 0u64;
        let mut maker = self.record_maker(i, m, store_empty, options.shard);
        if !store_empty {
            let shard = options.shard;
            maker.states = self
                .store
                .collection_states(self.collection_iri(&c.id).as_ref(), &|g: &str| {
                    shard.is_none_or(|(i, n)| shard_of(g, n) == i)
                })?;
        }
        let mut writer = self.store.record_writer(options.records_per_commit);
        let mut out: Result<(), RunError> = Ok(());
        let workers = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
        let (abort, maker) = (&abort, &maker);
        // This thread writes; a reader thread admits records in input order (ids, duplicates,
        // shards) and one thread per core checksums, looks up and maps them.
        let seen = parallel::map_in_order(
            workers,
            |emit: &mut dyn FnMut(Vec<Pending<R>>) -> bool| {
                let mut seen = HashSet::new();
                let mut batch = Vec::with_capacity(BATCH);
                let mut done_bytes = 0u64;
                for path in files {
                    if abort.load(Ordering::Relaxed) {
                        break;
                    }
                    let name = path.display().to_string();
                    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
                    let file = match File::open(path) {
                        Ok(f) => f,
                        Err(e) => {
                            batch.push(Pending::Ready(Msg::FileFailed(Diagnostic {
                                severity: Severity::Error,
                                kind: "io",
                                location: Location {
                                    file: Some(name.as_str().into()),
                                    ..Location::default()
                                },
                                message: format!("cannot read: {e}"),
                            })));
                            continue;
                        }
                    };
                    R::read_all(
                        BufReader::with_capacity(1 << 16, file),
                        &name,
                        &mut |item| {
                            batch.push(match item {
                                Item::Record(rec, loc) => {
                                    let at = done_bytes + loc.position.byte;
                                    match maker.admit(rec, loc, &mut seen) {
                                        Admission::Make(admitted) => {
                                            Pending::Admitted(admitted, at)
                                        }
                                        Admission::Made(made) => {
                                            Pending::Ready(Msg::Made(made, at))
                                        }
                                    }
                                }
                                Item::Deleted(id, loc) => {
                                    let at = loc.position.byte;
                                    let made = maker.deleted(&id, &mut seen);
                                    Pending::Ready(Msg::Made(made, done_bytes + at))
                                }
                                Item::Problem {
                                    message,
                                    kind,
                                    location,
                                    fatal,
                                    raw,
                                } => {
                                    let message = strip_location(&message, &location);
                                    let d = Diagnostic {
                                        severity: Severity::Error,
                                        kind,
                                        location,
                                        message,
                                    };
                                    Pending::Ready(if fatal && raw.is_empty() {
                                        Msg::FileFailed(d)
                                    } else {
                                        Msg::Made(Made::Rejected(d, raw), 0)
                                    })
                                }
                            });
                            if batch.len() >= BATCH {
                                let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                                if !emit(full) {
                                    return false;
                                }
                            }
                            !abort.load(Ordering::Relaxed)
                        },
                    );
                    done_bytes += size;
                }
                if !batch.is_empty() {
                    emit(batch);
                }
                seen
            },
            || (),
            |_, batch: Vec<Pending<R>>| {
                batch
                    .into_iter()
                    .map(|p| match p {
                        Pending::Ready(msg) => msg,
                        Pending::Admitted(a, at) => Msg::Made(maker.make(a), at),
                    })
                    .collect::<Vec<Msg>>()
            },
            |batch| {
                for msg in batch {
                    let step = self.take(
                        msg,
                        &mut *writer,
                        &mut cs,
                        reports,
                        &progress,
                        &mut failed_files,
                        errors,
                        &c,
                    );
                    if let Err(e) = step {
                        out = Err(e);
                        abort.store(true, Ordering::Relaxed);
                        return false;
                    }
                    if options.max_errors.is_some_and(|m| *errors > m) {
                        abort.store(true, Ordering::Relaxed);
                    }
                }
                true
            },
        );
        out?;
        writer.finish()?;
        let aborted = abort.load(Ordering::Relaxed);
        if options.prune && !aborted {
            if failed_files > 0 {
                cs.notes.push(format!(
                    "not pruned: {failed_files} file(s) could not be read to their end"
                ));
            } else {
                let mut writer = self.store.record_writer(50_000);
                for (g, p) in self
                    .store
                    .collection_graphs(self.collection_iri(&c.id).as_ref())?
                {
                    let mine = options
                        .shard
                        .is_none_or(|(i, n)| shard_of(g.as_str(), n) == i);
                    if mine && !seen.contains(&key(g.as_str())) {
                        writer.remove(g, p)?;
                        cs.removed += 1;
                    }
                }
                if cs.removed > 0 && !self.run_described.get() {
                    self.describe_run(&RunSummary::default(), false)?;
                }
                writer.finish()?;
            }
        }
        progress.finish(&cs);
        Ok(cs)
    }

    /// Handles one message of the worker on the writing side.
    #[allow(clippy::too_many_arguments)]
    fn take(
        &self,
        msg: Msg,
        writer: &mut dyn RecordWriter,
        cs: &mut CollectionSummary,
        reports: &mut report::Reports,
        progress: &report::Progress,
        failed_files: &mut u64,
        errors: &mut u64,
        c: &Collection,
    ) -> Result<(), RunError> {
        match msg {
            Msg::FileFailed(d) => {
                *failed_files += 1;
                *errors += 1;
                cs.files_failed += 1;
                *cs.diagnostics.entry(d.kind.to_string()).or_default() += 1;
                reports.diagnostic(&c.id, &d)?;
            }
            Msg::Made(made, at) => {
                cs.read += 1;
                progress.record(at, cs);
                match made {
                    Made::Unchanged => cs.unchanged += 1,
                    Made::OtherShard => {
                        cs.read -= 1;
                        cs.other_shards += 1;
                    }
                    Made::Delete(g, p) => {
                        cs.read -= 1;
                        cs.deleted += 1;
                        if !self.run_described.get() {
                            self.describe_run(&RunSummary::default(), false)?;
                        }
                        writer.remove(g, p)?;
                    }
                    Made::AlreadyGone => {
                        cs.read -= 1;
                        cs.deleted += 1;
                    }
                    Made::Rejected(d, raw) => {
                        *errors += 1;
                        cs.quarantined += 1;
                        *cs.diagnostics.entry(d.kind.to_string()).or_default() += 1;
                        reports.diagnostic(&c.id, &d)?;
                        reports.quarantine(&c.format, &d, &raw)?;
                    }
                    Made::Write {
                        graphs,
                        new,
                        warnings,
                        reconciled,
                    } => {
                        if !self.run_described.get() {
                            self.describe_run(&RunSummary::default(), false)?;
                        }
                        for d in &warnings {
                            *cs.diagnostics.entry(d.kind.to_string()).or_default() += 1;
                            reports.diagnostic(&c.id, d)?;
                        }
                        for (scheme, status) in reconciled {
                            *cs.reconciliation
                                .entry(scheme)
                                .or_default()
                                .entry(status.to_string())
                                .or_default() += 1;
                        }
                        cs.written += 1;
                        if new {
                            cs.new += 1;
                            writer.insert_new(graphs)?;
                        } else {
                            cs.replaced += 1;
                            writer.replace(graphs)?;
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// Writes the consortium graph (institutions, collections, crosswalks, vocabularies) when it
    /// differs from what the store holds.
    fn describe_consortium(&self) -> Result<(), RunError> {
        let g = self.consortium_graph();
        let gn = GraphName::NamedNode(g.clone());
        let mut quads = Vec::new();
        let mut add = |s: &NamedNode, p: NamedNodeRef<'_>, o: Term| {
            quads.push(Quad::new(s.clone(), p, o, gn.clone()));
        };
        let base = &self.config.base;
        for inst in &self.config.institutions {
            let s = iri(base, &["institution", &inst.id]);
            add(&s, rdf::TYPE, foaf::ORGANIZATION.into_owned().into());
            add(&s, foaf::NAME, Literal::from(inst.name.as_str()).into());
            add(
                &s,
                dcterms::IDENTIFIER,
                Literal::from(inst.id.as_str()).into(),
            );
            if let Some(h) = inst
                .homepage
                .as_deref()
                .and_then(|h| NamedNode::new(h).ok())
            {
                add(&s, foaf::HOMEPAGE, h.into());
            }
        }
        for (i, c) in self.config.collections.iter().enumerate() {
            let s = self.collection_iri(&c.id);
            add(&s, rdf::TYPE, dcmitype::COLLECTION.into_owned().into());
            add(&s, dcterms::TITLE, Literal::from(c.name.as_str()).into());
            add(&s, dcterms::IDENTIFIER, Literal::from(c.id.as_str()).into());
            add(
                &s,
                dcterms::PUBLISHER,
                iri(base, &["institution", &c.institution]).into(),
            );
            add(&s, cw::FORMAT, Literal::from(c.format.as_str()).into());
            add(
                &s,
                cw::CROSSWALK_PROP,
                self.crosswalk_nodes[i].clone().into(),
            );
            for (p, v) in [(dcterms::RIGHTS, &c.rights), (dcterms::LICENSE, &c.license)] {
                if let Some(n) = v.as_deref().and_then(|v| NamedNode::new(v).ok()) {
                    add(&s, p, n.into());
                }
            }
            if let Some(l) = &c.language {
                add(&s, dcterms::LANGUAGE, Literal::from(l.as_str()).into());
            }
            let cwn = &self.crosswalk_nodes[i];
            add(cwn, rdf::TYPE, cw::CROSSWALK.into_owned().into());
            add(cwn, rdf::TYPE, prov::PLAN.into_owned().into());
            add(
                cwn,
                cw::FILE,
                Literal::from(relative(&c.crosswalk, self.config.dir())).into(),
            );
            add(
                cwn,
                dcterms::TITLE,
                Literal::from(self.mappings[i].name()).into(),
            );
            add(
                cwn,
                cw::HASH,
                Literal::from(mapping_hash(&self.mappings[i])).into(),
            );
        }
        for (path, node) in &self.vocabularies {
            add(node, rdf::TYPE, cw::VOCABULARY.into_owned().into());
            add(
                node,
                cw::FILE,
                Literal::from(relative(path, self.config.dir())).into(),
            );
            let h = node.as_str().rsplit('/').next().unwrap_or("").to_string();
            add(node, cw::HASH, Literal::from(h).into());
        }
        self.store.set_graph(g.as_ref(), &quads)?;
        Ok(())
    }

    /// Describes this run in the runs graph: when it started (before its first write), and at
    /// the end what it did.
    fn describe_run(&self, summary: &RunSummary, end: bool) -> Result<(), RunError> {
        if !end {
            let mut used: Vec<NamedNode> = self.crosswalk_nodes.clone();
            used.extend(self.vocabularies.iter().map(|(_, v)| v.clone()));
            describe_run_start(
                &*self.store,
                &self.run,
                &self.runs_graph(),
                &self.started,
                &used,
            )?;
            self.run_described.set(true);
            return Ok(());
        }
        let g = GraphName::NamedNode(self.runs_graph());
        let s = NamedOrBlankNode::NamedNode(self.run.clone());
        let total = summary.total();
        let quads = [
            Quad::new(
                s.clone(),
                prov::ENDED_AT_TIME,
                Literal::new_typed_literal(
                    oxsdatatypes::DateTime::now().to_string(),
                    xsd::DATE_TIME,
                ),
                g.clone(),
            ),
            Quad::new(
                s.clone(),
                cw::RECORDS_WRITTEN,
                Literal::from(total.written),
                g.clone(),
            ),
            Quad::new(
                s.clone(),
                cw::RECORDS_REMOVED,
                Literal::from(total.removed),
                g.clone(),
            ),
            Quad::new(
                s,
                cw::RECORDS_QUARANTINED,
                Literal::from(total.quarantined),
                g,
            ),
        ];
        self.store.add_quads(&quads)?;
        Ok(())
    }
}

/// Records per message batch from the worker.
const BATCH: usize = 256;

fn describe_run_start(
    store: &dyn RecordStore,
    run: &NamedNode,
    graph: &NamedNode,
    started: &oxsdatatypes::DateTime,
    used: &[NamedNode],
) -> Result<(), StoreError> {
    let g = GraphName::NamedNode(graph.clone());
    let mut quads = vec![
        Quad::new(run.clone(), rdf::TYPE, prov::ACTIVITY, g.clone()),
        Quad::new(
            run.clone(),
            prov::STARTED_AT_TIME,
            Literal::new_typed_literal(started.to_string(), xsd::DATE_TIME),
            g.clone(),
        ),
        Quad::new(
            run.clone(),
            cw::TOOL_VERSION,
            Literal::from(TOOL),
            g.clone(),
        ),
    ];
    for u in used {
        quads.push(Quad::new(run.clone(), prov::USED, u.clone(), g.clone()));
    }
    store.add_quads(&quads)
}

/// What the worker made of one record.
enum Made {
    /// The store holds it as it is.
    Unchanged,
    /// Another shard's record.
    OtherShard,
    /// A deletion notice for a record the store holds: remove its graphs.
    Delete(NamedNode, NamedNode),
    /// A deletion notice for a record the store does not hold.
    AlreadyGone,
    /// Rejected: the diagnostic and the bytes to quarantine.
    Rejected(Diagnostic, Vec<u8>),
    /// To write.
    Write {
        graphs: RecordGraphs,
        /// The store does not hold the record yet.
        new: bool,
        /// Rule failures and reader warnings.
        warnings: Vec<Diagnostic>,
        /// (scheme or rule, status) of every reconciled value.
        reconciled: Vec<(String, &'static str)>,
    },
}

enum Msg {
    Made(Made, u64),
    FileFailed(Diagnostic),
}

/// What the reader thread hands on: a message as it is, or an admitted record to make (with
/// its byte position in the collection's input).
enum Pending<R> {
    Ready(Msg),
    Admitted(Admitted<R>, u64),
}

/// A record admitted to be made, or what became of it at once.
enum Admission<R> {
    Make(Admitted<R>),
    Made(Made),
}

/// A record with its id, graph and provenance graph, admitted in input order.
struct Admitted<R> {
    rec: R,
    loc: Location,
    id: String,
    graph: NamedNode,
    provenance: NamedNode,
}

/// A rejected record: the diagnostic (where, with the record id) and the bytes to quarantine.
fn reject<R: Source>(
    rec: &R,
    id: String,
    kind: &'static str,
    message: String,
    loc: Location,
) -> Made {
    Made::Rejected(
        Diagnostic {
            severity: Severity::Error,
            kind,
            location: Location {
                record_id: Some(id),
                ..loc
            },
            message,
        },
        rec.source_bytes().into_owned(),
    )
}

/// Everything needed to turn one record into its two graphs.
struct RecordMaker<'a, R: Source> {
    mapping: &'a Mapping<R>,
    store: &'a dyn RecordStore,
    /// The states of the collection's records, where the store gave them all at once.
    states: Option<HashMap<String, RecordState>>,
    store_empty: bool,
    shard: Option<(u64, u64)>,
    collection: &'a Collection,
    base: &'a str,
    collection_iri: NamedNode,
    institution_iri: NamedNode,
    crosswalk: NamedNode,
    fingerprint: String,
    run: NamedNode,
    time: Literal,
    rights: Option<NamedNode>,
    language: Option<NamedNode>,
    config_dir: PathBuf,
}

impl<R: Source> RecordMaker<'_, R> {
    /// A deletion notice for record `id`.
    fn deleted(&self, id: &str, seen: &mut HashSet<u128>) -> Made {
        let Some(graph) = record_graph(self.base, &self.collection.id, id) else {
            return Made::AlreadyGone;
        };
        if let Some((i, n)) = self.shard {
            if shard_of(graph.as_str(), n) != i {
                return Made::OtherShard;
            }
        }
        // A deleted record counts as seen: --prune has nothing more to do with it.
        seen.insert(key(graph.as_str()));
        let provenance = beside(self.base, &graph, "provenance");
        match self.store.record_state(graph.as_ref(), provenance.as_ref()) {
            Ok(Some(_)) => Made::Delete(graph, provenance),
            _ => Made::AlreadyGone,
        }
    }

    /// The first, ordered step for a record: its id and graph, whether it is this shard's,
    /// and whether its id occurred earlier in the collection. Everything else about it
    /// ([`RecordMaker::make`]) may run on any thread.
    fn admit(&self, rec: R, loc: Location, seen: &mut HashSet<u128>) -> Admission<R> {
        let id = match rec.record_id() {
            Some(id) if !id.trim().is_empty() => id.trim().to_string(),
            _ => fallback_id(&loc),
        };
        let Some(graph) = record_graph(self.base, &self.collection.id, &id) else {
            let message = format!("record id {id:?} cannot stand in an IRI");
            return Admission::Made(reject(&rec, id, "bad-record-id", message, loc));
        };
        if let Some((i, n)) = self.shard {
            if shard_of(graph.as_str(), n) != i {
                return Admission::Made(Made::OtherShard);
            }
        }
        if !seen.insert(key(graph.as_str())) {
            let message = format!(
                "record id {id:?} occurs earlier in collection {:?}; this record is not written",
                self.collection.id
            );
            return Admission::Made(reject(&rec, id, "duplicate-record-id", message, loc));
        }
        let provenance = beside(self.base, &graph, "provenance");
        Admission::Make(Admitted {
            rec,
            loc,
            id,
            graph,
            provenance,
        })
    }

    /// The rest of a record's way after [`RecordMaker::admit`]: unchanged, or its two graphs.
    fn make(&self, admitted: Admitted<R>) -> Made {
        let Admitted {
            rec,
            loc,
            id,
            graph,
            provenance,
        } = admitted;
        let bytes = rec.source_bytes();
        let checksum = hex(&Sha256::digest(&bytes));
        drop(bytes);
        let now = RecordState {
            checksum,
            fingerprint: self.fingerprint.clone(),
        };
        let state = if self.store_empty {
            None
        } else if let Some(states) = &self.states {
            states.get(graph.as_str()).cloned()
        } else {
            // Most records of a rerun are unchanged: ask the cheap question first, and read
            // the whole state only to tell a changed record from a new one.
            let state = self
                .store
                .is_current(graph.as_ref(), provenance.as_ref(), &now)
                .and_then(|current| match current {
                    true => Ok(None),
                    false => self
                        .store
                        .record_state(graph.as_ref(), provenance.as_ref())
                        .map(Some),
                });
            match state {
                Ok(None) => return Made::Unchanged,
                Ok(Some(s)) => s,
                Err(e) => return reject(&rec, id, "store", e.to_string(), loc),
            }
        };
        if state.as_ref() == Some(&now) {
            return Made::Unchanged;
        }
        let checksum = now.checksum;
        let ctx = RecordContext {
            collection: self.collection.id.clone(),
            fallback_id: id.clone(),
            location: loc,
        };
        let mut out = RecordOutput::default();
        self.mapping.apply_into(&rec, &ctx, &mut out);
        let loc = ctx.location;
        let mut quads = Vec::with_capacity(out.triples.len() + 24);
        let g = GraphName::NamedNode(graph.clone());
        let mut has = (false, false);
        for e in &out.triples {
            if let (Some(s), NamedOrBlankNode::NamedNode(n)) = (&out.subject, &e.triple.subject) {
                if s == n {
                    has.0 |= e.triple.predicate == dcterms::RIGHTS;
                    has.1 |= e.triple.predicate == dcterms::LANGUAGE;
                }
            }
            quads.push(Quad::new(
                e.triple.subject.clone(),
                e.triple.predicate.clone(),
                e.triple.object.clone(),
                g.clone(),
            ));
        }
        if let Some(s) = &out.subject {
            if let (false, Some(r)) = (has.0, &self.rights) {
                quads.push(Quad::new(s.clone(), dcterms::RIGHTS, r.clone(), g.clone()));
            }
            if let (false, Some(l)) = (has.1, &self.language) {
                quads.push(Quad::new(
                    s.clone(),
                    dcterms::LANGUAGE,
                    l.clone(),
                    g.clone(),
                ));
            }
        }
        // Provenance.
        let p = GraphName::NamedNode(provenance.clone());
        let source = beside(self.base, &graph, "source");
        let mut add = |s: &NamedNode, pr: NamedNodeRef<'_>, o: Term| {
            quads.push(Quad::new(s.clone(), pr, o, p.clone()));
        };
        add(&graph, rdf::TYPE, cw::RECORD_GRAPH.into_owned().into());
        add(&graph, rdf::TYPE, prov::ENTITY.into_owned().into());
        if let Some(s) = &out.subject {
            add(&graph, cw::DESCRIBES, s.clone().into());
        }
        add(&graph, prov::WAS_DERIVED_FROM, source.clone().into());
        add(&graph, prov::WAS_GENERATED_BY, self.run.clone().into());
        add(&graph, prov::GENERATED_AT_TIME, self.time.clone().into());
        add(
            &graph,
            prov::WAS_ATTRIBUTED_TO,
            self.institution_iri.clone().into(),
        );
        add(
            &graph,
            dcterms::IS_PART_OF,
            self.collection_iri.clone().into(),
        );
        add(&graph, cw::CHECKSUM, Literal::from(checksum).into());
        add(
            &graph,
            cw::FINGERPRINT,
            Literal::from(self.fingerprint.as_str()).into(),
        );
        add(&graph, cw::CROSSWALK_PROP, self.crosswalk.clone().into());
        add(&source, rdf::TYPE, cw::SOURCE_RECORD.into_owned().into());
        add(
            &source,
            dcterms::IDENTIFIER,
            Literal::from(id.as_str()).into(),
        );
        add(&source, cw::FORMAT, Literal::from(R::FORMAT).into());
        if let Some(f) = &loc.file {
            let f = relative(Path::new(&**f), &self.config_dir);
            add(&source, cw::SOURCE_FILE, Literal::from(f).into());
        }
        let pos = loc.position;
        if pos.record > 0 {
            add(
                &source,
                cw::RECORD_NUMBER,
                Literal::from(pos.record as i64).into(),
            );
        }
        add(
            &source,
            cw::BYTE_OFFSET,
            Literal::from(pos.byte as i64).into(),
        );
        if pos.line > 0 {
            add(&source, cw::LINE, Literal::from(pos.line as i64).into());
        }
        let reconciled = out
            .reconciliations
            .iter()
            .map(|r| {
                let scheme = if r.schemes.is_empty() {
                    r.rule.clone()
                } else {
                    r.schemes.join("+")
                };
                (scheme, r.result.status.as_str())
            })
            .collect();
        let mut warnings = rec.reader_diagnostics().to_vec();
        warnings.append(&mut out.diagnostics);
        Made::Write {
            graphs: RecordGraphs {
                graph,
                provenance,
                quads,
            },
            new: state.is_none(),
            warnings,
            reconciled,
        }
    }
}

/// Counts the records of `files` per shard.
fn plan_files<R: Source>(base: &str, c: &Collection, files: &[PathBuf], n: u64) -> Vec<u64> {
    let mut sizes = vec![0u64; n.max(1) as usize];
    for path in files {
        let Ok(file) = File::open(path) else { continue };
        let name = path.display().to_string();
        R::read_all(
            BufReader::with_capacity(1 << 16, file),
            &name,
            &mut |item| {
                if let Item::Record(rec, loc) = item {
                    let id = match rec.record_id() {
                        Some(id) if !id.trim().is_empty() => id.trim().to_string(),
                        _ => fallback_id(&loc),
                    };
                    if let Some(g) = record_graph(base, &c.id, &id) {
                        sizes[shard_of(g.as_str(), n) as usize] += 1;
                    }
                }
                true
            },
        );
    }
    sizes
}

/// The IRI beside a record graph `{base}graph/{collection}/{id}` under another first segment:
/// its provenance graph (`provenance`) or its source record (`source`).
fn beside(base: &str, graph: &NamedNode, segment: &str) -> NamedNode {
    let tail = &graph.as_str()[base.len() + "graph/".len()..];
    NamedNode::new_unchecked(format!("{base}{segment}/{tail}"))
}

/// `{file stem}-{record number}` for a record without an id of its own.
fn fallback_id(loc: &Location) -> String {
    let stem = loc
        .file
        .as_deref()
        .and_then(|f| Path::new(f).file_stem())
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "input".into());
    format!("{stem}-{}", loc.position.record)
}

/// The shard (0-based, of `n`) a record graph belongs to: from the first 8 bytes of the SHA-256
/// of its IRI, so that it is the same on every machine, every run and every version.
pub fn shard_of(graph: &str, n: u64) -> u64 {
    let d = Sha256::digest(graph.as_bytes());
    let mut b = [0u8; 8];
    b.copy_from_slice(&d[..8]);
    u64::from_be_bytes(b) % n.max(1)
}

/// A 128-bit key of a graph IRI, for the sets of records seen.
fn key(s: &str) -> u128 {
    let mut a = std::collections::hash_map::DefaultHasher::new();
    let mut b = std::collections::hash_map::DefaultHasher::new();
    0u8.hash(&mut a);
    1u8.hash(&mut b);
    s.hash(&mut a);
    s.hash(&mut b);
    (u128::from(a.finish()) << 64) | u128::from(b.finish())
}

/// Reader messages start with their location; the diagnostic carries it separately.
fn strip_location(message: &str, location: &Location) -> String {
    let prefix = format!("{location}: ");
    message.strip_prefix(&prefix).unwrap_or(message).to_string()
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// SHA-256 of a file, lowercase hex.
fn file_hash(path: &Path) -> std::io::Result<String> {
    let mut h = Sha256::new();
    let mut f = File::open(path)?;
    std::io::copy(&mut f, &mut h)?;
    Ok(hex(&h.finalize()))
}

fn mapping_hash(m: &AnyMapping) -> String {
    match m {
        AnyMapping::Marc(m) => m.hash().to_string(),
        AnyMapping::Ead(m) => m.hash().to_string(),
        AnyMapping::Dc(m) => m.hash().to_string(),
    }
}

/// `{base}a/b/c`, segments percent-encoded as record graph IRIs are.
fn iri(base: &str, segments: &[&str]) -> NamedNode {
    let mut s = String::from(base);
    for (i, seg) in segments.iter().enumerate() {
        if i > 0 {
            s.push('/');
        }
        crate::crosswalk::apply::encode_into(&mut s, seg);
    }
    NamedNode::new_unchecked(s)
}

/// A path relative to the configuration's folder where it lies below it, with `/` separators.
fn relative(path: &Path, dir: &Path) -> String {
    let p = path.strip_prefix(dir).unwrap_or(path);
    p.to_string_lossy().replace('\\', "/")
}

/// A run id from its start time: `20261127T012000Z-1234-0` (time, process id, and the run's
/// number within the process).
fn run_id(started: &oxsdatatypes::DateTime) -> String {
    let t: String = started
        .to_string()
        .chars()
        .take(19)
        .filter(|c| c.is_ascii_digit() || *c == 'T')
        .collect();
    static RUNS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = RUNS.fetch_add(1, Ordering::Relaxed);
    format!("{t}Z-{}-{n}", std::process::id())
}
