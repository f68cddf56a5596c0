//! Elastic IPs → reserved IPs (`digitalocean_reserved_ip`) and their associations; the address of a
//! NAT gateway is DigitalOcean's own.

use super::{body_mentions, retarget, tags_unmapped};
use crate::diag::Code;
use crate::origin::Resource;
use crate::out::OutBody;
use crate::rules::{Cx, Export};

pub(super) fn eip(r: &Resource, cx: &mut Cx<'_>) {
    let nat = cx
        .origin_of_type("aws_nat_gateway")
        .find(|n| body_mentions(&n.body, &["allocation_id"], r));
    if let Some(nat) = nat {
        cx.drop(
            r,
            format!(
                "the public address of `{}`: a DigitalOcean NAT gateway brings its own",
                nat.address()
            ),
        );
        // The gateway's public address, when its rule has run (it also sets this export).
        let via_nat = cx
            .st
            .exports
            .get(nat.address())
            .and_then(|x| x.attrs.get("public_ip"))
            .cloned()
            .unwrap_or_else(|| {
                Export::Unmapped("the NAT gateway's address is assigned by DigitalOcean".into())
            });
        cx.export(r, "public_ip", via_nat);
        return;
    }
    let mut body = OutBody::new();
    body.set("region", cx.region());
    body.set_opt("droplet_id", cx.expr(r, "instance"));
    let addr = cx.emit(r, "digitalocean_reserved_ip", body);
    tags_unmapped(cx, r);
    cx.export_attrs(
        r,
        &addr,
        &[
            ("public_ip", "ip_address"),
            // A reserved IP has no DNS name: the address serves wherever the origin used the
            // name (an `ssh` command, a URL, a record), as `aws_instance.public_dns` does.
            ("public_dns", "ip_address"),
            ("id", "id"),
            ("allocation_id", "id"),
            ("arn", "urn"),
            ("instance", "droplet_id"),
        ],
    );
    cx.export(
        r,
        "private_ip",
        Export::Unmapped("a reserved IP maps to the droplet's public interface only".into()),
    );
}

pub(super) fn eip_association(r: &Resource, cx: &mut Cx<'_>) {
    let ip = match (cx.expr(r, "allocation_id"), cx.expr(r, "public_ip")) {
        (Some(a), _) => cx
            .resolve_ref(&a)
            .filter(|e| e.ty == "aws_eip")
            .map(|eip| retarget(&a, eip, "public_ip")),
        (None, Some(p)) => Some(p),
        (None, None) => None,
    };
    let Some(ip) = ip else {
        cx.unsupported(
            r,
            Code::OrphanSubresource,
            format!(
                "`{}` associates an Elastic IP that is not part of the stack",
                r.address()
            ),
            "declare the `aws_eip` in the same module (it becomes a `digitalocean_reserved_ip`)",
        );
        return;
    };
    let Some(droplet) = cx.expr(r, "instance_id") else {
        cx.unsupported(
            r,
            Code::UnsupportedValue,
            format!(
                "`{}` associates the address with a network interface; DigitalOcean assigns reserved IPs to droplets only",
                r.address()
            ),
            "associate the Elastic IP with an `aws_instance` (`instance_id`)",
        );
        return;
    };
    let mut body = OutBody::new();
    body.set("ip_address", ip);
    body.set("droplet_id", droplet);
    let addr = cx.emit(r, "digitalocean_reserved_ip_assignment", body);
    cx.export_attrs(
        r,
        &addr,
        &[
            ("id", "id"),
            ("public_ip", "ip_address"),
            ("instance_id", "droplet_id"),
        ],
    );
}
