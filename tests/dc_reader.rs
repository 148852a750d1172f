//! The DC reader on hand-made fixtures (`tests/data/dc/`, see its README) and hostile inputs.

use std::fs::File;
use std::io::BufReader;

use crosswalk::dc::check::{check_file, check_reader};
use crosswalk::dc::{ns, Error, Reader, Record, Vocabulary};
use crosswalk::select::{Scope, Selectable};
use crosswalk::xml::XmlErrorKind;

fn read(name: &str) -> (Vec<Record>, Reader<BufReader<File>>) {
    let path = format!("{}/tests/data/dc/{name}", env!("CARGO_MANIFEST_DIR"));
    let mut reader = Reader::new(BufReader::new(File::open(&path).unwrap())).source_name(name);
    let records = reader.records().collect::<Result<Vec<_>, _>>().unwrap();
    (records, reader)
}

fn kinds(r: &Record) -> Vec<&'static str> {
    r.diagnostics().iter().map(|d| d.kind).collect()
}

fn sel(r: &Record, expr: &str) -> Vec<String> {
    let s = Record::compile(expr).unwrap();
    r.select_all(&s)
        .into_iter()
        .map(|s| s.value.into_owned())
        .collect()
}

#[test]
fn simple_several_shapes() {
    let (records, _) = read("simple-several.xml");
    assert_eq!(records.len(), 3);
    let titles: Vec<_> = records
        .iter()
        .map(|r| r.values_named("title").next().unwrap().text.as_str())
        .collect();
    assert_eq!(titles, ["First title", "Second", "Third"]);
    assert_eq!(records[0].id(), Some("id-1"));
    assert_eq!(records[1].id(), None);
    assert_eq!(records[2].record_id().as_deref(), Some("id-3"));
    assert!(records
        .iter()
        .all(|r| r.header().is_none() && r.diagnostics().is_empty()));
    let p: Vec<_> = records
        .iter()
        .map(|r| (r.position().record, r.position().line))
        .collect();
    assert_eq!(p, [(1, 4), (2, 8), (3, 12)]);
    assert_eq!(records[0].values()[0].vocabulary(), Vocabulary::Elements);
    assert_eq!(
        records[0].values()[0].iri().as_deref(),
        Some("http://purl.org/dc/elements/1.1/title")
    );
}

#[test]
fn qualified_schemes_and_diagnostics() {
    let (records, _) = read("qualified.xml");
    assert_eq!(records.len(), 1);
    let r = &records[0];
    let v = |name: &'static str| r.values_named(name).next().unwrap();
    assert_eq!(v("abstract").text, "A view of the harbour.");
    assert_eq!(v("abstract").vocabulary(), Vocabulary::Terms);
    let created = v("created").scheme.as_ref().unwrap();
    assert_eq!(
        (created.ns.as_deref(), created.local.as_str()),
        (Some(ns::DCTERMS), "W3CDTF")
    );
    assert_eq!(created.raw, "dct:W3CDTF");
    assert_eq!(
        v("subject").scheme.as_ref().unwrap().iri().as_deref(),
        Some("http://purl.org/dc/terms/LCSH")
    );
    assert_eq!(v("identifier").scheme.as_ref().unwrap().local, "URI");
    let fmt = v("format").scheme.as_ref().unwrap();
    assert_eq!((fmt.ns.as_deref(), fmt.local.as_str()), (None, "IMT"));
    assert_eq!(
        v("spatial").iri().as_deref(),
        Some("http://purl.org/dc/terms/spatial")
    );
    assert!(
        r.values_named("creator").next().is_none(),
        "empty element is not a value"
    );
    let mut k = kinds(r);
    k.sort_unstable();
    assert_eq!(
        k,
        [
            "empty-element",
            "unbound-scheme-prefix",
            "unknown-dc-element",
            "unknown-dcterms-term"
        ]
    );
    let d = r
        .diagnostics()
        .iter()
        .find(|d| d.kind == "unknown-dc-element")
        .unwrap();
    assert_eq!(d.location.field.as_deref(), Some("alternative[0]"));
    assert_eq!(d.location.file.as_deref(), Some("qualified.xml"));
    assert_eq!(d.location.position.line, 16);
    assert!(d.message.contains("dcterms:alternative"), "{}", d.message);
    // Selection: namespace-blind names; a scheme written with another prefix is matched by its
    // local part.
    assert_eq!(
        sel(r, "subject[ends-with(@xsi:type,':LCSH')]"),
        ["Harbors--Germany"]
    );
    assert_eq!(sel(r, "subject"), ["Harbors--Germany", "boats"]);
    assert_eq!(sel(r, "created/@xsi:type"), ["dct:W3CDTF"]);
    assert_eq!(sel(r, "spatial"), ["Hamburg"]);
    let mut inv = Vec::new();
    r.inventory(&mut |k| inv.push(k.to_string()));
    assert!(inv.contains(&"subject/@xsi:type".to_string()), "{inv:?}");
    assert!(inv.contains(&"title".to_string()));
}

