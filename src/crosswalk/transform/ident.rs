//! Identifiers: ISBN, ISSN, LCCN and OCLC numbers, normalised and checked.

use std::fmt;

/// What is wrong with an identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum IdentError {
    /// No identifier-like run of digits was found.
    NotFound,
    /// The digits found are not the right number for this identifier.
    Length(usize),
    /// The check digit does not match: the one written and the one computed.
    CheckDigit {
        /// The check character in the value.
        found: char,
        /// The check character the other digits give.
        expected: char,
    },
    /// A 13-digit ISBN must start with 978 or 979.
    Prefix,
    /// The value does not have the shape of this identifier.
    Malformed,
}

impl fmt::Display for IdentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IdentError::NotFound => f.write_str("no identifier found"),
            IdentError::Length(n) => write!(f, "wrong number of digits ({n})"),
            IdentError::CheckDigit { found, expected } => {
                write!(f, "check digit is {found}, expected {expected}")
            }
            IdentError::Prefix => f.write_str("a 13-digit ISBN starts with 978 or 979"),
            IdentError::Malformed => f.write_str("malformed"),
        }
    }
}

impl std::error::Error for IdentError {}

/// The first run of digits (and `X`), allowing hyphens and single spaces inside, in `value`.
fn digit_run(value: &str) -> String {
    let mut out = String::new();
    let mut chars = value.chars().peekable();
    // Skip to the first digit.
    while let Some(c) = chars.peek() {
        if c.is_ascii_digit() {
            break;
        }
        chars.next();
    }
    while let Some(c) = chars.next() {
        match c {
            '0'..='9' => out.push(c),
            'x' | 'X' => {
                out.push('X');
                break; // a check character ends the number
            }
            '-' | '\u{2010}' | '\u{2011}' | '\u{2013}' => {}
            ' ' if chars.peek().is_some_and(|n| n.is_ascii_digit()) => {}
            _ => break,
        }
    }
    out
}

/// The modulus-11 check character of ISBN-10 and ISSN: the digits weighted from `len + 1` down to
/// 2, `X` standing for 10 (9 digits for an ISBN-10, 7 for an ISSN).
///
/// ```
/// use crosswalk::crosswalk::transform::ident::mod11_check;
///
/// assert_eq!(mod11_check(&[0, 3, 0, 6, 4, 0, 6, 1, 5]), '2'); // ISBN 0-306-40615-2
/// assert_eq!(mod11_check(&[0, 0, 2, 8, 0, 8, 3]), '6'); // ISSN 0028-0836
/// ```
pub fn mod11_check(digits: &[u8]) -> char {
    let sum: usize = digits
        .iter()
        .zip((2..=digits.len() + 1).rev())
        .map(|(d, w)| usize::from(*d) * w)
        .sum();
    match (11 - sum % 11) % 11 {
        10 => 'X',
        n => char::from(b'0' + n as u8),
    }
}

/// The ISBN-13 (EAN-13) check digit of the first twelve digits (weights 1, 3, 1, 3…).
pub fn isbn13_check(digits: &[u8]) -> char {
    let sum: u32 = digits
        .iter()
        .enumerate()
        .map(|(i, d)| u32::from(*d) * if i % 2 == 0 { 1 } else { 3 })
        .sum();
    char::from(b'0' + ((10 - sum % 10) % 10) as u8)
}

fn digits_of(s: &str) -> Vec<u8> {
    s.bytes().map(|b| b.wrapping_sub(b'0')).collect()
}

/// Check that the last character of `run` is what `check` computes from the others.
fn verify(run: &str, check: impl Fn(&[u8]) -> char) -> Result<(), IdentError> {
    let (body, last) = run.split_at(run.len() - 1);
    if body.contains('X') {
        return Err(IdentError::Malformed);
    }
    let found = char::from(last.as_bytes()[0]);
    let expected = check(&digits_of(body));
    if found == expected {
        Ok(())
    } else {
        Err(IdentError::CheckDigit { found, expected })
    }
}

/// Normalise an ISBN (10 or 13 digits, with qualifiers, hyphens and price) to ISBN-13.
///
/// The first run of digits is read (hyphens and spaces inside allowed), so `0-306-40615-2 (pbk.)`,
/// `9780306406157 : $12.95` and `ISBN 0 306 40615 2` all work. The check digit is verified, and an
/// ISBN-10 is converted to its 978 ISBN-13.
///
/// ```
/// use crosswalk::crosswalk::transform::ident::isbn13;
///
/// assert_eq!(isbn13("0-306-40615-2 (pbk.)")?, "9780306406157");
/// assert_eq!(isbn13("080442957X : $10.00")?, "9780804429573");
/// assert!(isbn13("0-306-40615-3").is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn isbn13(value: &str) -> Result<String, IdentError> {
    let run = digit_run(value);
    match run.len() {
        0 => Err(IdentError::NotFound),
        10 => {
            verify(&run, mod11_check)?;
            let mut out = format!("978{}", &run[..9]);
            out.push(isbn13_check(&digits_of(&out)));
            Ok(out)
        }
        13 if !run.starts_with("978") && !run.starts_with("979") => Err(IdentError::Prefix),
        13 => {
            verify(&run, isbn13_check)?;
            Ok(run)
        }
        n => Err(IdentError::Length(n)),
    }
}

