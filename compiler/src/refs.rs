//! The reference pass: every `aws_*.name.attr`, `data.aws_*.name.attr` and output of an
//! expanded registry module (`module.vpc.vpc_id`) becomes the equivalent expression on what was
//! emitted, or `null` with a diagnostic. Runs over emitted resources (including meta-arguments),
//! locals, outputs and module arguments, after every rule has run.

use crate::diag::{Code, Diagnostic};
use crate::hclx;
use crate::rules::{Export, Exports, State};
use crate::schema;
use crate::source::Loc;
use hcl::Expression;
use hcl::expr::TraversalOperator as Op;
use std::collections::{BTreeMap, BTreeSet};

/// Outputs of registry modules that Ferry expanded: module name → output → (origin address of
/// the synthetic resource, attribute), or a fixed export.
pub type ModuleExports = BTreeMap<String, BTreeMap<String, ModuleOutput>>;

#[derive(Debug, Clone, PartialEq)]
pub enum ModuleOutput {
    /// An attribute of a resource the module expanded into (by origin address).
    Attr {
        origin: String,
        attr: String,
    },
    Expr(Expression),
    /// A map by static key (`route53_zone_zone_id["example.com"]`), each entry an attribute of
    /// a resource the module expanded into: `out["key"]` reads that attribute, `out` alone the
    /// whole map.
    Keyed(BTreeMap<String, (String, String)>),
    /// A list, each element an attribute of a resource the module expanded into
    /// (`target_group_arns`): `out[0]` reads one, `out` alone the whole list.
    Listed(Vec<(String, String)>),
    /// A map by static key of whole resources the module expanded into (alb v9's
    /// `target_groups`): `out["key"].attr` (or `out.key.attr`) reads that attribute of the
    /// key's resource. Any other read (the whole map, a key not known statically, an entry
    /// without an attribute) is unmapped, for the reason given.
    Objects(BTreeMap<String, String>, String),
    Unmapped(String),
}

/// The resource and the operators after its attribute name, of `out["key"].attr…` (or
/// `out.key.attr…`) read from a [`ModuleOutput::Objects`] map: `rest` starts after the output's
/// name.
fn object_entry<'r>(
    map: &BTreeMap<String, String>,
    rest: &'r [Op],
) -> Option<(String, &'r str, &'r [Op])> {
    let (key, after) = match rest {
        [Op::Index(Expression::String(k)), after @ ..] => (k.as_str(), after),
        [Op::GetAttr(k), after @ ..] => (k.as_str(), after),
        _ => return None,
    };
    let origin = map.get(key)?;
    match after {
        [Op::GetAttr(attr), after @ ..] => Some((origin.clone(), attr.as_str(), after)),
        _ => None,
    }
}

/// `module.eks.cluster_id` inside the body of an origin resource → `aws_eks_cluster.eks.id`,
/// the resource of the expanded registry module it stands for, so that rules resolve it like a
/// reference to a resource of the stack (a `data "aws_eks_cluster"` reading the module's
/// cluster). The reference pass gives both spellings the same result. Returns whether anything
/// changed.
pub fn inline_module_outputs(body: &mut hcl::Body, modules: &ModuleExports) -> bool {
    let mut changed = false;
    hclx::walk_body_mut(body, &mut |e| {
        // An instance of a repeated module (`module.app[0].id`, `module.app["a"].id`): the
        // instance of the resource it expanded into, which repeats the same way.
        if let Some((
            "module",
            [
                Op::GetAttr(m),
                key @ (Op::Index(_) | Op::LegacyIndex(_)),
                Op::GetAttr(out),
                rest @ ..,
            ],
        )) = hclx::traversal_root(e)
            && let Some(ModuleOutput::Attr { origin, attr }) =
                modules.get(m.as_str()).and_then(|o| o.get(out.as_str()))
        {
            let mut parts = origin.split('.');
            let root = parts.next().unwrap_or_default().to_string();
            let mut ops: Vec<Op> = parts
                .map(|p| Op::GetAttr(hcl::Identifier::unchecked(p)))
                .collect();
            ops.push(key.clone());
            ops.push(Op::GetAttr(hcl::Identifier::unchecked(attr)));
            ops.extend(rest.iter().cloned());
            *e = hclx::traversal(&root, ops);
            changed = true;
            return false;
        }
        let Some(("module", [Op::GetAttr(m), Op::GetAttr(out), rest @ ..])) =
            hclx::traversal_root(e)
        else {
            return true;
        };
        let (origin, attr, rest) = match modules.get(m.as_str()).and_then(|o| o.get(out.as_str())) {
            Some(ModuleOutput::Attr { origin, attr }) => (origin, attr, rest),
            Some(ModuleOutput::Listed(list)) => match rest {
                [Op::Index(i), after @ ..] => match list_index(i).and_then(|n| list.get(n)) {
                    Some((origin, attr)) => (origin, attr, after),
                    None => return true,
                },
                [Op::LegacyIndex(n), after @ ..] => {
                    match usize::try_from(*n).ok().and_then(|n| list.get(n)) {
                        Some((origin, attr)) => (origin, attr, after),
                        None => return true,
                    }
                }
                // The whole list: the list of the attributes it stands for.
                [] => {
                    *e = Expression::Array(
                        list.iter()
                            .map(|(origin, attr)| attr_traversal(origin, attr, &[]))
                            .collect(),
                    );
                    changed = true;
                    return false;
                }
                _ => return true,
            },
            Some(ModuleOutput::Keyed(map)) => match rest {
                [Op::Index(Expression::String(k)), after @ ..] => match map.get(k) {
                    Some((origin, attr)) => (origin, attr, after),
                    None => return true,
                },
                _ => return true,
            },
            Some(ModuleOutput::Objects(map, _)) => {
                let Some((origin, attr, after)) = object_entry(map, rest) else {
                    return true;
                };
                *e = attr_traversal(&origin, attr, after);
                changed = true;
                return false;
            }
            _ => return true,
        };
        *e = attr_traversal(origin, attr, rest);
        changed = true;
        false
    });
    changed
}

