//! CloudWatch metric alarms → `digitalocean_monitor_alert` (and, on a Route 53 health check,
//! `digitalocean_uptime_alert`), and Auto Scaling attachments.

use super::{drop_with, mapped_target, target_attr, warn};
use crate::diag::Code;
use crate::facts::catalog as facts;
use crate::hclx;
use crate::origin::Resource;
use crate::out::OutBody;
use crate::report::Outcome;
use crate::rules::{Cx, Export};
use hcl::Expression;

/// The `endpoint`s of the `email` subscriptions of the SNS topics in an alarm's `alarm_actions`:
/// who the alarm e-mailed, for the DigitalOcean alert's `alerts.email`.
fn alarm_emails(r: &Resource, cx: &Cx<'_>) -> Vec<Expression> {
    let Some(actions) = hclx::attr(&r.body, "alarm_actions") else {
        return vec![];
    };
    let mut topics: Vec<String> = Vec::new();
    hclx::walk(actions, &mut |x| {
        if let Some(("aws_sns_topic", [hcl::expr::TraversalOperator::GetAttr(n), ..])) =
            hclx::traversal_root(x)
            && !topics.iter().any(|t| t == n.as_str())
        {
            topics.push(n.to_string());
        }
    });
    let mut emails: Vec<Expression> = Vec::new();
    for sub in cx.origin_of_type("aws_sns_topic_subscription") {
        if sub.meta.is_repeated() {
            continue;
        }
        let to_topic = hclx::attr(&sub.body, "topic_arn")
            .and_then(|e| cx.resolve_ref(e))
            .is_some_and(|t| t.ty == "aws_sns_topic" && topics.contains(&t.name));
        let email = hclx::attr(&sub.body, "protocol").and_then(|e| cx.eval.string(e))
            == Some("email".into());
        if to_topic
            && email
            && let Some(endpoint) = hclx::attr(&sub.body, "endpoint")
            && !emails.contains(endpoint)
        {
            emails.push(endpoint.clone());
        }
    }
    emails
}

