//! Appliances, invitations, controller keys, Steady-state, and what a phase's state is now.

use crate::audit::{Entry, Outcome};
use crate::broker::{Broker, DashboardLogin, Principal, check_text, insert_customer_key};
use crate::error::BrokerError;
use crate::secret::{Presented, mint, new_id};
use crate::store::trusted;
use ferry_api::broker::{
    AcceptInvitation, Appliance, ApplianceStatus, ControllerKeys, CreatedApiKey, Invitation,
    NewAppliance, PhaseState, Role,
};
use ferry_api::crypto::{SealingPublicKey, VerifyingKey};
use ferry_api::grant::{Phase, SignedGrant};
use sqlx::AnyConnection;

/// How long an invitation link stays valid.
pub const INVITATION_TTL_MS: i64 = 7 * 24 * 3_600_000;

#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct ApplianceRow {
    pub id: String,
    pub vendor_id: String,
    pub customer_id: String,
    pub customer_name: String,
    pub name: String,
    pub instance_id: String,
    pub region: String,
    pub approval_key: Option<String>,
    pub controller_signing_key: Option<String>,
    pub controller_sealing_key: Option<String>,
    pub steady_state_enabled: i64,
    pub created_at_ms: i64,
}

const APPLIANCE_SELECT: &str = "SELECT a.id, a.vendor_id, a.customer_id, c.name AS customer_name, \
     a.name, a.instance_id, a.region, a.approval_key, a.controller_signing_key, \
     a.controller_sealing_key, a.steady_state_enabled, a.created_at_ms \
     FROM appliances a JOIN customers c ON c.id = a.customer_id";

impl ApplianceRow {
    pub fn visible_to(&self, p: &Principal) -> bool {
        match p.role {
            Role::Vendor => self.vendor_id == p.id,
            Role::Customer => self.customer_id == p.id,
        }
    }

    pub fn approval_key(&self) -> Option<VerifyingKey> {
        self.approval_key
            .as_deref()
            .and_then(|k| VerifyingKey::parse(k).ok())
    }

    pub fn controller(&self) -> Option<ControllerKeys> {
        Some(ControllerKeys {
            signing_key: VerifyingKey::parse(self.controller_signing_key.as_deref()?).ok()?,
            sealing_key: SealingPublicKey::parse(self.controller_sealing_key.as_deref()?).ok()?,
        })
    }

    pub fn status(&self) -> ApplianceStatus {
        if self.approval_key.is_none() {
            ApplianceStatus::Invited
        } else if self.controller_signing_key.is_none() {
            ApplianceStatus::AwaitingController
        } else {
            ApplianceStatus::Ready
        }
    }
}

pub(crate) async fn appliance_row(
    conn: &mut AnyConnection,
    id: &str,
) -> Result<Option<ApplianceRow>, BrokerError> {
    Ok(
        sqlx::query_as(trusted(format!("{APPLIANCE_SELECT} WHERE a.id = $1")))
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?,
    )
}

pub(crate) fn not_found(id: &str) -> BrokerError {
    BrokerError::NotFound(format!("no appliance `{id}`"))
}

/// The appliance if `p` may see it; the same 404 whether it does not exist or is someone
/// else's.
pub(crate) async fn visible(
    conn: &mut AnyConnection,
    p: &Principal,
    id: &str,
) -> Result<ApplianceRow, BrokerError> {
    match appliance_row(conn, id).await? {
        Some(row) if row.visible_to(p) => Ok(row),
        _ => Err(not_found(id)),
    }
}

/// A grant whose window is open now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenGrant {
    pub grant_id: String,
    pub grant: SignedGrant,
    /// The open interval `[start, end)` containing now.
    pub opened_at_ms: i64,
    pub until_ms: i64,
}

