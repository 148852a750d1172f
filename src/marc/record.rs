//! The MARC record model: [`Leader`], [`Tag`] and the decoded, owned [`RecordBuf`].
//!
//! A `RecordBuf` keeps all of its text in one `String` arena and its fields and subfields as small
//! index entries, so that `read_record(&mut rec)` reuses every allocation from one record to the
//! next. Fields are exposed as borrowed views ([`Field`], [`Subfield`]).

use std::fmt;

use crate::diagnostic::{Diagnostic, Position};

/// A three-character MARC tag (`245`, `001`, or a local alphanumeric tag such as `CAT`).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Tag([u8; 3]);

impl Tag {
    /// The tag from its three bytes. Any bytes are accepted (damaged records carry odd tags);
    /// use [`Tag::is_valid`] to check.
    pub const fn from_bytes(bytes: [u8; 3]) -> Self {
        Self(bytes)
    }

    /// The tag from a string of exactly three ASCII characters.
    ///
    /// ```
    /// use crosswalk::marc::Tag;
    /// let t = Tag::parse("245").unwrap();
    /// assert_eq!(t.as_str(), "245");
    /// assert!(Tag::parse("24").is_none());
    /// ```
    pub fn parse(s: &str) -> Option<Self> {
        let b = s.as_bytes();
        (b.len() == 3 && b.is_ascii()).then(|| Self([b[0], b[1], b[2]]))
    }

    /// The three bytes.
    pub const fn as_bytes(&self) -> &[u8; 3] {
        &self.0
    }

    /// The tag as text; non-ASCII bytes (only in damaged records) show as `?`.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("???")
    }

    /// True for `001`–`009` (and `00A`–`00Z`): fields without indicators or subfields.
    pub fn is_control(&self) -> bool {
        self.0[0] == b'0' && self.0[1] == b'0'
    }

    /// True when all three bytes are ASCII letters or digits.
    pub fn is_valid(&self) -> bool {
        self.0.iter().all(u8::is_ascii_alphanumeric)
    }
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_ascii() {
            f.write_str(self.as_str())
        } else {
            write!(f, "{}", self.0.escape_ascii())
        }
    }
}

impl fmt::Debug for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Tag({self})")
    }
}

/// The 24-byte record leader.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Leader(pub [u8; 24]);

impl Default for Leader {
    /// A blank leader for a new UTF-8 bibliographic record: `00000nam a2200000 i 4500`.
    fn default() -> Self {
        Self(*b"00000nam a2200000 i 4500")
    }
}

impl Leader {
    /// Byte at position `pos` (0-based, as in the MARC documentation: `leader/06`).
    pub fn get(&self, pos: usize) -> u8 {
        self.0[pos]
    }

    /// The leader as the writers give it: position 09 set to `a` (UCS/Unicode), because what
    /// they write is the record's text, which is Unicode whatever charset it was read from.
    ///
    /// ```
    /// use crosswalk::marc::Leader;
    /// let read_as_marc8 = Leader(*b"00714cam  2200205 a 4500");
    /// assert_eq!(&read_as_marc8.for_unicode().0, b"00714cam a2200205 a 4500");
    /// ```
    pub fn for_unicode(&self) -> Leader {
        let mut leader = *self;
        leader.0[9] = b'a';
        leader
    }

    /// The leader as text (non-ASCII bytes replaced).
    pub fn to_text(&self) -> String {
        String::from_utf8_lossy(&self.0).into_owned()
    }

    /// Positions 00–04: the record length, when numeric.
    pub fn record_length(&self) -> Option<usize> {
        parse_digits(&self.0[0..5])
    }

    /// Positions 12–16: the base address of data, when numeric.
    pub fn base_address(&self) -> Option<usize> {
        parse_digits(&self.0[12..17])
    }

    /// Position 05: record status.
    pub fn status(&self) -> u8 {
        self.0[5]
    }

    /// Position 06: type of record.
    pub fn record_type(&self) -> u8 {
        self.0[6]
    }

