//! Lookup tables: map a value through a key → value table read once at compile time.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::CompileError;

/// What a lookup does with a value that is not in its table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MissPolicy {
    /// Keep the value unchanged (the default).
    #[default]
    Keep,
    /// Drop the value: no output.
    Drop,
    /// Report an error for the record ([`TransformError::LookupMiss`](super::TransformError)).
    Error,
}

/// A `lookup` transform as written in a crosswalk file.
///
/// ```toml
/// transforms = [{ lookup = { file = "relators.tsv", miss = "drop" } }]
/// transforms = [{ lookup = { file = "places.csv", header = true, default = "unknown" } }]
/// transforms = [{ lookup = { map = { aut = "author", edt = "editor" } } }]
/// ```
///
/// The file is a two-column table next to the crosswalk file (a relative path is read from the
/// crosswalk file's folder): tab-separated, or comma-separated with `"` quoting when its name ends
/// in `.csv`. Columns after the second are ignored; empty lines and lines starting with `#` are
/// skipped; `header = true` skips the first line. Keys and values are trimmed, and values are
/// looked up trimmed. A key given twice with different values is an error. `default`, when given,
/// is the value for every miss (and `miss` is then not used).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct LookupSpec {
    /// The table file.
    #[serde(default)]
    pub file: Option<PathBuf>,
    /// An inline table (instead of, or on top of, `file`).
    #[serde(default)]
    pub map: Option<BTreeMap<String, String>>,
    /// What to do on a miss when there is no `default`.
    #[serde(default)]
    pub miss: MissPolicy,
    /// The value for a miss.
    #[serde(default)]
    pub default: Option<String>,
    /// Whether the file's first line is a header to skip.
    #[serde(default)]
    pub header: bool,
}

/// The result of looking one value up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hit<'a> {
    /// The table's value (or the `default`).
    Found(&'a str),
    /// A miss: keep the value.
    Keep,
    /// A miss: drop the value.
    Drop,
    /// A miss: report an error.
    Error,
}

/// A loaded lookup table.
#[derive(Debug, Clone)]
pub struct LookupTable {
    entries: HashMap<String, String>,
    miss: MissPolicy,
    default: Option<String>,
}

/// Split one CSV line into fields (`"` quoting, `""` for a quote inside quotes).
fn csv_fields(line: &str) -> Result<Vec<String>, &'static str> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut chars = line.chars().peekable();
    let mut quoted = false;
    let mut was_quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.trim().is_empty() && !was_quoted => {
                field.clear();
                quoted = true;
                was_quoted = true;
            }
            (false, ',') => {
                fields.push(std::mem::take(&mut field));
                was_quoted = false;
            }
            (false, c) => field.push(c),
        }
    }
    if quoted {
        return Err("unterminated quoted field");
    }
    fields.push(field);
    Ok(fields)
}

impl LookupTable {
    /// Load the table a spec names; relative file paths are read from `base`.
    pub fn load(spec: &LookupSpec, base: &Path) -> Result<Self, CompileError> {
        let mut entries: HashMap<String, String> = HashMap::new();
        let mut sources: HashMap<String, String> = HashMap::new();
        let mut add = |key: &str, value: &str, source: String| -> Result<(), String> {
            let (key, value) = (key.trim(), value.trim());
            if let Some(old) = entries.get(key) {
                if old != value {
                    return Err(format!(
                        "{source}: key {key:?} maps to {value:?} but {} maps it to {old:?}",
                        sources[key]
                    ));
                }
                return Ok(());
            }
            entries.insert(key.to_owned(), value.to_owned());
            sources.insert(key.to_owned(), source);
            Ok(())
        };
        if let Some(file) = &spec.file {
            let path = base.join(file);
            let err = |message: String| CompileError::Lookup {
                path: path.clone(),
                message,
            };
            let text = std::fs::read_to_string(&path).map_err(|e| err(e.to_string()))?;
            let csv = path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
            for (i, line) in text.lines().enumerate() {
                let n = i + 1;
                if (spec.header && i == 0) || line.trim().is_empty() || line.starts_with('#') {
                    continue;
                }
                let fields = if csv {
                    csv_fields(line).map_err(|m| err(format!("line {n}: {m}")))?
                } else {
                    line.split('\t').map(str::to_owned).collect()
                };
                let [key, value, ..] = fields.as_slice() else {
                    let sep = if csv { "comma" } else { "tab" };
                    return Err(err(format!(
                        "line {n}: expected two {sep}-separated columns, got {line:?}"
                    )));
                };
                add(key, value, format!("line {n}")).map_err(err)?;
            }
        }
        if let Some(map) = &spec.map {
            for (key, value) in map {
                add(key, value, "the inline map".to_owned()).map_err(|message| {
                    CompileError::Lookup {
                        path: spec.file.clone().unwrap_or_else(|| "<map>".into()),
                        message,
                    }
                })?;
            }
        }
        if spec.file.is_none() && spec.map.is_none() {
            return Err(CompileError::Lookup {
                path: "<none>".into(),
                message: "give a `file` or a `map`".to_owned(),
            });
        }
        Ok(LookupTable {
            entries,
            miss: spec.miss,
            default: spec.default.clone(),
        })
    }

