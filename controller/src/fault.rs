//! Test-only fault injection: make the controller process die abruptly at a chosen DigitalOcean
//! call, as a `kill -9` would at that request boundary. Used by the real-process end-to-end test
//! (`edge-host/tests/appliance_e2e.rs`) through the hidden `ferry controller` options
//! `--exit-after-call N`, `--exit-before-call N`, `--exit-after-write N`, `--exit-before-write N`;
//! nothing else sets it, and it is off unless set.
//!
//! * after: the N-th call is executed by DigitalOcean, then the process exits before answering
//!   the relay — the worst boundary (the outcome is unknown to the caller);
//! * before: the process exits just before sending the N-th call;
//! * calls count every call the controller makes (its own ownership reads and idempotency
//!   look-ups too); writes count only `POST`, `PUT`, `PATCH` and `DELETE`.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

/// Where to die.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fault {
    /// After DigitalOcean answered (true) or before sending (false).
    pub after: bool,
    /// Count only writes.
    pub writes_only: bool,
    /// 1-based.
    pub n: u64,
}

/// The exit code of a process stopped by an injected fault.
pub const FAULT_EXIT_CODE: i32 = 86;

static FAULT: OnceLock<Fault> = OnceLock::new();
static CALLS: AtomicU64 = AtomicU64::new(0);
static WRITES: AtomicU64 = AtomicU64::new(0);

/// Arms the fault for this process (the first call wins; later calls are ignored).
pub fn arm(fault: Fault) {
    let _ = FAULT.set(fault);
}

fn die(when: &str, what: &str, n: u64, method: &str, path: &str) -> ! {
    eprintln!(
        "ferry controller: injected fault: exiting {when} DigitalOcean {what} {n} ({method} {path})"
    );
    std::process::exit(FAULT_EXIT_CODE)
}

/// The call's number among the ones the armed fault counts (0 when it does not count).
fn count(method: &str) -> (u64, &'static str) {
    let call = CALLS.fetch_add(1, Ordering::SeqCst) + 1;
    match FAULT.get() {
        Some(f) if f.writes_only => {
            if matches!(method, "GET" | "HEAD") {
                (0, "write")
            } else {
                (WRITES.fetch_add(1, Ordering::SeqCst) + 1, "write")
            }
        }
        _ => (call, "call"),
    }
}

/// Called just before a DigitalOcean call is sent; returns its number for [`after_call`].
pub(crate) fn before_call(method: &str, path: &str) -> u64 {
    if FAULT.get().is_none() {
        return 0;
    }
    let (n, what) = count(method);
    if let Some(f) = FAULT.get()
        && !f.after
        && n == f.n
    {
        die("before", what, n, method, path);
    }
    n
}

/// Called when DigitalOcean has answered call `n` (before anything is passed back).
pub(crate) fn after_call(n: u64, method: &str, path: &str) {
    if let Some(f) = FAULT.get()
        && f.after
        && n != 0
        && n == f.n
    {
        let what = if f.writes_only { "write" } else { "call" };
        die("after", what, n, method, path);
    }
}