/// The unrevoked grant of `phase` whose window is open at `now_ms` and stays open longest —
/// optionally only those that allow `release_digest`. Checked on every use; a stored grant that
/// no longer parses counts as closed (fail closed).
pub(crate) async fn open_grant(
    conn: &mut AnyConnection,
    appliance_id: &str,
    phase: Phase,
    release_digest: Option<&str>,
    now_ms: i64,
) -> Result<Option<OpenGrant>, BrokerError> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT id, signed_json FROM grants WHERE appliance_id = $1 AND phase = $2 \
         AND revoked_at_ms IS NULL AND window_starts_ms <= $3 AND window_ends_ms > $3",
    )
    .bind(appliance_id)
    .bind(phase.as_str())
    .bind(now_ms)
    .fetch_all(&mut *conn)
    .await?;
    let mut best: Option<OpenGrant> = None;
    for (grant_id, json) in rows {
        let Ok(grant) = serde_json::from_str::<SignedGrant>(&json) else {
            tracing::error!(grant_id, "stored grant does not parse; treated as closed");
            continue;
        };
        if let (Some(want), Some(bound)) = (release_digest, grant.body.release_digest.as_deref())
            && want != bound
        {
            continue;
        }
        let Some((start, end)) = grant.body.window.open_interval(now_ms) else {
            continue;
        };
        if best.as_ref().is_none_or(|b| end > b.until_ms) {
            best = Some(OpenGrant {
                grant_id,
                grant,
                opened_at_ms: start,
                until_ms: end,
            });
        }
    }
    Ok(best)
}

pub(crate) async fn to_api(
    conn: &mut AnyConnection,
    row: ApplianceRow,
    now_ms: i64,
) -> Result<Appliance, BrokerError> {
    let tokens: Vec<(String,)> =
        sqlx::query_as("SELECT phase FROM sealed_tokens WHERE appliance_id = $1")
            .bind(&row.id)
            .fetch_all(&mut *conn)
            .await?;
    let mut phases = Vec::with_capacity(4);
    for phase in Phase::ALL {
        let token_registered = tokens.iter().any(|(p,)| p == phase.as_str());
        let state = if phase == Phase::SteadyState {
            PhaseState {
                phase,
                active: row.steady_state_enabled != 0,
                until_ms: None,
                grant_id: None,
                token_registered,
                disabled: row.steady_state_enabled == 0,
            }
        } else {
            let open = open_grant(conn, &row.id, phase, None, now_ms).await?;
            PhaseState {
                phase,
                active: open.is_some(),
                until_ms: open.as_ref().map(|o| o.until_ms),
                grant_id: open.map(|o| o.grant_id),
                token_registered,
                disabled: false,
            }
        };
        phases.push(state);
    }
    Ok(Appliance {
        status: row.status(),
        approval_key: row.approval_key(),
        controller: row.controller(),
        id: row.id,
        name: row.name,
        instance_id: row.instance_id,
        region: row.region,
        vendor_id: row.vendor_id,
        customer_id: row.customer_id,
        customer_name: row.customer_name,
        phases,
        controller_connected: false,
        created_at_ms: row.created_at_ms,
    })
}

fn check_instance_id(id: &str) -> Result<(), BrokerError> {
    let ok = (1..=20).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-')
        && !id.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err(BrokerError::invalid(
            "invalid_instance_id",
            format!(
                "instance id `{}` must be 1 to 20 lowercase letters, digits and `-` (not at either end): it becomes part of resource names",
                id.escape_debug()
            ),
        ))
    }
}

fn check_region(region: &str) -> Result<(), BrokerError> {
    let b = region.as_bytes();
    let ok = b.len() == 4 && b[..3].iter().all(u8::is_ascii_lowercase) && b[3].is_ascii_digit();
    if ok {
        Ok(())
    } else {
        Err(BrokerError::invalid(
            "invalid_region",
            format!(
                "region `{}` is not a DigitalOcean region slug (like `nyc3`, `fra1`)",
                region.escape_debug()
            ),
        ))
    }
}

