//! The streaming MARCXML reader.

use std::io::BufRead;
use std::sync::Arc;

use super::build::{push_nfc, RecordCheck};
use super::{Error, MARC21_NS};
use crate::diagnostic::Position;
use crate::marc::{RecordBuf, Tag};
use crate::xml::{StartTag, XmlConfig, XmlError, XmlEvent, XmlReader};

/// Reads MARC records from a MARCXML document, one at a time. See the [module docs](super).
///
/// ```
/// use crosswalk::marc::{xml::Reader, RecordBuf};
/// let doc = r#"<marc:record xmlns:marc="http://www.loc.gov/MARC21/slim">
///   <marc:leader>00000cam a2200000 a 4500</marc:leader>
///   <marc:datafield tag="245" ind1="0" ind2="0"><marc:subfield code="a">Title</marc:subfield></marc:datafield>
/// </marc:record>"#;
/// let mut reader = Reader::new(doc.as_bytes()).source_name("one.xml");
/// let mut rec = RecordBuf::new();
/// assert!(reader.read_record(&mut rec)?);
/// assert_eq!(rec.fields_with_tag("245").next().unwrap().subfield('a'), Some("Title"));
/// assert_eq!((rec.position().record, rec.position().line), (1, 1));
/// assert!(!reader.read_record(&mut rec)?);
/// # Ok::<(), crosswalk::marc::xml::Error>(())
/// ```
pub struct Reader<R: BufRead> {
    xml: XmlReader<R>,
    source: Option<Arc<str>>,
    lenient: bool,
    /// Local names of the open elements outside records.
    ancestors: Vec<crate::xml::Name>,
    ordinal: u64,
    done: bool,
    text: String,
    tag: String,
    ind1: String,
    ind2: String,
    code: String,
}

/// Copies attribute `name` of `t` into `out`; false when the attribute is absent.
fn copy_attr(t: &StartTag, name: &str, out: &mut String) -> bool {
    out.clear();
    match t.attr(name) {
        Some(v) => {
            out.push_str(v);
            true
        }
        None => false,
    }
}

fn present(has: bool, s: &str) -> Option<&str> {
    has.then_some(s)
}

impl<R: BufRead> Reader<R> {
    /// A strict reader over `reader` with the default XML limits.
    pub fn new(reader: R) -> Self {
        Self::with_xml_config(reader, XmlConfig::default())
    }

    /// A strict reader with the given XML limits (depth, token and text sizes).
    pub fn with_xml_config(reader: R, config: XmlConfig) -> Self {
        Self {
            xml: XmlReader::with_config(reader, config),
            source: None,
            lenient: false,
            ancestors: Vec::new(),
            ordinal: 0,
            done: false,
            text: String::new(),
            tag: String::new(),
            ind1: String::new(),
            ind2: String::new(),
            code: String::new(),
        }
    }

    /// Names the input (a file path) in every position, diagnostic and error.
    #[must_use]
    pub fn source_name(mut self, name: impl Into<Arc<str>>) -> Self {
        let name = name.into();
        self.source = Some(name.clone());
        self.xml = self.xml.with_source_name(name);
        self
    }

    /// Lenient mode: repair record problems and report them as warnings instead of rejecting the
    /// record. Default: `false` (strict). The kinds and repairs are listed in the [module
    /// docs](super).
    #[must_use]
    pub fn lenient(mut self, yes: bool) -> Self {
        self.lenient = yes;
        self
    }

