//! The compile report: what happened to every origin resource, every diagnostic, the token
//! scopes each phase needs, and counts. Its JSON shape is part of Ferry's API (`format_version`
//! is bumped on any incompatible change); see `docs/report.md`.

use crate::diag::{Diagnostic, Severity};
use crate::source::Loc;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const FORMAT_VERSION: u32 = 1;

/// What happened to one origin resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// Became one or more DigitalOcean resources.
    Mapped,
    /// Folded into another emitted resource (a subnet into its VPC).
    Absorbed,
    /// No meaning on DigitalOcean (IAM): left out on purpose.
    Dropped,
    /// No DigitalOcean equivalent; an error says what to use instead.
    Unsupported,
    /// Not an AWS resource (`digitalocean_*`, `random_*`, `kubernetes_*`, …): kept as written.
    Kept,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Mapped => "mapped",
            Outcome::Absorbed => "absorbed",
            Outcome::Dropped => "dropped",
            Outcome::Unsupported => "unsupported",
            Outcome::Kept => "kept",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceReport {
    /// Origin address, with its module path: `aws_vpc.main`, `module.db.aws_db_instance.x`.
    pub address: String,
    /// The origin type, or `module` for an expanded registry module.
    #[serde(rename = "type")]
    pub ty: String,
    pub outcome: Outcome,
    /// Emitted addresses, with their module path.
    pub targets: Vec<String>,
    pub location: Loc,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The DigitalOcean region the stack was compiled for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegionChoice {
    /// The AWS region read from the origin's `provider "aws"`, when there was one.
    pub origin: Option<String>,
    pub target: String,
    pub reason: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub resources: usize,
    pub mapped: usize,
    pub absorbed: usize,
    pub dropped: usize,
    pub unsupported: usize,
    pub kept: usize,
    pub emitted: usize,
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub format_version: u32,
    pub compiler_version: String,
    pub instance_id: Option<String>,
    pub region: RegionChoice,
    pub resources: Vec<ResourceReport>,
    pub diagnostics: Vec<Diagnostic>,
    /// DigitalOcean custom token scopes per phase (`install`, `deploy`, `operate`,
    /// `steady_state`), computed from the emitted resource types.
    pub token_scopes: BTreeMap<String, Vec<String>>,
    pub counts: Counts,
}

impl Report {
    /// Fills `counts` from the resources and diagnostics.
    pub fn recount(&mut self, emitted: usize) {
        let mut c = Counts {
            resources: self.resources.len(),
            emitted,
            ..Counts::default()
        };
        for r in &self.resources {
            match r.outcome {
                Outcome::Mapped => c.mapped += 1,
                Outcome::Absorbed => c.absorbed += 1,
                Outcome::Dropped => c.dropped += 1,
                Outcome::Unsupported => c.unsupported += 1,
                Outcome::Kept => c.kept += 1,
            }
        }
        for d in &self.diagnostics {
            match d.severity {
                Severity::Error => c.errors += 1,
                Severity::Warning => c.warnings += 1,
                Severity::Note => c.notes += 1,
            }
        }
        self.counts = c;
    }

    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }
}
