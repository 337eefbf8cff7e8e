//! Any bytes -> the loader, as an image (`Image::from_bytes`) and as an
//! object (`Linked::link`), with a resolver that gives every outside name
//! an address. Nothing loaded is ever called (IRELATIVE stays refused), so
//! what this checks is the loader's promise on hostile input: an `Error`,
//! never a panic, and every copy, zeroing and relocation kept inside the
//! loader's own mappings (a write anywhere else crashes the process, or
//! corrupts the heap that the next input then trips over), and memory
//! used in proportion to the input, not to the sizes it states (a 4 GiB
//! `.bss` is address space, never resident pages).
//!
//! Memory is measured so that the verdict is the same whatever ran before
//! in the process: the heap by a counting allocator (peak live bytes
//! during the load), the mapping by the kernel's `PAGEMAP_SCAN` (or
//! `mincore`) over the loaded range.
//! Counting the process's resident pages instead (`/proc/self/statm`)
//! also counts the fuzzer's own code paged in on first use, which made a
//! 280-byte input "use" 65 pages when it ran first.
#![no_main]

use elfin::load::{Image, Linked};
use libfuzzer_sys::fuzz_target;
use std::alloc::{GlobalAlloc, Layout, System};
use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The system allocator, counting live bytes and their peak.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards every call to `System` unchanged; the counters are
// only read by this target.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(live, Ordering::Relaxed);
        // SAFETY: the caller's contract, forwarded.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: the caller's contract, forwarded.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let live = LIVE.fetch_add(new_size, Ordering::Relaxed) + new_size;
        PEAK.fetch_max(live, Ordering::Relaxed);
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: the caller's contract, forwarded.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Starts a measurement: the peak is reset to what is live now.
fn heap_start() -> usize {
    let live = LIVE.load(Ordering::Relaxed);
    PEAK.store(live, Ordering::Relaxed);
    live
}

/// The most heap the load held at once beyond what was live at `start`.
fn heap_used(start: usize) -> usize {
    PEAK.load(Ordering::Relaxed).saturating_sub(start)
}

/// Somewhere that is not the loaded code: relocations against outside
/// names get an address, the loaded code is never run.
fn anywhere(_: &[u8], _: Option<&[u8]>) -> Option<usize> {
    Some(0x1000)
}

/// `struct pm_scan_arg` of Linux's `PAGEMAP_SCAN` ioctl (6.7 and later).
#[repr(C)]
#[derive(Default)]
struct PmScanArg {
    size: u64,
    flags: u64,
    start: u64,
    end: u64,
    walk_end: u64,
    vec: u64,
    vec_len: u64,
    max_pages: u64,
    category_inverted: u64,
    category_mask: u64,
    category_anyof_mask: u64,
    return_mask: u64,
}

/// `struct page_region`: one run of pages with the same categories.
#[repr(C)]
#[derive(Default, Clone, Copy)]
struct PageRegion {
    start: u64,
    end: u64,
    categories: u64,
}

/// `_IOWR('f', 16, struct pm_scan_arg)`.
const PAGEMAP_SCAN: libc::c_ulong = 0xc060_6610;
const PAGE_IS_PRESENT: u64 = 1 << 3;

