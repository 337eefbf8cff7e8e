//! The output sections: the caller's, in permission classes, and the ones
//! the format needs (dynamic tables, symbol and string tables, relocation
//! sections of objects), with their sizes known before placement.

use super::Origin;
use crate::raw::consts::*;
use crate::read::{Rel, Rela, Symbol, Table};
use crate::write::builder::{Builder, Perms, SectionData, SectionId};
use crate::write::error::Result;
use crate::write::layout::LoadClass;
use alloc::borrow::Cow;
use alloc::vec::Vec;

/// The counts and sizes the output sections are sized from.
pub(super) struct Counts {
    pub dynamic: bool,
    pub dynsyms: u64,
    pub defined_dynsyms: u64,
    pub gnu_buckets: u64,
    pub dynstr_size: u64,
    pub rela_dyn: u64,
    pub relr: u64,
    pub dynamic_entries: u64,
    pub first_global: u32,
    pub strtab_size: u64,
    /// `.got`, `.plt`, `.got.plt`, `.rela.plt`.
    pub linkage: LinkageSizes,
}

/// The sizes of the GOT and PLT sections (0: the section is not made).
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct LinkageSizes {
    pub got: u64,
    pub plt: u64,
    /// The PLT's alignment and entry size.
    pub plt_align: u64,
    pub plt_entry: u64,
    pub got_plt: u64,
    /// A `.got.plt` slot's size.
    pub got_plt_slot: u64,
    /// `.rela.plt`'s entries.
    pub rela_plt: u64,
}

pub(super) struct Out<'b> {
    pub origin: Origin,
    pub name: Cow<'b, [u8]>,
    pub sh_type: u32,
    pub flags: u64,
    pub align: u64,
    pub entsize: u64,
    pub mem_size: u64,
    pub class: LoadClass,
    pub link: Option<Origin>,
    pub info: u32,
    pub info_origin: Option<Origin>,
}

fn class_of(perms: Option<Perms>, relro: bool, nobits: bool, tls: bool) -> LoadClass {
    match perms {
        None => LoadClass::NotLoaded,
        Some(Perms::R) => LoadClass::R,
        Some(Perms::RX) => LoadClass::RX,
        Some(Perms::RW) if tls && nobits => LoadClass::TlsBss,
        Some(Perms::RW) if tls => LoadClass::Tls,
        Some(Perms::RW) if nobits => LoadClass::Bss,
        Some(Perms::RW) if relro => LoadClass::RelRo,
        Some(Perms::RW) => LoadClass::RW,
    }
}

/// A section the format needs (not the caller's).
#[allow(clippy::too_many_arguments)]
pub(super) fn synth(
    origin: Origin,
    name: &'static [u8],
    sh_type: u32,
    flags: u64,
    align: u64,
    entsize: u64,
    size: u64,
    class: LoadClass,
) -> Out<'static> {
    Out {
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
    }
}

