//! GNU symbol versioning: `.gnu.version` (versym), `.gnu.version_d`
//! (verdef) and `.gnu.version_r` (verneed).

use super::encoding::{Encoding, Table};
use super::strtab::StringTable;
use crate::error::{Error, Field, Result, Structure};
use crate::raw::consts::{VER_NDX_GLOBAL, VER_NDX_LOCAL, VERSYM_HIDDEN};
use crate::raw::{BE, LE, Verdaux, Verdef, Vernaux, Verneed};
use zerocopy::FromBytes;
use zerocopy::byteorder::ByteOrder;

/// A version definition, with its own name (the first `Verdaux`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VersionDefinition<'a> {
    /// `vd_flags` (`VER_FLG_BASE`, `VER_FLG_WEAK`).
    pub flags: u16,
    /// `vd_ndx`: the index versym entries use.
    pub index: u16,
    /// `vd_hash`: the SysV hash of the name.
    pub hash: u32,
    /// The version's name.
    pub name: &'a [u8],
    /// The number of `Verdaux` entries (the name, then the parents).
    pub aux_count: u16,
    /// The names of the parent versions (the `Verdaux` after the first).
    pub parents: VerdauxIter<'a>,
}

/// A needed version (`Vernaux`) with the file it is needed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VersionNeed<'a> {
    /// The needed library (`vn_file`).
    pub file: &'a [u8],
    /// The version's name.
    pub name: &'a [u8],
    /// `vna_hash`.
    pub hash: u32,
    /// `vna_flags`.
    pub flags: u16,
    /// `vna_other`: the index versym entries use.
    pub index: u16,
}

/// What a symbol's versym entry says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SymbolVersion<'a> {
    /// Index 0: a local symbol.
    Local,
    /// Index 1: global, unversioned.
    Global,
    /// A version defined by this file; `hidden` when it is not the default
    /// (`name@VER` rather than `name@@VER`).
    Defined {
        /// The version name.
        name: &'a [u8],
        /// The versym hidden bit.
        hidden: bool,
        /// The version index.
        index: u16,
    },
    /// A version needed from `file`.
    Needed {
        /// The version name.
        name: &'a [u8],
        /// The library it comes from.
        file: &'a [u8],
        /// The versym hidden bit.
        hidden: bool,
        /// The version index.
        index: u16,
    },
    /// An index no definition or need names.
    Unknown(u16),
}

impl<'a> SymbolVersion<'a> {
    /// The version's name, if it has one.
    ///
    /// ```
    /// use elfin::read::SymbolVersion;
    /// let v = SymbolVersion::Needed { name: b"GLIBC_2.34", file: b"libc.so.6", hidden: false, index: 2 };
    /// assert_eq!(v.name(), Some(&b"GLIBC_2.34"[..]));
    /// assert_eq!(SymbolVersion::Global.name(), None);
    /// ```
    pub fn name(&self) -> Option<&'a [u8]> {
        match *self {
            SymbolVersion::Defined { name, .. } | SymbolVersion::Needed { name, .. } => Some(name),
            _ => None,
        }
    }
}

/// All versioning information of the dynamic symbols.
#[derive(Debug, Clone, Copy)]
pub struct VersionInfo<'a> {
    pub(crate) versym: Option<(Table<'a, u16>, u64)>,
    pub(crate) verdef: Option<VersionChain<'a>>,
    pub(crate) verneed: Option<VersionChain<'a>>,
}

/// A chain of verdef or verneed entries: the bytes from its start, the
/// entry count, the strings it names, and its file offset.
#[derive(Debug, Clone, Copy)]
pub(crate) struct VersionChain<'a> {
    pub(crate) data: &'a [u8],
    pub(crate) count: u64,
    pub(crate) strings: StringTable<'a>,
    pub(crate) offset: u64,
    pub(crate) encoding: Encoding,
}

impl<'a> VersionInfo<'a> {
    /// The raw versym entry of symbol `index`.
    pub fn versym(&self, index: usize) -> Option<u16> {
        self.versym.as_ref().and_then(|(t, _)| t.get(index))
    }

