//! Forwarding metric batches to the configured sinks: OTLP/HTTP (JSON encoding) and Prometheus
//! remote-write 1.0 (protobuf `WriteRequest`, snappy block compression).
//!
//! Each sink has a bounded queue ([`SINK_QUEUE`] deliveries) and one background task. A
//! delivery that finds the queue full is dropped and counted; a failed send is retried with
//! exponential backoff (0.25 s doubling to 30 s, [`MAX_ATTEMPTS`] attempts), then dropped and
//! counted. Only points the edge host had not stored before are forwarded, so overlapping
//! batches do not send a sample twice.
//!
//! Labels (remote-write) / attributes (OTLP): `appliance_id`, `resource_kind`, `resource_id`,
//! `resource_name`, `metric`, `unit`; the remote-write metric name is `ferry_<metric>`.
//!
//! The protobuf encoding is written by hand (four small messages; field numbers from
//! Prometheus' `prompb/remote.proto` and `types.proto`): no code generator in the build.

use ferry_api::observe::Series;
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::sync::mpsc;

/// Deliveries queued per sink.
pub const SINK_QUEUE: usize = 256;
/// Attempts per delivery before it is dropped.
pub const MAX_ATTEMPTS: u32 = 6;

/// Which protocol a sink speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SinkKind {
    Otlp,
    RemoteWrite,
}

impl SinkKind {
    pub fn name(self) -> &'static str {
        match self {
            SinkKind::Otlp => "otlp",
            SinkKind::RemoteWrite => "remote_write",
        }
    }
}

/// One sink's counters.
#[derive(Debug, Default)]
pub struct SinkCounters {
    pub sent: AtomicU64,
    pub failed: AtomicU64,
    pub dropped: AtomicU64,
}

/// What is forwarded: new points of one appliance.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub appliance_id: String,
    pub series: Vec<Series>,
}

/// A running sink: its queue and counters.
#[derive(Clone)]
pub struct Sink {
    pub kind: SinkKind,
    pub counters: Arc<SinkCounters>,
    queue: mpsc::Sender<Arc<Delivery>>,
}

impl fmt::Debug for Sink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sink").field("kind", &self.kind).finish()
    }
}

/// Why a sink URL is refused.
#[derive(Debug, thiserror::Error)]
pub enum SinkError {
    #[error("`{0}` is not an http(s) URL for a metrics sink")]
    Url(String),
    #[error("cannot build the HTTP client: {0}")]
    Client(String),
}

impl Sink {
    /// Starts the sink's task on the current runtime. `url`: the OTLP endpoint (a base URL gets
    /// `/v1/metrics` appended) or the remote-write URL, used as given.
    pub fn spawn(kind: SinkKind, url: &str) -> Result<Self, SinkError> {
        let trimmed = url.trim();
        let ok = (trimmed.starts_with("http://") || trimmed.starts_with("https://"))
            && !trimmed.contains([' ', '#'])
            && reqwest::Url::parse(trimmed).is_ok();
        if !ok {
            return Err(SinkError::Url(trimmed.chars().take(200).collect()));
        }
        let url = match kind {
            SinkKind::Otlp if !trimmed.trim_end_matches('/').ends_with("/v1/metrics") => {
                format!("{}/v1/metrics", trimmed.trim_end_matches('/'))
            }
            _ => trimmed.to_string(),
        };
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(30))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| SinkError::Client(e.to_string()))?;
        let (queue, rx) = mpsc::channel(SINK_QUEUE);
        let counters = Arc::new(SinkCounters::default());
        tokio::spawn(worker(kind, url, http, rx, counters.clone()));
        Ok(Self {
            kind,
            counters,
            queue,
        })
    }

    /// Queues a delivery without waiting; a full queue drops it (counted).
    pub fn offer(&self, delivery: Arc<Delivery>) {
        if self.queue.try_send(delivery).is_err() {
            self.counters.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }
}

