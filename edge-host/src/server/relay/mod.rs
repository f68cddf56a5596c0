//! The relay (DESIGN §5, §7): controllers dial in over WebSocket; the deployment stack's
//! DigitalOcean provider calls a DigitalOcean-compatible endpoint; every call is authorized,
//! checked against the phase's policy, audited, and multiplexed to the appliance's controller.
//!
//! | route | what |
//! |---|---|
//! | `GET /relay/v1/connect` | WebSocket upgrade; the controller's challenge-response handshake ([`ferry_api::relay`]) |
//! | `ANY /relay/v1/appliances/{id}/do/v2/{*rest}` | the DigitalOcean API, relayed (`api_endpoint = "<edge>/relay/v1/appliances/<id>/do/"`) |
//! | `ANY /relay/v1/appliances/{id}/v2/{*rest}` | the same: godo resolves `v2/…` against its base URL, so an `api_endpoint` without the trailing `/` drops its last segment (`…/do` → `…/v2/…`) |
//!
//! Answers are DigitalOcean-shaped (`{"id", "message"}`), as the provider expects: 401 for an
//! unknown or revoked session credential, 403 for what the phase does not allow (audited), 503
//! with `Retry-After` when the controller is offline, 504 when it does not answer in time.
//! Pagination links in answers (`links.pages.*`, `links.actions[].href`) point back at the relay.
//!
//! The relay knows the broker only through [`gate::RelayGate`]; it holds no token in clear — it
//! passes the phase's *sealed* token to the controller, which alone can open it.

pub mod broker_gate;
pub mod connect;
pub mod gate;
pub mod hub;
pub mod proxy;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{any, get};
use gate::{NoBroker, RelayEvent, RelayGate};
use hub::Hub;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;
use tokio::sync::{Semaphore, mpsc};

/// Tunables of the relay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelayConfig {
    /// The edge host's public URL (`https://edge.example.com`): pagination links are rewritten
    /// to it and controllers' proofs must name its host. Default: the request's `Host`, `http`.
    pub public_url: Option<String>,
    /// How long a call may wait for its answer's head, and for each body chunk after it.
    pub call_timeout: Duration,
    pub handshake_timeout: Duration,
    /// How often each side pings; three silent intervals close the connection.
    pub heartbeat: Duration,
    /// Largest request body relayed.
    pub max_body_bytes: usize,
    /// Largest answer that is buffered to rewrite its links; larger ones stream unchanged.
    pub max_rewrite_bytes: usize,
    /// Calls in flight per controller.
    pub max_in_flight: usize,
    /// Controller connections at once (handshaking included).
    pub max_controllers: usize,
    /// Frames queued towards one controller.
    pub outbound_queue: usize,
    /// While a call waits, its session is re-authorized this often: a revoked session is cut
    /// mid-call.
    pub reauth_interval: Duration,
    /// `Retry-After` seconds when the controller is offline.
    pub offline_retry_after: u32,
    /// How often the relay asks the broker whether an appliance's Steady-state token changed
    /// (switched on/off, replaced, removed), to tell its controller (protocol version 2).
    pub steady_state_poll: Duration,
}

impl Default for RelayConfig {
    fn default() -> Self {
        Self {
            public_url: None,
            call_timeout: Duration::from_secs(120),
            handshake_timeout: Duration::from_secs(10),
            heartbeat: Duration::from_secs(15),
            max_body_bytes: 8 << 20,
            max_rewrite_bytes: 8 << 20,
            max_in_flight: 256,
            max_controllers: 20_000,
            outbound_queue: 64,
            reauth_interval: Duration::from_millis(500),
            offline_retry_after: 5,
            steady_state_poll: Duration::from_secs(10),
        }
    }
}

const MAX_OWNED_PER_APPLIANCE: usize = 10_000;

