//! What a workload's IAM role may do to a bucket of the stack, read from the role's policies:
//! the permission of the Spaces key the workload gets in its place.
//!
//! A Spaces key grants `read`, `readwrite` or `fullaccess` per bucket. A role that only reads
//! the bucket — every S3 action of every `Allow` statement naming it (or `*`) is `s3:Get…`,
//! `s3:List…` or `s3:Head…` — gets `read`. Any other action, a policy Ferry cannot read
//! (`NotAction`, a document assembled from other documents, a policy not known at compile
//! time) or a role Ferry cannot find gives `readwrite`: narrowing a key the application needs
//! would break it, widening one only costs what the origin's role already allowed.

use super::super::Cx;
use crate::hclx;
use crate::origin::{Mode, Resource};
use hcl::Expression;

/// The permission a Spaces key grants on a bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Read,
    ReadWrite,
}

impl Access {
    /// The value of `digitalocean_spaces_key`'s `grant.permission`.
    pub fn permission(self) -> &'static str {
        match self {
            Access::Read => "read",
            Access::ReadWrite => "readwrite",
        }
    }
}

/// One `Allow` statement: its actions and resources as written (ARN templates as text).
#[derive(Debug)]
struct Statement {
    actions: Vec<String>,
    resources: Vec<String>,
}

/// What the role `role` (`aws_iam_role.task.arn`) may do to `bucket` (an origin
/// `aws_s3_bucket`).
pub fn of_role(cx: &Cx<'_>, role: Option<&Expression>, bucket: &Resource) -> Access {
    let Some(role) = role
        .and_then(|e| cx.resolve_ref(e))
        .filter(|r| r.ty == "aws_iam_role" && r.mode == Mode::Managed)
    else {
        return Access::ReadWrite;
    };
    let Some(statements) = statements_of_role(cx, role) else {
        return Access::ReadWrite;
    };
    let literal = hclx::attr(&bucket.body, "bucket").and_then(hclx::as_str);
    let mut named = false;
    for s in &statements {
        if !s
            .resources
            .iter()
            .any(|res| names_bucket(res, &bucket.name, literal))
        {
            continue;
        }
        let s3: Vec<&String> = s
            .actions
            .iter()
            .filter(|a| a.as_str() == "*" || a.to_ascii_lowercase().starts_with("s3:"))
            .collect();
        if s3.is_empty() {
            continue;
        }
        named = true;
        if !s3.iter().all(|a| is_read(a)) {
            return Access::ReadWrite;
        }
    }
    if named {
        Access::Read
    } else {
        Access::ReadWrite
    }
}

/// `s3:GetObject`, `s3:List*`, `s3:HeadObject`, … (case-insensitive, as IAM reads them).
fn is_read(action: &str) -> bool {
    let a = action.to_ascii_lowercase();
    ["s3:get", "s3:list", "s3:head"]
        .iter()
        .any(|p| a.starts_with(p))
}

/// Does a statement resource (`${aws_s3_bucket.files.arn}/*`, `arn:aws:s3:::files-prod`, `*`)
/// name the bucket?
fn names_bucket(resource: &str, name: &str, literal: Option<&str>) -> bool {
    let r = resource.trim();
    if r == "*" || r == "arn:aws:s3:::*" {
        return true;
    }
    if r.contains(&format!("aws_s3_bucket.{name}."))
        || r.contains(&format!("aws_s3_bucket.{name}["))
    {
        return true;
    }
    literal.is_some_and(|l| {
        r.strip_prefix("arn:aws:s3:::")
            .is_some_and(|rest| rest == l || rest.starts_with(&format!("{l}/")))
    })
}

