//! Security groups → the firewalls of what uses them.
//!
//! DigitalOcean has no security groups: a `digitalocean_firewall` guards droplets, a
//! `digitalocean_database_firewall` lists who may reach a managed database, a load balancer has
//! its own `firewall` block (written by the load balancer rule), and DOKS manages its nodes'
//! firewall. So a group is mapped in the `Attach` phase, once what uses it has been emitted:
//! its rules (inline blocks and the separate rule resources, which are folded in) become the
//! rules of the firewall of each kind of user. Groups referenced as a *source* become the
//! droplets, load balancers or Kubernetes clusters that are members of that group.
//!
//! Facts: `aws-to-do-mapping-facts.md` §8 (`aws_security_group`), §3 (database firewall rule
//! types droplet | k8s | ip_addr | tag | app), §6 (load balancer firewall).

use super::ec2::{
    all_refs, body_mentions, instances, prefix_name, repeat_name, safe_name, union_list,
    visit_attrs,
};
use super::{Cx, Export, Phase, RuleDef};
use crate::diag::{Code, Diagnostic};
use crate::hclx;
use crate::origin::{Mode, Resource};
use crate::out::{Item, OutBlock, OutBody};
use hcl::expr::TraversalOperator as Op;
use hcl::{Body, Expression};

pub const RULES: &[RuleDef] = &[
    RuleDef {
        ty: "aws_security_group",
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &["digitalocean_firewall", "digitalocean_database_firewall"],
        args: &[
            "name",
            "name_prefix",
            "description",
            "vpc_id",
            "ingress",
            "egress",
            "revoke_rules_on_delete",
        ],
        summary: "security group → digitalocean_firewall for the droplets and digitalocean_database_firewall for the databases that use it (separate rule resources folded in)",
        map: group,
    },
    RuleDef {
        ty: "aws_security_group_rule",
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &[],
        args: &[
            "security_group_id",
            "type",
            "protocol",
            "from_port",
            "to_port",
            "cidr_blocks",
            "ipv6_cidr_blocks",
            "source_security_group_id",
            "self",
            "prefix_list_ids",
            "description",
        ],
        summary: "security group rule → folded into its group's firewalls",
        map: rule_resource,
    },
    RuleDef {
        ty: "aws_vpc_security_group_ingress_rule",
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &[],
        args: &[
            "security_group_id",
            "ip_protocol",
            "from_port",
            "to_port",
            "cidr_ipv4",
            "cidr_ipv6",
            "referenced_security_group_id",
            "prefix_list_id",
            "description",
        ],
        summary: "ingress rule → folded into its group's firewalls",
        map: rule_resource,
    },
    RuleDef {
        ty: "aws_vpc_security_group_egress_rule",
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &[],
        args: &[
            "security_group_id",
            "ip_protocol",
            "from_port",
            "to_port",
            "cidr_ipv4",
            "cidr_ipv6",
            "referenced_security_group_id",
            "prefix_list_id",
            "description",
        ],
        summary: "egress rule → folded into its group's firewalls",
        map: rule_resource,
    },
    RuleDef {
        ty: "aws_network_interface_sg_attachment",
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &[],
        args: &["security_group_id", "network_interface_id"],
        summary: "security group attached to an instance's primary network interface → the instance joins the group (its rules join the droplet's firewall); other network interfaces are not supported",
        map: interface_attachment,
    },
];

/// Rule resources folded into a group.
pub(crate) const RULE_TYPES: &[&str] = &[
    "aws_security_group_rule",
    "aws_vpc_security_group_ingress_rule",
    "aws_vpc_security_group_egress_rule",
];

/// Arguments (at any depth) through which a resource joins a security group.
pub(crate) const MEMBER_KEYS: &[&str] = &[
    "vpc_security_group_ids",
    "security_groups",
    "security_group_ids",
];

/// AWS data stores whose rules map to `digitalocean_database_cluster` (written by the database
/// rules).
const DB_TYPES: &[&str] = &[
    "aws_db_instance",
    "aws_rds_cluster",
    "aws_docdb_cluster",
    "aws_neptune_cluster",
    "aws_elasticache_cluster",
    "aws_elasticache_replication_group",
    "aws_elasticache_serverless_cache",
    "aws_memorydb_cluster",
    "aws_opensearch_domain",
    "aws_elasticsearch_domain",
    "aws_msk_cluster",
];

// ---- who uses a group ----------------------------------------------------------------------------

/// A member of a security group, by what it became.
#[derive(Debug, Clone, Copy)]
enum Member<'a> {
    /// An instance mapped to a droplet.
    Droplet(&'a Resource),
    /// A data store mapped to a `digitalocean_database_cluster`.
    Db(&'a Resource),
    /// A data store that was not mapped.
    DbUnmapped(&'a Resource),
    LoadBalancer(&'a Resource),
    Kubernetes(&'a Resource),
    /// A workload that became pods of the DOKS cluster the ECS services run on
    /// (`ecs::planned_cluster`).
    Workload(&'a Resource),
    /// A launch template or configuration (droplets of an autoscale pool or node pool).
    Template(&'a Resource),
    Other(&'a Resource),
}

/// The resource of type `ty` that a registry module call expanded into, for a
/// `module.<call>.<output>` reference (`module.db_sg.security_group_id`).
fn module_resource<'a>(cx: &Cx<'a>, e: &Expression, ty: &str) -> Option<&'a Resource> {
    let mut found = None;
    hclx::walk(e, &mut |x| {
        if found.is_some() {
            return;
        }
        if let Some(("module", [Op::GetAttr(m), ..])) = hclx::traversal_root(x)
            && let Some(call) = cx.module.module_calls.iter().find(|c| c.name == m.as_str())
        {
            found = cx
                .resources
                .iter()
                .find(|r| r.mode == Mode::Managed && r.ty == ty && r.loc == call.loc);
        }
    });
    found
}

/// Does an argument through which resources join groups name `sg`, directly or through the
/// outputs of the registry module that created it?
fn joins(cx: &Cx<'_>, body: &Body, sg: &Resource) -> bool {
    if body_mentions(body, MEMBER_KEYS, sg) {
        return true;
    }
    let mut hit = false;
    visit_attrs(body, &mut |k, e| {
        if !hit && MEMBER_KEYS.contains(&k) {
            hit = module_resource(cx, e, "aws_security_group")
                .is_some_and(|g| g.address() == sg.address());
        }
    });
    hit
}

const INTERFACE_ATTACHMENT: &str = "aws_network_interface_sg_attachment";

/// The instance whose primary network interface an `aws_network_interface_sg_attachment`
/// names (`network_interface_id = aws_instance.x.primary_network_interface_id`), when the
/// instance became a droplet.
fn attached_instance<'a>(cx: &Cx<'a>, att: &Resource) -> Option<&'a Resource> {
    if att.ty != INTERFACE_ATTACHMENT {
        return None;
    }
    let e = hclx::attr(&att.body, "network_interface_id")?;
    let mut primary = false;
    hclx::walk(e, &mut |x| {
        primary |= matches!(
            hclx::traversal_root(x),
            Some(("aws_instance", [Op::GetAttr(_), Op::GetAttr(a), ..])) if a.as_str() == "primary_network_interface_id"
        );
    });
    if !primary {
        return None;
    }
    cx.resolve_ref(e).filter(|i| {
        i.ty == "aws_instance"
            && cx.st.outcomes.get(i.address()).is_some_and(|o| {
                o.targets
                    .iter()
                    .any(|t| t.starts_with("digitalocean_droplet."))
            })
    })
}

/// The module's locals that mention `sg` (`this_sg_id = var.create ? concat(aws_security_group
/// .this.*.id, …)[0] : var.security_group_id`, `security_group_ids = concat(…,
/// aws_security_group.this[*].id)`), and the resources that read one of them where a group is
/// named (`security_group_id = local.this_sg_id`, `vpc_security_group_ids =
/// [local.this_sg_id]`), in origin order. One scan of the module's resources, only for a group
/// some local mentions.
fn via_locals<'a>(cx: &Cx<'a>, sg: &Resource) -> (Vec<&'a str>, Vec<&'a Resource>) {
    let locals: Vec<&'a str> = cx
        .local_referrers(sg)
        .into_iter()
        .map(|l| l.name.as_str())
        .collect();
    if locals.is_empty() {
        return (locals, Vec::new());
    }
    let resources: &'a [Resource] = cx.resources;
    let readers = resources
        .iter()
        .filter(|r| r.mode == Mode::Managed && r.ty != "aws_security_group")
        .filter(|r| {
            let mut hit = false;
            visit_attrs(&r.body, &mut |k, e| {
                if !hit && (k == "security_group_id" || MEMBER_KEYS.contains(&k)) {
                    hit = reads_local(e, &locals);
                }
            });
            hit
        })
        .collect();
    (locals, readers)
}

/// Does `e` read one of `locals`?
fn reads_local(e: &Expression, locals: &[&str]) -> bool {
    let mut hit = false;
    hclx::walk(e, &mut |x| {
        if let Some(("local", [Op::GetAttr(n), ..])) = hclx::traversal_root(x) {
            hit |= locals.contains(&n.as_str());
        }
    });
    hit
}

/// The group a rule's `security_group_id = local.x` stands for: the first security group of the
/// stack the local's expression names (groups whose `count` is 0 are not part of the stack, so
/// of `concat(aws_security_group.this.*.id, aws_security_group.this_name_prefix.*.id)[0]` it is
/// the one that exists).
fn group_via_local<'a>(cx: &Cx<'a>, r: &Resource) -> Option<&'a Resource> {
    let mut e = hclx::attr(&r.body, "security_group_id")?;
    let module: &'a crate::origin::Module = cx.module;
    for _ in 0..4 {
        let Some(("local", [Op::GetAttr(n)])) = hclx::traversal_root(e) else {
            break;
        };
        let l = module.locals.iter().find(|l| l.name == n.as_str())?;
        e = &l.expr;
        let mut found = None;
        hclx::walk(e, &mut |x| {
            if found.is_none()
                && let Some(("aws_security_group", [Op::GetAttr(_), ..])) = hclx::traversal_root(x)
            {
                found = cx.resolve_ref(x);
            }
        });
        if let Some(g) = found.filter(|g| g.mode == Mode::Managed && g.ty == "aws_security_group") {
            return Some(g);
        }
    }
    None
}

