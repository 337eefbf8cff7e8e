//! The reader on real files: each capability checked against readelf or
//! against another file that must agree (the same library with and
//! without section headers, compressed and plain debug sections).

mod common;

use common::{ARCHES, data, data_path, num, readelf};
use elfin::raw::consts::*;
use elfin::read::{Class, Endian, GnuNote, HashTable, SymbolSection, SymbolVersion};
use elfin::{ElfFile, Problem};

#[test]
fn every_arch_opens_with_the_class_and_byte_order_readelf_reports() {
    if !common::tools::require(&["readelf"]) {
        return;
    }
    for arch in ARCHES {
        for f in ["exe", "lib.so", "obj.o", "static"] {
            let rel = format!("{arch}/{f}");
            let bytes = data(&rel);
            let elf = ElfFile::parse(&bytes).unwrap();
            let Some(h) = readelf(&["-h"], &data_path(&rel)) else {
                return;
            };
            let field = |k: &str| {
                h.lines()
                    .find(|l| l.trim_start().starts_with(k))
                    .map(|l| l.split(':').nth(1).unwrap().trim().to_owned())
                    .unwrap()
            };
            let class = if elf.class() == Class::Elf32 {
                "ELF32"
            } else {
                "ELF64"
            };
            assert_eq!(field("Class"), class, "{rel}");
            let endian = if elf.endian() == Endian::Little {
                "2's complement, little endian"
            } else {
                "2's complement, big endian"
            };
            assert_eq!(field("Data"), endian, "{rel}");
            assert_eq!(
                num(&field("Number of section headers")),
                elf.section_count() as u64,
                "{rel}"
            );
            assert_eq!(
                num(&field("Number of program headers")),
                elf.segment_count() as u64,
                "{rel}"
            );
            assert_eq!(
                num(&field("Entry point address")),
                elf.header().e_entry,
                "{rel}"
            );
        }
    }
}

#[test]
fn extended_numbering_resolves_counts_and_symbol_sections() {
    if !common::tools::require(&["readelf"]) {
        return;
    }
    let bytes = data("x86_64/manysections.o");
    let elf = ElfFile::parse(&bytes).unwrap();
    assert_eq!(elf.header().e_shnum, 0);
    assert_eq!(elf.header().e_shstrndx, SHN_XINDEX);
    let Some(h) = readelf(&["-h"], &data_path("x86_64/manysections.o")) else {
        return;
    };
    // readelf: "Number of section headers: 0 (66009)".
    let line = h
        .lines()
        .find(|l| l.contains("Number of section headers"))
        .unwrap();
    let real = line.split('(').nth(1).unwrap().trim_end_matches(')');
    assert_eq!(elf.section_count() as u64, num(real));
    let line = h
        .lines()
        .find(|l| l.contains("Section header string table index"))
        .unwrap();
    let real = line
        .split('(')
        .nth(1)
        .map(|s| s.trim_end_matches(')'))
        .unwrap_or_else(|| line.split(':').nth(1).unwrap());
    assert_eq!(u64::from(elf.shstrndx()), num(real));
    assert_eq!(
        elf.section(elf.shstrndx() as usize)
            .unwrap()
            .name()
            .unwrap(),
        b".shstrtab"
    );

    // Symbols in sections past 0xff00 go through SHT_SYMTAB_SHNDX; readelf
    // prints the resolved index in the Ndx column.
    let symtab = elf.symbol_table().unwrap().unwrap();
    let s = readelf(&["-s"], &data_path("x86_64/manysections.o")).unwrap();
    let mut checked = 0;
    for name in [
        "high_sym_65000",
        "local_high_sym",
        "high_sym_65999",
        "low_sym",
    ] {
        let line = s
            .lines()
            .find(|l| l.split_whitespace().last() == Some(name))
            .unwrap();
        let ndx: u32 = line.split_whitespace().nth(6).unwrap().parse().unwrap();
        let (i, sym) = symtab.find_by_name(name.as_bytes()).unwrap();
        assert_eq!(
            symtab.section(i, &sym).unwrap(),
            SymbolSection::Section(ndx),
            "{name}"
        );
        checked += 1;
    }
    assert_eq!(checked, 4);
}

