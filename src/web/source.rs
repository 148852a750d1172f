//! A record's source, read again from its file: MARC as a tagged display, EAD and DC as the XML
//! of the record's element.
//!
//! The store keeps where a record came from (`cw:sourceFile` relative to the configuration,
//! `cw:byteOffset`, `cw:recordNumber`, `cw:line`), not its bytes. ISO 2709 is read with the
//! crate's lenient reader from the offset (MARC-8 decoded as in a run); MARCXML and MARC-in-JSON
//! are read record by record up to the record's number; for XML the element that starts at the
//! offset is cut out with its end tag.

use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::{Component, Path};

use quick_xml::events::Event;

use crate::marc::{AnyReader, RecordBuf};
use crate::sniff::Syntax;

/// At most this much XML is shown of one record (an EAD collection with its components can be
/// large); the display says when it was cut.
const MAX_XML: usize = 64 * 1024;

/// Records read at the most to reach a MARCXML or MARC-in-JSON record by its number.
const MAX_RECORDS_SCANNED: u64 = 200_000;

/// Where a record is in its file, as its provenance says.
#[derive(Debug, Clone, Default)]
pub struct Location {
    /// `marc`, `ead` or `dc`.
    pub format: String,
    /// Relative to the configuration's folder.
    pub file: String,
    /// Byte offset of the record (ISO 2709) or of its element (XML).
    pub offset: Option<u64>,
    /// 1-based ordinal in its file.
    pub number: Option<u64>,
}

/// A source record ready to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// MARC: the leader and one line per field (`245 10 $aTitle`).
    Marc {
        /// The leader.
        leader: String,
        /// Tagged lines.
        fields: Vec<String>,
    },
    /// EAD or DC: the record's XML, and whether it was cut at [`MAX_XML`].
    Xml {
        /// The XML text.
        text: String,
        /// Cut short.
        truncated: bool,
    },
}

/// Why a source record could not be shown.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// The path leaves the configuration's folder (an absolute path or `..` is allowed only as
    /// the configuration wrote it; the store's value is checked against the files it names).
    #[error("the source file {0} is not among the configuration's files")]
    NotListed(String),
    /// The file could not be read.
    #[error("could not read {file}: {error}")]
    Io {
        /// The file.
        file: String,
        /// What failed.
        #[source]
        error: std::io::Error,
    },
    /// The record is not where the provenance says.
    #[error("no record at the recorded place in {0} (the file changed since the run?)")]
    NotFound(String),
}

/// Reads the record at `location` below `dir`, when `allowed` (the files the configuration's
/// globs match, relative to `dir` as the run recorded them) lists its file.
pub fn read(dir: &Path, allowed: &[String], location: &Location) -> Result<Source, SourceError> {
    if !allowed.iter().any(|f| f == &location.file)
        || Path::new(&location.file)
            .components()
            .any(|c| matches!(c, Component::Prefix(_)))
    {
        return Err(SourceError::NotListed(location.file.clone()));
    }
    let path = dir.join(&location.file);
    let io = |error| SourceError::Io {
        file: location.file.clone(),
        error,
    };
    match location.format.as_str() {
        "marc" => read_marc(&path, location).map_err(io)?,
        _ => read_xml(&path, location).map_err(io)?,
    }
    .ok_or_else(|| SourceError::NotFound(location.file.clone()))
}

fn read_marc(path: &Path, location: &Location) -> std::io::Result<Option<Source>> {
    let name = path.display().to_string();
    let syntax = AnyReader::open(path, None, true)?.syntax();
    let mut record = RecordBuf::new();
    let found = match (syntax, location.offset) {
        (Syntax::Iso2709, Some(offset)) => {
            let mut file = File::open(path)?;
            file.seek(SeekFrom::Start(offset))?;
            let mut reader = AnyReader::new(BufReader::new(file), &name, Some(syntax), true)?;
            reader.read_record(&mut record).unwrap_or(false)
        }
        _ => {
            let Some(number) = location.number else {
                return Ok(None);
            };
            let mut reader = AnyReader::open(path, Some(syntax), true)?;
            let mut n = 0;
            let mut found = false;
            while n < number.min(MAX_RECORDS_SCANNED) {
                match reader.read_record(&mut record) {
                    Ok(true) => n += 1,
                    Ok(false) | Err(_) => break,
                }
                found = n == number;
            }
            found
        }
    };
    if !found {
        return Ok(None);
    }
    Ok(Some(Source::Marc {
        leader: record.leader().to_text(),
        fields: record.fields().map(|f| f.to_string()).collect(),
    }))
}

fn read_xml(path: &Path, location: &Location) -> std::io::Result<Option<Source>> {
    let Some(offset) = location.offset else {
        return Ok(None);
    };
    let mut file = File::open(path)?;
    file.seek(SeekFrom::Start(offset))?;
    let mut bytes = Vec::new();
    file.take(MAX_XML as u64 * 4).read_to_end(&mut bytes)?;
    if bytes.first() != Some(&b'<') {
        return Ok(None);
    }
    let end = element_end(&bytes);
    let (cut, truncated) = match end {
        Some(end) if end <= MAX_XML => (&bytes[..end], false),
        Some(_) | None => (&bytes[..MAX_XML.min(bytes.len())], true),
    };
    Ok(Some(Source::Xml {
        text: String::from_utf8_lossy(cut).into_owned(),
        truncated,
    }))
}

/// The byte after the end tag of the element that starts `bytes`, when it ends within them.
fn element_end(bytes: &[u8]) -> Option<usize> {
    let mut reader = quick_xml::Reader::from_reader(bytes);
    reader.config_mut().check_end_names = false;
    let mut depth = 0usize;
    let mut buf = Vec::new();
    loop {
        let event = reader.read_event_into(&mut buf).ok()?;
        match event {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return usize::try_from(reader.buffer_position()).ok();
                }
            }
            Event::Empty(_) if depth == 0 => {
                return usize::try_from(reader.buffer_position()).ok();
            }
            Event::Eof => return None,
            _ => {}
        }
        buf.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn element_ends() {
        let xml = b"<c id=\"a\"><did><unittitle>T</unittitle></did><c/></c>\n<c id=\"b\"/>";
        assert_eq!(element_end(xml), Some(53));
        assert_eq!(element_end(b"<a/><b/>"), Some(4));
        assert_eq!(element_end(b"<a><b>"), None);
    }
}
