//! From builder to plan: the output sections (the caller's and the ones
//! the format needs), their placement, symbol values, synthesized table
//! contents and resolved relocations. Everything here is decided before a
//! byte is written; [`emit`](super::emit) only follows the plan.

use super::builder::{Builder, Perms, SectionData, SectionId, SymbolPlace};
use super::dynamic_tables::{
    DynSymbol, build_gnu_hash, build_sysv_hash, gnu_bucket_count, order_for_gnu_hash,
};
use super::layout::{LayoutOptions, LoadClass, Piece, place};
use super::records::{Encode, push_u32, r_info};
use super::relocate::{How, classify, dynamic_types, resolve};
use super::relr::encode_relr;
use super::strtab::StringTableBuilder;
use crate::error::{Error, Problem, Result};
use crate::raw::consts::*;
use crate::read::{Class, Dyn, FileHeader, ProgramHeader, Rel, Rela, SectionHeader, Symbol, Table};
use alloc::borrow::Cow;
use alloc::vec::Vec;

/// What an output section is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Origin {
    /// A section the caller added.
    User(SectionId),
    /// `.interp`.
    Interp,
    /// `.note.gnu.build-id`.
    BuildId,
    /// `.hash`.
    Hash,
    /// `.gnu.hash`.
    GnuHash,
    /// `.dynsym`.
    Dynsym,
    /// `.dynstr`.
    Dynstr,
    /// `.rela.dyn` (or `.rel.dyn`).
    RelaDyn,
    /// `.relr.dyn`.
    RelrDyn,
    /// `.dynamic`.
    Dynamic,
    /// `.symtab`.
    Symtab,
    /// `.strtab`.
    Strtab,
    /// `.shstrtab`.
    Shstrtab,
    /// The relocation section of a caller's section in an object.
    Relocations(SectionId),
}

/// One section of the planned file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedSection {
    /// What it is.
    pub origin: Origin,
    /// Its name.
    pub name: Vec<u8>,
    /// Its header as it will be written (index in the table is its
    /// position in [`LayoutPlan::sections`] plus one).
    pub header: SectionHeader,
    /// Its load class.
    pub class: LoadClass,
}

/// The plan of a file: every section's offset and address, every segment,
/// and the contents the builder synthesized — all decided before writing.
#[derive(Debug, Clone)]
pub struct LayoutPlan {
    /// The file header.
    pub header: FileHeader,
    /// The sections after the null section, in header-table order.
    pub sections: Vec<PlannedSection>,
    /// The program headers.
    pub segments: Vec<ProgramHeader>,
    /// The size of the output.
    pub file_size: u64,
    /// Each builder symbol's final value (an address in executables and
    /// shared objects), by [`SymbolId`](super::SymbolId) order.
    pub symbol_values: Vec<u64>,
    pub(crate) blobs: Vec<(u64, Vec<u8>)>,
    pub(crate) user_data: Vec<(u64, SectionId)>,
    pub(crate) patches: Vec<(u64, [u8; 8], usize)>,
    pub(crate) build_id: Option<(u64, usize)>,
}

/// What happens to a relocation in an executable or shared object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    Static(How),
    /// `R_*_RELATIVE` (or RELR when `relr` is set and the place is aligned).
    Relative {
        relr: bool,
    },
    /// A word-sized absolute relocation against a dynamic symbol.
    Symbolic,
}

struct Out<'b> {
    origin: Origin,
    name: Cow<'b, [u8]>,
    sh_type: u32,
    flags: u64,
    align: u64,
    entsize: u64,
    mem_size: u64,
    class: LoadClass,
    link: Option<Origin>,
    info: u32,
    info_origin: Option<Origin>,
}

fn class_of(perms: Option<Perms>, relro: bool, nobits: bool) -> LoadClass {
    match perms {
        None => LoadClass::NotLoaded,
        Some(Perms::R) => LoadClass::R,
        Some(Perms::RX) => LoadClass::RX,
        Some(Perms::RW) if nobits => LoadClass::Bss,
        Some(Perms::RW) if relro => LoadClass::RelRo,
        Some(Perms::RW) => LoadClass::RW,
    }
}

fn bad(structure: &'static str, field: &'static str, value: u64) -> Error {
    Error::new(structure, 0, Problem::BadValue { field, value })
}

