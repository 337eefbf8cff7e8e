//! Loading an image (`ET_DYN`, `ET_EXEC`): map, zero, relocate, protect,
//! and look symbols up in it.

use super::dynamic::{self, Target};
use super::error::{Error, Result};
use super::memory::{Prot, Reservation, page_size};
use super::plan::{self, ImagePlan, LoadOptions};
use super::resolve::Resolver;
use super::symbols::{self, Symbol};
use crate::raw::consts::*;
use crate::read::{DynamicInfo, DynamicSymbols, DynamicTable, ElfFile};
use alloc::vec::Vec;
use core::ops::Range;
use std::fs::File;
use std::path::Path;

/// A mapped segment of a loaded image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MappedSegment {
    /// The program header index.
    pub index: usize,
    /// The run-time address of its first byte (`p_vaddr` + bias).
    pub address: usize,
    /// `p_memsz`.
    pub size: usize,
    /// Its permissions once loaded.
    pub prot: Prot,
}

/// An image loaded into this process. Dropping it unmaps everything, so
/// nothing obtained from it (addresses, function pointers) may be used
/// afterwards.
///
/// ```no_run
/// use elfin::load::{Image, NoSymbols};
/// let image = Image::load("libanswer.so", NoSymbols)?;
/// // SAFETY: `answer` is `int answer(void)` in C.
/// let answer = unsafe { image.function::<extern "C" fn() -> i32>("answer")? };
/// assert_eq!(answer(), 42);
/// # Ok::<(), elfin::load::Error>(())
/// ```
#[derive(Debug)]
pub struct Image {
    // Views into `mem`'s read-only pages: declared first, dropped first.
    symbols: Option<DynamicSymbols<'static>>,
    segments: Vec<MappedSegment>,
    bias: usize,
    entry: usize,
    mem: Reservation,
}

/// Files shorter than this are read to find their headers rather than
/// mapped twice.
const READ_LIMIT: usize = 64 * 1024;

/// Where the file's bytes come from.
enum Source<'f> {
    /// A file: segments are mapped from it (and shared between processes).
    File(&'f File),
    /// Bytes in memory: segments are copied.
    Bytes,
}

impl Image {
    /// Loads the image at `path`, resolving outside symbols with
    /// `resolver`.
    pub fn load(path: impl AsRef<Path>, resolver: impl Resolver) -> Result<Image> {
        Self::load_with(path, &LoadOptions::default(), resolver)
    }

    /// [`load`](Image::load) with options.
    pub fn load_with(
        path: impl AsRef<Path>,
        opts: &LoadOptions,
        mut resolver: impl Resolver,
    ) -> Result<Image> {
        let file = File::open(path.as_ref()).map_err(|source| Error::System {
            what: "open of the image",
            source,
        })?;
        // A small file is read whole with one pread, whose short count is
        // its length (no statx), and parsed from the copy; a large one,
        // whose tail may be debug data never to be paged in, is viewed
        // through a mapping. (A short count that is not the end, on an
        // odd file system, only makes segments look past the end: the
        // load is refused, never wrong.)
        let mut bytes = Vec::with_capacity(READ_LIMIT);
        let n = rustix::io::pread(&file, rustix::buffer::spare_capacity(&mut bytes), 0)
            .map_err(|e| Error::system("read of the image", e))?;
        if n < READ_LIMIT {
            let elf = ElfFile::parse(&bytes)?;
            return build(&elf, Source::File(&file), opts, &mut resolver);
        }
        drop(bytes);
        // SAFETY: a private read-only view of the file, used while loading
        // only. Like every file mapping it assumes nobody truncates or
        // rewrites the file meanwhile; the loader cannot prevent that, and
        // documents it on `load`.
        let view = unsafe { memmap2::Mmap::map(&file) }.map_err(|source| Error::System {
            what: "mmap of the file to read its headers",
            source,
        })?;
        let elf = ElfFile::parse(&view)?;
        build(&elf, Source::File(&file), opts, &mut resolver)
    }

    /// Loads an image from bytes in memory (copying its segments).
    pub fn from_bytes(bytes: &[u8], resolver: impl Resolver) -> Result<Image> {
        Self::from_bytes_with(bytes, &LoadOptions::default(), resolver)
    }

