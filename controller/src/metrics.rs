//! Observability (DESIGN §7): with the Steady-state token the relay hands over (sealed), the
//! controller reads DigitalOcean monitoring for the appliance's tagged resources every interval
//! and delivers the series to the relay ([`ferry_api::relay::MetricsBatch`]).
//!
//! Decisions:
//! * **Same path as a relayed call.** Every DigitalOcean request goes through
//!   [`Executor::execute`] as a Steady-state `GET`: the same policy check (Steady-state is
//!   read-only), the token opened for that call only, the same retries (429 and 5xx with backoff
//!   honouring `Retry-After`/`ratelimit-reset`). One request at a time, outside the relayed
//!   calls' slots, so collection never takes a slot from a relayed call.
//! * **Discovery by tag.** `GET /v2/droplets?tag_name=instance-id:<id>`, `GET
//!   /v2/databases?tag_name=…`, and the first page of `GET /v2/kubernetes/clusters` and `GET
//!   /v2/load_balancers` filtered by their `tags` (those lists take no tag filter). A DOKS
//!   cluster's nodes are droplets: their `droplet_id` is the `host_id` of droplet metrics, and
//!   they are reported as `kubernetes_node`. One page (200) of each kind.
//! * **Honest conversions** ([`cpu_percent`], [`used_percent`], [`gauge`]): DigitalOcean's
//!   droplet CPU metric is a set of per-mode counters (CPU seconds); the percentage between two
//!   samples is `100 × (1 − Δidle / Δall modes)`, which is what DigitalOcean's own graph shows
//!   as "CPU usage". Memory is `100 × (1 − available / total)`, disk `100 × (1 − free / size)`
//!   summed over the filesystems reported. Load balancer and database metrics are gauges already
//!   (summed over the series of one answer). Database metrics exist for MySQL clusters only in
//!   DigitalOcean's API; other engines get none.
//! * **Errors are reported, never fatal.** A failing call is logged and named in the batch's
//!   `problems` (status and DigitalOcean's message — never a token); 401/403 (e.g. a token
//!   without `monitoring:read`) skip the round's remaining calls of that kind; a 429 that
//!   survives the executor's retries pauses collection until DigitalOcean's reset time.
//! * **Never in the way.** Batches go out with `try_send`: when the connection's outbound queue
//!   is full the batch is dropped and counted, not waited for.
//! * **Logs.** DigitalOcean's API offers no log retrieval for droplets, DOKS clusters or
//!   database clusters (only log *sink* configuration, and App Platform's live-log URLs, which
//!   Ferry does not deploy). Nothing is forwarded as logs; see README.

use crate::conn::Session;
use crate::exec::{AnswerBody, now_ms};
use bytes::Bytes;
use ferry_api::observe::{ResourceRef, Series};
use ferry_api::relay::policy::instance_tag;
use ferry_api::relay::{
    ControllerMessage, MAX_BATCH_POINTS, MAX_BATCH_PROBLEMS as MAX_PROBLEMS, MAX_BATCH_SERIES,
    MAX_CONTROL_FRAME, MAX_PROBLEM_LEN, MetricsBatch, RelayRequest,
};
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{mpsc, watch};
use tokio_tungstenite::tungstenite::Message;

/// How collection runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MetricsConfig {
    /// Whether to collect at all (`ferry controller --metrics-interval off` turns it off; the
    /// relay's Steady-state token messages are then ignored).
    pub enabled: bool,
    /// How often a round runs (`ferry controller --metrics-interval`, default 60 s).
    pub interval: Duration,
    /// How far back each round reads (overlapping rounds are merged by the edge host).
    pub window: Duration,
}

impl Default for MetricsConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            interval: Duration::from_secs(60),
            window: Duration::from_secs(300),
        }
    }
}

impl MetricsConfig {
    /// No collection (tests that count the calls DigitalOcean sees).
    pub fn off() -> Self {
        Self {
            enabled: false,
            ..Self::default()
        }
    }
}

