//! ECS (Fargate and EC2) → Kubernetes workloads on DOKS (DESIGN §3 table).
//!
//! * `aws_ecs_service` → a `kubernetes_deployment_v1` in the appliance namespace (its task
//!   definition's containers in one pod, `desired_count` → replicas, deployment percentages →
//!   the rolling update) and a `kubernetes_service_v1`: of type LoadBalancer when the service
//!   sits behind an ALB/NLB that serves only ECS services (the load balancer, its listeners
//!   and target groups fold into the Service's ports and DigitalOcean annotations; see
//!   below), otherwise a ClusterIP Service for its container ports (in-cluster DNS replaces
//!   Cloud Map and Service Connect).
//! * `aws_ecs_task_definition` → absorbed into the Deployments of the services that run it; a
//!   task definition no service runs (a one-off or scheduled task) → a `kubernetes_cron_job_v1`
//!   on the schedule of the EventBridge rule or Scheduler schedule that runs it, or suspended
//!   (run on demand) when nothing in the stack does (see `one_off_task`).
//!   Container definitions are read in all the forms people write them: `jsonencode([...])`
//!   (read structurally, so `aws_db_instance.db.address` stays a reference the reference pass
//!   rewrites), heredoc or quoted JSON with `${...}` interpolations, `file()` and
//!   `templatefile()` of a JSON file of the origin, locals, and variables with defaults.
//!   Image, entryPoint/command, environment (a value that is a secret of the stack, e.g.
//!   `data.aws_ssm_parameter.key.value`, → `secret_key_ref`: `secrets::secret_key`; a database's
//!   admin password → `secret_key_ref` to the database's admin Secret), secrets
//!   (`valueFrom` → `secret_key_ref` to the mapped Secret), portMappings, cpu/memory (task and container level: 1024 CPU units = 1
//!   core; MiB → Mi), healthCheck (→ liveness probe), dependsOn (SUCCESS/COMPLETE →
//!   init containers), user, read-only root file system and stop timeout are kept.
//! * `aws_ecs_cluster` → the DOKS cluster of the stack's EKS cluster when there is one;
//!   otherwise it becomes a `digitalocean_kubernetes_cluster` whose node pool is sized from the
//!   Fargate demand (sum of task CPU and memory × replicas with headroom; `facts::workload`).
//!   Capacity providers are absorbed.
//! * `aws_appautoscaling_target` / `_policy` for an ECS service → a
//!   `kubernetes_horizontal_pod_autoscaler_v2` (min/max capacity, CPU and memory target
//!   tracking, cooldowns → stabilization windows); other Application Auto Scaling targets are
//!   dropped.
//!
//! Load balancers of workloads. A `digitalocean_loadbalancer` sends traffic to Droplets (or
//! Droplets by tag); it cannot target pods, and on DOKS the cloud controller manager owns the
//! load balancers of Services of type LoadBalancer. So an ALB/NLB whose target groups are all
//! registered by ECS services becomes that Service (`rules::lb::targets_workloads` leaves it to
//! this rule): listeners → Service ports (target port = the container port of the ECS
//! `load_balancer` block), HTTPS listeners → `do-loadbalancer-tls-ports` with
//! `do-loadbalancer-certificate-name` (the mapped certificate's name, which survives Let's
//! Encrypt renewals), an HTTP→HTTPS redirect → `do-loadbalancer-redirect-http-to-https`,
//! stickiness → sticky-session annotations (with `externalTrafficPolicy: Local`), internal →
//! `do-loadbalancer-network: INTERNAL`, NLB → `do-loadbalancer-type: REGIONAL_NETWORK`, and the
//! load balancer's name (with the instance id) → `do-loadbalancer-name`. The target group's
//! health check becomes the container's readiness probe: the cloud controller health-checks the
//! nodes, Kubernetes the pods. References to the load balancer's `dns_name` (Route 53 aliases,
//! outputs) become the Service's `status[0].load_balancer[0].ingress[0].ip`.
//!
//! One ALB in front of several ECS services (listener rules forwarding by `path_pattern` /
//! `host_header` to target groups of different services, or of different instances of a
//! repeated service split into one workload each) becomes a `kubernetes_ingress_v1` of the
//! class `nginx` instead (see `ingress_plan`): every service keeps a ClusterIP Service, the
//! listener's default forward is the Ingress's default backend (a fixed response: none, the
//! controller answers 404), each listener rule (lower priority first; each instance of a
//! repeated rule) one rule per host with its paths (`/prefix/*` → Prefix, literal → Exact),
//! and `dns_name` the Ingress's load-balancer IP; F380 asks for the NGINX Ingress Controller.
//! Anything an Ingress cannot say — another condition, an action other than one forward, an
//! internal ALB, a repeated service not split — keeps the Service of type LoadBalancer of the
//! first service.
//!
//! One ALB whose listeners (without rules) forward by port to different services (`:443` →
//! web, `:4000` → streaming) is split instead (`port_split`, #294): each service gets a
//! Service of type LoadBalancer with the listeners that forward to it (a listener that only
//! redirects to HTTPS goes with the HTTPS listener on 443), named after the load balancer and
//! the workload; `dns_name` reads the first's IP; an F305 warning names the ports of each.
//!
//! A module with services and no cluster of its own runs them on the stack's cluster of
//! another module when `xmod` found one (`Facts::ecs_cluster`, #260), else on a stand-in
//! `workloads` cluster sized for them. An ECS cluster the services of other modules run on is
//! sized for their demand too (`Facts::guests`, #320): its F373 note gives the total.

use super::ecr;
use super::k8s::{self, Container, Env, EnvSource, PodSpec, Port, Probe, ProbeAction};
use super::lb::{self, LISTENER_CERT_TYPES, LISTENER_RULE_TYPES, LISTENER_TYPES, TG_TYPES};
use super::{Cx, Export, OutcomeRec, Phase, RuleDef};
use crate::diag::{Code, Diagnostic};
use crate::eval::Eval;
use crate::facts::lb_dns;
use crate::facts::workload::{self as facts, Demand};
use crate::hclx;
use crate::origin::{Meta, Mode, Resource};
use crate::out::{Emitted, Item, OutBlock, OutBody};
use crate::report::Outcome;
use hcl::expr::TraversalOperator as Op;
use hcl::template::{Element, Template};
use hcl::{Body, Expression, Value};
use std::collections::BTreeMap;

const SERVICE: &str = "aws_ecs_service";
const TASK_DEF: &str = "aws_ecs_task_definition";
const CLUSTER: &str = "aws_ecs_cluster";
const SCALING_TARGET: &str = "aws_appautoscaling_target";
const SCALING_POLICY: &str = "aws_appautoscaling_policy";

pub const RULES: &[RuleDef] = &[
    RuleDef {
        ty: SERVICE,
        mode: Mode::Managed,
        phase: Phase::Primary,
        produces: &[
            "kubernetes_namespace_v1",
            "kubernetes_deployment_v1",
            "kubernetes_service_v1",
            "kubernetes_secret_v1",
            "kubernetes_ingress_v1",
            "digitalocean_kubernetes_cluster",
        ],
        args: &[
            "name",
            "cluster",
            "task_definition",
            "desired_count",
            "launch_type",
            "platform_version",
            "capacity_provider_strategy",
            "network_configuration",
            "load_balancer",
            "service_registries",
            "service_connect_configuration",
            "deployment_minimum_healthy_percent",
            "deployment_maximum_percent",
            "deployment_circuit_breaker",
            "deployment_controller",
            "health_check_grace_period_seconds",
            "enable_execute_command",
            "enable_ecs_managed_tags",
            "propagate_tags",
            "force_new_deployment",
            "triggers",
            "wait_for_steady_state",
            "scheduling_strategy",
            "ordered_placement_strategy",
            "placement_constraints",
            "iam_role",
            "alarms",
            "availability_zone_rebalancing",
        ],
        summary: "ECS service → kubernetes_deployment_v1 (task definition containers, replicas, rolling update) + kubernetes_service_v1 (LoadBalancer with DigitalOcean annotations when behind an ALB/NLB, else ClusterIP; an ALB routing by path/host to several services → kubernetes_ingress_v1 of class nginx)",
        map: service,
    },
    RuleDef {
        ty: TASK_DEF,
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &[
            "kubernetes_cron_job_v1",
            "kubernetes_namespace_v1",
            "kubernetes_secret_v1",
            "digitalocean_kubernetes_cluster",
        ],
        args: &[
            "family",
            "container_definitions",
            "cpu",
            "memory",
            "network_mode",
            "requires_compatibilities",
            "execution_role_arn",
            "task_role_arn",
            "runtime_platform",
            "volume",
            "ephemeral_storage",
            "pid_mode",
            "ipc_mode",
            "proxy_configuration",
            "placement_constraints",
            "skip_destroy",
            "track_latest",
            "inference_accelerator",
        ],
        summary: "task definition → absorbed into the Deployments of the services that run it (containers, cpu/memory → requests and limits); run by no service → kubernetes_cron_job_v1 (scheduled by its EventBridge rule / Scheduler schedule, else suspended for runs on demand)",
        map: task_definition,
    },
    RuleDef {
        ty: TASK_DEF,
        mode: Mode::Data,
        phase: Phase::Attach,
        produces: &[],
        args: &["task_definition"],
        summary: "task definition lookup → dropped (the Deployment's pod template is the task definition; there are no revisions)",
        map: task_definition_data,
    },
    RuleDef {
        ty: CLUSTER,
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &[
            "digitalocean_kubernetes_cluster",
            "digitalocean_kubernetes_versions",
        ],
        args: &[
            "name",
            "setting",
            "configuration",
            "service_connect_defaults",
            "capacity_providers",
            "default_capacity_provider_strategy",
        ],
        summary: "ECS cluster → the stack's DOKS cluster (of its EKS cluster), or a digitalocean_kubernetes_cluster with a node pool sized from the Fargate demand",
        map: cluster,
    },
    RuleDef {
        ty: CLUSTER,
        mode: Mode::Data,
        phase: Phase::Attach,
        produces: &[],
        args: &["cluster_name"],
        summary: "ECS cluster lookup → the stack's DOKS cluster",
        map: cluster_data,
    },
    RuleDef {
        ty: "aws_ecs_cluster_capacity_providers",
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &[],
        args: &[
            "cluster_name",
            "capacity_providers",
            "default_capacity_provider_strategy",
        ],
        summary: "cluster capacity providers → absorbed (pods run on the DOKS node pool)",
        map: capacity,
    },
    RuleDef {
        ty: "aws_ecs_capacity_provider",
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &[],
        args: &["name", "auto_scaling_group_provider"],
        summary: "capacity provider → absorbed (the DOKS node pool autoscales itself)",
        map: capacity,
    },
    RuleDef {
        ty: "aws_ecs_account_setting_default",
        mode: Mode::Managed,
        phase: Phase::Primary,
        produces: &[],
        args: &["name", "value"],
        summary: "ECS account setting → dropped (no meaning on DOKS)",
        map: account_setting,
    },
    RuleDef {
        ty: "aws_ecs_tag",
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &[],
        args: &["resource_arn", "key", "value"],
        summary: "ECS tag → dropped (Kubernetes objects carry Ferry's labels)",
        map: account_setting,
    },
    RuleDef {
        ty: SCALING_TARGET,
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &["kubernetes_horizontal_pod_autoscaler_v2"],
        args: &[
            "service_namespace",
            "resource_id",
            "scalable_dimension",
            "min_capacity",
            "max_capacity",
            "role_arn",
            "suspended_state",
        ],
        summary: "Application Auto Scaling target of an ECS service → kubernetes_horizontal_pod_autoscaler_v2 (min/max replicas, its target-tracking policies → metrics); other targets → dropped",
        map: scaling_target,
    },
    RuleDef {
        ty: SCALING_POLICY,
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &[],
        args: &[
            "name",
            "policy_type",
            "resource_id",
            "scalable_dimension",
            "service_namespace",
            "target_tracking_scaling_policy_configuration",
            "step_scaling_policy_configuration",
        ],
        summary: "Application Auto Scaling policy of an ECS service → a metric of its HorizontalPodAutoscaler; others → dropped",
        map: scaling_policy,
    },
    RuleDef {
        ty: "aws_scheduler_schedule",
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &[],
        args: &[
            "name",
            "name_prefix",
            "group_name",
            "description",
            "schedule_expression",
            "schedule_expression_timezone",
            "state",
            "flexible_time_window",
            "target",
            "start_date",
            "end_date",
        ],
        summary: "EventBridge Scheduler schedule of an ECS task → the schedule of the task's kubernetes_cron_job_v1; other targets → unsupported",
        map: scheduler_schedule,
    },
];

// ---- small helpers ------------------------------------------------------------------------------

fn s(v: &str) -> Expression {
    Expression::String(v.to_string())
}

fn num(n: i64) -> Expression {
    Expression::Number(n.into())
}

fn warn(cx: &mut Cx<'_>, code: Code, r: &Resource, key: &str, msg: String, help: &str) {
    cx.diag(
        Diagnostic::new(code, msg)
            .at(r.loc_of(key))
            .resource(r.address())
            .help(help),
    );
}

/// Does any traversal in `e` start at the origin resource `t`?
fn refers_to(e: &Expression, t: &Resource) -> bool {
    super::ec2::refers_to(e, t)
}