/// Normalise an ISSN to `NNNN-NNNC` (upper-case `X`) and verify its check digit.
///
/// ```
/// use crosswalk::crosswalk::transform::ident::issn;
///
/// assert_eq!(issn("ISSN 0028-0836 (print)")?, "0028-0836");
/// assert_eq!(issn("2434-561x")?, "2434-561X");
/// assert!(issn("0028-0837").is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn issn(value: &str) -> Result<String, IdentError> {
    let run = digit_run(value);
    match run.len() {
        0 => Err(IdentError::NotFound),
        8 => {
            verify(&run, mod11_check)?;
            Ok(format!("{}-{}", &run[..4], &run[4..]))
        }
        n => Err(IdentError::Length(n)),
    }
}

/// Normalise an LCCN following the Library of Congress rules.
///
/// 1. remove all blanks;
/// 2. if there is a `/`, remove it and everything after it (`/AC/r932` revision suffixes);
/// 3. if there is a `-`, remove it, and left-pad the digits after it with zeros to six.
///
/// The result must be an alphabetic prefix of up to three letters followed by 8 or 10 digits
/// (2- or 4-digit year, 6-digit serial); the prefix is lower-cased.
///
/// ```
/// use crosswalk::crosswalk::transform::ident::lccn;
///
/// assert_eq!(lccn("n78-890351")?, "n78890351");
/// assert_eq!(lccn("   85000002 ")?, "85000002");
/// assert_eq!(lccn("85-2 ")?, "85000002");
/// assert_eq!(lccn(" 79139101 /AC/r932")?, "79139101");
/// assert_eq!(lccn("2001-000002")?, "2001000002");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn lccn(value: &str) -> Result<String, IdentError> {
    let mut s: String = value.chars().filter(|c| !c.is_whitespace()).collect();
    if let Some(slash) = s.find('/') {
        s.truncate(slash);
    }
    if let Some((left, right)) = s.split_once('-') {
        if right.is_empty() || right.len() > 6 || !right.bytes().all(|b| b.is_ascii_digit()) {
            return Err(IdentError::Malformed);
        }
        s = format!("{left}{right:0>6}");
    }
    if s.is_empty() {
        return Err(IdentError::NotFound);
    }
    let prefix_len = s.bytes().take_while(u8::is_ascii_alphabetic).count();
    let digits = &s[prefix_len..];
    if prefix_len > 3 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(IdentError::Malformed);
    }
    if digits.len() != 8 && digits.len() != 10 {
        return Err(IdentError::Length(digits.len()));
    }
    Ok(s.to_ascii_lowercase())
}

