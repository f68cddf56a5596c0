//! `POST /api/v1/compile`, `GET /api/v1/compiler` and the module's bytes.

use super::AppState;
use super::compile_cache::{Cached, CompileCache};
use super::error::ApiError;
use super::sandbox::SandboxError;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use ferry_compiler::api::{CompilerInfo, ErrorDetail};
use std::sync::Arc;

/// Where `/api/v1/compiler` says the module is; also served at `/compiler.wasm`.
pub fn immutable_url(sha256: &str) -> String {
    format!("/compiler/{sha256}.wasm")
}

/// `POST /api/v1/compile`: the body is a compile request (`ferry_compiler::api::CompileRequest`),
/// the answer is the module's response bytes as they are.
pub async fn compile(
    State(state): State<AppState>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let metrics = state.metrics.clone();
    let result = run(state, body).await;
    if let Err(e) = &result {
        metrics.rejection(e.code);
    }
    result
}

async fn run(state: AppState, body: Result<Bytes, BytesRejection>) -> Result<Response, ApiError> {
    let body = body.map_err(|r| {
        let status = r.status();
        let mut e = ApiError::from_status(status);
        if status != StatusCode::PAYLOAD_TOO_LARGE {
            e.message = format!("cannot read the request body: {}", r.body_text());
        }
        e
    })?;
    let key = state
        .compile_cache
        .enabled()
        .then(|| CompileCache::key(&body));
    if let Some(hit) = key.as_ref().and_then(|k| state.compile_cache.get(k)) {
        state.metrics.compile_cache(true);
        if hit.status == StatusCode::BAD_REQUEST {
            state.metrics.rejection("bad_request");
        }
        return Ok(answer(hit.status, hit.body, "hit"));
    }
    let permit = state.compile_slot().await?;
    let sandbox = state.sandbox.clone();
    let (result, stats) = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        sandbox.compile(&body)
    })
    .await
    .map_err(|e| ApiError::internal(format!("the compile task failed: {e}")))?;
    state.metrics.guest_run(&stats);
    let bytes = result.map_err(sandbox_error)?;
    let status = match guest_error_code(&bytes).as_deref() {
        None => StatusCode::OK,
        Some("bad_request") => {
            state.metrics.rejection("bad_request");
            StatusCode::BAD_REQUEST
        }
        Some(_) => {
            state.metrics.rejection("guest_error");
            StatusCode::INTERNAL_SERVER_ERROR
        }
    };
    let bytes = Bytes::from(bytes);
    if let Some(key) = key {
        state.metrics.compile_cache(false);
        state.compile_cache.insert(
            key,
            Cached {
                status,
                body: bytes.clone(),
            },
        );
    }
    Ok(answer(status, bytes, "miss"))
}

/// The module's answer; `x-ferry-cache` says whether it came from the [`CompileCache`].
fn answer(status: StatusCode, body: Bytes, cache: &'static str) -> Response {
    (
        status,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            (
                HeaderName::from_static("x-ferry-cache"),
                HeaderValue::from_static(cache),
            ),
        ],
        body,
    )
        .into_response()
}

/// The `error.code` of a module response that is an error, if it is one. The sandbox has already
/// checked that the bytes are JSON.
fn guest_error_code(bytes: &[u8]) -> Option<String> {
    // Cheap pre-check: a compilation starts with `{"files"`, an error with `{"error"`.
    let head = bytes.get(..16)?;
    if !head.windows(7).any(|w| w == b"\"error\"") {
        return None;
    }
    #[derive(serde::Deserialize)]
    struct Probe {
        error: Option<ErrorDetail>,
    }
    serde_json::from_slice::<Probe>(bytes)
        .ok()
        .and_then(|p| p.error)
        .map(|e| e.code)
}

/// How each sandbox failure reaches the client. Budget overruns are the input's doing (422: the
/// same input will fail the same way); a trap is a compiler bug (500); a full pool is transient
/// (503 + `Retry-After`).
pub fn sandbox_error(e: SandboxError) -> ApiError {
    let message = e.to_string();
    match e {
        SandboxError::Timeout(_) | SandboxError::OutOfFuel(_) => {
            ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "compile_timeout", message)
        }
        SandboxError::OutOfMemory(_) => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "compile_out_of_memory",
            message,
        ),
        SandboxError::Trap(_) => {
            ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "guest_trap", message)
        }
        SandboxError::RequestTooLarge { .. } => {
            ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", message)
        }
        SandboxError::BadResponse(_) => ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "guest_bad_response",
            message,
        ),
        SandboxError::Busy(_) => ApiError::busy(message),
        SandboxError::Internal(_) => ApiError::internal(message),
    }
}