impl Builder<'_> {
    /// Every output section except `.shstrtab`, in the caller's order
    /// within each kind.
    pub(super) fn output_sections(&self, c: &Counts) -> Result<Vec<Out<'_>>> {
        let enc = self.kind.encoding;
        let machine = self.kind.machine;
        let rel = self.kind.file_type == ET_REL;
        let dynamic = c.dynamic;
        let word = enc.address_size() as u64;
        let sym_size = Table::<Symbol>::entry_size(enc) as u64;
        let rela_size = Table::<Rela>::entry_size(enc) as u64;
        let rel_size = Table::<Rel>::entry_size(enc) as u64;
        let dyn_size = 2 * word;
        let n_defined_dyn = c.defined_dynsyms;
        let nbuckets = c.gnu_buckets;
        let n_dynamic = c.dynamic_entries;
        let first_global = c.first_global;
        let mut outs: Vec<Out<'_>> = Vec::new();
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
            let nsyms = c.dynsyms + 1;
            if self.sysv_hash {
                let nb = crate::write::dynamic_tables::sysv_bucket_count(nsyms);
                let hw = crate::write::dynamic_tables::sysv_word(enc, machine);
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
            let bloom = crate::write::dynamic_tables::gnu_bloom_words(n_defined_dyn, word);
            let size = 16 + bloom * word + nbuckets * 4 + n_defined_dyn * 4;
            // GNU ld and eu-elflint give 32-bit tables an entry size of 4
            // (their words); 64-bit ones mix 4- and 8-byte words: none.
            let gnu_entsize = if word == 4 { 4 } else { 0 };
            let mut h = synth(
                Origin::GnuHash,
                b".gnu.hash",
                SHT_GNU_HASH,
                SHF_ALLOC,
                word,
                gnu_entsize,
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
                c.dynstr_size,
                LoadClass::R,
            ));
            if c.rela_dyn > 0 {
                let mut r = synth(
                    Origin::RelaDyn,
                    b".rela.dyn",
                    SHT_RELA,
                    SHF_ALLOC,
                    word,
                    rela_size,
                    (c.rela_dyn) * rela_size,
                    LoadClass::R,
                );
                r.link = Some(Origin::Dynsym);
                outs.push(r);
            }
            let l = &c.linkage;
            if l.rela_plt > 0 {
                let mut r = synth(
                    Origin::RelaPlt,
                    b".rela.plt",
                    SHT_RELA,
                    SHF_ALLOC | SHF_INFO_LINK,
                    word,
                    rela_size,
                    l.rela_plt * rela_size,
                    LoadClass::R,
                );
                r.link = Some(Origin::Dynsym);
                r.info_origin = Some(Origin::GotPlt);
                outs.push(r);
            }
            if l.plt > 0 {
                // Before the caller's code, as GNU ld puts it.
                outs.push(synth(
                    Origin::Plt,
                    b".plt",
                    SHT_PROGBITS,
                    SHF_ALLOC | SHF_EXECINSTR,
                    l.plt_align,
                    l.plt_entry,
                    l.plt,
                    LoadClass::RX,
                ));
            }
            if c.relr > 0 {
                // An upper bound for now: one word per address.
                outs.push(synth(
                    Origin::RelrDyn,
                    b".relr.dyn",
                    SHT_RELR,
                    SHF_ALLOC,
                    word,
                    word,
                    c.relr * word,
                    LoadClass::R,
                ));
            }
        }
        // Relocations per section, counted once (not one scan per section).
        let mut reloc_count = alloc::vec![0u64; if rel { self.sections.len() } else { 0 }];
        if rel {
            for r in &self.relocations {
                reloc_count[r.section.0] += 1;
            }
        }
        for (i, s) in self.sections.iter().enumerate() {
            let nobits = matches!(s.data, SectionData::Zeros(_));
            let class = if rel {
                LoadClass::NotLoaded
            } else {
                class_of(s.perms, s.relro, nobits, s.flags & SHF_TLS != 0)
            };
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
            if rel && reloc_count[i] > 0 {
                let (prefix, sh_type, es): (&[u8], u32, u64) = if self.rel_without_addends {
                    (b".rel", SHT_REL, rel_size)
                } else {
                    (b".rela", SHT_RELA, rela_size)
                };
                let n = reloc_count[i];
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
        // The GOT after `.dynamic`, in RELRO: binding is eager.
        let l = &c.linkage;
        if l.got > 0 {
            outs.push(synth(
                Origin::Got,
                b".got",
                SHT_PROGBITS,
                SHF_ALLOC | SHF_WRITE,
                word,
                word,
                l.got,
                LoadClass::RelRo,
            ));
        }
        if l.got_plt > 0 {
            outs.push(synth(
                Origin::GotPlt,
                b".got.plt",
                SHT_PROGBITS,
                SHF_ALLOC | SHF_WRITE,
                l.got_plt_slot,
                l.got_plt_slot,
                l.got_plt,
                LoadClass::RelRo,
            ));
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
            c.strtab_size,
            LoadClass::NotLoaded,
        ));
        Ok(outs)
    }
}

/// Section header order (by load class in linked files, stable) and each
/// output's header index.
pub(super) fn header_order(outs: &[Out<'_>], rel: bool) -> (Vec<usize>, Vec<u32>) {
    let mut order: Vec<usize> = (0..outs.len()).collect();
    if !rel {
        order.sort_by_key(|&i| outs[i].class);
    }
    let mut header_index = alloc::vec![0u32; outs.len()];
    for (k, &i) in order.iter().enumerate() {
        header_index[i] = k as u32 + 1;
    }
    (order, header_index)
}

/// The output index of each of the caller's sections.
pub(super) fn user_outputs(outs: &[Out<'_>], n: usize) -> Vec<usize> {
    let mut user_out = alloc::vec![0usize; n];
    for (k, o) in outs.iter().enumerate() {
        if let Origin::User(id) = o.origin {
            user_out[id.0] = k;
        }
    }
    user_out
}
