//! Prints the diagnostics and errors of an ISO 2709 file read leniently (or strictly with
//! `--strict`): `cargo run --example iso2709_dump -- FILE [--strict]`.

use std::collections::BTreeMap;

use crosswalk::marc::iso2709::{Error, ReaderBuilder};
use crosswalk::marc::RecordBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args.next().ok_or("usage: iso2709_dump FILE [--strict]")?;
    let strict = args.next().as_deref() == Some("--strict");
    let mut reader = ReaderBuilder::new()
        .lenient(!strict)
        .source_name(path.as_str())
        .build(std::fs::File::open(&path)?);
    let mut rec = RecordBuf::new();
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    loop {
        match reader.read_record(&mut rec) {
            Ok(true) => {
                for d in rec.diagnostics() {
                    *kinds.entry(d.kind).or_default() += 1;
                    println!("{d}");
                }
            }
            Ok(false) => break,
            Err(Error::Record(e)) => println!("REJECTED {e}"),
            Err(e) => return Err(e.into()),
        }
    }
    for d in reader.take_diagnostics() {
        println!("{d}");
    }
    eprintln!("{kinds:?}");
    Ok(())
}
