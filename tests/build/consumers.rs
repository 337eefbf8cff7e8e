//! The builder's shared objects used as a toolchain uses them: a library
//! with an exported variable, an exported function it calls itself (through
//! its PLT, so a program can interpose it), a data table of pointers to
//! both, and calls to libc through the PLT, linked by elfin from the
//! assembler's object. gcc links programs directly against it (PIE and
//! non-PIE, where the variable gets a copy relocation), a program loads it
//! with dlopen, and each runs (natively, or under qemu-user with the Debian
//! cross sysroot). The same scenario runs on x86-64, AArch64 and RISC-V 64.

use crate::objects::{assemble, from_object};
use crate::*;
use elfin::raw::consts::*;
use elfin::write::{FileKind, LayoutOptions};
use std::path::{Path, PathBuf};
use std::process::Command;

/// One machine of the scenario.
struct Machine {
    name: &'static str,
    kind: fn(u16) -> FileKind,
    assembler: &'static str,
    cc: &'static str,
    ld: &'static str,
    /// qemu-user and the sysroot, for a machine that is not the host.
    emulator: Option<(&'static str, &'static str)>,
    /// The library's source, as a compiler emits it for `-fPIC`.
    source: &'static str,
}

const X86_64: Machine = Machine {
    name: "x86_64",
    kind: FileKind::x86_64,
    assembler: "as",
    cc: "gcc",
    ld: "ld",
    emulator: None,
    source: include_str!("c/consumer_lib.x86_64.s"),
};

const AARCH64: Machine = Machine {
    name: "aarch64",
    kind: FileKind::aarch64,
    assembler: "aarch64-linux-gnu-as",
    cc: "aarch64-linux-gnu-gcc",
    ld: "aarch64-linux-gnu-ld",
    emulator: Some(("qemu-aarch64", "/usr/aarch64-linux-gnu")),
    source: include_str!("c/consumer_lib.aarch64.s"),
};

const RISCV64: Machine = Machine {
    name: "riscv64",
    kind: FileKind::riscv64,
    assembler: "riscv64-linux-gnu-as",
    cc: "riscv64-linux-gnu-gcc",
    ld: "riscv64-linux-gnu-ld",
    emulator: Some(("qemu-riscv64", "/usr/riscv64-linux-gnu")),
    source: include_str!("c/consumer_lib.riscv64.s"),
};

const MAIN_C: &str = include_str!("c/consumer_main.c");
const DLOPEN_C: &str = include_str!("c/consumer_dlopen.c");

impl Machine {
    /// Whether the test can run here; prints the SKIP line if not.
    fn available(&self) -> bool {
        let mut tools = vec![self.assembler, self.cc, self.ld];
        if let Some((qemu, _)) = self.emulator {
            tools.push(qemu);
        }
        if !require_lint(&tools) {
            return false;
        }
        match self.emulator {
            None => is_x86_64_linux(),
            Some((_, sysroot)) if !Path::new(sysroot).exists() => {
                let line = format!("SKIP: {}: {sysroot} not found\n", tools::test_name());
                let _ = std::io::Write::write_all(&mut std::io::stderr(), line.as_bytes());
                false
            }
            Some(_) => true,
        }
    }

