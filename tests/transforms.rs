//! Value transforms through their public API: the crosswalk-file spec forms, the dates table, check
//! digit arithmetic, every ISO 639-2 code, and junk input for every transform (no panics).

use crosswalk::crosswalk::transform::{
    bcp47_for_880, date, ident, language, CompiledTransform, Datatype, Output, Tag, Transform,
    TransformError,
};

/// One of each transform, as a crosswalk file would write it (JSON has TOML's shape).
const ALL_SPECS: &[&str] = &[
    r#""trim-isbd""#,
    r#""strip-brackets""#,
    r#""normalize-space""#,
    r#""nfc""#,
    r#""lowercase""#,
    r#""uppercase""#,
    r#"{"prefix": "p:"}"#,
    r#"{"suffix": ":s"}"#,
    r#"{"split": "--"}"#,
    r#"{"split": " "}"#,
    r#"{"join": "; "}"#,
    r#"{"regex-replace": ["(\\w)(\\w*)", "$2$1"]}"#,
    r#"{"regex-replace": ["^", "x"]}"#,
    r#"{"regex-extract": "(\\d+)"}"#,
    r#"{"regex-extract": ""}"#,
    r#"{"substring": [1, 3]}"#,
    r#"{"substring": [0]}"#,
    r#"{"default": "none"}"#,
    r#"{"lookup": {"map": {"a": "b"}, "miss": "keep"}}"#,
    r#"{"lookup": {"map": {"a": "b"}, "miss": "error"}}"#,
    r#""date-marc008""#,
    r#""date-publication""#,
    r#""date-normal""#,
    r#""date""#,
    r#""isbn""#,
    r#""issn""#,
    r#""lccn""#,
    r#""oclc""#,
    r#""language""#,
];

fn compile(json: &str) -> CompiledTransform {
    let spec: Transform = serde_json::from_str(json).unwrap_or_else(|e| panic!("{json}: {e}"));
    spec.compile().unwrap_or_else(|e| panic!("{json}: {e}"))
}

fn junk() -> Vec<String> {
    let mut v: Vec<String> = [
        "",
        " ",
        "\t\n\r",
        "\0",
        "\u{1f}\u{1e}\u{1d}",
        "[",
        "]",
        "[]",
        "][",
        "((((",
        ")",
        "(OCoLC)",
        "(",
        "?",
        "~",
        "%",
        "/",
        "//",
        "..",
        "...",
        ". . .",
        "-",
        "--",
        "----",
        "uuuu",
        "||||",
        "9999",
        "0000",
        "00000000",
        "99999999999999999999999999999999",
        "1999-",
        "-1999",
        "1999//2000",
        "1999/2000/2001",
        "19991332",
        "1999-02-30",
        "XXXX-XX-XX",
        "between and",
        "between 1890 and",
        "1890 or",
        "or 1890",
        "ca.",
        "c",
        "©",
        "i.e.",
        "[i.e.]",
        "MMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMM",
        "IIII",
        "é",
        "e\u{301}\u{301}\u{301}",
        "\u{202e}1999\u{202c}",
        "١٩٩٩",
        "１９９９",
        "日本語",
        "🦀🦀🦀",
        "\u{feff}",
        "\u{fffd}",
        "a\u{0}b",
        "ǅ",
        "İ",
        "ß",
        "X",
        "x",
        "0-306-40615-X",
        "978-",
        "ISBN",
        "ISSN 1234-",
        "n-",
        "-/",
        "/-",
        "$1",
        "(3",
        "245-01/",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    v.push("a".repeat(10_000));
    v.push("1".repeat(10_000));
    v.push("[".repeat(1000) + &"]".repeat(999));
    v.push(" /".repeat(1000));
    v.push("ca. ".repeat(500));
    // Deterministic pseudo-random strings over an alphabet that matters to the parsers.
    let alphabet: Vec<char> =
        "0123456789uUxX-/?~%[](),.;: cai.e©℗pnosdMCDLXVIé日\u{301}\t|#$()OCoLC"
            .chars()
            .collect();
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    for _ in 0..3000 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let len = (state % 24) as usize;
        let s: String = (0..len)
            .map(|i| alphabet[((state >> (i % 48)) as usize + i * 7) % alphabet.len()])
            .collect();
        v.push(s);
    }
    v
}

#[test]
fn every_transform_has_a_spec_form() {
    let mut names: Vec<&str> = ALL_SPECS
        .iter()
        .map(|json| {
            let t: Transform = serde_json::from_str(json).unwrap();
            assert!(json.contains(t.name()), "{json} is not named {}", t.name());
            t.name()
        })
        .collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), 24, "{names:?}");
}

