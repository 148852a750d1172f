//! Unit tests of the MARCspec parser and evaluator.

use super::*;
use crate::marc::Tag;

fn t(s: &str) -> Tag {
    Tag::parse(s).unwrap()
}

/// Appends a data field with its subfields.
fn data(r: &mut RecordBuf, tag: &str, [i1, i2]: [char; 2], subfields: &[(char, &str)]) {
    r.push_data_field(t(tag), i1, i2);
    for (code, value) in subfields {
        r.push_subfield(*code, value);
    }
}

/// A small bibliographic record; field indexes in comments.
fn record() -> RecordBuf {
    let mut r = RecordBuf::new();
    r.push_control_field(t("001"), " ocm42 "); // 0
    r.push_control_field(t("008"), &format!("{:<35}eng d", "850101s1851    nyu")); // 1
    r.push_control_field(t("007"), "ta"); // 2
    r.push_control_field(t("007"), "vd cvaizq"); // 3
    let isbn = |isbn, binding, price| {
        [
            ('a', isbn),
            ('q', "Random House"),
            ('q', binding),
            ('c', price),
        ]
    };
    data(
        &mut r,
        "020",
        [' ', ' '],
        &isbn("0394170660", "paperback", "$4.95"),
    ); // 4
    data(
        &mut r,
        "020",
        [' ', ' '],
        &isbn("0394502884", "hardcover", "$12.50"),
    ); // 5
    let author = [
        ('a', "Melville, Herman,"),
        ('d', "1819-1891."),
        ('6', "880-01"),
    ];
    data(&mut r, "100", ['1', ' '], &author); // 6
    data(
        &mut r,
        "245",
        ['1', '0'],
        &[('a', "Moby Dick /"), ('c', "Herman Melville.")],
    ); // 7
    let kent = [
        ('a', "Kent, Rockwell,"),
        ('e', "illustrator."),
        ('4', "ill"),
    ];
    data(&mut r, "700", ['1', ' '], &kent); // 8
    let hawthorne = [
        ('a', "Hawthorne, Nathaniel,"),
        ('e', "author."),
        ('4', "aut"),
    ];
    data(&mut r, "700", ['1', ' '], &hawthorne); // 9
    data(
        &mut r,
        "700",
        ['1', '2'],
        &[('a', "Poe, Edgar Allan"), ('e', "editor.")],
    ); // 10
    data(
        &mut r,
        "880",
        ['1', ' '],
        &[('6', "100-01/(2/r"), ('a', "הרמן מלוויל")],
    ); // 11
    r
}

fn values_in(rec: &RecordBuf, spec: &str, scope: Scope) -> Vec<String> {
    let spec = compile(spec).unwrap_or_else(|e| panic!("{e}"));
    spec.collect(rec, scope)
        .into_iter()
        .map(|s| s.value.into_owned())
        .collect()
}

fn values(rec: &RecordBuf, spec: &str) -> Vec<String> {
    values_in(rec, spec, Scope::RECORD)
}

fn origins(rec: &RecordBuf, spec: &str) -> Vec<String> {
    let spec = compile(spec).unwrap();
    spec.collect(rec, Scope::RECORD)
        .into_iter()
        .map(|s| rec.origin(s.scope, s.part).to_string())
        .collect()
}

// -- parsing ---------------------------------------------------------------------------------

