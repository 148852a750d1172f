//! The MARCspec parser: a hand-written recursive descent over the characters of the expression,
//! resolving subspec abbreviations against the spec they belong to as it goes.

use super::ast::*;
use crate::select::SelectorError;

/// Largest number accepted as a position or index.
const MAX_NUMBER: u32 = 99_999;
/// Largest number of subspecs, alternatives and subfield parts in one spec together.
const MAX_ITEMS: usize = 256;

/// What the spec a subspec belongs to is, for resolving abbreviations.
#[derive(Clone, Copy)]
enum Outer {
    Field { has_chars: bool },
    Subfield { codes: Codes },
    Indicator,
}

struct Parser<'e> {
    expr: &'e str,
    s: Vec<char>,
    i: usize,
    items: usize,
}

type PResult<T> = Result<T, SelectorError>;

/// True for `$ { } ! = ~ ? |`: the characters a comparison string must escape.
fn is_special(c: char) -> bool {
    matches!(c, '$' | '{' | '}' | '!' | '=' | '~' | '?' | '|')
}

/// A subfield code character: `%x21-3F / %x5B-7B / %x7D-7E` (no uppercase letters, `@` or `|`).
pub(crate) fn is_subfield_char(c: char) -> bool {
    matches!(c, '!'..='?' | '['..='{' | '}'..='~')
}

fn describe(c: Option<char>) -> String {
    match c {
        None => "the end".to_string(),
        Some(c) if c.is_whitespace() => format!("white space {c:?}"),
        Some(c) => format!("'{c}'"),
    }
}

pub(crate) fn parse(expr: &str) -> PResult<Spec> {
    let mut p = Parser {
        expr,
        s: expr.chars().collect(),
        i: 0,
        items: 0,
    };
    let spec = p.spec()?;
    if p.i < p.s.len() {
        return Err(p.unexpected("end of the spec"));
    }
    Ok(spec)
}

