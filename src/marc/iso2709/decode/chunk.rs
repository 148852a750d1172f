//! Finding the leader in a chunk (the bytes up to a 0x1D) and recognising filler.

/// True for bytes that pad files between or after records: blank, CR, LF, 0x1A (DOS EOF), NUL.
pub(crate) fn is_filler(b: u8) -> bool {
    matches!(b, b' ' | b'\r' | b'\n' | 0x1A | 0)
}

/// How far to look for a leader that does not start the chunk.
const SCAN_LIMIT: usize = 256;

/// The offset of the leader in `chunk`: 0 when the chunk starts with a digit; otherwise the first
/// offset (within the first 256 bytes) where five digits start, or else the number of leading
/// filler bytes.
pub(crate) fn leader_start(chunk: &[u8]) -> usize {
    if chunk.first().is_some_and(u8::is_ascii_digit) {
        return 0;
    }
    let limit = chunk.len().min(SCAN_LIMIT);
    (0..limit)
        .find(|&i| chunk.len() >= i + 5 && chunk[i..i + 5].iter().all(u8::is_ascii_digit))
        .unwrap_or_else(|| chunk.iter().take_while(|&&b| is_filler(b)).count())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_leader() {
        assert_eq!(leader_start(b"00026nam"), 0);
        assert_eq!(leader_start(b"\n00026nam"), 1);
        assert_eq!(leader_start(b"\x1b(00026nam"), 2);
        assert_eq!(leader_start(b"\r\nX0026nam"), 2);
        assert_eq!(leader_start(b""), 0);
        assert!(is_filler(0x1A) && !is_filler(b'0'));
    }
}
