//! The wire protocol between the relay (edge host) and the controller (DESIGN §7).
//!
//! The controller dials `GET /relay/v1/connect` (WebSocket, TLS in production) and never listens.
//! One connection carries every relayed DigitalOcean call of one appliance, multiplexed.
//!
//! **Handshake** (text frames, JSON, [`PROTOCOL_VERSION`]):
//!
//! ```text
//! controller → relay   {"type":"hello","appliance_id":"app-1","protocol_version":2,"agent":"ferry-controller/0.1.0"}
//! relay → controller   {"type":"challenge","nonce":"<32 random bytes, base64url>"}
//! controller → relay   {"type":"proof","signature":"<Ed25519 over proof_text(...)>"}
//! relay → controller   {"type":"welcome","heartbeat_ms":15000,"instance_id":"acme"}   or   {"type":"refused","reason":"…"}
//! ```
//!
//! The signature is over [`proof_text`]: the form name, the appliance id, the nonce and the
//! relay's authority (`host[:port]` as the controller dialled it), one per line. Binding the
//! relay's address means a proof made for one relay cannot be forwarded to another; the fresh
//! nonce means it cannot be replayed. The relay verifies it with the controller signing key the
//! customer registered for the appliance ([`crate::broker::ControllerKeys::signing_key`]).
//!
//! **Requests** (after `welcome`): the relay sends [`RelayMessage::Request`] with a
//! connection-unique id; the controller answers [`ControllerMessage::Response`] (status and
//! headers) for that id. Bodies travel in **binary frames** ([`encode_chunk`]): an 8-byte
//! big-endian request id, one flag byte (`0x01` = last chunk), then at most [`MAX_CHUNK`] bytes of
//! data. A body is present when its head says `body_follows`; it ends with a chunk flagged last
//! (possibly empty). Chunks of different requests interleave, so a large body never holds up
//! another request. Binary frames were chosen over base64 in JSON: no 33 % inflation and no
//! encoding cost on the hot path.
//!
//! The relay sends [`RelayMessage::Cancel`] when the client goes away or the call times out; the
//! controller sends [`ControllerMessage::Reset`] when an answer breaks off after its head. Late
//! frames for an unknown id are dropped. Both sides send `ping` every heartbeat interval and answer `pong`; a
//! connection that says nothing for three intervals is closed and the controller reconnects.
//!
//! Only the headers in [`REQUEST_HEADERS`] / [`RESPONSE_HEADERS`] cross; `Authorization` never
//! does — the relay authenticates the vendor's session credential and the controller adds the
//! customer's token, which only it can open.
//!
//! **Observability** (protocol version 2): right after `welcome`, and whenever it changes (the
//! customer switches Steady-state on or off, replaces or removes its token), the relay sends
//! [`RelayMessage::SteadyState`] with the appliance's Steady-state token *sealed* to the
//! controller, or without one to withdraw it. The controller keeps the sealed text, opens it
//! only for each metrics call, checks each call against the Steady-state [`policy`] (reads
//! only), and stops collecting when the token is withdrawn. It delivers what it read as
//! [`ControllerMessage::Metrics`] batches ([`MetricsBatch`], checked by the relay with
//! [`MetricsBatch::validate`]); they share the connection with relayed calls but never wait for
//! them: a batch is dropped, not queued, when the connection's outbound queue is full.
//!
//! **Versions.** Version 2 only adds those two messages. The relay accepts controllers that
//! speak [`MIN_PROTOCOL_VERSION`]`..=`[`PROTOCOL_VERSION`] and sends `steady_state` only to those
//! that announced 2 or more (a version-1 controller would close the connection on an unknown
//! message); a `metrics` message from a version-1 connection is a protocol error. Relays are
//! upgraded before controllers (the edge host is one deployment; controllers live in customers'
//! accounts), so a version-2 controller meeting a version-1 relay is refused with a clear
//! reason rather than silently losing observability.
//!
//! [`policy`] is the one definition of what a phase may do, applied twice: at the relay before
//! the call crosses, and at the controller before it uses a token.

pub mod policy;

use crate::crypto::{CryptoError, VerifyingKey};
use crate::grant::{Phase, SignedGrant};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The protocol version the controller announces in `hello`. Bump on any incompatible change.
/// 2: `steady_state` and `metrics` messages (observability).
pub const PROTOCOL_VERSION: u32 = 2;

/// The oldest protocol version the relay still serves (without observability).
pub const MIN_PROTOCOL_VERSION: u32 = 1;

/// The first version with [`RelayMessage::SteadyState`] and [`ControllerMessage::Metrics`].
pub const OBSERVE_PROTOCOL_VERSION: u32 = 2;