pub(super) fn metric_alarm(r: &Resource, cx: &mut Cx<'_>) {
    let namespace = cx.str(r, "namespace").unwrap_or_default();
    let metric = cx.str(r, "metric_name").unwrap_or_default();
    let dims = hclx::attr(&r.body, "dimensions").and_then(hclx::object_to_body);
    let dim = |k: &str| dims.as_ref().and_then(|b| hclx::attr(b, k).cloned());
    // The status of a Route 53 health check of the stack: an alert of its uptime check.
    if (namespace.as_str(), metric.as_str()) == ("AWS/Route53", "HealthCheckStatus")
        && let Some(check) = dim("HealthCheckId")
        && cx
            .resolve_ref(&check)
            .is_some_and(|c| c.ty == "aws_route53_health_check" && !c.meta.is_repeated())
    {
        uptime_alert(r, cx, check);
        return;
    }
    // (alert type, entity expression) for the alarms DigitalOcean can express directly.
    let mut droplet: Option<(Resource, String)> = None;
    let mapped: Option<(&str, Expression)> = match (namespace.as_str(), metric.as_str()) {
        ("AWS/EC2", "CPUUtilization") => dim("InstanceId").and_then(|e| {
            droplet = mapped_target(cx, &e, "digitalocean_droplet.");
            droplet
                .as_ref()
                .map(|_| ("v1/insights/droplet/cpu", e.clone()))
        }),
        ("AWS/RDS", "CPUUtilization") => dim("DBInstanceIdentifier")
            .or_else(|| dim("DBClusterIdentifier"))
            .and_then(|e| mapped_target(cx, &e, "digitalocean_database_cluster."))
            .and_then(|(_, t)| target_attr(cx, &t, "id"))
            .map(|e| ("v1/dbaas/alerts/cpu_alerts", e)),
        _ => None,
    };
    let compare = match cx.str(r, "comparison_operator").as_deref() {
        Some("GreaterThanThreshold" | "GreaterThanOrEqualToThreshold") => Some("GreaterThan"),
        Some("LessThanThreshold" | "LessThanOrEqualToThreshold") => Some("LessThan"),
        _ => None,
    };
    let threshold = cx.num(r, "threshold");
    let (Some((alert_type, entity)), Some(compare), Some(threshold)) = (mapped, compare, threshold)
    else {
        let what = if namespace.is_empty() {
            "this alarm (metric math or anomaly detection)".to_string()
        } else {
            format!("`{namespace}` `{metric}`")
        };
        let note = format!(
            "DigitalOcean alerts are mapped only for CPU of a droplet or database of the stack; {what} was not carried over"
        );
        drop_with(r, cx, &note);
        warn(
            cx,
            r,
            "metric_name",
            Code::FeatureUnsupported,
            format!(
                "alarm `{}` on {what} has no DigitalOcean alert; it was dropped",
                r.address()
            ),
            "recreate it as a `digitalocean_monitor_alert` (droplet, load balancer and database metrics) or a `digitalocean_uptime_check`, or watch it in the Ferry dashboard",
        );
        return;
    };
    let period = cx.num(r, "period").unwrap_or(300.0).max(0.0);
    let periods = cx.num(r, "evaluation_periods").unwrap_or(1.0).max(1.0);
    let seconds = (period * periods).min(u32::MAX as f64) as u32;
    let (window, exact) = facts::alert_window(seconds);
    if !exact {
        warn(
            cx,
            r,
            "period",
            Code::NearestMatch,
            format!(
                "alarm `{}` evaluates {seconds}s (period × evaluation_periods); the DigitalOcean alert window is `{window}`",
                r.address()
            ),
            "DigitalOcean alert windows are 5m, 10m, 30m or 1h",
        );
    }
    let mut body = OutBody::new();
    body.set(
        "description",
        cx.expr(r, "alarm_description")
            .or_else(|| cx.expr(r, "alarm_name"))
            .unwrap_or_else(|| Expression::String(r.name.clone())),
    );
    body.set("type", Expression::String(alert_type.into()));
    body.set("compare", Expression::String(compare.into()));
    body.set(
        "value",
        Expression::Number(hcl::Number::from_f64(threshold).unwrap_or(0.into())),
    );
    body.set("window", Expression::String(window.into()));
    body.set("entities", Expression::Array(vec![entity]));
    body.set_opt("enabled", cx.expr(r, "actions_enabled"));
    body.set("tags", cx.tags());
    // The addresses the alarm's SNS topics e-mailed (their `email` subscriptions).
    let emails = alarm_emails(r, cx);
    body.block("alerts")
        .set("email", Expression::Array(emails.clone()));
    let addr = cx.emit(r, "digitalocean_monitor_alert", body);
    cx.note(
        r,
        "DigitalOcean alert policies also select resources by tag: this alert covers every droplet or database carrying the appliance's instance-id tag",
    );
    // Droplet metrics come from the DigitalOcean metrics agent (`monitoring = true`).
    if let Some((origin, target)) = droplet {
        let kept = cx.st.outcomes.get(origin.address()).map(|o| o.outcome) == Some(Outcome::Kept);
        let on = cx
            .st
            .find(&target)
            .and_then(|e| e.body.get("monitoring"))
            .is_some_and(|m| matches!(m, Expression::Bool(true)));
        if !on && kept {
            warn(
                cx,
                r,
                "dimensions",
                Code::FeatureUnsupported,
                format!(
                    "the alert of `{}` needs the metrics agent on `{target}`",
                    r.address()
                ),
                "set `monitoring = true` on the droplet so DigitalOcean collects its CPU metrics",
            );
        } else if !on && let Some(e) = cx.emitted_mut(&target) {
            e.body.set("monitoring", Expression::Bool(true));
        }
    }
    if hclx::attr(&r.body, "alarm_actions").is_some() && emails.is_empty() {
        warn(
            cx,
            r,
            "alarm_actions",
            Code::FeatureUnsupported,
            format!(
                "the actions of alarm `{}` (SNS topics, scaling policies) are not carried over; the alert notifies nobody yet",
                r.address()
            ),
            "add e-mail addresses or a Slack channel to the alert's `alerts` block (in the origin, as a `digitalocean_monitor_alert`, or after compiling)",
        );
    }
    cx.export(
        r,
        "arn",
        Export::Attr {
            target: addr.clone(),
            attr: "uuid".into(),
        },
    );
    cx.export(
        r,
        "alarm_name",
        Export::Attr {
            target: addr.clone(),
            attr: "description".into(),
        },
    );
    cx.export(
        r,
        "id",
        Export::Attr {
            target: addr,
            attr: "id".into(),
        },
    );
}

