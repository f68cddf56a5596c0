//! VPC and the networking AWS spreads over many resources, which DigitalOcean folds into one
//! `digitalocean_vpc`: subnets, gateways, route tables, network ACLs, DHCP options and
//! endpoints are absorbed into the VPC (their `id` becomes the VPC's, so references keep a
//! value). NAT gateways that private route tables use become `digitalocean_vpc_nat_gateway`;
//! peerings between two VPCs of the stack become `digitalocean_vpc_peering`. Lookups of
//! existing networks (`data "aws_vpc"`, …) are reported: an appliance owns its network.

use super::{Cx, Export, Phase, RuleDef};
use crate::diag::{Code, Diagnostic};
use crate::hclx;
use crate::origin::{Mode, Resource};
use crate::out::OutBody;
use hcl::{Body, Expression};

/// An absorbed member of the VPC family, with the note shown in the report.
const fn absorbed(
    ty: &'static str,
    args: &'static [&'static str],
    summary: &'static str,
) -> RuleDef {
    RuleDef {
        ty,
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &[],
        args,
        summary,
        map: absorb_into_vpc,
    }
}

const fn lookup_data(ty: &'static str, args: &'static [&'static str]) -> RuleDef {
    RuleDef {
        ty,
        mode: Mode::Data,
        phase: Phase::Primary,
        produces: &[],
        args,
        summary: "lookup of an existing network → reported (the appliance creates its own VPC)",
        map: network_lookup,
    }
}

const ROUTE_ARGS: &[&str] = &[
    "route_table_id",
    "destination_cidr_block",
    "destination_ipv6_cidr_block",
    "destination_prefix_list_id",
    "carrier_gateway_id",
    "core_network_arn",
    "egress_only_gateway_id",
    "gateway_id",
    "nat_gateway_id",
    "local_gateway_id",
    "network_interface_id",
    "transit_gateway_id",
    "vpc_endpoint_id",
    "vpc_peering_connection_id",
    "instance_id",
];

const ACL_ARGS: &[&str] = &["vpc_id", "subnet_ids", "ingress", "egress"];

pub const RULES: &[RuleDef] = &[
    RuleDef {
        ty: "aws_vpc",
        mode: Mode::Managed,
        phase: Phase::Foundation,
        produces: &["digitalocean_vpc"],
        args: &[
            "cidr_block",
            "enable_dns_support",
            "enable_dns_hostnames",
            "instance_tenancy",
            "enable_network_address_usage_metrics",
        ],
        summary: "VPC → digitalocean_vpc (ip_range from cidr_block; DNS is always on)",
        map: vpc,
    },
    RuleDef {
        ty: "aws_subnet",
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &[],
        args: &[
            "vpc_id",
            "cidr_block",
            "availability_zone",
            "availability_zone_id",
            "map_public_ip_on_launch",
            "assign_ipv6_address_on_creation",
            "ipv6_cidr_block",
            "enable_dns64",
            "enable_resource_name_dns_a_record_on_launch",
            "enable_resource_name_dns_aaaa_record_on_launch",
            "private_dns_hostname_type_on_launch",
        ],
        summary: "subnet → absorbed into its VPC (a DigitalOcean VPC is one regional network)",
        map: subnet,
    },
    absorbed(
        "aws_internet_gateway",
        &["vpc_id"],
        "internet gateway → absorbed into the VPC (droplets reach the internet through their public interface)",
    ),
    absorbed(
        "aws_internet_gateway_attachment",
        &["vpc_id", "internet_gateway_id"],
        "internet gateway attachment → absorbed into the VPC",
    ),
    absorbed(
        "aws_egress_only_internet_gateway",
        &["vpc_id"],
        "egress-only internet gateway → absorbed into the VPC",
    ),
    RuleDef {
        ty: "aws_nat_gateway",
        mode: Mode::Managed,
        phase: Phase::Primary,
        produces: &["digitalocean_vpc_nat_gateway"],
        args: &[
            "allocation_id",
            "subnet_id",
            "connectivity_type",
            "private_ip",
            "secondary_allocation_ids",
            "secondary_private_ip_address_count",
            "secondary_private_ip_addresses",
        ],
        summary: "NAT gateway used by route tables → digitalocean_vpc_nat_gateway (one per VPC, default gateway); unused → absorbed",
        map: nat_gateway,
    },
    absorbed(
        "aws_route_table",
        &["vpc_id", "route", "propagating_vgws"],
        "route table → absorbed into the VPC (DigitalOcean routes within the VPC without tables)",
    ),
    absorbed("aws_route", ROUTE_ARGS, "route → absorbed into the VPC"),
    absorbed(
        "aws_route_table_association",
        &["subnet_id", "gateway_id", "route_table_id"],
        "route table association → absorbed into the VPC",
    ),
    absorbed(
        "aws_main_route_table_association",
        &["vpc_id", "route_table_id"],
        "main route table association → absorbed into the VPC",
    ),
    absorbed(
        "aws_default_route_table",
        &["default_route_table_id", "route", "propagating_vgws"],
        "default route table → absorbed into the VPC",
    ),
    absorbed(
        "aws_default_security_group",
        &["vpc_id", "ingress", "egress", "revoke_rules_on_delete"],
        "default security group → absorbed into the VPC (VPC members reach each other; there is no default group)",
    ),
    absorbed(
        "aws_default_network_acl",
        &["default_network_acl_id", "subnet_ids", "ingress", "egress"],
        "default network ACL → absorbed into the VPC (DigitalOcean VPCs have no ACLs)",
    ),
    absorbed(
        "aws_network_acl",
        ACL_ARGS,
        "network ACL → absorbed into the VPC; deny rules are flagged (cloud firewalls only allow)",
    ),
    absorbed(
        "aws_network_acl_rule",
        &[
            "network_acl_id",
            "rule_number",
            "egress",
            "protocol",
            "rule_action",
            "cidr_block",
            "ipv6_cidr_block",
            "from_port",
            "to_port",
            "icmp_type",
            "icmp_code",
        ],
        "network ACL rule → absorbed into the VPC; deny rules are flagged",
    ),
    absorbed(
        "aws_network_acl_association",
        &["network_acl_id", "subnet_id"],
        "network ACL association → absorbed into the VPC",
    ),
    absorbed(
        "aws_vpc_dhcp_options",
        &[
            "domain_name",
            "domain_name_servers",
            "ntp_servers",
            "netbios_name_servers",
            "netbios_node_type",
            "ipv6_address_preferred_lease_time",
        ],
        "DHCP options → absorbed into the VPC (DigitalOcean's resolvers serve the VPC)",
    ),
    absorbed(
        "aws_vpc_dhcp_options_association",
        &["vpc_id", "dhcp_options_id"],
        "DHCP options association → absorbed into the VPC",
    ),
    absorbed(
        "aws_vpc_ipv4_cidr_block_association",
        &[
            "vpc_id",
            "cidr_block",
            "ipv4_ipam_pool_id",
            "ipv4_netmask_length",
        ],
        "secondary IPv4 range → absorbed into the VPC with a warning (one range per DigitalOcean VPC)",
    ),
    absorbed(
        "aws_vpc_ipv6_cidr_block_association",
        &[
            "vpc_id",
            "ipv6_cidr_block",
            "ipv6_ipam_pool_id",
            "ipv6_netmask_length",
            "ipv6_pool",
            "assign_generated_ipv6_cidr_block",
        ],
        "IPv6 range → absorbed into the VPC (DigitalOcean VPCs are IPv4)",
    ),
    absorbed(
        "aws_vpc_endpoint",
        &[
            "vpc_id",
            "service_name",
            "vpc_endpoint_type",
            "route_table_ids",
            "subnet_ids",
            "security_group_ids",
            "private_dns_enabled",
            "policy",
            "auto_accept",
            "ip_address_type",
            "dns_options",
            "subnet_configuration",
        ],
        "VPC endpoint → absorbed into the VPC (DigitalOcean services are reachable from the VPC without endpoints)",
    ),
    absorbed(
        "aws_vpc_endpoint_route_table_association",
        &["vpc_endpoint_id", "route_table_id"],
        "VPC endpoint route table association → absorbed into the VPC",
    ),
    absorbed(
        "aws_vpc_endpoint_subnet_association",
        &["vpc_endpoint_id", "subnet_id"],
        "VPC endpoint subnet association → absorbed into the VPC",
    ),
    absorbed(
        "aws_vpc_endpoint_security_group_association",
        &[
            "vpc_endpoint_id",
            "security_group_id",
            "replace_default_association",
        ],
        "VPC endpoint security group association → absorbed into the VPC",
    ),
    absorbed(
        "aws_vpc_endpoint_policy",
        &["vpc_endpoint_id", "policy"],
        "VPC endpoint policy → absorbed into the VPC",
    ),
    RuleDef {
        ty: "aws_vpc_peering_connection",
        mode: Mode::Managed,
        phase: Phase::Primary,
        produces: &["digitalocean_vpc_peering"],
        args: &[
            "vpc_id",
            "peer_vpc_id",
            "peer_owner_id",
            "peer_region",
            "auto_accept",
            "accepter",
            "requester",
        ],
        summary: "VPC peering between two VPCs of the stack → digitalocean_vpc_peering; others unsupported",
        map: peering,
    },
    RuleDef {
        ty: "aws_vpc_peering_connection_accepter",
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &[],
        args: &[
            "vpc_peering_connection_id",
            "auto_accept",
            "accepter",
            "requester",
        ],
        summary: "peering accepter → absorbed into the digitalocean_vpc_peering (peerings in one account need no acceptance)",
        map: peering_side,
    },
    RuleDef {
        ty: "aws_vpc_peering_connection_options",
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &[],
        args: &["vpc_peering_connection_id", "accepter", "requester"],
        summary: "peering options → absorbed into the digitalocean_vpc_peering (DNS resolution across a peering is always on)",
        map: peering_side,
    },
    RuleDef {
        ty: "aws_vpc",
        mode: Mode::Data,
        phase: Phase::Foundation,
        produces: &[],
        args: &["id", "cidr_block", "default", "filter", "state", "tags"],
        summary: "lookup of the default VPC → the region's default VPC (references become null: no vpc_uuid); other VPC lookups → reported (the appliance creates its own)",
        map: vpc_lookup,
    },
    RuleDef {
        ty: "aws_default_vpc",
        mode: Mode::Managed,
        phase: Phase::Foundation,
        produces: &[],
        args: &[
            "enable_dns_support",
            "enable_dns_hostnames",
            "enable_network_address_usage_metrics",
            "force_destroy",
            "assign_generated_ipv6_cidr_block",
        ],
        summary: "the account's default VPC → the region's default VPC (references become null: no vpc_uuid)",
        map: default_vpc,
    },
    lookup_data("aws_vpcs", &["filter", "tags"]),
    lookup_data(
        "aws_subnet",
        &[
            "id",
            "vpc_id",
            "cidr_block",
            "availability_zone",
            "availability_zone_id",
            "default_for_az",
            "filter",
            "state",
            "tags",
        ],
    ),
    lookup_data("aws_subnets", &["filter", "tags"]),
    lookup_data("aws_subnet_ids", &["vpc_id", "filter", "tags"]),
    lookup_data(
        "aws_security_group",
        &["id", "name", "vpc_id", "filter", "tags"],
    ),
    lookup_data("aws_security_groups", &["filter", "tags"]),
    lookup_data(
        "aws_internet_gateway",
        &["internet_gateway_id", "filter", "tags"],
    ),
    lookup_data(
        "aws_nat_gateway",
        &["id", "subnet_id", "vpc_id", "state", "filter", "tags"],
    ),
    lookup_data(
        "aws_route_table",
        &[
            "route_table_id",
            "subnet_id",
            "gateway_id",
            "vpc_id",
            "filter",
            "tags",
        ],
    ),
];

fn vpc(r: &Resource, cx: &mut Cx<'_>) {
    let mut body = OutBody::new();
    let name = cx.unique_name(r, name_tag(r), &r.name);
    body.set("name", name);
    body.set("region", cx.region());
    body.set_opt("ip_range", cx.expr(r, "cidr_block"));
    let addr = cx.emit(r, "digitalocean_vpc", body);
    let attr = |a: &'static str| Export::Attr {
        target: addr.clone(),
        attr: a.into(),
    };
    cx.export(r, "cidr_block", attr("ip_range"));
    cx.export(r, "arn", attr("urn"));
    // What AWS creates with every VPC is absorbed into it.
    for a in [
        "default_route_table_id",
        "main_route_table_id",
        "default_network_acl_id",
    ] {
        cx.export(r, a, attr("id"));
    }
    cx.export(
        r,
        "default_security_group_id",
        Export::Unmapped(
            "DigitalOcean VPCs have no default security group; firewalls are separate resources"
                .into(),
        ),
    );
    cx.export(
        r,
        "ipv6_cidr_block",
        Export::Unmapped("DigitalOcean VPCs are IPv4 only".into()),
    );
    cx.export(
        r,
        "owner_id",
        Export::Unmapped("DigitalOcean has no AWS account id".into()),
    );
}

