//! The fixed colours of the page map: the same file is always drawn in the
//! same colours, in SVG and on a terminal.

use super::model::{Region, RegionKind};

/// Section colours, given out in section-table order and reused in turn.
pub const SECTION_COLOURS: [&str; 16] = [
    "#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#edc948", "#76b7b2", "#ff9da7", "#9c755f",
    "#86bcb6", "#8cd17d", "#a0cbe8", "#ffbe7d", "#d4a6c8", "#b6992d", "#499894", "#e15759",
];

/// 256-colour terminal codes matching [`SECTION_COLOURS`] roughly.
pub const SECTION_ANSI: [u8; 16] = [
    67, 208, 71, 139, 221, 109, 218, 137, 109, 114, 153, 222, 182, 136, 66, 167,
];

/// The file header and the two header tables.
pub const HEADER_COLOUR: &str = "#3b3b58";
/// Terminal colour of the headers.
pub const HEADER_ANSI: u8 = 60;
/// Bytes no header claims.
pub const UNCLAIMED_COLOUR: &str = "#c8c8c8";
/// Terminal colour of unclaimed bytes.
pub const UNCLAIMED_ANSI: u8 = 250;
/// Writable and executable: the warning.
pub const WARNING_COLOUR: &str = "#d00000";
/// Terminal colour of the warning.
pub const WARNING_ANSI: u8 = 196;

/// The colour of a region's fill, before lightening for unloaded bytes.
pub fn region_colour(region: &Region) -> &'static str {
    match region.kind {
        RegionKind::FileHeader | RegionKind::ProgramHeaders | RegionKind::SectionHeaders => {
            HEADER_COLOUR
        }
        RegionKind::Section | RegionKind::Segment => owner_colour(region.owner),
        RegionKind::Padding => "#ffffff",
        RegionKind::Unclaimed => UNCLAIMED_COLOUR,
    }
}

/// The colour of section (or segment) number `owner`.
pub fn owner_colour(owner: Option<usize>) -> &'static str {
    let i = owner.unwrap_or(0) % SECTION_COLOURS.len();
    SECTION_COLOURS.get(i).copied().unwrap_or("#888888")
}

/// The terminal colour of a region.
pub fn region_ansi(region: &Region) -> u8 {
    match region.kind {
        RegionKind::FileHeader | RegionKind::ProgramHeaders | RegionKind::SectionHeaders => {
            HEADER_ANSI
        }
        RegionKind::Section | RegionKind::Segment => {
            let i = region.owner.unwrap_or(0) % SECTION_ANSI.len();
            SECTION_ANSI.get(i).copied().unwrap_or(7)
        }
        RegionKind::Padding => 15,
        RegionKind::Unclaimed => UNCLAIMED_ANSI,
    }
}

/// `colour` mixed half with white: the fill of bytes no segment loads.
pub fn lighter(colour: &str) -> [u8; 3] {
    let rgb = parse(colour);
    rgb.map(|c| ((u16::from(c) + 255) / 2) as u8)
}

/// `#rrggbb` as three bytes (black for anything else).
pub fn parse(colour: &str) -> [u8; 3] {
    let hex = colour.strip_prefix('#').unwrap_or("");
    let byte = |i: usize| {
        hex.get(i..i + 2)
            .and_then(|h| u8::from_str_radix(h, 16).ok())
            .unwrap_or(0)
    };
    [byte(0), byte(2), byte(4)]
}

/// The letter a region is drawn with on a terminal: sections take `a`-`z`,
/// `A`-`Z`, `0`-`9` in turn; headers `#`, segments without sections `=`,
/// padding `.`, unclaimed `?`.
pub fn region_letter(region: &Region) -> char {
    const LETTERS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    match region.kind {
        RegionKind::FileHeader | RegionKind::ProgramHeaders | RegionKind::SectionHeaders => '#',
        RegionKind::Section => {
            let i = region.owner.unwrap_or(0) % LETTERS.len();
            char::from(LETTERS.get(i).copied().unwrap_or(b'*'))
        }
        RegionKind::Segment => '=',
        RegionKind::Padding => '.',
        RegionKind::Unclaimed => '?',
    }
}
