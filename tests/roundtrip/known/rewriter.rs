//! The rewriter bugs the round-trip properties found.

use super::*;

/// Bug R1: A segment whose p_filesz runs past the end of the file: the
/// rewrite must still be stable.
#[test]
fn rewrite_is_stable_when_a_segment_runs_past_the_file() {
    let mut data = corpus("x86_64/exe");
    let f = ElfFile::parse(&data).unwrap();
    let i = f.segments().position(|p| p.p_type == PT_NOTE).unwrap();
    let at = f.header().e_phoff as usize + i * 56 + 32; // p_filesz
    data[at..at + 8].copy_from_slice(&(u64::MAX - 4).to_le_bytes());
    let once = rewrite(&data);
    let twice = rewrite(&once);
    assert_eq!(once.len(), twice.len(), "the second rewrite grew the file");
    assert!(once == twice);
}

/// Bug R2: An empty allocated section keeps an offset inside the output.
#[test]
fn rewritten_empty_sections_stay_readable() {
    let mut b = Builder::new(FileKind::x86_64(ET_EXEC));
    let empty = b.add_section(SectionSpec::new(&b".empty"[..], Some(Perms::RX), &[][..]));
    start_at(&mut b, empty);
    let opts = LayoutOptions {
        placement: Placement::Mmap,
        page_size: 0x10000,
        base: None,
        ..LayoutOptions::default()
    };
    let bytes = write(&b, &opts).unwrap();
    let out = rewrite(&bytes);
    let f = ElfFile::parse(&out).unwrap();
    for s in f.sections() {
        assert!(
            s.data().is_ok(),
            "section {} unreadable after the rewrite",
            s.index()
        );
    }
}

/// Bug R3: Empty (and NOBITS) sections do not make a second rewrite move
/// the others.
#[test]
fn rewrite_is_stable_with_empty_sections() {
    let mut data = corpus("crel/x86_64.o");
    let f = ElfFile::parse(&data).unwrap();
    let symtab = f.section_by_type(SHT_SYMTAB).unwrap().index();
    set_shdr(&mut data, symtab, 32, 0); // sh_size
    let once = rewrite(&data);
    assert!(rewrite(&once) == once, "the second rewrite differs");
}

/// Bug R4: an allocated NOBITS section whose offset lies past the end
/// of the file (as the builder places `.bss`) makes the whole input the
/// kept prefix (the offset is capped at the file's length), so an
/// empty section's alignment padding at the end lengthens the output
/// and a second rewrite places the sections after it elsewhere.
#[test]
fn rewrite_is_stable_with_bss_past_the_file() {
    let mut b = Builder::new(FileKind::x86_64(ET_EXEC));
    let bss = b.add_section(SectionSpec::zeros(&b".bss"[..], 0x100).align(0x20_0000));
    start_at(&mut b, bss);
    let mut z = SectionSpec::zeros(&b".nobits"[..], 0x100).align(0x1_0000);
    z.perms = None;
    b.add_section(z);
    b.add_section(SectionSpec::new(&b".empty"[..], None, &[][..]).align(0x1000));
    let bytes = write(&b, &LayoutOptions::default()).unwrap();
    let once = rewrite(&bytes);
    let twice = rewrite(&once);
    assert!(once == twice, "the second rewrite differs");
}

/// Bug R5: when a segment covers the old section header table, the
/// rewrite wrote the new table over the old one; a kept section whose
/// bytes overlap the old table then changed (fixed in c18cf1d: the
/// table goes in place only over nothing kept). Input: the fuzzer's
/// (tests/data/roundtrip/rewrite-table-over-sections.elf: mutated
/// i686 lib.so whose section headers point sections 19–27 over the
/// table). Its section 1 also overlaps the file header, whose
/// section-table fields (`e_shoff`, `e_shentsize`, `e_shnum`,
/// `e_shstrndx`) a rewrite must change, since they say where the new
/// table is: those bytes are masked, every other byte stays.
#[test]
fn rewrite_keeps_sections_that_overlap_the_old_table() {
    let data = corpus("roundtrip/rewrite-table-over-sections.elf");
    // ELF32: e_shoff at 32..36; e_shentsize, e_shnum, e_shstrndx at 46..52.
    let changed = [32..36, 46..52];
    let masked = |offset: u64, d: &[u8]| -> Vec<u8> {
        let mut d = d.to_vec();
        for r in &changed {
            for at in r.clone() {
                if let Some(b) = (at as u64)
                    .checked_sub(offset)
                    .and_then(|k| d.get_mut(k as usize))
                {
                    *b = 0;
                }
            }
        }
        d
    };
    let f = ElfFile::parse(&data).unwrap();
    assert_eq!(f.class(), Class::Elf32);
    let before: Vec<Vec<u8>> = f
        .sections()
        .map(|s| masked(s.header().sh_offset, s.data().unwrap_or_default()))
        .collect();
    let out = rewrite(&data);
    let f = ElfFile::parse(&out).unwrap();
    for (s, b) in f.sections().zip(&before).skip(1) {
        let old_offset = ElfFile::parse(&data)
            .unwrap()
            .section(s.index())
            .unwrap()
            .header()
            .sh_offset;
        // A kept section reads the header as it is now; a moved one
        // carries the input's bytes.
        let offset = if s.header().sh_offset == old_offset {
            old_offset
        } else {
            u64::MAX
        };
        assert_eq!(
            masked(offset, s.data().unwrap()),
            masked(offset, b),
            "section {} changed",
            s.index()
        );
    }
    assert!(rewrite(&out) == out, "the second rewrite differs");
}

