//! A task definition's containers → a Kubernetes pod spec: images, commands, ports, resources,
//! environment, health checks, volumes and rolling-update settings, with a note for every field
//! that has no counterpart.

use super::{
    J, as_arr, as_obj, db_master_secret, external_secret, jbool, jexpr, jnum, join_quoted, jstr,
    num, s, secret_env, secret_source, task_size, unrolled_env, warn,
};
use super::{k8s, lb};
use crate::diag::{Code, Diagnostic};
use crate::facts::workload as facts;
use crate::hclx;
use crate::origin::Resource;
use crate::out::Emitted;
use crate::rules::k8s::{Container, Env, EnvSource, PodSpec, Port, Probe, ProbeAction};
use crate::rules::{Cx, ecr};
use hcl::{Body, Expression};

/// A task definition's pod, with what the notes about it need.
pub(super) struct TaskPod {
    pub(super) pod: PodSpec,
    pub(super) loc: crate::source::Loc,
    pub(super) lost_fields: Vec<String>,
    pub(super) dropped_logs: bool,
    pub(super) non_essential: Vec<String>,
}

/// The pod of the task definition `td` (its container definitions `defs`), run by `r` (a
/// service, or the task definition itself): containers, init containers, secrets, the image
/// pull secret. No containers: an empty pod (the caller reports it).
pub(super) fn task_pod(
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
                            let cache = crate::rules::cache::auth_token_of(cx, &v)?;
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
                        let v = v.map(|v| crate::rules::s3::bucket_names(cx, &v));
                        let cache_host = v
                            .as_ref()
                            .and_then(|v| crate::rules::cache::host_of(cx, v))
                            .zip(cx.eval.string(&n));
                        // A secret of the stack is read from its Kubernetes Secret, not
                        // written into the Deployment's spec.
                        let token = v
                            .as_ref()
                            .and_then(|v| crate::rules::cache::auth_token_of(cx, v));
                        let source = if let Some(cache) = token {
                            EnvSource::SecretKey {
                                secret: k8s::name_of(&crate::rules::cache::password_secret(
                                    cx, cache,
                                )),
                                key: s("password"),
                            }
                        } else {
                            match v
                                .as_ref()
                                .and_then(|v| crate::rules::secrets::secret_key(cx, v))
                            {
                                Some((secret, key)) => EnvSource::SecretKey {
                                    secret,
                                    key: s(&key),
                                },
                                // A sensitive variable (`var.api_key`): into the workload's
                                // Secret, read by `secretKeyRef` (known gap #265).
                                None if v.as_ref().is_some_and(|v| {
                                    crate::rules::secrets::sensitive_variable(cx, v)
                                        && crate::rules::secrets::admin_password_of(
                                            cx,
                                            &crate::rules::secrets::database_passwords(cx, v),
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
                                    let v = v
                                        .map(|v| crate::rules::secrets::database_passwords(cx, &v));
                                    // A database's admin password is read from a Secret too.
                                    match v.as_ref().and_then(|v| {
                                        crate::rules::secrets::admin_password_of(cx, v)
                                    }) {
                                        Some(db) => EnvSource::SecretKey {
                                            secret: k8s::name_of(
                                                &crate::rules::secrets::master_user_secret(cx, db),
                                            ),
                                            key: s("password"),
                                        },
                                        None => {
                                            // A password inside a connection string: read
                                            // into a variable first, expanded by Kubernetes.
                                            let v = match v.as_ref().and_then(|v| {
                                                crate::rules::secrets::embedded_admin_passwords(
                                                    cx, v,
                                                )
                                            }) {
                                                Some((with_refs, dbs)) => {
                                                    for (var, db) in dbs {
                                                        if c.env.iter().any(|e| e.name == s(&var)) {
                                                            continue;
                                                        }
                                                        let secret = k8s::name_of(
                                                            &crate::rules::secrets::password_secret_of(
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
                            let pass = crate::rules::cache::password_name(&host_var);
                            let replaced = tokens
                                .iter()
                                .any(|(n, t)| *n == pass && t.address() == cache.address());
                            let given = if replaced {
                                told.push(pass.clone());
                                crate::rules::cache::Password::Replaced(&pass)
                            } else if declared.contains(&pass)
                                || c.env.iter().any(|e| e.name == s(&pass))
                            {
                                crate::rules::cache::Password::Own
                            } else {
                                let secret =
                                    k8s::name_of(&crate::rules::cache::password_secret(cx, cache));
                                c.env.push(Env {
                                    name: s(&pass),
                                    source: EnvSource::SecretKey {
                                        secret,
                                        key: s("password"),
                                    },
                                });
                                crate::rules::cache::Password::Given(&pass)
                            };
                            let tls = crate::rules::cache::tls_settings(&host_var, &declared);
                            crate::rules::cache::client_warning(
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
                            crate::rules::cache::replaced_note(
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
    crate::rules::s3::pod_access(
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
pub(super) fn pod_notes(
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
pub(super) fn stringify(e: Expression) -> Expression {
    match e {
        Expression::Number(n) => Expression::String(n.to_string()),
        Expression::Bool(b) => Expression::String(b.to_string()),
        other => other,
    }
}

/// A port as a number when written as a string.
pub(super) fn numeric(cx: &Cx<'_>, e: Expression) -> Expression {
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
pub(super) fn readiness_from_tg(
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
pub(super) fn rolling_update(cx: &mut Cx<'_>, r: &Resource) -> Option<k8s::RollingUpdate> {
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
pub(super) fn translate_lifecycle(body: &Body) -> Option<Body> {
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
pub(super) fn ignore_replicas(e: &mut Emitted) {
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

#[cfg(test)]
mod tests {
    use super::*;

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
