//! New dynamic entries (`add_needed`, `set_runpath` and `set_soname` on a
//! file without the entry), judged by ld.so, gcc, readelf and eu-elflint:
//! in the table's spare `DT_NULL` slots, and in a copy of `.dynamic` in a
//! new writable segment when there are too few.

use super::tools::*;
use elfin::ElfFile;
use elfin::raw::consts::*;
use elfin::write::Rewriter;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Where this machine's x86-64 libraries are.
const LIB_DIRS: &[&str] = &["/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu"];

/// The path of library `name` on this machine.
fn system_lib(name: &str) -> Option<PathBuf> {
    LIB_DIRS
        .iter()
        .map(|d| Path::new(d).join(name))
        .find(|p| p.exists())
}

/// Libraries a program can be given to load (they exist here and are not
/// in `needed`).
fn spare_libraries(needed: &[String]) -> Vec<&'static str> {
    [
        "libm.so.6",
        "libz.so.1",
        "libdl.so.2",
        "libpthread.so.0",
        "librt.so.1",
        "libutil.so.1",
        "libresolv.so.2",
    ]
    .into_iter()
    .filter(|l| system_lib(l).is_some() && !needed.iter().any(|n| n == l))
    .collect()
}

/// How many entries the dynamic table can take in place: its `DT_NULL`
/// slots after the live entries, less the one that ends the table.
fn spare_slots(bytes: &[u8]) -> usize {
    let f = ElfFile::parse(bytes).unwrap();
    let p = f.segments().find(|p| p.p_type == PT_DYNAMIC).unwrap();
    let slots = (p.p_filesz / 16) as usize;
    let live = f
        .dynamic()
        .unwrap()
        .unwrap()
        .iter()
        .take_while(|d| d.d_tag != DT_NULL)
        .count();
    slots - live - 1
}

fn dynamic_segment(bytes: &[u8]) -> elfin::read::ProgramHeader {
    let f = ElfFile::parse(bytes).unwrap();
    f.segments().find(|p| p.p_type == PT_DYNAMIC).unwrap()
}

/// `program --version`: exit code and output, with the program's path
/// and name replaced (some programs print them).
fn version(program: &Path) -> (Option<i32>, String) {
    let out = run(Command::new(program).arg("--version"));
    let text = String::from_utf8_lossy(&out.stdout)
        .replace(&*program.to_string_lossy(), "PROGRAM")
        .replace(&*program.file_name().unwrap().to_string_lossy(), "PROGRAM");
    (out.status.code(), text)
}

/// A /usr/bin program that answers `--version` the same way from a copy
/// in `dir`, with no RUNPATH or RPATH; its copy's path and bytes.
fn usr_bin_program(dir: &Path) -> Option<(PathBuf, Vec<u8>)> {
    for name in ["ls", "cat", "date", "env", "sort"] {
        let path = Path::new("/usr/bin").join(name);
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        let copy = dir.join(format!("orig-{name}"));
        write_exec(&copy, &bytes);
        let runpath =
            dynamic_strings(&copy, "RUNPATH").len() + dynamic_strings(&copy, "RPATH").len();
        let v = version(&copy);
        if runpath == 0 && v.0 == Some(0) && version(&copy) == v {
            return Some((copy, bytes));
        }
    }
    println!("SKIP: no /usr/bin program to rewrite");
    None
}

