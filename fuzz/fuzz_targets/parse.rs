//! Any bytes -> `elfin::ElfFile::parse`, then every view and iterator the
//! reader offers (see `fuzz/walk.rs`), under an allocator that aborts if
//! elfin holds more than `64 * input length + 1 MiB` at once; then the
//! salvage property (`walk::salvage`) on one byte past the file header.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../limit_alloc.rs"]
mod limit_alloc;
#[path = "../walk.rs"]
mod walk;

#[global_allocator]
static ALLOC: limit_alloc::LimitAlloc = limit_alloc::LimitAlloc;

fuzz_target!(|data: &[u8]| {
    limit_alloc::start(limit_alloc::limit_for(data.len()), true);
    walk::walk(data);
    // One byte past the file header changed: the file still opens, and the
    // sections that do not hold that byte read the same.
    if let Some((at, byte)) = walk::salvage_probe(data) {
        if let Err(e) = walk::salvage(data, at, byte) {
            panic!("salvage property: {e}");
        }
    }
    limit_alloc::finish();
});
