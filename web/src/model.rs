//! Values the preview works with. The compile request and response are the compiler's own
//! types (`ferry_compiler::api`, the one place the JSON shapes are defined).

use ferry_compiler::api::{Compilation, CompileRequest, ErrorBody, Options};
use ferry_compiler::report::Report;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One entry of `examples.json` (written by `cargo xtask dist` from `examples/*/origin`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Example {
    pub name: String,
    pub files: BTreeMap<String, String>,
}

/// A compile result as the preview shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct CompileOutput {
    /// The deployment stack: path → text.
    pub files: BTreeMap<String, String>,
    pub report: Report,
    /// The origin files this result was compiled from (report locations point into them).
    pub origin: BTreeMap<String, String>,
    /// Time spent in the worker, in milliseconds.
    pub ms: f64,
}

/// The compiler module's SHA-256, from one side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModuleHash {
    Pending,
    Known { sha256: String, abi_version: i64 },
    Unavailable(String),
}

impl ModuleHash {
    pub fn sha256(&self) -> Option<&str> {
        match self {
            ModuleHash::Known { sha256, .. } => Some(sha256),
            _ => None,
        }
    }
}

/// `GET /api/v1/compiler`.
#[derive(Debug, Clone, Deserialize)]
pub struct CompilerInfo {
    pub sha256: String,
    pub abi_version: i64,
    #[serde(default)]
    pub url: Option<String>,
}

/// The request JSON for the worker.
pub fn request_json(files: &BTreeMap<String, String>, instance_id: &str) -> String {
    let instance_id = instance_id.trim();
    let request = CompileRequest {
        files: files.clone(),
        options: Options {
            instance_id: (!instance_id.is_empty()).then(|| instance_id.to_string()),
            ..Options::default()
        },
    };
    serde_json::to_string(&request).unwrap_or_default()
}

/// Reads the module's response: a compilation, or the `{"error"}` body as a message.
pub fn parse_response(text: &str) -> Result<Compilation, String> {
    match serde_json::from_str::<Compilation>(text) {
        Ok(c) => Ok(c),
        Err(e) => match serde_json::from_str::<ErrorBody>(text) {
            Ok(b) => Err(format!("{}: {}", b.error.code, b.error.message)),
            Err(_) => Err(format!("the compiler returned an unreadable response: {e}")),
        },
    }
}

/// The files of the downloadable archive: the stack, `ferry-report.json`, under `<root>/`.
pub fn archive_entries(out: &CompileOutput, root: &str) -> Vec<(String, Vec<u8>)> {
    let mut entries: Vec<(String, Vec<u8>)> = out
        .files
        .iter()
        .map(|(p, t)| (format!("{root}/{p}"), t.as_bytes().to_vec()))
        .collect();
    let report = serde_json::to_string_pretty(&out.report).unwrap_or_default();
    entries.push((format!("{root}/ferry-report.json"), report.into_bytes()));
    entries
}

/// Order of the deployment stack's tabs: main, variables, outputs, versions, then the rest.
pub fn stack_order(path: &str) -> (usize, &str) {
    let depth = path.matches('/').count();
    let rank = match path.rsplit('/').next().unwrap_or(path) {
        "main.tf" => 0,
        "variables.tf" => 1,
        "outputs.tf" => 2,
        "versions.tf" => 3,
        _ => 4,
    };
    (depth * 10 + rank, path)
}

/// Files read from the user's disk: which to keep. Hidden folders (`.terraform`, `.git`) and
/// state or plan files are skipped; everything else that is text is an origin file.
pub fn accept_path(path: &str) -> bool {
    let skip_dir = path
        .split('/')
        .rev()
        .skip(1)
        .any(|seg| seg.starts_with('.') && seg.len() > 1);
    let name = path.rsplit('/').next().unwrap_or(path);
    let skip_file = name.starts_with('.')
        || name.ends_with(".tfstate")
        || name.ends_with(".tfstate.backup")
        || name.ends_with(".tfplan")
        || name.ends_with(".zip");
    !(skip_dir || skip_file)
}

/// Removes the folder all paths share (`origin/main.tf`, `origin/x/y.tf` → `main.tf`,
/// `x/y.tf`), so a dropped stack folder keeps the layout the compiler expects.
pub fn strip_common_folder(mut files: Vec<(String, String)>) -> Vec<(String, String)> {
    loop {
        let Some(first) = files
            .first()
            .and_then(|(p, _)| p.split_once('/').map(|(d, _)| d))
        else {
            return files;
        };
        let prefix = format!("{first}/");
        if !files.iter().all(|(p, _)| p.starts_with(&prefix)) {
            return files;
        }
        files = files
            .into_iter()
            .map(|(p, t)| (p[prefix.len()..].to_string(), t))
            .collect();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_carry_the_instance_id() {
        let mut files = BTreeMap::new();
        files.insert("main.tf".to_string(), "x".to_string());
        let r: serde_json::Value =
            serde_json::from_str(&request_json(&files, " acme ")).expect("json");
        assert_eq!(r["options"]["instance_id"], "acme");
        assert_eq!(r["files"]["main.tf"], "x");
        let r: serde_json::Value = serde_json::from_str(&request_json(&files, "")).expect("json");
        assert!(r["options"]["instance_id"].is_null());
    }

    #[test]
    fn parses_errors_and_compilations() {
        assert_eq!(
            parse_response(r#"{"error":{"code":"bad_request","message":"no"}}"#),
            Err("bad_request: no".to_string())
        );
        assert!(parse_response("garbage").is_err());
        let req = CompileRequest {
            files: [(
                "main.tf".to_string(),
                "resource \"aws_vpc\" \"m\" {\n  cidr_block = \"10.0.0.0/16\"\n}\n".to_string(),
            )]
            .into(),
            options: Options::default(),
        };
        let json = ferry_compiler::compile(&req).to_json();
        let c = parse_response(&json).expect("compilation");
        assert!(c.files["main.tf"].contains("digitalocean_vpc"));
    }

    #[test]
    fn folders_and_paths() {
        let files = vec![
            ("origin/main.tf".to_string(), String::new()),
            ("origin/modules/a/main.tf".to_string(), String::new()),
        ];
        let stripped = strip_common_folder(files);
        assert_eq!(stripped[0].0, "main.tf");
        assert_eq!(stripped[1].0, "modules/a/main.tf");
        assert!(accept_path("modules/a/main.tf"));
        assert!(!accept_path(".terraform/modules/x/main.tf"));
        assert!(!accept_path("terraform.tfstate"));
        let mut tabs = vec!["versions.tf", "modules/a/main.tf", "main.tf", "outputs.tf"];
        tabs.sort_by_key(|p| stack_order(p));
        assert_eq!(
            tabs,
            ["main.tf", "outputs.tf", "versions.tf", "modules/a/main.tf"]
        );
    }
}
