//! Load balancers (mapping facts §6): ALB/NLB (`aws_lb`, `aws_alb`) with their listeners,
//! target groups, listener rules and target attachments, and the classic ELB (`aws_elb`) →
//! one `digitalocean_loadbalancer` each.
//!
//! AWS spreads a load balancer over many resources; DigitalOcean holds everything in one:
//! a set of `forwarding_rule` blocks (at least one), **one** `healthcheck`, **one**
//! `sticky_sessions`, a `firewall` and the target Droplets. So the load balancer rule
//! (phase Primary) assembles the whole DigitalOcean load balancer at once: it finds the
//! listeners that point at it (`load_balancer_arn`), the target groups their default actions
//! forward to, the attachments of those target groups, the listener rules and extra listener
//! certificates, and records every one of them as absorbed into the load balancer. The load
//! balancer is therefore complete (and schema-valid) whatever the order of the origin, and
//! every sub-resource gets exactly one outcome. The sub-resource rules (phase Attach) only
//! handle what the load balancer rule did not reach: a listener whose load balancer is not in
//! the stack, a target group no listener forwards to, and so on.
//!
//! The assembly is spread over `listeners` (forwarding rules, certificates, redirects, lost
//! rules), `targets` (target groups: targets, health check, sticky sessions), `pools` (Auto
//! Scaling groups behind a load balancer, by Droplet tag) and `elb` (the classic ELB).

use super::{Cx, Export, OutcomeRec, Phase, RuleDef};
use crate::diag::{Code, Diagnostic};
use crate::facts::lb_dns as facts;
use crate::hclx;
use crate::origin::{Mode, Resource};
use crate::out::{Item, OutBlock, OutBody};
use crate::report::Outcome;
use hcl::expr::TraversalOperator as Op;
use hcl::{Body, Expression};

mod elb;
mod listeners;
mod pools;
mod targets;

use elb::{elb, elb_attachment, elb_cookie_stickiness};
pub(crate) use listeners::access_control_lost;
use listeners::listener_into;
pub(super) use listeners::{
    conditional_redirect_lost, fixed_response_fallback, forward_targets, is_stack_certificate,
};
use pools::pools_behind;
pub use pools::targets_workloads;
pub(super) use pools::{ASG_ATTACHMENT_TYPES, name_tag, pool_lbs, pool_tag};
use targets::target_groups_into;

pub(crate) const LISTENER_TYPES: &[&str] = &["aws_lb_listener", "aws_alb_listener"];
pub(crate) const TG_TYPES: &[&str] = &["aws_lb_target_group", "aws_alb_target_group"];
pub(crate) const LISTENER_RULE_TYPES: &[&str] = &["aws_lb_listener_rule", "aws_alb_listener_rule"];
const ATTACHMENT_TYPES: &[&str] = &[
    "aws_lb_target_group_attachment",
    "aws_alb_target_group_attachment",
];
pub(crate) const LISTENER_CERT_TYPES: &[&str] = &[
    "aws_lb_listener_certificate",
    "aws_alb_listener_certificate",
];

const LB_ARGS: &[&str] = &[
    "name",
    "name_prefix",
    "load_balancer_type",
    "internal",
    "ip_address_type",
    "idle_timeout",
    "security_groups",
    // DigitalOcean load balancers are regional: `region` + `vpc_uuid` replace subnets (§6).
    "subnets",
    "enable_cross_zone_load_balancing",
];
const LISTENER_ARGS: &[&str] = &[
    "load_balancer_arn",
    "port",
    "protocol",
    "certificate_arn",
    "ssl_policy",
    "default_action",
];
const TG_ARGS: &[&str] = &[
    "name",
    "name_prefix",
    "port",
    "protocol",
    "protocol_version",
    "vpc_id",
    "target_type",
    "health_check",
    "stickiness",
    "proxy_protocol_v2",
];
const LISTENER_RULE_ARGS: &[&str] = &["listener_arn", "priority", "action", "condition"];
const ATTACHMENT_ARGS: &[&str] = &["target_group_arn", "target_id", "port", "availability_zone"];
const LISTENER_CERT_ARGS: &[&str] = &["listener_arn", "certificate_arn"];
const ELB_ARGS: &[&str] = &[
    "name",
    "name_prefix",
    "listener",
    "health_check",
    "instances",
    "internal",
    "idle_timeout",
    "security_groups",
    "subnets",
    "availability_zones",
    "cross_zone_load_balancing",
];

