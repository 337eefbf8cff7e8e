//! The model's relocations: which ones a description asks for (in linked
//! files mostly ones the file can resolve: a type it resolves, a symbol it
//! can reach, a section and offset the field fits), and what a linked file
//! must make of each, from the psABIs and the builder's documented
//! refusals.

use super::*;

/// What a linked file makes of a relocation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Expect {
    /// The builder must refuse the file, for this reason.
    Refused(&'static str),
    /// Resolved when the file is written: the field holds what `How`
    /// computes, at any load address.
    Static(How),
    /// `R_*_RELATIVE` (or RELR): the loader adds the load bias to S + A.
    Relative,
    /// A dynamic relocation of type `r_type`, against the symbol (when
    /// `symbol`) or none (the addend then holds the link-time value).
    Dynamic { r_type: u32, symbol: bool, how: How },
    /// A call through a PLT entry whose `.got.plt` slot a `JUMP_SLOT`
    /// against the symbol fills: the field computes `how` with S the
    /// entry's address.
    Plt(How),
    /// A GOT-relative field (`how`) reaching a `.got` entry that holds S
    /// at run time: filled by `GLOB_DAT` against the symbol when
    /// `symbolic`, else at layout or by `RELATIVE`.
    Got { how: How, symbolic: bool },
}

impl Expect {
    pub(super) fn is_dynamic(self) -> bool {
        matches!(self, Expect::Relative | Expect::Dynamic { .. })
    }
}

/// Linked files refuse a whole description for one relocation they
/// cannot resolve: fewer relocations there build more often.
const MAX_LINKED_RELOCS: usize = 6;

impl Model {
    /// Whether symbol `i` is a thread-local variable of this file: an
    /// `STT_TLS` symbol in a TLS section of the TLS segment, whose value
    /// is an offset in that segment.
    pub(super) fn tls_symbol(&self, i: usize) -> bool {
        let s = &self.symbols[i];
        s.kind == STT_TLS
            && s.section_index()
                .is_some_and(|k| self.sections.get(k).is_some_and(|x| x.in_tls_segment()))
    }

    /// Whether a symbol can be reached by a relocation computing `how`
    /// in this file (the generator's preference, not a rule).
    fn reachable(&self, i: usize, how: How, kind: u32) -> bool {
        let s = &self.symbols[i];
        // Calls reach functions bound at run time through the PLT; GOT
        // loads reach anything with an address; other references cannot
        // bind a preemptible symbol here.
        let at_run_time = self.preemptible(i)
            || (self.dynamic() && s.bind != STB_LOCAL && s.place == SymbolPlace::Undefined);
        if is_plt_call(self.machine, self.enc.class, kind) && at_run_time {
            return true;
        }
        if how == How::GotPc {
            return !self.tls_symbol(i)
                && (s.place.is_defined()
                    && s.section_index()
                        .is_none_or(|k| self.sections.get(k).is_some_and(|x| x.perms.is_some()))
                    || at_run_time);
        }
        if self.preemptible(i) && !matches!(how, How::Word | How::Abs64) && !how.is_tls() {
            return false;
        }
        let loaded = |k: usize| self.sections.get(k).is_some_and(|x| x.perms.is_some());
        let defined_in = s.section_index().filter(|&k| loaded(k));
        let exec = self.file_type == ET_EXEC;
        let undefined_ok =
            self.dynamic() && s.bind != STB_LOCAL && s.place == SymbolPlace::Undefined;
        match how {
            How::Nothing => true,
            _ if how.is_tls() => {
                defined_in.is_some_and(|k| self.sections[k].in_tls_segment())
                    || (undefined_ok && matches!(how, How::Tls(_, 8)))
            }
            How::Word | How::Abs64 => {
                (defined_in.is_some() && !self.tls_symbol(i))
                    || s.place == SymbolPlace::Absolute
                    || undefined_ok
            }
            // Code, where B and BL go, near.
            How::Branch26 => {
                defined_in.is_some_and(|k| self.sections[k].perms == Some(Perms::RX))
                    && !self.tls_symbol(i)
                    && s.value < 0x1_0000
            }
            _ => {
                let near = s.value < 0x1_0000 || !how.range_limited(self.word());
                near && ((defined_in.is_some() && !self.tls_symbol(i))
                    || (exec && s.place == SymbolPlace::Absolute))
            }
        }
    }

