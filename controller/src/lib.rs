//! `ferry-controller`: the appliance-side agent (DESIGN §2, §6, §7). It runs in the customer's
//! account, is the only process that ever holds a plaintext DigitalOcean token, and never
//! listens on a port.
//!
//! Decisions:
//! * **Dial out only.** One WebSocket to the edge host's relay (`/relay/v1/connect`, TLS via
//!   rustls when the URL is `wss://`/`https://`), authenticated by challenge-response with the
//!   controller's Ed25519 identity key ([`ferry_api::relay`]). Heartbeats both ways; a silent
//!   connection is dropped and re-dialled with capped exponential backoff and full jitter
//!   ([`retry::Backoff`]).
//! * **Policy twice.** The relay checks every call; the controller checks again before it opens
//!   a token ([`exec::check_grant`], [`ferry_api::relay::policy`]): the customer's signature on
//!   the grant with the approval key pinned in the key file, the grant's appliance, phase and
//!   open window, and the phase's rules (Steady-state reads only; Deploy/Operate write only
//!   resources tagged or named with the instance id — a write to an existing resource is
//!   preceded by a read of it). The relay's word is never enough.
//! * **Tokens stay sealed until used.** The sealed token travels with each request; the
//!   controller opens it (X25519 sealed box) for that call only. Plaintext tokens never reach a
//!   log, an error or `Debug` output; logs carry fingerprints.
//! * **DigitalOcean like the official provider.** reqwest with rustls; 429 and 5xx (not 501)
//!   and failed connections are retried up to 4 times with 1–30 s exponential backoff and
//!   jitter, honouring `Retry-After` and `ratelimit-reset`; other 4xx are returned as they are
//!   ([`retry::RetryPolicy`]).
//! * **Creates are idempotent.** A `POST` with an idempotency key is recorded before it is sent
//!   and its answer after ([`idem`], persisted in a state file); a retry of a create whose
//!   outcome is unknown looks the resource up by tag and name before sending it again, so a
//!   dropped connection or a killed controller never makes a second resource.
//! * **Streaming.** Answers are streamed back in 64 KiB chunks as they arrive; requests are
//!   multiplexed, so one large body never holds up another call.

pub mod conn;
pub mod exec;
pub mod fault;
pub mod idem;
pub mod keyfile;
pub mod metrics;
pub mod retry;
#[cfg(any(test, feature = "testing"))]
pub mod testing;

#[cfg(test)]
mod exec_tests;

pub use conn::ConnState;
use conn::Session;
use ferry_api::crypto::{SealingSecretKey, SigningKey, VerifyingKey};
use ferry_api::relay::CONNECT_PATH;
use keyfile::KeyFile;
use retry::{Backoff, RetryPolicy};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;
use tokio::sync::watch;

/// DigitalOcean's API.
pub const DEFAULT_DO_API: &str = "https://api.digitalocean.com";

/// Everything a controller needs.
#[derive(Debug)]
pub struct Config {
    /// The relay's WebSocket URL (`wss://edge.example.com/relay/v1/connect`); see [`relay_url`].
    pub relay_url: String,
    /// DigitalOcean's API origin, or the sandbox cloud's.
    pub do_api: String,
    pub appliance_id: String,
    pub instance_id: String,
    pub identity: SigningKey,
    pub sealing: SealingSecretKey,
    /// The customer's approval key, pinned at install.
    pub approval_key: VerifyingKey,
    /// Where idempotency records live (`None`: memory only).
    pub state_file: Option<PathBuf>,
    pub retry: RetryPolicy,
    pub backoff: Backoff,
    /// How often to ping (the relay's welcome may ask for more often).
    pub heartbeat: Duration,
    pub handshake_timeout: Duration,
    /// Connect timeout and read timeout (between bytes) of DigitalOcean calls.
    pub connect_timeout: Duration,
    pub read_timeout: Duration,
    pub max_body_bytes: usize,
    /// Calls executed at once; more wait.
    pub max_concurrent: usize,
    /// Metrics collection with the Steady-state token ([`metrics`]).
    pub metrics: metrics::MetricsConfig,
}

