//! The checker: the file loaded at a bias with its dynamic relocations
//! applied as a loader would, and the build ID.

use super::*;

impl Checker<'_, '_> {
    /// The load bias to check position independence with.
    pub(super) fn bias(&self) -> u64 {
        if self.m.file_type != ET_DYN {
            return 0;
        }
        let b = 0x4000_0000u64;
        let end = self
            .loads()
            .iter()
            .map(|p| p.p_vaddr.saturating_add(p.p_memsz))
            .max()
            .unwrap_or(0);
        if self.m.enc.class == Class::Elf32 && end.saturating_add(b) > u64::from(u32::MAX) {
            0
        } else {
            b
        }
    }

    /// Where things are, for [`Model::expected_field`]: this file's
    /// section addresses, TLS segment and load bias.
    pub(super) fn addrs(&self) -> Addrs {
        Addrs {
            sections: self.headers.iter().map(|h| h.sh_addr).collect(),
            tls: self
                .tls
                .map_or((0, 0, 1), |t| (t.p_vaddr, t.p_memsz, t.p_align)),
            bias: self.bias(),
        }
    }

    /// Loads the file at its bias, applies the dynamic relocations as a
    /// loader would, and checks every loaded user section's bytes: the
    /// caller's, with every relocation's field holding what its type
    /// computes at run time.
    pub(super) fn image(&self) -> Result<(), String> {
        let (m, f) = (self.m, &self.file);
        let enc = m.enc;
        let word = m.word();
        let b = self.bias();
        let addrs = self.addrs();
        let mut img = Image {
            loads: self.loads(),
            data: self.bytes,
            overlay: BTreeMap::new(),
        };
        // Which relocations to check: fields that do not overlap another's,
        // against symbols with a run-time value.
        let mut fields: Vec<Option<(u64, u64)>> = Vec::new();
        for (j, r) in m.relocs.iter().enumerate() {
            let Some(how) = r.expect.how() else {
                fail!(
                    "relocation {j}: accepted, but the model expects {:?}",
                    r.expect
                );
            };
            let n = field_size(how, word);
            let s = &m.sections[r.section];
            ensure!(
                r.offset + n <= s.size(),
                "relocation {j}: accepted a {n}-byte field at {:#x} in a section of {:#x} bytes",
                r.offset,
                s.size()
            );
            fields.push((n > 0).then_some((r.offset, r.offset + n)));
        }
        let mut checked = vec![true; m.relocs.len()];
        for (j, r) in m.relocs.iter().enumerate() {
            let Some((lo, hi)) = fields[j] else {
                checked[j] = false;
                continue;
            };
            for (k, q) in m.relocs.iter().enumerate() {
                if let Some((qlo, qhi)) = fields[k] {
                    if k != j && q.section == r.section && qlo < hi && lo < qhi {
                        checked[j] = false;
                    }
                }
            }
            if let Some(si) = r.symbol {
                let s = &m.symbols[si];
                match s.place {
                    SymbolPlace::Common | SymbolPlace::Raw(_) => checked[j] = false,
                    SymbolPlace::Section(_) if m.sections[s.section].perms.is_none() => {
                        checked[j] = false
                    }
                    _ => {}
                }
            }
        }

        // The dynamic relocations: each where the model expects one, of the
        // type it expects, applied.
        let dr = f
            .dynamic_relocations()
            .map_err(|e| format!("dynamic_relocations: {e}"))?;
        ensure!(dr.rel.is_none(), "REL dynamic relocations");
        let want_plt = m.relocs.iter().any(|r| matches!(r.expect, Expect::Plt(_)));
        ensure!(
            dr.plt.is_some() == want_plt,
            "PLT relocations: {}, the model expects them: {want_plt}",
            dr.plt.is_some()
        );
        let place = |r: &RelocModel| self.headers[r.section].sh_addr + r.offset;
        let expected_at = |at: u64| -> Vec<Expect> {
            m.relocs
                .iter()
                .filter(|r| r.expect.is_dynamic() && place(r) == at)
                .map(|r| r.expect)
                .collect()
        };
        let want_dynamic = m.relocs.iter().filter(|r| r.expect.is_dynamic()).count();
        // `.got`'s entries are the builder's: filled by GLOB_DAT or
        // RELATIVE, checked through the relocations that use them.
        let got = f.section_by_name(b".got").map(|s| *s.header());
        let in_got =
            |at: u64| got.is_some_and(|g| (g.sh_addr..g.sh_addr + g.sh_size).contains(&at));
        let want_got = m
            .relocs
            .iter()
            .any(|r| matches!(r.expect, Expect::Got { .. }));
        ensure!(
            got.is_some() == want_got,
            ".got: {}, the model expects one: {want_got}",
            got.is_some()
        );
        let (glob_dat, _) = binding_types(m.machine, m.enc.class).unwrap_or((0, 0));
        let mut got_symbols: BTreeMap<u64, Vec<u8>> = BTreeMap::new();
        let mut n_dynamic = 0;
        let (relative, _) = dynamic_types(m.machine, m.enc.class).unwrap_or((0, 0));
        if let Some(t) = dr.rela {
            let ds = f
                .dynamic_symbols()
                .map_err(|e| e.to_string())?
                .ok_or("no .dynsym")?;
            for r in t.iter() {
                let sym = ds
                    .symbols()
                    .get(r.symbol as usize)
                    .map_err(|e| e.to_string())?;
                let name = ds.symbols().name(&sym).map_err(|e| e.to_string())?;
                if in_got(r.offset) {
                    ensure!(
                        (r.kind == glob_dat && r.symbol != 0)
                            || (r.kind == relative && r.symbol == 0),
                        "a GOT relocation {r:?}"
                    );
                    if r.kind == glob_dat {
                        got_symbols.insert(r.offset, name.to_vec());
                    }
                    let (value, n) =
                        self.loader_value(r.kind, r.symbol, &sym, name, r.addend.unwrap_or(0))?;
                    img.write(r.offset, &put(enc.endian, value, n))?;
                    continue;
                }
                n_dynamic += 1;
                let here = expected_at(r.offset);
                let fits = |e: &Expect| match *e {
                    Expect::Relative => r.kind == relative && r.symbol == 0,
                    Expect::Dynamic {
                        r_type,
                        symbol: false,
                        ..
                    } => r.kind == r_type && r.symbol == 0,
                    Expect::Dynamic { r_type, .. } => {
                        r.kind == r_type
                            && r.symbol != 0
                            && m.relocs.iter().any(|q| {
                                place(q) == r.offset
                                    && q.symbol.is_some_and(|i| m.symbols[i].name == name)
                            })
                    }
                    _ => false,
                };
                ensure!(
                    here.iter().any(fits),
                    "a dynamic relocation {r:?} at {:#x}, where the model expects {here:?}",
                    r.offset
                );
                let (value, n) =
                    self.loader_value(r.kind, r.symbol, &sym, name, r.addend.unwrap_or(0))?;
                img.write(r.offset, &put(enc.endian, value, n))?;
            }
        }
        // The PLT's slots: JUMP_SLOT each, against a symbol a call names.
        let (_, jump_slot) = binding_types(m.machine, m.enc.class).unwrap_or((0, 0));
        let mut slots: BTreeMap<u64, Vec<u8>> = BTreeMap::new();
        if let Some(t) = dr.plt {
            let ds = f
                .dynamic_symbols()
                .map_err(|e| e.to_string())?
                .ok_or("no .dynsym")?;
            for r in t.iter() {
                let sym = ds
                    .symbols()
                    .get(r.symbol as usize)
                    .map_err(|e| e.to_string())?;
                let name = ds.symbols().name(&sym).map_err(|e| e.to_string())?;
                ensure!(
                    r.kind == jump_slot && r.symbol != 0 && r.addend.unwrap_or(0) == 0,
                    "a PLT relocation {r:?}"
                );
                let (value, n) = self.loader_value(r.kind, r.symbol, &sym, name, 0)?;
                img.write(r.offset, &put(enc.endian, value, n))?;
                slots.insert(r.offset, name.to_vec());
            }
        }
        if let Some(t) = dr.relr {
            for r in t.iter() {
                n_dynamic += 1;
                ensure!(
                    expected_at(r.offset).contains(&Expect::Relative),
                    "a RELR relocation at {:#x}, where the model expects {:?}",
                    r.offset,
                    expected_at(r.offset)
                );
                let old = img.read(r.offset, word).ok_or("RELR place not mapped")?;
                let v = get(enc.endian, &old).wrapping_add(b);
                img.write(r.offset, &put(enc.endian, v, word as usize))?;
            }
        }
        // One each, but RELR's set of addresses keeps one for a place
        // relocated twice.
        let places: std::collections::BTreeSet<u64> = m
            .relocs
            .iter()
            .filter(|r| r.expect.is_dynamic())
            .map(place)
            .collect();
        ensure!(
            (places.len()..=want_dynamic).contains(&n_dynamic),
            "{n_dynamic} dynamic relocations, where the model expects {want_dynamic} at {} places",
            places.len()
        );

        // Each checked relocation's field.
        for (j, r) in m.relocs.iter().enumerate() {
            if !checked[j] {
                continue;
            }
            let (lo, hi) = fields[j].unwrap();
            let sec = &m.sections[r.section];
            let orig: Vec<u8> = match &sec.data {
                SectionData::Bytes(d) => d[lo as usize..hi as usize].to_vec(),
                SectionData::Zeros(_) => vec![0; (hi - lo) as usize],
            };
            if let Expect::Plt(how) = r.expect {
                self.plt_call(j, how, &img, &slots)?;
                continue;
            }
            if let Expect::Got { symbolic, .. } = r.expect {
                self.got_load(j, symbolic, &img, &got_symbols, &addrs)?;
                continue;
            }
            let want = m
                .expected_field(j, &addrs, &orig)
                .map_err(|e| format!("relocation {j} ({r:?}): accepted, but {e}"))?;
            let at = place(r);
            let got = img.read(at, hi - lo).ok_or("relocation place not mapped")?;
            ensure!(
                got == want,
                "relocation {j} ({r:?}) at {at:#x} (bias {b:#x}): the field holds {got:02x?} at run time, expected {want:02x?}",
            );
        }

        // Every other byte of every loaded user section is the caller's.
        for (k, s) in m.sections.iter().enumerate() {
            let h = &self.headers[k];
            if s.perms.is_none() || h.sh_type == SHT_NOBITS {
                // Zeros are checked against the file in `segments`;
                // dynamic relocations only write to relocation fields.
                continue;
            }
            let mut mask = vec![false; s.size() as usize];
            for (j, r) in m.relocs.iter().enumerate() {
                if let (true, Some((lo, hi))) = (r.section == k, fields[j]) {
                    for x in mask.iter_mut().take(hi as usize).skip(lo as usize) {
                        *x = true;
                    }
                }
            }
            let want = s.bytes();
            for (x, &w) in want.iter().enumerate() {
                if mask[x] {
                    continue;
                }
                let got = img.byte(h.sh_addr + x as u64);
                ensure!(
                    got == Some(w),
                    "user section {k}: byte {x:#x} is {got:?} at run time, expected {w:#x}"
                );
            }
        }
        Ok(())
    }

