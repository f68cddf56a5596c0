//! EC2 → droplets: instances, key pairs, AMI lookups, Elastic IPs, launch templates and
//! configurations, Auto Scaling groups and their target-tracking policies.
//!
//! Facts: `aws-to-do-mapping-facts.md` §2 (sizes, images, user data, key pairs, volumes, Elastic
//! IPs, Auto Scaling) and §8; sizes in `facts::droplet`. The helpers at the end are shared by the
//! other compute rules (`eks`, `ebs`, `security`).

use super::{Cx, Export, Phase, RuleDef};
use crate::diag::{Code, Diagnostic};
use crate::eval::value_to_expr;
use crate::facts::droplet::{self, SizeChoice};
use crate::hclx;
use crate::origin::{Mode, Resource};
use crate::out::OutBody;
use hcl::expr::{FuncCall, Traversal, TraversalOperator as Op};
use hcl::{Body, Expression, Identifier, Value};

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

// ---- data "aws_ami" ----------------------------------------------------------------------------

/// What an AMI lookup becomes.
struct AmiImage {
    slug: &'static str,
    /// The distribution and release were recognised.
    exact: bool,
    recognised: bool,
    arm: bool,
    text: String,
}

fn ami_image(cx: &Cx<'_>, ami: &Resource) -> AmiImage {
    let mut parts = Vec::new();
    let mut push = |v: Option<hcl::Value>| match v {
        Some(hcl::Value::String(s)) => parts.push(s),
        Some(hcl::Value::Array(items)) => {
            for i in items {
                if let hcl::Value::String(s) = i {
                    parts.push(s);
                }
            }
        }
        _ => {}
    };
    for f in hclx::blocks(&ami.body, "filter") {
        push(hclx::attr(&f, "values").and_then(|e| cx.eval.value(e)));
    }
    push(hclx::attr(&ami.body, "name_regex").and_then(|e| cx.eval.value(e)));
    push(hclx::attr(&ami.body, "owners").and_then(|e| cx.eval.value(e)));
    let text = parts.join(" ");
    let arm = droplet::ami_text_is_arm(&text);
    match droplet::image_for_ami_text(&text) {
        Some((slug, exact)) => AmiImage {
            slug,
            exact,
            recognised: true,
            arm,
            text,
        },
        None => AmiImage {
            slug: droplet::DEFAULT_IMAGE,
            exact: false,
            recognised: false,
            arm,
            text,
        },
    }
}

fn ami_lookup(r: &Resource, cx: &mut Cx<'_>) {
    let img = ami_image(cx, r);
    let described = if img.text.is_empty() {
        "no name filter".to_string()
    } else {
        format!("`{}`", img.text)
    };
    if !img.recognised {
        cx.diag(
            Diagnostic::new(
                Code::NearestMatch,
                format!(
                    "`{}` ({described}) names no distribution DigitalOcean offers; droplets use `{}`",
                    r.address(),
                    img.slug
                ),
            )
            .at(r.loc.clone())
            .resource(r.address())
            .help("filter on an Ubuntu or Debian AMI name so Ferry picks the matching image, and check that user data written for this AMI (e.g. yum/dnf on Amazon Linux) works on it"),
        );
    } else if !img.exact {
        cx.diag(
            Diagnostic::new(
                Code::NearestMatch,
                format!(
                    "`{}` ({described}) → `{}`, the nearest release DigitalOcean offers",
                    r.address(),
                    img.slug
                ),
            )
            .at(r.loc.clone())
            .resource(r.address())
            .help("name the release in the AMI filter (e.g. `ubuntu-noble-24.04`) to choose it"),
        );
    }
    if img.arm {
        cx.diag(
            Diagnostic::new(
                Code::FeatureUnsupported,
                format!(
                    "`{}` looks up an arm64 image; droplets are x86_64, so Ferry uses the amd64 build `{}`",
                    r.address(),
                    img.slug
                ),
            )
            .at(r.loc.clone())
            .resource(r.address())
            .help("make sure the software installed on the droplet has amd64 builds"),
        );
    }
    let slug = Expression::String(img.slug.into());
    for attr in ["id", "image_id", "name"] {
        cx.export(r, attr, Export::Expr(slug.clone()));
    }
    cx.export(
        r,
        "architecture",
        Export::Expr(Expression::String("x86_64".into())),
    );
    // The droplets (or pools) that use it.
    let user = cx
        .resources
        .iter()
        .filter(|u| u.mode == Mode::Managed)
        .filter(|u| body_mentions(&u.body, &["ami", "image_id"], r))
        .find_map(|u| eventual_target(cx, u));
    let note = format!("the AMI lookup became the droplet image `{}`", img.slug);
    match user {
        Some(t) => cx.absorb(r, &t, note),
        None => cx.drop(r, format!("{note}; no mapped resource uses it")),
    }
}