impl Broker {
    /// A vendor creates an appliance for a (new) customer.
    pub async fn create_appliance(
        &self,
        p: &Principal,
        new: &NewAppliance,
        now_ms: i64,
    ) -> Result<Appliance, BrokerError> {
        if !p.is_vendor() {
            return Err(BrokerError::forbidden(
                "vendor_only",
                "only the vendor creates appliances",
            ));
        }
        let name = check_text("the appliance name", &new.name, 100)?;
        let customer_name = check_text("the customer name", &new.customer_name, 100)?;
        check_instance_id(&new.instance_id)?;
        check_region(&new.region)?;
        let mut tx = self.store.write().await?;
        let taken: Option<(String,)> =
            sqlx::query_as("SELECT id FROM appliances WHERE vendor_id = $1 AND instance_id = $2")
                .bind(&p.id)
                .bind(&new.instance_id)
                .fetch_optional(&mut *tx)
                .await?;
        if let Some((other,)) = taken {
            return Err(BrokerError::conflict(
                "instance_id_taken",
                format!(
                    "instance id `{}` is already used by appliance {other}",
                    new.instance_id
                ),
            ));
        }
        let customer_id = new_id("cus");
        sqlx::query(
            "INSERT INTO customers (id, vendor_id, name, created_at_ms) VALUES ($1, $2, $3, $4)",
        )
        .bind(&customer_id)
        .bind(&p.id)
        .bind(customer_name)
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
        let id = new_id("app");
        sqlx::query(
            "INSERT INTO appliances (id, vendor_id, customer_id, name, instance_id, region, steady_state_enabled, created_at_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, 1, $7)",
        )
        .bind(&id)
        .bind(&p.id)
        .bind(&customer_id)
        .bind(name)
        .bind(&new.instance_id)
        .bind(&new.region)
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
        let row = appliance_row(&mut tx, &id)
            .await?
            .ok_or_else(|| not_found(&id))?;
        let appliance = to_api(&mut tx, row, now_ms).await?;
        let entry = Entry::new(
            p.actor(),
            Some(&id),
            "appliance.created",
            Outcome::Ok,
            format!(
                "appliance {id} `{name}` (instance {}, region {}) for customer {customer_id} `{customer_name}`",
                new.instance_id, new.region
            ),
        );
        self.finish(tx, entry, now_ms).await?;
        Ok(appliance)
    }