pub const RULES: &[RuleDef] = &[
    RuleDef {
        ty: "aws_lb",
        mode: Mode::Managed,
        phase: Phase::Primary,
        produces: &["digitalocean_loadbalancer"],
        args: LB_ARGS,
        summary: "ALB/NLB → digitalocean_loadbalancer (REGIONAL / REGIONAL_NETWORK) with its listeners, target groups and targets folded in",
        map: lb,
    },
    RuleDef {
        ty: "aws_alb",
        mode: Mode::Managed,
        phase: Phase::Primary,
        produces: &["digitalocean_loadbalancer"],
        args: LB_ARGS,
        summary: "ALB (old name of aws_lb) → digitalocean_loadbalancer",
        map: lb,
    },
    RuleDef {
        ty: "aws_elb",
        mode: Mode::Managed,
        phase: Phase::Primary,
        produces: &["digitalocean_loadbalancer"],
        args: ELB_ARGS,
        summary: "classic ELB → digitalocean_loadbalancer (listeners → forwarding rules, health_check → healthcheck, instances → droplet_ids)",
        map: elb,
    },
    RuleDef {
        ty: "aws_lb_cookie_stickiness_policy",
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &[],
        args: &[
            "name",
            "load_balancer",
            "lb_port",
            "cookie_expiration_period",
        ],
        summary: "classic ELB cookie stickiness → sticky_sessions of its load balancer (cookie `DO-LB`)",
        map: elb_cookie_stickiness,
    },
    RuleDef {
        ty: "aws_app_cookie_stickiness_policy",
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &[],
        args: &["name", "load_balancer", "lb_port", "cookie_name"],
        summary: "classic ELB application-cookie stickiness → sticky_sessions of its load balancer (its own cookie `DO-LB`)",
        map: elb_cookie_stickiness,
    },
    RuleDef {
        ty: "aws_lb_listener",
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &[],
        args: LISTENER_ARGS,
        summary: "listener → forwarding rules of its load balancer (entry from the listener, target from the target group)",
        map: listener,
    },
    RuleDef {
        ty: "aws_alb_listener",
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &[],
        args: LISTENER_ARGS,
        summary: "listener (old name) → forwarding rules of its load balancer",
        map: listener,
    },
    RuleDef {
        ty: "aws_lb_target_group",
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &[],
        args: TG_ARGS,
        summary: "target group → target port/protocol of the forwarding rules, the healthcheck and sticky_sessions of the load balancer that uses it",
        map: target_group,
    },
    RuleDef {
        ty: "aws_alb_target_group",
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &[],
        args: TG_ARGS,
        summary: "target group (old name) → folded into the load balancer that uses it",
        map: target_group,
    },
    RuleDef {
        ty: "aws_lb_listener_rule",
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &[],
        args: LISTENER_RULE_ARGS,
        summary: "listener rule → lost (DigitalOcean load balancers have no L7 routing rules); flagged",
        map: listener_rule,
    },
    RuleDef {
        ty: "aws_alb_listener_rule",
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &[],
        args: LISTENER_RULE_ARGS,
        summary: "listener rule (old name) → lost; flagged",
        map: listener_rule,
    },
    RuleDef {
        ty: "aws_lb_target_group_attachment",
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &[],
        args: ATTACHMENT_ARGS,
        summary: "instance target → `droplet_ids` of the load balancer",
        map: attachment,
    },
    RuleDef {
        ty: "aws_alb_target_group_attachment",
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &[],
        args: ATTACHMENT_ARGS,
        summary: "instance target (old name) → `droplet_ids` of the load balancer",
        map: attachment,
    },
    RuleDef {
        ty: "aws_lb_listener_certificate",
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &[],
        args: LISTENER_CERT_ARGS,
        summary: "extra listener certificate → not expressible (one certificate per forwarding rule); flagged",
        map: listener_certificate,
    },
    RuleDef {
        ty: "aws_alb_listener_certificate",
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &[],
        args: LISTENER_CERT_ARGS,
        summary: "extra listener certificate (old name) → not expressible; flagged",
        map: listener_certificate,
    },
    RuleDef {
        ty: "aws_elb_attachment",
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &[],
        args: &["elb", "instance"],
        summary: "classic ELB instance attachment → `droplet_ids` of the load balancer",
        map: elb_attachment,
    },
];

// ---- the pieces a load balancer is assembled from ------------------------------------------

/// One `forwarding_rule` block.
#[derive(Debug, Clone)]
struct Fwd {
    entry_protocol: &'static str,
    entry_port: Expression,
    target_protocol: &'static str,
    target_port: Expression,
    certificate: Option<Expression>,
    /// `for_each` of a `dynamic "forwarding_rule"` block (a listener with `count`/`for_each`).
    repeat: Option<Expression>,
}

/// Targets: one Droplet id, or a list of them (`aws_instance.web[*].id`).
#[derive(Debug, Clone)]
enum Target {
    One(Expression),
    Many(Expression),
}

