//! The embedded store: an [oxigraph](https://docs.rs/oxigraph) store (RocksDB on disk, or in
//! memory), and the record-graph model a run writes into it.
//!
//! Every source record becomes **one named graph** holding its mapping output, and a second named
//! graph holding that graph's **provenance** (PROV-O: source file and position, record id, checksum
//! of the record's source bytes, crosswalk and vocabularies with their hashes, tool version, run
//! and time). A [`StoreWriter`] writes or replaces both graphs of a record in one atomic step:
//! through oxigraph's bulk loader for records the store does not hold yet (each commit is one
//! atomic ingestion), through transactions for records it replaces or removes. A run killed at any
//! moment therefore leaves each record's graphs entirely old or entirely new.
//!
//! ```
//! use crosswalk::store::{RecordGraphs, Store, StoreWriter};
//! use oxrdf::{GraphName, Literal, NamedNode, Quad};
//!
//! let store = Store::memory()?;
//! let g = NamedNode::new("https://example.org/graph/c/1")?;
//! let p = NamedNode::new("https://example.org/provenance/c/1")?;
//! let s = NamedNode::new("https://example.org/item/1")?;
//! let title = NamedNode::new("http://purl.org/dc/terms/title")?;
//! let mut writer = StoreWriter::new(&store);
//! writer.insert_new(RecordGraphs {
//!     graph: g.clone(),
//!     provenance: p,
//!     quads: vec![Quad::new(s, title, Literal::from("A title"), GraphName::NamedNode(g.clone()))],
//! })?;
//! writer.finish()?;
//! assert_eq!(store.graph_quads(g.as_ref())?.len(), 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod digest;
pub mod remote;

use std::collections::{BTreeSet, HashMap};
use std::fs::File;
use std::mem;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use oxigraph::store::{BulkLoader, StorageError};
use oxrdf::{GraphName, NamedNode, NamedNodeRef, NamedOrBlankNode, Quad, Term, TermRef};

use crate::vocab::{cw, dcterms};

