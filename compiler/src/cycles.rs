//! The deployment stack's dependency graph: `depends_on` entries that would close a cycle are
//! left out, and any cycle that remains is reported.
//!
//! An origin `depends_on` names AWS resources; after the reference pass it names what they
//! became, and that can turn an order into a loop. The common case: `aws_rds_cluster` with
//! `depends_on = [aws_security_group.db]`, where the security group became the
//! `digitalocean_database_firewall` of that very cluster, which reads the cluster's `id`.
//! Terraform refuses to plan a cycle ("Error: Cycle"), so such an entry is left out, with a
//! note naming it. References in bodies are never touched: only `depends_on`, which orders
//! and carries no value, can be dropped without changing what is created.
//!
//! A cycle made of references in bodies cannot be broken that way. Terraform rejects it in the
//! origin too, so one there is the author's to fix; one that only the deployment stack has is
//! a Ferry bug. Either way the stack cannot be planned, and F403 names the cycle rather than
//! letting `tofu plan` be the first to say so.
//!
//! The graph has the stack's resources and data sources as nodes and the references between
//! them as edges; paths through locals, outputs and module calls are not followed (a cycle
//! through a local is not seen: the check never reports one that is not there).

use crate::diag::{Code, Diagnostic};
use crate::hclx;
use crate::out::Emitted;
use crate::source::Loc;
use hcl::Expression;
use hcl::expr::TraversalOperator as Op;
use std::collections::HashMap;

/// The resource an address names: data source or not, type, name.
type Key<'a> = (bool, &'a str, &'a str);
type Index<'a> = HashMap<Key<'a>, usize, foldhash::fast::FixedState>;

