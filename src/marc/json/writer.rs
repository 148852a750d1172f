//! The MARC-in-JSON writer.

use std::io::{self, Write};

use crate::marc::RecordBuf;

/// Output is handed to the inner writer in chunks of about this size.
const CHUNK: usize = 64 << 10;

/// Writes MARC-in-JSON: newline-delimited by default (one record object per line), or one JSON
/// array with [`Writer::array`].
///
/// Keys are written in a fixed order (`leader`, `fields`; `ind1`, `ind2`, `subfields`), strings
/// with `serde_json`'s escaping (non-ASCII characters as UTF-8), so output is deterministic.
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
    out: Option<W>,
    buf: Vec<u8>,
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
            out: Some(out),
            buf: Vec::with_capacity(CHUNK + 8192),
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
        let buf = &mut self.buf;
        if self.array {
            buf.extend_from_slice(if self.count == 0 { b"[\n" } else { b",\n" });
        }
        self.count += 1;
        buf.extend_from_slice(b"{\"leader\":");
        string(buf, &String::from_utf8_lossy(&rec.leader().0));
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
        if self.buf.len() >= CHUNK {
            self.flush_buf()?;
        }
        Ok(())
    }

    fn flush_buf(&mut self) -> io::Result<()> {
        if let Some(out) = self.out.as_mut() {
            out.write_all(&self.buf)?;
        }
        self.buf.clear();
        Ok(())
    }

    /// Closes the array (in array mode; `[]` when no record was written), flushes and returns the
    /// inner writer.
    pub fn finish(mut self) -> io::Result<W> {
        if self.array {
            self.buf
                .extend_from_slice(if self.count == 0 { b"[]\n" } else { b"\n]\n" });
        }
        self.flush_buf()?;
        let mut out = self
            .out
            .take()
            .expect("the inner writer is only taken here");
        out.flush()?;
        Ok(out)
    }
}

impl<W: Write> Drop for Writer<W> {
    /// Flushes what the writer holds (without closing an array); errors are ignored.
    fn drop(&mut self) {
        if self.out.is_some() && !self.buf.is_empty() {
            let _ = self.flush_buf();
        }
    }
}
