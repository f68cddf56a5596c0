//! The broker's HTTP API shapes (`/api/v1/...`, DESIGN §5–§6): appliances, releases, access
//! requests, grants, sealed tokens, deploy sessions, the audit log. The edge host serves them,
//! the dashboard and the `ferry` CLI call them.
//!
//! Conventions: times are Unix milliseconds (`*_ms`), ids are opaque strings, every secret that
//! is created server-side (API keys, deploy-session credentials, invitation links) appears in
//! exactly one response and is stored hashed. Errors are `{"error": {"code", "message"}}`.
//!
//! | method & path | who | body → answer |
//! |---|---|---|
//! | `POST /api/v1/auth/session` | anyone | [`LoginRequest`] → [`Whoami`], sets `__Host-ferry_session` + `__Host-ferry_csrf` |
//! | `DELETE /api/v1/auth/session` · `GET /api/v1/auth/whoami` | signed in | → [`Whoami`] |
//! | `POST /api/v1/auth/keys` · `GET` · `DELETE /api/v1/auth/keys/{id}` | signed in | [`NewApiKey`] → [`CreatedApiKey`] (shown once) / [`ApiKeyInfo`]s |
//! | `GET/POST /api/v1/appliances` | vendor (customer: GET, own only) | [`NewAppliance`] → [`Appliance`] |
//! | `GET /api/v1/appliances/{id}` | both | → [`Appliance`] (with [`PhaseState`]s) |
//! | `POST /api/v1/appliances/{id}/invitations` | vendor | → [`Invitation`] (link shown once) |
//! | `POST /api/v1/invitations/accept` | invitee | [`AcceptInvitation`] → [`CreatedApiKey`] + session cookies |
//! | `PUT /api/v1/appliances/{id}/controller` | customer | [`ControllerKeys`] → [`Appliance`] |
//! | `PUT /api/v1/appliances/{id}/phases/steady_state` | customer | [`SteadyStateSwitch`] → [`Appliance`] |
//! | `POST/GET /api/v1/appliances/{id}/releases` | vendor (customer: GET) | [`NewRelease`] → [`Release`] |
//! | `GET /api/v1/releases/{id}` · `GET /api/v1/releases/{id}/stack.tar.gz` | both | → [`Release`] / tarball |
//! | `POST/GET /api/v1/appliances/{id}/access-requests` | vendor / both | [`NewAccessRequest`] → [`AccessRequest`] |
//! | `POST /api/v1/access-requests/{id}/refuse` | customer | [`Refusal`] → [`AccessRequest`] |
//! | `POST/GET /api/v1/appliances/{id}/grants` | customer / both | [`NewGrant`] → [`Grant`] |
//! | `DELETE /api/v1/grants/{id}` | customer | → [`Grant`] (revoked, immediately) |
//! | `PUT /api/v1/appliances/{id}/tokens/{phase}` · `GET …/tokens` · `DELETE …/tokens/{phase}` | customer / both | [`SealedTokenUpload`] → [`TokenInfo`] |
//! | `POST /api/v1/appliances/{id}/sessions` · `GET` · `DELETE /api/v1/sessions/{id}` | vendor | [`NewDeploySession`] → [`CreatedDeploySession`] (credential shown once) / [`DeploySession`]s |
//! | `GET /api/v1/appliances/{id}/audit` | both | → [`AuditRecord`]s |
//! | `GET /api/v1/audit/verify` | both | → [`AuditVerification`] |

use crate::crypto::{SealingPublicKey, VerifyingKey};
use crate::grant::{Phase, SignedGrant, Window};
use ferry_compiler::api::Options;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Who is calling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Vendor,
    Customer,
}

/// Sign in with an API key (dashboard): the answer sets the session and CSRF cookies.
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub api_key: String,
}

/// Debug without the secret.
impl std::fmt::Debug for LoginRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginRequest")
            .field("api_key", &"…")
            .finish()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Whoami {
    pub role: Role,
    /// The vendor's or customer's id.
    pub principal_id: String,
    pub name: String,
    /// The CSRF token to send back as `X-CSRF-Token` on state-changing requests (dashboard).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub csrf_token: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewApiKey {
    pub label: String,
}