/// Rewrites `input` with `edit` into `output` (executable).
fn rewrite(input: &[u8], output: &Path, edit: impl FnOnce(&mut Rewriter<'_>)) -> Vec<u8> {
    let f = ElfFile::parse(input).unwrap();
    let mut r = Rewriter::new(&f).unwrap();
    edit(&mut r);
    let out = r.write().unwrap();
    write_exec(output, &out);
    out
}

/// The names of the loaded libraries, in order.
fn names(loaded: &[(String, String)]) -> Vec<String> {
    loaded.iter().map(|(n, _)| n.clone()).collect()
}

#[test]
fn added_libraries_are_loaded_by_a_usr_bin_program() {
    if !can_run_programs() {
        return;
    }
    let dir = scratch("add-needed-bin");
    let Some((orig, bytes)) = usr_bin_program(&dir) else {
        return;
    };
    let want = version(&orig);
    let needed = dynamic_strings(&orig, "NEEDED");
    let libs = spare_libraries(&needed);
    assert!(!libs.is_empty(), "no library to add");
    let spare = spare_slots(&bytes);
    // One library (in a spare slot if there is one), then more than the
    // table has room for (a moved table).
    let mut cases = vec![libs[..1].to_vec()];
    if libs.len() > spare {
        cases.push(libs.clone());
    } else {
        println!(
            "SKIP (moved table): {} spare slots, {} libraries",
            spare,
            libs.len()
        );
    }
    for add in cases {
        let new = dir.join(format!("new-{}", add.len()));
        let out = rewrite(&bytes, &new, |r| {
            for l in &add {
                r.add_needed(l.as_bytes()).unwrap();
            }
        });
        let moved = dynamic_segment(&out) != dynamic_segment(&bytes);
        assert_eq!(moved, add.len() > spare, "{add:?}, {spare} spare slots");
        // readelf: the old entries, then the new ones, in order.
        let mut expect = needed.clone();
        expect.extend(add.iter().map(|l| l.to_string()));
        assert_eq!(dynamic_strings(&new, "NEEDED"), expect);
        // ld.so loads them in that order (breadth first: direct ones first).
        let loaded = loaded(&new, &[]);
        assert_eq!(names(&loaded)[..expect.len()], expect[..], "{loaded:?}");
        for l in &add {
            let path = &loaded.iter().find(|(n, _)| n == l).unwrap().1;
            assert!(Path::new(path).exists(), "{l} => {path}");
        }
        assert_eq!(version(&new), want, "{} with {add:?}", new.display());
        assert_tools_accept(&orig, &new);
    }
}

/// A tiny shared library and a program that uses it, built by gcc in
/// `dir`: `libfoo.so` (with `soname`, if given) and `main` (linked with
/// `-L. -lfoo`, no run path), which prints `foo 42`.
fn build_foo(dir: &Path, soname: Option<&str>) {
    std::fs::write(dir.join("foo.c"), "int foo(int x) { return x * 2; }\n").unwrap();
    std::fs::write(
        dir.join("main.c"),
        "#include <stdio.h>\nint foo(int);\nint main(void) { printf(\"foo %d\\n\", foo(21)); return 0; }\n",
    )
    .unwrap();
    let mut args = vec!["-shared", "-fPIC", "foo.c", "-o", "libfoo.so"];
    let flag = soname.map(|s| format!("-Wl,-soname,{s}"));
    if let Some(f) = &flag {
        args.push(f);
    }
    gcc(dir, &args);
    gcc(dir, &["main.c", "-L.", "-lfoo", "-o", "main"]);
}

fn run_main(program: &Path, lib_dir: Option<&Path>) -> std::process::Output {
    let mut cmd = Command::new(program);
    if let Some(d) = lib_dir {
        cmd.env("LD_LIBRARY_PATH", d);
    }
    run(&mut cmd)
}

#[test]
fn added_libraries_of_a_shared_library_are_loaded() {
    if !can_run_programs() {
        return;
    }
    let dir = scratch("add-needed-lib");
    build_foo(&dir, Some("libfoo.so"));
    let lib = dir.join("libfoo.so");
    let orig = dir.join("libfoo.orig.so");
    std::fs::copy(&lib, &orig).unwrap();
    let bytes = std::fs::read(&orig).unwrap();
    let needed = dynamic_strings(&orig, "NEEDED");
    let libs = spare_libraries(&needed);
    let spare = spare_slots(&bytes);
    let mut cases = vec![libs[..1].to_vec()];
    if libs.len() > spare {
        cases.push(libs.clone());
    }
    for add in cases {
        let out = rewrite(&bytes, &lib, |r| {
            for l in &add {
                r.add_needed(l.as_bytes()).unwrap();
            }
        });
        assert_eq!(
            dynamic_segment(&out) != dynamic_segment(&bytes),
            add.len() > spare
        );
        let mut expect = needed.clone();
        expect.extend(add.iter().map(|l| l.to_string()));
        assert_eq!(dynamic_strings(&lib, "NEEDED"), expect);
        assert_tools_accept(&orig, &lib);
        // ld.so loads libfoo's new libraries with it, and main still runs.
        let loaded = names(&loaded(&dir.join("main"), &[("LD_LIBRARY_PATH", &dir)]));
        let foo = loaded.iter().position(|n| n == "libfoo.so").unwrap();
        for l in &add {
            let at = loaded.iter().position(|n| n == l);
            assert!(at.is_some_and(|k| k > foo), "{l} in {loaded:?}");
        }
        let out = run_main(&dir.join("main"), Some(&dir));
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            "foo 42\n",
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// ld.so writes the address of its `r_debug` into `DT_DEBUG` of the
/// table `PT_DYNAMIC` names, where debuggers find the list of loaded
/// objects: in a moved table it must still get there (the copy is
/// writable). The program checks it as gdb would: through its own
/// program headers (`dl_iterate_phdr`), `PT_DYNAMIC`, `DT_DEBUG`, to an
/// `r_debug` whose list starts with the program's own link map.
#[test]
fn dt_debug_is_written_into_a_moved_table() {
    if !can_run_programs() {
        return;
    }
    let dir = scratch("dt-debug");
    std::fs::write(
        dir.join("debug.c"),
        r#"#define _GNU_SOURCE
#include <dlfcn.h>
#include <link.h>
#include <stdio.h>
static int first(struct dl_phdr_info *info, size_t size, void *data) {
    (void)size; (void)data;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *p = &info->dlpi_phdr[i];
        if (p->p_type != PT_DYNAMIC) continue;
        const ElfW(Dyn) *d = (const ElfW(Dyn) *)(info->dlpi_addr + p->p_vaddr);
        for (; d->d_tag != DT_NULL; d++)
            if (d->d_tag == DT_DEBUG) {
                const struct r_debug *r = (const struct r_debug *)d->d_un.d_ptr;
                void *self = dlopen(NULL, RTLD_LAZY);
                puts(r && r->r_version >= 1 && (void *)r->r_map == self
                     ? "DT_DEBUG ok" : "DT_DEBUG not written");
                return 1;
            }
    }
    puts("no DT_DEBUG");
    return 1;
}
int main(void) { dl_iterate_phdr(first, 0); return 0; }
"#,
    )
    .unwrap();
    gcc(&dir, &["debug.c", "-o", "debug"]);
    let orig = dir.join("debug");
    let bytes = std::fs::read(&orig).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&run(&mut Command::new(&orig)).stdout),
        "DT_DEBUG ok\n"
    );
    let needed = dynamic_strings(&orig, "NEEDED");
    let libs = spare_libraries(&needed);
    let spare = spare_slots(&bytes);
    if libs.len() < spare {
        println!("SKIP: {spare} spare slots, {} libraries to add", libs.len());
        return;
    }
    let new = dir.join("debug-moved");
    let out = rewrite(&bytes, &new, |r| {
        for l in &libs {
            r.add_needed(l.as_bytes()).unwrap();
        }
        r.set_runpath(b"/nonexistent/elfin").unwrap();
    });
    let (old, moved) = (dynamic_segment(&bytes), dynamic_segment(&out));
    assert_ne!(old.p_vaddr, moved.p_vaddr, "the table did not move");
    // In a writable segment of its own, outside PT_GNU_RELRO.
    let f = ElfFile::parse(&out).unwrap();
    let load = f
        .segments()
        .find(|p| p.p_type == PT_LOAD && p.p_vaddr == moved.p_vaddr)
        .unwrap();
    assert_eq!(load.p_flags, PF_R | PF_W);
    assert_eq!(load.p_filesz, moved.p_filesz);
    let got = run(&mut Command::new(&new));
    assert_eq!(
        String::from_utf8_lossy(&got.stdout),
        "DT_DEBUG ok\n",
        "{}",
        String::from_utf8_lossy(&got.stderr)
    );
    assert_tools_accept(&orig, &new);
}

