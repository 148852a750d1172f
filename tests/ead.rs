//! EAD reader tests on hand-made fixtures (`tests/data/ead/`) and hostile input.

use std::fs::File;
use std::io::BufReader;

use crosswalk::ead::check::{check_file, check_reader, component_lines};
use crosswalk::ead::{Component, Error, Header, Item, Kind, Late, Reader, Version};
use crosswalk::select::{Scope, Selectable};
use crosswalk::xml::XmlErrorKind;

fn fixture(name: &str) -> String {
    format!("{}/tests/data/ead/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn read(name: &str) -> (Vec<Header>, Vec<Component>, Vec<Late>) {
    let path = fixture(name);
    let mut r = Reader::new(BufReader::new(File::open(&path).unwrap())).source_name(path);
    let (mut h, mut c, mut l) = (Vec::new(), Vec::new(), Vec::new());
    for item in r.items() {
        match item.unwrap() {
            Item::Header(x) => h.push(x),
            Item::Component(x) => c.push(x),
            Item::Late(x) => l.push(x),
        }
    }
    (h, c, l)
}

fn kinds(c: &Component) -> Vec<&'static str> {
    c.diagnostics.iter().map(|d| d.kind).collect()
}

#[test]
fn ead2002_header_collection_and_components() {
    let (headers, comps, late) = read("ead2002.xml");
    assert_eq!(headers.len(), 1);
    let h = &headers[0];
    assert_eq!(h.version, Version::Ead2002);
    assert_eq!(h.eadid.as_deref(), Some("ms-42"));
    assert_eq!(h.titles, ["Guide to the Doe Family Papers"]);
    assert_eq!(h.subtitles, ["A test finding aid"]);
    assert_eq!(h.agency_code.as_deref(), Some("US-XyZ"));
    assert_eq!(h.agency_name.as_deref(), Some("Example Library"));
    assert_eq!(h.url.as_deref(), Some("https://example.org/ms-42"));

    // Pre-order, collection first.
    let paths: Vec<String> = comps.iter().map(|c| c.path_string()).collect();
    assert_eq!(
        paths,
        ["", "1", "1/1", "1/1/1", "1/1/2", "1/2", "1/3", "1/4", "1/5", "2"]
    );
    let coll = &comps[0];
    assert_eq!(coll.kind, Kind::Collection);
    assert_eq!(coll.record_id(), Some("ms-42"));
    assert_eq!(coll.level.as_deref(), Some("collection"));
    assert_eq!(coll.did.unitid, ["MS 42"]);
    assert_eq!(coll.did.unitdate[0].normal.as_deref(), Some("1850/1950"));
    assert_eq!(coll.did.unitdate[0].date_type.as_deref(), Some("inclusive"));
    assert_eq!(coll.did.origination[0].kind, "famname");
    assert_eq!(coll.did.origination[0].source.as_deref(), Some("lcnaf"));
    assert_eq!(coll.did.extent.len(), 2);
    assert_eq!(coll.did.extent[0].value, "12");
    assert_eq!(coll.did.extent[0].unit.as_deref(), Some("linear feet"));
    let codes: Vec<_> = coll
        .did
        .languages
        .iter()
        .map(|l| l.code.as_deref().unwrap())
        .collect();
    assert_eq!(codes, ["eng", "fre"]);
    assert_eq!(coll.did.langmaterial, ["In English and French."]);
    assert_eq!(coll.did.repository.as_deref(), Some("Example Library"));
    assert_eq!(coll.did.abstracts, ["Letters and diaries."]);
    assert_eq!(
        coll.bioghist,
        ["The Doe family lived in Ohio. They wrote letters."]
    );
    assert_eq!(coll.scopecontent, ["Letters."]);
    assert_eq!(coll.accessrestrict, ["Open."]);
    assert_eq!(coll.userestrict, ["Copyright retained."]);
    let ca: Vec<(&str, &str)> = coll
        .controlaccess
        .iter()
        .map(|a| (a.kind.as_str(), a.value.as_str()))
        .collect();
    assert_eq!(
        ca,
        [
            ("persname", "Doe, Jane, 1850-1920"),
            ("subject", "Family histories"),
            ("genreform", "Letters (correspondence)"),
            ("geogname", "Ohio--History"),
            ("occupation", "Farmers"),
            ("function", "Farming"),
            ("title", "Almanac"),
            ("corpname", "Doe & Sons"),
        ]
    );
    assert_eq!(
        coll.controlaccess[0].authfilenumber.as_deref(),
        Some("n79021164")
    );
    assert_eq!(coll.controlaccess[0].role.as_deref(), Some("subject"));
    assert_eq!(coll.controlaccess[7].rules.as_deref(), Some("aacr2"));
    // The dsc head stays with the collection, child components do not.
    let dsc = coll.element.child("dsc").unwrap();
    assert_eq!(dsc.child("head").unwrap().text(), "Container list");
    assert_eq!(dsc.elements().count(), 1);

    let s1 = &comps[1];
    assert_eq!(s1.record_id(), Some("ms-42#ser1"));
    assert!(s1.parent.as_ref().unwrap().path.is_empty());
    assert_eq!(
        s1.parent.as_ref().unwrap().record_id.as_deref(),
        Some("ms-42")
    );
    assert_eq!(s1.did.unittitle, ["Correspondence, 1850-1900"]);
    assert_eq!(s1.did.unitdate[0].normal.as_deref(), Some("1850/1900"));
    assert_eq!(
        s1.context.collection_title.as_deref(),
        Some("Doe family papers")
    );
    assert_eq!(s1.context.collection_id.as_deref(), Some("MS 42"));
    assert_eq!(s1.context.repository.as_deref(), Some("Example Library"));
    assert_eq!(s1.context.eadid.as_deref(), Some("ms-42"));
    assert!(s1.element.elements().all(|e| e.name != "c02"));

    let f1 = &comps[2];
    assert_eq!(f1.parent.as_ref().unwrap().id.as_deref(), Some("ser1"));
    assert_eq!(f1.did.container.len(), 2);
    assert_eq!(f1.did.container[0].container_type.as_deref(), Some("box"));
    assert_eq!(f1.did.container[1].parent.as_deref(), Some("b1"));
    assert_eq!(f1.dao[0].href, "https://example.org/dao/1");
    assert_eq!(f1.dao[0].title.as_deref(), Some("Scan"));
    assert_eq!(kinds(f1), ["invalid-date-normal"]);
    let d = &f1.diagnostics[0];
    assert_eq!(d.location.record_id.as_deref(), Some("ms-42#f1"));
    assert!(
        d.location
            .to_string()
            .contains("ead2002.xml: record 3, line 49:13"),
        "{d}"
    );

    let item2 = &comps[4];
    assert_eq!(item2.record_id(), Some("ms-42/1/1/2"));
    let hrefs: Vec<_> = item2.dao.iter().map(|d| d.href.as_str()).collect();
    assert_eq!(
        hrefs,
        ["https://example.org/dao/2a", "https://example.org/dao/2b"]
    );
    assert_eq!(kinds(&comps[5]), ["unknown-level"]);
    assert_eq!(kinds(&comps[6]), ["otherlevel-missing"]);
    assert_eq!(comps[7].level_name(), Some("binder"));
    assert_eq!(kinds(&comps[8]), ["component-without-did"]);
    assert_eq!(comps[9].controlaccess[0].value, "Doe, John");

    // Content after child components: c01's odd, and the archdesc index.
    assert_eq!(late.len(), 2);
    assert_eq!(late[0].element.name, "odd");
    assert_eq!(late[0].path, [1]);
    assert_eq!(late[0].record_id.as_deref(), Some("ms-42#ser1"));
    assert_eq!(late[1].element.name, "index");
    assert!(late[1].path.is_empty());
    assert_eq!(late[1].diagnostic.kind, "content-after-components");
}

