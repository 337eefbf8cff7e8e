//! What a no-op rewrite must keep: everything the reader sees, as
//! comparable lines.

use super::*;

/// What one rewrite case came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RewriteOutcome {
    /// The input does not parse.
    NotElf,
    /// The rewriter refused the file (a section's data is not in it).
    Refused,
    /// The rewriter refused the plan as over its documented bound
    /// (sections outside the kept part that overlap would each get a copy).
    TooLarge,
    /// Rewritten, and every check passed.
    Rewritten,
}

/// Everything the reader sees that a no-op rewrite must keep, one line per
/// item, with errors reduced to "ERR" (their offsets may move).
///
/// With `header_overlap` (some section's bytes, or the program headers,
/// include the file header's section-table fields, which a rewrite must
/// change), section data is compared with those fields masked and the
/// views that read through section data (names, symbols, notes,
/// relocations, dynamic) or the program headers are left out.
pub(super) fn fingerprint(f: &ElfFile<'_>, fp: &Fp) -> Vec<(String, String)> {
    let header_overlap = fp.header_overlap;
    pub(super) fn r<T: std::fmt::Debug>(x: &Result<T, elfin::Error>) -> String {
        match x {
            Ok(v) => format!("{v:?}"),
            Err(_) => "ERR".into(),
        }
    }
    /// A view that is a list: its items, or ERR.
    pub(super) fn list<T: std::fmt::Debug>(items: Result<Vec<T>, elfin::Error>) -> String {
        match items {
            Ok(v) => v
                .iter()
                .map(|x| format!("{x:?}"))
                .collect::<Vec<_>>()
                .join("\n    "),
            Err(_) => "ERR".into(),
        }
    }
    let mut out: Vec<(String, String)> = Vec::new();
    let mut h = f.header();
    // The section header table moves, and its entry size is normalized.
    h.e_shoff = 0;
    h.e_shnum = 0;
    h.e_shstrndx = 0;
    h.e_shentsize = 0;
    out.push((
        "header".into(),
        format!(
            "{h:?} sections {} shstrndx {:?}",
            f.section_count(),
            // 0 and an index past the table name nothing; a rewrite may
            // write either.
            (1..f.section_count())
                .contains(&(f.shstrndx() as usize))
                .then_some(f.shstrndx())
        ),
    ));
    let has_loads = f.segments().any(|p| p.p_type == PT_LOAD);
    if !header_overlap {
        for (i, p) in f.segments().enumerate() {
            out.push((format!("segment {i}"), format!("{p:?}")));
        }
        out.push((
            "section names".into(),
            r(&f.section_names().map(|t| t.data().to_vec())),
        ));
    }
    for s in f.sections() {
        let i = s.index();
        let mut h = *s.header();
        // Sections outside the loaded part move; allocated sections of a
        // file with segments stay.
        if !(has_loads && h.sh_flags & SHF_ALLOC != 0 && h.sh_type != SHT_NOBITS) {
            h.sh_offset = 0;
        }
        if i == 0 {
            h.sh_size = 0;
            h.sh_link = 0;
        }
        let data = match s.data() {
            // Section 0's "data" follows its header, which the rewrite
            // rewrites.
            _ if i == 0 => "-".to_string(),
            Ok(d) if fp.masks.get(i).is_some_and(|m| !m.is_empty()) => {
                let mut d = d.to_vec();
                for &(from, to) in &fp.masks[i] {
                    let n = d.len();
                    d[from.min(n)..to.min(n)].fill(0);
                }
                format!("{d:?} (header fields masked)")
            }
            d => r(&d),
        };
        out.push((format!("section {i}"), format!("{h:?} data {data}")));
        // (Section 0 is reserved: a rewrite writes its size and link anew,
        // so what its "contents" would read as may change.)
        if header_overlap || i == 0 {
            continue;
        }
        out.push((format!("section {i} name"), r(&s.name())));
        if h.sh_type == SHT_NOTE {
            let notes = f.section_notes(&s).and_then(|n| {
                n.map(|n| n.map(|n| (n.name.to_vec(), n.kind, n.desc.to_vec())))
                    .collect::<Result<Vec<_>, _>>()
            });
            out.push((format!("section {i} notes"), list(notes)));
        }
        let relocs = f.relocation_table(&s).and_then(|t| match t {
            Some(RelocationTable::Fixed(t)) => Ok(t.iter().collect::<Vec<_>>()),
            Some(t) => t
                .as_crel()
                .map_or(Ok(Vec::new()), |t| t.iter().collect::<Result<Vec<_>, _>>()),
            None => Ok(Vec::new()),
        });
        out.push((format!("section {i} relocations"), list(relocs)));
    }
    if header_overlap {
        return out;
    }
    let symtab = f.symbol_table().map(|t| match t {
        Some(t) => t
            .iter()
            .enumerate()
            .map(|(i, s)| (s, r(&t.name(&s)), r(&t.section(i, &s))))
            .collect::<Vec<_>>(),
        None => Vec::new(),
    });
    out.push(("symtab".into(), list(symtab)));
    let dynamic = f.dynamic().map(|d| d.map(|d| d.iter().collect::<Vec<_>>()));
    out.push(("dynamic".into(), r(&dynamic)));
    let dynsym = f.dynamic_symbols().map(|ds| match ds {
        Some(ds) => {
            let t = ds.symbols();
            let versions = elfin::read::VersionIndex::new(ds.versions());
            t.iter()
                .enumerate()
                .map(|(i, s)| {
                    let v = versions.symbol_version(i).map(|v| format!("{v:?}"));
                    (s, r(&t.name(&s)), r(&v))
                })
                .collect::<Vec<_>>()
        }
        None => Vec::new(),
    });
    out.push(("dynsym".into(), list(dynsym)));
    let dynrel = f.dynamic_relocations().map(|d| {
        let mut v = Vec::new();
        for (what, t) in [
            ("rela", d.rela),
            ("rel", d.rel),
            ("relr", d.relr),
            ("plt", d.plt),
        ] {
            for x in t.iter().flat_map(|t| t.iter()) {
                v.push((what, format!("{x:?}")));
            }
        }
        v
    });
    out.push(("dynamic relocations".into(), list(dynrel)));
    out.push(("interpreter".into(), r(&f.interpreter())));
    out.push(("build id".into(), r(&f.build_id())));
    out
}

