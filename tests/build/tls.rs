//! Thread-local storage in executables: programs that set up their own
//! thread pointer and read and write TLS variables, run by the kernel and
//! by qemu, and checked against GNU ld.

use crate::*;
use elfin::raw::consts::*;
use elfin::read::{Class, Encoding, Endian, ProgramHeader};
use elfin::write::{
    Builder, FileKind, LayoutOptions, LayoutPlan, Perms, Placement, SectionData, SectionId,
    SectionSpec, SymbolSpec,
};
use std::process::Command;

/// `.tdata` holds `a` = 20 and `c` = 3; `.tbss` holds `b` (zero), 16-byte
/// aligned, so the TLS segment is 32 bytes aligned to 16 with `b` at 20.
struct TlsProgram {
    b: Builder<'static>,
    params: SectionId,
}

fn tls_program(kind: FileKind, code: &Code, code_align: u64, tpoff64: Option<u32>) -> TlsProgram {
    let mut b = Builder::new(kind);
    let text = b.add_section(
        SectionSpec::new(&b".text"[..], Some(Perms::RX), code.bytes.clone()).align(code_align),
    );
    let tdata = b.add_section(
        SectionSpec::new(
            &b".tdata"[..],
            Some(Perms::RW),
            &[20u8, 0, 0, 0, 3, 0, 0, 0][..],
        )
        .align(4)
        .tls(),
    );
    let tbss = b.add_section(SectionSpec::zeros(&b".tbss"[..], 16).align(16).tls());
    // params: the TLS image's address, its file size, and where the block
    // starts from the thread pointer; then a word TLS-relocated to `c`.
    let params =
        b.add_section(SectionSpec::new(&b".data"[..], Some(Perms::RW), vec![0u8; 32]).align(8));
    let area = b.add_section(SectionSpec::zeros(&b".bss"[..], 4096).align(64));
    let start =
        b.add_symbol(SymbolSpec::global(&b"_start"[..], text, 0).function(code.bytes.len() as u64));
    let syms = vec![
        ("_start", start),
        (
            "a",
            b.add_symbol(SymbolSpec::local(&b"a"[..], tdata, 0).tls(4)),
        ),
        (
            "c",
            b.add_symbol(SymbolSpec::local(&b"c"[..], tdata, 4).tls(4)),
        ),
        (
            "b",
            b.add_symbol(SymbolSpec::local(&b"b"[..], tbss, 4).tls(4)),
        ),
        (
            "params",
            b.add_symbol(SymbolSpec::local(&b"params"[..], params, 0).object(24)),
        ),
        (
            "got_c",
            b.add_symbol(SymbolSpec::local(&b"got_c"[..], params, 24).object(8)),
        ),
        (
            "area",
            b.add_symbol(SymbolSpec::local(&b"area"[..], area, 0).object(4096)),
        ),
    ];
    relocate(&mut b, text, code, &syms);
    if let Some(kind) = tpoff64 {
        b.add_relocation(elfin::write::RelocationSpec {
            section: params,
            offset: 24,
            kind,
            symbol: Some(syms[2].1),
            addend: 0,
        });
    }
    b.entry = Some(start);
    TlsProgram { b, params }
}

fn pt_tls(plan: &LayoutPlan) -> ProgramHeader {
    let tls: Vec<_> = plan
        .segments()
        .iter()
        .filter(|p| p.p_type == PT_TLS)
        .collect();
    assert_eq!(tls.len(), 1, "one PT_TLS");
    *tls[0]
}

/// Checks the TLS layout every variant of the program has, fills in the
/// parameters the code reads (`block_from_tp` gives where the TLS block
/// starts from the thread pointer), and writes the file; also returns the
/// finished builder.
fn finish(
    mut p: TlsProgram,
    opts: &LayoutOptions,
    block_from_tp: impl Fn(&ProgramHeader) -> u64,
) -> (Vec<u8>, Builder<'static>) {
    let plan = p.b.layout(opts).unwrap();
    let tls = pt_tls(&plan);
    let planned_segments = plan.segments().to_vec();
    assert_eq!((tls.p_filesz, tls.p_memsz, tls.p_align), (8, 32, 16));
    assert_eq!(tls.p_vaddr % 16, 0, "PT_TLS starts aligned to p_align");
    // STT_TLS values are offsets in the TLS segment.
    let value = |name: &str| {
        let k =
            p.b.symbols()
                .iter()
                .position(|s| &s.name[..] == name.as_bytes());
        plan.symbol_values()[k.unwrap()]
    };
    assert_eq!((value("a"), value("c"), value("b")), (0, 4, 20));
    // .tbss takes no room in the segment: .data follows .tdata.
    let sec = |n: &[u8]| plan.sections().iter().find(|s| s.name == n).unwrap().header;
    assert_eq!(sec(b".tdata").sh_addr, tls.p_vaddr);
    assert_eq!(sec(b".tbss").sh_addr, tls.p_vaddr + 16);
    assert_eq!(sec(b".data").sh_addr, tls.p_vaddr + 8);
    let mut params = Vec::new();
    for v in [tls.p_vaddr, tls.p_filesz, block_from_tp(&tls)] {
        params.extend_from_slice(&v.to_le_bytes());
    }
    params.extend_from_slice(&[0; 8]);
    drop(plan);
    p.b.section_mut(p.params).unwrap().data = SectionData::Bytes(params.into());
    let bytes = round_trip(&p.b, opts);
    assert_eq!(p.b.layout(opts).unwrap().segments(), planned_segments);
    (bytes, p.b)
}

