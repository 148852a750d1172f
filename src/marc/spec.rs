//! MARCspec, the selector language of MARC mappings.
//!
//! A mapping names the MARC data it wants with a [MARCspec] (version 0.16beta, the current
//! one), compiled once with [`compile`] (or [`str::parse`]) and evaluated over each
//! [`RecordBuf`] through [`Selectable`]. The whole grammar is supported; a few points the
//! specification leaves open are decided below, and one extension (relative specs) lets a rule
//! select again inside a field it has already selected.
//!
//! [MARCspec]: http://marcspec.github.io/MARCspec/marc-spec.html
//!
//! # The language
//!
//! | Spec | Selects |
//! |---|---|
//! | `245` | each 245 field's value (see [Values](#values)) |
//! | `6..`, `..0`, `LDR` | fields by tag; `.` is a wildcard; `LDR` is the leader |
//! | `300[0]`, `300[1-2]`, `300[#]`, `300[1-#]`, `300[#-1]` | occurrences of a field: first, second and third, last, all but the first, the last two |
//! | `LDR/6`, `008/35-37`, `007/1-#`, `007/#` | characters of the leader or a field (0-based) |
//! | `245$a`, `245$a$b$c`, `245$a-c`, `300$_$$` | subfields, in record order (a range covers `a`, `b`, `c`) |
//! | `300$a[0]`, `300$a[#]`, `245$a/0-3`, `245$a/#-1` | occurrences and characters of subfields |
//! | `880^1`, `880[1]^2` | indicator values |
//! | `008/18{LDR/6=\t}` | a subspec: only when it holds |
//!
//! **Field tags** are three characters, digits and letters of one case, or `.` wildcards. The
//! leader is only selected by the tag `LDR` itself (`...` and `L..` never select it).
//!
//! **Positions and indexes** count from 0. `#` is the last one. A range `a-b` with `a` after
//! `b` is an error; `#-k` counts backwards (the last `k + 1`); a range reaching beyond the end
//! of a value is cut at its end; a position beyond it selects nothing. Leading zeros are
//! accepted (`LDR/06`, as MARC documentation writes them). Characters are Unicode characters,
//! not bytes.
//!
//! **Subfield codes** are `$` and one of `!"#$%&'()*+,-./0-9:;<=>?[\]^_` `` ` `` `a-z{}~` (no
//! uppercase letters, `@` or `|`). A code range `$a-c` or `$0-5` joins two lowercase letters or
//! two digits. An index after a subfield code counts that code's occurrences within one field
//! (for a range, the occurrences of any code in it). Each `$…` part of a spec can carry its own
//! index, character range and subspecs: `245$a{…}$c/0-3`.
//!
//! ## Subspecs
//!
//! A spec may be followed by any number of subspecs `{…}`; it selects a value only when **all**
//! of them hold (AND). Inside one subspec, alternatives separated by `|` need **one** to hold
//! (OR). An alternative is `left operator right`:
//!
//! | Operator | Holds when |
//! |---|---|
//! | `=` | a left value equals a right value |
//! | `!=` | left has a value, and no left value equals a right value |
//! | `~` | a left value contains a right value (substring; no regular expressions) |
//! | `!~` | left has a value, and no left value contains a right value |
//! | `?` | right has a value (exists) |
//! | `!` | right has no value (does not exist) |
//!
//! The left side may be left out: it is then the value being selected (`245$a{/#=\/}` keeps the
//! `$a` values ending in `/`). With the left side left out, the operator may be too: `{$c}` means
//! `{?$c}`. For `?` and `!` only the right side matters.
//!
//! A side is a spec without subspecs (`LDR/6`, `100$6`, `800[0]^2`), a comparison string, or an
//! **abbreviation**, which borrows from the spec the subspec belongs to:
//!
//! | In | Abbreviation | Means |
//! |---|---|---|
//! | any | `$a`, `$a[0]/0-2` | subfields of the field occurrence being selected |
//! | any | `^1` | an indicator of that field occurrence (not after a character range) |
//! | `TAG` spec | `/0-3` | characters of that field occurrence's value |
//! | `TAG$x` spec | `/0-3` | characters of the subfield occurrence being selected |
//! | `TAG$x` spec | `[1]`, `[1]/0` | subfield `$x` at index 1 of that field occurrence |
//! | `TAG` or `TAG^n` spec | `[1]`, `[1]/0` | the field `TAG[1]` of the record |
//! | any | `[1]^2`, `[1]$a` | indicator or subfields of `TAG[1]` |
//!
//! A full spec whose tag is **written exactly as the outer spec's tag** and that has no index
//! (`020$c{020$a}`) also refers to the field occurrence being selected, as the specification's
//! own examples read it (`020$c{$a}` is the same); any other full spec looks at the whole record
//! (`008/18{LDR/6=\a}`, `880$a{100$6~\880}`).
//!
//! A **comparison string** starts with `\` and runs to the next unescaped `$ { } ! = ~ ? |`.
//! Those characters are written `\$`, `\{`, `\}`, `\!`, `\=`, `\~`, `\?`, `\|`; a space is `\s`
//! (white space is never allowed as such). The leading `\` also escapes a special character right
//! after it, so `\=x` and `\$4.95` are the strings `=x` and `$4.95` (except `}` and `|`, which
//! end an empty string there). Otherwise the leading `\` is only the prefix: `\s` is the letter
//! `s` and a single space is `\\s` (a blank indicator: `700$a{^2=\\s}`). Any other backslash
//! stays as it is. Non-ASCII characters are accepted.
//!
//! ## Relative specs (an extension)
//!
//! A spec that starts with `$`, `^` or `/` has no tag: it selects inside the field given as
//! [`Scope`], so that a rule that selected a 700 field can pick that field's `$a` and `$e`. Its
//! subspecs work as in a spec with the field's tag. With [`Scope::RECORD`] a relative spec
//! selects nothing. (A spec with a tag given a field scope selects from that field only, when
//! its tag and index match it.)
//!
//! ```
//! use crosswalk::marc::{spec, RecordBuf, Tag};
//! use crosswalk::select::{Scope, Selectable};
//!
//! let mut rec = RecordBuf::new();
//! rec.push_control_field(Tag::parse("001").unwrap(), "ocm42");
//! rec.push_data_field(Tag::parse("700").unwrap(), '1', ' ');
//! rec.push_subfield('a', "Melville, Herman,");
//! rec.push_subfield('e', "author.");
//! rec.push_data_field(Tag::parse("700").unwrap(), '1', ' ');
//! rec.push_subfield('a', "Kent, Rockwell,");
//! rec.push_subfield('e', "illustrator.");
//!
//! let people = spec::compile("700")?;
//! let name = spec::compile("$a")?;
//! let role = spec::compile("$e")?;
//! let mut credits = Vec::new();
//! for person in rec.select_all(&people) {
//!     let n = name.collect(&rec, person.scope);
//!     let r = role.collect(&rec, person.scope);
//!     credits.push(format!("{} ({})", n[0].value, r[0].value));
//! }
//! assert_eq!(credits, ["Melville, Herman, (author.)", "Kent, Rockwell, (illustrator.)"]);
//! // A relative spec needs a field scope.
//! assert!(name.collect(&rec, Scope::RECORD).is_empty());
//! let illustrators = spec::compile("700$a{$e~\\illus}")?;
//! let found = rec.select_all(&illustrators);
//! assert_eq!(found[0].value, "Kent, Rockwell,");
//! assert_eq!(rec.origin(found[0].scope, found[0].part).to_string(), "700[1]$a[0]");
//! # Ok::<(), crosswalk::select::SelectorError>(())
//! ```
//!
//! ## Values
//!
//! - The leader and a control field: their text.
//! - A data field without subfield codes (`245`): its subfield values joined with one space,
//!   without subfield codes or indicators (the MARCspec "field content"); a character range
//!   applies to that joined text.
//! - A subfield: its value. An indicator: its one character (a blank is `" "`).
//!
//! Values come in record order: fields in order, and within a field subfields in order, whatever
//! order the spec names their codes in. A subfield matched by two parts of a spec (`$a$a/0`) is
//! selected once per part.
//!
//! ## Scopes, parts and origins
//!
//! [`Selected::scope`] is the field's index in the record ([`Scope::RECORD`] for the leader).
//! [`Selected::part`] records which subfield occurrence, indicator or character range a value
//! is; [`Selectable::origin`] turns scope and part into `700[2]` (tag and occurrence of that
//! tag) and `$e[0]` (code and occurrence of that code in the field), `^1`, `/07-10`, or `LDR/06`.
//!
//! [`Selectable::inventory`] yields one key per control field (`001`) and one per data-field
//! subfield (`245$a`), per occurrence.
//!
//! ## Errors
//!
//! [`compile`] rejects anything outside the grammar with the 0-based character offset of the
//! problem and a message naming it:
//!
//! ```
//! let err = crosswalk::marc::spec::compile("245$a{$b=\\x").unwrap_err();
//! assert_eq!(err.offset, 5);
//! assert!(err.message.contains("unclosed subspec"));
//! let err = crosswalk::marc::spec::compile("008/3-1").unwrap_err();
//! assert_eq!(err.offset, 4);
//! assert!(err.message.contains("after its end"));
//! ```

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use crate::marc::record::RecordBuf;
use crate::select::{Origin, Scope, Selectable, Selected, SelectorError};

