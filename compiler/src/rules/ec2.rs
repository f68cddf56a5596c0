//! EC2 → droplets: instances, key pairs, AMI lookups, Elastic IPs, launch templates and
//! configurations, Auto Scaling groups and their target-tracking policies.
//!
//! Facts: `aws-to-do-mapping-facts.md` §2 (sizes, images, user data, key pairs, volumes, Elastic
//! IPs, Auto Scaling) and §8; sizes in `facts::droplet`. The helpers at the end are shared by the
//! other compute rules (`eks`, `ebs`, `security`).
//!
//! Images (AMIs), Elastic IPs (`eip`), launch templates and Auto Scaling (`autoscaling`), user
//! data and its checks (`user_data`) and repeated resources expanded statically (`repeat`) are
//! in files of their own.

use super::{Cx, Export, Phase, RuleDef};
use crate::diag::{Code, Diagnostic};
use crate::facts::droplet::{self, SizeChoice};
use crate::hclx;
use crate::origin::{Mode, Resource};
use crate::out::OutBody;
use hcl::expr::{FuncCall, TraversalOperator as Op};
use hcl::{Body, Expression, Identifier};

mod autoscaling;
mod eip;
mod images;
mod repeat;
mod user_data;

pub(super) use autoscaling::launch_template_of;
use autoscaling::{asg, asg_policy, template};
use eip::{eip, eip_association};
use images::{ami_from_instance, ami_lookup, image_expr};
pub(super) use repeat::{bind, instances, iterations, substitute};
pub(super) use user_data::decode_base64;
use user_data::{converted_user_data, user_data_checks};

pub const RULES: &[RuleDef] = &[
    RuleDef {
        ty: "aws_instance",
        mode: Mode::Managed,
        phase: Phase::Primary,
        produces: &[
            "digitalocean_droplet",
            "digitalocean_volume",
            "digitalocean_volume_attachment",
        ],
        args: &[
            "ami",
            "instance_type",
            "launch_template",
            "key_name",
            "user_data",
            "user_data_base64",
            "user_data_replace_on_change",
            "monitoring",
            "ipv6_address_count",
            "ipv6_addresses",
            "associate_public_ip_address",
            "subnet_id",
            "availability_zone",
            "vpc_security_group_ids",
            "security_groups",
            "root_block_device",
            "ebs_block_device",
            "ebs_optimized",
            "provisioner",
            "connection",
        ],
        summary: "EC2 instance → digitalocean_droplet (type → size by vCPU/RAM, AMI → image slug, EBS block devices → volumes)",
        map: instance,
    },
    RuleDef {
        ty: "aws_ami",
        mode: Mode::Data,
        phase: Phase::Attach,
        produces: &[],
        args: &[
            "filter",
            "owners",
            "most_recent",
            "name_regex",
            "executable_users",
            "include_deprecated",
        ],
        summary: "AMI lookup → the droplet image slug of the distribution it names (Ubuntu, Debian)",
        map: ami_lookup,
    },
    RuleDef {
        ty: "aws_ami_from_instance",
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &["digitalocean_droplet_snapshot"],
        args: &[
            "name",
            "description",
            "source_instance_id",
            "snapshot_without_reboot",
        ],
        summary: "AMI baked from an instance → digitalocean_droplet_snapshot of its droplet (droplets and autoscale pools booting the AMI boot the snapshot)",
        map: ami_from_instance,
    },
    RuleDef {
        ty: "aws_key_pair",
        mode: Mode::Managed,
        phase: Phase::Foundation,
        produces: &["digitalocean_ssh_key"],
        args: &["key_name", "key_name_prefix", "public_key"],
        summary: "key pair → digitalocean_ssh_key (droplets reference it by fingerprint)",
        map: key_pair,
    },
    RuleDef {
        ty: "aws_eip",
        mode: Mode::Managed,
        phase: Phase::Primary,
        produces: &["digitalocean_reserved_ip"],
        args: &["instance", "domain", "vpc", "public_ipv4_pool"],
        summary: "Elastic IP → digitalocean_reserved_ip (instance → droplet_id)",
        map: eip,
    },
    RuleDef {
        ty: "aws_eip_association",
        mode: Mode::Managed,
        phase: Phase::Primary,
        produces: &["digitalocean_reserved_ip_assignment"],
        args: &[
            "allocation_id",
            "public_ip",
            "instance_id",
            "allow_reassociation",
        ],
        summary: "Elastic IP association → digitalocean_reserved_ip_assignment",
        map: eip_association,
    },
    RuleDef {
        ty: "aws_launch_template",
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &[],
        args: &[
            "name",
            "name_prefix",
            "description",
            "image_id",
            "instance_type",
            "key_name",
            "user_data",
            "vpc_security_group_ids",
            "security_group_names",
            "monitoring",
            "update_default_version",
            "default_version",
            "tag_specifications",
        ],
        summary: "launch template → absorbed into the droplet autoscale pool, node pool or droplet that uses it",
        map: template,
    },
    RuleDef {
        ty: "aws_launch_configuration",
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &[],
        args: &[
            "name",
            "name_prefix",
            "image_id",
            "instance_type",
            "key_name",
            "user_data",
            "user_data_base64",
            "security_groups",
            "enable_monitoring",
            "associate_public_ip_address",
        ],
        summary: "launch configuration → absorbed into the droplet autoscale pool that uses it",
        map: template,
    },
    RuleDef {
        ty: "aws_autoscaling_group",
        mode: Mode::Managed,
        phase: Phase::Primary,
        produces: &["digitalocean_droplet_autoscale"],
        args: &[
            "name",
            "name_prefix",
            "launch_template",
            "launch_configuration",
            "mixed_instances_policy",
            "min_size",
            "max_size",
            "desired_capacity",
            "default_cooldown",
            "vpc_zone_identifier",
            "availability_zones",
            "target_group_arns",
            "load_balancers",
            "traffic_source",
            "tag",
        ],
        summary: "Auto Scaling group → digitalocean_droplet_autoscale (template from its launch template; target tracking on CPU → target_cpu_utilization)",
        map: asg,
    },
    RuleDef {
        ty: "aws_autoscaling_policy",
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &[],
        args: &[
            "name",
            "autoscaling_group_name",
            "policy_type",
            "target_tracking_configuration",
            "estimated_instance_warmup",
            "adjustment_type",
            "scaling_adjustment",
            "cooldown",
            "min_adjustment_magnitude",
            "metric_aggregation_type",
            "step_adjustment",
            "predictive_scaling_configuration",
            "enabled",
        ],
        summary: "scaling policy → absorbed into the droplet autoscale pool (CPU target tracking → `target_cpu_utilization`; other policies are not carried over)",
        map: asg_policy,
    },
];

