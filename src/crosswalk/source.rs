//! Reading the records of any format for the crosswalk engine: one [`Source`] trait per record
//! type, so that `convert`, `mapping test`, `explain` and `coverage` treat MARC, EAD and DC alike.

use std::borrow::Cow;
use std::io::BufRead;
use std::sync::Arc;

use super::{AnyMapping, Mapping};

use crate::dc;
use crate::diagnostic::Location;
use crate::ead;
use crate::marc::{AnyReader, RecordBuf};
use crate::select::Selectable;

/// One record, or a problem that rejected one (or ended the input).
pub enum Item<R> {
    /// A record and where it came from.
    Record(R, Location),
    /// A deletion notice: the source says the record with this id no longer exists (an OAI-PMH
    /// header with `status="deleted"`). A run removes the record's graphs.
    Deleted(String, Location),
    /// A rejected record or a failure; `fatal` ends the input.
    Problem {
        /// Where and what.
        message: String,
        /// Stable kind name.
        kind: &'static str,
        /// Where.
        location: Location,
        /// The input cannot be read further.
        fatal: bool,
        /// The rejected record's bytes, when the reader could isolate them (ISO 2709, JSON), for
        /// quarantine.
        raw: Vec<u8>,
    },
}

/// A record type the engine can read from a byte stream.
pub trait Source: Selectable + Sized {
    /// Reads every record of `input` (named `name`), calling `each`; returning `false` from
    /// `each` stops early.
    fn read_all<B: BufRead>(input: B, name: &str, each: &mut dyn FnMut(Item<Self>) -> bool);

    /// [`Source::read_all`], reading each record into one that `spare` hands back (a record
    /// already used, whose allocations the next one reuses) when it has one. Record types that
    /// gain nothing from it read as `read_all` does.
    fn read_all_reusing<B: BufRead>(
        input: B,
        name: &str,
        spare: &mut dyn FnMut() -> Option<Self>,
        each: &mut dyn FnMut(Item<Self>) -> bool,
    ) {
        let _ = spare;
        Self::read_all(input, name, each);
    }

    /// The record's source form, for checksums (a rerun skips a record whose bytes did not
    /// change) and displays: the bytes it was read from where the reader keeps them (ISO 2709, DC
    /// XML), else a canonical serialisation (ISO 2709 for MARC read from MARCXML or JSON; for an
    /// EAD component its own description as XML, preceded by what it inherits). Independent of
    /// where in the file the record stands.
    fn source_bytes(&self) -> Cow<'_, [u8]>;

    /// The mapping for this record type, if `mapping` is one.
    fn mapping_of(mapping: &AnyMapping) -> Option<&Mapping<Self>>;

    /// What the reader noticed about the record (repairs, warnings).
    fn reader_diagnostics(&self) -> &[crate::Diagnostic];
}

