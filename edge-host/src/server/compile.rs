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
    serve_wasm(&state, &headers, "no-cache")
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
    serve_wasm(&state, &headers, "public, max-age=31536000, immutable")
}

fn serve_wasm(state: &AppState, headers: &HeaderMap, cache_control: &'static str) -> Response {
    let etag = format!("\"{}\"", state.sandbox.sha256());
    let mut res = if headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"))
    {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let bytes: Arc<[u8]> = state.sandbox.bytes().clone();
        let mut res = Bytes::from_owner(ArcBytes(bytes)).into_response();
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/wasm"),
        );
        res
    };
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(cache_control),
    );
    res
}

struct ArcBytes(Arc<[u8]>);

impl AsRef<[u8]> for ArcBytes {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}