#[test]
fn oai_list_records_deleted_lang_token() {
    let (records, mut reader) = read("oai-listrecords.xml");
    assert_eq!(records.len(), 3);
    let [a, b, c] = &records[..] else { panic!() };
    let h = a.header().unwrap();
    assert_eq!(h.identifier.as_deref(), Some("oai:example.org:1"));
    assert_eq!(h.datestamp.as_deref(), Some("2024-04-01"));
    assert_eq!(h.set_specs, ["maps", "maps:europe"]);
    assert!(!a.is_deleted());
    let langs: Vec<_> = a.values().iter().map(|v| v.lang.as_deref()).collect();
    assert_eq!(langs, [Some("de"), Some("en"), Some("de")]);
    assert!(a.diagnostics().is_empty(), "{:?}", a.diagnostics());
    // Deleted: yielded, header only, no missing-metadata complaint.
    assert!(b.is_deleted());
    assert!(b.metadata().is_none() && b.values().is_empty());
    assert!(b.diagnostics().is_empty());
    assert_eq!(b.position().record, 2);
    // Not deleted and no metadata: reported.
    assert_eq!(kinds(c), ["missing-metadata"]);
    assert_eq!(
        c.diagnostics()[0].location.record_id.as_deref(),
        Some("oai:example.org:3")
    );
    let resp = reader.response();
    assert_eq!(resp.verb.as_deref(), Some("ListRecords"));
    assert_eq!(resp.response_date.as_deref(), Some("2024-05-01T10:00:00Z"));
    let t = resp.resumption_token.as_ref().unwrap();
    assert_eq!(
        (t.token.as_str(), t.complete_list_size, t.cursor),
        ("page-2", Some(120), Some(0))
    );
    assert_eq!(t.expiration_date.as_deref(), Some("2024-05-02T00:00:00Z"));
    assert!(reader.take_diagnostics().is_empty());
    // Selection reaches the header.
    assert_eq!(sel(a, "header/setSpec"), ["maps", "maps:europe"]);
    assert_eq!(sel(a, "header/identifier"), ["oai:example.org:1"]);
    assert_eq!(sel(b, "header/@status"), ["deleted"]);
    assert_eq!(a.record_id().as_deref(), Some("oai:example.org:1"));
    let s = Record::compile("title").unwrap();
    let got = a.select_all(&s);
    assert_eq!(got[1].lang, Some("en"));
    assert_eq!(a.origin(got[1].scope, got[1].part).to_string(), "title[1]");
    let s = Record::compile("header/setSpec").unwrap();
    let got = a.select_all(&s);
    assert_eq!(
        a.origin(got[1].scope, 0).to_string(),
        "header[0]/setSpec[1]"
    );
    // Selecting again inside a scope.
    let s = Record::compile("@lang").unwrap();
    let title = Record::compile("title").unwrap();
    let en = a.select_all(&title)[1].scope;
    let mut inner = Vec::new();
    a.select(&s, en, &mut |x| inner.push(x.value.into_owned()));
    assert_eq!(inner, ["en"]);
    let mut inv = Vec::new();
    a.inventory(&mut |k| inv.push(k.to_string()));
    assert!(inv.contains(&"header/setSpec".to_string()), "{inv:?}");
    assert_eq!(inv.iter().filter(|k| *k == "title").count(), 2);
    assert!(Scope::RECORD != got[0].scope);
}

#[test]
fn oai_error_is_reported() {
    let (records, mut reader) = read("oai-error.xml");
    assert!(records.is_empty());
    let e = &reader.response().errors[0];
    assert_eq!(
        (e.code.as_str(), e.message.as_str()),
        ("badResumptionToken", "The token has expired.")
    );
    let d = reader.take_diagnostics();
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].kind, "oai-error");
    assert_eq!(d[0].location.position.line, 6);
    let path = format!("{}/tests/data/dc/oai-error.xml", env!("CARGO_MANIFEST_DIR"));
    let c = check_file(std::path::Path::new(&path));
    assert!(c.ok);
    assert_eq!(c.oai_errors, ["badResumptionToken"]);
    assert_eq!(c.diagnostics.get("oai-error"), Some(&1));
}

#[test]
fn no_namespace() {
    let (records, reader) = read("no-namespace.xml");
    assert_eq!(records.len(), 1);
    let r = &records[0];
    assert_eq!(
        r.header().unwrap().identifier.as_deref(),
        Some("oai:nons:1")
    );
    assert_eq!(r.values()[0].vocabulary(), Vocabulary::Unqualified);
    assert_eq!(
        r.values()[0].iri().as_deref(),
        Some("http://purl.org/dc/elements/1.1/title")
    );
    assert_eq!(r.values()[0].lang.as_deref(), Some("fr"));
    assert_eq!(kinds(r), ["no-namespace"]);
    assert_eq!(sel(r, "subject"), ["Tests"]);
    assert_eq!(
        reader.response().resumption_token.as_ref().unwrap().token,
        ""
    );
}