impl<'a> Builder<'a> {
    /// Lays the file out: a pure function from the builder's contents to a
    /// plan of every offset, address and segment.
    pub fn layout(&self, opts: &LayoutOptions) -> Result<LayoutPlan> {
        self.validate()?;
        let enc = self.kind.encoding;
        let machine = self.kind.machine;
        let file_type = self.kind.file_type;
        let rel = file_type == ET_REL;
        let dynamic = !rel && self.is_dynamic();
        let word = enc.address_size() as u64;
        let sym_size = Table::<Symbol>::entry_size(enc) as u64;
        let rela_size = Table::<Rela>::entry_size(enc) as u64;
        let rel_size = Table::<Rel>::entry_size(enc) as u64;
        let dyn_size = 2 * word;

        // Symbols: locals first, as the gABI requires.
        let mut symtab_order: Vec<usize> = (0..self.symbols.len())
            .filter(|&i| self.symbols[i].bind == STB_LOCAL)
            .collect();
        let first_global = symtab_order.len() as u32 + 1;
        symtab_order.extend((0..self.symbols.len()).filter(|&i| self.symbols[i].bind != STB_LOCAL));
        let mut symtab_index = alloc::vec![0u32; self.symbols.len()];
        for (k, &i) in symtab_order.iter().enumerate() {
            symtab_index[i] = k as u32 + 1;
        }
        let defined = |i: usize| !matches!(self.symbols[i].place, SymbolPlace::Undefined);

        // What becomes of each relocation in a linked file.
        let mut fates = Vec::new();
        if !rel {
            for (i, r) in self.relocations.iter().enumerate() {
                let how = classify(machine, r.kind).ok_or(
                    bad(
                        "builder relocation",
                        "type (not one the builder resolves for this machine)",
                        r.kind.into(),
                    )
                    .at_index(i as u64),
                )?;
                let sym_defined = r.symbol.is_none_or(|s| defined(s.0));
                let fate = match how {
                    How::AbsWord if file_type == ET_DYN && sym_defined => {
                        let section = &self.sections[r.section.0];
                        Fate::Relative {
                            relr: self.relr && section.align >= word && r.offset % word == 0,
                        }
                    }
                    How::AbsWord if !sym_defined && dynamic => Fate::Symbolic,
                    How::Nothing => Fate::Static(how),
                    _ if !sym_defined => {
                        return Err(bad(
                            "builder relocation",
                            "symbol (undefined, and the relocation cannot be dynamic)",
                            r.symbol.map_or(0, |s| s.0 as u64),
                        )
                        .at_index(i as u64));
                    }
                    How::Abs32 { .. } if file_type == ET_DYN => {
                        return Err(bad("builder relocation", "type (a 32-bit absolute relocation cannot be used in a position-independent file)", r.kind.into()).at_index(i as u64));
                    }
                    h => Fate::Static(h),
                };
                if matches!(fate, Fate::Relative { .. } | Fate::Symbolic)
                    && dynamic_types(machine).is_none()
                {
                    return Err(bad(
                        "builder relocation",
                        "machine (no dynamic relocation types known)",
                        machine.into(),
                    )
                    .at_index(i as u64));
                }
                if self.sections[r.section.0].perms.is_none() {
                    return Err(bad(
                        "builder relocation",
                        "section (not loaded; cannot relocate it in a linked file)",
                        r.section.0 as u64,
                    )
                    .at_index(i as u64));
                }
                fates.push(fate);
            }
        }
        let n_relative = fates
            .iter()
            .filter(|f| matches!(f, Fate::Relative { relr: false }))
            .count() as u64;
        let n_relr = fates
            .iter()
            .filter(|f| matches!(f, Fate::Relative { relr: true }))
            .count() as u64;
        let n_symbolic = fates.iter().filter(|f| matches!(f, Fate::Symbolic)).count() as u64;

        // The dynamic symbols: undefined ones first (the GNU hash covers only
        // defined symbols), then the defined ones in hash-bucket order.
        let mut dynsyms: Vec<usize> = Vec::new();
        if dynamic {
            let mut needed_undef = alloc::vec![false; self.symbols.len()];
            for (r, f) in self.relocations.iter().zip(&fates) {
                if *f == Fate::Symbolic {
                    if let Some(s) = r.symbol {
                        needed_undef[s.0] = true;
                    }
                }
            }
            let exported = |i: usize| {
                let s = &self.symbols[i];
                match s.export {
                    Some(e) => e,
                    None if !defined(i) => needed_undef[i],
                    None => {
                        file_type == ET_DYN
                            && s.bind != STB_LOCAL
                            && matches!(s.other & 3, STV_DEFAULT | STV_PROTECTED)
                    }
                }
            };
            dynsyms.extend((0..self.symbols.len()).filter(|&i| exported(i) && !defined(i)));
            let defs: Vec<usize> = (0..self.symbols.len())
                .filter(|&i| exported(i) && defined(i))
                .collect();
            dynsyms.extend(order_for_gnu_hash(&defs, |i| &self.symbols[i].name));
        }
        let n_dyn_undef = dynsyms.iter().filter(|&&i| !defined(i)).count();
        let mut dynsym_index = alloc::vec![0u32; self.symbols.len()];
        for (k, &i) in dynsyms.iter().enumerate() {
            dynsym_index[i] = k as u32 + 1;
        }
        let n_defined_dyn = (dynsyms.len() - n_dyn_undef) as u64;
        let nbuckets = gnu_bucket_count(n_defined_dyn);

        // Dynamic strings: needed libraries, soname, runpath, symbol names.
        let mut dynstr = StringTableBuilder::new();
        let needed_ids: Vec<_> = self.needed.iter().map(|n| dynstr.add(n)).collect();
        let soname_id = self.soname.as_ref().map(|s| dynstr.add(s));
        let runpath_id = self.runpath.as_ref().map(|s| dynstr.add(s));
        let dynsym_name_ids: Vec<_> = dynsyms
            .iter()
            .map(|&i| dynstr.add(&self.symbols[i].name))
            .collect();
        let dynstr = dynstr.finish();

        let mut strtab = StringTableBuilder::new();
        let sym_name_ids: Vec<_> = self.symbols.iter().map(|s| strtab.add(&s.name)).collect();
        let strtab = strtab.finish();

        // The dynamic table's entries, counted now, filled after placement.
        let n_dynamic = if dynamic {
            let mut n = self.needed.len() as u64 + 1 /* NULL */ + 6 /* GNU_HASH STRTAB SYMTAB STRSZ SYMENT DEBUG-or-BIND */;
            n += u64::from(self.soname.is_some())
                + u64::from(self.runpath.is_some())
                + u64::from(self.sysv_hash);
            n += if n_relative + n_symbolic > 0 { 3 } else { 0 };
            n += if n_relr > 0 { 3 } else { 0 };
            n += u64::from(file_type == ET_DYN && self.interpreter.is_some()); // FLAGS_1 PIE
            n
        } else {
            0
        };

        // The output sections, in the order the file will have them.
        let mut outs: Vec<Out<'_>> = Vec::new();
        let synth =
            |origin, name: &'static [u8], sh_type, flags, align, entsize, size, class| Out {
                origin,
                name: Cow::Borrowed(name),
                sh_type,
                flags,
                align,
                entsize,
                mem_size: size,
                class,
                link: None,
                info: 0,
                info_origin: None,
            };
        if dynamic {
            if let Some(i) = &self.interpreter {
                outs.push(synth(
                    Origin::Interp,
                    b".interp",
                    SHT_PROGBITS,
                    SHF_ALLOC,
                    1,
                    0,
                    i.len() as u64 + 1,
                    LoadClass::R,
                ));
            }
        }
        if self.build_id && !rel {
            outs.push(synth(
                Origin::BuildId,
                b".note.gnu.build-id",
                SHT_NOTE,
                SHF_ALLOC,
                4,
                0,
                36,
                LoadClass::R,
            ));
        }
        if dynamic {
            let nsyms = dynsyms.len() as u64 + 1;
            if self.sysv_hash {
                let nb = super::dynamic_tables::sysv_bucket_count(nsyms);
                let hw = super::dynamic_tables::sysv_word(enc, machine);
                let mut h = synth(
                    Origin::Hash,
                    b".hash",
                    SHT_HASH,
                    SHF_ALLOC,
                    hw,
                    hw,
                    (2 + nb + nsyms) * hw,
                    LoadClass::R,
                );
                h.link = Some(Origin::Dynsym);
                outs.push(h);
            }
            let bloom = super::dynamic_tables::gnu_bloom_words(n_defined_dyn, word);
            let size = 16 + bloom * word + nbuckets * 4 + n_defined_dyn * 4;
            let mut h = synth(
                Origin::GnuHash,
                b".gnu.hash",
                SHT_GNU_HASH,
                SHF_ALLOC,
                word,
                0,
                size,
                LoadClass::R,
            );
            h.link = Some(Origin::Dynsym);
            outs.push(h);
            let mut d = synth(
                Origin::Dynsym,
                b".dynsym",
                SHT_DYNSYM,
                SHF_ALLOC,
                word,
                sym_size,
                nsyms * sym_size,
                LoadClass::R,
            );
            d.link = Some(Origin::Dynstr);
            d.info = 1;
            outs.push(d);
            outs.push(synth(
                Origin::Dynstr,
                b".dynstr",
                SHT_STRTAB,
                SHF_ALLOC,
                1,
                0,
                dynstr.data.len() as u64,
                LoadClass::R,
            ));
            if n_relative + n_symbolic > 0 {
                let mut r = synth(
                    Origin::RelaDyn,
                    b".rela.dyn",
                    SHT_RELA,
                    SHF_ALLOC,
                    word,
                    rela_size,
                    (n_relative + n_symbolic) * rela_size,
                    LoadClass::R,
                );
                r.link = Some(Origin::Dynsym);
                outs.push(r);
            }
            if n_relr > 0 {
                // An upper bound for now: one word per address.
                outs.push(synth(
                    Origin::RelrDyn,
                    b".relr.dyn",
                    SHT_RELR,
                    SHF_ALLOC,
                    word,
                    word,
                    n_relr * word,
                    LoadClass::R,
                ));
            }
        }
        for (i, s) in self.sections.iter().enumerate() {
            let nobits = matches!(s.data, SectionData::Zeros(_));
            let class = if rel {
                LoadClass::NotLoaded
            } else {
                class_of(s.perms, s.relro, nobits)
            };
            if !rel && s.flags & SHF_TLS != 0 && s.perms.is_some() {
                return Err(bad(
                    "builder section",
                    "flags (TLS sections are supported only in relocatable objects)",
                    s.flags,
                )
                .at_index(i as u64));
            }
            outs.push(Out {
                origin: Origin::User(SectionId(i)),
                name: Cow::Borrowed(&s.name),
                sh_type: s.sh_type,
                flags: s.sh_flags(),
                align: s.align.max(1),
                entsize: s.entsize,
                mem_size: s.data.size(),
                class,
                link: s.link.map(Origin::User),
                info: s.info,
                info_origin: s.info_section.map(Origin::User),
            });
            if rel && self.relocations.iter().any(|r| r.section.0 == i) {
                let (prefix, sh_type, es): (&[u8], u32, u64) = if self.rel_without_addends {
                    (b".rel", SHT_REL, rel_size)
                } else {
                    (b".rela", SHT_RELA, rela_size)
                };
                let n = self.relocations.iter().filter(|r| r.section.0 == i).count() as u64;
                let mut name = prefix.to_vec();
                name.extend_from_slice(&s.name);
                outs.push(Out {
                    origin: Origin::Relocations(SectionId(i)),
                    name: Cow::Owned(name),
                    sh_type,
                    flags: SHF_INFO_LINK,
                    align: word,
                    entsize: es,
                    mem_size: n * es,
                    class: LoadClass::NotLoaded,
                    link: Some(Origin::Symtab),
                    info: 0,
                    info_origin: Some(Origin::User(SectionId(i))),
                });
            }
        }
        if dynamic {
            let mut d = synth(
                Origin::Dynamic,
                b".dynamic",
                SHT_DYNAMIC,
                SHF_ALLOC | SHF_WRITE,
                word,
                dyn_size,
                n_dynamic * dyn_size,
                LoadClass::RelRo,
            );
            d.link = Some(Origin::Dynstr);
            outs.push(d);
        }
        let mut st = synth(
            Origin::Symtab,
            b".symtab",
            SHT_SYMTAB,
            0,
            word,
            sym_size,
            (self.symbols.len() as u64 + 1) * sym_size,
            LoadClass::NotLoaded,
        );
        st.link = Some(Origin::Strtab);
        st.info = first_global;
        outs.push(st);
        outs.push(synth(
            Origin::Strtab,
            b".strtab",
            SHT_STRTAB,
            0,
            1,
            0,
            strtab.data.len() as u64,
            LoadClass::NotLoaded,
        ));
        let out_names: Vec<Cow<'_, [u8]>> = outs.iter().map(|o| o.name.clone()).collect();
        let mut shstr = StringTableBuilder::new();
        let shstr_ids: Vec<_> = out_names.iter().map(|n| shstr.add(n)).collect();
        let shstrtab_name = shstr.add(b".shstrtab");
        let shstr = shstr.finish();
        outs.push(synth(
            Origin::Shstrtab,
            b".shstrtab",
            SHT_STRTAB,
            0,
            1,
            0,
            shstr.data.len() as u64,
            LoadClass::NotLoaded,
        ));

