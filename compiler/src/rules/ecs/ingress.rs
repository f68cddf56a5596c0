//! One ALB in front of several ECS services → an NGINX Ingress routing by host and path, when
//! every listener rule is a plain forward an Ingress can express.

use super::{
    SERVICE, bind_body, instance_name, join_quoted, lb_pieces, load_balancer_blocks, num,
    plain_meta, s, service_instances, sticky_of, warn,
};
use super::{k8s, lb};
use crate::diag::{Code, Diagnostic};
use crate::hclx;
use crate::origin::{Mode, Resource};
use crate::out::OutBody;
use crate::rules::lb::{LISTENER_RULE_TYPES, LISTENER_TYPES, TG_TYPES};
use crate::rules::{Cx, Export};
use hcl::expr::TraversalOperator as Op;
use hcl::{Body, Expression, Value};

/// A listener rule as Ingress rules: its hosts (none: any host) and paths (`(path, path_type)`;
/// none: `/` Prefix), and the service its single forward action reaches.
struct IngressRule<'a> {
    rule: &'a Resource,
    /// The rule's address as diagnostics name it (`aws_lb_listener_rule.public["api"]` for an
    /// instance of a repeated rule).
    addr: String,
    priority: i64,
    hosts: Vec<String>,
    paths: Vec<(String, &'static str)>,
    /// Host and path patterns Kubernetes cannot express (left out, with a warning).
    lost: Vec<String>,
    svc: &'a Resource,
    /// The service's instance (its key) when it repeats.
    key: Option<Value>,
    port: i64,
}

/// A backend of the Ingress: an ECS service (the instance `key` of a repeated one, split into
/// one workload per instance) and its container port.
type Backend<'a> = (&'a Resource, Option<Value>, i64);

/// How a workload load balancer that routes to several ECS services becomes an Ingress.
pub(super) struct IngressPlan<'a> {
    rules: Vec<IngressRule<'a>>,
    default: Option<Backend<'a>>,
    /// Listeners whose default action is a fixed response: requests no rule matches get the
    /// ingress controller's 404 (no default backend).
    fixed: Vec<&'a Resource>,
    services: Vec<(&'a Resource, Option<Value>)>,
    tls: Vec<&'a Resource>,
}

/// `aws_ecs_service.x` or, for an instance, `aws_ecs_service.x["api"]`.
fn instance_address(r: &Resource, key: Option<&Value>) -> String {
    match key {
        Some(Value::String(k)) => format!("{}[{k:?}]", r.address()),
        Some(k) => format!("{}[{k}]", r.address()),
        None => r.address().to_string(),
    }
}

/// The instance key of a reference to a repeated resource (`aws_lb_target_group.svc["api"].arn`
/// → `"api"`).
fn instance_key(e: &Expression) -> Option<&Expression> {
    match hclx::traversal_root(e)? {
        (_, [Op::GetAttr(_), Op::Index(i), ..]) => Some(i),
        _ => None,
    }
}

/// The ECS service registered in a target group (the instance `key` of a repeated one), and its
/// container port there. A repeated service answers with the instance whose `load_balancer`
/// names that instance of the group (`aws_lb_target_group.public[each.key]` bound to `"api"`),
/// when it is split into one workload per instance ([`service_instances`]).
fn service_of_tg<'a>(cx: &Cx<'a>, tg: &Resource, key: Option<&Expression>) -> Option<Backend<'a>> {
    let key_value = key.map(|k| cx.eval.value(k));
    for svc in cx.origin_of_type(SERVICE) {
        if svc.meta.is_repeated() {
            let Some(instances) = service_instances(cx, svc) else {
                continue;
            };
            for (k, bound) in instances {
                for b in hclx::blocks(&bound.body, "load_balancer") {
                    let Some(x) = hclx::attr(&b, "target_group_arn") else {
                        continue;
                    };
                    let same_key = match (instance_key(x), &key_value) {
                        (None, None) => true,
                        (Some(i), Some(Some(want))) => cx.eval.value(i).as_ref() == Some(want),
                        _ => false,
                    };
                    if same_key
                        && cx
                            .resolve_ref(x)
                            .is_some_and(|t| t.address() == tg.address())
                    {
                        let port =
                            hclx::attr(&b, "container_port").and_then(|e| cx.eval.number(e))?;
                        return Some((svc, Some(k), port.round() as i64));
                    }
                }
            }
            continue;
        }
        for b in load_balancer_blocks(svc) {
            if let Some(x) = hclx::attr(&b, "target_group_arn")
                && cx
                    .resolve_ref(x)
                    .is_some_and(|t| t.address() == tg.address())
                && instance_key(x) == key
            {
                let port = hclx::attr(&b, "container_port").and_then(|e| cx.eval.number(e))?;
                return Some((svc, None, port.round() as i64));
            }
        }
    }
    None
}

