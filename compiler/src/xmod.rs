//! Facts across local modules (known gaps #44 and #68): a pass over the whole origin, before
//! any module is compiled, that follows module inputs and outputs to the resource they read,
//! and hands each module's compile what its rules need from the others.
//!
//! The pipeline compiles one module at a time, so a rule sees only its own module. Two real
//! stacks split what one rule needs across modules:
//!
//! * an ECS service registers in a target group of another module (`load_balancer {
//!   target_group_arn = var.tg_arn }`, the root passing `module.lb.target_group_arn`). The load
//!   balancer, its listeners (with their rules and certificates) and target groups are
//!   *adopted* by the service's module: copied into its compile, with the variables and locals
//!   they read replaced by their values in their own module, and the service's `var.tg_arn`
//!   replaced by the adopted target group's `arn`. The ECS rule then maps them as it does when
//!   they are declared beside the service (a Kubernetes Service of type LoadBalancer). Their
//!   own module *gives* them away: no rule maps them there, and what read them there reads
//!   `null` (F401, saying where they went). The report lists them at their own address, with
//!   the outcome the adopting module recorded.
//! * a CloudFront distribution's S3 origin is a bucket of another module
//!   (`module.site.bucket_regional_domain_name`). The distribution's module learns that this
//!   expression is the domain name of a bucket of the stack ([`Facts::buckets`]); the CDN
//!   endpoint keeps the expression, which the emitted stack carries to the Spaces bucket
//!   through the module's output (kept, and rewritten by that module's reference pass).
//! * a Route 53 alias (or CNAME) reads the address of a load balancer of another module
//!   (`alias { name = module.lb.dns_name }`, the module's output being `aws_lb.app.dns_name`).
//!   The record's module learns that the expression is a load balancer's IPv4 address in the
//!   emitted stack ([`Facts::lb_ips`]): the module's kept output reads the
//!   `digitalocean_loadbalancer`'s `ip` once its reference pass rewrote it, and `rules::dns`
//!   makes the record an A record reading the expression as written. When the load balancer
//!   was adopted, its module cannot read it: the adopting module adds an output of its address
//!   ([`Facts::exports`], `<call>_<output>`: the Service's load-balancer IP once rewritten),
//!   and the folder that calls both modules reads that output where it read the giving
//!   module's ([`Facts::module_reads`]: `module.lb.dns_name` → `module.ecs.lb_dns_name`, or
//!   the adopted `aws_lb.app.dns_name` itself when that folder adopted it). Only outputs that
//!   are the plain attribute are redirected, and only when one folder calls both modules.
//! * an API (REST or HTTP) of one module integrates a function of another (`uri =
//!   var.invoke_arn`, the root passing `module.fn.invoke_arn`). The API's module learns that
//!   the expression is a function's `invoke_arn` ([`Facts::functions`]), which the emitted
//!   function module exports as its Knative Service URL (`http://<name>.<namespace>.svc…`):
//!   the API's Ingress for that route goes to the function's namespace and Service, both read
//!   from the URL. The function's module learns which of its functions such APIs reach with
//!   payload 1.0 events ([`Facts::event_v1_functions`], and 2.0 ones for a module called twice),
//!   so its rule tells Ferry's HTTP adapter.
//!
//! * a security group of one module is joined by resources of another
//!   (`vpc_security_group_ids = var.sg_ids`, the root passing `[module.sg.web_sg_id]`). When
//!   all its members sit in one other module and none in its own, that module adopts it with
//!   its rule resources ([`Facts::adopted`]; the members' expression also reads the copies,
//!   [`Facts::sg_reads`]), and the security-group rule writes its firewalls there. Otherwise
//!   its module learns who joins it ([`Facts::foreign_members`]), for a warning.
//!
//! * a read replica replicates a database of another module (`replicate_source_db =
//!   var.replicate_source_db`, the caller passing `module.rds.arn`). The replica's module
//!   learns that the expression reads that primary's `arn`, `id` or `identifier`
//!   ([`Facts::db_sources`], with its engine and class), which the primary's module outputs as
//!   the cluster's URN, id or name; the replica rule reaches the cluster's id from it.
//!
//! * a reference passed to a database module's admin login (`master_password =
//!   local.rds.master_password`, the module giving `var.master_password` to its cluster) is
//!   passed to another module too. The calling module learns it ([`Facts::db_logins`]) and
//!   reads it elsewhere as the cluster's login, through an output the database's module adds.
//!
//! * the stack's one Kubernetes cluster is declared in a module the root calls (an ECS module)
//!   and Kubernetes objects of other modules (a function module's Knative Services) need it.
//!   That module outputs the cluster's name, the root reads it ([`Facts::kubernetes_cluster`])
//!   and finds the cluster by it for its `provider "kubernetes"`, which every module uses.
//!
//! * an Auto Scaling group launches the launch template of another module (`launch_template {
//!   id = var.lt_id }`, the caller passing `module.lt.lt_id`). The group's module adopts the
//!   template, closed over its own module's variables and locals ([`Facts::lt_vars`]); user
//!   data read from a file of that module (`file()`, a `template_file` without `vars`) becomes
//!   the file's text; what reads anything else of that module is left out, with a warning
//!   ([`Facts::left_out`]). The template's module gives it away.
//!
//! * an Auto Scaling group registers in a target group (or classic ELB) of another module
//!   (`target_group_arns = [var.tg_arn]`). The load balancer targets a Droplet tag decided
//!   here ([`Facts::lb_tags`], [`Facts::foreign_pools`]) and the group's droplets carry it
//!   ([`Facts::pool_tags`]).
//!
//! * the services' target groups of one load balancer are registered from several modules
//!   (#264). Each module adopts the load balancer with the listeners that forward to its own
//!   groups (and their rules, certificates, groups), under a name of its own (the module
//!   folder's last segment after it); the giving module warns ([`Facts::split`]).
//!
//! * ECS services of a module without a cluster run on the stack's one cluster, declared in
//!   another module (the root's, or [`Facts::kubernetes_cluster`]): [`Facts::ecs_cluster`].
//!   The pipeline also shares the appliance's one container registry between the modules
//!   ([`Facts::registry_from`], [`plain_chains`]).
//!
//! Only plain chains are followed: `var.x` of a module called exactly once (no `count` /
//! `for_each`) to the argument of that call, `module.m.o` of a call without `count` /
//! `for_each` to that module's output, a `local.x` the chain reached to its value, and an
//! output's value to `aws_type.name.attr` of a resource that does not repeat (lists of ids —
//! security groups, subnets — also through list literals, `concat` and splats). Adoption also
//! needs both modules called once. Any other expression (an index, a function, a template, a
//! variable of a module called twice) leaves the module as it is compiled today, with today's
//! diagnostics: this pass never guesses. Adoption of load balancers is refused as a whole when
//! anything else in the giving module reads the adopted resources, when an adopted resource
//! reads something that is not adopted and has no value at compile time (outside the arguments
//! the Service ignores: subnets, security groups, VPC, tags), when its target groups are not
//! all registered from the adopting module, or when an address would collide; adoption of
//! security groups when the group has members in its own module (or a local reads it), repeats,
//! reads an unknown value of its module, or its address would collide.

use crate::eval::{Eval, value_to_expr};
use crate::hclx;
use crate::origin::{self, Mode, Named, Origin, Resource};
use crate::rules::lb::{LISTENER_CERT_TYPES, LISTENER_RULE_TYPES, LISTENER_TYPES, TG_TYPES};
use crate::rules::security::{MEMBER_KEYS, RULE_TYPES};
use hcl::Expression;
use hcl::expr::TraversalOperator as Op;
use std::collections::{BTreeMap, BTreeSet};

/// How many module boundaries a chain may cross.
const MAX_HOPS: usize = 8;

const LB_TYPES: &[&str] = &["aws_lb", "aws_alb"];

/// Arguments of adopted resources that the Service of type LoadBalancer does not read: when
/// they read something of their own module, the list ones become `[]` (their presence still
/// warns, as `security_groups` does) and the others are left out. A `name` (`name_prefix`)
/// built from a variable the module does not know at compile time (`"${var.env}-alb"`, the
/// caller passing a root variable without a default) is left out too: the adopting module
/// names the load balancer (firewall) after the resource, with the instance id.
const LOOSE_LISTS: &[&str] = &["subnets", "security_groups"];
const LOOSE: &[&str] = &[
    "name",
    "name_prefix",
    "vpc_id",
    "tags",
    "tags_all",
    "subnet_mapping",
    "access_logs",
];

/// What one module's compile learns from the others.
#[derive(Debug, Default)]
pub struct Facts {
    /// Expressions of this module (as `hclx::inline` prints them: `module.site.x`,
    /// `var.bucket_domain`) that read the domain name of an S3 bucket of another local module
    /// → that bucket's address in the report (`site/aws_s3_bucket.site`).
    pub buckets: BTreeMap<String, String>,
    /// Expressions of this module given to the `bucket` of an S3 object, CORS rule or bucket
    /// policy (`bucket = module.s3.bucket_name`) that read the name of an S3 bucket of another
    /// local module → that bucket's address in the report. The bucket's module outputs its
    /// Spaces bucket's name there, so the emitted resource keeps the expression.
    pub bucket_names: BTreeMap<String, String>,
    /// Resources of another module (its folder) that this module's ECS services register with,
    /// closed over their own module's variables and locals.
    pub adopted: Vec<(String, Resource)>,
    /// Service address → (variable, the adopted target group's `arn`) to read in its
    /// `load_balancer` blocks.
    pub tg_vars: BTreeMap<String, Vec<(String, Expression)>>,
    /// Resources of this module another module adopted → why they are not mapped here.
    pub given: BTreeMap<String, String>,
    /// Load balancers of this module split between the modules whose ECS services register
    /// in their target groups (#264) → the warning saying where each listener went.
    pub split: BTreeMap<String, String>,
    /// Expressions of this module (as `hclx::inline` prints them, after [`Facts::module_reads`])
    /// that read, in the emitted stack, the IPv4 address of a load balancer of another local
    /// module → that load balancer's address in the report.
    pub lb_ips: BTreeMap<String, String>,
    /// `module.<call>.<output>` of this module → what it reads instead: the output of the
    /// module that adopted the load balancer the output named (or, when this module adopted
    /// it, the load balancer itself).
    pub module_reads: BTreeMap<String, Expression>,
    /// Outputs this module adds: the address of a load balancer it adopted.
    pub exports: Vec<Named>,
    /// Expressions of this module (as `hclx::inline` prints them: `var.invoke_arn`) given to
    /// an API integration's `uri` / `integration_uri` that read `invoke_arn` of a Lambda
    /// function of another local module → that function's address in the report. The
    /// function's module exports its Knative Service URL there (`rules::lambda`), from which
    /// the API's Ingress reads the Service's name and namespace.
    pub functions: BTreeMap<String, String>,
    /// Functions of this module (their address) that an API of another module reaches with
    /// payload 1.0 events (a REST API, or an HTTP API integration with
    /// `payload_format_version = "1.0"`).
    pub event_v1_functions: BTreeSet<String>,
    /// Functions of this module that an API of another module reaches with payload 2.0 events.
    /// A function in both sets (its module called twice, one call behind each kind of API)
    /// keeps the adapter's default, 2.0, with a warning.
    pub event_v2_functions: BTreeSet<String>,
    /// Security groups of this module (their address) → the resources of other modules that
    /// join them through module outputs and inputs (`vpc_security_group_ids = var.sg_ids`, the
    /// caller passing `[module.sg.web_sg_id]`), by report address. The security-group rule
    /// maps a group only for members of its own module, so it warns about these.
    pub foreign_members: BTreeMap<String, Vec<String>>,
    /// Resources of this module (by address) that join security groups adopted into this
    /// module through another module's outputs → (the expression they join with, as
    /// `hclx::inline` prints it; the adopted groups' `id`s it stands for).
    pub sg_reads: BTreeMap<String, Vec<(String, Vec<Expression>)>>,
    /// Expressions of this module's security-group rules (as `hclx::inline` prints them) that
    /// name, as a source, security groups of another module (`security_groups =
    /// [var.app_sg_id]`) → those groups' report addresses, for the warning about them.
    pub foreign_sources: BTreeMap<String, Vec<String>>,
    /// In a module without a VPC of its own, the variable that holds the id of the VPC of
    /// another module its caller passes in (`var.vpc_id`, the root passing `module.vpc.vpc_id`
    /// or `aws_vpc.main.id`), with that VPC's report address: the module's droplets, clusters
    /// and databases join that VPC through it (`Cx::vpc_id`), as resources beside a VPC join it.
    pub vpc_var: Option<(Expression, String)>,
    /// Expressions of this module given to an EKS node group's `cluster_name` that read the
    /// name of an EKS cluster of another local module (`var.cluster_name`, the caller passing
    /// `module.eks.cluster_name`) → that cluster's report address. That module outputs the
    /// DOKS cluster's name there; the node pool finds the cluster by it (`rules::eks`).
    pub eks_clusters: BTreeMap<String, String>,
    /// Expressions of this module given to a read replica's `replicate_source_db` that read a
    /// primary database of another local module (`var.replicate_source_db`, the caller passing
    /// `module.rds.arn`) → that primary. Its module outputs the cluster's `urn`, `id` or
    /// `name` there (what the attribute read maps to); the replica reaches the cluster's id
    /// from it (`rules::database`).
    pub db_sources: BTreeMap<String, DbSource>,
    /// Plain references of this module (`local.rds.master_password`, `var.db_password`) that a
    /// module call passes to an input its module gives to a database's admin password or user
    /// name: everywhere else in this module they read the cluster's (DigitalOcean generates
    /// the password), through an output the database's module adds ([`Facts::exports`]).
    pub db_logins: Vec<DbLogin>,
    /// The stack's one Kubernetes cluster when it is declared in a module called from the root
    /// and the root has none (nor a `provider "kubernetes"`): the Kubernetes objects of every
    /// module (Knative Services of functions, ECS workloads) go there, through the root's
    /// provider, which reads it by name ([`KubeCluster::name`]). Every module but the
    /// cluster's own learns it.
    pub kubernetes_cluster: Option<KubeCluster>,
    /// In a module that declares no cluster but ECS services (or task definitions), the report
    /// address of the stack's one cluster, declared in another module, which the root's
    /// `provider "kubernetes"` reaches (the root's own, or [`Facts::kubernetes_cluster`]), with
    /// the expression of the first service's `cluster` when it reads that cluster through
    /// module inputs and outputs (`var.ecs_cluster_id` ← `module.ecs_cluster.ecs_cluster_id`).
    /// The workloads run there: no stand-in cluster of their own (#260).
    pub ecs_cluster: Option<(String, Option<String>)>,
    /// With [`Facts::ecs_cluster`]: the stack's cluster is an ECS cluster whose node pool
    /// `ecs::create_cluster` sizes with this module's demand too ([`Facts::guests`], #320).
    pub ecs_cluster_sized: bool,
    /// In the module of the stack's ECS cluster: the demand of the ECS services of the other
    /// modules that run on it ([`Facts::ecs_cluster`]), evaluated in their own modules, which
    /// `ecs::create_cluster` adds to its own (#320).
    pub guests: Option<Guests>,
    /// The module that creates the appliance's container registry (one per account, #260,
    /// #321), when it is another. Set by the pipeline as it compiles the modules (the first
    /// that emits the registry and is reached from the root by single calls keeps it): this
    /// module creates none, and reads the registry's name from its owner's `registry_name`
    /// output, passed down to it as `var.registry_name`.
    pub registry_from: Option<RegistryFrom>,
    /// Auto Scaling groups of this module (address) that launch the launch template of
    /// another module (`launch_template { id = var.lt_id }`, the caller passing
    /// `module.lt.lt_id`) → (variable, the adopted template's `id` / `name`) to read in their
    /// `launch_template` block. The template is adopted ([`Facts::adopted`]).
    pub lt_vars: BTreeMap<String, Vec<(String, Expression)>>,
    /// Adopted launch templates (address) → the arguments left out of the copy, because they
    /// read what only their own module knows (a data source, a variable without a value at
    /// compile time): the EC2 rule warns about them.
    pub left_out: BTreeMap<String, Vec<String>>,
    /// Auto Scaling groups of this module (address) registered in a target group (or classic
    /// ELB) of another module (`target_group_arns = [var.tg_arn]`) → (that load balancer's
    /// report address, the Droplet tag it targets with `droplet_tag`): their droplets carry it.
    pub pool_tags: BTreeMap<String, Vec<(String, Expression)>>,
    /// Load balancers, target groups and classic ELBs of this module (address) in which Auto
    /// Scaling groups of other modules register → those groups' report addresses; with
    /// [`Facts::lb_tags`], the load balancer targets their droplets by tag.
    pub foreign_pools: BTreeMap<String, Vec<String>>,
    /// Load balancers of this module (address) that [`Facts::foreign_pools`] target → the
    /// Droplet tag, decided here for both modules (`rules::lb::pool_tag` reads it).
    pub lb_tags: BTreeMap<String, Expression>,
    /// Hosts of databases of other modules that this module writes with the database's origin
    /// port after them (`"redis://${var.redis_url}:6379"`): the port reads the cluster's
    /// (and, for a cache after `redis://`, the URL gets TLS and the `default` user's password)
    /// through the inputs and outputs the pass adds ([`Facts::variables`],
    /// [`Facts::call_args`], [`Facts::exports`]).
    pub foreign_ports: Vec<ForeignPort>,
    /// Variables this module declares for [`Facts::foreign_ports`] (`redis_url_port`).
    pub variables: Vec<Named>,
    /// Arguments this module adds to its calls (call name → (argument, value)), for the
    /// variables another module declares ([`Facts::variables`]).
    pub call_args: BTreeMap<String, Vec<(String, Expression)>>,
}

/// The module that creates the appliance's container registry ([`Facts::registry_from`]).
#[derive(Debug, Clone)]
pub struct RegistryFrom {
    /// Its folder.
    pub owner: String,
    /// In a module that calls it (directly, or through the modules between): the output of
    /// that call that gives the registry's name (`module.infra.registry_name`), which this
    /// module's own pull credentials read (ordering them after the registry's create).
    pub here: Option<Expression>,
}

/// The ECS workloads of other modules that run on this module's cluster ([`Facts::guests`]).
#[derive(Debug, Clone, Default)]
pub struct Guests {
    /// Their module folders, each with its services and its tasks run by no service.
    pub modules: Vec<(String, usize, usize)>,
    /// Their demand at the services' desired count and at their maximum.
    pub now: crate::facts::workload::Demand,
    pub peak: crate::facts::workload::Demand,
}

/// The Kubernetes cluster of another module ([`Facts::kubernetes_cluster`]).
#[derive(Debug, Clone)]
pub struct KubeCluster {
    /// Its report address (`ecs/aws_ecs_cluster.main`, `ecs/module.ecs_cluster`).
    pub addr: String,
    /// In the root: the cluster's name, read from an output of its module
    /// (`module.ecs.kubernetes_cluster_name`, added to it when no output gives the name).
    pub name: Option<Expression>,
    /// The root's call of the cluster's module.
    pub call: crate::source::Loc,
}

/// A reference passed to a database's admin login in another module ([`Facts::db_logins`]).
#[derive(Debug, Clone)]
pub struct DbLogin {
    /// The reference, as `hclx::inline` prints it.
    pub source: String,
    /// The call that passes it (its own argument keeps it).
    pub call: String,
    /// The database's report address and the argument it is given to (`master_password`).
    pub database: String,
    pub attr: &'static str,
    /// What the rest of the module reads instead: `module.<call>.<output>`.
    pub reads: Expression,
}

/// A database host of another module written with its origin port ([`Facts::foreign_ports`]).
#[derive(Debug, Clone)]
pub struct ForeignPort {
    /// The host expression, as `hclx::inline` prints it (`var.redis_url`).
    pub source: String,
    /// The database's report address and its port on AWS.
    pub database: String,
    pub port: u32,
    /// What the port reads instead: `var.redis_url_port` (declared here) or
    /// `module.cache.redis_host_port` (an output the database's module adds).
    pub reads: Expression,
    /// For a cache written after `redis://`: what the `default` user's password reads; the
    /// scheme becomes `rediss://` (DigitalOcean Valkey requires TLS and a password).
    pub password: Option<Expression>,
    /// The resources, locals and outputs of this module that write it (address, location).
    pub at: Vec<(String, crate::source::Loc)>,
}

/// The primary database of another module a read replica replicates ([`Facts::db_sources`]).
#[derive(Debug, Clone)]
pub struct DbSource {
    /// Its report address (`rds/aws_db_instance.main`).
    pub addr: String,
    /// The attribute the chain reads: `arn`, `id` or `identifier`.
    pub attr: String,
    /// Its `engine` and `instance_class`, evaluated in its own module (`None`: not static).
    pub engine: Option<String>,
    pub instance_class: Option<String>,
}

/// The facts of a module nobody else tells anything (rules' unit tests).
pub static NONE: Facts = Facts {
    buckets: BTreeMap::new(),
    bucket_names: BTreeMap::new(),
    adopted: Vec::new(),
    tg_vars: BTreeMap::new(),
    given: BTreeMap::new(),
    split: BTreeMap::new(),
    lb_ips: BTreeMap::new(),
    module_reads: BTreeMap::new(),
    exports: Vec::new(),
    functions: BTreeMap::new(),
    event_v1_functions: BTreeSet::new(),
    event_v2_functions: BTreeSet::new(),
    foreign_members: BTreeMap::new(),
    sg_reads: BTreeMap::new(),
    foreign_sources: BTreeMap::new(),
    vpc_var: None,
    eks_clusters: BTreeMap::new(),
    db_sources: BTreeMap::new(),
    db_logins: Vec::new(),
    kubernetes_cluster: None,
    ecs_cluster: None,
    ecs_cluster_sized: false,
    guests: None,
    registry_from: None,
    lt_vars: BTreeMap::new(),
    left_out: BTreeMap::new(),
    pool_tags: BTreeMap::new(),
    foreign_pools: BTreeMap::new(),
    lb_tags: BTreeMap::new(),
    foreign_ports: Vec::new(),
    variables: Vec::new(),
    call_args: BTreeMap::new(),
};

