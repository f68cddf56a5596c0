//! Terraform's JSON syntax (`*.tf.json`) read into the same HCL body model.
//!
//! JSON strings may hold template sequences (`"${var.x}"`); they become template expressions.
//! Nested blocks cannot be told apart from object attributes without a schema, so they stay
//! object attributes; rules read both forms through [`crate::hclx::blocks`].

use crate::diag::{Code, Diagnostic};
use crate::hclx;
use crate::source::Loc;
use hcl::expr::Expression;
use hcl::{Body, Identifier};

pub fn parse(path: &str, text: &str, diags: &mut Vec<Diagnostic>) -> Option<Body> {
    let value: serde_json::Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            diags.push(
                Diagnostic::new(Code::JsonSyntax, format!("cannot parse `{path}`: {e}"))
                    .at(Loc::new(path, e.line() as u32, e.column() as u32)),
            );
            return None;
        }
    };
    let serde_json::Value::Object(top) = value else {
        diags.push(
            Diagnostic::new(
                Code::JsonSyntax,
                format!("`{path}` must hold a JSON object at the top level"),
            )
            .at(Loc::file(path)),
        );
        return None;
    };
    let mut body = Vec::new();
    for (kind, v) in top {
        let depth = match kind.as_str() {
            "resource" | "data" => 2,
            "variable" | "output" | "module" | "provider" => 1,
            "locals" | "terraform" => 0,
            "//" => continue,
            _ => {
                diags.push(
                    Diagnostic::new(
                        Code::UnknownBlock,
                        format!("unknown top-level key `{kind}` in `{path}` was ignored"),
                    )
                    .at(Loc::file(path)),
                );
                continue;
            }
        };
        blocks_from(&kind, &v, depth, Vec::new(), &mut body);
    }
    Some(Body::from_iter(body))
}

/// Unfolds `{"type": {"name": {…}}}` into labelled blocks; arrays repeat a block.
fn blocks_from(
    kind: &str,
    v: &serde_json::Value,
    depth: usize,
    labels: Vec<String>,
    out: &mut Vec<hcl::Structure>,
) {
    match v {
        serde_json::Value::Array(items) => items
            .iter()
            .for_each(|i| blocks_from(kind, i, depth, labels.clone(), out)),
        serde_json::Value::Object(map) if depth > 0 => {
            for (label, inner) in map {
                let mut l = labels.clone();
                l.push(label.clone());
                blocks_from(kind, inner, depth - 1, l, out);
            }
        }
        serde_json::Value::Object(map) => {
            let body: Body = map
                .iter()
                .filter(|(k, _)| k.as_str() != "//")
                .map(|(k, v)| {
                    if k == "lifecycle" || k == "dynamic" {
                        // Known block-only meta constructs.
                        hcl::Structure::Block(hcl::Block {
                            identifier: Identifier::sanitized(k),
                            labels: vec![],
                            body: hclx::object_to_body(&value_to_expr(v)).unwrap_or_default(),
                        })
                    } else {
                        hcl::Structure::Attribute(hcl::Attribute::new(
                            Identifier::sanitized(k),
                            value_to_expr(v),
                        ))
                    }
                })
                .collect();
            out.push(hcl::Structure::Block(hcl::Block {
                identifier: Identifier::sanitized(kind),
                labels: labels.into_iter().map(hcl::BlockLabel::String).collect(),
                body,
            }));
        }
        _ => {}
    }
}