/// `origin.attr` followed by `rest`, as a traversal (`aws_lb.alb` + `dns_name`).
fn attr_traversal(origin: &str, attr: &str, rest: &[Op]) -> Expression {
    let mut parts = origin.split('.');
    let root = parts.next().unwrap_or_default().to_string();
    let mut ops: Vec<Op> = parts
        .map(|p| Op::GetAttr(hcl::Identifier::unchecked(p)))
        .collect();
    ops.push(Op::GetAttr(hcl::Identifier::unchecked(attr)));
    ops.extend(rest.iter().cloned());
    hclx::traversal(&root, ops)
}

/// A static list index (`[0]`).
fn list_index(e: &Expression) -> Option<usize> {
    match e {
        Expression::Number(n) => n.as_u64().and_then(|n| usize::try_from(n).ok()),
        _ => None,
    }
}

#[derive(Debug)]
pub struct Rewriter<'a> {
    pub st: &'a State,
    pub modules: &'a ModuleExports,
    /// The origin resources by address (to tell unknown references from unmapped ones).
    pub known: &'a crate::rules::ByAddr<'a>,
    reported: BTreeSet<String>,
    pub diags: Vec<Diagnostic>,
    /// Addresses of the emitted resources that repeat (`count` / `for_each`).
    repeated: BTreeSet<String>,
    /// Rewriting a `depends_on` list (a bare reference stays one address).
    in_depends_on: bool,
    /// Types of resources of other providers (not `aws_*`) that a rule left out of the
    /// deployment stack (`kubernetes_manifest` of a Karpenter `NodePool`): references to them
    /// are rewritten too.
    dropped_types: BTreeSet<String>,
}

impl<'a> Rewriter<'a> {
    /// A rewriter for the emitted resources `emitted` (taken out of `st` to be rewritten in
    /// place).
    pub fn with_emitted(
        st: &'a State,
        modules: &'a ModuleExports,
        known: &'a crate::rules::ByAddr<'a>,
        emitted: &[crate::out::Emitted],
    ) -> Self {
        // The first element of an address decides, as a lookup by address would.
        let addrs: Vec<String> = emitted.iter().map(|e| e.address()).collect();
        let mut seen: BTreeSet<&str> = BTreeSet::new();
        let mut repeated = BTreeSet::new();
        for (e, addr) in emitted.iter().zip(&addrs) {
            if seen.insert(addr) && e.meta.is_repeated() {
                repeated.insert(addr.clone());
            }
        }
        // Collected into an ordered set: the look-up map's order cannot reach the output.
        let dropped_types = known
            .values()
            .filter(|r| {
                !r.ty.starts_with("aws_")
                    && st
                        .outcomes
                        .get(r.address())
                        .is_some_and(|o| o.outcome == crate::report::Outcome::Dropped)
            })
            .map(|r| r.ty.clone())
            .collect();
        Rewriter {
            st,
            modules,
            known,
            reported: BTreeSet::new(),
            diags: Vec::new(),
            repeated,
            in_depends_on: false,
            dropped_types,
        }
    }

    /// An output whose value is a whole AWS object (`value = aws_apigatewayv2_api.api`, or one
    /// instance of it, `aws_instance.web[0]`) is read by its callers with the origin type's
    /// attribute names (`module.api.api.api_endpoint`), which the emitted object has none of
    /// (a `kubernetes_ingress_v1` has no `api_endpoint`: the plan fails). It becomes an object
    /// of the attributes the origin resource's rule exports — and `id` — sorted by name, each
    /// a reference that [`Rewriter::rewrite`] then resolves like any other. Attributes with no
    /// DigitalOcean counterpart are left out: a caller reading one fails the plan, naming it.
    /// A repeated resource without an index (a list or map of objects) stays as written.
    pub fn whole_object_output(&self, expr: &mut Expression) {
        let Expression::Traversal(t) = expr else {
            return;
        };
        let Expression::Variable(root) = &t.expr else {
            return;
        };
        let (addr, ty, rest) = match (root.as_str(), t.operators.as_slice()) {
            ("data", [Op::GetAttr(ty), Op::GetAttr(n), rest @ ..]) => {
                (format!("data.{ty}.{n}"), ty.as_str(), rest)
            }
            (ty, [Op::GetAttr(n), rest @ ..]) => (format!("{ty}.{n}"), ty, rest),
            _ => return,
        };
        if !ty.starts_with("aws_")
            || !rest
                .iter()
                .all(|o| matches!(o, Op::Index(_) | Op::LegacyIndex(_)))
        {
            return;
        }
        let (Some(r), Some(exports)) = (self.known.get(addr.as_str()), self.st.exports.get(&addr))
        else {
            return;
        };
        if rest.is_empty() && r.meta.is_repeated() {
            return;
        }
        let mut names: Vec<&str> = exports.attrs.mapped_names().collect();
        let primary_ty = exports
            .primary
            .as_deref()
            .and_then(|p| p.trim_start_matches("data.").split('.').next());
        if exports.attrs.get("id").is_none()
            && primary_ty.is_some_and(|p| schema::has_attribute(p, "id"))
        {
            names.push("id");
        }
        names.sort_unstable();
        names.dedup();
        let mut object = hcl::Object::new();
        for name in names {
            let Ok(ident) = hcl::Identifier::new(name) else {
                continue;
            };
            let mut ops = t.operators.clone();
            ops.push(Op::GetAttr(ident.clone()));
            let reference = hcl::expr::Traversal::new(t.expr.clone(), ops);
            object.insert(
                hcl::expr::ObjectKey::Identifier(ident),
                Expression::from(reference),
            );
        }
        if !object.is_empty() {
            *expr = Expression::Object(object);
        }
    }