/// Representative cases of the MARCspec test suite (valid/ and invalid/), as whole specs.
#[test]
fn suite_samples() {
    let valid = [
        // field tags
        "...",
        "..0",
        "1.0",
        "2..",
        "LDR",
        "ABC",
        "A.C",
        "a00",
        "abc",
        ".bc",
        // subfield codes
        "245$a",
        "245$0",
        "245$!",
        "245$$",
        "245$/",
        "245${",
        "245$}",
        "245$\\",
        "245$[",
        "245$]",
        "245$^",
        "245$_",
        "245$`",
        "245$~",
        "245$=",
        "245$?",
        "245$-",
        // subfield ranges
        "245$a-z",
        "245$0-9",
        // positions and ranges
        "LDR/#",
        "LDR/0",
        "LDR/100",
        "LDR/0-#",
        "LDR/0-0",
        "LDR/#-#",
        "LDR/#-0",
        "LDR/#-1",
        "300[#-1]",
        "245$a[1-#]",
        // indicators
        "245^1",
        "245^2",
        // subspecs
        "245{245$a}",
        "245{$a}",
        "245{?$a}",
        "245{!$a}",
        "245{$a=$b}",
        "245{$a!=$b}",
        "245{$a~\\Poe}",
        "245{$a!~\\Poe}",
        "245{/#=\\/}",
        "245{$a|$b}{$c}",
        "245{$a|$b|$c}",
        "245$a{$a~\\test\\}}",
        "245$a{$a~\\test\\|}",
        // comparison strings
        "245{$a=\\test\\$}",
        "245{$a=\\te\\}st}",
        "245{$a=\\=test}",
        "245{$a=\\tes\\st\\|}",
        // examples of the specification
        "007/1-#",
        "245$a/#-1",
        "245$a$b$c",
        "...$_$$",
        "300[0-2]",
        "880[1]^2",
        "020$c{?020$a}",
        "020$z{020$z!020$a}",
        "008/18{LDR/6=\\a}{LDR/7=\\a|LDR/7=\\c}",
        "245$b{007/0=\\a|007/0=\\t}",
        "880$a{100$6~$6/3-5}{100$6~\\880}",
        "007[1]/3{/0=\\v}",
        "800[0]{$a~\\Poe}{^2=\\1}",
        "...[2]{[1]}",
        "...$a[0]{[1]}",
        "...$a/1{[1]/1}",
        "...$a{^2=\\0}",
        "...^1{^1!=\\_}",
        "...^2{[1]$a}",
        "...^2{[1]^1=\\_}",
    ];
    for s in valid {
        assert!(
            compile(s).is_ok(),
            "{s:?} should compile: {:?}",
            compile(s).err()
        );
    }
    let invalid = [
        "....",
        "ABCD",
        "?00",
        "abC",
        "a0C",
        "a.C",
        "24#",
        "24 ",
        "2 5",
        " 45",
        "245$ a",
        "245$ß",
        "245$|",
        "245$A",
        "245$10",
        "245$a-9",
        "245$0-a",
        "245$1-0",
        "245$z-a",
        "245$A-Z",
        "LDR/",
        "LDR/1- 2",
        "LDR/1-2-",
        "LDR/-2",
        "LDR/1-X",
        "LDR/#-",
        "LDR/2-1",
        "LDR/?",
        "245^12",
        "245^3",
        "245^",
        "245{$a=\\te st\\?}",
        "245{$a=\\test$}",
        "245{$a=\\te}st}",
        "245{$a=\\test{}",
        "245{$a=\\test~}",
        "245{$a=\\test?}",
        ".../0-7{^1}",
        "...^2{/0=\\1}",
        // The specification's own example `800[0]{$a~\Poe}{^2=1}` lacks the `\` its grammar
        // requires before a comparison string.
        "800[0]{$a~\\Poe}{^2=1}",
    ];
    for s in invalid {
        assert!(compile(s).is_err(), "{s:?} should not compile");
    }
}

#[test]
fn errors_say_where_and_what() {
    let cases = [
        ("", 0, "empty spec"),
        ("24", 2, "field tag too short"),
        ("245$", 4, "subfield code missing after '$'"),
        ("245$A", 4, "lowercase"),
        ("245$a-9", 4, "invalid subfield code range"),
        ("245$z-a", 4, "after its end"),
        ("245[3-1]", 4, "index range start 3 is after its end 1"),
        ("245[0", 3, "unclosed index"),
        ("245[0}", 5, "']'"),
        ("245$a{$b", 5, "unclosed subspec"),
        ("245{}", 3, "empty subspec"),
        ("245$a{$b=\\a b}", 11, "write a space as \\s"),
        ("LDR/0-", 6, "range end"),
        ("abC", 0, "not both"),
        ("245^3", 4, "1 or 2"),
        ("008/0{^1}", 6, "fixed field has no indicators"),
        ("245^1{/0}", 6, "indicators have no character positions"),
        ("245 $a", 3, "no spaces"),
        ("245$a$b{$c}x", 11, "'$', '{' or the end"),
        ("245{$a=\\x$}", 9, "escape special characters"),
        ("245$a[99999999]", 6, "too large"),
    ];
    for (spec, offset, msg) in cases {
        let e = compile(spec).expect_err(spec);
        assert_eq!(e.offset, offset, "{spec:?}: {e}");
        assert!(e.message.contains(msg), "{spec:?}: {e}");
        assert_eq!(e.expr, spec);
    }
}