fn fail(doc: &str) -> Error {
    let mut reader = Reader::new(doc.as_bytes()).source_name("bad.xml");
    let mut n = 0;
    loop {
        let mut r = Record::new();
        match reader.read_record(&mut r) {
            Ok(true) => n += 1,
            Ok(false) => panic!("no error after {n} records"),
            Err(e) => {
                // Once failed, the reader stays finished.
                assert!(!reader.read_record(&mut r).unwrap());
                return e;
            }
        }
    }
}

const HEAD: &str = r#"<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><ListRecords>
<record><header><identifier>a</identifier><datestamp>d</datestamp></header><metadata><dc xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>ok</dc:title></dc></metadata></record>
"#;

#[test]
fn hostile_inputs_are_located_errors() {
    let e = fail(&format!("{HEAD}<record><header><identifier>&nope;</identifier></header></record></ListRecords></OAI-PMH>"));
    assert!(matches!(e.location().position, p if p.line == 3));
    assert_eq!(e.kind_name(), "xml-unknown-entity");
    assert!(e.to_string().starts_with("bad.xml: "), "{e}");

    let xxe = r#"<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<dc xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>&x;</dc:title></dc>"#;
    let e = fail(xxe);
    assert!(matches!(e, Error::Xml(ref x) if *x.kind() == XmlErrorKind::UnknownEntity("x".into())));
    assert_eq!(e.location().position.line, 2);

    let lol = r#"<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>
<dc><title>&lol2;</title></dc>"#;
    assert_eq!(fail(lol).kind_name(), "xml-unknown-entity");

    let deep = format!(
        "{HEAD}<record><header/><metadata><dc>{}",
        "<x>".repeat(3000)
    );
    let e = fail(&deep);
    assert_eq!(e.kind_name(), "xml-too-deep");
    assert_eq!(e.location().position.line, 3);

    let truncated = format!("{HEAD}<record><header><identifier>b</identif");
    let e = fail(&truncated);
    assert!(e.location().position.line >= 3, "{e}");
    let mismatched = format!("{HEAD}<record></header></record>");
    assert_eq!(fail(&mismatched).kind_name(), "xml-syntax");
}

#[test]
fn next_file_still_reads_after_a_bad_one() {
    let bad = check_reader(&b"<dc><title>&bad;</title></dc>"[..], "one.xml");
    assert!(!bad.ok);
    assert!(
        bad.error
            .as_deref()
            .unwrap()
            .starts_with("one.xml: line 1:"),
        "{:?}",
        bad.error
    );
    let good = check_reader(
        HEAD.replace("\n<record>", "<record>")
            .as_bytes()
            .chain_end(),
        "two.xml",
    );
    assert!(good.ok, "{:?}", good.error);
    assert_eq!(good.records, 1);
}

trait ChainEnd {
    fn chain_end(&self) -> std::io::Chain<&[u8], &[u8]>;
}
impl ChainEnd for &[u8] {
    fn chain_end(&self) -> std::io::Chain<&[u8], &[u8]> {
        use std::io::Read;
        self.chain(&b"</ListRecords></OAI-PMH>"[..])
    }
}

#[test]
fn dc_outside_record_and_other_verbs() {
    let doc = r#"<feed xmlns:dcterms="http://purl.org/dc/terms/"><title>t</title><dcterms:issued>2004</dcterms:issued></feed>"#;
    let mut reader = Reader::new(doc.as_bytes());
    assert_eq!(reader.records().count(), 0);
    let d = reader.take_diagnostics();
    assert_eq!(d[0].kind, "dc-outside-record");

    let doc = r#"<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><ListSets><set><setSpec>a</setSpec><setDescription><oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>not a record</dc:title></oai_dc:dc></setDescription></set></ListSets></OAI-PMH>"#;
    let c = check_reader(doc.as_bytes(), "sets.xml");
    assert_eq!(
        (c.ok, c.records, c.verb.as_deref()),
        (true, 0, Some("ListSets"))
    );
    assert_eq!(c.diagnostics.get("no-records-response"), Some(&1));
}

#[test]
fn check_json_shape() {
    let path = format!(
        "{}/tests/data/dc/oai-listrecords.xml",
        env!("CARGO_MANIFEST_DIR")
    );
    let c = check_file(std::path::Path::new(&path));
    let json = serde_json::to_value(&c).unwrap();
    assert_eq!(json["ok"], true);
    assert_eq!(json["records"], 3);
    assert_eq!(json["deleted"], 1);
    assert_eq!(json["diagnostics"]["missing-metadata"], 1);
    assert_eq!(json["resumption_token"], "page-2");
}

#[test]
fn reused_record_is_emptied_at_the_end() {
    let mut reader = Reader::new(&b"<dc><title>x</title></dc>"[..]);
    let mut r = Record::new();
    assert!(reader.read_record(&mut r).unwrap());
    assert_eq!(r.values().len(), 1);
    assert!(!reader.read_record(&mut r).unwrap());
    assert!(r.values().is_empty() && r.metadata().is_none());
}
