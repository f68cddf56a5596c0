//! The connected controllers: appliance id → its one authenticated connection, and the calls in
//! flight on each.
//!
//! A call is a [`Call`]: it owns its id's entry in the link's pending table. Dropping it before
//! the answer is complete — the HTTP client went away, the relay timed out — removes the entry
//! and sends `cancel` to the controller, so no work continues for nobody.

use axum::extract::ws::Message;
use bytes::Bytes;
use ferry_api::relay::{RelayMessage, RelayRequest, ResponseHead, chunk_frames};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::{Notify, mpsc, oneshot};

/// Body chunks buffered per call before the relay gives up on a client that does not read
/// (chunks are at most 64 KiB).
pub const BODY_QUEUE: usize = 256;

/// Why a call could not be made or finished.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    #[error("the appliance's controller is not connected to the relay")]
    Offline,
    #[error("the connection to the controller closed before the call was answered")]
    Closed,
    #[error("the controller has too many calls in flight")]
    Busy,
}

type BodyTx = mpsc::Sender<Result<Bytes, std::io::Error>>;

struct Pending {
    head: Option<oneshot::Sender<ResponseHead>>,
    body: BodyTx,
}

/// One authenticated controller connection.
pub struct Link {
    pub appliance_id: String,
    pub instance_id: String,
    /// Unique per connection: an old connection's clean-up never removes its successor.
    pub generation: u64,
    pub connected_at_ms: i64,
    out: mpsc::Sender<Message>,
    pending: Mutex<HashMap<u64, Pending>>,
    next_id: AtomicU64,
    max_in_flight: usize,
    closed: AtomicBool,
    /// Wakes the connection task when the link is replaced or shut.
    pub(crate) close_signal: Notify,
    /// Wakes the Steady-state watcher when the customer changed the switch or the token.
    pub(crate) steady_state_changed: Notify,
}

impl std::fmt::Debug for Link {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Link")
            .field("appliance_id", &self.appliance_id)
            .field("generation", &self.generation)
            .finish_non_exhaustive()
    }
}

impl Link {
    pub(crate) fn new(
        appliance_id: String,
        instance_id: String,
        generation: u64,
        connected_at_ms: i64,
        out: mpsc::Sender<Message>,
        max_in_flight: usize,
    ) -> Self {
        Self {
            appliance_id,
            instance_id,
            generation,
            connected_at_ms,
            out,
            pending: Mutex::new(HashMap::new()),
            next_id: AtomicU64::new(1),
            max_in_flight,
            closed: AtomicBool::new(false),
            close_signal: Notify::new(),
            steady_state_changed: Notify::new(),
        }
    }

    fn pending(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Pending>> {
        self.pending.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn in_flight(&self) -> usize {
        self.pending().len()
    }

    /// Sends a call (with its body) to the controller.
    pub async fn call(
        self: &Arc<Self>,
        mut req: RelayRequest,
        body: Bytes,
    ) -> Result<Call, LinkError> {
        if self.closed.load(Ordering::Acquire) {
            return Err(LinkError::Closed);
        }
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        req.id = id;
        req.body_follows = !body.is_empty();
        let (head_tx, head_rx) = oneshot::channel();
        let (body_tx, body_rx) = mpsc::channel(BODY_QUEUE);
        {
            let mut pending = self.pending();
            if pending.len() >= self.max_in_flight {
                return Err(LinkError::Busy);
            }
            pending.insert(
                id,
                Pending {
                    head: Some(head_tx),
                    body: body_tx,
                },
            );
        }
        let call = Call {
            id,
            link: self.clone(),
            head: Some(head_rx),
            body: Some(body_rx),
            finished: false,
        };
        let text = RelayMessage::Request(Box::new(req)).to_text();
        self.out
            .send(Message::Text(text.into()))
            .await
            .map_err(|_| LinkError::Closed)?;
        if !body.is_empty() {
            for frame in chunk_frames(id, &body) {
                self.out
                    .send(Message::Binary(Bytes::from(frame)))
                    .await
                    .map_err(|_| LinkError::Closed)?;
            }
        }
        Ok(call)
    }

    /// A response head arrived.
    pub(crate) fn head(&self, head: ResponseHead) {
        let id = head.id;
        let mut pending = self.pending();
        let Some(p) = pending.get_mut(&id) else {
            return;
        };
        let follows = head.body_follows;
        if let Some(tx) = p.head.take() {
            let _ = tx.send(head);
        }
        if !follows {
            // No body: dropping the sender ends the body stream.
            pending.remove(&id);
        }
    }

    /// A body chunk arrived. Returns false when the call's reader is too slow and the call was
    /// dropped (the caller cancels it at the controller).
    pub(crate) fn chunk(&self, id: u64, data: &[u8], end: bool) -> bool {
        let mut pending = self.pending();
        let Some(p) = pending.get(&id) else {
            return true;
        };
        let ok = data.is_empty() || p.body.try_send(Ok(Bytes::copy_from_slice(data))).is_ok();
        if end || !ok {
            pending.remove(&id);
        }
        ok
    }

    /// The controller reset a call after its head.
    pub(crate) fn reset(&self, id: u64, reason: &str) {
        if let Some(p) = self.pending().remove(&id) {
            let _ = p.body.try_send(Err(std::io::Error::other(format!(
                "the controller broke off the answer: {reason}"
            ))));
        }
    }

    /// Sends a control frame without waiting (dropped if the queue is full).
    pub(crate) fn send_now(&self, msg: RelayMessage) {
        let _ = self.out.try_send(Message::Text(msg.to_text().into()));
    }

    /// Like [`Self::send_now`], saying whether the frame was queued (false: queue full or closed).
    pub(crate) fn offer(&self, msg: RelayMessage) -> bool {
        self.out
            .try_send(Message::Text(msg.to_text().into()))
            .is_ok()
    }

    /// Marks the link closed and fails every call in flight.
    pub(crate) fn close(&self) {
        self.closed.store(true, Ordering::Release);
        let drained: Vec<Pending> = self.pending().drain().map(|(_, p)| p).collect();
        for p in drained {
            let _ = p
                .body
                .try_send(Err(std::io::Error::other(LinkError::Closed.to_string())));
        }
        self.close_signal.notify_waiters();
        self.close_signal.notify_one();
    }

    pub fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Acquire)
    }