    /// Whether a linked file of this kind can resolve `how` at all (the
    /// generator's preference).
    fn resolvable(&self, how: How) -> bool {
        let dso = self.file_type == ET_DYN;
        let has_tls = self.sections.iter().any(SectionModel::in_tls_segment);
        match how {
            How::Abs32 { .. } => !dso,
            How::Tls(Tls::TpOff, 4) | How::TpHi12 | How::TpLo12 { .. } => !dso && has_tls,
            _ if how.is_tls() => has_tls,
            _ => true,
        }
    }

    /// The description's relocations.
    pub(super) fn add_relocations(&mut self, d: &BuildDesc) {
        let linked = self.linked();
        let rel = self.rel();
        let elf32 = self.enc.class == Class::Elf32;
        let word = self.word();
        let n = self.sections.len();
        let (supported, unsupported) = machine_types(self.machine, self.enc.class);
        let class = self.enc.class;
        let max = if linked {
            MAX_LINKED_RELOCS
        } else {
            MAX_RELOCS
        };
        for r in d.relocs.0.iter().take(max) {
            let Some(mut section) = r.section.resolve(n) else {
                continue;
            };
            let v = r.kind.v as usize;
            // Mostly one the file can resolve, against a symbol it can
            // reach, in a section and at an offset the field fits.
            let sane = linked && d.wild_relocs < 240;
            let kind = match r.kind.pick {
                _ if sane => {
                    let ok: Vec<u32> = supported
                        .iter()
                        .copied()
                        .filter(|&k| {
                            classify(self.machine, class, k).is_some_and(|h| self.resolvable(h))
                        })
                        .collect();
                    if ok.is_empty() {
                        supported[v % supported.len()]
                    } else {
                        ok[v % ok.len()]
                    }
                }
                0..=247 => supported[v % supported.len()],
                248..=251 => unsupported[v % unsupported.len()],
                _ => r.kind.v,
            };
            let how = classify(self.machine, class, kind);
            let mut symbol = r.symbol.and_then(|i| i.resolve(self.symbols.len()));
            if let (true, Some(h), Some(i)) = (sane, how, symbol) {
                let ok: Vec<usize> = (0..self.symbols.len())
                    .filter(|&j| self.reachable(j, h, kind))
                    .collect();
                symbol = (!ok.is_empty()).then(|| ok[i % ok.len()]);
            }
            if sane {
                // Mostly a section a linked file can relocate: loaded, with
                // bytes, and writable for what may become a dynamic
                // relocation.
                let maybe_dynamic = match how {
                    Some(How::Word | How::Abs64) => self.file_type == ET_DYN || self.dynamic(),
                    Some(How::Tls(t, 8)) => {
                        self.file_type == ET_DYN && t != Tls::DtpOff || self.dynamic()
                    }
                    _ => false,
                };
                // Instructions go in code, if there is any.
                let insn = matches!(
                    how,
                    Some(
                        How::Branch26 | How::Adrp | How::AddLo12 | How::TpHi12 | How::TpLo12 { .. }
                    )
                );
                let ok = |s: &SectionModel, code: bool| {
                    s.perms.is_some()
                        && s.sh_type != SHT_NOTE
                        && !(s.tls() && s.sh_type == SHT_NOBITS)
                        && matches!(&s.data, SectionData::Bytes(b) if !b.is_empty())
                        && !(maybe_dynamic && s.perms != Some(Perms::RW))
                        && (!code || s.perms == Some(Perms::RX))
                };
                let find = |code: bool| {
                    (0..n)
                        .map(|k| (section + k) % n)
                        .find(|&k| ok(&self.sections[k], code))
                };
                match find(insn).or_else(|| find(false)) {
                    Some(k) => section = k,
                    // Nowhere to put it.
                    None => continue,
                }
            }
            if self
                .sections
                .get(section)
                .is_some_and(|s| s.sh_type == SHT_NOTE)
            {
                // Patched notes would not parse; keep notes intact.
                continue;
            }
            let size = self.sections.get(section).map_or(0, SectionModel::size);
            let field = how.map_or(0, |h| field_size(h, word));
            if sane && size < field {
                continue;
            }
            let v = u64::from(r.offset.v);
            let offset = match r.offset.pick {
                _ if size == 0 => v % 16,
                _ if sane && size >= field => {
                    // Where the field fits; words mostly aligned (RELR).
                    let o = v % (size - field + 1);
                    if r.offset.pick < 128 && field == word {
                        o & !(word - 1)
                    } else {
                        o
                    }
                }
                0..=219 => v % size,
                220..=251 => size - 1 - (v % size.min(8)),
                _ => v,
            };
            if symbol.is_some_and(|s| s >= self.symbols.len()) {
                self.invalid.push("relocation symbol out of range");
            }
            if section >= n {
                self.invalid.push("relocation section out of range");
            } else if offset >= size {
                self.invalid.push("relocation offset past its section");
            }
            // A64 instructions sit on 4-byte boundaries.
            let insn = matches!(
                how,
                Some(How::Branch26 | How::Adrp | How::AddLo12 | How::TpHi12 | How::TpLo12 { .. })
            );
            let offset = if insn && (sane || r.offset.pick < 192) {
                offset & !3
            } else {
                offset
            };
            let mut addend = match r.addend.pick {
                0..=223 => r.addend.v % 0x1000,
                // Mostly what a 32-bit file holds.
                224..=254 if elf32 => i64::from(r.addend.v as i32),
                _ => r.addend.v,
            };
            if sane {
                // Small and mostly positive, as compilers make them;
                // branches keep their targets aligned.
                match how {
                    Some(How::Pc(_)) => {}
                    Some(How::Branch26) => addend &= !3,
                    _ => addend = addend.rem_euclid(0x400),
                }
            }
            // 32-bit r_info holds 8 bits of type (AArch64's are wider).
            let kind = if rel && elf32 && r.kind.pick < 248 {
                kind & 0xff
            } else {
                kind
            };
            if elf32 && kind > 0xff {
                self.invalid
                    .push("a relocation type that does not fit a 32-bit r_info");
            }
            if elf32 && i32::try_from(addend).is_err() && !self.rel_without_addends {
                self.invalid.push("an addend that does not fit 32 bits");
            }
            self.relocs.push(RelocModel {
                section,
                offset,
                kind,
                symbol,
                addend,
                expect: Expect::Static(How::Nothing),
            });
        }
    }

