//! The order a tail-merged string table is laid out in: the strings sorted
//! by their reversed bytes, descending, the end of a string below every
//! byte. So every string that ends with `s` comes before `s`, and the one
//! right before it ends with `s` if any does.
//!
//! A most-significant-first radix sort on the reversed strings, seven
//! bytes at a time: a group of strings that agree on their last `depth`
//! bytes is sorted on a 64-bit key made of the next seven bytes (from the
//! end) and how many bytes remain (capped at 8); each run of equal keys
//! whose strings go on is a new group, at `depth + 7`. A group whose keys
//! all tie (copies, a long shared suffix) first skips, in one pass that
//! compares each string with the group's first, every byte they all share,
//! up to [`JUMP_MAX`] bytes at a time. A large group that is mostly one
//! key (a quarter or more) is split in three around it in one pass, and
//! only the keys below and above it are sorted. Each round also marks,
//! for the neighbours its keys tell apart, whether the later string ends
//! the earlier, so laying the table out reads no bytes.
//!
//! Cost: a string is in a group at some depth only while it agrees with
//! another on every byte before that depth, and each round of its group
//! moves the depth on by at least 7 bytes; so it takes part in at most
//! `len / 7 + 1` rounds. A round costs it one key (8 bytes read), a share
//! of the sort (at most eight counting reads and eight moves in the radix
//! sort of a large group, plus a majority count and one step of the
//! three-way split; under log2([`RADIX_MIN`]) comparisons in a small one),
//! one mark, and, when the keys all tie, at most [`JUMP_MAX`] byte
//! comparisons.
//! The whole sort is therefore O(total bytes + number of strings), with a
//! constant that does not depend on how the strings look: no input falls
//! back to full-string comparisons.

use alloc::vec::Vec;
use core::cmp::Ordering;

/// Groups at least this large are radix sorted; smaller ones by comparison
/// (the radix sort's 8 × 256 counters cost more than the comparisons).
const RADIX_MIN: usize = 256;

/// The most bytes one tied group's skip compares per string.
const JUMP_MAX: usize = 128;

/// The low byte of an uncomplemented key that says "more bytes follow".
const GOES_ON: u64 = 8;

/// A count of the sort's character reads and key comparisons, for the cost
/// tests; outside tests it holds nothing and counts nothing.
#[derive(Debug, Default)]
pub(super) struct Steps {
    #[cfg(test)]
    pub(super) count: u64,
}

impl Steps {
    #[inline(always)]
    pub(super) fn add(&mut self, _n: usize) {
        #[cfg(test)]
        {
            self.count += _n as u64;
        }
    }
}

/// A string's sort key at the current depth (complemented, so ascending
/// order is the table's descending one) and the string's index.
#[derive(Clone, Copy)]
struct Entry {
    key: u64,
    id: usize,
}

/// The table's order of `strings` (see the module comment).
pub(super) struct TailOrder {
    /// The indices of the strings, in the table's order.
    pub(super) order: Vec<usize>,
    /// For each position of `order`, whether its string ends the one just
    /// before it (is a suffix of it, or equal): found from the keys the
    /// sort compares anyway, so the merge pass reads no bytes.
    pub(super) ends_previous: Vec<bool>,
}

/// The indices of `strings` in the table's order (see the module comment),
/// and which of them end the string before them.
pub(super) fn tail_order(strings: &[&[u8]], steps: &mut Steps) -> TailOrder {
    let mut v: Vec<Entry> = (0..strings.len()).map(|id| Entry { key: 0, id }).collect();
    let mut ends_previous = alloc::vec![false; strings.len()];
    let mut scratch: Vec<Entry> = Vec::new();
    let mut groups: Vec<(usize, usize, usize)> = Vec::new();
    if v.len() > 1 {
        groups.push((0, v.len(), 0));
    }
    while let Some((lo, hi, depth)) = groups.pop() {
        sort_group(
            strings,
            &mut v,
            &mut ends_previous,
            lo,
            hi,
            depth,
            &mut scratch,
            &mut groups,
            steps,
        );
    }
    TailOrder {
        order: v.into_iter().map(|e| e.id).collect(),
        ends_previous,
    }
}

