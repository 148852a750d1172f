//! Character encodings of MARC records: MARC-8 and UTF-8, detection of mis-declared encodings,
//! and decoding of field values into NFC Unicode.
//!
//! MARC-8 itself lives in [`super::marc8`]; this module chooses between it and UTF-8 and gives the
//! record readers one [`FieldDecoder`] for both.
//!
//! # Detection
//!
//! [`detect`] trusts leader/09 unless the bytes contradict it:
//!
//! | leader/09 | data | charset | `misdeclared` kind |
//! |---|---|---|---|
//! | blank | ASCII only, or has ESC sequences, or not valid UTF-8 | MARC-8 | none |
//! | blank | valid UTF-8 with multibyte characters and no ESC | UTF-8 | `utf8-declared-marc8` |
//! | blank | not UTF-8, and many bytes that MARC-8 does not define | MARC-8 | `suspect-marc8` |
//! | `a` | valid UTF-8 | UTF-8 | none |
//! | `a` | not UTF-8, but clean MARC-8 | MARC-8 | `marc8-declared-utf8` |
//! | `a` | neither | UTF-8 (invalid sequences become U+FFFD) | none |
//! | other | as for blank, by content | MARC-8 or UTF-8 | `invalid-leader-09` |
//!
//! `suspect-marc8` is the one case where `misdeclared` is set but the charset stays the declared
//! one: single-byte code pages such as CP1251 or CP866 under a blank leader/09 (there is no better
//! charset to choose among the two); decoding then reports each undefined byte.

use super::marc8::Marc8Decoder;

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

/// Decides how to decode a record from its leader/09 and the bytes of its data area (the
/// directory may be included: it is ASCII). One pass in the common cases; see the module docs
/// for the rules.
pub fn detect(leader09: u8, data: &[u8]) -> Detection {
    let declared_ok = matches!(leader09, b' ' | b'a');
    let invalid_leader = |charset: Charset, why: &str| Detection {
        charset,
        misdeclared: Some((
            "invalid-leader-09",
            format!(
                "leader/09 is {} (neither blank nor 'a'); decoded as {} because {why}",
                describe_byte(leader09),
                charset_name(charset)
            ),
        )),
    };
    if data.is_ascii() {
        let charset = if leader09 == b'a' {
            Charset::Utf8
        } else {
            Charset::Marc8
        };
        return if declared_ok {
            Detection {
                charset,
                misdeclared: None,
            }
        } else {
            invalid_leader(charset, "the data is ASCII")
        };
    }
    let utf8 = std::str::from_utf8(data).is_ok();
    if leader09 == b'a' {
        if utf8 {
            return Detection {
                charset: Charset::Utf8,
                misdeclared: None,
            };
        }
        return match super::marc8::first_problem(data) {
            None => Detection {
                charset: Charset::Marc8,
                misdeclared: Some((
                    "marc8-declared-utf8",
                    "leader/09 declares UTF-8 but the data is not valid UTF-8 and decodes \
                     cleanly as MARC-8"
                        .into(),
                )),
            },
            Some(_) => Detection {
                charset: Charset::Utf8,
                misdeclared: None,
            },
        };
    }
    let has_esc = memchr::memchr(0x1B, data).is_some();
    if utf8 && !has_esc {
        if declared_ok {
            return Detection {
                charset: Charset::Utf8,
                misdeclared: Some((
                    "utf8-declared-marc8",
                    "leader/09 declares MARC-8 but the data is valid UTF-8 with multibyte \
                     characters and no MARC-8 escape sequences"
                        .into(),
                )),
            };
        }
        return invalid_leader(
            Charset::Utf8,
            "the data is valid UTF-8 with multibyte characters",
        );
    }
    if !declared_ok {
        return invalid_leader(
            Charset::Marc8,
            if has_esc {
                "the data has MARC-8 escape sequences"
            } else {
                "the data is not valid UTF-8"
            },
        );
    }
    if !utf8 && !has_esc {
        if let Some(message) = suspect_marc8(data) {
            return Detection {
                charset: Charset::Marc8,
                misdeclared: Some(("suspect-marc8", message)),
            };
        }
    }
    Detection {
        charset: Charset::Marc8,
        misdeclared: None,
    }
}

