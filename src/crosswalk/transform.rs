//! Value transforms: what a crosswalk does to a selected value before it becomes an RDF literal.
//!
//! A crosswalk file names transforms in a TOML-friendly form; each is a [`Transform`], deserialised
//! with serde, and compiled once ([`Transform::compile`]) into a [`CompiledTransform`] that is then
//! applied to every value of every record. One input value gives zero, one or several [`Output`]s;
//! an output may carry a datatype (`xsd:gYear`, `xsd:date`, an EDTF literal…) or a language tag.
//! A value a transform cannot handle (an ISBN with a wrong check digit, an unreadable date) gives a
//! [`TransformError`] naming the value, which the engine reports as a diagnostic for that record;
//! transforms never panic, whatever the input.
//!
//! ```
//! use crosswalk::crosswalk::transform::{Datatype, Transform};
//!
//! // In a crosswalk file: transforms = ["trim-isbd", "date-publication"]
//! let spec: Vec<Transform> = serde_json::from_str(r#"["trim-isbd", "date-publication"]"#)?;
//! let trim = spec[0].compile()?;
//! let date = spec[1].compile()?;
//! assert_eq!(trim.apply_one("Moby Dick /")?, vec!["Moby Dick"]);
//! let out = date.apply_str("[ca. 1850]")?;
//! assert_eq!(out[0].value, "1850~");
//! assert_eq!(out[0].datatype(), Some(Datatype::Edtf));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Conventions
//!
//! - A value that a transform leaves empty (or all white space) is dropped: no empty literals.
//!   Only [`default`](Transform::Default) turns "nothing" into a value.
//! - Text transforms keep the datatype or language tag of the value they are given
//!   ([`CompiledTransform::apply_list`]); date transforms set a datatype.
//! - [`join`](Transform::Join) and [`default`](Transform::Default) work on the whole list of values
//!   of one selection ([`CompiledTransform::apply_list`]); applied to a single value they pass it
//!   through (`join`) or replace it when empty (`default`).
//!
//! # The transforms
//!
//! Spec syntax is shown as TOML (`transforms = [ … ]` entries); JSON has the same shape.
//!
//! | spec | effect | example |
//! |---|---|---|
//! | `"trim-isbd"` | strip trailing ISBD punctuation, see [`text::trim_isbd`] | `Moby Dick /` → `Moby Dick`; `Smith, John, Jr.` kept |
//! | `"strip-brackets"` | strip cataloguer's brackets at the edges, see [`text::strip_brackets`] | `[London] :` → `London] :`… `[London]` → `London` |
//! | `"normalize-space"` | collapse runs of white space, trim | `a \n  b ` → `a b` |
//! | `"nfc"` | Unicode NFC | `e\u{301}` → `é` |
//! | `"lowercase"`, `"uppercase"` | change case (Unicode) | `ABC` → `abc` |
//! | `{ prefix = "s" }`, `{ suffix = "s" }` | add text before / after | `{ prefix = "urn:isbn:" }` |
//! | `{ split = "--" }` | split on a literal separator; parts trimmed, empty parts dropped | `History -- 20th century` → `History`, `20th century` |
//! | `{ join = "; " }` | join all values of the selection into one | `a`, `b` → `a; b` |
//! | `{ regex-replace = ["pat", "rep"] }` | replace every match; `$1`/`${name}` in `rep` | `{ regex-replace = ["\\s*\\(.*\\)$", ""] }` |
//! | `{ regex-extract = "pat" }` | capture group 1 (the whole match without groups) of the first match; no match → no output | `{ regex-extract = "(\\d{4})" }` |
//! | `{ substring = [start, end] }`, `{ substring = [start] }` | characters `start..end` (0-based, end exclusive, clipped) | `{ substring = [0, 4] }`: `19990101` → `1999` |
//! | `{ default = "x" }` | `x` when the value is empty or the selection gave nothing | `{ default = "n.d." }` |
//! | `{ lookup = { file = "t.tsv", miss = "keep" } }` | table lookup, see [`LookupSpec`] | `{ lookup = { map = { aut = "author" } } }` |
//! | `"date-marc008"` | MARC 008/07-10 or 11-14 date, see [`date`] | `19uu` → `19XX`^^edtf |
//! | `"date-publication"` | 260/264 `$c` date, see [`date`] | `c1999.` → `1999`^^xsd:gYear |
//! | `"date-normal"` | EAD `@normal` (ISO 8601 / EDTF), see [`date`] | `19000101` → `1900-01-01`^^xsd:date |
//! | `"date"` | any of the three, see [`date::parse_auto`] | |
//! | `"isbn"` | normalised ISBN-13, see [`ident::isbn13`] | `0-306-40615-2 (pbk.)` → `9780306406157` |
//! | `"issn"` | `NNNN-NNNC`, see [`ident::issn`] | `0028 0836` → `0028-0836` |
//! | `"lccn"` | LC-normalised LCCN, see [`ident::lccn`] | `n 78-89035` → `n78089035` |
//! | `"oclc"` | OCLC number from 035/001, see [`ident::oclc`] | `(OCoLC)ocm00012345` → `12345` |
//! | `"language"` | MARC / ISO 639-2 code → BCP 47, see [`language::bcp47`] | `fre` → `fr`, `haw` → `haw` |
//! | `"marc-script-tag"` | `LANG\|…\|$6` → BCP 47 tag of an 880 field, see [`language::marc_script_tag`] | `jpn\|245-01/$1` → `ja-Jpan` |
//! | `{ reconcile = ["lcsh"] }`, `{ reconcile = { schemes = […], … } }` | heading / code / identifier → concept IRI, see [`reconcile`](super::reconcile) | `World war, 1939-1945.` → `http://id.loc.gov/authorities/subjects/sh85148273` |

