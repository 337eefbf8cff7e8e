//! The checker: `.symtab` against the model, and the relocation sections
//! of an object.

use super::*;

impl Checker<'_, '_> {
    pub(super) fn symtab(&self) -> Result<(), String> {
        let m = self.m;
        let t = self
            .file
            .symbol_table()
            .map_err(|e| format!("symbol_table: {e}"))?
            .ok_or("no .symtab")?;
        ensure!(
            t.len() == m.symbols.len() + 1,
            ".symtab has {} entries",
            t.len()
        );
        ensure!(
            t.get(0) == Ok(Symbol::default()),
            ".symtab entry 0 is not null"
        );
        let sec = self
            .file
            .section_by_type(SHT_SYMTAB)
            .ok_or("no SHT_SYMTAB")?;
        ensure!(
            sec.header().sh_info as usize == self.locals + 1,
            ".symtab sh_info {} with {} locals",
            sec.header().sh_info,
            self.locals
        );
        for (i, s) in m.symbols.iter().enumerate() {
            let p = self.symtab_pos[i];
            let sym = t.get(p).map_err(|e| e.to_string())?;
            let what = || {
                format!(
                    "symbol {i} ({:?}, .symtab {p})",
                    String::from_utf8_lossy(&s.name)
                )
            };
            ensure!(
                t.name(&sym) == Ok(&s.name[..]),
                "{}: name {:?}",
                what(),
                t.name(&sym)
            );
            ensure!(
                sym.st_info == (s.bind << 4) | (s.kind & 0xf),
                "{}: st_info {:#x}",
                what(),
                sym.st_info
            );
            ensure!(
                sym.st_other == s.other,
                "{}: st_other {:#x}",
                what(),
                sym.st_other
            );
            ensure!(
                sym.st_size == s.size,
                "{}: st_size {:#x}, expected {:#x}",
                what(),
                sym.st_size,
                s.size
            );
            let v = self.symbol_value(i);
            ensure!(
                sym.st_value == v,
                "{}: st_value {:#x}, expected {v:#x}",
                what(),
                sym.st_value
            );
            ensure!(
                self.plan.symbol_values()[i] == v,
                "{}: plan.symbol_values {:#x}, expected {v:#x}",
                what(),
                self.plan.symbol_values()[i]
            );
            let shndx = self.symbol_shndx(i);
            ensure!(
                sym.st_shndx == shndx,
                "{}: st_shndx {:#x}, expected {shndx:#x}",
                what(),
                sym.st_shndx
            );
            if let SymbolPlace::Section(_) = s.place {
                let got = t.section(p, &sym).map_err(|e| format!("{}: {e}", what()))?;
                let want = SymbolSection::Section(self.symbol_section(i));
                ensure!(got == want, "{}: in {got:?}, expected {want:?}", what());
            }
        }
        self.symtab_shndx(sec.index())
    }

    /// `.symtab_shndx`: there exactly when a symbol's section index needs
    /// it, linked to `.symtab`, one word a symbol: the real index for
    /// `SHN_XINDEX` symbols, 0 for the others (decoded here by hand).
    fn symtab_shndx(&self, symtab: usize) -> Result<(), String> {
        let m = self.m;
        let f = &self.file;
        let tables: Vec<_> = f
            .sections()
            .filter(|s| s.header().sh_type == SHT_SYMTAB_SHNDX)
            .collect();
        let need = (0..m.symbols.len()).any(|i| self.symbol_shndx(i) == SHN_XINDEX);
        ensure!(
            tables.len() == usize::from(need),
            "{} SHT_SYMTAB_SHNDX sections, needed: {need}",
            tables.len()
        );
        let Some(x) = tables.first() else {
            return Ok(());
        };
        let h = x.header();
        ensure!(
            h.sh_link as usize == symtab && h.sh_entsize == 4 && h.sh_flags & SHF_ALLOC == 0,
            ".symtab_shndx header {h:?} (.symtab is {symtab})"
        );
        let data = x.data().map_err(|e| format!(".symtab_shndx: {e}"))?;
        ensure!(
            data.len() == (m.symbols.len() + 1) * 4,
            ".symtab_shndx holds {} bytes for {} symbols",
            data.len(),
            m.symbols.len()
        );
        let word = |p: usize| get(m.enc.endian, &data[4 * p..4 * p + 4]) as u32;
        ensure!(word(0) == 0, ".symtab_shndx entry 0 is {}", word(0));
        for i in 0..m.symbols.len() {
            let p = self.symtab_pos[i];
            let want = if self.symbol_shndx(i) == SHN_XINDEX {
                self.symbol_section(i)
            } else {
                0
            };
            ensure!(
                word(p) == want,
                "symbol {i}: .symtab_shndx entry {p} is {}, expected {want}",
                word(p)
            );
        }
        Ok(())
    }