    /// The version definitions (`.gnu.version_d`).
    ///
    /// The dynamic loader defines the versions it exports (the C library's
    /// `GLIBC_2.*` among them); a program usually defines none:
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let exe = std::fs::read("/proc/self/exe")?;
    /// let exe = elfin::ElfFile::parse(&exe)?;
    /// let Some(interp) = exe.interpreter()? else { return Ok(()) };
    /// let ldso = std::fs::read(std::str::from_utf8(interp)?)?;
    /// let ldso = elfin::ElfFile::parse(&ldso)?;
    /// let versions = *ldso.dynamic_symbols()?.unwrap().versions();
    /// for def in versions.definitions() {
    ///     let def = def?;
    ///     let parents: Vec<_> = def.parents.collect::<Result<_, _>>()?;
    ///     println!("{} {} (parents {parents:?})", def.index, String::from_utf8_lossy(def.name));
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn definitions(&self) -> VerdefIter<'a> {
        match self.verdef {
            Some(c) => VerdefIter {
                chain: c,
                pos: 0,
                left: c.count,
                budget: budget(&c),
            },
            None => VerdefIter {
                chain: VersionChain {
                    data: &[],
                    count: 0,
                    strings: StringTable::default(),
                    offset: 0,
                    encoding: LE_ENC,
                },
                pos: 0,
                left: 0,
                budget: 0,
            },
        }
    }

    /// The needed versions (`.gnu.version_r`), one item per `Vernaux`.
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let bytes = std::fs::read("/proc/self/exe")?;
    /// let file = elfin::ElfFile::parse(&bytes)?;
    /// let dynsyms = file.dynamic_symbols()?.unwrap();
    /// // What `readelf -V` lists under .gnu.version_r: library and version.
    /// for need in dynsyms.versions().needs() {
    ///     let need = need?;
    ///     println!("{}: {}", String::from_utf8_lossy(need.file), String::from_utf8_lossy(need.name));
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn needs(&self) -> VerneedIter<'a> {
        match self.verneed {
            Some(c) => VerneedIter {
                chain: c,
                pos: 0,
                left: c.count,
                file: None,
                budget: budget(&c),
            },
            None => VerneedIter {
                chain: VersionChain {
                    data: &[],
                    count: 0,
                    strings: StringTable::default(),
                    offset: 0,
                    encoding: LE_ENC,
                },
                pos: 0,
                left: 0,
                file: None,
                budget: 0,
            },
        }
    }

    /// Marks in `out`, a bitmap over the 15-bit version indices, each index
    /// that [`symbol_version`](Self::symbol_version) resolves to a version
    /// called `name` (the first definition with an index wins, then the
    /// first need), in one pass over the definitions and needs.
    pub(crate) fn indices_named(&self, name: &[u8], out: &mut [u64; 512]) {
        let mut seen = [0u64; 512];
        let mut mark = |index: u16, found: &[u8]| {
            let (word, bit) = (usize::from(index) / 64, 1u64 << (index % 64));
            if let Some(s) = seen.get_mut(word).filter(|s| **s & bit == 0) {
                *s |= bit;
                if let Some(o) = out.get_mut(word).filter(|_| found == name) {
                    *o |= bit;
                }
            }
        };
        // symbol_version fails for an index not found before an error.
        for def in self.definitions() {
            let Ok(def) = def else { return };
            mark(def.index, def.name);
        }
        for need in self.needs() {
            let Ok(need) = need else { return };
            mark(need.index, need.name);
        }
    }

    /// Whether version index `ndx` resolves, as
    /// [`symbol_version`](Self::symbol_version) resolves it (the first
    /// definition with that index, then the first need), to a version
    /// called `name`. It walks the entries up to that index without
    /// resolving their names; an entry past a corrupt one matches nothing,
    /// as in [`indices_named`](Self::indices_named).
    pub(crate) fn index_named(&self, ndx: u16, name: &[u8]) -> bool {
        if let Some(c) = &self.verdef {
            let found = match c.encoding.endian {
                super::encoding::Endian::Little => def_name_of::<LE>(c, ndx),
                super::encoding::Endian::Big => def_name_of::<BE>(c, ndx),
            };
            if let Some(found) = found {
                return found.is_some_and(|at| c.strings.eq_at(at, name));
            }
        }
        if let Some(c) = &self.verneed {
            let found = match c.encoding.endian {
                super::encoding::Endian::Little => need_name_of::<LE>(c, ndx),
                super::encoding::Endian::Big => need_name_of::<BE>(c, ndx),
            };
            if let Some(found) = found {
                return found.is_some_and(|at| c.strings.eq_at(at, name));
            }
        }
        false
    }

    /// The version of dynamic symbol `index`.
    ///
    /// # Errors
    ///
    /// Fails when `index` is past `.gnu.version`, or its version index names no
    /// version definition or need.
    pub fn symbol_version(&self, index: usize) -> Result<SymbolVersion<'a>> {
        let Some(raw) = self.versym(index) else {
            return Ok(SymbolVersion::Global);
        };
        let hidden = raw & VERSYM_HIDDEN != 0;
        let ndx = raw & !VERSYM_HIDDEN;
        match ndx {
            VER_NDX_LOCAL => return Ok(SymbolVersion::Local),
            VER_NDX_GLOBAL => return Ok(SymbolVersion::Global),
            _ => {}
        }
        for def in self.definitions() {
            let def = def?;
            if def.index == ndx {
                return Ok(SymbolVersion::Defined {
                    name: def.name,
                    hidden,
                    index: ndx,
                });
            }
        }
        for need in self.needs() {
            let need = need?;
            if need.index == ndx {
                return Ok(SymbolVersion::Needed {
                    name: need.name,
                    file: need.file,
                    hidden,
                    index: ndx,
                });
            }
        }
        Ok(SymbolVersion::Unknown(ndx))
    }
}

