//! The store suite: every broker rule, run on SQLite (one test per case) and on a real
//! PostgreSQL started for the run (`postgres_store_suite`, every case on a fresh database).

mod common;

use common::{CANARY, Ctx, HOUR, T0, World, compiled, manual};
use ferry_api::broker::{
    AcceptInvitation, ApplianceStatus, ControllerKeys, NewAccessRequest, NewAppliance,
    NewDeploySession, NewGrant, RequestStatus, Role, SealedTokenUpload,
};
use ferry_api::crypto::{SealingSecretKey, SigningKey, fingerprint};
use ferry_api::grant::{GrantBody, Phase, Weekday, WeeklySlot, Window};
use ferry_broker::{BrokerError, Outcome};

fn code(e: &BrokerError) -> &'static str {
    e.code()
}

async fn last_audit(ctx: &Ctx, appliance: &str) -> ferry_api::broker::AuditRecord {
    let (seq, actor, action, outcome, detail): (i64, String, String, String, String) =
        sqlx::query_as(
            "SELECT seq, actor, action, outcome, detail FROM audit WHERE appliance_id = $1 ORDER BY seq DESC LIMIT 1",
        )
        .bind(appliance)
        .fetch_one(ctx.broker.store().pool())
        .await
        .expect("an audit record");
    ferry_api::broker::AuditRecord {
        seq,
        at_ms: 0,
        actor,
        appliance_id: Some(appliance.to_string()),
        action,
        outcome,
        detail,
        prev_hash: String::new(),
        hash: String::new(),
    }
}

async fn assert_chain_ok(ctx: &Ctx) {
    let v = ctx.broker.verify_audit().await.expect("verify");
    assert!(v.ok, "audit chain broken: {v:?}");
}

// ---- cases ------------------------------------------------------------------------------------

async fn bootstrap_happens_once_and_keys_authenticate(ctx: Ctx) {
    let w = World::new(&ctx).await;
    assert!(
        ctx.broker
            .bootstrap_vendor("Other", ctx.now())
            .await
            .expect("bootstrap")
            .is_none()
    );
    let again = ctx
        .broker
        .authenticate_api_key(&w.vendor_key, ctx.now())
        .await
        .expect("auth");
    assert_eq!(again, w.vendor);
    // A wrong secret for a real key id is refused and audited; garbage is refused.
    let (id, _) = w.vendor_key.split_once('.').expect("id.secret");
    let forged = format!("{id}.{}", "A".repeat(43));
    let e = ctx
        .broker
        .authenticate_api_key(&forged, ctx.now())
        .await
        .expect_err("forged key");
    assert_eq!(code(&e), "unauthenticated");
    assert!(
        ctx.broker
            .authenticate_api_key("not a key", ctx.now())
            .await
            .is_err()
    );
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM audit WHERE action = 'auth.refused'")
        .fetch_one(ctx.broker.store().pool())
        .await
        .expect("count");
    assert_eq!(n, 1);
    // Keys are stored hashed.
    let (hash,): (String,) = sqlx::query_as("SELECT secret_hash FROM api_keys WHERE id = $1")
        .bind(id)
        .fetch_one(ctx.broker.store().pool())
        .await
        .expect("row");
    assert!(
        !w.vendor_key.contains(&hash)
            && !hash.contains(w.vendor_key.split_once('.').expect("dot").1)
    );
    assert_chain_ok(&ctx).await;
}

async fn api_keys_are_listed_and_revoked_immediately(ctx: Ctx) {
    let w = World::new(&ctx).await;
    let k = ctx
        .broker
        .create_api_key(&w.customer, "ci", ctx.now())
        .await
        .expect("key");
    assert!(
        ctx.broker
            .authenticate_api_key(&k.secret, ctx.now())
            .await
            .is_ok()
    );
    let keys = ctx.broker.list_api_keys(&w.customer).await.expect("list");
    assert_eq!(keys.len(), 2);
    assert!(keys.iter().all(|k| k.role == Role::Customer));
    // Another principal cannot revoke it.
    let e = ctx
        .broker
        .revoke_api_key(&w.vendor, &k.key.id, ctx.now())
        .await
        .expect_err("not theirs");
    assert_eq!(code(&e), "not_found");
    let revoked = ctx
        .broker
        .revoke_api_key(&w.customer, &k.key.id, ctx.now())
        .await
        .expect("revoke");
    assert_eq!(revoked.revoked_at_ms, Some(ctx.now()));
    assert!(
        ctx.broker
            .authenticate_api_key(&k.secret, ctx.now())
            .await
            .is_err()
    );
}

async fn dashboard_sessions_carry_a_csrf_token(ctx: Ctx) {
    let w = World::new(&ctx).await;
    let login = ctx
        .broker
        .login(&w.vendor_key, ctx.now())
        .await
        .expect("login");
    let s = ctx
        .broker
        .authenticate_dashboard(&login.cookie, ctx.now())
        .await
        .expect("session");
    assert_eq!(s.principal, w.vendor);
    assert!(s.csrf_matches(&login.csrf_token));
    assert!(!s.csrf_matches("nope"));
    assert!(!format!("{login:?}").contains(&login.csrf_token));
    // Expiry, exactly.
    ctx.clock
        .advance(ferry_broker::DASHBOARD_SESSION_TTL_MS - 1);
    assert!(
        ctx.broker
            .authenticate_dashboard(&login.cookie, ctx.now())
            .await
            .is_ok()
    );
    ctx.clock.advance(1);
    assert!(
        ctx.broker
            .authenticate_dashboard(&login.cookie, ctx.now())
            .await
            .is_err()
    );
    let login = ctx
        .broker
        .login(&w.vendor_key, ctx.now())
        .await
        .expect("login");
    let s = ctx
        .broker
        .authenticate_dashboard(&login.cookie, ctx.now())
        .await
        .expect("session");
    ctx.broker.logout(&s, ctx.now()).await.expect("logout");
    assert!(
        ctx.broker
            .authenticate_dashboard(&login.cookie, ctx.now())
            .await
            .is_err()
    );
}

