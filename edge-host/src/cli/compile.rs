//! `ferry compile <origin-dir> -o <out-dir>`.

use super::{human, read};
use anyhow::{Context, Result, bail};
use clap::{Args, ValueEnum};
use ferry_compiler::{CompileRequest, FunctionsStrategy, Options};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Format {
    /// A summary table and rustc-style diagnostics.
    Human,
    /// The compile API's response: `{"files": …, "report": …}`.
    Json,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Functions {
    Knative,
    Functions,
}

#[derive(Args, Debug)]
pub struct CompileArgs {
    /// The folder holding the origin stack (AWS Terraform).
    pub origin: PathBuf,
    /// Where to write the deployment stack.
    #[arg(short = 'o', long = "out")]
    pub out: PathBuf,
    /// The appliance's instance id (default: keep `var.instance_id` without a default).
    #[arg(long)]
    pub instance_id: Option<String>,
    /// DigitalOcean region slug (default: nearest to the origin's AWS region).
    #[arg(long)]
    pub region: Option<String>,
    /// Wire the providers through this Ferry relay URL.
    #[arg(long)]
    pub relay_url: Option<String>,
    /// Name of the appliance's container registry (images are rewritten to it).
    #[arg(long)]
    pub registry_name: Option<String>,
    /// Where Lambda functions run: Knative Services on DOKS, or DigitalOcean Functions.
    #[arg(long, value_enum, default_value_t = Functions::Knative)]
    pub functions: Functions,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Replace the contents of a non-empty output folder.
    #[arg(long)]
    pub force: bool,
}

/// Exit codes: 0 compiled cleanly, 1 compiled with errors, 2 usage or I/O error.
pub fn run(args: CompileArgs) -> Result<ExitCode> {
    // Read everything before touching the output folder: a bad origin never costs the old output.
    let files = read::origin(&args.origin)?;
    prepare_out_dir(&args.out, args.force)?;
    let request = CompileRequest {
        files: files.clone(),
        options: Options {
            instance_id: args.instance_id.clone(),
            region: args.region.clone(),
            relay_url: args.relay_url.clone(),
            registry_name: args.registry_name.clone(),
            functions_strategy: match args.functions {
                Functions::Knative => FunctionsStrategy::Knative,
                Functions::Functions => FunctionsStrategy::Functions,
            },
        },
    };
    let started = std::time::Instant::now();
    let compilation = ferry_compiler::compile(&request);
    let elapsed = started.elapsed();
    for (path, text) in &compilation.files {
        let target = args.out.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create `{}`", parent.display()))?;
        }
        std::fs::write(&target, text)
            .with_context(|| format!("cannot write `{}`", target.display()))?;
    }
    let report_path = args.out.join("ferry-report.json");
    std::fs::write(
        &report_path,
        serde_json::to_string_pretty(&compilation.report)?,
    )
    .with_context(|| format!("cannot write `{}`", report_path.display()))?;
    match args.format {
        Format::Json => println!("{}", compilation.to_json()),
        Format::Human => print!(
            "{}",
            human::render(&compilation, &files, &args.out, elapsed)
        ),
    }
    Ok(if compilation.report.has_errors() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn prepare_out_dir(out: &Path, force: bool) -> Result<()> {
    match std::fs::read_dir(out) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                if !force {
                    bail!(
                        "output folder `{}` is not empty; pass --force to replace its contents",
                        out.display()
                    );
                }
                std::fs::remove_dir_all(out)
                    .with_context(|| format!("cannot clear `{}`", out.display()))?;
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => {
            return Err(e).with_context(|| format!("cannot use output folder `{}`", out.display()));
        }
    }
    std::fs::create_dir_all(out)
        .with_context(|| format!("cannot create output folder `{}`", out.display()))
}
