//! The edge host (DESIGN §5): one axum server. This issue brings its compile half: the
//! compile API running compiler.wasm in a wasmtime sandbox, the module's bytes, `/healthz`,
//! `/metrics` and the dashboard's static files.
//!
//! | route | answer |
//! |---|---|
//! | `POST /api/v1/compile` | the module's response to the compile request in the body |
//! | `GET /api/v1/compiler` | [`ferry_compiler::api::CompilerInfo`] |
//! | `GET /compiler.wasm` | the module's bytes (`no-cache`, strong ETag = SHA-256; gzip-encoded when accepted) |
//! | `GET /compiler/{sha256}.wasm` | the same bytes, `immutable` |
//! | `/api/v1/auth/…`, `/api/v1/appliances/…`, … | the token broker ([`broker`], `ferry_api::broker`'s table) |
//! | `GET /api/v1/appliances/{id}/events` | the appliance's live events, `text/event-stream` ([`events`]) |
//! | `GET /api/v1/appliances/{id}/metrics` | recent metric series of the appliance ([`observe`]) |
//! | `GET /healthz` | `ok` |
//! | `GET /metrics` | Prometheus text |
//! | `GET /relay/v1/connect` | controllers dial in (WebSocket) — [`relay`] |
//! | `ANY /relay/v1/appliances/{id}/do/v2/...` | the DigitalOcean API, relayed to the appliance's controller |
//! | anything else | `--web-dir` files, or a built-in page at `/`; else a 404 JSON error |
//!
//! Every error is `{"error": {"code", "message"}}` ([`error::ApiError`]).

pub mod broker;
pub mod compile;
pub mod compile_cache;
pub mod error;
pub mod events;
pub mod metrics;
pub mod observe;
pub mod relay;
pub mod sandbox;
mod web;

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{Next, from_fn, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use error::ApiError;
use metrics::Metrics;
use sandbox::{GuestLimits, LoadError, Sandbox};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// Limits of the HTTP surface and of the sandbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    pub guest: GuestLimits,
    /// Largest request body (413 beyond).
    pub max_body_bytes: usize,
    /// Whole-request timeout (408 beyond). The guest's own deadline is much shorter.
    pub request_timeout: Duration,
    /// Compiles that run at once; more wait up to `queue_wait`, then get 503 + `Retry-After`.
    pub max_concurrent_compiles: usize,
    /// How long a compile may wait for a free slot. Zero: refuse at once when all are taken.
    pub queue_wait: Duration,
    /// Bytes of compile answers kept for identical requests ([`compile_cache`]); 0: none.
    pub compile_cache_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let max_concurrent_compiles = (2 * cores).max(2);
        let max_body_bytes = 8 << 20;
        Self {
            guest: GuestLimits {
                max_request_bytes: max_body_bytes,
                // Room for every compile slot plus the odd direct use (start-up check).
                max_instances: u32::try_from(2 * max_concurrent_compiles + 2).unwrap_or(64),
                ..GuestLimits::default()
            },
            max_body_bytes,
            request_timeout: Duration::from_secs(30),
            max_concurrent_compiles,
            queue_wait: Duration::from_millis(500),
            compile_cache_bytes: 64 << 20,
        }
    }
}

/// What `ferry serve` needs.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub data_dir: PathBuf,
    pub web_dir: Option<PathBuf>,
    pub compiler_wasm: PathBuf,
    pub limits: Limits,
}