    /// Position 07: bibliographic level.
    pub fn bibliographic_level(&self) -> u8 {
        self.0[7]
    }

    /// Position 09: character coding scheme (`a` = UCS/Unicode, blank = MARC-8).
    pub fn character_coding(&self) -> u8 {
        self.0[9]
    }

    /// Sets positions 00–04 (record length); values over 99,999 are written as `99999`.
    pub fn set_record_length(&mut self, len: usize) {
        write_digits(&mut self.0[0..5], len.min(99_999));
    }

    /// Sets positions 12–16 (base address of data).
    pub fn set_base_address(&mut self, addr: usize) {
        write_digits(&mut self.0[12..17], addr.min(99_999));
    }
}

impl fmt::Debug for Leader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Leader({:?})", self.to_text())
    }
}

impl fmt::Display for Leader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_text())
    }
}

/// Parses ASCII digits; `None` if any byte is not a digit or the slice is empty.
pub(crate) fn parse_digits(bytes: &[u8]) -> Option<usize> {
    if bytes.is_empty() || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(
        bytes
            .iter()
            .fold(0usize, |n, b| n * 10 + usize::from(b - b'0')),
    )
}

/// Writes `n` as zero-padded digits filling `out`.
pub(crate) fn write_digits(out: &mut [u8], mut n: usize) {
    for b in out.iter_mut().rev() {
        *b = b'0' + (n % 10) as u8;
        n /= 10;
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FieldEntry {
    tag: Tag,
    /// `None` for control fields.
    indicators: Option<[char; 2]>,
    /// Control field: text range. Data field: range in `subfields`.
    start: u32,
    end: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct SubfieldEntry {
    code: char,
    start: u32,
    end: u32,
}

/// A decoded MARC record that owns its data and reuses its buffers.
///
/// ```
/// use crosswalk::marc::{RecordBuf, Tag};
/// let mut rec = RecordBuf::new();
/// rec.push_control_field(Tag::parse("001").unwrap(), "ocm123");
/// rec.push_data_field(Tag::parse("245").unwrap(), '1', '0');
/// rec.push_subfield('a', "Moby Dick /");
/// rec.push_subfield('c', "Herman Melville.");
/// assert_eq!(rec.id(), Some("ocm123"));
/// let title = rec.fields_with_tag("245").next().unwrap();
/// assert_eq!(title.subfield('a'), Some("Moby Dick /"));
/// assert_eq!(title.indicators(), Some(['1', '0']));
/// ```
#[derive(Clone, Default)]
pub struct RecordBuf {
    leader: Leader,
    text: String,
    fields: Vec<FieldEntry>,
    subfields: Vec<SubfieldEntry>,
    raw: Vec<u8>,
    position: Position,
    diagnostics: Vec<Diagnostic>,
    tags: TagBits,
}

/// A record's fields by numeric tag (`000`–`999`), so that a selector of one tag goes straight
/// to its fields (and passes over a record without them); `other` when the record also holds a
/// tag that is not three digits (then every field has to be looked at).
#[derive(Clone, Default)]
struct TagBits {
    /// `(tag, field index)`, sorted by tag, fields of one tag in record order.
    by_tag: Vec<(u16, u32)>,
    /// A bit per numeric tag the record holds: a selector of tags the record lacks (most of a
    /// mapping's) knows it without a search.
    present: [u64; 16],
    other: bool,
}

impl TagBits {
    fn add(&mut self, tag: Tag, index: usize) {
        match numeric_tag(tag.as_bytes()) {
            Some(n) => {
                // Fields mostly come in tag order: this is mostly a push.
                if self.by_tag.last().is_none_or(|&(t, _)| t <= n) {
                    self.by_tag.push((n, index as u32));
                } else {
                    let at = self.by_tag.partition_point(|&(t, _)| t <= n);
                    self.by_tag.insert(at, (n, index as u32));
                }
                self.present[usize::from(n / 64)] |= 1 << (n % 64);
            }
            None => self.other = true,
        }
    }

    /// Whether the record holds a numeric tag within `lo..=hi` (both below 1000).
    #[inline]
    fn any_within(&self, lo: u16, hi: u16) -> bool {
        let (lo, hi) = (usize::from(lo), usize::from(hi));
        if lo == hi {
            return self.present[lo / 64] & (1 << (lo % 64)) != 0;
        }
        (lo / 64..=hi / 64).any(|w| {
            let from = if w == lo / 64 { lo % 64 } else { 0 };
            let to = if w == hi / 64 { hi % 64 } else { 63 };
            let mask = (u64::MAX << from) & (u64::MAX >> (63 - to));
            self.present[w] & mask != 0
        })
    }

    fn clear(&mut self) {
        self.by_tag.clear();
        self.present = [0; 16];
        self.other = false;
    }
}

/// `245` → 245; `None` unless all three bytes are ASCII digits.
fn numeric_tag(tag: &[u8; 3]) -> Option<u16> {
    tag.iter().try_fold(0u16, |n, b| {
        b.is_ascii_digit().then(|| n * 10 + u16::from(b - b'0'))
    })
}

impl RecordBuf {
    /// An empty record with a default leader.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty record with room for one the size of `self` (text, fields, subfields, raw
    /// bytes), for readers that hand each record over and read the next into a new one: it then
    /// seldom grows.
    ///
    /// ```
    /// use crosswalk::marc::{RecordBuf, Tag};
    /// let mut rec = RecordBuf::new();
    /// rec.push_control_field(Tag::from_bytes(*b"001"), "ocm12345");
    /// let next = rec.empty_like();
    /// assert_eq!(next.len(), 0);
    /// ```
    pub fn empty_like(&self) -> RecordBuf {
        let mut next = RecordBuf::new();
        next.text.reserve(self.text.len());
        next.fields.reserve(self.fields.len());
        next.subfields.reserve(self.subfields.len());
        next.raw.reserve(self.raw.len());
        next.tags.by_tag.reserve(self.tags.by_tag.len());
        next
    }

    /// Empties the record, keeping its allocations.
    pub fn clear(&mut self) {
        self.leader = Leader::default();
        self.text.clear();
        self.fields.clear();
        self.subfields.clear();
        self.raw.clear();
        self.position = Position::default();
        self.diagnostics.clear();
        self.tags.clear();
    }

    /// The leader.
    pub fn leader(&self) -> &Leader {
        &self.leader
    }

    /// The leader, for changing.
    pub fn leader_mut(&mut self) -> &mut Leader {
        &mut self.leader
    }

    /// Replaces the leader.
    pub fn set_leader(&mut self, leader: Leader) {
        self.leader = leader;
    }

    /// Number of fields (control and data).
    pub fn len(&self) -> usize {
        self.fields.len()
    }

    /// True when the record has no fields.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// All fields, in record order.
    pub fn fields(&self) -> impl ExactSizeIterator<Item = Field<'_>> + '_ {
        (0..self.fields.len()).map(move |index| Field { rec: self, index })
    }

    /// The field at `index` in record order.
    pub fn field(&self, index: usize) -> Option<Field<'_>> {
        (index < self.fields.len()).then_some(Field { rec: self, index })
    }

    /// The fields with the given tag, in record order.
    pub fn fields_with_tag<'a>(&'a self, tag: &'a str) -> impl Iterator<Item = Field<'a>> + 'a {
        self.fields()
            .filter(move |f| f.tag().as_bytes() == tag.as_bytes())
    }

    /// The value of the first control field with this tag.
    pub fn control_field(&self, tag: &str) -> Option<&str> {
        self.fields()
            .find(|f| f.tag().as_bytes() == tag.as_bytes() && f.is_control())
            .and_then(|f| f.value())
    }

    /// The record's control number (001), trimmed.
    pub fn id(&self) -> Option<&str> {
        self.control_field("001")
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }

    /// Appends a control field.
    pub fn push_control_field(&mut self, tag: Tag, value: &str) {
        self.push_control_field_with(tag, |s| s.push_str(value));
    }

    /// Appends a control field whose value `write` appends to the given string (used by decoders to
    /// decode straight into the record's buffer).
    pub fn push_control_field_with(&mut self, tag: Tag, write: impl FnOnce(&mut String)) {
        let start = self.text.len() as u32;
        write(&mut self.text);
        let end = self.text.len() as u32;
        self.tags.add(tag, self.fields.len());
        self.fields.push(FieldEntry {
            tag,
            indicators: None,
            start,
            end,
        });
    }

    /// Appends a data field without subfields; follow with [`RecordBuf::push_subfield`].
    pub fn push_data_field(&mut self, tag: Tag, ind1: char, ind2: char) {
        let at = self.subfields.len() as u32;
        self.tags.add(tag, self.fields.len());
        self.fields.push(FieldEntry {
            tag,
            indicators: Some([ind1, ind2]),
            start: at,
            end: at,
        });
    }

    /// Appends a subfield to the last data field.
    ///
    /// # Panics
    /// If the last field is not a data field (a programming error, never caused by input).
    pub fn push_subfield(&mut self, code: char, value: &str) {
        self.push_subfield_with(code, |s| s.push_str(value));
    }

    /// Appends a subfield whose value `write` appends to the given string.
    ///
    /// # Panics
    /// If the last field is not a data field.
    pub fn push_subfield_with(&mut self, code: char, write: impl FnOnce(&mut String)) {
        let start = self.text.len() as u32;
        write(&mut self.text);
        let end = self.text.len() as u32;
        self.subfields.push(SubfieldEntry { code, start, end });
        let last = self
            .fields
            .last_mut()
            .filter(|f| f.indicators.is_some())
            .expect("push_subfield needs a data field first");
        last.end = self.subfields.len() as u32;
    }

    /// Removes every field, keeping leader, raw bytes, position and diagnostics.
    pub fn clear_fields(&mut self) {
        self.text.clear();
        self.fields.clear();
        self.subfields.clear();
        self.tags.clear();
    }

    /// The `(tag, index)` of the fields with a numeric tag within `lo..=hi`, when they are in
    /// record order that way (always for one tag; for a range when the fields come in tag order,
    /// as they mostly do); `None` when they are not, or when the record also holds a tag that is
    /// not numeric (every field has to be looked at then).
    #[inline]
    pub(crate) fn fields_tagged(&self, lo: u16, hi: u16) -> Option<&[(u16, u32)]> {
        if self.tags.other {
            return None;
        }
        if !self.tags.any_within(lo, hi) {
            return Some(&[]);
        }
        let all = &self.tags.by_tag;
        let start = all.partition_point(|&(t, _)| t < lo);
        let len = all[start..].partition_point(|&(t, _)| t <= hi);
        let run = &all[start..start + len];
        (lo == hi || run.windows(2).all(|w| w[0].1 < w[1].1)).then_some(run)
    }

    /// False when no field of the record can have a tag within `lo..=hi` (numeric tags below
    /// 1000): it holds no such numeric tag and no tag that is not numeric.
    #[inline]
    pub(crate) fn may_hold_tags(&self, lo: u16, hi: u16) -> bool {
        self.tags.other || self.tags.any_within(lo, hi)
    }

    /// The raw bytes the record was read from (empty for records built in code).
    pub fn raw(&self) -> &[u8] {
        &self.raw
    }

    /// The raw-bytes buffer, for readers.
    pub fn raw_mut(&mut self) -> &mut Vec<u8> {
        &mut self.raw
    }

    /// Where the record was read from.
    pub fn position(&self) -> Position {
        self.position
    }

    /// Sets where the record was read from.
    pub fn set_position(&mut self, position: Position) {
        self.position = position;
    }

    /// The repairs and warnings the reader reported for this record.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// Adds a diagnostic.
    pub fn push_diagnostic(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// The diagnostics, for readers that complete them (for example with the record id once known).
    pub fn diagnostics_mut(&mut self) -> &mut Vec<Diagnostic> {
        &mut self.diagnostics
    }

    /// Takes the diagnostics out of the record.
    pub fn take_diagnostics(&mut self) -> Vec<Diagnostic> {
        std::mem::take(&mut self.diagnostics)
    }

    /// True when leader and fields are equal (raw bytes, position and diagnostics are not compared).
    pub fn same_content(&self, other: &Self) -> bool {
        self.leader == other.leader
            && self.fields.len() == other.fields.len()
            && self.fields().zip(other.fields()).all(|(a, b)| a == b)
    }
}

impl PartialEq for RecordBuf {
    /// Compares leader and fields only; see [`RecordBuf::same_content`].
    fn eq(&self, other: &Self) -> bool {
        self.same_content(other)
    }
}

impl fmt::Debug for RecordBuf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "LDR {}", self.leader)?;
        for field in self.fields() {
            writeln!(f, "{field}")?;
        }
        Ok(())
    }
}