impl Source for RecordBuf {
    fn source_bytes(&self) -> Cow<'_, [u8]> {
        if !self.raw().is_empty() {
            return Cow::Borrowed(self.raw());
        }
        let mut w = crate::marc::iso2709::Writer::new(Vec::new());
        match w.write_record(self) {
            Ok(()) => Cow::Owned(w.into_inner()),
            // A record the writer cannot encode (too long): its MARCXML form stands in.
            Err(_) => {
                let mut x = crate::marc::xml::Writer::new(Vec::new());
                let _ = x.write_record(self);
                Cow::Owned(x.finish().unwrap_or_default())
            }
        }
    }

    fn reader_diagnostics(&self) -> &[crate::Diagnostic] {
        self.diagnostics()
    }

    fn mapping_of(mapping: &AnyMapping) -> Option<&Mapping<Self>> {
        match mapping {
            AnyMapping::Marc(m) => Some(m),
            _ => None,
        }
    }

    fn read_all<B: BufRead>(input: B, name: &str, each: &mut dyn FnMut(Item<Self>) -> bool) {
        Self::read_all_reusing(input, name, &mut || None, each);
    }

    fn read_all_reusing<B: BufRead>(
        input: B,
        name: &str,
        spare: &mut dyn FnMut() -> Option<Self>,
        each: &mut dyn FnMut(Item<Self>) -> bool,
    ) {
        let mut reader = match AnyReader::new(input, name, None, true) {
            Ok(r) => r,
            Err(e) => {
                each(Item::Problem {
                    message: e.to_string(),
                    kind: "not-marc",
                    location: Location {
                        file: Some(name.into()),
                        ..Location::default()
                    },
                    fatal: true,
                    raw: Vec::new(),
                });
                return;
            }
        };
        let file: Arc<str> = name.into();
        let mut next = spare().unwrap_or_default();
        loop {
            let mut rec = std::mem::take(&mut next);
            match reader.read_record(&mut rec) {
                Ok(true) => {
                    next = spare().unwrap_or_else(|| rec.empty_like());
                    let location = located(&file, rec.position(), rec.id().map(str::to_string));
                    if !each(Item::Record(rec, location)) {
                        return;
                    }
                }
                Ok(false) => return,
                Err(e) => {
                    let fatal = e.fatal;
                    let message = e.to_string();
                    let go_on = each(Item::Problem {
                        message,
                        kind: e.kind,
                        location: e.location,
                        fatal,
                        raw: e.raw,
                    });
                    if fatal || !go_on {
                        return;
                    }
                }
            }
        }
    }
}

impl Source for ead::Component {
    fn source_bytes(&self) -> Cow<'_, [u8]> {
        let mut out = String::with_capacity(1024);
        let c = &self.context;
        for v in [
            &c.eadid,
            &c.oai_identifier,
            &c.collection_id,
            &c.collection_title,
            &c.repository,
        ] {
            out.push_str(v.as_deref().unwrap_or(""));
            out.push('\u{1f}');
        }
        if let Some(p) = &self.parent {
            out.push_str(p.record_id.as_deref().unwrap_or(""));
        }
        out.push('\u{1f}');
        out.push_str(&self.path_string());
        out.push('\u{1e}');
        self.element.write_xml(&mut out);
        Cow::Owned(out.into_bytes())
    }

    fn reader_diagnostics(&self) -> &[crate::Diagnostic] {
        &self.diagnostics
    }

    fn mapping_of(mapping: &AnyMapping) -> Option<&Mapping<Self>> {
        match mapping {
            AnyMapping::Ead(m) => Some(m),
            _ => None,
        }
    }

    fn read_all<B: BufRead>(input: B, name: &str, each: &mut dyn FnMut(Item<Self>) -> bool) {
        let mut reader = ead::Reader::new(input).source_name(name);
        let file: Arc<str> = name.into();
        loop {
            match reader.next_item() {
                Ok(Some(ead::Item::Component(c))) => {
                    let location = located(
                        &file,
                        c.position,
                        Selectable::record_id(&c).map(|s| s.into_owned()),
                    );
                    if !each(Item::Record(c, location)) {
                        return;
                    }
                }
                Ok(Some(_)) => {}
                Ok(None) => return,
                Err(e) => {
                    each(Item::Problem {
                        message: e.to_string(),
                        kind: e.kind_name(),
                        location: e.location().clone(),
                        fatal: true,
                        raw: Vec::new(),
                    });
                    return;
                }
            }
        }
    }
}

