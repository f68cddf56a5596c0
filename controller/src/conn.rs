//! The relay connection: dial, prove, serve requests, heartbeat; reconnect with backoff.

use crate::exec::{Answer, AnswerBody, Executor, now_ms};
use crate::retry::{Backoff, jitter};
use bytes::Bytes;
use ferry_api::crypto::SigningKey;
use ferry_api::relay::{
    ControllerMessage, MAX_CHUNK, MAX_CONTROL_FRAME, PROTOCOL_VERSION, RelayMessage, RelayRequest,
    ResponseHead, chunk_frames, decode_chunk, encode_chunk, proof_text, relay_authority,
};
use futures_util::{SinkExt as _, StreamExt as _};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::{Semaphore, mpsc, watch};
use tokio::task::JoinSet;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

/// Where the controller stands with the relay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnState {
    /// Dialling or proving its identity.
    Connecting,
    /// Authenticated: relayed calls flow.
    Connected,
    /// The last attempt failed or the connection dropped; waiting before the next.
    Waiting,
    /// Shut down.
    Stopped,
}

/// What a session needs beyond the executor.
#[derive(Debug)]
pub(crate) struct Session {
    pub relay_url: String,
    pub appliance_id: String,
    pub identity: SigningKey,
    pub heartbeat: Duration,
    pub handshake_timeout: Duration,
    pub backoff: Backoff,
    pub max_body_bytes: usize,
    pub max_concurrent: usize,
    pub exec: Executor,
    /// Successful handshakes so far (tests and logs).
    pub connections: AtomicU64,
    pub metrics: crate::metrics::MetricsConfig,
    pub metrics_status: std::sync::Mutex<crate::metrics::MetricsStatus>,
}

/// Why one session ended.
#[derive(Debug, thiserror::Error)]
pub(crate) enum SessionEnd {
    #[error("cannot connect to the relay: {0}")]
    Dial(String),
    #[error("the relay refused the controller: {0}")]
    Refused(String),
    #[error("handshake failed: {0}")]
    Handshake(String),
    #[error("the relay said nothing for {0:?}")]
    Silent(Duration),
    #[error("the connection closed: {0}")]
    Closed(String),
}

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

fn ws_config() -> WebSocketConfig {
    WebSocketConfig::default()
        .max_message_size(Some(MAX_CONTROL_FRAME.max(MAX_CHUNK + 64)))
        .max_frame_size(Some(MAX_CONTROL_FRAME.max(MAX_CHUNK + 64)))
}

/// Runs sessions until `shutdown` flips, reconnecting with capped exponential backoff and full
/// jitter. The attempt counter resets once a session got past its handshake.
pub(crate) async fn run(
    session: Arc<Session>,
    state: watch::Sender<ConnState>,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut attempt = 0u32;
    loop {
        if *shutdown.borrow() {
            break;
        }
        let _ = state.send(ConnState::Connecting);
        let ended = tokio::select! {
            end = one_session(&session, &state) => end,
            _ = shutdown.changed() => break,
        };
        let (welcomed, end) = ended;
        if welcomed {
            attempt = 0;
        }
        match &end {
            SessionEnd::Refused(_) => tracing::error!(error = %end, "relay session ended"),
            _ => tracing::warn!(error = %end, "relay session ended"),
        }
        let _ = state.send(ConnState::Waiting);
        let delay = session.backoff.delay(attempt, jitter());
        attempt = attempt.saturating_add(1);
        tracing::info!(delay_ms = delay.as_millis() as u64, "reconnecting");
        tokio::select! {
            () = tokio::time::sleep(delay) => {}
            _ = shutdown.changed() => break,
        }
    }
    let _ = state.send(ConnState::Stopped);
}

