//! Listeners → the load balancer's forwarding rules: ports and protocols, certificates and TLS
//! policies, redirects, and the listener rules DigitalOcean cannot express (reported, and named
//! when they blocked a path).

use super::{
    Build, Fwd, LISTENER_CERT_TYPES, LISTENER_RULE_TYPES, TG_TYPES, bstr, chosen_action,
    instance_key, num, outside_at, port, redirect_protocol, referencing, repeat_of, str_at,
    to_iterator, warn,
};
use crate::diag::{Code, Diagnostic};
use crate::facts::lb_dns as facts;
use crate::hclx;
use crate::origin::Resource;
use crate::rules::Cx;
use hcl::{Body, Expression};

/// Reads one listener: forwarding rules, redirect, TLS policy, its rules and certificates.
pub(super) fn listener_into<'a>(
    cx: &mut Cx<'a>,
    lb: &Resource,
    l: &'a Resource,
    network: bool,
    b: &mut Build<'a>,
) {
    // A listener repeated on its own (`for_each` over ports) becomes a `dynamic
    // "forwarding_rule"` block; one repeated together with its load balancer stays as written.
    let shares_lb_iteration = lb.meta.is_repeated()
        && lb.meta.count.as_ref().map(hclx::inline) == l.meta.count.as_ref().map(hclx::inline)
        && lb.meta.for_each.as_ref().map(hclx::inline)
            == l.meta.for_each.as_ref().map(hclx::inline);
    let repeat = if shares_lb_iteration {
        None
    } else {
        repeat_of(l)
    };
    let first_rule = b.rules.len();
    let proto = cx
        .str(l, "protocol")
        .map(|p| p.to_ascii_uppercase())
        .unwrap_or_else(|| if network { "TCP" } else { "HTTP" }.into());
    let tls = proto == "HTTPS" || proto == "TLS";
    let port = cx
        .expr(l, "port")
        .map(port)
        .unwrap_or_else(|| num(if tls { 443 } else { 80 }));
    let cert = if tls {
        certificate(cx, l, "certificate_arn")
    } else {
        None
    };
    b.stack_certificate |= cert.as_ref().is_some_and(|c| is_stack_certificate(cx, c));
    if let Some(p) = cx.str(l, "ssl_policy") {
        tls_policy(cx, l, &p, b);
    }
    let mut notes = Vec::new();
    let actions = hclx::blocks(&l.body, "default_action");
    for a in &actions {
        let ty = bstr(cx, a, "type").unwrap_or_default();
        match ty.as_str() {
            "forward" => {
                let tgs = forward_targets(a);
                if tgs.len() > 1 {
                    warn(
                        cx,
                        Code::FeatureUnsupported,
                        l,
                        "default_action",
                        format!(
                            "`{}` splits traffic over {} target groups; a DigitalOcean forwarding rule has one target, so only the first is kept",
                            l.address(),
                            tgs.len()
                        ),
                        "for weighted (blue/green) routing use a Kubernetes ingress controller on DOKS, or shift traffic by DNS",
                    );
                }
                let tg = tgs
                    .first()
                    .and_then(|e| cx.resolve_ref(e))
                    .filter(|t| TG_TYPES.contains(&t.ty.as_str()));
                let key = tg
                    .zip(tgs.first())
                    .and_then(|(t, e)| instance_key(cx, t, e));
                if tg.is_none() {
                    warn(
                        cx,
                        Code::FeatureUnsupported,
                        l,
                        "default_action",
                        format!(
                            "`{}` forwards to a target group that is not part of the stack; the forwarding rule targets the listener's own port and protocol",
                            l.address()
                        ),
                        "declare the target group in the origin so its port, protocol and health check are carried over",
                    );
                }
                add_rules(
                    cx,
                    l,
                    &proto,
                    &port,
                    cert.clone(),
                    tg.map(|t| (t, key.as_ref())),
                    repeat.is_some(),
                    b,
                );
                if let Some(tg) = tg {
                    b.use_target_group(tg, key);
                    notes.push(format!("forwards to `{}`", tg.address()));
                }
                if let Some((c, alt)) = hclx::attr(a, "type").and_then(|e| chosen_action(cx, e))
                    && alt == "redirect"
                {
                    chosen_redirect(cx, l, &proto, c, repeat.is_some(), b, &mut notes);
                }
            }
            "redirect" => redirect(cx, l, &proto, a, b, &mut notes),
            "fixed-response" => match fixed_response_fallback(cx, l) {
                // A fixed response for "anything else" in front of routing rules: the
                // DigitalOcean load balancer cannot answer by itself, so the listener forwards
                // everything to the target group the rules forward to (and keeps its
                // certificate).
                Some(tg) => {
                    warn(
                        cx,
                        Code::FeatureUnsupported,
                        l,
                        "default_action",
                        format!(
                            "`{}` answers requests no rule matches with a fixed response; DigitalOcean load balancers only forward traffic, so the listener forwards every request to `{}`, the target group of its first routing rule",
                            l.address(),
                            tg.address()
                        ),
                        "serve the fixed response (for unknown hosts or paths) from the application, or route with an ingress controller on DOKS",
                    );
                    add_rules(
                        cx,
                        l,
                        &proto,
                        &port,
                        cert.clone(),
                        Some((tg, None)),
                        repeat.is_some(),
                        b,
                    );
                    b.use_target_group(tg, None);
                    notes.push(format!(
                        "its fixed response became a forward to `{}` (its first routing rule's target group)",
                        tg.address()
                    ));
                }
                None => {
                    warn(
                        cx,
                        Code::FeatureUnsupported,
                        l,
                        "default_action",
                        format!(
                            "`{}` answers with a fixed response and none of its routing rules forwards traffic; DigitalOcean load balancers only forward, so the fixed response cannot be expressed and the listener has no forwarding rule",
                            l.address()
                        ),
                        "serve the fixed response from the application behind a `forward` action (or an ingress controller on DOKS)",
                    );
                    notes.push("its fixed response is lost".into());
                }
            },
            "authenticate-oidc" | "authenticate-cognito" => {
                warn(
                    cx,
                    Code::FeatureUnsupported,
                    l,
                    "default_action",
                    format!(
                        "`{}` authenticates users ({ty}) before forwarding; DigitalOcean load balancers cannot, so requests reach the targets unauthenticated",
                        l.address()
                    ),
                    "authenticate in the application, or with an authenticating proxy (e.g. oauth2-proxy) in front of it",
                );
                notes.push(format!("its `{ty}` action is lost"));
            }
            other => {
                warn(
                    cx,
                    Code::FeatureUnsupported,
                    l,
                    "default_action",
                    format!(
                        "`{}` has a default action of type `{other}`, which DigitalOcean load balancers do not have",
                        l.address()
                    ),
                    "forward to a target group instead",
                );
            }
        }
    }
    for lr in referencing(cx, LISTENER_RULE_TYPES, "listener_arn", l) {
        let note = listener_rule_lost(cx, lr);
        b.absorbed.push((lr, note));
    }
    for lc in referencing(cx, LISTENER_CERT_TYPES, "listener_arn", l) {
        warn(
            cx,
            Code::FeatureUnsupported,
            lc,
            "certificate_arn",
            format!(
                "`{}` adds a certificate to `{}`; a DigitalOcean forwarding rule serves one certificate",
                lc.address(),
                l.address()
            ),
            "use one certificate that covers every name: add them to `subject_alternative_names` of the listener's `aws_acm_certificate` (a Let's Encrypt certificate on DigitalOcean)",
        );
        b.absorbed.push((
            lc,
            format!(
                "a DigitalOcean forwarding rule serves one certificate; this extra certificate of `{}` is not used",
                l.address()
            ),
        ));
    }
    if let Some(each) = &repeat {
        for f in b.rules.iter_mut().skip(first_rule) {
            for e in [&mut f.entry_port, &mut f.target_port] {
                to_iterator(e);
            }
            if let Some(c) = &mut f.certificate {
                to_iterator(c);
            }
            f.repeat = Some(each.clone());
        }
    }
    let note = if notes.is_empty() {
        "folded into the load balancer".to_string()
    } else {
        format!("folded into the load balancer: {}", notes.join("; "))
    };
    b.absorbed.push((l, note));
}

