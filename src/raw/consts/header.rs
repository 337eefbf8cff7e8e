use super::named_consts;

/// `e_ident[EI_CLASS]`: 32-bit objects.
pub const ELFCLASS32: u8 = 1;
/// `e_ident[EI_CLASS]`: 64-bit objects.
pub const ELFCLASS64: u8 = 2;
/// `e_ident[EI_DATA]`: little endian.
pub const ELFDATA2LSB: u8 = 1;
/// `e_ident[EI_DATA]`: big endian.
pub const ELFDATA2MSB: u8 = 2;
/// The only ELF version.
pub const EV_CURRENT: u8 = 1;

named_consts!(u16, et_name, "file type (`e_type`)", {
    /// No file type.
    ET_NONE = 0,
    /// Relocatable object.
    ET_REL = 1,
    /// Executable.
    ET_EXEC = 2,
    /// Shared object (or position-independent executable).
    ET_DYN = 3,
    /// Core dump.
    ET_CORE = 4,
});

named_consts!(u8, osabi_name, "OS/ABI (`e_ident[EI_OSABI]`)", {
    /// UNIX System V.
    ELFOSABI_NONE = 0,
    /// HP-UX.
    ELFOSABI_HPUX = 1,
    /// NetBSD.
    ELFOSABI_NETBSD = 2,
    /// GNU/Linux.
    ELFOSABI_GNU = 3,
    /// Solaris.
    ELFOSABI_SOLARIS = 6,
    /// AIX.
    ELFOSABI_AIX = 7,
    /// IRIX.
    ELFOSABI_IRIX = 8,
    /// FreeBSD.
    ELFOSABI_FREEBSD = 9,
    /// TRU64.
    ELFOSABI_TRU64 = 10,
    /// Novell Modesto.
    ELFOSABI_MODESTO = 11,
    /// OpenBSD.
    ELFOSABI_OPENBSD = 12,
    /// ARM EABI.
    ELFOSABI_ARM_AEABI = 64,
    /// ARM.
    ELFOSABI_ARM = 97,
    /// Standalone.
    ELFOSABI_STANDALONE = 255,
});

named_consts!(u16, em_name, "machine (`e_machine`)", {
    /// No machine.
    EM_NONE = 0,
    /// SPARC.
    EM_SPARC = 2,
    /// Intel 80386.
    EM_386 = 3,
    /// Motorola 68000.
    EM_68K = 4,
    /// MIPS.
    EM_MIPS = 8,
    /// MIPS little-endian (old).
    EM_MIPS_RS3_LE = 10,
    /// HP PA-RISC.
    EM_PARISC = 15,
    /// SPARC v8+.
    EM_SPARC32PLUS = 18,
    /// PowerPC.
    EM_PPC = 20,
    /// PowerPC 64-bit.
    EM_PPC64 = 21,
    /// IBM S/390 and z/Architecture.
    EM_S390 = 22,
    /// ARM 32-bit.
    EM_ARM = 40,
    /// Hitachi SH.
    EM_SH = 42,
    /// SPARC v9 64-bit.
    EM_SPARCV9 = 43,
    /// Intel Itanium.
    EM_IA_64 = 50,
    /// AMD x86-64.
    EM_X86_64 = 62,
    /// Xtensa.
    EM_XTENSA = 94,
    /// Altera Nios II.
    EM_ALTERA_NIOS2 = 113,
    /// Atmel AVR 8-bit.
    EM_AVR = 83,
    /// TI MSP430.
    EM_MSP430 = 105,
    /// Hexagon.
    EM_HEXAGON = 164,
    /// ARM 64-bit.
    EM_AARCH64 = 183,
    /// NVIDIA CUDA.
    EM_CUDA = 190,
    /// AMD GPU.
    EM_AMDGPU = 224,
    /// RISC-V.
    EM_RISCV = 243,
    /// Linux BPF.
    EM_BPF = 247,
    /// C-SKY.
    EM_CSKY = 252,
    /// LoongArch.
    EM_LOONGARCH = 258,
});
