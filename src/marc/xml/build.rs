//! Checks shared by the text-based MARC readers (MARCXML and MARC-in-JSON): leader, tag, indicator
//! and subfield-code validation with their lenient repairs, and NFC normalisation of values.
//!
//! In both formats the record's parts arrive as text, so the same rules apply; each problem is
//! reported under one kebab-case kind whatever the format (see the module docs of
//! [`marc::xml`](crate::marc::xml) and [`marc::json`](crate::marc::json)).

use std::sync::Arc;

use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

use crate::diagnostic::{Diagnostic, Location, Position, Severity};
use crate::marc::{Leader, RecordBuf, Tag};

/// Appends `s` to `out` in Unicode NFC, copying directly when `s` is ASCII or already NFC.
pub(crate) fn push_nfc(out: &mut String, s: &str) {
    if s.is_ascii() || is_nfc_quick(s.chars()) == IsNormalized::Yes {
        out.push_str(s);
    } else {
        out.extend(s.nfc());
    }
}

/// Collects the problems of one record being read: in lenient mode they become warnings on the
/// record, in strict mode the first one becomes the record's error (see [`RecordCheck::finish`]).
pub(crate) struct RecordCheck {
    lenient: bool,
    source: Option<Arc<str>>,
    position: Position,
    error: Option<Diagnostic>,
    errors: usize,
}

impl RecordCheck {
    /// Starts checking the record at `position`.
    pub(crate) fn new(lenient: bool, source: Option<Arc<str>>, position: Position) -> Self {
        Self {
            lenient,
            source,
            position,
            error: None,
            errors: 0,
        }
    }

    /// Reports a problem at `at` (the element's position, or the record's when `None`).
    ///
    /// `repair` says what lenient mode did about it (appended to the message in lenient mode).
    pub(crate) fn report(
        &mut self,
        rec: &mut RecordBuf,
        kind: &'static str,
        at: Option<Position>,
        field: Option<String>,
        message: String,
        repair: &str,
    ) {
        let mut position = at.unwrap_or(self.position);
        position.record = self.position.record;
        let location = Location {
            file: self.source.clone(),
            position,
            record_id: None,
            field,
        };
        if self.lenient {
            rec.push_diagnostic(Diagnostic {
                severity: Severity::Warning,
                kind,
                location,
                message: format!("{message}; {repair}"),
            });
        } else {
            self.errors += 1;
            if self.error.is_none() {
                self.error = Some(Diagnostic {
                    severity: Severity::Error,
                    kind,
                    location,
                    message,
                });
            }
        }
    }

    /// Reports something that is skipped in both modes (nothing MARC can carry is lost).
    pub(crate) fn note(
        &mut self,
        rec: &mut RecordBuf,
        kind: &'static str,
        at: Option<Position>,
        message: String,
    ) {
        let mut position = at.unwrap_or(self.position);
        position.record = self.position.record;
        rec.push_diagnostic(Diagnostic {
            severity: Severity::Info,
            kind,
            location: Location {
                file: self.source.clone(),
                position,
                record_id: None,
                field: None,
            },
            message,
        });
    }

    /// Sets the leader from its text (`None`: the record has none).
    ///
    /// Kinds: `leader-missing` (repair: the default leader), `leader-invalid` (not 24 ASCII
    /// characters; repair: non-ASCII characters become blanks, then blank-padded or cut to 24).
    pub(crate) fn leader(&mut self, rec: &mut RecordBuf, text: Option<&str>, at: Option<Position>) {
        let Some(text) = text else {
            self.report(
                rec,
                "leader-missing",
                at,
                Some("leader".into()),
                "the record has no leader".into(),
                "the default leader was used",
            );
            return;
        };
        if text.len() == 24 && text.is_ascii() {
            let mut bytes = [0u8; 24];
            bytes.copy_from_slice(text.as_bytes());
            rec.set_leader(Leader(bytes));
            return;
        }
        let mut bytes = [b' '; 24];
        for (b, c) in bytes.iter_mut().zip(text.chars()) {
            *b = if c.is_ascii() { c as u8 } else { b' ' };
        }
        rec.set_leader(Leader(bytes));
        self.report(
            rec,
            "leader-invalid",
            at,
            Some("leader".into()),
            if text.is_ascii() {
                format!("the leader {text:?} has {} characters, not 24", text.len())
            } else {
                format!("the leader {text:?} has characters other than ASCII")
            },
            "blank-padded, cut or blanked to 24 ASCII characters",
        );
    }