/// A JSON value as an HCL expression; strings holding `${` or `%{` are templates.
pub fn value_to_expr(v: &serde_json::Value) -> Expression {
    match v {
        serde_json::Value::Null => Expression::Null,
        serde_json::Value::Bool(b) => Expression::Bool(*b),
        serde_json::Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                Expression::Number(i.into())
            } else if let Some(f) = n.as_f64().and_then(hcl::Number::from_f64) {
                Expression::Number(f)
            } else {
                Expression::Null
            }
        }
        serde_json::Value::String(s) if s.contains("${") || s.contains("%{") => {
            let t = hclx::template(quoted_template_text(s));
            crate::origin::legacy::interpolation_only(&t).unwrap_or(t)
        }
        serde_json::Value::String(s) => Expression::String(s.clone()),
        serde_json::Value::Array(items) => match items.as_slice() {
            // `["${split(\",\", var.x)}"]`: Terraform 0.11 flattened a list inside a list;
            // 0.12+ reads a list of one list, which list-of-string arguments reject.
            [only @ serde_json::Value::String(_)] => {
                let e = value_to_expr(only);
                if crate::origin::legacy::list_valued(&e) {
                    e
                } else {
                    Expression::Array(vec![e])
                }
            }
            _ => Expression::Array(items.iter().map(value_to_expr).collect()),
        },
        serde_json::Value::Object(map) => Expression::Object(
            map.iter()
                .map(|(k, v)| {
                    (
                        hcl::expr::ObjectKey::Expression(Expression::String(k.clone())),
                        value_to_expr(v),
                    )
                })
                .collect(),
        ),
    }
}

/// The text of a quoted HCL template for the JSON string `s`: its literal parts escaped as a
/// quoted string needs (`\`, `"`, newlines), its `${…}` / `%{…}` sequences kept as written,
/// since they are expressions (`"${split(\",\", var.x)}"` in JSON is `${split(",", var.x)}`,
/// whose quotes delimit a string inside the expression). Newlines inside a sequence are
/// whitespace there and become spaces. An unterminated sequence is kept as written: the
/// template then fails to parse and is reported where it is read.
fn quoted_template_text(s: &str) -> String {
    enum Mode {
        /// Inside `${…}` / `%{…}`, at this brace depth.
        Expr(u32),
        /// Inside a string literal of an expression.
        Str,
    }
    let mut out = String::with_capacity(s.len() + 8);
    let mut stack: Vec<Mode> = Vec::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match stack.last_mut() {
            None => match c {
                // `$${` / `%%{` are literal `${` / `%{`, in JSON as in HCL.
                '$' | '%' if chars.peek() == Some(&c) => {
                    out.push(c);
                    if let Some(n) = chars.next() {
                        out.push(n);
                    }
                }
                '$' | '%' if chars.peek() == Some(&'{') => {
                    out.push(c);
                    out.push('{');
                    chars.next();
                    stack.push(Mode::Expr(1));
                }
                '\\' => out.push_str("\\\\"),
                '"' => out.push_str("\\\""),
                '\n' => out.push_str("\\n"),
                c => out.push(c),
            },
            Some(Mode::Expr(depth)) => {
                match c {
                    '{' => *depth += 1,
                    '}' => {
                        *depth -= 1;
                        if *depth == 0 {
                            stack.pop();
                        }
                    }
                    '"' => stack.push(Mode::Str),
                    _ => {}
                }
                out.push(if c == '\n' { ' ' } else { c });
            }
            Some(Mode::Str) => {
                out.push(c);
                match c {
                    '\\' => {
                        if let Some(n) = chars.next() {
                            out.push(n);
                        }
                    }
                    '"' => {
                        stack.pop();
                    }
                    '$' | '%' if chars.peek() == Some(&'{') => {
                        out.push('{');
                        chars.next();
                        stack.push(Mode::Expr(1));
                    }
                    _ => {}
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::quoted_template_text as q;

    #[test]
    fn literal_parts_are_escaped_and_sequences_kept() {
        assert_eq!(q(r#"a"b\c${var.x}"#), r#"a\"b\\c${var.x}"#);
        assert_eq!(q(r#"${split(",", var.ips)}"#), r#"${split(",", var.ips)}"#);
        assert_eq!(
            q("x\n${lookup(var.m, \"k}\")}y\"z"),
            r#"x\n${lookup(var.m, "k}")}y\"z"#
        );
        assert_eq!(
            q(r#"$${literal} ${"in ${"nested"}"}"#),
            r#"$${literal} ${"in ${"nested"}"}"#
        );
        assert_eq!(
            q("%{ if var.a }\"%{ endif }"),
            r#"%{ if var.a }\"%{ endif }"#
        );
        // Unterminated: kept as written.
        assert_eq!(q(r#"${var.x"#), r#"${var.x"#);
    }
}