fn members<'a>(cx: &Cx<'a>, sg: &Resource) -> Vec<Member<'a>> {
    let mut out = Vec::new();
    // Only resources that mention the group or read a module output (which may stand for it),
    // and those that name it through a local.
    let (locals, readers) = via_locals(cx, sg);
    let mut users = cx.referrers(sg).resources_or_module_users;
    if !readers.is_empty() {
        users.extend(readers.iter().copied().filter(|u| {
            let mut hit = false;
            visit_attrs(&u.body, &mut |k, e| {
                hit |= MEMBER_KEYS.contains(&k) && reads_local(e, &locals);
            });
            hit
        }));
        let mut seen = std::collections::BTreeSet::new();
        users.retain(|u| seen.insert(u.address()));
    }
    for u in users.into_iter().filter(|u| {
        u.mode == Mode::Managed
            && u.ty != "aws_security_group"
            && !RULE_TYPES.contains(&u.ty.as_str())
            && (joins(cx, &u.body, sg)
                || readers.iter().any(|x| x.address() == u.address())
                || (u.ty == INTERFACE_ATTACHMENT
                    && body_mentions(&u.body, &["security_group_id"], sg)))
    }) {
        // A group attached to an instance's primary network interface: the instance is a member.
        let u = match attached_instance(cx, u) {
            Some(instance) => instance,
            None => u,
        };
        let targets = cx
            .st
            .outcomes
            .get(u.address())
            .map(|o| o.targets.clone())
            .unwrap_or_default();
        let has = |ty: &str| targets.iter().any(|t| t.starts_with(&format!("{ty}.")));
        out.push(match u.ty.as_str() {
            "aws_instance" if has("digitalocean_droplet") => Member::Droplet(u),
            "aws_lb" | "aws_alb" | "aws_elb" => Member::LoadBalancer(u),
            "aws_eks_cluster" => Member::Kubernetes(u),
            "aws_ecs_service"
                if has("kubernetes_deployment_v1") && super::ecs::planned_cluster(cx).is_some() =>
            {
                Member::Workload(u)
            }
            "aws_launch_template" | "aws_launch_configuration" => Member::Template(u),
            _ if has("digitalocean_database_cluster") => Member::Db(u),
            t if DB_TYPES.contains(&t) => Member::DbUnmapped(u),
            _ => Member::Other(u),
        });
    }
    out
}

/// Whether AWS gives `db` a public endpoint: an RDS instance (or an instance of an Aurora
/// cluster) with `publicly_accessible = true`. ElastiCache, DocumentDB and MSK clusters live
/// in their VPC; other types are taken to be public, which leaves their rules as written.
fn db_public(cx: &mut Cx<'_>, db: &Resource) -> bool {
    let public = |cx: &mut Cx<'_>, r: &Resource| cx.bool(r, "publicly_accessible") == Some(true);
    match db.ty.as_str() {
        "aws_db_instance" => public(cx, db),
        "aws_rds_cluster" => {
            let instances = cx.referencing("aws_rds_cluster_instance", "cluster_identifier", db);
            instances.into_iter().any(|i| public(cx, i))
        }
        "aws_elasticache_cluster"
        | "aws_elasticache_replication_group"
        | "aws_elasticache_serverless_cache"
        | "aws_docdb_cluster"
        | "aws_msk_cluster" => false,
        _ => true,
    }
}

/// The `ip_range` of the stack VPC a mapped database cluster joins (`private_network_uuid =
/// digitalocean_vpc.x.id`), as an expression.
fn vpc_range_of(cx: &Cx<'_>, cluster: &str) -> Option<Expression> {
    let c = cx.st.find(cluster)?;
    let vpc = c.body.get("private_network_uuid")?;
    let ("digitalocean_vpc", [Op::GetAttr(name), Op::GetAttr(id)]) = hclx::traversal_root(vpc)?
    else {
        return None;
    };
    (id.as_str() == "id").then(|| hclx::path(&["digitalocean_vpc", name.as_str(), "ip_range"]))
}

/// `digitalocean_vpc.x.id` (or `digitalocean_vpc.x[0].id`) → the same VPC's `ip_range`.
fn vpc_range(e: &Expression) -> Option<Expression> {
    let ("digitalocean_vpc", ops) = hclx::traversal_root(e)? else {
        return None;
    };
    let (Op::GetAttr(last), head) = ops.split_last()? else {
        return None;
    };
    if last.as_str() != "id" || head.is_empty() {
        return None;
    }
    let mut ops = head.to_vec();
    ops.push(Op::GetAttr(hcl::Identifier::unchecked("ip_range")));
    Some(hclx::traversal("digitalocean_vpc", ops))
}

// ---- droplets AWS launches without a public address (known gap #236) -----------------------------

/// The subnets of the stack `e` names (`subnet_id`, `vpc_zone_identifier`), when every one of
/// them gives instances no public address (`map_public_ip_on_launch` unset or false). `None`
/// when `e` names anything else (a variable, a module output, a looked-up subnet) or a subnet
/// that maps public addresses or whose setting is not known at compile time.
fn private_subnets<'a>(cx: &Cx<'a>, e: &Expression) -> Option<Vec<&'a Resource>> {
    let mut subnets: Vec<&'a Resource> = Vec::new();
    let mut other = false;
    hclx::walk(e, &mut |x| match hclx::traversal_root(x) {
        Some(("aws_subnet", [Op::GetAttr(_), ..])) => match cx.resolve_ref(x) {
            Some(s) if s.mode == Mode::Managed && s.ty == "aws_subnet" => {
                if !subnets.iter().any(|k| k.address() == s.address()) {
                    subnets.push(s);
                }
            }
            _ => other = true,
        },
        // The root variable of the traversal above, and instance keys.
        Some(("aws_subnet", []) | ("count" | "each", _)) => {}
        Some(_) => other = true,
        None => {}
    });
    if other || subnets.is_empty() {
        return None;
    }
    subnets
        .iter()
        .all(|s| match hclx::attr(&s.body, "map_public_ip_on_launch") {
            None => true,
            Some(v) => cx.eval.bool(v) == Some(false),
        })
        .then_some(subnets)
}

/// Why AWS gives the droplets of `r` (an instance) no public address, when it does not: a
/// subnet of the stack that maps no public IP on launch, without an Elastic IP. An instance
/// with `associate_public_ip_address` decides for itself: `true` is public, and `false` becomes
/// a droplet without public networking (`rules::ec2`), which no firewall rule exposes.
fn instance_private(cx: &Cx<'_>, r: &Resource) -> Option<String> {
    if hclx::attr(&r.body, "associate_public_ip_address").is_some() {
        return None;
    }
    if !cx.referencing("aws_eip", "instance", r).is_empty()
        || !cx
            .referencing("aws_eip_association", "instance_id", r)
            .is_empty()
    {
        return None;
    }
    let subnets = private_subnets(cx, hclx::attr(&r.body, "subnet_id")?)?;
    Some(format!(
        "`{}` (in {}, which {} no public IP on launch)",
        r.address(),
        list_addrs(&subnets),
        if subnets.len() == 1 { "maps" } else { "map" }
    ))
}

/// Why AWS gives the instances an Auto Scaling group launches from the template `t` no public
/// address, when it does not: the template's `associate_public_ip_address = false` (a launch
/// configuration's, or its first network interface's), or subnets of the stack in the group's
/// `vpc_zone_identifier` that map no public IP on launch.
fn pool_private(cx: &Cx<'_>, t: &Resource) -> Option<String> {
    let asg = cx
        .origin_of_type("aws_autoscaling_group")
        .filter(|asg| asg.mode == Mode::Managed && !asg.meta.is_repeated())
        .find(|asg| {
            super::ec2::launch_template_of(cx, asg).is_some_and(|x| x.address() == t.address())
        })?;
    let setting = if t.ty == "aws_launch_configuration" {
        hclx::attr(&t.body, "associate_public_ip_address").cloned()
    } else {
        hclx::blocks(&t.body, "network_interfaces")
            .first()
            .and_then(|b| hclx::attr(b, "associate_public_ip_address").cloned())
    };
    match setting.map(|e| cx.eval.bool(&e)) {
        Some(Some(false)) => {
            return Some(format!(
                "`{}` (its template `{}` sets `associate_public_ip_address = false`)",
                asg.address(),
                t.address()
            ));
        }
        Some(_) => return None,
        None => {}
    }
    let subnets = private_subnets(cx, hclx::attr(&asg.body, "vpc_zone_identifier")?)?;
    Some(format!(
        "`{}` (in {}, which {} no public IP on launch)",
        asg.address(),
        list_addrs(&subnets),
        if subnets.len() == 1 { "maps" } else { "map" }
    ))
}

/// The `vpc_uuid` an emitted droplet (or a pool's `droplet_template`) joins.
fn joined_vpc(cx: &Cx<'_>, addr: &str) -> Option<Expression> {
    let e = cx.st.find(addr)?;
    if let Some(v) = e.body.get("vpc_uuid") {
        return Some(v.clone());
    }
    e.body.items.iter().find_map(|i| match i {
        Item::Block(b) if b.ident == "droplet_template" => b.body.get("vpc_uuid").cloned(),
        _ => None,
    })
}

/// What the droplet firewall of a group does with ingress from anywhere.
enum Exposure {
    /// Every member is launched with a public address on AWS (or Ferry cannot tell): as written.
    Public,
    /// Every member is private on AWS and joins the one stack VPC: anywhere becomes its range.
    Narrow { range: Expression, why: Vec<String> },
    /// Some or all members are private on AWS, but Ferry has no one VPC range to admit instead.
    Exposed { why: Vec<String>, all: bool },
}

/// Whether the droplets and pools of a group were private on AWS (see [`Exposure`]).
fn exposure(
    cx: &Cx<'_>,
    droplets: &[&Resource],
    pools: &[(&Resource, String, Expression)],
) -> Exposure {
    let mut why = Vec::new();
    let mut public = 0usize;
    let mut ranges: Vec<Option<Expression>> = Vec::new();
    let droplet_addr = |r: &Resource| {
        cx.st
            .outcomes
            .get(r.address())
            .and_then(|o| {
                o.targets
                    .iter()
                    .find(|t| t.starts_with("digitalocean_droplet."))
            })
            .cloned()
    };
    for d in droplets {
        match instance_private(cx, d) {
            Some(w) => {
                why.push(w);
                ranges.push(
                    droplet_addr(d)
                        .and_then(|a| joined_vpc(cx, &a))
                        .and_then(|v| vpc_range(&v)),
                );
            }
            None => public += 1,
        }
    }
    for (t, addr, _) in pools {
        match pool_private(cx, t) {
            Some(w) => {
                why.push(w);
                ranges.push(joined_vpc(cx, addr).and_then(|v| vpc_range(&v)));
            }
            None => public += 1,
        }
    }
    if why.is_empty() {
        return Exposure::Public;
    }
    let one_range = ranges
        .first()
        .cloned()
        .flatten()
        .filter(|r| ranges.iter().all(|x| x.as_ref() == Some(r)));
    match one_range {
        Some(range) if public == 0 => Exposure::Narrow { range, why },
        _ => Exposure::Exposed {
            why,
            all: public == 0,
        },
    }
}

