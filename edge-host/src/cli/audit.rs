//! `ferry audit log|verify`: read an appliance's audit records; check the hash chain through the
//! API or offline against the store (`--data-dir`, `--database-url`). A broken chain exits 1
//! and names the first broken record.

use super::remote::{Remote, RemoteArgs};
use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use ferry_api::broker::{AuditRecord, AuditVerification};
use ferry_broker::{Broker, Location, SystemClock};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args, Debug)]
pub struct AuditArgs {
    #[command(flatten)]
    remote: RemoteArgs,
    #[command(subcommand)]
    cmd: AuditCmd,
}

#[derive(Subcommand, Debug)]
enum AuditCmd {
    /// An appliance's audit records, newest first.
    Log {
        #[arg(long)]
        appliance: String,
        #[arg(long, default_value_t = 100)]
        limit: u32,
    },
    /// Check the whole hash chain; exits 1 naming the first broken record.
    Verify {
        /// Check the store in this data folder directly (offline), not through the API.
        #[arg(long, conflicts_with = "database_url")]
        data_dir: Option<PathBuf>,
        /// Check this PostgreSQL store directly.
        #[arg(long, env = "FERRY_DATABASE_URL", hide_env_values = true)]
        database_url: Option<String>,
    },
}

pub fn audit(args: AuditArgs) -> Result<ExitCode> {
    match args.cmd {
        AuditCmd::Log { appliance, limit } => {
            let r = Remote::new(&args.remote)?;
            let records: Vec<AuditRecord> = r.get(&format!(
                "/api/v1/appliances/{appliance}/audit?limit={limit}"
            ))?;
            r.print(&records, || {
                records
                    .iter()
                    .map(|a| {
                        format!(
                            "{:>6}  {}  {:<24} {:<8} {}  {}",
                            a.seq, a.at_ms, a.action, a.outcome, a.actor, a.detail
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            })?;
            Ok(ExitCode::SUCCESS)
        }
        AuditCmd::Verify {
            data_dir,
            database_url,
        } => {
            let location = match (&data_dir, &database_url) {
                (Some(dir), _) => Some(Location::in_data_dir(dir)),
                (None, Some(url)) => Some(Location::parse_url(url)?),
                (None, None) => None,
            };
            let (v, json) = match location {
                Some(location) => {
                    let runtime = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .context("cannot start the async runtime")?;
                    let v = runtime.block_on(async {
                        let broker =
                            Broker::open_existing(&location, std::sync::Arc::new(SystemClock))
                                .await?;
                        let v = broker.verify_audit().await;
                        broker.store().close().await;
                        v
                    })?;
                    (v, args.remote.json)
                }
                None => {
                    let r = Remote::new(&args.remote)?;
                    (r.get::<AuditVerification>("/api/v1/audit/verify")?, r.json)
                }
            };
            if json {
                println!("{}", serde_json::to_string_pretty(&v)?);
            }
            if v.ok {
                if !json {
                    println!("audit chain verified: {} record(s)", v.records);
                }
                Ok(ExitCode::SUCCESS)
            } else {
                eprintln!(
                    "audit chain BROKEN at record {}: {}",
                    v.first_broken.map_or("?".to_string(), |s| s.to_string()),
                    v.problem.as_deref().unwrap_or("no detail")
                );
                Ok(ExitCode::from(1))
            }
        }
    }
}
