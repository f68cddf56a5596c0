//! VPC and the networking AWS spreads over many resources, which DigitalOcean folds into one
//! `digitalocean_vpc`.

use super::{Cx, Export, Phase, RuleDef};
use crate::hclx;
use crate::origin::{Mode, Resource};
use crate::out::OutBody;

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
        ],
        summary: "subnet → absorbed into its VPC (a DigitalOcean VPC is one regional network)",
        map: subnet,
    },
];

fn vpc(r: &Resource, cx: &mut Cx<'_>) {
    let mut body = OutBody::new();
    let name_tag = hclx::attr(&r.body, "tags")
        .and_then(hclx::object_to_body)
        .and_then(|b| hclx::attr(&b, "Name").cloned());
    let name = cx.unique_name(r, name_tag, &r.name);
    body.set("name", name);
    body.set("region", cx.region());
    body.set_opt("ip_range", cx.expr(r, "cidr_block"));
    let addr = cx.emit(r, "digitalocean_vpc", body);
    cx.export(
        r,
        "cidr_block",
        Export::Attr {
            target: addr.clone(),
            attr: "ip_range".into(),
        },
    );
    cx.export(
        r,
        "arn",
        Export::Attr {
            target: addr,
            attr: "urn".into(),
        },
    );
}

fn subnet(r: &Resource, cx: &mut Cx<'_>) {
    match cx.parent(r, "vpc_id") {
        Some(vpc) => {
            cx.absorb(
                r,
                &vpc,
                "DigitalOcean VPCs have no subnets: the whole VPC range is one regional network",
            );
            cx.export(
                r,
                "vpc_id",
                Export::Attr {
                    target: vpc.clone(),
                    attr: "id".into(),
                },
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
        None => cx.drop(
            r,
            "its VPC is not part of the stack; DigitalOcean VPCs have no subnets",
        ),
    }
}
