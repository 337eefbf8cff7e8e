//! The page map as SVG: one row per page (or one band per run of pages
//! inside one region), segments as labelled bars beside the rows, a legend
//! below. The output depends only on the [`PageMap`] and the title: the same
//! file gives the same bytes.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write;

use super::model::{PageMap, Region, RegionKind, Row};
use super::palette::{self, WARNING_COLOUR};

const GUTTER: u64 = 96;
const BAR: u64 = 640;
const LANE: u64 = 86;
const MAX_LANES: usize = 6;
const ROW_H: u64 = 8;
const BAND_H: u64 = 18;
const TOP: u64 = 64;
const LEGEND_LINE: u64 = 16;

/// Draws `map` as a standalone SVG document; `name` goes in the title.
pub fn render(map: &PageMap, name: &str) -> String {
    let rows = map.rows();
    let lanes = lanes(map);
    let lane_count = lanes.iter().copied().max().map_or(0, |l| l + 1);
    let width = GUTTER + BAR + 16 + LANE * lane_count as u64 + 16;
    let width = width.max(900);
    let rows_h: u64 = rows.iter().map(row_height).sum();
    let legend_lines = 4 + map.sections.len() + map.errors.len();
    let height = TOP + rows_h + 24 + LEGEND_LINE * legend_lines as u64 + 16;

    let mut out = String::with_capacity(4096 + rows.len() * 160 + map.regions.len() * 160);
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" \
         viewBox=\"0 0 {width} {height}\" font-family=\"monospace\" font-size=\"11\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n"
    );
    title(&mut out, map, name);

    // Where each row starts, so segments can be placed by page.
    let mut row_y = Vec::with_capacity(rows.len());
    let mut y = TOP;
    for (n, row) in rows.iter().enumerate() {
        row_y.push(y);
        let h = row_height(row);
        if n % 16 == 0 {
            let off = map.pages.get(row.pages.start).map_or(0, |p| p.offset);
            let _ = writeln!(
                out,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"#555\">{off:#010x}</text>",
                GUTTER - 6,
                y + h.min(10)
            );
        }
        // Each row is a group saying which pages it stands for.
        let _ = writeln!(
            out,
            "<g class=\"{}\" data-first-page=\"{}\" data-pages=\"{}\">",
            if row.band.is_some() { "band" } else { "page" },
            row.pages.start,
            row.pages.len()
        );
        match row.band {
            Some(r) => band(&mut out, map, row, r, y),
            None => page_row(&mut out, map, row.pages.start, y),
        }
        out.push_str("</g>\n");
        y += h;
    }
    let _ = writeln!(
        out,
        "<rect x=\"{GUTTER}\" y=\"{TOP}\" width=\"{BAR}\" height=\"{rows_h}\" fill=\"none\" stroke=\"#999\" stroke-width=\"0.5\"/>"
    );
    segment_bars(&mut out, map, &rows, &row_y, &lanes);
    legend(&mut out, map, y + 24);
    out.push_str("</svg>\n");
    out
}

fn row_height(row: &Row) -> u64 {
    if row.band.is_some() { BAND_H } else { ROW_H }
}

fn title(out: &mut String, map: &PageMap, name: &str) {
    let t = &map.totals;
    let _ = write!(
        out,
        "<text x=\"8\" y=\"20\" font-size=\"15\" font-weight=\"bold\">"
    );
    escape(out, name);
    let _ = writeln!(
        out,
        " — {} bytes, {} pages of {} bytes: {} loaded, {} not loaded</text>",
        map.file_size,
        map.pages.len(),
        map.page_size,
        t.loaded_pages,
        t.unloaded_pages
    );
    let _ = writeln!(
        out,
        "<text x=\"8\" y=\"38\" fill=\"#444\">one row per page; a run of {} or more pages inside one region is drawn as one labelled band; \
         padding {} bytes, unclaimed {} bytes; {} pages of mixed permissions, {} writable and executable.</text>",
        super::MIN_BAND_PAGES,
        t.padding_bytes,
        t.unclaimed_bytes,
        t.mixed_pages,
        t.wx_pages
    );
    let _ = writeln!(
        out,
        "<text x=\"8\" y=\"54\" fill=\"#444\">lighter colours: bytes no PT_LOAD maps; thin marks: SHT_NOBITS sections; red: writable and executable.</text>"
    );
}

/// Fills one region's stretch of a row.
fn region_rect(out: &mut String, map: &PageMap, r: &Region, x: f64, y: u64, w: f64, h: u64) {
    if r.kind == RegionKind::Padding {
        // Blank, with only a tooltip target.
        let _ = write!(
            out,
            "<rect x=\"{x:.1}\" y=\"{y}\" width=\"{w:.1}\" height=\"{h}\" fill=\"#ffffff\"><title>"
        );
    } else {
        let colour = palette::region_colour(r);
        let _ = if r.loaded {
            write!(
                out,
                "<rect x=\"{x:.1}\" y=\"{y}\" width=\"{w:.1}\" height=\"{h}\" fill=\"{colour}\"><title>"
            )
        } else {
            let [red, green, blue] = palette::lighter(colour);
            write!(
                out,
                "<rect x=\"{x:.1}\" y=\"{y}\" width=\"{w:.1}\" height=\"{h}\" fill=\"#{red:02x}{green:02x}{blue:02x}\"><title>"
            )
        };
    }
    escape(out, map.region_name(r));
    let _ = writeln!(
        out,
        " offset {:#x} size {:#x}</title></rect>",
        r.offset, r.size
    );
}

