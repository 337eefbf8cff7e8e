//! How readelf 2.40 prints numbers as names: elfin's JSON gives numbers,
//! readelf gives text, and many numbers can share one text, so the test
//! renders each number the way `readelf.c` does and compares strings.
//! Every function names the `readelf.c` function it mirrors; only the
//! machines and OS ABIs of this machine's corpus need their special cases
//! (x86-64, i386, ARM, AArch64, MIPS, PowerPC, PowerPC64, S/390, RISC-V),
//! and a value with no rendering here comes out in readelf's generic
//! `LOPROC+0x..` style, so a missing case shows up as a mismatch.

pub const EM_386: u64 = 3;
pub const EM_MIPS: u64 = 8;
pub const EM_PPC: u64 = 20;
pub const EM_PPC64: u64 = 21;
pub const EM_S390: u64 = 22;
pub const EM_ARM: u64 = 40;
pub const EM_X86_64: u64 = 62;
pub const EM_AARCH64: u64 = 183;
pub const EM_RISCV: u64 = 243;

pub const ELFOSABI_NONE: u64 = 0;
pub const ELFOSABI_GNU: u64 = 3;
pub const ELFOSABI_SOLARIS: u64 = 6;
pub const ELFOSABI_FREEBSD: u64 = 9;

/// What the renderings depend on.
#[derive(Debug, Clone, Copy)]
pub struct Target {
    pub machine: u64,
    pub osabi: u64,
    pub class64: bool,
    pub e_type: u64,
    /// The resolved section count (for `bad section index[...]`).
    pub shnum: u64,
}

/// `get_machine_name`.
pub fn machine(m: u64) -> String {
    match MACHINES.binary_search_by_key(&m, |&(n, _)| n) {
        Ok(i) => MACHINES[i].1.to_owned(),
        Err(_) => format!("<unknown>: 0x{m:x}"),
    }
}