#[test]
fn dynamic_symbols_without_section_headers_match_the_sectioned_library() {
    let with = data("x86_64/lib.so");
    let without = data("x86_64/nosections");
    let a = ElfFile::parse(&with).unwrap();
    let b = ElfFile::parse(&without).unwrap();
    assert_eq!(b.section_count(), 0);
    let da = a.dynamic_symbols().unwrap().unwrap();
    let db = b.dynamic_symbols().unwrap().unwrap();
    assert_eq!(da.symbols().len(), db.symbols().len());
    for (i, (x, y)) in da.symbols().iter().zip(db.symbols().iter()).enumerate() {
        assert_eq!(x, y);
        assert_eq!(
            da.symbols().name(&x).unwrap(),
            db.symbols().name(&y).unwrap()
        );
        assert_eq!(da.version(i).unwrap(), db.version(i).unwrap());
    }
    assert!(matches!(db.hash(), Some(HashTable::Gnu(_))));
    let (i, s) = db.lookup(b"lib_add").unwrap().unwrap();
    assert_eq!(db.symbols().name(&s).unwrap(), b"lib_add");
    assert_eq!(da.lookup(b"lib_add").unwrap().unwrap(), (i, s));
    // The dynamic strings come from DT_STRTAB alone.
    let needed: Vec<_> = b
        .dynamic()
        .unwrap()
        .unwrap()
        .iter()
        .filter(|d| d.d_tag == DT_SONAME)
        .collect();
    assert_eq!(b.dynamic_string(needed[0].d_val).unwrap(), b"lib.so");
    // And the relocations from DT_RELA / DT_JMPREL agree with the sections.
    let dr = b.dynamic_relocations().unwrap();
    let n_dyn: usize = [dr.rela, dr.plt]
        .iter()
        .flatten()
        .map(|t| t.iter().count())
        .sum();
    let n_sec: usize = a
        .sections()
        .filter_map(|s| a.section_relocations(&s).unwrap())
        .map(|t| t.map(Result::unwrap).count())
        .sum();
    assert_eq!(n_dyn, n_sec);
}

#[test]
fn hash_lookup_agrees_with_linear_scan_on_every_arch() {
    for arch in ARCHES {
        for f in ["lib.so", "exe"] {
            let bytes = data(&format!("{arch}/{f}"));
            let elf = ElfFile::parse(&bytes).unwrap();
            let d = elf.dynamic_symbols().unwrap().unwrap();
            assert!(d.hash().is_some(), "{arch}/{f} has a hash table");
            let t = d.symbols();
            let mut found = 0;
            for (i, s) in t.iter().enumerate().skip(1) {
                let name = t.name(&s).unwrap();
                if s.is_undefined() || name.is_empty() {
                    continue;
                }
                let hidden = d
                    .versions()
                    .versym(i)
                    .is_some_and(|v| v & VERSYM_HIDDEN != 0);
                let got = d.lookup(name).unwrap();
                if hidden {
                    continue;
                }
                assert_eq!(
                    got,
                    Some((i, s)),
                    "{arch}/{f}: {}",
                    String::from_utf8_lossy(name)
                );
                found += 1;
            }
            // An executable may define no dynamic symbol at all.
            assert!(found > 0 || f == "exe", "{arch}/{f}");
            assert_eq!(d.lookup(b"no_such_symbol_anywhere").unwrap(), None);
        }
    }
}

