//! A rough speed measurement of the MARCXML and MARC-in-JSON writers and readers (ignored by
//! default). Run: `cargo test --release --test marcxml_speed -- --ignored --nocapture`.

use std::time::Instant;

use crosswalk::marc::{json, xml, RecordBuf, Tag};

/// A typical bibliographic record of about 1.5 KB of MARCXML.
fn typical(i: usize) -> RecordBuf {
    let t = |s| Tag::parse(s).unwrap();
    let mut r = RecordBuf::new();
    r.push_control_field(t("001"), &format!("ocm{i:08}"));
    r.push_control_field(t("003"), "OCoLC");
    r.push_control_field(t("005"), "20200101120000.0");
    r.push_control_field(t("008"), "000107s2000    nyua          001 0 eng  ");
    r.push_data_field(t("020"), ' ', ' ');
    r.push_subfield('a', "0471383147 (paper/cd-rom : alk. paper)");
    r.push_data_field(t("040"), ' ', ' ');
    for c in ['a', 'c', 'd'] {
        r.push_subfield(c, "DLC");
    }
    r.push_data_field(t("100"), '1', ' ');
    r.push_subfield('a', "Müller, Jörg,");
    r.push_subfield('d', "1950-");
    r.push_data_field(t("245"), '1', '0');
    r.push_subfield('a', "Programming & design of \"safe\" systems :");
    r.push_subfield('b', "a practitioner's guide to <everything> /");
    r.push_subfield('c', "Jörg Müller ; with contributions by many others.");
    r.push_data_field(t("260"), ' ', ' ');
    r.push_subfield('a', "New York :");
    r.push_subfield('b', "Wiley,");
    r.push_subfield('c', "c2000.");
    r.push_data_field(t("300"), ' ', ' ');
    r.push_subfield('a', "xvi, 512 p. :");
    r.push_subfield('b', "ill. ;");
    r.push_subfield('c', "24 cm. +");
    r.push_subfield('e', "1 computer optical disc (4 3/4 in.)");
    for n in 0..3 {
        r.push_data_field(t("500"), ' ', ' ');
        r.push_subfield(
            'a',
            &format!(
                "General note number {n}, describing some aspect of the item in a sentence or two."
            ),
        );
    }
    for s in [
        "Computer programming.",
        "Software engineering.",
        "Systems design.",
        "Reliability (Engineering)",
    ] {
        r.push_data_field(t("650"), ' ', '0');
        r.push_subfield('a', s);
        r.push_subfield('x', "Handbooks, manuals, etc.");
    }
    for n in ["Smith, Jane.", "Doe, John,"] {
        r.push_data_field(t("700"), '1', ' ');
        r.push_subfield('a', n);
        r.push_subfield('e', "contributor.");
    }
    r.push_data_field(t("856"), '4', '1');
    r.push_subfield(
        'u',
        "http://www.example.org/catalog/record?id=12345&format=full",
    );
    r
}

#[test]
#[ignore]
fn speed() {
    let n = 200_000;
    let recs: Vec<_> = (0..100).map(typical).collect();

    let start = Instant::now();
    let mut w = xml::Writer::new(Vec::with_capacity(n * 2000));
    for i in 0..n {
        w.write_record(&recs[i % recs.len()]).unwrap();
    }
    let out = w.finish().unwrap();
    let secs = start.elapsed().as_secs_f64();
    println!(
        "MARCXML writer: {n} records, {:.0} bytes/record, {:.0} records/s, {:.0} MB/s",
        out.len() as f64 / n as f64,
        n as f64 / secs,
        out.len() as f64 / secs / 1e6
    );

    let start = Instant::now();
    let mut reader = xml::Reader::new(&out[..]);
    let mut rec = RecordBuf::new();
    let mut count = 0;
    while reader.read_record(&mut rec).unwrap() {
        count += 1;
    }
    let secs = start.elapsed().as_secs_f64();
    assert_eq!(count, n);
    println!(
        "MARCXML reader: {:.0} records/s, {:.0} MB/s",
        n as f64 / secs,
        out.len() as f64 / secs / 1e6
    );

    let start = Instant::now();
    let mut w = json::Writer::new(Vec::with_capacity(n * 2000));
    for i in 0..n {
        w.write_record(&recs[i % recs.len()]).unwrap();
    }
    let out = w.finish().unwrap();
    let secs = start.elapsed().as_secs_f64();
    println!("MARC-in-JSON writer: {:.0} records/s", n as f64 / secs);
    let start = Instant::now();
    let mut reader = json::Reader::new(&out[..]);
    let mut count = 0;
    while reader.read_record(&mut rec).unwrap() {
        count += 1;
    }
    let secs = start.elapsed().as_secs_f64();
    assert_eq!(count, n);
    println!("MARC-in-JSON reader: {:.0} records/s", n as f64 / secs);
}