impl Source for dc::Record {
    fn source_bytes(&self) -> Cow<'_, [u8]> {
        // The OAI identifier and sets, then the metadata; the datestamp is left out so that a
        // re-harvest of an unchanged record is recognised as unchanged.
        let mut out = String::with_capacity(1024);
        if let Some(h) = &self.header {
            out.push_str(h.identifier.as_deref().unwrap_or(""));
            for set in &h.set_specs {
                out.push('\u{1f}');
                out.push_str(set);
            }
        }
        out.push('\u{1e}');
        self.tree.write_xml(&mut out);
        Cow::Owned(out.into_bytes())
    }

    fn reader_diagnostics(&self) -> &[crate::Diagnostic] {
        &self.diagnostics
    }

    fn mapping_of(mapping: &AnyMapping) -> Option<&Mapping<Self>> {
        match mapping {
            AnyMapping::Dc(m) => Some(m),
            _ => None,
        }
    }

    fn read_all<B: BufRead>(input: B, name: &str, each: &mut dyn FnMut(Item<Self>) -> bool) {
        let mut reader = dc::Reader::new(input).source_name(name);
        let file: Arc<str> = name.into();
        loop {
            let mut rec = dc::Record::default();
            match reader.read_record(&mut rec) {
                Ok(true) => {
                    let location = located(&file, rec.position(), rec.id().map(str::to_string));
                    if rec.is_deleted() {
                        if let Some(id) = rec.id().map(str::trim).filter(|id| !id.is_empty()) {
                            if !each(Item::Deleted(id.to_string(), location)) {
                                return;
                            }
                        }
                        continue;
                    }
                    if !each(Item::Record(rec, location)) {
                        return;
                    }
                }
                Ok(false) => return,
                Err(e) => {
                    each(Item::Problem {
                        message: e.to_string(),
                        kind: e.kind_name(),
                        location: e.location().clone(),
                        fatal: true,
                        raw: Vec::new(),
                    });
                    return;
                }
            }
        }
    }
}

/// Where a record was read: file, position and its own id.
fn located(file: &Arc<str>, position: crate::diagnostic::Position, id: Option<String>) -> Location {
    Location {
        file: Some(file.clone()),
        position,
        record_id: id,
        field: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a reader gives, written out: each record (fields, position, raw bytes, the reader's
    /// diagnostics) or problem.
    fn items(read: impl FnOnce(&mut dyn FnMut(Item<RecordBuf>) -> bool)) -> Vec<String> {
        let mut out = Vec::new();
        read(&mut |item| {
            out.push(match item {
                Item::Record(rec, loc) => format!(
                    "{rec:?} {:?} {loc} {:?} {:?}",
                    rec.position(),
                    rec.raw(),
                    rec.diagnostics()
                ),
                Item::Deleted(id, loc) => format!("deleted {id} {loc}"),
                Item::Problem { message, .. } => format!("problem {message}"),
            });
            true
        });
        out
    }

    #[test]
    fn records_read_into_used_ones_are_read_as_into_new_ones() {
        // A large record, a small one, records with repairs and a rejected one, as MARCXML and
        // as ISO 2709 (with a damaged record between them).
        let xml = include_bytes!("../../tests/data/marcxml-problems.xml");
        let mut big = RecordBuf::new();
        AnyReader::new(&xml[..], "x", None, true)
            .unwrap()
            .read_record(&mut big)
            .unwrap();
        for n in 0..200 {
            big.push_control_field(crate::marc::Tag::from_bytes(*b"009"), &format!("value {n}"));
        }
        let mut iso = crate::marc::iso2709::Writer::new(Vec::new());
        iso.write_record(&big).unwrap();
        let mut bytes = iso.into_inner();
        bytes.extend_from_slice(b"00050nam  2200037   4500\x1d");
        let mut small = RecordBuf::new();
        small.push_control_field(crate::marc::Tag::from_bytes(*b"001"), "small");
        let mut iso = crate::marc::iso2709::Writer::new(bytes);
        iso.write_record(&small).unwrap();
        let bytes = iso.into_inner();

        for input in [&xml[..], &bytes[..]] {
            let fresh = items(|each| RecordBuf::read_all(input, "in", each));
            // Every record is read into the one read before it, as it was handed back.
            let used = std::cell::RefCell::new(Some(big.clone()));
            let reused = items(|each| {
                RecordBuf::read_all_reusing(
                    input,
                    "in",
                    &mut || used.borrow_mut().take(),
                    &mut |item| {
                        if let Item::Record(rec, _) = &item {
                            *used.borrow_mut() = Some(rec.clone());
                        }
                        each(item)
                    },
                )
            });
            assert!(fresh.len() >= 3, "{fresh:#?}");
            assert_eq!(reused, fresh);
        }
    }
}