async fn recv_text(ws: &mut Ws, timeout: Duration) -> Result<RelayMessage, SessionEnd> {
    loop {
        let next = tokio::time::timeout(timeout, ws.next())
            .await
            .map_err(|_| SessionEnd::Handshake(format!("no answer within {timeout:?}")))?;
        match next {
            Some(Ok(Message::Text(t))) => {
                return RelayMessage::parse(&t).map_err(|e| SessionEnd::Handshake(e.to_string()));
            }
            Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
            Some(Ok(Message::Close(frame))) => {
                return Err(SessionEnd::Closed(
                    frame.map_or_else(|| "closed".into(), |f| f.reason.to_string()),
                ));
            }
            Some(Ok(_)) => return Err(SessionEnd::Handshake("unexpected binary frame".into())),
            Some(Err(e)) => return Err(SessionEnd::Closed(e.to_string())),
            None => return Err(SessionEnd::Closed("end of stream".into())),
        }
    }
}

/// Dials, proves, serves. Returns whether the handshake succeeded, and why it ended.
async fn one_session(
    session: &Arc<Session>,
    state: &watch::Sender<ConnState>,
) -> (bool, SessionEnd) {
    let dial = tokio::time::timeout(
        session.handshake_timeout,
        tokio_tungstenite::connect_async_with_config(
            session.relay_url.as_str(),
            Some(ws_config()),
            true,
        ),
    )
    .await;
    let mut ws = match dial {
        Ok(Ok((ws, _))) => ws,
        Ok(Err(e)) => return (false, SessionEnd::Dial(e.to_string())),
        Err(_) => return (false, SessionEnd::Dial("timed out".into())),
    };
    let heartbeat = match handshake(session, &mut ws).await {
        Ok(h) => h,
        Err(e) => {
            let _ = ws.close(None).await;
            return (false, e);
        }
    };
    session.connections.fetch_add(1, Ordering::Relaxed);
    let _ = state.send(ConnState::Connected);
    tracing::info!(relay = %session.relay_url, "connected to the relay");
    (true, serve(session, ws, heartbeat).await)
}

async fn handshake(session: &Session, ws: &mut Ws) -> Result<Duration, SessionEnd> {
    let send = |m: ControllerMessage| Message::text(m.to_text());
    let hello = ControllerMessage::Hello {
        appliance_id: session.appliance_id.clone(),
        protocol_version: PROTOCOL_VERSION,
        agent: session.exec.agent.clone(),
    };
    ws.send(send(hello))
        .await
        .map_err(|e| SessionEnd::Closed(e.to_string()))?;
    let nonce = match recv_text(ws, session.handshake_timeout).await? {
        RelayMessage::Challenge { nonce } => nonce,
        RelayMessage::Refused { reason } => return Err(SessionEnd::Refused(reason)),
        other => {
            return Err(SessionEnd::Handshake(format!(
                "expected a challenge, got {}",
                kind(&other)
            )));
        }
    };
    let text = proof_text(
        &session.appliance_id,
        &nonce,
        &relay_authority(&session.relay_url),
    )
    .map_err(|e| SessionEnd::Handshake(e.to_string()))?;
    let signature = session.identity.sign(text.as_bytes());
    ws.send(send(ControllerMessage::Proof { signature }))
        .await
        .map_err(|e| SessionEnd::Closed(e.to_string()))?;
    match recv_text(ws, session.handshake_timeout).await? {
        RelayMessage::Welcome { heartbeat_ms, .. } => {
            Ok(Duration::from_millis(heartbeat_ms.clamp(200, 300_000))
                .min(session.heartbeat.max(Duration::from_millis(200))))
        }
        RelayMessage::Refused { reason } => Err(SessionEnd::Refused(reason)),
        other => Err(SessionEnd::Handshake(format!(
            "expected welcome, got {}",
            kind(&other)
        ))),
    }
}

fn kind(m: &RelayMessage) -> &'static str {
    match m {
        RelayMessage::Challenge { .. } => "challenge",
        RelayMessage::Welcome { .. } => "welcome",
        RelayMessage::Refused { .. } => "refused",
        RelayMessage::Request(_) => "request",
        RelayMessage::Cancel { .. } => "cancel",
        RelayMessage::Ping { .. } => "ping",
        RelayMessage::Pong { .. } => "pong",
        RelayMessage::SteadyState { .. } => "steady_state",
    }
}

