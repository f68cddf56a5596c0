//! Containers: `ecs` (v5) and its `//modules/cluster` and `//modules/service`.

use super::{B, Builder, entries, get, known_keys, num, rref, s};
use crate::hclx;
use crate::rules::sanitize_name;
use hcl::Expression;

/// Container definition inputs of the ecs module (snake_case) → ECS JSON keys (what the
/// `aws_ecs_task_definition` rule reads from `jsonencode([...])`).
const ECS_CONTAINER_KEYS: &[(&str, &str)] = &[
    ("image", "image"),
    ("cpu", "cpu"),
    ("memory", "memory"),
    ("memory_reservation", "memoryReservation"),
    ("essential", "essential"),
    ("port_mappings", "portMappings"),
    ("environment", "environment"),
    ("secrets", "secrets"),
    ("command", "command"),
    ("entrypoint", "entryPoint"),
    ("entry_point", "entryPoint"),
    ("health_check", "healthCheck"),
    ("readonly_root_filesystem", "readonlyRootFilesystem"),
    ("user", "user"),
    ("working_directory", "workingDirectory"),
    ("dependencies", "dependsOn"),
    ("stop_timeout", "stopTimeout"),
];

fn obj(entries: Vec<(&str, Expression)>) -> Expression {
    let mut o = hcl::Object::new();
    for (k, v) in entries {
        o.insert(
            hcl::ObjectKey::Expression(Expression::String(k.to_string())),
            v,
        );
    }
    Expression::Object(o)
}

/// ecs v5: the cluster, and per entry of `services` a task definition and a service (the ECS
/// rules map them to a Deployment and a Service on DOKS). `//modules/cluster` is the cluster
/// alone, `//modules/service` one service whose inputs are the call's.
pub(super) fn ecs(b: &mut Builder<'_>, sub: Option<&str>) -> Option<()> {
    match sub {
        None => {
            let cluster = ecs_cluster(b);
            if let Some(services) = b.input_literal("services") {
                for (key, svc) in entries(&services) {
                    let cluster_ref = cluster.as_ref().map(|c| rref(c, "id"));
                    ecs_service(b, &key, &|k| get(&svc, k), cluster_ref);
                }
            }
            b.out_unmapped(
                "services",
                "read the services' Deployments (`kubernetes_deployment_v1`) in the deployment stack",
            );
        }
        Some("modules/cluster") => {
            ecs_cluster(b);
        }
        Some("modules/service") => {
            let key = b.base();
            let call = b.call;
            let eval = b.eval;
            let cluster = b.input("cluster_arn");
            b.understood(&[
                "name",
                "cpu",
                "memory",
                "container_definitions",
                "desired_count",
                "load_balancer",
                "subnet_ids",
                "security_group_ids",
                "security_group_rules",
                "assign_public_ip",
                "launch_type",
                "enable_autoscaling",
                "autoscaling_min_capacity",
                "autoscaling_max_capacity",
            ]);
            let (td, svc) = ecs_service(
                b,
                &key,
                &|k| {
                    hclx::attr(&call.body, k)
                        .filter(|e| !matches!(e, Expression::Null))
                        .map(|e| known_keys(eval, e))
                },
                cluster,
            );
            b.out("id", &svc, "id");
            b.out("name", &svc, "name");
            b.out("task_definition_arn", &td, "arn");
            b.out("task_definition_family", &td, "family");
        }
        Some(_) => return None,
    }
    b.understood(&["tags", "putin_khuylo"]);
    b.absorb_matching(
        |k| {
            k.starts_with("cluster_")
                || k.starts_with("cloudwatch_")
                || k.starts_with("create_cloudwatch")
                || k.contains("capacity_provider")
                || k.starts_with("task_exec")
                || k.starts_with("create_task_exec")
                || k.starts_with("tasks_iam")
                || k.starts_with("iam_role")
        },
        "cluster settings, capacity providers, logs and IAM roles: the services run on the stack's DOKS cluster",
    );
    Some(())
}

fn ecs_cluster(b: &mut Builder<'_>) -> Option<String> {
    if !b.created(&["create", "create_cluster"]) {
        return None;
    }
    let mut body = B::new();
    let name = b.input("cluster_name").unwrap_or_else(|| s(&b.call.name));
    body.set("name", name);
    let c = b.resource("aws_ecs_cluster", &b.base(), body);
    // EC2 capacity providers (`autoscaling_capacity_providers = { key = {
    // auto_scaling_group_arn = … } }`): the Auto Scaling groups they name are the cluster's
    // container instances, which the `aws_ecs_capacity_provider` rule and the Auto Scaling
    // group rule fold into the DOKS node pool instead of making droplets of them.
    if let Some(cps) = b.input_literal("autoscaling_capacity_providers") {
        for (key, cp) in entries(&cps) {
            let Some(arn) = get(&cp, "auto_scaling_group_arn") else {
                continue;
            };
            let mut provider = B::new();
            provider.set("auto_scaling_group_arn", arn);
            let mut body = B::new();
            body.set("name", get(&cp, "name").unwrap_or_else(|| s(&key)));
            body.block("auto_scaling_group_provider", provider);
            let name = format!("{}_{}", b.base(), sanitize_name(&key));
            b.resource("aws_ecs_capacity_provider", &name, body);
        }
    }
    b.out("cluster_arn", &c, "arn");
    b.out("cluster_id", &c, "id");
    b.out("cluster_name", &c, "name");
    Some(c)
}

