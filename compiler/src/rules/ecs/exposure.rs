//! How a service is reached: the load balancers its target groups belong to become a Kubernetes
//! Service of type `LoadBalancer` (a DigitalOcean load balancer) or `ClusterIP`, split by port
//! when listeners forward to different services.

use super::{SERVICE, load_balancer_blocks, num, numeric, s, stringify, warn};
use super::{k8s, lb};
use crate::diag::{Code, Diagnostic};
use crate::facts::lb_dns;
use crate::hclx;
use crate::origin::{Meta, Mode, Resource};
use crate::report::Outcome;
use crate::rules::k8s::PodSpec;
use crate::rules::lb::{LISTENER_CERT_TYPES, LISTENER_RULE_TYPES, LISTENER_TYPES, TG_TYPES};
use crate::rules::{Cx, Export, OutcomeRec};
use hcl::{Body, Expression};

/// A target group of the service's `load_balancer` blocks: (target group, container, port).
pub(super) struct LbTarget<'a> {
    pub(super) tg: &'a Resource,
    pub(super) container: Option<String>,
    pub(super) port: Expression,
}

/// The load balancers (aws_lb / aws_alb) whose listeners forward to a target group.
pub(super) fn lbs_of_tg<'a>(cx: &Cx<'a>, tg: &Resource) -> Vec<&'a Resource> {
    let mut out: Vec<&'a Resource> = Vec::new();
    let forwards = |body: &Body, block: &str| {
        hclx::blocks(body, block).iter().any(|a| {
            lb::forward_targets(a).iter().any(|e| {
                cx.resolve_ref(e)
                    .is_some_and(|t| t.address() == tg.address())
            })
        })
    };
    for lt in LISTENER_TYPES {
        for l in cx.origin_of_type(lt) {
            let by_rule = lb::referencing(cx, LISTENER_RULE_TYPES, "listener_arn", l)
                .iter()
                .any(|lr| forwards(&lr.body, "action"));
            if !forwards(&l.body, "default_action") && !by_rule {
                continue;
            }
            if let Some(lbr) = cx.referenced(l, "load_balancer_arn")
                && !out.iter().any(|x| x.address() == lbr.address())
            {
                out.push(lbr);
            }
        }
    }
    out
}

/// The service that owns a workload load balancer: the one registered in the target group of
/// its first forwarding listener (origin order).
pub(super) fn lb_owner<'a>(cx: &Cx<'a>, lbr: &Resource) -> Option<&'a Resource> {
    for l in lb::referencing(cx, LISTENER_TYPES, "load_balancer_arn", lbr) {
        for a in hclx::blocks(&l.body, "default_action") {
            // A fixed response in front of routing rules stands for the first rule's target.
            let fixed = (hclx::attr(&a, "type")
                .and_then(|e| cx.eval.string(e))
                .as_deref()
                == Some("fixed-response"))
            .then(|| lb::fixed_response_fallback(cx, l))
            .flatten();
            for tg in lb::forward_targets(&a)
                .iter()
                .filter_map(|e| cx.resolve_ref(e))
                .chain(fixed)
            {
                if let Some(svc) = cx.origin_of_type(SERVICE).find(|svc| {
                    load_balancer_blocks(svc).iter().any(|b| {
                        hclx::attr(b, "target_group_arn")
                            .and_then(|x| cx.resolve_ref(x))
                            .is_some_and(|t| t.address() == tg.address())
                    })
                }) {
                    return Some(svc);
                }
            }
        }
    }
    None
}

/// The service registered in target group `tg` (the first, as [`lb_owner`] reads it).
fn registered_service<'a>(cx: &Cx<'a>, tg: &Resource) -> Option<&'a Resource> {
    cx.origin_of_type(SERVICE).find(|svc| {
        load_balancer_blocks(svc).iter().any(|b| {
            hclx::attr(b, "target_group_arn")
                .and_then(|x| cx.resolve_ref(x))
                .is_some_and(|t| t.address() == tg.address())
        })
    })
}

