//! `ferry controller`: the appliance-side agent (runs in the customer's account), and
//! `ferry controller keygen`, which makes its key file.

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use ferry_api::crypto::VerifyingKey;
use ferry_controller::keyfile::{KeyFile, Pins};
use ferry_controller::{Config, Controller, DEFAULT_DO_API};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args, Debug)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ControllerArgs {
    #[command(subcommand)]
    pub command: Option<ControllerCommand>,
    /// The edge host's relay: wss://HOST (https://HOST is converted; ws:// only on loopback).
    #[arg(long)]
    pub relay: Option<String>,
    /// The key file made by `ferry controller keygen` (mode 0600).
    #[arg(long)]
    pub key_file: Option<PathBuf>,
    /// DigitalOcean's API, or the sandbox cloud's URL.
    #[arg(long, default_value = DEFAULT_DO_API)]
    pub do_api: String,
    /// The customer's approval public key (base64url); pinned in the key file on first use.
    #[arg(long, allow_hyphen_values = true)]
    pub approval_key: Option<String>,
    /// The appliance this controller serves; pinned in the key file on first use.
    #[arg(long)]
    pub appliance: Option<String>,
    /// The appliance's instance id (resource names and `instance-id:` tags); pinned on first use.
    #[arg(long)]
    pub instance_id: Option<String>,
    /// Where idempotency records are kept [default: <key-file>.state.json].
    #[arg(long)]
    pub state_file: Option<PathBuf>,
    /// Test-only fault injection (`ferry_controller::fault`): exit abruptly once DigitalOcean has
    /// answered the N-th call, before the answer is passed back. Used by the end-to-end test.
    #[arg(long, hide = true, group = "fault")]
    pub exit_after_call: Option<u64>,
    /// Test-only fault injection: exit abruptly just before sending the N-th call.
    #[arg(long, hide = true, group = "fault")]
    pub exit_before_call: Option<u64>,
    /// Test-only fault injection: like --exit-after-call, counting only writes.
    #[arg(long, hide = true, group = "fault")]
    pub exit_after_write: Option<u64>,
    /// Test-only fault injection: like --exit-before-call, counting only writes.
    #[arg(long, hide = true, group = "fault")]
    pub exit_before_write: Option<u64>,
    /// How often DigitalOcean monitoring is read with the Steady-state token (`60s`, `5m`; at
    /// least 1s), or `off`. Each read covers the last 5 minutes or two intervals, whichever is
    /// longer.
    #[arg(long, default_value = "60s")]
    pub metrics_interval: String,
}

#[derive(Subcommand, Debug)]
pub enum ControllerCommand {
    /// Make a key file and print the public keys to register for the appliance.
    Keygen(KeygenArgs),
}

#[derive(Args, Debug)]
pub struct KeygenArgs {
    /// Where to write the key file (mode 0600).
    #[arg(long)]
    pub key_file: PathBuf,
    /// The appliance this controller serves.
    #[arg(long)]
    pub appliance: Option<String>,
    /// The appliance's instance id.
    #[arg(long)]
    pub instance_id: Option<String>,
    /// The customer's approval public key (base64url), if known already.
    #[arg(long, allow_hyphen_values = true)]
    pub approval_key: Option<String>,
    /// Replace an existing key file (its keys are lost: register the new ones).
    #[arg(long)]
    pub force: bool,
}

fn approval_key(text: Option<&str>) -> Result<Option<VerifyingKey>> {
    text.map(|t| VerifyingKey::parse(t).context("--approval-key"))
        .transpose()
}

pub fn run(args: ControllerArgs) -> Result<ExitCode> {
    if let Some(ControllerCommand::Keygen(k)) = args.command {
        return keygen(k);
    }
    let (Some(relay), Some(key_file)) = (args.relay.as_deref(), args.key_file.as_ref()) else {
        bail!(
            "`ferry controller` needs --relay URL and --key-file FILE (make one with `ferry controller keygen --key-file FILE`)"
        );
    };
    crate::cli::serve::init_logging("ferry=info,ferry_controller=info");
    for (n, after, writes_only) in [
        (args.exit_after_call, true, false),
        (args.exit_before_call, false, false),
        (args.exit_after_write, true, true),
        (args.exit_before_write, false, true),
    ] {
        if let Some(n) = n {
            ferry_controller::fault::arm(ferry_controller::fault::Fault {
                after,
                writes_only,
                n,
            });
        }
    }
    let pins = Pins {
        appliance_id: args.appliance.clone(),
        instance_id: args.instance_id.clone(),
        approval_key: approval_key(args.approval_key.as_deref())?,
    };
    let keys = KeyFile::load(key_file, &pins)?;
    let mut config = Config::from_key_file(relay, keys)?;
    config.do_api = args.do_api.clone();
    if args.metrics_interval.trim() == "off" {
        config.metrics.enabled = false;
    } else {
        let interval = crate::cli::remote::parse_duration(&args.metrics_interval)
            .context("--metrics-interval")?;
        let interval = std::time::Duration::from_millis(u64::try_from(interval).unwrap_or(60_000));
        config.metrics.interval = interval;
        config.metrics.window = config.metrics.window.max(interval * 2);
    }
    if let Some(state) = args.state_file {
        config.state_file = Some(state);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async move {
        tracing::info!(
            appliance = %config.appliance_id,
            relay = %config.relay_url,
            do_api = %config.do_api,
            "ferry controller starting"
        );
        let controller = Controller::spawn(config)?;
        let stop = controller.stopper();
        tokio::spawn(async move {
            crate::cli::serve::shutdown_signal().await;
            let _ = stop.send(true);
        });
        controller.join().await;
        anyhow::Ok(())
    })?;
    Ok(ExitCode::SUCCESS)
}

fn keygen(args: KeygenArgs) -> Result<ExitCode> {
    let pins = Pins {
        appliance_id: args.appliance,
        instance_id: args.instance_id,
        approval_key: approval_key(args.approval_key.as_deref())?,
    };
    let file = KeyFile::generate(&args.key_file, &pins, args.force)?;
    let keys = file.public_keys();
    println!("{}", serde_json::to_string_pretty(&keys)?);
    eprintln!(
        "wrote {} (mode 0600). Register these public keys for the appliance \
         (PUT /api/v1/appliances/<id>/controller); keep the key file secret.",
        args.key_file.display()
    );
    Ok(ExitCode::SUCCESS)
}
