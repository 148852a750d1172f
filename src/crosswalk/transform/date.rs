//! Dates: MARC 008, 260/264 `$c`, EAD `@normal` → `xsd:gYear` / `xsd:gYearMonth` / `xsd:date`
//! where the date is exact, an EDTF literal otherwise.
//!
//! The rule: a value that names one exact year, month or day becomes the XSD type of that
//! precision; anything uncertain (`?`), approximate (`~`), partly unspecified (`199X`), a range
//! (`1999/2003`) or a choice (`[1971,1972]`) becomes an EDTF (ISO 8601-2) literal. Values that say
//! there is no date give no output; values that cannot be read give a [`DateError`].
//!
//! | transform | input | output | why |
//! |---|---|---|---|
//! | `date-marc008` | `1999` | `1999`^^xsd:gYear | |
//! | | `199u` | `199X`^^edtf | decade: `u` = unknown digit = EDTF `X` |
//! | | `19uu` | `19XX`^^edtf | century |
//! | | `uuuu`, `    `, `\|\|\|\|`, `9999` | none | unknown / blank / fill / "continuing" (`9999`) |
//! | | a whole 008 (≥ 15 characters) | its 07-10 | |
//! | `date-publication` | `1999`, `1999.`, `c1999.`, `©1999`, `p1999`, `[1999]` | `1999`^^xsd:gYear | copyright / phonogram mark dropped; brackets mean "supplied", not "uncertain" |
//! | | `[1999?]`, `1999?` | `1999?`^^edtf | probable |
//! | | `ca. 1850`, `[ca. 1850]`, `circa 1850`, `c. 1850` | `1850~`^^edtf | approximate (`c.` with a full stop is circa; `c` attached is copyright) |
//! | | `[ca. 1850?]` | `1850%`^^edtf | both |
//! | | `[197-]`, `[18--]` | `197X`, `18XX`^^edtf | decade / century |
//! | | `[197-?]` | `197X?`^^edtf | |
//! | | `1999-2003`, `1999-03` | `1999/2003`^^edtf | range (two-digit end year completed) |
//! | | `1999-` | `1999/..`^^edtf | open range (serials) |
//! | | `[between 1890 and 1899]` | `1890/1899`^^edtf | |
//! | | `[between 1890 and 1899?]` | `1890?/1899?`^^edtf | the `?` qualifies the whole statement, so both ends (EDTF qualifies each end separately) |
//! | | `[1971 or 1972]` | `[1971,1972]`^^edtf | EDTF "one of a set" |
//! | | `[after 1850]`, `[not before 1850]` | `1850/..`^^edtf | open end |
//! | | `[before 1900]`, `[not after 1900]` | `../1900`^^edtf | open start |
//! | | `1990s`, `ca. 1990s` | `199X`, `199X~`^^edtf | |
//! | | `19th century`, `[19th cent.?]` | `18XX`, `18XX?`^^edtf | |
//! | | `1999, c1998`, `1999; 2001 printing` | `1999`^^xsd:gYear | the first date (publication before copyright) |
//! | | `1999 [i.e. 2000]` | `2000`^^xsd:gYear | the correction wins |
//! | | `MCMXCIX.`, `M.DCC.LX.` | `1999`, `1760`^^xsd:gYear | roman numerals, when the whole value is one (1000-2100) |
//! | | `[n.d.]`, `s.a.`, `o.J.`, `[date of publication not identified]` | none | |
//! | `date-normal` | `1900` | `1900`^^xsd:gYear | |
//! | | `1900-01`, `190001` | `1900-01`^^xsd:gYearMonth | |
//! | | `1900-01-01`, `19000101` | `1900-01-01`^^xsd:date | month and day checked (leap years too) |
//! | | `1900/1950`, `19000101/19501231` | `1900/1950`, `1900-01-01/1950-12-31`^^edtf | |
//! | | `1900/1900` | `1900`^^xsd:gYear | a range of one |
//! | | `1900/..`, `1900/` | `1900/..`^^edtf | open end |
//! | | `1850~`, `199X`, `1900-01?` | same^^edtf | EDTF passes through |
//! | `date` | `19uu`-like 4-character 008 values | as `date-marc008` | |
//! | | else what `date-normal` reads | as `date-normal` (so `1900-01` is a month, not 1900-1901) | |
//! | | `YYYY-MM-DD`, `YYYYMMDD`, `YYYYMM` shapes that are not valid dates (`1900-13-01`) | error | |
//! | | else | as `date-publication` | |

