//! `GET /relay/v1/connect`: a controller dials in, proves its identity, and its connection
//! joins the hub.

use super::Relay;
use super::gate::RelayEvent;
use super::hub::Link;
use axum::extract::State;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::http::HeaderMap;
use axum::response::Response;
use ferry_api::grant::Phase;
use ferry_api::observe::ApplianceEvent;
use ferry_api::relay::{
    ControllerMessage, MAX_CHUNK, MAX_CONTROL_FRAME, MIN_PROTOCOL_VERSION, MetricsBatch,
    OBSERVE_PROTOCOL_VERSION, PROTOCOL_VERSION, RelayMessage, decode_chunk, new_nonce,
    relay_authority, verify_proof,
};
use futures_util::{SinkExt as _, StreamExt as _};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

pub(crate) async fn connect(
    State(relay): State<Relay>,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    // The proof binds the relay's address as the controller dialled it: the configured public
    // address, else the Host header of this very request.
    let authority = relay.config.public_url.as_deref().map_or_else(
        || {
            headers
                .get(axum::http::header::HOST)
                .and_then(|h| h.to_str().ok())
                .map(relay_authority)
                .unwrap_or_default()
        },
        relay_authority,
    );
    let limit = MAX_CONTROL_FRAME.max(MAX_CHUNK + 64);
    ws.max_message_size(limit)
        .max_frame_size(limit)
        // Small buffers: an idle controller should cost little (the defaults are 128 KiB).
        .read_buffer_size(4 * 1024)
        .write_buffer_size(4 * 1024)
        .on_upgrade(move |socket| async move {
            let Ok(_slot) = relay.connections.clone().try_acquire_owned() else {
                tracing::warn!(
                    "refusing a controller connection: the relay is at its connection limit"
                );
                return;
            };
            run(relay, socket, authority).await;
        })
}

fn text(msg: &RelayMessage) -> Message {
    Message::Text(msg.to_text().into())
}

/// Reads the next control frame of the handshake.
async fn recv(socket: &mut WebSocket, timeout: Duration) -> Result<ControllerMessage, String> {
    loop {
        let next = tokio::time::timeout(timeout, socket.recv())
            .await
            .map_err(|_| format!("no handshake message within {timeout:?}"))?;
        match next {
            Some(Ok(Message::Text(t))) => {
                return ControllerMessage::parse(&t).map_err(|e| e.to_string());
            }
            Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
            Some(Ok(_)) => return Err("expected a text frame during the handshake".into()),
            Some(Err(e)) => return Err(e.to_string()),
            None => return Err("the controller hung up".into()),
        }
    }
}

async fn refuse(relay: &Relay, socket: &mut WebSocket, appliance_id: Option<&str>, reason: String) {
    tracing::warn!(appliance = appliance_id.unwrap_or("?"), %reason, "controller refused");
    if let Some(id) = appliance_id {
        relay
            .audit(RelayEvent {
                appliance_id: id.to_string(),
                actor: format!("controller:{id}"),
                action: "controller.refused",
                outcome: "refused",
                detail: reason.clone(),
            })
            .await;
    }
    let _ = socket.send(text(&RelayMessage::Refused { reason })).await;
    let _ = socket.close().await;
}

/// The handshake up to a verified proof. Returns the appliance id, its instance id and the
/// protocol version the controller speaks and its agent string (printable ASCII, at most 64
/// characters); the
/// caller registers the link and then sends `welcome`, so that a controller that has been
/// welcomed is reachable.
async fn handshake(
    relay: &Relay,
    socket: &mut WebSocket,
    authority: &str,
) -> Option<(String, String, u32, String)> {
    let timeout = relay.config.handshake_timeout;
    let (appliance_id, version, agent) = match recv(socket, timeout).await {
        Ok(ControllerMessage::Hello {
            appliance_id,
            protocol_version,
            agent,
        }) => (appliance_id, protocol_version, agent),
        Ok(_) => {
            refuse(
                relay,
                socket,
                None,
                "the handshake starts with hello".into(),
            )
            .await;
            return None;
        }
        Err(e) => {
            refuse(relay, socket, None, e).await;
            return None;
        }
    };
    if appliance_id.is_empty() || appliance_id.len() > 200 {
        refuse(
            relay,
            socket,
            None,
            "the appliance id is empty or too long".into(),
        )
        .await;
        return None;
    }
    if !(MIN_PROTOCOL_VERSION..=PROTOCOL_VERSION).contains(&version) {
        let reason = format!(
            "protocol version {version} is not supported; this relay speaks {MIN_PROTOCOL_VERSION} to {PROTOCOL_VERSION}"
        );
        refuse(relay, socket, Some(&appliance_id), reason).await;
        return None;
    }
    let identity = match relay.gate.controller_identity(&appliance_id).await {
        Ok(Some(identity)) => identity,
        Ok(None) => {
            // Unknown appliances are not audited: there is no appliance to audit for.
            refuse(
                relay,
                socket,
                None,
                format!(
                    "appliance `{appliance_id}` is unknown or has no controller key registered"
                ),
            )
            .await;
            return None;
        }
        Err(e) => {
            refuse(relay, socket, None, e.to_string()).await;
            return None;
        }
    };
    let nonce = new_nonce();
    if socket
        .send(text(&RelayMessage::Challenge {
            nonce: nonce.clone(),
        }))
        .await
        .is_err()
    {
        return None;
    }
    let signature = match recv(socket, timeout).await {
        Ok(ControllerMessage::Proof { signature }) => signature,
        Ok(_) => {
            refuse(
                relay,
                socket,
                Some(&appliance_id),
                "expected the proof".into(),
            )
            .await;
            return None;
        }
        Err(e) => {
            refuse(relay, socket, Some(&appliance_id), e).await;
            return None;
        }
    };
    if let Err(e) = verify_proof(
        &identity.signing_key,
        &appliance_id,
        &nonce,
        authority,
        &signature,
    ) {
        refuse(relay, socket, Some(&appliance_id), e.to_string()).await;
        return None;
    }
    let agent: String = agent
        .chars()
        .filter(|c| c.is_ascii_graphic() || *c == ' ')
        .take(64)
        .collect();
    Some((appliance_id, identity.instance_id, version, agent))
}

