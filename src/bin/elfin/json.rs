//! `elfin info --json`: one JSON object, streamed (the largest files have
//! millions of relocations, too many to build as a tree first).

use crate::walk::{self, lossy};
use elfin::ElfFile;
use elfin::raw::consts::SHN_XINDEX;
use elfin::read::{Class, Endian, SymbolSection, SymbolTable, SymbolVersion};
use std::io::{self, Write};

/// Writes `s` as a JSON string.
fn string(out: &mut impl Write, s: &str) -> io::Result<()> {
    serde_json::to_writer(&mut *out, s).map_err(io::Error::other)
}

/// Writes `"key":value` pairs of numbers, comma-separated.
fn numbers(out: &mut impl Write, fields: &[(&str, u64)]) -> io::Result<()> {
    for (i, (k, v)) in fields.iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        write!(out, "\"{k}\":{v}")?;
    }
    Ok(())
}

pub fn write(out: &mut impl Write, elf: &ElfFile<'_>) -> io::Result<()> {
    let mut errors: Vec<String> = Vec::new();
    // An unusable header table is listed first; the rest is printed anyway.
    errors.extend(elf.segments_error().map(|e| e.to_string()));
    errors.extend(elf.sections_error().map(|e| e.to_string()));
    let h = elf.header();
    out.write_all(b"{\"header\":{")?;
    let class = match elf.class() {
        Class::Elf32 => 32,
        Class::Elf64 => 64,
    };
    let data = match elf.endian() {
        Endian::Little => "little",
        Endian::Big => "big",
    };
    write!(out, "\"class\":{class},\"data\":\"{data}\",")?;
    numbers(
        out,
        &[
            ("osabi", h.ident.osabi.into()),
            ("abiversion", h.ident.abiversion.into()),
            ("type", h.e_type.into()),
            ("machine", h.e_machine.into()),
            ("version", h.e_version.into()),
            ("entry", h.e_entry),
            ("phoff", h.e_phoff),
            ("shoff", h.e_shoff),
            ("flags", h.e_flags.into()),
            ("ehsize", h.e_ehsize.into()),
            ("phentsize", h.e_phentsize.into()),
            ("phnum", elf.stated_segment_count()),
            ("shentsize", h.e_shentsize.into()),
            ("shnum", elf.stated_section_count()),
            ("shstrndx", elf.shstrndx().into()),
        ],
    )?;
    out.write_all(b"},\n\"sections\":[")?;
    for s in elf.sections() {
        let sh = s.header();
        if s.index() > 0 {
            out.write_all(b",")?;
        }
        write!(out, "\n{{\"index\":{},\"name\":", s.index())?;
        let name = match s.name() {
            Ok(n) => lossy(n),
            Err(e) => {
                // e_shstrndx 0 is legal: the file has no section names.
                if (s.index() != 0 || sh.sh_name != 0) && elf.shstrndx() != 0 {
                    errors.push(e.to_string());
                }
                String::new()
            }
        };
        string(out, &name)?;
        out.write_all(b",")?;
        numbers(
            out,
            &[
                ("type", sh.sh_type.into()),
                ("flags", sh.sh_flags),
                ("addr", sh.sh_addr),
                ("offset", sh.sh_offset),
                ("size", sh.sh_size),
                ("link", sh.sh_link.into()),
                ("info", sh.sh_info.into()),
                ("addralign", sh.sh_addralign),
                ("entsize", sh.sh_entsize),
            ],
        )?;
        out.write_all(b"}")?;
    }
    out.write_all(b"],\n\"segments\":[")?;
    for (i, p) in elf.segments().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        write!(out, "\n{{\"index\":{i},")?;
        numbers(
            out,
            &[
                ("type", p.p_type.into()),
                ("flags", p.p_flags.into()),
                ("offset", p.p_offset),
                ("vaddr", p.p_vaddr),
                ("paddr", p.p_paddr),
                ("filesz", p.p_filesz),
                ("memsz", p.p_memsz),
                ("align", p.p_align),
            ],
        )?;
        out.write_all(b"}")?;
    }
    out.write_all(b"],\n\"symbols\":[")?;
    match elf.symbol_table() {
        Ok(Some(t)) => symbols(out, &t, None, &mut errors)?,
        Ok(None) => {}
        Err(e) => errors.push(e.to_string()),
    }
    out.write_all(b"],\n\"dynsyms\":[")?;
    match elf.dynamic_symbols() {
        Ok(Some(d)) => {
            // One walk of the version chains, not one per symbol.
            let versions = elfin::read::VersionIndex::new(d.versions());
            symbols(
                out,
                d.symbols(),
                Some(&|i| versions.symbol_version(i)),
                &mut errors,
            )?;
            // A side table that could not be read: the symbols are listed
            // without it.
            errors.extend(d.hash_error().map(|e| e.to_string()));
            errors.extend(d.versions_error().map(|e| e.to_string()));
        }
        Ok(None) => {}
        Err(e) => errors.push(e.to_string()),
    }
    out.write_all(b"],\n\"dynamic\":[")?;
    match elf.dynamic() {
        Ok(Some(d)) => {
            for (i, e) in d.iter().enumerate() {
                if i > 0 {
                    out.write_all(b",")?;
                }
                write!(
                    out,
                    "\n{{\"index\":{i},\"tag\":{},\"value\":{}}}",
                    e.d_tag, e.d_val
                )?;
            }
            errors.extend(d.errors().map(|e| e.to_string()));
        }
        Ok(None) => {}
        Err(e) => errors.push(e.to_string()),
    }
    out.write_all(b"],\n\"relocations\":[")?;
    for (k, src) in walk::relocation_sources(elf, &mut errors)
        .iter()
        .enumerate()
    {
        if k > 0 {
            out.write_all(b",")?;
        }
        out.write_all(b"\n{\"section\":")?;
        match &src.name {
            Some(n) => string(out, n)?,
            None => out.write_all(b"null")?,
        }
        out.write_all(b",\"entries\":[")?;
        for (i, r) in walk::entries(&src.table).enumerate() {
            let r = match r {
                Ok(r) => r,
                Err(e) => {
                    errors.push(e.to_string());
                    break;
                }
            };
            if i > 0 {
                out.write_all(b",")?;
            }
            write!(
                out,
                "\n{{\"index\":{i},\"offset\":{},\"type\":{},\"symbol\":{},\"symbol_name\":",
                r.offset, r.kind, r.symbol
            )?;
            let name = walk::reloc_symbol_name(elf, src.symbols.as_ref(), &r).unwrap_or_else(|e| {
                errors.push(e.to_string());
                String::new()
            });
            string(out, &name)?;
            match r.addend {
                Some(a) => write!(out, ",\"addend\":{a}}}")?,
                None => out.write_all(b",\"addend\":null}")?,
            }
        }
        out.write_all(b"]}")?;
    }
    out.write_all(b"],\n\"notes\":[")?;
    for (i, n) in walk::notes(elf, &mut errors).iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        out.write_all(b"\n{\"section\":")?;
        match &n.section {
            Some(s) => string(out, s)?,
            None => out.write_all(b"null")?,
        }
        out.write_all(b",\"owner\":")?;
        string(out, &lossy(n.note.name))?;
        write!(
            out,
            ",\"type\":{},\"descsz\":{}}}",
            n.note.kind,
            n.note.desc.len()
        )?;
    }
    out.write_all(b"],\n\"errors\":[")?;
    for (i, e) in errors.iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        out.write_all(b"\n")?;
        string(out, e)?;
    }
    out.write_all(b"]}\n")
}