fn subnet(r: &Resource, cx: &mut Cx<'_>) {
    match owning_vpc(cx, r) {
        Some(vpc) => {
            cx.absorb(
                r,
                &vpc,
                "DigitalOcean VPCs have no subnets: the whole VPC range is one regional network",
            );
            absorbed_exports(r, cx, &vpc);
            cx.export(
                r,
                "cidr_block",
                Export::Attr {
                    target: vpc,
                    attr: "ip_range".into(),
                },
            );
            cx.export(r, "availability_zone", Export::Expr(cx.region()));
            cx.export(r, "availability_zone_id", Export::Expr(cx.region()));
        }
        None => {
            // In a module without a VPC, a subnet of the VPC its caller passes in (`vpc_id =
            // var.vpc_id`, the caller passing `module.vpc.vpc_id`): its id is that VPC's, as a
            // subnet's beside its VPC is, so what joins the subnet joins the VPC.
            let foreign = cx.xmod.vpc_var.as_ref().filter(|(e, _)| {
                hclx::attr(&r.body, "vpc_id").is_some_and(|v| hclx::inline(v) == hclx::inline(e))
            });
            let Some((var, vpc)) = foreign.cloned() else {
                cx.drop(
                    r,
                    "its VPC is not part of the stack; DigitalOcean VPCs have no subnets",
                );
                return;
            };
            cx.drop(
                r,
                format!(
                    "DigitalOcean VPCs have no subnets: the subnet is the whole of `{vpc}` (another module's VPC, passed in as `{}`), and its id reads that VPC's",
                    hclx::inline(&var)
                ),
            );
            for a in ["id", "vpc_id"] {
                cx.export(r, a, Export::Expr(var.clone()));
            }
            cx.export(
                r,
                "cidr_block",
                Export::Unmapped(
                    format!("the subnet is the whole of `{vpc}`, whose range its own module holds")
                        .into(),
                ),
            );
            cx.export(r, "availability_zone", Export::Expr(cx.region()));
            cx.export(r, "availability_zone_id", Export::Expr(cx.region()));
        }
    }
}

