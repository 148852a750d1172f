//! The run configuration: a TOML file naming the store, the base IRI, the institutions and their
//! collections (see `docs/run.md`). Relative paths are relative to the configuration file.

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

/// A mistake in a run configuration, located.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}:{line}:{column}: {message}", .file.display())]
pub struct ConfigError {
    /// The configuration file.
    pub file: PathBuf,
    /// 1-based line (0 when unknown).
    pub line: usize,
    /// 1-based column (0 when unknown).
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

/// Where the run writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreTarget {
    /// The embedded on-disk store in this folder.
    Disk(PathBuf),
    /// An in-memory store (tests): gone when the run ends.
    Memory,
    /// A remote SPARQL 1.1 Graph Store and Query (and Update) server (`docs/remote-store.md`).
    Remote(crate::store::remote::RemoteConfig),
}

/// One institution of the consortium.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Institution {
    /// Short id, used in IRIs.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its home page.
    pub homepage: Option<String>,
}

/// One collection: whose it is, where its records are and which crosswalk maps them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Collection {
    /// Short id, used in IRIs (`{base}graph/{id}/{record}`).
    pub id: String,
    /// The institution's id.
    pub institution: String,
    /// Its name.
    pub name: String,
    /// `marc`, `ead` or `dc` (checked against the crosswalk's format).
    pub format: String,
    /// File globs, relative to the configuration file.
    pub files: Vec<String>,
    /// The crosswalk file.
    pub crosswalk: PathBuf,
    /// Reviewers' reconciliation decisions for this collection (optional).
    pub decisions: Option<PathBuf>,
    /// Default rights statement (IRI) for records whose mapping gives none.
    pub rights: Option<String>,
    /// The licence of the metadata (IRI).
    pub license: Option<String>,
    /// Default language (ISO 639-2 code or IRI) for records whose mapping gives none.
    pub language: Option<String>,
}

/// A parsed, checked run configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunConfig {
    /// The configuration file.
    pub path: PathBuf,
    /// The consortium's name.
    pub name: String,
    /// The base IRI of record graphs, provenance, collections, institutions and runs.
    pub base: String,
    /// The store.
    pub store: StoreTarget,
    /// Where run reports go (`run-report.json`, `diagnostics.csv`, quarantine files).
    pub reports: PathBuf,
    /// Vocabulary files every crosswalk may use besides those it names itself.
    pub vocabularies: Vec<PathBuf>,
    /// The institutions.
    pub institutions: Vec<Institution>,
    /// The collections, in file order.
    pub collections: Vec<Collection>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSpec {
    consortium: ConsortiumSpec,
    store: Option<StoreSpec>,
    #[serde(default)]
    institution: Vec<Spanned<InstitutionSpec>>,
    #[serde(default)]
    collection: Vec<Spanned<CollectionSpec>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConsortiumSpec {
    name: String,
    base: Spanned<String>,
    #[serde(default)]
    vocabularies: Vec<String>,
    reports: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "kebab-case")]
