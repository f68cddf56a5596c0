//! The JSON shapes that cross a process boundary for compilation: the compile request and
//! response of DESIGN §4, shared by the CLI (`--format json`), the wasm ABI and the edge API.
//! This is the only place they are defined.

use crate::report::Report;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Compile options (DESIGN §3).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Options {
    /// The appliance's instance id: becomes the default of `var.instance_id`. When absent the
    /// stack keeps `var.instance_id` without a default.
    pub instance_id: Option<String>,
    /// DigitalOcean region slug; default: nearest to the origin's AWS region.
    pub region: Option<String>,
    /// When set, the providers are wired through Ferry's relay (DESIGN §3 provider wiring).
    pub relay_url: Option<String>,
    /// Name of the appliance's container registry (images are rewritten to it).
    pub registry_name: Option<String>,
    /// How Lambda functions are mapped: DigitalOcean Functions or Knative on DOKS.
    pub functions_strategy: FunctionsStrategy,
}

/// Where Lambda functions run on DigitalOcean.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FunctionsStrategy {
    /// Knative Services on the appliance's DOKS cluster (default: Terraform-managed, in the
    /// appliance, no extra product).
    #[default]
    Knative,
    /// DigitalOcean Functions.
    Functions,
}

/// `{"files": {...}, "options": {...}}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompileRequest {
    pub files: BTreeMap<String, String>,
    #[serde(default)]
    pub options: Options,
}

/// `{"files": {...}, "report": {...}}`: the deployment stack and its report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Compilation {
    pub files: BTreeMap<String, String>,
    pub report: Report,
}

/// `{"error": {"code", "message"}}`: a request that could not be compiled at all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorDetail {
    pub code: String,
    pub message: String,
}

impl Compilation {
    /// The response JSON, byte-for-byte stable for a given input.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|e| {
            format!(
                "{{\"error\":{{\"code\":\"internal\",\"message\":{}}}}}",
                serde_json::Value::String(e.to_string())
            )
        })
    }
}