async fn appliance_status_and_visibility(ctx: Ctx) {
    let w = World::new(&ctx).await;
    assert_eq!(w.appliance.status, ApplianceStatus::Ready);
    assert_eq!(w.appliance.approval_key, Some(w.approval.verifying_key()));
    let other = World::appliance_for(&ctx, &w.vendor, "initech", "Initech").await;
    // The vendor sees both, each customer only their own; a stranger's appliance is a 404.
    assert_eq!(
        ctx.broker
            .list_appliances(&w.vendor, ctx.now())
            .await
            .expect("list")
            .len(),
        2
    );
    let mine = ctx
        .broker
        .list_appliances(&w.customer, ctx.now())
        .await
        .expect("list");
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].id, w.id());
    let e = ctx
        .broker
        .appliance(&w.customer, other.id(), ctx.now())
        .await
        .expect_err("not theirs");
    assert_eq!(code(&e), "not_found");
    for result in [
        ctx.broker
            .list_releases(&w.customer, other.id())
            .await
            .map(|_| ()),
        ctx.broker
            .list_grants(&w.customer, other.id())
            .await
            .map(|_| ()),
        ctx.broker
            .list_tokens(&w.customer, other.id())
            .await
            .map(|_| ()),
        ctx.broker
            .audit_log(&w.customer, other.id(), None, 10)
            .await
            .map(|_| ()),
    ] {
        assert_eq!(code(&result.expect_err("hidden")), "not_found");
    }
    // Duplicate instance ids and bad shapes are refused with reasons.
    let dup = ctx
        .broker
        .create_appliance(
            &w.vendor,
            &NewAppliance {
                name: "x".into(),
                instance_id: "acme".into(),
                region: "nyc3".into(),
                customer_name: "x".into(),
            },
            ctx.now(),
        )
        .await
        .expect_err("duplicate");
    assert_eq!(code(&dup), "instance_id_taken");
    for (instance, region, want) in [
        ("Acme", "nyc3", "invalid_instance_id"),
        ("a-very-long-instance-id-1", "nyc3", "invalid_instance_id"),
        ("ok", "us-east-1", "invalid_region"),
    ] {
        let e = ctx
            .broker
            .create_appliance(
                &w.vendor,
                &NewAppliance {
                    name: "x".into(),
                    instance_id: instance.into(),
                    region: region.into(),
                    customer_name: "x".into(),
                },
                ctx.now(),
            )
            .await
            .expect_err("bad");
        assert_eq!(code(&e), want);
    }
    // Customers do not create appliances.
    assert_eq!(
        code(
            &ctx.broker
                .create_appliance(
                    &w.customer,
                    &NewAppliance {
                        name: "x".into(),
                        instance_id: "zzz".into(),
                        region: "nyc3".into(),
                        customer_name: "x".into(),
                    },
                    ctx.now()
                )
                .await
                .expect_err("customer")
        ),
        "vendor_only"
    );
}

async fn invitations_are_single_use_and_expire(ctx: Ctx) {
    let w = World::new(&ctx).await;
    let app = ctx
        .broker
        .create_appliance(
            &w.vendor,
            &NewAppliance {
                name: "Umbrella".into(),
                instance_id: "umbrella".into(),
                region: "fra1".into(),
                customer_name: "Umbrella".into(),
            },
            ctx.now(),
        )
        .await
        .expect("appliance");
    assert_eq!(app.status, ApplianceStatus::Invited);
    let inv = ctx
        .broker
        .invite(&w.vendor, &app.id, "https://f.example/", ctx.now())
        .await
        .expect("invite");
    assert_eq!(inv.link, format!("https://f.example/invite#{}", inv.secret));
    let accept = |secret: &str| AcceptInvitation {
        secret: secret.to_string(),
        approval_key: SigningKey::generate().verifying_key(),
    };
    // A wrong secret with the right id.
    let (id, _) = inv.secret.split_once('.').expect("dot");
    let e = ctx
        .broker
        .accept_invitation(&accept(&format!("{id}.{}", "B".repeat(43))), ctx.now())
        .await
        .expect_err("wrong secret");
    assert_eq!(code(&e), "unauthenticated");
    // Expired, exactly at its end.
    ctx.clock.set(inv.expires_at_ms);
    let e = ctx
        .broker
        .accept_invitation(&accept(&inv.secret), ctx.now())
        .await
        .expect_err("expired");
    assert_eq!(code(&e), "invitation_expired");
    assert_eq!(last_audit(&ctx, &app.id).await.outcome, "expired");
    ctx.clock.set(inv.expires_at_ms - 1);
    let (key, login) = ctx
        .broker
        .accept_invitation(&accept(&inv.secret), ctx.now())
        .await
        .expect("accept at end - 1");
    assert_eq!(login.principal.role, Role::Customer);
    assert!(
        ctx.broker
            .authenticate_api_key(&key.secret, ctx.now())
            .await
            .is_ok()
    );
    // Once only; and no new invitation can replace the pinned key.
    let e = ctx
        .broker
        .accept_invitation(&accept(&inv.secret), ctx.now())
        .await
        .expect_err("reuse");
    assert_eq!(code(&e), "already_accepted");
    let e = ctx
        .broker
        .invite(&w.vendor, &app.id, "https://f.example", ctx.now())
        .await
        .expect_err("re-invite");
    assert_eq!(code(&e), "already_accepted");
    let app = ctx
        .broker
        .appliance(&w.vendor, &app.id, ctx.now())
        .await
        .expect("appliance");
    assert_eq!(app.status, ApplianceStatus::AwaitingController);
}

