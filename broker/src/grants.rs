//! Access requests, signed grants and their revocation (DESIGN §6).

use crate::appliances::visible;
use crate::audit::{Entry, Outcome};
use crate::broker::{Broker, Principal, check_text};
use crate::error::BrokerError;
use crate::releases::release_row;
use crate::secret::new_id;
use crate::store::trusted;
use ferry_api::broker::{AccessRequest, Grant, NewAccessRequest, NewGrant, RequestStatus};
use ferry_api::grant::{Phase, Window};

#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct RequestRow {
    id: String,
    appliance_id: String,
    phase: String,
    window_json: String,
    release_id: Option<String>,
    release_digest: Option<String>,
    reason: String,
    status: String,
    requested_by: String,
    created_at_ms: i64,
    grant_id: Option<String>,
    refusal: Option<String>,
}

const REQUEST_SELECT: &str = "SELECT id, appliance_id, phase, window_json, release_id, release_digest, reason, \
     status, requested_by, created_at_ms, grant_id, refusal FROM access_requests";

fn corrupt(what: &str, id: &str) -> BrokerError {
    BrokerError::Store(format!("{what} {id}: a stored field does not parse"))
}

fn parse_phase(text: &str, id: &str) -> Result<Phase, BrokerError> {
    Phase::parse(text).ok_or_else(|| corrupt("record", id))
}

fn status_str(s: RequestStatus) -> &'static str {
    match s {
        RequestStatus::Pending => "pending",
        RequestStatus::Approved => "approved",
        RequestStatus::Refused => "refused",
    }
}

