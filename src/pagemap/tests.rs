//! Invariants of the page map on real, built, cut and hostile files.

use alloc::vec::Vec;
use std::vec;

use super::*;
use crate::write::{Builder, FileKind, LayoutOptions, Perms as P, SectionSpec, SymbolSpec};

/// A small executable: code, read-only data, data, .bss and a debug tail.
fn built() -> Vec<u8> {
    let mut b = Builder::new(FileKind::x86_64(crate::raw::consts::ET_EXEC));
    let text =
        b.add_section(SectionSpec::new(&b".text"[..], Some(P::RX), vec![0x90u8; 9000]).align(16));
    let start = b.add_symbol(SymbolSpec::global(&b"_start"[..], text, 0).function(1));
    b.entry = Some(start);
    b.add_section(SectionSpec::new(
        &b".rodata"[..],
        Some(P::R),
        vec![1u8; 3000],
    ));
    b.add_section(SectionSpec::new(&b".data"[..], Some(P::RW), vec![2u8; 100]));
    b.add_section(SectionSpec::zeros(&b".bss"[..], 20000));
    b.add_section(SectionSpec::new(
        &b".debug_info"[..],
        None,
        vec![3u8; 20000],
    ));
    let plan = b.layout(&LayoutOptions::default()).unwrap();
    b.write(&plan).unwrap()
}

fn assert_partition(map: &PageMap) {
    let mut at = 0;
    for r in &map.regions {
        assert_eq!(r.offset, at, "regions leave a hole or overlap: {r:?}");
        assert!(r.size > 0);
        at = r.end();
    }
    assert_eq!(at, map.file_size);
    assert_eq!(
        map.pages.len() as u64,
        map.file_size.div_ceil(map.page_size)
    );
    for p in &map.pages {
        let regions = &map.regions[p.regions.clone()];
        assert!(!regions.is_empty() || map.file_size == 0);
        let first = regions.first().unwrap();
        let last = regions.last().unwrap();
        assert!(first.offset <= p.offset && p.offset < first.end());
        let end = (p.offset + map.page_size).min(map.file_size);
        assert!(last.offset < end && end <= last.end());
    }
    let rows = map.rows();
    let covered: usize = rows.iter().map(|r| r.pages.len()).sum();
    assert_eq!(covered, map.pages.len());
}

#[test]
fn built_file_is_partitioned_and_every_section_drawn() {
    let bytes = built();
    let map = PageMap::from_bytes(&bytes, 4096).unwrap();
    assert!(map.errors.is_empty(), "{:?}", map.errors);
    assert_partition(&map);
    for (i, s) in map.sections.iter().enumerate() {
        let drawn = map
            .regions
            .iter()
            .any(|r| r.kind == RegionKind::Section && r.owner == Some(i));
        let marked = map.marks.iter().any(|m| m.section == i);
        assert!(drawn || marked, "{} is not in the picture", s.name);
    }
    let debug = map
        .sections
        .iter()
        .position(|s| s.name == ".debug_info")
        .unwrap();
    let region = map.regions.iter().find(|r| r.owner == Some(debug)).unwrap();
    assert!(!region.loaded);
    assert_eq!(map.sections[debug].segment, None);
    let bss = map.sections.iter().find(|s| s.name == ".bss").unwrap();
    assert!(bss.nobits && bss.segment.is_some());
    assert_eq!(map.totals.wx_pages, 0);
    assert_eq!(
        map.totals.loaded_pages + map.totals.unloaded_pages,
        map.pages.len() as u64
    );
}

#[test]
fn this_test_binary() {
    let bytes = std::fs::read("/proc/self/exe").unwrap();
    for page in [64, 4096, 65536] {
        let map = PageMap::from_bytes(&bytes, page).unwrap();
        assert_partition(&map);
    }
}

#[test]
fn page_size_must_be_a_power_of_two_of_64_or_more() {
    let bytes = built();
    for bad in [0, 1, 32, 1000, 4097] {
        assert!(PageMap::from_bytes(&bytes, bad).is_err(), "{bad}");
    }
}

