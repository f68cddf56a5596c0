//! What an appliance looks like while it runs: metric series the controller reads with the
//! Steady-state token, and the live activity stream the dashboard's appliance page follows.
//!
//! | route | who | shape |
//! |---|---|---|
//! | `GET /api/v1/appliances/{id}/metrics[?since=<ms>]` | both | → [`MetricsSnapshot`] |
//! | `GET /api/v1/appliances/{id}/events` | both | `text/event-stream`; each event's `data:` is one [`ApplianceEvent`] as JSON, its `event:` is [`ApplianceEvent::name`] |
//!
//! Values are plain numbers with a unit; times are Unix milliseconds. No shape here carries a
//! token, a credential or a request body.

use crate::grant::Phase;
use serde::{Deserialize, Serialize};

/// The recent metric series of one appliance, as the edge host keeps them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricsSnapshot {
    pub appliance_id: String,
    /// When the controller last delivered a batch; `None` when none arrived yet.
    #[serde(default)]
    pub collected_at_ms: Option<i64>,
    pub series: Vec<Series>,
}

/// One metric of one resource over time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Series {
    pub resource: ResourceRef,
    /// `cpu_percent`, `memory_percent`, `disk_percent`, `connections`, `requests_per_second`, …
    pub metric: String,
    /// `%`, `bytes`, `count`, `1/s`, …
    pub unit: String,
    /// `(at_ms, value)`, oldest first.
    pub points: Vec<(i64, f64)>,
}

/// The DigitalOcean resource a series is about (one the appliance's `instance-id:` tag marks).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ResourceRef {
    /// `droplet`, `kubernetes_node`, `database`, `load_balancer`, `volume`.
    pub kind: String,
    pub id: String,
    #[serde(default)]
    pub name: String,
}

/// One thing that happened to an appliance, pushed live to the appliance page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ApplianceEvent {
    /// The controller connected (after proving its identity) or went away.
    Controller {
        at_ms: i64,
        connected: bool,
        /// `ferry-controller/<version>` when connected.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        agent: Option<String>,
    },
    /// A relayed DigitalOcean call finished (or was refused before reaching the controller).
    Call {
        at_ms: i64,
        phase: Option<Phase>,
        method: String,
        /// `/v2/...` without the query.
        path: String,
        status: u16,
        duration_ms: u64,
        /// The deploy session's id (never its credential), when the call carried one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        session_id: Option<String>,
    },
    /// The controller delivered a batch of metrics.
    Metrics { at_ms: i64, series: usize },
}

impl ApplianceEvent {
    /// The SSE `event:` name: `controller`, `call` or `metrics`.
    pub fn name(&self) -> &'static str {
        match self {
            ApplianceEvent::Controller { .. } => "controller",
            ApplianceEvent::Call { .. } => "call",
            ApplianceEvent::Metrics { .. } => "metrics",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_tagged_and_named_alike() {
        let e = ApplianceEvent::Call {
            at_ms: 5,
            phase: Some(Phase::Deploy),
            method: "POST".into(),
            path: "/v2/vpcs".into(),
            status: 201,
            duration_ms: 12,
            session_id: Some("ses_1".into()),
        };
        let json = serde_json::to_value(&e).expect("serializes");
        assert_eq!(json["type"], e.name());
        assert_eq!(json["phase"], "deploy");
        let back: ApplianceEvent = serde_json::from_value(json).expect("round trip");
        assert_eq!(back, e);
        let m = ApplianceEvent::Metrics {
            at_ms: 1,
            series: 3,
        };
        assert_eq!(serde_json::to_value(&m).expect("ok")["type"], m.name());
    }

    #[test]
    fn snapshot_points_are_pairs() {
        let s = MetricsSnapshot {
            appliance_id: "app-1".into(),
            collected_at_ms: Some(10),
            series: vec![Series {
                resource: ResourceRef {
                    kind: "droplet".into(),
                    id: "42".into(),
                    name: "web".into(),
                },
                metric: "cpu_percent".into(),
                unit: "%".into(),
                points: vec![(1, 0.5), (2, 0.75)],
            }],
        };
        let json = serde_json::to_value(&s).expect("serializes");
        assert_eq!(json["series"][0]["points"][1][1], 0.75);
        assert_eq!(
            serde_json::from_value::<MetricsSnapshot>(json).expect("back"),
            s
        );
    }
}
