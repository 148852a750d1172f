//! The interface in the reader's language: English, German or French, chosen by
//! `Accept-Language` (English when none of them is asked for).
//!
//! Two sources, best first:
//!
//! - **the vocabularies**: whatever names a resource (a concept, an agent, a class, a language,
//!   a role) is labelled from the vocabularies in the reader's language ([`super::labels`]);
//!   a property too, when a vocabulary labels it (a relator used as a property);
//! - **the message table** below: the fixed strings of the pages (navigation, headings,
//!   buttons, table headings) and the names of the properties the crosswalks write, keyed by
//!   their English text. A string missing from the table is shown in English.
//!
//! A label in another language than the page's is marked with its own `lang`.

use super::html::{esc, group};
use super::labels::Labels;

/// A language of the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Ui {
    /// English (the default).
    #[default]
    En,
    /// German.
    De,
    /// French.
    Fr,
}

impl Ui {
    /// The first of the reader's languages (best first, as [`super::labels::languages`] gives
    /// them) that the interface speaks; English otherwise.
    pub fn pick(langs: &[String]) -> Self {
        langs
            .iter()
            .find_map(|l| match l.split('-').next().unwrap_or("") {
                "en" => Some(Self::En),
                "de" => Some(Self::De),
                "fr" => Some(Self::Fr),
                _ => None,
            })
            .unwrap_or_default()
    }

    /// Its language tag (`lang="…"`).
    pub fn tag(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::De => "de",
            Self::Fr => "fr",
        }
    }

    /// `english` in this language (itself when the table has no translation).
    pub fn tr(self, english: &'static str) -> &'static str {
        let column = match self {
            Self::En => return english,
            Self::De => 1,
            Self::Fr => 2,
        };
        MESSAGES
            .iter()
            .find(|m| m[0] == english)
            .map_or(english, |m| m[column])
    }

    /// Whether the table has `english` in this language.
    fn speaks(self, english: &str) -> bool {
        self == Self::En || MESSAGES.iter().any(|m| m[0] == english)
    }

    /// The name of property `iri` as HTML: a vocabulary's label in this language, else the
    /// message table's name, else a vocabulary's label in another language, else the table's
    /// English name, else the abbreviated IRI. Marked with its `lang` when that is not the
    /// page's; in an `<abbr>` with the IRI as title.
    pub fn property(self, iri: &str, labels: &Labels) -> String {
        let vocab = labels
            .get(iri)
            .map(|text| (text, labels.lang(iri).unwrap_or("")));
        let table = PROPERTIES.iter().find(|p| p[0] == iri).map(|p| p[1]);
        let (text, lang): (String, &str) = match (vocab, table) {
            (Some((text, lang)), _) if lang.split('-').next() == Some(self.tag()) => {
                (text.to_string(), "")
            }
            (_, Some(english)) if self.speaks(english) => (self.tr(english).to_string(), ""),
            (Some((text, lang)), _) => (text.to_string(), lang),
            (None, Some(english)) => (english.to_string(), "en"),
            (None, None) => (
                crate::sparql::abbreviate(iri).unwrap_or_else(|| iri.to_string()),
                "",
            ),
        };
        let lang = if lang.is_empty() || lang == self.tag() {
            String::new()
        } else {
            format!(" lang=\"{}\"", esc(lang))
        };
        format!("<abbr title=\"{}\"{lang}>{}</abbr>", esc(iri), esc(&text))
    }
}

/// What a resource page found, for [`Ui::items_found`].
pub struct ItemsFound {
    /// Items found.
    pub total: usize,
    /// Set when there are more than this many.
    pub more_than: Option<usize>,
    /// Institutions among them.
    pub institutions: usize,
    /// Set when the type and date facets count only the first this many.
    pub facets_count: Option<usize>,
}