    /// [`from_bytes`](Image::from_bytes) with options.
    pub fn from_bytes_with(
        bytes: &[u8],
        opts: &LoadOptions,
        mut resolver: impl Resolver,
    ) -> Result<Image> {
        let elf = ElfFile::parse(bytes)?;
        build(&elf, Source::Bytes, opts, &mut resolver)
    }

    /// The load bias: run-time address minus file address (0 for `ET_EXEC`).
    pub fn bias(&self) -> usize {
        self.bias
    }

    /// The run-time entry point (`e_entry` + bias).
    pub fn entry(&self) -> usize {
        self.entry
    }

    /// The address range the image owns.
    pub fn range(&self) -> Range<usize> {
        self.mem.start()..self.mem.start() + self.mem.len()
    }

    /// The loaded segments.
    pub fn segments(&self) -> &[MappedSegment] {
        &self.segments
    }

    /// The run-time address of the defined dynamic symbol `name` (its
    /// default version), found through the image's hash table.
    pub fn address(&self, name: &str) -> Result<usize> {
        symbols::find(self.symbols.as_ref(), name.as_bytes(), None, self.bias)
    }

    /// The run-time address of `name` at version `version`.
    pub fn address_versioned(&self, name: &str, version: &str) -> Result<usize> {
        symbols::find(
            self.symbols.as_ref(),
            name.as_bytes(),
            Some(version.as_bytes()),
            self.bias,
        )
    }

    /// The symbol `name` as a value of type `F` (a function pointer such
    /// as `extern "C" fn(i32) -> i32`, or a raw pointer), borrowed from the
    /// image so that it cannot outlive it.
    ///
    /// # Safety
    ///
    /// `F` must be a pointer type that matches what the symbol is: for a
    /// function, its exact signature and ABI. Calling loaded code is as
    /// safe as that code.
    pub unsafe fn function<F: Copy>(&self, name: &str) -> Result<Symbol<'_, F>> {
        let address = self.address(name)?;
        // SAFETY: forwarded to the caller (this function's contract).
        unsafe { Symbol::new(address, name) }
    }
}

fn build(
    elf: &ElfFile<'_>,
    source: Source<'_>,
    opts: &LoadOptions,
    resolver: &mut dyn Resolver,
) -> Result<Image> {
    plan::check_host(elf, &[ET_DYN, ET_EXEC])?;
    let page = page_size() as u64;
    let p = plan::plan(elf, page, opts)?;
    let file_len = elf.data().len() as u64;
    let whole = match (&source, p.whole_file_delta) {
        (Source::File(_), Some(delta)) => Some(delta),
        _ => None,
    };
    // The whole-file mapping covers the file's tail too (never touched).
    let high = match whole {
        Some(delta) => p.high.max(file_pages_end(file_len, delta, page)),
        None => p.high,
    };
    let len = (high - p.low) as usize;
    // The whole file in the mmap placement, anywhere, with no memory past
    // its last page and no alignment above the page: one mmap is the
    // reservation and the mapping.
    let direct = match (&source, whole) {
        (Source::File(f), Some(delta))
            if !p.fixed && p.align <= page && p.high <= file_pages_end(file_len, delta, page) =>
        {
            let first_off = p.low.wrapping_sub(delta);
            Some(Reservation::map_file_anywhere(
                len,
                f,
                first_off,
                Prot::R,
                "mmap of the file",
            )?)
        }
        _ => None,
    };
    let is_direct = direct.is_some();
    let fixed = p.fixed.then_some(p.low as usize);
    let mem = match (direct, &source) {
        (Some(mem), _) => mem,
        // Bytes are copied into fresh writable pages: the reservation is
        // those pages (one mmap, not one per segment).
        (None, Source::Bytes) => Reservation::new_with(len, p.align as usize, fixed, Prot::RW)?,
        (None, Source::File(_)) => Reservation::new(len, p.align as usize, fixed)?,
    };
    let bias = (mem.start() as u64).wrapping_sub(p.low);
    // The protection each segment's pages are left in by the mapping step
    // (None: mixed), so that the final pass skips the mprotects that would
    // change nothing.
    let mapped = match (source, whole) {
        (Source::File(_), Some(_)) if is_direct => finish_segments(&mem, &p, bias)?,
        (Source::File(f), Some(delta)) => map_whole_file(&mem, &p, f, bias, delta, file_len)?,
        (Source::File(f), None) => map_segments_from_file(&mem, &p, f, bias)?,
        (Source::Bytes, _) => copy_segments(&mem, &p, elf, bias)?,
    };
    let info = dynamic_info(elf)?;
    let target = Target::new(&mem, bias, &p.segments);
    let mut deferred = Vec::new();
    if let Some(info) = &info {
        let tables = elf.dynamic_relocations_of(info)?;
        let syms = crate::read::dynamic_symbols_in(elf, elf.encoding(), false, info)?;
        deferred = dynamic::apply(
            elf.machine(),
            &tables,
            syms.as_ref(),
            &target,
            resolver,
            opts,
        )?;
    }
    for (i, s) in p.segments.iter().enumerate() {
        if mapped[i] == Some(s.prot) && !shares_a_page(&p.segments, i, page) {
            continue;
        }
        let start = s.vaddr & !(page - 1);
        let size = (s.end().next_multiple_of(page) - start) as usize;
        mem.protect(
            start.wrapping_add(bias) as usize,
            size,
            s.prot,
            "mprotect of a segment",
        )?;
    }
    if !deferred.is_empty() {
        // SAFETY: the caller allowed IRELATIVE (`apply` refuses it
        // otherwise) and every executable segment has its final
        // protection.
        unsafe { dynamic::apply_irelative(&target, &deferred)? };
    }
    if let Some((addr, size)) = p.relro {
        let start = addr & !(page - 1);
        let end = addr.saturating_add(size) & !(page - 1);
        if end > start {
            mem.protect(
                start.wrapping_add(bias) as usize,
                (end - start) as usize,
                Prot::R,
                "mprotect of PT_GNU_RELRO",
            )?;
        }
    }
    let symbols = match &info {
        Some(info) => symbols::in_memory(&mem, &p, bias, elf, info)?,
        None => None,
    };
    let segments = p
        .segments
        .iter()
        .map(|s| MappedSegment {
            index: s.index,
            address: s.vaddr.wrapping_add(bias) as usize,
            size: s.memsz as usize,
            prot: s.prot,
        })
        .collect();
    Ok(Image {
        symbols,
        segments,
        bias: bias as usize,
        entry: elf.header().e_entry.wrapping_add(bias) as usize,
        mem,
    })
}

