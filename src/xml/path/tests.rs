use super::*;
use crate::xml::{XmlEvent, XmlReader};

fn tree(doc: &str) -> Element {
    let mut r = XmlReader::new(doc.as_bytes());
    loop {
        if let XmlEvent::Start(t) = r.next_event().unwrap() {
            let t = t.clone();
            return r.read_element(t).unwrap();
        }
    }
}

const EAD: &str = r#"<c01 xmlns="urn:isbn:1-931666-22-9" xmlns:xlink="http://www.w3.org/1999/xlink"
     xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" level="series" id="s1" xml:lang="en">
  <did>
    <unitid>MS-1</unitid>
    <unittitle>Papers of <persname>Jane  Doe</persname>,
      1900</unittitle>
    <unitdate normal="1900/1950" type="inclusive">1900-1950</unitdate>
    <unitdate normal="1920" type="bulk">1920</unitdate>
  </did>
  <controlaccess>
    <persname source="lcsh" authfilenumber="n1">Twain, Mark</persname>
    <corpname source="local">Acme Ltd.</corpname>
    <persname source="local" xml:lang="fr">Verne, Jules</persname>
    <famname>Doe family</famname>
    <subject source="lcsh" xml:lang="">Whaling</subject>
  </controlaccess>
  <dao xlink:href="http://example.org/1" xsi:type="simple" href="plain"/>
  <note><p>First <emph>note</emph>.</p><p>Second.</p></note>
</c01>"#;

fn values(root: &Element, expr: &str) -> Vec<String> {
    let index = PathIndex::new(root);
    let sel = compile(expr).unwrap_or_else(|e| panic!("{e}"));
    let mut out = Vec::new();
    select(root, &index, Scope::RECORD, &sel, &mut |s| {
        out.push(s.value.into_owned())
    });
    out
}

fn all(root: &Element, index: &PathIndex, scope: Scope, expr: &str) -> Vec<Selected<'static>> {
    let sel = compile(expr).unwrap_or_else(|e| panic!("{e}"));
    let mut out = Vec::new();
    select(root, index, scope, &sel, &mut |s| {
        out.push(Selected {
            value: Cow::Owned(s.value.into_owned()),
            lang: s.lang.map(|l| &*l.to_string().leak()),
            scope: s.scope,
            part: s.part,
        })
    });
    out
}

fn err(expr: &str) -> (usize, String) {
    let e = compile(expr).expect_err(expr);
    assert_eq!(e.expr, expr);
    (e.offset, e.message)
}

#[test]
fn child_steps_and_values() {
    let root = tree(EAD);
    assert_eq!(values(&root, "did/unitid"), ["MS-1"]);
    assert_eq!(values(&root, "did/unittitle"), ["Papers of Jane Doe, 1900"]);
    assert_eq!(values(&root, "did/unitdate"), ["1900-1950", "1920"]);
    assert_eq!(values(&root, "did/nothing"), Vec::<String>::new());
    assert_eq!(values(&root, "note"), ["First note. Second."]);
    assert_eq!(values(&root, "dao"), [""]);
}

#[test]
fn wildcards_and_descendants() {
    let root = tree(EAD);
    assert_eq!(
        values(&root, "controlaccess/*"),
        [
            "Twain, Mark",
            "Acme Ltd.",
            "Verne, Jules",
            "Doe family",
            "Whaling"
        ]
    );
    let any_depth = ["Jane Doe", "Twain, Mark", "Verne, Jules"];
    assert_eq!(values(&root, "**/persname"), any_depth);
    assert_eq!(values(&root, "//persname"), any_depth);
    assert_eq!(values(&root, ".//persname"), any_depth);
    assert_eq!(values(&root, "did//persname"), ["Jane Doe"]);
    assert_eq!(values(&root, "did/**/persname"), ["Jane Doe"]);
    assert_eq!(values(&root, "**/**/persname"), any_depth, "no duplicates");
    assert_eq!(
        values(&root, "*/*").len(),
        11,
        "4 in did, 5 in controlaccess, 2 in note"
    );
    assert_eq!(values(&root, "**/p/emph"), ["note"]);
}

