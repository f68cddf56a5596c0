//! Registry modules Ferry knows, mapped by their documented inputs.
//!
//! A known module call is expanded into synthetic AWS resources (what the module would create),
//! which then go through the ordinary rules; its outputs are declared as [`ModuleOutput`]s so
//! `module.vpc.vpc_id` is rewritten like any other reference. Any other registry module is
//! reported (F201) with what to do.
//!
//! Synthetic resources are named after the module call (`module "db"` → `aws_db_instance.db`,
//! listeners and target groups `<module>_<key>`), sit at the call's location, carry the call's
//! `count`/`for_each`/`depends_on`, and keep the input expressions as written so the reference
//! pass rewrites them (`vpc_security_group_ids = [module.sg.security_group_id]`). Inputs a
//! mapping does not use are listed in one F206 note per call.
//!
//! Inputs and outputs follow the current major versions of terraform-aws-modules: vpc v5,
//! s3-bucket v4 (and its `//modules/object`), rds v6, rds-aurora v9, alb v9 (and the v8
//! list-style listeners), security-group v5 (and its preset submodules), eks v20/v21,
//! elasticache v1, acm v5, ec2-instance v5, key-pair v2, lambda v7, ecs v5 (and its cluster and
//! service submodules), autoscaling v7, step-functions v4, secrets-manager v1, ssm-parameter v1,
//! vpc's `//modules/vpc-endpoints`, route53's `//modules/zones` and `//modules/records`,
//! apigateway-v2 (v2–v5), cloudfront v3–v4, eventbridge v3, elb v4, msk-kafka-cluster v2,
//! opensearch v1, efs v1, redshift v6, memory-db v2, sqs v4, sns v6, dynamodb-table v4,
//! kms v3, iam v5 (role, policy, user and group submodules) and cloudwatch v5 (log-group,
//! metric-alarm). The last six create what Ferry reports rather than maps (SQS, SNS and
//! DynamoDB with their alternatives; KMS, IAM and CloudWatch absorbed or dropped): expanded,
//! they get the outcome of what they create instead of F201. Two modules outside
//! terraform-aws-modules are known too, both creating nothing: `hashicorp/subnets/cidr` (v1),
//! whose outputs are `cidrsubnets` arithmetic, computed here, and Cloud Posse's
//! `cloudposse/label/null` (v0.25), whose names and tags are written in
//! [`null_label`]. Label calls are expanded first ([`expansion_order`]), so a label reading
//! another's `context` finds it.

use crate::diag::{Code, Diagnostic};
use crate::eval::{Eval, value_to_expr};
use crate::hclx;
use crate::origin::{Meta, Mode, Named, Resource};
use crate::refs::{ModuleExports, ModuleOutput};
use crate::rules::sanitize_name;
use hcl::{Body, Expression};
use std::collections::{BTreeMap, BTreeSet};

mod null_label;

/// The outputs of the module calls expanded before this one (a label's `context` is read by
/// the labels after it).
type Prior = ModuleExports;

/// Registry sources Ferry maps (without version or `//submodule`).
pub const KNOWN: &[&str] = &[
    "terraform-aws-modules/vpc/aws",
    "terraform-aws-modules/s3-bucket/aws",
    "terraform-aws-modules/s3-bucket/aws//modules/object",
    "terraform-aws-modules/rds/aws",
    "terraform-aws-modules/rds-aurora/aws",
    "terraform-aws-modules/alb/aws",
    "terraform-aws-modules/security-group/aws",
    "terraform-aws-modules/eks/aws",
    "terraform-aws-modules/eks/aws//modules/eks-managed-node-group",
    "terraform-aws-modules/eks/aws//modules/aws-auth",
    "terraform-aws-modules/eks/aws//modules/karpenter",
    "terraform-aws-modules/elasticache/aws",
    "terraform-aws-modules/acm/aws",
    "terraform-aws-modules/ec2-instance/aws",
    "terraform-aws-modules/key-pair/aws",
    "terraform-aws-modules/lambda/aws",
    "terraform-aws-modules/ecs/aws",
    "terraform-aws-modules/ecs/aws//modules/{cluster,service}",
    "terraform-aws-modules/autoscaling/aws",
    "terraform-aws-modules/step-functions/aws",
    "terraform-aws-modules/secrets-manager/aws",
    "terraform-aws-modules/ssm-parameter/aws",
    "terraform-aws-modules/vpc/aws//modules/vpc-endpoints",
    "terraform-aws-modules/route53/aws//modules/{zones,records}",
    "terraform-aws-modules/apigateway-v2/aws",
    "terraform-aws-modules/cloudfront/aws",
    "terraform-aws-modules/eventbridge/aws",
    "terraform-aws-modules/elb/aws",
    "terraform-aws-modules/msk-kafka-cluster/aws",
    "terraform-aws-modules/opensearch/aws",
    "terraform-aws-modules/efs/aws",
    "terraform-aws-modules/redshift/aws",
    "terraform-aws-modules/memory-db/aws",
    "terraform-aws-modules/sqs/aws",
    "terraform-aws-modules/sns/aws",
    "terraform-aws-modules/dynamodb-table/aws",
    "terraform-aws-modules/kms/aws",
    "terraform-aws-modules/ecr/aws",
    "terraform-aws-modules/iam/aws//modules/*",
    "terraform-aws-modules/cloudwatch/aws//modules/{log-group,metric-alarm}",
];

/// [`KNOWN`] without the `terraform-aws-modules/` namespace and `/aws` provider, for messages:
/// `vpc`, `s3-bucket//modules/object`, `iam//modules/*`.
pub fn known_short() -> Vec<String> {
    KNOWN
        .iter()
        .map(|k| {
            k.trim_start_matches("terraform-aws-modules/")
                .replacen("/aws", "", 1)
        })
        .collect()
}

/// What a known module call became.
#[derive(Debug, Default)]
pub struct Expansion {
    pub resources: Vec<Resource>,
    pub outputs: BTreeMap<String, ModuleOutput>,
    pub diags: Vec<Diagnostic>,
}

/// Expands a registry module call, or `None` when Ferry does not know the module.
/// `existing` are the resources of the calling module so far (synthetic names avoid them);
/// `prior` the outputs of the calls expanded before (see [`expansion_order`]).
pub fn expand(
    call: &Named,
    source: &str,
    eval: &Eval,
    existing: &[Resource],
    prior: &ModuleExports,
) -> Option<Expansion> {
    if null_label::is_null_label(source) {
        let mut b = Builder::new(call, eval, existing, source);
        null_label::expand(&mut b, prior);
        return Some(b.finish());
    }
    if is_subnets_cidr(source) {
        let mut b = Builder::new(call, eval, existing, source);
        subnets_cidr(&mut b);
        return Some(b.finish());
    }
    let (name, sub) = parse_source(source)?;
    let mut b = Builder::new(call, eval, existing, source);
    match (name.as_str(), sub.as_deref()) {
        ("vpc", None) => vpc(&mut b),
        ("s3-bucket", None) => s3_bucket(&mut b),
        ("s3-bucket", Some("modules/object")) => s3_object(&mut b),
        ("rds", None) => rds(&mut b),
        ("rds-aurora", None) => aurora(&mut b),
        ("alb", None) => alb(&mut b),
        ("security-group", None) => security_group(&mut b, None),
        ("security-group", Some(s)) => {
            let preset = s.strip_prefix("modules/")?;
            let group = sg_rules::group(preset)?;
            security_group(&mut b, Some(group))
        }
        ("eks", None) => eks(&mut b),
        ("eks", Some("modules/eks-managed-node-group")) => eks_managed_node_group(&mut b),
        ("eks", Some("modules/aws-auth")) => eks_aws_auth(&mut b),
        ("eks", Some("modules/karpenter")) => eks_karpenter(&mut b),
        ("elasticache", None) => elasticache(&mut b),
        ("acm", None) => acm(&mut b),
        ("ec2-instance", None) => ec2_instance(&mut b),
        ("key-pair", None) => key_pair(&mut b),
        ("lambda", None) => lambda(&mut b),
        ("ecs", sub) => ecs(&mut b, sub)?,
        ("autoscaling", None) => autoscaling(&mut b),
        ("step-functions", None) => step_functions(&mut b),
        ("secrets-manager", None) => secrets_manager(&mut b),
        ("ssm-parameter", None) => ssm_parameter(&mut b),
        ("vpc", Some("modules/vpc-endpoints")) => vpc_endpoints(&mut b),
        ("route53", Some("modules/zones")) => route53_zones(&mut b),
        ("route53", Some("modules/records")) => route53_records(&mut b),
        ("apigateway-v2", None) => apigateway_v2(&mut b),
        ("cloudfront", None) => cloudfront(&mut b),
        ("eventbridge", None) => eventbridge(&mut b),
        ("elb", None) => elb(&mut b),
        ("msk-kafka-cluster", None) => msk(&mut b),
        ("opensearch", None) => opensearch(&mut b),
        ("efs", None) => efs(&mut b),
        ("redshift", None) => redshift(&mut b),
        ("memory-db", None) => memory_db(&mut b),
        ("sqs", None) => sqs(&mut b),
        ("sns", None) => sns(&mut b),
        ("dynamodb-table", None) => dynamodb_table(&mut b),
        ("kms", None) => kms(&mut b),
        ("ecr", None) => ecr(&mut b),
        ("iam", Some(sub)) => iam(&mut b, sub)?,
        ("cloudwatch", Some(sub)) => cloudwatch(&mut b, sub)?,
        _ => return None,
    }
    Some(b.finish())
}

/// The order in which to expand a module's calls: label calls (`cloudposse/label/null`) first,
/// each after the labels whose outputs it reads (`context = module.base.context`), then the
/// others as written. `sources` holds each call's source, as evaluated.
pub fn expansion_order(calls: &[Named], sources: &[String]) -> Vec<usize> {
    let labels: Vec<usize> = (0..calls.len())
        .filter(|&i| sources.get(i).is_some_and(|s| null_label::is_null_label(s)))
        .collect();
    let reads = |i: usize| -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        hclx::walk_body(&calls[i].body, &mut |e| {
            if let Some(("module", [hcl::expr::TraversalOperator::GetAttr(m), ..])) =
                hclx::traversal_root(e)
            {
                out.insert(m.to_string());
            }
        });
        out
    };
    let mut order: Vec<usize> = Vec::with_capacity(calls.len());
    let mut pending: Vec<(usize, BTreeSet<String>)> =
        labels.iter().map(|&i| (i, reads(i))).collect();
    while !pending.is_empty() {
        let waiting = |m: &String| pending.iter().any(|(j, _)| calls[*j].name == *m);
        let ready = pending
            .iter()
            .position(|(_, r)| !r.iter().any(waiting))
            // A cycle (which Terraform rejects too): the rest as written.
            .unwrap_or(0);
        order.push(pending.remove(ready).0);
    }
    order.extend((0..calls.len()).filter(|i| !labels.contains(i)));
    order
}

/// `(name, submodule)` of a terraform-aws-modules source: `terraform-aws-modules/vpc/aws`,
/// `registry.terraform.io/terraform-aws-modules/vpc/aws//modules/x`,
/// `git::https://github.com/terraform-aws-modules/terraform-aws-vpc.git//modules/x?ref=v5.0.0`,
/// `github.com/terraform-aws-modules/terraform-aws-vpc`.
pub fn parse_source(source: &str) -> Option<(String, Option<String>)> {
    let s = source.trim();
    let s = s.split('?').next().unwrap_or(s);
    let registry = ["registry.terraform.io/", "registry.opentofu.org/"]
        .iter()
        .find_map(|p| s.strip_prefix(p))
        .unwrap_or(s);
    if let Some(rest) = registry.strip_prefix("terraform-aws-modules/") {
        let (main, sub) = split_sub(rest);
        let mut parts = main.split('/');
        let name = parts.next()?;
        if parts.next()? != "aws" || parts.next().is_some() || name.is_empty() {
            return None;
        }
        return Some((name.to_string(), sub));
    }
    // Git and GitHub forms.
    let s = s.strip_prefix("git::").unwrap_or(s);
    let s = ["https://", "http://", "ssh://git@", "ssh://", "git@"]
        .iter()
        .find_map(|p| s.strip_prefix(p))
        .unwrap_or(s);
    let s = s
        .strip_prefix("github.com/")
        .or_else(|| s.strip_prefix("github.com:"))?;
    let rest = s.strip_prefix("terraform-aws-modules/")?;
    let (main, sub) = split_sub(rest);
    let repo = main.trim_end_matches('/').trim_end_matches(".git");
    let name = repo.strip_prefix("terraform-aws-")?;
    if name.is_empty() || name.contains('/') {
        return None;
    }
    Some((name.to_string(), sub))
}

fn split_sub(s: &str) -> (&str, Option<String>) {
    match s.split_once("//") {
        Some((main, sub)) => {
            let sub = sub.trim_matches('/');
            (main, (!sub.is_empty()).then(|| sub.to_string()))
        }
        None => (s, None),
    }
}

// ---- building synthetic resources -------------------------------------------------------------

/// A resource body under construction.
#[derive(Debug, Default)]
struct B {
    items: Vec<hcl::Structure>,
}

impl B {
    fn new() -> Self {
        B::default()
    }
    fn set(&mut self, k: &str, e: Expression) -> &mut Self {
        self.items.push(hcl::Attribute::new(k, e).into());
        self
    }
    fn set_opt(&mut self, k: &str, e: Option<Expression>) -> &mut Self {
        if let Some(e) = e {
            self.set(k, e);
        }
        self
    }
    fn block(&mut self, ident: &str, b: B) -> &mut Self {
        self.items.push(
            hcl::Block::builder(ident)
                .add_structures(b.items)
                .build()
                .into(),
        );
        self
    }
    fn body(self) -> Body {
        Body::from_iter(self.items)
    }
}

/// The expansion of one call: inputs read (and which), resources and outputs produced.
struct Builder<'a> {
    call: &'a Named,
    eval: &'a Eval,
    existing: &'a [Resource],
    source: &'a str,
    used: BTreeSet<String>,
    resources: Vec<Resource>,
    outputs: BTreeMap<String, ModuleOutput>,
    diags: Vec<Diagnostic>,
    /// Said once with the F206 note (what was absorbed rather than dropped).
    absorbed: Vec<String>,
    /// Whether a repeated call gets the note on indexed references to what it expands into
    /// (not for modules that create nothing).
    repeat_note: bool,
}

/// Arguments of a `module` block that are not inputs.
const META: &[&str] = &[
    "source",
    "version",
    "providers",
    "count",
    "for_each",
    "depends_on",
];

impl<'a> Builder<'a> {
    fn new(call: &'a Named, eval: &'a Eval, existing: &'a [Resource], source: &'a str) -> Self {
        Builder {
            call,
            eval,
            existing,
            source,
            used: BTreeSet::new(),
            resources: Vec::new(),
            outputs: BTreeMap::new(),
            diags: Vec::new(),
            absorbed: Vec::new(),
            repeat_note: true,
        }
    }

    /// `module.<name>`.
    fn addr(&self) -> String {
        format!("module.{}", self.call.name)
    }

    /// The base name of synthetic resources.
    fn base(&self) -> String {
        sanitize_name(&self.call.name)
    }

    /// An input as written (marked as used); `None` when absent or `null`.
    fn input(&mut self, name: &str) -> Option<Expression> {
        self.used.insert(name.to_string());
        hclx::attr(&self.call.body, name)
            .filter(|e| !matches!(e, Expression::Null))
            .map(|e| known_keys(self.eval, e))
    }

    fn has(&self, name: &str) -> bool {
        hclx::attr(&self.call.body, name).is_some_and(|e| !matches!(e, Expression::Null))
    }

    fn input_bool(&mut self, name: &str) -> Option<bool> {
        let e = self.input(name)?;
        self.eval.bool(&e)
    }

    /// An input as a literal collection: written as one (references kept) or known statically.
    fn input_literal(&mut self, name: &str) -> Option<Expression> {
        let e = self.input(name)?;
        self.literal(name, &e)
    }

    fn literal(&mut self, name: &str, e: &Expression) -> Option<Expression> {
        match e {
            Expression::Object(_) | Expression::Array(_) => Some(e.clone()),
            other => match self.eval.value(other) {
                Some(v) => Some(value_to_expr(&v)),
                None => {
                    self.diags.push(
                        Diagnostic::new(
                            Code::NotStatic,
                            format!("input `{name}` of `{}` is not known at compile time; Ferry could not expand what it configures", self.addr()),
                        )
                        .at(self.call.loc.clone())
                        .resource(self.addr())
                        .help(format!("give `{name}` a literal value or a variable default so Ferry can map what the module creates from it")),
                    );
                    None
                }
            },
        }
    }

    /// Marks inputs as understood without carrying them (they are explained elsewhere).
    fn understood(&mut self, names: &[&str]) {
        for n in names {
            self.used.insert(n.to_string());
        }
    }

