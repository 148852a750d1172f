//! The streaming MARC-in-JSON reader.

use std::io::BufRead;
use std::sync::Arc;

use serde_json::{Map, Value};

use super::Error;
use crate::diagnostic::{Diagnostic, Location, Position, Severity};
use crate::marc::xml::build::{push_nfc, RecordCheck};
use crate::marc::{RecordBuf, Tag};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Between top-level values (records or arrays of records).
    Top,
    /// Inside a top-level array, before its first element.
    ArrayFirst,
    /// Inside a top-level array, after an element.
    ArrayNext,
    /// Finished (end of input, or a fatal error).
    Done,
}

/// How the value being framed started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Container,
    String,
    Scalar,
}

/// Reads MARC-in-JSON records one at a time. See the [module docs](super).
///
/// ```
/// use crosswalk::marc::{json::Reader, RecordBuf};
/// let doc = r#"[{"leader":"00000nam a2200000 a 4500","fields":[{"001":"x1"}]},
///              {"leader":"00000nam a2200000 a 4500","fields":[{"001":"x2"}]}]"#;
/// let mut reader = Reader::new(doc.as_bytes());
/// let mut rec = RecordBuf::new();
/// let mut ids = Vec::new();
/// while reader.read_record(&mut rec)? {
///     ids.push(rec.id().unwrap().to_string());
/// }
/// assert_eq!(ids, ["x1", "x2"]);
/// # Ok::<(), crosswalk::marc::json::Error>(())
/// ```
pub struct Reader<R: BufRead> {
    inner: R,
    source: Option<Arc<str>>,
    lenient: bool,
    max_record_bytes: usize,
    state: State,
    /// Bytes consumed so far.
    byte: u64,
    /// 1-based line of the next byte.
    line: u64,
    /// Offset of the first byte of the current line.
    line_start: u64,
    ordinal: u64,
    buf: Vec<u8>,
}

impl<R: BufRead> Reader<R> {
    /// A strict reader over `reader`.
    pub fn new(reader: R) -> Self {
        Self {
            inner: reader,
            source: None,
            lenient: false,
            max_record_bytes: 16 << 20,
            state: State::Top,
            byte: 0,
            line: 1,
            line_start: 0,
            ordinal: 0,
            buf: Vec::new(),
        }
    }

    /// Names the input (a file path) in every position, diagnostic and error.
    #[must_use]
    pub fn source_name(mut self, name: impl Into<Arc<str>>) -> Self {
        self.source = Some(name.into());
        self
    }

    /// Lenient mode: repair record problems and report them as warnings. Default: `false`.
    #[must_use]
    pub fn lenient(mut self, yes: bool) -> Self {
        self.lenient = yes;
        self
    }

    /// The largest JSON text of one record that is accepted, in bytes. Default: 16 MiB.
    #[must_use]
    pub fn max_record_bytes(mut self, max: usize) -> Self {
        self.max_record_bytes = max;
        self
    }

    /// Number of records met so far (read, repaired or rejected).
    pub fn record_count(&self) -> u64 {
        self.ordinal
    }

