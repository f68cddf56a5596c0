//! `ferry deploy` and `ferry destroy`: apply (or remove) a deployment stack through a
//! DigitalOcean-compatible API with the `ferry-deploy` engine, without Terraform.
//!
//! The stack is a folder (what `ferry compile` wrote) or a release id. For a release id the files
//! come from the edge host (`GET <server>/api/v1/releases/<id>` with `FERRY_API_KEY`) and the
//! API is the edge host's relay for the release's appliance
//! (`<server>/relay/v1/appliances/<appliance>/do`), authenticated with the deploy-session
//! credential (`--session FILE`). That path stays thin: the broker and the relay own the rest.
//!
//! Exit codes: 0 everything applied (skipped types are not failures), 1 something failed, 2 usage
//! or I/O error.

use anyhow::{Context, Result, bail};
use clap::Args;
use ferry_deploy::engine::{OutputValue, Report, State, Status};
use ferry_deploy::units::WaitPolicy;
use ferry_deploy::{Client, Engine, HttpTransport, Options, RetryPolicy, Stack, Token, VarInput};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

#[derive(Args, Debug)]
pub struct DeployArgs {
    /// A stack folder (as `ferry compile` writes it) or a release id of the edge host.
    pub stack: String,
    /// Base URL of the DigitalOcean API: DigitalOcean, the sandbox cloud (`http://127.0.0.1:8090`)
    /// or a relay path [default: $FERRY_DO_API, else https://api.digitalocean.com]. Not used
    /// with a release id (the relay is used).
    #[arg(long)]
    pub api: Option<String>,
    /// File holding the API token [default: $DIGITALOCEAN_TOKEN].
    #[arg(long)]
    pub token_file: Option<PathBuf>,
    /// Set a variable of the stack (repeatable): `--var region=ams3`.
    #[arg(long = "var", value_name = "NAME=VALUE")]
    pub vars: Vec<String>,
    /// A tfvars file (repeatable; after the stack's own `terraform.tfvars`, before `--var`).
    #[arg(long = "var-file", value_name = "FILE")]
    pub var_files: Vec<PathBuf>,
    /// The appliance's instance id [default: the stack's `var.instance_id`].
    #[arg(long)]
    pub instance_id: Option<String>,
    /// Only read: show what would be created, updated or left alone (deploy only).
    #[arg(long)]
    pub dry_run: bool,
    /// Where generated values (`random_*`) are kept [default: `.ferry-deploy-state.json` in the
    /// stack folder, `ferry-deploy-<release>.state.json` for a release].
    #[arg(long)]
    pub state: Option<PathBuf>,
    /// Resources applied at the same time.
    #[arg(long, default_value_t = 4)]
    pub parallelism: usize,
    /// Longest wait for one resource to provision, in minutes.
    #[arg(long, default_value_t = 30)]
    pub timeout_minutes: u64,
    /// First poll interval while waiting, in milliseconds (backs off to 15 s).
    #[arg(long, default_value_t = 2000)]
    pub poll_ms: u64,
    /// Print events and the report as JSON lines.
    #[arg(long)]
    pub json: bool,
    /// The edge host, for a release id [default: $FERRY_SERVER].
    #[arg(long)]
    pub server: Option<String>,
    /// A file holding the edge host's API key, for a release id [default: $FERRY_API_KEY_FILE,
    /// else $FERRY_API_KEY].
    #[arg(long)]
    pub api_key_file: Option<PathBuf>,
    /// File holding the deploy-session credential, for a release id.
    #[arg(long)]
    pub session: Option<PathBuf>,
}

/// `ferry deploy`.
pub fn deploy(args: DeployArgs) -> Result<ExitCode> {
    run(args, false)
}

/// `ferry destroy`.
pub fn destroy(args: DeployArgs) -> Result<ExitCode> {
    if args.dry_run {
        bail!("--dry-run is for `ferry deploy`; `ferry destroy` always deletes");
    }
    run(args, true)
}

fn run(args: DeployArgs, destroy: bool) -> Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(run_async(args, destroy))
}