fn join_quoted(items: &[String]) -> String {
    items
        .iter()
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

// ---- container definitions as a tree -------------------------------------------------------------

/// A JSON-shaped value whose leaves are Terraform expressions: container definitions keep
/// references (`aws_db_instance.db.address`) so the reference pass can rewrite them.
#[derive(Debug, Clone, PartialEq)]
enum J {
    Obj(Vec<(String, J)>),
    Arr(Vec<J>),
    Leaf(Expression),
}

impl J {
    fn get(&self, key: &str) -> Option<&J> {
        match self {
            J::Obj(fields) => fields.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    fn keys(&self) -> Vec<&str> {
        match self {
            J::Obj(fields) => fields.iter().map(|(k, _)| k.as_str()).collect(),
            _ => vec![],
        }
    }

    /// Back to an expression.
    fn expr(&self) -> Expression {
        match self {
            J::Leaf(e) => e.clone(),
            J::Arr(items) => Expression::Array(items.iter().map(J::expr).collect()),
            J::Obj(fields) => k8s::map(fields.iter().map(|(k, v)| (k.clone(), v.expr()))),
        }
    }
}

fn from_value(v: &Value) -> J {
    match v {
        Value::Array(items) => J::Arr(items.iter().map(from_value).collect()),
        Value::Object(m) => J::Obj(m.iter().map(|(k, v)| (k.clone(), from_value(v))).collect()),
        other => J::Leaf(crate::eval::value_to_expr(other)),
    }
}

/// An expression as a tree, looking through `jsonencode()`, `concat()` of lists and locals.
fn to_j(cx: &Cx<'_>, e: &Expression, depth: usize) -> J {
    if depth > 16 {
        return J::Leaf(e.clone());
    }
    match e {
        Expression::Object(o) => J::Obj(
            o.iter()
                .filter_map(|(k, v)| Some((hclx::object_key(k)?, to_j(cx, v, depth + 1))))
                .collect(),
        ),
        Expression::Array(items) => J::Arr(items.iter().map(|i| to_j(cx, i, depth + 1)).collect()),
        Expression::Parenthesis(inner) => to_j(cx, inner, depth + 1),
        Expression::FuncCall(f) if f.name.name.as_str() == "jsonencode" && f.args.len() == 1 => {
            to_j(cx, &f.args[0], depth + 1)
        }
        Expression::FuncCall(f) if f.name.name.as_str() == "concat" => {
            let mut out = Vec::new();
            for a in &f.args {
                match as_arr(cx, &to_j(cx, a, depth + 1)) {
                    Some(items) => out.extend(items),
                    None => return J::Leaf(e.clone()),
                }
            }
            J::Arr(out)
        }
        // A local that is a database's user name, password or port stays itself: elsewhere it
        // reads the cluster's (`secrets::read_database_values`), so a container's user and
        // password belong to one login.
        _ => match local_of(cx, e) {
            Some(_) if super::secrets::is_database_value_source(cx.resources, e) => {
                J::Leaf(e.clone())
            }
            Some(l) => to_j(cx, &l, depth + 1),
            None => J::Leaf(e.clone()),
        },
    }
}

/// The expression of `local.<name>` (exactly, with no attribute after it).
fn local_of(cx: &Cx<'_>, e: &Expression) -> Option<Expression> {
    match hclx::traversal_root(e) {
        Some(("local", [Op::GetAttr(name)])) => cx
            .module
            .locals
            .iter()
            .find(|l| l.name == name.as_str())
            .map(|l| l.expr.clone()),
        _ => None,
    }
}

fn as_arr(cx: &Cx<'_>, j: &J) -> Option<Vec<J>> {
    match j {
        J::Arr(items) => Some(items.clone()),
        J::Leaf(e) => match cx.eval.value(e) {
            Some(Value::Array(items)) => Some(items.iter().map(from_value).collect()),
            Some(Value::Null) => Some(vec![]),
            Some(_) => None,
            // A list whose elements read resources (`"environment": ${jsonencode(local.env)}`
            // in a heredoc, the local listing `{ name, value = aws_db_instance.x.address }`):
            // its structure, elements as written, through `jsonencode()`, `concat()` and locals.
            None => match to_j(cx, e, 0) {
                J::Arr(items) => Some(items),
                _ => None,
            },
        },
        J::Obj(_) => None,
    }
}

fn as_obj(cx: &Cx<'_>, j: &J) -> Option<J> {
    match j {
        J::Obj(_) => Some(j.clone()),
        J::Leaf(e) => match cx.eval.value(e)? {
            v @ Value::Object(_) => Some(from_value(&v)),
            _ => None,
        },
        J::Arr(_) => None,
    }
}

fn jstr(cx: &Cx<'_>, j: Option<&J>) -> Option<String> {
    match j? {
        J::Leaf(Expression::Null) => None,
        J::Leaf(e) => cx.eval.string(e),
        _ => None,
    }
}

fn jnum(cx: &Cx<'_>, j: Option<&J>) -> Option<f64> {
    match j? {
        J::Leaf(Expression::Null) => None,
        J::Leaf(e) => cx.eval.number(e),
        _ => None,
    }
}

fn jbool(cx: &Cx<'_>, j: Option<&J>) -> Option<bool> {
    match j? {
        J::Leaf(Expression::Null) => None,
        J::Leaf(e) => cx.eval.bool(e),
        _ => None,
    }
}

/// The leaf expression (or the rebuilt expression) of a field.
fn jexpr(j: Option<&J>) -> Option<Expression> {
    match j? {
        J::Leaf(Expression::Null) => None,
        other => Some(other.expr()),
    }
}

/// A JSON text with `@@FERRY<n>@@` placeholders → a tree whose leaves are the expressions.
fn from_json(v: &serde_json::Value, exprs: &[Expression]) -> J {
    match v {
        serde_json::Value::Object(m) => J::Obj(
            m.iter()
                .map(|(k, v)| (k.clone(), from_json(v, exprs)))
                .collect(),
        ),
        serde_json::Value::Array(items) => {
            J::Arr(items.iter().map(|i| from_json(i, exprs)).collect())
        }
        serde_json::Value::String(text) => J::Leaf(placeholder_string(text, exprs)),
        serde_json::Value::Number(n) => J::Leaf(
            n.as_i64()
                .map(|i| Expression::Number(i.into()))
                .or_else(|| {
                    n.as_f64()
                        .and_then(hcl::Number::from_f64)
                        .map(Expression::Number)
                })
                .unwrap_or(Expression::Null),
        ),
        serde_json::Value::Bool(b) => J::Leaf(Expression::Bool(*b)),
        serde_json::Value::Null => J::Leaf(Expression::Null),
    }
}

const PH_OPEN: &str = "@@FERRY";
const PH_CLOSE: &str = "@@";

/// A JSON string with placeholders → the expression it stands for: the interpolated expression
/// itself when it is the whole string, a template otherwise.
fn placeholder_string(text: &str, exprs: &[Expression]) -> Expression {
    if !text.contains(PH_OPEN) {
        return Expression::String(text.to_string());
    }
    let mut parts: Vec<Result<String, Expression>> = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find(PH_OPEN) {
        let after = &rest[i + PH_OPEN.len()..];
        let digits: String = after.chars().take_while(|c| c.is_ascii_digit()).collect();
        let idx = digits.parse::<usize>().ok().and_then(|n| exprs.get(n));
        let tail = &after[digits.len()..];
        match (idx, tail.strip_prefix(PH_CLOSE)) {
            (Some(e), Some(t)) => {
                if i > 0 {
                    parts.push(Ok(rest[..i].to_string()));
                }
                parts.push(Err(e.clone()));
                rest = t;
            }
            _ => {
                parts.push(Ok(rest[..i + PH_OPEN.len()].to_string()));
                rest = after;
            }
        }
    }
    if !rest.is_empty() {
        parts.push(Ok(rest.to_string()));
    }
    if let [Err(e)] = parts.as_slice() {
        return e.clone();
    }
    let mut t = String::new();
    for p in parts {
        match p {
            Ok(lit) => t.push_str(&hclx::escape_template_literal(&lit)),
            Err(e) => t.push_str(&format!("${{{}}}", hclx::inline(&e))),
        }
    }
    hclx::template(t)
}

/// A template (heredoc, quoted string, or a `templatefile()` file) holding JSON: interpolations
/// inside JSON strings become placeholders, interpolations in value position (`"cpu": ${x}`)
/// become whole-value placeholders.
fn template_json(tpl: &Template, subst: &dyn Fn(&Expression) -> Expression) -> Result<J, String> {
    let mut text = String::new();
    let mut exprs = Vec::new();
    let (mut in_str, mut esc) = (false, false);
    for el in tpl.elements() {
        match el {
            Element::Literal(l) => {
                for c in l.chars() {
                    text.push(c);
                    if esc {
                        esc = false;
                    } else if in_str && c == '\\' {
                        esc = true;
                    } else if c == '"' {
                        in_str = !in_str;
                    }
                }
            }
            Element::Interpolation(i) => {
                let n = exprs.len();
                exprs.push(subst(&i.expr));
                if in_str {
                    text.push_str(&format!("{PH_OPEN}{n}{PH_CLOSE}"));
                } else {
                    text.push_str(&format!("\"{PH_OPEN}{n}{PH_CLOSE}\""));
                }
            }
            Element::Directive(_) => {
                return Err("uses template directives (`%{ for }` / `%{ if }`), which Ferry does not expand".into());
            }
        }
    }
    let v: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("is not valid JSON ({e})"))?;
    // A value-position placeholder is the expression itself (a number, a list, …).
    Ok(from_json(&v, &exprs))
}

/// Replaces the template variables of a `templatefile()` (`${image}`, `${db.host}`) by the
/// expressions its caller passes.
fn substitute(e: &Expression, vars: &[(String, Expression)]) -> Expression {
    let mut out = e.clone();
    hclx::walk_mut(&mut out, &mut |x| {
        if let Expression::Variable(v) = x
            && let Some((_, val)) = vars.iter().find(|(k, _)| k == v.as_str())
        {
            *x = val.clone();
            return false;
        }
        true
    });
    out
}

/// `environment` written as a `for` over a map whose names are known at compile time even
/// where its values are not (`[for k, v in coalesce(var.env, { HOST = local.db_host }) : { name
/// = k, value = v }]`, in `toset()` or not): one entry per name, in Terraform's (lexical) order,
/// each with its value as written for the reference pass. `None` when the names are not known.
/// The expressions listed beside are what a deployment may set to change the names (taken at
/// their defaults).
fn unrolled_env(cx: &Cx<'_>, e: &Expression) -> Option<(Vec<J>, Vec<Expression>)> {
    let mut e = e;
    let local;
    for _ in 0..16 {
        match e {
            Expression::Parenthesis(inner) => e = inner,
            Expression::FuncCall(f)
                if matches!(f.name.name.as_str(), "toset" | "tolist") && f.args.len() == 1 =>
            {
                e = &f.args[0]
            }
            _ => break,
        }
    }
    let f = match e {
        Expression::ForExpr(f) => f,
        other => {
            local = local_of(cx, other)?;
            match &local {
                Expression::ForExpr(f) => f,
                _ => return None,
            }
        }
    };
    if f.key_expr.is_some() || f.cond_expr.is_some() {
        return None;
    }
    let mut decided = Vec::new();
    let entries = known_entries(cx, &f.collection_expr, 0, &mut decided)?;
    let items = entries
        .into_iter()
        .map(|(k, v)| {
            let mut vars = vec![(f.value_var.to_string(), v)];
            if let Some(kv) = &f.key_var {
                vars.push((kv.to_string(), s(&k)));
            }
            // The fields as written: a local stays a local (`local.db_user` is the database's
            // user to the reference pass), not the origin's value.
            match substitute(&f.value_expr, &vars) {
                Expression::Object(o) => J::Obj(
                    o.into_iter()
                        .filter_map(|(k, v)| Some((hclx::object_key(&k)?, J::Leaf(v))))
                        .collect(),
                ),
                other => to_j(cx, &other, 0),
            }
        })
        .collect();
    Some((items, decided))
}

/// The entries of a map whose keys are known at compile time (an object literal, `merge()`,
/// `coalesce()`, `tomap()`, a local, or a value the evaluator knows), values as written.
/// `decided` collects the expressions of the deployment the keys were read from at their
/// defaults.
fn known_entries(
    cx: &Cx<'_>,
    e: &Expression,
    depth: usize,
    decided: &mut Vec<Expression>,
) -> Option<BTreeMap<String, Expression>> {
    if depth > 16 {
        return None;
    }
    match e {
        Expression::Parenthesis(inner) => known_entries(cx, inner, depth + 1, decided),
        Expression::Object(o) => o
            .iter()
            .map(|(k, v)| Some((hclx::object_key(k)?, v.clone())))
            .collect(),
        Expression::FuncCall(f) if f.name.name.as_str() == "tomap" && f.args.len() == 1 => {
            known_entries(cx, &f.args[0], depth + 1, decided)
        }
        Expression::FuncCall(f) if f.name.name.as_str() == "merge" => {
            let mut out = BTreeMap::new();
            for a in &f.args {
                out.extend(known_entries(cx, a, depth + 1, decided)?);
            }
            Some(out)
        }
        Expression::FuncCall(f) if f.name.name.as_str() == "coalesce" => {
            for a in &f.args {
                match cx.eval.value(a) {
                    Some(Value::Null) => {}
                    Some(Value::String(v)) if v.is_empty() => {}
                    _ => return known_entries(cx, a, depth + 1, decided),
                }
                // Skipped at the defaults: a deployment that sets it chooses other names.
                if cx.deploy_decides(a) {
                    decided.push(a.clone());
                }
            }
            None
        }
        other => {
            if let Some(l) = local_of(cx, other) {
                return known_entries(cx, &l, depth + 1, decided);
            }
            let Some(Value::Object(m)) = cx.eval.value(other) else {
                return None;
            };
            if cx.deploy_decides(other) {
                decided.push(other.clone());
            }
            Some(
                m.iter()
                    .map(|(k, v)| (k.clone(), crate::eval::value_to_expr(v)))
                    .collect(),
            )
        }
    }
}

/// How the container definitions were written (for notes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DefsForm {
    Structural,
    Template,
    File,
    TemplateFile,
    Static,
}

impl DefsForm {
    fn describe(self) -> &'static str {
        match self {
            DefsForm::Structural => "jsonencode",
            DefsForm::Template => "inline JSON",
            DefsForm::File => "file()",
            DefsForm::TemplateFile => "templatefile()",
            DefsForm::Static => "a static value",
        }
    }
}

/// The container definitions of a task definition, or why they cannot be read.
fn container_defs(cx: &Cx<'_>, td: &Resource) -> Result<(Vec<J>, DefsForm), String> {
    let e = hclx::attr(&td.body, "container_definitions")
        .ok_or_else(|| "has no `container_definitions`".to_string())?
        .clone();
    let (j, form) = defs_tree(cx, &e, 0)?;
    let items = as_arr(cx, &j).ok_or_else(|| {
        format!(
            "`container_definitions` (`{}`) is not a list of containers Ferry can read at compile time",
            hclx::inline(&e)
        )
    })?;
    if items.is_empty() {
        return Err("is an empty list".into());
    }
    Ok((items, form))
}

fn defs_tree(cx: &Cx<'_>, e: &Expression, depth: usize) -> Result<(J, DefsForm), String> {
    if depth > 8 {
        return Err("nests locals too deeply".into());
    }
    match e {
        Expression::FuncCall(f) if f.name.name.as_str() == "jsonencode" && f.args.len() == 1 => {
            Ok((to_j(cx, &f.args[0], 0), DefsForm::Structural))
        }
        Expression::FuncCall(f) if f.name.name.as_str() == "file" && f.args.len() == 1 => {
            let text = read_file(cx, &f.args[0])?;
            let v: serde_json::Value = serde_json::from_str(&text)
                .map_err(|err| format!("reads a file that is not valid JSON ({err})"))?;
            Ok((from_json(&v, &[]), DefsForm::File))
        }
        Expression::FuncCall(f) if f.name.name.as_str() == "templatefile" && f.args.len() == 2 => {
            let text = read_file(cx, &f.args[0])?;
            if crate::origin::depth::template_too_deep(&text).is_some() {
                return Err(format!(
                    "reads a template that nests more than {} levels deep",
                    crate::origin::MAX_NESTING
                ));
            }
            let tpl: Template = text
                .parse()
                .map_err(|err| format!("reads a template that does not parse ({err})"))?;
            let vars_expr = local_of(cx, &f.args[1]).unwrap_or_else(|| f.args[1].clone());
            let vars: Vec<(String, Expression)> = match to_j(cx, &vars_expr, 0) {
                J::Obj(fields) => fields.into_iter().map(|(k, v)| (k, v.expr())).collect(),
                _ => {
                    return Err(format!(
                        "passes `{}` to templatefile(), which Ferry cannot read at compile time",
                        hclx::inline(&f.args[1])
                    ));
                }
            };
            let j = template_json(&tpl, &|x| substitute(x, &vars))?;
            Ok((j, DefsForm::TemplateFile))
        }
        Expression::TemplateExpr(t) => {
            let tpl = Template::from_expr(t).map_err(|err| format!("does not parse ({err})"))?;
            Ok((template_json(&tpl, &|x| x.clone())?, DefsForm::Template))
        }
        Expression::String(text) => {
            let v: serde_json::Value =
                serde_json::from_str(text).map_err(|err| format!("is not valid JSON ({err})"))?;
            Ok((from_json(&v, &[]), DefsForm::Template))
        }
        other => {
            if let Some(l) = local_of(cx, other) {
                return defs_tree(cx, &l, depth + 1);
            }
            match cx.eval.value(other) {
                Some(Value::String(text)) => {
                    let v: serde_json::Value = serde_json::from_str(&text)
                        .map_err(|err| format!("is not valid JSON ({err})"))?;
                    Ok((from_json(&v, &[]), DefsForm::Static))
                }
                Some(v @ Value::Array(_)) => Ok((from_value(&v), DefsForm::Static)),
                _ => Err(format!(
                    "is `{}`, which is only known when the stack is applied",
                    hclx::inline(other)
                )),
            }
        }
    }
}

fn read_file(cx: &Cx<'_>, path: &Expression) -> Result<String, String> {
    let p = cx.eval.string(path).ok_or_else(|| {
        format!(
            "reads a file whose path (`{}`) is not known at compile time",
            hclx::inline(path)
        )
    })?;
    cx.file(&p).map(str::to_string).ok_or_else(|| {
        format!(
            "reads `{p}`, which is not part of the input (Ferry reads JSON, template, YAML, script and configuration text files up to 1 MiB next to the .tf files)"
        )
    })
}

// ---- tasks and their sizes -----------------------------------------------------------------------

/// The task definition a service runs (by reference).
fn task_def_of<'a>(cx: &Cx<'a>, svc: &Resource) -> Option<&'a Resource> {
    let e = hclx::attr(&svc.body, "task_definition")?;
    let mut found = None;
    hclx::walk(e, &mut |x| {
        if found.is_some() {
            return;
        }
        if let Some((TASK_DEF, [Op::GetAttr(n), ..])) = hclx::traversal_root(x) {
            found = cx
                .resources
                .iter()
                .find(|r| r.mode == Mode::Managed && r.ty == TASK_DEF && r.name == n.as_str());
        }
    });
    found.or_else(|| {
        // `task_definition = "web:3"` / a family name: the stack's task definition of that family.
        let v = cx.eval.string(e)?;
        let family = v.rsplit('/').next().unwrap_or(&v);
        let family = family.split(':').next().unwrap_or(family);
        cx.origin_of_type(TASK_DEF).find(|t| {
            hclx::attr(&t.body, "family")
                .and_then(|f| cx.eval.string(f))
                .as_deref()
                == Some(family)
        })
    })
}

/// The task definition a service runs, with `each` / `count.index` of a repeated task
/// definition bound to the instance the service names (`aws_ecs_task_definition.svc["web"]`).
fn bound_task(cx: &Cx<'_>, svc: &Resource) -> Option<Resource> {
    let td = task_def_of(cx, svc)?;
    if !td.meta.is_repeated() {
        return Some(td.clone());
    }
    let mut key: Option<Value> = None;
    if let Some(e) = hclx::attr(&svc.body, "task_definition") {
        hclx::walk(e, &mut |x| {
            if key.is_some() {
                return;
            }
            if let Some((TASK_DEF, [Op::GetAttr(n), Op::Index(i), ..])) = hclx::traversal_root(x)
                && n.as_str() == td.name
            {
                key = cx.eval.value(i);
            }
        });
    }
    bind_instance(cx, td, key)
}

/// The task definition `td` with `each` / `count.index` bound to the instance `key` (the first
/// when `None`); as it is when not repeated.
fn bind_instance(cx: &Cx<'_>, td: &Resource, key: Option<Value>) -> Option<Resource> {
    if !td.meta.is_repeated() {
        return Some(td.clone());
    }
    let mut bound = td.clone();
    if let Some(c) = &td.meta.count {
        let idx = key.unwrap_or(Value::from(0u64));
        let _ = c;
        bound.body = super::ec2::bind(cx, &td.body, "count", &[("index", idx)]);
    } else if let Some(fe) = &td.meta.for_each {
        let items = cx.eval.value(fe).and_then(super::ec2::iterations)?;
        let (k, v) = items
            .into_iter()
            .map(|(k, v)| match (&k, &v) {
                (Value::Number(_), Value::String(_)) => (v.clone(), v),
                _ => (k, v),
            })
            .find(|(k, _)| key.as_ref().is_none_or(|want| want == k))?;
        bound.body = super::ec2::bind(cx, &td.body, "each", &[("key", k), ("value", v)]);
    }
    bound.meta.count = None;
    bound.meta.for_each = None;
    // `{ port = 3000, image = "web" }.image` (a substituted `each.value.image`) → `"web"`.
    let mut body = bound.body;
    hclx::walk_body_mut(&mut body, &mut |x| {
        if let Expression::Traversal(t) = x
            && matches!(t.expr, Expression::Object(_) | Expression::Array(_))
            && let Some(v) = cx.eval.value(x)
        {
            *x = crate::eval::value_to_expr(&v);
            return false;
        }
        true
    });
    bound.body = body;
    Some(bound)
}

/// Task-level CPU units and MiB.
fn task_size(cx: &Cx<'_>, td: &Resource) -> (Option<f64>, Option<f64>) {
    let n = |k: &str| {
        hclx::attr(&td.body, k)
            .filter(|e| !matches!(e, Expression::Null))
            .and_then(|e| cx.eval.number(e))
    };
    (n("cpu"), n("memory"))
}

/// What one replica of a task asks for: millicores and MiB.
fn task_demand(cx: &Cx<'_>, td: &Resource) -> (u64, u64) {
    let (cpu, mem) = task_size(cx, td);
    let (mut c_cpu, mut c_mem) = (0.0, 0.0);
    if (cpu.is_none() || mem.is_none())
        && let Ok((defs, _)) = container_defs(cx, td)
    {
        for d in &defs {
            c_cpu += jnum(cx, d.get("cpu")).unwrap_or(0.0);
            c_mem += jnum(cx, d.get("memoryReservation"))
                .or_else(|| jnum(cx, d.get("memory")))
                .unwrap_or(0.0);
        }
    }
    // Fargate's smallest task when nothing says otherwise: 0.25 vCPU, 512 MiB.
    let cpu = cpu.unwrap_or(if c_cpu > 0.0 { c_cpu } else { 256.0 });
    let mem = mem.unwrap_or(if c_mem > 0.0 { c_mem } else { 512.0 });
    (facts::millicores(cpu), mem.round().max(0.0) as u64)
}

/// The Application Auto Scaling target of an ECS service, if any.
fn scaling_target_of<'a>(cx: &Cx<'a>, svc: &Resource) -> Option<&'a Resource> {
    cx.origin_of_type(SCALING_TARGET)
        .find(|t| service_of_target(cx, t).is_some_and(|s| s.address() == svc.address()))
}

/// The ECS service an Application Auto Scaling target scales.
fn service_of_target<'a>(cx: &Cx<'a>, t: &Resource) -> Option<&'a Resource> {
    let ns = hclx::attr(&t.body, "service_namespace").and_then(|e| cx.eval.string(e));
    if ns.as_deref().is_some_and(|n| n != "ecs") {
        return None;
    }
    let id = hclx::attr(&t.body, "resource_id")?;
    if let Some(svc) = cx.origin_of_type(SERVICE).find(|svc| refers_to(id, svc)) {
        return Some(svc);
    }
    // `for_each = local.services` over a map of one service, `"service/${…}/${each.value}"`:
    // the service the map's only value names. With several, one target stands for several
    // services, which Ferry does not split (the caller warns).
    if let Some(fe) = &t.meta.for_each
        && hclx::inline(id).contains("each.value")
    {
        let map = match hclx::traversal_root(fe) {
            Some(("local", [Op::GetAttr(n)])) => cx
                .module
                .locals
                .iter()
                .find(|l| l.name == n.as_str())
                .map(|l| &l.expr),
            _ => Some(fe),
        };
        if let Some(Expression::Object(obj)) = map
            && obj.len() == 1
            && let Some((_, value)) = obj.iter().next()
        {
            return cx.origin_of_type(SERVICE).find(|svc| refers_to(value, svc));
        }
    }
    // `resource_id = "service/prod/api"`: by the service's static name.
    let v = cx.eval.string(id)?;
    let name = v.rsplit('/').next()?;
    cx.origin_of_type(SERVICE).find(|svc| {
        hclx::attr(&svc.body, "name")
            .and_then(|e| cx.eval.string(e))
            .as_deref()
            == Some(name)
    })
}

/// Replicas of a service: desired and (with autoscaling) maximum.
fn replicas(cx: &Cx<'_>, svc: &Resource) -> (u64, u64) {
    // A repeated service is emitted as its first instance: its count is that instance's (the
    // node pool is sized from here, where `each` is not bound).
    let own = if svc.meta.is_repeated() {
        cx.eval.for_instance(&svc.meta)
    } else {
        None
    };
    let eval = own.as_ref().unwrap_or(cx.eval);
    let desired = hclx::attr(&svc.body, "desired_count")
        .and_then(|e| eval.number(e))
        .unwrap_or(1.0)
        .max(0.0) as u64;
    let daemon = hclx::attr(&svc.body, "scheduling_strategy")
        .and_then(|e| cx.eval.string(e))
        .as_deref()
        == Some("DAEMON");
    let desired = if daemon { desired.max(1) } else { desired };
    let max = scaling_target_of(cx, svc)
        .and_then(|t| hclx::attr(&t.body, "max_capacity"))
        .and_then(|e| cx.eval.number(e))
        .map(|m| m.max(0.0) as u64)
        .unwrap_or(desired)
        .max(desired);
    let min = scaling_target_of(cx, svc)
        .and_then(|t| hclx::attr(&t.body, "min_capacity"))
        .and_then(|e| cx.eval.number(e))
        .map(|m| m.max(0.0) as u64)
        .unwrap_or(desired);
    (desired.max(min), max)
}

