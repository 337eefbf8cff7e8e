//! The model: what a description asks the builder for, and what to
//! expect from it (valid or not, and what may fail).

use super::*;

/// A relocation as the model sees it.
#[derive(Debug, Clone, Copy)]
pub(super) struct RelocModel {
    pub(super) section: usize,
    pub(super) offset: u64,
    pub(super) kind: u32,
    pub(super) symbol: Option<usize>,
    pub(super) addend: i64,
}

/// A symbol as the model sees it.
#[derive(Debug, Clone)]
pub(super) struct SymbolModel {
    pub(super) name: Vec<u8>,
    pub(super) place: SymbolPlace,
    pub(super) section: usize,
    pub(super) value: u64,
    pub(super) size: u64,
    pub(super) bind: u8,
    pub(super) kind: u8,
    pub(super) other: u8,
    pub(super) export: Option<bool>,
}

/// A section as the model sees it.
#[derive(Debug, Clone)]
pub(super) struct SectionModel {
    pub(super) name: Vec<u8>,
    pub(super) sh_type: u32,
    pub(super) data: SectionData<'static>,
    pub(super) align: u64,
    pub(super) perms: Option<Perms>,
    pub(super) relro: bool,
    pub(super) flags: u64,
    pub(super) entsize: u64,
    pub(super) link: Option<usize>,
    pub(super) info: u32,
    pub(super) info_section: Option<usize>,
}

impl SectionModel {
    pub(super) fn size(&self) -> u64 {
        self.data.size()
    }
    pub(super) fn bytes(&self) -> &[u8] {
        match &self.data {
            SectionData::Bytes(b) => b,
            SectionData::Zeros(_) => &[],
        }
    }
}

pub(super) struct Model {
    pub(super) enc: Encoding,
    pub(super) machine: u16,
    pub(super) file_type: u16,
    pub(super) opts: LayoutOptions,
    pub(super) sections: Vec<SectionModel>,
    pub(super) symbols: Vec<SymbolModel>,
    pub(super) relocs: Vec<RelocModel>,
    pub(super) entry: Option<usize>,
    pub(super) interpreter: Option<Vec<u8>>,
    pub(super) needed: Vec<Vec<u8>>,
    pub(super) soname: Option<Vec<u8>>,
    pub(super) runpath: Option<Vec<u8>>,
    pub(super) build_id: bool,
    pub(super) sysv_hash: bool,
    pub(super) relr: bool,
    pub(super) rel_without_addends: bool,
    pub(super) osabi: u8,
    pub(super) flags: u32,
    /// Why the description is invalid (the builder must refuse it).
    pub(super) invalid: Vec<&'static str>,
    /// Whether the builder may refuse it for a reason the model does not
    /// predict exactly (relocations it cannot resolve, sizes a 32-bit file
    /// cannot hold, TLS in a linked file).
    pub(super) may_fail: Vec<&'static str>,
}

pub(super) fn note_bytes(enc: Encoding, notes: &[NoteDesc], align: u64) -> Vec<u8> {
    let pad = if align == 8 { 8 } else { 4 };
    let mut out = Vec::new();
    let u32_ = |out: &mut Vec<u8>, v: u32| match enc.endian {
        Endian::Little => out.extend_from_slice(&v.to_le_bytes()),
        Endian::Big => out.extend_from_slice(&v.to_be_bytes()),
    };
    for n in notes {
        let name = NOTE_NAMES[n.name as usize % NOTE_NAMES.len()];
        let namesz = if name.is_empty() { 0 } else { name.len() + 1 };
        u32_(&mut out, namesz as u32);
        u32_(&mut out, n.desc.0.len() as u32);
        u32_(&mut out, n.kind);
        out.extend_from_slice(name);
        if namesz > 0 {
            out.push(0);
        }
        while out.len() % pad != 0 {
            out.push(0);
        }
        out.extend_from_slice(&n.desc.0);
        while out.len() % pad != 0 {
            out.push(0);
        }
    }
    out
}