struct Source {
    files: BTreeMap<String, String>,
    api: String,
    token: Token,
    state_path: PathBuf,
    /// A release's appliance instance id (from its compile report): the value of
    /// `var.instance_id` unless `--var`/`--var-file` give one. The compiler keeps an origin's own
    /// `variable "instance_id"` declaration as it is, without a default.
    instance_id: Option<String>,
}

/// The run cannot go on, though nothing was wrong with how it was called (exit 1).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct Refused(String);

async fn run_async(args: DeployArgs, destroy: bool) -> Result<ExitCode> {
    let source = match source(&args).await {
        Ok(s) => s,
        Err(e) if e.is::<Refused>() => {
            eprintln!("error: {e}");
            return Ok(ExitCode::from(1));
        }
        Err(e) => return Err(e),
    };
    let mut overrides: Vec<(String, VarInput)> = Vec::new();
    // First, so that --var-file and --var still win.
    if let Some(id) = &source.instance_id {
        overrides.push(("instance_id".to_string(), VarInput::Text(id.clone())));
    }
    for file in &args.var_files {
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("cannot read the var file `{}`", file.display()))?;
        let parsed = ferry_deploy::stack::parse_tfvars(&file.display().to_string(), &text)
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        overrides.extend(parsed.into_iter().map(|(k, v)| (k, VarInput::Value(v))));
    }
    for v in &args.vars {
        let Some((name, value)) = v.split_once('=') else {
            bail!("--var takes NAME=VALUE, not `{v}`");
        };
        overrides.push((name.trim().to_string(), VarInput::Text(value.to_string())));
    }
    let stack = match Stack::load(source.files, &overrides) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(ExitCode::from(1));
        }
    };
    for w in &stack.warnings {
        eprintln!("warning: {w}");
    }
    let transport = HttpTransport::new(&source.api, source.token.clone(), Duration::from_secs(60))
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let client = Client::new(Arc::new(transport), RetryPolicy::default());
    let json = args.json;
    let sink: ferry_deploy::EventSink = Arc::new(move |e: &ferry_deploy::Event| {
        let line = if json {
            serde_json::to_string(e).unwrap_or_default()
        } else {
            e.line()
        };
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{line}");
    });
    let options = Options {
        instance_id: args.instance_id.clone(),
        parallelism: args.parallelism.max(1),
        wait: WaitPolicy {
            first: Duration::from_millis(args.poll_ms.max(10)),
            max_interval: Duration::from_secs(15),
            timeout: Duration::from_secs(args.timeout_minutes.max(1) * 60),
        },
    };
    let engine = Engine::new(client, sink, options);
    let mut state = read_state(&source.state_path)?;
    let before = state.clone();
    if !json {
        let what = if destroy {
            "destroying"
        } else if args.dry_run {
            "planning"
        } else {
            "deploying"
        };
        println!(
            "ferry: {what} {} resource block(s) through {} (token {})",
            stack.resources.len(),
            source.api,
            source.token.fingerprint()
        );
    }
    let result = if destroy {
        engine.destroy(&stack, &mut state).await
    } else if args.dry_run {
        engine.plan(&stack, &mut state).await
    } else {
        engine.deploy(&stack, &mut state).await
    };
    let report = match result {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(ExitCode::from(1));
        }
    };
    if state != before {
        write_state(&source.state_path, &state)?;
    }
    if json {
        println!("{}", serde_json::to_string(&redacted(&report))?);
    } else {
        print_summary(&report, destroy, args.dry_run);
    }
    Ok(if report.ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Where the files, the API and the token come from.
async fn source(args: &DeployArgs) -> Result<Source> {
    let path = Path::new(&args.stack);
    if path.is_dir() {
        let token = match &args.token_file {
            Some(f) => read_secret(f, "token")?,
            None => match std::env::var("DIGITALOCEAN_TOKEN") {
                Ok(t) if !t.trim().is_empty() => Token::new(t),
                _ => bail!("no API token: pass --token-file FILE (or set DIGITALOCEAN_TOKEN)"),
            },
        };
        return Ok(Source {
            files: read_stack(path)?,
            api: args
                .api
                .clone()
                .or_else(|| {
                    std::env::var("FERRY_DO_API")
                        .ok()
                        .filter(|a| !a.trim().is_empty())
                })
                .unwrap_or_else(|| "https://api.digitalocean.com".to_string()),
            token,
            state_path: args
                .state
                .clone()
                .unwrap_or_else(|| path.join(".ferry-deploy-state.json")),
            instance_id: None,
        });
    }
    // A release id.
    let release_id = args.stack.as_str();
    if release_id.contains('/') || release_id.contains("..") {
        bail!("`{release_id}` is neither a stack folder nor a release id");
    }
    let server = args.server.clone().or_else(|| {
        std::env::var("FERRY_SERVER")
            .ok()
            .filter(|s| !s.trim().is_empty())
    });
    let Some(server) = server.as_deref() else {
        bail!(
            "`{release_id}` is not a folder; to deploy a release pass --server URL (or set FERRY_SERVER)"
        );
    };
    let server = server.trim_end_matches('/');
    let Some(session) = &args.session else {
        bail!(
            "a release deploys through the relay: pass --session FILE with the deploy-session credential"
        );
    };
    let key_file = args
        .api_key_file
        .clone()
        .or_else(|| std::env::var_os("FERRY_API_KEY_FILE").map(PathBuf::from));
    let api_key = match key_file {
        Some(f) => std::fs::read_to_string(&f)
            .with_context(|| format!("cannot read the API key file `{}`", f.display()))?,
        None => std::env::var("FERRY_API_KEY")
            .ok()
            .filter(|k| !k.trim().is_empty())
            .context(
                "no API key to read the release: pass --api-key-file FILE or set FERRY_API_KEY",
            )?,
    };
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .context("cannot build the HTTP client")?;
    let url = format!("{server}/api/v1/releases/{release_id}");
    let resp = http
        .get(&url)
        .bearer_auth(api_key.trim())
        .send()
        .await
        .with_context(|| format!("cannot reach the edge host at {server}"))?;
    let status = resp.status();
    let body = resp.text().await.context("cannot read the release")?;
    if !status.is_success() {
        let message: String = serde_json::from_str::<serde_json::Value>(&body)
            .ok()
            .and_then(|j| {
                j.pointer("/error/message")
                    .and_then(|m| m.as_str())
                    .map(str::to_string)
            })
            .unwrap_or_else(|| body.chars().take(200).collect());
        bail!("GET {url}: {status}: {message}");
    }
    let release: ferry_api::broker::Release = serde_json::from_str(&body)
        .context("the edge host answered something that is not a release")?;
    if !release.deployable {
        return Err(Refused(format!(
            "release `{}` is not deployable: its compile had {} error(s)",
            release.id, release.errors
        ))
        .into());
    }
    let instance_id = release
        .report
        .as_ref()
        .and_then(|r| r.get("instance_id"))
        .and_then(|v| v.as_str())
        .map(str::to_string);
    let files = release
        .files
        .context("the edge host answered the release without its files")?;
    Ok(Source {
        files,
        api: format!("{server}/relay/v1/appliances/{}/do", release.appliance_id),
        token: read_secret(session, "deploy-session credential")?,
        state_path: args
            .state
            .clone()
            .unwrap_or_else(|| PathBuf::from(format!("ferry-deploy-{release_id}.state.json"))),
        instance_id,
    })
}

fn read_secret(path: &Path, what: &str) -> Result<Token> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the {what} file `{}`", path.display()))?;
    let text = text.trim();
    if text.is_empty() {
        bail!("the {what} file `{}` is empty", path.display());
    }
    Ok(Token::new(text))
}

