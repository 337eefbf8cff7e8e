//! The checker: the dynamic table, `.dynsym` and the hash tables of a
//! dynamic file.

use super::*;

impl Checker<'_, '_> {
    /// Whether a symbol is exported to `.dynsym`, by the documented default.
    pub(super) fn exported(&self, i: usize) -> bool {
        let m = self.m;
        let s = &m.symbols[i];
        // Undefined symbols that dynamic relocations need are in, whatever
        // `export` says.
        let needed = !s.place.is_defined()
            && m.relocs.iter().any(|r| {
                r.symbol == Some(i)
                    && matches!(
                        r.expect,
                        Expect::Dynamic { symbol: true, .. }
                            | Expect::Plt(_)
                            | Expect::Got { symbolic: true, .. }
                    )
            });
        if let Some(e) = s.export {
            return e || needed;
        }
        if !s.place.is_defined() {
            needed
        } else {
            m.file_type == ET_DYN
                && s.bind != STB_LOCAL
                && matches!(s.other & 3, STV_DEFAULT | STV_PROTECTED)
        }
    }

    pub(super) fn dynamic(&self) -> Result<(), String> {
        let (m, f) = (self.m, &self.file);
        let d = f.dynamic().map_err(|e| format!("dynamic: {e}"))?;
        if !m.dynamic() {
            ensure!(d.is_none(), "a dynamic table in a static file");
            for t in [
                SHT_DYNAMIC,
                SHT_DYNSYM,
                SHT_GNU_HASH,
                SHT_HASH,
                SHT_RELA,
                SHT_REL,
                SHT_RELR,
            ] {
                ensure!(
                    f.section_by_type(t).is_none(),
                    "section type {t:#x} in a static file"
                );
            }
            return Ok(());
        }
        let d = d.ok_or("no dynamic table")?;
        let entries: Vec<_> = d.iter().collect();
        ensure!(
            entries.last().map(|e| e.d_tag) == Some(DT_NULL),
            "the dynamic table does not end in DT_NULL"
        );
        let string = |v: u64| {
            f.dynamic_string(v)
                .map(<[u8]>::to_vec)
                .map_err(|e| format!("dynamic string: {e}"))
        };
        let needed = entries
            .iter()
            .filter(|e| e.d_tag == DT_NEEDED)
            .map(|e| string(e.d_val))
            .collect::<Result<Vec<_>, _>>()?;
        ensure!(needed == m.needed, "DT_NEEDED {needed:?}");
        for (tag, want) in [(DT_SONAME, &m.soname), (DT_RUNPATH, &m.runpath)] {
            let got = entries
                .iter()
                .filter(|e| e.d_tag == tag)
                .map(|e| string(e.d_val))
                .collect::<Result<Vec<_>, _>>()?;
            ensure!(
                got.len() <= 1 && got.first() == want.as_ref(),
                "tag {tag}: {got:?}, expected {want:?}"
            );
        }
        for e in &entries {
            if e.d_tag != DT_NEEDED && e.d_tag != DT_NULL {
                ensure!(
                    entries.iter().filter(|x| x.d_tag == e.d_tag).count() == 1,
                    "dynamic tag {:#x} more than once",
                    e.d_tag
                );
            }
            ensure!(
                ![DT_REL, DT_TEXTREL, DT_RPATH].contains(&e.d_tag),
                "unexpected dynamic tag {:#x}",
                e.d_tag
            );
        }
        // A shared object whose thread-pointer offsets the loader fills in
        // needs its TLS block in the static TLS area.
        let static_tls = m.file_type == ET_DYN
            && m.relocs.iter().any(|r| match r.expect {
                Expect::Dynamic { how, .. } => how == How::Tls(Tls::TpOff, 8),
                _ => false,
            });
        let flags = entries
            .iter()
            .find(|e| e.d_tag == DT_FLAGS)
            .map_or(0, |e| e.d_val);
        ensure!(
            (flags & DF_STATIC_TLS != 0) == static_tls,
            "DT_FLAGS {flags:#x}, DF_STATIC_TLS expected: {static_tls}"
        );
        // A PLT is bound eagerly; `symbolic` says so.
        let plt = m.relocs.iter().any(|r| matches!(r.expect, Expect::Plt(_)));
        ensure!(
            (flags & DF_BIND_NOW != 0) == plt && (flags & DF_SYMBOLIC != 0) == m.symbolic,
            "DT_FLAGS {flags:#x}, with a PLT: {plt}, symbolic: {}",
            m.symbolic
        );
        let tag = |t: i64| entries.iter().any(|e| e.d_tag == t);
        ensure!(
            [DT_JMPREL, DT_PLTRELSZ, DT_PLTREL, DT_PLTGOT]
                .iter()
                .all(|&t| tag(t) == plt),
            "PLT tags, with a PLT: {plt}"
        );
        ensure!(
            tag(DT_SYMBOLIC) == m.symbolic,
            "DT_SYMBOLIC, symbolic: {}",
            m.symbolic
        );
        let info = d.info();
        let sec = |t: u32| f.section_by_type(t).map(|s| *s.header());
        let dynsym = sec(SHT_DYNSYM).ok_or("no .dynsym")?;
        let dynstr = f
            .section(dynsym.sh_link as usize)
            .map_err(|e| e.to_string())?;
        ensure!(info.symtab == Some(dynsym.sh_addr), "DT_SYMTAB");
        ensure!(info.strtab == Some(dynstr.header().sh_addr), "DT_STRTAB");
        ensure!(info.strsz == Some(dynstr.header().sh_size), "DT_STRSZ");
        ensure!(info.syment == Some(dynsym.sh_entsize), "DT_SYMENT");
        ensure!(
            info.gnu_hash == sec(SHT_GNU_HASH).map(|h| h.sh_addr) && info.gnu_hash.is_some(),
            "DT_GNU_HASH"
        );
        ensure!(info.hash == sec(SHT_HASH).map(|h| h.sh_addr), "DT_HASH");
        ensure!(
            info.hash.is_some() == m.sysv_hash,
            "DT_HASH present: {}",
            info.hash.is_some()
        );
        let named = |name: &[u8]| f.section_by_name(name).map(|s| *s.header());
        match named(b".rela.dyn") {
            Some(h) => ensure!(
                info.rela == Some(h.sh_addr)
                    && info.relasz == Some(h.sh_size)
                    && info.relaent == Some(h.sh_entsize),
                "DT_RELA does not describe .rela.dyn"
            ),
            None => ensure!(info.rela.is_none(), "DT_RELA without a section"),
        }
        match named(b".rela.plt") {
            Some(h) => ensure!(
                info.jmprel == Some(h.sh_addr)
                    && info.pltrelsz == Some(h.sh_size)
                    && info.pltrel == Some(DT_RELA as u64)
                    && entries
                        .iter()
                        .find(|e| e.d_tag == DT_PLTGOT)
                        .map(|e| e.d_val)
                        == named(b".got.plt").map(|g| g.sh_addr),
                "DT_JMPREL, DT_PLTRELSZ, DT_PLTREL or DT_PLTGOT do not describe .rela.plt and .got.plt"
            ),
            None => ensure!(info.jmprel.is_none(), "DT_JMPREL without a section"),
        }
        match sec(SHT_RELR) {
            Some(h) => ensure!(
                info.relr == Some(h.sh_addr) && info.relrsz == Some(h.sh_size),
                "DT_RELR does not describe .relr.dyn"
            ),
            None => ensure!(info.relr.is_none(), "DT_RELR without a section"),
        }

        // .dynsym: exactly the exported symbols.
        let ds = f
            .dynamic_symbols()
            .map_err(|e| format!("dynamic_symbols: {e}"))?
            .ok_or("no dynamic symbols")?;
        let t = ds.symbols();
        ensure!(
            t.get(0) == Ok(Symbol::default()),
            ".dynsym entry 0 is not null"
        );
        let mut want = Vec::new();
        for (i, s) in m.symbols.iter().enumerate() {
            if !self.exported(i) {
                continue;
            }
            let defined = s.place.is_defined();
            want.push((
                s.name.clone(),
                (s.bind << 4) | (s.kind & 0xf),
                s.other,
                self.symbol_shndx(i),
                if defined { self.symbol_value(i) } else { 0 },
                s.size,
            ));
        }
        let mut got = Vec::new();
        for (j, sym) in t.iter().enumerate().skip(1) {
            let name = t.name(&sym).map_err(|e| format!(".dynsym {j}: {e}"))?;
            got.push((
                name.to_vec(),
                sym.st_info,
                sym.st_other,
                sym.st_shndx,
                sym.st_value,
                sym.st_size,
            ));
            if j >= dynsym.sh_info as usize {
                ensure!(
                    sym.bind() != STB_LOCAL,
                    ".dynsym {j}: a local symbol after sh_info {}",
                    dynsym.sh_info
                );
            }
        }
        want.sort();
        got.sort();
        ensure!(got == want, ".dynsym holds {got:?}, expected {want:?}");
        // Every defined dynamic symbol is found through the hash tables.
        let sysv = f.sysv_hash().map_err(|e| format!("sysv_hash: {e}"))?;
        ensure!(
            sysv.is_some() == m.sysv_hash,
            "SysV hash present: {}",
            sysv.is_some()
        );
        for w in want.iter().filter(|w| w.3 != SHN_UNDEF) {
            let found = ds.lookup(&w.0).map_err(|e| format!("lookup: {e}"))?;
            let ok =
                found.is_some_and(|(_, s)| t.name(&s) == Ok(&w.0[..]) && s.st_shndx != SHN_UNDEF);
            ensure!(
                ok,
                "GNU hash lookup of {:?} found {found:?}",
                String::from_utf8_lossy(&w.0)
            );
            if let Some(h) = &sysv {
                let found = h
                    .find(&w.0, t, |_, s| s.st_shndx != SHN_UNDEF)
                    .map_err(|e| e.to_string())?;
                ensure!(
                    found.is_some_and(|(_, s)| t.name(&s) == Ok(&w.0[..])),
                    "SysV hash lookup of {:?} found {found:?}",
                    String::from_utf8_lossy(&w.0)
                );
            }
        }
        let missing = ds
            .lookup(b"\x01elfin: no such symbol")
            .map_err(|e| e.to_string())?;
        ensure!(
            missing.is_none(),
            "lookup of a missing name found {missing:?}"
        );
        Ok(())
    }
}