#[test]
fn display_and_from_str() {
    let s: MarcSpec = "020$c{$q=\\paperback}".parse().unwrap();
    assert_eq!(s.to_string(), "020$c{$q=\\paperback}");
    assert_eq!(s.as_str(), s.to_string());
    assert!(compile("$a").unwrap().is_relative());
    assert!(compile("^1{$a}").unwrap().is_relative());
    assert!(compile("/0-3").unwrap().is_relative());
    assert!(!compile("245").unwrap().is_relative());
    assert_eq!(<RecordBuf as Selectable>::FORMAT, "marc");
    assert!(<RecordBuf as Selectable>::compile("245$").is_err());
}

#[test]
fn comparison_string_escapes() {
    let spec = compile("245{$a=\\\\$4.95\\s\\{x\\}\\!\\=\\~\\?\\|\\y}").unwrap();
    let ast::Kind::Field { subspecs, .. } = &spec.spec.kind else {
        panic!()
    };
    assert_eq!(
        subspecs[0][0].right,
        ast::Term::Literal("$4.95 {x}!=~?|\\y".into())
    );
    // The leading backslash escapes a special first character.
    let spec = compile("245{$a=\\$4.95}").unwrap();
    let ast::Kind::Field { subspecs, .. } = &spec.spec.kind else {
        panic!()
    };
    assert_eq!(subspecs[0][0].right, ast::Term::Literal("$4.95".into()));
    // ... but not '}' or '|': an empty comparison string.
    assert!(compile("245{$a!=\\}").is_ok());
    assert!(compile("245{$a!=\\|$b}").is_ok());
}

#[test]
fn junk_never_panics() {
    let alphabet: Vec<char> = "0123456789LDRa.$^/[]{}#-=!~?|\\ sxAé".chars().collect();
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let rec = record();
    for _ in 0..20_000 {
        let len = (next() % 16) as usize;
        let s: String = (0..len)
            .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
            .collect();
        if let Ok(spec) = compile(&s) {
            // Whatever compiles evaluates without panicking, at record and field scope.
            let _ = spec.collect(&rec, Scope::RECORD);
            let _ = spec.collect(&rec, Scope(9));
            let _ = spec.collect(&rec, Scope(99));
        } else if let Err(e) = compile(&s) {
            assert!(e.offset <= s.chars().count(), "{s:?}: {e}");
        }
    }
    // Every prefix of valid specs.
    for full in [
        "880$a{100$6~$6/3-5}{100$6~\\880}",
        "020[0-#]$q[#-1]/0-#{$c|^1=\\x}",
    ] {
        for (i, _) in full.char_indices() {
            let _ = compile(&full[..i]);
        }
    }
}

// -- evaluation ------------------------------------------------------------------------------

#[test]
fn leader_and_control_fields() {
    let r = record();
    assert_eq!(values(&r, "LDR"), ["00000nam a2200000 i 4500"]);
    assert_eq!(values(&r, "LDR/6"), ["a"]);
    assert_eq!(values(&r, "LDR/06-07"), ["am"]);
    assert_eq!(values(&r, "LDR/0-4"), ["00000"]);
    assert_eq!(values(&r, "LDR[0]/#"), ["0"]);
    assert!(values(&r, "LDR[1]").is_empty());
    assert_eq!(values(&r, "008/35-37"), ["eng"]);
    assert_eq!(values(&r, "008/38-45"), [" d"]);
    assert!(values(&r, "008/45").is_empty());
    assert_eq!(values(&r, "007/0"), ["t", "v"]);
    assert_eq!(values(&r, "007[1]/0"), ["v"]);
    assert_eq!(values(&r, "007[#]"), ["vd cvaizq"]);
    assert_eq!(values(&r, "007/#"), ["a", "q"]);
    assert_eq!(values(&r, "007/1-#"), ["a", "d cvaizq"]);
    assert_eq!(values(&r, "007/#-1"), ["ta", "zq"]);
    assert_eq!(values(&r, "00.").len(), 4);
    // Wildcards never select the leader.
    assert_eq!(values(&r, "...").len(), r.len());
    assert!(values(&r, "L..").is_empty());
    // Subfields and indicators of control fields and the leader select nothing.
    assert!(values(&r, "008$a").is_empty());
    assert!(values(&r, "LDR$a").is_empty());
    assert!(values(&r, "001^1").is_empty());
}