/// Files larger than this are refused.
const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// Every file under the stack folder (skipping hidden entries such as `.terraform`, and state
/// files), by relative path with `/`.
fn read_stack(root: &Path) -> Result<BTreeMap<String, String>> {
    let mut files = BTreeMap::new();
    let walker = walkdir::WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        let entry = entry.context("cannot walk the stack folder")?;
        if !entry.file_type().is_file() {
            continue;
        }
        let name = entry.file_name().to_string_lossy().to_string();
        if name.ends_with(".tfstate")
            || name.ends_with(".tfstate.backup")
            || name.ends_with(".state.json")
        {
            continue;
        }
        let size = entry.metadata().map(|m| m.len()).unwrap_or(0);
        let is_tf = name.ends_with(".tf") || name.ends_with(".tfvars");
        if size > MAX_FILE_BYTES {
            if is_tf {
                bail!(
                    "`{}` is larger than {} MiB",
                    entry.path().display(),
                    MAX_FILE_BYTES >> 20
                );
            }
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(root)
            .unwrap_or(entry.path())
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        match std::fs::read_to_string(entry.path()) {
            Ok(text) => {
                files.insert(rel, text);
            }
            Err(e) if is_tf => {
                return Err(e).with_context(|| format!("cannot read `{}`", entry.path().display()));
            }
            Err(_) => {} // not text: `file()` could not read it either
        }
    }
    if files.is_empty() {
        bail!("`{}` holds no files", root.display());
    }
    Ok(files)
}

