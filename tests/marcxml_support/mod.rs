//! Helpers shared by the MARCXML and MARC-in-JSON corpus tests.

use std::path::{Path, PathBuf};

use crosswalk::marc::RecordBuf;

/// The shared data folder from `CROSSWALK_SHARED`, or `None` (with a note) when unset.
pub fn shared() -> Option<PathBuf> {
    match std::env::var_os("CROSSWALK_SHARED") {
        Some(dir) => Some(PathBuf::from(dir)),
        None => {
            eprintln!("note: CROSSWALK_SHARED is not set; corpus test skipped");
            None
        }
    }
}

/// Every file below `dir`, sorted.
pub fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                todo.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Runs `f`, turning a panic into an `Err` with its message.
pub fn no_panic<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|p| {
        p.downcast_ref::<String>()
            .cloned()
            .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default()
    })
}

/// Whether `again` (written, then read back) is `read` as the writers give it: the same fields,
/// the same leader but for 09, which they set to `a` (Unicode).
pub fn same_as_written(again: &[RecordBuf], read: &[RecordBuf]) -> bool {
    again.len() == read.len()
        && again.iter().zip(read).all(|(a, b)| {
            let mut b = b.clone();
            *b.leader_mut() = b.leader().for_unicode();
            a.same_content(&b)
        })
}
