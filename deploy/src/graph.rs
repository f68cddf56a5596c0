//! The dependency graph: which resources and data sources each one needs first.
//!
//! Edges come from references (`digitalocean_vpc.main.id`, `data.x.y.z`, `module.app.ips`) and
//! `depends_on`, followed through locals, module variables and module outputs so that only
//! resources and data sources are nodes. Unknown references and cycles are errors that name the
//! resource (or local) and its file:line.

use crate::stack::{Loc, Mode, Stack, StackError};
use hcl::expr::{Expression, ObjectKey, Operation, TemplateExpr, TraversalOperator};
use hcl::template::{Directive, Element, Template};
use hcl::{Body, Structure};
use std::collections::{BTreeMap, BTreeSet};

/// A reference found in an expression: its root name and the attribute names that follow it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ref {
    pub root: String,
    pub names: Vec<String>,
}

impl Ref {
    fn display(&self) -> String {
        std::iter::once(self.root.as_str())
            .chain(self.names.iter().map(String::as_str))
            .collect::<Vec<_>>()
            .join(".")
    }
}

/// Collects the references of an expression, skipping names bound inside it (`for` variables).
pub fn refs_of(expr: &Expression, bound: &mut Vec<String>, out: &mut Vec<Ref>) {
    match expr {
        Expression::Array(items) => items.iter().for_each(|e| refs_of(e, bound, out)),
        Expression::Object(entries) => {
            for (k, v) in entries {
                if let ObjectKey::Expression(e) = k {
                    refs_of(e, bound, out);
                }
                refs_of(v, bound, out);
            }
        }
        Expression::TemplateExpr(t) => refs_of_template_expr(t, bound, out),
        Expression::Variable(v) => push_ref(v.as_str(), &[], bound, out),
        Expression::Traversal(t) => {
            match &t.expr {
                Expression::Variable(v) => push_ref(v.as_str(), &t.operators, bound, out),
                other => refs_of(other, bound, out),
            }
            for op in &t.operators {
                if let TraversalOperator::Index(e) = op {
                    refs_of(e, bound, out);
                }
            }
        }
        Expression::FuncCall(f) => f.args.iter().for_each(|e| refs_of(e, bound, out)),
        Expression::Parenthesis(e) => refs_of(e, bound, out),
        Expression::Conditional(c) => {
            refs_of(&c.cond_expr, bound, out);
            refs_of(&c.true_expr, bound, out);
            refs_of(&c.false_expr, bound, out);
        }
        Expression::Operation(op) => match op.as_ref() {
            Operation::Unary(u) => refs_of(&u.expr, bound, out),
            Operation::Binary(b) => {
                refs_of(&b.lhs_expr, bound, out);
                refs_of(&b.rhs_expr, bound, out);
            }
        },
        Expression::ForExpr(f) => {
            refs_of(&f.collection_expr, bound, out);
            let n = bound.len();
            if let Some(k) = &f.key_var {
                bound.push(k.as_str().to_string());
            }
            bound.push(f.value_var.as_str().to_string());
            if let Some(k) = &f.key_expr {
                refs_of(k, bound, out);
            }
            refs_of(&f.value_expr, bound, out);
            if let Some(c) = &f.cond_expr {
                refs_of(c, bound, out);
            }
            bound.truncate(n);
        }
        _ => {}
    }
}

fn refs_of_template_expr(t: &TemplateExpr, bound: &mut Vec<String>, out: &mut Vec<Ref>) {
    // A template that does not parse is reported when it is evaluated.
    if let Ok(template) = Template::from_expr(t) {
        refs_of_template(&template, bound, out);
    }
}

fn refs_of_template(t: &Template, bound: &mut Vec<String>, out: &mut Vec<Ref>) {
    for element in t.elements() {
        match element {
            Element::Literal(_) => {}
            Element::Interpolation(i) => refs_of(&i.expr, bound, out),
            Element::Directive(d) => match d.as_ref() {
                Directive::If(i) => {
                    refs_of(&i.cond_expr, bound, out);
                    refs_of_template(&i.true_template, bound, out);
                    if let Some(f) = &i.false_template {
                        refs_of_template(f, bound, out);
                    }
                }
                Directive::For(f) => {
                    refs_of(&f.collection_expr, bound, out);
                    let n = bound.len();
                    if let Some(k) = &f.key_var {
                        bound.push(k.as_str().to_string());
                    }
                    bound.push(f.value_var.as_str().to_string());
                    refs_of_template(&f.template, bound, out);
                    bound.truncate(n);
                }
            },
        }
    }
}