mod ast;
mod eval;
mod parse;
#[cfg(test)]
mod tests;

/// A compiled MARCspec. Compile once with [`compile`] (or [`str::parse`]) and evaluate over any
/// number of records through [`Selectable`] or [`MarcSpec::select`].
///
/// ```
/// let spec: crosswalk::marc::spec::MarcSpec = "245$a{$c}".parse()?;
/// assert_eq!(spec.as_str(), "245$a{$c}");
/// assert!(!spec.is_relative());
/// # Ok::<(), crosswalk::select::SelectorError>(())
/// ```
#[derive(Debug, Clone)]
pub struct MarcSpec {
    expr: Box<str>,
    spec: ast::Spec,
    /// The numeric tags `lo..=hi` the spec selects in (digits, then wildcards), so that a record
    /// without any is passed over before evaluation: the common case for most of a mapping's
    /// selectors, asked of every record.
    tags: Option<(u16, u16)>,
}

impl MarcSpec {
    /// The expression this spec was compiled from.
    pub fn as_str(&self) -> &str {
        &self.expr
    }

    /// True for a relative spec (`$a`, `^1`, `/0-3`), which only selects inside a field scope.
    pub fn is_relative(&self) -> bool {
        self.spec.target == ast::Target::Relative
    }

    /// Calls `visit` with every value this spec selects in `record` inside `scope`, in record
    /// order (the same as [`Selectable::select`]).
    #[inline]
    pub fn select<'a>(
        &self,
        record: &'a RecordBuf,
        scope: Scope,
        visit: &mut dyn FnMut(Selected<'a>),
    ) {
        if let Some((lo, hi)) = self.tags {
            if !record.may_hold_tags(lo, hi) {
                return; // no field the tag pattern matches, whatever the scope
            }
        }
        eval::select(record, &self.spec, scope, visit);
    }

