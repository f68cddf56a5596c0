//! Classic ELBs (`aws_elb`) with their listeners, health check, certificate, attachments and
//! cookie stickiness policies.

use super::{
    Build, Fwd, Target, bstr, clamped, finish, handled, is_stack_certificate, num, origin_name,
    orphan, outside, per_instance, pools_behind, port, referencing, s, warn,
};
use crate::diag::Code;
use crate::facts::lb_dns as facts;
use crate::hclx;
use crate::origin::Resource;
use crate::out::OutBody;
use crate::rules::Cx;
use hcl::{Body, Expression};

pub(super) fn elb(r: &Resource, cx: &mut Cx<'_>) {
    let mut b = Build::default();
    let listeners = hclx::blocks(&r.body, "listener");
    for lst in &listeners {
        let lb_proto = bstr(cx, lst, "lb_protocol")
            .unwrap_or_else(|| "HTTP".into())
            .to_ascii_uppercase();
        let inst_proto = bstr(cx, lst, "instance_protocol")
            .unwrap_or_else(|| lb_proto.clone())
            .to_ascii_uppercase();
        let Some(lb_port) = hclx::attr(lst, "lb_port").cloned().map(port) else {
            continue;
        };
        let inst_port = hclx::attr(lst, "instance_port")
            .cloned()
            .map(port)
            .unwrap_or_else(|| lb_port.clone());
        let (entry, target) = match (lb_proto.as_str(), inst_proto.as_str()) {
            ("TCP", _) => ("tcp", "tcp"),
            ("HTTP", "HTTPS" | "SSL") => ("http", "https"),
            ("HTTP", _) => ("http", "http"),
            (_, "HTTPS" | "SSL") => ("https", "https"),
            _ => ("https", "http"),
        };
        if lb_proto == "SSL" && inst_proto == "TCP" {
            warn(
                cx,
                Code::FeatureUnsupported,
                r,
                "listener",
                format!(
                    "`{}` terminates SSL for TCP traffic on port {}; DigitalOcean terminates TLS only for HTTP, so it became an https → http forwarding rule",
                    r.address(),
                    hclx::inline(&lb_port)
                ),
                "if the traffic is not HTTP, terminate TLS on the instances and use a TCP listener",
            );
        }
        let cert = if entry == "https" {
            match hclx::attr(lst, "ssl_certificate_id") {
                Some(e) => elb_certificate(cx, r, e),
                None => None,
            }
        } else {
            None
        };
        b.stack_certificate |= cert.as_ref().is_some_and(|c| is_stack_certificate(cx, c));
        b.rules.push(Fwd {
            entry_protocol: entry,
            entry_port: lb_port,
            target_protocol: target,
            target_port: inst_port,
            certificate: cert,
            repeat: None,
        });
    }
    if let Some(hc) = hclx::blocks(&r.body, "health_check").into_iter().next() {
        b.health = elb_health(cx, r, &hc);
    }
    if let Some(e) = cx.expr(r, "instances") {
        match e {
            Expression::Array(items) => b.targets.extend(items.into_iter().map(Target::One)),
            other => b.targets.push(Target::Many(other)),
        }
    }
    for att in referencing(cx, &["aws_elb_attachment"], "elb", r) {
        if let Some(e) = cx.expr(att, "instance") {
            let t = if per_instance(&e) {
                match cx.resolve_ref(&e).filter(|t| t.ty == "aws_instance") {
                    Some(i) if i.meta.count.is_some() => format!("aws_instance.{}[*].id", i.name)
                        .parse()
                        .ok()
                        .map(Target::Many),
                    Some(i) if i.meta.for_each.is_some() => {
                        format!("values(aws_instance.{})[*].id", i.name)
                            .parse()
                            .ok()
                            .map(Target::Many)
                    }
                    Some(i) => Some(Target::One(hclx::path(&["aws_instance", &i.name, "id"]))),
                    None => None,
                }
            } else {
                Some(Target::One(e))
            };
            b.targets.extend(t);
        }
        b.absorbed.push((
            att,
            "its instance is in `droplet_ids` of the load balancer".into(),
        ));
    }

    b.pools = pools_behind(cx, r);
    let mut body = OutBody::new();
    let name = cx.unique_name(r, origin_name(cx, r), &r.name);
    body.set("name", name);
    body.set("type", s("REGIONAL"));
    body.set("region", cx.region());
    body.set_opt("vpc_uuid", cx.vpc_id(r));
    if cx.bool(r, "internal") == Some(true) {
        body.set("network", s("INTERNAL"));
    }
    if let Some(e) = cx.expr(r, "idle_timeout") {
        let v = clamped(
            cx,
            r,
            "idle_timeout",
            "idle_timeout",
            &e,
            facts::IDLE_TIMEOUT,
            true,
        );
        body.set("http_idle_timeout_seconds", v);
    }
    let note = format!(
        "{} listener(s) became forwarding rules; references to `dns_name` become the load balancer's IP address (`ip`)",
        listeners.len()
    );
    finish(cx, r, body, b, note);
}

