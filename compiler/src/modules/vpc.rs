//! VPCs: `vpc` (v5) and its `//modules/vpc-endpoints`, and `hashicorp/subnets/cidr`, whose
//! outputs are `cidrsubnets` arithmetic computed here.

use super::{B, Builder, entries, get, is_source, no_resources, s};
use crate::hclx;
use crate::refs::ModuleOutput;
use hcl::Expression;

const SUBNETS: &str = "DigitalOcean VPCs have no subnets: resources join the VPC itself (use `vpc_id`, or `vpc_cidr_block` for its range)";

pub(super) fn vpc(b: &mut Builder<'_>) {
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

/// `hashicorp/subnets/cidr` from the registry, or its GitHub repository.
pub(super) fn is_subnets_cidr(source: &str) -> bool {
    is_source(
        source,
        "hashicorp/subnets/cidr",
        "hashicorp/terraform-cidr-subnets",
    )
}

/// `hashicorp/subnets/cidr`: no resources, only `cidrsubnets` arithmetic. Its outputs are
/// computed when the base block and the networks are known at compile time, else written as
/// the module computes them (`cidrsubnets(base, networks[*].new_bits...)`), for `tofu plan`.
pub(super) fn subnets_cidr(b: &mut Builder<'_>) {
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

/// vpc `//modules/vpc-endpoints`: one `aws_vpc_endpoint` per `endpoints` entry (the network
/// rule folds them into the VPC: DigitalOcean services are reached without endpoints).
pub(super) fn vpc_endpoints(b: &mut Builder<'_>) {
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
}
