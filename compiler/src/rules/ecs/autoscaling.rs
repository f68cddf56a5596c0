//! Application Auto Scaling of services → HorizontalPodAutoscalers: target-tracking policies on
//! CPU and memory become its metrics; step scaling policies are reported.

use super::{
    SCALING_POLICY, SCALING_TARGET, SERVICE, ignore_replicas, num, numeric, s, service_of_target,
    warn,
};
use super::{k8s, lb};
use crate::diag::{Code, Diagnostic};
use crate::eval::Eval;
use crate::facts::workload as facts;
use crate::hclx;
use crate::origin::Resource;
use crate::out::{Item, OutBlock, OutBody};
use crate::report::Outcome;
use crate::rules::{Cx, Export, OutcomeRec};
use hcl::expr::TraversalOperator as Op;
use hcl::{Body, Expression, Value};

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
pub(super) fn bind_body(ev: &Eval, body: &Body) -> Option<Body> {
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
pub(super) fn instance_name(r: &Resource, key: &Value) -> String {
    let label = match key {
        Value::String(k) => k.clone(),
        other => other.to_string(),
    };
    crate::rules::sanitize_name(&format!("{}_{label}", r.name))
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

pub(super) fn scaling_target(r: &Resource, cx: &mut Cx<'_>) {
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
pub(super) fn autoscaler(
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

pub(super) fn scaling_policy(r: &Resource, cx: &mut Cx<'_>) {
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