impl Ui {
    /// "N items from M institutions." in this language.
    pub fn items_found(self, found: ItemsFound) -> String {
        let n = |v: usize| group(v as i64);
        let one = found.total == 1 && found.more_than.is_none();
        let total = match (found.more_than, self) {
            (Some(cap), Self::En) => format!("more than {}", n(cap)),
            (Some(cap), Self::De) => format!("mehr als {}", n(cap)),
            (Some(cap), Self::Fr) => format!("plus de {}", n(cap)),
            (None, _) => n(found.total),
        };
        let least = found.facets_count.is_some();
        let i = found.institutions;
        let sentence = match self {
            Self::En => format!(
                "{total} item{} from {}{i} institution{}",
                if one { "" } else { "s" },
                if least { "at least " } else { "" },
                if i == 1 { "" } else { "s" }
            ),
            Self::De => format!(
                "{total} {} aus {}{i} {}",
                if one { "Objekt" } else { "Objekte" },
                if least { "mindestens " } else { "" },
                if i == 1 {
                    "Institution"
                } else {
                    "Institutionen"
                }
            ),
            Self::Fr => format!(
                "{total} objet{} de {}{i} établissement{}",
                if one { "" } else { "s" },
                if least { "au moins " } else { "" },
                if i == 1 { "" } else { "s" }
            ),
        };
        let note = match (found.facets_count, self) {
            (None, _) => String::new(),
            (Some(k), Self::En) => format!(" (the facets count the first {})", n(k)),
            (Some(k), Self::De) => format!(" (die Facetten zählen die ersten {})", n(k)),
            (Some(k), Self::Fr) => format!(" (les facettes comptent les {} premiers)", n(k)),
        };
        format!("{sentence}{note}.")
    }
}

const PROPERTIES: [[&str; 2]; 40] = [
    ["http://purl.org/dc/terms/title", "Title"],
    ["http://purl.org/dc/terms/alternative", "Other title"],
    ["http://purl.org/dc/terms/creator", "Creator"],
    ["http://purl.org/dc/terms/contributor", "Contributor"],
    ["http://purl.org/dc/terms/subject", "Subject"],
    ["http://purl.org/dc/terms/spatial", "Place"],
    ["http://purl.org/dc/terms/temporal", "Period"],
    ["http://purl.org/dc/terms/date", "Date"],
    ["http://purl.org/dc/terms/issued", "Issued"],
    ["http://purl.org/dc/terms/created", "Created"],
    ["http://purl.org/dc/terms/modified", "Modified"],
    ["http://purl.org/dc/terms/type", "Type"],
    ["http://www.w3.org/1999/02/22-rdf-syntax-ns#type", "Class"],
    ["http://purl.org/dc/terms/format", "Format"],
    ["http://purl.org/dc/terms/extent", "Extent"],
    ["http://purl.org/dc/terms/medium", "Medium"],
    ["http://purl.org/dc/terms/language", "Language"],
    ["http://purl.org/dc/terms/publisher", "Publisher"],
    ["http://purl.org/dc/terms/description", "Description"],
    ["http://purl.org/dc/terms/abstract", "Abstract"],
    ["http://purl.org/dc/terms/tableOfContents", "Contents"],
    ["http://purl.org/dc/terms/identifier", "Identifier"],
    ["http://purl.org/dc/terms/isPartOf", "Part of"],
    ["http://purl.org/dc/terms/hasPart", "Has part"],
    ["http://purl.org/dc/terms/relation", "Related"],
    ["http://purl.org/dc/terms/rights", "Rights"],
    ["http://purl.org/dc/terms/accessRights", "Access rights"],
    ["http://purl.org/dc/terms/license", "Licence"],
    ["http://purl.org/dc/terms/source", "Source"],
    ["http://purl.org/dc/terms/coverage", "Coverage"],
    ["http://purl.org/dc/terms/provenance", "Provenance"],
    ["http://purl.org/dc/terms/bibliographicCitation", "Citation"],
    ["http://purl.org/dc/terms/hasFormat", "Other format"],
    [
        "http://www.w3.org/ns/prov#qualifiedAttribution",
        "Attribution",
    ],
    ["http://www.w3.org/ns/prov#agent", "Agent"],
    ["http://www.w3.org/ns/prov#hadRole", "Role"],
    [
        "http://www.w3.org/2004/02/skos/core#prefLabel",
        "Preferred label",
    ],
    [
        "http://www.w3.org/2004/02/skos/core#exactMatch",
        "Same concept as",
    ],
    ["http://www.w3.org/2004/02/skos/core#inScheme", "Vocabulary"],
    ["http://xmlns.com/foaf/0.1/name", "Name"],
];