async fn steady_state_is_on_by_default_and_switchable_by_the_customer(ctx: Ctx) {
    let w = World::new(&ctx).await;
    let ss = |a: &ferry_api::broker::Appliance| {
        a.phases
            .iter()
            .find(|p| p.phase == Phase::SteadyState)
            .expect("steady")
            .clone()
    };
    assert!(ss(&w.appliance).active);
    assert!(
        ctx.broker
            .steady_state_active(w.id(), ctx.now())
            .await
            .expect("ss")
    );
    for phase in [Phase::Install, Phase::Deploy, Phase::Operate] {
        let s = w
            .appliance
            .phases
            .iter()
            .find(|p| p.phase == phase)
            .expect("phase");
        assert!(!s.active, "{phase} must be off until approved");
    }
    let e = ctx
        .broker
        .set_steady_state(&w.vendor, w.id(), false, ctx.now())
        .await
        .expect_err("vendor");
    assert_eq!(code(&e), "customer_only");
    let a = ctx
        .broker
        .set_steady_state(&w.customer, w.id(), false, ctx.now())
        .await
        .expect("off");
    assert!(!ss(&a).active && ss(&a).disabled);
    assert!(
        !ctx.broker
            .steady_state_active(w.id(), ctx.now())
            .await
            .expect("ss")
    );
    let a = ctx
        .broker
        .set_steady_state(&w.customer, w.id(), true, ctx.now())
        .await
        .expect("on");
    assert!(ss(&a).active);
    assert_eq!(
        code(
            &ctx.broker
                .steady_state_active("app_0000000000000000", ctx.now())
                .await
                .expect_err("unknown")
        ),
        "not_found"
    );
}

async fn a_window_is_usable_at_end_minus_one_and_not_at_end(ctx: Ctx) {
    let w = World::new(&ctx).await;
    let end = T0 + 2 * HOUR;
    let grant_id = w.approve(&ctx, Phase::Operate, T0, end).await;
    for (t, usable) in [(T0 - 1, false), (T0, true), (end - 1, true), (end, false)] {
        let open = ctx
            .broker
            .active_grant(w.id(), Phase::Operate, t)
            .await
            .expect("active");
        assert_eq!(open.is_some(), usable, "t = {t}");
        if let Some(o) = open {
            assert_eq!((o.grant_id.as_str(), o.until_ms), (grant_id.as_str(), end));
        }
        let a = ctx
            .broker
            .appliance(&w.customer, w.id(), t)
            .await
            .expect("appliance");
        let s = a
            .phases
            .iter()
            .find(|p| p.phase == Phase::Operate)
            .expect("operate");
        assert_eq!(s.active, usable, "t = {t}");
        assert_eq!(s.until_ms, usable.then_some(end));
        // Other phases are untouched.
        assert!(
            !a.phases
                .iter()
                .find(|p| p.phase == Phase::Deploy)
                .expect("d")
                .active
        );
    }
}

async fn deploy_session_boundary_is_exact_and_expiry_is_audited(ctx: Ctx) {
    let w = World::new(&ctx).await;
    let release = w.release(&ctx, 0).await;
    let end = T0 + HOUR;
    w.approve(&ctx, Phase::Deploy, T0, end).await;
    let created = ctx
        .broker
        .create_deploy_session(
            &w.vendor,
            w.id(),
            &NewDeploySession {
                release_id: release.id.clone(),
                ttl_ms: None,
            },
            ctx.now(),
        )
        .await
        .expect("session");
    assert_eq!(created.session.expires_at_ms, end);
    // The paused clock at end − 1 ms: usable.
    ctx.clock.set(end - 1);
    let g = ctx
        .broker
        .authorize_deploy_session(w.id(), &created.credential, ctx.now())
        .await
        .expect("usable at end - 1");
    assert_eq!(g.expires_at_ms, end);
    assert_eq!(g.release_digest, release.digest);
    assert_eq!(g.instance_id, "acme");
    assert_eq!(g.phase, Phase::Deploy);
    assert_eq!(g.session_id, created.session.id);
    assert!(g.grant.verify(&w.approval.verifying_key()).is_ok());
    let used = last_audit(&ctx, w.id()).await;
    assert_eq!(
        (used.action.as_str(), used.outcome.as_str()),
        ("session.used", "ok")
    );
    // At end: refused, and audited as expired.
    ctx.clock.set(end);
    let e = ctx
        .broker
        .authorize_deploy_session(w.id(), &created.credential, ctx.now())
        .await
        .expect_err("refused at end");
    assert_eq!(code(&e), "session_expired");
    let refused = last_audit(&ctx, w.id()).await;
    assert_eq!(
        (refused.action.as_str(), refused.outcome.as_str()),
        ("session.refused", "expired")
    );
    assert!(
        !refused
            .detail
            .contains(created.credential.split_once('.').expect("dot").1)
    );
    assert_chain_ok(&ctx).await;
}