/// The WebSocket path on the edge host.
pub const CONNECT_PATH: &str = "/relay/v1/connect";

/// The first line of the handshake proof; bump on any change of [`proof_text`].
pub const PROOF_FORM: &str = "ferry-relay-proof-v1";

/// Largest body chunk in one binary frame.
pub const MAX_CHUNK: usize = 64 * 1024;

/// Largest text (control) frame either side accepts.
pub const MAX_CONTROL_FRAME: usize = 256 * 1024;

/// Bytes before the data in a binary chunk frame: request id (u64, big endian) + flags.
pub const CHUNK_HEADER: usize = 9;

/// Request headers that cross the relay (lowercase). Everything else — `Authorization` above
/// all, cookies, hop-by-hop and proxy headers, `Accept-Encoding` (the controller's client asks
/// DigitalOcean for identity bodies, which the relay may rewrite) — stays behind.
pub const REQUEST_HEADERS: &[&str] = &[
    "content-type",
    "accept",
    "user-agent",
    "idempotency-key",
    "x-request-id",
];

/// Response headers that cross back (lowercase): the body's type, DigitalOcean's rate-limit
/// headers (clients throttle on them), request ids, download names and locations.
pub const RESPONSE_HEADERS: &[&str] = &[
    "content-type",
    "content-disposition",
    "location",
    "retry-after",
    "ratelimit-limit",
    "ratelimit-remaining",
    "ratelimit-reset",
    "x-request-id",
    "idempotent-replayed",
];

/// Keeps the headers of `names` (case-insensitive), lowercased, in order, at most 32 of them
/// and none longer than 4 KiB.
pub fn filter_headers<'a>(
    headers: impl IntoIterator<Item = (&'a str, &'a str)>,
    names: &[&str],
) -> Vec<(String, String)> {
    headers
        .into_iter()
        .filter(|(k, v)| v.len() <= 4096 && names.iter().any(|n| n.eq_ignore_ascii_case(k)))
        .map(|(k, v)| (k.to_ascii_lowercase(), v.to_string()))
        .take(32)
        .collect()
}

/// What can be wrong with a frame or a handshake field. Messages never carry secrets.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    #[error("control frame of {0} bytes is over the {MAX_CONTROL_FRAME}-byte limit")]
    TooLarge(usize),
    #[error("control frame is not a valid message: {0}")]
    Json(String),
    #[error("binary frame of {0} bytes is shorter than its {CHUNK_HEADER}-byte header")]
    ShortChunk(usize),
    #[error("binary frame carries {0} bytes of data, over the {MAX_CHUNK}-byte chunk limit")]
    ChunkTooLarge(usize),
    #[error("binary frame has unknown flag bits {0:#04x}")]
    ChunkFlags(u8),
    #[error(
        "{0} contains characters that cannot be signed (only letters, digits and `-_.:` are allowed, 1–200 of them)"
    )]
    Field(&'static str),
}

/// Relay → controller.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum RelayMessage {
    /// Answer to `hello`: sign [`proof_text`] with this nonce.
    Challenge {
        nonce: String,
    },
    /// The proof verified: the connection now carries requests.
    Welcome {
        /// How often each side pings.
        heartbeat_ms: u64,
        /// The appliance's instance id as the edge host knows it (informational: the
        /// controller's own key file is authoritative).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        instance_id: Option<String>,
    },
    /// The handshake failed; the relay closes the connection after this.
    Refused {
        reason: String,
    },
    /// A DigitalOcean call to execute.
    Request(Box<RelayRequest>),
    /// The client went away or the relay gave up: stop working on `id`, send nothing more.
    Cancel {
        id: u64,
    },
    Ping {
        seq: u64,
    },
    Pong {
        seq: u64,
    },
    /// (v2) The Steady-state token for observability, sealed to the controller (base64url), or
    /// `None`: Steady-state is off or has no token — stop collecting.
    SteadyState {
        #[serde(default)]
        sealed_token: Option<String>,
    },
}

/// Controller → relay.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ControllerMessage {
    Hello {
        appliance_id: String,
        protocol_version: u32,
        /// `ferry-controller/<version>`, for the audit log and diagnostics.
        #[serde(default)]
        agent: String,
    },
    Proof {
        signature: String,
    },
    /// The head of the answer to request `id`. When `body_follows`, binary chunks follow.
    Response(ResponseHead),
    /// The answer to `id` broke off after its head (DigitalOcean's body failed midway): the
    /// relay aborts the client's response instead of ending it cleanly.
    Reset {
        id: u64,
        reason: String,
    },
    Ping {
        seq: u64,
    },
    Pong {
        seq: u64,
    },
    /// (v2) Metric series the controller read with the Steady-state token.
    Metrics(MetricsBatch),
}