// ---- aws_instance ------------------------------------------------------------------------------

fn instance(r: &Resource, cx: &mut Cx<'_>) {
    let lt = launch_template_of(cx, r);
    let mut body = OutBody::new();
    let name = droplet_name(cx, r);
    body.set("name", name);
    body.set("region", cx.region());

    // Size: the instance's type, else its launch template's.
    let itype = if cx.expr(r, "instance_type").is_some() {
        cx.str(r, "instance_type")
    } else {
        lt.and_then(|t| hclx::attr(&t.body, "instance_type"))
            .and_then(|e| cx.eval.string(e))
    };
    let size = size_slug(cx, r, "instance_type", itype.as_deref(), "instance type");
    body.set("size", Expression::String(size.into()));

    // Image: the AMI, else the launch template's.
    let ami = cx
        .expr(r, "ami")
        .or_else(|| lt.and_then(|t| hclx::attr(&t.body, "image_id").cloned()));
    let image = image_expr(cx, r, "ami", ami.as_ref());
    body.set("image", image);

    body.set_opt("vpc_uuid", cx.vpc_id(r));

    // SSH keys.
    let key = cx
        .expr(r, "key_name")
        .or_else(|| lt.and_then(|t| hclx::attr(&t.body, "key_name").cloned()));
    if let Some(keys) = ssh_keys(cx, r, "key_name", key.as_ref()) {
        body.set("ssh_keys", keys);
    }

    // User data (cloud-init on both sides).
    if let Some(ud) = cx.expr(r, "user_data") {
        user_data_checks(cx, r, "user_data", &ud, body.get("image"));
        body.set("user_data", ud);
    } else if let Some(ud) = cx.expr(r, "user_data_base64") {
        let (text, decoded) = decode_base64(&ud);
        user_data_checks(cx, r, "user_data_base64", &ud, body.get("image"));
        body.set("user_data", text);
        if decoded {
            converted_user_data(cx, r, "user_data_base64");
        }
    } else if let Some((lt, ud)) = lt.and_then(|t| hclx::attr(&t.body, "user_data").map(|u| (t, u)))
    {
        let (text, decoded) = decode_base64(ud);
        user_data_checks(cx, lt, "user_data", ud, body.get("image"));
        body.set("user_data", text);
        if decoded {
            converted_user_data(cx, lt, "user_data");
        }
    }

    let monitoring = cx.bool(r, "monitoring").unwrap_or(false)
        || lt
            .map(|t| {
                hclx::blocks(&t.body, "monitoring")
                    .iter()
                    .any(|m| hclx::attr(m, "enabled").and_then(|e| cx.eval.bool(e)) == Some(true))
            })
            .unwrap_or(false);
    if monitoring {
        body.set("monitoring", Expression::Bool(true));
    }
    let ipv6 = cx.num(r, "ipv6_address_count").is_some_and(|n| n > 0.0)
        || cx.expr(r, "ipv6_addresses").is_some();
    if ipv6 {
        body.set("ipv6", Expression::Bool(true));
    }
    if cx.bool(r, "associate_public_ip_address") == Some(false) {
        body.set("public_networking", Expression::Bool(false));
    }
    body.set("tags", cx.tags());

    // The root disk is part of the droplet size.
    for root in hclx::blocks(&r.body, "root_block_device") {
        if let Some(gib) = hclx::attr(&root, "volume_size").and_then(|e| cx.eval.number(e)) {
            cx.diag(
                Diagnostic::new(
                    Code::FeatureUnsupported,
                    format!(
                        "`{}`: a droplet's disk is fixed by its size (`{size}`); `root_block_device.volume_size = {gib}` is not carried over: check that the size's disk is large enough",
                        r.address()
                    ),
                )
                .at(r.loc_of("root_block_device"))
                .resource(r.address())
                .help("choose a larger droplet size if the disk is too small, or keep data on an `aws_ebs_volume` (→ `digitalocean_volume`)"),
            );
        }
    }

    // Provisioners and their connection are Terraform's: they run against a droplet alike.
    provisioners(cx, r, &mut body);

    let addr = cx.emit(r, "digitalocean_droplet", body);
    tags_unmapped(cx, r);
    for dev in hclx::blocks(&r.body, "ebs_block_device") {
        block_device(cx, r, &addr, &dev);
    }

    cx.export_attrs(r, &addr, INSTANCE_ATTRS);
    cx.export(
        r,
        "ipv6_addresses",
        Export::Tmpl {
            target: addr.clone(),
            tmpl: "[$T.ipv6_address]".into(),
        },
    );
    for attr in [
        "primary_network_interface_id",
        "subnet_id",
        "iam_instance_profile",
    ] {
        cx.export(
            r,
            attr,
            Export::Unmapped(
                format!("droplets have no `{attr}`; the droplet sits directly in the VPC").into(),
            ),
        );
    }
}

