//! MARC 21: the record model, ISO 2709, MARCXML and MARC-in-JSON readers and writers, and MARC-8.
//!
//! See `docs/marc.md` for the model, the strict and lenient modes and every diagnostic kind.

pub mod any;
pub mod encoding;
pub mod iso2709;
pub mod json;
pub mod marc8;
pub mod record;
pub mod spec;
pub mod xml;

pub use any::{AnyReader, ReadError};
pub use record::{Field, Leader, RecordBuf, Subfield, Tag};