fn push_ref(root: &str, ops: &[TraversalOperator], bound: &[String], out: &mut Vec<Ref>) {
    if bound.iter().any(|b| b == root) {
        return;
    }
    let names = ops
        .iter()
        .take(2)
        .map_while(|op| match op {
            TraversalOperator::GetAttr(n) => Some(n.as_str().to_string()),
            _ => None,
        })
        .collect();
    out.push(Ref {
        root: root.to_string(),
        names,
    });
}

/// The references of a body: attributes and nested blocks, with `dynamic` blocks' iterators
/// bound inside their `content`.
pub fn refs_of_body(
    body: &Body,
    bound: &mut Vec<String>,
    out: &mut Vec<Ref>,
    with_loc: &mut dyn FnMut(&str, usize),
) {
    for s in body.iter() {
        let before = out.len();
        let key = match s {
            Structure::Attribute(a) => {
                refs_of(&a.expr, bound, out);
                a.key.as_str().to_string()
            }
            Structure::Block(b) if b.identifier.as_str() == "dynamic" => {
                let label = b
                    .labels
                    .first()
                    .map(|l| l.as_str().to_string())
                    .unwrap_or_default();
                let iterator = crate::stack::attr(&b.body, "iterator")
                    .and_then(|e| match e {
                        Expression::Variable(v) => Some(v.as_str().to_string()),
                        _ => None,
                    })
                    .unwrap_or_else(|| label.clone());
                if let Some(fe) = crate::stack::attr(&b.body, "for_each") {
                    refs_of(&fe, bound, out);
                }
                bound.push(iterator);
                for inner in b.body.blocks() {
                    if inner.identifier.as_str() == "content" {
                        refs_of_body(&inner.body, bound, out, &mut |_, _| {});
                    }
                }
                bound.pop();
                label
            }
            Structure::Block(b) => {
                refs_of_body(&b.body, bound, out, &mut |_, _| {});
                b.identifier.as_str().to_string()
            }
        };
        for i in before..out.len() {
            with_loc(&key, i);
        }
    }
}

/// Dependencies of every resource and data source, and an order that respects them.
#[derive(Debug, Clone)]
pub struct Graph {
    /// `deps[i]`: the resources (indices into `Stack::resources`) that `i` needs first.
    pub deps: Vec<BTreeSet<usize>>,
    /// Every resource once, each after all of its dependencies; ties keep declaration order.
    pub order: Vec<usize>,
}

impl Graph {
    /// Resources that depend on `i`.
    pub fn dependents(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        self.deps
            .iter()
            .enumerate()
            .filter(move |(_, d)| d.contains(&i))
            .map(|(j, _)| j)
    }
}

/// What a reference goes through before it reaches resources.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Via {
    Var(usize, String),
    Local(usize, String),
    Output(usize, String),
}

struct Builder<'a> {
    stack: &'a Stack,
    memo: BTreeMap<Via, BTreeSet<usize>>,
    visiting: Vec<(Via, String)>,
}

