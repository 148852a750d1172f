//! Evaluation of a compiled MARCspec over a [`RecordBuf`].
//!
//! Nothing is allocated per field or subfield, except when a data field's value (its subfields
//! joined) or a character range of it has to be assembled.

use std::borrow::Cow;
use std::ops::ControlFlow;

use super::ast::*;
use super::part;
use crate::marc::record::{Field, RecordBuf};
use crate::select::{Scope, Selected};

type Flow = ControlFlow<()>;

/// Every printable ASCII character once, so that an indicator value can be borrowed.
const ASCII: &str = " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~";

/// An indicator as text, borrowed for printable ASCII.
pub(crate) fn indicator_str(c: char) -> Cow<'static, str> {
    match c {
        ' '..='~' => {
            let i = c as usize - 0x20;
            Cow::Borrowed(&ASCII[i..i + 1])
        }
        _ => Cow::Owned(c.to_string()),
    }
}

/// The leader as text (borrowed unless it holds bytes that are not UTF-8).
pub(crate) fn leader_str(rec: &RecordBuf) -> Cow<'_, str> {
    match std::str::from_utf8(&rec.leader().0) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => Cow::Owned(rec.leader().to_text()),
    }
}

/// A field's value: a control field's text, or a data field's subfield values joined with one
/// space (borrowed when the field has a single subfield).
pub(crate) fn field_value<'a>(field: &Field<'a>) -> Cow<'a, str> {
    if let Some(v) = field.value() {
        return Cow::Borrowed(v);
    }
    let mut subs = field.subfields();
    match subs.len() {
        0 => Cow::Borrowed(""),
        1 => Cow::Borrowed(subs.next().map_or("", |s| s.value)),
        n => {
            let len = field.subfields().map(|s| s.value.len()).sum::<usize>() + n - 1;
            let mut out = String::with_capacity(len);
            for (k, s) in subs.enumerate() {
                if k > 0 {
                    out.push(' ');
                }
                out.push_str(s.value);
            }
            Cow::Owned(out)
        }
    }
}

/// The byte range and the (inclusive) character span `r` picks in `s`.
fn char_span(s: &str, r: &Range) -> Option<(std::ops::Range<usize>, (usize, usize))> {
    if s.is_ascii() {
        let (a, b) = r.span(s.len())?;
        return Some((a..b + 1, (a, b)));
    }
    let n = s.chars().count();
    let (a, b) = r.span(n)?;
    let mut bounds = s.char_indices().map(|(i, _)| i).chain([s.len()]);
    let start = bounds.nth(a)?;
    let end = bounds.nth(b - a)?;
    Some((start..end, (a, b)))
}

/// An inclusive character span `(first, last)`.
type Span = (usize, usize);

/// Applies an optional character range to a value.
fn apply_chars<'a>(
    value: Cow<'a, str>,
    chars: Option<&Range>,
) -> Option<(Cow<'a, str>, Option<Span>)> {
    let Some(r) = chars else {
        return Some((value, None));
    };
    let (bytes, span) = char_span(&value, r)?;
    let v = match value {
        Cow::Borrowed(s) => Cow::Borrowed(&s[bytes]),
        Cow::Owned(mut s) => {
            s.truncate(bytes.end);
            s.drain(..bytes.start);
            Cow::Owned(s)
        }
    };
    Some((v, Some(span)))
}

/// The field (or the leader) a subspec is evaluated for.
#[derive(Clone, Copy)]
enum Cur {
    Leader,
    Field(usize),
}

/// Where a subspec is evaluated: the occurrence being selected and its value.
struct Ctx<'a, 'v> {
    rec: &'a RecordBuf,
    cur: Cur,
    /// Position of the subfield being selected among its field's subfields.
    sub: Option<usize>,
    value: &'v str,
}

/// The span of occurrence numbers `index` allows among the items `count` would count (only
/// counted when the range refers to the last item).
fn index_span(index: &Range, count: impl FnOnce() -> usize) -> Option<(usize, usize)> {
    let n = if index.needs_count() {
        count()
    } else {
        usize::MAX
    };
    index.span(n)
}

