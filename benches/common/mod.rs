//! Shared helpers for the benches: a small deterministic PRNG (xorshift64*), so that every run
//! of `cargo bench` measures the same synthetic data without any file on disk.

#![allow(dead_code)] // each bench uses a different subset

use std::time::Duration;

use criterion::measurement::{Measurement, ValueFormatter, WallTime};
use criterion::Criterion;

/// Runs the benches with wall-clock time (criterion's default), or with the CPU time of the
/// benchmarking thread when `CROSSWALK_BENCH_CPU=1`: on a machine shared with other jobs the CPU
/// time is what the code costs, the wall time also counts the waits for a core.
pub fn main_with(wall: fn(&mut Criterion<WallTime>), cpu: fn(&mut Criterion<CpuTime>)) {
    if std::env::var_os("CROSSWALK_BENCH_CPU").is_some_and(|v| v == "1") {
        let mut c = Criterion::default()
            .with_measurement(CpuTime)
            .configure_from_args();
        cpu(&mut c);
        c.final_summary();
    } else {
        let mut c = Criterion::default().configure_from_args();
        wall(&mut c);
        c.final_summary();
    }
}

/// CPU time of the calling thread, from `/proc/thread-self/schedstat` (Linux; nanoseconds on
/// the CPU, updated at each scheduler tick, so a sample should last well over a few ms).
pub struct CpuTime;

fn thread_cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .expect("CROSSWALK_BENCH_CPU=1 needs Linux /proc/thread-self/schedstat")
}

static WALL: WallTime = WallTime;

impl Measurement for CpuTime {
    type Intermediate = u64;
    type Value = Duration;

    fn start(&self) -> u64 {
        thread_cpu_ns()
    }
    fn end(&self, start: u64) -> Duration {
        Duration::from_nanos(thread_cpu_ns().saturating_sub(start))
    }
    fn add(&self, a: &Duration, b: &Duration) -> Duration {
        *a + *b
    }
    fn zero(&self) -> Duration {
        Duration::ZERO
    }
    fn to_f64(&self, d: &Duration) -> f64 {
        d.as_nanos() as f64
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        WALL.formatter()
    }
}

/// xorshift64* (Vigna); deterministic for a given seed, good enough to pick words.
pub struct Rng(u64);

impl Rng {
    /// A generator for `(seed, index)`: record `i` gets its own stream, as in `gen_marc.py`.
    pub fn new(seed: u64, index: u64) -> Self {
        let mut s = seed
            .wrapping_mul(1_000_003)
            .wrapping_add(index)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15);
        if s == 0 {
            s = 0x2545_F491_4F6C_DD1D;
        }
        let mut r = Self(s);
        r.next(); // mix the seed a little
        r
    }

    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `[0, 1)`.
    pub fn float(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.float() < p
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }

    /// One element of a non-empty slice.
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[(self.next() % items.len() as u64) as usize]
    }
}

/// Common English-ish vocabulary (the `WORDS` list of `gen_marc.py`).
pub const WORDS: &[&str] = &[
    "history",
    "theory",
    "practice",
    "culture",
    "society",
    "politics",
    "economy",
    "science",
    "nature",
    "language",
    "literature",
    "memory",
    "identity",
    "power",
    "knowledge",
    "justice",
    "ethics",
    "art",
    "music",
    "city",
    "landscape",
    "empire",
    "revolution",
    "war",
    "peace",
    "migration",
    "religion",
    "law",
    "medicine",
    "technology",
    "information",
    "network",
    "data",
    "library",
    "archive",
    "reading",
    "writing",
    "translation",
    "education",
    "childhood",
    "family",
    "women",
    "labor",
    "capital",
    "market",
    "money",
    "trade",
    "ocean",
    "river",
    "forest",
    "climate",
    "energy",
    "evolution",
    "genetics",
    "mind",
    "body",
    "brain",
    "philosophy",
    "logic",
    "mathematics",
    "computation",
    "algorithm",
    "design",
    "architecture",
    "modernity",
    "tradition",
    "colonialism",
    "nation",
    "state",
    "border",
    "frontier",
    "community",
    "democracy",
    "crisis",
    "reform",
    "renaissance",
    "enlightenment",
    "romanticism",
    "modernism",
    "avant-garde",
    "cinema",
    "photography",
    "theatre",
    "poetry",
    "novel",
    "myth",
    "ritual",
    "food",
    "agriculture",
    "health",
    "disease",
    "pandemic",
];

/// Words joined by spaces, the first capitalised when `cap`.
pub fn phrase(r: &mut Rng, n: u64, cap: bool) -> String {
    let mut s = String::new();
    for i in 0..n {
        if i > 0 {
            s.push(' ');
        }
        s.push_str(r.pick(WORDS));
    }
    if cap {
        capitalize(&s)
    } else {
        s
    }
}

/// The string with its first character upper-cased.
pub fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}