/// Whether segment `i`'s pages hold part of another segment (then the
/// order of the mprotects matters, and none of them is skipped).
fn shares_a_page(segments: &[plan::SegmentPlan], i: usize, page: u64) -> bool {
    let pages = |s: &plan::SegmentPlan| (s.vaddr & !(page - 1))..s.end().next_multiple_of(page);
    let mine = pages(&segments[i]);
    segments
        .iter()
        .enumerate()
        .any(|(j, s)| j != i && pages(s).start < mine.end && mine.start < pages(s).end)
}

/// The dynamic table through `PT_DYNAMIC` (not the section headers,
/// which sit in the never-touched tail).
fn dynamic_info(elf: &ElfFile<'_>) -> Result<Option<DynamicInfo>> {
    let Some(ph) = elf.segments().find(|p| p.p_type == PT_DYNAMIC) else {
        return Ok(None);
    };
    let data = elf.segment_data(&ph)?;
    let table = DynamicTable::new(elf.encoding(), data, ph.p_offset);
    Ok(Some(table.info()))
}

/// The address (in the file's addresses) after the file's last page when
/// it is mapped whole with `vaddr - offset = delta`.
fn file_pages_end(file_len: u64, delta: u64, page: u64) -> u64 {
    file_len.next_multiple_of(page).wrapping_add(delta)
}

/// The mmap placement, the file already mapped read-only over the whole
/// range: only the writable pages (and the zero pages) changed.
fn finish_segments(mem: &Reservation, p: &ImagePlan, bias: u64) -> Result<Vec<Option<Prot>>> {
    let page = page_size() as u64;
    p.segments
        .iter()
        .map(|s| finish_segment(mem, s, bias, page, true))
        .collect()
}

/// The mmap placement: one read-only mapping of the file, then only the
/// writable pages (and the zero pages past the file part) changed.
fn map_whole_file(
    mem: &Reservation,
    p: &ImagePlan,
    file: &File,
    bias: u64,
    delta: u64,
    file_len: u64,
) -> Result<Vec<Option<Prot>>> {
    let page = page_size() as u64;
    let first_off = p.low.wrapping_sub(delta);
    let len = file_len.next_multiple_of(page).saturating_sub(first_off);
    let at = p.low.wrapping_add(bias) as usize;
    mem.map_file_with(
        at,
        len as usize,
        file,
        first_off,
        Prot::R,
        false,
        "mmap of the file",
    )?;
    p.segments
        .iter()
        .map(|s| finish_segment(mem, s, bias, page, true))
        .collect()
}