/// Calls `f` with the index of every field with a tag matching `tag` whose occurrence number
/// (among such fields in the record) is in `index`; only field `only` if given.
fn each_field(
    rec: &RecordBuf,
    tag: &TagPattern,
    index: Option<&Range>,
    only: Option<usize>,
    f: &mut dyn FnMut(usize) -> Flow,
) -> Flow {
    if let (None, Some((lo, hi))) = (only, tag.numeric_range()) {
        if let Some(tagged) = rec.fields_tagged(lo, hi) {
            // The tag's fields (or the range's, when in record order), without a look at the
            // others; none at all when the record has no such tag.
            let span = match index {
                None => None,
                Some(r) => match index_span(r, || tagged.len()) {
                    Some(s) => Some(s),
                    None => return Flow::Continue(()),
                },
            };
            for (occ, &(_, i)) in tagged.iter().enumerate() {
                if span.is_some_and(|(_, b)| occ > b) {
                    break;
                }
                if span.is_none_or(|(a, _)| occ >= a) {
                    f(i as usize)?;
                }
            }
            return Flow::Continue(());
        }
    }
    let matches = |field: &Field<'_>| tag.matches(field.tag().as_bytes());
    let span = match index {
        None => None,
        Some(r) => match index_span(r, || rec.fields().filter(matches).count()) {
            Some(s) => Some(s),
            None => return Flow::Continue(()),
        },
    };
    let in_span = |occ: usize| span.is_none_or(|(a, b)| (a..=b).contains(&occ));
    match only {
        Some(i) => {
            let Some(field) = rec.field(i) else {
                return Flow::Continue(());
            };
            if !matches(&field) {
                return Flow::Continue(());
            }
            let occ = if span.is_some() {
                rec.fields().take(i).filter(matches).count()
            } else {
                0
            };
            if in_span(occ) {
                f(i)?;
            }
        }
        None => {
            let mut occ = 0;
            for field in rec.fields() {
                if matches(&field) {
                    if in_span(occ) {
                        f(field.index())?;
                    }
                    occ += 1;
                    if span.is_some_and(|(_, b)| occ > b) {
                        break;
                    }
                }
            }
        }
    }
    Flow::Continue(())
}

/// Calls `f` for the leader if `index` (if any) picks the first (only) leader.
fn leader_in(index: Option<&Range>) -> bool {
    index.is_none_or(|r| r.span(1).is_some())
}

/// The fields a subspec term's field selector picks.
fn each_cur(ctx: &Ctx<'_, '_>, sel: &FieldSel, f: &mut dyn FnMut(Cur) -> Flow) -> Flow {
    match sel {
        FieldSel::Current => f(ctx.cur),
        FieldSel::Tag { tag, index } => {
            let tag = match (tag, ctx.cur) {
                (Some(t), _) => *t,
                (None, Cur::Leader) => TagPattern::new(*b"LDR"),
                (None, Cur::Field(i)) => match ctx.rec.field(i) {
                    Some(field) => TagPattern::new(*field.tag().as_bytes()),
                    None => return Flow::Continue(()),
                },
            };
            if tag.is_leader() {
                if leader_in(index.as_ref()) {
                    f(Cur::Leader)?;
                }
                return Flow::Continue(());
            }
            each_field(ctx.rec, &tag, index.as_ref(), None, &mut |i| {
                f(Cur::Field(i))
            })
        }
    }
}

