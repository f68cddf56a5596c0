//! The compiler never panics on user input. Every corpus origin file is cut short at many points
//! and has bytes spliced in (deterministically), and every variant must compile to a report.

use ferry_compiler::{CompileRequest, Options};
use ferry_tests::{read_tree, repo_root};
use std::collections::BTreeMap;

/// A small deterministic generator (no randomness in tests: failures must reproduce).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

const SPLICES: &[&str] = &[
    "${", "}", "\"", "[", "{", "%{", "\n", "=", "aws_vpc.", "<<EOT\n", "#", "...",
];

#[test]
fn mangled_origins_never_panic() {
    let mut origins: Vec<BTreeMap<String, String>> = Vec::new();
    for dir in ["tests/corpus", "examples"] {
        let tree = read_tree(&repo_root().join(dir));
        let mut by_case: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
        for (path, text) in tree {
            if let Some((case, rel)) = path.split_once("/origin/") {
                by_case
                    .entry(case.to_string())
                    .or_default()
                    .insert(rel.to_string(), text);
            }
        }
        origins.extend(by_case.into_values());
    }
    assert!(!origins.is_empty());
    let mut rng = Lcg(0x5eed);
    let mut variants = 0;
    for files in &origins {
        for (path, text) in files {
            for _ in 0..6 {
                let mut mangled = files.clone();
                let cut = if text.is_empty() {
                    0
                } else {
                    (rng.next() as usize) % text.len()
                };
                let cut = (0..=cut)
                    .rev()
                    .find(|i| text.is_char_boundary(*i))
                    .unwrap_or(0);
                let splice = SPLICES[(rng.next() as usize) % SPLICES.len()];
                let variant = if rng.next().is_multiple_of(2) {
                    text[..cut].to_string()
                } else {
                    format!("{}{}{}", &text[..cut], splice, &text[cut..])
                };
                mangled.insert(path.clone(), variant);
                let request = CompileRequest {
                    files: mangled,
                    options: Options::default(),
                };
                let result = std::panic::catch_unwind(|| ferry_compiler::compile(&request));
                assert!(
                    result.is_ok(),
                    "compile panicked on a mangled `{path}` (cut at {cut}, splice {splice:?})"
                );
                variants += 1;
            }
        }
    }
    println!("{variants} mangled origins compiled without a panic");
}