/// The target group a listener whose default action is a fixed response (for requests no
/// routing rule matches) forwards to instead: the target group of its routing rule with the
/// lowest priority. `None` when none of its rules forwards: a listener that only answers with a
/// fixed response (a maintenance page) is not pointed at another listener's targets.
pub(in crate::rules) fn fixed_response_fallback<'a>(
    cx: &Cx<'a>,
    l: &Resource,
) -> Option<&'a Resource> {
    // Rules by priority (AWS evaluates the lowest first); no static priority: origin order.
    let mut rules: Vec<(f64, usize, &'a Resource)> =
        referencing(cx, LISTENER_RULE_TYPES, "listener_arn", l)
            .into_iter()
            .enumerate()
            .map(|(i, lr)| {
                let p = hclx::attr(&lr.body, "priority")
                    .and_then(|e| cx.eval.number(e))
                    .unwrap_or(f64::MAX);
                (p, i, lr)
            })
            .collect();
    rules.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    rules
        .into_iter()
        .flat_map(|(_, _, lr)| hclx::blocks(&lr.body, "action"))
        .find_map(|a| {
            forward_targets(&a)
                .first()
                .and_then(|e| cx.resolve_ref(e))
                .filter(|t| TG_TYPES.contains(&t.ty.as_str()))
        })
}

