//! Reading speed: `cargo run --release --example iso2709_speed -- N FILE...` reads the well-formed
//! UTF-8 records of the given files, then reads them back cyclically (streamed, never all in
//! memory) until N records have been read, touching every subfield; prints records/s and MB/s.
//! With `--write OUT` it writes the N-record stream to OUT instead (to time reading a real file:
//! `iso2709_speed N OUT`).

use std::io::{Read, Write};
use std::time::Instant;

use crosswalk::marc::iso2709::{Reader, ReaderBuilder};
use crosswalk::marc::RecordBuf;

/// Repeats a sample of whole records until `n` records have been produced.
struct Cycle {
    sample: Vec<u8>,
    per_cycle: usize,
    cycles_left: usize,
    tail: usize,
    pos: usize,
}

impl Read for Cycle {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.pos == self.sample.len() {
            if self.cycles_left == 0 {
                return Ok(0);
            }
            self.cycles_left -= 1;
            self.pos = 0;
        }
        let end = if self.cycles_left == 0 {
            self.tail
        } else {
            self.sample.len()
        };
        let n = buf.len().min(end.saturating_sub(self.pos));
        if n == 0 {
            self.pos = self.sample.len();
            return Ok(0);
        }
        buf[..n].copy_from_slice(&self.sample[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: usize = args
        .first()
        .ok_or("usage: iso2709_speed N FILE...")?
        .parse()?;
    let mut files = &args[1..];
    let mut out = None;
    if files.first().map(String::as_str) == Some("--write") {
        out = Some(files[1].clone());
        files = &files[2..];
    }
    if files.len() == 1 && out.is_none() && n > 0 && !files[0].ends_with(".mrc") {
        // A generated stream file: time reading it.
        return time(
            ReaderBuilder::new().build(std::fs::File::open(&files[0])?),
            usize::MAX,
        );
    }
    let mut sample = Vec::new();
    let mut records = Vec::new();
    let mut rec = RecordBuf::new();
    for f in files {
        let mut reader = ReaderBuilder::new()
            .lenient(true)
            .build(std::fs::File::open(f)?);
        loop {
            match reader.read_record(&mut rec) {
                Ok(true)
                    if rec.diagnostics().is_empty() && rec.leader().character_coding() == b'a' =>
                {
                    records.push(sample.len());
                    sample.extend_from_slice(rec.raw());
                }
                Ok(true) | Err(_) => {}
                Ok(false) => break,
            }
        }
    }
    let per_cycle = records.len();
    if per_cycle == 0 {
        return Err("no well-formed UTF-8 records".into());
    }
    records.push(sample.len());
    let tail = records[n % per_cycle];
    eprintln!(
        "sample: {per_cycle} records, {} bytes ({:.0} bytes/record)",
        sample.len(),
        sample.len() as f64 / per_cycle as f64
    );
    let cycle = Cycle {
        per_cycle,
        cycles_left: n / per_cycle,
        tail,
        pos: 0,
        sample,
    };
    let _ = cycle.per_cycle;
    if let Some(out) = out {
        let mut w = std::io::BufWriter::new(std::fs::File::create(out)?);
        std::io::copy(&mut { cycle }, &mut w)?;
        w.flush()?;
        return Ok(());
    }
    time(Reader::new(cycle), n)
}

fn time<R: Read>(mut reader: Reader<R>, _n: usize) -> Result<(), Box<dyn std::error::Error>> {
    let mut rec = RecordBuf::new();
    let start = Instant::now();
    let (mut count, mut subfields, mut bytes_touched) = (0usize, 0usize, 0usize);
    while reader.read_record(&mut rec)? {
        count += 1;
        for f in rec.fields() {
            if let Some(v) = f.value() {
                bytes_touched += v.len();
            }
            for s in f.subfields() {
                subfields += 1;
                bytes_touched += s.value.len() + s.code.len_utf8();
            }
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let mb = reader.offset() as f64 / 1e6;
    println!(
        "{count} records, {subfields} subfields, {bytes_touched} value bytes, {mb:.1} MB in {secs:.2} s: {:.0} records/s, {:.0} MB/s",
        count as f64 / secs,
        mb / secs
    );
    Ok(())
}
