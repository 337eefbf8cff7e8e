//! The dynamic table of a growing file: entries pointed at new strings in
//! the moved `.dynstr`, and new entries, written in the table's spare
//! `DT_NULL` slots when it has enough, or else into a copy of the table in
//! a new writable segment (`PT_DYNAMIC` and the `.dynamic` section header
//! then point at the copy; ld.so writes `DT_DEBUG` there, so it must be
//! writable; the old table stays where it was, unused).

use super::Rewriter;
use super::extend::err;
use crate::raw::consts::*;
use crate::read::{Dyn, ElfFile, Encoding, ProgramHeader, Symbol, Table};
use crate::write::error::{Error, ErrorKind, Result, Subject};
use crate::write::records::Encode;
use alloc::borrow::Cow;
use alloc::vec::Vec;

/// MIPS: the offset from this entry to the run-time linker map. It is
/// relative to the entry's own address, so it changes when the table
/// moves. (Not in `raw::consts`: the reader does not interpret it.)
const DT_MIPS_RLD_MAP_REL: i64 = 0x7000_0035;

impl Rewriter<'_> {
    /// The `PT_DYNAMIC` program header.
    pub(super) fn dynamic_segment(&self) -> Result<ProgramHeader> {
        self.segments
            .iter()
            .find(|p| p.p_type == PT_DYNAMIC)
            .copied()
            .ok_or(Error::new(
                Subject::Rewrite,
                ErrorKind::Missing("PT_DYNAMIC"),
            ))
    }

    /// Every entry of the input's dynamic table (through `DT_NULL` and any
    /// after it).
    pub(super) fn dynamic_entries(&self) -> Result<Vec<Dyn>> {
        let p = self.dynamic_segment()?;
        let bytes = crate::read::bytes::range(
            self.input,
            p.p_offset,
            p.p_filesz,
            crate::error::Structure::DynamicTable,
            crate::error::Field::POffsetFilesz,
        )?;
        Ok(Table::<Dyn>::new(self.encoding, bytes).iter().collect())
    }

    /// The entries before the first `DT_NULL`, and how many slots the
    /// table has up to the end of the `DT_NULL`s that follow them.
    fn dynamic_slots(entries: &[Dyn]) -> (usize, usize) {
        let live = entries
            .iter()
            .position(|d| d.d_tag == DT_NULL)
            .unwrap_or(entries.len());
        let nulls = entries[live..]
            .iter()
            .take_while(|d| d.d_tag == DT_NULL)
            .count();
        (live, live + nulls)
    }

    /// Whether the new entries need the table moved: they fit in place
    /// only in spare `DT_NULL` slots, keeping one to end the table.
    pub(super) fn dynamic_moves(&self) -> Result<bool> {
        if self.ext.dyn_adds.is_empty() {
            return Ok(false);
        }
        let (live, slots) = Self::dynamic_slots(&self.dynamic_entries()?);
        Ok(self.ext.dyn_adds.len() + 1 > slots - live)
    }

    /// The new string at `at` in the strings to add.
    pub(super) fn new_string_at(&self, at: u64) -> &[u8] {
        let rest = self.ext.new_strings.get(at as usize..).unwrap_or(&[]);
        rest.split(|&b| b == 0).next().unwrap_or(&[])
    }

    /// The indices of the live entries `tag` (whose string is `old`, if
    /// given).
    pub(super) fn find_dynamic_strings(&self, tag: i64, old: Option<&[u8]>) -> Result<Vec<usize>> {
        self.require_loaded()?;
        let file = ElfFile::parse(self.input)?;
        let entries = self.dynamic_entries()?;
        let (live, _) = Self::dynamic_slots(&entries);
        Ok((0..live)
            .filter(|&i| {
                let d = &entries[i];
                d.d_tag == tag
                    && old.is_none_or(|o| file.dynamic_string(d.d_val).is_ok_and(|s| s == o))
            })
            .collect())
    }

    /// Points every live entry `tag` (naming `old`, if given) at `value`.
    /// (Every one: readelf shows them all, and ld.so takes the last
    /// `DT_SONAME` or `DT_RUNPATH` where other tools take the first.)
    pub(super) fn set_dynamic_string(
        &mut self,
        tag: i64,
        old: Option<&[u8]>,
        value: &[u8],
    ) -> Result<()> {
        check_string(value)?;
        let targets = self.find_dynamic_strings(tag, old)?;
        if targets.is_empty() {
            return Err(Error::new(
                Subject::Rewrite,
                ErrorKind::Missing("dynamic entry to change"),
            ));
        }
        let file = ElfFile::parse(self.input)?;
        let entries = self.dynamic_entries()?;
        let at = self.ext.string(value);
        for i in targets {
            // A renamed library's version needs name it too (`vn_file`).
            let old_name = if tag == DT_NEEDED {
                file.dynamic_string(entries[i].d_val)
                    .ok()
                    .map(<[u8]>::to_vec)
            } else {
                None
            };
            self.ext.dyn_edits.retain(|(k, _, _)| *k != i);
            self.ext.dyn_edits.push((i, at, old_name));
        }
        Ok(())
    }

    /// Points the entry `tag` at `value`, adding one if there is none (an
    /// entry added before is changed instead).
    pub(super) fn set_or_add_dynamic_string(&mut self, tag: i64, value: &[u8]) -> Result<()> {
        if !self.find_dynamic_strings(tag, None)?.is_empty() {
            return self.set_dynamic_string(tag, None, value);
        }
        check_string(value)?;
        self.ext.dyn_adds.retain(|&(t, _)| t != tag);
        self.add_dynamic_string(tag, value)
    }

    /// Adds an entry `tag` naming `value`.
    pub(super) fn add_dynamic_string(&mut self, tag: i64, value: &[u8]) -> Result<()> {
        self.require_loaded()?;
        check_string(value)?;
        self.dynamic_segment()?;
        let at = self.ext.string(value);
        self.ext.dyn_adds.push((tag, at));
        Ok(())
    }

    /// The new dynamic table: the input's live entries with `DT_STRTAB`
    /// and `DT_STRSZ` at the moved strings (`strtab`: address and size;
    /// `base`: where the new strings start in it), the changed entries,
    /// and the added ones after the last `DT_NEEDED` (so an added library
    /// comes last in the search order), then `DT_NULL`.
    ///
    /// `moved_to`: the address of the table's new copy, or `None` to fill
    /// the old table in place (to its last spare `DT_NULL`).
    pub(super) fn new_dynamic(
        &self,
        strtab: (u64, u64),
        base: u64,
        moved_to: Option<u64>,
    ) -> Result<Vec<Dyn>> {
        let entries = self.dynamic_entries()?;
        let (live, slots) = Self::dynamic_slots(&entries);
        let entsize = self.encoding.address_size() as u64 * 2;
        let old_addr = self.dynamic_segment()?.p_vaddr;
        // Each entry with its old index (None for an added one).
        let mut table: Vec<(Option<usize>, Dyn)> = entries[..live]
            .iter()
            .copied()
            .enumerate()
            .map(|(i, d)| (Some(i), d))
            .collect();
        for (_, d) in &mut table {
            match d.d_tag {
                DT_STRTAB => d.d_val = strtab.0,
                DT_STRSZ => d.d_val = strtab.1,
                _ => {}
            }
        }
        for (i, at, _) in &self.ext.dyn_edits {
            if let Some((_, d)) = table.get_mut(*i) {
                d.d_val = base + at;
            }
        }
        let after = table
            .iter()
            .rposition(|(_, d)| d.d_tag == DT_NEEDED)
            .map_or(0, |k| k + 1);
        let adds = self.ext.dyn_adds.iter().map(|&(tag, at)| {
            (
                None,
                Dyn {
                    d_tag: tag,
                    d_val: base + at,
                },
            )
        });
        table.splice(after..after, adds);
        let null = Dyn {
            d_tag: DT_NULL,
            d_val: 0,
        };
        let mut out: Vec<Dyn> = Vec::with_capacity(table.len().max(slots));
        for (k, (i, mut d)) in table.into_iter().enumerate() {
            if let (Some(new), Some(i), DT_MIPS_RLD_MAP_REL) = (moved_to, i, d.d_tag) {
                // Still relative to the entry, now elsewhere.
                let was = old_addr.wrapping_add(i as u64 * entsize);
                let now = new.wrapping_add(k as u64 * entsize);
                d.d_val = d.d_val.wrapping_add(was).wrapping_sub(now);
            }
            out.push(d);
        }
        out.push(null);
        if moved_to.is_none() {
            // (`dynamic_moves` said they fit; a table without a `DT_NULL`
            // to begin with, only changed, stays without one.)
            if out.len() > slots && !self.ext.dyn_adds.is_empty() {
                return Err(err(
                    "dynamic entries to add (no room in place)",
                    out.len() as u64,
                ));
            }
            out.resize(slots, null);
        }
        Ok(out)
    }

    /// `vn_file` fields that named a renamed library, pointed at the new
    /// name: ld.so matches version needs to libraries by that name.
    pub(super) fn verneed_file_edits(
        &self,
        f: &ElfFile<'_>,
        base: u64,
    ) -> Result<Vec<(u64, Vec<u8>)>> {
        let renamed: Vec<(&[u8], u64)> = self
            .ext
            .dyn_edits
            .iter()
            .filter_map(|(_, at, old)| old.as_deref().map(|o| (o, base + at)))
            .collect();
        if renamed.is_empty() {
            return Ok(Vec::new());
        }
        let Some(d) = f.dynamic()? else {
            return Ok(Vec::new());
        };
        let info = d.info();
        let (Some(addr), Some(count)) = (info.verneed, info.verneednum) else {
            return Ok(Vec::new());
        };
        let (data, offset) = f.data_from_vaddr_as(addr, crate::error::Structure::VersionNeeds)?;
        let strings = f.dynamic_strings()?;
        let enc = self.encoding;
        let mut out = Vec::new();
        let mut pos = 0usize;
        // vd_next only moves forward, so the walk ends within the data.
        for _ in 0..count.min(data.len() as u64 / 16) {
            let (Some(file), Some(next)) = (
                enc.read_u32(data.get(pos + 4..).unwrap_or(&[])),
                enc.read_u32(data.get(pos + 12..).unwrap_or(&[])),
            ) else {
                break;
            };
            if let Ok(name) = strings.get(file) {
                if let Some(&(_, new)) = renamed.iter().find(|(o, _)| *o == name) {
                    let mut b = Vec::new();
                    crate::write::records::push_u32(enc, &mut b, new as u32);
                    out.push((offset + pos as u64 + 4, b));
                }
            }
            if next == 0 {
                break;
            }
            pos += next as usize;
        }
        Ok(out)
    }
}

