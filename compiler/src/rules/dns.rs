//! Route53 → DigitalOcean DNS (mapping facts §7): hosted zones become `digitalocean_domain`,
//! records become `digitalocean_record` — one per value, with the name relative to the domain.
//!
//! Records with several values: a static list of N values (`records = ["a", "b"]`) becomes N
//! records named `<name>`, `<name>_2`, …; a list that is only known at deploy time
//! (`records = var.ips`, `aws_instance.web[*].public_ip`) becomes one record with
//! `count = length(<list>)` and `value = <list>[count.index]`.

use super::lb::per_instance;
use super::{Cx, Export, OutcomeRec, Phase, RuleDef};
use crate::diag::{Code, Diagnostic};
use crate::facts::lb_dns as facts;
use crate::hclx;
use crate::origin::{Mode, Resource};
use crate::out::OutBody;
use crate::report::Outcome;
use hcl::Expression;
use hcl::expr::TraversalOperator as Op;

pub const RULES: &[RuleDef] = &[
    RuleDef {
        ty: "aws_route53_zone",
        mode: Mode::Managed,
        phase: Phase::Primary,
        produces: &["digitalocean_domain"],
        args: &["name", "force_destroy", "vpc"],
        summary: "public hosted zone → digitalocean_domain (private zones: unsupported)",
        map: zone,
    },
    RuleDef {
        ty: "aws_route53_zone",
        mode: Mode::Data,
        phase: Phase::Primary,
        produces: &["digitalocean_domain"],
        args: &["name", "private_zone", "zone_id"],
        summary: "hosted zone lookup → data digitalocean_domain (by name; a lookup by id reads the domain from `var.dns_domain`)",
        map: zone_data,
    },
    RuleDef {
        ty: "aws_route53_record",
        mode: Mode::Managed,
        phase: Phase::Primary,
        produces: &["digitalocean_record"],
        args: &[
            "zone_id",
            "name",
            "type",
            "ttl",
            "records",
            "alias",
            "set_identifier",
            "health_check_id",
            "weighted_routing_policy",
            "latency_routing_policy",
            "geolocation_routing_policy",
            "geoproximity_routing_policy",
            "failover_routing_policy",
            "cidr_routing_policy",
            "multivalue_answer_routing_policy",
            "allow_overwrite",
        ],
        summary: "record → one digitalocean_record per value (name relative to the domain; MX/SRV/CAA split; alias to a load balancer → A record to its IP; alias below the apex to a CloudFront distribution on Spaces → CNAME to the CDN endpoint; a zone outside the stack → `var.dns_domain`)",
        map: record,
    },
    RuleDef {
        ty: "aws_route53_health_check",
        mode: Mode::Managed,
        phase: Phase::Primary,
        produces: &["digitalocean_uptime_check"],
        args: &[
            "type",
            "fqdn",
            "ip_address",
            "port",
            "resource_path",
            "search_string",
            "regions",
            "disabled",
            "invert_healthcheck",
            "reference_name",
            // Read by the checks that are dropped (they combine others or read an alarm).
            "child_healthchecks",
            "child_health_threshold",
            "cloudwatch_alarm_name",
            "cloudwatch_alarm_region",
            "insufficient_data_health_status",
            "routing_control_arn",
        ],
        summary: "health check → digitalocean_uptime_check (HTTP/HTTPS on the target URL, TCP as ping; calculated, CloudWatch and recovery-control checks dropped); DigitalOcean DNS does not act on it",
        map: health_check,
    },
];

/// AWS regions a Route 53 health check probes from → DigitalOcean uptime regions.
fn uptime_region(aws: &str) -> Option<&'static str> {
    if aws.starts_with("us-east") {
        Some("us_east")
    } else if aws.starts_with("us-west") {
        Some("us_west")
    } else if aws.starts_with("eu-") {
        Some("eu_west")
    } else if aws.starts_with("ap-southeast") {
        Some("se_asia")
    } else {
        None
    }
}

/// A Route 53 health check → a DigitalOcean uptime check of the same endpoint (known gap #268).
/// Records that name it (`health_check_id`) lose it (DigitalOcean DNS has no health-checked
/// routing, see `record`); CloudWatch alarms on it become uptime alerts (`catalog`).
fn health_check(r: &Resource, cx: &mut Cx<'_>) {
    let ty = cx.str(r, "type").unwrap_or_default().to_ascii_uppercase();
    let (kind, exact) = match ty.as_str() {
        "HTTP" => ("http", true),
        "HTTPS" => ("https", true),
        "HTTP_STR_MATCH" => ("http", false),
        "HTTPS_STR_MATCH" => ("https", false),
        "TCP" => ("ping", false),
        other => {
            let what = if other.is_empty() {
                "a check whose type is not known at compile time".to_string()
            } else {
                format!("a `{other}` check")
            };
            cx.diag(
                Diagnostic::new(
                    Code::FeatureUnsupported,
                    format!(
                        "`{}` is {what}; DigitalOcean uptime checks probe one URL or host, so it was dropped",
                        r.address()
                    ),
                )
                .at(r.loc_of("type"))
                .resource(r.address())
                .help("check the endpoints it combines with `digitalocean_uptime_check`s of their own"),
            );
            cx.drop(r, format!("{what} has no DigitalOcean uptime check"));
            cx.export(
                r,
                "id",
                Export::Unmapped("the health check was dropped".into()),
            );
            return;
        }
    };
    let Some(host) = cx.expr(r, "fqdn").or_else(|| cx.expr(r, "ip_address")) else {
        cx.unsupported(
            r,
            Code::UnsupportedValue,
            format!(
                "`{}` names no endpoint (`fqdn` or `ip_address`)",
                r.address()
            ),
            "set `fqdn` or `ip_address` on the health check",
        );
        return;
    };
    let port = cx.expr(r, "port");
    let default_port = match kind {
        "https" => 443.0,
        _ => 80.0,
    };
    let port_text = match &port {
        Some(p) if kind != "ping" && cx.eval.number(p) != Some(default_port) => {
            format!(":{}", hclx::to_template_part(p))
        }
        _ => String::new(),
    };
    let host_text = hclx::to_template_part(&host);
    let target = if kind == "ping" {
        host_text
    } else {
        let path = cx
            .expr(r, "resource_path")
            .map(|p| hclx::to_template_part(&p))
            .unwrap_or_default();
        let path = if path.is_empty() || path.starts_with('/') || path.starts_with("${") {
            path
        } else {
            format!("/{path}")
        };
        format!("{kind}://{host_text}{port_text}{path}")
    };
    if !exact {
        let lost = if kind == "ping" {
            format!(
                "a TCP connection to port {}; a DigitalOcean uptime check of type `ping` only checks that the host answers",
                port.as_ref()
                    .map(hclx::inline)
                    .unwrap_or_else(|| "…".into())
            )
        } else {
            "the search string in the response body; the DigitalOcean uptime check only checks the status code".to_string()
        };
        cx.diag(
            Diagnostic::new(
                Code::NearestMatch,
                format!("`{}` checks {lost}", r.address()),
            )
            .at(r.loc_of("type"))
            .resource(r.address())
            .help("the uptime check reports the endpoint down less often than the origin's check did; check the port or the content in the application's health endpoint"),
        );
    }
    if cx.bool(r, "invert_healthcheck") == Some(true) {
        cx.diag(
            Diagnostic::new(
                Code::FeatureUnsupported,
                format!(
                    "`{}` is inverted (healthy when the endpoint is down); a DigitalOcean uptime check is not",
                    r.address()
                ),
            )
            .at(r.loc_of("invert_healthcheck"))
            .resource(r.address())
            .help("invert the meaning of its alerts by hand"),
        );
    }
    let mut body = OutBody::new();
    let name = cx.unique_name(r, cx.expr(r, "reference_name"), &r.name);
    body.set("name", name);
    body.set("type", s(kind));
    body.set("target", hclx::template(target));
    let regions: Vec<&str> = match hclx::attr(&r.body, "regions").and_then(|e| cx.eval.value(e)) {
        Some(hcl::Value::Array(items)) => {
            let mut out: Vec<&str> = Vec::new();
            for v in items {
                if let hcl::Value::String(a) = v
                    && let Some(d) = uptime_region(&a)
                    && !out.contains(&d)
                {
                    out.push(d);
                }
            }
            out
        }
        _ => Vec::new(),
    };
    if !regions.is_empty() {
        body.set(
            "regions",
            Expression::Array(regions.iter().map(|r| s(r)).collect()),
        );
    }
    match cx.expr(r, "disabled") {
        Some(Expression::Bool(d)) => {
            body.set("enabled", Expression::Bool(!d));
        }
        Some(e) => {
            body.set(
                "enabled",
                hclx::parse_expr(&format!("!({})", hclx::inline(&e))).unwrap_or(Expression::Null),
            );
        }
        None => {}
    }
    let addr = cx.emit(r, "digitalocean_uptime_check", body);
    cx.note(
        r,
        "DigitalOcean DNS does not act on uptime checks: records that named it answer whether the endpoint is up or not",
    );
    cx.export(
        r,
        "id",
        Export::Attr {
            target: addr.clone(),
            attr: "id".into(),
        },
    );
    cx.export(
        r,
        "arn",
        Export::Unmapped("a DigitalOcean uptime check has no ARN".into()),
    );
}

