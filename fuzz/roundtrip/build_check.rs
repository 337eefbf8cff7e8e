//! The checker of a built file: the file header, the section header table
//! against the model, and the file ranges of every piece.

use super::*;

pub(super) struct Checker<'m, 'f> {
    pub(super) m: &'m Model,
    pub(super) plan: &'m LayoutPlan<'m>,
    pub(super) file: ElfFile<'f>,
    pub(super) bytes: &'f [u8],
    /// Each user section's index in the output.
    pub(super) index: Vec<usize>,
    /// Each user section's header in the output.
    pub(super) headers: Vec<SectionHeader>,
    /// Each symbol's position in `.symtab`.
    pub(super) symtab_pos: Vec<usize>,
    pub(super) locals: usize,
    /// `PT_TLS`, if any (checked in `segments`).
    pub(super) tls: Option<ProgramHeader>,
}

impl<'m, 'f> Checker<'m, 'f> {
    pub(super) fn new(
        m: &'m Model,
        plan: &'m LayoutPlan,
        file: ElfFile<'f>,
        bytes: &'f [u8],
    ) -> Result<Self, String> {
        let mut index = Vec::new();
        for k in 0..m.sections.len() {
            let at: Vec<usize> = plan
                .sections()
                .iter()
                .enumerate()
                .filter(|(_, s)| s.origin == Origin::User(m.sid(k)))
                .map(|(i, _)| i + 1)
                .collect();
            ensure!(
                at.len() == 1,
                "user section {k} is planned {} times",
                at.len()
            );
            index.push(at[0]);
        }
        let headers = index
            .iter()
            .map(|&i| {
                file.section(i)
                    .map(|s| *s.header())
                    .map_err(|e| format!("section {i}: {e}"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut order: Vec<usize> = (0..m.symbols.len())
            .filter(|&i| m.symbols[i].bind == STB_LOCAL)
            .collect();
        let locals = order.len();
        order.extend((0..m.symbols.len()).filter(|&i| m.symbols[i].bind != STB_LOCAL));
        let mut symtab_pos = vec![0; m.symbols.len()];
        for (p, &i) in order.iter().enumerate() {
            symtab_pos[i] = p + 1;
        }
        let tls = file.segments().find(|p| p.p_type == PT_TLS);
        Ok(Checker {
            m,
            plan,
            file,
            bytes,
            index,
            headers,
            symtab_pos,
            locals,
            tls,
        })
    }

    pub(super) fn run(&self) -> Result<(), String> {
        self.header()?;
        self.section_table()?;
        self.file_ranges()?;
        self.symtab()?;
        if self.m.rel() {
            self.object()?;
        } else {
            self.segments()?;
            self.dynamic()?;
            self.image()?;
            self.build_id()?;
        }
        strict_walk(&self.file)
    }

    /// Where the TLS segment starts (0 without one).
    pub(super) fn tls_start(&self) -> u64 {
        self.tls.map_or(0, |p| p.p_vaddr)
    }

    /// The value a symbol must have in the output: in linked files its
    /// address, or for a thread-local variable its offset in the TLS
    /// segment (gABI).
    pub(super) fn symbol_value(&self, i: usize) -> u64 {
        let s = &self.m.symbols[i];
        match s.place {
            SymbolPlace::Section(_) if self.m.linked() => {
                let addr = self.headers[s.section].sh_addr.wrapping_add(s.value);
                if self.m.tls_symbol(i) {
                    addr.wrapping_sub(self.tls_start())
                } else {
                    addr
                }
            }
            _ => s.value,
        }
    }

    /// The section index a symbol must have, before `SHN_XINDEX` is
    /// resolved.
    pub(super) fn symbol_section(&self, i: usize) -> u32 {
        let s = &self.m.symbols[i];
        match s.place {
            SymbolPlace::Undefined => SHN_UNDEF.into(),
            SymbolPlace::Absolute => SHN_ABS.into(),
            SymbolPlace::Common => SHN_COMMON.into(),
            SymbolPlace::Raw(x) => x.into(),
            SymbolPlace::Section(_) => self.index[s.section] as u32,
        }
    }

    /// `st_shndx`: `SHN_XINDEX` for sections from `SHN_LORESERVE` on.
    pub(super) fn symbol_shndx(&self, i: usize) -> u16 {
        let s = &self.m.symbols[i];
        match (s.place, self.symbol_section(i)) {
            (SymbolPlace::Section(_), x) if x >= u32::from(SHN_LORESERVE) => SHN_XINDEX,
            (_, x) => x as u16,
        }
    }

    pub(super) fn header(&self) -> Result<(), String> {
        let h = self.file.header();
        let m = self.m;
        ensure!(
            self.file.encoding() == m.enc,
            "encoding {:?}",
            self.file.encoding()
        );
        ensure!(h.e_machine == m.machine, "e_machine {}", h.e_machine);
        ensure!(h.e_type == m.file_type, "e_type {}", h.e_type);
        ensure!(h.ident.osabi == m.osabi, "osabi {}", h.ident.osabi);
        ensure!(h.e_flags == m.flags, "e_flags {:#x}", h.e_flags);
        ensure!(h.e_version == 1 && h.ident.version == 1, "version");
        let entry = m.entry.map_or(0, |e| self.symbol_value(e));
        ensure!(
            h.e_entry == entry,
            "e_entry {:#x}, expected {entry:#x}",
            h.e_entry
        );
        if m.rel() {
            ensure!(h.e_phnum == 0, "an object with program headers");
        }
        Ok(())
    }

    pub(super) fn section_table(&self) -> Result<(), String> {
        let (m, f) = (self.m, &self.file);
        ensure!(
            f.section_count() == self.plan.sections().len() + 1,
            "{} sections, planned {}",
            f.section_count(),
            self.plan.sections().len() + 1
        );
        ensure!(
            f.header() == *self.plan.header(),
            "the file header reads back as {:?}, planned {:?}",
            f.header(),
            self.plan.header()
        );
        let segments: Vec<ProgramHeader> = f.segments().collect();
        ensure!(
            segments == self.plan.segments(),
            "the program headers read back as {segments:?}, planned {:?}",
            self.plan.segments()
        );
        // Section 0 is null, but for the counts that do not fit the file
        // header (gABI extended numbering).
        let shnum = self.plan.sections().len() as u64 + 1;
        let shstrndx = f.shstrndx() as u64;
        let big = u64::from(SHN_LORESERVE);
        let h = f.header();
        ensure!(
            u64::from(h.e_shnum) == if shnum >= big { 0 } else { shnum },
            "e_shnum {} for {shnum} sections",
            h.e_shnum
        );
        ensure!(
            u64::from(h.e_shstrndx)
                == if shstrndx >= big {
                    SHN_XINDEX.into()
                } else {
                    shstrndx
                },
            "e_shstrndx {:#x} for .shstrtab at {shstrndx}",
            h.e_shstrndx
        );
        let want0 = SectionHeader {
            sh_size: if shnum >= big { shnum } else { 0 },
            sh_link: if shstrndx >= big { shstrndx as u32 } else { 0 },
            ..SectionHeader::default()
        };
        let s0 = f.section(0).map_err(|e| e.to_string())?;
        ensure!(
            *s0.header() == want0,
            "section 0 is {:?}, expected {want0:?}",
            s0.header()
        );
        for (i, p) in self.plan.sections().iter().enumerate() {
            let s = f.section(i + 1).map_err(|e| e.to_string())?;
            ensure!(
                *s.header() == p.header,
                "section {} ({:?}): header reads back as {:?}, planned {:?}",
                i + 1,
                String::from_utf8_lossy(&p.name),
                s.header(),
                p.header
            );
            let name = s
                .name()
                .map_err(|e| format!("section {} name: {e}", i + 1))?;
            ensure!(
                name == &p.name[..],
                "section {}: name differs from the plan",
                i + 1
            );
            if s.header().sh_flags & SHF_ALLOC == 0 {
                ensure!(
                    s.header().sh_addr == 0,
                    "section {}: an address but not SHF_ALLOC",
                    i + 1
                );
            }
            if m.rel() {
                ensure!(
                    s.header().sh_addr == 0,
                    "section {}: an address in an object",
                    i + 1
                );
            }
        }
        let names = f
            .section(f.shstrndx() as usize)
            .map_err(|e| format!("e_shstrndx: {e}"))?;
        ensure!(
            names.header().sh_type == SHT_STRTAB && names.name() == Ok(&b".shstrtab"[..]),
            "e_shstrndx does not name .shstrtab"
        );
        for (k, s) in m.sections.iter().enumerate() {
            let ix = self.index[k];
            let h = &self.headers[k];
            let sec = f.section(ix).map_err(|e| e.to_string())?;
            let what = || {
                format!(
                    "user section {k} (output {ix}, {:?})",
                    String::from_utf8_lossy(&s.name)
                )
            };
            ensure!(
                sec.name() == Ok(&s.name[..]),
                "{}: name {:?}",
                what(),
                sec.name()
            );
            ensure!(
                h.sh_type == s.sh_type,
                "{}: sh_type {:#x}",
                what(),
                h.sh_type
            );
            let mut flags = s.flags & !(SHF_ALLOC | SHF_WRITE | SHF_EXECINSTR);
            flags |= match s.perms {
                None => 0,
                Some(Perms::R) => SHF_ALLOC,
                Some(Perms::RX) => SHF_ALLOC | SHF_EXECINSTR,
                Some(Perms::RW) => SHF_ALLOC | SHF_WRITE,
            };
            ensure!(
                h.sh_flags == flags,
                "{}: sh_flags {:#x}, expected {flags:#x}",
                what(),
                h.sh_flags
            );
            ensure!(
                h.sh_addralign == s.align.max(1),
                "{}: sh_addralign {}",
                what(),
                h.sh_addralign
            );
            if h.sh_addralign > 1 {
                ensure!(
                    h.sh_addr.is_multiple_of(h.sh_addralign),
                    "{}: address {:#x} not aligned",
                    what(),
                    h.sh_addr
                );
            }
            if !m.rel()
                && s.perms.is_some()
                && h.sh_addralign > 1
                && h.sh_type != SHT_NOBITS
                && h.sh_size > 0
            {
                // Offsets and addresses agree modulo the alignment.
                ensure!(
                    h.sh_offset % h.sh_addralign == h.sh_addr % h.sh_addralign,
                    "{}: offset {:#x} and address {:#x} disagree modulo the alignment",
                    what(),
                    h.sh_offset,
                    h.sh_addr
                );
            }
            ensure!(
                h.sh_entsize == s.entsize,
                "{}: sh_entsize {:#x}",
                what(),
                h.sh_entsize
            );
            ensure!(
                h.sh_size == s.size(),
                "{}: sh_size {:#x}, expected {:#x}",
                what(),
                h.sh_size,
                s.size()
            );
            let link = s.link.map_or(0, |l| self.index[l] as u32);
            ensure!(
                h.sh_link == link,
                "{}: sh_link {}, expected {link}",
                what(),
                h.sh_link
            );
            let info = s.info_section.map_or(s.info, |l| self.index[l] as u32);
            ensure!(
                h.sh_info == info,
                "{}: sh_info {}, expected {info}",
                what(),
                h.sh_info
            );
            let data = sec.data().map_err(|e| format!("{}: data: {e}", what()))?;
            if h.sh_type == SHT_NOBITS {
                ensure!(data.is_empty(), "{}: NOBITS with data", what());
            } else if m.rel() || s.perms.is_none() {
                // Nothing patches these: the bytes are the caller's.
                ensure!(data == s.bytes(), "{}: data differs", what());
            }
            if h.sh_type == SHT_NOTE && h.sh_type != SHT_NOBITS {
                let notes = f.section_notes(&sec).map_err(|e| e.to_string())?;
                for n in notes {
                    n.map_err(|e| format!("{}: note: {e}", what()))?;
                }
            }
        }
        Ok(())
    }

    /// Every byte of the file belongs to at most one piece, and every piece
    /// lies inside the file.
    pub(super) fn file_ranges(&self) -> Result<(), String> {
        let h = self.file.header();
        let len = self.bytes.len() as u64;
        let (ehsize, phentsize, shentsize) = match self.m.enc.class {
            Class::Elf32 => (52u64, 32u64, 40u64),
            Class::Elf64 => (64, 56, 64),
        };
        ensure!(u64::from(h.e_ehsize) == ehsize, "e_ehsize {}", h.e_ehsize);
        let mut ranges: Vec<(u64, u64, String)> = vec![(0, ehsize, "file header".into())];
        if h.e_phnum > 0 {
            ensure!(u64::from(h.e_phentsize) == phentsize, "e_phentsize");
            ranges.push((
                h.e_phoff,
                h.e_phoff + u64::from(h.e_phnum) * phentsize,
                "program headers".into(),
            ));
        }
        ranges.push((
            h.e_shoff,
            h.e_shoff + self.file.section_count() as u64 * shentsize,
            "section headers".into(),
        ));
        for s in self.file.sections().skip(1) {
            let sh = s.header();
            if sh.sh_type != SHT_NOBITS && sh.sh_size > 0 {
                ranges.push((
                    sh.sh_offset,
                    sh.sh_offset.saturating_add(sh.sh_size),
                    format!("section {}", s.index()),
                ));
            }
        }
        ranges.sort();
        for r in &ranges {
            ensure!(
                r.1 <= len,
                "{} ends at {:#x}, past the end of the file ({len:#x})",
                r.2,
                r.1
            );
        }
        for w in ranges.windows(2) {
            ensure!(
                w[0].1 <= w[1].0,
                "{} [{:#x}, {:#x}) overlaps {} [{:#x}, {:#x})",
                w[0].2,
                w[0].0,
                w[0].1,
                w[1].2,
                w[1].0,
                w[1].1
            );
        }
        Ok(())
    }
}
