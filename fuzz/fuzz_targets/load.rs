//! Any bytes -> the loader, as an image (`Image::from_bytes`) and as an
//! object (`Linked::link`), with a resolver that gives every outside name
//! an address. Nothing loaded is ever called (IRELATIVE stays refused), so
//! what this checks is the loader's promise on hostile input: an `Error`,
//! never a panic, and every copy, zeroing and relocation kept inside the
//! loader's own mappings (a write anywhere else crashes the process, or
//! corrupts the heap that the next input then trips over), and memory
//! touched in proportion to the input, not to the sizes it states (a
//! 4 GiB `.bss` is address space, never resident pages): after each load
//! the resident pages of its range are counted with `mincore`.
#![no_main]

use elfin::load::{Image, Linked};
use libfuzzer_sys::fuzz_target;

/// Somewhere that is not the loaded code: relocations against outside
/// names get an address, the loaded code is never run.
fn anywhere(_: &[u8], _: Option<&[u8]>) -> Option<usize> {
    Some(0x1000)
}

/// The process's resident bytes (`/proc/self/statm`); the fuzzer runs
/// one input at a time, so the growth across a load is the load's.
fn resident() -> usize {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap();
    let pages: usize = statm.split(' ').nth(1).unwrap().parse().unwrap();
    pages * elfin::load::page_size()
}

/// What a load may touch: twice the input (copies, GOT and stubs) and a
/// few pages per mapping.
fn resident_limit(data: &[u8]) -> usize {
    2 * data.len() + 64 * elfin::load::page_size()
}

fuzz_target!(|data: &[u8]| {
    let before = resident();
    if let Ok(image) = Image::from_bytes(data, anywhere) {
        let _ = image.address("main");
        let range = image.range();
        for s in image.segments() {
            assert!(range.start <= s.address && s.address + s.size <= range.end);
        }
        let touched = resident().saturating_sub(before);
        assert!(touched <= resident_limit(data), "image: {touched} bytes more resident");
    }
    let before = resident();
    if let Ok(linked) = Linked::link(&[data], anywhere) {
        let touched = resident().saturating_sub(before);
        assert!(touched <= resident_limit(data), "object: {touched} bytes more resident");
        let range = linked.range();
        for (_, address) in linked.symbols() {
            // Defined symbols are in the mapping or absolute; either way
            // asking for them must not fail differently.
            let _ = range.contains(&address);
        }
    }
});