impl Model {
    /// The model of `d`: the description as it is (a builder bug it hits
    /// is a finding, not something to steer around).
    pub(super) fn new(d: &BuildDesc) -> Model {
        let enc = Encoding {
            class: if d.elf64 { Class::Elf64 } else { Class::Elf32 },
            endian: if d.big_endian {
                Endian::Big
            } else {
                Endian::Little
            },
        };
        let machine = MACHINES[d.machine as usize % 3];
        let file_type = file_type_of(d.file_type);
        let rel = file_type == ET_REL;
        let linked = matches!(file_type, ET_EXEC | ET_DYN);
        let elf32 = enc.class == Class::Elf32;
        let opts = LayoutOptions {
            placement: if d.mmap {
                Placement::Mmap
            } else {
                Placement::Compact
            },
            page_size: page_of(d.page),
            base: base_of(d.base),
        };
        let mut invalid = Vec::new();
        let mut may_fail = Vec::new();
        if !matches!(file_type, ET_REL | ET_EXEC | ET_DYN) {
            invalid.push("file type");
        }
        if !opts.page_size.is_power_of_two() || opts.page_size < 16 {
            invalid.push("page size");
        }
        if opts.base.is_some_and(|b| b > 0x7000_0000) {
            may_fail.push("a base near the top of the address space");
        }
        if file_type != ET_REL
            && opts.placement == Placement::Mmap
            && opts.page_size.is_power_of_two()
            && opts.base.is_some_and(|b| b % opts.page_size != 0)
        {
            invalid.push("an Mmap base that is not a multiple of the page size");
        }
        let n = d.sections.0.len();
        let mut sections = Vec::new();
        for s in &d.sections.0 {
            let name = s.name.bytes();
            if name.contains(&0) {
                invalid.push("section name with NUL");
            }
            let align = align_of(s.align);
            if align > 1 && !align.is_power_of_two() {
                invalid.push("section alignment");
            }
            let sh_type = match s.kind {
                SecKind::Progbits => SHT_PROGBITS,
                SecKind::Nobits => SHT_NOBITS,
                SecKind::Note => SHT_NOTE,
                SecKind::Other(k) => OTHER_TYPES[k as usize % OTHER_TYPES.len()],
            };
            let bytes = || -> Vec<u8> {
                match (&s.kind, &s.contents) {
                    (SecKind::Note, _) => note_bytes(enc, &s.notes.0, align),
                    (_, Contents::Bytes(b)) => b.0.clone(),
                    (_, Contents::Fill { byte, len }) => {
                        vec![*byte; *len as usize % (MAX_DATA + 1)]
                    }
                }
            };
            let zeros = || {
                let v = u64::from(s.nobits >> 1);
                SectionData::Zeros(if s.nobits & 1 == 1 {
                    v % (MAX_NOBITS + 1)
                } else {
                    v % 0x1001
                })
            };
            let nobits = sh_type == SHT_NOBITS;
            let data = match (nobits, s.mismatch == 255) {
                (true, false) | (false, true) => zeros(),
                (false, false) | (true, true) => SectionData::Bytes(Cow::Owned(bytes())),
            };
            if s.mismatch == 255 {
                invalid.push("section data that does not match its type");
            }
            let mut perms = perms_of(s.perms);
            if linked && nobits && perms.is_some() && s.perms < 240 {
                // Zeros without file bytes end the writable segment (other
                // permissions are refused: rarely asked for).
                perms = Some(Perms::RW);
            }
            let relro = s.relro >= 192
                && (perms == Some(Perms::RW) || s.relro == 255)
                && !(linked && nobits && s.relro != 255);
            if relro && perms != Some(Perms::RW) {
                invalid.push("relro on a section that is not RW");
            }
            // Zeros without file bytes can only end the writable segment:
            // the builder refuses them elsewhere in linked files.
            if linked
                && matches!(data, SectionData::Zeros(_))
                && sh_type == SHT_NOBITS
                && perms.is_some()
                && (perms != Some(Perms::RW) || relro)
            {
                invalid.push("NOBITS outside the writable, non-RELRO sections");
            }
            let mut flags = flags_of(s.flags);
            if elf32 && s.flags != 0xff {
                flags &= 0xffff_ffff; // mostly what a 32-bit file holds
            }
            if linked && flags & SHF_TLS != 0 && perms.is_some() {
                may_fail.push("TLS in a linked file");
            }
            if elf32 && flags > u64::from(u32::MAX) {
                may_fail.push("sh_flags that do not fit 32 bits");
            }
            let entsize = match s.entsize {
                255 => 0x1_0000_0001,
                v => u64::from(v % 32),
            };
            if elf32 && entsize > u64::from(u32::MAX) {
                may_fail.push("sh_entsize that does not fit 32 bits");
            }
            let link = s.link.and_then(|i| i.resolve(n));
            let (info, info_section) = match s.info {
                Info::Number(v) => (u32::from(v), None),
                Info::Section(i) => (0, i.resolve(n)),
            };
            for l in [link, info_section].into_iter().flatten() {
                if l >= n {
                    invalid.push("section link or info out of range");
                }
            }
            sections.push(SectionModel {
                name,
                sh_type,
                data,
                align,
                perms,
                relro,
                flags,
                entsize,
                link,
                info,
                info_section,
            });
        }
        let mut symbols = Vec::new();
        for s in &d.symbols.0 {
            let name = s.name.bytes();
            if name.contains(&0) {
                invalid.push("symbol name with NUL");
            }
            let (place, section) = match s.place {
                PlaceDesc::Undefined => (SymbolPlace::Undefined, 0),
                PlaceDesc::Section(i) => match i.resolve(n) {
                    None => (SymbolPlace::Undefined, 0),
                    Some(k) => {
                        if k >= n {
                            invalid.push("symbol section out of range");
                        }
                        (SymbolPlace::Section(section_id(k)), k)
                    }
                },
                PlaceDesc::Absolute => (SymbolPlace::Absolute, 0),
                PlaceDesc::Common => (SymbolPlace::Common, 0),
                PlaceDesc::Raw(v) => (SymbolPlace::Raw(raw_shndx(v)), 0),
            };
            let (bind, kind) = (bind_of(s.bind), type_of(s.kind));
            if bind > 15 || kind > 15 {
                invalid.push("symbol bind or type over 15");
            }
            let (mut value, mut size) = (s.value.get(), s.size.get());
            if elf32 && s.value.pick != 255 {
                // Mostly what a 32-bit file holds.
                value &= 0xffff_ffff;
                size &= 0xffff_ffff;
            }
            if elf32 && (value > u64::from(u32::MAX) || size > u64::from(u32::MAX)) {
                may_fail.push("symbol value or size that does not fit 32 bits");
            }
            symbols.push(SymbolModel {
                name,
                place,
                section,
                value,
                size,
                bind,
                kind,
                other: other_of(s.other),
                // An exported local is refused: rarely asked for.
                export: match s.export {
                    Some(true) if bind == STB_LOCAL && s.size.pick != 255 => None,
                    e => e,
                },
            });
            if linked
                && bind == STB_LOCAL
                && symbols.last().and_then(|x: &SymbolModel| x.export) == Some(true)
            {
                invalid.push("an exported local symbol");
            }
        }
        let (supported, unsupported) = machine_types(machine);
        let mut relocs = Vec::new();
        // Linked files refuse a whole description for one relocation they
        // cannot resolve: fewer relocations there build more often.
        // The builder resolves relocations in 64-bit files only.
        let max_relocs = match (linked, elf32) {
            (true, true) if d.osabi & 0xf != 0 => 0,
            (true, _) => 4,
            (false, _) => MAX_RELOCS,
        };
        let dynamic_file =
            linked && (file_type == ET_DYN || d.interpreter.is_some() || !d.needed.0.is_empty());
        for r in d.relocs.0.iter().take(max_relocs) {
            let Some(mut section) = r.section.resolve(n) else {
                continue;
            };
            let v = r.kind.v as usize;
            let kind = match r.kind.pick {
                0..=247 => supported[v % supported.len()],
                248..=251 => unsupported[v % unsupported.len()],
                _ => r.kind.v,
            };
            // Shared objects refuse 32-bit absolute kinds: mostly the word.
            let kind = match (classify(machine, kind), dynamic_types(machine)) {
                (Some(How::Abs32 { .. }), Some((_, word)))
                    if file_type == ET_DYN && r.kind.pick < 200 =>
                {
                    word
                }
                _ => kind,
            };
            if linked && r.section.0 < 240 {
                // Mostly a section a linked file can relocate: loaded, with
                // bytes, and writable for what may become a dynamic
                // relocation.
                let word = classify(machine, kind) == Some(How::Word);
                let ok = |s: &SectionModel| {
                    s.perms.is_some()
                        && s.sh_type != SHT_NOTE
                        && matches!(&s.data, SectionData::Bytes(b) if !b.is_empty())
                        && !(word && dynamic_file && s.perms != Some(Perms::RW))
                };
                if let Some(k) = (0..n)
                    .map(|k| (section + k) % n)
                    .find(|&k| ok(&sections[k]))
                {
                    section = k;
                }
            }
            if sections
                .get(section)
                .is_some_and(|s: &SectionModel| s.sh_type == SHT_NOTE)
            {
                // Patched notes would not parse; keep notes intact.
                continue;
            }
            let size = sections.get(section).map_or(0, |s| s.size());
            let v = u64::from(r.offset.v);
            let offset = match r.offset.pick {
                _ if size == 0 => v % 16,
                0..=219 => v % size,
                220..=251 => size - 1 - (v % size.min(8)),
                _ => v,
            };
            if section >= n {
                invalid.push("relocation section out of range");
            } else if offset >= size {
                invalid.push("relocation offset past its section");
            }
            // A64 instructions sit on 4-byte boundaries.
            let offset = match classify(machine, kind) {
                Some(How::Branch26 | How::Adrp | How::AddLo12) if r.offset.pick < 192 => {
                    offset & !3
                }
                _ => offset,
            };
            let symbol = r.symbol.and_then(|i| i.resolve(symbols.len()));
            if symbol.is_some_and(|s| s >= symbols.len()) {
                invalid.push("relocation symbol out of range");
            }
            let addend = match r.addend.pick {
                0..=223 => r.addend.v % 0x1000,
                // Mostly what a 32-bit file holds.
                224..=254 if elf32 => i64::from(r.addend.v as i32),
                _ => r.addend.v,
            };
            // 32-bit r_info holds 8 bits of type (AArch64's are wider).
            let kind = if rel && elf32 && r.kind.pick < 248 {
                kind & 0xff
            } else {
                kind
            };
            if rel && elf32 && kind > 0xff {
                may_fail.push("a relocation type that does not fit a 32-bit r_info");
            }
            if rel && elf32 && i32::try_from(addend).is_err() && !d.rel_without_addends {
                may_fail.push("an addend that does not fit 32 bits");
            }
            if rel && elf32 && offset > u64::from(u32::MAX) {
                may_fail.push("an offset that does not fit 32 bits");
            }
            relocs.push(RelocModel {
                section,
                offset,
                kind,
                symbol,
                addend,
            });
        }
        if linked && !relocs.is_empty() {
            may_fail.push("relocations in a linked file");
        }
        let entry = d.entry.and_then(|i| i.resolve(symbols.len()));
        if entry.is_some_and(|e| e >= symbols.len()) {
            invalid.push("entry symbol out of range");
        }
        if linked && elf32 {
            // Symbol addresses (section address + value) may not fit.
            if symbols
                .iter()
                .any(|s| matches!(s.place, SymbolPlace::Section(_)) && s.value > 0xffff)
            {
                may_fail.push("symbol addresses past 4 GiB in a 32-bit file");
            }
        }
        let interpreter = d.interpreter.as_ref().map(Name::bytes);
        let needed: Vec<Vec<u8>> = d.needed.0.iter().map(Name::bytes).collect();
        let soname = d.soname.as_ref().map(Name::bytes);
        let runpath = d.runpath.as_ref().map(Name::bytes);
        let dynamic =
            linked && (file_type == ET_DYN || interpreter.is_some() || !needed.is_empty());
        if dynamic {
            let strings = interpreter
                .iter()
                .chain(&needed)
                .chain(soname.iter())
                .chain(runpath.iter());
            for s in strings {
                if s.contains(&0) {
                    invalid.push("interpreter, needed, soname or runpath with NUL");
                }
            }
        }
        // Mmap placement: offsets are addresses minus the base, so the base
        // must be a multiple of every segment's alignment.
        let max_align = sections
            .iter()
            .filter(|s| s.perms.is_some())
            .map(|s| s.align)
            .fold(opts.page_size, u64::max);
        if file_type != ET_REL
            && opts.placement == Placement::Mmap
            && opts.page_size.is_power_of_two()
            && opts
                .base
                .is_some_and(|b| b % opts.page_size == 0 && b % max_align != 0)
        {
            invalid.push("an Mmap base that is not a multiple of a segment's alignment");
        }
        Model {
            enc,
            machine,
            file_type,
            opts,
            sections,
            symbols,
            relocs,
            entry,
            interpreter,
            needed,
            soname,
            runpath,
            build_id: d.build_id,
            sysv_hash: d.sysv_hash,
            relr: d.relr,
            rel_without_addends: d.rel_without_addends,
            osabi: d.osabi,
            flags: d.flags,
            invalid,
            may_fail,
        }
    }
}