    /// Look a value up (trimmed).
    pub fn get(&self, value: &str) -> Hit<'_> {
        if let Some(v) = self.entries.get(value.trim()) {
            return Hit::Found(v);
        }
        if let Some(d) = &self.default {
            return Hit::Found(d);
        }
        match self.miss {
            MissPolicy::Keep => Hit::Keep,
            MissPolicy::Drop => Hit::Drop,
            MissPolicy::Error => Hit::Error,
        }
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the table has no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_lines() {
        assert_eq!(csv_fields("a,b").unwrap(), vec!["a", "b"]);
        assert_eq!(
            csv_fields(r#""a, b","say ""hi""""#).unwrap(),
            vec!["a, b", r#"say "hi""#]
        );
        assert_eq!(csv_fields("a,").unwrap(), vec!["a", ""]);
        assert!(csv_fields(r#""open"#).is_err());
        assert_eq!(csv_fields("").unwrap(), vec![""]);
    }

    #[test]
    fn files() {
        let dir = std::env::temp_dir().join(format!("crosswalk-lookup-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("t.tsv"),
            "# relators\naut\tauthor\nedt\teditor\textra\n\n",
        )
        .unwrap();
        std::fs::write(
            dir.join("t.csv"),
            "code,label\n\"a,b\",x\nc,\"y \"\"z\"\"\"\n",
        )
        .unwrap();
        std::fs::write(dir.join("bad.tsv"), "aut\tauthor\nnotab\n").unwrap();
        std::fs::write(dir.join("dup.tsv"), "aut\tauthor\naut\twriter\n").unwrap();
        let spec = |file: &str| LookupSpec {
            file: Some(file.into()),
            map: None,
            miss: MissPolicy::Keep,
            default: None,
            header: false,
        };
        let t = LookupTable::load(&spec("t.tsv"), &dir).unwrap();
        assert_eq!(t.len(), 2);
        assert_eq!(t.get(" aut "), Hit::Found("author"));
        assert_eq!(t.get("edt"), Hit::Found("editor"));
        assert_eq!(t.get("xxx"), Hit::Keep);
        let t = LookupTable::load(
            &LookupSpec {
                header: true,
                ..spec("t.csv")
            },
            &dir,
        )
        .unwrap();
        assert_eq!(t.get("a,b"), Hit::Found("x"));
        assert_eq!(t.get("c"), Hit::Found("y \"z\""));
        assert_eq!(t.get("code"), Hit::Keep);
        let e = LookupTable::load(&spec("bad.tsv"), &dir).unwrap_err();
        assert!(
            e.to_string()
                .contains("line 2: expected two tab-separated columns"),
            "{e}"
        );
        let e = LookupTable::load(&spec("dup.tsv"), &dir).unwrap_err();
        assert!(e.to_string().contains("line 2: key \"aut\""), "{e}");
        let e = LookupTable::load(&spec("missing.tsv"), &dir).unwrap_err();
        assert!(e.to_string().starts_with("lookup: "), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
