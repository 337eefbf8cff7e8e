//! Building the page map from the headers: a sweep over the start and end
//! of every header table, section and segment (sorted once), then one pass
//! over the pages. Nothing here reads section contents, so the cost grows
//! with the number of sections, segments and pages, not with the file's
//! bytes.

use alloc::collections::BTreeSet;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;

use super::model::{
    Mark, Page, PageMap, Perms, Region, RegionKind, SectionInfo, SegmentInfo, Totals,
};
use crate::raw::consts::{SHT_NULL, pt_name};
use crate::read::{Class, ElfFile};

/// Something with file bytes, as the sweep sees it.
#[derive(Debug, Clone, Copy)]
struct Span {
    start: u64,
    end: u64,
    /// 0 for headers and sections, 1 for segments: a section inside a
    /// segment is drawn rather than the segment.
    layer: u8,
    kind: RegionKind,
    owner: Option<usize>,
    /// The alignment its start honours: a gap before it, smaller than
    /// this, is padding.
    align: u64,
    load: bool,
}

pub(super) fn build(file: &ElfFile<'_>, page_size: u64) -> PageMap {
    let file_size = file.data().len() as u64;
    let mut errors = Vec::new();
    // A header table the reader could not use is drawn where the file
    // header says it is (as far as the file goes), with the reason.
    errors.extend(file.segments_error().map(|e| e.to_string()));
    errors.extend(file.sections_error().map(|e| e.to_string()));
    let segments = segments(file, file_size, page_size);
    let sections = sections(file, &segments, &mut errors);
    let mut spans = header_spans(file, file_size);
    for (i, s) in sections.iter().enumerate() {
        if s.nobits || s.size == 0 {
            continue;
        }
        let end = s.offset.saturating_add(s.size).min(file_size);
        if s.offset < end {
            spans.push(Span {
                start: s.offset,
                end,
                layer: 0,
                kind: RegionKind::Section,
                owner: Some(i),
                align: s.addr_align,
                load: false,
            });
        }
    }
    for (i, s) in segments.iter().enumerate() {
        let end = s.offset.saturating_add(s.file_size).min(file_size);
        if s.offset < end && s.p_type != crate::raw::consts::PT_NULL {
            spans.push(Span {
                start: s.offset,
                end,
                layer: 1,
                kind: RegionKind::Segment,
                owner: Some(i),
                align: s.align,
                load: s.is_load(),
            });
        }
    }
    let has_sections = spans.iter().any(|s| s.kind == RegionKind::Section);
    let regions = sweep(&spans, file_size, has_sections);
    let marks = sections
        .iter()
        .enumerate()
        .filter(|(_, s)| s.nobits)
        .map(|(i, s)| Mark {
            section: i,
            offset: s.offset.min(file_size),
        })
        .collect();
    let pages = pages(&regions, &segments, file_size, page_size);
    let totals = totals(&regions, &pages);
    PageMap {
        file_size,
        page_size,
        sections,
        segments,
        regions,
        marks,
        pages,
        totals,
        errors: {
            errors.dedup();
            errors
        },
    }
}

/// The page map of bytes the reader could not open: the file header when
/// its first bytes are one, the rest unclaimed, and the reader's message.
pub(super) fn unreadable(data: &[u8], page_size: u64, error: String) -> PageMap {
    let file_size = data.len() as u64;
    let mut spans = Vec::new();
    if let Ok((h, _)) = crate::read::FileHeader::parse(data) {
        let end = u64::from(h.e_ehsize).clamp(1, file_size);
        spans.push(Span {
            start: 0,
            end,
            layer: 0,
            kind: RegionKind::FileHeader,
            owner: None,
            align: 1,
            load: false,
        });
    }
    let regions = sweep(&spans, file_size, false);
    let pages = pages(&regions, &[], file_size, page_size);
    let totals = totals(&regions, &pages);
    PageMap {
        file_size,
        page_size,
        sections: Vec::new(),
        segments: Vec::new(),
        regions,
        marks: Vec::new(),
        pages,
        totals,
        errors: vec![error],
    }
}

