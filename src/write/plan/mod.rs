//! From builder to plan: the output sections (the caller's and the ones
//! the format needs), their placement, symbol values, synthesized table
//! contents and resolved relocations. Everything here is decided before a
//! byte is written; [`emit`](super::emit) only follows the plan.

mod apply;
mod contents;
mod dynamic;
mod fates;
mod headers;
mod place;
mod sections;
mod symbols;
mod tls;

use super::builder::{Builder, SectionId, SymbolPlace};
use super::dynamic_tables::{DynSymbol, gnu_bucket_count};
use super::layout::{LayoutOptions, LoadClass};
use super::strtab::{StringLayout, StringTableBuilder};
use crate::arch::{TlsValue, Value};
use crate::error::{Error, Field, Result, Structure};
use crate::raw::consts::*;
use crate::read::{Class, FileHeader, ProgramHeader, Rela, SectionHeader, Symbol, Table};
use alloc::borrow::Cow;
use alloc::vec::Vec;
use apply::Patch;
use contents::{Blob, ContentInputs};
use dynamic::{DynamicFacts, dynamic_entries};
use fates::Fate;
use headers::{HeaderInputs, SegmentInputs, Span, file_header, program_headers};
use place::PlaceInputs;
use sections::{Counts, Out, header_order, synth, user_outputs};
use symbols::shndx_of;
use tls::{TlsLayout, is_tls, relro_span, tls_align};

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
    /// `.symtab_shndx`: the section indices of `.symtab` entries whose
    /// `st_shndx` is `SHN_XINDEX`.
    SymtabShndx,
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
    pub(crate) blobs: Vec<Blob>,
    pub(crate) user_data: Vec<(u64, SectionId)>,
    pub(crate) patches: Vec<Patch>,
    pub(crate) build_id: Option<(u64, usize)>,
    /// Where `.strtab` goes and its layout: its bytes are written straight
    /// into the output from the symbols' names.
    pub(crate) strtab: Option<(u64, StringLayout)>,
}