/// The facts of every module folder (folders the pass says nothing about are absent).
pub fn plan(
    origin: &Origin,
    inputs: &BTreeMap<String, BTreeMap<String, Expression>>,
) -> BTreeMap<String, Facts> {
    let mut tree = Tree::new(origin);
    let mut facts: BTreeMap<String, Facts> = BTreeMap::new();
    buckets(&tree, &mut facts);
    functions(&tree, &mut facts);
    tree.reexported = adoptions(&tree, inputs, &mut facts);
    launch_templates(&tree, inputs, &mut facts);
    bucket_settings(&tree, inputs, &mut facts);
    pools(&tree, inputs, &mut facts);
    security_groups(&tree, inputs, &mut facts);
    vpc_vars(&tree, &mut facts);
    replica_sources(&tree, inputs, &mut facts);
    db_logins(&tree, &mut facts);
    foreign_ports(&tree, inputs, &mut facts);
    kubernetes_cluster(&tree, &mut facts);
    ecs_clusters(&tree, inputs, &mut facts);
    lb_ips(&tree, inputs, &mut facts);
    facts
}

/// Module folders reached from the root through calls each of which is the only call of its
/// folder and does not repeat → that chain of calls, from the root's down: (caller folder,
/// call name). The pipeline wires the appliance's one container registry along them (#260,
/// #321).
pub fn plain_chains(origin: &Origin) -> BTreeMap<String, Vec<(String, String)>> {
    let tree = Tree::new(origin);
    let mut out = BTreeMap::new();
    for dir in tree.callers.keys() {
        let mut chain = Vec::new();
        let mut d = dir.as_str();
        while !d.is_empty() && chain.len() <= origin.modules.len() {
            let Some((parent, call)) = tree.only_call(d) else {
                break;
            };
            chain.push((parent.to_string(), call.name.clone()));
            d = parent;
        }
        if d.is_empty() {
            chain.reverse();
            out.insert(dir.clone(), chain);
        }
    }
    out
}

/// The local module folder a call reads (a literal relative `source` of a folder of the origin).
fn local_target(origin: &Origin, dir: &str, call: &Named) -> Option<String> {
    let src = hclx::attr(&call.body, "source").and_then(hclx::as_str)?;
    if !(src.starts_with("./") || src.starts_with("../")) {
        return None;
    }
    origin::join_dir(dir, src).filter(|t| origin.modules.contains_key(t))
}

fn repeated_call(call: &Named) -> bool {
    hclx::attr(&call.body, "count").is_some() || hclx::attr(&call.body, "for_each").is_some()
}

/// A plain traversal `root.a.b` (attribute steps only) as its names.
fn names(e: &Expression) -> Option<(&str, Vec<&str>)> {
    let (root, ops) = hclx::traversal_root(e)?;
    let names = ops
        .iter()
        .map(|o| match o {
            Op::GetAttr(i) => Some(i.as_str()),
            _ => None,
        })
        .collect::<Option<Vec<_>>>()?;
    Some((root, names))
}

/// The module tree: who calls each local module folder.
struct Tree<'o> {
    origin: &'o Origin,
    /// Folder → the calls of it: (caller folder, call).
    callers: BTreeMap<String, Vec<(&'o str, &'o Named)>>,
    /// (folder, `module.m.o`) read there that [`Facts::module_reads`] redirects to the address
    /// of an adopted load balancer → (its module folder, the load balancer).
    reexported: BTreeMap<(String, String), (&'o str, &'o Resource)>,
}

/// Where a chain ends: (module folder, resource, attribute read).
type Leaf<'o> = (&'o str, &'o Resource, String);

/// The attribute of a [`Leaf`] that an adopted load balancer's address, re-exported by the
/// module that adopted it, is read as (not an AWS attribute name).
const REEXPORTED_IP: &str = "<adopted load balancer ip>";

impl<'o> Tree<'o> {
    fn new(origin: &'o Origin) -> Self {
        let mut callers: BTreeMap<String, Vec<(&'o str, &'o Named)>> = BTreeMap::new();
        for (dir, m) in &origin.modules {
            for c in &m.module_calls {
                if let Some(t) = local_target(origin, dir, c) {
                    callers.entry(t).or_default().push((dir.as_str(), c));
                }
            }
        }
        Tree {
            origin,
            callers,
            reexported: BTreeMap::new(),
        }
    }

    /// The one call of the module in `dir`, when it is called once and does not repeat.
    fn only_call(&self, dir: &str) -> Option<(&'o str, &'o Named)> {
        match self.callers.get(dir)?.as_slice() {
            [(parent, call)] if !repeated_call(call) && *parent != dir => Some((parent, call)),
            _ => None,
        }
    }

    /// The resource attribute of another module that `e`, written in module `dir`, reads
    /// through plain module inputs and outputs. Only `var.*` and `module.*` can lead out of
    /// `dir`: anything else is answered at once (a 10,000-resource root has thousands of
    /// record aliases naming its own load balancers, each of which would scan the module).
    fn resolve_across(&self, dir: &str, e: &Expression) -> Option<Leaf<'o>> {
        let (root, _) = hclx::traversal_root(e)?;
        if root != "var" && root != "module" {
            return None;
        }
        self.resolve(dir, e, 0).filter(|(d, _, _)| *d != dir)
    }

    /// The resource attribute `e`, written in module `dir`, reads through plain module inputs
    /// and outputs.
    fn resolve(&self, dir: &str, e: &Expression, hops: usize) -> Option<Leaf<'o>> {
        if hops > MAX_HOPS {
            return None;
        }
        let (dir, module) = self.origin.modules.get_key_value(dir)?;
        let (root, path) = names(e)?;
        match (root, path.as_slice()) {
            ("var", [v]) => {
                let (parent, call) = self.only_call(dir)?;
                let arg = hclx::attr(&call.body, v)?;
                self.resolve(parent, arg, hops + 1)
            }
            // An output (or argument) that reads a local of its module: the local's value.
            ("local", [l]) if hops > 0 => {
                let local = module.locals.iter().find(|x| x.name == *l)?;
                self.resolve(dir, &local.expr, hops + 1)
            }
            ("module", [m, o]) => {
                if let Some((sdir, lb)) = self
                    .reexported
                    .get(&(dir.clone(), format!("module.{m}.{o}")))
                {
                    return Some((sdir, lb, REEXPORTED_IP.to_string()));
                }
                // `module.m.o` names one instance even when the folder is called again
                // elsewhere; what its output reads through `var.*` then needs one call.
                let call = module.module_calls.iter().find(|c| c.name == *m)?;
                if repeated_call(call) {
                    return None;
                }
                let target = local_target(self.origin, dir, call)?;
                let (target, tm) = self.origin.modules.get_key_value(&target)?;
                let out = tm.outputs.iter().find(|x| x.name == *o)?;
                if hclx::attr(&out.body, "sensitive").is_some() {
                    return None;
                }
                self.resolve(target, hclx::attr(&out.body, "value")?, hops + 1)
            }
            (ty, [name, attr]) if ty.starts_with("aws_") => {
                let r = module
                    .resources
                    .iter()
                    .find(|r| r.mode == Mode::Managed && r.ty == ty && r.name == *name)?;
                (!r.meta.is_repeated()).then(|| (dir.as_str(), r, attr.to_string()))
            }
            _ => None,
        }
    }
}

fn report_addr(dir: &str, r: &Resource) -> String {
    if dir.is_empty() {
        r.address().to_string()
    } else {
        format!("{dir}/{}", r.address())
    }
}

// ---- CloudFront origins (#68) ---------------------------------------------------------------

fn buckets(tree: &Tree<'_>, facts: &mut BTreeMap<String, Facts>) {
    for (dir, m) in &tree.origin.modules {
        // Node groups of a cluster of another module (#138), found in the same pass.
        for r in m
            .resources
            .iter()
            .filter(|r| r.mode == Mode::Managed && r.ty == "aws_eks_node_group")
        {
            let Some(e) = hclx::attr(&r.body, "cluster_name") else {
                continue;
            };
            if let Some((sdir, cluster, attr)) = tree.resolve_across(dir, e)
                && cluster.ty == "aws_eks_cluster"
                && matches!(attr.as_str(), "name" | "id")
            {
                facts
                    .entry(dir.clone())
                    .or_default()
                    .eks_clusters
                    .insert(hclx::inline(e), report_addr(sdir, cluster));
            }
        }
        for r in m.resources.iter().filter(|r| {
            r.mode == Mode::Managed && r.ty.starts_with("aws_s3_") && r.ty != "aws_s3_bucket"
        }) {
            let Some(e) = hclx::attr(&r.body, "bucket") else {
                continue;
            };
            if let Some((sdir, bucket, attr)) = tree.resolve_across(dir, e)
                && bucket.ty == "aws_s3_bucket"
                && matches!(attr.as_str(), "id" | "bucket")
            {
                facts
                    .entry(dir.clone())
                    .or_default()
                    .bucket_names
                    .insert(hclx::inline(e), report_addr(sdir, bucket));
            }
        }
        for r in m
            .resources
            .iter()
            .filter(|r| r.mode == Mode::Managed && r.ty == "aws_cloudfront_distribution")
        {
            for o in hclx::blocks(&r.body, "origin") {
                let Some(e) = hclx::attr(&o, "domain_name") else {
                    continue;
                };
                let Some((sdir, bucket, attr)) = tree.resolve_across(dir, e) else {
                    continue;
                };
                if sdir != dir
                    && bucket.ty == "aws_s3_bucket"
                    && matches!(
                        attr.as_str(),
                        "bucket_regional_domain_name" | "bucket_domain_name"
                    )
                {
                    facts
                        .entry(dir.clone())
                        .or_default()
                        .buckets
                        .insert(hclx::inline(e), report_addr(sdir, bucket));
                }
            }
        }
    }
}

// ---- bucket settings written beside the caller (#267) ---------------------------------------

/// S3 bucket sub-resources the S3 rule folds into the Spaces bucket itself (there is no
/// Spaces resource of their own to emit in their module).
const FOLDED_BUCKET_SETTINGS: &[&str] = &[
    "aws_s3_bucket_versioning",
    "aws_s3_bucket_lifecycle_configuration",
    "aws_s3_bucket_server_side_encryption_configuration",
    "aws_s3_bucket_public_access_block",
    "aws_s3_bucket_acl",
    "aws_s3_bucket_ownership_controls",
];

/// Bucket settings (versioning, lifecycle, …: [`FOLDED_BUCKET_SETTINGS`]) whose `bucket`
/// reads a bucket of another module through plain module inputs and outputs (`bucket =
/// module.primary.code_bucket`): the bucket's module adopts the setting (closed over its own
/// module's variables, `bucket` reading the bucket there), which the S3 rule folds into the
/// Spaces bucket, and the setting's module gives it away. A folder called more than once
/// adopts only when a call of each gives the same setting (the buckets are the same
/// resource there); otherwise, or when the copy reads what only its module knows, nothing is
/// adopted (F306, as before).
fn bucket_settings(
    tree: &Tree<'_>,
    inputs: &BTreeMap<String, BTreeMap<String, Expression>>,
    facts: &mut BTreeMap<String, Facts>,
) {
    struct Setting<'o> {
        dir: &'o str,
        r: &'o Resource,
        /// The module call `bucket` leaves its module by (`None`: through `var.*`).
        via: Option<&'o str>,
        copy: Resource,
    }
    let origin = tree.origin;
    // (bucket's folder, bucket's address, setting type) → the settings naming it.
    let mut groups: BTreeMap<(&str, String, &str), Vec<Setting<'_>>> = BTreeMap::new();
    let no_inputs = BTreeMap::new();
    for (dir, m) in &origin.modules {
        let eval = Eval::new(m, inputs.get(dir).unwrap_or(&no_inputs), None);
        for r in m.resources.iter().filter(|r| {
            r.mode == Mode::Managed
                && FOLDED_BUCKET_SETTINGS.contains(&r.ty.as_str())
                && !r.meta.is_repeated()
        }) {
            let Some(e) = hclx::attr(&r.body, "bucket") else {
                continue;
            };
            let Some((sdir, bucket, attr)) = tree.resolve_across(dir, e) else {
                continue;
            };
            if bucket.ty != "aws_s3_bucket" || !matches!(attr.as_str(), "id" | "bucket") {
                continue;
            }
            let via = match names(e) {
                Some(("module", p)) => Some(p[0]),
                _ => None,
            };
            let mut read = r.clone();
            for st in read.body.0.iter_mut() {
                if let hcl::Structure::Attribute(a) = st
                    && a.key() == "bucket"
                {
                    a.expr = hclx::path(&["aws_s3_bucket", bucket.name.as_str(), "id"]);
                }
            }
            let set = BTreeSet::from([bucket.address()]);
            let Some(copy) = closed(&read, &set, &eval) else {
                continue;
            };
            groups
                .entry((sdir, bucket.address().to_string(), r.ty.as_str()))
                .or_default()
                .push(Setting {
                    dir: dir.as_str(),
                    r,
                    via,
                    copy,
                });
        }
    }
    for ((sdir, bucket, ty), settings) in groups {
        let Some(sm) = origin.modules.get(sdir) else {
            continue;
        };
        // The bucket's module sets it already: two settings of one kind would fight.
        let own = sm.resources.iter().any(|r| {
            r.mode == Mode::Managed
                && r.ty == ty
                && hclx::attr(&r.body, "bucket").is_some_and(|e| {
                    matches!(names(e), Some(("aws_s3_bucket", p)) if p.len() == 2 && format!("aws_s3_bucket.{}", p[0]) == bucket)
                })
        });
        if own {
            continue;
        }
        let calls: &[(&str, &Named)] = tree.callers.get(sdir).map_or(&[], Vec::as_slice);
        let covered = if sdir.is_empty() || calls.len() <= 1 {
            settings.len() == 1
        } else {
            // One setting through each call, all the same once closed.
            !calls.iter().any(|(_, c)| repeated_call(c))
                && settings.len() == calls.len()
                && calls.iter().all(|(cdir, c)| {
                    settings
                        .iter()
                        .filter(|x| x.dir == *cdir && x.via == Some(c.name.as_str()))
                        .count()
                        == 1
                })
                && settings
                    .iter()
                    .all(|x| x.copy.body == settings[0].copy.body)
        };
        if !covered {
            continue;
        }
        let first = &settings[0];
        let mut copy = first.copy.clone();
        let taken = |name: &str, facts: &BTreeMap<String, Facts>| {
            sm.resources
                .iter()
                .any(|r| r.mode == Mode::Managed && r.ty == ty && r.name == name)
                || facts
                    .get(sdir)
                    .is_some_and(|f| f.adopted.iter().any(|(_, r)| r.ty == ty && r.name == name))
        };
        let base = copy.name.clone();
        let mut i = 2;
        while taken(&copy.name, facts) {
            copy.name = format!("{base}_{i}");
            i += 1;
        }
        let adopter = if sdir.is_empty() { "." } else { sdir };
        let bucket_at = if sdir.is_empty() {
            format!("`{bucket}`")
        } else {
            format!("`{sdir}/{bucket}`")
        };
        let every = if settings.len() > 1 {
            " (every call of that folder sets it alike)"
        } else {
            ""
        };
        for x in &settings {
            facts.entry(x.dir.to_string()).or_default().given.insert(
                x.r.address().to_string(),
                format!(
                    "module folder `{adopter}` adopted it: its bucket {bucket_at} is declared there{every}, and the setting is folded into that Spaces bucket"
                ),
            );
        }
        facts
            .entry(sdir.to_string())
            .or_default()
            .adopted
            .push((first.dir.to_string(), copy));
    }
}

// ---- functions behind APIs of another module -------------------------------------------------

fn functions(tree: &Tree<'_>, facts: &mut BTreeMap<String, Facts>) {
    for (dir, m) in &tree.origin.modules {
        for r in m.resources.iter().filter(|r| r.mode == Mode::Managed) {
            let (key, v1) = match r.ty.as_str() {
                "aws_api_gateway_integration" => ("uri", true),
                "aws_apigatewayv2_integration" => (
                    "integration_uri",
                    hclx::attr(&r.body, "payload_format_version")
                        .and_then(hclx::as_str)
                        .is_some_and(|v| v == "1.0"),
                ),
                _ => continue,
            };
            let Some(e) = hclx::attr(&r.body, key) else {
                continue;
            };
            let Some((sdir, f, attr)) = tree.resolve_across(dir, e) else {
                continue;
            };
            if sdir == dir || f.ty != "aws_lambda_function" || attr != "invoke_arn" {
                continue;
            }
            facts
                .entry(dir.clone())
                .or_default()
                .functions
                .insert(hclx::inline(e), report_addr(sdir, f));
            let theirs = facts.entry(sdir.to_string()).or_default();
            if v1 {
                &mut theirs.event_v1_functions
            } else {
                &mut theirs.event_v2_functions
            }
            .insert(f.address().to_string());
        }
    }
}

// ---- primaries of read replicas of another module (#135) -----------------------------------

/// [`Facts::db_sources`]: read replicas whose `replicate_source_db` reaches, through plain module
/// inputs and outputs, the `arn`, `id` or `identifier` of a primary `aws_db_instance` (itself no
/// replica) of another module.
fn replica_sources(
    tree: &Tree<'_>,
    inputs: &BTreeMap<String, BTreeMap<String, Expression>>,
    facts: &mut BTreeMap<String, Facts>,
) {
    let no_inputs = BTreeMap::new();
    for (dir, m) in &tree.origin.modules {
        for r in m
            .resources
            .iter()
            .filter(|r| r.mode == Mode::Managed && r.ty == "aws_db_instance")
        {
            let Some(e) = hclx::attr(&r.body, "replicate_source_db") else {
                continue;
            };
            let Some((sdir, primary, attr)) = tree.resolve_across(dir, e) else {
                continue;
            };
            if primary.ty != "aws_db_instance"
                || hclx::attr(&primary.body, "replicate_source_db").is_some()
                || !matches!(attr.as_str(), "arn" | "id" | "identifier")
            {
                continue;
            }
            let Some(pm) = tree.origin.modules.get(sdir) else {
                continue;
            };
            let eval = Eval::new(pm, inputs.get(sdir).unwrap_or(&no_inputs), None);
            let value = |k: &str| hclx::attr(&primary.body, k).and_then(|x| eval.string(x));
            let source = DbSource {
                addr: report_addr(sdir, primary),
                attr,
                engine: value("engine"),
                instance_class: value("instance_class"),
            };
            facts
                .entry(dir.clone())
                .or_default()
                .db_sources
                .insert(hclx::inline(e), source);
        }
    }
}

// ---- the Kubernetes cluster of a sibling module (#143) --------------------------------------

/// Registry modules that create a cluster Ferry maps to DOKS, and the output of its name.
const CLUSTER_MODULES: &[&str] = &[
    "terraform-aws-modules/eks/aws",
    "terraform-aws-modules/ecs/aws",
    "terraform-aws-modules/ecs/aws//modules/cluster",
];

/// The cluster a module declares that becomes the stack's DOKS cluster: its report address and
/// the expression of its name there. An EKS cluster first (an ECS cluster beside one runs on
/// it), then a kept DOKS cluster, an ECS cluster, a registry module creating one.
fn cluster_of(dir: &str, m: &origin::Module) -> Option<(String, Expression)> {
    for ty in [
        "aws_eks_cluster",
        "digitalocean_kubernetes_cluster",
        "aws_ecs_cluster",
    ] {
        if let Some(r) = m
            .resources
            .iter()
            .find(|r| r.mode == Mode::Managed && r.ty == ty)
        {
            let name = hclx::path(&[r.ty.as_str(), r.name.as_str(), "name"]);
            return (!r.meta.is_repeated()).then(|| (report_addr(dir, r), name));
        }
    }
    let call = m.module_calls.iter().find(|c| {
        hclx::attr(&c.body, "source")
            .and_then(hclx::as_str)
            .is_some_and(|s| CLUSTER_MODULES.contains(&s))
    })?;
    if repeated_call(call) {
        return None;
    }
    let addr = format!("module.{}", call.name);
    let addr = if dir.is_empty() {
        addr
    } else {
        format!("{dir}/{addr}")
    };
    Some((
        addr,
        hclx::path(&["module", call.name.as_str(), "cluster_name"]),
    ))
}

