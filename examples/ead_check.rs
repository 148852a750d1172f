//! Reads EAD files and prints their `crosswalk ead check` counts as JSON, with the time taken
//! and the throughput (for speed measurements with `tools/gen_ead.py`).
//!
//! `cargo run --release --example ead_check -- FILE...`

use std::time::Instant;

fn main() {
    for file in std::env::args().skip(1) {
        let size = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
        let start = Instant::now();
        let check = crosswalk::ead::check::check_file(&file);
        let secs = start.elapsed().as_secs_f64();
        println!("{}", serde_json::to_string(&check).expect("serialisable"));
        eprintln!(
            "{file}: {:.1} MB in {secs:.2} s = {:.1} MB/s, {:.0} components/s",
            size as f64 / 1e6,
            size as f64 / 1e6 / secs,
            check.components as f64 / secs
        );
    }
}