/// Counts bytes >= 0x80 that are implausible as MARC-8: not defined at all (in ANSEL as G1 or the
/// C1 controls), or part of a run of three or more combining marks (lower-case Cyrillic in CP1251
/// falls on ANSEL's marks). When they are many, the data is most likely in a single-byte code page
/// (CP1251, CP866, Latin-1...).
fn suspect_marc8(data: &[u8]) -> Option<String> {
    use super::marc8::{lookup, CodeSet, Mapping};
    let mut high = 0usize;
    let mut odd = 0usize;
    let mut mark_run = 0usize;
    for &b in data {
        let mapping = if b >= 0x80 {
            high += 1;
            lookup(CodeSet::Ansel, u32::from(b))
        } else {
            Some(Mapping::Char(' '))
        };
        match mapping {
            None => {
                odd += 1;
                mark_run = 0;
            }
            Some(Mapping::Combining(_)) => {
                mark_run += 1;
                odd += match mark_run {
                    3 => 3,
                    4.. => 1,
                    _ => 0,
                };
            }
            _ => mark_run = 0,
        }
    }
    (odd >= 3 && odd * 4 >= high).then(|| {
        format!(
            "{odd} of the {high} bytes >= 0x80 are undefined in MARC-8 or stacked as 3+ \
             combining marks: the data is probably in a single-byte code page (such as CP1251 \
             or CP866), not MARC-8"
        )
    })
}

fn describe_byte(b: u8) -> String {
    if b.is_ascii_graphic() {
        format!("'{}' (0x{b:02X})", b as char)
    } else {
        format!("0x{b:02X}")
    }
}

fn charset_name(c: Charset) -> &'static str {
    match c {
        Charset::Marc8 => "MARC-8",
        Charset::Utf8 => "UTF-8",
    }
}

/// Decodes UTF-8 `bytes`, appending NFC text to `out`: each invalid sequence becomes U+FFFD and an
/// `invalid-utf8` problem at its byte offset.
pub fn decode_utf8(bytes: &[u8], out: &mut String, problems: &mut Vec<DecodeProblem>) {
    let start = out.len();
    let mut rest = bytes;
    let mut base = 0;
    loop {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                out.push_str(s);
                break;
            }
            Err(e) => {
                let good = e.valid_up_to();
                out.push_str(std::str::from_utf8(&rest[..good]).unwrap_or_default());
                let bad = e.error_len().unwrap_or(rest.len() - good);
                let what = if e.error_len().is_none() {
                    "incomplete UTF-8 sequence at the end of the value"
                } else {
                    "invalid UTF-8 sequence"
                };
                problems.push(DecodeProblem {
                    offset: base + good,
                    kind: "invalid-utf8",
                    message: format!(
                        "{what}: {}",
                        super::marc8::hex_bytes(&rest[good..good + bad])
                    ),
                });
                out.push('\u{FFFD}');
                rest = &rest[good + bad..];
                base += good + bad;
            }
        }
    }
    super::marc8::normalize_tail(out, start);
}

/// Decodes the values of one record, field by field. Reuse one decoder for a whole file.
#[derive(Debug, Clone)]
pub struct FieldDecoder {
    charset: Charset,
    marc8: Marc8Decoder,
}

impl FieldDecoder {
    /// A decoder for `charset`.
    pub fn new(charset: Charset) -> Self {
        Self {
            charset,
            marc8: Marc8Decoder::new(),
        }
    }

    /// Switches the charset (per record); also resets the MARC-8 state.
    pub fn set_charset(&mut self, charset: Charset) {
        self.charset = charset;
        self.marc8.reset();
    }

    /// The charset in use.
    pub fn charset(&self) -> Charset {
        self.charset
    }

    /// Starts a new field: MARC-8 escape state returns to its defaults (G0 Basic Latin, G1 ANSEL).
    pub fn start_field(&mut self) {
        self.marc8.reset();
    }