/// Why the server cannot start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot read compiler.wasm at `{path}`: {source}")]
    ReadWasm {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("refusing `{path}`: {source}")]
    Load { path: PathBuf, source: LoadError },
    #[error("cannot create the data folder `{path}`: {source}")]
    DataDir {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Shared state of the handlers. Cheap to clone.
#[derive(Clone, Debug)]
pub struct AppState {
    pub sandbox: Sandbox,
    pub metrics: Arc<Metrics>,
    /// The relay: connected controllers and the broker gate it asks.
    pub relay: relay::Relay,
    slots: Arc<Semaphore>,
    /// Answers to requests seen before (the compiler is a pure function of the request).
    pub compile_cache: Arc<compile_cache::CompileCache>,
    limits: Arc<Limits>,
    web_dir: Option<PathBuf>,
    /// The token broker and its HTTP settings (`None`: the compile-only edge host).
    pub broker: Option<broker::BrokerState>,
    /// compiler.wasm gzip-encoded, made on the first request that accepts gzip.
    wasm_gzip: Arc<std::sync::OnceLock<Option<axum::body::Bytes>>>,
}

impl AppState {
    pub fn new(sandbox: Sandbox, limits: Limits, web_dir: Option<PathBuf>) -> Self {
        Self {
            sandbox,
            metrics: Arc::new(Metrics::default()),
            relay: relay::Relay::default(),
            slots: Arc::new(Semaphore::new(limits.max_concurrent_compiles)),
            compile_cache: Arc::new(compile_cache::CompileCache::new(limits.compile_cache_bytes)),
            limits: Arc::new(limits),
            web_dir,
            broker: None,
            wasm_gzip: Arc::default(),
        }
    }

    /// compiler.wasm gzip-encoded (`None` if encoding failed: the raw bytes serve then). The
    /// first caller compresses (~0.2 s for 3 MB at the best level) on a blocking thread; the
    /// others wait for that one result. [`serve`] starts it as the server starts.
    pub async fn compiler_wasm_gzip(&self) -> Option<axum::body::Bytes> {
        if let Some(done) = self.wasm_gzip.get() {
            return done.clone();
        }
        let (cell, sandbox) = (self.wasm_gzip.clone(), self.sandbox.clone());
        tokio::task::spawn_blocking(move || {
            cell.get_or_init(|| compile::gzip(sandbox.bytes())).clone()
        })
        .await
        .ok()
        .flatten()
    }

    /// Adds the token broker: its routes answer instead of `503 broker_disabled`.
    pub fn with_broker(mut self, broker: broker::BrokerState) -> Self {
        self.broker = Some(broker);
        self
    }

    /// Reads and validates compiler.wasm and creates the data folder.
    pub fn load(config: &ServerConfig) -> Result<Self, StartError> {
        std::fs::create_dir_all(&config.data_dir).map_err(|source| StartError::DataDir {
            path: config.data_dir.clone(),
            source,
        })?;
        let bytes =
            std::fs::read(&config.compiler_wasm).map_err(|source| StartError::ReadWasm {
                path: config.compiler_wasm.clone(),
                source,
            })?;
        let sandbox = Sandbox::new(bytes, config.limits.guest.clone()).map_err(|source| {
            StartError::Load {
                path: config.compiler_wasm.clone(),
                source,
            }
        })?;
        Ok(Self::new(
            sandbox,
            config.limits.clone(),
            config.web_dir.clone(),
        ))
    }

    /// The same state with this relay (and the broker gate it carries).
    pub fn with_relay(mut self, relay: relay::Relay) -> Self {
        self.relay = relay;
        self
    }

    /// The appliance live-event hub (the relay's: it publishes there).
    pub fn events(&self) -> &events::Events {
        &self.relay.events
    }

    /// Pushes an event to whoever follows the appliance's page now. Never waits.
    pub fn publish(&self, appliance_id: &str, event: ferry_api::observe::ApplianceEvent) {
        self.relay.events.publish(appliance_id, event);
    }

    /// The compile slots (tests hold one to see the 503).
    pub fn compile_slots(&self) -> &Arc<Semaphore> {
        &self.slots
    }

    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    async fn compile_slot(&self) -> Result<OwnedSemaphorePermit, ApiError> {
        let busy = || {
            ApiError::busy(format!(
                "all {} compile slots are busy; retry after the Retry-After delay",
                self.limits.max_concurrent_compiles
            ))
        };
        if let Ok(p) = self.slots.clone().try_acquire_owned() {
            return Ok(p);
        }
        if self.limits.queue_wait.is_zero() {
            return Err(busy());
        }
        match tokio::time::timeout(self.limits.queue_wait, self.slots.clone().acquire_owned()).await
        {
            Ok(Ok(p)) => Ok(p),
            _ => Err(busy()),
        }
    }
}

/// The router: every route, the JSON error fallbacks and the tower layers. No sockets: tests
/// drive it with `tower::ServiceExt::oneshot`.
pub fn app(state: AppState) -> Router {
    let limits = state.limits.clone();
    let router = Router::new()
        .route("/api/v1/compile", post(compile::compile))
        .route("/api/v1/compiler", get(compile::info))
        .merge(broker::routes(&state))
        // Unknown API paths are JSON 404s, never the dashboard.
        .route("/api/{*rest}", any(not_found))
        .route("/compiler.wasm", get(compile::wasm))
        .route("/compiler/{file}", get(compile::wasm_by_hash))
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics));
    let router = match state.web_dir.as_deref().filter(|d| d.is_dir()) {
        Some(dir) => router.fallback_service(web::files(dir)),
        None => router
            .route("/", get(web::builtin_page))
            .fallback(not_found),
    };
    router
        .layer(DefaultBodyLimit::max(limits.max_body_bytes))
        .layer(RequestBodyLimitLayer::new(limits.max_body_bytes))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            limits.request_timeout,
        ))
        .layer(TraceLayer::new_for_http())
        // The relay has its own limits and per-call timeouts (its connections live long).
        .merge(relay::router(state.relay.clone()))
        .layer(from_fn(error::json_errors))
        .layer(from_fn_with_state(state.clone(), track))
        .with_state(state)
}

/// Serves `app` on `listener` until `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // Compress compiler.wasm for browsers now rather than on the first visit's download.
    let warm = state.clone();
    tokio::spawn(async move { warm.compiler_wasm_gzip().await });
    axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

async fn not_found(req: Request) -> ApiError {
    ApiError::not_found(req.uri().path())
}

async fn healthz() -> &'static str {
    "ok\n"
}

async fn metrics(State(state): State<AppState>) -> Response {
    let mut text = state
        .metrics
        .render(state.sandbox.sha256(), state.sandbox.abi_version());
    state.relay.observe.render(&mut text);
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
        )],
        text,
    )
        .into_response()
}

/// Counts every answered request by route template, method and status.
async fn track(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "fallback".to_string(), |m| m.as_str().to_string());
    let method = req.method().as_str().to_string();
    let res = next.run(req).await;
    state
        .metrics
        .request(&route, &method, res.status().as_u16(), started.elapsed());
    res
}