/// Target group references of a `forward` action: `target_group_arn`, or the
/// `forward { target_group { arn } }` form.
pub(in crate::rules) fn forward_targets(action: &Body) -> Vec<Expression> {
    let mut out = Vec::new();
    if let Some(e) = hclx::attr(action, "target_group_arn")
        && !matches!(e, Expression::Null)
    {
        out.push(e.clone());
    }
    for f in hclx::blocks(action, "forward") {
        for tg in hclx::blocks(&f, "target_group") {
            if let Some(e) = hclx::attr(&tg, "arn") {
                out.push(e.clone());
            }
        }
    }
    out
}

/// DigitalOcean protocol on the target side for an AWS target group protocol.
pub(super) fn target_protocol(tg_proto: &str, version: Option<&str>) -> &'static str {
    match (tg_proto, version) {
        ("HTTP" | "HTTPS", Some("HTTP2")) => "http2",
        ("HTTPS", _) => "https",
        ("TCP" | "TCP_UDP", _) => "tcp",
        ("UDP", _) => "udp",
        ("TLS", _) => "https",
        _ => "http",
    }
}

/// Forwarding rules for a listener forwarding to a target group (§6 protocol table).
/// `dynamic`: the listener becomes a dynamic block, whose iterator also stands for the target
/// group's instance (listener and target group repeated over the same collection).
#[allow(clippy::too_many_arguments)]
fn add_rules(
    cx: &mut Cx<'_>,
    l: &Resource,
    proto: &str,
    port: &Expression,
    cert: Option<Expression>,
    tg: Option<(&Resource, Option<&hcl::Value>)>,
    dynamic: bool,
    b: &mut Build<'_>,
) {
    let (tg_proto, tg_port, version) = match tg {
        Some((t, key)) => {
            let p = str_at(cx, t, key, "protocol")
                .map(|p| p.to_ascii_uppercase())
                .unwrap_or_else(|| proto.to_string());
            let port = cx
                .expr(t, "port")
                .and_then(|e| {
                    if dynamic {
                        Some(e)
                    } else {
                        outside_at(cx, t, key, &e)
                    }
                })
                .map(self::port)
                .unwrap_or_else(|| port.clone());
            let v = cx
                .str(t, "protocol_version")
                .map(|v| v.to_ascii_uppercase());
            if v.as_deref() == Some("GRPC") {
                warn(
                    cx,
                    Code::FeatureUnsupported,
                    t,
                    "protocol_version",
                    format!(
                        "`{}` speaks gRPC to its targets; DigitalOcean load balancers forward HTTP/2 (`http2`) without gRPC-aware health checks",
                        t.address()
                    ),
                    "check that the service answers the HTTP health check, or use a TCP health check",
                );
            }
            (p, port, v)
        }
        None => (proto.to_string(), port.clone(), None),
    };
    let mut push = |entry: &'static str, target: &'static str, cert: Option<Expression>| {
        b.rules.push(Fwd {
            entry_protocol: entry,
            entry_port: port.clone(),
            target_protocol: target,
            target_port: tg_port.clone(),
            certificate: cert,
            repeat: None,
        })
    };
    match proto {
        "HTTP" => push("http", target_protocol(&tg_proto, version.as_deref()), None),
        "HTTPS" => push(
            "https",
            target_protocol(&tg_proto, version.as_deref()),
            cert,
        ),
        "TCP" => push("tcp", "tcp", None),
        "UDP" => push("udp", "udp", None),
        "TCP_UDP" => {
            push("tcp", "tcp", None);
            push("udp", "udp", None);
        }
        "TLS" => {
            let target = if tg_proto == "TLS" { "https" } else { "http" };
            push("https", target, cert);
            b.needs_http_lb = true;
            if target == "http" {
                warn(
                    cx,
                    Code::FeatureUnsupported,
                    l,
                    "protocol",
                    format!(
                        "`{}` terminates TLS for TCP traffic; DigitalOcean terminates TLS only for HTTP, so it became an https → http forwarding rule",
                        l.address()
                    ),
                    "if the traffic is not HTTP, terminate TLS on the targets and use a TCP listener (the load balancer passes TLS through)",
                );
            }
        }
        other => warn(
            cx,
            Code::FeatureUnsupported,
            l,
            "protocol",
            format!(
                "`{}` uses protocol `{other}`, which DigitalOcean load balancers do not offer; it has no forwarding rule",
                l.address()
            ),
            "use HTTP, HTTPS, TCP or UDP",
        ),
    }
}

