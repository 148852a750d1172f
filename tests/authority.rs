//! Authority vocabularies: the shipped SKOS files load with their counts, SKOS in several RDF
//! syntaxes loads alike, MARC authority records from the shared data load, and one heading
//! written the MARC, EAD and DC ways resolves to one IRI. Tests that read the shared data are
//! skipped (pass with a note) without `CROSSWALK_SHARED`.

use std::path::{Path, PathBuf};

use crosswalk::authority::normalize::Heading;
use crosswalk::authority::vocabulary::{LabelKind, RelationKind};
use crosswalk::authority::{
    shipped, AuthorityIndex, MarcOptions, Method, Outcome, Vocabulary, VocabularyLoader,
};
use crosswalk::marc::AnyReader;

fn vocabularies() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("vocabularies")
}

fn shared() -> Option<PathBuf> {
    let dir = std::env::var_os("CROSSWALK_SHARED").map(PathBuf::from);
    if dir.is_none() {
        eprintln!("CROSSWALK_SHARED not set: skipped");
    }
    dir
}

const WW2: &str = "http://id.loc.gov/authorities/subjects/sh85148273";

#[test]
fn shipped_vocabularies_load_with_their_counts() {
    let v = shipped(&vocabularies(), &[]).expect("shipped vocabularies load");
    let expected = [
        ("relators", 268),
        ("iso639-1", 184),
        ("iso639-2", 507),
        ("countries", 334),
        ("gacs", 585),
        ("dcmitype", 12),
        ("rightsstatements", 12),
        ("cc", 10),
        ("lcsh", 6701),
        ("lcgft", 21),
        ("aat", 1),
    ];
    for (name, count) in expected {
        let scheme = &v.schemes()[v.scheme_index(name).unwrap_or_else(|| panic!("{name}"))];
        assert!(scheme.version.is_some(), "{name} has a version");
        assert_eq!(v.concepts_in(name).count(), count, "{name}");
    }
    assert_eq!(v.schemes().len(), expected.len());
    // Every concept has a preferred label and a scheme from the list.
    for c in v.concepts() {
        assert!(c.pref_label(None).is_some(), "{} has no prefLabel", c.iri());
    }
}

#[test]
fn shipped_codes_and_labels_resolve() {
    let index = AuthorityIndex::new(shipped(&vocabularies(), &[]).unwrap());
    let iri = |o: Outcome<'_>| o.found().map(|m| m.concept.iri().to_string());
    let f = |names: &[&str]| index.filter(names);
    // Relators: code and label.
    assert_eq!(
        iri(index.lookup_notation("aut", &f(&["relators"]))).as_deref(),
        Some("http://id.loc.gov/vocabulary/relators/aut")
    );
    assert_eq!(
        iri(index.lookup("Author.", &f(&["relators"]))).as_deref(),
        Some("http://id.loc.gov/vocabulary/relators/aut")
    );
    assert_eq!(
        iri(index.lookup("arranger of music", &f(&["relators"]))).as_deref(),
        Some("http://id.loc.gov/vocabulary/relators/arr")
    );
    // Languages: B and T codes, 639-1 ↔ 639-2 links, labels in three languages.
    let fre = index.lookup_notation("fre", &f(&["iso639-2"]));
    let fre = fre.found().expect("fre").concept;
    assert!(fre
        .relations()
        .any(|(k, t)| k == RelationKind::ExactMatch
            && t == "http://id.loc.gov/vocabulary/iso639-2/fra"));
    assert!(fre
        .relations()
        .any(|(k, t)| k == RelationKind::ExactMatch
            && t == "http://id.loc.gov/vocabulary/iso639-1/fr"));
    let fr = index.lookup_notation("fr", &f(&["iso639-1"]));
    let fr = fr.found().expect("fr").concept;
    assert_eq!(fr.pref_label(Some("de")), Some("Französisch"));
    assert!(fr
        .relations()
        .any(|(_, t)| t == "http://id.loc.gov/vocabulary/iso639-2/fre"));
    // "allemand" is the label of both ger and deu: ambiguous.
    match index.lookup("allemand", &f(&["iso639-2"])) {
        Outcome::Ambiguous(c) => assert_eq!(c.len(), 2),
        other => panic!("{other:?}"),
    }
    // Countries and geographic areas (padded codes).
    assert_eq!(
        iri(index.lookup_notation("fr", &f(&["countries"]))).as_deref(),
        Some("http://id.loc.gov/vocabulary/countries/fr")
    );
    assert_eq!(
        iri(index.lookup_notation("n-us---", &f(&["gacs"]))).as_deref(),
        Some("http://id.loc.gov/vocabulary/geographicAreas/n-us")
    );
    // The same code in two schemes is ambiguous without a filter.
    assert!(matches!(
        index.lookup_notation("fr", &f(&[])),
        Outcome::Ambiguous(_)
    ));
    // DCMI types, rights statements, CC licences.
    assert_eq!(
        iri(index.lookup("still image", &f(&["dcmitype"]))).as_deref(),
        Some("http://purl.org/dc/dcmitype/StillImage")
    );
    assert_eq!(
        iri(index.lookup("In Copyright", &f(&["rightsstatements"]))).as_deref(),
        Some("http://rightsstatements.org/vocab/InC/1.0/")
    );
    assert_eq!(
        iri(index.lookup("CC BY 4.0", &f(&["cc"]))).as_deref(),
        Some("http://creativecommons.org/licenses/by/4.0/")
    );
    assert_eq!(
        iri(index.lookup_notation("CC0-1.0", &f(&["cc"]))).as_deref(),
        Some("http://creativecommons.org/publicdomain/zero/1.0/")
    );
}