/// The droplet image for an `ami` expression: the slug of a `data "aws_ami"` lookup, or the
/// default image with a warning for AMI ids.
/// The droplet image for an AMI: the snapshot of an `aws_ami_from_instance` of the stack (the
/// reference, which the reference pass points at the snapshot's id), else the image slug of
/// [`image_for`].
fn image_expr(cx: &mut Cx<'_>, r: &Resource, key: &str, ami: Option<&Expression>) -> Expression {
    if let Some(e) = ami
        && cx
            .resolve_ref(e)
            .is_some_and(|a| a.mode == Mode::Managed && a.ty == "aws_ami_from_instance")
    {
        return e.clone();
    }
    Expression::String(image_for(cx, r, key, ami).into())
}

// ---- aws_ami_from_instance ---------------------------------------------------------------------

/// An image baked from an instance of the stack → a snapshot of its droplet.
fn ami_from_instance(r: &Resource, cx: &mut Cx<'_>) {
    let source = cx.expr(r, "source_instance_id");
    let droplet = cx
        .referenced(r, "source_instance_id")
        .filter(|i| i.ty == "aws_instance")
        .and_then(|i| cx.st.outcomes.get(i.address()))
        .is_some_and(|o| {
            o.targets
                .iter()
                .any(|t| t.starts_with("digitalocean_droplet."))
        });
    let Some(source) = source.filter(|_| droplet) else {
        cx.unsupported(
            r,
            Code::UnsupportedResource,
            format!(
                "`{}`: the image is baked from an instance that is not a droplet of the stack; DigitalOcean snapshots droplets (`digitalocean_droplet_snapshot`)",
                r.address()
            ),
            "bake the image from an `aws_instance` of the stack (Ferry snapshots its droplet), or build it with Packer's DigitalOcean builder and pass its id as a variable",
        );
        return;
    };
    let mut body = OutBody::new();
    let name = cx.unique_name(r, cx.expr(r, "name"), &r.name);
    body.set("name", name);
    body.set("droplet_id", source);
    let addr = cx.emit(r, "digitalocean_droplet_snapshot", body);
    cx.export_attrs(r, &addr, &[("id", "id"), ("name", "name")]);
    cx.diag(
        Diagnostic::new(
            Code::FeatureUnsupported,
            format!(
                "`{}`: a droplet snapshot stands for the AMI; it is taken once, when it is created, of the droplet as it is then (as soon as the droplet is active, possibly before its user data has finished, as with an AMI; taken while the droplet runs, like `snapshot_without_reboot = true`), holds the droplet's disk only (not its volumes), stays in the droplet's region and is billed per GiB stored",
                r.address()
            ),
        )
        .at(r.loc.clone())
        .resource(r.address())
        .help("the droplets and autoscale pools that booted the AMI boot the snapshot (`image = <snapshot>.id`); to refresh it after changing the source droplet, replace the snapshot (`tofu apply -replace=...`)"),
    );
}

pub(super) fn image_for(
    cx: &mut Cx<'_>,
    r: &Resource,
    key: &str,
    ami: Option<&Expression>,
) -> &'static str {
    if let Some(data) = ami
        .and_then(|e| cx.resolve_ref(e))
        .filter(|d| d.mode == Mode::Data && d.ty == "aws_ami")
    {
        return ami_image(cx, data).slug;
    }
    let shown = match ami {
        Some(e) => cx
            .eval
            .string(e)
            .unwrap_or_else(|| hclx::inline(e))
            .to_string(),
        None => "no AMI".into(),
    };
    cx.diag(
        Diagnostic::new(
            Code::NearestMatch,
            format!(
                "`{}`: the AMI ({shown}) does not exist on DigitalOcean; Ferry used the image `{}`",
                r.address(),
                droplet::DEFAULT_IMAGE
            ),
        )
        .at(r.loc_of(key))
        .resource(r.address())
        .help("look the AMI up with a `data \"aws_ami\"` name filter (Ferry maps Ubuntu and Debian filters to the matching DigitalOcean image), or replace the image with a DigitalOcean snapshot or custom image after compiling"),
    );
    droplet::DEFAULT_IMAGE
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

// ---- Elastic IPs ---------------------------------------------------------------------------------

fn eip(r: &Resource, cx: &mut Cx<'_>) {
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

fn eip_association(r: &Resource, cx: &mut Cx<'_>) {
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

// ---- launch templates, Auto Scaling ------------------------------------------------------------

/// The launch template an instance, node group or ASG uses (`launch_template { id | name }`,
/// `mixed_instances_policy`), or the launch configuration of an ASG.
pub(super) fn launch_template_of<'a>(cx: &Cx<'a>, r: &Resource) -> Option<&'a Resource> {
    if let Some(lc) = cx
        .referenced(r, "launch_configuration")
        .filter(|l| l.ty == "aws_launch_configuration")
    {
        return Some(lc);
    }
    let mut found = None;
    visit_attrs(&r.body, &mut |_, e| {
        if found.is_none() {
            found = cx
                .resolve_ref(e)
                .filter(|t| t.mode == Mode::Managed && t.ty == "aws_launch_template");
        }
    });
    found
}