    /// A directory of this test's own.
    fn dir(&self, what: &str) -> PathBuf {
        let d = tmp(&format!("consumers-{}-{what}", self.name));
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    /// The library's object, assembled.
    fn object(&self, dir: &Path) -> Vec<u8> {
        let name = dir.join("lib").display().to_string();
        assemble(self.assembler, &[], self.source, &name)
    }

    /// The builder's `libelfinc.so` from the object, in `dir`.
    fn library(&self, obj: &[u8], dir: &Path, symbolic: bool) -> PathBuf {
        let (mut b, _) = from_object(obj, (self.kind)(ET_DYN), &[]);
        b.soname = Some(b"libelfinc.so".to_vec().into());
        b.needed.push(b"libc.so.6".to_vec().into());
        b.symbolic = symbolic;
        let bytes = round_trip(&b, &LayoutOptions::default());
        let path = dir.join("libelfinc.so");
        std::fs::write(&path, &bytes).unwrap();
        path
    }

    /// GNU ld's shared object of the same object (`-z now`, as elfin binds).
    fn ld_library(&self, dir: &Path) -> PathBuf {
        let out = dir.join("libelfinc.ld.so");
        let st = Command::new(self.ld)
            .args(["-shared", "-z", "now", "--no-relax", "-o"])
            .arg(&out)
            .arg(format!("{}.in.o", dir.join("lib").display()))
            .output()
            .unwrap();
        assert!(
            st.status.success(),
            "{}",
            String::from_utf8_lossy(&st.stderr)
        );
        out
    }

    /// Compiles `source` into `dir/name` with `args`.
    fn compile(&self, dir: &Path, name: &str, source: &str, args: &[&str]) -> PathBuf {
        let c = dir.join(format!("{name}.c"));
        std::fs::write(&c, source).unwrap();
        let exe = dir.join(name);
        let st = Command::new(self.cc)
            .arg(&c)
            .args(args)
            .arg("-o")
            .arg(&exe)
            .output()
            .unwrap();
        assert!(
            st.status.success(),
            "{}: {}",
            self.cc,
            String::from_utf8_lossy(&st.stderr)
        );
        exe
    }

    /// Runs `exe` with `args` and returns its standard output.
    fn run(&self, exe: &Path, args: &[&Path]) -> String {
        let mut cmd = match self.emulator {
            None => Command::new(exe),
            Some((qemu, sysroot)) => {
                let mut c = Command::new(qemu);
                c.args(["-L", sysroot]).arg(exe);
                c
            }
        };
        let out = cmd.args(args).output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            out.status.success(),
            "{} exited with {:?}:\n{stdout}{}",
            exe.display(),
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        stdout
    }

    /// A program linked directly against the library in `dir`.
    fn linked(&self, dir: &Path, name: &str, pie: bool) -> PathBuf {
        let dir_arg = dir.display().to_string();
        let rpath = format!("-Wl,-rpath,{dir_arg}");
        let pie_arg = if pie { "-pie" } else { "-no-pie" };
        self.compile(
            dir,
            name,
            MAIN_C,
            &[pie_arg, "-L", &dir_arg, "-lelfinc", &rpath],
        )
    }
}

/// What the programs print when every reference reaches the definition
/// the ELF rules choose: one variable seen alike from both sides, the
/// library's internal call reaching the program's `lib_hook` (`hook`).
fn expected(hook: u32) -> String {
    format!(
        "var_same=1\nvar_initial=42\nlib_sees=7\nmain_sees=9\nhook={hook}\n\
         table_var=1\ntable_hook=1\nhello from elfin\nlen=16\n"
    )
}

/// The dynamic tags of `path`, by readelf.
fn dynamic_tags(path: &Path) -> String {
    let out = Command::new("readelf")
        .args(["-d", "-W"])
        .arg(path)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The relocations of `path`, by readelf.
fn relocations(path: &Path) -> String {
    let out = Command::new("readelf")
        .args(["-r", "-W"])
        .arg(path)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The dynamic relocations of `path` as (type, symbol name), sorted.
fn dynamic_relocations(path: &Path) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = relocations(path)
        .lines()
        .filter(|l| l.starts_with('0'))
        .map(|l| {
            let w: Vec<&str> = l.split_whitespace().collect();
            (
                w[2].to_owned(),
                w.get(4).map_or(String::new(), |s| (*s).to_owned()),
            )
        })
        .collect();
    v.sort();
    v
}

/// The whole scenario on one machine.
fn scenario(m: &Machine) {
    if !m.available() {
        return;
    }
    let dir = m.dir("preempt");
    let obj = m.object(&dir);
    let lib = m.library(&obj, &dir, false);
    lint(&lib);
    // GNU ld's shared object of the same object makes the same dynamic
    // relocations: the table's words symbolic, the variable's GOT entry
    // GLOB_DAT (RISC-V: R_RISCV_64), the calls JUMP_SLOT, no RELATIVE.
    let theirs = m.ld_library(&dir);
    lint(&theirs);
    assert_eq!(
        dynamic_relocations(&lib),
        dynamic_relocations(&theirs),
        "{} against GNU ld's {}",
        lib.display(),
        theirs.display()
    );
    assert!(
        dynamic_relocations(&lib)
            .iter()
            .any(|(t, s)| t.contains("JUMP_SLOT") && s == "lib_hook")
    );
    let tags = dynamic_tags(&lib);
    for tag in [
        "(PLTGOT)",
        "(JMPREL)",
        "(PLTRELSZ)",
        "(PLTREL)",
        "BIND_NOW",
        "NOW",
    ] {
        assert!(tags.contains(tag), "no {tag} in:\n{tags}");
    }
    assert!(!tags.contains("SYMBOLIC"), "{tags}");

    for (name, pie) in [("main-pie", true), ("main-nopie", false)] {
        let exe = m.linked(&dir, name, pie);
        lint_allowing(&exe, &[]);
        assert_eq!(m.run(&exe, &[]), expected(2), "{name} on {}", m.name);
    }
    let dl = m.compile(&dir, "dlopen", DLOPEN_C, &["-ldl"]);
    assert_eq!(m.run(&dl, &[&lib]), expected(1), "dlopen on {}", m.name);
}

/// The library built with `symbolic`: `DF_SYMBOLIC`, and its internal
/// call stays inside it even when the program defines `lib_hook`.
fn symbolic(m: &Machine) {
    if !m.available() {
        return;
    }
    let dir = m.dir("symbolic");
    let obj = m.object(&dir);
    let lib = m.library(&obj, &dir, true);
    lint_allowing(&lib, &[]);
    let tags = dynamic_tags(&lib);
    assert!(tags.contains("(SYMBOLIC)"), "{tags}");
    assert!(
        tags.lines()
            .any(|l| l.contains("(FLAGS)") && l.contains("SYMBOLIC")),
        "{tags}"
    );
    let relocs = relocations(&lib);
    assert!(
        !relocs
            .lines()
            .any(|l| l.contains("JUMP_SLOT") && l.contains("lib_hook")),
        "{relocs}"
    );
    let exe = m.linked(&dir, "main-pie", true);
    let out = m.run(&exe, &[]);
    assert!(out.contains("hook=1\n"), "{out}");
    assert!(out.contains("len=16\n"), "{out}");
}

#[test]
fn x86_64_library_preempts_binds_and_calls_through_plt() {
    scenario(&X86_64);
}

#[test]
fn aarch64_library_preempts_binds_and_calls_through_plt() {
    scenario(&AARCH64);
}

#[test]
fn riscv64_library_preempts_binds_and_calls_through_plt() {
    scenario(&RISCV64);
}

#[test]
fn x86_64_symbolic_library_binds_to_itself() {
    symbolic(&X86_64);
}

#[test]
fn aarch64_symbolic_library_binds_to_itself() {
    symbolic(&AARCH64);
}

#[test]
fn riscv64_symbolic_library_binds_to_itself() {
    symbolic(&RISCV64);
}

/// A PC-relative reference to an exported variable of a shared object
/// cannot reach the program's copy: refused, naming the symbol and the
/// fix, as GNU ld refuses it (its message is checked too).
#[test]
fn pc_relative_reference_to_a_preemptible_variable_is_refused() {
    if !require(&["as", "ld"]) {
        return;
    }
    let dir = tmp("consumers-nopic");
    std::fs::create_dir_all(&dir).unwrap();
    let src = "
	.text
	.globl f
	.type f, @function
f:	movl counter(%rip), %eax
	ret
	.size f, .-f
	.data
	.globl counter
	.type counter, @object
counter: .long 1
	.size counter, 4
";
    let name = dir.join("nopic").display().to_string();
    let obj = assemble("as", &[], src, &name);
    let (b, _) = from_object(&obj, FileKind::x86_64(ET_DYN), &[]);
    let err = b.layout(&LayoutOptions::default()).unwrap_err().to_string();
    assert!(err.contains("counter") && err.contains("-fPIC"), "{err}");
    // GNU ld refuses the same object.
    let st = Command::new("ld")
        .args(["-shared", "-o"])
        .arg(dir.join("nopic.ld.so"))
        .arg(format!("{name}.in.o"))
        .output()
        .unwrap();
    let ld_err = String::from_utf8_lossy(&st.stderr);
    assert!(!st.status.success() && ld_err.contains("-fPIC"), "{ld_err}");

    // An executable reaching an undefined variable PC-relatively would need
    // a copy relocation, which the builder does not make: refused, with
    // the fix.
    let copy_src = "\t.text\n\t.globl _start\n_start:\tmovl counter(%rip), %eax\n\tret\n";
    let obj = assemble("as", &[], copy_src, &format!("{name}-copy"));
    let (mut exe, _) = from_object(&obj, FileKind::x86_64(ET_EXEC), &[]);
    exe.interpreter = Some(b"/lib64/ld-linux-x86-64.so.2".to_vec().into());
    let err = exe
        .layout(&LayoutOptions::default())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("counter") && err.contains("copy relocation") && err.contains("-fPIC"),
        "{err}"
    );

    // Protected or symbolic: bound here, accepted.
    let protected = src.replace(".globl counter", ".globl counter\n\t.protected counter");
    let obj = assemble("as", &[], &protected, &format!("{name}-protected"));
    let (b2, _) = from_object(&obj, FileKind::x86_64(ET_DYN), &[]);
    b2.layout(&LayoutOptions::default()).unwrap();
    let mut symbolic = b;
    symbolic.symbolic = true;
    symbolic.layout(&LayoutOptions::default()).unwrap();
}

/// x32 and AArch64 ILP32: GNU ld and the builder link the same object
/// (calls to two undefined functions, a GOT load of an undefined variable)
/// into shared objects with the same dynamic relocations, and the same
/// stride between `.got.plt` slots (8 bytes in x32, whose `jmp *slot`
/// reads 64 bits; 4 in ILP32).
#[test]
fn narrow_abis_make_the_plt_and_got_gnu_ld_makes() {
    // Assembler and its arguments, linker and its, the file kind, source.
    type Case = (
        &'static str,
        &'static [&'static str],
        &'static str,
        &'static [&'static str],
    );
    let cases: [(Case, FileKind, &str); 2] = [
        (
            ("as", &["--x32"], "ld", &["-m", "elf32_x86_64"]),
            FileKind::x32(ET_DYN),
            "\t.text\n\t.globl f\n\t.type f, @function\nf:\tcall g@PLT\n\tcall h@PLT\n\
             \tmovl v@GOTPCREL(%rip), %eax\n\tret\n\t.size f, .-f\n",
        ),
        (
            (
                "aarch64-linux-gnu-as",
                &["-mabi=ilp32"],
                "aarch64-linux-gnu-ld",
                &["-m", "aarch64linux32"],
            ),
            FileKind::aarch64_ilp32(ET_DYN),
            "\t.text\n\t.globl f\n\t.type f, %function\nf:\tbl g\n\tbl h\n\
             \tadrp x0, :got:v\n\tldr w0, [x0, #:got_lo12:v]\n\tret\n\t.size f, .-f\n",
        ),
    ];
    for ((assembler, as_args, ld, ld_args), kind, src) in cases {
        if !require_lint(&[assembler, ld]) {
            return;
        }
        let dir = tmp(&format!("consumers-narrow-{assembler}"));
        std::fs::create_dir_all(&dir).unwrap();
        let name = dir.join("lib").display().to_string();
        let obj = assemble(assembler, as_args, src, &name);
        let (b, _) = from_object(&obj, kind, &[]);
        let ours = dir.join("ours.so");
        std::fs::write(&ours, round_trip(&b, &LayoutOptions::default())).unwrap();
        let theirs = dir.join("theirs.so");
        let st = Command::new(ld)
            .args(ld_args)
            .args(["-shared", "-z", "now", "-o"])
            .arg(&theirs)
            .arg(format!("{name}.in.o"))
            .output()
            .unwrap();
        assert!(
            st.status.success(),
            "{}",
            String::from_utf8_lossy(&st.stderr)
        );
        lint_like(&ours, &theirs);
        assert_eq!(dynamic_relocations(&ours), dynamic_relocations(&theirs));
        let stride = |p: &Path| {
            let slots: Vec<u64> = relocations(p)
                .lines()
                .filter(|l| l.contains("JUMP_SLOT"))
                .map(|l| u64::from_str_radix(l.split_whitespace().next().unwrap(), 16).unwrap())
                .collect();
            slots[1] - slots[0]
        };
        assert_eq!(stride(&ours), stride(&theirs), "{assembler}");
    }
}