/// What each absorbed type means for the appliance.
fn absorbed_note(ty: &str) -> &'static str {
    match ty {
        "aws_internet_gateway" | "aws_internet_gateway_attachment" => {
            "droplets reach the internet through their public interface; a DigitalOcean VPC needs no internet gateway"
        }
        "aws_egress_only_internet_gateway" => {
            "DigitalOcean VPCs are IPv4; droplets with IPv6 enabled reach the internet directly"
        }
        "aws_route_table"
        | "aws_route"
        | "aws_route_table_association"
        | "aws_main_route_table_association"
        | "aws_default_route_table" => {
            "DigitalOcean VPCs route within their range and to the internet without route tables; a VPC NAT gateway, when the stack has one, is the default route"
        }
        "aws_default_security_group" => {
            "DigitalOcean VPC members reach each other; there is no default security group, and its rules are not carried over"
        }
        "aws_default_network_acl"
        | "aws_network_acl"
        | "aws_network_acl_rule"
        | "aws_network_acl_association" => {
            "DigitalOcean VPCs have no network ACLs; traffic is filtered by cloud firewalls on droplets (from security groups)"
        }
        "aws_vpc_dhcp_options" | "aws_vpc_dhcp_options_association" => {
            "DigitalOcean VPCs use DigitalOcean's resolvers; custom DHCP options (domain name, DNS and NTP servers) are not carried over"
        }
        "aws_vpc_ipv4_cidr_block_association" => {
            "a DigitalOcean VPC has one IP range; the secondary range is not added"
        }
        "aws_vpc_ipv6_cidr_block_association" => "DigitalOcean VPCs are IPv4 only",
        t if t.starts_with("aws_vpc_endpoint") => {
            "DigitalOcean services are reachable from the VPC without endpoints"
        }
        _ => "folded into the VPC",
    }
}

