//! Load balancers: `alb` (v9, and the v8 list-style listeners) and the classic `elb` (v4).

use super::security_group::with_own_sg;
use super::{
    B, Builder, elements, entries, get, is_empty_literal, no_resources, num, obj_block, rref, s,
    with_suffix,
};
use crate::diag::Code;
use crate::hclx;
use crate::refs::ModuleOutput;
use hcl::Expression;
use std::collections::BTreeMap;

pub(super) fn alb(b: &mut Builder<'_>) {
    if !b.created(&["create", "create_lb"]) {
        no_resources(b, &["dns_name", "arn", "id"]);
        return;
    }
    let vpc_id = b.input("vpc_id");
    let sg = alb_security_group(b, vpc_id.clone());

    let mut body = B::new();
    b.pass(
        &mut body,
        &[
            "name",
            "name_prefix",
            "load_balancer_type",
            "internal",
            "subnets",
            "idle_timeout",
            "enable_deletion_protection",
            "enable_http2",
            "ip_address_type",
            "drop_invalid_header_fields",
            "enable_cross_zone_load_balancing",
            "preserve_host_header",
            "xff_header_processing_mode",
            "desync_mitigation_mode",
            "client_keep_alive",
        ],
    );
    let given = b.input("security_groups");
    body.set_opt("security_groups", with_own_sg(sg.as_deref(), given));
    if let Some(logs) = b
        .input_literal("access_logs")
        .filter(|v| !is_empty_literal(v))
    {
        body.block("access_logs", obj_block(&logs, &[]));
    }
    let lb = b.resource("aws_lb", &b.base(), body);

    // Target groups: a map (v9) or a list (v8).
    let mut tg_addrs: BTreeMap<String, String> = BTreeMap::new();
    // The v8 list's target groups in order: `target_group_arns[i]` reads the i-th.
    let mut tg_list: Vec<String> = Vec::new();
    if let Some(tgs) = b.input_literal("target_groups") {
        let listed = matches!(tgs, Expression::Array(_));
        let list: Vec<(String, Expression)> = match &tgs {
            Expression::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, v)| (i.to_string(), v.clone()))
                .collect(),
            other => entries(other),
        };
        for (key, tg) in list {
            let addr = target_group(b, &key, &tg, vpc_id.clone());
            if listed {
                tg_list.push(addr.clone());
            }
            tg_addrs.insert(key, addr);
        }
    }

    // Listeners: a map (v9) or `http_tcp_listeners` / `https_listeners` lists (v8).
    if let Some(ls) = b.input_literal("listeners") {
        for (key, l) in entries(&ls) {
            listener(b, &lb, &key, &l, &tg_addrs, false);
        }
    }
    for (input, prefix, rules_input, index_key) in [
        (
            "http_tcp_listeners",
            "http_tcp",
            "http_tcp_listener_rules",
            "http_tcp_listener_index",
        ),
        (
            "https_listeners",
            "https",
            "https_listener_rules",
            "https_listener_index",
        ),
    ] {
        let mut listeners = Vec::new();
        if let Some(Expression::Array(items)) = b.input_literal(input) {
            for (i, l) in items.iter().enumerate() {
                listeners.push(listener(
                    b,
                    &lb,
                    &format!("{prefix}_{i}"),
                    l,
                    &tg_addrs,
                    true,
                ));
            }
        }
        // v8 listener rules: `https_listener_rules = [{ https_listener_index, priority,
        // actions = [{ type, target_group_index, … }], conditions = [{ path_patterns = […] }] }]`.
        if let Some(Expression::Array(rules)) = b.input_literal(rules_input) {
            for (j, rule) in rules.iter().enumerate() {
                let index = get(rule, index_key)
                    .and_then(|e| b.eval.number(&e))
                    .map_or(0, |n| n as usize);
                let Some(on) = listeners.get(index).cloned() else {
                    b.note(
                        Code::ModuleInputIgnored,
                        format!(
                            "`{}`: `{rules_input}[{j}]` names listener {index} of `{input}`, which has none at that index; the rule was not carried over",
                            b.addr()
                        ),
                    );
                    continue;
                };
                v8_listener_rule(b, &on, &format!("{prefix}_{j}"), rule, &tg_addrs);
            }
        }
    }
    b.understood(&["tags", "lb_tags", "vpc_id", "create_security_group"]);
    b.absorb_matching(
        |k| k.starts_with("security_group_"),
        "the module's security group becomes the load balancer's firewall rules where they express reachable sources",
    );

    // `this_lb_*`: the names of module versions before 6.0.
    for prefix in ["", "lb_", "this_lb_"] {
        for (out, attr) in [
            ("id", "id"),
            ("arn", "arn"),
            ("arn_suffix", "arn_suffix"),
            ("dns_name", "dns_name"),
            ("zone_id", "zone_id"),
        ] {
            b.out(&format!("{prefix}{out}"), &lb, attr);
        }
    }
    // The target groups by position (v8 and older): an Auto Scaling group or attachment that
    // registers in `target_group_arns[0]` then reads the target group, and its load balancer
    // gets the pool's droplets.
    let listed = !tg_list.is_empty();
    if listed {
        b.outputs.insert(
            "target_group_arns".into(),
            ModuleOutput::Listed(tg_list.iter().map(|a| (a.clone(), "arn".into())).collect()),
        );
        b.outputs.insert(
            "target_group_names".into(),
            ModuleOutput::Listed(tg_list.iter().map(|a| (a.clone(), "name".into())).collect()),
        );
    }
    for o in [
        "listeners",
        "listener_rules",
        "target_groups",
        "http_tcp_listener_arns",
        "http_tcp_listener_ids",
        "https_listener_arns",
        "https_listener_ids",
        "target_group_arns",
        "target_group_arn_suffixes",
        "target_group_names",
        "target_group_attachments",
    ] {
        if listed && (o == "target_group_arns" || o == "target_group_names") {
            continue;
        }
        b.out_unmapped(
            o,
            "listeners and target groups become forwarding rules of the DigitalOcean load balancer",
        );
    }
    // The target groups by key (v9): an ECS service or Auto Scaling group that registers in
    // `target_groups["key"].arn` then reads the target group, so its load balancer finds them.
    if !listed && !tg_addrs.is_empty() {
        b.outputs.insert(
            "target_groups".into(),
            ModuleOutput::Objects(
                tg_addrs.clone(),
                "only an attribute of one target group by a static key (`target_groups[\"key\"].arn`) is read from this output; target groups become forwarding rules of the DigitalOcean load balancer".into(),
            ),
        );
    }
    match sg {
        Some(sg) => {
            b.out("security_group_id", &sg, "id");
            b.out("security_group_arn", &sg, "arn");
        }
        None => {
            for o in ["security_group_id", "security_group_arn"] {
                b.out_unmapped(o, "the module created no security group");
            }
        }
    }
    b.out_unmapped(
        "route53_records",
        "map Route 53 records of the load balancer with `digitalocean_record` resources",
    );
}

