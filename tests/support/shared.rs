//! Helpers shared by the integration tests that read `$CROSSWALK_SHARED` (included with
//! `#[path = "support/shared.rs"] mod shared;`; not every test uses every helper).
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The shared test data folder, or `None` (with a note) when `CROSSWALK_SHARED` is unset, so that
/// `cargo test` passes without it.
pub fn shared() -> Option<PathBuf> {
    match std::env::var_os("CROSSWALK_SHARED") {
        Some(p) => Some(PathBuf::from(p)),
        None => {
            eprintln!("note: CROSSWALK_SHARED is not set; corpus test skipped");
            None
        }
    }
}

/// Every file below `dir`, depth first, in sorted order.
pub fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files(&p, out);
        } else {
            out.push(p);
        }
    }
}
