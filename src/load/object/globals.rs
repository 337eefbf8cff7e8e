//! The global names the objects define: one table, filled while the
//! definitions are chosen and kept as the export table of the linked
//! code. Each name is hashed once; the names themselves stay in the
//! objects' string tables (which the linked code keeps), never copied.

use alloc::vec::Vec;
use core::hash::BuildHasher;
use hashbrown::{DefaultHashBuilder, HashTable};

/// What defines a global name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Definition {
    /// Symbol `symbol` of the object the [`Global`] names; `weak` if it
    /// is a weak definition, `absolute` if its value is no image offset
    /// (`SHN_ABS`).
    Symbol {
        symbol: u32,
        weak: bool,
        absolute: bool,
    },
    /// A COMMON block (its offset is the global's value once placed).
    Common,
}

/// One global name and its definition: 24 bytes, no more than the
/// symbol that defines it, so the table is never larger than the input
/// (the fuzzer found a file of one-letter names where a 32-byte record
/// made it 1.28 times the file). Hence no name length (the name ends at
/// its NUL) and the placement folded into [`Definition`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Global {
    /// The object whose string table holds the name (and whose symbol
    /// defines it).
    pub object: u32,
    /// The name: `st_name` in that string table.
    pub name_at: u32,
    pub def: Definition,
    /// The value once resolved: an image offset if [`Global::in_image`],
    /// else an absolute value.
    pub value: u64,
}

const _: () = assert!(core::mem::size_of::<Global>() <= 24);

impl Global {
    /// Whether the value is an offset in the linked image.
    pub(crate) fn in_image(&self) -> bool {
        !matches!(self.def, Definition::Symbol { absolute: true, .. })
    }
}

/// Global names → definitions. The name of global `g` is the
/// NUL-terminated string at `g.name_at` in `strtab(g.object)`; every
/// method that needs names takes `strtab`.
#[derive(Default)]
pub(crate) struct Globals {
    table: HashTable<u32>,
    pub defs: Vec<Global>,
    hasher: DefaultHashBuilder,
}

impl core::fmt::Debug for Globals {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Globals")
            .field("symbols", &self.defs.len())
            .finish()
    }
}

/// The name of `g` in `strtabs`: up to its NUL (empty if out of range,
/// which a name checked when inserted never is).
fn name_of<'s>(strtabs: &impl Fn(u32) -> &'s [u8], g: &Global) -> &'s [u8] {
    let rest = strtabs(g.object)
        .get(g.name_at as usize..)
        .unwrap_or_default();
    let end = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
    &rest[..end]
}

/// Whether the name of `g` is `name`: its bytes, then a NUL (or the end
/// of the table), without first looking for the NUL.
fn named<'s>(strtabs: &impl Fn(u32) -> &'s [u8], g: &Global, name: &[u8]) -> bool {
    let rest = strtabs(g.object)
        .get(g.name_at as usize..)
        .unwrap_or_default();
    rest.get(..name.len()) == Some(name) && rest.get(name.len()).is_none_or(|&b| b == 0)
}

impl Globals {
    /// Room for `count` names without a rehash.
    pub(crate) fn with_capacity(count: usize) -> Globals {
        let mut g = Globals::default();
        g.table.reserve(count, |_| 0);
        g.defs.reserve(count);
        g
    }

    /// The index of `name` (hashed as `hash`), if it is defined.
    fn find<'s>(&self, hash: u64, name: &[u8], strtabs: &impl Fn(u32) -> &'s [u8]) -> Option<u32> {
        self.table
            .find(hash, |&i| named(strtabs, &self.defs[i as usize], name))
            .copied()
    }

    /// The hash of `name`.
    pub(crate) fn hash(&self, name: &[u8]) -> u64 {
        self.hasher.hash_one(name)
    }

    /// The global named `name`.
    pub(crate) fn get<'s>(
        &self,
        name: &[u8],
        strtabs: impl Fn(u32) -> &'s [u8],
    ) -> Option<&Global> {
        let i = self.find(self.hash(name), name, &strtabs)?;
        self.defs.get(i as usize)
    }

    /// The index of the global `name` (hashed as `hash`), and whether it
    /// is `new`, just added.
    pub(crate) fn get_or_insert<'s>(
        &mut self,
        hash: u64,
        name: &[u8],
        new: Global,
        strtabs: impl Fn(u32) -> &'s [u8],
    ) -> (usize, bool) {
        if let Some(i) = self.find(hash, name, &strtabs) {
            return (i as usize, false);
        }
        let i = self.defs.len();
        self.defs.push(new);
        let (defs, hasher) = (&self.defs, &self.hasher);
        self.table.insert_unique(hash, i as u32, |&j| {
            hasher.hash_one(name_of(&strtabs, &defs[j as usize]))
        });
        (i, true)
    }

    /// Every global with its name.
    pub(crate) fn iter<'s>(
        &'s self,
        strtabs: impl Fn(u32) -> &'s [u8] + 's,
    ) -> impl Iterator<Item = (&'s [u8], &'s Global)> + 's {
        self.defs.iter().map(move |g| (name_of(&strtabs, g), g))
    }
}
