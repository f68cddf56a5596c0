//! EKS → DigitalOcean Kubernetes (DOKS): the cluster with its required default node pool, further
//! node groups as node pools, and the EKS-only resources around them (add-ons, Fargate profiles,
//! access entries), which DOKS either provides or has no use for. (EKS cluster lookups are
//! mapped by the catalog: `rules::catalog`.)
//!
//! Facts: `aws-to-do-mapping-facts.md` §2 "EKS → DOKS"; sizes in `facts::droplet`.

use super::ec2::{
    instances, iterations, launch_template_of, repeat_name, retarget, safe_name, size_slug,
    substitute, tags_unmapped,
};
use super::{Cx, Export, Phase, RuleDef};
use crate::diag::{Code, Diagnostic};
use crate::facts::{self, droplet};
use crate::hclx;
use crate::origin::{Meta, Mode, Resource};
use crate::out::{Item, OutBlock, OutBody};
use hcl::{Body, Expression};

pub const RULES: &[RuleDef] = &[
    RuleDef {
        ty: "aws_eks_cluster",
        mode: Mode::Managed,
        phase: Phase::Primary,
        produces: &[
            "digitalocean_kubernetes_cluster",
            "digitalocean_kubernetes_versions",
        ],
        args: &[
            "name",
            "role_arn",
            "version",
            "vpc_config",
            "kubernetes_network_config",
            "bootstrap_self_managed_addons",
        ],
        summary: "EKS cluster → digitalocean_kubernetes_cluster (version via digitalocean_kubernetes_versions; first node group → the default node_pool)",
        map: cluster,
    },
    RuleDef {
        ty: "aws_eks_node_group",
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &["digitalocean_kubernetes_node_pool"],
        args: &[
            "cluster_name",
            "node_group_name",
            "node_group_name_prefix",
            "node_role_arn",
            "subnet_ids",
            "instance_types",
            "scaling_config",
            "labels",
            "taint",
            "ami_type",
            "capacity_type",
            "disk_size",
            "launch_template",
            "update_config",
            "version",
            "release_version",
            "force_update_version",
        ],
        summary: "managed node group → the cluster's default node_pool (first group) or digitalocean_kubernetes_node_pool",
        map: node_group,
    },
    RuleDef {
        ty: "aws_eks_fargate_profile",
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &[],
        args: &[
            "cluster_name",
            "fargate_profile_name",
            "pod_execution_role_arn",
            "subnet_ids",
            "selector",
        ],
        summary: "Fargate profile → absorbed into the cluster (its pods run on the node pools)",
        map: fargate_profile,
    },
    RuleDef {
        ty: "aws_eks_addon",
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &[],
        args: &[
            "cluster_name",
            "addon_name",
            "addon_version",
            "resolve_conflicts",
            "resolve_conflicts_on_create",
            "resolve_conflicts_on_update",
            "service_account_role_arn",
            "configuration_values",
            "preserve",
        ],
        summary: "EKS add-on → dropped (DOKS ships its CNI, CoreDNS and block-storage CSI driver)",
        map: addon,
    },
    RuleDef {
        ty: "aws_eks_access_entry",
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &[],
        args: &[],
        summary: "EKS access entry → dropped (DOKS access comes from DigitalOcean tokens and Kubernetes RBAC)",
        map: access,
    },
    RuleDef {
        ty: "aws_eks_access_policy_association",
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &[],
        args: &[],
        summary: "EKS access policy association → dropped (use Kubernetes RBAC)",
        map: access,
    },
    RuleDef {
        ty: "aws_eks_identity_provider_config",
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &[],
        args: &[],
        summary: "EKS OIDC identity provider → dropped (DOKS has no IAM OIDC integration)",
        map: access,
    },
    RuleDef {
        ty: "aws_eks_pod_identity_association",
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &[],
        args: &[],
        summary: "EKS pod identity association → dropped (DOKS has no IAM)",
        map: access,
    },
];

// ---- the cluster -------------------------------------------------------------------------------

/// Node groups of a cluster, in source order.
fn node_groups<'a>(cx: &Cx<'a>, cluster: &Resource) -> Vec<&'a Resource> {
    cx.referencing("aws_eks_node_group", "cluster_name", cluster)
}

/// The node group that becomes the cluster's required inline `node_pool`: the first one that
/// is not repeated with `count` / `for_each`, else the first instance of the first group whose
/// `count` / `for_each` is known and not empty.
struct DefaultPool<'a> {
    group: &'a Resource,
    /// For a repeated group: its first instance (body bound, no meta-arguments) and what
    /// becomes of the other instances.
    first: Option<(Resource, Rest)>,
}

impl DefaultPool<'_> {
    /// The resource the inline pool is built from.
    fn source(&self) -> &Resource {
        self.first.as_ref().map_or(self.group, |(f, _)| f)
    }
}

/// The instances of a repeated default group after the first one.
enum Rest {
    /// The group has one instance only.
    None,
    /// `count` (as written) of two or more: instances `1..count` remain.
    Count(Expression),
    /// `for_each` of two or more elements: all but the first key remain (`set`: a set).
    Keys { first: hcl::Value, set: bool },
}

fn default_group<'a>(cx: &Cx<'a>, cluster: &Resource) -> Option<DefaultPool<'a>> {
    let groups = node_groups(cx, cluster);
    if let Some(g) = groups.iter().find(|g| !g.meta.is_repeated()) {
        return Some(DefaultPool {
            group: g,
            first: None,
        });
    }
    groups.into_iter().find_map(|g| {
        first_instance(cx, g).map(|f| DefaultPool {
            group: g,
            first: Some(f),
        })
    })
}