/// The v9 module's own security group from `security_group_ingress_rules` /
/// `security_group_egress_rules` (`{ from_port, to_port, ip_protocol, cidr_ipv4, … }`).
fn alb_security_group(b: &mut Builder<'_>, vpc_id: Option<Expression>) -> Option<String> {
    if b.input_bool("create_security_group") == Some(false) {
        return None;
    }
    let ingress = b.input_literal("security_group_ingress_rules");
    let egress = b.input_literal("security_group_egress_rules");
    if ingress.iter().chain(egress.iter()).all(is_empty_literal) {
        return None;
    }
    let mut body = B::new();
    let name = b
        .input("security_group_name")
        .or_else(|| hclx::attr(&b.call.body, "name").cloned());
    body.set_opt("name_prefix", name.map(|n| with_suffix(&n, "-")));
    body.set_opt("description", b.input("security_group_description"));
    body.set_opt("vpc_id", vpc_id);
    for (dir, rules) in [("ingress", ingress), ("egress", egress)] {
        for (_, rule) in rules.iter().flat_map(entries) {
            let protocol = get(&rule, "ip_protocol").unwrap_or_else(|| s("tcp"));
            let all = b.eval.string(&protocol).as_deref() == Some("-1");
            let mut rb = B::new();
            rb.set(
                "from_port",
                if all {
                    num(0)
                } else {
                    get(&rule, "from_port").unwrap_or(num(0))
                },
            );
            rb.set(
                "to_port",
                if all {
                    num(0)
                } else {
                    get(&rule, "to_port").unwrap_or(num(0))
                },
            );
            rb.set("protocol", protocol);
            rb.set_opt(
                "cidr_blocks",
                get(&rule, "cidr_ipv4").map(|c| Expression::Array(vec![c])),
            );
            rb.set_opt(
                "ipv6_cidr_blocks",
                get(&rule, "cidr_ipv6").map(|c| Expression::Array(vec![c])),
            );
            rb.set_opt(
                "security_groups",
                get(&rule, "referenced_security_group_id").map(|c| Expression::Array(vec![c])),
            );
            rb.set_opt("description", get(&rule, "description"));
            body.block(dir, rb);
        }
    }
    Some(b.resource("aws_security_group", &format!("{}_lb", b.base()), body))
}

