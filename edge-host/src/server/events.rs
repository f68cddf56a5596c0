//! The appliance live-event hub: what the appliance page follows (`ferry_api::observe`'s
//! [`ApplianceEvent`]s), one broadcast channel per appliance that has subscribers.
//!
//! Decisions:
//! * **Publishers never wait.** [`Events::publish`] is a synchronous, non-blocking call: with no
//!   subscriber anywhere it is one atomic load; otherwise one short lock and a
//!   `tokio::sync::broadcast` send, which overwrites the oldest event for a subscriber that does
//!   not keep up. That subscriber later gets [`Received::Lagged`] (the SSE stream sends a
//!   `lagged` event) instead of slowing the relay down.
//! * **Channels exist only while someone listens.** Publishing to an appliance nobody follows
//!   creates nothing; the last subscriber's drop removes the channel.
//! * **Caps**: subscribers per appliance and in total ([`EventLimits`]); beyond them
//!   [`Events::subscribe`] refuses (the route answers 503 + `Retry-After`).
//! * The hub knows nothing of who may subscribe: the route authorises (broker) first, and checks
//!   the caller again every [`EventLimits::reauthorize`] while the stream is open.

use super::AppState;
use super::broker::{BrokerState, Caller, Credential, broker_error, broker_of};
use super::error::ApiError;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use ferry_api::observe::ApplianceEvent;
use futures_util::StreamExt as _;
use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::broadcast;

/// The hub's limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventLimits {
    /// Open streams per appliance.
    pub per_appliance: usize,
    /// Open streams in total.
    pub total: usize,
    /// Events buffered per appliance; a subscriber further behind gets a `lagged` notice.
    pub buffer: usize,
    /// SSE keep-alive comment interval.
    pub keep_alive: Duration,
    /// How often an open stream checks its caller's credential and access again; a revoked
    /// key, an ended session or a lost appliance closes the stream.
    pub reauthorize: Duration,
}

impl Default for EventLimits {
    fn default() -> Self {
        Self {
            per_appliance: 16,
            total: 4096,
            buffer: 256,
            keep_alive: Duration::from_secs(15),
            reauthorize: Duration::from_secs(30),
        }
    }
}

/// Why a subscription was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SubscribeError {
    #[error("this appliance already has {limit} open event streams; close one or retry later")]
    Appliance { limit: usize },
    #[error("the edge host serves {limit} event streams already; retry later")]
    Total { limit: usize },
}

struct Channel {
    tx: broadcast::Sender<Arc<ApplianceEvent>>,
    subscribers: usize,
}

struct Inner {
    limits: EventLimits,
    /// Mirrors the sum of `channels[*].subscribers`: the lock-free fast path of `publish`.
    subscribers: AtomicUsize,
    channels: Mutex<HashMap<String, Channel>>,
}

/// The hub. Cheap to clone; every clone is the same hub.
#[derive(Clone)]
pub struct Events {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Events {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Events")
            .field("limits", &self.inner.limits)
            .field("subscribers", &self.subscribers())
            .finish_non_exhaustive()
    }
}

impl Default for Events {
    fn default() -> Self {
        Self::new(EventLimits::default())
    }
}

impl Events {
    pub fn new(limits: EventLimits) -> Self {
        Self {
            inner: Arc::new(Inner {
                limits: EventLimits {
                    buffer: limits.buffer.max(1),
                    ..limits
                },
                subscribers: AtomicUsize::new(0),
                channels: Mutex::new(HashMap::new()),
            }),
        }
    }

    pub fn limits(&self) -> &EventLimits {
        &self.inner.limits
    }

