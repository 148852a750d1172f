//! Applying a compiled mapping to one record: resources, their IRIs, links and rules.

use oxrdf::vocab::{rdf::TYPE as RDF_TYPE, xsd};
use oxrdf::{Literal, LiteralRef, NamedNode, NamedNodeRef, TermRef, Triple, TripleRef};
use unicode_normalization::UnicodeNormalization;

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::hash::BuildHasherDefault;
use std::sync::Arc;

use super::compile::{Condition, Fnv, LangFrom, Mapping, Object, Piece, Rule, Source, Template};
use super::decisions::Decisions;
use super::reconcile::{Reconciled, Reconciler, Status};
use super::transform::{Output, Tag};
use crate::diagnostic::{Diagnostic, Location, Severity};
use crate::select::{Scope, Selectable};

/// A `cw:`, `skos:` or `owl:` term, as a constant.
macro_rules! term {
    (cw:$local:literal) => {
        NamedNodeRef::new_unchecked(concat!("https://w3id.org/crosswalk/vocab#", $local))
    };
    (skos:$local:literal) => {
        NamedNodeRef::new_unchecked(concat!("http://www.w3.org/2004/02/skos/core#", $local))
    };
    (owl:$local:literal) => {
        NamedNodeRef::new_unchecked(concat!("http://www.w3.org/2002/07/owl#", $local))
    };
}

/// What a mapping is applied within: the collection and where the record came from.
#[derive(Debug, Clone, Default)]
pub struct RecordContext {
    /// The collection id (`{collection}` in templates).
    pub collection: String,
    /// The record's identifier when the record has none of its own (e.g. `file.mrc#12`).
    pub fallback_id: String,
    /// For diagnostics: the file and position of the record.
    pub location: Location,
}

/// Where an output triple came from, for `mapping explain`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provenance {
    /// The `rdf:type` of resource block `resource`.
    Type {
        /// Index of the resource block.
        resource: usize,
    },
    /// Link `link` of resource block `resource`.
    Link {
        /// Index of the resource block.
        resource: usize,
        /// Index of the link.
        link: usize,
    },
    /// Rule `rule` of resource block `resource`, from the value at `scope`/`part` (none for
    /// constants).
    Rule {
        /// Index of the resource block.
        resource: usize,
        /// Index of the rule.
        rule: usize,
        /// The field or element the value came from.
        origin: Option<(Scope, u32)>,
    },
}

/// One output triple with its provenance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Emitted {
    /// The triple.
    pub triple: Triple,
    /// The rule, link or type it came from.
    pub provenance: Provenance,
}

/// One value a `reconcile` transform reconciled in a record (for `crosswalk reconcile report`).
#[derive(Debug, Clone, PartialEq)]
pub struct Reconciliation {
    /// The rule's name.
    pub rule: String,
    /// The schemes the transform answers from (empty: every loaded scheme).
    pub schemes: Vec<String>,
    /// Where the value came from in the record (`650[0]`, `controlaccess/subject[1]`), if known.
    pub origin: Option<String>,
    /// What the transform found (heading as written, key, status, output, method, candidates,
    /// decision).
    pub result: Reconciled,
}

/// The output of one record.
#[derive(Debug, Default)]
pub struct RecordOutput {
    /// The record's identifier (its own, or the context's fallback).
    pub record_id: String,
    /// The IRI of the first record-level resource (the record's main resource).
    pub subject: Option<NamedNode>,
    /// Every triple, in rule order (duplicates removed).
    pub triples: Vec<Emitted>,
    /// Rules that failed on this record, and other problems.
    pub diagnostics: Vec<Diagnostic>,
    /// Every (scope, part) a rule, key or condition selected: for `mapping coverage`.
    pub selected: Vec<(Scope, u32)>,
    /// Every value a `reconcile` transform reconciled, in rule order (empty when none ran).
    pub reconciliations: Vec<Reconciliation>,
    /// Set by [`RecordOutput::without_reconciliations`]: `reconciliations` stays empty.
    skip_reconciliations: bool,
    /// Hashes of the triples so far, for removing duplicates.
    seen: Hashes,
    /// What `reconcile` transforms gave for values seen in earlier records.
    reconciled: ReconcileCache,
    /// IRIs made from values (`iri = "{value}"`) already found valid in earlier records.
    valid_iris: FastSet<String>,
    /// Language tags already checked.
    languages: LanguageTags,
    /// The vectors and strings of [`Mapping::apply_with`], kept from record to record: the
    /// instances of the record's resource blocks, a block's scopes, a key, an IRI.
    instances: Vec<(Scope, NamedNode)>,
    spans: Vec<(usize, usize)>,
    scopes: Vec<Scope>,
    key: String,
    iri: String,
}

/// At most this many IRIs in [`RecordOutput`]'s `valid_iris`; it starts over when full.
const VALID_IRIS: usize = 4096;

/// The values a mapping's `reconcile` transforms already reconciled, kept from record to record
/// (the same headings, codes and identifiers come back again and again): each is normalised and
/// looked up once, as long as it stays in the cache.
#[derive(Debug, Default)]
struct ReconcileCache {
    /// The [`Mapping::generation`] the entries were made with (its base and decisions).
    mapping: u64,
    /// Per reconciler (by its address in that mapping): the value and what it gave.
    by: Vec<(usize, Cached)>,
}

/// Values and what one reconciler gave for them.
type Cached = HashMap<String, Option<Arc<Reconciled>>, BuildHasherDefault<WordHasher>>;

/// A set of strings hashed with [`WordHasher`] (not `std`'s SipHash: these are looked up for
/// many values of every record).
type FastSet<K> = HashSet<K, BuildHasherDefault<WordHasher>>;

/// At most this many values per reconciler; the cache starts over when full.
const RECONCILE_CACHE: usize = 4096;

