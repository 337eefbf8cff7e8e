//! Images loaded from bytes in memory: the pages between and after the
//! segments stay inaccessible although the copy starts from one writable
//! mapping, and segments listed out of address order are still copied.

use elfin::load::{Image, NoSymbols, Prot};

const PAGE: u64 = 0x1000;

/// The host's `e_machine` and a function returning 7.
#[cfg(target_arch = "x86_64")]
const MACHINE_AND_CODE: (u16, &[u8]) = (62, &[0xb8, 7, 0, 0, 0, 0xc3]); // mov eax, 7; ret
#[cfg(target_arch = "aarch64")]
const MACHINE_AND_CODE: (u16, &[u8]) = (183, &[0xe0, 0x00, 0x80, 0x52, 0xc0, 0x03, 0x5f, 0xd6]); // mov w0, #7; ret

/// A 64-bit little-endian ET_DYN with two `PT_LOAD`s, listed out of
/// order, 64 KiB aligned, two pages apart: the code at 0x3000 and the
/// headers at 0.
fn gapped_image() -> Vec<u8> {
    let mut f = vec![0u8; 0x1010];
    f[..4].copy_from_slice(b"\x7fELF");
    f[4] = 2; // ELFCLASS64
    f[5] = 1; // little-endian
    f[6] = 1; // EV_CURRENT
    let put16 =
        |f: &mut Vec<u8>, at: usize, v: u16| f[at..at + 2].copy_from_slice(&v.to_le_bytes());
    let put32 =
        |f: &mut Vec<u8>, at: usize, v: u32| f[at..at + 4].copy_from_slice(&v.to_le_bytes());
    let put64 =
        |f: &mut Vec<u8>, at: usize, v: u64| f[at..at + 8].copy_from_slice(&v.to_le_bytes());
    put16(&mut f, 16, 3); // ET_DYN
    let (machine, code) = MACHINE_AND_CODE;
    put16(&mut f, 18, machine);
    put32(&mut f, 20, 1);
    put64(&mut f, 24, 0x3000); // e_entry
    put64(&mut f, 32, 64); // e_phoff
    put16(&mut f, 52, 64); // e_ehsize
    put16(&mut f, 54, 56); // e_phentsize
    put16(&mut f, 56, 2); // e_phnum
    put16(&mut f, 58, 64); // e_shentsize
    // (p_flags, p_offset, p_vaddr, p_filesz): code first, headers second.
    let loads = [(5u32, 0x1000u64, 0x3000u64, 0x10u64), (4, 0, 0, 0x100)];
    for (i, (flags, offset, vaddr, size)) in loads.into_iter().enumerate() {
        let at = 64 + 56 * i;
        put32(&mut f, at, 1); // PT_LOAD
        put32(&mut f, at + 4, flags);
        put64(&mut f, at + 8, offset);
        put64(&mut f, at + 16, vaddr);
        put64(&mut f, at + 24, vaddr);
        put64(&mut f, at + 32, size);
        put64(&mut f, at + 40, size);
        put64(&mut f, at + 48, 0x10000);
    }
    f[0x1000..0x1000 + code.len()].copy_from_slice(code);
    f
}

/// The permissions `/proc/self/maps` gives the page at `addr` ("r-xp", ...).
fn perms_at(addr: usize) -> String {
    let maps = std::fs::read_to_string("/proc/self/maps").unwrap();
    for line in maps.lines() {
        let mut fields = line.split_whitespace();
        let range = fields.next().unwrap();
        let perms = fields.next().unwrap();
        let (lo, hi) = range.split_once('-').unwrap();
        let lo = usize::from_str_radix(lo, 16).unwrap();
        let hi = usize::from_str_radix(hi, 16).unwrap();
        if (lo..hi).contains(&addr) {
            return perms.to_string();
        }
    }
    panic!("{addr:#x} is not mapped");
}

#[test]
fn gaps_between_segments_stay_inaccessible() {
    let image = Image::from_bytes(&gapped_image(), NoSymbols).unwrap();
    let base = image.bias();
    assert_eq!(base % 0x10000, 0, "the 64 KiB alignment is honoured");
    // SAFETY: the entry is the function returning 7.
    let f: extern "C" fn() -> i32 = unsafe { std::mem::transmute(image.entry()) };
    assert_eq!(f(), 7);
    assert_eq!(perms_at(base), "r--p");
    assert_eq!(perms_at(base + PAGE as usize), "---p");
    assert_eq!(perms_at(base + 2 * PAGE as usize), "---p");
    assert_eq!(perms_at(base + 3 * PAGE as usize), "r-xp");
    let prots: Vec<Prot> = image.segments().iter().map(|s| s.prot).collect();
    assert_eq!(prots, [Prot::RX, Prot::R], "in program header order");
    // Whatever the reservation holds past the last segment is not usable.
    let end = image.range().end;
    if end > base + 4 * PAGE as usize {
        assert_eq!(perms_at(base + 4 * PAGE as usize), "---p");
    }
}