#[test]
fn data_fields_subfields_and_indexes() {
    let r = record();
    assert_eq!(values(&r, "245"), ["Moby Dick / Herman Melville."]);
    assert_eq!(values(&r, "245/0-3"), ["Moby"]);
    assert_eq!(values(&r, "245/#-15"), ["Herman Melville."]);
    assert_eq!(values(&r, "245$a"), ["Moby Dick /"]);
    assert_eq!(values(&r, "245$c$a"), ["Moby Dick /", "Herman Melville."]);
    assert_eq!(values(&r, "245$a-c"), ["Moby Dick /", "Herman Melville."]);
    assert_eq!(values(&r, "100$0-9"), ["880-01"]);
    assert_eq!(values(&r, "020$q").len(), 4);
    assert_eq!(values(&r, "020$q[#]"), ["paperback", "hardcover"]);
    assert_eq!(values(&r, "020$q[0]"), ["Random House", "Random House"]);
    assert_eq!(values(&r, "020$q[1-#]"), ["paperback", "hardcover"]);
    assert_eq!(values(&r, "020[1]$q"), ["Random House", "hardcover"]);
    assert_eq!(values(&r, "020[#]$a"), ["0394502884"]);
    assert_eq!(values(&r, "020$a/#-1"), ["60", "84"]);
    assert_eq!(values(&r, "700[0-1]$a").len(), 2);
    assert_eq!(
        values(&r, "700[#-1]$a"),
        ["Hawthorne, Nathaniel,", "Poe, Edgar Allan"]
    );
    assert!(values(&r, "700[5]").is_empty());
    assert_eq!(values(&r, "7..$4"), ["ill", "aut"]);
    assert_eq!(values(&r, "880$a/0-3"), ["הרמן"]);
    assert_eq!(values(&r, "880$a/#"), ["ל"]);
    assert_eq!(values(&r, "700^2"), [" ", " ", "2"]);
    assert_eq!(values(&r, "700[#]^2"), ["2"]);
    assert_eq!(values(&r, "245^1"), ["1"]);
}