use std::borrow::Cow;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

pub mod date;
pub mod ident;
pub mod language;
#[rustfmt::skip]
mod language_table;
pub mod lookup;
pub mod text;

pub use language::bcp47_for_880;
pub use lookup::{LookupSpec, LookupTable, MissPolicy};

use super::reconcile::{ReconcileSpec, Reconciler};
use crate::authority::AuthorityIndex;
use std::sync::Arc;

/// A transform as written in a crosswalk file (see the [module docs](self) for the syntax).
///
/// Simple transforms are a bare string (`"trim-isbd"`); transforms with a parameter are a one-key
/// table (`{ split = "--" }`, `{ regex-replace = ["pattern", "replacement"] }`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
#[non_exhaustive]
pub enum Transform {
    /// `"trim-isbd"`: strip trailing ISBD punctuation ([`text::trim_isbd`]).
    TrimIsbd,
    /// `"strip-brackets"`: strip cataloguer's square brackets at the edges ([`text::strip_brackets`]).
    StripBrackets,
    /// `"normalize-space"`: collapse white space runs into one space and trim.
    NormalizeSpace,
    /// `"nfc"`: Unicode canonical composition (NFC).
    Nfc,
    /// `"lowercase"`: Unicode lower case.
    Lowercase,
    /// `"uppercase"`: Unicode upper case.
    Uppercase,
    /// `{ prefix = "text" }`: put `text` before the value.
    Prefix(String),
    /// `{ suffix = "text" }`: put `text` after the value.
    Suffix(String),
    /// `{ split = "sep" }`: one output per part; parts are trimmed, empty ones dropped.
    Split(String),
    /// `{ join = "sep" }`: join the values of a selection into one ([`CompiledTransform::apply_list`]).
    Join(String),
    /// `{ regex-replace = ["pattern", "replacement"] }`: replace every match (`$1`, `${name}`).
    RegexReplace(String, String),
    /// `{ regex-extract = "pattern" }`: capture group 1 of the first match (the whole match when the
    /// pattern has no group); no match gives no output.
    RegexExtract(String),
    /// `{ substring = [start, end] }` or `{ substring = [start] }`: characters `start..end`.
    Substring(Vec<usize>),
    /// `{ default = "text" }`: `text` when the value is empty or the selection gave no value.
    Default(String),
    /// `{ lookup = { … } }`: map the value through a table ([`LookupSpec`]).
    Lookup(LookupSpec),
    /// `"date-marc008"`: a MARC 008 date ([`date::parse_marc008`]).
    DateMarc008,
    /// `"date-publication"`: a 260/264 `$c` date ([`date::parse_publication`]).
    DatePublication,
    /// `"date-normal"`: an EAD `@normal` date ([`date::parse_normal`]).
    DateNormal,
    /// `"date"`: any date form ([`date::parse_auto`]).
    Date,
    /// `"isbn"`: normalised ISBN-13 ([`ident::isbn13`]).
    Isbn,
    /// `"issn"`: normalised ISSN ([`ident::issn`]).
    Issn,
    /// `"lccn"`: LC-normalised LCCN ([`ident::lccn`]).
    Lccn,
    /// `"oclc"`: OCLC number ([`ident::oclc`]).
    Oclc,
    /// `"marc-script-tag"`: `LANG|…|$6` → the BCP 47 tag of an 880 field
    /// ([`language::marc_script_tag`]).
    MarcScriptTag,
    /// `"language"`: MARC / ISO 639-2 language code → BCP 47 ([`language::bcp47`]).
    Language,
    /// `{ reconcile = ["lcsh"] }` or `{ reconcile = { … } }`: the concept IRI of a heading, code
    /// or identifier in the mapping's vocabularies ([`super::reconcile`]).
    Reconcile(ReconcileSpec),
}