const ROUTING: &[&str] = &[
    "set_identifier",
    "health_check_id",
    "weighted_routing_policy",
    "latency_routing_policy",
    "geolocation_routing_policy",
    "geoproximity_routing_policy",
    "failover_routing_policy",
    "cidr_routing_policy",
    "multivalue_answer_routing_policy",
];

fn s(v: &str) -> Expression {
    Expression::String(v.to_string())
}

fn name_servers() -> Expression {
    Expression::Array(facts::NAME_SERVERS.iter().map(|n| s(n)).collect())
}

/// The text of an expression as a template (`"www.${var.domain}"` → `www.${var.domain}`,
/// `var.domain` → `${var.domain}`); `None` for heredocs.
fn template_text(e: &Expression) -> Option<String> {
    match e {
        Expression::String(v) => Some(v.replace("${", "$${").replace("%{", "%%{")),
        Expression::TemplateExpr(t) => match &**t {
            hcl::expr::TemplateExpr::QuotedString(q) => Some(q.clone()),
            hcl::expr::TemplateExpr::Heredoc(_) => None,
        },
        other => Some(format!("${{{}}}", hclx::inline(other))),
    }
}

/// An expression from template text: a plain string, a single interpolation unwrapped
/// (`${var.x}` → `var.x`), or a template.
fn from_template(text: &str) -> Expression {
    if !text.contains("${") && !text.contains("%{") {
        return s(&text.replace("$${", "${").replace("%%{", "%{"));
    }
    if let Some(inner) = text.strip_prefix("${").and_then(|t| t.strip_suffix('}'))
        && !inner.contains("${")
        && !inner.contains('}')
        && let Ok(e) = hclx::parse_expr(inner)
    {
        return e;
    }
    hclx::template(text)
}

/// Removes a trailing dot from a static zone or host name (`example.com.` → `example.com`).
fn without_dot(e: Expression) -> Expression {
    match &e {
        Expression::String(v) if v.len() > 1 && v.ends_with('.') => s(v.trim_end_matches('.')),
        Expression::TemplateExpr(_) => match template_text(&e) {
            Some(t) if t.ends_with('.') => from_template(&t[..t.len() - 1]),
            _ => e,
        },
        _ => e,
    }
}

/// Does the expression mention a variable, directly or through a local?
fn configurable(cx: &Cx<'_>, e: &Expression, depth: u8) -> bool {
    let mut found = false;
    hclx::walk(e, &mut |x| match hclx::traversal_root(x) {
        Some(("var", _)) => found = true,
        Some(("local", [Op::GetAttr(n), ..])) if depth < 8 => {
            if let Some(l) = cx.module.locals.iter().find(|l| l.name == n.as_str()) {
                found |= configurable(cx, &l.expr, depth + 1);
            }
        }
        _ => {}
    });
    found
}

// ---- zones ---------------------------------------------------------------------------------

fn zone_exports(cx: &mut Cx<'_>, r: &Resource, addr: &str) {
    let attr = |a: &'static str| Export::Attr {
        target: addr.to_string(),
        attr: a.into(),
    };
    // `digitalocean_record.domain` takes the domain name (which is also the domain's id).
    cx.export(r, "zone_id", attr("name"));
    cx.export(r, "id", attr("id"));
    cx.export(r, "name", attr("name"));
    cx.export(r, "arn", attr("urn"));
    cx.export(r, "name_servers", Export::Expr(name_servers()));
    cx.export(
        r,
        "primary_name_server",
        Export::Expr(s(facts::NAME_SERVERS[0])),
    );
}

