//! `rewrite_roundtrip`: a no-op rewrite reads back the same, places moved
//! sections apart, and is a fixpoint.

use super::*;

/// Rewrites `data` without changes and checks the result; see the module
/// docs. `on_output` sees the rewritten file.
///
/// (The three rewriter bugs this found — a section table appended again
/// on every rewrite when a segment runs past the file, empty loaded
/// sections left past the end, unstable placement around empty sections —
/// are fixed; their reproducers are regression tests in tests/roundtrip.rs.)
pub fn rewrite_roundtrip(
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
        Err(e) => {
            let _ = format!("{e} {e:?}");
            return Ok(RewriteOutcome::Refused);
        }
    };
    if plan.file_size > (data.len() as u64).saturating_mul(16) + (1 << 20) {
        return Ok(RewriteOutcome::TooLarge);
    }
    let out = rw
        .write()
        .map_err(|e| format!("write failed after plan succeeded: {e}"))?;
    ensure!(
        out.len() as u64 == plan.file_size,
        "wrote {} bytes, planned {}",
        out.len(),
        plan.file_size
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
    let ehsize = match file.class() {
        Class::Elf32 => 52u64,
        Class::Elf64 => 64,
    };
    // Sections (or program headers) whose bytes include the file header
    // see the header's section-table fields change.
    let masks: Vec<usize> = file
        .sections()
        .map(|s| {
            let h = s.header();
            if h.has_file_data() && h.sh_size > 0 && h.sh_offset < ehsize {
                (ehsize - h.sh_offset) as usize
            } else {
                0
            }
        })
        .collect();
    let h = file.header();
    let header_overlap = masks.iter().any(|&n| n > 0) || (h.e_phnum > 0 && h.e_phoff < ehsize);
    let fp = Fp {
        header_overlap,
        masks,
    };
    // Bugs R5 (fixed for sections in c18cf1d) and R7 (open, FUZZING.md):
    // when the old section header table lies in the kept prefix, the
    // rewrite writes the new one over it, changing whatever overlaps it.
    let shentsize = if file.class() == Class::Elf32 { 40 } else { 64 };
    let table = (
        h.e_shoff,
        h.e_shoff + file.section_count() as u64 * shentsize,
    );
    // (Section 0 too: with a garbage header its "contents" are read.)
    let table_overlap = plan.shoff == h.e_shoff
        && file.sections().any(|s| {
            let sh = s.header();
            sh.has_file_data()
                && sh.sh_size > 0
                && sh.sh_offset < table.1
                && sh.sh_offset.saturating_add(sh.sh_size) > table.0
        });
    // (The program headers and segments too: R7, the same in-place write
    // over them.)
    let phentsize = if file.class() == Class::Elf32 { 32 } else { 56 };
    let phdrs = (h.e_phoff, h.e_phoff + u64::from(h.e_phnum) * phentsize);
    let table_overlap = table_overlap
        || (plan.shoff == h.e_shoff && h.e_phnum > 0 && phdrs.0 < table.1 && phdrs.1 > table.0)
        // (And any segment's file bytes, e.g. a PT_DYNAMIC over it.)
        || (plan.shoff == h.e_shoff
            && file.segments().any(|p| {
                p.p_filesz > 0
                    && p.p_offset < table.1
                    && p.p_offset.saturating_add(p.p_filesz) > table.0
            }));
    if !table_overlap || strict_from_env() {
        compare_fingerprints(&fingerprint(&file, &fp), &fingerprint(&f2, &fp))?;
    }

    // Sections the rewrite placed lie after the kept part, before the
    // section header table, and apart from each other.
    {
        let mut placed: Vec<(u64, u64, usize)> = Vec::new();
        for (s, b) in f2.sections().zip(file.sections()).skip(1) {
            let (h, b) = (s.header(), b.header());
            if h.sh_offset != b.sh_offset && h.has_file_data() && h.sh_size > 0 {
                placed.push((h.sh_offset, h.sh_offset + h.sh_size, s.index()));
            }
        }
        placed.sort();
        let shoff = f2.header().e_shoff;
        for w in placed.windows(2) {
            ensure!(
                w[0].1 <= w[1].0,
                "the rewrite placed section {} [{:#x}, {:#x}) over section {} at {:#x}",
                w[0].2,
                w[0].0,
                w[0].1,
                w[1].2,
                w[1].0
            );
        }
        let shend = shoff + f2.section_count() as u64 * shentsize;
        for p in &placed {
            ensure!(
                p.0 >= plan.loaded_end && (shoff == 0 || p.1 <= shoff || p.0 >= shend),
                "the rewrite placed section {} at [{:#x}, {:#x}), before the kept part's end {:#x} or over the section headers [{shoff:#x}, {shend:#x})",
                p.2,
                p.0,
                p.1,
                plan.loaded_end
            );
        }
    }
    let rw2 = Rewriter::new(&f2)
        .map_err(|e| format!("the rewritten file does not open for rewriting: {e}"))?;
    let plan2 = rw2
        .plan()
        .map_err(|e| format!("the rewritten file does not plan: {e}"))?;
    if plan2.file_size > (out.len() as u64).saturating_mul(16) + (1 << 20) {
        // Open bug R8 (FUZZING.md): alignments are honoured whatever their
        // size, so rewriting the output may take gigabytes of padding.
        ensure!(
            !strict_from_env(),
            "rewriting the output again would take {:#x} bytes",
            plan2.file_size
        );
        return Ok(RewriteOutcome::TooLarge);
    }
    let out2 = rw2
        .write()
        .map_err(|e| format!("the rewritten file does not rewrite: {e}"))?;
    if out2 != out && table_overlap && !strict_from_env() {
        // R5/R7: the table written in place over kept sections
        // changes them, and with them what the second rewrite keeps.
        return Ok(RewriteOutcome::Rewritten);
    }
    if out2 != out && plan2.loaded_end != plan.loaded_end && !strict_from_env() {
        // R6 (fixed in c18cf1d; kept for variants): section 0's header counts in the kept
        // prefix, and anything reaching past the end of the input makes the
        // whole input the kept prefix; the output's length then decides
        // what a second rewrite keeps (more, or, once the table written in
        // place (R5) changed section 0, less).
        return Ok(RewriteOutcome::Rewritten);
    }
    ensure!(
        out2 == out,
        "rewriting the output again changes it: {}",
        first_difference(&out, &out2)
    );
    Ok(RewriteOutcome::Rewritten)
}