/// Does the expression name a requested (not imported) ACM certificate of the stack, which
/// becomes a Let's Encrypt certificate?
pub(in crate::rules) fn is_stack_certificate(cx: &Cx<'_>, e: &Expression) -> bool {
    let cert = match cx.resolve_ref(e) {
        Some(t) if t.ty == "aws_acm_certificate_validation" => cx.referenced(t, "certificate_arn"),
        other => other,
    };
    cert.is_some_and(|c| {
        c.ty == "aws_acm_certificate"
            && hclx::attr(&c.body, "certificate_body").is_none()
            && hclx::attr(&c.body, "private_key").is_none()
    })
}

/// The certificate of an HTTPS/TLS listener: the `aws_acm_certificate` reference is copied (its
/// exports give the `digitalocean_certificate` name); anything else is flagged.
pub(super) fn certificate(cx: &mut Cx<'_>, l: &Resource, key: &str) -> Option<Expression> {
    let Some(e) = cx.expr(l, key).filter(|e| !matches!(e, Expression::Null)) else {
        warn(
            cx,
            Code::FeatureUnsupported,
            l,
            "protocol",
            format!(
                "`{}` terminates TLS but names no certificate; a DigitalOcean https forwarding rule needs `certificate_name`",
                l.address()
            ),
            "set `certificate_arn` to an `aws_acm_certificate` of the stack (Ferry maps it to a digitalocean_certificate)",
        );
        return None;
    };
    if let Some(t) = cx.resolve_ref(&e) {
        if t.ty == "aws_acm_certificate" || t.ty == "aws_acm_certificate_validation" {
            return Some(e);
        }
        warn(
            cx,
            Code::FeatureUnsupported,
            l,
            key,
            format!(
                "the certificate of `{}` is `{}`; a DigitalOcean load balancer serves a `digitalocean_certificate`",
                l.address(),
                t.address()
            ),
            "use an `aws_acm_certificate` in the origin (Ferry maps it to a Let's Encrypt or custom digitalocean_certificate)",
        );
        return None;
    }
    if let Some(arn) = cx.eval.string(&e).filter(|a| a.starts_with("arn:")) {
        cx.diag(
            Diagnostic::new(
                Code::UnsupportedValue,
                format!(
                    "the certificate of `{}` is the AWS certificate `{arn}`, which is not part of the stack",
                    l.address()
                ),
            )
            .at(l.loc_of(key))
            .resource(l.address())
            .help("declare the certificate as an `aws_acm_certificate` in the origin (Ferry maps it to a Let's Encrypt digitalocean_certificate), or upload it as a `digitalocean_certificate` and set `certificate_name` to its name"),
        );
        return None;
    }
    warn(
        cx,
        Code::FeatureUnsupported,
        l,
        key,
        format!(
            "the certificate of `{}` is `{}`: on DigitalOcean this value must be the name of a `digitalocean_certificate`, not an ARN",
            l.address(),
            hclx::inline(&e)
        ),
        "pass the name of a digitalocean_certificate, or declare the certificate as an `aws_acm_certificate` in the origin",
    );
    Some(e)
}