/// Why a [`Transform`] could not be compiled (a mistake in the crosswalk file).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CompileError {
    /// A `regex-replace` / `regex-extract` pattern does not compile.
    #[error("{transform}: invalid regular expression {pattern:?}: {message}")]
    Regex {
        /// The transform's name.
        transform: &'static str,
        /// The pattern as written.
        pattern: String,
        /// What the regex compiler said.
        message: String,
    },
    /// `substring` needs one or two numbers, `start <= end`.
    #[error("substring: expected [start] or [start, end] with start <= end, got {0:?}")]
    Substring(Vec<usize>),
    /// `reconcile` without vocabularies, with a scheme not loaded, or with a bad option.
    #[error("reconcile: {0}")]
    Reconcile(String),
    /// A lookup table could not be read or is malformed.
    #[error("lookup: {path}: {message}")]
    Lookup {
        /// The table file (or `<map>` for an inline table).
        path: PathBuf,
        /// What is wrong, with the line number when there is one.
        message: String,
    },
}

/// Why a transform could not handle one value (reported for that record; the run goes on).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TransformError {
    /// The value is not a date in any form the transform knows.
    #[error("{transform}: cannot read a date in {value:?}")]
    Date {
        /// The transform's name.
        transform: &'static str,
        /// The value as given.
        value: String,
    },
    /// The value holds no valid identifier (`isbn`, `issn`, `lccn`, `oclc`).
    #[error("{transform}: {value:?}: {reason}")]
    Identifier {
        /// The transform's name.
        transform: &'static str,
        /// The value as given.
        value: String,
        /// What is wrong with it.
        reason: ident::IdentError,
    },
    /// The value is not a known language code.
    #[error("language: {value:?} is not a MARC or ISO 639-2 language code")]
    Language {
        /// The value as given.
        value: String,
    },
    /// `marc-script-tag`: no script identification code MARC defines.
    #[error("marc-script-tag: no MARC script identification code in {value:?}")]
    Script {
        /// The value as given.
        value: String,
    },
    /// A lookup with `miss = "error"` found no entry.
    #[error("lookup: no entry for {value:?}")]
    LookupMiss {
        /// The value as given.
        value: String,
    },
}

/// The datatype of a typed literal a transform produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Datatype {
    /// `xsd:gYear`: one exact year (`1999`).
    XsdGYear,
    /// `xsd:gYearMonth`: one exact month (`1999-03`).
    XsdGYearMonth,
    /// `xsd:date`: one exact day (`1999-03-14`).
    XsdDate,
    /// An EDTF literal (`199X`, `1850~`, `1890?/1899?`): anything uncertain, approximate,
    /// unspecified or a range.
    Edtf,
}

impl Datatype {
    /// The datatype IRI.
    pub fn iri(self) -> &'static str {
        match self {
            Datatype::XsdGYear => "http://www.w3.org/2001/XMLSchema#gYear",
            Datatype::XsdGYearMonth => "http://www.w3.org/2001/XMLSchema#gYearMonth",
            Datatype::XsdDate => "http://www.w3.org/2001/XMLSchema#date",
            Datatype::Edtf => "http://id.loc.gov/datatypes/edtf/EDTF",
        }
    }

    /// The compact name (`xsd:gYear`, `edtf:EDTF`).
    pub fn curie(self) -> &'static str {
        match self {
            Datatype::XsdGYear => "xsd:gYear",
            Datatype::XsdGYearMonth => "xsd:gYearMonth",
            Datatype::XsdDate => "xsd:date",
            Datatype::Edtf => "edtf:EDTF",
        }
    }
}

impl fmt::Display for Datatype {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.curie())
    }
}