    /// Rewrites every AWS reference inside `expr`. `loc` is where `expr` is written.
    pub fn rewrite(&mut self, expr: &mut Expression, loc: &Loc) {
        if !may_reference(expr) && !self.reads_dropped_type(expr) {
            return;
        }
        let mut replaced = false;
        hclx::walk_mut(expr, &mut |e| match self.replacement(e, loc) {
            Some(new) => {
                *e = new;
                replaced = true;
                false
            }
            None => true,
        });
        if replaced {
            // `"${null}"` fails at apply time; an unmapped part of a string becomes empty
            // (the F401 warning already says what was lost).
            hclx::drop_null_interpolations(expr);
            // An export that is itself a template, spliced into the string around it.
            hclx::flatten_templates(expr);
        }
    }

    /// Does `expr` name a type of which a resource of another provider was left out
    /// ([`Rewriter::dropped_types`])? Templates through their interpolations.
    fn reads_dropped_type(&self, expr: &Expression) -> bool {
        if self.dropped_types.is_empty() {
            return false;
        }
        let mut found = false;
        hclx::walk(expr, &mut |e| {
            if let Expression::Variable(v) = e {
                found |= self.dropped_types.contains(v.as_str());
            }
        });
        found
    }

    /// Rewrites a `depends_on` list: references become their targets; references to things
    /// that were dropped disappear.
    pub fn rewrite_depends_on(&mut self, expr: &mut Expression, loc: &Loc) {
        self.in_depends_on = true;
        self.rewrite(expr, loc);
        self.in_depends_on = false;
        if let Expression::Array(items) = expr {
            let mut seen = BTreeSet::new();
            items.retain(|i| !matches!(i, Expression::Null) && seen.insert(hclx::inline(i)));
        }
    }

    fn replacement(&mut self, e: &Expression, loc: &Loc) -> Option<Expression> {
        if let Expression::ForExpr(fe) = e {
            return self.for_expr(fe, loc);
        }
        // `provider::aws::arn_parse(…)`: a function of the AWS provider, which the deployment
        // stack does not have (Terraform rejects the call); whatever it computed from an ARN
        // has no DigitalOcean counterpart.
        if let Expression::FuncCall(c) = e
            && is_aws_function(c)
        {
            let name = format!("provider::aws::{}", c.name.name.as_str());
            self.unmapped(
                &format!("{name}(…)"),
                &format!("`{name}` is a function of the AWS provider, which the deployment stack does not have"),
                loc,
            );
            return Some(Expression::Null);
        }
        let (root, ops) = hclx::traversal_root(e)?;
        let (addr, rest): (String, &[Op]) = if root == "data" {
            match ops {
                // Another layer's state (`rules::remote_state`): read through its inputs.
                [Op::GetAttr(ty), Op::GetAttr(name), rest @ ..]
                    if ty.as_str().starts_with("aws_")
                        || ty.as_str() == "terraform_remote_state" =>
                {
                    (format!("data.{}.{}", ty.as_str(), name.as_str()), rest)
                }
                _ => return None,
            }
        } else if root == "module" {
            let [Op::GetAttr(m), rest @ ..] = ops else {
                return None;
            };
            let outputs = self.modules.get(m.as_str())?;
            return Some(self.module_output(m.as_str(), outputs, rest, loc));
        } else if root.starts_with("aws_") {
            match ops {
                [Op::GetAttr(name), rest @ ..] => (format!("{root}.{}", name.as_str()), rest),
                _ => return Some(Expression::Null),
            }
        } else if let [Op::GetAttr(name), rest @ ..] = ops
            && let addr = format!("{root}.{}", name.as_str())
            && self
                .st
                .outcomes
                .get(&addr)
                .is_some_and(|r| r.outcome == crate::report::Outcome::Dropped)
        {
            // A resource of another provider that a rule left out of the deployment stack (a
            // Karpenter `NodePool`, an AWS-only controller's release): a `depends_on` entry
            // naming it goes, and what reads it reads `null` (F401), as for AWS resources;
            // kept, the reference names an undeclared resource and the plan fails.
            (addr, rest)
        } else {
            return None;
        };
        Some(self.resource_ref(&addr, rest, loc))
    }