/// Every statement of every policy the role carries: inline (`inline_policy`,
/// `aws_iam_role_policy`) and attached (`managed_policy_arns`,
/// `aws_iam_role_policy_attachment`, `aws_iam_policy_attachment`). `None` when one cannot be
/// read.
fn statements_of_role(cx: &Cx<'_>, role: &Resource) -> Option<Vec<Statement>> {
    let mut out = Vec::new();
    for block in hclx::blocks(&role.body, "inline_policy") {
        if let Some(p) = hclx::attr(&block, "policy") {
            out.extend(document(cx, p)?);
        }
    }
    if let Some(Expression::Array(arns)) = hclx::attr(&role.body, "managed_policy_arns") {
        for arn in arns {
            out.extend(attached(cx, arn)?);
        }
    }
    let reads_role = |e: Option<&Expression>| {
        let mut hit = false;
        if let Some(e) = e {
            hclx::walk(e, &mut |x| {
                hit |= matches!(
                    hclx::traversal_root(x),
                    Some(("aws_iam_role", [hcl::expr::TraversalOperator::GetAttr(n), ..])) if n.as_str() == role.name
                );
            });
        }
        hit
    };
    for p in cx.origin_of_type("aws_iam_role_policy") {
        if reads_role(hclx::attr(&p.body, "role")) {
            out.extend(document(cx, hclx::attr(&p.body, "policy")?)?);
        }
    }
    for a in cx.origin_of_type("aws_iam_role_policy_attachment") {
        if reads_role(hclx::attr(&a.body, "role")) {
            out.extend(attached(cx, hclx::attr(&a.body, "policy_arn")?)?);
        }
    }
    for a in cx.origin_of_type("aws_iam_policy_attachment") {
        if reads_role(hclx::attr(&a.body, "roles")) {
            out.extend(attached(cx, hclx::attr(&a.body, "policy_arn")?)?);
        }
    }
    Some(out)
}

/// The statements of an attached policy: an `aws_iam_policy` of the stack, or an AWS managed
/// policy by ARN (those that grant S3 are known; others grant none of it).
fn attached(cx: &Cx<'_>, arn: &Expression) -> Option<Vec<Statement>> {
    // An AWS managed policy, also written with a partition (`arn:${…partition}:iam::aws:policy/…`).
    let text = texts(arn).pop().unwrap_or_default();
    if text.contains(":iam::aws:policy/") {
        let name = text.rsplit('/').next().unwrap_or_default();
        let actions: &[&str] = match name {
            "AmazonS3ReadOnlyAccess" => &["s3:Get*", "s3:List*"],
            "AmazonS3FullAccess" | "AdministratorAccess" | "PowerUserAccess" => &["s3:*"],
            _ => &[],
        };
        return Some(if actions.is_empty() {
            Vec::new()
        } else {
            vec![Statement {
                actions: actions.iter().map(|a| a.to_string()).collect(),
                resources: vec!["*".into()],
            }]
        });
    }
    let policy = cx
        .resolve_ref(arn)
        .filter(|p| p.ty == "aws_iam_policy" && p.mode == Mode::Managed)?;
    document(cx, hclx::attr(&policy.body, "policy")?)
}

/// The `Allow` statements of a policy document: `jsonencode({ Statement = [...] })`, JSON text
/// (a heredoc, `${…}` inside its strings kept as text), or an `aws_iam_policy_document`'s
/// `json`.
fn document(cx: &Cx<'_>, p: &Expression) -> Option<Vec<Statement>> {
    match p {
        Expression::FuncCall(f) if f.name.name.as_str() == "jsonencode" && f.args.len() == 1 => {
            json_statements(&expr_to_json(&f.args[0])?)
        }
        Expression::TemplateExpr(t) => {
            let raw = match &**t {
                hcl::expr::TemplateExpr::QuotedString(s) => s.as_str(),
                hcl::expr::TemplateExpr::Heredoc(h) => h.template.as_str(),
            };
            json_statements(&serde_json::from_str(raw).ok()?)
        }
        Expression::String(s) => json_statements(&serde_json::from_str(s).ok()?),
        _ => {
            let doc = cx
                .resolve_ref(p)
                .filter(|d| d.mode == Mode::Data && d.ty == "aws_iam_policy_document")?;
            for assembled in [
                "source_json",
                "override_json",
                "source_policy_documents",
                "override_policy_documents",
            ] {
                if hclx::attr(&doc.body, assembled).is_some() {
                    return None;
                }
            }
            let mut out = Vec::new();
            for s in hclx::blocks(&doc.body, "statement") {
                if hclx::attr(&s, "effect").and_then(hclx::as_str) == Some("Deny") {
                    continue;
                }
                if hclx::attr(&s, "not_actions").is_some()
                    || hclx::attr(&s, "not_resources").is_some()
                {
                    return None;
                }
                out.push(Statement {
                    actions: texts(hclx::attr(&s, "actions")?),
                    resources: texts(hclx::attr(&s, "resources").unwrap_or(&Expression::Null)),
                });
            }
            Some(out)
        }
    }
}