/// An instance's attributes and the droplet's that stand for them.
const INSTANCE_ATTRS: &[(&str, &str)] = &[
    ("id", "id"),
    ("public_ip", "ipv4_address"),
    ("public_dns", "ipv4_address"),
    ("private_ip", "ipv4_address_private"),
    ("private_dns", "ipv4_address_private"),
    ("arn", "urn"),
    ("availability_zone", "region"),
    ("instance_state", "status"),
    ("ipv6_address_count", "ipv6"),
];

/// The login names of the common AMIs (Amazon Linux, Ubuntu, Debian, CentOS, RHEL/Fedora,
/// SUSE, Bitnami): DigitalOcean's distribution images log in as `root`.
const AMI_USERS: &[&str] = &[
    "ec2-user", "ubuntu", "admin", "centos", "fedora", "rocky", "bitnami",
];

/// Keeps the instance's `provisioner` and `connection` blocks on the droplet: `self.public_ip`
/// and the instance's other attributes read the droplet's (references to other resources are
/// rewritten by the reference pass, `templatefile` arguments included); an AMI's login user
/// becomes `root`, as DigitalOcean's images log in; a provisioner that calls the AWS CLI is
/// left out with a note naming the command.
fn provisioners(cx: &mut Cx<'_>, r: &Resource, body: &mut OutBody) {
    if !r.body.iter().any(|s| {
        matches!(s, hcl::Structure::Block(b) if matches!(b.identifier(), "provisioner" | "connection"))
    }) {
        return;
    }
    for s in r.body.iter() {
        let hcl::Structure::Block(b) = s else {
            continue;
        };
        match b.identifier() {
            "provisioner" => {
                let kind = b.labels.first().map(|l| l.as_str()).unwrap_or_default();
                if let Some(command) = aws_cli_command(&b.body) {
                    cx.diag(
                        Diagnostic::new(
                            Code::ArgumentDropped,
                            format!(
                                "`{}`: the `{kind}` provisioner runs the AWS CLI (`{command}`), which acts on AWS objects that the appliance does not have; it is not carried over",
                                r.address()
                            ),
                        )
                        .at(r.loc_of("provisioner"))
                        .resource(r.address())
                        .help(if command.starts_with("aws s3") {
                            "Spaces speaks the S3 API: to keep the step, write it back with `aws --endpoint-url https://<region>.digitaloceanspaces.com s3 …` and a Spaces access key"
                        } else {
                            "run the step with `doctl` (e.g. `doctl compute droplet get <id>`), or leave it out: `tofu apply` waits until a droplet is active before running the next provisioner"
                        }),
                    );
                    continue;
                }
                if kind == "file" {
                    upload_source(cx, r, &b.body);
                }
                let mut out = crate::pipeline::body_from_hcl(&b.body);
                out.exprs_mut(&mut |e| self_refs(cx, r, e));
                for c in out.items.iter_mut().filter_map(|i| match i {
                    crate::out::Item::Block(c) if c.ident == "connection" => Some(&mut c.body),
                    _ => None,
                }) {
                    connection_user(cx, r, c);
                }
                body.items
                    .push(crate::out::Item::Block(crate::out::OutBlock {
                        ident: "provisioner".into(),
                        labels: vec![kind.to_string()],
                        body: out,
                    }));
            }
            "connection" => {
                let mut out = crate::pipeline::body_from_hcl(&b.body);
                out.exprs_mut(&mut |e| self_refs(cx, r, e));
                connection_user(cx, r, &mut out);
                body.items
                    .push(crate::out::Item::Block(crate::out::OutBlock {
                        ident: "connection".into(),
                        labels: vec![],
                        body: out,
                    }));
            }
            _ => {}
        }
    }
}

/// A `file` provisioner's `source` (a path on the machine that runs `tofu apply`): carried into
/// the stack when the input holds it, else listed as a file artifact to copy.
fn upload_source(cx: &mut Cx<'_>, r: &Resource, b: &Body) {
    let Some(path) = hclx::attr(b, "source").and_then(|e| match e {
        Expression::String(s) => Some(s.clone()),
        _ => None,
    }) else {
        return;
    };
    let rel = path.strip_prefix("./").unwrap_or(&path).to_string();
    if rel.is_empty() || rel.starts_with('/') || rel.split('/').any(|s| s == ".." || s.is_empty()) {
        return;
    }
    if let Some(text) = cx.file(&rel) {
        let text = text.to_string();
        cx.output_file(&rel, text);
        return;
    }
    let full = crate::origin::join_dir(&cx.module.dir, &rel).unwrap_or(rel);
    cx.diag(
        Diagnostic::new(
            Code::IgnoredFile,
            format!(
                "`{full}` is uploaded by a `file` provisioner of `{}` but is not part of the input (Ferry carries JSON, template, YAML, script and configuration text files): it is listed as a file artifact, to be copied into the deployment stack at the same path",
                r.address()
            ),
        )
        .at(r.loc_of("provisioner"))
        .resource(r.address())
        .help("copy the file next to the deployment stack's .tf files before `tofu apply`"),
    );
    cx.artifact(crate::report::Artifact {
        kind: crate::report::ArtifactKind::File,
        source: full.clone(),
        destination: full,
        pinned: false,
        used_by: r.address().to_string(),
    });
}

/// `self.public_ip` → `self.ipv4_address`, … (an attribute without a droplet counterpart
/// becomes `null`, with F401).
fn self_refs(cx: &mut Cx<'_>, r: &Resource, e: &mut Expression) {
    hclx::walk_mut(e, &mut |x| {
        let Some(("self", [Op::GetAttr(attr), rest @ ..])) = hclx::traversal_root(x) else {
            return true;
        };
        let attr = attr.as_str().to_string();
        let rest = rest.to_vec();
        match INSTANCE_ATTRS.iter().find(|(a, _)| *a == attr) {
            Some((_, to)) => {
                let mut ops = vec![Op::GetAttr(Identifier::unchecked(*to))];
                ops.extend(rest);
                *x = hclx::traversal("self", ops);
            }
            None => {
                cx.diag(
                    Diagnostic::new(
                        Code::UnmappedReference,
                        format!(
                            "`{}`: `self.{attr}` in a provisioner has no droplet counterpart; it reads `null`",
                            r.address()
                        ),
                    )
                    .at(r.loc_of("provisioner"))
                    .resource(r.address()),
                );
                *x = Expression::Null;
            }
        }
        false
    });
}

