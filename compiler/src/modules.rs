//! Registry modules Ferry knows, mapped by their documented inputs.
//!
//! A known module call is expanded into synthetic AWS resources (what the module would create),
//! which then go through the ordinary rules; its outputs are declared as [`ModuleOutput`]s so
//! `module.vpc.vpc_id` is rewritten like any other reference. Any other registry module is
//! reported (F201) with what to do.

use crate::diag::Diagnostic;
use crate::eval::Eval;
use crate::origin::{Named, Resource};
use crate::refs::ModuleOutput;
use std::collections::BTreeMap;

/// Registry sources Ferry maps (without version or `//submodule`).
pub const KNOWN: &[&str] = &[];

/// What a known module call became.
#[derive(Debug, Default)]
pub struct Expansion {
    pub resources: Vec<Resource>,
    pub outputs: BTreeMap<String, ModuleOutput>,
    pub diags: Vec<Diagnostic>,
}

/// Expands a registry module call, or `None` when Ferry does not know the module.
pub fn expand(call: &Named, source: &str, eval: &Eval) -> Option<Expansion> {
    let _ = (call, source, eval);
    None
}
