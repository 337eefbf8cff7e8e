use super::named_consts;

named_consts!(u32, pt_name, "segment type (`p_type`)", {
    /// Unused entry.
    PT_NULL = 0,
    /// Loadable segment.
    PT_LOAD = 1,
    /// Dynamic linking information.
    PT_DYNAMIC = 2,
    /// Program interpreter path.
    PT_INTERP = 3,
    /// Auxiliary information (notes).
    PT_NOTE = 4,
    /// Reserved.
    PT_SHLIB = 5,
    /// The program header table itself.
    PT_PHDR = 6,
    /// Thread-local storage template.
    PT_TLS = 7,
    /// Exception-handling frame header.
    PT_GNU_EH_FRAME = 0x6474_e550,
    /// Stack permissions.
    PT_GNU_STACK = 0x6474_e551,
    /// Read-only after relocation.
    PT_GNU_RELRO = 0x6474_e552,
    /// GNU program properties.
    PT_GNU_PROPERTY = 0x6474_e553,
    /// SFrame stack-trace information.
    PT_GNU_SFRAME = 0x6474_e554,
    /// OpenBSD: randomized data.
    PT_OPENBSD_RANDOMIZE = 0x65a3_dbe6,
    /// OpenBSD: W^X violations allowed.
    PT_OPENBSD_WXNEEDED = 0x65a3_dbe7,
    /// ARM exception index table.
    PT_ARM_EXIDX = 0x7000_0001,
    /// MIPS register info.
    PT_MIPS_REGINFO = 0x7000_0000,
    /// MIPS ABI flags.
    PT_MIPS_ABIFLAGS = 0x7000_0003,
    /// RISC-V attributes.
    PT_RISCV_ATTRIBUTES = 0x7000_0003,
});

/// Execute permission.
pub const PF_X: u32 = 0x1;
/// Write permission.
pub const PF_W: u32 = 0x2;
/// Read permission.
pub const PF_R: u32 = 0x4;