/// Drops the `depends_on` entries of `emitted` that lead back to the resource itself, then
/// reports the cycles left (F403). `loc` gives where a resource was written (its origin block).
pub fn check(emitted: &mut [Emitted], loc: &dyn Fn(&Emitted) -> Loc, diags: &mut Vec<Diagnostic>) {
    // The graph, built once: what each resource reads in its body and other meta-arguments
    // (fixed), and the targets of its `depends_on` entries (which may lose entries).
    let (reads, mut orders) = {
        let index: Index = emitted
            .iter()
            .enumerate()
            .map(|(i, e)| {
                (
                    (
                        e.mode == crate::origin::Mode::Data,
                        e.ty.as_str(),
                        e.name.as_str(),
                    ),
                    i,
                )
            })
            .collect();
        let reads: Vec<Vec<usize>> = emitted.iter().map(|e| body_reads(e, &index)).collect();
        let orders: Vec<Vec<Option<usize>>> = emitted
            .iter()
            .map(|e| match &e.meta.depends_on {
                Some(Expression::Array(items)) => items.iter().map(|x| target(x, &index)).collect(),
                _ => Vec::new(),
            })
            .collect();
        (reads, orders)
    };
    let edges_of = |i: usize, orders: &[Vec<Option<usize>>]| -> Vec<usize> {
        let mut v: Vec<usize> = reads[i]
            .iter()
            .copied()
            .chain(orders[i].iter().flatten().copied())
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    let mut adj: Vec<Vec<usize>> = (0..emitted.len()).map(|i| edges_of(i, &orders)).collect();
    if orders.iter().any(|o| !o.is_empty()) {
        // Only an entry whose target shares a strongly connected component with the resource
        // can close a cycle (dropping entries only splits components): the exact search runs
        // for those alone, so a long chain of `depends_on` costs linear time, not quadratic.
        let component = components(&adj);
        for me in 0..emitted.len() {
            if orders[me].is_empty() {
                continue;
            }
            let mut dropped = Vec::new();
            let mut keep = Vec::with_capacity(orders[me].len());
            for &t in &orders[me] {
                let cycle = t.is_some_and(|t| {
                    t == me || (component[t] == component[me] && reaches(&adj, t, me))
                });
                if let (true, Some(t)) = (cycle, t) {
                    dropped.push(emitted[t].address());
                }
                keep.push(!cycle);
            }
            if dropped.is_empty() {
                continue;
            }
            let e = &mut emitted[me];
            if let Some(Expression::Array(items)) = &mut e.meta.depends_on {
                let mut k = keep.iter();
                items.retain(|_| k.next().copied().unwrap_or(true));
                if items.is_empty() {
                    e.meta.depends_on = None;
                }
            }
            let mut k = keep.iter();
            orders[me].retain(|_| k.next().copied().unwrap_or(true));
            adj[me] = edges_of(me, &orders);
            let me_addr = e.address();
            let what = e.origin.clone().unwrap_or_else(|| me_addr.clone());
            diags.push(
                Diagnostic::new(
                    Code::ArgumentDropped,
                    format!(
                        "`{what}`: `depends_on` entr{} `{}` not carried over: in the deployment stack {} on `{me_addr}` itself, so the order would be a cycle Terraform cannot plan",
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
    report_cycles(emitted, &adj, loc, diags);
}

/// Reports each cycle left in the graph (F403): one diagnostic per strongly connected
/// component with more than one resource, or a resource that reads itself.
fn report_cycles(
    emitted: &[Emitted],
    adj: &[Vec<usize>],
    loc: &dyn Fn(&Emitted) -> Loc,
    diags: &mut Vec<Diagnostic>,
) {
    let component = components(adj);
    let mut size = vec![0usize; adj.len()];
    for &c in &component {
        size[c] += 1;
    }
    let mut reported = vec![false; adj.len()];
    for start in 0..adj.len() {
        let c = component[start];
        let self_loop = adj[start].binary_search(&start).is_ok();
        if reported[c] || (size[c] < 2 && !self_loop) {
            continue;
        }
        reported[c] = true;
        let path = cycle_through(adj, &component, start);
        // Each step as emitted, with the origin resource it stands for when that differs.
        let steps: Vec<String> = path
            .iter()
            .map(|&i| {
                let (addr, origin) = (emitted[i].address(), emitted[i].origin.as_deref());
                match origin {
                    Some(o) if o != addr => format!("`{addr}` (from `{o}`)"),
                    _ => format!("`{addr}`"),
                }
            })
            .collect();
        let e = &emitted[start];
        let what = e.origin.clone().unwrap_or_else(|| e.address());
        diags.push(
            Diagnostic::new(
                Code::DependencyCycle,
                format!(
                    "the deployment stack's references form a cycle Terraform cannot plan: {} → `{}`",
                    steps.join(" → "),
                    e.address(),
                ),
            )
            .at(loc(e))
            .resource(what)
            .help("if the origin refers in a circle too, Terraform rejects it as well: break the cycle there (one of the references can usually become a variable or a separate rule resource); otherwise the cycle comes from Ferry's mapping, please report it with the origin"),
        );
    }
}

/// A shortest cycle from `start` back to itself inside its component (breadth-first), as the
/// resources on it, `start` first.
fn cycle_through(adj: &[Vec<usize>], component: &[usize], start: usize) -> Vec<usize> {
    let mut parent = vec![usize::MAX; adj.len()];
    let mut queue = std::collections::VecDeque::from([start]);
    while let Some(v) = queue.pop_front() {
        for &w in &adj[v] {
            if w == start {
                let mut path = vec![v];
                let mut at = v;
                while at != start {
                    at = parent[at];
                    path.push(at);
                }
                path.reverse();
                // `start` is first; a self-reference is the one-element path.
                path.dedup();
                return path;
            }
            if component[w] == component[start] && parent[w] == usize::MAX {
                parent[w] = v;
                queue.push_back(w);
            }
        }
    }
    vec![start]
}

/// The stack's resources `e` reads in its body, `count` and `for_each` (`depends_on` apart).
fn body_reads(e: &Emitted, index: &Index) -> Vec<usize> {
    let mut out = Vec::new();
    let mut visit = |x: &Expression| hclx::walk(x, &mut |y| out.extend(target(y, index)));
    e.body.exprs(&mut visit);
    for x in [&e.meta.count, &e.meta.for_each].into_iter().flatten() {
        visit(x);
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// The stack's resource or data source an expression refers to, if any.
fn target(e: &Expression, index: &Index) -> Option<usize> {
    let key = match hclx::traversal_root(e)? {
        ("data", [Op::GetAttr(ty), Op::GetAttr(name), ..]) => (true, ty.as_str(), name.as_str()),
        (ty, [Op::GetAttr(name), ..]) => (false, ty, name.as_str()),
        _ => return None,
    };
    index.get(&key).copied()
}

/// The strongly connected component of each resource of the reference graph (Kosaraju's
/// algorithm, iterative: a chain of thousands of resources needs no deep recursion).
fn components(adj: &[Vec<usize>]) -> Vec<usize> {
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
    component
}

/// Whether `to` is reachable from `from` along the references.
fn reaches(adj: &[Vec<usize>], from: usize, to: usize) -> bool {
    let mut seen = vec![false; adj.len()];
    let mut stack = vec![from];
    while let Some(n) = stack.pop() {
        if n == to {
            return true;
        }
        if std::mem::replace(&mut seen[n], true) {
            continue;
        }
        stack.extend(adj[n].iter().filter(|&&m| !seen[m]));
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
        check(&mut stack, &|_| Loc::file("main.tf"), &mut diags);
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
        check(&mut stack, &|_| Loc::file("main.tf"), &mut diags);
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
        check(&mut stack, &|_| Loc::file("main.tf"), &mut diags);
        assert!(stack[0].meta.depends_on.is_some());
        assert!(diags.is_empty());
    }

    #[test]
    fn a_cycle_of_body_references_is_reported_with_its_path() {
        let mut stack = vec![
            emitted("a_thing", "a", &[("x", "c_thing.c.id")], None),
            emitted("b_thing", "b", &[("x", "a_thing.a.id")], None),
            emitted("c_thing", "c", &[("y", "b_thing.b.id")], None),
            emitted("d_thing", "d", &[("y", "b_thing.b.id")], None),
        ];
        let mut diags = Vec::new();
        check(&mut stack, &|_| Loc::file("main.tf"), &mut diags);
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!(diags[0].code, Code::DependencyCycle.as_str());
        assert!(
            diags[0]
                .message
                .ends_with("`a_thing.a` → `c_thing.c` → `b_thing.b` → `a_thing.a`"),
            "{}",
            diags[0].message
        );
    }

    #[test]
    fn a_resource_reading_itself_is_a_cycle_and_data_sources_are_told_apart() {
        let mut stack = vec![
            emitted("a_thing", "a", &[("x", "a_thing.a.id")], None),
            emitted("b_thing", "b", &[("x", "data.b_thing.b.id")], None),
            Emitted {
                mode: Mode::Data,
                ..emitted("b_thing", "b", &[], None)
            },
        ];
        let mut diags = Vec::new();
        check(&mut stack, &|_| Loc::file("main.tf"), &mut diags);
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert!(diags[0].message.ends_with("`a_thing.a` → `a_thing.a`"));
    }

    #[test]
    fn components_group_exactly_the_resources_on_a_cycle() {
        // a → b → c → a; d → a, e; e.
        let adj = vec![vec![1], vec![2], vec![0], vec![0, 4], vec![]];
        let c = components(&adj);
        assert_eq!(c[0], c[1]);
        assert_eq!(c[1], c[2]);
        assert_ne!(c[3], c[0]);
        assert_ne!(c[4], c[3]);
        assert_ne!(c[4], c[0]);
        // A chain of thousands: every resource its own component, no recursion.
        let chain: Vec<Vec<usize>> = (0..20_000usize)
            .map(|i| if i > 0 { vec![i - 1] } else { vec![] })
            .collect();
        let c = components(&chain);
        let distinct: std::collections::BTreeSet<usize> = c.into_iter().collect();
        assert_eq!(distinct.len(), 20_000);
    }
}
