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
    // Executables tell debuggers where r_debug is; shared objects ask for
    // their relocations up front instead.
    e.push(if f.executable {
        (DT_DEBUG, 0)
    } else {
        (DT_BIND_NOW, 0)
    });
    if f.static_tls {
        e.push((DT_FLAGS, DF_STATIC_TLS));
    }
    if f.pie {
        e.push((DT_FLAGS_1, 0x0800_0000)); // DF_1_PIE
    }
    e.push((DT_NULL, 0));
    e
}
