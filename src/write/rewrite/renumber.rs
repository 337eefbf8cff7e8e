//! Section indices inside section contents, moved to a new numbering.

use crate::raw::consts::*;
use crate::read::{Encoding, Symbol, Table};
use crate::write::records::Encode;
use alloc::borrow::Cow;
use alloc::vec::Vec;

/// Section indices inside symbol tables and groups, moved to the new
/// numbering. Indices of sections that went become `SHN_ABS` in symbols;
/// reserved and out-of-range values pass through.
pub(super) fn renumber<'d>(
    enc: Encoding,
    sh_type: u32,
    data: Cow<'d, [u8]>,
    new_index: &[u32],
) -> Cow<'d, [u8]> {
    match sh_type {
        SHT_SYMTAB | SHT_DYNSYM => {
            let t = Table::<Symbol>::new(enc, &data);
            let needs = t.iter().any(|s| {
                s.st_shndx != 0
                    && s.st_shndx < SHN_LORESERVE
                    && new_index
                        .get(s.st_shndx as usize)
                        .is_some_and(|&n| n != u32::from(s.st_shndx))
            });
            if !needs {
                return data;
            }
            let mut out = Vec::with_capacity(data.len());
            for mut s in t.iter() {
                if s.st_shndx != 0 && s.st_shndx < SHN_LORESERVE {
                    if let Some(&n) = new_index.get(s.st_shndx as usize) {
                        s.st_shndx = if n == 0 { SHN_ABS } else { n as u16 };
                    }
                }
                s.encode(enc, &mut out);
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