/// A store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The store could not be opened.
    #[error("cannot open the store at {}: {source}", .path.display())]
    Open {
        /// The store folder.
        path: PathBuf,
        /// Why.
        source: StorageError,
    },
    /// Another process has the store open in a way that excludes this opening: a writer (while
    /// this one would read or write), or readers (while this one would write). RocksDB leaves
    /// reading a store that another process writes undefined; it has crashed readers.
    #[error(
        "the store at {} is open {} by another process; {}",
        .path.display(),
        if *.by_writer { "for writing" } else { "for reading" },
        if *.by_writer { "wait until it has finished writing (crosswalk run)" }
        else { "stop it (crosswalk serve, query or export) before writing" }
    )]
    Busy {
        /// The store folder.
        path: PathBuf,
        /// Whether the other process writes the store (else it reads it).
        by_writer: bool,
    },
    /// Reading or writing failed.
    #[error("store: {0}")]
    Storage(#[from] StorageError),
    /// The remote store failed (see [`remote::RemoteError`]).
    #[error(transparent)]
    Remote(#[from] remote::RemoteError),
}

/// What a run needs from a store: the embedded [`Store`] or a [`remote::RemoteStore`] (a SPARQL
/// 1.1 Graph Store and Update server).
pub trait RecordStore: std::fmt::Debug + Send + Sync {
    /// Whether the store holds no record at all (then no record needs looking up).
    fn is_empty(&self) -> Result<bool, StoreError>;

    /// What the provenance graph `provenance` says of record graph `graph`: its checksum and
    /// fingerprint, or `None` when the store does not hold the record.
    fn record_state(
        &self,
        graph: NamedNodeRef<'_>,
        provenance: NamedNodeRef<'_>,
    ) -> Result<Option<RecordState>, StoreError>;

    /// Whether the provenance graph `provenance` gives record graph `graph` exactly `state`: the
    /// question a rerun asks of every unchanged record, so a store may answer it faster than
    /// [`RecordStore::record_state`].
    fn is_current(
        &self,
        graph: NamedNodeRef<'_>,
        provenance: NamedNodeRef<'_>,
        state: &RecordState,
    ) -> Result<bool, StoreError> {
        Ok(self.record_state(graph, provenance)?.as_ref() == Some(state))
    }

    /// The states of every record graph of `collection` that `keep` accepts (by graph IRI), in
    /// one request, where a look-up per record would be too slow (a remote store); `None` when
    /// [`RecordStore::record_state`] is cheap.
    fn collection_states(
        &self,
        _collection: NamedNodeRef<'_>,
        _keep: &dyn Fn(&str) -> bool,
    ) -> Result<Option<HashMap<String, RecordState>>, StoreError> {
        Ok(None)
    }

    /// Every record graph of `collection` with its provenance graph.
    fn collection_graphs(
        &self,
        collection: NamedNodeRef<'_>,
    ) -> Result<Vec<(NamedNode, NamedNode)>, StoreError>;

    /// Makes named graph `graph` hold exactly `quads` (their graph names are ignored); does
    /// nothing when it holds them already. Returns whether it wrote.
    fn set_graph(&self, graph: NamedNodeRef<'_>, quads: &[Quad]) -> Result<bool, StoreError>;

    /// Adds quads (each names its graph) in one step.
    fn add_quads(&self, quads: &[Quad]) -> Result<(), StoreError>;

    /// A writer of record graphs; `records_per_commit` bounds what a killed run loses.
    fn record_writer(&self, records_per_commit: usize) -> Box<dyn RecordWriter + '_>;

    /// The embedded store, when this is one.
    fn embedded(&self) -> Option<&Store> {
        None
    }
}

/// Writes records' two graphs, each record atomically or so that an interrupted write is
/// re-written by the next run. Call [`RecordWriter::finish`] at the end.
pub trait RecordWriter {
    /// Writes a record the store does not hold.
    fn insert_new(&mut self, record: RecordGraphs) -> Result<(), StoreError>;
    /// Replaces both graphs of a record the store holds.
    fn replace(&mut self, record: RecordGraphs) -> Result<(), StoreError>;
    /// Removes both graphs of a record.
    fn remove(&mut self, graph: NamedNode, provenance: NamedNode) -> Result<(), StoreError>;
    /// Writes everything pending and ends the writer; returns the records written.
    fn finish(self: Box<Self>) -> Result<u64, StoreError>;
}

impl RecordStore for Store {
    fn is_empty(&self) -> Result<bool, StoreError> {
        Store::is_empty(self)
    }

    fn record_state(
        &self,
        graph: NamedNodeRef<'_>,
        provenance: NamedNodeRef<'_>,
    ) -> Result<Option<RecordState>, StoreError> {
        Store::record_state(self, graph, provenance)
    }

    fn is_current(
        &self,
        graph: NamedNodeRef<'_>,
        provenance: NamedNodeRef<'_>,
        state: &RecordState,
    ) -> Result<bool, StoreError> {
        Store::is_current(self, graph, provenance, state)
    }

    fn collection_graphs(
        &self,
        collection: NamedNodeRef<'_>,
    ) -> Result<Vec<(NamedNode, NamedNode)>, StoreError> {
        Store::collection_graphs(self, collection)
    }

    fn set_graph(&self, graph: NamedNodeRef<'_>, quads: &[Quad]) -> Result<bool, StoreError> {
        Store::set_graph(self, graph, quads)
    }

    fn add_quads(&self, quads: &[Quad]) -> Result<(), StoreError> {
        let mut t = self.inner.start_transaction()?;
        t.extend(quads);
        t.commit()?;
        Ok(())
    }

    fn record_writer(&self, records_per_commit: usize) -> Box<dyn RecordWriter + '_> {
        Box::new(
            StoreWriter::new(self)
                .records_per_commit(records_per_commit)
                .bulk_limits(256, 2),
        )
    }

    fn embedded(&self) -> Option<&Store> {
        Some(self)
    }
}

impl RecordWriter for StoreWriter<'_> {
    fn insert_new(&mut self, record: RecordGraphs) -> Result<(), StoreError> {
        StoreWriter::insert_new(self, record)
    }

    fn replace(&mut self, record: RecordGraphs) -> Result<(), StoreError> {
        StoreWriter::replace(self, record)
    }

    fn remove(&mut self, graph: NamedNode, provenance: NamedNode) -> Result<(), StoreError> {
        StoreWriter::remove(self, graph, provenance)
    }

    fn finish(self: Box<Self>) -> Result<u64, StoreError> {
        StoreWriter::finish(*self)
    }
}