/// The `digitalocean_database_cluster` a data store became.
fn db_cluster(cx: &Cx<'_>, db: &Resource) -> Option<String> {
    cx.st
        .outcomes
        .get(db.address())?
        .targets
        .iter()
        .find(|t| t.starts_with("digitalocean_database_cluster."))
        .cloned()
}

// ---- rules, normalised ---------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq)]
enum Proto {
    Tcp,
    Udp,
    Icmp,
    All,
    Other(String),
}

/// One AWS rule, wherever it was written.
#[derive(Debug, Clone)]
struct SgRule<'a> {
    ingress: bool,
    /// The resource the rule is written in, and the argument to point diagnostics at.
    owner: &'a Resource,
    key: &'static str,
    protocol: Option<Expression>,
    from: Option<Expression>,
    to: Option<Expression>,
    /// List-valued CIDR expressions, and single CIDRs.
    cidr_lists: Vec<Expression>,
    cidr_items: Vec<Expression>,
    /// Referenced groups (or EKS clusters / node groups), one expression each.
    peers: Vec<Expression>,
    /// A list of groups that could not be split into references.
    peer_lists: Vec<Expression>,
    self_: bool,
    prefix_lists: bool,
}

impl<'a> SgRule<'a> {
    fn new(ingress: bool, owner: &'a Resource, key: &'static str) -> Self {
        SgRule {
            ingress,
            owner,
            key,
            protocol: None,
            from: None,
            to: None,
            cidr_lists: vec![],
            cidr_items: vec![],
            peers: vec![],
            peer_lists: vec![],
            self_: false,
            prefix_lists: false,
        }
    }
}

/// The data source of a network the stack looks up instead of creating, when `e` reads its
/// addresses (`data.aws_vpc.x.cidr_block`, `data.aws_subnet.x.cidr_block`): a rule admitting
/// "anything inside that network".
fn looked_up_network(e: &Expression) -> Option<String> {
    use hcl::expr::TraversalOperator::GetAttr;
    let mut found = None;
    hclx::walk(e, &mut |x| {
        if found.is_none()
            && let Some(("data", [GetAttr(t), GetAttr(n), GetAttr(a), ..])) =
                hclx::traversal_root(x)
            && matches!(t.as_str(), "aws_vpc" | "aws_subnet")
            && a.as_str().starts_with("cidr_block")
        {
            found = Some(format!("data.{t}.{n}"));
        }
    });
    found
}

/// The addresses a rule admits, as DigitalOcean can express them.
struct Addresses {
    /// Lists that are not literal (`var.cidrs`): kept as lists.
    lists: Vec<Expression>,
    /// Single addresses: the elements of literal lists and the rule's own (`cidr_ipv4`).
    items: Vec<Expression>,
    /// Looked-up networks ([`looked_up_network`]) the rule admitted by their addresses.
    networks: Vec<String>,
}

/// The rule's addresses, without those read from AWS that have no DigitalOcean value (the F401
/// on the reference says why; left in, they would be `null` in a list the provider rejects, or
/// leave a database rule without its required `value`), and with the addresses of looked-up
/// networks set apart.
fn addresses_of(cx: &Cx<'_>, rule: &SgRule<'_>) -> Addresses {
    let mut out = Addresses {
        lists: vec![],
        items: vec![],
        networks: vec![],
    };
    let keep = |out: &mut Addresses, e: &Expression| {
        if let Some(n) = looked_up_network(e) {
            if !out.networks.contains(&n) {
                out.networks.push(n);
            }
            return false;
        }
        !cx.reads_unmapped(e)
    };
    for l in &rule.cidr_lists {
        match list_items(l) {
            Some(items) => {
                for i in items {
                    if keep(&mut out, &i) {
                        out.items.push(i);
                    }
                }
            }
            None => {
                if keep(&mut out, l) {
                    out.lists.push(l.clone());
                }
            }
        }
    }
    for i in &rule.cidr_items {
        if keep(&mut out, i) {
            out.items.push(i.clone());
        }
    }
    out
}

/// The note for a rule admitting a looked-up network, which became the appliance's tag.
fn looked_up_warning(cx: &mut Cx<'_>, rule: &SgRule<'_>, networks: &[String], firewall: &str) {
    cx.diag(
        Diagnostic::new(
            Code::FeatureUnsupported,
            format!(
                "`{}` admits the addresses of {}, a network the stack looks up rather than creates: DigitalOcean knows no such range for the appliance, so {firewall} admits the appliance's own resources (tag `instance-id:…`) instead",
                rule.owner.address(),
                networks
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
        )
        .at(rule.owner.loc_of(rule.key))
        .resource(rule.owner.address())
        .help("to admit other clients, admit their CIDR in the origin (or add them to the firewall after deploying)"),
    );
}

fn list_items(e: &Expression) -> Option<Vec<Expression>> {
    match e {
        Expression::Array(items) => Some(items.clone()),
        _ => None,
    }
}

/// The rules of a group: inline blocks (with `dynamic` blocks expanded when their `for_each` is
/// known) and every rule resource that points at it.
fn rules_of<'a>(cx: &mut Cx<'a>, sg: &'a Resource) -> (Vec<SgRule<'a>>, Vec<&'a Resource>) {
    let mut out = Vec::new();
    for (dir, ingress) in [("ingress", true), ("egress", false)] {
        // (`dynamic` blocks were expanded before mapping when their `for_each` is static.)
        for b in hclx::blocks(&sg.body, dir) {
            let key = if ingress { "ingress" } else { "egress" };
            let mut rule = SgRule::new(ingress, sg, key);
            rule.protocol = hclx::attr(&b, "protocol").cloned();
            rule.from = hclx::attr(&b, "from_port").cloned();
            rule.to = hclx::attr(&b, "to_port").cloned();
            for k in ["cidr_blocks", "ipv6_cidr_blocks"] {
                if let Some(e) = hclx::attr(&b, k) {
                    rule.cidr_lists.push(e.clone());
                }
            }
            if let Some(e) = hclx::attr(&b, "security_groups") {
                match list_items(e) {
                    Some(items) => rule.peers.extend(items),
                    None => rule.peer_lists.push(e.clone()),
                }
            }
            rule.self_ = hclx::attr(&b, "self").and_then(|e| cx.eval.bool(e)) == Some(true);
            rule.prefix_lists = hclx::attr(&b, "prefix_list_ids").is_some();
            out.push(rule);
        }
    }
    let mut resources = Vec::new();
    // Only resources that mention the group (from the module's reference index), and those
    // that name it through a local.
    let mut mine: Vec<&'a Resource> = cx
        .referrers(sg)
        .resources
        .into_iter()
        .filter(|r| {
            r.mode == Mode::Managed
                && RULE_TYPES.contains(&r.ty.as_str())
                && cx
                    .referenced(r, "security_group_id")
                    .is_some_and(|g| g.address() == sg.address())
        })
        .collect();
    let (_, readers) = via_locals(cx, sg);
    mine.extend(readers.into_iter().filter(|r| {
        RULE_TYPES.contains(&r.ty.as_str())
            && cx.referenced(r, "security_group_id").is_none()
            && group_via_local(cx, r).is_some_and(|g| g.address() == sg.address())
    }));
    for r in mine {
        resources.push(r);
        for body in instances(cx, r) {
            let a = |k: &str| hclx::attr(&body, k).cloned();
            let ingress = match r.ty.as_str() {
                "aws_security_group_rule" => {
                    a("type").and_then(|e| cx.eval.string(&e)).as_deref() != Some("egress")
                }
                t => t == "aws_vpc_security_group_ingress_rule",
            };
            let mut rule = SgRule::new(ingress, r, "from_port");
            rule.from = a("from_port");
            rule.to = a("to_port");
            if r.ty == "aws_security_group_rule" {
                rule.protocol = a("protocol");
                rule.cidr_lists.extend(a("cidr_blocks"));
                rule.cidr_lists.extend(a("ipv6_cidr_blocks"));
                rule.peers.extend(a("source_security_group_id"));
                rule.self_ = a("self").and_then(|e| cx.eval.bool(&e)) == Some(true);
                rule.prefix_lists = a("prefix_list_ids").is_some();
            } else {
                rule.protocol = a("ip_protocol");
                rule.cidr_items.extend(a("cidr_ipv4"));
                rule.cidr_items.extend(a("cidr_ipv6"));
                rule.peers.extend(a("referenced_security_group_id"));
                rule.prefix_lists = a("prefix_list_id").is_some();
            }
            out.push(rule);
        }
    }
    (out, resources)
}

fn protocol(cx: &mut Cx<'_>, rule: &SgRule<'_>) -> Proto {
    let Some(e) = &rule.protocol else {
        return Proto::All;
    };
    let Some(p) = cx.eval.string(e) else {
        cx.diag(
            Diagnostic::new(
                Code::NotStatic,
                format!(
                    "the protocol of a rule of `{}` is not known at compile time; Ferry assumed `tcp`",
                    rule.owner.address()
                ),
            )
            .at(rule.owner.loc_of(rule.key))
            .resource(rule.owner.address())
            .help("give `protocol` a literal value or a variable default"),
        );
        return Proto::Tcp;
    };
    match p.to_ascii_lowercase().as_str() {
        "tcp" | "6" => Proto::Tcp,
        "udp" | "17" => Proto::Udp,
        "icmp" | "1" | "icmpv6" | "58" => Proto::Icmp,
        "-1" | "all" => Proto::All,
        other => Proto::Other(other.to_string()),
    }
}

