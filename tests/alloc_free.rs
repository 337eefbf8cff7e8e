//! Every read path of the benchmarks (open, sections with names, symbols
//! with names, lookups, relocations with their symbol tables) makes no heap
//! allocation: a counting global allocator wraps `System` and counts.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::hint::black_box;

use elfin::raw::consts::{SHT_REL, SHT_RELA};

struct Counting;

thread_local! {
    // Per thread, so tests running beside this one do not count.
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

fn bump() {
    // `try_with`: the thread-local may be gone while a thread exits.
    let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
}

// SAFETY: forwards every call to `System` unchanged; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        bump();
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        bump();
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        bump();
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations_of(f: impl FnOnce() -> usize) -> (usize, usize) {
    let before = ALLOCATIONS.with(Cell::get);
    let items = f();
    (ALLOCATIONS.with(Cell::get) - before, items)
}

/// Names to look up, collected before counting starts.
fn names(data: &[u8]) -> Vec<(Vec<u8>, Option<Vec<u8>>)> {
    let f = elfin::ElfFile::parse(data).unwrap();
    let Some(d) = f.dynamic_symbols().unwrap() else {
        return Vec::new();
    };
    let st = d.symbols();
    st.iter()
        .enumerate()
        .filter(|(_, s)| !s.is_undefined())
        .filter_map(|(i, s)| {
            let version = d.version(i).ok()?.name().map(<[u8]>::to_vec);
            Some((st.name(&s).ok()?.to_vec(), version))
        })
        .take(1000)
        .collect()
}

fn check(path: &str) {
    let Ok(data) = std::fs::read(path) else {
        println!("SKIP: alloc_free: {path} not found");
        return;
    };
    let data = &data[..];
    let names = names(data);
    let paths: [(&str, &dyn Fn() -> usize); 6] = [
        ("open", &|| {
            black_box(elfin::ElfFile::parse(data).unwrap()).section_count()
        }),
        // The header is decoded from the input on each call.
        ("header", &|| {
            let f = elfin::ElfFile::parse(data).unwrap();
            usize::from(black_box(f.header()).e_machine) + usize::from(f.machine())
        }),
        ("sections", &|| {
            let f = elfin::ElfFile::parse(data).unwrap();
            f.sections()
                .inspect(|s| {
                    black_box(s.name().unwrap());
                })
                .count()
        }),
        ("symbols", &|| {
            let f = elfin::ElfFile::parse(data).unwrap();
            let mut n = 0;
            let tables = [
                f.symbol_table().unwrap(),
                f.dynamic_symbols().unwrap().map(|d| *d.symbols()),
            ];
            for st in tables.into_iter().flatten() {
                for s in st.iter() {
                    black_box(st.name(&s).unwrap());
                    n += 1;
                }
            }
            n
        }),
        ("lookups", &|| {
            let f = elfin::ElfFile::parse(data).unwrap();
            let Some(d) = f.dynamic_symbols().unwrap() else {
                return 0;
            };
            let mut n = 0;
            for (name, version) in &names {
                n += usize::from(d.lookup(name).unwrap().is_some());
                n += usize::from(d.lookup_any_version(name).unwrap().is_some());
                if let Some(v) = version {
                    n += usize::from(d.lookup_versioned(name, v).unwrap().is_some());
                }
            }
            n
        }),
        ("relocations", &|| {
            let f = elfin::ElfFile::parse(data).unwrap();
            let mut n = 0;
            for s in f.sections() {
                let t = s.header().sh_type;
                if t != SHT_REL && t != SHT_RELA {
                    continue;
                }
                let table = f.relocation_table(&s).unwrap().unwrap();
                let link = s.header().sh_link;
                if link != 0 {
                    black_box(
                        f.symbol_table_of(&f.section(link as usize).unwrap())
                            .unwrap(),
                    );
                }
                n += table.as_fixed().unwrap().iter().map(black_box).count();
                // The resolved form (symbol and name per entry) too.
                for r in f.section_relocations(&s).unwrap().unwrap() {
                    black_box(r.unwrap());
                }
            }
            n
        }),
    ];
    for (what, run) in paths {
        let (allocations, items) = allocations_of(run);
        // A Rust executable defines no dynamic symbols to look up.
        let nothing_to_find = what == "lookups" && names.is_empty();
        assert!(
            items > 0 || nothing_to_find,
            "{path}: {what} visited nothing"
        );
        assert_eq!(
            allocations, 0,
            "{path}: {what} allocated {allocations} times"
        );
    }
}

#[test]
fn ls_reads_without_allocating() {
    check("/usr/bin/ls");
}

#[test]
fn libc_reads_without_allocating() {
    check("/lib/x86_64-linux-gnu/libc.so.6");
}

#[test]
fn own_executable_reads_without_allocating() {
    // A Rust test binary has .symtab as well as .dynsym.
    check(std::env::current_exe().unwrap().to_str().unwrap());
}