impl ReconcileCache {
    /// `rec.resolve_with(value, base, decisions)`, from the cache when it is there.
    fn resolve(
        &mut self,
        mapping: u64,
        rec: &Reconciler,
        value: &str,
        base: &str,
        decisions: Option<&Decisions>,
    ) -> Option<Arc<Reconciled>> {
        if self.mapping != mapping {
            self.by.clear();
            self.mapping = mapping;
        }
        let at = std::ptr::from_ref(rec) as usize;
        let i = match self.by.iter().position(|(a, _)| *a == at) {
            Some(i) => i,
            None => {
                self.by.push((at, HashMap::default()));
                self.by.len() - 1
            }
        };
        let cache = &mut self.by[i].1;
        if let Some(r) = cache.get(value) {
            return r.clone();
        }
        if cache.len() >= RECONCILE_CACHE {
            cache.clear();
        }
        let r = rec.resolve_with(value, base, decisions).map(Arc::new);
        cache.insert(value.to_string(), r.clone());
        r
    }
}

impl RecordOutput {
    /// An output that does not list the values `reconcile` transforms reconciled (the triples
    /// are the same), for callers that only want the RDF.
    pub fn without_reconciliations() -> Self {
        RecordOutput {
            skip_reconciliations: true,
            ..RecordOutput::default()
        }
    }
}

/// One value flowing through a rule: text (borrowed from the record or the mapping until a
/// transform makes a new one), tag, language and origin.
struct Flow<'a> {
    value: Cow<'a, str>,
    tag: Tag,
    lang: Option<&'a str>,
    origin: Option<(Scope, u32)>,
    /// What a `reconcile` transform found for this value.
    note: Option<Arc<Reconciled>>,
}

/// A rule's values and their vectors, kept from rule to rule of a record: `flows` and `next`
/// trade places at each transform, `outputs` takes a transform's outputs of one value.
#[derive(Default)]
struct Values<'a> {
    flows: Vec<Flow<'a>>,
    next: Vec<Flow<'a>>,
    outputs: Vec<Output>,
}

/// A record's resource instances: `(scope, IRI)`, those of resource block `i` at `spans[i]`.
struct Instances {
    all: Vec<(Scope, NamedNode)>,
    spans: Vec<(usize, usize)>,
}

impl Instances {
    /// The instances of resource block `i`.
    fn of(&self, i: usize) -> &[(Scope, NamedNode)] {
        let (from, to) = self.spans[i];
        &self.all[from..to]
    }
}

impl Flow<'_> {
    fn into_output(self) -> Output {
        Output {
            value: self.value.into_owned(),
            tag: self.tag,
        }
    }
}

impl<R: Selectable> Mapping<R> {
    /// Applies the mapping to one record. Never fails: a rule that fails on this record gives a
    /// diagnostic and the other rules go on.
    pub fn apply(&self, record: &R, ctx: &RecordContext) -> RecordOutput {
        let mut out = RecordOutput::default();
        self.apply_into(record, ctx, &mut out);
        out
    }

    /// Like [`Mapping::apply`], reusing `out`'s buffers.
    pub fn apply_into(&self, record: &R, ctx: &RecordContext, out: &mut RecordOutput) {
        let mut triples = Collect {
            triples: std::mem::take(&mut out.triples),
            seen: std::mem::take(&mut out.seen),
        };
        self.apply_with(record, ctx, out, &mut triples);
        out.triples = triples.triples;
        out.seen = triples.seen;
    }

    /// Like [`Mapping::apply_into`], but the triples go to `sink` as they are made (in rule
    /// order, duplicates included: the sink drops them) instead of `out.triples`, which is left
    /// as it is.
    pub fn apply_with(
        &self,
        record: &R,
        ctx: &RecordContext,
        out: &mut RecordOutput,
        sink: &mut impl TripleSink,
    ) {
        out.diagnostics.clear();
        out.selected.clear();
        out.reconciliations.clear();
        out.subject = None;
        out.record_id = match record.record_id() {
            Some(id) if !id.trim().is_empty() => id.trim().to_string(),
            _ => ctx.fallback_id.clone(),
        };
        sink.start(&out.record_id);
        // First every resource's instances (so that links and `resource` objects can point at
        // instances of any block), then their triples. The vectors are the output's, kept from
        // record to record.
        let mut instances = Instances {
            all: std::mem::take(&mut out.instances),
            spans: std::mem::take(&mut out.spans),
        };
        instances.all.clear();
        instances.spans.clear();
        let mut scopes = std::mem::take(&mut out.scopes);
        let mut key = std::mem::take(&mut out.key);
        for res in &self.resources {
            let from = instances.all.len();
            scopes.clear();
            match &res.for_each {
                None => scopes.push(Scope::RECORD),
                Some(sels) => {
                    for sel in sels {
                        record.select(sel, Scope::RECORD, &mut |s| {
                            if scopes.last() != Some(&s.scope) {
                                scopes.push(s.scope);
                            }
                        });
                    }
                    scopes.sort();
                    scopes.dedup();
                }
            }
            for &scope in &scopes {
                if let Some(c) = &res.when {
                    if !self.holds(record, c, scope, &mut out.selected) {
                        continue;
                    }
                }
                key.clear();
                self.key(record, &res.key, scope, &mut out.selected, &mut key);
                if !res.key.is_empty() && key.is_empty() {
                    continue; // nothing to name it by: no instance
                }
                let at = (ctx, out.record_id.as_str(), key.as_str());
                let iri = &mut out.iri;
                match self.expand(&res.iri, record, at, None, &mut out.valid_iris, iri) {
                    Ok(()) => instances
                        .all
                        .push((scope, NamedNode::new_unchecked(iri.as_str()))),
                    Err(e) => {
                        out.diagnostics
                            .push(self.diagnostic(ctx, &out.record_id, &res.name, e))
                    }
                }
            }
            instances.spans.push((from, instances.all.len()));
        }
        out.scopes = scopes;
        out.key = key;
        out.subject = self
            .resources
            .iter()
            .enumerate()
            .find(|(ri, r)| r.for_each.is_none() && !instances.of(*ri).is_empty())
            .map(|(ri, _)| instances.of(ri)[0].1.clone());

        let mut values = Values::default();
        for (ri, res) in self.resources.iter().enumerate() {
            for (scope, iri) in instances.of(ri) {
                let subject = iri.as_ref();
                for t in &res.types {
                    sink.triple(
                        TripleRef::new(subject, RDF_TYPE, t),
                        Provenance::Type { resource: ri },
                    );
                }
                for (li, link) in res.links.iter().enumerate() {
                    if let Some(c) = &link.when {
                        if !self.holds(record, c, *scope, &mut out.selected) {
                            continue;
                        }
                    }
                    let prov = Provenance::Link {
                        resource: ri,
                        link: li,
                    };
                    for (_, from) in instances.of(link.from) {
                        sink.triple(TripleRef::new(from, &link.predicate, subject), prov);
                        if let Some(inv) = &link.inverse {
                            sink.triple(TripleRef::new(subject, inv, from), prov);
                        }
                    }
                }
                for (rule_i, rule) in res.rules.iter().enumerate() {
                    let at = (ri, rule_i, *scope, subject);
                    self.apply_rule(record, ctx, &instances, at, rule, &mut values, out, sink);
                }
            }
        }
        out.instances = instances.all;
        out.spans = instances.spans;
    }

