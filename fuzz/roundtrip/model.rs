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
    /// What a linked file makes of it (`Static(Nothing)` in objects).
    pub(super) expect: Expect,
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
    /// Whether it is thread-local.
    pub(super) fn tls(&self) -> bool {
        self.flags & SHF_TLS != 0
    }
    /// Whether it is part of a linked file's TLS segment.
    pub(super) fn in_tls_segment(&self) -> bool {
        self.tls() && self.perms.is_some()
    }
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

#[derive(Clone)]
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
    pub(super) symbolic: bool,
    pub(super) rel_without_addends: bool,
    pub(super) osabi: u8,
    pub(super) flags: u32,
    /// How many empty, unloaded filler sections the builder gets, and
    /// before which of `sections` (see [`Filler`]).
    pub(super) filler: usize,
    pub(super) filler_at: usize,
    /// Why the description is invalid (the builder must refuse it).
    pub(super) invalid: Vec<&'static str>,
    /// Whether the builder may refuse it for a reason the model does not
    /// predict exactly (sizes and addresses a 32-bit file cannot hold).
    /// Relocation values that may not fit their fields are checked after a
    /// refusal instead (`build::audit_refusal`).
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
            ..LayoutOptions::default()
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
            && opts.page_size.is_power_of_two()
            && opts.base.is_some_and(|b| b % opts.page_size != 0)
        {
            invalid.push("a base that is not a multiple of the page size");
        }
        let sections: Vec<SectionModel> = d
            .sections
            .0
            .iter()
            .map(|s| {
                let n = d.sections.0.len();
                section_model(s, n, machine, enc, linked, &mut invalid, &mut may_fail)
            })
            .collect();
        let n = sections.len();
        let mut symbols = Vec::new();
        for s in &d.symbols.0 {
            let sym = symbol_model(
                s,
                &sections,
                machine,
                enc,
                linked,
                &mut invalid,
                &mut may_fail,
            );
            symbols.push(sym);
        }
        // Two global definitions of one name are refused: the names come
        // from a short list, so a repeated one mostly gets its index added.
        let mut seen = std::collections::HashMap::new();
        for (i, (sym, desc)) in symbols.iter_mut().zip(&d.symbols.0).enumerate() {
            if sym.bind != STB_GLOBAL || !sym.place.is_defined() || sym.name.is_empty() {
                continue;
            }
            if seen.contains_key(&sym.name) {
                if desc.other == 0xff {
                    invalid.push("two global definitions of one name");
                    continue;
                }
                sym.name.extend_from_slice(format!(".{i}").as_bytes());
            }
            seen.insert(sym.name.clone(), i);
        }
        let mut entry = d.entry.and_then(|i| i.resolve(symbols.len()));
        if entry.is_some_and(|e| e >= symbols.len()) {
            invalid.push("entry symbol out of range");
        }
        if file_type == ET_EXEC && entry.is_none() {
            // An executable needs an entry point: mostly the first symbol.
            if symbols.is_empty() || d.mmap && d.page == 0xff {
                invalid.push("an executable without an entry point");
            } else {
                entry = Some(0);
            }
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
        let dynamic =
            linked && (file_type == ET_DYN || interpreter.is_some() || !needed.is_empty());
        // A static executable has no use for a soname or runpath (the
        // builder refuses them): mostly left out there.
        let static_exec = file_type == ET_EXEC && !dynamic;
        let keep = |n: &&Name| !static_exec || n.pick >= 240;
        let soname = d.soname.as_ref().filter(keep).map(Name::bytes);
        let runpath = d.runpath.as_ref().filter(keep).map(Name::bytes);
        if static_exec && (soname.is_some() || runpath.is_some()) {
            invalid.push("a soname or runpath in a static executable");
        }
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
        // Rare: tens of thousands of sections make a slow case.
        let filler = if d.filler.pick == 255 && d.filler.count >= 128 {
            FILLER_LOW + d.filler.count as usize % 32
        } else {
            0
        };
        let mut m = Model {
            enc,
            machine,
            file_type,
            opts,
            sections,
            symbols,
            relocs: Vec::new(),
            entry,
            interpreter,
            needed,
            soname,
            runpath,
            build_id: d.build_id,
            sysv_hash: d.sysv_hash,
            relr: d.relr,
            symbolic: d.symbolic,
            rel_without_addends: d.rel_without_addends,
            osabi: d.osabi,
            flags: d.flags,
            filler,
            filler_at: d.filler.at as usize % (n + 1),
            invalid,
            may_fail,
        };
        m.add_relocations(d);
        if m.linked() {
            m.predict_relocations();
        }
        if m.linked() && m.filler > 0 {
            // Sections after the fillers may land past index 0xff00, where
            // the builder refuses dynamic symbols (the model does not
            // count where linked files put the unloaded sections).
            let late = |k: usize| k >= m.filler_at && m.sections[k].perms.is_none();
            if (0..m.symbols.len())
                .any(|i| m.symbols[i].section_index().is_some_and(late) && m.may_export(i))
            {
                m.may_fail
                    .push("a dynamic symbol in a section that may be past 0xff00");
            }
        }
        m
    }
}

