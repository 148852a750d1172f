//! Normalisation of headings and labels, in the way catalogers compare them.
//!
//! Two strings that a cataloger would call "the same heading" get the same *key*. The rules, in
//! the order they apply (each has a unit test named after it):
//!
//! 1. **ISBD and trailing punctuation** ([`trim_isbd`]): the punctuation that ends a field in a
//!    record is not part of the heading. `"Smith, John, 1900-1980."` → `"Smith, John, 1900-1980"`,
//!    `"Cats :"` → `"Cats"`. A period after a single-letter initial stays (`"Smith, J."`), and so
//!    does a closing parenthesis or an ellipsis.
//! 2. **Compatibility decomposition (NFKD) with diacritics folded**: `"Dvořák"` → `"dvorak"`,
//!    `"ﬁ"` → `"fi"`, `"²"` → `"2"`. Letters that do not decompose but that NACO folds to a base
//!    letter are folded too: `æ`→`ae`, `œ`→`oe`, `ø`→`o`, `ß`→`ss`, `þ`→`th`, `ð`→`d`, `đ`→`d`,
//!    `ł`→`l`, `ı`→`i`.
//! 3. **Case folding**: `"World War"` and `"World war"` compare equal.
//! 4. **NACO punctuation** (the *Authority File Comparison Rules*): the apostrophe and square
//!    brackets are deleted (`"Children's"` → `"childrens"`, `"[Map]"` → `"map"`); `& # + @ $ % *`
//!    are kept; every other punctuation or symbol character becomes a blank
//!    (`"Smith-Jones"` → `"smith jones"`, `"Hamlet (Legendary character)"` →
//!    `"hamlet legendary character"`).
//! 5. **The first comma**: in a heading's main term only the first comma is significant and is
//!    kept as `,` (`"Smith, John, 1900-1980"` → `"smith, john 1900 1980"`), so that the surname
//!    boundary survives: `"Smith, John"` and `"Smith John"` are different names. Later commas
//!    become blanks. Subdivisions keep no comma.
//! 6. **Whitespace**: runs of blanks (including no-break and other Unicode spaces) become one
//!    blank; blanks at either end and before the kept comma are dropped.
//!
//! **Subdivisions are structure, not text**: a [`Heading`] is a main term plus a list of
//! subdivisions, read from MARC subfields (`$a` … + `$v $x $y $z`) or from strings with `--`
//! (how EAD, DC and LCSH displays write them). [`Heading::key`] is the key of the whole heading,
//! [`Heading::main_key`] that of the main term alone; the key joins the normalised parts with
//! `--`, which rule 4 guarantees never occurs inside a part.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Separator of the parts of a heading key (never produced inside a normalised part).
pub const KEY_SEPARATOR: &str = "--";

/// Removes ISBD and trailing punctuation (rule 1).
///
/// ```
/// use crosswalk::authority::normalize::trim_isbd;
/// assert_eq!(trim_isbd("Smith, John, 1900-1980."), "Smith, John, 1900-1980");
/// assert_eq!(trim_isbd("Cats :"), "Cats");
/// assert_eq!(trim_isbd("Smith, J."), "Smith, J.");
/// ```
pub fn trim_isbd(s: &str) -> &str {
    let mut s = s.trim();
    loop {
        let before = s;
        if s.ends_with("...") || s.ends_with('…') {
            return s;
        }
        if let Some(rest) = s.strip_suffix(['/', ':', ';', '=', ',']) {
            s = rest.trim_end();
        } else if let Some(rest) = s.strip_suffix('.') {
            // Keep the period of an initial: "Smith, J." / "Adams, J. Q."
            let last_word = rest.rsplit([' ', '.', ',']).next().unwrap_or("");
            let mut chars = last_word.chars();
            let initial =
                matches!((chars.next(), chars.next()), (Some(c), None) if c.is_uppercase());
            if initial {
                return s;
            }
            s = rest.trim_end();
        }
        if s.len() == before.len() {
            return s;
        }
    }
}

