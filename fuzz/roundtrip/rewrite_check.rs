//! `rewrite_roundtrip`: a no-op rewrite reads back the same, places moved
//! sections apart, and is a fixpoint; then the same file grown
//! (`grow_check`).

use super::*;

/// Rewrites `data` without changes and checks the result; see the module
/// docs. `on_output` sees the rewritten file.
///
/// (The rewriter bugs this found, R1–R8 in FUZZING.md, are fixed; their
/// reproducers are regression tests in tests/roundtrip.rs, `mod known`.)
pub fn rewrite_roundtrip(
    data: &[u8],
    on_output: &mut dyn FnMut(&[u8]),
) -> Result<RewriteOutcome, String> {
    let outcome = check_noop_rewrite(data, on_output)?;
    if outcome == RewriteOutcome::Rewritten {
        grow_roundtrip(data, on_output)?;
    }
    Ok(outcome)
}

/// The no-op rewrite of [`rewrite_roundtrip`].
pub(super) fn check_noop_rewrite(
    data: &[u8],
    on_output: &mut dyn FnMut(&[u8]),
) -> Result<RewriteOutcome, String> {
    let Ok(file) = ElfFile::parse(data) else {
        return Ok(RewriteOutcome::NotElf);
    };
    let rw = match Rewriter::new(&file) {
        Ok(r) => r,
        Err(e) => {
            let _ = format!("{e} {e:?}");
            return Ok(RewriteOutcome::Refused);
        }
    };
    let plan = match rw.plan() {
        Ok(p) => p,
        // Sections outside the kept part that overlap would each get a
        // copy, past the documented bound.
        Err(e) if matches!(e.kind(), elfin::write::ErrorKind::TooLarge { .. }) => {
            return Ok(RewriteOutcome::TooLarge);
        }
        Err(e) => {
            let _ = format!("{e} {e:?}");
            return Ok(RewriteOutcome::Refused);
        }
    };
    let out = rw
        .write()
        .map_err(|e| format!("write failed after plan succeeded: {e}"))?;
    ensure!(
        out.len() as u64 == plan.file_size(),
        "wrote {} bytes, planned {}",
        out.len(),
        plan.file_size()
    );
    on_output(&out);
    if let Some(path) = std::env::var_os("ELFIN_ROUNDTRIP_DUMP") {
        // For a closer look at one case with readelf: PATH.in and PATH.out.
        let mut p = path.clone();
        p.push(".in");
        let _ = std::fs::write(&p, data);
        let mut p = path;
        p.push(".out");
        let _ = std::fs::write(&p, &out);
    }
    let f2 = ElfFile::parse(&out).map_err(|e| format!("the rewritten file does not parse: {e}"))?;
    let (ehsize, phentsize, shentsize) = match file.class() {
        Class::Elf32 => (52u64, 32u64, 40u64),
        Class::Elf64 => (64, 56, 64),
    };
    // The file header's fields a rewrite must change: the section table
    // moves (e_shoff) and is written anew (its entry size, count and name
    // index). Sections and program headers whose bytes include them
    // change with them: their data is compared with these bytes masked.
    let changed = header_fields_a_rewrite_changes(file.class());
    let masks: Vec<Vec<(usize, usize)>> = file
        .sections()
        .map(|s| {
            let h = s.header();
            if !h.has_file_data() || h.sh_size == 0 {
                return Vec::new();
            }
            changed
                .iter()
                .filter(|&&(a, b)| h.sh_offset < b && a < h.sh_offset.saturating_add(h.sh_size))
                .map(|&(a, b)| {
                    let from = a.saturating_sub(h.sh_offset);
                    let to = (b - h.sh_offset).min(h.sh_size);
                    (from as usize, to as usize)
                })
                .collect()
        })
        .collect();
    let h = file.header();
    let phdrs = (
        h.e_phoff,
        h.e_phoff
            .saturating_add(file.segment_count() as u64 * phentsize),
    );
    let header_overlap = masks.iter().any(|m| !m.is_empty())
        || (file.segment_count() > 0 && changed.iter().any(|&(a, b)| phdrs.0 < b && a < phdrs.1))
        || views_start_in_the_header(&file, ehsize);
    let fp = Fp {
        header_overlap,
        masks,
    };
    compare_fingerprints(&fingerprint(&file, &fp), &fingerprint(&f2, &fp))?;

    // The kept prefix is the input's, byte for byte, but for the header's
    // changed fields and a section table written in place (R7: over
    // nothing kept: what it changes is no program header, segment byte or
    // kept section's byte, and it leaves the file header alone).
    let shend2 = plan
        .shoff()
        .saturating_add((plan.sections().len() as u64 + 1) * shentsize);
    let in_place = plan.shoff() != 0 && plan.shoff() < plan.loaded_end();
    ensure!(
        !in_place || plan.shoff() >= ehsize,
        "the section table written in place at {:#x} overlaps the file header",
        plan.shoff()
    );
    let mut kept: Vec<(u64, u64, String)> = vec![(phdrs.0, phdrs.1, "the program headers".into())];
    for p in file.segments() {
        let end = p.p_offset.saturating_add(p.p_filesz);
        kept.push((p.p_offset, end, format!("segment {p:?}")));
    }
    for (s, b) in f2.sections().zip(file.sections()).skip(1) {
        let (h, b) = (s.header(), b.header());
        if h.sh_offset == b.sh_offset && b.has_file_data() {
            let end = b.sh_offset.saturating_add(b.sh_size);
            kept.push((b.sh_offset, end, format!("section {}", s.index())));
        }
    }
    let n = plan.loaded_end() as usize;
    // (Byte by byte only if they differ: the prefix may be large.)
    let differ = data[..n] != out[..n];
    for (i, (a, b)) in data[..n]
        .iter()
        .zip(&out)
        .enumerate()
        .take(if differ { n } else { 0 })
    {
        if a == b {
            continue;
        }
        let i = i as u64;
        if changed.iter().any(|&(x, y)| (x..y).contains(&i)) {
            continue;
        }
        ensure!(
            in_place && (plan.shoff()..shend2).contains(&i),
            "byte {i:#x} of the kept prefix changed from {a:#x} to {b:#x}"
        );
        if let Some((_, _, what)) = kept.iter().find(|(x, y, _)| (*x..*y).contains(&i)) {
            fail!(
                "the section table written in place at {:#x} changed byte {i:#x} of {what}",
                plan.shoff()
            );
        }
    }
    // The documented bound (Rewriter::plan): the input, a little padding
    // per re-placed section, and the new section table.
    let moved = f2
        .sections()
        .skip(1)
        .filter(|s| s.header().sh_offset >= plan.loaded_end())
        .count() as u64;
    let bound = data.len() as u64
        + moved * elfin::write::REPLACED_ALIGN_MAX
        + (plan.sections().len() as u64 + 1) * shentsize
        + 8;
    ensure!(
        plan.file_size() <= bound,
        "the output is {:#x} bytes, over the bound {bound:#x} (input {:#x}, {moved} sections re-placed)",
        plan.file_size(),
        data.len()
    );

    // Sections the rewrite placed lie after the kept part, before the
    // section header table, and apart from each other, unless their input
    // bytes overlapped: those move together, keeping their relative place.
    {
        // (new start, new end, index, old start)
        let mut placed: Vec<(u64, u64, usize, u64)> = Vec::new();
        for (s, b) in f2.sections().zip(file.sections()).skip(1) {
            let (h, b) = (s.header(), b.header());
            if h.sh_offset != b.sh_offset && h.has_file_data() && h.sh_size > 0 {
                placed.push((h.sh_offset, h.sh_offset + h.sh_size, s.index(), b.sh_offset));
            }
        }
        placed.sort();
        let shoff = f2.header().e_shoff;
        for (j, a) in placed.iter().enumerate() {
            for b in placed[j + 1..].iter().take_while(|b| b.0 < a.1) {
                let old_overlap = b.3 < a.3 + (a.1 - a.0) && a.3 < b.3 + (b.1 - b.0);
                ensure!(
                    old_overlap && b.0 - a.0 == b.3.wrapping_sub(a.3),
                    "the rewrite placed section {} [{:#x}, {:#x}) over section {} at {:#x} (at {:#x} and {:#x} in the input)",
                    a.2,
                    a.0,
                    a.1,
                    b.2,
                    b.0,
                    a.3,
                    b.3
                );
            }
        }
        let shend = shoff + f2.section_count() as u64 * shentsize;
        for p in &placed {
            ensure!(
                p.0 >= plan.loaded_end() && (shoff == 0 || p.1 <= shoff || p.0 >= shend),
                "the rewrite placed section {} at [{:#x}, {:#x}), before the kept part's end {:#x} or over the section headers [{shoff:#x}, {shend:#x})",
                p.2,
                p.0,
                p.1,
                plan.loaded_end()
            );
        }
    }
    let rw2 = Rewriter::new(&f2)
        .map_err(|e| format!("the rewritten file does not open for rewriting: {e}"))?;
    let out2 = rw2
        .write()
        .map_err(|e| format!("the rewritten file does not rewrite: {e}"))?;
    ensure!(
        out2 == out,
        "rewriting the output again changes it: {}",
        first_difference(&out, &out2)
    );
    Ok(RewriteOutcome::Rewritten)
}