    /// An object: the relocation sections hold exactly the relocations.
    pub(super) fn object(&self) -> Result<(), String> {
        let (m, f) = (self.m, &self.file);
        let symtab = f
            .section_by_type(SHT_SYMTAB)
            .ok_or("no SHT_SYMTAB")?
            .index();
        let (want_type, prefix) = if m.rel_without_addends {
            (SHT_REL, &b".rel"[..])
        } else {
            (SHT_RELA, &b".rela"[..])
        };
        let reloc_sections: Vec<_> = f
            .sections()
            .filter(|s| matches!(s.header().sh_type, SHT_REL | SHT_RELA | SHT_RELR | SHT_CREL))
            .collect();
        let mut with = 0;
        for (k, s) in m.sections.iter().enumerate() {
            let want: Vec<&RelocModel> = m.relocs.iter().filter(|r| r.section == k).collect();
            let ours: Vec<_> = reloc_sections
                .iter()
                .filter(|r| {
                    r.header().sh_info as usize == self.index[k]
                        && r.header().sh_flags & SHF_INFO_LINK != 0
                })
                .collect();
            if want.is_empty() {
                ensure!(
                    ours.is_empty(),
                    "user section {k} has a relocation section but no relocations"
                );
                continue;
            }
            with += 1;
            ensure!(
                ours.len() == 1,
                "user section {k}: {} relocation sections",
                ours.len()
            );
            let r = ours[0];
            let h = r.header();
            ensure!(
                h.sh_type == want_type,
                "user section {k}: relocation section type {:#x}",
                h.sh_type
            );
            let mut name = prefix.to_vec();
            name.extend_from_slice(&s.name);
            ensure!(
                r.name() == Ok(&name[..]),
                "user section {k}: relocation section name {:?}",
                r.name()
            );
            ensure!(
                h.sh_link as usize == symtab,
                "user section {k}: relocations link {}",
                h.sh_link
            );
            let t = f
                .relocation_table(r)
                .map_err(|e| e.to_string())?
                .ok_or("not a relocation table")?;
            let got: Vec<Relocation> = match t {
                RelocationTable::Fixed(t) => t.iter().collect(),
                _ => t
                    .as_crel()
                    .ok_or("unknown relocation format")?
                    .iter()
                    .collect::<Result<_, _>>()
                    .map_err(|e| format!("user section {k}: relocations: {e}"))?,
            };
            ensure!(
                got.len() == want.len(),
                "user section {k}: {} relocations, expected {}",
                got.len(),
                want.len()
            );
            for (j, (g, w)) in got.iter().zip(&want).enumerate() {
                let sym = w.symbol.map_or(0, |s| self.symtab_pos[s]) as u32;
                let addend = if m.rel_without_addends {
                    None
                } else {
                    Some(w.addend)
                };
                let expect = Relocation {
                    offset: w.offset,
                    symbol: sym,
                    kind: w.kind,
                    addend,
                };
                ensure!(
                    *g == expect,
                    "user section {k}: relocation {j} reads back as {g:?}, expected {expect:?}"
                );
            }
        }
        ensure!(
            reloc_sections.len() == with,
            "{} relocation sections for {with} sections with relocations",
            reloc_sections.len()
        );
        ensure!(self.file.segment_count() == 0, "an object with segments");
        Ok(())
    }
}