/// [`Facts::kubernetes_cluster`]: when the root declares no cluster, and exactly one module
/// does, called once from the root, that module outputs
/// the cluster's name (an output that already is it, or `kubernetes_cluster_name`), the root
/// reads it, and the other modules know their Kubernetes objects have a cluster.
fn kubernetes_cluster(tree: &Tree<'_>, facts: &mut BTreeMap<String, Facts>) {
    let Some(root) = tree.origin.modules.get("") else {
        return;
    };
    // A root with its own `provider "kubernetes"` / `"helm"` (reading the module's outputs,
    // or a `data "aws_eks_cluster"` by the name it outputs) gets the same: the providers are
    // wired to the cluster when their connection has no counterpart (`crate::providers`).
    if cluster_of("", root).is_some() {
        return;
    }
    let with: Vec<(&String, String, Expression)> = tree
        .origin
        .modules
        .iter()
        .filter(|(d, _)| !d.is_empty())
        .filter_map(|(d, m)| cluster_of(d, m).map(|(a, n)| (d, a, n)))
        .collect();
    let [(dir, addr, name)] = &with[..] else {
        return;
    };
    let Some(("", call)) = tree.only_call(dir) else {
        return;
    };
    let Some(m) = tree.origin.modules.get(*dir) else {
        return;
    };
    let output = match m.outputs.iter().find(|o| {
        hclx::attr(&o.body, "value") == Some(name) && hclx::attr(&o.body, "sensitive").is_none()
    }) {
        Some(o) => o.name.clone(),
        None => {
            let out = "kubernetes_cluster_name";
            let taken = m.outputs.iter().any(|o| o.name == out)
                || facts
                    .get(*dir)
                    .is_some_and(|f| f.exports.iter().any(|o| o.name == out));
            if taken {
                return;
            }
            let mut body = hcl::Body::default();
            body.0.push(hcl::Structure::Attribute(hcl::Attribute::new(
                "value",
                name.clone(),
            )));
            facts
                .entry(dir.to_string())
                .or_default()
                .exports
                .push(Named {
                    name: out.to_string(),
                    body,
                    loc: call.loc.clone(),
                });
            out.to_string()
        }
    };
    for d in tree.origin.modules.keys().filter(|d| *d != *dir) {
        facts.entry(d.clone()).or_default().kubernetes_cluster = Some(KubeCluster {
            addr: addr.clone(),
            name: d
                .is_empty()
                .then(|| hclx::path(&["module", call.name.as_str(), output.as_str()])),
            call: call.loc.clone(),
        });
    }
}

/// [`Facts::ecs_cluster`]: the stack's one cluster is the root's, or the one
/// [`kubernetes_cluster`] found in a module the root calls; a module with ECS services or task
/// definitions and no cluster of its own runs them there. A service whose `cluster` reads an
/// ECS cluster (of another module) that is not that one keeps its module as it is.
fn ecs_clusters(
    tree: &Tree<'_>,
    inputs: &BTreeMap<String, BTreeMap<String, Expression>>,
    facts: &mut BTreeMap<String, Facts>,
) {
    let Some(root) = tree.origin.modules.get("") else {
        return;
    };
    let stack = match cluster_of("", root) {
        Some((addr, _)) => addr,
        None => {
            let Some(addr) = facts
                .values()
                .find_map(|f| f.kubernetes_cluster.as_ref().map(|k| k.addr.clone()))
            else {
                return;
            };
            addr
        }
    };
    // The folder of the stack's cluster, when `ecs::create_cluster` sizes it.
    let sized_dir = tree
        .origin
        .modules
        .iter()
        .find(|(d, m)| cluster_of(d, m).is_some_and(|(a, _)| a == stack))
        .filter(|(_, m)| sized_by_ecs(m))
        .map(|(d, _)| d.clone());
    for (dir, m) in &tree.origin.modules {
        if dir.is_empty()
            || cluster_of(dir, m).is_some()
            || m.resources.iter().any(|r| r.ty == "aws_eks_cluster")
        {
            continue;
        }
        let services: Vec<&Resource> = m
            .resources
            .iter()
            .filter(|r| r.mode == Mode::Managed && r.ty == "aws_ecs_service")
            .collect();
        let tasks = m
            .resources
            .iter()
            .any(|r| r.mode == Mode::Managed && r.ty == "aws_ecs_task_definition");
        if services.is_empty() && !tasks {
            continue;
        }
        // Where the services' `cluster` leads: the stack's cluster, another, or unknown.
        let mut via = None;
        let mut elsewhere = false;
        for svc in &services {
            let Some(e) = hclx::attr(&svc.body, "cluster") else {
                continue;
            };
            match tree.resolve_across(dir, e) {
                Some((cdir, c, _)) if c.ty == "aws_ecs_cluster" => {
                    if report_addr(cdir, c) == stack {
                        via.get_or_insert_with(|| hclx::inline(e));
                    } else {
                        elsewhere = true;
                    }
                }
                _ => {}
            }
        }
        if elsewhere {
            continue;
        }
        let f = facts.entry(dir.clone()).or_default();
        f.ecs_cluster = Some((stack.clone(), via));
        f.ecs_cluster_sized = sized_dir.is_some();
        // The cluster's module sizes its node pool with these workloads too (#320).
        if let Some(cdir) = &sized_dir {
            let no_inputs = BTreeMap::new();
            let eval = Eval::new(m, inputs.get(dir).unwrap_or(&no_inputs), None);
            let (now, peak, services, tasks) = crate::rules::ecs::module_demand(m, &eval);
            let g = facts.entry(cdir.clone()).or_default();
            let g = g.guests.get_or_insert_with(Guests::default);
            g.modules.push((dir.clone(), services, tasks));
            for (sum, d) in [(&mut g.now, now), (&mut g.peak, peak)] {
                sum.millicores += d.millicores;
                sum.mib += d.mib;
                sum.pod_millicores = sum.pod_millicores.max(d.pod_millicores);
                sum.pod_mib = sum.pod_mib.max(d.pod_mib);
            }
        }
    }
}

/// Does the cluster of module `m` become a DOKS cluster that `ecs::create_cluster` sizes: an
/// ECS cluster resource, not beside an EKS or kept DOKS cluster? (A registry module's cluster
/// is not counted: #355.)
fn sized_by_ecs(m: &origin::Module) -> bool {
    let has = |ty: &str| {
        m.resources
            .iter()
            .any(|r| r.mode == Mode::Managed && r.ty == ty)
    };
    has("aws_ecs_cluster") && !has("aws_eks_cluster") && !has("digitalocean_kubernetes_cluster")
}

// ---- database logins passed to two modules (#147) -------------------------------------------

/// [`Facts::db_logins`]: a module call (not repeated) passing a plain `var.*` / `local.*`
/// reference to an input its module gives, exactly, to the admin password or user name of one
/// database (`master_password = var.master_password`) that does not repeat. The database's
/// module adds a sensitive output of that attribute (`<database>_<attr>`, which its reference
/// pass makes the cluster's `password` / `user`), unless an output already is the input or
/// the attribute. A reference passed to two such inputs is left as it is.
fn db_logins(tree: &Tree<'_>, facts: &mut BTreeMap<String, Facts>) {
    use crate::rules::secrets::{DB_PASSWORDS, DB_USERNAMES};
    for (dir, m) in &tree.origin.modules {
        let mut found: Vec<(DbLogin, String, Option<Named>)> = Vec::new();
        for call in m.module_calls.iter().filter(|c| !repeated_call(c)) {
            let Some(target) = local_target(tree.origin, dir, call) else {
                continue;
            };
            let Some(tm) = tree.origin.modules.get(&target) else {
                continue;
            };
            for a in call.body.attributes() {
                let plain = matches!(names(a.expr()), Some(("var" | "local", p)) if !p.is_empty());
                if !plain {
                    continue;
                }
                let input = hclx::path(&["var", a.key()]);
                let given: Vec<(&Resource, &'static str)> = tm
                    .resources
                    .iter()
                    .filter(|r| r.mode == Mode::Managed && !r.meta.is_repeated())
                    .flat_map(|r| {
                        DB_PASSWORDS
                            .iter()
                            .chain(DB_USERNAMES)
                            .filter(move |(ty, _)| *ty == r.ty)
                            .map(move |(_, attr)| (r, *attr))
                    })
                    .filter(|(r, attr)| hclx::attr(&r.body, attr) == Some(&input))
                    .collect();
                let [(db, attr)] = given[..] else {
                    continue;
                };
                let value = hclx::path(&[db.ty.as_str(), db.name.as_str(), attr]);
                let existing = tm.outputs.iter().find(|o| {
                    hclx::attr(&o.body, "value").is_some_and(|v| *v == input || *v == value)
                });
                let (name, added) = match existing {
                    Some(o) => (o.name.clone(), None),
                    None => {
                        let name = format!("{}_{attr}", db.name);
                        // Added already for another call of the module: the same output.
                        let other = |o: &Named| {
                            o.name == name && hclx::attr(&o.body, "value") != Some(&value)
                        };
                        let taken = crate::rules::sanitize_name(&name) != name
                            || tm.outputs.iter().any(|o| o.name == name)
                            || facts
                                .get(&target)
                                .is_some_and(|f| f.exports.iter().any(other));
                        if taken {
                            continue;
                        }
                        let mut body = hcl::Body::default();
                        body.0.push(hcl::Structure::Attribute(hcl::Attribute::new(
                            "value", value,
                        )));
                        if DB_PASSWORDS.iter().any(|(_, a)| *a == attr) {
                            body.0.push(hcl::Structure::Attribute(hcl::Attribute::new(
                                "sensitive",
                                Expression::Bool(true),
                            )));
                        }
                        let out = Named {
                            name: name.clone(),
                            body,
                            loc: db.loc.clone(),
                        };
                        (name, Some(out))
                    }
                };
                let login = DbLogin {
                    source: hclx::inline(a.expr()),
                    call: call.name.clone(),
                    database: report_addr(&target, db),
                    attr,
                    reads: hclx::path(&["module", call.name.as_str(), name.as_str()]),
                };
                found.push((login, target.clone(), added));
            }
        }
        let sources: Vec<String> = found.iter().map(|(l, _, _)| l.source.clone()).collect();
        for (login, target, out) in found {
            if sources.iter().filter(|s| **s == login.source).count() > 1 {
                continue;
            }
            if let Some(out) = out {
                let tf = facts.entry(target).or_default();
                if !tf.exports.iter().any(|o| o.name == out.name) {
                    tf.exports.push(out);
                }
            }
            facts.entry(dir.clone()).or_default().db_logins.push(login);
        }
    }
}

// ---- a database port written after another module's host (#233) ---------------------------

/// Where a host of another module comes from ([`foreign_host`]).
struct ForeignHost<'o> {
    /// The folder whose call of the database's module reads the output, and that call.
    parent: &'o str,
    db_call: &'o Named,
    /// When the host is a variable: the call of this module (in `parent`) and the variable.
    via: Option<(&'o Named, String)>,
    /// The database's module folder, the output read and the database.
    ddir: String,
    output: &'o Named,
    db: &'o Resource,
}

/// The database `e` (`var.redis_url`, `module.cache.host`), written in module `dir`, is the
/// host of: the caller's argument (or `e` itself) must be `module.m.o` of a module called once,
/// whose output `o` reads a database's host directly.
fn foreign_host<'o>(tree: &Tree<'o>, dir: &str, e: &Expression) -> Option<ForeignHost<'o>> {
    let (root, path) = names(e)?;
    let (parent, via, read) = match (root, path.as_slice()) {
        ("var", [v]) => {
            let (parent, call) = tree.only_call(dir)?;
            let arg = hclx::attr(&call.body, v)?;
            (parent, Some((call, v.to_string())), arg)
        }
        ("module", [_, _]) => (tree.origin.modules.get_key_value(dir)?.0.as_str(), None, e),
        _ => return None,
    };
    let (root, path) = names(read)?;
    let ("module", [m, o]) = (root, path.as_slice()) else {
        return None;
    };
    let pm = tree.origin.modules.get(parent)?;
    let db_call = pm.module_calls.iter().find(|c| c.name == *m)?;
    if repeated_call(db_call) {
        return None;
    }
    let ddir = local_target(tree.origin, parent, db_call)?;
    if ddir == dir {
        return None;
    }
    let dm = tree.origin.modules.get(&ddir)?;
    let output = dm.outputs.iter().find(|x| x.name == *o)?;
    let (ty, name, keys, attr) = hclx::resource_attr(hclx::attr(&output.body, "value")?)?;
    if !keys.is_empty() || !crate::rules::secrets::is_host_attr(ty, attr.as_str()) {
        return None;
    }
    let db = dm.resources.iter().find(|r| {
        r.mode == Mode::Managed && r.ty == ty && r.name == name.as_str() && !r.meta.is_repeated()
    })?;
    Some(ForeignHost {
        parent,
        db_call,
        via,
        ddir,
        output,
        db,
    })
}

/// The port a database listens on in the origin: its `port`, or the engine's default.
fn origin_port(db: &Resource, eval: &Eval) -> Option<u32> {
    match hclx::attr(&db.body, "port") {
        Some(e) => eval
            .number(e)
            .filter(|n| n.fract() == 0.0 && *n > 0.0 && *n < 65536.0)
            .map(|n| n as u32),
        None => {
            let engine = hclx::attr(&db.body, "engine")
                .and_then(|e| eval.string(e))
                .unwrap_or_default();
            crate::rules::secrets::default_port(&db.ty, &engine)
        }
    }
}

/// The port written at the start of `rest` (`:6379/0` → 6379).
fn port_at(rest: &str) -> Option<u32> {
    let digits = rest.strip_prefix(':')?;
    let end = digits
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(digits.len());
    digits[..end].parse().ok()
}

/// An output of the database's module reading `value`: an existing one, or one added (its
/// name, and the output when added). `None` when the name is taken.
fn output_for(
    facts: &BTreeMap<String, Facts>,
    dm: &origin::Module,
    ddir: &str,
    name: String,
    value: &Expression,
    sensitive: bool,
    loc: &crate::source::Loc,
) -> Option<(String, Option<Named>)> {
    let added = facts.get(ddir).map(|f| f.exports.as_slice()).unwrap_or(&[]);
    if let Some(o) = dm
        .outputs
        .iter()
        .chain(added)
        .find(|o| hclx::attr(&o.body, "value") == Some(value))
    {
        return Some((o.name.clone(), None));
    }
    if crate::rules::sanitize_name(&name) != name
        || dm.outputs.iter().chain(added).any(|o| o.name == name)
    {
        return None;
    }
    let mut body = hcl::Body::default();
    body.0.push(hcl::Structure::Attribute(hcl::Attribute::new(
        "value",
        value.clone(),
    )));
    if sensitive {
        body.0.push(hcl::Structure::Attribute(hcl::Attribute::new(
            "sensitive",
            Expression::Bool(true),
        )));
    }
    Some((
        name.clone(),
        Some(Named {
            name,
            body,
            loc: loc.clone(),
        }),
    ))
}

/// [`Facts::foreign_ports`]: in each module, the templates that write a database host of
/// another module (through a plain variable its one caller sets to `module.m.o`, or
/// `module.m.o` itself) followed by that database's origin port (`:6379`). The database's
/// module outputs its `port` (and, for a cache written after `redis://`, its `auth_token`,
/// which the cache rule maps to the `default` user's password); a variable reads them in
/// through the caller.
fn foreign_ports(
    tree: &Tree<'_>,
    inputs: &BTreeMap<String, BTreeMap<String, Expression>>,
    facts: &mut BTreeMap<String, Facts>,
) {
    let no_inputs = BTreeMap::new();
    for (dir, m) in &tree.origin.modules {
        // (where, its location, the host expression, the port after it, after `redis://`)
        let mut seen: Vec<(String, &crate::source::Loc, Expression, u32, bool)> = Vec::new();
        let scan = |e: &Expression| {
            let mut hits = Vec::new();
            hclx::interpolations_between(e, "}:", &mut |before, host, rest| {
                let across = matches!(hclx::traversal_root(host), Some(("var" | "module", _)));
                if let (true, Some(port)) = (across, port_at(rest)) {
                    let redis = before.is_some_and(|b| b.ends_with("redis://"));
                    hits.push((host.clone(), port, redis));
                }
            });
            hits
        };
        for r in &m.resources {
            hclx::walk_body(&r.body, &mut |e| {
                if matches!(e, Expression::TemplateExpr(_)) {
                    for (h, p, redis) in scan(e) {
                        seen.push((r.address().to_string(), &r.loc, h, p, redis));
                    }
                }
            });
        }
        for l in &m.locals {
            for (h, p, redis) in scan(&l.expr) {
                seen.push((format!("local.{}", l.name), &l.loc, h, p, redis));
            }
        }
        for o in &m.outputs {
            for (h, p, redis) in hclx::attr(&o.body, "value").map(scan).unwrap_or_default() {
                seen.push((format!("output.{}", o.name), &o.loc, h, p, redis));
            }
        }
        if seen.is_empty() {
            continue;
        }
        let mut found: Vec<ForeignPort> = Vec::new();
        for (what, loc, host, port, redis) in seen {
            let source = hclx::inline(&host);
            if let Some(f) = found.iter_mut().find(|f| f.source == source) {
                if f.port == port && !f.at.iter().any(|(w, _)| *w == what) {
                    f.at.push((what, loc.clone()));
                }
                continue;
            }
            let Some(h) = foreign_host(tree, dir, &host) else {
                continue;
            };
            let Some(dm) = tree.origin.modules.get(&h.ddir) else {
                continue;
            };
            let eval = Eval::new(dm, inputs.get(&h.ddir).unwrap_or(&no_inputs), None);
            if origin_port(h.db, &eval) != Some(port) {
                continue;
            }
            let cache = h.db.ty.starts_with("aws_elasticache");
            let db_path = |attr: &str| hclx::path(&[h.db.ty.as_str(), h.db.name.as_str(), attr]);
            let Some((port_out, port_added)) = output_for(
                facts,
                dm,
                &h.ddir,
                format!("{}_port", h.output.name),
                &db_path("port"),
                false,
                &h.db.loc,
            ) else {
                continue;
            };
            let mut outs = vec![(port_out, port_added, "port")];
            if cache && redis {
                let Some((pw_out, pw_added)) = output_for(
                    facts,
                    dm,
                    &h.ddir,
                    format!("{}_password", h.output.name),
                    &db_path("auth_token"),
                    true,
                    &h.db.loc,
                ) else {
                    continue;
                };
                outs.push((pw_out, pw_added, "password"));
            }
            // Through a variable: it must be free in this module and as the call's argument.
            let mut reads = Vec::new();
            if let Some((call, var)) = &h.via {
                let free = outs.iter().all(|(_, _, what)| {
                    let n = format!("{var}_{what}");
                    !m.variables.iter().any(|v| v.name == n)
                        && hclx::attr(&call.body, &n).is_none()
                        && crate::rules::sanitize_name(&n) == n
                });
                if !free {
                    continue;
                }
            }
            for (out, added, what) in outs {
                if let Some(added) = added {
                    let df = facts.entry(h.ddir.clone()).or_default();
                    if !df.exports.iter().any(|o| o.name == added.name) {
                        df.exports.push(added);
                    }
                }
                let from_db = hclx::path(&["module", h.db_call.name.as_str(), out.as_str()]);
                match &h.via {
                    Some((call, var)) => {
                        let n = format!("{var}_{what}");
                        let pf = facts.entry(h.parent.to_string()).or_default();
                        let args = pf.call_args.entry(call.name.clone()).or_default();
                        if !args.iter().any(|(k, _)| *k == n) {
                            args.push((n.clone(), from_db));
                        }
                        let mut body = hcl::Body::default();
                        body.0.push(hcl::Structure::Attribute(hcl::Attribute::new(
                            "type",
                            hclx::path(&[if what == "port" { "number" } else { "string" }]),
                        )));
                        if what == "password" {
                            body.0.push(hcl::Structure::Attribute(hcl::Attribute::new(
                                "sensitive",
                                Expression::Bool(true),
                            )));
                        }
                        let df = facts.entry(dir.clone()).or_default();
                        if !df.variables.iter().any(|v| v.name == n) {
                            df.variables.push(Named {
                                name: n.clone(),
                                body,
                                loc: call.loc.clone(),
                            });
                        }
                        reads.push(hclx::path(&["var", n.as_str()]));
                    }
                    None => reads.push(from_db),
                }
            }
            let mut reads = reads.into_iter();
            let Some(port_reads) = reads.next() else {
                continue;
            };
            found.push(ForeignPort {
                source,
                database: report_addr(&h.ddir, h.db),
                port,
                reads: port_reads,
                password: reads.next(),
                at: vec![(what, loc.clone())],
            });
        }
        if !found.is_empty() {
            facts
                .entry(dir.clone())
                .or_default()
                .foreign_ports
                .extend(found);
        }
    }
}

/// Rewrites, in the templates of `e`, the origin port written after a [`ForeignPort`]'s host
/// (`${var.redis_url}:6379` → `${var.redis_url}:${var.redis_url_port}`), and for a cache
/// written after `redis://`, the scheme and login (`rediss://default:${…password}@`).
pub fn read_foreign_ports(e: &mut Expression, ports: &[ForeignPort]) {
    if ports.is_empty() {
        return;
    }
    hclx::rewrite_around_interpolations(e, "}:", &mut |before, host, rest| {
        if !matches!(hclx::traversal_root(host), Some(("var" | "module", _))) {
            return None;
        }
        let source = hclx::inline(host);
        let p = ports.iter().find(|p| p.source == source)?;
        if port_at(rest)? != p.port {
            return None;
        }
        let digits = rest.len()
            - rest[1..]
                .trim_start_matches(|c: char| c.is_ascii_digit())
                .len();
        let mut after = hcl::template::Template::new()
            .add_literal(":")
            .add_interpolation(p.reads.clone());
        if digits < rest.len() {
            after = after.add_literal(&rest[digits..]);
        }
        let login = match (&p.password, before) {
            (Some(pw), Some(b)) if b.ends_with("redis://") => Some(
                hcl::template::Template::new()
                    .add_literal(format!(
                        "{}rediss://{}:",
                        &b[..b.len() - "redis://".len()],
                        crate::facts::db::DoEngine::Valkey.admin_user()
                    ))
                    .add_interpolation(pw.clone())
                    .add_literal("@"),
            ),
            _ => None,
        };
        Some((login, after))
    });
}