/// A connection's `user` that is an AMI's login name becomes `root`.
fn connection_user(cx: &mut Cx<'_>, r: &Resource, c: &mut OutBody) {
    let Some(written) = c.get("user") else {
        return;
    };
    let Some(user) = cx.eval.string(written) else {
        let shown = hclx::inline(written);
        cx.diag(
            Diagnostic::new(
                Code::FeatureUnsupported,
                format!(
                    "`{}`: the provisioners' connection logs in as `{shown}`, which is not known at compile time: DigitalOcean's distribution images (the droplet's `image`) log in as `root`, not as an AMI's user (`ec2-user`, `ubuntu`)",
                    r.address()
                ),
            )
            .at(r.loc_of("connection"))
            .resource(r.address())
            .help("set it to `root` when the appliance is deployed"),
        );
        return;
    };
    if !AMI_USERS.contains(&user.as_str()) {
        return;
    }
    c.set("user", Expression::String("root".into()));
    cx.diag(
        Diagnostic::new(
            Code::ValueConverted,
            format!(
                "`{}`: the provisioners' connection logs in as `root` instead of `{user}`: DigitalOcean's distribution images (the droplet's `image`) have no `{user}` account",
                r.address()
            ),
        )
        .at(r.loc_of("connection"))
        .resource(r.address())
        .help("if the droplet boots a custom image with its own login user, set `user` back to it"),
    );
}

/// The AWS CLI command a provisioner runs (`aws ec2 wait …` in a `local-exec` command or a
/// `remote-exec` inline line), shortened to its first words.
pub(super) fn aws_cli_command(body: &Body) -> Option<String> {
    let mut found = None;
    for key in ["command", "inline"] {
        let Some(e) = hclx::attr(body, key) else {
            continue;
        };
        let lines = match e {
            Expression::Array(items) => items.iter().map(hclx::inline).collect(),
            other => vec![hclx::inline(other)],
        };
        for line in lines {
            if found.is_none() {
                found = super::cli::commands(&line)
                    .into_iter()
                    .next()
                    .map(|c| c.words);
            }
        }
    }
    found
}

/// `tags.Name`, else the resource name; a repeated instance gets its index in the name.
fn droplet_name(cx: &mut Cx<'_>, r: &Resource) -> Expression {
    repeat_name(cx, r, name_tag(r), true)
}

/// An `ebs_block_device` block → a volume and its attachment.
fn block_device(cx: &mut Cx<'_>, r: &Resource, droplet: &str, dev: &Body) {
    let device = hclx::attr(dev, "device_name")
        .and_then(|e| cx.eval.string(e))
        .unwrap_or_else(|| "data".into());
    let short = device.trim_start_matches("/dev/").replace(['/', '_'], "-");
    let label = format!("{}_{}", r.name, short.replace('-', "_"));
    let mut vol = OutBody::new();
    let base = format!(
        "{}-{}",
        r.name.replace('_', "-").to_ascii_lowercase(),
        short.to_ascii_lowercase()
    );
    let base = hclx::escape_template_literal(&base);
    let name = match index_part(r) {
        Some(idx) => hclx::template(format!("{base}-{idx}-${{var.instance_id}}")),
        None => hclx::template(format!("{base}-${{var.instance_id}}")),
    };
    vol.set("name", name);
    vol.set("region", cx.region());
    let size = hclx::attr(dev, "volume_size")
        .cloned()
        .unwrap_or(Expression::Number(8.into()));
    vol.set("size", size);
    vol.set("tags", cx.tags());
    volume_class_diags(cx, r, "ebs_block_device", dev);
    let vaddr = cx.emit_as(r, Mode::Managed, "digitalocean_volume", &label, vol);
    let vname = vaddr.trim_start_matches("digitalocean_volume.").to_string();
    let mut att = OutBody::new();
    att.set("droplet_id", each_ref_emitted(r, droplet, "id"));
    att.set(
        "volume_id",
        each_ref_emitted(r, &format!("digitalocean_volume.{vname}"), "id"),
    );
    cx.emit_as(
        r,
        Mode::Managed,
        "digitalocean_volume_attachment",
        &label,
        att,
    );
    device_path_warning(cx, r, "ebs_block_device", &device, &vaddr);
}

/// Warnings shared by EBS volumes and `ebs_block_device` blocks: performance class, snapshots,
/// encryption (a note).
pub(super) fn volume_class_diags(cx: &mut Cx<'_>, r: &Resource, key: &str, body: &Body) {
    let ty = hclx::attr(body, "volume_type")
        .or_else(|| hclx::attr(body, "type"))
        .and_then(|e| cx.eval.string(e));
    let provisioned = ["iops", "throughput"]
        .iter()
        .filter(|k| hclx::attr(body, k).is_some())
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>();
    let special = ty
        .as_deref()
        .filter(|t| !matches!(*t, "gp2" | "gp3" | "standard"));
    if special.is_some() || !provisioned.is_empty() {
        let what = match (special, provisioned.is_empty()) {
            (Some(t), true) => format!("volume type `{t}`"),
            (Some(t), false) => format!("volume type `{t}` with {}", provisioned.join(", ")),
            (None, _) => provisioned.join(", "),
        };
        cx.diag(
            Diagnostic::new(
                Code::FeatureUnsupported,
                format!(
                    "`{}`: DigitalOcean volumes have one performance class (SSD; throughput and IOPS scale with the droplet); {what} is not carried over",
                    r.address()
                ),
            )
            .at(r.loc_of(key))
            .resource(r.address())
            .help("check that the workload's I/O needs fit DigitalOcean block storage, or use a droplet size with more local NVMe disk"),
        );
    }
    if let Some(snap) = hclx::attr(body, "snapshot_id") {
        let snap = cx.eval.string(snap).unwrap_or_else(|| hclx::inline(snap));
        cx.diag(
            Diagnostic::new(
                Code::FeatureUnsupported,
                format!(
                    "`{}`: the volume is created from the EBS snapshot `{snap}`, which DigitalOcean cannot read; the volume starts empty",
                    r.address()
                ),
            )
            .at(r.loc_of(key))
            .resource(r.address())
            .help("copy the data into the appliance after deployment, or create a DigitalOcean volume snapshot and set `snapshot_id` on the emitted volume"),
        );
    }
    if hclx::attr(body, "encrypted").and_then(|e| cx.eval.bool(e)) == Some(true) {
        cx.diag(
            Diagnostic::new(
                Code::ProvidedByDefault,
                format!(
                    "`{}`: DigitalOcean volumes are always encrypted at rest; `encrypted = true` needs no setting (a KMS key is not carried over)",
                    r.address()
                ),
            )
            .at(r.loc_of(key))
            .resource(r.address()),
        );
    }
}

