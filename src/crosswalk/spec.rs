//! The mapping file as written: serde types of the TOML crosswalk language.
//!
//! Every string that is checked at load time (selectors, CURIEs, templates) keeps its span, so an
//! error names the file, line and column. See `docs/crosswalk-language.md` for the reference.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use super::transform::Transform;

/// A whole mapping file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MappingFile {
    /// The `[crosswalk]` header.
    pub crosswalk: Header,
    /// `[prefixes]`: prefix → namespace IRI (added to the built-in ones).
    #[serde(default)]
    pub prefixes: BTreeMap<String, Spanned<String>>,
    /// `[vocabularies]`: scheme short name → SKOS (any RDF syntax) or MARC authority file,
    /// relative to this file, for the `reconcile` transform.
    #[serde(default)]
    pub vocabularies: BTreeMap<String, Spanned<String>>,
    /// `[[resource]]` blocks, in order.
    #[serde(default, rename = "resource")]
    pub resources: Vec<ResourceSpec>,
    /// `[[example]]` blocks for `crosswalk mapping test`.
    #[serde(default, rename = "example")]
    pub examples: Vec<ExampleSpec>,
}

/// The `[crosswalk]` header.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Header {
    /// A short name (`marc21-dcterms`).
    pub name: String,
    /// The source format: `marc`, `ead` or `dc`.
    pub format: Spanned<String>,
    /// The base IRI that `{base}` in templates stands for (a run configuration may override it).
    pub base: Spanned<String>,
    /// What the mapping is for.
    #[serde(default)]
    pub description: Option<String>,
    /// Shared rule files (relative to this file): their prefixes and resources are added to this
    /// mapping's; a resource with the same name gets their rules appended.
    #[serde(default)]
    pub include: Vec<Spanned<String>>,
    /// Shipped vocabularies (short names: `lcsh`, `relators`, `iso639-2` …) that `reconcile`
    /// transforms look values up in.
    #[serde(default)]
    pub vocabularies: Vec<Spanned<String>>,
    /// A reviewers' decisions file (TSV, relative to this file) that every `reconcile` transform
    /// applies before matching (see `docs/reconciliation.md`, "Review loop").
    #[serde(default)]
    pub decisions: Option<Spanned<String>>,
}

/// A `[[resource]]` block: what in a record becomes a resource, its IRI, and its rules.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ResourceSpec {
    /// The block's name, used by `link.from` and in explanations.
    pub name: Spanned<String>,
    /// A selector: one resource per field / element it picks (its scope). Without it, one
    /// resource per record.
    #[serde(default)]
    pub for_each: Option<Selectors>,
    /// The IRI template (`{base}`, `{record}`, `{collection}`, `{key}`, `{hash}`, and format
    /// variables such as `{parent}`).
    pub iri: Spanned<String>,
    /// Selectors (inside the resource's scope) whose normalised values make `{key}` and `{hash}`:
    /// the same name written the same way in two records gives the same IRI.
    #[serde(default)]
    pub key: Vec<Spanned<String>>,
    /// Classes (`rdf:type`), as CURIEs or IRIs.
    #[serde(default, rename = "type")]
    pub types: Vec<Spanned<String>>,
    /// A condition every instance must meet.
    #[serde(default)]
    pub when: Option<ConditionSpec>,
    /// Links from another resource of the same record to this one.
    #[serde(default)]
    pub link: Vec<LinkSpec>,
    /// The rules, in order.
    #[serde(default)]
    pub rule: Vec<RuleSpec>,
}

/// `link = [{ from = "record", predicate = "dcterms:creator" }]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct LinkSpec {
    /// The resource block the link starts from (a record-level block).
    pub from: Spanned<String>,
    /// `from` → this resource.
    pub predicate: Spanned<String>,
    /// Optionally also this resource → `from`.
    #[serde(default)]
    pub inverse: Option<Spanned<String>>,
    /// Only when this condition holds (evaluated in this resource's scope).
    #[serde(default)]
    pub when: Option<ConditionSpec>,
}

