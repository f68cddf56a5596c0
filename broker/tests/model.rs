//! Property test: random sequences of access requests, approvals (some forged, replayed, from
//! the vendor, or in the past), revocations, clock advances (onto exact boundaries too), deploy
//! sessions and their uses, checked after every step against a simple model. No phase is ever
//! usable outside an approved, unexpired, unrevoked window, and the audit chain always verifies.

mod common;

use common::{Ctx, HOUR, World, manual};
use ferry_api::broker::{NewAccessRequest, NewDeploySession, NewGrant};
use ferry_api::grant::Phase;
use ferry_broker::Principal;
use proptest::prelude::*;
use proptest::sample::Index;
use std::sync::OnceLock;

const PHASES: [Phase; 3] = [Phase::Install, Phase::Deploy, Phase::Operate];

#[derive(Debug, Clone)]
enum Op {
    Request {
        phase: usize,
        start: i64,
        len: i64,
    },
    Approve {
        phase: usize,
        start: i64,
        len: i64,
        answer: Option<Index>,
    },
    Forge {
        phase: usize,
    },
    Replay {
        grant: Index,
    },
    VendorApproves {
        phase: usize,
    },
    Revoke {
        grant: Index,
    },
    Advance {
        ms: i64,
    },
    ToBoundary {
        grant: Index,
        delta: i64,
    },
    ToSessionEnd {
        session: Index,
        delta: i64,
    },
    Session {
        ttl: Option<i64>,
    },
    Use {
        session: Index,
    },
    RevokeSession {
        session: Index,
    },
    SteadyState {
        on: bool,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let minutes = |lo: i64, hi: i64| (lo..hi).prop_map(|m| m * 60_000);
    prop_oneof![
        1 => (0..3usize, minutes(-30, 60), minutes(1, 180)).prop_map(|(phase, start, len)| Op::Request { phase, start, len }),
        4 => (0..3usize, minutes(-120, 60), minutes(1, 180), proptest::option::of(any::<Index>()))
            .prop_map(|(phase, start, len, answer)| Op::Approve { phase, start, len, answer }),
        1 => (0..3usize).prop_map(|phase| Op::Forge { phase }),
        1 => (any::<Index>()).prop_map(|grant| Op::Replay { grant }),
        1 => (0..3usize).prop_map(|phase| Op::VendorApproves { phase }),
        2 => (any::<Index>()).prop_map(|grant| Op::Revoke { grant }),
        3 => prop_oneof![Just(1i64), 0..HOUR].prop_map(|ms| Op::Advance { ms }),
        2 => (any::<Index>(), -1i64..=1).prop_map(|(grant, delta)| Op::ToBoundary { grant, delta }),
        2 => (any::<Index>(), -1i64..=1).prop_map(|(session, delta)| Op::ToSessionEnd { session, delta }),
        2 => proptest::option::of(1..2 * HOUR).prop_map(|ttl| Op::Session { ttl }),
        4 => (any::<Index>()).prop_map(|session| Op::Use { session }),
        1 => (any::<Index>()).prop_map(|session| Op::RevokeSession { session }),
        1 => any::<bool>().prop_map(|on| Op::SteadyState { on }),
    ]
}

#[derive(Debug, Clone)]
struct MGrant {
    id: String,
    phase: Phase,
    start: i64,
    end: i64,
    revoked: bool,
    signed: ferry_api::grant::SignedGrant,
}

#[derive(Debug, Clone)]
struct MSession {
    credential: String,
    grant: String,
    expires: i64,
    revoked: bool,
}

#[derive(Debug, Default)]
struct Model {
    grants: Vec<MGrant>,
    requests: Vec<(String, Phase, bool)>,
    sessions: Vec<MSession>,
    steady: bool,
}

impl Model {
    /// The open grant of `phase` with the latest end: what the broker must report.
    fn open(&self, phase: Phase, now: i64) -> Option<&MGrant> {
        self.grants
            .iter()
            .filter(|g| g.phase == phase && !g.revoked && g.start <= now && now < g.end)
            .max_by_key(|g| g.end)
    }