    /// Marks every present input matching `pred` as absorbed (explained by `why`).
    fn absorb_matching(&mut self, pred: impl Fn(&str) -> bool, why: &str) {
        let names: Vec<String> = self
            .call
            .body
            .attributes()
            .map(|a| a.key().to_string())
            .filter(|k| pred(k) && !self.used.contains(k))
            .collect();
        if !names.is_empty() {
            self.absorbed.push(format!(
                "{} ({why})",
                names
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        self.used.extend(names);
    }

    /// `false` when the module's own switch (`create`, `create_bucket`, …) turns it off.
    fn created(&mut self, switches: &[&str]) -> bool {
        for s in switches {
            if self.input_bool(s) == Some(false) {
                return false;
            }
        }
        true
    }

    /// A synthetic resource name not used by the calling module or this expansion.
    fn unique(&self, ty: &str, name: &str) -> String {
        let taken = |n: &str| {
            self.existing
                .iter()
                .chain(self.resources.iter())
                .any(|r| r.mode == Mode::Managed && r.ty == ty && r.name == n)
        };
        let base = sanitize_name(name);
        if !taken(&base) {
            return base;
        }
        let mut i = 2;
        loop {
            let n = format!("{base}_{i}");
            if !taken(&n) {
                return n;
            }
            i += 1;
        }
    }

    /// Adds a synthetic resource; returns its address.
    fn resource(&mut self, ty: &str, name: &str, body: B) -> String {
        let name = self.unique(ty, name);
        let meta = Meta {
            count: hclx::attr(&self.call.body, "count").cloned(),
            for_each: hclx::attr(&self.call.body, "for_each").cloned(),
            depends_on: hclx::attr(&self.call.body, "depends_on").cloned(),
            provider: None,
            lifecycle: None,
        };
        let r = Resource::new(
            Mode::Managed,
            ty.to_string(),
            name,
            body.body(),
            meta,
            self.call.loc.clone(),
            Default::default(),
        );
        let addr = r.address().to_string();
        self.resources.push(r);
        addr
    }

    fn out(&mut self, name: &str, origin: &str, attr: &str) {
        self.outputs.insert(
            name.to_string(),
            ModuleOutput::Attr {
                origin: origin.to_string(),
                attr: attr.to_string(),
            },
        );
    }

    /// Several outputs reading attributes of one resource: `(output, attribute)`.
    fn outs(&mut self, origin: &str, pairs: &[(&str, &str)]) {
        for (out, attr) in pairs {
            self.out(out, origin, attr);
        }
    }

    fn out_unmapped(&mut self, name: &str, reason: &str) {
        self.outputs
            .insert(name.to_string(), ModuleOutput::Unmapped(reason.to_string()));
    }

    fn out_expr(&mut self, name: &str, e: Expression) {
        self.outputs.insert(name.to_string(), ModuleOutput::Expr(e));
    }

    /// Passes inputs through under the same argument name.
    fn pass(&mut self, body: &mut B, names: &[&str]) {
        for n in names {
            let v = self.input(n);
            body.set_opt(n, v);
        }
    }

    /// The call's major version from its `version` constraint (`"~> 5.1"` → 5).
    fn major_version(&self) -> Option<u32> {
        let v = hclx::attr(&self.call.body, "version").and_then(|e| self.eval.string(e))?;
        let digits: String = v
            .chars()
            .skip_while(|c| !c.is_ascii_digit())
            .take_while(|c| c.is_ascii_digit())
            .collect();
        digits.parse().ok()
    }

    fn note(&mut self, code: Code, message: String) {
        self.diags.push(
            Diagnostic::new(code, message)
                .at(self.call.loc.clone())
                .resource(self.addr()),
        );
    }

    fn finish(mut self) -> Expansion {
        let mut ignored: Vec<String> = self
            .call
            .body
            .attributes()
            .map(|a| a.key().to_string())
            .filter(|k| !META.contains(&k.as_str()) && !self.used.contains(k))
            .collect();
        ignored.dedup();
        let mut parts = Vec::new();
        if !ignored.is_empty() {
            let (noun, verb, were) = if ignored.len() == 1 {
                ("input", "has", "was")
            } else {
                ("inputs", "have", "were")
            };
            parts.push(format!(
                "{noun} {} {verb} no DigitalOcean equivalent in Ferry's mapping of `{}` and {were} not carried over",
                ignored
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                self.source
            ));
        }
        if !self.absorbed.is_empty() {
            parts.push(format!("absorbed: {}", self.absorbed.join("; ")));
        }
        if !parts.is_empty() {
            let d = Diagnostic::new(
                Code::ModuleInputIgnored,
                format!("`{}`: {}", self.addr(), parts.join("; ")),
            )
            .at(self.call.loc.clone())
            .resource(self.addr())
            .help("review what the module configured with those inputs; express what the appliance needs with DigitalOcean resources where it matters");
            self.diags.push(d);
        }
        if self.repeat_note
            && (hclx::attr(&self.call.body, "for_each").is_some()
                || hclx::attr(&self.call.body, "count").is_some())
        {
            self.diags.push(
                Diagnostic::new(
                    Code::FeatureUnsupported,
                    format!("`{}` repeats with `count`/`for_each`: the resources it expands into repeat the same way; indexed references to its outputs (`{}[…].x`) read the matching instance in resource arguments, but not in outputs or locals", self.addr(), self.addr()),
                )
                .at(self.call.loc.clone())
                .resource(self.addr())
                .help("in outputs and locals, reference the expanded resources' outputs without an index, or vendor the module as a local module (`./modules/…`) so Ferry compiles it"),
            );
        }
        Expansion {
            resources: self.resources,
            outputs: self.outputs,
            diags: self.diags,
        }
    }
}

/// `aws_<ty>.<name>.<attr>`.
fn rref(addr: &str, attr: &str) -> Expression {
    let mut parts: Vec<&str> = addr.split('.').collect();
    parts.push(attr);
    hclx::path(&parts)
}

/// The expression with the keys of its objects that are expressions (`(var.container_name) =
/// { … }`, `"${local.prefix}-api" = { … }`) replaced by their values where the evaluator knows
/// them, as Terraform reads them; other keys, and keys not known at compile time, stay as written.
fn known_keys(eval: &Eval, e: &Expression) -> Expression {
    match e {
        Expression::Object(obj) => Expression::Object(
            obj.iter()
                .map(|(k, v)| {
                    let k = match k {
                        hcl::expr::ObjectKey::Expression(ke)
                            if !matches!(ke, Expression::String(_) | Expression::Variable(_)) =>
                        {
                            eval.string(ke)
                                .map(|s| hcl::expr::ObjectKey::Expression(Expression::String(s)))
                                .unwrap_or_else(|| k.clone())
                        }
                        _ => k.clone(),
                    };
                    (k, known_keys(eval, v))
                })
                .collect(),
        ),
        Expression::Array(items) => {
            Expression::Array(items.iter().map(|i| known_keys(eval, i)).collect())
        }
        other => other.clone(),
    }
}

/// An object expression's entries, by static key, in order.
fn entries(e: &Expression) -> Vec<(String, Expression)> {
    match e {
        Expression::Object(obj) => obj
            .iter()
            .filter_map(|(k, v)| Some((hclx::object_key(k)?, v.clone())))
            .collect(),
        _ => Vec::new(),
    }
}

/// A module input that takes a list or a map of objects: the list's items, or the map's values
/// in order.
fn elements(e: &Expression) -> Vec<Expression> {
    match e {
        Expression::Array(items) => items.clone(),
        other => entries(other).into_iter().map(|(_, v)| v).collect(),
    }
}

fn get(e: &Expression, key: &str) -> Option<Expression> {
    entries(e)
        .into_iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
        .filter(|v| !matches!(v, Expression::Null))
}

/// An object expression as a block body; keys in `blocks` whose values are objects (or lists
/// of objects) become nested blocks, everything else stays an attribute.
fn obj_block(e: &Expression, blocks: &[&str]) -> B {
    let mut b = B::new();
    for (k, v) in entries(e) {
        if matches!(v, Expression::Null) {
            continue;
        }
        if blocks.contains(&k.as_str()) {
            match &v {
                Expression::Object(_) => {
                    b.block(&k, obj_block(&v, blocks));
                    continue;
                }
                Expression::Array(items)
                    if items.iter().all(|i| matches!(i, Expression::Object(_))) =>
                {
                    for i in items {
                        b.block(&k, obj_block(i, blocks));
                    }
                    continue;
                }
                _ => {}
            }
        }
        b.set(&k, v);
    }
    b
}

fn is_empty_literal(e: &Expression) -> bool {
    match e {
        Expression::Null => true,
        Expression::Object(o) => o.is_empty(),
        Expression::Array(a) => a.is_empty(),
        _ => false,
    }
}

fn s(v: &str) -> Expression {
    Expression::String(v.to_string())
}

fn num(n: i64) -> Expression {
    Expression::Number(n.into())
}

/// `"${<e>}<suffix>"` for a name prefix built from an input.
fn with_suffix(e: &Expression, suffix: &str) -> Expression {
    hclx::template(format!(
        "{}{}",
        hclx::to_template_part(e),
        hclx::escape_template_literal(suffix)
    ))
}

// ---- vpc ----------------------------------------------------------------------------------------------

const SUBNETS: &str = "DigitalOcean VPCs have no subnets: resources join the VPC itself (use `vpc_id`, or `vpc_cidr_block` for its range)";

fn vpc(b: &mut Builder<'_>) {
    let name = b.input("name");
    if !b.created(&["create_vpc"]) {
        no_resources(b, &["vpc_id", "vpc_arn", "vpc_cidr_block"]);
        return;
    }
    let mut body = B::new();
    body.set(
        "cidr_block",
        b.input("cidr").unwrap_or_else(|| s("10.0.0.0/16")),
    );
    b.pass(
        &mut body,
        &[
            "enable_dns_hostnames",
            "enable_dns_support",
            "instance_tenancy",
        ],
    );
    if let Some(n) = &name {
        let tags = hcl::Object::from_iter([(
            hcl::expr::ObjectKey::Identifier(hcl::Identifier::unchecked("Name")),
            n.clone(),
        )]);
        body.set("tags", Expression::Object(tags));
    }
    let vpc = b.resource("aws_vpc", &b.base(), body);
    b.understood(&["tags", "vpc_tags"]);
    b.absorb_matching(
        |k| {
            k == "azs"
                || k.contains("subnet")
                || k.contains("route_table")
                || k.contains("nat_")
                || k.contains("_nat")
                || k.contains("igw")
                || k.starts_with("default_")
                || k.starts_with("manage_default_")
                || k == "map_public_ip_on_launch"
                || k.ends_with("_tags")
        },
        "a DigitalOcean VPC is one regional network: subnets, availability zones, route tables and gateways fold into it, and resources reach the internet without a NAT gateway",
    );

    b.out("vpc_id", &vpc, "id");
    b.out("vpc_arn", &vpc, "arn");
    b.out("vpc_cidr_block", &vpc, "cidr_block");
    if let Some(n) = name {
        b.out_expr("name", n);
    }
    for kind in [
        "private",
        "public",
        "database",
        "elasticache",
        "redshift",
        "intra",
        "outpost",
    ] {
        for suffix in [
            "subnets",
            "subnet_arns",
            "subnets_ipv6_cidr_blocks",
            "subnet_objects",
        ] {
            b.out_unmapped(&format!("{kind}_{suffix}"), SUBNETS);
        }
        // The subnets' ranges are parts of the VPC's; on DigitalOcean every resource of the VPC
        // takes its address from the VPC's range, so a rule admitting the subnets admits the VPC
        // (`cidr_blocks = module.vpc.private_subnets_cidr_blocks`). No subnets of the kind: none.
        let cidrs = if b.has(&format!("{kind}_subnets")) {
            ModuleOutput::Listed(vec![(vpc.clone(), "cidr_block".to_string())])
        } else {
            ModuleOutput::Expr(Expression::Array(Vec::new()))
        };
        b.outputs
            .insert(format!("{kind}_subnets_cidr_blocks"), cidrs);
        b.out_unmapped(
            &format!("{kind}_route_table_ids"),
            "DigitalOcean VPCs have no route tables",
        );
    }
    for group in [
        "database_subnet_group",
        "database_subnet_group_name",
        "elasticache_subnet_group",
        "elasticache_subnet_group_name",
        "redshift_subnet_group",
    ] {
        b.out_unmapped(
            group,
            "DigitalOcean databases join the VPC directly; there are no subnet groups",
        );
    }
    for gw in [
        "natgw_ids",
        "nat_ids",
        "nat_public_ips",
        "igw_id",
        "igw_arn",
    ] {
        b.out_unmapped(
            gw,
            "DigitalOcean VPCs have no NAT or internet gateways to reference",
        );
    }
    b.out_unmapped(
        "default_security_group_id",
        "DigitalOcean VPCs have no default security group; firewalls are separate resources",
    );
    b.out_unmapped("azs", "DigitalOcean regions have no availability zones");
}

/// A call whose module is switched off: no resources, outputs are `null`.
fn no_resources(b: &mut Builder<'_>, outputs: &[&str]) {
    for o in outputs {
        b.out_expr(o, Expression::Null);
    }
    b.note(
        Code::Absorbed,
        format!(
            "`{}` is switched off by its inputs and creates nothing",
            b.addr()
        ),
    );
}

// ---- s3-bucket ----------------------------------------------------------------------------------------

fn s3_bucket(b: &mut Builder<'_>) {
    if !b.created(&["create_bucket"]) {
        no_resources(b, &["s3_bucket_id", "s3_bucket_arn"]);
        return;
    }
    let mut body = B::new();
    b.pass(
        &mut body,
        &[
            "bucket",
            "bucket_prefix",
            "force_destroy",
            "acl",
            "object_lock_enabled",
            "acceleration_status",
            "request_payer",
        ],
    );
    // versioning = { enabled = true } / { status = "Enabled" | true } / { mfa_delete = … }
    if let Some(v) = b
        .input_literal("versioning")
        .filter(|v| !is_empty_literal(v))
    {
        let mut vb = B::new();
        let enabled = get(&v, "enabled").or_else(|| {
            get(&v, "status").map(|st| match b.eval.value(&st) {
                Some(hcl::Value::Bool(x)) => Expression::Bool(x),
                Some(hcl::Value::String(x)) => Expression::Bool(x.eq_ignore_ascii_case("enabled")),
                _ => format!("{} == \"Enabled\"", hclx::inline(&st))
                    .parse()
                    .unwrap_or(Expression::Bool(true)),
            })
        });
        vb.set_opt("enabled", enabled);
        vb.set_opt("mfa_delete", get(&v, "mfa_delete"));
        body.block("versioning", vb);
    }
    for (input, key) in [
        ("lifecycle_rule", "lifecycle_rule"),
        ("cors_rule", "cors_rule"),
        ("grant", "grant"),
        (
            "server_side_encryption_configuration",
            "server_side_encryption_configuration",
        ),
        ("website", "website"),
        ("logging", "logging"),
        ("replication_configuration", "replication_configuration"),
        ("object_lock_configuration", "object_lock_configuration"),
    ] {
        if let Some(v) = b.input_literal(input).filter(|v| !is_empty_literal(v)) {
            body.set(key, v);
        }
    }
    // The module attaches `policy` only with `attach_policy = true`.
    let attach = b.input_bool("attach_policy").unwrap_or(false);
    let policy = b.input("policy");
    if attach && let Some(p) = policy {
        body.set("policy", p);
    }
    let bucket = b.resource("aws_s3_bucket", &b.base(), body);

    // Public access block: created unless `attach_public_policy = false`; its flags default to
    // true from v4 of the module (false before).
    if b.input_bool("attach_public_policy") != Some(false) {
        let default = b.major_version().is_none_or(|m| m >= 4);
        let mut pab = B::new();
        pab.set("bucket", rref(&bucket, "id"));
        for k in [
            "block_public_acls",
            "block_public_policy",
            "ignore_public_acls",
            "restrict_public_buckets",
        ] {
            pab.set(k, b.input(k).unwrap_or(Expression::Bool(default)));
        }
        b.resource("aws_s3_bucket_public_access_block", &b.base(), pab);
    }
    b.understood(&[
        "tags",
        "control_object_ownership",
        "object_ownership",
        "expected_bucket_owner",
        "owner",
        "putin_khuylo",
    ]);
    for attach_input in [
        "attach_deny_insecure_transport_policy",
        "attach_require_latest_tls_policy",
        "attach_elb_log_delivery_policy",
        "attach_lb_log_delivery_policy",
        "attach_deny_incorrect_encryption_headers",
        "attach_deny_incorrect_kms_key_sse",
        "attach_deny_unencrypted_object_uploads",
        "attach_deny_ssec_encrypted_object_uploads",
        "attach_access_log_delivery_policy",
        "attach_inventory_destination_policy",
        "attach_analytics_destination_policy",
        "attach_waf_log_delivery_policy",
        "attach_cloudtrail_log_delivery_policy",
    ] {
        // Switched-off policies are understood; switched-on ones are reported as not carried.
        if b.has(attach_input)
            && hclx::attr(&b.call.body, attach_input).and_then(|e| b.eval.bool(e)) == Some(false)
        {
            b.understood(&[attach_input]);
        }
    }

    b.out("s3_bucket_id", &bucket, "id");
    b.out("s3_bucket_arn", &bucket, "arn");
    b.out(
        "s3_bucket_bucket_domain_name",
        &bucket,
        "bucket_domain_name",
    );
    b.out(
        "s3_bucket_bucket_regional_domain_name",
        &bucket,
        "bucket_regional_domain_name",
    );
    b.out("s3_bucket_region", &bucket, "region");
    b.out("s3_bucket_hosted_zone_id", &bucket, "hosted_zone_id");
    b.out("s3_bucket_website_endpoint", &bucket, "website_endpoint");
    b.out("s3_bucket_website_domain", &bucket, "website_domain");
    b.out("s3_bucket_policy", &bucket, "policy");
    b.out_unmapped(
        "s3_bucket_lifecycle_configuration_rules",
        "the lifecycle rules are blocks of the Spaces bucket",
    );
    b.out_unmapped(
        "aws_s3_bucket_versioning_status",
        "read `versioning` of the Spaces bucket",
    );
    b.out_unmapped(
        "s3_bucket_tags",
        "Spaces buckets carry no tags (Ferry tags them through the S3 API at deploy time)",
    );
}

fn s3_object(b: &mut Builder<'_>) {
    if !b.created(&["create"]) {
        no_resources(
            b,
            &["s3_object_id", "s3_object_etag", "s3_object_version_id"],
        );
        return;
    }
    let mut body = B::new();
    b.pass(&mut body, &["bucket", "key"]);
    let src = b.input("file_source");
    body.set_opt("source", src);
    b.pass(
        &mut body,
        &[
            "content",
            "content_base64",
            "content_type",
            "content_disposition",
            "content_encoding",
            "content_language",
            "cache_control",
            "metadata",
            "etag",
            "acl",
            "force_destroy",
            "website_redirect",
            "storage_class",
            "server_side_encryption",
            "kms_key_id",
            "source_hash",
            "object_lock_mode",
            "object_lock_legal_hold_status",
            "object_lock_retain_until_date",
        ],
    );
    let obj = b.resource("aws_s3_object", &b.base(), body);
    b.understood(&["tags", "putin_khuylo"]);
    b.out("s3_object_id", &obj, "id");
    b.out("s3_object_etag", &obj, "etag");
    b.out("s3_object_version_id", &obj, "version_id");
}

// ---- rds ----------------------------------------------------------------------------------------------

fn rds(b: &mut Builder<'_>) {
    if !b.created(&["create_db_instance"]) {
        no_resources(b, &["db_instance_endpoint", "db_instance_address"]);
        return;
    }
    let mut body = B::new();
    // identifier, or identifier_prefix with `instance_use_identifier_prefix`.
    let identifier = b.input("identifier");
    if b.input_bool("instance_use_identifier_prefix") == Some(true) {
        body.set_opt(
            "identifier_prefix",
            identifier.map(|i| with_suffix(&i, "-")),
        );
    } else {
        body.set_opt("identifier", identifier);
    }
    b.pass(
        &mut body,
        &[
            "engine",
            "engine_version",
            "instance_class",
            "allocated_storage",
            "max_allocated_storage",
            "storage_type",
            "storage_encrypted",
            "kms_key_id",
            "iops",
            "storage_throughput",
            "db_name",
            "username",
            "password",
            "manage_master_user_password",
            "port",
            "multi_az",
            "availability_zone",
            "vpc_security_group_ids",
            "publicly_accessible",
            "maintenance_window",
            "backup_window",
            "backup_retention_period",
            "deletion_protection",
            "skip_final_snapshot",
            "apply_immediately",
            "auto_minor_version_upgrade",
            "allow_major_version_upgrade",
            "snapshot_identifier",
            "replicate_source_db",
            "ca_cert_identifier",
            "iam_database_authentication_enabled",
            "performance_insights_enabled",
            "performance_insights_retention_period",
            "monitoring_interval",
            "enabled_cloudwatch_logs_exports",
            "copy_tags_to_snapshot",
            "character_set_name",
            "nchar_character_set_name",
            "timezone",
            "license_model",
            "network_type",
        ],
    );
    // Before v5 of the module the database name was `name`.
    if !b.has("db_name") && b.has("name") {
        let n = b.input("name");
        body.set_opt("db_name", n);
    }
    let db = b.resource("aws_db_instance", &b.base(), body);
    b.understood(&[
        "tags",
        "db_instance_tags",
        "create_random_password",
        "random_password_length",
    ]);
    b.absorb_matching(
        |k| {
            k == "subnet_ids"
                || k.starts_with("db_subnet_group")
                || k == "create_db_subnet_group"
                || k.ends_with("_tags")
        },
        "DigitalOcean databases join the VPC directly; there is no subnet group",
    );

    b.outs(
        &db,
        &[
            ("db_instance_address", "address"),
            ("db_instance_arn", "arn"),
            ("db_instance_availability_zone", "availability_zone"),
            ("db_instance_endpoint", "endpoint"),
            ("db_instance_engine", "engine"),
            ("db_instance_engine_version_actual", "engine_version_actual"),
            ("db_instance_hosted_zone_id", "hosted_zone_id"),
            ("db_instance_id", "id"),
            ("db_instance_identifier", "identifier"),
            ("db_instance_resource_id", "resource_id"),
            ("db_instance_status", "status"),
            ("db_instance_name", "db_name"),
            ("db_instance_username", "username"),
            ("db_instance_password", "password"),
            ("db_instance_port", "port"),
            ("db_instance_ca_cert_identifier", "ca_cert_identifier"),
        ],
    );
    b.out_unmapped(
        "db_instance_master_user_secret_arn",
        "DigitalOcean generates the database password; read it from the cluster's `password` attribute",
    );
    for o in ["db_subnet_group_id", "db_subnet_group_arn"] {
        b.out_unmapped(
            o,
            "DigitalOcean databases join the VPC directly; there is no subnet group",
        );
    }
    for o in [
        "db_parameter_group_id",
        "db_parameter_group_arn",
        "db_option_group_id",
        "db_option_group_arn",
    ] {
        b.out_unmapped(
            o,
            "DigitalOcean databases have no parameter or option groups",
        );
    }
    for o in [
        "enhanced_monitoring_iam_role_name",
        "enhanced_monitoring_iam_role_arn",
        "db_instance_cloudwatch_log_groups",
    ] {
        b.out_unmapped(o, "IAM and CloudWatch have no DigitalOcean counterpart");
    }
}

// ---- rds-aurora ---------------------------------------------------------------------------------------

fn aurora(b: &mut Builder<'_>) {
    if !b.created(&["create", "create_cluster"]) {
        no_resources(b, &["cluster_endpoint", "cluster_id"]);
        return;
    }
    let name = b.input("name");
    let engine = b.input("engine");
    let engine_version = b.input("engine_version");
    let port = b.input("port");

    // The security group the module creates from `security_group_rules`.
    let sg = aurora_like_security_group(b, "security_group_rules", port.clone(), engine.as_ref());

    let mut body = B::new();
    if b.input_bool("cluster_use_name_prefix") == Some(true) {
        body.set_opt(
            "cluster_identifier_prefix",
            name.as_ref().map(|n| with_suffix(n, "-")),
        );
    } else {
        body.set_opt("cluster_identifier", name.clone());
    }
    body.set_opt("engine", engine.clone());
    body.set_opt("engine_version", engine_version.clone());
    body.set_opt("port", port);
    b.pass(
        &mut body,
        &[
            "engine_mode",
            "database_name",
            "master_username",
            "master_password",
            "manage_master_user_password",
            "storage_encrypted",
            "kms_key_id",
            "apply_immediately",
            "skip_final_snapshot",
            "deletion_protection",
            "backup_retention_period",
            "preferred_backup_window",
            "preferred_maintenance_window",
            "enabled_cloudwatch_logs_exports",
            "iam_database_authentication_enabled",
            "storage_type",
            "allocated_storage",
            "iops",
            "db_cluster_instance_class",
            "copy_tags_to_snapshot",
            "snapshot_identifier",
            "global_cluster_identifier",
            "network_type",
            "enable_http_endpoint",
            "availability_zones",
        ],
    );
    let sgs = b.input("vpc_security_group_ids");
    body.set_opt("vpc_security_group_ids", with_own_sg(sg.as_deref(), sgs));
    for block in [
        "serverlessv2_scaling_configuration",
        "scaling_configuration",
    ] {
        if let Some(v) = b.input_literal(block).filter(|v| !is_empty_literal(v)) {
            body.block(block, obj_block(&v, &[]));
        }
    }
    let cluster = b.resource("aws_rds_cluster", &b.base(), body);

    // Instances: `instances = { one = {}, two = { instance_class = … } }`.
    let instance_class = b.input("instance_class");
    let publicly_accessible = b.input("publicly_accessible");
    let instances = b.input("instances");
    let instances = match &instances {
        Some(e) => b.literal("instances", e),
        None => Some(Expression::Object(hcl::Object::new())),
    };
    let list: Vec<(String, Expression)> = match &instances {
        Some(e) => entries(e),
        // Not known: one instance stands for them (a warning was given).
        None => vec![("1".to_string(), Expression::Object(hcl::Object::new()))],
    };
    for (key, inst) in list {
        let mut ib = B::new();
        let identifier = get(&inst, "identifier")
            .or_else(|| name.as_ref().map(|n| with_suffix(n, &format!("-{key}"))));
        ib.set_opt("identifier", identifier);
        ib.set("cluster_identifier", rref(&cluster, "id"));
        ib.set_opt(
            "instance_class",
            get(&inst, "instance_class").or_else(|| instance_class.clone()),
        );
        ib.set_opt("engine", engine.clone());
        ib.set_opt("engine_version", engine_version.clone());
        ib.set_opt(
            "publicly_accessible",
            get(&inst, "publicly_accessible").or_else(|| publicly_accessible.clone()),
        );
        for k in ["availability_zone", "promotion_tier"] {
            ib.set_opt(k, get(&inst, k));
        }
        b.resource(
            "aws_rds_cluster_instance",
            &format!("{}_{key}", b.base()),
            ib,
        );
    }
    b.understood(&["tags", "cluster_tags", "instances_use_identifier_prefix"]);
    b.absorb_matching(
        |k| {
            k == "subnets"
                || k == "vpc_id"
                || k.starts_with("db_subnet_group")
                || k == "create_db_subnet_group"
                || k.starts_with("security_group_")
                || k == "create_security_group"
        },
        "DigitalOcean databases join the VPC directly; the module's security group becomes the database firewall",
    );

    aurora_outputs(b, &cluster, sg.as_deref());
}

fn aurora_outputs(b: &mut Builder<'_>, cluster: &str, sg: Option<&str>) {
    for prefix in ["cluster", "rds_cluster"] {
        for (out, attr) in [
            ("arn", "arn"),
            ("id", "id"),
            ("resource_id", "cluster_resource_id"),
            ("members", "cluster_members"),
            ("endpoint", "endpoint"),
            ("reader_endpoint", "reader_endpoint"),
            ("engine_version_actual", "engine_version_actual"),
            ("engine_version", "engine_version"),
            ("database_name", "database_name"),
            ("port", "port"),
            ("master_username", "master_username"),
            ("master_password", "master_password"),
            ("hosted_zone_id", "hosted_zone_id"),
        ] {
            b.out(&format!("{prefix}_{out}"), cluster, attr);
        }
    }
    b.out_unmapped(
        "cluster_master_user_secret",
        "DigitalOcean generates the database password; read it from the cluster's `password` attribute",
    );
    b.out_unmapped(
        "cluster_instances",
        "the instances become nodes of one DigitalOcean database cluster",
    );
    b.out_unmapped(
        "db_subnet_group_name",
        "DigitalOcean databases join the VPC directly; there is no subnet group",
    );
    match sg {
        Some(sg) => b.out("security_group_id", sg, "id"),
        None => b.out_unmapped(
            "security_group_id",
            "the module created no security group (no `security_group_rules`)",
        ),
    }
}

/// `vpc_security_group_ids` with the module's own group first.
fn with_own_sg(sg: Option<&str>, given: Option<Expression>) -> Option<Expression> {
    match (sg, given) {
        (Some(sg), Some(g)) => Some(Expression::FuncCall(Box::new(
            hcl::expr::FuncCall::builder("concat")
                .arg(Expression::Array(vec![rref(sg, "id")]))
                .arg(g)
                .build(),
        ))),
        (Some(sg), None) => Some(Expression::Array(vec![rref(sg, "id")])),
        (None, g) => g,
    }
}

/// The security group that rds-aurora and elasticache create from a map of ingress rules
/// `{ key = { cidr_blocks = [...] } | { source_security_group_id = ... }, type = "ingress" }`
/// on the database port.
fn aurora_like_security_group(
    b: &mut Builder<'_>,
    rules_input: &str,
    port: Option<Expression>,
    engine: Option<&Expression>,
) -> Option<String> {
    if b.input_bool("create_security_group") == Some(false) {
        return None;
    }
    let rules = b.input_literal(rules_input)?;
    let port = port.or_else(|| {
        let engine = engine.and_then(|e| b.eval.string(e)).unwrap_or_default();
        Some(num(if engine.contains("mysql") {
            3306
        } else if engine.contains("redis") || engine.contains("valkey") {
            6379
        } else if engine.contains("memcached") {
            11211
        } else {
            5432
        }))
    });
    let mut body = B::new();
    let name = b.input("security_group_name").or_else(|| b.input("name"));
    if let Some(n) = name {
        body.set("name_prefix", with_suffix(&n, "-"));
    }
    let vpc = b.input("vpc_id");
    body.set_opt("vpc_id", vpc);
    let mut any = false;
    for (_, rule) in entries(&rules) {
        let ty = get(&rule, "type").and_then(|t| b.eval.string(&t));
        if ty.as_deref().is_some_and(|t| t != "ingress") {
            continue;
        }
        let mut ing = B::new();
        ing.set(
            "from_port",
            get(&rule, "from_port")
                .or_else(|| port.clone())
                .unwrap_or(num(0)),
        );
        ing.set(
            "to_port",
            get(&rule, "to_port")
                .or_else(|| port.clone())
                .unwrap_or(num(0)),
        );
        // rds-aurora writes `aws_security_group_rule` fields, elasticache
        // `aws_vpc_security_group_ingress_rule` ones (`ip_protocol`, `cidr_ipv4`).
        ing.set(
            "protocol",
            get(&rule, "protocol")
                .or_else(|| get(&rule, "ip_protocol"))
                .unwrap_or_else(|| s("tcp")),
        );
        ing.set_opt(
            "cidr_blocks",
            get(&rule, "cidr_blocks")
                .or_else(|| get(&rule, "cidr_ipv4").map(|c| Expression::Array(vec![c]))),
        );
        ing.set_opt(
            "security_groups",
            get(&rule, "source_security_group_id")
                .or_else(|| get(&rule, "referenced_security_group_id"))
                .map(|g| Expression::Array(vec![g])),
        );
        ing.set_opt("description", get(&rule, "description"));
        body.block("ingress", ing);
        any = true;
    }
    if !any {
        return None;
    }
    Some(b.resource("aws_security_group", &b.base(), body))
}

// ---- alb ----------------------------------------------------------------------------------------------

fn alb(b: &mut Builder<'_>) {
    if !b.created(&["create", "create_lb"]) {
        no_resources(b, &["dns_name", "arn", "id"]);
        return;
    }
    let vpc_id = b.input("vpc_id");
    let sg = alb_security_group(b, vpc_id.clone());

    let mut body = B::new();
    b.pass(
        &mut body,
        &[
            "name",
            "name_prefix",
            "load_balancer_type",
            "internal",
            "subnets",
            "idle_timeout",
            "enable_deletion_protection",
            "enable_http2",
            "ip_address_type",
            "drop_invalid_header_fields",
            "enable_cross_zone_load_balancing",
            "preserve_host_header",
            "xff_header_processing_mode",
            "desync_mitigation_mode",
            "client_keep_alive",
        ],
    );
    let given = b.input("security_groups");
    body.set_opt("security_groups", with_own_sg(sg.as_deref(), given));
    if let Some(logs) = b
        .input_literal("access_logs")
        .filter(|v| !is_empty_literal(v))
    {
        body.block("access_logs", obj_block(&logs, &[]));
    }
    let lb = b.resource("aws_lb", &b.base(), body);

    // Target groups: a map (v9) or a list (v8).
    let mut tg_addrs: BTreeMap<String, String> = BTreeMap::new();
    // The v8 list's target groups in order: `target_group_arns[i]` reads the i-th.
    let mut tg_list: Vec<String> = Vec::new();
    if let Some(tgs) = b.input_literal("target_groups") {
        let listed = matches!(tgs, Expression::Array(_));
        let list: Vec<(String, Expression)> = match &tgs {
            Expression::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, v)| (i.to_string(), v.clone()))
                .collect(),
            other => entries(other),
        };
        for (key, tg) in list {
            let addr = target_group(b, &key, &tg, vpc_id.clone());
            if listed {
                tg_list.push(addr.clone());
            }
            tg_addrs.insert(key, addr);
        }
    }

    // Listeners: a map (v9) or `http_tcp_listeners` / `https_listeners` lists (v8).
    if let Some(ls) = b.input_literal("listeners") {
        for (key, l) in entries(&ls) {
            listener(b, &lb, &key, &l, &tg_addrs, false);
        }
    }
    for (input, prefix, rules_input, index_key) in [
        (
            "http_tcp_listeners",
            "http_tcp",
            "http_tcp_listener_rules",
            "http_tcp_listener_index",
        ),
        (
            "https_listeners",
            "https",
            "https_listener_rules",
            "https_listener_index",
        ),
    ] {
        let mut listeners = Vec::new();
        if let Some(Expression::Array(items)) = b.input_literal(input) {
            for (i, l) in items.iter().enumerate() {
                listeners.push(listener(
                    b,
                    &lb,
                    &format!("{prefix}_{i}"),
                    l,
                    &tg_addrs,
                    true,
                ));
            }
        }
        // v8 listener rules: `https_listener_rules = [{ https_listener_index, priority,
        // actions = [{ type, target_group_index, … }], conditions = [{ path_patterns = […] }] }]`.
        if let Some(Expression::Array(rules)) = b.input_literal(rules_input) {
            for (j, rule) in rules.iter().enumerate() {
                let index = get(rule, index_key)
                    .and_then(|e| b.eval.number(&e))
                    .map_or(0, |n| n as usize);
                let Some(on) = listeners.get(index).cloned() else {
                    b.note(
                        Code::ModuleInputIgnored,
                        format!(
                            "`{}`: `{rules_input}[{j}]` names listener {index} of `{input}`, which has none at that index; the rule was not carried over",
                            b.addr()
                        ),
                    );
                    continue;
                };
                v8_listener_rule(b, &on, &format!("{prefix}_{j}"), rule, &tg_addrs);
            }
        }
    }
    b.understood(&["tags", "lb_tags", "vpc_id", "create_security_group"]);
    b.absorb_matching(
        |k| k.starts_with("security_group_"),
        "the module's security group becomes the load balancer's firewall rules where they express reachable sources",
    );

    // `this_lb_*`: the names of module versions before 6.0.
    for prefix in ["", "lb_", "this_lb_"] {
        for (out, attr) in [
            ("id", "id"),
            ("arn", "arn"),
            ("arn_suffix", "arn_suffix"),
            ("dns_name", "dns_name"),
            ("zone_id", "zone_id"),
        ] {
            b.out(&format!("{prefix}{out}"), &lb, attr);
        }
    }
    // The target groups by position (v8 and older): an Auto Scaling group or attachment that
    // registers in `target_group_arns[0]` then reads the target group, and its load balancer
    // gets the pool's droplets.
    let listed = !tg_list.is_empty();
    if listed {
        b.outputs.insert(
            "target_group_arns".into(),
            ModuleOutput::Listed(tg_list.iter().map(|a| (a.clone(), "arn".into())).collect()),
        );
        b.outputs.insert(
            "target_group_names".into(),
            ModuleOutput::Listed(tg_list.iter().map(|a| (a.clone(), "name".into())).collect()),
        );
    }
    for o in [
        "listeners",
        "listener_rules",
        "target_groups",
        "http_tcp_listener_arns",
        "http_tcp_listener_ids",
        "https_listener_arns",
        "https_listener_ids",
        "target_group_arns",
        "target_group_arn_suffixes",
        "target_group_names",
        "target_group_attachments",
    ] {
        if listed && (o == "target_group_arns" || o == "target_group_names") {
            continue;
        }
        b.out_unmapped(
            o,
            "listeners and target groups become forwarding rules of the DigitalOcean load balancer",
        );
    }
    // The target groups by key (v9): an ECS service or Auto Scaling group that registers in
    // `target_groups["key"].arn` then reads the target group, so its load balancer finds them.
    if !listed && !tg_addrs.is_empty() {
        b.outputs.insert(
            "target_groups".into(),
            ModuleOutput::Objects(
                tg_addrs.clone(),
                "only an attribute of one target group by a static key (`target_groups[\"key\"].arn`) is read from this output; target groups become forwarding rules of the DigitalOcean load balancer".into(),
            ),
        );
    }
    match sg {
        Some(sg) => {
            b.out("security_group_id", &sg, "id");
            b.out("security_group_arn", &sg, "arn");
        }
        None => {
            for o in ["security_group_id", "security_group_arn"] {
                b.out_unmapped(o, "the module created no security group");
            }
        }
    }
    b.out_unmapped(
        "route53_records",
        "map Route 53 records of the load balancer with `digitalocean_record` resources",
    );
}

/// The v9 module's own security group from `security_group_ingress_rules` /
/// `security_group_egress_rules` (`{ from_port, to_port, ip_protocol, cidr_ipv4, … }`).
fn alb_security_group(b: &mut Builder<'_>, vpc_id: Option<Expression>) -> Option<String> {
    if b.input_bool("create_security_group") == Some(false) {
        return None;
    }
    let ingress = b.input_literal("security_group_ingress_rules");
    let egress = b.input_literal("security_group_egress_rules");
    if ingress.iter().chain(egress.iter()).all(is_empty_literal) {
        return None;
    }
    let mut body = B::new();
    let name = b
        .input("security_group_name")
        .or_else(|| hclx::attr(&b.call.body, "name").cloned());
    body.set_opt("name_prefix", name.map(|n| with_suffix(&n, "-")));
    body.set_opt("description", b.input("security_group_description"));
    body.set_opt("vpc_id", vpc_id);
    for (dir, rules) in [("ingress", ingress), ("egress", egress)] {
        for (_, rule) in rules.iter().flat_map(entries) {
            let protocol = get(&rule, "ip_protocol").unwrap_or_else(|| s("tcp"));
            let all = b.eval.string(&protocol).as_deref() == Some("-1");
            let mut rb = B::new();
            rb.set(
                "from_port",
                if all {
                    num(0)
                } else {
                    get(&rule, "from_port").unwrap_or(num(0))
                },
            );
            rb.set(
                "to_port",
                if all {
                    num(0)
                } else {
                    get(&rule, "to_port").unwrap_or(num(0))
                },
            );
            rb.set("protocol", protocol);
            rb.set_opt(
                "cidr_blocks",
                get(&rule, "cidr_ipv4").map(|c| Expression::Array(vec![c])),
            );
            rb.set_opt(
                "ipv6_cidr_blocks",
                get(&rule, "cidr_ipv6").map(|c| Expression::Array(vec![c])),
            );
            rb.set_opt(
                "security_groups",
                get(&rule, "referenced_security_group_id").map(|c| Expression::Array(vec![c])),
            );
            rb.set_opt("description", get(&rule, "description"));
            body.block(dir, rb);
        }
    }
    Some(b.resource("aws_security_group", &format!("{}_lb", b.base()), body))
}

fn target_group(
    b: &mut Builder<'_>,
    key: &str,
    tg: &Expression,
    vpc_id: Option<Expression>,
) -> String {
    let mut body = B::new();
    for k in ["name", "name_prefix"] {
        body.set_opt(k, get(tg, k));
    }
    // v8 spells protocol and port `backend_protocol` / `backend_port`.
    body.set_opt(
        "protocol",
        get(tg, "protocol").or_else(|| get(tg, "backend_protocol")),
    );
    body.set_opt("port", get(tg, "port").or_else(|| get(tg, "backend_port")));
    let target_type = get(tg, "target_type");
    let lambda = target_type
        .as_ref()
        .and_then(|t| b.eval.string(t))
        .is_some_and(|t| t == "lambda");
    body.set_opt("target_type", target_type);
    if !lambda {
        body.set_opt("vpc_id", get(tg, "vpc_id").or(vpc_id));
    }
    for k in [
        "protocol_version",
        "deregistration_delay",
        "load_balancing_algorithm_type",
        "slow_start",
        "connection_termination",
        "preserve_client_ip",
        "proxy_protocol_v2",
    ] {
        body.set_opt(k, get(tg, k));
    }
    for blk in ["health_check", "stickiness"] {
        if let Some(v) = get(tg, blk).filter(|v| !is_empty_literal(v)) {
            body.block(blk, obj_block(&v, &[]));
        }
    }
    let name = format!("{}_{key}", b.base());
    let addr = b.resource("aws_lb_target_group", &name, body);
    // v9: `target_id` (with `create_attachment`, default true) attaches one target.
    let attach = get(tg, "create_attachment")
        .and_then(|e| b.eval.bool(&e))
        .unwrap_or(true);
    if attach && let Some(target) = get(tg, "target_id") {
        let mut ab = B::new();
        ab.set("target_group_arn", rref(&addr, "arn"));
        ab.set("target_id", target);
        ab.set_opt("port", get(tg, "port"));
        b.resource("aws_lb_target_group_attachment", &name, ab);
    }
    // v8: `targets = { k = { target_id, port } }`.
    for (tk, t) in get(tg, "targets").iter().flat_map(entries) {
        let mut ab = B::new();
        ab.set("target_group_arn", rref(&addr, "arn"));
        ab.set_opt("target_id", get(&t, "target_id"));
        ab.set_opt("port", get(&t, "port"));
        b.resource(
            "aws_lb_target_group_attachment",
            &format!("{name}_{tk}"),
            ab,
        );
    }
    addr
}

/// One v8 listener rule as an `aws_lb_listener_rule` of the listener `on`: actions `{ type,
/// target_group_index }` (`redirect` and `fixed-response` with their fields inline) and
/// conditions `{ path_patterns | host_headers | http_request_methods | source_ips = […] }`,
/// `{ http_headers = [{ http_header_name, values }] }`, `{ query_strings = [{ key, value }] }`.
fn v8_listener_rule(
    b: &mut Builder<'_>,
    on: &str,
    key: &str,
    rule: &Expression,
    tgs: &BTreeMap<String, String>,
) {
    let mut rb = B::new();
    rb.set("listener_arn", rref(on, "arn"));
    rb.set_opt("priority", get(rule, "priority"));
    for a in get(rule, "actions").iter().flat_map(elements) {
        let mut ab = B::new();
        let ty = get(&a, "type").and_then(|e| b.eval.string(&e));
        ab.set_opt("type", get(&a, "type"));
        let tg = get(&a, "target_group_index")
            .and_then(|e| b.eval.string(&e))
            .and_then(|k| tgs.get(&k))
            .map(|addr| rref(addr, "arn"));
        ab.set_opt("target_group_arn", tg);
        let inline = |fields: &[&str]| {
            let mut body = B::new();
            for f in fields {
                body.set_opt(f, get(&a, f));
            }
            body
        };
        match ty.as_deref() {
            Some("redirect") => {
                ab.block(
                    "redirect",
                    inline(&["status_code", "host", "path", "port", "protocol", "query"]),
                );
            }
            Some("fixed-response") => {
                ab.block(
                    "fixed_response",
                    inline(&["content_type", "message_body", "status_code"]),
                );
            }
            _ => {}
        }
        rb.block("action", ab);
    }
    for c in get(rule, "conditions").iter().flat_map(elements) {
        let mut cb = B::new();
        for (field, block) in [
            ("path_patterns", "path_pattern"),
            ("host_headers", "host_header"),
            ("http_request_methods", "http_request_method"),
            ("source_ips", "source_ip"),
        ] {
            if let Some(values) = get(&c, field) {
                let mut vb = B::new();
                vb.set("values", values);
                cb.block(block, vb);
            }
        }
        for h in get(&c, "http_headers").iter().flat_map(elements) {
            let mut hb = B::new();
            hb.set_opt("http_header_name", get(&h, "http_header_name"));
            hb.set_opt("values", get(&h, "values"));
            cb.block("http_header", hb);
        }
        for q in get(&c, "query_strings").iter().flat_map(elements) {
            cb.block("query_string", obj_block(&q, &[]));
        }
        rb.block("condition", cb);
    }
    b.resource(
        "aws_lb_listener_rule",
        &format!("{}_{key}_rule", b.base()),
        rb,
    );
}

/// One listener: v9 `{ port, protocol, certificate_arn, forward = { target_group_key } |
/// redirect = {…} | fixed_response = {…}, rules = {…} }` or v8 `{ port, protocol,
/// target_group_index, action_type, redirect, fixed_response }`.
fn listener(
    b: &mut Builder<'_>,
    lb: &str,
    key: &str,
    l: &Expression,
    tgs: &BTreeMap<String, String>,
    v8: bool,
) -> String {
    let mut body = B::new();
    body.set("load_balancer_arn", rref(lb, "arn"));
    for k in [
        "port",
        "protocol",
        "certificate_arn",
        "ssl_policy",
        "alpn_policy",
    ] {
        body.set_opt(k, get(l, k));
    }
    let tg_of = |b: &Builder<'_>, e: &Expression| -> Option<Expression> {
        let k = b.eval.string(e)?;
        tgs.get(&k).map(|a| rref(a, "arn"))
    };
    let mut action = B::new();
    let action_type = get(l, "action_type").and_then(|e| b.eval.string(&e));
    if let Some(r) =
        get(l, "redirect").filter(|_| !v8 || action_type.as_deref() == Some("redirect"))
    {
        action.set("type", s("redirect"));
        action.block("redirect", obj_block(&r, &[]));
    } else if let Some(f) =
        get(l, "fixed_response").filter(|_| !v8 || action_type.as_deref() == Some("fixed-response"))
    {
        action.set("type", s("fixed-response"));
        action.block("fixed_response", obj_block(&f, &[]));
    } else if let Some(fw) = get(l, "forward") {
        action.set("type", s("forward"));
        let arn =
            get(&fw, "arn").or_else(|| get(&fw, "target_group_key").and_then(|k| tg_of(b, &k)));
        action.set_opt("target_group_arn", arn);
    } else if let Some(wf) = get(l, "weighted_forward") {
        action.set("type", s("forward"));
        let mut fwd = B::new();
        for t in get(&wf, "target_groups").iter().flat_map(|e| match e {
            Expression::Array(items) => items.clone(),
            _ => vec![],
        }) {
            let mut tb = B::new();
            tb.set_opt(
                "arn",
                get(&t, "arn").or_else(|| get(&t, "target_group_key").and_then(|k| tg_of(b, &k))),
            );
            tb.set_opt("weight", get(&t, "weight"));
            fwd.block("target_group", tb);
        }
        action.block("forward", fwd);
    } else if let Some(idx) = get(l, "target_group_index") {
        action.set("type", s("forward"));
        action.set_opt("target_group_arn", tg_of(b, &idx));
    } else {
        let auth = ["authenticate_cognito", "authenticate_oidc"]
            .iter()
            .any(|k| get(l, k).is_some());
        b.note(
            Code::ModuleInputIgnored,
            format!(
                "`{}`: listener `{key}` has {} default action Ferry maps; it was left without one",
                b.addr(),
                if auth {
                    "an authentication action, no"
                } else {
                    "no"
                }
            ),
        );
    }
    if !action.items.is_empty() {
        body.block("default_action", action);
    }
    let listener = b.resource("aws_lb_listener", &format!("{}_{key}", b.base()), body);