/// A rule: select → transforms → emit.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RuleSpec {
    /// A name for explanations (defaults to the predicate and selector).
    #[serde(default)]
    pub name: Option<String>,
    /// What to select (inside the resource's scope): one selector or a list.
    #[serde(default)]
    pub select: Option<Selectors>,
    /// A constant literal value instead of a selection.
    #[serde(default)]
    pub value: Option<Spanned<String>>,
    /// Transforms applied in order to the selected values.
    #[serde(default)]
    pub transforms: Vec<Spanned<Transform>>,
    /// The predicate (CURIE or IRI).
    pub predicate: Spanned<String>,
    /// The object: an IRI template instead of a literal (`"{value}"`, `"dcmitype:Text"`,
    /// `"http://id.loc.gov/vocabulary/relators/{value}"`).
    #[serde(default)]
    pub iri: Option<Spanned<String>>,
    /// The object: a link to the instances of another resource block of this record (in the same
    /// scope when that block is a `for-each` over the same fields, else all of them).
    #[serde(default)]
    pub resource: Option<Spanned<String>>,
    /// The literal's datatype (CURIE or IRI); a transform's own datatype wins.
    #[serde(default)]
    pub datatype: Option<Spanned<String>>,
    /// The literal's language tag; `"source"` takes the value's own (`xml:lang`); a table
    /// computes it from selections ([`LangSpec::Computed`]).
    #[serde(default)]
    pub lang: Option<Spanned<LangSpec>>,
    /// Only when this condition holds.
    #[serde(default)]
    pub when: Option<ConditionSpec>,
}

/// A rule's `lang`: a fixed tag or `"source"` (a string), or a tag computed from selections (a
/// table).
#[derive(Debug, Clone)]
pub enum LangSpec {
    /// `lang = "ru"`, `lang = "source"`.
    Tag(String),
    /// `lang = { record = "008/35-37", select = "$6", transforms = ["marc-script-tag"] }`.
    Computed(ComputedLang),
}

impl<'de> Deserialize<'de> for LangSpec {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = LangSpec;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a language tag, \"source\", or a table with `select` / `record`")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<LangSpec, E> {
                Ok(LangSpec::Tag(v.to_owned()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<LangSpec, A::Error> {
                ComputedLang::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(LangSpec::Computed)
            }
        }
        d.deserialize_any(V)
    }
}

/// A language tag computed for each value from selections: the first value of each `record`
/// selector (whole record), then of each `select` selector (the value's own field or element),
/// joined with `|`, through `transforms`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ComputedLang {
    /// Selectors evaluated in the whole record (`008/35-37`).
    #[serde(default)]
    pub record: Option<Selectors>,
    /// Selectors evaluated in the field or element each value comes from (`$6`).
    #[serde(default)]
    pub select: Option<Selectors>,
    /// Transforms that make a BCP 47 tag of the joined parts.
    #[serde(default)]
    pub transforms: Vec<Spanned<Transform>>,
}

/// A condition: a selector and a test on the values it picks.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ConditionSpec {
    /// What to test (inside the current scope): one selector or a list.
    pub select: Selectors,
    /// True when some value equals one of these.
    #[serde(default)]
    pub equals: Option<Vec<String>>,
    /// True when some value starts with one of these.
    #[serde(default)]
    pub starts_with: Option<Vec<String>>,
    /// True when no value equals any of these; also true when nothing is selected, if this is
    /// the only test.
    #[serde(default)]
    pub not_equals: Option<Vec<String>>,
    /// `false`: true when the selector picks nothing. Default: true when it picks something.
    #[serde(default)]
    pub exists: Option<bool>,
}

/// An `[[example]]`: a source snippet and the triples expected from it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ExampleSpec {
    /// What it shows.
    pub name: String,
    /// The source record(s), in any syntax of the format (MARCXML for MARC is easiest to write).
    pub input: String,
    /// The expected triples, in Turtle (the mapping's prefixes are declared for you).
    pub expect: String,
    /// `true`: the expected triples must be all the output; `false` (default): they must be in it.
    #[serde(default)]
    pub complete: bool,
}

/// One selector, or a list of them whose values are taken together in record order.
#[derive(Debug, Clone, Deserialize)]
#[serde(transparent)]
pub struct Selectors(pub Spanned<OneOrMany>);

/// `"245$a"` or `["500$a", "504$a"]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany {
    /// One selector.
    One(String),
    /// Several.
    Many(Vec<String>),
}

impl Selectors {
    /// The selectors as written.
    pub fn items(&self) -> Vec<&str> {
        match self.0.get_ref() {
            OneOrMany::One(s) => vec![s.as_str()],
            OneOrMany::Many(v) => v.iter().map(String::as_str).collect(),
        }
    }

    /// True for a single selector (whose character offsets map onto the file exactly).
    pub fn is_one(&self) -> bool {
        matches!(self.0.get_ref(), OneOrMany::One(_))
    }
}