/// The embedded oxigraph store.
#[derive(Clone)]
pub struct Store {
    inner: oxigraph::store::Store,
    path: Option<PathBuf>,
    /// The lock on the folder's [`LOCK_FILE`], held as long as a clone of the store lives.
    _lock: Option<Arc<File>>,
}

/// The file in a store folder that a writing process locks exclusively and each reading process
/// shares (advisory `flock` locks, released when the process ends, however it ends).
pub const LOCK_FILE: &str = "crosswalk.lock";

/// Takes the store folder's lock: exclusive for writing, shared for reading; `Busy` at once when
/// another process holds it the other way. A reader of a folder it cannot write (a read-only
/// copy, where nobody writes) goes without the lock when the file cannot be made.
fn lock_folder(path: &Path, writing: bool) -> Result<Option<Arc<File>>, StoreError> {
    let open = |source: std::io::Error| StoreError::Open {
        path: path.to_path_buf(),
        source: StorageError::Io(source),
    };
    if writing {
        std::fs::create_dir_all(path).map_err(open)?;
    }
    let lock_path = path.join(LOCK_FILE);
    let file = File::options()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&lock_path)
        .or_else(|e| {
            if writing {
                Err(e)
            } else {
                File::open(&lock_path)
            }
        });
    let file = match file {
        Ok(f) => f,
        Err(_) if !writing => return Ok(None),
        Err(e) => return Err(open(e)),
    };
    let taken = if writing {
        file.try_lock()
    } else {
        file.try_lock_shared()
    };
    match taken {
        Ok(()) => Ok(Some(Arc::new(file))),
        Err(std::fs::TryLockError::WouldBlock) => {
            // A reader is kept out only by a writer; a writer by either: readers if a shared
            // lock can be had beside them (let go at once, with the file).
            let by_writer = !writing || file.try_lock_shared().is_err();
            Err(StoreError::Busy {
                path: path.to_path_buf(),
                by_writer,
            })
        }
        Err(std::fs::TryLockError::Error(e)) => Err(open(e)),
    }
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

/// What the store knows of a record from an earlier run: enough to tell whether it changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordState {
    /// SHA-256 of the record's source bytes, lowercase hex.
    pub checksum: String,
    /// The hash of everything else the output depends on (crosswalk, vocabularies, settings).
    pub fingerprint: String,
}