/// `GET /api/v1/compiler`.
pub async fn info(State(state): State<AppState>) -> Response {
    let info = CompilerInfo {
        sha256: state.sandbox.sha256().to_string(),
        abi_version: state.sandbox.abi_version(),
        url: immutable_url(state.sandbox.sha256()),
    };
    match serde_json::to_vec(&info) {
        Ok(body) => (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            body,
        )
            .into_response(),
        Err(e) => ApiError::internal(e.to_string()).into_response(),
    }
}

/// `GET /compiler.wasm`: the very bytes the sandbox runs. A stable URL, so clients revalidate
/// (`no-cache`) against the strong ETag and get a 304 while the module is unchanged.
pub async fn wasm(State(state): State<AppState>, headers: HeaderMap) -> Response {
    serve_wasm(&state, &headers, "no-cache").await
}

/// `GET /compiler/{sha256}.wasm`: the same bytes under a content-addressed URL, cacheable forever.
pub async fn wasm_by_hash(
    State(state): State<AppState>,
    axum::extract::Path(file): axum::extract::Path<String>,
    headers: HeaderMap,
) -> Response {
    let wanted = file.strip_suffix(".wasm").unwrap_or(&file);
    if wanted != state.sandbox.sha256() {
        return ApiError::not_found(&format!(
            "/compiler/{file} (this host runs /compiler/{}.wasm)",
            state.sandbox.sha256()
        ))
        .into_response();
    }
    serve_wasm(&state, &headers, "public, max-age=31536000, immutable").await
}

/// The module's bytes, gzip-encoded when the client accepts it (a browser's first visit
/// downloads about a third of the raw size). Each encoding has its own strong ETag
/// (`"<sha256>"`, `"<sha256>-gzip"`); a revalidation naming either is answered 304, since both
/// stand for the same bytes.
async fn serve_wasm(
    state: &AppState,
    headers: &HeaderMap,
    cache_control: &'static str,
) -> Response {
    let sha = state.sandbox.sha256();
    let identity_tag = format!("\"{sha}\"");
    let gzip_tag = format!("\"{sha}-gzip\"");
    let gzip = if accepts_gzip(headers) {
        state.compiler_wasm_gzip().await
    } else {
        None
    };
    let etag = if gzip.is_some() {
        &gzip_tag
    } else {
        &identity_tag
    };
    let revalidated = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',').map(str::trim).any(|t| {
                let t = t.strip_prefix("W/").unwrap_or(t);
                t == identity_tag || t == gzip_tag || t == "*"
            })
        });
    let mut res = if revalidated {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut res = match &gzip {
            Some(body) => {
                let mut res = body.clone().into_response();
                res.headers_mut()
                    .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
                res
            }
            None => {
                let bytes: Arc<[u8]> = state.sandbox.bytes().clone();
                Bytes::from_owner(ArcBytes(bytes)).into_response()
            }
        };
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/wasm"),
        );
        res
    };
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(etag) {
        h.insert(header::ETAG, v);
    }
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(cache_control),
    );
    h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    res
}

/// Whether `Accept-Encoding` allows gzip: `gzip` (or `x-gzip`), else `*`, with a q-value
/// above 0 (RFC 9110 §12.5.3). No header means no encoding.
fn accepts_gzip(headers: &HeaderMap) -> bool {
    let (mut gzip, mut any) = (None, None);
    for value in headers.get_all(header::ACCEPT_ENCODING) {
        let Ok(value) = value.to_str() else { continue };
        for item in value.split(',') {
            let mut parts = item.split(';');
            let coding = parts.next().unwrap_or_default().trim();
            let q = parts
                .find_map(|p| {
                    let p = p.trim();
                    p.strip_prefix("q=").or_else(|| p.strip_prefix("Q="))
                })
                .map_or(1.0, |q| q.trim().parse::<f32>().unwrap_or(0.0));
            if coding.eq_ignore_ascii_case("gzip") || coding.eq_ignore_ascii_case("x-gzip") {
                gzip = Some(q);
            } else if coding == "*" {
                any = Some(q);
            }
        }
    }
    gzip.or(any).is_some_and(|q| q > 0.0)
}

/// gzip of `bytes` at the best compression: done once per module (see
/// [`AppState::compiler_wasm_gzip`]).
pub(crate) fn gzip(bytes: &[u8]) -> Option<Bytes> {
    use std::io::Write;
    let mut enc = flate2::write::GzEncoder::new(
        Vec::with_capacity(bytes.len() / 2),
        flate2::Compression::best(),
    );
    enc.write_all(bytes).ok()?;
    enc.finish().ok().map(Bytes::from)
}

struct ArcBytes(Arc<[u8]>);

impl AsRef<[u8]> for ArcBytes {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}
