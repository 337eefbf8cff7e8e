//! From builder to plan: the output sections (the caller's and the ones
//! the format needs), their placement, symbol values, synthesized table
//! contents and resolved relocations. Everything here is decided before a
//! byte is written; [`emit`](super::emit) only follows the plan.

mod apply;
mod contents;
mod dynamic;
mod fates;
mod got;
mod headers;
mod place;
mod plt;
mod preempt;
mod sections;
mod symbols;
mod tls;

use super::builder::{Builder, SectionId, SymbolId, SymbolPlace};
use super::dynamic_tables::{DynSymbol, gnu_bucket_count};
use super::layout::{LayoutOptions, LoadClass};
use super::strtab::{StringLayout, StringTableBuilder};
use crate::arch::{Arch, TlsValue, Value};
use crate::raw::consts::*;
use crate::read::{Class, FileHeader, ProgramHeader, Rela, SectionHeader, Symbol, Table};
use crate::write::error::{Error, ErrorKind, Result, Subject};
use crate::write::records::r_info;
use alloc::borrow::Cow;
use alloc::vec::Vec;
use apply::{Linkage, Patch};
use contents::{Blob, ContentInputs};
use core::marker::PhantomData;
use dynamic::{DynamicFacts, dynamic_entries};
use fates::Fate;
use headers::{HeaderInputs, SegmentInputs, Span, file_header, program_headers};
use place::PlaceInputs;
use plt::PltPlace;
use sections::{Counts, LinkageSizes, Out, header_order, synth, user_outputs};
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
    /// `.got`: the GOT entries of GOT-relative relocations.
    Got,
    /// `.plt`: the stubs that call functions bound at run time.
    Plt,
    /// `.got.plt`: the PLT's slots (and the GOT base on x86-64).
    GotPlt,
    /// `.rela.plt`: the `JUMP_SLOT` relocations of `.got.plt`.
    RelaPlt,
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
///
/// A plan is a value to read, not to edit: its parts are reached through
/// read-only accessors, and it borrows the [`Builder`] that made it, so
/// the builder cannot change while the plan lives, and
/// [`Builder::write`] refuses a plan that another builder made.
///
/// ```
/// use elfin::write::{Builder, FileKind, LayoutOptions, Perms, SectionSpec, SymbolSpec};
/// use elfin::raw::consts::{ET_EXEC, PT_LOAD};
///
/// // exit(0) on x86-64 Linux: xor edi, edi; mov eax, 60; syscall
/// let code = [0x31, 0xff, 0xb8, 60, 0, 0, 0, 0x0f, 0x05];
/// let mut b = Builder::new(FileKind::x86_64(ET_EXEC));
/// let text = b.add_section(SectionSpec::new(&b".text"[..], Some(Perms::RX), &code[..]));
/// let data = b.add_section(SectionSpec::new(&b".data"[..], Some(Perms::RW), &[7u8; 8][..]));
/// let start = b.add_symbol(SymbolSpec::global(&b"_start"[..], text, 0).function(9));
/// let seven = b.add_symbol(SymbolSpec::global(&b"seven"[..], data, 0).object(8));
/// b.entry = Some(start);
/// let plan = b.layout(&LayoutOptions::default()).unwrap();
///
/// // Ask the plan by the handles the builder gave.
/// let text_at = plan.section(text).unwrap().header.sh_addr;
/// assert_eq!(plan.symbol_value(start), Some(text_at));
/// assert_eq!(plan.header().e_entry, text_at);
/// let data_at = plan.section(data).unwrap().header.sh_addr;
/// assert_eq!(plan.symbol_value(seven), Some(data_at));
/// // Code and data are in different segments, on different pages.
/// let loads: Vec<_> = plan.segments().iter().filter(|p| p.p_type == PT_LOAD).collect();
/// assert_eq!(loads.len(), 3); // headers (R), code (RX), data (RW)
/// assert_ne!(text_at / 0x1000, data_at / 0x1000);
///
/// // The file is exactly what the plan said.
/// let bytes = b.write(&plan).unwrap();
/// assert_eq!(bytes.len() as u64, plan.file_size());
/// let file = elfin::ElfFile::parse(&bytes).unwrap();
/// assert_eq!(file.header().e_entry, text_at);
///
/// // Another builder's plan is refused, even one equal to it.
/// let other = b.clone();
/// assert!(other.write(&plan).is_err());
/// ```
#[derive(Debug, Clone)]
pub struct LayoutPlan<'b> {
    header: FileHeader,
    sections: Vec<PlannedSection>,
    segments: Vec<ProgramHeader>,
    file_size: u64,
    symbol_values: Vec<u64>,
    /// The position in `sections` of each caller's section.
    user_sections: Vec<usize>,
    pub(crate) blobs: Vec<Blob>,
    pub(crate) user_data: Vec<(u64, SectionId)>,
    pub(crate) patches: Vec<Patch>,
    pub(crate) build_id: Option<(u64, usize)>,
    /// Where `.strtab` goes and its layout: its bytes are written straight
    /// into the output from the symbols' names.
    pub(crate) strtab: Option<(u64, StringLayout)>,
    /// The address of the builder that made the plan, which the borrow
    /// below keeps in place and unchanged.
    builder: usize,
    _builder: PhantomData<&'b ()>,
}

