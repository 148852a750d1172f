//! Criterion benchmarks for the MARC readers and writers, and the shipped MARC crosswalk.
//!
//! `cargo bench --bench marc` (add `-- --warm-up-time 1 --measurement-time 3` for a quick run;
//! `CROSSWALK_BENCH_CPU=1` measures the CPU time of the thread instead of wall time, for shared
//! machines).
//!
//! The data is generated here, deterministically, by a Rust port of the record mix of
//! `shared/bench/gen_marc.py` (leader, 001/003/005/008, 020, 035, 040, 041, 050, 082, 100/700 with
//! relators, 245, 246, 250, 260/264, 300, 336-338, 490/830, 5XX notes, 6XX subjects with
//! subdivisions, 710, 856; about 10% of the records in NFD; about 1.5 KB per record), so that the
//! figures compare with those measured on the pymarc-generated files, without needing them.
//! See `docs/performance.md` for the figures.

mod common;

use std::hint::black_box;
use std::io;

use common::{capitalize, phrase, Rng, WORDS};
use criterion::measurement::Measurement;
use criterion::{BatchSize, Criterion, Throughput};
use crosswalk::crosswalk::ntriples::Lines;
use crosswalk::crosswalk::{AnyMapping, RecordContext, RecordOutput};
use crosswalk::marc::encoding::DecodeProblem;
use crosswalk::marc::iso2709::{self, ReaderBuilder};
use crosswalk::marc::marc8::Marc8Decoder;
use crosswalk::marc::{json, xml, Leader, RecordBuf, Tag};
use crosswalk::Location;
use unicode_normalization::{is_nfc, UnicodeNormalization};

/// Records per iteration.
const RECORDS: u64 = 10_000;
/// Seed of `gen_marc.py`.
const SEED: u64 = 2709;

// ------------------------------------------------------------------------------------------------
// The record generator (a port of gen_marc.py's make_record)

