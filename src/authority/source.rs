//! The extension point for authority backends: [`AuthoritySource`], and
//! [`authority_source_tests!`](crate::authority_source_tests) that checks any implementation.
//!
//! The in-memory [`AuthorityIndex`] is the first implementation; a remote service (id.loc.gov
//! suggest, a SPARQL endpoint) or an on-disk store can be another, and will pass the same
//! tests. Results are owned ([`Resolution`]), so that a backend needs to keep nothing alive.

use std::convert::Infallible;

use super::index::{AuthorityIndex, Match, Method, Outcome};

/// One candidate concept, owned.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// The concept's IRI (for a composed heading: the main term's).
    pub iri: String,
    /// The short name of its scheme.
    pub scheme: String,
    /// The label or code that matched.
    pub matched: Option<String>,
    /// How it was found.
    pub method: Method,
    /// How sure: 0 < score ≤ 1.
    pub score: f32,
    /// For [`Method::SubdivisionComposed`]: the IRIs of the subdivisions' concepts, in order.
    pub components: Vec<String>,
}

/// What a lookup gives.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolution {
    /// One best candidate.
    Matched(Candidate),
    /// Several concepts fit equally well: all candidates, best first.
    Ambiguous(Vec<Candidate>),
    /// Nothing fits.
    NotFound,
}

impl Resolution {
    /// The matched candidate's IRI, if exactly one.
    pub fn iri(&self) -> Option<&str> {
        match self {
            Resolution::Matched(c) => Some(&c.iri),
            _ => None,
        }
    }

    /// The matched candidate, if exactly one.
    pub fn matched(&self) -> Option<&Candidate> {
        match self {
            Resolution::Matched(c) => Some(c),
            _ => None,
        }
    }
}

/// A source of authority concepts: lookups by label (in some schemes), by identifier and by
/// notation.
pub trait AuthoritySource {
    /// What can go wrong (nothing, in memory).
    type Error: std::error::Error + Send + Sync + 'static;

    /// Resolves a label or heading (`--` subdivisions allowed) within the schemes named (short
    /// names such as `lcsh`, or IRIs; empty: all).
    fn lookup_label(&self, label: &str, schemes: &[&str]) -> Result<Resolution, Self::Error>;

    /// Resolves an IRI or identifier (LCCN, 035, 024 value).
    fn lookup_identifier(&self, id: &str) -> Result<Resolution, Self::Error>;

    /// Resolves a notation (code) within the schemes named (empty: all).
    fn lookup_notation(&self, code: &str, schemes: &[&str]) -> Result<Resolution, Self::Error>;
}

impl<T: AuthoritySource + ?Sized> AuthoritySource for &T {
    type Error = T::Error;
    fn lookup_label(&self, label: &str, schemes: &[&str]) -> Result<Resolution, Self::Error> {
        (**self).lookup_label(label, schemes)
    }
    fn lookup_identifier(&self, id: &str) -> Result<Resolution, Self::Error> {
        (**self).lookup_identifier(id)
    }
    fn lookup_notation(&self, code: &str, schemes: &[&str]) -> Result<Resolution, Self::Error> {
        (**self).lookup_notation(code, schemes)
    }
}

impl<T: AuthoritySource + ?Sized> AuthoritySource for std::sync::Arc<T> {
    type Error = T::Error;
    fn lookup_label(&self, label: &str, schemes: &[&str]) -> Result<Resolution, Self::Error> {
        (**self).lookup_label(label, schemes)
    }
    fn lookup_identifier(&self, id: &str) -> Result<Resolution, Self::Error> {
        (**self).lookup_identifier(id)
    }
    fn lookup_notation(&self, code: &str, schemes: &[&str]) -> Result<Resolution, Self::Error> {
        (**self).lookup_notation(code, schemes)
    }
}

fn owned(m: &Match<'_>) -> Candidate {
    Candidate {
        iri: m.concept.iri().to_string(),
        scheme: m.concept.scheme().name.clone(),
        matched: m.matched.map(str::to_string),
        method: m.method,
        score: m.score,
        components: m.components.iter().map(|c| c.iri().to_string()).collect(),
    }
}

impl From<Outcome<'_>> for Resolution {
    fn from(o: Outcome<'_>) -> Self {
        match o {
            Outcome::Found(m) => Resolution::Matched(owned(&m)),
            Outcome::Ambiguous(ms) => Resolution::Ambiguous(ms.iter().map(owned).collect()),
            Outcome::NotFound => Resolution::NotFound,
        }
    }
}

impl AuthoritySource for AuthorityIndex {
    type Error = Infallible;