    fn channels(&self) -> std::sync::MutexGuard<'_, HashMap<String, Channel>> {
        self.inner
            .channels
            .lock()
            .unwrap_or_else(|p| p.into_inner())
    }

    /// Sends `event` to the appliance's subscribers, if any. Never waits.
    pub fn publish(&self, appliance_id: &str, event: ApplianceEvent) {
        if self.inner.subscribers.load(Ordering::Acquire) == 0 {
            return;
        }
        if let Some(c) = self.channels().get(appliance_id) {
            // Err only when no receiver is left: nothing to do.
            let _ = c.tx.send(Arc::new(event));
        }
    }

    /// Open streams in total.
    pub fn subscribers(&self) -> usize {
        self.inner.subscribers.load(Ordering::Acquire)
    }

    /// Open streams of one appliance.
    pub fn subscribers_of(&self, appliance_id: &str) -> usize {
        self.channels()
            .get(appliance_id)
            .map_or(0, |c| c.subscribers)
    }

    /// Follows an appliance's events from now on.
    pub fn subscribe(&self, appliance_id: &str) -> Result<Subscription, SubscribeError> {
        let limits = self.inner.limits;
        let mut channels = self.channels();
        if self.inner.subscribers.load(Ordering::Acquire) >= limits.total {
            return Err(SubscribeError::Total {
                limit: limits.total,
            });
        }
        let rx = match channels.get_mut(appliance_id) {
            Some(c) if c.subscribers >= limits.per_appliance => {
                return Err(SubscribeError::Appliance {
                    limit: limits.per_appliance,
                });
            }
            Some(c) => {
                c.subscribers += 1;
                c.tx.subscribe()
            }
            None => {
                if limits.per_appliance == 0 {
                    return Err(SubscribeError::Appliance { limit: 0 });
                }
                let (tx, rx) = broadcast::channel(limits.buffer);
                channels.insert(appliance_id.to_string(), Channel { tx, subscribers: 1 });
                rx
            }
        };
        self.inner.subscribers.fetch_add(1, Ordering::AcqRel);
        Ok(Subscription {
            rx,
            _guard: Guard {
                events: self.clone(),
                appliance_id: appliance_id.to_string(),
            },
        })
    }
}

/// Releases a subscriber's place when its stream ends.
struct Guard {
    events: Events,
    appliance_id: String,
}

impl Drop for Guard {
    fn drop(&mut self) {
        let mut channels = self.events.channels();
        if let Some(c) = channels.get_mut(&self.appliance_id) {
            c.subscribers = c.subscribers.saturating_sub(1);
            if c.subscribers == 0 {
                channels.remove(&self.appliance_id);
            }
        }
        self.events.inner.subscribers.fetch_sub(1, Ordering::AcqRel);
    }
}

/// What a subscriber receives next.
#[derive(Debug, Clone, PartialEq)]
pub enum Received {
    Event(Arc<ApplianceEvent>),
    /// This many events were dropped because the subscriber fell behind.
    Lagged(u64),
}

/// One open stream of an appliance's events. Dropping it frees its place.
pub struct Subscription {
    rx: broadcast::Receiver<Arc<ApplianceEvent>>,
    _guard: Guard,
}

impl std::fmt::Debug for Subscription {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Subscription")
            .field("appliance_id", &self._guard.appliance_id)
            .finish_non_exhaustive()
    }
}

impl Subscription {
    /// The next event, or how many were missed. `None` never happens while the hub lives (the
    /// channel's sender is kept as long as this subscription exists).
    pub async fn recv(&mut self) -> Option<Received> {
        match self.rx.recv().await {
            Ok(e) => Some(Received::Event(e)),
            Err(broadcast::error::RecvError::Lagged(n)) => Some(Received::Lagged(n)),
            Err(broadcast::error::RecvError::Closed) => None,
        }
    }
}

// ---- the route -----------------------------------------------------------------------------------

/// `GET /api/v1/appliances/{id}/events`: the appliance's events as `text/event-stream`, for the
/// appliance's vendor or customer (cookie or Bearer, like every broker appliance route; someone
/// else's appliance is a 404). The stream opens with a `controller` event giving the current
/// connection state, then follows live; a subscriber that falls behind gets a `lagged` event
/// (`{"missed": n}`). 503 + `Retry-After` beyond the subscriber caps. Every
/// [`EventLimits::reauthorize`] the caller's credential and access are checked again: once the
/// key is revoked, the session ended or the appliance out of reach, a last `closed` event
/// (`{"reason": "unauthorized"}`) ends the stream.
pub(crate) async fn stream(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let b = broker_of(&state)?;
    b.broker
        .appliance(&caller.principal, &id, b.broker.now_ms())
        .await
        .map_err(broker_error)?;
    // `Caller` authenticated exactly this credential.
    let credential = Credential::of(&headers)
        .ok_or_else(|| ApiError::internal("the caller's credential vanished"))?;
    let events = state.events();
    let subscription = events.subscribe(&id).map_err(|e| ApiError {
        retry_after: Some(5),
        ..ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "busy", e.to_string())
    })?;
    let opening = ApplianceEvent::Controller {
        at_ms: crate::server::relay::now_ms(),
        connected: state.relay.controller_connected(&id),
        agent: None,
    };
    let first = futures_util::stream::once(async move { Ok(sse_event(&opening)) });
    let mut check = tokio::time::interval(events.limits().reauthorize);
    check.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    check.reset(); // the first check one period from now: access was just checked
    let live = Live {
        sub: Some(subscription),
        check,
        broker: b.clone(),
        credential,
        appliance: id,
    };
    let live = futures_util::stream::unfold(live, |mut live| async move {
        let event = live.next().await?;
        Some((Ok::<_, Infallible>(event), live))
    });
    let keep_alive = KeepAlive::new().interval(events.limits().keep_alive);
    let mut res = Sse::new(first.chain(live))
        .keep_alive(keep_alive)
        .into_response();
    // Reverse proxies must pass events on at once.
    res.headers_mut()
        .insert("x-accel-buffering", HeaderValue::from_static("no"));
    Ok(res)
}

