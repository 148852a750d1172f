//! One line per damage case: hand-made byte strings, the diagnostic or error kind, the record
//! ordinal, the byte offset and the part of the record reported, in strict and lenient mode.

use crosswalk::marc::iso2709::{Error, ReaderBuilder};
use crosswalk::marc::RecordBuf;

/// A well-formed record from `(tag, content without 0x1E)` pairs.
fn build(fields: &[(&str, &[u8])]) -> Vec<u8> {
    let mut dir = Vec::new();
    let mut data = Vec::new();
    for (tag, content) in fields {
        dir.extend_from_slice(tag.as_bytes());
        dir.extend_from_slice(format!("{:04}{:05}", content.len() + 1, data.len()).as_bytes());
        data.extend_from_slice(content);
        data.push(0x1E);
    }
    let base = 24 + dir.len() + 1;
    let total = base + data.len() + 1;
    let mut out = format!("{:05}nam a22{base:05} a 4500", total.min(99_999)).into_bytes();
    out.extend_from_slice(&dir);
    out.push(0x1E);
    out.extend_from_slice(&data);
    out.push(0x1D);
    out
}

/// The sample record: 001 `id1`, 245 `10 $aTitle$cAuthor`. Leader 24 + directory 24 + 0x1E: the
/// base address is 49; 001 is at 49..53, 245 at 53..72; the 0x1D is byte 71.
fn good() -> Vec<u8> {
    build(&[("001", b"id1"), ("245", b"10\x1faTitle\x1fcAuthor")])
}

fn with(mut bytes: Vec<u8>, at: usize, patch: &[u8]) -> Vec<u8> {
    bytes[at..at + patch.len()].copy_from_slice(patch);
    bytes
}

/// (kind, record ordinal, byte offset, field, record id) for every diagnostic and error.
type Report = Vec<(String, u64, u64, String, String)>;

fn run(input: &[u8], lenient: bool, max: Option<usize>) -> (usize, usize, Report) {
    let mut builder = ReaderBuilder::new().lenient(lenient).source_name("t.mrc");
    if let Some(max) = max {
        builder = builder.max_record_size(max);
    }
    let mut reader = builder.build(input);
    let mut rec = RecordBuf::new();
    let (mut ok, mut err, mut out) = (0, 0, Vec::new());
    let mut push = |kind: &str, loc: &crosswalk::Location| {
        assert_eq!(loc.file.as_deref(), Some("t.mrc"));
        out.push((
            kind.to_owned(),
            loc.position.record,
            loc.position.byte,
            loc.field.clone().unwrap_or_default(),
            loc.record_id.clone().unwrap_or_default(),
        ));
    };
    loop {
        match reader.read_record(&mut rec) {
            Ok(true) => {
                ok += 1;
                for d in rec.diagnostics() {
                    push(d.kind, &d.location);
                }
            }
            Ok(false) => break,
            Err(Error::Record(e)) => {
                err += 1;
                assert!(!e.raw().is_empty());
                push(e.kind().as_str(), e.location());
            }
            Err(e) => panic!("{e}"),
        }
    }
    for d in reader.take_diagnostics() {
        push(d.kind, &d.location);
    }
    (ok, err, out)
}

fn strict(input: &[u8]) -> Report {
    run(input, false, None).2
}

fn lenient(input: &[u8]) -> Report {
    run(input, true, None).2
}

fn r(
    kind: &str,
    record: u64,
    byte: u64,
    field: &str,
    id: &str,
) -> (String, u64, u64, String, String) {
    (kind.into(), record, byte, field.into(), id.into())
}

fn cat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

#[test]
fn well_formed() {
    assert_eq!(run(&good(), false, None), (1, 0, vec![]));
    assert_eq!(run(&cat(&[&good(), &good()]), false, None), (2, 0, vec![]));
}