/// Everything collected for one load balancer before it is emitted.
#[derive(Debug, Default)]
struct Build<'a> {
    rules: Vec<Fwd>,
    redirect: bool,
    /// The condition of the deployment under which a listener that forwards at the defaults
    /// redirects HTTP to HTTPS instead (`type = var.cert != "" ? "redirect" : "forward"`).
    redirect_when: Vec<Expression>,
    /// Listeners whose HTTP → HTTPS redirect became `redirect_http_to_https`.
    redirect_from: Vec<String>,
    /// (DigitalOcean policy, AWS policy, listener address).
    tls_policy: Option<(&'static str, String, String)>,
    health: Option<OutBody>,
    sticky: Option<OutBody>,
    proxy_protocol: bool,
    targets: Vec<Target>,
    /// A network load balancer got an https rule (a TLS listener): it must be REGIONAL.
    needs_http_lb: bool,
    /// A forwarding rule serves a certificate of the stack (Let's Encrypt on DigitalOcean).
    stack_certificate: bool,
    /// Target groups the listeners' default actions forward to, in order, each with the
    /// instance a listener names (`aws_lb_target_group.x["https"]`) when it repeats.
    target_groups: Vec<(&'a Resource, Option<hcl::Value>)>,
    /// Autoscaling groups whose droplets are the targets (`droplet_tag`).
    pools: Vec<&'a Resource>,
    absorbed: Vec<(&'a Resource, String)>,
}

impl<'a> Build<'a> {
    fn use_target_group(&mut self, tg: &'a Resource, key: Option<hcl::Value>) {
        if !self
            .target_groups
            .iter()
            .any(|(t, k)| t.address() == tg.address() && *k == key)
        {
            self.target_groups.push((tg, key));
        }
    }
}

fn num(n: i64) -> Expression {
    Expression::Number(n.into())
}

fn s(v: &str) -> Expression {
    Expression::String(v.to_string())
}

fn warn(
    cx: &mut Cx<'_>,
    code: Code,
    r: &Resource,
    key: &str,
    message: impl Into<String>,
    help: impl Into<String>,
) {
    cx.diag(
        Diagnostic::new(code, message)
            .at(r.loc_of(key))
            .resource(r.address())
            .help(help),
    );
}

/// The static string of an attribute of a nested block.
fn bstr(cx: &Cx<'_>, body: &Body, key: &str) -> Option<String> {
    hclx::attr(body, key)
        .filter(|e| !matches!(e, Expression::Null))
        .and_then(|e| cx.eval.string(e))
}

fn bbool(cx: &Cx<'_>, body: &Body, key: &str) -> Option<bool> {
    hclx::attr(body, key)
        .filter(|e| !matches!(e, Expression::Null))
        .and_then(|e| cx.eval.bool(e))
}

/// Does the expression depend on the instance of a repeated resource (`count.index`, `each`)?
pub(super) fn per_instance(e: &Expression) -> bool {
    let mut found = false;
    hclx::walk(e, &mut |x| {
        found |= matches!(
            hclx::traversal_root(x),
            Some(("count", _)) | Some(("each", _))
        );
    });
    found
}

/// An expression of `owner` used on the load balancer: as written, unless it depends on the
/// instance of a repeated `owner` (`each.value.port`); then its value for a representative
/// instance (the first), or `None` when that is not static.
fn outside(cx: &Cx<'_>, owner: &Resource, e: &Expression) -> Option<Expression> {
    outside_at(cx, owner, None, e)
}

/// [`outside`] for the instance `key` of a repeated `owner` (the first without a key).
fn outside_at(
    cx: &Cx<'_>,
    owner: &Resource,
    key: Option<&hcl::Value>,
    e: &Expression,
) -> Option<Expression> {
    if !per_instance(e) {
        return Some(e.clone());
    }
    let ev = cx.eval.for_instance_key(&owner.meta, key)?;
    ev.value(e).map(|v| crate::eval::value_to_expr(&v))
}

/// The instance of `r` a reference to it names: `"https"` in `aws_lb_target_group.x["https"].arn`,
/// `1` in `aws_lb_target_group.x[1].arn`; `None` without an index or when it is not static.
fn instance_key(cx: &Cx<'_>, r: &Resource, e: &Expression) -> Option<hcl::Value> {
    if r.meta.count.is_none() && r.meta.for_each.is_none() {
        return None;
    }
    let mut key = None;
    hclx::walk(e, &mut |x| {
        if key.is_some() {
            return;
        }
        if let Some((root, [Op::GetAttr(name), index, ..])) = hclx::traversal_root(x)
            && root == r.ty
            && name.as_str() == r.name
        {
            key = match index {
                Op::Index(i) => cx.eval.value(i),
                Op::LegacyIndex(n) => Some(hcl::Value::from(*n)),
                _ => None,
            };
        }
    });
    key
}

/// The static string value of argument `name` of the instance `key` of `r` ([`Cx::str`] when
/// it does not depend on the instance).
fn str_at(cx: &mut Cx<'_>, r: &Resource, key: Option<&hcl::Value>, name: &str) -> Option<String> {
    match hclx::attr(&r.body, name) {
        Some(e) if per_instance(e) => outside_at(cx, r, key, e).and_then(|v| cx.eval.string(&v)),
        _ => cx.str(r, name),
    }
}

/// `aws_lb_target_group.x["https"]` for messages: the address with the instance, when known.
fn instance_address(r: &Resource, key: Option<&hcl::Value>) -> String {
    match key {
        Some(hcl::Value::String(k)) => format!("{}[{k:?}]", r.address()),
        Some(k) => format!("{}[{k}]", r.address()),
        None => r.address().to_string(),
    }
}

/// The `for_each` of a `dynamic` block standing for a repeated resource.
fn repeat_of(r: &Resource) -> Option<Expression> {
    if let Some(fe) = &r.meta.for_each {
        return Some(fe.clone());
    }
    r.meta
        .count
        .as_ref()
        .and_then(|c| format!("range({})", hclx::inline(c)).parse().ok())
}

/// `each.key` / `each.value` / `count.index` → the iterator of a `dynamic "forwarding_rule"`.
fn to_iterator(e: &mut Expression) {
    hclx::walk_mut(e, &mut |x| {
        let rep = match hclx::traversal_root(x) {
            Some(("each", [Op::GetAttr(k), rest @ ..])) => {
                Some((k.as_str().to_string(), rest.to_vec()))
            }
            Some(("count", [Op::GetAttr(k), rest @ ..])) if k.as_str() == "index" => {
                Some(("value".to_string(), rest.to_vec()))
            }
            _ => None,
        };
        match rep {
            Some((attr, rest)) => {
                let mut ops = vec![Op::GetAttr(hcl::Identifier::unchecked(attr))];
                ops.extend(rest);
                *x = hclx::traversal("forwarding_rule", ops);
                false
            }
            None => true,
        }
    });
}

// ---- listeners the deployment turns on or off --------------------------------------------------

/// `c ? 1 : 0` → `c`, `c ? 0 : 1` → `!c`, any other count → `count > 0`.
pub(super) fn count_condition(count: &Expression) -> Expression {
    let mut bare = count;
    while let Expression::Parenthesis(inner) = bare {
        bare = inner;
    }
    if let Expression::Conditional(c) = bare {
        let n = |e: &Expression| match e {
            Expression::Number(n) => n.as_f64(),
            _ => None,
        };
        match (n(&c.true_expr), n(&c.false_expr)) {
            (Some(t), Some(f)) if t >= 1.0 && f == 0.0 => return c.cond_expr.clone(),
            (Some(t), Some(f)) if t == 0.0 && f >= 1.0 => return not(c.cond_expr.clone()),
            _ => {}
        }
    }
    binary(
        count.clone(),
        hcl::expr::BinaryOperator::Greater,
        Expression::Number(0.into()),
    )
}

/// `type = c ? "redirect" : "forward"` where the deployment decides `c`: the condition under
/// which the action is not the one at the defaults, and that action.
pub(super) fn chosen_action(cx: &Cx<'_>, e: &Expression) -> Option<(Expression, String)> {
    let mut bare = e;
    while let Expression::Parenthesis(inner) = bare {
        bare = inner;
    }
    let Expression::Conditional(c) = bare else {
        return None;
    };
    if !cx.deploy_decides(&c.cond_expr) {
        return None;
    }
    let (yes, no) = (
        cx.eval.string(&c.true_expr)?,
        cx.eval.string(&c.false_expr)?,
    );
    if yes == no {
        return None;
    }
    match cx.eval.bool(&c.cond_expr)? {
        true => Some((not(c.cond_expr.clone()), no)),
        false => Some((c.cond_expr.clone(), yes)),
    }
}

/// The protocol a listener's default action redirects to, read from the origin as written: a
/// `dynamic "redirect"` block the deployment turns on is not expanded at the defaults.
pub(super) fn redirect_protocol(cx: &Cx<'_>, l: &Resource) -> Option<String> {
    let origin = cx
        .module
        .resources
        .iter()
        .find(|r| r.address() == l.address())
        .unwrap_or(l);
    for act in hclx::blocks(&origin.body, "default_action") {
        let mut found: Vec<Body> = hclx::blocks(&act, "redirect")
            .into_iter()
            .map(|b| b.into_owned())
            .collect();
        for d in act.blocks().filter(|b| {
            b.identifier() == "dynamic" && b.labels.first().map(|x| x.as_str()) == Some("redirect")
        }) {
            found.extend(
                hclx::blocks(&d.body, "content")
                    .into_iter()
                    .map(|b| b.into_owned()),
            );
        }
        for rd in found {
            if let Some(p) = hclx::attr(&rd, "protocol").and_then(|e| cx.eval.string(e)) {
                return Some(p.to_ascii_uppercase());
            }
        }
    }
    None
}

fn paren(e: Expression) -> Expression {
    match e {
        Expression::Operation(_) | Expression::Conditional(_) => {
            Expression::Parenthesis(Box::new(e))
        }
        other => other,
    }
}

pub(super) fn not(e: Expression) -> Expression {
    Expression::Operation(Box::new(hcl::expr::Operation::Unary(
        hcl::expr::UnaryOp::new(hcl::expr::UnaryOperator::Not, paren(e)),
    )))
}

fn binary(l: Expression, op: hcl::expr::BinaryOperator, r: Expression) -> Expression {
    Expression::Operation(Box::new(hcl::expr::Operation::Binary(
        hcl::expr::BinaryOp::new(paren(l), op, paren(r)),
    )))
}

/// Holds when both hold (`None`: always).
pub(super) fn both(a: Option<Expression>, b: Option<Expression>) -> Option<Expression> {
    match (a, b) {
        (None, x) | (x, None) => x,
        (Some(a), Some(b)) if hclx::inline(&a) == hclx::inline(&b) => Some(a),
        (Some(a), Some(b)) => Some(binary(a, hcl::expr::BinaryOperator::And, b)),
    }
}

/// Holds when any holds (`None`: always, as soon as one always holds).
pub(super) fn any_of(conds: &[Option<Expression>]) -> Option<Expression> {
    let mut seen: Vec<&Expression> = Vec::new();
    for c in conds {
        let c = c.as_ref()?;
        if !seen.iter().any(|s| hclx::inline(s) == hclx::inline(c)) {
            seen.push(c);
        }
    }
    let mut it = seen.into_iter().cloned();
    let first = it.next()?;
    Some(it.fold(first, |o, c| binary(o, hcl::expr::BinaryOperator::Or, c)))
}

/// Origin resources of any of `types` whose `key` refers to `target`, in origin order.
pub(super) fn referencing<'a>(
    cx: &Cx<'a>,
    types: &[&str],
    key: &str,
    target: &Resource,
) -> Vec<&'a Resource> {
    let mut found: Vec<&'a Resource> = types
        .iter()
        .flat_map(|t| cx.referencing(t, key, target))
        .collect();
    // By position in the module (computed from the address: a search per element made this
    // quadratic).
    let base = cx.resources.as_ptr() as usize;
    let size = std::mem::size_of::<Resource>().max(1);
    let end = base + cx.resources.len() * size;
    found.sort_by_key(|r| {
        let at = *r as *const Resource as usize;
        if (base..end).contains(&at) {
            (at - base) / size
        } else {
            usize::MAX
        }
    });
    found
}