    /// What a linked file makes of each relocation; the refusals go to
    /// `invalid`.
    pub(super) fn predict_relocations(&mut self) {
        for j in 0..self.relocs.len() {
            let e = self.expect(&self.relocs[j]);
            self.relocs[j].expect = e;
            if let Expect::Refused(why) = e {
                self.invalid.push(why);
            }
            let r = &self.relocs[j];
            // An Elf32_Rela addend holds the link-time S + A when the
            // relocation names no symbol: that fits unless A is large.
            let loose = matches!(e, Expect::Relative | Expect::Dynamic { symbol: false, .. });
            if self.enc.class == Class::Elf32 && loose && r.addend.unsigned_abs() >= 0x0800_0000 {
                self.may_fail
                    .push("a 32-bit dynamic relocation whose S + A may not fit its addend");
            }
        }
    }

    fn expect(&self, r: &RelocModel) -> Expect {
        use Expect::*;
        let word = self.word();
        let exec = self.file_type == ET_EXEC;
        let dynamic = self.dynamic();
        let Some(how) = classify(self.machine, self.enc.class, r.kind) else {
            return Refused("a relocation type the builder does not resolve here");
        };
        let Some(sec) = self.sections.get(r.section) else {
            return Refused("relocation section out of range");
        };
        if sec.perms.is_none() {
            return Refused("a relocation in a section that is not loaded");
        }
        if sec.tls() && sec.sh_type == SHT_NOBITS {
            // TLS zeros take no room in their segment: their addresses are
            // other sections'.
            return Refused("a relocation in TLS zeros");
        }
        let sym = match r.symbol.map(|i| self.symbols.get(i)) {
            None => None,
            Some(None) => return Refused("relocation symbol out of range"),
            Some(s) => s,
        };
        let defined = sym.is_none_or(|s| s.place.is_defined());
        let absolute = sym.is_some_and(|s| s.place == SymbolPlace::Absolute);
        let local = sym.is_some_and(|s| s.bind == STB_LOCAL);
        // Bound by the dynamic linker: undefined, or preemptible (the ELF
        // rules for a shared object's exported symbols).
        let preemptible = r.symbol.is_some_and(|i| self.preemptible(i));
        let at_run_time = (!defined && dynamic && !local) || preemptible;
        if how.is_tls() && defined {
            let in_tls = match sym {
                None => true,
                Some(s) => s
                    .section_index()
                    .is_some_and(|k| self.sections[k].in_tls_segment()),
            };
            if !in_tls {
                return Refused("a TLS relocation against a symbol outside the TLS segment");
            }
        }
        if !how.is_tls() && how != How::Nothing && r.symbol.is_some_and(|i| self.tls_symbol(i)) {
            // Its value is an offset in the TLS segment, not an address.
            return Refused("a non-TLS relocation against a thread-local symbol");
        }
        let e = match how {
            How::Nothing => Static(how),
            _ if at_run_time && is_plt_call(self.machine, self.enc.class, r.kind) => Plt(how),
            How::GotPc if at_run_time => Got {
                how,
                symbolic: true,
            },
            How::GotPc if !defined => {
                return Refused("a GOT entry for an undefined symbol nothing fills");
            }
            How::GotPc => Got {
                how,
                symbolic: false,
            },
            How::Word | How::Abs64 if preemptible => Dynamic {
                r_type: match how {
                    How::Abs64 => x86::R64,
                    _ => dynamic_types(self.machine, self.enc.class).map_or(0, |t| t.1),
                },
                symbol: true,
                how,
            },
            _ if preemptible && !how.is_tls() => {
                return Refused("a reference that binds a preemptible symbol here (-fPIC)");
            }
            How::Word if !exec && defined && !absolute => Relative,
            How::Abs64 if !exec && defined && !absolute => Dynamic {
                r_type: x86::RELATIVE64,
                symbol: false,
                how,
            },
            How::Word | How::Abs64 | How::Tls(_, 8) if !defined && dynamic => {
                if local {
                    return Refused("an undefined local symbol in a dynamic relocation");
                }
                let r_type = match how {
                    How::Abs64 => x86::R64,
                    How::Word => dynamic_types(self.machine, self.enc.class).map_or(0, |t| t.1),
                    _ => r.kind,
                };
                Dynamic {
                    r_type,
                    symbol: true,
                    how,
                }
            }
            How::Tls(Tls::Module, _) | How::Tls(Tls::TpOff, 8) if !exec && defined => Dynamic {
                r_type: r.kind,
                symbol: false,
                how,
            },
            How::Tls(Tls::TpOff, _) | How::TpHi12 | How::TpLo12 { .. } if !exec => {
                return Refused("local-exec TLS in a shared object");
            }
            _ if !defined => return Refused("an undefined symbol no dynamic relocation can reach"),
            How::Pc(_) | How::Branch26 | How::Adrp if !exec && absolute => {
                return Refused(
                    "a PC-relative relocation against an absolute symbol in a shared object",
                );
            }
            How::Abs32 { .. } if !exec => {
                return Refused("a 32-bit absolute relocation in a shared object");
            }
            h => Static(h),
        };
        let end = r.offset.saturating_add(field_size(how, word));
        if e.is_dynamic() {
            if sec.perms != Some(Perms::RW) {
                return Refused("a dynamic relocation in a read-only section");
            }
            if end > sec.size() {
                return Refused("a dynamic relocation's field past its section");
            }
            if let Dynamic { symbol: true, .. } = e {
                if self.enc.class == Class::Elf32 && i32::try_from(r.addend).is_err() {
                    return Refused("an addend that does not fit an Elf32_Rela");
                }
            }
        } else if how != How::Nothing {
            if matches!(sec.data, SectionData::Zeros(_)) {
                return Refused("a relocation resolved into zeros without bytes");
            }
            if end > sec.size() {
                return Refused("a relocation's field past its section");
            }
        }
        e
    }

