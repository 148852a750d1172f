//! Throughput of the DC reader on a generated file (`tools/gen_oai.py N FILE`).
//!
//! Ignored by default; run in release mode with the file in `DC_BENCH_FILE`:
//! `DC_BENCH_FILE=/tmp/oai-1m.xml cargo test --release --test dc_speed -- --ignored --nocapture`
//! (wrap the test binary in `/usr/bin/time -v` for the peak RSS).

use std::fs::File;
use std::io::BufReader;
use std::time::Instant;

use crosswalk::dc::{Reader, Record};

#[test]
#[ignore = "needs DC_BENCH_FILE and release mode"]
fn read_generated_file() {
    let Ok(path) = std::env::var("DC_BENCH_FILE") else {
        eprintln!("note: DC_BENCH_FILE unset; skipped");
        return;
    };
    let bytes = std::fs::metadata(&path).unwrap().len();
    let start = Instant::now();
    let mut reader = Reader::new(BufReader::with_capacity(
        1 << 16,
        File::open(&path).unwrap(),
    ));
    let mut record = Record::new();
    let (mut records, mut deleted, mut values) = (0u64, 0u64, 0u64);
    while reader.read_record(&mut record).unwrap() {
        records += 1;
        deleted += u64::from(record.is_deleted());
        values += record.values().len() as u64;
    }
    let secs = start.elapsed().as_secs_f64();
    eprintln!(
        "{records} records ({deleted} deleted, {values} values), {:.1} MB in {secs:.2} s: \
         {:.0} records/s, {:.1} MB/s",
        bytes as f64 / 1e6,
        records as f64 / secs,
        bytes as f64 / 1e6 / secs
    );
    assert!(records > 0);
}

/// The floor: the XML layer alone on the same file.
#[test]
#[ignore = "needs DC_BENCH_FILE and release mode"]
fn xml_events_only() {
    use crosswalk::xml::{XmlEvent, XmlReader};
    let Ok(path) = std::env::var("DC_BENCH_FILE") else {
        return;
    };
    let start = Instant::now();
    let mut xml = XmlReader::new(BufReader::with_capacity(
        1 << 16,
        File::open(&path).unwrap(),
    ));
    let mut events = 0u64;
    while xml.next_event().unwrap() != XmlEvent::Eof {
        events += 1;
    }
    eprintln!(
        "{events} XML events in {:.2} s",
        start.elapsed().as_secs_f64()
    );
}