/// Entries can overlap, but a walk that yields more entries than the data
/// has 8-byte words is going round in circles.
fn budget(c: &VersionChain<'_>) -> u64 {
    (c.data.len() as u64 / 8).saturating_add(1)
}

fn spend(budget: &mut u64, c: &VersionChain<'_>, pos: u64, what: Structure) -> Result<()> {
    if *budget == 0 {
        return Err(Error::endless(what, c.offset.saturating_add(pos)));
    }
    *budget = budget.wrapping_sub(1); // not 0 (checked above)
    Ok(())
}

const LE_ENC: Encoding = Encoding {
    class: super::encoding::Class::Elf64,
    endian: super::encoding::Endian::Little,
};

fn at<T: FromBytes + zerocopy::KnownLayout + zerocopy::Immutable>(
    chain: &VersionChain<'_>,
    pos: u64,
    what: Structure,
) -> Result<T> {
    let size = core::mem::size_of::<T>() as u64;
    usize::try_from(pos)
        .ok()
        .and_then(|p| chain.data.get(p..))
        .and_then(|bytes| T::read_from_prefix(bytes).ok())
        .map(|(t, _)| t)
        .ok_or(Error::out_of_bounds(
            what,
            Field::OffsetSize,
            chain.offset.saturating_add(pos),
            size,
        ))
}

struct Def {
    flags: u16,
    ndx: u16,
    cnt: u16,
    hash: u32,
    aux: u32,
    next: u32,
}

fn read_def<O: ByteOrder>(c: &VersionChain<'_>, pos: u64) -> Result<Def> {
    let d: Verdef<O> = at(c, pos, Structure::VersionDefinition)?;
    Ok(Def {
        flags: d.vd_flags.get(),
        ndx: d.vd_ndx.get(),
        cnt: d.vd_cnt.get(),
        hash: d.vd_hash.get(),
        aux: d.vd_aux.get(),
        next: d.vd_next.get(),
    })
}

fn read_daux<O: ByteOrder>(c: &VersionChain<'_>, pos: u64) -> Result<(u32, u32)> {
    let a: Verdaux<O> = at(c, pos, Structure::VersionDefinitionAux)?;
    Ok((a.vda_name.get(), a.vda_next.get()))
}

fn read_need<O: ByteOrder>(c: &VersionChain<'_>, pos: u64) -> Result<(u16, u32, u32, u32)> {
    let n: Verneed<O> = at(c, pos, Structure::VersionNeed)?;
    Ok((
        n.vn_cnt.get(),
        n.vn_file.get(),
        n.vn_aux.get(),
        n.vn_next.get(),
    ))
}

