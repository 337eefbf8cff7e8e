//! The page map (model + SVG) of the largest shared object in the system's
//! library directories, against `md5sum` reading the same file once:
//!
//! ```text
//! cargo bench --features pagemap --bench pagemap
//! ELFIN_BENCH_SO=/path/to/lib.so cargo bench --features pagemap --bench pagemap
//! ```
//!
//! The page map reads only the headers, so it must cost less than reading
//! the bytes once. Both run with the file in the page cache (it is read
//! first); the page map's time includes `std::fs::read` of the file only in
//! the "with read" row, as md5sum's includes its reading. Each figure is the
//! fastest of several runs (least disturbed on a shared machine).

use std::hint::black_box;
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

fn largest_so() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("ELFIN_BENCH_SO") {
        return Some(PathBuf::from(p));
    }
    let mut best: Option<(u64, PathBuf)> = None;
    let mut dirs = vec![PathBuf::from("/usr/lib"), PathBuf::from("/lib64")];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let Ok(t) = e.file_type() else { continue };
            let path = e.path();
            if t.is_dir() {
                dirs.push(path);
            } else if t.is_file() && e.file_name().to_string_lossy().contains(".so") {
                let size = e.metadata().map_or(0, |m| m.len());
                if best.as_ref().is_none_or(|(s, _)| size > *s) {
                    best = Some((size, path));
                }
            }
        }
    }
    best.map(|(_, p)| p)
}

fn fastest(runs: usize, mut f: impl FnMut()) -> Duration {
    (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn main() {
    let Some(path) = largest_so() else {
        println!("SKIP: pagemap bench: no shared object found");
        return;
    };
    let bytes = std::fs::read(&path).unwrap();
    let mib = bytes.len() as f64 / (1 << 20) as f64;
    let mut svg_len = 0;
    let model = fastest(20, || {
        let map = elfin::pagemap::PageMap::from_bytes(black_box(&bytes), 4096).unwrap();
        black_box(&map);
    });
    let both = fastest(20, || {
        let map = elfin::pagemap::PageMap::from_bytes(black_box(&bytes), 4096).unwrap();
        svg_len = elfin::pagemap::svg::render(&map, "bench").len();
    });
    let with_read = fastest(5, || {
        let data = std::fs::read(&path).unwrap();
        let map = elfin::pagemap::PageMap::from_bytes(&data, 4096).unwrap();
        black_box(elfin::pagemap::svg::render(&map, "bench").len());
    });
    let md5 = fastest(5, || {
        let out = Command::new("md5sum").arg(&path).output();
        assert!(out.is_ok_and(|o| o.status.success()), "md5sum failed");
    });
    let map = elfin::pagemap::PageMap::from_bytes(&bytes, 4096).unwrap();
    println!(
        "{} ({mib:.1} MiB, {} sections, {} pages, {} rows drawn)",
        path.display(),
        map.sections.len(),
        map.pages.len(),
        map.rows().len()
    );
    println!("| what | time |");
    println!("| --- | ---: |");
    println!("| model | {:.2} ms |", ms(model));
    println!(
        "| model + SVG ({} KiB) | {:.2} ms |",
        svg_len / 1024,
        ms(both)
    );
    println!("| read file + model + SVG | {:.2} ms |", ms(with_read));
    println!("| `md5sum` of the file | {:.2} ms |", ms(md5));
    println!(
        "model + SVG is {:.0}x faster than md5sum",
        md5.as_secs_f64() / both.as_secs_f64()
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