/// A symbol table's `_DYNAMIC` (named by `strings`), moved from `old` to
/// `new` with the table it marks: eu-elflint and debuggers expect it at
/// `PT_DYNAMIC`'s address.
pub(super) fn retarget_dynamic_symbol<'d>(
    enc: Encoding,
    sh_type: u32,
    data: Cow<'d, [u8]>,
    strings: &[u8],
    (old, new): (u64, u64),
) -> Cow<'d, [u8]> {
    if !matches!(sh_type, SHT_SYMTAB | SHT_DYNSYM) {
        return data;
    }
    let named = |at: u32| {
        strings
            .get(at as usize..)
            .and_then(|s| s.split(|&b| b == 0).next())
            == Some(&b"_DYNAMIC"[..])
    };
    let hits: Vec<(usize, Symbol)> = Table::<Symbol>::new(enc, &data)
        .iter()
        .enumerate()
        .filter(|(_, s)| s.st_value == old && named(s.st_name))
        .collect();
    if hits.is_empty() {
        return data;
    }
    let size = Table::<Symbol>::entry_size(enc);
    let mut out = data.into_owned();
    for (i, mut sym) in hits {
        sym.st_value = new;
        let mut bytes = Vec::with_capacity(size);
        sym.encode(enc, &mut bytes);
        out[i * size..(i + 1) * size].copy_from_slice(&bytes);
    }
    Cow::Owned(out)
}

fn check_string(value: &[u8]) -> Result<()> {
    if value.contains(&0) {
        return Err(err("string (contains NUL)", 0));
    }
    Ok(())
}