    /// Applies rule `rule_i` of resource block `ri` to the instance `subject` (in `scope`).
    #[allow(clippy::too_many_arguments)]
    fn apply_rule<'a>(
        &'a self,
        record: &'a R,
        ctx: &RecordContext,
        instances: &Instances,
        (ri, rule_i, scope, subject): (usize, usize, Scope, NamedNodeRef<'_>),
        rule: &'a Rule<R::Selector>,
        values: &mut Values<'a>,
        out: &mut RecordOutput,
        sink: &mut impl TripleSink,
    ) {
        if let Some(c) = &rule.when {
            if !self.holds(record, c, scope, &mut out.selected) {
                return;
            }
        }
        let Values {
            flows,
            next,
            outputs,
        } = values;
        flows.clear();
        match &rule.source {
            Source::Constant(v) => flows.push(Flow {
                value: Cow::Borrowed(v),
                tag: Tag::None,
                lang: None,
                origin: None,
                note: None,
            }),
            Source::Select(sels) => {
                for sel in sels {
                    record.select(sel, scope, &mut |s| {
                        out.selected.push((s.scope, s.part));
                        flows.push(Flow {
                            value: s.value,
                            tag: Tag::None,
                            lang: s.lang,
                            origin: Some((s.scope, s.part)),
                            note: None,
                        })
                    });
                }
                if sels.len() > 1 {
                    // Several selectors: values in record order.
                    flows.sort_by_key(|f| f.origin.map(|(s, _)| s));
                }
            }
        }
        if flows.is_empty() && !rule.transforms.iter().any(|(_, t)| t.is_default()) {
            // Nothing selected (most rules on most records): no transform gives a value.
            return;
        }
        // The values after each transform; `flows` and `next` trade places.
        for (_, t) in &rule.transforms {
            next.clear();
            if let Some(sep) = t.join_separator() {
                // `join` works per field / element: the values of one occurrence together, a
                // single one left borrowed.
                let mut rest = flows.drain(..).peekable();
                while let Some(first) = rest.next() {
                    let (tag, lang, origin) = (first.tag.clone(), first.lang, first.origin);
                    let same_field = |f: &Flow<'_>| f.origin.map(|o| o.0) == origin.map(|o| o.0);
                    let group = std::iter::from_fn(|| rest.next_if(same_field));
                    let values = std::iter::once(first).chain(group).map(|f| f.value);
                    if let Some(value) = super::transform::join_values(values, sep) {
                        next.push(Flow {
                            value,
                            tag,
                            lang,
                            origin,
                            note: None,
                        });
                    }
                }
                drop(rest);
                std::mem::swap(flows, next);
                continue;
            }
            if t.is_default() {
                // `default` on the whole selection (nothing selected: its value).
                let (lang, origin) = flows.first().map_or((None, None), |f| (f.lang, f.origin));
                let values: Vec<Output> = flows.drain(..).map(Flow::into_output).collect();
                match t.apply_list(&values) {
                    Ok(outs) => next.extend(outs.into_iter().map(|o| Flow {
                        value: Cow::Owned(o.value),
                        tag: o.tag,
                        lang,
                        origin,
                        note: None,
                    })),
                    Err(e) => {
                        let d = self.rule_warning(record, ctx, &out.record_id, ri, rule, origin, e);
                        out.diagnostics.push(d);
                    }
                }
                std::mem::swap(flows, next);
                continue;
            }
            if let Some(rec) = t.reconciler() {
                for f in flows.drain(..) {
                    let Some(r) = out.reconciled.resolve(
                        self.generation,
                        rec,
                        &f.value,
                        &self.base,
                        self.decisions.as_deref(),
                    ) else {
                        continue;
                    };
                    self.reconcile_diagnostic(record, ctx, ri, rule, &f, &r, out);
                    if !out.skip_reconciliations {
                        out.reconciliations.push(Reconciliation {
                            rule: rule.name.clone(),
                            schemes: rec.schemes().to_vec(),
                            origin: f.origin.map(|(s, p)| record.origin(s, p).to_string()),
                            result: Reconciled::clone(&r),
                        });
                    }
                    if let Some(o) = r.output.clone() {
                        next.push(Flow {
                            value: Cow::Owned(o),
                            tag: Tag::None,
                            lang: f.lang,
                            origin: f.origin,
                            note: Some(r),
                        });
                    }
                }
                std::mem::swap(flows, next);
                continue;
            }
            for mut f in flows.drain(..) {
                if let Some(kept) = t.apply_in_place(&mut f.value) {
                    if kept {
                        next.push(f);
                    }
                    continue;
                }
                outputs.clear();
                match t.apply_tagged(f.value, &f.tag, outputs) {
                    Ok(()) => next.extend(outputs.drain(..).map(|o| Flow {
                        value: Cow::Owned(o.value),
                        tag: o.tag,
                        lang: f.lang,
                        origin: f.origin,
                        note: f.note.clone(),
                    })),
                    Err(e) => {
                        let d =
                            self.rule_warning(record, ctx, &out.record_id, ri, rule, f.origin, e);
                        out.diagnostics.push(d);
                    }
                }
            }
            std::mem::swap(flows, next);
        }
        // Computed language tags, one per field / element the values come from.
        let mut computed: Vec<(Option<Scope>, Option<String>)> = Vec::new();
        for f in flows.iter() {
            let computed_lang = match &rule.lang_from {
                Some(lf) if f.tag == Tag::None => {
                    let at = f.origin.map(|(s, _)| s);
                    match computed.iter().find(|(s, _)| *s == at) {
                        Some((_, tag)) => tag.clone(),
                        None => {
                            let tag = self.computed_lang(
                                record,
                                ctx,
                                ri,
                                rule,
                                lf,
                                at.unwrap_or(scope),
                                f.origin,
                                out,
                            );
                            computed.push((at, tag.clone()));
                            tag
                        }
                    }
                }
                _ => None,
            };
            let prov = Provenance::Rule {
                resource: ri,
                rule: rule_i,
                origin: f.origin,
            };
            let predicate = rule.predicate.as_ref();
            let object: TermRef<'_> = match &rule.object {
                Object::Literal { datatype, lang } => {
                    let value = f.value.trim();
                    if value.is_empty() {
                        continue;
                    }
                    let lang = match (&f.tag, datatype, lang) {
                        (Tag::Datatype(d), _, _) => {
                            let d = NamedNodeRef::new_unchecked(d.iri());
                            let o = LiteralRef::new_typed_literal(value, d);
                            sink.triple(TripleRef::new(subject, predicate, o), prov);
                            continue;
                        }
                        (Tag::Language(l), _, _) => Some(l.as_str()),
                        (Tag::None, _, _) if computed_lang.is_some() => computed_lang.as_deref(),
                        (Tag::None, Some(d), _) => {
                            let o = LiteralRef::new_typed_literal(value, d);
                            sink.triple(TripleRef::new(subject, predicate, o), prov);
                            continue;
                        }
                        (Tag::None, None, Some(Some(l))) => Some(l.as_str()),
                        (Tag::None, None, Some(None)) => f.lang.filter(|l| !l.is_empty()),
                        _ => None,
                    };
                    let o = match lang.and_then(|l| out.languages.tag(l)) {
                        Some(l) => LiteralRef::new_language_tagged_literal_unchecked(value, l),
                        None => LiteralRef::new_simple_literal(value),
                    };
                    sink.triple(TripleRef::new(subject, predicate, o), prov);
                    continue;
                }
                Object::Iri(t) => {
                    let value = f.value.trim();
                    if value.is_empty() && t.uses(&Piece::Value) {
                        continue;
                    }
                    let at = (ctx, out.record_id.as_str(), "");
                    let iri = &mut out.iri;
                    match self.expand(t, record, at, Some(value), &mut out.valid_iris, iri) {
                        Ok(()) => NamedNodeRef::new_unchecked(iri).into(),
                        Err(e) => {
                            let d = self.rule_warning(
                                record,
                                ctx,
                                &out.record_id,
                                ri,
                                rule,
                                f.origin,
                                e,
                            );
                            out.diagnostics.push(d);
                            continue;
                        }
                    }
                }
                Object::Resource(target) => {
                    // A `for-each` block's instances are linked from the same field or element
                    // only; a record-level block's instance from anywhere.
                    let per_scope = self.resources[*target].for_each.is_some();
                    for (s, n) in instances.of(*target) {
                        if !per_scope || *s == scope {
                            sink.triple(TripleRef::new(subject, predicate, n), prov);
                        }
                    }
                    continue;
                }
            };
            sink.triple(TripleRef::new(subject, predicate, object), prov);
            if let (Some(note), TermRef::NamedNode(n)) = (&f.note, object) {
                record_reconciliation(sink, subject, n, note, prov);
            }
        }
    }

    /// The language tag a computed `lang` gives the values of one field or element (`scope`):
    /// the first value of each selector (record selectors in the whole record), joined with `|`,
    /// through the transforms. `None`, with a diagnostic, when the result is not a BCP 47 tag.
    #[allow(clippy::too_many_arguments)]
    fn computed_lang(
        &self,
        record: &R,
        ctx: &RecordContext,
        ri: usize,
        rule: &Rule<R::Selector>,
        lf: &LangFrom<R::Selector>,
        scope: Scope,
        origin: Option<(Scope, u32)>,
        out: &mut RecordOutput,
    ) -> Option<String> {
        let mut parts: Vec<String> = Vec::with_capacity(lf.record.len() + lf.select.len());
        let selections = lf
            .record
            .iter()
            .map(|s| (s, Scope::RECORD))
            .chain(lf.select.iter().map(|s| (s, scope)));
        for (sel, at) in selections {
            let mut first: Option<String> = None;
            record.select(sel, at, &mut |s| {
                if first.is_none() && !s.value.trim().is_empty() {
                    out.selected.push((s.scope, s.part));
                    first = Some(s.value.into_owned());
                }
            });
            parts.push(first.unwrap_or_default());
        }
        let mut values = vec![Output::plain(parts.join("|"))];
        let fail = |out: &mut RecordOutput, msg: String| {
            let d = self.rule_warning(
                record,
                ctx,
                &out.record_id,
                ri,
                rule,
                origin,
                format!("lang: {msg}"),
            );
            out.diagnostics.push(d);
        };
        for (_, t) in &lf.transforms {
            match t.apply_list(&values) {
                Ok(v) => values = v,
                Err(e) => {
                    fail(out, e.to_string());
                    return None;
                }
            }
        }
        let first = values.into_iter().next()?;
        let tag = match first.tag {
            Tag::Language(l) => l,
            _ => first.value.trim().to_string(),
        };
        if tag.is_empty() {
            return None;
        }
        match Literal::new_language_tagged_literal("x", &tag) {
            Ok(_) => Some(tag),
            Err(e) => {
                fail(out, format!("{tag:?} is not a BCP 47 language tag: {e}"));
                None
            }
        }
    }

    /// A warning for an ambiguous value, with its candidates.
    #[allow(clippy::too_many_arguments)]
    fn reconcile_diagnostic(
        &self,
        record: &R,
        ctx: &RecordContext,
        ri: usize,
        rule: &Rule<R::Selector>,
        f: &Flow<'_>,
        r: &Reconciled,
        out: &mut RecordOutput,
    ) {
        if r.status != Status::Ambiguous {
            return;
        }
        let candidates: Vec<String> = r
            .candidates
            .iter()
            .map(|c| format!("<{}> ({}, {} {:.2})", c.iri, c.scheme, c.method, c.score))
            .collect();
        let taken = match &r.output {
            Some(o) if r.local => format!("local concept <{o}>"),
            Some(o) => format!("<{o}>"),
            None => "nothing".into(),
        };
        let what = format!(
            "{:?} is ambiguous ({}); gave {taken}",
            r.heading,
            candidates.join(", ")
        );
        let mut d = self.rule_warning(record, ctx, &out.record_id, ri, rule, f.origin, what);
        d.kind = "ambiguous-heading";
        out.diagnostics.push(d);
    }

    fn holds(
        &self,
        record: &R,
        c: &Condition<R::Selector>,
        scope: Scope,
        selected: &mut Vec<(Scope, u32)>,
    ) -> bool {
        // Whether anything was selected, a value equals one of `equals`, starts with one of
        // `starts-with`, equals one of `not-equals`.
        let (mut any, mut equal, mut starts, mut not_equal) = (false, false, false, false);
        let among = |list: &Option<Vec<String>>, v: &str| {
            list.as_ref().is_some_and(|l| l.iter().any(|e| e == v))
        };
        for sel in &c.selectors {
            record.select(sel, scope, &mut |s| {
                selected.push((s.scope, s.part));
                let v = s.value.as_ref();
                any = true;
                equal |= among(&c.equals, v);
                not_equal |= among(&c.not_equals, v);
                starts |= c
                    .starts_with
                    .as_ref()
                    .is_some_and(|l| l.iter().any(|e| v.starts_with(e.as_str())));
            });
        }
        if !c.exists {
            return !any;
        }
        if !any {
            // Nothing selected: only a pure `not-equals` test holds (no value equals any).
            return c.not_equals.is_some() && c.equals.is_none() && c.starts_with.is_none();
        }
        (c.equals.is_none() || equal) && (c.starts_with.is_none() || starts) && !not_equal
    }

    /// The normalised key of a resource instance: its key selectors' values, folded.
    fn key(
        &self,
        record: &R,
        keys: &[R::Selector],
        scope: Scope,
        selected: &mut Vec<(Scope, u32)>,
        key: &mut String,
    ) {
        for sel in keys {
            record.select(sel, scope, &mut |s| {
                selected.push((s.scope, s.part));
                fold_into(key, &s.value);
            });
        }
    }

    /// The IRI `t` gives, written into `iri` (emptied first); checked unless valid by
    /// construction or in `checked` (IRIs found valid before).
    fn expand(
        &self,
        t: &Template,
        record: &R,
        (ctx, record_id, key): (&RecordContext, &str, &str),
        value: Option<&str>,
        checked: &mut FastSet<String>,
        iri: &mut String,
    ) -> Result<(), String> {
        iri.clear();
        for p in &t.pieces {
            match p {
                Piece::Text(s) => iri.push_str(s),
                Piece::Base => iri.push_str(&self.base),
                Piece::Record => encode_into(iri, record_id),
                Piece::Collection => encode_into(iri, &ctx.collection),
                Piece::Key => encode_into(iri, &slug(key)),
                Piece::Hash => {
                    let mut h = Fnv::default();
                    h.write(key.as_bytes());
                    // `{:016x}`, without `fmt`.
                    for shift in (0..16).rev() {
                        let digit = (h.0 >> (shift * 4)) & 0xf;
                        iri.push(char::from(b"0123456789abcdef"[digit as usize]));
                    }
                }
                Piece::Value => {
                    let v = value.unwrap_or_default();
                    // A whole-IRI template takes an absolute IRI as it is, with the characters an
                    // IRI may not hold (`|`, spaces, `<>"{}\^`) percent-encoded.
                    if t.pieces.len() == 1 && (v.contains("://") || v.starts_with("urn:")) {
                        let plain = |b: u8| {
                            b.is_ascii_graphic()
                                && !matches!(b, b'<' | b'>' | b'"' | b'{' | b'}' | b'|' | b'\\')
                                && !matches!(b, b'^' | b'`')
                        };
                        if v.bytes().fold(true, |all, b| all & plain(b)) {
                            // Nothing to encode (the usual case): as it is.
                            iri.push_str(v);
                            continue;
                        }
                        for c in v.chars() {
                            if c.is_whitespace()
                                || c.is_control()
                                || matches!(c, '<' | '>' | '"' | '{' | '}' | '|' | '\\' | '^' | '`')
                                || not_iri_char(c)
                            {
                                percent_encode(iri, c);
                            } else {
                                iri.push(c);
                            }
                        }
                    } else {
                        encode_into(iri, v);
                    }
                }
                Piece::Var(name) => match record.variable(name) {
                    Some(v) => encode_into(iri, &v),
                    None => {
                        return Err(format!(
                            "template variable {{{name}}} has no value for this record"
                        ))
                    }
                },
            }
        }
        if t.valid_by_construction(&self.base) || checked.contains(iri.as_str()) {
            return Ok(());
        }
        NamedNodeRef::new(iri).map_err(|e| format!("{iri:?} is not a valid IRI: {e}"))?;
        if checked.len() >= VALID_IRIS {
            checked.clear();
        }
        checked.insert(iri.clone());
        Ok(())
    }

    /// A `rule-failed` warning: `rule "NAME" at ORIGIN: WHAT`.
    #[allow(clippy::too_many_arguments)]
    fn rule_warning(
        &self,
        record: &R,
        ctx: &RecordContext,
        record_id: &str,
        ri: usize,
        rule: &Rule<R::Selector>,
        origin: Option<(Scope, u32)>,
        what: impl std::fmt::Display,
    ) -> Diagnostic {
        let at = origin
            .map(|(s, p)| format!(" at {}", record.origin(s, p)))
            .unwrap_or_default();
        let msg = format!("rule {:?}{at}: {what}", rule.name);
        self.diagnostic(ctx, record_id, &self.resources[ri].name, msg)
    }

    fn diagnostic(
        &self,
        ctx: &RecordContext,
        record_id: &str,
        resource: &str,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            kind: "rule-failed",
            location: Location {
                record_id: Some(record_id.to_string()),
                field: Some(format!("{}#{resource}", self.name)),
                ..ctx.location.clone()
            },
            message: message.into(),
        }
    }
}

