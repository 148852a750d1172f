//! The path language's parser: a recursive descent over the characters of the expression, with
//! 0-based character offsets in every error.

use super::{
    AttrTest, Cmp, Expr, NameTest, Operand, Program, Step, Terminal, MAX_STEPS, XLINK_NS, XML_NS,
    XSI_NS,
};
use crate::select::SelectorError;

/// How deeply predicates and parentheses may nest.
const MAX_NESTING: usize = 32;

const STEP_EXPECTED: &str =
    "expected a step: an element name, '*', '**', '.', '@attribute' or 'text()'";

pub(super) fn compile(expr: &str) -> Result<Program, SelectorError> {
    let mut p = Parser {
        expr,
        chars: expr.chars().collect(),
        pos: 0,
        depth: 0,
    };
    p.ws();
    if p.peek().is_none() {
        return Err(p.err(0, "empty selector"));
    }
    let mut steps = Vec::new();
    let mut starts = 0u64;
    loop {
        p.ws();
        if steps.len() >= MAX_STEPS {
            return Err(p.too_long(p.pos));
        }
        starts |= 1 << steps.len();
        p.path(&mut steps)?;
        let end = p.pos;
        p.ws();
        match p.peek() {
            None => break,
            Some('|') => p.pos += 1,
            Some(_) if end < p.pos => {
                p.pos = end;
                return Err(p.unexpected(' '));
            }
            Some(c) => return Err(p.unexpected(c)),
        }
    }
    Ok(Program::new(steps, starts))
}

struct Parser<'s> {
    expr: &'s str,
    chars: Vec<char>,
    pos: usize,
    depth: usize,
}

fn is_name_start(c: char) -> bool {
    c.is_alphabetic() || c == '_' || (!c.is_ascii() && !c.is_whitespace() && !c.is_control())
}

fn is_name_char(c: char) -> bool {
    is_name_start(c) || c.is_ascii_digit() || c == '-' || c == '.'
}