/// The first instance of a repeated group, when its `count` / `for_each` is static and not
/// empty.
fn first_instance(cx: &Cx<'_>, g: &Resource) -> Option<(Resource, Rest)> {
    if let Some(c) = &g.meta.count {
        let n = cx.eval.number(c)?;
        if n < 1.0 {
            return None;
        }
        let res = bound(cx, g, "count", &[("index", hcl::Value::from(0u64))]);
        let rest = if n >= 2.0 {
            Rest::Count(c.clone())
        } else {
            Rest::None
        };
        return Some((res, rest));
    }
    let v = cx.eval.value(g.meta.for_each.as_ref()?)?;
    let set = matches!(v, hcl::Value::Array(_));
    let items = iterations(v)?;
    let n = items.len();
    let (key, value) = items.into_iter().next().map(each_binding)?;
    let res = bound(cx, g, "each", &[("key", key.clone()), ("value", value)]);
    let rest = if n >= 2 {
        Rest::Keys { first: key, set }
    } else {
        Rest::None
    };
    Some((res, rest))
}

/// `each.key` / `each.value` of a `for_each` element (over a set, both are the element).
fn each_binding((k, v): (hcl::Value, hcl::Value)) -> (hcl::Value, hcl::Value) {
    match (&k, &v) {
        (hcl::Value::Number(_), hcl::Value::String(_)) => (v.clone(), v),
        _ => (k, v),
    }
}

/// One instance of a repeated group: `count.index` / `each.*` bound everywhere in the body
/// (nested blocks included), what became static folded, meta-arguments gone.
fn bound(cx: &Cx<'_>, g: &Resource, root: &str, bindings: &[(&str, hcl::Value)]) -> Resource {
    let mut body = g.body.clone();
    hclx::walk_body_mut(&mut body, &mut |e| {
        let before = e.clone();
        substitute(e, root, bindings);
        if *e != before
            && let Some(v) = cx.eval.value(e)
        {
            *e = crate::eval::value_to_expr(&v);
        }
        false
    });
    Resource::new(
        g.mode,
        g.ty.clone(),
        g.name.clone(),
        body,
        Meta::default(),
        g.loc.clone(),
        g.attr_locs.clone(),
    )
}

/// The first entry of an `instance_types` list, when its value is known.
fn first_instance_type(cx: &Cx<'_>, types: &Expression) -> Option<String> {
    match cx.eval.value(types)? {
        hcl::Value::Array(items) => match items.into_iter().next()? {
            hcl::Value::String(s) => Some(s),
            _ => None,
        },
        _ => None,
    }
}

/// The droplet size of one node group instance (F304 when it is not an exact match; the
/// report drops the copies of what the representative instance already said).
fn instance_size(cx: &mut Cx<'_>, ng: &Resource) -> &'static str {
    let first = hclx::attr(&ng.body, "instance_types").and_then(|e| first_instance_type(cx, e));
    let itype = first
        .or_else(|| {
            launch_template_of(cx, ng)
                .and_then(|t| hclx::attr(&t.body, "instance_type"))
                .and_then(|e| cx.eval.string(e))
        })
        .unwrap_or_else(|| droplet::EKS_DEFAULT_INSTANCE_TYPE.into());
    size_slug(cx, ng, "instance_types", Some(&itype), "instance type")
}

/// The instances of a repeated group (`skip` first ones left out) with their `count.index` /
/// `each.key`, when static.
fn group_instances(cx: &Cx<'_>, g: &Resource, skip: usize) -> Option<Vec<(hcl::Value, Resource)>> {
    if let Some(c) = &g.meta.count {
        let n = cx.eval.number(c).filter(|n| *n >= 0.0)? as u64;
        return Some(
            (skip as u64..n.min(1000))
                .map(|i| {
                    let idx = hcl::Value::from(i);
                    (idx.clone(), bound(cx, g, "count", &[("index", idx)]))
                })
                .collect(),
        );
    }
    let v = cx.eval.value(g.meta.for_each.as_ref()?)?;
    Some(
        iterations(v)?
            .into_iter()
            .skip(skip)
            .take(1000)
            .map(each_binding)
            .map(|(k, v)| (k.clone(), bound(cx, g, "each", &[("key", k), ("value", v)])))
            .collect(),
    )
}

/// A repeated pool whose instances map to different droplet sizes gets its size per instance:
/// `lookup({ gpu = "g-4vcpu-16gb", … }, each.key, <first>)` or `element([…], count.index)`
/// (`count.index` counting the emitted instances). The sizes are those of the instances the
/// origin's values give; `element` (wrapping) and `lookup` (falling back on the first size)
/// keep the pool valid when the count or the keys differ at deploy time.
fn size_per_instance(cx: &mut Cx<'_>, g: &Resource, skip: usize, body: &mut OutBody) {
    let Some(instances) = group_instances(cx, g, skip) else {
        return;
    };
    let sizes: Vec<(hcl::Value, &str)> = instances
        .iter()
        .map(|(k, r)| (k.clone(), instance_size(cx, r)))
        .collect();
    let Some((_, first)) = sizes.first() else {
        return;
    };
    if sizes.iter().all(|(_, s)| s == first) {
        body.set("size", Expression::String((*first).to_string()));
        return;
    }
    let text = if g.meta.count.is_some() {
        let items: Vec<String> = sizes.iter().map(|(_, s)| format!("\"{s}\"")).collect();
        format!("element([{}], count.index)", items.join(", "))
    } else {
        let items: Vec<String> = sizes
            .iter()
            .map(|(k, s)| {
                let key = match k {
                    hcl::Value::String(k) => k.clone(),
                    other => other.to_string(),
                };
                format!("{} = \"{s}\"", hclx::inline(&Expression::String(key)))
            })
            .collect();
        format!("lookup({{ {} }}, each.key, \"{first}\")", items.join(", "))
    };
    if let Ok(e) = hclx::parse_expr(&text) {
        body.set("size", e);
    }
}

/// Outputs that print the AWS CLI command for the cluster's kubeconfig (`aws eks
/// update-kubeconfig --name …`, arguments in any order) print DigitalOcean's instead:
/// `doctl kubernetes cluster kubeconfig save <cluster>`. The cluster is the one the command
/// names when it reads a `digitalocean_kubernetes_cluster`, else the module's only DOKS cluster;
/// with neither, the output is left as written. Runs on outputs after references are rewritten.
pub fn kubeconfig_commands(
    outputs: &mut [crate::origin::Named],
    emitted: &[crate::out::Emitted],
    diags: &mut Vec<Diagnostic>,
) {
    const DOKS: &str = "digitalocean_kubernetes_cluster";
    let mut clusters = emitted
        .iter()
        .filter(|e| e.mode == Mode::Managed && e.ty == DOKS);
    let only = match (clusters.next(), clusters.next()) {
        (Some(c), None) if c.meta.count.is_none() && c.meta.for_each.is_none() => {
            Some(format!("${{{DOKS}.{}.name}}", c.name))
        }
        _ => None,
    };
    for o in outputs {
        let text = match hclx::attr(&o.body, "value") {
            Some(Expression::String(s)) => s.clone(),
            Some(Expression::TemplateExpr(t)) => match &**t {
                hcl::expr::TemplateExpr::QuotedString(s) => s.clone(),
                _ => continue,
            },
            _ => continue,
        };
        if !(text.trim_start().starts_with("aws eks") && text.contains("update-kubeconfig")) {
            continue;
        }
        let named = command_name(&text).filter(|n| n.contains(&format!("{DOKS}.")));
        let Some(cluster) = named.or(only.clone()) else {
            continue;
        };
        o.body = std::mem::take(&mut o.body)
            .into_iter()
            .map(|s| match s {
                hcl::Structure::Attribute(a) if a.key.as_str() == "value" => {
                    hcl::Structure::Attribute(hcl::Attribute::new(
                        "value",
                        hclx::template(format!(
                            "doctl kubernetes cluster kubeconfig save {cluster}"
                        )),
                    ))
                }
                other => other,
            })
            .collect();
        diags.push(
            Diagnostic::new(
                Code::NearestMatch,
                format!(
                    "`output.{}` printed an AWS CLI command (`aws eks update-kubeconfig`); it prints DigitalOcean's for the cluster instead: `doctl kubernetes cluster kubeconfig save {cluster}`",
                    o.name
                ),
            )
            .at(o.loc.clone())
            .help("doctl authenticates with a DigitalOcean token (`doctl auth init`)"),
        );
    }
}

/// What follows `--name` (or `--name=`) in a command line: an interpolation as written, or a
/// word.
fn command_name(text: &str) -> Option<String> {
    let at = text.find("--name")? + "--name".len();
    let rest = text[at..].trim_start_matches([' ', '=']);
    if rest.starts_with("${") {
        let mut depth = 0usize;
        for (i, c) in rest.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return Some(rest[..=i].to_string());
                    }
                }
                _ => {}
            }
        }
        return None;
    }
    let word: String = rest.chars().take_while(|c| !c.is_whitespace()).collect();
    (!word.is_empty()).then_some(word)
}

