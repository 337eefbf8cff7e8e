//! Memory, as the Guile article measured it: a large mmap-placement image
//! whose debug tail is never paged in, whose only private dirty pages are
//! the writable segment's, and whose read-only pages two processes share.

use elfin::load::{Image, NoSymbols, Prot};
use elfin::raw::consts::*;
use elfin::write::{Builder, FileKind, LayoutOptions, Perms, Placement, SectionSpec, SymbolSpec};
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::PathBuf;
use std::process::{Command, Stdio};

const TAIL: usize = 64 << 20;

/// A 64 MiB-debug-tail ET_DYN in the mmap placement: `answer` returns 42
/// and bumps a counter in .data.
fn big_image() -> PathBuf {
    static ONCE: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    ONCE.get_or_init(write_big_image).clone()
}

fn write_big_image() -> PathBuf {
    let path = crate::tmp("big-debug-tail.so");
    let mut b = Builder::new(FileKind::x86_64(ET_DYN));
    // lea rax, [rip+counter]; inc dword [rax]; mov eax, 42; ret
    let code = vec![
        0x48, 0x8d, 0x05, 0, 0, 0, 0, 0xff, 0x00, 0xb8, 42, 0, 0, 0, 0xc3,
    ];
    let t = b.add_section(SectionSpec::new(&b".text"[..], Some(Perms::RX), code).align(16));
    let d = b.add_section(SectionSpec::new(&b".data"[..], Some(Perms::RW), vec![0u8; 64]).align(8));
    b.add_section(SectionSpec::new(
        &b".debug_info"[..],
        None,
        vec![0xabu8; TAIL],
    ));
    b.add_symbol(SymbolSpec::global(&b"answer"[..], t, 0).function(15));
    let counter = b.add_symbol(SymbolSpec::local(&b"counter"[..], d, 0).object(4));
    b.add_relocation(elfin::write::RelocationSpec {
        section: t,
        offset: 3,
        kind: R_X86_64_PC32,
        symbol: Some(counter),
        addend: -4,
    });
    let bytes = b
        .to_vec(&LayoutOptions {
            placement: Placement::Mmap,
            ..LayoutOptions::default()
        })
        .unwrap();
    assert!(bytes.len() >= TAIL);
    // Written back before any test maps it: /proc/self/smaps counts a
    // mapped page-cache page that is still dirty from this write as the
    // mapper's Private_Dirty (it failed the dirty check below whenever
    // writeback had not happened yet), though the loader never wrote it.
    let mut file = std::fs::File::create(&path).unwrap();
    std::io::Write::write_all(&mut file, &bytes).unwrap();
    file.sync_all().unwrap();
    path
}

/// One mapping of /proc/self/smaps: its range and its fields in kB.
struct Vma {
    start: usize,
    end: usize,
    fields: Vec<(String, u64)>,
}

impl Vma {
    fn get(&self, name: &str) -> u64 {
        self.fields.iter().find(|f| f.0 == name).map_or(0, |f| f.1)
    }
}

fn smaps(range: std::ops::Range<usize>) -> Vec<Vma> {
    let text = std::fs::read_to_string("/proc/self/smaps").unwrap();
    let mut out: Vec<Vma> = Vec::new();
    for line in text.lines() {
        let first = line.split_whitespace().next().unwrap_or("");
        if let Some((a, b)) = first.split_once('-').filter(|_| !first.ends_with(':')) {
            if let (Ok(s), Ok(e)) = (usize::from_str_radix(a, 16), usize::from_str_radix(b, 16)) {
                out.push(Vma {
                    start: s,
                    end: e,
                    fields: Vec::new(),
                });
                continue;
            }
        }
        if let (Some(v), Some((name, rest))) = (out.last_mut(), line.split_once(':')) {
            if let Some(kb) = rest.trim().strip_suffix(" kB") {
                v.fields
                    .push((name.to_string(), kb.trim().parse().unwrap_or(0)));
            }
        }
    }
    out.retain(|v| v.start < range.end && v.end > range.start);
    out
}

/// How many pages of `range` are present in this process's page tables
/// (/proc/self/pagemap, bit 63).
fn present_pages(range: std::ops::Range<usize>) -> usize {
    let page = elfin::load::page_size();
    let mut f = std::fs::File::open("/proc/self/pagemap").unwrap();
    f.seek(SeekFrom::Start((range.start / page * 8) as u64))
        .unwrap();
    let mut buf = vec![0u8; (range.end - range.start) / page * 8];
    f.read_exact(&mut buf).unwrap();
    buf.chunks(8)
        .filter(|c| u64::from_le_bytes((*c).try_into().unwrap()) >> 63 == 1)
        .count()
}

fn load_and_call(path: &PathBuf) -> Image {
    let image = Image::load(path, NoSymbols).unwrap();
    // SAFETY: `answer` is `int answer(void)`.
    let answer = unsafe { image.function::<extern "C" fn() -> i32>("answer").unwrap() };
    assert_eq!(answer(), 42);
    image
}