    fn module_output(
        &mut self,
        module: &str,
        outputs: &BTreeMap<String, ModuleOutput>,
        rest: &[Op],
        loc: &Loc,
    ) -> Expression {
        // `module.x[0].out` (a module with count/for_each): the expansion already warned that
        // the module is mapped once.
        let rest = match rest.iter().position(|o| matches!(o, Op::GetAttr(_))) {
            Some(i) => &rest[i..],
            None => &[],
        };
        let Some(Op::GetAttr(out)) = rest.first() else {
            return Expression::Null;
        };
        // `origin.attr` followed by what the reference reads after the output.
        let attr_ref = |this: &mut Self, (origin, attr): &(String, String), after: &[Op]| {
            let mut ops = vec![Op::GetAttr(hcl::Identifier::unchecked(attr.as_str()))];
            ops.extend(after.iter().cloned());
            this.resource_ref(origin, &ops, loc)
        };
        match outputs.get(out.as_str()) {
            Some(ModuleOutput::Attr { origin, attr }) => {
                let mut ops = vec![Op::GetAttr(hcl::Identifier::unchecked(attr.as_str()))];
                ops.extend(rest[1..].iter().cloned());
                self.resource_ref(origin, &ops, loc)
            }
            Some(ModuleOutput::Expr(e)) => e.clone(),
            Some(ModuleOutput::Keyed(map)) => {
                let keyed = match &rest[1..] {
                    [Op::Index(Expression::String(k)), after @ ..] => {
                        map.get(k).map(|entry| (entry, after))
                    }
                    _ => None,
                };
                match keyed {
                    Some((entry, after)) => attr_ref(self, entry, after),
                    None => {
                        let after = &rest[1..];
                        // The whole map (or an index not known statically): an object of the
                        // rewritten entries, indexed as written.
                        let mut obj = hcl::Object::new();
                        for (k, entry) in map {
                            obj.insert(
                                hcl::ObjectKey::Expression(Expression::String(k.clone())),
                                attr_ref(self, entry, &[]),
                            );
                        }
                        let whole = Expression::Object(obj);
                        if after.is_empty() {
                            whole
                        } else {
                            Expression::Traversal(Box::new(hcl::expr::Traversal::new(
                                Expression::Parenthesis(Box::new(whole)),
                                after.to_vec(),
                            )))
                        }
                    }
                }
            }
            Some(ModuleOutput::Listed(list)) => {
                let after = &rest[1..];
                let one = match after {
                    [Op::Index(i), after @ ..] => {
                        list_index(i).and_then(|n| list.get(n)).map(|x| (x, after))
                    }
                    [Op::LegacyIndex(n), after @ ..] => usize::try_from(*n)
                        .ok()
                        .and_then(|n| list.get(n))
                        .map(|x| (x, after)),
                    _ => None,
                };
                match one {
                    Some((entry, after)) => attr_ref(self, entry, after),
                    None => {
                        let whole = Expression::Array(
                            list.iter()
                                .map(|entry| attr_ref(self, entry, &[]))
                                .collect(),
                        );
                        if after.is_empty() {
                            whole
                        } else {
                            Expression::Traversal(Box::new(hcl::expr::Traversal::new(
                                Expression::Parenthesis(Box::new(whole)),
                                after.to_vec(),
                            )))
                        }
                    }
                }
            }
            Some(ModuleOutput::Objects(map, reason)) => match object_entry(map, &rest[1..]) {
                Some((origin, attr, after)) => {
                    let mut ops = vec![Op::GetAttr(hcl::Identifier::unchecked(attr))];
                    ops.extend(after.iter().cloned());
                    self.resource_ref(&origin, &ops, loc)
                }
                None => {
                    self.unmapped(&format!("module.{module}.{}", out.as_str()), reason, loc);
                    Expression::Null
                }
            },
            Some(ModuleOutput::Unmapped(reason)) => {
                self.unmapped(&format!("module.{module}.{}", out.as_str()), reason, loc);
                Expression::Null
            }
            None => {
                self.unmapped(
                    &format!("module.{module}.{}", out.as_str()),
                    "Ferry does not map this output of the registry module",
                    loc,
                );
                Expression::Null
            }
        }
    }