/// `port_range` for TCP/UDP: `"80"`, `"8000-9000"`, `"1-65535"` (all).
fn port_range(cx: &Cx<'_>, rule: &SgRule<'_>, all: bool) -> Expression {
    let all_ports = || Expression::String("1-65535".into());
    if all {
        return all_ports();
    }
    let (Some(from), Some(to)) = (&rule.from, &rule.to) else {
        return all_ports();
    };
    match (cx.eval.number(from), cx.eval.number(to)) {
        (Some(f), Some(t)) => {
            let (f, t) = (f as i64, t as i64);
            if f < 0 || (f <= 1 && (t <= 0 || t >= 65535)) {
                all_ports()
            } else if f == t {
                Expression::String(f.to_string())
            } else {
                Expression::String(format!("{}-{}", f.max(1), t.min(65535)))
            }
        }
        _ => {
            let (fs, ts) = (hclx::inline(from), hclx::inline(to));
            if fs == ts {
                hclx::template(format!("${{{fs}}}"))
            } else {
                hclx::template(format!("${{{fs}}}-${{{ts}}}"))
            }
        }
    }
}

// ---- peers ---------------------------------------------------------------------------------------

/// Where traffic may come from (or go to), in DigitalOcean terms.
#[derive(Debug, Default)]
struct Peers {
    droplet_lists: Vec<Expression>,
    droplet_items: Vec<Expression>,
    lbs: Vec<Expression>,
    k8s: Vec<Expression>,
    /// Tags of droplet autoscale pools ([`pool_of`]).
    tags: Vec<Expression>,
    /// Members Ferry cannot identify: every resource tagged with the appliance's tag.
    appliance_tag: bool,
}

/// The droplet autoscale pool launched from the template `t` (an Auto Scaling group the EC2
/// rule mapped, not repeated): its address and the tag its droplets carry for the firewalls
/// (`pool:<group name>-<instance id>`, added to its `droplet_template` by [`tag_pool`]).
fn pool_of(cx: &Cx<'_>, t: &Resource) -> Option<(String, Expression)> {
    cx.origin_of_type("aws_autoscaling_group")
        .filter(|asg| asg.mode == Mode::Managed && !asg.meta.is_repeated())
        .filter(|asg| {
            super::ec2::launch_template_of(cx, asg).is_some_and(|x| x.address() == t.address())
        })
        .find_map(|asg| {
            let addr = cx
                .st
                .outcomes
                .get(asg.address())?
                .targets
                .iter()
                .find(|a| a.starts_with("digitalocean_droplet_autoscale."))?
                .clone();
            Some((addr, super::lb::name_tag(cx, asg, "pool")))
        })
}

/// Adds `tag` to the `droplet_template` tags of the emitted pool `addr`.
fn tag_pool(cx: &mut Cx<'_>, addr: &str, tag: &Expression) {
    let Some(e) = cx.emitted_mut(addr) else {
        return;
    };
    for item in &mut e.body.items {
        let Item::Block(b) = item else { continue };
        if b.ident != "droplet_template" {
            continue;
        }
        for it in &mut b.body.items {
            if let Item::Attr(k, Expression::Array(tags)) = it
                && k == "tags"
                && !tags.contains(tag)
            {
                tags.push(tag.clone());
            }
        }
    }
}

fn add_droplet(p: &mut Peers, r: &Resource) {
    let (e, list) = all_refs(r, "id");
    if list {
        p.droplet_lists.push(e);
    } else {
        p.droplet_items.push(e);
    }
}

fn add_k8s(p: &mut Peers, cluster: &Resource) -> bool {
    let (e, list) = all_refs(cluster, "id");
    if list {
        return false;
    }
    p.k8s.push(e);
    true
}

fn add_members(cx: &mut Cx<'_>, p: &mut Peers, sg: &Resource) {
    for m in members(cx, sg) {
        match m {
            Member::Droplet(r) => add_droplet(p, r),
            Member::LoadBalancer(r) => {
                let mapped = cx
                    .st
                    .outcomes
                    .get(r.address())
                    .is_some_and(|o| !o.targets.is_empty());
                let (e, list) = all_refs(r, "id");
                if mapped && !list {
                    p.lbs.push(e);
                } else {
                    p.appliance_tag = true;
                }
            }
            Member::Kubernetes(r) => {
                if !add_k8s(p, r) {
                    p.appliance_tag = true;
                }
            }
            Member::Workload(_) => {
                if let Some(cluster) = super::ecs::planned_cluster(cx) {
                    let id = hclx::parse_expr(&format!("{cluster}.id")).unwrap_or(Expression::Null);
                    if !p.k8s.contains(&id) {
                        p.k8s.push(id);
                    }
                }
            }
            // Databases do not open connections; other members are not identifiable.
            Member::Db(_) | Member::DbUnmapped(_) => {}
            Member::Template(t) => match pool_of(cx, t) {
                Some((addr, tag)) => {
                    tag_pool(cx, &addr, &tag);
                    if !p.tags.contains(&tag) {
                        p.tags.push(tag);
                    }
                }
                None => p.appliance_tag = true,
            },
            Member::Other(_) => p.appliance_tag = true,
        }
    }
}

/// The peers of a rule: its referenced groups' members, itself (`self = true`), or the
/// appliance tag for groups Ferry cannot see into (with a warning).
fn peers_of(cx: &mut Cx<'_>, rule: &SgRule<'_>, sg: &Resource) -> Peers {
    let mut p = Peers::default();
    if rule.self_ {
        add_members(cx, &mut p, sg);
    }
    let mut unknown = Vec::new();
    let mut elsewhere: Vec<String> = Vec::new();
    for e in &rule.peers {
        let peer = cx
            .resolve_ref(e)
            .or_else(|| module_resource(cx, e, "aws_security_group"));
        match peer {
            Some(g) if g.mode == Mode::Managed && g.ty == "aws_security_group" => {
                add_members(cx, &mut p, g);
                // Its members are (also) in other modules: adopted there with the group, or
                // joining it from there (`crate::xmod`).
                if cx.xmod.given.contains_key(g.address())
                    || cx.xmod.foreign_members.contains_key(g.address())
                {
                    elsewhere.push(if cx.module.dir.is_empty() {
                        g.address().to_string()
                    } else {
                        format!("{}/{}", cx.module.dir, g.address())
                    });
                }
            }
            Some(c) if c.mode == Mode::Managed && c.ty == "aws_eks_cluster" => {
                if !add_k8s(&mut p, c) {
                    p.appliance_tag = true;
                }
            }
            Some(ng) if ng.mode == Mode::Managed && ng.ty == "aws_eks_node_group" => {
                match cx
                    .referenced(ng, "cluster_name")
                    .filter(|c| c.ty == "aws_eks_cluster")
                {
                    Some(c) => {
                        if !add_k8s(&mut p, c) {
                            p.appliance_tag = true;
                        }
                    }
                    None => unknown.push(hclx::inline(e)),
                }
            }
            // A group of another module, named by its address where the group that reads it
            // was adopted (`crate::xmod`).
            _ if matches!(e, Expression::String(a) if a.starts_with("aws_security_group.") || a.contains("/aws_security_group.")) => {
                if let Expression::String(a) = e {
                    elsewhere.push(a.clone());
                }
            }
            _ => match cx.xmod.foreign_sources.get(&hclx::inline(e)) {
                Some(addrs) => elsewhere.extend(addrs.iter().cloned()),
                None => unknown.push(hclx::inline(e)),
            },
        }
    }
    for e in &rule.peer_lists {
        match cx.xmod.foreign_sources.get(&hclx::inline(e)) {
            Some(addrs) => elsewhere.extend(addrs.iter().cloned()),
            None => unknown.push(hclx::inline(e)),
        }
    }
    elsewhere.dedup();
    if !elsewhere.is_empty() {
        p.appliance_tag = true;
        cx.diag(
            Diagnostic::new(
                Code::FeatureUnsupported,
                format!(
                    "`{}`: a rule names the group(s) {}, whose members are declared in another module, where this module's firewall cannot name them; Ferry allows every resource of the appliance (tag `instance-id:${{var.instance_id}}`) instead",
                    rule.owner.address(),
                    elsewhere.iter().map(|u| format!("`{u}`")).collect::<Vec<_>>().join(", ")
                ),
            )
            .at(rule.owner.loc_of(rule.key))
            .resource(rule.owner.address())
            .help("declare the groups that name each other in one module, or allow a CIDR range; as written, the rule is broader than on AWS"),
        );
    }
    if !unknown.is_empty() {
        p.appliance_tag = true;
        cx.diag(
            Diagnostic::new(
                Code::FeatureUnsupported,
                format!(
                    "`{}`: a rule names the group(s) {}, whose members are not part of the stack; Ferry allows every resource of the appliance (tag `instance-id:${{var.instance_id}}`) instead",
                    rule.owner.address(),
                    unknown.iter().map(|u| format!("`{u}`")).collect::<Vec<_>>().join(", ")
                ),
            )
            .at(rule.owner.loc_of(rule.key))
            .resource(rule.owner.address())
            .help("reference an `aws_security_group` declared in the stack, or a CIDR range"),
        );
    } else if p.appliance_tag && elsewhere.is_empty() {
        cx.diag(
            Diagnostic::new(
                Code::FeatureUnsupported,
                format!(
                    "`{}`: a rule allows members of a group that DigitalOcean cannot name one by one (autoscaled droplets, node pools or unmapped resources); Ferry allows every resource of the appliance (tag `instance-id:${{var.instance_id}}`) instead",
                    rule.owner.address()
                ),
            )
            .at(rule.owner.loc_of(rule.key))
            .resource(rule.owner.address())
            .help("review the rule: it is broader than on AWS"),
        );
    }
    p
}

// ---- the group -------------------------------------------------------------------------------------