/// DigitalOcean attaches volumes under `/dev/disk/by-id/`, not under the AWS device name.
pub(super) fn device_path_warning(
    cx: &mut Cx<'_>,
    r: &Resource,
    key: &str,
    device: &str,
    volume: &str,
) {
    cx.diag(
        Diagnostic::new(
            Code::FeatureUnsupported,
            format!(
                "`{}`: DigitalOcean attaches `{volume}` at `/dev/disk/by-id/scsi-0DO_Volume_<name>`, not at `{device}`",
                r.address()
            ),
        )
        .at(r.loc_of(key))
        .resource(r.address())
        .help("mount the volume by its `/dev/disk/by-id/scsi-0DO_Volume_<name>` path (or by filesystem label) in user data and scripts"),
    );
}

// ---- aws_key_pair ------------------------------------------------------------------------------

fn key_pair(r: &Resource, cx: &mut Cx<'_>) {
    let mut body = OutBody::new();
    let name = cx
        .expr(r, "key_name")
        .or_else(|| cx.expr(r, "key_name_prefix").map(|p| prefix_name(cx, p)));
    let name = repeat_name(cx, r, name, false);
    body.set("name", name);
    body.set_opt("public_key", cx.expr(r, "public_key"));
    let addr = cx.emit(r, "digitalocean_ssh_key", body);
    cx.export_attrs(
        r,
        &addr,
        &[
            ("key_name", "name"),
            ("id", "id"),
            ("key_pair_id", "id"),
            ("fingerprint", "fingerprint"),
            ("public_key", "public_key"),
        ],
    );
    cx.export(
        r,
        "arn",
        Export::Unmapped("DigitalOcean SSH keys have no URN".into()),
    );
}

/// `ssh_keys` for a droplet from a `key_name` expression: the fingerprint of the SSH key a
/// stack `aws_key_pair` became, or nothing (with a warning) for a key pair outside the stack.
pub(super) fn ssh_keys(
    cx: &mut Cx<'_>,
    r: &Resource,
    key: &str,
    key_name: Option<&Expression>,
) -> Option<Expression> {
    let e = key_name?;
    if let Some(kp) = cx.resolve_ref(e).filter(|k| k.ty == "aws_key_pair") {
        return Some(Expression::Array(vec![retarget(e, kp, "fingerprint")]));
    }
    let shown = cx.eval.string(e).unwrap_or_else(|| hclx::inline(e));
    cx.diag(
        Diagnostic::new(
            Code::FeatureUnsupported,
            format!(
                "`{}`: the key pair `{shown}` is registered in the AWS account, not in the stack; the droplet gets no SSH key",
                r.address()
            ),
        )
        .at(r.loc_of(key))
        .resource(r.address())
        .help("declare the key with an `aws_key_pair` resource (Ferry maps it to `digitalocean_ssh_key` and references it), or add `ssh_keys` to the droplet after compiling"),
    );
    None
}

// ---- helpers shared by the compute rules -------------------------------------------------------

/// A number literal.
pub(super) fn number(n: f64) -> Expression {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        Expression::Number((n as i64).into())
    } else {
        hcl::Number::from_f64(n)
            .map(Expression::Number)
            .unwrap_or(Expression::Null)
    }
}

/// The droplet size for an instance type, with a warning when the match is not exact.
pub(super) fn size_slug(
    cx: &mut Cx<'_>,
    r: &Resource,
    key: &str,
    instance_type: Option<&str>,
    what: &str,
) -> &'static str {
    let Some(itype) = instance_type else {
        // Nothing static to read: `cx.str` already warned when the value was not static.
        return droplet::DEFAULT_SIZE;
    };
    let choice: SizeChoice = droplet::for_instance_type(itype);
    let explain = choice.explain(itype);
    if choice.shape.is_none() {
        cx.diag(
            Diagnostic::new(
                Code::NearestMatch,
                format!("`{}`: {explain}", r.address()),
            )
            .at(r.loc_of(key))
            .resource(r.address())
            .help(format!("use a standard EC2 {what} (e.g. `t3.medium`, `m5.large`) so Ferry can choose the droplet size by vCPU and memory")),
        );
    } else if choice.smaller {
        cx.diag(
            Diagnostic::new(
                Code::NearestMatch,
                format!("`{}`: {explain}; no droplet of this class is as large", r.address()),
            )
            .at(r.loc_of(key))
            .resource(r.address())
            .help("split the workload over several droplets, or check that the largest size is enough"),
        );
    } else if !choice.exact {
        cx.diag(
            Diagnostic::new(
                Code::NearestMatch,
                format!("`{}`: {explain}, the nearest droplet size", r.address()),
            )
            .at(r.loc_of(key))
            .resource(r.address())
            .help("check the size fits the workload; edit `size` in the deployment stack to choose another"),
        );
    }
    if let Some(shape) = &choice.shape {
        if shape.graviton {
            cx.diag(
                Diagnostic::new(
                    Code::FeatureUnsupported,
                    format!(
                        "`{}`: `{itype}` is a Graviton (arm64) type; droplets are x86_64",
                        r.address()
                    ),
                )
                .at(r.loc_of(key))
                .resource(r.address())
                .help("make sure images, binaries and containers have amd64 builds"),
            );
        }
        if shape.accelerator {
            cx.diag(
                Diagnostic::new(
                    Code::FeatureUnsupported,
                    format!(
                        "`{}`: `{itype}` has GPUs or accelerators; Ferry mapped only its vCPU and memory",
                        r.address()
                    ),
                )
                .at(r.loc_of(key))
                .resource(r.address())
                .help("choose a DigitalOcean GPU droplet size by hand if the workload needs one"),
            );
        }
    }
    choice.size.slug
}