/// What collection did so far (logs, tests, `Controller::metrics_status`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MetricsStatus {
    /// Whether the relay gave a Steady-state token (collection runs).
    pub collecting: bool,
    pub rounds: u64,
    pub batches_sent: u64,
    pub series_sent: u64,
    /// Batches dropped because the connection's outbound queue was full.
    pub batches_dropped: u64,
    /// The problems of the last round (empty: it went fine).
    pub last_problems: Vec<String>,
}

/// Largest serialised series part of a batch (leaves room for the envelope and the problems:
/// at most 16 × 300 bytes, JSON-escaped).
const MAX_BATCH_BYTES: usize = MAX_CONTROL_FRAME - 16 * 1024;
/// Largest DigitalOcean answer read.
const MAX_ANSWER_BYTES: usize = 8 << 20;

/// A failed DigitalOcean call.
#[derive(Debug, Clone, PartialEq, Eq)]
struct CallError {
    status: u16,
    message: String,
    /// When DigitalOcean said to come back (Unix ms), from `ratelimit-reset` or `Retry-After`.
    retry_at_ms: Option<i64>,
}

impl CallError {
    fn describe(&self, path: &str) -> String {
        let mut s = format!("GET {path}: {} {}", self.status, self.message);
        if matches!(self.status, 401 | 403) {
            s.push_str(" (does the Steady-state token have the monitoring:read scope?)");
        }
        truncate(&s, MAX_PROBLEM_LEN)
    }
}

fn truncate(s: &str, max: usize) -> String {
    let clean: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if clean.len() <= max {
        return clean;
    }
    let mut end = max;
    while !clean.is_char_boundary(end) {
        end -= 1;
    }
    clean[..end].to_string()
}

/// Runs collection for one relay connection: waits for a Steady-state token, collects every
/// interval, stops as soon as the token is withdrawn (mid-round too). Ends with the connection.
pub(crate) async fn run(
    session: Arc<Session>,
    mut steady: watch::Receiver<Option<String>>,
    out: mpsc::Sender<Message>,
) {
    let config = session.metrics;
    if !config.enabled {
        return;
    }
    let mut paused_until_ms: Option<i64> = None;
    loop {
        set_collecting(&session.metrics_status, false);
        if steady.wait_for(Option::is_some).await.is_err() {
            return;
        }
        set_collecting(&session.metrics_status, true);
        tracing::info!("Steady-state token received; collecting metrics");
        loop {
            let Some(sealed) = steady.borrow_and_update().clone() else {
                tracing::info!("Steady-state token withdrawn; metrics collection stopped");
                break;
            };
            if let Some(until) = paused_until_ms.filter(|u| *u > now_ms()) {
                let wait = Duration::from_millis(u64::try_from(until - now_ms()).unwrap_or(0));
                tokio::select! {
                    () = tokio::time::sleep(wait) => {}
                    r = steady.changed() => if r.is_err() { return } else { continue },
                }
            }
            let round = tokio::select! {
                r = collect_round(&session, &sealed, config) => Some(r),
                r = steady.changed() => if r.is_err() { return } else { None },
            };
            if let Some(round) = round {
                paused_until_ms = round.paused_until_ms;
                deliver(&session, &out, round.series, round.problems);
            }
            tokio::select! {
                () = tokio::time::sleep(config.interval) => {}
                r = steady.changed() => if r.is_err() { return },
            }
        }
    }
}

fn set_collecting(status: &Mutex<MetricsStatus>, on: bool) {
    status.lock().unwrap_or_else(|p| p.into_inner()).collecting = on;
}

/// Splits series into frames that fit and sends them without waiting.
fn deliver(
    session: &Session,
    out: &mpsc::Sender<Message>,
    series: Vec<Series>,
    problems: Vec<String>,
) {
    let mut status = session
        .metrics_status
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    status.rounds += 1;
    if status.last_problems != problems {
        if problems.is_empty() {
            tracing::info!("metrics collection works again");
        } else {
            tracing::warn!(problems = ?problems, "metrics collection had problems");
        }
        status.last_problems.clone_from(&problems);
    }
    for batch in split_batches(series, problems) {
        let n = batch.series.len() as u64;
        let text = ControllerMessage::Metrics(batch).to_text();
        if out.try_send(Message::text(text)).is_ok() {
            status.batches_sent += 1;
            status.series_sent += n;
        } else {
            status.batches_dropped += 1;
            tracing::debug!("outbound queue full; a metrics batch was dropped");
        }
    }
}

