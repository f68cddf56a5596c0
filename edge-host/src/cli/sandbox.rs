//! `ferry sandbox`: the sandbox cloud (a local DigitalOcean API) on its own, and the embedded
//! copy `ferry serve` starts beside the edge host.
//!
//! State lives in `<data-dir>/sandbox-cloud.db`. On every start the sandbox makes sure of two
//! files in the data dir (mode 0600, created once, then reused):
//! * `token` — a full-access `dop_v1_…` token for demos, registered with the sandbox;
//! * `admin-token` — the bearer token of the admin API (`/_sandbox/tokens`, `/_sandbox/resources`).
//!
//! `--token-file F` (repeatable) registers more tokens: a JSON object or array of objects
//! `{"token": "dop_v1_…", "scopes": ["droplet:read", …], "expires_at": "2030-01-01T00:00:00Z",
//! "rate_limit": {"per_hour": 5000, "per_minute": 250}}` (`expires_at` and `rate_limit` optional).

use anyhow::{Context, Result, bail};
use clap::Args;
use ferry_sandbox_cloud::{Config, NewToken, RateLimit, Sandbox, SystemClock};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

#[derive(Args, Debug)]
pub struct SandboxArgs {
    /// Address to listen on (loopback by default).
    #[arg(long, default_value = "127.0.0.1:8090")]
    pub listen: SocketAddr,
    /// Where the sandbox keeps its SQLite database and token files (created if missing).
    #[arg(long, default_value = "./ferry-data/sandbox")]
    pub data_dir: PathBuf,
    /// More tokens to register: a JSON file (object or array of {token, scopes, expires_at?,
    /// rate_limit?}). Repeatable.
    #[arg(long = "token-file")]
    pub token_files: Vec<PathBuf>,
    /// How long clusters, databases, droplets, load balancers and actions stay pending (ms).
    #[arg(long, default_value_t = 1000)]
    pub settle_ms: u64,
    /// Droplets (DOKS nodes included) the account may have.
    #[arg(long, default_value_t = 25)]
    pub droplet_limit: u32,
    /// Requests per token per rolling hour (tokens without a limit of their own).
    #[arg(long, default_value_t = 5000)]
    pub rate_per_hour: u32,
    /// Requests per token per minute (burst).
    #[arg(long, default_value_t = 250)]
    pub rate_per_minute: u32,
}

/// A running sandbox.
#[derive(Debug)]
pub struct Started {
    pub url: String,
    pub token_file: PathBuf,
}

pub fn run(args: SandboxArgs) -> Result<ExitCode> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "ferry=info,ferry_sandbox_cloud=info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async move {
        let started = start(&args, args.listen).await?;
        eprintln!("ferry sandbox: listening on {}", started.url);
        eprintln!(
            "ferry sandbox: full-access token in {}",
            started.token_file.display()
        );
        let _ = tokio::signal::ctrl_c().await;
        Ok::<_, anyhow::Error>(())
    })?;
    Ok(ExitCode::SUCCESS)
}

/// Opens the sandbox of `args.data_dir`, registers its tokens and serves it on `listen` in a
/// background task of the current runtime (it stops with the runtime).
pub async fn start(args: &SandboxArgs, listen: SocketAddr) -> Result<Started> {
    std::fs::create_dir_all(&args.data_dir)
        .with_context(|| format!("cannot create {}", args.data_dir.display()))?;
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("the sandbox cloud cannot listen on {listen}"))?;
    let addr = listener.local_addr()?;
    let url = format!("http://{addr}");
    let token_file = args.data_dir.join("token");
    let token = secret_file(&token_file)?;
    let admin = secret_file(&args.data_dir.join("admin-token"))?;
    let config = Config {
        settle: Duration::from_millis(args.settle_ms),
        droplet_limit: args.droplet_limit,
        rate_limit: RateLimit {
            per_hour: args.rate_per_hour,
            per_minute: args.rate_per_minute,
        },
        public_url: Some(url.clone()),
        admin_token: Some(admin),
        ..Config::default()
    };
    let db = args.data_dir.join("sandbox-cloud.db");
    let db = db
        .to_str()
        .with_context(|| format!("{} is not UTF-8", db.display()))?
        .to_string();
    let sandbox = Sandbox::open(&db, config, Arc::new(SystemClock))
        .await
        .with_context(|| format!("cannot open the sandbox database {db}"))?;
    sandbox
        .add_token(NewToken {
            token,
            scopes: vec!["*".into()],
            expires_at: None,
            rate_limit: None,
        })
        .await?;
    for f in &args.token_files {
        for t in read_token_file(f)? {
            sandbox
                .add_token(t)
                .await
                .with_context(|| format!("{}", f.display()))?;
        }
    }
    tokio::spawn(async move {
        if let Err(e) = ferry_sandbox_cloud::serve(listener, sandbox, std::future::pending()).await
        {
            tracing::error!("sandbox cloud stopped: {e}");
        }
    });
    Ok(Started { url, token_file })
}