fn template(r: &Resource, cx: &mut Cx<'_>) {
    let target = cx
        .referrers(r)
        .resources
        .into_iter()
        .filter(|u| u.mode == Mode::Managed && u.address() != r.address())
        .filter(|u| body_mentions(&u.body, &[], r))
        .find_map(|u| eventual_target(cx, u));
    let what = if r.ty == "aws_launch_template" {
        "launch template"
    } else {
        "launch configuration"
    };
    match target {
        Some(t) if t.starts_with("digitalocean_kubernetes_") => {
            let custom: Vec<String> = ["image_id", "user_data"]
                .iter()
                .filter(|k| hclx::attr(&r.body, k).is_some())
                .map(|k| format!("`{k}`"))
                .collect();
            if !custom.is_empty() {
                cx.diag(
                    Diagnostic::new(
                        Code::FeatureUnsupported,
                        format!(
                            "`{}`: DOKS nodes run DigitalOcean's node image; {} of the {what} {} not carried over",
                            r.address(),
                            custom.join(" and "),
                            if custom.len() > 1 { "are" } else { "is" }
                        ),
                    )
                    .at(r.loc_of(if hclx::attr(&r.body, "image_id").is_some() { "image_id" } else { "user_data" }))
                    .resource(r.address())
                    .help("move node set-up into a Kubernetes DaemonSet"),
                );
            }
            let ecs = cx
                .referrers(r)
                .resources
                .into_iter()
                .filter(|u| u.ty == "aws_autoscaling_group")
                .any(|u| super::ecs::capacity_provider_of(cx, u).is_some());
            let note = if ecs {
                format!(
                    "its instances were ECS container instances; the ECS tasks run on the node pool of `{t}`, sized from their demand"
                )
            } else {
                format!("the {what}'s instance type sized the node pool of `{t}`")
            };
            cx.absorb(r, &t, note);
        }
        Some(t) => {
            // Adopted from another module without what only that module knows.
            let without = match cx.xmod.left_out.get(r.address()) {
                Some(keys) => format!(
                    " (without {}: see the warning)",
                    keys.iter()
                        .map(|k| format!("`{k}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                None => String::new(),
            };
            cx.absorb(
                r,
                &t,
                format!(
                    "the {what}'s size, image, SSH key and user data were folded into `{t}`{without}"
                ),
            )
        }
        None => cx.drop(
            r,
            format!("no mapped resource uses this {what}; DigitalOcean has no launch templates"),
        ),
    }
    for attr in ["id", "arn", "latest_version", "default_version", "name"] {
        cx.export(
            r,
            attr,
            Export::Unmapped(format!("DigitalOcean has no {what}s; its settings were folded into the resources that use it").into()),
        );
    }
}

/// An Auto Scaling group whose instances are the ECS container instances of a capacity
/// provider, and that no load balancer targets: the ECS services run on the DOKS node pool
/// (sized from the tasks' demand, F373), so the group is absorbed into that cluster rather
/// than becoming droplets that would join no ECS cluster. Returns whether it was.
fn ecs_container_instances(r: &Resource, cx: &mut Cx<'_>) -> bool {
    let Some(cp) = super::ecs::capacity_provider_of(cx, r) else {
        return false;
    };
    let targeted = ["target_group_arns", "load_balancers", "traffic_source"]
        .iter()
        .any(|k| hclx::attr(&r.body, k).is_some() || !hclx::blocks(&r.body, k).is_empty())
        || !super::lb::pool_lbs(cx, r).is_empty();
    let Some(cluster) = super::ecs::planned_cluster(cx).filter(|_| !targeted) else {
        return false;
    };
    cx.absorb(
        r,
        &cluster,
        format!(
            "its instances were the ECS container instances of `{}`: the ECS tasks run on the node pool of `{cluster}`, sized from their demand (F373), so no droplets are created",
            cp.address()
        ),
    );
    for attr in ["id", "name", "arn"] {
        cx.export(
            r,
            attr,
            Export::Unmapped("the ECS container instances became the DOKS node pool".into()),
        );
    }
    true
}

/// Target-tracking on average CPU: the target as a fraction, and the policy.
fn cpu_target<'a>(cx: &Cx<'a>, asg: &Resource) -> Option<(f64, &'a Resource)> {
    cx.origin_of_type("aws_autoscaling_policy")
        .filter(|p| body_mentions(&p.body, &["autoscaling_group_name"], asg))
        .find_map(|p| cpu_target_of(cx, p).map(|t| (t, p)))
}

fn cpu_target_of(cx: &Cx<'_>, p: &Resource) -> Option<f64> {
    let ty = hclx::attr(&p.body, "policy_type").and_then(|e| cx.eval.string(e))?;
    if ty != "TargetTrackingScaling" {
        return None;
    }
    let ttc = hclx::blocks(&p.body, "target_tracking_configuration")
        .into_iter()
        .next()?;
    let metric = hclx::blocks(&ttc, "predefined_metric_specification")
        .into_iter()
        .next()
        .and_then(|m| hclx::attr(&m, "predefined_metric_type").and_then(|e| cx.eval.string(e)))?;
    if metric != "ASGAverageCPUUtilization" {
        return None;
    }
    let v = hclx::attr(&ttc, "target_value").and_then(|e| cx.eval.number(e))?;
    Some((v / 100.0).clamp(0.01, 1.0))
}

fn asg(r: &Resource, cx: &mut Cx<'_>) {
    if ecs_container_instances(r, cx) {
        return;
    }
    let Some(tmpl) = launch_template_of(cx, r) else {
        cx.unsupported(
            r,
            Code::UnsupportedValue,
            format!(
                "`{}` has no launch template or launch configuration in the stack, so Ferry cannot tell what its droplets run",
                r.address()
            ),
            "declare the `aws_launch_template` (instance type, AMI, user data) in the same module",
        );
        return;
    };
    let is_lt = tmpl.ty == "aws_launch_template";
    left_out_of_adopted(cx, tmpl);
    let mut body = OutBody::new();
    let name = cx
        .expr(r, "name")
        .or_else(|| cx.expr(r, "name_prefix").map(|p| prefix_name(cx, p)));
    let name = repeat_name(cx, r, name, false);
    body.set("name", name);

    // Scaling: a CPU target-tracking policy makes the pool dynamic; otherwise AWS keeps
    // `desired_capacity` instances, which is a static pool.
    let num = |cx: &Cx<'_>, k: &str| hclx::attr(&r.body, k).and_then(|e| cx.eval.number(e));
    let min = num(cx, "min_size");
    let max = num(cx, "max_size");
    let desired = num(cx, "desired_capacity");
    let config = body.block("config");
    match cpu_target(cx, r) {
        Some((target, policy)) if min != max => {
            config.set_opt("min_instances", cx.expr(r, "min_size"));
            config.set_opt("max_instances", cx.expr(r, "max_size"));
            config.set("target_cpu_utilization", number(target));
            let cooldown = hclx::attr(&policy.body, "estimated_instance_warmup")
                .and_then(|e| cx.eval.number(e))
                .or_else(|| num(cx, "default_cooldown"));
            if let Some(s) = cooldown {
                config.set("cooldown_minutes", number((s / 60.0).ceil().max(1.0)));
            }
        }
        _ => {
            let n = desired.or(min).or(max).unwrap_or(1.0);
            let expr = cx
                .expr(r, "desired_capacity")
                .filter(|_| desired.is_some())
                .unwrap_or_else(|| number(n));
            config.set("target_number_instances", expr);
            if min != max {
                cx.diag(
                    Diagnostic::new(
                        Code::FeatureUnsupported,
                        format!(
                            "`{}` has no target-tracking CPU policy; the droplet pool keeps a fixed {n} droplet(s) (`desired_capacity`)",
                            r.address()
                        ),
                    )
                    .at(r.loc_of("desired_capacity"))
                    .resource(r.address())
                    .help("add an `aws_autoscaling_policy` with `ASGAverageCPUUtilization` target tracking to make the DigitalOcean pool scale between `min_size` and `max_size`"),
                );
            }
        }
    }

    // The droplet template.
    let t = &tmpl.body;
    let itype = hclx::attr(t, "instance_type").and_then(|e| cx.eval.string(e));
    let size = size_slug(cx, tmpl, "instance_type", itype.as_deref(), "instance type");
    let image = image_expr(cx, tmpl, "image_id", hclx::attr(t, "image_id"));
    let keys = ssh_keys(cx, tmpl, "key_name", hclx::attr(t, "key_name"))
        .unwrap_or(Expression::Array(vec![]));
    // A launch template's user data is base64; a launch configuration's is text (or
    // `user_data_base64`).
    let encoded_key = if is_lt {
        "user_data"
    } else {
        "user_data_base64"
    };
    let user_data = match hclx::attr(t, encoded_key) {
        Some(ud) => {
            user_data_checks(cx, tmpl, encoded_key, ud, Some(&image));
            let (text, decoded) = decode_base64(ud);
            if decoded {
                converted_user_data(cx, tmpl, encoded_key);
            }
            Some(text)
        }
        None if !is_lt => {
            let ud = hclx::attr(t, "user_data").cloned();
            if let Some(ud) = &ud {
                user_data_checks(cx, tmpl, "user_data", ud, Some(&image));
            }
            ud
        }
        None => None,
    };
    let vpc = cx.vpc_id(r);
    // Behind a load balancer: the droplets carry the tag the load balancer targets (also one
    // of another module, `xmod::Facts::pool_tags`).
    let lbs = super::lb::pool_lbs(cx, r);
    let foreign: &[(String, Expression)] = cx
        .xmod
        .pool_tags
        .get(r.address())
        .map(Vec::as_slice)
        .unwrap_or_default();
    let mut tags = cx.tags();
    if let Expression::Array(items) = &mut tags {
        items.extend(lbs.iter().map(|lb| super::lb::pool_tag(cx, lb)));
        for (_, t) in foreign {
            if !items.contains(t) {
                items.push(t.clone());
            }
        }
    }
    let project = if cx.module.dir.is_empty() {
        hclx::path(&["digitalocean_project", "appliance", "id"])
    } else {
        hclx::path(&["var", "project_id"])
    };
    let dt = body.block("droplet_template");
    dt.set("size", Expression::String(size.into()));
    dt.set("region", hclx::path(&["var", "region"]));
    dt.set("image", image);
    dt.set("ssh_keys", keys);
    dt.set_opt("user_data", user_data);
    dt.set_opt("vpc_uuid", vpc);
    dt.set("project_id", project);
    dt.set("with_droplet_agent", Expression::Bool(true));
    dt.set("tags", tags);

    for k in ["target_group_arns", "load_balancers", "traffic_source"] {
        let set = cx.expr(r, k).is_some() || !hclx::blocks(&r.body, k).is_empty();
        if set && lbs.is_empty() && foreign.is_empty() {
            cx.diag(
                Diagnostic::new(
                    Code::FeatureUnsupported,
                    format!("`{}`: `{k}` is not carried over; droplet autoscale pools are not registered with load balancers by the pool", r.address()),
                )
                .at(r.loc_of(k))
                .resource(r.address())
                .help("point the `digitalocean_loadbalancer` at the pool's droplets with `droplet_tag` (give the droplet template a dedicated tag)"),
            );
        }
    }
    let addr = cx.emit(r, "digitalocean_droplet_autoscale", body);
    if !lbs.is_empty() || !foreign.is_empty() {
        let names = lbs
            .iter()
            .map(|l| format!("`{}`", l.address()))
            .chain(
                foreign
                    .iter()
                    .map(|(a, _)| format!("`{a}` (another module)")),
            )
            .collect::<Vec<_>>()
            .join(", ");
        cx.note(
            r,
            format!("its droplets carry the tag that {names} target(s) with `droplet_tag`"),
        );
    }
    cx.export_attrs(r, &addr, &[("id", "id"), ("name", "name")]);
    cx.export(
        r,
        "arn",
        Export::Unmapped("droplet autoscale pools have no URN".into()),
    );
}

/// The arguments of a launch template adopted from another module that its copy left out
/// (`xmod::Facts::left_out`): they read what only that module knows, so the pool lacks them.
fn left_out_of_adopted(cx: &mut Cx<'_>, tmpl: &Resource) {
    let Some(keys) = cx.xmod.left_out.get(tmpl.address()) else {
        return;
    };
    let list = keys
        .iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let first = keys.first().cloned().unwrap_or_default();
    cx.diag(
        Diagnostic::new(
            Code::FeatureUnsupported,
            format!(
                "`{}` is declared in another module and launched from this one: {list} read(s) what only its own module knows (a data source, a file, a value not known at compile time), so the droplet autoscale pool does not get {}",
                tmpl.address(),
                if keys.len() > 1 { "them" } else { "it" }
            ),
        )
        .at(tmpl.loc_of(&first))
        .resource(tmpl.address())
        .help("pass the value into the Auto Scaling group's module, or declare the launch template beside the group"),
    );
}

fn asg_policy(r: &Resource, cx: &mut Cx<'_>) {
    let Some(pool) = cx.parent(r, "autoscaling_group_name") else {
        cx.drop(
            r,
            "its Auto Scaling group is not mapped; DigitalOcean autoscale pools scale on their own CPU and memory targets",
        );
        return;
    };
    if cpu_target_of(cx, r).is_some() {
        cx.absorb(
            r,
            &pool,
            "target tracking on average CPU became the pool's `target_cpu_utilization`",
        );
    } else {
        cx.diag(
            Diagnostic::new(
                Code::FeatureUnsupported,
                format!(
                    "`{}`: DigitalOcean droplet autoscale pools scale only on a CPU or memory utilization target; this policy is not carried over",
                    r.address()
                ),
            )
            .at(r.loc.clone())
            .resource(r.address())
            .help("use a `TargetTrackingScaling` policy on `ASGAverageCPUUtilization`, or set `target_cpu_utilization` / `target_memory_utilization` in the pool's `config`"),
        );
        cx.absorb(
            r,
            &pool,
            "not carried over: the pool scales on its own CPU and memory targets (`config`)",
        );
    }
    cx.export(
        r,
        "arn",
        Export::Unmapped(
            "scaling policies have no DigitalOcean counterpart; the autoscale pool scales itself"
                .into(),
        ),
    );
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

/// The text of base64-encoded user data: `base64encode(x)` → `x`, `filebase64(p)` →
/// `file(p)`, anything else → `base64decode(…)` (the `bool` says so).
pub(super) fn decode_base64(e: &Expression) -> (Expression, bool) {
    if let Expression::FuncCall(c) = e
        && c.args.len() == 1
        && !c.name.is_namespaced()
    {
        match c.name.name.as_str() {
            "base64encode" => return (c.args[0].clone(), false),
            "filebase64" => {
                let mut f = FuncCall::new(Identifier::unchecked("file"));
                f.args = c.args.clone();
                return (Expression::FuncCall(Box::new(f)), false);
            }
            _ => {}
        }
    }
    let mut call = FuncCall::new(Identifier::unchecked("base64decode"));
    call.args = vec![e.clone()];
    (Expression::FuncCall(Box::new(call)), true)
}

/// What user data written for an AWS instance does that fails on the droplet (known gap
/// #208): mounting EFS (`mount -t efs`, `amazon-efs-utils`; the stack's file systems are
/// DigitalOcean NFS shares, mounted as NFS), and installing packages with `yum` / `dnf` /
/// `amazon-linux-extras` on the Ubuntu or Debian image the AMI was replaced by. Reads the
/// script as written and the files it renders (`file()`, `templatefile()`, a
/// `data.template_file`'s template).
fn user_data_checks(
    cx: &mut Cx<'_>,
    r: &Resource,
    key: &str,
    ud: &Expression,
    image: Option<&Expression>,
) {
    let mut texts = vec![hclx::inline(ud)];
    let read_files = |e: &Expression, texts: &mut Vec<String>| {
        hclx::walk(e, &mut |x| {
            if let Expression::FuncCall(c) = x
                && matches!(c.name.name.as_str(), "file" | "templatefile")
                && let Some(path) = c.args.first().and_then(super::generic::literal_path)
                && let Some(text) = cx.file(&path)
            {
                texts.push(text.to_string());
            }
        });
    };
    read_files(ud, &mut texts);
    // `data.template_file.init.rendered`: the template it renders.
    let mut rendered: Vec<Expression> = Vec::new();
    hclx::walk(ud, &mut |x| {
        if let Some(("data", [Op::GetAttr(t), Op::GetAttr(n), ..])) = hclx::traversal_root(x)
            && t.as_str() == "template_file"
            && let Some(d) = cx
                .origin_of_type_any_mode("template_file")
                .into_iter()
                .find(|d| d.mode == Mode::Data && d.name == n.as_str())
            && let Some(tpl) = hclx::attr(&d.body, "template")
        {
            rendered.push(tpl.clone());
        }
    });
    for tpl in &rendered {
        texts.push(hclx::inline(tpl));
        read_files(tpl, &mut texts);
    }
    fn has(texts: &[String], needles: &[&'static str]) -> Option<&'static str> {
        needles
            .iter()
            .find(|n| texts.iter().any(|t| t.contains(**n)))
            .copied()
    }
    if let Some(found) = has(
        &texts,
        &["mount -t efs", "amazon-efs-utils", "efs-utils", ".efs."],
    ) {
        cx.diag(
            Diagnostic::new(
                Code::FeatureUnsupported,
                format!(
                    "`{}`: its user data mounts an EFS file system (`{found}`); the stack's file systems are DigitalOcean NFS shares (`digitalocean_nfs`), which mount as NFS, not with the EFS mount helper",
                    r.address()
                ),
            )
            .at(r.loc_of(key))
            .resource(r.address())
            .help("mount the share with `mount -t nfs <host>:<mount_path> <dir>` (the `host` and `mount_path` attributes of `digitalocean_nfs`, passed into the script); the droplet must be in the share's VPC"),
        );
    }
    metadata_service_warning(cx, r, key, &texts);
    let debian_like = image
        .and_then(hclx::as_str)
        .is_some_and(|slug| slug.starts_with("ubuntu") || slug.starts_with("debian"));
    if debian_like
        && let Some(found) = has(
            &texts,
            &["yum ", "dnf ", "amazon-linux-extras", "rpm -i", "rpm -U"],
        )
    {
        cx.diag(
            Diagnostic::new(
                Code::NearestMatch,
                format!(
                    "`{}`: its user data installs packages with `{}` (Amazon Linux, RHEL), but the droplets run `{}`, which has `apt-get`",
                    r.address(),
                    found.trim(),
                    image.and_then(hclx::as_str).unwrap_or_default()
                ),
            )
            .at(r.loc_of(key))
            .resource(r.address())
            .help("rewrite the script for Ubuntu/Debian (`apt-get install -y`, Debian package names, `ubuntu` as the default user), or pick an RPM-based DigitalOcean image (`rockylinux-9-x64`, `fedora-*`) for the droplets"),
        );
    }
}

/// The EC2 instance metadata paths user data reads (`curl http://169.254.169.254/latest/meta-data/instance-id`),
/// each with what a droplet serves at the same address instead (DigitalOcean's metadata API:
/// `/metadata/v1/…`, plain GETs, no IMDSv2 token), or `None` where a droplet has no counterpart.
/// The longest AWS path that starts the one read wins.
const METADATA_PATHS: &[(&str, Option<&str>)] = &[
    ("meta-data/instance-id", Some("/metadata/v1/id")),
    (
        "meta-data/local-ipv4",
        Some("/metadata/v1/interfaces/private/0/ipv4/address"),
    ),
    (
        "meta-data/public-ipv4",
        Some("/metadata/v1/interfaces/public/0/ipv4/address"),
    ),
    ("meta-data/local-hostname", Some("/metadata/v1/hostname")),
    ("meta-data/public-hostname", Some("/metadata/v1/hostname")),
    ("meta-data/hostname", Some("/metadata/v1/hostname")),
    ("meta-data/placement/region", Some("/metadata/v1/region")),
    (
        "meta-data/placement/availability-zone",
        Some("/metadata/v1/region"),
    ),
    ("meta-data/public-keys", Some("/metadata/v1/public-keys")),
    ("meta-data/tags", Some("/metadata/v1/tags/")),
    ("meta-data/iam", None),
    ("user-data", Some("/metadata/v1/user-data")),
    ("dynamic/instance-identity", Some("/metadata/v1.json")),
    ("api/token", None),
];

/// The EC2 instance metadata paths `text` reads (`/latest/meta-data/local-ipv4`), in order of
/// appearance, without repeats.
fn metadata_reads(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("169.254.169.254/latest/") {
        rest = &rest[i + "169.254.169.254/latest/".len()..];
        let path: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '/' | '.'))
            .collect();
        let path = path.trim_end_matches(['/', '.']).to_string();
        if !path.is_empty() && !out.contains(&path) {
            out.push(path);
        }
    }
    out
}

/// User data that reads the EC2 instance metadata service: a droplet answers at the same
/// address, under other paths, so the script reads a 404 page where it expected the instance's
/// id or address. One warning per resource, naming each path read and what replaces it.
fn metadata_service_warning(cx: &mut Cx<'_>, r: &Resource, key: &str, texts: &[String]) {
    let mut reads: Vec<String> = Vec::new();
    for t in texts {
        for p in metadata_reads(t) {
            if !reads.contains(&p) {
                reads.push(p);
            }
        }
    }
    if reads.is_empty() {
        return;
    }
    let mapped: Vec<String> = reads
        .iter()
        .map(|p| {
            let replacement = METADATA_PATHS
                .iter()
                .filter(|(aws, _)| p == aws || p.starts_with(&format!("{aws}/")))
                .max_by_key(|(aws, _)| aws.len())
                .map(|(_, d)| *d);
            match replacement {
                Some(Some(d)) => format!("`/latest/{p}` → `{d}`"),
                None if p == "meta-data" => {
                    format!("`/latest/{p}/` (the index) → `/metadata/v1/`")
                }
                Some(None) if p.starts_with("api/token") => {
                    format!(
                        "`/latest/{p}` (IMDSv2 token): not needed, a droplet answers plain GETs"
                    )
                }
                _ => format!("`/latest/{p}`: no counterpart on a droplet"),
            }
        })
        .collect();
    cx.diag(
        Diagnostic::new(
            Code::NearestMatch,
            format!(
                "`{}`: its user data reads the EC2 instance metadata service at `169.254.169.254/latest/…`; a droplet's metadata service answers at the same address under `/metadata/v1/`, so these reads get a 404 page: {}",
                r.address(),
                mapped.join("; ")
            ),
        )
        .at(r.loc_of(key))
        .resource(r.address())
        .help("change the paths in the script (`curl -s http://169.254.169.254/metadata/v1/id`); credentials from an instance role (`meta-data/iam/…`) have no counterpart: pass a DigitalOcean token or Spaces key into the script instead"),
    );
}

fn converted_user_data(cx: &mut Cx<'_>, r: &Resource, key: &str) {
    cx.diag(
        Diagnostic::new(
            Code::ValueConverted,
            format!(
                "`{}`: DigitalOcean takes user data as text; `{key}` is decoded with `base64decode()` (gzip-compressed cloud-init cannot be decoded: render it uncompressed)",
                r.address()
            ),
        )
        .at(r.loc_of(key))
        .resource(r.address()),
    );
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

// ---- repeated resources, expanded statically ------------------------------------------------------------------------------

/// Replaces `root.<key>…` traversals in `e` by the literal bound to `key`.
pub(super) fn substitute(e: &mut Expression, root: &str, bindings: &[(&str, Value)]) {
    hclx::walk_mut(e, &mut |x| {
        let Expression::Traversal(t) = x else {
            return !matches!(x, Expression::Variable(v) if v.as_str() == root);
        };
        let Expression::Variable(v) = &t.expr else {
            return true;
        };
        if v.as_str() != root {
            return true;
        }
        let Some(Op::GetAttr(k)) = t.operators.first() else {
            return true;
        };
        let Some((_, value)) = bindings.iter().find(|(b, _)| *b == k.as_str()) else {
            return true;
        };
        let lit = value_to_expr(value);
        let rest: Vec<Op> = t.operators[1..].to_vec();
        *x = if rest.is_empty() {
            lit
        } else {
            Expression::Traversal(Box::new(Traversal::new(lit, rest)))
        };
        false
    });
}

/// `body` with bindings substituted; attributes that used them and became static are folded
/// to literals (others are kept as written, variables included).
pub(super) fn bind(cx: &Cx<'_>, body: &Body, root: &str, bindings: &[(&str, Value)]) -> Body {
    body.attributes()
        .map(|a| {
            let mut e = a.expr().clone();
            substitute(&mut e, root, bindings);
            let e = if &e != a.expr() {
                match cx.eval.value(&e) {
                    Some(v) => value_to_expr(&v),
                    None => e,
                }
            } else {
                e
            };
            hcl::Attribute::new(a.key(), e)
        })
        .collect()
}

/// The key/value pairs a `for_each` (or `count`) iterates, when static.
pub(super) fn iterations(v: Value) -> Option<Vec<(Value, Value)>> {
    match v {
        Value::Array(items) => Some(
            items
                .into_iter()
                .enumerate()
                .map(|(i, v)| (Value::from(i as u64), v))
                .collect(),
        ),
        Value::Object(map) => Some(
            map.into_iter()
                .map(|(k, v)| (Value::String(k), v))
                .collect(),
        ),
        _ => None,
    }
}

/// One body per instance of a repeated resource (`count` / `for_each` expanded when static;
/// none, with a warning, when not).
pub(super) fn instances(cx: &mut Cx<'_>, r: &Resource) -> Vec<Body> {
    if let Some(c) = &r.meta.count {
        return match cx.eval.number(c) {
            Some(n) if n >= 0.0 => (0..(n as u64).min(1000))
                .map(|i| bind(cx, &r.body, "count", &[("index", Value::from(i))]))
                .collect(),
            _ => {
                not_expanded(cx, r, "count");
                vec![]
            }
        };
    }
    if let Some(f) = &r.meta.for_each {
        return match cx.eval.value(f).and_then(iterations) {
            Some(items) => items
                .into_iter()
                .map(|(k, v)| {
                    // `for_each` over a set: key and value are the element.
                    let key = match (&k, &v) {
                        (Value::Number(_), Value::String(_)) => v.clone(),
                        _ => k,
                    };
                    bind(cx, &r.body, "each", &[("key", key), ("value", v)])
                })
                .collect(),
            None => {
                not_expanded(cx, r, "for_each");
                vec![]
            }
        };
    }
    vec![r.body.clone()]
}

fn not_expanded(cx: &mut Cx<'_>, r: &Resource, what: &str) {
    cx.diag(
        Diagnostic::new(
            Code::DynamicBlock,
            format!("the `{what}` of `{}` is not known at compile time; what it adds is not carried over", r.address()),
        )
        .at(r.loc.clone())
        .resource(r.address())
        .help(format!("give `{what}` a literal value or a variable default so Ferry can expand the rules")),
    );
}

#[cfg(test)]
mod tests {
    #[test]
    fn metadata_reads_are_found_in_scripts() {
        let script = "TOKEN=$(curl -X PUT \"http://169.254.169.254/latest/api/token\" -H 'X-aws-ec2-metadata-token-ttl-seconds: 60')\nID=$(curl -s http://169.254.169.254/latest/meta-data/instance-id)\nIP=`curl http://169.254.169.254/latest/meta-data/local-ipv4/`\ncurl http://169.254.169.254/latest/meta-data/instance-id -o id.html\n";
        assert_eq!(
            super::metadata_reads(script),
            ["api/token", "meta-data/instance-id", "meta-data/local-ipv4"]
        );
        assert!(super::metadata_reads("curl http://169.254.169.254/metadata/v1/id").is_empty());
    }

    use super::*;
    use crate::origin::Meta;
    use crate::source::Loc;

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