fn cluster(r: &Resource, cx: &mut Cx<'_>) {
    let mut body = OutBody::new();
    // DOKS cluster names: lower-case letters, digits and `-`.
    let name = repeat_name(cx, r, cx.expr(r, "name"), true);
    body.set("name", name);
    body.set("region", cx.region());
    body.set("version", Expression::Null);
    body.set_opt("vpc_uuid", cx.vpc_id(r));
    // The EKS control plane always runs highly available across zones.
    body.set("ha", Expression::Bool(true));
    for knc in hclx::blocks(&r.body, "kubernetes_network_config") {
        if let Some(cidr) = hclx::attr(&knc, "service_ipv4_cidr") {
            body.set("service_subnet", cidr.clone());
        }
        if hclx::attr(&knc, "ip_family")
            .and_then(|e| cx.eval.string(e))
            .as_deref()
            == Some("ipv6")
        {
            cx.diag(
                Diagnostic::new(
                    Code::FeatureUnsupported,
                    format!("`{}`: DOKS clusters are IPv4; `ip_family = \"ipv6\"` is not carried over", r.address()),
                )
                .at(r.loc_of("kubernetes_network_config"))
                .resource(r.address())
                .help("expose IPv6 clients through a load balancer with `network_stack = \"DUALSTACK\"`"),
            );
        }
    }
    body.set("tags", cx.tags());

    // The required default node pool.
    let pool = match default_group(cx, r) {
        Some(d) => pool_body(cx, d.source(), false),
        None => {
            let mut p = OutBody::new();
            p.set("name", Expression::String("default".into()));
            p.set("size", Expression::String(droplet::DEFAULT_SIZE.into()));
            p.set("auto_scale", Expression::Bool(true));
            p.set("min_nodes", Expression::Number(2.into()));
            p.set("max_nodes", Expression::Number(4.into()));
            p.set("tags", cx.tags());
            let why = if cx
                .origin_of_type("aws_eks_fargate_profile")
                .any(|f| super::ec2::body_mentions(&f.body, &["cluster_name"], r))
            {
                "its pods run on Fargate"
            } else if !node_groups(cx, r).is_empty() {
                "its node groups repeat with a `count` / `for_each` that is empty or not known at compile time"
            } else {
                "it has no managed node group in its module"
            };
            cx.diag(
                Diagnostic::new(
                    Code::NearestMatch,
                    format!(
                        "`{}`: {why}; a DOKS cluster needs a node pool, so Ferry gave it a default pool of `{}` nodes autoscaling from 2 to 4",
                        r.address(),
                        droplet::DEFAULT_SIZE
                    ),
                )
                .at(r.loc.clone())
                .resource(r.address())
                .help("add an `aws_eks_node_group` for the cluster in its module to choose the size and node count, or edit `node_pool` in the deployment stack"),
            );
            p
        }
    };
    body.items.push(Item::Block(OutBlock {
        ident: "node_pool".into(),
        labels: vec![],
        body: pool,
    }));

    // API endpoint access.
    for vc in hclx::blocks(&r.body, "vpc_config") {
        let cidrs = hclx::attr(&vc, "public_access_cidrs")
            .or_else(|| hclx::attr(&vc, "endpoint_public_access_cidrs"))
            .cloned();
        let open = cidrs
            .as_ref()
            .and_then(|c| cx.eval.value(c))
            .is_some_and(|v| match v {
                hcl::Value::Array(items) => items
                    .iter()
                    .any(|i| matches!(i, hcl::Value::String(s) if s == "0.0.0.0/0")),
                _ => false,
            });
        if let Some(c) = cidrs.filter(|_| !open) {
            let fw = body.block("control_plane_firewall");
            fw.set("enabled", Expression::Bool(true));
            fw.set("allowed_addresses", c);
        }
        if hclx::attr(&vc, "endpoint_public_access").and_then(|e| cx.eval.bool(e)) == Some(false) {
            cx.diag(
                Diagnostic::new(
                    Code::FeatureUnsupported,
                    format!("`{}`: the DOKS API endpoint is always public; a private-only endpoint is not carried over", r.address()),
                )
                .at(r.loc_of("vpc_config"))
                .resource(r.address())
                .help("restrict who reaches the API with `control_plane_firewall { allowed_addresses = [...] }` (from `public_access_cidrs`)"),
            );
        }
    }

    let addr = cx.emit(r, "digitalocean_kubernetes_cluster", body);

    // Version: newest DOKS release of the origin's minor version, resolved at apply time.
    let version = cx.str(r, "version");
    let prefix = version.as_deref().and_then(minor_prefix);
    // A minor DOKS no longer offers → the nearest one it does (the oldest offered).
    let retired = version
        .as_deref()
        .and_then(minor_of)
        .filter(|&(major, minor)| major == 1 && minor < facts::DOKS_OLDEST_MINOR);
    let prefix = match retired {
        Some(_) => Some(format!("1.{}.", facts::DOKS_OLDEST_MINOR)),
        None => prefix,
    };
    let mut vb = OutBody::new();
    if let Some(p) = &prefix {
        vb.set("version_prefix", Expression::String(p.clone()));
    }
    let data = cx.emit_as(
        r,
        Mode::Data,
        "digitalocean_kubernetes_versions",
        &r.name,
        vb,
    );
    if let Some(d) = cx.emitted_mut(&data) {
        d.meta = Meta::default();
    }
    let latest: Expression = format!("{data}.latest_version")
        .parse()
        .unwrap_or(Expression::String("latest".into()));
    if let Some(c) = cx.emitted_mut(&addr) {
        c.body.set("version", latest);
    }
    match (&version, &prefix) {
        (Some(v), Some(p)) if retired.is_some() => cx.diag(
            Diagnostic::new(
                Code::NearestMatch,
                format!(
                    "`{}`: DOKS no longer offers Kubernetes {v}; the cluster runs the newest `{p}x` release, the nearest minor version DOKS offers, looked up by `{data}` when the stack is applied",
                    r.address()
                ),
            )
            .at(r.loc_of("version"))
            .resource(r.address())
            .help(format!("check the workloads against the Kubernetes APIs removed since {v}{}; if DOKS has retired {}.x as well, the lookup finds none and the apply fails: raise `version` then", removed_since(retired.map_or(0, |(_, m)| m)), p.trim_end_matches('.'))),
        ),
        (Some(v), Some(p)) => cx.diag(
            Diagnostic::new(
                Code::KubernetesVersionAtApply,
                format!(
                    "`{}`: Kubernetes {v} → the newest DOKS `{p}x` release, looked up by `{data}` when the stack is applied",
                    r.address()
                ),
            )
            .at(r.loc_of("version"))
            .resource(r.address())
            .help(format!("DOKS offers only recent minor versions: if {v} is no longer offered the lookup finds none and the apply fails; raise `version` then")),
        ),
        (Some(v), None) => cx.diag(
            Diagnostic::new(
                Code::NearestMatch,
                format!("`{}`: `version = \"{v}\"` is not a Kubernetes minor version Ferry can read; the cluster uses the newest DOKS release", r.address()),
            )
            .at(r.loc_of("version"))
            .resource(r.address())
            .help("write the version as `1.<minor>` (e.g. `1.31`)"),
        ),
        _ => {}
    }

    cluster_exports(cx, r, &addr);
}

