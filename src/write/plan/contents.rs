//! The bytes of the sections the builder synthesizes (hash tables, symbol
//! and string tables, relocation tables, `.dynamic`), made once every
//! address is known.

use super::Origin;
use super::dynamic::{DynamicFacts, dynamic_entries};
use super::sections::Out;
use super::symbols::TableOrder;
use crate::raw::consts::*;
use crate::read::{Dyn, Rel, Rela, Symbol};
use crate::write::builder::{Builder, SectionId};
use crate::write::dynamic_tables::{DynSymbol, build_gnu_hash, build_sysv_hash, sysv_bucket_count};
use crate::write::layout::Placed;
use crate::write::records::{Encode, push_u32, push_word, r_info};
use crate::write::strtab::{StringId, StringLayout};
use alloc::vec::Vec;

/// Bytes to write at a file offset.
pub(crate) type Blob = (u64, Vec<u8>);

/// Everything the synthesized sections are made from.
pub(super) struct ContentInputs<'c, 'o> {
    pub outs: &'c [Out<'o>],
    /// Output indices in header order.
    pub order: &'c [usize],
    /// Each output's place.
    pub at: &'c dyn Fn(usize) -> Placed,
    /// The `.dynsym` entries after the null one.
    pub dynsyms: &'c [DynSymbol<'c>],
    /// The first `.dynsym` index `.gnu.hash` covers.
    pub first_hashed: u32,
    pub gnu_buckets: u64,
    pub dynstr: &'c [u8],
    pub dyn_relocs: &'c [Rela],
    /// `.rela.plt`.
    pub rela_plt: &'c [Rela],
    pub relr_words: &'c [u64],
    /// `.dynamic`'s facts, addresses still to fill in.
    pub facts: DynamicFacts,
    pub symtab: &'c TableOrder,
    /// `.strtab`'s offsets; its bytes are written by `emit`.
    pub strtab: &'c StringLayout,
    pub sym_names: &'c [StringId],
    pub symbol_values: &'c [u64],
    /// Each symbol's `st_shndx`.
    pub shndx: &'c [u16],
    /// Each symbol's real section index where `st_shndx` is `SHN_XINDEX`
    /// (0 elsewhere; empty when no symbol needs one).
    pub xindex: &'c [u32],
    pub shstrtab: &'c [u8],
    /// For objects: each user section's relocations, by index.
    pub relocs_of: &'c [Vec<usize>],
}

impl Builder<'_> {
    /// `(file offset, bytes)` of every synthesized section with contents,
    /// and where the build ID's digest goes.
    pub(super) fn section_contents(
        &self,
        mut c: ContentInputs<'_, '_>,
    ) -> (Vec<Blob>, Option<(u64, usize)>) {
        let enc = self.kind.encoding;
        let machine = self.kind.machine;
        let word = enc.address_size() as u64;
        let find = |o: Origin| c.outs.iter().position(|x| x.origin == o);
        let mut blobs: Vec<Blob> = Vec::new();
        for &i in c.order {
            let o = &c.outs[i];
            let off = (c.at)(i).offset;
            let mut b: Vec<u8> = match o.origin {
                Origin::Symtab | Origin::Relocations(_) | Origin::Dynsym | Origin::RelaDyn => {
                    Vec::with_capacity(o.mem_size as usize)
                }
                _ => Vec::new(),
            };
            match o.origin {
                // The GOT and PLT are made with their relocations.
                Origin::User(_) | Origin::BuildId | Origin::Got | Origin::Plt | Origin::GotPlt => {}
                Origin::RelaPlt => {
                    for r in c.rela_plt {
                        r.encode(enc, &mut b);
                    }
                }
                Origin::Interp => {
                    b.extend_from_slice(self.interpreter.as_deref().unwrap_or(&[]));
                    b.push(0);
                }
                Origin::Hash => {
                    let n = c.dynsyms.len() as u64 + 1;
                    b = build_sysv_hash(enc, machine, c.dynsyms, sysv_bucket_count(n))
                }
                Origin::GnuHash => {
                    b = build_gnu_hash(enc, c.dynsyms, c.first_hashed, c.gnu_buckets)
                }
                Origin::Dynsym => {
                    Symbol::default().encode(enc, &mut b);
                    for d in c.dynsyms {
                        d.sym.encode(enc, &mut b);
                    }
                }
                Origin::Dynstr => b.extend_from_slice(c.dynstr),
                Origin::RelaDyn => {
                    for r in c.dyn_relocs {
                        r.encode(enc, &mut b);
                    }
                }
                Origin::RelrDyn => {
                    for &w in c.relr_words {
                        push_word(enc, &mut b, w);
                    }
                }
                Origin::Dynamic => {
                    let addr = |o: Origin| find(o).map_or(0, |i| (c.at)(i).addr);
                    let f = &mut c.facts;
                    f.hash = f.hash.map(|_| addr(Origin::Hash));
                    f.gnu_hash = addr(Origin::GnuHash);
                    f.strtab = addr(Origin::Dynstr);
                    f.symtab = addr(Origin::Dynsym);
                    f.rela = f.rela.map(|(_, s, e)| (addr(Origin::RelaDyn), s, e));
                    f.pltgot = f.pltgot.map(|_| addr(Origin::GotPlt));
                    for (array, &(sh_type, _, _)) in
                        f.arrays.iter_mut().zip(&super::dynamic::ARRAYS)
                    {
                        let section = self
                            .sections
                            .iter()
                            .position(|s| s.sh_type == sh_type && s.perms.is_some());
                        if let (Some((_, size)), Some(k)) = (*array, section) {
                            *array = Some((addr(Origin::User(SectionId(k))), size));
                        }
                    }
                    f.jmprel = f.jmprel.map(|(_, s)| (addr(Origin::RelaPlt), s));
                    let relr_size = c.relr_words.len() as u64 * word;
                    f.relr = f
                        .relr
                        .map(|(_, _, e)| (addr(Origin::RelrDyn), relr_size, e));
                    for (tag, val) in dynamic_entries(f) {
                        Dyn {
                            d_tag: tag,
                            d_val: val,
                        }
                        .encode(enc, &mut b);
                    }
                }
                Origin::Symtab => {
                    Symbol::default().encode(enc, &mut b);
                    let entries = c.symtab.order.iter().map(|&si| {
                        let s = &self.symbols[si];
                        Symbol {
                            st_name: c.strtab.offset(c.sym_names[si]),
                            st_info: s.st_info(),
                            st_other: s.other,
                            st_shndx: c.shndx[si],
                            st_value: c.symbol_values[si],
                            st_size: s.size,
                        }
                    });
                    Symbol::encode_all(entries, enc, &mut b);
                }
                Origin::SymtabShndx => {
                    push_u32(enc, &mut b, 0);
                    for &si in &c.symtab.order {
                        push_u32(enc, &mut b, c.xindex.get(si).copied().unwrap_or(0));
                    }
                }
                Origin::Strtab => {}
                Origin::Shstrtab => b.extend_from_slice(c.shstrtab),
                Origin::Relocations(sec) => {
                    for r in c.relocs_of[sec.0].iter().map(|&k| &self.relocations[k]) {
                        let sym = r.symbol.map_or(0, |s| c.symtab.index[s.0]);
                        let info = r_info(enc, machine, sym, r.kind);
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
            let off = (c.at)(i).offset;
            blobs.push((off, b));
            (off + 16, 20)
        });
        (blobs, build_id)
    }
}
