//! Every relator code and term (`$4`, `$e` of 1XX and 7XX) and every language code (008/35-37,
//! 041 `$a`) in the shared MARC corpus is resolved against the shipped `relators` and
//! `iso639-2` vocabularies, or reported with a reason. Prints distinct values and occurrences,
//! resolved and unresolved, and the most frequent unresolved values. Skipped without
//! `CROSSWALK_SHARED`.

#[path = "support/shared.rs"]
mod shared;

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use crosswalk::authority::{shipped, AuthorityIndex, Outcome, SchemeFilter};
use crosswalk::marc::{AnyReader, RecordBuf};

/// Tallies of one kind of value.
#[derive(Default)]
struct Tally {
    /// value → (occurrences, resolved, reason when not)
    values: BTreeMap<String, (usize, bool, &'static str)>,
}

impl Tally {
    fn add(&mut self, value: &str, resolved: bool, reason: &'static str) {
        let e = self
            .values
            .entry(value.to_string())
            .or_insert((0, resolved, reason));
        e.0 += 1;
    }

    fn report(&self, name: &str) -> (usize, usize) {
        let distinct = self.values.len();
        let occ: usize = self.values.values().map(|v| v.0).sum();
        let rd = self.values.values().filter(|v| v.1).count();
        let ro: usize = self.values.values().filter(|v| v.1).map(|v| v.0).sum();
        eprintln!(
            "{name}: {distinct} distinct ({rd} resolved, {} not), {occ} occurrences ({ro} resolved, {} not)",
            distinct - rd,
            occ - ro
        );
        let mut reasons: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
        for (n, ok, why) in self.values.values() {
            if !ok {
                let r = reasons.entry(why).or_default();
                r.0 += 1;
                r.1 += n;
            }
        }
        for (why, (d, o)) in &reasons {
            eprintln!("    unresolved, {why}: {d} distinct, {o} occurrences");
        }
        let mut top: Vec<_> = self.values.iter().filter(|(_, v)| !v.1).collect();
        top.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then(a.0.cmp(b.0)));
        for (v, (n, _, why)) in top.iter().take(15) {
            eprintln!("    {n:5}  {v:?}  ({why})");
        }
        (distinct, rd)
    }
}

/// Relator codes the id.loc.gov file marks deprecated (left out of `relators.ttl`).
fn deprecated_relators(shared: &Path) -> HashSet<String> {
    let text = std::fs::read_to_string(shared.join("vocab/relators/relators.madsrdf.ttl"))
        .unwrap_or_default();
    text.lines()
        .filter(|l| l.contains("madsrdf:DeprecatedAuthority"))
        .filter_map(|l| l.split("/relators/").nth(1))
        .filter_map(|l| l.split('>').next())
        .map(str::to_string)
        .collect()
}

/// MARC language codes, obsolete ones included (traject's copy of the LoC list).
fn marc_languages(shared: &Path) -> HashSet<String> {
    let text =
        std::fs::read_to_string(shared.join("vocab/traject/translation_maps/marc_languages.yaml"))
            .unwrap_or_default();
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split(':').next())
        .filter(|c| c.len() == 3)
        .map(str::to_string)
        .collect()
}

struct Resolver {
    index: AuthorityIndex,
    relators: SchemeFilter,
    languages: SchemeFilter,
    deprecated: HashSet<String>,
    marc_languages: HashSet<String>,
}

impl Resolver {
    fn relator_code(&self, raw: &str, t: &mut Tally) {
        let v = raw.trim().trim_end_matches(['.', ',']);
        if v.is_empty() {
            return;
        }
        let found = if v.starts_with("http") {
            matches!(
                self.index.lookup_identifier_filtered(v, &self.relators),
                Outcome::Found(_)
            )
        } else {
            matches!(
                self.index.lookup_notation(v, &self.relators),
                Outcome::Found(_)
            )
        };
        let why = if found {
            ""
        } else if self.deprecated.contains(&v.to_lowercase()) {
            "deprecated code"
        } else if v.len() != 3 || !v.chars().all(|c| c.is_ascii_alphabetic()) {
            "not a three-letter code (a term or garbage in $4)"
        } else {
            "unknown code (typo or local)"
        };
        t.add(v, found, why);
    }

    fn relator_term(&self, raw: &str, t: &mut Tally) {
        let v = raw.trim();
        if v.is_empty() {
            return;
        }
        let found = matches!(self.index.lookup(v, &self.relators), Outcome::Found(_));
        let bare = v.trim_end_matches(['.', ',', ';', ':']).trim();
        let why = if found {
            ""
        } else if !bare.is_ascii() {
            "not English (or not ASCII)"
        } else if bare.len() <= 6 && v.ends_with('.') {
            "abbreviation (ed., ill., comp.…)"
        } else if bare.contains(" and ") || bare.contains(',') || bare.contains('&') {
            "several roles in one $e"
        } else {
            "term not in the relator list (other language, obsolete or free text)"
        };
        t.add(v, found, why);
    }