#[test]
fn an_added_runpath_is_where_ld_so_looks() {
    if !can_run_programs() {
        return;
    }
    // A program of /usr/bin, given a run path to a copy of a library it
    // needs: ld.so takes the copy, and says it found it by RUNPATH.
    let dir = scratch("add-runpath-bin");
    let Some((orig, bytes)) = usr_bin_program(&dir) else {
        return;
    };
    let want = version(&orig);
    let needed = dynamic_strings(&orig, "NEEDED");
    let Some(name) = needed
        .iter()
        .find(|n| !n.starts_with("libc.so") && system_lib(n).is_some())
    else {
        println!("SKIP: {} needs nothing but libc", orig.display());
        return;
    };
    let libs = dir.join("libs");
    std::fs::create_dir_all(&libs).unwrap();
    std::fs::copy(system_lib(name).unwrap(), libs.join(name)).unwrap();
    let new = dir.join("new");
    rewrite(&bytes, &new, |r| {
        r.set_runpath(libs.to_str().unwrap().as_bytes()).unwrap()
    });
    assert_eq!(dynamic_strings(&new, "RUNPATH"), [libs.to_str().unwrap()]);
    let list = run(Command::new("/lib64/ld-linux-x86-64.so.2")
        .arg("--list")
        .arg(&new));
    let text = String::from_utf8_lossy(&list.stdout);
    let copy = libs.join(name);
    assert!(
        text.contains(&format!("{name} => {}", copy.display())),
        "{text}"
    );
    let debug = run(Command::new(&new).arg("--version").env("LD_DEBUG", "libs"));
    let log = String::from_utf8_lossy(&debug.stderr);
    assert!(
        log.contains(&format!("search path={}", libs.display()))
            && log.contains("(RUNPATH from file"),
        "{log}"
    );
    assert_eq!(version(&new), want);
    assert_tools_accept(&orig, &new);

    // A program that cannot start without it: its library is in lib/.
    let dir = scratch("add-runpath-foo");
    build_foo(&dir, Some("libfoo.so"));
    std::fs::create_dir_all(dir.join("bin/lib")).unwrap();
    std::fs::rename(dir.join("libfoo.so"), dir.join("bin/lib/libfoo.so")).unwrap();
    let orig = dir.join("main");
    let before = run_main(&orig, None);
    assert!(!before.status.success(), "main ran without its library");
    let new = dir.join("bin/main");
    rewrite(&std::fs::read(&orig).unwrap(), &new, |r| {
        r.set_runpath(b"$ORIGIN/lib").unwrap()
    });
    let after = run_main(&new, None);
    assert_eq!(
        String::from_utf8_lossy(&after.stdout),
        "foo 42\n",
        "{}",
        String::from_utf8_lossy(&after.stderr)
    );
    assert_tools_accept(&orig, &new);
}