/// Folds one character for comparison (rules 2 and 3), appending the result to `out`.
fn fold_char(c: char, out: &mut String) {
    match c {
        'æ' | 'Æ' => out.push_str("ae"),
        'œ' | 'Œ' => out.push_str("oe"),
        'ø' | 'Ø' => out.push('o'),
        'ß' | 'ẞ' => out.push_str("ss"),
        'þ' | 'Þ' => out.push_str("th"),
        'ð' | 'Ð' | 'đ' | 'Đ' => out.push('d'),
        'ł' | 'Ł' => out.push('l'),
        'ı' => out.push('i'),
        _ => {
            for l in c.to_lowercase() {
                out.push(l);
            }
        }
    }
}

/// What rule 4 does with a character.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Keep,
    Delete,
    Blank,
    Comma,
}

fn classify(c: char) -> Class {
    match c {
        ',' => Class::Comma,
        '\'' | '\u{2019}' | '\u{2018}' | '\u{02BC}' | '\u{02BB}' | '[' | ']' => Class::Delete,
        '&' | '#' | '+' | '@' | '$' | '%' | '*' => Class::Keep,
        c if c.is_alphanumeric() => Class::Keep,
        _ => Class::Blank,
    }
}

/// Writes the NACO key of one part (rules 2–6) into `out`, which is cleared first.
/// `first_comma` keeps the first comma (rule 5).
pub(crate) fn key_into(s: &str, first_comma: bool, out: &mut String) {
    out.clear();
    let s = trim_isbd(s);
    let mut comma_kept = !first_comma;
    let mut pending_blank = false;
    let push =
        |c: char, out: &mut String, pending: &mut bool, comma_kept: &mut bool| match classify(c) {
            Class::Keep => {
                if *pending && !out.is_empty() {
                    out.push(' ');
                }
                *pending = false;
                fold_char(c, out);
            }
            Class::Delete => {}
            Class::Blank => *pending = true,
            Class::Comma => {
                if !*comma_kept && !out.is_empty() {
                    *comma_kept = true;
                    out.push(',');
                    *pending = true;
                } else {
                    *pending = true;
                }
            }
        };
    if s.is_ascii() {
        // ASCII is its own NFKD and folds byte by byte: the common, fast path.
        for &b in s.as_bytes() {
            if b.is_ascii_alphanumeric() {
                if pending_blank && !out.is_empty() {
                    out.push(' ');
                }
                pending_blank = false;
                out.push(b.to_ascii_lowercase() as char);
            } else {
                push(b as char, out, &mut pending_blank, &mut comma_kept);
            }
        }
    } else {
        for c in s.nfkd() {
            if is_combining_mark(c) {
                continue;
            }
            push(c, out, &mut pending_blank, &mut comma_kept);
        }
    }
    // A comma kept as the last thing ("Smith,") says nothing.
    if out.ends_with(',') {
        out.pop();
    }
}

/// The normalised key of one term (a main term: the first comma is kept).
///
/// ```
/// use crosswalk::authority::normalize::normalize;
/// assert_eq!(normalize("Dvořák, Antonín, 1841-1904."), "dvorak, antonin 1841 1904");
/// assert_eq!(normalize("World war, 1939-1945"), normalize("World War, 1939-1945"));
/// ```
pub fn normalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    key_into(s, true, &mut out);
    out
}

/// The normalised key of a subdivision (no comma is significant).
///
/// ```
/// use crosswalk::authority::normalize::normalize_subdivision;
/// assert_eq!(normalize_subdivision("History, Military"), "history military");
/// ```
pub fn normalize_subdivision(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    key_into(s, false, &mut out);
    out
}

/// The kind of a subdivision, from its MARC subfield code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SubdivisionKind {
    /// `$x`: general (topical) subdivision.
    General,
    /// `$y`: chronological subdivision.
    Chronological,
    /// `$z`: geographic subdivision.
    Geographic,
    /// `$v`: form subdivision.
    Form,
    /// From a `--` string: the kind is not written.
    Unknown,
}

