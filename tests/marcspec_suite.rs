//! The MARCspec test suite (`$CROSSWALK_SHARED/marcspec-test-suite`): every valid spec compiles,
//! every invalid one is rejected.
//!
//! The suite tests the grammar's pieces one by one (field tags, subfield codes, ranges,
//! positions, indicators, comparison strings, subspecs); each piece is put into a whole spec
//! the way the piece is written in one.

use std::path::{Path, PathBuf};

use crosswalk::marc::spec;

fn suite_dir() -> Option<PathBuf> {
    let shared = std::env::var_os("CROSSWALK_SHARED")?;
    let dir = Path::new(&shared).join("marcspec-test-suite");
    dir.is_dir().then_some(dir)
}

/// The whole specs a suite file's piece `data` is tested in.
fn wrap(file: &str, data: &str) -> Vec<String> {
    let kind = file
        .trim_end_matches(".json")
        .trim_start_matches("valid")
        .trim_start_matches("invalid");
    match kind {
        "FieldTag" => vec![data.to_string(), format!("{data}[0]"), format!("{data}$a")],
        "SubfieldTag" => vec![format!("245${data}"), format!("...${data}[0]")],
        "SubfieldRange" => vec![format!("245${data}"), format!("245${data}[#]/0")],
        "PositionOrRange" => vec![
            format!("LDR/{data}"),
            format!("300[{data}]"),
            format!("245$a[{data}]"),
            format!("245$a/{data}"),
        ],
        "Indicators" => vec![format!("245^{data}"), format!("245[0]^{data}")],
        "ComparisonString" => vec![
            format!("245$a{{$b=\\{data}}}"),
            format!("245{{\\{data}=$a|$b!~\\{data}}}"),
        ],
        "SubSpec" => vec![
            format!("245{data}"),
            format!("245$a{data}"),
            format!("245$a{data}$b{data}"),
        ],
        other => panic!("unknown suite file kind {other}"),
    }
}

#[test]
fn marcspec_suite() {
    let Some(dir) = suite_dir() else {
        eprintln!(
            "note: CROSSWALK_SHARED is not set (or has no marcspec-test-suite): suite skipped"
        );
        return;
    };
    let (mut valid, mut invalid, mut failures) = (0, 0, Vec::new());
    for sub in ["valid", "invalid"] {
        let mut files: Vec<_> = std::fs::read_dir(dir.join(sub))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        files.sort();
        assert!(!files.is_empty(), "no suite files in {sub}/");
        for path in files {
            let name = path.file_name().unwrap().to_str().unwrap().to_string();
            let doc: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            for test in doc["tests"].as_array().unwrap() {
                let data = test["data"].as_str().unwrap();
                let expect = test["valid"].as_bool().unwrap();
                let specs = wrap(&name, data);
                // A valid piece must compile in every context; an invalid one in none.
                let ok = specs.iter().all(|s| spec::compile(s).is_ok() == expect);
                if ok {
                    if expect {
                        valid += 1;
                    } else {
                        invalid += 1;
                    }
                } else {
                    let results: Vec<_> = specs
                        .iter()
                        .map(|s| format!("{s:?} -> {:?}", spec::compile(s).map(|_| ())))
                        .collect();
                    failures.push(format!(
                        "{sub}/{name}: {data:?} ({}), expected valid={expect}: {results:#?}",
                        test["description"]
                    ));
                }
            }
        }
    }
    eprintln!("MARCspec suite: {valid} valid compiled, {invalid} invalid rejected");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(valid + invalid > 100);
}