#[test]
fn both_hash_tables_find_the_same_symbols() {
    // lib.so has .hash and .gnu.hash (MIPS: .hash only); check the SysV
    // table on its own against the GNU one.
    for arch in ARCHES {
        let bytes = data(&format!("{arch}/lib.so"));
        let elf = ElfFile::parse(&bytes).unwrap();
        let d = elf.dynamic_symbols().unwrap().unwrap();
        let sec = elf.section_by_type(SHT_HASH).unwrap();
        let wide = elf.machine() == EM_S390 && elf.class() == Class::Elf64;
        let sysv =
            elfin::read::SysvHash::parse(elf.encoding(), sec.data().unwrap(), 0, wide).unwrap();
        assert_eq!(sysv.symbol_count(), d.symbols().len(), "{arch}: nchain");
        for name in ["lib_add", "lib_name", "lib_counter", "lib_names", "lib_tls"] {
            let a = sysv
                .find(name.as_bytes(), d.symbols(), |_, _| true)
                .unwrap();
            let b = d.lookup(name.as_bytes()).unwrap();
            assert_eq!(a, b, "{arch}: {name}");
            assert!(a.is_some(), "{arch}: {name}");
        }
        assert_eq!(
            sysv.find(b"lib_unversioned_local", d.symbols(), |_, _| true)
                .unwrap(),
            None
        );
    }
}

#[test]
fn symbol_versions_match_readelf() {
    if !common::tools::require(&["readelf"]) {
        return;
    }
    for arch in ARCHES {
        let rel = format!("{arch}/lib.so");
        let bytes = data(&rel);
        let elf = ElfFile::parse(&bytes).unwrap();
        let d = elf.dynamic_symbols().unwrap().unwrap();
        let Some(out) = readelf(&["--dyn-syms"], &data_path(&rel)) else {
            return;
        };
        let mut checked = 0;
        for line in out.lines() {
            let cols: Vec<&str> = line.split_whitespace().collect();
            if cols.len() < 8 || !cols[0].ends_with(':') {
                continue;
            }
            let Ok(i) = cols[0].trim_end_matches(':').parse::<usize>() else {
                continue;
            };
            let name_col = cols[7];
            let v = d.version(i).unwrap();
            if let Some((_, ver)) = name_col.split_once("@@") {
                assert!(
                    matches!(v, SymbolVersion::Defined { hidden: false, .. }),
                    "{rel} {i}: {v:?}"
                );
                assert_eq!(v.name().unwrap(), ver.as_bytes(), "{rel} {i}");
                checked += 1;
            } else if let Some((_, ver)) = name_col.split_once('@') {
                assert_eq!(v.name().unwrap(), ver.as_bytes(), "{rel} {i}");
                checked += 1;
            }
        }
        assert!(checked >= 5, "{rel}: {checked} versioned symbols");
        // LIB_2.0 is a child of LIB_1.0: its Verdef has the parent as a second Verdaux.
        let defs: Vec<_> = d.versions().definitions().map(|x| x.unwrap()).collect();
        let v2 = defs.iter().find(|x| x.name == b"LIB_2.0").unwrap();
        let parents: Vec<_> = v2.parents.map(|p| p.unwrap()).collect();
        assert_eq!(parents, [&b"LIB_1.0"[..]], "{rel}");
        let (_, s) = d
            .lookup_versioned(b"lib_name", b"LIB_2.0")
            .unwrap()
            .unwrap();
        assert_eq!(d.symbols().name(&s).unwrap(), b"lib_name");
        assert_eq!(d.lookup_versioned(b"lib_name", b"LIB_1.0").unwrap(), None);
    }
}

/// The file as elfutils' `eu-elfcompress -t none` writes it (it handles
/// every machine, unlike the host's objcopy); `None` when it fails.
fn decompressed_by_elfutils(rel: &str) -> Option<Vec<u8>> {
    let out = std::env::temp_dir().join(format!(
        "elfin-decompressed-{}-{}",
        std::process::id(),
        rel.replace('/', "-")
    ));
    let ok = std::process::Command::new("eu-elfcompress")
        .args(["-q", "-t", "none", "-o"])
        .arg(&out)
        .arg(data_path(rel))
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        panic!("eu-elfcompress could not decompress {rel}");
    }
    let bytes = std::fs::read(&out).ok();
    let _ = std::fs::remove_file(&out);
    bytes
}

