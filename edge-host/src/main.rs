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
