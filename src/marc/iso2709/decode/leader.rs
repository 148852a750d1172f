//! The leader's structural numbers.

use crate::marc::record::parse_digits;

/// What the reader needs from the leader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LeaderNumbers {
    /// Leader/00-04, when five digits.
    pub length: Option<usize>,
    /// Leader/12-16, when five digits.
    pub base_address: Option<usize>,
    /// Leader/10-11 is `22` and leader/20-21 is `45` (the MARC 21 layout this reader decodes).
    pub standard_layout: bool,
}

/// Reads the numbers of a 24-byte leader.
pub(crate) fn decode(leader: &[u8; 24]) -> LeaderNumbers {
    LeaderNumbers {
        length: parse_digits(&leader[0..5]),
        base_address: parse_digits(&leader[12..17]),
        standard_layout: &leader[10..12] == b"22" && &leader[20..22] == b"45",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        let n = decode(b"00714cam a2200205 a 4500");
        assert_eq!(n.length, Some(714));
        assert_eq!(n.base_address, Some(205));
        assert!(n.standard_layout);
        let n = decode(b"0071Xcam a2300205 a 45 0");
        assert_eq!(n.length, None);
        assert!(!n.standard_layout);
        // leader/22-23 are not checked.
        assert!(decode(b"00714cam a2200205 a 45x ").standard_layout);
    }
}
