//! `ferry serve`: the edge host.

use anyhow::{Context, Result, bail};
use clap::Args;
use ferry::server::broker::{BrokerConfig, BrokerState};
use ferry::server::observe::{Observe, Sink, SinkKind};
use ferry::server::relay::{Relay, RelayConfig};
use ferry::server::{AppState, Limits, ServerConfig};
use ferry_broker::{Broker, Location, SystemClock};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// Where `cargo build --profile wasm --target wasm32-unknown-unknown -p ferry-compiler-wasm` puts
/// the module, relative to the cargo target folder.
const BUILT_MODULE: &str = "wasm32-unknown-unknown/wasm/ferry_compiler_wasm.wasm";

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Where the edge host keeps its state (created if missing).
    #[arg(long, default_value = "./ferry-data")]
    pub data_dir: PathBuf,
    /// The built dashboard to serve (default: a built-in page saying it is not built).
    #[arg(long)]
    pub web_dir: Option<PathBuf>,
    /// compiler.wasm to run [default: $FERRY_COMPILER_WASM, else the module cargo built next to
    /// this binary]
    #[arg(long)]
    pub compiler_wasm: Option<PathBuf>,
    /// Memory cap of one compile, in MiB.
    #[arg(long, default_value_t = 256)]
    pub guest_memory_mib: usize,
    /// Wall-clock deadline of one compile, in milliseconds.
    #[arg(long, default_value_t = 2000)]
    pub guest_deadline_ms: u64,
    /// Fuel budget of one compile (default: no fuel metering; the deadline still applies).
    #[arg(long)]
    pub guest_fuel: Option<u64>,
    /// Largest request body, in MiB.
    #[arg(long, default_value_t = 8)]
    pub max_body_mib: usize,
    /// Compiles that run at once (default: twice the number of cores).
    #[arg(long)]
    pub max_concurrent_compiles: Option<usize>,
    /// Memory for answers to repeated compile requests, in MiB (0: compile every request).
    #[arg(long, default_value_t = 64)]
    pub compile_cache_mib: usize,
    /// The broker's database: `postgres://user:pass@host/db` [default: SQLite at
    /// DATA_DIR/ferry.db, created on first start]
    #[arg(long, env = "FERRY_DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,
    /// The public base URL of this edge host (invitation links, the relay URL compiled into
    /// releases) [default: http://LISTEN]
    #[arg(long)]
    pub public_url: Option<String>,
    /// An origin allowed to call the API cross-origin (repeatable; default: same-origin only).
    #[arg(long = "allowed-origin")]
    pub allowed_origins: Vec<String>,
    /// The vendor's name, used when the first start bootstraps the vendor account.
    #[arg(long, default_value = "Vendor")]
    pub vendor_name: String,
    /// Where the embedded sandbox cloud listens [default: the --listen address, port + 10]
    #[arg(long)]
    pub sandbox_listen: Option<SocketAddr>,
    /// Do not start the embedded sandbox cloud.
    #[arg(long)]
    pub no_sandbox: bool,
    /// How long the embedded sandbox's clusters, databases, droplets, load balancers and actions
    /// stay pending (ms); small values make demos and tests fast.
    #[arg(long, default_value_t = 1000)]
    pub sandbox_settle_ms: u64,
    /// Forward appliances' metrics to this OTLP/HTTP endpoint (JSON encoding), e.g.
    /// http://collector:4318 (`/v1/metrics` is appended unless the URL ends with it).
    #[arg(long)]
    pub otlp_endpoint: Option<String>,
    /// Forward appliances' metrics to this Prometheus remote-write 1.0 URL, e.g.
    /// http://prometheus:9090/api/v1/write.
    #[arg(long)]
    pub remote_write_url: Option<String>,
}

/// The file the first start writes the vendor's API key to (mode 0600), under the data folder.
pub const VENDOR_KEY_FILE: &str = "vendor-api-key";

/// Logs to stderr; `RUST_LOG` overrides `default`.
pub fn init_logging(default: &str) {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| default.into()),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
}

