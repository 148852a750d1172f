//! Baseline for speed measurements: only the XML events of a file, no EAD model.
//!
//! `cargo run --release --example ead_xml_baseline -- FILE`

use std::io::BufReader;
use std::time::Instant;

use crosswalk::xml::{XmlEvent, XmlReader};

fn main() {
    for file in std::env::args().skip(1) {
        let size = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
        let start = Instant::now();
        let f = std::fs::File::open(&file).expect("readable file");
        let mut r = XmlReader::new(BufReader::with_capacity(1 << 16, f));
        let mut events = 0u64;
        loop {
            match r.next_event() {
                Ok(XmlEvent::Eof) => break,
                Ok(_) => events += 1,
                Err(e) => {
                    eprintln!("{e}");
                    break;
                }
            }
        }
        let secs = start.elapsed().as_secs_f64();
        eprintln!(
            "{file}: {events} events, {:.1} MB/s",
            size as f64 / 1e6 / secs
        );
    }
}