    /// All values this spec selects in `record` inside `scope`, collected.
    pub fn collect<'a>(&self, record: &'a RecordBuf, scope: Scope) -> Vec<Selected<'a>> {
        let mut out = Vec::new();
        self.select(record, scope, &mut |s| out.push(s));
        out
    }
}

impl fmt::Display for MarcSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.expr)
    }
}

impl FromStr for MarcSpec {
    type Err = SelectorError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        compile(s)
    }
}

/// Compiles a MARCspec (see the [module documentation](self) for the language).
///
/// ```
/// let spec = crosswalk::marc::spec::compile("008/35-37")?;
/// assert_eq!(spec.to_string(), "008/35-37");
/// let err = crosswalk::marc::spec::compile("245$").unwrap_err();
/// assert_eq!((err.offset, err.message.as_str()), (4, "subfield code missing after '$'"));
/// # Ok::<(), crosswalk::select::SelectorError>(())
/// ```
pub fn compile(expr: &str) -> Result<MarcSpec, SelectorError> {
    let mut spec = parse::parse(expr)?;
    parse::bind_same_tag(&mut spec);
    let tags = match &spec.target {
        ast::Target::Tag { tag, .. } => tag.numeric_range(),
        ast::Target::Relative => None,
    };
    Ok(MarcSpec {
        expr: expr.into(),
        spec,
        tags,
    })
}