/// Calls `f` with every value a term refers to.
fn each_value(ctx: &Ctx<'_, '_>, term: &Term, f: &mut dyn FnMut(&str) -> Flow) -> Flow {
    let rec = ctx.rec;
    match term {
        Term::Implicit => f(ctx.value),
        Term::Literal(s) => f(s),
        Term::Field { field, chars } => each_cur(ctx, field, &mut |cur| {
            let value = match cur {
                Cur::Leader => leader_str(rec),
                Cur::Field(i) => match rec.field(i) {
                    Some(field) => field_value(&field),
                    None => return Flow::Continue(()),
                },
            };
            match apply_chars(value, chars.as_ref()) {
                Some((v, _)) => f(&v),
                None => Flow::Continue(()),
            }
        }),
        Term::Subfield {
            field,
            codes,
            index,
            chars,
        } => each_cur(ctx, field, &mut |cur| {
            let Cur::Field(i) = cur else {
                return Flow::Continue(());
            };
            let Some(field) = rec.field(i) else {
                return Flow::Continue(());
            };
            let span = match index {
                None => None,
                Some(r) => match index_span(r, || {
                    field.subfields().filter(|s| codes.matches(s.code)).count()
                }) {
                    Some(s) => Some(s),
                    None => return Flow::Continue(()),
                },
            };
            let matching = field.subfields().filter(|s| codes.matches(s.code));
            for (occ, s) in matching.enumerate() {
                if span.is_none_or(|(a, b)| (a..=b).contains(&occ)) {
                    if let Some((v, _)) = apply_chars(Cow::Borrowed(s.value), chars.as_ref()) {
                        f(&v)?;
                    }
                }
            }
            Flow::Continue(())
        }),
        Term::CurrentSubfield { chars } => {
            let (Cur::Field(i), Some(pos)) = (ctx.cur, ctx.sub) else {
                return Flow::Continue(());
            };
            let Some(s) = rec.field(i).and_then(|field| field.subfields().nth(pos)) else {
                return Flow::Continue(());
            };
            match apply_chars(Cow::Borrowed(s.value), chars.as_ref()) {
                Some((v, _)) => f(&v),
                None => Flow::Continue(()),
            }
        }
        Term::Indicator { field, which } => each_cur(ctx, field, &mut |cur| {
            let Cur::Field(i) = cur else {
                return Flow::Continue(());
            };
            match rec.field(i).and_then(|field| field.indicators()) {
                Some(ind) => f(&indicator_str(ind[usize::from(*which) - 1])),
                None => Flow::Continue(()),
            }
        }),
    }
}

fn any_value(ctx: &Ctx<'_, '_>, term: &Term) -> bool {
    each_value(ctx, term, &mut |_| Flow::Break(())).is_break()
}

fn any_pair(ctx: &Ctx<'_, '_>, set: &TermSet, test: fn(&str, &str) -> bool) -> bool {
    each_value(ctx, &set.left, &mut |l| {
        each_value(ctx, &set.right, &mut |r| {
            if test(l, r) {
                Flow::Break(())
            } else {
                Flow::Continue(())
            }
        })
    })
    .is_break()
}

fn holds(ctx: &Ctx<'_, '_>, set: &TermSet) -> bool {
    let eq: fn(&str, &str) -> bool = |l, r| l == r;
    let includes: fn(&str, &str) -> bool = |l, r| l.contains(r);
    match set.op {
        Op::Exists => any_value(ctx, &set.right),
        Op::NotExists => !any_value(ctx, &set.right),
        Op::Eq => any_pair(ctx, set, eq),
        Op::Includes => any_pair(ctx, set, includes),
        Op::Ne => any_value(ctx, &set.left) && !any_pair(ctx, set, eq),
        Op::NotIncludes => any_value(ctx, &set.left) && !any_pair(ctx, set, includes),
    }
}

fn subspecs_hold(ctx: &Ctx<'_, '_>, subspecs: &[SubSpec]) -> bool {
    subspecs
        .iter()
        .all(|alternatives| alternatives.iter().any(|set| holds(ctx, set)))
}

