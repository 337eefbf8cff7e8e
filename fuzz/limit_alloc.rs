//! A global allocator that holds elfin to its memory promise: no single
//! allocation, and no total of live bytes, above a fixed multiple of the
//! input's length plus a small constant.
//!
//! Shared by the fuzz target (`fuzz/fuzz_targets/parse.rs`, where going over
//! the limit aborts so libFuzzer saves the input) and by
//! `tests/fuzz_regressions.rs` (where it is only recorded, so the test can
//! name the input that did it). Accounting is per thread, so the test
//! harness's parallel threads do not see each other's allocations.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

/// The multiple of the input length a walk may have live at once.
pub const FACTOR: usize = 64;
/// What a walk may use whatever the input's size (covers fixed-size
/// decoder state such as the inflate window).
pub const SLACK: usize = 1 << 20;

/// The limit for an input of `len` bytes.
pub fn limit_for(len: usize) -> usize {
    len.saturating_mul(FACTOR).saturating_add(SLACK)
}

thread_local! {
    static LIVE: Cell<usize> = const { Cell::new(0) };
    static PEAK: Cell<usize> = const { Cell::new(0) };
    static LIMIT: Cell<usize> = const { Cell::new(usize::MAX) };
    static ABORT: Cell<bool> = const { Cell::new(true) };
    static OVER: Cell<Option<(usize, usize)>> = const { Cell::new(None) };
}

/// Starts measuring on this thread: live bytes count from zero, and going
/// over `limit` aborts the process (`abort = true`) or is recorded for
/// [`finish`].
pub fn start(limit: usize, abort: bool) {
    let _ = LIVE.try_with(|c| c.set(0));
    let _ = PEAK.try_with(|c| c.set(0));
    let _ = OVER.try_with(|c| c.set(None));
    let _ = ABORT.try_with(|c| c.set(abort));
    let _ = LIMIT.try_with(|c| c.set(limit));
}

/// Stops measuring; returns the peak of live bytes and, if the limit was
/// exceeded, the first (request size, live total) that did it.
pub fn finish() -> (usize, Option<(usize, usize)>) {
    let _ = LIMIT.try_with(|c| c.set(usize::MAX));
    (
        PEAK.try_with(Cell::get).unwrap_or(0),
        OVER.try_with(Cell::get).unwrap_or(None),
    )
}

/// The allocator: `System`, with the accounting above.
pub struct LimitAlloc;

/// Even in recording mode an allocation this large is refused (returns
/// null, so Rust reports it and aborts) rather than attempted.
const HARD_CAP: usize = (u32::MAX as usize).saturating_add(1); // 4 GiB (all of a 32-bit space)

impl LimitAlloc {
    /// Accounts for `size` new bytes; false if the allocation must fail.
    fn grow(&self, size: usize) -> bool {
        let limit = LIMIT.try_with(Cell::get).unwrap_or(usize::MAX);
        let live = LIVE.try_with(Cell::get).unwrap_or(0).saturating_add(size);
        let _ = LIVE.try_with(|c| c.set(live));
        let _ = PEAK.try_with(|c| c.set(c.get().max(live)));
        if size > limit || live > limit {
            if ABORT.try_with(Cell::get).unwrap_or(true) {
                too_much(size, live, limit);
            }
            let _ = OVER.try_with(|c| {
                if c.get().is_none() {
                    c.set(Some((size, live)));
                }
            });
            return size < HARD_CAP;
        }
        true
    }

    fn shrink(&self, size: usize) {
        let _ = LIVE.try_with(|c| c.set(c.get().saturating_sub(size)));
    }
}

/// Reports and aborts, without allocating.
#[cold]
fn too_much(size: usize, live: usize, limit: usize) -> ! {
    use std::io::Write;
    let mut msg = [0u8; 160];
    let mut w = &mut msg[..];
    let _ = write!(
        w,
        "\n==elfin== allocation limit exceeded: request {size} bytes, live {live} bytes, limit {limit} bytes\n"
    );
    let n = 160 - w.len();
    let _ = std::io::stderr().write_all(&msg[..n]);
    std::process::abort();
}

unsafe impl GlobalAlloc for LimitAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if !self.grow(layout.size()) {
            self.shrink(layout.size());
            return std::ptr::null_mut();
        }
        let p = unsafe { System.alloc(layout) };
        if p.is_null() {
            self.shrink(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if !self.grow(layout.size()) {
            self.shrink(layout.size());
            return std::ptr::null_mut();
        }
        let p = unsafe { System.alloc_zeroed(layout) };
        if p.is_null() {
            self.shrink(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        self.shrink(layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let old = layout.size();
        if new_size > old {
            if !self.grow(new_size - old) {
                self.shrink(new_size - old);
                return std::ptr::null_mut();
            }
        } else {
            self.shrink(old - new_size);
        }
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if p.is_null() {
            // The old block is still live at its old size.
            if new_size > old {
                self.shrink(new_size - old);
            } else {
                let _ = LIVE.try_with(|c| c.set(c.get().saturating_add(old - new_size)));
            }
        }
        p
    }
}
