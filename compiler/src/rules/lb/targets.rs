//! Target groups → what the load balancer sends traffic to: the attached droplets (or a Droplet
//! tag), the health check and sticky sessions of the first group, and its proxy protocol.

use super::{
    ASG_ATTACHMENT_TYPES, ATTACHMENT_TYPES, Build, LISTENER_RULE_TYPES, LISTENER_TYPES, Target,
    bbool, body_mentions, bstr, clamped, instance_address, num, outside_at, per_instance, port,
    referencing, s, str_at, warn,
};
use crate::diag::Code;
use crate::facts::lb_dns as facts;
use crate::hclx;
use crate::origin::{Mode, Resource};
use crate::out::OutBody;
use crate::rules::Cx;
use hcl::expr::TraversalOperator as Op;
use hcl::{Body, Expression};

/// Folds the target groups used by the listeners: health check and stickiness of the first,
/// proxy protocol, and the attached instances.
pub(super) fn target_groups_into<'a>(cx: &mut Cx<'a>, b: &mut Build<'a>) {
    let tgs = b.target_groups.clone();
    let pools = b.pools.clone();
    let mut first: Option<(&Resource, Option<&hcl::Value>)> = None;
    let mut with_targets = 0;
    for (i, (tg, key)) in tgs.iter().enumerate() {
        let (tg, key) = (*tg, key.as_ref());
        let report = first.is_none();
        let health = health_of(cx, tg, key, report);
        let sticky = sticky_of(cx, tg, key, report);
        match first {
            None => {
                b.health = health;
                b.sticky = sticky;
                first = Some((tg, key));
            }
            Some((f, fkey)) => {
                let (this, kept) = (instance_address(tg, key), instance_address(f, fkey));
                if health.is_some() && health != b.health {
                    warn(
                        cx,
                        Code::FeatureUnsupported,
                        tg,
                        "health_check",
                        format!(
                            "`{this}` checks health differently from `{kept}`; a DigitalOcean load balancer has one health check, Ferry kept the one of `{kept}`"
                        ),
                        "give the target groups of one load balancer the same health check, or split them over several load balancers",
                    );
                }
                if sticky.is_some() && sticky != b.sticky {
                    warn(
                        cx,
                        Code::FeatureUnsupported,
                        tg,
                        "stickiness",
                        format!(
                            "`{this}` has other sticky-session settings than `{kept}`; a DigitalOcean load balancer has one, Ferry kept the one of `{kept}`"
                        ),
                        "use the same stickiness on every target group of the load balancer",
                    );
                }
            }
        }
        // Another instance of a repeated group seen before: its targets and notes are the
        // resource's, already accounted for.
        if tgs[..i].iter().any(|(t, _)| t.address() == tg.address()) {
            continue;
        }
        let target_type = cx
            .str(tg, "target_type")
            .unwrap_or_else(|| "instance".into());
        if target_type != "instance" {
            // `ip` targets registered by an ECS service of another module (the group's ARN
            // leaves this module as an output): rules see one module at a time.
            let elsewhere = target_type == "ip"
                && cx.origin_of_type("aws_ecs_service").next().is_none()
                && cx.module.outputs.iter().any(|o| {
                    let mut hit = false;
                    hclx::walk_body(&o.body, &mut |x| {
                        hit |= crate::rules::ec2::refers_to(x, tg);
                    });
                    hit
                });
            warn(
                cx,
                Code::FeatureUnsupported,
                tg,
                "target_type",
                format!(
                    "`{}` targets `{target_type}`s; a DigitalOcean load balancer sends traffic to Droplets only",
                    tg.address()
                ),
                match target_type.as_str() {
                    "lambda" => {
                        "run the function as a service on DOKS or App Platform and put the load balancer in front of it"
                    }
                    _ if elsewhere => {
                        "the group's ARN leaves the module, likely for an ECS service of another module, which Ferry could not follow (it follows a module output whose value is the group's `arn`, passed as it is to a `var.*` of the service's `load_balancer` block, both modules called once, the load balancer's listeners forwarding only to groups of that module's services): write the wiring that way, or put the load balancer, listener and target group in the service's module, where the load balancer becomes the service's Kubernetes Service of type LoadBalancer"
                    }
                    _ => {
                        "run the targets on Droplets (droplet_ids), or expose a DOKS workload with a Service of type LoadBalancer"
                    }
                },
            );
        }
        if cx.bool(tg, "proxy_protocol_v2") == Some(true) {
            b.proxy_protocol = true;
        }
        let atts = referencing(cx, ATTACHMENT_TYPES, "target_group_arn", tg);
        let has_attachments = !atts.is_empty();
        if has_attachments {
            with_targets += 1;
        }
        for att in atts {
            if let Some(t) = attachment_target(cx, att) {
                b.targets.push(t);
            }
            b.absorbed.push((
                att,
                format!(
                    "its target is in `droplet_ids` of the load balancer (from `{}`)",
                    tg.address()
                ),
            ));
        }
        let mut tg_note = "target port and protocol in the forwarding rules; health check and stickiness in `healthcheck` / `sticky_sessions`".to_string();
        let tg_pools: Vec<String> = pools
            .iter()
            .filter(|p| {
                body_mentions(&p.body, tg)
                    || ASG_ATTACHMENT_TYPES.iter().any(|t| {
                        cx.referencing(t, "autoscaling_group_name", p)
                            .iter()
                            .any(|a| body_mentions(&a.body, tg))
                    })
            })
            .map(|p| format!("`{}`", p.address()))
            .chain(
                cx.xmod
                    .foreign_pools
                    .get(tg.address())
                    .into_iter()
                    .flatten()
                    .map(|p| format!("`{p}`")),
            )
            .collect();
        if !tg_pools.is_empty() {
            tg_note.push_str(&format!(
                "; its targets are the droplets of {} (`droplet_tag`)",
                tg_pools.join(", ")
            ));
        }
        if !has_attachments {
            // Targets registered by something else (an Auto Scaling group, an ECS service).
            let registrars: Vec<String> = cx
                .referrers(tg)
                .resources
                .into_iter()
                .filter(|x| x.mode == Mode::Managed)
                .filter(|x| {
                    !LISTENER_TYPES.contains(&x.ty.as_str())
                        && !LISTENER_RULE_TYPES.contains(&x.ty.as_str())
                        && !ATTACHMENT_TYPES.contains(&x.ty.as_str())
                        && x.address() != tg.address()
                })
                .filter(|x| body_mentions(&x.body, tg))
                .filter(|x| !is_pool_registrar(cx, &pools, x))
                .map(|x| format!("`{}`", x.address()))
                .collect();
            if !registrars.is_empty() {
                warn(
                    cx,
                    Code::FeatureUnsupported,
                    tg,
                    "name",
                    format!(
                        "the targets of `{}` are registered by {}; the DigitalOcean load balancer gets no Droplets from them",
                        tg.address(),
                        registrars.join(", ")
                    ),
                    "tag the Droplets and set `droplet_tag` on the load balancer, or expose a DOKS workload with a Kubernetes Service of type LoadBalancer",
                );
                tg_note.push_str(&format!(
                    "; its targets come from {}",
                    registrars.join(", ")
                ));
            } else if tg_pools.is_empty() && target_type == "instance" {
                // On AWS something outside the stack registers them (a script, or the AWS Load
                // Balancer Controller's TargetGroupBinding for a cluster's nodes).
                let cluster = cx.origin_of_type("aws_eks_cluster").next().is_some()
                    || cx.origin_of_type("aws_eks_node_group").next().is_some();
                warn(
                    cx,
                    Code::FeatureUnsupported,
                    tg,
                    "name",
                    format!(
                        "nothing in the stack registers targets in `{}` (no attachment, Auto Scaling group or service); the DigitalOcean load balancer gets no Droplets from it",
                        tg.address()
                    ),
                    if cluster {
                        "if a Kubernetes controller registered the cluster's nodes (a TargetGroupBinding), expose the workload with a Kubernetes Service of type LoadBalancer on DOKS instead; otherwise set `droplet_ids` or `droplet_tag` on the emitted load balancer"
                    } else {
                        "register the servers in the origin (an `aws_lb_target_group_attachment` of an `aws_instance`, which becomes a Droplet in `droplet_ids`), or set `droplet_ids` or `droplet_tag` on the emitted load balancer"
                    },
                );
                tg_note.push_str("; nothing in the stack registers its targets");
            }
        }
        b.absorbed.push((tg, tg_note));
    }
    if with_targets > 1 {
        let tg = tgs.get(1).map(|(t, _)| *t).or(first.map(|(f, _)| f));
        if let Some(tg) = tg {
            warn(
                cx,
                Code::FeatureUnsupported,
                tg,
                "name",
                "the target groups of this load balancer have different targets; a DigitalOcean load balancer sends every forwarding rule to all of its Droplets".to_string(),
                "run every service on every target Droplet, or use one load balancer per target group",
            );
        }
    }
}

