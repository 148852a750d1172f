//! Positions and diagnostics shared by every format reader.
//!
//! Every error and every repair a reader reports says **where** (file, record ordinal, byte offset or
//! line:column, record id, field) and **what** (a typed kind plus a human message). Display prints
//! 1-based record, line and column numbers and 0-based byte offsets, as `yaz-marcdump` and `xmllint` do.

use std::fmt;
use std::sync::Arc;

/// Where something is in an input stream.
///
/// `record` is the 1-based ordinal of the record (or EAD component / DC record) in its file, 0 when
/// not inside a record. `byte` is the 0-based byte offset in the file. `line` and `column` are 1-based
/// and 0 when unknown (binary formats).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Position {
    /// 1-based record ordinal, 0 when unknown or not applicable.
    pub record: u64,
    /// 0-based byte offset in the input.
    pub byte: u64,
    /// 1-based line, 0 when unknown.
    pub line: u64,
    /// 1-based column (in bytes), 0 when unknown.
    pub column: u64,
}

impl Position {
    /// A position in a binary stream: record ordinal and byte offset.
    pub fn binary(record: u64, byte: u64) -> Self {
        Self {
            record,
            byte,
            line: 0,
            column: 0,
        }
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut sep = "";
        if self.record > 0 {
            write!(f, "record {}", self.record)?;
            sep = ", ";
        }
        if self.line > 0 {
            write!(f, "{sep}line {}:{}", self.line, self.column)?;
        } else {
            write!(f, "{sep}byte {}", self.byte)?;
        }
        Ok(())
    }
}

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Informational: nothing was lost.
    Info,
    /// Something was repaired; the record was kept.
    Warning,
    /// The record (or document) could not be used.
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// Everything that locates a diagnostic: file, position, record id and the field/element concerned.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Location {
    /// The file (or stream name) the record came from, when the reader was told.
    pub file: Option<Arc<str>>,
    /// Record ordinal, byte offset, line and column.
    pub position: Position,
    /// The record's identifier when known (MARC 001, EAD unitid/id, OAI identifier).
    pub record_id: Option<String>,
    /// The field, element or attribute concerned, e.g. `245`, `245$a`, `leader/09`, `directory[3]`,
    /// `c02/did/unitdate/@normal`.
    pub field: Option<String>,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{file}: ")?;
        }
        write!(f, "{}", self.position)?;
        if let Some(id) = &self.record_id {
            write!(f, " (id {id})")?;
        }
        if let Some(field) = &self.field {
            write!(f, ", {field}")?;
        }
        Ok(())
    }
}

/// One repair, warning or rejection reported by a reader.
///
/// `kind` is a stable, machine-readable, kebab-case name (for example `record-length-mismatch`);
/// each format module documents its kinds. `message` says what was wrong and what was done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// How serious it is.
    pub severity: Severity,
    /// Stable kebab-case kind name, e.g. `record-length-mismatch`.
    pub kind: &'static str,
    /// Where.
    pub location: Location,
    /// What, in words.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} [{}]: {}",
            self.location, self.severity, self.kind, self.message
        )
    }
}

impl std::error::Error for Diagnostic {}