/// The relay's shared state. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Relay {
    pub gate: Arc<dyn RelayGate>,
    pub hub: Arc<Hub>,
    pub config: Arc<RelayConfig>,
    /// The appliance live-event hub: controller presence and every relayed call are published
    /// there (never waiting on subscribers).
    pub events: crate::server::events::Events,
    /// appliance → resource paths known to be the appliance's (created through the relay, or
    /// checked by reading them through the controller).
    owned: Arc<Mutex<HashMap<String, HashSet<String>>>>,
    connections: Arc<Semaphore>,
    audit_queue: Arc<OnceLock<mpsc::Sender<RelayEvent>>>,
    /// Where controllers' metric batches go (shared with the metrics route).
    pub observe: crate::server::observe::Observe,
}

impl Default for Relay {
    fn default() -> Self {
        Self::new(Arc::new(NoBroker), RelayConfig::default())
    }
}

/// Unix milliseconds now.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

impl Relay {
    pub fn new(gate: Arc<dyn RelayGate>, config: RelayConfig) -> Self {
        Self {
            gate,
            hub: Arc::new(Hub::default()),
            connections: Arc::new(Semaphore::new(config.max_controllers)),
            config: Arc::new(config),
            events: crate::server::events::Events::default(),
            owned: Arc::default(),
            audit_queue: Arc::new(OnceLock::new()),
            observe: crate::server::observe::Observe::default(),
        }
    }

    /// The same relay publishing to `events` (tests set small caps).
    pub fn with_events(mut self, events: crate::server::events::Events) -> Self {
        self.events = events;
        self
    }

    /// The same relay delivering metric batches to `observe` (its store and sinks).
    pub fn with_observe(mut self, observe: crate::server::observe::Observe) -> Self {
        self.observe = observe;
        self
    }

    /// Whether the appliance's controller is connected now.
    pub fn controller_connected(&self, appliance_id: &str) -> bool {
        self.hub.is_connected(appliance_id)
    }

    /// Queues an audit record. One writer task appends them in order; the call does not wait
    /// for the store (a relayed call's latency does not include the audit write).
    pub async fn audit(&self, event: RelayEvent) {
        let queue = self.audit_queue.get_or_init(|| {
            let (tx, mut rx) = mpsc::channel::<RelayEvent>(4096);
            let gate = self.gate.clone();
            tokio::spawn(async move {
                while let Some(event) = rx.recv().await {
                    if let Err(e) = gate.audit(event).await {
                        tracing::error!(error = %e, "cannot write an audit record");
                    }
                }
            });
            tx
        });
        if queue.send(event).await.is_err() {
            tracing::error!("the audit writer stopped; a record was lost");
        }
    }

    pub(crate) fn owns(&self, appliance_id: &str, root: &str) -> bool {
        self.owned
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(appliance_id)
            .is_some_and(|s| s.contains(root))
    }

    pub(crate) fn remember_owned(&self, appliance_id: &str, root: String) {
        let mut owned = self.owned.lock().unwrap_or_else(|p| p.into_inner());
        let set = owned.entry(appliance_id.to_string()).or_default();
        if set.len() >= MAX_OWNED_PER_APPLIANCE {
            set.clear();
        }
        set.insert(root);
    }
}

impl crate::server::broker::ControllerPresence for Relay {
    fn connected(&self, appliance_id: &str) -> bool {
        self.controller_connected(appliance_id)
    }

    fn steady_state_changed(&self, appliance_id: &str) {
        // A stored permit: a watcher busy with the broker looks again right after.
        if let Some(link) = self.hub.get(appliance_id) {
            link.steady_state_changed.notify_one();
        }
    }
}

/// The relay's routes, with their own body limit (the edge host's timeout layer does not
/// apply: calls have their own per-call timeout, and connections live long).
pub fn router<S>(relay: Relay) -> Router<S> {
    let limit = relay.config.max_body_bytes;
    Router::new()
        .route(ferry_api::relay::CONNECT_PATH, get(connect::connect))
        .route(
            "/relay/v1/appliances/{appliance}/do/v2/{*rest}",
            any(proxy::do_api),
        )
        .route(
            "/relay/v1/appliances/{appliance}/v2/{*rest}",
            any(proxy::do_api),
        )
        .layer(DefaultBodyLimit::max(limit))
        .with_state(relay)
}
