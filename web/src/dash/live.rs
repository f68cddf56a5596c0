//! The appliance page's live half: one `EventSource` on `GET /api/v1/appliances/{id}/events`
//! per page ([`Live`], a context handle), the controller's connection state it carries, and the
//! deploy's progress as a running list of relayed calls with counts ([`ActivityPanel`]).
//!
//! The stream reconnects on error with a doubling backoff (1 s … 30 s, reset once open) and is
//! closed when the page unmounts. The browser objects (the `EventSource`, its listeners, the
//! reconnect timer) are not `Send`, so they live in a thread-local table keyed by the page's
//! stream id; the reactive side only holds signals and that id.

use super::fmt_time;
use ferry_api::grant::Phase;
use ferry_api::observe::ApplianceEvent;
use leptos::prelude::*;
use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::time::Duration;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

/// Calls kept in memory (newest first); older ones only count.
pub const MAX_CALLS: usize = 200;
const BACKOFF_MIN_MS: u64 = 1_000;
const BACKOFF_MAX_MS: u64 = 30_000;

/// One relayed call as the page lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct CallRow {
    pub seq: u64,
    pub at_ms: i64,
    pub phase: Option<Phase>,
    pub method: String,
    pub path: String,
    pub status: u16,
    pub duration_ms: u64,
}

/// What a call counts as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CallKind {
    Read,
    Create,
    Update,
    Delete,
    Refusal,
    Error,
}

impl CallKind {
    pub const ALL: [CallKind; 6] = [
        CallKind::Read,
        CallKind::Create,
        CallKind::Update,
        CallKind::Delete,
        CallKind::Refusal,
        CallKind::Error,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CallKind::Read => "reads",
            CallKind::Create => "creates",
            CallKind::Update => "updates",
            CallKind::Delete => "deletes",
            CallKind::Refusal => "refusals",
            CallKind::Error => "errors",
        }
    }

    /// 401/403 are the relay's (or DigitalOcean's) refusals; other failures are errors;
    /// successes count by method.
    pub fn of(method: &str, status: u16) -> CallKind {
        match status {
            401 | 403 => CallKind::Refusal,
            s if s >= 400 => CallKind::Error,
            _ => match method {
                "POST" => CallKind::Create,
                "PUT" | "PATCH" => CallKind::Update,
                "DELETE" => CallKind::Delete,
                _ => CallKind::Read,
            },
        }
    }
}

/// Counts per kind since the page opened.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Counts(pub HashMap<&'static str, u64>);

impl Counts {
    pub fn add(&mut self, kind: CallKind) {
        *self.0.entry(kind.as_str()).or_default() += 1;
    }

    pub fn get(&self, kind: CallKind) -> u64 {
        self.0.get(kind.as_str()).copied().unwrap_or(0)
    }
}

/// The stream's state, for the page (and tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamState {
    Connecting,
    Open,
    /// Waiting this many milliseconds before the next attempt.
    Retrying(u64),
    /// The server ended the stream because the caller's access ended (signed out, key revoked,
    /// appliance out of reach): no retry; reloading the page signs in again.
    Ended,
}

/// The page's live state (context handle).
#[derive(Debug, Clone, Copy)]
pub struct Live {
    /// The controller's state from the stream; `None` until the stream said (or while it is
    /// down): the appliance answer's `controller_connected` applies then.
    pub connected: RwSignal<Option<bool>>,
    pub calls: RwSignal<VecDeque<CallRow>>,
    pub counts: RwSignal<Counts>,
    pub state: RwSignal<StreamState>,
    /// Bumped on every `call` event (the relay audit reloads).
    pub call_tick: RwSignal<u64>,
    /// Bumped on every `metrics` event (the charts reload).
    pub metrics_tick: RwSignal<u64>,
    /// Events the server dropped because this page fell behind.
    pub missed: RwSignal<u64>,
}

impl Live {
    /// Opens the appliance's stream for the lifetime of the current reactive owner (the page).
    pub fn start(appliance_id: String) -> Self {
        let live = Live {
            connected: RwSignal::new(None),
            calls: RwSignal::new(VecDeque::new()),
            counts: RwSignal::new(Counts::default()),
            state: RwSignal::new(StreamState::Connecting),
            call_tick: RwSignal::new(0),
            metrics_tick: RwSignal::new(0),
            missed: RwSignal::new(0),
        };
        let key = NEXT_KEY.with(|k| {
            let mut k = k.borrow_mut();
            *k += 1;
            *k
        });
        let url = crate::api::events_url(&appliance_id);
        STREAMS.with(|s| {
            s.borrow_mut().insert(
                key,
                Conn {
                    url,
                    live,
                    source: None,
                    listeners: Vec::new(),
                    timer: None,
                    attempt: 0,
                    seq: 0,
                },
            )
        });
        connect(key);
        on_cleanup(move || {
            if let Some(mut c) = STREAMS.with(|s| s.borrow_mut().remove(&key)) {
                c.shut();
            }
        });
        live
    }