struct StoreSpec {
    path: Option<String>,
    kind: Option<Spanned<String>>,
    graph_store: Option<Spanned<String>>,
    query: Option<Spanned<String>>,
    update: Option<Spanned<String>>,
    timeout: Option<f64>,
    retries: Option<u32>,
    concurrency: Option<usize>,
    batch: Option<usize>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InstitutionSpec {
    id: Spanned<String>,
    name: String,
    homepage: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CollectionSpec {
    id: Spanned<String>,
    institution: Spanned<String>,
    name: Option<String>,
    format: Spanned<String>,
    files: Spanned<Vec<String>>,
    crosswalk: Spanned<String>,
    decisions: Option<String>,
    rights: Option<Spanned<String>>,
    license: Option<Spanned<String>>,
    language: Option<Spanned<String>>,
}

impl RunConfig {
    /// Reads and checks a configuration file.
    pub fn load(path: impl AsRef<Path>) -> Result<Self, ConfigError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
            file: path.to_path_buf(),
            line: 0,
            column: 0,
            message: format!("cannot read: {e}"),
        })?;
        Self::parse(&text, path)
    }

    /// Parses configuration text as if read from `path` (which anchors relative paths).
    pub fn parse(text: &str, path: &Path) -> Result<Self, ConfigError> {
        let at = Locator { path, text };
        let spec: FileSpec = toml::from_str(text).map_err(|e| {
            let (line, column) = e.span().map(|s| at.line_col(s.start)).unwrap_or((0, 0));
            ConfigError {
                file: path.to_path_buf(),
                line,
                column,
                message: e.message().to_string(),
            }
        })?;
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let rel = |p: &str| {
            let p = Path::new(p);
            if p.is_absolute() {
                p.to_path_buf()
            } else {
                dir.join(p)
            }
        };
        let base = spec.consortium.base.get_ref().clone();
        if oxrdf::NamedNode::new(format!("{base}x")).is_err()
            || !(base.ends_with('/') || base.ends_with('#'))
        {
            return Err(at.error(
                &spec.consortium.base,
                "`base` must be an absolute IRI ending in `/` or `#`",
            ));
        }
        let store = match &spec.store {
            None => StoreTarget::Disk(rel("crosswalk.store")),
            Some(s) => match s.kind.as_ref().map(|k| k.get_ref().as_str()) {
                Some("memory") => StoreTarget::Memory,
                Some("remote") => remote_target(&at, s)?,
                None | Some("embedded") => {
                    StoreTarget::Disk(rel(s.path.as_deref().unwrap_or("crosswalk.store")))
                }
                Some(other) => {
                    let k = s.kind.as_ref().expect("kind is set");
                    return Err(at.error(
                        k,
                        &format!("unknown store kind {other:?}: use \"embedded\", \"memory\" or \"remote\""),
                    ));
                }
            },
        };
        let mut institutions = Vec::new();
        let mut ids = BTreeSet::new();
        for i in &spec.institution {
            let i = i.get_ref();
            check_id(&at, &i.id)?;
            if !ids.insert(i.id.get_ref().clone()) {
                return Err(at.error(&i.id, "this institution id is used twice"));
            }
            institutions.push(Institution {
                id: i.id.get_ref().clone(),
                name: i.name.clone(),
                homepage: i.homepage.clone(),
            });
        }
        let mut collections = Vec::new();
        let mut cids = BTreeSet::new();
        for c in &spec.collection {
            let c = c.get_ref();
            check_id(&at, &c.id)?;
            if !cids.insert(c.id.get_ref().clone()) {
                return Err(at.error(&c.id, "this collection id is used twice"));
            }
            if !ids.contains(c.institution.get_ref()) {
                return Err(at.error(
                    &c.institution,
                    &format!(
                        "no [[institution]] has id {:?} (known: {})",
                        c.institution.get_ref(),
                        ids.iter().cloned().collect::<Vec<_>>().join(", ")
                    ),
                ));
            }
            if !matches!(c.format.get_ref().as_str(), "marc" | "ead" | "dc") {
                return Err(at.error(&c.format, "format must be \"marc\", \"ead\" or \"dc\""));
            }
            if c.files.get_ref().is_empty() {
                return Err(at.error(&c.files, "`files` names no file"));
            }
            for iri in [&c.rights, &c.license].into_iter().flatten() {
                if oxrdf::NamedNode::new(iri.get_ref()).is_err() {
                    return Err(at.error(iri, "not an absolute IRI"));
                }
            }
            if let Some(l) = &c.language {
                let v = l.get_ref();
                let code = v.len() == 3 && v.bytes().all(|b| b.is_ascii_lowercase());
                if !code && oxrdf::NamedNode::new(v).is_err() {
                    return Err(at.error(l, "use an ISO 639-2 code (`eng`) or an IRI"));
                }
            }
            collections.push(Collection {
                id: c.id.get_ref().clone(),
                institution: c.institution.get_ref().clone(),
                name: c.name.clone().unwrap_or_else(|| c.id.get_ref().clone()),
                format: c.format.get_ref().clone(),
                files: c.files.get_ref().clone(),
                crosswalk: rel(c.crosswalk.get_ref()),
                decisions: c.decisions.as_deref().map(rel),
                rights: c.rights.as_ref().map(|s| s.get_ref().clone()),
                license: c.license.as_ref().map(|s| s.get_ref().clone()),
                language: c.language.as_ref().map(|s| s.get_ref().clone()),
            });
        }
        Ok(Self {
            path: path.to_path_buf(),
            name: spec.consortium.name,
            base,
            store,
            reports: rel(spec.consortium.reports.as_deref().unwrap_or("run-reports")),
            vocabularies: spec
                .consortium
                .vocabularies
                .iter()
                .map(|v| rel(v))
                .collect(),
            institutions,
            collections,
        })
    }

    /// The folder the configuration's relative paths are anchored in.
    pub fn dir(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new(""))
    }

    /// The files of a collection: its globs expanded, sorted, without repeats. A glob that
    /// matches nothing is an error (a typo should not look like an empty collection).
    pub fn files(&self, collection: &Collection) -> Result<Vec<PathBuf>, ConfigError> {
        let mut out = BTreeSet::new();
        for pattern in &collection.files {
            let full = if Path::new(pattern).is_absolute() {
                PathBuf::from(pattern)
            } else {
                self.dir().join(pattern)
            };
            let text = full.to_string_lossy().into_owned();
            let paths = glob::glob(&text).map_err(|e| {
                self.error(format!(
                    "collection {:?}: bad glob {pattern:?}: {e}",
                    collection.id
                ))
            })?;
            let before = out.len();
            for p in paths {
                let p =
                    p.map_err(|e| self.error(format!("collection {:?}: {e}", collection.id)))?;
                if p.is_file() {
                    out.insert(p);
                }
            }
            if out.len() == before {
                return Err(self.error(format!(
                    "collection {:?}: {pattern:?} matches no file",
                    collection.id
                )));
            }
        }
        Ok(out.into_iter().collect())
    }

    /// A collection by id.
    pub fn collection(&self, id: &str) -> Option<&Collection> {
        self.collections.iter().find(|c| c.id == id)
    }

    /// An institution by id.
    pub fn institution(&self, id: &str) -> Option<&Institution> {
        self.institutions.iter().find(|i| i.id == id)
    }

    fn error(&self, message: String) -> ConfigError {
        ConfigError {
            file: self.path.clone(),
            line: 0,
            column: 0,
            message,
        }
    }
}