/// Does any expression of `body` (nested blocks included) refer to `target`?
fn body_mentions(body: &Body, target: &Resource) -> bool {
    let mut hit = false;
    hclx::walk_body(body, &mut |x| {
        if let Some((root, [Op::GetAttr(n), ..])) = hclx::traversal_root(x) {
            hit |= root == target.ty && n.as_str() == target.name;
        }
    });
    hit
}

/// A static number clamped to `range` (NearestMatch warning when it moved), or the expression
/// as written when it is not static.
#[allow(clippy::too_many_arguments)]
fn clamped(
    cx: &mut Cx<'_>,
    r: &Resource,
    key: &str,
    what: &str,
    e: &Expression,
    (lo, hi): (i64, i64),
    report: bool,
) -> Expression {
    match cx.eval.number(e) {
        Some(v) => {
            let v = v.round() as i64;
            let c = v.clamp(lo, hi);
            if c != v && report {
                warn(
                    cx,
                    Code::NearestMatch,
                    r,
                    key,
                    format!(
                        "`{}`: {what} {v} is outside what DigitalOcean allows ({lo}–{hi}); Ferry used {c}",
                        r.address()
                    ),
                    format!(
                        "set {what} between {lo} and {hi} in the origin to choose the value yourself"
                    ),
                );
            }
            num(c)
        }
        None => e.clone(),
    }
}

// ---- ALB / NLB --------------------------------------------------------------------------------

