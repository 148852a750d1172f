//! Data fields: control or data, indicators, and the subfield area.

use super::SD;
use crate::marc::Tag;

/// Whether a field is a data field: tags `00X` are control fields, other numeric tags are data
/// fields, and a tag with letters is a data field when its content has two indicators followed by
/// a subfield delimiter.
pub(crate) fn is_data_field(tag: Tag, content: &[u8]) -> bool {
    let t = tag.as_bytes();
    if t[0] == b'0' && t[1] == b'0' {
        false
    } else if t.iter().all(u8::is_ascii_digit) {
        true
    } else {
        content.len() >= 3 && content[2] == SD
    }
}

/// One indicator or subfield code read from the start of a byte string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Code {
    /// The character.
    pub char: char,
    /// How many bytes it took.
    pub len: usize,
    /// False unless it is one ASCII graphic character or blank.
    pub ascii: bool,
}

/// Reads an indicator or subfield code from the start of `bytes` (which must not be empty).
///
/// ASCII bytes are taken as they are. In a UTF-8 record (`utf8`) a non-ASCII byte that starts a
/// valid UTF-8 sequence gives that character (as yaz does); any other byte is read as the Latin-1
/// character of the same value.
#[inline]
pub(crate) fn code_at(bytes: &[u8], utf8: bool) -> Code {
    let b = bytes[0];
    if b < 0x80 {
        return Code {
            char: char::from(b),
            len: 1,
            ascii: b.is_ascii_graphic() || b == b' ',
        };
    }
    if utf8 {
        let len = match b {
            0xC2..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF4 => 4,
            _ => 0,
        };
        if let Some(c) = bytes
            .get(..len)
            .filter(|_| len > 0)
            .and_then(|s| std::str::from_utf8(s).ok())
            .and_then(|s| s.chars().next())
        {
            return Code {
                char: c,
                len,
                ascii: false,
            };
        }
    }
    Code {
        char: char::from(b),
        len: 1,
        ascii: false,
    }
}

/// A data field split into its parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DataField<'a> {
    /// The two indicators; `None` when the field has no room for them before a 0x1F.
    pub indicators: Option<[Code; 2]>,
    /// Bytes between the indicators and the first 0x1F (empty in a well-formed field).
    pub stray: &'a [u8],
    /// The subfield area, from the first 0x1F (or empty).
    pub subfields: &'a [u8],
}

/// Splits a data field's content (without its 0x1E).
#[inline]
pub(crate) fn split(content: &[u8], utf8: bool) -> DataField<'_> {
    let mut indicators = None;
    let mut rest = content;
    if !content.is_empty() && content[0] != SD {
        let i1 = code_at(content, utf8);
        let after = &content[i1.len..];
        if !after.is_empty() && after[0] != SD {
            let i2 = code_at(after, utf8);
            indicators = Some([i1, i2]);
            rest = &after[i2.len..];
        }
    }
    let at = memchr::memchr(SD, rest).unwrap_or(rest.len());
    DataField {
        indicators,
        stray: &rest[..at],
        subfields: &rest[at..],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(s: &str) -> Tag {
        Tag::parse(s).unwrap()
    }

    #[test]
    fn kinds() {
        assert!(!is_data_field(tag("001"), b"abc"));
        assert!(!is_data_field(tag("00A"), b"ab\x1fc"));
        assert!(is_data_field(tag("245"), b"x"));
        assert!(is_data_field(tag("CAT"), b"  \x1faX"));
        assert!(!is_data_field(tag("CAT"), b"plain"));
    }

    #[test]
    fn splits() {
        let f = split(b"10\x1faMoby\x1fcMelville", true);
        let [i1, i2] = f.indicators.unwrap();
        assert_eq!((i1.char, i2.char, i1.ascii), ('1', '0', true));
        assert_eq!(f.stray, b"");
        assert_eq!(f.subfields, b"\x1faMoby\x1fcMelville");
        let f = split(b"\x1faX", true);
        assert_eq!(f.indicators, None);
        assert_eq!(f.subfields, b"\x1faX");
        let f = split(b"1 junk\x1faX", false);
        assert_eq!(f.stray, b"junk");
        let f = split(b"1", false);
        assert!(f.indicators.is_none());
        assert_eq!((f.stray, f.subfields), (&b"1"[..], &b""[..]));
        // A UTF-8 indicator is one character in a UTF-8 record, two Latin-1 ones otherwise.
        let f = split(b" \xc3\xa1\x1faX", true);
        assert_eq!(f.indicators.unwrap()[1].char, 'á');
        assert_eq!(f.stray, b"");
        let f = split(b" \xc3\xa1\x1faX", false);
        assert_eq!(f.indicators.unwrap()[1].char, 'Ã');
        assert_eq!(f.stray, b"\xa1");
        assert_eq!(code_at(b"\xef\xbf\xbdb", true).char, '\u{FFFD}');
        assert_eq!(code_at(b"\xe9", true).char, 'é');
        assert!(code_at(b"a", false).ascii && !code_at(b"\x01", false).ascii);
    }
}
