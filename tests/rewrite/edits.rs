//! The rewriter's edits, each as a user calls it, judged by the kernel
//! running the program and by readelf, objcopy, nm and eu-elflint reading
//! the file: `set_entry`, `remove_section`, `replace_section_data`,
//! `sections` (and what each `RewriteSection` says), and the plan's view of
//! the output (`plan`, `output_of`, `RewritePlan`'s accessors, and the
//! `RewriteOutput` it makes: pieces, bytes, `write_to`).

use super::tools::{assert_tools_accept, can_run_programs, gcc, run, scratch, write_exec};
use elfin::ElfFile;
use elfin::raw::consts::*;
use elfin::write::{Piece, Rewriter};
use std::path::Path;
use std::process::Command;

const PROGRAM: &str = r#"
#include <stdio.h>
#include <unistd.h>
static const char message[] = "hello from elfin";
int main(void) { puts(message); return 0; }
void other_start(void) { _exit(42); }
"#;

/// `PROGRAM` built by gcc in `dir`, as `dir/prog`.
fn program(dir: &Path) -> Vec<u8> {
    std::fs::write(dir.join("prog.c"), PROGRAM).unwrap();
    gcc(dir, &["-O1", "-g", "-o", "prog", "prog.c"]);
    std::fs::read(dir.join("prog")).unwrap()
}

/// `readelf -S -W`'s sections after the null one: (name, type, offset,
/// size).
fn readelf_sections(path: &Path) -> Vec<(String, String, u64, u64)> {
    let out = run(Command::new("readelf").args(["-S", "-W"]).arg(path));
    assert!(out.status.success(), "readelf -S {}", path.display());
    let hex = |s: &str| u64::from_str_radix(s, 16).unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| {
            let rest = l.trim_start().strip_prefix('[')?;
            let (index, rest) = rest.split_once(']')?;
            if index.trim().parse::<usize>().ok()? == 0 {
                return None;
            }
            let t: Vec<&str> = rest.split_whitespace().collect();
            Some((t[0].to_owned(), t[1].to_owned(), hex(t[3]), hex(t[4])))
        })
        .collect()
}

/// One `readelf -h` field's value, as text.
fn readelf_header(path: &Path, field: &str) -> String {
    let out = run(Command::new("readelf").arg("-h").arg(path));
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.trim().strip_prefix(field).map(|v| v.trim().to_owned()))
        .unwrap_or_else(|| panic!("readelf -h {}: no {field}", path.display()))
}

fn index_of(r: &Rewriter<'_>, name: &[u8]) -> usize {
    r.sections()
        .iter()
        .position(|s| &*s.name == name)
        .unwrap_or_else(|| panic!("no section {}", String::from_utf8_lossy(name)))
}