impl Store {
    /// Opens (or creates) the on-disk store in folder `path`.
    ///
    /// Bulk-loader files that a killed run left behind (`bulk-*.sst`, never ingested) are removed:
    /// the store is locked by this process once open, so no other writer can be using them.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        let path = path.as_ref();
        let lock = lock_folder(path, true)?;
        let inner = oxigraph::store::Store::open(path).map_err(|source| StoreError::Open {
            path: path.to_path_buf(),
            source,
        })?;
        if let Ok(entries) = std::fs::read_dir(path) {
            for e in entries.flatten() {
                let name = e.file_name();
                let name = name.to_string_lossy();
                if name.starts_with("bulk-") && name.ends_with(".sst") {
                    let _ = std::fs::remove_file(e.path());
                }
            }
        }
        Ok(Self {
            inner,
            path: Some(path.to_path_buf()),
            _lock: lock,
        })
    }

    /// Opens the on-disk store in folder `path` for reading only. Several processes may read a
    /// store at once, but none while another writes it: that opening fails at once with
    /// [`StoreError::Busy`], as does [`Store::open`] while a reader has it open.
    pub fn open_read_only(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        let path = path.as_ref();
        if !path.is_dir() {
            return Err(StoreError::Open {
                path: path.to_path_buf(),
                source: StorageError::Io(std::io::ErrorKind::NotFound.into()),
            });
        }
        let lock = lock_folder(path, false)?;
        let inner =
            oxigraph::store::Store::open_read_only(path).map_err(|source| StoreError::Open {
                path: path.to_path_buf(),
                source,
            })?;
        Ok(Self {
            inner,
            path: Some(path.to_path_buf()),
            _lock: lock,
        })
    }

    /// A new, empty store in memory (for tests and one-off conversions).
    pub fn memory() -> Result<Self, StoreError> {
        Ok(Self {
            inner: oxigraph::store::Store::new()?,
            path: None,
            _lock: None,
        })
    }

    /// The oxigraph store, for SPARQL and everything else oxigraph offers.
    pub fn oxigraph(&self) -> &oxigraph::store::Store {
        &self.inner
    }

    /// The folder of an on-disk store.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Whether the store holds no quad at all.
    pub fn is_empty(&self) -> Result<bool, StoreError> {
        Ok(self.inner.is_empty()?)
    }

    /// What the provenance graph `provenance` says of record graph `graph`: its checksum and
    /// fingerprint, or `None` when the store does not hold the record.
    pub fn record_state(
        &self,
        graph: NamedNodeRef<'_>,
        provenance: NamedNodeRef<'_>,
    ) -> Result<Option<RecordState>, StoreError> {
        let Some(checksum) = self.literal(graph, cw::CHECKSUM, provenance)? else {
            return Ok(None);
        };
        let fingerprint = self
            .literal(graph, cw::FINGERPRINT, provenance)?
            .unwrap_or_default();
        Ok(Some(RecordState {
            checksum,
            fingerprint,
        }))
    }

    /// Whether the provenance graph `provenance` gives record graph `graph` exactly `state`.
    ///
    /// Two key look-ups, no iterator and no decoding of terms: about ten times faster than
    /// [`Store::record_state`], which is what makes a rerun over unchanged input fast.
    pub fn is_current(
        &self,
        graph: NamedNodeRef<'_>,
        provenance: NamedNodeRef<'_>,
        state: &RecordState,
    ) -> Result<bool, StoreError> {
        let holds = |predicate, value: &str| {
            self.inner.contains(oxrdf::QuadRef::new(
                graph,
                predicate,
                oxrdf::LiteralRef::new_simple_literal(value),
                provenance,
            ))
        };
        Ok(holds(cw::CHECKSUM, &state.checksum)? && holds(cw::FINGERPRINT, &state.fingerprint)?)
    }

    fn literal(
        &self,
        subject: NamedNodeRef<'_>,
        predicate: NamedNodeRef<'_>,
        graph: NamedNodeRef<'_>,
    ) -> Result<Option<String>, StoreError> {
        let mut quads = self.inner.quads_for_pattern(
            Some(subject.into()),
            Some(predicate),
            None,
            Some(graph.into()),
        );
        match quads.next() {
            Some(q) => Ok(match q?.object {
                Term::Literal(l) => Some(l.value().to_string()),
                _ => None,
            }),
            None => Ok(None),
        }
    }

    /// Every record graph of `collection` with its provenance graph: the subjects of
    /// `dcterms:isPartOf <collection>` in provenance graphs.
    pub fn collection_graphs(
        &self,
        collection: NamedNodeRef<'_>,
    ) -> Result<Vec<(NamedNode, NamedNode)>, StoreError> {
        let mut out = Vec::new();
        for q in self.inner.quads_for_pattern(
            None,
            Some(dcterms::IS_PART_OF),
            Some(collection.into()),
            None,
        ) {
            let q = q?;
            if let (NamedOrBlankNode::NamedNode(g), GraphName::NamedNode(p)) =
                (q.subject, q.graph_name)
            {
                if self.inner.contains(oxrdf::QuadRef::new(
                    g.as_ref(),
                    oxrdf::vocab::rdf::TYPE,
                    cw::RECORD_GRAPH,
                    p.as_ref(),
                ))? {
                    out.push((g, p));
                }
            }
        }
        Ok(out)
    }

    /// The quads of one named graph.
    pub fn graph_quads(&self, graph: NamedNodeRef<'_>) -> Result<Vec<Quad>, StoreError> {
        Ok(self
            .inner
            .quads_for_pattern(None, None, None, Some(graph.into()))
            .collect::<Result<_, _>>()?)
    }

    /// Makes named graph `graph` hold exactly `quads` (their graph names are ignored), in one
    /// transaction; does nothing when it holds them already. Returns whether it wrote.
    pub fn set_graph(&self, graph: NamedNodeRef<'_>, quads: &[Quad]) -> Result<bool, StoreError> {
        let wanted: BTreeSet<String> = quads
            .iter()
            .map(|q| triple_line(q.subject.as_ref(), q.predicate.as_ref(), q.object.as_ref()))
            .collect();
        let have: BTreeSet<String> = self
            .graph_quads(graph)?
            .iter()
            .map(|q| triple_line(q.subject.as_ref(), q.predicate.as_ref(), q.object.as_ref()))
            .collect();
        if wanted == have {
            return Ok(false);
        }
        let mut t = self.inner.start_transaction()?;
        t.clear_graph(graph)?;
        for q in quads {
            t.insert(oxrdf::QuadRef::new(
                q.subject.as_ref(),
                q.predicate.as_ref(),
                q.object.as_ref(),
                graph,
            ));
        }
        t.commit()?;
        Ok(true)
    }

    /// Every quad as a sorted list of N-Quads lines, blank nodes canonicalised (RDFC-1.0): two
    /// stores holding the same dataset give the same list. For tests and comparisons; it holds the
    /// whole dump in memory.
    pub fn canonical_nquads(&self) -> Result<Vec<String>, StoreError> {
        let quads: Vec<Quad> = self.inner.iter().collect::<Result<_, _>>()?;
        Ok(canonical_lines(quads))
    }
}