/// The embedded sandbox of `ferry serve`: `<data-dir>/sandbox`, on `listen`.
pub async fn start_embedded(
    data_dir: &Path,
    listen: SocketAddr,
    settle_ms: u64,
) -> Result<Started> {
    let args = SandboxArgs {
        listen,
        data_dir: data_dir.join("sandbox"),
        token_files: Vec::new(),
        settle_ms,
        droplet_limit: 25,
        rate_per_hour: 5000,
        rate_per_minute: 250,
    };
    start(&args, listen).await.context(
        "the embedded sandbox cloud did not start (choose another address with --sandbox-listen, or --no-sandbox)",
    )
}

/// `ferry serve`'s default sandbox address: the edge host's address with the port + 10
/// (8080 → 8090), or an ephemeral port when the edge host's is.
pub fn default_listen(edge: SocketAddr) -> SocketAddr {
    let port = match edge.port() {
        0 => 0,
        p => p.saturating_add(10),
    };
    SocketAddr::new(edge.ip(), port)
}

/// A secret kept in a file: read it, or create it (0600) with a new `dop_v1_…` token.
fn secret_file(path: &Path) -> Result<String> {
    if let Ok(text) = std::fs::read_to_string(path) {
        let t = text.trim().to_string();
        if t.is_empty() {
            bail!("{} is empty: delete it to get a new token", path.display());
        }
        return Ok(t);
    }
    let token = format!(
        "dop_v1_{}",
        ferry_api::crypto::hex(&ferry_api::crypto::random_bytes::<32>())
    );
    write_private(path, &format!("{token}\n"))?;
    Ok(token)
}

fn write_private(path: &Path, text: &str) -> Result<()> {
    use std::io::Write as _;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let mut f = opts
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    f.write_all(text.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenEntry {
    token: String,
    scopes: Vec<String>,
    #[serde(default)]
    expires_at: Option<String>,
    #[serde(default)]
    rate_limit: Option<RateLimit>,
}

fn read_token_file(path: &Path) -> Result<Vec<NewToken>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let value: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("{} is not JSON", path.display()))?;
    let entries = match value {
        serde_json::Value::Array(a) => a,
        v => vec![v],
    };
    let mut out = Vec::new();
    for (i, e) in entries.into_iter().enumerate() {
        let e: TokenEntry = serde_json::from_value(e).with_context(|| {
            format!(
                "{} entry {i}: expected {{\"token\", \"scopes\", \"expires_at\"?, \"rate_limit\"?}}",
                path.display()
            )
        })?;
        let expires_at = match e.expires_at {
            Some(s) => {
                let ms = ferry_sandbox_cloud::clock::parse_rfc3339(&s).with_context(|| {
                    format!(
                        "{} entry {i}: `expires_at` `{s}` is not an RFC 3339 UTC time",
                        path.display()
                    )
                })?;
                Some(UNIX_EPOCH + Duration::from_millis(u64::try_from(ms).unwrap_or(0)))
            }
            None => None,
        };
        out.push(NewToken {
            token: e.token,
            scopes: e.scopes,
            expires_at,
            rate_limit: e.rate_limit,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sandbox_port_follows_the_edge_host() {
        let a: SocketAddr = "127.0.0.1:8080".parse().expect("addr");
        assert_eq!(default_listen(a).to_string(), "127.0.0.1:8090");
        let b: SocketAddr = "127.0.0.1:0".parse().expect("addr");
        assert_eq!(default_listen(b).port(), 0);
    }

    #[test]
    fn token_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        let f = dir.path().join("t.json");
        std::fs::write(
            &f,
            r#"[{"token": "dop_v1_x", "scopes": ["droplet:read"], "expires_at": "2030-01-01T00:00:00Z"}]"#,
        )
        .expect("write");
        let t = read_token_file(&f).expect("parses");
        assert_eq!(t[0].scopes, vec!["droplet:read".to_string()]);
        assert!(t[0].expires_at.is_some());
        std::fs::write(&f, r#"{"token": "x", "scope": []}"#).expect("write");
        let e = read_token_file(&f).expect_err("bad field").to_string();
        assert!(e.contains("entry 0"), "{e}");
        let s = dir.path().join("secret");
        let a = secret_file(&s).expect("created");
        assert_eq!(secret_file(&s).expect("read"), a, "reused");
    }
}
