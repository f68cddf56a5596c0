//! The data sources stacks lean on: region, availability zones, caller identity, partition, IAM
//! policy documents, ACM certificates and EKS cluster lookups.

use super::{IAM, resolved};
use crate::diag::{Code, Diagnostic};
use crate::hclx;
use crate::origin::{Mode, Resource};
use crate::out::OutBody;
use crate::report::Outcome;
use crate::rules::{Cx, Export};
use hcl::Expression;

pub(super) fn region_data(r: &Resource, cx: &mut Cx<'_>) {
    resolved(
        r,
        cx,
        Outcome::Absorbed,
        "references to the AWS region become `var.region`, the appliance's DigitalOcean region (e.g. `nyc3`)",
    );
    for attr in ["name", "id", "region"] {
        cx.export(r, attr, Export::Expr(cx.region()));
    }
    cx.export(
        r,
        "endpoint",
        Export::Unmapped("AWS service endpoints have no meaning on DigitalOcean".into()),
    );
    cx.export(
        r,
        "description",
        Export::Unmapped("DigitalOcean regions have no description attribute".into()),
    );
}

pub(super) fn availability_zones_data(r: &Resource, cx: &mut Cx<'_>) {
    resolved(
        r,
        cx,
        Outcome::Absorbed,
        "one DigitalOcean region is one datacenter: references to the zone list become `[var.region]`",
    );
    let list = Expression::Array(vec![cx.region()]);
    for attr in ["names", "zone_ids"] {
        cx.export(r, attr, Export::Expr(list.clone()));
    }
    cx.export(r, "id", Export::Expr(cx.region()));
    cx.export(r, "group_names", Export::Expr(list));
}

pub(super) fn availability_zone_data(r: &Resource, cx: &mut Cx<'_>) {
    resolved(
        r,
        cx,
        Outcome::Absorbed,
        "one DigitalOcean region is one datacenter: references to the zone become `var.region`",
    );
    for attr in ["name", "zone_id", "id", "region", "group_name"] {
        cx.export(r, attr, Export::Expr(cx.region()));
    }
}

pub(super) fn caller_identity_data(r: &Resource, cx: &mut Cx<'_>) {
    let why = "DigitalOcean has no AWS account id or caller ARN; where it only made a name unique, use `var.instance_id`";
    resolved(r, cx, Outcome::Dropped, why);
    for attr in ["account_id", "arn", "user_id", "id"] {
        cx.export(r, attr, Export::Unmapped(why.into()));
    }
}

pub(super) fn partition_data(r: &Resource, cx: &mut Cx<'_>) {
    let why = "ARNs and AWS partitions have no meaning on DigitalOcean";
    resolved(r, cx, Outcome::Dropped, why);
    for attr in ["partition", "dns_suffix", "reverse_dns_prefix", "id"] {
        cx.export(r, attr, Export::Unmapped(why.into()));
    }
}

pub(super) fn policy_document_data(r: &Resource, cx: &mut Cx<'_>) {
    let why = "IAM policies have no meaning on DigitalOcean";
    resolved(r, cx, Outcome::Dropped, why);
    for attr in ["json", "minified_json", "id"] {
        cx.export(
            r,
            attr,
            Export::Unmapped(
                format!("{why}; a Spaces bucket policy must be written for Spaces").into(),
            ),
        );
    }
}