async fn deploy_sessions_are_bound_and_checked_on_every_use(ctx: Ctx) {
    let w = World::new(&ctx).await;
    let release = w.release(&ctx, 0).await;
    let mut v2 = compiled(0);
    v2.files
        .insert("outputs.tf".into(), "output \"x\" { value = 1 }\n".into());
    let other_release = ctx
        .broker
        .create_release(&w.vendor, w.id(), &v2, ctx.now())
        .await
        .expect("release 2");
    assert_ne!(other_release.digest, release.digest);
    let broken = w.release(&ctx, 2).await;
    assert!(!broken.deployable && release.deployable);
    let new = |r: &str, ttl: Option<i64>| NewDeploySession {
        release_id: r.to_string(),
        ttl_ms: ttl,
    };
    // No Deploy window: refused and audited.
    let e = ctx
        .broker
        .create_deploy_session(&w.vendor, w.id(), &new(&release.id, None), ctx.now())
        .await
        .expect_err("no window");
    assert_eq!(code(&e), "no_deploy_window");
    assert_eq!(last_audit(&ctx, w.id()).await.action, "session.refused");
    // A window bound to one release does not open another.
    let grant = ctx
        .broker
        .create_grant(
            &w.customer,
            w.id(),
            &NewGrant {
                grant: w.signed(Phase::Deploy, manual(T0, T0 + HOUR), Some(&release.digest)),
                access_request_id: None,
            },
            ctx.now(),
        )
        .await
        .expect("grant");
    let e = ctx
        .broker
        .create_deploy_session(&w.vendor, w.id(), &new(&other_release.id, None), ctx.now())
        .await
        .expect_err("other release");
    assert_eq!(code(&e), "no_deploy_window");
    let e = ctx
        .broker
        .create_deploy_session(&w.vendor, w.id(), &new(&broken.id, None), ctx.now())
        .await
        .expect_err("broken release");
    assert_eq!(code(&e), "release_not_deployable");
    // Customers do not mint sessions.
    assert_eq!(
        code(
            &ctx.broker
                .create_deploy_session(&w.customer, w.id(), &new(&release.id, None), ctx.now())
                .await
                .expect_err("customer")
        ),
        "vendor_only"
    );
    // A shorter ttl.
    let s = ctx
        .broker
        .create_deploy_session(
            &w.vendor,
            w.id(),
            &new(&release.id, Some(60_000)),
            ctx.now(),
        )
        .await
        .expect("session");
    assert_eq!(s.session.expires_at_ms, T0 + 60_000);
    // Stored hashed.
    let (hash,): (String,) =
        sqlx::query_as("SELECT secret_hash FROM deploy_sessions WHERE id = $1")
            .bind(&s.session.id)
            .fetch_one(ctx.broker.store().pool())
            .await
            .expect("row");
    let secret = s.credential.split_once('.').expect("dot").1;
    assert_eq!(hash, ferry_api::crypto::sha256_hex(secret.as_bytes()));
    // Another appliance, a tampered secret, garbage: unauthenticated, audited.
    let other = World::appliance_for(&ctx, &w.vendor, "initech", "Initech").await;
    for (app, cred) in [
        (other.id(), s.credential.clone()),
        (w.id(), format!("{}.{}", s.session.id, "C".repeat(43))),
        (w.id(), "garbage".to_string()),
    ] {
        let e = ctx
            .broker
            .authorize_deploy_session(app, &cred, ctx.now())
            .await
            .expect_err("refused");
        assert_eq!(code(&e), "unauthenticated");
        let r = last_audit(&ctx, app).await;
        assert_eq!(
            (r.action.as_str(), r.outcome.as_str()),
            ("session.refused", "refused")
        );
    }
    assert!(
        ctx.broker
            .authorize_deploy_session(w.id(), &s.credential, ctx.now())
            .await
            .is_ok()
    );
    // Revoking the session: refused at once, audited as revoked.
    ctx.broker
        .revoke_deploy_session(&w.vendor, &s.session.id, ctx.now())
        .await
        .expect("revoke");
    let e = ctx
        .broker
        .authorize_deploy_session(w.id(), &s.credential, ctx.now())
        .await
        .expect_err("revoked");
    assert_eq!(code(&e), "session_revoked");
    assert_eq!(last_audit(&ctx, w.id()).await.outcome, "revoked");
    // Revoking the grant kills its other sessions immediately.
    let s2 = ctx
        .broker
        .create_deploy_session(&w.vendor, w.id(), &new(&release.id, None), ctx.now())
        .await
        .expect("session 2");
    assert!(
        ctx.broker
            .authorize_deploy_session(w.id(), &s2.credential, ctx.now())
            .await
            .is_ok()
    );
    ctx.broker
        .revoke_grant(&w.customer, &grant.id, ctx.now())
        .await
        .expect("revoke grant");
    let e = ctx
        .broker
        .authorize_deploy_session(w.id(), &s2.credential, ctx.now())
        .await
        .expect_err("grant revoked");
    assert_eq!(code(&e), "grant_revoked");
    assert_eq!(
        ctx.broker
            .list_deploy_sessions(&w.vendor, w.id())
            .await
            .expect("list")
            .len(),
        2
    );
    assert_chain_ok(&ctx).await;
}