fn absorb_into_vpc(r: &Resource, cx: &mut Cx<'_>) {
    let note = absorbed_note(&r.ty);
    let Some(vpc) = owning_vpc(cx, r) else {
        cx.drop(r, format!("its VPC is not part of the stack; {note}"));
        return;
    };
    cx.absorb(r, &vpc, note);
    absorbed_exports(r, cx, &vpc);
    match r.ty.as_str() {
        "aws_network_acl" | "aws_default_network_acl" => {
            let denies = ["ingress", "egress"]
                .iter()
                .flat_map(|k| hclx::blocks(&r.body, k))
                .filter(|b| {
                    hclx::attr(b, "action")
                        .and_then(|e| cx.eval.string(e))
                        .as_deref()
                        == Some("deny")
                })
                .count();
            if denies > 0 {
                deny_warning(cx, r, "ingress");
            }
        }
        "aws_network_acl_rule" if cx.str(r, "rule_action").as_deref() == Some("deny") => {
            deny_warning(cx, r, "rule_action");
        }
        "aws_vpc_ipv4_cidr_block_association" => {
            let range = cx
                .expr(r, "cidr_block")
                .map(|e| format!(" `{}`", hclx::inline(&e)))
                .unwrap_or_default();
            cx.diag(
                Diagnostic::new(
                    Code::FeatureUnsupported,
                    format!("a DigitalOcean VPC has one IP range; the secondary range{range} of `{}` is not added", r.address()),
                )
                .at(r.loc_of("cidr_block"))
                .resource(r.address())
                .help("give the VPC a range large enough for everything (/16 at most), or place the extra resources in a second VPC peered with `digitalocean_vpc_peering`"),
            );
            cx.export(
                r,
                "cidr_block",
                Export::Attr {
                    target: vpc,
                    attr: "ip_range".into(),
                },
            );
        }
        _ => {}
    }
}

fn deny_warning(cx: &mut Cx<'_>, r: &Resource, at: &str) {
    cx.diag(
        Diagnostic::new(
            Code::FeatureUnsupported,
            format!("`{}` denies traffic; DigitalOcean has no network ACLs and cloud firewalls only allow, so the deny is not enforced", r.address()),
        )
        .at(r.loc_of(at))
        .resource(r.address())
        .help("express the intent as allow rules on the firewalls of the droplets (security groups), or deny the sources on the load balancer's `firewall` block"),
    );
}

