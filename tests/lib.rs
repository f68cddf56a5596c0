//! Shared helpers for Ferry's boundary tests: reading corpus cases and checking the invariants
//! every compiled stack must hold.

use ferry_compiler::{Compilation, CompileRequest, Options};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// Reads every file under `dir` into a `path → text` map (relative, `/`-separated).
pub fn read_tree(dir: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(text) = std::fs::read_to_string(&p) {
                let rel = p
                    .strip_prefix(dir)
                    .expect("under dir")
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                out.insert(rel, text);
            }
        }
    }
    out
}

/// A compile request for a case folder: `origin/` plus an optional `options.json`.
pub fn request_for(case: &Path) -> CompileRequest {
    let files = read_tree(&case.join("origin"));
    let options: Options = std::fs::read_to_string(case.join("options.json"))
        .ok()
        .map(|t| serde_json::from_str(&t).expect("options.json is valid"))
        .unwrap_or_default();
    CompileRequest { files, options }
}

/// Checks the invariants of DESIGN §3 on a compilation; returns the violations.
pub fn invariants(request: &CompileRequest, c: &Compilation) -> Vec<String> {
    let mut problems = Vec::new();
    let carried = carried_inputs(&c.files);
    for (path, text) in &c.files {
        for (i, line) in text.lines().enumerate() {
            let mentions_aws = line.contains("provider \"aws\"")
                || line.contains("provider::aws::")
                || line.match_indices("aws_").any(|(pos, _)| {
                    let before = line[..pos].chars().last();
                    let is_word_start = !matches!(before, Some(c) if c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '"' || c == '/' || c == ':');
                    // `module.api.aws_api.endpoint`: an attribute named `aws_…` (a module
                    // output the vendor named so), not a reference; `data.aws_x.y` is one.
                    let attribute = before == Some('.') && !line[..pos].ends_with("data.");
                    let after: String = line[pos..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '.').collect();
                    is_word_start && !attribute && after.contains('.')
                });
            if mentions_aws {
                problems.push(format!("{path}:{}: output mentions AWS: {line}", i + 1));
            }
        }
        if path.ends_with(".tf") {
            duplicate_blocks(path, text, &mut problems);
            match hcl::parse(text) {
                Ok(body) => {
                    let dir = path.rsplit_once('/').map(|(d, _)| d).unwrap_or_default();
                    let vars = carried.get(dir).cloned().unwrap_or_default();
                    check_resources(path, &body, &vars, &mut problems)
                }
                Err(e) => problems.push(format!("{path}: emitted HCL does not parse: {e}")),
            }
        }
    }
    for d in &c.report.diagnostics {
        if d.code == "F901" {
            problems.push(format!("schema self-check fired: {}", d.message));
        }
    }
    // Every origin resource is accounted for in the report.
    let declared = request
        .files
        .iter()
        .filter(|(p, _)| p.ends_with(".tf"))
        .filter_map(|(_, t)| hcl::parse(t).ok())
        .map(|b| {
            b.blocks()
                .filter(|b| b.identifier() == "resource" || b.identifier() == "data")
                .count()
        })
        .sum::<usize>();
    let reported = c
        .report
        .resources
        .iter()
        .filter(|r| !r.ty.starts_with("module:"))
        .count();
    if reported < declared {
        problems.push(format!(
            "report lists {reported} resources, origin declares {declared}"
        ));
    }
    problems
}

/// Two blocks with the same address (`variable "x"` twice, a resource emitted twice) make the
/// stack invalid.
fn duplicate_blocks(path: &str, text: &str, problems: &mut Vec<String>) {
    let Ok(body) = hcl::parse(text) else { return };
    let mut seen = std::collections::BTreeSet::new();
    for b in body.blocks().filter(|b| !b.labels.is_empty()) {
        let key = format!(
            "{} {}",
            b.identifier(),
            b.labels
                .iter()
                .map(|l| l.as_str())
                .collect::<Vec<_>>()
                .join(".")
        );
        if !seen.insert(key.clone()) {
            problems.push(format!("{path}: `{key}` is declared twice"));
        }
    }
}