/// `get_machine_name`'s table (generated from binutils 2.40's readelf.c
/// and include/elf/common.h), sorted by number.
static MACHINES: &[(u64, &str)] = &[
    (0, "None"),
    (1, "WE32100"),
    (2, "Sparc"),
    (3, "Intel 80386"),
    (4, "MC68000"),
    (5, "MC88000"),
    (6, "Intel MCU"),
    (7, "Intel 80860"),
    (8, "MIPS R3000"),
    (9, "IBM System/370"),
    (10, "MIPS R4000 big-endian"),
    (11, "Sparc v9 (old)"),
    (15, "HPPA"),
    (17, "Fujitsu VPP500"),
    (18, "Sparc v8+"),
    (19, "Intel 80960"),
    (20, "PowerPC"),
    (21, "PowerPC64"),
    (22, "IBM S/390"),
    (23, "SPU"),
    (36, "Renesas V850 (using RH850 ABI)"),
    (37, "Fujitsu FR20"),
    (38, "TRW RH32"),
    (39, "MCORE"),
    (40, "ARM"),
    (41, "Digital Alpha (old)"),
    (42, "Renesas / SuperH SH"),
    (43, "Sparc v9"),
    (44, "Siemens Tricore"),
    (45, "ARC"),
    (46, "Renesas H8/300"),
    (47, "Renesas H8/300H"),
    (48, "Renesas H8S"),
    (49, "Renesas H8/500"),
    (50, "Intel IA-64"),
    (51, "Stanford MIPS-X"),
    (52, "Motorola Coldfire"),
    (53, "Motorola MC68HC12 Microcontroller"),
    (54, "Fujitsu Multimedia Accelerator"),
    (55, "Siemens PCP"),
    (56, "Sony nCPU embedded RISC processor"),
    (57, "Denso NDR1 microprocesspr"),
    (58, "Motorola Star*Core processor"),
    (59, "Toyota ME16 processor"),
    (60, "STMicroelectronics ST100 processor"),
    (61, "Advanced Logic Corp. TinyJ embedded processor"),
    (62, "Advanced Micro Devices X86-64"),
    (63, "Sony DSP processor"),
    (64, "Digital Equipment Corp. PDP-10"),
    (65, "Digital Equipment Corp. PDP-11"),
    (66, "Siemens FX66 microcontroller"),
    (67, "STMicroelectronics ST9+ 8/16 bit microcontroller"),
    (68, "STMicroelectronics ST7 8-bit microcontroller"),
    (69, "Motorola MC68HC16 Microcontroller"),
    (70, "Motorola MC68HC11 Microcontroller"),
    (71, "Motorola MC68HC08 Microcontroller"),
    (72, "Motorola MC68HC05 Microcontroller"),
    (73, "Silicon Graphics SVx"),
    (74, "STMicroelectronics ST19 8-bit microcontroller"),
    (75, "Digital VAX"),
    (76, "Axis Communications 32-bit embedded processor"),
    (77, "Infineon Technologies 32-bit embedded cpu"),
    (78, "Element 14 64-bit DSP processor"),
    (79, "LSI Logic's 16-bit DSP processor"),
    (80, "Donald Knuth's educational 64-bit processor"),
    (
        81,
        "Harvard Universitys's machine-independent object format",
    ),
    (82, "Vitesse Prism"),
    (83, "Atmel AVR 8-bit microcontroller"),
    (84, "Fujitsu FR30"),
    (85, "d10v"),
    (86, "d30v"),
    (87, "Renesas V850"),
    (88, "Renesas M32R (formerly Mitsubishi M32r)"),
    (89, "mn10300"),
    (90, "mn10200"),
    (91, "picoJava"),
    (92, "OpenRISC 1000"),
    (93, "ARCompact"),
    (94, "Tensilica Xtensa Processor"),
    (95, "Alphamosaic VideoCore processor"),
    (96, "Thompson Multimedia General Purpose Processor"),
    (97, "National Semiconductor 32000 series"),
    (98, "Tenor Network TPC processor"),
    (99, "Trebia SNP 1000 processor"),
    (100, "STMicroelectronics ST200 microcontroller"),
    (101, "Ubicom IP2xxx 8-bit microcontrollers"),
    (102, "MAX Processor"),
    (103, "National Semiconductor CompactRISC"),
    (104, "Fujitsu F2MC16"),
    (105, "Texas Instruments msp430 microcontroller"),
    (106, "Analog Devices Blackfin"),
    (107, "S1C33 Family of Seiko Epson processors"),
    (108, "Sharp embedded microprocessor"),
    (109, "Arca RISC microprocessor"),
    (110, "Unicore"),
    (111, "eXcess 16/32/64-bit configurable embedded CPU"),
    (112, "Icera Semiconductor Inc. Deep Execution Processor"),
    (113, "Altera Nios II"),
    (114, "National Semiconductor CRX microprocessor"),
    (115, "Motorola XGATE embedded processor"),
    (116, "Infineon Technologies xc16x"),
    (117, "Renesas M16C series microprocessors"),
    (
        118,
        "Microchip Technology dsPIC30F Digital Signal Controller",
    ),
    (119, "Freescale Communication Engine RISC core"),
    (120, "Renesas M32c"),
    (131, "Altium TSK3000 core"),
    (132, "Freescale RS08 embedded processor"),
    (134, "Cyan Technology eCOG2 microprocessor"),
    (135, "SUNPLUS S+Core"),
    (136, "New Japan Radio (NJR) 24-bit DSP Processor"),
    (137, "Broadcom VideoCore III processor"),
    (138, "Lattice Mico32"),
    (139, "Seiko Epson C17 family"),
    (140, "Texas Instruments TMS320C6000 DSP family"),
    (141, "Texas Instruments TMS320C2000 DSP family"),
    (142, "Texas Instruments TMS320C55x DSP family"),
    (144, "TI PRU I/O processor"),
    (160, "STMicroelectronics 64bit VLIW Data Signal Processor"),
    (161, "Cypress M8C microprocessor"),
    (162, "Renesas R32C series microprocessors"),
    (163, "NXP Semiconductors TriMedia architecture family"),
    (164, "QUALCOMM DSP6 Processor"),
    (165, "Intel 8051 and variants"),
    (166, "STMicroelectronics STxP7x family"),
    (
        167,
        "Andes Technology compact code size embedded RISC processor family",
    ),
    (168, "Cyan Technology eCOG1X family"),
    (169, "Dallas Semiconductor MAXQ30 Core microcontrollers"),
    (170, "New Japan Radio (NJR) 16-bit DSP Processor"),
    (171, "M2000 Reconfigurable RISC Microprocessor"),
    (172, "Cray Inc. NV2 vector architecture"),
    (173, "Renesas RX"),
    (174, "Imagination Technologies Meta processor architecture"),
    (175, "MCST Elbrus general purpose hardware architecture"),
    (176, "Cyan Technology eCOG16 family"),
    (177, "Xilinx MicroBlaze"),
    (189, "Xilinx MicroBlaze"),
    (178, "Freescale Extended Time Processing Unit"),
    (179, "Infineon Technologies SLE9X core"),
    (180, "Intel L1OM"),
    (181, "Intel K1OM"),
    (182, "Intel (reserved)"),
    (183, "AArch64"),
    (184, "ARM (reserved)"),
    (185, "Atmel Corporation 32-bit microprocessor"),
    (186, "STMicroeletronics STM8 8-bit microcontroller"),
    (187, "Tilera TILE64 multicore architecture family"),
    (188, "Tilera TILEPro multicore architecture family"),
    (190, "NVIDIA CUDA architecture"),
    (191, "Tilera TILE-Gx multicore architecture family"),
    (192, "CloudShield architecture family"),
    (193, "KIPO-KAIST Core-A 1st generation processor family"),
    (194, "KIPO-KAIST Core-A 2nd generation processor family"),
    (195, "ARCv2"),
    (196, "Open8 8-bit RISC soft processor core"),
    (197, "Renesas RL78"),
    (198, "Broadcom VideoCore V processor"),
    (199, "Renesas 78K0R"),
    (200, "Freescale 56800EX Digital Signal Controller (DSC)"),
    (201, "Beyond BA1 CPU architecture"),
    (202, "Beyond BA2 CPU architecture"),
    (203, "XMOS xCORE processor family"),
    (204, "Microchip 8-bit PIC(r) family"),
    (205, "Intel Graphics Technology"),
    (210, "KM211 KM32 32-bit processor"),
    (211, "KM211 KMX32 32-bit processor"),
    (212, "KM211 KMX16 16-bit processor"),
    (213, "KM211 KMX8 8-bit processor"),
    (214, "KM211 KVARC processor"),
    (215, "Paneve CDP architecture family"),
    (216, "Cognitive Smart Memory Processor"),
    (217, "Bluechip Systems CoolEngine"),
    (218, "Nanoradio Optimized RISC"),
    (219, "CSR Kalimba architecture family"),
    (220, "Zilog Z80"),
    (221, "CDS VISIUMcore processor"),
    (222, "FTDI Chip FT32"),
    (223, "Moxie"),
    (224, "AMD GPU"),
    (243, "RISC-V"),
    (244, "Lanai 32-bit processor"),
    (245, "CEVA Processor Architecture Family"),
    (246, "CEVA X2 Processor Family"),
    (247, "Linux BPF"),
    (248, "Graphcore Intelligent Processing Unit"),
    (249, "Imagination Technologies"),
    (250, "Netronome Flow Processor"),
    (251, "NEC Vector Engine"),
    (252, "C-SKY"),
    (253, "Synopsys ARCv2.3 64-bit"),
    (254, "MOS Technology MCS 6502 processor"),
    (255, "Synopsys ARCv2.3 32-bit"),
    (256, "Kalray VLIW core of the MPPA processor family"),
    (257, "WDC 65816/65C816"),
    (258, "LoongArch"),
    (259, "ChipON KungFu32"),
    // The unofficial numbers readelf also names (Debian's arch-test, which
    // debootstrap pulls in, ships an Alpha file).
    (0x9026, "Alpha"),
];