fn lb(r: &Resource, cx: &mut Cx<'_>) {
    if targets_workloads(cx, r) {
        // Mapped (with its listeners and target groups) by the ECS service rule.
        return;
    }
    let kind = cx
        .str(r, "load_balancer_type")
        .unwrap_or_else(|| "application".into());
    let network = match kind.as_str() {
        "application" => false,
        "network" => true,
        other => {
            cx.unsupported(
                r,
                Code::UnsupportedValue,
                format!(
                    "`{}` is a `{other}` load balancer, which DigitalOcean does not offer",
                    r.address()
                ),
                "a gateway load balancer sends traffic through virtual appliances (GENEVE); run the appliance on a Droplet and route to it explicitly, or remove it",
            );
            return;
        }
    };
    let mut b = Build::default();
    let listeners = referencing(cx, LISTENER_TYPES, "load_balancer_arn", r);
    for l in &listeners {
        listener_into(cx, r, l, network, &mut b);
    }
    b.pools = pools_behind(cx, r);
    target_groups_into(cx, &mut b);

    let mut body = OutBody::new();
    let name = cx.unique_name(r, origin_name(cx, r), &r.name);
    body.set("name", name);
    let ty = if network && !b.needs_http_lb {
        "REGIONAL_NETWORK"
    } else {
        "REGIONAL"
    };
    if network && b.needs_http_lb {
        warn(
            cx,
            Code::FeatureUnsupported,
            r,
            "load_balancer_type",
            format!(
                "`{}` is a network load balancer with a TLS listener: DigitalOcean terminates TLS only on its HTTP load balancer, so it became `type = \"REGIONAL\"`",
                r.address()
            ),
            "keep TLS on the targets instead (a TCP listener passes it through) to keep a network load balancer",
        );
    }
    body.set("type", s(ty));
    body.set("region", cx.region());
    body.set_opt("vpc_uuid", cx.vpc_id(r));
    if cx.bool(r, "internal") == Some(true) {
        body.set("network", s("INTERNAL"));
    }
    if let Some(t) = cx.str(r, "ip_address_type")
        && t.starts_with("dualstack")
    {
        body.set("network_stack", s("DUALSTACK"));
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
    let note = if listeners.is_empty() {
        "no listener: a placeholder http:80 forwarding rule was added; references to `dns_name` become the load balancer's IP address (`ip`)".to_string()
    } else {
        format!(
            "{} listener(s) and {} target group(s) folded in; references to `dns_name` become the load balancer's IP address (`ip`)",
            listeners.len(),
            b.target_groups.len()
        )
    };
    finish(cx, r, body, b, note);
}

/// Adds what every load balancer shares, emits it and records the absorbed sub-resources.
fn finish(cx: &mut Cx<'_>, r: &Resource, mut body: OutBody, mut b: Build<'_>, note: String) {
    if b.rules.is_empty() {
        warn(
            cx,
            Code::FeatureUnsupported,
            r,
            "name",
            format!(
                "`{}` has no listener that forwards traffic; a DigitalOcean load balancer needs at least one forwarding rule, so Ferry added http:80 → http:80",
                r.address()
            ),
            "add a listener with a `forward` default action to the origin, or replace the placeholder rule in the deployment stack",
        );
        b.rules.push(Fwd {
            entry_protocol: "http",
            entry_port: num(80),
            target_protocol: "http",
            target_port: num(80),
            certificate: None,
            repeat: None,
        });
    }
    let is_port =
        |e: &Expression, p: i64| matches!(e, Expression::Number(n) if n.as_i64() == Some(p));
    if b.redirect
        && !b
            .rules
            .iter()
            .any(|f| f.entry_protocol == "https" && is_port(&f.entry_port, 443))
    {
        // DigitalOcean redirects to port 443: without an https:443 forwarding rule the
        // redirect would lead to a port nobody serves.
        warn(
            cx,
            Code::FeatureUnsupported,
            r,
            "name",
            format!(
                "`{}` redirects HTTP to HTTPS but nothing forwards HTTPS on port 443, where DigitalOcean redirects to; the redirect was left out",
                r.address()
            ),
            "add an HTTPS listener on port 443 that forwards to a target group",
        );
        b.redirect = false;
        for (sub, note) in b.absorbed.iter_mut() {
            if b.redirect_from.iter().any(|a| a == sub.address()) {
                *note = "folded into the load balancer: its HTTP → HTTPS redirect was left out (nothing forwards HTTPS on port 443)".into();
            }
        }
    }
    let conditional = any_of(
        &b.redirect_when
            .iter()
            .cloned()
            .map(Some)
            .collect::<Vec<_>>(),
    );
    if let Some(c) = conditional.filter(|_| !b.redirect) {
        if b.rules
            .iter()
            .any(|f| f.entry_protocol == "https" && is_port(&f.entry_port, 443))
        {
            body.set("redirect_http_to_https", c);
        } else {
            warn(
                cx,
                Code::FeatureUnsupported,
                r,
                "name",
                format!(
                    "`{}` redirects HTTP to HTTPS when `{}` holds but nothing forwards HTTPS on port 443, where DigitalOcean redirects to; the redirect was left out",
                    r.address(),
                    hclx::inline(&c)
                ),
                "add an HTTPS listener on port 443 that forwards to a target group",
            );
        }
    }
    if b.redirect {
        body.set("redirect_http_to_https", Expression::Bool(true));
        // The load balancer listens only on ports that have a forwarding rule: port 80 needs
        // one for the redirect to answer (its target is never used).
        if !b
            .rules
            .iter()
            .any(|f| f.entry_protocol == "http" && is_port(&f.entry_port, 80))
        {
            let (tp, tport) = b
                .rules
                .iter()
                .find(|f| f.entry_protocol == "https")
                .map(|f| (f.target_protocol, f.target_port.clone()))
                .unwrap_or(("http", num(80)));
            b.rules.insert(
                0,
                Fwd {
                    entry_protocol: "http",
                    entry_port: num(80),
                    target_protocol: tp,
                    target_port: tport,
                    certificate: None,
                    repeat: None,
                },
            );
        }
    }
    if let Some((policy, _, _)) = &b.tls_policy {
        body.set("tls_cipher_policy", s(policy));
    }
    if b.proxy_protocol {
        body.set("enable_proxy_protocol", Expression::Bool(true));
    }
    if b.stack_certificate && b.rules.iter().any(|f| f.certificate.is_some()) {
        // DigitalOcean would otherwise add A records for the certificate's names; the stack
        // declares its records itself (Route53 → digitalocean_record).
        body.set("disable_lets_encrypt_dns_records", Expression::Bool(true));
    }
    let ids = droplet_ids(&b.targets);
    // Pools of other modules registered in its target groups (`xmod::Facts::foreign_pools`).
    let foreign = cx
        .xmod
        .foreign_pools
        .get(r.address())
        .cloned()
        .unwrap_or_default();
    if !b.pools.is_empty() || !foreign.is_empty() {
        let pools = b
            .pools
            .iter()
            .map(|p| format!("`{}`", p.address()))
            .chain(foreign.iter().map(|p| format!("`{p}`")))
            .collect::<Vec<_>>()
            .join(", ");
        if ids.is_some() {
            // `droplet_ids` and `droplet_tag` exclude each other.
            warn(
                cx,
                Code::FeatureUnsupported,
                r,
                "name",
                format!(
                    "`{}` targets both single instances and the autoscaling group(s) {pools}; a DigitalOcean load balancer targets either Droplet ids or one tag, so Ferry kept the instances (`droplet_ids`)",
                    r.address()
                ),
                format!(
                    "put the instances in the autoscaling group, or add the tag `{}` to their droplets and replace `droplet_ids` with `droplet_tag`",
                    hclx::inline(&pool_tag(cx, r))
                ),
            );
        } else {
            body.set("droplet_tag", pool_tag(cx, r));
        }
    }
    if let Some(ids) = ids {
        body.set("droplet_ids", ids);
    }
    for f in &b.rules {
        let mut fr = OutBody::new();
        fr.set("entry_protocol", s(f.entry_protocol));
        fr.set("entry_port", f.entry_port.clone());
        fr.set("target_protocol", s(f.target_protocol));
        fr.set("target_port", f.target_port.clone());
        fr.set_opt("certificate_name", f.certificate.clone());
        match &f.repeat {
            None => *body.block("forwarding_rule") = fr,
            Some(each) => {
                let mut dynamic = OutBody::new();
                dynamic.set("for_each", each.clone());
                dynamic.items.push(Item::Block(OutBlock {
                    ident: "content".into(),
                    labels: vec![],
                    body: fr,
                }));
                body.items.push(Item::Block(OutBlock {
                    ident: "dynamic".into(),
                    labels: vec!["forwarding_rule".into()],
                    body: dynamic,
                }));
            }
        }
    }
    if let Some(h) = b.health.take() {
        *body.block("healthcheck") = h;
    }
    if let Some(st) = b.sticky.take() {
        *body.block("sticky_sessions") = st;
    }
    if let Some(fw) = firewall(cx, r) {
        *body.block("firewall") = fw;
    }
    let addr = cx.emit(r, "digitalocean_loadbalancer", body);
    cx.note(r, note);
    for (sub, note) in &b.absorbed {
        cx.absorb(sub, &addr, note.clone());
        sub_exports(cx, sub, &addr);
    }
    let attr = |a: &'static str| Export::Attr {
        target: addr.clone(),
        attr: a.into(),
    };
    // A DigitalOcean load balancer has an IP address, not a host name: `dns_name` (used for
    // CNAME/alias records and URLs) becomes `ip`, which works in both places.
    cx.export(r, "dns_name", attr("ip"));
    cx.export(r, "id", attr("id"));
    cx.export(r, "arn", attr("urn"));
    cx.export(r, "name", attr("name"));
    // Not an AWS attribute: lets an AAAA alias record reach the load balancer's IPv6 address.
    cx.export(r, "ipv6", attr("ipv6"));
    cx.export(
        r,
        "zone_id",
        Export::Unmapped(
            "a DigitalOcean load balancer has no DNS zone; an alias record to it becomes an A record to its IP address".into(),
        ),
    );
    cx.export(
        r,
        "arn_suffix",
        Export::Unmapped("DigitalOcean load balancers have no ARN (CloudWatch dimension)".into()),
    );
}