fn group(r: &Resource, cx: &mut Cx<'_>) {
    let Some(r) = cx.origin(r) else {
        return;
    };
    let users = members(cx, r);
    let (rules, rule_resources) = rules_of(cx, r);
    let mut emitted: Vec<String> = Vec::new();
    let mut absorbed_into: Vec<String> = Vec::new();
    let mut notes: Vec<String> = Vec::new();

    // Droplets → one cloud firewall.
    let droplets: Vec<&Resource> = users
        .iter()
        .filter_map(|m| match m {
            Member::Droplet(d) => Some(*d),
            _ => None,
        })
        .collect();
    // Droplet autoscale pools launched from a member template: their droplets carry a tag of
    // the pool, which the same firewall names.
    let mut pools: Vec<(&Resource, String, Expression)> = Vec::new();
    for m in &users {
        if let Member::Template(t) = m
            && let Some((addr, tag)) = pool_of(cx, t)
        {
            tag_pool(cx, &addr, &tag);
            pools.push((t, addr, tag));
        }
    }
    if !droplets.is_empty() || !pools.is_empty() {
        let tags: Vec<Expression> = pools.iter().map(|(_, _, t)| t.clone()).collect();
        let exposure = exposure(cx, &droplets, &pools);
        let addr = droplet_firewall(cx, r, &droplets, &tags, &rules, &exposure);
        if !droplets.is_empty() {
            notes.push(format!(
                "rules apply to the droplets of {}",
                list_addrs(&droplets)
            ));
        }
        for (_, pool, tag) in &pools {
            notes.push(format!(
                "rules apply to the droplets of `{pool}` (tag `{}`)",
                hclx::inline(tag)
            ));
        }
        emitted.push(addr);
    }

    // Databases → their database firewalls.
    for m in &users {
        match m {
            Member::Db(db) => {
                if let Some(a) = database_firewall(cx, r, db, &rules) {
                    if cx
                        .st
                        .outcomes
                        .get(r.address())
                        .is_some_and(|o| o.targets.contains(&a))
                    {
                        emitted.push(a);
                    } else {
                        absorbed_into.push(a);
                    }
                }
                notes.push(format!(
                    "ingress sources allowed to reach `{}`",
                    db.address()
                ));
            }
            Member::DbUnmapped(db) => notes.push(format!(
                "used by `{}`, which was not mapped, so no database firewall was written",
                db.address()
            )),
            Member::LoadBalancer(lb) => {
                if let Some(t) = cx
                    .st
                    .outcomes
                    .get(lb.address())
                    .and_then(|o| o.targets.first().cloned())
                {
                    absorbed_into.push(t);
                }
                notes.push(format!(
                    "the ingress CIDRs of `{}` are carried into its load balancer's `firewall` by the load balancer rule",
                    lb.address()
                ));
            }
            Member::Kubernetes(c) => {
                if let Some(t) = cx
                    .st
                    .outcomes
                    .get(c.address())
                    .and_then(|o| o.targets.first().cloned())
                {
                    absorbed_into.push(t);
                }
                notes.push(format!(
                    "`{}`: DOKS manages its nodes' firewall; restrict pod traffic with Kubernetes NetworkPolicies",
                    c.address()
                ));
            }
            // The nodes of a DOKS cluster (an EKS node group's or ECS container instances'
            // template): DOKS manages their firewall.
            Member::Template(t)
                if super::ec2::eventual_target(cx, t)
                    .is_some_and(|c| c.starts_with("digitalocean_kubernetes_")) =>
            {
                notes.push(format!(
                    "`{}` launches nodes of a DOKS cluster: DOKS manages its nodes' firewall; restrict pod traffic with Kubernetes NetworkPolicies",
                    t.address()
                ));
            }
            Member::Template(t) if pools.iter().any(|(p, _, _)| p.address() == t.address()) => {}
            Member::Template(t) => {
                cx.diag(
                    Diagnostic::new(
                        Code::FeatureUnsupported,
                        format!(
                            "`{}` guards the droplets launched from `{}`; DigitalOcean firewalls cannot follow autoscaled droplets by id, so their rules are not carried over",
                            r.address(),
                            t.address()
                        ),
                    )
                    .at(r.loc.clone())
                    .resource(r.address())
                    .help("give the droplet template a dedicated tag and add a `digitalocean_firewall` with `tags = [that tag]` to the deployment stack"),
                );
                notes.push(format!(
                    "used by `{}`, whose droplets DigitalOcean firewalls cannot follow",
                    t.address()
                ));
            }
            Member::Workload(w) => notes.push(format!(
                "`{}` runs as pods of `{}`: DOKS manages its nodes' firewall; restrict pod traffic with Kubernetes NetworkPolicies",
                w.address(),
                super::ecs::planned_cluster(cx).unwrap_or_default()
            )),
            Member::Other(o) => notes.push(format!(
                "used by `{}`, which has no DigitalOcean firewall",
                o.address()
            )),
            Member::Droplet(_) => {}
        }
    }

    // Members in other modules (`crate::xmod`): their firewalls are not written.
    if let Some(foreign) = cx.xmod.foreign_members.get(r.address()).cloned() {
        let list = foreign
            .iter()
            .map(|a| format!("`{a}`"))
            .collect::<Vec<_>>()
            .join(", ");
        cx.diag(
            Diagnostic::new(
                Code::FeatureUnsupported,
                format!(
                    "`{}` is joined from other modules, through module outputs and inputs, by {list}; Ferry writes a group's firewalls only for members declared beside it, so its rules do not guard them",
                    r.address()
                ),
            )
            .at(r.loc.clone())
            .resource(r.address())
            .help("declare the group and its rules in the module of the resources that use it, or add a `digitalocean_firewall` (droplets) or `digitalocean_database_firewall` (databases) for them to the deployment stack"),
        );
        notes.push(format!(
            "joined from other modules by {list}, which get no firewall from it"
        ));
    }

    // The outcome of the group and of its rule resources.
    let note = if notes.is_empty() {
        "DigitalOcean has no security groups, and no resource in the stack uses this one"
            .to_string()
    } else {
        notes.join("; ")
    };
    let into = emitted.first().or(absorbed_into.first()).cloned();
    if !emitted.is_empty() {
        cx.note(r, note.clone());
    } else if let Some(t) = &into {
        cx.absorb(r, t, note.clone());
    } else {
        cx.drop(r, note.clone());
    }
    for rr in rule_resources {
        match &into {
            Some(t) => cx.absorb(
                rr,
                t,
                format!("folded into the firewall rules of `{}`", r.address()),
            ),
            None => cx.drop(
                rr,
                format!(
                    "its group `{}` has no DigitalOcean firewall: {note}",
                    r.address()
                ),
            ),
        }
        cx.export(
            rr,
            "id",
            Export::Unmapped("DigitalOcean firewall rules have no ids".into()),
        );
        cx.export(
            rr,
            "security_group_rule_id",
            Export::Unmapped("DigitalOcean firewall rules have no ids".into()),
        );
    }

    // Exports: the cloud firewall when there is one.
    match emitted
        .iter()
        .find(|a| a.starts_with("digitalocean_firewall."))
    {
        Some(fw) => {
            cx.export_attrs(r, fw, &[("id", "id"), ("name", "name")]);
        }
        None => {
            for attr in ["id", "name"] {
                cx.export(
                    r,
                    attr,
                    Export::Unmapped("DigitalOcean has no security groups".into()),
                );
            }
        }
    }
    super::ec2::tags_unmapped(cx, r);
    for attr in ["arn", "owner_id", "vpc_id"] {
        cx.export(
            r,
            attr,
            Export::Unmapped("DigitalOcean has no security groups".into()),
        );
    }
}