#[test]
fn ead2002_without_namespace_with_doctype() {
    let (h, comps, _) = read("ead2002-doctype.xml");
    assert_eq!(h[0].namespace, None);
    assert_eq!(h[0].version, Version::Ead2002);
    let titles: Vec<_> = comps.iter().map(|c| c.title().unwrap()).collect();
    assert_eq!(titles, ["Fonds", "Series A", "File A1", "Item", "Series B"]);
    assert_eq!(comps[2].dao[0].href, "http://example.org/a1");
    assert_eq!(kinds(&comps[0]), ["invalid-date-normal"]);
    assert_eq!(comps[3].path, [1, 1, 1]);
    assert_eq!(comps[4].path, [2]);
}

#[test]
fn ead3() {
    let (h, comps, late) = read("ead3.xml");
    assert!(late.is_empty());
    let h = &h[0];
    assert_eq!(h.version, Version::Ead3);
    assert_eq!(h.eadid.as_deref(), Some("ead3-1"));
    assert_eq!(h.agency_code.as_deref(), Some("US-abc"));
    assert_eq!(h.agency_name.as_deref(), Some("Example Archives"));
    assert_eq!(h.url.as_deref(), Some("https://example.org/ead3-1"));
    let c = &comps[0];
    assert_eq!(c.did.unitdate[0].text, "1900-1950");
    assert_eq!(c.did.unitdate[0].normal.as_deref(), Some("1900/1950"));
    assert!(c.did.unitdate[0].structured);
    assert_eq!(c.did.origination[0].value, "Roe, Richard");
    assert_eq!(
        c.did.origination[0].authfilenumber.as_deref(),
        Some("n12345")
    );
    assert_eq!(c.did.extent[0].value, "3");
    assert_eq!(c.did.extent[0].unit.as_deref(), Some("linear feet"));
    assert_eq!(c.did.languages[0].code.as_deref(), Some("eng"));
    assert_eq!(c.did.languages[0].script.as_deref(), Some("Latn"));
    assert_eq!(c.did.repository.as_deref(), Some("Example Archives"));
    assert_eq!(c.controlaccess[0].value, "Education -- United States");
    assert_eq!(c.controlaccess[0].parts, ["Education", "United States"]);
    assert_eq!(c.controlaccess[1].value, "State University, Libraries");
    assert_eq!(c.controlaccess[1].role.as_deref(), Some("creator"));
    assert_eq!(c.context.version, Some(Version::Ead3));
    let file = &comps[2];
    assert_eq!(file.record_id(), Some("ead3-1/1/1"));
    assert_eq!(file.did.container[0].container_type.as_deref(), Some("box"));
    assert_eq!(file.dao.len(), 2);
    assert_eq!(file.dao[1].role.as_deref(), Some("derived"));
}

