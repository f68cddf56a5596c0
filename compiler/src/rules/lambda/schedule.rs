//! Scheduled invocations: an EventBridge (CloudWatch Events) schedule whose targets are functions
//! of the stack becomes a `kubernetes_cron_job_v1` that invokes each function's Knative Service.

use super::{
    CRON, CURL_IMAGE, INVOKE_PATH, appliance_namespace, dns_label, function_name_expr, obj, orphan,
    s, service_of, suspended, target_function,
};
use crate::FunctionsStrategy;
use crate::diag::{Code, Diagnostic};
use crate::hclx;
use crate::origin::Resource;
use crate::out::OutBody;
use crate::report::Outcome;
use crate::rules::{Cx, Export, OutcomeRec, catalog};
use hcl::Expression;

// ---- schedules ---------------------------------------------------------------------------------

/// Is this event rule a schedule whose targets are all functions of the stack?
fn schedule_targets<'a>(cx: &Cx<'a>, rule: &Resource) -> Option<Vec<&'a Resource>> {
    hclx::attr(&rule.body, "schedule_expression")?;
    let targets: Vec<&Resource> = cx
        .origin_of_type("aws_cloudwatch_event_target")
        .filter(|t| cx.referenced(t, "rule").is_some_and(|x| x == rule))
        .collect();
    let all_functions = !targets.is_empty()
        && targets
            .iter()
            .all(|t| target_function(cx, t, "arn").is_some());
    all_functions.then_some(targets)
}

pub(super) fn event_rule(r: &Resource, cx: &mut Cx<'_>) {
    // A schedule of ECS tasks: folded into their CronJobs by `rules::ecs`.
    let mut targets = cx
        .origin_of_type("aws_cloudwatch_event_target")
        .filter(|t| cx.referenced(t, "rule").is_some_and(|x| x == r))
        .peekable();
    if targets.peek().is_some()
        && targets.all(|t| crate::rules::ecs::scheduled_task(cx, t).is_some())
    {
        return;
    }
    let Some(targets) = schedule_targets(cx, r) else {
        if let Some(family) = catalog::lookup(&r.ty) {
            catalog::apply(family, r, cx);
        }
        return;
    };
    let _ = targets;
    let expr = cx.str(r, "schedule_expression").unwrap_or_default();
    if let Err(why) = schedule_to_cron(&expr) {
        cx.unsupported(
            r,
            Code::UnsupportedValue,
            format!(
                "the schedule `{expr}` of `{}` cannot be written as a Kubernetes cron schedule: {why}",
                r.address()
            ),
            "use a `rate(...)` expression, or a `cron(...)` expression without `L`, `W` or `#` (e.g. run daily and check the date in the function)",
        );
        return;
    }
    // Absorbed into the CronJobs its targets emit (they add themselves to `targets`).
    cx.st.outcomes.insert(
        r.address().to_string(),
        OutcomeRec {
            outcome: Outcome::Absorbed,
            targets: vec![],
            note: Some("the schedule of the CronJobs that invoke its target functions".into()),
        },
    );
    for attr in ["arn", "id", "name"] {
        cx.export(
            r,
            attr,
            Export::Unmapped("the schedule is part of the CronJobs that invoke its targets".into()),
        );
    }
}

