//! Criterion benchmarks for the XML side: the hardened XML core, the EAD and Dublin Core readers
//! and the namespace-blind path selector.
//!
//! `cargo bench --bench xml` (add `-- --warm-up-time 1 --measurement-time 3` for a quick run;
//! `CROSSWALK_BENCH_CPU=1` measures the CPU time of the thread instead of wall time, for shared
//! machines).
//!
//! The documents are generated here, by Rust ports of `tools/gen_ead.py` (EAD 2002, series `c01`
//! of 100 files `c02` of 4 items `c03`, about 500 bytes per component) and `tools/gen_oai.py`
//! (OAI-PMH `ListRecords` of `oai_dc` records, every 50th deleted), so the figures compare with
//! runs of the Python generators' files. See `docs/performance.md` for the figures.

mod common;

use std::fmt::Write as _;
use std::hint::black_box;

use criterion::measurement::Measurement;
use criterion::{Criterion, Throughput};
use crosswalk::select::Scope;
use crosswalk::xml::path::{self, PathIndex, PathSelector};
use crosswalk::xml::{XmlEvent, XmlReader};

/// EAD components per document.
const COMPONENTS: usize = 20_000;
/// OAI-PMH records per response.
const DC_RECORDS: usize = 10_000;

/// An EAD 2002 finding aid with `n` components, as `tools/gen_ead.py n` writes it.
fn ead_document(n: usize) -> Vec<u8> {
    let mut w = String::with_capacity(n * 560);
    w.push_str(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ead xmlns=\"urn:isbn:1-931666-22-9\" \
         xmlns:xlink=\"http://www.w3.org/1999/xlink\">\n<eadheader><eadid>gen-1</eadid><filedesc>\
         <titlestmt><titleproper>Generated finding aid</titleproper></titlestmt></filedesc>\
         </eadheader>\n<archdesc level=\"collection\"><did><unitid>GEN 1</unitid><unittitle>\
         Generated papers</unittitle><repository><corpname>Test Library</corpname></repository>\
         </did>\n<dsc>\n",
    );
    let mut made = 0usize;
    let mut comp = |w: &mut String, tag: &str, level: &str, i: usize, close: bool| {
        made += 1;
        let y = 1800 + made % 200;
        let _ = write!(
            w,
            "<{tag} level=\"{level}\" id=\"c{made}\"><did><unitid>{i}</unitid>\
             <unittitle>Letters of <persname>Person {p}</persname> to family, {y}</unittitle>\
             <unitdate normal=\"{y}/{y1}\" type=\"inclusive\">{y}-{y1}</unitdate>\
             <container type=\"box\">{box}</container><container type=\"folder\">{folder}</container>\
             <physdesc><extent>{items} items</extent></physdesc></did>\n\
             <scopecontent><p>Correspondence about   farming, weather and\n family matters.</p>\
             </scopecontent><controlaccess><subject source=\"lcsh\">Farm life</subject>\
             <persname source=\"lcnaf\">Person {p}</persname></controlaccess>\n",
            p = made % 977,
            y1 = y + 1,
            r#box = made / 40 + 1,
            folder = made % 40 + 1,
            items = made % 9 + 1,
        );
        if close {
            let _ = writeln!(w, "</{tag}>");
        }
        made
    };
    let mut series = 0;
    let mut total = 0;
    while total < n {
        series += 1;
        total = comp(&mut w, "c01", "series", series, false);
        for f in 1..=100 {
            if total >= n {
                break;
            }
            total = comp(&mut w, "c02", "file", f, false);
            for it in 1..=4 {
                if total >= n {
                    break;
                }
                total = comp(&mut w, "c03", "item", it, true);
            }
            w.push_str("</c02>\n");
        }
        w.push_str("</c01>\n");
    }
    w.push_str("</dsc></archdesc>\n</ead>\n");
    w.into_bytes()
}