    // v9 listener rules: `rules = { k = { priority, actions = [...], conditions = [...] } }`.
    for (rk, rule) in get(l, "rules").iter().flat_map(entries) {
        let mut rb = B::new();
        rb.set("listener_arn", rref(&listener, "arn"));
        rb.set_opt("priority", get(&rule, "priority"));
        for a in get(&rule, "actions").iter().flat_map(|e| match e {
            Expression::Array(items) => items.clone(),
            _ => vec![],
        }) {
            let mut ab = B::new();
            ab.set_opt("type", get(&a, "type"));
            ab.set_opt(
                "target_group_arn",
                get(&a, "target_group_arn")
                    .or_else(|| get(&a, "target_group_key").and_then(|k| tg_of(b, &k))),
            );
            for blk in ["redirect", "fixed_response"] {
                if let Some(v) = get(&a, blk) {
                    ab.block(blk, obj_block(&v, &[]));
                }
            }
            rb.block("action", ab);
        }
        for c in get(&rule, "conditions").iter().flat_map(|e| match e {
            Expression::Array(items) => items.clone(),
            _ => vec![],
        }) {
            rb.block(
                "condition",
                obj_block(
                    &c,
                    &[
                        "path_pattern",
                        "host_header",
                        "http_header",
                        "http_request_method",
                        "query_string",
                        "source_ip",
                    ],
                ),
            );
        }
        b.resource(
            "aws_lb_listener_rule",
            &format!("{}_{key}_{rk}", b.base()),
            rb,
        );
    }
    listener
}

// ---- security-group --------------------------------------------------------------------------------

mod sg_rules {
    //! Named rules and preset groups of terraform-aws-modules/security-group (`rules.tf`).

    /// `(name, from, to, protocol, description)`.
    pub const RULES: &[(&str, i64, i64, &str, &str)] = &[
        ("http-80-tcp", 80, 80, "tcp", "HTTP"),
        ("http-8080-tcp", 8080, 8080, "tcp", "HTTP"),
        ("https-443-tcp", 443, 443, "tcp", "HTTPS"),
        ("https-8443-tcp", 8443, 8443, "tcp", "HTTPS"),
        ("ssh-tcp", 22, 22, "tcp", "SSH"),
        ("postgresql-tcp", 5432, 5432, "tcp", "PostgreSQL"),
        ("mysql-tcp", 3306, 3306, "tcp", "MySQL/Aurora"),
        ("redis-tcp", 6379, 6379, "tcp", "Redis"),
        ("memcached-tcp", 11211, 11211, "tcp", "Memcached"),
        ("mongodb-27017-tcp", 27017, 27017, "tcp", "MongoDB"),
        ("mongodb-27018-tcp", 27018, 27018, "tcp", "MongoDB shard"),
        (
            "mongodb-27019-tcp",
            27019,
            27019,
            "tcp",
            "MongoDB config server",
        ),
        (
            "kubernetes-api-tcp",
            6443,
            6443,
            "tcp",
            "Kubernetes API Server",
        ),
        ("grafana-tcp", 3000, 3000, "tcp", "Grafana Dashboard"),
        ("prometheus-http-tcp", 9090, 9090, "tcp", "Prometheus"),
        ("nfs-tcp", 2049, 2049, "tcp", "NFS/EFS"),
        ("dns-udp", 53, 53, "udp", "DNS"),
        ("dns-tcp", 53, 53, "tcp", "DNS"),
        (
            "elasticsearch-rest-tcp",
            9200,
            9200,
            "tcp",
            "Elasticsearch REST interface",
        ),
        (
            "elasticsearch-java-tcp",
            9300,
            9300,
            "tcp",
            "Elasticsearch Java interface",
        ),
        ("rabbitmq-5671-tcp", 5671, 5671, "tcp", "RabbitMQ"),
        ("rabbitmq-5672-tcp", 5672, 5672, "tcp", "RabbitMQ"),
        ("rabbitmq-15672-tcp", 15672, 15672, "tcp", "RabbitMQ"),
        ("smtp-tcp", 25, 25, "tcp", "SMTP"),
        (
            "smtp-submission-587-tcp",
            587,
            587,
            "tcp",
            "SMTP Submission",
        ),
        ("smtps-465-tcp", 465, 465, "tcp", "SMTPS"),
        ("web-jmx-tcp", 1099, 1099, "tcp", "JMX"),
        ("ntp-udp", 123, 123, "udp", "NTP"),
        ("all-all", -1, -1, "-1", "All protocols"),
        ("all-tcp", 0, 65535, "tcp", "All TCP ports"),
        ("all-udp", 0, 65535, "udp", "All UDP ports"),
        ("all-icmp", -1, -1, "icmp", "All IPV4 ICMP"),
    ];

    pub fn rule(name: &str) -> Option<(i64, i64, &'static str, &'static str)> {
        RULES
            .iter()
            .find(|r| r.0 == name)
            .map(|r| (r.1, r.2, r.3, r.4))
    }

    /// A preset submodule (`//modules/<name>`): its ingress rules; every preset also allows
    /// all traffic from itself and all egress.
    pub fn group(name: &str) -> Option<&'static [&'static str]> {
        Some(match name {
            "http-80" => &["http-80-tcp"],
            "http-8080" => &["http-8080-tcp"],
            "https-443" => &["https-443-tcp"],
            "https-8443" => &["https-8443-tcp"],
            "ssh" => &["ssh-tcp"],
            "postgresql" => &["postgresql-tcp"],
            "mysql" => &["mysql-tcp"],
            "redis" => &["redis-tcp"],
            "memcached" => &["memcached-tcp"],
            "mongodb" => &[
                "mongodb-27017-tcp",
                "mongodb-27018-tcp",
                "mongodb-27019-tcp",
            ],
            "kubernetes-api" => &["kubernetes-api-tcp"],
            "grafana" => &["grafana-tcp"],
            "nfs" => &["nfs-tcp"],
            "web" => &[
                "http-80-tcp",
                "http-8080-tcp",
                "https-443-tcp",
                "web-jmx-tcp",
            ],
            "elasticsearch" => &["elasticsearch-rest-tcp", "elasticsearch-java-tcp"],
            _ => return None,
        })
    }
}

