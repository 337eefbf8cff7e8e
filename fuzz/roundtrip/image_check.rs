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

    /// Loads the file at its bias, applies the dynamic relocations as a
    /// loader would, and checks every loaded user section's bytes: the
    /// caller's, with every relocation's field holding what its type
    /// computes at run time.
    pub(super) fn image(&self) -> Result<(), String> {
        let (m, f) = (self.m, &self.file);
        let enc = m.enc;
        let word = m.word();
        let b = self.bias();
        let mut img = Image {
            loads: self.loads(),
            data: self.bytes,
            overlay: BTreeMap::new(),
        };
        // Which relocations to check: fields of supported types that do not
        // overlap another's, against symbols with a run-time value.
        let mut fields: Vec<Option<(u64, u64, How)>> = Vec::new();
        for (j, r) in m.relocs.iter().enumerate() {
            let how = classify(m.machine, r.kind).ok_or_else(|| {
                format!(
                    "relocation {j}: accepted type {:#x}, which it cannot resolve",
                    r.kind
                )
            })?;
            let s = &m.sections[r.section];
            ensure!(
                s.perms.is_some(),
                "relocation {j}: accepted in a section that is not loaded"
            );
            let n = field_size(how, word);
            ensure!(
                r.offset + n <= s.size(),
                "relocation {j}: accepted a {n}-byte field at {:#x} in a section of {:#x} bytes",
                r.offset,
                s.size()
            );
            fields.push((n > 0).then_some((r.offset, r.offset + n, how)));
        }
        let mut checked = vec![true; m.relocs.len()];
        for (j, r) in m.relocs.iter().enumerate() {
            let Some((lo, hi, _)) = fields[j] else {
                checked[j] = false;
                continue;
            };
            for (k, q) in m.relocs.iter().enumerate() {
                if let Some((qlo, qhi, _)) = fields[k] {
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

        // The dynamic relocations, applied.
        let dr = f
            .dynamic_relocations()
            .map_err(|e| format!("dynamic_relocations: {e}"))?;
        ensure!(
            dr.rel.is_none() && dr.plt.is_none(),
            "REL or PLT dynamic relocations"
        );
        let word_places: Vec<u64> = m
            .relocs
            .iter()
            .zip(&fields)
            .filter(|(_, f)| matches!(f, Some((_, _, How::Word))))
            .map(|(r, _)| self.headers[r.section].sh_addr + r.offset)
            .collect();
        let mut n_dynamic = 0;
        if let Some(t) = dr.rela {
            let (relative, abs) = dynamic_types(m.machine)
                .ok_or("dynamic relocations for a machine without dynamic types")?;
            let ds = f
                .dynamic_symbols()
                .map_err(|e| e.to_string())?
                .ok_or("no .dynsym")?;
            for r in t.iter() {
                let r = r.map_err(|e| format!("dynamic relocation: {e}"))?;
                n_dynamic += 1;
                ensure!(
                    word_places.contains(&r.offset),
                    "a dynamic relocation at {:#x}, where no word relocation is",
                    r.offset
                );
                let value = if r.kind == relative {
                    ensure!(r.symbol == 0, "R_*_RELATIVE with a symbol");
                    b.wrapping_add(r.addend.unwrap_or(0) as u64)
                } else if r.kind == abs {
                    let sym = ds
                        .symbols()
                        .get(r.symbol as usize)
                        .map_err(|e| e.to_string())?;
                    let name = ds.symbols().name(&sym).map_err(|e| e.to_string())?;
                    let s = match sym.st_shndx {
                        SHN_UNDEF => resolve_undefined(name),
                        SHN_ABS => sym.st_value,
                        _ => sym.st_value.wrapping_add(b),
                    };
                    s.wrapping_add(r.addend.unwrap_or(0) as u64)
                } else {
                    fail!("dynamic relocation type {:#x}", r.kind);
                };
                img.write(r.offset, &put(enc.endian, value, word as usize))?;
            }
        }
        if let Some(t) = dr.relr {
            for r in t.iter() {
                let r = r.map_err(|e| format!("RELR: {e}"))?;
                n_dynamic += 1;
                ensure!(
                    word_places.contains(&r.offset),
                    "a RELR relocation at {:#x}, where no word relocation is",
                    r.offset
                );
                let old = img.read(r.offset, word).ok_or("RELR place not mapped")?;
                let v = get(enc.endian, &old).wrapping_add(b);
                img.write(r.offset, &put(enc.endian, v, word as usize))?;
            }
        }
        ensure!(
            n_dynamic <= word_places.len(),
            "{n_dynamic} dynamic relocations for {} word relocations",
            word_places.len()
        );

        // Each checked relocation's field.
        for (j, r) in m.relocs.iter().enumerate() {
            if !checked[j] {
                continue;
            }
            let (lo, hi, how) = fields[j].unwrap();
            let sec = &m.sections[r.section];
            let place = self.headers[r.section].sh_addr + r.offset;
            let s_rt = match r.symbol.map(|i| (i, &m.symbols[i])) {
                None => b,
                Some((_, s)) => match s.place {
                    SymbolPlace::Undefined => resolve_undefined(&s.name),
                    SymbolPlace::Absolute => s.value,
                    SymbolPlace::Section(_) => self.headers[s.section]
                        .sh_addr
                        .wrapping_add(s.value)
                        .wrapping_add(b),
                    SymbolPlace::Common | SymbolPlace::Raw(_) => unreachable!(),
                },
            };
            let sa = s_rt.wrapping_add(r.addend as u64);
            let orig: Vec<u8> = match &sec.data {
                SectionData::Bytes(d) => d[lo as usize..hi as usize].to_vec(),
                SectionData::Zeros(_) => vec![0; (hi - lo) as usize],
            };
            let want = expected_field(how, enc, sa, place.wrapping_add(b), &orig)
                .map_err(|e| format!("relocation {j} ({r:?}): accepted, but {e}"))?;
            let got = img
                .read(place, hi - lo)
                .ok_or("relocation place not mapped")?;
            ensure!(
                got == want,
                "relocation {j} ({r:?}, {how:?}) at {place:#x} (bias {b:#x}): the field holds {got:02x?} at run time, expected {want:02x?}",
            );
        }

        // Every other byte of every loaded user section is the caller's.
        for (k, s) in m.sections.iter().enumerate() {
            if s.perms.is_none() {
                continue;
            }
            let h = &self.headers[k];
            let mut mask = vec![
                false;
                if h.sh_type == SHT_NOBITS {
                    0
                } else {
                    s.size() as usize
                }
            ];
            for (j, r) in m.relocs.iter().enumerate() {
                if let (true, Some((lo, hi, _))) = (r.section == k, fields[j]) {
                    for x in mask.iter_mut().take(hi as usize).skip(lo as usize) {
                        *x = true;
                    }
                }
            }
            if h.sh_type == SHT_NOBITS {
                // Zeros (checked against the file in `segments`); dynamic
                // relocations only write to relocation fields.
                continue;
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