/// Is `x` one of the autoscaling groups behind the load balancer, or an attachment of one?
fn is_pool_registrar(cx: &Cx<'_>, pools: &[&Resource], x: &Resource) -> bool {
    let is_pool = |a: &Resource| pools.iter().any(|p| p.address() == a.address());
    match x.ty.as_str() {
        "aws_autoscaling_group" => is_pool(x),
        t if ASG_ATTACHMENT_TYPES.contains(&t) => cx
            .referenced(x, "autoscaling_group_name")
            .is_some_and(is_pool),
        _ => false,
    }
}

/// A nested block of a repeated resource with the attributes that depend on the instance
/// (`each.value.port`) replaced by their static value for the instance `key`.
fn block_at(cx: &Cx<'_>, owner: &Resource, key: Option<&hcl::Value>, body: &Body) -> Body {
    if owner.meta.count.is_none() && owner.meta.for_each.is_none() {
        return body.clone();
    }
    let mut out = Body::builder();
    for st in body.iter() {
        out = match st {
            hcl::Structure::Attribute(a) => match outside_at(cx, owner, key, &a.expr) {
                Some(e) => out.add_attribute(hcl::Attribute::new(a.key.clone(), e)),
                None => out.add_attribute(a.clone()),
            },
            hcl::Structure::Block(b) => out.add_block(b.clone()),
        };
    }
    out.build()
}