/// Well-known API removals after Kubernetes `1.<minor>`, up to the oldest minor DOKS offers
/// (Kubernetes deprecated API migration guide), as a parenthesised list or nothing.
fn removed_since(minor: u32) -> String {
    const REMOVALS: &[(u32, &str)] = &[
        (
            16,
            "`extensions/v1beta1` Deployments and DaemonSets in 1.16",
        ),
        (
            22,
            "`extensions/v1beta1` and `networking.k8s.io/v1beta1` Ingress in 1.22",
        ),
        (25, "PodSecurityPolicy and `batch/v1beta1` CronJob in 1.25"),
        (26, "`autoscaling/v2beta2` HorizontalPodAutoscaler in 1.26"),
        (29, "`flowcontrol.apiserver.k8s.io/v1beta2` in 1.29"),
    ];
    let hits: Vec<&str> = REMOVALS
        .iter()
        .filter(|(m, _)| *m > minor && *m <= facts::DOKS_OLDEST_MINOR)
        .map(|(_, t)| *t)
        .collect();
    if hits.is_empty() {
        String::new()
    } else {
        format!(" ({})", hits.join(", "))
    }
}

/// `"1.29"` / `"1.29.3"` → `(1, 29)`.
fn minor_of(v: &str) -> Option<(u32, u32)> {
    let p = minor_prefix(v)?;
    let mut parts = p.trim_end_matches('.').split('.');
    Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
}

