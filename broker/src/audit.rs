//! The hash-chained audit log.
//!
//! Each record carries the hash of the one before: `hash = sha256(prev_hash || canonical)`,
//! where `canonical` is a domain tag followed by the record's fields (sequence number, time,
//! actor, appliance, action, outcome, detail), each length-prefixed, so no field can bleed
//! into another. The first record links to [`GENESIS`]. The head of the chain (last sequence
//! number and hash) is also kept in its own row, so cutting off the tail is detected too.
//!
//! Records are appended by [`append`] inside the transaction of the action they record: if the
//! append fails, the action is rolled back. [`verify`] walks the whole chain and names the first
//! record that does not verify.

use crate::error::BrokerError;
use crate::store::trusted;
use ferry_api::broker::{AuditRecord, AuditVerification};
use sha2::{Digest, Sha256};
use sqlx::AnyConnection;

/// The `prev_hash` of the first record.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

const AUDIT_TAG: &[u8] = b"ferry-audit-v1\0";

/// How an audited action ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    Refused,
    Expired,
    Revoked,
    Error,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Refused => "refused",
            Outcome::Expired => "expired",
            Outcome::Revoked => "revoked",
            Outcome::Error => "error",
        }
    }
}

/// A record to append (the chain fields are computed by [`append`]).
#[derive(Debug, Clone)]
pub struct Entry {
    /// `vendor:<id>`, `customer:<id>`, `controller:<appliance>`, `system`, `anonymous`.
    pub actor: String,
    pub appliance_id: Option<String>,
    pub action: String,
    pub outcome: Outcome,
    /// Never a secret: ids, fingerprints, digests, reasons.
    pub detail: String,
}

impl Entry {
    pub fn new(
        actor: impl Into<String>,
        appliance_id: Option<&str>,
        action: &str,
        outcome: Outcome,
        detail: impl Into<String>,
    ) -> Self {
        Self {
            actor: actor.into(),
            appliance_id: appliance_id.map(str::to_string),
            action: action.to_string(),
            outcome,
            detail: detail.into(),
        }
    }
}

fn field(h: &mut Sha256, bytes: &[u8]) {
    h.update((bytes.len() as u64).to_be_bytes());
    h.update(bytes);
}

/// The chain hash of a record given the hash of the one before.
pub fn record_hash(r: &AuditRecord) -> String {
    let mut h = Sha256::new();
    h.update(r.prev_hash.as_bytes());
    h.update(AUDIT_TAG);
    h.update(r.seq.to_be_bytes());
    h.update(r.at_ms.to_be_bytes());
    field(&mut h, r.actor.as_bytes());
    match &r.appliance_id {
        None => h.update([0u8]),
        Some(id) => {
            h.update([1u8]);
            field(&mut h, id.as_bytes());
        }
    }
    field(&mut h, r.action.as_bytes());
    field(&mut h, r.outcome.as_bytes());
    field(&mut h, r.detail.as_bytes());
    ferry_api::crypto::hex(&h.finalize())
}

#[derive(sqlx::FromRow)]
pub(crate) struct Row {
    seq: i64,
    at_ms: i64,
    actor: String,
    appliance_id: Option<String>,
    action: String,
    outcome: String,
    detail: String,
    prev_hash: String,
    hash: String,
}

impl From<Row> for AuditRecord {
    fn from(r: Row) -> Self {
        AuditRecord {
            seq: r.seq,
            at_ms: r.at_ms,
            actor: r.actor,
            appliance_id: r.appliance_id,
            action: r.action,
            outcome: r.outcome,
            detail: r.detail,
            prev_hash: r.prev_hash,
            hash: r.hash,
        }
    }
}

pub(crate) const COLUMNS: &str =
    "seq, at_ms, actor, appliance_id, action, outcome, detail, prev_hash, hash";