    /// Whether symbol `i` is defined here but may be preempted at run time
    /// (gABI: a shared object's exported symbols of default visibility,
    /// unless it binds symbolically).
    pub(super) fn preemptible(&self, i: usize) -> bool {
        let s = &self.symbols[i];
        self.file_type == ET_DYN
            && self.interpreter.is_none()
            && !self.symbolic
            && s.place.is_defined()
            && s.place != SymbolPlace::Absolute
            && s.bind != STB_LOCAL
            && s.other & 3 == STV_DEFAULT
            && s.export != Some(false)
            && !matches!(s.kind, STT_SECTION | STT_FILE | STT_TLS)
    }

    /// Whether symbol `i` may go to `.dynsym` (by `export`, or the
    /// default for defined symbols of shared objects).
    pub(super) fn may_export(&self, i: usize) -> bool {
        let s = &self.symbols[i];
        match s.export {
            Some(e) => e,
            None => {
                self.file_type == ET_DYN
                    && s.place.is_defined()
                    && s.bind != STB_LOCAL
                    && matches!(s.other & 3, STV_DEFAULT | STV_PROTECTED)
            }
        }
    }
}

impl Expect {
    /// What the field computes, unless refused.
    pub(super) fn how(self) -> Option<How> {
        match self {
            Expect::Refused(_) => None,
            Expect::Static(h)
            | Expect::Dynamic { how: h, .. }
            | Expect::Plt(h)
            | Expect::Got { how: h, .. } => Some(h),
            Expect::Relative => Some(How::Word),
        }
    }
}