/// `"1.29"` / `"1.29.3"` → `"1.29."`.
fn minor_prefix(v: &str) -> Option<String> {
    let mut parts = v.trim().trim_start_matches('v').split('.');
    let major = parts.next()?;
    let minor = parts.next()?;
    if major.is_empty()
        || minor.is_empty()
        || !major.chars().all(|c| c.is_ascii_digit())
        || !minor.chars().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    Some(format!("{major}.{minor}."))
}

fn cluster_exports(cx: &mut Cx<'_>, r: &Resource, addr: &str) {
    tags_unmapped(cx, r);
    cx.export_attrs(
        r,
        addr,
        &[
            ("endpoint", "endpoint"),
            ("name", "name"),
            ("id", "id"),
            ("cluster_id", "id"),
            ("arn", "urn"),
            ("version", "version"),
            ("status", "status"),
            ("created_at", "created_at"),
        ],
    );
    cx.export(
        r,
        "certificate_authority",
        Export::Tmpl {
            target: addr.to_string(),
            tmpl: "$T.kube_config[0].cluster_ca_certificate".into(),
        },
    );
    cx.export(
        r,
        "kubernetes_network_config",
        Export::Unmapped("read `service_subnet` of the DOKS cluster instead".into()),
    );
    cx.export(
        r,
        "identity",
        Export::Unmapped("DOKS has no IAM OIDC provider".into()),
    );
    cx.export(
        r,
        "vpc_config",
        Export::Unmapped(
            "DOKS has no cluster security group or ENIs; the cluster sits in its VPC (`vpc_uuid`)"
                .into(),
        ),
    );
    cx.export(
        r,
        "platform_version",
        Export::Unmapped("DOKS has no EKS platform versions".into()),
    );
}

/// The tags of a node group's pool: the appliance's, and the tag of each load balancer whose
/// target groups the group's Auto Scaling group is attached to (`lb::pool_lbs`), which the load
/// balancer targets with `droplet_tag` (the NodePort pattern).
fn pool_tags(cx: &Cx<'_>, ng: &Resource) -> Expression {
    let mut tags = match cx.tags() {
        Expression::Array(items) => items,
        other => vec![other],
    };
    for lb in super::lb::pool_lbs(cx, ng) {
        tags.push(super::lb::pool_tag(cx, lb));
    }
    Expression::Array(tags)
}

/// The body of a node pool (the cluster's `node_pool` block, or a
/// `digitalocean_kubernetes_node_pool` without its `cluster_id`) for a managed node group.
fn pool_body(cx: &mut Cx<'_>, ng: &Resource, separate: bool) -> OutBody {
    let mut b = OutBody::new();
    let name = match cx.expr(ng, "node_group_name").or_else(|| {
        cx.expr(ng, "node_group_name_prefix")
            .map(|p| super::ec2::prefix_name(cx, p))
    }) {
        Some(n) => safe_name(cx, &n, true),
        None => {
            let base =
                hclx::escape_template_literal(&ng.name.replace('_', "-").to_ascii_lowercase());
            match super::ec2::index_part(ng).filter(|_| separate) {
                Some(idx) => hclx::template(format!("{base}-{idx}")),
                None => Expression::String(base),
            }
        }
    };
    b.set("name", name);

    // Size: the first instance type, else the launch template's, else EKS's default.
    let types = cx.expr(ng, "instance_types");
    let first = types.as_ref().and_then(|e| first_instance_type(cx, e));
    let from_lt = launch_template_of(cx, ng)
        .and_then(|t| hclx::attr(&t.body, "instance_type"))
        .and_then(|e| cx.eval.string(e));
    if types.is_some() && first.is_none() {
        cx.diag(
            Diagnostic::new(
                Code::NotStatic,
                format!("`instance_types` of `{}` is not known at compile time; Ferry used `{}`", ng.address(), droplet::EKS_DEFAULT_INSTANCE_TYPE),
            )
            .at(ng.loc_of("instance_types"))
            .resource(ng.address())
            .help("give `instance_types` a literal value or a variable default so Ferry can choose the droplet size"),
        );
    }
    let itype = first
        .or(from_lt)
        .unwrap_or_else(|| droplet::EKS_DEFAULT_INSTANCE_TYPE.into());
    let size = size_slug(cx, ng, "instance_types", Some(&itype), "instance type");
    b.set("size", Expression::String(size.into()));

    // Node count and autoscaling.
    let sc = hclx::blocks(&ng.body, "scaling_config").into_iter().next();
    let get = |k: &str| sc.as_ref().and_then(|s| hclx::attr(s, k).cloned());
    let (desired, min, max) = (get("desired_size"), get("min_size"), get("max_size"));
    let n = |e: &Option<Expression>| e.as_ref().and_then(|x| cx.eval.number(x));
    let (min_v, max_v) = (n(&min), n(&max));
    match (&min, &max) {
        (Some(mn), Some(mx)) if min_v.is_none() || max_v.is_none() || min_v != max_v => {
            b.set("auto_scale", Expression::Bool(true));
            let min_nodes = match min_v {
                Some(v) if v < 1.0 => {
                    cx.diag(
                        Diagnostic::new(
                            Code::NearestMatch,
                            format!("`{}`: `min_size = {v}` → `min_nodes = 1`; DOKS node pools autoscale down to one node at least", ng.address()),
                        )
                        .at(ng.loc_of("scaling_config"))
                        .resource(ng.address())
                        .help("scale-to-zero is not generally available on DOKS; keep one node or remove the pool when idle"),
                    );
                    Expression::Number(1.into())
                }
                Some(_) => mn.clone(),
                None => format!("max(1, {})", hclx::inline(mn))
                    .parse()
                    .unwrap_or_else(|_| mn.clone()),
            };
            b.set("min_nodes", min_nodes);
            b.set("max_nodes", mx.clone());
        }
        _ => {
            let count = desired
                .or(min)
                .or(max)
                .unwrap_or(Expression::Number(2.into()));
            b.set("node_count", count);
        }
    }
    b.set_opt("labels", cx.expr(ng, "labels"));
    b.set("tags", pool_tags(cx, ng));
    for t in hclx::blocks(&ng.body, "taint") {
        let tb = b.block("taint");
        taint_body(cx, &t, tb);
    }
    // What a DOKS node pool cannot express.
    if cx.str(ng, "capacity_type").as_deref() == Some("SPOT") {
        cx.diag(
            Diagnostic::new(
                Code::FeatureUnsupported,
                format!(
                    "`{}`: DigitalOcean has no spot capacity; the pool runs on regular droplets",
                    ng.address()
                ),
            )
            .at(ng.loc_of("capacity_type"))
            .resource(ng.address())
            .help("budget for on-demand pricing, or scale the pool down when idle"),
        );
    }
    if let Some(gib) = cx.num(ng, "disk_size") {
        cx.diag(
            Diagnostic::new(
                Code::FeatureUnsupported,
                format!("`{}`: DOKS node disks are fixed by the droplet size (`{size}`); `disk_size = {gib}` is not carried over", ng.address()),
            )
            .at(ng.loc_of("disk_size"))
            .resource(ng.address())
            .help("keep data on persistent volumes (DOKS storage class `do-block-storage`), or choose a larger size"),
        );
    }
    if cx.str(ng, "ami_type").is_some_and(|a| a.contains("ARM"))
        && !droplet::aws_shape(&itype).is_some_and(|s| s.graviton)
    {
        cx.diag(
            Diagnostic::new(
                Code::FeatureUnsupported,
                format!(
                    "`{}`: the node group runs arm64 nodes; DOKS nodes are x86_64",
                    ng.address()
                ),
            )
            .at(ng.loc_of("ami_type"))
            .resource(ng.address())
            .help("make sure every container image has an amd64 build"),
        );
    }
    b
}