    fn grant(&self, id: &str) -> Option<&MGrant> {
        self.grants.iter().find(|g| g.id == id)
    }
}

fn pick<T>(items: &[T], i: Index) -> Option<&T> {
    (!items.is_empty()).then(|| &items[i.index(items.len())])
}

fn pick_mut<T>(items: &mut [T], i: Index) -> Option<&mut T> {
    let n = items.len();
    (n > 0).then(|| &mut items[i.index(n)])
}

struct Shared {
    rt: tokio::runtime::Runtime,
    ctx: Ctx,
    vendor: Principal,
}

fn shared() -> &'static Shared {
    static S: OnceLock<Shared> = OnceLock::new();
    S.get_or_init(|| {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let (ctx, vendor) = rt.block_on(async {
            let ctx = Ctx::sqlite().await;
            let w = World::new(&ctx).await;
            (ctx, w.vendor)
        });
        Shared { rt, ctx, vendor }
    })
}

async fn run(ops: Vec<Op>) -> Result<(), TestCaseError> {
    static CASE: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let s = shared();
    let ctx = &s.ctx;
    let b = &ctx.broker;
    let n = CASE.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let w = World::appliance_for(ctx, &s.vendor, &format!("p{n}"), &format!("Customer {n}")).await;
    let release = w.release(ctx, 0).await;
    let mut m = Model {
        steady: true,
        ..Model::default()
    };
    for op in ops {
        let now = ctx.now();
        match op {
            Op::Request { phase, start, len } => {
                let phase = PHASES[phase];
                let r = b
                    .request_access(
                        &w.vendor,
                        w.id(),
                        &NewAccessRequest {
                            phase,
                            window: manual(now + start, now + start + len),
                            release_id: None,
                            reason: "work".into(),
                        },
                        now,
                    )
                    .await;
                if now + start + len <= now {
                    prop_assert!(r.is_err());
                } else {
                    let r = r.map_err(|e| TestCaseError::fail(format!("request: {e}")))?;
                    m.requests.push((r.id, phase, true));
                }
            }
            Op::Approve {
                phase,
                start,
                len,
                answer,
            } => {
                let phase = PHASES[phase];
                let (start, end) = (now + start, now + start + len);
                let answer = answer.and_then(|i| pick(&m.requests, i)).cloned();
                let new = NewGrant {
                    grant: w.signed(phase, manual(start, end), None),
                    access_request_id: answer.as_ref().map(|a| a.0.clone()),
                };
                let r = b.create_grant(&w.customer, w.id(), &new, now).await;
                let answer_ok = answer
                    .as_ref()
                    .is_none_or(|(_, p, pending)| *p == phase && *pending);
                if end <= now || !answer_ok {
                    prop_assert!(r.is_err(), "accepted a grant that must be refused");
                } else {
                    let g = r.map_err(|e| TestCaseError::fail(format!("approve: {e}")))?;
                    if let Some((id, _, _)) = &answer
                        && let Some(req) = m.requests.iter_mut().find(|r| &r.0 == id)
                    {
                        req.2 = false;
                    }
                    m.grants.push(MGrant {
                        id: g.id,
                        phase,
                        start,
                        end,
                        revoked: false,
                        signed: new.grant,
                    });
                }
            }
            Op::Forge { phase } => {
                let mut new = w.new_grant(PHASES[phase], now, now + HOUR);
                new.grant.body.window = manual(now, now + 1000 * HOUR);
                let r = b.create_grant(&w.customer, w.id(), &new, now).await;
                prop_assert_eq!(r.map(|_| ()).map_err(|e| e.code()), Err("bad_signature"));
            }
            Op::Replay { grant } => {
                if let Some(g) = pick(&m.grants, grant) {
                    let new = NewGrant {
                        grant: g.signed.clone(),
                        access_request_id: None,
                    };
                    let r = b.create_grant(&w.customer, w.id(), &new, now).await;
                    prop_assert!(r.is_err(), "a replayed grant was accepted");
                }
            }
            Op::VendorApproves { phase } => {
                let new = w.new_grant(PHASES[phase], now, now + HOUR);
                let r = b.create_grant(&w.vendor, w.id(), &new, now).await;
                prop_assert_eq!(
                    r.map(|_| ()).map_err(|e| e.code()),
                    Err("vendor_cannot_approve")
                );
            }
            Op::Revoke { grant } => {
                if let Some(g) = pick_mut(&mut m.grants, grant) {
                    b.revoke_grant(&w.customer, &g.id, now)
                        .await
                        .map_err(|e| TestCaseError::fail(format!("revoke: {e}")))?;
                    g.revoked = true;
                }
            }
            Op::Advance { ms } => ctx.clock.advance(ms),
            Op::ToBoundary { grant, delta } => {
                if let Some(g) = pick(&m.grants, grant) {
                    let t = g.end + delta;
                    if t > now {
                        ctx.clock.set(t);
                    }
                }
            }
            Op::ToSessionEnd { session, delta } => {
                if let Some(s) = pick(&m.sessions, session) {
                    let t = s.expires + delta;
                    if t > now {
                        ctx.clock.set(t);
                    }
                }
            }
            Op::Session { ttl } => {
                let r = b
                    .create_deploy_session(
                        &w.vendor,
                        w.id(),
                        &NewDeploySession {
                            release_id: release.id.clone(),
                            ttl_ms: ttl,
                        },
                        now,
                    )
                    .await;
                match m.open(Phase::Deploy, now) {
                    None => prop_assert_eq!(
                        r.map(|_| ()).map_err(|e| e.code()),
                        Err("no_deploy_window")
                    ),
                    Some(g) => {
                        let s = r.map_err(|e| TestCaseError::fail(format!("session: {e}")))?;
                        let want = ttl.map_or(g.end, |t| (now + t).min(g.end));
                        prop_assert_eq!(s.session.expires_at_ms, want);
                        prop_assert_eq!(&s.session.grant_id, &g.id);
                        m.sessions.push(MSession {
                            credential: s.credential,
                            grant: g.id.clone(),
                            expires: want,
                            revoked: false,
                        });
                    }
                }
            }
            Op::Use { session } => {
                if let Some(s) = pick(&m.sessions, session) {
                    let g = m
                        .grant(&s.grant)
                        .ok_or_else(|| TestCaseError::fail("model lost a grant"))?;
                    let usable = !s.revoked
                        && now < s.expires
                        && !g.revoked
                        && g.start <= now
                        && now < g.end;
                    let r = b.authorize_deploy_session(w.id(), &s.credential, now).await;
                    match r {
                        Ok(sg) => {
                            prop_assert!(
                                usable,
                                "a session was usable outside its window: {:?} at {}",
                                s,
                                now
                            );
                            prop_assert_eq!(sg.expires_at_ms, s.expires.min(g.end));
                        }
                        Err(e) => {
                            prop_assert!(!usable, "a usable session was refused: {}", e);
                            prop_assert!(
                                matches!(
                                    e.code(),
                                    "session_expired"
                                        | "session_revoked"
                                        | "grant_revoked"
                                        | "window_closed"
                                ),
                                "{}",
                                e.code()
                            );
                        }
                    }
                }
            }
            Op::RevokeSession { session } => {
                if let Some(s) = pick_mut(&mut m.sessions, session) {
                    let id = s
                        .credential
                        .split_once('.')
                        .map(|(id, _)| id.to_string())
                        .unwrap_or_default();
                    b.revoke_deploy_session(&w.vendor, &id, now)
                        .await
                        .map_err(|e| TestCaseError::fail(format!("revoke session: {e}")))?;
                    s.revoked = true;
                }
            }
            Op::SteadyState { on } => {
                b.set_steady_state(&w.customer, w.id(), on, now)
                    .await
                    .map_err(|e| TestCaseError::fail(format!("steady: {e}")))?;
                m.steady = on;
            }
        }
        // After every step: the broker's view of every phase equals the model's.
        let now = ctx.now();
        for phase in PHASES {
            let got = b
                .active_grant(w.id(), phase, now)
                .await
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            let want = m.open(phase, now);
            prop_assert_eq!(
                got.as_ref().map(|g| g.until_ms),
                want.map(|g| g.end),
                "{} at {}",
                phase,
                now
            );
            if let Some(got) = &got {
                let g = m
                    .grant(&got.grant_id)
                    .ok_or_else(|| TestCaseError::fail("unknown grant"))?;
                prop_assert!(!g.revoked && g.start <= now && now < g.end);
            }
        }
        prop_assert_eq!(
            b.steady_state_active(w.id(), now)
                .await
                .map_err(|e| TestCaseError::fail(e.to_string()))?,
            m.steady
        );
    }
    let v = b
        .verify_audit()
        .await
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert!(v.ok, "audit chain broken: {:?}", v);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn no_phase_is_usable_outside_an_approved_unexpired_unrevoked_window(ops in proptest::collection::vec(op(), 1..40)) {
        shared().rt.block_on(run(ops))?;
    }
}