impl SubdivisionKind {
    /// The kind of a MARC subfield code, if it is a subdivision code.
    pub fn from_code(code: char) -> Option<Self> {
        Some(match code {
            'x' => Self::General,
            'y' => Self::Chronological,
            'z' => Self::Geographic,
            'v' => Self::Form,
            _ => return None,
        })
    }
}

/// One subdivision of a heading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subdivision {
    /// Its kind.
    pub kind: SubdivisionKind,
    /// Its text as written (ISBD punctuation trimmed).
    pub text: String,
}

/// A heading: a main term and its subdivisions.
///
/// ```
/// use crosswalk::authority::normalize::Heading;
/// let ead = Heading::parse("World War, 1939-1945--Underground movements--France");
/// let marc = Heading::from_subfields([
///     ('a', "World War, 1939-1945"),
///     ('x', "Underground movements"),
///     ('z', "France."),
/// ]);
/// assert_eq!(ead.key(), marc.key());
/// assert_eq!(ead.main_key(), "world war, 1939 1945");
/// assert_eq!(marc.subdivisions.len(), 2);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Heading {
    /// The main term as written (for MARC, `$a` and the other non-subdivision subfields joined
    /// with blanks).
    pub main: String,
    /// The subdivisions, in order.
    pub subdivisions: Vec<Subdivision>,
}

impl Heading {
    /// Reads a heading written as a string with `--` between the parts (blanks around the
    /// separator do not matter).
    pub fn parse(s: &str) -> Self {
        let mut all = Vec::new();
        for_each_part(s, |p| all.push(p));
        let mut parts = all.into_iter();
        let main = trim_isbd(parts.next().unwrap_or("")).to_string();
        let subdivisions = parts
            .map(trim_isbd)
            .filter(|p| !p.is_empty())
            .map(|p| Subdivision {
                kind: SubdivisionKind::Unknown,
                text: p.to_string(),
            })
            .collect();
        Heading { main, subdivisions }
    }

    /// Reads a heading from MARC subfields (code, value): `$v $x $y $z` are subdivisions;
    /// control subfields (`$0`–`$9`), relator terms and codes (`$e $4`) and the source (`$2`)
    /// are left out; every other subfield belongs to the main term.
    pub fn from_subfields<'a>(subfields: impl IntoIterator<Item = (char, &'a str)>) -> Self {
        let mut h = Heading::default();
        for (code, value) in subfields {
            if code.is_ascii_digit() || matches!(code, 'e' | 'w' | 'i') {
                continue;
            }
            if let Some(kind) = SubdivisionKind::from_code(code) {
                let text = trim_isbd(value);
                if !text.is_empty() {
                    h.subdivisions.push(Subdivision {
                        kind,
                        text: text.to_string(),
                    });
                }
            } else if h.subdivisions.is_empty() {
                let v = value.trim();
                if !v.is_empty() {
                    if !h.main.is_empty() {
                        h.main.push(' ');
                    }
                    h.main.push_str(v);
                }
            }
        }
        let trimmed = trim_isbd(&h.main).len();
        h.main.truncate(trimmed);
        h
    }

    /// The heading as LCSH displays it: parts joined with `--`.
    pub fn display(&self) -> String {
        let mut s = self.main.clone();
        for sub in &self.subdivisions {
            s.push_str("--");
            s.push_str(&sub.text);
        }
        s
    }

    /// The normalised key of the main term.
    pub fn main_key(&self) -> String {
        normalize(&self.main)
    }

    /// The normalised key of the whole heading: the parts' keys joined with `--`.
    pub fn key(&self) -> String {
        let mut out = String::new();
        let mut buf = String::new();
        key_into(&self.main, true, &mut out);
        for sub in &self.subdivisions {
            key_into(&sub.text, false, &mut buf);
            out.push_str(KEY_SEPARATOR);
            out.push_str(&buf);
        }
        out
    }
}