#[rustfmt::skip]
#[test]
fn damage_cases() {
    let g = good();
    let l = g.len() as u64;
    let g2 = || cat(&[&g, &g]);
    // record length
    assert_eq!(strict(&with(g.clone(), 0, b"00099")), [r("record-length-mismatch", 1, 0, "leader/00-04", "")]);
    assert_eq!(lenient(&with(g.clone(), 0, b"00099")), [r("record-length-mismatch", 1, 0, "leader/00-04", "id1")]);
    assert_eq!(lenient(&with(g.clone(), 0, b"0007X")), [r("record-length-invalid", 1, 0, "leader/00-04", "id1")]);
    assert_eq!(strict(&with(g.clone(), 0, b"0007X")), [r("record-length-invalid", 1, 0, "leader/00-04", "")]);
    // garbage between records, filler after the last one
    assert_eq!(lenient(&cat(&[&g, b"\r\n", &g])), [r("leading-garbage", 2, l, "", "id1")]);
    assert_eq!(strict(&cat(&[&g, b"\r\n", &g])), [r("leading-garbage", 2, l, "", "")]);
    assert_eq!(lenient(&cat(&[&g, b"\x00\x00", &g])), [r("leading-garbage", 2, l, "", "id1")]);
    assert_eq!(lenient(&cat(&[&g, b"\n\x1a"])), [r("trailing-filler", 0, l, "", "")]);
    assert_eq!(strict(&cat(&[&g, b"\x1a"])), [r("trailing-filler", 0, l, "", "")]);
    assert_eq!(run(&cat(&[&g, b"\x1a"]), true, None).0, 1);
    // terminator
    assert_eq!(lenient(&g[..g.len() - 1]), [r("record-terminator-missing", 1, 0, "", "id1")]);
    assert_eq!(strict(&g[..g.len() - 1]), [r("record-terminator-missing", 1, 0, "", "")]);
    assert_eq!(lenient(&cat(&[&g, b"junk\x1d", &g])), [r("record-too-short", 2, l, "leader", "")]);
    assert_eq!(run(&cat(&[&g, b"junk\x1d", &g]), true, None).0, 2);
    assert_eq!(lenient(&cat(&[&g, &g[..30], b"\x1d"])), [r("directory-terminator-missing", 2, l, "directory", "")]);
    assert_eq!(run(&cat(&[&g, &g]), true, Some(50)).2, [r("record-too-large", 1, 0, "", ""), r("record-too-large", 2, l, "", "")]);
    // leader
    assert_eq!(lenient(&with(g.clone(), 10, b"00")), [r("leader-nonstandard", 1, 0, "leader/10-11,20-21", "id1")]);
    assert_eq!(strict(&with(g.clone(), 20, b"  ")), [r("leader-nonstandard", 1, 0, "leader/10-11,20-21", "")]);
    assert_eq!(lenient(&with(g.clone(), 12, b"00047")), [r("base-address-mismatch", 1, 0, "leader/12-16", "id1")]);
    assert_eq!(strict(&with(g.clone(), 12, b"0004x")), [r("base-address-mismatch", 1, 0, "leader/12-16", "")]);
    // directory
    assert_eq!(lenient(&with(g.clone(), 24 + 12 + 3, b"00x0")), [r("directory-entry-invalid", 1, 0, "directory[1]", "id1")]);
    assert_eq!(lenient(&with(g.clone(), 24 + 12 + 7, b"00002")), [r("directory-entry-invalid", 1, 0, "directory[1]", "id1")]);
    assert_eq!(lenient(&with(g.clone(), 24 + 12 + 7, b"00900")), [r("directory-entry-out-of-bounds", 1, 0, "directory[1]", "id1")]);
    assert_eq!(lenient(&with(g.clone(), 24 + 12 + 3, b"0900")), [r("directory-entry-out-of-bounds", 1, 0, "directory[1]", "id1")]);
    assert_eq!(strict(&with(g.clone(), 24 + 12 + 3, b"0900")), [r("directory-entry-out-of-bounds", 1, 0, "directory[1]", "id1")]);
    assert_eq!(lenient(&with(g.clone(), 24 + 12 + 3, b"0010")), [r("field-terminator-missing", 1, 0, "245", "id1")]);
    assert_eq!(lenient(&with(g.clone(), 24 + 12, b"2\x005")), [r("tag-invalid", 1, 0, "directory[1]", "id1")]);
    let mut short_dir = g.clone();
    short_dir.remove(24 + 23);
    assert_eq!(lenient(&short_dir)[..2], [r("record-length-mismatch", 1, 0, "leader/00-04", "id1"), r("base-address-mismatch", 1, 0, "leader/12-16", "id1")]);
    assert_eq!(lenient(&short_dir)[2], r("directory-length-invalid", 1, 0, "directory", "id1"));
    // data fields
    assert_eq!(lenient(&build(&[("001", b"x"), ("245", b"\x1faT")])), [r("indicators-missing", 1, 0, "245", "x")]);
    assert_eq!(lenient(&build(&[("001", b"x"), ("245", b"10zz\x1faT")])), [r("data-before-subfield", 1, 0, "245", "x")]);
    assert_eq!(strict(&build(&[("001", b"x"), ("245", b"10zz\x1faT")])), [r("data-before-subfield", 1, 0, "245", "x")]);
    assert_eq!(lenient(&build(&[("001", b"x"), ("245", b"10\x1faT\x1f")])), [r("subfield-code-missing", 1, 0, "245", "x")]);
    // content warnings: both modes, never errors
    // (0xE9 is not UTF-8 but is MARC-8, so the leader's `a` is reported too.)
    assert_eq!(strict(&build(&[("001", b"x"), ("245", b"1\xe9\x1faT")])), [r("marc8-declared-utf8", 1, 0, "leader/09", "x"), r("indicator-invalid", 1, 0, "245", "x")]);
    assert_eq!(strict(&build(&[("001", b"x"), ("245", b"10\x1f\x01T")])), [r("subfield-code-invalid", 1, 0, "245$\u{1}", "x")]);
    let utf8 = with(build(&[("001", b"x"), ("245", b"10\x1faT\xff")]), 9, b"a");
    assert_eq!(strict(&utf8), [r("invalid-utf8", 1, 0, "245$a", "x")]);
    // two records: the second is located by its ordinal and offset
    assert_eq!(lenient(&cat(&[&g, &with(g.clone(), 0, b"00099")])), [r("record-length-mismatch", 2, l, "leader/00-04", "id1")]);
    assert_eq!(run(&g2(), true, None), (2, 0, vec![]));
}