/// Builds the graph; unknown references and cycles are errors.
pub fn build(stack: &Stack) -> Result<Graph, StackError> {
    let mut b = Builder {
        stack,
        memo: BTreeMap::new(),
        visiting: Vec::new(),
    };
    let mut deps = Vec::with_capacity(stack.resources.len());
    for (i, r) in stack.resources.iter().enumerate() {
        let owner = stack.address(i);
        let mut bound = Vec::new();
        if r.count.is_some() {
            bound.push("count".to_string());
        }
        if r.for_each.is_some() {
            bound.push("each".to_string());
        }
        bound.push("self".to_string());
        let mut found: Vec<(Ref, Loc)> = Vec::new();
        let mut body_refs = Vec::new();
        let mut keys: Vec<String> = Vec::new();
        refs_of_body(&r.body, &mut bound, &mut body_refs, &mut |key, idx| {
            if keys.len() <= idx {
                keys.resize(idx + 1, String::new());
            }
            keys[idx] = key.to_string();
        });
        for (idx, rf) in body_refs.into_iter().enumerate() {
            let loc = keys.get(idx).map_or_else(|| r.loc.clone(), |k| r.loc_of(k));
            found.push((rf, loc));
        }
        for (expr, loc) in r.count.iter().chain(r.for_each.iter()) {
            let mut out = Vec::new();
            refs_of(expr, &mut Vec::new(), &mut out);
            found.extend(out.into_iter().map(|rf| (rf, loc.clone())));
        }
        let mut set = BTreeSet::new();
        for (rf, loc) in found {
            set.extend(b.resolve(r.module, &rf, &owner, &loc)?);
        }
        for (expr, loc) in &r.depends_on {
            let mut out = Vec::new();
            refs_of(expr, &mut Vec::new(), &mut out);
            if out.is_empty() {
                return Err(StackError::Invalid {
                    loc: loc.clone(),
                    message: format!("`depends_on` of `{owner}` must list references"),
                });
            }
            for rf in out {
                set.extend(b.resolve(r.module, &rf, &owner, loc)?);
            }
        }
        deps.push(set);
    }
    // Outputs must resolve too: a typo there is as wrong as one in a resource.
    for (m, module) in stack.modules.iter().enumerate() {
        for o in module.outputs.values() {
            b.via(&Via::Output(m, o.name.clone()))?;
        }
    }
    let order = topo(stack, &deps)?;
    Ok(Graph { deps, order })
}

impl Builder<'_> {
    fn resolve(
        &mut self,
        module: usize,
        rf: &Ref,
        owner: &str,
        loc: &Loc,
    ) -> Result<BTreeSet<usize>, StackError> {
        let stack = self.stack;
        let m = &stack.modules[module];
        let unknown = |hint: &str| StackError::UnknownReference {
            owner: owner.to_string(),
            reference: rf.display(),
            loc: loc.clone(),
            hint: hint.to_string(),
        };
        let first = rf.names.first().cloned();
        match rf.root.as_str() {
            "path" | "terraform" => Ok(BTreeSet::new()),
            "count" | "each" | "self" => Err(unknown(&format!(
                ": `{}` is only valid in a resource with {}",
                rf.root,
                match rf.root.as_str() {
                    "count" => "`count`",
                    "each" => "`for_each`",
                    _ => "a provisioner",
                }
            ))),
            "var" => {
                let name = first.ok_or_else(|| unknown(""))?;
                if !m.variables.contains_key(&name) {
                    return Err(unknown(": the module declares no such variable"));
                }
                self.via(&Via::Var(module, name))
            }
            "local" => {
                let name = first.ok_or_else(|| unknown(""))?;
                if !m.locals.contains_key(&name) {
                    return Err(unknown(": no such local value"));
                }
                self.via(&Via::Local(module, name))
            }
            "module" => {
                let call_name = first.ok_or_else(|| unknown(""))?;
                let Some(call) = m.calls.get(&call_name) else {
                    return Err(unknown(": no such module call"));
                };
                match rf.names.get(1) {
                    Some(output) => {
                        if !stack.modules[call.child].outputs.contains_key(output) {
                            return Err(unknown(": the module has no such output"));
                        }
                        self.via(&Via::Output(call.child, output.clone()))
                    }
                    None => Ok(all_resources(stack, call.child)),
                }
            }
            "data" => {
                let (Some(t), Some(n)) = (rf.names.first(), rf.names.get(1)) else {
                    return Err(unknown(""));
                };
                find(stack, module, Mode::Data, t, n)
                    .map(|i| BTreeSet::from([i]))
                    .ok_or_else(|| unknown(": no such data source in this module"))
            }
            tf_type => {
                let Some(n) = first else {
                    return Err(unknown(if tf_type.contains('_') {
                        ": a resource reference needs a name"
                    } else {
                        ": not a variable, local, module, data source or resource (did you mean `var.…` or `local.…`?)"
                    }));
                };
                find(stack, module, Mode::Managed, tf_type, &n)
                    .map(|i| BTreeSet::from([i]))
                    .ok_or_else(|| unknown(": no such resource in this module"))
            }
        }
    }

    /// The resources a variable, local or output depends on (memoised; cycles are errors).
    fn via(&mut self, via: &Via) -> Result<BTreeSet<usize>, StackError> {
        if let Some(done) = self.memo.get(via) {
            return Ok(done.clone());
        }
        let stack = self.stack;
        let label = match via {
            Via::Var(m, n) => format!("{}var.{n}", stack.modules[*m].prefix),
            Via::Local(m, n) => format!("{}local.{n}", stack.modules[*m].prefix),
            Via::Output(m, n) => format!("{}output.{n}", stack.modules[*m].prefix),
        };
        if let Some(pos) = self.visiting.iter().position(|(v, _)| v == via) {
            let mut path: Vec<String> = self.visiting[pos..]
                .iter()
                .map(|(_, l)| l.clone())
                .collect();
            path.push(label);
            return Err(StackError::Cycle { path });
        }
        self.visiting.push((via.clone(), label.clone()));
        let result = (|| {
            let mut set = BTreeSet::new();
            let (module, expr, here) = match via {
                Via::Var(m, name) => {
                    let module = &stack.modules[*m];
                    let (Some(parent), Some(call_name)) = (module.parent, &module.call_name) else {
                        return Ok(set); // a root variable: an input
                    };
                    let Some((expr, aloc)) = stack.modules[parent]
                        .calls
                        .get(call_name)
                        .and_then(|c| c.args.get(name))
                    else {
                        return Ok(set); // the default applies
                    };
                    (parent, expr, aloc.clone())
                }
                Via::Local(m, name) => {
                    let (expr, l) = &stack.modules[*m].locals[name];
                    (*m, expr, l.clone())
                }
                Via::Output(m, name) => {
                    let o = &stack.modules[*m].outputs[name];
                    (*m, &o.expr, o.loc.clone())
                }
            };
            let mut out = Vec::new();
            refs_of(expr, &mut Vec::new(), &mut out);
            for rf in out {
                set.extend(self.resolve(module, &rf, &label, &here)?);
            }
            Ok(set)
        })();
        self.visiting.pop();
        let set = result?;
        self.memo.insert(via.clone(), set.clone());
        Ok(set)
    }
}