pub(super) fn acm_certificate_data(r: &Resource, cx: &mut Cx<'_>) {
    let Some(domain) = cx.expr(r, "domain") else {
        crate::rules::generic::unsupported_data(
            r,
            cx,
            format!(
                "data source `{}` names no domain; references to it become `null`",
                r.address()
            ),
            "look the certificate up by `domain`".into(),
        );
        return;
    };
    // A certificate the stack issues itself: read the DigitalOcean certificate it became.
    let wanted = cx.eval.string(&domain);
    let own = wanted.as_ref().and_then(|d| {
        cx.origin_of_type("aws_acm_certificate").find_map(|c| {
            let same = hclx::attr(&c.body, "domain_name")
                .and_then(|e| cx.eval.string(e))
                .as_ref()
                == Some(d);
            let target = cx
                .st
                .outcomes
                .get(c.address())?
                .targets
                .iter()
                .find(|t| t.starts_with("digitalocean_certificate."))?
                .clone();
            same.then_some(target)
        })
    });
    let target = match own {
        Some(t) => {
            cx.absorb(
                r,
                &t,
                "reads the certificate the stack issues for this domain",
            );
            t
        }
        None => {
            let mut body = OutBody::new();
            body.set("name", domain);
            let addr = cx.emit_as(
                r,
                Mode::Data,
                "digitalocean_certificate",
                &r.name.clone(),
                body,
            );
            cx.diag(
                Diagnostic::new(
                    Code::ExistingLookup,
                    format!("`{}` reads an existing certificate of the customer's DigitalOcean account, by a name equal to the domain", r.address()),
                )
                .at(r.loc_of("domain"))
                .resource(r.address())
                .help("upload or issue the certificate in the customer's account under that name before the appliance is deployed, or issue it in the stack with `aws_acm_certificate`"),
            );
            addr
        }
    };
    // DigitalOcean load balancers and CDN endpoints refer to certificates by name.
    cx.export(
        r,
        "arn",
        Export::Attr {
            target: target.clone(),
            attr: "name".into(),
        },
    );
    cx.export(
        r,
        "id",
        Export::Attr {
            target: target.clone(),
            attr: "id".into(),
        },
    );
    cx.export(
        r,
        "status",
        Export::Attr {
            target,
            attr: "state".into(),
        },
    );
}

pub(super) fn eks_cluster_data(r: &Resource, cx: &mut Cx<'_>) {
    let name = cx.expr(r, "name");
    // The stack's own cluster: by reference (`name = aws_eks_cluster.main.name`) or by name.
    let by_ref = name
        .as_ref()
        .and_then(|e| cx.resolve_ref(e))
        .filter(|c| c.ty == "aws_eks_cluster");
    let wanted = name.as_ref().and_then(|e| cx.eval.string(e));
    let cluster = by_ref.or_else(|| {
        let wanted = wanted.as_ref()?;
        cx.origin_of_type("aws_eks_cluster").find(|c| {
            hclx::attr(&c.body, "name")
                .and_then(|e| cx.eval.string(e))
                .as_ref()
                == Some(wanted)
        })
    });
    let Some(cluster) = cluster else {
        crate::rules::generic::unsupported_data(
            r,
            cx,
            format!("data source `{}` reads an EKS cluster that is not part of the stack; references to it become `null`", r.address()),
            "the appliance owns its cluster: declare it in the stack (`aws_eks_cluster`, mapped to DOKS) and read it from there".into(),
        );
        return;
    };
    let target = cx.st.outcomes.get(cluster.address()).and_then(|o| {
        o.targets
            .iter()
            .find(|t| t.starts_with("digitalocean_kubernetes_cluster."))
            .cloned()
    });
    let Some(target) = target else {
        crate::rules::generic::unsupported_data(
            r,
            cx,
            format!(
                "data source `{}` reads `{}`, which was not mapped to a DOKS cluster; references to it become `null`",
                r.address(),
                cluster.address()
            ),
            "fix the mapping of the cluster first".into(),
        );
        return;
    };
    cx.absorb(
        r,
        &target,
        format!("reads the DOKS cluster `{target}` directly"),
    );
    let attr = |a: &'static str| Export::Attr {
        target: target.clone(),
        attr: a.into(),
    };
    let tmpl = |t: &str| Export::Tmpl {
        target: target.clone(),
        tmpl: t.into(),
    };
    let exports = [
        ("endpoint", attr("endpoint")),
        (
            "certificate_authority",
            tmpl("$T.kube_config[0].cluster_ca_certificate"),
        ),
        ("token", tmpl("$T.kube_config[0].token")),
        ("name", attr("name")),
        ("id", attr("id")),
        ("arn", attr("urn")),
        ("version", attr("version")),
        ("status", attr("status")),
        (
            "vpc_config",
            Export::Unmapped(
                "DOKS clusters have one VPC (`vpc_uuid`) and no subnets or security groups".into(),
            ),
        ),
        (
            "identity",
            Export::Unmapped("DOKS has no IAM OIDC issuer".into()),
        ),
        ("role_arn", Export::Unmapped(IAM.into())),
    ];
    for (a, e) in exports {
        cx.export(r, a, e);
    }
}
