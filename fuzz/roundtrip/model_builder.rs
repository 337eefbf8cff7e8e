//! The model's derived facts and the builder it makes, through the
//! builder's public API only.

use super::*;

impl Model {
    pub(super) fn rel(&self) -> bool {
        self.file_type == ET_REL
    }

    pub(super) fn linked(&self) -> bool {
        matches!(self.file_type, ET_EXEC | ET_DYN)
    }

    pub(super) fn dynamic(&self) -> bool {
        self.linked()
            && (self.file_type == ET_DYN || self.interpreter.is_some() || !self.needed.is_empty())
    }

    pub(super) fn word(&self) -> u64 {
        self.enc.address_size() as u64
    }

    /// The builder's index of model section `k` (the fillers go before
    /// section `filler_at`). Out-of-range handles stay out of range.
    pub(super) fn bidx(&self, k: usize) -> usize {
        if k < self.filler_at {
            k
        } else {
            k + self.filler
        }
    }

    /// The builder's handle of model section `k`.
    pub(super) fn sid(&self, k: usize) -> SectionId {
        section_id(self.bidx(k))
    }

    /// The builder, through its public API only.
    pub(super) fn builder(&self) -> Builder<'static> {
        let mut b = Builder::new(FileKind {
            encoding: self.enc,
            machine: self.machine,
            file_type: self.file_type,
        });
        b.osabi = self.osabi;
        b.flags = self.flags;
        let mut ids: Vec<SectionId> = Vec::new();
        for (k, s) in self.sections.iter().enumerate() {
            if k == self.filler_at {
                self.add_fillers(&mut b);
            }
            ids.push({
                let mut spec = match &s.data {
                    SectionData::Bytes(d) => {
                        SectionSpec::new(s.name.clone(), s.perms, d.clone().into_owned())
                    }
                    SectionData::Zeros(n) => {
                        let mut z = SectionSpec::zeros(s.name.clone(), *n);
                        z.perms = s.perms;
                        z
                    }
                };
                spec = spec.align(s.align).kind(s.sh_type).flags(s.flags);
                if s.relro {
                    spec = spec.relro();
                }
                spec.entsize = s.entsize;
                spec.info = s.info;
                b.add_section(spec)
            });
        }
        if self.filler_at >= self.sections.len() {
            self.add_fillers(&mut b);
        }
        // Links may point past the end: make handles for those too.
        for (k, s) in self.sections.iter().enumerate() {
            let spec = b.section_mut(ids[k]).expect("just added");
            spec.link = s.link.map(|l| self.sid(l));
            spec.info_section = s.info_section.map(|l| self.sid(l));
        }
        let sym_ids: Vec<SymbolId> = self
            .symbols
            .iter()
            .map(|s| {
                let mut spec = SymbolSpec::undefined(s.name.clone());
                spec.place = match s.place {
                    SymbolPlace::Section(_) => SymbolPlace::Section(self.sid(s.section)),
                    p => p,
                };
                spec.value = s.value;
                spec.size = s.size;
                spec.bind = s.bind;
                spec.kind = s.kind;
                spec.other = s.other;
                spec.export = s.export;
                b.add_symbol(spec)
            })
            .collect();
        for r in &self.relocs {
            b.add_relocation(RelocationSpec {
                section: self.sid(r.section),
                offset: r.offset,
                kind: r.kind,
                symbol: r.symbol.map(|s| symbol_id(&sym_ids, s)),
                addend: r.addend,
            });
        }
        b.entry = self.entry.map(|e| symbol_id(&sym_ids, e));
        b.interpreter = self.interpreter.clone().map(Cow::Owned);
        b.needed = self.needed.iter().cloned().map(Cow::Owned).collect();
        b.soname = self.soname.clone().map(Cow::Owned);
        b.runpath = self.runpath.clone().map(Cow::Owned);
        b.build_id = self.build_id;
        b.sysv_hash = self.sysv_hash;
        b.relr = self.relr;
        b.symbolic = self.symbolic;
        b.rel_without_addends = self.rel_without_addends;
        b
    }

    fn add_fillers(&self, b: &mut Builder<'static>) {
        for _ in 0..self.filler {
            b.add_section(SectionSpec::new(&b".filler"[..], None, &[][..]));
        }
    }
}

/// A `SectionId` for any index (the handle type has no public constructor,
/// so handles are made by adding throwaway sections to a scratch builder,
/// kept per thread: the fillers need tens of thousands).
pub(super) fn section_id(k: usize) -> SectionId {
    thread_local! {
        static IDS: std::cell::RefCell<(Builder<'static>, Vec<SectionId>)> =
            std::cell::RefCell::new((Builder::new(FileKind::x86_64(ET_REL)), Vec::new()));
    }
    IDS.with(|c| {
        let (b, ids) = &mut *c.borrow_mut();
        while ids.len() <= k {
            ids.push(b.add_section(SectionSpec::new(&b""[..], None, &[][..])));
        }
        ids[k]
    })
}

pub(super) fn symbol_id(ids: &[SymbolId], k: usize) -> SymbolId {
    if let Some(&id) = ids.get(k) {
        return id;
    }
    let mut b = Builder::new(FileKind::x86_64(ET_REL));
    let mut id = b.add_symbol(SymbolSpec::undefined(&b""[..]));
    for _ in 0..k {
        id = b.add_symbol(SymbolSpec::undefined(&b""[..]));
    }
    id
}
