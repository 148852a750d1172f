//! The `records()` iterator every reader offers, written once.

/// A reader that fills a caller's record, one at a time (`csv`'s `read_record(&mut rec)` shape).
pub trait ReadRecord {
    /// The record type.
    type Record: Default;
    /// The error type.
    type Error;

    /// Reads the next record into `record`; `Ok(false)` at the end. A reader that cannot go on
    /// after an error returns `Ok(false)` from then on.
    fn read_record(&mut self, record: &mut Self::Record) -> Result<bool, Self::Error>;
}

/// Iterator over a reader's records: owned records, each `Ok` or the error the reader reported
/// for it. It ends when the reader says there is nothing more.
#[derive(Debug)]
pub struct Records<'r, T> {
    reader: &'r mut T,
}

impl<'r, T: ReadRecord> Records<'r, T> {
    /// An iterator over `reader`.
    pub fn new(reader: &'r mut T) -> Self {
        Self { reader }
    }
}

impl<T: ReadRecord> Iterator for Records<'_, T> {
    type Item = Result<T::Record, T::Error>;

    fn next(&mut self) -> Option<Self::Item> {
        let mut record = T::Record::default();
        match self.reader.read_record(&mut record) {
            Ok(true) => Some(Ok(record)),
            Ok(false) => None,
            Err(e) => Some(Err(e)),
        }
    }
}