use std::sync::LazyLock;

use regex::Regex;

use super::Datatype;

/// A date as a literal: its lexical form and datatype.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DateValue {
    /// The lexical form (`1999`, `1900-01-01`, `199X`, `1890?/1899?`).
    pub value: String,
    /// `xsd:gYear`, `xsd:gYearMonth`, `xsd:date` or EDTF.
    pub datatype: Datatype,
}

impl DateValue {
    fn new(value: impl Into<String>, datatype: Datatype) -> Self {
        DateValue {
            value: value.into(),
            datatype,
        }
    }
}

/// The value is not a date in the form the parser reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not a date")]
pub struct DateError;

/// Read a MARC 008 date (positions 07-10 or 11-14: `1999`, `19uu`, blanks, `9999`).
///
/// ```
/// use crosswalk::crosswalk::transform::{date::parse_marc008, Datatype};
///
/// let d = parse_marc008("19uu")?.unwrap();
/// assert_eq!((d.value.as_str(), d.datatype), ("19XX", Datatype::Edtf));
/// assert_eq!(parse_marc008("    ")?, None);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn parse_marc008(value: &str) -> Result<Option<DateValue>, DateError> {
    let chars: Vec<char> = value.chars().collect();
    let date: &[char] = if chars.len() >= 15 {
        &chars[7..11]
    } else {
        &chars
    };
    if date.iter().all(|c| *c == ' ' || *c == '|' || *c == '#') {
        return Ok(None);
    }
    if date.len() != 4 {
        return Err(DateError);
    }
    let mut out = String::with_capacity(4);
    for c in date {
        match c {
            '0'..='9' => out.push(*c),
            'u' | 'U' | 'x' | 'X' | '-' | ' ' | '#' => out.push('X'),
            _ => return Err(DateError),
        }
    }
    if out == "9999" || out == "XXXX" {
        return Ok(None);
    }
    let datatype = if out.contains('X') {
        Datatype::Edtf
    } else {
        Datatype::XsdGYear
    };
    Ok(Some(DateValue::new(out, datatype)))
}

/// One end of an ISO 8601 / EDTF date: year, month and day (digits or `X`) and a qualifier.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Point {
    year: String,
    month: Option<String>,
    day: Option<String>,
    qualifier: Option<char>,
}

impl Point {
    fn render(&self) -> String {
        let mut s = self.year.clone();
        for part in [&self.month, &self.day].into_iter().flatten() {
            s.push('-');
            s.push_str(part);
        }
        if let Some(q) = self.qualifier {
            s.push(q);
        }
        s
    }

    fn exact_datatype(&self) -> Option<Datatype> {
        if self.qualifier.is_some() || self.render().contains('X') {
            return None;
        }
        Some(match (&self.month, &self.day) {
            (None, _) => Datatype::XsdGYear,
            (Some(_), None) => Datatype::XsdGYearMonth,
            (Some(_), Some(_)) => Datatype::XsdDate,
        })
    }
}

