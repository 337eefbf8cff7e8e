//! The strict walk: every view of a file the builder wrote reads without
//! an error.

use super::*;

/// Walks every section, table, note, segment and relocation of `file` and
/// fails at the first error.
pub fn strict_walk(file: &ElfFile<'_>) -> Result<(), String> {
    let e = |what: &str| {
        let what = what.to_string();
        move |err: elfin::Error| format!("reader walk: {what}: {err}")
    };
    if file.section_count() > 0 {
        let names = file.section_names().map_err(e("section names"))?;
        for s in names.iter() {
            s.map_err(e("section name table"))?;
        }
    }
    for s in file.sections() {
        let i = s.index();
        let what = format!("section {i}");
        if i > 0 {
            s.name().map_err(e(&what))?;
        }
        s.data().map_err(e(&what))?;
        let h = *s.header();
        match h.sh_type {
            SHT_STRTAB => {
                let t = file.string_table(i as u32).map_err(e(&what))?;
                for x in t.iter() {
                    x.map_err(e(&what))?;
                }
            }
            SHT_SYMTAB | SHT_DYNSYM => {
                let t = file.symbol_table_of(&s).map_err(e(&what))?;
                for (k, sym) in t.iter().enumerate() {
                    t.name(&sym).map_err(e(&what))?;
                    let sec = t.section(k, &sym).map_err(e(&what))?;
                    if let SymbolSection::Section(x) = sec {
                        if x as usize >= file.section_count() && sym.st_shndx < SHN_LORESERVE {
                            // Raw indices pass through; the builder's own
                            // symbols point at real sections.
                        }
                    }
                }
            }
            SHT_NOTE => {
                for n in file.section_notes(&s).map_err(e(&what))? {
                    n.map_err(e(&what))?;
                }
            }
            _ => {}
        }
        if let Some(t) = file.section_relocations(&s).map_err(e(&what))? {
            for r in t {
                r.map_err(e(&what))?;
            }
        }
    }
    for p in file.segments() {
        let what = format!("segment type {:#x} at {:#x}", p.p_type, p.p_vaddr);
        file.segment_data(&p).map_err(e(&what))?;
        if p.p_type == PT_NOTE {
            for n in file.segment_notes(&p).map_err(e(&what))? {
                n.map_err(e(&what))?;
            }
        }
    }
    file.interpreter().map_err(e("interpreter"))?;
    file.symbol_table().map_err(e("symbol table"))?;
    if let Some(d) = file.dynamic().map_err(e("dynamic"))? {
        for x in d.iter() {
            if matches!(x.d_tag, DT_NEEDED | DT_SONAME | DT_RUNPATH | DT_RPATH) {
                file.dynamic_string(x.d_val).map_err(e("dynamic string"))?;
            }
        }
        let t = file.dynamic_strings().map_err(e("dynamic strings"))?;
        for x in t.iter() {
            x.map_err(e("dynamic strings"))?;
        }
    }
    if let Some(ds) = file.dynamic_symbols().map_err(e("dynamic symbols"))? {
        let versions = elfin::read::VersionIndex::new(ds.versions());
        for (i, sym) in ds.symbols().iter().enumerate() {
            ds.symbols().name(&sym).map_err(e("dynamic symbol name"))?;
            versions
                .symbol_version(i)
                .map_err(e("dynamic symbol version"))?;
        }
    }
    let dr = file
        .dynamic_relocations()
        .map_err(e("dynamic relocations"))?;
    for t in [dr.rela, dr.rel, dr.relr, dr.plt].into_iter().flatten() {
        std::hint::black_box(t.iter().count());
    }
    file.build_id().map_err(e("build id"))?;
    Ok(())
}