async fn forged_replayed_past_and_vendor_grants_are_refused_and_audited(ctx: Ctx) {
    let w = World::new(&ctx).await;
    let before = ctx.count("grants").await;
    let refused = |e: BrokerError| e.code();
    // Forged: the body changed after signing.
    let mut forged = w.new_grant(Phase::Deploy, T0, T0 + HOUR);
    forged.grant.body.window = manual(T0, T0 + 100 * HOUR);
    let e = ctx
        .broker
        .create_grant(&w.customer, w.id(), &forged, ctx.now())
        .await
        .expect_err("forged");
    assert_eq!(refused(e), "bad_signature");
    // Signed by a key that is not the pinned one.
    let stranger = NewGrant {
        grant: GrantBody::new(w.id(), Phase::Deploy, manual(T0, T0 + HOUR), None)
            .sign(&SigningKey::generate())
            .expect("sign"),
        access_request_id: None,
    };
    let e = ctx
        .broker
        .create_grant(&w.customer, w.id(), &stranger, ctx.now())
        .await
        .expect_err("stranger");
    assert_eq!(refused(e), "bad_signature");
    // A window in the past (ending exactly now counts as past).
    let past = w.new_grant(Phase::Deploy, T0 - 2 * HOUR, T0);
    let e = ctx
        .broker
        .create_grant(&w.customer, w.id(), &past, ctx.now())
        .await
        .expect_err("past");
    assert_eq!(refused(e), "window_in_past");
    // The vendor can never approve, even with a valid customer signature.
    let valid = w.new_grant(Phase::Deploy, T0, T0 + HOUR);
    let e = ctx
        .broker
        .create_grant(&w.vendor, w.id(), &valid, ctx.now())
        .await
        .expect_err("vendor");
    assert_eq!(refused(e), "vendor_cannot_approve");
    // A grant for another appliance, submitted here.
    let other = World::appliance_for(&ctx, &w.vendor, "initech", "Initech").await;
    let elsewhere = NewGrant {
        grant: GrantBody::new(other.id(), Phase::Deploy, manual(T0, T0 + HOUR), None)
            .sign(&w.approval)
            .expect("sign"),
        access_request_id: None,
    };
    let e = ctx
        .broker
        .create_grant(&w.customer, w.id(), &elsewhere, ctx.now())
        .await
        .expect_err("elsewhere");
    assert_eq!(refused(e), "wrong_appliance");
    // Steady-state needs no grant.
    let ss = w.new_grant(Phase::SteadyState, T0, T0 + HOUR);
    let e = ctx
        .broker
        .create_grant(&w.customer, w.id(), &ss, ctx.now())
        .await
        .expect_err("steady");
    assert_eq!(refused(e), "steady_state_needs_no_grant");
    assert_eq!(ctx.count("grants").await, before, "nothing stored");
    // The valid grant is accepted once; its replay is refused.
    ctx.broker
        .create_grant(&w.customer, w.id(), &valid, ctx.now())
        .await
        .expect("valid");
    ctx.clock.advance(1000);
    let e = ctx
        .broker
        .create_grant(&w.customer, w.id(), &valid, ctx.now())
        .await
        .expect_err("replay");
    assert_eq!(refused(e), "nonce_reused");
    assert_eq!(ctx.count("grants").await, before + 1);
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM audit WHERE appliance_id = $1 AND action = 'grant.refused' AND outcome = 'refused'",
    )
    .bind(w.id())
    .fetch_one(ctx.broker.store().pool())
    .await
    .expect("count");
    assert_eq!(n, 7, "every refusal is audited");
    let vendor_refusal: (String,) = sqlx::query_as(
        "SELECT actor FROM audit WHERE action = 'grant.refused' AND detail LIKE '%vendor_cannot_approve%'",
    )
    .fetch_one(ctx.broker.store().pool())
    .await
    .expect("vendor refusal");
    assert_eq!(vendor_refusal.0, w.vendor.actor());
    assert_chain_ok(&ctx).await;
}

async fn revocation_is_immediate(ctx: Ctx) {
    let w = World::new(&ctx).await;
    let id = w.approve(&ctx, Phase::Install, T0, T0 + HOUR).await;
    assert!(
        ctx.broker
            .active_grant(w.id(), Phase::Install, ctx.now())
            .await
            .expect("a")
            .is_some()
    );
    let g = ctx
        .broker
        .revoke_grant(&w.customer, &id, ctx.now())
        .await
        .expect("revoke");
    assert_eq!(g.revoked_at_ms, Some(T0));
    assert!(
        ctx.broker
            .active_grant(w.id(), Phase::Install, ctx.now())
            .await
            .expect("a")
            .is_none()
    );
    let r = last_audit(&ctx, w.id()).await;
    assert_eq!(r.action, "grant.revoked");
    // Revoking again changes nothing; a stranger gets a 404.
    ctx.broker
        .revoke_grant(&w.customer, &id, ctx.now())
        .await
        .expect("again");
    let other = World::appliance_for(&ctx, &w.vendor, "initech", "Initech").await;
    assert_eq!(
        code(
            &ctx.broker
                .revoke_grant(&other.customer, &id, ctx.now())
                .await
                .expect_err("stranger")
        ),
        "not_found"
    );
}