struct InFlight {
    /// Body chunks still to come (`None` once the last arrived).
    body: Option<mpsc::UnboundedSender<Bytes>>,
    received: usize,
    task: tokio::task::AbortHandle,
}

/// The request loop of an authenticated connection.
async fn serve(session: &Arc<Session>, ws: Ws, heartbeat: Duration) -> SessionEnd {
    let (mut sink, mut stream) = ws.split();
    let (out_tx, mut out_rx) = mpsc::channel::<Message>(256);
    let writer = tokio::spawn(async move {
        while let Some(m) = out_rx.recv().await {
            if sink.send(m).await.is_err() {
                break;
            }
        }
        let _ = sink.close().await;
    });
    // Every call's task lives in this set: when the session ends (or the controller is killed
    // and this future dropped), dropping the set aborts them all.
    let mut tasks: JoinSet<u64> = JoinSet::new();
    let mut inflight: HashMap<u64, InFlight> = HashMap::new();
    let slots = Arc::new(Semaphore::new(session.max_concurrent.max(1)));
    let mut ticker = tokio::time::interval(heartbeat);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut last_seen = Instant::now();
    let mut seq = 0u64;
    let silent_after = heartbeat * 3;
    // The Steady-state token (sealed) the relay last gave; the collector follows it and ends
    // with the connection.
    let (steady_tx, steady_rx) = watch::channel::<Option<String>>(None);
    let collector = tokio::spawn(crate::metrics::run(
        session.clone(),
        steady_rx,
        out_tx.clone(),
    ));
    let end = loop {
        tokio::select! {
            next = stream.next() => {
                let Some(next) = next else { break SessionEnd::Closed("end of stream".into()) };
                let msg = match next {
                    Ok(m) => m,
                    Err(e) => break SessionEnd::Closed(e.to_string()),
                };
                last_seen = Instant::now();
                match msg {
                    Message::Text(text) => match RelayMessage::parse(&text) {
                        Ok(RelayMessage::Request(req)) => {
                            start(session, *req, &mut inflight, &mut tasks, &out_tx, &slots);
                        }
                        Ok(RelayMessage::Cancel { id }) => {
                            if let Some(f) = inflight.remove(&id) {
                                tracing::info!(id, "cancelled by the relay");
                                f.task.abort();
                            }
                        }
                        Ok(RelayMessage::Ping { seq }) => {
                            let _ = out_tx.try_send(Message::text(ControllerMessage::Pong { seq }.to_text()));
                        }
                        Ok(RelayMessage::Pong { .. }) => {}
                        Ok(RelayMessage::SteadyState { sealed_token }) => {
                            steady_tx.send_replace(sealed_token);
                        }
                        Ok(other) => tracing::warn!("unexpected {} frame after the handshake", kind(&other)),
                        Err(e) => break SessionEnd::Closed(format!("bad frame from the relay: {e}")),
                    },
                    Message::Binary(frame) => match decode_chunk(&frame) {
                        Ok(chunk) => {
                            let mut cancel = None;
                            if let Some(f) = inflight.get_mut(&chunk.id) {
                                f.received += chunk.data.len();
                                if f.received > session.max_body_bytes {
                                    cancel = Some(chunk.id);
                                } else if let Some(tx) = &f.body {
                                    let _ = tx.send(Bytes::copy_from_slice(chunk.data));
                                    if chunk.end {
                                        f.body = None;
                                    }
                                }
                            }
                            if let Some(id) = cancel
                                && let Some(f) = inflight.remove(&id)
                            {
                                f.task.abort();
                                send_answer_now(&out_tx, id, Answer::error(413, "payload_too_large", "the request body is over the controller's limit")).await;
                            }
                        }
                        Err(e) => break SessionEnd::Closed(format!("bad chunk from the relay: {e}")),
                    },
                    Message::Close(frame) => {
                        break SessionEnd::Closed(frame.map_or_else(|| "closed by the relay".into(), |f| f.reason.to_string()));
                    }
                    Message::Ping(_) | Message::Pong(_) | Message::Frame(_) => {}
                }
            }
            Some(done) = tasks.join_next(), if !tasks.is_empty() => {
                if let Ok(id) = done {
                    inflight.remove(&id);
                }
            }
            _ = ticker.tick() => {
                if last_seen.elapsed() > silent_after {
                    break SessionEnd::Silent(silent_after);
                }
                seq += 1;
                if out_tx.try_send(Message::text(ControllerMessage::Ping { seq }.to_text())).is_err() {
                    tracing::debug!("outbound queue full; skipping a ping");
                }
            }
        }
    };
    tasks.abort_all();
    collector.abort();
    drop(steady_tx);
    drop(out_tx);
    writer.abort();
    end
}

