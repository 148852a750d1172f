//! Labels of IRIs in the reader's language: from the vocabularies the configuration loads (every
//! language they have), else from the store (`skos:prefLabel`, `foaf:name`, `rdfs:label`,
//! `dcterms:title`).

use std::collections::HashMap;

use oxigraph::model::{NamedNodeRef, Term};
use oxigraph::store::Store;

use crate::authority::vocabulary::LabelKind;
use crate::authority::AuthorityIndex;

const LABEL_PREDICATES: [&str; 5] = [
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://xmlns.com/foaf/0.1/name",
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://purl.org/dc/terms/title",
    "http://purl.org/dc/elements/1.1/title",
];

/// How many store labels of one IRI are read at the most (a popular agent is named in every
/// record graph that mentions it: the first few are enough).
const STORE_LABELS_READ: usize = 8;

/// The reader's languages, best first, from `Accept-Language` (quality values count; `*` and
/// malformed ranges are dropped). English closes the list when it is not in it, so that every
/// label falls back through the vocabularies' languages to English and then to untagged.
pub fn languages(accept_language: Option<&str>) -> Vec<String> {
    let mut ranges: Vec<(String, u32, usize)> = accept_language
        .unwrap_or("")
        .split(',')
        .enumerate()
        .filter_map(|(i, range)| {
            let mut parts = range.split(';');
            let tag = parts.next()?.trim().to_ascii_lowercase();
            if tag.is_empty()
                || tag == "*"
                || !tag.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            {
                return None;
            }
            let mut q = 1000;
            for param in parts {
                if let Some(("q", v)) = param.split_once('=').map(|(k, v)| (k.trim(), v)) {
                    q = v
                        .trim()
                        .parse::<f32>()
                        .map_or(0, |q| (q.clamp(0.0, 1.0) * 1000.0) as u32);
                }
            }
            (q > 0).then_some((tag, q, i))
        })
        .collect();
    ranges.sort_by(|a, b| b.1.cmp(&a.1).then(a.2.cmp(&b.2)));
    let mut out: Vec<String> = Vec::new();
    for (tag, _, _) in ranges {
        // `fr-CA` asks for French too: its primary subtag follows it.
        let primary = tag.split('-').next().unwrap_or("").to_string();
        for t in [tag, primary] {
            if !out.contains(&t) {
                out.push(t);
            }
        }
    }
    if !out.iter().any(|t| t == "en") {
        out.push("en".into());
    }
    out
}

/// How well a label's language fits: the index of the first reader language it matches, then
/// untagged, then any other.
fn rank(lang: &str, wanted: &[String]) -> usize {
    let lang = lang.to_ascii_lowercase();
    if let Some(i) = wanted
        .iter()
        .position(|w| lang == *w || lang.split('-').next() == Some(w.as_str()))
    {
        return i;
    }
    if lang.is_empty() {
        wanted.len()
    } else {
        wanted.len() + 1
    }
}

/// Labels found for a page's IRIs: the text and its language tag (empty when untagged).
#[derive(Debug, Default, Clone)]
pub struct Labels {
    map: HashMap<String, (String, String)>,
}

impl Labels {
    /// The label of `iri`, if one was found.
    pub fn get(&self, iri: &str) -> Option<&str> {
        self.map.get(iri).map(|(text, _)| text.as_str())
    }

    /// The language tag of the label of `iri` (empty when untagged).
    pub fn lang(&self, iri: &str) -> Option<&str> {
        self.map.get(iri).map(|(_, lang)| lang.as_str())
    }

    /// Sets a label (the page knows better, e.g. a collection's name).
    pub fn insert(&mut self, iri: &str, text: &str) {
        self.map
            .insert(iri.to_string(), (text.to_string(), String::new()));
    }

    /// Finds labels for every IRI among `terms` not labelled yet.
    pub fn fill<'a>(
        &mut self,
        store: &Store,
        vocab: Option<&AuthorityIndex>,
        wanted: &[String],
        terms: impl IntoIterator<Item = &'a Term>,
    ) {
        for term in terms {
            if let Term::NamedNode(n) = term {
                self.fill_iri(store, vocab, wanted, n.as_str());
            }
        }
    }

    /// Finds a label for one IRI, unless it has one.
    pub fn fill_iri(
        &mut self,
        store: &Store,
        vocab: Option<&AuthorityIndex>,
        wanted: &[String],
        iri: &str,
    ) {
        if self.map.contains_key(iri) {
            return;
        }
        if let Some(found) = vocab.and_then(|v| vocab_label(v, iri, wanted)) {
            self.map.insert(iri.to_string(), found);
            return;
        }
        if let Some(found) = store_label(store, iri, wanted) {
            self.map.insert(iri.to_string(), found);
        }
    }
}

/// The best preferred label of a vocabulary concept for the reader.
fn vocab_label(vocab: &AuthorityIndex, iri: &str, wanted: &[String]) -> Option<(String, String)> {
    let concept = vocab.vocabulary().concept_by_iri(iri)?;
    concept
        .labels()
        .filter(|l| l.kind == LabelKind::Pref)
        .min_by_key(|l| rank(l.lang, wanted))
        .map(|l| (l.text.to_string(), l.lang.to_string()))
}

/// The best label the store holds for `iri`: the predicates in order, the reader's languages
/// first, among the first few of each.
fn store_label(store: &Store, iri: &str, wanted: &[String]) -> Option<(String, String)> {
    let subject = NamedNodeRef::new(iri).ok()?;
    for predicate in LABEL_PREDICATES {
        let predicate = NamedNodeRef::new_unchecked(predicate);
        let best = store
            .quads_for_pattern(Some(subject.into()), Some(predicate), None, None)
            .take(STORE_LABELS_READ)
            .filter_map(Result::ok)
            .filter_map(|q| match q.object {
                Term::Literal(l) => Some((
                    l.value().to_string(),
                    l.language().unwrap_or("").to_string(),
                )),
                _ => None,
            })
            .min_by_key(|(_, lang)| rank(lang, wanted));
        if best.is_some() {
            return best;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language() {
        assert_eq!(languages(None), vec!["en"]);
        assert_eq!(
            languages(Some("fr-CH, fr;q=0.9, de;q=0.8, *;q=0.5")),
            vec!["fr-ch", "fr", "de", "en"]
        );
        assert_eq!(
            languages(Some("de;q=0.2, en-GB")),
            vec!["en-gb", "en", "de"]
        );
        assert_eq!(languages(Some("x;q=0, ;;")), vec!["en"]);
    }

    #[test]
    fn ranking() {
        let wanted = languages(Some("fr"));
        assert!(rank("fr", &wanted) < rank("en", &wanted));
        assert!(rank("en", &wanted) < rank("", &wanted));
        assert!(rank("", &wanted) < rank("de", &wanted));
    }
}