#[test]
fn compressed_debug_sections_decompress_as_elfutils_does() {
    if !common::tools::require(&["eu-elfcompress"]) {
        return;
    }
    for arch in ARCHES {
        for (f, kind) in [
            ("obj-zdebug.o", ELFCOMPRESS_ZLIB),
            ("obj-zstd.o", ELFCOMPRESS_ZSTD),
        ] {
            let rel = format!("{arch}/{f}");
            let bytes = data(&rel);
            let elf = ElfFile::parse(&bytes).unwrap();
            // elfutils before 0.189 has no zstd; the zstd objects differ from
            // obj.o only in how the assembler stored the debug sections, so
            // obj.o's plain sections are the reference for them.
            let plain = match kind {
                ELFCOMPRESS_ZSTD => Some(data(&format!("{arch}/obj.o"))),
                _ => decompressed_by_elfutils(&rel),
            };
            let Some(plain) = plain else { continue };
            let plain = ElfFile::parse(&plain).unwrap();
            let mut compared = 0;
            for s in elf.sections() {
                let Some(ch) = s.compression_header().unwrap() else {
                    continue;
                };
                assert_eq!(ch.ch_type, kind, "{rel}");
                let name = s.name().unwrap();
                let p = plain.section_by_name(name).unwrap();
                assert!(!p.header().is_compressed());
                assert_eq!(ch.ch_size, p.header().sh_size, "{rel}");
                #[cfg(feature = "compression")]
                {
                    let out = s.decompressed(1 << 24).unwrap();
                    assert_eq!(
                        &out[..],
                        p.data().unwrap(),
                        "{rel} {}",
                        String::from_utf8_lossy(name)
                    );
                    if ch.ch_size > 1 {
                        let e = s.decompressed(ch.ch_size as usize - 1).unwrap_err();
                        assert!(matches!(e.problem(), Problem::TooLarge { .. }));
                    }
                }
                compared += 1;
            }
            assert!(compared >= 3, "{rel}: {compared} compressed sections");
        }
    }
}

#[test]
fn section_groups_match_readelf() {
    if !common::tools::require(&["readelf"]) {
        return;
    }
    for rel in ["x86_64/group.o", "i686/obj.o"] {
        let bytes = data(rel);
        let elf = ElfFile::parse(&bytes).unwrap();
        let Some(out) = readelf(&["-g"], &data_path(rel)) else {
            return;
        };
        // readelf -g: "COMDAT group section [    N] `.group' [sig] contains K sections:"
        // then "   [Index]    Name" rows "   [    5]   .text._Z..."
        let mut expect: Vec<(usize, Vec<u32>)> = Vec::new();
        for line in out.lines() {
            if line.contains("group section [") {
                let i = line
                    .split('[')
                    .nth(1)
                    .unwrap()
                    .split(']')
                    .next()
                    .unwrap()
                    .trim()
                    .parse()
                    .unwrap();
                expect.push((i, Vec::new()));
            } else if let Some(rest) = line.trim_start().strip_prefix('[') {
                if let Ok(m) = rest.split(']').next().unwrap().trim().parse::<u32>() {
                    expect.last_mut().unwrap().1.push(m);
                }
            }
        }
        let got: Vec<(usize, Vec<u32>)> = elf
            .sections()
            .filter(|s| s.header().sh_type == SHT_GROUP)
            .map(|s| {
                let (flags, members) = elf.group(&s).unwrap();
                assert_eq!(flags, GRP_COMDAT);
                (s.index(), members.iter().collect())
            })
            .collect();
        assert!(!got.is_empty(), "{rel}");
        assert_eq!(got, expect, "{rel}");
    }
}