/// The RDF that records a reconciliation: a local concept says what it is and why
/// (`cw:reconciliation`, `cw:candidate`); a match, when asked (`annotate`), its method and score
/// on the rule's subject.
fn record_reconciliation(
    sink: &mut impl TripleSink,
    subject: NamedNodeRef<'_>,
    object: NamedNodeRef<'_>,
    note: &Reconciled,
    prov: Provenance,
) {
    if note.local {
        let s = object;
        sink.triple(TripleRef::new(s, RDF_TYPE, term!(skos:"Concept")), prov);
        let heading = LiteralRef::new_simple_literal(&note.heading);
        sink.triple(TripleRef::new(s, term!(skos:"prefLabel"), heading), prov);
        let status = LiteralRef::new_simple_literal(note.status.as_str());
        sink.triple(TripleRef::new(s, term!(cw:"reconciliation"), status), prov);
        for c in &note.candidates {
            if let Ok(n) = NamedNodeRef::new(&c.iri) {
                sink.triple(TripleRef::new(s, term!(cw:"candidate"), n), prov);
            }
        }
        for r in &note.rejected {
            if let Ok(n) = NamedNodeRef::new(r) {
                sink.triple(TripleRef::new(s, term!(owl:"differentFrom"), n), prov);
            }
        }
    } else if let (true, Status::Matched, Some((method, score))) =
        (note.annotate, note.status, note.method)
    {
        let method = LiteralRef::new_simple_literal(method.as_str());
        sink.triple(
            TripleRef::new(subject, term!(cw:"matchMethod"), method),
            prov,
        );
        let mut digits = [0u8; 24];
        let score = match two_decimals(score, &mut digits) {
            Some(s) => Cow::Borrowed(s),
            None => Cow::Owned(format!("{score:.2}")),
        };
        let score = LiteralRef::new_typed_literal(&score, xsd::DECIMAL);
        sink.triple(TripleRef::new(subject, term!(cw:"matchScore"), score), prov);
    }
}

