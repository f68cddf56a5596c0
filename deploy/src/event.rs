//! Progress events: what the engine is doing to which resource, as it happens.
//!
//! The CLI prints them; the edge host will stream them to the dashboard (server-sent events), so
//! they serialise to JSON: `{"address", "type", "at_ms", "event": "created", "duration_ms": …}`.
//! When that stream crosses a process boundary the shape belongs in `ferry-api`, which can
//! re-export this type as it re-exports the compiler's request shapes. Events never carry a
//! value of the stack or of the API: only addresses, states, durations and error messages.

use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// One step of one resource.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// `digitalocean_vpc.main`, `module.app.digitalocean_droplet.app[0]`.
    pub address: String,
    #[serde(rename = "type")]
    pub tf_type: String,
    /// Milliseconds since the run started.
    pub at_ms: u64,
    #[serde(flatten)]
    pub kind: EventKind,
}

/// What happened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum EventKind {
    /// At the start, what the run will do with this resource (`apply`, `read`, `local`, `skip`)
    /// and its place in the dependency order; in a dry run, per instance, the outcome a deploy
    /// would have (`create`, `update`, `unchanged`), without a position.
    Planned {
        action: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        position: Option<usize>,
    },
    Creating,
    Updating {
        fields: Vec<String>,
    },
    /// Provisioning (or deletion) in progress; emitted when the status changes.
    Waiting {
        status: String,
        elapsed_ms: u64,
    },
    Created {
        duration_ms: u64,
    },
    Updated {
        fields: Vec<String>,
        duration_ms: u64,
    },
    Unchanged {
        duration_ms: u64,
    },
    /// Not applied by the engine, and why.
    Skipped {
        reason: String,
    },
    Failed {
        error: String,
    },
    Deleting,
    Deleted {
        duration_ms: u64,
    },
    /// Nothing to delete: it does not exist.
    Absent,
    /// Something the user should know that did not stop the resource.
    Note {
        message: String,
    },
}

/// Where events go. Called from the engine's tasks: keep it quick (push to a channel).
pub type EventSink = Arc<dyn Fn(&Event) + Send + Sync>;

/// A sink that drops everything.
pub fn discard() -> EventSink {
    Arc::new(|_| {})
}

/// A sink that forwards into an unbounded tokio channel (for a server-sent-events stream).
pub fn channel() -> (EventSink, tokio::sync::mpsc::UnboundedReceiver<Event>) {
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let sink: EventSink = Arc::new(move |e: &Event| {
        // A closed receiver means nobody watches any more; the run goes on.
        let _ = tx.send(e.clone());
    });
    (sink, rx)
}

impl Event {
    /// One line for a terminal.
    pub fn line(&self) -> String {
        let secs = |ms: u64| format!("{:.1}s", ms as f64 / 1000.0);
        let what = match &self.kind {
            EventKind::Planned { action, .. } => format!("planned: {action}"),
            EventKind::Creating => "creating…".to_string(),
            EventKind::Updating { fields } => format!("updating {}…", fields.join(", ")),
            EventKind::Waiting { status, elapsed_ms } => {
                format!("waiting: {status} ({})", secs(*elapsed_ms))
            }
            EventKind::Created { duration_ms } => format!("created ({})", secs(*duration_ms)),
            EventKind::Updated {
                fields,
                duration_ms,
            } => format!("updated {} ({})", fields.join(", "), secs(*duration_ms)),
            EventKind::Unchanged { .. } => "unchanged".to_string(),
            EventKind::Skipped { reason } => format!("skipped: {reason}"),
            EventKind::Failed { error } => format!("FAILED: {error}"),
            EventKind::Deleting => "deleting…".to_string(),
            EventKind::Deleted { duration_ms } => format!("deleted ({})", secs(*duration_ms)),
            EventKind::Absent => "absent".to_string(),
            EventKind::Note { message } => format!("note: {message}"),
        };
        format!("{:>7} {} {what}", secs(self.at_ms), self.address)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_flat_for_the_dashboard() {
        let e = Event {
            address: "digitalocean_vpc.main".into(),
            tf_type: "digitalocean_vpc".into(),
            at_ms: 1500,
            kind: EventKind::Created { duration_ms: 1200 },
        };
        let j = serde_json::to_value(&e).expect("serialises");
        assert_eq!(
            j,
            serde_json::json!({"address": "digitalocean_vpc.main", "type": "digitalocean_vpc", "at_ms": 1500, "event": "created", "duration_ms": 1200})
        );
        let back: Event = serde_json::from_value(j).expect("parses");
        assert_eq!(back, e);
        assert_eq!(e.line(), "   1.5s digitalocean_vpc.main created (1.2s)");
    }

    #[tokio::test]
    async fn channel_sink_forwards() {
        let (sink, mut rx) = channel();
        sink(&Event {
            address: "a".into(),
            tf_type: "t".into(),
            at_ms: 0,
            kind: EventKind::Creating,
        });
        assert_eq!(rx.recv().await.map(|e| e.kind), Some(EventKind::Creating));
    }
}
