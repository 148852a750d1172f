//! Corpus test: decode the MARC-8 records of `$CROSSWALK_SHARED/corpus/marc-bin` and compare every
//! subfield and control-field value with yaz-marcdump's MARCXML (the oracle), both sides in NFC.
//! Skips (passes with a note) when `CROSSWALK_SHARED` is unset. Run with `--nocapture` to see the
//! agreement figure and the difference classes.
//!
//! The ISO 2709 split below is deliberately minimal and test-only.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use quick_xml::events::Event;
use unicode_normalization::UnicodeNormalization;

use crate::marc::encoding::{detect, Charset, FieldDecoder};

/// One value: tag, subfield code (`None` for a control field), text or raw bytes.
type Value<T> = (String, Option<char>, T);

/// A raw value with the index of its field (escape state resets at each field).
type RawValue<'a> = (usize, Value<&'a [u8]>);

fn shared() -> Option<PathBuf> {
    match std::env::var_os("CROSSWALK_SHARED") {
        Some(p) => Some(PathBuf::from(p)),
        None => {
            println!("note: CROSSWALK_SHARED is not set; MARC-8 corpus test skipped");
            None
        }
    }
}

fn walk(dir: &Path, suffix: &str, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = rd.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, suffix, out);
        } else if p.to_string_lossy().ends_with(suffix) {
            out.push(p);
        }
    }
}

/// Splits one record into (tag, code, raw bytes) values, plus the data area; `None` if the
/// structure is broken.
fn split_record(rec: &[u8]) -> Option<(Vec<RawValue<'_>>, &[u8])> {
    let start = rec.iter().position(u8::is_ascii_digit)?;
    let rec = &rec[start..];
    let num = |b: &[u8]| std::str::from_utf8(b).ok()?.parse::<usize>().ok();
    let base = num(rec.get(12..17)?)?;
    let dir_end = rec.iter().position(|&b| b == 0x1E)?;
    let mut out = Vec::new();
    for (field, entry) in rec.get(24..dir_end)?.chunks(12).enumerate() {
        if entry.len() != 12 {
            return None;
        }
        let tag = String::from_utf8_lossy(&entry[..3]).into_owned();
        let (len, off) = (num(&entry[3..7])?, num(&entry[7..12])?);
        let mut data = rec.get(base + off..base + off + len)?;
        if let [rest @ .., 0x1E] = data {
            data = rest;
        }
        if tag.starts_with("00") {
            out.push((field, (tag, None, data)));
        } else {
            for piece in data.get(2..)?.split(|&b| b == 0x1F).skip(1) {
                let (&code, value) = piece.split_first()?;
                out.push((field, (tag.clone(), Some(code as char), value)));
            }
        }
    }
    Some((out, rec.get(base..)?))
}

