//! Unit tests of the MARC-8 decoder, one or more per set and per error case.

use super::*;

fn dec(bytes: &[u8]) -> (String, Vec<DecodeProblem>) {
    decode(bytes)
}

fn ok(bytes: &[u8]) -> String {
    let (s, p) = dec(bytes);
    assert!(p.is_empty(), "unexpected problems for {bytes:02X?}: {p:?}");
    s
}

fn kinds(p: &[DecodeProblem]) -> Vec<(usize, &'static str)> {
    p.iter().map(|p| (p.offset, p.kind)).collect()
}

#[test]
fn ascii_passes_through() {
    assert_eq!(ok(b"Hello, world! ~{}"), "Hello, world! ~{}");
    assert_eq!(ok(b""), "");
}

#[test]
fn ansel_spacing_letters() {
    assert_eq!(ok(b"\xA1odz"), "\u{141}odz");
    assert_eq!(ok(b"Stra\xC7e \xC8"), "Stra\u{DF}e \u{20AC}");
}

#[test]
fn combining_mark_moves_after_base_and_composes() {
    assert_eq!(ok(b"caf\xE2e"), "caf\u{E9}");
    assert_eq!(ok(b"Fran\xF0cais"), "Fran\u{E7}ais");
    assert_eq!(ok(b"\xE9Capek"), "\u{10C}apek");
}

#[test]
fn stacked_marks_follow_base_in_nfc() {
    // MARC-8: circumflex, acute, then 'e' -> e + U+0302 + U+0301 -> NFC U+1EBF.
    assert_eq!(ok(b"\xE3\xE2e"), "\u{1EBF}");
    // Mark with no precomposed form stays decomposed.
    assert_eq!(ok(b"\xE8\xE2q"), "q\u{308}\u{301}");
}

#[test]
fn ligature_and_double_tilde_halves() {
    // t͡s: EB before t, EC before s; EC produces nothing.
    assert_eq!(ok(b"\xEBt\xECs"), "t\u{361}s");
    assert_eq!(ok(b"\xFAn\xFBg"), "n\u{360}g");
}

#[test]
fn non_sort_markers_and_joiners() {
    assert_eq!(ok(b"\x88The \x89Title"), "\u{98}The \u{9C}Title");
    assert_eq!(ok(b"a\x8Db\x8Ec"), "a\u{200D}b\u{200C}c");
}

#[test]
fn greek_symbols_subscripts_superscripts_technique_1() {
    assert_eq!(ok(b"\x1Bga\x1Bs-rays"), "\u{3B1}-rays");
    assert_eq!(ok(b"H\x1Bb2\x1BsO"), "H\u{2082}O");
    assert_eq!(ok(b"x\x1Bp2\x1Bs"), "x\u{B2}");
    assert_eq!(ok(b"\x1Bp10\x1Bs"), "\u{B9}\u{2070}");
}

#[test]
fn greek_symbols_technique_2() {
    assert_eq!(ok(b"\x1B(gb\x1B(B"), "\u{3B2}");
}

#[test]
fn basic_and_extended_cyrillic() {
    assert_eq!(
        ok(b"\x1B(NoDLUKE I RE[E\x1B(QJ\x1B(NA\x1B(B."),
        "\u{41E}\u{434}\u{43B}\u{443}\u{43A}\u{435} \u{438} \u{440}\u{435}\u{448}\u{435}\u{45A}\u{430}."
    );
    assert_eq!(ok(b"\x1B(Q@"), "\u{491}");
}

#[test]
fn cyrillic_as_g1() {
    // Extended Cyrillic designated as G1 and used with high-bit bytes.
    assert_eq!(ok(b"\x1B)Q\xCA"), "\u{45A}");
    assert_eq!(ok(b"\x1B-N\xEF"), "\u{41E}");
}

#[test]
fn basic_hebrew_with_point() {
    // Patah (combining) before alef.
    assert_eq!(ok(b"\x1B(2@`\x1B(B"), "\u{5D0}\u{5B7}");
}

#[test]
fn basic_and_extended_arabic() {
    assert_eq!(ok(b"\x1B(3G\x1B(B"), "\u{627}");
    assert_eq!(ok(b"\x1B(3kG"), "\u{627}\u{64B}");
    assert_eq!(ok(b"\x1B(4!"), "\u{6FD}");
}

#[test]
fn basic_greek() {
    assert_eq!(ok(b"\x1B(SAa\x1B(B"), "\u{391}\u{3B1}");
    // Greek acute (combining) before alpha -> U+03AC.
    assert_eq!(ok(b"\x1B(S\x22a"), "\u{3AC}");
}

#[test]
fn eacc_g0() {
    assert_eq!(
        ok(b"\x1B$1\x21\x30\x21\x21\x30\x22\x1B(B!"),
        "\u{4E00}\u{4E01}!"
    );
    // Space between EACC characters stays a space.
    assert_eq!(ok(b"\x1B$1!0! !0\""), "\u{4E00} \u{4E01}");
    // The other designation forms.
    assert_eq!(ok(b"\x1B$(1!0!"), "\u{4E00}");
    assert_eq!(ok(b"\x1B$,1!0!"), "\u{4E00}");
}

