//! ISO 2709 ("binary MARC", `.mrc`) reading and writing.
//!
//! [`Reader`] streams records from any [`std::io::Read`]: it cuts the input at each record
//! terminator (0x1D), so that every chunk gives exactly one record or one [`Error::Record`], and
//! decodes each chunk straight into a reused [`RecordBuf`](crate::marc::RecordBuf). [`Writer`] writes
//! UTF-8 records with a correct leader length, base address and directory.
//!
//! # Strict and lenient reading
//!
//! Reading is **strict** by default: the first structural fault rejects the record with an
//! [`Error::Record`] that carries its [`ErrorKind`], its [`Location`](crate::Location) and its raw
//! bytes; the reader then goes on with the next record. With
//! [`ReaderBuilder::lenient`]`(true)` the reader repairs what it can and records each repair as a
//! [`Diagnostic`](crate::Diagnostic) (severity warning) on the record; only records that cannot be
//! repaired at all (too short, no directory terminator, too large) are rejected.
//!
//! Every diagnostic and error has a location: source name, 1-based record ordinal, byte offset of
//! the record, its 001 when known, and the part concerned (`leader/00-04`, `directory[3]`, `245`,
//! `245$a`).
//!
//! # Diagnostic kinds
//!
//! Structural faults: errors in strict mode, repairs in lenient mode.
//!
//! | kind | example |
//! |---|---|
//! | `leading-garbage` | `"\n"` or other bytes before a leader (newline between records) are skipped |
//! | `trailing-filler` | only blanks/CR/LF/0x1A/NUL after the last 0x1D; ignored (a stream diagnostic, [`Reader::take_diagnostics`]) |
//! | `record-terminator-missing` | the input ends inside a record; what is there is decoded |
//! | `record-length-mismatch` | leader/00-04 says `00714`, the 0x1D ends the record at 718 bytes; the terminator wins |
//! | `record-length-invalid` | leader/00-04 is `0071X`; the terminator gives the length |
//! | `record-over-99999` | a 1,096,887-byte record whose leader says `99999`; read to its 0x1D |
//! | `leader-nonstandard` | leader/10-11 `00` or leader/20-21 `  `; read with the MARC 21 layout (2 indicators, 1-byte codes, 4+5-digit entries); leader/22-23 are not checked |
//! | `base-address-mismatch` | leader/12-16 says `00205`, the directory ends at 192; 193 is used |
//! | `directory-length-invalid` | the directory is 100 bytes, not a multiple of 12; the partial entry is ignored |
//! | `directory-entry-invalid` | entry `245008X00123`, or a start that is not just after a 0x1E; the field is read from the end of the previous one |
//! | `directory-entry-out-of-bounds` | entry says 300 bytes at 1200 in a 900-byte data area; read to the next 0x1E |
//! | `field-terminator-missing` | no 0x1E where field 245's length ends it; read to the next 0x1E |
//! | `tag-invalid` | tag `2\x0045`; kept as read |
//! | `indicators-missing` | data field starts with 0x1F; blank indicators are used |
//! | `data-before-subfield` | `10abc\x1fa…`: `abc` is dropped |
//! | `subfield-code-missing` | a 0x1F just before the 0x1E; ignored |
//!
//! Rejections in both modes ([`Error::Record`]):
//!
//! | kind | example |
//! |---|---|
//! | `record-too-short` | a chunk of fewer than 24 bytes (e.g. `garbage\x1d`) |
//! | `directory-terminator-missing` | no 0x1E after the leader |
//! | `record-too-large` | no 0x1D within [`ReaderBuilder::max_record_size`] bytes (default 10 MiB); the rest up to the next 0x1D is skipped unbuffered |
//!
//! Content warnings in both modes (never errors):
//!
//! | kind | example |
//! |---|---|
//! | `indicator-invalid` | indicator `á` (bytes C3 A1 in a UTF-8 record: one character) or byte 0xE9 elsewhere (read as Latin-1 `é`) |
//! | `subfield-code-invalid` | subfield code byte 0x01, or a non-ASCII code read as for indicators |
//! | any [`encoding`](crate::marc::encoding) kind | `invalid-utf8` at `245$a`; the mis-declaration reported by [`encoding::detect`](crate::marc::encoding::detect) at `leader/09` |
//!
//! # Writing
//!
//! [`Writer`] rejects, without writing anything, records with a field over 9,999 bytes
//! (`field-too-long`), over 99,999 bytes (`record-too-long`) or with an indicator or subfield code
//! that is not one ASCII character (`invalid-code`).

mod decode;
mod error;
mod reader;
mod writer;

pub use error::{Error, ErrorKind, RecordError};
pub use reader::{Reader, ReaderBuilder, Records, DEFAULT_MAX_RECORD_SIZE};
pub use writer::Writer;