    /// Reads the next record into `rec` (which is cleared first and keeps its allocations).
    ///
    /// Returns `Ok(false)` at the end of the document, and after an XML error. An
    /// [`Error::Record`] rejects one record; call again for the next.
    pub fn read_record(&mut self, rec: &mut RecordBuf) -> Result<bool, Error> {
        if self.done {
            return Ok(false);
        }
        loop {
            let event = match self.xml.next_event() {
                Ok(ev) => ev,
                Err(e) => return Err(self.fail(e, None)),
            };
            match event {
                XmlEvent::Start(t) => {
                    let is_record = t.name == "record"
                        && match t.ns.as_deref() {
                            Some(ns) => ns == MARC21_NS,
                            None => self.ancestors.last().is_none_or(|p| p == "collection"),
                        };
                    if is_record {
                        let position = t.position;
                        self.read_one(rec, position)?;
                        return Ok(true);
                    }
                    self.ancestors.push(t.name.clone());
                }
                XmlEvent::End(_) => {
                    self.ancestors.pop();
                }
                XmlEvent::Text(_) => {}
                XmlEvent::Eof => {
                    self.done = true;
                    return Ok(false);
                }
            }
        }
    }

    /// An iterator over the remaining records, each a new [`RecordBuf`]. It ends after the last
    /// record or after an XML error (which it yields).
    pub fn records(&mut self) -> Records<'_, R> {
        crate::records::Records::new(self)
    }

    /// Number of records met so far (read, repaired or rejected).
    pub fn record_count(&self) -> u64 {
        self.ordinal
    }

    /// Ends reading after an XML error, adding the record ordinal and 001 to its location.
    fn fail(&mut self, mut e: XmlError, rec: Option<&RecordBuf>) -> Error {
        self.done = true;
        if let Some(rec) = rec {
            let loc = e.location_mut();
            loc.position.record = self.ordinal;
            loc.record_id = rec.id().map(str::to_owned);
        }
        Error::Xml(e)
    }

    /// Reads one record after its start tag, through its end tag.
    fn read_one(&mut self, rec: &mut RecordBuf, mut position: Position) -> Result<(), Error> {
        self.ordinal += 1;
        position.record = self.ordinal;
        rec.clear();
        rec.set_position(position);
        let mut check = RecordCheck::new(self.lenient, self.source.clone(), position);
        let mut seen_leader = false;
        loop {
            let event = match self.xml.next_event() {
                Ok(ev) => ev,
                Err(e) => return Err(self.fail(e, Some(rec))),
            };
            match event {
                XmlEvent::Start(t) => {
                    let at = t.position;
                    match t.name.as_str() {
                        "leader" => {
                            self.read_text(rec, &mut check)?;
                            if seen_leader {
                                check.report(
                                    rec,
                                    "leader-repeated",
                                    Some(at),
                                    Some("leader".into()),
                                    "the record has a second leader".into(),
                                    "the first was kept",
                                );
                            } else {
                                seen_leader = true;
                                check.leader(rec, Some(&self.text), Some(at));
                            }
                        }
                        "controlfield" => {
                            let has_tag = copy_attr(t, "tag", &mut self.tag);
                            self.read_text(rec, &mut check)?;
                            if let Some(tag) = check.tag(rec, present(has_tag, &self.tag), Some(at))
                            {
                                let text = &self.text;
                                rec.push_control_field_with(tag, |s| push_nfc(s, text));
                            }
                        }
                        "datafield" => {
                            let has_tag = copy_attr(t, "tag", &mut self.tag);
                            let has1 = copy_attr(t, "ind1", &mut self.ind1);
                            let has2 = copy_attr(t, "ind2", &mut self.ind2);
                            match check.tag(rec, present(has_tag, &self.tag), Some(at)) {
                                Some(tag) => {
                                    let i1 = check.indicator(
                                        rec,
                                        tag,
                                        1,
                                        present(has1, &self.ind1),
                                        Some(at),
                                    );
                                    let i2 = check.indicator(
                                        rec,
                                        tag,
                                        2,
                                        present(has2, &self.ind2),
                                        Some(at),
                                    );
                                    rec.push_data_field(tag, i1, i2);
                                    self.read_subfields(rec, &mut check, tag)?;
                                }
                                None => {
                                    if let Err(e) = self.xml.skip_element() {
                                        return Err(self.fail(e, Some(rec)));
                                    }
                                }
                            }
                        }
                        other => {
                            let name = other.to_owned();
                            self.skip_unknown(rec, &mut check, &name, at, "a record")?;
                        }
                    }
                }
                XmlEvent::Text(s) => {
                    if !is_xml_space(s) {
                        check.note(
                            rec,
                            "unexpected-text",
                            None,
                            "text directly inside a record was skipped".into(),
                        );
                    }
                }
                XmlEvent::End(_) => {
                    if !seen_leader {
                        check.leader(rec, None, None);
                    }
                    return check.finish(rec).map_err(Error::Record);
                }
                XmlEvent::Eof => unreachable!("the XML reader reports EOF inside an element"),
            }
        }
    }

    /// Reads the subfields of a data field through its end tag.
    fn read_subfields(
        &mut self,
        rec: &mut RecordBuf,
        check: &mut RecordCheck,
        tag: Tag,
    ) -> Result<(), Error> {
        loop {
            let event = match self.xml.next_event() {
                Ok(ev) => ev,
                Err(e) => return Err(self.fail(e, Some(rec))),
            };
            match event {
                XmlEvent::Start(t) if t.name == "subfield" => {
                    let at = t.position;
                    let has_code = copy_attr(t, "code", &mut self.code);
                    self.read_text(rec, check)?;
                    let (code, rest) =
                        check.code(rec, tag, present(has_code, &self.code), Some(at));
                    let text = &self.text;
                    rec.push_subfield_with(code, |s| {
                        if rest.is_empty() {
                            push_nfc(s, text);
                        } else {
                            push_nfc(s, &format!("{rest}{text}"));
                        }
                    });
                }
                XmlEvent::Start(t) => {
                    let (name, at) = (t.name.clone(), t.position);
                    self.skip_unknown(rec, check, &name, at, "a data field")?;
                }
                XmlEvent::Text(s) => {
                    if !is_xml_space(s) {
                        check.note(
                            rec,
                            "unexpected-text",
                            None,
                            format!("text directly inside data field {tag} was skipped"),
                        );
                    }
                }
                XmlEvent::End(_) => return Ok(()),
                XmlEvent::Eof => unreachable!("the XML reader reports EOF inside an element"),
            }
        }
    }

    /// Reads the text of the element just started into `self.text`, through its end tag.
    fn read_text(&mut self, rec: &mut RecordBuf, check: &mut RecordCheck) -> Result<(), Error> {
        self.text.clear();
        loop {
            let event = match self.xml.next_event() {
                Ok(ev) => ev,
                Err(e) => return Err(self.fail(e, Some(rec))),
            };
            match event {
                XmlEvent::Text(s) => self.text.push_str(s),
                XmlEvent::Start(t) => {
                    let (name, at) = (t.name.clone(), t.position);
                    self.skip_unknown(rec, check, &name, at, "a value")?;
                }
                XmlEvent::End(_) => return Ok(()),
                XmlEvent::Eof => unreachable!("the XML reader reports EOF inside an element"),
            }
        }
    }

    /// Skips the element just started (not a MARC element where it stands), with a note.
    fn skip_unknown(
        &mut self,
        rec: &mut RecordBuf,
        check: &mut RecordCheck,
        name: &str,
        at: Position,
        inside: &str,
    ) -> Result<(), Error> {
        let message = format!("the element <{name}> inside {inside} was skipped, with its content");
        if let Err(e) = self.xml.skip_element() {
            return Err(self.fail(e, Some(rec)));
        }
        check.note(rec, "unknown-element", Some(at), message);
        Ok(())
    }
}

fn is_xml_space(s: &str) -> bool {
    s.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
}

/// Iterator over the records of a [`Reader`], from [`Reader::records`].
pub type Records<'r, R> = crate::records::Records<'r, Reader<R>>;

impl<R: BufRead> crate::records::ReadRecord for Reader<R> {
    type Record = RecordBuf;
    type Error = Error;

    fn read_record(&mut self, record: &mut RecordBuf) -> Result<bool, Error> {
        Reader::read_record(self, record)
    }
}
