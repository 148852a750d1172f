//! The MARC-in-JSON writer.

use std::io::{self, Write};

use crate::marc::xml::writer::Chunked;
use crate::marc::RecordBuf;

/// Writes MARC-in-JSON: newline-delimited by default (one record object per line), or one JSON
/// array with [`Writer::array`].
///
/// Keys are written in a fixed order (`leader`, `fields`; `ind1`, `ind2`, `subfields`), strings
/// with `serde_json`'s escaping (non-ASCII characters as UTF-8), so output is deterministic. The
/// leader is written as the record has it, except position 09, set to `a` (Unicode), as the
/// MARCXML writer does.
/// Output is buffered internally and handed to `W` in 64 KiB chunks. Call [`Writer::finish`]: in
/// array mode it closes the array; a writer dropped without it flushes what it holds but leaves an
/// array open.
///
/// ```
/// use crosswalk::marc::{json::Writer, RecordBuf, Tag};
/// let mut rec = RecordBuf::new();
/// rec.push_control_field(Tag::parse("001").unwrap(), "x1");
/// rec.push_data_field(Tag::parse("245").unwrap(), '1', '0');
/// rec.push_subfield('a', "\"Quoted\"");
/// let mut w = Writer::new(Vec::new());
/// w.write_record(&rec)?;
/// let out = String::from_utf8(w.finish()?).unwrap();
/// assert_eq!(out, concat!(
///     r#"{"leader":"00000nam a2200000 i 4500","fields":[{"001":"x1"},"#,
///     r#"{"245":{"ind1":"1","ind2":"0","subfields":[{"a":"\"Quoted\""}]}}]}"#, "\n"));
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct Writer<W: Write> {
    out: Chunked<W>,
    array: bool,
    count: u64,
}

fn string(buf: &mut Vec<u8>, s: &str) {
    serde_json::to_writer(&mut *buf, s).expect("writing a string to a Vec cannot fail");
}

fn char_string(buf: &mut Vec<u8>, c: char) {
    string(buf, c.encode_utf8(&mut [0u8; 4]));
}

impl<W: Write> Writer<W> {
    /// A newline-delimited JSON writer to `out`.
    pub fn new(out: W) -> Self {
        Self {
            out: Chunked::new(out),
            array: false,
            count: 0,
        }
    }

    /// Array mode: `[`, the records separated by `,` and a newline, `]`. Default: `false`
    /// (newline-delimited JSON). Set before the first record.
    #[must_use]
    pub fn array(mut self, yes: bool) -> Self {
        self.array = yes;
        self
    }

    /// Writes one record.
    pub fn write_record(&mut self, rec: &RecordBuf) -> io::Result<()> {
        let buf = &mut self.out.buf;
        if self.array {
            buf.extend_from_slice(if self.count == 0 { b"[\n" } else { b",\n" });
        }
        self.count += 1;
        buf.extend_from_slice(b"{\"leader\":");
        string(buf, &String::from_utf8_lossy(&rec.leader().for_unicode().0));
        buf.extend_from_slice(b",\"fields\":[");
        for (i, field) in rec.fields().enumerate() {
            if i > 0 {
                buf.push(b',');
            }
            buf.push(b'{');
            string(buf, &String::from_utf8_lossy(field.tag().as_bytes()));
            buf.push(b':');
            match field.indicators() {
                None => string(buf, field.value().unwrap_or_default()),
                Some([i1, i2]) => {
                    buf.extend_from_slice(b"{\"ind1\":");
                    char_string(buf, i1);
                    buf.extend_from_slice(b",\"ind2\":");
                    char_string(buf, i2);
                    buf.extend_from_slice(b",\"subfields\":[");
                    for (j, sf) in field.subfields().enumerate() {
                        if j > 0 {
                            buf.push(b',');
                        }
                        buf.push(b'{');
                        char_string(buf, sf.code);
                        buf.push(b':');
                        string(buf, sf.value);
                        buf.push(b'}');
                    }
                    buf.extend_from_slice(b"]}");
                }
            }
            buf.push(b'}');
        }
        buf.extend_from_slice(b"]}");
        if !self.array {
            buf.push(b'\n');
        }
        self.out.maybe_flush()
    }

    /// Closes the array (in array mode; `[]` when no record was written), flushes and returns the
    /// inner writer.
    pub fn finish(mut self) -> io::Result<W> {
        if self.array {
            let end: &[u8] = if self.count == 0 { b"[]\n" } else { b"\n]\n" };
            self.out.buf.extend_from_slice(end);
        }
        self.out.finish()
    }
}