/// `tags.Name` of a resource.
pub(super) fn name_tag(r: &Resource) -> Option<Expression> {
    hclx::name_tag(&r.body)
}

/// A name made safe for DigitalOcean hostnames and resource names (letters, digits, `-` and
/// `.`; lower case when `lower`). A static name becomes a cleaned literal; in a template (one
/// that carries the instance id or an index) the literal parts are cleaned.
pub(super) fn safe_name(cx: &Cx<'_>, e: &Expression, lower: bool) -> Expression {
    let clean = |s: &str| -> String {
        let out: String = s
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                    c
                } else {
                    '-'
                }
            })
            .collect();
        if lower { out.to_ascii_lowercase() } else { out }
    };
    if hclx::mentions_var(e, "instance_id") || per_instance(e) {
        let Expression::TemplateExpr(t) = e else {
            return e.clone();
        };
        let Ok(mut template) = hcl::Template::from_expr(t) else {
            return e.clone();
        };
        for el in template.elements_mut() {
            if let hcl::template::Element::Literal(l) = el {
                *l = clean(l);
            }
        }
        return hclx::template(template.to_string());
    }
    let Some(s) = cx.eval.string(e) else {
        return e.clone();
    };
    let out = clean(&s).trim_matches('-').to_string();
    if out.is_empty() {
        return e.clone();
    }
    if out == s && matches!(e, Expression::String(_)) {
        e.clone()
    } else {
        Expression::String(out)
    }
}

/// A name unique per appliance *and* per instance of a repeated resource: the origin name (made
/// safe, see [`safe_name`]) or the resource name, with `-${count.index}` / `-${each.key}` when
/// the resource repeats and the name does not already vary, and the instance id.
pub(super) fn repeat_name(
    cx: &mut Cx<'_>,
    r: &Resource,
    origin: Option<Expression>,
    lower: bool,
) -> Expression {
    let idx = index_part(r);
    match origin {
        Some(e) => {
            let e = safe_name(cx, &e, lower);
            let e = match idx {
                Some(i) if !per_instance(&e) => {
                    hclx::template(format!("{}-{i}", hclx::to_template_part(&e)))
                }
                _ => e,
            };
            cx.unique_name(r, Some(e), &r.name)
        }
        None => {
            let mut base = r.name.replace('_', "-");
            if lower {
                base = base.to_ascii_lowercase();
            }
            match idx {
                Some(i) => hclx::template(format!(
                    "{}-{i}-${{var.instance_id}}",
                    hclx::escape_template_literal(&base)
                )),
                None => cx.unique_name(r, None, &base),
            }
        }
    }
}

/// A `name_prefix`-style argument as a name: AWS appends a random suffix, Ferry appends the
/// instance id, so a trailing `-` / `_` of a static prefix is dropped.
pub(super) fn prefix_name(cx: &Cx<'_>, e: Expression) -> Expression {
    match cx.eval.string(&e) {
        Some(s) if !per_instance(&e) && !hclx::mentions_var(&e, "instance_id") => {
            let t = s.trim_end_matches(['-', '_']);
            if t.is_empty() || t == s {
                e
            } else {
                Expression::String(t.to_string())
            }
        }
        _ => e,
    }
}

/// Does `e` depend on `count.index` / `each.*` (so its value differs per instance, even though
/// rules evaluate repeated resources at a representative instance)?
pub(super) fn per_instance(e: &Expression) -> bool {
    let mut hit = false;
    hclx::walk(e, &mut |x| {
        hit |= matches!(hclx::traversal_root(x), Some(("count" | "each", _)));
    });
    hit
}

/// `${count.index}` / `${each.key}` for a repeated resource.
pub(super) fn index_part(r: &Resource) -> Option<&'static str> {
    if r.meta.count.is_some() {
        Some("${count.index}")
    } else if r.meta.for_each.is_some() {
        Some("${each.key}")
    } else {
        None
    }
}

/// `addr.attr` for the element of `addr` that belongs with the current element of `r` (same
/// `count` / `for_each`): `digitalocean_droplet.web[count.index].id`.
pub(super) fn each_ref_emitted(r: &Resource, addr: &str, attr: &str) -> Expression {
    let idx = if r.meta.count.is_some() {
        "[count.index]"
    } else if r.meta.for_each.is_some() {
        "[each.key]"
    } else {
        ""
    };
    hclx::parse_expr(&format!("{addr}{idx}.{attr}")).unwrap_or(Expression::Null)
}

