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
//! whose outputs are `cidrsubnets` arithmetic, computed in `vpc`, and Cloud Posse's
//! `cloudposse/label/null` (v0.25), whose names and tags are written in
//! [`null_label`]. Label calls are expanded first ([`expansion_order`]), so a label reading
//! another's `context` finds it.
//!
//! This file recognises a source ([`parse_source`]) and holds the builder every expansion uses;
//! each family of modules maps its inputs in a file of its own (`vpc`, `s3`, `rds`, `lb`,
//! `security_group`, `eks`, `ecs`, `compute`, `serverless`, `edge`, `stores`, `one_resource`).

use crate::diag::{Code, Diagnostic};
use crate::eval::{Eval, value_to_expr};
use crate::hclx;
use crate::origin::{Meta, Mode, Named, Resource};
use crate::refs::{ModuleExports, ModuleOutput};
use crate::rules::sanitize_name;
use hcl::{Body, Expression};
use std::collections::{BTreeMap, BTreeSet};

mod compute;
mod ecs;
mod edge;
mod eks;
mod lb;
mod null_label;
mod one_resource;
mod rds;
mod s3;
mod security_group;
mod serverless;
mod stores;
mod vpc;

use compute::{autoscaling, ec2_instance, key_pair};
use ecs::ecs;
use edge::{acm, cloudfront, route53_records, route53_zones};
use eks::{eks, eks_aws_auth, eks_karpenter, eks_managed_node_group};
use lb::{alb, elb};
use one_resource::{
    cloudwatch, dynamodb_table, ecr, iam, kms, secrets_manager, sns, sqs, ssm_parameter,
};
use rds::{aurora, rds};
use s3::{s3_bucket, s3_object};
use security_group::{security_group, sg_rules};
use serverless::{apigateway_v2, eventbridge, lambda, step_functions};
use stores::{efs, elasticache, memory_db, msk, opensearch, redshift};
use vpc::{is_subnets_cidr, subnets_cidr, vpc, vpc_endpoints};

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

#[cfg(test)]
mod tests {
    use super::*;

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