#[test]
fn eacc_g1() {
    assert_eq!(ok(b"\x1B$)1\xA1\xB0\xA1x"), "\u{4E00}x");
}

#[test]
fn eacc_code_with_space_as_third_byte() {
    let (s, p) = dec(b"\x1B$1\x21\x23\x20");
    assert!(p.is_empty(), "{p:?}");
    assert_eq!(s.chars().count(), 1);
}

#[test]
fn eacc_truncated_at_end() {
    let (s, p) = dec(b"\x1B$1!0!!0");
    assert_eq!(s, "\u{4E00}\u{FFFD}");
    assert_eq!(kinds(&p), vec![(6, "truncated-marc8-multibyte")]);
    assert!(p[0].message.contains("0x21 0x30"), "{}", p[0].message);
}

#[test]
fn eacc_unmapped() {
    let (s, p) = dec(b"\x1B$1\x7E\x7E\x7E");
    assert_eq!(s, "\u{FFFD}");
    assert_eq!(kinds(&p), vec![(3, "unmapped-marc8")]);
}

#[test]
fn designations_persist_across_values_until_reset() {
    let mut d = Marc8Decoder::new();
    let (mut out, mut p) = (String::new(), Vec::new());
    d.decode(b"\x1B(NA", &mut out, &mut p);
    assert_eq!(d.g0(), CodeSet::BasicCyrillic);
    d.decode(b"A", &mut out, &mut p);
    assert_eq!(out, "\u{430}\u{430}");
    d.reset();
    assert_eq!((d.g0(), d.g1()), (CodeSet::BasicLatin, CodeSet::Ansel));
    out.clear();
    d.decode(b"A", &mut out, &mut p);
    assert_eq!(out, "A");
    assert!(p.is_empty());
}

#[test]
fn unclosed_escape_from_previous_subfield_falls_back_to_defaults() {
    let mut d = Marc8Decoder::new();
    let (mut out, mut p) = (String::new(), Vec::new());
    d.decode(b"\x1B(SAa", &mut out, &mut p);
    assert_eq!(d.g0(), CodeSet::BasicGreek);
    // "2011." has no reading in Basic Greek (no '.'), but is clean ASCII.
    d.decode(b"2011.", &mut out, &mut p);
    assert_eq!(out, "\u{391}\u{3B1}2011.");
    assert_eq!(kinds(&p), vec![(0, "unclosed-marc8-escape")]);
    assert_eq!(d.g0(), CodeSet::BasicLatin);
    // A value that does decode under the carried-over set keeps it.
    let mut d = Marc8Decoder::new();
    p.clear();
    out.clear();
    d.decode(b"\x1B(NA", &mut out, &mut p);
    d.decode(b"B", &mut out, &mut p);
    assert_eq!(out, "\u{430}\u{431}");
    assert!(p.is_empty());
}

#[test]
fn unmapped_bytes_become_replacement() {
    let (s, p) = dec(b"a\xCCb\x80c\x7Fd\x01");
    assert_eq!(s, "a\u{FFFD}b\u{FFFD}c\u{FFFD}d\u{FFFD}");
    assert_eq!(
        kinds(&p),
        vec![
            (1, "unmapped-marc8"),
            (3, "unmapped-marc8"),
            (5, "unmapped-marc8"),
            (7, "unmapped-marc8")
        ]
    );
    assert!(p[0].message.contains("0xCC"), "{}", p[0].message);
}

#[test]
fn bad_escapes() {
    // ESC followed by a byte that cannot continue an escape: only ESC is replaced.
    let (s, p) = dec(b"Soci\x1Bt\xE2e");
    assert_eq!(s, "Soci\u{FFFD}t\u{E9}");
    assert_eq!(kinds(&p), vec![(4, "bad-marc8-escape")]);
    // Unknown final byte: the whole sequence is replaced.
    let (s, p) = dec(b"a\x1B(Zb");
    assert_eq!(s, "a\u{FFFD}b");
    assert_eq!(kinds(&p), vec![(1, "bad-marc8-escape")]);
    // Cut off at the end.
    for v in [&b"a\x1B"[..], b"a\x1B(", b"a\x1B$", b"a\x1B$)", b"a\x1B,"] {
        let (s, p) = dec(v);
        assert_eq!(s, "a\u{FFFD}", "{v:02X?}");
        assert_eq!(kinds(&p), vec![(1, "bad-marc8-escape")], "{v:02X?}");
        assert!(p[0].message.contains("cut off"), "{}", p[0].message);
    }
}

#[test]
fn dangling_marks_are_kept_on_dotted_circle() {
    let (s, p) = dec(b"abc\xE2");
    assert_eq!(s, "abc\u{25CC}\u{301}");
    assert_eq!(kinds(&p), vec![(4, "dangling-combining-mark")]);
    assert!(p[0].message.contains("U+0301"));
    // Marks survive an escape sequence before their base.
    assert_eq!(ok(b"\xE2\x1B(Sa"), "\u{3AC}");
}

