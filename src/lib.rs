#![doc = include_str!("../README.md")]
#![doc(test(attr(deny(warnings))))]

pub mod authority;
pub mod crosswalk;
pub mod dc;
pub mod diagnostic;
pub mod ead;
pub mod endpoint;
#[doc(hidden)]
pub mod fuzzing;
pub mod marc;
pub mod records;
pub mod run;
pub mod select;
pub mod sniff;
pub mod sparql;
pub mod store;
pub mod vocab;
pub mod web;
pub mod xml;

pub use diagnostic::{Diagnostic, Location, Position, Severity};