pub fn run(args: ServeArgs) -> Result<ExitCode> {
    init_logging("ferry=info,tower_http=warn");
    let mut limits = Limits::default();
    if let Some(n) = args.max_concurrent_compiles {
        limits.max_concurrent_compiles = n;
        limits.guest.max_instances = u32::try_from(2 * n + 2).context("too many compile slots")?;
    }
    limits.max_body_bytes = args.max_body_mib << 20;
    limits.guest.max_request_bytes = limits.max_body_bytes;
    limits.guest.max_memory_bytes = args.guest_memory_mib << 20;
    limits.guest.deadline = Duration::from_millis(args.guest_deadline_ms);
    limits.guest.fuel = args.guest_fuel;
    limits.compile_cache_bytes = args.compile_cache_mib << 20;
    let config = ServerConfig {
        data_dir: args.data_dir,
        web_dir: args.web_dir,
        compiler_wasm: compiler_wasm(args.compiler_wasm)?,
        limits,
    };
    if let Some(dir) = config.web_dir.as_deref().filter(|d| !d.is_dir()) {
        tracing::warn!(
            "web dir `{}` does not exist; serving the built-in page",
            dir.display()
        );
    }
    let state = AppState::load(&config)?;
    tracing::info!(
        sha256 = state.sandbox.sha256(),
        abi_version = state.sandbox.abi_version(),
        "loaded `{}`",
        config.compiler_wasm.display()
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let location = match &args.database_url {
        Some(url) => Location::parse_url(url)?,
        None => Location::in_data_dir(&config.data_dir),
    };
    let broker = runtime
        .block_on(Broker::open(&location, std::sync::Arc::new(SystemClock)))
        .with_context(|| format!("cannot open the broker's store ({})", location.describe()))?;
    tracing::info!("broker store: {}", location.describe());
    bootstrap(&runtime, &broker, &args.vendor_name, &config.data_dir)?;
    let data_dir = config.data_dir.clone();
    runtime.block_on(async move {
        if !args.no_sandbox {
            let listen = args
                .sandbox_listen
                .unwrap_or_else(|| super::sandbox::default_listen(args.listen));
            let sb =
                super::sandbox::start_embedded(&data_dir, listen, args.sandbox_settle_ms).await?;
            eprintln!(
                "ferry serve: sandbox cloud (DigitalOcean API) on {}, token in {}",
                sb.url,
                sb.token_file.display()
            );
        }
        let listener = tokio::net::TcpListener::bind(args.listen)
            .await
            .with_context(|| format!("cannot listen on {}", args.listen))?;
        let addr = listener.local_addr()?;
        let mut broker_config = BrokerConfig::new(
            args.public_url
                .clone()
                .unwrap_or_else(|| format!("http://{addr}")),
        );
        broker_config.allowed_origins = args
            .allowed_origins
            .iter()
            .map(|o| o.trim_end_matches('/').to_string())
            .collect();
        // The relay asks the broker on every call; the broker's appliance answers ask the relay
        // whether the controller is connected.
        let mut sinks = Vec::new();
        for (kind, url, flag) in [
            (SinkKind::Otlp, &args.otlp_endpoint, "--otlp-endpoint"),
            (
                SinkKind::RemoteWrite,
                &args.remote_write_url,
                "--remote-write-url",
            ),
        ] {
            if let Some(url) = url {
                sinks.push(Sink::spawn(kind, url).context(flag)?);
                eprintln!(
                    "ferry serve: forwarding appliance metrics to {} ({flag})",
                    kind.name()
                );
            }
        }
        let relay = Relay::new(
            std::sync::Arc::new(broker.clone()),
            RelayConfig {
                public_url: args.public_url.clone(),
                ..RelayConfig::default()
            },
        )
        .with_observe(Observe::default().with_sinks(sinks));
        let broker_state = BrokerState::new(broker, broker_config)
            .with_presence(std::sync::Arc::new(relay.clone()));
        let state = state.with_broker(broker_state).with_relay(relay);
        tracing::info!("ferry edge host listening on http://{addr}");
        eprintln!("ferry serve: listening on http://{addr}");
        ferry::server::serve(listener, state, shutdown_signal())
            .await
            .context("server failed")
    })?;
    Ok(ExitCode::SUCCESS)
}

/// First start: creates the vendor and writes its API key to `DATA_DIR/vendor-api-key` (0600).
/// Prints the file's path, never the key.
fn bootstrap(
    runtime: &tokio::runtime::Runtime,
    broker: &Broker,
    vendor_name: &str,
    data_dir: &std::path::Path,
) -> Result<()> {
    let Some(key) = runtime.block_on(broker.bootstrap_vendor(vendor_name, broker.now_ms()))? else {
        return Ok(());
    };
    let path = data_dir.join(VENDOR_KEY_FILE);
    write_secret_file(&path, &format!("{}\n", key.secret))
        .with_context(|| format!("cannot write the vendor API key to `{}`", path.display()))?;
    tracing::info!(
        "bootstrapped vendor `{vendor_name}`; API key in {}",
        path.display()
    );
    eprintln!(
        "ferry serve: created the vendor `{vendor_name}`; its API key is in {} (mode 0600). \
         Use it with `ferry --api-key-file {}` or sign in to the dashboard with it.",
        path.display(),
        path.display()
    );
    Ok(())
}

/// Writes `text` to a file only its owner can read.
pub fn write_secret_file(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    // An older file may have had wider permissions.
    #[cfg(unix)]
    file.set_permissions(std::os::unix::fs::PermissionsExt::from_mode(0o600))?;
    file.write_all(text.as_bytes())?;
    file.sync_all()
}

fn compiler_wasm(flag: Option<PathBuf>) -> Result<PathBuf> {
    if let Some(p) = flag.or_else(|| std::env::var_os("FERRY_COMPILER_WASM").map(PathBuf::from)) {
        return Ok(p);
    }
    // target/<profile>/ferry → target/wasm32-unknown-unknown/wasm/…
    let exe = std::env::current_exe().context("cannot locate the ferry binary")?;
    if let Some(target) = exe.parent().and_then(|p| p.parent()) {
        let candidate = target.join(BUILT_MODULE);
        if candidate.is_file() {
            return Ok(candidate);
        }
    }
    bail!(
        "no compiler.wasm found: pass --compiler-wasm PATH (or set FERRY_COMPILER_WASM); build it with \
         `cargo build --profile wasm --target wasm32-unknown-unknown -p ferry-compiler-wasm`"
    )
}

pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down");
}