fn is_digits_or_x(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| b.is_ascii_digit() || b == b'X')
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Read one ISO 8601 / EDTF date: `1900`, `1900-01`, `1900-01-01`, `190001`, `19000101`, with `X`
/// digits and a final `?`, `~` or `%`.
fn parse_point(s: &str) -> Option<Point> {
    let (body, qualifier) = match s.chars().last()? {
        q @ ('?' | '~' | '%') => (&s[..s.len() - 1], Some(q)),
        _ => (s, None),
    };
    if !body.is_ascii() {
        return None;
    }
    let (year, month, day) = if body.contains('-') {
        let mut parts = body.split('-');
        let y = parts.next()?;
        let m = parts.next();
        let d = parts.next();
        if parts.next().is_some() {
            return None;
        }
        (y, m, d)
    } else {
        match body.len() {
            4 => (body, None, None),
            6 => (&body[..4], Some(&body[4..]), None),
            8 => (&body[..4], Some(&body[4..6]), Some(&body[6..])),
            _ => return None,
        }
    };
    if !is_digits_or_x(year, 4) {
        return None;
    }
    for part in [month, day].into_iter().flatten() {
        if !is_digits_or_x(part, 2) {
            return None;
        }
    }
    // Check month and day where they are fully known.
    if let Some(m) = month.and_then(|m| m.parse::<u32>().ok()) {
        if !(1..=12).contains(&m) {
            return None;
        }
        if let Some(d) = day.and_then(|d| d.parse::<u32>().ok()) {
            let max = year.parse::<u32>().map_or(31, |y| days_in_month(y, m));
            if d == 0 || d > max {
                return None;
            }
        }
    }
    Some(Point {
        year: year.to_owned(),
        month: month.map(str::to_owned),
        day: day.map(str::to_owned),
        qualifier,
    })
}

/// Read an EAD `@normal` date: ISO 8601 (`1900`, `1900-01-01`, `19000101`), a range `a/b`
/// (`1900/1950`, open `1900/..`), or an EDTF date (`1850~`, `199X`).
///
/// ```
/// use crosswalk::crosswalk::transform::{date::parse_normal, Datatype};
///
/// let d = parse_normal("19000101")?.unwrap();
/// assert_eq!((d.value.as_str(), d.datatype), ("1900-01-01", Datatype::XsdDate));
/// let r = parse_normal("1900/1950")?.unwrap();
/// assert_eq!((r.value.as_str(), r.datatype), ("1900/1950", Datatype::Edtf));
/// assert!(parse_normal("1900-13-01").is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn parse_normal(value: &str) -> Result<Option<DateValue>, DateError> {
    let s = value.trim();
    if s.is_empty() {
        return Ok(None);
    }
    if let Some((a, b)) = s.split_once('/') {
        let end = |p: &str| -> Result<Option<Point>, DateError> {
            match p.trim() {
                "" | ".." => Ok(None),
                p => parse_point(p).map(Some).ok_or(DateError),
            }
        };
        let (a, b) = (end(a)?, end(b)?);
        return match (a, b) {
            (None, None) => Err(DateError),
            (Some(a), Some(b)) if a == b => Ok(Some(single(&a))),
            (a, b) => {
                let show = |p: Option<Point>| p.map_or_else(|| "..".to_owned(), |p| p.render());
                Ok(Some(DateValue::new(
                    format!("{}/{}", show(a), show(b)),
                    Datatype::Edtf,
                )))
            }
        };
    }
    parse_point(s).map(|p| Some(single(&p))).ok_or(DateError)
}

fn single(p: &Point) -> DateValue {
    DateValue::new(p.render(), p.exact_datatype().unwrap_or(Datatype::Edtf))
}

/// A year-like token in a `$c`: `1990s`, `1999`, `199-`, `19--`, `199u`, `19uu`.
static YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^0-9])([0-9]{3}0s|[0-9]{4}|[0-9]{3}[-u]|[0-9]{2}(?:--|uu))(?:$|[^0-9])")
        .expect("static regex")
});
/// A century in words: `19th century`, `20th cent.`.
static CENTURY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^0-9])([0-9]{1,2})(?:st|nd|rd|th) cent").expect("static regex")
});
/// An abbreviated end year right after a year: `1999-03`.
static SHORT_END: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*-\s*([0-9]{2})(?:$|[^0-9])").expect("static regex"));

const NO_DATE: &[&str] = &[
    "nd",
    "sd",
    "sa",
    "oj",
    "bd",
    "sine anno",
    "no date",
    "undated",
];
const APPROXIMATE: &[&str] = &[
    "ca.",
    "ca ",
    "c.",
    "circa",
    "approximately",
    "approx.",
    "about",
    "um ",
    "vers ",
    "env.",
];