async fn send_answer_now(out: &mpsc::Sender<Message>, id: u64, answer: Answer) {
    let _ = send_answer(out, id, answer).await;
}

fn start(
    session: &Arc<Session>,
    req: RelayRequest,
    inflight: &mut HashMap<u64, InFlight>,
    tasks: &mut JoinSet<u64>,
    out: &mpsc::Sender<Message>,
    slots: &Arc<Semaphore>,
) {
    let id = req.id;
    let (body_tx, mut body_rx) = mpsc::unbounded_channel::<Bytes>();
    let has_body = req.body_follows;
    let session = session.clone();
    let out = out.clone();
    let slots = slots.clone();
    let max_body = session.max_body_bytes;
    let task = tasks.spawn(async move {
        let mut body = Vec::new();
        if has_body {
            while let Some(part) = body_rx.recv().await {
                body.extend_from_slice(&part);
                if body.len() > max_body {
                    break;
                }
            }
        }
        let answer = match slots.acquire_owned().await {
            Ok(_permit) => {
                session
                    .exec
                    .execute(&req, Bytes::from(body), now_ms())
                    .await
            }
            Err(_) => Answer::error(
                503,
                "service_unavailable",
                "the controller is shutting down",
            ),
        };
        if let Err(reason) = send_answer(&out, id, answer).await {
            tracing::warn!(id, %reason, "answer broke off");
            let _ = out
                .send(Message::text(
                    ControllerMessage::Reset { id, reason }.to_text(),
                ))
                .await;
        }
        id
    });
    inflight.insert(
        id,
        InFlight {
            body: has_body.then_some(body_tx),
            received: 0,
            task,
        },
    );
}

/// Sends the head and the body of an answer. Err: the body broke off after the head.
async fn send_answer(out: &mpsc::Sender<Message>, id: u64, answer: Answer) -> Result<(), String> {
    let body_follows = !matches!(answer.body, AnswerBody::Empty);
    let head = ControllerMessage::Response(ResponseHead {
        id,
        status: answer.status,
        headers: answer.headers,
        body_follows,
    });
    let closed = || "the relay connection closed".to_string();
    out.send(Message::text(head.to_text()))
        .await
        .map_err(|_| closed())?;
    match answer.body {
        AnswerBody::Empty => Ok(()),
        AnswerBody::Buffered(bytes) => {
            for frame in chunk_frames(id, &bytes) {
                out.send(Message::binary(frame))
                    .await
                    .map_err(|_| closed())?;
            }
            Ok(())
        }
        AnswerBody::Stream(mut resp) => {
            loop {
                match resp.chunk().await {
                    Ok(Some(data)) => {
                        for part in data.chunks(MAX_CHUNK) {
                            out.send(Message::binary(encode_chunk(id, false, part)))
                                .await
                                .map_err(|_| closed())?;
                        }
                    }
                    Ok(None) => break,
                    Err(e) => return Err(format!("DigitalOcean's answer broke off: {e}")),
                }
            }
            out.send(Message::binary(encode_chunk(id, true, &[])))
                .await
                .map_err(|_| closed())
        }
    }
}