/// Tells a version-2 controller the appliance's Steady-state token (sealed) after `welcome`,
/// then again whenever it changes: asked of the broker at once when the customer's switch or
/// token changes on this edge host (`ControllerPresence::steady_state_changed`), and every
/// `steady_state_poll` for changes made elsewhere (another edge host on the same database);
/// sent only on a change (and retried when the outbound queue was full). A broker that cannot answer changes
/// nothing. `on` mirrors what the controller was last told, for the metrics check.
async fn steady_state_watch(relay: Relay, link: Arc<Link>, on: Arc<AtomicBool>) {
    let mut told: Option<Option<String>> = None;
    let mut ticker = tokio::time::interval(relay.config.steady_state_poll);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = ticker.tick() => {}
            () = link.steady_state_changed.notified() => {}
        }
        if link.is_closed() {
            return;
        }
        let id = link.appliance_id.as_str();
        let now = super::now_ms();
        let sealed = match relay.gate.steady_state(id, now).await {
            Ok(false) => None,
            Ok(true) => match relay.gate.sealed_token(id, Phase::SteadyState).await {
                Ok(t) => t,
                Err(e) => {
                    tracing::warn!(appliance = id, error = %e, "cannot read the Steady-state token");
                    continue;
                }
            },
            Err(e) => {
                tracing::warn!(appliance = id, error = %e, "cannot read the Steady-state switch");
                continue;
            }
        };
        if told.as_ref() == Some(&sealed) {
            continue;
        }
        let present = sealed.is_some();
        if link.offer(RelayMessage::SteadyState {
            sealed_token: sealed.clone(),
        }) {
            on.store(present, Ordering::Release);
            tracing::info!(
                appliance = id,
                present,
                "told the controller its Steady-state token"
            );
            told = Some(sealed);
        }
    }
}

/// Checks and stores one metrics batch. Never waits on anything but the store's mutex. The
/// round's problems (a call DigitalOcean refused, e.g. a token without `monitoring:read`) are
/// audited when they change — not on every round — so the customer sees them once.
fn take_metrics(
    relay: &Relay,
    appliance_id: &str,
    on: &AtomicBool,
    last_problems: &mut Vec<String>,
    batch: MetricsBatch,
) {
    if !on.load(Ordering::Acquire) {
        // Steady-state was withdrawn; a batch already on its way is not kept.
        relay.observe.rejected();
        tracing::debug!(
            appliance = appliance_id,
            "metrics batch after Steady-state was withdrawn; dropped"
        );
        return;
    }
    if let Err(e) = batch.validate() {
        relay.observe.rejected();
        tracing::warn!(appliance = appliance_id, error = %e, "metrics batch refused");
        return;
    }
    // Every batch carries its round's problems: a change is a new state of collection.
    if batch.problems != *last_problems {
        if !batch.problems.is_empty() {
            relay.observe.problem();
            tracing::warn!(appliance = appliance_id, problems = ?batch.problems, "metrics collection reports problems");
            let relay = relay.clone();
            let event = RelayEvent {
                appliance_id: appliance_id.to_string(),
                actor: format!("controller:{appliance_id}"),
                action: "observe.problem",
                outcome: "error",
                detail: batch.problems.join("; "),
            };
            tokio::spawn(async move { relay.audit(event).await });
        }
        last_problems.clone_from(&batch.problems);
    }
    if !batch.series.is_empty() {
        let now = super::now_ms();
        relay.observe.ingest(appliance_id, now, &batch.series);
        // The appliance page reloads its charts.
        relay.events.publish(
            appliance_id,
            ApplianceEvent::Metrics {
                at_ms: now,
                series: batch.series.len(),
            },
        );
    }
}