/// The single forward target of an action (`None` for any other action, or a weighted one).
fn single_forward<'a>(cx: &Cx<'a>, action: &Body) -> Option<Backend<'a>> {
    let ty = hclx::attr(action, "type").and_then(|e| cx.eval.string(e))?;
    if ty != "forward" {
        return None;
    }
    let targets = lb::forward_targets(action);
    let [one] = targets.as_slice() else {
        return None;
    };
    let tg = cx
        .resolve_ref(one)
        .filter(|t| TG_TYPES.contains(&t.ty.as_str()))?;
    service_of_tg(cx, tg, instance_key(one))
}

/// The strings of a `values` list known at compile time.
fn string_values(cx: &Cx<'_>, body: &Body) -> Option<Vec<String>> {
    match cx.eval.value(hclx::attr(body, "values")?)? {
        Value::Array(items) => items
            .iter()
            .map(|v| match v {
                Value::String(s) => Some(s.clone()),
                _ => None,
            })
            .collect(),
        _ => None,
    }
}

/// An ALB path pattern as an Ingress path: a literal path matches exactly, `/prefix/*` is a
/// Prefix match (as an API Gateway `{proxy+}` parameter is, `lambda::ingress_path`); `None`
/// for what an Ingress cannot express (`?`, a `*` elsewhere, `/api*`).
pub(super) fn alb_ingress_path(p: &str) -> Option<(String, &'static str)> {
    if p == "*" || p == "/*" {
        return Some(("/".into(), "Prefix"));
    }
    if !p.starts_with('/') || p.contains('?') {
        return None;
    }
    if let Some(prefix) = p.strip_suffix("/*") {
        if prefix.contains('*') || prefix.contains('{') {
            return None;
        }
        return Some(crate::rules::lambda::ingress_path(&format!(
            "{prefix}/{{proxy+}}"
        )));
    }
    if p.contains('*') || p.contains('{') {
        return None;
    }
    Some((p.to_string(), "Exact"))
}

/// An ALB host pattern as an Ingress host: literal, or `*.` followed by a literal domain.
pub(super) fn alb_ingress_host(h: &str) -> Option<String> {
    let rest = h.strip_prefix("*.").unwrap_or(h);
    (!rest.is_empty() && !rest.contains('*') && !rest.contains('?')).then(|| h.to_ascii_lowercase())
}

/// One listener rule (or one instance of a repeated rule, `body` bound to it) as an Ingress
/// rule; `None` when it is not understood (see [`ingress_plan`]).
fn ingress_rule<'a>(
    cx: &Cx<'a>,
    lr: &'a Resource,
    addr: String,
    body: &Body,
) -> Option<IngressRule<'a>> {
    let actions = hclx::blocks(body, "action");
    let [action] = actions.as_slice() else {
        return None;
    };
    let (svc, key, port) = single_forward(cx, action)?;
    let priority = match hclx::attr(body, "priority") {
        Some(e) => cx.eval.number(e)?.round() as i64,
        None => i64::MAX,
    };
    let mut rule = IngressRule {
        rule: lr,
        addr,
        priority,
        hosts: Vec::new(),
        paths: Vec::new(),
        lost: Vec::new(),
        svc,
        key,
        port,
    };
    let mut host_cond = false;
    let mut path_cond = false;
    for c in hclx::blocks(body, "condition") {
        if c.attributes().next().is_some() {
            return None;
        }
        for b in c.blocks() {
            let values = string_values(cx, &b.body)?;
            match b.identifier() {
                "host_header" if !host_cond => {
                    host_cond = true;
                    for v in values {
                        match alb_ingress_host(&v) {
                            Some(h) => rule.hosts.push(h),
                            None => rule.lost.push(v),
                        }
                    }
                }
                "path_pattern" if !path_cond => {
                    path_cond = true;
                    for v in values {
                        match alb_ingress_path(&v) {
                            Some(p) => {
                                if !rule.paths.contains(&p) {
                                    rule.paths.push(p);
                                }
                            }
                            None => rule.lost.push(v),
                        }
                    }
                }
                _ => return None,
            }
        }
    }
    if !host_cond && !path_cond {
        return None;
    }
    // A condition whose every pattern was left out matches nothing the Ingress can say.
    if (host_cond && rule.hosts.is_empty()) || (path_cond && rule.paths.is_empty()) {
        rule.hosts.clear();
        rule.paths.clear();
    }
    Some(rule)
}

