//! `dynamic` blocks expanded when their `for_each` is known at compile time, so rules see the
//! concrete nested blocks (`ingress`, `cors_rule`, `listener`, …). The iterator's `.key` and
//! `.value` are substituted into the content; everything else stays an expression.

use crate::eval::{Eval, value_to_expr};
use crate::hclx;
use hcl::expr::TraversalOperator as Op;
use hcl::{Body, Expression, Value};

/// Expands the dynamic blocks of a body in place. Returns the names of those that could not be
/// expanded because their `for_each` is not static.
pub fn expand(body: &mut Body, eval: &Eval) -> Vec<String> {
    let mut unexpanded = Vec::new();
    let mut out = Vec::with_capacity(body.0.len());
    for s in std::mem::take(&mut body.0) {
        match s {
            hcl::Structure::Block(b) if b.identifier() == "dynamic" => {
                let Some(name) = b.labels.first().map(|l| l.as_str().to_string()) else {
                    out.push(hcl::Structure::Block(b));
                    continue;
                };
                let iterator = hclx::attr(&b.body, "iterator")
                    .and_then(|e| hclx::traversal_root(e).map(|(r, _)| r.to_string()))
                    .unwrap_or_else(|| name.clone());
                let items = hclx::attr(&b.body, "for_each")
                    .and_then(|e| eval.value(e))
                    .and_then(|v| match v {
                        Value::Array(items) => Some(
                            items
                                .into_iter()
                                .enumerate()
                                .map(|(i, v)| (Value::from(i as u64), v))
                                .collect::<Vec<_>>(),
                        ),
                        Value::Object(map) => Some(
                            map.into_iter()
                                .map(|(k, v)| (Value::String(k), v))
                                .collect(),
                        ),
                        _ => None,
                    });
                let content = b
                    .body
                    .blocks()
                    .find(|c| c.identifier() == "content")
                    .map(|c| c.body.clone());
                match (items, content) {
                    (Some(items), Some(content)) => {
                        for (key, value) in items {
                            let mut c = content.clone();
                            // Nested dynamic blocks see the outer iterator too.
                            substitute(&mut c, &iterator, &key, &value);
                            // `try(rule.value.id, null)` → `null` when the element has no `id`.
                            hclx::walk_body_mut(&mut c, &mut |e| match e {
                                Expression::FuncCall(call)
                                    if call.name.namespace.is_empty()
                                        && matches!(call.name.name.as_str(), "try" | "can") =>
                                {
                                    if let Some(v) = eval.value(e) {
                                        *e = value_to_expr(&v);
                                    }
                                    false
                                }
                                _ => true,
                            });
                            // `"${"dev"}-retention"` → `"dev-retention"`.
                            hclx::walk_body_mut(&mut c, &mut |e| {
                                hclx::flatten_templates(e);
                                false
                            });
                            unexpanded.extend(expand(&mut c, eval));
                            out.push(hcl::Structure::Block(
                                hcl::Block::builder(name.as_str()).add_structures(c).build(),
                            ));
                        }
                    }
                    _ => {
                        unexpanded.push(name);
                        out.push(hcl::Structure::Block(b));
                    }
                }
            }
            hcl::Structure::Block(mut b) => {
                unexpanded.extend(expand(&mut b.body, eval));
                out.push(hcl::Structure::Block(b));
            }
            other => out.push(other),
        }
    }
    body.0 = out;
    unexpanded
}

fn substitute(body: &mut Body, iterator: &str, key: &Value, value: &Value) {
    hclx::walk_body_mut(body, &mut |e| {
        substitute_expr(e, iterator, key, value, false)
    });
}

/// One step of [`substitute`]. Inside the arguments of `try` / `can` (`lenient`), a path the
/// element lacks (`rule.value.id` without an `id`) becomes the element's value followed by that
/// path, which fails to evaluate as it does in Terraform, so that `try` moves on to its next
/// argument instead of treating the iterator as unknown.
fn substitute_expr(
    e: &mut Expression,
    iterator: &str,
    key: &Value,
    value: &Value,
    lenient: bool,
) -> bool {
    if let Expression::FuncCall(call) = e
        && call.name.namespace.is_empty()
        && matches!(call.name.name.as_str(), "try" | "can")
    {
        for arg in &mut call.args {
            hclx::walk_mut(arg, &mut |x| substitute_expr(x, iterator, key, value, true));
        }
        return false;
    }
    {
        let Some((root, ops)) = hclx::traversal_root(e) else {
            return true;
        };
        if root != iterator {
            return true;
        }
        let (base, rest) = match ops.split_first() {
            Some((Op::GetAttr(a), rest)) if a.as_str() == "value" => (value, rest),
            Some((Op::GetAttr(a), rest)) if a.as_str() == "key" => (key, rest),
            _ => return true,
        };
        if let Some(v) = apply(base, rest) {
            *e = value_to_expr(&v);
            return false;
        }
        if !lenient || rest.is_empty() {
            return true;
        }
        let (base, rest) = (value_to_expr(base), rest.to_vec());
        *e = Expression::from(hcl::expr::Traversal::new(base, rest));
        false
    }
}

/// Applies static attribute and index operators to a value.
fn apply(v: &Value, ops: &[Op]) -> Option<Value> {
    let mut cur = v.clone();
    for op in ops {
        cur = match (op, cur) {
            (Op::GetAttr(a), Value::Object(m)) => m.get(a.as_str())?.clone(),
            (Op::Index(Expression::Number(n)), Value::Array(items)) => {
                items.get(n.as_u64()? as usize)?.clone()
            }
            (Op::Index(Expression::String(k)), Value::Object(m)) => m.get(k)?.clone(),
            (Op::LegacyIndex(i), Value::Array(items)) => items.get(*i as usize)?.clone(),
            _ => return None,
        };
    }
    Some(cur)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::origin::Module;
    use std::collections::BTreeMap;

    #[test]
    fn expands_static_for_each_and_keeps_the_rest() {
        let mut body = hcl::parse(
            r#"
            dynamic "ingress" {
              for_each = [22, 443]
              content {
                from_port = ingress.value
                cidr_blocks = [var.cidr]
              }
            }
            dynamic "egress" {
              for_each = aws_thing.x.ports
              content { from_port = egress.value }
            }
            "#,
        )
        .expect("parses");
        let eval = Eval::new(&Module::default(), &BTreeMap::new(), None);
        let unexpanded = expand(&mut body, &eval);
        assert_eq!(unexpanded, vec!["egress".to_string()]);
        let ingress: Vec<_> = body
            .blocks()
            .filter(|b| b.identifier() == "ingress")
            .collect();
        assert_eq!(ingress.len(), 2);
        assert_eq!(
            hclx::attr(&ingress[1].body, "from_port"),
            Some(&Expression::Number(443.into()))
        );
        assert!(
            hclx::inline(hclx::attr(&ingress[0].body, "cidr_blocks").expect("kept"))
                .contains("var.cidr")
        );
    }
}
