//! Test-only fault injection: make the controller process die abruptly at a chosen DigitalOcean
//! call, as a `kill -9` would at that request boundary. Used by the real-process end-to-end test
//! (`edge-host/tests/appliance_e2e.rs`) through the hidden `ferry controller --exit-after-calls N`
//! / `--exit-before-call N` options; nothing else sets it, and it is off unless set.
//!
//! * [`Fault::ExitAfterCall`]: the N-th call is executed by DigitalOcean, then the process exits
//!   before answering the relay — the worst boundary (the outcome is unknown to the caller).
//! * [`Fault::ExitBeforeCall`]: the process exits just before sending the N-th call.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

/// Where to die.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    ExitAfterCall(u64),
    ExitBeforeCall(u64),
}

/// The exit code of a process stopped by an injected fault.
pub const FAULT_EXIT_CODE: i32 = 86;

static FAULT: OnceLock<Fault> = OnceLock::new();
static CALLS: AtomicU64 = AtomicU64::new(0);

/// Arms the fault for this process (the first call wins; later calls are ignored).
pub fn arm(fault: Fault) {
    let _ = FAULT.set(fault);
}

fn die(when: &str, n: u64) -> ! {
    eprintln!("ferry controller: injected fault: exiting {when} DigitalOcean call {n}");
    std::process::exit(FAULT_EXIT_CODE)
}

/// Called just before a DigitalOcean call is sent; returns its number (1-based).
pub(crate) fn before_call() -> u64 {
    let n = CALLS.fetch_add(1, Ordering::SeqCst) + 1;
    if FAULT.get() == Some(&Fault::ExitBeforeCall(n)) {
        die("before", n);
    }
    n
}

/// Called when DigitalOcean has answered call `n` (before anything is passed back).
pub(crate) fn after_call(n: u64) {
    if FAULT.get() == Some(&Fault::ExitAfterCall(n)) {
        die("after", n);
    }
}