/// What qualifies an output literal: nothing, a datatype or a BCP 47 language tag.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum Tag {
    /// A plain string literal.
    #[default]
    None,
    /// A typed literal.
    Datatype(Datatype),
    /// A language-tagged literal (`ru-Cyrl`).
    Language(String),
}

/// One value produced by a transform.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Output {
    /// The lexical value.
    pub value: String,
    /// Its datatype or language tag.
    pub tag: Tag,
}

impl Output {
    /// A plain value.
    pub fn plain(value: impl Into<String>) -> Self {
        Output {
            value: value.into(),
            tag: Tag::None,
        }
    }

    /// A typed value.
    pub fn typed(value: impl Into<String>, datatype: Datatype) -> Self {
        Output {
            value: value.into(),
            tag: Tag::Datatype(datatype),
        }
    }

    /// A language-tagged value.
    pub fn tagged(value: impl Into<String>, language: impl Into<String>) -> Self {
        Output {
            value: value.into(),
            tag: Tag::Language(language.into()),
        }
    }

    /// The datatype, when the value is typed.
    pub fn datatype(&self) -> Option<Datatype> {
        match self.tag {
            Tag::Datatype(d) => Some(d),
            _ => None,
        }
    }
}

/// A compiled transform: regexes built and lookup tables loaded, ready for every record.
#[derive(Debug, Clone)]
pub struct CompiledTransform {
    op: Op,
}

/// A transform with what compiling it built; transforms that need nothing stay as written.
#[derive(Debug, Clone)]
enum Op {
    Plain(Transform),
    RegexReplace(regex::Regex, String),
    /// The regex, and whether its one group is all of it between `^` and `$` ([`whole_value`]).
    RegexExtract(regex::Regex, bool),
    Substring(usize, Option<usize>),
    Lookup(LookupTable),
    Reconcile(Box<Reconciler>),
}

/// Whether `pattern` is `^(…)$` with no other group: what it extracts is then the whole value
/// (the regex crate's `$` is the end of the text, not of a line), so a match test does, without
/// finding the group's bounds.
fn whole_value(pattern: &str) -> bool {
    use regex_syntax::hir::{HirKind, Look};
    let Ok(hir) = regex_syntax::parse(pattern) else {
        return false;
    };
    if hir.properties().explicit_captures_len() != 1 {
        return false;
    }
    match hir.kind() {
        HirKind::Concat(parts) => match parts.as_slice() {
            [start, group, end] => {
                *start.kind() == HirKind::Look(Look::Start)
                    && matches!(group.kind(), HirKind::Capture(_))
                    && *end.kind() == HirKind::Look(Look::End)
            }
            _ => false,
        },
        _ => false,
    }
}

fn compile_regex(transform: &'static str, pattern: &str) -> Result<regex::Regex, CompileError> {
    regex::RegexBuilder::new(pattern)
        .size_limit(1 << 20)
        .build()
        .map_err(|e| CompileError::Regex {
            transform,
            pattern: pattern.to_owned(),
            message: e.to_string(),
        })
}