pub(super) fn event_target(r: &Resource, cx: &mut Cx<'_>) {
    if crate::rules::ecs::scheduled_task(cx, r).is_some() {
        // Runs an ECS task: folded into its CronJob by `rules::ecs`.
        return;
    }
    let rule = cx.referenced(r, "rule");
    let schedule = rule.and_then(|x| schedule_targets(cx, x).map(|_| x));
    let (Some(rule), Some(f)) = (schedule, target_function(cx, r, "arn")) else {
        if let Some(family) = catalog::lookup(&r.ty) {
            catalog::apply(family, r, cx);
        }
        return;
    };
    let expr = hclx::attr(&rule.body, "schedule_expression")
        .and_then(|e| cx.eval.string(e))
        .unwrap_or_default();
    let Ok(cron) = schedule_to_cron(&expr) else {
        // The rule carries the error.
        cx.st.outcomes.insert(
            r.address().to_string(),
            OutcomeRec {
                outcome: Outcome::Unsupported,
                targets: vec![],
                note: Some(format!(
                    "the schedule of `{}` cannot be converted (see its error)",
                    rule.address()
                )),
            },
        );
        return;
    };
    // Disabled rules: a suspended CronJob (kept as an expression when not a literal).
    let suspend = suspended(&rule.body);
    if expr != cron.0 {
        cx.diag(
            Diagnostic::new(
                Code::ValueConverted,
                format!(
                    "`{}`: the schedule `{expr}` runs as the cron schedule `{}` (UTC){}",
                    rule.address(),
                    cron.0,
                    cron.1
                ),
            )
            .at(rule.loc_of("schedule_expression"))
            .resource(rule.address()),
        );
    }
    if hclx::attr(&r.body, "input_path").is_some()
        || !hclx::blocks(&r.body, "input_transformer").is_empty()
    {
        cx.diag(
            Diagnostic::new(
                Code::FeatureUnsupported,
                format!(
                    "`{}`: `input_path` and `input_transformer` are not carried over; the function receives the scheduled event",
                    r.address()
                ),
            )
            .at(r.loc.clone())
            .resource(r.address())
            .help("give the target a constant `input`, or read what you need in the function"),
        );
    }
    let input = cx.expr(r, "input").unwrap_or_else(|| {
        s("{\"version\":\"0\",\"source\":\"aws.events\",\"detail-type\":\"Scheduled Event\",\"detail\":{}}")
    });
    if cx.options.functions_strategy == FunctionsStrategy::Functions {
        cx.diag(
            Diagnostic::new(
                Code::FunctionDeployedByController,
                format!(
                    "`{}` runs `{}` on the schedule `{}`: the controller deploys it as a scheduled trigger of the DigitalOcean Function (`triggers` in the `doctl serverless` project)",
                    r.address(),
                    f.address(),
                    cron.0
                ),
            )
            .at(r.loc.clone())
            .resource(r.address())
            .help("scheduled triggers of DigitalOcean Functions are limited (3 per namespace while in preview); compile with `--functions knative` for Kubernetes CronJobs"),
        );
        cx.st.outcomes.insert(
            r.address().to_string(),
            OutcomeRec {
                outcome: Outcome::Mapped,
                targets: vec![],
                note: Some(format!(
                    "a scheduled trigger (`{}`) of the DigitalOcean Function, deployed by the controller",
                    cron.0
                )),
            },
        );
        return;
    }
    if service_of(cx, f).is_none() {
        return orphan(r, cx, "arn");
    }
    let namespace = appliance_namespace(cx);
    let svc = function_name_expr(cx, r, "arn", f);
    let url = hclx::template(format!(
        "http://{}.{}.svc.cluster.local{INVOKE_PATH}",
        hclx::to_template_part(&svc),
        hclx::to_template_part(&namespace)
    ));
    let timeout = cx.num(f, "timeout").unwrap_or(3.0).round() as u64;
    let rule_name = if rule.name == r.name {
        dns_label(&r.name)
    } else {
        dns_label(&format!("{}-{}", rule.name, r.name))
    };

    let mut body = OutBody::new();
    let meta = body.block("metadata");
    meta.set("name", s(&rule_name));
    meta.set("namespace", namespace);
    meta.set(
        "labels",
        obj(vec![("app.kubernetes.io/managed-by", s("ferry"))]),
    );
    let spec = body.block("spec");
    spec.set("schedule", s(&cron.0));
    spec.set("timezone", s("Etc/UTC"));
    spec.set("concurrency_policy", s("Allow"));
    spec.set_opt("suspend", suspend);
    let job = spec.block("job_template");
    job.block("metadata");
    let job_spec = job.block("spec");
    job_spec.set("backoff_limit", Expression::Number(2.into()));
    let pod = job_spec.block("template");
    pod.block("metadata");
    let pod_spec = pod.block("spec");
    pod_spec.set("restart_policy", s("Never"));
    let c = pod_spec.block("container");
    c.set("name", s("invoke"));
    c.set("image", s(CURL_IMAGE));
    c.set("command", Expression::Array(vec![s("sh"), s("-c")]));
    c.set(
        "args",
        Expression::Array(vec![s(&format!(
            "curl -fsS --max-time {} -X POST -H 'Content-Type: application/json' --data \"$EVENT\" \"$FUNCTION_URL\"",
            timeout + 10
        ))]),
    );
    let env = c.block("env");
    env.set("name", s("FUNCTION_URL"));
    env.set("value", url);
    let env = c.block("env");
    env.set("name", s("EVENT"));
    env.set("value", input);
    let addr = cx.emit(r, CRON, body);
    cx.note(
        r,
        format!(
            "a CronJob (`{}`, UTC) that POSTs the event to the function's Knative Service",
            cron.0
        ),
    );
    if let Some(rec) = cx.st.outcomes.get_mut(rule.address())
        && !rec.targets.contains(&addr)
    {
        rec.targets.push(addr);
    }
}

