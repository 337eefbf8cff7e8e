//! Any bytes that parse → `Rewriter::new(&file)?.write()` → parse, and the
//! same sections, segments, symbols, dynamic table and relocations must come
//! back; rewriting the output again must give the same bytes. See
//! `fuzz/roundtrip/`. Every file written is also walked with `fuzz/walk.rs`.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../roundtrip/mod.rs"]
mod roundtrip;
#[path = "../walk.rs"]
mod walk;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = roundtrip::rewrite_roundtrip(data, &mut |out| walk::walk(out)) {
        panic!("rewrite_roundtrip: {e}");
    }
});