#[test]
fn unmapped_byte_takes_pending_marks() {
    let (s, p) = dec(b"\xE2\xCC");
    assert_eq!(s, "\u{FFFD}\u{301}");
    assert_eq!(kinds(&p), vec![(1, "unmapped-marc8")]);
}

#[test]
fn every_byte_value_never_panics() {
    for b in 0..=255u8 {
        let (s, p) = dec(&[b]);
        assert!(!s.is_empty() || !p.is_empty() || b == 0xEC || b == 0xFB || b == 0x1B);
        for pre in [
            &b"\x1B"[..],
            b"\x1B$",
            b"\x1B(",
            b"\x1B$)",
            b"\x1B$1",
            b"\xE2",
            b"\x1B)Q",
        ] {
            let mut v = pre.to_vec();
            v.push(b);
            let _ = dec(&v);
            v.extend_from_slice(&[b, b, b]);
            let _ = dec(&v);
        }
        // Designate every final as G0 and as G1, then run all bytes through.
        let mut v = vec![0x1B, b'(', b, 0x1B, b')', b];
        v.extend(0..=255u8);
        let _ = dec(&v);
        let mut v = vec![0x1B, b'$', b];
        v.extend((0..=255u8).rev());
        let _ = dec(&v);
    }
}

#[test]
fn output_is_always_nfc() {
    use unicode_normalization::is_nfc;
    for a in (0x80..=0xFFu8).step_by(3) {
        for b in [b'a', b'O', 0xA2, 0xE2] {
            let (s, _) = dec(&[a, b, a, 0x1B, b'(', b'S', a & 0x7F, b]);
            assert!(is_nfc(&s), "{a:02X} {b:02X} -> {s:?}");
        }
    }
}

#[test]
fn every_set_has_its_final_byte() {
    for set in CodeSet::ALL {
        assert_eq!(CodeSet::from_final(set.final_byte()), Some(set));
        assert!(!set.name().is_empty());
    }
    assert_eq!(
        lookup(CodeSet::Ansel, 0xE2),
        Some(Mapping::Combining('\u{301}'))
    );
    assert_eq!(lookup(CodeSet::Ansel, 0xEC), Some(Mapping::Nothing));
    assert_eq!(
        lookup(CodeSet::Eacc, 0x213021),
        Some(Mapping::Char('\u{4E00}'))
    );
    assert_eq!(
        lookup(CodeSet::Eacc, 0xA1B0A1),
        Some(Mapping::Char('\u{4E00}'))
    );
    assert_eq!(lookup(CodeSet::BasicLatin, 0x1234), None);
}

#[test]
fn first_problem_offsets_span_fields() {
    assert_eq!(first_problem(b"ab\x1Ecd\x1E"), None);
    let p = first_problem(b"ab\x1E\x1B(N\x1Ecd\xFF").unwrap();
    assert_eq!((p.offset, p.kind), (9, "unmapped-marc8"));
}

/// Rough throughput on Latin text; run with
/// `cargo test --release --lib marc::marc8::tests::throughput -- --ignored --nocapture`.
#[test]
#[ignore]
fn throughput() {
    let sample: &[u8] = b"Zahradn\xE2ik\xEAuv rok. The gardener's year / Karel \xE9Capek ; \
        translated by M. and R. Weatherall. Madison, Wis. : University of Wisconsin Press, 1984. ";
    let ascii: &[u8] = b"Reprint. Originally published: London : George Allen & Unwin Ltd., 1931. ";
    for (name, unit) in [("latin-with-diacritics", sample), ("ascii", ascii)] {
        let data: Vec<u8> = unit.iter().copied().cycle().take(64 << 20).collect();
        let values: Vec<&[u8]> = data.chunks(60).collect();
        let mut d = Marc8Decoder::new();
        let (mut out, mut p) = (String::with_capacity(256), Vec::new());
        let t = std::time::Instant::now();
        let mut total = 0usize;
        for v in &values {
            out.clear();
            d.reset();
            d.decode(v, &mut out, &mut p);
            total += out.len();
        }
        let secs = t.elapsed().as_secs_f64();
        println!(
            "{name}: {:.0} MB/s ({total} bytes out, {} problems)",
            data.len() as f64 / secs / 1e6,
            p.len()
        );
    }
}

/// The committed table is what the committed generator makes from the LoC file (needs
/// `CROSSWALK_SHARED` and `python3`; skipped otherwise).
#[test]
fn generated_table_is_up_to_date() {
    let Some(shared) = std::env::var_os("CROSSWALK_SHARED") else {
        println!("note: CROSSWALK_SHARED is not set; table reproducibility check skipped");
        return;
    };
    let root = env!("CARGO_MANIFEST_DIR");
    let source = std::path::Path::new(&shared).join("tables/yaz/codetables.xml");
    let status = std::process::Command::new("python3")
        .arg(format!("{root}/tools/gen_marc8_table.py"))
        .arg("--check")
        .arg(&source)
        .arg(format!("{root}/src/marc/marc8/table.rs"))
        .status();
    match status {
        Ok(s) => assert!(s.success(), "src/marc/marc8/table.rs is out of date: {s}"),
        Err(e) => println!("note: python3 not runnable ({e}); table check skipped"),
    }
}
