//! The guest's allocator: size classes carved from bump chunks, in front of the default one.
//!
//! compiler.wasm runs one compile per fresh instance (DESIGN §4), and a compile makes hundreds
//! of thousands of small, short-lived allocations (strings, expression nodes, map nodes).
//! `dlmalloc`, the default on `wasm32-unknown-unknown`, pays for coalescing and bins on every
//! call; here small blocks (≤ 4 KiB, alignment ≤ 16) come from one free list per power-of-two
//! size class, refilled by bumping through 256 KiB chunks taken from `dlmalloc`. Freed blocks go
//! back to their class's list, so memory is reused within the request; nothing is returned to
//! `dlmalloc`, which does not matter for an instance that lives for one request. Larger or
//! over-aligned blocks go to `dlmalloc` as before, and running out of memory still fails the
//! same way: the host's memory cap stops the instance.
//!
//! The module has no threads (no `atomics` target feature), so the state needs no lock.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::UnsafeCell;
use std::ptr::null_mut;

/// Size classes: 8, 16, …, 4096 bytes.
const CLASSES: usize = 10;
const MIN_SHIFT: u32 = 3;
const MAX_SMALL: usize = 1 << (MIN_SHIFT as usize + CLASSES - 1);
/// Alignment every small block gets (and the most a small request may ask for).
const SMALL_ALIGN: usize = 16;
const CHUNK: usize = 256 << 10;

struct State {
    free: [*mut u8; CLASSES],
    bump: usize,
    end: usize,
}

pub struct Classes {
    state: UnsafeCell<State>,
}

// SAFETY: compiler.wasm is single-threaded (built without the `atomics` feature), so the state
// is never touched from two threads.
unsafe impl Sync for Classes {}

impl Classes {
    pub const fn new() -> Self {
        Self {
            state: UnsafeCell::new(State {
                free: [null_mut(); CLASSES],
                bump: 0,
                end: 0,
            }),
        }
    }
}

/// The class of a small layout, if it is one.
fn class(layout: Layout) -> Option<usize> {
    if layout.size() > MAX_SMALL || layout.align() > SMALL_ALIGN {
        return None;
    }
    // A class's blocks are aligned to their size (up to 16): a request whose alignment exceeds
    // its size (`Layout` allows size 8, align 16) takes the class of its alignment.
    let size = layout.size().max(layout.align()).max(1 << MIN_SHIFT);
    Some((usize::BITS - (size - 1).leading_zeros()).saturating_sub(MIN_SHIFT) as usize)
}

fn class_size(class: usize) -> usize {
    1 << (class as u32 + MIN_SHIFT)
}