async fn worker(
    kind: SinkKind,
    url: String,
    http: reqwest::Client,
    mut rx: mpsc::Receiver<Arc<Delivery>>,
    counters: Arc<SinkCounters>,
) {
    while let Some(d) = rx.recv().await {
        let (body, headers): (Vec<u8>, &[(&str, &str)]) = match kind {
            SinkKind::Otlp => (
                otlp_json(&d).to_string().into_bytes(),
                &[("content-type", "application/json")],
            ),
            SinkKind::RemoteWrite => (
                match snap::raw::Encoder::new().compress_vec(&write_request(&d)) {
                    Ok(b) => b,
                    Err(e) => {
                        tracing::error!(error = %e, "cannot compress a remote-write request");
                        counters.dropped.fetch_add(1, Ordering::Relaxed);
                        continue;
                    }
                },
                &[
                    ("content-type", "application/x-protobuf"),
                    ("content-encoding", "snappy"),
                    ("x-prometheus-remote-write-version", "0.1.0"),
                ],
            ),
        };
        let mut delay = Duration::from_millis(250);
        let mut attempt = 0;
        loop {
            attempt += 1;
            let mut req = http.post(&url).body(body.clone());
            for (k, v) in headers {
                req = req.header(*k, *v);
            }
            let outcome = match req.send().await {
                Ok(r) if r.status().is_success() => Ok(()),
                Ok(r) => Err(format!("answered {}", r.status())),
                Err(e) => Err(e.without_url().to_string()),
            };
            match outcome {
                Ok(()) => {
                    counters.sent.fetch_add(1, Ordering::Relaxed);
                    break;
                }
                Err(reason) => {
                    counters.failed.fetch_add(1, Ordering::Relaxed);
                    tracing::warn!(sink = kind.name(), attempt, %reason, "metrics sink failed");
                    if attempt >= MAX_ATTEMPTS {
                        counters.dropped.fetch_add(1, Ordering::Relaxed);
                        break;
                    }
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(Duration::from_secs(30));
                }
            }
        }
    }
}

fn attr(key: &str, value: &str) -> serde_json::Value {
    serde_json::json!({"key": key, "value": {"stringValue": value}})
}

/// The OTLP/HTTP JSON body (`ExportMetricsServiceRequest`): one resource per appliance
/// (`service.name = ferry`, `ferry.appliance_id`), one gauge per series with the resource's
/// kind, id and name as point attributes. Times are `timeUnixNano` strings, as the OTLP JSON
/// mapping encodes 64-bit integers.
pub fn otlp_json(d: &Delivery) -> serde_json::Value {
    let metrics: Vec<serde_json::Value> = d
        .series
        .iter()
        .map(|s| {
            let attrs = vec![
                attr("appliance_id", &d.appliance_id),
                attr("resource_kind", &s.resource.kind),
                attr("resource_id", &s.resource.id),
                attr("resource_name", &s.resource.name),
            ];
            let points: Vec<serde_json::Value> = s
                .points
                .iter()
                .map(|(t, v)| {
                    serde_json::json!({
                        "timeUnixNano": (i128::from(*t) * 1_000_000).to_string(),
                        "asDouble": v,
                        "attributes": attrs,
                    })
                })
                .collect();
            serde_json::json!({
                "name": s.metric,
                "unit": s.unit,
                "gauge": {"dataPoints": points},
            })
        })
        .collect();
    serde_json::json!({
        "resourceMetrics": [{
            "resource": {"attributes": [
                attr("service.name", "ferry"),
                attr("ferry.appliance_id", &d.appliance_id),
            ]},
            "scopeMetrics": [{
                "scope": {"name": "ferry", "version": env!("CARGO_PKG_VERSION")},
                "metrics": metrics,
            }],
        }],
    })
}

/// `ferry_<metric>`, with anything outside `[A-Za-z0-9_]` replaced by `_`.
pub fn metric_name(metric: &str) -> String {
    let clean: String = metric
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    format!("ferry_{clean}")
}