    fn resource_ref(&mut self, addr: &str, rest: &[Op], loc: &Loc) -> Expression {
        let split = rest
            .iter()
            .position(|o| matches!(o, Op::GetAttr(_)))
            .unwrap_or(rest.len());
        let (index, after) = rest.split_at(split);
        // Borrowed from the state (not from `self`), so nothing is copied per reference.
        let st: &'a State = self.st;
        if let Some(&keyed) = st.never_created.get(addr) {
            return self.never_created(keyed, rest);
        }
        let Some(rec) = st.outcomes.get(addr) else {
            // An address the module does not declare was already reported on the origin as
            // written, at its first reference (F402, `crate::undeclared`): not a second time.
            if self.known.contains_key(addr) {
                self.unmapped(addr, "it has no DigitalOcean equivalent", loc);
            }
            return Expression::Null;
        };
        // `aws_ecs_service.svc["web"]`: an instance a rule mapped on its own (exports under the
        // instance's address) stands for itself; its index is spent.
        let instance = match index {
            [Op::Index(Expression::String(k))] => st.exports.get(&format!("{addr}[{k:?}]")),
            [Op::Index(Expression::Number(n))] => st.exports.get(&format!("{addr}[{n}]")),
            _ => None,
        };
        if instance.is_none()
            && let Some(keys) = st.instance_keys.get(addr)
            && let Some(e) = self.instances_ref(addr, keys, index, after, loc)
        {
            return e;
        }
        let (exports, index) = match instance {
            Some(x) => (Some(x), &[][..]),
            None => (st.exports.get(addr), index),
        };
        let primary: Option<&str> = exports
            .and_then(|x| x.primary.as_deref())
            .or_else(|| rec.targets.first().map(String::as_str));
        let Some((Op::GetAttr(attr), tail)) = after.split_first() else {
            // A bare reference (`depends_on = [aws_vpc.main]`, `aws_instance.web[*]`).
            return match primary {
                Some(p) => self
                    .folded_collection(addr, p, index, after)
                    .unwrap_or_else(|| self.target(p, index, &[], &[])),
                None => Expression::Null,
            };
        };
        let attr = attr.as_str();
        let export = self.export_for(attr, exports, primary);
        match export.as_deref() {
            Some(Export::Attr { target, attr }) => {
                self.target(target, index, &[attr.as_ref()], tail)
            }
            Some(Export::Tmpl { target, tmpl }) => {
                let splat = index
                    .iter()
                    .any(|o| matches!(o, Op::FullSplat | Op::AttrSplat));
                let text = if splat && !self.repeated.contains(target.as_str()) {
                    // Instances folded into one target (per-zone NAT gateways → the VPC's
                    // one): a list of its value. A `for` over a single object would iterate
                    // over its attributes.
                    format!(
                        "[{}]",
                        tmpl.replace("$T", &hclx::inline(&self.target(target, &[], &[], &[])))
                    )
                } else if splat {
                    // `aws_db_instance.x[*].endpoint` → one value per instance.
                    let base = hclx::inline(&self.target(target, &[], &[], &[]));
                    format!("[for i in {base} : {}]", tmpl.replace("$T", "i"))
                } else {
                    tmpl.replace("$T", &hclx::inline(&self.target(target, index, &[], &[])))
                };
                hclx::parse_expr(&text).unwrap_or(Expression::Null)
            }
            Some(Export::Value { target, tmpl }) => {
                let text = tmpl.replace("$T", &hclx::inline(&self.target(target, index, &[], &[])));
                apply_tail(hclx::parse_expr(&text).unwrap_or(Expression::Null), tail)
            }
            // The rest of the reference applies to the value (`name_servers.0`, `x.list[1]`).
            Some(Export::Expr(e)) => apply_tail(e.clone(), tail),
            Some(Export::Unmapped(reason)) => {
                self.unmapped(&format!("{addr}.{attr}"), reason, loc);
                Expression::Null
            }
            None => {
                let reason = match &primary {
                    Some(p) => format!("`{p}` has no attribute that corresponds to `{attr}`"),
                    None => format!(
                        "`{addr}` was {} and has no DigitalOcean counterpart",
                        rec.outcome.as_str()
                    ),
                };
                self.unmapped(&format!("{addr}.{attr}"), &reason, loc);
                Expression::Null
            }
        }
    }

    /// A reference to a resource that is never created (its `count` is 0, its `for_each`
    /// empty; `keyed` for the latter): what Terraform reads for it. The resource itself is
    /// an empty list (object), a splat an empty list, an index into it indexes the empty
    /// collection as written (an error outside `try`, as in the origin:
    /// `try(aws_instance.x[0].id, "")` stays valid and reads `""`); a `depends_on` entry
    /// disappears.
    fn never_created(&self, keyed: bool, rest: &[Op]) -> Expression {
        if self.in_depends_on {
            return Expression::Null;
        }
        let empty = match keyed {
            true => Expression::Object(hcl::Object::new()),
            false => Expression::Array(vec![]),
        };
        let (base, ops) = match rest.split_first() {
            None => return empty,
            Some((Op::FullSplat | Op::AttrSplat, after)) => {
                // `x[*].id`: the attributes read from each element are spent.
                let i = after
                    .iter()
                    .position(|o| !matches!(o, Op::GetAttr(_)))
                    .unwrap_or(after.len());
                (Expression::Array(vec![]), &after[i..])
            }
            Some((Op::Index(_) | Op::LegacyIndex(_), _)) => (empty, rest),
            // `x.id` without an index is an error for a repeated resource.
            Some(_) => return Expression::Null,
        };
        if ops.is_empty() {
            return base;
        }
        Expression::Traversal(Box::new(hcl::expr::Traversal::new(base, ops.to_vec())))
    }

