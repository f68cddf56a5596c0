//! Vendor subcommands: `ferry appliance`, `ferry release`, `ferry access`, `ferry session`.

use super::remote::{Remote, RemoteArgs, now_ms, parse_duration, parse_start};
use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use ferry_api::broker::{
    AccessRequest, Appliance, CreatedDeploySession, DeploySession, Invitation, NewAccessRequest,
    NewAppliance, NewDeploySession, NewRelease, Release,
};
use ferry_api::grant::{Phase, Window};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args, Debug)]
pub struct ApplianceArgs {
    #[command(flatten)]
    remote: RemoteArgs,
    #[command(subcommand)]
    cmd: ApplianceCmd,
}

#[derive(Subcommand, Debug)]
enum ApplianceCmd {
    /// Create an appliance (and its customer).
    Create {
        #[arg(long)]
        name: String,
        /// Lowercase letters, digits and `-`, 1–20 characters.
        #[arg(long)]
        instance_id: String,
        /// DigitalOcean region slug (`nyc3`, `fra1`, …).
        #[arg(long)]
        region: String,
        /// The customer's name.
        #[arg(long)]
        customer: String,
    },
    /// List the appliances you can see.
    List,
    /// Show one appliance with its phase states.
    Show { id: String },
    /// Create the customer's invitation link (shown once).
    Invite { id: String },
}