/// Batches of at most [`MAX_BATCH_SERIES`] series and [`MAX_BATCH_BYTES`] of JSON each; every
/// batch carries the round's problems (so the relay reads each batch as "the round's state").
/// Always at least one batch (an empty one still carries problems and says the round happened).
pub fn split_batches(series: Vec<Series>, mut problems: Vec<String>) -> Vec<MetricsBatch> {
    problems.truncate(MAX_PROBLEMS);
    let mut batches = vec![MetricsBatch {
        series: Vec::new(),
        problems,
    }];
    let mut size = 0usize;
    for mut s in series {
        if s.points.len() > MAX_BATCH_POINTS {
            let cut = s.points.len() - MAX_BATCH_POINTS;
            s.points.drain(..cut);
        }
        let len = serde_json::to_string(&s).map_or(usize::MAX, |t| t.len() + 1);
        if len > MAX_BATCH_BYTES {
            continue;
        }
        let full = batches
            .last()
            .is_some_and(|b| b.series.len() >= MAX_BATCH_SERIES || size + len > MAX_BATCH_BYTES);
        if full {
            let problems = batches
                .last()
                .map(|b| b.problems.clone())
                .unwrap_or_default();
            batches.push(MetricsBatch {
                series: Vec::new(),
                problems,
            });
            size = 0;
        }
        size += len;
        if let Some(b) = batches.last_mut() {
            b.series.push(s);
        }
    }
    batches
}

struct Round {
    series: Vec<Series>,
    problems: Vec<String>,
    paused_until_ms: Option<i64>,
}

/// A resource and how its metrics are asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Target {
    resource: ResourceRef,
    /// `host_id`, `lb_id` or `db_id`.
    param: &'static str,
}

/// Reads through the executor with the Steady-state token.
struct Reader<'a> {
    session: &'a Session,
    sealed: &'a str,
}

impl Reader<'_> {
    async fn get(&self, path_and_query: &str) -> Result<Value, CallError> {
        let req = RelayRequest::steady_state_get(path_and_query, self.sealed);
        let answer = self
            .session
            .exec
            .execute(&req, Bytes::new(), now_ms())
            .await;
        let header = |name: &str| {
            answer
                .headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.clone())
        };
        let retry_at_ms = retry_at(
            header("ratelimit-reset").as_deref(),
            header("retry-after").as_deref(),
            now_ms(),
        );
        let status = answer.status;
        let body = match answer.body {
            AnswerBody::Empty => Vec::new(),
            AnswerBody::Buffered(b) => b.to_vec(),
            AnswerBody::Stream(mut resp) => {
                let mut buf = Vec::new();
                loop {
                    match resp.chunk().await {
                        Ok(Some(c)) => {
                            buf.extend_from_slice(&c);
                            if buf.len() > MAX_ANSWER_BYTES {
                                return Err(CallError {
                                    status: 502,
                                    message: "the answer is too large".into(),
                                    retry_at_ms: None,
                                });
                            }
                        }
                        Ok(None) => break,
                        Err(e) => {
                            return Err(CallError {
                                status: 502,
                                message: format!("the answer broke off: {e}"),
                                retry_at_ms: None,
                            });
                        }
                    }
                }
                buf
            }
        };
        let json: Option<Value> = serde_json::from_slice(&body).ok();
        if !(200..300).contains(&status) {
            let message = json
                .as_ref()
                .and_then(|v| v.get("message"))
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            return Err(CallError {
                status,
                message: truncate(&message, 200),
                retry_at_ms,
            });
        }
        json.ok_or_else(|| CallError {
            status,
            message: "the answer is not JSON".into(),
            retry_at_ms: None,
        })
    }
}