/// The Ingress plan of a workload load balancer whose listeners forward to several ECS
/// services (or instances of a repeated service split into one workload each) by path or
/// host; `None` (today's Service of type LoadBalancer for the first service) for a single
/// service, a network load balancer, or anything not understood: a listener other than
/// HTTP/HTTPS, a default action other than a single forward or a fixed response, a rule
/// action that is not a single forward, conditions other than `path_pattern`/`host_header`,
/// values, priorities or rule instances not known at compile time, a repeated service whose
/// instances are not split.
pub(super) fn ingress_plan<'a>(cx: &Cx<'a>, lbr: &Resource) -> Option<IngressPlan<'a>> {
    if !lb::targets_workloads(cx, lbr)
        || hclx::attr(&lbr.body, "load_balancer_type")
            .and_then(|e| cx.eval.string(e))
            .is_some_and(|t| t != "application")
        // An internal ALB stays private as today's Service; the controller's is public.
        || hclx::attr(&lbr.body, "internal").and_then(|e| cx.eval.bool(e)) == Some(true)
    {
        return None;
    }
    let listeners = lb::referencing(cx, LISTENER_TYPES, "load_balancer_arn", lbr);
    if listeners.is_empty() {
        return None;
    }
    let mut plan = IngressPlan {
        rules: Vec::new(),
        default: None,
        fixed: Vec::new(),
        services: Vec::new(),
        tls: Vec::new(),
    };
    let add_service = |plan: &mut IngressPlan<'a>, svc: &'a Resource, key: &Option<Value>| {
        if !plan
            .services
            .iter()
            .any(|(s, k)| s.address() == svc.address() && k == key)
        {
            plan.services.push((svc, key.clone()));
        }
    };
    for l in &listeners {
        let proto = hclx::attr(&l.body, "protocol")
            .and_then(|e| cx.eval.string(e))
            .map(|p| p.to_ascii_uppercase())
            .unwrap_or_else(|| "HTTP".into());
        match proto.as_str() {
            "HTTP" => {}
            "HTTPS" => plan.tls.push(l),
            _ => return None,
        }
        let actions = hclx::blocks(&l.body, "default_action");
        let [action] = actions.as_slice() else {
            return None;
        };
        // A fixed response (the usual 404 in front of host rules): no default backend.
        if hclx::attr(action, "type")
            .and_then(|e| cx.eval.string(e))
            .as_deref()
            == Some("fixed-response")
        {
            plan.fixed.push(l);
        } else {
            let (svc, key, port) = single_forward(cx, action)?;
            match &plan.default {
                Some((d, dk, _)) if d.address() != svc.address() || *dk != key => return None,
                _ => plan.default = Some((svc, key.clone(), port)),
            }
            add_service(&mut plan, svc, &key);
        }
        for lr in lb::referencing(cx, LISTENER_RULE_TYPES, "listener_arn", l) {
            // A rule repeated over a collection known at compile time: one rule per instance,
            // `each.*` / `count.index` bound to its values.
            let bodies: Vec<(String, Body)> = if lr.meta.is_repeated() {
                cx.eval
                    .instances(&lr.meta)?
                    .into_iter()
                    .map(|(k, ev)| {
                        Some((instance_address(lr, Some(&k)), bind_body(&ev, &lr.body)?))
                    })
                    .collect::<Option<_>>()?
            } else {
                vec![(lr.address().to_string(), lr.body.clone())]
            };
            for (addr, body) in bodies {
                let rule = ingress_rule(cx, lr, addr, &body)?;
                add_service(&mut plan, rule.svc, &rule.key);
                plan.rules.push(rule);
            }
        }
    }
    if plan.services.len() < 2 {
        return None;
    }
    plan.rules.sort_by_key(|r| r.priority);
    Some(plan)
}