fn taint_body(cx: &Cx<'_>, t: &Body, out: &mut OutBody) {
    out.set(
        "key",
        hclx::attr(t, "key").cloned().unwrap_or(Expression::Null),
    );
    out.set(
        "value",
        hclx::attr(t, "value")
            .cloned()
            .unwrap_or(Expression::String(String::new())),
    );
    let effect = hclx::attr(t, "effect").map(|e| match cx.eval.string(e) {
        Some(s) => Expression::String(taint_effect(&s).to_string()),
        None => format!(
            "lookup({{ NO_SCHEDULE = \"NoSchedule\", PREFER_NO_SCHEDULE = \"PreferNoSchedule\", NO_EXECUTE = \"NoExecute\" }}, {}, {})",
            hclx::inline(e),
            hclx::inline(e)
        )
        .parse()
        .unwrap_or_else(|_| e.clone()),
    });
    out.set("effect", effect.unwrap_or(Expression::Null));
}

/// EKS taint effect → Kubernetes spelling (provider validator: NoSchedule | PreferNoSchedule |
/// NoExecute).
fn taint_effect(s: &str) -> &str {
    match s {
        "NO_SCHEDULE" => "NoSchedule",
        "PREFER_NO_SCHEDULE" => "PreferNoSchedule",
        "NO_EXECUTE" => "NoExecute",
        other => other,
    }
}

// ---- node groups and the rest ------------------------------------------------------------------

fn cluster_of<'a>(cx: &Cx<'a>, r: &Resource) -> Option<(&'a Resource, String)> {
    let c = cx
        .referenced(r, "cluster_name")
        .filter(|c| c.ty == "aws_eks_cluster" && c.mode == Mode::Managed)?;
    let addr = cx.parent(r, "cluster_name")?;
    Some((c, addr))
}

