//! Subcommands of the `crosswalk` binary that live in their own files.

pub mod mapping;
pub mod reconcile;
pub mod report;
pub mod run;
pub mod sparql;