/// The strings of a list expression (templates and references as written).
fn texts(e: &Expression) -> Vec<String> {
    let one = |x: &Expression| match x {
        Expression::String(s) => s.clone(),
        Expression::TemplateExpr(t) => match &**t {
            hcl::expr::TemplateExpr::QuotedString(s) => s.clone(),
            hcl::expr::TemplateExpr::Heredoc(h) => h.template.clone(),
        },
        other => hclx::inline(other),
    };
    match e {
        Expression::Array(items) => items.iter().map(one).collect(),
        Expression::Null => Vec::new(),
        other => vec![one(other)],
    }
}

/// An HCL object or list as JSON, values that are not literals as their text.
fn expr_to_json(e: &Expression) -> Option<serde_json::Value> {
    use serde_json::Value as J;
    Some(match e {
        Expression::Object(o) => {
            let mut m = serde_json::Map::new();
            for (k, v) in o {
                m.insert(hclx::object_key(k)?, expr_to_json(v)?);
            }
            J::Object(m)
        }
        Expression::Array(items) => {
            J::Array(items.iter().map(expr_to_json).collect::<Option<_>>()?)
        }
        Expression::Null => J::Null,
        Expression::Bool(b) => J::Bool(*b),
        other => J::String(texts(other).pop().unwrap_or_default()),
    })
}

/// The `Allow` statements of a JSON policy; `None` when one uses `NotAction`/`NotResource`.
fn json_statements(doc: &serde_json::Value) -> Option<Vec<Statement>> {
    use serde_json::Value as J;
    let strings = |v: Option<&J>| -> Vec<String> {
        match v {
            Some(J::String(s)) => vec![s.clone()],
            Some(J::Array(items)) => items
                .iter()
                .filter_map(|i| i.as_str().map(str::to_string))
                .collect(),
            _ => Vec::new(),
        }
    };
    let statements = match doc.get("Statement")? {
        J::Array(items) => items.clone(),
        one @ J::Object(_) => vec![one.clone()],
        _ => return None,
    };
    let mut out = Vec::new();
    for s in &statements {
        if s.get("Effect").and_then(J::as_str) == Some("Deny") {
            continue;
        }
        if s.get("NotAction").is_some() || s.get("NotResource").is_some() {
            return None;
        }
        out.push(Statement {
            actions: strings(s.get("Action")),
            resources: strings(s.get("Resource")),
        });
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_bucket_names() {
        assert!(is_read("s3:GetObject"));
        assert!(is_read("S3:list*"));
        assert!(!is_read("s3:PutObject"));
        assert!(!is_read("s3:*"));
        assert!(names_bucket("${aws_s3_bucket.files.arn}/*", "files", None));
        assert!(names_bucket("*", "files", None));
        assert!(names_bucket(
            "arn:aws:s3:::files-prod/*",
            "files",
            Some("files-prod")
        ));
        assert!(!names_bucket(
            "arn:aws:s3:::files-prod-2/*",
            "files",
            Some("files-prod")
        ));
        assert!(!names_bucket("${aws_s3_bucket.other.arn}", "files", None));
    }

    #[test]
    fn json_documents() {
        let doc: serde_json::Value = serde_json::from_str(
            r#"{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "${aws_s3_bucket.b.arn}/*"},
                               {"Effect": "Deny", "Action": "s3:*", "Resource": "*"}]}"#,
        )
        .unwrap_or_default();
        let s = json_statements(&doc).unwrap_or_default();
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].actions, vec!["s3:GetObject".to_string()]);
        let not: serde_json::Value =
            serde_json::from_str(r#"{"Statement": {"NotAction": "s3:*", "Resource": "*"}}"#)
                .unwrap_or_default();
        assert!(json_statements(&not).is_none());
    }
}
