//! Shared fixtures of the store tests: a broker on SQLite or PostgreSQL with a paused clock, and
//! a vendor, a customer and an appliance that is ready (approval and controller keys pinned).
#![allow(dead_code)]

pub mod pg;

use ferry_api::broker::{
    AcceptInvitation, Appliance, ControllerKeys, NewAppliance, NewGrant, Role,
};
use ferry_api::crypto::{SealingSecretKey, SigningKey};
use ferry_api::grant::{GrantBody, Phase, SignedGrant, Window};
use ferry_broker::{Backend, Broker, CompiledRelease, Location, Principal, TestClock};
use std::collections::BTreeMap;
use std::sync::Arc;

/// 2026-11-24T00:00:00Z.
pub const T0: i64 = 1_795_478_400_000;
pub const HOUR: i64 = 3_600_000;

/// A broker with its clock; keeps its database alive.
pub struct Ctx {
    pub broker: Broker,
    pub clock: TestClock,
    _dir: Option<tempfile::TempDir>,
}

impl Ctx {
    pub async fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let clock = TestClock::new(T0);
        let broker = Broker::open(&Location::in_data_dir(dir.path()), Arc::new(clock.clone()))
            .await
            .expect("open SQLite store");
        Self {
            broker,
            clock,
            _dir: Some(dir),
        }
    }

    pub async fn postgres(url: &str) -> Self {
        let clock = TestClock::new(T0);
        let broker = Broker::open(
            &Location::parse_url(url).expect("url"),
            Arc::new(clock.clone()),
        )
        .await
        .expect("open PostgreSQL store");
        Self {
            broker,
            clock,
            _dir: None,
        }
    }

    pub fn now(&self) -> i64 {
        self.clock.now_ms()
    }

    /// Makes every insert into the audit table fail (a full disk, a broken replica …).
    pub async fn break_audit(&self) {
        let pool = self.broker.store().pool();
        match self.broker.store().backend() {
            Backend::Sqlite => {
                sqlx::raw_sql(
                    "CREATE TRIGGER audit_fail BEFORE INSERT ON audit \
                     BEGIN SELECT RAISE(ABORT, 'audit storage unavailable'); END",
                )
                .execute(pool)
                .await
                .expect("sqlite trigger");
            }
            Backend::Postgres => {
                sqlx::raw_sql(
                    "CREATE FUNCTION audit_fail() RETURNS trigger AS $$ \
                     BEGIN RAISE EXCEPTION 'audit storage unavailable'; END $$ LANGUAGE plpgsql; \
                     CREATE TRIGGER audit_fail BEFORE INSERT ON audit \
                     FOR EACH ROW EXECUTE FUNCTION audit_fail();",
                )
                .execute(pool)
                .await
                .expect("postgres trigger");
            }
        }
    }

    pub async fn count(&self, table: &str) -> i64 {
        let (n,): (i64,) =
            sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
                .fetch_one(self.broker.store().pool())
                .await
                .expect("count");
        n
    }
}

use ferry_broker::Clock as _;

/// A vendor, its customer with the approval key, and a ready appliance.
pub struct World {
    pub vendor: Principal,
    pub vendor_key: String,
    pub customer: Principal,
    pub customer_key: String,
    pub approval: SigningKey,
    pub controller: SealingSecretKey,
    pub appliance: Appliance,
}

impl World {
    pub async fn new(ctx: &Ctx) -> Self {
        let b = &ctx.broker;
        let created = b
            .bootstrap_vendor("Acme Software", ctx.now())
            .await
            .expect("bootstrap")
            .expect("first bootstrap creates the vendor");
        let vendor = b
            .authenticate_api_key(&created.secret, ctx.now())
            .await
            .expect("vendor key works");
        let mut w = Self::appliance_for(ctx, &vendor, "acme", "Globex").await;
        w.vendor_key = created.secret;
        w
    }

    /// Another appliance (and customer) of the same vendor.
    pub async fn appliance_for(
        ctx: &Ctx,
        vendor: &Principal,
        instance_id: &str,
        customer_name: &str,
    ) -> Self {
        let b = &ctx.broker;
        let appliance = b
            .create_appliance(
                vendor,
                &NewAppliance {
                    name: format!("{customer_name} production"),
                    instance_id: instance_id.into(),
                    region: "nyc3".into(),
                    customer_name: customer_name.into(),
                },
                ctx.now(),
            )
            .await
            .expect("create appliance");
        let invitation = b
            .invite(vendor, &appliance.id, "https://ferry.example", ctx.now())
            .await
            .expect("invite");
        let approval = SigningKey::generate();
        let (key, _login) = b
            .accept_invitation(
                &AcceptInvitation {
                    secret: invitation.secret.clone(),
                    approval_key: approval.verifying_key(),
                },
                ctx.now(),
            )
            .await
            .expect("accept");
        let customer = b
            .authenticate_api_key(&key.secret, ctx.now())
            .await
            .expect("customer key works");
        assert_eq!(customer.role, Role::Customer);
        let controller = SealingSecretKey::generate();
        let appliance = b
            .set_controller_keys(
                &customer,
                &appliance.id,
                &ControllerKeys {
                    signing_key: SigningKey::generate().verifying_key(),
                    sealing_key: controller.public_key(),
                },
                ctx.now(),
            )
            .await
            .expect("controller keys");
        Self {
            vendor: vendor.clone(),
            vendor_key: String::new(),
            customer,
            customer_key: key.secret,
            approval,
            controller,
            appliance,
        }
    }

    pub fn id(&self) -> &str {
        &self.appliance.id
    }

    pub fn signed(&self, phase: Phase, window: Window, release: Option<&str>) -> SignedGrant {
        GrantBody::new(self.id(), phase, window, release.map(str::to_string))
            .sign(&self.approval)
            .expect("sign")
    }

    pub fn new_grant(&self, phase: Phase, start: i64, end: i64) -> NewGrant {
        NewGrant {
            grant: self.signed(phase, manual(start, end), None),
            access_request_id: None,
        }
    }

    /// A customer-approved manual window `[start, end)`.
    pub async fn approve(&self, ctx: &Ctx, phase: Phase, start: i64, end: i64) -> String {
        ctx.broker
            .create_grant(
                &self.customer,
                self.id(),
                &self.new_grant(phase, start, end),
                ctx.now(),
            )
            .await
            .expect("grant")
            .id
    }

    /// A deployable release (or one with errors).
    pub async fn release(&self, ctx: &Ctx, errors: u32) -> ferry_api::broker::Release {
        ctx.broker
            .create_release(&self.vendor, self.id(), &compiled(errors), ctx.now())
            .await
            .expect("release")
    }
}

pub fn manual(start: i64, end: i64) -> Window {
    Window::Manual {
        starts_at_ms: start,
        ends_at_ms: end,
    }
}

pub fn compiled(errors: u32) -> CompiledRelease {
    let mut origin = BTreeMap::new();
    origin.insert(
        "main.tf".to_string(),
        "resource \"aws_s3_bucket\" \"b\" { bucket = \"b\" }\n".to_string(),
    );
    let mut files = BTreeMap::new();
    files.insert(
        "main.tf".to_string(),
        format!("resource \"digitalocean_spaces_bucket\" \"b\" {{ name = \"b-{errors}\" }}\n"),
    );
    CompiledRelease {
        origin_files: origin,
        files,
        report: serde_json::json!({"counts": {"errors": errors}}),
        errors,
        warnings: 1,
        note: Some("first cut".into()),
    }
}

/// A real-looking DigitalOcean token.
pub const CANARY: &str = "dop_v1_c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00";