/// Types whose `name` must be unique in an account or region.
const UNIQUE_NAMES: &[&str] = &[
    "digitalocean_vpc",
    "digitalocean_spaces_bucket",
    "digitalocean_database_cluster",
    "digitalocean_kubernetes_cluster",
    "digitalocean_loadbalancer",
    "digitalocean_droplet",
    "digitalocean_volume",
    "digitalocean_firewall",
    "digitalocean_certificate",
    "digitalocean_project",
];

/// Per emitted module folder, the variables that every call of it (in the emitted files) sets
/// to an expression carrying `var.instance_id`, directly or through the caller file's locals:
/// a name read from one is unique per appliance.
fn carried_inputs(
    files: &BTreeMap<String, String>,
) -> BTreeMap<String, std::collections::BTreeSet<String>> {
    let mut all: BTreeMap<(String, String), bool> = BTreeMap::new();
    for (path, text) in files.iter().filter(|(p, _)| p.ends_with(".tf")) {
        let Ok(body) = hcl::parse(text) else { continue };
        let dir = path.rsplit_once('/').map(|(d, _)| d).unwrap_or_default();
        for call in body.blocks().filter(|b| b.identifier() == "module") {
            let Some(hcl::Expression::String(source)) = call
                .body
                .attributes()
                .find(|a| a.key() == "source")
                .map(|a| a.expr())
            else {
                continue;
            };
            let Some(rel) = source.strip_prefix("./") else {
                continue;
            };
            let target = match dir {
                "" => rel.trim_end_matches('/').to_string(),
                d => format!("{d}/{}", rel.trim_end_matches('/')),
            };
            for a in call.body.attributes().filter(|a| a.key() != "source") {
                let text = hcl::format::to_string(a.expr()).unwrap_or_default();
                let carries = carries_instance_id(&text, &body, &Default::default());
                all.entry((target.clone(), a.key().to_string()))
                    .and_modify(|c| *c &= carries)
                    .or_insert(carries);
            }
        }
    }
    let mut out: BTreeMap<String, std::collections::BTreeSet<String>> = BTreeMap::new();
    for ((dir, var), carries) in all {
        if carries {
            out.entry(dir).or_default().insert(var);
        }
    }
    out
}

/// Does an expression's text carry `var.instance_id` (or one of `vars`, which callers set to
/// something carrying it), directly or through the file's locals?
fn carries_instance_id(
    text: &str,
    body: &hcl::Body,
    vars: &std::collections::BTreeSet<String>,
) -> bool {
    let names_var = |t: &str, v: &str| {
        let needle = format!("var.{v}");
        t.match_indices(&needle).any(|(i, _)| {
            !t[i + needle.len()..]
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        })
    };
    let locals: Vec<(String, String)> = body
        .blocks()
        .filter(|b| b.identifier() == "locals")
        .flat_map(|b| b.body.attributes())
        .map(|a| {
            (
                a.key().to_string(),
                hcl::format::to_string(a.expr()).unwrap_or_default(),
            )
        })
        .collect();
    let mut pending = vec![text.to_string()];
    let mut seen = std::collections::BTreeSet::new();
    while let Some(t) = pending.pop() {
        if t.contains("var.instance_id") || vars.iter().any(|v| names_var(&t, v)) {
            return true;
        }
        for (k, v) in &locals {
            if t.contains(&format!("local.{k}")) && seen.insert(k.clone()) {
                pending.push(v.clone());
            }
        }
    }
    false
}

fn check_resources(
    path: &str,
    body: &hcl::Body,
    vars: &std::collections::BTreeSet<String>,
    problems: &mut Vec<String>,
) {
    for block in body.blocks().filter(|b| b.identifier() == "resource") {
        let ty = block.labels.first().map(|l| l.as_str()).unwrap_or_default();
        let name = block.labels.get(1).map(|l| l.as_str()).unwrap_or_default();
        let attr = |k: &str| {
            block
                .body
                .attributes()
                .find(|a| a.key() == k)
                .map(|a| hcl::format::to_string(a.expr()).unwrap_or_default())
        };
        if UNIQUE_NAMES.contains(&ty) {
            match attr("name") {
                Some(n) if carries_instance_id(&n, body, vars) => {}
                other => problems.push(format!(
                    "{path}: {ty}.{name} name lacks the instance id: {other:?}"
                )),
            }
        }
        // A firewall's `tags` select the droplets it guards, so firewalls are not tagged.
        if ty.starts_with("digitalocean_")
            && ty != "digitalocean_firewall"
            && ferry_compiler::schema::has_attribute(ty, "tags")
        {
            match attr("tags") {
                Some(t) if t.contains("instance-id:${var.instance_id}") => {}
                other => problems.push(format!(
                    "{path}: {ty}.{name} lacks the instance-id tag: {other:?}"
                )),
            }
        }
    }
}

