//! EBS volumes and attachments → DigitalOcean block storage (mapping facts §2 "EBS root volume
//! size…", §8 "EBS volume").

use super::ec2::{device_path_warning, name_tag, repeat_name, tags_unmapped, volume_class_diags};
use super::{Cx, Export, Phase, RuleDef};
use crate::diag::{Code, Diagnostic};
use crate::hclx;
use crate::origin::{Mode, Resource};
use crate::out::OutBody;
use hcl::Expression;

pub const RULES: &[RuleDef] = &[
    RuleDef {
        ty: "aws_ebs_volume",
        mode: Mode::Managed,
        phase: Phase::Primary,
        produces: &["digitalocean_volume"],
        args: &[
            "size",
            "availability_zone",
            "type",
            "iops",
            "throughput",
            "encrypted",
            "kms_key_id",
            "snapshot_id",
            "final_snapshot",
            "multi_attach_enabled",
        ],
        summary: "EBS volume → digitalocean_volume (one performance class; always encrypted at rest)",
        map: volume,
    },
    RuleDef {
        ty: "aws_volume_attachment",
        mode: Mode::Managed,
        phase: Phase::Primary,
        produces: &["digitalocean_volume_attachment"],
        args: &[
            "device_name",
            "instance_id",
            "volume_id",
            "force_detach",
            "skip_destroy",
            "stop_instance_before_detaching",
        ],
        summary: "volume attachment → digitalocean_volume_attachment",
        map: attachment,
    },
];

fn volume(r: &Resource, cx: &mut Cx<'_>) {
    let mut body = OutBody::new();
    // Volume names: lower-case letters, digits and `-` (provider docs).
    let name = repeat_name(cx, r, name_tag(r), true);
    body.set("name", name);
    body.set("region", cx.region());
    match cx.expr(r, "size") {
        Some(size) => {
            body.set("size", size);
        }
        None => {
            cx.diag(
                Diagnostic::new(
                    Code::UnsupportedValue,
                    format!(
                        "`{}` takes its size from an EBS snapshot; DigitalOcean volumes need an explicit `size`",
                        r.address()
                    ),
                )
                .at(r.loc.clone())
                .resource(r.address())
                .help("set `size` (GiB) on the origin volume"),
            );
            body.set("size", Expression::Number(1.into()));
        }
    }
    body.set("tags", cx.tags());
    volume_class_diags(cx, r, "type", &r.body);
    if cx.bool(r, "multi_attach_enabled") == Some(true) {
        cx.diag(
            Diagnostic::new(
                Code::FeatureUnsupported,
                format!(
                    "`{}`: a DigitalOcean volume attaches to one droplet at a time; `multi_attach_enabled` is not carried over",
                    r.address()
                ),
            )
            .at(r.loc_of("multi_attach_enabled"))
            .resource(r.address())
            .help("share data between droplets through a network file system (`digitalocean_nfs`) or Spaces instead"),
        );
    }
    let addr = cx.emit(r, "digitalocean_volume", body);
    tags_unmapped(cx, r);
    cx.export_attrs(
        r,
        &addr,
        &[
            ("id", "id"),
            ("arn", "urn"),
            ("size", "size"),
            ("availability_zone", "region"),
            ("snapshot_id", "snapshot_id"),
        ],
    );
    cx.export(r, "encrypted", Export::Expr(Expression::Bool(true)));
}

fn attachment(r: &Resource, cx: &mut Cx<'_>) {
    let (Some(droplet), Some(vol)) = (cx.expr(r, "instance_id"), cx.expr(r, "volume_id")) else {
        cx.unsupported(
            r,
            Code::OrphanSubresource,
            format!("`{}` names no instance or no volume", r.address()),
            "set `instance_id` and `volume_id`",
        );
        return;
    };
    let mut body = OutBody::new();
    body.set("droplet_id", droplet);
    body.set("volume_id", vol);
    let addr = cx.emit(r, "digitalocean_volume_attachment", body);
    let device = cx
        .expr(r, "device_name")
        .map(|e| cx.eval.string(&e).unwrap_or_else(|| hclx::inline(&e)))
        .unwrap_or_else(|| "its device name".into());
    let volume = cx
        .parent(r, "volume_id")
        .unwrap_or_else(|| "the volume".into());
    device_path_warning(cx, r, "device_name", &device, &volume);
    cx.export_attrs(
        r,
        &addr,
        &[
            ("id", "id"),
            ("instance_id", "droplet_id"),
            ("volume_id", "volume_id"),
        ],
    );
    cx.export(
        r,
        "device_name",
        Export::Unmapped("DigitalOcean attaches volumes under /dev/disk/by-id/".into()),
    );
}