/// Most series in one [`MetricsBatch`].
pub const MAX_BATCH_SERIES: usize = 256;
/// Most points of one series in a batch.
pub const MAX_BATCH_POINTS: usize = 1440;
/// Longest resource id, name, kind, metric name or unit in a batch.
pub const MAX_BATCH_LABEL: usize = 200;

/// Resource kinds a batch may name.
pub const RESOURCE_KINDS: &[&str] = &[
    "droplet",
    "kubernetes_node",
    "database",
    "load_balancer",
    "volume",
];

/// One delivery of metric series. Its text frame must fit [`MAX_CONTROL_FRAME`]: the controller
/// splits larger deliveries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricsBatch {
    pub series: Vec<crate::observe::Series>,
    /// What went wrong in the round that produced the batch (a call DigitalOcean refused, a
    /// rate limit): `GET <path>: <status> <DigitalOcean's message>`. Never a token.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<String>,
}

/// Most problems in one batch, and the longest problem text.
pub const MAX_BATCH_PROBLEMS: usize = 16;
pub const MAX_PROBLEM_LEN: usize = 300;

/// Why the relay refuses a metrics batch.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BatchError {
    #[error("the batch has {0} series, over the limit of {MAX_BATCH_SERIES}")]
    TooManySeries(usize),
    #[error("series {index} has {points} points, over the limit of {MAX_BATCH_POINTS}")]
    TooManyPoints { index: usize, points: usize },
    #[error(
        "series {index}: `{field}` is empty, too long or has characters outside [A-Za-z0-9 ._:/%-]"
    )]
    Field { index: usize, field: &'static str },
    #[error("series {index}: resource kind `{kind}` is not one of {RESOURCE_KINDS:?}")]
    Kind { index: usize, kind: String },
    #[error("series {index}: point {point} is not a finite number at a positive time")]
    Point { index: usize, point: usize },
    #[error(
        "the batch names too many problems (at most {MAX_BATCH_PROBLEMS}) or one is too long (at most {MAX_PROBLEM_LEN} bytes) or has control characters"
    )]
    Problems,
}

impl MetricsBatch {
    /// The relay's check: counts, lengths, characters (no line breaks or quotes reach a sink's
    /// labels) and finite values.
    pub fn validate(&self) -> Result<(), BatchError> {
        if self.series.len() > MAX_BATCH_SERIES {
            return Err(BatchError::TooManySeries(self.series.len()));
        }
        if self.problems.len() > MAX_BATCH_PROBLEMS
            || self
                .problems
                .iter()
                .any(|p| p.len() > MAX_PROBLEM_LEN || p.chars().any(char::is_control))
        {
            return Err(BatchError::Problems);
        }
        let label = |v: &str, empty_ok: bool| {
            (empty_ok || !v.is_empty())
                && v.len() <= MAX_BATCH_LABEL
                && v.bytes()
                    .all(|c| c.is_ascii_alphanumeric() || b" ._:/%-".contains(&c))
        };
        for (index, s) in self.series.iter().enumerate() {
            if s.points.len() > MAX_BATCH_POINTS {
                return Err(BatchError::TooManyPoints {
                    index,
                    points: s.points.len(),
                });
            }
            if !RESOURCE_KINDS.contains(&s.resource.kind.as_str()) {
                return Err(BatchError::Kind {
                    index,
                    kind: s.resource.kind.chars().take(40).collect(),
                });
            }
            for (field, value, empty_ok) in [
                ("resource.id", s.resource.id.as_str(), false),
                ("resource.name", s.resource.name.as_str(), true),
                ("metric", s.metric.as_str(), false),
                ("unit", s.unit.as_str(), true),
            ] {
                if !label(value, empty_ok) {
                    return Err(BatchError::Field { index, field });
                }
            }
            if let Some(point) = s.points.iter().position(|(t, v)| *t <= 0 || !v.is_finite()) {
                return Err(BatchError::Point { index, point });
            }
        }
        Ok(())
    }
}

