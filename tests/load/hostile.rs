//! The loader on hostile input, without the fuzzer: the inputs the `load`
//! fuzz target found (`tests/data/fuzz-load/`) and a few thousand
//! deterministic mutations of real images and objects, each loaded from
//! bytes as an image and linked as an object. Every one must give a value
//! or an `Error`, never a panic (nothing loaded is run: outside names get
//! a dummy address and IRELATIVE stays refused).

use elfin::load::{Image, Linked};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

fn data(path: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data")
            .join(path),
    )
    .unwrap()
}

fn anywhere(_: &[u8], _: Option<&[u8]>) -> Option<usize> {
    Some(0x1000)
}

/// Loads `bytes` both ways: whether either load succeeded, or the panic
/// message if either panicked.
fn load_both(bytes: &[u8]) -> Result<bool, String> {
    catch_unwind(AssertUnwindSafe(|| {
        let image = Image::from_bytes(bytes, anywhere).map(|i| i.address("main").ok());
        let object = Linked::link(&[bytes], anywhere).map(|l| l.symbols().count());
        image.is_ok() || object.is_ok()
    }))
    .map_err(|p| {
        p.downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| p.downcast_ref::<String>().cloned())
            .unwrap_or_default()
    })
}

#[test]
fn fuzzer_findings_are_errors() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/fuzz-load");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        if let Err(msg) = load_both(&bytes) {
            panic!("{}: panicked: {msg}", path.display());
        }
        n += 1;
    }
    assert!(n >= 1, "the fuzz-load inputs are there");
}

/// xorshift64*: deterministic picks.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Changes a few bytes, mostly inside the headers, the section header
/// table and the tables they point to, where the loader's decisions are.
fn mutate(rng: &mut Rng, bytes: &mut [u8]) {
    let interesting = [
        0u64,
        1,
        0x7f,
        0x80,
        0xff,
        0xffff,
        0xffff_ffff,
        u64::MAX,
        1 << 40,
    ];
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(bytes.len());
        match rng.below(3) {
            0 => bytes[at] = rng.next() as u8,
            1 => {
                let v = interesting[rng.below(interesting.len())].to_le_bytes();
                let n = [1, 2, 4, 8][rng.below(4)].min(bytes.len() - at);
                bytes[at..at + n].copy_from_slice(&v[..n]);
            }
            _ => bytes[at] ^= 1 << rng.below(8),
        }
    }
}

#[test]
#[cfg(target_arch = "x86_64")]
fn mutated_images_and_objects_never_panic() {
    let seeds = [
        "fuzz-load-seeds/lib-O2.o",
        "fuzz-load-seeds/lib-pic-sections.o",
        "fuzz-load-seeds/lib-clang.o",
        "fuzz-load-seeds/lib-clang-crel.o",
        "fuzz-load-seeds/lib-gcc.so",
        "fuzz-load-seeds/lib-lld-relr.so",
    ];
    let per_seed = std::env::var("ELFIN_LOAD_MUTATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(400);
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    for seed in seeds {
        let original = data(seed);
        let loads = load_both(&original).unwrap_or_else(|m| panic!("{seed}: panicked: {m}"));
        assert!(
            loads,
            "{seed} loads unchanged: {:?} / {:?}",
            Image::from_bytes(&original, anywhere).err(),
            Linked::link(&[&original], anywhere).err()
        );
        let mut loaded = 0;
        for i in 0..per_seed {
            let mut bytes = original.clone();
            mutate(&mut rng, &mut bytes);
            match load_both(&bytes) {
                Ok(ok) => loaded += usize::from(ok),
                Err(msg) => {
                    let out = std::env::temp_dir().join(format!("elfin-load-mutant-{i}"));
                    std::fs::write(&out, &bytes).unwrap();
                    panic!(
                        "{seed} mutation {i} panicked ({msg}); input in {}",
                        out.display()
                    );
                }
            }
        }
        // Most mutants still load (a byte changed in a string or in code):
        // the loader's paths are reached, not only the header checks.
        println!("{seed}: {loaded} of {per_seed} mutants loaded");
        assert!(
            loaded * 4 >= per_seed,
            "{seed}: only {loaded} of {per_seed} mutants loaded"
        );
    }
}
