//! `depends_on` entries that would make the deployment stack's dependency graph a cycle.
//!
//! An origin `depends_on` names AWS resources; after the reference pass it names what they
//! became, and that can turn an order into a loop. The common case: `aws_rds_cluster` with
//! `depends_on = [aws_security_group.db]`, where the security group became the
//! `digitalocean_database_firewall` of that very cluster, which reads the cluster's `id`.
//! Terraform refuses to plan a cycle ("Error: Cycle"), so such an entry is left out, with a
//! note naming it. References in bodies are never touched: only `depends_on`, which orders
//! and carries no value, can be dropped without changing what is created.

use crate::diag::{Code, Diagnostic};
use crate::hclx;
use crate::out::Emitted;
use crate::source::Loc;
use hcl::Expression;
use hcl::expr::TraversalOperator as Op;
use std::collections::{BTreeMap, BTreeSet};

/// Drops the `depends_on` entries of `emitted` that lead back to the resource itself. `loc`
/// gives where a resource was written (its origin block), for the note.
pub fn break_depends_on_cycles(
    emitted: &mut [Emitted],
    loc: &dyn Fn(&Emitted) -> Loc,
    diags: &mut Vec<Diagnostic>,
) {
    if !emitted.iter().any(|e| e.meta.depends_on.is_some()) {
        return;
    }
    let addrs: BTreeSet<String> = emitted.iter().map(Emitted::address).collect();
    let mut edges: BTreeMap<String, BTreeSet<String>> = emitted
        .iter()
        .map(|e| (e.address(), references(e, &addrs)))
        .collect();
    for e in emitted.iter_mut() {
        let me = e.address();
        let Some(Expression::Array(items)) = &mut e.meta.depends_on else {
            continue;
        };
        let mut dropped = Vec::new();
        items.retain(|item| {
            let Some(target) = address(item, &addrs) else {
                return true;
            };
            let cycle = target == me || reaches(&edges, &target, &me);
            if cycle {
                dropped.push(target);
            }
            !cycle
        });
        if dropped.is_empty() {
            continue;
        }
        let now_empty = items.is_empty();
        if now_empty {
            e.meta.depends_on = None;
        }
        edges.insert(me.clone(), references(e, &addrs));
        let what = e.origin.clone().unwrap_or_else(|| me.clone());
        diags.push(
            Diagnostic::new(
                Code::ArgumentDropped,
                format!(
                    "`{what}`: `depends_on` entr{} `{}` not carried over: in the deployment stack {} on `{me}` itself, so the order would be a cycle Terraform cannot plan",
                    if dropped.len() == 1 { "y" } else { "ies" },
                    dropped.join("`, `"),
                    if dropped.len() == 1 { "it depends" } else { "they depend" },
                ),
            )
            .at(loc(e))
            .resource(what)
            .help("the reference that makes the dependency already orders the two; nothing else changes"),
        );
    }
}

/// The stack's resources `e` reads, in its body or meta-arguments (`depends_on` included).
fn references(e: &Emitted, addrs: &BTreeSet<String>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut visit = |x: &Expression| {
        hclx::walk(x, &mut |y| {
            if let Some(a) = address(y, addrs) {
                out.insert(a);
            }
        })
    };
    e.body.exprs(&mut visit);
    for x in [&e.meta.count, &e.meta.for_each, &e.meta.depends_on]
        .into_iter()
        .flatten()
    {
        visit(x);
    }
    out
}

/// The address of the stack's resource or data source an expression refers to, if any.
fn address(e: &Expression, addrs: &BTreeSet<String>) -> Option<String> {
    let (root, ops) = hclx::traversal_root(e)?;
    let a = match (root, ops) {
        ("data", [Op::GetAttr(ty), Op::GetAttr(name), ..]) => {
            format!("data.{}.{}", ty.as_str(), name.as_str())
        }
        (ty, [Op::GetAttr(name), ..]) => format!("{ty}.{}", name.as_str()),
        _ => return None,
    };
    addrs.contains(&a).then_some(a)
}

/// Whether `to` is reachable from `from` along the references.
fn reaches(edges: &BTreeMap<String, BTreeSet<String>>, from: &str, to: &str) -> bool {
    let mut seen = BTreeSet::new();
    let mut stack = vec![from.to_string()];
    while let Some(n) = stack.pop() {
        if n == to {
            return true;
        }
        if !seen.insert(n.clone()) {
            continue;
        }
        if let Some(next) = edges.get(&n) {
            stack.extend(next.iter().filter(|m| !seen.contains(*m)).cloned());
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::origin::{Meta, Mode};
    use crate::out::OutBody;

    fn emitted(ty: &str, name: &str, body: &[(&str, &str)], depends_on: Option<&str>) -> Emitted {
        let mut b = OutBody::new();
        for (k, v) in body {
            b.set(k.to_string(), v.parse::<Expression>().expect("expression"));
        }
        Emitted {
            mode: Mode::Managed,
            ty: ty.into(),
            name: name.into(),
            body: b,
            meta: Meta {
                depends_on: depends_on.map(|d| d.parse().expect("expression")),
                ..Meta::default()
            },
            origin: None,
        }
    }

    #[test]
    fn an_entry_that_depends_back_is_dropped_and_the_others_kept() {
        let mut stack = vec![
            emitted(
                "digitalocean_database_cluster",
                "db",
                &[("engine", "\"pg\"")],
                Some("[digitalocean_vpc.main, digitalocean_database_firewall.db]"),
            ),
            emitted("digitalocean_vpc", "main", &[("name", "\"v\"")], None),
            emitted(
                "digitalocean_database_firewall",
                "db",
                &[("cluster_id", "digitalocean_database_cluster.db.id")],
                None,
            ),
        ];
        let mut diags = Vec::new();
        break_depends_on_cycles(&mut stack, &|_| Loc::file("main.tf"), &mut diags);
        let kept = stack[0].meta.depends_on.as_ref().map(hclx::inline);
        assert_eq!(kept.as_deref(), Some("[digitalocean_vpc.main]"));
        assert_eq!(diags.len(), 1);
        assert!(
            diags[0]
                .message
                .contains("digitalocean_database_firewall.db")
        );
    }

    #[test]
    fn a_transitive_cycle_is_found_and_an_empty_list_removed() {
        let mut stack = vec![
            emitted("a_thing", "a", &[], Some("[c_thing.c]")),
            emitted("b_thing", "b", &[("x", "a_thing.a.id")], None),
            emitted("c_thing", "c", &[("y", "b_thing.b.id")], None),
        ];
        let mut diags = Vec::new();
        break_depends_on_cycles(&mut stack, &|_| Loc::file("main.tf"), &mut diags);
        assert!(stack[0].meta.depends_on.is_none());
        assert_eq!(diags.len(), 1);
    }

    #[test]
    fn an_order_without_a_cycle_is_kept() {
        let mut stack = vec![
            emitted("a_thing", "a", &[], Some("[b_thing.b]")),
            emitted("b_thing", "b", &[("x", "\"literal\"")], None),
        ];
        let mut diags = Vec::new();
        break_depends_on_cycles(&mut stack, &|_| Loc::file("main.tf"), &mut diags);
        assert!(stack[0].meta.depends_on.is_some());
        assert!(diags.is_empty());
    }
}
