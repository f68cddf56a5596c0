//! `ferry rules` and `ferry explain`.

use anyhow::{Result, bail};
use ferry_compiler::diag::Code;
use std::process::ExitCode;

pub fn rules() -> Result<ExitCode> {
    let mut all: Vec<_> = ferry_compiler::rules::all().collect();
    all.sort_by_key(|r| (r.ty, r.mode));
    for r in all {
        let kind = if r.mode == ferry_compiler::origin::Mode::Data {
            "data "
        } else {
            ""
        };
        println!("{kind}{:<48} {}", r.ty, r.summary);
    }
    Ok(ExitCode::SUCCESS)
}

pub fn explain(code: &str) -> Result<ExitCode> {
    let Some(c) = Code::parse(&code.to_ascii_uppercase()) else {
        bail!("unknown diagnostic code `{code}` (codes look like F301; see `docs/diagnostics.md`)");
    };
    println!(
        "{} ({}): {}",
        c.as_str(),
        c.default_severity().as_str(),
        c.title()
    );
    Ok(ExitCode::SUCCESS)
}
