//! Ferry's service-equivalent compiler.
//!
//! An origin stack (AWS Terraform: `*.tf`, `*.tf.json`, `*.tfvars`, local modules) goes in as a
//! map of path → text; a DigitalOcean deployment stack (`main.tf`, `variables.tf`,
//! `outputs.tf`, `versions.tf` per module folder) and a [`Report`] come out.
//!
//! ```text
//! parse ─► resolve ─► map (rules) ─► rewrite references ─► self-check ─► emit ─► lint ─► report
//! origin    eval,      rules::*        refs                  schema        emit    lints
//!           modules
//! ```
//!
//! The crate is pure: no I/O, no clock, no randomness, no threads, no environment. The same
//! input gives the same bytes on every target, which is what lets the browser and the edge host
//! run the very same WebAssembly module (DESIGN §2). [`compile`] never panics on user input:
//! everything wrong with the input becomes a [`Diagnostic`].

pub mod api;
pub mod cycles;
pub mod diag;
pub mod emit;
pub mod eval;
pub mod facts;
pub mod hclx;
pub mod lints;
pub mod modules;
pub mod origin;
pub mod out;
pub mod providers;
pub mod refs;
pub mod report;
pub mod rules;
pub mod schema;
pub mod scopes;
pub mod sensitive;
pub mod source;
pub mod undeclared;
pub mod xmod;

mod pipeline;

pub use api::{Compilation, CompileRequest, ErrorBody, FunctionsStrategy, Options};
pub use diag::{Code, Diagnostic, Severity};
pub use report::{Outcome, Report};

/// Compiles an origin stack. Pure and total: every problem is a diagnostic in the report.
pub fn compile(request: &CompileRequest) -> Compilation {
    pipeline::run(&request.files, &request.options)
}