/// `attr` of every instance of the origin resource `r`, as written in the origin, and whether
/// it is a list: `aws_instance.web.id`, `aws_instance.web[*].id`,
/// `values(aws_instance.web)[*].id`.
pub(super) fn all_refs(r: &Resource, attr: &str) -> (Expression, bool) {
    let text = if r.meta.count.is_some() {
        format!("{}.{}[*].{attr}", r.ty, r.name)
    } else if r.meta.for_each.is_some() {
        format!("values({}.{})[*].{attr}", r.ty, r.name)
    } else {
        format!("{}.{}.{attr}", r.ty, r.name)
    };
    (
        hclx::parse_expr(&text).unwrap_or(Expression::Null),
        r.meta.is_repeated(),
    )
}

/// One list from list-valued and single-valued expressions: a literal list when every part is
/// literal, otherwise `concat(…)`. `None` when empty.
pub(super) fn union_list(lists: &[Expression], items: &[Expression]) -> Option<Expression> {
    let mut flat = Vec::new();
    let mut dynamic = Vec::new();
    for l in lists {
        match l {
            Expression::Array(xs) => flat.extend(xs.iter().cloned()),
            other => dynamic.push(other.clone()),
        }
    }
    flat.extend(items.iter().cloned());
    let mut seen = std::collections::BTreeSet::new();
    flat.retain(|x| seen.insert(hclx::inline(x)));
    if dynamic.is_empty() {
        return (!flat.is_empty()).then_some(Expression::Array(flat));
    }
    if flat.is_empty() && dynamic.len() == 1 {
        return dynamic.pop();
    }
    let mut args = dynamic;
    if !flat.is_empty() {
        args.push(Expression::Array(flat));
    }
    let mut call = FuncCall::new(Identifier::unchecked("concat"));
    call.args = args;
    Some(Expression::FuncCall(Box::new(call)))
}

/// What an origin resource became, also while the rules of the `Attach` phase are still running:
/// its first target, the cluster of a node group, or what uses a launch template.
pub(super) fn eventual_target(cx: &Cx<'_>, u: &Resource) -> Option<String> {
    fn go(cx: &Cx<'_>, u: &Resource, depth: u8) -> Option<String> {
        if let Some(t) = cx
            .st
            .outcomes
            .get(u.address())
            .and_then(|o| o.targets.first().cloned())
        {
            return Some(t);
        }
        match u.ty.as_str() {
            "aws_eks_node_group" => cx.parent(u, "cluster_name"),
            "aws_launch_template" | "aws_launch_configuration" if depth < 2 => cx
                .resources
                .iter()
                .filter(|x| x.mode == Mode::Managed && x.address() != u.address())
                .filter(|x| body_mentions(&x.body, &[], u))
                .find_map(|x| go(cx, x, depth + 1)),
            _ => None,
        }
    }
    go(cx, u, 0)
}

/// `tags` of an AWS resource are key/value pairs; DigitalOcean tags are plain names.
pub(super) fn tags_unmapped(cx: &mut Cx<'_>, r: &Resource) {
    for attr in ["tags", "tags_all"] {
        cx.export(
            r,
            attr,
            Export::Unmapped("DigitalOcean tags are plain names, not key/value pairs".into()),
        );
    }
}

/// Does `e` refer to the origin resource or data source `target`?
pub(super) fn refers_to(e: &Expression, target: &Resource) -> bool {
    let mut hit = false;
    hclx::walk(e, &mut |x| {
        if let Some((root, ops)) = hclx::traversal_root(x) {
            let (is_data, ty, name) = match (root, ops) {
                ("data", [Op::GetAttr(t), Op::GetAttr(n), ..]) => (true, t.as_str(), n.as_str()),
                (root, [Op::GetAttr(n), ..]) if root != "data" => (false, root, n.as_str()),
                _ => return,
            };
            hit |= is_data == (target.mode == Mode::Data) && ty == target.ty && name == target.name;
        }
    });
    hit
}

/// Calls `f` with the key and expression of every attribute in `body`, nested blocks included.
pub(super) fn visit_attrs(body: &Body, f: &mut dyn FnMut(&str, &Expression)) {
    for s in body.iter() {
        match s {
            hcl::Structure::Attribute(a) => {
                f(a.key(), a.expr());
                // Object values written as attributes (`launch_template = { id = … }`).
                if let Some(b) = hclx::object_to_body(a.expr()) {
                    visit_attrs(&b, f);
                }
            }
            hcl::Structure::Block(b) => visit_attrs(&b.body, f),
        }
    }
}

/// Does an attribute named one of `keys` (any attribute when empty), at any depth of `body`,
/// refer to `target`?
pub(super) fn body_mentions(body: &Body, keys: &[&str], target: &Resource) -> bool {
    let mut hit = false;
    visit_attrs(body, &mut |k, e| {
        if !hit && (keys.is_empty() || keys.contains(&k)) {
            hit = refers_to(e, target);
        }
    });
    hit
}