    fn lookup_label(&self, label: &str, schemes: &[&str]) -> Result<Resolution, Infallible> {
        Ok(self.lookup(label, &self.filter(schemes)).into())
    }

    fn lookup_identifier(&self, id: &str) -> Result<Resolution, Infallible> {
        Ok(AuthorityIndex::lookup_identifier(self, id).into())
    }

    fn lookup_notation(&self, code: &str, schemes: &[&str]) -> Result<Resolution, Infallible> {
        Ok(AuthorityIndex::lookup_notation(self, code, &self.filter(schemes)).into())
    }
}

/// The fixture every implementation is tested on (Turtle): three schemes (`lcsh`, `countries`,
/// `relators`), headings with variants, a homonym pair, notations, and the parts of a composed
/// heading. A factory given to [`authority_source_tests!`](crate::authority_source_tests) loads
/// it into the implementation under test.
pub const TEST_VOCABULARY_TTL: &str = r#"
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix lcsh: <http://id.loc.gov/authorities/subjects/> .

<http://id.loc.gov/authorities/subjects> a skos:ConceptScheme ; dcterms:identifier "lcsh" .
<http://id.loc.gov/vocabulary/countries> a skos:ConceptScheme ; dcterms:identifier "countries" .
<http://id.loc.gov/vocabulary/relators> a skos:ConceptScheme ; dcterms:identifier "relators" .

lcsh:sh85148273 a skos:Concept ; skos:inScheme <http://id.loc.gov/authorities/subjects> ;
  skos:prefLabel "World War, 1939-1945"@en ;
  skos:altLabel "Second World War, 1939-1945"@en, "WWII"@en ;
  skos:hiddenLabel "World War 2"@en .
lcsh:sh85139020 a skos:Concept ; skos:inScheme <http://id.loc.gov/authorities/subjects> ;
  skos:prefLabel "Underground movements"@en .
lcsh:n79058874 a skos:Concept ; skos:inScheme <http://id.loc.gov/authorities/subjects> ;
  skos:prefLabel "France"@en .
lcsh:sh85083990 a skos:Concept ; skos:inScheme <http://id.loc.gov/authorities/subjects> ;
  skos:prefLabel "Mercury"@en ; skos:altLabel "Quicksilver"@en .
lcsh:sh85083992 a skos:Concept ; skos:inScheme <http://id.loc.gov/authorities/subjects> ;
  skos:prefLabel "Mercury"@en .
lcsh:sh85025613 a skos:Concept ; skos:inScheme <http://id.loc.gov/authorities/subjects> ;
  skos:prefLabel "Children's literature"@en .

<http://id.loc.gov/vocabulary/countries/fr> a skos:Concept ;
  skos:inScheme <http://id.loc.gov/vocabulary/countries> ;
  skos:prefLabel "France"@en ; skos:notation "fr" .
<http://id.loc.gov/vocabulary/relators/aut> a skos:Concept ;
  skos:inScheme <http://id.loc.gov/vocabulary/relators> ;
  skos:prefLabel "Author"@en ; skos:notation "aut" .
"#;

