//! `elfin`: look inside ELF files.
//!
//! `elfin info FILE` prints a short readable summary; `elfin info --json
//! FILE` prints one JSON object for scripts. Exit status: 0 on success, 1
//! when the file cannot be read as ELF, 2 on bad usage.

mod json;
mod rewrite;
mod text;
mod walk;

use std::io::Write;
use std::process::ExitCode;

const USAGE: &str = "usage: elfin info [--json] FILE\n       elfin strip IN -o OUT\n       elfin rewrite IN -o OUT [--set-interpreter PATH] [--set-runpath PATH]\n                 [--set-soname NAME] [--add-needed LIB] [--replace-needed OLD NEW]\n                 [--set-entry ADDR]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut json = false;
    let mut file = None;
    let mut rest = args.iter();
    match rest.next().map(String::as_str) {
        Some("info") => {}
        Some(cmd @ ("strip" | "rewrite")) => return rewrite::run(cmd, &args[1..]),
        Some("-h" | "--help") => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => return usage(),
    }
    for a in rest {
        match a.as_str() {
            "--json" => json = true,
            s if s.starts_with('-') && s != "-" => return usage(),
            s if file.is_none() => file = Some(s.to_owned()),
            _ => return usage(),
        }
    }
    let Some(path) = file else { return usage() };
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("elfin: {path}: {e}");
            return ExitCode::from(1);
        }
    };
    let elf = match elfin::ElfFile::parse(&bytes) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("elfin: {path}: {e}");
            return ExitCode::from(1);
        }
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
    let r = if json {
        json::write(&mut out, &elf)
    } else {
        text::write(&mut out, &elf, &path)
    };
    match r.and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (`elfin info x | head`) is not an error worth a message.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("elfin: {e}");
            ExitCode::from(1)
        }
    }
}

pub(crate) fn usage() -> ExitCode {
    eprintln!("{USAGE}");
    ExitCode::from(2)
}