#[test]
fn subspecs_each_operator() {
    let r = record();
    // = and the per-occurrence reading of abbreviations.
    assert_eq!(values(&r, "020$c{$q=\\paperback}"), ["$4.95"]);
    assert_eq!(values(&r, "020$c{020$q=\\paperback}"), ["$4.95"]);
    assert!(values(&r, "020$c{020[1]$q=\\paperback}").is_empty());
    // != : left must have a value, none equal.
    assert_eq!(values(&r, "020$a{$q!=\\paperback}"), ["0394502884"]);
    assert_eq!(values(&r, "700$a{$4!=\\aut}"), ["Kent, Rockwell,"]);
    // ~ and !~ are substring tests.
    assert_eq!(values(&r, "020$a{$c~\\12}"), ["0394502884"]);
    assert_eq!(values(&r, "020$a{$q!~\\paper}"), ["0394502884"]);
    assert_eq!(values(&r, "700$a{$4!~\\a}"), ["Kent, Rockwell,"]);
    // ? and ! (with and without the operator).
    assert_eq!(
        values(&r, "700$a{$4}"),
        ["Kent, Rockwell,", "Hawthorne, Nathaniel,"]
    );
    assert_eq!(values(&r, "700$a{?$4}").len(), 2);
    assert_eq!(values(&r, "700$a{!$4}"), ["Poe, Edgar Allan"]);
    assert_eq!(values(&r, "700$a{700$a?$4}").len(), 2);
    // Implicit left-hand side: the value being selected.
    assert_eq!(values(&r, "245$a{/#=\\/}"), ["Moby Dick /"]);
    assert_eq!(values(&r, "245$a{/0-3=\\Moby}"), ["Moby Dick /"]);
    assert_eq!(values(&r, "700$e{=\\author.}"), ["author."]);
    assert_eq!(
        values(&r, "700$e{~\\or.}"),
        ["illustrator.", "author.", "editor."]
    );
    assert_eq!(values(&r, "245{~\\Herman}").len(), 1);
    // Indicators and other fields of the record.
    assert_eq!(values(&r, "700$a{^2=\\2}"), ["Poe, Edgar Allan"]);
    assert_eq!(values(&r, "700$a{^2=\\\\s}").len(), 2);
    // The leading backslash is only the prefix: `\\s` is the letter s, `\\\\s` a space.
    assert!(values(&r, "700$a{^2=\\s}").is_empty());
    assert_eq!(values(&r, "008/35-37{LDR/6=\\a}"), ["eng"]);
    assert!(values(&r, "008/35-37{LDR/6=\\t}").is_empty());
    assert_eq!(values(&r, "880$a{100$6~\\880}").len(), 1);
    assert_eq!(values(&r, "880$a{100$6~$6/3-5}").len(), 1);
    assert!(values(&r, "880$a{100$6~$6/0-2}").is_empty());
    // Index abbreviations.
    assert_eq!(values(&r, "007[1]/3{/0=\\v}"), ["c"]);
    assert_eq!(values(&r, "700[0]$a{[2]^2=\\2}"), ["Kent, Rockwell,"]);
    assert_eq!(values(&r, "020$q[0]{[1]=\\paperback}"), ["Random House"]);
    assert_eq!(values(&r, "700^2{[1]$4=\\aut}").len(), 3);
    // Comparison strings on both sides; a leading special character.
    assert_eq!(values(&r, "020$c{/0=\\$}").len(), 2);
    assert_eq!(values(&r, "020$c{\\$4.95=/0-#}"), ["$4.95"]);
    assert_eq!(values(&r, "245$c{=\\Herman\\sMelville.}").len(), 1);
}

#[test]
fn subspecs_or_and() {
    let r = record();
    assert_eq!(values(&r, "700$a{$4=\\aut|$4=\\ill}").len(), 2);
    assert_eq!(values(&r, "700$a{$4=\\aut|$e=\\editor.}").len(), 2);
    assert_eq!(
        values(&r, "700$a{$4}{$e~\\author}"),
        ["Hawthorne, Nathaniel,"]
    );
    assert!(values(&r, "700$a{$4}{!$4}").is_empty());
    assert_eq!(
        values(&r, "008/35-37{LDR/6=\\a}{LDR/7=\\a|LDR/7=\\m}"),
        ["eng"]
    );
    // Subspecs per subfield part.
    assert_eq!(
        values(&r, "020$a{$c~\\4.95}$c{$q=\\hardcover}"),
        ["0394170660", "$12.50"]
    );
}

#[test]
fn relative_specs_and_scopes() {
    let r = record();
    let hawthorne = Scope(9);
    assert_eq!(values_in(&r, "$e", hawthorne), ["author."]);
    assert_eq!(
        values_in(&r, "$a$4", hawthorne),
        ["Hawthorne, Nathaniel,", "aut"]
    );
    assert_eq!(values_in(&r, "^1", hawthorne), ["1"]);
    assert_eq!(values_in(&r, "/0-3", hawthorne), ["Hawt"]);
    assert_eq!(values_in(&r, "$a{$4=\\aut}", hawthorne).len(), 1);
    assert!(values_in(&r, "$a{$4=\\ill}", hawthorne).is_empty());
    assert!(values_in(&r, "$e", Scope::RECORD).is_empty());
    assert!(values_in(&r, "$e", Scope(99)).is_empty());
    // Specs with a tag, given a field scope, select from that field when it matches.
    assert_eq!(values_in(&r, "700$a", hawthorne), ["Hawthorne, Nathaniel,"]);
    assert_eq!(values_in(&r, "7..$a", hawthorne).len(), 1);
    assert!(values_in(&r, "245$a", hawthorne).is_empty());
    assert!(values_in(&r, "700[0]$a", hawthorne).is_empty());
    assert_eq!(values_in(&r, "700[1]$a", hawthorne).len(), 1);
    assert_eq!(
        values_in(&r, "700[#]", Scope(10)),
        ["Poe, Edgar Allan editor."]
    );
    assert!(values_in(&r, "LDR", hawthorne).is_empty());
    // Select then select again inside each scope.
    let people = compile("700").unwrap();
    let roles: Vec<_> = people
        .collect(&r, Scope::RECORD)
        .iter()
        .map(|p| values_in(&r, "$e", p.scope).join(""))
        .collect();
    assert_eq!(roles, ["illustrator.", "author.", "editor."]);
}

