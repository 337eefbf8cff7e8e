//! The checker: segments of a linked file (every allocated section loaded
//! with its permissions, W^X pages, congruent offsets, the special
//! program headers).

use super::*;

/// Page numbers `[first, end)` that a segment's memory touches.
pub(super) fn pages(p: &ProgramHeader, page: u64) -> (u64, u64) {
    let end = p.p_vaddr.saturating_add(p.p_memsz);
    (p.p_vaddr / page, end.div_ceil(page))
}

pub(super) fn contains(p: &ProgramHeader, addr: u64, size: u64) -> bool {
    let end = p.p_vaddr.saturating_add(p.p_memsz);
    addr >= p.p_vaddr && addr.saturating_add(size) <= end && (size > 0 || addr <= end)
}

impl Checker<'_, '_> {
    pub(super) fn loads(&self) -> Vec<ProgramHeader> {
        self.file
            .segments()
            .filter(|p| p.p_type == PT_LOAD)
            .collect()
    }

    pub(super) fn segments(&self) -> Result<(), String> {
        let (m, f) = (self.m, &self.file);
        let page = m.opts.page_size;
        let all: Vec<ProgramHeader> = f.segments().collect();
        let loads = self.loads();
        let len = self.bytes.len() as u64;
        ensure!(!loads.is_empty(), "a linked file without PT_LOAD");
        for p in &loads {
            ensure!(
                p.p_align.is_power_of_two() && p.p_align >= page,
                "PT_LOAD p_align {:#x} (page {page:#x})",
                p.p_align
            );
            ensure!(
                p.p_offset % p.p_align == p.p_vaddr % p.p_align,
                "PT_LOAD at {:#x}: p_offset {:#x} and p_vaddr disagree modulo p_align {:#x}",
                p.p_vaddr,
                p.p_offset,
                p.p_align
            );
            ensure!(p.p_filesz <= p.p_memsz, "PT_LOAD p_filesz > p_memsz");
            ensure!(
                p.p_offset + p.p_filesz <= len,
                "PT_LOAD past the end of the file"
            );
            ensure!(
                [PF_R, PF_R | PF_X, PF_R | PF_W].contains(&p.p_flags),
                "PT_LOAD flags {:#x}",
                p.p_flags
            );
        }
        // (A PT_LOAD with nothing in it may sit at the next one's address.)
        let nonempty: Vec<&ProgramHeader> = loads.iter().filter(|p| p.p_memsz > 0).collect();
        for w in nonempty.windows(2) {
            ensure!(w[0].p_vaddr < w[1].p_vaddr, "PT_LOADs not in address order");
        }
        // No page holds two segments: their permissions would mix, and
        // none can be both writable and executable.
        for (i, a) in loads.iter().enumerate() {
            for b in &loads[i + 1..] {
                let (pa, pb) = (pages(a, page), pages(b, page));
                ensure!(
                    pa.1 <= pb.0 || pb.1 <= pa.0 || a.p_memsz == 0 || b.p_memsz == 0,
                    "PT_LOADs at {:#x} (flags {:#x}) and {:#x} (flags {:#x}) share a page",
                    a.p_vaddr,
                    a.p_flags,
                    b.p_vaddr,
                    b.p_flags
                );
            }
        }
        for w in loads.iter().filter(|p| p.p_flags & PF_W != 0) {
            for x in loads.iter().filter(|p| p.p_flags & PF_X != 0) {
                let (pw, px) = (pages(w, page), pages(x, page));
                ensure!(
                    pw.1 <= px.0 || px.1 <= pw.0,
                    "a page both writable and executable"
                );
            }
        }
        if m.opts.placement == Placement::Mmap {
            let d = loads[0].p_vaddr.wrapping_sub(loads[0].p_offset);
            for p in &loads {
                ensure!(
                    p.p_vaddr.wrapping_sub(p.p_offset) == d,
                    "Mmap placement: PT_LOAD at {:#x} has offset {:#x}",
                    p.p_vaddr,
                    p.p_offset
                );
            }
        }
        // The program headers are loaded.
        let h = f.header();
        let phdrs = (h.e_phoff, u64::from(h.e_phnum) * u64::from(h.e_phentsize));
        ensure!(
            loads
                .iter()
                .any(|p| p.p_offset <= phdrs.0 && phdrs.0 + phdrs.1 <= p.p_offset + p.p_filesz),
            "the program headers are not in a PT_LOAD"
        );
        // Every allocated section is in a PT_LOAD with its permissions,
        // but TLS zeros, which take no room there (only in `PT_TLS`).
        for s in f.sections().skip(1) {
            let sh = *s.header();
            if sh.sh_flags & SHF_ALLOC == 0
                || (sh.sh_flags & SHF_TLS != 0 && sh.sh_type == SHT_NOBITS)
            {
                continue;
            }
            let name = String::from_utf8_lossy(s.name().unwrap_or(b"?")).into_owned();
            // An empty section at a segment boundary is in both; its
            // permissions decide which.
            let perms_match = |p: &&ProgramHeader| {
                (p.p_flags & PF_W != 0) == (sh.sh_flags & SHF_WRITE != 0)
                    && (p.p_flags & PF_X != 0) == (sh.sh_flags & SHF_EXECINSTR != 0)
            };
            let inside = |p: &&ProgramHeader| contains(p, sh.sh_addr, sh.sh_size);
            let Some(p) = loads
                .iter()
                .filter(inside)
                .find(perms_match)
                .or_else(|| loads.iter().find(inside))
            else {
                fail!(
                    "section {} ({name}) at {:#x}+{:#x} is in no PT_LOAD",
                    s.index(),
                    sh.sh_addr,
                    sh.sh_size
                );
            };
            ensure!(
                (p.p_flags & PF_W != 0) == (sh.sh_flags & SHF_WRITE != 0)
                    && (p.p_flags & PF_X != 0) == (sh.sh_flags & SHF_EXECINSTR != 0),
                "section {} ({name}) flags {:#x} in a PT_LOAD with flags {:#x}",
                s.index(),
                sh.sh_flags,
                p.p_flags
            );
            let rel = sh.sh_addr - p.p_vaddr;
            if sh.sh_type != SHT_NOBITS && sh.sh_size > 0 {
                ensure!(
                    sh.sh_offset == p.p_offset + rel && rel + sh.sh_size <= p.p_filesz,
                    "section {} ({name}): file bytes at {:#x} are not what its PT_LOAD maps at {:#x}",
                    s.index(),
                    sh.sh_offset,
                    sh.sh_addr
                );
            } else if sh.sh_type == SHT_NOBITS && rel < p.p_filesz {
                // Zeros at run time: whatever the file has there must be zero.
                let end = (rel + sh.sh_size).min(p.p_filesz);
                let at = (p.p_offset + rel) as usize;
                let file = &self.bytes[at..at + (end - rel) as usize];
                ensure!(
                    file.iter().all(|&b| b == 0),
                    "NOBITS section {} ({name}) maps non-zero file bytes",
                    s.index()
                );
            }
        }
        self.tls_segment(&all, &loads)?;
        let count = |t: u32| all.iter().filter(|p| p.p_type == t).count();
        let dynamic = m.dynamic();
        let interp = dynamic && m.interpreter.is_some();
        ensure!(
            count(PT_INTERP) == usize::from(interp),
            "{} PT_INTERP",
            count(PT_INTERP)
        );
        ensure!(
            count(PT_DYNAMIC) == usize::from(dynamic),
            "{} PT_DYNAMIC",
            count(PT_DYNAMIC)
        );
        ensure!(count(PT_PHDR) <= 1, "several PT_PHDR");
        if interp {
            ensure!(
                count(PT_PHDR) == 1 && all[0].p_type == PT_PHDR,
                "PT_INTERP without a leading PT_PHDR"
            );
        }
        if let Some(p) = all.iter().find(|p| p.p_type == PT_PHDR) {
            ensure!(
                p.p_offset == phdrs.0 && p.p_filesz == phdrs.1 && p.p_memsz == phdrs.1,
                "PT_PHDR does not cover the program headers"
            );
            ensure!(
                loads.iter().any(|l| contains(l, p.p_vaddr, p.p_memsz)
                    && p.p_offset - l.p_offset == p.p_vaddr - l.p_vaddr),
                "PT_PHDR is not where a PT_LOAD maps the program headers"
            );
        }
        if interp {
            let want = m.interpreter.as_deref().unwrap_or(&[]);
            let got = f.interpreter().map_err(|e| format!("interpreter: {e}"))?;
            ensure!(got == Some(want), "interpreter {got:?}");
            let p = all.iter().find(|p| p.p_type == PT_INTERP).unwrap();
            let d = f.segment_data(p).map_err(|e| e.to_string())?;
            ensure!(
                d.len() == want.len() + 1 && d.ends_with(&[0]) && &d[..want.len()] == want,
                "PT_INTERP bytes"
            );
            ensure!(
                loads.iter().any(|l| contains(l, p.p_vaddr, p.p_memsz)),
                "PT_INTERP not loaded"
            );
        }
        if dynamic {
            let p = all.iter().find(|p| p.p_type == PT_DYNAMIC).unwrap();
            let d = f
                .section_by_type(SHT_DYNAMIC)
                .ok_or("PT_DYNAMIC without SHT_DYNAMIC")?;
            let h = d.header();
            ensure!(
                p.p_offset == h.sh_offset && p.p_vaddr == h.sh_addr && p.p_filesz == h.sh_size,
                "PT_DYNAMIC is not .dynamic"
            );
        }
        // One PT_NOTE per allocated note section.
        let notes: Vec<SectionHeader> = f
            .sections()
            .map(|s| *s.header())
            .filter(|h| h.sh_type == SHT_NOTE && h.sh_flags & SHF_ALLOC != 0)
            .collect();
        ensure!(
            count(PT_NOTE) == notes.len(),
            "{} PT_NOTE for {} note sections",
            count(PT_NOTE),
            notes.len()
        );
        for h in &notes {
            ensure!(
                all.iter().any(|p| p.p_type == PT_NOTE
                    && p.p_offset == h.sh_offset
                    && p.p_vaddr == h.sh_addr
                    && p.p_filesz == h.sh_size),
                "no PT_NOTE for the note section at {:#x}",
                h.sh_addr
            );
        }
        ensure!(
            count(PT_GNU_STACK) == 1,
            "{} PT_GNU_STACK",
            count(PT_GNU_STACK)
        );
        let stack = all.iter().find(|p| p.p_type == PT_GNU_STACK).unwrap();
        ensure!(stack.p_flags & PF_X == 0, "executable stack");
        // RELRO: covers .dynamic and the relro sections, inside a writable
        // PT_LOAD, and protects no other writable section.
        let relro: Vec<&ProgramHeader> = all.iter().filter(|p| p.p_type == PT_GNU_RELRO).collect();
        let want_relro = dynamic || m.sections.iter().any(|s| s.relro);
        ensure!(relro.len() <= 1, "several PT_GNU_RELRO");
        if dynamic {
            ensure!(relro.len() == 1, "a dynamic file without PT_GNU_RELRO");
        }
        if let (Some(r), Some(t)) = (relro.first(), self.tls) {
            // The TLS image is read only by the loader, to make each
            // thread's copy: RELRO starts there (as GNU ld and lld do).
            let image = m
                .sections
                .iter()
                .any(|s| s.in_tls_segment() && s.sh_type != SHT_NOBITS);
            if dynamic && image {
                ensure!(
                    r.p_vaddr == t.p_vaddr,
                    "PT_GNU_RELRO starts at {:#x}, not at the TLS image {:#x}",
                    r.p_vaddr,
                    t.p_vaddr
                );
            }
        }
        if let Some(r) = relro.first() {
            ensure!(want_relro, "PT_GNU_RELRO without relro sections");
            ensure!(
                loads.iter().any(|l| l.p_flags & PF_W != 0
                    && contains(l, r.p_vaddr, r.p_memsz)
                    && r.p_offset.wrapping_sub(l.p_offset) == r.p_vaddr - l.p_vaddr),
                "PT_GNU_RELRO is not inside a writable PT_LOAD"
            );
            let (lo, hi) = (
                r.p_vaddr / page * page,
                (r.p_vaddr + r.p_memsz) / page * page,
            );
            for (k, s) in m.sections.iter().enumerate() {
                let h = &self.headers[k];
                if s.in_tls_segment() {
                    // Inside RELRO when they are the image (above), or
                    // taking no room at all.
                    if s.sh_type != SHT_NOBITS && h.sh_size > 0 {
                        ensure!(
                            contains(r, h.sh_addr, h.sh_size),
                            "TLS image section {k} outside PT_GNU_RELRO"
                        );
                    }
                    continue;
                }
                if s.relro && h.sh_size > 0 {
                    ensure!(
                        contains(r, h.sh_addr, h.sh_size),
                        "relro section {k} outside PT_GNU_RELRO"
                    );
                }
                if s.perms == Some(Perms::RW) && !s.relro && h.sh_size > 0 {
                    ensure!(
                        h.sh_addr + h.sh_size <= lo || h.sh_addr >= hi,
                        "writable section {k} at {:#x} is made read-only by PT_GNU_RELRO [{:#x}, {:#x})",
                        h.sh_addr,
                        r.p_vaddr,
                        r.p_vaddr + r.p_memsz
                    );
                }
            }
            if let Some(d) = f.section_by_type(SHT_DYNAMIC) {
                ensure!(
                    contains(r, d.header().sh_addr, d.header().sh_size),
                    ".dynamic outside PT_GNU_RELRO"
                );
            }
        }
        Ok(())
    }