/// The Kubernetes Service emitted for an ECS service (when it was processed and has one).
/// The Kubernetes Service emitted for an ECS service, or for its instance `key`
/// (`kubernetes_service_v1.<name>_<key>`).
fn k8s_service_of(cx: &Cx<'_>, svc: &Resource, key: Option<&Value>) -> Option<String> {
    let targets = &cx.st.outcomes.get(svc.address())?.targets;
    match key {
        None => targets
            .iter()
            .find(|t| t.starts_with("kubernetes_service_v1."))
            .cloned(),
        Some(k) => {
            let want = format!("kubernetes_service_v1.{}", instance_name(svc, k));
            targets.iter().find(|t| **t == want).cloned()
        }
    }
}

/// Whether the ECS service (its instance `key`) has been processed: its Deployment is emitted.
fn processed(cx: &Cx<'_>, svc: &Resource, key: Option<&Value>) -> bool {
    let Some(rec) = cx.st.outcomes.get(svc.address()) else {
        return false;
    };
    match key {
        None => true,
        Some(k) => {
            let want = format!("kubernetes_deployment_v1.{}", instance_name(svc, k));
            rec.targets.contains(&want)
        }
    }
}

fn ingress_backend(b: &mut OutBody, svc_addr: &str, port: i64) {
    let service = b.block("service");
    if let Ok(name) = hclx::parse_expr(&format!("{svc_addr}.metadata[0].name")) {
        service.set("name", name);
    }
    service.block("port").set("number", num(port));
}