/// An alarm on the status of a Route 53 health check (`AWS/Route53` `HealthCheckStatus`) →
/// a `digitalocean_uptime_alert` of type `down` on the check's uptime check, e-mailing the
/// addresses the alarm's SNS topics e-mailed (known gap #268). Without any, the alert would
/// notify nobody: it is dropped with a warning.
fn uptime_alert(r: &Resource, cx: &mut Cx<'_>, check: Expression) {
    let emails = alarm_emails(r, cx);
    if emails.is_empty() {
        drop_with(
            r,
            cx,
            "an uptime alert must notify someone, and the alarm's actions e-mail nobody",
        );
        warn(
            cx,
            r,
            "alarm_actions",
            Code::FeatureUnsupported,
            format!(
                "alarm `{}` watches a health check, which became a DigitalOcean uptime check, but its actions e-mail nobody (no SNS topic with an `email` subscription); an uptime alert needs an e-mail address or a Slack channel, so it was dropped",
                r.address()
            ),
            "subscribe an e-mail address to the alarm's SNS topic, or add a `digitalocean_uptime_alert` with a Slack channel after compiling",
        );
        return;
    }
    let period = cx.num(r, "period").unwrap_or(60.0).max(0.0);
    let periods = cx.num(r, "evaluation_periods").unwrap_or(1.0).max(1.0);
    let seconds = (period * periods).min(u32::MAX as f64) as u32;
    let (window, exact) = facts::uptime_period(seconds);
    if !exact {
        warn(
            cx,
            r,
            "period",
            Code::NearestMatch,
            format!(
                "alarm `{}` evaluates {seconds}s (period × evaluation_periods); the uptime alert's period is `{window}`",
                r.address()
            ),
            "DigitalOcean uptime alert periods are 2m, 3m, 5m, 10m, 15m, 30m or 1h",
        );
    }
    let mut body = OutBody::new();
    let name = cx.unique_name(r, cx.expr(r, "alarm_name"), &r.name);
    body.set("name", name);
    body.set("check_id", check);
    body.set("type", Expression::String("down".into()));
    body.set("period", Expression::String(window.into()));
    body.block("notifications")
        .set("email", Expression::Array(emails));
    let addr = cx.emit(r, "digitalocean_uptime_alert", body);
    cx.note(
        r,
        "an alert of type `down` on the health check's uptime check, e-mailing the addresses of the alarm's SNS topics",
    );
    for (attr, to) in [("id", "id"), ("alarm_name", "name")] {
        cx.export(
            r,
            attr,
            Export::Attr {
                target: addr.clone(),
                attr: to.into(),
            },
        );
    }
    cx.export(
        r,
        "arn",
        Export::Unmapped("a DigitalOcean uptime alert has no ARN".into()),
    );
}

/// The emitted target of the autoscaling group `r` names (`autoscaling_group_name = aws_autoscaling_group.x.name`).
fn asg_target(cx: &Cx<'_>, r: &Resource) -> Option<String> {
    let group = cx.referenced(r, "autoscaling_group_name")?;
    cx.st
        .outcomes
        .get(group.address())?
        .targets
        .first()
        .cloned()
}

pub(super) fn autoscaling_attachment(r: &Resource, cx: &mut Cx<'_>) {
    match asg_target(cx, r) {
        Some(pool) => {
            let lbs = cx
                .referenced(r, "autoscaling_group_name")
                .map(|g| crate::rules::lb::pool_lbs(cx, g))
                .unwrap_or_default();
            let note = if lbs.is_empty() {
                "a DigitalOcean load balancer reaches an autoscale pool's droplets by tag (`droplet_tag`); the load balancer is not part of the stack, so give it the tag of the pool's droplets".to_string()
            } else {
                format!(
                    "the pool's droplets carry the tag that {} target(s) with `droplet_tag`",
                    lbs.iter()
                        .map(|l| format!("`{}`", l.address()))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            cx.absorb(r, &pool, note)
        }
        None => drop_with(
            r,
            cx,
            "its autoscaling group is not mapped; a DigitalOcean load balancer reaches droplets by tag (`droplet_tag`)",
        ),
    }
}
