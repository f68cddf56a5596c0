//! `ferry`: the command line. A thin `main`: argument parsing here, work in the modules.

use clap::{Parser, Subcommand};
use std::process::ExitCode;

mod cli;

/// mimalloc rather than the system allocator: the compiler builds and drops many small trees
/// and strings, and glibc's malloc spends a third of a large compile in `malloc`/`free` and
/// heap consolidation (compile benchmark, 10,000 resources: 394 ms with it, 327 ms with
/// mimalloc; see the README's performance section). compiler.wasm has its own allocator
/// (compiler/wasm/src/alloc.rs).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    /// Vendor: create, list, show appliances; invite their customers.
    Appliance(cli::vendor::ApplianceArgs),
    /// Vendor: compile an origin folder into a release for an appliance; list, show, download.
    Release(cli::vendor::ReleaseArgs),
    /// Vendor: request a phase window from the customer; list requests.
    Access(cli::vendor::AccessArgs),
    /// Vendor: mint, list, revoke deploy-session credentials.
    Session(cli::vendor::SessionArgs),
    /// Customer: accept an invitation, register controller keys, switch Steady-state.
    Customer(cli::customer::CustomerArgs),
    /// Customer: seal a DigitalOcean token locally and register the ciphertext; list, remove.
    Token(cli::customer::TokenArgs),
    /// Customer: approve an access request with your approval key.
    Approve(cli::customer::ApproveArgs),
    /// Customer: grant a phase window (manual or weekly) with your approval key.
    Grant(cli::customer::GrantArgs),
    /// Customer: revoke a grant, immediately.
    Revoke(cli::customer::RevokeArgs),
    /// Customer: refuse an access request.
    Refuse(cli::customer::RefuseArgs),
    /// Read an appliance's audit log; verify the hash chain (API or offline store).
    Audit(cli::audit::AuditArgs),
    /// Run the controller (in the customer's account): dials out to the relay and executes
    /// relayed DigitalOcean calls. `ferry controller keygen` makes its key file.
    Controller(cli::controller::ControllerArgs),
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
        Command::Appliance(a) => cli::vendor::appliance(a),
        Command::Release(a) => cli::vendor::release(a),
        Command::Access(a) => cli::vendor::access(a),
        Command::Session(a) => cli::vendor::session(a),
        Command::Customer(a) => cli::customer::customer(a),
        Command::Token(a) => cli::customer::token(a),
        Command::Approve(a) => cli::customer::approve(a),
        Command::Grant(a) => cli::customer::grant(a),
        Command::Revoke(a) => cli::customer::revoke(a),
        Command::Refuse(a) => cli::customer::refuse(a),
        Command::Audit(a) => cli::audit::audit(a),
        Command::Controller(a) => cli::controller::run(a),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}
