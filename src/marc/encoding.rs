//! Character encodings of MARC records: MARC-8 and UTF-8, detection of mis-declared encodings,
//! and decoding of field values into NFC Unicode.
//!
//! (Interface stub: the MARC-8 decoder and the detection heuristics replace the bodies.)

/// The character set a record's data is decoded with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Charset {
    /// MARC-8 (leader/09 blank), with ISO 2022 escape sequences to the other MARC-8 sets.
    Marc8,
    /// UTF-8 (leader/09 `a`).
    Utf8,
}

/// A problem met while decoding one value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeProblem {
    /// Byte offset inside the value's bytes.
    pub offset: usize,
    /// Stable kebab-case kind, e.g. `invalid-utf8`, `unmapped-marc8`.
    pub kind: &'static str,
    /// What happened, in words.
    pub message: String,
}

/// The outcome of [`detect`]: the charset to use, and why it differs from the leader, if it does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detection {
    /// The charset to decode with.
    pub charset: Charset,
    /// Set when the leader's declaration was overridden: kind and message.
    pub misdeclared: Option<(&'static str, String)>,
}

/// Decides how to decode a record from its leader/09 and the bytes of its data area.
pub fn detect(leader09: u8, data: &[u8]) -> Detection {
    let _ = data;
    Detection {
        charset: if leader09 == b'a' {
            Charset::Utf8
        } else {
            Charset::Marc8
        },
        misdeclared: None,
    }
}

/// Decodes the values of one record, field by field. Reuse one decoder for a whole file.
#[derive(Debug, Clone)]
pub struct FieldDecoder {
    charset: Charset,
}

impl FieldDecoder {
    /// A decoder for `charset`.
    pub fn new(charset: Charset) -> Self {
        Self { charset }
    }

    /// Switches the charset (per record).
    pub fn set_charset(&mut self, charset: Charset) {
        self.charset = charset;
    }

    /// The charset in use.
    pub fn charset(&self) -> Charset {
        self.charset
    }

    /// Starts a new field: MARC-8 escape state returns to its defaults (G0 Basic Latin, G1 ANSEL).
    pub fn start_field(&mut self) {}

    /// Decodes one value (a subfield's or a control field's bytes, without delimiters), appending
    /// NFC text to `out`; undecodable bytes become U+FFFD and a problem.
    pub fn decode(&mut self, bytes: &[u8], out: &mut String, problems: &mut Vec<DecodeProblem>) {
        match std::str::from_utf8(bytes) {
            Ok(s) => out.push_str(s),
            Err(_) => {
                problems.push(DecodeProblem {
                    offset: 0,
                    kind: "invalid-utf8",
                    message: "bytes are not UTF-8".into(),
                });
                out.push_str(&String::from_utf8_lossy(bytes));
            }
        }
    }
}