    /// A reference to a resource a rule mapped one instance at a time (`keys`, see
    /// `State::instance_keys`) that names no single instance statically:
    /// * a splat (`x[*].value`) → the list of every instance's value;
    /// * a computed index (`x[count.index].value`, `x[each.key].value`) → that list (or an
    ///   object by `for_each` key) indexed as written;
    /// * the resource itself (`for k, p in x`, `values(x)`) → a list (object) of one object per
    ///   instance with its exported attributes; in `depends_on` it stays the first instance.
    ///
    /// `None` for anything else (`x.value` without an index reads the first instance).
    fn instances_ref(
        &mut self,
        addr: &str,
        keys: &[hcl::Value],
        index: &[Op],
        after: &[Op],
        loc: &Loc,
    ) -> Option<Expression> {
        let by_key = keys.iter().any(|k| matches!(k, hcl::Value::String(_)));
        let key_expr = |k: &hcl::Value| crate::eval::value_to_expr(k);
        let each = |this: &mut Self, after: &[Op]| -> Vec<(Expression, Expression)> {
            keys.iter()
                .map(|k| {
                    let mut ops = vec![Op::Index(key_expr(k))];
                    ops.extend(after.iter().cloned());
                    (key_expr(k), this.resource_ref(addr, &ops, loc))
                })
                .collect()
        };
        let collection = |items: Vec<(Expression, Expression)>, by_key: bool| {
            if by_key {
                let mut obj = hcl::Object::new();
                for (k, v) in items {
                    obj.insert(hcl::ObjectKey::Expression(k), v);
                }
                Expression::Object(obj)
            } else {
                Expression::Array(items.into_iter().map(|(_, v)| v).collect())
            }
        };
        match index {
            [Op::FullSplat | Op::AttrSplat] => Some(Expression::Array(
                each(self, after).into_iter().map(|(_, v)| v).collect(),
            )),
            [Op::Index(i)] => {
                let whole = collection(each(self, after), by_key);
                Some(Expression::Traversal(Box::new(hcl::expr::Traversal::new(
                    whole,
                    vec![Op::Index(i.clone())],
                ))))
            }
            [] if after.is_empty() && !self.in_depends_on => {
                let st: &'a State = self.st;
                let first = crate::rules::instance_address(addr, keys.first()?);
                let names: Vec<String> = st
                    .exports
                    .get(&first)?
                    .attrs
                    .mapped_names()
                    .map(str::to_string)
                    .collect();
                let items = keys
                    .iter()
                    .map(|k| {
                        let mut obj = hcl::Object::new();
                        for n in &names {
                            let ops = [
                                Op::Index(key_expr(k)),
                                Op::GetAttr(hcl::Identifier::unchecked(n.as_str())),
                            ];
                            obj.insert(
                                hcl::ObjectKey::Identifier(hcl::Identifier::unchecked(n.as_str())),
                                self.resource_ref(addr, &ops, loc),
                            );
                        }
                        (key_expr(k), Expression::Object(obj))
                    })
                    .collect();
                Some(collection(items, by_key))
            }
            _ => None,
        }
    }

