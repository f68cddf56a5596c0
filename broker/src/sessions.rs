//! Sealed tokens and deploy sessions, and the checks the relay runs on every use.

use crate::appliances::{appliance_row, not_found, open_grant, visible};
use crate::audit::{Entry, Outcome};
use crate::broker::{Broker, Principal};
use crate::error::BrokerError;
use crate::grants::{GRANT_SELECT, GrantRow};
use crate::releases::release_row;
use crate::secret::{Presented, mint};
use crate::store::trusted;
use ferry_api::broker::{
    CreatedDeploySession, DeploySession, NewDeploySession, SealedTokenUpload, TokenInfo,
};
use ferry_api::crypto::b64;
use ferry_api::grant::{Phase, SignedGrant};

/// The size of a sealed DigitalOcean token: a 32-byte ephemeral key, a 16-byte tag and the
/// 71-byte token (`dop_v1_` + 64 hex).
pub const SEALED_TOKEN_BYTES: usize = 32 + 16 + 71;

/// A sealed token as the relay hands it to the controller: ciphertext only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedTokenRecord {
    pub appliance_id: String,
    pub phase: Phase,
    /// Base64url sealed box; only the controller's secret key opens it.
    pub sealed: String,
    pub fingerprint: String,
    pub scopes: Vec<String>,
    pub expires_at_ms: i64,
}

/// What an accepted deploy-session credential allows, until `expires_at_ms`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionGrant {
    pub appliance_id: String,
    pub instance_id: String,
    pub phase: Phase,
    pub release_digest: String,
    /// The customer's signed grant, for the controller to verify again.
    pub grant: SignedGrant,
    pub grant_id: String,
    pub session_id: String,
    /// `min(session expiry, end of the open window interval)`.
    pub expires_at_ms: i64,
}

#[derive(Debug, Clone, sqlx::FromRow)]
struct SessionRow {
    id: String,
    appliance_id: String,
    grant_id: String,
    phase: String,
    release_digest: String,
    secret_hash: String,
    expires_at_ms: i64,
    revoked_at_ms: Option<i64>,
    created_at_ms: i64,
}

/// A use that passed every check: the session, its grant, the signed grant, the expiry.
type Accepted = (SessionRow, GrantRow, SignedGrant, i64);
/// A refused use: how it is audited, what the caller gets, the audit detail.
type Rejected = (Outcome, BrokerError, String);

const SESSION_SELECT: &str = "SELECT id, appliance_id, grant_id, phase, release_digest, secret_hash, \
     expires_at_ms, revoked_at_ms, created_at_ms FROM deploy_sessions";

impl SessionRow {
    fn to_api(&self) -> DeploySession {
        DeploySession {
            id: self.id.clone(),
            appliance_id: self.appliance_id.clone(),
            phase: Phase::parse(&self.phase).unwrap_or(Phase::Deploy),
            release_digest: self.release_digest.clone(),
            grant_id: self.grant_id.clone(),
            expires_at_ms: self.expires_at_ms,
            revoked_at_ms: self.revoked_at_ms,
            created_at_ms: self.created_at_ms,
        }
    }
}

fn check_upload(u: &SealedTokenUpload, now_ms: i64) -> Result<(), BrokerError> {
    let sealed = b64::decode(&u.sealed, "the sealed token").map_err(|_| {
        BrokerError::invalid(
            "invalid_sealed_token",
            "`sealed` is not base64url: seal the token to the controller's key before uploading it",
        )
    })?;
    if sealed.len() != SEALED_TOKEN_BYTES {
        return Err(BrokerError::invalid(
            "invalid_sealed_token",
            format!(
                "`sealed` is {} bytes; a sealed DigitalOcean token is {SEALED_TOKEN_BYTES}: seal the token to the controller's key before uploading it",
                sealed.len()
            ),
        ));
    }
    let fp_ok = u.fingerprint.strip_prefix("sha256:").is_some_and(|h| {
        h.len() == 32
            && h.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    });
    if !fp_ok {
        return Err(BrokerError::invalid(
            "invalid_fingerprint",
            "`fingerprint` must be `sha256:` and 32 lowercase hex digits (ferry_api::crypto::fingerprint)",
        ));
    }
    if u.scopes.len() > 500 {
        return Err(BrokerError::invalid(
            "invalid_scopes",
            "more than 500 scopes",
        ));
    }
    for scope in &u.scopes {
        let ok = (1..=64).contains(&scope.len())
            && scope
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"_:*-".contains(&b));
        if !ok {
            return Err(BrokerError::invalid(
                "invalid_scopes",
                format!(
                    "`{}` is not a DigitalOcean token scope (like `droplet:read`)",
                    scope.escape_debug()
                ),
            ));
        }
    }
    if u.expires_at_ms <= now_ms {
        return Err(BrokerError::invalid(
            "token_expired",
            "the token's expiry is in the past",
        ));
    }
    Ok(())
}