/// Sorted N-Quads lines of `quads`, blank nodes canonicalised when there are any.
pub fn canonical_lines(quads: Vec<Quad>) -> Vec<String> {
    let has_blank = quads.iter().any(|q| {
        matches!(q.subject, NamedOrBlankNode::BlankNode(_))
            || matches!(q.object, Term::BlankNode(_))
            || matches!(q.graph_name, GraphName::BlankNode(_))
    });
    let mut lines: Vec<String> = if has_blank {
        let mut d: oxrdf::Dataset = quads.into_iter().collect();
        d.canonicalize(oxrdf::dataset::CanonicalizationAlgorithm::Rdfc10 {
            hash_algorithm: oxrdf::dataset::CanonicalizationHashAlgorithm::Sha256,
        });
        d.iter().map(|q| format!("{q} .")).collect()
    } else {
        quads.iter().map(|q| format!("{q} .")).collect()
    };
    lines.sort_unstable();
    lines.dedup();
    lines
}

fn triple_line(s: oxrdf::NamedOrBlankNodeRef<'_>, p: NamedNodeRef<'_>, o: TermRef<'_>) -> String {
    format!("{s} {p} {o}")
}

/// New records per bulk-loader commit unless told otherwise: a million. Each commit ingests files
/// whose keys overlap everything stored before, which RocksDB then compacts, so fewer commits
/// load faster (1,000,000 generated records: 683 s in one commit); a killed run loses at most
/// this many records' work.
pub const DEFAULT_RECORDS_PER_COMMIT: usize = 1_000_000;

/// One record's two graphs and everything they hold: the mapping output in `graph`, its
/// provenance in `provenance` (each quad names its graph).
#[derive(Debug, Clone)]
pub struct RecordGraphs {
    /// The record graph.
    pub graph: NamedNode,
    /// The provenance graph.
    pub provenance: NamedNode,
    /// The quads of both graphs.
    pub quads: Vec<Quad>,
}

/// Writes record graphs in batches, each record's two graphs in one atomic step.
///
/// New records go through oxigraph's bulk loader, committed every
/// [`StoreWriter::records_per_commit`] records (one atomic ingestion each); replaced and removed
/// records through transactions of [`StoreWriter::records_per_transaction`] records. Call
/// [`StoreWriter::finish`] at the end: what is not committed when the writer is dropped is lost,
/// as if the run had been killed.
pub struct StoreWriter<'a> {
    store: &'a Store,
    loader: Option<BulkLoader<'a>>,
    bulk_quads: Vec<Quad>,
    bulk_records: usize,
    replace: Vec<RecordGraphs>,
    remove: Vec<(NamedNode, NamedNode)>,
    replace_quads: usize,
    records_per_commit: usize,
    records_per_transaction: usize,
    bulk_batch: usize,
    bulk_memory_mb: usize,
    bulk_threads: usize,
    committed: u64,
}

impl<'a> StoreWriter<'a> {
    /// A writer with default batch sizes.
    pub fn new(store: &'a Store) -> Self {
        Self {
            store,
            loader: None,
            bulk_quads: Vec::new(),
            bulk_records: 0,
            replace: Vec::new(),
            remove: Vec::new(),
            replace_quads: 0,
            records_per_commit: DEFAULT_RECORDS_PER_COMMIT,
            records_per_transaction: 1_000,
            bulk_batch: 200_000,
            bulk_memory_mb: 512,
            bulk_threads: 2,
            committed: 0,
        }
    }