impl RequestRow {
    fn to_api(&self) -> Result<AccessRequest, BrokerError> {
        let status = match self.status.as_str() {
            "pending" => RequestStatus::Pending,
            "approved" => RequestStatus::Approved,
            "refused" => RequestStatus::Refused,
            _ => return Err(corrupt("access request", &self.id)),
        };
        Ok(AccessRequest {
            id: self.id.clone(),
            appliance_id: self.appliance_id.clone(),
            phase: parse_phase(&self.phase, &self.id)?,
            window: serde_json::from_str(&self.window_json)
                .map_err(|_| corrupt("access request", &self.id))?,
            release_id: self.release_id.clone(),
            release_digest: self.release_digest.clone(),
            reason: self.reason.clone(),
            status,
            requested_by: self.requested_by.clone(),
            created_at_ms: self.created_at_ms,
            grant_id: self.grant_id.clone(),
            refusal: self.refusal.clone(),
        })
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct GrantRow {
    pub id: String,
    pub appliance_id: String,
    pub signed_json: String,
    pub created_at_ms: i64,
    pub revoked_at_ms: Option<i64>,
    pub access_request_id: Option<String>,
}

pub(crate) const GRANT_SELECT: &str = "SELECT id, appliance_id, signed_json, created_at_ms, revoked_at_ms, \
     access_request_id FROM grants";

impl GrantRow {
    pub fn to_api(&self) -> Result<Grant, BrokerError> {
        Ok(Grant {
            id: self.id.clone(),
            appliance_id: self.appliance_id.clone(),
            grant: serde_json::from_str(&self.signed_json)
                .map_err(|_| corrupt("grant", &self.id))?,
            created_at_ms: self.created_at_ms,
            revoked_at_ms: self.revoked_at_ms,
            access_request_id: self.access_request_id.clone(),
        })
    }
}

/// `manual [start, end)` or `weekly <tz> <slots> [start, end)`, for audit text.
pub(crate) fn describe_window(w: &Window) -> String {
    match w {
        Window::Manual {
            starts_at_ms,
            ends_at_ms,
        } => format!("manual [{starts_at_ms}, {ends_at_ms})"),
        Window::Weekly {
            time_zone,
            slots,
            starts_at_ms,
            ends_at_ms,
        } => {
            let slots: Vec<String> = slots
                .iter()
                .map(|s| format!("{} {}+{}min", s.weekday.as_str(), s.start, s.minutes))
                .collect();
            format!(
                "weekly {time_zone} {} within [{starts_at_ms}, {ends_at_ms})",
                slots.join(", ")
            )
        }
    }
}

impl Broker {
    /// The vendor asks for a phase window.
    pub async fn request_access(
        &self,
        p: &Principal,
        appliance_id: &str,
        new: &NewAccessRequest,
        now_ms: i64,
    ) -> Result<AccessRequest, BrokerError> {
        let mut tx = self.store.write().await?;
        visible(&mut tx, p, appliance_id).await?;
        if !p.is_vendor() {
            return Err(BrokerError::forbidden(
                "vendor_only",
                "access requests come from the vendor; the customer grants directly",
            ));
        }
        if new.phase == Phase::SteadyState {
            return Err(BrokerError::invalid(
                "steady_state_needs_no_grant",
                "Steady-state is on by default and needs no window",
            ));
        }
        new.window
            .validate()
            .map_err(|e| BrokerError::invalid("invalid_window", e.to_string()))?;
        if new.window.ends_at_ms() <= now_ms {
            return Err(BrokerError::invalid(
                "window_in_past",
                "the requested window ends in the past",
            ));
        }
        let reason = check_text("the reason", &new.reason, 1000)?;
        let release_digest = match &new.release_id {
            None => None,
            Some(release_id) => {
                if new.phase != Phase::Deploy {
                    return Err(BrokerError::invalid(
                        "release_only_for_deploy",
                        "a release can only be named in a Deploy request",
                    ));
                }
                let release = release_row(&mut tx, release_id)
                    .await?
                    .filter(|r| r.appliance_id == appliance_id)
                    .ok_or_else(|| {
                        BrokerError::NotFound(format!(
                            "no release `{release_id}` for appliance {appliance_id}"
                        ))
                    })?;
                if release.deployable == 0 {
                    return Err(BrokerError::conflict(
                        "release_not_deployable",
                        format!("release {release_id} has compile errors and cannot be deployed"),
                    ));
                }
                Some(release.digest)
            }
        };
        let id = new_id("req");
        let window_json =
            serde_json::to_string(&new.window).map_err(|e| BrokerError::Store(e.to_string()))?;
        sqlx::query(
            "INSERT INTO access_requests (id, appliance_id, phase, window_json, release_id, release_digest, \
             reason, status, requested_by, created_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8, $9)",
        )
        .bind(&id)
        .bind(appliance_id)
        .bind(new.phase.as_str())
        .bind(&window_json)
        .bind(&new.release_id)
        .bind(&release_digest)
        .bind(reason)
        .bind(p.actor())
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
        let entry = Entry::new(
            p.actor(),
            Some(appliance_id),
            "access.requested",
            Outcome::Ok,
            format!(
                "request {id}: {} {}{}; reason: {reason}",
                new.phase,
                describe_window(&new.window),
                release_digest
                    .as_deref()
                    .map(|d| format!(" for release {d}"))
                    .unwrap_or_default()
            ),
        );
        self.finish(tx, entry, now_ms).await?;
        Ok(AccessRequest {
            id,
            appliance_id: appliance_id.to_string(),
            phase: new.phase,
            window: new.window.clone(),
            release_id: new.release_id.clone(),
            release_digest,
            reason: reason.to_string(),
            status: RequestStatus::Pending,
            requested_by: p.actor(),
            created_at_ms: now_ms,
            grant_id: None,
            refusal: None,
        })
    }

    pub async fn list_access_requests(
        &self,
        p: &Principal,
        appliance_id: &str,
    ) -> Result<Vec<AccessRequest>, BrokerError> {
        let mut conn = self.conn().await?;
        visible(&mut conn, p, appliance_id).await?;
        let rows: Vec<RequestRow> = sqlx::query_as(trusted(format!(
            "{REQUEST_SELECT} WHERE appliance_id = $1 ORDER BY created_at_ms DESC, id DESC"
        )))
        .bind(appliance_id)
        .fetch_all(&mut *conn)
        .await?;
        rows.iter().map(RequestRow::to_api).collect()
    }

    /// The customer refuses a pending request.
    pub async fn refuse_request(
        &self,
        p: &Principal,
        request_id: &str,
        reason: Option<&str>,
        now_ms: i64,
    ) -> Result<AccessRequest, BrokerError> {
        let mut tx = self.store.write().await?;
        let row: RequestRow = sqlx::query_as(trusted(format!("{REQUEST_SELECT} WHERE id = $1")))
            .bind(request_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| BrokerError::NotFound(format!("no access request `{request_id}`")))?;
        visible(&mut tx, p, &row.appliance_id)
            .await
            .map_err(|_| BrokerError::NotFound(format!("no access request `{request_id}`")))?;
        if p.is_vendor() {
            return Err(BrokerError::forbidden(
                "customer_only",
                "only the customer answers access requests",
            ));
        }
        if row.status != "pending" {
            return Err(BrokerError::conflict(
                "request_not_pending",
                format!("request {request_id} is already {}", row.status),
            ));
        }
        let reason = match reason {
            Some(r) if !r.trim().is_empty() => Some(check_text("the reason", r, 1000)?.to_string()),
            _ => None,
        };
        sqlx::query("UPDATE access_requests SET status = 'refused', refusal = $1 WHERE id = $2")
            .bind(&reason)
            .bind(request_id)
            .execute(&mut *tx)
            .await?;
        let mut api = row.to_api()?;
        api.status = RequestStatus::Refused;
        api.refusal = reason.clone();
        let entry = Entry::new(
            p.actor(),
            Some(&row.appliance_id),
            "access.refused",
            Outcome::Refused,
            format!(
                "request {request_id} ({}) refused{}",
                row.phase,
                reason.map(|r| format!(": {r}")).unwrap_or_default()
            ),
        );
        self.finish(tx, entry, now_ms).await?;
        Ok(api)
    }

    /// The customer's signed approval. Refused — and audited — when the principal is a vendor,
    /// the signature does not verify with the pinned approval key, the grant names another
    /// appliance, its window has already ended, its nonce was used before on this appliance, or
    /// it does not answer the request it claims to.
    pub async fn create_grant(
        &self,
        p: &Principal,
        appliance_id: &str,
        new: &NewGrant,
        now_ms: i64,
    ) -> Result<Grant, BrokerError> {
        let mut tx = self.store.write().await?;
        let row = visible(&mut tx, p, appliance_id).await?;
        let signed = &new.grant;
        let body = &signed.body;
        let refusal = |code: &'static str, message: String| (code, message);
        let check: Result<(), (&'static str, String)> = async {
            if p.is_vendor() {
                return Err(refusal(
                    "vendor_cannot_approve",
                    "a vendor can never approve access; only the customer's signed grant can"
                        .into(),
                ));
            }
            let Some(key) = row.approval_key() else {
                return Err(refusal(
                    "no_approval_key",
                    "the appliance has no pinned approval key; accept the invitation first".into(),
                ));
            };
            if body.appliance_id != appliance_id {
                return Err(refusal(
                    "wrong_appliance",
                    format!(
                        "the grant is for appliance `{}`, not {appliance_id}",
                        body.appliance_id.escape_debug()
                    ),
                ));
            }
            if body.phase == Phase::SteadyState {
                return Err(refusal(
                    "steady_state_needs_no_grant",
                    "Steady-state is on by default and needs no grant".into(),
                ));
            }
            signed
                .verify(&key)
                .map_err(|e| refusal("bad_signature", format!("the grant is refused: {e}")))?;
            if body.window.ends_at_ms() <= now_ms {
                return Err(refusal(
                    "window_in_past",
                    format!(
                        "the grant's window ended at {} (now {now_ms})",
                        body.window.ends_at_ms()
                    ),
                ));
            }
            let reused: Option<(String,)> =
                sqlx::query_as("SELECT id FROM grants WHERE appliance_id = $1 AND nonce = $2")
                    .bind(appliance_id)
                    .bind(&body.nonce)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(|e| refusal("store_error", crate::error::describe(&e)))?;
            if let Some((other,)) = reused {
                return Err(refusal(
                    "nonce_reused",
                    format!(
                        "the grant's nonce was already used by grant {other}: a replay is refused"
                    ),
                ));
            }
            Ok(())
        }
        .await;
        if let Err((code, message)) = check {
            if code == "store_error" {
                return Err(BrokerError::Store(message));
            }
            let err = if code == "vendor_cannot_approve" {
                BrokerError::forbidden(code, message.clone())
            } else {
                BrokerError::refused(code, message.clone())
            };
            let entry = Entry::new(
                p.actor(),
                Some(appliance_id),
                "grant.refused",
                Outcome::Refused,
                format!("{} grant refused ({code}): {message}", body.phase),
            );
            return Err(self.refuse(tx, entry, err, now_ms).await);
        }
        // The request it answers, if any.
        if let Some(request_id) = &new.access_request_id {
            let req: Option<RequestRow> =
                sqlx::query_as(trusted(format!("{REQUEST_SELECT} WHERE id = $1")))
                    .bind(request_id)
                    .fetch_optional(&mut *tx)
                    .await?;
            let problem = match &req {
                None => Some(format!(
                    "no access request `{request_id}` for this appliance"
                )),
                Some(r) if r.appliance_id != appliance_id => Some(format!(
                    "no access request `{request_id}` for this appliance"
                )),
                Some(r) if r.status != "pending" => {
                    Some(format!("request {request_id} is already {}", r.status))
                }
                Some(r) if r.phase != body.phase.as_str() => Some(format!(
                    "request {request_id} is for {}, the grant for {}",
                    r.phase, body.phase
                )),
                Some(r)
                    if r.release_digest.is_some() && r.release_digest != body.release_digest =>
                {
                    Some(format!(
                        "request {request_id} is for release {}, the grant does not name it",
                        r.release_digest.as_deref().unwrap_or("-")
                    ))
                }
                Some(_) => None,
            };
            if let Some(message) = problem {
                let entry = Entry::new(
                    p.actor(),
                    Some(appliance_id),
                    "grant.refused",
                    Outcome::Refused,
                    format!("{} grant refused (request_mismatch): {message}", body.phase),
                );
                let err = BrokerError::conflict("request_mismatch", message);
                return Err(self.refuse(tx, entry, err, now_ms).await);
            }
        }
        let id = new_id("grt");
        let signed_json =
            serde_json::to_string(signed).map_err(|e| BrokerError::Store(e.to_string()))?;
        sqlx::query(
            "INSERT INTO grants (id, appliance_id, phase, window_starts_ms, window_ends_ms, release_digest, \
             nonce, signed_json, created_by, created_at_ms, access_request_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(&id)
        .bind(appliance_id)
        .bind(body.phase.as_str())
        .bind(body.window.starts_at_ms())
        .bind(body.window.ends_at_ms())
        .bind(&body.release_digest)
        .bind(&body.nonce)
        .bind(&signed_json)
        .bind(p.actor())
        .bind(now_ms)
        .bind(&new.access_request_id)
        .execute(&mut *tx)
        .await?;
        if let Some(request_id) = &new.access_request_id {
            sqlx::query("UPDATE access_requests SET status = $1, grant_id = $2 WHERE id = $3")
                .bind(status_str(RequestStatus::Approved))
                .bind(&id)
                .bind(request_id)
                .execute(&mut *tx)
                .await?;
        }
        let entry = Entry::new(
            p.actor(),
            Some(appliance_id),
            "grant.created",
            Outcome::Ok,
            format!(
                "grant {id}: {} {}, release {}, nonce {}, signed by {}{}",
                body.phase,
                describe_window(&body.window),
                body.release_digest.as_deref().unwrap_or("any"),
                body.nonce,
                row.approval_key()
                    .map(|k| k.fingerprint())
                    .unwrap_or_default(),
                new.access_request_id
                    .as_deref()
                    .map(|r| format!(", answers request {r}"))
                    .unwrap_or_default()
            ),
        );
        self.finish(tx, entry, now_ms).await?;
        Ok(Grant {
            id,
            appliance_id: appliance_id.to_string(),
            grant: signed.clone(),
            created_at_ms: now_ms,
            revoked_at_ms: None,
            access_request_id: new.access_request_id.clone(),
        })
    }

    pub async fn list_grants(
        &self,
        p: &Principal,
        appliance_id: &str,
    ) -> Result<Vec<Grant>, BrokerError> {
        let mut conn = self.conn().await?;
        visible(&mut conn, p, appliance_id).await?;
        let rows: Vec<GrantRow> = sqlx::query_as(trusted(format!(
            "{GRANT_SELECT} WHERE appliance_id = $1 ORDER BY created_at_ms DESC, id DESC"
        )))
        .bind(appliance_id)
        .fetch_all(&mut *conn)
        .await?;
        rows.iter().map(GrantRow::to_api).collect()
    }

    /// Revokes a grant, immediately: every later use of its phase and of the deploy sessions
    /// minted under it is refused. The customer revokes; a vendor may give a grant up too.
    pub async fn revoke_grant(
        &self,
        p: &Principal,
        grant_id: &str,
        now_ms: i64,
    ) -> Result<Grant, BrokerError> {
        let not_found = || BrokerError::NotFound(format!("no grant `{grant_id}`"));
        let mut tx = self.store.write().await?;
        let row: GrantRow = sqlx::query_as(trusted(format!("{GRANT_SELECT} WHERE id = $1")))
            .bind(grant_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(not_found)?;
        visible(&mut tx, p, &row.appliance_id)
            .await
            .map_err(|_| not_found())?;
        let mut grant = row.to_api()?;
        if grant.revoked_at_ms.is_some() {
            return Ok(grant);
        }
        sqlx::query("UPDATE grants SET revoked_at_ms = $1 WHERE id = $2")
            .bind(now_ms)
            .bind(grant_id)
            .execute(&mut *tx)
            .await?;
        grant.revoked_at_ms = Some(now_ms);
        let entry = Entry::new(
            p.actor(),
            Some(&row.appliance_id),
            "grant.revoked",
            Outcome::Ok,
            format!(
                "grant {grant_id} ({} {}) revoked",
                grant.grant.body.phase,
                describe_window(&grant.grant.body.window)
            ),
        );
        self.finish(tx, entry, now_ms).await?;
        Ok(grant)
    }

    /// The audit records of one appliance, newest first: at most `limit`, before `before_seq`.
    pub async fn audit_log(
        &self,
        p: &Principal,
        appliance_id: &str,
        before_seq: Option<i64>,
        limit: u32,
    ) -> Result<Vec<ferry_api::broker::AuditRecord>, BrokerError> {
        let mut conn = self.conn().await?;
        visible(&mut conn, p, appliance_id).await?;
        let rows: Vec<crate::audit::Row> = sqlx::query_as(trusted(format!(
            "SELECT {} FROM audit WHERE appliance_id = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3",
            crate::audit::COLUMNS
        )))
        .bind(appliance_id)
        .bind(before_seq.unwrap_or(i64::MAX))
        .bind(i64::from(limit.clamp(1, 5000)))
        .fetch_all(&mut *conn)
        .await?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    /// Whether a grant with this id exists on the appliance (for the relay's error messages).
    pub async fn grant(&self, grant_id: &str) -> Result<Option<Grant>, BrokerError> {
        let mut conn = self.conn().await?;
        let row: Option<GrantRow> =
            sqlx::query_as(trusted(format!("{GRANT_SELECT} WHERE id = $1")))
                .bind(grant_id)
                .fetch_optional(&mut *conn)
                .await?;
        row.map(|r| r.to_api()).transpose()
    }
}