fn target_group(
    b: &mut Builder<'_>,
    key: &str,
    tg: &Expression,
    vpc_id: Option<Expression>,
) -> String {
    let mut body = B::new();
    for k in ["name", "name_prefix"] {
        body.set_opt(k, get(tg, k));
    }
    // v8 spells protocol and port `backend_protocol` / `backend_port`.
    body.set_opt(
        "protocol",
        get(tg, "protocol").or_else(|| get(tg, "backend_protocol")),
    );
    body.set_opt("port", get(tg, "port").or_else(|| get(tg, "backend_port")));
    let target_type = get(tg, "target_type");
    let lambda = target_type
        .as_ref()
        .and_then(|t| b.eval.string(t))
        .is_some_and(|t| t == "lambda");
    body.set_opt("target_type", target_type);
    if !lambda {
        body.set_opt("vpc_id", get(tg, "vpc_id").or(vpc_id));
    }
    for k in [
        "protocol_version",
        "deregistration_delay",
        "load_balancing_algorithm_type",
        "slow_start",
        "connection_termination",
        "preserve_client_ip",
        "proxy_protocol_v2",
    ] {
        body.set_opt(k, get(tg, k));
    }
    for blk in ["health_check", "stickiness"] {
        if let Some(v) = get(tg, blk).filter(|v| !is_empty_literal(v)) {
            body.block(blk, obj_block(&v, &[]));
        }
    }
    let name = format!("{}_{key}", b.base());
    let addr = b.resource("aws_lb_target_group", &name, body);
    // v9: `target_id` (with `create_attachment`, default true) attaches one target.
    let attach = get(tg, "create_attachment")
        .and_then(|e| b.eval.bool(&e))
        .unwrap_or(true);
    if attach && let Some(target) = get(tg, "target_id") {
        let mut ab = B::new();
        ab.set("target_group_arn", rref(&addr, "arn"));
        ab.set("target_id", target);
        ab.set_opt("port", get(tg, "port"));
        b.resource("aws_lb_target_group_attachment", &name, ab);
    }
    // v8: `targets = { k = { target_id, port } }`.
    for (tk, t) in get(tg, "targets").iter().flat_map(entries) {
        let mut ab = B::new();
        ab.set("target_group_arn", rref(&addr, "arn"));
        ab.set_opt("target_id", get(&t, "target_id"));
        ab.set_opt("port", get(&t, "port"));
        b.resource(
            "aws_lb_target_group_attachment",
            &format!("{name}_{tk}"),
            ab,
        );
    }
    addr
}