#[test]
fn origins_and_parts() {
    let r = record();
    assert_eq!(
        origins(&r, "700$e"),
        ["700[0]$e[0]", "700[1]$e[0]", "700[2]$e[0]"]
    );
    assert_eq!(
        origins(&r, "020$q"),
        ["020[0]$q[0]", "020[0]$q[1]", "020[1]$q[0]", "020[1]$q[1]"]
    );
    assert_eq!(origins(&r, "008/35-37"), ["008[0]/35-37"]);
    assert_eq!(origins(&r, "LDR/6"), ["LDR/06"]);
    assert_eq!(origins(&r, "LDR"), ["LDR"]);
    assert_eq!(origins(&r, "700[1]^1"), ["700[1]^1"]);
    assert_eq!(origins(&r, "245"), ["245[0]"]);
    assert_eq!(origins(&r, "245$a/0-3"), ["245[0]$a[0]/00-03"]);
    assert_eq!(origins(&r, "007/#"), ["007[0]/01", "007[1]/08"]);
    let o = r.origin(Scope(8), part::encode(part::SUBFIELD, 1, None));
    assert_eq!(
        (o.path.as_str(), o.part.as_deref()),
        ("700[0]", Some("$e[0]"))
    );
    assert_eq!(
        part::decode(part::encode(part::SUBFIELD, 7, Some((3, 900)))),
        (part::SUBFIELD, 7, Some((3, 900)))
    );
    assert_eq!(
        part::decode(part::encode(part::FIELD, 0, Some((0, 5000)))),
        (part::FIELD, 0, None)
    );
    assert_eq!(r.origin(Scope(99), 0).path, "field #99");
}

#[test]
fn record_id_and_inventory() {
    let r = record();
    assert_eq!(r.record_id().as_deref(), Some("ocm42"));
    assert_eq!(RecordBuf::new().record_id(), None);
    let mut keys = Vec::new();
    r.inventory(&mut |k| keys.push(k.to_string()));
    assert_eq!(&keys[..5], ["001", "008", "007", "007", "020$a"]);
    assert_eq!(keys.iter().filter(|k| *k == "020$q").count(), 4);
    assert!(keys.contains(&"880$6".to_string()));
    assert_eq!(keys.len(), 4 + 8 + 3 + 2 + 3 + 3 + 2 + 2);
}

#[test]
fn numeric_tag_ranges() {
    use super::ast::TagPattern;
    for (p, range) in [
        (*b"245", Some((245, 245))),
        (*b"51.", Some((510, 519))),
        (*b"6..", Some((600, 699))),
        (*b"...", Some((0, 999))),
        (*b".50", None),
        (*b"6.0", None),
        (*b"LDR", None),
        (*b"CAT", None),
    ] {
        assert_eq!(TagPattern::new(p).numeric_range(), range, "{p:?}");
    }
}

/// A spec whose tags the record lacks is passed over before evaluation; a record that also holds
/// a tag that is not numeric is evaluated, since a wildcard may match it.
#[test]
fn tags_the_record_lacks_select_nothing_letters_are_still_looked_at() {
    let mut r = record();
    assert!(values(&r, "9..$a").is_empty());
    assert!(values(&r, "245$a{900$a}").is_empty());
    assert!(values_in(&r, "6..", Scope(4)).is_empty());
    data(&mut r, "6AB", [' ', ' '], &[('a', "lettered")]);
    assert_eq!(values(&r, "6..$a"), ["lettered"]);
    assert_eq!(values(&r, "6A.$a"), ["lettered"]);
    assert!(values(&r, "9..$a").is_empty());
}
