//! Relocations of a linked file, once addresses are known: the bytes to
//! patch for the ones resolved now, the dynamic relocations for the rest.

use super::fates::Fate;
use super::tls::TlsBlock;
use crate::arch::{Arch, Check, Field as ArchField, Inputs, TlsValue, Value, riscv64};
use crate::raw::consts::EM_RISCV;
use crate::read::{Class, Rela};
use crate::write::builder::{Builder, SectionData, SectionId, SymbolPlace};
use crate::write::error::Result;
use crate::write::layout::Placed;
use crate::write::records::r_info;
use alloc::vec::Vec;

/// A field to overwrite in the output: file offset, bytes, length.
pub(crate) type Patch = (u64, [u8; 8], usize);

/// Where the GOT and PLT are, for the relocations that use them.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Linkage {
    /// `.got`'s address.
    pub got: u64,
    /// The size of a `.got` entry.
    pub got_entry: u64,
    /// The GOT's address as relocations see it (`_GLOBAL_OFFSET_TABLE_`).
    pub got_base: u64,
    /// `.plt`'s address.
    pub plt: u64,
}

/// What the relocations of a linked file come to.
pub(super) struct Applied {
    pub patches: Vec<Patch>,
    /// `.rela.dyn`, relative relocations first.
    pub dyn_relocs: Vec<Rela>,
}