/// One service of the ecs module: its task definition and service, from the service's
/// settings (`get`). Returns their addresses.
fn ecs_service(
    b: &mut Builder<'_>,
    key: &str,
    get: &dyn Fn(&str) -> Option<Expression>,
    cluster: Option<Expression>,
) -> (String, String) {
    let name = sanitize_name(key);
    let mut containers = Vec::new();
    if let Some(defs) = get("container_definitions") {
        for (cname, c) in entries(&defs) {
            let mut fields: Vec<(&str, Expression)> =
                vec![("name", self::get(&c, "name").unwrap_or_else(|| s(&cname)))];
            for (from, to) in ECS_CONTAINER_KEYS {
                if fields.iter().any(|(k, _)| k == to) {
                    continue;
                }
                if let Some(v) = self::get(&c, from) {
                    fields.push((to, v));
                }
            }
            // The module's defaults: essential, and a read-only root file system.
            for (k, default) in [
                ("essential", Expression::Bool(true)),
                ("readonlyRootFilesystem", Expression::Bool(true)),
            ] {
                if !fields.iter().any(|(f, _)| *f == k) {
                    fields.push((k, default));
                }
            }
            containers.push(obj(fields));
        }
    }
    let mut jsonencode = hcl::FuncCall::new(hcl::Identifier::unchecked("jsonencode"));
    jsonencode.args = vec![Expression::Array(containers)];
    let mut td = B::new();
    td.set("family", get("family").unwrap_or_else(|| s(key)));
    td.set("cpu", get("cpu").unwrap_or_else(|| num(1024)));
    td.set("memory", get("memory").unwrap_or_else(|| num(2048)));
    td.set("network_mode", s("awsvpc"));
    td.set(
        "requires_compatibilities",
        Expression::Array(vec![s("FARGATE")]),
    );
    td.set(
        "container_definitions",
        Expression::FuncCall(Box::new(jsonencode)),
    );
    let td = b.resource("aws_ecs_task_definition", &name, td);

    let mut svc = B::new();
    svc.set("name", get("name").unwrap_or_else(|| s(key)));
    svc.set_opt("cluster", cluster);
    svc.set("task_definition", rref(&td, "arn"));
    svc.set(
        "desired_count",
        get("desired_count").unwrap_or_else(|| num(1)),
    );
    svc.set(
        "launch_type",
        get("launch_type").unwrap_or_else(|| s("FARGATE")),
    );
    if let Some(lbs) = get("load_balancer") {
        for (_, lb) in entries(&lbs) {
            let mut block = B::new();
            block.set_opt("target_group_arn", self::get(&lb, "target_group_arn"));
            block.set_opt("container_name", self::get(&lb, "container_name"));
            block.set_opt("container_port", self::get(&lb, "container_port"));
            svc.block("load_balancer", block);
        }
    }
    let svc = b.resource("aws_ecs_service", &name, svc);
    if get("enable_autoscaling").is_none_or(|e| !matches!(e, Expression::Bool(false))) {
        // The module scales every service by default (1–10 tasks on CPU and memory).
        ecs_autoscaling(b, &name, &svc, get);
    }
    (td, svc)
}

/// The module's default autoscaling of a service: a target (min/max capacity) and CPU and
/// memory target-tracking policies at 75 % (what the ECS rule maps to an HPA).
fn ecs_autoscaling(
    b: &mut Builder<'_>,
    name: &str,
    svc: &str,
    get: &dyn Fn(&str) -> Option<Expression>,
) {
    let mut t = B::new();
    t.set(
        "min_capacity",
        get("autoscaling_min_capacity").unwrap_or_else(|| num(1)),
    );
    t.set(
        "max_capacity",
        get("autoscaling_max_capacity").unwrap_or_else(|| num(10)),
    );
    t.set(
        "resource_id",
        hclx::template(format!(
            "service/${{{}}}/${{{}}}",
            hclx::inline(&rref(svc, "cluster")),
            hclx::inline(&rref(svc, "name"))
        )),
    );
    t.set("scalable_dimension", s("ecs:service:DesiredCount"));
    t.set("service_namespace", s("ecs"));
    let target = b.resource("aws_appautoscaling_target", name, t);
    for (metric, label) in [
        ("ECSServiceAverageCPUUtilization", "cpu"),
        ("ECSServiceAverageMemoryUtilization", "memory"),
    ] {
        let mut spec = B::new();
        spec.set("predefined_metric_type", s(metric));
        let mut cfg = B::new();
        cfg.block("predefined_metric_specification", spec);
        cfg.set("target_value", num(75));
        let mut p = B::new();
        p.set("name", s(&format!("{name}-{label}")));
        p.set("policy_type", s("TargetTrackingScaling"));
        p.set("resource_id", rref(&target, "resource_id"));
        p.set("scalable_dimension", rref(&target, "scalable_dimension"));
        p.set("service_namespace", rref(&target, "service_namespace"));
        p.block("target_tracking_scaling_policy_configuration", cfg);
        b.resource("aws_appautoscaling_policy", &format!("{name}_{label}"), p);
    }
}
