//! EFS file systems → DigitalOcean Network File Storage (`digitalocean_nfs`; DESIGN §3, "EFS →
//! `digitalocean_nfs`").
//!
//! Decisions:
//! * An EFS file system grows with its data; an NFS share has a provisioned size, at least
//!   50 GiB (reference `digitalocean-openapi.yaml`, `nfs_request.size_gib`: "Must be >= 50").
//!   The share gets that minimum through a variable the appliance can raise (`F304`).
//! * A share is reachable from the VPC it is created in: it takes the VPC of its mount
//!   targets' subnets, else the stack's only VPC, else the region's default VPC (read with a
//!   `digitalocean_vpc` data source). Mount targets are folded into the share; their address
//!   and DNS name are the share's `host`.
//! * EFS mounts name the file system (`mount -t efs fs-…:/`, with `amazon-efs-utils`); an NFS
//!   share is mounted as `host:mount_path` with the standard NFS client. References to the
//!   file system's `dns_name` become `host`; its `id` stays the share's id, and the note says
//!   how to mount it.
//! * File system policies have no counterpart (access is governed by the VPC): dropped with a
//!   note. Lifecycle (infrequent access) tiers, throughput modes and KMS keys are not carried
//!   over (`F303`).

use super::ec2::{name_tag, repeat_name, tags_unmapped};
use super::{Cx, Export, Phase, RuleDef};
use crate::diag::{Code, Diagnostic};
use crate::hclx;
use crate::origin::{Mode, Resource};
use crate::out::OutBody;
use hcl::Expression;

/// The smallest NFS share DigitalOcean creates, in GiB (OpenAPI `nfs_request.size_gib`).
pub const NFS_MIN_GIB: u64 = 50;

pub const RULES: &[RuleDef] = &[
    RuleDef {
        ty: "aws_efs_file_system",
        mode: Mode::Managed,
        phase: Phase::Primary,
        produces: &["digitalocean_nfs"],
        args: &[
            "creation_token",
            "encrypted",
            "kms_key_id",
            "performance_mode",
            "throughput_mode",
            "provisioned_throughput_in_mibps",
            "availability_zone_name",
            "lifecycle_policy",
            "protection",
        ],
        summary: "EFS file system → digitalocean_nfs (a provisioned share, 50 GiB or more, in the VPC)",
        map: file_system,
    },
    RuleDef {
        ty: "aws_efs_mount_target",
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &[],
        args: &[
            "file_system_id",
            "subnet_id",
            "security_groups",
            "ip_address",
        ],
        summary: "EFS mount target → folded into its digitalocean_nfs (reachable from the VPC at `host`)",
        map: mount_target,
    },
    RuleDef {
        ty: "aws_efs_access_point",
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &[],
        args: &["file_system_id", "posix_user", "root_directory", "tags"],
        summary: "EFS access point → folded into its digitalocean_nfs (its root directory and POSIX user are not enforced: mounts reach the share's `mount_path`)",
        map: access_point,
    },
    RuleDef {
        ty: "aws_efs_file_system_policy",
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &[],
        args: &[
            "file_system_id",
            "policy",
            "bypass_policy_lockout_safety_check",
        ],
        summary: "EFS file system policy → dropped (access to an NFS share is governed by its VPC)",
        map: policy,
    },
];

