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

use super::{Cx, Export, OutcomeRec, Phase, RuleDef};
use crate::diag::{Code, Diagnostic};
use crate::facts::lb_dns as facts;
use crate::hclx;
use crate::origin::{Mode, Resource};
use crate::out::{Item, OutBlock, OutBody};
use crate::report::Outcome;
use hcl::expr::TraversalOperator as Op;
use hcl::{Body, Expression};

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

// ---- autoscaling groups behind load balancers -------------------------------------------------

/// Resources that put an autoscaling group behind a load balancer.
pub(super) const ASG_ATTACHMENT_TYPES: &[&str] = &[
    "aws_autoscaling_attachment",
    "aws_autoscaling_traffic_source_attachment",
];

/// Every origin resource the expression refers to (`[aws_lb_target_group.a.arn, …]`).
fn refs_in<'a>(cx: &Cx<'a>, e: &Expression) -> Vec<&'a Resource> {
    let mut out: Vec<&'a Resource> = Vec::new();
    hclx::walk(e, &mut |x| {
        if hclx::traversal_root(x).is_some()
            && let Some(t) = cx.resolve_ref(x)
            && !out.iter().any(|o| o.address() == t.address())
        {
            out.push(t);
        }
    });
    out
}

/// The load balancers whose targets are the droplets of the autoscaling group `asg` (or the nodes
/// of the EKS node group `asg`): through its `target_group_arns` (the ALB/NLB whose listeners or
/// listener rules forward to those target groups), its `load_balancers` (classic ELBs), or an
/// `aws_autoscaling_attachment`.
/// Load balancers that become Kubernetes Services of ECS workloads are left out.
pub(super) fn pool_lbs<'a>(cx: &Cx<'a>, asg: &Resource) -> Vec<&'a Resource> {
    let mut registered: Vec<&'a Resource> = Vec::new();
    // `traffic_source { identifier }` (ASG and traffic source attachments, provider 5.x).
    let traffic_sources = |body: &Body, out: &mut Vec<&'a Resource>| {
        for t in hclx::blocks(body, "traffic_source") {
            if let Some(e) = hclx::attr(&t, "identifier") {
                out.extend(refs_in(cx, e));
            }
        }
    };
    for k in ["target_group_arns", "load_balancers"] {
        if let Some(e) = hclx::attr(&asg.body, k) {
            registered.extend(refs_in(cx, e));
        }
    }
    traffic_sources(&asg.body, &mut registered);
    for att in ASG_ATTACHMENT_TYPES
        .iter()
        .flat_map(|t| cx.referencing(t, "autoscaling_group_name", asg))
    {
        for k in [
            "lb_target_group_arn",
            "alb_target_group_arn",
            "elb",
            "load_balancer",
        ] {
            if let Some(e) = hclx::attr(&att.body, k) {
                registered.extend(refs_in(cx, e));
            }
        }
        traffic_sources(&att.body, &mut registered);
    }
    let mut out: Vec<&'a Resource> = Vec::new();
    let mut add = |lb: &'a Resource| {
        if !out.iter().any(|o| o.address() == lb.address()) {
            out.push(lb);
        }
    };
    for t in registered {
        if t.mode != Mode::Managed {
            continue;
        }
        if t.ty == "aws_elb" {
            add(t);
        } else if TG_TYPES.contains(&t.ty.as_str()) {
            // The listeners that forward to it, by default action or by rule.
            for x in cx.referrers(t).resources {
                let ty = x.ty.as_str();
                if x.mode != Mode::Managed || !body_mentions(&x.body, t) {
                    continue;
                }
                let listener = if LISTENER_TYPES.contains(&ty) {
                    Some(x)
                } else if LISTENER_RULE_TYPES.contains(&ty) {
                    cx.referenced(x, "listener_arn")
                        .filter(|l| LISTENER_TYPES.contains(&l.ty.as_str()))
                } else {
                    None
                };
                if let Some(l) = listener
                    && let Some(lb) = cx
                        .referenced(l, "load_balancer_arn")
                        .filter(|x| {
                            x.mode == Mode::Managed && matches!(x.ty.as_str(), "aws_lb" | "aws_alb")
                        })
                        .filter(|x| !targets_workloads(cx, x))
                {
                    add(lb);
                }
            }
        }
    }
    out
}

