#![doc = include_str!("../README.md")]
#![doc(test(attr(deny(warnings))))]

pub mod authority;
pub mod dc;
pub mod diagnostic;
pub mod ead;
pub mod marc;
pub mod select;
pub mod sniff;
pub mod xml;

pub use diagnostic::{Diagnostic, Location, Position, Severity};
