//! Releases: an origin stack compiled for one appliance (compiling is the edge host's job, in
//! its wasm sandbox; the broker receives the result), stored with its digests.

use crate::appliances::visible;
use crate::audit::{Entry, Outcome};
use crate::broker::{Broker, Principal};
use crate::error::BrokerError;
use crate::release::{TarballInfo, check_stack_path, files_digest, tarball};
use crate::secret::new_id;
use crate::store::trusted;
use ferry_api::broker::Release;
use std::collections::BTreeMap;

/// What the edge host hands over after compiling an origin stack for an appliance.
#[derive(Debug, Clone)]
pub struct CompiledRelease {
    /// The origin files, path → text (only their digest is kept).
    pub origin_files: BTreeMap<String, String>,
    /// The deployment stack.
    pub files: BTreeMap<String, String>,
    /// The compiler's report (JSON).
    pub report: serde_json::Value,
    pub errors: u32,
    pub warnings: u32,
    pub note: Option<String>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct ReleaseRow {
    pub id: String,
    pub appliance_id: String,
    pub origin_digest: String,
    pub digest: String,
    pub files_json: String,
    pub report_json: String,
    pub errors: i64,
    pub warnings: i64,
    pub deployable: i64,
    pub note: Option<String>,
    pub created_by: String,
    pub created_at_ms: i64,
}

pub(crate) const RELEASE_SELECT: &str = "SELECT id, appliance_id, origin_digest, digest, files_json, report_json, \
     errors, warnings, deployable, note, created_by, created_at_ms FROM releases";

impl ReleaseRow {
    pub fn to_api(&self, full: bool) -> Result<Release, BrokerError> {
        let corrupt = |what: &str| {
            BrokerError::Store(format!(
                "release {}: the stored {what} does not parse",
                self.id
            ))
        };
        let (report, files) = if full {
            (
                Some(serde_json::from_str(&self.report_json).map_err(|_| corrupt("report"))?),
                Some(serde_json::from_str(&self.files_json).map_err(|_| corrupt("stack"))?),
            )
        } else {
            (None, None)
        };
        Ok(Release {
            id: self.id.clone(),
            appliance_id: self.appliance_id.clone(),
            origin_digest: self.origin_digest.clone(),
            digest: self.digest.clone(),
            created_by: self.created_by.clone(),
            created_at_ms: self.created_at_ms,
            deployable: self.deployable != 0,
            errors: u32::try_from(self.errors).unwrap_or(u32::MAX),
            warnings: u32::try_from(self.warnings).unwrap_or(u32::MAX),
            note: self.note.clone(),
            report,
            files,
        })
    }
}

pub(crate) async fn release_row(
    conn: &mut sqlx::AnyConnection,
    id: &str,
) -> Result<Option<ReleaseRow>, BrokerError> {
    Ok(
        sqlx::query_as(trusted(format!("{RELEASE_SELECT} WHERE id = $1")))
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?,
    )
}

fn release_not_found(id: &str) -> BrokerError {
    BrokerError::NotFound(format!("no release `{id}`"))
}

impl Broker {
    /// Stores a compiled release. One with errors (or no files) is stored but not deployable.
    pub async fn create_release(
        &self,
        p: &Principal,
        appliance_id: &str,
        compiled: &CompiledRelease,
        now_ms: i64,
    ) -> Result<Release, BrokerError> {
        let mut tx = self.store.write().await?;
        visible(&mut tx, p, appliance_id).await?;
        if !p.is_vendor() {
            return Err(BrokerError::forbidden(
                "vendor_only",
                "only the vendor creates releases",
            ));
        }
        for path in compiled.files.keys() {
            check_stack_path(path).map_err(|m| BrokerError::invalid("invalid_stack", m))?;
        }
        let note = match compiled.note.as_deref() {
            Some(n) if !n.trim().is_empty() => {
                Some(crate::broker::check_text("the note", n, 1000)?.to_string())
            }
            _ => None,
        };
        let digest = files_digest(&compiled.files);
        let origin_digest = files_digest(&compiled.origin_files);
        let deployable = compiled.errors == 0 && !compiled.files.is_empty();
        let id = new_id("rel");
        let files_json = serde_json::to_string(&compiled.files)
            .map_err(|e| BrokerError::Store(e.to_string()))?;
        let report_json = serde_json::to_string(&compiled.report)
            .map_err(|e| BrokerError::Store(e.to_string()))?;
        sqlx::query(
            "INSERT INTO releases (id, appliance_id, origin_digest, digest, files_json, report_json, \
             errors, warnings, deployable, note, created_by, created_at_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(&id)
        .bind(appliance_id)
        .bind(&origin_digest)
        .bind(&digest)
        .bind(&files_json)
        .bind(&report_json)
        .bind(i64::from(compiled.errors))
        .bind(i64::from(compiled.warnings))
        .bind(i64::from(deployable))
        .bind(&note)
        .bind(p.actor())
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
        let entry = Entry::new(
            p.actor(),
            Some(appliance_id),
            "release.created",
            Outcome::Ok,
            format!(
                "release {id}: stack {digest} from origin {origin_digest}; {} error(s), {} warning(s); {}",
                compiled.errors,
                compiled.warnings,
                if deployable {
                    "deployable"
                } else {
                    "not deployable"
                }
            ),
        );
        self.finish(tx, entry, now_ms).await?;
        Ok(Release {
            id,
            appliance_id: appliance_id.to_string(),
            origin_digest,
            digest,
            created_by: p.actor(),
            created_at_ms: now_ms,
            deployable,
            errors: compiled.errors,
            warnings: compiled.warnings,
            note,
            report: Some(compiled.report.clone()),
            files: Some(compiled.files.clone()),
        })
    }

    /// An appliance's releases, newest first, without their files and reports.
    pub async fn list_releases(
        &self,
        p: &Principal,
        appliance_id: &str,
    ) -> Result<Vec<Release>, BrokerError> {
        let mut conn = self.conn().await?;
        visible(&mut conn, p, appliance_id).await?;
        let rows: Vec<ReleaseRow> = sqlx::query_as(trusted(format!(
            "{RELEASE_SELECT} WHERE appliance_id = $1 ORDER BY created_at_ms DESC, id DESC"
        )))
        .bind(appliance_id)
        .fetch_all(&mut *conn)
        .await?;
        rows.iter().map(|r| r.to_api(false)).collect()
    }

    /// One release with its report and files.
    pub async fn release(&self, p: &Principal, release_id: &str) -> Result<Release, BrokerError> {
        let mut conn = self.conn().await?;
        let row = release_row(&mut conn, release_id)
            .await?
            .ok_or_else(|| release_not_found(release_id))?;
        visible(&mut conn, p, &row.appliance_id)
            .await
            .map_err(|_| release_not_found(release_id))?;
        row.to_api(true)
    }

    /// The release's tarball: `(file name, gzip'd tar bytes)`.
    pub async fn release_tarball(
        &self,
        p: &Principal,
        release_id: &str,
    ) -> Result<(String, Vec<u8>), BrokerError> {
        let mut conn = self.conn().await?;
        let row = release_row(&mut conn, release_id)
            .await?
            .ok_or_else(|| release_not_found(release_id))?;
        let appliance = visible(&mut conn, p, &row.appliance_id)
            .await
            .map_err(|_| release_not_found(release_id))?;
        let files: BTreeMap<String, String> =
            serde_json::from_str(&row.files_json).map_err(|_| {
                BrokerError::Store(format!(
                    "release {release_id}: the stored stack does not parse"
                ))
            })?;
        let info = TarballInfo {
            release_id: &row.id,
            appliance_name: &appliance.name,
            instance_id: &appliance.instance_id,
            region: &appliance.region,
            digest: &row.digest,
        };
        let bytes = tarball(&info, &files).map_err(BrokerError::Store)?;
        Ok((format!("{}.tar.gz", row.id), bytes))
    }
}