/// An OAI-PMH ListRecords response with `n` oai_dc records, as `tools/gen_oai.py n` writes it.
fn oai_document(n: usize) -> Vec<u8> {
    let mut w = String::with_capacity(n * 1300);
    w.push_str(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<OAI-PMH \
         xmlns=\"http://www.openarchives.org/OAI/2.0/\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n\
         <responseDate>2024-05-01T10:00:00Z</responseDate>\n\
         <request verb=\"ListRecords\" metadataPrefix=\"oai_dc\">http://example.org/oai</request>\n\
         <ListRecords>\n",
    );
    for i in 0..n {
        let day = i % 28 + 1;
        let set = i % 7;
        if i % 50 == 49 {
            let _ = writeln!(
                w,
                "<record><header status=\"deleted\"><identifier>oai:example.org:{i}</identifier>\
                 <datestamp>2024-04-{day:02}</datestamp><setSpec>set{set}</setSpec></header></record>"
            );
            continue;
        }
        let mut subjects = String::new();
        for k in 0..=i % 3 {
            let _ = write!(
                subjects,
                "<dc:subject xsi:type=\"dcterms:LCSH\">Subject {} -- part {k}</dc:subject>",
                i % 97
            );
        }
        let year = 1900 + i % 100;
        let _ = writeln!(
            w,
            "<record><header><identifier>oai:example.org:{i}</identifier>\
             <datestamp>2024-04-{day:02}</datestamp><setSpec>set{set}</setSpec></header>\
             <metadata><oai_dc:dc xmlns:oai_dc=\"http://www.openarchives.org/OAI/2.0/oai_dc/\" \
             xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\">\
             <dc:title xml:lang=\"en\">Record number {i}: a view of the harbour &amp; the town</dc:title>\
             <dc:creator>Photographer {ph}, Jane</dc:creator>{subjects}\
             <dc:description>Photograph of the harbour, taken in the summer of {year}. \
             Glass plate negative, digitised in 2019.</dc:description>\
             <dc:publisher>Example Historical Society</dc:publisher>\
             <dc:date xsi:type=\"dcterms:W3CDTF\">{year}-0{month}</dc:date>\
             <dc:type>Image</dc:type><dc:format>image/jpeg</dc:format>\
             <dc:identifier>http://example.org/item/{i}</dc:identifier>\
             <dc:language>eng</dc:language>\
             <dc:rights>http://rightsstatements.org/vocab/NoC-US/1.0/</dc:rights>\
             </oai_dc:dc></metadata></record>",
            ph = i % 1000,
            month = i % 9 + 1,
        );
    }
    let _ = write!(
        w,
        "<resumptionToken completeListSize=\"{n}\" cursor=\"0\"></resumptionToken>\n\
         </ListRecords>\n</OAI-PMH>\n"
    );
    w.into_bytes()
}

fn xml_events(doc: &[u8]) -> u64 {
    let mut r = XmlReader::new(doc);
    let mut n = 0u64;
    loop {
        match r.next_event().unwrap() {
            XmlEvent::Eof => return n,
            XmlEvent::Text(t) => n += t.len() as u64,
            _ => n += 1,
        }
    }
}

fn bench_xml_core<M: Measurement>(c: &mut Criterion<M>) {
    let ead = ead_document(COMPONENTS);
    let oai = oai_document(DC_RECORDS);
    let mut g = c.benchmark_group("xml_core");
    g.sample_size(20);
    g.throughput(Throughput::Bytes(ead.len() as u64));
    g.bench_function("events_ead", |b| b.iter(|| black_box(xml_events(&ead))));
    g.throughput(Throughput::Bytes(oai.len() as u64));
    g.bench_function("events_oai_dc", |b| b.iter(|| black_box(xml_events(&oai))));
    g.finish();
}

fn read_ead(doc: &[u8]) -> usize {
    let mut reader = crosswalk::ead::Reader::new(doc);
    let mut n = 0;
    while let Some(c) = reader.next_component().unwrap() {
        n += 1;
        black_box(c.title());
    }
    n
}

fn bench_ead<M: Measurement>(c: &mut Criterion<M>) {
    let doc = ead_document(COMPONENTS);
    let components = read_ead(&doc);
    // the collection (archdesc) is a component too
    assert_eq!(components, COMPONENTS + 1);
    eprintln!(
        "EAD document: {} bytes, {components} components ({:.0} bytes/component)",
        doc.len(),
        doc.len() as f64 / components as f64
    );
    let mut g = c.benchmark_group("ead");
    g.sample_size(20);
    g.throughput(Throughput::Bytes(doc.len() as u64));
    g.bench_function("read_bytes", |b| b.iter(|| black_box(read_ead(&doc))));
    g.throughput(Throughput::Elements(components as u64));
    g.bench_function("read_components", |b| b.iter(|| black_box(read_ead(&doc))));
    g.finish();
}

