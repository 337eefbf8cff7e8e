//! Loads relocatable objects (`.o` files from gcc, clang or rustc), links
//! them in memory, and calls a function that takes no arguments and
//! returns an `int`, resolving what the objects need from this process
//! (libc) with `dlsym`.
//!
//! ```sh
//! printf 'int answer(void) { return 42; }\n' > answer.c && gcc -c -O2 answer.c
//! cargo run --example load_object --features load -- answer answer.o
//! ```

use elfin::load::Linked;
use std::process::ExitCode;

/// What this process has, as `dlsym(RTLD_DEFAULT, name)` finds it.
fn from_this_process(name: &[u8], _version: Option<&[u8]>) -> Option<usize> {
    let c = std::ffi::CString::new(name).ok()?;
    // SAFETY: a NUL-terminated name; RTLD_DEFAULT searches every object
    // loaded in the process.
    let p = unsafe { libc::dlsym(libc::RTLD_DEFAULT, c.as_ptr()) };
    (!p.is_null()).then_some(p as usize)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [function, objects @ ..] = &args[..] else {
        eprintln!("usage: load_object FUNCTION OBJECT.o...");
        return ExitCode::FAILURE;
    };
    if objects.is_empty() {
        eprintln!("usage: load_object FUNCTION OBJECT.o...");
        return ExitCode::FAILURE;
    }
    let mut bytes = Vec::new();
    for path in objects {
        match std::fs::read(path) {
            Ok(b) => bytes.push(b),
            Err(e) => {
                eprintln!("{path}: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    let slices: Vec<&[u8]> = bytes.iter().map(|b| &b[..]).collect();
    let linked = match Linked::link(&slices, from_this_process) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("link: {e}");
            return ExitCode::FAILURE;
        }
    };
    // SAFETY: the user says FUNCTION is `int FUNCTION(void)`.
    let f = match unsafe { linked.function::<extern "C" fn() -> i32>(function) } {
        Ok(f) => f,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    println!("{function}() = {}", f());
    ExitCode::SUCCESS
}