/// The autoscaling groups whose droplets are the targets of `lb` (see [`pool_lbs`]): groups
/// the EC2 rule maps to a droplet autoscale pool (with a launch template), and EKS managed node
/// groups (whose Auto Scaling group an `aws_autoscaling_attachment` registers: the nodes of
/// the DOKS node pool they become).
fn pools_behind<'a>(cx: &Cx<'a>, lb: &Resource) -> Vec<&'a Resource> {
    let behind = |g: &&'a Resource| pool_lbs(cx, g).iter().any(|l| l.address() == lb.address());
    cx.origin_of_type("aws_autoscaling_group")
        .filter(|asg| super::ec2::launch_template_of(cx, asg).is_some())
        .filter(behind)
        .chain(
            cx.origin_of_type("aws_eks_node_group")
                .filter(|ng| ng.mode == Mode::Managed)
                // Only an attachment registers a node group's Auto Scaling group.
                .filter(|ng| {
                    ASG_ATTACHMENT_TYPES
                        .iter()
                        .any(|t| !cx.referencing(t, "autoscaling_group_name", ng).is_empty())
                })
                .filter(behind),
        )
        .collect()
}

/// The Droplet tag that joins a load balancer and the autoscale pools behind it: the pools'
/// droplet templates carry it, the load balancer targets it (`droplet_tag`). Built from the
/// load balancer's name (unique per appliance, and per module instance where the name comes
/// from a variable); DigitalOcean tags are lowercase letters, digits, `:`, `-` and `_`.
pub(super) fn pool_tag(cx: &Cx<'_>, lb: &Resource) -> Expression {
    // Pools of other modules target it too: the tag the cross-module pass decided for both.
    if let Some(t) = cx.xmod.lb_tags.get(lb.address()) {
        return t.clone();
    }
    name_tag(cx, lb, "lb")
}

/// A Droplet tag `<prefix>:<name of r>-<instance id>`, lowercase (see [`pool_tag`]).
pub(super) fn name_tag(cx: &Cx<'_>, lb: &Resource, prefix: &str) -> Expression {
    let label = |v: &str| {
        v.to_ascii_lowercase()
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '-'
                }
            })
            .collect::<String>()
    };
    let name = origin_name(cx, lb).filter(|e| !per_instance(e));
    let text = match name {
        Some(Expression::String(v)) => format!("{}-${{var.instance_id}}", label(&v)),
        Some(e) if cx.mentions_instance_id(&e) => hclx::to_template_part(&e),
        Some(e) => format!("{}-${{var.instance_id}}", hclx::to_template_part(&e)),
        None => format!("{}-${{var.instance_id}}", label(&lb.name.replace('_', "-"))),
    };
    let text = format!("{prefix}:{text}");
    if text.replace("${var.instance_id}", "").contains("${") {
        // Other values spliced in: lowercased when the stack is applied.
        format!("lower(\"{text}\")")
            .parse()
            .unwrap_or_else(|_| hclx::template(text))
    } else {
        hclx::template(text.to_ascii_lowercase())
    }
}

// ---- ALB / NLB --------------------------------------------------------------------------------