/// The relocatable twin of a linked file's builder.
fn object_of(b: &Builder<'static>) -> Vec<u8> {
    let mut o = b.clone();
    o.kind.file_type = ET_REL;
    o.to_vec(&LayoutOptions::default()).unwrap()
}

/// x86-64, variant II: the block ends at the thread pointer.
fn x86_64_code() -> Code {
    let mut c = Code::default();
    c.op(&[0x48, 0x8b, 0x05]) // mov rax, [rip + params]: the image
        .field(4, R_X86_64_PC32, "params", -4)
        .op(&[0x48, 0x8b, 0x0d]) // mov rcx, [rip + params + 8]: its size
        .field(4, R_X86_64_PC32, "params", 4)
        .op(&[0x48, 0x8b, 0x15]) // mov rdx, [rip + params + 16]: block size
        .field(4, R_X86_64_PC32, "params", 12)
        .op(&[0x4c, 0x8d, 0x05]) // lea r8, [rip + area + 256]: the thread pointer
        .field(4, R_X86_64_PC32, "area", 252)
        .op(&[0x4c, 0x89, 0xc7]) // mov rdi, r8
        .op(&[0x48, 0x29, 0xd7]) // sub rdi, rdx
        .op(&[0x48, 0x89, 0xc6]) // mov rsi, rax
        .op(&[0xf3, 0xa4]) // rep movsb: the image into the block
        .op(&[0x4d, 0x89, 0x00]) // mov [r8], r8: the TCB points to itself
        .op(&[0x4c, 0x89, 0xc6]) // mov rsi, r8
        .op(&[0xbf, 0x02, 0x10, 0, 0]) // mov edi, ARCH_SET_FS
        .op(&[0xb8, 158, 0, 0, 0, 0x0f, 0x05]) // arch_prctl
        .op(&[0x64, 0x8b, 0x04, 0x25]) // mov eax, fs:[a@tpoff]
        .field(4, R_X86_64_TPOFF32, "a", 0)
        .op(&[0x64, 0x03, 0x04, 0x25]) // add eax, fs:[b@tpoff] (zero)
        .field(4, R_X86_64_TPOFF32, "b", 0)
        .op(&[0x64, 0xc7, 0x04, 0x25]) // mov dword fs:[b@tpoff], 22
        .field(4, R_X86_64_TPOFF32, "b", 0)
        .op(&[22, 0, 0, 0])
        .op(&[0x64, 0x03, 0x04, 0x25]) // add eax, fs:[b@tpoff]
        .field(4, R_X86_64_TPOFF32, "b", 0)
        .op(&[0x48, 0x8b, 0x15]) // mov rdx, [rip + got_c]: c@tpoff
        .field(4, R_X86_64_PC32, "got_c", -4)
        .op(&[0x64, 0x03, 0x02]) // add eax, fs:[rdx]
        .op(&[0x89, 0xc7]) // mov edi, eax
        .op(&[0xb8, 60, 0, 0, 0, 0x0f, 0x05]); // exit(20 + 0 + 22 + 3)
    c
}

#[test]
fn kernel_runs_x86_64_local_exec_tls() {
    if !require_lint(&["ld"]) {
        return;
    }
    let code = x86_64_code();
    for placement in [Placement::Compact, Placement::Mmap] {
        let p = tls_program(FileKind::x86_64(ET_EXEC), &code, 16, Some(R_X86_64_TPOFF64));
        let opts = LayoutOptions {
            placement,
            ..LayoutOptions::default()
        };
        let (bytes, b) = finish(p, &opts, |t| t.p_memsz.div_ceil(t.p_align) * t.p_align);
        let name = format!("tls-x86_64-{placement:?}");
        let path = save(&name, &bytes, true);
        lint(&path);
        if is_x86_64_linux() {
            let st = Command::new(&path).status().unwrap();
            assert_eq!(st.code(), Some(45), "{placement:?}");
        }
        // GNU ld resolves the TLS offsets of the relocatable twin alike.
        let args = ["-static", "-e", "_start"];
        let sections = [".text", ".tdata", ".tbss", ".data", ".bss"];
        ld_agrees(
            "ld",
            &args,
            &object_of(&b),
            &bytes,
            &sections,
            &sections,
            &name,
        );
    }
}

