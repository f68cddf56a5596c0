//! The compiler module ABI (DESIGN §4): one core WebAssembly module, no imports.
//!
//! | export | signature | meaning |
//! |---|---|---|
//! | `memory` | memory | the module's linear memory |
//! | `ferry_abi_version` | `() -> i32` | bumped on any incompatible change |
//! | `ferry_alloc` | `(len: i32) -> i32` | a buffer of `len` bytes for the request |
//! | `ferry_free` | `(ptr: i32, len: i32)` | release a buffer (request or response) |
//! | `ferry_compile` | `(ptr: i32, len: i32) -> i64` | request JSON in; `(ptr << 32) \| len` of the response JSON |
//!
//! The host writes the request into a buffer from `ferry_alloc`, calls `ferry_compile` (which
//! takes ownership of the request buffer and frees it), reads the response, and frees it with
//! `ferry_free`. The response is `{"files", "report"}` or `{"error": {"code", "message"}}`.
//! A panic aborts the instance (the module is built with `panic = "abort"`): it traps in the
//! host and never crosses the boundary as a half-written response.
//!
//! Natively, [`compile_json`] is the same function without the memory plumbing; the native ≡
//! wasm tests compare the two byte for byte.

// The exported functions hand raw buffers across the module boundary; this is the one place
// Ferry needs `unsafe`.
#![allow(unsafe_code)]

use ferry_compiler::api::{CompileRequest, ErrorBody, ErrorDetail};

// The guest's allocator; natively the process's allocator serves (tested on both).
#[cfg(any(target_arch = "wasm32", test))]
mod alloc;

#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: alloc::Classes = alloc::Classes::new();

/// Incremented on any incompatible change of the exports or of the request/response JSON.
pub const ABI_VERSION: i32 = 1;

/// Request JSON → response JSON. Pure; the single implementation behind the ABI.
pub fn compile_json(request: &[u8]) -> Vec<u8> {
    match serde_json::from_slice::<CompileRequest>(request) {
        Ok(req) => {
            #[cfg(feature = "test-hooks")]
            hooks::run(&req);
            ferry_compiler::compile(&req).to_json().into_bytes()
        }
        Err(e) => error(
            "bad_request",
            &format!("the request is not a valid compile request: {e}"),
        ),
    }
}

fn error(code: &str, message: &str) -> Vec<u8> {
    let body = ErrorBody {
        error: ErrorDetail {
            code: code.into(),
            message: message.into(),
        },
    };
    serde_json::to_vec(&body).unwrap_or_else(|_| {
        br#"{"error":{"code":"internal","message":"serialisation failed"}}"#.to_vec()
    })
}

/// Hostile behaviour for the host's sandbox tests, compiled in only with the `test-hooks`
/// feature: a request whose `options.instance_id` is one of the markers below makes the module
/// spin forever or allocate without bound, so the tests can prove the host's deadline and memory
/// cap stop it.
#[cfg(feature = "test-hooks")]
pub mod hooks {
    use ferry_compiler::api::CompileRequest;

    /// `options.instance_id` that makes the module loop forever.
    pub const LOOP: &str = "ferry-test-hook:loop";
    /// `options.instance_id` that makes the module allocate until memory runs out.
    pub const MEMORY_BOMB: &str = "ferry-test-hook:memory-bomb";

    pub(crate) fn run(req: &CompileRequest) {
        match req.options.instance_id.as_deref() {
            Some(LOOP) => {
                let mut n = 0u64;
                loop {
                    n = std::hint::black_box(n.wrapping_add(1));
                }
            }
            Some(MEMORY_BOMB) => {
                let mut hoard: Vec<Vec<u8>> = Vec::new();
                loop {
                    hoard.push(std::hint::black_box(vec![1u8; 1 << 20]));
                }
            }
            _ => {}
        }
    }
}

#[cfg(target_arch = "wasm32")]
mod exports {
    use super::*;

    #[unsafe(no_mangle)]
    pub extern "C" fn ferry_abi_version() -> i32 {
        ABI_VERSION
    }

    #[unsafe(no_mangle)]
    pub extern "C" fn ferry_alloc(len: i32) -> i32 {
        let Ok(len) = usize::try_from(len) else {
            return 0;
        };
        let mut buf = Vec::<u8>::with_capacity(len.max(1));
        let ptr = buf.as_mut_ptr();
        std::mem::forget(buf);
        ptr as i32
    }

    /// # Safety
    /// `ptr`/`len` must come from `ferry_alloc(len)` or a `ferry_compile` response.
    #[unsafe(no_mangle)]
    pub unsafe extern "C" fn ferry_free(ptr: i32, len: i32) {
        let Ok(len) = usize::try_from(len) else {
            return;
        };
        if ptr == 0 {
            return;
        }
        // SAFETY: the host passes back a buffer this module allocated with capacity `len.max(1)`.
        drop(unsafe { Vec::from_raw_parts(ptr as *mut u8, 0, len.max(1)) });
    }

    /// # Safety
    /// `ptr`/`len` must be a buffer from `ferry_alloc(len)` holding the request; it is freed here.
    #[unsafe(no_mangle)]
    pub unsafe extern "C" fn ferry_compile(ptr: i32, len: i32) -> i64 {
        let Ok(n) = usize::try_from(len) else {
            return 0;
        };
        // SAFETY: the host wrote `len` bytes into a buffer from `ferry_alloc(len)`.
        let request = unsafe { Vec::from_raw_parts(ptr as *mut u8, n, n.max(1)) };
        let mut response = compile_json(&request);
        drop(request);
        response.shrink_to_fit();
        let out_len = response.len();
        let out_ptr = response.as_mut_ptr();
        std::mem::forget(response);
        ((out_ptr as u32 as i64) << 32) | (out_len as u32 as i64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_requests_are_json_errors() {
        let out: serde_json::Value =
            serde_json::from_slice(&compile_json(b"{not json")).expect("JSON");
        assert_eq!(out["error"]["code"], "bad_request");
        let out: serde_json::Value =
            serde_json::from_slice(&compile_json(br#"{"files":{},"bogus":1}"#)).expect("JSON");
        assert!(
            out["error"]["message"]
                .as_str()
                .expect("message")
                .contains("bogus")
        );
    }

    #[test]
    fn compiles_a_request() {
        let req = br#"{"files":{"main.tf":"resource \"aws_vpc\" \"m\" {\n  cidr_block = \"10.0.0.0/16\"\n}\n"},"options":{}}"#;
        let out: serde_json::Value = serde_json::from_slice(&compile_json(req)).expect("JSON");
        assert!(
            out["files"]["main.tf"]
                .as_str()
                .expect("main.tf")
                .contains("digitalocean_vpc")
        );
    }
}