/// Exports of a resource absorbed into the VPC `vpc`: references to its id become the VPC's.
fn absorbed_exports(r: &Resource, cx: &mut Cx<'_>, vpc: &str) {
    for a in ["id", "vpc_id"] {
        cx.export(
            r,
            a,
            Export::Attr {
                target: vpc.to_string(),
                attr: "id".into(),
            },
        );
    }
    cx.export(
        r,
        "arn",
        Export::Unmapped(
            format!(
                "`{}` was folded into the VPC and has no ARN of its own",
                r.address()
            )
            .into(),
        ),
    );
    cx.export(
        r,
        "owner_id",
        Export::Unmapped("DigitalOcean has no AWS account id".into()),
    );
}

/// The `Name` tag of a resource, when it has one.
fn name_tag(r: &Resource) -> Option<Expression> {
    hclx::name_tag(&r.body)
}

/// Arguments through which networking resources point at their VPC, directly or through
/// another member of the family.
const VPC_LINKS: &[&str] = &[
    "vpc_id",
    "subnet_id",
    "default_route_table_id",
    "default_network_acl_id",
    "route_table_id",
    "network_acl_id",
    "internet_gateway_id",
    "vpc_endpoint_id",
    "dhcp_options_id",
    "subnet_ids",
    "route_table_ids",
    "gateway_id",
    "nat_gateway_id",
    "vpc_peering_connection_id",
];

/// The emitted `digitalocean_vpc` a networking resource belongs to: followed through its
/// references (a route → its route table → its VPC), else the stack's only VPC.
fn owning_vpc(cx: &Cx<'_>, r: &Resource) -> Option<String> {
    fn follow(cx: &Cx<'_>, r: &Resource, depth: u8) -> Option<String> {
        if r.ty == "aws_vpc" {
            return cx
                .st
                .outcomes
                .get(r.address())?
                .targets
                .iter()
                .find(|t| t.starts_with("digitalocean_vpc."))
                .cloned();
        }
        if depth == 0 {
            return None;
        }
        VPC_LINKS.iter().find_map(|k| {
            let next = cx.referenced(r, k)?;
            follow(cx, next, depth - 1)
        })
    }
    if let Some(v) = follow(cx, r, 4) {
        return Some(v);
    }
    if VPC_LINKS.iter().any(|k| hclx::attr(&r.body, k).is_some()) {
        // It names a network that is not (or not mapped as) a VPC of the stack.
        return None;
    }
    {
        // DHCP options are linked from their association, not the other way round.
        let by_association = cx
            .resources
            .iter()
            .filter(|a| a.mode == Mode::Managed && a.ty == "aws_vpc_dhcp_options_association")
            .filter(|a| {
                cx.referenced(a, "dhcp_options_id")
                    .is_some_and(|d| d.address() == r.address())
            })
            .find_map(|a| follow(cx, a, 2));
        by_association.or_else(|| only_vpc(cx))
    }
}

/// The stack's VPC when it has exactly one.
fn only_vpc(cx: &Cx<'_>) -> Option<String> {
    let mut vpcs = cx
        .st
        .emitted
        .iter()
        .filter(|e| e.ty == "digitalocean_vpc" && e.mode == Mode::Managed);
    let first = vpcs.next()?;
    vpcs.next().is_none().then(|| first.address())
}

/// `digitalocean_vpc.x.id` for an emitted VPC address (its first instance when repeated).
fn vpc_id_expr(cx: &Cx<'_>, addr: &str) -> Expression {
    let mut parts: Vec<String> = addr.split('.').map(str::to_string).collect();
    if cx.st.find(addr).is_some_and(|e| e.meta.is_repeated())
        && let Some(last) = parts.last_mut()
    {
        last.push_str("[0]");
    }
    parts.push("id".into());
    parts.join(".").parse().unwrap_or(Expression::Null)
}

/// Does anything in `body` (nested blocks included) refer to `target`?
fn refers_to(body: &Body, target: &Resource) -> bool {
    let mut hit = false;
    for s in body.iter() {
        match s {
            hcl::Structure::Attribute(a) => hclx::walk(a.expr(), &mut |x| {
                if let Some((root, [hcl::expr::TraversalOperator::GetAttr(n), ..])) =
                    hclx::traversal_root(x)
                {
                    hit |= root == target.ty && n.as_str() == target.name;
                }
            }),
            hcl::Structure::Block(b) => hit |= refers_to(&b.body, target),
        }
        if hit {
            break;
        }
    }
    hit
}