    /// An iterator over the remaining records; it ends after the last record or a fatal error.
    pub fn records(&mut self) -> Records<'_, R> {
        crate::records::Records::new(self)
    }

    fn position(&self) -> Position {
        Position {
            record: self.ordinal,
            byte: self.byte,
            line: self.line,
            column: self.byte - self.line_start + 1,
        }
    }

    fn location(&self, position: Position) -> Location {
        Location {
            file: self.source.clone(),
            position,
            record_id: None,
            field: None,
        }
    }

    fn fatal(&mut self, kind: &'static str, message: String) -> Error {
        self.state = State::Done;
        Error::Syntax(Box::new(Diagnostic {
            severity: Severity::Error,
            kind,
            location: self.location(self.position()),
            message,
        }))
    }

    /// Consumes `n` bytes of the current buffer, keeping line and column.
    fn consume(&mut self, n: usize) {
        if let Ok(buf) = self.inner.fill_buf() {
            for i in memchr::memchr_iter(b'\n', &buf[..n]) {
                self.line += 1;
                self.line_start = self.byte + i as u64 + 1;
            }
        }
        self.byte += n as u64;
        self.inner.consume(n);
    }

    /// Skips white space (and a byte-order mark at the very start); returns the next byte.
    fn skip_space(&mut self) -> Result<Option<u8>, Error> {
        loop {
            let buf = self.inner.fill_buf()?;
            if buf.is_empty() {
                return Ok(None);
            }
            if self.byte == 0 && buf.starts_with(b"\xEF\xBB\xBF") {
                self.inner.consume(3);
                self.byte = 3;
                self.line_start = 3;
                continue;
            }
            let n = buf
                .iter()
                .position(|b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n'));
            match n {
                Some(n) => {
                    let b = buf[n];
                    self.consume(n);
                    return Ok(Some(b));
                }
                None => {
                    let n = buf.len();
                    self.consume(n);
                }
            }
        }
    }

    /// Reads the next record into `rec` (cleared first). `Ok(false)` at the end of the input and
    /// after a fatal error; an [`Error::Record`] rejects one record, call again for the next.
    pub fn read_record(&mut self, rec: &mut RecordBuf) -> Result<bool, Error> {
        loop {
            let next = match self.state {
                State::Done => return Ok(false),
                _ => match self.skip_space() {
                    Ok(b) => b,
                    Err(e) => {
                        self.state = State::Done;
                        return Err(e);
                    }
                },
            };
            match (self.state, next) {
                (State::Top, None) => {
                    self.state = State::Done;
                    return Ok(false);
                }
                (_, None) => {
                    return Err(self.fatal(
                        "json-unexpected-eof",
                        "the input ends inside an array of records".into(),
                    ))
                }
                (State::Top, Some(b'[')) => {
                    self.consume(1);
                    self.state = State::ArrayFirst;
                }
                (State::ArrayFirst, Some(b']')) | (State::ArrayNext, Some(b']')) => {
                    self.consume(1);
                    self.state = State::Top;
                }
                (State::ArrayNext, Some(b',')) => {
                    self.consume(1);
                    match self.skip_space()? {
                        Some(b']') => {
                            return Err(self.fatal(
                                "json-syntax",
                                "a ',' is followed by ']' (trailing comma)".into(),
                            ))
                        }
                        Some(b) if is_value_start(b) => {
                            self.state = State::ArrayNext;
                            return self.read_value(rec);
                        }
                        _ => {
                            return Err(
                                self.fatal("json-syntax", "expected a record after ','".into())
                            )
                        }
                    }
                }
                (State::ArrayNext, Some(b)) => {
                    return Err(self.fatal(
                        "json-syntax",
                        format!(
                            "expected ',' or ']' after a record, found {:?}",
                            char::from(b)
                        ),
                    ))
                }
                (State::Top | State::ArrayFirst, Some(b)) if is_value_start(b) => {
                    if self.state == State::ArrayFirst {
                        self.state = State::ArrayNext;
                    }
                    return self.read_value(rec);
                }
                (_, Some(b)) => {
                    return Err(self.fatal(
                        "json-syntax",
                        format!("expected a record, found {:?}", char::from(b)),
                    ))
                }
            }
        }
    }

    /// Frames the value that starts at the next byte into `self.buf`, then parses and converts it.
    fn read_value(&mut self, rec: &mut RecordBuf) -> Result<bool, Error> {
        self.ordinal += 1;
        rec.clear();
        let start = self.position();
        rec.set_position(start);
        self.frame()?;
        rec.raw_mut().extend_from_slice(&self.buf);
        let value: Value = match serde_json::from_slice(&self.buf) {
            Ok(v) => v,
            Err(e) => {
                let at = locate(&self.buf, start, e.line(), e.column());
                let message = e.to_string();
                let message = match message.rfind(" at line ") {
                    Some(i) => message[..i].to_owned(),
                    None => message,
                };
                return Err(Error::Record(Box::new(Diagnostic {
                    severity: Severity::Error,
                    kind: "json-syntax",
                    location: self.location(at),
                    message: format!("the record is not valid JSON: {message}"),
                })));
            }
        };
        let Value::Object(map) = value else {
            return Err(Error::Record(Box::new(Diagnostic {
                severity: Severity::Error,
                kind: "record-not-object",
                location: self.location(start),
                message: format!("expected a record object, found {}", type_name(&value)),
            })));
        };
        let mut check = RecordCheck::new(self.lenient, self.source.clone(), start);
        convert(&map, rec, &mut check);
        check.finish(rec).map_err(Error::Record)?;
        Ok(true)
    }

    /// Copies the bytes of one JSON value (starting at the next byte) into `self.buf`.
    fn frame(&mut self) -> Result<(), Error> {
        self.buf.clear();
        let mut depth = 0u32;
        let mut in_string = false;
        let mut escaped = false;
        let mut shape = None;
        loop {
            let chunk = self.inner.fill_buf()?;
            if chunk.is_empty() {
                return match shape {
                    Some(Shape::Scalar) => Ok(()),
                    _ => Err(self.fatal(
                        "json-unexpected-eof",
                        format!(
                            "the input ends inside record {} (which starts {} bytes earlier)",
                            self.ordinal,
                            self.buf.len()
                        ),
                    )),
                };
            }
            let mut end = None;
            for (i, &b) in chunk.iter().enumerate() {
                let shape = *shape.get_or_insert(match b {
                    b'{' | b'[' => Shape::Container,
                    b'"' => Shape::String,
                    _ => Shape::Scalar,
                });
                if in_string {
                    if escaped {
                        escaped = false;
                    } else if b == b'\\' {
                        escaped = true;
                    } else if b == b'"' {
                        in_string = false;
                        if depth == 0 {
                            end = Some(i + 1);
                            break;
                        }
                    }
                    continue;
                }
                match b {
                    b'"' => in_string = true,
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' if depth > 0 => {
                        depth -= 1;
                        if depth == 0 {
                            end = Some(i + 1);
                            break;
                        }
                    }
                    b',' | b'}' | b']' | b' ' | b'\t' | b'\r' | b'\n' if shape == Shape::Scalar => {
                        end = Some(i);
                        break;
                    }
                    _ => {}
                }
            }
            let n = end.unwrap_or(chunk.len());
            self.buf.extend_from_slice(&chunk[..n]);
            self.consume(n);
            if self.buf.len() > self.max_record_bytes {
                let max = self.max_record_bytes;
                return Err(self.fatal(
                    "record-too-large",
                    format!("record {} is larger than {max} bytes", self.ordinal),
                ));
            }
            if end.is_some() {
                return Ok(());
            }
        }
    }
}