/// When to come back after a 429: `ratelimit-reset` (Unix seconds) or `Retry-After` (seconds).
fn retry_at(reset: Option<&str>, retry_after: Option<&str>, now_ms: i64) -> Option<i64> {
    if let Some(s) = reset.and_then(|r| r.trim().parse::<i64>().ok()) {
        return Some(s.saturating_mul(1000));
    }
    retry_after
        .and_then(|r| r.trim().parse::<i64>().ok())
        .map(|s| now_ms.saturating_add(s.saturating_mul(1000)))
}

fn str_of(v: &Value, key: &str) -> String {
    match v.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

fn tagged(v: &Value, tag: &str) -> bool {
    v.get("tags")
        .and_then(Value::as_array)
        .is_some_and(|t| t.iter().any(|x| x.as_str() == Some(tag)))
}

/// The appliance's resources, from the four list answers (pure, tested).
fn targets(
    droplets: Option<&Value>,
    clusters: Option<&Value>,
    databases: Option<&Value>,
    lbs: Option<&Value>,
    tag: &str,
) -> Vec<(Target, Option<String>)> {
    let mut out: Vec<(Target, Option<String>)> = Vec::new();
    let list = |v: Option<&Value>, key: &str| -> Vec<Value> {
        v.and_then(|v| v.get(key))
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    let mut nodes = std::collections::HashSet::new();
    for c in list(clusters, "kubernetes_clusters")
        .iter()
        .filter(|c| tagged(c, tag))
    {
        for pool in c
            .get("node_pools")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            for n in pool
                .get("nodes")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let id = str_of(n, "droplet_id");
                if !id.is_empty() && nodes.insert(id.clone()) {
                    out.push((
                        Target {
                            resource: ResourceRef {
                                kind: "kubernetes_node".into(),
                                id,
                                name: str_of(n, "name"),
                            },
                            param: "host_id",
                        },
                        None,
                    ));
                }
            }
        }
    }
    for d in list(droplets, "droplets") {
        let id = str_of(&d, "id");
        if !id.is_empty() && !nodes.contains(&id) {
            out.push((
                Target {
                    resource: ResourceRef {
                        kind: "droplet".into(),
                        id,
                        name: str_of(&d, "name"),
                    },
                    param: "host_id",
                },
                None,
            ));
        }
    }
    for db in list(databases, "databases") {
        let id = str_of(&db, "id");
        if !id.is_empty() {
            out.push((
                Target {
                    resource: ResourceRef {
                        kind: "database".into(),
                        id,
                        name: str_of(&db, "name"),
                    },
                    param: "db_id",
                },
                Some(str_of(&db, "engine")),
            ));
        }
    }
    for lb in list(lbs, "load_balancers")
        .iter()
        .filter(|l| tagged(l, tag))
    {
        let id = str_of(lb, "id");
        if !id.is_empty() {
            out.push((
                Target {
                    resource: ResourceRef {
                        kind: "load_balancer".into(),
                        id,
                        name: str_of(lb, "name"),
                    },
                    param: "lb_id",
                },
                None,
            ));
        }
    }
    out
}

/// How one series is computed from DigitalOcean's answers.
#[derive(Debug, Clone, Copy)]
enum Recipe {
    /// `droplet/cpu` counters → percent.
    Cpu,
    /// `100 × (1 − a / b)` of two metrics.
    Used(&'static str, &'static str),
    /// One metric as it is (summed over its series).
    Gauge(&'static str),
}

/// (metric, unit, recipe) per resource kind.
fn recipes(kind: &str, engine: Option<&str>) -> &'static [(&'static str, &'static str, Recipe)] {
    match kind {
        "droplet" | "kubernetes_node" => &[
            ("cpu_percent", "%", Recipe::Cpu),
            (
                "memory_percent",
                "%",
                Recipe::Used("droplet/memory_available", "droplet/memory_total"),
            ),
            (
                "disk_percent",
                "%",
                Recipe::Used("droplet/filesystem_free", "droplet/filesystem_size"),
            ),
            ("load_1", "load", Recipe::Gauge("droplet/load_1")),
        ],
        "load_balancer" => &[
            (
                "cpu_percent",
                "%",
                Recipe::Gauge("load_balancer/frontend_cpu_utilization"),
            ),
            (
                "connections",
                "count",
                Recipe::Gauge("load_balancer/frontend_connections_current"),
            ),
            (
                "requests_per_second",
                "1/s",
                Recipe::Gauge("load_balancer/frontend_http_requests_per_second"),
            ),
        ],
        "database" if engine == Some("mysql") => &[
            (
                "cpu_percent",
                "%",
                Recipe::Gauge("database/mysql/cpu_usage"),
            ),
            (
                "memory_percent",
                "%",
                Recipe::Gauge("database/mysql/memory_usage"),
            ),
            (
                "disk_percent",
                "%",
                Recipe::Gauge("database/mysql/disk_usage"),
            ),
        ],
        _ => &[],
    }
}

