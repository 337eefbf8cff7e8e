//! Symbol hash tables: SysV `.hash` and GNU `.gnu.hash`, for lookup by name.

use super::encoding::{Class, Encoding, Table};
use super::symbol::{Symbol, SymbolTable};
use crate::error::{Error, Field, Result, Structure};

/// The SysV ELF hash of a name.
pub fn sysv_hash(name: &[u8]) -> u32 {
    let mut h: u32 = 0;
    for &c in name {
        h = (h << 4).wrapping_add(u32::from(c));
        let g = h & 0xf000_0000;
        if g != 0 {
            h ^= g >> 24;
        }
        h &= !g;
    }
    h
}

/// The GNU hash (DJB's, times 33) of a name.
pub fn gnu_hash(name: &[u8]) -> u32 {
    name.iter().fold(5381u32, |h, &c| {
        h.wrapping_mul(33).wrapping_add(u32::from(c))
    })
}

/// A SysV hash table.
#[derive(Debug, Clone, Copy)]
pub struct SysvHash<'a> {
    buckets: Table<'a, u64>,
    chains: Table<'a, u64>,
    offset: u64,
}

impl<'a> SysvHash<'a> {
    /// Parses a `.hash` table. Its words are 32-bit, except on 64-bit s390
    /// and Alpha where they are 64-bit (`wide`).
    ///
    /// # Errors
    ///
    /// Fails when `data` is too short for the header or for the bucket and chain
    /// arrays it declares.
    pub fn parse(encoding: Encoding, data: &'a [u8], offset: u64, wide: bool) -> Result<Self> {
        let words = Encoding {
            class: if wide { Class::Elf64 } else { Class::Elf32 },
            endian: encoding.endian,
        };
        let all = Table::<u64>::new(words, data);
        let (Some(nbucket), Some(nchain)) = (all.get(0), all.get(1)) else {
            return Err(Error::out_of_bounds(
                Structure::HashTable,
                Field::Header,
                offset,
                8,
            ));
        };
        // Both counts fit in `usize` once their sum is within the table.
        let counts = usize::try_from(nbucket)
            .ok()
            .zip(usize::try_from(nchain).ok())
            .filter(|&(b, c)| {
                b.checked_add(c)
                    .and_then(|n| n.checked_add(2))
                    .is_some_and(|n| n <= all.len())
            });
        let Some((nbucket, nchain)) = counts else {
            let need = nbucket.checked_add(nchain).and_then(|n| n.checked_add(2));
            let w: u64 = if wide { 8 } else { 4 };
            return Err(Error::out_of_bounds(
                Structure::HashTable,
                Field::HashWords,
                offset,
                need.unwrap_or(u64::MAX).saturating_mul(w),
            ));
        };
        let words = all.skip(2);
        let buckets = words.take(nbucket);
        let chains = words.skip(nbucket).take(nchain);
        Ok(SysvHash {
            buckets,
            chains,
            offset,
        })
    }

    /// `nchain`: the number of symbols the table covers.
    pub fn symbol_count(&self) -> usize {
        self.chains.len()
    }

    /// The number of buckets.
    pub fn bucket_count(&self) -> usize {
        self.buckets.len()
    }

    /// Finds `name` in `symbols`, calling `accept` on each symbol with that
    /// name until it says yes (used for version matching).
    ///
    /// # Errors
    ///
    /// Fails when the table is corrupt: a bucket or chain leads past the symbol
    /// table or the hash data, or a symbol's name is out of its string table.
    pub fn find(
        &self,
        name: &[u8],
        symbols: &SymbolTable<'a>,
        mut accept: impl FnMut(usize, &Symbol) -> bool,
    ) -> Result<Option<(usize, Symbol)>> {
        if self.buckets.is_empty() {
            return Ok(None);
        }
        // `u32 % usize` widened to u64: the remainder is below the bucket
        // count, so it fits back in `usize`.
        let h = u64::from(sysv_hash(name));
        let bucket = h.checked_rem(self.buckets.len() as u64).unwrap_or(0);
        let mut index = usize::try_from(bucket)
            .ok()
            .and_then(|b| self.buckets.get(b))
            .unwrap_or(0);
        // A chain visits each symbol at most once; more steps mean a loop.
        for _ in 0..=self.chains.len() {
            if index == 0 {
                return Ok(None);
            }
            // An index past `usize` is past every table: report it as one.
            let i = usize::try_from(index).unwrap_or(usize::MAX);
            let sym = symbols.get(i)?;
            if symbols.strings().eq_at(sym.st_name, name) && accept(i, &sym) {
                return Ok(Some((i, sym)));
            }
            index = self.chains.get(i).ok_or(Error::bad_index(
                Structure::HashTable,
                self.offset,
                Field::ChainIndex,
                index,
            ))?;
        }
        Err(Error::endless(Structure::HashTable, self.offset))
    }
}