/// An x86-64 executable (no C runtime: `_start` is the builder's) calls
/// libc's `puts` and `exit` through its PLT and reads `environ` through a
/// GOT entry the dynamic linker fills; the kernel and ld.so run it.
#[test]
fn x86_64_executable_calls_libc_through_its_plt() {
    if !require_lint(&["as"]) || !is_x86_64_linux() {
        return;
    }
    let src = "
	.text
	.globl _start
	.type _start, @function
_start:
	movq environ@GOTPCREL(%rip), %rax
	movq (%rax), %rax
	testq %rax, %rax
	jz 1f
	leaq msg(%rip), %rdi
	call puts@PLT
1:	xorl %edi, %edi
	call exit@PLT
	.size _start, .-_start
	.section .rodata
msg:	.asciz \"hello through the PLT\"
";
    let dir = tmp("consumers-exec");
    std::fs::create_dir_all(&dir).unwrap();
    let name = dir.join("exec").display().to_string();
    let obj = assemble("as", &[], src, &name);
    for pie in [false, true] {
        let kind = FileKind::x86_64(if pie { ET_DYN } else { ET_EXEC });
        let (mut b, _) = from_object(&obj, kind, &[]);
        b.interpreter = Some(b"/lib64/ld-linux-x86-64.so.2".to_vec().into());
        b.needed.push(b"libc.so.6".to_vec().into());
        let exe = save(
            &format!("consumers-exec-{pie}"),
            &round_trip(&b, &LayoutOptions::default()),
            true,
        );
        lint(&exe);
        let kinds: Vec<String> = dynamic_relocations(&exe)
            .into_iter()
            .map(|(t, _)| t)
            .collect();
        assert!(kinds.iter().any(|t| t == "R_X86_64_GLOB_DAT"), "{kinds:?}");
        assert!(kinds.iter().any(|t| t == "R_X86_64_JUMP_SLOT"), "{kinds:?}");
        let out = Command::new(&exe).output().unwrap();
        assert!(out.status.success(), "{out:?}");
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            "hello through the PLT\n"
        );
    }
}