fn nat_gateway(r: &Resource, cx: &mut Cx<'_>) {
    let Some(vpc) = owning_vpc(cx, r) else {
        cx.drop(
            r,
            "its VPC is not part of the stack; DigitalOcean NAT gateways belong to a VPC of the appliance",
        );
        return;
    };
    let private = cx.str(r, "connectivity_type").as_deref() == Some("private");
    let routed = cx.resources.iter().any(|o| {
        o.mode == Mode::Managed
            && matches!(
                o.ty.as_str(),
                "aws_route" | "aws_route_table" | "aws_default_route_table"
            )
            && refers_to(&o.body, r)
    });
    let vpc_expr = vpc_id_expr(cx, &vpc);
    // One NAT gateway serves a DigitalOcean VPC as its default gateway.
    let existing = cx
        .st
        .emitted
        .iter()
        .find(|e| {
            e.ty == "digitalocean_vpc_nat_gateway"
                && e.body
                    .blocks("vpcs")
                    .any(|v| v.get("vpc_uuid") == Some(&vpc_expr))
        })
        .map(|e| e.address());
    if private || !routed || existing.is_some() {
        let (into, note) = match existing {
            Some(nat) if !private && routed => (
                nat,
                "one DigitalOcean VPC NAT gateway is the default gateway of the whole VPC; it serves the traffic of this one too",
            ),
            _ if private => (
                vpc.clone(),
                "private NAT between networks has no DigitalOcean equivalent; VPC members and peered VPCs reach each other directly",
            ),
            _ => (
                vpc.clone(),
                "no route table sends traffic through it; droplets reach the internet through their public interface",
            ),
        };
        cx.absorb(r, &into, note);
        cx.export(
            r,
            "id",
            Export::Attr {
                target: into,
                attr: "id".into(),
            },
        );
        cx.export(
            r,
            "public_ip",
            Export::Unmapped("the NAT gateway was folded into the VPC".into()),
        );
        return;
    }
    let repeated = r.meta.is_repeated();
    let name = cx.unique_name(r, name_tag(r).filter(|_| !repeated), &r.name);
    let mut body = OutBody::new();
    body.set("name", name);
    body.set("type", Expression::String("PUBLIC".into()));
    body.set("region", cx.region());
    body.set("size", Expression::Number(1.into()));
    let v = body.block("vpcs");
    v.set("vpc_uuid", vpc_expr);
    v.set("default_gateway", Expression::Bool(true));
    let addr = cx.emit(r, "digitalocean_vpc_nat_gateway", body);
    // `count = var.enable_nat ? length(var.azs) : 0`: the one gateway keeps the switch.
    let toggle = r.meta.count.as_ref().and_then(count_toggle);
    let switched = toggle.is_some();
    if repeated && let Some(e) = cx.emitted_mut(&addr) {
        e.meta.count = toggle;
        e.meta.for_each = None;
    }
    cx.note(
        r,
        if switched {
            "one DigitalOcean VPC NAT gateway is the default gateway of the whole VPC; the per-zone gateways became one, created when the origin's `count` condition holds"
        } else if repeated {
            "one DigitalOcean VPC NAT gateway is the default gateway of the whole VPC; the per-zone gateways became one"
        } else {
            "the default gateway of the VPC: droplets without a public interface reach the internet through it"
        },
    );
    let attr = |a: &'static str| Export::Attr {
        target: addr.clone(),
        attr: a.into(),
    };
    cx.export(r, "id", attr("id"));
    cx.export(
        r,
        "public_ip",
        Export::Tmpl {
            target: addr.clone(),
            tmpl: "tolist($T.egresses[0].public_gateways)[0].ipv4".into(),
        },
    );
    cx.export(
        r,
        "private_ip",
        Export::Tmpl {
            target: addr.clone(),
            tmpl: "tolist($T.vpcs)[0].gateway_ip".into(),
        },
    );
    // The Elastic IP the gateway was given is its public address: read as the gateway's
    // (whichever of the two rules runs last, `eip` copies this export).
    if let Some(eip) = cx
        .referenced(r, "allocation_id")
        .filter(|e| e.ty == "aws_eip" && e.mode == Mode::Managed)
    {
        cx.export(
            eip,
            "public_ip",
            Export::Tmpl {
                target: addr.clone(),
                tmpl: "tolist($T.egresses[0].public_gateways)[0].ipv4".into(),
            },
        );
    }
    cx.export(
        r,
        "allocation_id",
        Export::Unmapped("a DigitalOcean VPC NAT gateway allocates its own public address".into()),
    );
    cx.export(
        r,
        "network_interface_id",
        Export::Unmapped("DigitalOcean has no network interfaces".into()),
    );
    cx.export(
        r,
        "subnet_id",
        Export::Attr {
            target: vpc,
            attr: "id".into(),
        },
    );
}

/// `cond ? n : 0` (or `cond ? 0 : n`) as `cond ? 1 : 0` (or `cond ? 0 : 1`): a count that
/// switches per-zone copies on and off, for a resource that becomes one.
fn count_toggle(count: &Expression) -> Option<Expression> {
    let zero = |e: &Expression| matches!(e, Expression::Number(n) if n.as_f64() == Some(0.0));
    let mut e = count;
    while let Expression::Parenthesis(inner) = e {
        e = inner;
    }
    let Expression::Conditional(c) = e else {
        return None;
    };
    let one = || Expression::Number(1.into());
    let zero_e = || Expression::Number(0.into());
    let (t, f) = match (zero(&c.true_expr), zero(&c.false_expr)) {
        (false, true) => (one(), zero_e()),
        (true, false) => (zero_e(), one()),
        _ => return None,
    };
    Some(Expression::Conditional(Box::new(
        hcl::expr::Conditional::new(c.cond_expr.clone(), t, f),
    )))
}

