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

/// What kind of artifact must be copied into the appliance at deploy time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ArtifactKind {
    /// A container image (ECS task, Lambda image, Kubernetes pod spec or manifest).
    Image,
    /// A function archive (Lambda zip from S3 or a local file).
    Archive,
    /// A file the stack reads (`file()`, `templatefile()`).
    File,
}

/// An artifact the controller copies from the vendor into the appliance (DESIGN §7).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Artifact {
    pub kind: ArtifactKind,
    /// Where it comes from (`123456789012.dkr.ecr.us-east-1.amazonaws.com/api:1.4`).
    pub source: String,
    /// Where the deployment stack expects it (`registry.digitalocean.com/<registry>/api:1.4`).
    pub destination: String,
    /// Whether the source is pinned by digest (`@sha256:…`).
    pub pinned: bool,
    /// The origin address that uses it.
    pub used_by: String,
}

/// A secret the appliance needs: its name and where it is injected, never its value.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SecretRef {
    /// The origin address that defines it (`aws_secretsmanager_secret.db`).
    pub origin: String,
    /// The emitted resource that holds it (`kubernetes_secret_v1.db`).
    pub target: String,
    /// Keys inside the secret.
    pub keys: Vec<String>,
    /// Where the value comes from: a sensitive variable, a generated password, …
    pub source: String,
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
    /// Artifacts to copy into the appliance (images, archives, files).
    pub artifacts: Vec<Artifact>,
    /// Secrets the appliance needs, by name (never values).
    pub secrets: Vec<SecretRef>,
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