fn varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn field_bytes(out: &mut Vec<u8>, field: u64, bytes: &[u8]) {
    varint(out, (field << 3) | 2);
    varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

/// The remote-write `WriteRequest` (uncompressed protobuf):
/// `WriteRequest{1: repeated TimeSeries}`, `TimeSeries{1: repeated Label, 2: repeated Sample}`,
/// `Label{1: name, 2: value}`, `Sample{1: double value, 2: int64 timestamp_ms}`. Labels sorted
/// by name, as remote-write requires.
pub fn write_request(d: &Delivery) -> Vec<u8> {
    let mut out = Vec::new();
    for s in &d.series {
        let mut labels = [
            ("__name__", metric_name(&s.metric)),
            ("appliance_id", d.appliance_id.clone()),
            ("metric", s.metric.clone()),
            ("resource_id", s.resource.id.clone()),
            ("resource_kind", s.resource.kind.clone()),
            ("resource_name", s.resource.name.clone()),
            ("unit", s.unit.clone()),
        ];
        labels.sort_by(|a, b| a.0.cmp(b.0));
        let mut ts = Vec::new();
        for (name, value) in &labels {
            if value.is_empty() {
                continue; // an empty label value is the same as no label
            }
            let mut l = Vec::new();
            field_bytes(&mut l, 1, name.as_bytes());
            field_bytes(&mut l, 2, value.as_bytes());
            field_bytes(&mut ts, 1, &l);
        }
        for (t, v) in &s.points {
            let mut p = Vec::with_capacity(20);
            varint(&mut p, (1 << 3) | 1);
            p.extend_from_slice(&v.to_le_bytes());
            varint(&mut p, 2 << 3);
            varint(&mut p, *t as u64);
            field_bytes(&mut ts, 2, &p);
        }
        field_bytes(&mut out, 1, &ts);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ferry_api::observe::ResourceRef;

    fn delivery() -> Delivery {
        Delivery {
            appliance_id: "app_1".into(),
            series: vec![Series {
                resource: ResourceRef {
                    kind: "droplet".into(),
                    id: "42".into(),
                    name: "web".into(),
                },
                metric: "cpu_percent".into(),
                unit: "%".into(),
                points: vec![(1_700_000_000_000, 12.5)],
            }],
        }
    }

    #[test]
    fn write_request_bytes_are_protobuf() {
        let bytes = write_request(&delivery());
        // WriteRequest.timeseries (field 1, length-delimited).
        assert_eq!(bytes[0], 0x0a);
        // The first label is `__name__` = `ferry_cpu_percent`.
        let name = b"\x0a\x08__name__\x12\x11ferry_cpu_percent";
        assert!(bytes.windows(name.len()).any(|w| w == name));
        // The sample: value 12.5 as a little-endian double, then the timestamp as a varint.
        let mut sample = vec![0x09];
        sample.extend_from_slice(&12.5f64.to_le_bytes());
        sample.push(0x10);
        varint(&mut sample, 1_700_000_000_000);
        assert!(bytes.windows(sample.len()).any(|w| w == sample.as_slice()));
        assert_eq!(metric_name("a-b.c"), "ferry_a_b_c");
    }

    #[test]
    fn otlp_json_shape() {
        let v = otlp_json(&delivery());
        let m = &v["resourceMetrics"][0]["scopeMetrics"][0]["metrics"][0];
        assert_eq!(m["name"], "cpu_percent");
        assert_eq!(m["unit"], "%");
        let p = &m["gauge"]["dataPoints"][0];
        assert_eq!(p["timeUnixNano"], "1700000000000000000");
        assert_eq!(p["asDouble"], 12.5);
        assert_eq!(p["attributes"][2]["key"], "resource_id");
        assert_eq!(p["attributes"][2]["value"]["stringValue"], "42");
        assert!(Sink::spawn(SinkKind::Otlp, "ftp://x").is_err());
    }
}