async fn access_requests_are_approved_or_refused_by_the_customer(ctx: Ctx) {
    let w = World::new(&ctx).await;
    let release = w.release(&ctx, 0).await;
    let req = ctx
        .broker
        .request_access(
            &w.vendor,
            w.id(),
            &NewAccessRequest {
                phase: Phase::Deploy,
                window: manual(T0, T0 + 2 * HOUR),
                release_id: Some(release.id.clone()),
                reason: "release 1.2".into(),
            },
            ctx.now(),
        )
        .await
        .expect("request");
    assert_eq!(req.release_digest.as_deref(), Some(release.digest.as_str()));
    assert_eq!(req.status, RequestStatus::Pending);
    // The vendor cannot answer it.
    assert_eq!(
        code(
            &ctx.broker
                .refuse_request(&w.vendor, &req.id, None, ctx.now())
                .await
                .expect_err("vendor")
        ),
        "customer_only"
    );
    // An approval that does not name the requested release does not answer it.
    let mismatched = NewGrant {
        grant: w.signed(Phase::Deploy, manual(T0, T0 + HOUR), None),
        access_request_id: Some(req.id.clone()),
    };
    assert_eq!(
        code(
            &ctx.broker
                .create_grant(&w.customer, w.id(), &mismatched, ctx.now())
                .await
                .expect_err("mismatch")
        ),
        "request_mismatch"
    );
    let answer = NewGrant {
        grant: w.signed(Phase::Deploy, manual(T0, T0 + HOUR), Some(&release.digest)),
        access_request_id: Some(req.id.clone()),
    };
    let g = ctx
        .broker
        .create_grant(&w.customer, w.id(), &answer, ctx.now())
        .await
        .expect("approve");
    let reqs = ctx
        .broker
        .list_access_requests(&w.customer, w.id())
        .await
        .expect("list");
    assert_eq!(reqs[0].status, RequestStatus::Approved);
    assert_eq!(reqs[0].grant_id.as_deref(), Some(g.id.as_str()));
    // Refusing an answered request conflicts; a fresh one is refused with a reason.
    assert_eq!(
        code(
            &ctx.broker
                .refuse_request(&w.customer, &req.id, None, ctx.now())
                .await
                .expect_err("answered")
        ),
        "request_not_pending"
    );
    let req2 = ctx
        .broker
        .request_access(
            &w.vendor,
            w.id(),
            &NewAccessRequest {
                phase: Phase::Operate,
                window: manual(T0, T0 + HOUR),
                release_id: None,
                reason: "resize the database".into(),
            },
            ctx.now(),
        )
        .await
        .expect("request 2");
    let refused = ctx
        .broker
        .refuse_request(&w.customer, &req2.id, Some("not this week"), ctx.now())
        .await
        .expect("refuse");
    assert_eq!(refused.status, RequestStatus::Refused);
    assert_eq!(refused.refusal.as_deref(), Some("not this week"));
    let r = last_audit(&ctx, w.id()).await;
    assert_eq!(
        (r.action.as_str(), r.outcome.as_str()),
        ("access.refused", "refused")
    );
    // Bad requests.
    for (phase, window, release_id, want) in [
        (
            Phase::SteadyState,
            manual(T0, T0 + 1),
            None,
            "steady_state_needs_no_grant",
        ),
        (Phase::Deploy, manual(T0 - 10, T0), None, "window_in_past"),
        (
            Phase::Deploy,
            manual(T0 + 5, T0 + 5),
            None,
            "invalid_window",
        ),
        (
            Phase::Operate,
            manual(T0, T0 + 1),
            Some(release.id.clone()),
            "release_only_for_deploy",
        ),
    ] {
        let e = ctx
            .broker
            .request_access(
                &w.vendor,
                w.id(),
                &NewAccessRequest {
                    phase,
                    window,
                    release_id,
                    reason: "x".into(),
                },
                ctx.now(),
            )
            .await
            .expect_err("bad request");
        assert_eq!(code(&e), want);
    }
}

async fn weekly_maintenance_windows_open_only_in_their_slots(ctx: Ctx) {
    let w = World::new(&ctx).await;
    // T0 is Tuesday 2026-11-24 00:00 UTC = 01:00 in Berlin. Slot: Tuesdays 02:00–04:00 Berlin.
    let window = Window::Weekly {
        time_zone: "Europe/Berlin".into(),
        slots: vec![WeeklySlot {
            weekday: Weekday::Tue,
            start: "02:00".into(),
            minutes: 120,
        }],
        starts_at_ms: T0,
        ends_at_ms: T0 + 30 * 24 * HOUR,
    };
    ctx.broker
        .create_grant(
            &w.customer,
            w.id(),
            &NewGrant {
                grant: w.signed(Phase::Operate, window, None),
                access_request_id: None,
            },
            ctx.now(),
        )
        .await
        .expect("weekly grant");
    let slot_start = T0 + HOUR;
    let slot_end = slot_start + 2 * HOUR;
    for (t, open) in [
        (T0, false),
        (slot_start - 1, false),
        (slot_start, true),
        (slot_end - 1, true),
        (slot_end, false),
        (slot_start + 7 * 24 * HOUR, true),
        (slot_start + 24 * HOUR, false),
    ] {
        let g = ctx
            .broker
            .active_grant(w.id(), Phase::Operate, t)
            .await
            .expect("active");
        assert_eq!(g.is_some(), open, "t = {t}");
        if let Some(g) = g {
            assert_eq!(g.until_ms - g.opened_at_ms, 2 * HOUR);
        }
    }
}

async fn releases_store_digests_and_tarballs(ctx: Ctx) {
    let w = World::new(&ctx).await;
    let r = w.release(&ctx, 0).await;
    assert!(
        r.deployable && r.digest.starts_with("sha256:") && r.origin_digest.starts_with("sha256:")
    );
    assert_ne!(r.digest, r.origin_digest);
    assert_eq!(
        r.digest,
        ferry_broker::release::files_digest(&compiled(0).files)
    );
    let bad = w.release(&ctx, 3).await;
    assert!(!bad.deployable);
    assert_eq!(bad.errors, 3);
    let list = ctx
        .broker
        .list_releases(&w.customer, w.id())
        .await
        .expect("list");
    assert_eq!(list.len(), 2);
    assert!(list.iter().all(|r| r.files.is_none() && r.report.is_none()));
    let full = ctx
        .broker
        .release(&w.customer, &r.id)
        .await
        .expect("release");
    assert_eq!(full.files, Some(compiled(0).files));
    assert_eq!(full.note.as_deref(), Some("first cut"));
    let (name, bytes) = ctx
        .broker
        .release_tarball(&w.vendor, &r.id)
        .await
        .expect("tarball");
    assert_eq!(name, format!("{}.tar.gz", r.id));
    assert_eq!(
        bytes,
        ctx.broker
            .release_tarball(&w.customer, &r.id)
            .await
            .expect("again")
            .1
    );
    // Customers do not create releases; strangers do not see them; unsafe paths are refused.
    assert_eq!(
        code(
            &ctx.broker
                .create_release(&w.customer, w.id(), &compiled(0), ctx.now())
                .await
                .expect_err("customer")
        ),
        "vendor_only"
    );
    let other = World::appliance_for(&ctx, &w.vendor, "initech", "Initech").await;
    assert_eq!(
        code(
            &ctx.broker
                .release(&other.customer, &r.id)
                .await
                .expect_err("hidden")
        ),
        "not_found"
    );
    let mut evil = compiled(0);
    evil.files
        .insert("../../etc/cron.d/x".into(), String::new());
    assert_eq!(
        code(
            &ctx.broker
                .create_release(&w.vendor, w.id(), &evil, ctx.now())
                .await
                .expect_err("evil")
        ),
        "invalid_stack"
    );
}

