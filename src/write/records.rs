//! Encoding native records into the file's class and byte order, through
//! the same zerocopy structs the reader uses.

use crate::raw::{
    BE, Dyn32, Dyn64, Ehdr32, Ehdr64, LE, Phdr32, Phdr64, Rel32, Rel64, Rela32, Rela64, Shdr32,
    Shdr64, Sym32, Sym64,
};
use crate::read::{
    Class, Dyn, Encoding, Endian, FileHeader, ProgramHeader, Rel, Rela, SectionHeader, Symbol,
};
use alloc::vec::Vec;
use zerocopy::IntoBytes;
use zerocopy::byteorder::{ByteOrder, I32, I64, U16, U32, U64};

/// A native record that can be written in any of the four encodings.
/// Values that do not fit a 32-bit field are truncated: layout checks
/// beforehand that a 32-bit file's addresses and offsets fit.
pub(crate) trait Encode {
    /// Appends the record's bytes to `out`.
    fn encode(&self, enc: Encoding, out: &mut Vec<u8>);

    /// Appends every record of `items`, choosing the encoding once.
    fn encode_all(items: impl IntoIterator<Item = Self>, enc: Encoding, out: &mut Vec<u8>)
    where
        Self: Sized;
}

macro_rules! encode_impl {
    ($native:ty, |$s:ident, $O:ident| $r32:expr, $r64:expr) => {
        impl Encode for $native {
            fn encode(&self, enc: Encoding, out: &mut Vec<u8>) {
                fn w32<$O: ByteOrder>($s: &$native, out: &mut Vec<u8>) {
                    out.extend_from_slice($r32.as_bytes());
                }
                fn w64<$O: ByteOrder>($s: &$native, out: &mut Vec<u8>) {
                    out.extend_from_slice($r64.as_bytes());
                }
                match (enc.class, enc.endian) {
                    (Class::Elf32, Endian::Little) => w32::<LE>(self, out),
                    (Class::Elf32, Endian::Big) => w32::<BE>(self, out),
                    (Class::Elf64, Endian::Little) => w64::<LE>(self, out),
                    (Class::Elf64, Endian::Big) => w64::<BE>(self, out),
                }
            }

            fn encode_all(items: impl IntoIterator<Item = Self>, enc: Encoding, out: &mut Vec<u8>) {
                fn each<I: IntoIterator<Item = $native>>(
                    items: I,
                    out: &mut Vec<u8>,
                    w: impl Fn(&$native, &mut Vec<u8>),
                ) {
                    for item in items {
                        w(&item, out);
                    }
                }
                fn w32<$O: ByteOrder>($s: &$native, out: &mut Vec<u8>) {
                    out.extend_from_slice($r32.as_bytes());
                }
                fn w64<$O: ByteOrder>($s: &$native, out: &mut Vec<u8>) {
                    out.extend_from_slice($r64.as_bytes());
                }
                match (enc.class, enc.endian) {
                    (Class::Elf32, Endian::Little) => each(items, out, w32::<LE>),
                    (Class::Elf32, Endian::Big) => each(items, out, w32::<BE>),
                    (Class::Elf64, Endian::Little) => each(items, out, w64::<LE>),
                    (Class::Elf64, Endian::Big) => each(items, out, w64::<BE>),
                }
            }
        }
    };
}

fn u16_<O: ByteOrder>(v: u16) -> U16<O> {
    U16::new(v)
}
fn u32_<O: ByteOrder>(v: u64) -> U32<O> {
    U32::new(v as u32)
}
fn u64_<O: ByteOrder>(v: u64) -> U64<O> {
    U64::new(v)
}