#[test]
fn no_transform_panics_on_junk() {
    let junk = junk();
    for json in ALL_SPECS {
        let t = compile(json);
        for s in &junk {
            let mut out = Vec::new();
            let before = out.len();
            match t.apply(s.as_str().into(), &mut out) {
                Ok(()) => {
                    for o in &out {
                        assert!(!o.value.trim().is_empty(), "{json} on {s:?}: empty output");
                    }
                }
                Err(e) => {
                    assert_eq!(out.len(), before, "{json} on {s:?}: output despite error");
                    assert!(!e.to_string().is_empty());
                }
            }
        }
        let list: Vec<Output> = junk.iter().take(200).map(Output::plain).collect();
        let _ = t.apply_list(&list);
        let _ = t.apply_list(&[]);
    }
    for s in &junk {
        let _ = bcp47_for_880(Some(s), s);
        let _ = bcp47_for_880(None, s);
        let _ = language::bcp47_all(s);
    }
}

/// The date forms of the brief, each with its documented output.
#[test]
fn dates_table() {
    type Parser = fn(&str) -> Result<Option<date::DateValue>, date::DateError>;
    let marc008: Parser = date::parse_marc008;
    let publication: Parser = date::parse_publication;
    let normal: Parser = date::parse_normal;
    let auto: Parser = date::parse_auto;
    use Datatype::*;
    type Want = Option<(&'static str, Datatype)>;
    let cases: &[(Parser, &str, Want)] = &[
        (marc008, "1999", Some(("1999", XsdGYear))),
        (marc008, "19uu", Some(("19XX", Edtf))),
        (marc008, "199u", Some(("199X", Edtf))),
        (marc008, "    ", None),
        (marc008, "9999", None),
        (publication, "c1999.", Some(("1999", XsdGYear))),
        (publication, "[1999]", Some(("1999", XsdGYear))),
        (publication, "[1999?]", Some(("1999?", Edtf))),
        (publication, "1999-2003", Some(("1999/2003", Edtf))),
        (
            publication,
            "[between 1890 and 1899?]",
            Some(("1890?/1899?", Edtf)),
        ),
        (publication, "ca. 1850", Some(("1850~", Edtf))),
        (publication, "MCMXCIX.", Some(("1999", XsdGYear))),
        (publication, "1999, c1998", Some(("1999", XsdGYear))),
        (publication, "[199-]", Some(("199X", Edtf))),
        (publication, "[19--?]", Some(("19XX?", Edtf))),
        (publication, "[1971 or 1972]", Some(("[1971,1972]", Edtf))),
        (publication, "[n.d.]", None),
        (normal, "1900/1950", Some(("1900/1950", Edtf))),
        (normal, "1900-01-01", Some(("1900-01-01", XsdDate))),
        (normal, "19000101", Some(("1900-01-01", XsdDate))),
        (normal, "1900-01", Some(("1900-01", XsdGYearMonth))),
        (normal, "1900", Some(("1900", XsdGYear))),
        (auto, "19uu", Some(("19XX", Edtf))),
        (auto, "19000101", Some(("1900-01-01", XsdDate))),
        (auto, "[ca. 1850]", Some(("1850~", Edtf))),
        (auto, "1999-2003", Some(("1999/2003", Edtf))),
    ];
    for (parse, input, want) in cases {
        let got = parse(input).unwrap_or_else(|_| panic!("{input:?} did not parse"));
        let got = got.as_ref().map(|d| (d.value.as_str(), d.datatype));
        assert_eq!(got, *want, "{input:?}");
    }
    for bad in ["soon", "1900-13-01", "19a9"] {
        assert!(date::parse_auto(bad).is_err(), "{bad:?}");
    }
}

#[test]
fn date_transform_outputs_are_typed() {
    let t = compile(r#""date""#);
    let out = t.apply_str("[between 1890 and 1899?]").unwrap();
    assert_eq!(out, [Output::typed("1890?/1899?", Datatype::Edtf)]);
    assert_eq!(out[0].tag, Tag::Datatype(Datatype::Edtf));
    assert!(matches!(
        t.apply_str("later"),
        Err(TransformError::Date {
            transform: "date",
            ..
        })
    ));
}

/// ISBN-10 check digits against the textbook rule (sum of position × digit ≡ 0 mod 11), and every
/// ISBN-10 → ISBN-13 conversion against the EAN rule, over a spread of bodies.
#[test]
fn check_digit_math() {
    let mut state: u64 = 12345;
    for _ in 0..2000 {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1);
        let body = format!("{:09}", (state >> 20) % 1_000_000_000);
        let digits: Vec<u8> = body.bytes().map(|b| b - b'0').collect();
        let check = ident::mod11_check(&digits);
        let check_value = if check == 'X' {
            10
        } else {
            u32::from(check as u8 - b'0')
        };
        let weighted: u32 = digits
            .iter()
            .enumerate()
            .map(|(i, d)| (i as u32 + 1) * u32::from(*d))
            .sum::<u32>()
            + 10 * check_value;
        assert_eq!(weighted % 11, 0, "{body}{check}");
        let isbn10 = format!("{body}{check}");
        let isbn13 = ident::isbn13(&isbn10).unwrap();
        assert_eq!(&isbn13[..12], format!("978{body}"));
        let ean: u32 = isbn13
            .bytes()
            .enumerate()
            .map(|(i, b)| u32::from(b - b'0') * if i % 2 == 0 { 1 } else { 3 })
            .sum();
        assert_eq!(ean % 10, 0, "{isbn13}");
        assert_eq!(ident::isbn13(&isbn13).unwrap(), isbn13);
        // ISSN: the same modulus 11 over seven digits.
        let issn = format!("{}{}", &body[..7], ident::mod11_check(&digits[..7]));
        let weighted: u32 = issn
            .bytes()
            .zip((1..=8).rev())
            .map(|(b, w)| w * if b == b'X' { 10 } else { u32::from(b - b'0') })
            .sum();
        assert_eq!(weighted % 11, 0, "{issn}");
        assert_eq!(
            ident::issn(&issn).unwrap(),
            format!("{}-{}", &issn[..4], &issn[4..])
        );
    }
}

/// Every ISO 639-2 code with an ISO 639-1 equivalent (B and T) gives that equivalent, read
/// independently of the generator from the LoC vocabulary (needs `CROSSWALK_SHARED`).
#[test]
fn every_iso639_2_code_with_a_639_1_equivalent() {
    let Some(shared) = std::env::var_os("CROSSWALK_SHARED") else {
        println!("note: CROSSWALK_SHARED is not set; ISO 639-2 check skipped");
        return;
    };
    let path = std::path::Path::new(&shared).join("vocab/loc-edn/iso639_2.cljc");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut checked = 0;
    for block in text.split("\n(def ").skip(1) {
        let code = block.lines().next().unwrap().trim();
        if code.len() != 3 {
            continue;
        }
        let one = block.split(":loc.iso639-1/").nth(1).map(|rest| &rest[..2]);
        let related = block
            .split("skos/related :loc.iso639-2/")
            .nth(1)
            .map(|rest| &rest[..3]);
        match one {
            Some(one) => {
                assert_eq!(language::bcp47(code).as_deref(), Some(one), "{code}");
                assert_eq!(
                    language::bcp47(&code.to_uppercase()).as_deref(),
                    Some(one),
                    "{code}"
                );
                if let Some(other) = related {
                    assert_eq!(language::bcp47(other).as_deref(), Some(one), "{other}");
                    checked += 1;
                }
                checked += 1;
            }
            None => assert_eq!(language::bcp47(code).as_deref(), Some(code), "{code}"),
        }
    }
    // 184 entries with an ISO 639-1 code, plus the other side of the B/T pairs they name.
    assert!(checked >= 200, "only {checked} codes checked");
}

/// The committed language table is what the committed generator makes (needs `CROSSWALK_SHARED`
/// and `python3`; skipped otherwise).
#[test]
fn language_table_is_up_to_date() {
    if std::env::var_os("CROSSWALK_SHARED").is_none() {
        println!("note: CROSSWALK_SHARED is not set; language table check skipped");
        return;
    }
    let root = env!("CARGO_MANIFEST_DIR");
    let status = std::process::Command::new("python3")
        .arg(format!("{root}/tools/gen_language_table.py"))
        .arg("--check")
        .arg(format!("{root}/src/crosswalk/transform/language_table.rs"))
        .status();
    match status {
        Ok(s) => assert!(s.success(), "language_table.rs is out of date: {s}"),
        Err(e) => println!("note: python3 not runnable ({e}); table check skipped"),
    }
}

#[test]
fn script_tags_for_880() {
    for (lang, code, want) in [
        ("rus", "(N", "ru-Cyrl"),
        ("jpn", "$1", "ja-Jpan"),
        ("chi", "$1", "zh-Hani"),
        ("kor", "$1", "ko-Kore"),
        ("ara", "(3", "ar-Arab"),
        ("heb", "(2", "he-Hebr"),
        ("gre", "(S", "el-Grek"),
        ("eng", "(B", "en-Latn"),
    ] {
        assert_eq!(bcp47_for_880(Some(lang), code).as_deref(), Some(want));
    }
}

#[test]
fn lookup_file_next_to_the_mapping() {
    let dir = std::env::temp_dir().join(format!("crosswalk-transforms-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("relators.tsv"), "aut\tauthor\nill\tillustrator\n").unwrap();
    let spec: Transform =
        serde_json::from_str(r#"{"lookup": {"file": "relators.tsv", "miss": "drop"}}"#).unwrap();
    let t = spec.compile_in(&dir).unwrap();
    assert_eq!(t.apply_one("ill").unwrap(), ["illustrator"]);
    assert!(t.apply_one("zzz").unwrap().is_empty());
    assert!(spec.compile().is_err()); // not in the current directory
    std::fs::remove_dir_all(&dir).unwrap();
}