#[test]
fn oai_envelope_with_two_documents() {
    let (h, comps, _) = read("oai.xml");
    assert_eq!(h.len(), 2);
    assert_eq!(h[1].oai_identifier.as_deref(), Some("oai:example:2"));
    let ids: Vec<_> = comps.iter().map(|c| c.record_id().unwrap()).collect();
    assert_eq!(ids, ["one", "one/1", "two", "two/1", "two/1/1"]);
    assert_eq!(
        comps[4].context.oai_identifier.as_deref(),
        Some("oai:example:2")
    );
    assert_eq!(comps[4].context.collection_title.as_deref(), Some("Two"));
    let check = check_file(fixture("oai.xml"));
    assert!(check.ok);
    assert_eq!(
        (check.documents, check.collections, check.components),
        (2, 2, 3)
    );
}

#[test]
fn sgml_and_not_ead_are_located_errors() {
    let check = check_file(fixture("sgml.sgm"));
    assert!(!check.ok);
    let err = check.error.unwrap();
    assert!(err.contains("sgml.sgm: line "), "{err}");
    assert!(check.error_kind.unwrap().starts_with("xml-"));

    let path = fixture("not-ead.xml");
    let mut r = Reader::new(BufReader::new(File::open(&path).unwrap())).source_name(path);
    let err = r.next_item().unwrap_err();
    assert!(matches!(err, Error::NotEad { ref root, .. } if root == "collection"));
    assert_eq!(err.location().position.line, 2);
    assert_eq!(err.kind_name(), "not-ead");
    assert!(r.next_item().unwrap().is_none());
}

type KindCheck = fn(&XmlErrorKind) -> bool;

fn hostile(doc: &str) -> Error {
    let mut r = Reader::new(doc.as_bytes()).source_name("hostile.xml");
    loop {
        match r.next_item() {
            Ok(Some(_)) => {}
            Ok(None) => panic!("hostile document read without error"),
            Err(e) => return e,
        }
    }
}

