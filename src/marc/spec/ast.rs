//! The compiled form of a MARCspec: abbreviations already resolved against the spec they sit in.

/// A character position or an occurrence index: a number or `#` (the last one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pos {
    Num(u32),
    Last,
}

/// A position or a range of positions (`3`, `0-4`, `1-#`, `#-1`); a single position is a range
/// from itself to itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Range {
    pub start: Pos,
    pub end: Pos,
}

impl Range {
    /// The inclusive span this range covers among `n` items, if any.
    ///
    /// `a-b` is clipped to the items there are; `#-k` counts backwards (the last `k + 1`
    /// items); a start after the end never gets here (the parser rejects it).
    pub fn span(&self, n: usize) -> Option<(usize, usize)> {
        if n == 0 {
            return None;
        }
        let last = n - 1;
        match (self.start, self.end) {
            (Pos::Num(a), Pos::Num(b)) => {
                let (a, b) = (a as usize, b as usize);
                (a <= last && a <= b).then(|| (a, b.min(last)))
            }
            (Pos::Num(a), Pos::Last) => {
                let a = a as usize;
                (a <= last).then_some((a, last))
            }
            (Pos::Last, Pos::Num(k)) => Some((last - (k as usize).min(last), last)),
            (Pos::Last, Pos::Last) => Some((last, last)),
        }
    }

    /// True when the range needs the number of items to be resolved.
    pub fn needs_count(&self) -> bool {
        self.start == Pos::Last || self.end == Pos::Last
    }
}

/// A field tag pattern: three bytes, `.` matching any byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TagPattern {
    bytes: [u8; 3],
    /// 0xff where the byte must match, 0 for a wildcard.
    mask: [u8; 3],
    /// [`TagPattern::numeric_range`], worked out once.
    numeric: Option<(u16, u16)>,
}

impl TagPattern {
    pub fn new(bytes: [u8; 3]) -> Self {
        let mut mask = [0xff; 3];
        let mut b = bytes;
        for i in 0..3 {
            if b[i] == b'.' {
                mask[i] = 0;
                b[i] = 0;
            }
        }
        Self {
            bytes: b,
            mask,
            numeric: numeric_range(b, mask),
        }
    }

    /// The numeric tags the pattern matches, `lo..=hi`, when it is digits followed by wildcards
    /// (`245`, `51.`, `6..`); `None` otherwise (letters, `LDR`, a wildcard before a digit).
    #[inline]
    pub fn numeric_range(&self) -> Option<(u16, u16)> {
        self.numeric
    }

    /// Does a record's tag match? The leader is matched only by the literal tag `LDR`.
    #[inline]
    pub fn matches(&self, tag: &[u8; 3]) -> bool {
        (tag[0] & self.mask[0]) == self.bytes[0]
            && (tag[1] & self.mask[1]) == self.bytes[1]
            && (tag[2] & self.mask[2]) == self.bytes[2]
    }

    /// True for the literal tag `LDR` (the leader).
    pub fn is_leader(&self) -> bool {
        self.mask == [0xff; 3] && &self.bytes == b"LDR"
    }
}

/// [`TagPattern::numeric_range`] of a pattern's bytes and mask.
fn numeric_range(bytes: [u8; 3], mask: [u8; 3]) -> Option<(u16, u16)> {
    let (mut lo, mut hi, mut wild) = (0u16, 0u16, false);
    for i in 0..3 {
        if mask[i] == 0 {
            wild = true;
            lo *= 10;
            hi = hi * 10 + 9;
        } else if wild || !bytes[i].is_ascii_digit() {
            return None;
        } else {
            let d = u16::from(bytes[i] - b'0');
            lo = lo * 10 + d;
            hi = hi * 10 + d;
        }
    }
    Some((lo, hi))
}

/// One subfield code or a range of codes (`$a`, `$a-c`, `$0-5`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Codes {
    One(char),
    Range(char, char),
}

impl Codes {
    #[inline]
    pub fn matches(&self, code: char) -> bool {
        match *self {
            Codes::One(c) => c == code,
            Codes::Range(a, b) => (a..=b).contains(&code),
        }
    }
}

/// Which fields a subspec term looks at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FieldSel {
    /// The field occurrence (or the leader) being selected.
    Current,
    /// Fields of the record with this tag (`None`: the current field's own tag) and index.
    Tag {
        tag: Option<TagPattern>,
        index: Option<Range>,
    },
}

/// One side of a subspec comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Term {
    /// The value being selected (left-hand side omitted).
    Implicit,
    /// A comparison string, unescaped.
    Literal(Box<str>),
    /// A field's value, optionally a character range of it.
    Field {
        field: FieldSel,
        chars: Option<Range>,
    },
    /// Subfield values.
    Subfield {
        field: FieldSel,
        codes: Codes,
        index: Option<Range>,
        chars: Option<Range>,
    },
    /// Another character range of the subfield occurrence being selected (`$a{/0-2=\The}`).
    CurrentSubfield { chars: Option<Range> },
    /// An indicator value.
    Indicator { field: FieldSel, which: u8 },
}

/// A subspec operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    Eq,
    Ne,
    Includes,
    NotIncludes,
    Exists,
    NotExists,
}

/// `left op right`; one alternative of a subspec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TermSet {
    pub left: Term,
    pub op: Op,
    pub right: Term,
}

/// `{a|b|c}`: true when any alternative holds. Chained subspecs must all hold.
pub(crate) type SubSpec = Vec<TermSet>;

/// One `$code[index]/chars{subspec}` part of a subfield spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SubfieldPart {
    pub codes: Codes,
    pub index: Option<Range>,
    pub chars: Option<Range>,
    pub subspecs: Vec<SubSpec>,
}

/// Which fields a spec starts from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    /// A relative spec (`$a`, `^1`, `/0-3`): the field given as scope.
    Relative,
    /// Fields with this tag and index.
    Tag {
        tag: TagPattern,
        index: Option<Range>,
    },
}

/// What a spec selects in each field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Kind {
    Field {
        chars: Option<Range>,
        subspecs: Vec<SubSpec>,
    },
    Subfields(Vec<SubfieldPart>),
    Indicator {
        which: u8,
        subspecs: Vec<SubSpec>,
    },
}

/// A whole compiled spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Spec {
    pub target: Target,
    pub kind: Kind,
}