/// A GNU hash table.
#[derive(Debug, Clone, Copy)]
pub struct GnuHash<'a> {
    symoffset: u32,
    bloom_shift: u32,
    bloom: Table<'a, u64>,
    buckets: Table<'a, u32>,
    chains: Table<'a, u32>,
    word_bits: u32,
    offset: u64,
}

impl<'a> GnuHash<'a> {
    /// Parses a `.gnu.hash` table. `data` may run past the table's end (when
    /// it is found through `DT_GNU_HASH`, whose size is not recorded).
    ///
    /// # Errors
    ///
    /// Fails when `data` is too short for the header, the Bloom filter or the
    /// buckets it declares.
    pub fn parse(encoding: Encoding, data: &'a [u8], offset: u64) -> Result<Self> {
        let words32 = Encoding {
            class: Class::Elf32,
            endian: encoding.endian,
        };
        let head = Table::<u32>::new(words32, data);
        let (Some(nbuckets), Some(symoffset), Some(bloom_size), Some(bloom_shift)) =
            (head.get(0), head.get(1), head.get(2), head.get(3))
        else {
            return Err(Error::out_of_bounds(
                Structure::GnuHashTable,
                Field::Header,
                offset,
                16,
            ));
        };
        let (wsize, word_bits): (u64, u32) = match encoding.class {
            Class::Elf32 => (4, 32),
            Class::Elf64 => (8, 64),
        };
        let bloom_bytes = u64::from(bloom_size).saturating_mul(wsize);
        let bucket_bytes = u64::from(nbuckets).saturating_mul(4);
        let split = || {
            let rest = data.get(16..)?;
            let (bloom, rest) = rest.split_at_checked(usize::try_from(bloom_bytes).ok()?)?;
            let (buckets, chains) = rest.split_at_checked(usize::try_from(bucket_bytes).ok()?)?;
            Some((bloom, buckets, chains))
        };
        let Some((bloom, buckets, chains)) = split() else {
            return Err(Error::out_of_bounds(
                Structure::GnuHashTable,
                Field::GnuHashHeadBloomBuckets,
                offset,
                bloom_bytes.saturating_add(bucket_bytes).saturating_add(16),
            ));
        };
        let bloom = Table::<u64>::new(encoding, bloom);
        let buckets = Table::<u32>::new(words32, buckets);
        let chains = Table::<u32>::new(words32, chains);
        Ok(GnuHash {
            symoffset,
            bloom_shift,
            bloom,
            buckets,
            chains,
            word_bits,
            offset,
        })
    }

    /// The index of the first symbol the table covers.
    pub fn symoffset(&self) -> u32 {
        self.symoffset
    }

    /// `symoffset` plus a chain index does not fit in `usize` (only on a
    /// 32-bit target).
    #[cold]
    fn bad_symoffset(&self) -> Error {
        Error::bad_value(
            Structure::GnuHashTable,
            self.offset,
            Field::Symoffset,
            self.symoffset.into(),
        )
    }

    /// The number of buckets.
    pub fn bucket_count(&self) -> usize {
        self.buckets.len()
    }

    /// The file offset of the table.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// Whether no bucket holds a chain (no symbol is hashed): the symbol
    /// count is then only known to be at least `symoffset`.
    pub fn buckets_empty(&self) -> bool {
        self.buckets.iter().all(|b| b < self.symoffset)
    }

    /// The number of dynamic symbols, found by walking to the end of the
    /// last chain (the table does not record it).
    ///
    /// # Errors
    ///
    /// Fails when the last chain runs past the end of the data.
    pub fn symbol_count(&self) -> Result<usize> {
        let max = self.buckets.iter().max().unwrap_or(0);
        let Some(first) = max.checked_sub(self.symoffset) else {
            return Ok(self.symoffset as usize);
        };
        let Some(last) = self
            .chains
            .iter()
            .skip(first as usize)
            .position(|word| word & 1 != 0)
        else {
            return Err(Error::missing(
                Structure::GnuHashTable,
                self.offset,
                Field::MissingLastChainEnd,
            ));
        };
        // The chain indices fit (they index the chains); `symoffset` (a u32)
        // plus them may not on a 32-bit target.
        (self.symoffset as usize)
            .checked_add(first as usize)
            .and_then(|n| n.checked_add(last))
            .and_then(|n| n.checked_add(1))
            .ok_or_else(|| self.bad_symoffset())
    }