#[test]
fn over_99999() {
    let mut big = b"  \x1fa".to_vec();
    big.resize(9_000, b'x');
    let fields: Vec<(&str, &[u8])> = (0..12).map(|_| ("500", &big[..])).collect();
    let mut rec = build(&fields);
    let len = rec.len();
    assert!(len > 99_999);
    rec[..5].copy_from_slice(b"99999");
    let (ok, err, report) = run(&rec, true, None);
    assert_eq!((ok, err), (1, 0));
    assert_eq!(report, [r("record-over-99999", 1, 0, "leader/00-04", "")]);
    assert_eq!(
        strict(&rec),
        [r("record-over-99999", 1, 0, "leader/00-04", "")]
    );
}

#[test]
fn recovered_content() {
    // A field whose length is one short: lenient reading still finds both subfields.
    let bad = with(good(), 24 + 12 + 3, b"0018");
    let mut reader = ReaderBuilder::new().lenient(true).build(&bad[..]);
    let mut rec = RecordBuf::new();
    assert!(reader.read_record(&mut rec).unwrap());
    let f = rec.fields_with_tag("245").next().unwrap();
    assert_eq!(f.subfield('c'), Some("Author"));
    assert_eq!(rec.raw(), &bad[..]);
    // Leading garbage is not part of the raw record.
    let input = cat(&[b"\n", &good()]);
    let mut reader = ReaderBuilder::new().lenient(true).build(&input[..]);
    assert!(reader.read_record(&mut rec).unwrap());
    assert_eq!(rec.raw(), &good()[..]);
    assert_eq!(rec.position().byte, 1);
    // A rejected chunk carries all of its bytes.
    let input = cat(&[b"\njunk\x1d", &good()]);
    let mut reader = ReaderBuilder::new().build(&input[..]);
    let e = reader.read_record(&mut rec).unwrap_err();
    assert_eq!(e.raw(), b"\njunk\x1d");
    assert!(reader.read_record(&mut rec).unwrap());
    assert_eq!(rec.id(), Some("id1"));
}