    /// Relocation `j`, a call through the PLT: its field reaches an entry
    /// of `.plt` (by the psABI's formula, with S that entry), whose
    /// `.got.plt` slot a `JUMP_SLOT` against the called symbol fills with
    /// the symbol's run-time address.
    fn plt_call(
        &self,
        j: usize,
        how: How,
        img: &Image<'_>,
        slots: &BTreeMap<u64, Vec<u8>>,
    ) -> Result<(), String> {
        let m = self.m;
        let r = &m.relocs[j];
        let (header, entry, reserved, slot_size) =
            plt_shape(m.machine, m.enc.class).ok_or("a PLT on this machine")?;
        let sec = |name: &[u8]| {
            self.file
                .section_by_name(name)
                .map(|s| *s.header())
                .ok_or(format!("relocation {j}: a PLT call, but no {name:?}"))
        };
        let (plt, got_plt) = (sec(b".plt")?, sec(b".got.plt")?);
        let p = self.headers[r.section].sh_addr + r.offset;
        let n = field_size(how, m.word());
        let field = img.read(p, n).ok_or("PLT call not mapped")?;
        let d = match how {
            How::Pc(4) => i64::from(get(m.enc.endian, &field) as u32 as i32),
            How::Branch26 => {
                let imm = (get(Endian::Little, &field) as u32) & 0x03ff_ffff;
                i64::from(((imm << 6) as i32) >> 6) * 4
            }
            h => fail!("relocation {j}: a PLT call computing {h:?}"),
        };
        // The field holds S + A - P: S is where it leads, less A.
        let s = p.wrapping_add(d as u64).wrapping_sub(r.addend as u64);
        let k = s.wrapping_sub(plt.sh_addr + header);
        ensure!(
            s >= plt.sh_addr + header && k % entry == 0 && s < plt.sh_addr + plt.sh_size,
            "relocation {j}: the call leads to {s:#x}, not a PLT entry of {:#x}..{:#x}",
            plt.sh_addr,
            plt.sh_addr + plt.sh_size
        );
        let slot = got_plt.sh_addr + (reserved + k / entry) * slot_size;
        let name = &m.symbols[r.symbol.ok_or("a PLT call without a symbol")?].name;
        ensure!(
            slots.get(&slot) == Some(name),
            "relocation {j}: PLT entry {} has slot {slot:#x}, which JUMP_SLOT fills with {:?}, not {name:?}",
            k / entry,
            slots.get(&slot)
        );
        Ok(())
    }

