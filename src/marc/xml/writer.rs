//! The MARCXML writer.

use std::io::{self, Write};

use crate::marc::RecordBuf;

/// Bytes of a character XML 1.0 cannot carry, written in its place: U+FFFD REPLACEMENT CHARACTER.
const REPLACEMENT: &[u8] = "\u{FFFD}".as_bytes();

/// Output is handed to the inner writer in chunks of about this size.
const CHUNK: usize = 64 << 10;

/// A byte buffer in front of a writer, handed over in [`CHUNK`]-sized pieces; shared by the
/// MARCXML and MARC-in-JSON writers, which append to `buf` directly (faster than many small
/// `write` calls). Dropping it flushes what it holds, ignoring errors.
pub(crate) struct Chunked<W: Write> {
    out: Option<W>,
    /// Bytes not yet handed to the writer.
    pub(crate) buf: Vec<u8>,
}

impl<W: Write> Chunked<W> {
    pub(crate) fn new(out: W) -> Self {
        Self {
            out: Some(out),
            buf: Vec::with_capacity(CHUNK + 8192),
        }
    }

    /// Hands the buffer over once it holds a chunk.
    pub(crate) fn maybe_flush(&mut self) -> io::Result<()> {
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

    /// Hands over the rest, flushes and returns the writer.
    pub(crate) fn finish(mut self) -> io::Result<W> {
        self.flush_buf()?;
        let mut out = self
            .out
            .take()
            .expect("the inner writer is only taken here");
        out.flush()?;
        Ok(out)
    }
}

impl<W: Write> Drop for Chunked<W> {
    fn drop(&mut self) {
        if self.out.is_some() && !self.buf.is_empty() {
            let _ = self.flush_buf();
        }
    }
}

/// Byte classes for escaping: 0 copy, 1 look at it.
const fn table(attr: bool) -> [u8; 256] {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = 1;
        b += 1;
    }
    if !attr {
        t[b'\t' as usize] = 0;
        t[b'\n' as usize] = 0;
    } else {
        t[b'"' as usize] = 1;
    }
    t[b'&' as usize] = 1;
    t[b'<' as usize] = 1;
    t[b'>' as usize] = 1;
    t[0xEF] = 1; // lead byte of U+FFFE and U+FFFF
    t
}

static TEXT: [u8; 256] = table(false);
static ATTR: [u8; 256] = table(true);

/// Appends `s` to `out`, escaped for XML text (`attr == false`) or a double-quoted attribute
/// value. Returns how many characters were replaced by U+FFFD.
fn escape(out: &mut Vec<u8>, s: &str, attr: bool) -> u64 {
    let table = if attr { &ATTR } else { &TEXT };
    let bytes = s.as_bytes();
    let mut replaced = 0;
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if table[usize::from(b)] == 0 {
            i += 1;
            continue;
        }
        let (rep, len): (&[u8], usize) = match b {
            b'&' => (b"&amp;", 1),
            b'<' => (b"&lt;", 1),
            b'>' => (b"&gt;", 1),
            b'"' => (b"&quot;", 1),
            b'\t' => (b"&#9;", 1),
            b'\n' => (b"&#10;", 1),
            b'\r' => (b"&#13;", 1),
            0xEF => {
                // U+FFFE is EF BF BE, U+FFFF is EF BF BF; anything else starting EF is fine.
                if bytes.get(i + 1) == Some(&0xBF) && matches!(bytes.get(i + 2), Some(0xBE | 0xBF))
                {
                    replaced += 1;
                    (REPLACEMENT, 3)
                } else {
                    i += 1;
                    continue;
                }
            }
            _ => {
                replaced += 1;
                (REPLACEMENT, 1)
            }
        };
        out.extend_from_slice(&bytes[start..i]);
        out.extend_from_slice(rep);
        i += len;
        start = i;
    }
    out.extend_from_slice(&bytes[start..]);
    replaced
}

/// Writes MARC records as a MARCXML `<collection>` in the MARC 21 slim namespace.
///
/// The output is deterministic: the declaration `<?xml version="1.0" encoding="UTF-8"?>`, the
/// `<collection xmlns="http://www.loc.gov/MARC21/slim">` start tag, then each record with one
/// element per line (two spaces of indentation per level, no white space inside values), and the
/// end tag written by [`Writer::finish`].
///
/// Escaping: `&`, `<` and `>` always; in attribute values also `"`, TAB, LF and CR (as character
/// references, so that they survive attribute-value normalisation); in text CR is written as
/// `&#13;` so that it is not read back as LF. **Characters XML 1.0 cannot carry** (the C0 controls
/// other than TAB, LF and CR, and U+FFFE, U+FFFF) are replaced with U+FFFD REPLACEMENT CHARACTER;
/// [`Writer::replaced_characters`] counts them. Leader and tag bytes that are not UTF-8 (only in
/// records built from damaged binary input) are written as U+FFFD too, uncounted.
///
/// The leader is written as the record has it, except position 09, set to `a`
/// ([`Leader::for_unicode`](crate::marc::Leader::for_unicode)): the text is Unicode whatever
/// charset the record was read from.
///
/// Output is buffered internally and handed to `W` in 64 KiB chunks, so `W` need not be
/// buffered. Call [`Writer::finish`] to close the collection; a writer dropped without it flushes
/// what it holds but leaves the collection open.
///
/// ```
/// use crosswalk::marc::{xml::Writer, RecordBuf, Tag};
/// let mut rec = RecordBuf::new();
/// rec.push_data_field(Tag::parse("245").unwrap(), '0', '0');
/// rec.push_subfield('a', "Tom & \"Jerry\" <1>\u{1}");
/// let mut w = Writer::new(Vec::new());
/// w.write_record(&rec)?;
/// assert_eq!(w.replaced_characters(), 1);
/// let xml = String::from_utf8(w.finish()?).unwrap();
/// assert!(xml.ends_with(concat!(
///     "<record>\n",
///     "  <leader>00000nam a2200000 i 4500</leader>\n",
///     "  <datafield tag=\"245\" ind1=\"0\" ind2=\"0\">\n",
///     "    <subfield code=\"a\">Tom &amp; \"Jerry\" &lt;1&gt;\u{FFFD}</subfield>\n",
///     "  </datafield>\n",
///     "</record>\n",
///     "</collection>\n")));
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct Writer<W: Write> {
    out: Chunked<W>,
    started: bool,
    replaced: u64,
}