/// The OCLC number in a 035 or 001 value, without prefix and leading zeros.
///
/// Reads `(OCoLC)ocm00012345`, `(OCoLC)ocn123456789`, `(OCoLC)on1234567890`, `(OCoLC)12345` and
/// the bare `ocm…`/`ocn…`/`on…` of an 001. A value with another institution's prefix
/// (`(DLC)…`, `(OCoLC-I)…`) gives `Ok(None)`: it is not an OCLC number, so a crosswalk can apply
/// `oclc` to every 035 `$a`.
///
/// ```
/// use crosswalk::crosswalk::transform::ident::oclc;
///
/// assert_eq!(oclc("(OCoLC)ocm00012345")?, Some("12345".to_owned()));
/// assert_eq!(oclc("(OCoLC)on1234567890")?, Some("1234567890".to_owned()));
/// assert_eq!(oclc("(DLC)   99012345")?, None);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn oclc(value: &str) -> Result<Option<String>, IdentError> {
    let s = value.trim();
    let s = if let Some(rest) = s.strip_prefix('(') {
        let Some((org, rest)) = rest.split_once(')') else {
            return Err(IdentError::Malformed);
        };
        if !org.eq_ignore_ascii_case("OCoLC") {
            return Ok(None);
        }
        rest.trim()
    } else {
        s
    };
    let lower = s.to_ascii_lowercase();
    let digits = ["ocm", "ocn", "on"]
        .iter()
        .find_map(|p| lower.strip_prefix(p))
        .unwrap_or(&lower)
        .trim();
    if digits.is_empty() {
        return Err(IdentError::NotFound);
    }
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(IdentError::Malformed);
    }
    let number = digits.trim_start_matches('0');
    if number.is_empty() {
        return Err(IdentError::Malformed);
    }
    Ok(Some(number.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn isbn_check_digits() {
        // Known valid ISBN-10s (check digits 0-9 and X) and their ISBN-13s.
        let pairs = [
            ("0306406152", "9780306406157"),
            ("080442957X", "9780804429573"),
            ("0140449132", "9780140449136"),
            ("0-19-852663-6", "9780198526636"),
            ("1-56619-909-3", "9781566199094"),
        ];
        for (ten, thirteen) in pairs {
            assert_eq!(isbn13(ten).unwrap(), thirteen, "{ten}");
            assert_eq!(isbn13(thirteen).unwrap(), thirteen);
        }
        // Every single-digit corruption of a valid ISBN-10 is caught.
        let base = b"030640615";
        for pos in 0..9 {
            for d in b'0'..=b'9' {
                let mut v = base.to_vec();
                if v[pos] == d {
                    continue;
                }
                v[pos] = d;
                let s = format!("{}2", String::from_utf8(v).unwrap());
                assert!(
                    matches!(isbn13(&s), Err(IdentError::CheckDigit { .. })),
                    "{s}"
                );
            }
        }
    }

    #[test]
    fn isbn_forms() {
        assert_eq!(isbn13("ISBN 0 306 40615 2").unwrap(), "9780306406157");
        assert_eq!(
            isbn13("978-0-306-40615-7 (hbk.) :").unwrap(),
            "9780306406157"
        );
        assert_eq!(isbn13("080442957x").unwrap(), "9780804429573");
        assert_eq!(
            isbn13("0-306-40615-3"),
            Err(IdentError::CheckDigit {
                found: '3',
                expected: '2'
            })
        );
        assert_eq!(isbn13("(pbk.)"), Err(IdentError::NotFound));
        assert_eq!(isbn13("12345"), Err(IdentError::Length(5)));
        assert_eq!(isbn13("1234567890123"), Err(IdentError::Prefix));
        assert_eq!(isbn13("97803064061X7"), Err(IdentError::Length(12)));
        assert_eq!(isbn13("979-10-90636-07-1").unwrap(), "9791090636071");
    }

    #[test]
    fn issn_forms() {
        assert_eq!(issn("0028-0836").unwrap(), "0028-0836");
        assert_eq!(issn("00280836").unwrap(), "0028-0836");
        assert_eq!(issn("0317-8471").unwrap(), "0317-8471");
        assert_eq!(issn("1050-124X").unwrap(), "1050-124X");
        assert!(matches!(
            issn("1050-1241"),
            Err(IdentError::CheckDigit { .. })
        ));
        assert_eq!(issn("abc"), Err(IdentError::NotFound));
        assert_eq!(issn("123"), Err(IdentError::Length(3)));
        assert_eq!(issn("123X5678"), Err(IdentError::Length(4)));
    }

    #[test]
    fn lccn_loc_examples() {
        let cases = [
            ("n78-890351", "n78890351"),
            ("n78-89035", "n78089035"),
            ("n 78890351 ", "n78890351"),
            (" 85000002 ", "85000002"),
            ("85-2 ", "85000002"),
            ("2001-000002", "2001000002"),
            ("75-425165//r75", "75425165"),
            (" 79139101 /AC/r932", "79139101"),
            ("sn 85000678", "sn85000678"),
            ("SN85000678", "sn85000678"),
        ];
        for (input, want) in cases {
            assert_eq!(lccn(input).unwrap(), want, "{input:?}");
        }
        for bad in [
            "",
            "   ",
            "abcd12345678",
            "85-",
            "85-1234567",
            "12",
            "n78-89x",
        ] {
            assert!(lccn(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn oclc_forms() {
        let cases = [
            ("(OCoLC)ocm00012345", Some("12345")),
            ("(OCoLC)ocn123456789", Some("123456789")),
            ("(OCoLC)on1234567890", Some("1234567890")),
            ("(OCoLC)12345", Some("12345")),
            ("(ocolc) 00012345 ", Some("12345")),
            ("ocm00012345", Some("12345")),
            ("12345", Some("12345")),
            ("(DLC)12345", None),
            ("(OCoLC-I)12345", None),
        ];
        for (input, want) in cases {
            assert_eq!(oclc(input).unwrap().as_deref(), want, "{input:?}");
        }
        for bad in [
            "",
            "(OCoLC)",
            "(OCoLC)ocm",
            "(OCoLC)000",
            "(OCoLC",
            "(OCoLC)12a45",
        ] {
            assert!(oclc(bad).is_err(), "{bad:?}");
        }
    }
}