/// Sorts `v[lo..hi]`, whose strings agree on their last `depth` bytes, on
/// the next bytes; pushes the runs that still tie onto `groups`, and marks
/// in `ends_previous` every position this round decides.
#[allow(clippy::too_many_arguments)]
fn sort_group(
    strings: &[&[u8]],
    v: &mut [Entry],
    ends_previous: &mut [bool],
    lo: usize,
    hi: usize,
    mut depth: usize,
    scratch: &mut Vec<Entry>,
    groups: &mut Vec<(usize, usize, usize)>,
    steps: &mut Steps,
) {
    let group = &mut v[lo..hi];
    let (pivot, same) = loop {
        for e in group.iter_mut() {
            e.key = key_at(strings[e.id], depth);
        }
        steps.add(8 * group.len());
        steps.add(group.len());
        // A small group is sorted by comparisons, which handle many equal
        // keys well on their own: it only asks whether all keys tie.
        let (pivot, same) = if group.len() < RADIX_MIN {
            let first = group[0].key;
            let all = group.iter().all(|e| e.key == first);
            (first, if all { group.len() } else { 0 })
        } else {
            let pivot = likely_majority(group);
            (pivot, group.iter().filter(|e| e.key == pivot).count())
        };
        if same == group.len() {
            if !goes_on(pivot) {
                // Copies of one string.
                ends_previous[lo + 1..hi].fill(true);
                steps.add(hi - lo);
                return;
            }
            depth += shared_tail(strings, group, depth, steps);
            continue;
        }
        break (pivot, same);
    };
    if 4 * same >= group.len() {
        // A quarter or more of one key (a long shared ending that a few
        // strings stop short of, copies): one pass of the split costs
        // less than moving those keys through the radix sort's passes;
        // only the others are sorted.
        let (less, greater) = partition3(group, pivot, steps);
        sort_keys(&mut group[..less], scratch, steps);
        sort_keys(&mut group[greater..], scratch, steps);
    } else {
        sort_keys(group, scratch, steps);
    }
    let mut start = 0;
    steps.add(2 * group.len());
    while start < group.len() {
        let k = group[start].key;
        let end = start + group[start..].iter().take_while(|e| e.key == k).count();
        if start > 0 {
            ends_previous[lo + start] = key_ends(group[start - 1].key, k);
        }
        if goes_on(k) {
            if end - start > 1 {
                groups.push((lo + start, lo + end, depth + 7));
            }
        } else {
            // Equal keys that hold the strings' last bytes: copies.
            ends_previous[lo + start + 1..lo + end].fill(true);
        }
        start = end;
    }
}

/// The median of the first, middle and last keys: the key most of `group`
/// has, if one key has more than half (and often when fewer).
fn likely_majority(group: &[Entry]) -> u64 {
    let (a, b, c) = (
        group[0].key,
        group[group.len() / 2].key,
        group[group.len() - 1].key,
    );
    a.max(b).min(a.min(b).max(c))
}

/// Reorders `group` into keys below `pivot`, equal to it, and above it
/// (one pass, swaps); returns where the equal ones start and end.
fn partition3(group: &mut [Entry], pivot: u64, steps: &mut Steps) -> (usize, usize) {
    let (mut less, mut i, mut greater) = (0, 0, group.len());
    steps.add(2 * group.len());
    while i < greater {
        match group[i].key.cmp(&pivot) {
            Ordering::Less => {
                group.swap(less, i);
                less += 1;
                i += 1;
            }
            Ordering::Greater => {
                greater -= 1;
                group.swap(i, greater);
            }
            Ordering::Equal => i += 1,
        }
    }
    (less, greater)
}

/// Sorts `group` by key: radix sort when large, comparisons when small.
fn sort_keys(group: &mut [Entry], scratch: &mut Vec<Entry>, steps: &mut Steps) {
    if group.len() >= RADIX_MIN {
        radix_sort(group, scratch, steps);
    } else {
        group.sort_unstable_by(|a, b| {
            steps.add(1);
            a.key.cmp(&b.key)
        });
    }
}

/// Whether the strings with key `next`, sorted right after those with key
/// `prev` (both agreeing on every byte before the keys' depth), end them:
/// they have no bytes beyond the key, and those they have are `prev`'s.
fn key_ends(prev: u64, next: u64) -> bool {
    let (prev, next) = (!prev, !next);
    let left = (next & 0xff) as u32;
    if left > 7 || (prev & 0xff) < left as u64 {
        return false;
    }
    // The high `left` bytes hold the string's last remaining bytes.
    let mask = (!0u64).checked_shl(64 - 8 * left).unwrap_or(0);
    (prev ^ next) & mask == 0
}

/// Whether the strings with this key have bytes beyond the key's seven.
fn goes_on(key: u64) -> bool {
    !key & 0xff == GOES_ON
}

/// The key of `s` with its last `depth` bytes dropped: the last seven of
/// the rest in the high bytes (the last byte highest, missing ones zero),
/// and how many remain, capped at 8, in the low byte; complemented.
fn key_at(s: &[u8], depth: usize) -> u64 {
    let rest = &s[..s.len().saturating_sub(depth)];
    let raw = match rest.last_chunk::<8>() {
        Some(tail) => u64::from_le_bytes(*tail) & !0xff | GOES_ON,
        None => {
            let mut buf = [0u8; 8];
            buf[8 - rest.len()..].copy_from_slice(rest);
            // buf[0] is zero: at most seven bytes remain.
            u64::from_le_bytes(buf) | rest.len() as u64
        }
    };
    !raw
}