/// One relayed DigitalOcean call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RelayRequest {
    /// Unique on this connection.
    pub id: u64,
    /// The phase whose token the controller must use.
    pub phase: Phase,
    /// `GET`, `POST`, `PUT`, `PATCH`, `DELETE`, `HEAD`.
    pub method: String,
    /// `/v2/...` with the query, exactly as DigitalOcean expects it.
    pub path_and_query: String,
    /// Allow-listed headers ([`REQUEST_HEADERS`]), lowercase names.
    #[serde(default)]
    pub headers: Vec<(String, String)>,
    /// The customer's signed grant for `phase` (absent for Steady-state, which is on by default
    /// and needs no approval).
    #[serde(default)]
    pub grant: Option<SignedGrant>,
    /// The phase's token, sealed to the controller's key (base64url).
    pub sealed_token: String,
    /// Makes a create safe to retry (see [`derived_idempotency_key`]).
    #[serde(default)]
    pub idempotency_key: Option<String>,
    /// The deploy session on whose behalf the call is made (audit only).
    #[serde(default)]
    pub session_id: Option<String>,
    /// Whether binary body chunks follow.
    #[serde(default)]
    pub body_follows: bool,
}

impl RelayRequest {
    /// A read the controller makes on its own behalf with the Steady-state token (owner checks,
    /// idempotency look-ups, metrics): `GET` with `accept: application/json`, no grant, no body.
    /// `sealed_token` is empty where the caller already holds the opened token (owner checks and
    /// look-ups inside a relayed call).
    pub fn steady_state_get(
        path_and_query: impl Into<String>,
        sealed_token: impl Into<String>,
    ) -> Self {
        RelayRequest {
            id: 0,
            phase: Phase::SteadyState,
            method: "GET".into(),
            path_and_query: path_and_query.into(),
            headers: vec![("accept".into(), "application/json".into())],
            grant: None,
            sealed_token: sealed_token.into(),
            idempotency_key: None,
            session_id: None,
            body_follows: false,
        }
    }
}

/// The head of a response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResponseHead {
    pub id: u64,
    pub status: u16,
    /// Allow-listed headers ([`RESPONSE_HEADERS`]), lowercase names.
    #[serde(default)]
    pub headers: Vec<(String, String)>,
    #[serde(default)]
    pub body_follows: bool,
}

fn parse_frame<T: for<'de> Deserialize<'de>>(text: &str) -> Result<T, FrameError> {
    if text.len() > MAX_CONTROL_FRAME {
        return Err(FrameError::TooLarge(text.len()));
    }
    serde_json::from_str(text).map_err(|e| FrameError::Json(e.to_string()))
}

fn to_text<T: Serialize>(value: &T) -> String {
    // Serialising these plain structs cannot fail (string keys, no custom serialisers that err).
    serde_json::to_string(value).unwrap_or_default()
}

impl RelayMessage {
    pub fn parse(text: &str) -> Result<Self, FrameError> {
        parse_frame(text)
    }

    pub fn to_text(&self) -> String {
        to_text(self)
    }
}

impl ControllerMessage {
    pub fn parse(text: &str) -> Result<Self, FrameError> {
        parse_frame(text)
    }

    pub fn to_text(&self) -> String {
        to_text(self)
    }
}

/// Flag bit of the last chunk of a body.
pub const CHUNK_END: u8 = 0x01;

/// One body chunk as it travels in a binary frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chunk<'a> {
    pub id: u64,
    pub end: bool,
    pub data: &'a [u8],
}

/// `[id: u64 BE][flags: u8][data]`. `data` must be at most [`MAX_CHUNK`] bytes (callers split).
pub fn encode_chunk(id: u64, end: bool, data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(CHUNK_HEADER + data.len());
    out.extend_from_slice(&id.to_be_bytes());
    out.push(if end { CHUNK_END } else { 0 });
    out.extend_from_slice(data);
    out
}

pub fn decode_chunk(frame: &[u8]) -> Result<Chunk<'_>, FrameError> {
    let Some((head, data)) = frame.split_first_chunk::<CHUNK_HEADER>() else {
        return Err(FrameError::ShortChunk(frame.len()));
    };
    if data.len() > MAX_CHUNK {
        return Err(FrameError::ChunkTooLarge(data.len()));
    }
    let (id, flags) = head.split_at(8);
    let flags = flags[0];
    if flags & !CHUNK_END != 0 {
        return Err(FrameError::ChunkFlags(flags));
    }
    let mut id_bytes = [0u8; 8];
    id_bytes.copy_from_slice(id);
    Ok(Chunk {
        id: u64::from_be_bytes(id_bytes),
        end: flags & CHUNK_END != 0,
        data,
    })
}

/// Splits `body` into chunk frames for request `id`; the last one is flagged. An empty body is
/// one empty last chunk.
pub fn chunk_frames(id: u64, body: &[u8]) -> Vec<Vec<u8>> {
    if body.is_empty() {
        return vec![encode_chunk(id, true, &[])];
    }
    let n = body.len().div_ceil(MAX_CHUNK);
    body.chunks(MAX_CHUNK)
        .enumerate()
        .map(|(i, part)| encode_chunk(id, i + 1 == n, part))
        .collect()
}

