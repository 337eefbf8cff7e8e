//! The string table on small cases, on a random model, and on the worst
//! cases for a suffix sort: every offset reads back its string, the table
//! stores exactly the strings that end no other, and the sort's step count
//! stays within c × total bytes × log2(n).

use super::*;
use alloc::format;
use alloc::vec;

#[test]
fn dedups_and_merges_tails() {
    let mut b = StringTableBuilder::new();
    let names: [&[u8]; 6] = [b"foobar", b"bar", b"", b"foobar", b"ar", b"baz"];
    let ids: Vec<_> = names.iter().map(|n| b.add(n)).collect();
    let t = b.finish();
    // "foobar\0" and "baz\0" after the leading NUL; "bar" and "ar" inside "foobar".
    assert_eq!(t.data.len(), 1 + 7 + 4);
    assert_eq!(t.offset(ids[0]), t.offset(ids[3]));
    check_table(&names, &t, &ids);
}

/// Every string is at its offset, NUL-terminated.
fn check_table<S: AsRef<[u8]>>(strings: &[S], t: &FinishedStrings, ids: &[StringId]) {
    assert_eq!(t.data.first(), Some(&0));
    for (s, id) in strings.iter().zip(ids) {
        let s = s.as_ref();
        let at = t.offset(*id) as usize;
        assert_eq!(&t.data[at..at + s.len()], s, "string at {at}");
        assert_eq!(t.data[at + s.len()], 0, "no NUL after the string at {at}");
    }
}

/// The strings an optimal tail-merged table stores, sorted: the distinct
/// non-empty strings that are no proper suffix of another. Found with the
/// standard library's sort on the reversed strings: a string's proper
/// extensions come right after it in ascending order.
fn model_stored<S: AsRef<[u8]>>(strings: &[S]) -> Vec<Vec<u8>> {
    let mut rev: Vec<Vec<u8>> = strings
        .iter()
        .map(|s| s.as_ref().iter().rev().copied().collect())
        .filter(|s: &Vec<u8>| !s.is_empty())
        .collect();
    rev.sort();
    rev.dedup();
    let mut out: Vec<Vec<u8>> = rev
        .iter()
        .enumerate()
        .filter(|(i, r)| rev.get(i + 1).is_none_or(|next| !next.starts_with(r)))
        .map(|(_, r)| r.iter().rev().copied().collect())
        .collect();
    out.sort();
    out
}

fn stored(t: &FinishedStrings) -> Vec<Vec<u8>> {
    let mut got: Vec<Vec<u8>> = t.data[1..]
        .split(|&c| c == 0)
        .filter(|s| !s.is_empty())
        .map(<[u8]>::to_vec)
        .collect();
    got.sort();
    got
}

/// Builds the table, checks it against the model, and returns the steps
/// its layout took.
fn build_and_check<S: AsRef<[u8]>>(strings: &[S]) -> u64 {
    let mut b = StringTableBuilder::new();
    let ids: Vec<_> = strings.iter().map(|s| b.add(s.as_ref())).collect();
    let mut steps = Steps::default();
    let layout = b.layout_counting(&mut steps);
    let t = b.finish();
    assert_eq!(t.data.len(), layout.size());
    check_table(strings, &t, &ids);
    assert_eq!(stored(&t), model_stored(strings));
    steps.count
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// Many strings over a small alphabet, so suffixes and copies are common.
#[test]
fn random_strings_match_the_model() {
    let mut rng = Rng(0x1234_5678_9abc_def1);
    for (count, max_len) in [(3000, 14), (300, 40), (5000, 3)] {
        let owned: Vec<Vec<u8>> = (0..count)
            .map(|_| {
                let len = (rng.next() % max_len) as usize;
                (0..len)
                    .map(|_| b"abE"[(rng.next() % 3) as usize])
                    .collect()
            })
            .collect();
        build_and_check(&owned);
    }
}

const N: usize = 20_000;
const SUFFIX40: &[u8] = b"_ZN4core3ptr13drop_in_place17h00c0ffeeEv";
const PREFIX: &[u8] = b"_ZN4llvm9MapVectorIPNS_12MachineInstrENS_15PreRARematStage16RematInstructionENS_8DenseMapIS2_jNS_12Dense";

fn hex(j: usize) -> Vec<u8> {
    let mut r = Rng((j as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    r.next();
    format!("{:016x}", r.next()).into_bytes()
}

/// The worst cases: name sets whose last bytes tie, by name.
fn worst_cases() -> Vec<(&'static str, Vec<Vec<u8>>)> {
    let suffix40 = |j| [&hex(j)[..], SUFFIX40].concat();
    let prefix = |j| [PREFIX, &hex(j)[..]].concat();
    // String k shares its last 8k bytes with every longer one: each round
    // of the sort peels off one string.
    let staircase: Vec<Vec<u8>> = (0..400)
        .map(|k| {
            let mut s = vec![b'x'; 8 * k];
            s.insert(0, b'a' + (k % 26) as u8);
            s
        })
        .collect();
    // Copies of a few long strings, and tails of them.
    let long = [vec![b'q'; 3000], [&b"z"[..], &vec![b'q'; 2999]].concat()];
    let copies: Vec<Vec<u8>> = (0..2000).map(|j| long[j % 2][j % 7..].to_vec()).collect();
    vec![
        ("suffix40", (0..N).map(suffix40).collect()),
        ("prefix", (0..N).map(prefix).collect()),
        ("equal", vec![PREFIX.to_vec(); N]),
        (
            "mix",
            (0..N)
                .map(|j| match j % 4 {
                    0 => suffix40(j),
                    1 => prefix(j),
                    2 => PREFIX.to_vec(),
                    _ => suffix40(j - 3)[1 + j % 50..].to_vec(),
                })
                .collect(),
        ),
        ("staircase", staircase),
        ("long copies", copies),
    ]
}

/// The sort and merge stay within c × total bytes × log2(n) steps (bytes
/// read and key comparisons) on every worst case; the tables are right.
#[test]
fn worst_cases_stay_within_the_bound() {
    for (name, strings) in worst_cases() {
        let steps = build_and_check(&strings);
        let bytes: usize = strings.iter().map(Vec::len).sum();
        let log_n = (strings.len() as f64).log2();
        let per = steps as f64 / (bytes as f64 * log_n);
        std::eprintln!(
            "{name}: {steps} steps, {bytes} bytes, n {}, steps / (bytes × log2 n) = {per:.3}",
            strings.len()
        );
        assert!(per <= 1.0, "{name}: {steps} steps for {bytes} bytes");
    }
}
