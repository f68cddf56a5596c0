//! `/v2/monitoring`: alert policies, and metrics — every droplet, load balancer, database and
//! droplet-autoscale series the spec lists — as plausible, deterministic series in the
//! Prometheus matrix shape DigitalOcean answers with.
//!
//! A series is a function of (metric, resource, labels, time): the same query always gives the
//! same numbers, and nothing is stored. CPU is a set of per-mode counters (seconds, growing),
//! as DigitalOcean's droplet CPU metric is; other metrics are gauges that wave around a level
//! typical of their kind. A resource that does not exist gives an empty result, as DigitalOcean
//! does. DOKS nodes are droplets: their `droplet_id` works as `host_id`.

use super::{R, Routes, s, set, str_list, uuid};
use crate::ctx::{Body, Ctx};
use crate::error::DoError;
use crate::spec::SpecData;
use axum::extract::Path;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

pub(crate) fn routes(r: Routes) -> Routes {
    let mut r = r
        .at("GET /v2/monitoring/alerts", list_alerts)
        .at("POST /v2/monitoring/alerts", create_alert)
        .at("GET /v2/monitoring/alerts/{alert_uuid}", get_alert)
        .at("PUT /v2/monitoring/alerts/{alert_uuid}", update_alert)
        .at("DELETE /v2/monitoring/alerts/{alert_uuid}", delete_alert);
    let Ok(spec) = SpecData::get() else { return r };
    for key in spec.operations.keys() {
        if let Some(path) = key.strip_prefix("GET /v2/monitoring/metrics/") {
            let metric: &'static str = Box::leak(path.to_string().into_boxed_str());
            r = r.at(key, move |ctx: Ctx| metrics(ctx, metric));
        }
    }
    r
}

// ---- alert policies ------------------------------------------------------------------------

async fn list_alerts(ctx: Ctx) -> R {
    let docs = ctx.store().list("alert").await?;
    Ok(ctx.list("policies", docs))
}

fn alert_doc(ctx: &Ctx, uuid: &str, b: &Map<String, Value>) -> Value {
    let mut a = ctx.spec().template("alert_policy");
    for k in [
        "alerts",
        "compare",
        "description",
        "enabled",
        "entities",
        "tags",
        "type",
        "value",
        "window",
    ] {
        set(&mut a, k, b.get(k).cloned().unwrap_or(Value::Null));
    }
    set(&mut a, "uuid", uuid);
    a
}

async fn check_entities(ctx: &Ctx, b: &Map<String, Value>) -> Result<(), DoError> {
    let ty = s(b, "type").unwrap_or_default();
    let kind = if ty.contains("/droplet/") {
        "droplet"
    } else if ty.contains("/lbaas/") {
        "lb"
    } else if ty.contains("/dbaas/") {
        "database"
    } else {
        return Ok(());
    };
    for (i, e) in str_list(b.get("entities")).iter().enumerate() {
        if ctx.store().get(kind, e).await?.is_none() {
            return Err(DoError::unprocessable(format!(
                "`entities[{i}]`: {kind} {e} does not exist"
            )));
        }
    }
    Ok(())
}

async fn create_alert(ctx: Ctx, Body(b): Body) -> R {
    check_entities(&ctx, &b).await?;
    let tags = super::tags_from(&b, "tags")?;
    let id = uuid();
    let a = alert_doc(&ctx, &id, &b);
    let mut tx = ctx.store().begin().await?;
    super::ensure_tags(&mut tx, &tags).await?;
    tx.put("alert", &id, "", &a).await?;
    tx.commit().await?;
    Ok(ctx.reply("policy", a))
}

async fn get_alert(ctx: Ctx, Path(id): Path<String>) -> R {
    let a = ctx
        .store()
        .get("alert", &id)
        .await?
        .ok_or_else(DoError::not_found)?;
    Ok(ctx.reply("policy", a))
}

async fn update_alert(ctx: Ctx, Path(id): Path<String>, Body(b): Body) -> R {
    check_entities(&ctx, &b).await?;
    let tags = super::tags_from(&b, "tags")?;
    let mut tx = ctx.store().begin().await?;
    if tx.get("alert", &id).await?.is_none() {
        return Err(DoError::not_found());
    }
    super::ensure_tags(&mut tx, &tags).await?;
    let a = alert_doc(&ctx, &id, &b);
    tx.put("alert", &id, "", &a).await?;
    tx.commit().await?;
    Ok(ctx.reply("policy", a))
}

async fn delete_alert(ctx: Ctx, Path(id): Path<String>) -> R {
    let mut tx = ctx.store().begin().await?;
    if !tx.delete("alert", &id).await? {
        return Err(DoError::not_found());
    }
    tx.commit().await?;
    Ok(ctx.no_content())
}

// ---- metrics ----------------------------------------------------------------------------

/// Most points a query returns (the step grows with the range).
const MAX_POINTS: i64 = 240;