/// `x` as `format!("{x:.2}")` writes it (the exact value rounded half to even), without `fmt`,
/// for `0 <= x < 10^6` (`None` otherwise).
fn two_decimals(x: f32, buf: &mut [u8; 24]) -> Option<&str> {
    if !(0.0..1e6).contains(&x) || x.is_sign_negative() {
        return None; // also -0.0, which `format!` writes as "-0.00"
    }
    // Exact: 24 bits of mantissa times 100 fit in an f64's 53.
    let hundredths = (f64::from(x) * 100.0).round_ties_even() as u64;
    let mut n = hundredths;
    let mut at = buf.len();
    for k in 0.. {
        if k == 2 {
            at -= 1;
            buf[at] = b'.';
        }
        at -= 1;
        buf[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 && k >= 2 {
            break;
        }
    }
    std::str::from_utf8(&buf[at..]).ok()
}

/// What [`Mapping::apply_with`] gives the triples it makes to, one at a time.
pub trait TripleSink {
    /// A record's triples begin (`record_id` is its identifier): the triples of earlier records
    /// are no longer duplicates.
    fn start(&mut self, record_id: &str);

    /// One triple, in rule order; the sink drops those equal to an earlier one of the record.
    fn triple(&mut self, triple: TripleRef<'_>, provenance: Provenance);
}

/// The sink of [`Mapping::apply_into`]: the triples as [`RecordOutput::triples`].
struct Collect {
    triples: Vec<Emitted>,
    seen: Hashes,
}

impl TripleSink for Collect {
    fn start(&mut self, _: &str) {
        self.triples.clear();
        self.seen.clear();
    }

    fn triple(&mut self, triple: TripleRef<'_>, provenance: Provenance) {
        // Duplicates are found by hash first: a linear scan per triple made records quadratic.
        let mut h = WordHasher::default();
        std::hash::Hash::hash(&triple, &mut h);
        let key = std::hash::Hasher::finish(&h);
        if !self.seen.insert(key) && self.triples.iter().any(|e| e.triple.as_ref() == triple) {
            return;
        }
        self.triples.push(Emitted {
            triple: triple.into_owned(),
            provenance,
        });
    }
}

/// The language tags literals were given, checked (BCP 47) and in lower case as oxrdf keeps
/// them, kept from record to record (a few tags come back again and again).
#[derive(Debug, Default)]
struct LanguageTags(Vec<(String, Option<String>)>);

/// At most this many tags in [`LanguageTags`]; it starts over when full.
const LANGUAGE_TAGS: usize = 64;

impl LanguageTags {
    /// The tag a literal tagged `lang` takes (what `Literal::new_language_tagged_literal` keeps),
    /// or `None` when `lang` is not a language tag (the literal is then a plain one).
    fn tag(&mut self, lang: &str) -> Option<&str> {
        let i = match self.0.iter().position(|(l, _)| l == lang) {
            Some(i) => i,
            None => {
                if self.0.len() >= LANGUAGE_TAGS {
                    self.0.clear();
                }
                let tag = Literal::new_language_tagged_literal("", lang)
                    .ok()
                    .and_then(|l| l.language().map(str::to_string));
                self.0.push((lang.to_string(), tag));
                self.0.len() - 1
            }
        };
        self.0[i].1.as_deref()
    }
}

/// A fast hash of triples for finding duplicates (a hit is checked by comparing the triples):
/// sixteen bytes per step in two independent lanes, where `std`'s SipHash took a large share of
/// `convert`'s time; the separators and discriminants `Hash` writes between the strings are
/// folded in without a multiplication of their own.
#[derive(Default)]
pub(crate) struct WordHasher {
    a: u64,
    b: u64,
}

const MUL_A: u64 = 0x51_7c_c1_b7_27_22_0a_95;
const MUL_B: u64 = 0x9e_37_79_b9_7f_4a_7c_15;

fn word(bytes: &[u8]) -> u64 {
    let mut w = [0u8; 8];
    w[..bytes.len()].copy_from_slice(bytes);
    u64::from_le_bytes(w)
}

impl std::hash::Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(16);
        for c in &mut chunks {
            self.a = (self.a.rotate_left(5) ^ word(&c[..8])).wrapping_mul(MUL_A);
            self.b = (self.b.rotate_left(5) ^ word(&c[8..])).wrapping_mul(MUL_B);
        }
        let mut rest = chunks.remainder();
        if rest.len() >= 8 {
            self.a = (self.a.rotate_left(5) ^ word(&rest[..8])).wrapping_mul(MUL_A);
            rest = &rest[8..];
        }
        let last = word(rest) ^ ((bytes.len() as u64) << 56);
        self.b = (self.b.rotate_left(5) ^ last).wrapping_mul(MUL_B);
    }

    fn write_u8(&mut self, n: u8) {
        self.a = self.a.rotate_left(8) ^ u64::from(n);
    }

    fn write_u32(&mut self, n: u32) {
        self.a = self.a.rotate_left(32) ^ u64::from(n);
    }

    fn write_u64(&mut self, n: u64) {
        self.a = (self.a.rotate_left(5) ^ n).wrapping_mul(MUL_A);
    }

    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }

    fn write_isize(&mut self, n: isize) {
        self.write_u64(n as u64);
    }

    fn finish(&self) -> u64 {
        let x = (self.a ^ self.b.rotate_left(32)).wrapping_mul(MUL_A);
        x ^ (x >> 29)
    }
}