#[test]
fn relr_addresses_match_readelf() {
    if !common::tools::require(&["readelf"]) {
        return;
    }
    let rel = "x86_64/relr.so";
    let bytes = data(rel);
    let elf = ElfFile::parse(&bytes).unwrap();
    let sec = elf.section_by_type(SHT_RELR).unwrap();
    let got: Vec<u64> = elf
        .relocation_table(&sec)
        .unwrap()
        .unwrap()
        .as_fixed()
        .unwrap()
        .iter()
        .map(|r| r.offset)
        .collect();
    assert!(got.len() >= 4);
    let Some(out) = readelf(&["-r"], &data_path(rel)) else {
        return;
    };
    // binutils 2.40 prints the decoded addresses, one per line, after an
    // "N offsets" line.
    let start = out.find("'.relr.dyn'").unwrap();
    let want: Vec<u64> = out[start..]
        .lines()
        .skip(1)
        .filter(|l| !l.contains("offsets"))
        .take_while(|l| !l.trim().is_empty() && !l.contains("Relocation section"))
        .map(|l| u64::from_str_radix(l.split_whitespace().next().unwrap(), 16).unwrap())
        .collect();
    assert_eq!(got, want);
}

#[test]
fn notes_build_id_and_abi_tag_match_readelf() {
    if !common::tools::require(&["readelf"]) {
        return;
    }
    for arch in ARCHES {
        let rel = format!("{arch}/exe");
        let bytes = data(&rel);
        let elf = ElfFile::parse(&bytes).unwrap();
        let id = elf.build_id().unwrap().unwrap();
        let Some(out) = readelf(&["-n"], &data_path(&rel)) else {
            return;
        };
        let line = out.lines().find(|l| l.contains("Build ID:")).unwrap();
        let hex: String = id.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(line.split(':').nth(1).unwrap().trim(), hex, "{rel}");
        if let Some(line) = out.lines().find(|l| l.contains("OS: Linux, ABI:")) {
            let abi = line.split("ABI:").nth(1).unwrap().trim();
            let mut tag = None;
            for p in elf.segments().filter(|p| p.p_type == PT_NOTE) {
                for n in elf.segment_notes(&p).unwrap() {
                    if let Some(GnuNote::AbiTag {
                        os,
                        major,
                        minor,
                        patch,
                    }) = n.unwrap().gnu(elf.encoding())
                    {
                        tag = Some((os, format!("{major}.{minor}.{patch}")));
                    }
                }
            }
            assert_eq!(tag, Some((ELF_NOTE_OS_LINUX, abi.to_owned())), "{rel}");
        }
    }
}

#[test]
fn interpreter_and_address_translation_agree_with_the_sections() {
    if !common::tools::require(&["readelf"]) {
        return;
    }
    for arch in ARCHES {
        let rel = format!("{arch}/exe");
        let bytes = data(&rel);
        let elf = ElfFile::parse(&bytes).unwrap();
        let interp = elf.interpreter().unwrap().unwrap();
        assert_eq!(
            elf.section_by_name(b".interp")
                .unwrap()
                .data()
                .unwrap()
                .strip_suffix(b"\0")
                .unwrap(),
            interp
        );
        if let Some(out) = readelf(&["-l"], &data_path(&rel)) {
            let line = out
                .lines()
                .find(|l| l.contains("Requesting program interpreter"))
                .unwrap();
            let want = line.split(": ").nth(1).unwrap().trim_end_matches(']');
            assert_eq!(interp, want.as_bytes(), "{rel}");
        }
        for s in elf.sections().filter(|s| {
            s.header().is_alloc() && s.header().has_file_data() && s.header().sh_size > 0
        }) {
            let h = *s.header();
            if h.sh_flags & SHF_TLS != 0 {
                continue;
            }
            assert_eq!(
                elf.vaddr_to_offset(h.sh_addr),
                Some(h.sh_offset),
                "{rel} {:?}",
                s.name()
            );
            assert_eq!(elf.offset_to_vaddr(h.sh_offset), Some(h.sh_addr), "{rel}");
            assert_eq!(
                elf.data_at_vaddr(h.sh_addr, h.sh_size).unwrap(),
                s.data().unwrap()
            );
            let c = elf.section_containing(h.sh_addr).unwrap();
            assert_eq!(c.header().sh_addr, h.sh_addr, "{rel} {:?}", s.name());
        }
    }
}

