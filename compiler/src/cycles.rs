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
    // Only an entry whose target shares a strongly connected component with the resource can
    // close a cycle (dropping entries only splits components): the exact search runs for
    // those alone, so a long chain of `depends_on` costs linear time, not quadratic.
    let component = components(&edges);
    let same_component = |a: &str, b: &str| {
        component
            .get(a)
            .is_some_and(|c| component.get(b) == Some(c))
    };
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
            let cycle =
                target == me || (same_component(&target, &me) && reaches(&edges, &target, &me));
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

/// The strongly connected component of each resource of the reference graph (Kosaraju's
/// algorithm, iterative: a chain of thousands of resources needs no deep recursion).
fn components(edges: &BTreeMap<String, BTreeSet<String>>) -> BTreeMap<String, usize> {
    let names: Vec<&String> = edges.keys().collect();
    let index: BTreeMap<&str, usize> = names
        .iter()
        .enumerate()
        .map(|(i, n)| (n.as_str(), i))
        .collect();
    let adj: Vec<Vec<usize>> = names
        .iter()
        .map(|n| {
            edges[*n]
                .iter()
                .filter_map(|m| index.get(m.as_str()).copied())
                .collect()
        })
        .collect();
    // Post-order of a depth-first search.
    let mut order = Vec::with_capacity(adj.len());
    let mut seen = vec![false; adj.len()];
    for start in 0..adj.len() {
        if seen[start] {
            continue;
        }
        seen[start] = true;
        let mut stack = vec![(start, 0usize)];
        while let Some(top) = stack.last_mut() {
            let v = top.0;
            match adj[v].get(top.1) {
                Some(&w) => {
                    top.1 += 1;
                    if !seen[w] {
                        seen[w] = true;
                        stack.push((w, 0));
                    }
                }
                None => {
                    order.push(v);
                    stack.pop();
                }
            }
        }
    }
    // Components on the reversed graph, in reverse post-order.
    let mut reversed = vec![Vec::new(); adj.len()];
    for (v, ws) in adj.iter().enumerate() {
        for &w in ws {
            reversed[w].push(v);
        }
    }
    let mut component = vec![usize::MAX; adj.len()];
    let mut next = 0;
    for &start in order.iter().rev() {
        if component[start] != usize::MAX {
            continue;
        }
        component[start] = next;
        let mut stack = vec![start];
        while let Some(v) = stack.pop() {
            for &w in &reversed[v] {
                if component[w] == usize::MAX {
                    component[w] = next;
                    stack.push(w);
                }
            }
        }
        next += 1;
    }
    names
        .into_iter()
        .zip(component)
        .map(|(n, c)| (n.clone(), c))
        .collect()
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

    #[test]
    fn components_group_exactly_the_resources_on_a_cycle() {
        let edges: BTreeMap<String, BTreeSet<String>> = [
            ("a", &["b"][..]),
            ("b", &["c"]),
            ("c", &["a"]),
            ("d", &["a", "e"]),
            ("e", &[]),
        ]
        .into_iter()
        .map(|(n, to)| (n.to_string(), to.iter().map(|t| t.to_string()).collect()))
        .collect();
        let c = components(&edges);
        assert_eq!(c["a"], c["b"]);
        assert_eq!(c["b"], c["c"]);
        assert_ne!(c["d"], c["a"]);
        assert_ne!(c["e"], c["d"]);
        assert_ne!(c["e"], c["a"]);
        // A chain of thousands: every resource its own component, no recursion.
        let chain: BTreeMap<String, BTreeSet<String>> = (0..20_000)
            .map(|i| {
                let to = (i > 0).then(|| format!("r{}", i - 1));
                (format!("r{i}"), to.into_iter().collect())
            })
            .collect();
        let c = components(&chain);
        let distinct: BTreeSet<usize> = c.values().copied().collect();
        assert_eq!(distinct.len(), 20_000);
    }
}
