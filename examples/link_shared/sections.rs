//! examples/link_shared.rs: output sections, by GNU ld's default names,
//! and the input sections placed in them.

use super::{Error, Object};
use elfin::raw::consts::*;
use elfin::write::{Builder, Perms, SectionData, SectionId, SectionSpec};
use std::collections::HashSet;

/// An output section: input sections of one kind, concatenated.
pub(super) struct Output {
    pub(super) name: &'static [u8],
    pub(super) sh_type: u32,
    pub(super) perms: Perms,
    pub(super) tls: bool,
    pub(super) relro: bool,
    pub(super) align: u64,
    /// The bytes, or `None` while every input is `SHT_NOBITS`.
    pub(super) bytes: Option<Vec<u8>>,
    pub(super) size: u64,
}

impl Output {
    /// The output sections of [`OUTPUTS`], empty.
    pub(super) fn all() -> Vec<Output> {
        OUTPUTS
            .iter()
            .map(|&(name, _, sh_type, perms, relro)| Output {
                name: name.as_bytes(),
                sh_type,
                perms,
                tls: matches!(name, ".tdata" | ".tbss"),
                relro,
                align: 1,
                bytes: (sh_type != SHT_NOBITS).then(Vec::new),
                size: 0,
            })
            .collect()
    }

    /// Appends an input section of `size` bytes (`data`, or zeros when
    /// `None`) at alignment `align`; returns its offset in the output.
    pub(super) fn append(&mut self, data: Option<&[u8]>, size: u64, align: u64) -> u64 {
        let at = self.size.next_multiple_of(align.max(1));
        self.align = self.align.max(align);
        if data.is_some() && self.bytes.is_none() {
            // The first input with file bytes: the zeros before it become
            // bytes too (a `.bss` that also receives `PROGBITS`).
            self.bytes = Some(vec![0; self.size as usize]);
            self.sh_type = if self.sh_type == SHT_NOBITS {
                SHT_PROGBITS
            } else {
                self.sh_type
            };
        }
        if let Some(bytes) = &mut self.bytes {
            bytes.resize(at as usize, 0);
            match data {
                Some(d) => bytes.extend_from_slice(d),
                None => bytes.resize((at + size) as usize, 0),
            }
        }
        self.size = at + size;
        at
    }
}

/// GNU ld's default output sections, in the order they are laid out
/// (within a permission class the builder keeps this order): the output
/// name, the input names it takes (exactly, or as `NAME.*`), its type,
/// permissions, and whether it is read-only after relocation.
pub(super) const OUTPUTS: &[(&str, &[&str], u32, Perms, bool)] = &[
    (".text", &[".text"], SHT_PROGBITS, Perms::RX, false),
    (".rodata", &[".rodata"], SHT_PROGBITS, Perms::R, false),
    (".eh_frame", &[".eh_frame"], SHT_PROGBITS, Perms::R, false),
    (".tdata", &[".tdata"], SHT_PROGBITS, Perms::RW, false),
    (".tbss", &[".tbss"], SHT_NOBITS, Perms::RW, false),
    (
        ".preinit_array",
        &[".preinit_array"],
        SHT_PREINIT_ARRAY,
        Perms::RW,
        true,
    ),
    (
        ".init_array",
        &[".init_array"],
        SHT_INIT_ARRAY,
        Perms::RW,
        true,
    ),
    (
        ".fini_array",
        &[".fini_array"],
        SHT_FINI_ARRAY,
        Perms::RW,
        true,
    ),
    (
        ".data.rel.ro",
        &[".data.rel.ro"],
        SHT_PROGBITS,
        Perms::RW,
        true,
    ),
    (".data", &[".data"], SHT_PROGBITS, Perms::RW, false),
    (".bss", &[".bss"], SHT_NOBITS, Perms::RW, false),
];

/// The output section (index into [`OUTPUTS`]) an input section goes to,
/// by its name, or by its flags for a name GNU ld does not know.
pub(super) fn output_for(name: &[u8], flags: u64, sh_type: u32) -> usize {
    let takes = |prefix: &str| {
        let p = prefix.as_bytes();
        name == p || (name.starts_with(p) && name.get(p.len()) == Some(&b'.'))
    };
    if let Some(i) = OUTPUTS.iter().position(|o| o.1.iter().any(|p| takes(p))) {
        return i;
    }
    let by = |n: &str| OUTPUTS.iter().position(|o| o.0 == n).unwrap_or(0);
    let tls = flags & SHF_TLS != 0;
    match (Perms::from_sh_flags(flags), sh_type == SHT_NOBITS) {
        (_, true) if tls => by(".tbss"),
        _ if tls => by(".tdata"),
        (Some(Perms::RX), _) => by(".text"),
        (Some(Perms::RW), true) => by(".bss"),
        (Some(Perms::RW), false) => by(".data"),
        _ => by(".rodata"),
    }
}

