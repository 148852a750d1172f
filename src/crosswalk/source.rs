//! Reading the records of any format for the crosswalk engine: one [`Source`] trait per record
//! type, so that `convert`, `mapping test`, `explain` and `coverage` treat MARC, EAD and DC alike.

use std::io::BufRead;
use std::sync::Arc;

use crate::dc;
use crate::diagnostic::Location;
use crate::ead;
use crate::marc::{AnyReader, RecordBuf};
use crate::select::Selectable;

/// One record, or a problem that rejected one (or ended the input).
pub enum Item<R> {
    /// A record and where it came from.
    Record(R, Location),
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
    },
}

/// A record type the engine can read from a byte stream.
pub trait Source: Selectable + Sized {
    /// Reads every record of `input` (named `name`), calling `each`; returning `false` from
    /// `each` stops early.
    fn read_all<B: BufRead>(input: B, name: &str, each: &mut dyn FnMut(Item<Self>) -> bool);
}

impl Source for RecordBuf {
    fn read_all<B: BufRead>(input: B, name: &str, each: &mut dyn FnMut(Item<Self>) -> bool) {
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
                });
                return;
            }
        };
        let file: Arc<str> = name.into();
        loop {
            let mut rec = RecordBuf::new();
            match reader.read_record(&mut rec) {
                Ok(true) => {
                    let location = located(&file, rec.position(), rec.id().map(str::to_string));
                    if !each(Item::Record(rec, location)) {
                        return;
                    }
                }
                Ok(false) => return,
                Err(e) => {
                    let fatal = e.fatal;
                    let go_on = each(Item::Problem {
                        message: e.to_string(),
                        kind: e.kind,
                        location: e.location.clone(),
                        fatal,
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
                    });
                    return;
                }
            }
        }
    }
}

impl Source for dc::Record {
    fn read_all<B: BufRead>(input: B, name: &str, each: &mut dyn FnMut(Item<Self>) -> bool) {
        let mut reader = dc::Reader::new(input).source_name(name);
        let file: Arc<str> = name.into();
        loop {
            let mut rec = dc::Record::default();
            match reader.read_record(&mut rec) {
                Ok(true) => {
                    if rec.is_deleted() {
                        continue;
                    }
                    let location = located(&file, rec.position(), rec.id().map(str::to_string));
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