/// A newly created API key: `secret` is shown this once and stored only as a hash.
#[derive(Clone, Serialize, Deserialize)]
pub struct CreatedApiKey {
    pub key: ApiKeyInfo,
    pub secret: String,
}

/// Debug without the secret.
impl std::fmt::Debug for CreatedApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreatedApiKey")
            .field("key", &self.key)
            .field("secret", &"…")
            .finish()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKeyInfo {
    pub id: String,
    pub label: String,
    pub role: Role,
    pub created_at_ms: i64,
    #[serde(default)]
    pub revoked_at_ms: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewAppliance {
    pub name: String,
    /// Lowercase letters, digits and `-`, 1–20 characters: it ends up in resource names.
    pub instance_id: String,
    /// DigitalOcean region slug.
    pub region: String,
    /// The customer's name (the invitation goes to them).
    pub customer_name: String,
}

/// How far the appliance is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplianceStatus {
    /// Created by the vendor; the customer has not accepted the invitation.
    Invited,
    /// The customer pinned an approval key; the controller's keys are not registered yet.
    AwaitingController,
    /// Ready: keys pinned, tokens can be sealed.
    Ready,
}

/// Is a phase usable now, and until when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhaseState {
    pub phase: Phase,
    pub active: bool,
    /// When the current open interval closes (active) — drives the dashboard's countdown.
    #[serde(default)]
    pub until_ms: Option<i64>,
    /// The grant that makes it active (not for Steady-state, which is on by default).
    #[serde(default)]
    pub grant_id: Option<String>,
    /// Whether a sealed token is registered for the phase.
    pub token_registered: bool,
    /// Steady-state only: switched off by the customer.
    #[serde(default)]
    pub disabled: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Appliance {
    pub id: String,
    pub name: String,
    pub instance_id: String,
    pub region: String,
    pub vendor_id: String,
    pub customer_id: String,
    pub customer_name: String,
    pub status: ApplianceStatus,
    #[serde(default)]
    pub approval_key: Option<VerifyingKey>,
    #[serde(default)]
    pub controller: Option<ControllerKeys>,
    pub phases: Vec<PhaseState>,
    /// Whether the appliance's controller is connected to the relay now.
    #[serde(default)]
    pub controller_connected: bool,
    pub created_at_ms: i64,
}

/// The controller's public keys, registered by the customer (`ferry controller keygen` prints
/// them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ControllerKeys {
    /// Ed25519: the controller proves its identity to the relay with it.
    pub signing_key: VerifyingKey,
    /// X25519: tokens are sealed to it.
    pub sealing_key: SealingPublicKey,
}

/// The invitation the vendor hands to the customer: `link` is shown once.
#[derive(Clone, Serialize, Deserialize)]
pub struct Invitation {
    pub appliance_id: String,
    /// `/invite#<secret>`: the secret stays in the fragment, never in server logs.
    pub link: String,
    pub secret: String,
    pub expires_at_ms: i64,
}

/// Debug without the secret.
impl std::fmt::Debug for Invitation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Invitation")
            .field("appliance_id", &self.appliance_id)
            .field("expires_at_ms", &self.expires_at_ms)
            .field("link", &"…")
            .field("secret", &"…")
            .finish()
    }
}

/// The customer accepts: pins the approval key generated in their browser.
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AcceptInvitation {
    pub secret: String,
    pub approval_key: VerifyingKey,
}