        // Header order: by class (stable), so the file reads in address order.
        let mut order: Vec<usize> = (0..outs.len()).collect();
        if !rel {
            order.sort_by_key(|&i| outs[i].class);
        }
        let mut header_index = alloc::vec![0u32; outs.len()];
        for (k, &i) in order.iter().enumerate() {
            header_index[i] = k as u32 + 1;
        }
        let shnum = outs.len() as u64 + 1;
        let find_in = |outs: &[Out<'_>], o: Origin| outs.iter().position(|x| x.origin == o);

        // Program headers, counted before placement (their table is a piece).
        let has = |c: LoadClass| outs.iter().any(|o| o.class == c);
        let n_load = if rel {
            0
        } else {
            1 + u64::from(has(LoadClass::RX))
                + u64::from(has(LoadClass::RelRo) || has(LoadClass::RW) || has(LoadClass::Bss))
        };
        let interp = dynamic && self.interpreter.is_some();
        let notes: Vec<usize> = order
            .iter()
            .copied()
            .filter(|&i| outs[i].sh_type == SHT_NOTE && outs[i].class != LoadClass::NotLoaded)
            .collect();
        let relro = dynamic && has(LoadClass::RelRo);
        let phnum = if rel {
            0
        } else {
            n_load
                + 2 * u64::from(interp)
                + u64::from(dynamic)
                + notes.len() as u64
                + u64::from(relro)
                + 1
        };
        let (ehsize, phentsize, shentsize) = match enc.class {
            Class::Elf32 => (52u64, 32u64, 40u64),
            Class::Elf64 => (64, 56, 64),
        };

        // Placement, with RELR's size settled in a few rounds: start from
        // an upper bound, shrink to what the addresses need, and pad with
        // empty bitmaps if a round packs worse than the one before.
        let base = opts
            .base
            .unwrap_or(if file_type == ET_EXEC { 0x40_0000 } else { 0 });
        let relr_out = find_in(&outs, Origin::RelrDyn);
        let relr_upper = relr_out.map_or(0, |i| outs[i].mem_size);
        let mut relr_size = relr_upper;
        let mut relr_words: Vec<u64> = Vec::new();
        let mut rounds = 0;
        let (placed, segs, file_end) = loop {
            rounds += 1;
            let mut pieces = Vec::with_capacity(outs.len() + 2);
            pieces.push(Piece {
                class: LoadClass::R,
                file_size: ehsize + phnum * phentsize,
                mem_size: ehsize + phnum * phentsize,
                align: word,
            });
            for &i in &order {
                let o = &outs[i];
                let size = if Some(i) == relr_out {
                    relr_size
                } else {
                    o.mem_size
                };
                let file = if o.sh_type == SHT_NOBITS { 0 } else { size };
                pieces.push(Piece {
                    class: o.class,
                    file_size: file,
                    mem_size: size,
                    align: o.align,
                });
            }
            pieces.push(Piece {
                class: LoadClass::NotLoaded,
                file_size: shnum * shentsize,
                mem_size: 0,
                align: word,
            });
            let (placed, segs, end) = place(&pieces, opts, base, !rel)?;
            if relr_out.is_none() {
                break (placed, segs, end);
            }
            let addr_of = |sec: SectionId| {
                find_in(&outs, Origin::User(sec))
                    .map_or(0, |i| placed[header_index[i] as usize].addr)
            };
            let mut addrs: Vec<u64> = self
                .relocations
                .iter()
                .zip(&fates)
                .filter(|(_, f)| **f == Fate::Relative { relr: true })
                .map(|(r, _)| addr_of(r.section).wrapping_add(r.offset))
                .collect();
            addrs.sort_unstable();
            relr_words = encode_relr(&addrs, word);
            let need = relr_words.len() as u64 * word;
            if need == relr_size {
                break (placed, segs, end);
            }
            if need < relr_size && rounds >= 2 {
                relr_words.resize((relr_size / word) as usize, 1);
                break (placed, segs, end);
            }
            relr_size = if rounds >= 3 { relr_upper } else { need };
        };
        if let Some(ri) = relr_out {
            outs[ri].mem_size = relr_size;
        }
        let find = |o: Origin| find_in(&outs, o);
        let at = |i: usize| placed[header_index[i] as usize];
        let shoff = placed[placed.len() - 1].offset;
        if enc.class == Class::Elf32
            && (file_end > u64::from(u32::MAX)
                || segs
                    .iter()
                    .any(|s| s.addr.saturating_add(s.mem_size) > u64::from(u32::MAX)))
        {
            return Err(bad(
                "layout",
                "size or address (too large for a 32-bit file)",
                file_end,
            ));
        }

        // Final symbol values.
        let out_of = |sec: SectionId| find(Origin::User(sec)).unwrap_or(0);
        let symbol_values: Vec<u64> = self
            .symbols
            .iter()
            .map(|s| match s.place {
                SymbolPlace::Section(sec) if !rel => at(out_of(sec)).addr.wrapping_add(s.value),
                _ => s.value,
            })
            .collect();
        let shndx_of = |s: &super::builder::SymbolSpec<'_>| -> u16 {
            match s.place {
                SymbolPlace::Undefined => SHN_UNDEF,
                SymbolPlace::Absolute => SHN_ABS,
                SymbolPlace::Common => SHN_COMMON,
                SymbolPlace::Raw(x) => x,
                SymbolPlace::Section(sec) => {
                    let h = header_index[out_of(sec)];
                    if h >= u32::from(SHN_LORESERVE) {
                        SHN_XINDEX
                    } else {
                        h as u16
                    }
                }
            }
        };
        if shnum >= u64::from(SHN_LORESERVE)
            && self.symbols.iter().any(|s| shndx_of(s) == SHN_XINDEX)
        {
            return Err(bad(
                "builder",
                "symbols in sections past index 0xff00 (SHT_SYMTAB_SHNDX is not written yet)",
                shnum,
            ));
        }

