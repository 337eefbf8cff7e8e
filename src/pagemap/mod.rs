//! The page map of an ELF file (feature `pagemap`): one row per page of the
//! file, each section at its place, the gaps left blank, the segments and
//! their permissions beside the pages they load — the picture of Guile's
//! object files, for any ELF file.
//!
//! [`PageMap`] is a plain value computed from the headers alone (its cost
//! grows with the number of sections, segments and pages, never with the
//! file's bytes). [`svg`] and [`text`] draw it. It also works on files
//! without section headers (the segments are drawn) and on files the reader
//! cannot open (the file header is drawn and the error listed).
//!
//! ```
//! use elfin::pagemap::{PageMap, RegionKind};
//!
//! let bytes = std::fs::read("/proc/self/exe").unwrap();
//! let map = PageMap::from_bytes(&bytes, 4096).unwrap();
//! assert_eq!(map.pages.len() as u64, (bytes.len() as u64).div_ceil(4096));
//! assert_eq!(map.regions[0].kind, RegionKind::FileHeader);
//! assert!(map.sections.iter().any(|s| s.name == ".text"));
//! let svg = elfin::pagemap::svg::render(&map, "self");
//! assert!(svg.starts_with("<svg"));
//! ```

mod compute;
mod model;
pub mod palette;
pub mod svg;
pub mod text;

use alloc::string::ToString;
use alloc::vec::Vec;

pub use model::{
    Mark, Page, PageMap, Perms, Placement, Region, RegionKind, Row, SectionInfo, SegmentInfo,
    Totals,
};

use crate::read::ElfFile;

/// The page size used when none is given: 4 KiB.
pub const DEFAULT_PAGE_SIZE: u64 = 4096;

/// The smallest page size accepted (smaller ones would make more pages than
/// anyone can look at).
pub const MIN_PAGE_SIZE: u64 = 64;

/// Runs of at least this many pages inside one region are drawn as one band.
pub const MIN_BAND_PAGES: usize = 4;

/// A page size that is not a power of two of at least [`MIN_PAGE_SIZE`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadPageSize(pub u64);

impl core::fmt::Display for BadPageSize {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "page size {} is not a power of two of at least {MIN_PAGE_SIZE}",
            self.0
        )
    }
}

#[cfg(feature = "std")]
impl std::error::Error for BadPageSize {}

fn check_page_size(page_size: u64) -> Result<(), BadPageSize> {
    if page_size.is_power_of_two() && page_size >= MIN_PAGE_SIZE {
        Ok(())
    } else {
        Err(BadPageSize(page_size))
    }
}

impl PageMap {
    /// The page map of a parsed file. Fails only on a page size that is not
    /// a power of two of at least [`MIN_PAGE_SIZE`]; what cannot be read is
    /// left out of the picture and listed in [`PageMap::errors`].
    pub fn new(file: &ElfFile<'_>, page_size: u64) -> Result<PageMap, BadPageSize> {
        check_page_size(page_size)?;
        Ok(compute::build(file, page_size))
    }

    /// The page map of any bytes: parsed when the reader can, otherwise the
    /// file header (when there is one) and the reader's message.
    pub fn from_bytes(data: &[u8], page_size: u64) -> Result<PageMap, BadPageSize> {
        check_page_size(page_size)?;
        Ok(match ElfFile::parse(data) {
            Ok(file) => compute::build(&file, page_size),
            Err(e) => compute::unreadable(data, page_size, e.to_string()),
        })
    }

    /// The rows to draw: one per page, except that a run of at least
    /// [`MIN_BAND_PAGES`] pages lying wholly inside one region, with the
    /// same permissions, becomes one band.
    pub fn rows(&self) -> Vec<Row> {
        let mut rows = Vec::new();
        let mut p = 0usize;
        while p < self.pages.len() {
            let run = self.band_run(p);
            if run >= MIN_BAND_PAGES {
                let band = self.pages.get(p).map(|pg| pg.regions.start);
                rows.push(Row {
                    pages: p..p + run,
                    band,
                });
                p += run;
            } else {
                rows.push(Row {
                    pages: p..p + 1,
                    band: None,
                });
                p += 1;
            }
        }
        rows
    }

    /// How many pages from `first` lie wholly inside one region.
    fn band_run(&self, first: usize) -> usize {
        let Some(head) = self.pages.get(first) else {
            return 0;
        };
        if head.regions.len() != 1 {
            return 1;
        }
        self.pages
            .get(first..)
            .unwrap_or(&[])
            .iter()
            .take_while(|pg| {
                pg.regions == head.regions && pg.perms == head.perms && pg.mixed == head.mixed
            })
            .count()
    }

    /// The name a region is drawn with: the section's or segment's name, or
    /// what the bytes are.
    pub fn region_name(&self, region: &Region) -> &str {
        match region.kind {
            RegionKind::FileHeader => "ELF header",
            RegionKind::ProgramHeaders => "program headers",
            RegionKind::SectionHeaders => "section headers",
            RegionKind::Section => region
                .owner
                .and_then(|i| self.sections.get(i))
                .map_or("section", |s| s.name.as_str()),
            RegionKind::Segment => region
                .owner
                .and_then(|i| self.segments.get(i))
                .map_or("segment", |s| s.type_name.as_str()),
            RegionKind::Padding => "padding",
            RegionKind::Unclaimed => "unclaimed",
        }
    }
}

#[cfg(all(test, feature = "write"))]
mod tests;