/// `get_file_type`, up to what tells the types apart: readelf prints
/// `DYN (Shared object file)` or `DYN (Position-Independent Executable
/// file)` for the same number, so only the word before the parenthesis
/// (or the hex value of the other forms) is compared.
pub fn file_type_matches(e_type: u64, text: &str) -> bool {
    let word = match e_type {
        0 => "NONE",
        1 => "REL",
        2 => "EXEC",
        3 => "DYN",
        4 => "CORE",
        t if (0xff00..=0xffff).contains(&t) => {
            return text == format!("Processor Specific: ({t:x})");
        }
        t if (0xfe00..=0xfeff).contains(&t) => return text == format!("OS Specific: ({t:x})"),
        t => return text == format!("<unknown>: {t:x}"),
    };
    text.split(' ').next() == Some(word)
}

/// `get_section_type_name`.
pub fn section_type(t: &Target, sh_type: u64) -> String {
    let s = match sh_type {
        0 => "NULL",
        1 => "PROGBITS",
        2 => "SYMTAB",
        3 => "STRTAB",
        4 => "RELA",
        19 => "RELR",
        5 => "HASH",
        6 => "DYNAMIC",
        7 => "NOTE",
        8 => "NOBITS",
        9 => "REL",
        10 => "SHLIB",
        11 => "DYNSYM",
        14 => "INIT_ARRAY",
        15 => "FINI_ARRAY",
        16 => "PREINIT_ARRAY",
        0x6ffffff6 => "GNU_HASH",
        17 => "GROUP",
        18 => "SYMTAB SECTION INDICES",
        0x6ffffffd => "VERDEF",
        0x6ffffffe => "VERNEED",
        0x6fffffff => "VERSYM",
        0x6ffffff0 => "VERSYM",
        0x6ffffffc => "VERDEF",
        0x7ffffffd => "AUXILIARY",
        0x7fffffff => "FILTER",
        0x6ffffff7 => "GNU_LIBLIST",
        0x70000000..=0x7fffffff => {
            let name = match t.machine {
                EM_MIPS => mips_section_type(sh_type),
                EM_X86_64 if sh_type == 0x70000001 => Some("X86_64_UNWIND"),
                EM_AARCH64 if sh_type == 0x70000003 => Some("AARCH64_ATTRIBUTES"),
                EM_ARM => match sh_type {
                    0x70000001 => Some("ARM_EXIDX"),
                    0x70000002 => Some("ARM_PREEMPTMAP"),
                    0x70000003 => Some("ARM_ATTRIBUTES"),
                    0x70000004 => Some("ARM_DEBUGOVERLAY"),
                    0x70000005 => Some("ARM_OVERLAYSECTION"),
                    _ => None,
                },
                EM_RISCV if sh_type == 0x70000003 => Some("RISCV_ATTRIBUTES"),
                // EM_ARC, EM_ARC_COMPACT, EM_ARC_COMPACT2: SHT_ARC_ATTRIBUTES.
                45 | 93 | 195 if sh_type == 0x70000001 => Some("ARC_ATTRIBUTES"),
                _ => None,
            };
            return match name {
                Some(n) => n.to_owned(),
                None => format!("LOPROC+{:#x}", sh_type - 0x70000000),
            };
        }
        0x60000000..=0x6fffffff => {
            // (Solaris names are not needed for this corpus.)
            let name = match sh_type {
                0x6fff4700 => Some("GNU_INCREMENTAL_INPUTS"),
                0x6ffffff5 => Some("GNU_ATTRIBUTES"),
                _ => None,
            };
            return match name {
                Some(n) => n.to_owned(),
                None => format!("LOOS+{:#x}", sh_type - 0x60000000),
            };
        }
        0x80000000..=0xffffffff => return format!("LOUSER+{:#x}", sh_type - 0x80000000),
        _ => return format!("{sh_type:08x}: <unknown>"),
    };
    s.to_owned()
}

