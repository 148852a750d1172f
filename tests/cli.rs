//! The `crosswalk` binary, run as a user would.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn crosswalk(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_crosswalk"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the binary runs")
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("crosswalk-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

const UVA: &str = "examples/data/library/uva-200.mrc";
const BAD: &str = "examples/data/library/pymarc-bad-records.mrc";

#[test]
fn marc_check_counts_and_json() {
    let o = crosswalk(&["marc", "check", UVA, BAD]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = stdout(&o);
    assert!(
        text.contains("uva-200.mrc: iso2709, 200 records, 0 repaired, 0 rejected"),
        "{text}"
    );
    assert!(text.contains("total: 2 files, 208 records"), "{text}");

    let o = crosswalk(&["marc", "check", "--json", UVA, BAD]);
    let lines: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["records"], 200);
    assert_eq!(lines[0]["rejected"], 0);
    assert_eq!(lines[1]["records"], 8);
    assert!(lines[1]["repaired"].as_u64().unwrap() > 0);
    assert!(
        lines[1]["diagnostics"]["base-address-mismatch"]
            .as_u64()
            .unwrap()
            > 0
    );
}

#[test]
fn strict_check_rejects_and_exits_1() {
    let o = crosswalk(&["marc", "check", "--strict", "--json", BAD]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert!(v["rejected"].as_u64().unwrap() > 0);
    assert_eq!(
        v["records"].as_u64().unwrap() + v["rejected"].as_u64().unwrap(),
        8
    );
    let first = v["errors"][0].as_str().unwrap();
    assert!(first.contains("pymarc-bad-records.mrc: record "), "{first}");
    assert!(first.contains("byte "), "{first}");
}

#[test]
fn not_marc_is_a_located_failure() {
    let path = tmp("not-marc.txt");
    std::fs::write(&path, "hello, world").unwrap();
    let o = crosswalk(&["marc", "check", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("not a MARC file"), "{}", stdout(&o));
    let o = crosswalk(&["marc", "convert", "--to", "xml-ish", UVA]);
    assert_eq!(o.status.code(), Some(2), "usage errors exit with 2");
}

fn convert(to: &str, input: &Path, output: &Path) {
    let o = crosswalk(&[
        "marc",
        "convert",
        "--to",
        to,
        input.to_str().unwrap(),
        "-o",
        output.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn convert_round_trips_byte_identical() {
    // MARC-8 → UTF-8 ISO 2709 first; from there every path must come back byte for byte.
    let utf8 = tmp("uva-utf8.mrc");
    convert("iso2709", Path::new(UVA), &utf8);
    for (to, ext) in [("marcxml", "xml"), ("json", "json")] {
        let mid = tmp(&format!("uva.{ext}"));
        let back = tmp(&format!("uva-back-from-{ext}.mrc"));
        convert(to, &utf8, &mid);
        convert("iso2709", &mid, &back);
        assert!(
            std::fs::read(&utf8).unwrap() == std::fs::read(&back).unwrap(),
            "ISO 2709 → {to} → ISO 2709 differs"
        );
    }
    let xml = std::fs::read_to_string(tmp("uva.xml")).unwrap();
    assert_eq!(xml.matches("<collection").count(), 1);
    assert_eq!(xml.matches("<record>").count(), 200);
    // MARC-8 decoded: "Čapek" in record 34 (composed, NFC).
    assert!(
        xml.contains("Čapek, Karel"),
        "MARC-8 diacritics decoded to NFC"
    );
}

#[test]
fn marcxml_gets_one_collection_per_input() {
    let out = tmp("two.xml");
    let o = crosswalk(&[
        "marc",
        "convert",
        "--to",
        "marcxml",
        UVA,
        BAD,
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success());
    let xml = std::fs::read_to_string(out).unwrap();
    assert_eq!(xml.matches("<collection").count(), 2);
    assert_eq!(xml.matches("<record>").count(), 208);
}
