//! The file header and the program headers of a planned file.

use crate::raw::Ident;
use crate::raw::consts::*;
use crate::read::{Class, Encoding, Endian, FileHeader, ProgramHeader};
use crate::write::layout::{LoadClass, LoadSegment};
use alloc::vec::Vec;

/// A section's place, for the segments that cover exactly one section.
#[derive(Debug, Clone, Copy)]
pub(super) struct Span {
    pub offset: u64,
    pub addr: u64,
    pub file_size: u64,
    pub mem_size: u64,
    pub align: u64,
}

impl Span {
    fn header(&self, p_type: u32, p_flags: u32) -> ProgramHeader {
        ProgramHeader {
            p_type,
            p_flags,
            p_offset: self.offset,
            p_vaddr: self.addr,
            p_paddr: self.addr,
            p_filesz: self.file_size,
            p_memsz: self.mem_size,
            p_align: self.align,
        }
    }
}

/// What the program headers describe.
pub(super) struct SegmentInputs<'s> {
    pub loads: &'s [LoadSegment],
    /// The program header table (offset, size), for `PT_PHDR`.
    pub phdr: Option<(u64, u64)>,
    pub interp: Option<Span>,
    pub dynamic: Option<Span>,
    pub notes: Vec<Span>,
    /// The TLS segment.
    pub tls: Option<Span>,
    /// The first RELRO section and the end address of the last.
    pub relro: Option<(Span, u64)>,
    /// Whether to say the stack is not executable (linked files).
    pub stack: bool,
    pub word: u64,
}

/// The program headers, in the order a modern linker writes them.
pub(super) fn program_headers(i: &SegmentInputs<'_>) -> Vec<ProgramHeader> {
    let mut out = Vec::new();
    if let Some((offset, size)) = i.phdr {
        let first = i.loads.first().map_or(0, |l| l.addr.wrapping_sub(l.offset));
        let span = Span {
            offset,
            addr: first.wrapping_add(offset),
            file_size: size,
            mem_size: size,
            align: i.word,
        };
        out.push(span.header(PT_PHDR, PF_R));
    }
    out.extend(i.interp.map(|s| s.header(PT_INTERP, PF_R)));
    for s in i.loads {
        let flags = match s.class {
            LoadClass::R => PF_R,
            LoadClass::RX => PF_R | PF_X,
            _ => PF_R | PF_W,
        };
        let span = Span {
            offset: s.offset,
            addr: s.addr,
            file_size: s.file_size,
            mem_size: s.mem_size,
            align: s.align,
        };
        out.push(span.header(PT_LOAD, flags));
    }
    out.extend(i.dynamic.map(|s| s.header(PT_DYNAMIC, PF_R | PF_W)));
    out.extend(i.notes.iter().map(|s| s.header(PT_NOTE, PF_R)));
    out.extend(i.tls.map(|s| s.header(PT_TLS, PF_R)));
    if let Some((first, end)) = i.relro {
        let size = end - first.addr;
        let span = Span {
            file_size: size,
            mem_size: size,
            align: 1,
            ..first
        };
        out.push(span.header(PT_GNU_RELRO, PF_R));
    }
    if i.stack {
        out.push(ProgramHeader {
            p_type: PT_GNU_STACK,
            p_flags: PF_R | PF_W,
            p_align: 16,
            ..ProgramHeader::default()
        });
    }
    out
}

/// The numbers of the file header a plan fills in.
pub(super) struct HeaderInputs {
    pub encoding: Encoding,
    pub osabi: u8,
    pub file_type: u16,
    pub machine: u16,
    pub flags: u32,
    pub entry: u64,
    pub phnum: u64,
    pub shoff: u64,
    pub shnum: u64,
    pub shstrndx: u32,
}

/// The file header, with extended numbering when the counts need it.
pub(super) fn file_header(h: &HeaderInputs) -> FileHeader {
    let (ehsize, phentsize, shentsize) = match h.encoding.class {
        Class::Elf32 => (52u16, 32u16, 40u16),
        Class::Elf64 => (64, 56, 64),
    };
    let class = if h.encoding.class == Class::Elf32 {
        ELFCLASS32
    } else {
        ELFCLASS64
    };
    let data = if h.encoding.endian == Endian::Little {
        ELFDATA2LSB
    } else {
        ELFDATA2MSB
    };
    let big = h.shnum >= u64::from(SHN_LORESERVE);
    FileHeader {
        ident: Ident {
            magic: *b"\x7fELF",
            class,
            data,
            version: 1,
            osabi: h.osabi,
            abiversion: 0,
            pad: [0; 7],
        },
        e_type: h.file_type,
        e_machine: h.machine,
        e_version: 1,
        e_entry: h.entry,
        e_phoff: if h.phnum == 0 { 0 } else { u64::from(ehsize) },
        e_shoff: h.shoff,
        e_flags: h.flags,
        e_ehsize: ehsize,
        e_phentsize: if h.phnum == 0 { 0 } else { phentsize },
        e_phnum: h.phnum as u16,
        e_shentsize: shentsize,
        e_shnum: if big { 0 } else { h.shnum as u16 },
        e_shstrndx: if h.shstrndx >= u32::from(SHN_LORESERVE) {
            SHN_XINDEX
        } else {
            h.shstrndx as u16
        },
    }
}