async fn sealed_tokens_are_ciphertext_only(ctx: Ctx) {
    let w = World::new(&ctx).await;
    let keys = w.appliance.controller.clone().expect("controller keys");
    let sealed = keys.sealing_key.seal_token(CANARY).expect("seal");
    let upload = SealedTokenUpload {
        sealed: sealed.clone(),
        fingerprint: fingerprint(CANARY),
        scopes: vec!["droplet:read".into(), "tag:create".into()],
        expires_at_ms: T0 + 90 * 24 * HOUR,
    };
    let info = ctx
        .broker
        .put_sealed_token(&w.customer, w.id(), Phase::Deploy, &upload, ctx.now())
        .await
        .expect("register");
    assert_eq!(info.fingerprint, fingerprint(CANARY));
    // Only the controller opens what the relay hands out.
    let rec = ctx
        .broker
        .sealed_token(w.id(), Phase::Deploy)
        .await
        .expect("get")
        .expect("some");
    assert_eq!(w.controller.open_token(&rec.sealed).expect("open"), CANARY);
    assert!(
        ctx.broker
            .sealed_token(w.id(), Phase::Operate)
            .await
            .expect("get")
            .is_none()
    );
    // A plaintext token posted as "sealed" is refused, as are bad fingerprints and scopes.
    for (u, want) in [
        (
            SealedTokenUpload {
                sealed: CANARY.into(),
                ..upload.clone()
            },
            "invalid_sealed_token",
        ),
        (
            SealedTokenUpload {
                fingerprint: "sha256:xyz".into(),
                ..upload.clone()
            },
            "invalid_fingerprint",
        ),
        (
            SealedTokenUpload {
                scopes: vec!["Droplet Read".into()],
                ..upload.clone()
            },
            "invalid_scopes",
        ),
        (
            SealedTokenUpload {
                expires_at_ms: T0,
                ..upload.clone()
            },
            "token_expired",
        ),
    ] {
        let e = ctx
            .broker
            .put_sealed_token(&w.customer, w.id(), Phase::Operate, &u, ctx.now())
            .await
            .expect_err("refused");
        assert_eq!(code(&e), want);
    }
    assert_eq!(
        code(
            &ctx.broker
                .put_sealed_token(&w.vendor, w.id(), Phase::Operate, &upload, ctx.now())
                .await
                .expect_err("vendor")
        ),
        "customer_only"
    );
    let tokens = ctx
        .broker
        .list_tokens(&w.vendor, w.id())
        .await
        .expect("list");
    assert_eq!(tokens.len(), 1);
    let a = ctx
        .broker
        .appliance(&w.vendor, w.id(), ctx.now())
        .await
        .expect("a");
    assert!(
        a.phases
            .iter()
            .find(|p| p.phase == Phase::Deploy)
            .expect("d")
            .token_registered
    );
    // The canary is nowhere in the store; its fingerprint is in the audit.
    let dump: Vec<(String,)> = sqlx::query_as(
        "SELECT sealed || fingerprint || scopes_json FROM sealed_tokens \
         UNION ALL SELECT detail || actor || action FROM audit",
    )
    .fetch_all(ctx.broker.store().pool())
    .await
    .expect("dump");
    assert!(dump.iter().all(|(t,)| !t.contains(&CANARY[7..])));
    assert!(dump.iter().any(|(t,)| t.contains(&fingerprint(CANARY))));
    // New controller keys make old ciphertext useless: it is dropped.
    let new_controller = SealingSecretKey::generate();
    ctx.broker
        .set_controller_keys(
            &w.customer,
            w.id(),
            &ControllerKeys {
                signing_key: keys.signing_key,
                sealing_key: new_controller.public_key(),
            },
            ctx.now(),
        )
        .await
        .expect("rotate");
    assert!(
        ctx.broker
            .list_tokens(&w.customer, w.id())
            .await
            .expect("list")
            .is_empty()
    );
    // Delete.
    let sealed2 = new_controller
        .public_key()
        .seal_token(CANARY)
        .expect("seal");
    ctx.broker
        .put_sealed_token(
            &w.customer,
            w.id(),
            Phase::Operate,
            &SealedTokenUpload {
                sealed: sealed2,
                ..upload
            },
            ctx.now(),
        )
        .await
        .expect("register");
    ctx.broker
        .delete_token(&w.customer, w.id(), Phase::Operate, ctx.now())
        .await
        .expect("delete");
    assert!(
        ctx.broker
            .sealed_token(w.id(), Phase::Operate)
            .await
            .expect("get")
            .is_none()
    );
}

async fn relay_identity_and_audit_hooks(ctx: Ctx) {
    let w = World::new(&ctx).await;
    let (keys, approval, instance) = ctx
        .broker
        .controller_identity(w.id())
        .await
        .expect("identity")
        .expect("registered");
    assert_eq!(Some(keys), w.appliance.controller);
    assert_eq!(approval, w.approval.verifying_key());
    assert_eq!(instance, "acme");
    assert!(
        ctx.broker
            .controller_identity("app_0000000000000000")
            .await
            .expect("none")
            .is_none()
    );
    let rec = ctx
        .broker
        .append_audit(
            &format!("controller:{}", w.id()),
            Some(w.id()),
            "relay.call",
            Outcome::Ok,
            "GET /v2/droplets → 200",
            ctx.now(),
        )
        .await
        .expect("append");
    let log = ctx
        .broker
        .audit_log(&w.customer, w.id(), None, 1)
        .await
        .expect("log");
    assert_eq!(log, vec![rec]);
    let older = ctx
        .broker
        .audit_log(&w.vendor, w.id(), Some(log[0].seq), 100)
        .await
        .expect("log");
    assert!(older.iter().all(|r| r.seq < log[0].seq) && !older.is_empty());
    assert_chain_ok(&ctx).await;
}