/// English, German, French.
const MESSAGES: &[[&str; 3]] = &[
    // Navigation and the frame of every page.
    ["Home", "Startseite", "Accueil"],
    ["SPARQL workbench", "SPARQL-Werkbank", "Atelier SPARQL"],
    [
        "Harmonisation dashboard",
        "Harmonisierungs-Übersicht",
        "Tableau de bord de l’harmonisation",
    ],
    ["Skip to content", "Zum Inhalt springen", "Aller au contenu"],
    [
        "(table, scrolls sideways)",
        "(Tabelle, seitlich scrollbar)",
        "(tableau, défile horizontalement)",
    ],
    ["Site", "Website", "Site"],
    ["read-only", "nur lesend", "lecture seule"],
    ["SPARQL endpoint", "SPARQL-Endpunkt", "Point d’accès SPARQL"],
    // The start page.
    [
        "Harmonised catalogue",
        "Harmonisierter Katalog",
        "Catalogue harmonisé",
    ],
    ["Start here", "Einstieg", "Pour commencer"],
    [
        "Open a resource",
        "Eine Ressource öffnen",
        "Ouvrir une ressource",
    ],
    ["Open", "Öffnen", "Ouvrir"],
    ["Collections", "Sammlungen", "Collections"],
    [
        "Records of every collection, mapped onto one model and reconciled against shared \
         vocabularies. Browse a collection or a shared subject, ask the store in SPARQL, or see \
         how the harmonisation went.",
        "Datensätze aller Sammlungen, auf ein gemeinsames Modell abgebildet und mit gemeinsamen \
         Vokabularen abgeglichen. Blättern Sie in einer Sammlung oder einem gemeinsamen Thema, \
         befragen Sie den Speicher in SPARQL oder sehen Sie, wie die Harmonisierung verlief.",
        "Les notices de toutes les collections, ramenées à un seul modèle et alignées sur des \
         vocabulaires communs. Parcourez une collection ou un sujet commun, interrogez l’entrepôt \
         en SPARQL, ou voyez comment l’harmonisation s’est déroulée.",
    ],
    [
        "the example queries, your own",
        "die Beispielabfragen, eigene Abfragen",
        "les requêtes d’exemple, les vôtres",
    ],
    [
        "records, runs, diagnostics, reconciliation rates",
        "Datensätze, Läufe, Meldungen, Abgleichsquoten",
        "notices, exécutions, diagnostics, taux d’alignement",
    ],
    [
        "Unmatched and ambiguous headings",
        "Nicht zugeordnete und mehrdeutige Ansetzungen",
        "Vedettes non alignées et ambiguës",
    ],
    // Resource pages.
    ["Record", "Datensatz", "Notice"],
    ["Collection", "Sammlung", "Collection"],
    ["Institution", "Institution", "Établissement"],
    ["Concept", "Begriff", "Concept"],
    ["Agent", "Akteur", "Agent"],
    ["Resource", "Ressource", "Ressource"],
    ["Description", "Beschreibung", "Description"],
    [
        "Place in the collection",
        "Stellung in der Sammlung",
        "Place dans la collection",
    ],
    ["Hierarchy", "Hierarchie", "Hiérarchie"],
    ["Provenance", "Herkunft", "Provenance"],
    ["Source record", "Quelldatensatz", "Notice source"],
    [
        "Headings that lead here",
        "Ansetzungen, die hierher führen",
        "Vedettes qui mènent ici",
    ],
    [
        "Across institutions",
        "Über alle Institutionen",
        "Dans tous les établissements",
    ],
    ["Facets", "Facetten", "Facettes"],
    ["Type", "Typ", "Type"],
    ["Date", "Datum", "Date"],
    [
        "The list of the items that link here is being made.",
        "Die Liste der Objekte, die hierher verweisen, wird erstellt.",
        "La liste des objets qui renvoient ici est en cours de création.",
    ],
    [
        "The items are being counted and their facets made; here are the first.",
        "Die Objekte werden gezählt und ihre Facetten erstellt; hier die ersten.",
        "Les objets sont en cours de décompte et leurs facettes en préparation ; voici les premiers.",
    ],
    [
        "Reload the page to see it.",
        "Laden Sie die Seite neu, um sie zu sehen.",
        "Rechargez la page pour la voir.",
    ],
    [
        "Clear all filters",
        "Alle Filter entfernen",
        "Effacer tous les filtres",
    ],
    [
        "<span class=\"visually-hidden\"> (selected: remove this filter)</span>",
        "<span class=\"visually-hidden\"> (ausgewählt: Filter entfernen)</span>",
        "<span class=\"visually-hidden\"> (sélectionné : retirer ce filtre)</span>",
    ],
    ["Item", "Objekt", "Objet"],
    ["Links as", "Verknüpft als", "Lié comme"],
    ["Item pages", "Seiten der Objekte", "Pages des objets"],
    ["Previous page", "Vorherige Seite", "Page précédente"],
    ["Next page", "Nächste Seite", "Page suivante"],
    ["Page", "Seite", "Page"],
    ["of", "von", "sur"],
    ["Source file", "Quelldatei", "Fichier source"],
    ["Record id", "Datensatz-ID", "Identifiant de la notice"],
    [
        "Record number in the file",
        "Nummer des Datensatzes in der Datei",
        "Numéro de la notice dans le fichier",
    ],
    ["Byte offset", "Byte-Position", "Position en octets"],
    ["Line", "Zeile", "Ligne"],
    ["Format", "Format", "Format"],
    ["Crosswalk", "Crosswalk", "Crosswalk"],
    ["Run", "Lauf", "Exécution"],
    ["Written", "Geschrieben", "Écrit"],
    [
        "Checksum (SHA-256 of the source)",
        "Prüfsumme (SHA-256 der Quelle)",
        "Somme de contrôle (SHA-256 de la source)",
    ],
    [
        "Record graph",
        "Graph des Datensatzes",
        "Graphe de la notice",
    ],
    // Property names (see PROPERTIES).
    ["Title", "Titel", "Titre"],
    ["Other title", "Weiterer Titel", "Autre titre"],
    ["Creator", "Urheber", "Créateur"],
    ["Contributor", "Beteiligte", "Contributeur"],
    ["Subject", "Thema", "Sujet"],
    ["Place", "Ort", "Lieu"],
    ["Period", "Zeitraum", "Période"],
    ["Issued", "Erschienen", "Publié"],
    ["Created", "Erstellt", "Créé"],
    ["Modified", "Geändert", "Modifié"],
    ["Class", "Klasse", "Classe"],
    ["Extent", "Umfang", "Étendue"],
    ["Medium", "Material", "Support"],
    ["Language", "Sprache", "Langue"],
    ["Publisher", "Verlag", "Éditeur"],
    ["Abstract", "Zusammenfassung", "Résumé"],
    ["Contents", "Inhaltsverzeichnis", "Table des matières"],
    ["Identifier", "Kennung", "Identifiant"],
    ["Part of", "Teil von", "Fait partie de"],
    ["Has part", "Hat Teil", "A pour partie"],
    ["Related", "Verwandt", "En relation"],
    ["Rights", "Rechte", "Droits"],
    ["Access rights", "Zugangsrechte", "Droits d’accès"],
    ["Licence", "Lizenz", "Licence"],
    ["Source", "Quelle", "Source"],
    ["Coverage", "Geltungsbereich", "Couverture"],
    ["Citation", "Zitierweise", "Citation"],
    ["Other format", "Anderes Format", "Autre format"],
    ["Attribution", "Zuschreibung", "Attribution"],
    ["Role", "Rolle", "Rôle"],
    ["Preferred label", "Vorzugsbenennung", "Libellé préféré"],
    [
        "Same concept as",
        "Gleicher Begriff wie",
        "Même concept que",
    ],
    ["Vocabulary", "Vokabular", "Vocabulaire"],
    ["Name", "Name", "Nom"],
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_and_translates() {
        let langs = |s| super::super::labels::languages(Some(s));
        assert_eq!(Ui::pick(&langs("de-AT, en;q=0.5")), Ui::De);
        assert_eq!(Ui::pick(&langs("nl, fr;q=0.8")), Ui::Fr);
        assert_eq!(Ui::pick(&langs("nl")), Ui::En);
        assert_eq!(Ui::De.tr("Next page"), "Nächste Seite");
        assert_eq!(Ui::En.tr("Next page"), "Next page");
        assert_eq!(Ui::Fr.tr("not in the table"), "not in the table");
        let labels = Labels::default();
        let subject = "http://purl.org/dc/terms/subject";
        assert!(Ui::De.property(subject, &labels).contains(">Thema<"));
        assert!(Ui::En.property(subject, &labels).contains(">Subject<"));
        // Every property name is in the table.
        for [_, english] in PROPERTIES {
            assert!(
                MESSAGES.iter().any(|m| m[0] == english),
                "{english} is not translated"
            );
        }
    }
}
