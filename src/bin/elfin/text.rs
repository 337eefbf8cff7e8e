//! `elfin info`: a short readable summary, like `readelf` but shorter.

use crate::walk::{self, lossy};
use elfin::ElfFile;
use elfin::raw::consts::*;
use elfin::read::{Class, Endian, GnuNote};
use std::io::{self, Write};

fn name_or_hex<T: Copy + Into<u64>>(name: Option<&'static str>, v: T, prefix: &str) -> String {
    match name {
        Some(n) => n.strip_prefix(prefix).unwrap_or(n).to_owned(),
        None => format!("{:#x}", v.into()),
    }
}

fn perms(r: bool, w: bool, x: bool) -> String {
    format!(
        "{}{}{}",
        if r { 'r' } else { '-' },
        if w { 'w' } else { '-' },
        if x { 'x' } else { '-' }
    )
}

pub fn write(out: &mut impl Write, elf: &ElfFile<'_>, path: &str) -> io::Result<()> {
    let mut errors = Vec::new();
    errors.extend(elf.segments_error().map(|e| e.to_string()));
    errors.extend(elf.sections_error().map(|e| e.to_string()));
    let h = elf.header();
    let class = if elf.class() == Class::Elf32 {
        "ELF32"
    } else {
        "ELF64"
    };
    let endian = if elf.endian() == Endian::Little {
        "little endian"
    } else {
        "big endian"
    };
    writeln!(
        out,
        "{path}: {class} {endian}, {}, {}, OS/ABI {}",
        name_or_hex(et_name(h.e_type), h.e_type, "ET_"),
        name_or_hex(em_name(h.e_machine), h.e_machine, "EM_"),
        name_or_hex(osabi_name(h.ident.osabi), h.ident.osabi, "ELFOSABI_")
    )?;
    writeln!(
        out,
        "entry {:#x}, flags {:#x}, {} segments, {} sections",
        h.e_entry,
        h.e_flags,
        elf.segment_count(),
        elf.section_count()
    )?;
    match elf.interpreter() {
        Ok(Some(i)) => writeln!(out, "interpreter {}", lossy(i))?,
        Ok(None) => {}
        Err(e) => errors.push(e.to_string()),
    }

    if elf.segment_count() > 0 {
        writeln!(
            out,
            "\nsegments:\n  {:<14} {:>10} {:>18} {:>10} {:>10} perm align",
            "type", "offset", "vaddr", "filesz", "memsz"
        )?;
        for p in elf.segments() {
            writeln!(
                out,
                "  {:<14} {:>#10x} {:>#18x} {:>#10x} {:>#10x} {}  {:#x}",
                name_or_hex(pt_name(p.p_type), p.p_type, "PT_"),
                p.p_offset,
                p.p_vaddr,
                p.p_filesz,
                p.p_memsz,
                perms(p.is_read(), p.is_write(), p.is_execute()),
                p.p_align
            )?;
        }
    }

    if elf.section_count() > 0 {
        writeln!(
            out,
            "\nsections:\n  {:>4} {:<24} {:<14} {:>10} {:>18} {:>10} flags",
            "idx", "name", "type", "offset", "addr", "size"
        )?;
        for s in elf.sections() {
            let sh = s.header();
            let flags = format!(
                "{}{}{}{}",
                if sh.is_alloc() { 'a' } else { '-' },
                if sh.is_write() { 'w' } else { '-' },
                if sh.is_execute() { 'x' } else { '-' },
                if sh.is_compressed() { 'c' } else { ' ' }
            );
            let name = s.name().map(lossy).unwrap_or_else(|e| {
                if s.index() != 0 && elf.shstrndx() != 0 {
                    errors.push(e.to_string());
                }
                String::new()
            });
            writeln!(
                out,
                "  {:>4} {:<24} {:<14} {:>#10x} {:>#18x} {:>#10x} {}",
                s.index(),
                name,
                name_or_hex(sht_name(sh.sh_type), sh.sh_type, "SHT_"),
                sh.sh_offset,
                sh.sh_addr,
                sh.sh_size,
                flags
            )?;
        }
    }

    writeln!(out)?;
    match elf.symbol_table() {
        Ok(Some(t)) => writeln!(out, "symbols: {} in .symtab", t.len())?,
        Ok(None) => writeln!(out, "symbols: no .symtab")?,
        Err(e) => errors.push(e.to_string()),
    }
    match elf.dynamic_symbols() {
        Ok(Some(d)) => {
            let hash = match d.hash() {
                Some(elfin::read::HashTable::Gnu(_)) => "GNU hash",
                Some(elfin::read::HashTable::Sysv(_)) => "SysV hash",
                None => "no hash table",
            };
            let defined = d
                .symbols()
                .iter()
                .skip(1)
                .filter(|s| !s.is_undefined())
                .count();
            writeln!(
                out,
                "dynamic symbols: {} ({} defined, {}), versions: {} defined, {} needed",
                d.symbols().len(),
                defined,
                hash,
                d.versions().definitions().count(),
                d.versions().needs().count()
            )?;
            // One walk of the version chains, not one per symbol.
            let versions = elfin::read::VersionIndex::new(d.versions());
            for (i, s) in d.symbols().iter().enumerate().skip(1) {
                let name = d.symbols().name(&s).unwrap_or_else(|e| {
                    errors.push(e.at_index(i as u64).to_string());
                    b""
                });
                let shown = match versions.symbol_version(i) {
                    Ok(v) => walk::versioned_name(name, &v),
                    Err(e) => {
                        errors.push(e.to_string());
                        lossy(name)
                    }
                };
                writeln!(out, "  {i:>6} {:>#18x} {shown}", s.st_value)?;
            }
            errors.extend(d.hash_error().map(|e| e.to_string()));
            errors.extend(d.versions_error().map(|e| e.to_string()));
        }
        Ok(None) => {}
        Err(e) => errors.push(e.to_string()),
    }

    match elf.dynamic() {
        Ok(Some(d)) => {
            writeln!(out, "\ndynamic:")?;
            for e in d.iter() {
                let tag = name_or_hex(dt_name(e.d_tag), e.d_tag as u64, "DT_");
                let string = matches!(e.d_tag, DT_NEEDED | DT_SONAME | DT_RUNPATH | DT_RPATH);
                if string {
                    match elf.dynamic_string(e.d_val) {
                        Ok(s) => writeln!(out, "  {tag:<16} {}", lossy(s))?,
                        Err(err) => {
                            errors.push(err.to_string());
                            writeln!(out, "  {tag:<16} {:#x}", e.d_val)?
                        }
                    }
                } else {
                    writeln!(out, "  {tag:<16} {:#x}", e.d_val)?;
                }
            }
            errors.extend(d.errors().map(|e| e.to_string()));
        }
        Ok(None) => {}
        Err(e) => errors.push(e.to_string()),
    }

    let relocs = walk::relocation_sources(elf, &mut errors);
    if !relocs.is_empty() {
        writeln!(out, "\nrelocations:")?;
        for r in &relocs {
            let n = walk::entries(&r.table).count();
            writeln!(
                out,
                "  {:<24} {n}",
                r.name.as_deref().unwrap_or("(dynamic table)")
            )?;
        }
    }

    let notes = walk::notes(elf, &mut errors);
    if !notes.is_empty() {
        writeln!(out, "\nnotes:")?;
        for n in &notes {
            let what = match n.note.gnu(elf.encoding()) {
                Some(GnuNote::BuildId(id)) => format!(
                    "build-id {}",
                    id.iter().map(|b| format!("{b:02x}")).collect::<String>()
                ),
                Some(GnuNote::AbiTag {
                    os,
                    major,
                    minor,
                    patch,
                }) => format!("ABI tag os {os}, {major}.{minor}.{patch}"),
                Some(GnuNote::Properties(p)) => format!("{} properties", p.count()),
                None => format!("type {:#x}, {} bytes", n.note.kind, n.note.desc.len()),
            };
            writeln!(
                out,
                "  {:<24} {:<8} {what}",
                n.section.as_deref().unwrap_or("(PT_NOTE)"),
                lossy(n.note.name)
            )?;
        }
    }

    if !errors.is_empty() {
        writeln!(out, "\nproblems:")?;
        for e in &errors {
            writeln!(out, "  {e}")?;
        }
    }
    Ok(())
}