pub(super) fn tls_policy(cx: &mut Cx<'_>, l: &Resource, aws: &str, b: &mut Build<'_>) {
    let policy = match facts::tls_cipher_policy(aws) {
        Some(p) => p,
        None => {
            warn(
                cx,
                Code::NearestMatch,
                l,
                "ssl_policy",
                format!(
                    "`{}`: `{aws}` is not an AWS ELB security policy Ferry knows; DigitalOcean offers DEFAULT and STRONG, Ferry used DEFAULT",
                    l.address()
                ),
                "use an `ELBSecurityPolicy-TLS13-1-2-*` policy to get STRONG",
            );
            "DEFAULT"
        }
    };
    match &b.tls_policy {
        None => b.tls_policy = Some((policy, aws.to_string(), l.address().to_string())),
        Some((p, first, from)) if *p != policy => {
            let (p, first, from) = (*p, first.clone(), from.clone());
            warn(
                cx,
                Code::FeatureUnsupported,
                l,
                "ssl_policy",
                format!(
                    "`{}` uses `{aws}` but `{from}` uses `{first}`; a DigitalOcean load balancer has one TLS cipher policy, Ferry used {p}",
                    l.address()
                ),
                "use the same ssl_policy on every listener of the load balancer",
            );
        }
        Some(_) => {}
    }
}

/// `redirect` default action: HTTP → HTTPS on 443 is `redirect_http_to_https`; other redirects
/// are flagged.
pub(super) fn redirect(
    cx: &mut Cx<'_>,
    l: &Resource,
    proto: &str,
    action: &Body,
    b: &mut Build<'_>,
    notes: &mut Vec<String>,
) {
    let rd = hclx::blocks(action, "redirect")
        .into_iter()
        .next()
        .unwrap_or_default();
    let get = |k: &str, d: &str| bstr(cx, &rd, k).unwrap_or_else(|| d.to_string());
    let to_proto = get("protocol", "#{protocol}").to_ascii_uppercase();
    let to_port = get("port", "#{port}");
    let host = get("host", "#{host}");
    let path = get("path", "/#{path}");
    let same_target =
        host == "#{host}" && path == "/#{path}" && get("query", "#{query}") == "#{query}";
    if proto == "HTTP" && to_proto == "HTTPS" && to_port == "443" && same_target {
        b.redirect = true;
        b.redirect_from.push(l.address().to_string());
        let from = cx.expr(l, "port").and_then(|e| cx.eval.number(&e));
        if from.is_some_and(|p| p != 80.0) {
            warn(
                cx,
                Code::FeatureUnsupported,
                l,
                "port",
                format!(
                    "`{}` redirects port {} to HTTPS; DigitalOcean redirects port 80 only",
                    l.address(),
                    from.unwrap_or_default()
                ),
                "listen for plain HTTP on port 80",
            );
        }
        notes.push(
            "its HTTP → HTTPS redirect became `redirect_http_to_https = true` (with an http:80 forwarding rule for the load balancer to listen on)"
                .into(),
        );
    } else {
        warn(
            cx,
            Code::FeatureUnsupported,
            l,
            "default_action",
            format!(
                "`{}` redirects to {to_proto}:{to_port} (host {host}, path {path}); DigitalOcean load balancers only redirect HTTP on port 80 to HTTPS on port 443",
                l.address()
            ),
            "redirect in the application, or with App Platform ingress rules",
        );
        notes.push("its redirect is lost".into());
    }
}