#[test]
fn an_added_soname_is_what_programs_linked_with_the_library_need() {
    if !can_run_programs() {
        return;
    }
    let dir = scratch("add-soname");
    build_foo(&dir, None);
    let orig = dir.join("libfoo.so");
    assert!(dynamic_strings(&orig, "SONAME").is_empty());
    let named = dir.join("named/libfoo.so");
    std::fs::create_dir_all(dir.join("named")).unwrap();
    rewrite(&std::fs::read(&orig).unwrap(), &named, |r| {
        r.set_soname(b"libelfin_named.so.1").unwrap()
    });
    assert_eq!(dynamic_strings(&named, "SONAME"), ["libelfin_named.so.1"]);
    assert_tools_accept(&orig, &named);
    // gcc (ld) records the soname, not the file's name, as needed...
    gcc(
        &dir,
        &["main.c", named.to_str().unwrap(), "-o", "main-named"],
    );
    let program = dir.join("main-named");
    let needed = dynamic_strings(&program, "NEEDED");
    assert!(
        needed.contains(&"libelfin_named.so.1".to_string()),
        "{needed:?}"
    );
    // ...and ld.so finds the library under that name.
    let lib_dir = dir.join("by-soname");
    std::fs::create_dir_all(&lib_dir).unwrap();
    std::fs::copy(&named, lib_dir.join("libelfin_named.so.1")).unwrap();
    let out = run_main(&program, Some(&lib_dir));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "foo 42\n",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// What cannot be added is an error, and the same name is not added twice.
#[test]
fn adding_entries_checks_its_input() {
    let bytes = common_data("x86_64/exe");
    let f = ElfFile::parse(&bytes).unwrap();
    let mut r = Rewriter::new(&f).unwrap();
    assert!(r.add_needed(b"lib\0.so").is_err());
    assert!(r.set_soname(b"a\0b").is_err());
    r.add_needed(b"libm.so.6").unwrap();
    r.add_needed(b"libm.so.6").unwrap();
    let needed_here = ElfFile::parse(&bytes)
        .unwrap()
        .dynamic()
        .unwrap()
        .unwrap()
        .iter()
        .filter(|d| d.d_tag == DT_NEEDED)
        .count();
    let out = r.write().unwrap();
    let g = ElfFile::parse(&out).unwrap();
    let needed: Vec<Vec<u8>> = g
        .dynamic()
        .unwrap()
        .unwrap()
        .iter()
        .filter(|d| d.d_tag == DT_NEEDED)
        .map(|d| g.dynamic_string(d.d_val).unwrap().to_vec())
        .collect();
    assert_eq!(needed.len(), needed_here + 1);
    assert_eq!(needed.last().unwrap(), b"libm.so.6");
    // An object has no dynamic table to grow.
    let obj = common_data("x86_64/obj.o");
    let f = ElfFile::parse(&obj).unwrap();
    let mut r = Rewriter::new(&f).unwrap();
    assert!(r.add_needed(b"libm.so.6").is_err());
    assert!(r.set_soname(b"x").is_err());
}

fn common_data(rel: &str) -> Vec<u8> {
    super::common::data(rel)
}

/// The command line: `--add-needed`, and `--set-soname` and
/// `--set-runpath` on a library with neither.
#[cfg(feature = "cli")]
#[test]
fn the_command_line_adds_entries() {
    if !can_run_programs() {
        return;
    }
    let dir = scratch("add-cli");
    build_foo(&dir, None);
    let out = run(Command::new(env!("CARGO_BIN_EXE_elfin"))
        .current_dir(&dir)
        .args([
            "rewrite",
            "libfoo.so",
            "-o",
            "libfoo.new.so",
            "--add-needed",
            "libm.so.6",
            "--set-soname",
            "libfoo.so.9",
            "--set-runpath",
            "$ORIGIN",
        ]));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let new = dir.join("libfoo.new.so");
    assert_eq!(
        dynamic_strings(&new, "NEEDED").last().map(String::as_str),
        Some("libm.so.6")
    );
    assert_eq!(dynamic_strings(&new, "SONAME"), ["libfoo.so.9"]);
    assert_eq!(dynamic_strings(&new, "RUNPATH"), ["$ORIGIN"]);
    assert_tools_accept(&dir.join("libfoo.so"), &new);
}
