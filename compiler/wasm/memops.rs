//! `memcmp` and `bcmp` for compiler.wasm, eight bytes at a time.
//!
//! On `wasm32-unknown-unknown` these routines come from `compiler_builtins`, which compares byte
//! by byte; natively libc's vectorised versions do the job. The compiler compares strings all
//! the time (ordered maps keyed by names and addresses), and the byte loop alone cost ~30 % of
//! the guest's time on the 1,000-resource benchmark stack.
//!
//! This file is not part of the crate: `build.rs` compiles it on its own into an object file
//! that is handed to the linker. Its strong symbols replace `compiler_builtins`' weak ones, and
//! because rustc never sees them they are not exported: the module keeps exactly the ABI of
//! DESIGN §4 (a `#[no_mangle]` function in the crate itself would be exported). It must not
//! panic or call into `core`: it is linked as a bare object.
#![no_std]

/// # Safety
/// `a` and `b` must be readable for `n` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn memcmp(a: *const u8, b: *const u8, n: usize) -> i32 {
    let mut i = 0;
    while i + 8 <= n {
        // SAFETY: `i + 8 <= n` and both buffers are readable for `n` bytes.
        let (x, y) = unsafe {
            (
                (a.add(i) as *const u64).read_unaligned(),
                (b.add(i) as *const u64).read_unaligned(),
            )
        };
        if x != y {
            // Little-endian: the lowest differing byte comes first in memory.
            let at = i + ((x ^ y).trailing_zeros() / 8) as usize;
            // SAFETY: `at < i + 8 <= n`.
            let (p, q) = unsafe { (*a.add(at), *b.add(at)) };
            return p as i32 - q as i32;
        }
        i += 8;
    }
    while i < n {
        // SAFETY: `i < n`.
        let (p, q) = unsafe { (*a.add(i), *b.add(i)) };
        if p != q {
            return p as i32 - q as i32;
        }
        i += 1;
    }
    0
}

/// # Safety
/// `a` and `b` must be readable for `n` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn bcmp(a: *const u8, b: *const u8, n: usize) -> i32 {
    // SAFETY: the caller's guarantee, passed on.
    unsafe { memcmp(a, b, n) }
}