/// Emits the Ingress of `lbr` once every ECS service behind it has been processed (the last
/// one calls it) and folds the load balancer's pieces into it.
pub(super) fn ingress_for_lb(cx: &mut Cx<'_>, r: &Resource, lbr: &Resource, ns: Expression) {
    if cx.st.outcomes.contains_key(lbr.address()) {
        return;
    }
    let Some(plan) = ingress_plan(cx, lbr) else {
        return;
    };
    if plan
        .services
        .iter()
        .any(|(s, k)| !processed(cx, s, k.as_ref()))
    {
        return;
    }
    let mut body = OutBody::new();
    let meta = body.block("metadata");
    meta.set("name", s(&k8s::dns_label(&lbr.name, "ingress")));
    meta.set("namespace", ns);
    let spec = body.block("spec");
    spec.set("ingress_class_name", s("nginx"));
    let mut unreachable: Vec<String> = Vec::new();
    if let Some((svc, key, port)) = &plan.default {
        match k8s_service_of(cx, svc, key.as_ref()) {
            Some(a) => ingress_backend(spec.block("default_backend"), &a, *port),
            None => unreachable.push(format!("`{}`", instance_address(svc, key.as_ref()))),
        }
    }
    for rule in &plan.rules {
        if rule.hosts.is_empty() && rule.paths.is_empty() {
            continue;
        }
        let Some(backend) = k8s_service_of(cx, rule.svc, rule.key.as_ref()) else {
            unreachable.push(format!(
                "`{}`",
                instance_address(rule.svc, rule.key.as_ref())
            ));
            continue;
        };
        let hosts: Vec<Option<&String>> = if rule.hosts.is_empty() {
            vec![None]
        } else {
            rule.hosts.iter().map(Some).collect()
        };
        let paths: Vec<(String, &'static str)> = if rule.paths.is_empty() {
            vec![("/".into(), "Prefix")]
        } else {
            rule.paths.clone()
        };
        for h in hosts {
            let out = spec.block("rule");
            if let Some(h) = h {
                out.set("host", s(h));
            }
            let http = out.block("http");
            for (p, kind) in &paths {
                let path = http.block("path");
                path.set("path", s(p));
                path.set("path_type", s(kind));
                ingress_backend(path.block("backend"), &backend, rule.port);
            }
        }
    }
    body.set("wait_for_load_balancer", Expression::Bool(true));
    let addr = cx.emit_as(r, Mode::Managed, "kubernetes_ingress_v1", &lbr.name, body);
    plain_meta(cx, &addr);
    if let Some(rec) = cx.st.outcomes.get_mut(r.address())
        && !rec.targets.contains(&addr)
    {
        rec.targets.push(addr.clone());
    }
    crate::rules::lambda::addon_note(
        cx,
        lbr,
        "The NGINX Ingress Controller must run on the appliance's cluster: the listener rules of an ALB in front of several ECS services become Ingress rules of the class `nginx`, reached through the DigitalOcean load balancer of the controller's Service",
        "install the NGINX Ingress Controller (e.g. the DigitalOcean Marketplace 1-Click or its Helm chart) on the cluster",
    );
    for rule in &plan.rules {
        if rule.lost.is_empty() {
            continue;
        }
        let dropped = rule.hosts.is_empty() && rule.paths.is_empty();
        warn(
            cx,
            Code::FeatureUnsupported,
            rule.rule,
            "condition",
            format!(
                "`{}`: the pattern(s) {} cannot be expressed by an Ingress (Kubernetes paths match exactly or by prefix, hosts are literal or `*.domain`); {}",
                rule.addr,
                join_quoted(&rule.lost),
                if dropped {
                    format!(
                        "the rule was left out, so this traffic goes to the default backend instead of `{}`",
                        instance_address(rule.svc, rule.key.as_ref())
                    )
                } else {
                    "they were left out of its Ingress rule".to_string()
                }
            ),
            "rewrite the pattern as an exact path or a `/prefix/*`, or add the route to the Ingress with a `nginx.ingress.kubernetes.io/use-regex` annotation",
        );
    }
    if !unreachable.is_empty() {
        warn(
            cx,
            Code::FeatureUnsupported,
            lbr,
            "name",
            format!(
                "`{}`: {} have no Kubernetes Service (not mapped, or no container port), so the Ingress cannot route to them",
                lbr.address(),
                unreachable.join(", ")
            ),
            "see the diagnostics of those services",
        );
    }
    let sticky: Vec<String> = lb_pieces(cx, lbr)
        .into_iter()
        .filter(|p| TG_TYPES.contains(&p.ty.as_str()) && sticky_of(cx, p).is_some())
        .map(|p| p.address().to_string())
        .collect();
    if !sticky.is_empty() {
        warn(
            cx,
            Code::FeatureUnsupported,
            lbr,
            "name",
            format!(
                "`{}`: the stickiness of {} is not carried over to the Ingress",
                lbr.address(),
                join_quoted(&sticky)
            ),
            "add `nginx.ingress.kubernetes.io/affinity: cookie` to the Ingress's annotations in the deployment stack",
        );
    }
    if hclx::attr(&lbr.body, "security_groups").is_some() {
        warn(
            cx,
            Code::FeatureUnsupported,
            lbr,
            "security_groups",
            format!(
                "`{}`: the security groups of the load balancer are not carried over; the ingress controller's load balancer accepts traffic from anywhere",
                lbr.address()
            ),
            "restrict sources with `nginx.ingress.kubernetes.io/whitelist-source-range` on the Ingress",
        );
    }
    for l in &plan.fixed {
        let status = hclx::blocks(&l.body, "default_action")
            .first()
            .and_then(|a| hclx::blocks(a, "fixed_response").into_iter().next())
            .and_then(|f| hclx::attr(&f, "status_code").and_then(|e| cx.eval.string(e)));
        if status.as_deref() != Some("404") {
            warn(
                cx,
                Code::FeatureUnsupported,
                l,
                "default_action",
                format!(
                    "`{}` answers requests no rule matches with a fixed response (status {}); the Ingress has no default backend, so the ingress controller answers them with its own 404",
                    l.address(),
                    status.as_deref().unwrap_or("not known at compile time")
                ),
                "serve the response from a small workload and make it the Ingress's `default_backend` in the deployment stack",
            );
        }
    }
    for l in &plan.tls {
        warn(
            cx,
            Code::FeatureUnsupported,
            l,
            "certificate_arn",
            format!(
                "`{}` terminates TLS on the load balancer; the Ingress has no `tls` block (it needs a Kubernetes TLS secret), so TLS terminates at the load balancer of the ingress controller's Service",
                l.address()
            ),
            "annotate the controller's Service with `service.beta.kubernetes.io/do-loadbalancer-certificate-id` and `do-loadbalancer-tls-ports: \"443\"`, or add a `tls` block with a secret from cert-manager",
        );
    }
    let services = plan
        .services
        .iter()
        .map(|(s, k)| format!("`{}`", instance_address(s, k.as_ref())))
        .collect::<Vec<_>>()
        .join(", ");
    for p in lb_pieces(cx, lbr) {
        let note = if p.address() == lbr.address() {
            format!(
                "became the Ingress `{addr}` of the class `nginx` in front of the ClusterIP Services of {services}; references to `dns_name` become the Ingress's load balancer IP"
            )
        } else if LISTENER_RULE_TYPES.contains(&p.ty.as_str()) {
            if plan.rules.iter().any(|x| {
                x.rule.address() == p.address() && x.hosts.is_empty() && x.paths.is_empty()
            }) {
                "left out of the Ingress: none of its patterns can be expressed (see the warning)"
                    .to_string()
            } else {
                "its path and host conditions became Ingress rules (in priority order) to its target group's service".to_string()
            }
        } else if TG_TYPES.contains(&p.ty.as_str()) {
            "its service's ClusterIP Service is an Ingress backend; its health check became the container's readiness probe".to_string()
        } else if LISTENER_TYPES.contains(&p.ty.as_str()) {
            if plan.fixed.iter().any(|l| l.address() == p.address()) {
                "the Ingress (served by the ingress controller's load balancer); its fixed-response default action left the Ingress without a default backend: requests no rule matches get the controller's 404".to_string()
            } else {
                "the Ingress (served by the ingress controller's load balancer); its default forward became the default backend".to_string()
            }
        } else {
            "TLS terminates at the ingress controller's load balancer (see the warning on the listener)".to_string()
        };
        cx.absorb(p, &addr, note);
        for attr in ["arn", "id", "arn_suffix"] {
            cx.export(
                p,
                attr,
                Export::Unmapped(
                    format!("it is part of the Kubernetes Ingress `{addr}`, which has no ARN")
                        .into(),
                ),
            );
        }
    }
    cx.export(
        lbr,
        "dns_name",
        Export::Tmpl {
            target: addr.clone(),
            tmpl: "$T.status[0].load_balancer[0].ingress[0].ip".into(),
        },
    );
    for attr in ["zone_id", "ipv6", "name"] {
        cx.export(
            lbr,
            attr,
            Export::Unmapped(
                "the load balancer of the ingress controller has an IPv4 address only (an alias record to it becomes an A record)".into(),
            ),
        );
    }
    cx.diag(
        Diagnostic::new(
            Code::WorkloadLoadBalancer,
            format!(
                "`{}` routes by path or host to {services}: it became the Ingress `{addr}` of the class `nginx` ({} listener rule(s) in priority order, {}) in front of their ClusterIP Services",
                lbr.address(),
                plan.rules.len(),
                if plan.default.is_some() {
                    "default backend from the listener's default action"
                } else {
                    "no default backend: the listener's default action was a fixed response"
                }
            ),
        )
        .at(lbr.loc.clone())
        .resource(lbr.address())
        .help("the NGINX Ingress Controller's Service of type LoadBalancer gets the DigitalOcean load balancer; tune it with `service.beta.kubernetes.io/do-loadbalancer-*` annotations of that Service"),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alb_patterns_become_ingress_paths_and_hosts() {
        let p = |x: &str| alb_ingress_path(x);
        assert_eq!(p("/*"), Some(("/".into(), "Prefix")));
        assert_eq!(p("*"), Some(("/".into(), "Prefix")));
        assert_eq!(p("/api/*"), Some(("/api".into(), "Prefix")));
        assert_eq!(p("/api/v1/*"), Some(("/api/v1".into(), "Prefix")));
        assert_eq!(p("/status"), Some(("/status".into(), "Exact")));
        assert_eq!(p("/api*"), None);
        assert_eq!(p("/img/*/thumb"), None);
        assert_eq!(p("/v?/*"), None);
        assert_eq!(p("api/*"), None);
        assert_eq!(
            alb_ingress_host("Api.Example.com"),
            Some("api.example.com".into())
        );
        assert_eq!(
            alb_ingress_host("*.example.com"),
            Some("*.example.com".into())
        );
        assert_eq!(alb_ingress_host("api-*.example.com"), None);
        assert_eq!(alb_ingress_host("api?.example.com"), None);
        assert_eq!(alb_ingress_host("*."), None);
    }
}