/// Appends `entry` at `now_ms` inside the caller's write transaction (which holds the
/// `audit_head` row, so appends are serialised). Any failure is [`BrokerError::AuditUnavailable`]:
/// the caller's transaction must then be dropped, which rolls the action back.
pub(crate) async fn append(
    conn: &mut AnyConnection,
    entry: &Entry,
    now_ms: i64,
) -> Result<AuditRecord, BrokerError> {
    let (head_seq, head_hash): (i64, String) =
        sqlx::query_as("SELECT head_seq, head_hash FROM audit_head WHERE id = 1")
            .fetch_one(&mut *conn)
            .await
            .map_err(BrokerError::audit)?;
    let mut record = AuditRecord {
        seq: head_seq + 1,
        at_ms: now_ms,
        actor: entry.actor.clone(),
        appliance_id: entry.appliance_id.clone(),
        action: entry.action.clone(),
        outcome: entry.outcome.as_str().to_string(),
        detail: entry.detail.clone(),
        prev_hash: head_hash,
        hash: String::new(),
    };
    record.hash = record_hash(&record);
    sqlx::query(
        "INSERT INTO audit (seq, at_ms, actor, appliance_id, action, outcome, detail, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(record.seq)
    .bind(record.at_ms)
    .bind(&record.actor)
    .bind(&record.appliance_id)
    .bind(&record.action)
    .bind(&record.outcome)
    .bind(&record.detail)
    .bind(&record.prev_hash)
    .bind(&record.hash)
    .execute(&mut *conn)
    .await
    .map_err(BrokerError::audit)?;
    sqlx::query("UPDATE audit_head SET head_seq = $1, head_hash = $2 WHERE id = 1")
        .bind(record.seq)
        .bind(&record.hash)
        .execute(&mut *conn)
        .await
        .map_err(BrokerError::audit)?;
    Ok(record)
}

/// Records read per round trip while verifying.
const BATCH: i64 = 1000;

/// Walks the whole chain from the first record and checks every link and hash, then the head.
pub(crate) async fn verify(conn: &mut AnyConnection) -> Result<AuditVerification, BrokerError> {
    let mut expected_seq = 1i64;
    let mut prev = GENESIS.to_string();
    let mut count = 0i64;
    let broken = |seq: i64, count: i64, problem: String| AuditVerification {
        ok: false,
        records: count,
        first_broken: Some(seq),
        problem: Some(problem),
    };
    loop {
        let rows: Vec<Row> = sqlx::query_as(trusted(format!(
            "SELECT {COLUMNS} FROM audit WHERE seq >= $1 ORDER BY seq LIMIT $2"
        )))
        .bind(expected_seq)
        .bind(BATCH)
        .fetch_all(&mut *conn)
        .await?;
        let n = rows.len() as i64;
        for row in rows {
            let record = AuditRecord::from(row);
            count += 1;
            if record.seq != expected_seq {
                return Ok(broken(
                    expected_seq,
                    count,
                    format!(
                        "record {expected_seq} is missing (the next record is {})",
                        record.seq
                    ),
                ));
            }
            if record.prev_hash != prev {
                return Ok(broken(
                    record.seq,
                    count,
                    format!(
                        "record {} does not link to record {}: its prev_hash differs from that record's hash",
                        record.seq,
                        record.seq - 1
                    ),
                ));
            }
            if record_hash(&record) != record.hash {
                return Ok(broken(
                    record.seq,
                    count,
                    format!(
                        "record {} was altered: its hash does not match its content",
                        record.seq
                    ),
                ));
            }
            prev = record.hash;
            expected_seq += 1;
        }
        if n < BATCH {
            break;
        }
    }
    let last = expected_seq - 1;
    let (head_seq, head_hash): (i64, String) =
        sqlx::query_as("SELECT head_seq, head_hash FROM audit_head WHERE id = 1")
            .fetch_one(&mut *conn)
            .await?;
    if head_seq > last {
        return Ok(broken(
            last + 1,
            count,
            format!(
                "records {} to {head_seq} are missing: the log was cut off after record {last}",
                last + 1
            ),
        ));
    }
    if head_seq < last {
        return Ok(broken(
            head_seq + 1,
            count,
            format!(
                "record {} is past the chain's head ({head_seq}): it was not appended by Ferry",
                head_seq + 1
            ),
        ));
    }
    if head_hash != prev {
        return Ok(broken(
            last,
            count,
            format!("record {last} does not match the chain's head hash"),
        ));
    }
    Ok(AuditVerification {
        ok: true,
        records: count,
        first_broken: None,
        problem: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(seq: i64, prev: &str) -> AuditRecord {
        let mut r = AuditRecord {
            seq,
            at_ms: 5,
            actor: "customer:cus_1".into(),
            appliance_id: Some("app_1".into()),
            action: "grant.created".into(),
            outcome: "ok".into(),
            detail: "grant grt_1".into(),
            prev_hash: prev.into(),
            hash: String::new(),
        };
        r.hash = record_hash(&r);
        r
    }

    #[test]
    fn every_field_is_covered_by_the_hash() {
        let base = record(1, GENESIS);
        let h = base.hash.clone();
        type Change<'a> = Box<dyn Fn(&mut AuditRecord) + 'a>;
        let variants: Vec<Change> = vec![
            Box::new(|r| r.seq = 2),
            Box::new(|r| r.at_ms = 6),
            Box::new(|r| r.actor = "vendor:vnd_1".into()),
            Box::new(|r| r.appliance_id = None),
            Box::new(|r| r.appliance_id = Some(String::new())),
            Box::new(|r| r.action = "grant.revoked".into()),
            Box::new(|r| r.outcome = "refused".into()),
            Box::new(|r| r.detail = "grant grt_2".into()),
            Box::new(|r| r.prev_hash = h.clone()),
        ];
        for change in variants {
            let mut r = base.clone();
            change(&mut r);
            assert_ne!(record_hash(&r), h, "{r:?}");
        }
        // Fields cannot bleed into each other.
        let mut a = base.clone();
        a.action = "ab".into();
        a.outcome = "c".into();
        let mut b = base.clone();
        b.action = "a".into();
        b.outcome = "bc".into();
        assert_ne!(record_hash(&a), record_hash(&b));
    }
}