/// Checks an [`AuthoritySource`] implementation. `$factory` is an expression of type
/// `fn(&str) -> S`, given [`TEST_VOCABULARY_TTL`], that builds the source under test. Use it in
/// a test module; the optional first argument names the generated module.
///
/// ```
/// use crosswalk::authority::{AuthorityIndex, VocabularyLoader};
/// use oxrdfio::RdfFormat;
///
/// # #[allow(dead_code)] // the generated tests exist only under cfg(test)
/// fn in_memory(ttl: &str) -> AuthorityIndex {
///     let mut loader = VocabularyLoader::new();
///     loader.load_rdf(ttl.as_bytes(), RdfFormat::Turtle, "fixture.ttl", None).unwrap();
///     AuthorityIndex::new(loader.finish())
/// }
/// crosswalk::authority_source_tests!(in_memory);
/// ```
#[macro_export]
macro_rules! authority_source_tests {
    ($factory:expr) => {
        $crate::authority_source_tests!(authority_source_conformance, $factory);
    };
    ($module:ident, $factory:expr) => {
        #[cfg(test)]
        mod $module {
            #[allow(unused_imports)]
            use super::*;
            use $crate::authority::source::{AuthoritySource, Resolution, TEST_VOCABULARY_TTL};
            use $crate::authority::Method;

            const WW2: &str = "http://id.loc.gov/authorities/subjects/sh85148273";

            fn source() -> impl AuthoritySource {
                #[allow(clippy::redundant_closure_call)]
                ($factory)(TEST_VOCABULARY_TTL)
            }

            fn label(label: &str, schemes: &[&str]) -> Resolution {
                source().lookup_label(label, schemes).expect("lookup")
            }

            #[test]
            fn exact_preferred_label() {
                let r = label("World War, 1939-1945", &["lcsh"]);
                let c = r.matched().expect("matched");
                assert_eq!(c.iri, WW2);
                assert_eq!(c.method, Method::Exact);
                assert_eq!(c.scheme, "lcsh");
                assert!(c.score > 0.99);
            }

            #[test]
            fn normalized_label() {
                for q in [
                    "World war, 1939-1945",
                    "WORLD WAR, 1939-1945.",
                    " world  war,1939–1945 ",
                ] {
                    let r = label(q, &["lcsh"]);
                    let c = r.matched().unwrap_or_else(|| panic!("{q}: {r:?}"));
                    assert_eq!(c.iri, WW2, "{q}");
                    assert_eq!(c.method, Method::Normalized, "{q}");
                }
            }

            #[test]
            fn alternate_and_hidden_labels() {
                for q in ["Second World War, 1939-1945", "wwii", "World War 2"] {
                    let r = label(q, &[]);
                    let c = r.matched().unwrap_or_else(|| panic!("{q}: {r:?}"));
                    assert_eq!(c.iri, WW2, "{q}");
                    assert_eq!(c.method, Method::AlternateLabel, "{q}");
                }
            }

            #[test]
            fn identifiers() {
                let s = source();
                assert_eq!(s.lookup_identifier(WW2).unwrap().iri(), Some(WW2));
                assert_eq!(s.lookup_identifier("sh 85148273").unwrap().iri(), Some(WW2));
                let r = s.lookup_identifier("sh85148273").unwrap();
                assert_eq!(r.matched().unwrap().method, Method::Identifier);
                assert_eq!(
                    s.lookup_identifier("sh00000000").unwrap(),
                    Resolution::NotFound
                );
            }

            #[test]
            fn notations() {
                let s = source();
                let r = s.lookup_notation("AUT", &["relators"]).unwrap();
                assert_eq!(r.iri(), Some("http://id.loc.gov/vocabulary/relators/aut"));
                assert_eq!(r.matched().unwrap().method, Method::Notation);
                assert_eq!(
                    s.lookup_notation("aut", &["lcsh"]).unwrap(),
                    Resolution::NotFound
                );
            }

            #[test]
            fn ambiguous_keeps_candidates() {
                match label("Mercury", &["lcsh"]) {
                    Resolution::Ambiguous(c) => {
                        assert_eq!(c.len(), 2);
                        assert!(c.iter().all(|c| c.method == Method::Exact));
                    }
                    other => panic!("{other:?}"),
                }
                // The variant settles it.
                assert_eq!(
                    label("Quicksilver", &[]).iri(),
                    Some("http://id.loc.gov/authorities/subjects/sh85083990")
                );
            }

            #[test]
            fn schemes_filter() {
                assert!(matches!(label("France", &[]), Resolution::Ambiguous(_)));
                assert_eq!(
                    label("France", &["countries"]).iri(),
                    Some("http://id.loc.gov/vocabulary/countries/fr")
                );
                assert_eq!(
                    label("France", &["http://id.loc.gov/authorities/subjects"]).iri(),
                    Some("http://id.loc.gov/authorities/subjects/n79058874")
                );
                assert_eq!(label("France", &["no-such-scheme"]), Resolution::NotFound);
            }

            #[test]
            fn naco_rules_apply() {
                assert_eq!(
                    label("Childrens literature", &["lcsh"]).iri(),
                    Some("http://id.loc.gov/authorities/subjects/sh85025613")
                );
            }

            #[test]
            fn subdivisions_compose() {
                let r = label(
                    "World War, 1939-1945--Underground movements--France",
                    &["lcsh"],
                );
                let c = r.matched().unwrap_or_else(|| panic!("{r:?}"));
                assert_eq!(c.method, Method::SubdivisionComposed);
                assert_eq!(c.iri, WW2);
                assert_eq!(
                    c.components,
                    [
                        "http://id.loc.gov/authorities/subjects/sh85139020",
                        "http://id.loc.gov/authorities/subjects/n79058874"
                    ]
                );
                assert_eq!(
                    label("World War, 1939-1945--Nowhere", &["lcsh"]),
                    Resolution::NotFound
                );
            }

            #[test]
            fn not_found() {
                assert_eq!(label("Unheard of heading", &[]), Resolution::NotFound);
                assert_eq!(label("", &[]), Resolution::NotFound);
                assert_eq!(label(" .", &[]), Resolution::NotFound);
            }
        }
    };
}
