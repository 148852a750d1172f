//! Text transforms: ISBD punctuation, brackets, white space, Unicode normalisation, substrings.

use std::borrow::Cow;

use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

/// Abbreviations whose final full stop is part of the word, compared case-insensitively without
/// the full stop. Kept short on purpose: words that cataloguers abbreviate at the end of a name or
/// a statement (`Jr.`, `ed.`, `Inc.`), not at the end of a title.
const ABBREVIATIONS: &[&str] = &[
    "jr", "sr", "ed", "eds", "comp", "comps", "trans", "tr", "illus", "ill", "inc", "co", "corp",
    "ltd", "bros", "st", "dr", "mr", "mrs", "ms", "esq", "etc", "ca", "cf", "no", "nos", "vol",
    "vols", "v", "p", "pp", "col", "cols", "fig", "figs", "ser", "pt", "pts", "rev", "enl", "repr",
    "approx", "cm", "mm", "min", "sec", "hrsg", "bd", "jahrg", "fl", "b", "d", "cent", "op", "arr",
];

/// Whether the word that ends `s` (before its final `.`) is an abbreviation whose `.` must stay.
fn ends_with_abbreviation(s: &str) -> bool {
    let body = &s[..s.len() - 1]; // without the final '.'
    let word_start = body
        .rfind(|c: char| c.is_whitespace() || "([,;:/".contains(c))
        .map_or(0, |i| {
            i + body[i..].chars().next().map_or(1, char::len_utf8)
        });
    let word = &body[word_start..];
    if word.is_empty() {
        return false;
    }
    // "U.S.", "Ph.D.", "e.g.": a full stop inside the word marks an abbreviation.
    if word.contains('.') {
        return !word.ends_with('.'); // but not "etc.." or "..." (handled by the caller)
    }
    let mut chars = word.chars();
    // A single capital letter: an initial ("Smith, John A."), kept.
    if let (Some(c), None) = (chars.next(), chars.next()) {
        if c.is_uppercase() {
            return true;
        }
    }
    ABBREVIATIONS.iter().any(|a| a.eq_ignore_ascii_case(word))
}

/// Strip the ISBD punctuation that ends a MARC subfield.
///
/// The rule, applied repeatedly until nothing changes:
/// 1. trailing white space goes;
/// 2. a trailing ` /`, ` :`, ` ;`, ` =` (mark preceded by a space) goes, as do a trailing `,`,
///    `;`, `:` and `/` attached to the word (LoC's MARC→MODS stylesheet chops `.,:;/` and spaces);
/// 3. a trailing `.` goes unless the value ends in `...` (an ellipsis, kept whole) or the word
///    before it is an abbreviation: a word with a full stop inside (`U.S.`, `Ph.D.`), a single
///    capital letter (an initial: `Smith, John A.`; so `World War I.` keeps its stop too), or one
///    of a short list (`Jr.`, `Sr.`, `ed.`, `eds.`, `Inc.`, `Co.`, `Ltd.`, `etc.`, `ca.`, `v.`,
///    `p.`, `cm.`…).
///
/// `=` is only stripped after a space, since a bare `=` can be part of a value. The result borrows
/// from the input.
///
/// ```
/// use crosswalk::crosswalk::transform::text::trim_isbd;
///
/// assert_eq!(trim_isbd("Moby Dick /"), "Moby Dick");
/// assert_eq!(trim_isbd("New York :"), "New York");
/// assert_eq!(trim_isbd("Melville, Herman,"), "Melville, Herman");
/// assert_eq!(trim_isbd("The whale."), "The whale");
/// assert_eq!(trim_isbd("King, Martin Luther, Jr."), "King, Martin Luther, Jr.");
/// assert_eq!(trim_isbd("Printed in the U.S."), "Printed in the U.S.");
/// assert_eq!(trim_isbd("Smith, John A."), "Smith, John A.");
/// assert_eq!(trim_isbd("And then..."), "And then...");
/// ```
pub fn trim_isbd(value: &str) -> &str {
    let mut s = value.trim_end();
    loop {
        if !s.ends_with(['/', ':', ';', '=', ',', '.']) {
            // Nothing below would cut anything (the usual case): no need to look further.
            return s.trim_start();
        }
        let before = s.len();
        for mark in [" /", " :", " ;", " ="] {
            if let Some(rest) = s.strip_suffix(mark) {
                s = rest;
            }
        }
        if let Some(rest) = s.strip_suffix([',', ';', ':', '/']) {
            s = rest;
        }
        if s.ends_with('.') && !s.ends_with("...") && !ends_with_abbreviation(s) {
            s = &s[..s.len() - 1];
        }
        s = s.trim_end();
        if s.len() == before {
            return s.trim_start();
        }
    }
}

/// Strip cataloguer's square brackets at the edges of a value.
///
/// A value wholly enclosed in one pair (`[London]`) loses the pair; an unmatched `[` at the start
/// (`[London :` — the bracket closes in a later subfield) or an unmatched `]` at the end
/// (`Methuen, 1999]`) goes. Brackets inside the value (`Title [sic]`, `1999 [i.e. 2000]`) and
/// matched pairs that do not enclose the whole value (`[London] : [s.n.]`) are kept.
///
/// ```
/// use crosswalk::crosswalk::transform::text::strip_brackets;
///
/// assert_eq!(strip_brackets("[London]"), "London");
/// assert_eq!(strip_brackets("[London :"), "London :");
/// assert_eq!(strip_brackets("Methuen, 1999]"), "Methuen, 1999");
/// assert_eq!(strip_brackets("A tale [sic]"), "A tale [sic]");
/// assert_eq!(strip_brackets("[London] : [s.n.]"), "[London] : [s.n.]");
/// ```
pub fn strip_brackets(value: &str) -> &str {
    let s = value.trim();
    if !s.starts_with('[') && !s.ends_with(']') {
        return s;
    }
    let opens = s.matches('[').count();
    let closes = s.matches(']').count();
    let stripped = match (s.strip_prefix('['), s.strip_suffix(']')) {
        (Some(_), Some(_)) if opens == 1 && closes == 1 => Some(&s[1..s.len() - 1]),
        (Some(inner), None) if opens == 1 && closes == 0 => Some(inner),
        (None, Some(inner)) if opens == 0 && closes == 1 => Some(inner),
        _ => None,
    };
    stripped.map_or(s, str::trim)
}

