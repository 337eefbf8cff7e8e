//! Structured descriptions (decoded with `arbitrary`) → elfin's builder →
//! `layout` → `write` → parse, and everything that went in must come back
//! out; see `fuzz/roundtrip/`. Every file written is also walked with
//! `fuzz/walk.rs`.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../roundtrip/mod.rs"]
mod roundtrip;
#[path = "../walk.rs"]
mod walk;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = roundtrip::build_roundtrip(data, &mut |out| walk::walk(out)) {
        let desc = roundtrip::describe(data);
        panic!("build_roundtrip: {e}\n{desc}");
    }
});