impl Transform {
    /// The transform's name as written in a crosswalk file (`trim-isbd`, `regex-replace`…).
    pub fn name(&self) -> &'static str {
        match self {
            Transform::TrimIsbd => "trim-isbd",
            Transform::StripBrackets => "strip-brackets",
            Transform::NormalizeSpace => "normalize-space",
            Transform::Nfc => "nfc",
            Transform::Lowercase => "lowercase",
            Transform::Uppercase => "uppercase",
            Transform::Prefix(_) => "prefix",
            Transform::Suffix(_) => "suffix",
            Transform::Split(_) => "split",
            Transform::Join(_) => "join",
            Transform::RegexReplace(..) => "regex-replace",
            Transform::RegexExtract(_) => "regex-extract",
            Transform::Substring(_) => "substring",
            Transform::Default(_) => "default",
            Transform::Lookup(_) => "lookup",
            Transform::DateMarc008 => "date-marc008",
            Transform::DatePublication => "date-publication",
            Transform::DateNormal => "date-normal",
            Transform::Date => "date",
            Transform::Isbn => "isbn",
            Transform::Issn => "issn",
            Transform::Lccn => "lccn",
            Transform::Oclc => "oclc",
            Transform::MarcScriptTag => "marc-script-tag",
            Transform::Language => "language",
            Transform::Reconcile(_) => "reconcile",
        }
    }

    /// Compile, reading lookup files relative to the current directory.
    ///
    /// ```
    /// use crosswalk::crosswalk::transform::Transform;
    ///
    /// let bad = Transform::RegexExtract("(".into()).compile().unwrap_err();
    /// assert!(bad.to_string().starts_with("regex-extract: invalid regular expression \"(\""));
    /// ```
    pub fn compile(&self) -> Result<CompiledTransform, CompileError> {
        self.compile_in(Path::new(""))
    }

    /// Compile, reading relative lookup file paths from `base` (the crosswalk file's folder).
    pub fn compile_in(&self, base: &Path) -> Result<CompiledTransform, CompileError> {
        self.compile_with(base, None, "")
    }

    /// Compile, reading relative lookup file paths from `dir`; `reconcile` looks values up in
    /// `index` and makes local concept IRIs under `base_iri`.
    pub fn compile_with(
        &self,
        base: &Path,
        index: Option<&Arc<AuthorityIndex>>,
        base_iri: &str,
    ) -> Result<CompiledTransform, CompileError> {
        let op = match self {
            Transform::Reconcile(spec) => {
                let index = index.ok_or_else(|| {
                    CompileError::Reconcile(
                        "the mapping declares no vocabularies (add `vocabularies = [\"lcsh\", …]` \
                         to [crosswalk] or a [vocabularies] table)"
                            .into(),
                    )
                })?;
                Op::Reconcile(Box::new(
                    Reconciler::new(spec, index, base_iri).map_err(CompileError::Reconcile)?,
                ))
            }
            Transform::RegexReplace(p, r) => {
                Op::RegexReplace(compile_regex("regex-replace", p)?, r.clone())
            }
            Transform::RegexExtract(p) => {
                Op::RegexExtract(compile_regex("regex-extract", p)?, whole_value(p))
            }
            Transform::Substring(range) => match range.as_slice() {
                [start] => Op::Substring(*start, None),
                [start, end] if start <= end => Op::Substring(*start, Some(*end)),
                _ => return Err(CompileError::Substring(range.clone())),
            },
            Transform::Lookup(spec) => Op::Lookup(LookupTable::load(spec, base)?),
            other => Op::Plain(other.clone()),
        };
        Ok(CompiledTransform { op })
    }
}

/// Push `value` unless it is empty or all white space.
fn push(out: &mut Vec<Output>, value: Cow<'_, str>) {
    if !value.trim().is_empty() {
        out.push(Output::plain(value.into_owned()));
    }
}

/// What `join` makes of `values`: the ones that are not blank, `sep` between them (a single one
/// as it is); `None` when all are blank.
pub(crate) fn join_values<'v>(
    values: impl IntoIterator<Item = Cow<'v, str>>,
    sep: &str,
) -> Option<Cow<'v, str>> {
    let mut joined: Option<Cow<'v, str>> = None;
    for v in values {
        if v.trim().is_empty() {
            continue;
        }
        joined = Some(match joined.take() {
            None => v,
            Some(j) => {
                let mut j = j.into_owned();
                j.push_str(sep);
                j.push_str(&v);
                Cow::Owned(j)
            }
        });
    }
    joined
}

fn date_out(
    out: &mut Vec<Output>,
    transform: &'static str,
    value: &str,
    parsed: Result<Option<date::DateValue>, date::DateError>,
) -> Result<(), TransformError> {
    match parsed {
        Ok(Some(d)) => {
            out.push(Output::typed(d.value, d.datatype));
            Ok(())
        }
        Ok(None) => Ok(()),
        Err(_) => Err(TransformError::Date {
            transform,
            value: value.to_owned(),
        }),
    }
}