/// One v8 listener rule as an `aws_lb_listener_rule` of the listener `on`: actions `{ type,
/// target_group_index }` (`redirect` and `fixed-response` with their fields inline) and
/// conditions `{ path_patterns | host_headers | http_request_methods | source_ips = […] }`,
/// `{ http_headers = [{ http_header_name, values }] }`, `{ query_strings = [{ key, value }] }`.
fn v8_listener_rule(
    b: &mut Builder<'_>,
    on: &str,
    key: &str,
    rule: &Expression,
    tgs: &BTreeMap<String, String>,
) {
    let mut rb = B::new();
    rb.set("listener_arn", rref(on, "arn"));
    rb.set_opt("priority", get(rule, "priority"));
    for a in get(rule, "actions").iter().flat_map(elements) {
        let mut ab = B::new();
        let ty = get(&a, "type").and_then(|e| b.eval.string(&e));
        ab.set_opt("type", get(&a, "type"));
        let tg = get(&a, "target_group_index")
            .and_then(|e| b.eval.string(&e))
            .and_then(|k| tgs.get(&k))
            .map(|addr| rref(addr, "arn"));
        ab.set_opt("target_group_arn", tg);
        let inline = |fields: &[&str]| {
            let mut body = B::new();
            for f in fields {
                body.set_opt(f, get(&a, f));
            }
            body
        };
        match ty.as_deref() {
            Some("redirect") => {
                ab.block(
                    "redirect",
                    inline(&["status_code", "host", "path", "port", "protocol", "query"]),
                );
            }
            Some("fixed-response") => {
                ab.block(
                    "fixed_response",
                    inline(&["content_type", "message_body", "status_code"]),
                );
            }
            _ => {}
        }
        rb.block("action", ab);
    }
    for c in get(rule, "conditions").iter().flat_map(elements) {
        let mut cb = B::new();
        for (field, block) in [
            ("path_patterns", "path_pattern"),
            ("host_headers", "host_header"),
            ("http_request_methods", "http_request_method"),
            ("source_ips", "source_ip"),
        ] {
            if let Some(values) = get(&c, field) {
                let mut vb = B::new();
                vb.set("values", values);
                cb.block(block, vb);
            }
        }
        for h in get(&c, "http_headers").iter().flat_map(elements) {
            let mut hb = B::new();
            hb.set_opt("http_header_name", get(&h, "http_header_name"));
            hb.set_opt("values", get(&h, "values"));
            cb.block("http_header", hb);
        }
        for q in get(&c, "query_strings").iter().flat_map(elements) {
            cb.block("query_string", obj_block(&q, &[]));
        }
        rb.block("condition", cb);
    }
    b.resource(
        "aws_lb_listener_rule",
        &format!("{}_{key}_rule", b.base()),
        rb,
    );
}