        // Contents of the synthesized sections.
        let mut blobs: Vec<(u64, Vec<u8>)> = Vec::new();
        let mut dyn_relocs: Vec<Rela> = Vec::new();
        let mut patches = Vec::new();
        let (relative_type, abs_type) = dynamic_types(machine).unwrap_or((0, 0));
        for (k, (r, fate)) in self.relocations.iter().zip(&fates).enumerate() {
            let o = out_of(r.section);
            let p = at(o).addr.wrapping_add(r.offset);
            let file_at = at(o).offset + r.offset;
            let s = r.symbol.map_or(0, |s| symbol_values[s.0]);
            let value = s.wrapping_add(r.addend as u64);
            match *fate {
                Fate::Static(how) => {
                    let SectionData::Bytes(bytes) = &self.sections[r.section.0].data else {
                        return Err(bad(
                            "builder relocation",
                            "section (has no bytes to patch)",
                            r.section.0 as u64,
                        )
                        .at_index(k as u64));
                    };
                    let here = bytes.get(r.offset as usize..).unwrap_or(&[]);
                    if let Some((b, n)) = resolve(enc, how, value, p, here, k as u64)? {
                        if here.len() < n {
                            return Err(bad(
                                "builder relocation",
                                "offset (the field runs past its section)",
                                r.offset,
                            )
                            .at_index(k as u64));
                        }
                        patches.push((file_at, b, n));
                    }
                }
                Fate::Relative { relr } => {
                    if relr {
                        // RELR keeps the addend in place.
                        if let Some(pb) = resolve(enc, How::AbsWord, value, p, &[], k as u64)? {
                            patches.push((file_at, pb.0, pb.1));
                        }
                    } else {
                        dyn_relocs.push(Rela {
                            r_offset: p,
                            r_info: r_info(enc, machine, 0, relative_type),
                            r_addend: value as i64,
                        });
                    }
                }
                Fate::Symbolic => {
                    let sym = r.symbol.map_or(0, |s| dynsym_index[s.0]);
                    dyn_relocs.push(Rela {
                        r_offset: p,
                        r_info: r_info(enc, machine, sym, abs_type),
                        r_addend: r.addend,
                    });
                }
            }
        }
        // Relative relocations first, as DT_RELACOUNT-aware loaders like.
        dyn_relocs.sort_by_key(|r| {
            (
                r.r_info != r_info(enc, machine, 0, relative_type),
                r.r_offset,
            )
        });