/// The demand of every ECS service of the module: (at desired count, at maximum count).
fn workload_demand(cx: &Cx<'_>) -> (Demand, Demand, usize, usize) {
    let mut now = Demand::default();
    let mut peak = Demand::default();
    let mut tasks = 0;
    let mut services = 0;
    // Tasks no service runs (one-off and scheduled tasks, `one_off_task`): one run each.
    for td in cx.origin_of_type(TASK_DEF) {
        if run_by_service(cx, td) {
            continue;
        }
        let Some(td) = bind_instance(cx, td, None) else {
            continue;
        };
        let (cpu, mem) = task_demand(cx, &td);
        let n = triggers_of(cx, &td)
            .iter()
            .filter_map(|t| task_count(cx, t))
            .max()
            .unwrap_or(1) as u64;
        for d in [&mut now, &mut peak] {
            d.millicores += cpu * n;
            d.mib += mem * n;
            d.pod_millicores = d.pod_millicores.max(cpu);
            d.pod_mib = d.pod_mib.max(mem);
        }
        tasks += 1;
    }
    // A service repeated over a known collection counts every instance (one workload each).
    let all: Vec<std::borrow::Cow<'_, Resource>> = cx
        .origin_of_type(SERVICE)
        .flat_map(|svc| match service_instances(cx, svc) {
            Some(v) => v
                .into_iter()
                .map(|(_, b)| std::borrow::Cow::Owned(b))
                .collect(),
            None => vec![std::borrow::Cow::Borrowed(svc)],
        })
        .collect();
    for svc in &all {
        let Some(td) = bound_task(cx, svc) else {
            continue;
        };
        services += 1;
        let (cpu, mem) = task_demand(cx, &td);
        let (desired, max) = replicas(cx, svc);
        for (d, n) in [(&mut now, desired), (&mut peak, max)] {
            d.millicores += cpu * n;
            d.mib += mem * n;
            d.pod_millicores = d.pod_millicores.max(cpu);
            d.pod_mib = d.pod_mib.max(mem);
        }
    }
    (now, peak, services, tasks)
}

/// The demand of the ECS services of a module compiled elsewhere ([`workload_demand`] over its
/// origin resources, evaluated by `eval`): `xmod` hands it to the module of the stack's
/// cluster they run on (#320).
pub fn module_demand(
    module: &crate::origin::Module,
    eval: &Eval,
) -> (Demand, Demand, usize, usize) {
    let options = crate::api::Options::default();
    let mut st = super::State::default();
    let at_deploy = std::collections::BTreeSet::new();
    let cx = Cx {
        module,
        resources: &module.resources,
        eval,
        options: &options,
        st: &mut st,
        xmod: &crate::xmod::NONE,
        at_deploy: &at_deploy,
    };
    workload_demand(&cx)
}

// ---- the cluster ---------------------------------------------------------------------------------

/// The DOKS cluster of the stack, if one was emitted (from EKS, an ECS cluster, or for the
/// services).
fn doks_cluster(cx: &Cx<'_>) -> Option<String> {
    cx.st
        .emitted
        .iter()
        .find(|e| e.mode == Mode::Managed && e.ty == "digitalocean_kubernetes_cluster")
        .map(|e| e.address())
}

/// Emits a DOKS cluster sized for the ECS services (`r`: the ECS cluster it stands for, or
/// `None` when the stack has no cluster of its own). Returns its address.
fn create_cluster(cx: &mut Cx<'_>, r: Option<&Resource>) -> String {
    let (mut now, mut peak, services, tasks) = workload_demand(cx);
    // The services of other modules that run on this cluster (`xmod`, #320).
    let guests = cx.xmod.guests.as_ref().filter(|_| r.is_some());
    if let Some(g) = guests {
        for (sum, d) in [(&mut now, g.now), (&mut peak, g.peak)] {
            sum.millicores += d.millicores;
            sum.mib += d.mib;
            sum.pod_millicores = sum.pod_millicores.max(d.pod_millicores);
            sum.pod_mib = sum.pod_mib.max(d.pod_mib);
        }
    }
    let base = facts::pool_for(now);
    let top = facts::pool_for(Demand {
        pod_millicores: now.pod_millicores.max(peak.pod_millicores),
        pod_mib: now.pod_mib.max(peak.pod_mib),
        ..peak
    });
    let size = if top.size != base.size {
        top.size
    } else {
        base.size
    };
    // Node counts on the chosen size.
    let nodes_for = |d: Demand| -> u64 {
        let (cpu, mib) = facts::allocatable(size).unwrap_or((1, 1));
        let need_cpu = (d.millicores as f64 * facts::HEADROOM).ceil() as u64;
        let need_mib = (d.mib as f64 * facts::HEADROOM).ceil() as u64;
        need_cpu
            .div_ceil(cpu.max(1))
            .max(need_mib.div_ceil(mib.max(1)))
            .max(facts::MIN_NODES)
    };
    let (min_nodes, max_nodes) = (nodes_for(now), nodes_for(peak));
    let mut pool = OutBody::new();
    pool.set("name", s("workloads"));
    pool.set("size", s(size));
    if max_nodes > min_nodes {
        pool.set("auto_scale", Expression::Bool(true));
        pool.set("min_nodes", num(min_nodes as i64));
        pool.set("max_nodes", num(max_nodes as i64));
    } else {
        pool.set("node_count", num(min_nodes as i64));
    }
    pool.set("tags", cx.tags());

    let mut body = OutBody::new();
    let name = match r {
        // DOKS cluster names are lower-case letters, digits and `-`.
        Some(r) => {
            let origin = cx.expr(r, "name").map(|e| match e {
                Expression::String(v) => s(&k8s::dns_label(&v, "cluster")),
                other => other,
            });
            cx.unique_name(r, origin, &r.name.replace('_', "-").to_ascii_lowercase())
        }
        None => hclx::template("workloads-${var.instance_id}"),
    };
    body.set("name", name);
    body.set("region", cx.region());
    body.set("version", Expression::Null);
    let vpc = match r {
        Some(r) => cx.vpc_id(r),
        None => cx
            .st
            .emitted
            .iter()
            .find(|e| e.ty == "digitalocean_vpc" && e.mode == Mode::Managed)
            .and_then(|e| format!("{}.id", e.address()).parse().ok()),
    };
    body.set_opt("vpc_uuid", vpc);
    body.set("ha", Expression::Bool(true));
    body.set("tags", cx.tags());
    body.items.push(Item::Block(OutBlock {
        ident: "node_pool".into(),
        labels: vec![],
        body: pool,
    }));
    let (addr, data) = match r {
        Some(r) => {
            let addr = cx.emit(r, "digitalocean_kubernetes_cluster", body);
            let data = cx.emit_as(
                r,
                Mode::Data,
                "digitalocean_kubernetes_versions",
                &r.name,
                OutBody::new(),
            );
            if let Some(d) = cx.emitted_mut(&data) {
                d.meta = Meta::default();
            }
            (addr, data)
        }
        None => {
            for (mode, ty, b) in [
                (Mode::Managed, "digitalocean_kubernetes_cluster", body),
                (
                    Mode::Data,
                    "digitalocean_kubernetes_versions",
                    OutBody::new(),
                ),
            ] {
                cx.st.emitted.push(Emitted {
                    mode,
                    ty: ty.into(),
                    name: "workloads".into(),
                    body: b,
                    meta: Meta::default(),
                    origin: None,
                });
            }
            (
                "digitalocean_kubernetes_cluster.workloads".to_string(),
                "data.digitalocean_kubernetes_versions.workloads".to_string(),
            )
        }
    };
    if let Some(c) = cx.emitted_mut(&addr) {
        c.body.set(
            "version",
            format!("{data}.latest_version")
                .parse::<Expression>()
                .unwrap_or(s("latest")),
        );
    }
    let count = if max_nodes > min_nodes {
        format!("{min_nodes}–{max_nodes} nodes (autoscaling)")
    } else {
        format!("{min_nodes} nodes")
    };
    let own = if tasks > 0 {
        format!("{services} service(s) and {tasks} task(s) run by no service (one run each)")
    } else {
        format!("{services} service(s)")
    };
    let who = match guests {
        Some(g) => {
            let others = g
                .modules
                .iter()
                .map(|(dir, services, tasks)| {
                    let tasks = if *tasks > 0 {
                        format!(" and {tasks} task(s) run by no service")
                    } else {
                        String::new()
                    };
                    format!("{services} service(s){tasks} of `{dir}`")
                })
                .collect::<Vec<_>>()
                .join(", ");
            format!("{own} of this module and {others}, which run on it, together")
        }
        None => own,
    };
    let msg = format!(
        "the ECS services run on a new DOKS cluster: {who} ask for {:.2} vCPU and {} MiB at their desired count ({:.2} vCPU, {} MiB at their maximum); with {}% headroom and room for the system on every node, the node pool is {count} of `{size}`",
        now.millicores as f64 / 1000.0,
        now.mib,
        peak.millicores as f64 / 1000.0,
        peak.mib,
        ((facts::HEADROOM - 1.0) * 100.0).round()
    );
    let mut d = Diagnostic::new(Code::NodePoolFromWorkloads, msg)
        .help("edit `node_pool` of the cluster in the deployment stack to choose another size or count; DOKS nodes are shared by every workload of the appliance");
    if let Some(r) = r {
        d = d.at(r.loc.clone()).resource(r.address());
    }
    cx.diag(d);
    cx.diag(
        Diagnostic::new(
            Code::KubernetesVersionAtApply,
            format!("the DOKS cluster `{addr}` runs the newest Kubernetes release, looked up by `{data}` when the stack is applied"),
        )
        .at_opt(r.map(|r| r.loc.clone()))
        .help("pin `version_prefix` on the data source to stay on one minor version"),
    );
    addr
}

/// The module's workloads (`r`: a service or a task run by none) need a cluster: the module's
/// own (its EKS or ECS cluster, mapped later, or one emitted already), the stack's cluster of
/// another module ([`crate::xmod::Facts::ecs_cluster`], #260: a note, once, with the
/// module's demand), or a stand-in sized for them.
fn ensure_cluster(cx: &mut Cx<'_>, r: &Resource) {
    let has_cluster = cx.origin_of_type("aws_eks_cluster").next().is_some()
        || cx.origin_of_type(CLUSTER).next().is_some();
    if has_cluster || doks_cluster(cx).is_some() {
        return;
    }
    let Some((addr, via)) = cx.xmod.ecs_cluster.clone() else {
        create_cluster(cx, None);
        return;
    };
    let (now, peak, services, tasks) = workload_demand(cx);
    let msg = format!(
        "{services} ECS service(s){} of this module run on the stack's DOKS cluster, of `{addr}`{}, not on a cluster of their own; they ask for {:.2} vCPU and {} MiB at their desired count ({:.2} vCPU, {} MiB at their maximum)",
        if tasks > 0 {
            format!(" and {tasks} task(s) run by no service")
        } else {
            String::new()
        },
        match &via {
            Some(e) => format!(" (their `cluster` reads it through `{e}`)"),
            None => String::new(),
        },
        now.millicores as f64 / 1000.0,
        now.mib,
        peak.millicores as f64 / 1000.0,
        peak.mib,
    );
    if cx.st.diags.iter().any(|d| d.message == msg) {
        return;
    }
    cx.diag(
        Diagnostic::new(Code::NodePoolFromWorkloads, msg)
            .at(r.loc.clone())
            .resource(r.address())
            .help(if cx.xmod.ecs_cluster_sized {
                format!("the node pool of `{addr}` is sized for these workloads too (its F373 note gives the total)")
            } else {
                format!("the node pool of `{addr}` is sized in its own module, without these workloads: check that it has room for them")
            }),
    );
}

fn cluster_exports(cx: &mut Cx<'_>, r: &Resource, addr: &str) {
    cx.export_attrs(
        r,
        addr,
        &[
            ("id", "id"),
            ("arn", "urn"),
            ("name", "name"),
            ("cluster_name", "name"),
        ],
    );
}

fn cluster(r: &Resource, cx: &mut Cx<'_>) {
    for st in hclx::blocks(&r.body, "setting") {
        let name = hclx::attr(&st, "name").and_then(|e| cx.eval.string(e));
        if name.as_deref() == Some("containerInsights") {
            cx.diag(
                Diagnostic::new(
                    Code::ProvidedByDefault,
                    format!("`{}`: Container Insights → DOKS metrics (DigitalOcean Monitoring and the cluster's metrics server); Ferry's controller forwards them", r.address()),
                )
                .at(r.loc_of("setting"))
                .resource(r.address()),
            );
        }
    }
    let eks = cx
        .origin_of_type("aws_eks_cluster")
        .next()
        .map(|c| c.address());
    match doks_cluster(cx) {
        Some(addr) => {
            let why = match &eks {
                Some(e) => format!(
                    "the ECS services run as Deployments on the DOKS cluster of `{e}` (`{addr}`); check that its node pools have room for them"
                ),
                None => format!(
                    "the ECS services run as Deployments on `{addr}` (one DOKS cluster per appliance)"
                ),
            };
            if eks.is_some() {
                let (now, _, services, tasks) = workload_demand(cx);
                cx.diag(
                    Diagnostic::new(
                        Code::NodePoolFromWorkloads,
                        format!(
                            "`{}`: {services} ECS service(s){} move onto the DOKS cluster `{addr}` and ask for {:.2} vCPU and {} MiB there",
                            r.address(),
                            if tasks > 0 {
                                format!(" and {tasks} task(s) run by no service")
                            } else {
                                String::new()
                            },
                            now.millicores as f64 / 1000.0,
                            now.mib
                        ),
                    )
                    .at(r.loc.clone())
                    .resource(r.address())
                    .help("size the node groups of the EKS cluster for the ECS workloads too (DOKS node pools follow them)"),
                );
            }
            cx.absorb(r, &addr, why);
            cluster_exports(cx, r, &addr);
        }
        None => {
            let addr = create_cluster(cx, Some(r));
            cx.note(
                r,
                "became a DOKS cluster; its node pool is sized from the Fargate demand of the services (see F373)",
            );
            cluster_exports(cx, r, &addr);
        }
    }
}

fn cluster_data(r: &Resource, cx: &mut Cx<'_>) {
    match doks_cluster(cx) {
        Some(addr) => {
            cx.absorb(r, &addr, format!("reads the stack's DOKS cluster `{addr}`"));
            cluster_exports(cx, r, &addr);
        }
        None => super::generic::unsupported_data(
            r,
            cx,
            format!(
                "data source `{}` reads an ECS cluster, and the stack has no cluster for it; references to it become `null`",
                r.address()
            ),
            "declare the cluster (`aws_ecs_cluster`) in the stack".into(),
        ),
    }
}

/// The `aws_ecs_capacity_provider` whose Auto Scaling group is `asg`: its instances are ECS
/// container instances.
pub(super) fn capacity_provider_of<'a>(cx: &Cx<'a>, asg: &Resource) -> Option<&'a Resource> {
    cx.origin_of_type("aws_ecs_capacity_provider").find(|cp| {
        hclx::blocks(&cp.body, "auto_scaling_group_provider")
            .iter()
            .filter_map(|b| hclx::attr(b, "auto_scaling_group_arn"))
            .filter_map(|e| cx.resolve_ref(e))
            .any(|a| a.address() == asg.address())
    })
}

/// The DOKS cluster the module's ECS services will run on, before the ECS cluster rule (phase
/// Attach) has run: the stack's DOKS cluster, or the one the module's first `aws_ecs_cluster`
/// becomes ([`create_cluster`] names it after the origin resource). `None` when an EKS
/// cluster, mapped later, may be the one.
pub(super) fn planned_cluster(cx: &Cx<'_>) -> Option<String> {
    if let Some(addr) = doks_cluster(cx) {
        return Some(addr);
    }
    if cx.origin_of_type("aws_eks_cluster").next().is_some() {
        return None;
    }
    cx.origin_of_type(CLUSTER)
        .find(|c| c.mode == Mode::Managed && !c.meta.is_repeated())
        .map(|c| format!("digitalocean_kubernetes_cluster.{}", c.name))
}

fn capacity(r: &Resource, cx: &mut Cx<'_>) {
    let asg = hclx::blocks(&r.body, "auto_scaling_group_provider")
        .first()
        .and_then(|b| hclx::attr(b, "auto_scaling_group_arn").cloned())
        .and_then(|e| cx.resolve_ref(&e))
        .map(|a| a.address());
    // An Auto Scaling group that became the node pool (`ec2::asg`) needs no word here.
    let became_droplets = |a: &str| {
        cx.st.outcomes.get(a).is_some_and(|o| {
            o.targets
                .iter()
                .any(|t| t.starts_with("digitalocean_droplet"))
        })
    };
    if let Some(asg) = asg.filter(|a| became_droplets(a)) {
        cx.diag(
            Diagnostic::new(
                Code::FeatureUnsupported,
                format!(
                    "`{}` runs ECS tasks on the instances of `{asg}`; on DigitalOcean the tasks run on the DOKS node pool, and `{asg}` still becomes Droplets of its own",
                    r.address()
                ),
            )
            .at(r.loc.clone())
            .resource(r.address())
            .help("remove the Auto Scaling group of ECS container instances from the origin (the node pool replaces it), or keep it if it runs something else"),
        );
    }
    match doks_cluster(cx) {
        Some(addr) => cx.absorb(
            r,
            &addr,
            "pods run on the DOKS node pool, which the cluster autoscaler sizes",
        ),
        None => cx.drop(
            r,
            "pods run on the DOKS node pool; capacity providers have no equivalent",
        ),
    }
    cx.export(
        r,
        "arn",
        Export::Unmapped("DOKS has no capacity providers".into()),
    );
}

fn account_setting(r: &Resource, cx: &mut Cx<'_>) {
    cx.drop(
        r,
        "ECS account settings and tags have no meaning on DOKS; Kubernetes objects carry Ferry's labels",
    );
}

// ---- services ------------------------------------------------------------------------------------

/// A target group of the service's `load_balancer` blocks: (target group, container, port).
struct LbTarget<'a> {
    tg: &'a Resource,
    container: Option<String>,
    port: Expression,
}