    /// Checks a tag; `None` means the field is to be dropped (lenient) or the record rejected.
    ///
    /// Kinds: `tag-missing` (repair: the field is dropped), `tag-invalid` (not three ASCII letters or
    /// digits; repair: one or two digits are zero-padded on the left, a three-character ASCII tag
    /// is kept as it is, anything else drops the field).
    pub(crate) fn tag(
        &mut self,
        rec: &mut RecordBuf,
        text: Option<&str>,
        at: Option<Position>,
    ) -> Option<Tag> {
        let Some(text) = text else {
            self.report(
                rec,
                "tag-missing",
                at,
                None,
                "a field has no tag".into(),
                "the field was dropped",
            );
            return None;
        };
        if let Some(tag) = Tag::parse(text).filter(Tag::is_valid) {
            return Some(tag);
        }
        let (repaired, repair) =
            if !text.is_empty() && text.len() < 3 && text.bytes().all(|b| b.is_ascii_digit()) {
                let padded = format!("{text:0>3}");
                (Tag::parse(&padded), "zero-padded to three digits")
            } else if let Some(tag) = Tag::parse(text) {
                (Some(tag), "kept as it is")
            } else {
                (None, "the field was dropped")
            };
        self.report(
            rec,
            "tag-invalid",
            at,
            Some(text.to_owned()),
            format!("the tag {text:?} is not three ASCII letters or digits"),
            repair,
        );
        repaired
    }

    /// Checks an indicator (`which` is 1 or 2).
    ///
    /// Kind `indicator-invalid`: missing, empty, longer than one character or a control character;
    /// repair: blank.
    pub(crate) fn indicator(
        &mut self,
        rec: &mut RecordBuf,
        tag: Tag,
        which: u8,
        text: Option<&str>,
        at: Option<Position>,
    ) -> char {
        let mut chars = text.unwrap_or_default().chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) if !c.is_control() => c,
            _ => {
                let what = match text {
                    None => "missing".to_owned(),
                    Some(t) => format!("{t:?}"),
                };
                self.report(
                    rec,
                    "indicator-invalid",
                    at,
                    Some(format!("{tag}/ind{which}")),
                    format!("indicator {which} of field {tag} is {what}, not one character"),
                    "a blank was used",
                );
                ' '
            }
        }
    }

    /// Checks a subfield code; returns the code and, for a code of several characters, the rest,
    /// which lenient mode puts before the value (as an ISO 2709 reader would see it).
    ///
    /// Kind `subfield-code-invalid`: missing, empty, longer than one character or a control
    /// character; repair: the first character is the code and the rest goes before the value, a
    /// missing or empty code becomes a blank.
    pub(crate) fn code<'t>(
        &mut self,
        rec: &mut RecordBuf,
        tag: Tag,
        text: Option<&'t str>,
        at: Option<Position>,
    ) -> (char, &'t str) {
        let t = text.unwrap_or_default();
        let mut chars = t.chars();
        let first = chars.next();
        let rest = chars.as_str();
        match first {
            Some(c) if rest.is_empty() && !c.is_control() => (c, ""),
            _ => {
                let what = match text {
                    None => "missing".to_owned(),
                    Some(t) => format!("{t:?}"),
                };
                let (code, rest, repair) = match first {
                    Some(c) if !c.is_control() => (
                        c,
                        rest,
                        "its first character is the code, the rest starts the value",
                    ),
                    _ => (' ', "", "a blank code was used"),
                };
                self.report(
                    rec,
                    "subfield-code-invalid",
                    at,
                    Some(format!("{tag}$")),
                    format!("a subfield code of field {tag} is {what}, not one character"),
                    repair,
                );
                (code, rest)
            }
        }
    }

    /// Ends the record: fills the record id into every diagnostic, and in strict mode turns the
    /// first problem into the record's error.
    pub(crate) fn finish(self, rec: &mut RecordBuf) -> Result<(), Box<Diagnostic>> {
        let id = rec.id().map(str::to_owned);
        if let Some(mut error) = self.error {
            error.location.record_id = id;
            if self.errors > 1 {
                error.message.push_str(&format!(
                    " (and {} more problem(s) in this record)",
                    self.errors - 1
                ));
            }
            return Err(Box::new(error));
        }
        if id.is_some() {
            let mut diags = rec.take_diagnostics();
            for d in &mut diags {
                d.location.record_id.clone_from(&id);
            }
            for d in diags {
                rec.push_diagnostic(d);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nfc_fast_and_slow_paths() {
        let mut s = String::new();
        push_nfc(&mut s, "abc");
        push_nfc(&mut s, "Fran\u{0063}\u{0327}ais");
        assert_eq!(s, "abcFran\u{00e7}ais");
    }

    #[test]
    fn repairs() {
        let mut rec = RecordBuf::new();
        let mut c = RecordCheck::new(true, None, Position::default());
        assert_eq!(c.tag(&mut rec, Some("42"), None), Tag::parse("042"));
        assert_eq!(c.tag(&mut rec, Some("24500"), None), None);
        assert_eq!(c.tag(&mut rec, Some("0 1"), None), Tag::parse("0 1"));
        let t = Tag::parse("245").unwrap();
        assert_eq!(c.indicator(&mut rec, t, 1, Some(""), None), ' ');
        assert_eq!(c.code(&mut rec, t, Some("ab"), None), ('a', "b"));
        c.leader(&mut rec, Some("short"), None);
        assert_eq!(&rec.leader().0[..7], b"short  ");
        assert_eq!(rec.diagnostics().len(), 6);
        assert!(c.finish(&mut rec).is_ok());
        let mut strict = RecordCheck::new(false, None, Position::default());
        strict.leader(&mut rec, None, None);
        assert_eq!(strict.finish(&mut rec).unwrap_err().kind, "leader-missing");
    }
}