/// How to fingerprint both sides of a rewrite.
pub(super) struct Fp {
    pub(super) header_overlap: bool,
    /// Per input section: the ranges of its data that are the file
    /// header's section-table fields (masked).
    pub(super) masks: Vec<Vec<(usize, usize)>>,
}

pub(super) fn compare_fingerprints(
    a: &[(String, String)],
    b: &[(String, String)],
) -> Result<(), String> {
    for ((ka, x), (kb, y)) in a.iter().zip(b) {
        ensure!(
            ka == kb,
            "the views differ after the rewrite: {ka} before, {kb} after"
        );
        // A view that failed on the input may read after the rewrite (the
        // output is longer, so what ran past the end may now be in it).
        if x != y && x != "ERR" {
            // Show where the values part, not only how they start.
            let at = x
                .bytes()
                .zip(y.bytes())
                .position(|(p, q)| p != q)
                .unwrap_or(x.len().min(y.len()));
            let from = at.saturating_sub(120);
            let cut = |s: &str| {
                let mut lo = from.min(s.len());
                while !s.is_char_boundary(lo) {
                    lo -= 1;
                }
                let mut hi = (at + 120).min(s.len());
                while !s.is_char_boundary(hi) {
                    hi += 1;
                }
                s[lo..hi].to_string()
            };
            fail!(
                "{ka} differs after the rewrite (from column {from}):\n  before: {}\n  after:  {}",
                cut(x),
                cut(y)
            );
        }
    }
    ensure!(
        a.len() == b.len(),
        "{} views before the rewrite, {} after",
        a.len(),
        b.len()
    );
    Ok(())
}
