//! Support for `crosswalk ead check` and `crosswalk ead components`.

use std::collections::BTreeMap;
use std::fmt;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

use super::{Component, Error, Item, Reader};

/// Per-file counts for `crosswalk ead check`.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct FileCheck {
    /// The file as given.
    pub file: String,
    /// Whether the file was read to its end.
    pub ok: bool,
    /// `ead` documents read (finished or not).
    pub documents: u64,
    /// Collections (`archdesc`) read.
    pub collections: u64,
    /// Components read (`c`, `c01`–`c12`); the collection is not counted.
    pub components: u64,
    /// Components by `@level` as written (`unspecified` when absent); the collection not counted.
    pub levels: BTreeMap<String, u64>,
    /// Diagnostics by kind.
    pub diagnostics: BTreeMap<String, u64>,
    /// The error that stopped reading, if any (with its location).
    pub error: Option<String>,
    /// The error's kind name (`xml-syntax`, `not-ead`, ...).
    pub error_kind: Option<String>,
}

/// Reads a whole file and counts what is in it. Never fails: an unreadable file gives `ok: false`.
///
/// ```
/// let check = crosswalk::ead::check::check_file("no/such/file.xml");
/// assert!(!check.ok);
/// assert_eq!(check.error_kind.as_deref(), Some("io"));
/// ```
pub fn check_file(path: impl AsRef<Path>) -> FileCheck {
    let path = path.as_ref();
    let name = path.display().to_string();
    match File::open(path) {
        Ok(f) => check_reader(BufReader::with_capacity(1 << 18, f), &name),
        Err(e) => FileCheck {
            file: name.clone(),
            error: Some(format!("{name}: {e}")),
            error_kind: Some("io".into()),
            ..FileCheck::default()
        },
    }
}

/// Counts what a stream holds; `name` is used as `file` and in locations.
///
/// ```
/// use crosswalk::ead::check::check_reader;
/// let doc = r#"<ead><eadheader><eadid>x</eadid></eadheader><archdesc level="fonds"><did/>
///   <dsc><c level="file"><did><unittitle>A</unittitle></did></c><c level="box"/></dsc></archdesc></ead>"#;
/// let check = check_reader(doc.as_bytes(), "x.xml");
/// assert!(check.ok);
/// assert_eq!(check.components, 2);
/// assert_eq!(check.levels["file"], 1);
/// assert_eq!(check.diagnostics["unknown-level"], 1);
/// ```
pub fn check_reader<R: BufRead>(reader: R, name: &str) -> FileCheck {
    let mut out = FileCheck {
        file: name.to_string(),
        ..FileCheck::default()
    };
    let mut reader = Reader::new(reader).source_name(name);
    // Keys are allocated once each, not once per component.
    let count = |map: &mut BTreeMap<String, u64>, key: &str| match map.get_mut(key) {
        Some(n) => *n += 1,
        None => {
            map.insert(key.to_string(), 1);
        }
    };
    loop {
        match reader.next_item() {
            Ok(None) => {
                out.ok = true;
                break;
            }
            Ok(Some(Item::Header(h))) => {
                h.diagnostics
                    .iter()
                    .for_each(|d| count(&mut out.diagnostics, d.kind));
            }
            Ok(Some(Item::Component(c))) => {
                if c.is_collection() {
                    out.collections += 1;
                } else {
                    out.components += 1;
                    count(&mut out.levels, c.level.as_deref().unwrap_or("unspecified"));
                }
                c.diagnostics
                    .iter()
                    .for_each(|d| count(&mut out.diagnostics, d.kind));
            }
            Ok(Some(Item::Late(l))) => count(&mut out.diagnostics, l.diagnostic.kind),
            Err(e) => {
                out.error = Some(e.to_string());
                out.error_kind = Some(e.kind_name().to_string());
                break;
            }
        }
    }
    out.documents = reader.documents();
    out
}

/// One line of `crosswalk ead components`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ComponentLine {
    /// Ordinal path (`1/3/2`; empty for the collection).
    pub path: String,
    /// `@id`.
    pub id: Option<String>,
    /// `@level` (or `@otherlevel` when the level is `otherlevel`).
    pub level: Option<String>,
    /// First `unitid`.
    pub unitid: Option<String>,
    /// First `unittitle`.
    pub title: Option<String>,
    /// First `unitdate` text.
    pub date: Option<String>,
}

impl ComponentLine {
    /// The line for a component.
    pub fn new(c: &Component) -> Self {
        Self {
            path: c.path_string(),
            id: c.id.clone(),
            level: c.level_name().map(str::to_string),
            unitid: c.unitid().map(str::to_string),
            title: c.title().map(str::to_string),
            date: c.did.unitdate.first().map(|d| d.text.clone()),
        }
    }
}

impl fmt::Display for ComponentLine {
    /// Tab-separated: path (`-` for the collection), level, unitid, title, date; empty fields as `-`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let o = |s: &Option<String>| s.clone().unwrap_or_else(|| "-".into());
        let path = if self.path.is_empty() {
            "-"
        } else {
            &self.path
        };
        write!(
            f,
            "{path}\t{}\t{}\t{}\t{}",
            o(&self.level),
            o(&self.unitid),
            o(&self.title),
            o(&self.date)
        )
    }
}

/// Streams the component lines of a finding aid (collection first) to `visit`; stops at the
/// first error and returns it.
///
/// ```
/// use crosswalk::ead::{check::component_lines, Reader};
/// let doc = r#"<ead><archdesc level="collection"><did><unitid>MS 1</unitid><unittitle>Papers</unittitle></did>
///   <dsc><c01 level="series"><did><unittitle>Letters</unittitle></did></c01></dsc></archdesc></ead>"#;
/// let mut lines = Vec::new();
/// component_lines(Reader::new(doc.as_bytes()), |l| lines.push(l.to_string()))?;
/// assert_eq!(lines, ["-\tcollection\tMS 1\tPapers\t-", "1\tseries\t-\tLetters\t-"]);
/// # Ok::<(), crosswalk::ead::Error>(())
/// ```
pub fn component_lines<R: BufRead>(
    mut reader: Reader<R>,
    mut visit: impl FnMut(ComponentLine),
) -> Result<(), Error> {
    while let Some(c) = reader.next_component()? {
        visit(ComponentLine::new(&c));
    }
    Ok(())
}