/// The same heading as a MARC 650, an EAD `<subject>` and a DC `subject`.
#[test]
fn one_heading_three_ways() {
    // The shipped LCSH sample has the main term but not the two subdivisions: add those.
    let extra = r#"@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        <http://id.loc.gov/authorities/subjects/sh85139020> skos:inScheme <http://id.loc.gov/authorities/subjects> ;
            skos:prefLabel "Underground movements"@en .
        <http://id.loc.gov/authorities/names/n79058874> skos:inScheme <http://id.loc.gov/authorities/subjects> ;
            skos:prefLabel "France"@en .
    "#;
    let mut loader = VocabularyLoader::new();
    loader
        .load_path(&vocabularies().join("lcsh-sample.ttl"), Some("lcsh"))
        .unwrap();
    loader
        .load_rdf(
            extra.as_bytes(),
            oxrdfio::RdfFormat::Turtle,
            "extra.ttl",
            Some("lcsh"),
        )
        .unwrap();
    let index = AuthorityIndex::new(loader.finish());
    let lcsh = index.filter(&["lcsh"]);

    let marc = Heading::from_subfields([
        ('a', "World War, 1939-1945"),
        ('x', "Underground movements"),
        ('z', "France."),
        ('2', "lcsh"),
    ]);
    let ead = "World War, 1939-1945--Underground movements--France";
    let dc = "World war, 1939-1945";

    let from_marc = index.lookup_heading(&marc, &lcsh);
    let from_ead = index.lookup(ead, &lcsh);
    let from_dc = index.lookup(dc, &lcsh);
    let (m, e, d) = (
        from_marc.found().expect("marc"),
        from_ead.found().expect("ead"),
        from_dc.found().expect("dc"),
    );
    assert_eq!(m.concept.iri(), WW2);
    assert_eq!(e.concept.iri(), WW2);
    assert_eq!(d.concept.iri(), WW2);
    assert_eq!(m.method, Method::SubdivisionComposed);
    assert_eq!(e.method, Method::SubdivisionComposed);
    assert_eq!(d.method, Method::Normalized);
    let parts = |m: &crosswalk::authority::Match<'_>| {
        m.components
            .iter()
            .map(|c| c.iri().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(parts(m), parts(e));
    assert_eq!(m.components.len(), 2);
    // The main term alone, from the MARC $a.
    let a = Heading::from_subfields([('a', "World War, 1939-1945.")]);
    assert_eq!(
        index.lookup_heading(&a, &lcsh).found().unwrap().method,
        Method::Exact
    );
    // A precoordinated heading that is a concept of its own is found whole.
    let atrocities = index.lookup("World War, 1939-1945 -- Atrocities", &lcsh);
    assert_eq!(
        atrocities.found().expect("whole heading").concept.iri(),
        "http://id.loc.gov/authorities/subjects/sh85148285"
    );
}

const SKOS_TTL: &str = r#"@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
<http://example.org/scheme> a skos:ConceptScheme ; dcterms:identifier "demo" .
<http://example.org/cats> a skos:Concept ; skos:inScheme <http://example.org/scheme> ;
  skos:prefLabel "Cats"@en, "Chats"@fr ; skos:altLabel "Felines"@en ; skos:hiddenLabel "Katz" ;
  skos:notation "C" ; skos:broader <http://example.org/animals> ;
  skos:exactMatch <http://id.loc.gov/authorities/subjects/sh85021262> .
<http://example.org/animals> a skos:Concept ; skos:inScheme <http://example.org/scheme> ;
  skos:prefLabel "Animals"@en ; skos:narrower <http://example.org/cats> ;
  skos:closeMatch <http://example.org/fauna> .
"#;

const SKOS_NT: &str = r#"<http://example.org/scheme> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://www.w3.org/2004/02/skos/core#ConceptScheme> .
<http://example.org/scheme> <http://purl.org/dc/terms/identifier> "demo" .
<http://example.org/cats> <http://www.w3.org/2004/02/skos/core#inScheme> <http://example.org/scheme> .
<http://example.org/cats> <http://www.w3.org/2004/02/skos/core#prefLabel> "Cats"@en .
<http://example.org/cats> <http://www.w3.org/2004/02/skos/core#prefLabel> "Chats"@fr .
<http://example.org/cats> <http://www.w3.org/2004/02/skos/core#altLabel> "Felines"@en .
<http://example.org/cats> <http://www.w3.org/2004/02/skos/core#hiddenLabel> "Katz" .
<http://example.org/cats> <http://www.w3.org/2004/02/skos/core#notation> "C" .
<http://example.org/cats> <http://www.w3.org/2004/02/skos/core#broader> <http://example.org/animals> .
<http://example.org/cats> <http://www.w3.org/2004/02/skos/core#exactMatch> <http://id.loc.gov/authorities/subjects/sh85021262> .
<http://example.org/animals> <http://www.w3.org/2004/02/skos/core#inScheme> <http://example.org/scheme> .
<http://example.org/animals> <http://www.w3.org/2004/02/skos/core#prefLabel> "Animals"@en .
<http://example.org/animals> <http://www.w3.org/2004/02/skos/core#narrower> <http://example.org/cats> .
<http://example.org/animals> <http://www.w3.org/2004/02/skos/core#closeMatch> <http://example.org/fauna> .
"#;

const SKOS_RDFXML: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:skos="http://www.w3.org/2004/02/skos/core#" xmlns:dcterms="http://purl.org/dc/terms/">
  <skos:ConceptScheme rdf:about="http://example.org/scheme"><dcterms:identifier>demo</dcterms:identifier></skos:ConceptScheme>
  <skos:Concept rdf:about="http://example.org/cats">
    <skos:inScheme rdf:resource="http://example.org/scheme"/>
    <skos:prefLabel xml:lang="en">Cats</skos:prefLabel>
    <skos:prefLabel xml:lang="fr">Chats</skos:prefLabel>
    <skos:altLabel xml:lang="en">Felines</skos:altLabel>
    <skos:hiddenLabel>Katz</skos:hiddenLabel>
    <skos:notation>C</skos:notation>
    <skos:broader rdf:resource="http://example.org/animals"/>
    <skos:exactMatch rdf:resource="http://id.loc.gov/authorities/subjects/sh85021262"/>
  </skos:Concept>
  <skos:Concept rdf:about="http://example.org/animals">
    <skos:inScheme rdf:resource="http://example.org/scheme"/>
    <skos:prefLabel xml:lang="en">Animals</skos:prefLabel>
    <skos:narrower rdf:resource="http://example.org/cats"/>
    <skos:closeMatch rdf:resource="http://example.org/fauna"/>
  </skos:Concept>
</rdf:RDF>
"#;

fn summary(v: &Vocabulary) -> Vec<String> {
    let mut out = Vec::new();
    for c in v.concepts() {
        let mut labels: Vec<_> = c
            .labels()
            .map(|l| format!("{:?}:{}@{}", l.kind, l.text, l.lang))
            .collect();
        labels.sort();
        let mut rels: Vec<_> = c.relations().map(|(k, t)| format!("{k:?}>{t}")).collect();
        rels.sort();
        out.push(format!(
            "{} [{}] {} {} {}",
            c.iri(),
            c.scheme().name,
            labels.join(","),
            c.notations().collect::<Vec<_>>().join(","),
            rels.join(",")
        ));
    }
    out.sort();
    out
}

#[test]
fn skos_in_turtle_ntriples_and_rdfxml_loads_alike() {
    let dir = std::env::temp_dir().join(format!("crosswalk-authority-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut summaries = Vec::new();
    // By extension, and RDF/XML in a .xml file by content.
    for (file, text) in [
        ("demo.ttl", SKOS_TTL),
        ("demo.nt", SKOS_NT),
        ("demo.rdf", SKOS_RDFXML),
        ("demo.xml", SKOS_RDFXML),
        ("demo.skos", SKOS_TTL),
    ] {
        let path = dir.join(file);
        std::fs::write(&path, text).unwrap();
        let v = Vocabulary::from_path(&path).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(v.len(), 2, "{file}");
        summaries.push(summary(&v));
    }
    std::fs::remove_dir_all(&dir).ok();
    for s in &summaries[1..] {
        assert_eq!(s, &summaries[0]);
    }
    let cats = &summaries[0][1];
    assert!(cats.contains("Pref:Chats@fr"), "{cats}");
    assert!(cats.contains("Hidden:Katz@"), "{cats}");
    assert!(cats.contains("[demo]"), "{cats}");
    assert!(cats.contains("ExactMatch>http://id.loc.gov/authorities/subjects/sh85021262"));
}

#[test]
fn broken_rdf_is_an_error_with_position() {
    let mut loader = VocabularyLoader::new();
    let err = loader
        .load_rdf(
            "<http://e.org/a> <http://e.org/b> \"x .".as_bytes(),
            oxrdfio::RdfFormat::Turtle,
            "broken.ttl",
            None,
        )
        .unwrap_err();
    let msg = err.to_string();
    assert!(msg.starts_with("broken.ttl:"), "{msg}");
}

#[test]
fn marc_authorities_from_evergreen_iso2709() {
    let Some(shared) = shared() else { return };
    let path = shared.join("vocab/evergreen-authorities/auth-1066.mrc");
    let mut reader = AnyReader::open(&path, None, true).unwrap();
    let mut loader = VocabularyLoader::new();
    let report = loader
        .load_marc(&mut reader, &MarcOptions::scheme("iish"))
        .unwrap();
    eprintln!("{report:?}");
    assert_eq!(report.records + report.rejected, 1066);
    assert!(report.concepts > 1000, "{report:?}");
    let v = loader.finish();
    assert_eq!(v.len() as u64, report.concepts);
    let index = AuthorityIndex::new(v);
    let v = index.vocabulary();
    // Every concept's preferred heading finds it again.
    let mut found = 0;
    for c in v.concepts() {
        let label = c.pref_label(None).unwrap();
        match index.lookup(label, &index.filter(&["iish"])) {
            Outcome::Found(m) if m.concept.iri() == c.iri() => found += 1,
            Outcome::Ambiguous(ms) => assert!(ms.iter().any(|m| m.concept.iri() == c.iri())),
            other => panic!("{label}: {other:?}"),
        }
    }
    assert!(found > 900, "{found}");
    // IRIs are deterministic local ones (no 010 in these records) or from $0/010.
    let first = v.concepts().next().unwrap();
    assert!(
        first.iri().starts_with("urn:crosswalk:authority:iish:") || first.iri().starts_with("http"),
        "{}",
        first.iri()
    );
    let variants = v
        .concepts()
        .flat_map(|c| c.labels())
        .filter(|l| l.kind == LabelKind::Alt)
        .count();
    eprintln!("{} concepts, {variants} variants", v.len());
}

#[test]
fn marc_authorities_from_archivesspace_marcxml() {
    let Some(shared) = shared() else { return };
    let dir = shared.join("vocab/archivesspace/lc-authority-marcxml");
    let mut loader = VocabularyLoader::new();
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let mut concepts = 0;
    for path in &files {
        let mut reader = AnyReader::open(path, None, true).unwrap();
        match loader.load_marc(&mut reader, &MarcOptions::scheme("lc")) {
            Ok(r) => concepts += r.concepts,
            // Three files use the marc: prefix without declaring it: not XML.
            Err(e) => eprintln!("{}: {e}", path.display()),
        }
    }
    assert!(concepts >= 7, "{concepts}");
    let index = AuthorityIndex::new(loader.finish());
    let v = index.vocabulary();
    // sh85129426 (LCSH): IRI from the 010, variants from 4XX.
    let c = v
        .concept_by_iri("http://id.loc.gov/authorities/subjects/sh85129426")
        .expect("sh85129426 loaded with its id.loc.gov IRI");
    let alts = c.labels().filter(|l| l.kind == LabelKind::Alt).count();
    let pref = c.pref_label(None).unwrap().to_string();
    eprintln!("sh85129426: {pref}, {alts} variants");
    assert!(matches!(
        index.lookup_identifier("sh 85129426"),
        Outcome::Found(_)
    ));
    assert_eq!(
        index
            .lookup(&pref.to_uppercase(), &index.filter(&["lc"]))
            .found()
            .map(|m| m.concept.iri()),
        Some("http://id.loc.gov/authorities/subjects/sh85129426")
    );
    // The genre/form record gets its genreForms IRI.
    assert!(v
        .concept_by_iri("http://id.loc.gov/authorities/genreForms/gf2014026450")
        .is_some());
    for c in v.concepts() {
        eprintln!(
            "{} {:?} ids={:?}",
            c.iri(),
            c.pref_label(None),
            c.identifiers().collect::<Vec<_>>()
        );
    }
}
