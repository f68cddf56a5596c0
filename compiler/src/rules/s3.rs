//! S3 buckets and their split sub-resources → Spaces.

use super::{Cx, Export, Phase, RuleDef};
use crate::diag::Code;
use crate::hclx;
use crate::origin::{Mode, Resource};
use crate::out::OutBody;
use hcl::Expression;

pub const RULES: &[RuleDef] = &[
    RuleDef {
        ty: "aws_s3_bucket",
        mode: Mode::Managed,
        phase: Phase::Primary,
        produces: &["digitalocean_spaces_bucket"],
        args: &[
            "bucket",
            "bucket_prefix",
            "force_destroy",
            "acl",
            "versioning",
        ],
        summary: "S3 bucket → digitalocean_spaces_bucket (name carries the instance id)",
        map: bucket,
    },
    RuleDef {
        ty: "aws_s3_bucket_versioning",
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &[],
        args: &[
            "bucket",
            "versioning_configuration",
            "expected_bucket_owner",
            "mfa",
        ],
        summary: "bucket versioning → `versioning` block of the Spaces bucket",
        map: versioning,
    },
];

fn bucket(r: &Resource, cx: &mut Cx<'_>) {
    let mut body = OutBody::new();
    let name = cx.unique_name(
        r,
        cx.expr(r, "bucket").or_else(|| cx.expr(r, "bucket_prefix")),
        &r.name,
    );
    body.set("name", name);
    body.set("region", cx.region());
    if let Some(acl) = cx.str(r, "acl") {
        let acl = if acl == "public-read" {
            "public-read"
        } else {
            "private"
        };
        body.set("acl", Expression::String(acl.into()));
    }
    body.set_opt("force_destroy", cx.expr(r, "force_destroy"));
    for v in hclx::blocks(&r.body, "versioning") {
        if let Some(enabled) = hclx::attr(&v, "enabled") {
            body.block_once("versioning")
                .set("enabled", enabled.clone());
        }
    }
    let addr = cx.emit(r, "digitalocean_spaces_bucket", body);
    cx.export(
        r,
        "id",
        Export::Attr {
            target: addr.clone(),
            attr: "name".into(),
        },
    );
    cx.export(
        r,
        "bucket",
        Export::Attr {
            target: addr.clone(),
            attr: "name".into(),
        },
    );
    cx.export(
        r,
        "arn",
        Export::Attr {
            target: addr.clone(),
            attr: "urn".into(),
        },
    );
    cx.export(
        r,
        "bucket_domain_name",
        Export::Attr {
            target: addr.clone(),
            attr: "bucket_domain_name".into(),
        },
    );
    cx.export(
        r,
        "bucket_regional_domain_name",
        Export::Attr {
            target: addr,
            attr: "bucket_domain_name".into(),
        },
    );
}

fn versioning(r: &Resource, cx: &mut Cx<'_>) {
    let Some(parent) = cx.parent(r, "bucket") else {
        cx.unsupported(
            r,
            Code::OrphanSubresource,
            format!(
                "`{}` configures a bucket that is not part of the stack",
                r.address()
            ),
            "declare the `aws_s3_bucket` in the same module",
        );
        return;
    };
    let status = hclx::blocks(&r.body, "versioning_configuration")
        .first()
        .and_then(|b| hclx::attr(b, "status").cloned());
    let enabled = match status.as_ref().and_then(|s| cx.eval.string(s)) {
        Some(s) => Expression::Bool(s == "Enabled"),
        None => match status {
            Some(expr) => format!("{} == \"Enabled\"", hclx::inline(&expr))
                .parse()
                .unwrap_or(Expression::Bool(true)),
            None => Expression::Bool(false),
        },
    };
    if let Some(e) = cx.emitted_mut(&parent) {
        e.body.block_once("versioning").set("enabled", enabled);
    }
    cx.absorb(
        r,
        &parent,
        "folded into the Spaces bucket's `versioning` block",
    );
}
