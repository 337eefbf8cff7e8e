//! RELR encoding: relative relocation addresses packed as an address
//! followed by bitmaps of the next 63 (or 31) words.

use alloc::vec::Vec;

/// Encodes sorted, word-aligned addresses as RELR words.
pub(crate) fn encode_relr(addrs: &[u64], word: u64) -> Vec<u64> {
    let bits = word * 8 - 1;
    let mut out = Vec::new();
    let mut i = 0;
    while i < addrs.len() {
        let a = addrs[i];
        out.push(a);
        let mut base = a.wrapping_add(word);
        i += 1;
        while i < addrs.len() && addrs[i] < base {
            i += 1; // duplicates
        }
        loop {
            let mut bitmap = 0u64;
            while i < addrs.len() {
                let d = addrs[i].wrapping_sub(base);
                if addrs[i] < base || d >= bits * word || !d.is_multiple_of(word) {
                    break;
                }
                bitmap |= 1 << (d / word);
                i += 1;
            }
            if bitmap == 0 {
                break;
            }
            out.push((bitmap << 1) | 1);
            base = base.wrapping_add(bits * word);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::{Class, Encoding, Endian, FixedRelocations, Table};

    #[test]
    fn encoding_decodes_back_through_the_reader() {
        let mut addrs: Vec<u64> = (0..200).map(|i| 0x10000 + i * 8).collect();
        addrs.extend([0x30000, 0x30010, 0x30400, 0x90000]);
        for (class, word) in [(Class::Elf64, 8u64), (Class::Elf32, 4)] {
            let addrs: Vec<u64> = addrs.iter().map(|a| a / 8 * word).collect();
            let words = encode_relr(&addrs, word);
            assert!(words.len() < addrs.len() / 4);
            let enc = Encoding {
                class,
                endian: Endian::Little,
            };
            let mut bytes = Vec::new();
            for w in &words {
                super::super::records::push_word(enc, &mut bytes, *w);
            }
            let t = FixedRelocations::relr(Table::new(enc, &bytes));
            let back: Vec<u64> = t.iter().map(|r| r.offset).collect();
            assert_eq!(back, addrs);
        }
    }
}