/// The model of one section.
fn section_model(
    s: &SectionDesc,
    n: usize,
    machine: u16,
    enc: Encoding,
    linked: bool,
    invalid: &mut Vec<&'static str>,
    may_fail: &mut Vec<&'static str>,
) -> SectionModel {
    let elf32 = enc.class == Class::Elf32;
    let name = s.name.bytes();
    if name.contains(&0) {
        invalid.push("section name with NUL");
    }
    let mut align = align_of(s.align);
    if machine == EM_AARCH64 && perms_of(s.perms) == Some(Perms::RX) && s.align < 240 {
        // A64 instructions are 4-byte aligned.
        align = align.max(4);
    }
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
    let mut flags = flags_of(s.flags);
    if s.tls >= 224 {
        flags |= SHF_TLS;
    }
    if elf32 && s.flags != 0xff {
        flags &= 0xffff_ffff; // mostly what a 32-bit file holds
    }
    let tls = flags & SHF_TLS != 0;
    let mut perms = perms_of(s.perms);
    if linked && perms.is_none() && s.perms < 128 {
        // Linked files mostly load their sections (and relocate them).
        perms = Some(Perms::R);
    }
    if linked && perms.is_some() && ((nobits && s.perms < 240) || (tls && s.tls != 255)) {
        // Zeros without file bytes end the writable segment, and TLS
        // sections are writable (other permissions are refused: rarely
        // asked for).
        perms = Some(Perms::RW);
    }
    let relro = s.relro >= 192
        && (perms == Some(Perms::RW) || s.relro == 255)
        && !(linked && nobits && s.relro != 255);
    if relro && perms != Some(Perms::RW) {
        invalid.push("relro on a section that is not RW");
    }
    if linked && tls && perms.is_some() && perms != Some(Perms::RW) {
        invalid.push("a loaded TLS section that is not RW");
    }
    // Zeros without file bytes can only end the writable segment (or be
    // TLS zeros, which take no room in it): the builder refuses them
    // elsewhere in linked files.
    if linked
        && matches!(data, SectionData::Zeros(_))
        && sh_type == SHT_NOBITS
        && perms.is_some()
        && (perms != Some(Perms::RW) || (relro && !tls))
    {
        invalid.push("NOBITS outside the writable, non-RELRO sections");
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
    SectionModel {
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
    }
}

/// The model of one symbol.
fn symbol_model(
    s: &SymbolDesc,
    sections: &[SectionModel],
    machine: u16,
    enc: Encoding,
    linked: bool,
    invalid: &mut Vec<&'static str>,
    may_fail: &mut Vec<&'static str>,
) -> SymbolModel {
    let elf32 = enc.class == Class::Elf32;
    let n = sections.len();
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
        // Common blocks in linked files are refused: rarely asked for.
        PlaceDesc::Common if linked && s.value.pick < 255 => (SymbolPlace::Absolute, 0),
        PlaceDesc::Common => (SymbolPlace::Common, 0),
        PlaceDesc::Raw(v) => (SymbolPlace::Raw(raw_shndx(v)), 0),
    };
    if linked && place == SymbolPlace::Common {
        // Only relocatable objects hold common blocks (gABI): a linker
        // allocates them.
        invalid.push("a common symbol in a linked file");
    }
    let (bind, mut kind) = (bind_of(s.bind), type_of(s.kind));
    // Symbols in TLS sections are mostly thread-local variables.
    if matches!(place, SymbolPlace::Section(_))
        && sections.get(section).is_some_and(SectionModel::tls)
        && s.kind < 160
    {
        kind = STT_TLS;
    }
    if bind > 15 || kind > 15 {
        invalid.push("symbol bind or type over 15");
    }
    let (mut value, mut size) = (s.value.get(), s.size.get());
    if let (SymbolPlace::Section(_), Some(sec)) = (place, sections.get(section)) {
        // A symbol's bytes lie in its section, mostly.
        let room = sec.data.size();
        if s.value.pick != 255 {
            value %= room.saturating_add(1).max(1);
            size %= (room - value).saturating_add(1).max(1);
        }
        if value.checked_add(size).is_none_or(|end| end > room) {
            invalid.push("a symbol past the end of its section");
        }
    }
    if machine == EM_AARCH64
        && sections
            .get(section)
            .is_some_and(|x| x.perms == Some(Perms::RX))
        && s.value.pick < 240
    {
        // Code symbols start instructions.
        value &= !3;
    }
    if elf32 && s.value.pick != 255 {
        // Mostly what a 32-bit file holds.
        value &= 0xffff_ffff;
        size &= 0xffff_ffff;
    }
    if elf32 && (value > u64::from(u32::MAX) || size > u64::from(u32::MAX)) {
        may_fail.push("symbol value or size that does not fit 32 bits");
    }
    // An exported local is refused: rarely asked for.
    let export = match s.export {
        Some(true) if bind == STB_LOCAL && s.size.pick != 255 => None,
        e => e,
    };
    if linked && bind == STB_LOCAL && export == Some(true) {
        invalid.push("an exported local symbol");
    }
    SymbolModel {
        name,
        place,
        section,
        value,
        size,
        bind,
        kind,
        other: other_of(s.other),
        export,
    }
}

impl SymbolModel {
    /// The model section it is defined in.
    pub(super) fn section_index(&self) -> Option<usize> {
        matches!(self.place, SymbolPlace::Section(_)).then_some(self.section)
    }
}