/// Which compiler.wasm to build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WasmVariant {
    /// The module Ferry ships (`--profile wasm`).
    Shipped,
    /// The module with the `test-hooks` feature (hostile behaviour on a marker;
    /// `--profile wasm-test-hooks`), for the sandbox's hostile-input tests.
    TestHooks,
}

/// Builds compiler.wasm with cargo (once per process and variant) and returns its path, so
/// `cargo test` works on a fresh clone. The build uses the cargo target folder of the running
/// test binary. `FERRY_COMPILER_WASM` overrides the shipped module's path (no build).
pub fn compiler_wasm(variant: WasmVariant) -> PathBuf {
    static SHIPPED: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    static HOOKS: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    let cell = match variant {
        WasmVariant::Shipped => &SHIPPED,
        WasmVariant::TestHooks => &HOOKS,
    };
    cell.get_or_init(|| build_compiler_wasm(variant)).clone()
}

/// The cargo target folder this process was built into (`<target>/<profile>/deps/<exe>`).
pub fn target_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(dir);
    }
    let exe = std::env::current_exe().expect("the test binary's path");
    exe.ancestors()
        .find(|p| p.join("CACHEDIR.TAG").is_file())
        .map(Path::to_path_buf)
        .unwrap_or_else(|| repo_root().join("target"))
}

fn build_compiler_wasm(variant: WasmVariant) -> PathBuf {
    if variant == WasmVariant::Shipped
        && let Some(p) = std::env::var_os("FERRY_COMPILER_WASM")
    {
        return PathBuf::from(p);
    }
    let (profile, features): (&str, &[&str]) = match variant {
        WasmVariant::Shipped => ("wasm", &[]),
        WasmVariant::TestHooks => ("wasm-test-hooks", &["--features", "test-hooks"]),
    };
    let target = target_dir();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    eprintln!(
        "building compiler.wasm (profile {profile}) in {}",
        target.display()
    );
    let out = std::process::Command::new(cargo)
        .current_dir(repo_root())
        .env("CARGO_TARGET_DIR", &target)
        .args([
            "build",
            "--locked",
            "--quiet",
            "--profile",
            profile,
            "--target",
            "wasm32-unknown-unknown",
            "-p",
            "ferry-compiler-wasm",
        ])
        .args(features)
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "building compiler.wasm failed (is the wasm32-unknown-unknown target installed? scripts/setup.sh adds it):\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let path = target
        .join("wasm32-unknown-unknown")
        .join(profile)
        .join("ferry_compiler_wasm.wasm");
    assert!(path.is_file(), "cargo did not produce {}", path.display());
    path
}

/// Every corpus case and example: `(name, case folder)`, sorted.
pub fn all_cases() -> Vec<(String, PathBuf)> {
    let root = repo_root();
    let mut cases = Vec::new();
    let mut stack = vec![root.join("tests/corpus")];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if !p.is_dir() {
                continue;
            }
            if p.join("origin").is_dir() {
                let name = p
                    .strip_prefix(&root)
                    .expect("under root")
                    .to_string_lossy()
                    .into_owned();
                cases.push((name, p));
            } else {
                stack.push(p);
            }
        }
    }
    if let Ok(entries) = std::fs::read_dir(root.join("examples")) {
        for e in entries.flatten() {
            let p = e.path();
            if p.join("origin").is_dir() {
                let name = p
                    .strip_prefix(&root)
                    .expect("under root")
                    .to_string_lossy()
                    .into_owned();
                cases.push((name, p));
            }
        }
    }
    cases.sort();
    cases
}