async fn audit_tampering_names_the_first_broken_record(ctx: Ctx) {
    let w = World::new(&ctx).await;
    w.approve(&ctx, Phase::Deploy, T0, T0 + HOUR).await;
    let v = ctx.broker.verify_audit().await.expect("verify");
    assert!(v.ok && v.records >= 5, "{v:?}");
    let pool = ctx.broker.store().pool();
    // Edit one record's text.
    sqlx::query("UPDATE audit SET detail = 'nothing happened' WHERE seq = 3")
        .execute(pool)
        .await
        .expect("tamper");
    let v = ctx.broker.verify_audit().await.expect("verify");
    assert!(!v.ok);
    assert_eq!(v.first_broken, Some(3), "{v:?}");
    assert!(
        v.problem.as_deref().is_some_and(|p| p.contains("record 3")),
        "{v:?}"
    );
}

async fn audit_deletions_and_truncation_are_detected(ctx: Ctx) {
    let w = World::new(&ctx).await;
    w.approve(&ctx, Phase::Deploy, T0, T0 + HOUR).await;
    let total = ctx.broker.verify_audit().await.expect("verify").records;
    let pool = ctx.broker.store().pool();
    sqlx::query("DELETE FROM audit WHERE seq = $1")
        .bind(total)
        .execute(pool)
        .await
        .expect("cut the tail");
    let v = ctx.broker.verify_audit().await.expect("verify");
    assert_eq!(v.first_broken, Some(total), "{v:?}");
    sqlx::query("DELETE FROM audit WHERE seq = 2")
        .execute(pool)
        .await
        .expect("delete");
    let v = ctx.broker.verify_audit().await.expect("verify");
    assert_eq!(v.first_broken, Some(2), "{v:?}");
}

async fn a_failed_audit_write_changes_nothing(ctx: Ctx) {
    let w = World::new(&ctx).await;
    let grant_id = w.approve(&ctx, Phase::Deploy, T0, T0 + HOUR).await;
    let grants = ctx.count("grants").await;
    let audit = ctx.count("audit").await;
    ctx.break_audit().await;
    let e = ctx
        .broker
        .revoke_grant(&w.customer, &grant_id, ctx.now())
        .await
        .expect_err("no audit");
    assert_eq!(code(&e), "audit_unavailable");
    assert!(
        ctx.broker
            .active_grant(w.id(), Phase::Deploy, ctx.now())
            .await
            .expect("a")
            .is_some(),
        "revocation rolled back"
    );
    let e = ctx
        .broker
        .create_grant(
            &w.customer,
            w.id(),
            &w.new_grant(Phase::Operate, T0, T0 + HOUR),
            ctx.now(),
        )
        .await
        .expect_err("no audit");
    assert_eq!(code(&e), "audit_unavailable");
    // A refusal that cannot be audited is an audit failure too.
    let e = ctx
        .broker
        .create_grant(
            &w.vendor,
            w.id(),
            &w.new_grant(Phase::Operate, T0, T0 + HOUR),
            ctx.now(),
        )
        .await
        .expect_err("no audit");
    assert_eq!(code(&e), "audit_unavailable");
    let e = ctx
        .broker
        .set_steady_state(&w.customer, w.id(), false, ctx.now())
        .await
        .expect_err("no audit");
    assert_eq!(code(&e), "audit_unavailable");
    assert!(
        ctx.broker
            .steady_state_active(w.id(), ctx.now())
            .await
            .expect("ss")
    );
    assert_eq!(ctx.count("grants").await, grants);
    assert_eq!(ctx.count("audit").await, audit);
    assert_chain_ok(&ctx).await;
}

// ---- the two backends -------------------------------------------------------------------------

macro_rules! suite {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $case() {
                    super::$case(super::common::Ctx::sqlite().await).await;
                }
            )*
        }

        /// The same cases on a real PostgreSQL server started for this test.
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn postgres_store_suite() {
            let server = common::pg::PgServer::start();
            let mut failed = Vec::new();
            let mut ran = 0;
            $(
                {
                    let url = server.database(stringify!($case)).await;
                    let ctx = Ctx::postgres(&url).await;
                    ran += 1;
                    if let Err(e) = tokio::spawn($case(ctx)).await {
                        failed.push(format!("{}: {e}", stringify!($case)));
                    }
                }
            )*
            assert!(ran > 0);
            assert!(failed.is_empty(), "failed on PostgreSQL: {failed:#?}");
        }
    };
}

suite!(
    bootstrap_happens_once_and_keys_authenticate,
    api_keys_are_listed_and_revoked_immediately,
    dashboard_sessions_carry_a_csrf_token,
    appliance_status_and_visibility,
    invitations_are_single_use_and_expire,
    steady_state_is_on_by_default_and_switchable_by_the_customer,
    a_window_is_usable_at_end_minus_one_and_not_at_end,
    deploy_session_boundary_is_exact_and_expiry_is_audited,
    deploy_sessions_are_bound_and_checked_on_every_use,
    forged_replayed_past_and_vendor_grants_are_refused_and_audited,
    revocation_is_immediate,
    access_requests_are_approved_or_refused_by_the_customer,
    weekly_maintenance_windows_open_only_in_their_slots,
    releases_store_digests_and_tarballs,
    sealed_tokens_are_ciphertext_only,
    relay_identity_and_audit_hooks,
    audit_tampering_names_the_first_broken_record,
    audit_deletions_and_truncation_are_detected,
    a_failed_audit_write_changes_nothing,
);
