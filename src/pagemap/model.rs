//! The page map as a plain value: what is where in the file, page by page.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use core::ops::Range;

/// What a stretch of the file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum RegionKind {
    /// The ELF file header.
    FileHeader,
    /// The program header table.
    ProgramHeaders,
    /// The section header table.
    SectionHeaders,
    /// A section's contents ([`Region::owner`] says which).
    Section,
    /// Bytes inside a segment that no section claims (all of a file
    /// without section headers).
    Segment,
    /// A gap before a region, no larger than that region's alignment.
    Padding,
    /// Bytes no header claims and no alignment explains.
    Unclaimed,
}

/// Read, write and execute permissions of a segment (`PF_R`, `PF_W`,
/// `PF_X` in their ELF bit positions: 4, 2, 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Perms(pub u8);

impl Perms {
    /// Readable.
    pub fn read(self) -> bool {
        self.0 & 4 != 0
    }
    /// Writable.
    pub fn write(self) -> bool {
        self.0 & 2 != 0
    }
    /// Executable.
    pub fn execute(self) -> bool {
        self.0 & 1 != 0
    }
    /// Both writable and executable: what a careful loader warns about.
    pub fn is_wx(self) -> bool {
        self.write() && self.execute()
    }
    /// `"R"`, `"RX"`, `"RW"`, `"RWX"`, … (`"-"` for none).
    pub fn as_str(self) -> &'static str {
        const NAMES: [&str; 8] = ["-", "X", "W", "WX", "R", "RX", "RW", "RWX"];
        NAMES.get(usize::from(self.0 & 7)).copied().unwrap_or("-")
    }
}

impl fmt::Display for Perms {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Perms {
    fn serialize<S: serde::Serializer>(&self, s: S) -> core::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One section as the legend lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct SectionInfo {
    /// Its index in the section header table.
    pub index: usize,
    /// Its name (lossy UTF-8; `section N` when the name cannot be read).
    pub name: String,
    /// `sh_type`.
    pub sh_type: u32,
    /// `sh_flags`.
    pub flags: u64,
    /// `sh_offset`.
    pub offset: u64,
    /// `sh_size`.
    pub size: u64,
    /// `sh_addr`.
    pub addr: u64,
    /// `sh_addralign`.
    pub addr_align: u64,
    /// `SHT_NOBITS`: takes memory but no file bytes.
    pub nobits: bool,
    /// The `PT_LOAD` segment holding it (an index into
    /// [`PageMap::segments`]), `None` when not loaded.
    pub segment: Option<usize>,
}

impl SectionInfo {
    /// `sh_flags` as letters, `readelf` style: `W` write, `A` alloc, `X`
    /// execute, `M` merge, `S` strings, `T` TLS, `C` compressed.
    pub fn flag_letters(&self) -> String {
        const LETTERS: [(u64, char); 7] = [
            (0x1, 'W'),
            (0x2, 'A'),
            (0x4, 'X'),
            (0x10, 'M'),
            (0x20, 'S'),
            (0x400, 'T'),
            (0x800, 'C'),
        ];
        LETTERS
            .iter()
            .filter(|(bit, _)| self.flags & bit != 0)
            .map(|(_, c)| *c)
            .collect()
    }
}

/// One program header.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct SegmentInfo {
    /// Its index in the program header table.
    pub index: usize,
    /// `p_type`.
    pub p_type: u32,
    /// `PT_LOAD`, `PT_DYNAMIC`, … (or the number in hex).
    pub type_name: String,
    /// `p_flags` as R, W, X.
    pub perms: Perms,
    /// `p_offset`.
    pub offset: u64,
    /// `p_filesz`.
    pub file_size: u64,
    /// `p_vaddr`.
    pub vaddr: u64,
    /// `p_memsz`.
    pub mem_size: u64,
    /// `p_align`.
    pub align: u64,
    /// The file pages its file bytes touch (empty when `p_filesz` is 0 or
    /// its bytes lie past the end of the file).
    pub pages: Range<u64>,
}

impl SegmentInfo {
    /// A `PT_LOAD` segment.
    pub fn is_load(&self) -> bool {
        self.p_type == crate::raw::consts::PT_LOAD
    }
}

/// A stretch of the file: the regions partition the file from offset 0 to
/// its end, in file order, without overlap.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Region {
    /// What it holds.
    pub kind: RegionKind,
    /// First byte.
    pub offset: u64,
    /// Length in bytes (never 0).
    pub size: u64,
    /// For [`RegionKind::Section`], the section (an index into
    /// [`PageMap::sections`]); for [`RegionKind::Segment`], the segment (an
    /// index into [`PageMap::segments`]).
    pub owner: Option<usize>,
    /// Whether some `PT_LOAD` maps these bytes.
    pub loaded: bool,
}