    /// Relocation `j`, a GOT-relative load: its field (G + A - P) reaches
    /// an entry of `.got` that holds the symbol's run-time address, filled
    /// by GLOB_DAT against it when `symbolic`.
    fn got_load(
        &self,
        j: usize,
        symbolic: bool,
        img: &Image<'_>,
        got_symbols: &BTreeMap<u64, Vec<u8>>,
        addrs: &Addrs,
    ) -> Result<(), String> {
        let m = self.m;
        let r = &m.relocs[j];
        let word = m.word();
        let got = self
            .file
            .section_by_name(b".got")
            .map(|s| *s.header())
            .ok_or("a GOT load, but no .got")?;
        let p = self.headers[r.section].sh_addr + r.offset;
        let field = img.read(p, 4).ok_or("GOT load not mapped")?;
        let d = i64::from(get(m.enc.endian, &field) as u32 as i32);
        let g = p.wrapping_add(d as u64).wrapping_sub(r.addend as u64);
        ensure!(
            g >= got.sh_addr
                && g < got.sh_addr + got.sh_size
                && (g - got.sh_addr).is_multiple_of(word),
            "relocation {j}: the load reads {g:#x}, not an entry of .got at {:#x}",
            got.sh_addr
        );
        let held = get(m.enc.endian, &img.read(g, word).ok_or(".got not mapped")?);
        let mut want = m.run_time_s(j, addrs)?;
        if word == 4 {
            want &= 0xffff_ffff;
        }
        ensure!(
            held == want,
            "relocation {j}: its GOT entry at {g:#x} holds {held:#x} at run time, expected {want:#x}"
        );
        let name = r.symbol.map(|i| &m.symbols[i].name);
        ensure!(
            symbolic == got_symbols.contains_key(&g) && (!symbolic || got_symbols.get(&g) == name),
            "relocation {j}: GLOB_DAT at {g:#x}: {:?}, expected symbolic: {symbolic}",
            got_symbols.get(&g)
        );
        Ok(())
    }

