//! The entries of `.dynamic`: one function gives both their number (before
//! placement, with addresses still unknown) and their values (after).

use crate::raw::consts::*;
use alloc::vec::Vec;

/// What the dynamic table says, with addresses filled in or still zero.
#[derive(Debug, Default)]
pub(super) struct DynamicFacts {
    /// `.dynstr` offsets of the needed libraries.
    pub needed: Vec<u64>,
    pub soname: Option<u64>,
    pub runpath: Option<u64>,
    /// `.hash`, when there is one.
    pub hash: Option<u64>,
    pub gnu_hash: u64,
    pub strtab: u64,
    pub symtab: u64,
    pub strsz: u64,
    pub syment: u64,
    /// Address, size and entry size of `.rela.dyn`.
    pub rela: Option<(u64, u64, u64)>,
    /// Address, size and entry size of `.relr.dyn`.
    pub relr: Option<(u64, u64, u64)>,
    /// An executable (it has an interpreter).
    pub executable: bool,
    /// A position-independent executable.
    pub pie: bool,
    /// A shared object with thread-pointer offsets resolved at load time.
    pub static_tls: bool,
    /// `.got.plt`'s address, when there is one.
    pub pltgot: Option<u64>,
    /// Address and size of `.rela.plt`, when there is one.
    pub jmprel: Option<(u64, u64)>,
    /// References bind to this file's own definitions (`DF_SYMBOLIC`).
    pub symbolic: bool,
}

/// The `(tag, value)` pairs of the table, `DT_NULL` last.
pub(super) fn dynamic_entries(f: &DynamicFacts) -> Vec<(i64, u64)> {
    let mut e = Vec::new();
    e.extend(f.needed.iter().map(|&n| (DT_NEEDED, n)));
    e.extend(f.soname.map(|n| (DT_SONAME, n)));
    e.extend(f.runpath.map(|n| (DT_RUNPATH, n)));
    e.extend(f.hash.map(|a| (DT_HASH, a)));
    e.extend([
        (DT_GNU_HASH, f.gnu_hash),
        (DT_STRTAB, f.strtab),
        (DT_SYMTAB, f.symtab),
        (DT_STRSZ, f.strsz),
        (DT_SYMENT, f.syment),
    ]);
    if let Some((a, s, n)) = f.rela {
        e.extend([(DT_RELA, a), (DT_RELASZ, s), (DT_RELAENT, n)]);
    }
    if let Some((a, s, n)) = f.relr {
        e.extend([(DT_RELR, a), (DT_RELRSZ, s), (DT_RELRENT, n)]);
    }
    e.extend(f.pltgot.map(|a| (DT_PLTGOT, a)));
    if let Some((a, s)) = f.jmprel {
        e.extend([
            (DT_PLTRELSZ, s),
            (DT_PLTREL, DT_RELA as u64),
            (DT_JMPREL, a),
        ]);
    }
    if f.symbolic {
        e.push((DT_SYMBOLIC, 0));
    }
    // Executables tell debuggers where r_debug is; shared objects ask for
    // their relocations up front instead.
    e.push(if f.executable {
        (DT_DEBUG, 0)
    } else {
        (DT_BIND_NOW, 0)
    });
    // The PLT is bound eagerly: its slots are in RELRO.
    let bind_now = f.pltgot.is_some();
    let flags = [
        (f.static_tls, DF_STATIC_TLS),
        (f.symbolic, DF_SYMBOLIC),
        (bind_now, DF_BIND_NOW),
    ]
    .iter()
    .filter(|(on, _)| *on)
    .fold(0, |acc, (_, bit)| acc | bit);
    if flags != 0 {
        e.push((DT_FLAGS, flags));
    }
    let flags_1 = [(bind_now, DF_1_NOW), (f.pie, DF_1_PIE)]
        .iter()
        .filter(|(on, _)| *on)
        .fold(0, |acc, (_, bit)| acc | bit);
    if flags_1 != 0 {
        e.push((DT_FLAGS_1, flags_1));
    }
    e.push((DT_NULL, 0));
    e
}