fn page_row(out: &mut String, map: &PageMap, index: usize, y: u64) {
    let Some(page) = map.pages.get(index) else {
        return;
    };
    let start = page.offset;
    let end = start.saturating_add(map.page_size);
    let scale = BAR as f64 / map.page_size as f64;
    for r in map.regions.get(page.regions.clone()).unwrap_or(&[]) {
        let a = r.offset.max(start);
        let b = r.end().min(end);
        let x = GUTTER as f64 + (a - start) as f64 * scale;
        let w = ((b - a) as f64 * scale).max(0.5);
        region_rect(out, map, r, x, y, w, ROW_H - 1);
    }
    for m in marks_in(map, start, end) {
        let x = GUTTER as f64 + (m.offset - start) as f64 * scale;
        nobits_mark(out, map, m.section, x, y, ROW_H - 1);
    }
    if page.is_wx() {
        let _ = writeln!(
            out,
            "<rect x=\"{}\" y=\"{y}\" width=\"4\" height=\"{}\" fill=\"{WARNING_COLOUR}\"><title>page {:#x}: writable and executable</title></rect>",
            GUTTER + BAR + 2,
            ROW_H - 1,
            page.offset
        );
    }
}

fn band(out: &mut String, map: &PageMap, row: &Row, region: usize, y: u64) {
    let Some(r) = map.regions.get(region) else {
        return;
    };
    region_rect(out, map, r, GUTTER as f64, y, BAR as f64, BAND_H - 2);
    let first = map.pages.get(row.pages.start).map_or(0, |p| p.offset);
    let _ = write!(
        out,
        "<text x=\"{}\" y=\"{}\" fill=\"#000\">{} pages ({first:#x}–{:#x}): ",
        GUTTER + 6,
        y + 12,
        row.pages.len(),
        first.saturating_add(row.pages.len() as u64 * map.page_size)
    );
    escape(out, map.region_name(r));
    out.push_str("</text>\n");
    if map.pages.get(row.pages.start).is_some_and(|p| p.is_wx()) {
        let _ = writeln!(
            out,
            "<rect x=\"{}\" y=\"{y}\" width=\"4\" height=\"{}\" fill=\"{WARNING_COLOUR}\"/>",
            GUTTER + BAR + 2,
            BAND_H - 2
        );
    }
}

fn marks_in(map: &PageMap, start: u64, end: u64) -> impl Iterator<Item = &super::model::Mark> {
    // Marks are few (NOBITS sections); a linear filter per page would make
    // the cost pages × marks, so find the first by binary search.
    let first = map.marks.partition_point(|m| m.offset < start);
    map.marks
        .get(first..)
        .unwrap_or(&[])
        .iter()
        .take_while(move |m| m.offset < end)
}

fn nobits_mark(out: &mut String, map: &PageMap, section: usize, x: f64, y: u64, h: u64) {
    let colour = palette::owner_colour(Some(section));
    let _ = write!(
        out,
        "<rect x=\"{x:.1}\" y=\"{y}\" width=\"2\" height=\"{h}\" fill=\"{colour}\" stroke=\"#000\" stroke-width=\"0.3\"><title>"
    );
    if let Some(s) = map.sections.get(section) {
        escape(out, &s.name);
        let _ = write!(
            out,
            " (NOBITS) offset {:#x} size {:#x} in memory",
            s.offset, s.size
        );
    }
    out.push_str("</title></rect>\n");
}

/// A lane beside the rows for each segment: PT_LOAD segments share lane 0
/// (they rarely overlap in the file), the others take the first lane free
/// at their first page.
fn lanes(map: &PageMap) -> Vec<usize> {
    let mut lane_end: Vec<u64> = Vec::new();
    let mut order: Vec<usize> = (0..map.segments.len()).collect();
    order.sort_by_key(|&i| map.segments.get(i).map(|s| (!s.is_load(), s.pages.start)));
    let mut lanes = alloc::vec![0usize; map.segments.len()];
    for i in order {
        let Some(s) = map.segments.get(i) else {
            continue;
        };
        if s.pages.is_empty() {
            continue;
        }
        let lane = match lane_end.iter().position(|&end| end <= s.pages.start) {
            Some(l) => l,
            None if lane_end.len() < MAX_LANES => {
                lane_end.push(0);
                lane_end.len() - 1
            }
            None => MAX_LANES - 1,
        };
        if let Some(e) = lane_end.get_mut(lane) {
            *e = (*e).max(s.pages.end);
        }
        if let Some(l) = lanes.get_mut(i) {
            *l = lane;
        }
    }
    lanes
}