impl Parser<'_> {
    fn err(&self, offset: usize, message: impl Into<String>) -> SelectorError {
        SelectorError {
            expr: self.expr.to_string(),
            offset,
            message: message.into(),
        }
    }

    fn unexpected(&self, c: char) -> SelectorError {
        let message = match c {
            ']' => "unbalanced ']': no '[' opens it".to_string(),
            ')' => "unbalanced ')': no '(' opens it".to_string(),
            '[' => "a predicate '[...]' must follow a step (use '.[...]' to filter the context)"
                .to_string(),
            c if c.is_whitespace() => "unexpected space: steps are written without spaces \
                                       (spaces are only allowed around '|' and inside predicates)"
                .to_string(),
            c => format!("unexpected '{c}'"),
        };
        self.err(self.pos, message)
    }

    fn too_long(&self, at: usize) -> SelectorError {
        self.err(
            at,
            format!("selector too long: at most {MAX_STEPS} steps in all alternatives together"),
        )
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn peek_at(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.pos + ahead).copied()
    }

    fn ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
    }

    fn push(&self, steps: &mut Vec<Step>, step: Step, at: usize) -> Result<(), SelectorError> {
        if steps.len() >= MAX_STEPS {
            return Err(self.err(
                at,
                format!(
                    "selector too long: at most {MAX_STEPS} steps in all alternatives together"
                ),
            ));
        }
        steps.push(step);
        Ok(())
    }

    /// Reads a name at the cursor (which must be at a name start).
    fn name(&mut self) -> String {
        let start = self.pos;
        while self.peek().is_some_and(is_name_char) {
            self.pos += 1;
        }
        self.chars[start..self.pos].iter().collect()
    }

    /// Whether the keyword `kw` is at the cursor, as a whole word; consumes it if so.
    fn keyword(&mut self, kw: &str) -> bool {
        let n = kw.chars().count();
        let matches = kw
            .chars()
            .enumerate()
            .all(|(i, c)| self.peek_at(i) == Some(c))
            && !self.peek_at(n).is_some_and(is_name_char);
        if matches {
            self.pos += n;
        }
        matches
    }

    fn enter(&mut self, at: usize) -> Result<(), SelectorError> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(self.err(
                at,
                format!("predicates and parentheses nested more than {MAX_NESTING} deep"),
            ));
        }
        Ok(())
    }

    /// One path (no `|`), appended to `steps` and ended with its `Accept` step.
    fn path(&mut self, steps: &mut Vec<Step>) -> Result<(), SelectorError> {
        let first = self.pos;
        if self.peek() == Some('/') {
            if self.peek_at(1) == Some('/') {
                self.push(steps, Step::Gap, first)?;
                self.pos += 2;
            } else {
                return Err(self.err(
                    first,
                    "a path cannot start with '/': paths are relative to the record or scope \
                     (write 'did/unittitle', or '//name' for any depth)",
                ));
            }
        }
        loop {
            let at = self.pos;
            match self.peek() {
                None => {
                    let message = if at == first {
                        "empty path"
                    } else {
                        "empty step: a step must follow '/'"
                    };
                    return Err(self.err(at, message));
                }
                Some('@') => {
                    self.pos += 1;
                    let test = self.attr_name()?;
                    self.end_of_path("an attribute", "on attributes")?;
                    return self.push(steps, Step::Accept(Terminal::Attr(test)), at);
                }
                Some('*') if self.peek_at(1) == Some('*') => {
                    self.pos += 2;
                    match self.peek() {
                        Some('/') => {}
                        Some('[') => {
                            return Err(self.err(self.pos, "'**' cannot have predicates"));
                        }
                        _ => {
                            return Err(
                                self.err(at, "'**' must be followed by '/' and another step")
                            );
                        }
                    }
                    self.push(steps, Step::Gap, at)?;
                }
                Some('*') => {
                    self.pos += 1;
                    let preds = self.predicates(true)?;
                    self.push(
                        steps,
                        Step::Child {
                            test: NameTest::Any,
                            preds,
                        },
                        at,
                    )?;
                }
                Some('.') if self.peek_at(1) == Some('.') => {
                    return Err(self.err(
                        at,
                        "'..' is not supported: paths only go down from the context element",
                    ));
                }
                Some('.') => {
                    self.pos += 1;
                    if self.peek().is_some_and(is_name_char) {
                        return Err(self.err(self.pos, "expected '/', '[' or the end after '.'"));
                    }
                    let preds = self.predicates(false)?;
                    if !preds.is_empty() {
                        self.push(steps, Step::Filter(preds), at)?;
                    }
                }
                Some(c) if is_name_start(c) => {
                    let name = self.name();
                    match self.peek() {
                        Some(':') if self.peek_at(1).is_some_and(is_name_start) => {
                            self.pos += 1;
                            let local = self.name();
                            return Err(self.err(
                                at,
                                format!(
                                    "elements are matched by local name only: write '{local}', \
                                     not '{name}:{local}'"
                                ),
                            ));
                        }
                        Some('(') if name == "text" && self.peek_at(1) == Some(')') => {
                            self.pos += 2;
                            self.end_of_path("text()", "on text()")?;
                            return self.push(steps, Step::Accept(Terminal::Text), at);
                        }
                        Some('(') => {
                            return Err(self.err(
                                at,
                                format!(
                                    "unknown function '{name}()' in a path: only 'text()' can \
                                     be a step (other functions belong inside '[...]')"
                                ),
                            ));
                        }
                        _ => {}
                    }
                    let preds = self.predicates(true)?;
                    self.push(
                        steps,
                        Step::Child {
                            test: NameTest::Local(name.into()),
                            preds,
                        },
                        at,
                    )?;
                }
                Some(c) if at == first || self.chars.get(at - 1) != Some(&'/') => {
                    return Err(match c {
                        '[' => self.unexpected(c),
                        ']' | ')' if at == 0 => self.unexpected(c),
                        '|' | ']' | ')' | ',' | '=' | '!' => self.err(at, "empty path"),
                        c if c.is_whitespace() => self.err(at, "empty path"),
                        _ => self.err(at, STEP_EXPECTED),
                    });
                }
                Some(c) => {
                    return Err(match c {
                        '/' | '|' | ']' | ')' | ',' | '=' | '!' => {
                            self.err(at, "empty step: a step must follow '/'")
                        }
                        c if c.is_whitespace() => {
                            self.err(at, "empty step: a step must follow '/'")
                        }
                        _ => self.err(at, STEP_EXPECTED),
                    });
                }
            }
            if self.peek() != Some('/') {
                break;
            }
            if self.peek_at(1) == Some('/') {
                let at = self.pos;
                self.pos += 2;
                self.push(steps, Step::Gap, at)?;
            } else {
                self.pos += 1;
            }
        }
        self.push(steps, Step::Accept(Terminal::Element), self.pos)
    }

    /// After an attribute or `text()`: nothing may follow within the path.
    fn end_of_path(&self, what: &str, on: &str) -> Result<(), SelectorError> {
        match self.peek() {
            Some('/') => Err(self.err(self.pos, format!("{what} must be the last step"))),
            Some('[') => Err(self.err(
                self.pos,
                format!(
                    "predicates are not allowed {on}; filter the element instead, \
                     e.g. unitdate[@type='inclusive']/@normal"
                ),
            )),
            _ => Ok(()),
        }
    }

    /// An attribute name after '@': `*`, `local` or `xml:`/`xsi:`/`xlink:` `local`.
    fn attr_name(&mut self) -> Result<AttrTest, SelectorError> {
        let at = self.pos;
        match self.peek() {
            Some('*') => {
                self.pos += 1;
                Ok(AttrTest::Any)
            }
            Some(c) if is_name_start(c) => {
                let name = self.name();
                if self.peek() == Some(':') && self.peek_at(1).is_some_and(is_name_start) {
                    self.pos += 1;
                    let local = self.name();
                    let ns = match name.as_str() {
                        "xml" => XML_NS,
                        "xsi" => XSI_NS,
                        "xlink" => XLINK_NS,
                        "xmlns" => {
                            return Err(self.err(at, "namespace declarations cannot be selected"))
                        }
                        _ => {
                            return Err(self.err(
                                at,
                                format!(
                                    "unknown attribute prefix '{name}': only 'xml:', 'xsi:' and \
                                     'xlink:' are recognised; write '@{local}' to match the \
                                     attribute in any namespace"
                                ),
                            ))
                        }
                    };
                    Ok(AttrTest::Qualified {
                        ns,
                        qname: format!("{name}:{local}").into(),
                        local: local.into(),
                    })
                } else if name == "xmlns" {
                    Err(self.err(at, "namespace declarations cannot be selected"))
                } else {
                    Ok(AttrTest::Local(name.into()))
                }
            }
            _ => Err(self.err(at, "expected an attribute name or '*' after '@'")),
        }
    }

    /// Zero or more `[...]` after a step.
    fn predicates(&mut self, positions: bool) -> Result<Vec<Expr>, SelectorError> {
        let mut preds = Vec::new();
        while self.peek() == Some('[') {
            let open = self.pos;
            if !self.closes(open, '[', ']') {
                return Err(self.err(open, "unbalanced '[': missing ']'"));
            }
            self.enter(open)?;
            self.pos += 1;
            self.ws();
            if self.peek() == Some(']') {
                return Err(self.err(open, "empty predicate '[]'"));
            }
            let expr = self.or()?;
            self.ws();
            match self.peek() {
                Some(']') => self.pos += 1,
                None => return Err(self.err(open, "unbalanced '[': missing ']'")),
                Some(c) => return Err(self.unexpected_in_predicate(c)),
            }
            self.depth -= 1;
            if !positions && has_position(&expr) {
                return Err(self.err(
                    open,
                    "positions ([1], last()) cannot filter '.': the context has no siblings here",
                ));
            }
            preds.push(expr);
        }
        Ok(preds)
    }

    fn unexpected_in_predicate(&self, c: char) -> SelectorError {
        match c {
            '~' => self.err(
                self.pos,
                "regular expressions ('~') are not supported; use contains(), starts-with() or \
                 ends-with()",
            ),
            '<' | '>' => self.err(self.pos, "only '=' and '!=' comparisons are supported"),
            '=' | '!' => self.err(
                self.pos,
                "a comparison needs an attribute or path before it",
            ),
            c if c.is_whitespace() => self.err(self.pos, "unexpected space in predicate"),
            c => self.err(
                self.pos,
                format!("unexpected '{c}' in predicate: expected 'and', 'or', '|' or ']'"),
            ),
        }
    }

    /// Whether the bracket at `open` is closed later (outside quotes), so that a missing closer
    /// is reported where the bracket opens.
    fn closes(&self, open: usize, opener: char, closer: char) -> bool {
        let mut depth = 0usize;
        let mut quote = None;
        for &c in &self.chars[open..] {
            match quote {
                Some(q) if c == q => quote = None,
                Some(_) => {}
                None if c == '\'' || c == '"' => quote = Some(c),
                None if c == opener => depth += 1,
                None if c == closer => {
                    depth -= 1;
                    if depth == 0 {
                        return true;
                    }
                }
                None => {}
            }
        }
        // Inside an unterminated string, let the string report itself.
        quote.is_some()
    }

    fn or(&mut self) -> Result<Expr, SelectorError> {
        let mut items = vec![self.and()?];
        loop {
            self.ws();
            if self.peek() == Some('|') {
                self.pos += 1;
            } else if !self.keyword("or") {
                break;
            }
            items.push(self.and()?);
        }
        Ok(group(items, Expr::Or))
    }

    fn and(&mut self) -> Result<Expr, SelectorError> {
        let mut items = vec![self.unary()?];
        loop {
            self.ws();
            if !self.keyword("and") {
                break;
            }
            items.push(self.unary()?);
        }
        Ok(group(items, Expr::And))
    }

    fn unary(&mut self) -> Result<Expr, SelectorError> {
        self.ws();
        let at = self.pos;
        match self.peek() {
            None => Err(self.err(at, "unexpected end: expected a condition")),
            Some('=') => Err(self.err(at, "a comparison needs an attribute or path before it")),
            Some('!') if self.peek_at(1) == Some('=') => {
                Err(self.err(at, "a comparison needs an attribute or path before it"))
            }
            Some('!') => {
                self.pos += 1;
                self.enter(at)?;
                let inner = self.unary()?;
                self.depth -= 1;
                Ok(Expr::Not(Box::new(inner)))
            }
            Some('(') => {
                self.pos += 1;
                self.enter(at)?;
                let inner = self.or()?;
                self.close_paren(at)?;
                self.depth -= 1;
                Ok(inner)
            }
            Some(c) if c.is_ascii_digit() => {
                let n = self.number();
                match n.parse::<u32>() {
                    Ok(0) => Err(self.err(at, "positions start at 1")),
                    Ok(n) => Ok(Expr::Position(n)),
                    Err(_) => Err(self.err(at, format!("position {n} is too large"))),
                }
            }
            Some('\'' | '"') => Err(self.err(
                at,
                "a value must be compared with something: write [@attribute='value'] or \
                 [.='value']",
            )),
            Some(']') => Err(self.err(at, "expected a condition")),
            Some(c) if is_name_start(c) => {
                let save = self.pos;
                let name = self.name();
                self.ws();
                if self.peek() == Some('(') && name != "text" {
                    return self.function(at, &name);
                }
                self.pos = save;
                self.comparison()
            }
            Some(_) => self.comparison(),
        }
    }

    fn close_paren(&mut self, open: usize) -> Result<(), SelectorError> {
        self.ws();
        match self.peek() {
            Some(')') => {
                self.pos += 1;
                Ok(())
            }
            Some(']') | None => Err(self.err(open, "unbalanced '(': missing ')'")),
            Some(c) => Err(self.err(self.pos, format!("unexpected '{c}': expected ')'"))),
        }
    }

    fn function(&mut self, at: usize, name: &str) -> Result<Expr, SelectorError> {
        let open = self.pos;
        self.pos += 1; // '('
        self.enter(at)?;
        let expr = match name {
            "not" => {
                let inner = self.or()?;
                Expr::Not(Box::new(inner))
            }
            "last" => Expr::Last,
            "contains" | "starts-with" | "ends-with" => {
                self.ws();
                let op = self.operand()?;
                self.ws();
                if self.peek() != Some(',') {
                    return Err(self.err(
                        self.pos,
                        format!("expected ',' and a quoted value: {name}(@attribute, 'value')"),
                    ));
                }
                self.pos += 1;
                self.ws();
                let value = self.value()?;
                let cmp = match name {
                    "contains" => Cmp::Contains,
                    "starts-with" => Cmp::StartsWith,
                    _ => Cmp::EndsWith,
                };
                Expr::Compare(op, cmp, value.into())
            }
            _ => {
                return Err(self.err(
                    at,
                    format!(
                        "unknown function '{name}()': the functions are not(), contains(), \
                         starts-with(), ends-with(), last() and text()"
                    ),
                ))
            }
        };
        self.close_paren(open)?;
        self.depth -= 1;
        Ok(expr)
    }

    /// `operand`, optionally followed by `=` / `!=` and a value.
    fn comparison(&mut self) -> Result<Expr, SelectorError> {
        let op = self.operand()?;
        self.ws();
        let negate = match (self.peek(), self.peek_at(1)) {
            (Some('='), _) => {
                self.pos += 1;
                false
            }
            (Some('!'), Some('=')) => {
                self.pos += 2;
                true
            }
            (Some('~'), _) => return Err(self.unexpected_in_predicate('~')),
            (Some(c @ ('<' | '>')), _) => return Err(self.unexpected_in_predicate(c)),
            _ => return Ok(Expr::Exists(op)),
        };
        self.ws();
        let value = self.value()?;
        let cmp = Expr::Compare(op, Cmp::Eq, value.into());
        Ok(if negate {
            Expr::Not(Box::new(cmp))
        } else {
            cmp
        })
    }

    /// A path inside a predicate, simplified when it only looks at the element itself.
    fn operand(&mut self) -> Result<Operand, SelectorError> {
        let at = self.pos;
        self.enter(at)?;
        let mut steps = Vec::new();
        self.path(&mut steps)?;
        self.depth -= 1;
        Ok(match steps.as_slice() {
            [Step::Accept(Terminal::Element)] => Operand::Dot,
            [Step::Accept(Terminal::Text)] => Operand::Text,
            [Step::Accept(Terminal::Attr(test))] => Operand::Attr(test.clone()),
            _ => Operand::Path(Box::new(Program::new(steps, 1))),
        })
    }

    fn number(&mut self) -> String {
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
        self.chars[start..self.pos].iter().collect()
    }

    /// A quoted string, or an unquoted number standing for one.
    fn value(&mut self) -> Result<String, SelectorError> {
        let at = self.pos;
        match self.peek() {
            Some(q @ ('\'' | '"')) => {
                let Some(len) = self.chars[at + 1..].iter().position(|&c| c == q) else {
                    return Err(self.err(at, format!("unterminated string: missing closing {q}")));
                };
                let s = self.chars[at + 1..at + 1 + len].iter().collect();
                self.pos = at + len + 2;
                Ok(s)
            }
            Some(c) if c.is_ascii_digit() => Ok(self.number()),
            _ => Err(self.err(at, "expected a quoted value such as 'lcsh'")),
        }
    }
}

/// One item alone, or several joined by `and` / `or`.
fn group(mut items: Vec<Expr>, join: fn(Vec<Expr>) -> Expr) -> Expr {
    if items.len() == 1 {
        items.pop().expect("one item")
    } else {
        join(items)
    }
}

/// Whether a predicate uses positions (`[1]`, `last()`), outside nested paths.
fn has_position(expr: &Expr) -> bool {
    match expr {
        Expr::Position(_) | Expr::Last => true,
        Expr::Or(items) | Expr::And(items) => items.iter().any(has_position),
        Expr::Not(inner) => has_position(inner),
        Expr::Exists(_) | Expr::Compare(..) => false,
    }
}