/// A set of the hashes of a record's triples (or lines): open addressing over a table twice the
/// size of the set, probed linearly. Cheaper than a `HashSet` for the few dozen entries of a
/// record, and emptied with one `fill` between records.
#[derive(Debug, Default)]
pub(crate) struct Hashes {
    /// The hashes, with their lowest bit set; 0 is an empty slot.
    slots: Vec<u64>,
    len: usize,
}

impl Hashes {
    /// Empties the set (and gives back a table grown by an unusually large record).
    pub(crate) fn clear(&mut self) {
        if self.slots.len() > 1024 && self.len * 8 < self.slots.len() {
            self.slots = Vec::new();
        } else {
            self.slots.fill(0);
        }
        self.len = 0;
    }

    /// Adds `hash`; false when it was there (or a hash differing from it in the lowest bit
    /// only: the caller compares the values then, as for any other collision).
    pub(crate) fn insert(&mut self, hash: u64) -> bool {
        if (self.len + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let h = hash | 1;
        let mask = self.slots.len() - 1;
        let mut i = (h >> 32) as usize & mask;
        loop {
            match self.slots[i] {
                0 => {
                    self.slots[i] = h;
                    self.len += 1;
                    return true;
                }
                s if s == h => return false,
                _ => i = (i + 1) & mask,
            }
        }
    }

    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(64);
        let old = std::mem::replace(&mut self.slots, vec![0; size]);
        self.len = 0;
        for h in old.into_iter().filter(|&h| h != 0) {
            self.insert(h);
        }
    }
}

