//! RISC-V 64: the builder links the assembler's objects into a static
//! executable that qemu runs and a shared object that gcc links a program
//! against; GNU ld resolves the same relocations to the same bytes.

use crate::objects::{assemble, from_object, linked_like_ld};
use crate::*;
use elfin::raw::consts::*;
use elfin::write::{FileKind, LayoutOptions};
use std::path::Path;
use std::process::Command;

const QEMU: &str = "qemu-riscv64";
const SYSROOT: &str = "/usr/riscv64-linux-gnu";

/// Writes "ok\n", then exits with 42 computed through every kind of
/// reference: absolute (HI20/LO12), PC-relative pairs (PCREL_HI20 with
/// LO12_I and LO12_S), calls, jumps, branches (4-byte and compressed),
/// and 32/64-bit data words.
const PROGRAM: &str = "
.option norvc
.text
.globl _start
.type _start, @function
_start:
  la a1, msg
  li a0, 1
  li a2, 3
  li a7, 64
  ecall
  lui t0, %hi(value)
  lw t1, %lo(value)(t0)
  addi t1, t1, 1
  sw t1, %lo(value)(t0)
1: auipc t2, %pcrel_hi(value2)
  sw t1, %pcrel_lo(1b)(t2)
  call add_two
  jal ra, sub_two
  bne t1, zero, 2f
  j _start
2:
  j finish
.section .more,\"ax\",@progbits
add_two:
  addi t1, t1, 2
  ret
sub_two:
  addi t1, t1, -2
  ret
.option rvc
finish:
  c.beqz a0, 3f
  c.j 3f
3:
  la t3, ptr
  ld t3, 0(t3)
  lw a0, 0(t3)
  li a7, 93
  ecall
.data
msg: .ascii \"ok\\n\"
.balign 8
value: .word 41
value2: .word 0
ptr: .quad value
ptr32: .word value
";

#[test]
fn qemu_runs_a_riscv64_executable_linked_like_gnu_ld() {
    if !require_lint(&["riscv64-linux-gnu-as", "riscv64-linux-gnu-ld", QEMU]) {
        return;
    }
    let obj = assemble("riscv64-linux-gnu-as", &[], PROGRAM, "rv-exec");
    linked_like_ld(
        &obj,
        FileKind::riscv64(ET_EXEC),
        &[],
        "riscv64-linux-gnu-ld",
        &["--no-relax"],
        "rv-exec",
    );
    let out = Command::new(QEMU).arg(tmp("rv-exec")).output().unwrap();
    assert_eq!(
        (out.status.code(), &out.stdout[..]),
        (Some(42), &b"ok\n"[..])
    );
}

/// `elfin_add(a)` returns `a + 40 + 1`: 40 read through a pointer in
/// `.data` (a RELATIVE relocation), 1 added by a local function reached
/// by a tail call.
const LIBRARY: &str = "
.text
.globl elfin_add
.type elfin_add, @function
elfin_add:
  lla t0, table
  ld t1, 0(t0)
  lw t2, 0(t1)
  addw a0, a0, t2
  tail helper
.size elfin_add, . - elfin_add
.type helper, @function
helper:
  addiw a0, a0, 1
  ret
.data
.balign 8
table: .quad value
value: .word 40
";

#[test]
fn gcc_links_a_program_against_a_riscv64_shared_object() {
    let cc = "riscv64-linux-gnu-gcc";
    if !require_lint(&[cc, "riscv64-linux-gnu-as", "riscv64-linux-gnu-ld", QEMU]) {
        return;
    }
    if !Path::new(SYSROOT).exists() {
        eprintln!("SKIP: gcc_links_a_program_against_a_riscv64_shared_object: {SYSROOT} not found");
        return;
    }
    let obj = assemble("riscv64-linux-gnu-as", &[], LIBRARY, "rv-lib");
    let (mut b, _) = from_object(&obj, FileKind::riscv64(ET_DYN), &[]);
    b.soname = Some(b"libelfinrv.so".to_vec().into());
    let bytes = round_trip(&b, &LayoutOptions::default());
    let dir = tmp("rv-lib-dir");
    std::fs::create_dir_all(&dir).unwrap();
    let lib = dir.join("libelfinrv.so");
    std::fs::write(&lib, &bytes).unwrap();
    // GNU ld's shared object of the same input, for eu-elflint's
    // messages about RISC-V.
    let theirs = tmp("rv-lib.ld.so");
    let st = Command::new("riscv64-linux-gnu-ld")
        .args(["-shared", "--no-relax", "-o"])
        .arg(&theirs)
        .arg(tmp("rv-lib.in.o"))
        .output()
        .unwrap();
    assert!(
        st.status.success(),
        "{}",
        String::from_utf8_lossy(&st.stderr)
    );
    lint_like(&lib, &theirs);

    let c = tmp("rv-main.c");
    std::fs::write(
        &c,
        "extern int elfin_add(int);\nint main(void) { return elfin_add(1); }\n",
    )
    .unwrap();
    let exe = tmp("rv-main");
    let st = Command::new(cc)
        .arg(&c)
        .arg("-L")
        .arg(&dir)
        .args(["-lelfinrv", "-o"])
        .arg(&exe)
        .output()
        .unwrap();
    assert!(
        st.status.success(),
        "{cc}: {}",
        String::from_utf8_lossy(&st.stderr)
    );
    let st = Command::new(QEMU)
        .args(["-L", SYSROOT, "-E"])
        .arg(format!("LD_LIBRARY_PATH={}", dir.display()))
        .arg(&exe)
        .status()
        .unwrap();
    assert_eq!(st.code(), Some(42));
}