impl Config {
    /// A configuration from a loaded key file, with defaults for everything else.
    pub fn from_key_file(relay: &str, keys: KeyFile) -> Result<Self, ControllerError> {
        let (appliance_id, instance_id, approval_key) = keys.require()?;
        let state_file = Some(PathBuf::from(format!("{}.state.json", keys.path.display())));
        Ok(Self {
            relay_url: relay_url(relay)?,
            do_api: DEFAULT_DO_API.to_string(),
            appliance_id,
            instance_id,
            identity: keys.identity,
            sealing: keys.sealing,
            approval_key,
            state_file,
            retry: RetryPolicy::default(),
            backoff: Backoff::default(),
            heartbeat: Duration::from_secs(15),
            handshake_timeout: Duration::from_secs(10),
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(60),
            max_body_bytes: 8 << 20,
            max_concurrent: 64,
            metrics: metrics::MetricsConfig::default(),
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ControllerError {
    #[error(transparent)]
    KeyFile(#[from] keyfile::KeyFileError),
    #[error(transparent)]
    State(#[from] idem::StateError),
    #[error(
        "`{0}` is not a relay URL: use wss://HOST[/relay/v1/connect] (or ws:// on loopback, http(s):// is converted)"
    )]
    RelayUrl(String),
    #[error(
        "`{0}` is not a DigitalOcean API URL: use https://api.digitalocean.com or http(s)://HOST[:PORT]"
    )]
    DoApi(String),
    #[error("cannot build the HTTP client: {0}")]
    Http(String),
}

/// Normalises a relay address: `https://edge` → `wss://edge/relay/v1/connect`, `http://` →
/// `ws://`; a URL without a path gets [`CONNECT_PATH`].
pub fn relay_url(given: &str) -> Result<String, ControllerError> {
    let bad = || ControllerError::RelayUrl(given.chars().take(200).collect());
    let (scheme, rest) = given.trim().split_once("://").ok_or_else(bad)?;
    let scheme = match scheme.to_ascii_lowercase().as_str() {
        "wss" | "https" => "wss",
        "ws" | "http" => "ws",
        _ => return Err(bad()),
    };
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    if authority.is_empty() || authority.contains(['@', ' ', '?', '#']) {
        return Err(bad());
    }
    let path = if path.is_empty() || path == "/" {
        CONNECT_PATH
    } else {
        path
    };
    Ok(format!("{scheme}://{authority}{path}"))
}

fn do_api(given: &str) -> Result<String, ControllerError> {
    let trimmed = given.trim().trim_end_matches('/');
    let ok = (trimmed.starts_with("https://") || trimmed.starts_with("http://"))
        && !trimmed.contains(['?', '#', '@', ' '])
        && trimmed.split("://").nth(1).is_some_and(|r| !r.is_empty());
    if ok {
        Ok(trimmed.to_string())
    } else {
        Err(ControllerError::DoApi(given.chars().take(200).collect()))
    }
}

/// A running controller.
#[derive(Debug)]
pub struct Controller {
    state: watch::Receiver<ConnState>,
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
    session: Arc<Session>,
}

impl Controller {
    /// Starts the controller on the current tokio runtime.
    pub fn spawn(config: Config) -> Result<Self, ControllerError> {
        let relay_url = relay_url(&config.relay_url)?;
        let do_api = do_api(&config.do_api)?;
        let http = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .read_timeout(config.read_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| ControllerError::Http(e.to_string()))?;
        let idem = idem::IdemStore::open(config.state_file.clone(), exec::now_ms())?;
        let exec = exec::Executor::new(
            config.appliance_id.clone(),
            config.instance_id,
            config.approval_key,
            config.sealing,
            do_api,
            config.retry,
            http,
            idem,
        );
        let session = Arc::new(Session {
            relay_url,
            appliance_id: config.appliance_id,
            identity: config.identity,
            heartbeat: config.heartbeat,
            handshake_timeout: config.handshake_timeout,
            backoff: config.backoff,
            max_body_bytes: config.max_body_bytes,
            max_concurrent: config.max_concurrent,
            exec,
            connections: Default::default(),
            metrics: config.metrics,
            metrics_status: Default::default(),
        });
        let (state_tx, state) = watch::channel(ConnState::Connecting);
        let (stop, stop_rx) = watch::channel(false);
        let task = tokio::spawn(conn::run(session.clone(), state_tx, stop_rx));
        Ok(Self {
            state,
            stop,
            task,
            session,
        })
    }

    pub fn state(&self) -> ConnState {
        *self.state.borrow()
    }

    /// A receiver that sees every state change.
    pub fn watch(&self) -> watch::Receiver<ConnState> {
        self.state.clone()
    }

    /// How many times the controller has completed a handshake.
    pub fn connections(&self) -> u64 {
        self.session.connections.load(Ordering::Relaxed)
    }

    /// Waits until the controller is connected (or `timeout` passes). Returns whether it is.
    pub async fn wait_connected(&self, timeout: Duration) -> bool {
        let mut rx = self.state.clone();
        tokio::time::timeout(timeout, rx.wait_for(|s| *s == ConnState::Connected))
            .await
            .is_ok_and(|r| r.is_ok())
    }

    /// What metrics collection did so far.
    pub fn metrics_status(&self) -> metrics::MetricsStatus {
        self.session
            .metrics_status
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Stops gracefully: closes the connection, stops reconnecting.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }

    /// Kills the controller's task at once, mid-call if it is in one — as a crash would.
    pub fn kill(self) {
        self.task.abort();
    }

    /// Runs until the task ends (it ends only on [`Controller::shutdown`]).
    pub async fn join(self) {
        let _ = self.task.await;
    }

    /// A handle that stops this controller gracefully (for signal handlers).
    pub fn stopper(&self) -> watch::Sender<bool> {
        self.stop.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relay_urls_are_normalised() {
        for (given, want) in [
            (
                "https://edge.example.com",
                "wss://edge.example.com/relay/v1/connect",
            ),
            (
                "wss://edge.example.com/",
                "wss://edge.example.com/relay/v1/connect",
            ),
            (
                "http://127.0.0.1:8080",
                "ws://127.0.0.1:8080/relay/v1/connect",
            ),
            (
                "ws://127.0.0.1:8080/relay/v1/connect",
                "ws://127.0.0.1:8080/relay/v1/connect",
            ),
            (
                "wss://edge.example.com/custom/path",
                "wss://edge.example.com/custom/path",
            ),
        ] {
            assert_eq!(relay_url(given).expect(given), want);
        }
        for bad in [
            "edge.example.com",
            "ftp://edge",
            "wss://",
            "wss://user@edge/",
        ] {
            let err = relay_url(bad).expect_err(bad).to_string();
            assert!(err.contains("wss://"), "{err}");
        }
        assert_eq!(
            do_api("http://127.0.0.1:9/").expect("ok"),
            "http://127.0.0.1:9"
        );
        assert!(do_api("api.digitalocean.com").is_err());
    }
}
