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

/// A data field split into its parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DataField<'a> {
    /// The two indicator bytes; `None` when the field starts with 0x1F or is too short.
    pub indicators: Option<[u8; 2]>,
    /// Bytes between the indicators and the first 0x1F (empty in a well-formed field).
    pub stray: &'a [u8],
    /// The subfield area, from the first 0x1F (or empty).
    pub subfields: &'a [u8],
}

/// Splits a data field's content (without its 0x1E).
pub(crate) fn split(content: &[u8]) -> DataField<'_> {
    let (indicators, rest) = match content {
        [a, b, rest @ ..] if *a != SD && *b != SD => (Some([*a, *b]), rest),
        _ => (None, content),
    };
    let at = memchr::memchr(SD, rest).unwrap_or(rest.len());
    DataField {
        indicators,
        stray: &rest[..at],
        subfields: &rest[at..],
    }
}

/// An indicator or subfield code byte as a char: ASCII as is, other bytes as the Latin-1 char of
/// the same value. The flag is false for bytes that are not ASCII graphic characters or blank.
pub(crate) fn code_char(b: u8) -> (char, bool) {
    (char::from(b), b.is_ascii_graphic() || b == b' ')
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
        let f = split(b"10\x1faMoby\x1fcMelville");
        assert_eq!(f.indicators, Some(*b"10"));
        assert_eq!(f.stray, b"");
        assert_eq!(f.subfields, b"\x1faMoby\x1fcMelville");
        let f = split(b"\x1faX");
        assert_eq!(f.indicators, None);
        assert_eq!(f.subfields, b"\x1faX");
        let f = split(b"1 junk\x1faX");
        assert_eq!(f.stray, b"junk");
        let f = split(b"1");
        assert_eq!((f.indicators, f.stray, f.subfields), (None, &b"1"[..], &b""[..]));
        assert_eq!(code_char(b'a'), ('a', true));
        assert_eq!(code_char(0xE9), ('é', false));
    }
}