/// `get_mips_section_type_name`.
fn mips_section_type(t: u64) -> Option<&'static str> {
    const N: &[&str] = &[
        "MIPS_LIBLIST",
        "MIPS_MSYM",
        "MIPS_CONFLICT",
        "MIPS_GPTAB",
        "MIPS_UCODE",
        "MIPS_DEBUG",
        "MIPS_REGINFO",
        "MIPS_PACKAGE",
        "MIPS_PACKSYM",
        "MIPS_RELD",
        "",
        "MIPS_IFACE",
        "MIPS_CONTENT",
        "MIPS_OPTIONS",
        "",
        "",
        "MIPS_SHDR",
        "MIPS_FDESC",
        "MIPS_EXTSYM",
        "MIPS_DENSE",
        "MIPS_PDESC",
        "MIPS_LOCSYM",
        "MIPS_AUXSYM",
        "MIPS_OPTSYM",
        "MIPS_LOCSTR",
        "MIPS_LINE",
        "MIPS_RFDESC",
        "MIPS_DELTASYM",
        "MIPS_DELTAINST",
        "MIPS_DELTACLASS",
        "MIPS_DWARF",
        "MIPS_DELTADECL",
        "MIPS_SYMBOL_LIB",
        "MIPS_EVENTS",
        "MIPS_TRANSLATE",
        "MIPS_PIXIE",
        "MIPS_XLATE",
        "MIPS_XLATE_DEBUG",
        "MIPS_WHIRL",
        "MIPS_EH_REGION",
        "MIPS_XLATE_OLD",
        "MIPS_PDR_EXCEPTION",
        "MIPS_ABIFLAGS",
        "MIPS_XHASH",
    ];
    let i = t.checked_sub(0x70000000)? as usize;
    N.get(i).copied().filter(|s| !s.is_empty())
}

/// `get_elf_section_flags` (the letters of the wide table).
pub fn section_flags(t: &Target, flags: u64) -> String {
    const MASKOS: u64 = 0x0ff00000;
    const MASKPROC: u64 = 0xf0000000;
    let mut out = String::new();
    let mut f = flags;
    while f != 0 {
        let flag = f & f.wrapping_neg();
        f &= !flag;
        let c = match flag {
            0x1 => 'W',
            0x2 => 'A',
            0x4 => 'X',
            0x10 => 'M',
            0x20 => 'S',
            0x40 => 'I',
            0x80 => 'L',
            0x100 => 'O',
            0x200 => 'G',
            0x400 => 'T',
            0x80000000 => 'E',
            0x800 => 'C',
            _ => {
                if t.machine == EM_X86_64 && flag == 0x10000000 {
                    'l'
                } else if t.machine == EM_ARM && flag == 0x20000000 {
                    'y'
                } else if t.machine == EM_PPC && flag == 0x10000000 {
                    'v'
                } else if flag & MASKOS != 0 {
                    let gnu = matches!(t.osabi, ELFOSABI_GNU | ELFOSABI_FREEBSD);
                    if gnu && flag == 0x200000 {
                        'R'
                    } else if (gnu || t.osabi == ELFOSABI_NONE) && flag == 0x01000000 {
                        'D'
                    } else {
                        // One 'o' for all remaining OS bits.
                        f &= !MASKOS;
                        'o'
                    }
                } else if flag & MASKPROC != 0 {
                    f &= !MASKPROC;
                    'p'
                } else {
                    'x'
                }
            }
        };
        out.push(c);
    }
    out
}

/// `get_segment_type`, cut to 14 characters as `%-14.14s` does.
pub fn segment_type(t: &Target, p_type: u64) -> String {
    let s: String = match p_type {
        0 => "NULL".into(),
        1 => "LOAD".into(),
        2 => "DYNAMIC".into(),
        3 => "INTERP".into(),
        4 => "NOTE".into(),
        5 => "SHLIB".into(),
        6 => "PHDR".into(),
        7 => "TLS".into(),
        0x6474e550 => "GNU_EH_FRAME".into(),
        0x6474e551 => "GNU_STACK".into(),
        0x6474e552 => "GNU_RELRO".into(),
        0x6474e553 => "GNU_PROPERTY".into(),
        0x6474e554 => "GNU_SFRAME".into(),
        0x65a3dbe6 => "OPENBSD_RANDOMIZE".into(),
        0x65a3dbe7 => "OPENBSD_WXNEEDED".into(),
        0x65a41be6 => "OPENBSD_BOOTDATA".into(),
        0x70000000..=0x7fffffff => {
            let name = match (t.machine, p_type - 0x70000000) {
                (EM_AARCH64, 0) => Some("AARCH64_ARCHEXT"),
                (EM_AARCH64, 2) => Some("AARCH64_MEMTAG_MTE"),
                (EM_ARM, 1) => Some("EXIDX"),
                (EM_MIPS, 0) => Some("REGINFO"),
                (EM_MIPS, 1) => Some("RTPROC"),
                (EM_MIPS, 2) => Some("OPTIONS"),
                (EM_MIPS, 3) => Some("ABIFLAGS"),
                (EM_S390, 0) => Some("S390_PGSTE"),
                (EM_RISCV, 3) => Some("RISCV_ATTRIBUTES"),
                _ => None,
            };
            match name {
                Some(n) => n.into(),
                None => format!("LOPROC+{:#x}", p_type - 0x70000000),
            }
        }
        0x60000000..=0x6fffffff => {
            let lo = 0x6474e555;
            if matches!(t.osabi, ELFOSABI_GNU | ELFOSABI_FREEBSD)
                && (lo..lo + 4096).contains(&p_type)
            {
                format!("GNU_MBIND+{:#x}", p_type - lo)
            } else {
                format!("LOOS+{:#x}", p_type - 0x60000000)
            }
        }
        _ => format!("<unknown>: {p_type:x}"),
    };
    s.chars().take(14).collect()
}

