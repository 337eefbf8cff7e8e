//! What becomes of each relocation in a linked file, and which symbols go
//! into `.dynsym` in what order.

use super::bad;
use crate::arch::{Arch, Field as ArchField, Howto, Needs, TlsValue, Value};
use crate::error::{Field, Result, Structure};
use crate::raw::consts::*;
use crate::write::builder::{Builder, Perms, SectionData, SymbolPlace};
use crate::write::dynamic_tables::order_for_gnu_hash;
use alloc::vec::Vec;

/// What happens to a relocation in an executable or shared object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Fate {
    Static(Howto),
    /// `R_*_RELATIVE` (or RELR when `relr` is set and the place is aligned).
    Relative {
        relr: bool,
    },
    /// A dynamic relocation of type `r_type` computing what `how` asks
    /// for: against the symbol's `.dynsym` entry when `symbol`, else
    /// against none, with the link-time value as the addend.
    Dynamic {
        r_type: u32,
        symbol: bool,
        how: Howto,
    },
}

impl Fate {
    /// Whether the relocation becomes an entry of `.rela.dyn`.
    pub(super) fn in_rela_dyn(&self) -> bool {
        matches!(self, Fate::Relative { relr: false } | Fate::Dynamic { .. })
    }
}

impl Builder<'_> {
    fn is_defined(&self, i: usize) -> bool {
        self.symbols[i].place.is_defined()
    }

    /// Decides, for an executable or shared object, which relocations are
    /// applied now and which become dynamic ones.
    pub(super) fn relocation_fates(&self, dynamic: bool) -> Result<Vec<Fate>> {
        let mut fates = Vec::new();
        if self.kind.file_type == ET_REL {
            return Ok(fates);
        }
        let machine = self.kind.machine;
        let class = self.kind.encoding.class;
        let exec = self.kind.file_type == ET_EXEC;
        let word = self.kind.encoding.address_size() as u64;
        let arch = Arch::new(machine, class);
        for (i, r) in self.relocations.iter().enumerate() {
            let e = |field, value: u64| {
                Err(bad(Structure::BuilderRelocation, field, value).at_index(i as u64))
            };
            let (Some(arch), Some(how)) = (arch, arch.and_then(|a| a.howto(r.kind))) else {
                return e(Field::WTypeNotOneTheBuilderResolvesForThis, r.kind.into());
            };
            if matches!(how.needs, Needs::Got | Needs::GotBase) {
                return e(Field::WTypeNeedsAGotNotMadeYet, r.kind.into());
            }
            let data_size = match how.field {
                ArchField::Data { size, .. } => u64::from(size),
                _ => 0,
            };
            // S + A in an address-sized word: may become RELATIVE or
            // symbolic; in 64 bits of a 32-bit file (x32's R_X86_64_64),
            // RELATIVE64 or symbolic.
            let abs_word = how.value == Value::Abs && data_size == word;
            let abs64 = how.value == Value::Abs && data_size == 8 && word == 4;
            let sym = r.symbol.map(|s| &self.symbols[s.0]);
            let sym_defined = r.symbol.is_none_or(|s| self.is_defined(s.0));
            // An absolute symbol does not move with the load address.
            let absolute = sym.is_some_and(|s| s.place == SymbolPlace::Absolute);
            let sym_index = r.symbol.map_or(0, |s| s.0 as u64);
            // Whether a symbol's section is in the TLS segment.
            let in_tls_segment = |place: SymbolPlace| match place {
                SymbolPlace::Section(sec) => {
                    let s = &self.sections[sec.0];
                    s.flags & SHF_TLS != 0 && s.perms.is_some()
                }
                _ => false,
            };
            let is_tls = how.value.is_tls();
            if is_tls && sym_defined && !sym.is_none_or(|s| in_tls_segment(s.place)) {
                // TLS values are offsets in the TLS segment.
                return e(Field::WSymbolATLSRelocationAgainstASymbolOutside, sym_index);
            }
            if !is_tls
                && how.value != Value::None
                && sym.is_some_and(|s| s.kind == STT_TLS && in_tls_segment(s.place))
            {
                // Its value is an offset in the TLS segment, not an address.
                return e(Field::WSymbolAThreadLocalVariableInARelocation, sym_index);
            }
            let section = &self.sections[r.section.0];
            if section.flags & SHF_TLS != 0
                && section.perms.is_some()
                && matches!(section.data, SectionData::Zeros(_))
            {
                // TLS zeros take no room in their segment: their addresses
                // belong to the sections after them.
                return e(
                    Field::WSectionTLSZerosNothingThereToRelocate,
                    r.section.0 as u64,
                );
            }
            let dynamic_of = |r_type: u32, symbol: bool| Fate::Dynamic {
                r_type,
                symbol,
                how,
            };
            let types = arch.dynamic_types();
            let fate = match how.value {
                Value::None => Fate::Static(how),
                Value::Abs if abs_word && !exec && sym_defined && !absolute => Fate::Relative {
                    // RELR keeps the addend in the file, so the place needs bytes.
                    relr: self.relr
                        && section.align >= word
                        && r.offset % word == 0
                        && matches!(section.data, SectionData::Bytes(_)),
                },
                // x32's 64-bit word: RELATIVE64, which keeps no RELR form.
                Value::Abs if abs64 && !exec && sym_defined && !absolute => {
                    match types.relative64 {
                        Some(t) => dynamic_of(t, false),
                        None => {
                            return e(
                                Field::WTypeA64BitAddressInA32BitPositionIndependentFile,
                                r.kind.into(),
                            );
                        }
                    }
                }
                Value::Abs if (abs_word || abs64) && !sym_defined && dynamic => {
                    // .dynsym keeps locals before sh_info; an undefined local
                    // cannot be bound by the dynamic linker anyway.
                    if sym.is_some_and(|s| s.bind == STB_LOCAL) {
                        return e(
                            Field::WSymbolAnUndefinedLocalSymbolCannotBeResolved,
                            sym_index,
                        );
                    }
                    dynamic_of(r.kind, true)
                }
                Value::Tls(_) if data_size == 8 && !sym_defined && dynamic => {
                    if sym.is_some_and(|s| s.bind == STB_LOCAL) {
                        return e(
                            Field::WSymbolAnUndefinedLocalSymbolCannotBeResolved,
                            sym_index,
                        );
                    }
                    dynamic_of(r.kind, true)
                }
                // The module ID of a shared object is known only at run
                // time; an executable is always module 1.
                Value::Tls(TlsValue::Module) if !exec && sym_defined => dynamic_of(r.kind, false),
                // Where a shared object's TLS block sits from the thread
                // pointer is known only at run time.
                Value::Tls(TlsValue::TpOff) if data_size == 8 && !exec && sym_defined => {
                    dynamic_of(r.kind, false)
                }
                Value::Tls(TlsValue::TpOff) if !exec => {
                    return e(Field::WTypeLocalExecTLSCannotBeUsedIn, r.kind.into());
                }
                _ if !sym_defined => {
                    return e(
                        Field::WSymbolUndefinedAndTheRelocationCannotBeDynamic,
                        sym_index,
                    );
                }
                // S is fixed, P moves with the load address: no constant.
                Value::PcRel | Value::Page if !exec && absolute => {
                    return e(Field::WSymbolAnAbsoluteSymbolCannotBeReachedPC, sym_index);
                }
                // Only the low bits of an address stay put when the file
                // moves.
                Value::Abs if !exec && !abs_word && !abs64 && !how.field.low_page_bits() => {
                    return e(
                        Field::WTypeAnAbsoluteRelocationNarrowerThanAnAddress,
                        r.kind.into(),
                    );
                }
                _ => Fate::Static(how),
            };
            let dynamic_reloc = matches!(fate, Fate::Relative { .. } | Fate::Dynamic { .. });
            if dynamic_reloc {
                if section.perms != Some(Perms::RW) {
                    return e(
                        Field::WSectionADynamicRelocationInAReadOnly,
                        r.section.0 as u64,
                    );
                }
                if r.offset
                    .checked_add(how.field.size() as u64)
                    .is_none_or(|end| end > section.data.size())
                {
                    return e(Field::WOffsetTheFieldRunsPastItsSection, r.offset);
                }
            }
            if section.perms.is_none() {
                return e(
                    Field::WSectionNotLoadedCannotRelocateItInA,
                    r.section.0 as u64,
                );
            }
            fates.push(fate);
        }
        Ok(fates)
    }

    /// The dynamic symbols: undefined ones first (the GNU hash covers only
    /// defined symbols), then the defined ones in hash-bucket order.
    pub(super) fn dynamic_symbol_order(&self, fates: &[Fate]) -> Vec<usize> {
        let file_type = self.kind.file_type;
        let defined = |i: usize| self.is_defined(i);
        let mut dynsyms: Vec<usize> = Vec::new();

        let mut needed_undef = alloc::vec![false; self.symbols.len()];
        for (r, f) in self.relocations.iter().zip(fates) {
            if let Fate::Dynamic { symbol: true, .. } = f {
                if let Some(s) = r.symbol {
                    needed_undef[s.0] = true;
                }
            }
        }
        let exported = |i: usize| {
            let s = &self.symbols[i];
            match s.export {
                // A dynamic relocation needs its symbol, whatever `export` says.
                Some(e) => e || needed_undef[i],
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
        dynsyms
    }
}