    /// How `attr` of an origin resource is expressed: its declared export, or the
    /// attribute of the same name on the primary target (`arn` → `urn`).
    /// Declared exports are borrowed; only the fallback is built.
    /// `exports` and `primary` are the resource's, looked up once by the caller.
    fn export_for(
        &self,
        attr: &str,
        exports: Option<&'a Exports>,
        primary: Option<&'a str>,
    ) -> Option<std::borrow::Cow<'a, Export>> {
        use std::borrow::Cow;
        if let Some(e) = exports.and_then(|x| x.attrs.get(attr)) {
            return Some(Cow::Borrowed(e));
        }
        let p = primary?;
        let ty = p.trim_start_matches("data.").split('.').next()?;
        if schema::has_attribute(ty, attr) {
            Some(Cow::Owned(Export::Attr {
                target: p.to_string(),
                attr: attr.to_string().into(),
            }))
        } else if attr == "arn" && schema::has_attribute(ty, "urn") {
            Some(Cow::Owned(Export::Attr {
                target: p.to_string(),
                attr: "urn".into(),
            }))
        } else {
            None
        }
    }

    /// `{ for k, b in aws_s3_bucket.this : k => b.bucket }`: attributes read from the iterator
    /// of a for expression over an AWS resource are rewritten like references to it.
    fn for_expr(&mut self, fe: &hcl::expr::ForExpr, loc: &Loc) -> Option<Expression> {
        let (root, ops) = hclx::traversal_root(&fe.collection_expr)?;
        let addr = match ops {
            [Op::GetAttr(name)] if root.starts_with("aws_") => format!("{root}.{}", name.as_str()),
            [Op::GetAttr(ty), Op::GetAttr(name)]
                if root == "data" && ty.as_str().starts_with("aws_") =>
            {
                format!("data.{}.{}", ty.as_str(), name.as_str())
            }
            _ => return None,
        };
        let st: &'a State = self.st;
        if let Some(&keyed) = st.never_created.get(&addr) {
            // Iterates over nothing: the body's references to the element stay as written.
            let mut fe = fe.clone();
            fe.collection_expr = self.never_created(keyed, &[]);
            return Some(Expression::ForExpr(Box::new(fe)));
        }
        if st.instance_keys.contains_key(&addr) {
            // Mapped one instance at a time: the collection becomes one object per instance
            // with the attributes the body reads (`instances_ref`), so the body stays as is.
            let mut fe = fe.clone();
            self.rewrite(&mut fe.collection_expr, loc);
            let mut parts: Vec<&mut Expression> = vec![&mut fe.value_expr];
            parts.extend(fe.key_expr.as_mut());
            parts.extend(fe.cond_expr.as_mut());
            for part in parts {
                self.rewrite(part, loc);
            }
            return Some(Expression::ForExpr(Box::new(fe)));
        }
        let exports = st.exports.get(&addr);
        let primary = exports.and_then(|x| x.primary.as_deref()).or_else(|| {
            st.outcomes
                .get(&addr)
                .and_then(|r| r.targets.first().map(String::as_str))
        });
        let mut fe = fe.clone();
        self.rewrite(&mut fe.collection_expr, loc);
        let var = fe.value_var.as_str().to_string();
        let mut parts: Vec<&mut Expression> = vec![&mut fe.value_expr];
        parts.extend(fe.key_expr.as_mut());
        parts.extend(fe.cond_expr.as_mut());
        for part in parts {
            hclx::walk_mut(part, &mut |x| {
                let Some((r, [Op::GetAttr(attr), tail @ ..])) = hclx::traversal_root(x) else {
                    return true;
                };
                if r != var {
                    return true;
                }
                let base = hclx::path(&[var.as_str()]);
                *x = match self.export_for(attr.as_str(), exports, primary).as_deref() {
                    Some(Export::Attr { attr, .. }) => {
                        let mut ops = vec![Op::GetAttr(hcl::Identifier::unchecked(attr.as_ref()))];
                        ops.extend(tail.iter().cloned());
                        hclx::traversal(&var, ops)
                    }
                    Some(Export::Tmpl { tmpl, .. }) => {
                        hclx::parse_expr(&tmpl.replace("$T", &hclx::inline(&base)))
                            .unwrap_or(Expression::Null)
                    }
                    Some(Export::Value { tmpl, .. }) => apply_tail(
                        hclx::parse_expr(&tmpl.replace("$T", &hclx::inline(&base)))
                            .unwrap_or(Expression::Null),
                        tail,
                    ),
                    Some(Export::Expr(e)) => e.clone(),
                    Some(Export::Unmapped(reason)) => {
                        self.unmapped(&format!("{addr}.{}", attr.as_str()), reason, loc);
                        Expression::Null
                    }
                    None => {
                        let reason = format!(
                            "no DigitalOcean attribute corresponds to `{}`",
                            attr.as_str()
                        );
                        self.unmapped(&format!("{addr}.{}", attr.as_str()), &reason, loc);
                        Expression::Null
                    }
                };
                false
            });
            self.rewrite(part, loc);
        }
        Some(Expression::ForExpr(Box::new(fe)))
    }

    /// A repeated origin resource folded into one target that does not repeat (subnets with
    /// `count` / `for_each` → the one `digitalocean_vpc`), read as a whole collection
    /// (`[for s in aws_subnet.db : s.id]`, `values(aws_subnet.db)[*].id`): a collection of
    /// that one target — a list for `count`, an object with one entry (under the target's
    /// name) for `for_each` — as a splat of it is a list of one. The single object itself
    /// would be iterated attribute by attribute (`s.id` of a string: the plan fails; known gap
    /// #263). `None` for anything else (an indexed instance, `depends_on`, a target that repeats).
    fn folded_collection(
        &self,
        addr: &str,
        target: &str,
        index: &[Op],
        after: &[Op],
    ) -> Option<Expression> {
        if self.in_depends_on
            || !index.is_empty()
            || !after.is_empty()
            || self.repeated.contains(target)
        {
            return None;
        }
        let meta = &self.known.get(addr)?.meta;
        let one = self.target(target, &[], &[], &[]);
        if meta.for_each.is_some() {
            let key = target.rsplit('.').next().unwrap_or(target);
            let mut object = hcl::Object::new();
            object.insert(
                hcl::expr::ObjectKey::Identifier(hcl::Identifier::unchecked(key)),
                one,
            );
            Some(Expression::Object(object))
        } else if meta.count.is_some() {
            Some(Expression::Array(vec![one]))
        } else {
            None
        }
    }

    /// `target` with the origin's index operators when the target repeats like the origin.
    fn target(&self, target: &str, index: &[Op], attrs: &[&str], tail: &[Op]) -> Expression {
        let mut parts = target.split('.');
        let root = parts.next().unwrap_or(target);
        let mut ops: Vec<Op> = parts
            .map(|s| Op::GetAttr(hcl::Identifier::unchecked(s)))
            .collect();
        let repeated = self.repeated.contains(target);
        if repeated {
            ops.extend(index.iter().cloned());
        }
        ops.extend(
            attrs
                .iter()
                .map(|a| Op::GetAttr(hcl::Identifier::unchecked(*a))),
        );
        ops.extend(tail.iter().cloned());
        let e = hclx::traversal(root, ops);
        // `aws_subnet.x[*].id` folded into one VPC is still a list.
        if !repeated
            && index
                .iter()
                .any(|o| matches!(o, Op::FullSplat | Op::AttrSplat))
        {
            Expression::Array(vec![e])
        } else {
            e
        }
    }

    fn unmapped(&mut self, what: &str, reason: &str, loc: &Loc) {
        if self.reported.insert(what.to_string()) {
            self.diags.push(
                Diagnostic::new(
                    Code::UnmappedReference,
                    format!("`{what}` cannot be expressed on DigitalOcean: {reason}; it was replaced by `null`"),
                )
                .at(loc.clone())
                .help("replace the reference with a value that makes sense for the appliance, or remove it"),
            );
        }
    }
}

/// The rest of a reference (`[0].address`) applied to a structured export: picked out of
/// the value where it is written out (a list of objects), otherwise kept as a traversal of it.
fn apply_tail(value: Expression, tail: &[Op]) -> Expression {
    let Some((op, rest)) = tail.split_first() else {
        return value;
    };
    let picked = match (&value, op) {
        (Expression::Array(items), Op::Index(Expression::Number(n))) => n
            .as_u64()
            .and_then(|i| usize::try_from(i).ok())
            .and_then(|i| items.get(i).cloned()),
        (Expression::Array(items), Op::LegacyIndex(i)) => {
            usize::try_from(*i).ok().and_then(|i| items.get(i).cloned())
        }
        // An attribute Ferry's value does not hold has no counterpart (the rule reports it):
        // `null`, not a reference Terraform rejects.
        (Expression::Object(obj), Op::GetAttr(k)) => Some(
            obj.iter()
                .find(|(key, _)| hclx::object_key(key).as_deref() == Some(k.as_str()))
                .map(|(_, v)| v.clone())
                .unwrap_or(Expression::Null),
        ),
        _ => None,
    };
    match picked {
        Some(v) => apply_tail(v, rest),
        None => Expression::Traversal(Box::new(hcl::expr::Traversal::new(
            Expression::Parenthesis(Box::new(value)),
            tail.to_vec(),
        ))),
    }
}

