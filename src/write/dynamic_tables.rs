//! The symbol hash tables of a dynamic file: `.gnu.hash` and SysV `.hash`,
//! with their sizes chosen from the symbol count.

use super::records::{push_u32, push_word};
use crate::raw::consts::EM_S390;
use crate::read::{Class, Encoding, Symbol, gnu_hash, sysv_hash};
use alloc::vec::Vec;

/// A dynamic symbol about to be written.
pub(crate) struct DynSymbol<'b> {
    pub name: &'b [u8],
    pub sym: Symbol,
    pub defined: bool,
}

/// Buckets for `n` hashed symbols: about four symbols a chain.
pub(crate) fn gnu_bucket_count(n: u64) -> u64 {
    (n / 4).max(1)
}

/// The size of a SysV table: 64-bit s390 uses 8-byte words.
pub(crate) fn sysv_word(enc: Encoding, machine: u16) -> u64 {
    if enc.class == Class::Elf64 && machine == EM_S390 {
        8
    } else {
        4
    }
}

/// Bloom filter words for `n` symbols: about 12 bits a symbol, a power of two.
pub(crate) fn gnu_bloom_words(n: u64, word: u64) -> u64 {
    ((n * 12) / (word * 8)).max(1).next_power_of_two()
}

const BLOOM_SHIFT: u32 = 26;

/// SysV bucket counts as GNU ld chooses them: primes, about half the symbols.
pub(crate) fn sysv_bucket_count(nsyms: u64) -> u64 {
    const SIZES: [u64; 19] = [
        1, 3, 17, 37, 67, 97, 131, 197, 263, 521, 1031, 2053, 4099, 8209, 16411, 32771, 65537,
        131101, 262147,
    ];
    SIZES
        .iter()
        .copied()
        .filter(|&b| b <= (nsyms / 2).max(1))
        .max()
        .unwrap_or(1)
}

/// Orders the defined dynamic symbols by GNU hash bucket (stably), as the
/// table requires: each bucket's symbols must be contiguous.
pub(crate) fn order_for_gnu_hash<'n>(
    defs: &[usize],
    name: impl Fn(usize) -> &'n [u8],
) -> Vec<usize> {
    let nb = gnu_bucket_count(defs.len() as u64);
    let mut keyed: Vec<(u64, usize)> = defs
        .iter()
        .map(|&i| (u64::from(gnu_hash(name(i))) % nb, i))
        .collect();
    keyed.sort_by_key(|&(b, _)| b);
    keyed.into_iter().map(|(_, i)| i).collect()
}

/// `.gnu.hash` over `syms` (dynsym indices start at 1), whose defined
/// symbols start at index `symoffset` and are in bucket order.
pub(crate) fn build_gnu_hash(
    enc: Encoding,
    syms: &[DynSymbol<'_>],
    symoffset: u32,
    nbuckets: u64,
) -> Vec<u8> {
    let word = enc.address_size() as u64;
    let bits = (word * 8) as u32;
    let defs: Vec<(u32, u32)> = syms
        .iter()
        .enumerate()
        .filter(|(_, s)| s.defined)
        .map(|(k, s)| (k as u32 + 1, gnu_hash(s.name)))
        .collect();
    let nbloom = gnu_bloom_words(defs.len() as u64, word);
    let mut bloom = alloc::vec![0u64; nbloom as usize];
    let mut buckets = alloc::vec![0u32; nbuckets as usize];
    let mut chains = Vec::with_capacity(defs.len());
    for (k, &(idx, h)) in defs.iter().enumerate() {
        let w = ((h / bits) as u64 % nbloom) as usize;
        bloom[w] |= (1u64 << (h % bits)) | (1u64 << ((h >> BLOOM_SHIFT) % bits));
        let b = (u64::from(h) % nbuckets) as usize;
        if buckets[b] == 0 {
            buckets[b] = idx;
        }
        let last = defs
            .get(k + 1)
            .is_none_or(|&(_, h2)| u64::from(h2) % nbuckets != b as u64);
        chains.push(if last { h | 1 } else { h & !1 });
    }
    let mut out = Vec::new();
    push_u32(enc, &mut out, nbuckets as u32);
    push_u32(enc, &mut out, symoffset);
    push_u32(enc, &mut out, nbloom as u32);
    push_u32(enc, &mut out, BLOOM_SHIFT);
    for w in bloom {
        push_word(enc, &mut out, w);
    }
    for b in buckets {
        push_u32(enc, &mut out, b);
    }
    for c in chains {
        push_u32(enc, &mut out, c);
    }
    out
}

/// SysV `.hash` over every dynamic symbol (and the null one).
pub(crate) fn build_sysv_hash(
    enc: Encoding,
    machine: u16,
    syms: &[DynSymbol<'_>],
    nbucket: u64,
) -> Vec<u8> {
    let nchain = syms.len() + 1;
    let mut buckets = alloc::vec![0u32; nbucket as usize];
    let mut chains = alloc::vec![0u32; nchain];
    for (k, s) in syms.iter().enumerate() {
        let i = k as u32 + 1;
        let b = (u64::from(sysv_hash(s.name)) % nbucket) as usize;
        chains[i as usize] = buckets[b];
        buckets[b] = i;
    }
    let mut out = Vec::new();
    // 64-bit s390 uses 8-byte hash words.
    let wide = enc.class == Class::Elf64 && machine == EM_S390;
    let w = |out: &mut Vec<u8>, v: u32| {
        if wide {
            push_word(enc, out, v.into())
        } else {
            push_u32(enc, out, v)
        }
    };
    w(&mut out, nbucket as u32);
    w(&mut out, nchain as u32);
    for b in buckets {
        w(&mut out, b);
    }
    for c in chains {
        w(&mut out, c);
    }
    out
}