encode_impl!(
    FileHeader,
    |s, O| Ehdr32::<O> {
        e_ident: s.ident,
        e_type: u16_(s.e_type),
        e_machine: u16_(s.e_machine),
        e_version: U32::new(s.e_version),
        e_entry: u32_(s.e_entry),
        e_phoff: u32_(s.e_phoff),
        e_shoff: u32_(s.e_shoff),
        e_flags: U32::new(s.e_flags),
        e_ehsize: u16_(s.e_ehsize),
        e_phentsize: u16_(s.e_phentsize),
        e_phnum: u16_(s.e_phnum),
        e_shentsize: u16_(s.e_shentsize),
        e_shnum: u16_(s.e_shnum),
        e_shstrndx: u16_(s.e_shstrndx),
    },
    Ehdr64::<O> {
        e_ident: s.ident,
        e_type: u16_(s.e_type),
        e_machine: u16_(s.e_machine),
        e_version: U32::new(s.e_version),
        e_entry: u64_(s.e_entry),
        e_phoff: u64_(s.e_phoff),
        e_shoff: u64_(s.e_shoff),
        e_flags: U32::new(s.e_flags),
        e_ehsize: u16_(s.e_ehsize),
        e_phentsize: u16_(s.e_phentsize),
        e_phnum: u16_(s.e_phnum),
        e_shentsize: u16_(s.e_shentsize),
        e_shnum: u16_(s.e_shnum),
        e_shstrndx: u16_(s.e_shstrndx),
    }
);

encode_impl!(
    ProgramHeader,
    |s, O| Phdr32::<O> {
        p_type: U32::new(s.p_type),
        p_offset: u32_(s.p_offset),
        p_vaddr: u32_(s.p_vaddr),
        p_paddr: u32_(s.p_paddr),
        p_filesz: u32_(s.p_filesz),
        p_memsz: u32_(s.p_memsz),
        p_flags: U32::new(s.p_flags),
        p_align: u32_(s.p_align),
    },
    Phdr64::<O> {
        p_type: U32::new(s.p_type),
        p_flags: U32::new(s.p_flags),
        p_offset: u64_(s.p_offset),
        p_vaddr: u64_(s.p_vaddr),
        p_paddr: u64_(s.p_paddr),
        p_filesz: u64_(s.p_filesz),
        p_memsz: u64_(s.p_memsz),
        p_align: u64_(s.p_align),
    }
);

encode_impl!(
    SectionHeader,
    |s, O| Shdr32::<O> {
        sh_name: U32::new(s.sh_name),
        sh_type: U32::new(s.sh_type),
        sh_flags: u32_(s.sh_flags),
        sh_addr: u32_(s.sh_addr),
        sh_offset: u32_(s.sh_offset),
        sh_size: u32_(s.sh_size),
        sh_link: U32::new(s.sh_link),
        sh_info: U32::new(s.sh_info),
        sh_addralign: u32_(s.sh_addralign),
        sh_entsize: u32_(s.sh_entsize),
    },
    Shdr64::<O> {
        sh_name: U32::new(s.sh_name),
        sh_type: U32::new(s.sh_type),
        sh_flags: u64_(s.sh_flags),
        sh_addr: u64_(s.sh_addr),
        sh_offset: u64_(s.sh_offset),
        sh_size: u64_(s.sh_size),
        sh_link: U32::new(s.sh_link),
        sh_info: U32::new(s.sh_info),
        sh_addralign: u64_(s.sh_addralign),
        sh_entsize: u64_(s.sh_entsize),
    }
);

encode_impl!(
    Symbol,
    |s, O| Sym32::<O> {
        st_name: U32::new(s.st_name),
        st_value: u32_(s.st_value),
        st_size: u32_(s.st_size),
        st_info: s.st_info,
        st_other: s.st_other,
        st_shndx: u16_(s.st_shndx),
    },
    Sym64::<O> {
        st_name: U32::new(s.st_name),
        st_info: s.st_info,
        st_other: s.st_other,
        st_shndx: u16_(s.st_shndx),
        st_value: u64_(s.st_value),
        st_size: u64_(s.st_size),
    }
);