/// AArch64, variant I: the block follows the two-word TCB at the thread
/// pointer (`msr tpidr_el0` is allowed at EL0).
fn aarch64_code() -> Code {
    let mut c = Code::default();
    let hi = R_AARCH64_TLSLE_ADD_TPREL_HI12;
    let lo = R_AARCH64_TLSLE_ADD_TPREL_LO12_NC;
    c.words(&[
        (0x9000_0003, Some((R_AARCH64_ADR_PREL_PG_HI21, "params"))), // adrp x3, params
        (0x9100_0063, Some((R_AARCH64_ADD_ABS_LO12_NC, "params"))),  // add x3, x3, :lo12:params
        (0xf940_0062, None),                                         // ldr x2, [x3]: the image
        (0xf940_0464, None),                                         // ldr x4, [x3, #8]: its size
        (0xf940_0865, None), // ldr x5, [x3, #16]: block offset
        (0x9000_0001, Some((R_AARCH64_ADR_PREL_PG_HI21, "area"))), // adrp x1, area
        (0x9100_0021, Some((R_AARCH64_ADD_ABS_LO12_NC, "area"))), // add x1, x1, :lo12:area
        (0x8b05_0026, None), // add x6, x1, x5
        (0xb400_00a4, None), // loop: cbz x4, done
        (0x3840_1447, None), // ldrb w7, [x2], #1
        (0x3800_14c7, None), // strb w7, [x6], #1
        (0xd100_0484, None), // sub x4, x4, #1
        (0x17ff_fffc, None), // b loop
        (0xd51b_d041, None), // done: msr tpidr_el0, x1
        (0xd53b_d040, None), // mrs x0, tpidr_el0
        (0x9140_0008, Some((hi, "a"))), // add x8, x0, #:tprel_hi12:a, lsl #12
        (0x9100_0108, Some((lo, "a"))), // add x8, x8, #:tprel_lo12_nc:a
        (0xb940_010a, None), // ldr w10, [x8]
        (0x9140_0009, Some((hi, "b"))), // add x9, x0, #:tprel_hi12:b, lsl #12
        (0x9100_0129, Some((lo, "b"))), // add x9, x9, #:tprel_lo12_nc:b
        (0xb940_012b, None), // ldr w11, [x9] (zero)
        (0x0b0b_014a, None), // add w10, w10, w11
        (0x5280_02cb, None), // mov w11, #22
        (0xb900_012b, None), // str w11, [x9]
        (0xb940_012b, None), // ldr w11, [x9]
        (0x0b0b_014a, None), // add w10, w10, w11
        (0x9000_000c, Some((R_AARCH64_ADR_PREL_PG_HI21, "got_c"))), // adrp x12, got_c
        (0x9100_018c, Some((R_AARCH64_ADD_ABS_LO12_NC, "got_c"))), // add x12, x12, :lo12:got_c
        (0xf940_018c, None), // ldr x12, [x12]: c's thread-pointer offset
        (0xb86c_680b, None), // ldr w11, [x0, x12]
        (0x0b0b_0140, None), // add w0, w10, w11
        (0xd280_0ba8, None), // mov x8, #93 (exit)
        (0xd400_0001, None), // svc #0
    ]);
    c
}

#[test]
fn qemu_runs_aarch64_local_exec_tls() {
    if !require_lint(&["qemu-aarch64", "aarch64-linux-gnu-ld"]) {
        return;
    }
    let kind = FileKind {
        encoding: Encoding {
            class: Class::Elf64,
            endian: Endian::Little,
        },
        machine: EM_AARCH64,
        file_type: ET_EXEC,
    };
    let code = aarch64_code();
    for placement in [Placement::Compact, Placement::Mmap] {
        let p = tls_program(kind, &code, 4, Some(R_AARCH64_TLS_TPREL));
        // 64 KiB pages run everywhere AArch64 Linux runs.
        let opts = LayoutOptions {
            placement,
            page_size: 0x10000,
            base: None,
            ..LayoutOptions::default()
        };
        let (bytes, _) = finish(p, &opts, |t| 16u64.div_ceil(t.p_align) * t.p_align);
        let name = format!("tls-aarch64-{placement:?}");
        let path = save(&name, &bytes, true);
        lint(&path);
        if let Some(code) = qemu("qemu-aarch64", &path) {
            assert_eq!(code, 45, "{placement:?}");
        }
        // GNU ld resolves the instructions' TLS offsets alike. Its objects
        // have no data relocation for a thread-pointer offset (TLS_TPREL is
        // a dynamic type, which elfin resolves in place of a GOT entry), so
        // the twin leaves that word out and .data is not compared.
        let twin = tls_program(kind, &code, 4, None);
        let args = ["-static", "-e", "_start"];
        let place = [".text", ".tdata", ".tbss", ".data", ".bss"];
        let compare = [".text", ".tdata"];
        let obj = object_of(&twin.b);
        ld_agrees(
            "aarch64-linux-gnu-ld",
            &args,
            &obj,
            &bytes,
            &place,
            &compare,
            &name,
        );
    }
}