#[test]
fn debug_tail_never_resident_and_only_the_writable_segment_dirty() {
    if !cfg!(all(target_arch = "x86_64", target_os = "linux")) {
        eprintln!("SKIP: debug_tail_never_resident: x86-64 Linux only");
        return;
    }
    let path = big_image();
    let image = load_and_call(&path);
    let page = elfin::load::page_size();
    let range = image.range();
    let writable: Vec<_> = image
        .segments()
        .iter()
        .filter(|s| s.prot == Prot::RW)
        .map(|s| s.address / page * page..(s.address + s.size).next_multiple_of(page))
        .collect();
    assert_eq!(writable.len(), 1);
    let last = image
        .segments()
        .iter()
        .map(|s| s.address + s.size)
        .max()
        .unwrap();
    let tail = last.next_multiple_of(page)..range.end;
    assert!(
        tail.end - tail.start >= TAIL - page,
        "the tail is mapped with the file"
    );
    assert_eq!(
        present_pages(tail.clone()),
        0,
        "no page of the debug tail is resident"
    );
    for v in smaps(range.clone()) {
        let in_writable = writable.iter().any(|w| v.start < w.end && v.end > w.start);
        if !in_writable {
            assert_eq!(
                v.get("Private_Dirty"),
                0,
                "{:#x}-{:#x} has private dirty pages",
                v.start,
                v.end
            );
            // Pages copied on write (whatever the page cache's state).
            assert_eq!(
                v.get("Anonymous"),
                0,
                "{:#x}-{:#x} has copied pages",
                v.start,
                v.end
            );
        }
        if v.start >= tail.start {
            assert_eq!(
                v.get("Rss"),
                0,
                "{:#x}-{:#x} is in the tail",
                v.start,
                v.end
            );
        }
    }
    let dirty: u64 = smaps(range).iter().map(|v| v.get("Private_Dirty")).sum();
    assert!(dirty > 0, "the writable page was written");
}

/// Run by `two_processes_share_read_only_pages` in a child process: loads
/// the image, calls it, says so, and waits for its stdin to close.
#[test]
fn child_holding_the_image() {
    let Some(path) = std::env::var_os("ELFIN_LOAD_CHILD") else {
        return;
    };
    let _image = load_and_call(&PathBuf::from(path));
    println!("ready");
    let _ = std::io::stdin().read_to_end(&mut Vec::new());
}

#[test]
fn two_processes_share_read_only_pages() {
    if !cfg!(all(target_arch = "x86_64", target_os = "linux")) {
        eprintln!("SKIP: two_processes_share_read_only_pages: x86-64 Linux only");
        return;
    }
    let path = big_image();
    let image = load_and_call(&path);
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "memory::child_holding_the_image",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("ELFIN_LOAD_CHILD", &path)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    assert!(
        lines.any(|l| l.is_ok_and(|l| l.contains("ready"))),
        "the child loaded the image"
    );
    let code = image
        .segments()
        .iter()
        .find(|s| s.prot == Prot::RX)
        .unwrap()
        .address;
    let vmas = smaps(image.range());
    drop(child.stdin.take());
    child.wait().unwrap();
    let text = vmas
        .iter()
        .find(|v| v.start <= code && code < v.end)
        .unwrap();
    let (rss, pss) = (text.get("Rss"), text.get("Pss"));
    println!(
        "code mapping: Rss {rss} kB, Pss {pss} kB, Shared_Clean {} kB",
        text.get("Shared_Clean")
    );
    assert!(
        rss > 0 && pss < rss,
        "shared with the child: Pss {pss} < Rss {rss}"
    );
    assert_eq!(text.get("Private_Dirty"), 0);
}

/// `page_size` is the page size `getconf` reports.
#[test]
fn page_size_is_what_getconf_says() {
    if !crate::require(&["getconf"]) {
        return;
    }
    let out = Command::new("getconf").arg("PAGESIZE").output().unwrap();
    let want: usize = String::from_utf8_lossy(&out.stdout).trim().parse().unwrap();
    assert_eq!(elfin::load::page_size(), want);
}

/// A `MappedFile` holds the file's bytes: what `std::fs::read` reads, and
/// an ELF file parsed from it has the program headers `readelf` counts;
/// an empty file maps as no bytes, not as an error.
#[test]
fn mapped_file_holds_the_files_bytes() {
    if !crate::require(&["readelf"]) {
        return;
    }
    let path = std::env::current_exe().unwrap();
    let file = std::fs::File::open(&path).unwrap();
    let mapped = elfin::load::MappedFile::map(&file).unwrap();
    assert!(*mapped == *std::fs::read(&path).unwrap(), "mapped bytes");
    let elf = elfin::ElfFile::parse(mapped.as_ref()).unwrap();
    let out = Command::new("readelf")
        .args(["-h", "-W"])
        .arg(&path)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let count: usize = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("Number of program headers:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert_eq!(elf.segment_count(), count);
    let empty = crate::tmp("empty-file");
    std::fs::write(&empty, b"").unwrap();
    let file = std::fs::File::open(&empty).unwrap();
    assert!(elfin::load::MappedFile::map(&file).unwrap().is_empty());
}