/// The three `Flg` characters of a program header (readelf shows only
/// PF_R, PF_W and PF_X).
pub fn segment_flags(flags: u64) -> String {
    let mut s = String::new();
    s.push(if flags & 4 != 0 { 'R' } else { ' ' });
    s.push(if flags & 2 != 0 { 'W' } else { ' ' });
    s.push(if flags & 1 != 0 { 'E' } else { ' ' });
    s
}

/// `get_symbol_type`.
pub fn symbol_type(t: &Target, ty: u64) -> String {
    match ty {
        0 => "NOTYPE".into(),
        1 => "OBJECT".into(),
        2 => "FUNC".into(),
        3 => "SECTION".into(),
        4 => "FILE".into(),
        5 => "COMMON".into(),
        6 => "TLS".into(),
        8 => "RELC".into(),
        9 => "SRELC".into(),
        13..=15 => {
            if t.machine == EM_ARM && ty == 13 {
                "THUMB_FUNC".into()
            } else {
                format!("<processor specific>: {ty}")
            }
        }
        10..=12 => {
            if ty == 10 && matches!(t.osabi, ELFOSABI_GNU | ELFOSABI_FREEBSD) {
                "IFUNC".into()
            } else {
                format!("<OS specific>: {ty}")
            }
        }
        _ => format!("<unknown>: {ty}"),
    }
}

/// `get_symbol_binding`.
pub fn symbol_bind(t: &Target, b: u64) -> String {
    match b {
        0 => "LOCAL".into(),
        1 => "GLOBAL".into(),
        2 => "WEAK".into(),
        13..=15 => format!("<processor specific>: {b}"),
        10..=12 => {
            if b == 10 && t.osabi == ELFOSABI_GNU {
                "UNIQUE".into()
            } else {
                format!("<OS specific>: {b}")
            }
        }
        _ => format!("<unknown>: {b}"),
    }
}

/// `get_symbol_visibility` (and `get_solaris_symbol_visibility`).
pub fn symbol_vis(t: &Target, other: u64) -> String {
    if t.osabi == ELFOSABI_SOLARIS {
        match other {
            4 => return "EXPORTED".into(),
            5 => return "SINGLETON".into(),
            6 => return "ELIMINATE".into(),
            _ => {}
        }
    }
    match other & 3 {
        0 => "DEFAULT",
        1 => "INTERNAL",
        2 => "HIDDEN",
        _ => "PROTECTED",
    }
    .into()
}

/// `get_symbol_other`: the `[...]` text for the bits of `st_other` beyond
/// the visibility, or `None` when there are none.
pub fn symbol_other(t: &Target, other: u64) -> Option<String> {
    if t.osabi == ELFOSABI_SOLARIS {
        return None;
    }
    let o = other ^ (other & 3);
    if o == 0 {
        return None;
    }
    let special: Option<String> = match t.machine {
        EM_AARCH64 if o & 0x80 != 0 => {
            let rest = o & !0x80;
            Some(if rest == 0 {
                "VARIANT_PCS".into()
            } else {
                format!("VARIANT_PCS | {rest:x}")
            })
        }
        EM_MIPS => match o {
            0x04 => Some("OPTIONAL".into()),
            0x08 => Some("MIPS PLT".into()),
            0x20 => Some("MIPS PIC".into()),
            0x80 => Some("MICROMIPS".into()),
            0xa0 => Some("MICROMIPS, MIPS PIC".into()),
            0xf0 => Some("MIPS16".into()),
            _ => None,
        },
        EM_PPC64 if o & !0xe0 == 0 => {
            let v = o >> 5;
            let v = if v >= 2 { ((1u64 << v) >> 2) << 2 } else { v };
            Some(format!("<localentry>: {v}"))
        }
        EM_RISCV => {
            let mut s = String::new();
            let mut rest = o;
            if rest & 0x80 != 0 {
                s.push_str(" VARIANT_CC");
                rest &= !0x80;
            }
            if rest != 0 {
                // snprintf over the buffer: the VARIANT_CC text is lost.
                s = format!(" {rest:x}");
            }
            Some(s[1..].to_owned())
        }
        _ => None,
    };
    Some(special.unwrap_or_else(|| format!("<other>: {o:x}")))
}

/// `get_symbol_index_type`. `shndx` is the raw `st_shndx`, or the index
/// from SHT_SYMTAB_SHNDX (which readelf prints in decimal however large).
pub fn symbol_ndx(t: &Target, shndx: u64, resolved: bool) -> String {
    if resolved {
        return format!("{shndx:3}");
    }
    match shndx {
        0 => "UND".into(),
        0xfff1 => "ABS".into(),
        0xfff2 => "COM".into(),
        0xff02 if t.machine == EM_X86_64 => "LARGE_COM".into(),
        0xff03 if t.machine == EM_MIPS => "SCOM".into(),
        0xff04 if t.machine == EM_MIPS => "SUND".into(),
        0xff00..=0xff1f => format!("PRC[0x{shndx:04x}]"),
        0xff20..=0xff3f => format!("OS [0x{shndx:04x}]"),
        0xff40..=0xffff => format!("RSV[0x{shndx:04x}]"),
        _ if t.shnum != 0 && shndx >= t.shnum => format!("bad section index[{shndx:3}]"),
        _ => format!("{shndx:3}"),
    }
}

