//! `ferry-api`: the shapes and forms that every Ferry process must agree on.
//!
//! * [`compile`] — the compile request and response (DESIGN §4), defined by the compiler crate
//!   because `compiler.wasm` speaks them; re-exported here so that callers need one crate.
//! * [`broker`] — the broker's HTTP API (appliances, releases, grants, tokens, sessions, audit).
//! * [`grant`] — phases, windows and the canonical form the customer signs.
//! * [`crypto`] — token shape and fingerprint, sealed boxes, Ed25519 keys and signatures.
//! * [`observe`] — metric series and the live activity stream of an appliance.
//! * [`relay`] — the relay ↔ controller wire protocol (handshake, frames, body chunks) and the
//!   policy both ends apply to every relayed DigitalOcean call.
//!
//! This crate knows nothing of HTTP servers, databases or the clock: times are passed in. It
//! builds for the browser (`wasm32-unknown-unknown`, randomness from `crypto.getRandomValues`)
//! so that the dashboard seals and signs with the very code the controller opens and verifies
//! with.

pub mod broker;
pub mod crypto;
pub mod grant;
pub mod observe;
pub mod relay;

pub use ferry_compiler::api as compile;
