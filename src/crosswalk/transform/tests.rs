//! Unit tests of the transform specs, compilation and application.

use super::*;

fn spec(json: &str) -> Transform {
    serde_json::from_str(json).unwrap_or_else(|e| panic!("{json}: {e}"))
}

fn run(json: &str, value: &str) -> Vec<String> {
    spec(json).compile().unwrap().apply_one(value).unwrap()
}

#[test]
fn spec_forms() {
    assert_eq!(spec(r#""trim-isbd""#), Transform::TrimIsbd);
    assert_eq!(spec(r#"{"split": "--"}"#), Transform::Split("--".into()));
    assert_eq!(
        spec(r#"{"regex-replace": ["a", "b"]}"#),
        Transform::RegexReplace("a".into(), "b".into())
    );
    assert_eq!(
        spec(r#"{"substring": [0, 4]}"#),
        Transform::Substring(vec![0, 4])
    );
    assert_eq!(spec(r#""date-marc008""#), Transform::DateMarc008);
    assert!(matches!(
        spec(r#"{"lookup": {"map": {"a": "b"}, "miss": "drop"}}"#),
        Transform::Lookup(LookupSpec {
            miss: MissPolicy::Drop,
            ..
        })
    ));
    let err = serde_json::from_str::<Transform>(r#""trim-isdb""#).unwrap_err();
    assert!(
        err.to_string().contains("unknown variant `trim-isdb`"),
        "{err}"
    );
    assert!(serde_json::from_str::<Transform>(r#"{"lookup": {"mapp": {}}}"#).is_err());
    assert!(serde_json::from_str::<Transform>(r#"{"split": "a", "join": "b"}"#).is_err());
}

#[test]
fn compile_errors() {
    let e = spec(r#"{"regex-replace": ["(", "x"]}"#)
        .compile()
        .unwrap_err();
    assert!(matches!(e, CompileError::Regex { .. }));
    for bad in ["[]", "[3, 1]", "[1, 2, 3]"] {
        let e = spec(&format!(r#"{{"substring": {bad}}}"#))
            .compile()
            .unwrap_err();
        assert!(e.to_string().starts_with("substring:"), "{e}");
    }
    let e = spec(r#"{"lookup": {}}"#).compile().unwrap_err();
    assert!(e.to_string().contains("give a `file` or a `map`"), "{e}");
}

#[test]
fn text_transforms() {
    assert_eq!(run(r#""trim-isbd""#, "Moby Dick /"), ["Moby Dick"]);
    assert_eq!(run(r#""trim-isbd""#, " / "), Vec::<String>::new());
    assert_eq!(run(r#""strip-brackets""#, "[London]"), ["London"]);
    assert_eq!(run(r#""normalize-space""#, " a  b "), ["a b"]);
    assert_eq!(run(r#""nfc""#, "e\u{301}"), ["\u{e9}"]);
    assert_eq!(run(r#""lowercase""#, "ÀB"), ["àb"]);
    assert_eq!(run(r#""uppercase""#, "straße"), ["STRASSE"]);
    assert_eq!(run(r#"{"prefix": "urn:isbn:"}"#, "123"), ["urn:isbn:123"]);
    assert_eq!(run(r#"{"suffix": "!"}"#, "a"), ["a!"]);
    assert_eq!(
        run(r#"{"split": "--"}"#, "History -- 20th century--  -- x"),
        ["History", "20th century", "x"]
    );
    assert_eq!(run(r#"{"split": ""}"#, "abc"), ["abc"]);
    assert_eq!(
        run(
            r#"{"regex-replace": ["(\\w+) (\\w+)", "$2 $1"]}"#,
            "a b c d"
        ),
        ["b a d c"]
    );
    assert_eq!(
        run(
            r#"{"regex-replace": ["\\s*\\(.*\\)$", ""]}"#,
            "0306406152 (pbk.)"
        ),
        ["0306406152"]
    );
    assert_eq!(
        run(r#"{"regex-replace": [".*", ""]}"#, "gone"),
        Vec::<String>::new()
    );
    assert_eq!(run(r#"{"regex-extract": "(\\d{4})"}"#, "c1999."), ["1999"]);
    assert_eq!(run(r#"{"regex-extract": "\\d+"}"#, "ab12cd"), ["12"]);
    assert_eq!(
        run(r#"{"regex-extract": "(\\d{4})"}"#, "n.d."),
        Vec::<String>::new()
    );
    assert_eq!(run(r#"{"regex-extract": "(x)?y"}"#, "y"), ["y"]);
    assert_eq!(run(r#"{"substring": [0, 4]}"#, "19990101"), ["1999"]);
    assert_eq!(run(r#"{"substring": [4]}"#, "19990101"), ["0101"]);
    assert_eq!(
        run(r#"{"substring": [9, 12]}"#, "19990101"),
        Vec::<String>::new()
    );
    assert_eq!(run(r#"{"default": "n.d."}"#, "  "), ["n.d."]);
    assert_eq!(run(r#"{"default": "n.d."}"#, "1999"), ["1999"]);
    assert_eq!(run(r#"{"join": "; "}"#, "a"), ["a"]);
}

#[test]
fn lookup_transform() {
    let keep = r#"{"lookup": {"map": {"aut": "author"}}}"#;
    assert_eq!(run(keep, "aut"), ["author"]);
    assert_eq!(run(keep, "xxx"), ["xxx"]);
    let drop = r#"{"lookup": {"map": {"aut": "author"}, "miss": "drop"}}"#;
    assert_eq!(run(drop, "xxx"), Vec::<String>::new());
    let default = r#"{"lookup": {"map": {"aut": "author"}, "default": "other"}}"#;
    assert_eq!(run(default, "xxx"), ["other"]);
    let error = spec(r#"{"lookup": {"map": {"aut": "author"}, "miss": "error"}}"#)
        .compile()
        .unwrap();
    assert_eq!(
        error.apply_str("xxx"),
        Err(TransformError::LookupMiss {
            value: "xxx".into()
        })
    );
}

#[test]
fn typed_outputs() {
    let t = spec(r#""date-publication""#).compile().unwrap();
    assert_eq!(
        t.apply_str("c1999.").unwrap(),
        [Output::typed("1999", Datatype::XsdGYear)]
    );
    assert_eq!(t.apply_str("[n.d.]").unwrap(), []);
    let e = t.apply_str("soon").unwrap_err();
    assert_eq!(
        e.to_string(),
        "date-publication: cannot read a date in \"soon\""
    );
    let t = spec(r#""date-normal""#).compile().unwrap();
    assert_eq!(
        t.apply_str("19000101").unwrap(),
        [Output::typed("1900-01-01", Datatype::XsdDate)]
    );
    assert_eq!(
        Datatype::Edtf.iri(),
        "http://id.loc.gov/datatypes/edtf/EDTF"
    );
    assert_eq!(Datatype::XsdGYear.to_string(), "xsd:gYear");
}

#[test]
fn identifier_transforms() {
    assert_eq!(
        run(r#""isbn""#, "0-306-40615-2 (pbk.) : $12.95"),
        ["9780306406157"]
    );
    assert_eq!(run(r#""issn""#, "0028-0836"), ["0028-0836"]);
    assert_eq!(run(r#""lccn""#, "n 78-89035"), ["n78089035"]);
    assert_eq!(run(r#""oclc""#, "(OCoLC)ocm00012345"), ["12345"]);
    assert_eq!(run(r#""oclc""#, "(DLC)12345"), Vec::<String>::new());
    let isbn = spec(r#""isbn""#).compile().unwrap();
    let e = isbn.apply_str("0-306-40615-3").unwrap_err();
    assert_eq!(
        e.to_string(),
        "isbn: \"0-306-40615-3\": check digit is 3, expected 2"
    );
}

#[test]
fn language_transform() {
    assert_eq!(run(r#""language""#, "fre"), ["fr"]);
    assert_eq!(run(r#""language""#, "engfre"), ["en", "fr"]);
    assert_eq!(run(r#""language""#, "   "), Vec::<String>::new());
    assert_eq!(run(r#""language""#, "|||"), Vec::<String>::new());
    let t = spec(r#""language""#).compile().unwrap();
    assert!(matches!(
        t.apply_str("xyz"),
        Err(TransformError::Language { .. })
    ));
}

#[test]
fn list_semantics() {
    let vals = [
        Output::tagged("Война и мир /", "ru-Cyrl"),
        Output::plain("War and peace /"),
    ];
    let trim = spec(r#""trim-isbd""#).compile().unwrap();
    assert_eq!(
        trim.apply_list(&vals).unwrap(),
        [
            Output::tagged("Война и мир", "ru-Cyrl"),
            Output::plain("War and peace")
        ]
    );
    let join = spec(r#"{"join": " = "}"#).compile().unwrap();
    assert_eq!(
        join.apply_list(&vals).unwrap(),
        [Output::tagged("Война и мир / = War and peace /", "ru-Cyrl")]
    );
    assert_eq!(join.apply_list(&[]).unwrap(), []);
    let default = spec(r#"{"default": "x"}"#).compile().unwrap();
    assert_eq!(default.apply_list(&[]).unwrap(), [Output::plain("x")]);
    assert_eq!(
        default.apply_list(&[Output::plain("")]).unwrap(),
        [Output::plain("x")]
    );
    assert_eq!(
        default.apply_list(&[Output::plain("a")]).unwrap(),
        [Output::plain("a")]
    );
    let date = spec(r#""date""#).compile().unwrap();
    assert_eq!(
        date.apply_list(&[Output::plain("1999"), Output::plain("19uu")])
            .unwrap(),
        [
            Output::typed("1999", Datatype::XsdGYear),
            Output::typed("19XX", Datatype::Edtf)
        ]
    );
    assert!(date.apply_list(&[Output::plain("junk")]).is_err());
}

/// In place, `trim-isbd` and `strip-brackets` keep exactly what `apply` outputs (or drop the
/// value when `apply` outputs nothing); other transforms are left to `apply`.
#[test]
fn in_place_is_apply() {
    let values = [
        "Moby Dick /",
        "  [London] : ",
        "[s.n.],",
        "[",
        " ",
        "",
        "Smith, John A.",
        "Жизнь это театр :",
        "And then...",
    ];
    for json in [r#""trim-isbd""#, r#""strip-brackets""#] {
        let t = spec(json).compile().unwrap();
        for v in values {
            let out = t.apply_one(v).unwrap();
            for mut s in [Cow::Borrowed(v), Cow::Owned(v.to_string())] {
                let kept = t.apply_in_place(&mut s).expect("an in-place transform");
                let s = s.into_owned();
                assert_eq!(if kept { vec![s] } else { vec![] }, out, "{json} {v:?}");
            }
        }
    }
    let mut s = Cow::Borrowed("ABC");
    assert_eq!(
        spec(r#""lowercase""#)
            .compile()
            .unwrap()
            .apply_in_place(&mut s),
        None
    );
    assert_eq!(s, "ABC");
}

/// A `regex-extract` of `^(…)$` (nothing else grouped) tests for a match and keeps the value, in
/// place and in `apply`; what it keeps is what the group captures. Other patterns capture.
#[test]
fn whole_value_extracts_are_match_tests() {
    for (pattern, whole) in [
        ("^([a-z]{3})$", true),
        (r"^(https?://\S+)$", true),
        (r"^(\d+|x)$", true),
        ("^()$", true),
        ("^(?:a)(b)$", false),
        (r"^\(OCoLC\)\s*(?:ocm|ocn|on)?0*([0-9]+)\s*$", false),
        ("^([a-z]{3})", false),
        ("([a-z]{3})$", false),
        ("^([a-z])([a-z])$", false),
        ("^(a)?$", false),
        ("(?m)^(a)$", false),
        ("^(a(b))$", false),
        ("(", false),
    ] {
        assert_eq!(whole_value(pattern), whole, "{pattern}");
    }
    let values = [
        "eng",
        "ENG",
        "en",
        "engl",
        " eng",
        "eng\n",
        "",
        " ",
        "http://x.org/a b",
        "http://x.org/a",
        "12",
        "x",
    ];
    for pattern in ["^([a-z]{3})$", r"^(https?://\S+)$", r"^(\d+|x)$", "^()$"] {
        let t = Transform::RegexExtract(pattern.into()).compile().unwrap();
        let re = regex::Regex::new(pattern).unwrap();
        for v in values {
            let captured: Vec<String> = re
                .captures(v)
                .and_then(|c| c.get(1))
                .map(|m| m.as_str())
                .filter(|m| !m.trim().is_empty())
                .map(str::to_string)
                .into_iter()
                .collect();
            assert_eq!(t.apply_one(v).unwrap(), captured, "{pattern} {v:?}");
            let mut s = Cow::Borrowed(v);
            let kept = t.apply_in_place(&mut s).expect("in place");
            assert_eq!(
                if kept { vec![s.into_owned()] } else { vec![] },
                captured,
                "{pattern} {v:?}"
            );
        }
    }
}