/// The resident bytes of the loaded range. A hostile file may reserve
/// terabytes of address space (a 2^46-byte span took `mincore` 16 s, a
/// byte per page); `PAGEMAP_SCAN` asks the kernel for the present runs
/// only and skips empty page tables whole. Kernels without it get
/// `mincore`, a window at a time.
fn resident(range: Range<usize>) -> usize {
    static PAGEMAP: std::sync::OnceLock<Option<std::fs::File>> = std::sync::OnceLock::new();
    let page = elfin::load::page_size();
    let start = range.start & !(page - 1);
    let end = range.end.next_multiple_of(page);
    if let Some(file) = PAGEMAP.get_or_init(|| std::fs::File::open("/proc/self/pagemap").ok()) {
        use std::os::fd::AsRawFd;
        let mut regions = [PageRegion::default(); 256];
        let mut at = start as u64;
        let mut bytes = 0;
        while at < end as u64 {
            let mut arg = PmScanArg {
                size: std::mem::size_of::<PmScanArg>() as u64,
                start: at,
                end: end as u64,
                vec: regions.as_mut_ptr() as u64,
                vec_len: regions.len() as u64,
                category_mask: PAGE_IS_PRESENT,
                return_mask: PAGE_IS_PRESENT,
                ..PmScanArg::default()
            };
            // SAFETY: `arg` is a valid `pm_scan_arg` whose `vec` points at
            // `regions`, `vec_len` entries long, alive across the call.
            let n = unsafe { libc::ioctl(file.as_raw_fd(), PAGEMAP_SCAN, &mut arg) };
            if n < 0 {
                break; // not this kernel's: mincore below
            }
            for r in &regions[..n as usize] {
                bytes += (r.end - r.start) as usize;
            }
            if arg.walk_end <= at {
                break;
            }
            at = arg.walk_end;
        }
        if at >= end as u64 {
            return bytes;
        }
    }
    resident_by_mincore(start..end)
}

/// [`resident`] by `mincore`, a window of 2^20 pages at a time.
fn resident_by_mincore(range: Range<usize>) -> usize {
    const WINDOW: usize = 1 << 20;
    let page = elfin::load::page_size();
    let mut at = range.start;
    let mut vec = vec![0u8; WINDOW];
    let zero = vec![0u8; WINDOW];
    let mut bytes = 0;
    while at < range.end {
        let pages = ((range.end - at) / page).min(WINDOW);
        // SAFETY: `at..at + pages * page` lies in the loader's own mapping
        // (page-aligned, alive while the image or link is); `vec` holds
        // at least one byte per page, as mincore writes.
        let rc = unsafe { libc::mincore(at as *mut libc::c_void, pages * page, vec.as_mut_ptr()) };
        assert_eq!(rc, 0, "mincore over the loaded range");
        // Most windows of a large reservation are empty: a memcmp skips
        // them (a byte loop here, instrumented, took seconds per input).
        if vec[..pages] != zero[..pages] {
            bytes += vec[..pages].iter().filter(|&&b| b & 1 != 0).count() * page;
        }
        at += pages * page;
    }
    bytes
}

/// What a load may touch in its mapping: twice the input (copies, GOT
/// and stubs) and a few pages per mapping.
fn resident_limit(data: &[u8]) -> usize {
    2 * data.len() + 64 * elfin::load::page_size()
}

/// What a load may hold on the heap: the size of the input (tables of
/// at most one entry per entry of the file's own tables) and a little.
fn heap_limit(data: &[u8]) -> usize {
    data.len() + 64 * 1024
}

fuzz_target!(|data: &[u8]| {
    let start = heap_start();
    let image = Image::from_bytes(data, anywhere);
    let used = heap_used(start);
    assert!(used <= heap_limit(data), "image: {used} bytes of heap");
    if let Ok(image) = image {
        let _ = image.address("main");
        let range = image.range();
        for s in image.segments() {
            assert!(range.start <= s.address && s.address + s.size <= range.end);
        }
        let touched = resident(range);
        assert!(touched <= resident_limit(data), "image: {touched} bytes resident");
    }
    let start = heap_start();
    let linked = Linked::link(&[data], anywhere);
    let used = heap_used(start);
    assert!(used <= heap_limit(data), "object: {used} bytes of heap");
    if let Ok(linked) = linked {
        let range = linked.range();
        let touched = resident(range.clone());
        assert!(touched <= resident_limit(data), "object: {touched} bytes resident");
        for (_, address) in linked.symbols() {
            // Defined symbols are in the mapping or absolute; either way
            // asking for them must not fail differently.
            let _ = range.contains(&address);
        }
    }
});