/// A listener that forwards at the defaults and redirects when the deployment sets a condition
/// (`type = var.cert != "" ? "redirect" : "forward"`, the redirect in a `dynamic "redirect"`
/// block): `redirect_http_to_https` becomes that condition.
fn chosen_redirect(
    cx: &mut Cx<'_>,
    l: &Resource,
    proto: &str,
    cond: Expression,
    repeated: bool,
    b: &mut Build<'_>,
    notes: &mut Vec<String>,
) {
    if proto == "HTTP" && !repeated && redirect_protocol(cx, l).as_deref() == Some("HTTPS") {
        notes.push(format!(
            "its HTTP → HTTPS redirect when `{}` holds became `redirect_http_to_https = {}`",
            hclx::inline(&cond),
            hclx::inline(&cond)
        ));
        b.redirect_when.push(cond);
    } else {
        conditional_redirect_lost(cx, l, &cond);
    }
}

/// A listener that redirects, when the deployment sets `cond`, in a way DigitalOcean load
/// balancers cannot: it forwards either way (a warning says so).
pub(in crate::rules) fn conditional_redirect_lost(
    cx: &mut Cx<'_>,
    l: &Resource,
    cond: &Expression,
) {
    warn(
        cx,
        Code::FeatureUnsupported,
        l,
        "default_action",
        format!(
            "`{}` redirects when `{}` holds, in a way DigitalOcean load balancers cannot (they redirect HTTP on port 80 to HTTPS only); with it, the listener still forwards",
            l.address(),
            hclx::inline(cond)
        ),
        "redirect in the application",
    );
}

/// Flags a listener rule (path/host/header routing is lost) and returns its absorbed note.
fn listener_rule_lost(cx: &mut Cx<'_>, lr: &Resource) -> String {
    let conds = conditions_text(cx, &lr.body);
    if access_control_lost(cx, lr, "the listener's default action") {
        return format!(
            "access control lost ({conds} answered by the load balancer itself): DigitalOcean load balancers have no listener rules"
        );
    }
    let mut actions = Vec::new();
    for a in hclx::blocks(&lr.body, "action") {
        let ty = bstr(cx, &a, "type").unwrap_or_default();
        let target = forward_targets(&a)
            .first()
            .and_then(|e| cx.resolve_ref(e))
            .map(|t| format!(" to `{}`", t.address()))
            .unwrap_or_default();
        actions.push(format!("{ty}{target}"));
    }
    let actions = if actions.is_empty() {
        "its action".to_string()
    } else {
        actions.join(", ")
    };
    warn(
        cx,
        Code::FeatureUnsupported,
        lr,
        "condition",
        format!(
            "`{}` routes requests where {conds} ({actions}); DigitalOcean load balancers have no routing rules, so this traffic goes to the listener's default action",
            lr.address()
        ),
        "route in an ingress controller on DOKS or App Platform ingress rules",
    );
    format!(
        "routing rule lost ({conds} → {actions}): DigitalOcean load balancers have no listener rules"
    )
}