#[test]
fn descendants_come_in_document_order() {
    let root = tree("<r><a><b>1</b><a><b>2</b></a><b>3</b></a><b>4</b></r>");
    assert_eq!(values(&root, "**/a/b"), ["1", "2", "3"]);
    assert_eq!(values(&root, "**/b"), ["1", "2", "3", "4"]);
    assert_eq!(values(&root, "a/b|b|a/a/b"), ["1", "2", "3", "4"]);
    assert_eq!(
        values(&root, "b|**/b"),
        ["1", "2", "3", "4"],
        "deduplicated"
    );
}

#[test]
fn context_and_attributes() {
    let root = tree(EAD);
    assert_eq!(values(&root, "@id"), ["s1"]);
    assert_eq!(values(&root, "./@level"), ["series"]);
    assert_eq!(values(&root, "did/unitdate/@normal"), ["1900/1950", "1920"]);
    assert_eq!(
        values(&root, "did/unitdate/@*"),
        ["1900/1950", "inclusive", "1920", "bulk"]
    );
    // Namespace declarations are never attributes.
    assert_eq!(values(&root, "@*"), ["series", "s1", "en"]);
    assert_eq!(values(&root, "**/@id"), ["s1"]);
    assert_eq!(values(&root, "**/@source").len(), 4);
    assert_eq!(values(&root, ".").len(), 1);
    assert_eq!(values(&root, "@missing"), Vec::<String>::new());
}