fn zone(r: &Resource, cx: &mut Cx<'_>) {
    if !hclx::blocks(&r.body, "vpc").is_empty() {
        cx.unsupported(
            r,
            Code::UnsupportedService,
            format!(
                "`{}` is a private hosted zone; DigitalOcean DNS serves public domains only",
                r.address()
            ),
            "reach private services without private DNS: Droplets and databases by their private addresses (`ipv4_address_private`, `private_host`), workloads on DOKS by their cluster DNS names; or publish the records in a public domain",
        );
        for a in ["zone_id", "id", "name", "arn", "name_servers"] {
            cx.export(
                r,
                a,
                Export::Unmapped("the private hosted zone has no DigitalOcean equivalent".into()),
            );
        }
        return;
    }
    let Some(name) = cx.expr(r, "name").map(without_dot) else {
        cx.unsupported(
            r,
            Code::UnsupportedValue,
            format!("`{}` has no `name`", r.address()),
            "give the hosted zone its domain name",
        );
        return;
    };
    if !configurable(cx, &name, 0) {
        let shown = cx.eval.string(&name).unwrap_or_else(|| hclx::inline(&name));
        cx.diag(
            Diagnostic::new(
                Code::DomainNotPerAppliance,
                format!(
                    "`{}` creates the domain `{shown}` in every appliance; a DigitalOcean domain can exist in one account only, so a second appliance cannot create it",
                    r.address()
                ),
            )
            .at(r.loc_of("name"))
            .resource(r.address())
            .help("make the domain an input of the appliance (e.g. `name = var.domain`), or give each appliance its own subdomain such as `\"${var.instance_id}.apps.example.com\"`, delegated with NS records from the vendor's zone"),
        );
    }
    let mut body = OutBody::new();
    body.set("name", name);
    let addr = cx.emit(r, "digitalocean_domain", body);
    cx.note(
        r,
        "point the domain's name servers at ns1.digitalocean.com, ns2.digitalocean.com and ns3.digitalocean.com (at the registrar, or with NS records in the parent zone)",
    );
    zone_exports(cx, r, &addr);
}

fn zone_data(r: &Resource, cx: &mut Cx<'_>) {
    if cx.bool(r, "private_zone") == Some(true) {
        cx.unsupported(
            r,
            Code::UnsupportedService,
            format!(
                "`{}` looks up a private hosted zone; DigitalOcean DNS serves public domains only",
                r.address()
            ),
            "reach private services by their private addresses or cluster DNS names instead",
        );
        return;
    }
    let name = match cx.expr(r, "name").map(without_dot) {
        Some(name) => name,
        None => {
            // Looked up by id: the domain becomes an input of the appliance.
            let what = match cx.expr(r, "zone_id") {
                Some(id) => format!("by id (`{}`)", hclx::inline(&id)),
                None => "without a name".to_string(),
            };
            dns_domain(
                cx,
                r,
                "zone_id",
                &format!("`{}` looks a hosted zone up {what}", r.address()),
            )
        }
    };
    let mut body = OutBody::new();
    body.set("name", name);
    let addr = cx.emit_as(r, Mode::Data, "digitalocean_domain", &r.name, body);
    cx.note(
        r,
        "the domain must already exist in the customer's DigitalOcean account (served by DigitalOcean DNS)",
    );
    zone_exports(cx, r, &addr);
}

// ---- records -------------------------------------------------------------------------------

/// The hosted zone (resource or data source) a record's `zone_id` refers to.
fn zone_of<'a>(cx: &Cx<'a>, r: &Resource) -> Option<&'a Resource> {
    cx.referenced(r, "zone_id")
        .filter(|z| z.ty == "aws_route53_zone")
}

/// Is the record an ACM DNS-validation record (`for_each` over `domain_validation_options`)?
fn validation_record(r: &Resource) -> bool {
    let mut hit = false;
    let mut check = |e: &Expression| {
        hclx::walk(e, &mut |x| {
            if let Some((_, ops)) = hclx::traversal_root(x) {
                hit |= ops.iter().any(
                    |o| matches!(o, Op::GetAttr(a) if a.as_str() == "domain_validation_options"),
                );
            }
            if let Expression::ForExpr(fe) = x
                && let Some((_, ops)) = hclx::traversal_root(&fe.collection_expr)
            {
                hit |= ops.iter().any(
                    |o| matches!(o, Op::GetAttr(a) if a.as_str() == "domain_validation_options"),
                );
            }
        })
    };
    for e in r.meta.for_each.iter().chain(r.meta.count.iter()) {
        check(e);
    }
    for key in ["name", "records", "type"] {
        if let Some(e) = hclx::attr(&r.body, key) {
            check(e);
        }
    }
    hit
}

/// The zone's name: its static value and the texts it may appear as inside record names.
struct ZoneName {
    value: Option<String>,
    texts: Vec<String>,
    expr: Option<Expression>,
}

fn zone_name(cx: &Cx<'_>, z: Option<&Resource>) -> ZoneName {
    let mut zn = ZoneName {
        value: None,
        texts: Vec::new(),
        expr: None,
    };
    let Some(z) = z else {
        return zn;
    };
    if let Some(e) = hclx::attr(&z.body, "name") {
        let e = without_dot(e.clone());
        if let Some(t) = template_text(&e) {
            zn.texts.push(t);
        }
        if let Some(v) = cx.eval.string(&e) {
            let v = v.trim_end_matches('.').to_string();
            zn.texts.push(v.replace("${", "$${"));
            zn.value = Some(v);
        }
        zn.expr = Some(e);
    }
    if z.mode == Mode::Data && hclx::attr(&z.body, "name").is_none() {
        // Looked up by id: its domain is `var.dns_domain` (see `zone_data`).
        zn.texts.push(format!("${{var.{DNS_DOMAIN}}}"));
        zn.expr = Some(hclx::path(&["var", DNS_DOMAIN]));
    }
    let prefix = if z.mode == Mode::Data { "data." } else { "" };
    zn.texts
        .push(format!("${{{prefix}{}.{}.name}}", z.ty, z.name));
    zn
}

/// The record name relative to the zone (`www.example.com` → `www`, the apex → `@`).
/// Returns the name and whether it could be made relative for sure.
fn relative_name(cx: &Cx<'_>, r: &Resource, zn: &ZoneName) -> (Expression, bool) {
    let Some(e) = cx.expr(r, "name") else {
        return (s("@"), true);
    };
    // `name = local.host`: compare the local's own expression with the zone name.
    let seen = match hclx::traversal_root(&e) {
        Some(("local", [Op::GetAttr(n)])) => cx
            .module
            .locals
            .iter()
            .find(|l| l.name == n.as_str())
            .map(|l| l.expr.clone())
            .filter(|x| !per_instance(x) && !mentions_resources(x))
            .unwrap_or_else(|| e.clone()),
        _ => e.clone(),
    };
    if let Some(text) = template_text(&seen) {
        let text = text.trim_end_matches('.');
        if text.is_empty() {
            return (s("@"), true);
        }
        for z in &zn.texts {
            if text == z {
                return (s("@"), true);
            }
            if let Some(prefix) = text.strip_suffix(&format!(".{z}")) {
                return (from_template(prefix), true);
            }
        }
        // `api-${var.instance_id}`: a relative name (no dot outside its interpolations).
        let literal = literal_parts(text);
        if !literal.is_empty() && !literal.contains('.') {
            return (without_dot(e), true);
        }
        // Static names: only when no variable is involved (its value may change at deploy).
        if !per_instance(&e)
            && !configurable(cx, &e, 0)
            && let Some(v) = cx.eval.string(&e)
        {
            let v = v.trim_end_matches('.');
            if let Some(z) = &zn.value {
                if v == z {
                    return (s("@"), true);
                }
                if let Some(prefix) = v.strip_suffix(&format!(".{z}")) {
                    return (s(prefix), true);
                }
            }
            // A relative name (`www`): Route53 and DigitalOcean read it the same way.
            if !v.contains('.') || zn.value.is_some() {
                return (without_dot(e), true);
            }
        }
    }
    // Known only at deploy time: strip the zone then.
    if let Some(z) = &zn.expr {
        let x = hclx::inline(&e);
        let z = hclx::inline(z);
        let text = format!(
            "trimsuffix({x}, \".\") == {z} ? \"@\" : trimsuffix(trimsuffix({x}, \".\"), \".${{{z}}}\")"
        );
        if let Ok(v) = hclx::parse_expr(&text) {
            return (v, true);
        }
    }
    (e, false)
}