    fn forget(&self, id: u64) -> bool {
        self.pending().remove(&id).is_some()
    }
}

/// One call in flight. Dropping it unfinished cancels it at the controller.
#[derive(Debug)]
pub struct Call {
    pub id: u64,
    link: Arc<Link>,
    head: Option<oneshot::Receiver<ResponseHead>>,
    body: Option<mpsc::Receiver<Result<Bytes, std::io::Error>>>,
    finished: bool,
}

impl Call {
    /// Waits for the answer's head.
    pub async fn head(&mut self) -> Result<ResponseHead, LinkError> {
        let rx = self.head.take().ok_or(LinkError::Closed)?;
        let head = rx.await.map_err(|_| LinkError::Closed)?;
        if !head.body_follows {
            self.finished = true;
        }
        Ok(head)
    }

    /// The next body chunk; `None` at the end.
    pub async fn chunk(&mut self) -> Option<Result<Bytes, std::io::Error>> {
        let rx = self.body.as_mut()?;
        match rx.recv().await {
            Some(item) => Some(item),
            None => {
                self.finished = true;
                None
            }
        }
    }

    pub fn link(&self) -> &Arc<Link> {
        &self.link
    }
}

impl Drop for Call {
    fn drop(&mut self) {
        if !self.finished && self.link.forget(self.id) {
            self.link.send_now(RelayMessage::Cancel { id: self.id });
        }
    }
}

/// Every connected controller.
#[derive(Debug, Default)]
pub struct Hub {
    links: Mutex<HashMap<String, Arc<Link>>>,
    generation: AtomicU64,
}

impl Hub {
    fn links(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<Link>>> {
        self.links.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn next_generation(&self) -> u64 {
        self.generation.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// Registers an authenticated link; a previous link of the appliance is closed and returned.
    pub(crate) fn register(&self, link: Arc<Link>) -> Option<Arc<Link>> {
        let old = self.links().insert(link.appliance_id.clone(), link);
        if let Some(old) = &old {
            old.close();
        }
        old
    }

    /// Removes the link if it is still the appliance's current one.
    pub(crate) fn unregister(&self, link: &Link) {
        let mut links = self.links();
        if links
            .get(&link.appliance_id)
            .is_some_and(|l| l.generation == link.generation)
        {
            links.remove(&link.appliance_id);
        }
    }

    pub fn get(&self, appliance_id: &str) -> Option<Arc<Link>> {
        self.links()
            .get(appliance_id)
            .filter(|l| !l.is_closed())
            .cloned()
    }

    pub fn is_connected(&self, appliance_id: &str) -> bool {
        self.get(appliance_id).is_some()
    }

    /// How many controllers are connected.
    pub fn len(&self) -> usize {
        self.links().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