#[test]
fn well_known_prefixes_match_by_namespace() {
    let root = tree(EAD);
    assert_eq!(
        values(&root, "dao/@href"),
        ["http://example.org/1", "plain"]
    );
    assert_eq!(values(&root, "dao/@xlink:href"), ["http://example.org/1"]);
    assert_eq!(values(&root, "dao/@xsi:type"), ["simple"]);
    assert_eq!(values(&root, "dao/@type"), ["simple"]);
    assert_eq!(values(&root, "@xml:lang"), ["en"]);
    assert_eq!(values(&root, "@lang"), ["en"]);
    // An undeclared well-known prefix still matches.
    let loose = tree(r#"<dao xlink:href="u" foo:href="v"/>"#);
    assert_eq!(values(&loose, "@xlink:href"), ["u"]);
    assert_eq!(values(&loose, "@href"), ["u", "v"]);
}

#[test]
fn text_step_is_direct_text_only() {
    let root = tree(EAD);
    assert_eq!(values(&root, "did/unittitle/text()"), ["Papers of , 1900"]);
    assert_eq!(values(&root, "did/unitid/text()"), ["MS-1"]);
    assert_eq!(values(&root, "note/text()"), [""]);
}

#[test]
fn attribute_predicates() {
    let root = tree(EAD);
    assert_eq!(
        values(&root, "controlaccess/*[@source='lcsh']"),
        ["Twain, Mark", "Whaling"]
    );
    assert_eq!(
        values(&root, r#"controlaccess/*[@source="lcsh"]"#),
        ["Twain, Mark", "Whaling"]
    );
    assert_eq!(
        values(&root, "controlaccess/*[@source!='local']"),
        ["Twain, Mark", "Doe family", "Whaling"],
        "!= keeps elements without the attribute"
    );
    assert_eq!(
        values(&root, "controlaccess/*[@authfilenumber]"),
        ["Twain, Mark"]
    );
    assert_eq!(
        values(&root, "controlaccess/*[not(@source)]"),
        ["Doe family"]
    );
    assert_eq!(values(&root, "controlaccess/*[!@source]"), ["Doe family"]);
    assert_eq!(
        values(
            &root,
            "controlaccess/*[@source='lcsh' and not(@authfilenumber)]"
        ),
        ["Whaling"]
    );
    assert_eq!(
        values(&root, "controlaccess/*[@source='lcsh' and @authfilenumber]"),
        ["Twain, Mark"]
    );
    assert_eq!(
        values(
            &root,
            "did/unitdate[@type='bulk' or @type='inclusive']/@normal"
        ),
        ["1900/1950", "1920"]
    );
    assert_eq!(
        values(&root, "did/unitdate[@type='bulk'|@type='x']/@normal"),
        ["1920"]
    );
    assert_eq!(
        values(
            &root,
            "controlaccess/*[(@source='local' or @authfilenumber) and !@xml:lang]"
        ),
        ["Twain, Mark", "Acme Ltd."]
    );
    assert_eq!(values(&root, "did/unitdate[@normal=1920]"), ["1920"]);
}

#[test]
fn path_and_text_predicates() {
    let root = tree(EAD);
    assert_eq!(values(&root, "did[unitid]/unitid"), ["MS-1"]);
    assert_eq!(values(&root, ".[did/unitid='MS-1']/@id"), ["s1"]);
    assert_eq!(
        values(&root, ".[did/unitid='MS-2']/@id"),
        Vec::<String>::new()
    );
    assert_eq!(values(&root, "did[unittitle/persname]/unitid"), ["MS-1"]);
    assert_eq!(
        values(&root, "did[**/persname='Jane Doe']/unitid"),
        ["MS-1"]
    );
    assert_eq!(
        values(&root, "controlaccess/persname[.='Verne, Jules']/@source"),
        ["local"]
    );
    assert_eq!(
        values(&root, "did/unittitle[text()='Papers of , 1900']/persname"),
        ["Jane Doe"]
    );
    assert_eq!(values(&root, "did[unitdate/@type='bulk']/unitid"), ["MS-1"]);
    assert_eq!(
        values(&root, "controlaccess[persname|foo]/famname"),
        ["Doe family"]
    );
    assert_eq!(values(&root, ".[@level='series']/did/unitid"), ["MS-1"]);
    assert_eq!(
        values(&root, "note//*[text()]"),
        ["First note.", "note", "Second."]
    );
    assert_eq!(values(&root, "note[text()]"), Vec::<String>::new());
    assert_eq!(
        values(&root, ".[@level='file']/did/unitid"),
        Vec::<String>::new()
    );
}

#[test]
fn string_functions() {
    let root = tree(EAD);
    assert_eq!(
        values(&root, "controlaccess/*[contains(., 'Mark')]"),
        ["Twain, Mark"]
    );
    assert_eq!(
        values(&root, "controlaccess/*[starts-with(., 'Acme')]"),
        ["Acme Ltd."]
    );
    assert_eq!(
        values(&root, "did/unitdate[ends-with(@normal, '/1950')]"),
        ["1900-1950"]
    );
    assert_eq!(
        values(&root, "dao[contains(@xlink:href, 'example.org')]/@xsi:type"),
        ["simple"]
    );
    assert_eq!(
        values(&root, "did[contains(unittitle, 'Jane Doe')]/unitid"),
        ["MS-1"]
    );
}

#[test]
fn positions() {
    let root = tree(EAD);
    assert_eq!(values(&root, "did/unitdate[1]"), ["1900-1950"]);
    assert_eq!(values(&root, "did/unitdate[2]"), ["1920"]);
    assert_eq!(values(&root, "did/unitdate[3]"), Vec::<String>::new());
    assert_eq!(values(&root, "did/unitdate[last()]"), ["1920"]);
    assert_eq!(values(&root, "did/*[1]"), ["MS-1"]);
    assert_eq!(values(&root, "controlaccess/persname[2]"), ["Verne, Jules"]);
    assert_eq!(
        values(&root, "controlaccess/*[@source='local'][1]"),
        ["Acme Ltd."]
    );
    assert_eq!(
        values(&root, "controlaccess/*[@source='local'][last()]"),
        ["Verne, Jules"]
    );
    assert_eq!(
        values(&root, "controlaccess/*[1][@source='local']"),
        Vec::<String>::new()
    );
    assert_eq!(
        values(&root, "controlaccess/*[2][@source='local']"),
        ["Acme Ltd."]
    );
    assert_eq!(
        values(&root, "controlaccess/*[1 or 5]"),
        ["Twain, Mark", "Whaling"]
    );
    assert_eq!(values(&root, "controlaccess/*[not(1)][1]"), ["Acme Ltd."]);
    assert_eq!(values(&root, "note/p[2]"), ["Second."]);
    assert_eq!(values(&root, "did[1]/unitdate[2]/@normal"), ["1920"]);
}

#[test]
fn unions() {
    let root = tree(EAD);
    assert_eq!(
        values(
            &root,
            "controlaccess/persname|controlaccess/corpname|controlaccess/famname"
        ),
        ["Twain, Mark", "Acme Ltd.", "Verne, Jules", "Doe family"]
    );
    assert_eq!(
        values(&root, "did/unitdate/@normal | did/unitdate"),
        ["1900-1950", "1900/1950", "1920", "1920"],
        "an element before its attributes"
    );
    assert_eq!(
        values(
            &root,
            "did/unitdate/@normal|did/unitdate/@type|did/unitdate/@normal"
        ),
        ["1900/1950", "inclusive", "1920", "bulk"]
    );
    assert_eq!(
        values(&root, "@id|."),
        [values(&root, ".")[0].clone(), "s1".into()]
    );
}

#[test]
fn language_is_inherited_and_cancelled() {
    let root = tree(EAD);
    let index = PathIndex::new(&root);
    let langs: Vec<_> = all(&root, &index, Scope::RECORD, "controlaccess/*")
        .into_iter()
        .map(|s| s.lang)
        .collect();
    assert_eq!(
        langs,
        [Some("en"), Some("en"), Some("fr"), Some("en"), None]
    );
    let attr = all(
        &root,
        &index,
        Scope::RECORD,
        "controlaccess/persname[2]/@source",
    );
    assert_eq!(attr[0].lang, Some("fr"));
    let none = tree("<dc><title>x</title></dc>");
    let index = PathIndex::new(&none);
    assert_eq!(all(&none, &index, Scope::RECORD, "title")[0].lang, None);
}

#[test]
fn scopes_select_again_inside() {
    let root = tree(EAD);
    let index = PathIndex::new(&root);
    let names = all(&root, &index, Scope::RECORD, "controlaccess/persname");
    assert_eq!(names.len(), 2);
    let mut pairs = Vec::new();
    for n in &names {
        let id = all(&root, &index, n.scope, "@authfilenumber");
        let own = all(&root, &index, n.scope, ".");
        assert_eq!(own.len(), 1);
        assert_eq!(own[0].scope, n.scope);
        assert_eq!(
            own[0].lang, n.lang,
            "the language is known inside the scope"
        );
        pairs.push((
            own[0].value.to_string(),
            id.first().map(|s| s.value.to_string()),
        ));
    }
    assert_eq!(
        pairs,
        [
            ("Twain, Mark".to_string(), Some("n1".to_string())),
            ("Verne, Jules".to_string(), None)
        ]
    );
    // A scope found deep down, and descendants from a scope.
    let did = all(&root, &index, Scope::RECORD, "did");
    assert_eq!(
        all(&root, &index, did[0].scope, "**/persname")[0].value,
        "Jane Doe"
    );
    assert_eq!(
        all(&root, &index, did[0].scope, "unitdate[2]/@normal")[0].value,
        "1920"
    );
    // Scope numbers are pre-order numbers and resolve back.
    for s in all(&root, &index, Scope::RECORD, "**/*") {
        let e = index.element(&root, s.scope).unwrap();
        assert_eq!(element_value(e), s.value);
    }
    // The root is both Scope(0) and Scope::RECORD; foreign scopes select nothing.
    assert_eq!(all(&root, &index, Scope(0), "@id")[0].value, "s1");
    assert!(all(&root, &index, Scope(10_000), ".").is_empty());
    assert!(index.element(&root, Scope(10_000)).is_none());
}

#[test]
fn scope_numbers_are_preorder() {
    let root = tree("<r><a><b/><c/></a><d><e/></d></r>");
    let index = PathIndex::new(&root);
    assert_eq!(index.len(), 6);
    let got: Vec<_> = all(&root, &index, Scope::RECORD, "**/*")
        .iter()
        .map(|s| s.scope.0)
        .collect();
    assert_eq!(got, [1, 2, 3, 4, 5]);
    let names: Vec<_> = (0..6)
        .map(|i| index.element(&root, Scope(i)).unwrap().name.clone())
        .collect();
    assert_eq!(names, ["r", "a", "b", "c", "d", "e"]);
    // Numbers stay right when whole subtrees are skipped.
    assert_eq!(all(&root, &index, Scope::RECORD, "d/e")[0].scope, Scope(5));
    assert_eq!(all(&root, &index, Scope(4), "e")[0].scope, Scope(5));
}

#[test]
fn origins() {
    let root = tree(EAD);
    let index = PathIndex::new(&root);
    let o = |expr: &str| -> Vec<String> {
        all(&root, &index, Scope::RECORD, expr)
            .iter()
            .map(|s| origin(&root, &index, s.scope, s.part).to_string())
            .collect()
    };
    assert_eq!(o("did/unittitle"), ["did[0]/unittitle[0]"]);
    assert_eq!(
        o("did/unitdate/@normal"),
        ["did[0]/unitdate[0]@normal", "did[0]/unitdate[1]@normal"]
    );
    assert_eq!(
        o("controlaccess/persname[2]"),
        ["controlaccess[0]/persname[1]"]
    );
    assert_eq!(o("dao/@xlink:href"), ["dao[0]@xlink:href"]);
    assert_eq!(o("did/unitid/text()"), ["did[0]/unitid[0]/text()"]);
    assert_eq!(o("."), ["."]);
    assert_eq!(o("@id"), [".@id"]);
    let o = origin(&root, &index, Scope(999), 0);
    assert_eq!(o.path, "?");
    let o = origin(&root, &index, Scope(0), 999);
    assert_eq!(o.path, "?");
}

#[test]
fn inventory_lists_every_occurrence() {
    let root = tree(EAD);
    let mut keys = Vec::new();
    inventory(&root, &mut |k| keys.push(k.to_string()));
    assert_eq!(
        keys,
        [
            "@level",
            "@id",
            "did/unitid",
            "did/unittitle",
            "did/unittitle/persname",
            "did/unitdate",
            "did/unitdate/@normal",
            "did/unitdate/@type",
            "did/unitdate",
            "did/unitdate/@normal",
            "did/unitdate/@type",
            "controlaccess/persname",
            "controlaccess/persname/@source",
            "controlaccess/persname/@authfilenumber",
            "controlaccess/corpname",
            "controlaccess/corpname/@source",
            "controlaccess/persname",
            "controlaccess/persname/@source",
            "controlaccess/famname",
            "controlaccess/subject",
            "controlaccess/subject/@source",
            "dao/@xlink:href",
            "dao/@xsi:type",
            "dao/@href",
            "note/p",
            "note/p/emph",
            "note/p",
        ]
    );
    // Every key is a selector that selects something.
    for k in &keys {
        assert!(!values(&root, k).is_empty(), "{k}");
    }
    let mut keys = Vec::new();
    inventory(&tree("<dc>text</dc>"), &mut |k| keys.push(k.to_string()));
    assert_eq!(keys, ["."]);
}

#[test]
fn compile_errors_with_offsets() {
    let cases: &[(&str, usize, &str)] = &[
        ("", 0, "empty selector"),
        ("   ", 0, "empty selector"),
        ("did/", 4, "empty step"),
        ("did//", 5, "empty step"),
        ("did//unittitle/", 15, "empty step"),
        ("a||b", 2, "empty path"),
        ("a|", 2, "empty path"),
        ("|a", 0, "empty path"),
        ("/did", 0, "cannot start with '/'"),
        ("did/../x", 4, "'..'"),
        ("did[@type='x'", 3, "missing ']'"),
        ("did[@type='x']]", 14, "unbalanced ']'"),
        ("did]", 3, "unbalanced ']'"),
        ("did[]", 3, "empty predicate"),
        ("did[ ]", 3, "empty predicate"),
        ("[1]", 0, "must follow a step"),
        ("did[foo(@x)]", 4, "unknown function 'foo()'"),
        ("did/foo()", 4, "unknown function 'foo()'"),
        ("did[not(@x]", 7, "missing ')'"),
        ("did[@x='y]", 7, "unterminated string"),
        ("did[@type~'x']", 9, "regular expressions"),
        ("did[@n<3]", 6, "only '=' and '!='"),
        ("did[0]", 4, "positions start at 1"),
        ("did[99999999999]", 4, "too large"),
        ("did['x']", 4, "must be compared"),
        ("did[@x=]", 7, "expected a quoted value"),
        ("did[=1]", 4, "needs an attribute or path"),
        ("did[@x and]", 10, "expected a condition"),
        ("dc:title", 0, "write 'title', not 'dc:title'"),
        ("@foo:bar", 1, "unknown attribute prefix 'foo'"),
        ("@xmlns", 1, "namespace declarations"),
        ("@xmlns:dc", 1, "namespace declarations"),
        ("@", 1, "attribute name"),
        ("did/@normal/x", 11, "must be the last step"),
        ("did/@normal[1]", 11, "not allowed on attributes"),
        ("text()/x", 6, "must be the last step"),
        ("**", 0, "'**' must be followed"),
        ("a/**", 2, "'**' must be followed"),
        ("**[1]/a", 2, "'**' cannot have predicates"),
        (".[1]/a", 1, "cannot filter '.'"),
        (".[last()]", 1, "cannot filter '.'"),
        (".x", 1, "after '.'"),
        ("did unittitle", 3, "unexpected space"),
        ("did/unit title", 8, "unexpected space"),
        ("did/#", 4, "expected a step"),
        ("did[@x @y]", 7, "expected 'and', 'or'"),
        ("did[contains(@x)]", 15, "expected ','"),
        ("did[contains(@x, @y)]", 17, "quoted value"),
        ("did[(@x]", 4, "missing ')'"),
        ("did)", 3, "unbalanced ')'"),
        ("é[@x='ü']/ö[", 11, "missing ']'"),
    ];
    for &(expr, offset, message) in cases {
        let (o, m) = err(expr);
        assert!(
            m.contains(message),
            "{expr:?}: message {m:?} does not contain {message:?}"
        );
        assert_eq!(o, offset, "{expr:?}: {m}");
    }
    let e = compile("did[").unwrap_err();
    assert_eq!(
        e.to_string(),
        "invalid selector \"did[\" at character 4: unbalanced '[': missing ']'"
    );
}

#[test]
fn limits() {
    let long = vec!["a"; MAX_STEPS].join("/");
    assert!(err(&long).1.contains("too long"));
    let fits = vec!["a"; MAX_STEPS - 1].join("/");
    assert!(compile(&fits).is_ok());
    let alts = vec!["a"; MAX_STEPS / 2].join("|");
    assert!(compile(&alts).is_ok());
    let alts = vec!["a"; MAX_STEPS / 2 + 1].join("|");
    assert!(err(&alts).1.contains("too long"));
    let deep = format!("a{}", "[b".repeat(100));
    assert!(err(&deep).1.contains("missing ']'"));
    let deep = format!("a{}{}", "[b".repeat(100), "]".repeat(100));
    assert!(err(&deep).1.contains("nested"));
    let parens = format!("a[{}@x{}]", "(".repeat(100), ")".repeat(100));
    assert!(err(&parens).1.contains("nested"));
    let nots = format!("a[{}@x]", "!".repeat(10_000));
    assert!(err(&nots).1.contains("nested"));
}

/// A small deterministic generator (xorshift), for junk strings.
struct Junk(u64);

impl Junk {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn string(&mut self, pieces: &[&str]) -> String {
        let len = self.next() % 24;
        (0..len)
            .map(|_| pieces[(self.next() % pieces.len() as u64) as usize])
            .collect()
    }
}

#[test]
fn compile_never_panics_and_selectors_run() {
    const PIECES: &[&str] = &[
        "/",
        "//",
        "*",
        "**",
        ".",
        "..",
        "@",
        "[",
        "]",
        "(",
        ")",
        "'",
        "\"",
        "=",
        "!=",
        "!",
        "~",
        "|",
        ",",
        " ",
        "a",
        "b",
        "did",
        "unitdate",
        "@normal",
        "text()",
        "not(",
        "last()",
        "contains(",
        "xml:",
        "xlink:",
        "dc:",
        "1",
        "0",
        "2",
        "or",
        "and",
        "é",
        "\u{0}",
        "-",
        ":",
        "@source='lcsh'",
        "persname",
    ];
    let root = tree("<a x='1'><b normal='n' xml:lang='de'>t<a>u</a></b><did><unitdate normal='2'>d</unitdate></did><b/></a>");
    let index = PathIndex::new(&root);
    let mut rng = Junk(0x9e37_79b9_7f4a_7c15);
    let mut compiled = 0;
    for _ in 0..20_000 {
        let s = rng.string(PIECES);
        match compile(&s) {
            Ok(sel) => {
                compiled += 1;
                assert_eq!(sel.as_str(), s);
                let mut n = 0;
                select(&root, &index, Scope::RECORD, &sel, &mut |v| {
                    n += 1;
                    let _ = origin(&root, &index, v.scope, v.part);
                    assert!(index.element(&root, v.scope).is_some());
                });
                let _ = n;
            }
            Err(e) => {
                assert!(e.offset <= s.chars().count(), "{s:?}: {e}");
                assert!(!e.message.is_empty());
            }
        }
    }
    assert!(compiled > 100, "the generator should hit valid selectors");
    // Arbitrary characters too.
    for _ in 0..5_000 {
        let len = rng.next() % 16;
        let s: String = (0..len)
            .map(|_| char::from_u32((rng.next() % 0x3000) as u32).unwrap_or('?'))
            .collect();
        if let Err(e) = compile(&s) {
            assert!(e.offset <= s.chars().count(), "{s:?}: {e}");
        }
    }
}

#[test]
fn whitespace_inside_predicates_and_around_bars() {
    let root = tree(EAD);
    assert_eq!(
        values(
            &root,
            " controlaccess/*[ @source = 'lcsh'  and  @authfilenumber ] "
        ),
        ["Twain, Mark"]
    );
    assert_eq!(
        values(&root, "did/unitid | did/unitdate[ 2 ]"),
        ["MS-1", "1920"]
    );
    assert_eq!(
        values(&root, "controlaccess/*[ not ( @source ) ]"),
        ["Doe family"]
    );
}

#[test]
fn elements_named_like_keywords() {
    let root = tree("<r><or>1</or><and>2</and><not>3</not><text>4</text><last>5</last></r>");
    assert_eq!(
        values(&root, "or|and|not|text|last"),
        ["1", "2", "3", "4", "5"]
    );
    assert_eq!(values(&root, ".[or and and]/not"), ["3"]);
    assert_eq!(values(&root, ".[not(nothing)]/last"), ["5"]);
}

#[test]
fn values_borrow_when_they_can() {
    let root = tree(EAD);
    let index = PathIndex::new(&root);
    let sel = compile("did/unitid|did/unitdate/@normal|did/unittitle").unwrap();
    let mut kinds = Vec::new();
    select(&root, &index, Scope::RECORD, &sel, &mut |s| {
        kinds.push(matches!(s.value, Cow::Borrowed(_)))
    });
    assert_eq!(kinds, [true, false, true, true]);
}