        let dynsym_list: Vec<DynSymbol<'_>> = dynsyms
            .iter()
            .enumerate()
            .map(|(k, &i)| {
                let s = &self.symbols[i];
                DynSymbol {
                    name: &s.name,
                    sym: Symbol {
                        st_name: dynstr.offset(dynsym_name_ids[k]),
                        st_info: s.st_info(),
                        st_other: s.other,
                        st_shndx: shndx_of(s),
                        st_value: if defined(i) { symbol_values[i] } else { 0 },
                        st_size: s.size,
                    },
                    defined: defined(i),
                }
            })
            .collect();

        for &i in &order {
            let o = &outs[i];
            let off = at(i).offset;
            let mut b: Vec<u8> = Vec::new();
            match o.origin {
                Origin::User(_) | Origin::BuildId => {}
                Origin::Interp => {
                    b.extend_from_slice(self.interpreter.as_deref().unwrap_or(&[]));
                    b.push(0);
                }
                Origin::Hash => {
                    b = build_sysv_hash(
                        enc,
                        machine,
                        &dynsym_list,
                        super::dynamic_tables::sysv_bucket_count(dynsym_list.len() as u64 + 1),
                    )
                }
                Origin::GnuHash => {
                    b = build_gnu_hash(enc, &dynsym_list, n_dyn_undef as u32 + 1, nbuckets)
                }
                Origin::Dynsym => {
                    Symbol::default().encode(enc, &mut b);
                    for d in &dynsym_list {
                        d.sym.encode(enc, &mut b);
                    }
                }
                Origin::Dynstr => b.extend_from_slice(&dynstr.data),
                Origin::RelaDyn => {
                    for r in &dyn_relocs {
                        r.encode(enc, &mut b);
                    }
                }
                Origin::RelrDyn => {
                    for &w in &relr_words {
                        super::records::push_word(enc, &mut b, w);
                    }
                }
                Origin::Dynamic => {
                    let addr = |o: Origin| find(o).map_or(0, |i| at(i).addr);
                    let mut e = Vec::new();
                    for id in &needed_ids {
                        e.push((DT_NEEDED, u64::from(dynstr.offset(*id))));
                    }
                    if let Some(id) = soname_id {
                        e.push((DT_SONAME, u64::from(dynstr.offset(id))));
                    }
                    if let Some(id) = runpath_id {
                        e.push((DT_RUNPATH, u64::from(dynstr.offset(id))));
                    }
                    if self.sysv_hash {
                        e.push((DT_HASH, addr(Origin::Hash)));
                    }
                    e.push((DT_GNU_HASH, addr(Origin::GnuHash)));
                    e.push((DT_STRTAB, addr(Origin::Dynstr)));
                    e.push((DT_SYMTAB, addr(Origin::Dynsym)));
                    e.push((DT_STRSZ, dynstr.data.len() as u64));
                    e.push((DT_SYMENT, sym_size));
                    if n_relative + n_symbolic > 0 {
                        e.push((DT_RELA, addr(Origin::RelaDyn)));
                        e.push((DT_RELASZ, (n_relative + n_symbolic) * rela_size));
                        e.push((DT_RELAENT, rela_size));
                    }
                    if n_relr > 0 {
                        e.push((DT_RELR, addr(Origin::RelrDyn)));
                        e.push((DT_RELRSZ, relr_words.len() as u64 * word));
                        e.push((DT_RELRENT, word));
                    }
                    // Executables tell debuggers where r_debug is; shared
                    // objects ask for their relocations up front instead.
                    if self.interpreter.is_some() {
                        e.push((DT_DEBUG, 0))
                    } else {
                        e.push((DT_BIND_NOW, 0))
                    }
                    if file_type == ET_DYN && self.interpreter.is_some() {
                        e.push((DT_FLAGS_1, 0x0800_0000)); // DF_1_PIE
                    }
                    e.push((DT_NULL, 0));
                    for (tag, val) in e {
                        Dyn {
                            d_tag: tag,
                            d_val: val,
                        }
                        .encode(enc, &mut b);
                    }
                }
                Origin::Symtab => {
                    Symbol::default().encode(enc, &mut b);
                    for &si in &symtab_order {
                        let s = &self.symbols[si];
                        Symbol {
                            st_name: strtab.offset(sym_name_ids[si]),
                            st_info: s.st_info(),
                            st_other: s.other,
                            st_shndx: shndx_of(s),
                            st_value: symbol_values[si],
                            st_size: s.size,
                        }
                        .encode(enc, &mut b);
                    }
                }
                Origin::Strtab => b.extend_from_slice(&strtab.data),
                Origin::Shstrtab => b.extend_from_slice(&shstr.data),
                Origin::Relocations(sec) => {
                    for r in self.relocations.iter().filter(|r| r.section == sec) {
                        let info = r_info(
                            enc,
                            machine,
                            r.symbol.map_or(0, |s| symtab_index[s.0]),
                            r.kind,
                        );
                        if self.rel_without_addends {
                            Rel {
                                r_offset: r.offset,
                                r_info: info,
                            }
                            .encode(enc, &mut b);
                        } else {
                            Rela {
                                r_offset: r.offset,
                                r_info: info,
                                r_addend: r.addend,
                            }
                            .encode(enc, &mut b);
                        }
                    }
                }
            }
            if !b.is_empty() {
                debug_assert_eq!(b.len() as u64, o.mem_size, "{:?}", o.origin);
                blobs.push((off, b));
            }
        }
        let build_id = find(Origin::BuildId).map(|i| {
            let mut b = Vec::new();
            push_u32(enc, &mut b, 4);
            push_u32(enc, &mut b, 20);
            push_u32(enc, &mut b, NT_GNU_BUILD_ID);
            b.extend_from_slice(b"GNU\0");
            b.extend_from_slice(&[0; 20]);
            blobs.push((at(i).offset, b));
            (at(i).offset + 16, 20)
        });