/// Does the load balancer serve only ECS services? True when its listeners forward to at least
/// one target group and every such target group is registered by an `aws_ecs_service`
/// (`load_balancer { target_group_arn }`) and has no attachments. Such a load balancer
/// becomes a Kubernetes Service of type LoadBalancer of the workload (`rules::ecs`), because
/// the DOKS cloud controller owns the load balancers of Services and a `digitalocean_loadbalancer`
/// cannot target pods; this rule then leaves it to the ECS rule.
pub fn targets_workloads(cx: &Cx<'_>, lb: &Resource) -> bool {
    let mut tgs: Vec<&Resource> = Vec::new();
    for l in referencing(cx, LISTENER_TYPES, "load_balancer_arn", lb) {
        for a in hclx::blocks(&l.body, "default_action") {
            for e in forward_targets(&a) {
                if let Some(tg) = cx
                    .resolve_ref(&e)
                    .filter(|t| TG_TYPES.contains(&t.ty.as_str()))
                {
                    tgs.push(tg);
                }
            }
            // A fixed response in front of routing rules forwards to the first rule's target.
            if bstr(cx, &a, "type").as_deref() == Some("fixed-response")
                && let Some(tg) = fixed_response_fallback(cx, l)
            {
                tgs.push(tg);
            }
        }
    }
    !tgs.is_empty()
        && tgs.iter().all(|tg| {
            referencing(cx, ATTACHMENT_TYPES, "target_group_arn", tg).is_empty()
                && cx.origin_of_type("aws_ecs_service").any(|svc| {
                    super::ecs::load_balancer_blocks(svc).iter().any(|b| {
                        hclx::attr(b, "target_group_arn")
                            .and_then(|e| cx.resolve_ref(e))
                            .is_some_and(|t| t.address() == tg.address())
                    })
                })
        })
}

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

/// Reads one listener: forwarding rules, redirect, TLS policy, its rules and certificates.
fn listener_into<'a>(
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
pub(super) fn fixed_response_fallback<'a>(cx: &Cx<'a>, l: &Resource) -> Option<&'a Resource> {
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
pub(super) fn forward_targets(action: &Body) -> Vec<Expression> {
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
fn target_protocol(tg_proto: &str, version: Option<&str>) -> &'static str {
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
pub(super) fn is_stack_certificate(cx: &Cx<'_>, e: &Expression) -> bool {
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
fn certificate(cx: &mut Cx<'_>, l: &Resource, key: &str) -> Option<Expression> {
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

fn tls_policy(cx: &mut Cx<'_>, l: &Resource, aws: &str, b: &mut Build<'_>) {
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
fn redirect(
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
pub(super) fn conditional_redirect_lost(cx: &mut Cx<'_>, l: &Resource, cond: &Expression) {
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

/// Folds the target groups used by the listeners: health check and stickiness of the first,
/// proxy protocol, and the attached instances.
fn target_groups_into<'a>(cx: &mut Cx<'a>, b: &mut Build<'a>) {
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
                        hit |= super::ec2::refers_to(x, tg);
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

// ---- classic ELB ------------------------------------------------------------------------------

fn elb(r: &Resource, cx: &mut Cx<'_>) {
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

fn elb_attachment(r: &Resource, cx: &mut Cx<'_>) {
    if !handled(cx, r) {
        orphan(cx, r, "elb", "load balancer");
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

/// A classic ELB's stickiness policy (`aws_lb_cookie_stickiness_policy`,
/// `aws_app_cookie_stickiness_policy`) → `sticky_sessions` of the load balancer it names. A
/// DigitalOcean load balancer has one cookie of its own ([`facts::STICKY_COOKIE`]) for all its
/// ports; an application cookie's name is not used (the load balancer would overwrite it).
fn elb_cookie_stickiness(r: &Resource, cx: &mut Cx<'_>) {
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

    #[test]
    fn target_protocols_follow_the_target_group() {
        assert_eq!(target_protocol("HTTP", None), "http");
        assert_eq!(target_protocol("HTTPS", None), "https");
        assert_eq!(target_protocol("HTTP", Some("HTTP2")), "http2");
        assert_eq!(target_protocol("TCP_UDP", None), "tcp");
        assert_eq!(target_protocol("TLS", None), "https");
    }
}