fn unix_arg(ctx: &Ctx, name: &str) -> Result<i64, DoError> {
    let v = ctx.q(name).unwrap_or_default();
    v.parse::<i64>().map_err(|_| {
        DoError::bad_request(format!(
            "query parameter `{name}`: `{v}` is not a Unix time in seconds"
        ))
    })
}

/// A number in [0, 1) from a key (stable across runs and platforms).
fn unit(key: &str) -> f64 {
    let d = Sha256::digest(key.as_bytes());
    let n = u64::from_be_bytes([d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]]);
    (n >> 11) as f64 / (1u64 << 53) as f64
}

/// A gauge around `level`, waving by `spread` (both in the metric's unit).
fn wave(key: &str, t: i64, level: f64, spread: f64) -> f64 {
    let phase = unit(key) * std::f64::consts::TAU;
    let period = 3600.0 * (1.0 + 5.0 * unit(&format!("{key}/p")));
    #[allow(clippy::cast_precision_loss)]
    let t = t as f64;
    let slow = (t / period * std::f64::consts::TAU + phase).sin();
    let fast = (t / 300.0 * std::f64::consts::TAU + 2.0 * phase).sin() * 0.25;
    (level + spread * (slow + fast) / 1.25).max(0.0)
}

/// CPU seconds spent in one mode up to `t`: grows at `rate` ± 30 % (never decreases).
fn cpu_counter(key: &str, t: i64, rate: f64) -> f64 {
    const PERIOD: f64 = 3600.0;
    let phase = unit(key) * std::f64::consts::TAU;
    #[allow(clippy::cast_precision_loss)]
    let t = t as f64;
    let angle = t / PERIOD * std::f64::consts::TAU + phase;
    rate * (t + 0.3 * PERIOD / std::f64::consts::TAU * (phase.cos() - angle.cos()))
}

fn fmt(v: f64) -> String {
    let s = format!("{v:.6}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s.is_empty() { "0".into() } else { s.into() }
}

/// Memory in bytes and vCPUs of a droplet, or of the DOKS node with that droplet id.
async fn host(ctx: &Ctx, id: &str) -> Result<Option<(f64, f64)>, DoError> {
    let size_of = |slug: &str| {
        let z = ctx.spec().droplet_size(slug);
        (
            z.and_then(|z| z.memory_gib).unwrap_or(1.0) * 1_073_741_824.0,
            f64::from(z.and_then(|z| z.vcpus).unwrap_or(1)),
        )
    };
    if let Some(d) = ctx.store().get("droplet", id).await? {
        return Ok(Some(size_of(
            d.get("size_slug").and_then(Value::as_str).unwrap_or(""),
        )));
    }
    for c in ctx.store().list("k8s").await? {
        for p in c
            .get("node_pools")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let has = p
                .get("nodes")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .any(|n| n.get("droplet_id").and_then(Value::as_str) == Some(id));
            if has {
                return Ok(Some(size_of(
                    p.get("size").and_then(Value::as_str).unwrap_or(""),
                )));
            }
        }
    }
    Ok(None)
}