/// Evaluates `spec` inside `scope`, calling `visit` with each value in record order.
pub(crate) fn select<'a>(
    rec: &'a RecordBuf,
    spec: &Spec,
    scope: Scope,
    visit: &mut dyn FnMut(Selected<'a>),
) {
    let only = (scope != Scope::RECORD).then_some(scope.0 as usize);
    match &spec.target {
        Target::Relative => {
            if let Some(i) = only {
                if i < rec.len() {
                    select_in_field(rec, i, &spec.kind, visit);
                }
            }
        }
        Target::Tag { tag, index } => {
            if tag.is_leader() {
                if only.is_none() && leader_in(index.as_ref()) {
                    select_leader(rec, &spec.kind, visit);
                }
                return;
            }
            let _ = each_field(rec, tag, index.as_ref(), only, &mut |i| {
                select_in_field(rec, i, &spec.kind, visit);
                Flow::Continue(())
            });
        }
    }
}

/// Visits `value` if the subspecs hold for it.
fn emit<'a>(
    rec: &'a RecordBuf,
    (cur, sub): (Cur, Option<usize>),
    value: Cow<'a, str>,
    subspecs: &[SubSpec],
    (scope, part): (Scope, u32),
    visit: &mut dyn FnMut(Selected<'a>),
) {
    let ctx = Ctx {
        rec,
        cur,
        sub,
        value: &value,
    };
    if subspecs_hold(&ctx, subspecs) {
        visit(Selected {
            value,
            lang: None,
            scope,
            part,
        });
    }
}

fn select_leader<'a>(rec: &'a RecordBuf, kind: &Kind, visit: &mut dyn FnMut(Selected<'a>)) {
    let Kind::Field { chars, subspecs } = kind else {
        return;
    };
    let Some((value, span)) = apply_chars(leader_str(rec), chars.as_ref()) else {
        return;
    };
    emit(
        rec,
        (Cur::Leader, None),
        value,
        subspecs,
        (Scope::RECORD, part::encode(part::FIELD, 0, span)),
        visit,
    );
}

fn select_in_field<'a>(
    rec: &'a RecordBuf,
    i: usize,
    kind: &Kind,
    visit: &mut dyn FnMut(Selected<'a>),
) {
    let Some(field) = rec.field(i) else {
        return;
    };
    let scope = Scope(i as u32);
    match kind {
        Kind::Field { chars, subspecs } => {
            let Some((value, span)) = apply_chars(field_value(&field), chars.as_ref()) else {
                return;
            };
            emit(
                rec,
                (Cur::Field(i), None),
                value,
                subspecs,
                (scope, part::encode(part::FIELD, 0, span)),
                visit,
            );
        }
        Kind::Indicator { which, subspecs } => {
            let Some(ind) = field.indicators() else {
                return;
            };
            let value = indicator_str(ind[usize::from(*which) - 1]);
            emit(
                rec,
                (Cur::Field(i), None),
                value,
                subspecs,
                (
                    scope,
                    part::encode(part::INDICATOR, usize::from(*which), None),
                ),
                visit,
            );
        }
        Kind::Subfields(parts) => {
            // Codes first: a subfield's value is only looked up when a part wants it.
            for (pos, code) in field.subfield_codes().enumerate() {
                for p in parts {
                    if !p.codes.matches(code) {
                        continue;
                    }
                    let Some(value) = field.subfield_value(pos) else {
                        continue;
                    };
                    if let Some(r) = &p.index {
                        let matching = |t: &crate::marc::Subfield<'_>| p.codes.matches(t.code);
                        let Some((a, b)) =
                            index_span(r, || field.subfields().filter(matching).count())
                        else {
                            continue;
                        };
                        let occ = field.subfields().take(pos).filter(matching).count();
                        if !(a..=b).contains(&occ) {
                            continue;
                        }
                    }
                    let Some((value, span)) = apply_chars(Cow::Borrowed(value), p.chars.as_ref())
                    else {
                        continue;
                    };
                    emit(
                        rec,
                        (Cur::Field(i), Some(pos)),
                        value,
                        &p.subspecs,
                        (scope, part::encode(part::SUBFIELD, pos, span)),
                        visit,
                    );
                }
            }
        }
    }
}