/// Bug R6: section 0's header (here garbage: the mutation moved
/// `e_shoff` by one byte) counts as an allocated section reaching past
/// the end of the file, so the whole input becomes the kept prefix; the
/// output is longer, and a second rewrite keeps more and places the
/// moved sections elsewhere. (Found by `rewrite_roundtrip_mutations`.)
///
/// Bug R10, same input: its section 20 (garbage) starts inside the kept
/// part and runs past it; it was copied whole after the kept part, so
/// the rewrite planned 13.6 KB for an 8.3 KB file. Such a section now
/// extends the kept part: no byte is copied twice.
#[test]
fn rewrite_is_stable_when_section_zero_reaches_past_the_file() {
    let mut data = corpus("s390x/lib.so");
    data[47] = 0o210;
    let once = rewrite(&data);
    assert!(rewrite(&once) == once, "the second rewrite differs");
    let sections = ElfFile::parse(&data).unwrap().section_count();
    assert!(
        once.len() <= data.len() + sections * 64 + 8,
        "{} bytes rewrite to {}",
        data.len(),
        once.len()
    );
}

/// Bug R7: the section header table written in place (a segment covers
/// the old one) changed program headers that overlap it. A mutation of
/// s390x/exe found by `rewrite_roundtrip_mutations` (seed 5, case
/// 4202): four bytes, among them `e_phoff`. Now the table goes in place
/// only over nothing kept (file header, program headers, segment
/// bytes, kept sections), else at the end.
#[test]
fn rewrite_keeps_program_headers_that_overlap_the_old_table() {
    let mut data = corpus("s390x/exe");
    for (at, v) in [(38, 0o37), (7207, 0o6), (7466, 0o43), (7467, 0o250)] {
        data[at] = v;
    }
    let before: Vec<_> = ElfFile::parse(&data).unwrap().segments().collect();
    let out = rewrite(&data);
    let after: Vec<_> = ElfFile::parse(&out).unwrap().segments().collect();
    assert_eq!(before, after);
}

/// Bug R8: section alignments were honoured whatever their size, so a
/// 17 KiB file rewrote to 128 KiB and that to 4 GiB of padding
/// (`Rewriter::write` then asked for it all at once). Input: the
/// fuzzer's (tests/data/roundtrip/rewrite-huge-alignment.elf). Now a
/// re-placed section is aligned to at most `REPLACED_ALIGN_MAX`, and a
/// plan over the documented bound is an error.
#[test]
fn rewrite_does_not_pad_to_huge_alignments() {
    let data = corpus("roundtrip/rewrite-huge-alignment.elf");
    let f = ElfFile::parse(&data).unwrap();
    let once = rewrite(&data);
    // The input, at most 64 bytes of padding per section, the table.
    let shentsize = if f.class() == Class::Elf32 { 40 } else { 64 };
    let bound = data.len() + f.section_count() * (64 + shentsize) + 8;
    assert!(
        once.len() <= bound,
        "a {:#x}-byte file rewrites to {:#x} bytes",
        data.len(),
        once.len()
    );
    assert!(rewrite(&once) == once, "the second rewrite differs");
}

