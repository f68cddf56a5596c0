//! What the relay asks of the broker, as a trait: the relay is built and tested without the
//! store, and the broker implements it (`ferry-broker`'s `Broker`).
//!
//! Every method is asked on every call — nothing is cached across calls — so that a revoked
//! session or grant stops working at once (DESIGN §6: "expiry and revocation are checked on
//! every use, not by a sweeper").

use ferry_api::crypto::VerifyingKey;
use ferry_api::grant::{Phase, SignedGrant};
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

/// A boxed future borrowing the gate.
pub type GateFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The gate could not answer (store down): the relay answers 503, never "allowed".
#[derive(Debug, Clone, thiserror::Error)]
#[error("the broker could not answer: {0}")]
pub struct GateError(pub String);

/// The appliance's registered controller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ControllerIdentity {
    /// The controller's Ed25519 key ([`ferry_api::broker::ControllerKeys::signing_key`]).
    pub signing_key: VerifyingKey,
    /// The appliance's instance id (names and `instance-id:` tags).
    pub instance_id: String,
}

/// A deploy session that may be used now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionGrant {
    pub session_id: String,
    pub phase: Phase,
    /// The customer's signed grant behind the session; the controller verifies it again.
    pub grant: SignedGrant,
    pub instance_id: String,
    pub expires_at_ms: i64,
}

/// Why a credential may not be used now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefusalKind {
    /// No such credential for this appliance (401).
    Unknown,
    /// The session or its grant was revoked (401: it will never work again).
    Revoked,
    /// The session expired or its window is closed: the appliance is back to Steady-state, so
    /// reads still work (with the Steady-state token) and writes are refused (403).
    Expired,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub kind: RefusalKind,
    /// The session the credential belongs to, when it is known.
    pub session_id: Option<String>,
    /// Human text, no secret.
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Authorization {
    Granted(SessionGrant),
    Refused(Refusal),
}

/// One audit record the relay writes (the broker appends it to its hash chain).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelayEvent {
    pub appliance_id: String,
    /// `session:<id>`, `controller:<appliance>`, `anonymous`.
    pub actor: String,
    /// `relay.call`, `relay.refused`, `controller.connected`, `controller.refused`,
    /// `controller.disconnected`, `observe.problem`.
    pub action: &'static str,
    /// `ok`, `refused`, `error`.
    pub outcome: &'static str,
    /// Method, path, status, phase — never a credential or token.
    pub detail: String,
}

/// The broker, as far as the relay is concerned.
pub trait RelayGate: Send + Sync + std::fmt::Debug + 'static {
    /// The controller registered for the appliance (`None`: unknown appliance or no controller
    /// keys registered yet).
    fn controller_identity<'a>(
        &'a self,
        appliance_id: &'a str,
    ) -> GateFuture<'a, Result<Option<ControllerIdentity>, GateError>>;

    /// May this deploy-session credential be used for this appliance now?
    fn authorize<'a>(
        &'a self,
        appliance_id: &'a str,
        credential: &'a str,
        now_ms: i64,
    ) -> GateFuture<'a, Result<Authorization, GateError>>;

    /// Is the Steady-state phase on (not switched off by the customer)?
    fn steady_state<'a>(
        &'a self,
        appliance_id: &'a str,
        now_ms: i64,
    ) -> GateFuture<'a, Result<bool, GateError>>;

    /// The phase's token, sealed to the controller (base64url); `None` when not registered.
    fn sealed_token<'a>(
        &'a self,
        appliance_id: &'a str,
        phase: Phase,
    ) -> GateFuture<'a, Result<Option<String>, GateError>>;

    /// Appends an audit record.
    fn audit(&self, event: RelayEvent) -> GateFuture<'_, Result<(), GateError>>;
}

/// No broker: knows no appliance, so every controller and every credential is refused. The
/// edge host's default until a broker is wired in.
#[derive(Debug, Default)]
pub struct NoBroker;

impl RelayGate for NoBroker {
    fn controller_identity<'a>(
        &'a self,
        _: &'a str,
    ) -> GateFuture<'a, Result<Option<ControllerIdentity>, GateError>> {
        Box::pin(async { Ok(None) })
    }

    fn authorize<'a>(
        &'a self,
        _: &'a str,
        _: &'a str,
        _: i64,
    ) -> GateFuture<'a, Result<Authorization, GateError>> {
        Box::pin(async {
            Ok(Authorization::Refused(Refusal {
                kind: RefusalKind::Unknown,
                session_id: None,
                message: "no broker is configured on this edge host".into(),
            }))
        })
    }

    fn steady_state<'a>(&'a self, _: &'a str, _: i64) -> GateFuture<'a, Result<bool, GateError>> {
        Box::pin(async { Ok(false) })
    }

    fn sealed_token<'a>(
        &'a self,
        _: &'a str,
        _: Phase,
    ) -> GateFuture<'a, Result<Option<String>, GateError>> {
        Box::pin(async { Ok(None) })
    }

    fn audit(&self, _: RelayEvent) -> GateFuture<'_, Result<(), GateError>> {
        Box::pin(async { Ok(()) })
    }
}

