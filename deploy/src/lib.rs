//! `ferry-deploy`: applies a deployment stack — the DigitalOcean Terraform the compiler emits —
//! through a DigitalOcean-compatible API, without Terraform.
//!
//! ```text
//! files ─► stack::Stack::load ─► graph::build ─► engine::Engine::{deploy, plan, destroy}
//!          (hcl-rs, modules,      (references,     (evaluate arguments when their references
//!           variables, lines)      depends_on,      are known ─► units::* ─► client ─► API)
//!                                  cycles)
//! ```
//!
//! Decisions:
//! * **Only the emitted text.** The engine reads Terraform files like `tofu` would and knows
//!   nothing of the compiler's internals; any stack of the resource types it maps applies, so the
//!   stack stays plain Terraform for users who run `tofu apply` instead.
//! * **One unit per type** ([`units`]), self-describing like the compiler's rules: arguments it
//!   maps, attributes it exports, endpoints it calls. Types with no DigitalOcean API equivalent
//!   (`kubernetes_*`, `spaces_*`, `tls_*`, `null_resource`) are reported as skipped with the
//!   reason, never dropped silently; `random_*` values are generated here and kept in [`State`].
//! * **Convergent without a state file.** Every resource is found again through the API — by the
//!   `instance-id:<id>` tag where the list endpoint filters by tag, otherwise by its name (which
//!   carries the instance id) — so a second run creates and changes nothing, and a run
//!   interrupted after any request, started again, creates no duplicate. Creates carry an
//!   `Idempotency-Key` derived from the instance id and the resource's address, so a relay or
//!   controller in between can deduplicate as well.
//! * **Unknown values** ([`value::Val::Unknown`]) stand for attributes of resources the engine
//!   does not create: lists keep their known elements (a project's resources), everything else
//!   that needs one is skipped with the chain of reasons.
//! * **Progress is a stream of [`event::Event`]s** (JSON-serialisable) for the CLI and, later,
//!   the dashboard.
//! * **Secrets** (the token, database passwords, generated values) never appear in `Debug`,
//!   errors or events.
//!
//! The base URL is `https://api.digitalocean.com`, the sandbox cloud, or the edge host's relay
//! path (`<server>/relay/v1/appliances/<id>/do`); the token is a DigitalOcean token, a sandbox
//! token, or a deploy-session credential.

pub mod client;
pub mod engine;
pub mod eval;
pub mod event;
pub mod graph;
pub mod stack;
pub mod units;
pub mod value;

pub use client::{Client, HttpTransport, RetryPolicy, Token, Transport};
pub use engine::{DeployError, Engine, Options, Outcome, Report, State, Status};
pub use event::{Event, EventKind, EventSink};
pub use stack::{Stack, StackError, VarInput};