// ---- the VPC of another module (#136) ------------------------------------------------------

/// [`Facts::vpc_var`]: for each module without an `aws_vpc`, the variables whose chain of
/// callers ends at one VPC's `id` in another module. Several variables naming one VPC: the
/// first by name (`vpc_id` before others); variables naming different VPCs: none.
fn vpc_vars(tree: &Tree<'_>, facts: &mut BTreeMap<String, Facts>) {
    for (dir, m) in &tree.origin.modules {
        if dir.is_empty() || m.resources.iter().any(|r| r.ty == "aws_vpc") {
            continue;
        }
        let mut found: Vec<(Expression, String)> = Vec::new();
        let mut vars: Vec<&Named> = m.variables.iter().collect();
        vars.sort_by_key(|v| (v.name != "vpc_id", v.name.as_str()));
        for v in vars {
            let e = hclx::path(&["var", v.name.as_str()]);
            if let Some((sdir, vpc, attr)) = tree.resolve_across(dir, &e)
                && vpc.ty == "aws_vpc"
                && attr == "id"
            {
                found.push((e, report_addr(sdir, vpc)));
            }
        }
        // Handed only subnets (`subnet_ids = module.vpc.private_subnet_ids`): the VPC they are
        // in, whose id the emitted stack gives for each subnet's (DigitalOcean VPCs have no
        // subnets), so the variable's first element — or the variable, a single subnet's id —
        // is the VPC's id.
        if found.is_empty() {
            for v in m.variables.iter() {
                let e = hclx::path(&["var", v.name.as_str()]);
                let mut subnets = Vec::new();
                tree.ids_read("aws_subnet", dir, &e, 0, &mut subnets);
                let vpcs: BTreeSet<String> = subnets
                    .iter()
                    .filter_map(|(sdir, subnet)| {
                        let vpc = hclx::attr(&subnet.body, "vpc_id")?;
                        let (vdir, r, attr) = tree.resolve(sdir, vpc, 1)?;
                        (r.ty == "aws_vpc" && attr == "id").then(|| report_addr(vdir, r))
                    })
                    .collect();
                if subnets.is_empty() || vpcs.len() != 1 {
                    continue;
                }
                let first = format!("try(var.{0}[0], var.{0})", v.name)
                    .parse::<Expression>()
                    .unwrap_or(e);
                found.extend(vpcs.into_iter().map(|vpc| (first.clone(), vpc)));
            }
        }
        // Handed the `vpc_id` of a registry `vpc` module its caller expands (`vpc_id =
        // module.vpc.vpc_id`): the VPC that module creates, `aws_vpc.<call>` beside the call.
        if found.is_empty() {
            let mut vars: Vec<&Named> = m.variables.iter().collect();
            vars.sort_by_key(|v| (v.name != "vpc_id", v.name.as_str()));
            found.extend(vars.into_iter().find_map(|v| {
                let vpc = registry_vpc(tree, dir, v.name.as_str(), 0)?;
                Some((hclx::path(&["var", v.name.as_str()]), vpc))
            }));
        }
        let Some((e, vpc)) = found.first().cloned() else {
            continue;
        };
        if found.iter().all(|(_, x)| *x == vpc) {
            facts.entry(dir.clone()).or_default().vpc_var = Some((e, vpc));
        }
    }
}

/// The report address of the VPC a registry `vpc` module call creates, when the variable `var`
/// of module `dir` is given its `vpc_id` (`module.vpc.vpc_id`), directly or through the
/// callers' own variables.
fn registry_vpc(tree: &Tree<'_>, dir: &str, var: &str, hops: usize) -> Option<String> {
    if hops > MAX_HOPS {
        return None;
    }
    let (parent, call) = tree.only_call(dir)?;
    let arg = hclx::attr(&call.body, var)?;
    let (root, path) = names(arg)?;
    match (root, path.as_slice()) {
        ("var", [v]) => registry_vpc(tree, parent, v, hops + 1),
        ("module", [m, "vpc_id"]) => {
            let pm = tree.origin.modules.get(parent)?;
            let vpc_call = pm.module_calls.iter().find(|c| c.name == *m)?;
            if repeated_call(vpc_call) {
                return None;
            }
            let source = hclx::attr(&vpc_call.body, "source").and_then(hclx::as_str)?;
            let (name, sub) = crate::modules::parse_source(source)?;
            if name != "vpc" || sub.is_some() {
                return None;
            }
            let addr = format!("aws_vpc.{}", crate::rules::sanitize_name(m));
            Some(if parent.is_empty() {
                addr
            } else {
                format!("{parent}/{addr}")
            })
        }
        _ => None,
    }
}

// ---- security groups joined from another module -------------------------------------------

/// Arguments of rules (inline blocks and rule resources) that name another group as a source.
const SG_SOURCE_KEYS: &[&str] = &[
    "security_groups",
    "source_security_group_id",
    "referenced_security_group_id",
];

/// A resource joining security groups of another module: its folder, itself, the expression it
/// joins with, and the groups (folder, group) that expression reads.
struct GroupUse<'o> {
    dir: &'o str,
    member: &'o Resource,
    key: String,
    groups: Vec<(&'o str, &'o Resource)>,
}

fn group_uses<'o>(tree: &Tree<'o>) -> Vec<GroupUse<'o>> {
    fn member_exprs<'b>(body: &'b hcl::Body, out: &mut Vec<&'b Expression>) {
        for a in body.attributes() {
            if MEMBER_KEYS.contains(&a.key.as_str()) {
                out.push(&a.expr);
            }
        }
        for b in body.blocks() {
            member_exprs(&b.body, out);
        }
    }
    let mut uses = Vec::new();
    for (dir, m) in &tree.origin.modules {
        for r in m.resources.iter().filter(|r| {
            r.mode == Mode::Managed
                && r.ty.starts_with("aws_")
                && r.ty != "aws_security_group"
                && !RULE_TYPES.contains(&r.ty.as_str())
        }) {
            let mut exprs = Vec::new();
            member_exprs(&r.body, &mut exprs);
            for e in exprs {
                let mut groups = Vec::new();
                tree.groups_read(dir, e, 0, &mut groups);
                groups.retain(|(gdir, _)| *gdir != dir.as_str());
                if !groups.is_empty() {
                    uses.push(GroupUse {
                        dir: dir.as_str(),
                        member: r,
                        key: hclx::inline(e),
                        groups,
                    });
                }
            }
        }
    }
    uses
}

/// Security groups joined from another module (#116's layout: a `security_groups` module whose
/// outputs the root hands to an instance module). The security-group rule writes a group's
/// firewalls only for members beside it, so a group whose members all sit in one other module
/// (and none in its own) is *adopted* there with its rule resources, as load balancers are
/// above: copied into the members' module, closed over its own module's variables and locals,
/// and the members' expression (`var.sg_ids`) made to read the copies. A rule naming a group
/// that is not adopted with it (as a source) then names a group outside that module: the
/// security-group rule allows the appliance's tag instead, with its warning. Any other group
/// joined from another module is listed in [`Facts::foreign_members`], for a warning.
fn security_groups(
    tree: &Tree<'_>,
    inputs: &BTreeMap<String, BTreeMap<String, Expression>>,
    facts: &mut BTreeMap<String, Facts>,
) {
    let uses = group_uses(tree);
    // (group folder, group address) → the folders of its foreign members.
    let mut member_dirs: BTreeMap<(&str, &str), BTreeSet<&str>> = BTreeMap::new();
    for u in &uses {
        for (gdir, g) in &u.groups {
            member_dirs
                .entry((gdir, g.address()))
                .or_default()
                .insert(u.dir);
        }
    }
    // (group folder, members' folder) → the groups to adopt.
    let mut moves: BTreeMap<(&str, &str), Vec<&Resource>> = BTreeMap::new();
    for ((gdir, gaddr), dirs) in &member_dirs {
        let [to] = dirs.iter().copied().collect::<Vec<_>>()[..] else {
            continue;
        };
        let Some(gm) = tree.origin.modules.get(*gdir) else {
            continue;
        };
        let Some(g) = gm.resources.iter().find(|r| r.address() == *gaddr) else {
            continue;
        };
        // Members in its own module (or a local that may name it for them) keep it home: their
        // firewall is written there.
        let home_member = gm.resources.iter().any(|r| {
            r.ty != "aws_security_group"
                && !RULE_TYPES.contains(&r.ty.as_str())
                && body_reads(&r.body, g)
        }) || gm.locals.iter().any(|l| reads(&l.expr, g));
        let called_once = |d: &str| d.is_empty() || tree.only_call(d).is_some();
        if home_member || g.meta.is_repeated() || !called_once(gdir) || !called_once(to) {
            continue;
        }
        moves.entry((gdir, to)).or_default().push(g);
    }
    let mut adopted_groups: BTreeSet<(String, String)> = BTreeSet::new();
    for ((gdir, to), groups) in moves {
        let (Some(gm), Some(tm)) = (tree.origin.modules.get(gdir), tree.origin.modules.get(to))
        else {
            continue;
        };
        let mut set: Vec<&Resource> = groups.clone();
        for r in gm.resources.iter().filter(|r| {
            r.mode == Mode::Managed
                && RULE_TYPES.contains(&r.ty.as_str())
                && hclx::attr(&r.body, "security_group_id")
                    .is_some_and(|e| groups.iter().any(|g| reads(e, g)))
        }) {
            set.push(r);
        }
        let taken = |r: &Resource| {
            tm.resources
                .iter()
                .any(|d| d.mode == Mode::Managed && d.address() == r.address())
                || facts
                    .get(to)
                    .is_some_and(|f| f.adopted.iter().any(|(_, a)| a.address() == r.address()))
        };
        if set.iter().any(|r| r.meta.is_repeated() || taken(r)) {
            continue;
        }
        let no_inputs = BTreeMap::new();
        let eval = Eval::new(gm, inputs.get(gdir).unwrap_or(&no_inputs), None);
        let addrs: BTreeSet<&str> = set.iter().map(|r| r.address()).collect();
        let Some(copies) = set
            .iter()
            .map(|r| closed(&outside_sources(r, &addrs, gdir), &addrs, &eval))
            .collect::<Option<Vec<_>>>()
        else {
            continue;
        };
        let members: BTreeSet<String> = uses
            .iter()
            .filter(|u| {
                u.dir == to
                    && u.groups
                        .iter()
                        .any(|(d, g)| *d == gdir && addrs.contains(g.address()))
            })
            .map(|u| format!("`{}`", report_addr(to, u.member)))
            .collect();
        let reason = format!(
            "module folder `{}` adopted it: its members ({}) are declared there, where DigitalOcean firewalls can name them",
            if to.is_empty() { "." } else { to },
            members.into_iter().collect::<Vec<_>>().join(", "),
        );
        let gf = facts.entry(gdir.to_string()).or_default();
        for r in &set {
            gf.given.insert(r.address().to_string(), reason.clone());
        }
        for g in &groups {
            adopted_groups.insert((gdir.to_string(), g.address().to_string()));
        }
        let tf = facts.entry(to.to_string()).or_default();
        tf.adopted
            .extend(copies.into_iter().map(|r| (gdir.to_string(), r)));
        for u in uses.iter().filter(|u| u.dir == to) {
            let ids: Vec<Expression> = u
                .groups
                .iter()
                .filter(|(d, g)| *d == gdir && groups.iter().any(|x| std::ptr::eq(*x, *g)))
                .map(|(_, g)| hclx::path(&[g.ty.as_str(), g.name.as_str(), "id"]))
                .collect();
            if !ids.is_empty() {
                tf.sg_reads
                    .entry(u.member.address().to_string())
                    .or_default()
                    .push((u.key.clone(), ids));
            }
        }
    }
    foreign_sources(tree, facts);
    for u in &uses {
        for (gdir, g) in &u.groups {
            if adopted_groups.contains(&(gdir.to_string(), g.address().to_string())) {
                continue;
            }
            let members = facts
                .entry(gdir.to_string())
                .or_default()
                .foreign_members
                .entry(g.address().to_string())
                .or_default();
            let member = report_addr(u.dir, u.member);
            if !members.contains(&member) {
                members.push(member);
            }
        }
    }
}

/// [`Facts::foreign_sources`]: rules (inline blocks and rule resources) naming groups of
/// another module as their source.
fn foreign_sources(tree: &Tree<'_>, facts: &mut BTreeMap<String, Facts>) {
    for (dir, m) in &tree.origin.modules {
        let mut exprs: Vec<&Expression> = Vec::new();
        for r in m.resources.iter().filter(|r| r.mode == Mode::Managed) {
            if r.ty == "aws_security_group" {
                for b in r
                    .body
                    .blocks()
                    .filter(|b| matches!(b.identifier(), "ingress" | "egress"))
                {
                    exprs.extend(hclx::attr(&b.body, "security_groups"));
                }
            } else if RULE_TYPES.contains(&r.ty.as_str()) {
                for k in SG_SOURCE_KEYS {
                    exprs.extend(hclx::attr(&r.body, k));
                }
            }
        }
        let mut found: Vec<(String, Vec<String>)> = Vec::new();
        let mut record = |e: &Expression| {
            let mut groups = Vec::new();
            tree.groups_read(dir, e, 0, &mut groups);
            groups.retain(|(gdir, _)| *gdir != dir.as_str());
            if !groups.is_empty() {
                let addrs = groups.iter().map(|(d, g)| report_addr(d, g)).collect();
                found.push((hclx::inline(e), addrs));
            }
        };
        for e in exprs {
            record(e);
            if let Expression::Array(items) = e {
                items.iter().for_each(&mut record);
            }
        }
        if !found.is_empty() {
            facts
                .entry(dir.clone())
                .or_default()
                .foreign_sources
                .extend(found);
        }
    }
}

/// A copy of `r` whose rules name groups of its module that are not adopted with it (`set`) by
/// their report address, a string: outside the adopting module they are not the stack's groups
/// (the security-group rule allows the appliance's tag for them, with a warning).
fn outside_sources(r: &Resource, set: &BTreeSet<&str>, dir: &str) -> Resource {
    let mut copy = r.clone();
    fn visit(body: &mut hcl::Body, set: &BTreeSet<&str>, dir: &str) {
        for s in body.0.iter_mut() {
            match s {
                hcl::Structure::Attribute(a) if SG_SOURCE_KEYS.contains(&a.key.as_str()) => {
                    hclx::walk_mut(&mut a.expr, &mut |x| {
                        if let Some(("aws_security_group", [Op::GetAttr(n), ..])) =
                            hclx::traversal_root(x)
                        {
                            let addr = format!("aws_security_group.{}", n.as_str());
                            if !set.contains(addr.as_str()) {
                                *x = Expression::String(if dir.is_empty() {
                                    addr
                                } else {
                                    format!("{dir}/{addr}")
                                });
                            }
                            return false;
                        }
                        true
                    });
                }
                hcl::Structure::Attribute(_) => {}
                hcl::Structure::Block(b) => visit(&mut b.body, set, dir),
            }
        }
    }
    visit(&mut copy.body, set, dir);
    copy
}

/// Makes a member's joining expression (`vpc_security_group_ids = var.sg_ids`, at any depth)
/// also read the groups adopted for it ([`Facts::sg_reads`]), so the security-group rule sees
/// it join them.
pub fn read_adopted_groups(body: &mut hcl::Body, reads: &[(String, Vec<Expression>)]) {
    for s in body.0.iter_mut() {
        match s {
            hcl::Structure::Attribute(a) if MEMBER_KEYS.contains(&a.key.as_str()) => {
                let key = hclx::inline(&a.expr);
                // Groups of several modules may be adopted for one expression.
                let ids: Vec<Expression> = reads
                    .iter()
                    .filter(|(k, _)| *k == key)
                    .flat_map(|(_, ids)| ids.iter().cloned())
                    .collect();
                if !ids.is_empty() {
                    let mut f = hcl::expr::FuncCall::new(hcl::Identifier::unchecked("concat"));
                    f.args = vec![a.expr.clone(), Expression::Array(ids)];
                    a.expr = Expression::FuncCall(Box::new(f));
                }
            }
            hcl::Structure::Attribute(_) => {}
            hcl::Structure::Block(b) => read_adopted_groups(&mut b.body, reads),
        }
    }
}

impl<'o> Tree<'o> {
    /// The security groups (their module folder and resource) whose `id` a list of groups
    /// written in module `dir` holds (see [`Tree::ids_read`]).
    fn groups_read(
        &self,
        dir: &str,
        e: &Expression,
        hops: usize,
        out: &mut Vec<(&'o str, &'o Resource)>,
    ) {
        self.ids_read("aws_security_group", dir, e, hops, out);
    }

    /// The resources of type `ty` (their module folder and resource) whose `id` a list written
    /// in module `dir` holds, through list literals, `concat`/`compact`/`flatten`/`tolist`/
    /// `toset`/`distinct`, splats and indexes of repeated resources (`aws_subnet.private[*].id`),
    /// locals, and plain module inputs and outputs.
    fn ids_read(
        &self,
        ty: &str,
        dir: &str,
        e: &Expression,
        hops: usize,
        out: &mut Vec<(&'o str, &'o Resource)>,
    ) {
        if hops > MAX_HOPS {
            return;
        }
        let Some((dir, module)) = self.origin.modules.get_key_value(dir) else {
            return;
        };
        match e {
            Expression::Array(items) => {
                for i in items {
                    self.ids_read(ty, dir, i, hops, out);
                }
                return;
            }
            Expression::FuncCall(f)
                if matches!(
                    f.name.name.as_str(),
                    "concat" | "compact" | "flatten" | "tolist" | "toset" | "distinct"
                ) =>
            {
                for a in &f.args {
                    self.ids_read(ty, dir, a, hops, out);
                }
                return;
            }
            _ => {}
        }
        // `aws_subnet.private[*].id`, `aws_subnet.private[0].id`: a repeated resource's ids.
        // A resource of the module the expression was written in is not another module's: only
        // a chain that left it (`hops > 0`) looks it up (a 10,000-resource module would
        // otherwise scan itself for each expression).
        if let Some((root, ops)) = hclx::traversal_root(e)
            && root == ty
            && hops > 0
            && let [Op::GetAttr(name), middle @ .., Op::GetAttr(attr)] = ops
            && attr.as_str() == "id"
            && middle.iter().all(|o| {
                matches!(
                    o,
                    Op::Index(_) | Op::LegacyIndex(_) | Op::AttrSplat | Op::FullSplat
                )
            })
        {
            if let Some(r) = module
                .resources
                .iter()
                .find(|r| r.mode == Mode::Managed && r.ty == ty && r.name == name.as_str())
                && !out
                    .iter()
                    .any(|(d, x)| *d == dir.as_str() && x.address() == r.address())
            {
                out.push((dir.as_str(), r));
            }
            return;
        }
        let Some((root, path)) = names(e) else {
            return;
        };
        match (root, path.as_slice()) {
            ("var", [v]) => {
                if let Some((parent, call)) = self.only_call(dir)
                    && let Some(arg) = hclx::attr(&call.body, v)
                {
                    self.ids_read(ty, parent, arg, hops + 1, out);
                }
            }
            ("local", [l]) if hops > 0 => {
                if let Some(local) = module.locals.iter().find(|x| x.name == *l) {
                    self.ids_read(ty, dir, &local.expr, hops + 1, out);
                }
            }
            ("module", [m, o]) => {
                let Some(call) = module.module_calls.iter().find(|c| c.name == *m) else {
                    return;
                };
                if repeated_call(call) {
                    return;
                }
                let Some(target) = local_target(self.origin, dir, call) else {
                    return;
                };
                let Some((target, tm)) = self.origin.modules.get_key_value(&target) else {
                    return;
                };
                if let Some(value) = tm
                    .outputs
                    .iter()
                    .find(|x| x.name == *o)
                    .and_then(|out| hclx::attr(&out.body, "value"))
                {
                    self.ids_read(ty, target, value, hops + 1, out);
                }
            }
            _ => {}
        }
    }
}

// ---- load balancers of ECS services (#44) ---------------------------------------------------

/// Whether `e` reads resource `r` (`r.ty.r.name…`).
fn reads(e: &Expression, r: &Resource) -> bool {
    let mut hit = false;
    hclx::walk(e, &mut |x| {
        if let Some((root, [Op::GetAttr(n), ..])) = hclx::traversal_root(x) {
            hit |= root == r.ty && n.as_str() == r.name;
        }
    });
    hit
}

fn body_reads(body: &hcl::Body, r: &Resource) -> bool {
    let mut hit = false;
    hclx::walk_body(body, &mut |x| hit |= reads(x, r));
    hit
}

fn any_reads(r: &Resource, targets: &[&Resource]) -> bool {
    targets.iter().any(|t| {
        body_reads(&r.body, t)
            || [&r.meta.count, &r.meta.for_each, &r.meta.depends_on]
                .into_iter()
                .flatten()
                .any(|e| reads(e, t))
    })
}

/// Load balancers split between adopting modules (#264): (folder, address) → each share's
/// adopting folder, its services and its listener ports.
type Splits = BTreeMap<(String, String), Vec<(String, Vec<String>, Vec<String>)>>;

/// A service's registration to adopt: (service address, variable, target group).
struct Wanted<'o> {
    svc: String,
    var: String,
    tg: &'o Resource,
}