    /// `PT_TLS`: one when the file has loaded TLS sections, read-only,
    /// aligned to its most aligned section, spanning exactly the TLS
    /// sections with the image (in the file, where a writable PT_LOAD maps
    /// it) before the zeros.
    pub(super) fn tls_segment(
        &self,
        all: &[ProgramHeader],
        loads: &[ProgramHeader],
    ) -> Result<(), String> {
        let m = self.m;
        let tls: Vec<usize> = (0..m.sections.len())
            .filter(|&k| m.sections[k].in_tls_segment())
            .collect();
        let n = all.iter().filter(|p| p.p_type == PT_TLS).count();
        ensure!(
            n == usize::from(!tls.is_empty()),
            "{n} PT_TLS for {} TLS sections",
            tls.len()
        );
        let Some(t) = self.tls else {
            return Ok(());
        };
        ensure!(t.p_flags == PF_R, "PT_TLS flags {:#x}", t.p_flags);
        let align = tls
            .iter()
            .map(|&k| m.sections[k].align.max(1))
            .max()
            .unwrap_or(1);
        ensure!(
            t.p_align == align,
            "PT_TLS p_align {:#x}, expected {align:#x}",
            t.p_align
        );
        ensure!(
            t.p_vaddr.is_multiple_of(align),
            "PT_TLS at {:#x} is not aligned to {align:#x}",
            t.p_vaddr
        );
        let h = |k: usize| self.headers[k];
        let start = tls.iter().map(|&k| h(k).sh_addr).min().unwrap_or(0);
        let end = tls
            .iter()
            .map(|&k| h(k).sh_addr + h(k).sh_size)
            .max()
            .unwrap_or(0);
        let image: Vec<usize> = tls
            .iter()
            .copied()
            .filter(|&k| m.sections[k].sh_type != SHT_NOBITS && h(k).sh_size > 0)
            .collect();
        let image_end = image.iter().map(|&k| h(k).sh_addr + h(k).sh_size).max();
        ensure!(
            t.p_vaddr == start && t.p_memsz == end - start,
            "PT_TLS [{:#x}, +{:#x}) is not the TLS sections' [{start:#x}, {end:#x})",
            t.p_vaddr,
            t.p_memsz
        );
        ensure!(
            t.p_filesz == image_end.map_or(0, |e| e - start),
            "PT_TLS p_filesz {:#x}, the image ends at {image_end:#x?}",
            t.p_filesz
        );
        for &k in &tls {
            let (s, hk) = (&m.sections[k], h(k));
            if s.sh_type == SHT_NOBITS && hk.sh_size > 0 {
                ensure!(
                    hk.sh_addr >= start + t.p_filesz,
                    "TLS zeros (section {k}) at {:#x}, inside the TLS image",
                    hk.sh_addr
                );
            }
            for &q in &tls {
                let hq = h(q);
                ensure!(
                    q == k
                        || hk.sh_size == 0
                        || hq.sh_size == 0
                        || hk.sh_addr + hk.sh_size <= hq.sh_addr
                        || hq.sh_addr + hq.sh_size <= hk.sh_addr,
                    "TLS sections {k} and {q} overlap"
                );
            }
        }
        if t.p_filesz > 0 {
            ensure!(
                loads.iter().any(|l| l.p_flags & PF_W != 0
                    && contains(l, t.p_vaddr, t.p_filesz)
                    && t.p_offset.wrapping_sub(l.p_offset) == t.p_vaddr - l.p_vaddr
                    && t.p_offset + t.p_filesz <= l.p_offset + l.p_filesz),
                "the TLS image is not where a writable PT_LOAD maps it"
            );
        }
        Ok(())
    }
}
