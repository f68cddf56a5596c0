//! `ferry`: the command line. A thin `main`: argument parsing here, work in the modules.

use clap::{Parser, Subcommand};
use std::process::ExitCode;

mod cli;

#[derive(Parser, Debug)]
#[command(
    name = "ferry",
    version,
    about = "Ship an AWS Terraform stack into customers' own DigitalOcean accounts"
)]
struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Compile an origin stack (AWS Terraform) into a DigitalOcean deployment stack.
    Compile(cli::compile::CompileArgs),
    /// List the mapping rules Ferry knows.
    Rules,
    /// Explain a diagnostic code (e.g. `ferry explain F301`).
    Explain { code: String },
    /// Run the edge host: the compile API (compiler.wasm in wasmtime), /metrics, the dashboard.
    Serve(cli::serve::ServeArgs),
    /// Run the sandbox cloud alone: a local DigitalOcean API (`/v2/...`) backed by SQLite.
    Sandbox(cli::sandbox::SandboxArgs),
    /// Apply a deployment stack (a folder or a release id) through the DigitalOcean API, without
    /// Terraform: dependency order, provisioning waits, convergent re-runs.
    Deploy(cli::deploy::DeployArgs),
    /// Delete what a deployment stack created (reverse dependency order), then anything left
    /// with the appliance's tag.
    Destroy(cli::deploy::DeployArgs),
}

fn main() -> ExitCode {
    let args = Args::parse();
    let result = match args.command {
        Command::Compile(a) => cli::compile::run(a),
        Command::Rules => cli::info::rules(),
        Command::Explain { code } => cli::info::explain(&code),
        Command::Serve(a) => cli::serve::run(a),
        Command::Sandbox(a) => cli::sandbox::run(a),
        Command::Deploy(a) => cli::deploy::deploy(a),
        Command::Destroy(a) => cli::deploy::destroy(a),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}