fn find(stack: &Stack, module: usize, mode: Mode, tf_type: &str, name: &str) -> Option<usize> {
    stack.modules[module].resources.iter().copied().find(|&i| {
        let r = &stack.resources[i];
        r.mode == mode && r.tf_type == tf_type && r.name == name
    })
}

fn all_resources(stack: &Stack, module: usize) -> BTreeSet<usize> {
    let mut set: BTreeSet<usize> = stack.modules[module].resources.iter().copied().collect();
    for call in stack.modules[module].calls.values() {
        set.extend(all_resources(stack, call.child));
    }
    set
}

/// Kahn's algorithm, lowest index first among the ready; a cycle is reported as a path.
fn topo(stack: &Stack, deps: &[BTreeSet<usize>]) -> Result<Vec<usize>, StackError> {
    let n = deps.len();
    let mut remaining: Vec<usize> = deps.iter().map(BTreeSet::len).collect();
    let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, d) in deps.iter().enumerate() {
        for &j in d {
            dependents[j].push(i);
        }
    }
    let mut ready: BTreeSet<usize> = (0..n).filter(|&i| remaining[i] == 0).collect();
    let mut order = Vec::with_capacity(n);
    while let Some(i) = ready.pop_first() {
        order.push(i);
        for &k in &dependents[i] {
            remaining[k] -= 1;
            if remaining[k] == 0 {
                ready.insert(k);
            }
        }
    }
    if order.len() == n {
        return Ok(order);
    }
    // Walk from any node left over along unfinished dependencies until a node repeats.
    let left: BTreeSet<usize> = (0..n).filter(|i| !order.contains(i)).collect();
    let mut path = Vec::new();
    let mut at = left.first().copied().unwrap_or(0);
    loop {
        if let Some(pos) = path.iter().position(|&p| p == at) {
            let cycle: Vec<String> = path[pos..]
                .iter()
                .chain(std::iter::once(&at))
                .map(|&i| format!("{} ({})", stack.address(i), stack.resources[i].loc))
                .collect();
            return Err(StackError::Cycle { path: cycle });
        }
        path.push(at);
        match deps[at].iter().find(|d| left.contains(d)) {
            Some(&next) => at = next,
            None => {
                return Err(StackError::Cycle {
                    path: vec![stack.address(at)],
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stack::VarInput;

    fn load(list: &[(&str, &str)]) -> Result<(Stack, Graph), StackError> {
        let files = list
            .iter()
            .map(|(p, t)| (p.to_string(), t.to_string()))
            .collect();
        let stack = Stack::load(files, &[])?;
        let graph = build(&stack)?;
        Ok((stack, graph))
    }

    fn order(stack: &Stack, graph: &Graph) -> Vec<String> {
        graph.order.iter().map(|&i| stack.address(i)).collect()
    }

    #[test]
    fn orders_by_references_locals_modules_and_depends_on() {
        let (stack, graph) = load(&[
            (
                "main.tf",
                r#"
variable "instance_id" {}
locals { vpc = digitalocean_vpc.main.id }
resource "digitalocean_project_resources" "p" {
  project   = digitalocean_project.p.id
  resources = flatten([[digitalocean_database_cluster.db.urn], module.app.urns])
}
resource "digitalocean_database_cluster" "db" {
  private_network_uuid = local.vpc
  dynamic "maintenance_window" {
    for_each = [1]
    content { day = maintenance_window.value }
  }
}
resource "digitalocean_project" "p" { name = "p-${var.instance_id}" }
resource "digitalocean_certificate" "c" { depends_on = [digitalocean_domain.d] }
resource "digitalocean_domain" "d" { name = "x" }
resource "digitalocean_vpc" "main" { name = [for s in ["a"] : s][0] }
module "app" {
  source = "./m"
  vpc    = digitalocean_vpc.main.id
}
"#,
            ),
            (
                "m/main.tf",
                r#"
variable "vpc" {}
resource "digitalocean_droplet" "d" {
  count    = 2
  name     = "d-${count.index}"
  vpc_uuid = var.vpc
}
output "urns" { value = digitalocean_droplet.d[*].urn }
"#,
            ),
        ])
        .expect("builds");
        let order = order(&stack, &graph);
        let pos = |a: &str| order.iter().position(|o| o == a).unwrap_or(usize::MAX);
        assert!(pos("digitalocean_vpc.main") < pos("digitalocean_database_cluster.db"));
        assert!(pos("digitalocean_vpc.main") < pos("module.app.digitalocean_droplet.d"));
        assert!(pos("module.app.digitalocean_droplet.d") < pos("digitalocean_project_resources.p"));
        assert!(pos("digitalocean_database_cluster.db") < pos("digitalocean_project_resources.p"));
        assert!(pos("digitalocean_project.p") < pos("digitalocean_project_resources.p"));
        assert!(pos("digitalocean_domain.d") < pos("digitalocean_certificate.c"));
        assert_eq!(order.len(), 7);
    }

    #[test]
    fn unknown_references_name_owner_and_line() {
        let cases: &[(&str, &str)] = &[
            (
                "resource \"digitalocean_vpc\" \"a\" {\n  name = \"x\"\n  ip_range = digitalocean_vpc.b.ip_range\n}\n",
                "main.tf:3: unknown reference `digitalocean_vpc.b.ip_range` in `digitalocean_vpc.a`: no such resource in this module",
            ),
            (
                "resource \"t_x\" \"a\" {\n  v = var.nope\n}\n",
                "main.tf:2: unknown reference `var.nope` in `t_x.a`",
            ),
            (
                "resource \"t_x\" \"a\" {\n  v = local.nope\n}\n",
                "no such local value",
            ),
            (
                "resource \"t_x\" \"a\" {\n  v = module.m.o\n}\n",
                "no such module call",
            ),
            (
                "resource \"t_x\" \"a\" {\n  v = data.t_y.z.id\n}\n",
                "no such data source",
            ),
            (
                "resource \"t_x\" \"a\" {\n  v = count.index\n}\n",
                "only valid in a resource with `count`",
            ),
            (
                "resource \"t_x\" \"a\" {\n  v = nonsense\n}\n",
                "did you mean `var.…`",
            ),
            (
                "output \"o\" {\n  value = t_x.gone.id\n}\n",
                "main.tf:1: unknown reference `t_x.gone.id` in `output.o`",
            ),
            (
                "resource \"t_x\" \"a\" {\n  depends_on = [t_x.b]\n}\n",
                "main.tf:2: unknown reference `t_x.b`",
            ),
        ];
        for (src, want) in cases {
            match load(&[("main.tf", src)]) {
                Err(e) => assert!(e.to_string().contains(want), "want {want:?}\n got {e}"),
                Ok(_) => panic!("expected an error for {src}"),
            }
        }
    }

    #[test]
    fn cycles_are_errors_with_their_path() {
        let err = load(&[(
            "main.tf",
            "resource \"t_x\" \"a\" {\n  v = t_x.b.id\n}\nresource \"t_x\" \"b\" {\n  v = t_x.a.id\n}\n",
        )])
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
        assert!(
            err.contains(
                "dependency cycle: t_x.a (main.tf:1) → t_x.b (main.tf:4) → t_x.a (main.tf:1)"
            ),
            "{err}"
        );
        let err = load(&[("main.tf", "locals {\n  a = local.b\n  b = local.a\n}\nresource \"t_x\" \"a\" {\n  v = local.a\n}\n")])
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            err.contains("dependency cycle: local.a → local.b → local.a"),
            "{err}"
        );
        let err = load(&[("main.tf", "resource \"t_x\" \"a\" {\n  v = t_x.a.id\n}\n")])
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            err.contains("dependency cycle: t_x.a (main.tf:1) → t_x.a"),
            "{err}"
        );
    }

    #[test]
    fn every_corpus_stack_builds_a_graph() {
        let root = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
        let mut dirs = Vec::new();
        find_expected(&root.join("examples"), &mut dirs);
        find_expected(&root.join("tests/corpus"), &mut dirs);
        assert!(dirs.len() > 50, "found {} stacks", dirs.len());
        for dir in dirs {
            let mut files = BTreeMap::new();
            collect(&dir, &dir, &mut files);
            // A stack whose origin reads undeclared variables, or passes a module an argument it
            // declares no variable for, is rejected as Terraform would (the compiler reports it
            // as an F402 error): nothing to build.
            if files
                .get("report.json")
                .is_some_and(|r| r.contains("\"code\": \"F402\",\n      \"severity\": \"error\""))
            {
                let err = Stack::load(
                    files,
                    &[("instance_id".into(), VarInput::Text("acme".into()))],
                )
                .map_err(|e| e.to_string())
                .and_then(|s| build(&s).map(|_| ()).map_err(|e| e.to_string()))
                .err()
                .unwrap_or_default();
                assert!(
                    err.contains("declares no such variable") || err.contains("has no variable"),
                    "{}: {err}",
                    dir.display()
                );
                continue;
            }
            // A stack with a reference cycle the compiler reports (F403) is rejected with the
            // cycle's path, as Terraform rejects it.
            if files
                .get("report.json")
                .is_some_and(|r| r.contains("\"code\": \"F403\""))
            {
                let err = Stack::load(
                    files,
                    &[("instance_id".into(), VarInput::Text("acme".into()))],
                )
                .map_err(|e| e.to_string())
                .and_then(|s| build(&s).map(|_| ()).map_err(|e| e.to_string()))
                .err()
                .unwrap_or_default();
                assert!(err.contains("dependency cycle"), "{}: {err}", dir.display());
                continue;
            }
            let stack = Stack::load(
                files,
                &[("instance_id".into(), VarInput::Text("acme".into()))],
            );
            let stack = match stack {
                Ok(s) => s,
                // A module called with `count`/`for_each` (kept from the origin) is the one
                // construct `ferry deploy` refuses by design (README: `tofu apply` applies it);
                // the refusal must name the call.
                Err(e @ StackError::Module { .. })
                    if e.to_string()
                        .contains("`count`/`for_each` on a module call") =>
                {
                    assert!(e.to_string().contains("module `"), "{}: {e}", dir.display());
                    continue;
                }
                Err(e) => panic!("{}: {e}", dir.display()),
            };
            if let Err(e) = build(&stack) {
                panic!("{}: {e}", dir.display());
            }
        }
    }

    fn find_expected(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                if path.file_name().is_some_and(|n| n == "expected") {
                    if path.join("main.tf").exists() {
                        out.push(path);
                    }
                } else {
                    find_expected(&path, out);
                }
            }
        }
    }

    fn collect(root: &std::path::Path, dir: &std::path::Path, out: &mut BTreeMap<String, String>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                collect(root, &path, out);
            } else if let (Ok(text), Ok(rel)) =
                (std::fs::read_to_string(&path), path.strip_prefix(root))
            {
                out.insert(rel.to_string_lossy().to_string(), text);
            }
        }
    }
}