const SURNAMES: &[&str] = &[
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Anderson",
    "Taylor", "Thomas", "Moore", "Martin", "Jackson", "Thompson", "White", "Harris", "Clark",
    "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Green", "Baker",
    "Adams", "Nelson", "Hill", "Campbell", "Mitchell", "Roberts", "Carter", "Phillips", "Evans",
    "Turner",
];
const SURNAMES_NON_ASCII: &[&str] = &[
    "Müller",
    "Schröder",
    "García Márquez",
    "Dvořák",
    "Łukasiewicz",
    "Ōe",
    "Žižek",
    "Brontë",
    "Gödel",
    "Saint-Exupéry",
    "Núñez",
    "Hölderlin",
    "Ibáñez",
    "Çelik",
    "Søndergaard",
    "Ångström",
    "Lévi-Strauss",
    "Škvorecký",
    "Erdős",
    "Piñera",
    "Jiménez",
    "Gonçalves",
    "Straußberg",
    "Dostoevskiĭ",
    "Tolstoĭ",
    "Nguyễn",
    "Faé",
    "Mølgaard",
    "Wałęsa",
];
const FORENAMES: &[&str] = &[
    "John",
    "Mary",
    "Robert",
    "Patricia",
    "Michael",
    "Linda",
    "William",
    "Elizabeth",
    "David",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Charles",
    "Sarah",
    "Thomas",
    "Karen",
    "Daniel",
    "Nancy",
    "Paul",
    "Lisa",
    "Hans",
    "Jan",
    "Gabriel",
    "Slavoj",
    "Charlotte",
    "Kurt",
    "Antoine de",
    "José",
    "Françoise",
    "Søren",
    "Zoë",
    "Björn",
    "Renée",
    "Agnès",
    "Łucja",
    "Mikuláš",
    "Iñaki",
    "Ana María",
    "Fëdor",
    "Lev",
    "Thị Hương",
    "Anders",
    "Émile",
    "Jürgen",
    "Antonín",
    "Kenzaburō",
];
const RELATORS: &[&str] = &[
    "author.",
    "editor.",
    "translator.",
    "illustrator.",
    "compiler.",
    "writer of introduction.",
    "contributor.",
    "photographer.",
];
const CORP_NAMES: &[&str] = &[
    "United States. Congress. House. Committee on Science",
    "Library of Congress",
    "UNESCO",
    "World Bank",
    "Deutsche Forschungsgemeinschaft",
    "Bibliothèque nationale de France",
    "Universidad Nacional Autónoma de México",
    "Royal Society (Great Britain)",
    "Organisation for Economic Co-operation and Development",
    "Max-Planck-Gesellschaft zur Förderung der Wissenschaften",
    "Česká akademie věd a umění",
    "International Federation of Library Associations and Institutions",
    "Smithsonian Institution",
    "European Commission",
];
/// (place, publisher, MARC country code)
const PUBLISHERS: &[(&str, &str, &str)] = &[
    ("New York", "Routledge", "nyu"),
    ("Oxford", "Oxford University Press", "enk"),
    ("Cambridge", "Cambridge University Press", "enk"),
    ("Berlin", "De Gruyter", "gw "),
    ("London", "Penguin Books", "enk"),
    ("Chicago", "University of Chicago Press", "ilu"),
    ("Paris", "Éditions Gallimard", "fr "),
    ("München", "C.H. Beck", "gw "),
    ("Hoboken, NJ", "Wiley", "nju"),
    ("Cham, Switzerland", "Springer", "sz "),
    ("Madrid", "Alianza Editorial", "sp "),
    ("Praha", "Academia", "xr "),
    ("Princeton", "Princeton University Press", "nju"),
    ("Boston", "MIT Press", "mau"),
    ("Kraków", "Wydawnictwo Literackie", "pl "),
    ("Zürich", "Diogenes", "sz "),
    ("Montréal", "Les Presses de l'Université de Montréal", "quc"),
    ("Tokyo", "Iwanami Shoten", "ja "),
];
/// (code, name); English is weighted 12 of 20 as in the Python list.
const LANGS: &[(&str, &str)] = &[
    ("ger", "German"),
    ("fre", "French"),
    ("spa", "Spanish"),
    ("cze", "Czech"),
    ("pol", "Polish"),
    ("ita", "Italian"),
    ("jpn", "Japanese"),
    ("rus", "Russian"),
];
const ADJ: &[&str] = &[
    "new",
    "critical",
    "global",
    "early",
    "modern",
    "late",
    "medieval",
    "hidden",
    "forgotten",
    "social",
    "political",
    "digital",
    "natural",
    "urban",
    "rural",
    "comparative",
    "cultural",
    "visual",
    "historical",
    "European",
    "American",
    "African",
    "Asian",
    "transatlantic",
    "Central",
    "contemporary",
    "radical",
    "everyday",
];
const SMALL: &[&str] = &["the", "of", "and", "in", "a", "to", "with", "for", "on"];
const TOPICS: &[&str] = &[
    "World War, 1939-1945",
    "Economic history",
    "Climate change",
    "Railroads",
    "Women",
    "Artificial intelligence",
    "Libraries",
    "Cataloging",
    "Metadata",
    "Semantic Web",
    "Linked data",
    "Immigrants",
    "Cities and towns",
    "Architecture",
    "Music",
    "Painting",
    "Philosophy, Modern",
    "Ethics",
    "Education, Higher",
    "Public health",
    "Epidemics",
    "Agriculture",
    "Fisheries",
    "Forests and forestry",
    "Water-supply",
    "Energy policy",
    "Mathematics",
    "Computer programming",
    "Information retrieval",
    "Databases",
    "Detective and mystery stories",
    "Science fiction",
    "Poetry",
    "Theater",
    "Motion pictures",
    "Photography",
    "Children's literature",
    "Political science",
    "Democracy",
    "Nationalism",
    "Revolutions",
    "Colonies",
    "Slavery",
    "Labor movement",
    "Banks and banking",
    "International trade",
    "Human rights",
    "Religion",
    "Christianity",
    "Islam",
    "Buddhism",
    "Judaism",
    "Mythology",
    "Folklore",
    "Cookbooks",
    "Wine and wine making",
];
const SUBDIV_X: &[&str] = &[
    "History",
    "Social aspects",
    "Philosophy",
    "Economic aspects",
    "Political aspects",
    "Study and teaching",
    "Criticism and interpretation",
    "Government policy",
    "Moral and ethical aspects",
    "Technological innovations",
];
const SUBDIV_Y: &[&str] = &[
    "20th century",
    "19th century",
    "21st century",
    "18th century",
    "1945-",
    "1914-1918",
    "Middle Ages, 600-1500",
    "Renaissance, 1450-1600",
];
const GEO: &[&str] = &[
    "Germany",
    "France",
    "United States",
    "Japan",
    "Québec (Province)",
    "Czech Republic",
    "Poland",
    "Spain",
    "Mexico",
    "Great Britain",
    "China",
    "Brazil",
    "India",
    "Nigeria",
    "Italy",
    "Canada",
    "Russia (Federation)",
    "Zürich (Switzerland)",
    "Kraków (Poland)",
    "São Paulo (Brazil)",
    "Curaçao",
];
const FORM_V: &[&str] = &[
    "Biography",
    "Bibliography",
    "Juvenile literature",
    "Congresses",
    "Case studies",
    "Sources",
    "Statistics",
    "Maps",
    "Handbooks, manuals, etc.",
    "Dictionaries",
    "Fiction",
    "Exhibitions",
];
const SERIES: &[&str] = &[
    "Oxford studies in comparative literature",
    "Routledge research in history",
    "Studies in the history of science",
    "Cambridge studies in philosophy",
    "Lecture notes in computer science",
    "Beck'sche Reihe",
    "Collection Folio. Essais",
    "Springer series in statistics",
    "Penguin classics",
    "Annales de l'Institut Fourier",
];
const EDITIONS: &[&str] = &[
    "First edition.",
    "Second edition.",
    "Third edition.",
    "Revised edition.",
    "1. Auflage.",
    "2., überarbeitete Auflage.",
    "Première édition.",
    "Primera edición.",
    "Fourth edition, revised and expanded.",
];
const SOURCE_VOCABS: &[&str] = &["fast", "gnd", "rvm", "lcsh", "bidex", "homoit"];
const AGENCIES: &[&str] = &[
    "DLC", "OCoLC", "DE-101", "UKMGB", "CaOONL", "FrPBN", "NLC", "MH",
];

