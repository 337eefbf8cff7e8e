//! Relocations of a linked file, once addresses are known: the bytes to
//! patch for the ones resolved now, the dynamic relocations for the rest.

use super::fates::Fate;
use super::tls::TlsBlock;
use crate::read::{Class, Rela};
use crate::write::builder::{Builder, SectionData, SectionId, SymbolPlace};
use crate::write::error::Result;
use crate::write::layout::Placed;
use crate::write::records::r_info;
use crate::write::relocate::{How, TlsValue, dynamic_types, resolve, tp_offset};
use alloc::vec::Vec;

/// A field to overwrite in the output: file offset, bytes, length.
pub(crate) type Patch = (u64, [u8; 8], usize);

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
    ) -> Result<Applied> {
        let enc = self.kind.encoding;
        let machine = self.kind.machine;
        let word = enc.address_size() as u64;
        let mut dyn_relocs: Vec<Rela> = Vec::new();
        let mut patches = Vec::new();
        let (relative_type, _) = dynamic_types(machine, enc.class).unwrap_or((0, 0));
        let tls = tls.unwrap_or(TlsBlock {
            addr: 0,
            mem_size: 0,
            align: 1,
        });
        for (k, (r, fate)) in self.relocations.iter().zip(fates).enumerate() {
            let at = section_at(r.section);
            let p = at.addr.wrapping_add(r.offset);
            let file_at = at.offset + r.offset;
            let s = r.symbol.map_or(0, |s| symbol_values[s.0]);
            let value = s.wrapping_add(r.addend as u64);
            // S + A for TLS kinds: the offset in this file's TLS segment
            // (fates checked that the symbol is in a TLS section).
            let tls_value = || {
                let s = match r.symbol.map(|s| &self.symbols[s.0]) {
                    Some(sym) => match sym.place {
                        SymbolPlace::Section(sec) => section_at(sec)
                            .addr
                            .wrapping_add(sym.value)
                            .wrapping_sub(tls.addr),
                        _ => 0,
                    },
                    None => 0,
                };
                s.wrapping_add(r.addend as u64)
            };
            match *fate {
                // R_*_NONE: nothing to patch, even in zeros.
                Fate::Static(How::Nothing) => {}
                Fate::Static(how) => {
                    let SectionData::Bytes(bytes) = &self.sections[r.section.0].data else {
                        return Err(self.relocation_error(
                            k,
                            "section (has no bytes to patch)",
                            r.section.0 as u64,
                        ));
                    };
                    let value = match how {
                        // An executable is always module 1.
                        How::Tls {
                            value: TlsValue::Module,
                            ..
                        } => 1,
                        How::Tls {
                            value: TlsValue::DtpOff,
                            ..
                        } => tls_value(),
                        How::Tls { .. } | How::TpRelHi12 | How::TpRelLo12 { .. } => {
                            tp_offset(machine, word, tls.mem_size, tls.align, tls_value())
                        }
                        _ => value,
                    };
                    let here = bytes.get(r.offset as usize..).unwrap_or(&[]);
                    if let Some((b, n)) = resolve(enc, how, value, p, here)
                        .map_err(|o| self.relocation_error(k, o.what, o.value))?
                    {
                        if here.len() < n {
                            return Err(self.relocation_error(
                                k,
                                "offset (the field runs past its section)",
                                r.offset,
                            ));
                        }
                        patches.push((file_at, b, n));
                    }
                }
                Fate::Relative { relr } => {
                    if relr {
                        // RELR keeps the addend in place.
                        if let Some(pb) = resolve(enc, How::AbsWord, value, p, &[])
                            .map_err(|o| self.relocation_error(k, o.what, o.value))?
                        {
                            patches.push((file_at, pb.0, pb.1));
                        }
                    } else {
                        // The addend is the word's link-time value: it must
                        // fit the word (a 32-bit file's would be truncated).
                        resolve(enc, How::AbsWord, value, p, &[])
                            .map_err(|o| self.relocation_error(k, o.what, o.value))?;
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
                        let v = match how {
                            How::Tls {
                                value: TlsValue::Module,
                                ..
                            } => 0,
                            How::Tls { .. } => tls_value(),
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