/// Whether a view other than a section reads from the file header (where
/// the fields a rewrite changes are): a `PT_DYNAMIC`, `PT_INTERP` or
/// `PT_NOTE` that starts there, or a table a dynamic entry points at
/// there (symbols, strings, hashes, versions, relocations).
fn views_start_in_the_header(f: &ElfFile<'_>, ehsize: u64) -> bool {
    let segments = f.segments().any(|p| {
        matches!(p.p_type, PT_DYNAMIC | PT_INTERP | PT_NOTE)
            && p.p_filesz > 0
            && p.p_offset < ehsize
    });
    let tables = f.dynamic().ok().flatten().is_some_and(|d| {
        d.iter().any(|e| {
            matches!(
                e.d_tag,
                DT_HASH
                    | DT_GNU_HASH
                    | DT_STRTAB
                    | DT_SYMTAB
                    | DT_RELA
                    | DT_REL
                    | DT_JMPREL
                    | DT_RELR
                    | DT_VERSYM
                    | DT_VERDEF
                    | DT_VERNEED
            ) && f.vaddr_to_offset(e.d_val).is_some_and(|o| o < ehsize)
        })
    });
    segments || tables
}

/// The file header's section-table fields, as file ranges: `e_shoff`, and
/// `e_shentsize`, `e_shnum`, `e_shstrndx` (adjacent).
fn header_fields_a_rewrite_changes(class: Class) -> [(u64, u64); 2] {
    match class {
        Class::Elf32 => [(32, 36), (46, 52)],
        Class::Elf64 => [(40, 48), (58, 64)],
    }
}