async fn collect_round(session: &Session, sealed: &str, config: MetricsConfig) -> Round {
    let reader = Reader { session, sealed };
    let tag = instance_tag(&session.exec.instance_id);
    let enc_tag = tag.replace(':', "%3A");
    let mut problems = Vec::new();
    let mut paused_until_ms = None;
    let mut lists: Vec<Option<Value>> = Vec::new();
    for path in [
        format!("/v2/droplets?tag_name={enc_tag}&per_page=200"),
        "/v2/kubernetes/clusters?per_page=200".to_string(),
        format!("/v2/databases?tag_name={enc_tag}"),
        "/v2/load_balancers?per_page=200".to_string(),
    ] {
        match reader.get(&path).await {
            Ok(v) => lists.push(Some(v)),
            Err(e) => {
                problems.push(e.describe(path.split('?').next().unwrap_or(&path)));
                if e.status == 429 {
                    paused_until_ms = e.retry_at_ms.or(Some(now_ms() + 60_000));
                    return Round {
                        series: Vec::new(),
                        problems,
                        paused_until_ms,
                    };
                }
                lists.push(None);
            }
        }
    }
    let found = targets(
        lists.first().and_then(Option::as_ref),
        lists.get(1).and_then(Option::as_ref),
        lists.get(2).and_then(Option::as_ref),
        lists.get(3).and_then(Option::as_ref),
        &tag,
    );
    let end_s = now_ms() / 1000;
    let start_s = end_s
        - i64::try_from(config.window.as_secs())
            .unwrap_or(300)
            .max(60);
    let mut series = Vec::new();
    // A family whose call was refused (401/403) is not asked again this round.
    let mut refused: std::collections::HashSet<&'static str> = Default::default();
    'targets: for (target, engine) in found {
        for &(metric, unit, recipe) in recipes(&target.resource.kind, engine.as_deref()) {
            let paths: Vec<&'static str> = match recipe {
                Recipe::Cpu => vec!["droplet/cpu"],
                Recipe::Used(a, b) => vec![a, b],
                Recipe::Gauge(a) => vec![a],
            };
            let mut answers = Vec::new();
            for p in paths {
                let family = p.split('/').next().unwrap_or(p);
                if refused.contains(family) {
                    continue 'targets;
                }
                let mut q = format!(
                    "/v2/monitoring/metrics/{p}?{}={}&start={start_s}&end={end_s}",
                    target.param, target.resource.id
                );
                if p.starts_with("database/") {
                    q.push_str("&aggregate=avg");
                }
                match reader.get(&q).await {
                    Ok(v) => answers.push(v),
                    Err(e) => {
                        let path = format!("/v2/monitoring/metrics/{p}");
                        if problems.len() < MAX_PROBLEMS {
                            problems.push(e.describe(&path));
                        }
                        if matches!(e.status, 401 | 403) {
                            refused.insert(family);
                        }
                        if e.status == 429 {
                            paused_until_ms = e.retry_at_ms.or(Some(now_ms() + 60_000));
                            break 'targets;
                        }
                        break;
                    }
                }
            }
            let points = match (recipe, answers.as_slice()) {
                (Recipe::Cpu, [a]) => cpu_percent(&matrix(a)),
                (Recipe::Used(..), [a, b]) => used_percent(&matrix(a), &matrix(b)),
                (Recipe::Gauge(_), [a]) => gauge(&matrix(a)),
                _ => continue,
            };
            if !points.is_empty() {
                series.push(Series {
                    resource: target.resource.clone(),
                    metric: metric.into(),
                    unit: unit.into(),
                    points,
                });
            }
        }
    }
    Round {
        series,
        problems,
        paused_until_ms,
    }
}