impl Builder<'_> {
    /// Resolves or turns into dynamic relocations every relocation, by its
    /// fate. `section_at` gives a user section's place, `dynsym_index` each
    /// symbol's `.dynsym` index.
    pub(super) fn apply_relocations(
        &self,
        fates: &[Fate],
        section_at: impl Fn(SectionId) -> Placed,
        symbol_values: &[u64],
        dynsym_index: &[u32],
        tls: Option<TlsBlock>,
        linkage: Linkage,
    ) -> Result<Applied> {
        let enc = self.kind.encoding;
        let machine = self.kind.machine;
        let word = enc.address_size() as u64;
        let mut dyn_relocs: Vec<Rela> = Vec::new();
        let mut patches = Vec::new();
        // Fates found a machine for every relocation; without
        // relocations, nothing below asks.
        let arch = Arch::new(machine, enc.class);
        let relative_type = arch.map_or(0, |a| a.dynamic_types().relative);
        let tls = tls.unwrap_or(TlsBlock {
            addr: 0,
            mem_size: 0,
            align: 1,
        });
        let word_field = ArchField::Data {
            size: word as u8,
            check: Check::Either,
        };
        let place_of = |k: usize| {
            let r = &self.relocations[k];
            section_at(r.section).addr.wrapping_add(r.offset)
        };
        let value_of = |k: usize| {
            let r = &self.relocations[k];
            let s = r.symbol.map_or(0, |s| symbol_values[s.0]);
            s.wrapping_add(r.addend as u64)
        };
        let plt_layout = arch.map(|a| a.plt_layout());
        let got_entry_at = |entry: u32| linkage.got + u64::from(entry) * linkage.got_entry;
        let plt_entry_at = |entry: u32| {
            plt_layout.map_or(0, |l| super::plt::Plt::entry_addr(&l, linkage.plt, entry))
        };
        // RISC-V's PCREL_LO12 take the value of the PCREL_HI20 (or
        // GOT_HI20) at their symbol's address: S + A - P (G + A - P) of
        // each high part, by its place.
        let hi_parts: hashbrown::HashMap<u64, u64> = if machine == EM_RISCV {
            self.relocations
                .iter()
                .zip(fates)
                .enumerate()
                .filter(|(_, (r, _))| riscv64::is_pcrel_hi(r.kind))
                .map(|(k, (r, f))| {
                    let target = match *f {
                        Fate::Got { entry, .. } => {
                            got_entry_at(entry).wrapping_add(r.addend as u64)
                        }
                        _ => value_of(k),
                    };
                    (place_of(k), target.wrapping_sub(place_of(k)))
                })
                .collect()
        } else {
            hashbrown::HashMap::new()
        };
        for (k, (r, fate)) in self.relocations.iter().zip(fates).enumerate() {
            let at = section_at(r.section);
            let p = at.addr.wrapping_add(r.offset);
            let file_at = at.offset + r.offset;
            let value = value_of(k);
            let sym = r.symbol.map(|s| &self.symbols[s.0]);
            // The symbol's offset in this file's TLS segment (fates
            // checked that it is in a TLS section).
            let tls_offset = || match sym {
                Some(sym) => match sym.place {
                    SymbolPlace::Section(sec) => section_at(sec)
                        .addr
                        .wrapping_add(sym.value)
                        .wrapping_sub(tls.addr),
                    _ => 0,
                },
                None => 0,
            };
            let err = |what, value: u64| self.relocation_error(k, what, value);
            let arch_err = |e: crate::arch::Error| {
                let (field, value) = match e {
                    crate::arch::Error::OutOfRange { value, .. } => {
                        ("value (does not fit its field)", value as u64)
                    }
                    crate::arch::Error::Misaligned { value, .. } => {
                        ("value (not aligned as its field needs)", value)
                    }
                    crate::arch::Error::Truncated { .. } => {
                        ("offset (the field runs past its section)", r.offset)
                    }
                    crate::arch::Error::Unsupported { r_type } => (
                        "type (not one the builder resolves for this machine and class)",
                        r_type.into(),
                    ),
                };
                err(field, value)
            };
            match *fate {
                // R_*_NONE: nothing to patch, even in zeros.
                Fate::Static(how) if how.value == Value::None => {}
                Fate::Static(how) | Fate::Got { how, .. } | Fate::Plt { how, .. } => {
                    let SectionData::Bytes(bytes) = &self.sections[r.section.0].data else {
                        return Err(err("section (has no bytes to patch)", r.section.0 as u64));
                    };
                    let arch = arch.ok_or_else(|| {
                        err(
                            "machine (no dynamic relocation types known)",
                            machine.into(),
                        )
                    })?;
                    let mut q = Inputs {
                        s: r.symbol.map_or(0, |s| symbol_values[s.0]),
                        a: r.addend,
                        p,
                        z: sym.map_or(0, |s| s.size),
                        got: linkage.got_base,
                        ..Inputs::default()
                    };
                    match *fate {
                        Fate::Got { entry, .. } => q.g = got_entry_at(entry),
                        Fate::Plt { entry, .. } => q.s = plt_entry_at(entry),
                        _ => {}
                    }
                    match how.value {
                        // An executable is always module 1.
                        Value::Tls(TlsValue::Module) => (q.s, q.a) = (1, 0),
                        Value::Tls(TlsValue::DtpOff) => {
                            q.s = tls_offset().wrapping_sub(arch.dtp_bias())
                        }
                        Value::Tls(TlsValue::TpOff) => {
                            q.s = arch.tp_offset(tls.mem_size, tls.align, tls_offset())
                        }
                        Value::PairedLo => {
                            q.s = *hi_parts.get(&value).ok_or_else(|| {
                                err(
                                    "symbol (labels no PCREL_HI20 to pair this PCREL_LO12 with)",
                                    r.symbol.map_or(0, |s| s.0 as u64),
                                )
                            })?
                        }
                        _ => {}
                    }
                    let n = how.field.size();
                    let here = usize::try_from(r.offset)
                        .ok()
                        .and_then(|o| bytes.get(o..o.checked_add(n)?))
                        .ok_or_else(|| err("offset (the field runs past its section)", r.offset))?;
                    let mut b = [0u8; 8];
                    b[..n].copy_from_slice(here);
                    how.apply(&q, &mut b[..n], enc.endian).map_err(arch_err)?;
                    patches.push((file_at, b, n));
                }
                Fate::Relative { relr } => {
                    // The addend is the word's link-time value: it must
                    // fit the word (a 32-bit file's would be truncated).
                    let mut b = [0u8; 8];
                    word_field
                        .patch(&mut b, value, enc.endian)
                        .map_err(arch_err)?;
                    if relr {
                        // RELR keeps the addend in place.
                        patches.push((file_at, b, word as usize));
                    } else {
                        dyn_relocs.push(Rela {
                            r_offset: p,
                            r_info: r_info(enc, machine, 0, relative_type),
                            r_addend: value as i64,
                        });
                    }
                }
                Fate::Dynamic {
                    r_type,
                    symbol,
                    how,
                } => {
                    let (sym, addend) = if symbol {
                        (r.symbol.map_or(0, |s| dynsym_index[s.0]), r.addend)
                    } else {
                        // The link-time value; the loader adds its part.
                        let v = match how.value {
                            Value::Tls(TlsValue::Module) => 0,
                            Value::Tls(_) => tls_offset().wrapping_add(r.addend as u64),
                            _ => value,
                        };
                        (0, v as i64)
                    };
                    if enc.class == Class::Elf32 && i32::try_from(addend).is_err() {
                        // Elf32_Rela's addend is sign-extended into 64-bit fields.
                        return Err(self.relocation_error(
                            k,
                            "addend (does not fit a 32-bit file's dynamic relocation)",
                            addend as u64,
                        ));
                    }
                    dyn_relocs.push(Rela {
                        r_offset: p,
                        r_info: r_info(enc, machine, sym, r_type),
                        r_addend: addend,
                    });
                }
            }
        }
        // Relative relocations first, as DT_RELACOUNT-aware loaders like.
        let relative = r_info(enc, machine, 0, relative_type);
        dyn_relocs.sort_by_key(|r| (r.r_info != relative, r.r_offset));
        Ok(Applied {
            patches,
            dyn_relocs,
        })
    }
}