fn header_spans(file: &ElfFile<'_>, file_size: u64) -> Vec<Span> {
    let h = file.header();
    let word = match file.class() {
        Class::Elf32 => 4,
        Class::Elf64 => 8,
    };
    let mut spans = Vec::new();
    let mut push = |start: u64, size: u64, kind: RegionKind| {
        let end = start.saturating_add(size).min(file_size);
        if start < end {
            spans.push(Span {
                start,
                end,
                layer: 0,
                kind,
                owner: None,
                align: word,
                load: false,
            });
        }
    };
    push(0, u64::from(h.e_ehsize).max(1), RegionKind::FileHeader);
    let ph_size = file
        .stated_segment_count()
        .saturating_mul(u64::from(h.e_phentsize));
    if ph_size != 0 && h.e_phoff != 0 {
        push(h.e_phoff, ph_size, RegionKind::ProgramHeaders);
    }
    let sh_size = file
        .stated_section_count()
        .saturating_mul(u64::from(h.e_shentsize));
    if sh_size != 0 && h.e_shoff != 0 {
        push(h.e_shoff, sh_size, RegionKind::SectionHeaders);
    }
    spans
}

fn segments(file: &ElfFile<'_>, file_size: u64, page_size: u64) -> Vec<SegmentInfo> {
    file.segments()
        .enumerate()
        .map(|(index, p)| {
            let end = p.p_offset.saturating_add(p.p_filesz).min(file_size);
            let pages = if p.p_offset < end {
                p.p_offset / page_size..end.div_ceil(page_size)
            } else {
                0..0
            };
            SegmentInfo {
                index,
                p_type: p.p_type,
                type_name: match pt_name(p.p_type) {
                    Some(n) => n.to_string(),
                    None => format!("PT_{:#x}", p.p_type),
                },
                perms: Perms((p.p_flags & 7) as u8),
                offset: p.p_offset,
                file_size: p.p_filesz,
                vaddr: p.p_vaddr,
                mem_size: p.p_memsz,
                align: p.p_align,
                pages,
            }
        })
        .collect()
}

fn sections(
    file: &ElfFile<'_>,
    segments: &[SegmentInfo],
    errors: &mut Vec<String>,
) -> Vec<SectionInfo> {
    // PT_LOAD segments by address, to find each section's in O(log n).
    let mut loads: Vec<&SegmentInfo> = segments.iter().filter(|s| s.is_load()).collect();
    loads.sort_by_key(|s| s.vaddr);
    let load_of = |addr: u64, size: u64| -> Option<usize> {
        let i = loads.partition_point(|s| s.vaddr <= addr).checked_sub(1)?;
        let s = loads.get(i)?;
        let end = addr.checked_add(size)?;
        (end <= s.vaddr.saturating_add(s.mem_size)).then_some(s.index)
    };
    if let Err(e) = file.section_names() {
        if file.section_count() > 0 {
            errors.push(e.to_string());
        }
    }
    file.sections()
        .skip(1)
        .filter(|s| s.header().sh_type != SHT_NULL)
        .map(|s| {
            let h = *s.header();
            if let Err(e) = s.data() {
                errors.push(e.to_string());
            }
            let name = match s.name() {
                Ok(n) => String::from_utf8_lossy(n).into_owned(),
                Err(_) => format!("section {}", s.index()),
            };
            SectionInfo {
                index: s.index(),
                name,
                sh_type: h.sh_type,
                flags: h.sh_flags,
                offset: h.sh_offset,
                size: h.sh_size,
                addr: h.sh_addr,
                addr_align: h.sh_addralign,
                nobits: !h.has_file_data(),
                segment: if h.is_alloc() {
                    load_of(h.sh_addr, h.sh_size)
                } else {
                    None
                },
            }
        })
        .collect()
}

/// Cuts `[0, file_size)` into regions: in each stretch between two
/// boundaries the smallest span of the lowest layer wins; stretches no span
/// covers (and, when the file has sections, stretches only a segment
/// covers) are padding or unclaimed.
fn sweep(spans: &[Span], file_size: u64, has_sections: bool) -> Vec<Region> {
    // (position, is_start, span); ends sort before starts at one position.
    let mut events: Vec<(u64, bool, usize)> = Vec::with_capacity(spans.len() * 2 + 2);
    for (i, s) in spans.iter().enumerate() {
        events.push((s.start, true, i));
        events.push((s.end, false, i));
    }
    events.sort_unstable();
    let mut active: BTreeSet<(u8, u64, usize)> = BTreeSet::new();
    let mut loads = 0usize;
    let mut regions: Vec<Region> = Vec::new();
    let mut pos = 0u64;
    let mut e = 0;
    while pos < file_size {
        // Apply every event at `pos`.
        while let Some(&(at, start, i)) = events.get(e) {
            if at > pos {
                break;
            }
            if let Some(s) = spans.get(i) {
                let key = (s.layer, s.end - s.start, i);
                if start {
                    active.insert(key);
                    loads += usize::from(s.load);
                } else {
                    active.remove(&key);
                    loads -= usize::from(s.load);
                }
            }
            e += 1;
        }
        let next = events.get(e).map_or(file_size, |ev| ev.0).min(file_size);
        let (kind, owner) = match active.first().and_then(|k| spans.get(k.2)) {
            Some(s) if !(has_sections && s.layer == 1) => (s.kind, s.owner),
            _ => (RegionKind::Unclaimed, None),
        };
        push_region(&mut regions, kind, owner, pos, next - pos, loads > 0);
        // A gap directly before a span that starts aligned is padding.
        if kind != RegionKind::Unclaimed || next >= file_size {
            pos = next;
            continue;
        }
        let mut align_next = 1u64;
        for &(at, start, i) in events.get(e..).unwrap_or(&[]) {
            if at != next {
                break;
            }
            if let Some(s) = spans.get(i).filter(|_| start) {
                align_next = align_next.max(s.align);
            }
        }
        if let Some(r) = regions.last_mut() {
            let gap = next - r.offset;
            if r.offset == pos && align_next > 1 && gap < align_next && next % align_next == 0 {
                r.kind = RegionKind::Padding;
            }
        }
        pos = next;
    }
    regions
}