/// Appends `value` folded for keys (NFKD without marks, lower case, ISBD punctuation and spacing
/// removed) to `key`, after a space when neither is empty.
pub(crate) fn fold_into(key: &mut String, value: &str) {
    if value.is_ascii() {
        // `fold_chars` of the value itself (the decomposition leaves ASCII as it is), over
        // bytes: 1.3 % of `apply_with` on the generated records; a test checks they agree. A
        // space where a word starts (unless the key is still empty), letters and digits in
        // lower case.
        key.reserve(value.len() + 1);
        let mut space = !key.is_empty();
        let mut in_word = false;
        for &b in value.as_bytes() {
            if b.is_ascii_alphanumeric() {
                if !in_word && space {
                    key.push(' ');
                }
                in_word = true;
                key.push(char::from(b.to_ascii_lowercase()));
            } else if in_word {
                in_word = false;
                space = true;
            }
        }
    } else {
        let marks = unicode_normalization::char::is_combining_mark;
        fold_chars(key, value.nfkd().filter(|&c| !marks(c)));
    }
}

/// Appends the alphanumeric runs of `chars`, in lower case, one space between them.
fn fold_chars(key: &mut String, chars: impl Iterator<Item = char>) {
    let mut first = true;
    let mut space = false;
    for c in chars {
        if !c.is_alphanumeric() {
            space = true;
            continue;
        }
        if first {
            if !key.is_empty() {
                key.push(' ');
            }
            first = false;
        } else if space {
            key.push(' ');
        }
        space = false;
        if c.is_ascii() {
            key.push(c.to_ascii_lowercase());
        } else {
            key.extend(c.to_lowercase());
        }
    }
}