/// The literal text of a template, interpolations left out (`api-${var.x}` → `api-`).
fn literal_parts(text: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '$' | '%' if chars.peek() == Some(&'{') => {
                depth += 1;
                chars.next();
            }
            '}' if depth > 0 => depth -= 1,
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// Does the expression refer to a module output?
fn mentions_module(e: &Expression) -> bool {
    let mut found = false;
    hclx::walk(e, &mut |x| {
        found |= matches!(hclx::traversal_root(x), Some(("module", _)));
    });
    found
}

/// The variable that names the domain of a hosted zone outside the stack (callers of a module
/// that declares it pass theirs on: `pipeline`).
pub const DNS_DOMAIN: &str = "dns_domain";
/// Its description.
pub const DNS_DOMAIN_DESCRIPTION: &str = "DNS domain (e.g. `example.com`) of the hosted zone the origin refers to by id, served by DigitalOcean DNS in the customer's account: its records are created there.";

/// Declares `var.dns_domain` (once) and reports (F332) that `r` uses it; returns it.
fn dns_domain(cx: &mut Cx<'_>, r: &Resource, key: &str, what: &str) -> Expression {
    let mut v = OutBody::new();
    v.set("description", s(DNS_DOMAIN_DESCRIPTION));
    v.set("type", hclx::path(&["string"]));
    let var = cx.variable(DNS_DOMAIN, v);
    cx.diag(
        Diagnostic::new(
            Code::DomainFromVariable,
            format!(
                "{what}; DigitalOcean DNS names domains, not zone ids, so the domain is the appliance input `var.{DNS_DOMAIN}`"
            ),
        )
        .at(r.loc_of(key))
        .resource(r.address())
        .help("set `dns_domain` when deploying (the domain must be served by DigitalOcean DNS in the customer's account), or declare the zone in the origin by name (`data \"aws_route53_zone\"` with `name`)"),
    );
    var
}

/// Does the expression refer to a resource, data source or module?
fn mentions_resources(e: &Expression) -> bool {
    let mut found = false;
    hclx::walk(e, &mut |x| {
        if let Some((root, _)) = hclx::traversal_root(x) {
            found |= root.starts_with("aws_") || root == "data" || root == "module";
        }
    });
    found
}

/// Splits template text on whitespace outside `${…}`.
fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut depth = 0usize;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '$' | '%' if chars.peek() == Some(&'{') => {
                depth += 1;
                cur.push(c);
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            '}' if depth > 0 => {
                depth -= 1;
                cur.push(c);
            }
            c if c.is_whitespace() && depth == 0 => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn number_token(t: &str) -> Expression {
    match t.parse::<i64>() {
        Ok(n) => Expression::Number(n.into()),
        Err(_) => from_template(t),
    }
}

/// A host name value in FQDN-with-dot form (§7): DigitalOcean reads a host name without the
/// final dot as relative to the domain.
fn fqdn(e: Expression) -> Expression {
    match &e {
        Expression::String(v) if !v.ends_with('.') && v != "@" && v.contains('.') => {
            s(&format!("{v}."))
        }
        Expression::String(_) => e,
        other => match template_text(other) {
            Some(t) if !t.ends_with('.') => hclx::template(format!("{t}.")),
            _ => e,
        },
    }
}

/// The fields of one DigitalOcean record for one Route53 value. `Err` explains a value that
/// cannot be carried over.
fn value_fields(ty: &str, item: &Expression, body: &mut OutBody) -> Result<(), String> {
    let n = match ty {
        "MX" => 2,
        "SRV" => 4,
        "CAA" => 3,
        "CNAME" | "NS" => {
            body.set("value", fqdn(item.clone()));
            return Ok(());
        }
        "TXT" => {
            // Long TXT values are written as 255-character chunks joined by `""` in Route53.
            let v = match item {
                Expression::String(v) => s(&v.replace("\"\"", "")),
                other => other.clone(),
            };
            body.set("value", v);
            return Ok(());
        }
        _ => {
            body.set("value", item.clone());
            return Ok(());
        }
    };
    let toks = template_text(item)
        .filter(|_| matches!(item, Expression::String(_) | Expression::TemplateExpr(_)))
        .map(|t| tokens(&t));
    match toks {
        Some(t) if t.len() == n || (ty == "CAA" && t.len() > n) => match ty {
            "MX" => {
                body.set("priority", number_token(&t[0]));
                body.set("value", fqdn(from_template(&t[1])));
            }
            "SRV" => {
                body.set("priority", number_token(&t[0]));
                body.set("weight", number_token(&t[1]));
                body.set("port", number_token(&t[2]));
                body.set("value", fqdn(from_template(&t[3])));
            }
            _ => {
                let tag = t[1].to_ascii_lowercase();
                if !facts::CAA_TAGS.contains(&tag.as_str()) && !tag.contains("${") {
                    return Err(format!(
                        "CAA tag `{tag}` is not one DigitalOcean accepts (issue, issuewild, iodef)"
                    ));
                }
                let value = t[2..].join(" ");
                let value = value.trim_matches('"');
                body.set("flags", number_token(&t[0]));
                body.set("tag", from_template(&tag));
                body.set("value", from_template(value));
            }
        },
        Some(t) => {
            return Err(format!(
                "`{}` is not a {ty} value of {n} fields",
                t.join(" ")
            ));
        }
        None => {
            // Known only at deploy time: split it then.
            let x = hclx::inline(item);
            let parts: Vec<(&str, String)> = match ty {
                "MX" => vec![
                    ("priority", format!("tonumber(split(\" \", {x})[0])")),
                    ("value", format!("split(\" \", {x})[1]")),
                ],
                "SRV" => vec![
                    ("priority", format!("tonumber(split(\" \", {x})[0])")),
                    ("weight", format!("tonumber(split(\" \", {x})[1])")),
                    ("port", format!("tonumber(split(\" \", {x})[2])")),
                    ("value", format!("split(\" \", {x})[3]")),
                ],
                _ => vec![
                    ("flags", format!("tonumber(split(\" \", {x})[0])")),
                    ("tag", format!("split(\" \", {x})[1]")),
                    (
                        "value",
                        format!(
                            "trim(join(\" \", slice(split(\" \", {x}), 2, length(split(\" \", {x})))), \"\\\"\")"
                        ),
                    ),
                ],
            };
            for (k, v) in parts {
                body.set(k, hclx::parse_expr(&v).map_err(|e| e.to_string())?);
            }
        }
    }
    Ok(())
}

/// The values of a record: listed one by one, or a list known only at deploy time.
enum Values {
    Items(Vec<Expression>),
    Counted(Expression),
}

/// The SECONDARY answer of a Route53 failover pair (`failover_routing_policy { type =
/// "SECONDARY" }`): AWS serves it only while the primary's health check fails. DigitalOcean
/// DNS has no failover, so serving it beside the primary would send half of the live traffic
/// to the standby (round robin); it is left out with a warning (known gap #262). Its `fqdn` and
/// `name` read `null`. `false` for any other record.
fn failover_secondary(r: &Resource, cx: &mut Cx<'_>) -> bool {
    let secondary = hclx::blocks(&r.body, "failover_routing_policy")
        .into_iter()
        .filter_map(|b| hclx::attr(&b, "type").cloned())
        .filter_map(|e| cx.eval.string(&e))
        .any(|t| t.eq_ignore_ascii_case("SECONDARY"));
    if !secondary {
        return false;
    }
    let note = "the SECONDARY answer of a Route53 failover pair, which AWS serves only while the primary's health check fails: DigitalOcean DNS has no failover, and serving it beside the PRIMARY record would send live traffic to the standby, so it is left out";
    cx.drop(r, note);
    for a in ["fqdn", "name", "id"] {
        cx.export(
            r,
            a,
            Export::Unmapped(format!("`{}` was left out: {note}", r.address()).into()),
        );
    }
    cx.diag(
        Diagnostic::new(Code::FeatureUnsupported, format!("`{}` is {note}", r.address()))
            .at(r.loc_of("failover_routing_policy"))
            .resource(r.address())
            .help("to fail over, point the PRIMARY record at the standby (by hand or from a `digitalocean_uptime_alert`), or put both behind one DigitalOcean load balancer, which health-checks its targets"),
    );
    true
}

fn record(r: &Resource, cx: &mut Cx<'_>) {
    if validation_record(r) {
        cx.drop(
            r,
            "an ACM DNS-validation record: DigitalOcean validates Let's Encrypt certificates itself",
        );
        for a in ["fqdn", "name", "id"] {
            cx.export(
                r,
                a,
                Export::Unmapped(
                    "ACM validation records are not needed: DigitalOcean validates Let's Encrypt certificates itself".into(),
                ),
            );
        }
        return;
    }
    let z = zone_of(cx, r);
    if let Some(z) = z
        && (!hclx::blocks(&z.body, "vpc").is_empty()
            || hclx::attr(&z.body, "private_zone").and_then(|e| cx.eval.bool(e)) == Some(true))
    {
        cx.st.outcomes.insert(
            r.address().to_string(),
            OutcomeRec {
                outcome: Outcome::Unsupported,
                targets: vec![],
                note: Some(format!(
                    "its hosted zone `{}` is private, which DigitalOcean DNS does not offer",
                    z.address()
                )),
            },
        );
        return;
    }
    let mut domain = cx.expr(r, "zone_id").unwrap_or(Expression::Null);
    // A zone outside the stack (a zone id, a variable, a remote state output): its domain name
    // is unknown, so it becomes an input. A module output keeps its value (a module of the
    // stack maps its zone's `zone_id` to the domain name).
    // In a child module, a zone id from a module input is whatever the caller passes: a zone
    // of the stack arrives as its domain name (the zone's `zone_id` export), so it is kept.
    let from_input =
        !cx.module.dir.is_empty() && matches!(hclx::traversal_root(&domain), Some(("var", _)));
    let outside = z.is_none() && !mentions_module(&domain) && !from_input;
    if outside {
        domain = dns_domain(
            cx,
            r,
            "zone_id",
            &format!(
                "`{}` belongs to the hosted zone `{}`, which is not part of the stack",
                r.address(),
                cx.eval
                    .string(&domain)
                    .unwrap_or_else(|| hclx::inline(&domain))
            ),
        );
    } else if z.is_none() {
        cx.diag(
            Diagnostic::new(
                Code::FeatureUnsupported,
                format!(
                    "the hosted zone of `{}` (`{}`) is not part of the stack; on DigitalOcean `domain` must be the domain's name",
                    r.address(),
                    hclx::inline(&domain)
                ),
            )
            .at(r.loc_of("zone_id"))
            .resource(r.address())
            .help("declare the zone in the origin (an `aws_route53_zone` resource or data source), or pass the domain name instead of the zone id"),
        );
    }
    if failover_secondary(r, cx) {
        return;
    }
    let routing: Vec<&str> = ROUTING
        .iter()
        .copied()
        .filter(|k| hclx::attr(&r.body, k).is_some() || !hclx::blocks(&r.body, k).is_empty())
        .collect();
    if !routing.is_empty() {
        let list = routing
            .iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", ");
        cx.diag(
            Diagnostic::new(
                Code::FeatureUnsupported,
                format!(
                    "`{}` uses Route53 routing ({list}); DigitalOcean DNS has no routing policies or health-checked answers, so its values are served as plain records alongside any other records of the same name",
                    r.address()
                ),
            )
            .at(r.loc_of(routing[0]))
            .resource(r.address())
            .help("keep one set of values per name; for failover use a DigitalOcean load balancer (health-checked), and `digitalocean_uptime_check` + `digitalocean_uptime_alert` for monitoring"),
        );
    }
    let mut notes: Vec<String> = Vec::new();
    if !routing.is_empty() {
        notes.push("its Route53 routing policy is lost: served as a plain record".into());
    }

    let mut ty = cx.str(r, "type").map(|t| t.to_ascii_uppercase());
    let mut zn = zone_name(cx, z);
    if outside {
        zn.texts.push("${var.dns_domain}".into());
        zn.expr = Some(hclx::path(&["var", DNS_DOMAIN]));
    }
    let (name, sure) = relative_name(cx, r, &zn);
    if !sure {
        notes.push(format!(
            "the name `{}` is written as in the origin; DigitalOcean expects it relative to the domain (`www`, `@` for the apex)",
            hclx::inline(&name)
        ));
    }
    let apex = matches!(&name, Expression::String(v) if v == "@");

    match ty.as_deref() {
        Some("SPF") => {
            cx.diag(
                Diagnostic::new(
                    Code::FeatureUnsupported,
                    format!(
                        "`{}` is an SPF record; DigitalOcean DNS has no SPF type, so it became a TXT record",
                        r.address()
                    ),
                )
                .at(r.loc_of("type"))
                .resource(r.address())
                .help(facts::record_type_help("SPF")),
            );
            ty = Some("TXT".into());
            notes.push("SPF record published as TXT".into());
        }
        Some("SOA") => {
            cx.drop(r, "DigitalOcean manages the SOA record of every domain");
            return;
        }
        Some("NS") if apex => {
            cx.drop(
                r,
                "DigitalOcean serves the apex NS records of every domain itself (ns1–ns3.digitalocean.com)",
            );
            return;
        }
        Some(t) if !facts::RECORD_TYPES.contains(&t) => {
            cx.unsupported(
                r,
                Code::FeatureUnsupported,
                format!(
                    "`{}` is a {t} record, a type DigitalOcean DNS does not serve",
                    r.address()
                ),
                facts::record_type_help(t),
            );
            return;
        }
        _ => {}
    }

    let ttl = cx
        .expr(r, "ttl")
        .filter(|e| !matches!(e, Expression::Null))
        .map(|e| match cx.eval.number(&e) {
            Some(v) if v < 1.0 => Expression::Number(1.into()),
            _ => e,
        });

    // ---- alias records ----
    if let Some(alias) = hclx::blocks(&r.body, "alias").into_iter().next() {
        let Some(target) = hclx::attr(&alias, "name").cloned() else {
            cx.unsupported(
                r,
                Code::UnsupportedValue,
                format!("the alias of `{}` has no `name`", r.address()),
                "point the alias at a load balancer of the stack",
            );
            return;
        };
        let Some((rty, value)) = alias_value(cx, r, ty.as_deref(), &target, apex) else {
            return;
        };
        let mut body = OutBody::new();
        body.set("domain", domain);
        body.set("type", s(rty));
        body.set("name", name);
        body.set("value", value);
        // No ttl: an alias answers with the target's TTL; DigitalOcean's default (1800 s) fits a
        // load balancer IP, which does not change.
        let addr = cx.emit(r, "digitalocean_record", body);
        notes.insert(
            0,
            format!(
                "alias became a{} {rty} record",
                if rty.starts_with('A') { "n" } else { "" }
            ),
        );
        cx.note(r, notes.join("; "));
        record_exports(cx, r, &addr, false);
        return;
    }

    // ---- value records ----
    let mut values = match cx
        .expr(r, "records")
        .filter(|e| !matches!(e, Expression::Null))
    {
        Some(Expression::Array(items)) => Values::Items(items),
        Some(list) if !r.meta.is_repeated() => Values::Counted(list),
        Some(list) => {
            cx.diag(
                Diagnostic::new(
                    Code::FeatureUnsupported,
                    format!(
                        "the values of `{}` are a list known only at deploy time, and the record already repeats (`count`/`for_each`); Ferry kept its first value",
                        r.address()
                    ),
                )
                .at(r.loc_of("records"))
                .resource(r.address())
                .help("write the values as a list literal (`records = [a, b]`) so each becomes a DigitalOcean record"),
            );
            let first = hclx::parse_expr(&format!("{}[0]", hclx::inline(&list)))
                .unwrap_or(Expression::Null);
            Values::Items(vec![first])
        }
        None => {
            cx.unsupported(
                r,
                Code::UnsupportedValue,
                format!("`{}` has neither `records` nor `alias`", r.address()),
                "give the record its values",
            );
            return;
        }
    };
    // A CNAME to a load balancer's host name: the DigitalOcean load balancer has an IP address.
    if ty.as_deref() == Some("CNAME")
        && let Values::Items(items) = &values
        && let [item] = items.as_slice()
        && (cx
            .resolve_ref(item)
            .is_some_and(|t| matches!(t.ty.as_str(), "aws_lb" | "aws_alb" | "aws_elb"))
            || cx.xmod.lb_ips.contains_key(&hclx::inline(item)))
    {
        ty = Some("A".into());
        notes.push(
            "its CNAME to a load balancer became an A record to the load balancer's IP address"
                .into(),
        );
    }
    // A CNAME to the host name of a Kubernetes Service of type LoadBalancer (an ingress
    // controller's): on DOKS the Service's load balancer publishes an IP address
    // (`ingress[0].ip`), and its `hostname` is empty.
    if ty.as_deref() == Some("CNAME")
        && let Values::Items(items) = &mut values
        && let [item] = items.as_mut_slice()
        && let Some(ip) = service_lb_ip(item)
    {
        *item = ip;
        ty = Some("A".into());
        notes.push(
            "its CNAME to a Kubernetes Service's load balancer host name became an A record to the load balancer's IP address (DOKS load balancers publish an IP, not a host name)"
                .into(),
        );
    }
    let ty_expr = match &ty {
        Some(t) => s(t),
        None => cx.expr(r, "type").unwrap_or(Expression::Null),
    };
    let split_ty = ty.clone().unwrap_or_default();
    let base = |value: &dyn Fn(&mut OutBody) -> Result<(), String>| {
        let mut body = OutBody::new();
        body.set("domain", domain.clone());
        body.set("type", ty_expr.clone());
        body.set("name", name.clone());
        value(&mut body).map(|_| {
            body.set_opt("ttl", ttl.clone());
            body
        })
    };
    match values {
        Values::Items(items) => {
            let mut first: Option<String> = None;
            let mut emitted = 0usize;
            for (i, item) in items.iter().enumerate() {
                match base(&|b| value_fields(&split_ty, item, b)) {
                    Ok(body) => {
                        let n = if emitted == 0 {
                            r.name.clone()
                        } else {
                            format!("{}_{}", r.name, emitted + 1)
                        };
                        let addr = cx.emit_as(r, Mode::Managed, "digitalocean_record", &n, body);
                        first.get_or_insert(addr);
                        emitted += 1;
                    }
                    Err(why) => cx.diag(
                        Diagnostic::new(
                            Code::UnsupportedValue,
                            format!(
                                "value {} of `{}` cannot be carried over: {why}",
                                i + 1,
                                r.address()
                            ),
                        )
                        .at(r.loc_of("records"))
                        .resource(r.address())
                        .help("write the value in the standard zone-file form for its type"),
                    ),
                }
            }
            let Some(addr) = first else {
                cx.st.outcomes.insert(
                    r.address().to_string(),
                    OutcomeRec {
                        outcome: Outcome::Unsupported,
                        targets: vec![],
                        note: Some("none of its values can be carried over".into()),
                    },
                );
                return;
            };
            if emitted > 1 {
                notes.insert(
                    0,
                    format!("{emitted} values → {emitted} records (DigitalOcean holds one value per record)"),
                );
            }
            if emitted < items.len() {
                notes.push(format!(
                    "{} of {} values could not be carried over",
                    items.len() - emitted,
                    items.len()
                ));
            }
            if !notes.is_empty() {
                cx.note(r, notes.join("; "));
            }
            record_exports(cx, r, &addr, false);
        }
        Values::Counted(list) => {
            let item = hclx::parse_expr(&format!("{}[count.index]", hclx::inline(&list)))
                .unwrap_or(Expression::Null);
            let body = match base(&|b| value_fields(&split_ty, &item, b)) {
                Ok(b) => b,
                Err(why) => {
                    cx.unsupported(
                        r,
                        Code::UnsupportedValue,
                        format!(
                            "the values of `{}` cannot be carried over: {why}",
                            r.address()
                        ),
                        "write the values in the standard zone-file form for their type",
                    );
                    return;
                }
            };
            let addr = cx.emit(r, "digitalocean_record", body);
            if let Some(e) = cx.emitted_mut(&addr) {
                e.meta.count = hclx::parse_expr(&format!("length({})", hclx::inline(&list))).ok();
            }
            notes.insert(
                0,
                "one record per value: `count` over the list of values (DigitalOcean holds one value per record)".into(),
            );
            cx.note(r, notes.join("; "));
            record_exports(cx, r, &addr, true);
        }
    }
}

/// A visitor for `hclx::walk_mut`: a read of a Kubernetes load balancer's `hostname`
/// ([`service_lb_ip`]) becomes its `ip`, counted in `count`; returns whether to look inside.
pub(crate) fn read_lb_ip(e: &mut Expression, count: &mut usize) -> bool {
    match service_lb_ip(e) {
        Some(ip) => {
            *e = ip;
            *count += 1;
            false
        }
        None => true,
    }
}

/// `kubernetes_service.x.status.0.load_balancer.0.ingress.0.hostname` (a Service or an Ingress,
/// a resource or data source, v1 or not, in any index form; also as `"${…}"`) → the same path
/// to `ip`. A DOKS load balancer publishes an IP address and no host name, and an Ingress
/// served by the NGINX controller publishes its controller's.
pub(crate) fn service_lb_ip(e: &Expression) -> Option<Expression> {
    use hcl::expr::TraversalOperator as Op;
    let e = crate::origin::legacy::interpolation_only(e).unwrap_or_else(|| e.clone());
    let Expression::Traversal(mut t) = e else {
        return None;
    };
    let Expression::Variable(root) = &t.expr else {
        return None;
    };
    let ty = match (root.as_str(), t.operators.first()) {
        ("data", Some(Op::GetAttr(ty))) => ty.as_str(),
        (ty, _) => ty,
    };
    if !matches!(
        ty,
        "kubernetes_service"
            | "kubernetes_service_v1"
            | "kubernetes_ingress"
            | "kubernetes_ingress_v1"
    ) {
        return None;
    }
    let names: Vec<&str> = t
        .operators
        .iter()
        .filter_map(|op| match op {
            Op::GetAttr(a) => Some(a.as_str()),
            _ => None,
        })
        .collect();
    if !(names.contains(&"load_balancer") && names.contains(&"ingress")) {
        return None;
    }
    match t.operators.last_mut() {
        Some(Op::GetAttr(a)) if a.as_str() == "hostname" => {
            *a = hcl::Identifier::unchecked("ip");
        }
        _ => return None,
    }
    Some(Expression::Traversal(t))
}

fn record_exports(cx: &mut Cx<'_>, r: &Resource, addr: &str, counted: bool) {
    for (aws, dig) in [("fqdn", "fqdn"), ("name", "fqdn"), ("id", "id")] {
        let ex = if counted {
            Export::Tmpl {
                target: addr.to_string(),
                tmpl: format!("$T[0].{dig}"),
            }
        } else {
            Export::Attr {
                target: addr.to_string(),
                attr: dig.into(),
            }
        };
        cx.export(r, aws, ex);
    }
}

/// The type and value of a record standing for an alias, or `None` (outcome recorded) when
/// the alias target has no DigitalOcean equivalent.
fn alias_value(
    cx: &mut Cx<'_>,
    r: &Resource,
    ty: Option<&str>,
    target: &Expression,
    apex: bool,
) -> Option<(&'static str, Expression)> {
    let t = cx.resolve_ref(target);
    // The address of a load balancer of another local module, read through module outputs
    // (`crate::xmod`): it is the load balancer's IPv4 address in the emitted stack.
    if t.is_none()
        && let Some(lb) = cx.xmod.lb_ips.get(&hclx::inline(target))
    {
        if ty == Some("AAAA") {
            cx.unsupported(
                r,
                Code::FeatureUnsupported,
                format!(
                    "`{}` is an AAAA alias to the load balancer `{lb}` of another module (`{}`), which reads its IPv4 address",
                    r.address(),
                    hclx::inline(target)
                ),
                "drop the AAAA alias, or add an output of the load balancer's `ipv6` (DUALSTACK) to the deployment stack and an AAAA record reading it",
            );
            return None;
        }
        return Some(("A", target.clone()));
    }
    let ty_name = t.map(|t| t.ty.clone()).unwrap_or_default();
    match ty_name.as_str() {
        "aws_lb" | "aws_alb" | "aws_elb" => Some(load_balancer_alias(ty, target)),
        "aws_route53_record" if !apex => {
            let v = hclx::template(format!("{}.", hclx::to_template_part(target)));
            Some(("CNAME", v))
        }
        "aws_cloudfront_distribution" => {
            let cf = t?;
            cloudfront_alias(cx, r, ty, target, cf, apex)
        }
        _ => {
            let (what, help) = match ty_name.as_str() {
                "aws_s3_bucket" | "aws_s3_bucket_website_configuration" => (
                    "an S3 website",
                    "Spaces does not host websites: serve the site as an App Platform static site and point the name at it",
                ),
                "aws_route53_record" => (
                    "another record at the zone apex",
                    "DNS allows no CNAME at the apex: point the apex at an IP address (A record), e.g. a DigitalOcean load balancer",
                ),
                _ => (
                    "a target outside the stack",
                    "point the name at a DigitalOcean load balancer of the stack (alias to the `aws_lb`), or write an A/CNAME record with the target's address",
                ),
            };
            cx.unsupported(
                r,
                Code::FeatureUnsupported,
                format!(
                    "`{}` is an alias to {what} (`{}`); DigitalOcean DNS has no alias records and no equivalent target",
                    r.address(),
                    hclx::inline(target)
                ),
                help,
            );
            None
        }
    }
}

/// An alias to a load balancer (`target` reads its `dns_name`): an `A` record of its IPv4
/// address, or for `AAAA` one of its `ipv6`.
fn load_balancer_alias(ty: Option<&str>, target: &Expression) -> (&'static str, Expression) {
    if ty != Some("AAAA") {
        return ("A", target.clone());
    }
    let mut v = target.clone();
    hclx::walk_mut(&mut v, &mut |x| {
        if let Expression::Traversal(tr) = x {
            for op in tr.operators.iter_mut() {
                if matches!(op, Op::GetAttr(a) if a.as_str() == "dns_name") {
                    *op = Op::GetAttr(hcl::Identifier::unchecked("ipv6"));
                }
            }
            return false;
        }
        true
    });
    ("AAAA", v)
}

/// An alias to a CloudFront distribution. A distribution that only caches in front of a load
/// balancer of the stack is left out (`catalog::load_balancer_origin`): the alias is one to the
/// load balancer. Below the apex it becomes a CNAME to the Spaces CDN
/// endpoint the distribution maps to (`digitalocean_cdn.x.endpoint`, through the distribution's
/// `domain_name` export), when the distribution maps to one (`catalog::cdn_origin`); an `AAAA`
/// alias beside an `A` alias of the same name and target is dropped, as the one CNAME answers
/// for both. At the apex DNS allows no CNAME and the CDN endpoint has no fixed address: the
/// record is unsupported, with what to do instead.
fn cloudfront_alias(
    cx: &mut Cx<'_>,
    r: &Resource,
    ty: Option<&str>,
    target: &Expression,
    cf: &Resource,
    apex: bool,
) -> Option<(&'static str, Expression)> {
    if let Some(lb) = super::catalog::load_balancer_origin(cx, cf) {
        let dns = hclx::path(&[lb.ty.as_str(), lb.name.as_str(), "dns_name"]);
        return Some(load_balancer_alias(ty, &dns));
    }
    let shown = hclx::inline(target);
    if apex {
        cx.unsupported(
            r,
            Code::FeatureUnsupported,
            format!(
                "`{}` is an alias at the zone apex to the CloudFront distribution `{shown}`; DNS allows no CNAME at the apex, and the Spaces CDN endpoint has no fixed IP address for an A record",
                r.address()
            ),
            "serve the site under a subdomain (`www`, an alias record Ferry turns into a CNAME to the CDN endpoint) and redirect the apex to it, or put the apex behind a DigitalOcean load balancer (A record)",
        );
        return None;
    }
    if let Err(why) = super::catalog::cdn_origin(cx, cf) {
        cx.unsupported(
            r,
            Code::FeatureUnsupported,
            format!(
                "`{}` is an alias to the CloudFront distribution `{shown}`, which does not become a Spaces CDN endpoint ({why}); DigitalOcean DNS has no alias records and no equivalent target",
                r.address()
            ),
            "point a CNAME at the host name of the CDN that replaces it, or give the distribution a single S3 bucket origin of the stack so that it maps to the Spaces CDN",
        );
        return None;
    }
    if ty == Some("AAAA") && has_a_twin(cx, r, cf) {
        cx.drop(
            r,
            "the CNAME that the `A` alias of the same name became answers IPv6 queries, too",
        );
        return None;
    }
    let v = hclx::template(format!("{}.", hclx::to_template_part(target)));
    Some(("CNAME", v))
}

/// Is there an `A` alias record with the same zone and name as `r`, to the distribution `cf`?
fn has_a_twin(cx: &Cx<'_>, r: &Resource, cf: &Resource) -> bool {
    let key = |x: &Resource, k: &str| hclx::attr(&x.body, k).map(hclx::inline);
    cx.resources.iter().any(|o| {
        o.mode == Mode::Managed
            && o.ty == r.ty
            && o.address() != r.address()
            && hclx::attr(&o.body, "type")
                .and_then(|e| cx.eval.string(e))
                .is_some_and(|t| t.eq_ignore_ascii_case("A"))
            && key(o, "zone_id") == key(r, "zone_id")
            && key(o, "name") == key(r, "name")
            && hclx::blocks(&o.body, "alias")
                .first()
                .and_then(|a| hclx::attr(a, "name"))
                .and_then(|n| cx.resolve_ref(n))
                .is_some_and(|t| t.address() == cf.address())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uptime_regions_are_the_nearest() {
        assert_eq!(uptime_region("us-east-2"), Some("us_east"));
        assert_eq!(uptime_region("us-west-1"), Some("us_west"));
        assert_eq!(uptime_region("eu-central-1"), Some("eu_west"));
        assert_eq!(uptime_region("ap-southeast-2"), Some("se_asia"));
        assert_eq!(uptime_region("sa-east-1"), None);
    }

    #[test]
    fn tokens_respect_interpolations() {
        assert_eq!(
            tokens("10 mail.example.com."),
            vec!["10", "mail.example.com."]
        );
        assert_eq!(
            tokens("${var.prio} ${join(\" \", [var.a])}"),
            vec!["${var.prio}", "${join(\" \", [var.a])}"]
        );
        assert_eq!(
            tokens("0 issue \"letsencrypt.org\""),
            vec!["0", "issue", "\"letsencrypt.org\""]
        );
    }

    #[test]
    fn mx_srv_caa_split() {
        let mut b = OutBody::new();
        value_fields("MX", &s("10 mail.example.com"), &mut b).expect("mx");
        assert_eq!(b.get("priority"), Some(&Expression::Number(10.into())));
        assert_eq!(b.get("value"), Some(&s("mail.example.com.")));
        let mut b = OutBody::new();
        value_fields("SRV", &s("10 5 5060 sip.example.com."), &mut b).expect("srv");
        assert_eq!(b.get("port"), Some(&Expression::Number(5060.into())));
        let mut b = OutBody::new();
        value_fields("CAA", &s("0 issue \"letsencrypt.org\""), &mut b).expect("caa");
        assert_eq!(b.get("tag"), Some(&s("issue")));
        assert_eq!(b.get("value"), Some(&s("letsencrypt.org")));
        let mut b = OutBody::new();
        assert!(value_fields("CAA", &s("0 issuemail \"x\""), &mut b).is_err());
        assert!(value_fields("MX", &s("mail.example.com"), &mut b).is_err());
    }

    #[test]
    fn from_template_unwraps_single_interpolations() {
        assert_eq!(from_template("www"), s("www"));
        assert_eq!(
            hclx::inline(&from_template("${var.env}")),
            "var.env".to_string()
        );
    }
}