/// Collapse every run of white space into one space and trim both ends.
///
/// ```
/// use crosswalk::crosswalk::transform::text::normalize_space;
///
/// assert_eq!(normalize_space("  a \n\t b  "), "a b");
/// ```
pub fn normalize_space(value: &str) -> Cow<'_, str> {
    let t = value.trim();
    let mut prev_space = false;
    let clean = t.chars().all(|c| {
        let ok = !(c.is_whitespace() && (prev_space || c != ' '));
        prev_space = c == ' ';
        ok
    });
    if clean {
        return Cow::Borrowed(t);
    }
    let mut out = String::with_capacity(t.len());
    for word in t.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    Cow::Owned(out)
}

/// Unicode NFC; borrows when the value is already in NFC.
///
/// ```
/// use crosswalk::crosswalk::transform::text::nfc;
///
/// assert_eq!(nfc("Cafe\u{301}"), "Caf\u{e9}");
/// ```
pub fn nfc(value: &str) -> Cow<'_, str> {
    if is_nfc_quick(value.chars()) == IsNormalized::Yes {
        Cow::Borrowed(value)
    } else {
        Cow::Owned(value.nfc().collect())
    }
}

/// Characters `start..end` of `value` (0-based, `end` exclusive, `None` = to the end), clipped to
/// the value's length.
///
/// ```
/// use crosswalk::crosswalk::transform::text::substring;
///
/// assert_eq!(substring("19990101", 0, Some(4)), "1999");
/// assert_eq!(substring("Zürich", 1, Some(3)), "ür");
/// assert_eq!(substring("abc", 5, None), "");
/// ```
pub fn substring(value: &str, start: usize, end: Option<usize>) -> &str {
    let byte_at = |n: usize| value.char_indices().nth(n).map_or(value.len(), |(i, _)| i);
    let from = byte_at(start);
    let to = end.map_or(value.len(), |e| byte_at(e.max(start)));
    &value[from..to]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn isbd_table() {
        let cases = [
            ("Moby Dick /", "Moby Dick"),
            ("Moby Dick / ", "Moby Dick"),
            ("Title :", "Title"),
            ("Title ;", "Title"),
            ("Title =", "Title"),
            ("a=b", "a=b"),
            ("Title.", "Title"),
            ("Title. /", "Title"),
            ("Smith, John,", "Smith, John"),
            ("Smith, John, Jr. ;", "Smith, John, Jr."),
            ("Smith, J. A.", "Smith, J. A."),
            ("edited by Jane Doe, ed.", "edited by Jane Doe, ed."),
            ("Acme Inc.", "Acme Inc."),
            ("Washington, D.C.", "Washington, D.C."),
            ("He said...", "He said..."),
            ("Title..", "Title"),
            ("etc..", "etc."),
            ("End (1999).", "End (1999)"),
            ("", ""),
            ("   ", ""),
            (".", ""),
            (" /", ""),
            ("/ : ; =", ""),
            ("Sämtliche Werke.", "Sämtliche Werke"),
            ("Ça ira.", "Ça ira"),
            ("Band É.", "Band É."),
            ("ä.", "ä"),
        ];
        for (input, want) in cases {
            assert_eq!(trim_isbd(input), want, "{input:?}");
        }
    }

    #[test]
    fn isbd_idempotent() {
        for s in ["Title /", "a ; b :", "Jr.", "x,.", "...", ". . ."] {
            let once = trim_isbd(s);
            assert_eq!(trim_isbd(once), once, "{s:?}");
        }
    }

    #[test]
    fn brackets_table() {
        let cases = [
            ("[London]", "London"),
            ("[London :", "London :"),
            ("London]", "London"),
            ("[1999?]", "1999?"),
            ("A tale [sic]", "A tale [sic]"),
            ("[London] : [s.n.]", "[London] : [s.n.]"),
            ("[[x]]", "[[x]]"),
            ("[", ""),
            ("]", ""),
            ("[]", ""),
            ("", ""),
            ("plain", "plain"),
            ("[a [b]", "[a [b]"),
        ];
        for (input, want) in cases {
            assert_eq!(strip_brackets(input), want, "{input:?}");
        }
    }

    #[test]
    fn space_and_nfc() {
        assert!(matches!(normalize_space("a b"), Cow::Borrowed("a b")));
        assert_eq!(normalize_space("a\u{a0}b"), "a b");
        assert_eq!(normalize_space("a  b"), "a b");
        assert_eq!(normalize_space(" \t\n "), "");
        assert!(matches!(nfc("abc"), Cow::Borrowed(_)));
        assert_eq!(nfc("A\u{30a}"), "\u{c5}");
    }

    #[test]
    fn substrings() {
        assert_eq!(substring("abcdef", 2, Some(4)), "cd");
        assert_eq!(substring("abcdef", 2, None), "cdef");
        assert_eq!(substring("abcdef", 4, Some(100)), "ef");
        assert_eq!(substring("", 0, Some(1)), "");
        assert_eq!(substring("日本語", 1, Some(2)), "本");
    }
}