/// x86-64's GOT base: `_GLOBAL_OFFSET_TABLE_` (which the assembler names)
/// is the start of `.got.plt`, where `GOTPC32` finds it, and `GOTOFF64`
/// measures a local variable from it; dlopen runs the function.
#[test]
fn x86_64_gotpc_and_gotoff_find_a_variable_from_the_got_base() {
    if !require_lint(&["as", "gcc"]) || !is_x86_64_linux() {
        return;
    }
    let src = "
	.text
	.globl f
	.type f, @function
f:	leaq _GLOBAL_OFFSET_TABLE_(%rip), %rcx
	movabsq $secret@GOTOFF, %rax
	movl (%rcx,%rax), %eax
	ret
	.size f, .-f
	.data
secret:	.long 1234
";
    let dir = tmp("consumers-gotoff");
    std::fs::create_dir_all(&dir).unwrap();
    let name = dir.join("gotoff").display().to_string();
    let obj = assemble("as", &[], src, &name);
    let (b, _) = from_object(&obj, FileKind::x86_64(ET_DYN), &[]);
    let lib = dir.join("libgotoff.so");
    std::fs::write(&lib, round_trip(&b, &LayoutOptions::default())).unwrap();
    lint(&lib);
    // readelf: the symbol is at .got.plt's address.
    let syms = Command::new("readelf")
        .args(["-sSW"])
        .arg(&lib)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&syms.stdout);
    let got_plt = text
        .lines()
        .find(|l| l.contains(" .got.plt "))
        .and_then(|l| l.split_whitespace().skip_while(|w| *w != "PROGBITS").nth(1))
        .expect(".got.plt")
        .to_owned();
    let got_sym = text
        .lines()
        .find(|l| l.ends_with(" _GLOBAL_OFFSET_TABLE_"))
        .and_then(|l| l.split_whitespace().nth(1))
        .expect("_GLOBAL_OFFSET_TABLE_")
        .to_owned();
    assert_eq!(got_sym, got_plt, "{text}");
    let c = dir.join("call.c");
    std::fs::write(
        &c,
        "#include <dlfcn.h>\n#include <stdio.h>\nint main(int argc, char **argv) {\n\
         void *h = dlopen(argv[1], RTLD_NOW); if (!h) { puts(dlerror()); return 1; }\n\
         int (*f)(void) = (int (*)(void))dlsym(h, \"f\"); printf(\"%d\\n\", f()); return 0; }\n",
    )
    .unwrap();
    let exe = dir.join("call");
    gcc(&[c.as_os_str(), std::ffi::OsStr::new("-ldl")], &exe);
    let out = Command::new(&exe).arg(&lib).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "1234\n", "{out:?}");
}