/// The dynamic tags whose value readelf prints through the dynamic string
/// table, with the text before `: [NAME]`.
pub fn dynamic_string_label(tag: u64) -> Option<&'static str> {
    Some(match tag {
        1 => "Shared library",
        14 => "Library soname",
        15 => "Library rpath",
        29 => "Library runpath",
        0x7ffffffd => "Auxiliary library",
        0x7fffffff => "Filter library",
        0x6ffffefa => "Configuration file",
        0x6ffffefb => "Dependency audit library",
        0x6ffffefc => "Audit library",
        0x7ffffffe => "Not needed object",
        _ => return None,
    })
}

/// The value text of a dynamic entry, as `process_dynamic_section` prints
/// it, for every tag whose text does not need the string table (those are
/// in [`dynamic_string_label`]). `None`: no rendering known here.
pub fn dynamic_value(t: &Target, tag: u64, v: u64) -> Option<String> {
    let hexv = || format!("{v:#x}");
    Some(match tag {
        // DT_FLAGS: print_dynamic_flags.
        30 => {
            let mut out = Vec::new();
            let mut f = v;
            while f != 0 {
                let flag = f & f.wrapping_neg();
                f &= !flag;
                out.push(match flag {
                    1 => "ORIGIN",
                    2 => "SYMBOLIC",
                    4 => "TEXTREL",
                    8 => "BIND_NOW",
                    0x10 => "STATIC_TLS",
                    _ => "unknown",
                });
            }
            out.join(" ")
        }
        0x6ffffffb => flag_words(v, FLAGS_1),
        0x6ffffdfc => flag_words(v, &[(1, "PARINIT"), (2, "CONFEXP")]),
        0x6ffffdfd => flag_words(v, &[(1, "LAZYLOAD"), (2, "GROUPPERM")]),
        0x6ffffdf4 => flag_words(v, &[(1, "UNIQUE")]),
        // DT_PLTREL: the tag name of the value.
        20 => match v {
            7 => "RELA".into(),
            17 => "REL".into(),
            _ => return None,
        },
        // Sizes.
        2 | 8 | 10 | 18 | 9 | 37 | 35 | 11 | 19 | 0x6ffffdf9 | 0x6ffffdfa | 0x6ffffdfb | 33
        | 27 | 28 | 0x6ffffdf6 | 0x6ffffdf7 => format!("{v} (bytes)"),
        // Counts.
        0x6ffffffd | 0x6fffffff | 0x6ffffff9 | 0x6ffffffa => format!("{v}"),
        // DT_BIND_NOW: "The value of this entry is ignored."
        24 => String::new(),
        // DT_GNU_PRELINKED: a UTC time.
        0x6ffffdf5 => utc(v)?,
        _ if (0x70000000..=0x7fffffff).contains(&tag) => match t.machine {
            EM_AARCH64 if tag == 0x70000001 || tag == 0x70000003 => String::new(),
            EM_MIPS => mips_dynamic_value(tag, v)?,
            _ => hexv(),
        },
        _ => hexv(),
    })
}

const FLAGS_1: &[(u64, &str)] = &[
    (0x1, "NOW"),
    (0x2, "GLOBAL"),
    (0x4, "GROUP"),
    (0x8, "NODELETE"),
    (0x10, "LOADFLTR"),
    (0x20, "INITFIRST"),
    (0x40, "NOOPEN"),
    (0x80, "ORIGIN"),
    (0x100, "DIRECT"),
    (0x200, "TRANS"),
    (0x400, "INTERPOSE"),
    (0x800, "NODEFLIB"),
    (0x1000, "NODUMP"),
    (0x2000, "CONFALT"),
    (0x4000, "ENDFILTEE"),
    (0x8000, "DISPRELDNE"),
    (0x10000, "DISPRELPND"),
    (0x20000, "NODIRECT"),
    (0x40000, "IGNMULDEF"),
    (0x80000, "NOKSYMS"),
    (0x100000, "NOHDR"),
    (0x200000, "EDITED"),
    (0x400000, "NORELOC"),
    (0x800000, "SYMINTPOSE"),
    (0x1000000, "GLOBAUDIT"),
    (0x2000000, "SINGLETON"),
    (0x4000000, "STUB"),
    (0x8000000, "PIE"),
    (0x10000000, "KMOD"),
    (0x20000000, "WEAKFILTER"),
    (0x40000000, "NOCOMMON"),
];

/// `Flags: A B 1f00` / `Flags: None`.
fn flag_words(v: u64, names: &[(u64, &str)]) -> String {
    if v == 0 {
        return "Flags: None".into();
    }
    let mut s = String::from("Flags:");
    let mut rest = v;
    for &(bit, name) in names {
        if rest & bit != 0 {
            s.push(' ');
            s.push_str(name);
            rest ^= bit;
        }
    }
    if rest != 0 {
        s.push_str(&format!(" {rest:x}"));
    }
    s
}