/// The values of each record in a `.yaz.xml` file, by record index.
fn read_oracle(path: &Path) -> BTreeMap<usize, Vec<Value<String>>> {
    let xml = std::fs::read_to_string(path).unwrap_or_default();
    let mut reader = quick_xml::Reader::from_str(&xml);
    reader.config_mut().trim_text(false);
    let mut records: BTreeMap<usize, Vec<Value<String>>> = BTreeMap::new();
    let mut index = None;
    let mut tag = String::new();
    let mut current: Option<(Option<char>, String)> = None;
    let attr = |e: &quick_xml::events::BytesStart, name: &[u8]| {
        e.attributes()
            .filter_map(Result::ok)
            .find(|a| a.key.as_ref() == name)
            .and_then(|a| a.unescape_value().ok().map(|v| v.into_owned()))
            .unwrap_or_default()
    };
    loop {
        match reader.read_event() {
            Ok(Event::Eof) | Err(_) => break,
            Ok(Event::Comment(c)) => {
                let text = String::from_utf8_lossy(&c).into_owned();
                if let Some(rest) = text.trim().strip_prefix("oracle: record_index=") {
                    index = rest.split(' ').next().and_then(|n| n.parse().ok());
                }
            }
            Ok(Event::Start(e)) => match e.local_name().as_ref() {
                b"controlfield" => {
                    tag = attr(&e, b"tag");
                    current = Some((None, String::new()));
                }
                b"datafield" => tag = attr(&e, b"tag"),
                b"subfield" => {
                    let code = attr(&e, b"code").chars().next();
                    current = Some((code, String::new()));
                }
                _ => {}
            },
            Ok(Event::Empty(e)) => {
                if let (Some(i), b"subfield" | b"controlfield") = (index, e.local_name().as_ref()) {
                    let code = attr(&e, b"code").chars().next();
                    let t = if code.is_some() {
                        tag.clone()
                    } else {
                        attr(&e, b"tag")
                    };
                    records.entry(i).or_default().push((t, code, String::new()));
                }
            }
            Ok(Event::Text(t)) => {
                if let Some((_, s)) = current.as_mut() {
                    s.push_str(&t.decode().unwrap_or_default());
                }
            }
            Ok(Event::GeneralRef(r)) => {
                if let Some((_, s)) = current.as_mut() {
                    if let Ok(Some(c)) = r.resolve_char_ref() {
                        s.push(c);
                    } else {
                        let name: &[u8] = &r;
                        s.push_str(match name {
                            b"amp" => "&",
                            b"lt" => "<",
                            b"gt" => ">",
                            b"quot" => "\"",
                            b"apos" => "'",
                            _ => "\u{FFFD}",
                        });
                    }
                }
            }
            Ok(Event::End(e)) => {
                if matches!(e.local_name().as_ref(), b"subfield" | b"controlfield") {
                    if let (Some(i), Some((code, s))) = (index, current.take()) {
                        records.entry(i).or_default().push((tag.clone(), code, s));
                    }
                }
            }
            _ => {}
        }
    }
    records
}

