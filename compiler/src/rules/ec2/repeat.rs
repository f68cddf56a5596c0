//! Repeated resources expanded statically: a `count` or `for_each` known at compile time gives
//! one body per instance, with `count.index` / `each.key` / `each.value` bound, which the compute
//! rules (and the security-group rule) map one by one.

use crate::diag::{Code, Diagnostic};
use crate::eval::value_to_expr;
use crate::hclx;
use crate::origin::Resource;
use crate::rules::Cx;
use hcl::expr::Traversal;
use hcl::expr::TraversalOperator as Op;
use hcl::{Body, Expression, Value};

/// Replaces `root.<key>…` traversals in `e` by the literal bound to `key`.
pub(in crate::rules) fn substitute(e: &mut Expression, root: &str, bindings: &[(&str, Value)]) {
    hclx::walk_mut(e, &mut |x| {
        let Expression::Traversal(t) = x else {
            return !matches!(x, Expression::Variable(v) if v.as_str() == root);
        };
        let Expression::Variable(v) = &t.expr else {
            return true;
        };
        if v.as_str() != root {
            return true;
        }
        let Some(Op::GetAttr(k)) = t.operators.first() else {
            return true;
        };
        let Some((_, value)) = bindings.iter().find(|(b, _)| *b == k.as_str()) else {
            return true;
        };
        let lit = value_to_expr(value);
        let rest: Vec<Op> = t.operators[1..].to_vec();
        *x = if rest.is_empty() {
            lit
        } else {
            Expression::Traversal(Box::new(Traversal::new(lit, rest)))
        };
        false
    });
}

/// `body` with bindings substituted; attributes that used them and became static are folded
/// to literals (others are kept as written, variables included).
pub(in crate::rules) fn bind(
    cx: &Cx<'_>,
    body: &Body,
    root: &str,
    bindings: &[(&str, Value)],
) -> Body {
    body.attributes()
        .map(|a| {
            let mut e = a.expr().clone();
            substitute(&mut e, root, bindings);
            let e = if &e != a.expr() {
                match cx.eval.value(&e) {
                    Some(v) => value_to_expr(&v),
                    None => e,
                }
            } else {
                e
            };
            hcl::Attribute::new(a.key(), e)
        })
        .collect()
}

/// The key/value pairs a `for_each` (or `count`) iterates, when static.
pub(in crate::rules) fn iterations(v: Value) -> Option<Vec<(Value, Value)>> {
    match v {
        Value::Array(items) => Some(
            items
                .into_iter()
                .enumerate()
                .map(|(i, v)| (Value::from(i as u64), v))
                .collect(),
        ),
        Value::Object(map) => Some(
            map.into_iter()
                .map(|(k, v)| (Value::String(k), v))
                .collect(),
        ),
        _ => None,
    }
}

/// One body per instance of a repeated resource (`count` / `for_each` expanded when static;
/// none, with a warning, when not).
pub(in crate::rules) fn instances(cx: &mut Cx<'_>, r: &Resource) -> Vec<Body> {
    if let Some(c) = &r.meta.count {
        return match cx.eval.number(c) {
            Some(n) if n >= 0.0 => (0..(n as u64).min(1000))
                .map(|i| bind(cx, &r.body, "count", &[("index", Value::from(i))]))
                .collect(),
            _ => {
                not_expanded(cx, r, "count");
                vec![]
            }
        };
    }
    if let Some(f) = &r.meta.for_each {
        return match cx.eval.value(f).and_then(iterations) {
            Some(items) => items
                .into_iter()
                .map(|(k, v)| {
                    // `for_each` over a set: key and value are the element.
                    let key = match (&k, &v) {
                        (Value::Number(_), Value::String(_)) => v.clone(),
                        _ => k,
                    };
                    bind(cx, &r.body, "each", &[("key", key), ("value", v)])
                })
                .collect(),
            None => {
                not_expanded(cx, r, "for_each");
                vec![]
            }
        };
    }
    vec![r.body.clone()]
}

fn not_expanded(cx: &mut Cx<'_>, r: &Resource, what: &str) {
    cx.diag(
        Diagnostic::new(
            Code::DynamicBlock,
            format!("the `{what}` of `{}` is not known at compile time; what it adds is not carried over", r.address()),
        )
        .at(r.loc.clone())
        .resource(r.address())
        .help(format!("give `{what}` a literal value or a variable default so Ferry can expand the rules")),
    );
}