    /// Decodes one value (a subfield's or a control field's bytes, without delimiters), appending
    /// NFC text to `out`; undecodable bytes become U+FFFD and a problem. In MARC-8, designations
    /// made by escape sequences carry over to the next value of the same field.
    pub fn decode(&mut self, bytes: &[u8], out: &mut String, problems: &mut Vec<DecodeProblem>) {
        match self.charset {
            Charset::Marc8 => self.marc8.decode(bytes, out, problems),
            Charset::Utf8 => decode_utf8(bytes, out, problems),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(d: &Detection) -> Option<&'static str> {
        d.misdeclared.as_ref().map(|m| m.0)
    }

    #[test]
    fn detect_trusts_consistent_leaders() {
        let d = detect(b' ', b"plain ascii\x1Ffield\x1E");
        assert_eq!((d.charset, kind(&d)), (Charset::Marc8, None));
        let d = detect(b' ', b"caf\xE2e\x1E");
        assert_eq!((d.charset, kind(&d)), (Charset::Marc8, None));
        let d = detect(b'a', "café".as_bytes());
        assert_eq!((d.charset, kind(&d)), (Charset::Utf8, None));
        let d = detect(b'a', b"ascii");
        assert_eq!((d.charset, kind(&d)), (Charset::Utf8, None));
    }

    #[test]
    fn detect_utf8_under_blank_leader() {
        let d = detect(b' ', "\u{1F}aCafé Müller\u{1E}".as_bytes());
        assert_eq!(
            (d.charset, kind(&d)),
            (Charset::Utf8, Some("utf8-declared-marc8"))
        );
        // Escape sequences mean MARC-8 even when the bytes happen to be valid UTF-8.
        let d = detect(b' ', "\u{1B}(Né".as_bytes());
        assert_eq!((d.charset, kind(&d)), (Charset::Marc8, None));
    }

    #[test]
    fn detect_marc8_under_utf8_leader() {
        let d = detect(b'a', b"Fran\xF0cais\x1E\xE2e\x1E");
        assert_eq!(
            (d.charset, kind(&d)),
            (Charset::Marc8, Some("marc8-declared-utf8"))
        );
        // Neither: stay UTF-8, decoding reports the bad bytes.
        let d = detect(b'a', b"abc\xFF\xFE");
        assert_eq!((d.charset, kind(&d)), (Charset::Utf8, None));
    }

    #[test]
    fn detect_invalid_leader_values() {
        for l in [b'0', b'9', b'^', b'q', 0x14] {
            let d = detect(l, b"ascii");
            assert_eq!(
                (d.charset, kind(&d)),
                (Charset::Marc8, Some("invalid-leader-09"))
            );
            let d = detect(l, "é".as_bytes());
            assert_eq!(
                (d.charset, kind(&d)),
                (Charset::Utf8, Some("invalid-leader-09"))
            );
            let d = detect(l, b"\xE2e");
            assert_eq!(
                (d.charset, kind(&d)),
                (Charset::Marc8, Some("invalid-leader-09"))
            );
        }
        let d = detect(0x14, b"x");
        assert!(d.misdeclared.unwrap().1.contains("0x14"));
    }

    #[test]
    fn detect_single_byte_code_page() {
        // "Пушкин" in CP1251.
        let d = detect(b' ', b"\x1Fa\xCF\xF3\xF8\xEA\xE8\xED\x1E");
        assert_eq!(
            (d.charset, kind(&d)),
            (Charset::Marc8, Some("suspect-marc8"))
        );
    }

    #[test]
    fn utf8_invalid_sequences_and_nfc() {
        let mut out = String::new();
        let mut p = Vec::new();
        decode_utf8(b"ab\xFFc\xE2\x82", &mut out, &mut p);
        assert_eq!(out, "ab\u{FFFD}c\u{FFFD}");
        let got: Vec<_> = p.iter().map(|p| (p.offset, p.kind)).collect();
        assert_eq!(got, vec![(2, "invalid-utf8"), (4, "invalid-utf8")]);
        assert!(p[0].message.contains("0xFF"));
        out.clear();
        decode_utf8("e\u{301}".as_bytes(), &mut out, &mut p);
        assert_eq!(out, "\u{E9}");
    }

    #[test]
    fn field_decoder_resets_marc8_state_per_field() {
        let mut d = FieldDecoder::new(Charset::Marc8);
        let (mut out, mut p) = (String::new(), Vec::new());
        d.decode(b"\x1B(NA", &mut out, &mut p);
        d.decode(b"A", &mut out, &mut p);
        d.start_field();
        d.decode(b"A", &mut out, &mut p);
        assert_eq!(out, "\u{430}\u{430}A");
        d.set_charset(Charset::Utf8);
        assert_eq!(d.charset(), Charset::Utf8);
        d.decode("é".as_bytes(), &mut out, &mut p);
        assert!(p.is_empty());
    }
}
