//! [`RelayGate`] over the token broker ([`ferry_broker::Broker`]): what `ferry serve` wires in.
//!
//! Times come from the broker's own clock (the relay's `now_ms` is ignored), so that the broker
//! judges windows and expiry by one clock — the one its tests control. The broker audits every
//! authorization itself (`session.used` / `session.refused`); the relay's records
//! (`relay.call`, `relay.refused`, `controller.*`) are appended with [`Broker::append_audit`].

use super::gate::{
    Authorization, ControllerIdentity, GateError, GateFuture, Refusal, RefusalKind, RelayEvent,
    RelayGate, SessionGrant,
};
use ferry_api::grant::Phase;
use ferry_broker::{Broker, BrokerError, Outcome};

fn gate_error(e: BrokerError) -> GateError {
    GateError(e.to_string())
}

/// How a broker refusal of a session maps onto the relay's answer.
fn refusal(e: BrokerError) -> Result<Authorization, GateError> {
    let (kind, message) = match &e {
        BrokerError::Unauthenticated(m) | BrokerError::NotFound(m) => {
            (RefusalKind::Unknown, m.clone())
        }
        BrokerError::Refused { code, message } => match *code {
            "session_expired" | "window_closed" => (RefusalKind::Expired, message.clone()),
            // Revoked, or no longer matching its grant: it will never work again.
            _ => (RefusalKind::Revoked, message.clone()),
        },
        _ => return Err(gate_error(e)),
    };
    Ok(Authorization::Refused(Refusal {
        kind,
        session_id: None,
        message,
    }))
}

impl RelayGate for Broker {
    fn controller_identity<'a>(
        &'a self,
        appliance_id: &'a str,
    ) -> GateFuture<'a, Result<Option<ControllerIdentity>, GateError>> {
        Box::pin(async move {
            let found = Broker::controller_identity(self, appliance_id)
                .await
                .map_err(gate_error)?;
            Ok(
                found.map(|(keys, _approval, instance_id)| ControllerIdentity {
                    signing_key: keys.signing_key,
                    instance_id,
                }),
            )
        })
    }

    fn authorize<'a>(
        &'a self,
        appliance_id: &'a str,
        credential: &'a str,
        _now_ms: i64,
    ) -> GateFuture<'a, Result<Authorization, GateError>> {
        Box::pin(async move {
            match self
                .authorize_deploy_session(appliance_id, credential, self.now_ms())
                .await
            {
                Ok(g) => Ok(Authorization::Granted(SessionGrant {
                    session_id: g.session_id,
                    phase: g.phase,
                    grant: g.grant,
                    instance_id: g.instance_id,
                    expires_at_ms: g.expires_at_ms,
                })),
                Err(e) => refusal(e),
            }
        })
    }

    fn steady_state<'a>(
        &'a self,
        appliance_id: &'a str,
        _now_ms: i64,
    ) -> GateFuture<'a, Result<bool, GateError>> {
        Box::pin(async move {
            match self.steady_state_active(appliance_id, self.now_ms()).await {
                Ok(on) => Ok(on),
                Err(BrokerError::NotFound(_)) => Ok(false),
                Err(e) => Err(gate_error(e)),
            }
        })
    }

    fn sealed_token<'a>(
        &'a self,
        appliance_id: &'a str,
        phase: Phase,
    ) -> GateFuture<'a, Result<Option<String>, GateError>> {
        Box::pin(async move {
            Ok(Broker::sealed_token(self, appliance_id, phase)
                .await
                .map_err(gate_error)?
                .map(|record| record.sealed))
        })
    }

    fn audit(&self, event: RelayEvent) -> GateFuture<'_, Result<(), GateError>> {
        Box::pin(async move {
            let outcome = match event.outcome {
                "ok" => Outcome::Ok,
                "refused" => Outcome::Refused,
                _ => Outcome::Error,
            };
            self.append_audit(
                &event.actor,
                Some(&event.appliance_id),
                event.action,
                outcome,
                &event.detail,
                self.now_ms(),
            )
            .await
            .map(|_| ())
            .map_err(gate_error)
        })
    }
}
