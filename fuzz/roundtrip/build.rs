//! `build_roundtrip`: decode a description, build it twice, check
//! determinism and `write_into`, then hand the file to the checker.

use super::*;

/// What one build case came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BuildOutcome {
    /// The builder wrote a file and every check passed.
    Built,
    /// The builder refused the description (as it may).
    Refused,
}

/// Decodes a description from `data` and checks it; see the module docs.
/// `on_output` sees every file the builder writes (the fuzz target walks
/// it with `walk.rs`).
pub fn build_roundtrip(
    data: &[u8],
    on_output: &mut dyn FnMut(&[u8]),
) -> Result<BuildOutcome, String> {
    check_build(&decode(data)?, on_output)
}

/// The description the fuzz target makes of `data`. Tens of thousands of
/// filler sections make a case a hundred times slower under the fuzzer's
/// instrumentation, and the fuzzer keeps such inputs for their coverage:
/// only an input whose byte sum is a multiple of 16 gets them, which a
/// mutation keeps one time in 16 (the comparison does not tell the fuzzer
/// how to reach it).
pub(super) fn decode(data: &[u8]) -> Result<BuildDesc, String> {
    let mut u = Unstructured::new(data);
    let mut desc = BuildDesc::arbitrary(&mut u).map_err(|e| format!("arbitrary: {e}"))?;
    if !data
        .iter()
        .map(|&b| u32::from(b))
        .sum::<u32>()
        .is_multiple_of(16)
    {
        desc.filler.pick = 0;
    }
    Ok(desc)
}

/// Checks one description; see the module docs.
pub fn check_build(
    desc: &BuildDesc,
    on_output: &mut dyn FnMut(&[u8]),
) -> Result<BuildOutcome, String> {
    let m = Model::new(desc);
    let b = m.builder();
    let plan = match b.layout(&m.opts) {
        Ok(p) => p,
        Err(e) => {
            let msg = format!("{e} / {e:?}");
            if std::env::var_os("ELFIN_ROUNDTRIP_VERBOSE").is_some() {
                eprintln!(
                    "refused: machine {} type {} relocations {}: {e}; invalid: {:?}; may fail: {:?}",
                    m.machine,
                    m.file_type,
                    m.relocs.len(),
                    m.invalid,
                    m.may_fail
                );
            }
            if m.invalid.is_empty() && m.may_fail.is_empty() {
                audit_refusal(&m, &msg)?;
            }
            return Ok(BuildOutcome::Refused);
        }
    };
    ensure!(
        m.invalid.is_empty(),
        "the builder accepted an invalid description: {}",
        m.invalid.join(", ")
    );
    let bytes = b
        .write(&plan)
        .map_err(|e| format!("write failed after layout succeeded: {e}"))?;
    ensure!(
        bytes.len() as u64 == plan.file_size(),
        "wrote {} bytes, planned {}",
        bytes.len(),
        plan.file_size()
    );

    // Determinism: a second builder from the same description, laid out and
    // written again; and the first plan written twice.
    let b2 = m.builder();
    let plan2 = b2
        .layout(&m.opts)
        .map_err(|e| format!("a second layout failed: {e}"))?;
    ensure!(
        plan.header() == plan2.header()
            && plan.sections() == plan2.sections()
            && plan.segments() == plan2.segments()
            && plan.file_size() == plan2.file_size()
            && plan.symbol_values() == plan2.symbol_values(),
        "two layouts of the same description differ"
    );
    let bytes2 = b2.write(&plan2).map_err(|e| format!("second write: {e}"))?;
    ensure!(
        bytes == bytes2,
        "two writes of the same description differ: {}",
        first_difference(&bytes, &bytes2)
    );
    ensure!(
        b.write(&plan).ok().as_ref() == Some(&bytes),
        "writing the same plan twice gives different bytes"
    );
    let mut dirty = vec![0xAAu8; bytes.len()];
    b.write_into(&plan, &mut dirty)
        .map_err(|e| format!("write_into a buffer of the planned size: {e}"))?;
    ensure!(
        dirty == bytes,
        "write_into a 0xAA buffer differs from write: {}",
        first_difference(&dirty, &bytes)
    );
    let mut short = vec![0u8; bytes.len() - 1];
    ensure!(
        b.write_into(&plan, &mut short).is_err(),
        "write_into accepted a buffer one byte short"
    );

    on_output(&bytes);
    if let Some(path) = std::env::var_os("ELFIN_ROUNDTRIP_DUMP") {
        // For a closer look at one case with readelf.
        let _ = std::fs::write(path, &bytes);
    }
    let file = ElfFile::parse(&bytes).map_err(|e| format!("the output does not parse: {e}"))?;
    let c = Checker::new(&m, &plan, file, &bytes)?;
    c.run()?;

    // The builder's output must survive a no-op rewrite too.
    match rewrite_roundtrip(&bytes, &mut |_| {})? {
        RewriteOutcome::Rewritten => {}
        o => fail!("the builder's output does not rewrite: {o:?}"),
    }
    if std::env::var_os("ELFIN_ROUNDTRIP_VERBOSE").is_some() {
        eprintln!(
            "built: {:?} machine {} type {} {:?} dynamic {} relocations {} symbols {} sections {} fillers {}",
            m.enc.class,
            m.machine,
            m.file_type,
            m.opts.placement,
            m.dynamic(),
            m.relocs.len(),
            m.symbols.len(),
            m.sections.len(),
            m.filler
        );
    }
    Ok(BuildOutcome::Built)
}