fn edtf_year(token: &str) -> String {
    match token.strip_suffix("0s") {
        Some(decade) => format!("{decade}X"),
        None => token.replace(['-', 'u'], "X"),
    }
}

/// Read a 260/264 `$c` publication date (see the [module table](self) for the forms).
///
/// ```
/// use crosswalk::crosswalk::transform::{date::parse_publication, Datatype};
///
/// let d = parse_publication("c1999.")?.unwrap();
/// assert_eq!((d.value.as_str(), d.datatype), ("1999", Datatype::XsdGYear));
/// let d = parse_publication("[between 1890 and 1899?]")?.unwrap();
/// assert_eq!((d.value.as_str(), d.datatype), ("1890?/1899?", Datatype::Edtf));
/// assert_eq!(parse_publication("[n.d.]")?, None);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn parse_publication(value: &str) -> Result<Option<DateValue>, DateError> {
    match plain_year(value) {
        Some(year) => Ok(Some(DateValue::new(year.to_string(), Datatype::XsdGYear))),
        None => parse_statement(value),
    }
}

/// The year of the commonest statements (`1999`, `1999.`, `c1999.`, `p1999`, `©1999`,
/// `[1999]`), which [`parse_statement`] would give as `xsd:gYear` too, found without it.
fn plain_year(value: &str) -> Option<&str> {
    let s = value.trim();
    let s = s.strip_prefix('[').unwrap_or(s);
    let s = s.strip_prefix(['c', 'C', 'p', 'P', '©']).unwrap_or(s);
    let (year, rest) = s.split_at_checked(4)?;
    if !year.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let rest = rest.strip_prefix(']').unwrap_or(rest);
    matches!(rest, "" | ".").then_some(year)
}

/// Any publication statement: [`parse_publication`] without its shortcut.
fn parse_statement(value: &str) -> Result<Option<DateValue>, DateError> {
    let lower = value.trim().to_lowercase();
    // "1999 [i.e. 2000]": the correction wins.
    let text = lower.rsplit_once("i.e.").map_or(lower.as_str(), |(_, r)| r);
    for chunk in text.split([',', ';']) {
        if let Some(d) = publication_chunk(chunk) {
            return Ok(Some(d));
        }
    }
    let letters: String = text
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == ' ')
        .collect();
    let letters = letters.trim();
    if letters.is_empty()
        || NO_DATE.contains(&letters)
        || ((letters.contains("not identified") || letters.contains("unknown"))
            && !letters.contains(|c: char| c.is_ascii_digit()))
    {
        return Ok(None);
    }
    if let Some(year) = roman_year(value) {
        return Ok(Some(DateValue::new(year.to_string(), Datatype::XsdGYear)));
    }
    Err(DateError)
}