fn check_field(field: &'static str, value: &str) -> Result<(), FrameError> {
    let ok = !value.is_empty()
        && value.len() <= 200
        && value
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || b"-_.:".contains(&c));
    if ok {
        Ok(())
    } else {
        Err(FrameError::Field(field))
    }
}

/// The relay's address as both sides bind it into the proof: the authority (`host[:port]`) of
/// the URL the controller dialled, lowercased, without a default port (`:80`, `:443`) and without
/// userinfo. `url` may be a full URL (`wss://edge.example.com/relay/v1/connect`) or already an
/// authority (a `Host` header).
pub fn relay_authority(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let lower = authority.to_ascii_lowercase();
    lower
        .strip_suffix(":443")
        .or_else(|| lower.strip_suffix(":80"))
        .unwrap_or(&lower)
        .to_string()
}

/// The exact bytes the controller signs to answer a challenge:
///
/// ```text
/// ferry-relay-proof-v1
/// appliance=<appliance id>
/// nonce=<nonce>
/// relay=<relay authority>
/// ```
///
/// Every line ends with `\n`. Fields are checked so that none can smuggle a line break.
pub fn proof_text(appliance_id: &str, nonce: &str, relay: &str) -> Result<String, FrameError> {
    check_field("the appliance id", appliance_id)?;
    check_field("the nonce", nonce)?;
    check_field("the relay address", relay)?;
    Ok(format!(
        "{PROOF_FORM}\nappliance={appliance_id}\nnonce={nonce}\nrelay={relay}\n"
    ))
}

/// Why a handshake proof is not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    #[error(transparent)]
    Field(#[from] FrameError),
    #[error("the controller's proof does not verify with the registered signing key: {0}")]
    Signature(#[from] CryptoError),
}

/// Verifies a handshake proof with the appliance's registered controller key.
pub fn verify_proof(
    key: &VerifyingKey,
    appliance_id: &str,
    nonce: &str,
    relay: &str,
    signature: &str,
) -> Result<(), ProofError> {
    let text = proof_text(appliance_id, nonce, relay)?;
    key.verify(text.as_bytes(), signature)?;
    Ok(())
}

/// A fresh challenge nonce: 32 random bytes, base64url.
pub fn new_nonce() -> String {
    crate::crypto::b64::encode(&crate::crypto::random_bytes::<32>())
}

/// The idempotency key of a call that did not bring one (`Idempotency-Key` header): derived from
/// the session, the method, the path and the body, so that a client's retry of the very same
/// create after a dropped connection maps to the same key and the controller answers it with
/// the resource the first attempt created. Two byte-identical creates in one session therefore
/// make one resource — which is what a DigitalOcean name that carries the instance id means
/// anyway.
pub fn derived_idempotency_key(
    session_id: &str,
    method: &str,
    path_and_query: &str,
    body: &[u8],
) -> String {
    let mut h = Sha256::new();
    for part in [
        session_id.as_bytes(),
        method.as_bytes(),
        path_and_query.as_bytes(),
        body,
    ] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part);
    }
    format!("ferry-{}", crate::crypto::hex(&h.finalize()[..16]))
}

/// DigitalOcean's own API origin; relayed responses that link to it are rewritten.
pub const DO_API: &str = "https://api.digitalocean.com";

/// Rewrites the absolute URLs under the `links` member of a DigitalOcean JSON response
/// (`links.pages.{first,prev,next,last}`, `links.actions[].href`) to `base`, the relay's own
/// DigitalOcean endpoint (`https://edge/relay/v1/appliances/<id>/do`), keeping the `/v2/...`
/// path and query. Links to any host are rewritten: the controller may be talking to the
/// sandbox cloud, whose links name itself. Returns whether anything changed.
pub fn rewrite_links(body: &mut serde_json::Value, base: &str) -> bool {
    let Some(links) = body.get_mut("links") else {
        return false;
    };
    rewrite_urls(links, base.trim_end_matches('/'))
}

fn rewrite_urls(value: &mut serde_json::Value, base: &str) -> bool {
    match value {
        serde_json::Value::String(s) => {
            let Some(rest) = s
                .split_once("://")
                .and_then(|(_, after)| after.find("/v2/").map(|i| &after[i..]))
            else {
                return false;
            };
            *s = format!("{base}{rest}");
            true
        }
        serde_json::Value::Array(items) => items
            .iter_mut()
            .fold(false, |acc, v| rewrite_urls(v, base) | acc),
        serde_json::Value::Object(map) => map
            .values_mut()
            .fold(false, |acc, v| rewrite_urls(v, base) | acc),
        _ => false,
    }
}