/// One series of a Prometheus matrix: its labels and `(unix seconds, value)` samples.
pub type Sampled = (BTreeMap<String, String>, Vec<(i64, f64)>);

/// Parses DigitalOcean's Prometheus matrix (`{"data":{"result":[{"metric":{…},"values":[[t,"v"],…]}]}}`).
/// Samples that are not numbers are skipped.
pub fn matrix(answer: &Value) -> Vec<Sampled> {
    answer
        .pointer("/data/result")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|r| {
            let labels = r
                .get("metric")
                .and_then(Value::as_object)
                .map(|m| {
                    m.iter()
                        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                        .collect()
                })
                .unwrap_or_default();
            let values = r
                .get("values")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|pair| {
                    let t = pair.get(0)?.as_f64()?;
                    let v = match pair.get(1)? {
                        Value::String(s) => s.parse::<f64>().ok()?,
                        Value::Number(n) => n.as_f64()?,
                        _ => return None,
                    };
                    #[allow(clippy::cast_possible_truncation)]
                    (t.is_finite() && v.is_finite()).then_some((t as i64, v))
                })
                .collect();
            (labels, values)
        })
        .collect()
}

/// Sums the series of a matrix per timestamp: `(unix ms, sum)`, oldest first.
fn sum_by_time<'a>(series: impl Iterator<Item = &'a Sampled>) -> BTreeMap<i64, f64> {
    let mut out = BTreeMap::new();
    for (_, values) in series {
        for &(t, v) in values {
            *out.entry(t.saturating_mul(1000)).or_insert(0.0) += v;
        }
    }
    out
}

/// CPU usage in percent from DigitalOcean's per-mode CPU counters (`mode` label): between two
/// consecutive samples, `100 × (1 − Δidle / Δ(all modes))`, at the later sample's time. A
/// sample where the counters went backwards (a reboot) or did not move gives no point.
pub fn cpu_percent(m: &[Sampled]) -> Vec<(i64, f64)> {
    let total = sum_by_time(m.iter());
    let idle = sum_by_time(
        m.iter()
            .filter(|(l, _)| l.get("mode").map(String::as_str) == Some("idle")),
    );
    let mut out = Vec::new();
    let mut prev: Option<(f64, f64)> = None;
    for (t, all) in total {
        let Some(&i) = idle.get(&t) else { continue };
        if let Some((p_all, p_idle)) = prev {
            let d_all = all - p_all;
            let d_idle = i - p_idle;
            if d_all > 0.0 && d_idle >= 0.0 {
                out.push((t, (100.0 * (1.0 - d_idle / d_all)).clamp(0.0, 100.0)));
            }
        }
        prev = Some((all, i));
    }
    out
}

/// `100 × (1 − part / whole)` per timestamp both have (memory available of total, filesystem
/// free of size); a whole of zero gives no point.
pub fn used_percent(part: &[Sampled], whole: &[Sampled]) -> Vec<(i64, f64)> {
    let part = sum_by_time(part.iter());
    sum_by_time(whole.iter())
        .into_iter()
        .filter_map(|(t, w)| {
            let p = *part.get(&t)?;
            (w > 0.0).then(|| (t, (100.0 * (1.0 - p / w)).clamp(0.0, 100.0)))
        })
        .collect()
}