/// Can `e` hold anything the reference pass rewrites (a traversal rooted at `aws_*`, `data` or
/// `module`)? A cheap, conservative pre-check: templates are judged by their text instead of
/// being parsed, and expression kinds it does not know answer yes.
/// A provider-defined function of the AWS provider (`provider::aws::arn_parse`, Terraform 1.8).
fn is_aws_function(c: &hcl::expr::FuncCall) -> bool {
    matches!(c.name.namespace.as_slice(), [p, a] if p.as_str() == "provider" && a.as_str() == "aws")
}

fn may_reference(e: &Expression) -> bool {
    use hcl::expr::{Operation, TemplateExpr};
    match e {
        Expression::Null | Expression::Bool(_) | Expression::Number(_) | Expression::String(_) => {
            false
        }
        Expression::Variable(v) => {
            let v = v.as_str();
            v.starts_with("aws_") || v == "data" || v == "module"
        }
        Expression::TemplateExpr(t) => {
            let text = match &**t {
                TemplateExpr::QuotedString(s) => s.as_str(),
                TemplateExpr::Heredoc(h) => h.template.as_str(),
            };
            text.contains("aws_")
                || text.contains("module")
                || text.contains("terraform_remote_state")
        }
        Expression::Traversal(t) => {
            may_reference(&t.expr)
                || t.operators
                    .iter()
                    .any(|op| matches!(op, Op::Index(i) if may_reference(i)))
        }
        Expression::Array(items) => items.iter().any(may_reference),
        Expression::Object(obj) => obj.iter().any(|(_, v)| may_reference(v)),
        Expression::FuncCall(c) => is_aws_function(c) || c.args.iter().any(may_reference),
        Expression::Parenthesis(p) => may_reference(p),
        Expression::Conditional(c) => {
            may_reference(&c.cond_expr)
                || may_reference(&c.true_expr)
                || may_reference(&c.false_expr)
        }
        Expression::Operation(op) => match &**op {
            Operation::Unary(u) => may_reference(&u.expr),
            Operation::Binary(b) => may_reference(&b.lhs_expr) || may_reference(&b.rhs_expr),
        },
        Expression::ForExpr(fe) => {
            may_reference(&fe.collection_expr)
                || fe.key_expr.as_ref().is_some_and(may_reference)
                || may_reference(&fe.value_expr)
                || fe.cond_expr.as_ref().is_some_and(may_reference)
        }
        #[allow(unreachable_patterns)]
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_output_inlines_an_attribute_of_one_entry() {
        let mut tgs = BTreeMap::new();
        tgs.insert("web".to_string(), "aws_lb_target_group.alb_web".to_string());
        let mut outs = BTreeMap::new();
        outs.insert(
            "target_groups".to_string(),
            ModuleOutput::Objects(tgs, "whole map".into()),
        );
        let mut modules: ModuleExports = BTreeMap::new();
        modules.insert("alb".to_string(), outs);
        let inline = |text: &str| {
            let mut body: hcl::Body = format!("x = {text}\n").parse().expect(text);
            let changed = inline_module_outputs(&mut body, &modules);
            let x = hclx::attr(&body, "x").cloned().expect("x");
            (changed, hclx::inline(&x))
        };
        for text in [
            "module.alb.target_groups[\"web\"].arn",
            "module.alb.target_groups.web.arn",
        ] {
            assert_eq!(
                inline(text),
                (true, "aws_lb_target_group.alb_web.arn".to_string()),
                "{text}"
            );
        }
        // The whole map, an unknown key, or an entry without an attribute stay as written.
        for text in [
            "module.alb.target_groups",
            "module.alb.target_groups[\"api\"].arn",
            "module.alb.target_groups[\"web\"]",
        ] {
            assert_eq!(inline(text), (false, text.to_string()), "{text}");
        }
    }

    #[test]
    fn pre_check_finds_every_rewritable_reference() {
        let yes = [
            "aws_vpc.main.id",
            "\"${aws_vpc.main.id}\"",
            "\"a-${lower(aws_s3_bucket.b.bucket)}\"",
            "data.aws_region.current.name",
            "module.vpc.vpc_id",
            "\"${module.vpc.vpc_id}\"",
            "[for b in aws_s3_bucket.x : b.arn]",
            "x ? aws_vpc.a.id : null",
            "{ a = [aws_vpc.a.id] }",
            "lookup(var.m, aws_vpc.a.id)",
            "var.list[aws_vpc.a.id]",
            "-aws_x.y.n",
            "<<EOT\n${aws_vpc.main.id}\nEOT",
        ];
        for text in yes {
            let e: Expression = text.parse().expect(text);
            assert!(may_reference(&e), "{text}");
        }
        let no = [
            "var.x",
            "\"${var.prefix}-assets-${var.instance_id}\"",
            "local.tags",
            "[1, \"a\", true, null]",
            "merge(local.tags, { Name = \"x\" })",
            "random_id.suffix.hex",
            "digitalocean_vpc.main.id",
        ];
        for text in no {
            let e: Expression = text.parse().expect(text);
            assert!(!may_reference(&e), "{text}");
        }
    }
}