    /// How many new records one bulk-loader commit holds (default
    /// [`DEFAULT_RECORDS_PER_COMMIT`]): the work a killed run loses at most.
    pub fn records_per_commit(mut self, n: usize) -> Self {
        self.records_per_commit = n.max(1);
        self
    }

    /// How many replaced or removed records one transaction holds (default 1,000).
    pub fn records_per_transaction(mut self, n: usize) -> Self {
        self.records_per_transaction = n.max(1);
        self
    }

    /// The bulk loader's memory target in megabytes (default 512) and threads (default 2).
    pub fn bulk_limits(mut self, memory_mb: usize, threads: usize) -> Self {
        self.bulk_memory_mb = memory_mb.max(16);
        self.bulk_threads = threads.max(1);
        self.bulk_batch = (self.bulk_memory_mb * 1000 / self.bulk_threads).max(1000);
        self
    }

    /// Records committed so far.
    pub fn committed(&self) -> u64 {
        self.committed
    }

    /// Writes a record the store does not hold (no graph of that name exists).
    pub fn insert_new(&mut self, record: RecordGraphs) -> Result<(), StoreError> {
        self.bulk_quads.extend(record.quads);
        self.bulk_records += 1;
        if self.bulk_quads.len() >= self.bulk_batch {
            self.feed_loader()?;
        }
        if self.bulk_records >= self.records_per_commit {
            self.commit_bulk()?;
        }
        Ok(())
    }

    /// Replaces both graphs of a record the store holds.
    pub fn replace(&mut self, record: RecordGraphs) -> Result<(), StoreError> {
        self.replace_quads += record.quads.len();
        self.replace.push(record);
        self.maybe_transaction()
    }

    /// Removes both graphs of a record.
    pub fn remove(&mut self, graph: NamedNode, provenance: NamedNode) -> Result<(), StoreError> {
        self.remove.push((graph, provenance));
        self.maybe_transaction()
    }

    fn maybe_transaction(&mut self) -> Result<(), StoreError> {
        if self.replace.len() + self.remove.len() >= self.records_per_transaction
            || self.replace_quads >= self.bulk_batch
        {
            self.commit_transaction()?;
        }
        Ok(())
    }

    fn feed_loader(&mut self) -> Result<(), StoreError> {
        if self.bulk_quads.is_empty() {
            return Ok(());
        }
        let (memory, threads) = (self.bulk_memory_mb, self.bulk_threads);
        let loader = self.loader.get_or_insert_with(|| {
            self.store
                .inner
                .bulk_loader()
                .with_num_threads(threads)
                .with_max_memory_size_in_megabytes(memory)
        });
        loader.load_quads(mem::take(&mut self.bulk_quads))?;
        Ok(())
    }

    fn commit_bulk(&mut self) -> Result<(), StoreError> {
        self.feed_loader()?;
        if let Some(loader) = self.loader.take() {
            loader.commit()?;
        }
        self.committed += self.bulk_records as u64;
        self.bulk_records = 0;
        Ok(())
    }

    fn commit_transaction(&mut self) -> Result<(), StoreError> {
        if self.replace.is_empty() && self.remove.is_empty() {
            return Ok(());
        }
        let mut t = self.store.inner.start_transaction()?;
        for (g, p) in &self.remove {
            t.remove_named_graph(g)?;
            t.remove_named_graph(p)?;
        }
        for r in &self.replace {
            t.remove_named_graph(&r.graph)?;
            t.remove_named_graph(&r.provenance)?;
            t.extend(&r.quads);
        }
        t.commit()?;
        self.committed += (self.replace.len() + self.remove.len()) as u64;
        self.replace.clear();
        self.remove.clear();
        self.replace_quads = 0;
        Ok(())
    }

    /// Commits everything pending.
    pub fn checkpoint(&mut self) -> Result<(), StoreError> {
        self.commit_bulk()?;
        self.commit_transaction()
    }

    /// Commits everything pending and ends the writer.
    pub fn finish(mut self) -> Result<u64, StoreError> {
        self.checkpoint()?;
        Ok(self.committed)
    }
}