encode_impl!(
    Rela,
    |s, O| Rela32::<O> {
        r_offset: u32_(s.r_offset),
        r_info: u32_(s.r_info),
        r_addend: I32::new(s.r_addend as i32),
    },
    Rela64::<O> {
        r_offset: u64_(s.r_offset),
        r_info: u64_(s.r_info),
        r_addend: I64::new(s.r_addend)
    }
);

encode_impl!(
    Rel,
    |s, O| Rel32::<O> {
        r_offset: u32_(s.r_offset),
        r_info: u32_(s.r_info)
    },
    Rel64::<O> {
        r_offset: u64_(s.r_offset),
        r_info: u64_(s.r_info),
    }
);

encode_impl!(
    Dyn,
    |s, O| Dyn32::<O> {
        d_tag: I32::new(s.d_tag as i32),
        d_val: u32_(s.d_val)
    },
    Dyn64::<O> {
        d_tag: I64::new(s.d_tag),
        d_val: u64_(s.d_val),
    }
);

/// `r_info` for a symbol and type in this encoding (and machine: 64-bit
/// little-endian MIPS packs it differently).
pub(crate) fn r_info(enc: Encoding, machine: u16, symbol: u32, kind: u32) -> u64 {
    match enc.class {
        Class::Elf32 => (u64::from(symbol) << 8) | u64::from(kind & 0xff),
        Class::Elf64 if machine == crate::raw::consts::EM_MIPS && enc.endian == Endian::Little => {
            let t = kind.to_be_bytes();
            u64::from(symbol) | (u64::from(u32::from_le_bytes(t)) << 32)
        }
        Class::Elf64 => (u64::from(symbol) << 32) | u64::from(kind),
    }
}

/// Appends an address-sized word.
pub(crate) fn push_word(enc: Encoding, out: &mut Vec<u8>, v: u64) {
    match (enc.class, enc.endian) {
        (Class::Elf32, Endian::Little) => out.extend_from_slice(&(v as u32).to_le_bytes()),
        (Class::Elf32, Endian::Big) => out.extend_from_slice(&(v as u32).to_be_bytes()),
        (Class::Elf64, Endian::Little) => out.extend_from_slice(&v.to_le_bytes()),
        (Class::Elf64, Endian::Big) => out.extend_from_slice(&v.to_be_bytes()),
    }
}

/// Appends a 32-bit word.
pub(crate) fn push_u32(enc: Encoding, out: &mut Vec<u8>, v: u32) {
    match enc.endian {
        Endian::Little => out.extend_from_slice(&v.to_le_bytes()),
        Endian::Big => out.extend_from_slice(&v.to_be_bytes()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::{InfoLayout, Table};

    #[test]
    fn records_round_trip_through_the_reader_in_all_encodings() {
        for class in [Class::Elf32, Class::Elf64] {
            for endian in [Endian::Little, Endian::Big] {
                let enc = Encoding { class, endian };
                let s = SectionHeader {
                    sh_name: 7,
                    sh_type: 1,
                    sh_flags: 6,
                    sh_addr: 0x1000,
                    sh_offset: 0x200,
                    sh_size: 0x30,
                    sh_link: 2,
                    sh_info: 3,
                    sh_addralign: 16,
                    sh_entsize: 0,
                };
                let mut out = Vec::new();
                s.encode(enc, &mut out);
                assert_eq!(Table::<SectionHeader>::new(enc, &out).get(0), Some(s));
                let sym = Symbol {
                    st_name: 1,
                    st_info: 0x12,
                    st_other: 2,
                    st_shndx: 5,
                    st_value: 0x4000,
                    st_size: 8,
                };
                let mut out = Vec::new();
                sym.encode(enc, &mut out);
                assert_eq!(Table::<Symbol>::new(enc, &out).get(0), Some(sym));
                for machine in [crate::raw::consts::EM_X86_64, crate::raw::consts::EM_MIPS] {
                    let info = r_info(enc, machine, 5, 3);
                    assert_eq!(InfoLayout::new(enc, machine).split(info), (5, 3));
                }
            }
        }
    }
}