/// `[store] kind = "remote"`: the endpoints (absolute http URLs) and the client's limits;
/// credentials come from the environment only.
fn remote_target(at: &Locator<'_>, s: &StoreSpec) -> Result<StoreTarget, ConfigError> {
    let kind = s.kind.as_ref().expect("kind is set");
    let url = |u: &Option<Spanned<String>>, key: &str| -> Result<Option<String>, ConfigError> {
        match u {
            None => Ok(None),
            Some(u)
                if u.get_ref().starts_with("http://") || u.get_ref().starts_with("https://") =>
            {
                Ok(Some(u.get_ref().clone()))
            }
            Some(u) => Err(at.error(u, &format!("`{key}` must be an http:// or https:// URL"))),
        }
    };
    let Some(graph_store) = url(&s.graph_store, "graph-store")? else {
        return Err(at.error(
            kind,
            "a remote store needs `graph-store = \"http://…\"` (the Graph Store endpoint)",
        ));
    };
    let update = url(&s.update, "update")?;
    let Some(query) = url(&s.query, "query")?.or_else(|| update.clone()) else {
        return Err(at.error(
            kind,
            "a remote store needs `query = \"http://…\"` (the SPARQL query endpoint)",
        ));
    };
    let mut r = crate::store::remote::RemoteConfig::new(graph_store, query);
    r.update = update;
    if let Some(t) = s.timeout {
        r.timeout = std::time::Duration::try_from_secs_f64(t)
            .map_err(|_| at.error(kind, "`timeout` must be a positive number of seconds"))?;
    }
    r.retries = s.retries.unwrap_or(r.retries);
    r.concurrency = s.concurrency.unwrap_or(r.concurrency).max(1);
    r.batch_records = s.batch.unwrap_or(r.batch_records).max(1);
    Ok(StoreTarget::Remote(r))
}