fn push_region(
    regions: &mut Vec<Region>,
    kind: RegionKind,
    owner: Option<usize>,
    offset: u64,
    size: u64,
    loaded: bool,
) {
    if size == 0 {
        return;
    }
    if let Some(last) = regions.last_mut() {
        if last.kind == kind
            && last.owner == owner
            && last.loaded == loaded
            && kind != RegionKind::Padding
            && last.end() == offset
        {
            last.size += size;
            return;
        }
    }
    regions.push(Region {
        kind,
        offset,
        size,
        owner,
        loaded,
    });
}

/// Every page, with the regions touching it and the permissions of the
/// loaded segments over it. The permissions are counted with difference
/// arrays (one per R/W/X combination), so overlapping segments cost their
/// number plus the number of pages, not their product.
fn pages(
    regions: &[Region],
    segments: &[SegmentInfo],
    file_size: u64,
    page_size: u64,
) -> Vec<Page> {
    let count = usize::try_from(file_size.div_ceil(page_size)).unwrap_or(usize::MAX);
    let mut diff: Vec<[i32; 8]> = vec![[0; 8]; count.saturating_add(1)];
    for s in segments.iter().filter(|s| s.is_load()) {
        let (Ok(first), Ok(end)) = (usize::try_from(s.pages.start), usize::try_from(s.pages.end))
        else {
            continue;
        };
        if first >= end {
            continue;
        }
        let combo = usize::from(s.perms.0 & 7);
        if let Some(c) = diff.get_mut(first).and_then(|d| d.get_mut(combo)) {
            *c += 1;
        }
        if let Some(c) = diff.get_mut(end).and_then(|d| d.get_mut(combo)) {
            *c -= 1;
        }
    }
    let mut running = [0i32; 8];
    let mut pages = Vec::with_capacity(count);
    let mut r = 0usize;
    for (p, d) in diff.iter().take(count).enumerate() {
        for (run, delta) in running.iter_mut().zip(d) {
            *run += delta;
        }
        let offset = p as u64 * page_size;
        let end = offset.saturating_add(page_size).min(file_size);
        while regions.get(r).is_some_and(|reg| reg.end() <= offset) {
            r += 1;
        }
        let mut last = r;
        while regions.get(last).is_some_and(|reg| reg.offset < end) {
            last += 1;
        }
        let mut union = 0u8;
        let mut kinds = 0;
        for (combo, n) in running.iter().enumerate() {
            if *n > 0 {
                union |= combo as u8;
                kinds += 1;
            }
        }
        pages.push(Page {
            offset,
            regions: r..last,
            perms: (kinds > 0).then_some(Perms(union)),
            mixed: kinds > 1,
            wx: running.get(3).is_some_and(|n| *n > 0) || running.get(7).is_some_and(|n| *n > 0),
        });
        // The last region may go on into the next page.
        r = last.saturating_sub(1).max(r);
    }
    pages
}

fn totals(regions: &[Region], pages: &[Page]) -> Totals {
    let mut t = Totals::default();
    for r in regions {
        match r.kind {
            RegionKind::Padding => t.padding_bytes += r.size,
            RegionKind::Unclaimed => t.unclaimed_bytes += r.size,
            _ => {}
        }
    }
    for p in pages {
        if p.is_loaded() {
            t.loaded_pages += 1;
        } else {
            t.unloaded_pages += 1;
        }
        t.mixed_pages += u64::from(p.mixed);
        t.wx_pages += u64::from(p.is_wx());
    }
    t
}
