//! Generated MARC input for the store tests (included with
//! `#[path = "support/generate.rs"] mod generate;`).
#![allow(dead_code)]

use std::path::Path;

use crosswalk::marc::iso2709::Writer;
use crosswalk::marc::{RecordBuf, Tag};

/// `n` small generated records: 001 (`id_prefix` and a number), 008, 100, 245, 260, 650 (subjects from a short list, so that
/// reconciliation has work).
pub fn write_marc(path: &Path, n: u64, id_prefix: &str) {
    const SUBJECTS: &[&str] = &["Slavery", "Music", "Labor", "Virginia", "African Americans"];
    let mut w = Writer::new(Vec::with_capacity(n as usize * 300));
    let mut rec = RecordBuf::new();
    for i in 0..n {
        rec.clear();
        rec.push_control_field(Tag::parse("001").unwrap(), &format!("{id_prefix}{i:07}"));
        rec.push_control_field(
            Tag::parse("008").unwrap(),
            &format!("850101s{:04}    vau           000 0 eng d", 1900 + i % 120),
        );
        rec.push_data_field(Tag::parse("100").unwrap(), '1', ' ');
        rec.push_subfield('a', &format!("Author {}, A.", i % 5000));
        rec.push_data_field(Tag::parse("245").unwrap(), '1', '0');
        rec.push_subfield('a', &format!("Title number {i} :"));
        rec.push_subfield('b', "a generated record.");
        rec.push_data_field(Tag::parse("260").unwrap(), ' ', ' ');
        rec.push_subfield('b', "Publisher,");
        rec.push_subfield('c', &format!("{}.", 1900 + i % 120));
        rec.push_data_field(Tag::parse("650").unwrap(), ' ', '0');
        rec.push_subfield('a', SUBJECTS[(i % SUBJECTS.len() as u64) as usize]);
        w.write_record(&rec).unwrap();
    }
    std::fs::write(path, w.into_inner()).unwrap();
}