    fn language(&self, raw: &str, t: &mut Tally) {
        let v = raw.trim();
        if v.is_empty() {
            return;
        }
        let found = matches!(
            self.index.lookup_notation(v, &self.languages),
            Outcome::Found(_)
        );
        let why = if found {
            ""
        } else if v.chars().all(|c| c == '|' || c == ' ' || c == '#') {
            "fill or blank (no code)"
        } else if v.len() > 3
            && v.len().is_multiple_of(3)
            && v.chars().all(|c| c.is_ascii_alphabetic())
        {
            "several codes run together in one $a (pre-2001 practice)"
        } else if self.marc_languages.contains(&v.to_lowercase()) {
            "MARC code not in ISO 639-2 (obsolete MARC code)"
        } else {
            "unknown code (typo or garbage)"
        };
        t.add(v, found, why);
    }
}

#[test]
fn corpus_relator_and_language_codes_resolve_or_are_reported() {
    let Some(shared) = shared::shared() else {
        return;
    };
    let vocab = shipped(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("vocabularies"),
        &["relators", "iso639-2"],
    )
    .unwrap();
    let index = AuthorityIndex::new(vocab);
    let r = Resolver {
        relators: index.filter(&["relators"]),
        languages: index.filter(&["iso639-2"]),
        index,
        deprecated: deprecated_relators(&shared),
        marc_languages: marc_languages(&shared),
    };

    let mut files: Vec<PathBuf> = Vec::new();
    for d in ["marc-bin", "marc-xml", "marc-json"] {
        shared::files(&shared.join("corpus").join(d), &mut files);
    }
    let (mut codes, mut terms, mut langs008, mut langs041) = (
        Tally::default(),
        Tally::default(),
        Tally::default(),
        Tally::default(),
    );
    let mut records = 0usize;
    for path in &files {
        let Ok(mut reader) = AnyReader::open(path, None, true) else {
            continue;
        };
        let mut rec = RecordBuf::new();
        loop {
            match reader.read_record(&mut rec) {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) if e.fatal => break,
                Err(_) => continue,
            }
            records += 1;
            for f in rec.fields() {
                let tag = f.tag();
                let t = tag.as_str();
                if t == "008" {
                    if let Some(v) = f.value() {
                        if let Some(code) = v.get(35..38) {
                            r.language(code, &mut langs008);
                        }
                    }
                } else if t == "041" {
                    for s in f.subfields().filter(|s| s.code == 'a') {
                        r.language(s.value, &mut langs041);
                    }
                } else if (t.starts_with('1') || t.starts_with('7')) && !f.is_control() {
                    // $e is the relator term in X00/X10/X20-less fields; in X11 it is a
                    // subordinate unit and $j the relator term.
                    let meeting = t.ends_with("11");
                    for s in f.subfields() {
                        match s.code {
                            '4' => r.relator_code(s.value, &mut codes),
                            'e' if !meeting => r.relator_term(s.value, &mut terms),
                            'j' if meeting => r.relator_term(s.value, &mut terms),
                            _ => {}
                        }
                    }
                }
            }
        }
    }
    eprintln!(
        "\n{records} records read from {} files (the binary and XML folders hold some of the same records)",
        files.len()
    );
    let (cd, cr) = codes.report("relator codes ($4 in 1XX/7XX)");
    let (td, tr) = terms.report("relator terms ($e in X00/X10/X30, $j in X11)");
    let (ld, lr) = langs008.report("language codes (008/35-37)");
    let (md, mr) = langs041.report("language codes (041 $a)");
    assert!(records > 3000, "{records}");
    assert!(cd > 0 && td > 0 && ld > 0 && md > 0);
    eprintln!("resolved distinct: codes {cr}/{cd}, terms {tr}/{td}, 008 {lr}/{ld}, 041 {mr}/{md}");
    // Real, messy data: what does not resolve is reported above with its reason; the language
    // codes, which catalogues take from a closed list, resolve almost everywhere.
    let share = |t: &Tally| {
        let all: usize = t.values.values().map(|v| v.0).sum();
        let ok: usize = t.values.values().filter(|v| v.1).map(|v| v.0).sum();
        ok as f64 / all.max(1) as f64
    };
    assert!(share(&langs008) >= 0.95, "008: {}", share(&langs008));
    assert!(share(&langs041) >= 0.9, "041: {}", share(&langs041));
}