/// Exports of a sub-resource folded into the load balancer `addr`: it has no identity of its own.
fn sub_exports(cx: &mut Cx<'_>, sub: &Resource, addr: &str) {
    let what = if LISTENER_TYPES.contains(&sub.ty.as_str()) {
        "a listener is a `forwarding_rule` block"
    } else if TG_TYPES.contains(&sub.ty.as_str()) {
        "a target group is the target side of `forwarding_rule` blocks plus the `healthcheck`"
    } else {
        "it is part of the load balancer's configuration"
    };
    for a in ["arn", "id", "arn_suffix", "name"] {
        cx.export(
            sub,
            a,
            Export::Unmapped(format!("{what} of `{addr}` and has no identity of its own").into()),
        );
    }
}

/// A port as a number when the origin writes it as a string (`port = "80"`).
fn port(e: Expression) -> Expression {
    match &e {
        Expression::String(v) => v.trim().parse::<i64>().map(num).unwrap_or(e),
        _ => e,
    }
}

/// The origin's `name`, or its `name_prefix` without the trailing dash (Ferry appends
/// `-${var.instance_id}` where AWS appended a random suffix).
fn origin_name(cx: &Cx<'_>, r: &Resource) -> Option<Expression> {
    cx.expr(r, "name").or_else(|| {
        cx.expr(r, "name_prefix").map(|p| match p {
            Expression::String(v) => s(v.trim_end_matches('-')),
            other => other,
        })
    })
}

/// The `droplet_ids` expression of the collected targets.
fn droplet_ids(targets: &[Target]) -> Option<Expression> {
    let mut seen = std::collections::BTreeSet::new();
    let mut ones = Vec::new();
    let mut lists = Vec::new();
    for t in targets {
        match t {
            Target::One(e) if seen.insert(hclx::inline(e)) => ones.push(e.clone()),
            Target::Many(e) if seen.insert(hclx::inline(e)) => lists.push(e.clone()),
            _ => {}
        }
    }
    match (ones.is_empty(), lists.len()) {
        (true, 0) => None,
        (_, 0) => Some(Expression::Array(ones)),
        (true, 1) => lists.pop(),
        _ => {
            let mut parts = Vec::new();
            if !ones.is_empty() {
                parts.push(hclx::inline(&Expression::Array(ones)));
            }
            parts.extend(lists.iter().map(hclx::inline));
            format!("concat({})", parts.join(", ")).parse().ok()
        }
    }
}