impl CompiledTransform {
    /// Apply to one value, appending the outputs (none, one or several) to `out`.
    ///
    /// On error nothing is appended. Outputs are plain unless the transform sets a datatype (dates);
    /// [`apply_list`](Self::apply_list) carries an input's tag over to plain outputs.
    pub fn apply(&self, value: Cow<'_, str>, out: &mut Vec<Output>) -> Result<(), TransformError> {
        let v: &str = &value;
        let t = match &self.op {
            Op::RegexReplace(re, rep) => {
                push(out, re.replace_all(v, rep.as_str()));
                return Ok(());
            }
            Op::RegexExtract(re, true) => {
                if re.is_match(v) {
                    push(out, value);
                }
                return Ok(());
            }
            Op::RegexExtract(re, false) => {
                if let Some(caps) = re.captures(v) {
                    if let Some(m) = caps.get(1).or_else(|| caps.get(0)) {
                        push(out, Cow::Borrowed(m.as_str()));
                    }
                }
                return Ok(());
            }
            Op::Substring(start, end) => {
                push(out, Cow::Borrowed(text::substring(v, *start, *end)));
                return Ok(());
            }
            Op::Lookup(table) => {
                match table.get(v) {
                    lookup::Hit::Found(s) => push(out, Cow::Borrowed(s)),
                    lookup::Hit::Keep => push(out, value),
                    lookup::Hit::Drop => {}
                    lookup::Hit::Error => {
                        return Err(TransformError::LookupMiss {
                            value: v.to_owned(),
                        })
                    }
                }
                return Ok(());
            }
            Op::Reconcile(r) => {
                if let Some(o) = r.resolve(v).and_then(|r| r.output) {
                    out.push(Output::plain(o));
                }
                return Ok(());
            }
            Op::Plain(t) => t,
        };
        let ident_err = |reason| TransformError::Identifier {
            transform: t.name(),
            value: v.to_owned(),
            reason,
        };
        match t {
            Transform::TrimIsbd => push(out, Cow::Borrowed(text::trim_isbd(v))),
            Transform::StripBrackets => push(out, Cow::Borrowed(text::strip_brackets(v))),
            Transform::NormalizeSpace => push(out, text::normalize_space(v)),
            Transform::Nfc => push(out, text::nfc(v)),
            Transform::Lowercase => push(out, Cow::Owned(v.to_lowercase())),
            Transform::Uppercase => push(out, Cow::Owned(v.to_uppercase())),
            Transform::Prefix(p) => push(out, Cow::Owned(format!("{p}{v}"))),
            Transform::Suffix(s) => push(out, Cow::Owned(format!("{v}{s}"))),
            Transform::Split(sep) if !sep.is_empty() => {
                for part in v.split(sep.as_str()) {
                    push(out, Cow::Borrowed(part.trim()));
                }
            }
            Transform::Split(_) | Transform::Join(_) => push(out, value),
            Transform::Default(d) if v.trim().is_empty() => push(out, Cow::Borrowed(d)),
            Transform::Default(_) => push(out, value),
            Transform::DateMarc008 => date_out(out, t.name(), v, date::parse_marc008(v))?,
            Transform::DatePublication => date_out(out, t.name(), v, date::parse_publication(v))?,
            Transform::DateNormal => date_out(out, t.name(), v, date::parse_normal(v))?,
            Transform::Date => date_out(out, t.name(), v, date::parse_auto(v))?,
            Transform::Isbn => out.push(Output::plain(ident::isbn13(v).map_err(ident_err)?)),
            Transform::Issn => out.push(Output::plain(ident::issn(v).map_err(ident_err)?)),
            Transform::Lccn => out.push(Output::plain(ident::lccn(v).map_err(ident_err)?)),
            Transform::Oclc => {
                if let Some(n) = ident::oclc(v).map_err(ident_err)? {
                    out.push(Output::plain(n));
                }
            }
            Transform::MarcScriptTag => match language::marc_script_tag(v) {
                Some(tag) => out.push(Output::plain(tag)),
                None => {
                    return Err(TransformError::Script {
                        value: v.to_owned(),
                    })
                }
            },
            Transform::Language => {
                // MARC blank / fill markers give nothing.
                let code = v.trim();
                if code.is_empty() || code.chars().all(|c| c == '|' || c == '#') {
                    return Ok(());
                }
                let codes = language::bcp47_all(code).ok_or_else(|| TransformError::Language {
                    value: v.to_owned(),
                })?;
                out.extend(codes.into_iter().map(Output::plain));
            }
            // Compiled into their own `Op` variants.
            Transform::RegexReplace(..)
            | Transform::RegexExtract(_)
            | Transform::Substring(_)
            | Transform::Lookup(_)
            | Transform::Reconcile(_) => {}
        }
        Ok(())
    }

    /// The reconciler, for a `reconcile` transform (the engine records what it found).
    pub fn reconciler(&self) -> Option<&Reconciler> {
        match &self.op {
            Op::Reconcile(r) => Some(r),
            _ => None,
        }
    }

