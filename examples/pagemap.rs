//! Draws the page map of a file: `cargo run --example pagemap --features pagemap -- FILE [svg|text]`.

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: pagemap FILE [svg|text]");
    let bytes = std::fs::read(&path).expect("readable file");
    let map = elfin::pagemap::PageMap::from_bytes(&bytes, 4096).expect("4 KiB pages");
    match args.next().as_deref() {
        Some("text") => print!(
            "{}",
            elfin::pagemap::text::render(&map, &path, Default::default())
        ),
        _ => print!("{}", elfin::pagemap::svg::render(&map, &path)),
    }
}
