//! Errors of the ISO 2709 reader and writer.

use std::fmt;
use std::io;

use crate::diagnostic::Location;

/// What was structurally wrong with a record.
///
/// Each kind has a stable kebab-case name ([`ErrorKind::as_str`]); in lenient mode the recoverable
/// kinds are reported with the same name as [`Diagnostic`](crate::Diagnostic)s instead of errors.
/// See the [module documentation](super) for the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Bytes before the leader (newlines, NULs, garbage between records) were skipped.
    LeadingGarbage,
    /// Only filler (blanks, CR, LF, 0x1A, NUL) followed the last record terminator.
    TrailingFiller,
    /// The chunk is too short to hold a leader and a directory.
    RecordTooShort,
    /// The input ended without a record terminator (0x1D) after the last record.
    RecordTerminatorMissing,
    /// The chunk grew past the configured maximum record size without a terminator.
    RecordTooLarge,
    /// Leader/00-04 disagrees with the distance to the 0x1D terminator.
    RecordLengthMismatch,
    /// Leader/00-04 is not five digits.
    RecordLengthInvalid,
    /// The record is longer than 99,999 bytes, which leader/00-04 cannot express.
    RecordOver99999,
    /// Leader/10-11 is not `22` or leader/20-21 is not `45` (the MARC 21 values are used).
    LeaderNonstandard,
    /// Leader/12-16 is not the offset just after the directory's 0x1E.
    BaseAddressMismatch,
    /// No 0x1E ends the directory.
    DirectoryTerminatorMissing,
    /// The directory's length is not a multiple of 12.
    DirectoryLengthInvalid,
    /// A directory entry's length or starting position is not digits, or does not point at a field
    /// boundary.
    DirectoryEntryInvalid,
    /// A directory entry points outside the data area.
    DirectoryEntryOutOfBounds,
    /// A field does not end with 0x1E where its directory length says.
    FieldTerminatorMissing,
    /// A tag has bytes other than ASCII letters and digits.
    TagInvalid,
    /// A data field has no indicators (it starts with 0x1F or is shorter than two bytes).
    IndicatorsMissing,
    /// A data field has bytes between its indicators and its first subfield delimiter.
    DataBeforeSubfield,
    /// A subfield delimiter is followed by no code (at the end of the field).
    SubfieldCodeMissing,
    /// A field is longer than 9,999 bytes (writer).
    FieldTooLong,
    /// A record is longer than 99,999 bytes (writer).
    RecordTooLong,
    /// An indicator or subfield code is not one ASCII graphic character or blank (writer).
    InvalidCode,
}

impl ErrorKind {
    /// The stable kebab-case name, as used for [`Diagnostic::kind`](crate::Diagnostic::kind).
    ///
    /// ```
    /// use crosswalk::marc::iso2709::ErrorKind;
    /// assert_eq!(ErrorKind::RecordLengthMismatch.as_str(), "record-length-mismatch");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::LeadingGarbage => "leading-garbage",
            Self::TrailingFiller => "trailing-filler",
            Self::RecordTooShort => "record-too-short",
            Self::RecordTerminatorMissing => "record-terminator-missing",
            Self::RecordTooLarge => "record-too-large",
            Self::RecordLengthMismatch => "record-length-mismatch",
            Self::RecordLengthInvalid => "record-length-invalid",
            Self::RecordOver99999 => "record-over-99999",
            Self::LeaderNonstandard => "leader-nonstandard",
            Self::BaseAddressMismatch => "base-address-mismatch",
            Self::DirectoryTerminatorMissing => "directory-terminator-missing",
            Self::DirectoryLengthInvalid => "directory-length-invalid",
            Self::DirectoryEntryInvalid => "directory-entry-invalid",
            Self::DirectoryEntryOutOfBounds => "directory-entry-out-of-bounds",
            Self::FieldTerminatorMissing => "field-terminator-missing",
            Self::TagInvalid => "tag-invalid",
            Self::IndicatorsMissing => "indicators-missing",
            Self::DataBeforeSubfield => "data-before-subfield",
            Self::SubfieldCodeMissing => "subfield-code-missing",
            Self::FieldTooLong => "field-too-long",
            Self::RecordTooLong => "record-too-long",
            Self::InvalidCode => "invalid-code",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A record that could not be read (or written): its kind, where it is, and its raw bytes.
///
/// After a `RecordError` the reader is positioned at the next record, so reading can go on.
#[derive(Clone, PartialEq, Eq)]
pub struct RecordError(Box<Inner>);

#[derive(Clone, PartialEq, Eq)]
struct Inner {
    kind: ErrorKind,
    location: Location,
    message: String,
    raw: Vec<u8>,
}

impl RecordError {
    pub(crate) fn new(kind: ErrorKind, location: Location, message: String, raw: Vec<u8>) -> Self {
        Self(Box::new(Inner {
            kind,
            location,
            message,
            raw,
        }))
    }

    /// What was wrong.
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    /// Where: file, record ordinal, byte offset, 001 when known, and the part of the record.
    pub fn location(&self) -> &Location {
        &self.0.location
    }

    /// The message, without the location.
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// The raw bytes of the rejected chunk (for quarantine); capped at the maximum record size.
    pub fn raw(&self) -> &[u8] {
        &self.0.raw
    }

    /// Takes the raw bytes out of the error.
    pub fn into_raw(self) -> Vec<u8> {
        self.0.raw
    }

    pub(crate) fn set_record_id(&mut self, id: Option<&str>) {
        if self.0.location.record_id.is_none() {
            self.0.location.record_id = id.map(str::to_owned);
        }
    }

    pub(crate) fn set_raw(&mut self, raw: &[u8]) {
        self.0.raw.clear();
        self.0.raw.extend_from_slice(raw);
    }
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: [{}] {}",
            self.0.location, self.0.kind, self.0.message
        )
    }
}

impl fmt::Debug for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecordError")
            .field("kind", &self.0.kind)
            .field("location", &self.0.location)
            .field("message", &self.0.message)
            .field("raw_len", &self.0.raw.len())
            .finish()
    }
}

impl std::error::Error for RecordError {}

/// An error of the ISO 2709 reader or writer: an I/O failure, or a record that could not be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading or writing the underlying stream failed.
    #[error(transparent)]
    Io(#[from] io::Error),
    /// A record was rejected; reading can go on with the next record.
    #[error(transparent)]
    Record(#[from] RecordError),
}

impl Error {
    /// The record error's kind; `None` for an I/O error.
    pub fn kind(&self) -> Option<ErrorKind> {
        match self {
            Self::Io(_) => None,
            Self::Record(e) => Some(e.kind()),
        }
    }

    /// The record error's location; `None` for an I/O error.
    pub fn location(&self) -> Option<&Location> {
        match self {
            Self::Io(_) => None,
            Self::Record(e) => Some(e.location()),
        }
    }

    /// The rejected record's raw bytes; empty for an I/O error.
    pub fn raw(&self) -> &[u8] {
        match self {
            Self::Io(_) => &[],
            Self::Record(e) => e.raw(),
        }
    }
}

impl From<Error> for io::Error {
    fn from(e: Error) -> Self {
        match e {
            Error::Io(e) => e,
            Error::Record(e) => io::Error::new(io::ErrorKind::InvalidData, e),
        }
    }
}