/// A DigitalOcean-shaped error body: `{"id": "...", "message": "..."}` (DigitalOcean's API
/// answers errors this way, and godo reads `message` from it).
pub fn do_error_body(id: &str, message: &str) -> Vec<u8> {
    to_text(&serde_json::json!({ "id": id, "message": message })).into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::SigningKey;
    use crate::grant::{GrantBody, Window};

    #[test]
    fn metrics_batches_are_checked_and_round_trip() {
        use crate::observe::{ResourceRef, Series};
        let good = || Series {
            resource: ResourceRef {
                kind: "droplet".into(),
                id: "123".into(),
                name: "web-1".into(),
            },
            metric: "cpu_percent".into(),
            unit: "%".into(),
            points: vec![(1_700_000_000_000, 12.5)],
        };
        let batch = MetricsBatch {
            series: vec![good()],
            problems: vec!["GET /v2/droplets: 403 forbidden".into()],
        };
        assert_eq!(batch.validate(), Ok(()));
        let msg = ControllerMessage::Metrics(batch.clone());
        assert_eq!(ControllerMessage::parse(&msg.to_text()), Ok(msg));
        let s = RelayMessage::SteadyState { sealed_token: None };
        assert_eq!(RelayMessage::parse(&s.to_text()), Ok(s));

        type Spoil = fn(&mut Series);
        let cases: &[(&str, Spoil, &str)] = &[
            (
                "kind",
                |s| s.resource.kind = "printer".into(),
                "resource kind",
            ),
            ("empty id", |s| s.resource.id.clear(), "`resource.id`"),
            (
                "newline in name",
                |s| s.resource.name = "a\nb".into(),
                "`resource.name`",
            ),
            ("quote in metric", |s| s.metric = "cpu\"".into(), "`metric`"),
            ("long unit", |s| s.unit = "x".repeat(201), "`unit`"),
            ("nan", |s| s.points.push((5, f64::NAN)), "point 1"),
            ("time zero", |s| s.points[0].0 = 0, "point 0"),
            (
                "many points",
                |s| s.points = vec![(1, 1.0); MAX_BATCH_POINTS + 1],
                "points",
            ),
        ];
        for (what, spoil, expected) in cases {
            let mut s = good();
            spoil(&mut s);
            let e = MetricsBatch {
                series: vec![good(), s],
                problems: Vec::new(),
            }
            .validate()
            .expect_err(what)
            .to_string();
            assert!(
                e.contains(expected) && e.contains("series 1"),
                "{what}: {e}"
            );
        }
        let many = MetricsBatch {
            series: vec![good(); MAX_BATCH_SERIES + 1],
            problems: Vec::new(),
        };
        assert_eq!(
            many.validate(),
            Err(BatchError::TooManySeries(MAX_BATCH_SERIES + 1))
        );
        let noisy = MetricsBatch {
            series: Vec::new(),
            problems: vec!["a\nb".into()],
        };
        assert_eq!(noisy.validate(), Err(BatchError::Problems));
    }

    #[test]
    fn control_frames_round_trip_with_a_stable_shape() {
        let hello = ControllerMessage::Hello {
            appliance_id: "app-1".into(),
            protocol_version: PROTOCOL_VERSION,
            agent: "ferry-controller/0.1.0".into(),
        };
        let text = hello.to_text();
        assert_eq!(
            text,
            r#"{"type":"hello","appliance_id":"app-1","protocol_version":2,"agent":"ferry-controller/0.1.0"}"#
        );
        assert_eq!(ControllerMessage::parse(&text), Ok(hello));

        let key = SigningKey::generate();
        let grant = GrantBody::new(
            "app-1",
            Phase::Deploy,
            Window::Manual {
                starts_at_ms: 0,
                ends_at_ms: 10,
            },
            None,
        )
        .sign(&key)
        .expect("sign");
        let req = RelayMessage::Request(Box::new(RelayRequest {
            id: 7,
            phase: Phase::Deploy,
            method: "POST".into(),
            path_and_query: "/v2/droplets?per_page=200".into(),
            headers: vec![("content-type".into(), "application/json".into())],
            grant: Some(grant),
            sealed_token: "c2VhbGVk".into(),
            idempotency_key: Some("k".into()),
            session_id: Some("s-1".into()),
            body_follows: true,
        }));
        let text = req.to_text();
        assert!(
            text.starts_with(r#"{"type":"request","id":7,"phase":"deploy","#),
            "{text}"
        );
        assert_eq!(RelayMessage::parse(&text), Ok(req));

        let head = ControllerMessage::Response(ResponseHead {
            id: 7,
            status: 201,
            headers: vec![],
            body_follows: false,
        });
        assert_eq!(
            head.to_text(),
            r#"{"type":"response","id":7,"status":201,"headers":[],"body_follows":false}"#
        );
        assert_eq!(ControllerMessage::parse(&head.to_text()), Ok(head));
        for (text, want) in [
            (
                r#"{"type":"cancel","id":3}"#,
                RelayMessage::Cancel { id: 3 },
            ),
            (r#"{"type":"ping","seq":1}"#, RelayMessage::Ping { seq: 1 }),
            (
                r#"{"type":"challenge","nonce":"abc"}"#,
                RelayMessage::Challenge {
                    nonce: "abc".into(),
                },
            ),
        ] {
            assert_eq!(RelayMessage::parse(text), Ok(want));
        }
    }

    #[test]
    fn bad_control_frames_are_refused_with_a_reason() {
        for bad in [
            "",
            "{}",
            r#"{"type":"launch_missiles"}"#,
            r#"{"type":"cancel","id":-1}"#,
            r#"{"type":"cancel","id":1,"extra":true}"#,
        ] {
            assert!(
                matches!(RelayMessage::parse(bad), Err(FrameError::Json(_))),
                "{bad}"
            );
        }
        let huge = format!(
            r#"{{"type":"refused","reason":"{}"}}"#,
            "x".repeat(MAX_CONTROL_FRAME)
        );
        assert!(matches!(
            RelayMessage::parse(&huge),
            Err(FrameError::TooLarge(_))
        ));
    }

    #[test]
    fn chunks_round_trip_and_bad_ones_are_refused() {
        let frame = encode_chunk(0x0102_0304_0506_0708, true, b"hello");
        assert_eq!(&frame[..9], &[1, 2, 3, 4, 5, 6, 7, 8, CHUNK_END]);
        assert_eq!(
            decode_chunk(&frame),
            Ok(Chunk {
                id: 0x0102_0304_0506_0708,
                end: true,
                data: b"hello"
            })
        );
        assert_eq!(
            decode_chunk(&encode_chunk(1, false, &[])),
            Ok(Chunk {
                id: 1,
                end: false,
                data: &[]
            })
        );
        assert_eq!(decode_chunk(&[0; 8]), Err(FrameError::ShortChunk(8)));
        let mut flagged = encode_chunk(1, false, b"x");
        flagged[8] = 0x81;
        assert_eq!(decode_chunk(&flagged), Err(FrameError::ChunkFlags(0x81)));
        let big = vec![0u8; CHUNK_HEADER + MAX_CHUNK + 1];
        assert_eq!(
            decode_chunk(&big),
            Err(FrameError::ChunkTooLarge(MAX_CHUNK + 1))
        );
    }

    #[test]
    fn bodies_split_into_bounded_chunks_with_one_last() {
        for len in [
            0,
            1,
            MAX_CHUNK - 1,
            MAX_CHUNK,
            MAX_CHUNK + 1,
            3 * MAX_CHUNK + 5,
        ] {
            let body: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            let frames = chunk_frames(9, &body);
            let chunks: Vec<Chunk<'_>> = frames
                .iter()
                .map(|f| decode_chunk(f).expect("decodes"))
                .collect();
            assert!(
                chunks
                    .iter()
                    .all(|c| c.id == 9 && c.data.len() <= MAX_CHUNK)
            );
            assert_eq!(chunks.iter().filter(|c| c.end).count(), 1, "len {len}");
            assert!(chunks.last().is_some_and(|c| c.end));
            let joined: Vec<u8> = chunks.iter().flat_map(|c| c.data.to_vec()).collect();
            assert_eq!(joined, body, "len {len}");
        }
    }

    #[test]
    fn proof_text_is_exact_and_verifies_only_for_its_binding() {
        assert_eq!(
            proof_text("app-1", "bm9uY2U", "edge.example.com").expect("text"),
            "ferry-relay-proof-v1\nappliance=app-1\nnonce=bm9uY2U\nrelay=edge.example.com\n"
        );
        let key = SigningKey::generate();
        let public = key.verifying_key();
        let nonce = new_nonce();
        assert_eq!(nonce.len(), 43, "32 bytes of base64url");
        let sig = key.sign(
            proof_text("app-1", &nonce, "edge:8080")
                .expect("text")
                .as_bytes(),
        );
        assert_eq!(
            verify_proof(&public, "app-1", &nonce, "edge:8080", &sig),
            Ok(())
        );
        // Another appliance, nonce, relay or key: refused.
        assert!(verify_proof(&public, "app-2", &nonce, "edge:8080", &sig).is_err());
        assert!(verify_proof(&public, "app-1", &new_nonce(), "edge:8080", &sig).is_err());
        assert!(verify_proof(&public, "app-1", &nonce, "evil:8080", &sig).is_err());
        let stranger = SigningKey::generate().verifying_key();
        assert!(verify_proof(&stranger, "app-1", &nonce, "edge:8080", &sig).is_err());
        // No field can smuggle a line.
        assert_eq!(
            proof_text("app-1\nrelay=evil", &nonce, "edge"),
            Err(FrameError::Field("the appliance id"))
        );
        assert!(proof_text("app-1", &nonce, "").is_err());
    }

    #[test]
    fn relay_authority_is_normalised_the_same_on_both_sides() {
        for (input, want) in [
            (
                "wss://Edge.Example.com/relay/v1/connect",
                "edge.example.com",
            ),
            (
                "wss://edge.example.com:443/relay/v1/connect",
                "edge.example.com",
            ),
            ("ws://127.0.0.1:8080/relay/v1/connect", "127.0.0.1:8080"),
            ("ws://user:pw@127.0.0.1:80/x?y", "127.0.0.1"),
            ("127.0.0.1:8080", "127.0.0.1:8080"),
            ("edge.example.com", "edge.example.com"),
        ] {
            assert_eq!(relay_authority(input), want, "{input}");
        }
    }

    #[test]
    fn headers_are_filtered_to_the_allow_list() {
        let kept = filter_headers(
            [
                ("Authorization", "Bearer secret"),
                ("Content-Type", "application/json"),
                ("Cookie", "a=b"),
                ("User-Agent", "Terraform/1.9 godo/1.1"),
                ("Accept-Encoding", "gzip"),
                ("Idempotency-Key", "k1"),
            ],
            REQUEST_HEADERS,
        );
        assert_eq!(
            kept,
            vec![
                ("content-type".to_string(), "application/json".to_string()),
                ("user-agent".into(), "Terraform/1.9 godo/1.1".into()),
                ("idempotency-key".into(), "k1".into()),
            ]
        );
    }

    #[test]
    fn derived_keys_depend_on_every_part() {
        let k = derived_idempotency_key("s", "POST", "/v2/droplets", b"{}");
        assert!(k.starts_with("ferry-") && k.len() == 6 + 32, "{k}");
        assert_eq!(
            k,
            derived_idempotency_key("s", "POST", "/v2/droplets", b"{}")
        );
        for other in [
            derived_idempotency_key("t", "POST", "/v2/droplets", b"{}"),
            derived_idempotency_key("s", "PUT", "/v2/droplets", b"{}"),
            derived_idempotency_key("s", "POST", "/v2/volumes", b"{}"),
            derived_idempotency_key("s", "POST", "/v2/droplets", b"{ }"),
            // Length prefixes: moving bytes between fields changes the key.
            derived_idempotency_key("sP", "OST", "/v2/droplets", b"{}"),
        ] {
            assert_ne!(k, other);
        }
    }

    #[test]
    fn pagination_and_action_links_point_back_at_the_relay() {
        let base = "https://edge.example.com/relay/v1/appliances/app-1/do";
        let mut body = serde_json::json!({
            "droplets": [{"id": 1, "name": "https://api.digitalocean.com/v2/not-a-link"}],
            "links": {
                "pages": {
                    "next": "https://api.digitalocean.com/v2/droplets?page=2&per_page=1",
                    "last": "http://127.0.0.1:9999/v2/droplets?page=3&per_page=1"
                },
                "actions": [{"id": 5, "rel": "create", "href": "https://api.digitalocean.com/v2/actions/5"}]
            },
            "meta": {"total": 3}
        });
        assert!(rewrite_links(&mut body, &format!("{base}/")));
        assert_eq!(
            body["links"]["pages"]["next"],
            format!("{base}/v2/droplets?page=2&per_page=1")
        );
        assert_eq!(
            body["links"]["pages"]["last"],
            format!("{base}/v2/droplets?page=3&per_page=1")
        );
        assert_eq!(
            body["links"]["actions"][0]["href"],
            format!("{base}/v2/actions/5")
        );
        assert_eq!(body["links"]["actions"][0]["rel"], "create");
        // Outside `links`, nothing is touched.
        assert_eq!(
            body["droplets"][0]["name"],
            "https://api.digitalocean.com/v2/not-a-link"
        );
        let mut plain = serde_json::json!({"droplet": {"id": 1}});
        assert!(!rewrite_links(&mut plain, base));
    }
}