impl LayoutPlan<'_> {
    /// The file header.
    pub fn header(&self) -> &FileHeader {
        &self.header
    }

    /// The sections after the null section, in header-table order (the
    /// section header index of `sections()[i]` is `i + 1`).
    pub fn sections(&self) -> &[PlannedSection] {
        &self.sections
    }

    /// The planned section of the caller's section `id`.
    pub fn section(&self, id: SectionId) -> Option<&PlannedSection> {
        self.sections.get(*self.user_sections.get(id.0)?)
    }

    /// The section header index the caller's section `id` gets.
    pub fn section_index(&self, id: SectionId) -> Option<u32> {
        self.user_sections.get(id.0).map(|&i| i as u32 + 1)
    }

    /// The program headers.
    pub fn segments(&self) -> &[ProgramHeader] {
        &self.segments
    }

    /// The size of the output.
    pub fn file_size(&self) -> u64 {
        self.file_size
    }

    /// The final value of the symbol `id`: its address in executables and
    /// shared objects (its offset in the TLS segment for `STT_TLS`), its
    /// offset in its section in relocatable objects.
    pub fn symbol_value(&self, id: SymbolId) -> Option<u64> {
        self.symbol_values.get(id.0).copied()
    }

    /// Every symbol's final value, by [`SymbolId`] order.
    pub fn symbol_values(&self) -> &[u64] {
        &self.symbol_values
    }

    /// Whether `builder` made this plan.
    pub(crate) fn is_from(&self, builder: &Builder<'_>) -> bool {
        self.builder == builder as *const Builder<'_> as usize
    }
}

fn bad(what: &'static str, value: u64) -> Error {
    Error::invalid(Subject::Layout, what, value)
}

impl<'a> Builder<'a> {
    /// Lays the file out: a pure function from the builder's contents to a
    /// plan of every offset, address and segment.
    pub fn layout(&self, opts: &LayoutOptions) -> Result<LayoutPlan<'_>> {
        // `.strtab` is laid out first: its sort finds the repeated names
        // that validation looks at for a second global definition.
        let mut strtab = StringTableBuilder::with_capacity(self.symbols.len());
        let sym_name_ids: Vec<_> = self.symbols.iter().map(|s| strtab.add(&s.name)).collect();
        let strtab = strtab.layout();
        self.validate(&strtab)?;
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