/// Bug R9: segments that run past the end of the file (a mutation of
/// armhf/exe: `e_phnum` 37 reads garbage program headers) make the
/// whole input the kept part; the table, over a segment inside the
/// file, was appended; the next rewrite kept that too (the segments
/// still run past the end) and appended another, and empty sections
/// went to the kept part's end, which moved with the output's length.
/// Found by `rewrite_roundtrip_mutations` (seed 1, case 7654).
#[test]
fn rewrite_is_stable_when_segments_run_past_the_file() {
    let data = corpus("roundtrip/rewrite-segment-past-end.elf");
    let once = rewrite(&data);
    assert!(rewrite(&once) == once, "the second rewrite differs");
}

/// Bug R9, a variant: a PT_NOTE runs 276 bytes past the end of the
/// file (a mutation of rewrite-table-over-alloc-section.elf), so the
/// table appended at the end lay half under it; the next rewrite
/// appended another. A table that starts in the kept part is now
/// rewritten there when that changes nothing kept, with the re-placed
/// sections after it. (`rewrite_roundtrip_mutations`, seed 6, case
/// 2337.)
#[test]
fn rewrite_is_stable_when_the_table_runs_past_the_kept_part() {
    let data = corpus("roundtrip/rewrite-table-past-kept-end.elf");
    let once = rewrite(&data);
    assert!(rewrite(&once) == once, "the second rewrite differs");
}

/// Bug R11 (in the reader): section 0 of type SHT_DYNAMIC (garbage in
/// the reserved entry) was taken for `.dynamic` by `section_by_type`,
/// so `dynamic()` read whatever section 0's offset pointed at, and a
/// rewrite (which writes section 0 anew and drops trailing bytes)
/// changed it. (`rewrite_roundtrip_mutations`, seed 3, case 13302.)
/// The same for the notes `build_id()` walks, and the version and
/// extended-index sections (rewrite-section-zero-note.elf: seed 16,
/// case 6135).
#[test]
fn section_zero_is_never_a_section_of_a_type() {
    let data = corpus("roundtrip/rewrite-section-zero-dynamic.elf");
    let f = ElfFile::parse(&data).unwrap();
    assert_eq!(f.section(0).unwrap().header().sh_type, SHT_DYNAMIC);
    assert!(
        f.section_by_type(SHT_DYNAMIC)
            .is_none_or(|s| s.index() != 0)
    );
    let once = rewrite(&data);
    let g = ElfFile::parse(&once).unwrap();
    let entries = |f: &ElfFile<'_>| {
        f.dynamic()
            .map(|d| d.map(|d| d.iter().collect::<Vec<_>>()))
            .map_err(|e| e.to_string())
    };
    assert_eq!(entries(&f), entries(&g));

    let data = corpus("roundtrip/rewrite-section-zero-note.elf");
    let f = ElfFile::parse(&data).unwrap();
    assert_eq!(f.section(0).unwrap().header().sh_type, SHT_NOTE);
    let once = rewrite(&data);
    let g = ElfFile::parse(&once).unwrap();
    assert!(f.build_id().unwrap().is_some());
    assert_eq!(f.build_id().unwrap(), g.build_id().unwrap());
}

/// Bug R12 (found by the growth property added with `add_needed`): a
/// section table rewritten in place over `.dynamic` (garbage
/// `e_shoff` in a mutation of i686/exe) was checked against the
/// input's bytes there, not against the grown table the rewrite had
/// just written, and overwrote it: the added `DT_NEEDED` and
/// `DT_SONAME` were lost. (`rewrite_roundtrip_mutations`, seed 2, case
/// 8520.)
#[test]
fn growing_keeps_a_dynamic_table_under_the_old_section_table() {
    let data = corpus("roundtrip/grow-table-over-dynamic.elf");
    let f = ElfFile::parse(&data).unwrap();
    let mut r = Rewriter::new(&f).unwrap();
    r.add_needed(b"libadded.so").unwrap();
    r.set_soname(b"libsoname.so").unwrap();
    let out = r.write().unwrap();
    let g = ElfFile::parse(&out).unwrap();
    let names: Vec<(i64, Vec<u8>)> = g
        .dynamic()
        .unwrap()
        .unwrap()
        .iter()
        .take_while(|d| d.d_tag != DT_NULL)
        .filter(|d| matches!(d.d_tag, DT_NEEDED | DT_SONAME))
        .map(|d| (d.d_tag, g.dynamic_string(d.d_val).unwrap().to_vec()))
        .collect();
    assert_eq!(
        names,
        [
            (DT_NEEDED, b"lib.so".to_vec()),
            (DT_NEEDED, b"libc.so.6".to_vec()),
            (DT_NEEDED, b"libadded.so".to_vec()),
            (DT_SONAME, b"libsoname.so".to_vec()),
        ]
    );
}

