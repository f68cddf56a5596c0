//! Task definitions run by no service → CronJobs: scheduled (an EventBridge rule or a Scheduler
//! schedule runs them) or suspended, to run on demand (a one-off task such as a migration).

use super::{
    SERVICE, TASK_DEF, bind_instance, container_defs, ensure_cluster, join_quoted, num, pod_notes,
    s, task_def_of, task_pod, warn,
};
use crate::diag::{Code, Diagnostic};
use crate::hclx;
use crate::origin::{Mode, Resource};
use crate::out::{Item, OutBlock, OutBody};
use crate::report::Outcome;
use crate::rules::k8s;
use crate::rules::{Cx, Export, OutcomeRec};
use hcl::{Body, Expression};

pub(super) fn task_definition(r: &Resource, cx: &mut Cx<'_>) {
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
pub(in crate::rules) fn scheduled_task<'a>(cx: &Cx<'a>, r: &Resource) -> Option<&'a Resource> {
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

pub(super) fn scheduler_schedule(r: &Resource, cx: &mut Cx<'_>) {
    if scheduled_task(cx, r).is_some() {
        // Folded into the task's CronJob by the task definition rule (`one_off_task`).
        return;
    }
    if let Some(family) = crate::rules::catalog::lookup(&r.ty) {
        crate::rules::catalog::apply(family, r, cx);
    }
}

/// Is the task definition run by an ECS service of the stack?
pub(super) fn run_by_service(cx: &Cx<'_>, td: &Resource) -> bool {
    cx.origin_of_type(SERVICE)
        .any(|svc| task_def_of(cx, svc).is_some_and(|t| t.address() == td.address()))
}

/// The EventBridge targets and Scheduler schedules that run the task definition `td`.
pub(super) fn triggers_of<'a>(cx: &Cx<'a>, td: &Resource) -> Vec<&'a Resource> {
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
    let suspend = crate::rules::lambda::suspended(&holder.body);
    Some((holder, expr, suspend))
}

/// How many tasks one run starts (`task_count`), when static.
pub(super) fn task_count(cx: &Cx<'_>, t: &Resource) -> Option<i64> {
    ecs_params(t)
        .iter()
        .find_map(|p| hclx::attr(p, "task_count").and_then(|e| cx.eval.number(e)))
        .map(|n| n.round() as i64)
        .filter(|n| *n > 0)
}

/// A task definition no service runs → a CronJob (scheduled, or suspended to run on demand).
pub(super) fn one_off_task(r: &Resource, cx: &mut Cx<'_>) {
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
        match crate::rules::lambda::schedule_to_cron(&expr) {
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

pub(super) fn task_definition_data(r: &Resource, cx: &mut Cx<'_>) {
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