#[test]
fn mips64el_relocation_types_match_readelf() {
    if !common::tools::require(&["readelf"]) {
        return;
    }
    let rel = "mips64el/obj.o";
    let bytes = data(rel);
    let elf = ElfFile::parse(&bytes).unwrap();
    let sec = elf
        .section_by_name(b".rela.text.main")
        .or_else(|| elf.section_by_name(b".rela.text"))
        .unwrap();
    let t = elf.relocation_table(&sec).unwrap().unwrap();
    let relocs: Vec<_> = t.as_fixed().unwrap().iter().collect();
    assert!(!relocs.is_empty());
    let Some(out) = readelf(&["-r"], &data_path(rel)) else {
        return;
    };
    // readelf prints each MIPS64 entry as "offset info R_MIPS_x symval sym+addend"
    // followed by "Type2:" and "Type3:" lines. Compare the first type's name
    // through the numbers of the MIPS psABI.
    let name = String::from_utf8_lossy(sec.name().unwrap()).into_owned();
    let start = out.find(&format!("'{name}'")).unwrap();
    let names: Vec<&str> = out[start..]
        .lines()
        .skip(2)
        .take_while(|l| !l.trim().is_empty() && !l.contains("Relocation section"))
        .filter(|l| {
            l.split_whitespace()
                .nth(2)
                .is_some_and(|t| t.starts_with("R_MIPS_"))
        })
        .map(|l| l.split_whitespace().nth(2).unwrap())
        .collect();
    assert_eq!(names.len(), relocs.len());
    let mips = |n: &str| match n {
        "R_MIPS_NONE" => 0,
        "R_MIPS_32" => 2,
        "R_MIPS_26" => 4,
        "R_MIPS_HI16" => 5,
        "R_MIPS_LO16" => 6,
        "R_MIPS_GPREL16" => 7,
        "R_MIPS_GOT16" => 9,
        "R_MIPS_CALL16" => 11,
        "R_MIPS_64" => 18,
        "R_MIPS_GOT_DISP" => 19,
        "R_MIPS_GOT_PAGE" => 20,
        "R_MIPS_GOT_OFST" => 21,
        "R_MIPS_GPREL32" => 12,
        "R_MIPS_SUB" => 24,
        "R_MIPS_HIGHER" => 28,
        "R_MIPS_HIGHEST" => 29,
        "R_MIPS_CALL_HI16" => 30,
        "R_MIPS_CALL_LO16" => 31,
        "R_MIPS_GOT_HI16" => 22,
        "R_MIPS_GOT_LO16" => 23,
        "R_MIPS_JALR" => 37,
        "R_MIPS_TLS_GD" => 42,
        "R_MIPS_TLS_LDM" => 43,
        "R_MIPS_TLS_DTPREL_HI16" => 44,
        "R_MIPS_TLS_DTPREL_LO16" => 45,
        "R_MIPS_TLS_GOTTPREL" => 46,
        "R_MIPS_TLS_TPREL_HI16" => 49,
        "R_MIPS_TLS_TPREL_LO16" => 50,
        other => panic!("add {other}"),
    };
    for (r, n) in relocs.iter().zip(names) {
        assert_eq!(r.kind & 0xff, mips(n), "{n}");
    }
}