fn peering(r: &Resource, cx: &mut Cx<'_>) {
    let vpc_of = |key: &str| {
        cx.referenced(r, key)
            .filter(|v| v.ty == "aws_vpc")
            .and_then(|v| cx.st.outcomes.get(v.address()))
            .and_then(|o| {
                o.targets
                    .iter()
                    .find(|t| t.starts_with("digitalocean_vpc."))
            })
            .cloned()
    };
    let (Some(_), Some(_), Some(a), Some(b)) = (
        cx.expr(r, "vpc_id"),
        cx.expr(r, "peer_vpc_id"),
        vpc_of("vpc_id"),
        vpc_of("peer_vpc_id"),
    ) else {
        cx.unsupported(
            r,
            Code::UnsupportedService,
            format!("`{}` peers with a VPC that is not part of the stack (another account or an existing network)", r.address()),
            "DigitalOcean peers two VPCs of the same account (`digitalocean_vpc_peering`): declare both VPCs in the stack, or reach the other network through a WireGuard/IPsec gateway droplet",
        );
        return;
    };
    if a == b {
        cx.unsupported(
            r,
            Code::UnsupportedValue,
            format!("`{}` peers a VPC with itself", r.address()),
            "peer two different VPCs",
        );
        return;
    }
    let mut body = OutBody::new();
    let name = cx.unique_name(r, name_tag(r), &r.name);
    body.set("name", name);
    // Copied as written: the reference pass turns `aws_vpc.x.id` (with its index) into the VPC id.
    body.set(
        "vpc_ids",
        Expression::Array(
            [cx.expr(r, "vpc_id"), cx.expr(r, "peer_vpc_id")]
                .into_iter()
                .flatten()
                .collect(),
        ),
    );
    let addr = cx.emit(r, "digitalocean_vpc_peering", body);
    cx.export(
        r,
        "id",
        Export::Attr {
            target: addr.clone(),
            attr: "id".into(),
        },
    );
    cx.export(
        r,
        "accept_status",
        Export::Tmpl {
            target: addr,
            tmpl: "lower($T.status)".into(),
        },
    );
}

/// Accepter and options of a peering: absorbed into the mapped peering.
fn peering_side(r: &Resource, cx: &mut Cx<'_>) {
    let Some(conn) = cx.referenced(r, "vpc_peering_connection_id") else {
        cx.unsupported(
            r,
            Code::UnsupportedService,
            format!("`{}` accepts a peering that is not part of the stack (another account)", r.address()),
            "DigitalOcean peers two VPCs of the same account (`digitalocean_vpc_peering`); reach other accounts' networks through a WireGuard/IPsec gateway droplet",
        );
        return;
    };
    let target = cx
        .st
        .outcomes
        .get(conn.address())
        .and_then(|o| o.targets.first())
        .cloned();
    match target {
        Some(peering) => {
            let note = if r.ty == "aws_vpc_peering_connection_accepter" {
                "peerings between VPCs of one DigitalOcean account need no acceptance"
            } else {
                "DNS resolution across a DigitalOcean peering needs no option"
            };
            cx.absorb(r, &peering, note);
            cx.export(
                r,
                "id",
                Export::Attr {
                    target: peering,
                    attr: "id".into(),
                },
            );
        }
        None => cx.drop(r, format!("its peering `{}` is not mapped", conn.address())),
    }
}

/// The AWS account's default VPC: DigitalOcean places every resource that names no VPC in the
/// region's default VPC, so references to its id become `null` (no `vpc_uuid`). No lookup is
/// emitted: a fresh account has no default VPC in a region until its first resource there.
fn region_default_vpc(r: &Resource, cx: &mut Cx<'_>) {
    cx.st.outcomes.insert(
        r.address().to_string(),
        super::OutcomeRec {
            outcome: crate::report::Outcome::Absorbed,
            targets: vec![],
            note: Some("stands for the region's default DigitalOcean VPC: references to its id become `null`, which places resources there".into()),
        },
    );
    for a in [
        "id",
        "default_route_table_id",
        "main_route_table_id",
        "default_network_acl_id",
    ] {
        cx.export(r, a, Export::Expr(Expression::Null));
    }
    let why = "the region's default DigitalOcean VPC is not part of the appliance; its range is chosen by DigitalOcean";
    for a in ["cidr_block", "arn", "default_security_group_id", "owner_id"] {
        cx.export(r, a, Export::Unmapped(why.into()));
    }
}

fn default_vpc(r: &Resource, cx: &mut Cx<'_>) {
    region_default_vpc(r, cx);
}

fn vpc_lookup(r: &Resource, cx: &mut Cx<'_>) {
    if cx.bool(r, "default") == Some(true) {
        region_default_vpc(r, cx);
    } else {
        network_lookup(r, cx);
    }
}