    /// Finds `name` in `symbols`, calling `accept` on each symbol with that
    /// name until it says yes (used for version matching).
    ///
    /// # Errors
    ///
    /// Fails when the table is corrupt: a bucket or chain leads past the symbol
    /// table or the hash data, or a symbol's name is out of its string table.
    pub fn find(
        &self,
        name: &[u8],
        symbols: &SymbolTable<'a>,
        mut accept: impl FnMut(usize, &Symbol) -> bool,
    ) -> Result<Option<(usize, Symbol)>> {
        if self.buckets.is_empty() || self.bloom.is_empty() {
            return Ok(None);
        }
        let h = gnu_hash(name);
        // The Bloom word size is 32 or 64 bits: shifts and masks, not
        // divisions; `word_bits - 1` is the mask of a bit number.
        let bits = self.word_bits;
        let bit = bits.wrapping_sub(1);
        let n = self.bloom.len();
        let at = h.wrapping_shr(bits.trailing_zeros()) as usize;
        // `n` is not zero (checked above), so neither form can fail.
        let at = if n.is_power_of_two() {
            at & n.wrapping_sub(1)
        } else {
            at.checked_rem(n).unwrap_or(0)
        };
        let word = self.bloom.get(at).unwrap_or(0);
        let mask = 1u64.wrapping_shl(h & bit)
            | 1u64.wrapping_shl(h.checked_shr(self.bloom_shift).unwrap_or(0) & bit);
        if word & mask != mask {
            return Ok(None);
        }
        let bucket = (h as usize).checked_rem(self.buckets.len()).unwrap_or(0);
        let start = self.buckets.get(bucket).unwrap_or(0);
        let Some(first) = start.checked_sub(self.symoffset) else {
            return Ok(None);
        };
        // Chains only move forward and end at the end of the data, so this
        // walk is bounded by the table's size.
        let mut i = first as usize;
        while let Some(ch) = self.chains.get(i) {
            if (ch | 1) == (h | 1) {
                let index = (self.symoffset as usize)
                    .checked_add(i)
                    .ok_or_else(|| self.bad_symoffset())?;
                let sym = symbols.get(index)?;
                if symbols.strings().eq_at(sym.st_name, name) && accept(index, &sym) {
                    return Ok(Some((index, sym)));
                }
            }
            if ch & 1 != 0 {
                return Ok(None);
            }
            // Cannot wrap: `i` indexes the chains (`get` just succeeded).
            i = i.wrapping_add(1);
        }
        Err(Error::missing(
            Structure::GnuHashTable,
            self.offset,
            Field::MissingChainEnd,
        ))
    }
}

/// Either kind of hash table.
#[derive(Debug, Clone, Copy)]
pub enum HashTable<'a> {
    /// `.gnu.hash`.
    Gnu(GnuHash<'a>),
    /// SysV `.hash`.
    Sysv(SysvHash<'a>),
}

impl<'a> HashTable<'a> {
    /// Finds `name`; see [`GnuHash::find`].
    ///
    /// # Errors
    ///
    /// Fails when the table is corrupt: a bucket or chain leads past the symbol
    /// table or the hash data, or a symbol's name is out of its string table.
    pub fn find(
        &self,
        name: &[u8],
        symbols: &SymbolTable<'a>,
        accept: impl FnMut(usize, &Symbol) -> bool,
    ) -> Result<Option<(usize, Symbol)>> {
        match self {
            HashTable::Gnu(g) => g.find(name, symbols, accept),
            HashTable::Sysv(s) => s.find(name, symbols, accept),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_functions_match_the_abi_examples() {
        // Values from the gABI / glibc's dl-hash and the GNU hash description.
        assert_eq!(sysv_hash(b""), 0);
        assert_eq!(sysv_hash(b"printf"), 0x077905a6);
        assert_eq!(sysv_hash(b"exit"), 0x0006cf04);
        assert_eq!(gnu_hash(b""), 0x0000_1505);
        assert_eq!(gnu_hash(b"printf"), 0x156b_2bb8);
        assert_eq!(gnu_hash(b"exit"), 0x7c96_7e3f);
    }
}