fn read_naux<O: ByteOrder>(c: &VersionChain<'_>, pos: u64) -> Result<(u32, u16, u16, u32, u32)> {
    let a: Vernaux<O> = at(c, pos, Structure::VersionNeedAux)?;
    Ok((
        a.vna_hash.get(),
        a.vna_flags.get(),
        a.vna_other.get(),
        a.vna_name.get(),
        a.vna_next.get(),
    ))
}

/// The name offset of the first definition with index `ndx`: `None` when
/// no definition has it, `Some(None)` when the walk met a corrupt entry
/// first (the index then resolves to nothing).
fn def_name_of<O: ByteOrder>(c: &VersionChain<'_>, ndx: u16) -> Option<Option<u32>> {
    let (mut pos, mut left, mut budget) = (0u64, c.count, budget(c));
    while left != 0 {
        left = left.wrapping_sub(1); // not 0 (checked above)
        if spend(&mut budget, c, pos, Structure::VersionDefinition).is_err() {
            return Some(None);
        }
        let Ok(d) = read_def::<O>(c, pos) else {
            return Some(None);
        };
        if d.ndx == ndx {
            let aux = read_daux::<O>(c, pos.saturating_add(d.aux.into()));
            return Some(aux.ok().map(|(name, _)| name));
        }
        if d.next == 0 {
            break;
        }
        pos = pos.saturating_add(d.next.into());
    }
    None
}

/// The name offset of the first need (`Vernaux`) with index `ndx`, as
/// [`def_name_of`] for definitions.
fn need_name_of<O: ByteOrder>(c: &VersionChain<'_>, ndx: u16) -> Option<Option<u32>> {
    let (mut pos, mut left, mut budget) = (0u64, c.count, budget(c));
    while left != 0 {
        left = left.wrapping_sub(1); // not 0 (checked above)
        let Ok((cnt, _, aux, next)) = read_need::<O>(c, pos) else {
            return Some(None);
        };
        let (mut aux_pos, mut aux_left) = (pos.saturating_add(aux.into()), cnt);
        while aux_left != 0 {
            if spend(&mut budget, c, aux_pos, Structure::VersionNeedAux).is_err() {
                return Some(None);
            }
            let Ok((_, _, other, name, aux_next)) = read_naux::<O>(c, aux_pos) else {
                return Some(None);
            };
            if other == ndx {
                return Some(Some(name));
            }
            if aux_next == 0 {
                break;
            }
            aux_left = aux_left.wrapping_sub(1); // not 0 (checked above)
            aux_pos = aux_pos.saturating_add(aux_next.into());
        }
        if next == 0 {
            break;
        }
        pos = pos.saturating_add(next.into());
    }
    None
}

macro_rules! by_endian {
    ($chain:expr, $f:ident, $pos:expr) => {
        match $chain.encoding.endian {
            super::encoding::Endian::Little => $f::<LE>($chain, $pos),
            super::encoding::Endian::Big => $f::<BE>($chain, $pos),
        }
    };
}

/// An iterator over version definitions.
#[derive(Debug, Clone)]
pub struct VerdefIter<'a> {
    chain: VersionChain<'a>,
    pos: u64,
    left: u64,
    budget: u64,
}

impl<'a> Iterator for VerdefIter<'a> {
    type Item = Result<VersionDefinition<'a>>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.left == 0 {
            return None;
        }
        self.left = self.left.wrapping_sub(1); // not 0 (checked above)
        if let Err(e) = spend(
            &mut self.budget,
            &self.chain,
            self.pos,
            Structure::VersionDefinition,
        ) {
            self.left = 0;
            return Some(Err(e));
        }
        let c = &self.chain;
        let step = (|| {
            let d = by_endian!(c, read_def, self.pos)?;
            let aux_pos = self.pos.saturating_add(d.aux.into());
            let (name_off, aux_next) = by_endian!(c, read_daux, aux_pos)?;
            let name = c.strings.get(name_off)?;
            let parents = VerdauxIter {
                chain: *c,
                pos: if aux_next == 0 {
                    0
                } else {
                    aux_pos.saturating_add(aux_next.into())
                },
                left: if aux_next == 0 {
                    0
                } else {
                    u64::from(d.cnt.saturating_sub(1))
                },
            };
            Ok((
                VersionDefinition {
                    flags: d.flags,
                    index: d.ndx,
                    hash: d.hash,
                    name,
                    aux_count: d.cnt,
                    parents,
                },
                d.next,
            ))
        })();
        match step {
            Ok((def, next)) => {
                // vd_next is unsigned, so the walk only moves forward: it ends.
                if next == 0 {
                    self.left = 0;
                }
                self.pos = self.pos.saturating_add(next.into());
                Some(Ok(def))
            }
            Err(e) => {
                self.left = 0;
                Some(Err(e))
            }
        }
    }
}