/// Plans the adoptions; returns the caller reads redirected to adopted load balancers'
/// addresses (`Tree::reexported`).
fn adoptions<'o>(
    tree: &Tree<'o>,
    inputs: &BTreeMap<String, BTreeMap<String, Expression>>,
    facts: &mut BTreeMap<String, Facts>,
) -> BTreeMap<(String, String), (&'o str, &'o Resource)> {
    let origin = tree.origin;
    let mut reexported = BTreeMap::new();
    let mut given: BTreeSet<(String, String)> = BTreeSet::new();
    // Load balancers split between adopting modules (#264): (folder, address) → the listeners
    // that went to each adopter (adopter folder, services, listener ports).
    let mut split: Splits = BTreeMap::new();
    // Adopting folder → source folder → what its services register with there. Both modules
    // are called once (or are the root): the adopted resources are then one instance each,
    // for one instance of the service.
    let all: BTreeMap<&str, BTreeMap<&str, Vec<Wanted<'o>>>> = origin
        .modules
        .iter()
        .filter(|(dir, _)| dir.is_empty() || tree.only_call(dir).is_some())
        .map(|(dir, m)| (dir.as_str(), wanted_of(tree, dir, m)))
        .collect();
    for dir in origin.modules.keys() {
        let Some(wanted) = all.get(dir.as_str()) else {
            continue;
        };
        for (&sdir, want) in wanted {
            if !sdir.is_empty() && tree.only_call(sdir).is_none() {
                continue;
            }
            let Some(sm) = origin.modules.get(sdir) else {
                continue;
            };
            let no_inputs = BTreeMap::new();
            let eval = Eval::new(sm, inputs.get(sdir).unwrap_or(&no_inputs), None);
            // The target groups other modules' services register in there (#264).
            let others: Vec<&Resource> = all
                .iter()
                .filter(|(d, _)| **d != dir.as_str())
                .filter_map(|(_, w)| w.get(sdir))
                .flatten()
                .map(|w| w.tg)
                .collect();
            let (set, shared) = match adoptable(tree, dir, sdir, want, &given, &eval) {
                Some(set) => (set, None),
                None if !others.is_empty() => {
                    match adoptable_split(tree, dir, sdir, want, &others, &given, &split) {
                        Some((set, lbs)) => (set, Some(lbs)),
                        None => continue,
                    }
                }
                None => continue,
            };
            // Two adopted resources of one address (`aws_lb.app` of two modules) would collide.
            let taken = facts.get(dir.as_str()).is_some_and(|f| {
                f.adopted
                    .iter()
                    .any(|(_, a)| set.iter().any(|r| r.address() == a.address()))
            });
            if taken {
                continue;
            }
            let addrs: BTreeSet<&str> = set.iter().map(|r| r.address()).collect();
            // A listener (rule, certificate) toggled by `count` is adopted with the count its
            // module gives it; one that count leaves out is given away and not copied.
            let Some(copies) = set
                .iter()
                .filter(|r| known_count(r, &eval) != Some(0))
                .map(|r| {
                    let mut copy = closed(r, &addrs, &eval)?;
                    if let Some(n) = known_count(r, &eval) {
                        copy.meta.count = Some(Expression::Number(n.into()));
                    }
                    if shared.is_some() && LB_TYPES.contains(&r.ty.as_str()) {
                        split_name(&mut copy, dir);
                    }
                    Some(copy)
                })
                .collect::<Option<Vec<_>>>()
            else {
                continue;
            };
            let services: BTreeSet<&str> = want.iter().map(|w| w.svc.as_str()).collect();
            let services: Vec<String> = services
                .iter()
                .map(|s| {
                    if dir.is_empty() {
                        format!("`{s}`")
                    } else {
                        format!("`{dir}/{s}`")
                    }
                })
                .collect();
            let reason = format!(
                "module folder `{}` adopted it: {} registers in its target group, and it is mapped there with the service (a Service of type LoadBalancer), which this module cannot read",
                if dir.is_empty() { "." } else { dir.as_str() },
                services.join(", "),
            );
            if let Some(lbs) = &shared {
                let ports: Vec<String> = set
                    .iter()
                    .filter(|r| LISTENER_TYPES.contains(&r.ty.as_str()))
                    .map(|l| {
                        hclx::attr(&l.body, "port")
                            .map(|e| {
                                eval.string(e)
                                    .unwrap_or_else(|| format!("`{}`", hclx::inline(e)))
                            })
                            .unwrap_or_else(|| format!("`{}`", l.address()))
                    })
                    .collect();
                for lb in lbs {
                    split
                        .entry((sdir.to_string(), lb.address().to_string()))
                        .or_default()
                        .push((dir.clone(), services.clone(), ports.clone()));
                }
            }
            let sf = facts.entry(sdir.to_string()).or_default();
            for r in &set {
                given.insert((sdir.to_string(), r.address().to_string()));
                let why = if known_count(r, &eval) == Some(0) {
                    format!(
                        "its `count` ({}) is 0 with the inputs its module is given, so it is never created; module folder `{}` adopted the rest of its load balancer",
                        r.meta.count.as_ref().map(hclx::inline).unwrap_or_default(),
                        if dir.is_empty() { "." } else { dir.as_str() },
                    )
                } else {
                    reason.clone()
                };
                sf.given.insert(r.address().to_string(), why);
            }
            let df = facts.entry(dir.clone()).or_default();
            for w in want {
                let arn = hclx::path(&[w.tg.ty.as_str(), w.tg.name.as_str(), "arn"]);
                df.tg_vars
                    .entry(w.svc.clone())
                    .or_default()
                    .push((w.var.clone(), arn));
            }
            df.adopted
                .extend(copies.into_iter().map(|r| (sdir.to_string(), r)));
            // A load balancer split between modules has no one address to read.
            if shared.is_none() {
                reexport(tree, dir, sdir, &set, facts, &mut reexported);
            }
        }
    }
    // Split load balancers: one warning in their module naming where each listener went.
    for ((sdir, lb), parts) in split {
        let shares: Vec<String> = parts
            .iter()
            .map(|(dir, services, ports)| {
                format!(
                    "port(s) {} to module folder `{}` ({})",
                    ports.join(", "),
                    if dir.is_empty() { "." } else { dir.as_str() },
                    services.join(", ")
                )
            })
            .collect();
        let why = format!(
            "its target groups are registered from {} modules, so it is split between them: {}; each module maps its share with its services as a Service of type LoadBalancer, a DigitalOcean load balancer of its own (named after this one and the module), so the appliance has {} load balancers and addresses where AWS had one; what read this load balancer here reads `null`",
            parts.len(),
            shares.join("; "),
            parts.len(),
        );
        let sf = facts.entry(sdir).or_default();
        sf.given.insert(lb.clone(), why.clone());
        sf.split.insert(lb, why);
    }
    reexported
}

/// What module `dir`'s services register with in other modules' target groups, by source
/// folder (see [`adoptions`]).
fn wanted_of<'o>(
    tree: &Tree<'o>,
    dir: &str,
    m: &'o origin::Module,
) -> BTreeMap<&'o str, Vec<Wanted<'o>>> {
    let mut wanted: BTreeMap<&str, Vec<Wanted<'_>>> = BTreeMap::new();
    for svc in m
        .resources
        .iter()
        .filter(|r| r.mode == Mode::Managed && r.ty == "aws_ecs_service")
    {
        if svc.meta.is_repeated() {
            continue;
        }
        for b in svc
            .body
            .blocks()
            .filter(|b| b.identifier() == "load_balancer")
        {
            let Some(e) = hclx::attr(&b.body, "target_group_arn") else {
                continue;
            };
            let v = match names(e) {
                Some(("var", p)) if p.len() == 1 => p[0].to_string(),
                _ => continue,
            };
            let Some((sdir, tg, attr)) = tree.resolve_across(dir, e) else {
                continue;
            };
            if sdir != dir
                && TG_TYPES.contains(&tg.ty.as_str())
                && matches!(attr.as_str(), "arn" | "id")
            {
                wanted.entry(sdir).or_default().push(Wanted {
                    svc: svc.address().to_string(),
                    var: v,
                    tg,
                });
            }
        }
    }
    wanted
}

/// The name of a split load balancer's copy in module `dir`: its own, with the module
/// folder's last segment after it (two DigitalOcean load balancers of one name collide).
fn split_name(copy: &mut Resource, dir: &str) {
    let seg = dir.rsplit('/').next().unwrap_or(dir);
    if seg.is_empty() {
        return;
    }
    let suffix = crate::rules::k8s::dns_label(seg, "lb");
    let name = match hclx::attr(&copy.body, "name") {
        Some(Expression::String(n)) => Expression::String(format!("{n}-{suffix}")),
        Some(e) => hclx::template(format!("{}-{suffix}", hclx::to_template_part(e))),
        None => Expression::String(format!(
            "{}-{suffix}",
            crate::rules::k8s::dns_label(&copy.name, "lb")
        )),
    };
    copy.body.0.retain(|st| {
        !matches!(st, hcl::Structure::Attribute(a) if matches!(a.key.as_str(), "name" | "name_prefix"))
    });
    copy.body
        .0
        .push(hcl::Structure::Attribute(hcl::Attribute::new("name", name)));
}

/// The outputs of the giving module `sdir` that are a plain `aws_lb.x.dns_name` of a load
/// balancer module `dir` adopted (`set`) are read, by the module that calls both, from an
/// output module `dir` adds for it (`<call of sdir>_<output>`, the Service's load-balancer IP
/// once its reference pass rewrites it), or, when `dir` itself calls `sdir`, from the
/// adopted load balancer. Nothing when the two modules are not called from one folder or a
/// name is taken.
fn reexport<'o>(
    tree: &Tree<'o>,
    dir: &str,
    sdir: &'o str,
    set: &[&'o Resource],
    facts: &mut BTreeMap<String, Facts>,
    reexported: &mut BTreeMap<(String, String), (&'o str, &'o Resource)>,
) {
    let Some((parent, lb_call)) = tree.only_call(sdir) else {
        return;
    };
    // The adopting module's call in the parent, or `None` when the parent adopted.
    let adopter_call = if parent == dir {
        None
    } else {
        match tree.only_call(dir) {
            Some((p, c)) if p == parent => Some(c),
            _ => return,
        }
    };
    let (Some(sm), Some(dm)) = (tree.origin.modules.get(sdir), tree.origin.modules.get(dir)) else {
        return;
    };
    for out in &sm.outputs {
        if hclx::attr(&out.body, "sensitive").is_some() {
            continue;
        }
        let Some((ty, path)) = hclx::attr(&out.body, "value").and_then(names) else {
            continue;
        };
        let Some(lb) = set.iter().copied().find(|r| {
            LB_TYPES.contains(&r.ty.as_str())
                && r.ty == ty
                && matches!(path.as_slice(), [n, "dns_name"] if *n == r.name)
        }) else {
            continue;
        };
        let read = format!("module.{}.{}", lb_call.name, out.name);
        let instead = match adopter_call {
            None => hclx::path(&[lb.ty.as_str(), lb.name.as_str(), "dns_name"]),
            Some(call) => {
                let name = format!("{}_{}", lb_call.name, out.name);
                // A name Terraform 0.11 allowed (`output "DNS Name"`) is renamed when emitted.
                let taken = crate::rules::sanitize_name(&name) != name
                    || dm.outputs.iter().any(|o| o.name == name)
                    || facts
                        .get(dir)
                        .is_some_and(|f| f.exports.iter().any(|o| o.name == name));
                if taken {
                    continue;
                }
                let mut body = hcl::Body::default();
                body.0.push(hcl::Structure::Attribute(hcl::Attribute::new(
                    "value",
                    hclx::path(&[lb.ty.as_str(), lb.name.as_str(), "dns_name"]),
                )));
                facts
                    .entry(dir.to_string())
                    .or_default()
                    .exports
                    .push(Named {
                        name: name.clone(),
                        body,
                        loc: out.loc.clone(),
                    });
                hclx::path(&["module", call.name.as_str(), name.as_str()])
            }
        };
        if let Some(why) = facts
            .get_mut(sdir)
            .and_then(|f| f.given.get_mut(lb.address()))
        {
            why.push_str(&format!(
                "; `{read}` of {} reads `{}` instead",
                if parent.is_empty() {
                    "the root module".to_string()
                } else {
                    format!("`{parent}`")
                },
                hclx::inline(&instead)
            ));
        }
        facts
            .entry(parent.to_string())
            .or_default()
            .module_reads
            .insert(read.clone(), instead);
        reexported.insert((parent.to_string(), read), (sdir, lb));
    }
}

// ---- load balancer addresses (alias records) ------------------------------------------------

/// Alias targets and CNAME values of Route 53 records that reach the `dns_name` of a load
/// balancer of another local module, which the emitted stack reads as its IPv4 address: the
/// module's output of `aws_lb.x.dns_name` becomes the `digitalocean_loadbalancer`'s `ip` (or,
/// when a service of that module absorbed it, its Service's load-balancer IP), or the output
/// the adopting module added for it ([`reexport`]).
fn lb_ips(
    tree: &Tree<'_>,
    inputs: &BTreeMap<String, BTreeMap<String, Expression>>,
    facts: &mut BTreeMap<String, Facts>,
) {
    let no_inputs = BTreeMap::new();
    let mut found: Vec<(String, String, String)> = Vec::new();
    for (dir, m) in &tree.origin.modules {
        for r in m
            .resources
            .iter()
            .filter(|r| r.mode == Mode::Managed && r.ty == "aws_route53_record")
        {
            let aliases = hclx::blocks(&r.body, "alias");
            let mut candidates: Vec<&Expression> = aliases
                .iter()
                .filter_map(|a| hclx::attr(a, "name"))
                .collect();
            if let Some(Expression::Array(items)) = hclx::attr(&r.body, "records")
                && let [item] = items.as_slice()
            {
                candidates.push(item);
            }
            for e in candidates {
                let Some((ldir, lb, attr)) = tree.resolve_across(dir, e) else {
                    continue;
                };
                if ldir == dir.as_str() {
                    continue;
                }
                let given = facts
                    .get(ldir)
                    .is_some_and(|f| f.given.contains_key(lb.address()));
                let ok = match attr.as_str() {
                    REEXPORTED_IP => true,
                    "dns_name" if !given && lb.ty == "aws_elb" => true,
                    "dns_name" if !given && LB_TYPES.contains(&lb.ty.as_str()) => {
                        // Gateway load balancers do not map (`rules::lb`).
                        match hclx::attr(&lb.body, "load_balancer_type") {
                            None => true,
                            Some(t) => tree.origin.modules.get(ldir).is_some_and(|lm| {
                                let eval =
                                    Eval::new(lm, inputs.get(ldir).unwrap_or(&no_inputs), None);
                                matches!(eval.string(t).as_deref(), Some("application" | "network"))
                            }),
                        }
                    }
                    _ => false,
                };
                if !ok {
                    continue;
                }
                let mut read = e.clone();
                if let Some(f) = facts.get(dir.as_str()) {
                    redirect(&mut read, &f.module_reads);
                }
                found.push((dir.clone(), hclx::inline(&read), report_addr(ldir, lb)));
            }
        }
    }
    for (dir, read, lb) in found {
        facts.entry(dir).or_default().lb_ips.insert(read, lb);
    }
}

/// Replaces the reads of `module.m.o` that [`Facts::module_reads`] redirects.
pub fn redirect(e: &mut Expression, reads: &BTreeMap<String, Expression>) {
    if reads.is_empty() {
        return;
    }
    hclx::walk_mut(e, &mut |x| {
        let hit = match names(x) {
            Some(("module", p)) if p.len() >= 2 => {
                reads.get(&format!("module.{}.{}", p[0], p[1])).map(|to| {
                    let mut to = to.clone();
                    if let (Expression::Traversal(t), Some(rest)) = (&mut to, p.get(2..)) {
                        t.operators.extend(
                            rest.iter()
                                .map(|n| Op::GetAttr(hcl::Identifier::unchecked(*n))),
                        );
                    }
                    to
                })
            }
            _ => None,
        };
        match hit {
            Some(to) => {
                *x = to;
                false
            }
            None => true,
        }
    });
}

/// The module as this module's compile reads it: its reads of other modules' outputs
/// redirected ([`Facts::module_reads`]) and the outputs it adds ([`Facts::exports`]); `None`
/// when the facts change nothing.
pub fn apply(module: &origin::Module, facts: &Facts) -> Option<origin::Module> {
    if facts.module_reads.is_empty()
        && facts.exports.is_empty()
        && facts.foreign_ports.is_empty()
        && facts.variables.is_empty()
        && facts.call_args.is_empty()
    {
        return None;
    }
    let mut m = module.clone();
    let reads = &facts.module_reads;
    let body = |b: &mut hcl::Body| {
        hclx::walk_body_mut(b, &mut |x| {
            redirect(x, reads);
            false
        })
    };
    for r in &mut m.resources {
        body(&mut r.body);
        for x in [
            &mut r.meta.count,
            &mut r.meta.for_each,
            &mut r.meta.depends_on,
        ]
        .into_iter()
        .flatten()
        {
            redirect(x, reads);
        }
    }
    for l in &mut m.locals {
        redirect(&mut l.expr, reads);
    }
    for n in m
        .outputs
        .iter_mut()
        .chain(m.module_calls.iter_mut())
        .chain(m.providers.iter_mut())
    {
        body(&mut n.body);
    }
    m.outputs.extend(facts.exports.iter().cloned());
    // A database port of another module's host (#233).
    let ports = &facts.foreign_ports;
    if !ports.is_empty() {
        for r in &mut m.resources {
            hclx::walk_body_mut(&mut r.body, &mut |x| {
                read_foreign_ports(x, ports);
                false
            });
        }
        for l in &mut m.locals {
            read_foreign_ports(&mut l.expr, ports);
        }
        for o in &mut m.outputs {
            hclx::walk_body_mut(&mut o.body, &mut |x| {
                read_foreign_ports(x, ports);
                false
            });
        }
    }
    m.variables.extend(facts.variables.iter().cloned());
    for c in &mut m.module_calls {
        for (k, v) in facts.call_args.get(&c.name).into_iter().flatten() {
            if hclx::attr(&c.body, k).is_none() {
                c.body.0.push(hcl::Structure::Attribute(hcl::Attribute::new(
                    k.clone(),
                    v.clone(),
                )));
            }
        }
    }
    Some(m)
}

/// The resources of module `sdir` that module `dir` adopts for `want`: the load balancers whose
/// listeners forward to the wanted target groups, with all their listeners, listener rules,
/// listener certificates and target groups. `None` when adoption is not sound (module doc).
fn adoptable<'o>(
    tree: &Tree<'o>,
    dir: &str,
    sdir: &str,
    want: &[Wanted<'o>],
    given: &BTreeSet<(String, String)>,
    eval: &Eval,
) -> Option<Vec<&'o Resource>> {
    let sm = tree.origin.modules.get(sdir)?;
    let dm = tree.origin.modules.get(dir)?;
    // The giving module's own ECS services would claim its load balancers there.
    if sm.resources.iter().any(|r| r.ty == "aws_ecs_service") {
        return None;
    }
    let of = |types: &[&str]| -> Vec<&'o Resource> {
        sm.resources
            .iter()
            .filter(|r| r.mode == Mode::Managed && types.contains(&r.ty.as_str()))
            .collect()
    };
    let tgs: Vec<&Resource> = want.iter().map(|w| w.tg).collect();
    let listeners = of(LISTENER_TYPES);
    let rules = of(LISTENER_RULE_TYPES);
    // Load balancers with a listener (or a rule of one) forwarding to a wanted group.
    let mut lbs: Vec<&Resource> = Vec::new();
    for l in &listeners {
        let forwards = any_reads(l, &tgs)
            || rules.iter().any(|lr| {
                hclx::attr(&lr.body, "listener_arn").is_some_and(|e| reads(e, l))
                    && any_reads(lr, &tgs)
            });
        if !forwards {
            continue;
        }
        let lb = hclx::attr(&l.body, "load_balancer_arn").and_then(|e| {
            sm.resources
                .iter()
                .find(|r| LB_TYPES.contains(&r.ty.as_str()) && reads(e, r))
        })?;
        if !lbs.iter().any(|x| std::ptr::eq(*x, lb)) {
            lbs.push(lb);
        }
    }
    if lbs.is_empty() {
        return None;
    }
    let mut set: Vec<&Resource> = lbs.clone();
    let set_listeners: Vec<&Resource> = listeners
        .iter()
        .copied()
        .filter(|l| {
            hclx::attr(&l.body, "load_balancer_arn")
                .is_some_and(|e| lbs.iter().any(|b| reads(e, b)))
        })
        .collect();
    set.extend(&set_listeners);
    for r in of(LISTENER_RULE_TYPES)
        .into_iter()
        .chain(of(LISTENER_CERT_TYPES))
    {
        if hclx::attr(&r.body, "listener_arn")
            .is_some_and(|e| set_listeners.iter().any(|l| reads(e, l)))
        {
            set.push(r);
        }
    }
    let forwarded: Vec<&Resource> = of(TG_TYPES)
        .into_iter()
        .filter(|tg| set.iter().any(|r| any_reads(r, &[tg])))
        .collect();
    // Every group behind these load balancers is registered from the adopting module, and
    // every wanted group is behind them.
    if !forwarded
        .iter()
        .all(|tg| tgs.iter().any(|w| std::ptr::eq(*w, *tg)))
        || !tgs
            .iter()
            .all(|w| forwarded.iter().any(|tg| std::ptr::eq(*w, *tg)))
    {
        return None;
    }
    set.extend(forwarded);
    // Nothing adopted repeats (but a listener, rule or certificate whose `count` its module
    // decides: 0 or 1), nothing else of the module reads it, no address collides with the
    // adopting module's, and no other module adopted it already.
    let in_set = |r: &Resource| set.iter().any(|x| std::ptr::eq(*x, r));
    let toggled = |r: &Resource| {
        [LISTENER_TYPES, LISTENER_RULE_TYPES, LISTENER_CERT_TYPES]
            .iter()
            .any(|t| t.contains(&r.ty.as_str()))
            && known_count(r, eval).is_some_and(|n| n <= 1)
    };
    let ok = set.iter().all(|r| {
        (!r.meta.is_repeated() || toggled(r))
            && !dm
                .resources
                .iter()
                .any(|d| d.mode == Mode::Managed && d.address() == r.address())
            && !given.contains(&(sdir.to_string(), r.address().to_string()))
    }) && sm
        .resources
        .iter()
        .filter(|r| !in_set(r))
        .all(|r| !any_reads(r, &set));
    ok.then_some(set)
}