/// How many more bytes (at least the seven of the tied keys, at most
/// `JUMP_MAX`) every string of `group` shares with the first, from `depth`
/// on. Each string is compared only as far as the shortest share so far.
fn shared_tail(strings: &[&[u8]], group: &[Entry], depth: usize, steps: &mut Steps) -> usize {
    let rest = |id: usize| {
        let s = strings[id];
        &s[..s.len().saturating_sub(depth)]
    };
    let first = rest(group[0].id);
    let mut shared = first.len().min(JUMP_MAX);
    for e in &group[1..] {
        shared = common_suffix(first, rest(e.id), shared);
        steps.add(shared + 1);
    }
    shared
}

/// The length of the longest common suffix of `a` and `b`, at most `cap`;
/// eight bytes per step.
fn common_suffix(a: &[u8], b: &[u8], cap: usize) -> usize {
    let max = cap.min(a.len()).min(b.len());
    let (a, b) = (&a[a.len() - max..], &b[b.len() - max..]);
    // Mostly they agree all the way (copies, one long shared ending):
    // the library's comparison checks that fastest.
    if a == b {
        return max;
    }
    let (mut ca, mut cb) = (a.rchunks_exact(8), b.rchunks_exact(8));
    let mut k = 0;
    for (x, y) in (&mut ca).zip(&mut cb) {
        let (x, y) = (load(x), load(y));
        if x != y {
            // Little-endian: the last byte is the highest.
            return k + ((x ^ y).leading_zeros() / 8) as usize;
        }
        k += 8;
    }
    let (ra, rb) = (ca.remainder(), cb.remainder());
    k + ra
        .iter()
        .rev()
        .zip(rb.iter().rev())
        .take_while(|(x, y)| x == y)
        .count()
}

fn load(chunk: &[u8]) -> u64 {
    let mut b = [0u8; 8];
    b.copy_from_slice(chunk);
    u64::from_le_bytes(b)
}

/// A radix sort's digits, lowest first: (shift, width in bits). Eight
/// bits each for most groups; for a large one, 12-bit digits in the
/// middle of the key, which has few varying bits per byte (names are
/// letters and digits), so fewer passes move every entry.
const NARROW: [(u32, u32); 8] = [
    (0, 8),
    (8, 8),
    (16, 8),
    (24, 8),
    (32, 8),
    (40, 8),
    (48, 8),
    (56, 8),
];
const WIDE: [(u32, u32); 6] = [(0, 8), (8, 12), (20, 12), (32, 12), (44, 12), (56, 8)];

/// Groups at least this large use [`WIDE`] digits: their 4096 counters
/// per digit cost less than the passes they save.
const WIDE_MIN: usize = 8192;

/// Sorts by key: a least-significant-digit radix sort on the key's digits,
/// skipping the digits all keys share (many: names end in few distinct
/// letters, and the length byte is mostly 8).
fn radix_sort(v: &mut [Entry], scratch: &mut Vec<Entry>, steps: &mut Steps) {
    if v.len() >= WIDE_MIN {
        let mut counts = alloc::vec![0usize; 2 * 256 + 4 * 4096];
        radix_by(v, scratch, &WIDE, &mut counts, steps);
    } else {
        radix_by(v, scratch, &NARROW, &mut [0usize; 8 * 256], steps);
    }
}

/// [`radix_sort`] on `digits`; `counts` has room for every digit's
/// counters, zeroed.
fn radix_by<const D: usize>(
    v: &mut [Entry],
    scratch: &mut Vec<Entry>,
    digits: &[(u32, u32); D],
    counts: &mut [usize],
    steps: &mut Steps,
) {
    let n = v.len();
    let mut start = [0usize; D];
    let mut total = 0;
    for (at, &(_, bits)) in start.iter_mut().zip(digits) {
        *at = total;
        total += 1 << bits;
    }
    let digit = |key: u64, (shift, bits): (u32, u32)| (key >> shift) as usize & ((1 << bits) - 1);
    for e in v.iter() {
        for (&at, &d) in start.iter().zip(digits) {
            counts[at + digit(e.key, d)] += 1;
        }
    }
    steps.add(D * n);
    scratch.clear();
    scratch.resize(n, Entry { key: 0, id: 0 });
    let mut in_scratch = false;
    for (&at, &d) in start.iter().zip(digits) {
        let c = &mut counts[at..at + (1 << d.1)];
        if c.contains(&n) {
            continue;
        }
        let mut sum = 0;
        for x in c.iter_mut() {
            let count = *x;
            *x = sum;
            sum += count;
        }
        let (from, to): (&[Entry], &mut [Entry]) = if in_scratch {
            (&scratch[..], &mut *v)
        } else {
            (&*v, &mut scratch[..])
        };
        for &e in from {
            let slot = &mut c[digit(e.key, d)];
            to[*slot] = e;
            *slot += 1;
        }
        steps.add(n);
        in_scratch = !in_scratch;
    }
    if in_scratch {
        v.copy_from_slice(scratch);
    }
}