/// An EventBridge schedule expression as a Kubernetes cron schedule (5 fields, UTC), with a
/// remark on what changed; `Err` with the reason when it cannot be expressed.
pub fn schedule_to_cron(expr: &str) -> Result<(String, &'static str), String> {
    let expr = expr.trim();
    if let Some(inner) = expr.strip_prefix("rate(").and_then(|x| x.strip_suffix(')')) {
        let mut parts = inner.split_whitespace();
        let n: u64 = parts
            .next()
            .and_then(|n| n.parse().ok())
            .filter(|n| *n > 0)
            .ok_or_else(|| format!("`{inner}` is not a positive rate"))?;
        let unit = parts.next().unwrap_or_default().trim_end_matches('s');
        let (max, cron): (u64, fn(&str) -> String) = match unit {
            "minute" => (60, |e| format!("{e} * * * *")),
            "hour" => (24, |e| format!("0 {e} * * *")),
            "day" => (31, |e| format!("0 0 {e} * *")),
            other => return Err(format!("unknown rate unit `{other}`")),
        };
        let every = if n == 1 {
            "*".to_string()
        } else {
            format!("*/{n}")
        };
        let remark = if n > 1 && max % n != 0 {
            "; the interval restarts at each hour/day boundary"
        } else {
            ""
        };
        if n >= max {
            return Err(format!(
                "an interval of {n} {unit}s is longer than a cron field can repeat"
            ));
        }
        return Ok((cron(&every), remark));
    }
    let inner = expr
        .strip_prefix("cron(")
        .and_then(|x| x.strip_suffix(')'))
        .ok_or_else(|| "it is neither `rate(...)` nor `cron(...)`".to_string())?;
    let f: Vec<&str> = inner.split_whitespace().collect();
    let [min, hour, dom, month, dow, year] = f.as_slice() else {
        return Err("an EventBridge cron expression has six fields".into());
    };
    if !matches!(*year, "*" | "?") {
        return Err("Kubernetes cron schedules have no year field".into());
    }
    for field in [min, hour, dom, month, dow] {
        // Month and weekday names may contain the letters; the special characters may not.
        let mut rest = field.to_ascii_uppercase();
        for name in NAMES {
            rest = rest.replace(name, "");
        }
        if rest.contains(['L', 'W', '#']) {
            return Err(format!("`{field}` uses `L`, `W` or `#`"));
        }
    }
    let q = |x: &str| {
        if x == "?" {
            "*".to_string()
        } else {
            x.to_string()
        }
    };
    // EventBridge numbers weekdays 1–7 from Sunday; cron 0–6.
    let dow = q(dow);
    let dow_shifted: String = shift_weekdays(&dow)?;
    let remark = if dow_shifted != dow {
        "; weekdays renumbered from 1–7 to 0–6"
    } else {
        ""
    };
    Ok((
        format!("{min} {hour} {} {month} {dow_shifted}", q(dom)),
        remark,
    ))
}

const NAMES: &[&str] = &[
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC", "SUN",
    "MON", "TUE", "WED", "THU", "FRI", "SAT",
];

/// `2-6` (EventBridge, Sunday = 1) → `1-5` (cron, Sunday = 0); names are kept.
fn shift_weekdays(dow: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut num = String::new();
    let flush = |num: &mut String, out: &mut String| -> Result<(), String> {
        if num.is_empty() {
            return Ok(());
        }
        let n: u32 = num
            .parse()
            .map_err(|_| format!("`{num}` is not a weekday"))?;
        if !(1..=7).contains(&n) {
            return Err(format!("weekday `{n}` is outside 1–7"));
        }
        out.push_str(&(n - 1).to_string());
        num.clear();
        Ok(())
    };
    let mut after_slash = false;
    for c in dow.chars() {
        if c.is_ascii_digit() && !after_slash {
            num.push(c);
        } else {
            flush(&mut num, &mut out)?;
            if c == '/' {
                after_slash = true;
            } else if c == ',' {
                after_slash = false;
            }
            out.push(c);
        }
    }
    flush(&mut num, &mut out)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedules_become_cron() {
        let c = |e: &str| schedule_to_cron(e).map(|x| x.0);
        assert_eq!(c("rate(5 minutes)").as_deref(), Ok("*/5 * * * *"));
        assert_eq!(c("rate(1 minute)").as_deref(), Ok("* * * * *"));
        assert_eq!(c("rate(2 hours)").as_deref(), Ok("0 */2 * * *"));
        assert_eq!(c("rate(1 day)").as_deref(), Ok("0 0 * * *"));
        assert_eq!(c("cron(0 3 * * ? *)").as_deref(), Ok("0 3 * * *"));
        assert_eq!(c("cron(15 10 ? * 2-6 *)").as_deref(), Ok("15 10 * * 1-5"));
        assert_eq!(
            c("cron(0 8 ? * MON-FRI *)").as_deref(),
            Ok("0 8 * * MON-FRI")
        );
        assert_eq!(c("cron(0 8 ? * 1,7 *)").as_deref(), Ok("0 8 * * 0,6"));
        assert!(c("cron(0 8 L * ? *)").is_err());
        assert!(c("cron(0 8 ? * 6#3 *)").is_err());
        assert!(c("cron(0 8 * * ? 2030)").is_err());
        assert!(c("rate(0 minutes)").is_err());
        assert!(c("rate(90 minutes)").is_err());
        assert!(c("every day").is_err());
        assert!(c("cron(1 2 3)").is_err());
    }
}