/// The share of module `sdir`'s load balancer that module `dir` adopts when the load balancer's
/// target groups are registered from several modules (#264): the load balancer (renamed by the
/// caller), the listeners that forward only to `want`'s target groups, their rules and
/// certificates, and those groups. Every other listener of the load balancer must forward only
/// to `others` (groups other modules register in), and nothing else of the module may read
/// the share. `None` otherwise. Also returns the load balancers.
fn adoptable_split<'o>(
    tree: &Tree<'o>,
    dir: &str,
    sdir: &str,
    want: &[Wanted<'o>],
    others: &[&'o Resource],
    given: &BTreeSet<(String, String)>,
    split: &Splits,
) -> Option<(Vec<&'o Resource>, Vec<&'o Resource>)> {
    let sm = tree.origin.modules.get(sdir)?;
    let dm = tree.origin.modules.get(dir)?;
    if sm.resources.iter().any(|r| r.ty == "aws_ecs_service") {
        return None;
    }
    let of = |types: &[&str]| -> Vec<&'o Resource> {
        sm.resources
            .iter()
            .filter(|r| r.mode == Mode::Managed && types.contains(&r.ty.as_str()))
            .collect()
    };
    let tgs: Vec<&Resource> = want.iter().map(|w| w.tg).collect();
    let listeners = of(LISTENER_TYPES);
    let rules = of(LISTENER_RULE_TYPES);
    let certs = of(LISTENER_CERT_TYPES);
    let forwards = |l: &Resource, groups: &[&Resource]| {
        any_reads(l, groups)
            || rules.iter().any(|lr| {
                hclx::attr(&lr.body, "listener_arn").is_some_and(|e| reads(e, l))
                    && any_reads(lr, groups)
            })
    };
    let lb_of = |l: &Resource| -> Option<&'o Resource> {
        hclx::attr(&l.body, "load_balancer_arn").and_then(|e| {
            sm.resources
                .iter()
                .find(|r| LB_TYPES.contains(&r.ty.as_str()) && reads(e, r))
        })
    };
    let mut lbs: Vec<&'o Resource> = Vec::new();
    let mut mine: Vec<&'o Resource> = Vec::new();
    for l in &listeners {
        if forwards(l, &tgs) {
            let lb = lb_of(l)?;
            if !lbs.iter().any(|x| std::ptr::eq(*x, lb)) {
                lbs.push(lb);
            }
            mine.push(l);
        }
    }
    if lbs.is_empty() {
        return None;
    }
    // Every listener of these load balancers forwards to one side only.
    let theirs: Vec<&'o Resource> = listeners
        .iter()
        .copied()
        .filter(|l| lb_of(l).is_some_and(|b| lbs.iter().any(|x| std::ptr::eq(*x, b))))
        .filter(|l| !mine.iter().any(|m| std::ptr::eq(*m, *l)))
        .collect();
    if mine.iter().any(|l| forwards(l, others))
        || theirs
            .iter()
            .any(|l| !forwards(l, others) || forwards(l, &tgs))
    {
        return None;
    }
    let of_listeners = |ls: &[&'o Resource]| -> Vec<&'o Resource> {
        rules
            .iter()
            .chain(&certs)
            .copied()
            .filter(|r| {
                hclx::attr(&r.body, "listener_arn").is_some_and(|e| ls.iter().any(|l| reads(e, l)))
            })
            .collect()
    };
    let mut set: Vec<&'o Resource> = lbs.clone();
    set.extend(&mine);
    set.extend(of_listeners(&mine));
    let forwarded: Vec<&'o Resource> = of(TG_TYPES)
        .into_iter()
        .filter(|tg| set.iter().any(|r| any_reads(r, &[tg])))
        .collect();
    if !forwarded
        .iter()
        .all(|tg| tgs.iter().any(|w| std::ptr::eq(*w, *tg)))
        || !tgs
            .iter()
            .all(|w| forwarded.iter().any(|tg| std::ptr::eq(*w, *tg)))
    {
        return None;
    }
    set.extend(forwarded);
    // The other modules' shares read the load balancer; nothing else may read this share.
    let mut shares: Vec<&'o Resource> = theirs.clone();
    shares.extend(of_listeners(&theirs));
    shares.extend(others.iter().copied());
    let listed = |v: &[&Resource], r: &Resource| v.iter().any(|x| std::ptr::eq(*x, r));
    let ok = set.iter().all(|r| {
        !r.meta.is_repeated()
            && !dm
                .resources
                .iter()
                .any(|d| d.mode == Mode::Managed && d.address() == r.address())
            && (!given.contains(&(sdir.to_string(), r.address().to_string()))
                || (LB_TYPES.contains(&r.ty.as_str())
                    && split.contains_key(&(sdir.to_string(), r.address().to_string()))))
    }) && sm
        .resources
        .iter()
        .filter(|r| !listed(&set, r) && !listed(&shares, r))
        .all(|r| !any_reads(r, &set));
    ok.then_some((set, lbs))
}

// ---- launch templates of Auto Scaling groups (#199) -----------------------------------------

/// Arguments of a launch template left out of its adopted copy without a word: names and
/// tags (the pool is named after its group), and the template's own versioning.
const LT_QUIET: &[&str] = &[
    "name",
    "name_prefix",
    "description",
    "tags",
    "tags_all",
    "tag_specifications",
    "update_default_version",
    "default_version",
];

