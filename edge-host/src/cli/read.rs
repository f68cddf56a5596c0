//! Reading an origin folder into the compiler's `path → text` map, with clear errors for
//! what cannot be read.

use anyhow::{Context, Result, bail};
use std::collections::BTreeMap;
use std::path::Path;

/// Files larger than this are refused (a Terraform file that size is a mistake or an attack).
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Data files (JSON, templates, YAML, scripts) larger than this are left out: rules read them by path
/// (container definitions, Kubernetes manifests), and one that size is not one of those.
pub const MAX_DATA_FILE_BYTES: u64 = 1024 * 1024;

/// Is this a Terraform file the compiler parses?
fn terraform(name: &str) -> bool {
    name.ends_with(".tf")
        || name.ends_with(".tf.json")
        || name.ends_with(".tfvars")
        || name.ends_with(".tfvars.json")
}

/// Is this a data file a rule may read by path (`file()`, `templatefile()`, manifests)?
fn data(name: &str) -> bool {
    ferry_compiler::origin::is_data_file(name)
}

/// Reads every Terraform file under `root` (following symlinks, skipping hidden folders such as
/// `.terraform` and `.git`), and the JSON, template, YAML, script and configuration files that
/// rules read by path
/// (up to [`MAX_DATA_FILE_BYTES`] each, UTF-8 only, none under `node_modules`). Paths in the
/// map are relative and use `/`.
pub fn origin(root: &Path) -> Result<BTreeMap<String, String>> {
    let meta = std::fs::metadata(root)
        .with_context(|| format!("cannot read origin folder `{}`", root.display()))?;
    if !meta.is_dir() {
        bail!(
            "`{}` is not a folder: pass the folder that holds the origin stack's .tf files",
            root.display()
        );
    }
    let mut files = BTreeMap::new();
    let walker = walkdir::WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0
                || !(e.file_name().to_string_lossy().starts_with('.')
                    || e.file_type().is_dir()
                        && DEPENDENCY_DIRS.contains(&&*e.file_name().to_string_lossy()))
        });
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(err) => {
                if err.loop_ancestor().is_some() {
                    bail!(
                        "symlink loop at `{}`: a link points back to one of its own parent folders",
                        err.path()
                            .map(|p| p.display().to_string())
                            .unwrap_or_default()
                    );
                }
                return Err(err).context("cannot walk the origin folder");
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let name = entry.file_name().to_string_lossy();
        let is_data = !terraform(&name) && data(&name);
        let path = entry.path();
        let rel = path.strip_prefix(root).unwrap_or(path);
        let rel = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        if !terraform(&name) && !is_data {
            if let Some(text) = function_source(&rel, &name, path, entry.metadata().ok()) {
                files.insert(rel, text);
            }
            continue;
        }
        let len = entry.metadata().map(|m| m.len()).unwrap_or(0);
        if is_data {
            // Not Terraform: read it when it can be a definition or manifest, skip it otherwise
            // (the rule that needs a missing file says so).
            if len > MAX_DATA_FILE_BYTES {
                continue;
            }
            if let Ok(text) = std::fs::read_to_string(path)
                && !text.contains('\0')
            {
                files.insert(rel, text);
            }
            continue;
        }
        if len > MAX_FILE_BYTES {
            bail!(
                "`{rel}` is {len} bytes; Ferry reads Terraform files up to {MAX_FILE_BYTES} bytes (16 MiB)"
            );
        }
        let bytes = std::fs::read(path).with_context(|| format!("cannot read `{rel}`"))?;
        if bytes.contains(&0) {
            bail!("`{rel}` is a binary file, not Terraform text");
        }
        let text = String::from_utf8(bytes).map_err(|e| {
            anyhow::anyhow!(
                "`{rel}` is not UTF-8 text (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            )
        })?;
        files.insert(rel, text);
    }
    Ok(files)
}

/// Function sources larger than this are not read (the lints scan handler code, not bundles).
pub const MAX_SOURCE_BYTES: u64 = 1024 * 1024;

/// Folders of installed dependencies: never walked (they hold no Terraform and no code of the
/// vendor's own functions).
const DEPENDENCY_DIRS: &[&str] = &["node_modules", "__pycache__", "venv", "site-packages"];

/// A function source file (`*.py`, `*.js`, `*.mjs`, `*.ts`, `*.go`, `*.java`) for the compiler's
/// lints (secrets fetched through an AWS SDK). Unlike Terraform files, a source that is too
/// large, binary or not UTF-8 is skipped, not an error; sources under `vendor/` are skipped.
fn function_source(
    rel: &str,
    name: &str,
    path: &Path,
    meta: Option<std::fs::Metadata>,
) -> Option<String> {
    if !ferry_compiler::lints::is_source_file(name) || rel.split('/').any(|s| s == "vendor") {
        return None;
    }
    if meta.map(|m| m.len()).unwrap_or(u64::MAX) > MAX_SOURCE_BYTES {
        return None;
    }
    let bytes = std::fs::read(path).ok()?;
    if bytes.contains(&0) {
        return None;
    }
    String::from_utf8(bytes).ok()
}