/// `dynamic_section_mips_val`, except `DT_MIPS_IVERSION` (a string).
fn mips_dynamic_value(tag: u64, v: u64) -> Option<String> {
    Some(match tag {
        0x70000005 => {
            if v == 0 {
                "NONE".into()
            } else {
                const OPTS: &[&str] = &[
                    "QUICKSTART",
                    "NOTPOT",
                    "NO_LIBRARY_REPLACEMENT",
                    "NO_MOVE",
                    "SGI_ONLY",
                    "GUARANTEE_INIT",
                    "DELTA_C_PLUS_PLUS",
                    "GUARANTEE_START_INIT",
                    "PIXIE",
                    "DEFAULT_DELAY_LOAD",
                    "REQUICKSTART",
                    "REQUICKSTARTED",
                    "CORD",
                    "NO_UNRES_UNDEF",
                    "RLD_ORDER_SAFE",
                ];
                let names: Vec<&str> = OPTS
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| v & (1 << i) != 0)
                    .map(|(_, s)| *s)
                    .collect();
                names.join(" ")
            }
        }
        0x70000004 => return None,
        0x70000002 => format!("Time Stamp: {}", utc(v)?),
        0x70000001 | 0x7000000a | 0x7000000b | 0x70000010 | 0x70000011 | 0x70000012
        | 0x70000014 | 0x70000018 | 0x7000001a | 0x7000001c | 0x7000001e | 0x70000021
        | 0x7000002f => format!("{v}"),
        _ => format!("{v:#x}"),
    })
}

/// `gmtime` as `%04u-%02u-%02uT%02u:%02u:%02u`.
fn utc(t: u64) -> Option<String> {
    let t = t as i64;
    let days = t.div_euclid(86400);
    let secs = t.rem_euclid(86400);
    // Howard Hinnant's civil_from_days.
    let z = days + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    Some(format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        y,
        m,
        d,
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    ))
}

/// `process_note`'s choice of type text. `None` for owners whose notes
/// readelf prints another way (NetBSD, PaX, SPU) or that this corpus does
/// not have (AMDGPU, FreeBSD, OpenBSD, IPF/VMS core notes).
pub fn note_type(t: &Target, owner: &str, namesz_zero: bool, ty: u64) -> Option<String> {
    let unknown = || format!("Unknown note type: (0x{ty:08x})");
    if namesz_zero {
        return Some(generic_note_type(t, ty));
    }
    if owner.starts_with("GNU") {
        return Some(match ty {
            1 => "NT_GNU_ABI_TAG (ABI version tag)".into(),
            2 => "NT_GNU_HWCAP (DSO-supplied software HWCAP info)".into(),
            3 => "NT_GNU_BUILD_ID (unique build ID bitstring)".into(),
            4 => "NT_GNU_GOLD_VERSION (gold version)".into(),
            5 => "NT_GNU_PROPERTY_TYPE_0".into(),
            0x100 => "NT_GNU_BUILD_ATTRIBUTE_OPEN".into(),
            0x101 => "NT_GNU_BUILD_ATTRIBUTE_FUNC".into(),
            _ => unknown(),
        });
    }
    for p in [
        "AMDGPU", "FreeBSD", "NetBSD", "PaX", "OpenBSD", "SPU/", "IPF/VMS",
    ] {
        if owner.starts_with(p) {
            return None;
        }
    }
    if owner.starts_with("stapsdt") {
        return Some(if ty == 3 {
            "NT_STAPSDT (SystemTap probe descriptors)".into()
        } else {
            unknown()
        });
    }
    Some(generic_note_type(t, ty))
}

/// `get_note_type` for a file that is not a core file (core files here
/// have no note types rendered: there are none in the corpus).
fn generic_note_type(t: &Target, ty: u64) -> String {
    if t.e_type == 4 {
        return format!("<core note type {ty}>");
    }
    match ty {
        1 => "NT_VERSION (version)".into(),
        2 => "NT_ARCH (architecture)".into(),
        0x100 => "OPEN".into(),
        0x101 => "func".into(),
        4 => "GO BUILDID".into(),
        0xcafe1a7e => "FDO_PACKAGING_METADATA".into(),
        _ => format!("Unknown note type: (0x{ty:08x})"),
    }
}

/// Whether readelf prints this note's owner through
/// `print_gnu_build_attribute_name` (annobin's `GA$...` notes), which
/// decodes the binary name instead of printing it.
pub fn is_build_attribute_note(owner: &str, ty: u64) -> bool {
    let b = owner.as_bytes();
    let marker = |c: u8| b"*$!+".contains(&c);
    ((owner.starts_with("GA") && b.len() > 2 && marker(b[2])) || (!b.is_empty() && marker(b[0])))
        && (ty == 0x100 || ty == 0x101)
}