/// The y of file offset `offset` (inside a band, in proportion).
fn y_of(map: &PageMap, rows: &[Row], row_y: &[u64], page_of_row: &[usize], offset: u64) -> f64 {
    let page = offset / map.page_size;
    let n = page_of_row.partition_point(|&first| (first as u64) <= page);
    let Some(i) = n.checked_sub(1) else {
        return TOP as f64;
    };
    let (Some(row), Some(&y)) = (rows.get(i), row_y.get(i)) else {
        return TOP as f64;
    };
    let h = row_height(row) as f64;
    let row_start = row.pages.start as u64 * map.page_size;
    let row_bytes = row.pages.len() as u64 * map.page_size;
    y as f64 + h * (offset.saturating_sub(row_start)) as f64 / row_bytes.max(1) as f64
}

fn segment_bars(out: &mut String, map: &PageMap, rows: &[Row], row_y: &[u64], lanes: &[usize]) {
    let page_of_row: Vec<usize> = rows.iter().map(|r| r.pages.start).collect();
    for (s, lane) in map.segments.iter().zip(lanes) {
        if s.pages.is_empty() {
            continue;
        }
        let end = s.offset.saturating_add(s.file_size).min(map.file_size);
        let y0 = y_of(map, rows, row_y, &page_of_row, s.offset);
        let y1 = y_of(map, rows, row_y, &page_of_row, end).max(y0 + 2.0);
        let x = GUTTER + BAR + 10 + LANE * *lane as u64;
        let colour = if s.perms.is_wx() {
            WARNING_COLOUR
        } else if s.is_load() {
            "#666666"
        } else {
            "#a0a0a0"
        };
        let short = s.type_name.strip_prefix("PT_").unwrap_or(&s.type_name);
        let _ = write!(
            out,
            "<g><rect x=\"{x}\" y=\"{y0:.1}\" width=\"6\" height=\"{:.1}\" fill=\"{colour}\"/>\
             <text x=\"{}\" y=\"{:.1}\" fill=\"{colour}\" font-size=\"10\">",
            y1 - y0,
            x + 9,
            y0 + 9.0
        );
        escape(out, short);
        let _ = write!(
            out,
            " {}</text><title>segment {}: {} {} offset {:#x} filesz {:#x} vaddr {:#x} memsz {:#x} align {:#x}",
            s.perms,
            s.index,
            s.type_name,
            s.perms,
            s.offset,
            s.file_size,
            s.vaddr,
            s.mem_size,
            s.align
        );
        out.push_str("</title></g>\n");
    }
}

fn legend(out: &mut String, map: &PageMap, top: u64) {
    let mut y = top;
    let _ = writeln!(
        out,
        "<text x=\"8\" y=\"{y}\" font-weight=\"bold\">sections (name, offset, size, flags, segment)</text>"
    );
    y += LEGEND_LINE;
    let swatch = |out: &mut String, y: u64, fill: &str| {
        let _ = writeln!(
            out,
            "<rect x=\"8\" y=\"{}\" width=\"12\" height=\"10\" fill=\"{fill}\" stroke=\"#000\" stroke-width=\"0.3\"/>",
            y - 9
        );
    };
    swatch(out, y, palette::HEADER_COLOUR);
    let _ = writeln!(
        out,
        "<text x=\"26\" y=\"{y}\">ELF header, program headers, section headers</text>"
    );
    y += LEGEND_LINE;
    for (i, s) in map.sections.iter().enumerate() {
        swatch(out, y, palette::owner_colour(Some(i)));
        let _ = write!(out, "<text x=\"26\" y=\"{y}\">");
        escape(out, &s.name);
        let _ = write!(
            out,
            "</text><text x=\"260\" y=\"{y}\">{:#010x}</text><text x=\"350\" y=\"{y}\">{:#x}</text>\
             <text x=\"440\" y=\"{y}\">{}{}</text><text x=\"540\" y=\"{y}\">",
            s.offset,
            s.size,
            s.flag_letters(),
            if s.nobits { " NOBITS" } else { "" }
        );
        let _ = writeln!(out, "{}</text>", map.placement(s));
        y += LEGEND_LINE;
    }
    swatch(out, y, palette::UNCLAIMED_COLOUR);
    let _ = writeln!(
        out,
        "<text x=\"26\" y=\"{y}\">unclaimed: bytes no header claims (blank: alignment padding)</text>"
    );
    y += LEGEND_LINE;
    for e in &map.errors {
        let _ = write!(
            out,
            "<text x=\"8\" y=\"{y}\" fill=\"{WARNING_COLOUR}\">error: "
        );
        escape(out, e);
        out.push_str("</text>\n");
        y += LEGEND_LINE;
    }
}

/// Appends `s` with the five XML special characters escaped (and control
/// characters, which XML 1.0 forbids, replaced).
pub fn escape(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && c != '\t' && c != '\n' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
}