impl Parser<'_> {
    fn err_at(&self, offset: usize, message: impl Into<String>) -> SelectorError {
        SelectorError {
            expr: self.expr.to_string(),
            offset,
            message: message.into(),
        }
    }

    fn err(&self, message: impl Into<String>) -> SelectorError {
        self.err_at(self.i, message)
    }

    fn unexpected(&self, expected: &str) -> SelectorError {
        let c = self.peek();
        let mut msg = format!("expected {expected}, found {}", describe(c));
        if c.is_some_and(char::is_whitespace) {
            msg.push_str(" (a MARCspec has no spaces; write \\s in comparison strings)");
        }
        self.err(msg)
    }

    fn peek(&self) -> Option<char> {
        self.s.get(self.i).copied()
    }

    fn peek_at(&self, k: usize) -> Option<char> {
        self.s.get(self.i + k).copied()
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn count_item(&mut self) -> PResult<()> {
        self.items += 1;
        if self.items > MAX_ITEMS {
            return Err(self.err(format!(
                "too many parts: a spec may have at most {MAX_ITEMS} subfield codes, subspecs and alternatives"
            )));
        }
        Ok(())
    }

    // -- whole specs ------------------------------------------------------------------------

    fn spec(&mut self) -> PResult<Spec> {
        match self.peek() {
            None => Err(self.err("empty spec: expected a field tag such as 245 or LDR")),
            Some('$' | '^' | '/') => self.relative_spec(),
            Some(_) => {
                let tag = self.tag()?;
                let index = self.opt_index()?;
                let kind = match self.peek() {
                    Some('$') => Kind::Subfields(self.subfield_parts()?),
                    Some('^') => self.indicator_kind()?,
                    _ => {
                        let chars = self.opt_chars()?;
                        let subspecs = self.subspecs(Outer::Field {
                            has_chars: chars.is_some(),
                        })?;
                        Kind::Field { chars, subspecs }
                    }
                };
                if self.i < self.s.len() {
                    let expected = match kind {
                        Kind::Subfields(_) => "'$', '{' or the end of the spec",
                        Kind::Indicator { .. } => "'{' or the end of the spec",
                        Kind::Field { chars: None, .. } => {
                            "'[', '/', '$', '^', '{' or the end of the spec"
                        }
                        Kind::Field { .. } => "'{' or the end of the spec",
                    };
                    return Err(self.unexpected(expected));
                }
                Ok(Spec {
                    target: Target::Tag { tag, index },
                    kind,
                })
            }
        }
    }

    /// `$a…`, `^1…` or `/0-3…` without a tag: relative to the field given as scope.
    fn relative_spec(&mut self) -> PResult<Spec> {
        let kind = match self.peek() {
            Some('$') => Kind::Subfields(self.subfield_parts()?),
            Some('^') => self.indicator_kind()?,
            _ => {
                let chars = self.opt_chars()?;
                let subspecs = self.subspecs(Outer::Field { has_chars: true })?;
                Kind::Field { chars, subspecs }
            }
        };
        if self.i < self.s.len() {
            return Err(self.unexpected("'{' or the end of the spec"));
        }
        Ok(Spec {
            target: Target::Relative,
            kind,
        })
    }

    fn indicator_kind(&mut self) -> PResult<Kind> {
        let which = self.indicator()?;
        let subspecs = self.subspecs(Outer::Indicator)?;
        Ok(Kind::Indicator { which, subspecs })
    }

    fn subfield_parts(&mut self) -> PResult<Vec<SubfieldPart>> {
        let mut parts = Vec::new();
        while self.peek() == Some('$') {
            self.count_item()?;
            let (codes, index, chars) = self.subfield_spec()?;
            let subspecs = self.subspecs(Outer::Subfield { codes })?;
            parts.push(SubfieldPart {
                codes,
                index,
                chars,
                subspecs,
            });
        }
        Ok(parts)
    }

    // -- pieces -----------------------------------------------------------------------------

    /// Three characters `[a-z0-9.]` or `[A-Z0-9.]` (not both cases).
    fn tag(&mut self) -> PResult<TagPattern> {
        let start = self.i;
        let mut bytes = [0u8; 3];
        let (mut lower, mut upper) = (false, false);
        for (k, b) in bytes.iter_mut().enumerate() {
            let c = self.peek();
            match c {
                Some(c @ ('0'..='9' | '.')) => *b = c as u8,
                Some(c @ 'a'..='z') => {
                    lower = true;
                    *b = c as u8;
                }
                Some(c @ 'A'..='Z') => {
                    upper = true;
                    *b = c as u8;
                }
                _ => {
                    let what = if k == 0 {
                        "a field tag"
                    } else {
                        "a field tag character"
                    };
                    return Err(self.err(format!(
                        "{}: {what} is three digits, letters or '.' wildcards, found {}",
                        if k == 0 {
                            "field tag expected"
                        } else {
                            "field tag too short"
                        },
                        describe(c)
                    )));
                }
            }
            self.i += 1;
        }
        if lower && upper {
            return Err(self.err_at(
                start,
                "a field tag has lowercase or uppercase letters, not both",
            ));
        }
        Ok(TagPattern::new(bytes))
    }

    fn number(&mut self) -> PResult<u32> {
        let start = self.i;
        let mut n: u32 = 0;
        while let Some(d) = self.peek().and_then(|c| c.to_digit(10)) {
            n = n.saturating_mul(10).saturating_add(d);
            self.i += 1;
        }
        if n > MAX_NUMBER {
            return Err(self.err_at(start, format!("number too large (at most {MAX_NUMBER})")));
        }
        Ok(n)
    }

    fn position(&mut self, what: &str) -> PResult<Pos> {
        match self.peek() {
            Some('#') => {
                self.i += 1;
                Ok(Pos::Last)
            }
            Some('0'..='9') => Ok(Pos::Num(self.number()?)),
            c => Err(self.err(format!(
                "{what}: expected a number or '#', found {}",
                describe(c)
            ))),
        }
    }

    fn range(&mut self, what: &str) -> PResult<Range> {
        let at = self.i;
        let start = self.position(what)?;
        if !self.eat('-') {
            return Ok(Range { start, end: start });
        }
        let end = self.position(&format!("{what} range end"))?;
        if let (Pos::Num(a), Pos::Num(b)) = (start, end) {
            if a > b {
                return Err(self.err_at(at, format!("{what} range start {a} is after its end {b}")));
            }
        }
        Ok(Range { start, end })
    }

    fn opt_index(&mut self) -> PResult<Option<Range>> {
        if self.peek() != Some('[') {
            return Ok(None);
        }
        let open = self.i;
        self.i += 1;
        let r = self.range("index")?;
        if !self.eat(']') {
            return Err(if self.peek().is_none() {
                self.err_at(open, "unclosed index: missing ']'")
            } else {
                self.unexpected("']' closing the index")
            });
        }
        Ok(Some(r))
    }

    fn opt_chars(&mut self) -> PResult<Option<Range>> {
        if !self.eat('/') {
            return Ok(None);
        }
        Ok(Some(self.range("character position")?))
    }

    fn indicator(&mut self) -> PResult<u8> {
        debug_assert_eq!(self.peek(), Some('^'));
        self.i += 1;
        match self.peek() {
            Some('1') => {
                self.i += 1;
                Ok(1)
            }
            Some('2') => {
                self.i += 1;
                Ok(2)
            }
            c => Err(self.err(format!(
                "indicator position expected after '^': 1 or 2, found {}",
                describe(c)
            ))),
        }
    }

    /// `$code` or `$a-c`, then `[index]` and `/chars`.
    fn subfield_spec(&mut self) -> PResult<(Codes, Option<Range>, Option<Range>)> {
        debug_assert_eq!(self.peek(), Some('$'));
        self.i += 1;
        let at = self.i;
        let code = match self.peek() {
            None => return Err(self.err("subfield code missing after '$'")),
            Some(c) if is_subfield_char(c) => c,
            Some(c) if c.is_ascii_uppercase() => {
                return Err(self.err(format!(
                    "invalid subfield code '{c}': subfield codes are lowercase"
                )))
            }
            Some(c) => {
                return Err(self.err(format!(
                    "invalid subfield code {}: expected a lowercase letter, a digit or punctuation",
                    describe(Some(c))
                )))
            }
        };
        self.i += 1;
        let mut codes = Codes::One(code);
        if (code.is_ascii_lowercase() || code.is_ascii_digit()) && self.peek() == Some('-') {
            let end = self.peek_at(1);
            let same_class = match end {
                Some(e) if code.is_ascii_digit() => e.is_ascii_digit(),
                Some(e) => e.is_ascii_lowercase(),
                None => false,
            };
            if !same_class {
                return Err(self.err_at(
                        at,
                        format!(
                            "invalid subfield code range: '{code}-' must be followed by another {}, found {}",
                            if code.is_ascii_digit() { "digit" } else { "lowercase letter" },
                            describe(end)
                        ),
                    ));
            }
            let end = end.unwrap_or(code);
            if end < code {
                return Err(self.err_at(
                    at,
                    format!("subfield code range start '{code}' is after its end '{end}'"),
                ));
            }
            self.i += 2;
            codes = Codes::Range(code, end);
        }
        let index = self.opt_index()?;
        let chars = self.opt_chars()?;
        Ok((codes, index, chars))
    }

    // -- subspecs ---------------------------------------------------------------------------

    fn subspecs(&mut self, outer: Outer) -> PResult<Vec<SubSpec>> {
        let mut out = Vec::new();
        while self.peek() == Some('{') {
            out.push(self.subspec(outer)?);
        }
        Ok(out)
    }

    fn subspec(&mut self, outer: Outer) -> PResult<SubSpec> {
        let open = self.i;
        self.i += 1;
        if self.peek() == Some('}') {
            return Err(self.err_at(open, "empty subspec '{}'"));
        }
        let mut sets = Vec::new();
        loop {
            self.count_item()?;
            sets.push(self.term_set(outer)?);
            match self.peek() {
                Some('|') => self.i += 1,
                Some('}') => {
                    self.i += 1;
                    return Ok(sets);
                }
                None => return Err(self.err_at(open, "unclosed subspec: missing '}'")),
                Some(_) => {
                    return Err(self.unexpected(
                        "an operator, '|' or '}' (escape special characters in comparison strings: \\$ \\{ \\} \\! \\= \\~ \\? \\|)",
                    ))
                }
            }
        }
    }

    fn opt_op(&mut self) -> Option<Op> {
        let op = match (self.peek(), self.peek_at(1)) {
            (Some('!'), Some('=')) => Op::Ne,
            (Some('!'), Some('~')) => Op::NotIncludes,
            (Some('!'), _) => Op::NotExists,
            (Some('='), _) => Op::Eq,
            (Some('~'), _) => Op::Includes,
            (Some('?'), _) => Op::Exists,
            _ => return None,
        };
        self.i += if matches!(op, Op::Ne | Op::NotIncludes) {
            2
        } else {
            1
        };
        Some(op)
    }

    fn term_set(&mut self, outer: Outer) -> PResult<TermSet> {
        if let Some(op) = self.opt_op() {
            let right = self.term(outer)?;
            return Ok(TermSet {
                left: Term::Implicit,
                op,
                right,
            });
        }
        let first = self.term(outer)?;
        if let Some(op) = self.opt_op() {
            let right = self.term(outer)?;
            return Ok(TermSet {
                left: first,
                op,
                right,
            });
        }
        Ok(TermSet {
            left: Term::Implicit,
            op: Op::Exists,
            right: first,
        })
    }

    fn term(&mut self, outer: Outer) -> PResult<Term> {
        let at = self.i;
        match self.peek() {
            Some('\\') => {
                self.i += 1;
                Ok(Term::Literal(self.comparison_string()?.into()))
            }
            Some('$') => {
                let (codes, index, chars) = self.subfield_spec()?;
                Ok(Term::Subfield {
                    field: FieldSel::Current,
                    codes,
                    index,
                    chars,
                })
            }
            Some('^') => {
                if let Outer::Field { has_chars: true } = outer {
                    return Err(self.err(
                        "an indicator abbreviation cannot follow a character position: a fixed field has no indicators",
                    ));
                }
                let which = self.indicator()?;
                Ok(Term::Indicator {
                    field: FieldSel::Current,
                    which,
                })
            }
            Some('/') => {
                let chars = self.opt_chars()?;
                match outer {
                    Outer::Field { .. } => Ok(Term::Field {
                        field: FieldSel::Current,
                        chars,
                    }),
                    Outer::Subfield { .. } => Ok(Term::CurrentSubfield { chars }),
                    Outer::Indicator => Err(self.err_at(
                        at,
                        "a character position cannot abbreviate an indicator spec: indicators have no character positions",
                    )),
                }
            }
            Some('[') => {
                let index = self.opt_index()?;
                match self.peek() {
                    Some('^') => {
                        let which = self.indicator()?;
                        Ok(Term::Indicator {
                            field: FieldSel::Tag { tag: None, index },
                            which,
                        })
                    }
                    Some('$') => {
                        let (codes, sindex, chars) = self.subfield_spec()?;
                        Ok(Term::Subfield {
                            field: FieldSel::Tag { tag: None, index },
                            codes,
                            index: sindex,
                            chars,
                        })
                    }
                    _ => {
                        let chars = self.opt_chars()?;
                        match outer {
                            Outer::Subfield { codes } => Ok(Term::Subfield {
                                field: FieldSel::Current,
                                codes,
                                index,
                                chars,
                            }),
                            _ => Ok(Term::Field {
                                field: FieldSel::Tag { tag: None, index },
                                chars,
                            }),
                        }
                    }
                }
            }
            Some('0'..='9' | 'a'..='z' | 'A'..='Z' | '.') => {
                let tag = self.tag()?;
                let index = self.opt_index()?;
                let field = FieldSel::Tag {
                    tag: Some(tag),
                    index,
                };
                match self.peek() {
                    Some('$') => {
                        let (codes, sindex, chars) = self.subfield_spec()?;
                        Ok(Term::Subfield {
                            field,
                            codes,
                            index: sindex,
                            chars,
                        })
                    }
                    Some('^') => {
                        let which = self.indicator()?;
                        Ok(Term::Indicator { field, which })
                    }
                    _ => {
                        let chars = self.opt_chars()?;
                        Ok(Term::Field { field, chars })
                    }
                }
            }
            None => Err(self.err("subspec ends early: expected a subterm and '}'")),
            c => Err(self.err(format!(
                "expected a subterm (a spec, an abbreviation such as $a, ^1, /0, [0], or a comparison string \\text), found {}",
                describe(c)
            ))),
        }
    }

    /// The text of a comparison string, after its leading `\`.
    ///
    /// Runs to the next unescaped `$ { } ! = ~ ? |`; `\` before one of them (or before the
    /// first character, whose leading `\` escapes it already) makes it literal; `\s` is a
    /// space; any other `\` stays as it is. White space must be written `\s`.
    fn comparison_string(&mut self) -> PResult<String> {
        let mut out = String::new();
        let mut first = true;
        while let Some(c) = self.peek() {
            if c.is_whitespace() || c.is_control() {
                return Err(self.err(format!(
                    "{} in a comparison string: write a space as \\s",
                    describe(Some(c))
                )));
            }
            if c == '\\' {
                match self.peek_at(1) {
                    Some(e) if is_special(e) => {
                        out.push(e);
                        self.i += 2;
                    }
                    Some('s') => {
                        out.push(' ');
                        self.i += 2;
                    }
                    _ => {
                        out.push('\\');
                        self.i += 1;
                    }
                }
            } else if is_special(c) {
                if first && c != '}' && c != '|' {
                    out.push(c);
                    self.i += 1;
                } else {
                    break;
                }
            } else {
                out.push(c);
                self.i += 1;
            }
            first = false;
        }
        Ok(out)
    }
}

