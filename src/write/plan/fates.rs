//! What becomes of each relocation in a linked file, and which symbols go
//! into `.dynsym` in what order.

use super::got::{Got, GotFill};
use super::plt::Plt;
use crate::arch::{Arch, Field as ArchField, Howto, Needs, TlsValue, Value};
use crate::raw::consts::*;
use crate::write::builder::{Builder, Perms, SectionData, SymbolPlace};
use crate::write::dynamic_tables::order_for_gnu_hash;
use crate::write::error::Result;
use alloc::vec::Vec;

/// What happens to a relocation in an executable or shared object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Fate {
    /// Resolved at layout (with the GOT's address when it asks for it).
    Static(Howto),
    /// Resolved at layout with G, the address of GOT entry `entry`.
    Got { how: Howto, entry: u32 },
    /// Resolved at layout with S the address of PLT entry `entry`.
    Plt { how: Howto, entry: u32 },
    /// `R_*_RELATIVE` (or RELR when `relr` is set and the place is aligned).
    Relative { relr: bool },
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

/// The fates of a linked file's relocations, and the GOT and PLT entries
/// they made.
#[derive(Debug, Default)]
pub(super) struct Fates {
    /// One per relocation, in the builder's order.
    pub list: Vec<Fate>,
    pub got: Got,
    pub plt: Plt,
}

/// The fix GNU ld and lld suggest for a reference that cannot reach another
/// module's definition.
const NEEDS_PIC: &str = "symbol (may be preempted at run time, but this relocation binds it here: recompile with -fPIC, or make the symbol hidden or protected, or set Builder::symbolic)";