pub fn appliance(args: ApplianceArgs) -> Result<ExitCode> {
    let r = Remote::new(&args.remote)?;
    match args.cmd {
        ApplianceCmd::Create {
            name,
            instance_id,
            region,
            customer,
        } => {
            let a: Appliance = r.post(
                "/api/v1/appliances",
                &NewAppliance {
                    name,
                    instance_id,
                    region,
                    customer_name: customer,
                },
            )?;
            r.print(&a, || {
                format!("created appliance {} ({})", a.id, a.instance_id)
            })?;
        }
        ApplianceCmd::List => {
            let list: Vec<Appliance> = r.get("/api/v1/appliances")?;
            r.print(&list, || {
                list.iter()
                    .map(appliance_line)
                    .collect::<Vec<_>>()
                    .join("\n")
            })?;
        }
        ApplianceCmd::Show { id } => {
            let a: Appliance = r.get(&format!("/api/v1/appliances/{id}"))?;
            r.print(&a, || {
                let mut out = appliance_line(&a);
                for p in &a.phases {
                    out.push_str(&format!(
                        "\n  {:<13} {}{}{}",
                        p.phase.as_str(),
                        if p.active { "active" } else { "inactive" },
                        p.until_ms
                            .map(|u| format!(" until {u}"))
                            .unwrap_or_default(),
                        if p.token_registered {
                            ", token registered"
                        } else {
                            ""
                        }
                    ));
                }
                out
            })?;
        }
        ApplianceCmd::Invite { id } => {
            let inv: Invitation = r.post(&format!("/api/v1/appliances/{id}/invitations"), &())?;
            // The link is the one thing to hand over; it is shown once.
            r.print(&inv, || inv.link.clone())?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn appliance_line(a: &Appliance) -> String {
    let active: Vec<&str> = a
        .phases
        .iter()
        .filter(|p| p.active)
        .map(|p| p.phase.as_str())
        .collect();
    format!(
        "{}  {}  instance {}  {}  {:?}  customer {}  active: {}",
        a.id,
        a.name,
        a.instance_id,
        a.region,
        a.status,
        a.customer_name,
        if active.is_empty() {
            "-".to_string()
        } else {
            active.join(",")
        }
    )
}

#[derive(Args, Debug)]
pub struct ReleaseArgs {
    #[command(flatten)]
    remote: RemoteArgs,
    #[command(subcommand)]
    cmd: ReleaseCmd,
}

#[derive(Subcommand, Debug)]
enum ReleaseCmd {
    /// Compile an origin folder for an appliance and store it as a release.
    Create {
        origin: PathBuf,
        #[arg(long)]
        appliance: String,
        #[arg(long)]
        note: Option<String>,
    },
    /// List an appliance's releases.
    List {
        #[arg(long)]
        appliance: String,
    },
    /// Show a release with its report.
    Show { id: String },
    /// Download the deployment stack as a tarball.
    Download {
        id: String,
        /// Where to write it [default: <id>.tar.gz]
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
}

pub fn release(args: ReleaseArgs) -> Result<ExitCode> {
    let r = Remote::new(&args.remote)?;
    match args.cmd {
        ReleaseCmd::Create {
            origin,
            appliance,
            note,
        } => {
            let files = super::read::origin(&origin)?;
            let rel: Release = r.post(
                &format!("/api/v1/appliances/{appliance}/releases"),
                &NewRelease {
                    files,
                    options: None,
                    note,
                },
            )?;
            r.print(&rel, || release_line(&rel))?;
            if !rel.deployable {
                eprintln!(
                    "release {} has {} error(s): it is stored but cannot be deployed (`ferry release show {}`)",
                    rel.id, rel.errors, rel.id
                );
                return Ok(ExitCode::from(1));
            }
        }
        ReleaseCmd::List { appliance } => {
            let list: Vec<Release> = r.get(&format!("/api/v1/appliances/{appliance}/releases"))?;
            r.print(&list, || {
                list.iter().map(release_line).collect::<Vec<_>>().join("\n")
            })?;
        }
        ReleaseCmd::Show { id } => {
            let rel: Release = r.get(&format!("/api/v1/releases/{id}"))?;
            r.print(&rel, || {
                let mut out = release_line(&rel);
                if let Some(files) = &rel.files {
                    for (path, text) in files {
                        out.push_str(&format!("\n  {path} ({} bytes)", text.len()));
                    }
                }
                if let Some(diags) = rel
                    .report
                    .as_ref()
                    .and_then(|r| r["diagnostics"].as_array())
                {
                    for d in diags {
                        out.push_str(&format!(
                            "\n  {} {}: {}",
                            d["severity"].as_str().unwrap_or("?"),
                            d["code"].as_str().unwrap_or("?"),
                            d["message"].as_str().unwrap_or("")
                        ));
                    }
                }
                out
            })?;
        }
        ReleaseCmd::Download { id, output } => {
            let bytes = r.get_bytes(&format!("/api/v1/releases/{id}/stack.tar.gz"))?;
            let path = output.unwrap_or_else(|| PathBuf::from(format!("{id}.tar.gz")));
            std::fs::write(&path, &bytes)
                .with_context(|| format!("cannot write `{}`", path.display()))?;
            println!("{}", path.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn release_line(r: &Release) -> String {
    format!(
        "{}  {}  {} error(s), {} warning(s)  {}{}",
        r.id,
        r.digest,
        r.errors,
        r.warnings,
        if r.deployable {
            "deployable"
        } else {
            "NOT deployable"
        },
        r.note
            .as_deref()
            .map(|n| format!("  {n}"))
            .unwrap_or_default()
    )
}

#[derive(Args, Debug)]
pub struct AccessArgs {
    #[command(flatten)]
    remote: RemoteArgs,
    #[command(subcommand)]
    cmd: AccessCmd,
}

#[derive(Subcommand, Debug)]
enum AccessCmd {
    /// Ask the customer for a phase window.
    Request {
        #[arg(long)]
        appliance: String,
        /// install, deploy or operate.
        #[arg(long)]
        phase: String,
        /// How long (`2h`, `30m`, `1d`).
        #[arg(long)]
        duration: String,
        /// When it starts: `now`, `+30m` or Unix milliseconds.
        #[arg(long, default_value = "now")]
        start: String,
        /// The release it is for (Deploy).
        #[arg(long)]
        release: Option<String>,
        #[arg(long)]
        reason: String,
    },
    /// List an appliance's access requests.
    List {
        #[arg(long)]
        appliance: String,
    },
}

pub fn access(args: AccessArgs) -> Result<ExitCode> {
    let r = Remote::new(&args.remote)?;
    match args.cmd {
        AccessCmd::Request {
            appliance,
            phase,
            duration,
            start,
            release,
            reason,
        } => {
            let phase = parse_phase(&phase)?;
            let start = parse_start(&start, now_ms())?;
            let window = Window::Manual {
                starts_at_ms: start,
                ends_at_ms: start + parse_duration(&duration)?,
            };
            let req: AccessRequest = r.post(
                &format!("/api/v1/appliances/{appliance}/access-requests"),
                &NewAccessRequest {
                    phase,
                    window,
                    release_id: release,
                    reason,
                },
            )?;
            r.print(&req, || request_line(&req))?;
        }
        AccessCmd::List { appliance } => {
            let list: Vec<AccessRequest> =
                r.get(&format!("/api/v1/appliances/{appliance}/access-requests"))?;
            r.print(&list, || {
                list.iter().map(request_line).collect::<Vec<_>>().join("\n")
            })?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn request_line(r: &AccessRequest) -> String {
    format!(
        "{}  {}  [{}, {})  {:?}  {}",
        r.id,
        r.phase,
        r.window.starts_at_ms(),
        r.window.ends_at_ms(),
        r.status,
        r.reason
    )
}

pub fn parse_phase(text: &str) -> Result<Phase> {
    Phase::parse(text).with_context(|| {
        format!("`{text}` is not a phase: install, steady_state, deploy or operate")
    })
}

#[derive(Args, Debug)]
pub struct SessionArgs {
    #[command(flatten)]
    remote: RemoteArgs,
    #[command(subcommand)]
    cmd: SessionCmd,
}

#[derive(Subcommand, Debug)]
enum SessionCmd {
    /// Mint a deploy-session credential for a release (inside an open Deploy window).
    Create {
        #[arg(long)]
        release: String,
        /// Shorter than the window (`30m`); never longer.
        #[arg(long)]
        ttl: Option<String>,
        /// Print only the credential (for `TF_VAR_ferry_session_token`).
        #[arg(long)]
        quiet: bool,
    },
    /// List an appliance's deploy sessions.
    List {
        #[arg(long)]
        appliance: String,
    },
    /// Revoke a deploy session, immediately.
    Revoke { id: String },
}

pub fn session(args: SessionArgs) -> Result<ExitCode> {
    let r = Remote::new(&args.remote)?;
    match args.cmd {
        SessionCmd::Create {
            release,
            ttl,
            quiet,
        } => {
            let rel: Release = r.get(&format!("/api/v1/releases/{release}"))?;
            let ttl_ms = ttl.as_deref().map(parse_duration).transpose()?;
            let s: CreatedDeploySession = r.post(
                &format!("/api/v1/appliances/{}/sessions", rel.appliance_id),
                &NewDeploySession {
                    release_id: release,
                    ttl_ms,
                },
            )?;
            if quiet {
                println!("{}", s.credential);
            } else if r.json {
                // The credential is in this answer only.
                println!(
                    "{}",
                    serde_json::to_string_pretty(&serde_json::json!({
                        "session": s.session,
                        "credential": s.credential,
                    }))?
                );
            } else {
                eprintln!(
                    "deploy session {} for {} until {} (shown once; export it as TF_VAR_ferry_session_token):",
                    s.session.id, s.session.release_digest, s.session.expires_at_ms
                );
                println!("{}", s.credential);
            }
        }
        SessionCmd::List { appliance } => {
            let list: Vec<DeploySession> =
                r.get(&format!("/api/v1/appliances/{appliance}/sessions"))?;
            r.print(&list, || {
                list.iter()
                    .map(|s| {
                        format!(
                            "{}  {}  until {}{}",
                            s.id,
                            s.release_digest,
                            s.expires_at_ms,
                            if s.revoked_at_ms.is_some() {
                                "  revoked"
                            } else {
                                ""
                            }
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            })?;
        }
        SessionCmd::Revoke { id } => {
            let s: DeploySession = r.delete(&format!("/api/v1/sessions/{id}"))?;
            r.print(&s, || format!("revoked deploy session {}", s.id))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
