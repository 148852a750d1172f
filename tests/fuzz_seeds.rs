//! The fuzz targets' checks (`crosswalk::fuzzing`) as ordinary tests: every target over every
//! seed in `fuzz/seeds/`, plus deterministic mutations of each seed for its own target.
//!
//! With `CROSSWALK_SHARED` set, the files under `$CROSSWALK_SHARED/corpus/{marc-bin,marc-xml,
//! marc-json,ead,dc}` are run too (whole, and a few mutations of the smaller ones).
//! `CROSSWALK_FUZZ_MUTATIONS` overrides the number of mutations per seed (default 2000).

use std::path::{Path, PathBuf};

use crosswalk::fuzzing;

type Check = fn(&[u8]);

/// Every target: its name (the seed directory) and its check.
const TARGETS: &[(&str, Check)] = &[
    ("iso2709", fuzzing::iso2709),
    ("marcxml", fuzzing::marcxml),
    ("marcjson", fuzzing::marcjson),
    ("ead", fuzzing::ead),
    ("dc", fuzzing::dc),
    ("xml", fuzzing::xml),
    ("marc8", fuzzing::marc8),
    ("selector", fuzzing::selector),
    ("sniff", fuzzing::sniff),
];

/// Shared corpus directory feeding each target.
const SHARED: &[(&str, &str)] = &[
    ("marc-bin", "iso2709"),
    ("marc-xml", "marcxml"),
    ("marc-json", "marcjson"),
    ("ead", "ead"),
    ("dc", "dc"),
];

/// xorshift64*: small, deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Bytes worth inserting: the ISO 2709 delimiters and XML's markup starters, and a few more.
const INTERESTING: &[u8] = &[
    0x1D, 0x1E, 0x1F, b'<', b'&', b'>', b'"', b'{', b'}', b'\\', 0x1B, 0,
];

/// One to four random edits of `seed`.
fn mutate(seed: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut v = seed.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(v.len() + 1);
        match rng.below(8) {
            0 if !v.is_empty() => {
                let i = rng.below(v.len());
                v[i] ^= 1 << rng.below(8);
            }
            1 if !v.is_empty() => {
                let i = rng.below(v.len());
                v[i] = rng.next() as u8;
            }
            2 => v.truncate(at),
            3 | 4 => v.insert(at, INTERESTING[rng.below(INTERESTING.len())]),
            5 if at < v.len() => {
                let end = (at + 1 + rng.below(16)).min(v.len());
                v.drain(at..end);
            }
            6 if at < v.len() => {
                // Duplicate a short range (repeats a tag, a field, a record).
                let end = (at + 1 + rng.below(64)).min(v.len());
                let piece = v[at..end].to_vec();
                let to = rng.below(v.len() + 1);
                v.splice(to..to, piece);
            }
            _ => {
                // Overwrite with an ASCII digit (leader numbers, directory entries).
                if let Some(b) = v.get_mut(at) {
                    *b = b'0' + rng.below(10) as u8;
                }
            }
        }
    }
    v
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files_under(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn seeds(target: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    files_under(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fuzz/seeds")
            .join(target),
        &mut out,
    );
    out
}

fn mutations() -> usize {
    std::env::var("CROSSWALK_FUZZ_MUTATIONS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2000)
}

/// Runs `check` on `data`, naming the input in the panic message.
fn run(target: &str, check: Check, data: &[u8], what: &dyn Fn() -> String) {
    if let Err(e) = std::panic::catch_unwind(|| check(data)) {
        let msg = e
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| e.downcast_ref::<&str>().copied())
            .unwrap_or("?");
        panic!(
            "target {target} failed on {}: {msg}\ninput ({} bytes): {:?}",
            what(),
            data.len(),
            data.escape_ascii().to_string()
        );
    }
}

/// Runs one target over its own seeds (and `n` mutations of each) and over every other target's
/// seeds as they are.
fn target(name: &str) {
    let check = TARGETS.iter().find(|t| t.0 == name).unwrap().1;
    let own = seeds(name);
    assert!(!own.is_empty(), "no seeds for {name} in fuzz/seeds/{name}");
    let n = mutations();
    for path in &own {
        let seed = std::fs::read(path).unwrap();
        run(name, check, &seed, &|| path.display().to_string());
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ seed.len() as u64);
        for i in 0..n {
            let m = mutate(&seed, &mut rng);
            run(name, check, &m, &|| {
                format!("mutation {i} of {}", path.display())
            });
        }
    }
    for (other, _) in TARGETS.iter().filter(|t| t.0 != name) {
        for path in seeds(other) {
            let seed = std::fs::read(&path).unwrap();
            run(name, check, &seed, &|| path.display().to_string());
        }
    }
    if let Some(shared) = std::env::var_os("CROSSWALK_SHARED") {
        for (dir, _) in SHARED.iter().filter(|s| s.1 == name) {
            let mut files = Vec::new();
            files_under(&Path::new(&shared).join("corpus").join(dir), &mut files);
            for path in files {
                let data = std::fs::read(&path).unwrap();
                run(name, check, &data, &|| path.display().to_string());
                if data.len() <= 64 << 10 {
                    let mut rng = Rng(0xD1B5_4A32_D192_ED03 ^ data.len() as u64);
                    for i in 0..20 {
                        let m = mutate(&data, &mut rng);
                        run(name, check, &m, &|| {
                            format!("mutation {i} of {}", path.display())
                        });
                    }
                }
            }
        }
    }
}

#[test]
fn iso2709() {
    target("iso2709");
}

#[test]
fn marcxml() {
    target("marcxml");
}

#[test]
fn marcjson() {
    target("marcjson");
}

#[test]
fn ead() {
    target("ead");
}

#[test]
fn dc() {
    target("dc");
}

#[test]
fn xml() {
    target("xml");
}

#[test]
fn marc8() {
    target("marc8");
}

#[test]
fn selector() {
    target("selector");
}

#[test]
fn sniff() {
    target("sniff");
}

#[test]
fn mutations_are_deterministic() {
    let seed = b"00026nam a2200025 a 4500\x1e\x1d";
    let a: Vec<_> = (0..50).scan(Rng(7), |r, _| Some(mutate(seed, r))).collect();
    let b: Vec<_> = (0..50).scan(Rng(7), |r, _| Some(mutate(seed, r))).collect();
    assert_eq!(a, b);
}