impl Builder<'_> {
    /// Defined here, or by the linker (`_GLOBAL_OFFSET_TABLE_`).
    fn is_defined(&self, i: usize) -> bool {
        self.symbols[i].place.is_defined() || self.is_got_symbol(i)
    }

    /// Decides, for an executable or shared object, which relocations are
    /// applied now and which become dynamic ones.
    pub(super) fn relocation_fates(&self, dynamic: bool) -> Result<Fates> {
        let mut fates = Fates::default();
        if self.kind.file_type == ET_REL {
            return Ok(fates);
        }
        let pic = self.kind.file_type == ET_DYN;
        let machine = self.kind.machine;
        let class = self.kind.encoding.class;
        let exec = self.kind.file_type == ET_EXEC;
        let word = self.kind.encoding.address_size() as u64;
        let arch = Arch::new(machine, class);
        // The linker defines `_GLOBAL_OFFSET_TABLE_` at `.got.plt`.
        if arch.is_some() && (0..self.symbols.len()).any(|i| self.is_got_symbol(i)) {
            fates.plt.got_base = true;
        }
        for (i, r) in self.relocations.iter().enumerate() {
            let e = |what, value: u64| Err(self.relocation_error(i, what, value));
            let (Some(arch), Some(how)) = (arch, arch.and_then(|a| a.howto(r.kind))) else {
                return e(
                    "type (not one the builder resolves for this machine and class)",
                    r.kind.into(),
                );
            };
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
            // Bound by the dynamic linker: undefined here, or preemptible.
            let at_run_time = r
                .symbol
                .is_some_and(|s| self.binds_at_run_time(s.0, dynamic));
            let preemptible = r.symbol.is_some_and(|s| self.is_preemptible(s.0));
            let undefined_local =
                !sym_defined && sym.is_some_and(|s| s.bind == STB_LOCAL) && dynamic;
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
                return e(
                    "symbol (a TLS relocation against a symbol outside the loaded TLS sections)",
                    sym_index,
                );
            }
            if !is_tls
                && how.value != Value::None
                && sym.is_some_and(|s| s.kind == STT_TLS && in_tls_segment(s.place))
            {
                // Its value is an offset in the TLS segment, not an address.
                return e(
                    "symbol (a thread-local variable in a relocation that is not a TLS one)",
                    sym_index,
                );
            }
            let section = &self.sections[r.section.0];
            if section.flags & SHF_TLS != 0
                && section.perms.is_some()
                && matches!(section.data, SectionData::Zeros(_))
            {
                // TLS zeros take no room in their segment: their addresses
                // belong to the sections after them.
                return e(
                    "section (TLS zeros: nothing there to relocate)",
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
                _ if undefined_local && how.value != Value::None => {
                    // .dynsym keeps locals before sh_info; an undefined
                    // local cannot be bound by the dynamic linker anyway.
                    return e(
                        "symbol (an undefined local symbol cannot be resolved at run time)",
                        sym_index,
                    );
                }
                _ if how.needs == Needs::Got => {
                    let fill = if at_run_time {
                        GotFill::Symbolic
                    } else if !sym_defined {
                        return e(
                            "symbol (undefined in a file with no dynamic linker to fill its GOT entry)",
                            sym_index,
                        );
                    } else if pic && !absolute {
                        GotFill::Relative
                    } else {
                        GotFill::Constant
                    };
                    let addend = if arch.got_entry_has_addend() {
                        r.addend
                    } else {
                        0
                    };
                    let entry = fates.got.entry(r.symbol.map(|s| s.0), addend, fill);
                    Fate::Got { how, entry }
                }
                _ if how.needs == Needs::Plt && at_run_time => {
                    let entry = fates.plt.entry(r.symbol.map_or(0, |s| s.0));
                    Fate::Plt { how, entry }
                }
                Value::None => Fate::Static(how),
                Value::Abs if (abs_word || abs64) && at_run_time => dynamic_of(r.kind, true),
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
                                "type (a 64-bit address in a 32-bit position-independent file)",
                                r.kind.into(),
                            );
                        }
                    }
                }
                Value::Tls(_) if data_size == 8 && !sym_defined && dynamic => {
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
                    return e(
                        "type (local-exec TLS cannot be used in a shared object)",
                        r.kind.into(),
                    );
                }
                Value::PcRel | Value::Page | Value::Abs | Value::GotOff
                    if !sym_defined && dynamic =>
                {
                    return e(
                        "symbol (undefined, and this relocation would need a copy relocation, which the builder does not make: recompile with -fPIC or -fPIE so the reference goes through the GOT)",
                        sym_index,
                    );
                }
                _ if !sym_defined => {
                    return e(
                        "symbol (undefined, and the relocation cannot be dynamic)",
                        sym_index,
                    );
                }
                Value::PcRel | Value::Page | Value::Abs | Value::GotOff if preemptible => {
                    return e(NEEDS_PIC, sym_index);
                }
                // S is fixed, P moves with the load address: no constant.
                Value::PcRel | Value::Page if !exec && absolute => {
                    return e(
                        "symbol (an absolute symbol cannot be reached PC-relatively in a position-independent file)",
                        sym_index,
                    );
                }
                // Only the low bits of an address stay put when the file
                // moves.
                Value::Abs if !exec && !abs_word && !abs64 && !how.field.low_page_bits() => {
                    return e(
                        "type (an absolute relocation narrower than an address cannot be used in a position-independent file)",
                        r.kind.into(),
                    );
                }
                _ => Fate::Static(how),
            };
            if how.needs == Needs::GotBase {
                fates.plt.got_base = true;
            }
            let dynamic_reloc = matches!(fate, Fate::Relative { .. } | Fate::Dynamic { .. });
            if dynamic_reloc {
                if section.perms != Some(Perms::RW) {
                    return e(
                        "section (a dynamic relocation in a read-only section would need text relocations)",
                        r.section.0 as u64,
                    );
                }
                if r.offset
                    .checked_add(how.field.size() as u64)
                    .is_none_or(|end| end > section.data.size())
                {
                    return e("offset (the field runs past its section)", r.offset);
                }
            }
            if section.perms.is_none() {
                return e(
                    "section (not loaded; cannot relocate it in a linked file)",
                    r.section.0 as u64,
                );
            }
            fates.list.push(fate);
        }
        Ok(fates)
    }

    /// The dynamic symbols: undefined ones first (the GNU hash covers only
    /// defined symbols), then the defined ones in hash-bucket order.
    pub(super) fn dynamic_symbol_order(&self, fates: &Fates) -> Vec<usize> {
        let file_type = self.kind.file_type;
        let defined = |i: usize| self.symbols[i].place.is_defined();
        let mut dynsyms: Vec<usize> = Vec::new();

        let mut needed_undef = alloc::vec![false; self.symbols.len()];
        for (r, f) in self.relocations.iter().zip(&fates.list) {
            if let Fate::Dynamic { symbol: true, .. } = f {
                if let Some(s) = r.symbol {
                    needed_undef[s.0] = true;
                }
            }
        }
        // GOT entries and PLT slots the dynamic linker fills name their
        // symbols too.
        let got = fates
            .got
            .entries
            .iter()
            .filter(|e| e.fill == GotFill::Symbolic);
        for s in got
            .filter_map(|e| e.symbol)
            .chain(fates.plt.symbols.iter().copied())
        {
            needed_undef[s] = true;
        }
        let exported = |i: usize| {
            let s = &self.symbols[i];
            if self.is_got_symbol(i) {
                return false;
            }
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