/// One appliance of a [`MemoryGate`].
#[derive(Debug, Clone)]
pub struct MemoryAppliance {
    pub controller: Option<ControllerIdentity>,
    pub steady_state: bool,
    /// phase → sealed token
    pub tokens: HashMap<Phase, String>,
}

/// One session of a [`MemoryGate`].
#[derive(Debug, Clone)]
pub struct MemorySession {
    pub appliance_id: String,
    pub grant: SessionGrant,
    pub revoked: bool,
}

#[derive(Debug, Default)]
struct MemoryState {
    appliances: HashMap<String, MemoryAppliance>,
    /// credential → session
    sessions: HashMap<String, MemorySession>,
    audit: Vec<RelayEvent>,
}

/// An in-memory gate for tests, examples and benchmarks: appliances, sessions (credential →
/// grant), tokens, and the audit records it was given. Authorization follows the broker's rules:
/// revoked → `Revoked`; the session expired or its grant's window closed → `Expired`.
#[derive(Debug, Default, Clone)]
pub struct MemoryGate {
    state: Arc<Mutex<MemoryState>>,
}

impl MemoryGate {
    fn lock(&self) -> std::sync::MutexGuard<'_, MemoryState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn add_appliance(&self, appliance_id: &str, appliance: MemoryAppliance) {
        self.lock()
            .appliances
            .insert(appliance_id.to_string(), appliance);
    }

    pub fn add_session(&self, credential: &str, session: MemorySession) {
        self.lock().sessions.insert(credential.to_string(), session);
    }

    /// Revokes the session of `credential`; returns whether there was one.
    pub fn revoke(&self, credential: &str) -> bool {
        self.lock()
            .sessions
            .get_mut(credential)
            .map(|s| s.revoked = true)
            .is_some()
    }

    /// Forgets the phase's sealed token (as the customer deleting it).
    pub fn remove_token(&self, appliance_id: &str, phase: Phase) {
        if let Some(a) = self.lock().appliances.get_mut(appliance_id) {
            a.tokens.remove(&phase);
        }
    }

    pub fn set_steady_state(&self, appliance_id: &str, on: bool) {
        if let Some(a) = self.lock().appliances.get_mut(appliance_id) {
            a.steady_state = on;
        }
    }

    /// The audit records so far.
    pub fn audit_log(&self) -> Vec<RelayEvent> {
        self.lock().audit.clone()
    }
}

impl RelayGate for MemoryGate {
    fn controller_identity<'a>(
        &'a self,
        appliance_id: &'a str,
    ) -> GateFuture<'a, Result<Option<ControllerIdentity>, GateError>> {
        let found = self
            .lock()
            .appliances
            .get(appliance_id)
            .and_then(|a| a.controller.clone());
        Box::pin(async move { Ok(found) })
    }

    fn authorize<'a>(
        &'a self,
        appliance_id: &'a str,
        credential: &'a str,
        now_ms: i64,
    ) -> GateFuture<'a, Result<Authorization, GateError>> {
        let answer = {
            let state = self.lock();
            // Constant-time comparison of the presented credential with each stored one.
            let found = state
                .sessions
                .iter()
                .find(|(c, _)| ferry_api::crypto::ct_eq(c.as_bytes(), credential.as_bytes()))
                .map(|(_, s)| s.clone());
            match found {
                Some(s) if s.appliance_id == appliance_id => {
                    let refused = |kind, message: &str| {
                        Authorization::Refused(Refusal {
                            kind,
                            session_id: Some(s.grant.session_id.clone()),
                            message: message.to_string(),
                        })
                    };
                    if s.revoked {
                        refused(RefusalKind::Revoked, "the deploy session was revoked")
                    } else if now_ms >= s.grant.expires_at_ms {
                        refused(RefusalKind::Expired, "the deploy session has expired")
                    } else if s.grant.grant.body.window.open_interval(now_ms).is_none() {
                        refused(RefusalKind::Expired, "the approved window is not open")
                    } else {
                        Authorization::Granted(s.grant.clone())
                    }
                }
                _ => Authorization::Refused(Refusal {
                    kind: RefusalKind::Unknown,
                    session_id: None,
                    message: "no such deploy session for this appliance".into(),
                }),
            }
        };
        Box::pin(async move { Ok(answer) })
    }

    fn steady_state<'a>(
        &'a self,
        appliance_id: &'a str,
        _: i64,
    ) -> GateFuture<'a, Result<bool, GateError>> {
        let on = self
            .lock()
            .appliances
            .get(appliance_id)
            .is_some_and(|a| a.steady_state);
        Box::pin(async move { Ok(on) })
    }

    fn sealed_token<'a>(
        &'a self,
        appliance_id: &'a str,
        phase: Phase,
    ) -> GateFuture<'a, Result<Option<String>, GateError>> {
        let token = self
            .lock()
            .appliances
            .get(appliance_id)
            .and_then(|a| a.tokens.get(&phase).cloned());
        Box::pin(async move { Ok(token) })
    }

    fn audit(&self, event: RelayEvent) -> GateFuture<'_, Result<(), GateError>> {
        self.lock().audit.push(event);
        Box::pin(async { Ok(()) })
    }
}
