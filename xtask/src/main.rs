//! `cargo xtask <task>` (alias in `.cargo/config.toml`).
//!
//! * `dist [--out DIR] [--no-wasm-opt] [--allow-over-budget]` — compiler.wasm and the dashboard into `DIR`
//!   (default `target/dist`), which `ferry serve --web-dir DIR` serves. Fails when
//!   compiler.wasm is over its 1 MiB budget, unless `--allow-over-budget` (then it warns).
//! * `browser-test` — the headless Chromium tests: the compile preview and the vendor and
//!   customer pages (`cargo test -p xtask --test browser --test broker_browser`).

use anyhow::{Context, Result, bail};
use std::path::PathBuf;
use std::process::{Command, ExitCode};

const USAGE: &str = "usage: cargo xtask dist [--out DIR] [--no-wasm-opt] [--allow-over-budget]
       cargo xtask browser-test";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<()> {
    let mut args = std::env::args().skip(1);
    match args.next().as_deref() {
        Some("dist") => {
            let mut opts = xtask::DistOptions::default();
            while let Some(a) = args.next() {
                match a.as_str() {
                    "--out" => {
                        let dir = args.next().context("--out needs a folder")?;
                        opts.out = std::env::current_dir()?.join(PathBuf::from(dir));
                    }
                    "--no-wasm-opt" => opts.wasm_opt = false,
                    "--allow-over-budget" => opts.enforce_budget = false,
                    other => bail!("unknown argument `{other}`\n{USAGE}"),
                }
            }
            xtask::dist(&opts)?;
            Ok(())
        }
        Some("browser-test") => {
            let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
            let status = Command::new(cargo)
                .current_dir(xtask::workspace_root())
                .args([
                    "test",
                    "-p",
                    "xtask",
                    "--test",
                    "browser",
                    "--test",
                    "broker_browser",
                    "--",
                    "--nocapture",
                ])
                .status()?;
            if !status.success() {
                bail!("the browser test failed");
            }
            Ok(())
        }
        _ => bail!("{USAGE}"),
    }
}