/// Ids stand in IRIs and file names: letters, digits, `-`, `_`, `.`.
fn check_id(at: &Locator<'_>, id: &Spanned<String>) -> Result<(), ConfigError> {
    let v = id.get_ref();
    if v.is_empty()
        || !v
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        return Err(at.error(id, "ids use letters, digits, `-`, `_` and `.` only"));
    }
    Ok(())
}

struct Locator<'a> {
    path: &'a Path,
    text: &'a str,
}

impl Locator<'_> {
    fn line_col(&self, offset: usize) -> (usize, usize) {
        let before = &self.text[..offset.min(self.text.len())];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        (line, column)
    }

    fn error<T>(&self, at: &Spanned<T>, message: &str) -> ConfigError {
        let (line, column) = self.line_col(at.span().start);
        ConfigError {
            file: self.path.to_path_buf(),
            line,
            column,
            message: message.to_string(),
        }
    }
}

impl fmt::Display for StoreTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Disk(p) => write!(f, "{}", p.display()),
            Self::Memory => f.write_str("(memory)"),
            Self::Remote(r) => write!(f, "{}", r.graph_store),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<RunConfig, ConfigError> {
        RunConfig::parse(text, Path::new("/cfg/consortium.toml"))
    }

    const OK: &str = r#"
[consortium]
name = "Test"
base = "https://example.org/"
[store]
path = "db"
[[institution]]
id = "lib"
name = "A library"
[[collection]]
id = "books"
institution = "lib"
format = "marc"
files = ["data/*.mrc"]
crosswalk = "../mappings/marc21-dcterms.toml"
language = "eng"
"#;

    #[test]
    fn parses_and_anchors_paths() {
        let c = parse(OK).unwrap();
        assert_eq!(c.store, StoreTarget::Disk(PathBuf::from("/cfg/db")));
        assert_eq!(
            c.collections[0].crosswalk,
            PathBuf::from("/cfg/../mappings/marc21-dcterms.toml")
        );
        assert_eq!(c.reports, PathBuf::from("/cfg/run-reports"));
    }

    #[test]
    fn unknown_institution_is_located() {
        let e =
            parse(&OK.replace("institution = \"lib\"", "institution = \"museum\"")).unwrap_err();
        assert_eq!((e.line, e.column), (12, 15), "{e}");
        assert!(e.message.contains("museum"), "{e}");
    }

    #[test]
    fn bad_base_and_unknown_keys_are_errors() {
        let e = parse(&OK.replace("https://example.org/", "example")).unwrap_err();
        assert!(e.message.contains("base"), "{e}");
        let e = parse(&OK.replace("[store]", "[store]\ncolour = 1")).unwrap_err();
        assert!(e.message.contains("colour"), "{e}");
        assert_eq!(e.line, 6);
    }

    #[test]
    fn a_remote_store_names_its_endpoints() {
        let remote = "[store]\nkind = \"remote\"\ngraph-store = \"http://127.0.0.1:8890/sparql-graph-crud-auth\"\nupdate = \"http://127.0.0.1:8890/sparql-auth\"\nretries = 2";
        let c = parse(&OK.replace("[store]\npath = \"db\"", remote)).unwrap();
        let StoreTarget::Remote(r) = &c.store else {
            panic!("{:?}", c.store)
        };
        assert_eq!(r.query, "http://127.0.0.1:8890/sparql-auth");
        assert_eq!(r.retries, 2);
        let e =
            parse(&OK.replace("[store]\npath = \"db\"", "[store]\nkind = \"remote\"")).unwrap_err();
        assert!(e.message.contains("graph-store"), "{e}");
        assert_eq!(e.line, 6);
    }

    #[test]
    fn duplicate_collection_ids_and_bad_formats_are_errors() {
        let twice = format!("{OK}{}", &OK[OK.find("[[collection]]").unwrap()..]);
        assert!(parse(&twice).unwrap_err().message.contains("twice"));
        let e = parse(&OK.replace("\"marc\"", "\"mods\"")).unwrap_err();
        assert!(e.message.contains("format"), "{e}");
    }
}