/// Other files: each `PT_LOAD` mapped from the file at its address.
fn map_segments_from_file(
    mem: &Reservation,
    p: &ImagePlan,
    file: &File,
    bias: u64,
) -> Result<Vec<Option<Prot>>> {
    let page = page_size() as u64;
    let mut mapped = Vec::with_capacity(p.segments.len());
    for s in &p.segments {
        let start = s.vaddr & !(page - 1);
        let file_end = (s.vaddr + s.filesz).next_multiple_of(page);
        if s.filesz > 0 {
            mem.map_file_with(
                start.wrapping_add(bias) as usize,
                (file_end - start) as usize,
                file,
                s.offset & !(page - 1),
                Prot::R,
                false,
                "mmap of a segment",
            )?;
        }
        mapped.push(finish_segment(mem, s, bias, page, s.filesz > 0)?);
    }
    Ok(mapped)
}

/// After a segment's file pages are mapped read-only: makes the writable
/// ones writable (and the last file page of a segment that has zeros
/// after its file part), zeroes what follows `p_filesz` in that page, and
/// maps zero pages for the rest of `p_memsz`. Returns the protection the
/// segment's pages are left in, if it is one for all of them.
fn finish_segment(
    mem: &Reservation,
    s: &plan::SegmentPlan,
    bias: u64,
    page: u64,
    has_file_pages: bool,
) -> Result<Option<Prot>> {
    let start = s.vaddr & !(page - 1);
    let file_end = s.vaddr + s.filesz;
    let file_page_end = if has_file_pages {
        file_end.next_multiple_of(page)
    } else {
        start
    };
    let rt = |a: u64| a.wrapping_add(bias) as usize;
    let tail_in_page = s.end().min(file_page_end).saturating_sub(file_end);
    if s.is_writable() {
        mem.protect(
            rt(start),
            (file_page_end - start) as usize,
            Prot::RW,
            "mprotect of a writable segment",
        )?;
    } else if tail_in_page > 0 {
        let last = file_page_end - page;
        mem.protect(
            rt(last),
            page as usize,
            Prot::RW,
            "mprotect of a segment's last file page",
        )?;
    }
    if tail_in_page > 0 {
        mem.zero(rt(file_end), tail_in_page as usize)?;
    }
    let end = s.end().next_multiple_of(page);
    if end > file_page_end {
        mem.map_zeros(
            rt(file_page_end),
            (end - file_page_end) as usize,
            Prot::RW,
            "mmap of zero pages",
        )?;
    }
    let zero_pages = end > file_page_end;
    Ok(if s.is_writable() || file_page_end == start {
        Some(Prot::RW)
    } else if tail_in_page > 0 || zero_pages {
        None
    } else {
        Some(Prot::R)
    })
}

/// From bytes: fresh writable pages with the segments copied in.
fn copy_segments(
    mem: &Reservation,
    p: &ImagePlan,
    elf: &ElfFile<'_>,
    bias: u64,
) -> Result<Vec<Option<Prot>>> {
    let page = page_size() as u64;
    let rt = |a: u64| a.wrapping_add(bias) as usize;
    // The reservation is fresh zero pages, all writable; pages no segment
    // covers are made inaccessible again, as in a file's reservation.
    let inaccessible = |from: u64, to: u64| {
        mem.protect(
            rt(from),
            to.saturating_sub(from) as usize,
            Prot::None,
            "mprotect of pages no segment covers",
        )
    };
    let mut order: Vec<&plan::SegmentPlan> = p.segments.iter().collect();
    order.sort_unstable_by_key(|s| s.vaddr);
    let mut covered = p.low;
    for s in order {
        inaccessible(covered, s.vaddr & !(page - 1))?;
        covered = covered.max(s.end().next_multiple_of(page));
        let bytes = elf
            .data()
            .get(s.offset as usize..(s.offset + s.filesz) as usize)
            .unwrap_or_default();
        mem.write(rt(s.vaddr), bytes)?;
    }
    // The alignment tail of the reservation, if any.
    inaccessible(covered, p.low.wrapping_add(mem.len() as u64))?;
    Ok(alloc::vec![Some(Prot::RW); p.segments.len()])
}
