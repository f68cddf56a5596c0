//! References to input variables a module does not declare (`var.x` without `variable "x"`).
//! Terraform rejects such a module (`Reference to undeclared input variable`); the compiled
//! stack would be rejected the same way, so each is an error (F402) at the first reference.
//! References to AWS resources and data sources the module does not declare (`aws_vpc.main`
//! where only `aws_vpc.eks` exists) are rejected by Terraform too, but the compiled stack no
//! longer holds them (they become `null`, or drop what reads them): a warning (F402).
//!
//! Checked on the origin as written, module by module (a child module's variables are its
//! own; the arguments of a module call are expressions of the caller). The variables Ferry
//! declares itself in every compiled module (`instance_id`, `region`, …) are not reported:
//! the compiled stack declares them.

use crate::diag::{Code, Diagnostic, Severity};
use crate::hclx;
use crate::origin::Origin;
use crate::source::{LineIndex, Loc};
use hcl::expr::TraversalOperator as Op;
use hcl::{Body, Expression};
use std::collections::{BTreeMap, BTreeSet};

/// Variables the compiled stack declares whether or not the origin does.
const INJECTED: &[&str] = &[
    "instance_id",
    "region",
    "project_id",
    "registry_name",
    "spaces_access_id",
    "spaces_secret_key",
    "ferry_relay_url",
    "ferry_session_token",
];

/// Reports every undeclared variable once per module, at its first reference.
pub fn check(origin: &Origin, files: &BTreeMap<String, String>, diags: &mut Vec<Diagnostic>) {
    for (dir, m) in &origin.modules {
        let declared: BTreeSet<String> = m
            .variables
            .iter()
            .map(|v| format!("var.{}", v.name))
            .chain(m.resources.iter().map(|r| r.address().to_string()))
            .collect();
        let mut found: Vec<(String, Loc)> = Vec::new();
        let mut seen: BTreeSet<String> = BTreeSet::new();
        let mut note = |names: Vec<String>, at: &Loc| {
            for n in names {
                let injected = n
                    .strip_prefix("var.")
                    .is_some_and(|v| INJECTED.contains(&v));
                if !declared.contains(n.as_str()) && !injected && seen.insert(n.clone()) {
                    found.push((n, at.clone()));
                }
            }
        };
        for r in &m.resources {
            for s in r.body.iter() {
                let (key, names) = match s {
                    hcl::Structure::Attribute(a) => (a.key.as_str(), in_expr(&a.expr)),
                    hcl::Structure::Block(b) => (b.identifier.as_str(), in_body(&b.body)),
                };
                note(names, r.attr_locs.get(key).unwrap_or(&r.loc));
            }
            let meta = &r.meta;
            for e in [
                &meta.count,
                &meta.for_each,
                &meta.depends_on,
                &meta.provider,
            ]
            .into_iter()
            .flatten()
            {
                note(in_expr(e), &r.loc);
            }
            if let Some(l) = &meta.lifecycle {
                note(in_body(l), &r.loc);
            }
        }
        for l in &m.locals {
            note(in_expr(&l.expr), &l.loc);
        }
        for n in m.outputs.iter().chain(&m.module_calls).chain(&m.providers) {
            note(in_body(&n.body), &n.loc);
        }
        for (reference, from) in found {
            let at = locate(files, &from, &reference).unwrap_or(from);
            let module = if dir.is_empty() {
                "the root module".to_string()
            } else {
                format!("module `{dir}`")
            };
            let Some(name) = reference.strip_prefix("var.") else {
                let kind = if reference.starts_with("data.") {
                    "data source"
                } else {
                    "resource"
                };
                diags.push(
                    Diagnostic::new(
                        Code::UnknownReference,
                        format!("`{reference}` is not declared in {module}: Terraform rejects the origin (`Reference to undeclared {kind}`); what reads it is not carried over, or gets `null`"),
                    )
                    .at(at)
                    .help(format!("declare the {kind}, or correct the name (a module's resources are its own: another module's are read through its outputs)")),
                );
                continue;
            };
            diags.push(
                Diagnostic::new(
                    Code::UnknownReference,
                    format!("`var.{name}` is not declared in {module}: Terraform rejects the reference, in the origin and in the compiled stack"),
                )
                .at(at)
                .severity(Severity::Error)
                .help(format!("declare it (`variable \"{name}\" {{ type = string }}`, with a default or a value in terraform.tfvars), or correct the name")),
            );
        }
    }
}

fn in_body(b: &Body) -> Vec<String> {
    let mut out = Vec::new();
    hclx::walk_body(b, &mut |e| push_var(e, &mut out));
    out
}

fn in_expr(e: &Expression) -> Vec<String> {
    let mut out = Vec::new();
    hclx::walk(e, &mut |x| push_var(x, &mut out));
    out
}

/// `var.<name>`, `aws_<type>.<name>` and `data.aws_<type>.<name>` references.
fn push_var(e: &Expression, out: &mut Vec<String>) {
    match hclx::traversal_root(e) {
        Some(("var", [Op::GetAttr(name), ..])) => out.push(format!("var.{}", name.as_str())),
        Some(("data", [Op::GetAttr(ty), Op::GetAttr(name), ..]))
            if ty.as_str().starts_with("aws_") =>
        {
            out.push(format!("data.{}.{}", ty.as_str(), name.as_str()))
        }
        Some((ty, [Op::GetAttr(name), ..])) if ty.starts_with("aws_") => {
            out.push(format!("{ty}.{}", name.as_str()))
        }
        _ => {}
    }
}

/// The position of the first `<reference>` (`var.x`, `aws_vpc.main`) at or after `from` in its
/// file.
fn locate(files: &BTreeMap<String, String>, from: &Loc, reference: &str) -> Option<Loc> {
    let text = files.get(&from.file)?;
    // `from` (1-based line and character column) as a byte offset.
    let line_start = if from.line <= 1 {
        0
    } else {
        text.match_indices('\n')
            .nth(from.line as usize - 2)
            .map(|(i, _)| i + 1)?
    };
    let start = text[line_start..]
        .char_indices()
        .nth(from.col.saturating_sub(1) as usize)
        .map_or(line_start, |(i, _)| line_start + i);
    let needle = reference;
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    let mut pos = start;
    while let Some(i) = text.get(pos..)?.find(needle) {
        let at = pos + i;
        let before = text[..at].chars().next_back();
        let after = text[at + needle.len()..].chars().next();
        if !before.is_some_and(|c| ident(c) || c == '.') && !after.is_some_and(ident) {
            return Some(LineIndex::new(&from.file, text).loc(at));
        }
        pos = at + needle.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_the_reference_after_its_attribute() {
        let files = BTreeMap::from([(
            "main.tf".to_string(),
            "x = var.ab\ny = \"${var.a}\"\n".to_string(),
        )]);
        let at = locate(&files, &Loc::new("main.tf", 1, 1), "var.a").expect("found");
        assert_eq!((at.line, at.col), (2, 8));
        assert!(locate(&files, &Loc::new("main.tf", 1, 1), "var.c").is_none());
        assert!(locate(&files, &Loc::new("other.tf", 1, 1), "var.a").is_none());
        // A position past the end of the file finds nothing and does not panic.
        assert!(locate(&files, &Loc::new("main.tf", 9, 40), "var.a").is_none());
    }
}
