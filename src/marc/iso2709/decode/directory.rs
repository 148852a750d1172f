//! Directory entries: tag (3 bytes), field length (4 digits), starting position (5 digits).

use crate::marc::Tag;

/// The size of one directory entry in a MARC 21 record.
pub(crate) const ENTRY_LEN: usize = 12;

/// One decoded directory entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Entry {
    pub tag: Tag,
    /// Field length including its 0x1E, when four digits.
    pub length: Option<usize>,
    /// Offset of the field from the base address, when five digits.
    pub start: Option<usize>,
}

/// Decodes one 12-byte entry.
pub(crate) fn decode_entry(e: &[u8; ENTRY_LEN]) -> Entry {
    Entry {
        tag: Tag::from_bytes([e[0], e[1], e[2]]),
        length: digits(&e[3..7]),
        start: digits(&e[7..12]),
    }
}

/// Parses a short run of ASCII digits in one pass; `None` if any byte is not a digit.
#[inline]
fn digits(bytes: &[u8]) -> Option<usize> {
    let mut n = 0usize;
    let mut ok = true;
    for &b in bytes {
        let d = b.wrapping_sub(b'0');
        ok &= d < 10;
        n = n * 10 + usize::from(d);
    }
    ok.then_some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries() {
        let e = decode_entry(b"245008700123");
        assert_eq!(e.tag.as_str(), "245");
        assert_eq!(e.length, Some(87));
        assert_eq!(e.start, Some(123));
        let e = decode_entry(b"24500 700123");
        assert_eq!(e.length, None);
        assert_eq!(e.start, Some(123));
    }
}
