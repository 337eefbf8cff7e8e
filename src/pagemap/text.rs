//! The page map for terminals: one line per page (or per band of pages
//! inside one region), one character per slice of the page, the legend
//! below. With `color`, each section also gets an ANSI 256-colour; the
//! caller decides (a TTY, `--color`, `NO_COLOR`).

use alloc::string::String;
use core::fmt::Write;

use super::model::{PageMap, Region, RegionKind};
use super::palette;

/// How to draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextOptions {
    /// Emit ANSI colour sequences.
    pub color: bool,
    /// Characters per page (each one a slice of `page_size / width` bytes).
    pub width: usize,
}

impl Default for TextOptions {
    fn default() -> Self {
        TextOptions {
            color: false,
            width: 64,
        }
    }
}

const RESET: &str = "\x1b[0m";

/// Draws `map` as text; `name` heads the output.
pub fn render(map: &PageMap, name: &str, opts: TextOptions) -> String {
    let width = opts.width.clamp(8, 256);
    let rows = map.rows();
    let mut out = String::with_capacity(rows.len() * (width + 40) + map.sections.len() * 80);
    let t = &map.totals;
    let _ = writeln!(
        out,
        "{name}: {} bytes, {} pages of {} bytes: {} loaded, {} not loaded; padding {} bytes, unclaimed {} bytes, {} mixed-permission pages, {} W+X pages",
        map.file_size,
        map.pages.len(),
        map.page_size,
        t.loaded_pages,
        t.unloaded_pages,
        t.padding_bytes,
        t.unclaimed_bytes,
        t.mixed_pages,
        t.wx_pages
    );
    let _ = writeln!(
        out,
        "(one line per page, one character per {} bytes; a run of {} or more pages inside one region is one line)",
        map.page_size / width as u64,
        super::MIN_BAND_PAGES
    );
    for row in &rows {
        let Some(page) = map.pages.get(row.pages.start) else {
            continue;
        };
        let _ = write!(out, "{:#010x} ", page.offset);
        let perms = page.perms.map_or("", |p| p.as_str());
        match row.band.and_then(|r| map.regions.get(r)) {
            Some(r) => {
                paint(&mut out, r, opts.color, width);
                let _ = write!(
                    out,
                    " {perms:<3} {} pages: {}",
                    row.pages.len(),
                    map.region_name(r)
                );
            }
            None => {
                let slice = (map.page_size / width as u64).max(1);
                let regions = map.regions.get(page.regions.clone()).unwrap_or(&[]);
                let mut k = 0usize;
                for i in 0..width as u64 {
                    let at = page.offset + i * slice;
                    if at >= map.file_size {
                        out.push(' ');
                        continue;
                    }
                    while regions.get(k).is_some_and(|r| r.end() <= at) {
                        k += 1;
                    }
                    match regions.get(k) {
                        Some(r) => paint(&mut out, r, opts.color, 1),
                        None => out.push(' '),
                    }
                }
                let _ = write!(out, " {perms:<3}");
            }
        }
        if page.is_wx() {
            if opts.color {
                let _ = write!(out, " \x1b[38;5;{}mW+X{RESET}", palette::WARNING_ANSI);
            } else {
                out.push_str(" W+X");
            }
        } else if page.mixed {
            out.push_str(" mixed");
        }
        out.push('\n');
    }
    legend(&mut out, map, opts.color);
    out
}

fn paint(out: &mut String, r: &Region, color: bool, count: usize) {
    let c = palette::region_letter(r);
    if color && r.kind != RegionKind::Padding {
        // Unloaded bytes are dimmed, as the SVG lightens them.
        let dim = if r.loaded { "" } else { "2;" };
        let _ = write!(out, "\x1b[{dim}38;5;{}m", palette::region_ansi(r));
        for _ in 0..count {
            out.push(c);
        }
        out.push_str(RESET);
    } else {
        for _ in 0..count {
            out.push(c);
        }
    }
}

fn legend(out: &mut String, map: &PageMap, color: bool) {
    out.push_str(
        "\n# ELF header and header tables   . padding   ? unclaimed   = segment without sections\n",
    );
    for (i, s) in map.sections.iter().enumerate() {
        let letter = palette::region_letter(&Region {
            kind: RegionKind::Section,
            offset: 0,
            size: 1,
            owner: Some(i),
            loaded: true,
        });
        if color {
            let ansi = palette::SECTION_ANSI
                .get(i % palette::SECTION_ANSI.len())
                .copied()
                .unwrap_or(7);
            let _ = write!(out, "\x1b[38;5;{ansi}m{letter}{RESET}");
        } else {
            out.push(letter);
        }
        let _ = write!(
            out,
            " {:<24} {:#010x} {:>10} {:<4}{:<7} ",
            s.name,
            s.offset,
            s.size,
            s.flag_letters(),
            if s.nobits { " NOBITS" } else { "" }
        );
        let _ = writeln!(out, "{}", map.placement(s));
    }
    for g in &map.segments {
        let _ = writeln!(
            out,
            "segment {:>2} {:<16} {:<3} offset {:#x} filesz {:#x} vaddr {:#x} memsz {:#x}",
            g.index, g.type_name, g.perms, g.offset, g.file_size, g.vaddr, g.mem_size
        );
    }
    for e in &map.errors {
        let _ = writeln!(out, "error: {e}");
    }
}