/// Bug R13 (the same property): a PT_LOAD whose `p_filesz` (8 MiB,
/// garbage) exceeds its `p_memsz` covers the new segment's addresses
/// through its file bytes, so readers mapped the new `.dynstr` to the
/// wrong bytes. gABI forbids it; growing such a file is refused.
/// (Seed 1, case 1255, a mutation of x86_64/nosections.)
#[test]
fn growing_a_file_with_filesz_over_memsz_is_refused() {
    let data = corpus("roundtrip/grow-filesz-over-memsz.elf");
    let f = ElfFile::parse(&data).unwrap();
    let mut r = Rewriter::new(&f).unwrap();
    r.add_needed(b"libadded.so").unwrap();
    assert!(r.write().is_err());
}

/// Bug R14 (the growth property): with two `DT_RUNPATH` entries (a
/// mutated tag turned `DT_REL` into one), `set_runpath` changed the
/// first, which readelf and elfin show, while ld.so uses the last.
/// Every live entry of the tag is changed now (seed 1, case 9359).
#[test]
fn set_runpath_changes_every_runpath() {
    let data = corpus("roundtrip/grow-two-runpaths.elf");
    let f = ElfFile::parse(&data).unwrap();
    let count = |f: &ElfFile<'_>| {
        f.dynamic()
            .unwrap()
            .unwrap()
            .iter()
            .take_while(|d| d.d_tag != DT_NULL)
            .filter(|d| d.d_tag == DT_RUNPATH)
            .count()
    };
    assert_eq!(count(&f), 2);
    let mut r = Rewriter::new(&f).unwrap();
    r.set_runpath(b"/new/path").unwrap();
    let out = r.write().unwrap();
    let g = ElfFile::parse(&out).unwrap();
    assert_eq!(count(&g), 2);
    for d in g.dynamic().unwrap().unwrap().iter() {
        if d.d_tag == DT_RUNPATH {
            assert_eq!(g.dynamic_string(d.d_val).unwrap(), b"/new/path");
        }
    }
}

/// Bug R15 (the `rewrite_roundtrip` fuzz target, replaying its corpus
/// after R14): a `DT_RPATH` after `DT_NULL` (dead: nothing reads past
/// the end of the table) made `set_runpath` add a `DT_RPATH`, not the
/// `DT_RUNPATH` it adds when a file has neither.
#[test]
fn set_runpath_ignores_entries_after_the_end() {
    let data = corpus("roundtrip/grow-dead-rpath.elf");
    let f = ElfFile::parse(&data).unwrap();
    let mut r = Rewriter::new(&f).unwrap();
    r.set_runpath(b"/new/path").unwrap();
    let out = r.write().unwrap();
    let g = ElfFile::parse(&out).unwrap();
    let live: Vec<i64> = g
        .dynamic()
        .unwrap()
        .unwrap()
        .iter()
        .take_while(|d| d.d_tag != DT_NULL)
        .map(|d| d.d_tag)
        .collect();
    assert!(live.contains(&DT_RUNPATH), "{live:?}");
    assert!(!live.contains(&DT_RPATH), "{live:?}");
}

/// A hostile plan is an error before anything is allocated: growing a
/// file whose last segment claims a terabyte of memory would pad the
/// file up to there (the new segment goes after every segment's
/// memory, at the offset its address gives).
#[test]
fn growing_past_a_huge_bss_is_refused() {
    let mut data = corpus("x86_64/exe");
    let f = ElfFile::parse(&data).unwrap();
    let last = f
        .segments()
        .enumerate()
        .rfind(|(_, p)| p.p_type == PT_LOAD)
        .unwrap()
        .0;
    let at = f.header().e_phoff as usize + last * 56 + 40; // p_memsz
    data[at..at + 8].copy_from_slice(&(1u64 << 40).to_le_bytes());
    let f = ElfFile::parse(&data).unwrap();
    let mut r = Rewriter::new(&f).unwrap();
    r.set_interpreter(b"/a/much/longer/path/to/the/dynamic/loader/ld.so")
        .unwrap();
    let err = r.plan().unwrap_err();
    assert!(
        matches!(err.kind(), elfin::write::ErrorKind::TooLarge { .. }),
        "{err}"
    );
    assert!(r.write().is_err());
}