        // Section headers.
        let mut sections = Vec::with_capacity(outs.len());
        for &i in &order {
            let o = &outs[i];
            let p = at(i);
            let link = o.link.and_then(find).map_or(0, |l| header_index[l]);
            let info = o
                .info_origin
                .and_then(find)
                .map_or(o.info, |l| header_index[l]);
            let name = if o.origin == Origin::Shstrtab {
                shstr.offset(shstrtab_name)
            } else {
                shstr.offset(shstr_ids[i])
            };
            sections.push(PlannedSection {
                origin: o.origin,
                name: o.name.to_vec(),
                header: SectionHeader {
                    sh_name: name,
                    sh_type: o.sh_type,
                    sh_flags: o.flags,
                    sh_addr: p.addr,
                    sh_offset: p.offset,
                    sh_size: o.mem_size,
                    sh_link: link,
                    sh_info: info,
                    sh_addralign: o.align,
                    sh_entsize: o.entsize,
                },
                class: o.class,
            });
        }
        let user_data = order
            .iter()
            .filter_map(|&i| match outs[i].origin {
                Origin::User(id) if outs[i].sh_type != SHT_NOBITS => Some((at(i).offset, id)),
                _ => None,
            })
            .collect();

        // Program headers.
        let mut segments = Vec::new();
        let first = segs.first().copied();
        let phdr_size = phnum * phentsize;
        let span = |i: usize, p_type: u32, flags: u32| {
            let p = at(i);
            let o = &outs[i];
            let file = if o.sh_type == SHT_NOBITS {
                0
            } else {
                o.mem_size
            };
            ProgramHeader {
                p_type,
                p_flags: flags,
                p_offset: p.offset,
                p_vaddr: p.addr,
                p_paddr: p.addr,
                p_filesz: file,
                p_memsz: o.mem_size,
                p_align: o.align,
            }
        };
        if interp {
            let f = first.unwrap_or(super::layout::LoadSegment {
                class: LoadClass::R,
                offset: 0,
                addr: base,
                file_size: 0,
                mem_size: 0,
                align: 1,
            });
            segments.push(ProgramHeader {
                p_type: PT_PHDR,
                p_flags: PF_R,
                p_offset: ehsize,
                p_vaddr: f.addr + ehsize,
                p_paddr: f.addr + ehsize,
                p_filesz: phdr_size,
                p_memsz: phdr_size,
                p_align: word,
            });
            if let Some(i) = find(Origin::Interp) {
                segments.push(span(i, PT_INTERP, PF_R));
            }
        }
        for s in &segs {
            let flags = match s.class {
                LoadClass::R => PF_R,
                LoadClass::RX => PF_R | PF_X,
                _ => PF_R | PF_W,
            };
            segments.push(ProgramHeader {
                p_type: PT_LOAD,
                p_flags: flags,
                p_offset: s.offset,
                p_vaddr: s.addr,
                p_paddr: s.addr,
                p_filesz: s.file_size,
                p_memsz: s.mem_size,
                p_align: s.align,
            });
        }
        if dynamic {
            if let Some(i) = find(Origin::Dynamic) {
                segments.push(span(i, PT_DYNAMIC, PF_R | PF_W));
            }
        }
        for &i in &notes {
            segments.push(span(i, PT_NOTE, PF_R));
        }
        if relro {
            let rs: Vec<usize> = order
                .iter()
                .copied()
                .filter(|&i| outs[i].class == LoadClass::RelRo)
                .collect();
            let (a, b) = (at(rs[0]), at(rs[rs.len() - 1]));
            let end = b.addr + outs[rs[rs.len() - 1]].mem_size;
            segments.push(ProgramHeader {
                p_type: PT_GNU_RELRO,
                p_flags: PF_R,
                p_offset: a.offset,
                p_vaddr: a.addr,
                p_paddr: a.addr,
                p_filesz: end - a.addr,
                p_memsz: end - a.addr,
                p_align: 1,
            });
        }
        if !rel {
            segments.push(ProgramHeader {
                p_type: PT_GNU_STACK,
                p_flags: PF_R | PF_W,
                p_align: 16,
                ..ProgramHeader::default()
            });
        }
        debug_assert_eq!(segments.len() as u64, phnum);