fn publication_chunk(chunk: &str) -> Option<DateValue> {
    let c: String = chunk.chars().filter(|c| *c != '[' && *c != ']').collect();
    let c = c.trim();
    let uncertain = c.contains('?');
    let approximate = APPROXIMATE.iter().any(|a| c.starts_with(a));
    let qualifier = match (uncertain, approximate) {
        (true, true) => Some('%'),
        (true, false) => Some('?'),
        (false, true) => Some('~'),
        (false, false) => None,
    };
    let q = |s: String| match qualifier {
        Some(q) => format!("{s}{q}"),
        None => s,
    };
    let mut tokens = Vec::new();
    let mut at = 0;
    while let Some(caps) = YEAR.captures_at(c, at) {
        let m = caps.get(1)?;
        tokens.push(m);
        at = m.end();
    }
    let Some(first) = tokens.first() else {
        // "19th century" → 18XX.
        let caps = CENTURY.captures(c)?;
        let n: u32 = caps[1].parse().ok()?;
        let year = format!("{:02}XX", n.checked_sub(1)?);
        return Some(point_value(year, qualifier));
    };
    let a = edtf_year(first.as_str());
    let after_first = &c[first.end()..];
    let second = tokens
        .get(1)
        .map(|m| (edtf_year(m.as_str()), &c[first.end()..m.start()]));
    // The shape of the statement.
    let range_end = match &second {
        Some((b, between)) if between.contains("or") => {
            return Some(DateValue::new(
                format!("[{},{}]", q(a), q(b.clone())),
                Datatype::Edtf,
            ))
        }
        Some((b, between))
            if between.contains(['-', '/'])
                || between.contains("to")
                || between.contains("and") =>
        {
            Some(b.clone())
        }
        _ => None,
    };
    let range_end = range_end.or_else(|| {
        // "1999-03": abbreviated end year.
        let caps = SHORT_END.captures(after_first)?;
        let start: u32 = a.parse().ok()?;
        let short: u32 = caps[1].parse().ok()?;
        let mut end = start / 100 * 100 + short;
        if end < start {
            end += 100;
        }
        Some(end.to_string())
    });
    if let Some(b) = range_end {
        if b == a {
            return Some(point_value(a, qualifier));
        }
        return Some(DateValue::new(format!("{}/{}", q(a), q(b)), Datatype::Edtf));
    }
    let after = after_first.trim_start_matches(|c: char| c == '?' || c.is_whitespace());
    if tokens.len() == 1 && after.starts_with('-') && !a.contains('X') {
        let rest = after[1..].trim();
        if rest.is_empty() || rest == "." {
            return Some(DateValue::new(format!("{}/..", q(a)), Datatype::Edtf));
        }
    }
    // "[after 1850]", "[not before 1850]" / "[before 1900]", "[not after 1900]".
    let open_end = c.starts_with("after") || c.starts_with("not before");
    let open_start = c.starts_with("before") || c.starts_with("not after");
    if tokens.len() == 1 && (open_end || open_start) {
        let (from, to) = if open_end {
            (q(a), "..".to_owned())
        } else {
            ("..".to_owned(), q(a))
        };
        return Some(DateValue::new(format!("{from}/{to}"), Datatype::Edtf));
    }
    Some(point_value(a, qualifier))
}

fn point_value(year: String, qualifier: Option<char>) -> DateValue {
    match qualifier {
        None if !year.contains('X') => DateValue::new(year, Datatype::XsdGYear),
        None => DateValue::new(year, Datatype::Edtf),
        Some(q) => DateValue::new(format!("{year}{q}"), Datatype::Edtf),
    }
}

/// A year written in capital roman numerals (`MCMXCIX.`, `M.DCC.LX.`), when that is all the value
/// holds.
fn roman_year(text: &str) -> Option<u32> {
    let letters: String = text
        .chars()
        .filter(|c| !matches!(c, '.' | ' ' | '[' | ']'))
        .collect();
    if letters.is_empty() || letters.len() > 20 {
        return None;
    }
    let digit = |c: char| match c {
        'I' => Some(1),
        'V' => Some(5),
        'X' => Some(10),
        'L' => Some(50),
        'C' => Some(100),
        'D' => Some(500),
        'M' => Some(1000),
        _ => None,
    };
    let values: Vec<u32> = letters.chars().map(digit).collect::<Option<_>>()?;
    let mut total = 0u32;
    for (i, v) in values.iter().enumerate() {
        match values.get(i + 1) {
            Some(next) if next > v => total = total.checked_sub(*v)?,
            _ => total += v,
        }
    }
    (1000..=2100).contains(&total).then_some(total)
}