/// The parent-version names of a version definition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VerdauxIter<'a> {
    chain: VersionChain<'a>,
    pos: u64,
    left: u64,
}

impl PartialEq for VersionChain<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.offset == other.offset
            && self.count == other.count
            && self.data.len() == other.data.len()
    }
}
impl Eq for VersionChain<'_> {}

impl<'a> Iterator for VerdauxIter<'a> {
    type Item = Result<&'a [u8]>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.left == 0 {
            return None;
        }
        self.left = self.left.wrapping_sub(1); // not 0 (checked above)
        let c = &self.chain;
        match by_endian!(c, read_daux, self.pos).and_then(|(n, next)| Ok((c.strings.get(n)?, next)))
        {
            Ok((name, next)) => {
                if next == 0 {
                    self.left = 0;
                }
                self.pos = self.pos.saturating_add(next.into());
                Some(Ok(name))
            }
            Err(e) => {
                self.left = 0;
                Some(Err(e))
            }
        }
    }
}

/// An iterator over needed versions, one item per `Vernaux`.
#[derive(Debug, Clone)]
pub struct VerneedIter<'a> {
    chain: VersionChain<'a>,
    pos: u64,
    left: u64,
    /// The current file: its name, the next aux position, auxes left, and
    /// the offset of the next `Verneed`.
    file: Option<(&'a [u8], u64, u64, u32)>,
    budget: u64,
}

impl<'a> Iterator for VerneedIter<'a> {
    type Item = Result<VersionNeed<'a>>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some((file, aux_pos, aux_left, need_next)) = self.file {
                if aux_left > 0 {
                    if let Err(e) = spend(
                        &mut self.budget,
                        &self.chain,
                        aux_pos,
                        Structure::VersionNeedAux,
                    ) {
                        self.file = None;
                        self.left = 0;
                        return Some(Err(e));
                    }
                    let c = &self.chain;
                    let r = by_endian!(c, read_naux, aux_pos).and_then(
                        |(hash, flags, other, name, next)| {
                            Ok((hash, flags, other, c.strings.get(name)?, next))
                        },
                    );
                    return Some(match r {
                        Ok((hash, flags, index, name, next)) => {
                            let left = if next == 0 {
                                0
                            } else {
                                aux_left.wrapping_sub(1)
                            }; // > 0
                            self.file =
                                Some((file, aux_pos.saturating_add(next.into()), left, need_next));
                            Ok(VersionNeed {
                                file,
                                name,
                                hash,
                                flags,
                                index,
                            })
                        }
                        Err(e) => {
                            self.file = None;
                            self.left = 0;
                            Err(e)
                        }
                    });
                }
                self.file = None;
                if need_next == 0 {
                    self.left = 0;
                }
                self.pos = self.pos.saturating_add(need_next.into());
            }
            if self.left == 0 {
                return None;
            }
            self.left = self.left.wrapping_sub(1); // not 0 (checked above)
            let c = &self.chain;
            let r = by_endian!(c, read_need, self.pos)
                .and_then(|(cnt, file, aux, next)| Ok((cnt, c.strings.get(file)?, aux, next)));
            match r {
                Ok((cnt, file, aux, next)) => {
                    self.file = Some((file, self.pos.saturating_add(aux.into()), cnt.into(), next));
                }
                Err(e) => {
                    self.left = 0;
                    return Some(Err(e));
                }
            }
        }
    }
}