/// A refusal of a description the model finds valid is right only if a
/// relocation value does not fit its field, which depends on addresses:
/// the same description without those relocations (`R_*_NONE` instead,
/// which moves nothing, as they are resolved in place) must lay out, and
/// at its addresses one of them must not fit.
fn audit_refusal(m: &Model, err: &str) -> Result<(), String> {
    let word = m.word();
    let limited: Vec<usize> = (0..m.relocs.len())
        .filter(|&j| match m.relocs[j].expect {
            Expect::Static(h) | Expect::Plt(h) | Expect::Got { how: h, .. } => {
                h.range_limited(word)
            }
            _ => false,
        })
        .collect();
    ensure!(
        !limited.is_empty(),
        "the builder refused a valid description: {err}"
    );
    let mut quiet = m.clone();
    for &j in &limited {
        quiet.relocs[j].kind = 0; // R_X86_64_NONE, R_AARCH64_NONE
        quiet.relocs[j].expect = Expect::Static(How::Nothing);
    }
    let quiet_builder = quiet.builder();
    let plan = quiet_builder.layout(&quiet.opts).map_err(|e| {
        format!(
            "the builder refused a valid description ({err}), and again without its range-limited relocations: {e}"
        )
    })?;
    let addr = |k: usize| {
        let id = Origin::User(m.sid(k));
        plan.sections()
            .iter()
            .find(|p| p.origin == id)
            .map_or(0, |p| p.header.sh_addr)
    };
    let a = Addrs {
        sections: (0..m.sections.len()).map(addr).collect(),
        tls: plan
            .segments()
            .iter()
            .find(|p| p.p_type == PT_TLS)
            .map_or((0, 0, 1), |t| (t.p_vaddr, t.p_memsz, t.p_align)),
        bias: 0,
    };
    for &j in &limited {
        let r = &m.relocs[j];
        if matches!(r.expect, Expect::Plt(_) | Expect::Got { .. }) {
            // The entry it reaches is in the file, within a few pages and
            // alignments of the field: only a large addend takes the
            // value out of its 28 or 32 bits.
            if r.addend.unsigned_abs() >= 1 << 26 {
                return Ok(());
            }
            continue;
        }
        let n = r.expect.how().map_or(0, |h| field_size(h, word)) as usize;
        let at = r.offset as usize;
        let orig = m.sections[r.section].bytes().get(at..at + n).unwrap_or(&[]);
        if m.expected_field(j, &a, orig).is_err() {
            return Ok(());
        }
    }
    fail!(
        "the builder refused a valid description: {err} (yet every range-limited relocation fits)"
    )
}

/// What a description exercises, for the seeded test's statistics.
#[derive(Debug, Default, Clone, Copy)]
pub struct Features {
    /// An executable or shared object.
    pub linked: bool,
    /// With relocations (in a linked file: resolved or made dynamic).
    pub relocations: bool,
    /// A linked file with a TLS segment.
    pub tls: bool,
    /// A linked x32 or AArch64 ILP32 file.
    pub narrow: bool,
    /// Sections past index 0xff00.
    pub many_sections: bool,
    /// A call through the PLT.
    pub plt: bool,
    /// A GOT-relative load.
    pub got: bool,
    /// A symbolic relocation against a preemptible symbol.
    pub preempted: bool,
    /// A shared object built with `symbolic`.
    pub symbolic: bool,
}

/// What `desc` exercises.
pub fn features(desc: &BuildDesc) -> Features {
    let m = Model::new(desc);
    let linked = m.linked();
    Features {
        linked,
        relocations: !m.relocs.is_empty(),
        tls: linked && m.sections.iter().any(SectionModel::in_tls_segment),
        narrow: linked && m.enc.class == Class::Elf32 && m.machine != EM_RISCV,
        many_sections: m.filler > 0,
        plt: m.relocs.iter().any(|r| matches!(r.expect, Expect::Plt(_))),
        got: m
            .relocs
            .iter()
            .any(|r| matches!(r.expect, Expect::Got { .. })),
        preempted: m.relocs.iter().any(|r| {
            matches!(r.expect, Expect::Dynamic { symbol: true, .. })
                && r.symbol.is_some_and(|i| m.preemptible(i))
        }),
        symbolic: linked && m.file_type == ET_DYN && m.symbolic,
    }
}