/// The live part of a stream: events as they come, and the periodic check of the caller.
struct Live {
    /// `None` once the stream is closing.
    sub: Option<Subscription>,
    check: tokio::time::Interval,
    broker: BrokerState,
    credential: Credential,
    appliance: String,
}

impl Live {
    async fn next(&mut self) -> Option<SseEvent> {
        loop {
            let sub = self.sub.as_mut()?;
            tokio::select! {
                received = sub.recv() => {
                    return Some(match received? {
                        Received::Event(e) => sse_event(&e),
                        Received::Lagged(n) => SseEvent::default()
                            .event("lagged")
                            .data(format!("{{\"missed\":{n}}}")),
                    });
                }
                _ = self.check.tick() => {
                    if !self.still_allowed().await {
                        // Frees the subscriber's place now, not when the client goes away.
                        self.sub = None;
                        return Some(
                            SseEvent::default()
                                .event("closed")
                                .data(r#"{"reason":"unauthorized"}"#),
                        );
                    }
                }
            }
        }
    }

    async fn still_allowed(&self) -> bool {
        let b = &self.broker;
        let now = b.broker.now_ms();
        match self.credential.principal(b, now).await {
            Ok(principal) => b
                .broker
                .appliance(&principal, &self.appliance, now)
                .await
                .is_ok(),
            Err(_) => false,
        }
    }
}

fn sse_event(e: &ApplianceEvent) -> SseEvent {
    let data = serde_json::to_string(e).unwrap_or_else(|_| "{}".into());
    SseEvent::default().event(e.name()).data(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metrics(at_ms: i64) -> ApplianceEvent {
        ApplianceEvent::Metrics { at_ms, series: 1 }
    }

    #[tokio::test]
    async fn publishing_without_subscribers_creates_nothing() {
        let events = Events::default();
        events.publish("app-1", metrics(1));
        assert_eq!(events.subscribers(), 0);
        assert!(events.channels().is_empty());
    }

    #[tokio::test]
    async fn subscribers_receive_in_order_and_free_their_place() {
        let events = Events::default();
        let mut a = events.subscribe("app-1").expect("first");
        let mut b = events.subscribe("app-1").expect("second");
        let mut other = events.subscribe("app-2").expect("other");
        events.publish("app-1", metrics(1));
        events.publish("app-1", metrics(2));
        for s in [&mut a, &mut b] {
            assert_eq!(s.recv().await, Some(Received::Event(Arc::new(metrics(1)))));
            assert_eq!(s.recv().await, Some(Received::Event(Arc::new(metrics(2)))));
        }
        events.publish("app-2", metrics(3));
        assert_eq!(
            other.recv().await,
            Some(Received::Event(Arc::new(metrics(3))))
        );
        assert_eq!(events.subscribers(), 3);
        drop(a);
        drop(b);
        assert_eq!(events.subscribers_of("app-1"), 0);
        assert!(!events.channels().contains_key("app-1"));
        assert_eq!(events.subscribers(), 1);
    }

    #[tokio::test]
    async fn a_slow_subscriber_lags_instead_of_blocking() {
        let events = Events::new(EventLimits {
            buffer: 4,
            ..EventLimits::default()
        });
        let mut s = events.subscribe("app-1").expect("subscribe");
        for i in 0..10 {
            events.publish("app-1", metrics(i));
        }
        assert_eq!(s.recv().await, Some(Received::Lagged(6)));
        assert_eq!(s.recv().await, Some(Received::Event(Arc::new(metrics(6)))));
    }

    #[tokio::test]
    async fn caps_per_appliance_and_in_total() {
        let events = Events::new(EventLimits {
            per_appliance: 2,
            total: 3,
            ..EventLimits::default()
        });
        let _a = events.subscribe("app-1").expect("1");
        let b = events.subscribe("app-1").expect("2");
        assert_eq!(
            events.subscribe("app-1").err(),
            Some(SubscribeError::Appliance { limit: 2 })
        );
        let _c = events.subscribe("app-2").expect("3");
        assert_eq!(
            events.subscribe("app-3").err(),
            Some(SubscribeError::Total { limit: 3 })
        );
        drop(b);
        assert!(events.subscribe("app-1").is_ok());
    }
}