/// A borrowed view of one field of a [`RecordBuf`].
#[derive(Clone, Copy)]
pub struct Field<'a> {
    rec: &'a RecordBuf,
    index: usize,
}

impl<'a> Field<'a> {
    fn entry(&self) -> &'a FieldEntry {
        &self.rec.fields[self.index]
    }

    /// Position of the field in its record (0-based).
    pub fn index(&self) -> usize {
        self.index
    }

    /// The tag.
    pub fn tag(&self) -> Tag {
        self.entry().tag
    }

    /// True for a control field (no indicators, no subfields).
    pub fn is_control(&self) -> bool {
        self.entry().indicators.is_none()
    }

    /// The value of a control field; `None` for a data field.
    pub fn value(&self) -> Option<&'a str> {
        let e = self.entry();
        e.indicators
            .is_none()
            .then(|| &self.rec.text[e.start as usize..e.end as usize])
    }

    /// The two indicators of a data field.
    pub fn indicators(&self) -> Option<[char; 2]> {
        self.entry().indicators
    }

    /// The subfields of a data field, in order (empty for a control field).
    pub fn subfields(&self) -> impl ExactSizeIterator<Item = Subfield<'a>> + 'a {
        let rec = self.rec;
        self.subfield_entries().iter().map(move |s| Subfield {
            code: s.code,
            value: &rec.text[s.start as usize..s.end as usize],
        })
    }

    /// The entries of the subfields (none for a control field).
    fn subfield_entries(&self) -> &'a [SubfieldEntry] {
        let e = self.entry();
        match e.indicators {
            Some(_) => &self.rec.subfields[e.start as usize..e.end as usize],
            None => &[],
        }
    }

    /// The codes of the subfields, in order (their values are not looked at).
    pub(crate) fn subfield_codes(&self) -> impl Iterator<Item = char> + 'a {
        self.subfield_entries().iter().map(|s| s.code)
    }

    /// The value of subfield `pos` (0-based, as in [`Field::subfields`]).
    pub(crate) fn subfield_value(&self, pos: usize) -> Option<&'a str> {
        let s = self.subfield_entries().get(pos)?;
        self.rec.text.get(s.start as usize..s.end as usize)
    }

    /// The first subfield with this code.
    pub fn subfield(&self, code: char) -> Option<&'a str> {
        self.subfields().find(|s| s.code == code).map(|s| s.value)
    }
}