/// The member sections of `o`'s COMDAT groups whose signature an earlier
/// object already gave: a linker keeps the first group of each signature.
pub(super) fn comdat_losers(
    o: &Object<'_>,
    signatures: &mut HashSet<Vec<u8>>,
) -> Result<HashSet<usize>, Error> {
    let mut dropped = HashSet::new();
    let enc = o.file.encoding();
    for s in o.file.sections() {
        let h = s.header();
        if h.sh_type != SHT_GROUP {
            continue;
        }
        let data = s.data().map_err(|e| format!("{}: {e}", o.name))?;
        let words: Vec<u32> = data
            .chunks_exact(4)
            .filter_map(|w| enc.read_u32(w))
            .collect();
        let Some((&flags, members)) = words.split_first() else {
            continue;
        };
        let signature = o.symbols.get(h.sh_info as usize)?;
        let signature = o.symbols.name(&signature)?.to_vec();
        if flags & GRP_COMDAT != 0 && !signatures.insert(signature) {
            dropped.extend(members.iter().map(|&m| m as usize));
        }
    }
    Ok(dropped)
}

/// Appends each allocated section of `o` (but the dropped COMDAT ones) to
/// its output section, recording where it went.
pub(super) fn place_sections(o: &mut Object<'_>, outputs: &mut [Output]) -> Result<(), Error> {
    o.placed = vec![None; o.file.section_count()];
    for s in o.file.sections() {
        let h = *s.header();
        let name = s.name().map_err(|e| format!("{}: {e}", o.name))?;
        if o.dropped.contains(&s.index()) || h.sh_flags & SHF_ALLOC == 0 {
            continue;
        }
        if name == b".ctors" || name == b".dtors" || name.starts_with(b".ctors.") {
            // They run in the other order than .init_array; GNU ld
            // reverses them, this linker does not.
            let name = String::from_utf8_lossy(name);
            return Err(format!("{}: {name} not supported (use .init_array)", o.name).into());
        }
        let unwind = o.file.machine() == EM_X86_64 && h.sh_type == SHT_X86_64_UNWIND;
        match h.sh_type {
            SHT_PROGBITS | SHT_NOBITS | SHT_INIT_ARRAY | SHT_FINI_ARRAY | SHT_PREINIT_ARRAY => {}
            _ if unwind => {}
            SHT_NOTE if name == b".note.gnu.property" => continue,
            SHT_GROUP => continue,
            t => {
                let name = String::from_utf8_lossy(name);
                return Err(
                    format!("{}: section {name}: type {t:#x} not supported", o.name).into(),
                );
            }
        }
        let data = if h.sh_type == SHT_NOBITS {
            None
        } else {
            Some(s.data().map_err(|e| format!("{}: {e}", o.name))?)
        };
        let k = output_for(name, h.sh_flags, h.sh_type);
        let at = outputs[k].append(data, h.sh_size, h.sh_addralign);
        o.placed[s.index()] = Some((k, at));
    }
    Ok(())
}

/// Adds output section `out` to the builder.
pub(super) fn add_output<'a>(b: &mut Builder<'a>, out: &Output) -> SectionId {
    let mut spec = SectionSpec::new(out.name, Some(out.perms), &[][..]).align(out.align);
    spec.sh_type = out.sh_type;
    spec.data = match &out.bytes {
        Some(bytes) => SectionData::Bytes(bytes.clone().into()),
        None => SectionData::Zeros(out.size),
    };
    if matches!(
        out.sh_type,
        SHT_INIT_ARRAY | SHT_FINI_ARRAY | SHT_PREINIT_ARRAY
    ) {
        spec.entsize = b.kind.encoding.address_size() as u64;
    }
    if out.tls {
        spec = spec.tls();
    }
    if out.relro {
        spec = spec.relro();
    }
    b.add_section(spec)
}