/// One listener: v9 `{ port, protocol, certificate_arn, forward = { target_group_key } |
/// redirect = {…} | fixed_response = {…}, rules = {…} }` or v8 `{ port, protocol,
/// target_group_index, action_type, redirect, fixed_response }`.
fn listener(
    b: &mut Builder<'_>,
    lb: &str,
    key: &str,
    l: &Expression,
    tgs: &BTreeMap<String, String>,
    v8: bool,
) -> String {
    let mut body = B::new();
    body.set("load_balancer_arn", rref(lb, "arn"));
    for k in [
        "port",
        "protocol",
        "certificate_arn",
        "ssl_policy",
        "alpn_policy",
    ] {
        body.set_opt(k, get(l, k));
    }
    let tg_of = |b: &Builder<'_>, e: &Expression| -> Option<Expression> {
        let k = b.eval.string(e)?;
        tgs.get(&k).map(|a| rref(a, "arn"))
    };
    let mut action = B::new();
    let action_type = get(l, "action_type").and_then(|e| b.eval.string(&e));
    if let Some(r) =
        get(l, "redirect").filter(|_| !v8 || action_type.as_deref() == Some("redirect"))
    {
        action.set("type", s("redirect"));
        action.block("redirect", obj_block(&r, &[]));
    } else if let Some(f) =
        get(l, "fixed_response").filter(|_| !v8 || action_type.as_deref() == Some("fixed-response"))
    {
        action.set("type", s("fixed-response"));
        action.block("fixed_response", obj_block(&f, &[]));
    } else if let Some(fw) = get(l, "forward") {
        action.set("type", s("forward"));
        let arn =
            get(&fw, "arn").or_else(|| get(&fw, "target_group_key").and_then(|k| tg_of(b, &k)));
        action.set_opt("target_group_arn", arn);
    } else if let Some(wf) = get(l, "weighted_forward") {
        action.set("type", s("forward"));
        let mut fwd = B::new();
        for t in get(&wf, "target_groups").iter().flat_map(|e| match e {
            Expression::Array(items) => items.clone(),
            _ => vec![],
        }) {
            let mut tb = B::new();
            tb.set_opt(
                "arn",
                get(&t, "arn").or_else(|| get(&t, "target_group_key").and_then(|k| tg_of(b, &k))),
            );
            tb.set_opt("weight", get(&t, "weight"));
            fwd.block("target_group", tb);
        }
        action.block("forward", fwd);
    } else if let Some(idx) = get(l, "target_group_index") {
        action.set("type", s("forward"));
        action.set_opt("target_group_arn", tg_of(b, &idx));
    } else {
        let auth = ["authenticate_cognito", "authenticate_oidc"]
            .iter()
            .any(|k| get(l, k).is_some());
        b.note(
            Code::ModuleInputIgnored,
            format!(
                "`{}`: listener `{key}` has {} default action Ferry maps; it was left without one",
                b.addr(),
                if auth {
                    "an authentication action, no"
                } else {
                    "no"
                }
            ),
        );
    }
    if !action.items.is_empty() {
        body.block("default_action", action);
    }
    let listener = b.resource("aws_lb_listener", &format!("{}_{key}", b.base()), body);

    // v9 listener rules: `rules = { k = { priority, actions = [...], conditions = [...] } }`.
    for (rk, rule) in get(l, "rules").iter().flat_map(entries) {
        let mut rb = B::new();
        rb.set("listener_arn", rref(&listener, "arn"));
        rb.set_opt("priority", get(&rule, "priority"));
        for a in get(&rule, "actions").iter().flat_map(|e| match e {
            Expression::Array(items) => items.clone(),
            _ => vec![],
        }) {
            let mut ab = B::new();
            ab.set_opt("type", get(&a, "type"));
            ab.set_opt(
                "target_group_arn",
                get(&a, "target_group_arn")
                    .or_else(|| get(&a, "target_group_key").and_then(|k| tg_of(b, &k))),
            );
            for blk in ["redirect", "fixed_response"] {
                if let Some(v) = get(&a, blk) {
                    ab.block(blk, obj_block(&v, &[]));
                }
            }
            rb.block("action", ab);
        }
        for c in get(&rule, "conditions").iter().flat_map(|e| match e {
            Expression::Array(items) => items.clone(),
            _ => vec![],
        }) {
            rb.block(
                "condition",
                obj_block(
                    &c,
                    &[
                        "path_pattern",
                        "host_header",
                        "http_header",
                        "http_request_method",
                        "query_string",
                        "source_ip",
                    ],
                ),
            );
        }
        b.resource(
            "aws_lb_listener_rule",
            &format!("{}_{key}_{rk}", b.base()),
            rb,
        );
    }
    listener
}

/// elb (classic) v4: one `aws_elb` with its `listener` list and `health_check` object as blocks.
pub(super) fn elb(b: &mut Builder<'_>) {
    if !b.created(&["create_elb", "create"]) {
        no_resources(b, &["elb_id", "elb_dns_name"]);
        return;
    }
    let mut body = B::new();
    b.pass(
        &mut body,
        &[
            "name",
            "name_prefix",
            "subnets",
            "security_groups",
            "internal",
            "instances",
            "cross_zone_load_balancing",
            "idle_timeout",
            "connection_draining",
            "connection_draining_timeout",
        ],
    );
    if let Some(Expression::Array(items)) = b.input_literal("listener") {
        for l in items {
            body.block("listener", obj_block(&l, &[]));
        }
    }
    if let Some(hc) = b.input_literal("health_check") {
        body.block("health_check", obj_block(&hc, &[]));
    }
    let e = b.resource("aws_elb", &b.base(), body);
    b.understood(&["tags", "putin_khuylo", "number_of_instances"]);
    b.absorb_matching(|k| k == "access_logs", "access logs of the load balancer");
    b.outs(
        &e,
        &[
            ("elb_id", "id"),
            ("elb_arn", "arn"),
            ("elb_name", "name"),
            ("elb_dns_name", "dns_name"),
            ("elb_zone_id", "zone_id"),
            ("elb_instances", "instances"),
        ],
    );
}