/// Writes the key of a label or query into `out` (cleared first) without allocating beyond
/// `out` and `buf`: the heading key when the text has `--` subdivisions, else the normalised
/// term. The same as `Heading::parse(text).key()`.
pub fn heading_key_into(text: &str, out: &mut String, buf: &mut String) {
    out.clear();
    let mut first = true;
    for_each_part(text, |p| {
        if first {
            key_into(p, true, buf);
            out.push_str(buf);
            first = false;
        } else if !trim_isbd(p).is_empty() {
            key_into(p, false, buf);
            out.push_str(KEY_SEPARATOR);
            out.push_str(buf);
        }
    });
}

/// Calls `f` with each part of a heading string, split at the subdivision separators (`--`;
/// a longer run of hyphens is one separator). A single hyphen (dates: `1939-1945`) and dashes
/// with blanks around them (`Attribution — NonCommercial`, a title) do not split.
fn for_each_part<'a>(s: &'a str, mut f: impl FnMut(&'a str)) {
    let bytes = s.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i + 1 < bytes.len() {
        if bytes[i] == b'-' && bytes[i + 1] == b'-' {
            f(s[start..i].trim());
            i += 2;
            while i < bytes.len() && bytes[i] == b'-' {
                i += 1;
            }
            start = i;
        } else {
            i += 1;
        }
    }
    f(s[start..].trim());
}

/// The key under which the index files a notation or code: trimmed, lower-cased, trailing
/// hyphens and blanks dropped (MARC pads geographic area codes: `n-us---` = `n-us`).
///
/// ```
/// use crosswalk::authority::normalize::notation_key;
/// assert_eq!(notation_key(" n-us--- "), "n-us");
/// assert_eq!(notation_key("AUT"), "aut");
/// ```
pub fn notation_key(s: &str) -> String {
    s.trim().trim_end_matches(['-', ' ']).to_lowercase()
}