/// A load balancer whose listeners forward, by port, to target groups of different services
/// (`:443` → puma, `:4000` → streaming; no listener rules): each service gets the listeners
/// that forward to it (#294), as a Service of type LoadBalancer of its own. A listener that
/// only redirects (HTTP → HTTPS) goes with the service of the HTTPS listener on port 443 (else
/// the first). `None` unless at least two services (none repeated) share it so.
pub(super) fn port_split<'a>(
    cx: &Cx<'a>,
    lbr: &Resource,
) -> Option<Vec<(&'a Resource, Vec<&'a Resource>)>> {
    let listeners = lb::referencing(cx, LISTENER_TYPES, "load_balancer_arn", lbr);
    let mut out: Vec<(&'a Resource, Vec<&'a Resource>)> = Vec::new();
    let mut rest: Vec<&'a Resource> = Vec::new();
    let mut https_443: Option<&'a Resource> = None;
    for l in &listeners {
        if !lb::referencing(cx, LISTENER_RULE_TYPES, "listener_arn", l).is_empty() {
            return None;
        }
        let actions = hclx::blocks(&l.body, "default_action");
        let ty = |a: &Body| {
            hclx::attr(a, "type")
                .and_then(|e| cx.eval.string(e))
                .unwrap_or_default()
        };
        let forwards: Vec<&'a Resource> = actions
            .iter()
            .filter(|a| ty(a) == "forward")
            .flat_map(|a| lb::forward_targets(a))
            .filter_map(|e| cx.resolve_ref(&e))
            .collect();
        let svc = match forwards.as_slice() {
            [] => {
                rest.push(l);
                continue;
            }
            [tg] => registered_service(cx, tg)?,
            _ => return None,
        };
        if svc.meta.is_repeated() {
            return None;
        }
        let proto = hclx::attr(&l.body, "protocol")
            .and_then(|e| cx.eval.string(e))
            .unwrap_or_default()
            .to_ascii_uppercase();
        let port = hclx::attr(&l.body, "port").and_then(|e| cx.eval.number(e));
        if proto == "HTTPS" && port == Some(443.0) {
            https_443.get_or_insert(svc);
        }
        match out.iter_mut().find(|(s, _)| s.address() == svc.address()) {
            Some((_, ls)) => ls.push(l),
            None => out.push((svc, vec![l])),
        }
    }
    if out.len() < 2 {
        return None;
    }
    let to = https_443.unwrap_or(out[0].0).address().to_string();
    if let Some((_, ls)) = out.iter_mut().find(|(s, _)| s.address() == to) {
        ls.extend(rest);
    }
    Some(out)
}

