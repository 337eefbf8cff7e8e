//! The heap a link takes, against the size of its input: no allocation
//! larger than the object, however its symbols are shaped. A counting
//! allocator (per thread, so tests beside these do not count) records
//! the largest single allocation and the peak of live bytes.

use elfin::load::Linked;
use elfin::raw::consts::*;
use elfin::write::{Builder, LayoutOptions, Perms, SectionSpec, SymbolSpec};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

struct Counting;

thread_local! {
    static LIVE: Cell<usize> = const { Cell::new(0) };
    static PEAK: Cell<usize> = const { Cell::new(0) };
    static LARGEST: Cell<usize> = const { Cell::new(0) };
}

fn grew(size: usize) {
    // `try_with`: the thread-locals may be gone while a thread exits.
    let _ = LIVE.try_with(|live| {
        live.set(live.get() + size);
        let _ = PEAK.try_with(|p| p.set(p.get().max(live.get())));
    });
    let _ = LARGEST.try_with(|l| l.set(l.get().max(size)));
}

fn shrank(size: usize) {
    let _ = LIVE.try_with(|live| live.set(live.get().saturating_sub(size)));
}

// SAFETY: forwards every call to `System` unchanged; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        grew(layout.size());
        // SAFETY: the caller's contract, forwarded.
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        grew(layout.size());
        // SAFETY: the caller's contract, forwarded.
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        grew(new_size);
        shrank(layout.size());
        // SAFETY: the caller's contract, forwarded.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        shrank(layout.size());
        // SAFETY: the caller's contract, forwarded.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// (largest single allocation, peak live bytes above the start) of `f`.
fn heap_of<T>(f: impl FnOnce() -> T) -> (usize, usize, T) {
    let start = LIVE.with(Cell::get);
    PEAK.with(|p| p.set(start));
    LARGEST.with(|l| l.set(0));
    let value = f();
    (LARGEST.with(Cell::get), PEAK.with(Cell::get) - start, value)
}

/// The `n`-th name of the shortest kind: base 26, one to four letters.
fn short_name(mut n: usize) -> Vec<u8> {
    let mut name = vec![b'a' + (n % 26) as u8];
    n /= 26;
    while n > 0 {
        n -= 1;
        name.push(b'a' + (n % 26) as u8);
        n /= 26;
    }
    name
}

/// An ET_REL for this process's machine (the loader links no other) of
/// four code bytes, never run, and `count` global symbols on them, each
/// with its own one- to four-letter name: the most symbols per byte a
/// file can hold, so the per-symbol tables of the link weigh most.
fn many_short_globals(count: usize) -> Vec<u8> {
    let mut b = Builder::new(crate::host_kind(ET_REL));
    let t = b.add_section(SectionSpec::new(&b".text"[..], Some(Perms::RX), vec![0; 4]).align(16));
    for n in 0..count {
        b.add_symbol(SymbolSpec::global(short_name(n), t, 0).function(4));
    }
    b.to_vec(&LayoutOptions::default()).unwrap()
}

/// No outside names: the object refers to none.
fn nothing(_: &[u8], _: Option<&[u8]>) -> Option<usize> {
    None
}

#[test]
fn a_link_allocates_nothing_larger_than_its_object() {
    for count in [1_000, 20_000, 100_000] {
        let object = many_short_globals(count);
        let (largest, peak, linked) = heap_of(|| Linked::link(&[&object[..]], nothing).unwrap());
        // The link is whole: every name is there.
        assert_eq!(linked.symbols().count(), count);
        assert!(linked.address("a").is_ok() && linked.address("zz").is_ok());
        assert!(
            largest <= object.len(),
            "{count} globals: an allocation of {largest} bytes for a {}-byte object",
            object.len()
        );
        // The tables together (globals, their hash table, the symbol
        // records): within twice the object.
        assert!(
            peak <= 2 * object.len(),
            "{count} globals: {peak} bytes of heap for a {}-byte object",
            object.len()
        );
    }
}