/// Debug without the secret.
impl std::fmt::Debug for AcceptInvitation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AcceptInvitation")
            .field("approval_key", &self.approval_key)
            .field("secret", &"…")
            .finish()
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SteadyStateSwitch {
    pub enabled: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewRelease {
    /// Origin files, path → text (as for `POST /api/v1/compile`).
    pub files: BTreeMap<String, String>,
    /// Compile options beyond the appliance's own (instance id, region and relay URL are the
    /// appliance's and cannot be overridden).
    #[serde(default)]
    pub options: Option<Options>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Release {
    pub id: String,
    pub appliance_id: String,
    /// `sha256:<hex>` over the origin files (canonical: sorted paths, length-prefixed).
    pub origin_digest: String,
    /// `sha256:<hex>` over the compiled stack's files; what Deploy grants and sessions bind to.
    pub digest: String,
    pub created_by: String,
    pub created_at_ms: i64,
    /// False when the compile had errors: stored, but never deployable.
    pub deployable: bool,
    pub errors: u32,
    pub warnings: u32,
    #[serde(default)]
    pub note: Option<String>,
    /// The compiler's report (present on `GET /releases/{id}`, omitted in lists).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report: Option<serde_json::Value>,
    /// The compiled files (present on `GET /releases/{id}`, omitted in lists).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub files: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewAccessRequest {
    pub phase: Phase,
    /// The window the vendor asks for.
    pub window: Window,
    #[serde(default)]
    pub release_id: Option<String>,
    pub reason: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestStatus {
    Pending,
    Approved,
    Refused,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessRequest {
    pub id: String,
    pub appliance_id: String,
    pub phase: Phase,
    pub window: Window,
    #[serde(default)]
    pub release_id: Option<String>,
    #[serde(default)]
    pub release_digest: Option<String>,
    pub reason: String,
    pub status: RequestStatus,
    pub requested_by: String,
    pub created_at_ms: i64,
    #[serde(default)]
    pub grant_id: Option<String>,
    #[serde(default)]
    pub refusal: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Refusal {
    #[serde(default)]
    pub reason: Option<String>,
}

/// The customer approves: a grant signed in the browser (or by `ferry customer approve`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewGrant {
    pub grant: SignedGrant,
    /// The access request this answers, if any.
    #[serde(default)]
    pub access_request_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    pub id: String,
    pub appliance_id: String,
    pub grant: SignedGrant,
    pub created_at_ms: i64,
    #[serde(default)]
    pub revoked_at_ms: Option<i64>,
    #[serde(default)]
    pub access_request_id: Option<String>,
}

/// A token sealed by the customer to the controller's key. The plaintext never reaches the
/// server: only this.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SealedTokenUpload {
    /// Base64url sealed box.
    pub sealed: String,
    /// [`crate::crypto::fingerprint`] of the token.
    pub fingerprint: String,
    /// The DigitalOcean scopes the customer gave the token (`droplet:read`, …).
    pub scopes: Vec<String>,
    /// When the DigitalOcean token expires (as set when it was created).
    pub expires_at_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenInfo {
    pub phase: Phase,
    pub fingerprint: String,
    pub scopes: Vec<String>,
    pub expires_at_ms: i64,
    pub registered_at_ms: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewDeploySession {
    pub release_id: String,
    /// Shorter than the window if wanted; never beyond it.
    #[serde(default)]
    pub ttl_ms: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeploySession {
    pub id: String,
    pub appliance_id: String,
    pub phase: Phase,
    pub release_digest: String,
    pub grant_id: String,
    pub expires_at_ms: i64,
    #[serde(default)]
    pub revoked_at_ms: Option<i64>,
    pub created_at_ms: i64,
}

/// `credential` is shown this once (256-bit random, stored as a hash).
#[derive(Clone, Serialize, Deserialize)]
pub struct CreatedDeploySession {
    pub session: DeploySession,
    pub credential: String,
}

/// Debug without the secret.
impl std::fmt::Debug for CreatedDeploySession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreatedDeploySession")
            .field("session", &self.session)
            .field("credential", &"…")
            .finish()
    }
}

/// One link of the hash chain. `hash = sha256(prev_hash || canonical(record without hash))`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRecord {
    pub seq: i64,
    pub at_ms: i64,
    /// `vendor:<id>`, `customer:<id>`, `controller:<appliance>`, `system`.
    pub actor: String,
    #[serde(default)]
    pub appliance_id: Option<String>,
    /// `grant.created`, `grant.revoked`, `session.refused`, `relay.call`, …
    pub action: String,
    /// `ok`, `refused`, `expired`, `revoked`, `error`.
    pub outcome: String,
    /// Human text; fingerprints only, never a secret.
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditVerification {
    pub ok: bool,
    pub records: i64,
    /// The first record whose hash or link does not verify.
    #[serde(default)]
    pub first_broken: Option<i64>,
    #[serde(default)]
    pub problem: Option<String>,
}
