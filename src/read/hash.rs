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
        let need = nbucket.checked_add(nchain).and_then(|n| n.checked_add(2));
        if need.is_none_or(|n| n > all.len() as u64) {
            let w = Table::<u64>::entry_size(words) as u64;
            return Err(Error::out_of_bounds(
                Structure::HashTable,
                Field::HashWords,
                offset,
                need.unwrap_or(u64::MAX).saturating_mul(w),
            ));
        }
        let buckets = all.skip(2).take(nbucket as usize);
        let chains = all.skip(2 + nbucket as usize).take(nchain as usize);
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
        let h = u64::from(sysv_hash(name));
        let mut index = self
            .buckets
            .get((h % self.buckets.len() as u64) as usize)
            .unwrap_or(0);
        // A chain visits each symbol at most once; more steps mean a loop.
        for _ in 0..=self.chains.len() {
            if index == 0 {
                return Ok(None);
            }
            let i = index as usize;
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
        let wsize = encoding.address_size() as u64;
        let bloom_bytes = u64::from(bloom_size) * wsize;
        let bucket_start = 16 + bloom_bytes;
        let chain_start = bucket_start + u64::from(nbuckets) * 4;
        if chain_start > data.len() as u64 {
            return Err(Error::out_of_bounds(
                Structure::GnuHashTable,
                Field::GnuHashHeadBloomBuckets,
                offset,
                chain_start,
            ));
        }
        let bloom = Table::<u64>::new(encoding, &data[16..bucket_start as usize]);
        let buckets =
            Table::<u32>::new(words32, &data[bucket_start as usize..chain_start as usize]);
        let chains = Table::<u32>::new(words32, &data[chain_start as usize..]);
        Ok(GnuHash {
            symoffset,
            bloom_shift,
            bloom,
            buckets,
            chains,
            word_bits: (wsize * 8) as u32,
            offset,
        })
    }

    /// The index of the first symbol the table covers.
    pub fn symoffset(&self) -> u32 {
        self.symoffset
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
        if max < self.symoffset {
            return Ok(self.symoffset as usize);
        }
        let mut i = (max - self.symoffset) as usize;
        loop {
            let word = self.chains.get(i).ok_or(Error::missing(
                Structure::GnuHashTable,
                self.offset,
                Field::MissingLastChainEnd,
            ))?;
            if word & 1 != 0 {
                return Ok(self.symoffset as usize + i + 1);
            }
            i += 1;
        }
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
        // word_bits is 32 or 64: shifts and masks, not divisions.
        let bits = self.word_bits;
        let log2 = bits.trailing_zeros();
        let n = self.bloom.len();
        let at = (h >> log2) as usize;
        let at = if n.is_power_of_two() {
            at & (n - 1)
        } else {
            at % n
        };
        let word = self.bloom.get(at).unwrap_or(0);
        let mask = (1u64 << (h & (bits - 1)))
            | (1u64 << (h.checked_shr(self.bloom_shift).unwrap_or(0) & (bits - 1)));
        if word & mask != mask {
            return Ok(None);
        }
        let start = self
            .buckets
            .get((h as usize) % self.buckets.len())
            .unwrap_or(0);
        if start < self.symoffset {
            return Ok(None);
        }
        // Chains only move forward and end at the end of the data, so this
        // walk is bounded by the table's size.
        let mut i = (start - self.symoffset) as usize;
        while let Some(ch) = self.chains.get(i) {
            if (ch | 1) == (h | 1) {
                let index = self.symoffset as usize + i;
                let sym = symbols.get(index)?;
                if symbols.strings().eq_at(sym.st_name, name) && accept(index, &sym) {
                    return Ok(Some((index, sym)));
                }
            }
            if ch & 1 != 0 {
                return Ok(None);
            }
            i += 1;
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
