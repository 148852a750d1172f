//! Leaf decoders for the parts of an ISO 2709 record: where the leader starts in a chunk, the
//! leader's numbers, directory entries and data fields. Each works on a byte slice, allocates
//! nothing and leaves reporting to the reader.

pub(crate) mod chunk;
pub(crate) mod directory;
pub(crate) mod field;
pub(crate) mod leader;

/// The record terminator.
pub(crate) const RT: u8 = 0x1D;
/// The field terminator.
pub(crate) const FT: u8 = 0x1E;
/// The subfield delimiter.
pub(crate) const SD: u8 = 0x1F;