fn node_group(r: &Resource, cx: &mut Cx<'_>) {
    let Some((cluster, addr)) = cluster_of(cx, r) else {
        if foreign_cluster_pool(r, cx) {
            return;
        }
        cx.unsupported(
            r,
            Code::OrphanSubresource,
            format!("`{}` belongs to an EKS cluster that is not part of the stack", r.address()),
            "declare the `aws_eks_cluster` in the same module (`cluster_name = aws_eks_cluster.<name>.name`)",
        );
        return;
    };
    let default = default_group(cx, cluster).filter(|d| d.group.address() == r.address());
    let rest = default.map(|d| d.first.map(|(_, rest)| rest));
    let skip = match rest {
        // Not repeated, or repeated with one instance: the group is the inline pool.
        Some(None | Some(Rest::None)) => {
            cx.absorb(
                r,
                &addr,
                "became the cluster's default `node_pool` (DOKS requires one inline pool)",
            );
            default_pool_exports(cx, r, &addr);
            group_unmapped_exports(cx, r);
            return;
        }
        Some(Some(rest)) => Some(rest),
        None => None,
    };
    let mut body = OutBody::new();
    let cluster_id = cx
        .expr(r, "cluster_name")
        .map(|e| retarget(&e, cluster, "id"))
        .unwrap_or(Expression::Null);
    body.set("cluster_id", cluster_id);
    let pool = pool_body(cx, r, true);
    body.items.extend(pool.items);
    if matches!(skip, Some(Rest::Count(_))) {
        // Instances `1..count` of the origin are `0..count - 1` here.
        body.exprs_mut(&mut |x| shift_count_index(x));
    }
    if r.meta.is_repeated() {
        size_per_instance(cx, r, usize::from(skip.is_some()), &mut body);
    }
    let pool_addr = cx.emit(r, "digitalocean_kubernetes_node_pool", body);
    // Where each instance went, when the instances are known: `(key, target, template)`.
    let mut placed: Vec<(hcl::Value, String, String)> = Vec::new();
    match skip {
        // The first instance is the cluster's inline pool; this resource holds the others.
        Some(rest) => {
            let (first, meta_note) = match &rest {
                Rest::Count(c) => {
                    let literal = match c {
                        Expression::Number(n) => n.as_u64(),
                        _ => None,
                    };
                    let count = match literal {
                        Some(n) => Expression::Number(n.saturating_sub(1).into()),
                        // The value may be set otherwise at deploy time.
                        None => format!("max(0, {} - 1)", hclx::inline(c))
                            .parse::<Expression>()
                            .unwrap_or(Expression::Null),
                    };
                    if let Some(e) = cx.emitted_mut(&pool_addr) {
                        e.meta.count = Some(count);
                    }
                    (
                        "`count.index = 0`".to_string(),
                        "the others (the origin's `count.index` is `count.index + 1` there)",
                    )
                }
                Rest::Keys { first, set } => {
                    let fe = hclx::inline(r.meta.for_each.as_ref().unwrap_or(&Expression::Null));
                    let key = hclx::inline(&crate::eval::value_to_expr(first));
                    let text = if *set {
                        format!("toset([for v in {fe} : v if v != {key}])")
                    } else {
                        format!("{{ for k, v in {fe} : k => v if k != {key} }}")
                    };
                    if let Some(e) = cx.emitted_mut(&pool_addr) {
                        e.meta.for_each = text.parse().ok();
                    }
                    (format!("`each.key = {key}`"), "the other keys")
                }
                Rest::None => (String::new(), ""),
            };
            if let Some(rec) = cx.st.outcomes.get_mut(r.address()) {
                rec.targets.push(addr.clone());
            }
            cx.note(
                r,
                format!("its first instance ({first}) became the cluster's default `node_pool` (DOKS requires one inline pool); `{pool_addr}` holds {meta_note}"),
            );
            // An instance's attributes live in two places now, at shifted indexes: an indexed
            // reference reads its own when the instances are known (`placed`); the group as a
            // whole has no one value.
            if let Some(all) = group_instances(cx, r, 0) {
                for (i, (key, _)) in all.into_iter().enumerate() {
                    let (target, at) = match (i, &rest) {
                        (0, _) => (addr.clone(), ".node_pool[0]".to_string()),
                        (_, Rest::Count(_)) => (pool_addr.clone(), format!("[{}]", i - 1)),
                        _ => (
                            pool_addr.clone(),
                            format!("[{}]", hclx::inline(&crate::eval::value_to_expr(&key))),
                        ),
                    };
                    placed.push((key, target, at));
                }
            }
            for (attr, to) in [("id", "id"), ("node_group_name", "name")] {
                cx.export(
                    r,
                    attr,
                    Export::Unmapped(format!("the first instance is the cluster's inline `node_pool` and the others are `{pool_addr}`: read `{addr}.node_pool[0].{to}` or the pool's `{to}`").into()),
                );
            }
        }
        None => cx.export_attrs(r, &pool_addr, &[("id", "id"), ("node_group_name", "name")]),
    }
    group_unmapped_exports(cx, r);
    if placed.len() >= 2 {
        // `aws_eks_node_group.x[1].node_group_name` → the second pool's name; a splat or a
        // computed index reads the list of them (`refs`).
        let whole = cx.st.exports.get(r.address()).cloned().unwrap_or_default();
        let mut keys = Vec::with_capacity(placed.len());
        for (key, target, at) in placed {
            let mut x = whole.clone();
            x.primary = Some(target.clone());
            for (attr, to) in [("id", "id"), ("node_group_name", "name")] {
                x.attrs.insert(
                    attr.into(),
                    Export::Tmpl {
                        target: target.clone(),
                        tmpl: format!("$T{at}.{to}"),
                    },
                );
            }
            cx.st
                .exports
                .insert(super::instance_address(r.address(), &key), x);
            keys.push(key);
        }
        cx.st.instance_keys.insert(r.address().to_string(), keys);
    }
}

/// A node group of a cluster of another local module (`cluster_name = var.cluster_name`, the
/// caller passing `module.eks.cluster_name`; `xmod::Facts::eks_clusters`): a node pool of that
/// cluster, which it finds by name with a `digitalocean_kubernetes_cluster` data source (the
/// cluster's module outputs the DOKS cluster's name there; the data source is read once the
/// cluster exists). The cluster's own module gives it Ferry's default inline pool.
fn foreign_cluster_pool(r: &Resource, cx: &mut Cx<'_>) -> bool {
    let Some(name) = hclx::attr(&r.body, "cluster_name").cloned() else {
        return false;
    };
    let Some(cluster) = cx.xmod.eks_clusters.get(&hclx::inline(&name)).cloned() else {
        return false;
    };
    let mut data = OutBody::new();
    data.set("name", name);
    let data_addr = cx.emit_as(
        r,
        Mode::Data,
        "digitalocean_kubernetes_cluster",
        &format!("{}_cluster", r.name),
        data,
    );
    if let Some(d) = cx.emitted_mut(&data_addr) {
        // One lookup for every instance of the group.
        d.meta = Default::default();
    }
    let id: Vec<&str> = data_addr.split('.').chain(["id"]).collect();
    let mut body = OutBody::new();
    body.set("cluster_id", hclx::path(&id));
    let pool = pool_body(cx, r, true);
    body.items.extend(pool.items);
    if r.meta.is_repeated() {
        size_per_instance(cx, r, 0, &mut body);
    }
    let pool_addr = cx.emit(r, "digitalocean_kubernetes_node_pool", body);
    cx.note(
        r,
        format!("a node pool of `{cluster}`, the cluster of another module, which it finds by name (`{data_addr}`)"),
    );
    cx.export_attrs(r, &pool_addr, &[("id", "id"), ("node_group_name", "name")]);
    group_unmapped_exports(cx, r);
    true
}

