//! Errors: [`DoError`], an answer in DigitalOcean's error format, and [`Error`], what can go
//! wrong opening or running the sandbox itself.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// An HTTP error answer as DigitalOcean gives it: `{"id", "message", "request_id"}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DoError {
    pub status: StatusCode,
    /// DigitalOcean's short code: `unauthorized`, `forbidden`, `not_found`,
    /// `unprocessable_entity`, `too_many_requests`, …
    pub id: &'static str,
    pub message: String,
    /// Seconds a client should wait (429 on the burst limit).
    pub retry_after: Option<u64>,
}

impl DoError {
    fn new(status: StatusCode, id: &'static str, message: impl Into<String>) -> Self {
        DoError {
            status,
            id,
            message: message.into(),
            retry_after: None,
        }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Unable to authenticate you",
        )
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    pub fn not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "The resource you were accessing could not be found.",
        )
    }

    pub fn not_found_msg(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    pub fn method_not_allowed() -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "The method is not allowed for the requested URL.",
        )
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, "conflict", message)
    }

    pub fn precondition_failed(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::PRECONDITION_FAILED,
            "precondition_failed",
            message,
        )
    }

    pub fn unprocessable(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "unprocessable_entity",
            message,
        )
    }

    pub fn payload_too_large(limit: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "request_entity_too_large",
            format!("the request body is larger than {limit} bytes"),
        )
    }

    pub fn too_many_requests(retry_after: Option<u64>) -> Self {
        DoError {
            retry_after,
            ..Self::new(
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_requests",
                "API Rate limit exceeded.",
            )
        }
    }

    pub fn server_error(message: impl Into<String>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "server_error", message)
    }
}

impl std::fmt::Display for DoError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.status.as_u16(), self.id, self.message)
    }
}

impl IntoResponse for DoError {
    fn into_response(self) -> Response {
        let request_id = uuid::Uuid::new_v4().to_string();
        let body = json!({"id": self.id, "message": self.message, "request_id": request_id});
        let mut res = (self.status, axum::Json(body)).into_response();
        if let Ok(v) = HeaderValue::from_str(&request_id) {
            res.headers_mut().insert("x-request-id", v);
        }
        if let Some(secs) = self.retry_after {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        res
    }
}

impl From<Error> for DoError {
    fn from(e: Error) -> Self {
        tracing::error!("sandbox cloud: {e}");
        DoError::server_error("Server was unable to give you a response.")
    }
}

/// What can go wrong opening or running the sandbox (not a client's fault).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("sandbox database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("sandbox database holds a document that is not JSON ({kind} {id}): {source}")]
    Corrupt {
        kind: String,
        id: String,
        source: serde_json::Error,
    },
    #[error("the embedded OpenAPI summary (data/spec.json) does not parse: {0}")]
    Spec(serde_json::Error),
    #[error("token: {0}")]
    Token(String),
}
