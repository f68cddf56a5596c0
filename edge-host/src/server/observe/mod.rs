//! Observability of appliances (DESIGN §7): the controller reads DigitalOcean monitoring with
//! the Steady-state token and delivers batches of [`Series`] over its relay connection; the
//! edge host keeps recent series in a bounded in-memory [`MetricsStore`] (bounds in
//! [`store`]), answers `GET /api/v1/appliances/{id}/metrics[?since=<ms>]` with a
//! [`MetricsSnapshot`](ferry_api::observe::MetricsSnapshot) and forwards every batch to the
//! configured sinks.
//!
//! The route is authorised like every broker appliance route: the broker must let the caller
//! see the appliance (its vendor or its customer); anyone else gets the same 404 as for an
//! appliance that does not exist. `since` keeps only points strictly after it (so a client
//! passes the time of the newest point it has), and leaves out series without such points.
//!
//! Nothing here sees a token: batches carry numbers and resource names only.

pub mod sinks;
pub mod store;

pub use sinks::{Delivery, Sink, SinkKind};
pub use store::{Ingested, MetricsStore, StoreLimits};

use crate::server::AppState;
use crate::server::broker::{Caller, broker_error, broker_of, json};
use crate::server::error::ApiError;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use ferry_api::observe::Series;
use std::fmt::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Counters of the ingest path, rendered into `/metrics`.
#[derive(Debug, Default)]
pub struct ObserveCounters {
    pub batches_received: AtomicU64,
    pub batches_rejected: AtomicU64,
    pub series_stored: AtomicU64,
    pub series_evicted: AtomicU64,
    /// Rounds whose problems changed (audited as `observe.problem`).
    pub problems: AtomicU64,
}

/// The store and what feeds from it. Cheap to clone; the relay and the HTTP routes share one.
#[derive(Debug, Clone, Default)]
pub struct Observe {
    pub store: Arc<MetricsStore>,
    pub counters: Arc<ObserveCounters>,
    /// Where new points are forwarded (`ferry serve --otlp-endpoint`, `--remote-write-url`).
    pub sinks: Arc<Vec<Sink>>,
}

impl Observe {
    pub fn new(limits: StoreLimits) -> Self {
        Self {
            store: Arc::new(MetricsStore::new(limits)),
            counters: Arc::default(),
            sinks: Arc::default(),
        }
    }

    /// The same store and counters, forwarding to `sinks` too.
    pub fn with_sinks(mut self, sinks: Vec<Sink>) -> Self {
        self.sinks = Arc::new(sinks);
        self
    }

    /// Takes a validated batch of the appliance's controller: stores it and queues it for the
    /// sinks. Never waits.
    pub fn ingest(&self, appliance_id: &str, now_ms: i64, batch: &[Series]) -> Ingested {
        let done = self.store.ingest(appliance_id, now_ms, batch);
        let c = &self.counters;
        c.batches_received.fetch_add(1, Ordering::Relaxed);
        c.series_stored
            .fetch_add(done.series as u64, Ordering::Relaxed);
        c.series_evicted
            .fetch_add(done.evicted_series as u64, Ordering::Relaxed);
        if !self.sinks.is_empty() && !done.fresh.is_empty() {
            let delivery = Arc::new(Delivery {
                appliance_id: appliance_id.to_string(),
                series: done.fresh.clone(),
            });
            for sink in self.sinks.iter() {
                sink.offer(delivery.clone());
            }
        }
        done
    }

    /// A batch the relay refused (not this appliance's, over a limit).
    pub fn rejected(&self) {
        self.counters
            .batches_rejected
            .fetch_add(1, Ordering::Relaxed);
    }

    /// A controller reported new collection problems.
    pub fn problem(&self) {
        self.counters.problems.fetch_add(1, Ordering::Relaxed);
    }

    /// Appends this part's Prometheus text to `/metrics`.
    pub fn render(&self, out: &mut String) {
        let c = &self.counters;
        let (series, points) = self.store.size();
        for (name, help, kind, value) in [
            (
                "ferry_observe_batches_received_total",
                "Metric batches controllers delivered and the edge host stored.",
                "counter",
                c.batches_received.load(Ordering::Relaxed),
            ),
            (
                "ferry_observe_batches_rejected_total",
                "Metric batches refused (about another appliance, over a limit).",
                "counter",
                c.batches_rejected.load(Ordering::Relaxed),
            ),
            (
                "ferry_observe_series_stored_total",
                "Series stored (new or merged), summed over batches.",
                "counter",
                c.series_stored.load(Ordering::Relaxed),
            ),
            (
                "ferry_observe_series_evicted_total",
                "Series dropped to keep the store within its bounds.",
                "counter",
                c.series_evicted.load(Ordering::Relaxed),
            ),
            (
                "ferry_observe_problems_total",
                "Times a controller reported new metrics collection problems (audited).",
                "counter",
                c.problems.load(Ordering::Relaxed),
            ),
            (
                "ferry_observe_series",
                "Series in the store now.",
                "gauge",
                series as u64,
            ),
            (
                "ferry_observe_points",
                "Points in the store now.",
                "gauge",
                points as u64,
            ),
        ] {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}"
            );
        }
        for (name, help, pick) in [
            (
                "ferry_observe_sink_sent_total",
                "Deliveries a metrics sink accepted, by sink.",
                0,
            ),
            (
                "ferry_observe_sink_failed_total",
                "Failed attempts to deliver to a metrics sink (retried), by sink.",
                1,
            ),
            (
                "ferry_observe_sink_dropped_total",
                "Deliveries given up (queue full or out of attempts), by sink.",
                2,
            ),
        ] {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} counter");
            for sink in self.sinks.iter() {
                let c = &sink.counters;
                let v = [&c.sent, &c.failed, &c.dropped][pick].load(Ordering::Relaxed);
                let _ = writeln!(out, "{name}{{sink=\"{}\"}} {v}", sink.kind.name());
            }
        }
    }
}

/// `?since=<ms>`.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricsQuery {
    pub since: Option<i64>,
}

/// `GET /api/v1/appliances/{id}/metrics[?since=<ms>]` → `MetricsSnapshot`.
pub async fn metrics(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Query(q): Query<MetricsQuery>,
) -> Result<Response, ApiError> {
    let b = broker_of(&state)?;
    // The broker decides who sees the appliance (404 for anyone else).
    b.broker
        .appliance(&caller.principal, &id, b.broker.now_ms())
        .await
        .map_err(broker_error)?;
    let snapshot = state.relay.observe.store.snapshot(&id, q.since);
    Ok(json(StatusCode::OK, &snapshot))
}