fn list_addrs(rs: &[&Resource]) -> String {
    rs.iter()
        .map(|r| format!("`{}`", r.address()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The `digitalocean_firewall` of the droplets in a group.
fn droplet_firewall(
    cx: &mut Cx<'_>,
    sg: &Resource,
    droplets: &[&Resource],
    pool_tags: &[Expression],
    rules: &[SgRule<'_>],
    exposure: &Exposure,
) -> String {
    let mut body = OutBody::new();
    let name = cx
        .expr(sg, "name")
        .or_else(|| cx.expr(sg, "name_prefix").map(|p| prefix_name(cx, p)))
        .map(|n| safe_name(cx, &n, false));
    let name = repeat_name(cx, sg, name, false);
    body.set("name", name);
    let mut lists = Vec::new();
    let mut items = Vec::new();
    for d in droplets {
        let (e, list) = all_refs(d, "id");
        if list {
            lists.push(e);
        } else {
            items.push(e);
        }
    }
    if let Some(ids) = union_list(&lists, &items) {
        body.set("droplet_ids", ids);
    }
    if !pool_tags.is_empty() {
        body.set("tags", Expression::Array(pool_tags.to_vec()));
    }
    for rule in rules {
        let proto = protocol(cx, rule);
        let protos: Vec<(&str, bool)> = match &proto {
            Proto::Tcp => vec![("tcp", false)],
            Proto::Udp => vec![("udp", false)],
            Proto::Icmp => vec![("icmp", false)],
            Proto::All => vec![("tcp", true), ("udp", true), ("icmp", true)],
            Proto::Other(p) => {
                unsupported_protocol(cx, rule, p);
                continue;
            }
        };
        if rule.prefix_lists {
            prefix_list_warning(cx, rule);
        }
        let peers = peers_of(cx, rule, sg);
        let (dir, pre) = if rule.ingress {
            ("inbound_rule", "source")
        } else {
            ("outbound_rule", "destination")
        };
        let admitted = addresses_of(cx, rule);
        if !admitted.networks.is_empty() {
            looked_up_warning(cx, rule, &admitted.networks, "the firewall");
        }
        if rule.ingress {
            foreign_private_sources(cx, rule, &admitted);
        }
        let items = anywhere_from_vpc(cx, rule, sg, admitted.items, exposure);
        let addresses = union_list(&admitted.lists, &items);
        let droplet_ids = union_list(&peers.droplet_lists, &peers.droplet_items);
        let lbs = union_list(&[], &peers.lbs);
        let k8s = union_list(&[], &peers.k8s);
        let mut tag_items = peers.tags.clone();
        if (peers.appliance_tag || !admitted.networks.is_empty())
            && let Expression::Array(appliance) = cx.tags()
        {
            tag_items.extend(appliance.into_iter().filter(|t| !peers.tags.contains(t)));
        }
        let tags = (!tag_items.is_empty()).then_some(Expression::Array(tag_items));
        if addresses.is_none()
            && droplet_ids.is_none()
            && lbs.is_none()
            && k8s.is_none()
            && tags.is_none()
        {
            // A rule whose peers do not exist allows nothing on AWS either.
            continue;
        }
        for (p, all) in protos {
            let b = body.block(dir);
            b.set("protocol", Expression::String(p.into()));
            if p != "icmp" {
                b.set("port_range", port_range(cx, rule, all));
            }
            b.set_opt(format!("{pre}_addresses"), addresses.clone());
            b.set_opt(format!("{pre}_droplet_ids"), droplet_ids.clone());
            b.set_opt(format!("{pre}_load_balancer_uids"), lbs.clone());
            b.set_opt(format!("{pre}_kubernetes_ids"), k8s.clone());
            b.set_opt(format!("{pre}_tags"), tags.clone());
        }
    }
    // No `tags` here: on a firewall `tags` selects the droplets it applies to, and the
    // appliance tag would apply this group's rules to every droplet of the appliance.
    cx.emit(sg, "digitalocean_firewall", body)
}

/// An IPv4 CIDR (`10.0.0.0/16`) as its network address and prefix length.
fn ipv4_cidr(s: &str) -> Option<(u32, u32)> {
    let (ip, len) = s.split_once('/')?;
    let len: u32 = len.parse().ok().filter(|l| *l <= 32)?;
    let ip: std::net::Ipv4Addr = ip.parse().ok()?;
    let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
    Some((u32::from(ip) & mask, len))
}

/// Whether two IPv4 networks overlap (one contains the other).
fn overlaps((a, la): (u32, u32), (b, lb): (u32, u32)) -> bool {
    let len = la.min(lb);
    let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
    a & mask == b & mask
}

/// A part of one private (RFC 1918) IPv4 block, smaller than the block: a whole block
/// (`10.0.0.0/8`) means "any private address", which keeps its meaning on DigitalOcean.
fn is_private((net, len): (u32, u32)) -> bool {
    [("10.0.0.0", 8), ("172.16.0.0", 12), ("192.168.0.0", 16)]
        .iter()
        .any(|(p, l)| {
            len > *l
                && p.parse::<std::net::Ipv4Addr>()
                    .is_ok_and(|p| overlaps((net, len), (u32::from(p), *l)))
        })
}

/// Warns when an ingress rule of a droplet firewall admits a private range (a literal, or the
/// value of a variable known at compile time) that describes a network outside the stack
/// (known gap #239): with no VPC in the stack the droplets join the region's default
/// DigitalOcean VPC, whose range DigitalOcean assigns; with stack VPCs of known ranges, a
/// private range outside all of them (the AWS default VPC's `172.31.0.0/16`). Either way the
/// rule admits nobody on DigitalOcean unless that network is connected.
fn foreign_private_sources(cx: &mut Cx<'_>, rule: &SgRule<'_>, admitted: &Addresses) {
    let mut found: Vec<(String, String)> = Vec::new();
    let mut note = |cidr: &str, from: Option<&Expression>| {
        if ipv4_cidr(cidr).is_some_and(is_private) {
            let from = from
                .map(|e| format!(" (from `{}`)", hclx::inline(e)))
                .unwrap_or_default();
            if !found.iter().any(|(c, _)| c == cidr) {
                found.push((cidr.to_string(), from));
            }
        }
    };
    for i in &admitted.items {
        match hclx::as_str(i) {
            Some(c) => note(c, None),
            None => {
                if let Some(hcl::Value::String(c)) = cx.eval.value(i) {
                    note(&c, Some(i));
                }
            }
        }
    }
    for l in &admitted.lists {
        if let Some(hcl::Value::Array(values)) = cx.eval.value(l) {
            for v in values {
                if let hcl::Value::String(c) = v {
                    note(&c, Some(l));
                }
            }
        }
    }
    if found.is_empty() {
        return;
    }
    let vpcs: Vec<Option<(u32, u32)>> = cx
        .st
        .emitted
        .iter()
        .filter(|e| e.ty == "digitalocean_vpc" && e.mode == Mode::Managed)
        .map(|e| {
            e.body
                .get("ip_range")
                .and_then(hclx::as_str)
                .and_then(ipv4_cidr)
        })
        .collect();
    let stack_vpc = !vpcs.is_empty() || cx.xmod.vpc_var.is_some();
    let known: Vec<(u32, u32)> = vpcs.iter().flatten().copied().collect();
    let outside = |cidr: &str| {
        !stack_vpc
            || (cx.xmod.vpc_var.is_none()
                && known.len() == vpcs.len()
                && ipv4_cidr(cidr).is_some_and(|c| !known.iter().any(|v| overlaps(c, *v))))
    };
    // The ranges, grouped by the expression they come from.
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    for (c, from) in found.iter().filter(|(c, _)| outside(c)) {
        match groups.iter_mut().find(|(f, _)| f == from) {
            Some((_, cs)) => cs.push(format!("`{c}`")),
            None => groups.push((from.clone(), vec![format!("`{c}`")])),
        }
    }
    let count: usize = groups.iter().map(|(_, cs)| cs.len()).sum();
    if count == 0 {
        return;
    }
    let listed: Vec<String> = groups
        .iter()
        .map(|(from, cs)| format!("{}{from}", cs.join(", ")))
        .collect();
    let where_ = if stack_vpc {
        format!(
            "outside the stack's VPC range{} {}",
            if known.len() == 1 { "" } else { "s" },
            known
                .iter()
                .map(|(n, l)| format!("`{}/{l}`", std::net::Ipv4Addr::from(*n)))
                .collect::<Vec<_>>()
                .join(", ")
        )
    } else {
        "the stack declares no VPC here: the droplets join the region's default DigitalOcean VPC, whose range DigitalOcean chose, not the origin's".to_string()
    };
    cx.diag(
        Diagnostic::new(
            Code::FeatureUnsupported,
            format!(
                "`{}` admits {}, {} of a network outside the stack ({where_}): on DigitalOcean that network does not exist unless it is connected to the droplets' VPC, so the source likely admits nobody",
                rule.owner.address(),
                listed.join(", "),
                if count == 1 { "a private range" } else { "private ranges" },
            ),
        )
        .at(rule.owner.loc_of(rule.key))
        .resource(rule.owner.address())
        .help(if stack_vpc {
            "admit the stack VPC's range (read `aws_vpc.<name>.cidr_block`) or the clients' group instead, or connect that network to the VPC (peering, VPN)"
        } else {
            "admit the default VPC's range after deploying (`data \"digitalocean_vpc\"` with `region` reads its `ip_range`), or declare the VPC in the origin (`aws_vpc` becomes a `digitalocean_vpc` whose range the rule can read as `cidr_block`), or admit the clients' group instead of a CIDR"
        }),
    );
}

/// The single addresses of an ingress rule of a droplet firewall, with "anywhere" (`0.0.0.0/0`,
/// `::/0`) replaced by the stack VPC's range when AWS launched every droplet the firewall
/// guards without a public address ([`Exposure::Narrow`]): on AWS only the VPC (and the load
/// balancers in it) reached them, while DigitalOcean gives droplets public addresses. Warns
/// either way when members were private on AWS.
fn anywhere_from_vpc(
    cx: &mut Cx<'_>,
    rule: &SgRule<'_>,
    sg: &Resource,
    items: Vec<Expression>,
    exposure: &Exposure,
) -> Vec<Expression> {
    let is_anywhere = |i: &Expression| matches!(hclx::as_str(i), Some("0.0.0.0/0" | "::/0"));
    if !rule.ingress || !items.iter().any(is_anywhere) {
        return items;
    }
    let anywhere: Vec<String> = items
        .iter()
        .filter(|i| is_anywhere(i))
        .filter_map(|i| hclx::as_str(i).map(|s| format!("`{s}`")))
        .collect();
    match exposure {
        Exposure::Public => items,
        Exposure::Narrow { range, why } => {
            cx.diag(
                Diagnostic::new(
                    Code::FeatureUnsupported,
                    format!(
                        "`{}` admits anywhere ({}) to {}, which AWS launches without a public address: only the VPC reached them there; DigitalOcean droplets have public addresses, so the firewall of `{}` admits the VPC's range (`{}`) instead — load balancers in the VPC still reach them",
                        rule.owner.address(),
                        anywhere.join(", "),
                        why.join(", "),
                        sg.address(),
                        hclx::inline(range)
                    ),
                )
                .at(rule.owner.loc_of(rule.key))
                .resource(rule.owner.address())
                .help("to expose these ports to the internet, launch the instances into a subnet with `map_public_ip_on_launch = true` (or `associate_public_ip_address = true`) in the origin, or admit the clients' CIDR"),
            );
            let mut out: Vec<Expression> = Vec::new();
            for i in items {
                let i = if is_anywhere(&i) { range.clone() } else { i };
                if !out.contains(&i) {
                    out.push(i);
                }
            }
            out
        }
        Exposure::Exposed { why, all } => {
            cx.diag(
                Diagnostic::new(
                    Code::FeatureUnsupported,
                    format!(
                        "`{}` admits anywhere ({}) to {}, which AWS launches without a public address; DigitalOcean droplets have public addresses, so the firewall of `{}` opens these ports to the internet ({})",
                        rule.owner.address(),
                        anywhere.join(", "),
                        why.join(", "),
                        sg.address(),
                        if *all {
                            "Ferry knows no one stack VPC range to admit instead"
                        } else {
                            "the group also guards instances with public addresses, so the rule is kept as written"
                        }
                    ),
                )
                .at(rule.owner.loc_of(rule.key))
                .resource(rule.owner.address())
                .help("admit the VPC's range or the clients' CIDR instead of `0.0.0.0/0` in the origin (a separate group for the private instances)"),
            );
            items
        }
    }
}

/// Adds the ingress sources of a group's rules to the `digitalocean_database_firewall` of a
/// database cluster (one per cluster: it owns every rule of the cluster). Returns its address.
fn database_firewall(
    cx: &mut Cx<'_>,
    sg: &Resource,
    db: &Resource,
    rules: &[SgRule<'_>],
) -> Option<String> {
    let cluster = db_cluster(cx, db)?;
    let mut new_rules: Vec<Item> = Vec::new();
    let simple = |ty: &str, value: Expression| {
        let mut b = OutBody::new();
        b.set("type", Expression::String(ty.into()));
        b.set("value", value);
        Item::Block(OutBlock {
            ident: "rule".into(),
            labels: vec![],
            body: b,
        })
    };
    let dynamic = |ty: &str, list: Expression| {
        let mut content = OutBody::new();
        content.set("type", Expression::String(ty.into()));
        content.set("value", hclx::path(&["rule", "value"]));
        let mut b = OutBody::new();
        b.set(
            "for_each",
            format!("toset({})", hclx::inline(&list))
                .parse::<Expression>()
                .unwrap_or(list),
        );
        b.items.push(Item::Block(OutBlock {
            ident: "content".into(),
            labels: vec![],
            body: content,
        }));
        Item::Block(OutBlock {
            ident: "dynamic".into(),
            labels: vec!["rule".into()],
            body: b,
        })
    };
    let mut had_egress = false;
    // A database AWS kept inside its VPC (not `publicly_accessible`) admitted `0.0.0.0/0` from
    // the VPC only; a DigitalOcean database always has a public endpoint, so "anywhere" admits
    // the VPC's range instead.
    let private = !db_public(cx, db);
    let private_range = private.then(|| vpc_range_of(cx, &cluster)).flatten();
    let mut narrowed = false;
    for rule in rules {
        if !rule.ingress {
            had_egress = true;
            continue;
        }
        if rule.prefix_lists {
            prefix_list_warning(cx, rule);
        }
        // An address read from AWS that has no DigitalOcean value (the F401 on the reference
        // says why) would leave a rule without its required `value`: it is left out.
        let addresses = addresses_of(cx, rule);
        for l in addresses.lists {
            new_rules.push(dynamic("ip_addr", l));
        }
        if !addresses.networks.is_empty() {
            new_rules.push(simple(
                "tag",
                hclx::template("instance-id:${var.instance_id}"),
            ));
            looked_up_warning(
                cx,
                rule,
                &addresses.networks,
                &format!("the firewall of `{}`", db.address()),
            );
        }
        let cidrs = addresses.items;
        for i in cidrs {
            let anywhere = matches!(hclx::as_str(&i), Some("0.0.0.0/0" | "::/0"));
            match &private_range {
                Some(range) if anywhere => {
                    if !narrowed {
                        new_rules.push(simple("ip_addr", range.clone()));
                        cx.diag(
                            Diagnostic::new(
                                Code::FeatureUnsupported,
                                format!(
                                    "`{}` admits anywhere (`{}`) to `{}`, which AWS keeps inside its VPC (not publicly accessible); a DigitalOcean database always has a public endpoint, so the firewall admits the VPC's range (`{}`) instead",
                                    rule.owner.address(),
                                    hclx::as_str(&i).unwrap_or_default(),
                                    db.address(),
                                    hclx::inline(range)
                                ),
                            )
                            .at(rule.owner.loc_of(rule.key))
                            .resource(rule.owner.address())
                            .help("to reach the database from outside the VPC, admit those addresses by CIDR in the origin"),
                        );
                    }
                    narrowed = true;
                }
                // No stack VPC to narrow to (the origin's VPC is outside the stack, e.g. the
                // account's default VPC): the appliance's own droplets and Kubernetes nodes,
                // which carry its instance tag, rather than the whole internet.
                None if anywhere && private => {
                    if !narrowed {
                        new_rules.push(simple(
                            "tag",
                            hclx::template("instance-id:${var.instance_id}"),
                        ));
                        cx.diag(
                            Diagnostic::new(
                                Code::FeatureUnsupported,
                                format!(
                                    "`{}` admits anywhere (`{}`) to `{}`, which AWS keeps inside its VPC (not publicly accessible); a DigitalOcean database always has a public endpoint and the stack declares no VPC, so the firewall admits the appliance's droplets and Kubernetes nodes (tag `instance-id:${{var.instance_id}}`) instead",
                                    rule.owner.address(),
                                    hclx::as_str(&i).unwrap_or_default(),
                                    db.address(),
                                ),
                            )
                            .at(rule.owner.loc_of(rule.key))
                            .resource(rule.owner.address())
                            .help("to reach the database from outside the appliance, admit those addresses by CIDR in the origin"),
                        );
                    }
                    narrowed = true;
                }
                _ => new_rules.push(simple("ip_addr", i)),
            }
        }
        let peers = peers_of(cx, rule, sg);
        for l in &peers.droplet_lists {
            new_rules.push(dynamic("droplet", l.clone()));
        }
        for i in peers.droplet_items {
            new_rules.push(simple("droplet", i));
        }
        for i in peers.k8s {
            new_rules.push(simple("k8s", i));
        }
        for t in peers.tags {
            new_rules.push(simple("tag", t));
        }
        if !peers.lbs.is_empty() {
            cx.diag(
                Diagnostic::new(
                    Code::FeatureUnsupported,
                    format!("`{}`: a database firewall cannot admit a load balancer; the rule for it is not carried over", rule.owner.address()),
                )
                .at(rule.owner.loc_of(rule.key))
                .resource(rule.owner.address())
                .help("admit the droplets or Kubernetes cluster behind the load balancer instead"),
            );
        }
        if peers.appliance_tag {
            new_rules.push(simple(
                "tag",
                hclx::template("instance-id:${var.instance_id}"),
            ));
        }
    }
    if had_egress {
        cx.diag(
            Diagnostic::new(
                Code::FeatureUnsupported,
                format!("`{}`: managed databases have no outbound rules; the group's egress rules are not carried over for `{}`", sg.address(), db.address()),
            )
            .at(sg.loc_of("egress"))
            .resource(sg.address()),
        );
    }
    // Merge into the cluster's firewall when another group already wrote it.
    let cluster_ref = super::ec2::each_ref_emitted(db, &cluster, "id");
    let cluster_text = hclx::inline(&cluster_ref);
    let existing = cx
        .st
        .firewall_clusters
        .borrow_mut()
        .find(&cx.st.emitted, &cluster_text);
    if new_rules.is_empty() {
        cx.diag(
            Diagnostic::new(
                Code::FeatureUnsupported,
                format!("`{}` admits no source that DigitalOcean can express for `{}`", sg.address(), db.address()),
            )
            .at(sg.loc.clone())
            .resource(sg.address())
            .help("a managed database without firewall rules accepts connections from any address that has its credentials: add an ingress rule (CIDR or security group of the clients)"),
        );
        return existing;
    }
    if let Some(addr) = existing {
        if let Some(e) = cx.emitted_mut(&addr) {
            let mut seen: std::collections::BTreeSet<String> =
                e.body.items.iter().map(item_key).collect();
            for r in new_rules {
                if seen.insert(item_key(&r)) {
                    e.body.items.push(r);
                }
            }
        }
        return Some(addr);
    }
    let mut body = OutBody::new();
    body.set("cluster_id", cluster_ref);
    let mut seen = std::collections::BTreeSet::new();
    for r in new_rules {
        if seen.insert(item_key(&r)) {
            body.items.push(r);
        }
    }
    let addr = cx.emit_as(
        sg,
        Mode::Managed,
        "digitalocean_database_firewall",
        &db.name,
        body,
    );
    // The firewall repeats with its database.
    if let Some(e) = cx.emitted_mut(&addr) {
        e.meta.count = db.meta.count.clone();
        e.meta.for_each = db.meta.for_each.clone();
    }
    Some(addr)
}

fn item_key(i: &Item) -> String {
    match i {
        Item::Attr(k, v) => format!("{k}={}", hclx::inline(v)),
        Item::Block(b) => format!("{}{:?}{:?}", b.ident, b.labels, b.body),
    }
}

fn unsupported_protocol(cx: &mut Cx<'_>, rule: &SgRule<'_>, p: &str) {
    cx.diag(
        Diagnostic::new(
            Code::FeatureUnsupported,
            format!(
                "`{}`: DigitalOcean firewalls filter only TCP, UDP and ICMP; the rule for protocol `{p}` is not carried over",
                rule.owner.address()
            ),
        )
        .at(rule.owner.loc_of(rule.key))
        .resource(rule.owner.address())
        .help("tunnel the traffic over TCP or UDP, or drop the rule"),
    );
}

fn prefix_list_warning(cx: &mut Cx<'_>, rule: &SgRule<'_>) {
    cx.diag(
        Diagnostic::new(
            Code::FeatureUnsupported,
            format!(
                "`{}`: AWS managed prefix lists have no DigitalOcean equivalent; the prefix list part of the rule is not carried over",
                rule.owner.address()
            ),
        )
        .at(rule.owner.loc_of(rule.key))
        .resource(rule.owner.address())
        .help("list the CIDR ranges the prefix list stands for"),
    );
}

// ---- rule resources --------------------------------------------------------------------------------

/// A security group attached to an instance's primary network interface: the instance is in
/// the group, so the group's rules are part of the droplet's firewall (written by the group's
/// rule); any other network interface is what `aws_network_interface` is (unsupported).
fn interface_attachment(r: &Resource, cx: &mut Cx<'_>) {
    let Some(instance) = attached_instance(cx, r) else {
        super::generic::fallback(r, cx);
        return;
    };
    let droplet = cx
        .st
        .outcomes
        .get(instance.address())
        .and_then(|o| {
            o.targets
                .iter()
                .find(|t| t.starts_with("digitalocean_droplet."))
                .cloned()
        })
        .unwrap_or_default();
    let group = hclx::attr(&r.body, "security_group_id")
        .and_then(|e| cx.resolve_ref(e))
        .map(|g| format!("`{}`", g.address()))
        .unwrap_or_else(|| "the security group".into());
    cx.absorb(
        r,
        &droplet,
        format!(
            "`{}` joins {group} through its primary network interface: the group's firewall applies to the droplet",
            instance.address()
        ),
    );
}

fn rule_resource(r: &Resource, cx: &mut Cx<'_>) {
    if hclx::attr(&r.body, "security_group_id").is_some_and(names_default_group) {
        cx.diag(
            Diagnostic::new(
                Code::FeatureUnsupported,
                format!(
                    "`{}` adds a rule to the VPC's default security group; DigitalOcean VPCs have no default firewall, so the rule is not carried over",
                    r.address()
                ),
            )
            .at(r.loc.clone())
            .resource(r.address())
            .help("put the rule on a security group of the resources it is meant for: it then becomes part of their firewall"),
        );
        cx.drop(
            r,
            "a rule of the VPC's default security group, which DigitalOcean VPCs do not have",
        );
        return;
    }
    if let Some(group) = hclx::attr(&r.body, "security_group_id").and_then(|e| eks_group(cx, e)) {
        cx.diag(
            Diagnostic::new(
                Code::FeatureUnsupported,
                format!(
                    "`{}` adds a rule to {group}; DOKS manages the firewall of its nodes and control plane itself (nodes of one cluster reach each other and the API on every port they need), so the rule is not carried over",
                    r.address()
                ),
            )
            .at(r.loc.clone())
            .resource(r.address())
            .help("if the rule opened a node port to something outside the cluster, expose that workload with a Kubernetes Service instead; add a `digitalocean_firewall` for the cluster's tag only for traffic DOKS does not allow"),
        );
        cx.drop(
            r,
            "a rule of an EKS cluster's security group; DOKS manages its cluster's firewall",
        );
        return;
    }
    let in_stack = match cx.referenced(r, "security_group_id") {
        Some(g) => g.mode == Mode::Managed && g.ty == "aws_security_group",
        None => group_via_local(cx, r).is_some(),
    };
    // An egress rule only allows traffic out of the members of its group, none of which is part
    // of the stack: nothing of the appliance is governed by it (its droplets and DOKS nodes send
    // to the VPC without one), so it is left out with a warning rather than stopping the stack.
    let egress = r.ty == "aws_vpc_security_group_egress_rule"
        || (r.ty == "aws_security_group_rule"
            && hclx::attr(&r.body, "type")
                .and_then(|e| cx.eval.string(e))
                .as_deref()
                == Some("egress"));
    if !in_stack && egress {
        cx.diag(
            Diagnostic::new(
                Code::FeatureUnsupported,
                format!(
                    "`{}` adds an egress rule to a security group that is not part of the stack: it allows traffic out of that group's members, none of which the appliance has, so it is not carried over",
                    r.address()
                ),
            )
            .at(r.loc.clone())
            .resource(r.address())
            .help("if the rule admitted the stack's own resources as a destination, their firewall (an ingress rule of their group) is what governs that traffic on DigitalOcean"),
        );
        cx.drop(
            r,
            "an egress rule of a security group outside the stack; nothing of the appliance is its member",
        );
        return;
    }
    if !in_stack {
        cx.unsupported(
            r,
            Code::OrphanSubresource,
            format!(
                "`{}` adds a rule to a security group that is not part of the stack",
                r.address()
            ),
            "declare the `aws_security_group` in the same module, or write the rule into the DigitalOcean firewall by hand",
        );
    }
    // Otherwise the group records the outcome (it may run before or after this rule).
}

/// The security group of an EKS cluster that `e` names, described for a message: an output of a
/// call of the registry EKS module (`module.eks.node_security_group_id`,
/// `cluster_security_group_id`, `cluster_primary_security_group_id`) or the group EKS creates
/// for an `aws_eks_cluster` (`aws_eks_cluster.x.vpc_config[0].cluster_security_group_id`).
fn eks_group(cx: &Cx<'_>, e: &Expression) -> Option<String> {
    const OUTPUTS: &[&str] = &[
        "node_security_group_id",
        "cluster_security_group_id",
        "cluster_primary_security_group_id",
    ];
    let (root, ops) = hclx::traversal_root(e)?;
    let attr = |i: usize| match ops.get(i) {
        Some(Op::GetAttr(a)) => Some(a.as_str()),
        _ => None,
    };
    if root == "module" {
        let (call, out) = (attr(0)?, attr(1)?);
        let eks = cx.module.module_calls.iter().any(|c| {
            c.name == call
                && hclx::attr(&c.body, "source")
                    .and_then(|e| cx.eval.string(e))
                    .and_then(|s| crate::modules::parse_source(&s))
                    .is_some_and(|(name, sub)| name == "eks" && sub.is_none())
        });
        return (eks && OUTPUTS.contains(&out))
            .then(|| format!("the security group `module.{call}.{out}` of an EKS cluster"));
    }
    let cluster_group = || {
        ops.iter()
            .any(|o| matches!(o, Op::GetAttr(a) if a.as_str() == "cluster_security_group_id"))
    };
    if root == "aws_eks_cluster" && cluster_group() {
        return Some(format!(
            "the security group EKS creates for `aws_eks_cluster.{}`",
            attr(0)?
        ));
    }
    // The same group of a cluster looked up by name (`data.aws_eks_cluster.x`).
    if root == "data" && attr(0) == Some("aws_eks_cluster") && cluster_group() {
        return Some(format!(
            "the security group EKS creates for `data.aws_eks_cluster.{}`",
            attr(1)?
        ));
    }
    None
}

/// Does `e` name a VPC's default security group (`aws_default_security_group.x.id`,
/// `aws_vpc.x.default_security_group_id`, the registry VPC module's
/// `module.vpc.default_security_group_id`)?
fn names_default_group(e: &Expression) -> bool {
    let mut found = false;
    hclx::walk(e, &mut |x| match hclx::traversal_root(x) {
        Some(("aws_default_security_group", _)) => found = true,
        Some((_, ops)) => {
            found |= ops
                .iter()
                .any(|o| matches!(o, Op::GetAttr(a) if a.as_str() == "default_security_group_id"))
        }
        None => {}
    });
    found
}

#[cfg(test)]
mod tests {
    use crate::report::Outcome;
    use crate::{CompileRequest, Options, compile};

    /// Odd values in every argument the compute rules read: no panic, an outcome for every
    /// resource, and no schema self-check findings.
    #[test]
    fn odd_values_never_panic() {
        let tf = r#"
            variable "n" { type = number }
            variable "ports" { type = list(number) }
            resource "aws_security_group" "a" {
              name = ["not", "a", "string"]
              ingress {
                from_port   = "abc"
                to_port     = -7
                protocol    = ["x"]
                cidr_blocks = 5
                security_groups = "sg-123"
              }
              ingress {
                from_port = 70000
                to_port   = 2
                protocol  = "tcp"
                self      = "maybe"
              }
              egress {
                protocol        = var.n
                security_groups = [aws_security_group.a.id, data.aws_security_group.x.id]
              }
            }
            resource "aws_security_group_rule" "r" {
              count             = var.n
              type              = 7
              security_group_id = aws_security_group.a.id
              from_port         = var.ports[count.index]
              to_port           = var.ports[count.index]
              protocol          = "udp"
            }
            resource "aws_instance" "i" {
              count                  = -1
              ami                    = null
              instance_type          = 42
              key_name               = {}
              user_data_base64       = 3
              ipv6_address_count     = "lots"
              vpc_security_group_ids = [aws_security_group.a.id]
              ebs_block_device { device_name = [] }
              root_block_device { volume_size = "big" }
              tags = "no"
            }
            resource "aws_ebs_volume" "v" {
              for_each = 12
              type     = {}
            }
            resource "aws_volume_attachment" "v" {
              volume_id = aws_ebs_volume.v
            }
            resource "aws_eks_cluster" "c" {
              name    = null
              version = 1
              vpc_config { public_access_cidrs = "0.0.0.0/0" }
            }
            resource "aws_eks_node_group" "g" {
              cluster_name   = aws_eks_cluster.c.name
              instance_types = "m5.large"
              scaling_config {
                min_size = "x"
                max_size = -3
              }
              taint {
                effect = var.n
              }
            }
            resource "aws_eks_node_group" "h" {
              for_each     = var.n
              cluster_name = aws_eks_cluster.c.name
            }
            resource "aws_eks_addon" "a" {
              for_each     = "x"
              cluster_name = aws_eks_cluster.c.name
              addon_name   = each.key
            }
            resource "aws_eip" "e" { instance = [] }
            resource "aws_eip_association" "e" { allocation_id = aws_eip.e.id }
            resource "aws_autoscaling_group" "g" {
              min_size = "a"
              max_size = "b"
              launch_template { id = aws_launch_template.t.id }
            }
            resource "aws_launch_template" "t" {
              instance_type = "t4g.999xlarge"
              user_data     = 5
            }
            resource "aws_autoscaling_policy" "p" {
              autoscaling_group_name = aws_autoscaling_group.g.name
              policy_type            = "TargetTrackingScaling"
              target_tracking_configuration {
                predefined_metric_specification { predefined_metric_type = "ASGAverageCPUUtilization" }
                target_value = "high"
              }
            }
            data "aws_ami" "x" {
              filter { values = 3 }
              name_regex = {}
            }
        "#;
        let req = CompileRequest {
            files: [("main.tf".to_string(), tf.to_string())]
                .into_iter()
                .collect(),
            options: Options::default(),
        };
        let c = compile(&req);
        assert!(
            !c.report
                .resources
                .iter()
                .any(|r| r.note.as_deref() == Some("no outcome recorded")),
            "{:#?}",
            c.report.resources
        );
        assert!(
            !c.report.diagnostics.iter().any(|d| d.code == "F901"),
            "{:#?}",
            c.report.diagnostics
        );
        assert!(
            c.report
                .resources
                .iter()
                .any(|r| r.address == "aws_instance.i" && r.outcome == Outcome::Mapped)
        );
    }

    /// A group attached to a standalone network interface stays unsupported (as
    /// `aws_network_interface` is); to an instance's primary interface, the instance joins it.
    #[test]
    fn interface_attachments() {
        let tf = r#"
            resource "aws_security_group" "g" {
              ingress {
                from_port   = 80
                to_port     = 80
                protocol    = "tcp"
                cidr_blocks = ["0.0.0.0/0"]
              }
            }
            resource "aws_instance" "i" {
              ami           = "ami-1"
              instance_type = "t3.micro"
            }
            resource "aws_network_interface" "n" {
              subnet_id = "subnet-1"
            }
            resource "aws_network_interface_sg_attachment" "standalone" {
              security_group_id    = aws_security_group.g.id
              network_interface_id = aws_network_interface.n.id
            }
            resource "aws_network_interface_sg_attachment" "primary" {
              security_group_id    = aws_security_group.g.id
              network_interface_id = aws_instance.i.primary_network_interface_id
            }
            resource "aws_network_interface_sg_attachment" "odd" {
              security_group_id    = 7
              network_interface_id = aws_instance.i
            }
        "#;
        let req = CompileRequest {
            files: [("main.tf".to_string(), tf.to_string())]
                .into_iter()
                .collect(),
            options: Options::default(),
        };
        let c = compile(&req);
        let outcome = |a: &str| {
            c.report
                .resources
                .iter()
                .find(|r| r.address == a)
                .map(|r| r.outcome)
        };
        assert_eq!(
            outcome("aws_network_interface_sg_attachment.primary"),
            Some(Outcome::Absorbed)
        );
        assert_eq!(
            outcome("aws_network_interface_sg_attachment.standalone"),
            Some(Outcome::Unsupported)
        );
        assert_eq!(
            outcome("aws_network_interface_sg_attachment.odd"),
            Some(Outcome::Unsupported)
        );
        assert!(
            c.files["main.tf"].contains("droplet_ids = [digitalocean_droplet.i.id]"),
            "{}",
            c.files["main.tf"]
        );
    }
}
