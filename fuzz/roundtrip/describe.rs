//! A description as readable builder inputs, for failure messages.

use super::*;

/// What `data` decodes to, as builder inputs, for failure messages.
pub fn describe(data: &[u8]) -> String {
    match build::decode(data) {
        Ok(d) => describe_desc(&d),
        Err(e) => format!("(no description: {e})"),
    }
}

/// What `desc` asks the builder for, as for [`describe`].
pub fn describe_desc(desc: &BuildDesc) -> String {
    Model::new(desc).summary()
}

impl Model {
    /// The builder inputs, one item a line.
    pub(super) fn summary(&self) -> String {
        let mut out = format!(
            "{:?} {:?} machine {} type {} {:?} page {:#x} base {:?}\n",
            self.enc.class,
            self.enc.endian,
            self.machine,
            self.file_type,
            self.opts.placement,
            self.opts.page_size,
            self.opts.base.map(|b| format!("{b:#x}"))
        );
        let name = |n: &[u8]| format!("{:?}", String::from_utf8_lossy(n));
        for (k, s) in self.sections.iter().enumerate() {
            let data = match &s.data {
                SectionData::Bytes(b) => format!("{} bytes", b.len()),
                SectionData::Zeros(n) => format!("{n:#x} zeros"),
            };
            out += &format!(
                "  section {k} {} type {:#x} {data} align {:#x} {:?}{} flags {:#x} entsize {:#x} link {:?} info {} / {:?}\n",
                name(&s.name),
                s.sh_type,
                s.align,
                s.perms,
                if s.relro { " relro" } else { "" },
                s.flags,
                s.entsize,
                s.link,
                s.info,
                s.info_section
            );
        }
        for (i, s) in self.symbols.iter().enumerate() {
            out += &format!(
                "  symbol {i} {} {:?} (section {}) value {:#x} size {:#x} bind {} type {} other {:#x} export {:?}\n",
                name(&s.name),
                s.place,
                s.section,
                s.value,
                s.size,
                s.bind,
                s.kind,
                s.other,
                s.export
            );
        }
        for (j, r) in self.relocs.iter().enumerate() {
            out += &format!("  relocation {j} {r:?}\n");
        }
        out += &format!(
            "  entry {:?} interpreter {:?} needed {:?} soname {:?} runpath {:?}\n  build_id {} sysv_hash {} relr {} symbolic {} rel_without_addends {} osabi {} flags {:#x}\n  invalid {:?} may fail {:?}",
            self.entry,
            self.interpreter.as_deref().map(name),
            self.needed.iter().map(|n| name(n)).collect::<Vec<_>>(),
            self.soname.as_deref().map(name),
            self.runpath.as_deref().map(name),
            self.build_id,
            self.sysv_hash,
            self.relr,
            self.symbolic,
            self.rel_without_addends,
            self.osabi,
            self.flags,
            self.invalid,
            self.may_fail
        );
        out
    }
}