/// `e` with every reference to `target` pointing at `attr` instead: `aws_key_pair.k.key_name`
/// → `aws_key_pair.k.fingerprint` (indexes are kept, later attributes dropped).
pub(super) fn retarget(e: &Expression, target: &Resource, attr: &str) -> Expression {
    let mut out = e.clone();
    hclx::walk_mut(&mut out, &mut |x| {
        let Expression::Traversal(t) = x else {
            return true;
        };
        let Expression::Variable(root) = &t.expr else {
            return true;
        };
        let skip = match target.mode {
            Mode::Data => 2,
            Mode::Managed => 1,
        };
        let matches = match target.mode {
            Mode::Data => {
                root.as_str() == "data"
                    && matches!(t.operators.first(), Some(Op::GetAttr(ty)) if ty.as_str() == target.ty)
                    && matches!(t.operators.get(1), Some(Op::GetAttr(n)) if n.as_str() == target.name)
            }
            Mode::Managed => {
                root.as_str() == target.ty
                    && matches!(t.operators.first(), Some(Op::GetAttr(n)) if n.as_str() == target.name)
            }
        };
        if !matches {
            return true;
        }
        let mut ops: Vec<Op> = t.operators.iter().take(skip).cloned().collect();
        ops.extend(
            t.operators
                .iter()
                .skip(skip)
                .take_while(|o| !matches!(o, Op::GetAttr(_)))
                .cloned(),
        );
        ops.push(Op::GetAttr(Identifier::unchecked(attr)));
        t.operators = ops;
        false
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::origin::Meta;
    use crate::source::Loc;
    use hcl::Value;

    /// Odd provisioner and connection values and an image baked from something that is not
    /// an instance: no panic, no self-check finding, an outcome for each.
    #[test]
    fn odd_provisioners_and_baked_images() {
        let tf = r#"
            variable "u" {}
            resource "aws_instance" "i" {
              ami           = "ami-1"
              instance_type = "t3.micro"
              provisioner "local-exec" {
                command = 7
              }
              provisioner "remote-exec" {
                inline = "aws s3 ls"
                connection {
                  user = 5
                  host = self.nosuch
                }
              }
              provisioner {
                command = ["aws"]
              }
              connection {
                user = var.u
                host = self.private_ip
              }
            }
            resource "aws_ami_from_instance" "x" {
              name               = "x"
              source_instance_id = "i-0123"
            }
            resource "aws_ami_from_instance" "y" {
              name               = 3
              source_instance_id = aws_instance.i.id
            }
        "#;
        let req = crate::CompileRequest {
            files: [("main.tf".to_string(), tf.to_string())]
                .into_iter()
                .collect(),
            options: crate::Options::default(),
        };
        let c = crate::compile(&req);
        assert!(
            !c.report.diagnostics.iter().any(|d| d.code == "F901"),
            "{:#?}",
            c.report.diagnostics
        );
        let outcome = |a: &str| {
            c.report
                .resources
                .iter()
                .find(|r| r.address == a)
                .map(|r| r.outcome)
        };
        use crate::report::Outcome;
        assert_eq!(
            outcome("aws_ami_from_instance.x"),
            Some(Outcome::Unsupported)
        );
        assert_eq!(outcome("aws_ami_from_instance.y"), Some(Outcome::Mapped));
        let main = &c.files["main.tf"];
        // The remote-exec calling the AWS CLI is left out; the connection is kept.
        assert!(!main.contains("remote-exec"), "{main}");
        assert!(main.contains("host = self.ipv4_address_private"), "{main}");
        assert!(
            c.report.diagnostics.iter().any(|d| d
                .message
                .contains("`var.u`, which is not known at compile time")),
            "{:#?}",
            c.report.diagnostics
        );
    }

    fn res(mode: Mode, ty: &str, name: &str) -> Resource {
        Resource::new(
            mode,
            ty.into(),
            name.into(),
            Body::default(),
            Meta::default(),
            Loc::default(),
            Default::default(),
        )
    }

    fn e(s: &str) -> Expression {
        s.parse().expect("expression")
    }

    #[test]
    fn retarget_keeps_indexes() {
        let kp = res(Mode::Managed, "aws_key_pair", "k");
        assert_eq!(
            hclx::inline(&retarget(&e("aws_key_pair.k.key_name"), &kp, "fingerprint")),
            "aws_key_pair.k.fingerprint"
        );
        assert_eq!(
            hclx::inline(&retarget(&e("aws_key_pair.k[0].id"), &kp, "fingerprint")),
            "aws_key_pair.k[0].fingerprint"
        );
        let c = res(Mode::Managed, "aws_eks_cluster", "main");
        assert_eq!(
            hclx::inline(&retarget(&e("aws_eks_cluster.main.name"), &c, "id")),
            "aws_eks_cluster.main.id"
        );
    }

    #[test]
    fn refers_to_managed_and_data() {
        let ami = res(Mode::Data, "aws_ami", "ubuntu");
        assert!(refers_to(&e("data.aws_ami.ubuntu.id"), &ami));
        assert!(!refers_to(&e("aws_ami.ubuntu.id"), &ami));
        let sg = res(Mode::Managed, "aws_security_group", "web");
        assert!(refers_to(&e("[aws_security_group.web.id, var.x]"), &sg));
        assert!(!refers_to(&e("data.aws_security_group.web.id"), &sg));
    }

    #[test]
    fn union_lists() {
        let u = union_list(&[e("[\"a\"]"), e("[\"b\", \"a\"]")], &[]).map(|x| hclx::inline(&x));
        assert_eq!(u.as_deref(), Some("[\"a\", \"b\"]"));
        let u = union_list(&[e("var.cidrs")], &[e("\"c\"")]).map(|x| hclx::inline(&x));
        assert_eq!(u.as_deref(), Some("concat(var.cidrs, [\"c\"])"));
        assert!(union_list(&[], &[]).is_none());
    }

    #[test]
    fn substitution_of_iterators() {
        let mut x = e("ingress.value.port");
        let mut obj = hcl::Map::new();
        obj.insert("port".to_string(), Value::from(443u64));
        substitute(&mut x, "ingress", &[("value", Value::Object(obj))]);
        assert!(hclx::inline(&x).contains("443"));
        let mut x = e("[count.index, var.x]");
        substitute(&mut x, "count", &[("index", Value::from(2u64))]);
        assert_eq!(hclx::inline(&x), "[2, var.x]");
        let v = Value::Array(vec![Value::from("a"), Value::from("b")]);
        assert_eq!(iterations(v).map(|i| i.len()), Some(2));
        assert!(iterations(Value::from(true)).is_none());
    }

    #[test]
    fn base64_unwrapping() {
        assert_eq!(
            hclx::inline(&decode_base64(&e("base64encode(local.ud)")).0),
            "local.ud"
        );
        assert_eq!(
            hclx::inline(&decode_base64(&e("filebase64(\"init.sh\")")).0),
            "file(\"init.sh\")"
        );
        let (d, decoded) = decode_base64(&e("var.ud"));
        assert_eq!(hclx::inline(&d), "base64decode(var.ud)");
        assert!(decoded);
    }
}
