//! The golden corpus: `tests/corpus/<rule>/<case>/` (and every `examples/<name>/`) holds
//! `origin/` (the AWS stack),
//! optionally `options.json`, and `expected/` (the deployment stack files and `report.json`).
//!
//! Every case is compiled and compared byte for byte with `expected/`, and checked against the
//! invariants of every compiled stack (no `aws_` left, names and tags carry the instance id,
//! schema self-check silent, every origin resource reported).
//!
//! Re-bless after an intended change: `FERRY_BLESS=1 cargo test -p ferry-tests --test corpus`,
//! then review the diff.

use ferry_tests::{invariants, read_tree, repo_root, request_for};
use std::path::PathBuf;

fn cases() -> Vec<PathBuf> {
    let mut out = Vec::new();
    // The examples are corpus cases too: each has `origin/` and its checked-in `expected/`.
    let mut stack = vec![
        repo_root().join("tests/corpus"),
        repo_root().join("examples"),
    ];
    while let Some(d) = stack.pop() {
        if d.join("origin").is_dir() {
            out.push(d);
            continue;
        }
        if let Ok(entries) = std::fs::read_dir(&d) {
            stack.extend(entries.flatten().map(|e| e.path()).filter(|p| p.is_dir()));
        }
    }
    out.sort();
    out
}

#[test]
fn corpus() {
    let bless = std::env::var_os("FERRY_BLESS").is_some();
    let cases = cases();
    assert!(
        cases.len() >= 3,
        "the corpus is missing ({} cases)",
        cases.len()
    );
    let mut failures = Vec::new();
    for case in &cases {
        let name = case
            .strip_prefix(repo_root())
            .unwrap_or(case)
            .display()
            .to_string();
        let request = request_for(case);
        let c = ferry_compiler::compile(&request);
        let mut actual = c.files.clone();
        let mut report = serde_json::to_string_pretty(&c.report).expect("report serialises");
        report.push('\n');
        actual.insert("report.json".into(), report);
        let expected_dir = case.join("expected");
        if bless {
            let _ = std::fs::remove_dir_all(&expected_dir);
            for (path, text) in &actual {
                let p = expected_dir.join(path);
                std::fs::create_dir_all(p.parent().expect("has parent")).expect("mkdir");
                std::fs::write(p, text).expect("write expected");
            }
        } else {
            let expected = read_tree(&expected_dir);
            for (path, text) in &actual {
                match expected.get(path) {
                    Some(e) if e == text => {}
                    Some(e) => failures.push(format!("{name}: {path} differs\n{}", diff(e, text))),
                    None => failures.push(format!("{name}: {path} is produced but not expected")),
                }
            }
            for path in expected.keys().filter(|p| !actual.contains_key(*p)) {
                failures.push(format!("{name}: {path} is expected but not produced"));
            }
        }
        for p in invariants(&request, &c) {
            failures.push(format!("{name}: {p}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} corpus failure(s) in {} cases (re-bless with FERRY_BLESS=1 if the change is intended):\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
    println!("corpus: {} cases passed", cases.len());
}

/// A small line diff: the first differing lines, with context.
fn diff(expected: &str, actual: &str) -> String {
    let e: Vec<&str> = expected.lines().collect();
    let a: Vec<&str> = actual.lines().collect();
    let first = e
        .iter()
        .zip(&a)
        .position(|(x, y)| x != y)
        .unwrap_or(e.len().min(a.len()));
    let mut out = String::new();
    for i in first.saturating_sub(2)..(first + 6).min(e.len().max(a.len())) {
        match (e.get(i), a.get(i)) {
            (Some(x), Some(y)) if x == y => out.push_str(&format!("   {x}\n")),
            (x, y) => {
                if let Some(x) = x {
                    out.push_str(&format!(" - {x}\n"));
                }
                if let Some(y) = y {
                    out.push_str(&format!(" + {y}\n"));
                }
            }
        }
    }
    out
}