/// The position in the file of serde's 1-based `line` and `column` inside `text`, the record's
/// text that starts at `start`. (serde reports a fault on a newline as column 0 of the next
/// line; that is mapped back to the newline itself.)
fn locate(text: &[u8], start: Position, line: usize, column: usize) -> Position {
    let line_start = if line <= 1 {
        0
    } else {
        memchr::memchr_iter(b'\n', text)
            .nth(line - 2)
            .map_or(text.len(), |i| i + 1)
    };
    let offset = (line_start + column).saturating_sub(1).min(text.len());
    let before = &text[..offset];
    let mut at = start;
    at.byte += offset as u64;
    match memchr::memrchr(b'\n', before) {
        None => at.column += offset as u64,
        Some(nl) => {
            at.line += memchr::memchr_iter(b'\n', before).count() as u64;
            at.column = (offset - nl) as u64;
        }
    }
    at
}

fn is_value_start(b: u8) -> bool {
    !matches!(b, b',' | b']' | b'}' | b':')
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Builds the record from its parsed JSON object.
fn convert(map: &Map<String, Value>, rec: &mut RecordBuf, check: &mut RecordCheck) {
    for key in map.keys() {
        if key != "leader" && key != "fields" {
            check.note(
                rec,
                "unknown-key",
                None,
                format!("the record key {key:?} was skipped"),
            );
        }
    }
    match map.get("leader") {
        None => check.leader(rec, None, None),
        Some(Value::String(s)) => check.leader(rec, Some(s), None),
        Some(other) => check.report(
            rec,
            "leader-invalid",
            None,
            Some("leader".into()),
            format!("the leader is {}, not a string", type_name(other)),
            "the default leader was used",
        ),
    }
    let fields = match map.get("fields") {
        Some(Value::Array(fields)) => fields,
        other => {
            let what = other.map_or("missing", type_name);
            check.report(
                rec,
                "fields-invalid",
                None,
                Some("fields".into()),
                format!("\"fields\" is {what}, not an array"),
                "the record has no fields",
            );
            return;
        }
    };
    for (index, field) in fields.iter().enumerate() {
        let entries = match field {
            Value::Object(entries) if entries.len() == 1 => entries,
            _ => {
                let what = match field {
                    Value::Object(o) => format!("an object with {} keys", o.len()),
                    other => type_name(other).to_owned(),
                };
                check.report(
                    rec,
                    "field-invalid",
                    None,
                    Some(format!("fields[{index}]")),
                    format!("field {index} is {what}, not an object with one key (the tag)"),
                    "each key was taken as a field, in key order",
                );
                match field {
                    Value::Object(entries) => entries,
                    _ => continue,
                }
            }
        };
        for (tag, value) in entries {
            if let Some(tag) = check.tag(rec, Some(tag), None) {
                push_field(rec, check, tag, value);
            }
        }
    }
}

/// Appends one field, given its tag and JSON value.
fn push_field(rec: &mut RecordBuf, check: &mut RecordCheck, tag: Tag, value: &Value) {
    let data = match value {
        Value::String(s) => {
            rec.push_control_field_with(tag, |out| push_nfc(out, s));
            return;
        }
        Value::Object(data) => data,
        other => {
            check.report(
                rec,
                "field-invalid",
                None,
                Some(tag.to_string()),
                format!(
                    "field {tag} is {}, not a string or an object",
                    type_name(other)
                ),
                "the field was dropped",
            );
            return;
        }
    };
    for key in data.keys() {
        if !matches!(key.as_str(), "ind1" | "ind2" | "subfields") {
            check.note(
                rec,
                "unknown-key",
                None,
                format!("the key {key:?} of field {tag} was skipped"),
            );
        }
    }
    let mut indicator = |rec: &mut RecordBuf, which: u8, v: Option<&Value>| match v {
        None => check.indicator(rec, tag, which, None, None),
        Some(Value::String(s)) => check.indicator(rec, tag, which, Some(s), None),
        Some(other) => check.indicator(rec, tag, which, Some(&format!("(JSON {other})")), None),
    };
    let i1 = indicator(rec, 1, data.get("ind1"));
    let i2 = indicator(rec, 2, data.get("ind2"));
    rec.push_data_field(tag, i1, i2);
    let subfields = match data.get("subfields") {
        Some(Value::Array(s)) => s,
        other => {
            let what = other.map_or("missing", type_name);
            check.report(
                rec,
                "field-invalid",
                None,
                Some(tag.to_string()),
                format!("the subfields of field {tag} are {what}, not an array"),
                "the field has no subfields",
            );
            return;
        }
    };
    for sub in subfields {
        let entries = match sub {
            Value::Object(e) if e.len() == 1 => e,
            _ => {
                check.report(
                    rec,
                    "subfield-invalid",
                    None,
                    Some(format!("{tag}$")),
                    format!(
                        "a subfield of field {tag} is {}, not an object with one key (the code)",
                        match sub {
                            Value::Object(o) => format!("an object with {} keys", o.len()),
                            other => type_name(other).to_owned(),
                        }
                    ),
                    "each key was taken as a subfield, in key order",
                );
                match sub {
                    Value::Object(e) => e,
                    _ => continue,
                }
            }
        };
        for (code, value) in entries {
            let Value::String(value) = value else {
                check.report(
                    rec,
                    "subfield-invalid",
                    None,
                    Some(format!("{tag}${code}")),
                    format!(
                        "subfield {code:?} of field {tag} is {}, not a string",
                        type_name(value)
                    ),
                    "the subfield was dropped",
                );
                continue;
            };
            let (code, rest) = check.code(rec, tag, Some(code), None);
            rec.push_subfield_with(code, |out| {
                if rest.is_empty() {
                    push_nfc(out, value);
                } else {
                    push_nfc(out, &format!("{rest}{value}"));
                }
            });
        }
    }
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
