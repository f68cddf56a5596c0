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
//!
//! This file maps services (`service`, `service_one`); the pieces are in files of their own:
//! `defs` (container definitions read as a tree), `pod` (a task's containers → a pod spec),
//! `secrets` (container secrets → `secretKeyRef`s), `cluster` (the DOKS cluster and its
//! sizing), `exposure` (load balancers → Services), `ingress` (one ALB → an NGINX Ingress),
//! `tasks` (task definitions no service runs → CronJobs) and `autoscaling` (→
//! HorizontalPodAutoscalers).

use super::k8s::{self, Port};
use super::lb::{self, TG_TYPES};
use super::{Cx, Export, Phase, RuleDef};
use crate::diag::{Code, Diagnostic};
use crate::facts::workload as facts;
use crate::hclx;
use crate::origin::{Mode, Resource};
use hcl::expr::TraversalOperator as Op;
use hcl::{Body, Expression, Value};

mod autoscaling;
mod cluster;
mod defs;
mod exposure;
mod ingress;
mod pod;
mod secrets;
mod tasks;

use autoscaling::{bind_body, instance_name, scaling_policy, scaling_target};
pub use cluster::module_demand;
use cluster::{account_setting, capacity, cluster, cluster_data, ensure_cluster};
pub(super) use cluster::{capacity_provider_of, planned_cluster};
use defs::{J, as_arr, as_obj, container_defs, jbool, jexpr, jnum, jstr, unrolled_env};
use exposure::{
    LbTarget, absorb_load_balancers, cluster_ip_service, lb_owner, lb_pieces, lb_service,
    lbs_of_tg, plain_meta, port_split, sticky_of,
};
use ingress::{ingress_for_lb, ingress_plan};
use pod::{
    TaskPod, ignore_replicas, numeric, pod_notes, readiness_from_tg, rolling_update, stringify,
    task_pod, translate_lifecycle,
};
use secrets::{db_master_secret, external_secret, secret_env, secret_source};
pub(super) use tasks::scheduled_task;
use tasks::{
    run_by_service, scheduler_schedule, task_count, task_definition, task_definition_data,
    triggers_of,
};

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

// ---- services ------------------------------------------------------------------------------------

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