/// A record under construction: fields as plain data, turned into a `RecordBuf` at the end
/// (after the optional NFD pass).
#[derive(Default)]
struct Draft {
    control: Vec<(&'static str, String)>,
    data: Vec<(&'static str, [char; 2], Subfields)>,
}

/// A data field's subfields: (code, value).
type Subfields = Vec<(char, String)>;

impl Draft {
    fn df(&mut self, tag: &'static str, ind: &str, subs: Subfields) {
        let mut c = ind.chars();
        let ind = [c.next().unwrap_or(' '), c.next().unwrap_or(' ')];
        self.data.push((tag, ind, subs));
    }
}

fn s(code: char, v: impl Into<String>) -> (char, String) {
    (code, v.into())
}

/// The ASCII-only entries of a list (as `gen_marc.py` picks plain names and places).
fn ascii_only(list: &[&'static str]) -> Vec<&'static str> {
    list.iter().copied().filter(|s| s.is_ascii()).collect()
}

fn name(r: &mut Rng) -> String {
    if r.chance(0.12) {
        format!("{}, {}", r.pick(SURNAMES_NON_ASCII), r.pick(FORENAMES))
    } else {
        format!("{}, {}", r.pick(SURNAMES), r.pick(&ascii_only(FORENAMES)))
    }
}

fn dates(r: &mut Rng) -> String {
    let b = r.range(1850, 1995);
    if r.chance(0.35) && b < 1960 {
        format!("{b}-{}", (b + r.range(30, 90)).min(2023))
    } else {
        format!("{b}-")
    }
}

fn isbn13(r: &mut Rng) -> String {
    let mut d = vec![9u64, 7, 8];
    d.extend((0..9).map(|_| r.range(0, 9)));
    let sum: u64 = d
        .iter()
        .enumerate()
        .map(|(i, x)| if i % 2 == 0 { *x } else { 3 * x })
        .sum();
    d.push((10 - sum % 10) % 10);
    d.iter().map(|x| char::from(b'0' + *x as u8)).collect()
}

fn sentence(r: &mut Rng) -> String {
    let mut words = Vec::new();
    for _ in 0..r.range(7, 16) {
        if r.chance(0.2) {
            words.push(r.pick(ADJ));
        }
        words.push(if r.chance(0.8) {
            r.pick(WORDS)
        } else {
            r.pick(SMALL)
        });
    }
    capitalize(&words.join(" ")) + "."
}

fn title(r: &mut Rng) -> String {
    let k = r.float();
    if k < 0.4 {
        format!(
            "{} {} and {}",
            capitalize(r.pick(ADJ)),
            r.pick(WORDS),
            r.pick(WORDS)
        )
    } else if k < 0.7 {
        format!("The {} of {} {}", r.pick(WORDS), r.pick(ADJ), r.pick(WORDS))
    } else if k < 0.8 {
        let lead = r.pick(&[
            "Die Geschichte der",
            "Über die",
            "Études sur la",
            "Historia de la",
            "Dějiny",
            "O naturze",
        ]);
        format!("{lead} {}", phrase(r, 2, false))
    } else {
        let n = r.range(2, 5);
        phrase(r, n, true)
    }
}

fn geo(r: &mut Rng) -> &'static str {
    if r.chance(0.3) {
        r.pick(GEO)
    } else {
        r.pick(&ascii_only(GEO))
    }
}

fn with_period(subs: &mut [(char, String)]) {
    if let Some(last) = subs.last_mut() {
        last.1.push('.');
    }
}

/// Record `i` of the synthetic corpus.
fn make_record(i: u64) -> RecordBuf {
    let r = &mut Rng::new(SEED, i);
    let year = r.range(1950, 2024);
    let (lang, lang_name) = if r.range(0, 19) < 12 {
        ("eng", "English")
    } else {
        r.pick(LANGS)
    };
    let translated = lang != "eng" && r.chance(0.4);
    let lang008 = if translated { "eng" } else { lang };
    // the first six publishers weighted 5x, as in the Python list
    let k = r.range(0, 6 * 4 + PUBLISHERS.len() as u64 - 1) as usize;
    let (place, publisher, place_code) = PUBLISHERS[if k < 24 { k % 6 } else { k - 24 }];
    let main_name = name(r);
    let main_dates = dates(r);
    let title_a = title(r);
    let n = r.range(3, 8);
    let subtitle = phrase(r, n, false);

    let mut leader = *b"00000nam a2200000 i 4500";
    leader[5] = r.pick(b"nncp");
    let aacr2 = r.chance(0.3);
    if aacr2 {
        leader[18] = b'a';
    }
    let mut d = Draft::default();
    let ctl = r.range(10_000_000, 99_999_999);
    d.control.push((
        "001",
        if r.chance(0.5) {
            format!("ocm{:08}", 10_000_000 + i)
        } else {
            format!("{:09}", i + 1)
        },
    ));
    d.control
        .push(("003", (r.pick(&["OCoLC", "DLC", "DE-101"])).to_string()));
    d.control.push((
        "005",
        format!(
            "{}{:02}{:02}{:02}{:02}{:02}.0",
            r.range(2005, 2024),
            r.range(1, 12),
            r.range(1, 28),
            r.range(0, 23),
            r.range(0, 59),
            r.range(0, 59)
        ),
    ));
    let f008 = format!(
        "{:02}{:02}{:02}s{year:04}    {place_code}{} {}{} 00{} {} {lang008} {}",
        year % 100,
        r.range(1, 12),
        r.range(1, 28),
        r.pick(&["a   ", "    ", "ab  ", "af  "]),
        char::from(r.pick(b" ajd")),
        r.pick(&["b   ", "    ", "bi  "]),
        char::from(r.pick(b"01")),
        char::from(r.pick(b"01")),
        char::from(r.pick(b" dc")),
    );
    debug_assert_eq!(f008.len(), 40, "{f008:?}");
    d.control.push(("008", f008));

    let q = r.pick(&["(hardcover)", "(paperback)", "(ebook)"]);
    d.df("020", "  ", vec![s('a', isbn13(r)), s('q', q)]);
    if r.chance(0.3) {
        d.df(
            "020",
            "  ",
            vec![s('a', isbn13(r)), s('q', "(electronic bk.)")],
        );
    }
    d.df(
        "035",
        "  ",
        vec![s(
            'a',
            format!("(OCoLC){}", r.range(1_000_000, 1_999_999_999)),
        )],
    );
    let ag = r.pick(AGENCIES);
    let mut f040 = vec![s('a', ag), s('b', "eng")];
    if !aacr2 {
        f040.push(s('e', "rda"));
    }
    f040.push(s('c', ag));
    for _ in 0..r.range(0, 3) {
        f040.push(s('d', r.pick(AGENCIES)));
    }
    d.df("040", "  ", f040);
    if translated || r.chance(0.25) {
        let mut f041 = vec![s('a', if translated { "eng" } else { lang })];
        if translated {
            f041.push(s('h', lang));
        }
        d.df("041", if translated { "1 " } else { "0 " }, f041);
    }
    let cls = format!(
        "{}{}",
        char::from(r.pick(b"ABDEFGHJKLMNPQRSTZ")),
        r.pick(&["", "A", "B", "C", "D", "E", "F", "G", "H", "N", "R", "T"])
    );
    let initial = main_name
        .chars()
        .next()
        .filter(char::is_ascii)
        .unwrap_or('X');
    let f050a = format!(
        "{cls}{}.{}{}",
        r.range(1, 9999),
        char::from(b'A' + r.range(0, 25) as u8),
        r.range(1, 99)
    );
    let f050b = format!("{initial}{} {year}", r.range(10, 999));
    d.df("050", "00", vec![s('a', f050a), s('b', f050b)]);
    let f082 = format!("{:03}.{}", r.range(0, 999), r.range(1, 9999));
    let ed = r.range(21, 23).to_string();
    d.df("082", "04", vec![s('a', f082), s('2', ed)]);

    let has_author = r.chance(0.85);
    if has_author {
        d.df(
            "100",
            "1 ",
            vec![
                s('a', format!("{main_name},")),
                s('d', main_dates),
                s('e', "author."),
            ],
        );
    }
    let mut parts: Vec<&str> = main_name.split(", ").collect();
    parts.reverse();
    let stmt = parts.join(" ");
    let ind245 = format!(
        "{}{}",
        if has_author { '1' } else { '0' },
        if title_a.starts_with("The ") {
            '4'
        } else {
            '0'
        }
    );
    d.df(
        "245",
        &ind245,
        vec![
            s('a', format!("{title_a} :")),
            s('b', format!("{subtitle} /")),
            s('c', format!("{stmt}.")),
        ],
    );
    if r.chance(0.15) {
        d.df("246", "30", vec![s('a', title(r))]);
    }
    if r.chance(0.35) {
        let e = if r.chance(12.0 / 21.0) {
            r.pick(&EDITIONS[..4])
        } else {
            r.pick(EDITIONS)
        };
        d.df("250", "  ", vec![s('a', e)]);
    }
    if aacr2 {
        d.df(
            "260",
            "  ",
            vec![
                s('a', format!("{place} :")),
                s('b', format!("{publisher},")),
                s('c', format!("c{year}.")),
            ],
        );
    } else {
        d.df(
            "264",
            " 1",
            vec![
                s('a', format!("{place} :")),
                s('b', format!("{publisher},")),
                s('c', format!("[{year}]")),
            ],
        );
        if r.chance(0.2) {
            d.df("264", " 4", vec![s('c', format!("©{year}"))]);
        }
    }
    let pre = r.pick(&["", "xii, ", "xxiv, ", "ix, ", "xv, "]);
    let pages = r.range(48, 980);
    let ill = r.pick(&[
        "illustrations",
        "illustrations, maps",
        "color illustrations",
        "portraits",
    ]);
    let cm = r.pick(&[21, 23, 24, 25, 28]);
    d.df(
        "300",
        "  ",
        vec![
            s('a', format!("{pre}{pages} pages :")),
            s('b', format!("{ill} ;")),
            s('c', format!("{cm} cm")),
        ],
    );
    if !aacr2 {
        d.df(
            "336",
            "  ",
            vec![s('a', "text"), s('b', "txt"), s('2', "rdacontent")],
        );
        d.df(
            "337",
            "  ",
            vec![s('a', "unmediated"), s('b', "n"), s('2', "rdamedia")],
        );
        d.df(
            "338",
            "  ",
            vec![s('a', "volume"), s('b', "nc"), s('2', "rdacarrier")],
        );
    }
    let series = if r.chance(0.4) {
        Some((r.pick(SERIES), r.range(1, 250)))
    } else {
        None
    };
    if let Some((name, vol)) = series {
        d.df(
            "490",
            "1 ",
            vec![s('a', format!("{name} ;")), s('v', vol.to_string())],
        );
    }
    if r.chance(0.6) {
        d.df("500", "  ", vec![s('a', sentence(r))]);
    }
    if r.chance(0.7) {
        let a = r.range(150, 600);
        let b = a + r.range(5, 40);
        d.df(
            "504",
            "  ",
            vec![s(
                'a',
                format!("Includes bibliographical references (pages {a}-{b}) and index."),
            )],
        );
    }
    if r.chance(0.5) {
        let chapters: Vec<String> = (0..r.range(4, 10))
            .map(|_| {
                let n = r.range(2, 5);
                phrase(r, n, true)
            })
            .collect();
        d.df("505", "0 ", vec![s('a', chapters.join(" -- ") + ".")]);
    }
    if r.chance(0.75) {
        let text: Vec<String> = (0..r.range(1, 4)).map(|_| sentence(r)).collect();
        d.df("520", "  ", vec![s('a', text.join(" "))]);
    }
    if lang != "eng" || r.chance(0.2) {
        let txt = if translated {
            format!("Translated from the {lang_name}.")
        } else {
            format!("In {lang_name}.")
        };
        d.df("546", "  ", vec![s('a', txt)]);
    }

    if r.chance(0.25) {
        let (n, dt) = (name(r), dates(r));
        d.df(
            "600",
            "10",
            vec![
                s('a', format!("{n},")),
                s('d', dt),
                s('v', format!("{}.", r.pick(FORM_V))),
            ],
        );
    }
    if r.chance(0.15) {
        let x = format!("{}.", r.pick(SUBDIV_X));
        d.df("610", "20", vec![s('a', r.pick(CORP_NAMES)), s('x', x)]);
    }
    for _ in 0..r.range(1, 5) {
        let mut subs = vec![s('a', r.pick(TOPICS))];
        if r.chance(0.6) {
            subs.push(s('z', geo(r)));
        }
        if r.chance(0.5) {
            subs.push(s('x', r.pick(SUBDIV_X)));
        }
        if r.chance(0.4) {
            subs.push(s('y', r.pick(SUBDIV_Y)));
        }
        if r.chance(0.3) {
            subs.push(s('v', r.pick(FORM_V)));
        }
        with_period(&mut subs);
        let ind = if r.chance(0.3) {
            subs.push(s('2', r.pick(SOURCE_VOCABS)));
            " 7"
        } else {
            " 0"
        };
        d.df("650", ind, subs);
    }
    if r.chance(0.35) {
        let mut subs = vec![s('a', geo(r)), s('x', r.pick(SUBDIV_X))];
        if r.chance(0.5) {
            subs.push(s('y', r.pick(SUBDIV_Y)));
        }
        with_period(&mut subs);
        if r.chance(0.3) {
            subs.push(s('2', "fast"));
            d.df("651", " 7", subs);
        } else {
            d.df("651", " 0", subs);
        }
    }
    if r.chance(0.2) {
        let a = format!("{}.", r.pick(FORM_V));
        d.df("655", " 7", vec![s('a', a), s('2', "lcgft")]);
    }
    // 0-3 added entries, weights 40/30/20/10
    let added = match r.range(0, 99) {
        0..=39 => 0,
        40..=69 => 1,
        70..=89 => 2,
        _ => 3,
    };
    for _ in 0..added {
        let (n, dt) = (name(r), dates(r));
        d.df(
            "700",
            "1 ",
            vec![
                s('a', format!("{n},")),
                s('d', format!("{dt},")),
                s('e', r.pick(RELATORS)),
            ],
        );
    }
    if r.chance(0.3) {
        let a = format!("{},", r.pick(CORP_NAMES));
        d.df("710", "2 ", vec![s('a', a), s('e', "issuing body.")]);
    }
    if let Some((name, vol)) = series {
        d.df(
            "830",
            " 0",
            vec![s('a', format!("{name} ;")), s('v', format!("{vol}."))],
        );
    }
    if r.chance(0.5) {
        let mut subs = vec![
            s(
                '3',
                r.pick(&["Table of contents", "Publisher description", "Full text"]),
            ),
            s('u', format!("https://catalog.example.org/toc/{ctl}.html")),
        ];
        if r.chance(0.3) {
            subs.push(s('q', "text/html"));
        }
        d.df("856", "42", subs);
    }
    let nfd = r.chance(0.1);

    let mut rec = RecordBuf::new();
    rec.set_leader(Leader(leader));
    for (tag, value) in &d.control {
        rec.push_control_field(Tag::parse(tag).unwrap(), value);
    }
    for (tag, [i1, i2], subs) in &d.data {
        rec.push_data_field(Tag::parse(tag).unwrap(), *i1, *i2);
        for (code, value) in subs {
            if nfd {
                rec.push_subfield(*code, &value.nfd().collect::<String>());
            } else {
                rec.push_subfield(*code, value);
            }
        }
    }
    rec
}

/// Records `0..n` of the corpus.
fn records(n: u64) -> Vec<RecordBuf> {
    (0..n).map(make_record).collect()
}

/// The records as one UTF-8 ISO 2709 file.
fn to_iso2709(recs: &[RecordBuf]) -> Vec<u8> {
    let mut w = iso2709::Writer::new(Vec::new());
    for rec in recs {
        w.write_record(rec).unwrap();
    }
    w.into_inner()
}

/// Reads every field and subfield of a record, so that nothing can be skipped lazily.
fn touch(rec: &RecordBuf) -> usize {
    let mut n = rec.leader().0[5] as usize;
    for f in rec.fields() {
        n += f.tag().as_bytes()[2] as usize;
        if let Some(v) = f.value() {
            n += v.len();
        }
        for sf in f.subfields() {
            n += sf.code as usize + sf.value.len();
        }
    }
    n
}

// ------------------------------------------------------------------------------------------------
// MARC-8 text: ASCII words with ANSEL diacritics (combining marks before their letter), ANSEL
// special letters, and a few escapes to Greek and Cyrillic (back to Basic Latin afterwards).

/// ANSEL combining marks: acute, grave, umlaut, circumflex, tilde, cedilla, caron, ring.
const ANSEL_MARKS: &[u8] = &[0xE2, 0xE1, 0xE8, 0xE3, 0xE4, 0xF0, 0xE9, 0xEA];
/// ANSEL spacing letters: Ł ø đ ł ß (0xA1, 0xB2, 0xB3, 0xB1, 0xC7).
const ANSEL_LETTERS: &[u8] = &[0xA1, 0xB2, 0xB3, 0xB1, 0xC7];
/// Basic Greek lower case (G0 after `ESC ( S`) and Basic Cyrillic lower case (after `ESC ( N`).
const GREEK: &[u8] = b"abgdezhiklmnopqrstuvw";
const CYRILLIC: &[u8] = b"abwgdevzijklmnoprstufhc";

/// One MARC-8 value of a few words.
fn marc8_value(r: &mut Rng) -> Vec<u8> {
    let mut v = Vec::new();
    for w in 0..r.range(3, 12) {
        if w > 0 {
            v.push(b' ');
        }
        let roll = r.float();
        if roll < 0.04 {
            let (esc, set) = if r.chance(0.5) {
                (b'S', GREEK)
            } else {
                (b'N', CYRILLIC)
            };
            v.extend_from_slice(&[0x1B, b'(', esc]);
            for _ in 0..r.range(3, 9) {
                v.push(r.pick(set));
            }
            v.extend_from_slice(&[0x1B, b'(', b'B']);
        } else {
            let word = r.pick(WORDS).as_bytes();
            for (k, &b) in word.iter().enumerate() {
                // about one accented letter every two words
                if k > 0 && b.is_ascii_alphabetic() && r.chance(0.08) {
                    if r.chance(0.85) {
                        v.push(r.pick(ANSEL_MARKS));
                        v.push(b);
                    } else {
                        v.push(r.pick(ANSEL_LETTERS));
                    }
                } else {
                    v.push(b);
                }
            }
        }
    }
    v
}

/// `n` MARC-8 values (one per subfield), deterministic.
fn marc8_values(n: u64) -> Vec<Vec<u8>> {
    (0..n)
        .map(|i| marc8_value(&mut Rng::new(SEED + 8, i)))
        .collect()
}

/// MARC-8 ISO 2709 records (leader/09 blank), assembled by hand (the writer writes UTF-8): the
/// control fields and structure of `make_record` with every subfield value replaced by MARC-8
/// text of about the same length.
fn marc8_iso2709(recs: &[RecordBuf]) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, rec) in recs.iter().enumerate() {
        let r = &mut Rng::new(SEED + 88, i as u64);
        let mut dir = Vec::new();
        let mut data = Vec::new();
        for f in rec.fields() {
            let start = data.len();
            if let Some(v) = f.value() {
                data.extend_from_slice(v.as_bytes());
            } else {
                let [i1, i2] = f.indicators().unwrap();
                data.extend_from_slice(&[i1 as u8, i2 as u8]);
                for sf in f.subfields() {
                    data.extend_from_slice(&[0x1F, sf.code as u8]);
                    if sf.value.is_ascii() && sf.value.len() < 12 {
                        data.extend_from_slice(sf.value.as_bytes());
                    } else {
                        let mut v = marc8_value(r);
                        v.truncate(sf.value.len().max(4));
                        // don't cut an escape sequence or leave a dangling mark
                        while v
                            .last()
                            .is_some_and(|&b| b >= 0x80 || b == 0x1B || b == b'(')
                        {
                            v.pop();
                        }
                        if v.contains(&0x1B) && !v.ends_with(&[0x1B, b'(', b'B']) {
                            v.extend_from_slice(&[0x1B, b'(', b'B']);
                        }
                        data.extend_from_slice(&v);
                    }
                }
            }
            data.push(0x1E);
            dir.extend_from_slice(f.tag().as_bytes());
            dir.extend_from_slice(format!("{:04}{:05}", data.len() - start, start).as_bytes());
        }
        dir.push(0x1E);
        data.push(0x1D);
        let base = 24 + dir.len();
        let mut leader = rec.leader().0;
        leader[9] = b' ';
        leader[..5].copy_from_slice(format!("{:05}", base + data.len()).as_bytes());
        leader[12..17].copy_from_slice(format!("{base:05}").as_bytes());
        out.extend_from_slice(&leader);
        out.extend_from_slice(&dir);
        out.extend_from_slice(&data);
    }
    out
}

// ------------------------------------------------------------------------------------------------
// Benches

/// Reads records with `next` (a reader's `read_record`) until it returns `false`, touching every
/// subfield; returns the record count and a checksum.
fn read_all(mut next: impl FnMut(&mut RecordBuf) -> bool) -> (u64, usize) {
    let mut rec = RecordBuf::new();
    let (mut n, mut sum) = (0u64, 0usize);
    while next(&mut rec) {
        n += 1;
        sum += touch(&rec);
    }
    (n, sum)
}

/// Writes every record with `write` (a writer's `write_record`).
fn write_all(recs: &[RecordBuf], mut write: impl FnMut(&RecordBuf)) {
    for rec in recs {
        write(rec);
    }
}

fn bench_iso2709<M: Measurement>(c: &mut Criterion<M>) {
    let recs = records(RECORDS);
    let mrc = to_iso2709(&recs);
    eprintln!(
        "corpus: {RECORDS} records, {} bytes ({:.0} bytes/record, {} with NFD text)",
        mrc.len(),
        mrc.len() as f64 / RECORDS as f64,
        recs.iter()
            .filter(|r| r.fields().any(|f| f.subfields().any(|s| !is_nfc(s.value))))
            .count()
    );
    let mut g = c.benchmark_group("iso2709");
    g.throughput(Throughput::Elements(RECORDS));
    for (label, lenient) in [("read_touch_strict", false), ("read_touch_lenient", true)] {
        g.bench_function(label, |b| {
            b.iter(|| {
                let mut reader = ReaderBuilder::new().lenient(lenient).build(&mrc[..]);
                let (n, sum) = read_all(|rec| reader.read_record(rec).unwrap());
                assert_eq!(n, RECORDS);
                black_box(sum)
            })
        });
    }
    g.bench_function("write", |b| {
        b.iter_batched_ref(
            || Vec::with_capacity(mrc.len()),
            |out| {
                let mut w = iso2709::Writer::new(out);
                write_all(&recs, |rec| w.write_record(rec).unwrap());
            },
            BatchSize::LargeInput,
        )
    });
    g.bench_function("to_marcxml", |b| {
        b.iter(|| {
            let mut reader = ReaderBuilder::new().build(&mrc[..]);
            let mut writer = xml::Writer::new(io::sink());
            let mut rec = RecordBuf::new();
            while reader.read_record(&mut rec).unwrap() {
                writer.write_record(&rec).unwrap();
            }
            writer.finish().unwrap();
        })
    });
    let mrc8 = marc8_iso2709(&recs);
    {
        // the MARC-8 corpus must decode cleanly, or the bench measures error paths
        let mut reader = ReaderBuilder::new().build(&mrc8[..]);
        let (n, _) = read_all(|rec| {
            let more = reader.read_record(rec).unwrap();
            assert!(rec.diagnostics().is_empty(), "{:?}", rec.diagnostics());
            more
        });
        assert_eq!(n, RECORDS);
        eprintln!("MARC-8 corpus: {} bytes", mrc8.len());
    }
    g.bench_function("read_touch_marc8", |b| {
        b.iter(|| {
            let mut reader = ReaderBuilder::new().build(&mrc8[..]);
            black_box(read_all(|rec| reader.read_record(rec).unwrap()))
        })
    });
    g.finish();
}

/// Read and write benches for a format other than ISO 2709: `write` writes the records,
/// `read` reads a document back and touches everything.
fn bench_format<M: Measurement>(
    c: &mut Criterion<M>,
    group: &str,
    write: impl Fn(&[RecordBuf], &mut dyn io::Write),
    read: impl Fn(&[u8]) -> (u64, usize),
) {
    let recs = records(RECORDS);
    let mut doc = Vec::new();
    write(&recs, &mut doc);
    eprintln!("{group} corpus: {} bytes", doc.len());
    let mut g = c.benchmark_group(group);
    g.throughput(Throughput::Elements(RECORDS));
    g.bench_function("read_touch", |b| {
        b.iter(|| {
            let (n, sum) = read(&doc);
            assert_eq!(n, RECORDS);
            black_box(sum)
        })
    });
    g.bench_function("write", |b| b.iter(|| write(&recs, &mut io::sink())));
    g.finish();
}

fn bench_marcxml_and_json<M: Measurement>(c: &mut Criterion<M>) {
    let marcxml_write = |recs: &[RecordBuf], out: &mut dyn io::Write| {
        let mut w = xml::Writer::new(out);
        write_all(recs, |rec| w.write_record(rec).unwrap());
        w.finish().unwrap();
    };
    let marcxml_read = |doc: &[u8]| {
        let mut reader = xml::Reader::new(doc);
        read_all(|rec| reader.read_record(rec).unwrap())
    };
    bench_format(c, "marcxml", marcxml_write, marcxml_read);
    let json_write = |recs: &[RecordBuf], out: &mut dyn io::Write| {
        let mut w = json::Writer::new(out);
        write_all(recs, |rec| w.write_record(rec).unwrap());
        w.finish().unwrap();
    };
    let json_read = |doc: &[u8]| {
        let mut reader = json::Reader::new(doc);
        read_all(|rec| reader.read_record(rec).unwrap())
    };
    bench_format(c, "marc_json", json_write, json_read);
}

fn bench_marc8<M: Measurement>(c: &mut Criterion<M>) {
    let values = marc8_values(20_000);
    let bytes: usize = values.iter().map(Vec::len).sum();
    {
        let mut problems: Vec<DecodeProblem> = Vec::new();
        let mut dec = Marc8Decoder::new();
        let mut out = String::new();
        for v in &values {
            dec.reset();
            dec.decode(v, &mut out, &mut problems);
        }
        assert!(problems.is_empty(), "{:?}", &problems[..1]);
        eprintln!(
            "MARC-8 values: {} values, {bytes} bytes, {} non-ASCII bytes",
            values.len(),
            values.iter().flatten().filter(|b| **b >= 0x80).count()
        );
    }
    let mut g = c.benchmark_group("marc8");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function("decode", |b| {
        let mut dec = Marc8Decoder::new();
        let mut out = String::with_capacity(256);
        let mut problems = Vec::new();
        b.iter(|| {
            let mut n = 0;
            for v in &values {
                dec.reset();
                out.clear();
                dec.decode(v, &mut out, &mut problems);
                n += out.len();
            }
            black_box(n)
        })
    });
    g.finish();
}

/// The shipped MARC crosswalk (`mappings/marc21-dcterms.toml`, with its vocabularies) on the
/// generated records, on one thread: what each of `crosswalk convert --to nt`'s workers does per
/// record (the mapping alone), and the same after reading the records from ISO 2709 bytes.
fn bench_crosswalk<M: Measurement>(c: &mut Criterion<M>) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/mappings/marc21-dcterms.toml");
    let mapping = match AnyMapping::load(path) {
        Ok(AnyMapping::Marc(m)) => m,
        Ok(_) => panic!("{path} is not a MARC mapping"),
        Err(e) => panic!("{e}"),
    };
    let mrc = to_iso2709(&records(RECORDS));
    let mut reader = ReaderBuilder::new().lenient(true).build(&mrc[..]);
    let recs: Vec<RecordBuf> = reader.records().map(Result::unwrap).collect();
    assert_eq!(recs.len() as u64, RECORDS);
    let ctx = RecordContext {
        collection: "bench".into(),
        fallback_id: "bench".into(),
        location: Location::default(),
    };
    let mut out = RecordOutput::without_reconciliations();
    let mut lines = Lines::triples(Vec::new());
    for rec in &recs {
        mapping.apply_with(rec, &ctx, &mut out, &mut lines);
    }
    eprintln!(
        "crosswalk: {RECORDS} records give {} N-Triples lines, {} bytes",
        lines.buf.iter().filter(|&&b| b == b'\n').count(),
        lines.buf.len()
    );
    let mut g = c.benchmark_group("crosswalk");
    g.throughput(Throughput::Elements(RECORDS));
    g.bench_function("marc21_dcterms_nt", |b| {
        b.iter(|| {
            lines.buf.clear();
            for rec in &recs {
                mapping.apply_with(rec, &ctx, &mut out, &mut lines);
            }
            black_box(lines.buf.len())
        })
    });
    g.bench_function("read_marc21_dcterms_nt", |b| {
        b.iter(|| {
            lines.buf.clear();
            let mut reader = ReaderBuilder::new().lenient(true).build(&mrc[..]);
            let mut rec = RecordBuf::new();
            while reader.read_record(&mut rec).unwrap() {
                mapping.apply_with(&rec, &ctx, &mut out, &mut lines);
            }
            black_box(lines.buf.len())
        })
    });
    g.finish();
}

fn run<M: Measurement>(c: &mut Criterion<M>) {
    bench_crosswalk(c);
    bench_iso2709(c);
    bench_marcxml_and_json(c);
    bench_marc8(c);
}

fn main() {
    common::main_with(run, run);
}