#[test]
fn marc8_agrees_with_yaz_on_corpus() {
    let Some(shared) = shared() else { return };
    let oracle_root = shared.join("oracle/yaz/marc-bin");
    let mut tsvs = Vec::new();
    walk(&oracle_root, ".yaz.tsv", &mut tsvs);
    assert!(
        !tsvs.is_empty(),
        "no oracle files under {}",
        oracle_root.display()
    );
    let (mut total, mut agree, mut records, mut skipped) = (0usize, 0usize, 0usize, 0usize);
    let mut clean_total = 0usize;
    let mut clean_agree = 0usize;
    let mut classes: BTreeMap<&'static str, (usize, Vec<String>)> = BTreeMap::new();
    let mut detections: BTreeMap<String, usize> = BTreeMap::new();
    let mut dec = FieldDecoder::new(Charset::Marc8);
    let mut decoded_everything = 0usize;
    for tsv in &tsvs {
        let rel = tsv.strip_prefix(&oracle_root).unwrap_or(tsv);
        let rel_s = rel.to_string_lossy();
        let bin = shared
            .join("corpus/marc-bin")
            .join(rel_s.trim_end_matches(".yaz.tsv"));
        let Ok(raw) = std::fs::read(&bin) else {
            continue;
        };
        let xml_path = tsv.with_file_name(
            tsv.file_name()
                .map(|n| n.to_string_lossy().replace(".yaz.tsv", ".yaz.xml"))
                .unwrap_or_default(),
        );
        let oracle = read_oracle(&xml_path);
        let text = std::fs::read_to_string(tsv).unwrap_or_default();
        for row in text.lines().skip(1) {
            let cols: Vec<&str> = row.split('\t').collect();
            if cols.len() < 11 {
                continue;
            }
            let (Ok(index), Ok(offset), Ok(len)) = (
                cols[0].parse::<usize>(),
                cols[1].parse::<usize>(),
                cols[6].parse::<usize>(),
            ) else {
                continue;
            };
            let Some(chunk) = raw.get(offset..offset + len) else {
                continue;
            };
            let mut verdict = None;
            if let Some((values, data)) = split_record(chunk) {
                let l09 = chunk
                    .iter()
                    .position(u8::is_ascii_digit)
                    .and_then(|s| chunk.get(s + 9))
                    .copied()
                    .unwrap_or(b' ');
                let d = detect(l09, data);
                // Every record of the corpus decodes, whatever its charset, without panicking.
                let mut any = FieldDecoder::new(d.charset);
                let (mut text, mut problems, mut last) = (String::new(), Vec::new(), usize::MAX);
                for (field, (_, _, bytes)) in &values {
                    if *field != last {
                        any.start_field();
                        last = *field;
                    }
                    any.decode(bytes, &mut text, &mut problems);
                }
                decoded_everything += 1;
                if let Some((kind, _)) = d.misdeclared {
                    verdict = Some(kind);
                    *detections.entry(format!("{kind}: {rel_s}")).or_default() += 1;
                }
            }
            if cols[2] != "ok" || cols[5] != "MARC-8" {
                continue;
            }
            let (Some(values), Some(expected)) = (split_record(chunk), oracle.get(&index)) else {
                skipped += 1;
                continue;
            };
            let values = values.0;
            if values.len() != expected.len()
                || values
                    .iter()
                    .zip(expected)
                    .any(|((_, a), b)| a.0 != b.0 || a.1 != b.1)
            {
                skipped += 1;
                continue;
            }
            records += 1;
            let loss = cols[9];
            let mut last_field = usize::MAX;
            for ((field, (tag, code, bytes)), (_, _, want)) in values.iter().zip(expected) {
                if *field != last_field {
                    dec.start_field();
                    last_field = *field;
                }
                let mut got = String::new();
                let mut problems = Vec::new();
                dec.decode(bytes, &mut got, &mut problems);
                let want: String = want.nfc().collect();
                total += 1;
                if problems.is_empty() {
                    clean_total += 1;
                }
                if got == want {
                    agree += 1;
                    if problems.is_empty() {
                        clean_agree += 1;
                    }
                    continue;
                }
                let key = format!("{tag}${}", code.unwrap_or(' '));
                let class = if let Some(kind) = verdict {
                    match kind {
                        "suspect-marc8" => "not MARC-8: detect() says suspect-marc8 (CP1251...)",
                        "utf8-declared-marc8" => "not MARC-8: detect() says UTF-8",
                        _ => "record flagged by detect() otherwise",
                    }
                } else if !loss.is_empty() && loss.contains(&format!("{key}:")) {
                    "yaz iconv loss (value cut or emptied by yaz)"
                } else if problems.iter().any(|p| p.kind == "unmapped-marc8")
                    && got.replace('\u{FFFD}', "") == want
                {
                    "unmapped byte: ours U+FFFD, yaz drops it"
                } else if problems.iter().any(|p| p.kind == "bad-marc8-escape") {
                    "bad escape sequence"
                } else if problems.iter().any(|p| p.kind == "dangling-combining-mark") {
                    "dangling combining mark"
                } else if !problems.is_empty() {
                    "other, with decode problems"
                } else {
                    "other, clean decode"
                };
                let entry = classes.entry(class).or_default();
                entry.0 += 1;
                if entry.1.len() < 4 {
                    entry.1.push(format!(
                        "{rel_s} #{index} {key}: ours {got:?} yaz {want:?} bytes {}",
                        super::hex_bytes(&bytes[..bytes.len().min(40)])
                    ));
                }
            }
        }
    }
    println!(
        "MARC-8 corpus: {records} yaz-ok records ({skipped} skipped: structure differs), \
         {agree}/{total} values agree ({:.3}%); values decoded without problems: \
         {clean_agree}/{clean_total} agree",
        100.0 * agree as f64 / total.max(1) as f64
    );
    for (class, (n, examples)) in &classes {
        println!("  {n:6}  {class}");
        for e in examples {
            println!("          {e}");
        }
    }
    println!("all records decoded with the detected charset: {decoded_everything}");
    println!("detect() overrides/reports, by kind and file (records):");
    for (k, n) in &detections {
        println!("  {n:5}  {k}");
    }
    assert!(records > 1000, "too few records compared: {records}");
    assert_eq!(
        classes.get("other, clean decode").map_or(0, |c| c.0),
        0,
        "clean MARC-8 values that differ from yaz"
    );
}
