//! Every program under `examples/` runs on a real file, and what it prints
//! or writes is checked against readelf, gcc, ld.so or the kernel. `cargo
//! test` builds the examples (with their `required-features`) next to the
//! test binaries, in `target/<profile>/examples/`.
#![cfg(feature = "alloc")]

#[path = "common/tools.rs"]
mod tools;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The example binary `name`, as `cargo test` built it.
fn example(name: &str) -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let profile_dir = exe.parent().unwrap().parent().unwrap(); // target/<profile>/deps/..
    let p = profile_dir.join("examples").join(name);
    assert!(p.exists(), "{} not built", p.display());
    p
}

fn data(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("elfin-example-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `cmd`; its stdout, or the test fails with what went wrong.
fn run(cmd: &mut Command) -> String {
    let out: Output = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?}: {}\n{}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn readelf(args: &[&str], file: &Path) -> String {
    run(Command::new("readelf").arg("-W").args(args).arg(file))
}

fn x86_64_linux() -> bool {
    let ok = cfg!(all(target_arch = "x86_64", target_os = "linux"));
    if !ok {
        println!("SKIP: not x86-64 Linux");
    }
    ok
}

/// The dump names the sections, segments, libraries and build ID readelf
/// finds in the same file.
#[test]
fn readelf_example_agrees_with_readelf() {
    if !tools::require(&["readelf"]) {
        return;
    }
    let file = data("tests/data/x86_64/exe");
    let ours = run(Command::new(example("readelf")).arg(&file));

    let sections: Vec<String> = readelf(&["-S"], &file)
        .lines()
        .filter_map(|l| {
            let rest = l.trim_start().strip_prefix('[')?;
            let (n, rest) = rest.split_once(']')?;
            let n: usize = n.trim().parse().ok()?;
            (n > 0).then(|| format!("[{n:2}] {}", rest.split_whitespace().next().unwrap()))
        })
        .collect();
    let shown: Vec<String> = ours
        .lines()
        .filter_map(|l| {
            let (n, rest) = l.trim_start().strip_prefix('[')?.split_once(']')?;
            let n: usize = n.trim().parse().ok()?;
            Some(format!("[{n:2}] {}", rest.split_whitespace().next()?))
        })
        .collect();
    let normalize = |v: &[String]| -> Vec<String> {
        v.iter()
            .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect()
    };
    assert_eq!(normalize(&shown), normalize(&sections), "{ours}");

    let segments = readelf(&["-l"], &file)
        .lines()
        .filter(|l| l.starts_with("  ") && l.trim_start().starts_with(char::is_uppercase))
        .filter(|l| l.contains("0x"))
        .count();
    assert_eq!(
        ours.lines().filter(|l| l.contains(" vaddr ")).count(),
        segments,
        "{ours}"
    );

    let dynamic = readelf(&["-d"], &file);
    for l in dynamic.lines().filter(|l| l.contains("(NEEDED)")) {
        let lib = &l[l.find('[').unwrap() + 1..l.rfind(']').unwrap()];
        assert!(ours.contains(&format!("needed: {lib}\n")), "{lib}: {ours}");
    }
    let notes = readelf(&["-n"], &file);
    if let Some(l) = notes.lines().find(|l| l.contains("Build ID:")) {
        let id = l.split("Build ID:").nth(1).unwrap().trim();
        assert!(ours.contains(&format!("build id: {id}\n")), "{ours}");
    }
}

/// A versioned lookup finds the symbol readelf lists with that version,
/// and an unversioned one the default (`@@`) version.
#[test]
fn symbols_example_finds_versions_as_readelf_lists_them() {
    let libc = "/lib/x86_64-linux-gnu/libc.so.6";
    if !x86_64_linux() || !tools::require(&["readelf", libc]) {
        return;
    }
    let listed = readelf(&["--dyn-syms"], Path::new(libc));
    let value_of = |versioned: &str| -> String {
        let l = listed
            .lines()
            .find(|l| l.split_whitespace().nth(7) == Some(versioned))
            .unwrap_or_else(|| panic!("readelf lists no {versioned}"));
        let v = u64::from_str_radix(l.split_whitespace().nth(1).unwrap(), 16).unwrap();
        format!("{v:#x}")
    };
    // memcpy has a default version and an older hidden one.
    let default = listed
        .lines()
        .filter_map(|l| l.split_whitespace().nth(7))
        .find(|n| n.starts_with("memcpy@@"))
        .expect("libc has a default memcpy")
        .to_owned();
    let out = run(Command::new(example("symbols")).args([libc, "memcpy"]));
    assert!(
        out.starts_with(&format!("{default} value {} ", value_of(&default))),
        "{out}"
    );
    let out = run(Command::new(example("symbols")).args([libc, "memcpy", "GLIBC_2.2.5"]));
    assert!(
        out.starts_with(&format!(
            "memcpy@GLIBC_2.2.5 value {} ",
            value_of("memcpy@GLIBC_2.2.5")
        )),
        "{out}"
    );
}

/// The kernel runs the executable the example writes.
#[test]
fn built_static_executable_runs() {
    if !x86_64_linux() {
        return;
    }
    let exe = scratch("static").join("hello");
    run(Command::new(example("build_static_exe")).arg(&exe));
    let out = run(&mut Command::new(&exe));
    assert_eq!(out, "hello from an executable elfin wrote\n");
}

/// gcc links a C program against the library the example writes, and
/// ld.so runs it.
#[test]
fn built_shared_library_links_with_a_c_program() {
    if !x86_64_linux() || !tools::require(&["gcc"]) {
        return;
    }
    let dir = scratch("shared");
    run(Command::new(example("build_shared_library")).arg(dir.join("libanswer.so")));
    std::fs::write(
        dir.join("main.c"),
        "#include <stdio.h>\n\
         int elfin_answer(void); int elfin_add(int, int); extern const char elfin_name[];\n\
         int main(void) { printf(\"%d %d %s\\n\", elfin_answer(), elfin_add(2, 3), elfin_name); return 0; }\n",
    )
    .unwrap();
    run(Command::new("gcc")
        .current_dir(&dir)
        .args(["main.c", "-L.", "-lanswer", "-o", "main"]));
    let out = run(Command::new(dir.join("main")).env("LD_LIBRARY_PATH", &dir));
    assert_eq!(out, "42 5 elfin\n");
}

/// The example linker links two objects gcc compiled (one calls the
/// other's function, which reads the first's table): a program prints
/// what it prints with `gcc -shared`'s library, and readelf shows the
/// soname and needed library the example was given.
#[test]
fn link_shared_example_links_gcc_objects_into_a_library() {
    if !x86_64_linux() || !tools::require(&["gcc", "readelf"]) {
        return;
    }
    let dir = scratch("link_shared");
    let sources = [
        (
            "a.c",
            "static const int table[] = {3, 5, 7};\n\
                 __attribute__((visibility(\"hidden\"))) const int *table_at(int i) { return &table[i % 3]; }\n",
        ),
        (
            "b.c",
            "__attribute__((visibility(\"hidden\"))) const int *table_at(int i);\n\
                 int ls_sum(int n) { int s = 0; for (int i = 0; i < n; i++) s += *table_at(i); return s; }\n",
        ),
        (
            "main.c",
            "#include <stdio.h>\nint ls_sum(int);\n\
                    int main(void) { printf(\"%d %d\\n\", ls_sum(3), ls_sum(5)); return 0; }\n",
        ),
    ];
    for (name, text) in sources {
        std::fs::write(dir.join(name), text).unwrap();
    }
    for o in ["a", "b"] {
        run(Command::new("gcc")
            .current_dir(&dir)
            .args(["-c", "-fPIC", "-O2", &format!("{o}.c")]));
    }
    for lib in ["elfin", "gnu"] {
        std::fs::create_dir_all(dir.join(lib)).unwrap();
    }
    run(Command::new(example("link_shared"))
        .current_dir(&dir)
        .args([
            "-o",
            "elfin/libls.so",
            "--soname",
            "libls.so",
            "--needed",
            "libc.so.6",
            "a.o",
            "b.o",
        ]));
    run(Command::new("gcc").current_dir(&dir).args([
        "-shared",
        "-Wl,-soname,libls.so",
        "-o",
        "gnu/libls.so",
        "a.o",
        "b.o",
    ]));
    let dynamic = readelf(&["-d"], &dir.join("elfin/libls.so"));
    assert!(dynamic.contains("Library soname: [libls.so]"), "{dynamic}");
    assert!(dynamic.contains("Shared library: [libc.so.6]"), "{dynamic}");
    let mut printed = Vec::new();
    for lib in ["elfin", "gnu"] {
        let exe = dir.join(lib).join("main");
        run(Command::new("gcc")
            .current_dir(&dir)
            .args(["main.c", "-L", lib, "-lls", "-o"])
            .arg(&exe));
        printed.push(run(Command::new(&exe).env("LD_LIBRARY_PATH", dir.join(lib))));
    }
    assert_eq!(printed[0], printed[1]);
    assert!(!printed[0].is_empty());
}

/// A program given a run path and an extra library by the example: readelf
/// shows both, ld.so loads the library, and the program still runs.
#[test]
fn patchelf_example_adds_a_runpath_and_a_library() {
    let program = "/usr/bin/true";
    if !x86_64_linux() || !tools::require(&["readelf", program]) {
        return;
    }
    let out = scratch("patchelf").join("true");
    run(Command::new(example("patchelf"))
        .arg(program)
        .arg(&out)
        .args(["--set-runpath", "/elfin/lib", "--add-needed", "libm.so.6"]));
    let dynamic = readelf(&["-d"], &out);
    assert!(
        dynamic.contains("Library runpath: [/elfin/lib]"),
        "{dynamic}"
    );
    assert!(dynamic.contains("Shared library: [libm.so.6]"), "{dynamic}");
    let loaded = run(Command::new(&out).env("LD_TRACE_LOADED_OBJECTS", "1"));
    assert!(loaded.contains("libm.so.6 =>"), "{loaded}");
    run(Command::new(&out).arg("--version"));
}

/// The bare-metal loader's plan matches readelf's program headers of the
/// embedded image.
#[test]
fn nostd_image_example_plans_what_readelf_shows() {
    if !tools::require(&["readelf"]) {
        return;
    }
    let image = data("examples/data/hello.elf");
    let out = run(&mut Command::new(example("nostd_image")));
    let headers = readelf(&["-l"], &image);
    let entry = headers
        .lines()
        .find_map(|l| l.strip_prefix("Entry point "))
        .unwrap();
    assert!(out.contains(&format!("entry {entry}\n")), "{out}");
    let loads: Vec<(u64, u64, u64, u64)> = headers
        .lines()
        .filter(|l| l.trim_start().starts_with("LOAD"))
        .map(|l| {
            let f: Vec<u64> = l
                .split_whitespace()
                .skip(1)
                .take(5)
                .map(|x| u64::from_str_radix(x.trim_start_matches("0x"), 16).unwrap())
                .collect();
            (f[1], f[0], f[3], f[4]) // vaddr, offset, filesz, memsz
        })
        .collect();
    let ours: Vec<&str> = out.lines().filter(|l| l.starts_with("load ")).collect();
    assert_eq!(ours.len(), loads.len(), "{out}");
    for (line, (vaddr, offset, filesz, memsz)) in ours.iter().zip(loads) {
        let want = format!(
            "load {vaddr:#x}..{:#x} from {offset:#x} ({filesz} bytes, {} zeroed)",
            vaddr + memsz,
            memsz - filesz
        );
        assert!(line.starts_with(&want), "{line} / {want}");
    }
}