/// Where a linked file's pieces are: each model section's link-time
/// address, the TLS segment (start, size in memory, alignment), and the
/// load bias.
pub(super) struct Addrs {
    pub(super) sections: Vec<u64>,
    pub(super) tls: (u64, u64, u64),
    pub(super) bias: u64,
}

impl Model {
    /// The bytes relocation `j`'s field must hold at run time, from the
    /// psABI's formulas (`orig`: its bytes before relocation). Dynamic
    /// relocations resolve as the checker's "loader" does
    /// (`resolve_undefined`, `OWN_MODULE`, ...). `Err` when the value does
    /// not fit its field.
    pub(super) fn expected_field(
        &self,
        j: usize,
        a: &Addrs,
        orig: &[u8],
    ) -> Result<Vec<u8>, String> {
        let r = &self.relocs[j];
        let how = r.expect.how().ok_or("a refused relocation")?;
        let p = a.sections[r.section]
            .wrapping_add(r.offset)
            .wrapping_add(a.bias);
        let addend = r.addend as u64;
        let v = if how.is_tls() {
            self.tls_value(j, a)
        } else {
            self.run_time_s(j, a)?.wrapping_add(addend)
        };
        if r.expect == Expect::Relative && self.word() == 4 {
            // The link-time S + A must fit the 32-bit word; the loader adds
            // its bias modulo 2^32.
            expected_field(how, self.enc, v.wrapping_sub(a.bias), p, orig)?;
            return Ok(put(self.enc.endian, v, 4));
        }
        expected_field(how, self.enc, v, p, orig)
    }

    /// The run-time value of relocation `j`'s symbol (S; the file's
    /// address 0 without one), by the checker's "loader".
    pub(super) fn run_time_s(&self, j: usize, a: &Addrs) -> Result<u64, String> {
        let sym = self.relocs[j].symbol.map(|i| &self.symbols[i]);
        Ok(match sym {
            // No symbol: the file's address 0, which moves with it.
            None => a.bias,
            Some(s) => match s.place {
                SymbolPlace::Undefined => resolve_undefined(&s.name),
                SymbolPlace::Absolute => s.value,
                SymbolPlace::Section(_) => a.sections[s.section]
                    .wrapping_add(s.value)
                    .wrapping_add(a.bias),
                SymbolPlace::Common | SymbolPlace::Raw(_) => {
                    fail!("a symbol without a run-time value")
                }
            },
        })
    }

    /// The TLS quantity relocation `j` computes, plus its addend.
    fn tls_value(&self, j: usize, a: &Addrs) -> u64 {
        let r = &self.relocs[j];
        let how = r.expect.how().unwrap_or(How::Nothing);
        let sym = r.symbol.map(|i| &self.symbols[i]);
        let addend = r.addend as u64;
        let (tls_start, tls_size, tls_align) = a.tls;
        {
            let undefined = sym.filter(|s| !s.place.is_defined());
            let off = match sym.and_then(SymbolModel::section_index) {
                Some(k) => a.sections[k]
                    .wrapping_add(sym.unwrap().value)
                    .wrapping_sub(tls_start),
                None => 0,
            }
            .wrapping_add(addend);
            let what = match how {
                How::Tls(t, _) => t,
                _ => Tls::TpOff,
            };
            match (r.expect, undefined) {
                (Expect::Dynamic { symbol: true, .. }, Some(s)) => match what {
                    Tls::Module => resolve_undefined_tls(&s.name, what),
                    _ => resolve_undefined_tls(&s.name, what).wrapping_add(addend),
                },
                (Expect::Dynamic { .. }, _) => match what {
                    Tls::Module => OWN_MODULE,
                    Tls::DtpOff => off,
                    Tls::TpOff => OWN_TP_OFFSET.wrapping_add(off),
                },
                // An executable is module 1, its TLS block where the
                // variant puts it.
                _ => match what {
                    Tls::Module => 1,
                    Tls::DtpOff => off,
                    Tls::TpOff => tp_offset(self.machine, self.word(), tls_size, tls_align, off),
                },
            }
        }
    }
}