impl Broker {
    /// The customer registers a phase's token, sealed to the controller's key. Only the
    /// ciphertext, fingerprint, scopes and expiry are stored.
    pub async fn put_sealed_token(
        &self,
        p: &Principal,
        appliance_id: &str,
        phase: Phase,
        upload: &SealedTokenUpload,
        now_ms: i64,
    ) -> Result<TokenInfo, BrokerError> {
        let mut tx = self.store.write().await?;
        let row = visible(&mut tx, p, appliance_id).await?;
        if p.is_vendor() {
            return Err(BrokerError::forbidden(
                "customer_only",
                "only the customer registers tokens",
            ));
        }
        if row.controller().is_none() {
            return Err(BrokerError::conflict(
                "no_controller_keys",
                "register the controller's keys first: tokens are sealed to its key",
            ));
        }
        check_upload(upload, now_ms)?;
        let scopes_json =
            serde_json::to_string(&upload.scopes).map_err(|e| BrokerError::Store(e.to_string()))?;
        sqlx::query("DELETE FROM sealed_tokens WHERE appliance_id = $1 AND phase = $2")
            .bind(appliance_id)
            .bind(phase.as_str())
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO sealed_tokens (appliance_id, phase, sealed, fingerprint, scopes_json, expires_at_ms, registered_at_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(appliance_id)
        .bind(phase.as_str())
        .bind(upload.sealed.trim())
        .bind(&upload.fingerprint)
        .bind(&scopes_json)
        .bind(upload.expires_at_ms)
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
        let entry = Entry::new(
            p.actor(),
            Some(appliance_id),
            "token.registered",
            Outcome::Ok,
            format!(
                "{phase} token {} sealed to {}; {} scope(s); expires at {}",
                upload.fingerprint,
                row.controller_sealing_key.as_deref().unwrap_or("-"),
                upload.scopes.len(),
                upload.expires_at_ms
            ),
        );
        self.finish(tx, entry, now_ms).await?;
        Ok(TokenInfo {
            phase,
            fingerprint: upload.fingerprint.clone(),
            scopes: upload.scopes.clone(),
            expires_at_ms: upload.expires_at_ms,
            registered_at_ms: now_ms,
        })
    }

    pub async fn list_tokens(
        &self,
        p: &Principal,
        appliance_id: &str,
    ) -> Result<Vec<TokenInfo>, BrokerError> {
        let mut conn = self.conn().await?;
        visible(&mut conn, p, appliance_id).await?;
        let rows: Vec<(String, String, String, i64, i64)> = sqlx::query_as(
            "SELECT phase, fingerprint, scopes_json, expires_at_ms, registered_at_ms \
             FROM sealed_tokens WHERE appliance_id = $1 ORDER BY phase",
        )
        .bind(appliance_id)
        .fetch_all(&mut *conn)
        .await?;
        rows.into_iter()
            .map(
                |(phase, fingerprint, scopes, expires_at_ms, registered_at_ms)| {
                    Ok(TokenInfo {
                        phase: Phase::parse(&phase).ok_or_else(|| {
                            BrokerError::Store("a stored token phase does not parse".into())
                        })?,
                        fingerprint,
                        scopes: serde_json::from_str(&scopes).map_err(|_| {
                            BrokerError::Store("stored token scopes do not parse".into())
                        })?,
                        expires_at_ms,
                        registered_at_ms,
                    })
                },
            )
            .collect()
    }

    pub async fn delete_token(
        &self,
        p: &Principal,
        appliance_id: &str,
        phase: Phase,
        now_ms: i64,
    ) -> Result<TokenInfo, BrokerError> {
        let mut tx = self.store.write().await?;
        visible(&mut tx, p, appliance_id).await?;
        if p.is_vendor() {
            return Err(BrokerError::forbidden(
                "customer_only",
                "only the customer removes tokens",
            ));
        }
        let row: Option<(String, String, i64, i64)> = sqlx::query_as(
            "SELECT fingerprint, scopes_json, expires_at_ms, registered_at_ms FROM sealed_tokens \
             WHERE appliance_id = $1 AND phase = $2",
        )
        .bind(appliance_id)
        .bind(phase.as_str())
        .fetch_optional(&mut *tx)
        .await?;
        let Some((fingerprint, scopes, expires_at_ms, registered_at_ms)) = row else {
            return Err(BrokerError::NotFound(format!(
                "no {phase} token registered"
            )));
        };
        sqlx::query("DELETE FROM sealed_tokens WHERE appliance_id = $1 AND phase = $2")
            .bind(appliance_id)
            .bind(phase.as_str())
            .execute(&mut *tx)
            .await?;
        let entry = Entry::new(
            p.actor(),
            Some(appliance_id),
            "token.removed",
            Outcome::Ok,
            format!("{phase} token {fingerprint} removed"),
        );
        self.finish(tx, entry, now_ms).await?;
        Ok(TokenInfo {
            phase,
            fingerprint,
            scopes: serde_json::from_str(&scopes).unwrap_or_default(),
            expires_at_ms,
            registered_at_ms,
        })
    }

    /// The sealed token of a phase (for the relay to hand to the controller).
    pub async fn sealed_token(
        &self,
        appliance_id: &str,
        phase: Phase,
    ) -> Result<Option<SealedTokenRecord>, BrokerError> {
        let mut conn = self.conn().await?;
        let row: Option<(String, String, String, i64)> = sqlx::query_as(
            "SELECT sealed, fingerprint, scopes_json, expires_at_ms FROM sealed_tokens \
             WHERE appliance_id = $1 AND phase = $2",
        )
        .bind(appliance_id)
        .bind(phase.as_str())
        .fetch_optional(&mut *conn)
        .await?;
        Ok(row.map(
            |(sealed, fingerprint, scopes, expires_at_ms)| SealedTokenRecord {
                appliance_id: appliance_id.to_string(),
                phase,
                sealed,
                fingerprint,
                scopes: serde_json::from_str(&scopes).unwrap_or_default(),
                expires_at_ms,
            },
        ))
    }

    /// The vendor mints a deploy-session credential for a release, while a Deploy window that
    /// allows the release is open. It expires at `now + ttl` or when the window's open interval
    /// ends, whichever is first. The credential is in this answer only.
    pub async fn create_deploy_session(
        &self,
        p: &Principal,
        appliance_id: &str,
        new: &NewDeploySession,
        now_ms: i64,
    ) -> Result<CreatedDeploySession, BrokerError> {
        let mut tx = self.store.write().await?;
        visible(&mut tx, p, appliance_id).await?;
        if !p.is_vendor() {
            return Err(BrokerError::forbidden(
                "vendor_only",
                "deploy sessions are the vendor's",
            ));
        }
        if new.ttl_ms.is_some_and(|t| t <= 0) {
            return Err(BrokerError::invalid(
                "invalid_ttl",
                "`ttl_ms` must be positive",
            ));
        }
        let release = release_row(&mut tx, &new.release_id)
            .await?
            .filter(|r| r.appliance_id == appliance_id)
            .ok_or_else(|| {
                BrokerError::NotFound(format!(
                    "no release `{}` for appliance {appliance_id}",
                    new.release_id
                ))
            })?;
        let refusal = if release.deployable == 0 {
            Some(BrokerError::refused(
                "release_not_deployable",
                format!(
                    "release {} has compile errors and cannot be deployed",
                    release.id
                ),
            ))
        } else {
            None
        };
        let open = if refusal.is_none() {
            open_grant(
                &mut tx,
                appliance_id,
                Phase::Deploy,
                Some(&release.digest),
                now_ms,
            )
            .await?
        } else {
            None
        };
        let Some(open) = open else {
            let err = refusal.unwrap_or_else(|| {
                BrokerError::refused(
                    "no_deploy_window",
                    format!(
                        "no approved Deploy window is open now for release {} ({}); ask the customer to approve one",
                        release.id, release.digest
                    ),
                )
            });
            let entry = Entry::new(
                p.actor(),
                Some(appliance_id),
                "session.refused",
                Outcome::Refused,
                format!("deploy session for release {} refused: {err}", release.id),
            );
            return Err(self.refuse(tx, entry, err, now_ms).await);
        };
        let expires_at_ms = new.ttl_ms.map_or(open.until_ms, |t| {
            now_ms.saturating_add(t).min(open.until_ms)
        });
        let minted = mint("ses");
        sqlx::query(
            "INSERT INTO deploy_sessions (id, appliance_id, grant_id, release_id, phase, release_digest, \
             secret_hash, expires_at_ms, created_by, created_at_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(&minted.id)
        .bind(appliance_id)
        .bind(&open.grant_id)
        .bind(&release.id)
        .bind(Phase::Deploy.as_str())
        .bind(&release.digest)
        .bind(&minted.secret_hash)
        .bind(expires_at_ms)
        .bind(p.actor())
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
        let entry = Entry::new(
            p.actor(),
            Some(appliance_id),
            "session.created",
            Outcome::Ok,
            format!(
                "deploy session {} for release {} ({}) under grant {}, expires at {expires_at_ms}",
                minted.id, release.id, release.digest, open.grant_id
            ),
        );
        self.finish(tx, entry, now_ms).await?;
        Ok(CreatedDeploySession {
            session: DeploySession {
                id: minted.id.clone(),
                appliance_id: appliance_id.to_string(),
                phase: Phase::Deploy,
                release_digest: release.digest,
                grant_id: open.grant_id,
                expires_at_ms,
                revoked_at_ms: None,
                created_at_ms: now_ms,
            },
            credential: minted.credential,
        })
    }

    pub async fn list_deploy_sessions(
        &self,
        p: &Principal,
        appliance_id: &str,
    ) -> Result<Vec<DeploySession>, BrokerError> {
        let mut conn = self.conn().await?;
        visible(&mut conn, p, appliance_id).await?;
        let rows: Vec<SessionRow> = sqlx::query_as(trusted(format!(
            "{SESSION_SELECT} WHERE appliance_id = $1 ORDER BY created_at_ms DESC, id DESC"
        )))
        .bind(appliance_id)
        .fetch_all(&mut *conn)
        .await?;
        Ok(rows.iter().map(SessionRow::to_api).collect())
    }

    /// Revokes a deploy session, immediately (the vendor, or the appliance's customer).
    pub async fn revoke_deploy_session(
        &self,
        p: &Principal,
        session_id: &str,
        now_ms: i64,
    ) -> Result<DeploySession, BrokerError> {
        let not_found = || BrokerError::NotFound(format!("no deploy session `{session_id}`"));
        let mut tx = self.store.write().await?;
        let row: SessionRow = sqlx::query_as(trusted(format!("{SESSION_SELECT} WHERE id = $1")))
            .bind(session_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(not_found)?;
        visible(&mut tx, p, &row.appliance_id)
            .await
            .map_err(|_| not_found())?;
        let mut session = row.to_api();
        if session.revoked_at_ms.is_some() {
            return Ok(session);
        }
        sqlx::query("UPDATE deploy_sessions SET revoked_at_ms = $1 WHERE id = $2")
            .bind(now_ms)
            .bind(session_id)
            .execute(&mut *tx)
            .await?;
        session.revoked_at_ms = Some(now_ms);
        let entry = Entry::new(
            p.actor(),
            Some(&row.appliance_id),
            "session.revoked",
            Outcome::Ok,
            format!("deploy session {session_id} revoked"),
        );
        self.finish(tx, entry, now_ms).await?;
        Ok(session)
    }

    /// The relay's check of a deploy-session credential, on every use: the credential must be
    /// this appliance's, the session unrevoked and unexpired, its grant unrevoked and its
    /// window open now. Every answer is audited: `session.used` (ok), or `session.refused` with
    /// outcome `refused`, `expired` or `revoked`.
    pub async fn authorize_deploy_session(
        &self,
        appliance_id: &str,
        credential: &str,
        now_ms: i64,
    ) -> Result<SessionGrant, BrokerError> {
        let mut tx = self.store.write().await?;
        let appliance = appliance_row(&mut tx, appliance_id)
            .await?
            .ok_or_else(|| not_found(appliance_id))?;
        let presented = Presented::parse(credential, "ses");
        let session: Option<SessionRow> = match &presented {
            Some(pr) => {
                sqlx::query_as(trusted(format!("{SESSION_SELECT} WHERE id = $1")))
                    .bind(pr.id)
                    .fetch_optional(&mut *tx)
                    .await?
            }
            None => None,
        };
        let unauthenticated =
            || BrokerError::Unauthenticated("the deploy-session credential is not valid".into());
        let verdict: Result<Accepted, Rejected> = async {
            let (Some(pr), Some(s)) = (&presented, session) else {
                let what = presented
                    .as_ref()
                    .map_or("a malformed credential".to_string(), |p| {
                        format!("unknown session {}", p.id)
                    });
                return Err((Outcome::Refused, unauthenticated(), what));
            };
            if !pr.matches(&s.secret_hash) || s.appliance_id != appliance_id {
                return Err((
                    Outcome::Refused,
                    unauthenticated(),
                    format!("session {}: credential does not match this appliance", s.id),
                ));
            }
            if s.revoked_at_ms.is_some() {
                return Err((
                    Outcome::Revoked,
                    BrokerError::refused("session_revoked", "the deploy session was revoked"),
                    format!("session {} is revoked", s.id),
                ));
            }
            if now_ms >= s.expires_at_ms {
                return Err((
                    Outcome::Expired,
                    BrokerError::refused("session_expired", "the deploy session has expired"),
                    format!("session {} expired at {}", s.id, s.expires_at_ms),
                ));
            }
            let g: Option<GrantRow> =
                sqlx::query_as(trusted(format!("{GRANT_SELECT} WHERE id = $1")))
                    .bind(&s.grant_id)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(|e| {
                        (
                            Outcome::Error,
                            BrokerError::store(e),
                            "store error".to_string(),
                        )
                    })?;
            let Some(g) = g else {
                return Err((
                    Outcome::Refused,
                    BrokerError::refused("grant_missing", "the session's grant is gone"),
                    format!("session {}: grant {} is missing", s.id, s.grant_id),
                ));
            };
            if g.revoked_at_ms.is_some() {
                return Err((
                    Outcome::Revoked,
                    BrokerError::refused(
                        "grant_revoked",
                        "the customer revoked the Deploy grant of this session",
                    ),
                    format!("session {}: grant {} is revoked", s.id, g.id),
                ));
            }
            let signed: SignedGrant = serde_json::from_str(&g.signed_json).map_err(|_| {
                (
                    Outcome::Error,
                    BrokerError::Store(format!("grant {}: stored grant does not parse", g.id)),
                    format!("grant {} does not parse", g.id),
                )
            })?;
            let bound_ok = signed.body.phase == Phase::Deploy
                && signed.body.appliance_id == appliance_id
                && signed
                    .body
                    .release_digest
                    .as_deref()
                    .is_none_or(|d| d == s.release_digest);
            if !bound_ok {
                return Err((
                    Outcome::Refused,
                    BrokerError::refused("grant_mismatch", "the session does not match its grant"),
                    format!("session {} does not match grant {}", s.id, g.id),
                ));
            }
            let Some((_, until)) = signed.body.window.open_interval(now_ms) else {
                return Err((
                    Outcome::Expired,
                    BrokerError::refused("window_closed", "the Deploy window is not open now"),
                    format!(
                        "session {}: grant {} window is closed at {now_ms}",
                        s.id, g.id
                    ),
                ));
            };
            let expires = s.expires_at_ms.min(until);
            Ok((s, g, signed, expires))
        }
        .await;
        match verdict {
            Err((outcome, err, detail)) => {
                if matches!(err, BrokerError::Store(_)) {
                    return Err(err);
                }
                let actor = presented
                    .as_ref()
                    .map_or_else(|| "anonymous".to_string(), |p| format!("session:{}", p.id));
                let entry = Entry::new(
                    actor,
                    Some(appliance_id),
                    "session.refused",
                    outcome,
                    detail,
                );
                Err(self.refuse(tx, entry, err, now_ms).await)
            }
            Ok((s, g, signed, expires_at_ms)) => {
                let entry = Entry::new(
                    format!("session:{}", s.id),
                    Some(appliance_id),
                    "session.used",
                    Outcome::Ok,
                    format!(
                        "deploy session {} for {} under grant {}, valid until {expires_at_ms}",
                        s.id, s.release_digest, g.id
                    ),
                );
                self.finish(tx, entry, now_ms).await?;
                Ok(SessionGrant {
                    appliance_id: appliance_id.to_string(),
                    instance_id: appliance.instance_id,
                    phase: Phase::Deploy,
                    release_digest: s.release_digest,
                    grant: signed,
                    grant_id: g.id,
                    session_id: s.id,
                    expires_at_ms,
                })
            }
        }
    }
}
