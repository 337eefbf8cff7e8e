//! From builder to plan: the output sections (the caller's and the ones
//! the format needs), their placement, symbol values, synthesized table
//! contents and resolved relocations. Everything here is decided before a
//! byte is written; [`emit`](super::emit) only follows the plan.

mod dynamic;
mod fates;
mod headers;
mod sections;

use super::builder::{Builder, SectionData, SectionId, SymbolPlace};
use super::dynamic_tables::{DynSymbol, build_gnu_hash, build_sysv_hash, gnu_bucket_count};
use super::layout::{LayoutOptions, LoadClass, Piece, place};
use super::records::{Encode, push_u32, r_info};
use super::relocate::{How, dynamic_types, resolve};
use super::relr::encode_relr;
use super::strtab::StringTableBuilder;
use crate::error::{Error, Problem, Result};
use crate::raw::consts::*;
use crate::read::{Class, Dyn, FileHeader, ProgramHeader, Rel, Rela, SectionHeader, Symbol, Table};
use alloc::borrow::Cow;
use alloc::vec::Vec;
use dynamic::{DynamicFacts, dynamic_entries};
use fates::Fate;
use headers::{HeaderInputs, SegmentInputs, Span, file_header, program_headers};
use sections::{Counts, Out, synth};

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
        let defined = |i: usize| self.symbols[i].place.is_defined();

        let fates = self.relocation_fates(dynamic)?;
        let n_relative = fates
            .iter()
            .filter(|f| matches!(f, Fate::Relative { relr: false }))
            .count() as u64;
        let n_relr = fates
            .iter()
            .filter(|f| matches!(f, Fate::Relative { relr: true }))
            .count() as u64;
        let n_symbolic = fates.iter().filter(|f| matches!(f, Fate::Symbolic)).count() as u64;

        let dynsyms = if dynamic {
            self.dynamic_symbol_order(&fates)
        } else {
            Vec::new()
        };
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

        let mut strtab = StringTableBuilder::with_capacity(self.symbols.len());
        let sym_name_ids: Vec<_> = self.symbols.iter().map(|s| strtab.add(&s.name)).collect();
        let mut strtab = strtab.finish();

        // The dynamic table's entries, counted now, filled after placement.
        let rela_dyn = n_relative + n_symbolic > 0;
        let mut facts = DynamicFacts {
            needed: needed_ids
                .iter()
                .map(|id| u64::from(dynstr.offset(*id)))
                .collect(),
            soname: soname_id.map(|id| u64::from(dynstr.offset(id))),
            runpath: runpath_id.map(|id| u64::from(dynstr.offset(id))),
            hash: self.sysv_hash.then_some(0),
            strsz: dynstr.data.len() as u64,
            syment: sym_size,
            rela: rela_dyn.then_some((0, (n_relative + n_symbolic) * rela_size, rela_size)),
            relr: (n_relr > 0).then_some((0, 0, word)),
            executable: self.interpreter.is_some(),
            pie: file_type == ET_DYN && self.interpreter.is_some(),
            ..DynamicFacts::default()
        };
        let n_dynamic = if dynamic {
            dynamic_entries(&facts).len() as u64
        } else {
            0
        };

        // The output sections, in the order the file will have them.
        let mut outs = self.output_sections(&Counts {
            dynamic,
            dynsyms: dynsyms.len() as u64,
            defined_dynsyms: n_defined_dyn,
            gnu_buckets: nbuckets,
            dynstr_size: dynstr.data.len() as u64,
            rela_dyn: n_relative + n_symbolic,
            relr: n_relr,
            dynamic_entries: n_dynamic,
            first_global,
            strtab_size: strtab.data.len() as u64,
        })?;
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
        // The output index of each caller's section, and each section's
        // relocations, found once: per-symbol and per-relocation linear
        // searches over the outputs were O(symbols x sections).
        let mut user_out = alloc::vec![0usize; self.sections.len()];
        for (k, o) in outs.iter().enumerate() {
            if let Origin::User(id) = o.origin {
                user_out[id.0] = k;
            }
        }
        let mut relocs_of: Vec<Vec<usize>> = alloc::vec![Vec::new(); self.sections.len()];
        if rel {
            for (k, r) in self.relocations.iter().enumerate() {
                relocs_of[r.section.0].push(k);
            }
        }

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
            let addr_of = |sec: SectionId| placed[header_index[user_out[sec.0]] as usize].addr;
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
        // Where each output is, by origin: looked up per section header
        // (link, info), which a scan made O(sections²).
        let origin_index: hashbrown::HashMap<Origin, usize> = outs
            .iter()
            .enumerate()
            .rev()
            .map(|(k, o)| (o.origin, k))
            .collect();
        let find = |o: Origin| origin_index.get(&o).copied();
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
        let out_of = |sec: SectionId| user_out[sec.0];
        let symbol_values: Vec<u64> = self
            .symbols
            .iter()
            .map(|s| match s.place {
                SymbolPlace::Section(sec) if !rel => at(out_of(sec)).addr.wrapping_add(s.value),
                _ => s.value,
            })
            .collect();
        if enc.class == Class::Elf32 && symbol_values.iter().any(|&v| v > u64::from(u32::MAX)) {
            return Err(bad(
                "layout",
                "symbol value (too large for a 32-bit file)",
                symbol_values.iter().copied().max().unwrap_or(0),
            ));
        }
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
            let mut b: Vec<u8> = match o.origin {
                Origin::Symtab | Origin::Relocations(_) | Origin::Dynsym | Origin::RelaDyn => {
                    Vec::with_capacity(o.mem_size as usize)
                }
                _ => Vec::new(),
            };
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
                    facts.hash = facts.hash.map(|_| addr(Origin::Hash));
                    facts.gnu_hash = addr(Origin::GnuHash);
                    facts.strtab = addr(Origin::Dynstr);
                    facts.symtab = addr(Origin::Dynsym);
                    facts.rela = facts.rela.map(|(_, s, e)| (addr(Origin::RelaDyn), s, e));
                    facts.relr = facts.relr.map(|(_, _, e)| {
                        (addr(Origin::RelrDyn), relr_words.len() as u64 * word, e)
                    });
                    for (tag, val) in dynamic_entries(&facts) {
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
                Origin::Strtab => b = core::mem::take(&mut strtab.data),
                Origin::Shstrtab => b.extend_from_slice(&shstr.data),
                Origin::Relocations(sec) => {
                    for r in relocs_of[sec.0].iter().map(|&k| &self.relocations[k]) {
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

        // Program headers and the file header.
        let span = |i: usize| {
            let (p, o) = (at(i), &outs[i]);
            let file_size = if o.sh_type == SHT_NOBITS {
                0
            } else {
                o.mem_size
            };
            Span {
                offset: p.offset,
                addr: p.addr,
                file_size,
                mem_size: o.mem_size,
                align: o.align,
            }
        };
        let relro_sections: Vec<usize> = order
            .iter()
            .copied()
            .filter(|&i| outs[i].class == LoadClass::RelRo)
            .collect();
        let segments = program_headers(&SegmentInputs {
            loads: &segs,
            phdr: interp.then_some((ehsize, phnum * phentsize)),
            interp: if interp {
                find(Origin::Interp).map(span)
            } else {
                None
            },
            dynamic: if dynamic {
                find(Origin::Dynamic).map(span)
            } else {
                None
            },
            notes: notes.iter().map(|&i| span(i)).collect(),
            relro: match (relro, relro_sections.first(), relro_sections.last()) {
                (true, Some(&a), Some(&b)) => Some((span(a), span(b).addr + outs[b].mem_size)),
                _ => None,
            },
            stack: !rel,
            word,
        });
        debug_assert_eq!(segments.len() as u64, phnum);
        let header = file_header(&HeaderInputs {
            encoding: enc,
            osabi: self.osabi,
            file_type,
            machine,
            flags: self.flags,
            entry: self.entry.map_or(0, |s| symbol_values[s.0]),
            phnum,
            shoff,
            shnum,
            shstrndx: header_index[find(Origin::Shstrtab).unwrap_or(0)],
        });
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