        let all_fates = self.relocation_fates(dynamic)?;
        let fates = &all_fates.list;
        let (got, plt) = (&all_fates.got, &all_fates.plt);
        let count = |want: fn(&Fate) -> bool| fates.iter().filter(|f| want(f)).count() as u64;
        let n_rela_dyn = count(Fate::in_rela_dyn) + got.dynamic_relocations();
        // Fates found a machine for every relocation, so for every GOT
        // and PLT entry.
        let arch = Arch::new(machine, enc.class);
        let plt_layout = arch.map(|a| a.plt_layout());
        let linkage_sizes = match plt_layout {
            Some(l) if plt.has_got_plt() || !got.is_empty() => LinkageSizes {
                got: got.size(word),
                plt: plt.plt_size(&l),
                plt_align: l.align,
                plt_entry: l.entry_size,
                got_plt: if plt.has_got_plt() {
                    plt.got_plt_size(&l)
                } else {
                    0
                },
                got_plt_slot: l.slot_size,
                rela_plt: plt.symbols.len() as u64,
            },
            _ => LinkageSizes::default(),
        };
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
            self.dynamic_symbol_order(&all_fates)
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
            pltgot: plt.has_got_plt().then_some(0),
            jmprel: plt
                .has_entries()
                .then_some((0, linkage_sizes.rela_plt * rela_size)),
            symbolic: self.symbolic,
            arrays: dynamic::ARRAYS.map(|(sh_type, _, _)| {
                self.sections
                    .iter()
                    .find(|s| s.sh_type == sh_type && s.perms.is_some())
                    .map(|s| (0, s.data.size()))
            }),
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
            linkage: linkage_sizes,
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
                fates,
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
        // Bound the file before anything is allocated for it: what is not
        // content is padding, which a huge alignment makes huge.
        let content = outs
            .iter()
            .filter(|o| o.sh_type != SHT_NOBITS)
            .map(|o| o.mem_size)
            .fold(
                ehsize + phnum * phentsize + shnum * shentsize,
                u64::saturating_add,
            );
        let limit = content.saturating_add(opts.max_padding);
        if file_end > limit {
            return Err(Error::new(
                Subject::Layout,
                ErrorKind::TooLarge {
                    size: file_end,
                    limit,
                },
            ));
        }
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
                "size or address (too large for a 32-bit file)",
                file_end,
            ));
        }

        // The GOT's base (`_GLOBAL_OFFSET_TABLE_`): `.got.plt` when there
        // is one (x86-64's definition), else `.got`.
        let got_base_out = find(Origin::GotPlt).or_else(|| find(Origin::Got));
        let got_base = got_base_out.map_or(0, |i| at(i).addr);
        let tls = TlsLayout::new(&outs, &order, &at, tls_align);
        let tls_block = tls.block;
        // Final symbol values: addresses in linked files, except that
        // STT_TLS symbols are offsets in the TLS segment (gABI).
        let out_of = |sec: SectionId| user_out[sec.0];
        let symbol_values: Vec<u64> = self
            .symbols
            .iter()
            .enumerate()
            .map(|(i, s)| match s.place {
                _ if got_base_out.is_some() && self.is_got_symbol(i) => got_base,
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
                "symbol value (too large for a 32-bit file)",
                symbol_values.iter().copied().max().unwrap_or(0),
            ));
        }
        let shndx: Vec<u16> = self
            .symbols
            .iter()
            .enumerate()
            .map(|(i, s)| match got_base_out {
                // (Past the reserved range, absolute: its value is right.)
                Some(g) if self.is_got_symbol(i) => u16::try_from(header_index[g])
                    .ok()
                    .filter(|&x| x < SHN_LORESERVE)
                    .unwrap_or(SHN_ABS),
                _ => shndx_of(s, |sec| header_index[user_out[sec]]),
            })
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

        let addr_of = |o: Origin| find(o).map_or(0, |i| at(i).addr);
        let got_plt_addr = addr_of(Origin::GotPlt);
        let linkage = Linkage {
            got: addr_of(Origin::Got),
            got_entry: word,
            got_base,
            plt: addr_of(Origin::Plt),
        };
        let mut applied = self.apply_relocations(
            fates,
            |sec| at(out_of(sec)),
            &symbol_values,
            &dynsym.index,
            tls_block,
            linkage,
        )?;
        let mut linkage_blobs: Vec<Blob> = Vec::new();
        let mut rela_plt = Vec::new();
        if let Some(arch) = arch {
            let types = arch.dynamic_types();
            if !got.is_empty() {
                let (bytes, relocs) = got.contents(
                    enc,
                    machine,
                    linkage.got,
                    (types.relative, types.glob_dat),
                    |i| symbol_values[i],
                    |i| dynsym.index[i],
                )?;
                linkage_blobs.push((at(find(Origin::Got).unwrap_or(0)).offset, bytes));
                applied.dyn_relocs.extend(relocs);
                // Relative relocations first, as DT_RELACOUNT-aware loaders like.
                let relative = r_info(enc, machine, 0, types.relative);
                applied
                    .dyn_relocs
                    .sort_by_key(|r| (r.r_info != relative, r.r_offset));
            }
            if plt.has_got_plt() {
                let c = plt.contents(
                    arch,
                    enc,
                    PltPlace {
                        plt: linkage.plt,
                        got_plt: got_plt_addr,
                        dynamic: addr_of(Origin::Dynamic),
                    },
                    |i| dynsym.index[i],
                )?;
                if let Some(i) = find(Origin::Plt) {
                    linkage_blobs.push((at(i).offset, c.plt));
                }
                linkage_blobs.push((at(find(Origin::GotPlt).unwrap_or(0)).offset, c.got_plt));
                rela_plt = c.rela_plt;
            }
        }
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
        let (mut blobs, build_id) = self.section_contents(ContentInputs {
            outs: &outs,
            order: &order,
            at: &at,
            dynsyms: &dynsym_list,
            first_hashed: n_dyn_undef as u32 + 1,
            gnu_buckets: nbuckets,
            dynstr: &dynstr.data,
            dyn_relocs: &applied.dyn_relocs,
            rela_plt: &rela_plt,
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

        blobs.extend(linkage_blobs);

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
        // The header-table position of each caller's section.
        let mut user_sections = alloc::vec![0usize; self.sections.len()];
        for (k, &i) in order.iter().enumerate() {
            if let Origin::User(id) = outs[i].origin {
                user_sections[id.0] = k;
            }
        }
        Ok(LayoutPlan {
            header,
            user_sections,
            sections,
            segments,
            file_size: file_end,
            symbol_values,
            blobs,
            user_data,
            patches: applied.patches,
            build_id,
            strtab: find(Origin::Strtab).map(|i| (at(i).offset, strtab)),
            builder: self as *const Builder<'_> as usize,
            _builder: PhantomData,
        })
    }
}
