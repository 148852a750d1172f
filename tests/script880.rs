//! Computed language tags (`lang = { record = …, select = …, transforms = … }`) and the MARC 880
//! fields of the shipped crosswalk: engine behaviour, load-time errors, and a corpus count of the
//! 880 values emitted per language tag.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use crosswalk::crosswalk::{AnyMapping, Item, Mapping, Provenance, RecordContext, Source};
use crosswalk::marc::RecordBuf;
use crosswalk::select::Selectable;
use oxrdf::Term;

#[path = "support/shared.rs"]
mod support;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn write_mapping(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("crosswalk-880-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

const HEAD: &str =
    "[crosswalk]\nname = \"t\"\nformat = \"marc\"\nbase = \"https://example.org/\"\n\
                    [[resource]]\nname = \"item\"\niri = \"{base}{record}\"\n";

fn records(xml: &str) -> Vec<RecordBuf> {
    let mut out = Vec::new();
    RecordBuf::read_all(xml.as_bytes(), "test", &mut |item| {
        if let Item::Record(r, _) = item {
            out.push(r);
        }
        true
    });
    out
}

/// (predicate local name, value, language) of every literal, and the diagnostics.
fn run(
    mapping: &Mapping<RecordBuf>,
    rec: &RecordBuf,
) -> (Vec<(String, String, String)>, Vec<String>) {
    let out = mapping.apply(rec, &RecordContext::default());
    let lits = out
        .triples
        .iter()
        .filter_map(|e| match &e.triple.object {
            Term::Literal(l) => Some((
                e.triple
                    .predicate
                    .as_str()
                    .rsplit(['/', '#'])
                    .next()
                    .unwrap()
                    .to_string(),
                l.value().to_string(),
                l.language().unwrap_or("").to_string(),
            )),
            _ => None,
        })
        .collect();
    (
        lits,
        out.diagnostics.iter().map(|d| d.message.clone()).collect(),
    )
}

const RUSSIAN: &str = r#"<record xmlns="http://www.loc.gov/MARC21/slim">
  <leader>00000nam  2200000 a 4500</leader>
  <controlfield tag="001">r1</controlfield>
  <controlfield tag="008">070101s2007    ru            000 1 rus d</controlfield>
  <datafield tag="100" ind1="1" ind2=" "><subfield code="6">880-01</subfield><subfield code="a">Petrushevskai͡a, Li͡udmila.</subfield></datafield>
  <datafield tag="245" ind1="1" ind2="0"><subfield code="6">880-02</subfield><subfield code="a">Zhiznʹ ėto teatr /</subfield></datafield>
  <datafield tag="880" ind1="1" ind2=" "><subfield code="6">100-01/(N</subfield><subfield code="a">Петрушевская, Людмила.</subfield></datafield>
  <datafield tag="880" ind1="1" ind2="0"><subfield code="6">245-02/(N</subfield><subfield code="a">Жизнь это театр /</subfield></datafield>
  <datafield tag="880" ind1="0" ind2="0"><subfield code="6">500-03/(Z</subfield><subfield code="a">Unknown script.</subfield></datafield>
</record>"#;

#[test]
fn computed_lang_tags_each_value_from_its_own_field() {
    let path = write_mapping(
        "lang.toml",
        &format!(
            "{HEAD}[[resource.rule]]\nselect = '880$a'\ntransforms = [\"trim-isbd\"]\npredicate = \"dcterms:description\"\n\
             lang = {{ record = [\"008/35-37\", \"041$a\"], select = \"$6\", transforms = [\"marc-script-tag\"] }}\n\
             [[resource.rule]]\nselect = '245$a'\npredicate = \"dcterms:title\"\n\
             lang = {{ select = \"$6\", transforms = [{{ regex-extract = \"^(\\\\d+)\" }}] }}\n"
        ),
    );
    let m: Mapping<RecordBuf> = Mapping::load(&path).unwrap();
    let rec = &records(RUSSIAN)[0];
    let (lits, diags) = run(&m, rec);
    let desc: Vec<_> = lits.iter().filter(|l| l.0 == "description").collect();
    assert_eq!(
        desc.iter()
            .map(|l| (l.1.as_str(), l.2.as_str()))
            .collect::<Vec<_>>(),
        [
            ("Петрушевская, Людмила", "ru-cyrl"),
            ("Жизнь это театр", "ru-cyrl"),
            ("Unknown script", ""),
        ]
    );
    // An unknown script code: a plain literal and a diagnostic naming the value's origin.
    assert!(
        diags.iter().any(|d| d.contains("880[2]$a[0]")
            && d.contains(
                "marc-script-tag: no MARC script identification code in \"rus||500-03/(Z\""
            )),
        "{diags:?}"
    );
    // A computed value that is not a language tag ("880", from "880-02"… is one: digits are not
    // a language subtag): plain literal and a diagnostic.
    let title: Vec<_> = lits.iter().filter(|l| l.0 == "title").collect();
    assert_eq!(title[0].2, "");
    assert!(
        diags
            .iter()
            .any(|d| d.contains("\"880\" is not a BCP 47 language tag")),
        "{diags:?}"
    );
    assert_eq!(diags.len(), 2, "{diags:?}");
}

#[test]
fn language_falls_back_on_041_and_to_und() {
    let path = write_mapping(
        "fallback.toml",
        &format!(
            "{HEAD}[[resource.rule]]\nselect = '880$a'\npredicate = \"dcterms:title\"\n\
             lang = {{ record = [\"008/35-37\", \"041$a\"], select = \"$6\", transforms = [\"marc-script-tag\"] }}\n"
        ),
    );
    let m: Mapping<RecordBuf> = Mapping::load(&path).unwrap();
    let xml = |f008: &str, f041: &str, six: &str| {
        format!(
            r#"<record xmlns="http://www.loc.gov/MARC21/slim"><leader>00000nam  2200000 a 4500</leader>
<controlfield tag="001">x</controlfield><controlfield tag="008">{f008}</controlfield>{f041}
<datafield tag="880" ind1=" " ind2=" "><subfield code="6">{six}</subfield><subfield code="a">v</subfield></datafield></record>"#
        )
    };
    let f041 =
        r#"<datafield tag="041" ind1="0" ind2=" "><subfield code="a">jpn</subfield></datafield>"#;
    for (f008, f041, six, want) in [
        (
            "070101s2007    ja            000 1 jpn d",
            "",
            "245-01/$1",
            "ja-jpan",
        ),
        (
            "070101s2007    ja            000 1 |||d",
            f041,
            "245-01/$1",
            "ja-jpan",
        ),
        (
            "070101s2007    ja            000 1 mul d",
            f041,
            "245-01/$1",
            "ja-jpan",
        ),
        (
            "070101s2007    ja            000 1    d",
            "",
            "245-01/$1",
            "und-hani",
        ),
        (
            "070101s2007    ko            000 1 kor d",
            "",
            "245-01/$1",
            "ko-kore",
        ),
        (
            "070101s2007    is            000 1 heb d",
            "",
            "245-01/(2/r",
            "he-hebr",
        ),
        ("short", "", "245-01/(3/r", "und-arab"),
    ] {
        let rec = &records(&xml(f008, f041, six))[0];
        let (lits, diags) = run(&m, rec);
        assert_eq!(lits[0].2, want, "{f008} {f041} {six}");
        assert!(diags.is_empty(), "{diags:?}");
    }
}

fn load_error(name: &str, text: &str) -> String {
    let err = AnyMapping::load(write_mapping(name, text)).unwrap_err();
    format!("{}:{}: {}", err.line, err.column, err.message)
}

#[test]
fn computed_lang_mistakes_are_located() {
    let rule = |lang: &str| {
        format!("{HEAD}[[resource.rule]]\nselect = '880$a'\npredicate = \"dcterms:title\"\nlang = {lang}\n")
    };
    // Line 11 is the `lang` line.
    let e = load_error("e1.toml", &rule("{ selct = \"$6\" }"));
    assert!(
        e.starts_with("11:") && e.contains("unknown field `selct`"),
        "{e}"
    );
    let e = load_error("e2.toml", &rule("{ select = \"$\" }"));
    assert!(e.starts_with("11:") && e.contains("selector"), "{e}");
    let e = load_error(
        "e3.toml",
        &rule("{ select = \"$6\", transforms = [\"script-tag\"] }"),
    );
    assert!(
        e.starts_with("11:") && e.contains("unknown variant `script-tag`"),
        "{e}"
    );
    let e = load_error("e4.toml", &rule("{ transforms = [\"marc-script-tag\"] }"));
    assert!(
        e.starts_with("11:8:") && e.contains("needs `select` or `record`"),
        "{e}"
    );
    let e = load_error(
        "e5.toml",
        &rule("{ select = \"$6\", transforms = [{ regex-extract = \"(\" }] }"),
    );
    assert!(
        e.starts_with("11:") && e.contains("lang: transform: regex-extract"),
        "{e}"
    );
    let e = load_error(
        "e6.toml",
        &format!("{HEAD}[[resource.rule]]\nselect = '880$a'\npredicate = \"dcterms:title\"\niri = \"{{value}}\"\nlang = {{ select = \"$6\" }}\n"),
    );
    assert!(e.starts_with("12:8:") && e.contains("for literals"), "{e}");
    let e = load_error("e7.toml", &rule("3"));
    assert!(e.starts_with("11:") && e.contains("a language tag"), "{e}");
    // The fixed forms still work and are still checked.
    let e = load_error("e8.toml", &rule("\"not a tag at all\""));
    assert!(e.starts_with("11:8: language tag"), "{e}");
}

/// Over the shared MARC corpus: how many 880 fields there are, how many gave tagged literals,
/// with which tags and predicates, and which rule failures the 880 rules gave.
#[test]
fn corpus_880_fields_are_tagged() {
    let Some(shared) = support::shared() else {
        return;
    };
    let corpus = shared.join("corpus");
    let m: Mapping<RecordBuf> = Mapping::load(root().join("mappings/marc21-dcterms.toml")).unwrap();
    let f880 = <RecordBuf as Selectable>::compile("880").unwrap();
    let (mut records, mut fields, mut tagged_fields) = (0u64, 0u64, 0u64);
    let mut by_tag: BTreeMap<String, u64> = BTreeMap::new();
    let mut by_predicate: BTreeMap<String, u64> = BTreeMap::new();
    let mut failures: BTreeMap<String, u64> = BTreeMap::new();
    for dir in ["marc-bin", "marc-xml", "marc-json"] {
        let mut files = Vec::new();
        support::files(&corpus.join(dir), &mut files);
        for f in files {
            let input = BufReader::new(File::open(&f).unwrap());
            RecordBuf::read_all(input, &f.display().to_string(), &mut |item| {
                let Item::Record(rec, location) = item else {
                    return true;
                };
                records += 1;
                let scopes: Vec<_> = rec.select_all(&f880).iter().map(|s| s.scope).collect();
                if scopes.is_empty() {
                    return true;
                }
                fields += scopes.len() as u64;
                let out = m.apply(
                    &rec,
                    &RecordContext {
                        collection: "corpus".into(),
                        fallback_id: format!("r{records}"),
                        location,
                    },
                );
                let mut seen = Vec::new();
                for e in &out.triples {
                    let Term::Literal(l) = &e.triple.object else {
                        continue;
                    };
                    let Some(tag) = l.language() else { continue };
                    *by_tag.entry(tag.to_string()).or_default() += 1;
                    let p = e.triple.predicate.as_str();
                    *by_predicate.entry(p.to_string()).or_default() += 1;
                    if let Provenance::Rule {
                        origin: Some((s, _)),
                        ..
                    } = e.provenance
                    {
                        if scopes.contains(&s) && !seen.contains(&s) {
                            seen.push(s);
                        }
                    }
                }
                tagged_fields += seen.len() as u64;
                for d in &out.diagnostics {
                    if let Some((_, what)) = d.message.split_once("lang: ") {
                        let kind = what.split(" in ").next().unwrap_or(what).to_string();
                        *failures.entry(kind).or_default() += 1;
                    }
                }
                true
            });
        }
    }
    eprintln!(
        "880: {records} records, {fields} 880 fields, {tagged_fields} of them emitted as tagged literals"
    );
    for (tag, n) in &by_tag {
        eprintln!("  {n:6}  @{tag}");
    }
    for (p, n) in &by_predicate {
        eprintln!("  {n:6}  {p}");
    }
    for (f, n) in &failures {
        eprintln!("  {n:6}  lang failure: {f}");
    }
    assert!(records > 4000, "{records}");
    assert!(
        fields > 0 && tagged_fields * 10 >= fields * 8,
        "{tagged_fields} / {fields}"
    );
}
