//! Launch templates and configurations and Auto Scaling groups → droplet autoscale pools
//! (`digitalocean_droplet_autoscale`): dynamic when a CPU target-tracking policy scales the group,
//! static at its desired capacity otherwise. Groups that are an ECS cluster's capacity are left to
//! `rules::ecs`.

use super::{
    body_mentions, converted_user_data, decode_base64, eventual_target, image_expr, number,
    prefix_name, repeat_name, size_slug, ssh_keys, user_data_checks, visit_attrs,
};
use crate::diag::{Code, Diagnostic};
use crate::hclx;
use crate::origin::{Mode, Resource};
use crate::out::OutBody;
use crate::rules::{Cx, Export};
use hcl::Expression;

/// The launch template an instance, node group or ASG uses (`launch_template { id | name }`,
/// `mixed_instances_policy`), or the launch configuration of an ASG.
pub(in crate::rules) fn launch_template_of<'a>(cx: &Cx<'a>, r: &Resource) -> Option<&'a Resource> {
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

pub(super) fn template(r: &Resource, cx: &mut Cx<'_>) {
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
                .any(|u| crate::rules::ecs::capacity_provider_of(cx, u).is_some());
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
    let Some(cp) = crate::rules::ecs::capacity_provider_of(cx, r) else {
        return false;
    };
    let targeted = ["target_group_arns", "load_balancers", "traffic_source"]
        .iter()
        .any(|k| hclx::attr(&r.body, k).is_some() || !hclx::blocks(&r.body, k).is_empty())
        || !crate::rules::lb::pool_lbs(cx, r).is_empty();
    let Some(cluster) = crate::rules::ecs::planned_cluster(cx).filter(|_| !targeted) else {
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

pub(super) fn asg(r: &Resource, cx: &mut Cx<'_>) {
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
    let lbs = crate::rules::lb::pool_lbs(cx, r);
    let foreign: &[(String, Expression)] = cx
        .xmod
        .pool_tags
        .get(r.address())
        .map(Vec::as_slice)
        .unwrap_or_default();
    let mut tags = cx.tags();
    if let Expression::Array(items) = &mut tags {
        items.extend(lbs.iter().map(|lb| crate::rules::lb::pool_tag(cx, lb)));
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

pub(super) fn asg_policy(r: &Resource, cx: &mut Cx<'_>) {
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