/// `firewall { allow }` from the ingress CIDRs of the load balancer's security groups.
fn firewall(cx: &mut Cx<'_>, r: &Resource) -> Option<OutBody> {
    let e = cx.expr(r, "security_groups")?;
    let mut sgs: Vec<&Resource> = Vec::new();
    let mut unresolved = false;
    let items = match &e {
        Expression::Array(items) => items.clone(),
        other => vec![other.clone()],
    };
    for item in &items {
        match cx
            .resolve_ref(item)
            .filter(|t| t.ty == "aws_security_group")
        {
            Some(sg) => {
                if !sgs.iter().any(|x| x.address() == sg.address()) {
                    sgs.push(sg);
                }
            }
            None => unresolved = true,
        }
    }
    let mut allow: Vec<Expression> = Vec::new();
    let mut lists: Vec<Expression> = Vec::new();
    let mut open = false;
    let mut unknown = false;
    let mut other_sources = false;
    {
        let mut add = |e: Option<&Expression>, allow: &mut Vec<Expression>| {
            let Some(e) = e.filter(|e| !matches!(e, Expression::Null)) else {
                return;
            };
            if per_instance(e) {
                unknown = true;
                return;
            }
            match cx.eval.value(e) {
                Some(hcl::Value::Array(vals)) => {
                    open |= vals.iter().any(
                        |v| matches!(v, hcl::Value::String(s) if s == "0.0.0.0/0" || s == "::/0"),
                    );
                }
                Some(hcl::Value::String(v)) => open |= v == "0.0.0.0/0" || v == "::/0",
                _ => {}
            }
            match e {
                Expression::Array(xs) => {
                    for x in xs {
                        allow.push(match x {
                            Expression::String(c) => s(&format!("cidr:{c}")),
                            other => {
                                hclx::template(format!("cidr:{}", hclx::to_template_part(other)))
                            }
                        });
                    }
                }
                Expression::String(c) => allow.push(s(&format!("cidr:{c}"))),
                Expression::TemplateExpr(_) => allow.push(hclx::template(format!(
                    "cidr:{}",
                    hclx::to_template_part(e)
                ))),
                list => lists.push(
                    format!("[for c in {} : \"cidr:${{c}}\"]", hclx::inline(list))
                        .parse()
                        .unwrap_or(Expression::Null),
                ),
            }
        };
        for sg in &sgs {
            for ing in hclx::blocks(&sg.body, "ingress") {
                add(hclx::attr(&ing, "cidr_blocks"), &mut allow);
                add(hclx::attr(&ing, "ipv6_cidr_blocks"), &mut allow);
                other_sources |= ["security_groups", "prefix_list_ids"]
                    .iter()
                    .any(|k| hclx::attr(&ing, k).is_some_and(|v| !is_empty_list(v)))
                    || hclx::attr(&ing, "self").is_some_and(|v| cx.eval.bool(v) == Some(true));
            }
            for rule in cx.referencing(
                "aws_vpc_security_group_ingress_rule",
                "security_group_id",
                sg,
            ) {
                add(hclx::attr(&rule.body, "cidr_ipv4"), &mut allow);
                add(hclx::attr(&rule.body, "cidr_ipv6"), &mut allow);
                other_sources |= ["referenced_security_group_id", "prefix_list_id"]
                    .iter()
                    .any(|k| hclx::attr(&rule.body, k).is_some());
            }
            for rule in cx.referencing("aws_security_group_rule", "security_group_id", sg) {
                let ingress = hclx::attr(&rule.body, "type")
                    .and_then(|t| cx.eval.string(t))
                    .is_some_and(|t| t == "ingress");
                if !ingress {
                    continue;
                }
                add(hclx::attr(&rule.body, "cidr_blocks"), &mut allow);
                add(hclx::attr(&rule.body, "ipv6_cidr_blocks"), &mut allow);
                other_sources |= ["source_security_group_id", "prefix_list_ids"]
                    .iter()
                    .any(|k| hclx::attr(&rule.body, k).is_some_and(|v| !is_empty_list(v)))
                    || hclx::attr(&rule.body, "self")
                        .is_some_and(|v| cx.eval.bool(v) == Some(true));
            }
        }
    }
    if unresolved && sgs.is_empty() {
        warn(
            cx,
            Code::FeatureUnsupported,
            r,
            "security_groups",
            format!(
                "the security groups of `{}` are not part of the stack; its DigitalOcean firewall was not set (the load balancer accepts traffic from anywhere)",
                r.address()
            ),
            "declare the security groups in the origin so their ingress CIDRs become `firewall.allow`",
        );
        return None;
    }
    if open {
        return None;
    }
    if unknown {
        warn(
            cx,
            Code::NotStatic,
            r,
            "security_groups",
            format!(
                "the ingress CIDRs of the security groups of `{}` depend on `count`/`for_each`; its DigitalOcean firewall was not set (the load balancer accepts traffic from anywhere)",
                r.address()
            ),
            "list the allowed CIDRs in the `ingress` blocks of the load balancer's security group",
        );
        return None;
    }
    if other_sources {
        warn(
            cx,
            Code::FeatureUnsupported,
            r,
            "security_groups",
            format!(
                "the security groups of `{}` admit traffic from other security groups or prefix lists; a DigitalOcean load balancer firewall allows IP addresses and CIDRs only",
                r.address()
            ),
            "allow the VPC range (or the sources' addresses) as CIDRs in the security group",
        );
    }
    if allow.is_empty() && lists.is_empty() {
        return None;
    }
    let mut seen = std::collections::BTreeSet::new();
    allow.retain(|e| seen.insert(hclx::inline(e)));
    let value = if lists.is_empty() {
        Expression::Array(allow)
    } else {
        let mut parts = Vec::new();
        if !allow.is_empty() {
            parts.push(hclx::inline(&Expression::Array(allow)));
        }
        parts.extend(lists.iter().map(hclx::inline));
        format!("concat({})", parts.join(", "))
            .parse()
            .unwrap_or(Expression::Null)
    };
    let mut body = OutBody::new();
    body.set("allow", value);
    Some(body)
}

fn is_empty_list(e: &Expression) -> bool {
    matches!(e, Expression::Array(a) if a.is_empty()) || matches!(e, Expression::Null)
}

// ---- sub-resources the load balancer rule did not reach ---------------------------------------

fn handled(cx: &Cx<'_>, r: &Resource) -> bool {
    cx.st.outcomes.contains_key(r.address())
}

/// A sub-resource whose parent (`key`) was not mapped: dropped when the parent is in the stack
/// (its own diagnostic says why), unsupported when it is not.
fn orphan(cx: &mut Cx<'_>, r: &Resource, key: &str, what: &str) {
    match cx.referenced(r, key) {
        Some(p) => {
            let note = format!(
                "its {what} `{}` was not mapped (see the diagnostics of `{}`)",
                p.address(),
                p.address()
            );
            cx.st.outcomes.insert(
                r.address().to_string(),
                OutcomeRec {
                    outcome: Outcome::Unsupported,
                    targets: vec![],
                    note: Some(note),
                },
            );
        }
        None => cx.unsupported(
            r,
            Code::OrphanSubresource,
            format!(
                "`{}` belongs to a {what} that is not part of the stack",
                r.address()
            ),
            format!("declare the {what} in the same module"),
        ),
    }
}