impl Region {
    /// One past the last byte.
    pub fn end(&self) -> u64 {
        self.offset.saturating_add(self.size)
    }
}

/// A `SHT_NOBITS` section's place in the file: it takes no bytes, so it is
/// drawn as a thin mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Mark {
    /// The section (an index into [`PageMap::sections`]).
    pub section: usize,
    /// Its `sh_offset`, clamped to the file size.
    pub offset: u64,
}

/// One page of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Page {
    /// File offset of its first byte.
    pub offset: u64,
    /// The regions touching it (indices into [`PageMap::regions`]).
    pub regions: Range<usize>,
    /// The union of the permissions of the `PT_LOAD` segments whose file
    /// bytes touch it; `None` when none does.
    pub perms: Option<Perms>,
    /// Touched by loaded segments with different permissions (one file
    /// page mapped twice, as compact layouts do at each permission change).
    pub mixed: bool,
    /// Loaded by a segment that is both writable and executable.
    pub wx: bool,
}

impl Page {
    /// Loaded by some `PT_LOAD`.
    pub fn is_loaded(&self) -> bool {
        self.perms.is_some()
    }
    /// Loaded by a segment that is both writable and executable (two
    /// segments sharing the file page, one RW and one RX, map it twice, so
    /// that is not counted).
    pub fn is_wx(&self) -> bool {
        self.wx
    }
}

/// A run of pages drawn as one row: a single page, or a band of pages that
/// all lie inside one region with the same permissions.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Row {
    /// The pages (indices into [`PageMap::pages`]).
    pub pages: Range<usize>,
    /// For a band, the region every page lies in.
    pub band: Option<usize>,
}

/// Totals over the whole file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Totals {
    /// Pages some `PT_LOAD` maps.
    pub loaded_pages: u64,
    /// Pages no `PT_LOAD` maps.
    pub unloaded_pages: u64,
    /// Bytes of alignment padding.
    pub padding_bytes: u64,
    /// Bytes no header claims.
    pub unclaimed_bytes: u64,
    /// Pages shared by loaded segments with different permissions.
    pub mixed_pages: u64,
    /// Pages a writable and executable segment loads.
    pub wx_pages: u64,
}

/// The page map of one file: see the [module documentation](super).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct PageMap {
    /// The file size in bytes.
    pub file_size: u64,
    /// The page size (a power of two).
    pub page_size: u64,
    /// Every section header (section 0 and `SHT_NULL` entries left out).
    pub sections: Vec<SectionInfo>,
    /// Every program header.
    pub segments: Vec<SegmentInfo>,
    /// The file, cut into regions in file order.
    pub regions: Vec<Region>,
    /// The file positions of `SHT_NOBITS` sections.
    pub marks: Vec<Mark>,
    /// Every page of the file.
    pub pages: Vec<Page>,
    /// Totals.
    pub totals: Totals,
    /// What could not be read (the reader's messages): those parts are
    /// missing from the picture.
    pub errors: Vec<String>,
}

/// Where a section is loaded, as the legends say it: `segment 3 (LOAD RX)`
/// or `not loaded`.
#[derive(Debug, Clone, Copy)]
pub struct Placement<'m>(Option<&'m SegmentInfo>);

impl fmt::Display for Placement<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(g) => write!(f, "segment {} (LOAD {})", g.index, g.perms),
            None => f.write_str("not loaded"),
        }
    }
}

impl PageMap {
    /// Where `section` is loaded, for legends.
    pub fn placement(&self, section: &SectionInfo) -> Placement<'_> {
        Placement(section.segment.and_then(|g| self.segments.get(g)))
    }
}
