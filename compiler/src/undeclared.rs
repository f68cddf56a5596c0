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
use crate::origin::{Mode, Origin};
use crate::source::{LineIndex, Loc};
use hcl::Expression;
use hcl::expr::TraversalOperator as Op;
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

/// Arguments of a module call that are not the called module's variables.
const CALL_META: &[&str] = &[
    "source",
    "version",
    "count",
    "for_each",
    "providers",
    "depends_on",
];

/// Look-ups only, never iterated: the order of a hash set does not reach the output.
type Set<T> = std::collections::HashSet<T, foldhash::fast::FixedState>;

/// What a module declares, looked up for every reference without building a string.
struct Declared<'m> {
    variables: Set<&'m str>,
    /// `(is a data source, type, name)`.
    resources: Set<(bool, &'m str, &'m str)>,
}

impl Declared<'_> {
    /// The reference `x` makes (`var.<name>`, `aws_<type>.<name>`, `data.aws_<type>.<name>`)
    /// when the module does not declare it.
    fn undeclared(&self, x: &Expression) -> Option<String> {
        match hclx::traversal_root(x)? {
            ("var", [Op::GetAttr(name), ..]) => {
                let name = name.as_str();
                (!self.variables.contains(name) && !INJECTED.contains(&name))
                    .then(|| format!("var.{name}"))
            }
            ("data", [Op::GetAttr(ty), Op::GetAttr(name), ..])
                if ty.as_str().starts_with("aws_") =>
            {
                (!self.resources.contains(&(true, ty.as_str(), name.as_str())))
                    .then(|| format!("data.{}.{}", ty.as_str(), name.as_str()))
            }
            (ty, [Op::GetAttr(name), ..]) if ty.starts_with("aws_") => {
                (!self.resources.contains(&(false, ty, name.as_str())))
                    .then(|| format!("{ty}.{}", name.as_str()))
            }
            _ => None,
        }
    }
}

/// Reports every undeclared variable once per module, at its first reference.
pub fn check(origin: &Origin, files: &BTreeMap<String, String>, diags: &mut Vec<Diagnostic>) {
    for (dir, m) in &origin.modules {
        let declared = Declared {
            variables: m.variables.iter().map(|v| v.name.as_str()).collect(),
            resources: m
                .resources
                .iter()
                .map(|r| (r.mode == Mode::Data, r.ty.as_str(), r.name.as_str()))
                .collect(),
        };
        let mut found: Vec<(String, Loc)> = Vec::new();
        let mut seen: BTreeSet<String> = BTreeSet::new();
        let mut note = |x: &Expression, at: &Loc| {
            if let Some(n) = declared.undeclared(x)
                && seen.insert(n.clone())
            {
                found.push((n, at.clone()));
            }
        };
        for r in &m.resources {
            let loc = |key: &str| r.attr_locs.get(key).unwrap_or(&r.loc);
            for s in r.body.iter() {
                match s {
                    hcl::Structure::Attribute(a) => {
                        let at = loc(a.key.as_str());
                        hclx::walk(&a.expr, &mut |x| note(x, at));
                    }
                    hcl::Structure::Block(b) => {
                        let at = loc(b.identifier.as_str());
                        hclx::walk_body(&b.body, &mut |x| note(x, at));
                    }
                }
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
                hclx::walk(e, &mut |x| note(x, &r.loc));
            }
            if let Some(l) = &meta.lifecycle {
                hclx::walk_body(l, &mut |x| note(x, &r.loc));
            }
        }
        for l in &m.locals {
            hclx::walk(&l.expr, &mut |x| note(x, &l.loc));
        }
        for n in m.outputs.iter().chain(&m.module_calls).chain(&m.providers) {
            hclx::walk_body(&n.body, &mut |x| note(x, &n.loc));
        }
        // Arguments of a local module call that the called module declares no variable for:
        // Terraform rejects them (`Unsupported argument`), in the origin and in the compiled
        // stack, which carries the call as written.
        for call in &m.module_calls {
            let Some(Expression::String(source)) = hclx::attr(&call.body, "source") else {
                continue;
            };
            if !(source.starts_with("./") || source.starts_with("../")) {
                continue;
            }
            let Some(callee) =
                crate::origin::join_dir(dir, source).and_then(|target| origin.modules.get(&target))
            else {
                continue;
            };
            for a in call.body.attributes() {
                let key = a.key.as_str();
                if CALL_META.contains(&key) || callee.variables.iter().any(|v| v.name == key) {
                    continue;
                }
                let at = locate(files, &call.loc, key).unwrap_or_else(|| call.loc.clone());
                diags.push(
                    Diagnostic::new(
                        Code::UnknownReference,
                        format!(
                            "module `{}` passes `{key}`, but `{source}` declares no variable `{key}`: Terraform rejects the argument (`Unsupported argument`), in the origin and in the compiled stack",
                            call.name
                        ),
                    )
                    .at(at)
                    .severity(Severity::Error)
                    .help(format!("declare `variable \"{key}\"` in `{source}`, or remove the argument from the call")),
                );
            }
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