fn read_dc(doc: &[u8]) -> (u64, u64) {
    let mut reader = crosswalk::dc::Reader::new(doc);
    let mut record = crosswalk::dc::Record::new();
    let (mut n, mut values) = (0u64, 0u64);
    while reader.read_record(&mut record).unwrap() {
        n += 1;
        values += record.values().len() as u64;
    }
    (n, values)
}

fn bench_dc<M: Measurement>(c: &mut Criterion<M>) {
    let doc = oai_document(DC_RECORDS);
    let (n, values) = read_dc(&doc);
    assert_eq!(n, DC_RECORDS as u64);
    eprintln!(
        "OAI-PMH document: {} bytes, {n} records ({:.0} bytes/record), {values} values",
        doc.len(),
        doc.len() as f64 / n as f64
    );
    let mut g = c.benchmark_group("dc");
    g.sample_size(20);
    g.throughput(Throughput::Elements(n));
    g.bench_function("read_records", |b| b.iter(|| black_box(read_dc(&doc))));
    g.throughput(Throughput::Bytes(doc.len() as u64));
    g.bench_function("read_bytes", |b| b.iter(|| black_box(read_dc(&doc))));
    g.finish();
}

/// Evaluates every selector over every tree, building each tree's index as an engine would.
fn select_all(trees: &[&crosswalk::xml::Element], selectors: &[PathSelector]) -> usize {
    let mut n = 0;
    for root in trees {
        let index = PathIndex::new(root);
        for sel in selectors {
            path::select(root, &index, Scope::RECORD, sel, &mut |s| {
                n += s.value.len();
            });
        }
    }
    n
}

fn bench_path<M: Measurement>(c: &mut Criterion<M>) {
    let compile = |exprs: &[&str]| -> Vec<PathSelector> {
        exprs.iter().map(|e| path::compile(e).unwrap()).collect()
    };
    // EAD: the selectors of a typical component mapping
    let ead_selectors = compile(&[
        "did/unittitle",
        "did/unitid",
        "did/unitdate/@normal",
        "did/container[@type='box']",
        "did/physdesc/extent",
        "scopecontent/p",
        "controlaccess/subject[@source='lcsh']|controlaccess/persname",
        "**/persname[@source='lcnaf']",
        "@level",
    ]);
    let doc = ead_document(5_000);
    let mut reader = crosswalk::ead::Reader::new(&doc[..]);
    let mut components = Vec::new();
    while let Some(c) = reader.next_component().unwrap() {
        components.push(c);
    }
    let ead_trees: Vec<_> = components.iter().map(|c| &c.element).collect();
    assert!(select_all(&ead_trees, &ead_selectors) > 0);

    // DC: over the record tree (synthetic root > header, dc root)
    let dc_selectors = compile(&[
        "header/identifier",
        "header/@status",
        "*/title",
        "*/creator",
        "*/subject[@type='dcterms:LCSH']",
        "*/date/@type",
        "*/identifier[starts-with(., 'http')]",
        "*/rights",
    ]);
    let doc = oai_document(5_000);
    let mut reader = crosswalk::dc::Reader::new(&doc[..]);
    let mut records = Vec::new();
    let mut rec = crosswalk::dc::Record::new();
    while reader.read_record(&mut rec).unwrap() {
        records.push(rec.clone());
    }
    let dc_trees: Vec<_> = records.iter().map(|r| r.tree()).collect();
    assert!(select_all(&dc_trees, &dc_selectors) > 0);

    let mut g = c.benchmark_group("path_select");
    g.throughput(Throughput::Elements(ead_trees.len() as u64));
    g.bench_function("ead_components_9_selectors", |b| {
        b.iter(|| black_box(select_all(&ead_trees, &ead_selectors)))
    });
    g.throughput(Throughput::Elements(dc_trees.len() as u64));
    g.bench_function("dc_records_8_selectors", |b| {
        b.iter(|| black_box(select_all(&dc_trees, &dc_selectors)))
    });
    g.finish();
}

fn run<M: Measurement>(c: &mut Criterion<M>) {
    bench_xml_core(c);
    bench_ead(c);
    bench_dc(c);
    bench_path(c);
}

fn main() {
    common::main_with(run, run);
}