/// The `healthcheck` block for a target group (its `health_check`, or AWS's defaults), for the
/// instance `key` of a repeated one.
fn health_of(
    cx: &mut Cx<'_>,
    tg: &Resource,
    key: Option<&hcl::Value>,
    report: bool,
) -> Option<OutBody> {
    let hc = hclx::blocks(&tg.body, "health_check")
        .into_iter()
        .next()
        .unwrap_or_default();
    let hc = block_at(cx, tg, key, &hc);
    let at = |cx: &Cx<'_>, name: &str| {
        hclx::attr(&tg.body, name)
            .filter(|e| !matches!(e, Expression::Null))
            .and_then(|e| outside_at(cx, tg, key, e))
    };
    let tg_port = at(cx, "port");
    let tg_proto = str_at(cx, tg, key, "protocol")
        .map(|p| p.to_ascii_uppercase())
        .unwrap_or_else(|| "HTTP".into());
    if report && bbool(cx, &hc, "enabled") == Some(false) {
        warn(
            cx,
            Code::FeatureUnsupported,
            tg,
            "health_check",
            format!(
                "`{}` disables health checks; DigitalOcean load balancers always check their targets",
                tg.address()
            ),
            "make sure the targets answer the health check Ferry configured",
        );
    }
    let proto = bstr(cx, &hc, "protocol")
        .map(|p| p.to_ascii_uppercase())
        .unwrap_or_else(|| match tg_proto.as_str() {
            "HTTP" | "HTTPS" => tg_proto.clone(),
            _ => "TCP".into(),
        });
    let proto = match proto.as_str() {
        "HTTP" => "http",
        "HTTPS" => "https",
        _ => "tcp",
    };
    let port = match hclx::attr(&hc, "port").filter(|e| !matches!(e, Expression::Null)) {
        Some(e) => match cx.eval.string(e) {
            Some(p) if p == "traffic-port" => port(tg_port?),
            Some(p) => match p.parse::<i64>() {
                Ok(n) => num(n),
                Err(_) => e.clone(),
            },
            None => e.clone(),
        },
        None => port(tg_port?),
    };
    let port = outside_at(cx, tg, key, &port)?;
    let mut body = OutBody::new();
    body.set("protocol", s(proto));
    body.set("port", port);
    if proto != "tcp" {
        let path = hclx::attr(&hc, "path")
            .filter(|e| !matches!(e, Expression::Null))
            .and_then(|e| outside_at(cx, tg, key, e))
            .unwrap_or_else(|| s("/"));
        body.set("path", path);
    }
    for (aws, dig, range) in [
        ("interval", "check_interval_seconds", facts::HEALTH_INTERVAL),
        ("timeout", "response_timeout_seconds", facts::HEALTH_TIMEOUT),
        (
            "healthy_threshold",
            "healthy_threshold",
            facts::HEALTH_THRESHOLD,
        ),
        (
            "unhealthy_threshold",
            "unhealthy_threshold",
            facts::HEALTH_THRESHOLD,
        ),
    ] {
        if let Some(e) = hclx::attr(&hc, aws)
            .filter(|e| !matches!(e, Expression::Null))
            .and_then(|e| outside_at(cx, tg, key, e))
        {
            let v = clamped(
                cx,
                tg,
                "health_check",
                &format!("health_check.{aws}"),
                &e,
                range,
                report,
            );
            body.set(dig, v);
        }
    }
    if report
        && let Some(m) = bstr(cx, &hc, "matcher")
        && m != "200"
    {
        warn(
            cx,
            Code::FeatureUnsupported,
            tg,
            "health_check",
            format!(
                "`{}` accepts status codes `{m}` as healthy; DigitalOcean health checks have no status matcher",
                tg.address()
            ),
            "answer the health check path with 200 OK",
        );
    }
    Some(body)
}