    /// Applies a transform that keeps a part of its value (`trim-isbd`, `strip-brackets`) in
    /// place, without a new string: `Some(true)`, or `Some(false)` when nothing is left (the value
    /// is dropped, as [`CompiledTransform::apply`] drops an empty output); `None`, with `value`
    /// untouched, for every other transform.
    pub(crate) fn apply_in_place(&self, value: &mut Cow<'_, str>) -> Option<bool> {
        let part = match &self.op {
            Op::Plain(Transform::TrimIsbd) => text::trim_isbd(value),
            Op::Plain(Transform::StripBrackets) => text::strip_brackets(value),
            // What the group extracts is the value itself: kept or dropped as `apply` would.
            Op::RegexExtract(re, true) => {
                return Some(!value.trim().is_empty() && re.is_match(value))
            }
            _ => return None,
        };
        if part.trim().is_empty() {
            return Some(false);
        }
        let start = part.as_ptr() as usize - value.as_ptr() as usize;
        let end = start + part.len();
        match value {
            Cow::Borrowed(s) => *s = &s[start..end],
            Cow::Owned(s) => {
                s.truncate(end);
                s.drain(..start);
            }
        }
        Some(true)
    }

    /// Applies the transform to one value tagged `tag`, appending its outputs to `out`: a plain
    /// output keeps `tag` (what [`CompiledTransform::apply_list`] does to each value).
    pub(crate) fn apply_tagged(
        &self,
        value: Cow<'_, str>,
        tag: &Tag,
        out: &mut Vec<Output>,
    ) -> Result<(), TransformError> {
        let from = out.len();
        self.apply(value, out)?;
        for o in &mut out[from..] {
            if o.tag == Tag::None {
                o.tag = tag.clone();
            }
        }
        Ok(())
    }

    /// Apply to a string and return the outputs.
    pub fn apply_str(&self, value: &str) -> Result<Vec<Output>, TransformError> {
        let mut out = Vec::new();
        self.apply(Cow::Borrowed(value), &mut out)?;
        Ok(out)
    }

    /// Apply to a string and return only the lexical values (handy in tests and examples).
    pub fn apply_one(&self, value: &str) -> Result<Vec<String>, TransformError> {
        Ok(self
            .apply_str(value)?
            .into_iter()
            .map(|o| o.value)
            .collect())
    }

    /// The separator, if this is a `join`.
    pub(crate) fn join_separator(&self) -> Option<&str> {
        match &self.op {
            Op::Plain(Transform::Join(sep)) => Some(sep),
            _ => None,
        }
    }

    /// Whether this is a `default`: the one transform that gives a value when nothing was
    /// selected.
    pub(crate) fn is_default(&self) -> bool {
        matches!(self.op, Op::Plain(Transform::Default(_)))
    }

    /// Apply to all the values of one selection.
    ///
    /// `join` makes one value of them (keeping the first value's tag), `default` gives its value
    /// when there are none; every other transform applies to each value in turn. A plain output
    /// keeps the tag of the value it came from. The first error stops the list.
    ///
    /// ```
    /// use crosswalk::crosswalk::transform::{Output, Transform};
    ///
    /// let join = Transform::Join("; ".into()).compile()?;
    /// let out = join.apply_list(&[Output::plain("a"), Output::plain("b")])?;
    /// assert_eq!(out, vec![Output::plain("a; b")]);
    /// let default = Transform::Default("n.d.".into()).compile()?;
    /// assert_eq!(default.apply_list(&[])?, vec![Output::plain("n.d.")]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn apply_list(&self, values: &[Output]) -> Result<Vec<Output>, TransformError> {
        match &self.op {
            Op::Plain(Transform::Join(sep)) => {
                let parts = values.iter().map(|o| Cow::Borrowed(o.value.as_str()));
                let Some(value) = join_values(parts, sep) else {
                    return Ok(Vec::new());
                };
                let tag = values.first().map(|o| o.tag.clone()).unwrap_or_default();
                Ok(vec![Output {
                    value: value.into_owned(),
                    tag,
                }])
            }
            Op::Plain(Transform::Default(d))
                if values.iter().all(|o| o.value.trim().is_empty()) =>
            {
                let mut out = Vec::new();
                push(&mut out, Cow::Borrowed(d));
                Ok(out)
            }
            _ => {
                let mut out = Vec::with_capacity(values.len());
                for input in values {
                    self.apply_tagged(Cow::Borrowed(&input.value), &input.tag, &mut out)?;
                }
                Ok(out)
            }
        }
    }
}

#[cfg(test)]
mod tests;
