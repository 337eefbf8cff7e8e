//! Any bytes that parse → `Rewriter::new(&file)?.write()` → parse, and the
//! same sections, segments, symbols, dynamic table and relocations must come
//! back; rewriting the output again must give the same bytes. See
//! `fuzz/roundtrip.rs`. Every file written is also walked with `fuzz/walk.rs`.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../roundtrip.rs"]
mod roundtrip;
#[path = "../walk.rs"]
mod walk;

static STRICT: std::sync::OnceLock<bool> = std::sync::OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let strict = *STRICT.get_or_init(roundtrip::strict_from_env);
    if let Err(e) = roundtrip::rewrite_roundtrip(data, strict, &mut |out| walk::walk(out)) {
        panic!("rewrite_roundtrip: {e}");
    }
});
