//! The symbol-name sets of the `rel` case: names read from real libraries
//! (what a compiler has in hand when it writes an object) and synthetic
//! worst cases for a tail-merging string table.

use std::path::{Path, PathBuf};

/// How many symbol names every set has.
pub const COUNT: usize = 100_000;

/// One set of names, with where it came from.
pub struct NameSet {
    /// Short label, used in criterion's group names.
    pub label: &'static str,
    /// What the names are, for the report.
    pub about: String,
    pub names: Vec<Vec<u8>>,
}

impl NameSet {
    pub fn bytes(&self) -> usize {
        self.names.iter().map(Vec::len).sum()
    }
}

pub fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// The labels of every name set, in report order.
pub const LABELS: [&str; 7] = [
    "distinct",
    "rustc_driver",
    "libLLVM",
    "suffix40",
    "prefix",
    "equal",
    "mix",
];

/// Every name set that can be made on this machine: the synthetic ones
/// always, the real ones when their library is found.
pub fn all() -> Vec<NameSet> {
    LABELS.iter().filter_map(|l| one(l)).collect()
}

/// The name set called `label`, if it can be made here.
pub fn one(label: &str) -> Option<NameSet> {
    let tc = toolchain_lib_dirs();
    match label {
        "distinct" => Some(distinct()),
        "rustc_driver" => {
            let found = largest_in(&tc, |n| {
                n.starts_with("librustc_driver-") && n.ends_with(".so")
            })
            .and_then(|p| from_file("rustc_driver", &p));
            if found.is_none() {
                eprintln!("note: no librustc_driver-*.so under ~/.rustup/toolchains");
            }
            found
        }
        "libLLVM" => {
            // rustup's libLLVM has a `.symtab`; Debian's (/usr/lib/llvm-19)
            // has only `.dynsym` (about 52k names), so it is the fallback.
            let llvm = |n: &str| n.starts_with("libLLVM") && n.contains(".so");
            let system: Vec<PathBuf> = ["/usr/lib/x86_64-linux-gnu", "/usr/lib/llvm-19/lib"]
                .iter()
                .map(PathBuf::from)
                .collect();
            let found = largest_in(&tc, llvm)
                .and_then(|p| from_file("libLLVM", &p))
                .or_else(|| largest_in(&system, llvm).and_then(|p| from_file("libLLVM", &p)));
            if found.is_none() {
                eprintln!("note: no libLLVM*.so found");
            }
            found
        }
        "suffix40" => Some(suffix40()),
        "prefix" => Some(prefix()),
        "equal" => Some(equal()),
        "mix" => Some(mixed()),
        _ => None,
    }
}

/// Rust-like legacy mangled names, ~50 bytes, all distinct, each ending in
/// its own hash: the easy case.
fn distinct() -> NameSet {
    let names = (0..COUNT)
        .map(|j| {
            format!(
                "_ZN5crate{}6module{}8function{}17h{:016x}E",
                j % 97,
                j / 100,
                j,
                mix(j as u64 ^ 0x5555)
            )
            .into_bytes()
        })
        .collect();
    NameSet {
        label: "distinct",
        about: "synthetic `_ZN…17h<hash>E`, distinct endings".into(),
        names,
    }
}

const SUFFIX40: &[u8] = b"_ZN4core3ptr13drop_in_place17h00c0ffeeEv";
const PREFIX: &[u8] = b"_ZN4llvm9MapVectorIPNS_12MachineInstrENS_15PreRARematStage16RematInstructionENS_8DenseMapIS2_jNS_12Dense";

fn suffix40_name(j: usize) -> Vec<u8> {
    [format!("{:016x}", mix(j as u64)).as_bytes(), SUFFIX40].concat()
}

fn prefix_name(j: usize) -> Vec<u8> {
    [PREFIX, format!("{:016x}", mix(j as u64 ^ 7)).as_bytes()].concat()
}

/// Every name ends with one 40-byte suffix: the keys of the last 8 (or 32)
/// bytes all tie.
fn suffix40() -> NameSet {
    assert_eq!(SUFFIX40.len(), 40);
    NameSet {
        label: "suffix40",
        about: "synthetic: 16 distinct hex digits + one shared 40-byte suffix".into(),
        names: (0..COUNT).map(suffix40_name).collect(),
    }
}

fn prefix() -> NameSet {
    NameSet {
        label: "prefix",
        about: format!(
            "synthetic: one shared {}-byte prefix + 16 distinct hex digits",
            PREFIX.len()
        ),
        names: (0..COUNT).map(prefix_name).collect(),
    }
}