        let entry = self.entry.map_or(0, |s| symbol_values[s.0]);
        let shstrndx = header_index[find(Origin::Shstrtab).unwrap_or(0)];
        let mut ident = crate::raw::Ident {
            magic: *b"\x7fELF",
            class: 0,
            data: 0,
            version: 1,
            osabi: self.osabi,
            abiversion: 0,
            pad: [0; 7],
        };
        ident.class = if enc.class == Class::Elf32 {
            ELFCLASS32
        } else {
            ELFCLASS64
        };
        ident.data = if enc.endian == crate::read::Endian::Little {
            ELFDATA2LSB
        } else {
            ELFDATA2MSB
        };
        let big = shnum >= u64::from(SHN_LORESERVE);
        let header = FileHeader {
            ident,
            e_type: file_type,
            e_machine: machine,
            e_version: 1,
            e_entry: entry,
            e_phoff: if rel { 0 } else { ehsize },
            e_shoff: shoff,
            e_flags: self.flags,
            e_ehsize: ehsize as u16,
            e_phentsize: if rel { 0 } else { phentsize as u16 },
            e_phnum: phnum as u16,
            e_shentsize: shentsize as u16,
            e_shnum: if big { 0 } else { shnum as u16 },
            e_shstrndx: if shstrndx >= u32::from(SHN_LORESERVE) {
                SHN_XINDEX
            } else {
                shstrndx as u16
            },
        };
        Ok(LayoutPlan {
            header,
            sections,
            segments,
            file_size: file_end,
            symbol_values,
            blobs,
            user_data,
            patches,
            build_id,
        })
    }
}