impl PartialEq for Field<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.tag() == other.tag()
            && self.indicators() == other.indicators()
            && self.value() == other.value()
            && self.subfields().eq(other.subfields())
    }
}

impl fmt::Display for Field<'_> {
    /// A tagged display line, `245 10 $aMoby Dick /$cHerman Melville.`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.tag())?;
        match self.indicators() {
            None => write!(f, "    {}", self.value().unwrap_or_default()),
            Some([i1, i2]) => {
                write!(f, " {i1}{i2} ")?;
                for s in self.subfields() {
                    write!(f, "${}{}", s.code, s.value)?;
                }
                Ok(())
            }
        }
    }
}

impl fmt::Debug for Field<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// One subfield: its code and decoded value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Subfield<'a> {
    /// The subfield code (`a`, `6`, …).
    pub code: char,
    /// The decoded value (Unicode, NFC).
    pub value: &'a str,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn build_and_read_back() {
        let mut rec = RecordBuf::new();
        rec.push_control_field(Tag::parse("001").unwrap(), " 12345 ");
        rec.push_data_field(Tag::parse("650").unwrap(), ' ', '0');
        rec.push_subfield('a', "Music");
        rec.push_subfield('x', "History");
        rec.push_data_field(Tag::parse("650").unwrap(), ' ', '7');
        rec.push_subfield('a', "Slavery");
        assert_eq!(rec.id(), Some("12345"));
        assert_eq!(rec.len(), 3);
        let subjects: Vec<_> = rec
            .fields_with_tag("650")
            .map(|f| {
                f.subfields()
                    .map(|s| s.value)
                    .collect::<Vec<_>>()
                    .join("--")
            })
            .collect();
        assert_eq!(subjects, ["Music--History", "Slavery"]);
        assert_eq!(
            format!("{}", rec.field(1).unwrap()),
            "650  0 $aMusic$xHistory"
        );
        assert!(rec.field(0).unwrap().subfields().next().is_none());
        let copy = rec.clone();
        assert_eq!(copy, rec);
        rec.clear();
        assert!(rec.is_empty());
        assert_ne!(copy, rec);
    }

    #[test]
    fn tags_held() {
        let mut rec = RecordBuf::new();
        // No field with a tag in the range: an empty list (nothing to scan).
        let holds =
            |rec: &RecordBuf, lo, hi| rec.fields_tagged(lo, hi).is_none_or(|f| !f.is_empty());
        assert!(!holds(&rec, 0, 999));
        rec.push_control_field(Tag::parse("001").unwrap(), "x");
        rec.push_data_field(Tag::parse("650").unwrap(), ' ', '0');
        rec.push_data_field(Tag::parse("999").unwrap(), ' ', ' ');
        for (lo, hi, held) in [
            (1, 1, true),
            (0, 0, false),
            (2, 649, false),
            (600, 699, true),
            (651, 998, false),
            (999, 999, true),
            (0, 999, true),
            (63, 64, false),
        ] {
            assert_eq!(holds(&rec, lo, hi), held, "{lo}-{hi}");
        }
        rec.push_data_field(Tag::parse("650").unwrap(), ' ', '7');
        rec.push_data_field(Tag::parse("100").unwrap(), '1', ' ');
        let tagged = |lo, hi| {
            rec.fields_tagged(lo, hi)
                .map(|f| f.iter().map(|e| e.1).collect::<Vec<_>>())
        };
        assert_eq!(tagged(650, 650), Some(vec![1, 3]));
        assert_eq!(tagged(100, 100), Some(vec![4]));
        assert_eq!(tagged(1, 1), Some(vec![0]));
        assert_eq!(tagged(245, 245), Some(vec![]));
        assert_eq!(
            tagged(600, 999),
            None,
            "650 650 999 are not in record order"
        );
        assert_eq!(tagged(600, 699), Some(vec![1, 3]));
        assert_eq!(tagged(0, 199), Some(vec![0, 4]));
        rec.push_data_field(Tag::parse("CAT").unwrap(), ' ', ' ');
        assert!(
            holds(&rec, 2, 649),
            "a letter tag: every field is looked at"
        );
        assert_eq!(rec.fields_tagged(650, 650), None);
        rec.clear_fields();
        assert!(!holds(&rec, 0, 999));
    }

    #[test]
    fn leader_numbers() {
        let mut l = Leader(*b"01234cam a2200289 a 4500");
        assert_eq!(l.record_length(), Some(1234));
        assert_eq!(l.base_address(), Some(289));
        l.set_record_length(123_456);
        assert_eq!(&l.0[0..5], b"99999");
        assert_eq!(Leader(*b"0a234cam a2200289 a 4500").record_length(), None);
    }
}