fn network_lookup(r: &Resource, cx: &mut Cx<'_>) {
    super::generic::unsupported_data(
        r,
        cx,
        format!(
            "data source `{}` looks up an existing network; an appliance creates its own, so references to it become `null`",
            r.address()
        ),
        "declare the VPC in the stack (`aws_vpc`, mapped to `digitalocean_vpc`) and refer to it, or leave the network out: DigitalOcean places resources without a VPC in the region's default VPC".into(),
    );
}

#[cfg(test)]
mod tests {
    use crate::report::Outcome;
    use crate::{CompileRequest, Options, compile};

    fn compile_one(tf: &str) -> crate::Compilation {
        compile(&CompileRequest {
            files: [("main.tf".to_string(), tf.to_string())]
                .into_iter()
                .collect(),
            options: Options::default(),
        })
    }

    fn outcome(c: &crate::Compilation, addr: &str) -> (Outcome, Vec<String>) {
        let r = c
            .report
            .resources
            .iter()
            .find(|r| r.address == addr)
            .expect(addr);
        (r.outcome, r.targets.clone())
    }

    #[test]
    fn per_zone_nat_gateways_become_one_vpc_gateway() {
        let c = compile_one(
            r#"
            resource "aws_vpc" "main" { cidr_block = "10.0.0.0/16" }
            resource "aws_subnet" "public" {
              count      = 2
              vpc_id     = aws_vpc.main.id
              cidr_block = cidrsubnet("10.0.0.0/16", 8, count.index)
            }
            resource "aws_nat_gateway" "zone" {
              count     = 2
              subnet_id = aws_subnet.public[count.index].id
              tags      = { Name = "nat-${count.index}" }
            }
            resource "aws_nat_gateway" "extra" {
              subnet_id = aws_subnet.public[0].id
            }
            resource "aws_nat_gateway" "unused" {
              subnet_id = aws_subnet.public[1].id
            }
            resource "aws_route_table" "private" {
              count  = 2
              vpc_id = aws_vpc.main.id
              route {
                cidr_block     = "0.0.0.0/0"
                nat_gateway_id = aws_nat_gateway.zone[count.index].id
              }
            }
            resource "aws_route" "extra" {
              route_table_id         = aws_route_table.private[0].id
              destination_cidr_block = "10.9.0.0/16"
              nat_gateway_id         = aws_nat_gateway.extra.id
            }
            output "nat_ids" { value = aws_nat_gateway.zone[*].id }
            "#,
        );
        let main = &c.files["main.tf"];
        assert_eq!(
            main.matches("resource \"digitalocean_vpc_nat_gateway\"")
                .count(),
            1,
            "{main}"
        );
        assert!(
            main.contains("name   = \"zone-${var.instance_id}\""),
            "{main}"
        );
        assert!(!main.contains("count.index"), "{main}");
        assert_eq!(outcome(&c, "aws_nat_gateway.zone").0, Outcome::Mapped);
        assert_eq!(
            outcome(&c, "aws_nat_gateway.extra"),
            (
                Outcome::Absorbed,
                vec!["digitalocean_vpc_nat_gateway.zone".to_string()]
            )
        );
        assert_eq!(
            outcome(&c, "aws_nat_gateway.unused"),
            (Outcome::Absorbed, vec!["digitalocean_vpc.main".to_string()])
        );
        assert!(
            c.files["outputs.tf"].contains("[digitalocean_vpc_nat_gateway.zone.id]"),
            "{}",
            c.files["outputs.tf"]
        );
    }

    #[test]
    fn networking_of_a_vpc_outside_the_stack_is_not_absorbed_into_another() {
        let c = compile_one(
            r#"
            data "aws_vpc" "shared" {
              tags = { Name = "shared" }
            }
            data "aws_vpc" "default" { default = true }
            resource "aws_subnet" "in_default" {
              vpc_id     = data.aws_vpc.default.id
              cidr_block = "172.31.98.0/24"
            }
            resource "aws_vpc" "own" { cidr_block = "10.1.0.0/16" }
            resource "aws_subnet" "shared" {
              vpc_id     = data.aws_vpc.shared.id
              cidr_block = "172.31.99.0/24"
            }
            resource "aws_internet_gateway" "own" { vpc_id = aws_vpc.own.id }
            resource "aws_vpc_dhcp_options" "corp" { domain_name = "corp.internal" }
            "#,
        );
        assert_eq!(outcome(&c, "aws_subnet.shared").0, Outcome::Dropped);
        assert_eq!(outcome(&c, "aws_subnet.in_default").0, Outcome::Dropped);
        assert_eq!(outcome(&c, "data.aws_vpc.default").0, Outcome::Absorbed);
        assert!(!c.files["main.tf"].contains("data \"digitalocean_vpc\""));
        assert_eq!(
            outcome(&c, "aws_internet_gateway.own"),
            (Outcome::Absorbed, vec!["digitalocean_vpc.own".to_string()])
        );
        // Not linked to any VPC: the stack's only VPC.
        assert_eq!(
            outcome(&c, "aws_vpc_dhcp_options.corp"),
            (Outcome::Absorbed, vec!["digitalocean_vpc.own".to_string()])
        );
    }
}
