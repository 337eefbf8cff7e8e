//! Section indices inside section contents, moved to a new numbering.

use crate::raw::consts::*;
use crate::read::{Encoding, Symbol, Table};
use crate::write::records::Encode;
use alloc::borrow::Cow;
use alloc::vec::Vec;

/// Section indices inside symbol tables, their extended index tables and
/// groups, moved to the new numbering. Indices of sections that went become
/// `SHN_ABS` in symbols (0 in an extended index table); reserved and
/// out-of-range values pass through.
///
/// `extended` is the symbol table's `SHT_SYMTAB_SHNDX` table, if it has one:
/// a symbol whose section's new index fits in `st_shndx` takes it there
/// (and the table's entry becomes 0), as eu-elflint wants.
pub(super) fn renumber<'d>(
    enc: Encoding,
    sh_type: u32,
    data: Cow<'d, [u8]>,
    new_index: &[u32],
    extended: Option<&[u8]>,
) -> Cow<'d, [u8]> {
    match sh_type {
        SHT_SYMTAB | SHT_DYNSYM => {
            let t = Table::<Symbol>::new(enc, &data);
            let xindex = extended.map(|x| Table::<u32>::new(enc, x));
            let needs = t.iter().any(|s| {
                (s.st_shndx == SHN_XINDEX && xindex.is_some())
                    || (s.st_shndx != 0
                        && s.st_shndx < SHN_LORESERVE
                        && new_index
                            .get(s.st_shndx as usize)
                            .is_some_and(|&n| n != u32::from(s.st_shndx)))
            });
            if !needs {
                return data;
            }
            let mut out = Vec::with_capacity(data.len());
            for (k, mut s) in t.iter().enumerate() {
                if s.st_shndx != 0 && s.st_shndx < SHN_LORESERVE {
                    if let Some(&n) = new_index.get(s.st_shndx as usize) {
                        s.st_shndx = if n == 0 { SHN_ABS } else { n as u16 };
                    }
                } else if s.st_shndx == SHN_XINDEX {
                    let old = xindex.as_ref().and_then(|x| x.get(k));
                    match old.and_then(|w| new_index.get(w as usize).copied()) {
                        Some(0) => s.st_shndx = SHN_ABS,
                        Some(n) if n < u32::from(SHN_LORESERVE) => s.st_shndx = n as u16,
                        _ => {}
                    }
                }
                s.encode(enc, &mut out);
            }
            out.extend_from_slice(&data[out.len()..]);
            Cow::Owned(out)
        }
        // The extended indices of symbols whose `st_shndx` is
        // `SHN_XINDEX` (files with 65,280 sections or more): 0 where the
        // section went or its new index fits in `st_shndx` (see above).
        SHT_SYMTAB_SHNDX => {
            let t = Table::<u32>::new(enc, &data);
            let mut out = Vec::with_capacity(data.len());
            for w in t.iter() {
                let v = match new_index.get(w as usize) {
                    Some(&n) if w != 0 && n >= u32::from(SHN_LORESERVE) => n,
                    Some(_) if w != 0 => 0,
                    _ => w,
                };
                crate::write::records::push_u32(enc, &mut out, v);
            }
            out.extend_from_slice(&data[out.len()..]);
            Cow::Owned(out)
        }
        SHT_GROUP => {
            let t = Table::<u32>::new(enc, &data);
            let mut out = Vec::with_capacity(data.len());
            for (k, w) in t.iter().enumerate() {
                let v = if k == 0 {
                    w
                } else {
                    new_index
                        .get(w as usize)
                        .copied()
                        .filter(|&n| n != 0)
                        .unwrap_or(w)
                };
                crate::write::records::push_u32(enc, &mut out, v);
            }
            out.extend_from_slice(&data[out.len()..]);
            Cow::Owned(out)
        }
        _ => data,
    }
}