    /// The controller's state: the stream's when it has one, else `fallback`.
    pub fn controller(&self, fallback: bool) -> bool {
        self.connected.get().unwrap_or(fallback)
    }

    fn apply(&self, seq: u64, event: ApplianceEvent) {
        match event {
            ApplianceEvent::Controller { connected, .. } => self.connected.set(Some(connected)),
            ApplianceEvent::Call {
                at_ms,
                phase,
                method,
                path,
                status,
                duration_ms,
                ..
            } => {
                self.counts.update(|c| c.add(CallKind::of(&method, status)));
                self.calls.update(|calls| {
                    calls.push_front(CallRow {
                        seq,
                        at_ms,
                        phase,
                        method,
                        path,
                        status,
                        duration_ms,
                    });
                    calls.truncate(MAX_CALLS);
                });
                self.call_tick.update(|t| *t += 1);
            }
            ApplianceEvent::Metrics { .. } => self.metrics_tick.update(|t| *t += 1),
        }
    }
}

type Listener = (&'static str, Closure<dyn FnMut(web_sys::Event)>);

struct Conn {
    url: String,
    live: Live,
    source: Option<web_sys::EventSource>,
    listeners: Vec<Listener>,
    timer: Option<TimeoutHandle>,
    attempt: u32,
    seq: u64,
}

impl Conn {
    fn close_source(&mut self) {
        if let Some(s) = self.source.take() {
            for (name, l) in &self.listeners {
                let _ = s.remove_event_listener_with_callback(name, l.as_ref().unchecked_ref());
            }
            s.close();
        }
        self.listeners.clear();
    }

    fn shut(&mut self) {
        self.close_source();
        if let Some(t) = self.timer.take() {
            t.clear();
        }
    }
}

thread_local! {
    static STREAMS: RefCell<HashMap<u64, Conn>> = RefCell::new(HashMap::new());
    static NEXT_KEY: RefCell<u64> = const { RefCell::new(0) };
}

fn with_conn<R>(key: u64, f: impl FnOnce(&mut Conn) -> R) -> Option<R> {
    STREAMS.with(|s| s.borrow_mut().get_mut(&key).map(f))
}

/// Opens (or re-opens) the page's `EventSource`.
fn connect(key: u64) {
    let Some(url) = with_conn(key, |c| {
        c.timer = None;
        c.close_source();
        c.live.state.set(StreamState::Connecting);
        c.url.clone()
    }) else {
        return; // The page is gone.
    };
    let Ok(source) = web_sys::EventSource::new(&url) else {
        retry(key);
        return;
    };
    let mut listeners: Vec<Listener> = Vec::new();
    for name in ["controller", "call", "metrics"] {
        let l = Closure::<dyn FnMut(web_sys::Event)>::new(move |ev: web_sys::Event| {
            let Some(data) = ev
                .dyn_ref::<web_sys::MessageEvent>()
                .and_then(|m| m.data().as_string())
            else {
                return;
            };
            let Ok(event) = serde_json::from_str::<ApplianceEvent>(&data) else {
                return;
            };
            if let Some((live, seq)) = with_conn(key, |c| {
                c.seq += 1;
                (c.live, c.seq)
            }) {
                live.apply(seq, event);
            }
        });
        listeners.push((name, l));
    }
    listeners.push((
        "lagged",
        Closure::new(move |ev: web_sys::Event| {
            let missed = ev
                .dyn_ref::<web_sys::MessageEvent>()
                .and_then(|m| m.data().as_string())
                .and_then(|d| serde_json::from_str::<serde_json::Value>(&d).ok())
                .and_then(|v| v["missed"].as_u64())
                .unwrap_or(0);
            if let Some(live) = with_conn(key, |c| c.live) {
                live.missed.update(|m| *m += missed);
                live.call_tick.update(|t| *t += 1);
            }
        }),
    ));
    listeners.push((
        "open",
        Closure::new(move |_| {
            if let Some(live) = with_conn(key, |c| {
                c.attempt = 0;
                c.live
            }) {
                live.state.set(StreamState::Open);
            }
        }),
    ));
    listeners.push((
        "closed",
        Closure::new(move |_| {
            // Close the source but keep its listeners (this one is running); the page's
            // unmount frees them.
            if let Some(live) = with_conn(key, |c| {
                if let Some(s) = &c.source {
                    s.close();
                }
                c.live
            }) {
                live.connected.set(None);
                live.state.set(StreamState::Ended);
            }
        }),
    ));
    listeners.push(("error", Closure::new(move |_| retry(key))));
    for (name, l) in &listeners {
        let _ = source.add_event_listener_with_callback(name, l.as_ref().unchecked_ref());
    }
    with_conn(key, |c| {
        c.source = Some(source);
        c.listeners = listeners;
    });
}

/// The stream failed: close it (the browser's own retry does not back off and gives up on HTTP
/// errors) and try again after the backoff.
fn retry(key: u64) {
    let Some((live, delay)) = with_conn(key, |c| {
        c.close_source();
        let delay = backoff_ms(c.attempt);
        c.attempt = c.attempt.saturating_add(1);
        (c.live, delay)
    }) else {
        return;
    };
    // While down, the appliance answer's state applies again.
    live.connected.set(None);
    live.state.set(StreamState::Retrying(delay));
    // The listener that called us is still running: schedule, never re-enter.
    let timer = set_timeout_with_handle(move || connect(key), Duration::from_millis(delay)).ok();
    with_conn(key, |c| c.timer = timer);
}

/// The wait before attempt `n + 1`: 1 s, 2 s, 4 s, … at most 30 s.
pub fn backoff_ms(attempt: u32) -> u64 {
    BACKOFF_MIN_MS
        .saturating_mul(1u64 << attempt.min(16))
        .min(BACKOFF_MAX_MS)
}

// ---- the running list --------------------------------------------------------------------------

/// The deploy's progress: every relayed call as it happens, with counts.
#[component]
pub fn ActivityPanel() -> impl IntoView {
    let live = expect_context::<Live>();
    let state = move || match live.state.get() {
        StreamState::Connecting => ("connecting", "connecting…".to_string()),
        StreamState::Open => ("open", "live".to_string()),
        StreamState::Retrying(ms) => ("retrying", format!("reconnecting in {} s", ms / 1000)),
        StreamState::Ended => ("ended", "access ended — reload to sign in".to_string()),
    };
    let counts = CallKind::ALL
        .into_iter()
        .map(|k| {
            view! {
                <span class=format!("live-count {}", k.as_str()) data-testid="live-count" data-kind=k.as_str()
                    data-count=move || live.counts.with(|c| c.get(k)).to_string()>
                    <b>{move || live.counts.with(|c| c.get(k))}</b>" "{k.as_str()}
                </span>
            }
        })
        .collect_view();
    view! {
        <section class="panel" data-testid="activity">
            <div class="panel-head">
                <h2>"Live activity"</h2>
                <span class="sub">"Relayed DigitalOcean calls as they happen (newest first)"</span>
                <div class="spacer"></div>
                <span class=move || format!("stream {}", state().0) data-testid="live-stream"
                    data-state=move || state().0>{move || state().1}</span>
            </div>
            <div class="live-counts">{counts}
                <Show when=move || { live.missed.get() > 0 }>
                    <span class="sub" data-testid="live-missed">
                        {move || format!("{} events missed (the page fell behind)", live.missed.get())}
                    </span>
                </Show>
            </div>
            <Show when=move || live.calls.with(|c| !c.is_empty())
                fallback=|| view! { <p class="empty" data-testid="live-empty">"No relayed calls since this page opened."</p> }>
                <div class="table-scroll activity-scroll">
                    <table class="data-table" data-testid="live-calls">
                        <thead><tr>
                            <th>"When"</th><th>"Phase"</th><th>"Method"</th><th>"Path"</th><th>"Status"</th><th>"Time"</th>
                        </tr></thead>
                        <tbody>
                            <For each=move || live.calls.get() key=|c| c.seq let:c>
                                <CallLine c=c/>
                            </For>
                        </tbody>
                    </table>
                </div>
            </Show>
        </section>
    }
}

#[component]
fn CallLine(c: CallRow) -> impl IntoView {
    let kind = CallKind::of(&c.method, c.status);
    let phase = c.phase.map(|p| p.as_str()).unwrap_or("-");
    view! {
        <tr data-testid="live-call" data-method=c.method.clone() data-path=c.path.clone()
            data-status=c.status.to_string() data-phase=phase data-kind=kind.as_str()
            class=format!("call {}", kind.as_str())>
            <td>{fmt_time(c.at_ms)}</td>
            <td>{phase}</td>
            <td><code>{c.method.clone()}</code></td>
            <td class="detail" title=c.path.clone()><code>{c.path.clone()}</code></td>
            <td><span class=format!("status s{}", c.status / 100)>{c.status}</span></td>
            <td>{format!("{} ms", c.duration_ms)}</td>
        </tr>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_count_by_outcome_then_method() {
        let cases = [
            ("GET", 200, CallKind::Read),
            ("HEAD", 204, CallKind::Read),
            ("POST", 201, CallKind::Create),
            ("PUT", 200, CallKind::Update),
            ("PATCH", 200, CallKind::Update),
            ("DELETE", 204, CallKind::Delete),
            ("DELETE", 403, CallKind::Refusal),
            ("GET", 401, CallKind::Refusal),
            ("POST", 503, CallKind::Error),
            ("GET", 404, CallKind::Error),
            ("POST", 422, CallKind::Error),
        ];
        for (method, status, want) in cases {
            assert_eq!(CallKind::of(method, status), want, "{method} {status}");
        }
        let mut c = Counts::default();
        c.add(CallKind::Create);
        c.add(CallKind::Create);
        assert_eq!((c.get(CallKind::Create), c.get(CallKind::Read)), (2, 0));
    }

    #[test]
    fn backoff_doubles_up_to_thirty_seconds() {
        let waits: Vec<u64> = (0..8).map(backoff_ms).collect();
        assert_eq!(
            waits,
            [1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]
        );
        assert_eq!(backoff_ms(u32::MAX), 30_000);
    }
}