fn bad(structure: Structure, field: Field, value: u64) -> Error {
    Error::bad_value(structure, 0, field, value)
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

        let (symtab, first_global) = self.symtab_order();
        let defined = |i: usize| self.symbols[i].place.is_defined();

        let fates = self.relocation_fates(dynamic)?;
        let count = |want: fn(&Fate) -> bool| fates.iter().filter(|f| want(f)).count() as u64;
        let n_rela_dyn = count(Fate::in_rela_dyn);
        let n_relr = count(|f| matches!(f, Fate::Relative { relr: true }));
        // Thread-pointer offsets resolved at load time need the object's
        // TLS block in the static TLS area.
        let static_tls = file_type == ET_DYN
            && fates.iter().any(|f| {
                matches!(
                    f,
                    Fate::Dynamic { how, .. } if how.value == Value::Tls(TlsValue::TpOff)
                )
            });

        let dynsym = self.dynsym_order(if dynamic {
            self.dynamic_symbol_order(&fates)
        } else {
            Vec::new()
        });
        let n_dyn_undef = dynsym.order.iter().filter(|&&i| !defined(i)).count();
        let n_defined_dyn = (dynsym.order.len() - n_dyn_undef) as u64;
        let nbuckets = gnu_bucket_count(n_defined_dyn);

        // Dynamic strings: needed libraries, soname, runpath, symbol names.
        let mut dynstr = StringTableBuilder::new();
        let needed_ids: Vec<_> = self.needed.iter().map(|n| dynstr.add(n)).collect();
        let soname_id = self.soname.as_ref().map(|s| dynstr.add(s));
        let runpath_id = self.runpath.as_ref().map(|s| dynstr.add(s));
        let dynsym_name_ids: Vec<_> = dynsym
            .order
            .iter()
            .map(|&i| dynstr.add(&self.symbols[i].name))
            .collect();
        let dynstr = dynstr.finish();

        let mut strtab = StringTableBuilder::with_capacity(self.symbols.len());
        let sym_name_ids: Vec<_> = self.symbols.iter().map(|s| strtab.add(&s.name)).collect();
        let strtab = strtab.layout();

        // The dynamic table's entries, counted now, filled after placement.
        let facts = DynamicFacts {
            needed: needed_ids
                .iter()
                .map(|id| u64::from(dynstr.offset(*id)))
                .collect(),
            soname: soname_id.map(|id| u64::from(dynstr.offset(id))),
            runpath: runpath_id.map(|id| u64::from(dynstr.offset(id))),
            hash: self.sysv_hash.then_some(0),
            strsz: dynstr.data.len() as u64,
            syment: sym_size,
            rela: (n_rela_dyn > 0).then_some((0, n_rela_dyn * rela_size, rela_size)),
            relr: (n_relr > 0).then_some((0, 0, word)),
            executable: self.interpreter.is_some(),
            pie: file_type == ET_DYN && self.interpreter.is_some(),
            static_tls,
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
            dynsyms: dynsym.order.len() as u64,
            defined_dynsyms: n_defined_dyn,
            gnu_buckets: nbuckets,
            dynstr_size: dynstr.data.len() as u64,
            rela_dyn: n_rela_dyn,
            relr: n_relr,
            dynamic_entries: n_dynamic,
            first_global,
            strtab_size: strtab.size() as u64,
        })?;
        self.add_symtab_shndx(&mut outs, rel, &dynsym)?;
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
        let (order, header_index) = header_order(&outs, rel);
        let shnum = outs.len() as u64 + 1;
        let find_in = |outs: &[Out<'_>], o: Origin| outs.iter().position(|x| x.origin == o);
        // The output index of each caller's section, and each section's
        // relocations, found once: per-symbol and per-relocation linear
        // searches over the outputs were O(symbols x sections).
        let user_out = user_outputs(&outs, self.sections.len());
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
            let writable = [
                LoadClass::Tls,
                LoadClass::TlsBss,
                LoadClass::RelRo,
                LoadClass::RW,
                LoadClass::Bss,
            ];
            1 + u64::from(has(LoadClass::RX)) + u64::from(writable.into_iter().any(has))
        };
        let tls = !rel && (has(LoadClass::Tls) || has(LoadClass::TlsBss));
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
                + u64::from(tls)
                + u64::from(relro)
                + 1
        };
        let (ehsize, phentsize, shentsize) = match enc.class {
            Class::Elf32 => (52u64, 32u64, 40u64),
            Class::Elf64 => (64, 56, 64),
        };

        let base = opts
            .base
            .unwrap_or(if file_type == ET_EXEC { 0x40_0000 } else { 0 });
        let relr_out = find_in(&outs, Origin::RelrDyn);
        let tls_align = tls_align(&outs);
        let placement = self.place_pieces(
            &PlaceInputs {
                outs: &outs,
                order: &order,
                header_index: &header_index,
                user_out: &user_out,
                fates: &fates,
                headers_size: ehsize + phnum * phentsize,
                table_size: shnum * shentsize,
                word,
                relr_out,
                tls_align,
                base,
                loaded: !rel,
            },
            opts,
        )?;
        let (placed, segs, file_end) = (&placement.placed, &placement.segments, placement.file_end);
        if let Some(ri) = relr_out {
            outs[ri].mem_size = placement.relr_size;
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
                Structure::Layout,
                Field::WSizeOrAddressTooLargeForA32,
                file_end,
            ));
        }

        let tls = TlsLayout::new(&outs, &order, &at, tls_align);
        let tls_block = tls.block;
        // Final symbol values: addresses in linked files, except that
        // STT_TLS symbols are offsets in the TLS segment (gABI).
        let out_of = |sec: SectionId| user_out[sec.0];
        let symbol_values: Vec<u64> = self
            .symbols
            .iter()
            .map(|s| match s.place {
                SymbolPlace::Section(sec) if !rel => {
                    let addr = at(out_of(sec)).addr.wrapping_add(s.value);
                    match tls_block {
                        Some(t) if s.kind == STT_TLS && is_tls(outs[out_of(sec)].class) => {
                            addr.wrapping_sub(t.addr)
                        }
                        _ => addr,
                    }
                }
                _ => s.value,
            })
            .collect();
        if enc.class == Class::Elf32 && symbol_values.iter().any(|&v| v > u64::from(u32::MAX)) {
            return Err(bad(
                Structure::Layout,
                Field::WSymbolValueTooLargeForA32Bit,
                symbol_values.iter().copied().max().unwrap_or(0),
            ));
        }
        let shndx: Vec<u16> = self
            .symbols
            .iter()
            .map(|s| shndx_of(s, |sec| header_index[user_out[sec]]))
            .collect();
        // The real index of each SHN_XINDEX symbol, for `.symtab_shndx`.
        let xindex: Vec<u32> = if shndx.contains(&SHN_XINDEX) {
            self.symbols
                .iter()
                .zip(&shndx)
                .map(|(s, &x)| match s.place {
                    SymbolPlace::Section(sec) if x == SHN_XINDEX => header_index[user_out[sec.0]],
                    _ => 0,
                })
                .collect()
        } else {
            Vec::new()
        };

        let applied = self.apply_relocations(
            &fates,
            |sec| at(out_of(sec)),
            &symbol_values,
            &dynsym.index,
            tls_block,
        )?;
        let dynsym_list: Vec<DynSymbol<'_>> = dynsym
            .order
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
                        st_shndx: shndx[i],
                        st_value: if defined(i) { symbol_values[i] } else { 0 },
                        st_size: s.size,
                    },
                    defined: defined(i),
                }
            })
            .collect();
        let (blobs, build_id) = self.section_contents(ContentInputs {
            outs: &outs,
            order: &order,
            at: &at,
            dynsyms: &dynsym_list,
            first_hashed: n_dyn_undef as u32 + 1,
            gnu_buckets: nbuckets,
            dynstr: &dynstr.data,
            dyn_relocs: &applied.dyn_relocs,
            relr_words: &placement.relr_words,
            facts,
            symtab: &symtab,
            strtab: &strtab,
            sym_names: &sym_name_ids,
            symbol_values: &symbol_values,
            shndx: &shndx,
            xindex: &xindex,
            shstrtab: &shstr.data,
            relocs_of: &relocs_of,
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
        let segments = program_headers(&SegmentInputs {
            loads: segs,
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
            tls: tls.segment(
                &span,
                segs.iter()
                    .filter(|s| s.class == LoadClass::RW)
                    .map(|s| s.offset + s.file_size)
                    .max()
                    .unwrap_or(file_end),
            ),
            relro: if relro {
                relro_span(&outs, &order, &span)
            } else {
                None
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
            patches: applied.patches,
            build_id,
            strtab: find(Origin::Strtab).map(|i| (at(i).offset, strtab)),
        })
    }
}