unsafe impl GlobalAlloc for Classes {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let Some(c) = class(layout) else {
            // SAFETY: forwarded unchanged.
            return unsafe { System.alloc(layout) };
        };
        // SAFETY: single-threaded (see `Sync`); no other reference to the state is alive.
        let st = unsafe { &mut *self.state.get() };
        let head = st.free[c];
        if !head.is_null() {
            // SAFETY: a block on the list is at least 8 bytes and holds the next pointer.
            st.free[c] = unsafe { *(head as *mut *mut u8) };
            return head;
        }
        let size = class_size(c);
        // Blocks of 8 bytes need 8-byte alignment only; all others are 16-aligned because
        // every block size from 16 up is a multiple of 16 and chunks start 16-aligned.
        if st.end.saturating_sub(st.bump) < size {
            let Ok(chunk) = Layout::from_size_align(CHUNK, SMALL_ALIGN) else {
                return null_mut();
            };
            // SAFETY: a non-zero size.
            let p = unsafe { System.alloc(chunk) };
            if p.is_null() {
                return null_mut();
            }
            // The rest of the old chunk is lost: at most 4 KiB per 256 KiB.
            st.bump = p as usize;
            st.end = st.bump + CHUNK;
        }
        if size >= SMALL_ALIGN {
            st.bump = (st.bump + SMALL_ALIGN - 1) & !(SMALL_ALIGN - 1);
            if st.end.saturating_sub(st.bump) < size {
                // Alignment ate the room: take a fresh chunk through the slow path once.
                st.end = st.bump;
                // SAFETY: the same layout, now with an exhausted chunk.
                return unsafe { self.alloc(layout) };
            }
        }
        let p = st.bump as *mut u8;
        st.bump += size;
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        let Some(c) = class(layout) else {
            // SAFETY: a block of this layout came from `System` (see `alloc`).
            return unsafe { System.dealloc(ptr, layout) };
        };
        // SAFETY: single-threaded; `ptr` is a block of class `c` no longer in use.
        let st = unsafe { &mut *self.state.get() };
        // SAFETY: the block is at least 8 bytes and 8-aligned: room for the list's next pointer.
        unsafe { *(ptr as *mut *mut u8) = st.free[c] };
        st.free[c] = ptr;
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let Ok(new_layout) = Layout::from_size_align(new_size, layout.align()) else {
            return null_mut();
        };
        match (class(layout), class(new_layout)) {
            // Still fits its block.
            (Some(a), Some(b)) if a == b => ptr,
            // Both with `System`: let it grow in place where it can.
            // SAFETY: forwarded unchanged; the block came from `System`.
            (None, None) => unsafe { System.realloc(ptr, layout, new_size) },
            _ => {
                // SAFETY: as `GlobalAlloc::realloc`'s default: a new block, copy, free the old.
                let new = unsafe { self.alloc(new_layout) };
                if !new.is_null() {
                    // SAFETY: both blocks are valid for the smaller size and do not overlap;
                    // the old block is freed once, with its own layout.
                    unsafe {
                        std::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
                        self.dealloc(ptr, layout);
                    }
                }
                new
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_cover_sizes_up_to_4_kib() {
        let l = |size, align| Layout::from_size_align(size, align).expect("layout");
        assert_eq!(class(l(0, 1)), Some(0));
        assert_eq!(class(l(8, 8)), Some(0));
        assert_eq!(class(l(9, 1)), Some(1));
        assert_eq!(class(l(16, 16)), Some(1));
        assert_eq!(class(l(17, 8)), Some(2));
        assert_eq!(class(l(4096, 8)), Some(9));
        assert_eq!(class(l(4097, 8)), None);
        assert_eq!(class(l(64, 32)), None);
        // Alignment above the size picks the class of the alignment.
        assert_eq!(class(l(8, 16)), Some(1));
        for c in 0..CLASSES {
            assert_eq!(class(l(class_size(c), 8)), Some(c));
        }
    }

    #[test]
    fn blocks_are_reused_aligned_and_distinct() {
        let a = Classes::new();
        let l24 = Layout::from_size_align(24, 8).expect("layout");
        let l16 = Layout::from_size_align(16, 16).expect("layout");
        // SAFETY: every block is used within its layout and freed once with it.
        unsafe {
            let p = a.alloc(l24);
            let q = a.alloc(l24);
            assert!(!p.is_null() && !q.is_null() && p != q);
            assert_eq!(p as usize % 16, 0);
            std::ptr::write_bytes(p, 0xAB, 24);
            std::ptr::write_bytes(q, 0xCD, 24);
            assert_eq!(*q.add(23), 0xCD);
            a.dealloc(p, l24);
            assert_eq!(a.alloc(l24), p, "freed block reused");
            let r = a.alloc(l16);
            assert_eq!(r as usize % 16, 0);
            // Growing within the class keeps the block; beyond it moves and keeps the bytes.
            assert_eq!(a.realloc(q, l24, 32), q);
            let moved = a.realloc(q, Layout::from_size_align(32, 8).expect("layout"), 100);
            assert!(!moved.is_null() && moved != q);
            assert_eq!(*moved.add(23), 0xCD);
            let big = a.alloc(Layout::from_size_align(10_000, 8).expect("layout"));
            assert!(!big.is_null());
            a.dealloc(big, Layout::from_size_align(10_000, 8).expect("layout"));
        }
    }
}