/// Read a date in any of the three forms: a 4-character 008 value with `u`/blank/fill digits as
/// [`parse_marc008`], else what [`parse_normal`] reads, else [`parse_publication`].
///
/// ```
/// use crosswalk::crosswalk::transform::date::parse_auto;
///
/// assert_eq!(parse_auto("19uu")?.unwrap().value, "19XX");
/// assert_eq!(parse_auto("1900-01-31")?.unwrap().value, "1900-01-31");
/// assert_eq!(parse_auto("[ca. 1850]")?.unwrap().value, "1850~");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn parse_auto(value: &str) -> Result<Option<DateValue>, DateError> {
    let n = value.chars().count();
    if n == 4
        && value
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, 'u' | '|' | ' ' | '#'))
    {
        return parse_marc008(value);
    }
    let t = value.trim();
    let b = t.as_bytes();
    let iso_day = b.len() == 10 && b[4] == b'-' && b[7] == b'-';
    let all_digits = (b.len() == 6 || b.len() == 8) && b.iter().all(u8::is_ascii_digit);
    match parse_normal(value) {
        Ok(d) => Ok(d),
        // An ISO day that is not a valid date is an error, not a publication statement.
        Err(e) if iso_day || all_digits => Err(e),
        Err(_) => parse_publication(value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shortcut gives what the general parser gives, wherever it applies, and stays out of
    /// the way of everything else.
    #[test]
    fn plain_years_are_what_the_parser_gives() {
        let mut taken = 0;
        for open in ["", "[", " ["] {
            for prefix in [
                "", "c", "C", "p", "P", "©", "ca.", "ca ", "c.", "i.e. ", "n",
            ] {
                for year in [
                    "1999", "2001", "0999", "199", "19999", "199-", "19uu", "1990s",
                ] {
                    for close in ["", "]", "].", ".", " .", "?", "]?", "-", ",", ";", "-2000"] {
                        let v = format!("{open}{prefix}{year}{close} ");
                        if plain_year(&v).is_some() {
                            taken += 1;
                        }
                        assert_eq!(parse_publication(&v), parse_statement(&v), "{v:?}");
                    }
                }
            }
        }
        assert_eq!(taken, 3 * 6 * 3 * 4);
    }

    fn show(r: Result<Option<DateValue>, DateError>) -> String {
        match r {
            Ok(Some(d)) => format!("{} {}", d.value, d.datatype),
            Ok(None) => "none".into(),
            Err(_) => "error".into(),
        }
    }

    #[test]
    fn marc008_table() {
        let cases = [
            ("1999", "1999 xsd:gYear"),
            ("199u", "199X edtf:EDTF"),
            ("19uu", "19XX edtf:EDTF"),
            ("1uuu", "1XXX edtf:EDTF"),
            ("uuuu", "none"),
            ("    ", "none"),
            ("||||", "none"),
            ("9999", "none"),
            ("", "none"),
            ("19", "error"),
            ("19a9", "error"),
            ("199", "error"),
            ("880506s1999    nyu           000 0 eng d", "1999 xsd:gYear"),
            ("880506q19uu    nyu           000 0 eng d", "19XX edtf:EDTF"),
        ];
        for (input, want) in cases {
            assert_eq!(show(parse_marc008(input)), want, "{input:?}");
        }
    }

    #[test]
    fn publication_table() {
        let cases = [
            ("1999", "1999 xsd:gYear"),
            ("1999.", "1999 xsd:gYear"),
            ("c1999.", "1999 xsd:gYear"),
            ("©1999", "1999 xsd:gYear"),
            ("p1999", "1999 xsd:gYear"),
            ("℗1999.", "1999 xsd:gYear"),
            ("[1999]", "1999 xsd:gYear"),
            ("[1999?]", "1999? edtf:EDTF"),
            ("1999?", "1999? edtf:EDTF"),
            ("ca. 1850", "1850~ edtf:EDTF"),
            ("[ca. 1850]", "1850~ edtf:EDTF"),
            ("circa 1850.", "1850~ edtf:EDTF"),
            ("c. 1850", "1850~ edtf:EDTF"),
            ("[ca. 1850?]", "1850% edtf:EDTF"),
            ("[197-]", "197X edtf:EDTF"),
            ("[197-?]", "197X? edtf:EDTF"),
            ("[18--]", "18XX edtf:EDTF"),
            ("[18--?]", "18XX? edtf:EDTF"),
            ("1999-2003", "1999/2003 edtf:EDTF"),
            ("1999-2003.", "1999/2003 edtf:EDTF"),
            ("1999 - 2003", "1999/2003 edtf:EDTF"),
            ("1999-03", "1999/2003 edtf:EDTF"),
            ("1999-", "1999/.. edtf:EDTF"),
            ("[1993?]-", "1993?/.. edtf:EDTF"),
            ("1999/2000", "1999/2000 edtf:EDTF"),
            ("[after 1850]", "1850/.. edtf:EDTF"),
            ("[not before 1850?]", "1850?/.. edtf:EDTF"),
            ("[before 1900]", "../1900 edtf:EDTF"),
            ("ca. 1990s", "199X~ edtf:EDTF"),
            ("1990s", "199X edtf:EDTF"),
            ("19th century", "18XX edtf:EDTF"),
            ("[20th cent.?]", "19XX? edtf:EDTF"),
            ("1st century", "00XX edtf:EDTF"),
            ("0th century", "error"),
            ("1999-1999", "1999 xsd:gYear"),
            ("[between 1890 and 1899]", "1890/1899 edtf:EDTF"),
            ("[between 1890 and 1899?]", "1890?/1899? edtf:EDTF"),
            ("[1971 or 1972]", "[1971,1972] edtf:EDTF"),
            ("1999, c1998", "1999 xsd:gYear"),
            ("1999; 2001 printing", "1999 xsd:gYear"),
            ("1999 [i.e. 2000]", "2000 xsd:gYear"),
            ("MCMXCIX.", "1999 xsd:gYear"),
            ("M.DCC.LX.", "1760 xsd:gYear"),
            ("[n.d.]", "none"),
            ("s.a.", "none"),
            ("o.J.", "none"),
            ("[date of publication not identified]", "none"),
            ("", "none"),
            ("   ", "none"),
            ("June 5, 1999", "1999 xsd:gYear"),
            ("Printed in the year 1750", "1750 xsd:gYear"),
            ("hello", "error"),
            ("12345", "error"),
            ("MMMMMMMMMMMMMMMMMMMMMMMMMMMMM", "error"),
        ];
        for (input, want) in cases {
            assert_eq!(show(parse_publication(input)), want, "{input:?}");
        }
    }

    #[test]
    fn normal_table() {
        let cases = [
            ("1900", "1900 xsd:gYear"),
            ("1900-01", "1900-01 xsd:gYearMonth"),
            ("190001", "1900-01 xsd:gYearMonth"),
            ("1900-01-01", "1900-01-01 xsd:date"),
            ("19000101", "1900-01-01 xsd:date"),
            ("2000-02-29", "2000-02-29 xsd:date"),
            ("1900-02-29", "error"),
            ("1900-13", "error"),
            ("1900-00", "error"),
            ("1900-01-32", "error"),
            ("1900/1950", "1900/1950 edtf:EDTF"),
            ("19000101/19501231", "1900-01-01/1950-12-31 edtf:EDTF"),
            ("1900/1900", "1900 xsd:gYear"),
            ("1900/..", "1900/.. edtf:EDTF"),
            ("1900/", "1900/.. edtf:EDTF"),
            ("../1900", "../1900 edtf:EDTF"),
            ("/", "error"),
            ("1850~", "1850~ edtf:EDTF"),
            ("199X", "199X edtf:EDTF"),
            ("1900-01?", "1900-01? edtf:EDTF"),
            ("", "none"),
            ("19", "error"),
            ("1900-1950", "error"),
            ("１９００", "error"),
        ];
        for (input, want) in cases {
            assert_eq!(show(parse_normal(input)), want, "{input:?}");
        }
    }

    #[test]
    fn auto_table() {
        let cases = [
            ("19uu", "19XX edtf:EDTF"),
            ("1999", "1999 xsd:gYear"),
            ("    ", "none"),
            ("1900-01-01", "1900-01-01 xsd:date"),
            ("1900/1950", "1900/1950 edtf:EDTF"),
            ("1999-2003", "1999/2003 edtf:EDTF"),
            ("c1999.", "1999 xsd:gYear"),
            ("[ca. 1850]", "1850~ edtf:EDTF"),
            ("nonsense", "error"),
        ];
        for (input, want) in cases {
            assert_eq!(show(parse_auto(input)), want, "{input:?}");
        }
    }
}