/// `count.index` → `(count.index + 1)`: the separate pool of a repeated default group holds
/// instances `1..count`.
fn shift_count_index(e: &mut Expression) {
    hclx::walk_mut(e, &mut |x| {
        if matches!(hclx::traversal_root(x), Some(("count", [hcl::expr::TraversalOperator::GetAttr(a)])) if a.as_str() == "index")
        {
            *x = "(count.index + 1)".parse().unwrap_or(Expression::Null);
            return false;
        }
        true
    });
}

fn default_pool_exports(cx: &mut Cx<'_>, r: &Resource, addr: &str) {
    for (attr, tmpl) in [
        ("id", "$T.node_pool[0].id"),
        ("node_group_name", "$T.node_pool[0].name"),
    ] {
        cx.export(
            r,
            attr,
            Export::Tmpl {
                target: addr.to_string(),
                tmpl: tmpl.into(),
            },
        );
    }
}

fn group_unmapped_exports(cx: &mut Cx<'_>, r: &Resource) {
    tags_unmapped(cx, r);
    cx.export(
        r,
        "arn",
        Export::Unmapped("DOKS node pools have no URN".into()),
    );
    cx.export(
        r,
        "resources",
        Export::Unmapped(
            "DOKS node pools have no autoscaling groups or remote-access security groups".into(),
        ),
    );
}

fn fargate_profile(r: &Resource, cx: &mut Cx<'_>) {
    match cluster_of(cx, r) {
        Some((_, addr)) => cx.absorb(
            r,
            &addr,
            "DOKS has no serverless pods: the pods this profile selects run on the cluster's node pools",
        ),
        None => cx.drop(
            r,
            "its EKS cluster is not part of the stack; DOKS has no serverless pods",
        ),
    }
    cx.export(
        r,
        "arn",
        Export::Unmapped("DOKS has no Fargate profiles".into()),
    );
}

fn addon(r: &Resource, cx: &mut Cx<'_>) {
    let mut provided = Vec::new();
    let mut missing = Vec::new();
    for body in instances(cx, r) {
        let name = hclx::attr(&body, "addon_name")
            .and_then(|e| cx.eval.string(e))
            .unwrap_or_default();
        match builtin(&name) {
            Some(why) => provided.push(format!("`{name}` ({why})")),
            None => missing.push(if name.is_empty() {
                "this add-on".to_string()
            } else {
                format!("`{name}`")
            }),
        }
    }
    for m in &missing {
        cx.diag(
            Diagnostic::new(
                Code::FeatureUnsupported,
                format!("`{}`: the EKS add-on {m} has no DOKS counterpart; it is not installed", r.address()),
            )
            .at(r.loc.clone())
            .resource(r.address())
            .help("install the component on the DOKS cluster with its Helm chart or manifests (e.g. a `helm_release`) if the workload needs it"),
        );
    }
    let mut parts = Vec::new();
    if !provided.is_empty() {
        parts.push(format!("built into DOKS: {}", provided.join(", ")));
    }
    if !missing.is_empty() {
        parts.push(format!("no DOKS counterpart: {}", missing.join(", ")));
    }
    if parts.is_empty() {
        parts.push("EKS add-ons have no DOKS counterpart".into());
    }
    cx.drop(r, parts.join("; "));
    cx.export(r, "arn", Export::Unmapped("DOKS has no EKS add-ons".into()));
}

/// What DOKS ships in place of an EKS add-on.
fn builtin(addon: &str) -> Option<&'static str> {
    Some(match addon {
        "vpc-cni" => "its own CNI, Cilium",
        "coredns" => "CoreDNS",
        "kube-proxy" => "service routing by Cilium",
        "aws-ebs-csi-driver" => "the block-storage CSI driver, storage class `do-block-storage`",
        "snapshot-controller" => "the CSI snapshot controller",
        "eks-pod-identity-agent" => "nothing needed: DOKS has no IAM",
        _ => return None,
    })
}

fn access(r: &Resource, cx: &mut Cx<'_>) {
    let note = match r.ty.as_str() {
        "aws_eks_identity_provider_config" => {
            "DOKS has no IAM OIDC identity provider configuration; authenticate with DigitalOcean tokens (or DOKS SSO) and Kubernetes RBAC"
        }
        "aws_eks_pod_identity_association" => {
            "DOKS has no IAM: give pods credentials through Kubernetes Secrets"
        }
        _ => {
            "DOKS access comes from DigitalOcean API tokens and Kubernetes RBAC; EKS access entries have no equivalent"
        }
    };
    cx.drop(r, note);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minor_versions() {
        assert_eq!(minor_prefix("1.29").as_deref(), Some("1.29."));
        assert_eq!(minor_prefix("1.31.2").as_deref(), Some("1.31."));
        assert_eq!(minor_prefix("latest"), None);
        assert_eq!(minor_prefix("1"), None);
        assert_eq!(minor_prefix("1.x"), None);
        assert_eq!(minor_of("1.17"), Some((1, 17)));
        assert_eq!(minor_of("v1.31.2"), Some((1, 31)));
        assert_eq!(minor_of("1.99999999999"), None);
        assert_eq!(minor_of("latest"), None);
    }

    #[test]
    fn taint_effects() {
        assert_eq!(taint_effect("NO_SCHEDULE"), "NoSchedule");
        assert_eq!(taint_effect("PREFER_NO_SCHEDULE"), "PreferNoSchedule");
        assert_eq!(taint_effect("NO_EXECUTE"), "NoExecute");
    }
}