fn elb_certificate(cx: &mut Cx<'_>, r: &Resource, e: &Expression) -> Option<Expression> {
    if let Some(t) = cx.resolve_ref(e)
        && (t.ty == "aws_acm_certificate" || t.ty == "aws_acm_certificate_validation")
    {
        return Some(e.clone());
    }
    warn(
        cx,
        Code::FeatureUnsupported,
        r,
        "listener",
        format!(
            "the certificate `{}` of `{}` is not an `aws_acm_certificate` of the stack; a DigitalOcean https forwarding rule needs the name of a `digitalocean_certificate`",
            hclx::inline(e),
            r.address()
        ),
        "declare the certificate as an `aws_acm_certificate` in the origin (Ferry maps it to a digitalocean_certificate), or set `certificate_name` in the deployment stack",
    );
    None
}

/// Classic ELB `health_check { target = "HTTP:8080/health" }`.
fn elb_health(cx: &mut Cx<'_>, r: &Resource, hc: &Body) -> Option<OutBody> {
    let target = bstr(cx, hc, "target")?;
    let (proto, rest) = target.split_once(':')?;
    let (port, path) = match rest.split_once('/') {
        Some((p, path)) => (p, Some(format!("/{path}"))),
        None => (rest, None),
    };
    let port: i64 = port.trim().parse().ok()?;
    let proto = match proto.to_ascii_uppercase().as_str() {
        "HTTP" => "http",
        "HTTPS" => "https",
        _ => "tcp",
    };
    let mut body = OutBody::new();
    body.set("protocol", s(proto));
    body.set("port", num(port));
    if proto != "tcp" {
        body.set("path", s(path.as_deref().unwrap_or("/")));
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
        if let Some(e) = hclx::attr(hc, aws) {
            let v = clamped(
                cx,
                r,
                "health_check",
                &format!("health_check.{aws}"),
                e,
                range,
                true,
            );
            body.set(dig, v);
        }
    }
    Some(body)
}

pub(super) fn elb_attachment(r: &Resource, cx: &mut Cx<'_>) {
    if !handled(cx, r) {
        orphan(cx, r, "elb", "load balancer");
    }
}

/// A classic ELB's stickiness policy (`aws_lb_cookie_stickiness_policy`,
/// `aws_app_cookie_stickiness_policy`) → `sticky_sessions` of the load balancer it names. A
/// DigitalOcean load balancer has one cookie of its own ([`facts::STICKY_COOKIE`]) for all its
/// ports; an application cookie's name is not used (the load balancer would overwrite it).
pub(super) fn elb_cookie_stickiness(r: &Resource, cx: &mut Cx<'_>) {
    let Some(lb) = cx
        .parent(r, "load_balancer")
        .filter(|a| a.starts_with("digitalocean_loadbalancer."))
    else {
        cx.unsupported(
            r,
            Code::OrphanSubresource,
            format!("`{}` names no load balancer of the stack", r.address()),
            "point `load_balancer` at an `aws_elb` of the stack",
        );
        return;
    };
    let ttl = match r.ty.as_str() {
        "aws_lb_cookie_stickiness_policy" => hclx::attr(&r.body, "cookie_expiration_period")
            .filter(|e| !matches!(e, Expression::Null))
            .and_then(|e| outside(cx, r, e)),
        _ => None,
    };
    if r.ty == "aws_app_cookie_stickiness_policy" {
        let name = cx.str(r, "cookie_name").unwrap_or_default();
        warn(
            cx,
            Code::FeatureUnsupported,
            r,
            "cookie_name",
            format!(
                "`{}` keeps sessions on the application cookie `{name}`; a DigitalOcean load balancer sets its own cookie (`{}`) instead",
                r.address(),
                facts::STICKY_COOKIE
            ),
            "nothing to do unless the application relies on the AWS cookie; sessions stay on one Droplet for cookie_ttl_seconds",
        );
    }
    // A session cookie on AWS (no expiration period): a day, as for target groups.
    let ttl = ttl.unwrap_or_else(|| num(86400));
    let ttl = clamped(
        cx,
        r,
        "cookie_expiration_period",
        "cookie_expiration_period",
        &ttl,
        (1, i64::MAX),
        true,
    );
    let mut body = OutBody::new();
    body.set("type", s("cookies"));
    body.set("cookie_name", s(facts::STICKY_COOKIE));
    body.set("cookie_ttl_seconds", ttl);
    if let Some(e) = cx.emitted_mut(&lb) {
        *e.body.block("sticky_sessions") = body;
    }
    cx.absorb(
        r,
        &lb,
        format!(
            "sticky_sessions of the load balancer (cookie `{}`; one setting for all its ports)",
            facts::STICKY_COOKIE
        ),
    );
}