/// The key of an identifier: a control number without blanks (`"sh 85148273 "` →
/// `"sh85148273"`, as the LCCN normalisation rules say), or an IRI as written.
///
/// ```
/// use crosswalk::authority::normalize::identifier_key;
/// assert_eq!(identifier_key("sh 85148273 "), "sh85148273");
/// assert_eq!(identifier_key("n  79021164"), "n79021164");
/// ```
pub fn identifier_key(s: &str) -> String {
    let s = s.trim();
    if s.contains("://") || s.starts_with("urn:") {
        return s.to_string();
    }
    // LCCN: drop blanks, and a revision/suffix after '/'.
    let s = s.split('/').next().unwrap_or(s);
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule1_isbd_trailing_punctuation() {
        assert_eq!(
            trim_isbd("Smith, John, 1900-1980."),
            "Smith, John, 1900-1980"
        );
        assert_eq!(trim_isbd("Cats :"), "Cats");
        assert_eq!(trim_isbd("Title /"), "Title");
        assert_eq!(trim_isbd("Title ;"), "Title");
        assert_eq!(trim_isbd("Title = Titre ="), "Title = Titre");
        assert_eq!(trim_isbd("France."), "France");
        assert_eq!(trim_isbd("Smith, J."), "Smith, J.");
        assert_eq!(trim_isbd("Adams, John Q."), "Adams, John Q.");
        assert_eq!(
            trim_isbd("Hamlet (Legendary character)"),
            "Hamlet (Legendary character)"
        );
        assert_eq!(trim_isbd("And so on..."), "And so on...");
        assert_eq!(trim_isbd("  "), "");
    }

    #[test]
    fn rule2_nfkd_diacritics_folded() {
        assert_eq!(normalize("Dvořák"), "dvorak");
        assert_eq!(normalize("Ｆｕｌｌｗｉｄｔｈ"), "fullwidth");
        assert_eq!(normalize("ﬁnance"), "finance");
        assert_eq!(normalize("x²"), "x2");
        assert_eq!(normalize("Ærø"), "aero");
        assert_eq!(normalize("Straße"), "strasse");
        assert_eq!(normalize("Łódź"), "lodz");
        assert_eq!(normalize("Þór"), "thor");
        // Decomposed input gives the same key as precomposed.
        assert_eq!(normalize("Cafe\u{301}"), normalize("Café"));
    }

    #[test]
    fn rule3_case_folding() {
        assert_eq!(normalize("WORLD War"), normalize("world war"));
        assert_eq!(normalize("Ελλάδα"), "ελλαδα");
    }

    #[test]
    fn rule4_naco_punctuation() {
        assert_eq!(normalize("Children's literature"), "childrens literature");
        assert_eq!(normalize("[Map]"), "map");
        assert_eq!(normalize("Smith-Jones"), "smith jones");
        assert_eq!(
            normalize("Hamlet (Legendary character)"),
            "hamlet legendary character"
        );
        assert_eq!(
            normalize("C++ (Computer program language)"),
            "c++ computer program language"
        );
        assert_eq!(normalize("AT&T"), "at&t");
        assert_eq!(normalize("U.S.A."), "u s a");
    }

    #[test]
    fn rule5_first_comma() {
        assert_eq!(normalize("Smith, John, 1900-1980"), "smith, john 1900 1980");
        assert_ne!(normalize("Smith, John"), normalize("Smith John"));
        assert_eq!(normalize("Smith , John"), "smith, john");
        assert_eq!(normalize(", Smith"), "smith");
        assert_eq!(
            normalize_subdivision("History, Military"),
            "history military"
        );
    }

    #[test]
    fn rule6_whitespace() {
        assert_eq!(normalize("  World\u{a0}\u{a0}War \t II "), "world war ii");
        assert_eq!(normalize("a  --  b"), "a b");
    }

    #[test]
    fn headings_from_strings_and_subfields() {
        let a = Heading::parse("World War, 1939-1945--Underground movements--France");
        let b = Heading::parse("World War, 1939-1945 -- Underground movements -- France.");
        let c = Heading::parse("World War, 1939-1945---Underground movements --France");
        let d = Heading::from_subfields([
            ('a', "World War, 1939-1945"),
            ('x', "Underground movements"),
            ('z', "France."),
            ('0', "http://example.org/x"),
            ('2', "lcsh"),
        ]);
        assert_eq!(
            a.key(),
            "world war, 1939 1945--underground movements--france"
        );
        for h in [&b, &c, &d] {
            assert_eq!(h.key(), a.key());
        }
        assert_eq!(d.subdivisions[0].kind, SubdivisionKind::General);
        assert_eq!(d.subdivisions[1].kind, SubdivisionKind::Geographic);
        assert_eq!(
            a.display(),
            "World War, 1939-1945--Underground movements--France"
        );
        // A dash between blanks is not a separator.
        assert_eq!(
            Heading::parse("Attribution \u{2014} NonCommercial")
                .subdivisions
                .len(),
            0
        );
        // A date range is not a subdivision.
        assert_eq!(
            Heading::parse("Lincoln, Abraham, 1809-1865")
                .subdivisions
                .len(),
            0
        );
        // Name with dates from subfields.
        let n = Heading::from_subfields([('a', "Lincoln, Abraham,"), ('d', "1809-1865.")]);
        assert_eq!(n.main, "Lincoln, Abraham, 1809-1865");
        assert_eq!(n.main_key(), "lincoln, abraham 1809 1865");
    }

    #[test]
    fn heading_key_into_agrees_with_heading_parse() {
        let (mut out, mut buf) = (String::new(), String::new());
        for s in [
            "World War, 1939-1945--Underground movements--France.",
            "Smith, John, 1900-1980",
            "A -- b, c ---d--",
            "--x",
            "Dvořák--Criticism, interpretation, etc.",
        ] {
            heading_key_into(s, &mut out, &mut buf);
            assert_eq!(out, Heading::parse(s).key(), "{s}");
        }
    }

    #[test]
    fn notation_and_identifier_keys() {
        assert_eq!(notation_key("n-us---"), "n-us");
        assert_eq!(identifier_key("sh 85148273 "), "sh85148273");
        assert_eq!(identifier_key("n 79021164 //r86"), "n79021164");
        assert_eq!(
            identifier_key(" http://id.loc.gov/authorities/subjects/sh85148273 "),
            "http://id.loc.gov/authorities/subjects/sh85148273"
        );
    }
}