    /// What the "loader" stores for a dynamic relocation of type `kind`
    /// against `.dynsym` entry `index` (`sym`, named `name`), and in how
    /// many bytes.
    fn loader_value(
        &self,
        kind: u32,
        index: u32,
        sym: &Symbol,
        name: &[u8],
        addend: i64,
    ) -> Result<(u64, usize), String> {
        let m = self.m;
        let b = self.bias();
        let word = m.word() as usize;
        let a = addend as u64;
        let (relative, abs) =
            dynamic_types(m.machine, m.enc.class).ok_or("dynamic relocations for this machine")?;
        let (_, jump_slot) = binding_types(m.machine, m.enc.class).unwrap_or((0, 0));
        let x32 = m.machine == EM_X86_64 && m.enc.class == Class::Elf32;
        let address = || match sym.st_shndx {
            SHN_UNDEF => resolve_undefined(name),
            SHN_ABS => sym.st_value,
            _ => sym.st_value.wrapping_add(b),
        };
        Ok(if kind == relative {
            (b.wrapping_add(a), word)
        } else if kind == binding_types(m.machine, m.enc.class).map_or(0, |t| t.0) {
            // GLOB_DAT: S (AArch64 adds A).
            let a = if m.machine == EM_AARCH64 { a } else { 0 };
            (address().wrapping_add(a), word)
        } else if kind == jump_slot {
            // x32's slots are 8 bytes.
            let n = plt_shape(m.machine, m.enc.class).map_or(word as u64, |s| s.3);
            (address(), n as usize)
        } else if kind == abs {
            (address().wrapping_add(a), word)
        } else if x32 && kind == x86::RELATIVE64 {
            (b.wrapping_add(a), 8)
        } else if x32 && kind == x86::R64 {
            (address().wrapping_add(a), 8)
        } else if let Some(t) = dynamic_tls(m.machine, m.enc.class, kind) {
            // Entry 0: this file's own TLS block.
            let own = index == 0 || sym.st_shndx != SHN_UNDEF;
            let v = match (t, own) {
                (Tls::Module, true) => OWN_MODULE,
                (Tls::DtpOff, true) => sym.st_value.wrapping_add(a),
                (Tls::TpOff, true) => OWN_TP_OFFSET.wrapping_add(sym.st_value).wrapping_add(a),
                (Tls::Module, false) => resolve_undefined_tls(name, t),
                (_, false) => resolve_undefined_tls(name, t).wrapping_add(a),
            };
            (v, 8)
        } else {
            fail!("dynamic relocation type {kind:#x}");
        })
    }