/// The load balancers (aws_lb / aws_alb) whose listeners forward to a target group.
fn lbs_of_tg<'a>(cx: &Cx<'a>, tg: &Resource) -> Vec<&'a Resource> {
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
fn lb_owner<'a>(cx: &Cx<'a>, lbr: &Resource) -> Option<&'a Resource> {
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
fn port_split<'a>(cx: &Cx<'a>, lbr: &Resource) -> Option<Vec<(&'a Resource, Vec<&'a Resource>)>> {
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

/// The Kubernetes name of a service's workload.
fn app_name(cx: &Cx<'_>, r: &Resource) -> String {
    let base = hclx::attr(&r.body, "name")
        .filter(|e| !lb::per_instance(e))
        .and_then(|e| cx.eval.string(e))
        .unwrap_or_else(|| r.name.clone());
    let base = k8s::dns_label(&base, "app");
    k8s::unique_object_name(cx.st, "kubernetes_deployment_v1", &base)
}

/// The `load_balancer` blocks of a service as written, with the content of its `dynamic
/// "load_balancer"` blocks (left for the instances to expand: `for_each = each.value.public ?
/// [1] : []`): which target groups the service registers with, for the load balancer's rules.
pub(super) fn load_balancer_blocks(svc: &Resource) -> Vec<Body> {
    let mut out: Vec<Body> = hclx::blocks(&svc.body, "load_balancer")
        .into_iter()
        .map(|b| b.into_owned())
        .collect();
    for d in svc.body.blocks().filter(|b| {
        b.identifier() == "dynamic" && b.labels.first().map(|l| l.as_str()) == Some("load_balancer")
    }) {
        out.extend(
            d.body
                .blocks()
                .filter(|c| c.identifier() == "content")
                .map(|c| c.body.clone()),
        );
    }
    out
}

/// The instances of a service repeated over a collection known at compile time, when there
/// are several: each instance's key and the service bound to it — `each.*` / `count.index`
/// replaced by that instance's values, no meta-argument that repeats, and the Terraform name
/// `<name>_<key>` (its address stays the origin's, so outcomes and exports gather on it).
/// `None` (the service is emitted as its first instance, with a warning) when the service
/// does not repeat, has one instance, its collection is not known, an instance's value is
/// not known, two keys give the same name, or an instance's task definition cannot be read.
fn service_instances(cx: &Cx<'_>, svc: &Resource) -> Option<Vec<(Value, Resource)>> {
    if !svc.meta.is_repeated() {
        return None;
    }
    let all = cx.eval.instances(&svc.meta)?;
    if all.len() < 2 {
        return None;
    }
    let mut out: Vec<(Value, Resource)> = Vec::with_capacity(all.len());
    for (key, ev) in all {
        let mut bound = svc.clone();
        bound.body = bind_body(&ev, &svc.body)?;
        // `dynamic "load_balancer" { for_each = each.value.public ? [1] : [] }`: known for
        // each instance (the pipeline could not expand it for the whole resource).
        crate::origin::dynamic::expand(&mut bound.body, &ev);
        bound.meta.count = None;
        bound.meta.for_each = None;
        bound.name = instance_name(svc, &key);
        if out.iter().any(|(_, b)| b.name == bound.name) {
            return None;
        }
        let td = bound_task(cx, &bound)?;
        container_defs(cx, &td).ok()?;
        out.push((key, bound));
    }
    Some(out)
}

/// `["web"]` / `[1]`: the Terraform instance key of a service bound by [`service_instances`]
/// (its name is `<origin name>_<key>`); empty for any other.
fn instance_suffix(r: &Resource) -> String {
    let origin = r.address().rsplit('.').next().unwrap_or_default();
    match r
        .name
        .strip_prefix(origin)
        .and_then(|k| k.strip_prefix('_'))
    {
        Some(k) if r.name != origin => match k.parse::<u64>() {
            Ok(i) => format!("[{i}]"),
            Err(_) => format!("[{k:?}]"),
        },
        _ => String::new(),
    }
}

/// An ECS service: one Deployment (and Service) per instance when it repeats over a collection
/// known at compile time ([`service_instances`]), else one.
fn service(r: &Resource, cx: &mut Cx<'_>) {
    let Some(instances) = service_instances(cx, r) else {
        // A repeated service emitted as its first instance: its dynamic blocks as that
        // instance has them.
        let first = cx
            .eval
            .for_instance(&r.meta)
            .filter(|_| r.meta.is_repeated())
            .map(|ev| {
                let mut first = r.clone();
                crate::origin::dynamic::expand(&mut first.body, &ev);
                first
            });
        service_one(first.as_ref().unwrap_or(r), cx, &mut Vec::new());
        return;
    };
    let before: Vec<String> = cx
        .st
        .outcomes
        .get(r.address())
        .map(|o| o.targets.clone())
        .unwrap_or_default();
    let mut targets = before.clone();
    let mut notes = Vec::new();
    let mut first_dep: Option<String> = None;
    let mut served = Vec::new();
    cx.st.instance_keys.insert(
        r.address().to_string(),
        instances.iter().map(|(k, _)| k.clone()).collect(),
    );
    for (key, bound) in &instances {
        let seen = cx
            .st
            .outcomes
            .get(r.address())
            .map(|o| o.targets.clone())
            .unwrap_or_default();
        service_one(bound, cx, &mut served);
        // `aws_ecs_service.svc["web"]` elsewhere stands for this instance (`refs`).
        let inst = match key {
            Value::String(k) => format!("{}[{k:?}]", r.address()),
            other => format!("{}[{other}]", r.address()),
        };
        if let Some(whole) = cx.st.exports.get(r.address()).cloned() {
            cx.st.exports.insert(inst, whole);
        }
        let Some(rec) = cx.st.outcomes.get(r.address()) else {
            continue;
        };
        let new: Vec<String> = rec
            .targets
            .iter()
            .filter(|t| !seen.contains(t))
            .cloned()
            .collect();
        if first_dep.is_none() {
            first_dep = new
                .iter()
                .find(|t| t.starts_with("kubernetes_deployment_v1."))
                .cloned();
        }
        targets.extend(new);
        let key = match key {
            Value::String(k) => format!("{k:?}"),
            other => other.to_string(),
        };
        if let Some(n) = &rec.note {
            notes.push(format!("[{key}] {n}"));
        }
    }
    if let Some(rec) = cx.st.outcomes.get_mut(r.address()) {
        rec.targets = targets;
    }
    cx.note(
        r,
        format!(
            "repeated with `{}` over {} instances known at compile time, one workload each: {}",
            if r.meta.count.is_some() {
                "count"
            } else {
                "for_each"
            },
            instances.len(),
            notes.join("; ")
        ),
    );
    // A reference to the service as a whole stands for its first instance.
    if let Some(dep) = first_dep {
        if let Some(x) = cx.st.exports.get_mut(r.address()) {
            x.primary = Some(dep.clone());
        }
        cx.export(
            r,
            "name",
            Export::Tmpl {
                target: dep.clone(),
                tmpl: "$T.metadata[0].name".into(),
            },
        );
        cx.export(
            r,
            "id",
            Export::Attr {
                target: dep,
                attr: "id".into(),
            },
        );
    }
}

/// One ECS service (or one instance of a repeated one). `served`: the load balancers earlier
/// instances of the same service turned into their Service of type LoadBalancer (and that
/// Service), which later instances reach as ClusterIP Services; extended with this one's.
fn service_one(r: &Resource, cx: &mut Cx<'_>, served: &mut Vec<(String, String)>) {
    // Workload load balancers whose targets this service registers.
    let mut lb_targets: Vec<LbTarget<'_>> = Vec::new();
    for b in hclx::blocks(&r.body, "load_balancer") {
        let tg = hclx::attr(&b, "target_group_arn")
            .and_then(|e| cx.resolve_ref(e))
            .filter(|t| TG_TYPES.contains(&t.ty.as_str()));
        let Some(tg) = tg else {
            if hclx::attr(&b, "elb_name").is_some() {
                warn(
                    cx,
                    Code::FeatureUnsupported,
                    r,
                    "load_balancer",
                    format!(
                        "`{}` registers with a classic ELB; a classic ELB cannot reach pods, so the workload gets a Service of type LoadBalancer only through an ALB/NLB target group",
                        r.address()
                    ),
                    "put the service behind an `aws_lb` target group in the origin",
                );
            }
            continue;
        };
        lb_targets.push(LbTarget {
            tg,
            container: hclx::attr(&b, "container_name").and_then(|e| cx.eval.string(e)),
            port: hclx::attr(&b, "container_port").cloned().unwrap_or(num(80)),
        });
    }

    let Some(td_owned) = bound_task(cx, r) else {
        match task_def_of(cx, r) {
            // In the stack, but repeated over a value Ferry cannot evaluate.
            Some(td) => cx.unsupported(
                r,
                Code::ContainerDefinitionsUnreadable,
                format!(
                    "the task definition of `{}`, `{}`, is repeated with `{}` over a value not known at compile time (or without the instance it names), so Ferry cannot tell which containers it runs",
                    r.address(),
                    td.address(),
                    if td.meta.count.is_some() { "count" } else { "for_each" }
                ),
                "give the variables it iterates over values in `terraform.tfvars` (or defaults) before compiling",
            ),
            None => cx.unsupported(
                r,
                Code::ContainerDefinitionsUnreadable,
                format!(
                    "the task definition of `{}` is not part of the stack, so Ferry cannot tell which containers it runs",
                    r.address()
                ),
                "declare the `aws_ecs_task_definition` in the same module and point `task_definition` at it",
            ),
        }
        absorb_load_balancers(cx, r, &lb_targets, None);
        return;
    };
    let td = &td_owned;
    let (defs, form) = match container_defs(cx, td) {
        Ok(x) => x,
        Err(why) => {
            cx.unsupported(
                r,
                Code::ContainerDefinitionsUnreadable,
                format!(
                    "the container definitions of `{}` cannot be read: `container_definitions` {why}",
                    td.address()
                ),
                "write them with `jsonencode([...])`, as JSON in the .tf file, or in a JSON file of the origin read with `file()` / `templatefile()`",
            );
            absorb_load_balancers(cx, r, &lb_targets, None);
            return;
        }
    };

    // The cluster the workload runs on (the ECS cluster rule absorbs into it later).
    ensure_cluster(cx, r);

    let app = app_name(cx, r);
    let ns = cx.k8s_namespace();
    let TaskPod {
        mut pod,
        loc,
        lost_fields,
        dropped_logs,
        non_essential,
    } = task_pod(cx, r, td, &defs, &app, ns.clone());
    if pod.containers.is_empty() {
        cx.unsupported(
            r,
            Code::ContainerDefinitionsUnreadable,
            format!(
                "`{}` has no container Ferry could read from `{}`",
                r.address(),
                td.address()
            ),
            "check the container definitions of the task definition",
        );
        absorb_load_balancers(cx, r, &lb_targets, None);
        return;
    }

    // Load balancer targets: container ports and readiness probes from the target groups.
    for t in &lb_targets {
        let idx = t
            .container
            .as_ref()
            .and_then(|n| {
                let label = k8s::dns_label(n, "app");
                pod.containers.iter().position(|c| c.name == label)
            })
            .unwrap_or(0);
        if let Some(c) = pod.containers.get_mut(idx) {
            let port = numeric(cx, t.port.clone());
            // The same port written two ways (`8080` in the port mappings, `local.port` in
            // the load balancer block) is one port: a second entry would repeat it.
            let value = cx.eval.number(&port);
            if !c.ports.iter().any(|p| {
                p.container_port == port
                    || value.is_some() && cx.eval.number(&p.container_port) == value
            }) {
                c.ports.push(Port {
                    container_port: port.clone(),
                    protocol: "TCP",
                    name: None,
                });
            }
            if c.readiness.is_none() {
                c.readiness = readiness_from_tg(cx, t.tg, &port, r);
            }
        }
    }

    // The Deployment.
    let daemon = cx.str(r, "scheduling_strategy").as_deref() == Some("DAEMON");
    if daemon {
        warn(
            cx,
            Code::FeatureUnsupported,
            r,
            "scheduling_strategy",
            format!(
                "`{}` runs one task per container instance (DAEMON); it became a Deployment with its desired count",
                r.address()
            ),
            "turn the Deployment into a `kubernetes_daemon_set_v1` in the deployment stack if one pod per node is needed",
        );
    }
    let replicas_expr = cx
        .expr(r, "desired_count")
        .filter(|e| !matches!(e, Expression::Null))
        .unwrap_or(num(1));
    let rolling = rolling_update(cx, r);
    let body = k8s::deployment(&app, ns.clone(), Some(replicas_expr), rolling, &pod);
    let dep_addr = cx.emit(r, "kubernetes_deployment_v1", body);
    // The Deployment stands for the service (a Secret of its environment may come first).
    if let Some(x) = cx.st.exports.get_mut(r.address()) {
        x.primary = Some(dep_addr.clone());
    }
    if let Some(rec) = cx.st.outcomes.get_mut(r.address()) {
        rec.targets.retain(|t| *t != dep_addr);
        rec.targets.insert(0, dep_addr.clone());
    }
    if let Some(e) = cx.emitted_mut(&dep_addr) {
        e.meta.lifecycle = e
            .meta
            .lifecycle
            .take()
            .and_then(|l| translate_lifecycle(&l));
        // One Deployment per name: a repeated service is emitted once (see the warning).
        e.meta.count = None;
        e.meta.for_each = None;
    }
    // One known instance loses nothing; with several known ones, `service` split them.
    let known = cx.eval.instances(&r.meta).map(|all| all.len());
    if r.meta.is_repeated() && known.is_none_or(|n| n > 1) {
        let why = if known.is_some() {
            "its instances could not be told apart (an argument or the task definition of an instance is not known at compile time)"
        } else {
            "over a value not known at compile time"
        };
        warn(
            cx,
            Code::FeatureUnsupported,
            r,
            "name",
            format!(
                "`{}` is repeated with `count`/`for_each` {why}; its Deployment and Service were emitted once (as the first instance), because their Kubernetes names would collide",
                r.address()
            ),
            "give the variables it iterates over values in `terraform.tfvars` (or defaults) so Ferry writes one Deployment per instance, or declare one `aws_ecs_service` per workload",
        );
    }

    // The Service.
    let owned_lbs: Vec<&Resource> = lb_targets
        .iter()
        .flat_map(|t| lbs_of_tg(cx, t.tg))
        .filter(|l| lb::targets_workloads(cx, l))
        .filter(|l| {
            lb_owner(cx, l).is_some_and(|o| o.address() == r.address())
                || port_split(cx, l)
                    .is_some_and(|v| v.iter().any(|(s, _)| s.address() == r.address()))
        })
        .filter(|l| ingress_plan(cx, l).is_none())
        .filter(|l| !served.iter().any(|(lb, _)| lb == l.address()))
        .fold(Vec::new(), |mut acc, l| {
            if !acc.iter().any(|x: &&Resource| x.address() == l.address()) {
                acc.push(l);
            }
            acc
        });
    let mut svc_note = String::new();
    let svc_addr = if let Some(lbr) = owned_lbs.first().copied() {
        if owned_lbs.len() > 1 {
            warn(
                cx,
                Code::FeatureUnsupported,
                r,
                "load_balancer",
                format!(
                    "`{}` sits behind {} load balancers; its Service of type LoadBalancer stands for `{}` only",
                    r.address(),
                    owned_lbs.len(),
                    lbr.address()
                ),
                "put the service behind one load balancer",
            );
        }
        let addr = lb_service(cx, r, lbr, &app, &lb_targets, ns.clone());
        served.push((lbr.address().to_string(), addr.clone()));
        svc_note = format!(
            "; `{}` became its Service of type LoadBalancer",
            lbr.address()
        );
        Some(addr)
    } else {
        // Behind a load balancer owned by another workload, or none: a ClusterIP Service.
        for t in &lb_targets {
            for l in lbs_of_tg(cx, t.tg) {
                // Several services behind one ALB: an Ingress routes to this one.
                if ingress_plan(cx, l).is_some() {
                    continue;
                }
                // An earlier instance of the same repeated service made it its Service.
                if let Some((_, by)) = served.iter().find(|(lb, _)| lb == l.address()) {
                    let msg = format!(
                        "`{}{}` is reached through `{}`, whose Service of type LoadBalancer, `{by}`, stands for the service's first instance; the listener rules that route to this instance are lost, so it is reachable inside the cluster only",
                        r.address(),
                        instance_suffix(r),
                        l.address()
                    );
                    warn(
                        cx,
                        Code::FeatureUnsupported,
                        r,
                        "load_balancer",
                        msg,
                        "route by path or host with an ingress controller on DOKS (e.g. ingress-nginx) in front of the workloads' ClusterIP Services",
                    );
                    continue;
                }
                let owner = lb_owner(cx, l).filter(|o| o.address() != r.address());
                let msg = match owner {
                    Some(o) if lb::targets_workloads(cx, l) => format!(
                        "`{}` is reached through `{}`, whose Service of type LoadBalancer belongs to `{}`; the listener rules that route to `{}` are lost, so the workload is reachable inside the cluster only",
                        r.address(),
                        l.address(),
                        o.address(),
                        t.tg.address()
                    ),
                    _ => format!(
                        "`{}` is a target of `{}`, which also serves other targets and became a `digitalocean_loadbalancer`: it cannot send traffic to pods, so the workload is reachable inside the cluster only",
                        r.address(),
                        l.address()
                    ),
                };
                warn(
                    cx,
                    Code::FeatureUnsupported,
                    r,
                    "load_balancer",
                    msg,
                    "route by path or host with an ingress controller on DOKS (e.g. ingress-nginx) in front of the workloads' ClusterIP Services",
                );
            }
        }
        cluster_ip_service(cx, r, &app, &pod, ns.clone())
    };

    // Notes.
    pod_notes(cx, td, &loc, &lost_fields, dropped_logs, &non_essential);
    service_notes(cx, r, td);
    let containers = pod.containers.len() + pod.init_containers.len();
    cx.note(
        r,
        format!(
            "Deployment `{app}` in the appliance namespace ({containers} container(s) of `{}`, read from {}){svc_note}",
            td.address(),
            form.describe()
        ),
    );
    if let Some(a) = &svc_addr
        && let Some(rec) = cx.st.outcomes.get_mut(r.address())
        && !rec.targets.contains(a)
    {
        rec.targets.push(a.clone());
    }
    // The last of several services behind one ALB emits its Ingress.
    let shared: Vec<&Resource> = lb_targets
        .iter()
        .flat_map(|t| lbs_of_tg(cx, t.tg))
        .collect();
    for l in shared {
        ingress_for_lb(cx, r, l, ns.clone());
    }
    cx.export(
        r,
        "name",
        Export::Tmpl {
            target: dep_addr.clone(),
            tmpl: "$T.metadata[0].name".into(),
        },
    );
    cx.export(
        r,
        "id",
        Export::Attr {
            target: dep_addr.clone(),
            attr: "id".into(),
        },
    );
    for a in ["cluster", "iam_role", "arn"] {
        cx.export(
            r,
            a,
            Export::Unmapped(
                "the service is a Kubernetes Deployment of the appliance namespace".into(),
            ),
        );
    }
    if r.meta.is_repeated() {
        let targets = cx
            .st
            .outcomes
            .get(r.address())
            .map(|o| o.targets.clone())
            .unwrap_or_default();
        for t in &targets {
            bind_first_instance(cx, t);
        }
    }
}

/// A repeated service is emitted once, as its first instance (see the warning), and what was
/// emitted for it repeats nothing: `each.*` and `count.index` in it (`replicas =
/// each.value.desired_count`) become that instance's values, which Terraform would otherwise
/// reject (`each.value` outside `for_each`).
fn bind_first_instance(cx: &mut Cx<'_>, addr: &str) {
    let eval = cx.eval;
    let Some(e) = cx.emitted_mut(addr) else {
        return;
    };
    if e.meta.count.is_some() || e.meta.for_each.is_some() {
        return;
    }
    e.body.exprs_mut(&mut |x| {
        hclx::walk_mut(x, &mut |y| {
            if !matches!(hclx::traversal_root(y), Some(("each" | "count", _))) {
                return true;
            }
            *y = eval
                .value(y)
                .map(|v| crate::eval::value_to_expr(&v))
                .unwrap_or(Expression::Null);
            false
        });
    });
}

/// A task definition's pod, with what the notes about it need.
struct TaskPod {
    pod: PodSpec,
    loc: crate::source::Loc,
    lost_fields: Vec<String>,
    dropped_logs: bool,
    non_essential: Vec<String>,
}

/// The pod of the task definition `td` (its container definitions `defs`), run by `r` (a
/// service, or the task definition itself): containers, init containers, secrets, the image
/// pull secret. No containers: an empty pod (the caller reports it).
fn task_pod(
    cx: &mut Cx<'_>,
    r: &Resource,
    td: &Resource,
    defs: &[J],
    app: &str,
    ns: Expression,
) -> TaskPod {
    let loc = td.loc_of("container_definitions");
    let mut pod = PodSpec::default();
    let mut lost_fields: Vec<String> = Vec::new();
    let mut dropped_logs = false;
    let mut needs_pull_secret = false;
    let mut external_env: Vec<(String, Expression)> = Vec::new();
    // Environment values read from sensitive variables: key → the variable.
    let mut sensitive_env: Vec<(String, Expression)> = Vec::new();
    let (task_cpu, task_mem) = task_size(cx, td);
    // Resource shares: containers without their own cpu / memory share what the task has left.
    let explicit_cpu: f64 = defs.iter().filter_map(|d| jnum(cx, d.get("cpu"))).sum();
    let explicit_mem: f64 = defs
        .iter()
        .filter_map(|d| jnum(cx, d.get("memoryReservation")).or_else(|| jnum(cx, d.get("memory"))))
        .sum();
    let without_cpu = defs
        .iter()
        .filter(|d| jnum(cx, d.get("cpu")).is_none_or(|c| c <= 0.0))
        .count();
    let without_mem = defs
        .iter()
        .filter(|d| {
            jnum(cx, d.get("memoryReservation"))
                .or_else(|| jnum(cx, d.get("memory")))
                .is_none()
        })
        .count();
    // Init containers: containers others wait for to finish (dependsOn SUCCESS / COMPLETE).
    let mut init_names: Vec<String> = Vec::new();
    for d in defs {
        if let Some(deps) = d.get("dependsOn").and_then(|j| as_arr(cx, j)) {
            for dep in deps {
                let cond = jstr(cx, dep.get("condition")).unwrap_or_default();
                if (cond == "SUCCESS" || cond == "COMPLETE")
                    && let Some(n) = jstr(cx, dep.get("containerName"))
                    && !init_names.contains(&n)
                {
                    init_names.push(n);
                }
            }
        }
    }
    let mut names_used: Vec<String> = Vec::new();
    let mut non_essential: Vec<String> = Vec::new();
    let mut grace: Option<f64> = None;
    for (i, d) in defs.iter().enumerate() {
        let Some(d) = as_obj(cx, d) else {
            warn(
                cx,
                Code::ContainerDefinitionsUnreadable,
                td,
                "container_definitions",
                format!(
                    "container {} of `{}` is not an object Ferry can read; it was left out",
                    i + 1,
                    td.address()
                ),
                "write each container definition as an object literal",
            );
            continue;
        };
        let ecs_name = jstr(cx, d.get("name")).unwrap_or_else(|| format!("container-{}", i + 1));
        let mut cname = k8s::dns_label(&ecs_name, "app");
        if names_used.contains(&cname) {
            cname = format!("{cname}-{}", i + 1);
        }
        names_used.push(cname.clone());
        let image = match d.get("image").and_then(|j| jexpr(Some(j))) {
            Some(e) => {
                let rw = ecr::rewrite_image(cx, r, &e, loc.clone());
                needs_pull_secret |= rw.moved;
                rw.image
            }
            None => {
                warn(
                    cx,
                    Code::ContainerDefinitionsUnreadable,
                    td,
                    "container_definitions",
                    format!("container `{ecs_name}` of `{}` has no image", td.address()),
                    "set `image` in the container definition",
                );
                Expression::Null
            }
        };
        let mut c = Container::new(cname.clone(), image);
        c.command = list_expr(cx, d.get("entryPoint"));
        c.args = list_expr(cx, d.get("command"));
        c.working_dir = jexpr(d.get("workingDirectory"));
        // Environment.
        if let Some(env) = d.get("environment") {
            let mut listed = as_arr(cx, env);
            // A `for` over a map whose names are known, values as written.
            if listed.is_none()
                && let J::Leaf(e) = env
                && let Some((items, decided)) = unrolled_env(cx, e)
            {
                if !decided.is_empty() {
                    let names = decided
                        .iter()
                        .map(|e| format!("`{}`", hclx::inline(e)))
                        .collect::<Vec<_>>()
                        .join(", ");
                    warn(
                        cx,
                        Code::NotStatic,
                        td,
                        "container_definitions",
                        format!(
                            "the names of the `environment` of container `{ecs_name}` in `{}` are those at the defaults ({}): the container gets these variables, each with its value as written, but a deployment that sets {names} does not change which",
                            td.address(),
                            items
                                .iter()
                                .filter_map(|i| jstr(cx, i.get("name")))
                                .map(|n| format!("`{n}`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                        "list the environment variables in the container definition (values may be references)",
                    );
                }
                listed = Some(items);
            }
            match listed {
                Some(items) => {
                    // Every name the container sets, for the settings beside a cache's host.
                    let declared: Vec<String> = items
                        .iter()
                        .chain(
                            d.get("secrets")
                                .and_then(|j| as_arr(cx, j))
                                .iter()
                                .flatten(),
                        )
                        .filter_map(|i| jstr(cx, i.get("name")))
                        .collect();
                    // Variables set to a cache's `auth_token` (known gap #328): the cluster's
                    // own password, from its Secret.
                    let tokens: Vec<(String, &Resource)> = items
                        .iter()
                        .filter_map(|i| {
                            let v = jexpr(i.get("value"))?;
                            let cache = super::cache::auth_token_of(cx, &v)?;
                            Some((jstr(cx, i.get("name"))?, cache))
                        })
                        .collect();
                    let mut told: Vec<String> = Vec::new();
                    for item in items {
                        let (Some(n), v) = (jexpr(item.get("name")), jexpr(item.get("value")))
                        else {
                            continue;
                        };
                        // A bucket named as its `bucket` argument names it reads the bucket's
                        // (instance-unique) name.
                        let v = v.map(|v| super::s3::bucket_names(cx, &v));
                        let cache_host = v
                            .as_ref()
                            .and_then(|v| super::cache::host_of(cx, v))
                            .zip(cx.eval.string(&n));
                        // A secret of the stack is read from its Kubernetes Secret, not
                        // written into the Deployment's spec.
                        let token = v.as_ref().and_then(|v| super::cache::auth_token_of(cx, v));
                        let source = if let Some(cache) = token {
                            EnvSource::SecretKey {
                                secret: k8s::name_of(&super::cache::password_secret(cx, cache)),
                                key: s("password"),
                            }
                        } else {
                            match v.as_ref().and_then(|v| super::secrets::secret_key(cx, v)) {
                                Some((secret, key)) => EnvSource::SecretKey {
                                    secret,
                                    key: s(&key),
                                },
                                // A sensitive variable (`var.api_key`): into the workload's
                                // Secret, read by `secretKeyRef` (known gap #265).
                                None if v.as_ref().is_some_and(|v| {
                                    super::secrets::sensitive_variable(cx, v)
                                        && super::secrets::admin_password_of(
                                            cx,
                                            &super::secrets::database_passwords(cx, v),
                                        )
                                        .is_none()
                                }) =>
                                {
                                    let env_name =
                                        cx.eval.string(&n).unwrap_or_else(|| "value".into());
                                    let mut key =
                                        k8s::dns_label(&env_name, "value").replace('-', "_");
                                    let value = v.clone().unwrap_or(Expression::Null);
                                    let mut i = 2;
                                    while sensitive_env
                                        .iter()
                                        .any(|(k, x)| *k == key && *x != value)
                                        || external_env.iter().any(|(k, _)| *k == key)
                                    {
                                        key = format!(
                                            "{}_{i}",
                                            k8s::dns_label(&env_name, "value").replace('-', "_")
                                        );
                                        i += 1;
                                    }
                                    if !sensitive_env.iter().any(|(k, _)| *k == key) {
                                        sensitive_env.push((key.clone(), value));
                                    }
                                    EnvSource::SecretKey {
                                        secret: Expression::Null,
                                        key: s(&key),
                                    }
                                }
                                None => {
                                    let v = v.map(|v| super::secrets::database_passwords(cx, &v));
                                    // A database's admin password is read from a Secret too.
                                    match v
                                        .as_ref()
                                        .and_then(|v| super::secrets::admin_password_of(cx, v))
                                    {
                                        Some(db) => EnvSource::SecretKey {
                                            secret: k8s::name_of(
                                                &super::secrets::master_user_secret(cx, db),
                                            ),
                                            key: s("password"),
                                        },
                                        None => {
                                            // A password inside a connection string: read
                                            // into a variable first, expanded by Kubernetes.
                                            let v = match v.as_ref().and_then(|v| {
                                                super::secrets::embedded_admin_passwords(cx, v)
                                            }) {
                                                Some((with_refs, dbs)) => {
                                                    for (var, db) in dbs {
                                                        if c.env.iter().any(|e| e.name == s(&var)) {
                                                            continue;
                                                        }
                                                        let secret = k8s::name_of(
                                                            &super::secrets::password_secret_of(
                                                                cx, db,
                                                            ),
                                                        );
                                                        c.env.push(Env {
                                                            name: s(&var),
                                                            source: EnvSource::SecretKey {
                                                                secret,
                                                                key: s("password"),
                                                            },
                                                        });
                                                    }
                                                    Some(with_refs)
                                                }
                                                None => v,
                                            };
                                            EnvSource::Value(v.map(stringify).unwrap_or(s("")))
                                        }
                                    }
                                }
                            }
                        };
                        c.env.push(Env { name: n, source });
                        // A Valkey cluster's host: its password beside it, from the cluster's
                        // Secret, and a warning that the client must use TLS (known gap #296).
                        if let Some((cache, host_var)) = cache_host {
                            let pass = super::cache::password_name(&host_var);
                            let replaced = tokens
                                .iter()
                                .any(|(n, t)| *n == pass && t.address() == cache.address());
                            let given = if replaced {
                                told.push(pass.clone());
                                super::cache::Password::Replaced(&pass)
                            } else if declared.contains(&pass)
                                || c.env.iter().any(|e| e.name == s(&pass))
                            {
                                super::cache::Password::Own
                            } else {
                                let secret =
                                    k8s::name_of(&super::cache::password_secret(cx, cache));
                                c.env.push(Env {
                                    name: s(&pass),
                                    source: EnvSource::SecretKey {
                                        secret,
                                        key: s("password"),
                                    },
                                });
                                super::cache::Password::Given(&pass)
                            };
                            let tls = super::cache::tls_settings(&host_var, &declared);
                            super::cache::client_warning(
                                cx,
                                td,
                                "container_definitions",
                                &format!("container `{ecs_name}` of `{}`", td.address()),
                                &host_var,
                                cache,
                                given,
                                &tls,
                            );
                        }
                    }
                    for (var, cache) in &tokens {
                        if !told.contains(var) {
                            super::cache::replaced_note(
                                cx,
                                td,
                                "container_definitions",
                                &format!("container `{ecs_name}` of `{}`", td.address()),
                                var,
                                cache,
                            );
                        }
                    }
                }
                None => warn(
                    cx,
                    Code::NotStatic,
                    td,
                    "container_definitions",
                    format!(
                        "the `environment` of container `{ecs_name}` in `{}` is not known at compile time; it was not carried over",
                        td.address()
                    ),
                    "list the environment variables in the container definition (values may be references)",
                ),
            }
        }
        if d.get("environmentFiles").is_some() {
            warn(
                cx,
                Code::FeatureUnsupported,
                td,
                "container_definitions",
                format!(
                    "container `{ecs_name}` of `{}` loads environment files from S3; Kubernetes reads environment variables from ConfigMaps and Secrets",
                    td.address()
                ),
                "list the variables in `environment` (or `secrets`) of the container definition",
            );
        }
        // Secrets.
        if let Some(secrets) = d.get("secrets").and_then(|j| as_arr(cx, j)) {
            for item in secrets {
                let (Some(n), Some(from)) = (jexpr(item.get("name")), jexpr(item.get("valueFrom")))
                else {
                    continue;
                };
                if let Some((secret, key)) = db_master_secret(cx, &from) {
                    c.env.push(Env {
                        name: n,
                        source: EnvSource::SecretKey { secret, key },
                    });
                    continue;
                }
                match secret_source(cx, td, &from) {
                    Some((secret, key)) => c.env.push(Env {
                        name: n,
                        source: EnvSource::SecretKey { secret, key },
                    }),
                    None => {
                        let env_name = cx.eval.string(&n).unwrap_or_else(|| "value".into());
                        let key = k8s::dns_label(&env_name, "value").replace('-', "_");
                        external_env.push((key.clone(), from.clone()));
                        c.env.push(Env {
                            name: n,
                            source: EnvSource::SecretKey {
                                secret: Expression::Null,
                                key: s(&key),
                            },
                        });
                    }
                }
            }
        }
        // Ports.
        if let Some(ports) = d.get("portMappings").and_then(|j| as_arr(cx, j)) {
            for p in ports {
                let Some(cp) = jexpr(p.get("containerPort")) else {
                    continue;
                };
                let proto = match jstr(cx, p.get("protocol")).as_deref() {
                    Some("udp") | Some("UDP") => "UDP",
                    _ => "TCP",
                };
                let name = jstr(cx, p.get("name")).and_then(|n| k8s::port_name(&n));
                c.ports.push(Port {
                    container_port: numeric(cx, cp),
                    protocol: proto,
                    name,
                });
            }
        }
        // Resources.
        let cpu_own = jnum(cx, d.get("cpu")).filter(|c| *c > 0.0);
        let cpu_req = cpu_own.or_else(|| {
            task_cpu.map(|t| ((t - explicit_cpu).max(0.0) / without_cpu.max(1) as f64).max(1.0))
        });
        if let Some(cpu) = cpu_req {
            c.requests
                .push(("cpu".into(), s(&facts::cpu_quantity(cpu))));
        }
        if let Some(limit) = task_cpu.or(cpu_own) {
            c.limits
                .push(("cpu".into(), s(&facts::cpu_quantity(limit))));
        }
        let mem_hard = jnum(cx, d.get("memory")).filter(|m| *m > 0.0);
        let mem_soft = jnum(cx, d.get("memoryReservation")).filter(|m| *m > 0.0);
        let mem_req = mem_soft.or(mem_hard).or_else(|| {
            task_mem.map(|t| ((t - explicit_mem).max(0.0) / without_mem.max(1) as f64).max(4.0))
        });
        if let Some(m) = mem_req {
            c.requests
                .push(("memory".into(), s(&facts::memory_quantity(m))));
        }
        if let Some(limit) = mem_hard.or(task_mem) {
            c.limits
                .push(("memory".into(), s(&facts::memory_quantity(limit))));
        }
        // Health check.
        if let Some(hc) = d.get("healthCheck").and_then(|j| as_obj(cx, j)) {
            c.liveness = health_probe(cx, &hc);
        }
        // Security context.
        if let Some(user) = jstr(cx, d.get("user")) {
            let mut parts = user.split(':');
            match parts.next().map(|u| u.parse::<i64>()) {
                Some(Ok(uid)) => {
                    c.security.push(("run_as_user".into(), num(uid)));
                    if let Some(Ok(gid)) = parts.next().map(|g| g.parse::<i64>()) {
                        c.security.push(("run_as_group".into(), num(gid)));
                    }
                }
                _ => lost_fields.push(format!(
                    "user `{user}` (Kubernetes needs a numeric user id)"
                )),
            }
        }
        if jbool(cx, d.get("readonlyRootFilesystem")) == Some(true) {
            c.security
                .push(("read_only_root_filesystem".into(), Expression::Bool(true)));
        }
        if jbool(cx, d.get("privileged")) == Some(true) {
            c.security
                .push(("privileged".into(), Expression::Bool(true)));
        }
        if let Some(t) = jnum(cx, d.get("stopTimeout")) {
            grace = Some(grace.map_or(t, |g: f64| g.max(t)));
        }
        if d.get("logConfiguration").is_some() {
            dropped_logs = true;
        }
        if jbool(cx, d.get("essential")) == Some(false) && !init_names.contains(&ecs_name) {
            non_essential.push(ecs_name.clone());
        }
        for k in d.keys() {
            if !KNOWN_FIELDS.contains(&k) {
                lost_fields.push(format!("`{k}` of container `{ecs_name}`"));
            }
        }
        if init_names.contains(&ecs_name) {
            pod.init_containers.push(c);
        } else {
            pod.containers.push(c);
        }
    }
    if pod.containers.is_empty() {
        return TaskPod {
            pod,
            loc,
            lost_fields,
            dropped_logs,
            non_essential,
        };
    }

    // Plain environment values with secret-like names (`SECRET_KEY_BASE = var.secret_key_base`)
    // are read from a Secret of the workload rather than written into the Deployment's spec.
    secret_env(cx, r, app, &mut pod, ns.clone());
    // Secrets the stack does not hold (valueFrom = a literal ARN of another account's secret):
    // one Secret of the workload, fed by sensitive variables.
    if !external_env.is_empty() || !sensitive_env.is_empty() {
        let secret_addr = external_secret(cx, r, app, &external_env, &sensitive_env, ns.clone());
        let name = k8s::name_of(&secret_addr);
        for c in pod
            .containers
            .iter_mut()
            .chain(pod.init_containers.iter_mut())
        {
            for e in c.env.iter_mut() {
                if let EnvSource::SecretKey { secret, .. } = &mut e.source
                    && *secret == Expression::Null
                {
                    *secret = name.clone();
                }
            }
        }
    }
    // Containers that reach a bucket of the stack with the task role get a Spaces key.
    super::s3::pod_access(
        cx,
        r,
        app,
        &mut pod,
        hclx::attr(&td.body, "task_role_arn"),
        ns.clone(),
    );
    if needs_pull_secret {
        let secret = ecr::pull_secret(cx, ns.clone(), r.loc.clone());
        pod.image_pull_secrets.push(secret);
    }
    pod.termination_grace_period_seconds = grace.map(|g| num(g.round() as i64));
    TaskPod {
        pod,
        loc,
        lost_fields,
        dropped_logs,
        non_essential,
    }
}

/// Reports what the pod of `td` does not carry over (after the workload is emitted).
fn pod_notes(
    cx: &mut Cx<'_>,
    td: &Resource,
    loc: &crate::source::Loc,
    lost_fields: &[String],
    dropped_logs: bool,
    non_essential: &[String],
) {
    if dropped_logs {
        cx.diag(
            Diagnostic::new(
                Code::Dropped,
                format!("`{}`: the containers' `logConfiguration` (CloudWatch Logs) is not carried over; DOKS keeps container logs and Ferry's controller forwards them to the appliance's log sinks", td.address()),
            )
            .at(loc.clone())
            .resource(td.address()),
        );
    }
    if !non_essential.is_empty() {
        cx.diag(
            Diagnostic::new(
                Code::FeatureUnsupported,
                format!(
                    "`{}`: non-essential containers ({}) run as ordinary containers of the pod; Kubernetes restarts any container that exits instead of stopping the task when an essential one does",
                    td.address(),
                    join_quoted(non_essential)
                ),
            )
            .at(loc.clone())
            .resource(td.address())
            .help("check that restarting a sidecar on its own is fine for the workload"),
        );
    }
    if !lost_fields.is_empty() {
        cx.diag(
            Diagnostic::new(
                Code::ArgumentDropped,
                format!(
                    "`{}`: {} not carried over (no Kubernetes equivalent Ferry maps)",
                    td.address(),
                    lost_fields.join(", ")
                ),
            )
            .at(loc.clone())
            .resource(td.address()),
        );
    }
}

/// Container definition fields Ferry reads (others are reported).
const KNOWN_FIELDS: &[&str] = &[
    "name",
    "image",
    "essential",
    "entryPoint",
    "command",
    "workingDirectory",
    "environment",
    "environmentFiles",
    "secrets",
    "portMappings",
    "cpu",
    "memory",
    "memoryReservation",
    "healthCheck",
    "dependsOn",
    "user",
    "readonlyRootFilesystem",
    "privileged",
    "stopTimeout",
    "logConfiguration",
    "mountPoints",
    "volumesFrom",
];

/// A list field (`command`, `entryPoint`) as a list expression.
fn list_expr(cx: &Cx<'_>, j: Option<&J>) -> Option<Expression> {
    let j = j?;
    match as_arr(cx, j) {
        Some(items) => Some(Expression::Array(
            items.iter().map(|i| stringify(i.expr())).collect(),
        )),
        None => jexpr(Some(j)),
    }
}

/// Environment values and command words are strings in Kubernetes: numbers and booleans
/// written as JSON literals become their text.
fn stringify(e: Expression) -> Expression {
    match e {
        Expression::Number(n) => Expression::String(n.to_string()),
        Expression::Bool(b) => Expression::String(b.to_string()),
        other => other,
    }
}

/// A port as a number when written as a string.
fn numeric(cx: &Cx<'_>, e: Expression) -> Expression {
    match &e {
        Expression::String(v) => v.trim().parse::<i64>().map(num).unwrap_or(e),
        Expression::Number(_) => e,
        _ => match cx.eval.number(&e) {
            Some(n) if !lb::per_instance(&e) && hclx::traversal_root(&e).is_none() => {
                num(n.round() as i64)
            }
            _ => e,
        },
    }
}

/// ECS `healthCheck` → a liveness probe (`CMD-SHELL` → `sh -c`).
fn health_probe(cx: &Cx<'_>, hc: &J) -> Option<Probe> {
    let cmd = as_arr(cx, hc.get("command")?)?;
    let first = cmd.first().and_then(|f| jstr(cx, Some(f)));
    let rest: Vec<Expression> = cmd.iter().skip(1).map(|c| stringify(c.expr())).collect();
    let command = match first.as_deref() {
        Some("CMD-SHELL") => {
            let script = if rest.len() == 1 {
                rest[0].clone()
            } else {
                format!(
                    "join(\" \", {})",
                    hclx::inline(&Expression::Array(rest.clone()))
                )
                .parse()
                .unwrap_or(Expression::Null)
            };
            Expression::Array(vec![s("/bin/sh"), s("-c"), script])
        }
        Some("CMD") => Expression::Array(rest),
        _ => Expression::Array(cmd.iter().map(|c| stringify(c.expr())).collect()),
    };
    let mut p = Probe::new(ProbeAction::Exec(command));
    let n = |k: &str| jnum(cx, hc.get(k)).map(|v| num(v.round() as i64));
    p.period_seconds = n("interval").or(Some(num(30)));
    p.timeout_seconds = n("timeout").or(Some(num(5)));
    p.failure_threshold = n("retries").or(Some(num(3)));
    p.initial_delay_seconds = n("startPeriod");
    Some(p)
}

/// The target group's health check → a readiness probe on the container port.
fn readiness_from_tg(
    cx: &Cx<'_>,
    tg: &Resource,
    port: &Expression,
    svc: &Resource,
) -> Option<Probe> {
    let hc = hclx::blocks(&tg.body, "health_check")
        .into_iter()
        .next()
        .unwrap_or_default();
    let get = |k: &str| hclx::attr(&hc, k).filter(|e| !matches!(e, Expression::Null));
    let proto = get("protocol")
        .or_else(|| hclx::attr(&tg.body, "protocol"))
        .and_then(|e| cx.eval.string(e))
        .unwrap_or_else(|| "HTTP".into())
        .to_ascii_uppercase();
    let probe_port = match get("port").and_then(|e| cx.eval.string(e)) {
        Some(p) if p != "traffic-port" => p.parse::<i64>().map(num).unwrap_or(port.clone()),
        _ => port.clone(),
    };
    let action = match proto.as_str() {
        "HTTP" | "HTTPS" => ProbeAction::HttpGet {
            path: get("path").cloned().unwrap_or(s("/")),
            port: probe_port,
            https: proto == "HTTPS",
        },
        _ => ProbeAction::Tcp { port: probe_port },
    };
    let mut p = Probe::new(action);
    let n = |k: &str| {
        get(k)
            .and_then(|e| cx.eval.number(e))
            .map(|v| num(v.round() as i64))
    };
    p.period_seconds = n("interval");
    p.timeout_seconds = n("timeout");
    p.failure_threshold = n("unhealthy_threshold");
    p.success_threshold = n("healthy_threshold");
    p.initial_delay_seconds = hclx::attr(&svc.body, "health_check_grace_period_seconds")
        .and_then(|e| cx.eval.number(e))
        .map(|v| num(v.round() as i64));
    Some(p)
}

/// `deployment_minimum_healthy_percent` / `deployment_maximum_percent` → the rolling update.
fn rolling_update(cx: &mut Cx<'_>, r: &Resource) -> Option<k8s::RollingUpdate> {
    let min = cx.num(r, "deployment_minimum_healthy_percent");
    let max = cx.num(r, "deployment_maximum_percent");
    if min.is_none() && max.is_none() {
        return None;
    }
    // ECS defaults: 100 % healthy, 200 % maximum.
    let unavailable = (100.0 - min.unwrap_or(100.0)).clamp(0.0, 100.0).round() as i64;
    let surge = (max.unwrap_or(200.0) - 100.0).max(0.0).round() as i64;
    let (surge, unavailable) = if surge == 0 && unavailable == 0 {
        // Kubernetes refuses both at zero; ECS would be stuck the same way.
        (1, 0)
    } else {
        (surge, unavailable)
    };
    let pct = |v: i64| s(&format!("{v}%"));
    Some(k8s::RollingUpdate {
        max_surge: if surge == 1 && min.is_some() && max.is_some() && max == Some(100.0) {
            num(1)
        } else {
            pct(surge)
        },
        max_unavailable: pct(unavailable),
    })
}

/// The origin's `lifecycle` on the service, in the Deployment's terms: `desired_count` →
/// `spec[0].replicas`; `task_definition` has no counterpart.
fn translate_lifecycle(body: &Body) -> Option<Body> {
    let mut out = Vec::new();
    for st in body.iter() {
        match st {
            hcl::Structure::Attribute(a) if a.key() == "ignore_changes" => {
                let keep: Vec<Expression> = match a.expr() {
                    Expression::Array(items) => items
                        .iter()
                        .filter_map(|i| match hclx::traversal_root(i) {
                            Some(("desired_count", _)) => "spec[0].replicas".parse().ok(),
                            _ => None,
                        })
                        .collect(),
                    other => {
                        out.push(hcl::Structure::Attribute(hcl::Attribute::new(
                            "ignore_changes",
                            other.clone(),
                        )));
                        continue;
                    }
                };
                if !keep.is_empty() {
                    out.push(hcl::Structure::Attribute(hcl::Attribute::new(
                        "ignore_changes",
                        Expression::Array(keep),
                    )));
                }
            }
            other => out.push(other.clone()),
        }
    }
    (!out.is_empty()).then(|| Body::from_iter(out))
}

/// Adds `spec[0].replicas` to the Deployment's `ignore_changes` (its HPA owns the count).
fn ignore_replicas(e: &mut Emitted) {
    let replicas: Expression = match "spec[0].replicas".parse() {
        Ok(x) => x,
        Err(_) => return,
    };
    let mut items: Vec<hcl::Structure> = e
        .meta
        .lifecycle
        .take()
        .map(|b| b.into_iter().collect())
        .unwrap_or_default();
    let mut found = false;
    for st in items.iter_mut() {
        if let hcl::Structure::Attribute(a) = st
            && a.key() == "ignore_changes"
        {
            found = true;
            if let Expression::Array(list) = &mut a.expr
                && !list.contains(&replicas)
            {
                list.push(replicas.clone());
            }
        }
    }
    if !found {
        items.push(hcl::Structure::Attribute(hcl::Attribute::new(
            "ignore_changes",
            Expression::Array(vec![replicas]),
        )));
    }
    e.meta.lifecycle = Some(Body::from_iter(items));
}

/// Notes and warnings about service arguments with no Kubernetes counterpart.
fn service_notes(cx: &mut Cx<'_>, r: &Resource, td: &Resource) {
    let mut lost = Vec::new();
    if hclx::blocks(&r.body, "network_configuration")
        .iter()
        .any(|b| hclx::attr(b, "security_groups").is_some())
    {
        lost.push("security groups of the tasks (pods reach each other inside the cluster; add a NetworkPolicy to restrict them)");
    }
    if !hclx::blocks(&r.body, "service_registries").is_empty()
        || !hclx::blocks(&r.body, "service_connect_configuration").is_empty()
    {
        lost.push("Cloud Map / Service Connect names (other workloads reach it at `<name>.<namespace>.svc.cluster.local` through its Service)");
    }
    if hclx::blocks(&r.body, "deployment_circuit_breaker")
        .iter()
        .any(|b| hclx::attr(b, "rollback").and_then(|e| cx.eval.bool(e)) == Some(true))
    {
        lost.push("automatic rollback (a failed rollout stops at `progress_deadline_seconds`; roll back with `kubectl rollout undo`)");
    }
    let spot = hclx::blocks(&r.body, "capacity_provider_strategy")
        .iter()
        .any(|b| {
            hclx::attr(b, "capacity_provider")
                .and_then(|e| cx.eval.string(e))
                .is_some_and(|p| p.contains("SPOT"))
        });
    if spot {
        lost.push("Fargate Spot capacity (DigitalOcean has no spot capacity: the pods run on regular nodes)");
    }
    if cx.bool(r, "enable_execute_command") == Some(true) {
        lost.push("ECS Exec (use `kubectl exec` through an Operate window)");
    }
    if hclx::attr(&td.body, "task_role_arn").is_some() {
        lost.push("the task role (pods have no AWS IAM role: give them credentials for DigitalOcean services through Secrets)");
    }
    if !lost.is_empty() {
        cx.diag(
            Diagnostic::new(
                Code::Absorbed,
                format!("`{}`: {}", r.address(), lost.join("; ")),
            )
            .at(r.loc.clone())
            .resource(r.address()),
        );
    }
    if let Some(rp) = hclx::blocks(&td.body, "runtime_platform").first() {
        let arch = hclx::attr(rp, "cpu_architecture").and_then(|e| cx.eval.string(e));
        if arch.as_deref() == Some("ARM64") {
            warn(
                cx,
                Code::FeatureUnsupported,
                td,
                "runtime_platform",
                format!(
                    "`{}` runs on ARM64 (Graviton); DOKS nodes are x86_64",
                    td.address()
                ),
                "build the images for linux/amd64 (or multi-arch) before the controller copies them",
            );
        }
        let os = hclx::attr(rp, "operating_system_family").and_then(|e| cx.eval.string(e));
        if os.as_deref().is_some_and(|o| o.starts_with("WINDOWS")) {
            warn(
                cx,
                Code::UnsupportedValue,
                td,
                "runtime_platform",
                format!(
                    "`{}` runs Windows containers; DOKS runs Linux nodes only",
                    td.address()
                ),
                "build the workload as a Linux image",
            );
        }
    }
    for v in hclx::blocks(&td.body, "volume") {
        if !hclx::blocks(&v, "efs_volume_configuration").is_empty() {
            warn(
                cx,
                Code::FeatureUnsupported,
                td,
                "volume",
                format!(
                    "`{}` mounts an EFS file system; Ferry does not map EFS yet, so the volume is not mounted",
                    td.address()
                ),
                "use a `kubernetes_persistent_volume_claim_v1` (DigitalOcean block storage, ReadWriteOnce) or DigitalOcean NFS for shared files",
            );
        }
    }
}

/// Does an environment variable's name say it holds a secret? A `_`-separated word
/// `PASSWORD`, `PASSWD`, `PASS`, `SECRET`, `TOKEN`, `CREDENTIALS` or `PRIVATE`, or a last word
/// `KEY` (`API_KEY`, `ENCRYPTION_KEY`; not `PUBLIC_KEY`, not `AWS_ACCESS_KEY_ID`).
fn secret_like(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    let words: Vec<&str> = upper
        .split(['_', '-', '.'])
        .filter(|w| !w.is_empty())
        .collect();
    if words.iter().any(|w| {
        matches!(
            *w,
            "PASSWORD" | "PASSWD" | "PASS" | "SECRET" | "TOKEN" | "CREDENTIALS" | "PRIVATE"
        )
    }) {
        return true;
    }
    words.last() == Some(&"KEY") && !words.contains(&"PUBLIC")
}

/// Environment values of the pod's containers whose names are [`secret_like`] and whose values
/// are not literals (`var.secret_key_base`, `random_password.x.result`, a template over them)
/// nor known to be `null`:
/// the values go into one Secret of the workload (`<app>-secret-env`, a key per variable name)
/// and the containers read them with `secret_key_ref`, so they are not written into the
/// Deployment's spec (where anyone who can read Deployments sees them). Values that depend on
/// the instance (`each.`, `count.index`) stay as written.
fn secret_env(cx: &mut Cx<'_>, r: &Resource, app: &str, pod: &mut PodSpec, ns: Expression) {
    let mut data: Vec<(String, Expression)> = Vec::new();
    let mut moved: Vec<(usize, usize, String)> = Vec::new();
    for (ci, c) in pod
        .init_containers
        .iter()
        .chain(pod.containers.iter())
        .enumerate()
    {
        for (ei, e) in c.env.iter().enumerate() {
            let EnvSource::Value(v) = &e.source else {
                continue;
            };
            let Some(name) = hclx::as_str(&e.name) else {
                continue;
            };
            // A value known to be `null` (an unset optional variable) stays: a Secret's data
            // takes no null.
            if !secret_like(name) || !super::secrets::has_reference(v) || cx.eval.is_null(v) {
                continue;
            }
            let text = hclx::inline(v);
            if text.contains("each.") || text.contains("count.index") {
                continue;
            }
            // One key per name; the same name with another value gets its own key.
            let key = match data.iter().find(|(k, _)| k == name) {
                Some((_, same)) if same == v => name.to_string(),
                Some(_) => {
                    let mut n = 2;
                    while data.iter().any(|(k, _)| *k == format!("{name}_{n}")) {
                        n += 1;
                    }
                    format!("{name}_{n}")
                }
                None => name.to_string(),
            };
            if !data.iter().any(|(k, _)| *k == key) {
                data.push((key.clone(), v.clone()));
            }
            moved.push((ci, ei, key));
        }
    }
    if data.is_empty() {
        return;
    }
    let secret_name =
        k8s::unique_object_name(cx.st, "kubernetes_secret_v1", &format!("{app}-secret-env"));
    let keys: Vec<String> = data.iter().map(|(k, _)| k.clone()).collect();
    let body = k8s::secret(
        s(&secret_name),
        ns,
        k8s::map(data),
        None,
        Some(k8s::labels(app)),
    );
    let addr = cx.emit_as(
        r,
        Mode::Managed,
        "kubernetes_secret_v1",
        &format!("{}_secret_env", r.name),
        body,
    );
    plain_meta(cx, &addr);
    let name = k8s::name_of(&addr);
    let mut containers: Vec<&mut k8s::Container> = pod
        .init_containers
        .iter_mut()
        .chain(pod.containers.iter_mut())
        .collect();
    for (ci, ei, key) in moved {
        if let Some(e) = containers.get_mut(ci).and_then(|c| c.env.get_mut(ei)) {
            e.source = EnvSource::SecretKey {
                secret: name.clone(),
                key: s(&key),
            };
        }
    }
    cx.secret(crate::report::SecretRef {
        origin: r.address().to_string(),
        target: addr.clone(),
        keys: keys.clone(),
        source: "environment values of the task definition whose names say they are secrets".into(),
    });
    cx.diag(
        Diagnostic::new(
            Code::ValueConverted,
            format!(
                "`{}`: the environment variables {} hold secrets by their names; their values are kept in the Secret `{addr}` and read with `secret_key_ref`, not written into the Deployment's spec",
                r.address(),
                join_quoted(&keys)
            ),
        )
        .at(r.loc.clone())
        .resource(r.address())
        .help("mark the variables that feed them `sensitive = true`, or create them as `aws_secretsmanager_secret`s and pass them as `secrets` (`valueFrom`)"),
    );
}

/// The workload's Secret: `valueFrom`s that point outside the stack (`entries`, each fed by a
/// sensitive variable of the deployment stack, reported with F374) and environment values that
/// read a sensitive variable of the stack (`sensitive`: key → `var.x`), so that neither is
/// written into the Deployment's spec.
fn external_secret(
    cx: &mut Cx<'_>,
    r: &Resource,
    app: &str,
    entries: &[(String, Expression)],
    sensitive: &[(String, Expression)],
    ns: Expression,
) -> String {
    let mut data: Vec<(String, Expression)> = sensitive.to_vec();
    let mut keys = Vec::new();
    for (key, from) in entries {
        let var_name = format!("{}_{}", app.replace('-', "_"), key.to_ascii_lowercase());
        let mut v = OutBody::new();
        v.set(
            "description",
            Expression::String(format!(
                "Value of `{}` (ECS `valueFrom` outside the stack) for the workload `{app}`; set when the appliance is deployed.",
                cx.eval
                    .string(from)
                    .unwrap_or_else(|| "a secret outside the stack".into())
            )),
        );
        v.set("type", hclx::path(&["string"]));
        v.set("sensitive", Expression::Bool(true));
        let var = cx.variable(&var_name, v);
        data.push((key.clone(), var));
        keys.push(key.clone());
    }
    let name = k8s::unique_object_name(cx.st, "kubernetes_secret_v1", &format!("{app}-env"));
    let body = k8s::secret(s(&name), ns, k8s::map(data), None, Some(k8s::labels(app)));
    let addr = cx.emit_as(
        r,
        Mode::Managed,
        "kubernetes_secret_v1",
        &format!("{}_env", r.name),
        body,
    );
    plain_meta(cx, &addr);
    if !sensitive.is_empty() {
        cx.secret(crate::report::SecretRef {
            origin: r.address().to_string(),
            target: addr.clone(),
            keys: sensitive.iter().map(|(k, _)| k.clone()).collect(),
            source: format!(
                "sensitive variables of the stack ({})",
                sensitive
                    .iter()
                    .map(|(_, v)| format!("`{}`", hclx::inline(v)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        });
    }
    if keys.is_empty() {
        return addr;
    }
    cx.secret(crate::report::SecretRef {
        origin: r.address().to_string(),
        target: addr.clone(),
        keys: keys.clone(),
        source: "sensitive variables (ECS `valueFrom` of secrets outside the stack)".into(),
    });
    cx.diag(
        Diagnostic::new(
            Code::SecretValueAtDeploy,
            format!(
                "`{}` reads secrets the stack does not create ({}); they are sensitive variables of the deployment stack, set when the appliance is deployed",
                r.address(),
                join_quoted(&keys)
            ),
        )
        .at(r.loc.clone())
        .resource(r.address())
        .help("create the secrets in the stack (`aws_secretsmanager_secret` or `aws_ssm_parameter`) so each appliance owns them"),
    );
    addr
}

/// The database whose RDS-managed master user secret `e` reads
/// (`aws_rds_cluster.x.master_user_secret[0].secret_arn`), directly or through locals.
fn master_secret_db<'a>(cx: &Cx<'a>, e: &Expression, depth: u8) -> Option<&'a Resource> {
    let mut found = None;
    hclx::walk(e, &mut |x| {
        if found.is_some() {
            return;
        }
        match hclx::traversal_root(x) {
            Some(("local", [Op::GetAttr(n), ..])) if depth < 4 => {
                if let Some(l) = cx.module.locals.iter().find(|l| l.name == n.as_str()) {
                    found = master_secret_db(cx, &l.expr, depth + 1);
                }
            }
            Some((ty @ ("aws_rds_cluster" | "aws_db_instance"), [Op::GetAttr(_), rest @ ..]))
                if rest
                    .iter()
                    .any(|o| matches!(o, Op::GetAttr(a) if a.as_str() == "master_user_secret")) =>
            {
                found = cx.resolve_ref(x).filter(|r| r.ty == ty);
            }
            _ => {}
        }
    });
    found
}

/// An ECS `valueFrom` of the secret RDS manages for a database's master user
/// (`manage_master_user_password = true`; `"${aws_rds_cluster.x.master_user_secret[0].secret_arn}:password::"`):
/// DigitalOcean keeps the admin user and its generated password on the cluster, so the key reads
/// a Kubernetes Secret holding them (one per database, `username` and `password` as in the
/// secret RDS writes). `None` for other values, for a key other than those two, and for a
/// database repeated with `count`/`for_each`.
fn db_master_secret(cx: &mut Cx<'_>, from: &Expression) -> Option<(Expression, Expression)> {
    let db = master_secret_db(cx, from, 0)?;
    if db.meta.count.is_some() || db.meta.for_each.is_some() {
        return None;
    }
    let Expression::TemplateExpr(t) = from else {
        return None;
    };
    let tpl = Template::from_expr(t).ok()?;
    let key = match tpl.elements().get(1) {
        Some(Element::Literal(l)) => super::secrets::arn_json_key(l)?,
        _ => return None,
    };
    if key != "username" && key != "password" {
        return None;
    }
    let addr = super::secrets::master_user_secret(cx, db);
    Some((k8s::name_of(&addr), s(&key)))
}

/// The Secret name and key for an ECS `valueFrom`, when the secret is part of the stack.
fn secret_source(
    cx: &Cx<'_>,
    td: &Resource,
    from: &Expression,
) -> Option<(Expression, Expression)> {
    // `"${aws_secretsmanager_secret.db.arn}:password::"`: the JSON key after the ARN.
    let mut key = "value".to_string();
    if let Expression::TemplateExpr(t) = from
        && let Ok(tpl) = Template::from_expr(t)
        && let Some(Element::Literal(l)) = tpl.elements().get(1)
        && let Some(k) = super::secrets::arn_json_key(l)
    {
        key = k;
    }
    let (target, path) = match secret_traversal(cx, from) {
        Some(x) => x,
        None => {
            // A literal ARN or name of a secret of the stack.
            let v = cx.eval.string(from)?;
            let (ty, rest) = if v.contains(":ssm:") || !v.contains(":secretsmanager:") {
                ("aws_ssm_parameter", v.clone())
            } else {
                ("aws_secretsmanager_secret", v.clone())
            };
            if ty == "aws_secretsmanager_secret"
                && let Some(k) = rest
                    .split_once(":secret:")
                    .and_then(|(_, r)| r.split_once(':'))
                    .and_then(|(_, r)| super::secrets::arn_json_key(&format!(":{r}")))
            {
                key = k;
            }
            let t = super::secrets::find_by_name(cx, ty, &v)
                .or_else(|| super::secrets::find_by_name(cx, "aws_secretsmanager_secret", &v))?;
            (t, hclx::path(&[t.ty.as_str(), t.name.as_str()]))
        }
    };
    let _ = td;
    let _ = target;
    let mut name = path;
    if let Expression::Traversal(t) = &mut name {
        t.operators
            .push(Op::GetAttr(hcl::Identifier::unchecked("name")));
    }
    Some((name, s(&key)))
}

/// The reference to a secret-like origin object inside `from` (without its attribute), and the
/// object: `aws_secretsmanager_secret.db[0]` of `aws_secretsmanager_secret.db[0].arn`.
fn secret_traversal<'a>(cx: &Cx<'a>, from: &Expression) -> Option<(&'a Resource, Expression)> {
    const TYPES: &[&str] = &[
        "aws_secretsmanager_secret",
        "aws_secretsmanager_secret_version",
        "aws_ssm_parameter",
    ];
    let mut found = None;
    hclx::walk(from, &mut |x| {
        if found.is_some() {
            return;
        }
        let Some((root, ops)) = hclx::traversal_root(x) else {
            return;
        };
        let (mode, ty, name, idx) = match (root, ops) {
            ("data", [Op::GetAttr(t), Op::GetAttr(n), rest @ ..]) => {
                (Mode::Data, t.as_str(), n, rest)
            }
            (t, [Op::GetAttr(n), rest @ ..]) => (Mode::Managed, t, n, rest),
            _ => return,
        };
        if !TYPES.contains(&ty) {
            return;
        }
        let Some(res) = cx
            .resources
            .iter()
            .find(|r| r.mode == mode && r.ty == ty && r.name == name.as_str())
        else {
            return;
        };
        let index: Vec<Op> = idx
            .iter()
            .take_while(|o| !matches!(o, Op::GetAttr(_)))
            .cloned()
            .collect();
        // A managed version stands for its secret.
        if res.ty == "aws_secretsmanager_secret_version" && res.mode == Mode::Managed {
            if let Some(sec) = cx.referenced(res, "secret_id") {
                let e = hclx::path(&[sec.ty.as_str(), sec.name.as_str()]);
                found = Some((sec, e));
            }
            return;
        }
        let mut ops = vec![Op::GetAttr(name.clone())];
        ops.extend(index);
        let e = if mode == Mode::Data {
            let mut all = vec![Op::GetAttr(hcl::Identifier::unchecked(ty))];
            all.extend(ops);
            hclx::traversal("data", all)
        } else {
            hclx::traversal(ty, ops)
        };
        found = Some((res, e));
    });
    found
}

/// Records the load balancer pieces a failed service would have folded in, so each keeps an
/// outcome.
fn absorb_load_balancers(
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
fn lb_pieces<'a>(cx: &Cx<'a>, lbr: &'a Resource) -> Vec<&'a Resource> {
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
fn plain_meta(cx: &mut Cx<'_>, addr: &str) {
    if let Some(e) = cx.emitted_mut(addr) {
        e.meta = Meta::default();
    }
}

/// A ClusterIP Service for the workload's container ports (none when it exposes no port).
fn cluster_ip_service(
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
fn lb_service(
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
fn sticky_of(cx: &Cx<'_>, tg: &Resource) -> Option<Expression> {
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

// ---- task definitions --------------------------------------------------------------------------

fn task_definition(r: &Resource, cx: &mut Cx<'_>) {
    let services: Vec<&Resource> = cx
        .origin_of_type(SERVICE)
        .filter(|svc| task_def_of(cx, svc).is_some_and(|t| t.address() == r.address()))
        .collect();
    let deployments: Vec<String> = services
        .iter()
        .filter_map(|svc| cx.st.outcomes.get(svc.address()))
        .flat_map(|o| {
            // Every Deployment of the service (one per instance of a repeated one).
            o.targets
                .iter()
                .filter(|t| t.starts_with("kubernetes_deployment_v1."))
                .cloned()
        })
        .collect();
    for a in ["arn", "arn_without_revision", "revision", "family", "id"] {
        cx.export(
            r,
            a,
            Export::Unmapped(
                "a task definition is the pod template of its Deployment; it has no ARN or revisions".into(),
            ),
        );
    }
    match deployments.first() {
        Some(first) => {
            let note = if deployments.len() == 1 {
                format!("its containers are the pod template of `{first}`")
            } else {
                format!(
                    "its containers are the pod templates of {}",
                    join_quoted(&deployments)
                )
            };
            cx.absorb(r, first, note);
        }
        None if !services.is_empty() => {
            cx.st.outcomes.insert(
                r.address().to_string(),
                OutcomeRec {
                    outcome: Outcome::Unsupported,
                    targets: vec![],
                    note: Some(format!(
                        "the services that run it ({}) were not mapped (see their diagnostics)",
                        join_quoted(
                            &services
                                .iter()
                                .map(|s| s.address().to_string())
                                .collect::<Vec<_>>()
                        )
                    )),
                },
            );
        }
        None => one_off_task(r, cx),
    }
}

// ---- tasks run by no service -------------------------------------------------------------------
//
// A task definition no service runs is a one-off or scheduled task (`aws ecs run-task`, an
// EventBridge rule or an EventBridge Scheduler schedule). On DOKS it becomes a
// `kubernetes_cron_job_v1`: on the schedule of the EventBridge rule / Scheduler schedule that
// runs it, or — run by nothing in the stack — suspended, as a template to run on demand
// (`kubectl create job --from=cronjob/<name>`). A plain `kubernetes_job_v1` would run once at
// every apply (and the provider waits for it to finish), which an ECS task definition never
// does by itself. Its pods never restart (`restart_policy = "Never"`, `backoff_limit = 0`), as
// ECS does not retry a stopped task.

/// The task definition an EventBridge target (`ecs_target`) or an EventBridge Scheduler
/// schedule (`target { ecs_parameters }`) runs, when it is a task definition of the stack that
/// no ECS service runs (mapped here, with the trigger absorbed into its CronJob).
pub(super) fn scheduled_task<'a>(cx: &Cx<'a>, r: &Resource) -> Option<&'a Resource> {
    if !matches!(
        r.ty.as_str(),
        "aws_cloudwatch_event_target" | "aws_scheduler_schedule"
    ) {
        return None;
    }
    ecs_params(r).iter().find_map(|p| {
        hclx::attr(p, "task_definition_arn")
            .and_then(|e| cx.resolve_ref(e))
            .filter(|td| td.ty == TASK_DEF && td.mode == Mode::Managed)
            .filter(|td| !run_by_service(cx, td))
    })
}

/// The ECS parameters of an EventBridge target (`ecs_target`) or a Scheduler schedule
/// (`target { ecs_parameters }`).
fn ecs_params(t: &Resource) -> Vec<Body> {
    if t.ty == "aws_cloudwatch_event_target" {
        return hclx::blocks(&t.body, "ecs_target")
            .into_iter()
            .map(|b| b.into_owned())
            .collect();
    }
    hclx::blocks(&t.body, "target")
        .iter()
        .flat_map(|x| {
            hclx::blocks(x, "ecs_parameters")
                .into_iter()
                .map(|b| b.into_owned())
                .collect::<Vec<_>>()
        })
        .collect()
}

fn scheduler_schedule(r: &Resource, cx: &mut Cx<'_>) {
    if scheduled_task(cx, r).is_some() {
        // Folded into the task's CronJob by the task definition rule (`one_off_task`).
        return;
    }
    if let Some(family) = super::catalog::lookup(&r.ty) {
        super::catalog::apply(family, r, cx);
    }
}

/// Is the task definition run by an ECS service of the stack?
fn run_by_service(cx: &Cx<'_>, td: &Resource) -> bool {
    cx.origin_of_type(SERVICE)
        .any(|svc| task_def_of(cx, svc).is_some_and(|t| t.address() == td.address()))
}

/// The EventBridge targets and Scheduler schedules that run the task definition `td`.
fn triggers_of<'a>(cx: &Cx<'a>, td: &Resource) -> Vec<&'a Resource> {
    ["aws_cloudwatch_event_target", "aws_scheduler_schedule"]
        .iter()
        .flat_map(|t| cx.origin_of_type(t))
        .filter(|t| scheduled_task(cx, t).is_some_and(|x| x.address() == td.address()))
        .collect()
}

/// The schedule of a trigger: (AWS schedule expression resource, expression, `suspend`).
fn trigger_schedule<'a>(
    cx: &Cx<'a>,
    t: &'a Resource,
) -> Option<(&'a Resource, String, Option<Expression>)> {
    let holder = if t.ty == "aws_cloudwatch_event_target" {
        cx.referenced(t, "rule")?
    } else {
        t
    };
    let expr = hclx::attr(&holder.body, "schedule_expression").and_then(|e| cx.eval.string(e))?;
    // A disabled rule or schedule: a suspended CronJob (an expression when not a literal).
    let suspend = super::lambda::suspended(&holder.body);
    Some((holder, expr, suspend))
}

/// How many tasks one run starts (`task_count`), when static.
fn task_count(cx: &Cx<'_>, t: &Resource) -> Option<i64> {
    ecs_params(t)
        .iter()
        .find_map(|p| hclx::attr(p, "task_count").and_then(|e| cx.eval.number(e)))
        .map(|n| n.round() as i64)
        .filter(|n| *n > 0)
}

/// A task definition no service runs → a CronJob (scheduled, or suspended to run on demand).
fn one_off_task(r: &Resource, cx: &mut Cx<'_>) {
    // A repeated task definition: its first instance (one CronJob per name).
    let Some(td) = bind_instance(cx, r, None) else {
        cx.unsupported(
            r,
            Code::ContainerDefinitionsUnreadable,
            format!(
                "`{}` is repeated over a collection Ferry cannot evaluate, so it cannot tell which containers it runs",
                r.address()
            ),
            "write `for_each` / `count` with values known at compile time",
        );
        return;
    };
    let defs = match container_defs(cx, &td) {
        Ok((defs, _)) => defs,
        Err(why) => {
            cx.unsupported(
                r,
                Code::ContainerDefinitionsUnreadable,
                format!(
                    "the container definitions of `{}` cannot be read: `container_definitions` {why}",
                    r.address()
                ),
                "write them with `jsonencode([...])`, as JSON in the .tf file, or in a JSON file of the origin read with `file()` / `templatefile()`",
            );
            return;
        }
    };
    ensure_cluster(cx, r);
    let base = cx
        .str(&td, "family")
        .filter(|f| !f.contains("${"))
        .unwrap_or_else(|| r.name.clone());
    let app = k8s::dns_label(&base, "task");
    let ns = cx.k8s_namespace();
    let tp = task_pod(cx, r, &td, &defs, &app, ns.clone());
    if tp.pod.containers.is_empty() {
        cx.unsupported(
            r,
            Code::ContainerDefinitionsUnreadable,
            format!("`{}` has no container Ferry could read", r.address()),
            "check the container definitions of the task definition",
        );
        return;
    }

    // What runs it: the first trigger with a schedule Kubernetes can express.
    let triggers = triggers_of(cx, r);
    let mut schedule: Option<(&Resource, &Resource, String, String, Option<Expression>)> = None;
    for t in &triggers {
        let Some((holder, expr, suspend)) = trigger_schedule(cx, t) else {
            // Run on events (an EventBridge rule with an `event_pattern`).
            warn(
                cx,
                Code::FeatureUnsupported,
                t,
                "rule",
                format!(
                    "`{}` runs `{}` on events, which have no DigitalOcean equivalent; its CronJob is suspended",
                    t.address(),
                    r.address()
                ),
                "start a Job from the CronJob where the event happens (`kubectl create job --from=cronjob/<name>`, or the Kubernetes API from the application)",
            );
            continue;
        };
        match super::lambda::schedule_to_cron(&expr) {
            Ok((cron, remark)) => {
                if expr != cron {
                    cx.diag(
                        Diagnostic::new(
                            Code::ValueConverted,
                            format!(
                                "`{}`: the schedule `{expr}` runs as the cron schedule `{cron}` (UTC){remark}",
                                holder.address()
                            ),
                        )
                        .at(holder.loc_of("schedule_expression"))
                        .resource(holder.address()),
                    );
                }
                schedule = Some((t, holder, expr, cron, suspend));
                break;
            }
            Err(why) => warn(
                cx,
                Code::FeatureUnsupported,
                holder,
                "schedule_expression",
                format!(
                    "the schedule `{expr}` of `{}` cannot be written as a Kubernetes cron schedule: {why}; the CronJob of `{}` is suspended",
                    holder.address(),
                    r.address()
                ),
                "use a `rate(...)` expression, or a `cron(...)` expression without `L`, `W` or `#`",
            ),
        }
    }
    for t in &triggers {
        let overrides = hclx::attr(&t.body, "input").is_some()
            || hclx::blocks(&t.body, "target")
                .iter()
                .any(|x| hclx::attr(x, "input").is_some());
        if overrides {
            warn(
                cx,
                Code::FeatureUnsupported,
                t,
                "input",
                format!(
                    "`{}` passes an input (container overrides) to the task; the CronJob runs the containers as the task definition declares them",
                    t.address()
                ),
                "put the command and environment of the scheduled run in the task definition",
            );
        }
    }

    let mut body = OutBody::new();
    k8s::metadata(&mut body, s(&app), Some(ns), Some(k8s::labels(&app)), None);
    let spec = body.block("spec");
    match &schedule {
        Some((_, _, _, cron, suspend)) => {
            spec.set("schedule", s(cron));
            spec.set("timezone", s("Etc/UTC"));
            spec.set_opt("suspend", suspend.clone());
        }
        None => {
            // Never due by itself: a template for runs on demand.
            spec.set("schedule", s("0 0 1 1 *"));
            spec.set("suspend", Expression::Bool(true));
        }
    }
    let job = spec.block("job_template");
    job.block("metadata").set("labels", k8s::labels(&app));
    let job_spec = job.block("spec");
    job_spec.set("backoff_limit", num(0));
    if let Some(n) = schedule
        .as_ref()
        .and_then(|(t, ..)| task_count(cx, t))
        .filter(|n| *n > 1)
    {
        job_spec.set("parallelism", num(n));
        job_spec.set("completions", num(n));
    }
    let tpl = job_spec.block("template");
    tpl.block("metadata").set("labels", k8s::labels(&app));
    let mut pod = tp.pod.to_body();
    pod.set("restart_policy", s("Never"));
    tpl.items.push(Item::Block(OutBlock {
        ident: "spec".into(),
        labels: vec![],
        body: pod,
    }));
    let addr = cx.emit(r, "kubernetes_cron_job_v1", body);
    if let Some(e) = cx.emitted_mut(&addr) {
        e.meta.count = None;
        e.meta.for_each = None;
    }
    if r.meta.is_repeated() {
        warn(
            cx,
            Code::FeatureUnsupported,
            r,
            "family",
            format!(
                "`{}` is repeated with `count`/`for_each`; its CronJob was emitted once (as the first instance), because their Kubernetes names would collide",
                r.address()
            ),
            "declare one task definition per task",
        );
    }
    match &schedule {
        Some((_, holder, expr, cron, _)) => {
            cx.note(
                r,
                format!(
                    "CronJob `{app}` in the appliance namespace, on the schedule of `{}` (`{expr}` → `{cron}`, UTC); its pods run once and are not restarted",
                    holder.address()
                ),
            );
        }
        None => {
            let why = if triggers.is_empty() {
                "is not run by an ECS service or a schedule of the stack (a one-off task)"
                    .to_string()
            } else {
                format!(
                    "is run by {}, which Kubernetes cannot schedule (see the warnings)",
                    join_quoted(
                        &triggers
                            .iter()
                            .map(|t| t.address().to_string())
                            .collect::<Vec<_>>()
                    )
                )
            };
            cx.diag(
                Diagnostic::new(
                    Code::TaskOnDemand,
                    format!(
                        "`{}` {why}: it became the suspended CronJob `{app}`, a template that runs only when started",
                        r.address()
                    ),
                )
                .at(r.loc_of("family"))
                .resource(r.address())
                .help(format!(
                    "run it with `kubectl create job --from=cronjob/{app} {app}-<run>` in the appliance namespace (what `aws ecs run-task` did), or set a `schedule` and `suspend = false`"
                )),
            );
            cx.note(
                r,
                format!(
                    "CronJob `{app}` in the appliance namespace, suspended: run it on demand (`kubectl create job --from=cronjob/{app}`); its pods run once and are not restarted"
                ),
            );
        }
    }
    pod_notes(
        cx,
        &td,
        &tp.loc,
        &tp.lost_fields,
        tp.dropped_logs,
        &tp.non_essential,
    );

    // The triggers (and EventBridge rules whose targets are all such tasks) fold into it.
    for t in &triggers {
        let note = match &schedule {
            Some((chosen, ..)) if chosen.address() == t.address() => {
                format!("it runs `{}` on the CronJob's schedule", r.address())
            }
            Some(_) => format!(
                "it runs `{}`; the CronJob has one schedule (see its note)",
                r.address()
            ),
            None => format!(
                "it runs `{}`, whose CronJob is suspended: its schedule or events cannot be expressed (see its warning)",
                r.address()
            ),
        };
        cx.absorb(t, &addr, note);
        if t.ty == "aws_cloudwatch_event_target"
            && let Some(rule) = cx.referenced(t, "rule")
        {
            let all_tasks = cx
                .origin_of_type("aws_cloudwatch_event_target")
                .filter(|x| cx.referenced(x, "rule").is_some_and(|y| y == rule))
                .all(|x| scheduled_task(cx, x).is_some());
            if all_tasks {
                let note = if hclx::attr(&rule.body, "schedule_expression").is_some() {
                    "the schedule of the CronJobs of the ECS tasks it runs"
                } else {
                    "its events have no DigitalOcean equivalent; the CronJobs of the ECS tasks it runs are suspended"
                };
                cx.absorb(rule, &addr, note);
                for attr in ["arn", "id", "name"] {
                    cx.export(
                        rule,
                        attr,
                        Export::Unmapped(
                            "the schedule is part of the CronJobs of the tasks it runs".into(),
                        ),
                    );
                }
            }
        }
        for attr in ["arn", "id", "name"] {
            cx.export(
                t,
                attr,
                Export::Unmapped("the schedule is part of the CronJob of the task it runs".into()),
            );
        }
    }
    cx.export(
        r,
        "family",
        Export::Tmpl {
            target: addr.clone(),
            tmpl: "$T.metadata[0].name".into(),
        },
    );
}

fn task_definition_data(r: &Resource, cx: &mut Cx<'_>) {
    cx.drop(
        r,
        "the Deployment's pod template is the task definition; there are no revisions to look up",
    );
    cx.export(
        r,
        "revision",
        Export::Unmapped("Kubernetes Deployments have no task definition revisions".into()),
    );
}

// ---- autoscaling ---------------------------------------------------------------------------------

/// The scaling target a policy belongs to: by reference, or by the same `resource_id`.
fn target_of_policy<'a>(cx: &Cx<'a>, p: &Resource) -> Option<&'a Resource> {
    if let Some(t) = cx
        .referenced(p, "resource_id")
        .filter(|t| t.ty == SCALING_TARGET)
    {
        return Some(t);
    }
    let id = hclx::attr(&p.body, "resource_id")?;
    let text = cx.eval.string(id).unwrap_or_else(|| hclx::inline(id));
    cx.origin_of_type(SCALING_TARGET).find(|t| {
        hclx::attr(&t.body, "resource_id")
            .is_some_and(|e| cx.eval.string(e).unwrap_or_else(|| hclx::inline(e)) == text)
    })
}

/// When `svc` became one Deployment per instance and the scaling target `r` repeats too: for
/// each instance of `r` (Terraform's order), the Deployment of the service instance it names in
/// `resource_id` (`aws_ecs_service.svc[each.key].name`), with that target instance's key and
/// context. `None` when either does not hold or an instance's service cannot be told.
fn split_service_instances(
    cx: &Cx<'_>,
    r: &Resource,
    svc: &Resource,
) -> Option<Vec<(String, Value, Eval)>> {
    let deployments = cx.st.outcomes.get(svc.address()).map_or(0, |o| {
        o.targets
            .iter()
            .filter(|t| t.starts_with("kubernetes_deployment_v1."))
            .count()
    });
    if deployments < 2 || !r.meta.is_repeated() {
        return None;
    }
    let id = hclx::attr(&r.body, "resource_id")?;
    let mut out = Vec::new();
    for (tkey, ev) in cx.eval.instances(&r.meta)? {
        let mut key: Option<Value> = None;
        hclx::walk(id, &mut |x| {
            if key.is_none()
                && let Some((SERVICE, [Op::GetAttr(n), Op::Index(i), ..])) = hclx::traversal_root(x)
                && n.as_str() == svc.name
            {
                key = ev.value(i);
            }
        });
        let inst = match key? {
            Value::String(k) => format!("{}[{k:?}]", svc.address()),
            other => format!("{}[{other}]", svc.address()),
        };
        let dep = cx.st.exports.get(&inst)?.primary.clone()?;
        out.push((dep, tkey, ev));
    }
    Some(out)
}

/// `body` with `each.*` / `count.index` replaced by the values of one instance (`ev`), and
/// expressions that depended on them folded; `None` when one of those values is not known.
fn bind_body(ev: &Eval, body: &Body) -> Option<Body> {
    let mut body = body.clone();
    let mut known = true;
    hclx::walk_body_mut(&mut body, &mut |y| {
        // `count.index + 1`, `"web-${each.key}"`: the instance's value, folded.
        if lb::per_instance(y)
            && let Some(v) = ev.value(y)
        {
            *y = crate::eval::value_to_expr(&v);
            return false;
        }
        if !matches!(hclx::traversal_root(y), Some(("each" | "count", _))) {
            return true;
        }
        match ev.value(y) {
            Some(v) => *y = crate::eval::value_to_expr(&v),
            None => known = false,
        }
        false
    });
    known.then_some(body)
}

/// `<name>_<key>`: the Terraform name of what is emitted for one instance of `r`.
fn instance_name(r: &Resource, key: &Value) -> String {
    let label = match key {
        Value::String(k) => k.clone(),
        other => other.to_string(),
    };
    super::sanitize_name(&format!("{}_{label}", r.name))
}

/// What was emitted at `addr` for one instance of a repeated resource: no repetition, and
/// `each.*` / `count.index` in it replaced by that instance's values (`ev`).
fn bind_instance_of(ev: &Eval, cx: &mut Cx<'_>, addr: &str) {
    let Some(e) = cx.emitted_mut(addr) else {
        return;
    };
    e.meta.count = None;
    e.meta.for_each = None;
    e.body.exprs_mut(&mut |x| {
        hclx::walk_mut(x, &mut |y| {
            if !matches!(hclx::traversal_root(y), Some(("each" | "count", _))) {
                return true;
            }
            *y = ev
                .value(y)
                .map(|v| crate::eval::value_to_expr(&v))
                .unwrap_or(Expression::Null);
            false
        });
    });
}

fn scaling_target(r: &Resource, cx: &mut Cx<'_>) {
    let Some(svc) = service_of_target(cx, r) else {
        let ns = cx.str(r, "service_namespace").unwrap_or_else(|| "?".into());
        if ns == "ecs" && cx.origin_of_type(SERVICE).next().is_some() {
            // An ECS service of the stack, named in a way Ferry cannot follow
            // (`"service/${cluster}/${each.value}"` over a map of services).
            let note = "scales an ECS service that Ferry cannot identify from `resource_id`: no HorizontalPodAutoscaler is written and the Deployments keep their desired count";
            cx.drop(r, note);
            cx.diag(
                Diagnostic::new(Code::FeatureUnsupported, format!("`{}` {note}", r.address()))
                    .at(r.loc_of("resource_id"))
                    .resource(r.address())
                    .help("name the service in `resource_id` directly (`\"service/${aws_ecs_cluster.x.name}/${aws_ecs_service.y.name}\"`, one scaling target per service), or add a HorizontalPodAutoscaler to the stack by hand"),
            );
            return;
        }
        cx.drop(
            r,
            format!(
                "Application Auto Scaling of `{ns}` resources has no DigitalOcean equivalent (only ECS services are mapped, to HorizontalPodAutoscalers)"
            ),
        );
        return;
    };
    let dep = cx
        .st
        .outcomes
        .get(svc.address())
        .and_then(|o| {
            o.targets
                .iter()
                .find(|t| t.starts_with("kubernetes_deployment_v1."))
        })
        .cloned();
    let policies: Vec<&Resource> = cx
        .origin_of_type(SCALING_POLICY)
        .filter(|p| target_of_policy(cx, p).is_some_and(|t| t.address() == r.address()))
        .collect();
    // A service that became one Deployment per instance, scaled by a target repeated over the
    // same instances: one HorizontalPodAutoscaler per instance, each for its Deployment.
    let split = split_service_instances(cx, r, svc);
    let per_instance: Option<Vec<(String, Resource)>> = split.as_ref().and_then(|all| {
        let mut out: Vec<(String, Resource)> = Vec::new();
        for (dep, key, ev) in all {
            let mut bound = r.clone();
            bound.body = bind_body(ev, &r.body)?;
            bound.meta.count = None;
            bound.meta.for_each = None;
            bound.name = instance_name(r, key);
            if out.iter().any(|(d, b)| d == dep || b.name == bound.name) {
                return None;
            }
            out.push((dep.clone(), bound));
        }
        Some(out)
    });
    if let Some(all) = per_instance {
        let mut notes = Vec::new();
        for (dep, bound) in &all {
            autoscaler(bound, cx, svc, &policies, dep.clone(), None);
            if let Some(n) = cx.st.outcomes.get(r.address()).and_then(|o| o.note.clone()) {
                notes.push(n);
            }
        }
        // The policies are metrics of every instance's autoscaler.
        let hpas: Vec<String> = cx
            .st
            .outcomes
            .get(r.address())
            .map(|o| o.targets.clone())
            .unwrap_or_default();
        for p in &policies {
            if let Some(rec) = cx.st.outcomes.get_mut(p.address())
                && rec.outcome == Outcome::Absorbed
            {
                rec.targets = hpas.clone();
            }
        }
        cx.note(
            r,
            format!(
                "repeated over the instances of `{}`, one each: {}",
                svc.address(),
                notes.join("; ")
            ),
        );
        return;
    }
    // Else the HPA of this (repeated) target scales the Deployment its first instance names.
    let first = split.and_then(|all| all.into_iter().next());
    let dep = first.as_ref().map(|(d, _, _)| d.clone()).or(dep);
    let Some(dep) = dep else {
        cx.st.outcomes.insert(
            r.address().to_string(),
            OutcomeRec {
                outcome: Outcome::Unsupported,
                targets: vec![],
                note: Some(format!("its service `{}` was not mapped", svc.address())),
            },
        );
        for p in policies {
            cx.st.outcomes.insert(
                p.address().to_string(),
                OutcomeRec {
                    outcome: Outcome::Unsupported,
                    targets: vec![],
                    note: Some(format!("its service `{}` was not mapped", svc.address())),
                },
            );
        }
        return;
    };
    autoscaler(r, cx, svc, &policies, dep, first.map(|(_, _, ev)| ev));
}

/// The HorizontalPodAutoscaler of the scaling target `r` (of `svc`) for the Deployment `dep`,
/// with its `policies` as metrics. `first`: the context of `r`'s first instance when `r`
/// repeats but one autoscaler stands for it (its `each.*` are bound to that instance).
fn autoscaler(
    r: &Resource,
    cx: &mut Cx<'_>,
    svc: &Resource,
    policies: &[&Resource],
    dep: String,
    first: Option<Eval>,
) {
    let mut metrics: Vec<OutBody> = Vec::new();
    let mut scale_in: Option<i64> = None;
    let mut scale_out: Option<i64> = None;
    let mut no_scale_in = false;
    let mut used: Vec<&Resource> = Vec::new();
    for p in policies {
        let kind = cx
            .str(p, "policy_type")
            .unwrap_or_else(|| "StepScaling".into());
        if kind != "TargetTrackingScaling" {
            warn(
                cx,
                Code::FeatureUnsupported,
                p,
                "policy_type",
                format!(
                    "`{}` is a step scaling policy; a HorizontalPodAutoscaler tracks a target value, so it was not carried over",
                    p.address()
                ),
                "use a target tracking policy on CPU or memory utilization",
            );
            continue;
        }
        let Some(tt) = hclx::blocks(&p.body, "target_tracking_scaling_policy_configuration")
            .into_iter()
            .next()
        else {
            continue;
        };
        let metric = hclx::blocks(&tt, "predefined_metric_specification")
            .first()
            .and_then(|b| hclx::attr(b, "predefined_metric_type"))
            .and_then(|e| cx.eval.string(e));
        let resource = metric.as_deref().and_then(facts::hpa_resource);
        let Some(resource) = resource else {
            let what = metric.unwrap_or_else(|| "a custom CloudWatch metric".into());
            warn(
                cx,
                Code::FeatureUnsupported,
                p,
                "target_tracking_scaling_policy_configuration",
                format!(
                    "`{}` scales on {what}; a HorizontalPodAutoscaler scales on CPU and memory without a metrics adapter, so it was not carried over",
                    p.address()
                ),
                "scale on CPU or memory utilization, or install a metrics adapter (e.g. KEDA) and add an external metric to the HPA",
            );
            continue;
        };
        let target = hclx::attr(&tt, "target_value")
            .and_then(|e| cx.eval.number(e))
            .map(|v| num(v.round() as i64))
            .unwrap_or(num(70));
        let mut m = OutBody::new();
        m.set("type", s("Resource"));
        let rb = m.block("resource");
        rb.set("name", s(resource));
        let tb = rb.block("target");
        tb.set("type", s("Utilization"));
        tb.set("average_utilization", target);
        metrics.push(m);
        let cd = |k: &str| {
            hclx::attr(&tt, k)
                .and_then(|e| cx.eval.number(e))
                .map(|v| v.round() as i64)
        };
        if let Some(v) = cd("scale_in_cooldown") {
            scale_in = Some(scale_in.map_or(v, |x| x.max(v)));
        }
        if let Some(v) = cd("scale_out_cooldown") {
            scale_out = Some(scale_out.map_or(v, |x| x.max(v)));
        }
        no_scale_in |=
            hclx::attr(&tt, "disable_scale_in").and_then(|e| cx.eval.bool(e)) == Some(true);
        used.push(p);
    }
    let app = cx
        .st
        .find(&dep)
        .and_then(|e| {
            e.body
                .blocks("metadata")
                .next()
                .and_then(|m| m.get("name").cloned())
        })
        .unwrap_or(s(&r.name));
    if metrics.is_empty() {
        // Bounds only: the Deployment's replicas stay as the service's desired count.
        cx.absorb(
            r,
            &dep,
            "no target-tracking policy Ferry maps: the Deployment keeps the service's desired count (no autoscaler)",
        );
        for p in policies {
            if !cx.st.outcomes.contains_key(p.address()) {
                cx.drop(p, "not carried over (see its warning)");
            }
        }
        return;
    }
    let ns = cx.k8s_namespace();
    let mut body = OutBody::new();
    k8s::metadata(&mut body, app.clone(), Some(ns), None, None);
    let spec = body.block("spec");
    spec.set_opt(
        "min_replicas",
        cx.expr(r, "min_capacity").map(|e| numeric(cx, e)),
    );
    spec.set(
        "max_replicas",
        cx.expr(r, "max_capacity")
            .map(|e| numeric(cx, e))
            .unwrap_or(num(1)),
    );
    let tr = spec.block("scale_target_ref");
    tr.set("api_version", s("apps/v1"));
    tr.set("kind", s("Deployment"));
    tr.set("name", k8s::name_of(&dep));
    for m in metrics {
        spec.items.push(Item::Block(OutBlock {
            ident: "metric".into(),
            labels: vec![],
            body: m,
        }));
    }
    if scale_in.is_some() || scale_out.is_some() || no_scale_in {
        // The policies are Kubernetes' defaults (a scale_up/scale_down block needs one).
        let beh = spec.block("behavior");
        let up = beh.block("scale_up");
        up.set_opt("stabilization_window_seconds", scale_out.map(num));
        up.set("select_policy", s("Max"));
        for (ty, v) in [("Percent", 100), ("Pods", 4)] {
            let pb = up.block("policy");
            pb.set("type", s(ty));
            pb.set("value", num(v));
            pb.set("period_seconds", num(15));
        }
        let down = beh.block("scale_down");
        down.set_opt("stabilization_window_seconds", scale_in.map(num));
        if no_scale_in {
            down.set("select_policy", s("Disabled"));
        }
        let pb = down.block("policy");
        pb.set("type", s("Percent"));
        pb.set("value", num(100));
        pb.set("period_seconds", num(15));
    }
    let deployments = cx.st.outcomes.get(svc.address()).map_or(0, |o| {
        o.targets
            .iter()
            .filter(|t| t.starts_with("kubernetes_deployment_v1."))
            .count()
    });
    // A target bound to one instance (named `<name>_<key>`) scales that instance's Deployment.
    let one_instance = !r.address().ends_with(&format!(".{}", r.name));
    if deployments > 1 && !one_instance {
        warn(
            cx,
            Code::FeatureUnsupported,
            r,
            "resource_id",
            format!(
                "`{}` scales `{}`, which became {deployments} Deployments (one per instance); one HorizontalPodAutoscaler was written, for `{dep}`, and the other Deployments keep their desired count",
                r.address(),
                svc.address()
            ),
            "add a HorizontalPodAutoscaler per Deployment in the deployment stack",
        );
    }
    let addr = cx.emit(r, "kubernetes_horizontal_pod_autoscaler_v2", body);
    if let Some(ev) = &first {
        // One autoscaler, not one per instance of the target (their names would collide).
        bind_instance_of(ev, cx, &addr);
    }
    cx.note(
        r,
        format!(
            "HorizontalPodAutoscaler of `{dep}` ({} policy(ies) as metrics)",
            used.len()
        ),
    );
    for p in policies {
        if used.iter().any(|u| u.address() == p.address()) {
            cx.absorb(p, &addr, "a metric of the HorizontalPodAutoscaler");
        } else {
            cx.drop(p, "not carried over (see its warning)");
        }
        cx.export(
            p,
            "arn",
            Export::Unmapped("HorizontalPodAutoscaler metrics have no ARN".into()),
        );
    }
    if let Some(e) = cx.emitted_mut(&dep) {
        ignore_replicas(e);
    }
    cx.export(
        r,
        "resource_id",
        Export::Tmpl {
            target: addr.clone(),
            tmpl: "$T.id".into(),
        },
    );
    cx.diag(
        Diagnostic::new(
            Code::ProvidedByDefault,
            format!("`{}`: the HorizontalPodAutoscaler reads CPU and memory from the DOKS metrics server", r.address()),
        )
        .at(r.loc.clone())
        .resource(r.address())
        .help("the Deployment's `replicas` is ignored after creation (`lifecycle.ignore_changes`) so applies do not fight the autoscaler"),
    );
}

fn scaling_policy(r: &Resource, cx: &mut Cx<'_>) {
    if cx.st.outcomes.contains_key(r.address()) {
        return;
    }
    let target = target_of_policy(cx, r);
    if let Some(t) = target
        && service_of_target(cx, t).is_some()
    {
        // The target's rule records it (it runs in the same phase, possibly later).
        if !cx.st.outcomes.contains_key(t.address()) {
            scaling_target(t, cx);
            if cx.st.outcomes.contains_key(r.address()) {
                return;
            }
        } else {
            return;
        }
    }
    let unidentified_ecs = target.is_some_and(|t| {
        cx.str(t, "service_namespace").as_deref() == Some("ecs")
            && cx.origin_of_type(SERVICE).next().is_some()
    });
    cx.drop(
        r,
        if unidentified_ecs {
            "its scaling target names an ECS service Ferry cannot identify (see the target's warning); no HorizontalPodAutoscaler is written"
        } else {
            "Application Auto Scaling policies of resources other than ECS services have no DigitalOcean equivalent"
        },
    );
}

// ---- one ALB in front of several ECS services → an NGINX Ingress ---------------------------------

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
struct IngressPlan<'a> {
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
fn alb_ingress_path(p: &str) -> Option<(String, &'static str)> {
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
        return Some(super::lambda::ingress_path(&format!("{prefix}/{{proxy+}}")));
    }
    if p.contains('*') || p.contains('{') {
        return None;
    }
    Some((p.to_string(), "Exact"))
}

/// An ALB host pattern as an Ingress host: literal, or `*.` followed by a literal domain.
fn alb_ingress_host(h: &str) -> Option<String> {
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
fn ingress_plan<'a>(cx: &Cx<'a>, lbr: &Resource) -> Option<IngressPlan<'a>> {
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
fn ingress_for_lb(cx: &mut Cx<'_>, r: &Resource, lbr: &Resource, ns: Expression) {
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
    super::lambda::addon_note(
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

    fn e(t: &str) -> Expression {
        t.parse().expect("expression")
    }

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

    #[test]
    fn placeholders_rebuild_expressions() {
        let exprs = vec![e("aws_db_instance.db.address"), e("var.tag")];
        assert_eq!(placeholder_string("@@FERRY0@@", &exprs), exprs[0]);
        assert_eq!(
            hclx::inline(&placeholder_string("repo:@@FERRY1@@", &exprs)),
            "\"repo:${var.tag}\""
        );
        assert_eq!(placeholder_string("plain", &exprs), s("plain"));
    }

    #[test]
    fn heredoc_json_with_interpolations() {
        let tpl: Template = r#"[{"name": "api", "cpu": ${var.cpu}, "image": "${var.repo}:1"}]"#
            .parse()
            .expect("template");
        let j = template_json(&tpl, &|x| x.clone()).expect("json");
        let J::Arr(items) = j else { panic!("array") };
        assert_eq!(items[0].get("cpu"), Some(&J::Leaf(e("var.cpu"))));
        assert_eq!(
            items[0].get("image").map(J::expr).map(|x| hclx::inline(&x)),
            Some("\"${var.repo}:1\"".to_string())
        );
    }

    #[test]
    fn lifecycle_follows_the_deployment() {
        let b: Body = hcl::parse(
            "ignore_changes = [desired_count, task_definition]\ncreate_before_destroy = true\n",
        )
        .expect("body");
        let t = translate_lifecycle(&b).expect("kept");
        let text = hcl::format::to_string(&t).expect("formats");
        assert!(text.contains("spec[0].replicas"), "{text}");
        assert!(!text.contains("task_definition"), "{text}");
        assert!(text.contains("create_before_destroy"), "{text}");
    }
}