impl<W: Write> Writer<W> {
    /// A writer to `out`; nothing is written before the first record or [`Writer::finish`].
    pub fn new(out: W) -> Self {
        Self {
            out: Chunked::new(out),
            started: false,
            replaced: 0,
        }
    }

    /// How many characters were replaced by U+FFFD so far (see the type docs).
    pub fn replaced_characters(&self) -> u64 {
        self.replaced
    }

    fn start(&mut self) {
        if !self.started {
            self.started = true;
            self.out.buf.extend_from_slice(
                b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<collection xmlns=\"http://www.loc.gov/MARC21/slim\">\n",
            );
        }
    }

    /// Writes one record.
    pub fn write_record(&mut self, rec: &RecordBuf) -> io::Result<()> {
        self.start();
        let buf = &mut self.out.buf;
        let mut replaced = 0;
        buf.extend_from_slice(b"<record>\n  <leader>");
        let leader = rec.leader().for_unicode();
        replaced += escape(buf, &String::from_utf8_lossy(&leader.0), false);
        buf.extend_from_slice(b"</leader>\n");
        let mut chars = [0u8; 4];
        for field in rec.fields() {
            let tag = field.tag();
            let tag = String::from_utf8_lossy(tag.as_bytes());
            match field.indicators() {
                None => {
                    buf.extend_from_slice(b"  <controlfield tag=\"");
                    replaced += escape(buf, &tag, true);
                    buf.extend_from_slice(b"\">");
                    replaced += escape(buf, field.value().unwrap_or_default(), false);
                    buf.extend_from_slice(b"</controlfield>\n");
                }
                Some([i1, i2]) => {
                    buf.extend_from_slice(b"  <datafield tag=\"");
                    replaced += escape(buf, &tag, true);
                    buf.extend_from_slice(b"\" ind1=\"");
                    replaced += escape(buf, i1.encode_utf8(&mut chars), true);
                    buf.extend_from_slice(b"\" ind2=\"");
                    replaced += escape(buf, i2.encode_utf8(&mut chars), true);
                    buf.extend_from_slice(b"\">\n");
                    for sf in field.subfields() {
                        buf.extend_from_slice(b"    <subfield code=\"");
                        replaced += escape(buf, sf.code.encode_utf8(&mut chars), true);
                        buf.extend_from_slice(b"\">");
                        replaced += escape(buf, sf.value, false);
                        buf.extend_from_slice(b"</subfield>\n");
                    }
                    buf.extend_from_slice(b"  </datafield>\n");
                }
            }
        }
        buf.extend_from_slice(b"</record>\n");
        self.replaced += replaced;
        self.out.maybe_flush()
    }

    /// Closes the collection (writing an empty one if no record was written), flushes, and
    /// returns the inner writer.
    pub fn finish(mut self) -> io::Result<W> {
        self.start();
        self.out.buf.extend_from_slice(b"</collection>\n");
        self.out.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn esc(s: &str, attr: bool) -> (String, u64) {
        let mut v = Vec::new();
        let n = escape(&mut v, s, attr);
        (String::from_utf8(v).unwrap(), n)
    }

    #[test]
    fn escaping_rules() {
        assert_eq!(esc("a&b<c>d\"e", false).0, "a&amp;b&lt;c&gt;d\"e");
        assert_eq!(esc("a&b<c>d\"e", true).0, "a&amp;b&lt;c&gt;d&quot;e");
        assert_eq!(esc("t\tl\nr\r", false).0, "t\tl\nr&#13;");
        assert_eq!(esc("t\tl\nr\r", true).0, "t&#9;l&#10;r&#13;");
        assert_eq!(
            esc("\u{1b}x\u{FFFE}\u{FFFF}\u{FFFD}é漢", false),
            ("\u{FFFD}x\u{FFFD}\u{FFFD}\u{FFFD}é漢".to_string(), 3)
        );
        assert_eq!(esc("", false).0, "");
    }

    #[test]
    fn empty_collection() {
        let out = Writer::new(Vec::new()).finish().unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<collection xmlns=\"http://www.loc.gov/MARC21/slim\">\n</collection>\n"
        );
    }
}