/// Auto Scaling groups that launch the launch template of another module
/// (`launch_template { id = var.lt_id }`, the caller passing `module.lt.lt_id`, the module's
/// output being `aws_launch_template.x.id`): the group's module adopts the template, closed
/// over its own module's variables and locals, and its arguments that read anything else of
/// that module (a data source, a variable without a value) are left out with a warning
/// ([`Facts::left_out`]); the group's `var.lt_id` reads the copy ([`Facts::lt_vars`]). The
/// template's module gives it away. Both modules are called once (or are the root); nothing
/// else of the template's module may read it, and no address may collide.
fn launch_templates(
    tree: &Tree<'_>,
    inputs: &BTreeMap<String, BTreeMap<String, Expression>>,
    facts: &mut BTreeMap<String, Facts>,
) {
    let origin = tree.origin;
    for (dir, m) in &origin.modules {
        if !dir.is_empty() && tree.only_call(dir).is_none() {
            continue;
        }
        for asg in m.resources.iter().filter(|r| {
            r.mode == Mode::Managed && r.ty == "aws_autoscaling_group" && !r.meta.is_repeated()
        }) {
            let Some(spec) = asg
                .body
                .blocks()
                .find(|b| b.identifier() == "launch_template")
            else {
                continue;
            };
            let Some(e) = ["id", "name"]
                .iter()
                .find_map(|k| hclx::attr(&spec.body, k))
            else {
                continue;
            };
            let v = match names(e) {
                Some(("var", p)) if p.len() == 1 => p[0].to_string(),
                _ => continue,
            };
            let Some((sdir, lt, attr)) = tree.resolve_across(dir, e) else {
                continue;
            };
            if lt.ty != "aws_launch_template"
                || !matches!(attr.as_str(), "id" | "name")
                || (!sdir.is_empty() && tree.only_call(sdir).is_none())
            {
                continue;
            }
            let read = hclx::path(&["aws_launch_template", lt.name.as_str(), attr.as_str()]);
            // A second group of this module launching the template it adopted already.
            let adopted_here = facts.get(dir.as_str()).is_some_and(|f| {
                f.adopted
                    .iter()
                    .any(|(d, r)| d == sdir && r.address() == lt.address())
            });
            if !adopted_here {
                let Some(sm) = origin.modules.get(sdir) else {
                    continue;
                };
                let given = facts
                    .get(sdir)
                    .is_some_and(|f| f.given.contains_key(lt.address()));
                let collides = m.resources.iter().any(|d| d.address() == lt.address())
                    || facts.get(dir.as_str()).is_some_and(|f| {
                        f.adopted.iter().any(|(_, r)| r.address() == lt.address())
                    });
                let read_at_home = sm
                    .resources
                    .iter()
                    .filter(|r| r.address() != lt.address())
                    .any(|r| any_reads(r, &[lt]));
                if given || collides || read_at_home {
                    continue;
                }
                let no_inputs = BTreeMap::new();
                let eval = Eval::new(sm, inputs.get(sdir).unwrap_or(&no_inputs), None);
                let set = BTreeSet::from([lt.address()]);
                let mut lt_read = lt.clone();
                if let Some(hcl::Structure::Attribute(a)) =
                    lt_read.body.0.iter_mut().find(
                        |s| matches!(s, hcl::Structure::Attribute(a) if a.key() == "user_data"),
                    )
                {
                    inline_files(&mut a.expr, sdir, sm, &eval);
                }
                let Some((copy, left_out)) = closed_as(&lt_read, &set, &eval, true) else {
                    continue;
                };
                let adopter = if dir.is_empty() { "." } else { dir.as_str() };
                let group = if dir.is_empty() {
                    format!("`{}`", asg.address())
                } else {
                    format!("`{dir}/{}`", asg.address())
                };
                let without = if left_out.is_empty() {
                    String::new()
                } else {
                    format!(
                        "; {} read(s) what only this module knows and is left out",
                        left_out
                            .iter()
                            .map(|k| format!("`{k}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                };
                facts.entry(sdir.to_string()).or_default().given.insert(
                    lt.address().to_string(),
                    format!(
                        "module folder `{adopter}` adopted it: {group} launches it, and its size, image, SSH key and user data are folded into that group's droplet autoscale pool there{without}"
                    ),
                );
                let df = facts.entry(dir.clone()).or_default();
                if !left_out.is_empty() {
                    df.left_out.insert(lt.address().to_string(), left_out);
                }
                df.adopted.push((sdir.to_string(), copy));
            }
            facts
                .entry(dir.clone())
                .or_default()
                .lt_vars
                .entry(asg.address().to_string())
                .or_default()
                .push((v, read));
        }
    }
}

/// In an adopted launch template's user data: `file(...)` of a file of its module, and a
/// `template_file` data source of its module that renders such a file without `vars`
/// (`data.template_file.x.rendered`), become the file's text, which the adopting module cannot
/// read by path. Only text without `${` / `%{` (which a template would interpolate).
fn inline_files(e: &mut Expression, sdir: &str, sm: &origin::Module, eval: &Eval) {
    let text_of_file = |call: &Expression| -> Option<String> {
        let Expression::FuncCall(f) = call else {
            return None;
        };
        let [arg] = f.args.as_slice() else {
            return None;
        };
        if f.name.name.as_str() != "file" {
            return None;
        }
        let full = origin::join_dir(sdir, &eval.string(arg)?)?;
        let text = sm.data_files.get(&full)?;
        (!text.contains("${") && !text.contains("%{")).then(|| text.clone())
    };
    hclx::walk_mut(e, &mut |x| {
        let text = match hclx::traversal_root(x) {
            Some(("data", [Op::GetAttr(t), Op::GetAttr(n), Op::GetAttr(a)]))
                if t.as_str() == "template_file" && a.as_str() == "rendered" =>
            {
                sm.resources
                    .iter()
                    .find(|r| {
                        r.mode == Mode::Data && r.ty == "template_file" && r.name == n.as_str()
                    })
                    .filter(|r| hclx::attr(&r.body, "vars").is_none() && !r.meta.is_repeated())
                    .and_then(|r| hclx::attr(&r.body, "template"))
                    .and_then(&text_of_file)
            }
            _ => text_of_file(x),
        };
        match text {
            Some(t) => {
                *x = Expression::String(t);
                false
            }
            None => true,
        }
    });
}

// ---- load balancers of Auto Scaling groups (#209) -------------------------------------------

/// Auto Scaling groups registered in a target group or classic ELB of another module
/// (`target_group_arns = [var.tg_arn]`, `load_balancers = [var.elb_id]`): the load balancer
/// (the one whose listener or listener rule forwards to the group) targets a Droplet tag
/// decided here ([`Facts::lb_tags`]), and the group's droplets carry it ([`Facts::pool_tags`]).
/// Only plain chains to a resource that does not repeat, from a group that does not repeat,
/// into a module folder called once (or the root).
fn pools(
    tree: &Tree<'_>,
    inputs: &BTreeMap<String, BTreeMap<String, Expression>>,
    facts: &mut BTreeMap<String, Facts>,
) {
    let origin = tree.origin;
    for (dir, m) in &origin.modules {
        for asg in m.resources.iter().filter(|r| {
            r.mode == Mode::Managed && r.ty == "aws_autoscaling_group" && !r.meta.is_repeated()
        }) {
            let mut registered = Vec::new();
            for k in ["target_group_arns", "load_balancers"] {
                match hclx::attr(&asg.body, k) {
                    Some(Expression::Array(items)) => registered.extend(items.iter()),
                    Some(e) => registered.push(e),
                    None => {}
                }
            }
            for e in registered {
                let Some((sdir, t, attr)) = tree.resolve_across(dir, e) else {
                    continue;
                };
                // A folder called twice has two load balancers for one resource: one tag each
                // cannot be told apart here.
                if !sdir.is_empty() && tree.only_call(sdir).is_none() {
                    continue;
                }
                let Some(sm) = origin.modules.get(sdir) else {
                    continue;
                };
                // The load balancers that send traffic to `t`.
                let lbs: Vec<&Resource> = if t.ty == "aws_elb"
                    && matches!(attr.as_str(), "id" | "name")
                {
                    vec![t]
                } else if TG_TYPES.contains(&t.ty.as_str()) && matches!(attr.as_str(), "arn" | "id")
                {
                    let listeners: Vec<&Resource> = sm
                        .resources
                        .iter()
                        .filter(|l| {
                            l.mode == Mode::Managed && LISTENER_TYPES.contains(&l.ty.as_str())
                        })
                        .filter(|l| {
                            any_reads(l, &[t])
                                || sm.resources.iter().any(|lr| {
                                    LISTENER_RULE_TYPES.contains(&lr.ty.as_str())
                                        && hclx::attr(&lr.body, "listener_arn")
                                            .is_some_and(|x| reads(x, l))
                                        && any_reads(lr, &[t])
                                })
                        })
                        .collect();
                    let mut lbs: Vec<&Resource> = Vec::new();
                    for l in listeners {
                        if let Some(lb) = hclx::attr(&l.body, "load_balancer_arn").and_then(|x| {
                            sm.resources.iter().find(|r| {
                                r.mode == Mode::Managed
                                    && LB_TYPES.contains(&r.ty.as_str())
                                    && !r.meta.is_repeated()
                                    && reads(x, r)
                            })
                        }) && !lbs.iter().any(|b| std::ptr::eq(*b, lb))
                        {
                            lbs.push(lb);
                        }
                    }
                    lbs
                } else {
                    continue;
                };
                if lbs.is_empty() {
                    continue;
                }
                let group = report_addr(dir, asg);
                let no_inputs = BTreeMap::new();
                let eval = Eval::new(sm, inputs.get(sdir).unwrap_or(&no_inputs), None);
                for lb in lbs {
                    let tag = facts
                        .get(sdir)
                        .and_then(|f| f.lb_tags.get(lb.address()).cloned())
                        .unwrap_or_else(|| lb_tag(sdir, lb, &eval));
                    let sf = facts.entry(sdir.to_string()).or_default();
                    sf.lb_tags.insert(lb.address().to_string(), tag.clone());
                    for a in [lb.address(), t.address()] {
                        let v = sf.foreign_pools.entry(a.to_string()).or_default();
                        if !v.contains(&group) {
                            v.push(group.clone());
                        }
                    }
                    let tags = facts
                        .entry(dir.clone())
                        .or_default()
                        .pool_tags
                        .entry(asg.address().to_string())
                        .or_default();
                    if !tags.iter().any(|(_, x)| *x == tag) {
                        tags.push((report_addr(sdir, lb), tag));
                    }
                }
            }
        }
    }
}

/// The Droplet tag a load balancer of module `sdir` targets pools of other modules with:
/// `lb:<its name>-<instance id>` when its module knows its name at compile time, else
/// `lb:<module folder>-<resource name>-<instance id>` (lowercase; DigitalOcean tags take
/// letters, digits, `:`, `-` and `_`).
fn lb_tag(sdir: &str, lb: &Resource, eval: &Eval) -> Expression {
    let label = |v: &str| -> String {
        v.to_ascii_lowercase()
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '-'
                }
            })
            .collect()
    };
    let name = hclx::attr(&lb.body, "name").and_then(|e| eval.string(e));
    let text = match name {
        Some(n) => label(&n),
        None if sdir.is_empty() => label(&lb.name),
        None => label(&format!("{sdir}-{}", lb.name)),
    };
    hclx::template(format!("lb:{text}-${{var.instance_id}}"))
}

/// The `count` of `r` when it has one (and no `for_each`) whose value its module knows at
/// compile time.
fn known_count(r: &Resource, eval: &Eval) -> Option<u64> {
    if r.meta.for_each.is_some() {
        return None;
    }
    match eval.value(r.meta.count.as_ref()?)? {
        hcl::Value::Number(n) => n.as_u64(),
        _ => None,
    }
}

/// A copy of `r` that reads nothing of its module but the other adopted resources: variables
/// and locals become their values (`var.instance_id` stays: every module of the deployment
/// stack has it); `None` when one has no value at compile time outside the loose arguments.
fn closed(r: &Resource, set: &BTreeSet<&str>, eval: &Eval) -> Option<Resource> {
    closed_as(r, set, eval, false).map(|(copy, _)| copy)
}

/// [`closed`], or, `lenient`, a copy without the arguments (blocks) that read something else
/// of its module, and their names (but the quiet [`LT_QUIET`] ones).
fn closed_as(
    r: &Resource,
    set: &BTreeSet<&str>,
    eval: &Eval,
    lenient: bool,
) -> Option<(Resource, Vec<String>)> {
    let mut left_out = Vec::new();
    let mut leave = |key: &str| {
        if !LT_QUIET.contains(&key) && !left_out.iter().any(|k| k == key) {
            left_out.push(key.to_string());
        }
    };
    let close = |e: &mut Expression| -> bool {
        let mut ok = true;
        hclx::walk_mut(e, &mut |x| {
            let Some((root, ops)) = hclx::traversal_root(x) else {
                return true;
            };
            match root {
                "var" | "local" => {
                    if let Some(v) = eval.value(x) {
                        *x = value_to_expr(&v);
                    } else if !matches!((root, ops), ("var", [Op::GetAttr(n)]) if n.as_str() == "instance_id")
                    {
                        ok = false;
                    }
                    false
                }
                "data" => {
                    ok &= matches!(ops, [Op::GetAttr(t), Op::GetAttr(n), ..] if set.contains(format!("data.{}.{}", t.as_str(), n.as_str()).as_str()));
                    false
                }
                t if t.starts_with("aws_") => {
                    ok &= matches!(ops, [Op::GetAttr(n), ..] if set.contains(format!("{t}.{}", n.as_str()).as_str()));
                    false
                }
                _ => {
                    ok = false;
                    false
                }
            }
        });
        ok
    };
    let mut copy = r.clone();
    let mut body = hcl::Body::default();
    for s in std::mem::take(&mut copy.body.0) {
        match s {
            hcl::Structure::Attribute(mut a) => {
                if close(&mut a.expr) {
                    body.0.push(hcl::Structure::Attribute(a));
                } else if lenient {
                    leave(a.key());
                } else if LOOSE_LISTS.contains(&a.key()) {
                    a.expr = Expression::Array(vec![]);
                    body.0.push(hcl::Structure::Attribute(a));
                } else if !LOOSE.contains(&a.key()) {
                    return None;
                }
            }
            hcl::Structure::Block(mut b) => {
                let mut ok = true;
                hclx::walk_body_mut(&mut b.body, &mut |x| {
                    ok &= close(x);
                    false
                });
                if ok {
                    body.0.push(hcl::Structure::Block(b));
                } else if lenient {
                    leave(b.identifier());
                } else if !LOOSE.contains(&b.identifier()) {
                    return None;
                }
            }
        }
    }
    copy.body = body;
    // Ordering inside the giving module means nothing in the adopting one.
    copy.meta.depends_on = None;
    copy.meta.provider = None;
    Some((copy, left_out))
}

/// Makes the `load_balancer` blocks of an ECS service read the adopted target groups where
/// they read the variables that led to them.
pub fn read_target_groups(body: &mut hcl::Body, vars: &[(String, Expression)]) {
    read_vars_in(body, "load_balancer", vars);
}

/// Makes the `launch_template` block of an Auto Scaling group read the adopted launch
/// template where it read the variable that led to it ([`Facts::lt_vars`]).
pub fn read_launch_template(body: &mut hcl::Body, vars: &[(String, Expression)]) {
    read_vars_in(body, "launch_template", vars);
}

/// Replaces `var.<v>` by its expression in the blocks `block` of `body`.
fn read_vars_in(body: &mut hcl::Body, block: &str, vars: &[(String, Expression)]) {
    for s in body.0.iter_mut() {
        let hcl::Structure::Block(b) = s else {
            continue;
        };
        if b.identifier() != block {
            continue;
        }
        hclx::walk_body_mut(&mut b.body, &mut |x| {
            let hit = match names(x) {
                Some(("var", p)) => match p.as_slice() {
                    [v] => vars.iter().find(|(n, _)| n == v).map(|(_, e)| e.clone()),
                    _ => None,
                },
                _ => None,
            };
            match hit {
                Some(e) => {
                    *x = e;
                    false
                }
                None => true,
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(files: &[(&str, &str)]) -> BTreeMap<String, Facts> {
        let files: BTreeMap<String, String> = files
            .iter()
            .map(|(p, t)| (p.to_string(), t.to_string()))
            .collect();
        let mut diags = Vec::new();
        let origin = origin::parse(&files, &mut diags);
        plan(&origin, &BTreeMap::new())
    }

    /// A root calling a cache module and an API module whose template writes `api_url`.
    fn cache_url(call_extra: &str, api_extra: &str, url: &str) -> BTreeMap<String, Facts> {
        let root = format!(
            "module \"cache\" {{\n source = \"./cache\"\n}}\nmodule \"api\" {{\n source = \"./api\"\n redis_url = module.cache.host\n{call_extra}}}"
        );
        let api = format!(
            "variable \"redis_url\" {{}}\n{api_extra}resource \"aws_ecs_task_definition\" \"t\" {{ family = \"{url}\" }}"
        );
        facts(&[
            ("main.tf", root.as_str()),
            (
                "cache/main.tf",
                "resource \"aws_elasticache_cluster\" \"r\" {\n engine = \"redis\"\n}\noutput \"host\" { value = aws_elasticache_cluster.r.cache_nodes[0].address }",
            ),
            ("api/main.tf", api.as_str()),
        ])
    }

    #[test]
    fn a_cache_url_of_another_module_reads_its_port_and_password() {
        let f = cache_url("", "", "redis://${var.redis_url}:6379/0");
        let p = &f["api"].foreign_ports;
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].database, "cache/aws_elasticache_cluster.r");
        assert_eq!(hclx::inline(&p[0].reads), "var.redis_url_port");
        assert_eq!(
            p[0].password.as_ref().map(hclx::inline).as_deref(),
            Some("var.redis_url_password")
        );
        let args: Vec<String> = f[""].call_args["api"]
            .iter()
            .map(|(k, v)| format!("{k}={}", hclx::inline(v)))
            .collect();
        assert_eq!(
            args,
            [
                "redis_url_port=module.cache.host_port",
                "redis_url_password=module.cache.host_password"
            ]
        );
        let outs: Vec<&str> = f["cache"].exports.iter().map(|o| o.name.as_str()).collect();
        assert_eq!(outs, ["host_port", "host_password"]);
        // The template is rewritten where the module is compiled.
        let api = origin::parse(
            &BTreeMap::from([(
                "main.tf".to_string(),
                "resource \"aws_ecs_task_definition\" \"t\" { family = \"x-redis://${var.redis_url}:6379/0\" }".to_string(),
            )]),
            &mut Vec::new(),
        );
        let m = apply(&api.modules[""], &f["api"]).expect("changed");
        assert_eq!(
            hclx::inline(hclx::attr(&m.resources[0].body, "family").expect("family")),
            "\"x-rediss://default:${var.redis_url_password}@${var.redis_url}:${var.redis_url_port}/0\""
        );
    }

    #[test]
    fn a_cache_url_is_left_alone_unless_sound() {
        // Another port than the cache's: not its port.
        let none = |f: &BTreeMap<String, Facts>| {
            f.get("api")
                .is_none_or(|a| a.foreign_ports.is_empty() && a.variables.is_empty())
                && f.get("").is_none_or(|r| r.call_args.is_empty())
                && f.get("cache").is_none_or(|c| c.exports.is_empty())
        };
        assert!(none(&cache_url("", "", "redis://${var.redis_url}:6380")));
        // `rediss://` already: the port only.
        let f = cache_url("", "", "rediss://${var.redis_url}:6379");
        assert!(f["api"].foreign_ports[0].password.is_none());
        // The variable the port would be read through is taken.
        let f = cache_url(
            "",
            "variable \"redis_url_port\" {}\n",
            "redis://${var.redis_url}:6379",
        );
        assert!(f.get("api").is_none_or(|a| a.foreign_ports.is_empty()));
        // A repeated call of the module: its variable has no one value.
        assert!(none(&cache_url(
            " count = 2\n",
            "",
            "redis://${var.redis_url}:6379"
        )));
    }

    #[test]
    fn groups_joined_from_one_other_module_are_adopted_there() {
        let f = facts(&[
            (
                "main.tf",
                "module \"sg\" {\n source = \"./sg\"\n}\nmodule \"web\" {\n source = \"./web\"\n sg_ids = [module.sg.web, module.sg.shared]\n}\nmodule \"api\" {\n source = \"./api\"\n sg_ids = [module.sg.shared]\n}\nresource \"aws_db_instance\" \"db\" { vpc_security_group_ids = concat([module.sg.db], [\"sg-123\"]) }",
            ),
            (
                "sg/main.tf",
                "resource \"aws_security_group\" \"web\" {}\nresource \"aws_security_group\" \"db\" {\n ingress {\n from_port = 5432\n to_port = 5432\n protocol = \"tcp\"\n security_groups = [aws_security_group.web.id]\n }\n}\nresource \"aws_security_group_rule\" \"web_in\" {\n security_group_id = aws_security_group.web.id\n type = \"ingress\"\n from_port = 80\n to_port = 80\n protocol = \"tcp\"\n cidr_blocks = [\"0.0.0.0/0\"]\n}\nresource \"aws_security_group\" \"shared\" {}\nresource \"aws_security_group\" \"home\" {}\nresource \"aws_instance\" \"i\" { vpc_security_group_ids = [aws_security_group.home.id] }\noutput \"web\" { value = aws_security_group.web.id }\noutput \"db\" { value = aws_security_group.db.id }\noutput \"shared\" { value = aws_security_group.shared.id }",
            ),
            (
                "web/main.tf",
                "variable \"sg_ids\" {}\nresource \"aws_instance\" \"w\" { vpc_security_group_ids = var.sg_ids }",
            ),
            (
                "api/main.tf",
                "variable \"sg_ids\" {}\nresource \"aws_instance\" \"a\" { vpc_security_group_ids = var.sg_ids }",
            ),
        ]);
        let adopted = |dir: &str| -> Vec<String> {
            f[dir]
                .adopted
                .iter()
                .map(|(from, r)| format!("{from}:{}", r.address()))
                .collect()
        };
        // A group whose members are all in one other module moves there, with its rules.
        assert_eq!(
            adopted("web"),
            [
                "sg:aws_security_group.web",
                "sg:aws_security_group_rule.web_in"
            ]
        );
        assert_eq!(adopted(""), ["sg:aws_security_group.db"]);
        let given: Vec<&str> = f["sg"].given.keys().map(String::as_str).collect();
        assert_eq!(
            given,
            [
                "aws_security_group.db",
                "aws_security_group.web",
                "aws_security_group_rule.web_in"
            ]
        );
        // The member reads the copy where it read the variable.
        let reads = &f["web"].sg_reads["aws_instance.w"];
        assert_eq!(reads.len(), 1);
        assert_eq!(reads[0].0, "var.sg_ids");
        assert_eq!(
            reads[0].1.iter().map(hclx::inline).collect::<Vec<_>>(),
            ["aws_security_group.web.id"]
        );
        // A source group left behind is named by its address, a string, in the copy.
        let db = &f[""].adopted[0].1;
        let ingress = hclx::blocks(&db.body, "ingress");
        assert_eq!(
            hclx::attr(&ingress[0], "security_groups").map(hclx::inline),
            Some("[\"sg/aws_security_group.web\"]".to_string())
        );
        // Members in two modules: not adopted, listed for the warning; members of the
        // group's own module are the rule's business.
        let sg = &f["sg"].foreign_members;
        assert_eq!(
            sg.get("aws_security_group.shared"),
            Some(&vec![
                "api/aws_instance.a".to_string(),
                "web/aws_instance.w".to_string()
            ])
        );
        assert_eq!(sg.len(), 1);
    }

    #[test]
    fn a_module_without_a_vpc_learns_the_variable_holding_its_callers() {
        let f = facts(&[
            (
                "main.tf",
                "resource \"aws_vpc\" \"main\" {}\nmodule \"net\" {\n source = \"./net\"\n}\nmodule \"cache\" {\n source = \"./cache\"\n subnet_ids = module.net.subnets\n}\nmodule \"db\" {\n source = \"./db\"\n network = module.net.vpc_id\n vpc_id = module.net.vpc_id\n}\nmodule \"app\" {\n source = \"./app\"\n a = aws_vpc.main.id\n b = module.net.vpc_id\n}",
            ),
            (
                "net/main.tf",
                "resource \"aws_vpc\" \"this\" {}\nlocals {\n id = aws_vpc.this.id\n}\noutput \"vpc_id\" { value = local.id }",
            ),
            (
                "db/main.tf",
                "variable \"network\" {}\nvariable \"vpc_id\" {}",
            ),
            (
                "net/subnets.tf",
                "resource \"aws_subnet\" \"a\" {\n count = 2\n vpc_id = aws_vpc.this.id\n}\noutput \"subnets\" { value = aws_subnet.a[*].id }",
            ),
            ("cache/main.tf", "variable \"subnet_ids\" {}"),
            ("app/main.tf", "variable \"a\" {}\nvariable \"b\" {}"),
        ]);
        let (e, vpc) = f["db"].vpc_var.as_ref().expect("db's VPC");
        // `vpc_id` is preferred among variables naming one VPC.
        assert_eq!(hclx::inline(e), "var.vpc_id");
        assert_eq!(vpc, "net/aws_vpc.this");
        // Handed subnets only: their VPC's id is the first subnet id of the emitted stack.
        let (e, vpc) = f["cache"].vpc_var.as_ref().expect("cache's VPC");
        assert_eq!(hclx::inline(e), "try(var.subnet_ids[0], var.subnet_ids)");
        assert_eq!(vpc, "net/aws_vpc.this");
        // Two VPCs: no guess. A module with its own VPC: none needed.
        assert!(f.get("app").is_none_or(|x| x.vpc_var.is_none()));
        assert!(f.get("net").is_none_or(|x| x.vpc_var.is_none()));
    }

    #[test]
    fn a_replica_finds_its_primary_in_another_module() {
        let f = facts(&[
            (
                "main.tf",
                "module \"db\" {\n source = \"./db\"\n}\nmodule \"rep\" {\n source = \"./rep\"\n arn = module.db.arn\n id = module.db.id\n name = module.db.name\n endpoint = module.db.endpoint\n of_replica = module.db.replica_arn\n}",
            ),
            (
                "db/main.tf",
                "resource \"aws_db_instance\" \"main\" {\n engine = \"mysql\"\n instance_class = \"db.m5.large\"\n}\nresource \"aws_db_instance\" \"r\" { replicate_source_db = aws_db_instance.main.arn }\nlocals {\n arn = aws_db_instance.main.arn\n}\noutput \"arn\" { value = local.arn }\noutput \"id\" { value = aws_db_instance.main.id }\noutput \"name\" { value = aws_db_instance.main.identifier }\noutput \"endpoint\" { value = aws_db_instance.main.endpoint }\noutput \"replica_arn\" { value = aws_db_instance.r.arn }",
            ),
            (
                "rep/main.tf",
                "variable \"arn\" {}\nvariable \"id\" {}\nvariable \"name\" {}\nvariable \"endpoint\" {}\nvariable \"of_replica\" {}\nresource \"aws_db_instance\" \"a\" { replicate_source_db = var.arn }\nresource \"aws_db_instance\" \"b\" { replicate_source_db = var.id }\nresource \"aws_db_instance\" \"c\" { replicate_source_db = var.name }\nresource \"aws_db_instance\" \"d\" { replicate_source_db = var.endpoint }\nresource \"aws_db_instance\" \"e\" { replicate_source_db = var.of_replica }",
            ),
        ]);
        let sources = &f["rep"].db_sources;
        let arn = &sources["var.arn"];
        assert_eq!(arn.addr, "db/aws_db_instance.main");
        assert_eq!(arn.attr, "arn");
        // The primary's engine and class, read in its own module.
        assert_eq!(arn.engine.as_deref(), Some("mysql"));
        assert_eq!(arn.instance_class.as_deref(), Some("db.m5.large"));
        assert_eq!(sources["var.id"].attr, "id");
        assert_eq!(sources["var.name"].attr, "identifier");
        // An endpoint names no cluster; a replica's ARN is not a primary's.
        assert!(!sources.contains_key("var.endpoint"));
        assert!(!sources.contains_key("var.of_replica"));
        assert_eq!(sources.len(), 3);
        // The replica beside its primary is the rule's business.
        assert!(f.get("db").is_none_or(|x| x.db_sources.is_empty()));
    }

    #[test]
    fn the_cluster_of_a_module_the_root_calls_is_the_stacks() {
        let ecs = "resource \"aws_ecs_cluster\" \"main\" {}\noutput \"name\" { value = aws_ecs_cluster.main.name }";
        let f = facts(&[
            (
                "main.tf",
                "module \"ecs\" { source = \"./ecs\" }\nmodule \"fn\" { source = \"./fn\" }",
            ),
            ("ecs/main.tf", ecs),
            ("fn/main.tf", "resource \"aws_lambda_function\" \"f\" {}"),
        ]);
        let root = f[""].kubernetes_cluster.as_ref().expect("root");
        assert_eq!(root.addr, "ecs/aws_ecs_cluster.main");
        // An output that already is the name is read; none is added.
        assert_eq!(
            root.name.as_ref().map(hclx::inline).as_deref(),
            Some("module.ecs.name")
        );
        assert!(
            f.get("ecs")
                .is_none_or(|x| x.exports.is_empty() && x.kubernetes_cluster.is_none())
        );
        let sibling = f["fn"].kubernetes_cluster.as_ref().expect("sibling");
        assert!(sibling.name.is_none());
        // A registry module creating the cluster, without an output: one is added.
        let f = facts(&[
            ("main.tf", "module \"k\" { source = \"./k\" }"),
            (
                "k/main.tf",
                "module \"eks\" { source = \"terraform-aws-modules/eks/aws\" }",
            ),
        ]);
        assert_eq!(
            f[""]
                .kubernetes_cluster
                .as_ref()
                .and_then(|c| c.name.as_ref())
                .map(hclx::inline)
                .as_deref(),
            Some("module.k.kubernetes_cluster_name")
        );
        let out = &f["k"].exports[0];
        assert_eq!(
            hclx::attr(&out.body, "value").map(hclx::inline).as_deref(),
            Some("module.eks.cluster_name")
        );
        // A root with its own `provider "kubernetes"` reading the module's outputs: the same
        // (its connection is wired to the cluster when it has no counterpart).
        let f = facts(&[
            (
                "main.tf",
                "module \"ecs\" { source = \"./ecs\" }\nprovider \"kubernetes\" { host = module.ecs.endpoint }",
            ),
            ("ecs/main.tf", ecs),
        ]);
        assert_eq!(
            f[""]
                .kubernetes_cluster
                .as_ref()
                .and_then(|c| c.name.as_ref())
                .map(hclx::inline)
                .as_deref(),
            Some("module.ecs.name")
        );
        // Two modules with clusters, or one in the root: no guess.
        for files in [
            vec![
                (
                    "main.tf",
                    "module \"a\" { source = \"./a\" }\nmodule \"b\" { source = \"./b\" }",
                ),
                ("a/main.tf", ecs),
                ("b/main.tf", ecs),
            ],
            vec![
                (
                    "main.tf",
                    "resource \"aws_eks_cluster\" \"c\" {}\nmodule \"a\" { source = \"./a\" }",
                ),
                ("a/main.tf", ecs),
            ],
        ] {
            let f = facts(&files);
            assert!(f.values().all(|x| x.kubernetes_cluster.is_none()));
        }
    }

    #[test]
    fn a_login_passed_to_a_database_module_is_read_from_it_elsewhere() {
        let db = "variable \"user\" {}\nvariable \"pw\" {}\nresource \"aws_rds_cluster\" \"main\" {\n master_username = var.user\n master_password = var.pw\n}";
        let f = facts(&[
            (
                "main.tf",
                "locals {\n rds = { user = \"admin\", pw = \"secret\" }\n}\nvariable \"other\" {}\nvariable \"u2\" {}\nvariable \"p3\" {}\nmodule \"db\" {\n source = \"./db\"\n user = local.rds.user\n pw = local.rds.pw\n}\nmodule \"db2\" {\n source = \"./db2\"\n user = var.u2\n pw = var.other\n}\nmodule \"db3\" {\n source = \"./db\"\n user = var.other\n pw = var.p3\n}\nmodule \"app\" {\n source = \"./app\"\n pw = local.rds.pw\n}",
            ),
            ("db/main.tf", db),
            (
                "db2/main.tf",
                &format!("{db}\noutput \"login\" {{ value = var.user }}"),
            ),
            ("app/main.tf", "variable \"pw\" {}"),
        ]);
        let logins = &f[""].db_logins;
        let read = |source: &str| {
            logins
                .iter()
                .find(|l| l.source == source)
                .map(|l| (l.call.as_str(), l.attr, hclx::inline(&l.reads)))
        };
        assert_eq!(
            read("local.rds.pw"),
            Some((
                "db",
                "master_password",
                "module.db.main_master_password".to_string()
            ))
        );
        assert_eq!(read("local.rds.user").map(|r| r.1), Some("master_username"));
        // An output that already is the input is read.
        assert_eq!(
            read("var.u2").map(|r| r.2),
            Some("module.db2.login".to_string())
        );
        // A second call of the module reads the output added for the first.
        assert_eq!(
            read("var.p3").map(|r| r.2),
            Some("module.db3.main_master_password".to_string())
        );
        // One reference given to two logins is not guessed.
        assert!(read("var.other").is_none());
        assert_eq!(logins.len(), 4);
        // The database module outputs them; the password as sensitive.
        let outs: Vec<(String, bool)> = f["db"]
            .exports
            .iter()
            .map(|o| (o.name.clone(), hclx::attr(&o.body, "sensitive").is_some()))
            .collect();
        assert_eq!(
            outs,
            [
                ("main_master_username".to_string(), false),
                ("main_master_password".to_string(), true)
            ]
        );
    }

    #[test]
    fn rules_naming_a_group_of_another_module_know_which() {
        let f = facts(&[
            (
                "main.tf",
                "module \"app\" {\n source = \"./app\"\n}\nmodule \"db\" {\n source = \"./db\"\n app_sg = module.app.sg\n groups = [module.app.sg]\n}",
            ),
            (
                "app/main.tf",
                "resource \"aws_security_group\" \"app\" {}\nresource \"aws_instance\" \"i\" { vpc_security_group_ids = [aws_security_group.app.id] }\noutput \"sg\" { value = aws_security_group.app.id }",
            ),
            (
                "db/main.tf",
                "variable \"app_sg\" {}\nvariable \"groups\" {}\nresource \"aws_security_group\" \"db\" {\n ingress {\n security_groups = [var.app_sg]\n }\n ingress {\n security_groups = var.groups\n }\n}\nresource \"aws_security_group_rule\" \"r\" {\n security_group_id = aws_security_group.db.id\n source_security_group_id = var.app_sg\n}",
            ),
        ]);
        let sources = &f["db"].foreign_sources;
        let app = vec!["app/aws_security_group.app".to_string()];
        assert_eq!(sources.get("var.app_sg"), Some(&app));
        assert_eq!(sources.get("[var.app_sg]"), Some(&app));
        assert_eq!(sources.get("var.groups"), Some(&app));
        assert_eq!(sources.len(), 3);
    }

    #[test]
    fn api_integrations_follow_invoke_arn_to_a_function_of_another_module() {
        let f = facts(&[
            (
                "main.tf",
                "module \"fn\" {\n source = \"./fn\"\n}\nmodule \"api\" {\n source = \"./api\"\n rest = module.fn.invoke_arn\n http = module.fn.invoke_arn\n arn = module.fn.arn\n}",
            ),
            (
                "fn/main.tf",
                "resource \"aws_lambda_function\" \"f\" {}\noutput \"invoke_arn\" { value = aws_lambda_function.f.invoke_arn }\noutput \"arn\" { value = aws_lambda_function.f.arn }",
            ),
            (
                "api/main.tf",
                "variable \"rest\" {}\nvariable \"http\" {}\nvariable \"arn\" {}\nresource \"aws_api_gateway_integration\" \"r\" { uri = var.rest }\nresource \"aws_apigatewayv2_integration\" \"h\" { integration_uri = var.http }\nresource \"aws_apigatewayv2_integration\" \"a\" { integration_uri = var.arn }",
            ),
        ]);
        let api = &f["api"];
        assert_eq!(
            api.functions.get("var.rest").map(String::as_str),
            Some("fn/aws_lambda_function.f")
        );
        assert!(api.functions.contains_key("var.http"));
        // Only `invoke_arn` is a URL the Ingress can read.
        assert!(!api.functions.contains_key("var.arn"));
        // A REST API sends payload 1.0 events, an HTTP API 2.0 by default: both reach `f`.
        assert!(f["fn"].event_v1_functions.contains("aws_lambda_function.f"));
        assert!(f["fn"].event_v2_functions.contains("aws_lambda_function.f"));
    }

    const LB: &str = r#"
        variable "cert" {}
        resource "aws_lb" "app" {
          name            = "alb"
          security_groups = [aws_security_group.lb.id]
        }
        resource "aws_security_group" "lb" {}
        resource "aws_lb_target_group" "app" {
          port        = 80
          target_type = "ip"
        }
        resource "aws_lb_listener" "http" {
          load_balancer_arn = aws_lb.app.arn
          port              = 80
          default_action {
            type             = "forward"
            target_group_arn = aws_lb_target_group.app.arn
          }
        }
        output "tg" { value = aws_lb_target_group.app.arn }
    "#;
    const ECS: &str = r#"
        variable "tg" {}
        resource "aws_ecs_service" "app" {
          load_balancer {
            target_group_arn = var.tg
            container_port   = 80
          }
        }
    "#;

    #[test]
    fn a_service_adopts_the_load_balancer_of_its_target_group() {
        let f = facts(&[
            (
                "main.tf",
                r#"
                module "lb" { source = "./lb" }
                module "ecs" {
                  source = "./ecs"
                  tg     = module.lb.tg
                }"#,
            ),
            ("lb/main.tf", LB),
            ("ecs/main.tf", ECS),
        ]);
        let ecs = &f["ecs"];
        let adopted: Vec<&str> = ecs.adopted.iter().map(|(_, r)| r.address()).collect();
        assert_eq!(
            adopted,
            [
                "aws_lb.app",
                "aws_lb_listener.http",
                "aws_lb_target_group.app"
            ]
        );
        // The security group stays in its module; the list is emptied, not dropped.
        let lb = &ecs.adopted[0].1;
        assert_eq!(
            hclx::attr(&lb.body, "security_groups"),
            Some(&Expression::Array(vec![]))
        );
        assert_eq!(
            hclx::inline(&ecs.tg_vars["aws_ecs_service.app"][0].1),
            "aws_lb_target_group.app.arn"
        );
        assert_eq!(f["lb"].given.len(), 3);
    }

    /// A load balancer with a listener per target group, each group registered from a module
    /// of its own (#264); `both` adds a listener rule of the first listener forwarding to the
    /// second group.
    fn split_lb(both: bool) -> BTreeMap<String, Facts> {
        let mut lb = String::from(
            r#"
            resource "aws_lb" "app" { name = "app" }
            resource "aws_lb_target_group" "a" { target_type = "ip" }
            resource "aws_lb_target_group" "b" { target_type = "ip" }
            resource "aws_lb_listener" "a" {
              load_balancer_arn = aws_lb.app.arn
              port              = 80
              default_action {
                type             = "forward"
                target_group_arn = aws_lb_target_group.a.arn
              }
            }
            resource "aws_lb_listener" "b" {
              load_balancer_arn = aws_lb.app.arn
              port              = 81
              default_action {
                type             = "forward"
                target_group_arn = aws_lb_target_group.b.arn
              }
            }
            output "a" { value = aws_lb_target_group.a.arn }
            output "b" { value = aws_lb_target_group.b.arn }"#,
        );
        if both {
            lb.push_str(
                r#"
            resource "aws_lb_listener_rule" "to_b" {
              listener_arn = aws_lb_listener.a.arn
              action {
                type             = "forward"
                target_group_arn = aws_lb_target_group.b.arn
              }
            }"#,
            );
        }
        facts(&[
            (
                "main.tf",
                r#"
                module "lb" { source = "./lb" }
                module "a" {
                  source = "./a"
                  tg     = module.lb.a
                }
                module "b" {
                  source = "./b"
                  tg     = module.lb.b
                }"#,
            ),
            ("lb/main.tf", &lb),
            ("a/main.tf", ECS),
            ("b/main.tf", ECS),
        ])
    }

    #[test]
    fn a_load_balancer_registered_from_two_modules_is_split_between_them() {
        let f = split_lb(false);
        for (m, other) in [("a", "b"), ("b", "a")] {
            let adopted: Vec<&str> = f[m].adopted.iter().map(|(_, r)| r.address()).collect();
            assert_eq!(
                adopted,
                [
                    "aws_lb.app".to_string(),
                    format!("aws_lb_listener.{m}"),
                    format!("aws_lb_target_group.{m}")
                ],
                "{m} adopts its listener and group, not {other}'s"
            );
            // Each copy is named after the module: two load balancers of one name collide.
            assert_eq!(
                hclx::attr(&f[m].adopted[0].1.body, "name"),
                Some(&Expression::String(format!("app-{m}")))
            );
        }
        assert_eq!(f["lb"].given.len(), 5);
        let why = &f["lb"].split["aws_lb.app"];
        assert!(why.contains("port(s) 80 to module folder `a`"), "{why}");
        assert!(why.contains("port(s) 81 to module folder `b`"), "{why}");
        // No module reads the split load balancer's address for the root.
        assert!(f.get("").is_none_or(|r| r.module_reads.is_empty()));
    }

    #[test]
    fn a_listener_forwarding_to_two_modules_groups_is_not_split() {
        let f = split_lb(true);
        assert!(f.get("a").is_none_or(|x| x.adopted.is_empty()));
        assert!(f.get("b").is_none_or(|x| x.adopted.is_empty()));
        assert!(
            f.get("lb")
                .is_none_or(|x| x.given.is_empty() && x.split.is_empty())
        );
    }

    #[test]
    fn the_cluster_of_another_module_is_sized_for_its_guests() {
        let svc = r#"
            variable "cluster" {}
            variable "replicas" { default = 1 }
            resource "aws_ecs_task_definition" "t" {
              family = "t"
              cpu    = "1024"
              memory = "2048"
              container_definitions = jsonencode([{ name = "t", image = "nginx:1" }])
            }
            resource "aws_ecs_service" "s" {
              cluster         = var.cluster
              task_definition = aws_ecs_task_definition.t.arn
              desired_count   = var.replicas
            }"#;
        let f = facts(&[
            (
                "main.tf",
                r#"
                module "c" { source = "./c" }
                module "s" {
                  source  = "./s"
                  cluster = module.c.id
                }"#,
            ),
            (
                "c/main.tf",
                r#"
                resource "aws_ecs_cluster" "this" { name = "x" }
                output "id" { value = aws_ecs_cluster.this.id }"#,
            ),
            ("s/main.tf", svc),
        ]);
        assert!(f["s"].ecs_cluster_sized);
        let g = f["c"]
            .guests
            .as_ref()
            .expect("the cluster's module learns its guests");
        assert_eq!(g.modules, [("s".to_string(), 1, 0)]);
        // 1024 CPU units are one vCPU.
        assert_eq!((g.now.millicores, g.now.mib), (1000, 2048));
        assert_eq!((g.peak.pod_millicores, g.peak.pod_mib), (1000, 2048));
        assert!(f.get("s").is_none_or(|x| x.guests.is_none()));
        // Beside an EKS cluster the ECS cluster is not sized by the ECS rule: nothing is handed.
        let f = facts(&[
            (
                "main.tf",
                r#"
                resource "aws_eks_cluster" "k" { name = "k" }
                module "s" {
                  source  = "./s"
                  cluster = "x"
                }"#,
            ),
            ("s/main.tf", svc),
        ]);
        assert!(f["s"].ecs_cluster.is_some() && !f["s"].ecs_cluster_sized);
        assert!(f.get("").is_none_or(|x| x.guests.is_none()));
    }

    #[test]
    fn plain_chains_lead_from_the_root_through_single_calls() {
        let files: BTreeMap<String, String> = [
            ("main.tf", "module \"a\" { source = \"./a\" }\nmodule \"r\" {\n source = \"./r\"\n count = 2\n}"),
            ("a/main.tf", "module \"b\" { source = \"./b\" }\nmodule \"t1\" { source = \"../t\" }\nmodule \"t2\" { source = \"../t\" }"),
            ("a/b/main.tf", "resource \"aws_sqs_queue\" \"q\" {}"),
            ("t/main.tf", "resource \"aws_sqs_queue\" \"q\" {}"),
            ("r/main.tf", "resource \"aws_sqs_queue\" \"q\" {}"),
        ]
        .iter()
        .map(|(p, t)| (p.to_string(), t.to_string()))
        .collect();
        let mut diags = Vec::new();
        let origin = origin::parse(&files, &mut diags);
        let chains = plain_chains(&origin);
        let pair = |d: &str, c: &str| (d.to_string(), c.to_string());
        assert_eq!(chains["a"], [pair("", "a")]);
        assert_eq!(chains["a/b"], [pair("", "a"), pair("a", "b")]);
        // Called twice, or by a repeated call: no chain.
        assert!(!chains.contains_key("t"));
        assert!(!chains.contains_key("r"));
        assert!(!chains.contains_key(""));
    }

    #[test]
    fn services_run_on_the_cluster_of_another_module() {
        let svc = r#"
            variable "cluster" {}
            resource "aws_ecs_service" "s" { cluster = var.cluster }"#;
        let f = facts(&[
            (
                "main.tf",
                r#"
                module "c" { source = "./c" }
                module "s" {
                  source  = "./s"
                  cluster = module.c.id
                }"#,
            ),
            (
                "c/main.tf",
                r#"
                resource "aws_ecs_cluster" "this" { name = "x" }
                output "id" { value = aws_ecs_cluster.this.id }"#,
            ),
            ("s/main.tf", svc),
        ]);
        assert_eq!(
            f["s"].ecs_cluster,
            Some(("c/aws_ecs_cluster.this".into(), Some("var.cluster".into())))
        );
        assert!(f.get("c").is_none_or(|x| x.ecs_cluster.is_none()));
        // Two clusters: the stack has no one cluster, the module keeps its own.
        let f = facts(&[
            (
                "main.tf",
                r#"
                module "c" { source = "./c" }
                module "d" { source = "./c2" }
                module "s" {
                  source  = "./s"
                  cluster = module.c.id
                }"#,
            ),
            (
                "c/main.tf",
                r#"
                resource "aws_ecs_cluster" "this" { name = "x" }
                output "id" { value = aws_ecs_cluster.this.id }"#,
            ),
            (
                "c2/main.tf",
                r#"resource "aws_ecs_cluster" "that" { name = "y" }"#,
            ),
            ("s/main.tf", svc),
        ]);
        assert!(f.get("s").is_none_or(|x| x.ecs_cluster.is_none()));
    }

    #[test]
    fn a_group_adopts_the_launch_template_of_another_module() {
        let lt = r#"
            variable "size" { default = "t3.small" }
            data "template_file" "ud" { template = "x" }
            resource "aws_launch_template" "lt" {
              name_prefix   = "app-"
              instance_type = var.size
              user_data     = base64encode(data.template_file.ud.rendered)
            }
            output "lt_id" { value = aws_launch_template.lt.id }"#;
        let asg = r#"
            variable "lt_id" {}
            resource "aws_autoscaling_group" "g" {
              max_size = 1
              min_size = 1
              launch_template { id = var.lt_id }
            }"#;
        let root = r#"
            module "lt" { source = "./lt" }
            module "asg" {
              source = "./asg"
              lt_id  = module.lt.lt_id
            }"#;
        let f = facts(&[("main.tf", root), ("lt/main.tf", lt), ("asg/main.tf", asg)]);
        let a = &f["asg"];
        let (from, copy) = &a.adopted[0];
        assert_eq!(
            (from.as_str(), copy.address()),
            ("lt", "aws_launch_template.lt")
        );
        // Closed over its module's variables; what reads its data source is left out, and
        // only that (names are quiet).
        assert_eq!(
            hclx::attr(&copy.body, "instance_type"),
            Some(&Expression::String("t3.small".into()))
        );
        assert!(hclx::attr(&copy.body, "user_data").is_none());
        assert_eq!(a.left_out["aws_launch_template.lt"], ["user_data"]);
        assert_eq!(
            hclx::inline(&a.lt_vars["aws_autoscaling_group.g"][0].1),
            "aws_launch_template.lt.id"
        );
        assert!(f["lt"].given.contains_key("aws_launch_template.lt"));

        // Something else of its module launching it keeps it home.
        let shared = format!(
            "{lt}\nresource \"aws_instance\" \"i\" {{\n launch_template {{ id = aws_launch_template.lt.id }}\n}}"
        );
        let f = facts(&[
            ("main.tf", root),
            ("lt/main.tf", &shared),
            ("asg/main.tf", asg),
        ]);
        assert!(f.get("asg").is_none_or(|a| a.adopted.is_empty()));
        assert!(f.get("lt").is_none_or(|l| l.given.is_empty()));
    }

    #[test]
    fn a_load_balancer_targets_the_pool_of_another_module_by_tag() {
        let f = facts(&[
            (
                "main.tf",
                r#"
                resource "aws_lb" "web" { name = "Web-Edge" }
                resource "aws_lb_target_group" "web" { port = 80 }
                resource "aws_lb_listener" "http" {
                  load_balancer_arn = aws_lb.web.arn
                  default_action {
                    type             = "forward"
                    target_group_arn = aws_lb_target_group.web.arn
                  }
                }
                module "elb" { source = "./elb" }
                module "asg" {
                  source = "./asg"
                  tg_arn = aws_lb_target_group.web.arn
                  elb_id = module.elb.id
                }"#,
            ),
            (
                "elb/main.tf",
                r#"
                variable "env" {}
                resource "aws_elb" "classic" { name = "${var.env}-elb" }
                output "id" { value = aws_elb.classic.id }"#,
            ),
            (
                "asg/main.tf",
                r#"
                variable "tg_arn" {}
                variable "elb_id" {}
                resource "aws_autoscaling_group" "g" {
                  target_group_arns = [var.tg_arn]
                  load_balancers    = [var.elb_id]
                }"#,
            ),
        ]);
        let tags: Vec<(String, String)> = f["asg"].pool_tags["aws_autoscaling_group.g"]
            .iter()
            .map(|(lb, t)| (lb.clone(), hclx::inline(t)))
            .collect();
        // A name its module knows, lowercased; one it does not: the folder and resource name.
        assert_eq!(
            tags,
            [
                (
                    "aws_lb.web".to_string(),
                    "\"lb:web-edge-${var.instance_id}\"".to_string()
                ),
                (
                    "elb/aws_elb.classic".to_string(),
                    "\"lb:elb-classic-${var.instance_id}\"".to_string()
                ),
            ]
        );
        let root = &f[""];
        assert_eq!(hclx::inline(&root.lb_tags["aws_lb.web"]), tags[0].1);
        for a in ["aws_lb.web", "aws_lb_target_group.web"] {
            assert_eq!(root.foreign_pools[a], ["asg/aws_autoscaling_group.g"]);
        }
        assert_eq!(
            f["elb"].foreign_pools["aws_elb.classic"],
            ["asg/aws_autoscaling_group.g"]
        );

        // The load balancer's folder called twice: its two load balancers cannot share a tag.
        let f = facts(&[
            (
                "main.tf",
                r#"
                module "lb1" { source = "./lb" }
                module "lb2" { source = "./lb" }
                module "asg" {
                  source = "./asg"
                  elb_id = module.lb1.id
                }"#,
            ),
            (
                "lb/main.tf",
                r#"
                resource "aws_elb" "classic" { name = "edge" }
                output "id" { value = aws_elb.classic.id }"#,
            ),
            (
                "asg/main.tf",
                r#"
                variable "elb_id" {}
                resource "aws_autoscaling_group" "g" { load_balancers = [var.elb_id] }"#,
            ),
        ]);
        assert!(f.get("asg").is_none_or(|a| a.pool_tags.is_empty()));
        assert!(f.get("lb").is_none_or(|l| l.lb_tags.is_empty()));
    }

    #[test]
    fn anything_else_reading_the_load_balancer_keeps_it_home() {
        // A DNS record of the load balancer's module reads it.
        let lb = format!(
            "{LB}\nresource \"aws_route53_record\" \"www\" {{ records = [aws_lb.app.dns_name] }}"
        );
        // A listener certificate from a variable with no value.
        let tls = LB.replace("port              = 80\n", "certificate_arn = var.cert\n");
        for lb in [lb, tls] {
            let f = facts(&[
                (
                    "main.tf",
                    "module \"lb\" { source = \"./lb\" }\nmodule \"ecs\" {\n source = \"./ecs\"\n tg = module.lb.tg\n}",
                ),
                ("lb/main.tf", &lb),
                ("ecs/main.tf", ECS),
            ]);
            assert!(f.get("ecs").is_none_or(|x| x.adopted.is_empty()));
            assert!(f.get("lb").is_none_or(|x| x.given.is_empty()));
        }
    }

    #[test]
    fn two_load_balancers_of_one_address_are_not_both_adopted() {
        let ecs = r#"
            variable "a" {}
            variable "b" {}
            resource "aws_ecs_service" "a" {
              load_balancer { target_group_arn = var.a }
            }
            resource "aws_ecs_service" "b" {
              load_balancer { target_group_arn = var.b }
            }
        "#;
        let f = facts(&[
            (
                "main.tf",
                r#"
                module "lb1" { source = "./lb1" }
                module "lb2" { source = "./lb2" }
                module "ecs" {
                  source = "./ecs"
                  a      = module.lb1.tg
                  b      = module.lb2.tg
                }"#,
            ),
            ("lb1/main.tf", LB),
            ("lb2/main.tf", LB),
            ("ecs/main.tf", ecs),
        ]);
        assert_eq!(f["ecs"].adopted.len(), 3);
        assert!(f["ecs"].adopted.iter().all(|(d, _)| d == "lb1"));
        assert_eq!(f["lb1"].given.len(), 3);
        assert!(f.get("lb2").is_none_or(|x| x.given.is_empty()));
        // Only the adopted group's variable is read as the group.
        assert_eq!(f["ecs"].tg_vars.len(), 1);
    }

    const ALIAS: &str = r#"
        resource "aws_route53_record" "www" {
          name = "www"
          type = "A"
          alias {
            name    = module.lb.dns
            zone_id = module.lb.zone
          }
        }"#;

    #[test]
    fn an_alias_to_another_modules_load_balancer_reads_its_address() {
        let lb = format!(
            "{LB}\noutput \"dns\" {{ value = aws_lb.app.dns_name }}\noutput \"zone\" {{ value = aws_lb.app.zone_id }}"
        );
        // No ECS service: the load balancer stays home, its output carries the IP.
        let f = facts(&[
            (
                "main.tf",
                &format!("module \"lb\" {{ source = \"./lb\" }}\n{ALIAS}"),
            ),
            ("lb/main.tf", &lb),
        ]);
        assert_eq!(f[""].lb_ips["module.lb.dns"], "lb/aws_lb.app");
        assert!(f[""].module_reads.is_empty());
        // Adopted by the ECS module: the root reads the ECS module's new output.
        let root = format!(
            "module \"lb\" {{ source = \"./lb\" }}\nmodule \"ecs\" {{\n source = \"./ecs\"\n tg = module.lb.tg\n}}\n{ALIAS}"
        );
        let f = facts(&[
            ("main.tf", &root),
            ("lb/main.tf", &lb),
            ("ecs/main.tf", ECS),
        ]);
        assert_eq!(
            hclx::inline(&f[""].module_reads["module.lb.dns"]),
            "module.ecs.lb_dns"
        );
        assert_eq!(f[""].lb_ips["module.ecs.lb_dns"], "lb/aws_lb.app");
        let out = &f["ecs"].exports[0];
        assert_eq!(out.name, "lb_dns");
        assert_eq!(
            hclx::attr(&out.body, "value").map(hclx::inline).as_deref(),
            Some("aws_lb.app.dns_name")
        );
        // The zone is not an address: not re-exported.
        assert!(!f[""].module_reads.contains_key("module.lb.zone"));
    }

    #[test]
    fn an_adopted_address_is_not_redirected_across_callers() {
        // The ECS module is called from `app`, the LB module from the root: no one folder
        // reads both, so nothing is redirected and the alias keeps today's diagnostics.
        let lb = format!("{LB}\noutput \"dns\" {{ value = aws_lb.app.dns_name }}");
        let f = facts(&[
            (
                "main.tf",
                &format!(
                    "module \"lb\" {{ source = \"./lb\" }}\nmodule \"app\" {{\n source = \"./app\"\n tg = module.lb.tg\n}}\n{ALIAS}"
                ),
            ),
            (
                "app/main.tf",
                "variable \"tg\" {}\nmodule \"ecs\" {\n source = \"../ecs\"\n tg = var.tg\n}",
            ),
            ("lb/main.tf", &lb),
            ("ecs/main.tf", ECS),
        ]);
        assert_eq!(f["ecs"].adopted.len(), 3);
        assert!(f["ecs"].exports.is_empty());
        assert!(f.values().all(|x| x.module_reads.is_empty()));
        assert!(f.get("").is_none_or(|x| x.lb_ips.is_empty()));
    }

    #[test]
    fn module_cycles_and_self_calls_end() {
        let f = facts(&[
            (
                "main.tf",
                "module \"a\" {\n source = \"./a\"\n x = var.x\n}\nvariable \"x\" {}",
            ),
            (
                "a/main.tf",
                "variable \"x\" {}\nmodule \"b\" {\n source = \"../b\"\n y = var.x\n}\nmodule \"me\" {\n source = \"./\"\n x = var.x\n}",
            ),
            (
                "b/main.tf",
                "variable \"y\" {}\nmodule \"a\" {\n source = \"../a\"\n x = var.y\n}\nresource \"aws_cloudfront_distribution\" \"d\" {\n origin { domain_name = var.y }\n}",
            ),
        ]);
        assert!(
            f.values()
                .all(|x| x.buckets.is_empty() && x.adopted.is_empty())
        );
    }
}