#[test]
fn hostile_input_gives_located_errors_and_next_file_reads() {
    let head = "<ead><eadheader><eadid>h</eadid></eadheader><archdesc><did/><dsc>";
    let cases: Vec<(String, KindCheck)> = vec![
        (
            format!("{head}<c>\n<did><unittitle>&nbsp;</unittitle></did></c></dsc></archdesc></ead>"),
            |k| matches!(k, XmlErrorKind::UnknownEntity(e) if e == "nbsp"),
        ),
        (
            format!("<!DOCTYPE ead [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>{head}<c><did><unittitle>&x;</unittitle></did></c></dsc></archdesc></ead>"),
            |k| matches!(k, XmlErrorKind::UnknownEntity(e) if e == "x"),
        ),
        (
            format!("<!DOCTYPE ead [<!ENTITY a \"lol\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">]>{head}<c><did><unittitle>&c;</unittitle></did></c></dsc></archdesc></ead>"),
            |k| matches!(k, XmlErrorKind::UnknownEntity(e) if e == "c"),
        ),
        (
            format!("{head}{}", "<c>".repeat(100_000)),
            |k| matches!(k, XmlErrorKind::TooDeep(_)),
        ),
        (
            format!("{head}<c id=\"{}\"/></dsc></archdesc></ead>", "x".repeat(17 << 20)),
            |k| matches!(k, XmlErrorKind::TooLarge(_)),
        ),
    ];
    for (doc, expect) in cases {
        let err = hostile(&doc);
        let Error::Xml(x) = &err else { panic!("{err}") };
        assert!(expect(x.kind()), "{err}");
        let loc = err.location();
        assert_eq!(loc.file.as_deref(), Some("hostile.xml"));
        assert!(loc.position.line >= 1 && loc.position.column >= 1, "{err}");
        // The next file still reads.
        let check = check_file(fixture("ead2002-doctype.xml"));
        assert!(check.ok && check.components == 4);
    }
    // Deep nesting: the error is where the limit is reached, not at the end.
    let deep = format!("{head}{}", "<c>".repeat(100_000));
    let err = hostile(&deep);
    assert!(err.location().position.byte < 10_000, "{err}");
}

#[test]
fn selectable_component() {
    let (_, comps, _) = read("ead2002.xml");
    let coll = &comps[0];
    let sel = Component::compile("controlaccess/persname[@source='lcnaf']").unwrap();
    let v: Vec<_> = coll.select_all(&sel).into_iter().map(|s| s.value).collect();
    assert_eq!(v, ["Doe, Jane, 1850-1920"]);
    let sel = Component::compile("did/unitdate/@normal").unwrap();
    let got = coll.select_all(&sel);
    assert_eq!(got[0].value, "1850/1950");
    let o = coll.origin(got[0].scope, got[0].part);
    assert_eq!(o.to_string(), "did[0]/unitdate[0]@normal");
    // Select inside a scope.
    let ca = Component::compile("controlaccess/controlaccess/*").unwrap();
    let terms = coll.select_all(&ca);
    assert_eq!(terms.len(), 7);
    let src = Component::compile("@source").unwrap();
    let mut inside = Vec::new();
    coll.select(&src, terms[0].scope, &mut |s| inside.push(s.value));
    assert_eq!(inside, ["lcsh"]);
    assert!(Component::compile("did[@unittitle").is_err());
    assert_eq!(Component::FORMAT, "ead");
    assert_eq!(
        Selectable::record_id(&comps[1]).as_deref(),
        Some("ms-42#ser1")
    );

    let mut keys = Vec::new();
    comps[2].inventory(&mut |k| keys.push(k.to_string()));
    for k in [
        "@level",
        "did/unittitle",
        "did/unitdate/@normal",
        "did/container/@type",
        "did/dao/@xlink:href",
    ] {
        assert!(keys.iter().any(|x| x == k), "{k} not in {keys:?}");
    }
    let mut keys = Vec::new();
    coll.inventory(&mut |k| keys.push(k.to_string()));
    assert!(keys
        .iter()
        .any(|x| x == "controlaccess/controlaccess/subject/@source"));
    let scope_all = coll.select_all(&Component::compile(".").unwrap());
    assert_eq!(scope_all[0].scope, Scope(0));
}

#[test]
fn check_counts_and_component_lines() {
    let check = check_file(fixture("ead2002.xml"));
    assert!(check.ok);
    assert_eq!(check.components, 9);
    assert_eq!(check.levels["file"], 1);
    assert_eq!(check.levels["unspecified"], 1);
    assert_eq!(check.diagnostics["content-after-components"], 2);
    assert_eq!(check.diagnostics["invalid-date-normal"], 1);
    let json = serde_json::to_string(&check).unwrap();
    assert!(json.contains("\"file\"") && json.contains("\"ok\":true"));

    let mut lines = Vec::new();
    let r = Reader::new(BufReader::new(File::open(fixture("ead3.xml")).unwrap()));
    component_lines(r, |l| lines.push(l.to_string())).unwrap();
    assert_eq!(
        lines,
        [
            "-\tcollection\tRC 1\tRoe papers\t1900-1950",
            "1\tseries\t-\tWritings\t1900-1920",
            "1/1\tfile\t-\tDrafts\t-",
        ]
    );
    let broken = check_reader(&b"<ead><archdesc><did/><dsc><c>"[..], "t.xml");
    assert!(!broken.ok);
    assert_eq!(broken.error_kind.as_deref(), Some("xml-unexpected-eof"));
}
