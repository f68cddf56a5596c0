//! Customer subcommands: `ferry customer accept|controller-keys|steady-state`, `ferry token
//! seal|list|remove`, `ferry approve`, `ferry grant`, `ferry revoke`, `ferry refuse`.
//!
//! Tokens are checked and sealed here, on the customer's machine, with the same code the
//! dashboard runs in the browser (`ferry_api::crypto`); only ciphertext, fingerprint, scopes and
//! expiry are uploaded. Grants are signed here with the approval key file.

use super::remote::{Remote, RemoteArgs, now_ms, parse_duration, parse_start};
use super::serve::write_secret_file;
use super::vendor::{parse_phase, request_line};
use anyhow::{Context, Result, anyhow, bail};
use clap::{Args, Subcommand};
use ferry_api::broker::{
    AcceptInvitation, AccessRequest, Appliance, ControllerKeys, CreatedApiKey, Grant, NewGrant,
    Refusal, Release, SealedTokenUpload, SteadyStateSwitch, TokenInfo,
};
use ferry_api::crypto::{SealingPublicKey, SigningKey, VerifyingKey, check_do_token, fingerprint};
use ferry_api::grant::{GrantBody, Phase, Weekday, WeeklySlot, Window};
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Args, Debug)]
pub struct CustomerArgs {
    #[command(flatten)]
    remote: RemoteArgs,
    #[command(subcommand)]
    cmd: CustomerCmd,
}

#[derive(Subcommand, Debug)]
enum CustomerCmd {
    /// Accept an invitation: generates your Ed25519 approval key (pinned on the appliance) and
    /// saves your API key.
    Accept {
        /// The invitation link (`https://…/invite#inv_…`) or its secret.
        link: String,
        /// Where to write the new approval key (0600). Back it up: only it can approve.
        #[arg(long)]
        key_file: PathBuf,
        /// Use the approval key already in --key-file instead of generating one.
        #[arg(long)]
        reuse_key: bool,
        /// Where to write your API key (0600).
        #[arg(long, default_value = "ferry-api-key")]
        api_key_out: PathBuf,
    },
    /// Register the controller's public keys (`ferry controller keygen` prints them).
    ControllerKeys {
        #[arg(long)]
        appliance: String,
        /// Ed25519 identity key, base64url.
        #[arg(long, requires = "sealing_key", allow_hyphen_values = true)]
        signing_key: Option<String>,
        /// X25519 sealing key, base64url.
        #[arg(long, requires = "signing_key", allow_hyphen_values = true)]
        sealing_key: Option<String>,
        /// Or a JSON file `{"signing_key": …, "sealing_key": …}`.
        #[arg(long, conflicts_with_all = ["signing_key", "sealing_key"])]
        keys_file: Option<PathBuf>,
    },
    /// Switch Steady-state on or off (on by default).
    SteadyState {
        #[arg(long)]
        appliance: String,
        #[arg(value_parser = ["on", "off"])]
        state: String,
    },
}