fn listener(r: &Resource, cx: &mut Cx<'_>) {
    if !handled(cx, r) {
        orphan(cx, r, "load_balancer_arn", "load balancer");
    }
}

fn listener_rule(r: &Resource, cx: &mut Cx<'_>) {
    if !handled(cx, r) {
        orphan(cx, r, "listener_arn", "listener");
    }
}

fn listener_certificate(r: &Resource, cx: &mut Cx<'_>) {
    if !handled(cx, r) {
        orphan(cx, r, "listener_arn", "listener");
    }
}

fn target_group(r: &Resource, cx: &mut Cx<'_>) {
    if handled(cx, r) {
        return;
    }
    let refs = cx.referrers(r).resources;
    let of_types = |types: &[&str]| -> Vec<&Resource> {
        types
            .iter()
            .flat_map(|t| {
                refs.iter()
                    .filter(|x| x.mode == Mode::Managed && x.ty == *t)
                    .copied()
                    .collect::<Vec<_>>()
            })
            .collect()
    };
    let rules: Vec<String> = of_types(LISTENER_RULE_TYPES)
        .into_iter()
        .filter(|lr| body_mentions(&lr.body, r))
        .map(|lr| format!("`{}`", lr.address()))
        .collect();
    let listeners: Vec<String> = of_types(LISTENER_TYPES)
        .into_iter()
        .filter(|l| body_mentions(&l.body, r))
        .map(|l| format!("`{}`", l.address()))
        .collect();
    let note = if !listeners.is_empty() {
        format!(
            "the listeners that forward to it ({}) have no DigitalOcean load balancer",
            listeners.join(", ")
        )
    } else if rules.is_empty() {
        "no listener forwards to it; DigitalOcean load balancers have no target groups of their own"
            .to_string()
    } else {
        format!(
            "only listener rules forward to it ({}); DigitalOcean load balancers have no listener rules, so its targets receive no traffic",
            rules.join(", ")
        )
    };
    cx.drop(r, note);
    for a in ["arn", "id", "arn_suffix", "name"] {
        cx.export(
            r,
            a,
            Export::Unmapped(
                "the target group was dropped (no mapped listener forwards to it)".into(),
            ),
        );
    }
}

fn attachment(r: &Resource, cx: &mut Cx<'_>) {
    if handled(cx, r) {
        return;
    }
    match cx.referenced(r, "target_group_arn") {
        Some(tg) => {
            let note = format!(
                "its target group `{}` is not part of a DigitalOcean load balancer, so the target is not attached",
                tg.address()
            );
            cx.drop(r, note);
        }
        None => orphan(cx, r, "target_group_arn", "target group"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(text: &str) -> Expression {
        text.parse().expect("test expression parses")
    }

    #[test]
    fn a_toggled_count_becomes_the_condition_the_listener_exists_under() {
        let cond = |c: &str| hclx::inline(&count_condition(&e(c)));
        assert_eq!(cond("var.cert != \"\" ? 1 : 0"), "var.cert != \"\"");
        assert_eq!(cond("(var.enable ? 0 : 1)"), "!var.enable");
        assert_eq!(cond("var.a && var.b ? 0 : 1"), "!(var.a && var.b)");
        assert_eq!(cond("var.listeners"), "var.listeners > 0");
        assert_eq!(cond("var.on ? 2 : 1"), "(var.on ? 2 : 1) > 0");
    }

    #[test]
    fn conditions_combine_without_repeating_themselves() {
        let (a, b) = (e("var.a"), e("var.b != \"\""));
        let show = |x: Option<Expression>| x.map(|x| hclx::inline(&x));
        assert_eq!(show(both(None, None)), None);
        assert_eq!(show(both(Some(a.clone()), None)), Some("var.a".into()));
        assert_eq!(
            show(both(Some(a.clone()), Some(a.clone()))),
            Some("var.a".into())
        );
        assert_eq!(
            show(both(Some(a.clone()), Some(b.clone()))),
            Some("var.a && (var.b != \"\")".into())
        );
        assert_eq!(show(any_of(&[Some(a.clone()), None])), None);
        assert_eq!(
            show(any_of(&[Some(a.clone()), Some(b), Some(a)])),
            Some("var.a || (var.b != \"\")".into())
        );
    }

    #[test]
    fn droplet_ids_combine_single_ids_and_lists() {
        assert_eq!(droplet_ids(&[]), None);
        let one = droplet_ids(&[
            Target::One(e("aws_instance.a.id")),
            Target::One(e("aws_instance.a.id")),
        ])
        .expect("ids");
        assert_eq!(hclx::inline(&one), "[aws_instance.a.id]");
        let mixed = droplet_ids(&[
            Target::One(e("aws_instance.a.id")),
            Target::Many(e("aws_instance.web[*].id")),
        ])
        .expect("ids");
        assert_eq!(
            hclx::inline(&mixed),
            "concat([aws_instance.a.id], aws_instance.web[*].id)"
        );
        let list = droplet_ids(&[Target::Many(e("aws_instance.web[*].id"))]).expect("ids");
        assert_eq!(hclx::inline(&list), "aws_instance.web[*].id");
    }

    #[test]
    fn repeated_listener_expressions_use_the_dynamic_iterator() {
        let mut x = e("each.value");
        to_iterator(&mut x);
        assert_eq!(hclx::inline(&x), "forwarding_rule.value");
        let mut x = e("var.base + count.index");
        to_iterator(&mut x);
        assert_eq!(hclx::inline(&x), "var.base + forwarding_rule.value");
        let mut x = e("each.value.port");
        to_iterator(&mut x);
        assert_eq!(hclx::inline(&x), "forwarding_rule.value.port");
    }

    #[test]
    fn string_ports_become_numbers() {
        assert_eq!(port(s("80")), num(80));
        assert_eq!(port(s("traffic-port")), s("traffic-port"));
        assert_eq!(hclx::inline(&port(e("var.p"))), "var.p");
    }
}
