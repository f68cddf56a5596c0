//! `ferry compile --format sarif`: the report's diagnostics as SARIF 2.1.0, the format GitHub
//! code scanning (and most CI annotation tools) reads. One run; the rules are every diagnostic
//! code Ferry has (`Code::ALL`), results point at the origin files relative to the repository
//! (`uriBaseId` `%SRCROOT%`), and each result carries a stable fingerprint of its code, file and
//! message so an alert keeps its identity across commits.

use ferry_compiler::diag::{Code, Severity};
use ferry_compiler::{Compilation, Diagnostic};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const INFORMATION_URI: &str = "https://github.com/ferry-dev/ferry";
const HELP_URI: &str = "https://github.com/ferry-dev/ferry/blob/main/docs/diagnostics.md";

/// The SARIF log for a compilation. `origin` is the origin folder as the user named it: result
/// paths are that folder joined with the compiler's paths, relative to the current folder when
/// it lies below it (so they match the repository checkout in CI).
pub fn render(c: &Compilation, sources: &BTreeMap<String, String>, origin: &Path) -> Value {
    let base = relative_base(origin);
    let rules: Vec<Value> = Code::ALL.iter().map(|code| rule(*code)).collect();
    let index: BTreeMap<&str, usize> = Code::ALL
        .iter()
        .enumerate()
        .map(|(i, c)| (c.as_str(), i))
        .collect();
    // Diagnostics without a location point at the first Terraform file (code scanning needs a
    // location for every result).
    let fallback = sources
        .keys()
        .find(|p| p.ends_with(".tf") || p.ends_with(".tf.json"))
        .cloned();
    let results: Vec<Value> = c
        .report
        .diagnostics
        .iter()
        .map(|d| result(d, &index, &base, fallback.as_deref()))
        .collect();
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "ferry",
                    "informationUri": INFORMATION_URI,
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "rules": rules,
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    })
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

fn rule(code: Code) -> Value {
    json!({
        "id": code.as_str(),
        "name": format!("{code:?}"),
        "shortDescription": { "text": code.title() },
        "fullDescription": { "text": format!("{}: {}", code.as_str(), code.title()) },
        "defaultConfiguration": { "level": level(code.default_severity()) },
        "helpUri": HELP_URI,
        "help": { "text": format!("Run `ferry explain {}`; every code is listed in docs/diagnostics.md.", code.as_str()) },
    })
}

fn result(
    d: &Diagnostic,
    index: &BTreeMap<&str, usize>,
    base: &str,
    fallback: Option<&str>,
) -> Value {
    let mut text = d.message.clone();
    if let Some(help) = &d.help {
        text.push_str("\nhelp: ");
        text.push_str(help);
    }
    let (file, line, col) = match &d.location {
        Some(l) => (Some(l.file.as_str()), l.line.max(1), l.col.max(1)),
        None => (fallback, 1, 1),
    };
    let mut r = json!({
        "ruleId": d.code,
        "level": level(d.severity),
        "message": { "text": text },
        "partialFingerprints": {
            "ferryResultHash/v1": format!("{:016x}", fnv64(&format!("{}\u{0}{}\u{0}{}", d.code, file.unwrap_or_default(), d.message))),
        },
    });
    if let Some(i) = index.get(d.code.as_str()) {
        r["ruleIndex"] = json!(i);
    }
    if let Some(file) = file {
        let mut location = json!({
            "physicalLocation": {
                "artifactLocation": artifact(base, file),
                "region": { "startLine": line, "startColumn": col },
            }
        });
        if let Some(res) = &d.resource {
            location["logicalLocations"] =
                json!([{ "fullyQualifiedName": res, "kind": "resource" }]);
        }
        r["locations"] = json!([location]);
    }
    r
}

/// The origin folder relative to the current folder (`infra/`), or as given when it is not
/// below it; `/`-separated, ending with `/` unless empty.
fn relative_base(origin: &Path) -> String {
    let abs = if origin.is_absolute() {
        origin.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(origin))
            .unwrap_or_else(|_| origin.to_path_buf())
    };
    let abs = normalize(&abs);
    let rel = std::env::current_dir()
        .ok()
        .map(|d| normalize(&d))
        .and_then(|cwd| abs.strip_prefix(&cwd).ok().map(Path::to_path_buf))
        .unwrap_or(abs);
    let s = rel
        .components()
        .filter_map(|c| match c {
            Component::Normal(p) => Some(p.to_string_lossy().into_owned()),
            Component::RootDir => Some(String::new()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("/");
    if s.is_empty() { s } else { format!("{s}/") }
}

/// `.` and `..` resolved without touching the file system.
fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// `{uri, uriBaseId: %SRCROOT%}` for a file below the current folder, a `file://` URI otherwise.
fn artifact(base: &str, file: &str) -> Value {
    if base.starts_with('/') {
        json!({ "uri": format!("file://{}", uri(base, file)) })
    } else {
        json!({ "uri": uri(base, file), "uriBaseId": "%SRCROOT%" })
    }
}

/// A relative URI reference: path segments percent-encoded where RFC 3986 requires it.
fn uri(base: &str, file: &str) -> String {
    let mut out = String::new();
    for b in format!("{base}{file}").bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// FNV-1a, 64 bits: a stable, platform-independent fingerprint.
fn fnv64(text: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_relative_and_encoded() {
        assert_eq!(uri("infra/", "main.tf"), "infra/main.tf");
        assert_eq!(uri("", "my dir/a.tf"), "my%20dir/a.tf");
    }

    #[test]
    fn fingerprints_are_stable() {
        assert_eq!(fnv64(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv64("F301"), fnv64("F301"));
        assert_ne!(fnv64("F301"), fnv64("F302"));
    }
}