async fn metrics(ctx: Ctx, metric: &'static str) -> R {
    let start = unix_arg(&ctx, "start")?;
    let end = unix_arg(&ctx, "end")?;
    if end <= start {
        return Err(DoError::bad_request(
            "query parameter `end` must be after `start`",
        ));
    }
    let step = ((end - start) / MAX_POINTS).max(60);
    let first = start - start.rem_euclid(step) + if start.rem_euclid(step) == 0 { 0 } else { step };
    let times: Vec<i64> = (0..=MAX_POINTS)
        .map(|i| first + i * step)
        .take_while(|t| *t <= end)
        .collect();
    let family = metric.split('/').next().unwrap_or("");
    let name = metric.rsplit('/').next().unwrap_or("");
    // (series labels, value at t)
    type Series = (Map<String, Value>, Box<dyn Fn(i64) -> f64 + Send>);
    let mut series: Vec<Series> = Vec::new();
    let label = |k: &str, v: &str| Map::from_iter([(k.to_string(), json!(v))]);
    match family {
        "droplet" => {
            let id = ctx.q("host_id").unwrap_or_default().to_string();
            if let Some((mem, vcpus)) = host(&ctx, &id).await? {
                let key = format!("{id}/{metric}");
                match name {
                    "cpu" => {
                        let shares = [
                            ("idle", 0.78),
                            ("user", 0.12),
                            ("system", 0.05),
                            ("iowait", 0.02),
                            ("nice", 0.005),
                            ("irq", 0.002),
                            ("softirq", 0.008),
                            ("steal", 0.005),
                        ];
                        for (mode, share) in shares {
                            let mut l = label("host_id", &id);
                            l.insert("mode".into(), json!(mode));
                            let k = format!("{key}/{mode}");
                            series.push((l, Box::new(move |t| cpu_counter(&k, t, vcpus * share))));
                        }
                    }
                    "bandwidth" => {
                        let mut l = label("host_id", &id);
                        for k in ["interface", "direction"] {
                            l.insert(k.into(), json!(ctx.q(k).unwrap_or_default()));
                        }
                        let k = format!(
                            "{key}/{}/{}",
                            ctx.q("interface").unwrap_or(""),
                            ctx.q("direction").unwrap_or("")
                        );
                        series.push((l, Box::new(move |t| wave(&k, t, 4.0, 3.0))));
                    }
                    "filesystem_free" | "filesystem_size" => {
                        let mut l = label("host_id", &id);
                        l.insert("device".into(), json!("/dev/vda1"));
                        l.insert("fstype".into(), json!("ext4"));
                        l.insert("mountpoint".into(), json!("/"));
                        let size = 25.0 * vcpus * 1_073_741_824.0;
                        let free = name == "filesystem_free";
                        series.push((
                            l,
                            Box::new(move |t| {
                                if free {
                                    wave(&key, t, size * 0.6, size * 0.05)
                                } else {
                                    size
                                }
                            }),
                        ));
                    }
                    "memory_total" => {
                        series.push((label("host_id", &id), Box::new(move |_| mem)));
                    }
                    n if n.starts_with("memory_") => {
                        let level = match n {
                            "memory_free" => 0.35,
                            "memory_available" => 0.55,
                            _ => 0.2,
                        };
                        series.push((
                            label("host_id", &id),
                            Box::new(move |t| wave(&key, t, mem * level, mem * 0.08)),
                        ));
                    }
                    _ => {
                        // load_1, load_5, load_15
                        series.push((
                            label("host_id", &id),
                            Box::new(move |t| wave(&key, t, 0.4 * vcpus, 0.3 * vcpus)),
                        ));
                    }
                }
            }
        }
        "load_balancer" => {
            let id = ctx.q("lb_id").unwrap_or_default().to_string();
            if ctx.store().get("lb", &id).await?.is_some() {
                let key = format!("{id}/{metric}");
                let (level, spread) = match name {
                    n if n.ends_with("_limit") => (10_000.0, 0.0),
                    n if n.contains("utilization") => (18.0, 12.0),
                    n if n.contains("connections") => (120.0, 80.0),
                    n if n.contains("requests_per_second") => (60.0, 40.0),
                    n if n.contains("throughput") => (2_000_000.0, 1_500_000.0),
                    n if n.contains("response_time") || n.contains("session_duration") => {
                        (0.08, 0.05)
                    }
                    n if n.contains("health")
                        || n.contains("downtime")
                        || n.contains("dropped") =>
                    {
                        (0.0, 0.0)
                    }
                    _ => (25.0, 15.0),
                };
                series.push((
                    label("lb_id", &id),
                    Box::new(move |t| wave(&key, t, level, spread)),
                ));
            }
        }
        "database" => {
            let id = ctx.q("db_id").unwrap_or_default().to_string();
            if ctx.store().get("database", &id).await?.is_some() {
                let mut l = label("db_id", &id);
                for k in ["metric", "aggregate", "schema"] {
                    if let Some(v) = ctx.q(k) {
                        l.insert(k.into(), json!(v));
                    }
                }
                let key = format!("{id}/{metric}/{}", ctx.q("metric").unwrap_or(""));
                let (level, spread) = match name {
                    n if n.ends_with("_usage") => (35.0, 20.0),
                    "load" => (0.6, 0.4),
                    n if n.starts_with("threads") => (12.0, 8.0),
                    _ => (150.0, 100.0),
                };
                series.push((l, Box::new(move |t| wave(&key, t, level, spread))));
            }
        }
        _ => {
            // droplet_autoscale: the sandbox has no autoscale pools, so no series.
        }
    }
    let result: Vec<Value> = series
        .into_iter()
        .map(|(labels, f)| {
            let values: Vec<Value> = times.iter().map(|t| json!([t, fmt(f(*t))])).collect();
            json!({"metric": labels, "values": values})
        })
        .collect();
    Ok(ctx.reply_raw(
        json!({"status": "success", "data": {"resultType": "matrix", "result": result}}),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn series_are_deterministic_and_bounded() {
        let a: Vec<f64> = (0..100)
            .map(|i| wave("k", 1_700_000_000 + i * 60, 50.0, 20.0))
            .collect();
        let b: Vec<f64> = (0..100)
            .map(|i| wave("k", 1_700_000_000 + i * 60, 50.0, 20.0))
            .collect();
        assert_eq!(a, b);
        assert!(a.iter().all(|v| (30.0..=70.0).contains(v)), "{a:?}");
        assert_ne!(wave("k", 0, 50.0, 20.0), wave("other", 0, 50.0, 20.0));
        assert_eq!(fmt(1.5), "1.5");
        assert_eq!(fmt(2.0), "2");
        assert_eq!(fmt(0.0), "0");
        let c: Vec<f64> = (0..500)
            .map(|i| cpu_counter("c", 1_700_000_000 + i * 37, 0.5))
            .collect();
        assert!(
            c.windows(2).all(|w| w[1] >= w[0]),
            "CPU counters never decrease"
        );
    }
}