async fn run(relay: Relay, mut socket: WebSocket, authority: String) {
    let Some((appliance_id, instance_id, version, agent)) =
        handshake(&relay, &mut socket, &authority).await
    else {
        return;
    };
    let observes = version >= OBSERVE_PROTOCOL_VERSION;
    let (out_tx, mut out_rx) = mpsc::channel::<Message>(relay.config.outbound_queue);
    let link = Arc::new(Link::new(
        appliance_id.clone(),
        instance_id,
        relay.hub.next_generation(),
        super::now_ms(),
        out_tx,
        relay.config.max_in_flight,
    ));
    let replaced = relay.hub.register(link.clone()).is_some();
    let welcome = RelayMessage::Welcome {
        heartbeat_ms: u64::try_from(relay.config.heartbeat.as_millis()).unwrap_or(15_000),
        instance_id: Some(link.instance_id.clone()),
    };
    if socket.send(text(&welcome)).await.is_err() {
        relay.hub.unregister(&link);
        link.close();
        return;
    }
    tracing::info!(appliance = %appliance_id, replaced, "controller connected");
    relay.events.publish(
        &appliance_id,
        ApplianceEvent::Controller {
            at_ms: super::now_ms(),
            connected: true,
            agent: (!agent.is_empty()).then_some(agent),
        },
    );
    relay
        .audit(RelayEvent {
            appliance_id: appliance_id.clone(),
            actor: format!("controller:{appliance_id}"),
            action: "controller.connected",
            outcome: "ok",
            detail: if replaced {
                "controller connected (replacing its previous connection)".into()
            } else {
                "controller connected".into()
            },
        })
        .await;

    let steady_on = Arc::new(AtomicBool::new(false));
    let mut last_problems: Vec<String> = Vec::new();
    let watcher = observes.then(|| {
        tokio::spawn(steady_state_watch(
            relay.clone(),
            link.clone(),
            steady_on.clone(),
        ))
    });
    let (mut sink, mut stream) = socket.split();
    let writer = tokio::spawn(async move {
        while let Some(m) = out_rx.recv().await {
            if sink.send(m).await.is_err() {
                break;
            }
        }
        let _ = sink.close().await;
    });
    let heartbeat = relay.config.heartbeat;
    let mut ticker = tokio::time::interval_at(tokio::time::Instant::now() + heartbeat, heartbeat);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut last_seen = Instant::now();
    let mut seq = 0u64;
    let reason = loop {
        tokio::select! {
            next = stream.next() => {
                let Some(Ok(msg)) = next else { break "the connection closed" };
                last_seen = Instant::now();
                match msg {
                    Message::Text(t) => match ControllerMessage::parse(&t) {
                        Ok(ControllerMessage::Response(head)) => link.head(head),
                        Ok(ControllerMessage::Reset { id, reason }) => link.reset(id, &reason),
                        Ok(ControllerMessage::Ping { seq }) => link.send_now(RelayMessage::Pong { seq }),
                        Ok(ControllerMessage::Pong { .. }) => {}
                        Ok(ControllerMessage::Metrics(batch)) if observes => {
                            take_metrics(&relay, &appliance_id, &steady_on, &mut last_problems, batch);
                        }
                        Ok(ControllerMessage::Metrics(_)) => break "a metrics message on a version-1 connection",
                        Ok(_) => break "unexpected handshake message after the handshake",
                        Err(_) => break "a malformed frame",
                    },
                    Message::Binary(frame) => match decode_chunk(&frame) {
                        Ok(c) => {
                            if !link.chunk(c.id, c.data, c.end) {
                                tracing::warn!(id = c.id, "client not reading; cancelling the call");
                                link.send_now(RelayMessage::Cancel { id: c.id });
                            }
                        }
                        Err(_) => break "a malformed chunk",
                    },
                    Message::Close(_) => break "the controller closed the connection",
                    Message::Ping(_) | Message::Pong(_) => {}
                }
            }
            () = link.close_signal.notified() => break "a newer connection of the same controller replaced it",
            _ = ticker.tick() => {
                if last_seen.elapsed() > heartbeat * 3 {
                    break "the controller stopped answering heartbeats";
                }
                seq += 1;
                link.send_now(RelayMessage::Ping { seq });
            }
        }
    };
    relay.hub.unregister(&link);
    link.close();
    writer.abort();
    if let Some(w) = watcher {
        w.abort();
    }
    // A replaced connection is not a disconnection: its successor is connected.
    if !relay.hub.is_connected(&appliance_id) {
        relay.events.publish(
            &appliance_id,
            ApplianceEvent::Controller {
                at_ms: super::now_ms(),
                connected: false,
                agent: None,
            },
        );
    }
    tracing::info!(appliance = %appliance_id, reason, "controller disconnected");
    relay
        .audit(RelayEvent {
            appliance_id: appliance_id.clone(),
            actor: format!("controller:{appliance_id}"),
            action: "controller.disconnected",
            outcome: "ok",
            detail: reason.to_string(),
        })
        .await;
}