pub fn customer(args: CustomerArgs) -> Result<ExitCode> {
    match args.cmd {
        CustomerCmd::Accept {
            link,
            key_file,
            reuse_key,
            api_key_out,
        } => accept(&args.remote, &link, &key_file, reuse_key, &api_key_out),
        CustomerCmd::ControllerKeys {
            appliance,
            signing_key,
            sealing_key,
            keys_file,
        } => {
            let r = Remote::new(&args.remote)?;
            let keys = match (keys_file, signing_key, sealing_key) {
                (Some(path), _, _) => {
                    let text = std::fs::read_to_string(&path)
                        .with_context(|| format!("cannot read `{}`", path.display()))?;
                    serde_json::from_str::<ControllerKeys>(&text).with_context(|| {
                        format!(
                            "`{}` is not {{\"signing_key\": …, \"sealing_key\": …}}",
                            path.display()
                        )
                    })?
                }
                (None, Some(sign), Some(seal)) => ControllerKeys {
                    signing_key: VerifyingKey::parse(&sign).context("--signing-key")?,
                    sealing_key: SealingPublicKey::parse(&seal).context("--sealing-key")?,
                },
                _ => bail!("pass --signing-key and --sealing-key, or --keys-file"),
            };
            let a: Appliance =
                r.put(&format!("/api/v1/appliances/{appliance}/controller"), &keys)?;
            r.print(&a, || format!("appliance {} is {:?}", a.id, a.status))?;
            Ok(ExitCode::SUCCESS)
        }
        CustomerCmd::SteadyState { appliance, state } => {
            let r = Remote::new(&args.remote)?;
            let a: Appliance = r.put(
                &format!("/api/v1/appliances/{appliance}/phases/steady_state"),
                &SteadyStateSwitch {
                    enabled: state == "on",
                },
            )?;
            r.print(&a, || format!("Steady-state is {state} for {}", a.id))?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn accept(
    remote: &RemoteArgs,
    link: &str,
    key_file: &Path,
    reuse_key: bool,
    api_key_out: &Path,
) -> Result<ExitCode> {
    let (server, secret) = match link.split_once("/invite#") {
        Some((base, secret)) if base.starts_with("http://") || base.starts_with("https://") => {
            (Some(base.to_string()), secret.to_string())
        }
        _ => (None, link.rsplit('#').next().unwrap_or(link).to_string()),
    };
    let mut args = remote.clone();
    if let Some(server) = server {
        args.server = server;
    }
    let r = Remote::anonymous(&args)?;
    let (key, created) = if reuse_key {
        (read_key(key_file)?, false)
    } else {
        if key_file.exists() {
            bail!(
                "`{}` already exists: refusing to overwrite an approval key (pass --reuse-key to use it)",
                key_file.display()
            );
        }
        // Written before it is pinned, so a pinned key is never lost.
        let key = SigningKey::generate();
        write_secret_file(key_file, &format!("{}\n", key.to_b64()))
            .with_context(|| format!("cannot write `{}`", key_file.display()))?;
        (key, true)
    };
    let result: Result<CreatedApiKey> = r.post(
        "/api/v1/invitations/accept",
        &AcceptInvitation {
            secret,
            approval_key: key.verifying_key(),
        },
    );
    let created_key = match result {
        Ok(k) => k,
        Err(e) => {
            if created {
                let _ = std::fs::remove_file(key_file);
            }
            return Err(e);
        }
    };
    write_secret_file(api_key_out, &format!("{}\n", created_key.secret))
        .with_context(|| format!("cannot write `{}`", api_key_out.display()))?;
    println!(
        "accepted: approval key {} pinned ({}; back it up), API key {} in {}",
        key.verifying_key().fingerprint(),
        key_file.display(),
        created_key.key.id,
        api_key_out.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn read_key(path: &Path) -> Result<SigningKey> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the approval key file `{}`", path.display()))?;
    SigningKey::from_b64(text.trim())
        .map_err(|e| anyhow!("`{}` is not an approval key file: {e}", path.display()))
}

#[derive(Args, Debug)]
pub struct TokenArgs {
    #[command(flatten)]
    remote: RemoteArgs,
    #[command(subcommand)]
    cmd: TokenCmd,
}

#[derive(Subcommand, Debug)]
enum TokenCmd {
    /// Check a DigitalOcean token's shape, seal it locally to the controller's key and upload
    /// the ciphertext (the token itself never leaves this machine).
    Seal {
        #[arg(long)]
        appliance: String,
        /// install, steady_state, deploy or operate.
        #[arg(long)]
        phase: String,
        /// The file holding the token, or `-` for stdin.
        #[arg(long)]
        token_file: PathBuf,
        /// The scopes you gave the token, comma-separated (`droplet:read,droplet:create`).
        #[arg(long, value_delimiter = ',', required = true)]
        scopes: Vec<String>,
        /// When the token expires, as you set it at DigitalOcean (`90d`).
        #[arg(long)]
        expires_in: String,
    },
    /// List the registered tokens (fingerprints only).
    List {
        #[arg(long)]
        appliance: String,
    },
    /// Remove a phase's token.
    Remove {
        #[arg(long)]
        appliance: String,
        #[arg(long)]
        phase: String,
    },
}

pub fn token(args: TokenArgs) -> Result<ExitCode> {
    let r = Remote::new(&args.remote)?;
    match args.cmd {
        TokenCmd::Seal {
            appliance,
            phase,
            token_file,
            scopes,
            expires_in,
        } => {
            let phase = parse_phase(&phase)?;
            let expires_at_ms = now_ms() + parse_duration(&expires_in)?;
            let mut token = String::new();
            if token_file.as_os_str() == "-" {
                std::io::stdin()
                    .read_to_string(&mut token)
                    .context("cannot read the token from stdin")?;
            } else {
                token = std::fs::read_to_string(&token_file)
                    .with_context(|| format!("cannot read `{}`", token_file.display()))?;
            }
            let token = token.trim();
            check_do_token(token).map_err(|e| anyhow!("refusing to seal: {e}"))?;
            let a: Appliance = r.get(&format!("/api/v1/appliances/{appliance}"))?;
            let Some(controller) = a.controller else {
                bail!(
                    "appliance {appliance} has no controller keys yet: register them with `ferry customer controller-keys`"
                );
            };
            let sealed = controller
                .sealing_key
                .seal_token(token)
                .map_err(|e| anyhow!("cannot seal the token: {e}"))?;
            let info: TokenInfo = r.put(
                &format!("/api/v1/appliances/{appliance}/tokens/{phase}"),
                &SealedTokenUpload {
                    sealed,
                    fingerprint: fingerprint(token),
                    scopes,
                    expires_at_ms,
                },
            )?;
            r.print(&info, || {
                format!(
                    "sealed {} token {} to the controller of {appliance}",
                    info.phase, info.fingerprint
                )
            })?;
        }
        TokenCmd::List { appliance } => {
            let list: Vec<TokenInfo> = r.get(&format!("/api/v1/appliances/{appliance}/tokens"))?;
            r.print(&list, || {
                list.iter()
                    .map(|t| {
                        format!(
                            "{:<13} {}  expires {}  {}",
                            t.phase.as_str(),
                            t.fingerprint,
                            t.expires_at_ms,
                            t.scopes.join(",")
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            })?;
        }
        TokenCmd::Remove { appliance, phase } => {
            let phase = parse_phase(&phase)?;
            let info: TokenInfo =
                r.delete(&format!("/api/v1/appliances/{appliance}/tokens/{phase}"))?;
            r.print(&info, || {
                format!("removed {} token {}", info.phase, info.fingerprint)
            })?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Args, Debug)]
pub struct ApproveArgs {
    #[command(flatten)]
    remote: RemoteArgs,
    /// The access request to approve (as requested: phase, window, release).
    request: String,
    /// Your approval key file.
    #[arg(long)]
    key_file: PathBuf,
    /// The request's appliance (default: searched among yours).
    #[arg(long)]
    appliance: Option<String>,
}

/// Finds a request among the caller's appliances.
fn find_request(r: &Remote, id: &str, appliance: Option<&str>) -> Result<AccessRequest> {
    let appliances: Vec<String> = match appliance {
        Some(a) => vec![a.to_string()],
        None => r
            .get::<Vec<Appliance>>("/api/v1/appliances")?
            .into_iter()
            .map(|a| a.id)
            .collect(),
    };
    for a in appliances {
        let list: Vec<AccessRequest> = r.get(&format!("/api/v1/appliances/{a}/access-requests"))?;
        if let Some(req) = list.into_iter().find(|q| q.id == id) {
            return Ok(req);
        }
    }
    bail!("no access request `{id}` on your appliances")
}

pub fn approve(args: ApproveArgs) -> Result<ExitCode> {
    let r = Remote::new(&args.remote)?;
    let key = read_key(&args.key_file)?;
    let req = find_request(&r, &args.request, args.appliance.as_deref())?;
    let body = GrantBody::new(
        req.appliance_id.clone(),
        req.phase,
        req.window.clone(),
        req.release_digest.clone(),
    );
    let grant = body
        .sign(&key)
        .map_err(|e| anyhow!("cannot sign the grant: {e}"))?;
    let g: Grant = r.post(
        &format!("/api/v1/appliances/{}/grants", req.appliance_id),
        &NewGrant {
            grant,
            access_request_id: Some(req.id.clone()),
        },
    )?;
    r.print(&g, || {
        format!("approved {}: grant {}", request_line(&req), g.id)
    })?;
    Ok(ExitCode::SUCCESS)
}

#[derive(Args, Debug)]
pub struct GrantArgs {
    #[command(flatten)]
    remote: RemoteArgs,
    #[arg(long)]
    appliance: String,
    /// install, deploy or operate.
    #[arg(long)]
    phase: String,
    /// Your approval key file.
    #[arg(long)]
    key_file: PathBuf,
    /// A manual window of this length (`2h`).
    #[arg(long, required_unless_present = "weekly", conflicts_with = "weekly")]
    duration: Option<String>,
    /// When the manual window (or the weekly schedule's validity) starts: `now`, `+30m`, ms.
    #[arg(long, default_value = "now")]
    start: String,
    /// A weekly maintenance slot `tue@02:00+120` (weekday, local start, minutes); repeatable.
    #[arg(long)]
    weekly: Vec<String>,
    /// The time zone of the weekly slots (IANA, e.g. `Europe/Berlin`).
    #[arg(long, default_value = "UTC")]
    time_zone: String,
    /// How long the weekly schedule stays approved (`90d`).
    #[arg(long, default_value = "30d")]
    valid_for: String,
    /// Bind a Deploy grant to one release.
    #[arg(long)]
    release: Option<String>,
}

fn parse_slot(text: &str) -> Result<WeeklySlot> {
    let bad = || anyhow!("`{text}` is not a weekly slot like `tue@02:00+120`");
    let (day, rest) = text.split_once('@').ok_or_else(bad)?;
    let (start, minutes) = rest.split_once('+').ok_or_else(bad)?;
    let weekday = Weekday::ALL
        .into_iter()
        .find(|w| w.as_str() == day.trim().to_ascii_lowercase())
        .ok_or_else(bad)?;
    Ok(WeeklySlot {
        weekday,
        start: start.trim().to_string(),
        minutes: minutes.trim().parse().map_err(|_| bad())?,
    })
}

pub fn grant(args: GrantArgs) -> Result<ExitCode> {
    let r = Remote::new(&args.remote)?;
    let key = read_key(&args.key_file)?;
    let phase = parse_phase(&args.phase)?;
    if phase == Phase::SteadyState {
        bail!("Steady-state needs no grant: use `ferry customer steady-state`");
    }
    let start = parse_start(&args.start, now_ms())?;
    let window = match &args.duration {
        Some(d) => Window::Manual {
            starts_at_ms: start,
            ends_at_ms: start + parse_duration(d)?,
        },
        None => Window::Weekly {
            time_zone: args.time_zone.clone(),
            slots: args
                .weekly
                .iter()
                .map(|s| parse_slot(s))
                .collect::<Result<_>>()?,
            starts_at_ms: start,
            ends_at_ms: start + parse_duration(&args.valid_for)?,
        },
    };
    let digest = match &args.release {
        Some(id) => Some(r.get::<Release>(&format!("/api/v1/releases/{id}"))?.digest),
        None => None,
    };
    let grant = GrantBody::new(args.appliance.clone(), phase, window, digest)
        .sign(&key)
        .map_err(|e| anyhow!("cannot sign the grant: {e}"))?;
    let g: Grant = r.post(
        &format!("/api/v1/appliances/{}/grants", args.appliance),
        &NewGrant {
            grant,
            access_request_id: None,
        },
    )?;
    r.print(&g, || {
        format!(
            "grant {}: {} until {}",
            g.id,
            g.grant.body.phase,
            g.grant.body.window.ends_at_ms()
        )
    })?;
    Ok(ExitCode::SUCCESS)
}

#[derive(Args, Debug)]
pub struct RevokeArgs {
    #[command(flatten)]
    remote: RemoteArgs,
    /// The grant to revoke, immediately.
    grant: String,
}

pub fn revoke(args: RevokeArgs) -> Result<ExitCode> {
    let r = Remote::new(&args.remote)?;
    let g: Grant = r.delete(&format!("/api/v1/grants/{}", args.grant))?;
    r.print(&g, || {
        format!("revoked grant {} ({})", g.id, g.grant.body.phase)
    })?;
    Ok(ExitCode::SUCCESS)
}

#[derive(Args, Debug)]
pub struct RefuseArgs {
    #[command(flatten)]
    remote: RemoteArgs,
    /// The access request to refuse.
    request: String,
    #[arg(long)]
    reason: Option<String>,
}

pub fn refuse(args: RefuseArgs) -> Result<ExitCode> {
    let r = Remote::new(&args.remote)?;
    let req: AccessRequest = r.post(
        &format!("/api/v1/access-requests/{}/refuse", args.request),
        &Refusal {
            reason: args.reason,
        },
    )?;
    r.print(&req, || format!("refused {}", request_line(&req)))?;
    Ok(ExitCode::SUCCESS)
}