/// A gauge as it is, summed over the answer's series per timestamp.
pub fn gauge(m: &[Sampled]) -> Vec<(i64, f64)> {
    sum_by_time(m.iter()).into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn answer(result: Value) -> Value {
        json!({"status": "success", "data": {"resultType": "matrix", "result": result}})
    }

    #[test]
    fn conversions_from_prometheus_matrices() {
        struct Case {
            name: &'static str,
            inputs: Vec<Value>,
            recipe: Recipe,
            want: Vec<(i64, f64)>,
        }
        let cases = vec![
            Case {
                name: "cpu: 25 % busy, then 50 %",
                inputs: vec![answer(json!([
                    {"metric": {"host_id": "1", "mode": "idle"}, "values": [[100, "10"], [160, "55"], [220, "85"]]},
                    {"metric": {"host_id": "1", "mode": "user"}, "values": [[100, "5"], [160, "15"], [220, "40"]]},
                    {"metric": {"host_id": "1", "mode": "system"}, "values": [[100, "1"], [160, "6"], [220, "11"]]},
                ]))],
                recipe: Recipe::Cpu,
                want: vec![(160_000, 25.0), (220_000, 50.0)],
            },
            Case {
                name: "cpu: a counter reset gives no point",
                inputs: vec![answer(json!([
                    {"metric": {"mode": "idle"}, "values": [[100, "50"], [160, "1"], [220, "2"]]},
                    {"metric": {"mode": "user"}, "values": [[100, "50"], [160, "1"], [220, "4"]]},
                ]))],
                recipe: Recipe::Cpu,
                want: vec![(220_000, 75.0)],
            },
            Case {
                name: "memory: available of total",
                inputs: vec![
                    answer(
                        json!([{"metric": {"host_id": "1"}, "values": [[60, "750"], [120, "250"], [180, "1"]]}]),
                    ),
                    answer(
                        json!([{"metric": {"host_id": "1"}, "values": [[60, "1000"], [120, "1000"]]}]),
                    ),
                ],
                recipe: Recipe::Used("a", "b"),
                want: vec![(60_000, 25.0), (120_000, 75.0)],
            },
            Case {
                name: "disk: summed over filesystems; a zero size gives nothing",
                inputs: vec![
                    answer(json!([
                        {"metric": {"device": "/dev/vda1"}, "values": [[60, "40"], [120, "0"]]},
                        {"metric": {"device": "/dev/vdb"}, "values": [[60, "10"], [120, "0"]]},
                    ])),
                    answer(json!([
                        {"metric": {"device": "/dev/vda1"}, "values": [[60, "80"], [120, "0"]]},
                        {"metric": {"device": "/dev/vdb"}, "values": [[60, "20"], [120, "0"]]},
                    ])),
                ],
                recipe: Recipe::Used("a", "b"),
                want: vec![(60_000, 50.0)],
            },
            Case {
                name: "gauge: numbers and strings, junk skipped",
                inputs: vec![answer(json!([
                    {"metric": {"lb_id": "x"}, "values": [[60, "1.5"], [120, 2.5], [180, "NaN"], [240, "oops"], ["x", "1"]]},
                ]))],
                recipe: Recipe::Gauge("a"),
                want: vec![(60_000, 1.5), (120_000, 2.5)],
            },
            Case {
                name: "an empty result (unknown resource) gives nothing",
                inputs: vec![answer(json!([]))],
                recipe: Recipe::Gauge("a"),
                want: vec![],
            },
            Case {
                name: "not a matrix at all",
                inputs: vec![json!({"id": "forbidden"})],
                recipe: Recipe::Cpu,
                want: vec![],
            },
        ];
        for c in cases {
            let m: Vec<Vec<Sampled>> = c.inputs.iter().map(matrix).collect();
            let got = match c.recipe {
                Recipe::Cpu => cpu_percent(&m[0]),
                Recipe::Used(..) => used_percent(&m[0], &m[1]),
                Recipe::Gauge(_) => gauge(&m[0]),
            };
            assert_eq!(got.len(), c.want.len(), "{}: {got:?}", c.name);
            for (g, w) in got.iter().zip(&c.want) {
                assert_eq!(g.0, w.0, "{}", c.name);
                assert!((g.1 - w.1).abs() < 1e-9, "{}: {got:?}", c.name);
            }
        }
    }

    #[test]
    fn resources_are_found_by_tag_and_nodes_are_not_droplets_twice() {
        let tag = "instance-id:acme";
        let droplets = json!({"droplets": [{"id": 1, "name": "web"}, {"id": 7, "name": "node-a"}]});
        let clusters = json!({"kubernetes_clusters": [
            {"id": "k1", "tags": [tag], "node_pools": [{"nodes": [{"name": "node-a", "droplet_id": "7"}]}]},
            {"id": "k2", "tags": ["instance-id:other"], "node_pools": [{"nodes": [{"name": "x", "droplet_id": "9"}]}]},
        ]});
        let dbs = json!({"databases": [{"id": "d1", "name": "db", "engine": "mysql"}]});
        let lbs = json!({"load_balancers": [{"id": "l1", "name": "lb", "tags": [tag]}, {"id": "l2", "tags": []}]});
        let found = targets(
            Some(&droplets),
            Some(&clusters),
            Some(&dbs),
            Some(&lbs),
            tag,
        );
        let got: Vec<(String, String, &str)> = found
            .iter()
            .map(|(t, _)| (t.resource.kind.clone(), t.resource.id.clone(), t.param))
            .collect();
        assert_eq!(
            got,
            [
                ("kubernetes_node".into(), "7".into(), "host_id"),
                ("droplet".into(), "1".into(), "host_id"),
                ("database".into(), "d1".into(), "db_id"),
                ("load_balancer".into(), "l1".into(), "lb_id"),
            ]
        );
        assert_eq!(found[2].1.as_deref(), Some("mysql"));
        assert!(recipes("database", Some("pg")).is_empty());
        assert_eq!(recipes("database", Some("mysql")).len(), 3);
        // A list that failed is simply absent.
        assert!(targets(None, None, None, None, tag).is_empty());
    }

    #[test]
    fn batches_fit_the_frame_and_the_limits() {
        let s = |i: usize, n: usize| Series {
            resource: ResourceRef {
                kind: "droplet".into(),
                id: i.to_string(),
                name: "web".into(),
            },
            metric: "cpu_percent".into(),
            unit: "%".into(),
            points: (0..n)
                .map(|k| (1 + k as i64 * 60_000, 12.345_678))
                .collect(),
        };
        // Small: one batch, problems on it.
        let b = split_batches(vec![s(1, 5)], vec!["p".into()]);
        assert_eq!(b.len(), 1);
        assert_eq!(b[0].problems, ["p"]);
        // Nothing collected: still one (empty) batch carrying the problems.
        assert_eq!(split_batches(vec![], vec!["403".into()]).len(), 1);
        // Many and large: every batch validates and fits a control frame; nothing is lost.
        let many: Vec<Series> = (0..600).map(|i| s(i, 200)).collect();
        let batches = split_batches(many, vec!["\"".repeat(MAX_PROBLEM_LEN); 40]);
        assert!(batches.len() > 3);
        assert_eq!(batches.iter().map(|b| b.series.len()).sum::<usize>(), 600);
        for b in &batches {
            assert_eq!(b.problems.len(), MAX_PROBLEMS);
            assert!(b.series.len() <= MAX_BATCH_SERIES);
            let text = ControllerMessage::Metrics(b.clone()).to_text();
            assert!(text.len() <= MAX_CONTROL_FRAME, "{}", text.len());
        }
        // Too many points: the newest are kept.
        let b = split_batches(vec![s(1, MAX_BATCH_POINTS + 10)], vec![]);
        assert_eq!(b[0].series[0].points.len(), MAX_BATCH_POINTS);
        assert_eq!(b[0].series[0].points[0].0, 1 + 10 * 60_000);
    }

    #[test]
    fn retry_times_and_problem_texts() {
        assert_eq!(
            retry_at(Some("1700000000"), Some("5"), 0),
            Some(1_700_000_000_000)
        );
        assert_eq!(retry_at(None, Some("5"), 1000), Some(6000));
        assert_eq!(retry_at(Some("soon"), None, 0), None);
        let e = CallError {
            status: 403,
            message: "You do not have access\nfor the requested resource.".into(),
            retry_at_ms: None,
        };
        let text = e.describe("/v2/monitoring/metrics/droplet/cpu");
        assert!(
            text.starts_with("GET /v2/monitoring/metrics/droplet/cpu: 403 You do not"),
            "{text}"
        );
        assert!(
            text.contains("monitoring:read") && !text.contains('\n'),
            "{text}"
        );
        assert_eq!(truncate(&"é".repeat(200), 301).len(), 300);
    }
}