/// Runs `path`: (exit code, stdout).
fn exec(path: &Path) -> (Option<i32>, String) {
    let out = run(&mut Command::new(path));
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// The entry point `set_entry` writes is where the kernel starts the
/// program: `other_start` (its address from nm) exits 42 before `main`
/// prints anything.
#[test]
fn set_entry_is_where_the_program_starts() {
    if !can_run_programs() || !crate::common::tools::require(&["nm"]) {
        return;
    }
    let dir = scratch("set-entry");
    let input = program(&dir);
    assert_eq!(
        exec(&dir.join("prog")),
        (Some(0), "hello from elfin\n".into())
    );
    let nm = run(Command::new("nm").arg(dir.join("prog")));
    let other = String::from_utf8_lossy(&nm.stdout)
        .lines()
        .find_map(|l| l.strip_suffix(" T other_start").map(str::to_owned))
        .expect("nm lists other_start");
    let other = u64::from_str_radix(&other, 16).unwrap();
    let file = ElfFile::parse(&input).unwrap();
    let mut r = Rewriter::new(&file).unwrap();
    r.set_entry(other);
    let out = dir.join("entry");
    write_exec(&out, &r.write().unwrap());
    assert_eq!(
        readelf_header(&out, "Entry point address:"),
        format!("{other:#x}")
    );
    assert_eq!(exec(&out), (Some(42), String::new()));
    assert_tools_accept(&dir.join("prog"), &out);
}

/// Removed sections are gone from the section table readelf lists (the
/// others kept in order), nm finds no symbols once `.symtab` and
/// `.strtab` went, and the program still runs; a loaded section, the
/// section-name table and the null section cannot be removed.
#[test]
fn removed_sections_are_gone_and_the_program_runs() {
    if !can_run_programs() || !crate::common::tools::require(&["nm"]) {
        return;
    }
    let dir = scratch("remove-section");
    let input = program(&dir);
    let file = ElfFile::parse(&input).unwrap();
    let mut r = Rewriter::new(&file).unwrap();
    let gone = [&b".comment"[..], b".symtab", b".strtab", b".debug_info"];
    for name in gone {
        r.remove_section(index_of(&r, name)).unwrap();
    }
    assert!(r.remove_section(index_of(&r, b".text")).is_err());
    assert!(r.remove_section(index_of(&r, b".shstrtab")).is_err());
    assert!(r.remove_section(0).is_err());
    assert!(r.remove_section(r.sections().len()).is_err());
    let out = dir.join("removed");
    write_exec(&out, &r.write().unwrap());
    let before: Vec<String> = readelf_sections(&dir.join("prog"))
        .into_iter()
        .map(|s| s.0)
        .filter(|n| !gone.contains(&n.as_bytes()))
        .collect();
    let after: Vec<String> = readelf_sections(&out).into_iter().map(|s| s.0).collect();
    assert_eq!(after, before);
    let nm = run(Command::new("nm").arg(&out));
    assert!(
        String::from_utf8_lossy(&nm.stderr).contains("no symbols"),
        "nm: {}",
        String::from_utf8_lossy(&nm.stderr)
    );
    assert_eq!(exec(&out), (Some(0), "hello from elfin\n".into()));
    assert_tools_accept(&dir.join("prog"), &out);
}

/// Replaced data is what runs and what the tools read: the message in
/// `.rodata` (loaded, same size) is what the program prints, a longer
/// `.comment` is what objcopy dumps; a loaded section cannot change size
/// and `.bss` has no data to replace.
#[test]
fn replaced_section_data_is_what_runs_and_what_tools_read() {
    if !can_run_programs() || !crate::common::tools::require(&["objcopy"]) {
        return;
    }
    let dir = scratch("replace-section");
    let input = program(&dir);
    let file = ElfFile::parse(&input).unwrap();
    let mut r = Rewriter::new(&file).unwrap();
    let rodata = index_of(&r, b".rodata");
    let mut bytes = r.sections()[rodata].data().to_vec();
    let at = bytes
        .windows(5)
        .position(|w| w == b"hello")
        .expect("the message is in .rodata");
    bytes[at..at + 5].copy_from_slice(b"HOWDY");
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(r.replace_section_data(rodata, longer).is_err());
    // Borrowed from the caller, not the input: written all the same.
    r.replace_section_data(rodata, &bytes[..]).unwrap();
    let comment = index_of(&r, b".comment");
    let text = b"a comment much longer than the one gcc wrote, from elfin's test\0".to_vec();
    r.replace_section_data(comment, text.clone()).unwrap();
    assert!(
        r.replace_section_data(index_of(&r, b".bss"), vec![])
            .is_err()
    );
    assert!(r.replace_section_data(0, vec![]).is_err());
    let out = dir.join("replaced");
    write_exec(&out, &r.write().unwrap());
    assert_eq!(exec(&out), (Some(0), "HOWDY from elfin\n".into()));
    let dumped = dir.join("comment.bin");
    let o = run(Command::new("objcopy")
        .arg(format!("--dump-section=.comment={}", dumped.display()))
        .arg(&out)
        .arg(dir.join("scratch")));
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(std::fs::read(&dumped).unwrap(), text);
    assert_tools_accept(&dir.join("prog"), &out);
}

/// `Rewriter::sections` describes the input as readelf and objcopy see
/// it: each section's name, type, size and (for `.comment`) bytes, with
/// its input index; an added section has none.
#[test]
fn sections_describe_the_input() {
    if !can_run_programs() || !crate::common::tools::require(&["objcopy"]) {
        return;
    }
    let dir = scratch("rewrite-sections");
    let input = program(&dir);
    let file = ElfFile::parse(&input).unwrap();
    let mut r = Rewriter::new(&file).unwrap();
    let listed = readelf_sections(&dir.join("prog"));
    assert_eq!(r.sections().len(), listed.len() + 1);
    for (i, (s, (name, kind, offset, size))) in r.sections().iter().skip(1).zip(&listed).enumerate()
    {
        assert_eq!(s.original_index, Some(i + 1));
        assert_eq!(String::from_utf8_lossy(&s.name), *name);
        assert_eq!(s.header.sh_offset, *offset, "{name}");
        assert_eq!(s.header.sh_size, *size, "{name}");
        let nobits = s.header.sh_type == SHT_NOBITS;
        assert_eq!(nobits, kind == "NOBITS", "{name}");
        if !nobits {
            assert_eq!(s.data().len() as u64, *size, "{name}");
        }
    }
    let dumped = dir.join("comment.bin");
    let o = run(Command::new("objcopy")
        .arg(format!("--dump-section=.comment={}", dumped.display()))
        .arg(dir.join("prog"))
        .arg(dir.join("scratch")));
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let comment = index_of(&r, b".comment");
    assert_eq!(
        r.sections()[comment].data(),
        &std::fs::read(&dumped).unwrap()[..]
    );
    let added = r
        .add_section(&b".elfin.note"[..], SHT_PROGBITS, &b"x"[..], 1)
        .unwrap();
    assert_eq!(r.sections()[added].original_index, None);
    assert_eq!(&*r.sections()[added].name, b".elfin.note");
}

/// What the plan says is what `output_of` writes, as readelf reads it: the
/// section headers (names from `origins`, offsets and sizes), the section
/// header table's offset, the program headers, the file size; a plan of
/// another rewriter is refused.
#[test]
fn the_plan_is_the_file_output_of_writes() {
    if !can_run_programs() {
        return;
    }
    let dir = scratch("rewrite-plan");
    let input = program(&dir);
    let file = ElfFile::parse(&input).unwrap();
    let mut r = Rewriter::new(&file).unwrap();
    r.remove_section(index_of(&r, b".comment")).unwrap();
    r.add_section(&b".elfin.added"[..], SHT_PROGBITS, vec![7u8; 100], 4)
        .unwrap();
    let other = Rewriter::new(&file).unwrap();
    assert!(r.output_of(other.plan().unwrap()).is_err());
    let plan = r.plan().unwrap();
    let (sections, origins) = (plan.sections().to_vec(), plan.origins().to_vec());
    let (shoff, size, segments) = (plan.shoff(), plan.file_size(), plan.segments().to_vec());
    let output = r.output_of(plan).unwrap();
    assert_eq!(output.len(), size);
    assert!(!output.is_empty());
    let bytes = output.to_vec();
    assert_eq!(bytes.len() as u64, size);
    // The pieces, put together, and `write_to`, are those bytes.
    let mut assembled = Vec::new();
    for piece in output.pieces() {
        assert!(!piece.is_empty());
        match piece {
            Piece::Zeros(n) => assembled.resize(assembled.len() + n as usize, 0),
            _ => assembled.extend_from_slice(output.bytes(&piece)),
        }
    }
    assert!(assembled == bytes, "pieces differ from to_vec");
    let streamed = dir.join("streamed");
    output
        .write_to(std::fs::File::create(&streamed).unwrap())
        .unwrap();
    assert!(
        std::fs::read(&streamed).unwrap() == bytes,
        "write_to differs"
    );
    let out = dir.join("planned");
    write_exec(&out, &bytes);
    assert_eq!(
        readelf_header(&out, "Start of section headers:"),
        format!("{shoff} (bytes into file)")
    );
    let listed = readelf_sections(&out);
    assert_eq!(listed.len(), sections.len());
    assert_eq!(origins.len(), sections.len());
    let input_names = readelf_sections(&dir.join("prog"));
    for ((header, origin), (name, _, offset, len)) in sections.iter().zip(&origins).zip(&listed) {
        let want = match origin {
            Some(i) => input_names[i - 1].0.clone(),
            None => ".elfin.added".to_owned(),
        };
        assert_eq!(*name, want);
        assert_eq!(header.sh_offset, *offset, "{name}");
        assert_eq!(header.sh_size, *len, "{name}");
    }
    let read = ElfFile::parse(&bytes).unwrap();
    let written: Vec<_> = read.segments().collect();
    assert_eq!(written, segments);
    let out_ph = run(Command::new("readelf").args(["-l", "-W"]).arg(&out));
    let loads = String::from_utf8_lossy(&out_ph.stdout)
        .lines()
        .filter(|l| l.trim_start().starts_with("LOAD "))
        .count();
    assert_eq!(
        loads,
        segments.iter().filter(|p| p.p_type == PT_LOAD).count()
    );
    assert_eq!(exec(&out), (Some(0), "hello from elfin\n".into()));
    assert_tools_accept(&dir.join("prog"), &out);
}

/// Prints `argv[2]` bytes at `argv[1]` past the ELF header's run-time
/// address, after copying `argv[3]` there if given.
const PEEK: &str = r#"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
extern const char __ehdr_start[];
int main(int argc, char **argv) {
    char *p = (char *)__ehdr_start + strtoul(argv[1], 0, 0);
    size_t n = strtoul(argv[2], 0, 0);
    if (argc > 3) memcpy(p, argv[3], strlen(argv[3]));
    fwrite(p, 1, n, stdout);
    return 0;
}
"#;

/// Segments `add_segment` adds are mapped by the kernel with their data
/// and permissions: the program reads the read-only one, writes and reads
/// the writable one, and dies writing the read-only one. Their addresses
/// are the ones readelf lists for the sections describing them, in `LOAD`s
/// readelf lists with those flags.
#[test]
fn added_segments_are_mapped_with_their_data_and_permissions() {
    if !can_run_programs() {
        return;
    }
    let dir = scratch("add-segment");
    std::fs::write(dir.join("peek.c"), PEEK).unwrap();
    gcc(&dir, &["-O1", "-o", "peek", "peek.c"]);
    let input = std::fs::read(dir.join("peek")).unwrap();
    let file = ElfFile::parse(&input).unwrap();
    let mut r = Rewriter::new(&file).unwrap();
    let ro = b"read-only bytes elfin added".to_vec();
    r.add_segment(b".elfin.ro", ro.clone(), PF_R).unwrap();
    r.add_segment(b".elfin.rw", vec![b'.'; 64], PF_R | PF_W)
        .unwrap();
    assert!(
        r.add_segment(b".elfin.wx", vec![0; 4], PF_W | PF_X)
            .is_err()
    );
    let out = dir.join("grown");
    write_exec(&out, &r.write().unwrap());
    assert_tools_accept(&dir.join("peek"), &out);

    let text = run(Command::new("readelf").args(["-S", "-l", "-W"]).arg(&out));
    let text = String::from_utf8_lossy(&text.stdout).into_owned();
    let hex = |s: &str| u64::from_str_radix(s.trim_start_matches("0x"), 16).unwrap();
    let section_addr = |name: &str| {
        text.lines()
            .find_map(|l| {
                let t: Vec<&str> = l.split(']').nth(1)?.split_whitespace().collect();
                (t.first() == Some(&name)).then(|| hex(t[2]))
            })
            .unwrap_or_else(|| panic!("readelf lists no {name}:\n{text}"))
    };
    // (vaddr, memsz, flags) of each LOAD.
    let loads: Vec<(u64, u64, String)> = text
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .filter(|t| t.first() == Some(&"LOAD"))
        .map(|t| (hex(t[2]), hex(t[5]), t[6..t.len() - 1].join(" ")))
        .collect();
    let flags_at = |addr: u64| {
        loads
            .iter()
            .find(|(v, m, _)| *v <= addr && addr < v + m)
            .map(|l| l.2.clone())
            .unwrap_or_else(|| panic!("no LOAD holds {addr:#x}:\n{text}"))
    };
    let base = loads.iter().map(|l| l.0).min().unwrap();
    let (ro_at, rw_at) = (section_addr(".elfin.ro"), section_addr(".elfin.rw"));
    assert_eq!(flags_at(ro_at), "R");
    assert_eq!(flags_at(rw_at), "RW");

    let peek = |at: u64, n: usize, write: Option<&str>| {
        let mut cmd = Command::new(&out);
        cmd.arg(format!("{:#x}", at - base)).arg(n.to_string());
        cmd.args(write);
        let o = run(&mut cmd);
        (o.status.code(), o.stdout)
    };
    assert_eq!(peek(ro_at, ro.len(), None), (Some(0), ro));
    let mut want = b"written".to_vec();
    want.extend_from_slice(&[b'.'; 57]);
    assert_eq!(peek(rw_at, 64, Some("written")), (Some(0), want));
    // Writing the read-only segment: SIGSEGV, no exit code.
    assert_eq!(peek(ro_at, 4, Some("x")).0, None);
}

/// Sections that go leave the groups that listed them, and a group left
/// empty goes too: stripping a `gcc -g3` object (whose `.debug_macro`
/// pieces are in COMDAT groups) gives one readelf reads without an error,
/// eu-elflint has nothing new to say about, and GNU ld links into a
/// program that runs; removing one member of a group by hand keeps the
/// group with the others.
#[test]
fn groups_lose_the_sections_that_went() {
    if !can_run_programs() {
        return;
    }
    let dir = scratch("strip-groups");
    std::fs::write(
        dir.join("f.c"),
        "#define ANSWER 42\nint f(void) { return ANSWER; }\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("main.c"),
        "int f(void);\nint main(void) { return f() - 42; }\n",
    )
    .unwrap();
    gcc(&dir, &["-c", "-g3", "-O1", "-o", "f.o", "f.c"]);
    let input = std::fs::read(dir.join("f.o")).unwrap();
    let file = ElfFile::parse(&input).unwrap();
    let groups = |path: &Path| {
        let out = run(Command::new("readelf").args(["-g", "-W"]).arg(path));
        assert!(
            out.stderr.is_empty(),
            "readelf -g {}: {}",
            path.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter(|l| l.contains("COMDAT group section"))
            .count()
    };
    assert!(
        groups(&dir.join("f.o")) > 0,
        "gcc -g3 makes .debug_macro groups"
    );

    let mut r = Rewriter::new(&file).unwrap();
    assert!(r.strip() > 0);
    let stripped = dir.join("stripped.o");
    std::fs::write(&stripped, r.write().unwrap()).unwrap();
    assert_eq!(groups(&stripped), 0, "every group lost all its members");
    assert_tools_accept(&dir.join("f.o"), &stripped);
    gcc(&dir, &["-o", "prog", "main.c", "stripped.o"]);
    assert_eq!(exec(&dir.join("prog")).0, Some(0));

    // One member removed: the group keeps the other, renumbered.
    let mut r = Rewriter::new(&file).unwrap();
    let member = r
        .sections()
        .iter()
        .position(|s| s.header.sh_type == SHT_RELA && s.header.sh_flags & SHF_GROUP != 0)
        .unwrap();
    let kept_member = r.sections()[member].header.sh_info as usize;
    let before = groups(&dir.join("f.o"));
    r.remove_section(member).unwrap();
    let out = dir.join("one-less.o");
    std::fs::write(&out, r.write().unwrap()).unwrap();
    assert_eq!(groups(&out), before);
    let text = run(Command::new("readelf").args(["-g", "-W"]).arg(&out));
    let text = String::from_utf8_lossy(&text.stdout).into_owned();
    let name = String::from_utf8_lossy(&r.sections()[kept_member].name).into_owned();
    let new_index = kept_member - usize::from(member < kept_member);
    assert!(
        text.contains(&format!("[{new_index:>5}]   {name}")),
        "{name} at {new_index} in:\n{text}"
    );
    assert_tools_accept(&dir.join("f.o"), &out);
}

/// In an object with more sections than `st_shndx` can number (GNU as,
/// 66,000 sections, a global symbol in each), removing a section before
/// them keeps every symbol in its section as objdump reads it: the
/// extended indices (`SHT_SYMTAB_SHNDX`) are renumbered too, and a symbol
/// whose index now fits in `st_shndx` takes it there (eu-elflint checks).
#[test]
fn extended_section_indices_follow_a_removal() {
    if !can_run_programs() || !crate::common::tools::require(&["as", "objdump"]) {
        return;
    }
    const COUNT: usize = 66_000;
    let dir = scratch("extended-indices");
    let mut asm = String::from(".section .debug_junk,\"\"\n.byte 1\n");
    for i in 0..COUNT {
        asm.push_str(&format!(
            ".section .s{i},\"a\"\n.globl sym_{i}\nsym_{i}: .byte 1\n"
        ));
    }
    std::fs::write(dir.join("many.s"), asm).unwrap();
    let o = run(Command::new("as")
        .arg("-o")
        .arg(dir.join("many.o"))
        .arg(dir.join("many.s")));
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let input = std::fs::read(dir.join("many.o")).unwrap();
    let file = ElfFile::parse(&input).unwrap();
    let mut r = Rewriter::new(&file).unwrap();
    r.remove_section(index_of(&r, b".debug_junk")).unwrap();
    let out = dir.join("fewer.o");
    std::fs::write(&out, r.write().unwrap()).unwrap();
    let dump = run(Command::new("objdump").arg("-t").arg(&out));
    let text = String::from_utf8_lossy(&dump.stdout);
    let mut seen = 0;
    for line in text.lines() {
        // "0000000000000000 g       .s65999	0000000000000000 sym_65999"
        let t: Vec<&str> = line.split_whitespace().collect();
        let Some(i) = t.last().and_then(|n| n.strip_prefix("sym_")) else {
            continue;
        };
        assert_eq!(t[t.len() - 3], format!(".s{i}"), "{line}");
        seen += 1;
    }
    assert_eq!(seen, COUNT);
    assert_tools_accept(&dir.join("many.o"), &out);
}

/// A relocatable object edited the way `objcopy --update-section` and
/// `--add-section` edit one: its string constants replaced (a longer
/// `.rodata.str1.1`: nothing is kept in place in an object) and a note
/// (a build ID) added; GNU ld links it and the program prints the new
/// string, and `readelf -n` reads the note.
#[test]
fn an_edited_object_links_and_runs() {
    if !can_run_programs() {
        return;
    }
    let dir = scratch("edited-object");
    std::fs::write(
        dir.join("m.c"),
        "#include <stdio.h>\nint main(void) { puts(\"short\"); return 0; }\n",
    )
    .unwrap();
    gcc(&dir, &["-c", "-O1", "-o", "m.o", "m.c"]);
    let input = std::fs::read(dir.join("m.o")).unwrap();
    let file = ElfFile::parse(&input).unwrap();
    let mut r = Rewriter::new(&file).unwrap();
    let strings = index_of(&r, b".rodata.str1.1");
    assert_eq!(r.sections()[strings].data(), b"short\0");
    r.replace_section_data(strings, &b"a longer string\0"[..])
        .unwrap();
    // A GNU build ID note: name "GNU" with its NUL, type 3, 8 bytes.
    let mut note = Vec::new();
    for v in [4u32, 8, 3] {
        note.extend_from_slice(&v.to_le_bytes());
    }
    note.extend_from_slice(b"GNU\0");
    note.extend_from_slice(&[0xe1, 0xf1, 0x0e, 0x1f, 0, 1, 2, 3]);
    r.add_section(&b".note.elfin"[..], SHT_NOTE, note, 4)
        .unwrap();
    let out = dir.join("edited.o");
    std::fs::write(&out, r.write().unwrap()).unwrap();
    assert_tools_accept(&dir.join("m.o"), &out);
    let notes = run(Command::new("readelf").args(["-n", "-W"]).arg(&out));
    let notes = String::from_utf8_lossy(&notes.stdout);
    assert!(notes.contains("Build ID: e1f10e1f00010203"), "{notes}");
    gcc(&dir, &["-o", "prog", "edited.o"]);
    assert_eq!(
        exec(&dir.join("prog")),
        (Some(0), "a longer string\n".into())
    );
}