/// The `sticky_sessions` block for a target group's `stickiness`.
fn sticky_of(
    cx: &mut Cx<'_>,
    tg: &Resource,
    key: Option<&hcl::Value>,
    report: bool,
) -> Option<OutBody> {
    let st = hclx::blocks(&tg.body, "stickiness").into_iter().next()?;
    let st = block_at(cx, tg, key, &st);
    if bbool(cx, &st, "enabled") == Some(false) {
        return None;
    }
    let ty = bstr(cx, &st, "type").unwrap_or_else(|| "lb_cookie".into());
    match ty.as_str() {
        "lb_cookie" => {}
        "app_cookie" => {
            if report {
                let name = bstr(cx, &st, "cookie_name").unwrap_or_default();
                // The load balancer writes its own cookie: giving it the application's cookie
                // name would overwrite the application's session cookie in the browser.
                warn(
                    cx,
                    Code::FeatureUnsupported,
                    tg,
                    "stickiness",
                    format!(
                        "`{}` keeps sessions on the application cookie `{name}`; a DigitalOcean load balancer sets its own cookie (`{}`) instead",
                        tg.address(),
                        facts::STICKY_COOKIE
                    ),
                    "nothing to do unless the application relies on the AWS cookie; sessions stay on one Droplet for cookie_ttl_seconds",
                );
            }
        }
        other => {
            if report {
                warn(
                    cx,
                    Code::FeatureUnsupported,
                    tg,
                    "stickiness",
                    format!(
                        "`{}` keeps clients on one target by `{other}`; DigitalOcean load balancers only have cookie-based sticky sessions",
                        tg.address()
                    ),
                    "make the service stateless, or use an HTTP listener with cookie stickiness",
                );
            }
            return None;
        }
    }
    let ttl = hclx::attr(&st, "cookie_duration")
        .filter(|e| !matches!(e, Expression::Null))
        .and_then(|e| outside_at(cx, tg, key, e))
        .unwrap_or_else(|| num(86400));
    let ttl = clamped(
        cx,
        tg,
        "stickiness",
        "stickiness.cookie_duration",
        &ttl,
        (1, i64::MAX),
        report,
    );
    let mut body = OutBody::new();
    body.set("type", s("cookies"));
    body.set("cookie_name", s(facts::STICKY_COOKIE));
    body.set("cookie_ttl_seconds", ttl);
    Some(body)
}

/// The Droplet an attachment points at: the `aws_instance` reference, copied (the reference
/// pass turns it into the `digitalocean_droplet` of the EC2 rule).
fn attachment_target(cx: &mut Cx<'_>, att: &Resource) -> Option<Target> {
    let e = cx
        .expr(att, "target_id")
        .filter(|e| !matches!(e, Expression::Null))?;
    let Some(inst) = cx.resolve_ref(&e).filter(|t| t.ty == "aws_instance") else {
        warn(
            cx,
            Code::FeatureUnsupported,
            att,
            "target_id",
            format!(
                "`{}` registers `{}`, which is not an `aws_instance` of the stack; a DigitalOcean load balancer targets Droplets only",
                att.address(),
                hclx::inline(&e)
            ),
            "register Droplets (an `aws_instance` becomes a `digitalocean_droplet`), or add them to `droplet_ids` in the deployment stack",
        );
        return None;
    };
    if per_instance(&e) {
        if inst.meta.count.is_some() {
            return Some(Target::Many(hclx::traversal(
                "aws_instance",
                vec![
                    Op::GetAttr(hcl::Identifier::unchecked(inst.name.as_str())),
                    Op::FullSplat,
                    Op::GetAttr(hcl::Identifier::unchecked("id")),
                ],
            )));
        }
        if inst.meta.for_each.is_some() {
            return format!("values(aws_instance.{})[*].id", inst.name)
                .parse()
                .ok()
                .map(Target::Many);
        }
        return Some(Target::One(hclx::path(&["aws_instance", &inst.name, "id"])));
    }
    let port = cx.expr(att, "port").and_then(|p| cx.eval.number(&p));
    let tg_port = cx
        .referenced(att, "target_group_arn")
        .and_then(|tg| cx.expr(tg, "port"))
        .and_then(|p| cx.eval.number(&p));
    if let (Some(p), Some(t)) = (port, tg_port)
        && p != t
    {
        warn(
            cx,
            Code::FeatureUnsupported,
            att,
            "port",
            format!(
                "`{}` sends traffic to port {p} instead of the target group's {t}; DigitalOcean forwards to one target port per forwarding rule",
                att.address()
            ),
            "serve on the target group's port on every Droplet",
        );
    }
    Some(Target::One(e))
}