fn read_state(path: &Path) -> Result<State> {
    match std::fs::read_to_string(path) {
        Ok(text) => serde_json::from_str(&text)
            .with_context(|| format!("`{}` is not a ferry deploy state", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(State::default()),
        Err(e) => Err(e).with_context(|| format!("cannot read `{}`", path.display())),
    }
}

/// Writes the state (it holds generated secrets) readable by the owner only, atomically.
fn write_state(path: &Path, state: &State) -> Result<()> {
    let tmp = path.with_extension("tmp");
    {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut f = options
            .open(&tmp)
            .with_context(|| format!("cannot write `{}`", tmp.display()))?;
        f.write_all(serde_json::to_string_pretty(state)?.as_bytes())?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path).with_context(|| format!("cannot write `{}`", path.display()))?;
    Ok(())
}

/// The report without the values of sensitive outputs.
fn redacted(report: &Report) -> Report {
    let mut r = report.clone();
    for o in r.outputs.values_mut() {
        if o.sensitive {
            *o = OutputValue {
                value: o
                    .value
                    .as_ref()
                    .map(|_| serde_json::Value::String("(sensitive)".into())),
                unknown: o.unknown.clone(),
                sensitive: true,
            };
        }
    }
    r
}

fn print_summary(report: &Report, destroy: bool, dry_run: bool) {
    println!();
    for o in &report.resources {
        if matches!(o.status, Status::Skipped | Status::Failed) {
            let label = if o.status == Status::Failed {
                "failed "
            } else {
                "skipped"
            };
            println!(
                "{label} {}: {}",
                o.address,
                o.detail.as_deref().unwrap_or("")
            );
        }
    }
    if !destroy && !dry_run && !report.outputs.is_empty() {
        println!("\noutputs:");
        for (name, o) in &report.outputs {
            let shown = match (&o.value, &o.unknown, o.sensitive) {
                (Some(_), _, true) => "(sensitive)".to_string(),
                (Some(v), _, false) => v.to_string(),
                (None, Some(why), _) => format!("(unknown: {why})"),
                (None, None, _) => "(unknown)".to_string(),
            };
            println!("  {name} = {shown}");
        }
    }
    let c = |s: Status| report.count(s);
    let r = report.requests;
    let summary = if destroy {
        format!(
            "{} deleted, {} absent, {} skipped, {} failed",
            c(Status::Deleted),
            c(Status::Absent),
            c(Status::Skipped),
            c(Status::Failed)
        )
    } else if dry_run {
        format!(
            "would create {}, would update {}, {} unchanged, {} skipped, {} failed",
            c(Status::WouldCreate),
            c(Status::WouldUpdate),
            c(Status::Unchanged),
            c(Status::Skipped),
            c(Status::Failed)
        )
    } else {
        format!(
            "{} created, {} updated, {} unchanged, {} read, {} local, {} skipped, {} failed",
            c(Status::Created),
            c(Status::Updated),
            c(Status::Unchanged),
            c(Status::Read),
            c(Status::Local),
            c(Status::Skipped),
            c(Status::Failed)
        )
    };
    println!(
        "\n{summary} — {} API requests ({} writes) in {:.1}s (instance {})",
        r.total(),
        r.writes(),
        report.duration_ms as f64 / 1000.0,
        report.instance_id
    );
}