fn equal() -> NameSet {
    NameSet {
        label: "equal",
        about: format!(
            "synthetic: {COUNT} copies of one {}-byte name",
            PREFIX.len()
        ),
        names: vec![PREFIX.to_vec(); COUNT],
    }
}

/// A quarter each: shared 40-byte suffix, shared prefix, all equal, and
/// proper tails of the first kind (which merge into them).
fn mixed() -> NameSet {
    let names = (0..COUNT)
        .map(|j| match j % 4 {
            0 => suffix40_name(j),
            1 => prefix_name(j),
            2 => PREFIX.to_vec(),
            _ => suffix40_name(j - 3)[1 + j % 50..].to_vec(),
        })
        .collect();
    NameSet {
        label: "mix",
        about: "synthetic: ¼ shared suffix, ¼ shared prefix, ¼ equal, ¼ tails of the first ¼"
            .into(),
        names,
    }
}

/// `COUNT` names spread evenly over the file's `.symtab` (or `.dynsym` when
/// it has none), empty names left out, duplicates kept (a real object has
/// them: `.L.str`, `anon.*`).
fn from_file(label: &'static str, path: &Path) -> Option<NameSet> {
    use object::read::elf::ElfFile64;
    use object::{Object, ObjectSymbol};
    let data = std::fs::read(path).ok()?;
    let file = ElfFile64::<object::Endianness>::parse(&data[..]).ok()?;
    let (table, all): (&str, Vec<Vec<u8>>) = {
        let of = |it: &mut dyn Iterator<Item = Vec<u8>>| it.filter(|n| !n.is_empty()).collect();
        let symtab: Vec<Vec<u8>> = of(&mut file
            .symbols()
            .map(|s| s.name_bytes().unwrap_or(&[]).to_vec()));
        if symtab.is_empty() {
            (
                ".dynsym",
                of(&mut file
                    .dynamic_symbols()
                    .map(|s| s.name_bytes().unwrap_or(&[]).to_vec())),
            )
        } else {
            (".symtab", symtab)
        }
    };
    if all.is_empty() {
        return None;
    }
    // Evenly spread; a table smaller than COUNT is used more than once.
    let names: Vec<Vec<u8>> = (0..COUNT)
        .map(|k| all[(k * all.len() / COUNT) % all.len()].clone())
        .collect();
    let distinct = {
        let mut v: Vec<&Vec<u8>> = names.iter().collect();
        v.sort();
        v.dedup();
        v.len()
    };
    let bytes: usize = names.iter().map(Vec::len).sum();
    Some(NameSet {
        label,
        about: format!(
            "`{table}` of {} ({} names, {COUNT} taken, {distinct} distinct, {:.1} bytes on average)",
            path.file_name().unwrap().to_string_lossy(),
            all.len(),
            bytes as f64 / COUNT as f64
        ),
        names,
    })
}

/// The largest regular file (over 1 MiB: `libLLVM-*.so` is often a linker
/// script) whose name passes `pick`, in the given folders.
pub fn largest_in(dirs: &[PathBuf], pick: impl Fn(&str) -> bool) -> Option<PathBuf> {
    let mut best: Option<(u64, PathBuf)> = None;
    for dir in dirs {
        let Ok(files) = std::fs::read_dir(dir) else {
            continue;
        };
        for f in files.flatten() {
            let name = f.file_name();
            let name = name.to_string_lossy();
            let Ok(meta) = std::fs::metadata(f.path()) else {
                continue;
            };
            let len = meta.len();
            if meta.is_file()
                && pick(&name)
                && len > 1 << 20
                && best.as_ref().is_none_or(|(l, _)| len > *l)
            {
                // The real file's name, not a symlink's.
                best = Some((len, std::fs::canonicalize(f.path()).unwrap_or(f.path())));
            }
        }
    }
    best.map(|(_, p)| p)
}

pub fn toolchain_lib_dirs() -> Vec<PathBuf> {
    let home = std::env::var_os("RUSTUP_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".rustup")));
    let Some(Ok(tcs)) = home.map(|h| std::fs::read_dir(h.join("toolchains"))) else {
        return Vec::new();
    };
    let mut dirs: Vec<PathBuf> = tcs.flatten().map(|tc| tc.path().join("lib")).collect();
    // Deterministic: the same file wins on every run.
    dirs.sort();
    dirs
}