/// `print_symbol`'s escaping: control characters as `^X` (printable ASCII
/// and bytes >= 0x80 pass through; readelf runs in the C locale).
pub fn print_symbol(s: &str) -> String {
    if !s.bytes().any(|c| c < 0x20 || c == 0x7f) {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len() + 4);
    for c in s.chars() {
        if (c as u32) < 0x20 || c as u32 == 0x7f {
            // ISCNTRL comes before readelf's <DEL> case, so DEL is printed
            // as '^' and the byte 0x7f + 0x40 = 0xbf (U+FFFD once read back
            // as UTF-8).
            out.push('^');
            if c as u32 == 0x7f {
                out.push('\u{FFFD}');
            } else {
                out.push(char::from(c as u8 + 0x40));
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// `printable_section_name`'s escaping (used in the relocation and note
/// block titles): control characters as `^X`, bytes >= 0x80 as `<XX>`.
pub fn printable_section_name(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let u = c as u32;
        if u < 0x20 || u == 0x7f {
            out.push('^');
            out.push(char::from((u as u8).wrapping_add(0x40)));
        } else if u < 0x80 {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("<{b:02X}>"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const X86: Target = Target {
        machine: EM_X86_64,
        osabi: 0,
        class64: true,
        e_type: 3,
        shnum: 40,
    };

    #[test]
    fn names() {
        assert_eq!(machine(62), "Advanced Micro Devices X86-64");
        assert_eq!(machine(243), "RISC-V");
        assert_eq!(machine(0xdead), "<unknown>: 0xdead");
        assert!(file_type_matches(
            3,
            "DYN (Position-Independent Executable file)"
        ));
        assert!(!file_type_matches(2, "DYN (Shared object file)"));
        assert_eq!(section_type(&X86, 0x6fffffff), "VERSYM");
        assert_eq!(section_type(&X86, 0x6ffffff0), "VERSYM");
        assert_eq!(section_type(&X86, 0x70000001), "X86_64_UNWIND");
        assert_eq!(section_type(&X86, 0x70000002), "LOPROC+0x2");
        assert_eq!(section_type(&X86, 0x6fff4c00), "LOOS+0xfff4c00");
        let mips = Target {
            machine: EM_MIPS,
            ..X86
        };
        assert_eq!(section_type(&mips, 0x7000002a), "MIPS_ABIFLAGS");
        assert_eq!(section_type(&mips, 0x7000001e), "MIPS_DWARF");
        assert_eq!(section_flags(&X86, 0x2 | 0x4), "AX");
        assert_eq!(section_flags(&X86, 0x1 | 0x2 | 0x400), "WAT");
        assert_eq!(section_flags(&X86, 0x40 | 0x2), "AI");
        assert_eq!(section_flags(&X86, 0x80000000 | 0x200), "GE");
        assert_eq!(section_flags(&X86, 0x10000000 | 0x2), "Al");
        assert_eq!(section_flags(&X86, 0x00200000), "o");
        assert_eq!(
            section_flags(
                &Target {
                    osabi: ELFOSABI_GNU,
                    ..X86
                },
                0x00200000
            ),
            "R"
        );
        assert_eq!(segment_type(&X86, 0x6474e553), "GNU_PROPERTY");
        assert_eq!(segment_type(&X86, 0x65a3dbe6), "OPENBSD_RANDOM");
        assert_eq!(segment_flags(5), "R E");
        assert_eq!(symbol_type(&X86, 10), "<OS specific>: 10");
        assert_eq!(
            symbol_type(
                &Target {
                    osabi: ELFOSABI_GNU,
                    ..X86
                },
                10
            ),
            "IFUNC"
        );
        assert_eq!(symbol_bind(&X86, 10), "<OS specific>: 10");
        assert_eq!(
            symbol_other(
                &Target {
                    machine: EM_PPC64,
                    ..X86
                },
                0x60
            ),
            Some("<localentry>: 8".into())
        );
        assert_eq!(
            symbol_other(
                &Target {
                    machine: EM_AARCH64,
                    ..X86
                },
                0x80
            ),
            Some("VARIANT_PCS".into())
        );
        assert_eq!(symbol_other(&X86, 2), None);
        assert_eq!(symbol_ndx(&X86, 0xfff1, false), "ABS");
        assert_eq!(symbol_ndx(&X86, 5, false), "  5");
        assert_eq!(symbol_ndx(&X86, 41, false), "bad section index[ 41]");
        assert_eq!(symbol_ndx(&X86, 0xff20, false), "OS [0xff20]");
        assert_eq!(
            dynamic_value(&X86, 0x6ffffffb, 0x08000001).unwrap(),
            "Flags: NOW PIE"
        );
        assert_eq!(dynamic_value(&X86, 0x6ffffffb, 0).unwrap(), "Flags: None");
        assert_eq!(
            dynamic_value(&X86, 30, 0x18).unwrap(),
            "BIND_NOW STATIC_TLS"
        );
        assert_eq!(dynamic_value(&X86, 27, 8).unwrap(), "8 (bytes)");
        assert_eq!(dynamic_value(&X86, 12, 0x1000).unwrap(), "0x1000");
        assert_eq!(dynamic_value(&X86, 0, 0).unwrap(), "0x0");
        assert_eq!(utc(0).unwrap(), "1970-01-01T00:00:00");
        assert_eq!(utc(951782400 + 86399).unwrap(), "2000-02-29T23:59:59");
        assert_eq!(
            note_type(&X86, "GNU", false, 3).unwrap(),
            "NT_GNU_BUILD_ID (unique build ID bitstring)"
        );
        assert_eq!(note_type(&X86, "Go", false, 4).unwrap(), "GO BUILDID");
        assert_eq!(
            note_type(&X86, "Go", false, 9).unwrap(),
            "Unknown note type: (0x00000009)"
        );
        assert!(is_build_attribute_note("GA$\u{1}3a1", 0x100));
        assert!(!is_build_attribute_note("GNU", 0x100));
        assert_eq!(print_symbol("a\u{1}b"), "a^Ab");
        assert_eq!(printable_section_name(".t\u{e9}"), ".t<C3><A9>");
    }
}
