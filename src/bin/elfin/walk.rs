//! What the JSON and the text output both need: relocation sections with
//! their symbol names, notes from sections and from segments, versions.

use elfin::raw::consts::{PT_NOTE, SHT_NOTE};
use elfin::read::{
    Note, Relocation, RelocationFormat, RelocationTable, SymbolTable, SymbolVersion,
};
use elfin::{ElfFile, Error};

/// A relocation table and where its symbol names come from.
pub struct RelocSource<'a> {
    /// The section's name, or `None` for a table found through the
    /// dynamic table alone.
    pub name: Option<String>,
    pub table: RelocationTable<'a>,
    pub symbols: Option<SymbolTable<'a>>,
}

/// Every relocation table: one per relocation section, or, for a file
/// without section headers, those named by the dynamic table.
pub fn relocation_sources<'a>(elf: &ElfFile<'a>, errors: &mut Vec<String>) -> Vec<RelocSource<'a>> {
    let mut out = Vec::new();
    for s in elf.sections() {
        let table = match elf.relocation_table(&s) {
            Ok(Some(t)) => t,
            Ok(None) => continue,
            Err(e) => {
                errors.push(e.to_string());
                continue;
            }
        };
        // Trailing bytes that are not a whole entry: the whole entries are
        // listed, the rest reported.
        errors.extend(elf.relocation_table_error(&s).map(|e| e.to_string()));
        let link = s.header().sh_link;
        let symbols = if link == 0 || table.format() == RelocationFormat::Relr {
            None
        } else {
            match elf
                .section(link as usize)
                .and_then(|l| elf.symbol_table_of(&l))
            {
                Ok(t) => Some(t),
                Err(e) => {
                    errors.push(e.to_string());
                    None
                }
            }
        };
        out.push(RelocSource {
            name: Some(lossy(s.name().unwrap_or(b""))),
            table,
            symbols,
        });
    }
    if elf.section_count() == 0 {
        match elf.dynamic_relocations() {
            Ok(d) => {
                let symbols = match elf.dynamic_symbols() {
                    Ok(s) => s.map(|d| *d.symbols()),
                    Err(e) => {
                        errors.push(e.to_string());
                        None
                    }
                };
                for t in [d.relr, d.rel, d.rela, d.plt].into_iter().flatten() {
                    out.push(RelocSource {
                        name: None,
                        table: RelocationTable::Fixed(t),
                        symbols,
                    });
                }
            }
            Err(e) => errors.push(e.to_string()),
        }
    }
    out
}

/// Every entry of a relocation table, whatever its format (only CREL
/// entries can be errors).
pub fn entries<'a>(
    table: &RelocationTable<'a>,
) -> impl Iterator<Item = Result<Relocation, Error>> + 'a {
    let (fixed, crel) = match table {
        RelocationTable::Fixed(t) => (Some(t.iter()), None),
        RelocationTable::Crel(t) => (None, Some(t.iter())),
        _ => (None, None),
    };
    fixed
        .into_iter()
        .flatten()
        .map(Ok)
        .chain(crel.into_iter().flatten())
}

/// The name readelf shows for a relocation's symbol: the symbol's name, or
/// for a section symbol its section's name.
pub fn reloc_symbol_name(
    elf: &ElfFile<'_>,
    symbols: Option<&SymbolTable<'_>>,
    r: &Relocation,
) -> Result<String, Error> {
    let Some(t) = symbols else {
        return Ok(String::new());
    };
    if r.symbol == 0 {
        return Ok(String::new());
    }
    let sym = t.get(r.symbol as usize)?;
    Ok(lossy(elf.symbol_display_name(
        t,
        r.symbol as usize,
        &sym,
    )?))
}

/// A note with where it was found.
pub struct FoundNote<'a> {
    pub section: Option<String>,
    pub note: Note<'a>,
}

/// Notes from every `SHT_NOTE` section, then from the `PT_NOTE` segments
/// no note section covers.
pub fn notes<'a>(elf: &ElfFile<'a>, errors: &mut Vec<String>) -> Vec<FoundNote<'a>> {
    let mut out = Vec::new();
    let mut covered: Vec<(u64, u64)> = Vec::new();
    for s in elf.sections().filter(|s| s.header().sh_type == SHT_NOTE) {
        let h = s.header();
        covered.push((h.sh_offset, h.sh_offset.saturating_add(h.sh_size)));
        let name = lossy(s.name().unwrap_or(b""));
        match elf.section_notes(&s) {
            Ok(it) => {
                for n in it {
                    match n {
                        Ok(note) => out.push(FoundNote {
                            section: Some(name.clone()),
                            note,
                        }),
                        Err(e) => errors.push(e.to_string()),
                    }
                }
            }
            Err(e) => errors.push(e.to_string()),
        }
    }
    for p in elf.segments().filter(|p| p.p_type == PT_NOTE) {
        let (start, end) = (p.p_offset, p.p_offset.saturating_add(p.p_filesz));
        if covered.iter().any(|&(s, e)| s <= start && end <= e)
            || covered
                .iter()
                .any(|&(s, e)| start <= s && e <= end && s < e)
        {
            continue;
        }
        match elf.segment_notes(&p) {
            Ok(it) => {
                for n in it {
                    match n {
                        Ok(note) => out.push(FoundNote {
                            section: None,
                            note,
                        }),
                        Err(e) => errors.push(e.to_string()),
                    }
                }
            }
            Err(e) => errors.push(e.to_string()),
        }
    }
    out
}

/// Whether a symbol's version is hidden (versym bit 15: `name@VER`, not
/// the default `name@@VER`).
pub fn version_hidden(v: &SymbolVersion<'_>) -> bool {
    matches!(
        v,
        SymbolVersion::Defined { hidden: true, .. } | SymbolVersion::Needed { hidden: true, .. }
    )
}

/// A dynamic symbol's name as readelf shows it: `name@@VER` for a default
/// version defined here, `name@VER` for a hidden one or one needed from
/// another file, the bare name otherwise.
pub fn versioned_name(name: &[u8], v: &SymbolVersion<'_>) -> String {
    let at = match v {
        SymbolVersion::Defined { hidden: false, .. } => "@@",
        SymbolVersion::Defined { .. } | SymbolVersion::Needed { .. } => "@",
        _ => return lossy(name),
    };
    format!("{}{at}{}", lossy(name), lossy(v.name().unwrap_or_default()))
}

/// Bytes as a string, invalid UTF-8 replaced.
pub fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}