#[test]
fn hostile_headers_give_errors_naming_structure_and_offset() {
    let good = data("x86_64/lib.so");
    // Not ELF.
    assert_eq!(
        ElfFile::parse(b"\x7fELG").unwrap_err().problem(),
        Problem::BadMagic
    );
    // Truncated header.
    let e = ElfFile::parse(&good[..40]).unwrap_err();
    assert_eq!(e.structure(), "file header");
    assert!(matches!(e.problem(), Problem::OutOfBounds { size: 64, .. }));
    // Bad class.
    let mut b = good.clone();
    b[4] = 9;
    assert_eq!(
        ElfFile::parse(&b).unwrap_err().problem(),
        Problem::BadClass(9)
    );
    // Section header table past the end of the file.
    let mut b = good.clone();
    let shoff = u64::from_le_bytes(b[0x28..0x30].try_into().unwrap());
    b.truncate(shoff as usize + 64);
    // The file still opens, without sections and with its segments.
    let elf = ElfFile::parse(&b).unwrap();
    assert_eq!(elf.section_count(), 0);
    assert!(elf.segment_count() > 0 && elf.segments_error().is_none());
    let e = elf.sections_error().unwrap();
    assert_eq!(e.structure(), "section header table");
    assert_eq!(e.offset(), shoff);
    assert!(e.to_string().contains("is out of bounds"), "{e}");
    // A section whose data is past the end: parse works, data() reports it.
    let mut b = good.clone();
    let elf = ElfFile::parse(&good).unwrap();
    let text = elf.section_by_name(b".text").unwrap();
    let at = shoff as usize + text.index() * 64 + 0x18; // sh_offset
    let len = b.len() as u64;
    b[at..at + 8].copy_from_slice(&len.to_le_bytes());
    let elf = ElfFile::parse(&b).unwrap();
    let e = elf.section(text.index()).unwrap().data().unwrap_err();
    assert_eq!(e.index(), Some(text.index() as u64));
    assert!(
        e.to_string()
            .starts_with(&format!("section header {}", text.index())),
        "{e}"
    );
    // A string offset past its table.
    let mut b = good.clone();
    let at = shoff as usize + text.index() * 64; // sh_name
    b[at..at + 4].copy_from_slice(&0xffff_fff0u32.to_le_bytes());
    let elf = ElfFile::parse(&b).unwrap();
    let e = elf.section(text.index()).unwrap().name().unwrap_err();
    assert!(matches!(e.problem(), Problem::BadIndex { .. }), "{e}");
}

#[test]
fn crel_relocations_match_llvm_readelf() {
    // LLVM 19's readelf decodes CREL (Debian package llvm-19).
    let tool = "llvm-readelf-19";
    if !common::tools::require(&[tool]) {
        return;
    }
    for rel in ["crel/x86_64.o", "crel/powerpc.o"] {
        let bytes = data(rel);
        let elf = ElfFile::parse(&bytes).unwrap();
        let out = std::process::Command::new(tool)
            .args(["-W", "-r"])
            .arg(data_path(rel))
            .output()
            .unwrap();
        let out = String::from_utf8(out.stdout).unwrap();
        let symtab = elf.symbol_table().unwrap().unwrap();
        let mut compared = 0;
        for s in elf.sections().filter(|s| s.header().sh_type == SHT_CREL) {
            let name = String::from_utf8_lossy(s.name().unwrap()).into_owned();
            let t = elf.relocation_table(&s).unwrap().unwrap();
            assert!(t.has_addends(), "{rel}");
            let got: Vec<_> = t.as_crel().unwrap().iter().map(|r| r.unwrap()).collect();
            let start = out.find(&format!("'{name}'")).unwrap();
            // Rows: "offset info type symvalue name + addend" (hex; " - " for
            // negative addends).
            let rows: Vec<&str> = out[start..]
                .lines()
                .skip(2)
                .take_while(|l| !l.trim().is_empty())
                .collect();
            assert_eq!(rows.len(), got.len(), "{rel} {name}");
            for (r, row) in got.iter().zip(rows) {
                let cols: Vec<&str> = row.split_whitespace().collect();
                assert_eq!(r.offset, u64::from_str_radix(cols[0], 16).unwrap(), "{row}");
                let info = u64::from_str_radix(cols[1], 16).unwrap();
                let (sym, kind) = elf.info_layout().split(info);
                assert_eq!((r.symbol, r.kind), (sym, kind), "{row}");
                let sign = if cols[5] == "-" { -1 } else { 1 };
                let addend = sign * i64::from_str_radix(cols[6], 16).unwrap();
                assert_eq!(r.addend, Some(addend), "{row}");
                let s = symtab.get(r.symbol as usize).unwrap();
                let sym_name = if s.kind() == STT_SECTION {
                    elf.section(s.st_shndx.into()).unwrap().name().unwrap()
                } else {
                    symtab.name(&s).unwrap()
                };
                assert_eq!(sym_name, cols[4].as_bytes(), "{row}");
                compared += 1;
            }
        }
        assert!(compared >= 9, "{rel}: {compared}");
    }
}
