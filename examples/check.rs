//! Checks files as `elfin check` does:
//! `cargo run --example check --features check -- FILE...`; exit 1 when
//! anything is found.

fn main() -> std::process::ExitCode {
    let mut found = false;
    for path in std::env::args().skip(1) {
        let Ok(bytes) = std::fs::read(&path) else {
            eprintln!("{path}: cannot read");
            continue;
        };
        for f in elfin::check::check_bytes(&bytes) {
            println!("{path}: {f}");
            found = true;
        }
    }
    std::process::ExitCode::from(u8::from(found))
}