/// The `part` numbers of [`Selected`] values: a kind, a position and an optional character span,
/// packed into 32 bits.
///
/// Bits 30–31 are the kind, bit 29 says a character span follows, bits 20–28 the subfield's
/// position in its field (or the indicator number), bits 10–19 and 0–9 the span's first and last
/// character. Positions beyond 511 and characters beyond 1023 are not recorded (the origin then
/// names the last recordable subfield, or omits the span).
pub(crate) mod part {
    /// A whole field (or the leader), possibly a character range of it.
    pub const FIELD: u32 = 0;
    /// A subfield; the position is its index among the field's subfields.
    pub const SUBFIELD: u32 = 1;
    /// An indicator; the position is 1 or 2.
    pub const INDICATOR: u32 = 2;

    const CHARS: u32 = 1 << 29;
    const MAX_POS: usize = (1 << 9) - 1;
    const MAX_CHAR: usize = (1 << 10) - 1;

    pub fn encode(kind: u32, pos: usize, span: Option<(usize, usize)>) -> u32 {
        let mut p = (kind << 30) | ((pos.min(MAX_POS) as u32) << 20);
        if let Some((a, b)) = span {
            if b <= MAX_CHAR {
                p |= CHARS | ((a as u32) << 10) | b as u32;
            }
        }
        p
    }

    pub fn decode(part: u32) -> (u32, usize, Option<(usize, usize)>) {
        let kind = part >> 30;
        let pos = ((part >> 20) & MAX_POS as u32) as usize;
        let span = (part & CHARS != 0).then_some((
            ((part >> 10) & MAX_CHAR as u32) as usize,
            (part & MAX_CHAR as u32) as usize,
        ));
        (kind, pos, span)
    }
}

fn push_span(out: &mut String, span: Option<(usize, usize)>) {
    use fmt::Write;
    match span {
        None => {}
        Some((a, b)) if a == b => {
            let _ = write!(out, "/{a:02}");
        }
        Some((a, b)) => {
            let _ = write!(out, "/{a:02}-{b:02}");
        }
    }
}

/// MARC records are selected with MARCspec; see the [module documentation](self).
impl Selectable for RecordBuf {
    type Selector = MarcSpec;
    const FORMAT: &'static str = "marc";

    fn compile(expr: &str) -> Result<MarcSpec, SelectorError> {
        compile(expr)
    }

    #[inline]
    fn select<'a>(
        &'a self,
        selector: &MarcSpec,
        scope: Scope,
        visit: &mut dyn FnMut(Selected<'a>),
    ) {
        selector.select(self, scope, visit);
    }

    /// The 001 control field, trimmed.
    fn record_id(&self) -> Option<Cow<'_, str>> {
        self.id().map(Cow::Borrowed)
    }

    fn origin(&self, scope: Scope, part: u32) -> Origin {
        let (kind, pos, span) = part::decode(part);
        if scope == Scope::RECORD {
            let mut p = String::new();
            push_span(&mut p, span);
            return Origin {
                path: "LDR".to_string(),
                part: (!p.is_empty()).then_some(p),
            };
        }
        let i = scope.0 as usize;
        let Some(field) = self.field(i) else {
            return Origin {
                path: format!("field #{i}"),
                part: None,
            };
        };
        let tag = field.tag();
        let occ = self.fields().take(i).filter(|f| f.tag() == tag).count();
        let path = format!("{tag}[{occ}]");
        let mut p = String::new();
        match kind {
            part::SUBFIELD => {
                if let Some(s) = field.subfields().nth(pos) {
                    let k = field
                        .subfields()
                        .take(pos)
                        .filter(|t| t.code == s.code)
                        .count();
                    p = format!("${}[{k}]", s.code);
                }
            }
            part::INDICATOR => p = format!("^{pos}"),
            _ => {}
        }
        push_span(&mut p, span);
        Origin {
            path,
            part: (!p.is_empty()).then_some(p),
        }
    }

    /// One key per control field (`001`) and per data-field subfield (`245$a`), per occurrence.
    fn inventory(&self, visit: &mut dyn FnMut(&str)) {
        let mut key = String::with_capacity(8);
        for field in self.fields() {
            key.clear();
            key.push_str(field.tag().as_str());
            if field.is_control() {
                visit(&key);
                continue;
            }
            for s in field.subfields() {
                key.truncate(3);
                key.push('$');
                key.push(s.code);
                visit(&key);
            }
        }
    }
}