/// The conditions of a listener rule, for messages: "path `/metrics` and host `a.example.com`".
fn conditions_text(cx: &Cx<'_>, body: &Body) -> String {
    let mut conds = Vec::new();
    for c in hclx::blocks(body, "condition") {
        for (block, label) in [
            ("path_pattern", "path"),
            ("host_header", "host"),
            ("http_request_method", "method"),
            ("source_ip", "source IP"),
        ] {
            for x in hclx::blocks(&c, block) {
                conds.push(format!("{label} {}", values_text(cx, &x, "values")));
            }
        }
        for x in hclx::blocks(&c, "http_header") {
            let name = bstr(cx, &x, "http_header_name").unwrap_or_else(|| "…".into());
            conds.push(format!("header {name} {}", values_text(cx, &x, "values")));
        }
        for x in hclx::blocks(&c, "query_string") {
            let k = bstr(cx, &x, "key").unwrap_or_default();
            let v = bstr(cx, &x, "value").unwrap_or_else(|| "…".into());
            conds.push(format!("query {k}={v}"));
        }
        // Pre-3.0 provider form: `condition { field = "path-pattern", values = [...] }`.
        if let Some(f) = bstr(cx, &c, "field") {
            conds.push(format!("{f} {}", values_text(cx, &c, "values")));
        }
    }
    if conds.is_empty() {
        "its conditions".to_string()
    } else {
        conds.join(" and ")
    }
}

/// What a listener rule answers by itself when every action of it is a fixed response or a
/// redirect (a block: `/metrics` → 403): "a fixed `403` response", "a redirect"; `None` for a
/// rule that forwards or authenticates (or has no action Ferry can read).
fn blocking_answer(cx: &Cx<'_>, body: &Body) -> Option<String> {
    let actions = hclx::blocks(body, "action");
    if actions.is_empty() {
        return None;
    }
    let mut answers: Vec<String> = Vec::new();
    for a in &actions {
        let answer = match bstr(cx, a, "type")?.as_str() {
            "fixed-response" => {
                let status = hclx::blocks(a, "fixed_response")
                    .first()
                    .and_then(|f| bstr(cx, f, "status_code"));
                match status {
                    Some(code) => format!("a fixed `{code}` response"),
                    None => "a fixed response".to_string(),
                }
            }
            "redirect" => "a redirect".to_string(),
            _ => return None,
        };
        if !answers.contains(&answer) {
            answers.push(answer);
        }
    }
    Some(answers.join(" or "))
}

/// For a listener rule that answers requests itself ([`blocking_answer`]): an F333 warning that
/// those requests now reach `reach` (the listener's default action, an ECS service), so what the
/// rule kept out becomes public (known gap #298). Whether it was such a rule.
pub(crate) fn access_control_lost(cx: &mut Cx<'_>, lr: &Resource, reach: &str) -> bool {
    let Some(answer) = blocking_answer(cx, &lr.body) else {
        return false;
    };
    let conds = conditions_text(cx, &lr.body);
    // A redirect may only move a page; a fixed response keeps the requests out for sure.
    let public = if answer == "a redirect" {
        "if the redirect kept clients away from them, they become public"
    } else {
        "what the rule kept out becomes public"
    };
    warn(
        cx,
        Code::AccessControlLost,
        lr,
        "action",
        format!(
            "LOST ACCESS CONTROL: `{}` answers requests where {conds} with {answer} at the load balancer; DigitalOcean load balancers have no routing rules, so these requests now reach {reach}: {public}",
            lr.address()
        ),
        "deny the path in the application itself (or turn that endpoint off), or in front of it: an NGINX Ingress on DOKS for the path with the annotation `nginx.ingress.kubernetes.io/denylist-source-range: \"0.0.0.0/0,::/0\"` answers 403",
    );
    true
}

fn values_text(cx: &Cx<'_>, body: &Body, key: &str) -> String {
    match hclx::attr(body, key).and_then(|e| cx.eval.value(e)) {
        Some(hcl::Value::Array(items)) => items
            .iter()
            .map(|v| match v {
                hcl::Value::String(s) => format!("`{s}`"),
                other => format!("`{other}`"),
            })
            .collect::<Vec<_>>()
            .join(" or "),
        _ => "…".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn target_protocols_follow_the_target_group() {
        assert_eq!(target_protocol("HTTP", None), "http");
        assert_eq!(target_protocol("HTTPS", None), "https");
        assert_eq!(target_protocol("HTTP", Some("HTTP2")), "http2");
        assert_eq!(target_protocol("TCP_UDP", None), "tcp");
        assert_eq!(target_protocol("TLS", None), "https");
    }
}