/// Resolves tags against the spec's own tag: a full-tag term naming the spec's own tag without
/// an index refers to the occurrence being selected (as the abbreviated form would), and an
/// abbreviation with an index (`[1]`) takes the spec's tag pattern.
pub(crate) fn bind_same_tag(spec: &mut Spec) {
    let Target::Tag { tag, .. } = spec.target else {
        return;
    };
    let bind = |subspecs: &mut Vec<SubSpec>| {
        for set in subspecs.iter_mut().flatten() {
            for term in [&mut set.left, &mut set.right] {
                let field = match term {
                    Term::Field { field, .. }
                    | Term::Subfield { field, .. }
                    | Term::Indicator { field, .. } => field,
                    _ => continue,
                };
                if let FieldSel::Tag { tag: t @ None, .. } = field {
                    *t = Some(tag);
                }
                if *field
                    == (FieldSel::Tag {
                        tag: Some(tag),
                        index: None,
                    })
                {
                    *field = FieldSel::Current;
                }
            }
        }
    };
    match &mut spec.kind {
        Kind::Field { subspecs, .. } | Kind::Indicator { subspecs, .. } => bind(subspecs),
        Kind::Subfields(parts) => {
            for p in parts {
                bind(&mut p.subspecs);
            }
        }
    }
}