    /// The build ID note: present when asked for, and the SHA-1 of the file
    /// with the ID zeroed.
    pub(super) fn build_id(&self) -> Result<(), String> {
        let f = &self.file;
        let found: Vec<_> = f
            .sections()
            .filter(|s| {
                s.name() == Ok(&b".note.gnu.build-id"[..]) && s.header().sh_type == SHT_NOTE
            })
            .collect();
        let ours = found.iter().find(|s| s.header().sh_flags & SHF_ALLOC != 0);
        if !self.m.build_id {
            return Ok(());
        }
        let s = ours.ok_or("no .note.gnu.build-id")?;
        let mut notes = f.section_notes(s).map_err(|e| e.to_string())?;
        let n = notes
            .next()
            .ok_or("an empty build ID note")?
            .map_err(|e| e.to_string())?;
        ensure!(
            n.name == b"GNU" && n.kind == NT_GNU_BUILD_ID && n.desc.len() == 20,
            "build ID note {n:?}"
        );
        let at = (s.header().sh_offset + 16) as usize;
        let mut copy = self.bytes.to_vec();
        copy[at..at + 20].fill(0);
        ensure!(
            sha1(&copy)[..] == *n.desc,
            "the build ID is not the SHA-1 of the file"
        );
        Ok(())
    }
}

/// The memory image of a loaded file, at link-time addresses.
pub(super) struct Image<'f> {
    pub(super) loads: Vec<ProgramHeader>,
    pub(super) data: &'f [u8],
    pub(super) overlay: BTreeMap<u64, u8>,
}

impl Image<'_> {
    pub(super) fn segment(&self, addr: u64) -> Option<&ProgramHeader> {
        self.loads
            .iter()
            .find(|p| addr >= p.p_vaddr && addr - p.p_vaddr < p.p_memsz)
    }

    pub(super) fn byte(&self, addr: u64) -> Option<u8> {
        if let Some(&b) = self.overlay.get(&addr) {
            return Some(b);
        }
        let p = self.segment(addr)?;
        let rel = addr - p.p_vaddr;
        if rel < p.p_filesz {
            self.data.get((p.p_offset + rel) as usize).copied()
        } else {
            Some(0)
        }
    }

    pub(super) fn read(&self, addr: u64, n: u64) -> Option<Vec<u8>> {
        (0..n).map(|i| self.byte(addr.wrapping_add(i))).collect()
    }

    pub(super) fn write(&mut self, addr: u64, bytes: &[u8]) -> Result<(), String> {
        for (i, &b) in bytes.iter().enumerate() {
            let a = addr.wrapping_add(i as u64);
            match self.segment(a) {
                Some(p) if p.p_flags & PF_W != 0 => {}
                Some(p) => fail!(
                    "a dynamic relocation writes to {a:#x} in a read-only PT_LOAD (flags {:#x}) without DT_TEXTREL",
                    p.p_flags
                ),
                None => fail!("a dynamic relocation writes to unmapped {a:#x}"),
            }
            self.overlay.insert(a, b);
        }
        Ok(())
    }
}