/// Records the load balancer pieces a failed service would have folded in, so each keeps an
/// outcome.
pub(super) fn absorb_load_balancers(
    cx: &mut Cx<'_>,
    r: &Resource,
    targets: &[LbTarget<'_>],
    into: Option<&str>,
) {
    for t in targets {
        for l in lbs_of_tg(cx, t.tg) {
            if !lb::targets_workloads(cx, l) || cx.st.outcomes.contains_key(l.address()) {
                continue;
            }
            for piece in lb_pieces(cx, l) {
                let note = format!(
                    "part of the load balancer of `{}`, which was not mapped (see its diagnostics)",
                    r.address()
                );
                match into {
                    Some(a) => cx.absorb(piece, a, note),
                    None => {
                        cx.st.outcomes.insert(
                            piece.address().to_string(),
                            OutcomeRec {
                                outcome: Outcome::Unsupported,
                                targets: vec![],
                                note: Some(note),
                            },
                        );
                    }
                }
            }
        }
    }
}

/// The load balancer, its listeners, their rules and certificates, and the target groups its
/// listeners forward to.
pub(super) fn lb_pieces<'a>(cx: &Cx<'a>, lbr: &'a Resource) -> Vec<&'a Resource> {
    let mut out: Vec<&'a Resource> = vec![lbr];
    let push = |r: &'a Resource, out: &mut Vec<&'a Resource>| {
        if !out.iter().any(|x| x.address() == r.address()) {
            out.push(r);
        }
    };
    for l in lb::referencing(cx, LISTENER_TYPES, "load_balancer_arn", lbr) {
        push(l, &mut out);
        for a in hclx::blocks(&l.body, "default_action") {
            for e in lb::forward_targets(&a) {
                if let Some(tg) = cx
                    .resolve_ref(&e)
                    .filter(|t| TG_TYPES.contains(&t.ty.as_str()))
                {
                    push(tg, &mut out);
                }
            }
        }
        for lr in lb::referencing(cx, LISTENER_RULE_TYPES, "listener_arn", l) {
            push(lr, &mut out);
            for a in hclx::blocks(&lr.body, "action") {
                for e in lb::forward_targets(&a) {
                    if let Some(tg) = cx
                        .resolve_ref(&e)
                        .filter(|t| TG_TYPES.contains(&t.ty.as_str()))
                    {
                        push(tg, &mut out);
                    }
                }
            }
        }
        for lc in lb::referencing(cx, LISTENER_CERT_TYPES, "listener_arn", l) {
            push(lc, &mut out);
        }
    }
    out
}

/// Objects that accompany a Deployment keep none of the service's meta-arguments: its
/// `depends_on` (often the listener that became this very Service) and `lifecycle` speak of
/// the ECS service.
pub(super) fn plain_meta(cx: &mut Cx<'_>, addr: &str) {
    if let Some(e) = cx.emitted_mut(addr) {
        e.meta = Meta::default();
    }
}

/// A ClusterIP Service for the workload's container ports (none when it exposes no port).
pub(super) fn cluster_ip_service(
    cx: &mut Cx<'_>,
    r: &Resource,
    app: &str,
    pod: &PodSpec,
    ns: Expression,
) -> Option<String> {
    let mut ports = Vec::new();
    for c in &pod.containers {
        for p in &c.ports {
            let name = p.name.clone().unwrap_or_else(|| {
                let n = match cx.eval.number(&p.container_port) {
                    Some(n) => (n.round() as i64).to_string(),
                    None => (ports.len() + 1).to_string(),
                };
                format!("{}-{n}", p.protocol.to_ascii_lowercase())
            });
            if ports.iter().any(|x: &k8s::ServicePort| x.name == name) {
                continue;
            }
            ports.push(k8s::ServicePort {
                name,
                port: p.container_port.clone(),
                target_port: stringify(p.container_port.clone()),
                protocol: p.protocol,
                when: None,
            });
        }
    }
    if ports.is_empty() {
        return None;
    }
    let body = k8s::service(app, ns, &ports, None, None, vec![]);
    let addr = cx.emit_as(r, Mode::Managed, "kubernetes_service_v1", &r.name, body);
    plain_meta(cx, &addr);
    Some(addr)
}

/// The Service of type LoadBalancer standing for a workload load balancer.
pub(super) fn lb_service(
    cx: &mut Cx<'_>,
    r: &Resource,
    lbr: &Resource,
    app: &str,
    targets: &[LbTarget<'_>],
    ns: Expression,
) -> String {
    let network = cx
        .str(lbr, "load_balancer_type")
        .is_some_and(|t| t == "network");
    let mut ann: Vec<(String, Expression)> = Vec::new();
    let a = |k: &str| format!("service.beta.kubernetes.io/do-loadbalancer-{k}");
    let lb_name_origin = cx.expr(lbr, "name").or_else(|| {
        cx.expr(lbr, "name_prefix").map(|p| match p {
            Expression::String(v) => s(v.trim_end_matches('-')),
            other => other,
        })
    });
    // Split by port between services (#294): this service's listeners, and a name of its own.
    let split = port_split(cx, lbr);
    let mine: Option<Vec<String>> = split.as_ref().map(|v| {
        v.iter()
            .filter(|(s, _)| s.address() == r.address())
            .flat_map(|(_, ls)| ls.iter().map(|l| l.address().to_string()))
            .collect()
    });
    let lb_name_origin = match (&split, lb_name_origin) {
        (None, o) => o,
        (Some(_), Some(Expression::String(v))) => Some(s(&format!("{v}-{app}"))),
        (Some(_), Some(e)) => Some(hclx::template(format!(
            "{}-{app}",
            hclx::to_template_part(&e)
        ))),
        (Some(_), None) => Some(s(&format!("{}-{app}", k8s::dns_label(&lbr.name, "lb")))),
    };
    let lb_name = cx.unique_name(lbr, lb_name_origin, &lbr.name);
    ann.push((a("name"), lb_name.clone()));
    if network {
        ann.push((a("type"), s("REGIONAL_NETWORK")));
    }
    if cx.bool(lbr, "internal") == Some(true) {
        ann.push((a("network"), s("INTERNAL")));
    }

    let mut ports: Vec<k8s::ServicePort> = Vec::new();
    // TLS ports, each with the condition of the deployment under which its listener exists
    // (`None`: always).
    let mut tls_ports: Vec<(String, Option<Expression>)> = Vec::new();
    let mut redirect_ports: Vec<String> = Vec::new();
    let mut cert: Option<(Expression, Option<Expression>)> = None;
    // The conditions under which listeners redirect HTTP to HTTPS (`None`: always).
    let mut redirects: Vec<Option<Expression>> = Vec::new();
    // Listeners that exist only as the deployment decides: their notes.
    let mut toggled: Vec<(String, Expression)> = Vec::new();
    let mut sticky: Option<Expression> = None;
    let mut proxy = false;
    let default_target = targets
        .first()
        .map(|t| numeric(cx, t.port.clone()))
        .unwrap_or(num(80));
    let listeners: Vec<&Resource> = lb::referencing(cx, LISTENER_TYPES, "load_balancer_arn", lbr)
        .into_iter()
        .filter(|l| {
            mine.as_ref()
                .is_none_or(|m| m.iter().any(|a| a == l.address()))
        })
        .collect();
    for l in &listeners {
        let proto = cx
            .str(l, "protocol")
            .map(|p| p.to_ascii_uppercase())
            .unwrap_or_else(|| if network { "TCP" } else { "HTTP" }.into());
        let tls = proto == "HTTPS" || proto == "TLS";
        let port = cx
            .expr(l, "port")
            .map(|e| numeric(cx, e))
            .unwrap_or(num(if tls { 443 } else { 80 }));
        let when = listener_when(cx, lbr, l);
        if let Some(c) = &when {
            toggled.push((l.address().to_string(), c.clone()));
        }
        let mut target: Option<Expression> = None;
        // The port only answers the HTTP → HTTPS redirect.
        let mut via_redirect = false;
        for act in hclx::blocks(&l.body, "default_action") {
            let ty = hclx::attr(&act, "type")
                .and_then(|e| cx.eval.string(e))
                .unwrap_or_default();
            // `type = var.cert != "" ? "redirect" : "forward"`: the deployment chooses.
            let chosen = hclx::attr(&act, "type").and_then(|e| lb::chosen_action(cx, e));
            match &chosen {
                // Forwards at the defaults, redirects when the condition holds.
                Some((c, alt)) if ty == "forward" && alt == "redirect" && proto == "HTTP" => {
                    if lb::redirect_protocol(cx, l).as_deref() == Some("HTTPS") {
                        redirects.push(lb::both(when.clone(), Some(c.clone())));
                    } else {
                        lb::conditional_redirect_lost(cx, l, c);
                    }
                }
                _ => {}
            }
            match ty.as_str() {
                "forward" => {
                    let tg = lb::forward_targets(&act)
                        .first()
                        .and_then(|e| cx.resolve_ref(e));
                    if let Some(tg) = tg {
                        match targets.iter().find(|t| t.tg.address() == tg.address()) {
                            Some(t) => {
                                target = Some(numeric(cx, t.port.clone()));
                                if let Some(st) = sticky_of(cx, tg) {
                                    sticky = Some(st);
                                }
                                proxy |= cx.bool(tg, "proxy_protocol_v2") == Some(true);
                            }
                            None => warn(
                                cx,
                                Code::FeatureUnsupported,
                                l,
                                "default_action",
                                format!(
                                    "`{}` forwards to `{}`, a target group of another workload; the load balancer became the Service of `{}`, so this listener is lost",
                                    l.address(),
                                    tg.address(),
                                    r.address()
                                ),
                                "give each workload its own load balancer, or route with an ingress controller on DOKS",
                            ),
                        }
                    }
                }
                "fixed-response"
                    if lb::fixed_response_fallback(cx, l).is_some_and(|tg| {
                        targets.iter().any(|t| t.tg.address() == tg.address())
                    }) =>
                {
                    // Requests no rule matches: the Service forwards everything to the workload
                    // the first rule forwards to (a DigitalOcean load balancer cannot answer by
                    // itself).
                    if let Some(tg) = lb::fixed_response_fallback(cx, l)
                        && let Some(t) = targets.iter().find(|t| t.tg.address() == tg.address())
                    {
                        target = Some(numeric(cx, t.port.clone()));
                        if let Some(st) = sticky_of(cx, tg) {
                            sticky = Some(st);
                        }
                        proxy |= cx.bool(tg, "proxy_protocol_v2") == Some(true);
                        warn(
                            cx,
                            Code::FeatureUnsupported,
                            l,
                            "default_action",
                            format!(
                                "`{}` answers requests no rule matches with a fixed response; a DigitalOcean load balancer only forwards, so every request on port {} reaches `{}` (the target of its first routing rule)",
                                l.address(),
                                hclx::inline(&port),
                                r.address()
                            ),
                            "serve the fixed response (for unknown hosts or paths) from the application, or route with an ingress controller on DOKS",
                        );
                    }
                }
                "redirect" => {
                    let rd = hclx::blocks(&act, "redirect")
                        .into_iter()
                        .next()
                        .unwrap_or_default();
                    let to = hclx::attr(&rd, "protocol")
                        .and_then(|e| cx.eval.string(e))
                        .unwrap_or_default()
                        .to_ascii_uppercase();
                    if to == "HTTPS" && proto == "HTTP" {
                        match &chosen {
                            None => {
                                redirects.push(when.clone());
                                via_redirect = true;
                            }
                            // Redirects at the defaults only, does something else when the
                            // condition holds: the port stays either way.
                            Some((c, _)) => {
                                redirects.push(lb::both(when.clone(), Some(lb::not(c.clone()))));
                            }
                        }
                        target = Some(default_target.clone());
                    } else {
                        warn(
                            cx,
                            Code::FeatureUnsupported,
                            l,
                            "default_action",
                            format!(
                                "`{}` redirects in a way DigitalOcean load balancers cannot (they redirect HTTP on port 80 to HTTPS only)",
                                l.address()
                            ),
                            "redirect in the application",
                        );
                    }
                }
                other => warn(
                    cx,
                    Code::FeatureUnsupported,
                    l,
                    "default_action",
                    format!(
                        "`{}` has a `{other}` default action, which a DigitalOcean load balancer cannot perform; the listener is lost",
                        l.address()
                    ),
                    "handle it in the application or an ingress controller on DOKS",
                ),
            }
        }
        let Some(target) = target else {
            continue;
        };
        if tls {
            tls_ports.push((hclx::inline(&port), when.clone()));
            if let Some(c) = cx
                .expr(l, "certificate_arn")
                .filter(|e| !matches!(e, Expression::Null))
            {
                let ok = cx.resolve_ref(&c).is_some_and(|t| {
                    t.ty == "aws_acm_certificate" || t.ty == "aws_acm_certificate_validation"
                });
                if ok {
                    match &cert {
                        Some((prev, _)) if hclx::inline(prev) != hclx::inline(&c) => warn(
                            cx,
                            Code::FeatureUnsupported,
                            l,
                            "certificate_arn",
                            format!(
                                "`{}` serves another certificate than the other HTTPS listeners; the Service's load balancer serves one",
                                l.address()
                            ),
                            "use one certificate that covers every name",
                        ),
                        Some(_) => {}
                        None => cert = Some((c, when.clone())),
                    }
                } else if cert.is_none() && cx.resolve_ref(&c).is_none() && cx.deploy_decides(&c) {
                    // `certificate_arn = var.alb_certificate_arn`: each deployment names its
                    // certificate, a DigitalOcean one now.
                    warn(
                        cx,
                        Code::FeatureUnsupported,
                        l,
                        "certificate_arn",
                        format!(
                            "the certificate of `{}` is `{}`, which each deployment sets: it became the Service's `do-loadbalancer-certificate-name`, so it must be the name of a DigitalOcean certificate, not an ARN",
                            l.address(),
                            hclx::inline(&c)
                        ),
                        "set it to the name of a certificate of the customer's DigitalOcean account, or declare the certificate as an `aws_acm_certificate` in the origin",
                    );
                    cert = Some((c, when.clone()));
                } else {
                    warn(
                        cx,
                        Code::FeatureUnsupported,
                        l,
                        "certificate_arn",
                        format!(
                            "the certificate of `{}` is not an `aws_acm_certificate` of the stack; the Service needs the name of a DigitalOcean certificate",
                            l.address()
                        ),
                        "declare the certificate as an `aws_acm_certificate` in the origin, or set the `do-loadbalancer-certificate-name` annotation in the deployment stack",
                    );
                }
            }
        }
        let pname = match proto.as_str() {
            "HTTPS" | "TLS" => "https",
            "UDP" => "udp",
            "TCP" | "TCP_UDP" => "tcp",
            _ => "http",
        };
        let mut name = pname.to_string();
        if ports.iter().any(|p| p.name == name) {
            name = format!("{pname}-{}", hclx::inline(&port));
        }
        if via_redirect {
            redirect_ports.push(name.clone());
        }
        ports.push(k8s::ServicePort {
            name,
            port,
            target_port: stringify(target),
            protocol: if proto == "UDP" { "UDP" } else { "TCP" },
            when,
        });
    }
    // DigitalOcean redirects to port 443: the redirect holds when a listener redirects and the
    // TLS port 443 exists.
    let tls_443 = tls_ports
        .iter()
        .find(|(p, _)| p == "443")
        .map(|(_, w)| w.clone());
    let mut redirect: Option<Option<Expression>> = match &tls_443 {
        Some(w) if !redirects.is_empty() => Some(lb::both(lb::any_of(&redirects), w.clone())),
        _ => None,
    };
    if !redirects.is_empty() && tls_443.is_none() {
        // DigitalOcean redirects to port 443: without TLS there, nobody would answer; the
        // ports that only redirected go too.
        warn(
            cx,
            Code::FeatureUnsupported,
            lbr,
            "name",
            format!(
                "`{}` redirects HTTP to HTTPS but nothing forwards HTTPS on port 443, where DigitalOcean redirects to; the redirect was left out",
                lbr.address()
            ),
            "add an HTTPS listener on port 443 that forwards to the service's target group",
        );
        redirect = None;
        ports.retain(|p| !redirect_ports.contains(&p.name));
    }
    // A Service needs a port whatever the deployment sets.
    if ports.iter().all(|p| p.when.is_some())
        && !ports.iter().any(|p| hclx::inline(&p.port) == "80")
    {
        ports.push(k8s::ServicePort {
            name: "http".into(),
            port: num(80),
            target_port: stringify(default_target),
            protocol: "TCP",
            when: None,
        });
    }
    // Annotations that hold only under a condition of the deployment, by condition.
    let mut when_ann: Vec<(Expression, Vec<(String, Expression)>)> = Vec::new();
    let mut put = |ann: &mut Vec<(String, Expression)>,
                   when: Option<Expression>,
                   k: String,
                   v: Expression| match when {
        None => ann.push((k, v)),
        Some(c) => match when_ann
            .iter_mut()
            .find(|(x, _)| hclx::inline(x) == hclx::inline(&c))
        {
            Some((_, group)) => group.push((k, v)),
            None => when_ann.push((c, vec![(k, v)])),
        },
    };
    if !network {
        ann.push((a("protocol"), s("http")));
    }
    if !tls_ports.is_empty() {
        let whens: Vec<Option<Expression>> = tls_ports.iter().map(|(_, w)| w.clone()).collect();
        let all = lb::any_of(&whens);
        let same = whens
            .iter()
            .all(|w| w.as_ref().map(hclx::inline) == all.as_ref().map(hclx::inline));
        // A port is a number or the text of an expression (`var.streaming_port`), which the
        // annotation interpolates.
        let literal = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
        let part = |p: &str| match literal(p) {
            true => p.to_string(),
            false => format!("${{{p}}}"),
        };
        let port_expr = |p: &str| match literal(p) {
            true => s(p),
            false => hclx::template(part(p)),
        };
        let value = if same {
            let parts = tls_ports
                .iter()
                .map(|(p, _)| part(p))
                .collect::<Vec<_>>()
                .join(",");
            match tls_ports.iter().all(|(p, _)| literal(p)) {
                true => s(&parts),
                false => hclx::template(parts),
            }
        } else {
            // Ports of listeners toggled differently: the list holds those that exist.
            let items = tls_ports
                .iter()
                .map(|(p, w)| match w {
                    None => port_expr(p),
                    Some(c) => Expression::Conditional(Box::new(hcl::expr::Conditional::new(
                        c.clone(),
                        port_expr(p),
                        s(""),
                    ))),
                })
                .collect();
            call(
                "join",
                vec![s(","), call("compact", vec![Expression::Array(items)])],
            )
        };
        put(&mut ann, all, a("tls-ports"), value);
    }
    if let Some((c, when)) = &cert {
        put(&mut ann, when.clone(), a("certificate-name"), c.clone());
        if lb::is_stack_certificate(cx, c) {
            put(
                &mut ann,
                when.clone(),
                a("disable-lets-encrypt-dns-records"),
                s("true"),
            );
        }
    }
    if let Some(when) = redirect {
        put(&mut ann, when, a("redirect-http-to-https"), s("true"));
    }
    let mut spec_extra = Vec::new();
    if let Some(cookie_ttl) = &sticky {
        ann.push((a("sticky-sessions-type"), s("cookies")));
        ann.push((a("sticky-sessions-cookie-name"), s(lb_dns::STICKY_COOKIE)));
        ann.push((a("sticky-sessions-cookie-ttl"), cookie_ttl.clone()));
        spec_extra.push(("external_traffic_policy", s("Local")));
    }
    if proxy {
        ann.push((a("enable-proxy-protocol"), s("true")));
    }
    if let Some(t) = cx.num(lbr, "idle_timeout") {
        let (lo, hi) = lb_dns::IDLE_TIMEOUT;
        let v = (t.round() as i64).clamp(lo, hi);
        ann.push((a("http-idle-timeout-seconds"), s(&v.to_string())));
    }
    if !network {
        ann.push((a("size-unit"), s("1")));
    } else if let Some(p) = ports
        .iter()
        .find(|p| hclx::inline(&p.port) != hclx::inline(&numeric(cx, p.target_port.clone())))
    {
        let msg = format!(
            "`{}` is a network load balancer listening on {} for container port {}; a DigitalOcean network load balancer of a Service needs the same port on both sides",
            lbr.address(),
            hclx::inline(&p.port),
            hclx::inline(&p.target_port)
        );
        warn(
            cx,
            Code::FeatureUnsupported,
            lbr,
            "load_balancer_type",
            msg,
            "listen on the container port, or use an application load balancer",
        );
    }
    if hclx::attr(&lbr.body, "security_groups").is_some() {
        cx.diag(
            Diagnostic::new(
                Code::FeatureUnsupported,
                format!("`{}`: the security groups of the load balancer are not carried over; the Service's load balancer accepts traffic from anywhere", lbr.address()),
            )
            .at(lbr.loc_of("security_groups"))
            .resource(lbr.address())
            .help("restrict sources with `spec.load_balancer_source_ranges` of the Service in the deployment stack"),
        );
    }
    let annotations = if when_ann.is_empty() {
        k8s::map(ann)
    } else {
        // `merge({ … }, var.cert != "" ? { tls-ports = "443" } : {})`.
        let mut args = vec![k8s::map(ann)];
        for (c, group) in when_ann {
            args.push(Expression::Conditional(Box::new(
                hcl::expr::Conditional::new(
                    c,
                    k8s::map(group),
                    Expression::Object(Default::default()),
                ),
            )));
        }
        call("merge", args)
    };
    let body = k8s::service(
        app,
        ns,
        &ports,
        Some("LoadBalancer"),
        Some(annotations),
        spec_extra,
    );
    let addr = cx.emit_as(r, Mode::Managed, "kubernetes_service_v1", &r.name, body);
    plain_meta(cx, &addr);
    // The load balancer and its pieces fold into the Service (split by port: this service's
    // listeners and their groups; the load balancer into every share).
    let mut pieces = lb_pieces(cx, lbr);
    if let Some(m) = &mine {
        let groups: Vec<String> = listeners
            .iter()
            .flat_map(|l| hclx::blocks(&l.body, "default_action"))
            .flat_map(|a| lb::forward_targets(&a))
            .filter_map(|e| cx.resolve_ref(&e).map(|t| t.address().to_string()))
            .collect();
        pieces.retain(|p| {
            p.address() == lbr.address()
                || m.iter().any(|a| a == p.address())
                || groups.iter().any(|g| g == p.address())
                || (LISTENER_CERT_TYPES.contains(&p.ty.as_str())
                    && listeners.iter().any(|l| {
                        hclx::attr(&p.body, "listener_arn")
                            .and_then(|e| cx.resolve_ref(e))
                            .is_some_and(|x| x.address() == l.address())
                    }))
        });
    }
    for p in pieces {
        if p.address() == lbr.address()
            && mine.is_some()
            && let Some(rec) = cx.st.outcomes.get_mut(lbr.address())
        {
            rec.targets.push(addr.clone());
            if let Some(n) = rec.note.as_mut() {
                n.push_str(&format!(
                    "; and the Service of type LoadBalancer of `{}`",
                    r.address()
                ));
            }
            continue;
        }
        if p.address() == lbr.address() {
            cx.absorb(
                p,
                &addr,
                format!(
                    "became the Service of type LoadBalancer of `{}` (the DOKS cloud controller creates the DigitalOcean load balancer); references to `dns_name` become the Service's load balancer IP",
                    r.address()
                ),
            );
        } else if LISTENER_RULE_TYPES.contains(&p.ty.as_str()) {
            // A rule that answers by itself (`/metrics` → 403) is an access control: lost.
            let blocked = lb::access_control_lost(cx, p, &format!("`{}`", r.address()));
            if !blocked {
                warn(
                    cx,
                    Code::FeatureUnsupported,
                    p,
                    "condition",
                    format!(
                        "`{}` routes requests by path or host; a Service of type LoadBalancer has no routing rules, so this traffic goes to `{}`",
                        p.address(),
                        r.address()
                    ),
                    "route by path or host with an ingress controller on DOKS",
                );
            }
            cx.absorb(
                p,
                &addr,
                if blocked {
                    "access control lost: a Service of type LoadBalancer has no listener rules, so the requests this rule answered itself reach the service (see the F333 warning)"
                } else {
                    "routing rule lost: a Service of type LoadBalancer has no listener rules"
                },
            );
        } else if TG_TYPES.contains(&p.ty.as_str()) {
            cx.absorb(
                p,
                &addr,
                "its port is the Service's target port; its health check became the container's readiness probe",
            );
        } else if let Some((_, c)) = toggled.iter().find(|(a, _)| a == p.address()) {
            cx.absorb(
                p,
                &addr,
                format!(
                    "a port of the Service (with DigitalOcean load balancer annotations) only when `{}` holds, as its `count` decides",
                    hclx::inline(c)
                ),
            );
        } else {
            cx.absorb(
                p,
                &addr,
                "a port of the Service (with DigitalOcean load balancer annotations)",
            );
        }
        for attr in ["arn", "id", "arn_suffix"] {
            cx.export(
                p,
                attr,
                Export::Unmapped(
                    format!("it is part of the Kubernetes Service `{addr}`, which has no ARN")
                        .into(),
                ),
            );
        }
    }
    let first_share = split
        .as_ref()
        .is_none_or(|v| v[0].0.address() == r.address());
    if first_share {
        cx.export(
            lbr,
            "dns_name",
            Export::Tmpl {
                target: addr.clone(),
                tmpl: "$T.status[0].load_balancer[0].ingress[0].ip".into(),
            },
        );
        cx.export(lbr, "name", Export::Expr(lb_name));
    }
    if let Some(v) = split.as_ref().filter(|_| first_share) {
        let shares: Vec<String> = v
            .iter()
            .map(|(svc, ls)| {
                let ports: Vec<String> = ls
                    .iter()
                    .map(|l| {
                        cx.expr(l, "port")
                            .map(|e| match cx.eval.string(&e) {
                                Some(p) => p,
                                None => format!("`{}`", hclx::inline(&e)),
                            })
                            .unwrap_or_else(|| format!("`{}`", l.address()))
                    })
                    .collect();
                format!("port(s) {} → `{}`", ports.join(", "), svc.address())
            })
            .collect();
        warn(
            cx,
            Code::FeatureUnsupported,
            lbr,
            "name",
            format!(
                "`{}` forwards by port to {} services ({}): each became a Service of type LoadBalancer with its listeners, a DigitalOcean load balancer of its own with its own IP address (named after this one and the workload); references to its `dns_name` read the first's (`{addr}`)",
                lbr.address(),
                v.len(),
                shares.join("; ")
            ),
            "point the DNS name of each port's service at its Service's address (each listener's clients must use that address), or route by host with an ingress controller on DOKS to keep one address",
        );
    }
    for attr in ["zone_id", "ipv6"] {
        cx.export(
            lbr,
            attr,
            Export::Unmapped(
                "the load balancer of a Kubernetes Service has an IPv4 address only (an alias record to it becomes an A record)".into(),
            ),
        );
    }
    cx.diag(
        Diagnostic::new(
            Code::WorkloadLoadBalancer,
            format!(
                "`{}` {} `{}`: {} the Service `{addr}` of type LoadBalancer, whose DigitalOcean load balancer the DOKS cloud controller creates ({} port(s))",
                lbr.address(),
                if mine.is_some() {
                    "forwards some of its ports to"
                } else {
                    "serves only"
                },
                r.address(),
                if mine.is_some() {
                    "those listeners became"
                } else {
                    "it became"
                },
                ports.len()
            ),
        )
        .at(lbr.loc.clone())
        .resource(lbr.address())
        .help("a digitalocean_loadbalancer cannot send traffic to pods; tune the load balancer with `service.beta.kubernetes.io/do-loadbalancer-*` annotations of the Service"),
    );
    addr
}

/// The condition under which a listener of `lbr` exists when the deployment decides it
/// (`count = var.cert != "" ? 1 : 0`, a root variable each appliance may set): `None` when it
/// always exists (no `count`, one no variable of the deployment decides, or the load
/// balancer's own, which stands for the whole Service).
fn listener_when(cx: &Cx<'_>, lbr: &Resource, l: &Resource) -> Option<Expression> {
    let count = l.meta.count.as_ref()?;
    let same_as_lb = lbr.meta.count.as_ref().map(hclx::inline) == Some(hclx::inline(count));
    if same_as_lb || !cx.deploy_decides(count) {
        return None;
    }
    Some(lb::count_condition(count))
}

fn call(name: &str, args: Vec<Expression>) -> Expression {
    let mut f = hcl::expr::FuncCall::new(hcl::Identifier::unchecked(name));
    f.args = args;
    Expression::FuncCall(Box::new(f))
}

/// Stickiness of a target group: the cookie TTL annotation value.
pub(super) fn sticky_of(cx: &Cx<'_>, tg: &Resource) -> Option<Expression> {
    let st = hclx::blocks(&tg.body, "stickiness").into_iter().next()?;
    if hclx::attr(&st, "enabled").and_then(|e| cx.eval.bool(e)) == Some(false) {
        return None;
    }
    let ttl = hclx::attr(&st, "cookie_duration")
        .and_then(|e| cx.eval.number(e))
        .map(|v| v.round() as i64)
        .unwrap_or(86400);
    Some(s(&ttl.to_string()))
}