/// A readable IRI segment of a folded key: spaces to `-`, at most 60 characters.
fn slug(key: &str) -> String {
    key.chars()
        .take(60)
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// The IRI of the named graph that holds one source record's triples:
/// `{base}graph/{collection}/{record}` (segments percent-encoded), deterministic for a collection
/// and record id.
pub fn record_graph(base: &str, collection: &str, record_id: &str) -> Option<NamedNode> {
    let mut iri = format!("{base}graph/");
    encode_into(&mut iri, collection);
    iri.push('/');
    encode_into(&mut iri, record_id);
    NamedNode::new(iri).ok()
}

/// Percent-encodes what may not stand in an IRI path segment.
pub(crate) fn encode_into(out: &mut String, value: &str) {
    for c in value.chars() {
        match c {
            'A'..='Z' | 'a'..='z' | '0'..='9' | '-' | '.' | '_' | '~' => out.push(c),
            c if (c as u32) > 0x9F && !c.is_whitespace() && !not_iri_char(c) => out.push(c),
            c => percent_encode(out, c),
        }
    }
}

/// Characters above U+009F that RFC 3987 still keeps out of IRIs (specials such as U+FFFD,
/// private use, non-characters).
fn not_iri_char(c: char) -> bool {
    matches!(c as u32,
        0xD800..=0xF8FF | 0xFDD0..=0xFDEF | 0xFFF0..=0xFFFF | 0xE0000..=0xE0FFF | 0xF0000..)
        || (c as u32) & 0xFFFE == 0xFFFE
}

fn percent_encode(out: &mut String, c: char) {
    use std::fmt::Write;
    let mut buf = [0u8; 4];
    for b in c.encode_utf8(&mut buf).bytes() {
        let _ = write!(out, "%{b:02X}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `Hashes` answers as a `HashSet` would, across growth and clearing (the lowest bit aside).
    #[test]
    fn hashes_is_a_set() {
        let mut set = Hashes::default();
        let mut reference = HashSet::new();
        let mut x = 0x9e37_79b9_7f4a_7c15_u64;
        for round in 0..3 {
            for k in 0..5000u64 {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                // Values repeat (k % 700), and colliding slots are many (equal high halves).
                let h = if k % 3 == 0 { (k % 700) << 1 } else { x & !1 };
                assert_eq!(set.insert(h), reference.insert(h), "round {round}, {k}");
            }
            set.clear();
            reference.clear();
        }
        assert!(
            set.insert(2) && !set.insert(3),
            "only the lowest bit differs"
        );
    }

    /// Scores are written as `format!("{:.2}")` writes them, ties (0.125, 0.875) included.
    #[test]
    fn two_decimals_is_format() {
        let mut buf = [0u8; 24];
        let mut xs: Vec<f32> = (0..=20_000).map(|k| k as f32 / 8000.0).collect();
        xs.extend((0..=1000).map(|k| k as f32 * 0.01));
        xs.extend([0.0, 0.005, 0.015, 0.845, 0.995, 1.0, 999_999.9, 123.456]);
        for x in xs {
            assert_eq!(
                two_decimals(x, &mut buf),
                Some(format!("{x:.2}").as_str()),
                "{x}"
            );
        }
        for x in [-0.5, -0.0, f32::NAN, f32::INFINITY, 1e6] {
            assert_eq!(two_decimals(x, &mut buf), None);
        }
    }

    /// The ASCII fold is the general one (NFKD without marks) on ASCII values, and values fold
    /// into a key one after another.
    #[test]
    fn ascii_fold_is_the_unicode_fold() {
        let ascii: String = (0u8..0x80).map(char::from).collect();
        for v in [
            "",
            "  Smith, John,  1900-1980. ",
            "A-B--c",
            "(OCoLC)123",
            "x\ty",
            &ascii,
        ] {
            let mut fast = String::new();
            fold_into(&mut fast, v);
            let mut unicode = String::new();
            let marks = unicode_normalization::char::is_combining_mark;
            fold_chars(&mut unicode, v.nfkd().filter(|&c| !marks(c)));
            assert_eq!(fast, unicode, "{v:?}");
        }
        // Each value after a space; nothing for one without letters or digits.
        let mut key = String::new();
        for v in [
            "  Smith, John,  1900-1980. ",
            "--",
            "Émile  Zola",
            "(OCoLC)12",
        ] {
            fold_into(&mut key, v);
        }
        assert_eq!(key, "smith john 1900 1980 emile zola ocolc 12");
    }

    /// Where a template is valid by construction, every value it is given makes an IRI that
    /// `NamedNode::new` accepts: the check it skips could never fail.
    #[test]
    fn templates_valid_by_construction_give_valid_iris() {
        let base = "https://w3id.org/crosswalk/";
        let text = |s: &str| Piece::Text(s.to_string());
        let fast = [
            vec![Piece::Base, Piece::Collection, text("/"), Piece::Record],
            vec![text("http://purl.org/dc/dcmitype/"), Piece::Value],
            vec![Piece::Base, text("agent/"), Piece::Hash],
            vec![Piece::Base, text("scheme/"), Piece::Value, text("/x@y:z")],
        ];
        let slow = [
            vec![Piece::Value],
            vec![text("http://h:"), Piece::Value],
            vec![text("urn:x:"), Piece::Value],
            vec![Piece::Base, text("?q="), Piece::Value],
            vec![Piece::Base, text("a b/"), Piece::Value],
            vec![Piece::Base],
        ];
        for pieces in slow {
            assert!(!Template::new(pieces).valid_by_construction(base));
        }
        let values = [
            "",
            "a b",
            "<>\"{}|\\^`%",
            "é日本\u{a0}\u{fffd}\u{fdd0}\u{e000}\u{10fffe}\u{1f600}",
            "\u{0}\u{7f}\u{9f}\u{2028}",
            "../..",
            "http://x.org/y?z#w",
        ];
        for pieces in fast {
            let t = Template::new(pieces);
            assert!(t.valid_by_construction(base));
            for v in values {
                let mut iri = String::new();
                for p in &t.pieces {
                    match p {
                        Piece::Text(s) => iri.push_str(s),
                        Piece::Base => iri.push_str(base),
                        Piece::Hash => iri.push_str("0123456789abcdef"),
                        _ => encode_into(&mut iri, v),
                    }
                }
                assert!(NamedNode::new(&iri).is_ok(), "{iri:?}");
            }
        }
    }
}