    pub async fn list_appliances(
        &self,
        p: &Principal,
        now_ms: i64,
    ) -> Result<Vec<Appliance>, BrokerError> {
        let mut conn = self.conn().await?;
        let column = match p.role {
            Role::Vendor => "a.vendor_id",
            Role::Customer => "a.customer_id",
        };
        let rows: Vec<ApplianceRow> = sqlx::query_as(trusted(format!(
            "{APPLIANCE_SELECT} WHERE {column} = $1 ORDER BY a.created_at_ms, a.id"
        )))
        .bind(&p.id)
        .fetch_all(&mut *conn)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            out.push(to_api(&mut conn, row, now_ms).await?);
        }
        Ok(out)
    }

    pub async fn appliance(
        &self,
        p: &Principal,
        id: &str,
        now_ms: i64,
    ) -> Result<Appliance, BrokerError> {
        let mut conn = self.conn().await?;
        let row = visible(&mut conn, p, id).await?;
        to_api(&mut conn, row, now_ms).await
    }

    /// A vendor invites the appliance's customer. `link_base` is the public URL of the
    /// dashboard (the link is `<link_base>/invite#<secret>`); the secret is shown once.
    pub async fn invite(
        &self,
        p: &Principal,
        appliance_id: &str,
        link_base: &str,
        now_ms: i64,
    ) -> Result<Invitation, BrokerError> {
        let mut tx = self.store.write().await?;
        let row = visible(&mut tx, p, appliance_id).await?;
        if !p.is_vendor() {
            return Err(BrokerError::forbidden(
                "vendor_only",
                "only the vendor invites the customer",
            ));
        }
        if row.approval_key.is_some() {
            return Err(BrokerError::conflict(
                "already_accepted",
                "the customer has already accepted and pinned an approval key; it cannot be replaced through an invitation",
            ));
        }
        let secret = mint("inv");
        let expires_at_ms = now_ms.saturating_add(INVITATION_TTL_MS);
        sqlx::query(
            "INSERT INTO invitations (id, appliance_id, secret_hash, created_at_ms, expires_at_ms) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&secret.id)
        .bind(appliance_id)
        .bind(&secret.secret_hash)
        .bind(now_ms)
        .bind(expires_at_ms)
        .execute(&mut *tx)
        .await?;
        let entry = Entry::new(
            p.actor(),
            Some(appliance_id),
            "invitation.created",
            Outcome::Ok,
            format!(
                "invitation {} for customer {} expires at {expires_at_ms}",
                secret.id, row.customer_id
            ),
        );
        self.finish(tx, entry, now_ms).await?;
        Ok(Invitation {
            appliance_id: appliance_id.to_string(),
            link: format!(
                "{}/invite#{}",
                link_base.trim_end_matches('/'),
                secret.credential
            ),
            secret: secret.credential,
            expires_at_ms,
        })
    }

    /// The customer accepts an invitation: pins the approval key on the appliance and gets an
    /// API key (shown once) and a dashboard session.
    pub async fn accept_invitation(
        &self,
        accept: &AcceptInvitation,
        now_ms: i64,
    ) -> Result<(CreatedApiKey, DashboardLogin), BrokerError> {
        let invalid = || BrokerError::Unauthenticated("this invitation link is not valid".into());
        let presented = Presented::parse(&accept.secret, "inv").ok_or_else(invalid)?;
        let mut tx = self.store.write().await?;
        let inv: Option<(String, String, i64, Option<i64>)> = sqlx::query_as(
            "SELECT appliance_id, secret_hash, expires_at_ms, accepted_at_ms FROM invitations WHERE id = $1",
        )
        .bind(presented.id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((appliance_id, hash, expires_at_ms, accepted)) = inv else {
            return Err(invalid());
        };
        if !presented.matches(&hash) {
            return Err(invalid());
        }
        let row = appliance_row(&mut tx, &appliance_id)
            .await?
            .ok_or_else(invalid)?;
        let refusal = if accepted.is_some() || row.approval_key.is_some() {
            Some((
                Outcome::Refused,
                BrokerError::conflict(
                    "already_accepted",
                    "this invitation has already been accepted",
                ),
            ))
        } else if now_ms >= expires_at_ms {
            Some((
                Outcome::Expired,
                BrokerError::refused(
                    "invitation_expired",
                    "this invitation has expired; ask the vendor for a new one",
                ),
            ))
        } else {
            None
        };
        if let Some((outcome, err)) = refusal {
            let entry = Entry::new(
                "anonymous",
                Some(&appliance_id),
                "invitation.refused",
                outcome,
                format!("invitation {}: {err}", presented.id),
            );
            return Err(self.refuse(tx, entry, err, now_ms).await);
        }
        let key_text = accept.approval_key.to_string();
        sqlx::query("UPDATE appliances SET approval_key = $1 WHERE id = $2")
            .bind(&key_text)
            .bind(&appliance_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE invitations SET accepted_at_ms = $1 WHERE id = $2")
            .bind(now_ms)
            .bind(presented.id)
            .execute(&mut *tx)
            .await?;
        let customer = Principal {
            role: Role::Customer,
            id: row.customer_id.clone(),
            name: row.customer_name.clone(),
        };
        let key = insert_customer_key(
            &mut tx,
            &customer,
            &format!("invitation for {}", row.name),
            now_ms,
        )
        .await?;
        let entry = Entry::new(
            customer.actor(),
            Some(&appliance_id),
            "invitation.accepted",
            Outcome::Ok,
            format!(
                "invitation {} accepted; approval key {} pinned; API key {} issued",
                presented.id,
                accept.approval_key.fingerprint(),
                key.key.id
            ),
        );
        self.finish(tx, entry, now_ms).await?;
        let login = self.open_dashboard_session(customer, now_ms).await?;
        Ok((key, login))
    }

    /// The customer registers the controller's public keys (`ferry controller keygen` prints
    /// them). Tokens sealed to a previous key can no longer be opened: they are dropped.
    pub async fn set_controller_keys(
        &self,
        p: &Principal,
        appliance_id: &str,
        keys: &ControllerKeys,
        now_ms: i64,
    ) -> Result<Appliance, BrokerError> {
        let mut tx = self.store.write().await?;
        let row = visible(&mut tx, p, appliance_id).await?;
        if p.is_vendor() {
            return Err(BrokerError::forbidden(
                "customer_only",
                "only the customer registers the controller's keys",
            ));
        }
        if row.approval_key.is_none() {
            return Err(BrokerError::conflict(
                "not_accepted",
                "accept the invitation (pin the approval key) first",
            ));
        }
        let changed = row.controller().as_ref() != Some(keys);
        let mut dropped = 0u64;
        if changed && row.controller_sealing_key.is_some() {
            dropped = sqlx::query("DELETE FROM sealed_tokens WHERE appliance_id = $1")
                .bind(appliance_id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        }
        sqlx::query(
            "UPDATE appliances SET controller_signing_key = $1, controller_sealing_key = $2 WHERE id = $3",
        )
        .bind(keys.signing_key.to_string())
        .bind(keys.sealing_key.to_string())
        .bind(appliance_id)
        .execute(&mut *tx)
        .await?;
        let row = appliance_row(&mut tx, appliance_id)
            .await?
            .ok_or_else(|| not_found(appliance_id))?;
        let appliance = to_api(&mut tx, row, now_ms).await?;
        let entry = Entry::new(
            p.actor(),
            Some(appliance_id),
            "controller.registered",
            Outcome::Ok,
            format!(
                "controller identity key {}, sealing key {}{}",
                keys.signing_key.fingerprint(),
                keys.sealing_key,
                if dropped > 0 {
                    format!("; {dropped} token(s) sealed to the previous key dropped")
                } else {
                    String::new()
                }
            ),
        );
        self.finish(tx, entry, now_ms).await?;
        Ok(appliance)
    }

    /// The customer switches Steady-state on or off (on by default).
    pub async fn set_steady_state(
        &self,
        p: &Principal,
        appliance_id: &str,
        enabled: bool,
        now_ms: i64,
    ) -> Result<Appliance, BrokerError> {
        let mut tx = self.store.write().await?;
        visible(&mut tx, p, appliance_id).await?;
        if p.is_vendor() {
            return Err(BrokerError::forbidden(
                "customer_only",
                "only the customer switches Steady-state",
            ));
        }
        sqlx::query("UPDATE appliances SET steady_state_enabled = $1 WHERE id = $2")
            .bind(i64::from(enabled))
            .bind(appliance_id)
            .execute(&mut *tx)
            .await?;
        let row = appliance_row(&mut tx, appliance_id)
            .await?
            .ok_or_else(|| not_found(appliance_id))?;
        let appliance = to_api(&mut tx, row, now_ms).await?;
        let entry = Entry::new(
            p.actor(),
            Some(appliance_id),
            if enabled {
                "steady_state.enabled"
            } else {
                "steady_state.disabled"
            },
            Outcome::Ok,
            format!(
                "Steady-state switched {}",
                if enabled { "on" } else { "off" }
            ),
        );
        self.finish(tx, entry, now_ms).await?;
        Ok(appliance)
    }

    // ---- what the relay asks ------------------------------------------------------------------

    /// Whether Steady-state is on for the appliance (it is unless the customer switched it off).
    pub async fn steady_state_active(
        &self,
        appliance_id: &str,
        _now_ms: i64,
    ) -> Result<bool, BrokerError> {
        let mut conn = self.conn().await?;
        let row = appliance_row(&mut conn, appliance_id)
            .await?
            .ok_or_else(|| not_found(appliance_id))?;
        Ok(row.steady_state_enabled != 0)
    }

    /// The controller's keys, the pinned approval key and the instance id — `None` until both
    /// keys are registered.
    pub async fn controller_identity(
        &self,
        appliance_id: &str,
    ) -> Result<Option<(ControllerKeys, VerifyingKey, String)>, BrokerError> {
        let mut conn = self.conn().await?;
        let Some(row) = appliance_row(&mut conn, appliance_id).await? else {
            return Ok(None);
        };
        Ok(match (row.controller(), row.approval_key()) {
            (Some(keys), Some(approval)) => Some((keys, approval, row.instance_id)),
            _ => None,
        })
    }

    /// The grant that makes `phase` usable now, if any (Install, Deploy, Operate). Checked
    /// against the clock on every call.
    pub async fn active_grant(
        &self,
        appliance_id: &str,
        phase: Phase,
        now_ms: i64,
    ) -> Result<Option<OpenGrant>, BrokerError> {
        let mut conn = self.conn().await?;
        appliance_row(&mut conn, appliance_id)
            .await?
            .ok_or_else(|| not_found(appliance_id))?;
        open_grant(&mut conn, appliance_id, phase, None, now_ms).await
    }
}