fn file_system(r: &Resource, cx: &mut Cx<'_>) {
    let mut body = OutBody::new();
    let origin_name = name_tag(r).or_else(|| cx.expr(r, "creation_token"));
    let name = repeat_name(cx, r, origin_name, true);
    body.set("name", name);
    body.set("region", cx.region());
    let size_var = format!("{}_nfs_size_gib", super::var_ident(&r.name));
    let mut var = OutBody::new();
    var.set(
        "description",
        Expression::String(format!(
            "Size in GiB of the NFS share `{}` (at least {NFS_MIN_GIB}; the file system it replaces grew with its data)",
            r.name
        )),
    );
    var.set("type", hclx::path(&["number"]));
    var.set("default", Expression::Number(NFS_MIN_GIB.into()));
    let size = cx.variable(&size_var, var);
    body.set("size", size);
    if cx.str(r, "performance_mode").as_deref() == Some("maxIO")
        || cx.str(r, "throughput_mode").as_deref() == Some("provisioned")
    {
        body.set("performance_tier", Expression::String("high".into()));
    }
    body.set("tags", cx.tags());
    let addr = cx.emit(r, "digitalocean_nfs", body);
    let vpc_id = vpc(cx, r);
    if let Some(e) = cx.emitted_mut(&addr) {
        e.body.set("vpc_id", vpc_id);
    }
    cx.diag(
        Diagnostic::new(
            Code::NearestMatch,
            format!(
                "`{}` grows with its data; the DigitalOcean NFS share that replaces it has a provisioned size: {NFS_MIN_GIB} GiB (the smallest), set by `var.{size_var}`",
                r.address()
            ),
        )
        .at(r.loc.clone())
        .resource(r.address())
        .help(format!(
            "raise `{size_var}` to the data the share must hold; a share can be resized later, not shrunk"
        )),
    );
    let mut dropped: Vec<&str> = Vec::new();
    for key in [
        "lifecycle_policy",
        "kms_key_id",
        "provisioned_throughput_in_mibps",
        "availability_zone_name",
        "protection",
    ] {
        if hclx::attr(&r.body, key).is_some() || r.body.blocks().any(|b| b.identifier() == key) {
            dropped.push(key);
        }
    }
    if !dropped.is_empty() {
        cx.diag(
            Diagnostic::new(
                Code::ArgumentDropped,
                format!(
                    "`{}`: {} not carried over to the NFS share (it has no storage classes, customer keys, provisioned throughput or replication protection)",
                    r.address(),
                    dropped
                        .iter()
                        .map(|k| format!("`{k}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
            .at(r.loc.clone())
            .resource(r.address()),
        );
    }
    cx.note(
        r,
        format!(
            "mount the share with the standard NFS client: `mount -t nfs4 ${{{addr}.host}}:${{{addr}.mount_path}} <dir>`; `amazon-efs-utils` (`mount -t efs <file-system-id>`) does not work with it"
        ),
    );
    tags_unmapped(cx, r);
    // `mount_path` is no EFS attribute: the Kubernetes volumes of the EFS CSI driver that
    // Ferry turns into NFS volumes read it (`rules::generic::efs_persistent_volume`).
    cx.export_attrs(
        r,
        &addr,
        &[
            ("id", "id"),
            ("dns_name", "host"),
            ("name", "name"),
            ("mount_path", "mount_path"),
        ],
    );
    for attr in [
        "arn",
        "owner_id",
        "size_in_bytes",
        "number_of_mount_targets",
    ] {
        cx.export(
            r,
            attr,
            Export::Unmapped("an NFS share has no such attribute".into()),
        );
    }
}

/// The VPC of the share: its mount targets' subnets' VPC, the stack's only VPC, or the
/// region's default VPC.
fn vpc(cx: &mut Cx<'_>, r: &Resource) -> Expression {
    for mt in cx.referencing("aws_efs_mount_target", "file_system_id", r) {
        if let Some(subnet) = cx.referenced(mt, "subnet_id")
            && cx
                .parent(subnet, "vpc_id")
                .is_some_and(|a| a.starts_with("digitalocean_vpc."))
            && let Some(id) = cx.vpc_id(subnet)
        {
            return id;
        }
    }
    if let Some(id) = cx.vpc_id(r) {
        return id;
    }
    let label = format!("{}_default", r.name);
    let mut body = OutBody::new();
    body.set("region", cx.region());
    let addr = cx.emit_as(r, Mode::Data, "digitalocean_vpc", &label, body);
    hclx::path(&[
        "data",
        "digitalocean_vpc",
        addr.rsplit('.').next().unwrap_or(&label),
        "id",
    ])
}

fn mount_target(r: &Resource, cx: &mut Cx<'_>) {
    let Some(share) = cx
        .parent(r, "file_system_id")
        .filter(|a| a.starts_with("digitalocean_nfs."))
    else {
        cx.unsupported(
            r,
            Code::OrphanSubresource,
            format!("`{}` names no EFS file system of the stack", r.address()),
            "point `file_system_id` at an `aws_efs_file_system` of the stack",
        );
        return;
    };
    cx.absorb(
        r,
        &share,
        "an NFS share is reachable from its whole VPC at its `host`; mount targets per subnet have no counterpart",
    );
    cx.export_attrs(
        r,
        &share,
        &[
            ("ip_address", "host"),
            ("dns_name", "host"),
            ("mount_target_dns_name", "host"),
            ("file_system_id", "id"),
        ],
    );
}

/// An access point is a directory of the file system (created on first use with its
/// `creation_info`) that mounts through it see as their root, with a POSIX user forced on them.
/// An NFS share has neither: the access point is folded into the share with a warning naming
/// the directory, and mounts through it (the EFS CSI driver's `fs-…::fsap-…` volumes, which
/// Ferry turns into NFS volumes of the share) reach the share's `mount_path`. Its `id` and
/// `arn` have no counterpart (F401 where read).
fn access_point(r: &Resource, cx: &mut Cx<'_>) {
    let Some(share) = cx
        .parent(r, "file_system_id")
        .filter(|a| a.starts_with("digitalocean_nfs."))
    else {
        cx.unsupported(
            r,
            Code::OrphanSubresource,
            format!("`{}` names no EFS file system of the stack", r.address()),
            "point `file_system_id` at an `aws_efs_file_system` of the stack",
        );
        return;
    };
    let path = r
        .body
        .blocks()
        .find(|b| b.identifier() == "root_directory")
        .and_then(|b| hclx::attr(&b.body, "path"))
        .and_then(|e| cx.eval.string(e));
    let mut lost: Vec<String> = Vec::new();
    if let Some(p) = path.filter(|p| p != "/") {
        lost.push(format!("its root directory `{p}` is not created"));
    }
    if r.body.blocks().any(|b| b.identifier() == "posix_user") {
        lost.push("its POSIX user is not enforced".into());
    }
    let lost = match lost.is_empty() {
        true => String::new(),
        false => format!(" ({})", lost.join(", ")),
    };
    cx.diag(
        Diagnostic::new(
            Code::FeatureUnsupported,
            format!(
                "`{}`: an NFS share has no access points{lost}: mounts through it reach the share's root (`{share}.mount_path`), shared with every other mount",
                r.address()
            ),
        )
        .at(r.loc.clone())
        .resource(r.address())
        .help("give each workload its own subdirectory of the share (a `subPath` of the volume mount, created by an init container with the owner the access point set)"),
    );
    cx.absorb(
        r,
        &share,
        "an NFS share has no access points; mounts reach its root",
    );
    cx.export_attrs(r, &share, &[("file_system_id", "id")]);
    for attr in ["id", "arn", "file_system_arn"] {
        cx.export(
            r,
            attr,
            Export::Unmapped("an NFS share has no access points".into()),
        );
    }
}

fn policy(r: &Resource, cx: &mut Cx<'_>) {
    cx.drop(
        r,
        "an NFS share is reachable from the VPC it is attached to; EFS file system policies have no counterpart",
    );
}

/// The host of a share as the origin reads it (`aws_efs_file_system.x.dns_name`,
/// `aws_efs_mount_target.a.ip_address`), and the share it became: see [`read_share_paths`].
#[derive(Debug, Clone)]
pub struct ShareHost {
    /// The origin's address (`aws_efs_file_system.x`).
    pub origin: String,
    ty: &'static str,
    name: String,
    hosts: &'static [&'static str],
    /// The emitted share (`digitalocean_nfs.x`), and whether it repeats with the origin.
    share: String,
    indexed: bool,
}

/// The [`ShareHost`]s of a module: file systems and mount targets whose host is a mapped
/// share's.
pub fn share_hosts(resources: &[Resource], st: &super::State) -> Vec<ShareHost> {
    let kinds: [(&'static str, &'static [&'static str]); 2] = [
        ("aws_efs_file_system", &["dns_name"]),
        (
            "aws_efs_mount_target",
            &["dns_name", "mount_target_dns_name", "ip_address"],
        ),
    ];
    resources
        .iter()
        .filter(|r| r.mode == Mode::Managed)
        .filter_map(|r| {
            let (ty, hosts) = kinds.iter().find(|(t, _)| *t == r.ty)?;
            let Some(Export::Attr { target, .. }) = st
                .exports
                .get(r.address())
                .and_then(|x| x.attrs.get("dns_name"))
            else {
                return None;
            };
            let share_repeats = st.find(target).is_some_and(|e| e.meta.is_repeated());
            Some(ShareHost {
                origin: r.address().to_string(),
                ty,
                name: r.name.clone(),
                hosts,
                share: target.clone(),
                indexed: share_repeats && r.meta.is_repeated(),
            })
        })
        .collect()
}

/// A mount written the EFS way, the file system's root after its host
/// (`mount -t nfs4 ${aws_efs_file_system.x.dns_name}:/ /var/www`): an NFS share is exported at
/// its `mount_path`, not at `/` (known gap #91), so the path after the host reads the share's
/// `mount_path` (`${digitalocean_nfs.x.host}:${digitalocean_nfs.x.mount_path} /var/www`; a
/// subdirectory is kept after it). The indexes of the shares read go to `hits`.
pub fn read_share_paths(
    expr: &mut Expression,
    shares: &[ShareHost],
    hits: &mut std::collections::BTreeSet<usize>,
) {
    use hcl::expr::TraversalOperator as Op;
    if shares.is_empty() {
        return;
    }
    hclx::rewrite_after_interpolations(expr, "}:/", &mut |host, rest| {
        let path = rest.strip_prefix(":/")?;
        let (root, name, keys, attr) = hclx::resource_attr(host)?;
        let k = shares.iter().position(|s| {
            s.ty == root && s.name == name.as_str() && s.hosts.contains(&attr.as_str())
        })?;
        let share = &shares[k];
        let (share_root, share_name) = share.share.split_once('.')?;
        let mut share_ops = vec![Op::GetAttr(hcl::Identifier::unchecked(share_name))];
        if share.indexed {
            share_ops.extend(keys.iter().cloned());
        }
        share_ops.push(Op::GetAttr(hcl::Identifier::unchecked("mount_path")));
        hits.insert(k);
        // `:/ /var/www` (the root) → `:<mount_path> /var/www`; `:/sub` → `:<mount_path>/sub`.
        let rest = if path.is_empty() || path.starts_with(char::is_whitespace) {
            path.to_string()
        } else {
            format!("/{path}")
        };
        let mut with = hcl::template::Template::new()
            .add_literal(":")
            .add_interpolation(hclx::traversal(share_root, share_ops));
        if !rest.is_empty() {
            with = with.add_literal(rest);
        }
        Some(with)
    });
}
