//! `POST /api/v1/appliances/{id}/releases`: compiles the origin stack for the appliance — its
//! instance id, region and relay URL — in the same wasmtime sandbox as `POST /api/v1/compile`,
//! then hands the result to the broker, which stores it with its digests.

use super::auth::Caller;
use super::{broker_error, broker_of, json, parse};
use crate::server::AppState;
use crate::server::compile::sandbox_error;
use crate::server::error::ApiError;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use ferry_api::broker::NewRelease;
use ferry_broker::CompiledRelease;
use ferry_compiler::api::{Compilation, CompileRequest, ErrorBody, Options};

pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let b = broker_of(&state)?;
    let req: NewRelease = parse(&body)?;
    let now = b.broker.now_ms();
    // Visibility and role first: nothing is compiled for someone who may not create it.
    let appliance = b
        .broker
        .appliance(&caller.principal, &id, now)
        .await
        .map_err(broker_error)?;
    if !caller.principal.is_vendor() {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "vendor_only",
            "only the vendor creates releases",
        ));
    }
    let relay_url = b.config.relay_url(&appliance.id);
    let mut options = req.options.clone().unwrap_or_default();
    for (name, given, fixed) in [
        ("instance_id", &options.instance_id, &appliance.instance_id),
        ("region", &options.region, &appliance.region),
        ("relay_url", &options.relay_url, &relay_url),
    ] {
        if given.as_ref().is_some_and(|g| g != fixed) {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "option_fixed",
                format!(
                    "`options.{name}` is the appliance's own (`{fixed}`) and cannot be overridden"
                ),
            ));
        }
    }
    options = Options {
        instance_id: Some(appliance.instance_id.clone()),
        region: Some(appliance.region.clone()),
        relay_url: Some(relay_url),
        ..options
    };
    let request = CompileRequest {
        files: req.files.clone(),
        options,
    };
    let bytes = serde_json::to_vec(&request).map_err(|e| ApiError::internal(e.to_string()))?;
    let permit = state.compile_slot().await?;
    let sandbox = state.sandbox.clone();
    let (result, stats) = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        sandbox.compile(&bytes)
    })
    .await
    .map_err(|e| ApiError::internal(format!("the compile task failed: {e}")))?;
    state.metrics.guest_run(&stats);
    let answer = result.map_err(sandbox_error)?;
    let compilation: Compilation = match serde_json::from_slice(&answer) {
        Ok(c) => c,
        Err(_) => {
            let message = serde_json::from_slice::<ErrorBody>(&answer).map_or_else(
                |_| "the compiler's answer is neither a compilation nor an error".to_string(),
                |e| e.error.message,
            );
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "compile_failed",
                format!("the origin stack could not be compiled: {message}"),
            ));
        }
    };
    let report =
        serde_json::to_value(&compilation.report).map_err(|e| ApiError::internal(e.to_string()))?;
    let counts = &compilation.report.counts;
    let compiled = CompiledRelease {
        origin_files: req.files,
        files: compilation.files,
        report,
        errors: u32::try_from(counts.errors).unwrap_or(u32::MAX),
        warnings: u32::try_from(counts.warnings).unwrap_or(u32::MAX),
        note: req.note,
    };
    let release = b
        .broker
        .create_release(&caller.principal, &id, &compiled, b.broker.now_ms())
        .await
        .map_err(broker_error)?;
    Ok(json(StatusCode::CREATED, &release))
}