#[test]
fn cut_garbage_and_empty_files_are_drawn_with_errors() {
    let bytes = built();
    for len in [0, 1, 4, 63, 64, 100, 1000, bytes.len() / 2, bytes.len() - 1] {
        let map = PageMap::from_bytes(&bytes[..len], 4096).unwrap();
        assert_partition(&map);
        if len >= 64 {
            assert_eq!(map.regions[0].kind, RegionKind::FileHeader);
        }
        if len < bytes.len() {
            assert!(!map.errors.is_empty(), "cut at {len}: no error");
        }
    }
    let garbage: Vec<u8> = (0..10_000u32).map(|i| (i * 7919 % 251) as u8).collect();
    let map = PageMap::from_bytes(&garbage, 4096).unwrap();
    assert_partition(&map);
    assert!(!map.errors.is_empty());
    assert!(map.regions.iter().all(|r| r.kind == RegionKind::Unclaimed));
}

#[test]
fn without_section_headers_the_segments_are_drawn() {
    let mut bytes = built();
    // e_shoff, e_shnum, e_shstrndx = 0 (64-bit little-endian offsets).
    bytes[0x28..0x30].fill(0);
    bytes[0x3c..0x40].fill(0);
    let map = PageMap::from_bytes(&bytes, 4096).unwrap();
    assert_partition(&map);
    assert!(map.sections.is_empty());
    assert!(map.regions.iter().any(|r| r.kind == RegionKind::Segment));
    assert!(map.totals.loaded_pages > 0);
}

#[test]
fn writable_and_executable_segment_is_counted() {
    let mut bytes = built();
    let file = crate::ElfFile::parse(&bytes).unwrap();
    let phoff = file.header().e_phoff as usize;
    let text = file
        .segments()
        .position(|p| p.p_type == crate::raw::consts::PT_LOAD && p.is_execute())
        .unwrap();
    // p_flags is the second word of a 64-bit program header.
    let flags = phoff + text * 56 + 4;
    bytes[flags] |= 2;
    let map = PageMap::from_bytes(&bytes, 4096).unwrap();
    assert!(map.totals.wx_pages > 0);
    let svg = svg::render(&map, "wx");
    assert!(svg.contains(palette::WARNING_COLOUR));
}

#[test]
fn many_overlapping_segments_cost_their_number_plus_pages() {
    // 2000 PT_LOADs all over a 4 MiB file: the difference arrays keep this
    // linear; a per-segment page walk would be 2000 × 1024 steps (still
    // fast, so this only checks the result).
    let mut bytes = vec![0u8; 4 << 20];
    let built = built();
    bytes[..64].copy_from_slice(&built[..64]);
    bytes[0x20..0x28].copy_from_slice(&64u64.to_le_bytes()); // e_phoff
    bytes[0x28..0x30].fill(0);
    bytes[0x38..0x3a].copy_from_slice(&2000u16.to_le_bytes()); // e_phnum
    bytes[0x3c..0x40].fill(0);
    for i in 0..2000usize {
        let at = 64 + i * 56;
        bytes[at..at + 4].copy_from_slice(&1u32.to_le_bytes());
        bytes[at + 4..at + 8].copy_from_slice(&((i % 8) as u32).to_le_bytes());
        bytes[at + 32..at + 40].copy_from_slice(&(4u64 << 20).to_le_bytes()); // p_filesz
    }
    let map = PageMap::from_bytes(&bytes, 4096).unwrap();
    assert_partition(&map);
    assert_eq!(map.totals.loaded_pages, 1024);
    assert_eq!(map.totals.mixed_pages, 1024);
    assert_eq!(map.totals.wx_pages, 1024);
}

#[test]
fn svg_is_deterministic_and_escaped() {
    let bytes = built();
    let map = PageMap::from_bytes(&bytes, 4096).unwrap();
    let a = svg::render(&map, "a <b> & \"c\"");
    let b = svg::render(&map, "a <b> & \"c\"");
    assert_eq!(a, b);
    assert!(a.contains("a &lt;b&gt; &amp; &quot;c&quot;"));
    for s in &map.sections {
        assert!(a.contains(&*s.name), "{} not named", s.name);
    }
}

#[test]
fn text_has_colour_only_when_asked() {
    let bytes = built();
    let map = PageMap::from_bytes(&bytes, 4096).unwrap();
    let plain = text::render(&map, "f", text::TextOptions::default());
    assert!(!plain.contains('\x1b'));
    assert!(plain.contains(".debug_info"));
    let colour = text::render(
        &map,
        "f",
        text::TextOptions {
            color: true,
            width: 64,
        },
    );
    assert!(colour.contains("\x1b[38;5;"));
}