type VersionOf<'v, 'a> = &'v dyn Fn(usize) -> elfin::Result<SymbolVersion<'a>>;

fn symbols(
    out: &mut impl Write,
    t: &SymbolTable<'_>,
    version: Option<VersionOf<'_, '_>>,
    errors: &mut Vec<String>,
) -> io::Result<()> {
    for (i, s) in t.iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        write!(out, "\n{{\"index\":{i},\"name\":")?;
        let name = t.name(&s).map(lossy).unwrap_or_else(|e| {
            errors.push(e.at_index(i as u64).to_string());
            String::new()
        });
        string(out, &name)?;
        let shndx = if s.st_shndx == SHN_XINDEX {
            match t.section(i, &s) {
                Ok(SymbolSection::Section(n)) => u64::from(n),
                Ok(_) => u64::from(s.st_shndx),
                Err(e) => {
                    errors.push(e.to_string());
                    u64::from(s.st_shndx)
                }
            }
        } else {
            u64::from(s.st_shndx)
        };
        out.write_all(b",")?;
        numbers(
            out,
            &[
                ("value", s.st_value),
                ("size", s.st_size),
                ("bind", s.bind().into()),
                ("type", s.kind().into()),
                ("other", s.st_other.into()),
                ("shndx", shndx),
            ],
        )?;
        if let Some(version) = version {
            out.write_all(b",\"version\":")?;
            // `version_hidden`: versym bit 15, `name@VER` rather than the
            // default `name@@VER`.
            let hidden = match version(i) {
                Ok(v) => {
                    match v.name() {
                        Some(n) => string(out, &lossy(n))?,
                        None => out.write_all(b"null")?,
                    }
                    walk::version_hidden(&v)
                }
                Err(e) => {
                    errors.push(e.to_string());
                    out.write_all(b"null")?;
                    false
                }
            };
            write!(out, ",\"version_hidden\":{hidden}")?;
        }
        out.write_all(b"}")?;
    }
    Ok(())
}