fn security_group(b: &mut Builder<'_>, preset: Option<&[&str]>) {
    if !b.created(&["create", "create_sg"]) {
        no_resources(b, &["security_group_id"]);
        return;
    }
    let mut body = B::new();
    let name = b.input("name");
    // `use_name_prefix` defaults to true: the group is named `<name>-<random>`.
    if b.input_bool("use_name_prefix") == Some(false) {
        body.set_opt("name", name);
    } else {
        body.set_opt("name_prefix", name.map(|n| with_suffix(&n, "-")));
    }
    b.pass(
        &mut body,
        &["description", "vpc_id", "revoke_rules_on_delete"],
    );
    let mut unknown_rules = Vec::new();
    for dir in ["ingress", "egress"] {
        let mut named: Vec<Expression> = Vec::new();
        for input in [format!("{dir}_rules"), format!("computed_{dir}_rules")] {
            if let Some(Expression::Array(items)) = b.input_literal(&input) {
                named.extend(items);
            }
        }
        if let Some(p) = preset {
            if dir == "ingress" {
                named.extend(p.iter().map(|r| s(r)));
            } else if named.is_empty() && !b.has("egress_rules") {
                named.push(s("all-all"));
            }
        }
        let cidrs = b
            .input(&format!("{dir}_cidr_blocks"))
            .or_else(|| (dir == "egress").then(|| Expression::Array(vec![s("0.0.0.0/0")])));
        let ipv6 = b.input(&format!("{dir}_ipv6_cidr_blocks"));
        for rule in named {
            let Some(rn) = b.eval.string(&rule) else {
                continue;
            };
            let Some((from, to, proto, desc)) = sg_rules::rule(&rn) else {
                unknown_rules.push(rn);
                continue;
            };
            let mut rb = B::new();
            rb.set("from_port", num(from.max(0)));
            rb.set("to_port", num(to.max(0)));
            rb.set("protocol", s(proto));
            rb.set_opt("cidr_blocks", cidrs.clone());
            rb.set_opt("ipv6_cidr_blocks", ipv6.clone());
            rb.set("description", s(desc));
            body.block(dir, rb);
        }
        // `{dir}_with_cidr_blocks`, `_with_source_security_group_id`, `_with_self` (and
        // their `computed_` forms): lists of `{ rule | from_port, to_port, protocol, … }`.
        for kind in [
            "with_cidr_blocks",
            "with_ipv6_cidr_blocks",
            "with_source_security_group_id",
            "with_self",
        ] {
            let mut items = Vec::new();
            for input in [format!("{dir}_{kind}"), format!("computed_{dir}_{kind}")] {
                if let Some(Expression::Array(list)) = b.input_literal(&input) {
                    items.extend(list);
                }
            }
            if preset.is_some()
                && kind == "with_self"
                && dir == "ingress"
                && !b.has("ingress_with_self")
            {
                items.push(Expression::Object(hcl::Object::from_iter([(
                    hcl::expr::ObjectKey::Identifier(hcl::Identifier::unchecked("rule")),
                    s("all-all"),
                )])));
            }
            for item in items {
                let mut rb = B::new();
                let named = get(&item, "rule").and_then(|r| b.eval.string(&r));
                match named.as_deref().map(|n| (n, sg_rules::rule(n))) {
                    Some((_, Some((from, to, proto, desc)))) => {
                        rb.set("from_port", num(from.max(0)));
                        rb.set("to_port", num(to.max(0)));
                        rb.set("protocol", s(proto));
                        rb.set(
                            "description",
                            get(&item, "description").unwrap_or_else(|| s(desc)),
                        );
                    }
                    Some((n, None)) => {
                        unknown_rules.push(n.to_string());
                        continue;
                    }
                    None => {
                        rb.set("from_port", get(&item, "from_port").unwrap_or(num(0)));
                        rb.set("to_port", get(&item, "to_port").unwrap_or(num(0)));
                        rb.set(
                            "protocol",
                            get(&item, "protocol").unwrap_or_else(|| s("tcp")),
                        );
                        rb.set_opt("description", get(&item, "description"));
                    }
                }
                match kind {
                    "with_cidr_blocks" => {
                        // The module takes a comma-separated string.
                        let c = get(&item, "cidr_blocks").map(|c| match b.eval.string(&c) {
                            Some(text) => {
                                Expression::Array(text.split(',').map(|p| s(p.trim())).collect())
                            }
                            None => format!("split(\",\", {})", hclx::inline(&c))
                                .parse()
                                .unwrap_or(c),
                        });
                        rb.set_opt("cidr_blocks", c);
                    }
                    "with_ipv6_cidr_blocks" => {
                        let c = get(&item, "ipv6_cidr_blocks").map(|c| match b.eval.string(&c) {
                            Some(text) => {
                                Expression::Array(text.split(',').map(|p| s(p.trim())).collect())
                            }
                            None => c,
                        });
                        rb.set_opt("ipv6_cidr_blocks", c);
                    }
                    "with_source_security_group_id" => {
                        rb.set_opt(
                            "security_groups",
                            get(&item, "source_security_group_id")
                                .map(|g| Expression::Array(vec![g])),
                        );
                    }
                    _ => {
                        rb.set("self", Expression::Bool(true));
                    }
                }
                body.block(dir, rb);
            }
        }
    }
    let sg = b.resource("aws_security_group", &b.base(), body);
    if !unknown_rules.is_empty() {
        unknown_rules.dedup();
        b.note(
            Code::ModuleInputIgnored,
            format!(
                "`{}`: named rule(s) {} are not in Ferry's table of the module's rules and were not carried over",
                b.addr(),
                unknown_rules
                    .iter()
                    .map(|r| format!("`{r}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
    }
    b.understood(&["tags", "create_timeout", "delete_timeout", "putin_khuylo"]);
    b.absorb_matching(
        |k| k.starts_with("number_of_computed_"),
        "counts of computed rules only size the module's own loops",
    );
    b.outs(
        &sg,
        &[
            ("security_group_id", "id"),
            ("security_group_arn", "arn"),
            ("security_group_vpc_id", "vpc_id"),
            ("security_group_owner_id", "owner_id"),
            ("security_group_name", "name"),
            ("security_group_description", "description"),
        ],
    );
}

// ---- eks ------------------------------------------------------------------------------------------------

/// eks//modules/aws-auth (v20): the `aws-auth` ConfigMap, which maps IAM roles, users and
/// accounts to Kubernetes users and groups. A DOKS cluster authenticates DigitalOcean API tokens
/// (the kubeconfig `doctl` saves), so there is no IAM identity to map: the module creates
/// nothing, and a warning names the mappings that are not carried over.
fn eks_aws_auth(b: &mut Builder<'_>) {
    b.understood(&[
        "create",
        "create_aws_auth_configmap",
        "manage_aws_auth_configmap",
    ]);
    let mapped: Vec<&str> = ["aws_auth_roles", "aws_auth_users", "aws_auth_accounts"]
        .into_iter()
        .filter(|k| b.has(k))
        .collect();
    b.understood(&mapped);
    let what = if mapped.is_empty() {
        "no IAM identity".to_string()
    } else {
        mapped
            .iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    b.diags.push(
        Diagnostic::new(
            Code::FeatureUnsupported,
            format!(
                "`{}` maps IAM identities to Kubernetes users and groups in the `aws-auth` ConfigMap ({what}); a DOKS cluster authenticates DigitalOcean API tokens, so the module creates nothing and those identities get no access",
                b.addr()
            ),
        )
        .at(b.call.loc.clone())
        .resource(b.addr())
        .help("give the people and pipelines that need the cluster a DigitalOcean team role (or a token) and fetch its kubeconfig with `doctl kubernetes cluster kubeconfig save <cluster>`; bind Kubernetes RBAC roles to their users in the cluster if they need less than admin"),
    );
}

/// eks//modules/karpenter (v19–v21): the AWS side of Karpenter — the controller's IAM role
/// (IRSA or Pod Identity), the IAM role and instance profile of the nodes it launches, their
/// access entry, and the SQS queue with the EventBridge rules that tell it of spot
/// interruptions. Karpenter launches EC2 instances; a DOKS node pool's own autoscaler adds and
/// removes droplets (`auto_scale`, `min_nodes`, `max_nodes`), so the module creates nothing,
/// with a warning. Its outputs (`iam_role_arn`, `queue_name`, `node_iam_role_name`, …) read
/// `null` (F401), and the chart's `set`s that read them are left out.
fn eks_karpenter(b: &mut Builder<'_>) {
    if !b.created(&["create"]) {
        no_resources(b, &["iam_role_arn", "queue_name", "node_iam_role_name"]);
        return;
    }
    b.absorb_matching(
        |k| !META.contains(&k),
        "IAM roles and policies, instance profile, access entry, SQS queue and EventBridge rules of Karpenter's AWS side",
    );
    for o in [
        "iam_role_arn",
        "iam_role_name",
        "node_iam_role_arn",
        "node_iam_role_name",
        "instance_profile_name",
        "queue_name",
        "queue_arn",
        "queue_url",
        "service_account",
    ] {
        b.out_unmapped(
            o,
            "the EKS module's karpenter submodule creates nothing on DOKS (Karpenter's IAM roles, SQS queue and instance profile have no counterpart)",
        );
    }
    b.diags.push(
        Diagnostic::new(
            Code::FeatureUnsupported,
            format!(
                "`{}` creates the AWS side of Karpenter (IAM roles for its controller and its nodes, the nodes' access entry, an SQS interruption queue and its EventBridge rules); Karpenter launches EC2 instances, so on DOKS the module creates nothing: the cluster's node pools scale themselves",
                b.addr()
            ),
        )
        .at(b.call.loc.clone())
        .resource(b.addr())
        .help("give the node pool that should grow `auto_scale = true` with `min_nodes` / `max_nodes` (an EKS managed node group's `min_size` / `max_size` become them), and remove the Karpenter chart and its `NodePool` / `EC2NodeClass` objects from the deployment stack"),
    );
}

fn eks(b: &mut Builder<'_>) {
    if !b.created(&["create"]) {
        no_resources(b, &["cluster_name", "cluster_endpoint"]);
        return;
    }
    // v21 renamed `cluster_name` → `name`, `cluster_version` → `kubernetes_version`,
    // `cluster_endpoint_public_access` → `endpoint_public_access`, …
    let pick = |b: &mut Builder<'_>, new: &str, old: &str| b.input(new).or_else(|| b.input(old));
    let name = pick(b, "name", "cluster_name");
    let version = pick(b, "kubernetes_version", "cluster_version");
    let public = pick(
        b,
        "endpoint_public_access",
        "cluster_endpoint_public_access",
    );
    let private = pick(
        b,
        "endpoint_private_access",
        "cluster_endpoint_private_access",
    );
    let cidrs = pick(
        b,
        "endpoint_public_access_cidrs",
        "cluster_endpoint_public_access_cidrs",
    );
    let subnets = b.input("subnet_ids");
    let cp_subnets = b.input("control_plane_subnet_ids");
    let logs = pick(b, "enabled_log_types", "cluster_enabled_log_types");

    let mut body = B::new();
    body.set_opt("name", name);
    body.set_opt("version", version.clone());
    body.set_opt("enabled_cluster_log_types", logs);
    let mut vpc = B::new();
    vpc.set_opt("subnet_ids", cp_subnets.or(subnets.clone()));
    vpc.set_opt("endpoint_public_access", public);
    vpc.set_opt("endpoint_private_access", private);
    vpc.set_opt("public_access_cidrs", cidrs);
    body.block("vpc_config", vpc);
    let cluster = b.resource("aws_eks_cluster", &b.base(), body);

    // Managed node groups, with `eks_managed_node_group_defaults` (v20).
    let defaults = b
        .input_literal("eks_managed_node_group_defaults")
        .unwrap_or(Expression::Object(hcl::Object::new()));
    if let Some(groups) = b.input_literal("eks_managed_node_groups") {
        for (key, g) in entries(&groups) {
            let field = |k: &str| get(&g, k).or_else(|| get(&defaults, k));
            let name = format!("{}_{key}", b.base());
            eks_node_group(
                b,
                &name,
                &key,
                &field,
                rref(&cluster, "name"),
                version.clone(),
                subnets.clone(),
            );
        }
    }
    b.understood(&[
        "tags",
        "cluster_tags",
        "vpc_id",
        "enable_cluster_creator_admin_permissions",
        "enable_irsa",
        "authentication_mode",
        "access_entries",
        "iam_role_arn",
        "create_iam_role",
        "kms_key_administrators",
        "create_kms_key",
        "cluster_encryption_config",
        "encryption_config",
    ]);
    b.absorb_matching(
        |k| {
            k.contains("security_group")
                || k.starts_with("iam_role_")
                || k.starts_with("kms_")
                || k.starts_with("cloudwatch_log_group_")
                || k == "create_cloudwatch_log_group"
        },
        "IAM, KMS, CloudWatch and security groups of the cluster have no DOKS counterpart; DOKS manages its control plane access",
    );

    b.outs(
        &cluster,
        &[
            ("cluster_name", "name"),
            ("cluster_id", "id"),
            ("cluster_arn", "arn"),
            ("cluster_endpoint", "endpoint"),
            (
                "cluster_certificate_authority_data",
                "certificate_authority",
            ),
            ("cluster_version", "version"),
            ("cluster_platform_version", "platform_version"),
            ("cluster_status", "status"),
        ],
    );
    for o in [
        "cluster_security_group_id",
        "node_security_group_id",
        "cluster_primary_security_group_id",
    ] {
        b.out_unmapped(
            o,
            "DOKS manages the cluster's firewall; there is no security group",
        );
    }
    for o in [
        "oidc_provider",
        "oidc_provider_arn",
        "cluster_oidc_issuer_url",
        "cluster_iam_role_arn",
        "cluster_iam_role_name",
    ] {
        b.out_unmapped(o, "DOKS has no IAM roles or IAM OIDC provider");
    }
    b.out_unmapped(
        "eks_managed_node_groups",
        "node groups become DOKS node pools",
    );
}

// ---- elasticache ------------------------------------------------------------------------------------

// ---- acm ----------------------------------------------------------------------------------------------

/// One `aws_acm_certificate` (which the ACM rule turns into a Let's Encrypt certificate); the
/// validation records and the wait for validation are DigitalOcean's business.
/// One managed node group of the eks module (or its `//modules/eks-managed-node-group`), from
/// its settings (`field`).
fn eks_node_group(
    b: &mut Builder<'_>,
    name: &str,
    key: &str,
    field: &dyn Fn(&str) -> Option<Expression>,
    cluster_name: Expression,
    version: Option<Expression>,
    subnets: Option<Expression>,
) -> String {
    let mut ng = B::new();
    ng.set("cluster_name", cluster_name);
    ng.set("node_group_name", field("name").unwrap_or_else(|| s(key)));
    ng.set_opt("version", field("cluster_version").or(version));
    ng.set_opt("instance_types", field("instance_types"));
    for k in ["capacity_type", "ami_type", "disk_size", "labels"] {
        ng.set_opt(k, field(k));
    }
    ng.set_opt("subnet_ids", field("subnet_ids").or(subnets));
    // The node group submodule's defaults: min 1, max 3, desired 1.
    let mut sc = B::new();
    sc.set("min_size", field("min_size").unwrap_or(num(1)));
    sc.set("max_size", field("max_size").unwrap_or(num(3)));
    sc.set("desired_size", field("desired_size").unwrap_or(num(1)));
    ng.block("scaling_config", sc);
    // `taints = { k = { key, value, effect } }` (a map in v20, a list before).
    if let Some(t) = field("taints") {
        for taint in elements(&t) {
            ng.block("taint", obj_block(&taint, &[]));
        }
    }
    b.resource("aws_eks_node_group", name, ng)
}

/// `//modules/eks-managed-node-group`: one node group of a cluster named by `cluster_name`.
fn eks_managed_node_group(b: &mut Builder<'_>) {
    if !b.created(&["create"]) {
        no_resources(b, &["node_group_id"]);
        return;
    }
    let Some(cluster_name) = b.input("cluster_name") else {
        b.note(
            Code::FeatureUnsupported,
            format!(
                "`{}` names no `cluster_name`: Ferry cannot tell which cluster the node group joins, so it mapped nothing",
                b.addr()
            ),
        );
        no_resources(b, &["node_group_id"]);
        return;
    };
    let call = b.call;
    let field = |k: &str| {
        hclx::attr(&call.body, k)
            .filter(|e| !matches!(e, Expression::Null))
            .cloned()
    };
    let (base, key) = (b.base(), call.name.clone());
    let ng = eks_node_group(b, &base, &key, &field, cluster_name, None, None);
    b.understood(&[
        "name",
        "cluster_version",
        "instance_types",
        "capacity_type",
        "ami_type",
        "disk_size",
        "labels",
        "subnet_ids",
        "min_size",
        "max_size",
        "desired_size",
        "taints",
        "tags",
        "putin_khuylo",
    ]);
    b.absorb_matching(
        |k| {
            k.starts_with("iam_")
                || k.starts_with("create_iam")
                || k.starts_with("launch_template")
                || k.starts_with("use_custom_launch_template")
                || k.starts_with("cluster_")
                || k.starts_with("vpc_security_group")
                || k == "cluster_service_cidr"
        },
        "node IAM roles, launch templates and cluster networking: DOKS manages the nodes",
    );
    b.outs(
        &ng,
        &[
            ("node_group_id", "id"),
            ("node_group_arn", "arn"),
            ("node_group_status", "status"),
        ],
    );
}

fn acm(b: &mut Builder<'_>) {
    if !b.created(&["create_certificate"]) {
        no_resources(b, &["acm_certificate_arn"]);
        return;
    }
    let mut body = B::new();
    b.pass(
        &mut body,
        &["domain_name", "subject_alternative_names", "key_algorithm"],
    );
    body.set(
        "validation_method",
        b.input("validation_method").unwrap_or_else(|| s("DNS")),
    );
    let cert = b.resource("aws_acm_certificate", &b.base(), body);
    b.understood(&["tags", "putin_khuylo"]);
    b.absorb_matching(
        |k| {
            k == "zone_id"
                || k == "zones"
                || k.starts_with("validat")
                || k.starts_with("create_route53")
                || k == "wait_for_validation"
                || k == "dns_ttl"
                || k == "validation_record_fqdns"
                || k == "certificate_transparency_logging_preference"
        },
        "DigitalOcean validates Let's Encrypt certificates through its own DNS",
    );
    b.out("acm_certificate_arn", &cert, "arn");
    b.out("acm_certificate_status", &cert, "status");
    b.out_unmapped(
        "distinct_domain_names",
        "read the domain names from the module's inputs; the DigitalOcean certificate lists them as `domains`",
    );
    for out in [
        "acm_certificate_domain_validation_options",
        "acm_certificate_validation_emails",
        "validation_route53_record_fqdns",
        "validation_domains",
    ] {
        b.out_unmapped(
            out,
            "DigitalOcean validates Let's Encrypt certificates itself: there are no validation records",
        );
    }
}

fn elasticache(b: &mut Builder<'_>) {
    let engine = b.input("engine").or_else(|| Some(s("redis")));
    let port = b.input("port");
    let sg = aurora_like_security_group(b, "security_group_rules", port.clone(), engine.as_ref());
    let replication = b.input_bool("create_replication_group").unwrap_or(true)
        && b.input_bool("create") != Some(false);
    let cluster = !replication && b.input_bool("create_cluster") == Some(true);
    let sgs = b.input("security_group_ids");
    let sgs = with_own_sg(sg.as_deref(), sgs);
    let common = [
        "engine_version",
        "node_type",
        "parameter_group_name",
        "maintenance_window",
        "snapshot_retention_limit",
        "snapshot_window",
        "apply_immediately",
        "auto_minor_version_upgrade",
        "notification_topic_arn",
    ];
    let addr = if replication {
        let mut body = B::new();
        b.pass(&mut body, &["replication_group_id"]);
        body.set(
            "description",
            b.input("description")
                .unwrap_or_else(|| s("ElastiCache replication group")),
        );
        body.set_opt("engine", engine);
        body.set_opt("port", port);
        b.pass(&mut body, &common);
        b.pass(
            &mut body,
            &[
                "num_cache_clusters",
                "num_node_groups",
                "replicas_per_node_group",
                "automatic_failover_enabled",
                "multi_az_enabled",
                "transit_encryption_enabled",
                "at_rest_encryption_enabled",
                "auth_token",
                "kms_key_id",
                "data_tiering_enabled",
                "cluster_mode",
            ],
        );
        body.set_opt("security_group_ids", sgs);
        Some(b.resource("aws_elasticache_replication_group", &b.base(), body))
    } else if cluster {
        let mut body = B::new();
        b.pass(&mut body, &["cluster_id", "num_cache_nodes", "az_mode"]);
        body.set_opt("engine", engine);
        body.set_opt("port", port);
        b.pass(&mut body, &common);
        body.set_opt("security_group_ids", sgs);
        Some(b.resource("aws_elasticache_cluster", &b.base(), body))
    } else {
        None
    };
    let Some(addr) = addr else {
        no_resources(b, &["replication_group_id", "cluster_id"]);
        return;
    };
    b.understood(&[
        "tags",
        "create_replication_group",
        "create_cluster",
        "cluster_mode_enabled",
    ]);
    b.absorb_matching(
        |k| {
            k == "subnet_ids"
                || k == "vpc_id"
                || k.starts_with("subnet_group")
                || k == "create_subnet_group"
                || k.starts_with("security_group_")
                || k == "create_security_group"
        },
        "DigitalOcean databases join the VPC directly; the module's security group becomes the database firewall",
    );
    if replication {
        b.outs(
            &addr,
            &[
                ("replication_group_id", "id"),
                ("replication_group_arn", "arn"),
                (
                    "replication_group_primary_endpoint_address",
                    "primary_endpoint_address",
                ),
                (
                    "replication_group_reader_endpoint_address",
                    "reader_endpoint_address",
                ),
                (
                    "replication_group_configuration_endpoint_address",
                    "configuration_endpoint_address",
                ),
                ("replication_group_member_clusters", "member_clusters"),
                ("replication_group_port", "port"),
            ],
        );
    } else {
        b.outs(
            &addr,
            &[
                ("cluster_id", "cluster_id"),
                ("cluster_arn", "arn"),
                ("cluster_address", "cluster_address"),
                ("cluster_configuration_endpoint", "configuration_endpoint"),
                ("cluster_cache_nodes", "cache_nodes"),
            ],
        );
    }
    match sg {
        Some(sg) => b.out("security_group_id", &sg, "id"),
        None => b.out_unmapped(
            "security_group_id",
            "the module created no security group (no `security_group_rules`)",
        ),
    }
}

// ---- ec2-instance, key-pair ---------------------------------------------------------------------

/// ec2-instance v5: one `aws_instance` (the droplet rule maps it). `name` is its `Name` tag;
/// `root_block_device`/`ebs_block_device`, lists of objects in the module, become the
/// resource's blocks.
fn ec2_instance(b: &mut Builder<'_>) {
    if !b.created(&["create"]) || b.input_bool("create_spot_instance") == Some(true) {
        if b.input_bool("create_spot_instance") == Some(true) {
            b.note(
                Code::FeatureUnsupported,
                format!(
                    "`{}` asks for a spot instance: DigitalOcean has no spot droplets, so Ferry mapped nothing for it",
                    b.addr()
                ),
            );
        }
        no_resources(b, &["id", "arn", "private_ip", "public_ip"]);
        return;
    }
    let mut body = B::new();
    b.pass(
        &mut body,
        &[
            "ami",
            "user_data",
            "user_data_base64",
            "key_name",
            "subnet_id",
            "vpc_security_group_ids",
            "associate_public_ip_address",
            "private_ip",
            "availability_zone",
            "monitoring",
            "ebs_optimized",
            "iam_instance_profile",
        ],
    );
    body.set(
        "instance_type",
        b.input("instance_type").unwrap_or_else(|| s("t3.micro")),
    );
    for block in ["root_block_device", "ebs_block_device"] {
        if let Some(Expression::Array(items)) = b.input_literal(block) {
            for item in items.iter().filter(|i| matches!(i, Expression::Object(_))) {
                body.block(block, obj_block(item, &[]));
            }
        }
    }
    let name = b.input("name");
    let tags = b.input("tags");
    let instance_tags = b.input("instance_tags");
    let mut merged: Vec<Expression> = Vec::new();
    if let Some(n) = name {
        let mut o = hcl::Object::new();
        o.insert(
            hcl::ObjectKey::Identifier(hcl::Identifier::unchecked("Name")),
            n,
        );
        merged.push(Expression::Object(o));
    }
    merged.extend(tags);
    merged.extend(instance_tags);
    match merged.len() {
        0 => {}
        1 => {
            body.set("tags", merged.remove(0));
        }
        _ => {
            let mut call = hcl::FuncCall::new(hcl::Identifier::unchecked("merge"));
            call.args = merged;
            body.set("tags", Expression::FuncCall(Box::new(call)));
        }
    }
    let i = b.resource("aws_instance", &b.base(), body);
    b.understood(&["putin_khuylo", "volume_tags", "enable_volume_tags"]);
    b.outs(
        &i,
        &[
            ("id", "id"),
            ("arn", "arn"),
            ("instance_state", "instance_state"),
            ("private_ip", "private_ip"),
            ("public_ip", "public_ip"),
            ("private_dns", "private_dns"),
            ("public_dns", "public_dns"),
            ("ami", "ami"),
            ("availability_zone", "availability_zone"),
            ("tags_all", "tags_all"),
        ],
    );
}

/// key-pair v2: one `aws_key_pair`; with `create_private_key`, the key is generated by a
/// `tls_private_key` (provider-neutral, kept as is) as the module does.
fn key_pair(b: &mut Builder<'_>) {
    if !b.created(&["create"]) {
        no_resources(b, &["key_pair_id", "key_pair_name"]);
        return;
    }
    let mut body = B::new();
    b.pass(&mut body, &["key_name", "key_name_prefix"]);
    let generated = if b.input_bool("create_private_key") == Some(true) {
        let mut tls = B::new();
        let algorithm = b.input("private_key_algorithm").unwrap_or_else(|| s("RSA"));
        tls.set("algorithm", algorithm);
        tls.set(
            "rsa_bits",
            b.input("private_key_rsa_bits").unwrap_or_else(|| num(4096)),
        );
        let key = b.resource("tls_private_key", &b.base(), tls);
        body.set("public_key", rref(&key, "public_key_openssh"));
        Some(key)
    } else {
        let pk = b.input("public_key");
        body.set_opt("public_key", pk);
        None
    };
    let kp = b.resource("aws_key_pair", &b.base(), body);
    b.understood(&["tags", "putin_khuylo"]);
    b.outs(
        &kp,
        &[
            ("key_pair_id", "id"),
            ("key_pair_arn", "arn"),
            ("key_pair_name", "key_name"),
            ("key_pair_fingerprint", "fingerprint"),
        ],
    );
    match generated {
        Some(key) => {
            for (out, attr) in [
                ("private_key_id", "id"),
                ("private_key_openssh", "private_key_openssh"),
                ("private_key_pem", "private_key_pem"),
                ("public_key_openssh", "public_key_openssh"),
                ("public_key_pem", "public_key_pem"),
                ("public_key_fingerprint_md5", "public_key_fingerprint_md5"),
            ] {
                // The generator is kept as written (provider-neutral): its address stays.
                b.out_expr(out, rref(&key, attr));
            }
        }
        None => {
            for out in [
                "private_key_id",
                "private_key_openssh",
                "private_key_pem",
                "public_key_openssh",
                "public_key_pem",
                "public_key_fingerprint_md5",
            ] {
                b.out_unmapped(
                    out,
                    "the module generated no key (`create_private_key` is not set)",
                );
            }
        }
    }
}

// ---- one resource of a service DigitalOcean lacks or does not need ---------------------------------

/// A module that creates one resource of `ty` (what it stands for is the rules' business:
/// SQS, SNS and DynamoDB are reported with their alternatives, KMS and CloudWatch absorbed,
/// IAM dropped), named by the module's `name` input (or `name_input`); its outputs read that
/// resource's attributes.
fn single(
    b: &mut Builder<'_>,
    switches: &[&str],
    ty: &str,
    name_input: Option<&str>,
    pass: &[&str],
    outputs: &[(&str, &str)],
) {
    if !b.created(switches) {
        let names: Vec<&str> = outputs.iter().map(|(o, _)| *o).collect();
        no_resources(b, &names);
        return;
    }
    let mut body = B::new();
    if let Some(n) = name_input {
        let v = b.input(n);
        body.set_opt(
            match n {
                "role_name" => "name",
                other => other,
            },
            v,
        );
    }
    b.pass(&mut body, pass);
    let r = b.resource(ty, &b.base(), body);
    b.understood(&["tags", "putin_khuylo"]);
    b.outs(&r, outputs);
}

fn sqs(b: &mut Builder<'_>) {
    single(
        b,
        &["create"],
        "aws_sqs_queue",
        Some("name"),
        &[
            "fifo_queue",
            "visibility_timeout_seconds",
            "message_retention_seconds",
            "delay_seconds",
        ],
        &[
            ("queue_id", "id"),
            ("queue_arn", "arn"),
            ("queue_url", "url"),
            ("queue_name", "name"),
        ],
    );
}

fn sns(b: &mut Builder<'_>) {
    single(
        b,
        &["create"],
        "aws_sns_topic",
        Some("name"),
        &["fifo_topic", "display_name"],
        &[
            ("topic_arn", "arn"),
            ("topic_id", "id"),
            ("topic_name", "name"),
            ("topic_owner", "owner"),
        ],
    );
}

fn dynamodb_table(b: &mut Builder<'_>) {
    single(
        b,
        &["create_table"],
        "aws_dynamodb_table",
        Some("name"),
        &[
            "hash_key",
            "range_key",
            "billing_mode",
            "read_capacity",
            "write_capacity",
        ],
        &[
            ("dynamodb_table_arn", "arn"),
            ("dynamodb_table_id", "id"),
            ("dynamodb_table_stream_arn", "stream_arn"),
            ("dynamodb_table_stream_label", "stream_label"),
        ],
    );
}

fn kms(b: &mut Builder<'_>) {
    single(
        b,
        &["create"],
        "aws_kms_key",
        None,
        &[
            "description",
            "key_usage",
            "deletion_window_in_days",
            "enable_key_rotation",
        ],
        &[("key_arn", "arn"), ("key_id", "key_id")],
    );
}

/// ecr v1–v2: a private repository, which the ECR rule makes a repository of the appliance's
/// registry (its image moves there). Lifecycle and repository policies are inputs the module
/// turns into resources of their own: not carried, so the F206 note lists them.
fn ecr(b: &mut Builder<'_>) {
    let outputs = [
        ("repository_name", "name"),
        ("repository_arn", "arn"),
        ("repository_registry_id", "registry_id"),
        ("repository_url", "repository_url"),
    ];
    if !b.created(&["create", "create_repository"]) {
        let names: Vec<&str> = outputs.iter().map(|(o, _)| *o).collect();
        no_resources(b, &names);
        return;
    }
    let mut body = B::new();
    for (input, arg) in [
        ("repository_name", "name"),
        ("repository_image_tag_mutability", "image_tag_mutability"),
        ("repository_force_delete", "force_delete"),
    ] {
        let v = b.input(input);
        body.set_opt(arg, v);
    }
    let r = b.resource("aws_ecr_repository", &b.base(), body);
    b.understood(&["tags", "putin_khuylo"]);
    b.outs(&r, &outputs);
}

/// iam v5 submodules: roles (assumable, OIDC, service accounts), policies, users, groups.
fn iam(b: &mut Builder<'_>, sub: &str) -> Option<()> {
    let preset = sub.strip_prefix("modules/")?;
    if preset.contains("oidc-provider") {
        single(
            b,
            &["create"],
            "aws_iam_openid_connect_provider",
            None,
            &["url", "client_id_list"],
            &[("arn", "arn"), ("url", "url")],
        );
    } else if preset == "iam-account" {
        single(
            b,
            &["create_account_password_policy", "create"],
            "aws_iam_account_alias",
            None,
            &["account_alias"],
            &[("iam_account_alias", "account_alias")],
        );
    } else if preset.contains("role") {
        single(
            b,
            &["create_role", "create"],
            "aws_iam_role",
            Some("role_name"),
            &[],
            &[
                ("iam_role_arn", "arn"),
                ("iam_role_name", "name"),
                ("iam_role_unique_id", "unique_id"),
                ("iam_role_path", "path"),
                ("arn", "arn"),
                ("name", "name"),
            ],
        );
    } else if preset.contains("policy") {
        single(
            b,
            &["create_policy", "create"],
            "aws_iam_policy",
            Some("name"),
            &["description", "policy"],
            &[
                ("arn", "arn"),
                ("id", "id"),
                ("name", "name"),
                ("policy", "policy"),
            ],
        );
    } else if preset.contains("user") {
        single(
            b,
            &["create_user", "create"],
            "aws_iam_user",
            Some("name"),
            &[],
            &[
                ("iam_user_arn", "arn"),
                ("iam_user_name", "name"),
                ("iam_user_unique_id", "unique_id"),
            ],
        );
    } else if preset.contains("group") {
        single(
            b,
            &["create_group", "create"],
            "aws_iam_group",
            Some("name"),
            &[],
            &[("group_arn", "arn"), ("group_name", "name")],
        );
    } else {
        return None;
    }
    // Whatever else the submodule reads (trust policies, OIDC providers, attached policies)
    // configures AWS identities, which have no DigitalOcean equivalent.
    b.absorb_matching(
        |k| !META.contains(&k),
        "AWS identity and access configuration",
    );
    Some(())
}

/// cloudwatch v5 submodules: log groups and metric alarms.
fn cloudwatch(b: &mut Builder<'_>, sub: &str) -> Option<()> {
    match sub.strip_prefix("modules/")? {
        "log-group" => single(
            b,
            &["create"],
            "aws_cloudwatch_log_group",
            Some("name"),
            &["retention_in_days"],
            &[
                ("cloudwatch_log_group_name", "name"),
                ("cloudwatch_log_group_arn", "arn"),
            ],
        ),
        "metric-alarm" => single(
            b,
            &["create_metric_alarm", "create"],
            "aws_cloudwatch_metric_alarm",
            Some("alarm_name"),
            &[
                "comparison_operator",
                "evaluation_periods",
                "metric_name",
                "namespace",
                "period",
                "statistic",
                "threshold",
            ],
            &[
                ("cloudwatch_metric_alarm_arn", "arn"),
                ("cloudwatch_metric_alarm_id", "id"),
            ],
        ),
        _ => return None,
    }
    b.absorb_matching(|k| !META.contains(&k), "CloudWatch configuration");
    Some(())
}

// ---- lambda ---------------------------------------------------------------------------------------

/// lambda v7: one `aws_lambda_function` (the functions rule maps it), an
/// `aws_lambda_function_url` with `create_lambda_function_url`, and one
/// `aws_lambda_event_source_mapping` per `event_source_mapping` entry (reported with the
/// alternative). The package the module builds from `source_path` is the function's archive,
/// as a `filename` would be; `local_existing_package` and `s3_existing_package` likewise.
fn lambda(b: &mut Builder<'_>) {
    if !b.created(&["create", "create_function"]) {
        no_resources(b, &["lambda_function_arn", "lambda_function_name"]);
        return;
    }
    let mut body = B::new();
    b.pass(
        &mut body,
        &[
            "function_name",
            "handler",
            "runtime",
            "description",
            "memory_size",
            "timeout",
            "image_uri",
            "package_type",
            "layers",
            "architectures",
            "reserved_concurrent_executions",
            "publish",
        ],
    );
    if let Some(path) = b.input("source_path").and_then(|p| source_path(&p)) {
        body.set("filename", path);
    } else if let Some(zip) = b.input("local_existing_package") {
        body.set("filename", zip);
    } else if let Some(s3) = b.input("s3_existing_package") {
        body.set_opt("s3_bucket", get(&s3, "bucket"));
        body.set_opt("s3_key", get(&s3, "key"));
        body.set_opt("s3_object_version", get(&s3, "version_id"));
    }
    if let Some(vars) = b.input("environment_variables") {
        let mut env = B::new();
        env.set("variables", vars);
        body.block("environment", env);
    }
    let subnets = b.input("vpc_subnet_ids");
    let groups = b.input("vpc_security_group_ids");
    if subnets.is_some() || groups.is_some() {
        let mut vpc = B::new();
        vpc.set_opt("subnet_ids", subnets);
        vpc.set_opt("security_group_ids", groups);
        body.block("vpc_config", vpc);
    }
    let f = b.resource("aws_lambda_function", &b.base(), body);
    let function_name = rref(&f, "function_name");

    let url = if b.input_bool("create_lambda_function_url") == Some(true) {
        let mut u = B::new();
        u.set("function_name", function_name.clone());
        u.set(
            "authorization_type",
            b.input("authorization_type").unwrap_or_else(|| s("NONE")),
        );
        b.understood(&["cors"]);
        Some(b.resource("aws_lambda_function_url", &b.base(), u))
    } else {
        None
    };
    if let Some(mappings) = b.input_literal("event_source_mapping") {
        for (key, m) in entries(&mappings) {
            let mut e = B::new();
            e.set("function_name", function_name.clone());
            e.set_opt("event_source_arn", get(&m, "event_source_arn"));
            e.set_opt("batch_size", get(&m, "batch_size"));
            b.resource(
                "aws_lambda_event_source_mapping",
                &format!("{}_{key}", b.base()),
                e,
            );
        }
    }
    b.understood(&["tags", "putin_khuylo", "create_package", "create_layer"]);
    b.absorb_matching(
        |k| {
            k.starts_with("attach_")
                || k.starts_with("policy")
                || k.starts_with("role")
                || k == "create_role"
                || k == "lambda_role"
                || k == "trusted_entities"
                || k == "assume_role_policy_statements"
                || k == "number_of_policies"
                || k == "number_of_policy_jsons"
        },
        "the function's IAM role: DigitalOcean has no IAM",
    );
    b.absorb_matching(
        |k| k.starts_with("cloudwatch_logs") || k == "use_existing_cloudwatch_log_group",
        "the function's logs are its pods' logs on the cluster",
    );
    b.absorb_matching(
        |k| k == "allowed_triggers" || k == "create_current_version_allowed_triggers",
        "invocation permissions: the service is reachable by what the stack routes to it",
    );
    b.absorb_matching(
        |k| {
            k.starts_with("build_in_docker")
                || k.starts_with("docker_")
                || k == "hash_extra"
                || k == "artifacts_dir"
                || k == "store_on_s3"
                || k == "s3_bucket"
                || k == "s3_prefix"
                || k == "recreate_missing_package"
                || k == "ignore_source_code_hash"
                || k == "trigger_on_package_timestamp"
        },
        "how the module packages the code: the function's image is built from `source_path`",
    );
    b.outs(
        &f,
        &[
            ("lambda_function_arn", "arn"),
            ("lambda_function_name", "function_name"),
            ("lambda_function_invoke_arn", "invoke_arn"),
            ("lambda_function_qualified_arn", "qualified_arn"),
            ("lambda_function_version", "version"),
        ],
    );
    match url {
        Some(u) => b.out("lambda_function_url", &u, "function_url"),
        None => b.out_unmapped(
            "lambda_function_url",
            "the module created no function URL (`create_lambda_function_url` is not set)",
        ),
    }
    for out in ["lambda_role_arn", "lambda_role_name"] {
        b.out_unmapped(out, "DigitalOcean has no IAM: the function has no role");
    }
    b.out_unmapped(
        "lambda_cloudwatch_log_group_name",
        "the function's logs are its pods' logs on the cluster",
    );
}

/// The folder or file of the lambda module's `source_path`: a path, the first of a list, or
/// an object's `path`.
fn source_path(e: &Expression) -> Option<Expression> {
    match e {
        Expression::Array(items) => items.first().and_then(source_path),
        Expression::Object(_) => get(e, "path"),
        Expression::Null => None,
        other => Some(other.clone()),
    }
}

// ---- ecs --------------------------------------------------------------------------------------------

/// Container definition inputs of the ecs module (snake_case) → ECS JSON keys (what the
/// `aws_ecs_task_definition` rule reads from `jsonencode([...])`).
const ECS_CONTAINER_KEYS: &[(&str, &str)] = &[
    ("image", "image"),
    ("cpu", "cpu"),
    ("memory", "memory"),
    ("memory_reservation", "memoryReservation"),
    ("essential", "essential"),
    ("port_mappings", "portMappings"),
    ("environment", "environment"),
    ("secrets", "secrets"),
    ("command", "command"),
    ("entrypoint", "entryPoint"),
    ("entry_point", "entryPoint"),
    ("health_check", "healthCheck"),
    ("readonly_root_filesystem", "readonlyRootFilesystem"),
    ("user", "user"),
    ("working_directory", "workingDirectory"),
    ("dependencies", "dependsOn"),
    ("stop_timeout", "stopTimeout"),
];

fn obj(entries: Vec<(&str, Expression)>) -> Expression {
    let mut o = hcl::Object::new();
    for (k, v) in entries {
        o.insert(
            hcl::ObjectKey::Expression(Expression::String(k.to_string())),
            v,
        );
    }
    Expression::Object(o)
}

/// ecs v5: the cluster, and per entry of `services` a task definition and a service (the ECS
/// rules map them to a Deployment and a Service on DOKS). `//modules/cluster` is the cluster
/// alone, `//modules/service` one service whose inputs are the call's.
fn ecs(b: &mut Builder<'_>, sub: Option<&str>) -> Option<()> {
    match sub {
        None => {
            let cluster = ecs_cluster(b);
            if let Some(services) = b.input_literal("services") {
                for (key, svc) in entries(&services) {
                    let cluster_ref = cluster.as_ref().map(|c| rref(c, "id"));
                    ecs_service(b, &key, &|k| get(&svc, k), cluster_ref);
                }
            }
            b.out_unmapped(
                "services",
                "read the services' Deployments (`kubernetes_deployment_v1`) in the deployment stack",
            );
        }
        Some("modules/cluster") => {
            ecs_cluster(b);
        }
        Some("modules/service") => {
            let key = b.base();
            let call = b.call;
            let eval = b.eval;
            let cluster = b.input("cluster_arn");
            b.understood(&[
                "name",
                "cpu",
                "memory",
                "container_definitions",
                "desired_count",
                "load_balancer",
                "subnet_ids",
                "security_group_ids",
                "security_group_rules",
                "assign_public_ip",
                "launch_type",
                "enable_autoscaling",
                "autoscaling_min_capacity",
                "autoscaling_max_capacity",
            ]);
            let (td, svc) = ecs_service(
                b,
                &key,
                &|k| {
                    hclx::attr(&call.body, k)
                        .filter(|e| !matches!(e, Expression::Null))
                        .map(|e| known_keys(eval, e))
                },
                cluster,
            );
            b.out("id", &svc, "id");
            b.out("name", &svc, "name");
            b.out("task_definition_arn", &td, "arn");
            b.out("task_definition_family", &td, "family");
        }
        Some(_) => return None,
    }
    b.understood(&["tags", "putin_khuylo"]);
    b.absorb_matching(
        |k| {
            k.starts_with("cluster_")
                || k.starts_with("cloudwatch_")
                || k.starts_with("create_cloudwatch")
                || k.contains("capacity_provider")
                || k.starts_with("task_exec")
                || k.starts_with("create_task_exec")
                || k.starts_with("tasks_iam")
                || k.starts_with("iam_role")
        },
        "cluster settings, capacity providers, logs and IAM roles: the services run on the stack's DOKS cluster",
    );
    Some(())
}

fn ecs_cluster(b: &mut Builder<'_>) -> Option<String> {
    if !b.created(&["create", "create_cluster"]) {
        return None;
    }
    let mut body = B::new();
    let name = b.input("cluster_name").unwrap_or_else(|| s(&b.call.name));
    body.set("name", name);
    let c = b.resource("aws_ecs_cluster", &b.base(), body);
    // EC2 capacity providers (`autoscaling_capacity_providers = { key = {
    // auto_scaling_group_arn = … } }`): the Auto Scaling groups they name are the cluster's
    // container instances, which the `aws_ecs_capacity_provider` rule and the Auto Scaling
    // group rule fold into the DOKS node pool instead of making droplets of them.
    if let Some(cps) = b.input_literal("autoscaling_capacity_providers") {
        for (key, cp) in entries(&cps) {
            let Some(arn) = get(&cp, "auto_scaling_group_arn") else {
                continue;
            };
            let mut provider = B::new();
            provider.set("auto_scaling_group_arn", arn);
            let mut body = B::new();
            body.set("name", get(&cp, "name").unwrap_or_else(|| s(&key)));
            body.block("auto_scaling_group_provider", provider);
            let name = format!("{}_{}", b.base(), sanitize_name(&key));
            b.resource("aws_ecs_capacity_provider", &name, body);
        }
    }
    b.out("cluster_arn", &c, "arn");
    b.out("cluster_id", &c, "id");
    b.out("cluster_name", &c, "name");
    Some(c)
}

/// One service of the ecs module: its task definition and service, from the service's
/// settings (`get`). Returns their addresses.
fn ecs_service(
    b: &mut Builder<'_>,
    key: &str,
    get: &dyn Fn(&str) -> Option<Expression>,
    cluster: Option<Expression>,
) -> (String, String) {
    let name = sanitize_name(key);
    let mut containers = Vec::new();
    if let Some(defs) = get("container_definitions") {
        for (cname, c) in entries(&defs) {
            let mut fields: Vec<(&str, Expression)> =
                vec![("name", self::get(&c, "name").unwrap_or_else(|| s(&cname)))];
            for (from, to) in ECS_CONTAINER_KEYS {
                if fields.iter().any(|(k, _)| k == to) {
                    continue;
                }
                if let Some(v) = self::get(&c, from) {
                    fields.push((to, v));
                }
            }
            // The module's defaults: essential, and a read-only root file system.
            for (k, default) in [
                ("essential", Expression::Bool(true)),
                ("readonlyRootFilesystem", Expression::Bool(true)),
            ] {
                if !fields.iter().any(|(f, _)| *f == k) {
                    fields.push((k, default));
                }
            }
            containers.push(obj(fields));
        }
    }
    let mut jsonencode = hcl::FuncCall::new(hcl::Identifier::unchecked("jsonencode"));
    jsonencode.args = vec![Expression::Array(containers)];
    let mut td = B::new();
    td.set("family", get("family").unwrap_or_else(|| s(key)));
    td.set("cpu", get("cpu").unwrap_or_else(|| num(1024)));
    td.set("memory", get("memory").unwrap_or_else(|| num(2048)));
    td.set("network_mode", s("awsvpc"));
    td.set(
        "requires_compatibilities",
        Expression::Array(vec![s("FARGATE")]),
    );
    td.set(
        "container_definitions",
        Expression::FuncCall(Box::new(jsonencode)),
    );
    let td = b.resource("aws_ecs_task_definition", &name, td);

    let mut svc = B::new();
    svc.set("name", get("name").unwrap_or_else(|| s(key)));
    svc.set_opt("cluster", cluster);
    svc.set("task_definition", rref(&td, "arn"));
    svc.set(
        "desired_count",
        get("desired_count").unwrap_or_else(|| num(1)),
    );
    svc.set(
        "launch_type",
        get("launch_type").unwrap_or_else(|| s("FARGATE")),
    );
    if let Some(lbs) = get("load_balancer") {
        for (_, lb) in entries(&lbs) {
            let mut block = B::new();
            block.set_opt("target_group_arn", self::get(&lb, "target_group_arn"));
            block.set_opt("container_name", self::get(&lb, "container_name"));
            block.set_opt("container_port", self::get(&lb, "container_port"));
            svc.block("load_balancer", block);
        }
    }
    let svc = b.resource("aws_ecs_service", &name, svc);
    if get("enable_autoscaling").is_none_or(|e| !matches!(e, Expression::Bool(false))) {
        // The module scales every service by default (1–10 tasks on CPU and memory).
        ecs_autoscaling(b, &name, &svc, get);
    }
    (td, svc)
}

/// The module's default autoscaling of a service: a target (min/max capacity) and CPU and
/// memory target-tracking policies at 75 % (what the ECS rule maps to an HPA).
fn ecs_autoscaling(
    b: &mut Builder<'_>,
    name: &str,
    svc: &str,
    get: &dyn Fn(&str) -> Option<Expression>,
) {
    let mut t = B::new();
    t.set(
        "min_capacity",
        get("autoscaling_min_capacity").unwrap_or_else(|| num(1)),
    );
    t.set(
        "max_capacity",
        get("autoscaling_max_capacity").unwrap_or_else(|| num(10)),
    );
    t.set(
        "resource_id",
        hclx::template(format!(
            "service/${{{}}}/${{{}}}",
            hclx::inline(&rref(svc, "cluster")),
            hclx::inline(&rref(svc, "name"))
        )),
    );
    t.set("scalable_dimension", s("ecs:service:DesiredCount"));
    t.set("service_namespace", s("ecs"));
    let target = b.resource("aws_appautoscaling_target", name, t);
    for (metric, label) in [
        ("ECSServiceAverageCPUUtilization", "cpu"),
        ("ECSServiceAverageMemoryUtilization", "memory"),
    ] {
        let mut spec = B::new();
        spec.set("predefined_metric_type", s(metric));
        let mut cfg = B::new();
        cfg.block("predefined_metric_specification", spec);
        cfg.set("target_value", num(75));
        let mut p = B::new();
        p.set("name", s(&format!("{name}-{label}")));
        p.set("policy_type", s("TargetTrackingScaling"));
        p.set("resource_id", rref(&target, "resource_id"));
        p.set("scalable_dimension", rref(&target, "scalable_dimension"));
        p.set("service_namespace", rref(&target, "service_namespace"));
        p.block("target_tracking_scaling_policy_configuration", cfg);
        b.resource("aws_appautoscaling_policy", &format!("{name}_{label}"), p);
    }
}

// ---- autoscaling ------------------------------------------------------------------------------------

/// autoscaling v7: a launch template (unless `create_launch_template = false` and
/// `launch_template_id`/`launch_template` name an existing one) and the Auto Scaling group (the
/// EC2 rules map them to droplets). The module takes `user_data` already base64-encoded, as
/// the launch template does.
fn autoscaling(b: &mut Builder<'_>) {
    if !b.created(&["create"]) {
        no_resources(b, &["autoscaling_group_id", "autoscaling_group_name"]);
        return;
    }
    let name = b.input("name").unwrap_or_else(|| s(&b.call.name));
    let lt = if b.input_bool("create_launch_template") == Some(false) {
        None
    } else {
        let mut lt = B::new();
        // `lt_name` and `user_data_base64`: the names of module versions before 5.0 (the
        // template's user data is base64 in both).
        let lt_name = b.input("launch_template_name");
        let lt_name = if lt_name.is_some() {
            lt_name
        } else {
            b.input("lt_name")
        };
        match (lt_name, b.input_bool("launch_template_use_name_prefix")) {
            (Some(n), Some(false)) => lt.set("name", n),
            (Some(n), _) => lt.set("name_prefix", with_suffix(&n, "-")),
            (None, _) => lt.set("name_prefix", with_suffix(&name, "-")),
        };
        b.pass(
            &mut lt,
            &["image_id", "instance_type", "key_name", "ebs_optimized"],
        );
        let user_data = b.input("user_data");
        let user_data = if user_data.is_some() {
            user_data
        } else {
            b.input("user_data_base64")
        };
        lt.set_opt("user_data", user_data);
        let sgs = b.input("security_groups");
        lt.set_opt("vpc_security_group_ids", sgs);
        Some(b.resource("aws_launch_template", &b.base(), lt))
    };
    // The group's name as written: AWS would add a random suffix to a prefix, but the droplet
    // pool needs one name (unique per appliance through the instance id).
    let mut asg = B::new();
    asg.set("name", name);
    b.pass(
        &mut asg,
        &[
            "min_size",
            "max_size",
            "desired_capacity",
            "vpc_zone_identifier",
            "target_group_arns",
            "health_check_type",
            "health_check_grace_period",
            "default_cooldown",
        ],
    );
    let mut lt_block = B::new();
    match &lt {
        Some(lt) => {
            lt_block.set("id", rref(lt, "id"));
        }
        None => {
            let id = b.input("launch_template_id");
            lt_block.set_opt("id", id);
        }
    }
    lt_block.set(
        "version",
        b.input("launch_template_version")
            .unwrap_or_else(|| s("$Latest")),
    );
    asg.block("launch_template", lt_block);
    let g = b.resource("aws_autoscaling_group", &b.base(), asg);
    b.understood(&[
        "tags",
        "putin_khuylo",
        "use_name_prefix",
        "launch_template_use_name_prefix",
    ]);
    b.absorb_matching(
        |k| {
            k.starts_with("iam_")
                || k.starts_with("create_iam")
                || k == "enable_monitoring"
                || k.starts_with("metadata_")
                || k.starts_with("instance_refresh")
                || k.starts_with("update_default_version")
        },
        "instance profile, monitoring, metadata service and refresh settings of AWS instances",
    );
    b.outs(
        &g,
        &[
            ("autoscaling_group_id", "id"),
            ("autoscaling_group_name", "name"),
            ("autoscaling_group_arn", "arn"),
            ("autoscaling_group_min_size", "min_size"),
            ("autoscaling_group_max_size", "max_size"),
            ("autoscaling_group_desired_capacity", "desired_capacity"),
        ],
    );
    match lt {
        Some(lt) => {
            b.out("launch_template_id", &lt, "id");
            b.out("launch_template_name", &lt, "name");
            b.out("launch_template_latest_version", &lt, "latest_version");
        }
        None => {
            for out in ["launch_template_id", "launch_template_name"] {
                b.out_unmapped(out, "the module created no launch template");
            }
        }
    }
}

// ---- step-functions, secrets-manager, ssm-parameter, vpc endpoints ---------------------------------

fn step_functions(b: &mut Builder<'_>) {
    single(
        b,
        &["create"],
        "aws_sfn_state_machine",
        Some("name"),
        &["definition", "type"],
        &[
            ("state_machine_arn", "arn"),
            ("state_machine_id", "id"),
            ("state_machine_name", "name"),
        ],
    );
    b.absorb_matching(
        |k| {
            k.starts_with("attach_")
                || k.starts_with("policy")
                || k.starts_with("role")
                || k.starts_with("create_role")
                || k == "service_integrations"
                || k.starts_with("cloudwatch_log")
                || k == "logging_configuration"
        },
        "the state machine's IAM role, service integrations and logs",
    );
}

/// secrets-manager v1: the secret and, with a value, its version (the secrets rule makes a
/// Kubernetes Secret of them; a literal value becomes a deploy-time input).
fn secrets_manager(b: &mut Builder<'_>) {
    if !b.created(&["create"]) {
        no_resources(b, &["secret_arn", "secret_id"]);
        return;
    }
    let mut body = B::new();
    b.pass(&mut body, &["name", "name_prefix", "description"]);
    let secret = b.resource("aws_secretsmanager_secret", &b.base(), body);
    let value = b
        .input("secret_string")
        .or_else(|| b.input("secret_binary"));
    let version = value.map(|v| {
        let mut ver = B::new();
        ver.set("secret_id", rref(&secret, "id"));
        ver.set("secret_string", v);
        b.resource("aws_secretsmanager_secret_version", &b.base(), ver)
    });
    b.understood(&["tags", "putin_khuylo", "ignore_secret_changes"]);
    b.absorb_matching(
        |k| {
            k.contains("rotation")
                || k.contains("policy")
                || k == "kms_key_id"
                || k == "recovery_window_in_days"
                || k.starts_with("replica")
                || k == "force_overwrite_replica_secret"
                || k == "block_public_policy"
        },
        "rotation, resource policies, KMS keys and replicas of AWS secrets",
    );
    b.outs(
        &secret,
        &[
            ("secret_arn", "arn"),
            ("secret_id", "id"),
            ("secret_name", "name"),
        ],
    );
    match version {
        Some(v) => {
            b.out("secret_version_id", &v, "version_id");
            b.out("secret_string", &v, "secret_string");
        }
        None => b.out_unmapped("secret_version_id", "the module was given no secret value"),
    }
}

/// ssm-parameter v1: one `aws_ssm_parameter` (the secrets rule maps parameters).
/// `hashicorp/subnets/cidr` from the registry, or its GitHub repository.
fn is_subnets_cidr(source: &str) -> bool {
    is_source(
        source,
        "hashicorp/subnets/cidr",
        "hashicorp/terraform-cidr-subnets",
    )
}

/// Is `source` the registry module `registry` (`owner/name/provider`, with or without a
/// registry host and `?ref`), or the GitHub repository `github` (`owner/repo`, as `git::https`,
/// SSH or plain `github.com/…`, with or without `.git`)?
fn is_source(source: &str, registry: &str, github: &str) -> bool {
    let s = source.trim();
    let s = s.split('?').next().unwrap_or(s);
    let s = ["registry.terraform.io/", "registry.opentofu.org/"]
        .iter()
        .find_map(|p| s.strip_prefix(p))
        .unwrap_or(s);
    if s == registry {
        return true;
    }
    let s = s.strip_prefix("git::").unwrap_or(s);
    let s = ["https://", "ssh://git@", "git@"]
        .iter()
        .find_map(|p| s.strip_prefix(p))
        .unwrap_or(s);
    let s = s.trim_end_matches('/').trim_end_matches(".git");
    s.strip_prefix("github.com/")
        .or_else(|| s.strip_prefix("github.com:"))
        .is_some_and(|repo| repo == github)
}

/// `hashicorp/subnets/cidr`: no resources, only `cidrsubnets` arithmetic. Its outputs are
/// computed when the base block and the networks are known at compile time, else written as
/// the module computes them (`cidrsubnets(base, networks[*].new_bits...)`), for `tofu plan`.
fn subnets_cidr(b: &mut Builder<'_>) {
    let base = b.input("base_cidr_block");
    let networks = b.input("networks");
    let (Some(base), Some(networks)) = (base, networks) else {
        for out in ["network_cidr_blocks", "networks", "base_cidr_block"] {
            b.out_unmapped(
                out,
                "the module call sets no `base_cidr_block` or `networks`",
            );
        }
        return;
    };
    b.out_expr("base_cidr_block", base.clone());
    let (base_t, nets_t) = (hclx::inline(&base), hclx::inline(&networks));
    let all = format!("cidrsubnets({base_t}, [for n in {nets_t} : n.new_bits]...)");
    let by_name = format!("{{ for i, n in {nets_t} : n.name => {all}[i] if n.name != null }}");
    let objs = format!(
        "[for i, n in {nets_t} : {{ name = n.name, new_bits = n.new_bits, cidr_block = n.name != null ? {all}[i] : null }}]"
    );
    let computed = subnets_cidr_values(b, &base, &networks);
    for (out, text) in [("network_cidr_blocks", by_name), ("networks", objs)] {
        // Values known at compile time are written as values; a `networks` list with an
        // unnamed network stays an expression (a literal `null` in an output reads as a lost
        // reference to the output pass).
        match (out, &computed) {
            ("network_cidr_blocks", Some((blocks, _))) => {
                b.out_expr(out, blocks.clone());
                continue;
            }
            ("networks", Some((_, Some(nets)))) => {
                b.out_expr(out, nets.clone());
                continue;
            }
            _ => {}
        }
        match text.parse::<Expression>() {
            Ok(e) => b.out_expr(out, e),
            Err(_) => b.out_unmapped(
                out,
                "the module's arguments could not be written as an expression",
            ),
        }
    }
}

/// The outputs of `hashicorp/subnets/cidr` for inputs known at compile time (IPv4):
/// `network_cidr_blocks` (name → block, unnamed networks left out) and `networks` (when every
/// network is named).
fn subnets_cidr_values(
    b: &Builder<'_>,
    base: &Expression,
    networks: &Expression,
) -> Option<(Expression, Option<Expression>)> {
    let base = b.eval.string(base)?;
    let hcl::Value::Array(items) = b.eval.value(networks)? else {
        return None;
    };
    let mut nets: Vec<(Option<String>, u32)> = Vec::new();
    for item in &items {
        let hcl::Value::Object(o) = item else {
            return None;
        };
        let name = match o.get("name") {
            Some(hcl::Value::String(n)) => Some(n.clone()),
            Some(hcl::Value::Null) | None => None,
            Some(_) => return None,
        };
        let bits = o.get("new_bits").and_then(|v| v.as_f64())?;
        if bits.fract() != 0.0 || !(0.0..=32.0).contains(&bits) {
            return None;
        }
        nets.push((name, bits as u32));
    }
    let blocks = cidrsubnets_v4(&base, &nets.iter().map(|(_, b)| *b).collect::<Vec<_>>())?;
    let all_named = nets.iter().all(|(n, _)| n.is_some());
    let mut by_name = hcl::Object::new();
    let mut list = Vec::new();
    for ((name, bits), block) in nets.into_iter().zip(blocks) {
        let mut obj = hcl::Object::new();
        obj.insert(
            hcl::ObjectKey::Identifier(hcl::Identifier::unchecked("name")),
            name.clone()
                .map(Expression::String)
                .unwrap_or(Expression::Null),
        );
        obj.insert(
            hcl::ObjectKey::Identifier(hcl::Identifier::unchecked("new_bits")),
            Expression::Number(bits.into()),
        );
        obj.insert(
            hcl::ObjectKey::Identifier(hcl::Identifier::unchecked("cidr_block")),
            if name.is_some() {
                Expression::String(block.clone())
            } else {
                Expression::Null
            },
        );
        list.push(Expression::Object(obj));
        if let Some(n) = name {
            by_name.insert(
                hcl::ObjectKey::Expression(Expression::String(n)),
                Expression::String(block),
            );
        }
    }
    Some((
        Expression::Object(by_name),
        all_named.then_some(Expression::Array(list)),
    ))
}

/// Terraform's `cidrsubnets(base, newbits...)` for an IPv4 base: each block starts at the first
/// address after the previous one, aligned to its own size; `None` when a block does not fit.
fn cidrsubnets_v4(base: &str, new_bits: &[u32]) -> Option<Vec<String>> {
    let (addr, len) = base.split_once('/')?;
    let len: u32 = len.parse().ok()?;
    let ip: std::net::Ipv4Addr = addr.parse().ok()?;
    if len > 32 {
        return None;
    }
    let base_size = 1i64 << (32 - len);
    let start = i64::from(u32::from(ip)) & !(base_size - 1);
    let end = start + base_size - 1;
    let mut last = start - 1;
    let mut out = Vec::with_capacity(new_bits.len());
    for &nb in new_bits {
        let plen = len + nb;
        if plen > 32 {
            return None;
        }
        let size = 1i64 << (32 - plen);
        let next = (last & !(size - 1)) + size;
        if next < start || next + size - 1 > end {
            return None;
        }
        last = next + size - 1;
        let ip = std::net::Ipv4Addr::from(u32::try_from(next).ok()?);
        out.push(format!("{ip}/{plen}"));
    }
    Some(out)
}

fn ssm_parameter(b: &mut Builder<'_>) {
    if !b.created(&["create"]) {
        no_resources(b, &["ssm_parameter_arn", "ssm_parameter_name"]);
        return;
    }
    let mut body = B::new();
    b.pass(&mut body, &["name", "description", "tier", "data_type"]);
    let value = b.input("value").or_else(|| b.input("insecure_value"));
    let values = b.input("values");
    let ty = b.input("type").unwrap_or_else(|| {
        if values.is_some() {
            s("StringList")
        } else {
            s("SecureString")
        }
    });
    body.set("type", ty);
    match (value, values) {
        (Some(v), _) => {
            body.set("value", v);
        }
        (None, Some(list)) => {
            let mut join = hcl::FuncCall::new(hcl::Identifier::unchecked("join"));
            join.args = vec![s(","), list];
            body.set("value", Expression::FuncCall(Box::new(join)));
        }
        (None, None) => {}
    }
    let p = b.resource("aws_ssm_parameter", &b.base(), body);
    b.understood(&["tags", "putin_khuylo", "ignore_value_changes"]);
    b.outs(
        &p,
        &[
            ("ssm_parameter_arn", "arn"),
            ("ssm_parameter_name", "name"),
            ("ssm_parameter_type", "type"),
            ("ssm_parameter_version", "version"),
            ("ssm_parameter_value", "value"),
        ],
    );
}

/// vpc `//modules/vpc-endpoints`: one `aws_vpc_endpoint` per `endpoints` entry (the network
/// rule folds them into the VPC: DigitalOcean services are reached without endpoints).
fn vpc_endpoints(b: &mut Builder<'_>) {
    if !b.created(&["create"]) {
        no_resources(b, &["endpoints"]);
        return;
    }
    let vpc_id = b.input("vpc_id");
    if let Some(endpoints) = b.input_literal("endpoints") {
        for (key, e) in entries(&endpoints) {
            let mut body = B::new();
            body.set_opt("vpc_id", vpc_id.clone());
            let service =
                get(&e, "service_name")
                    .or_else(|| get(&e, "service"))
                    .map(|svc| match svc {
                        Expression::String(name) if !name.contains('.') => {
                            s(&format!("com.amazonaws.region.{name}"))
                        }
                        other => other,
                    });
            body.set_opt("service_name", service);
            body.set_opt("vpc_endpoint_type", get(&e, "service_type"));
            b.resource("aws_vpc_endpoint", &format!("{}_{key}", b.base()), body);
        }
    }
    b.understood(&["tags", "putin_khuylo", "security_group_ids", "subnet_ids"]);
    b.absorb_matching(
        |k| k.starts_with("create_security_group") || k.starts_with("security_group"),
        "the endpoints' security group",
    );
    b.out_unmapped(
        "endpoints",
        "DigitalOcean services are reached without VPC endpoints: there are none",
    );
}

// ---- route53 --------------------------------------------------------------------------------------

/// route53 `//modules/zones` (v2–v4): one `aws_route53_zone` per `zones` entry (the key is the
/// domain unless `domain_name` says otherwise); the outputs are maps by that key.
fn route53_zones(b: &mut Builder<'_>) {
    if !b.created(&["create"]) {
        no_resources(b, &["route53_zone_zone_id", "route53_zone_name"]);
        return;
    }
    let mut ids = BTreeMap::new();
    let mut names = BTreeMap::new();
    let mut servers = BTreeMap::new();
    let mut arns = BTreeMap::new();
    if let Some(zones) = b.input_literal("zones") {
        for (key, z) in entries(&zones) {
            let mut body = B::new();
            body.set("name", get(&z, "domain_name").unwrap_or_else(|| s(&key)));
            body.set_opt("comment", get(&z, "comment"));
            body.set_opt("force_destroy", get(&z, "force_destroy"));
            if let Some(vpc) = get(&z, "vpc") {
                for v in elements(&vpc) {
                    body.block("vpc", obj_block(&v, &[]));
                }
            }
            let zone = b.resource("aws_route53_zone", &format!("{}_{key}", b.base()), body);
            ids.insert(key.clone(), (zone.clone(), "zone_id".to_string()));
            names.insert(key.clone(), (zone.clone(), "name".to_string()));
            servers.insert(key.clone(), (zone.clone(), "name_servers".to_string()));
            arns.insert(key, (zone, "arn".to_string()));
        }
    }
    b.understood(&["tags", "putin_khuylo"]);
    b.outputs
        .insert("route53_zone_zone_id".into(), ModuleOutput::Keyed(ids));
    b.outputs
        .insert("route53_zone_name".into(), ModuleOutput::Keyed(names));
    b.outputs.insert(
        "route53_zone_name_servers".into(),
        ModuleOutput::Keyed(servers),
    );
    b.outputs
        .insert("route53_zone_zone_arn".into(), ModuleOutput::Keyed(arns));
}

/// route53 `//modules/records` (v2–v4): one `aws_route53_record` per `records` entry, in the
/// zone `zone_id` names (or the zone of the stack whose name is `zone_name`). Record names are
/// relative to the zone, as the module writes them.
fn route53_records(b: &mut Builder<'_>) {
    if !b.created(&["create"]) {
        no_resources(b, &["route53_record_name", "route53_record_fqdn"]);
        return;
    }
    let zone_id = b.input("zone_id").or_else(|| {
        let name = b.input("zone_name")?;
        let name = b.eval.string(&name)?;
        let want = name.trim_end_matches('.');
        // A zone of the calling module (or an expansion before this one) with that name.
        b.existing
            .iter()
            .find(|r| {
                r.mode == Mode::Managed
                    && r.ty == "aws_route53_zone"
                    && hclx::attr(&r.body, "name")
                        .and_then(|e| b.eval.string(e))
                        .is_some_and(|n| n.trim_end_matches('.') == want)
            })
            .map(|z| rref(z.address(), "zone_id"))
    });
    let Some(zone_id) = zone_id else {
        b.note(
            Code::FeatureUnsupported,
            format!(
                "`{}` names its zone by `zone_name` only, and no zone of the stack has that name: Ferry cannot tell which domain the records belong to, so it mapped none",
                b.addr()
            ),
        );
        b.understood(&["records", "private_zone", "tags"]);
        no_resources(b, &["route53_record_name", "route53_record_fqdn"]);
        return;
    };
    b.understood(&["zone_name", "private_zone", "tags", "putin_khuylo"]);
    let records = b.input_literal("records");
    for (i, r) in records.iter().flat_map(elements).enumerate() {
        let mut body = B::new();
        body.set("zone_id", zone_id.clone());
        let name = get(&r, "name").unwrap_or_else(|| s(""));
        let ty = get(&r, "type");
        body.set("name", name.clone());
        body.set_opt("type", ty.clone());
        body.set_opt("ttl", get(&r, "ttl"));
        body.set_opt("records", get(&r, "records"));
        if let Some(alias) = get(&r, "alias") {
            let mut a = B::new();
            a.set_opt("name", get(&alias, "name"));
            a.set_opt("zone_id", get(&alias, "zone_id"));
            a.set(
                "evaluate_target_health",
                get(&alias, "evaluate_target_health").unwrap_or(Expression::Bool(false)),
            );
            body.block("alias", a);
        }
        // Named after the record where its name and type are literals, else by position.
        let label = match (&name, &ty) {
            (Expression::String(n), Some(Expression::String(t))) => {
                let n = if n.is_empty() { "apex" } else { n.as_str() };
                format!("{}_{n}_{}", b.base(), t.to_ascii_lowercase())
            }
            _ => format!("{}_{i}", b.base()),
        };
        b.resource("aws_route53_record", &label, body);
    }
    b.out_unmapped(
        "route53_record_name",
        "read the records' names from the module's inputs (DigitalOcean records are named relative to their domain)",
    );
    b.out_unmapped(
        "route53_record_fqdn",
        "read the records' names from the module's inputs (DigitalOcean records are named relative to their domain)",
    );
}

// ---- apigateway-v2 ----------------------------------------------------------------------------------

/// apigateway-v2 (v2–v5): an HTTP API, and per route an integration and a route (the
/// functions rules make an Ingress per function of them). Routes come from `routes` (v5:
/// `"GET /x" = { integration = { uri = … } }`) or `integrations` (v2–v4:
/// `"GET /x" = { lambda_arn = … }`); a `$default` stage is the module's default.
fn apigateway_v2(b: &mut Builder<'_>) {
    if !b.created(&["create", "create_api_gateway"]) {
        no_resources(b, &["api_id", "api_endpoint"]);
        return;
    }
    let mut api = B::new();
    api.set("name", b.input("name").unwrap_or_else(|| s(&b.call.name)));
    api.set(
        "protocol_type",
        b.input("protocol_type").unwrap_or_else(|| s("HTTP")),
    );
    b.pass(&mut api, &["description"]);
    if let Some(cors) = b.input_literal("cors_configuration") {
        api.block("cors_configuration", obj_block(&cors, &[]));
    }
    let api = b.resource("aws_apigatewayv2_api", &b.base(), api);
    let routes: Vec<(String, Option<Expression>, Option<Expression>)> =
        match b.input_literal("routes") {
            Some(routes) => entries(&routes)
                .into_iter()
                .map(|(key, r)| {
                    let integration = get(&r, "integration");
                    let uri = integration.as_ref().and_then(|i| get(i, "uri"));
                    let version = integration
                        .as_ref()
                        .and_then(|i| get(i, "payload_format_version"));
                    (key, uri, version)
                })
                .collect(),
            None => b
                .input_literal("integrations")
                .map(|ints| {
                    entries(&ints)
                        .into_iter()
                        .map(|(key, i)| {
                            let uri = get(&i, "lambda_arn").or_else(|| get(&i, "integration_uri"));
                            (key, uri, get(&i, "payload_format_version"))
                        })
                        .collect()
                })
                .unwrap_or_default(),
        };
    for (i, (key, uri, version)) in routes.into_iter().enumerate() {
        let label = {
            let l = sanitize_name(&key.replace(['/', ' ', '$', '{', '}'], "_"));
            if l.trim_matches('_').is_empty() {
                format!("{}_{i}", b.base())
            } else {
                format!("{}_{}", b.base(), l.trim_matches('_'))
            }
        };
        let mut int = B::new();
        int.set("api_id", rref(&api, "id"));
        int.set("integration_type", s("AWS_PROXY"));
        int.set_opt("integration_uri", uri);
        int.set(
            "payload_format_version",
            version.unwrap_or_else(|| s("2.0")),
        );
        let int = b.resource("aws_apigatewayv2_integration", &label, int);
        let mut route = B::new();
        route.set("api_id", rref(&api, "id"));
        route.set("route_key", s(&key));
        route.set(
            "target",
            hclx::template(format!(
                "integrations/${{{}}}",
                hclx::inline(&rref(&int, "id"))
            )),
        );
        b.resource("aws_apigatewayv2_route", &label, route);
    }
    if b.input_bool("create_default_stage") != Some(false)
        && b.input_bool("create_stage") != Some(false)
    {
        let mut stage = B::new();
        stage.set("api_id", rref(&api, "id"));
        stage.set("name", s("$default"));
        stage.set("auto_deploy", Expression::Bool(true));
        b.resource("aws_apigatewayv2_stage", &b.base(), stage);
    }
    b.understood(&["tags", "putin_khuylo"]);
    b.absorb_matching(
        |k| {
            k.contains("domain")
                || k.contains("certificate")
                || k.contains("access_log")
                || k.contains("stage")
                || k.contains("mutual_tls")
                || k == "create_routes_and_integrations"
        },
        "custom domains, certificates, stages and access logs of the API: the Ingress serves the routes",
    );
    b.out("api_id", &api, "id");
    b.out("api_endpoint", &api, "api_endpoint");
    b.out("api_execution_arn", &api, "execution_arn");
}

// ---- cloudfront -------------------------------------------------------------------------------------

/// cloudfront v3–v4: one `aws_cloudfront_distribution` (the CloudFront rule makes a Spaces CDN
/// endpoint of a distribution in front of one bucket, and reports the others). `origin` is a
/// map by origin id; the cache behaviours and the certificate are objects in the module.
fn cloudfront(b: &mut Builder<'_>) {
    if !b.created(&["create_distribution", "create"]) {
        no_resources(
            b,
            &[
                "cloudfront_distribution_id",
                "cloudfront_distribution_domain_name",
            ],
        );
        return;
    }
    let mut body = B::new();
    b.pass(
        &mut body,
        &[
            "aliases",
            "comment",
            "price_class",
            "is_ipv6_enabled",
            "http_version",
            "default_root_object",
            "web_acl_id",
        ],
    );
    body.set(
        "enabled",
        b.input("enabled").unwrap_or(Expression::Bool(true)),
    );
    const ORIGIN_BLOCKS: &[&str] = &["s3_origin_config", "custom_origin_config", "custom_header"];
    if let Some(origins) = b.input_literal("origin") {
        for (key, o) in entries(&origins) {
            let mut block = obj_block(&o, ORIGIN_BLOCKS);
            if get(&o, "origin_id").is_none() {
                block.set("origin_id", s(&key));
            }
            // The module's `origin_access_control = "<key>"` names an OAC it creates: kept as
            // the distribution's `origin_access_control_id`, so the CloudFront rule says that
            // private-bucket access does not carry over (the Spaces CDN serves public objects).
            for st in block.items.iter_mut() {
                if let hcl::Structure::Attribute(a) = st
                    && a.key() == "origin_access_control"
                {
                    *a = hcl::Attribute::new("origin_access_control_id", a.expr.clone());
                }
            }
            body.block("origin", block);
        }
    }
    if let Some(dcb) = b.input_literal("default_cache_behavior") {
        body.block("default_cache_behavior", obj_block(&dcb, &[]));
    }
    if let Some(Expression::Array(items)) = b.input_literal("ordered_cache_behavior") {
        for i in items {
            body.block("ordered_cache_behavior", obj_block(&i, &[]));
        }
    }
    if let Some(cert) = b.input_literal("viewer_certificate") {
        body.block("viewer_certificate", obj_block(&cert, &[]));
    }
    // Geo restrictions, which the CloudFront rule reports as not carried over.
    if let Some(geo) = b.input_literal("geo_restriction") {
        let mut restrictions = B::new();
        restrictions.block("geo_restriction", obj_block(&geo, &[]));
        body.block("restrictions", restrictions);
    }
    let d = b.resource("aws_cloudfront_distribution", &b.base(), body);
    b.understood(&[
        "tags",
        "putin_khuylo",
        "wait_for_deployment",
        "retain_on_delete",
    ]);
    b.absorb_matching(
        |k| {
            k.contains("origin_access")
                || k == "logging_config"
                || k == "custom_error_response"
                || k.starts_with("create_monitoring")
        },
        "origin access identities and controls, logging and error pages of the distribution",
    );
    b.outs(
        &d,
        &[
            ("cloudfront_distribution_id", "id"),
            ("cloudfront_distribution_arn", "arn"),
            ("cloudfront_distribution_domain_name", "domain_name"),
            ("cloudfront_distribution_hosted_zone_id", "hosted_zone_id"),
            ("cloudfront_distribution_status", "status"),
        ],
    );
}

// ---- eventbridge ------------------------------------------------------------------------------------

/// eventbridge v3: per `rules` entry an `aws_cloudwatch_event_rule`, per entry of its
/// `targets` list an `aws_cloudwatch_event_target` (schedules that invoke a function or run a
/// task become CronJobs; other rules are reported). A bus of its own (`create_bus`, not the
/// `default` bus) is an `aws_cloudwatch_event_bus`.
fn eventbridge(b: &mut Builder<'_>) {
    if !b.created(&["create"]) {
        no_resources(b, &["eventbridge_bus_arn", "eventbridge_rule_arns"]);
        return;
    }
    let bus_name = b.input("bus_name");
    let own_bus = b.input_bool("create_bus") != Some(false)
        && bus_name
            .as_ref()
            .is_some_and(|n| b.eval.string(n).as_deref() != Some("default"));
    let bus = if own_bus {
        let mut body = B::new();
        body.set_opt("name", bus_name.clone());
        Some(b.resource("aws_cloudwatch_event_bus", &b.base(), body))
    } else {
        None
    };
    let targets = b.input_literal("targets");
    let mut rule_arns = BTreeMap::new();
    if let Some(rules) = b.input_literal("rules") {
        for (key, r) in entries(&rules) {
            let label = format!("{}_{key}", b.base());
            let mut body = B::new();
            // The module names rules `<key>-rule` unless `name` is given.
            body.set(
                "name",
                get(&r, "name").unwrap_or_else(|| s(&format!("{key}-rule"))),
            );
            for k in [
                "description",
                "schedule_expression",
                "event_pattern",
                "state",
            ] {
                body.set_opt(k, get(&r, k));
            }
            match (&bus, &bus_name) {
                (Some(bus), _) => {
                    body.set("event_bus_name", rref(bus, "name"));
                }
                (None, Some(name)) => {
                    body.set("event_bus_name", name.clone());
                }
                (None, None) => {}
            }
            let rule = b.resource("aws_cloudwatch_event_rule", &label, body);
            rule_arns.insert(key.clone(), (rule.clone(), "arn".to_string()));
            let list = targets.as_ref().and_then(|t| get(t, &key));
            if let Some(Expression::Array(items)) = list {
                for (i, t) in items.iter().enumerate() {
                    let mut tb = B::new();
                    tb.set("rule", rref(&rule, "name"));
                    tb.set_opt("arn", get(t, "arn"));
                    tb.set_opt("target_id", get(t, "name"));
                    tb.set_opt("input", get(t, "input"));
                    let tname = get(t, "name")
                        .and_then(|n| b.eval.string(&n))
                        .map(|n| format!("{label}_{n}"))
                        .unwrap_or_else(|| format!("{label}_{i}"));
                    b.resource("aws_cloudwatch_event_target", &tname, tb);
                }
            }
        }
    }
    b.understood(&[
        "tags",
        "putin_khuylo",
        "create_bus",
        "create_rules",
        "create_targets",
    ]);
    b.absorb_matching(
        |k| {
            k.starts_with("attach_")
                || k.starts_with("policy")
                || k.starts_with("role")
                || k.starts_with("create_role")
                || k.contains("archive")
                || k.contains("permission")
                || k.contains("schedule_group")
        },
        "the bus's IAM role, archives and permissions",
    );
    match &bus {
        Some(bus) => b.outs(
            bus,
            &[
                ("eventbridge_bus_arn", "arn"),
                ("eventbridge_bus_name", "name"),
            ],
        ),
        None => b.out_unmapped("eventbridge_bus_arn", "the module uses an existing bus"),
    }
    b.outputs.insert(
        "eventbridge_rule_arns".into(),
        ModuleOutput::Keyed(rule_arns),
    );
}

// ---- elb, msk-kafka-cluster, opensearch, efs, redshift, memory-db ------------------------------------

/// elb (classic) v4: one `aws_elb` with its `listener` list and `health_check` object as blocks.
fn elb(b: &mut Builder<'_>) {
    if !b.created(&["create_elb", "create"]) {
        no_resources(b, &["elb_id", "elb_dns_name"]);
        return;
    }
    let mut body = B::new();
    b.pass(
        &mut body,
        &[
            "name",
            "name_prefix",
            "subnets",
            "security_groups",
            "internal",
            "instances",
            "cross_zone_load_balancing",
            "idle_timeout",
            "connection_draining",
            "connection_draining_timeout",
        ],
    );
    if let Some(Expression::Array(items)) = b.input_literal("listener") {
        for l in items {
            body.block("listener", obj_block(&l, &[]));
        }
    }
    if let Some(hc) = b.input_literal("health_check") {
        body.block("health_check", obj_block(&hc, &[]));
    }
    let e = b.resource("aws_elb", &b.base(), body);
    b.understood(&["tags", "putin_khuylo", "number_of_instances"]);
    b.absorb_matching(|k| k == "access_logs", "access logs of the load balancer");
    b.outs(
        &e,
        &[
            ("elb_id", "id"),
            ("elb_arn", "arn"),
            ("elb_name", "name"),
            ("elb_dns_name", "dns_name"),
            ("elb_zone_id", "zone_id"),
            ("elb_instances", "instances"),
        ],
    );
}

/// msk-kafka-cluster v2: one `aws_msk_cluster` (broker nodes, instance type, storage).
fn msk(b: &mut Builder<'_>) {
    if !b.created(&["create"]) {
        no_resources(b, &["arn", "bootstrap_brokers"]);
        return;
    }
    let mut body = B::new();
    let name = b.input("name").unwrap_or_else(|| s(&b.call.name));
    body.set("cluster_name", name);
    b.pass(&mut body, &["kafka_version", "number_of_broker_nodes"]);
    let mut group = B::new();
    group.set(
        "instance_type",
        b.input("broker_node_instance_type")
            .unwrap_or_else(|| s("kafka.m5.large")),
    );
    let subnets = b.input("broker_node_client_subnets");
    group.set_opt("client_subnets", subnets);
    let sgs = b.input("broker_node_security_groups");
    group.set_opt("security_groups", sgs);
    let size = b
        .input("broker_node_storage_info")
        .and_then(|info| get(&info, "ebs_storage_info").and_then(|ebs| get(&ebs, "volume_size")));
    let size = size.or_else(|| b.input("broker_node_ebs_volume_size"));
    if let Some(size) = size {
        let mut ebs = B::new();
        ebs.set("volume_size", size);
        let mut storage = B::new();
        storage.block("ebs_storage_info", ebs);
        group.block("storage_info", storage);
    }
    body.block("broker_node_group_info", group);
    let c = b.resource("aws_msk_cluster", &b.base(), body);
    b.understood(&["tags", "putin_khuylo"]);
    b.absorb_matching(
        |k| {
            k.starts_with("encryption_")
                || k.starts_with("client_authentication")
                || k.contains("cloudwatch")
                || k.contains("s3_logs")
                || k.contains("firehose")
                || k.starts_with("jmx_")
                || k.starts_with("node_exporter")
                || k.starts_with("enhanced_monitoring")
                || k.starts_with("configuration_")
                || k.starts_with("create_configuration")
                || k.starts_with("scaling_")
                || k.starts_with("create_scram")
                || k.starts_with("schema_registr")
        },
        "encryption, authentication, monitoring, logging and broker configuration of MSK",
    );
    b.outs(
        &c,
        &[
            ("arn", "arn"),
            ("bootstrap_brokers", "bootstrap_brokers"),
            ("bootstrap_brokers_tls", "bootstrap_brokers_tls"),
            (
                "bootstrap_brokers_sasl_scram",
                "bootstrap_brokers_sasl_scram",
            ),
            ("bootstrap_brokers_sasl_iam", "bootstrap_brokers_sasl_iam"),
            ("zookeeper_connect_string", "zookeeper_connect_string"),
            ("current_version", "current_version"),
        ],
    );
}

/// opensearch v1: one `aws_opensearch_domain` (cluster and storage settings as blocks).
fn opensearch(b: &mut Builder<'_>) {
    if !b.created(&["create"]) {
        no_resources(b, &["domain_arn", "domain_endpoint"]);
        return;
    }
    let mut body = B::new();
    let name = b.input("domain_name").unwrap_or_else(|| s(&b.call.name));
    body.set("domain_name", name);
    b.pass(&mut body, &["engine_version"]);
    for block in ["cluster_config", "ebs_options", "vpc_options"] {
        if let Some(v) = b.input_literal(block) {
            body.block(block, obj_block(&v, &["zone_awareness_config"]));
        }
    }
    let d = b.resource("aws_opensearch_domain", &b.base(), body);
    b.understood(&["tags", "putin_khuylo"]);
    b.absorb_matching(
        |k| {
            k.contains("access_polic")
                || k.contains("encrypt")
                || k.contains("log_publishing")
                || k.contains("cloudwatch")
                || k.starts_with("advanced_security")
                || k.starts_with("domain_endpoint_options")
                || k.starts_with("auto_tune")
                || k.starts_with("create_saml")
                || k.starts_with("saml")
                || k.starts_with("outbound_connection")
                || k.starts_with("package_associations")
                || k.starts_with("vpc_endpoints")
                || k.starts_with("security_group")
                || k.starts_with("create_security_group")
                || k.starts_with("create_access_policy")
                || k.starts_with("enable_access_policy")
        },
        "access policies, encryption, logging, fine-grained security and endpoint options of the domain",
    );
    b.outs(
        &d,
        &[
            ("domain_arn", "arn"),
            ("domain_id", "domain_id"),
            ("domain_domain_name", "domain_name"),
            ("domain_endpoint", "endpoint"),
            ("domain_dashboard_endpoint", "dashboard_endpoint"),
        ],
    );
}

fn efs(b: &mut Builder<'_>) {
    single(
        b,
        &["create"],
        "aws_efs_file_system",
        None,
        &[
            "creation_token",
            "performance_mode",
            "throughput_mode",
            "encrypted",
        ],
        &[
            ("arn", "arn"),
            ("id", "id"),
            ("dns_name", "dns_name"),
            ("size_in_bytes", "size_in_bytes"),
        ],
    );
}

fn redshift(b: &mut Builder<'_>) {
    single(
        b,
        &["create"],
        "aws_redshift_cluster",
        Some("cluster_identifier"),
        &[
            "node_type",
            "number_of_nodes",
            "database_name",
            "master_username",
        ],
        &[
            ("cluster_arn", "arn"),
            ("cluster_id", "id"),
            ("cluster_identifier", "cluster_identifier"),
            ("cluster_endpoint", "endpoint"),
            ("cluster_database_name", "database_name"),
        ],
    );
}

fn memory_db(b: &mut Builder<'_>) {
    single(
        b,
        &["create", "create_cluster"],
        "aws_memorydb_cluster",
        Some("name"),
        &[
            "node_type",
            "num_shards",
            "num_replicas_per_shard",
            "engine_version",
            "port",
        ],
        &[
            ("cluster_id", "id"),
            ("cluster_arn", "arn"),
            ("cluster_endpoint_address", "cluster_endpoint"),
        ],
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidrsubnets_follows_terraform() {
        let v = |b: &str, n: &[u32]| cidrsubnets_v4(b, n);
        // Terraform's documented example: cidrsubnets("10.1.0.0/16", 4, 4, 8, 4).
        assert_eq!(
            v("10.1.0.0/16", &[4, 4, 8, 4]),
            Some(vec![
                "10.1.0.0/20".to_string(),
                "10.1.16.0/20".into(),
                "10.1.32.0/24".into(),
                "10.1.48.0/20".into()
            ])
        );
        assert_eq!(
            v("0.0.0.0/0", &[1, 1]),
            Some(vec!["0.0.0.0/1".to_string(), "128.0.0.0/1".into()])
        );
        // Does not fit, beyond /32, not an IPv4 block.
        assert_eq!(v("10.0.0.0/24", &[1, 1, 1]), None);
        assert_eq!(v("10.0.0.0/24", &[9]), None);
        assert_eq!(v("fd00::/8", &[8]), None);
        assert_eq!(v("10.0.0.0/40", &[1]), None);
        assert_eq!(v("10.0.0.0", &[1]), None);
        assert!(is_subnets_cidr(
            "registry.terraform.io/hashicorp/subnets/cidr"
        ));
        assert!(is_subnets_cidr(
            "git::https://github.com/hashicorp/terraform-cidr-subnets.git?ref=v1.0.0"
        ));
        assert!(!is_subnets_cidr("hashicorp/consul/aws"));
    }
    use crate::origin::{self, Module};

    /// Parses `main.tf` and expands its first module call.
    fn expand_first(text: &str) -> (Module, Option<Expansion>) {
        let mut diags = Vec::new();
        let files = BTreeMap::from([("main.tf".to_string(), text.to_string())]);
        let origin = origin::parse(&files, &mut diags);
        assert!(diags.is_empty(), "{diags:?}");
        let module = origin.modules.get("").cloned().expect("root module");
        let eval = Eval::new(&module, &module.tfvars, None);
        let call = module.module_calls.first().expect("a module call").clone();
        let source = hclx::attr(&call.body, "source")
            .and_then(|e| eval.string(e))
            .expect("source");
        let exp = expand(
            &call,
            &source,
            &eval,
            &module.resources,
            &Default::default(),
        );
        (module, exp)
    }

    fn addrs(e: &Expansion) -> Vec<String> {
        e.resources
            .iter()
            .map(|r| r.address().to_string())
            .collect()
    }

    fn attr(e: &Expansion, addr: &str, key: &str) -> String {
        let r = e
            .resources
            .iter()
            .find(|r| r.address() == addr)
            .unwrap_or_else(|| panic!("{addr} not expanded"));
        hclx::attr(&r.body, key)
            .map(hclx::inline)
            .unwrap_or_else(|| panic!("{addr} has no {key}"))
    }

    fn out(e: &Expansion, name: &str) -> ModuleOutput {
        e.outputs
            .get(name)
            .cloned()
            .unwrap_or_else(|| panic!("output {name} not declared"))
    }

    fn attr_out(origin: &str, attr: &str) -> ModuleOutput {
        ModuleOutput::Attr {
            origin: origin.into(),
            attr: attr.into(),
        }
    }

    fn codes(e: &Expansion) -> Vec<&str> {
        e.diags.iter().map(|d| d.code.as_str()).collect()
    }

    #[test]
    fn sources_are_recognised_in_every_form() {
        let p = |s: &str| parse_source(s);
        assert_eq!(
            p("terraform-aws-modules/vpc/aws"),
            Some(("vpc".into(), None))
        );
        assert_eq!(
            p("registry.terraform.io/terraform-aws-modules/rds-aurora/aws"),
            Some(("rds-aurora".into(), None))
        );
        assert_eq!(
            p("terraform-aws-modules/security-group/aws//modules/http-80"),
            Some(("security-group".into(), Some("modules/http-80".into())))
        );
        assert_eq!(
            p("git::https://github.com/terraform-aws-modules/terraform-aws-vpc.git?ref=v5.8.1"),
            Some(("vpc".into(), None))
        );
        assert_eq!(
            p(
                "git::https://github.com/terraform-aws-modules/terraform-aws-s3-bucket.git//modules/object?ref=v4.1.0"
            ),
            Some(("s3-bucket".into(), Some("modules/object".into())))
        );
        assert_eq!(
            p("github.com/terraform-aws-modules/terraform-aws-alb"),
            Some(("alb".into(), None))
        );
        assert_eq!(
            p("git@github.com:terraform-aws-modules/terraform-aws-eks.git"),
            Some(("eks".into(), None))
        );
        assert_eq!(p("cloudposse/vpc/aws"), None);
        assert_eq!(p("terraform-aws-modules/vpc/google"), None);
        assert_eq!(p("./modules/vpc"), None);
    }

    #[test]
    fn unknown_modules_and_submodules_are_not_expanded() {
        let (_, e) =
            expand_first("module \"x\" {\n  source = \"terraform-aws-modules/route53/aws\"\n}\n");
        assert!(e.is_none());
        let (_, e) = expand_first(
            "module \"x\" {\n  source = \"terraform-aws-modules/vpc/aws//modules/no-such-submodule\"\n}\n",
        );
        assert!(e.is_none());
        let (_, e) = expand_first(
            "module \"x\" {\n  source = \"terraform-aws-modules/security-group/aws//modules/no-such-preset\"\n}\n",
        );
        assert!(e.is_none());
    }

    #[test]
    fn vpc_becomes_one_vpc_and_subnets_are_absorbed() {
        let (_, e) = expand_first(
            r#"
module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "~> 5.0"

  name = "acme"
  cidr = "10.20.0.0/16"
  azs             = ["us-east-1a", "us-east-1b"]
  private_subnets = ["10.20.1.0/24", "10.20.2.0/24"]
  public_subnets  = ["10.20.101.0/24", "10.20.102.0/24"]
  enable_nat_gateway = true
  single_nat_gateway = true
  enable_dns_hostnames = true
  enable_flow_log = true
}
"#,
        );
        let e = e.expect("expanded");
        assert_eq!(addrs(&e), vec!["aws_vpc.vpc"]);
        assert_eq!(attr(&e, "aws_vpc.vpc", "cidr_block"), "\"10.20.0.0/16\"");
        assert_eq!(attr(&e, "aws_vpc.vpc", "enable_dns_hostnames"), "true");
        assert_eq!(attr(&e, "aws_vpc.vpc", "tags"), "{ Name = \"acme\" }");
        assert_eq!(out(&e, "vpc_id"), attr_out("aws_vpc.vpc", "id"));
        assert_eq!(
            out(&e, "vpc_cidr_block"),
            attr_out("aws_vpc.vpc", "cidr_block")
        );
        assert!(matches!(
            out(&e, "private_subnets"),
            ModuleOutput::Unmapped(_)
        ));
        assert!(matches!(
            out(&e, "database_subnet_group_name"),
            ModuleOutput::Unmapped(_)
        ));
        // One F206 note: `enable_flow_log` not carried; subnets etc. absorbed.
        assert_eq!(codes(&e), vec!["F206"]);
        let msg = &e.diags[0].message;
        assert!(msg.contains("`enable_flow_log`"), "{msg}");
        assert!(msg.contains("absorbed: `azs`"), "{msg}");
        assert!(!msg.contains("`name`"), "{msg}");
    }

    #[test]
    fn vpc_default_cidr_and_names_avoid_existing_resources() {
        let (_, e) = expand_first(
            "module \"main\" {\n  source = \"terraform-aws-modules/vpc/aws\"\n}\nresource \"aws_vpc\" \"main\" {\n  cidr_block = \"10.1.0.0/16\"\n}\n",
        );
        let e = e.expect("expanded");
        assert_eq!(addrs(&e), vec!["aws_vpc.main_2"]);
        assert_eq!(attr(&e, "aws_vpc.main_2", "cidr_block"), "\"10.0.0.0/16\"");
    }

    #[test]
    fn s3_bucket_uses_the_inline_forms() {
        let (_, e) = expand_first(
            r#"
module "assets" {
  source = "terraform-aws-modules/s3-bucket/aws"

  bucket        = "acme-assets-${var.instance_id}"
  force_destroy = true
  versioning    = { enabled = true }
  attach_policy = true
  policy        = "{}"
  lifecycle_rule = [{ id = "tmp", enabled = true, filter = { prefix = "tmp/" }, expiration = { days = 7 } }]
  cors_rule = [{ allowed_methods = ["GET"], allowed_origins = ["*"] }]
  server_side_encryption_configuration = {
    rule = { apply_server_side_encryption_by_default = { sse_algorithm = "AES256" } }
  }
  block_public_policy = false
  tags = { Team = "web" }
}
"#,
        );
        let e = e.expect("expanded");
        assert_eq!(
            addrs(&e),
            vec![
                "aws_s3_bucket.assets",
                "aws_s3_bucket_public_access_block.assets"
            ]
        );
        let b = &e.resources[0];
        assert_eq!(attr(&e, "aws_s3_bucket.assets", "policy"), "\"{}\"");
        assert_eq!(
            hclx::blocks(&b.body, "versioning")
                .first()
                .and_then(|v| hclx::attr(v, "enabled").cloned()),
            Some(Expression::Bool(true))
        );
        assert_eq!(hclx::blocks(&b.body, "lifecycle_rule").len(), 1);
        assert_eq!(hclx::blocks(&b.body, "cors_rule").len(), 1);
        assert_eq!(
            hclx::blocks(&b.body, "server_side_encryption_configuration").len(),
            1
        );
        assert_eq!(
            attr(&e, "aws_s3_bucket_public_access_block.assets", "bucket"),
            "aws_s3_bucket.assets.id"
        );
        assert_eq!(
            attr(
                &e,
                "aws_s3_bucket_public_access_block.assets",
                "block_public_acls"
            ),
            "true"
        );
        assert_eq!(
            attr(
                &e,
                "aws_s3_bucket_public_access_block.assets",
                "block_public_policy"
            ),
            "false"
        );
        assert_eq!(
            out(&e, "s3_bucket_id"),
            attr_out("aws_s3_bucket.assets", "id")
        );
        assert_eq!(
            out(&e, "s3_bucket_bucket_regional_domain_name"),
            attr_out("aws_s3_bucket.assets", "bucket_regional_domain_name")
        );
        assert!(e.diags.is_empty(), "{:?}", e.diags);
    }

    #[test]
    fn s3_bucket_v3_defaults_leave_public_access_open() {
        let (_, e) = expand_first(
            "module \"b\" {\n  source  = \"terraform-aws-modules/s3-bucket/aws\"\n  version = \"3.15.1\"\n  bucket  = \"x\"\n  policy  = \"{}\"\n}\n",
        );
        let e = e.expect("expanded");
        assert_eq!(
            attr(
                &e,
                "aws_s3_bucket_public_access_block.b",
                "ignore_public_acls"
            ),
            "false"
        );
        // Without attach_policy the module ignores `policy`.
        assert!(hclx::attr(&e.resources[0].body, "policy").is_none());
    }

    #[test]
    fn s3_object_submodule() {
        let (_, e) = expand_first(
            "module \"logo\" {\n  source = \"terraform-aws-modules/s3-bucket/aws//modules/object\"\n  bucket = module.assets.s3_bucket_id\n  key = \"logo.png\"\n  file_source = \"logo.png\"\n}\n",
        );
        let e = e.expect("expanded");
        assert_eq!(addrs(&e), vec!["aws_s3_object.logo"]);
        assert_eq!(
            attr(&e, "aws_s3_object.logo", "bucket"),
            "module.assets.s3_bucket_id"
        );
        assert_eq!(attr(&e, "aws_s3_object.logo", "source"), "\"logo.png\"");
        assert_eq!(
            out(&e, "s3_object_etag"),
            attr_out("aws_s3_object.logo", "etag")
        );
    }

    #[test]
    fn ecs_service_submodule_is_one_service_with_the_default_autoscaling() {
        let (_, e) = expand_first(
            r#"
module "api" {
  source      = "terraform-aws-modules/ecs/aws//modules/service"
  name        = "api"
  cluster_arn = aws_ecs_cluster.main.arn
  cpu         = 256
  memory      = 512
  container_definitions = {
    api = {
      image         = "nginx:1.27"
      port_mappings = [{ containerPort = 80 }]
      entrypoint    = ["/docker-entrypoint.sh"]
    }
  }
}
"#,
        );
        let e = e.expect("expanded");
        assert_eq!(
            addrs(&e),
            vec![
                "aws_ecs_task_definition.api",
                "aws_ecs_service.api",
                "aws_appautoscaling_target.api",
                "aws_appautoscaling_policy.api_cpu",
                "aws_appautoscaling_policy.api_memory",
            ]
        );
        assert_eq!(
            attr(&e, "aws_ecs_service.api", "cluster"),
            "aws_ecs_cluster.main.arn"
        );
        let defs = attr(&e, "aws_ecs_task_definition.api", "container_definitions");
        for want in [
            "\"name\" = \"api\"",
            "\"portMappings\" = [",
            "\"entryPoint\" = [\"/docker-entrypoint.sh\"]",
            "\"readonlyRootFilesystem\" = true",
        ] {
            assert!(defs.contains(want), "{want} in {defs}");
        }
        assert_eq!(
            out(&e, "task_definition_arn"),
            attr_out("aws_ecs_task_definition.api", "arn")
        );
    }

    #[test]
    fn other_ecs_submodules_are_not_expanded() {
        let (_, e) = expand_first(
            "module \"x\" {\n  source = \"terraform-aws-modules/ecs/aws//modules/container-definition\"\n}\n",
        );
        assert!(e.is_none());
    }

    #[test]
    fn rds_becomes_a_db_instance() {
        let (_, e) = expand_first(
            r#"
module "db" {
  source  = "terraform-aws-modules/rds/aws"
  version = "~> 6.0"

  identifier           = "acme-db"
  engine               = "postgres"
  engine_version       = "16.3"
  family               = "postgres16"
  instance_class       = "db.m5.large"
  allocated_storage    = 100
  max_allocated_storage = 200
  db_name              = "app"
  username             = "app"
  port                 = 5432
  multi_az             = true
  vpc_security_group_ids = [module.sg.security_group_id]
  create_db_subnet_group = true
  subnet_ids           = module.vpc.database_subnets
  maintenance_window   = "Mon:00:00-Mon:03:00"
  parameters = [{ name = "rds.force_ssl", value = "1" }]
}
"#,
        );
        let e = e.expect("expanded");
        assert_eq!(addrs(&e), vec!["aws_db_instance.db"]);
        assert_eq!(attr(&e, "aws_db_instance.db", "identifier"), "\"acme-db\"");
        assert_eq!(
            attr(&e, "aws_db_instance.db", "instance_class"),
            "\"db.m5.large\""
        );
        assert_eq!(
            attr(&e, "aws_db_instance.db", "vpc_security_group_ids"),
            "[module.sg.security_group_id]"
        );
        assert_eq!(attr(&e, "aws_db_instance.db", "multi_az"), "true");
        for (o, a) in [
            ("db_instance_endpoint", "endpoint"),
            ("db_instance_address", "address"),
            ("db_instance_port", "port"),
            ("db_instance_name", "db_name"),
            ("db_instance_username", "username"),
            ("db_instance_identifier", "identifier"),
            ("db_instance_arn", "arn"),
            ("db_instance_resource_id", "resource_id"),
        ] {
            assert_eq!(out(&e, o), attr_out("aws_db_instance.db", a), "{o}");
        }
        assert_eq!(codes(&e), vec!["F206"]);
        let msg = &e.diags[0].message;
        assert!(
            msg.contains("`family`") && msg.contains("`parameters`"),
            "{msg}"
        );
        assert!(
            msg.contains("absorbed: `create_db_subnet_group`, `subnet_ids`"),
            "{msg}"
        );
    }

    #[test]
    fn aurora_becomes_a_cluster_with_instances_and_its_security_group() {
        let (_, e) = expand_first(
            r#"
module "aurora" {
  source  = "terraform-aws-modules/rds-aurora/aws"
  version = "~> 9.0"

  name            = "acme-aurora"
  engine          = "aurora-postgresql"
  engine_version  = "15.4"
  instance_class  = "db.r6g.large"
  instances = {
    one = {}
    two = { instance_class = "db.r6g.xlarge" }
  }
  master_username = "root"
  database_name   = "app"
  vpc_id          = module.vpc.vpc_id
  security_group_rules = {
    vpc_ingress = { cidr_blocks = ["10.0.0.0/16"] }
  }
  serverlessv2_scaling_configuration = { min_capacity = 1, max_capacity = 4 }
}
"#,
        );
        let e = e.expect("expanded");
        assert_eq!(
            addrs(&e),
            vec![
                "aws_security_group.aurora",
                "aws_rds_cluster.aurora",
                "aws_rds_cluster_instance.aurora_one",
                "aws_rds_cluster_instance.aurora_two",
            ]
        );
        assert_eq!(
            attr(&e, "aws_rds_cluster.aurora", "cluster_identifier"),
            "\"acme-aurora\""
        );
        assert_eq!(
            attr(&e, "aws_rds_cluster.aurora", "vpc_security_group_ids"),
            "[aws_security_group.aurora.id]"
        );
        assert_eq!(
            attr(&e, "aws_rds_cluster_instance.aurora_one", "instance_class"),
            "\"db.r6g.large\""
        );
        assert_eq!(
            attr(&e, "aws_rds_cluster_instance.aurora_two", "instance_class"),
            "\"db.r6g.xlarge\""
        );
        assert_eq!(
            attr(&e, "aws_rds_cluster_instance.aurora_two", "identifier"),
            "\"acme-aurora-two\""
        );
        assert_eq!(
            attr(
                &e,
                "aws_rds_cluster_instance.aurora_one",
                "cluster_identifier"
            ),
            "aws_rds_cluster.aurora.id"
        );
        let cluster = e
            .resources
            .iter()
            .find(|r| r.ty == "aws_rds_cluster")
            .expect("cluster");
        let scaling = hclx::blocks(&cluster.body, "serverlessv2_scaling_configuration");
        assert_eq!(scaling.len(), 1);
        let sg = &e.resources[0];
        let ingress = hclx::blocks(&sg.body, "ingress");
        assert_eq!(ingress.len(), 1);
        assert_eq!(hclx::attr(&ingress[0], "from_port"), Some(&num(5432)));
        for (o, a) in [
            ("cluster_endpoint", "endpoint"),
            ("cluster_reader_endpoint", "reader_endpoint"),
            ("cluster_port", "port"),
            ("cluster_database_name", "database_name"),
            ("cluster_master_username", "master_username"),
            ("cluster_id", "id"),
            ("cluster_arn", "arn"),
        ] {
            assert_eq!(out(&e, o), attr_out("aws_rds_cluster.aurora", a), "{o}");
        }
        assert_eq!(
            out(&e, "security_group_id"),
            attr_out("aws_security_group.aurora", "id")
        );
    }

    #[test]
    fn alb_v9_listeners_target_groups_and_security_group() {
        let (_, e) = expand_first(
            r#"
module "alb" {
  source  = "terraform-aws-modules/alb/aws"
  version = "~> 9.0"

  name    = "acme"
  vpc_id  = module.vpc.vpc_id
  subnets = module.vpc.public_subnets

  security_group_ingress_rules = {
    all_http = { from_port = 80, to_port = 80, ip_protocol = "tcp", cidr_ipv4 = "0.0.0.0/0" }
  }
  security_group_egress_rules = {
    all = { ip_protocol = "-1", cidr_ipv4 = "10.0.0.0/16" }
  }

  listeners = {
    http = {
      port     = 80
      protocol = "HTTP"
      redirect = { port = "443", protocol = "HTTPS", status_code = "HTTP_301" }
    }
    https = {
      port            = 443
      protocol        = "HTTPS"
      certificate_arn = aws_acm_certificate.web.arn
      forward         = { target_group_key = "app" }
      rules = {
        api = {
          priority   = 10
          actions    = [{ type = "forward", target_group_key = "app" }]
          conditions = [{ path_pattern = { values = ["/api/*"] } }]
        }
      }
    }
  }

  target_groups = {
    app = {
      protocol    = "HTTP"
      port        = 8080
      target_type = "instance"
      target_id   = aws_instance.app.id
      health_check = { path = "/healthz", matcher = "200" }
    }
  }
}
"#,
        );
        let e = e.expect("expanded");
        assert_eq!(
            addrs(&e),
            vec![
                "aws_security_group.alb_lb",
                "aws_lb.alb",
                "aws_lb_target_group.alb_app",
                "aws_lb_target_group_attachment.alb_app",
                "aws_lb_listener.alb_http",
                "aws_lb_listener.alb_https",
                "aws_lb_listener_rule.alb_https_api",
            ]
        );
        assert_eq!(
            attr(&e, "aws_lb.alb", "security_groups"),
            "[aws_security_group.alb_lb.id]"
        );
        assert_eq!(attr(&e, "aws_lb_target_group.alb_app", "port"), "8080");
        assert_eq!(
            attr(&e, "aws_lb_target_group.alb_app", "vpc_id"),
            "module.vpc.vpc_id"
        );
        let find = |a: &str| {
            e.resources
                .iter()
                .find(|r| r.address() == a)
                .expect("resource")
                .clone()
        };
        let https = find("aws_lb_listener.alb_https");
        let action = https
            .body
            .blocks()
            .find(|b| b.identifier() == "default_action")
            .expect("action");
        assert_eq!(
            hclx::attr(&action.body, "target_group_arn")
                .map(hclx::inline)
                .as_deref(),
            Some("aws_lb_target_group.alb_app.arn")
        );
        let http = find("aws_lb_listener.alb_http");
        let action = http
            .body
            .blocks()
            .find(|b| b.identifier() == "default_action")
            .expect("action");
        assert_eq!(hclx::attr(&action.body, "type"), Some(&s("redirect")));
        assert!(action.body.blocks().any(|b| b.identifier() == "redirect"));
        let tg = find("aws_lb_target_group.alb_app");
        assert!(tg.body.blocks().any(|b| b.identifier() == "health_check"));
        let rule = find("aws_lb_listener_rule.alb_https_api");
        let cond = rule
            .body
            .blocks()
            .find(|b| b.identifier() == "condition")
            .expect("condition");
        assert!(cond.body.blocks().any(|b| b.identifier() == "path_pattern"));
        for (o, a) in [
            ("dns_name", "dns_name"),
            ("zone_id", "zone_id"),
            ("arn", "arn"),
            ("id", "id"),
        ] {
            assert_eq!(out(&e, o), attr_out("aws_lb.alb", a), "{o}");
        }
        // The target groups by key: `target_groups["app"].arn` reads the expanded one.
        match out(&e, "target_groups") {
            ModuleOutput::Objects(map, _) => assert_eq!(
                map.into_iter().collect::<Vec<_>>(),
                vec![("app".to_string(), "aws_lb_target_group.alb_app".to_string())]
            ),
            other => panic!("target_groups: {other:?}"),
        }
        assert!(matches!(out(&e, "listeners"), ModuleOutput::Unmapped(_)));
    }

    #[test]
    fn alb_v8_lists() {
        let (_, e) = expand_first(
            r#"
module "alb" {
  source  = "terraform-aws-modules/alb/aws"
  version = "~> 8.0"
  name = "acme"
  load_balancer_type = "application"
  vpc_id = "vpc-1"
  target_groups = [{ name_prefix = "app-", backend_protocol = "HTTP", backend_port = 80, target_type = "ip" }]
  http_tcp_listeners = [{ port = 80, protocol = "HTTP", target_group_index = 0 }]
  https_listeners = [{ port = 443, protocol = "HTTPS", certificate_arn = "arn:cert", target_group_index = 0 }]
}
"#,
        );
        let e = e.expect("expanded");
        assert_eq!(
            addrs(&e),
            vec![
                "aws_lb.alb",
                "aws_lb_target_group.alb_0",
                "aws_lb_listener.alb_http_tcp_0",
                "aws_lb_listener.alb_https_0",
            ]
        );
        assert_eq!(
            attr(&e, "aws_lb_target_group.alb_0", "protocol"),
            "\"HTTP\""
        );
        assert_eq!(out(&e, "lb_dns_name"), attr_out("aws_lb.alb", "dns_name"));
    }

    #[test]
    fn security_group_rules_and_presets() {
        let (_, e) = expand_first(
            r#"
module "web_sg" {
  source = "terraform-aws-modules/security-group/aws"
  name   = "web"
  vpc_id = "vpc-1"
  ingress_cidr_blocks = ["0.0.0.0/0"]
  ingress_rules       = ["https-443-tcp", "no-such-rule"]
  ingress_with_cidr_blocks = [
    { from_port = 8080, to_port = 8090, protocol = "tcp", cidr_blocks = "10.0.0.0/8,192.168.0.0/16" },
  ]
  egress_rules = ["all-all"]
}
"#,
        );
        let e = e.expect("expanded");
        assert_eq!(addrs(&e), vec!["aws_security_group.web_sg"]);
        let sg = &e.resources[0];
        let ingress = hclx::blocks(&sg.body, "ingress");
        assert_eq!(ingress.len(), 2);
        assert_eq!(hclx::attr(&ingress[0], "from_port"), Some(&num(443)));
        assert_eq!(
            hclx::attr(&ingress[1], "cidr_blocks")
                .map(hclx::inline)
                .as_deref(),
            Some("[\"10.0.0.0/8\", \"192.168.0.0/16\"]")
        );
        let egress = hclx::blocks(&sg.body, "egress");
        assert_eq!(hclx::attr(&egress[0], "protocol"), Some(&s("-1")));
        assert_eq!(
            attr(&e, "aws_security_group.web_sg", "name_prefix"),
            "\"web-\""
        );
        assert!(e.diags.iter().any(|d| d.message.contains("`no-such-rule`")));
        assert_eq!(
            out(&e, "security_group_id"),
            attr_out("aws_security_group.web_sg", "id")
        );

        let (_, e) = expand_first(
            "module \"pg\" {\n  source = \"terraform-aws-modules/security-group/aws//modules/postgresql\"\n  name = \"pg\"\n  ingress_cidr_blocks = [\"10.0.0.0/16\"]\n}\n",
        );
        let e = e.expect("expanded");
        let ingress = hclx::blocks(&e.resources[0].body, "ingress");
        assert_eq!(hclx::attr(&ingress[0], "from_port"), Some(&num(5432)));
        assert_eq!(
            hclx::attr(&ingress[1], "self"),
            Some(&Expression::Bool(true))
        );
    }

    #[test]
    fn eks_cluster_and_managed_node_groups() {
        let (_, e) = expand_first(
            r#"
module "eks" {
  source  = "terraform-aws-modules/eks/aws"
  version = "~> 20.0"

  cluster_name    = "acme"
  cluster_version = "1.30"
  vpc_id          = module.vpc.vpc_id
  subnet_ids      = module.vpc.private_subnets
  cluster_endpoint_public_access = true

  eks_managed_node_group_defaults = { instance_types = ["m5.large"] }
  eks_managed_node_groups = {
    general = { min_size = 2, max_size = 5, desired_size = 3 }
    spot    = { instance_types = ["c5.xlarge"], capacity_type = "SPOT" }
  }
}
"#,
        );
        let e = e.expect("expanded");
        assert_eq!(
            addrs(&e),
            vec![
                "aws_eks_cluster.eks",
                "aws_eks_node_group.eks_general",
                "aws_eks_node_group.eks_spot"
            ]
        );
        assert_eq!(attr(&e, "aws_eks_cluster.eks", "version"), "\"1.30\"");
        assert_eq!(
            attr(&e, "aws_eks_node_group.eks_general", "instance_types"),
            "[\"m5.large\"]"
        );
        assert_eq!(
            attr(&e, "aws_eks_node_group.eks_spot", "instance_types"),
            "[\"c5.xlarge\"]"
        );
        assert_eq!(
            attr(&e, "aws_eks_node_group.eks_general", "cluster_name"),
            "aws_eks_cluster.eks.name"
        );
        let ng = &e.resources[1];
        let sc = hclx::blocks(&ng.body, "scaling_config");
        assert_eq!(hclx::attr(&sc[0], "desired_size"), Some(&num(3)));
        assert_eq!(
            out(&e, "cluster_endpoint"),
            attr_out("aws_eks_cluster.eks", "endpoint")
        );
        assert_eq!(
            out(&e, "cluster_name"),
            attr_out("aws_eks_cluster.eks", "name")
        );
    }

    #[test]
    fn elasticache_replication_group() {
        let (_, e) = expand_first(
            r#"
module "cache" {
  source = "terraform-aws-modules/elasticache/aws"
  replication_group_id = "acme-cache"
  engine_version = "7.1"
  node_type = "cache.t4g.small"
  num_cache_clusters = 2
  vpc_id = module.vpc.vpc_id
  security_group_rules = {
    ingress_vpc = { cidr_ipv4 = "10.0.0.0/16" }
  }
}
"#,
        );
        let e = e.expect("expanded");
        assert_eq!(
            addrs(&e),
            vec![
                "aws_security_group.cache",
                "aws_elasticache_replication_group.cache"
            ]
        );
        assert_eq!(
            attr(&e, "aws_elasticache_replication_group.cache", "node_type"),
            "\"cache.t4g.small\""
        );
        let ingress = hclx::blocks(&e.resources[0].body, "ingress");
        assert_eq!(hclx::attr(&ingress[0], "from_port"), Some(&num(6379)));
        assert_eq!(
            hclx::attr(&ingress[0], "cidr_blocks")
                .map(hclx::inline)
                .as_deref(),
            Some("[\"10.0.0.0/16\"]")
        );
        assert_eq!(
            out(&e, "replication_group_primary_endpoint_address"),
            attr_out(
                "aws_elasticache_replication_group.cache",
                "primary_endpoint_address"
            )
        );
    }

    #[test]
    fn module_meta_arguments_carry_over() {
        let (_, e) = expand_first(
            "module \"b\" {\n  source = \"terraform-aws-modules/s3-bucket/aws\"\n  for_each = toset([\"a\", \"b\"])\n  bucket = \"acme-${each.key}\"\n  depends_on = [aws_kms_key.k]\n}\n",
        );
        let e = e.expect("expanded");
        assert!(
            e.resources
                .iter()
                .all(|r| r.meta.for_each.is_some() && r.meta.depends_on.is_some())
        );
        assert!(codes(&e).contains(&"F305"));
    }

    #[test]
    fn switched_off_modules_create_nothing() {
        let (_, e) = expand_first(
            "module \"b\" {\n  source = \"terraform-aws-modules/s3-bucket/aws\"\n  create_bucket = false\n  bucket = \"x\"\n}\n",
        );
        let e = e.expect("expanded");
        assert!(e.resources.is_empty());
        assert_eq!(
            out(&e, "s3_bucket_id"),
            ModuleOutput::Expr(Expression::Null)
        );
    }
}
