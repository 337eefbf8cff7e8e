//! `elfin`: look inside ELF files, strip and rewrite them.
//!
//! Exit status: 0 on success, 1 when a file could not be read or written
//! or is not ELF, 2 on bad usage (clap's own status for usage errors).
//!
//! Each subcommand is one variant of [`Cli`] and one module with an `Args`
//! (its clap arguments) and a `run(Args) -> Result<(), Failure>`; adding
//! one is a variant, a module and a line in `main`.

// Memory is mapped only through `elfin::load::MappedFile`.
#![forbid(unsafe_code)]

mod check;
mod files;
mod info;
mod json;
mod pagemap;
mod rewrite;
#[cfg(feature = "serve")]
mod serve;
mod strip;
mod text;
mod walk;

use clap::Parser;
use std::process::ExitCode;

/// Look inside ELF files of any class, byte order and machine; strip and
/// rewrite them.
#[derive(Parser)]
#[command(name = "elfin", version, about)]
enum Cli {
    Info(info::Args),
    Strip(strip::Args),
    Rewrite(rewrite::Args),
    Pagemap(pagemap::Args),
    Check(check::Args),
    #[cfg(feature = "serve")]
    Serve(serve::Args),
}

fn main() -> ExitCode {
    // `parse` prints the usage error (or the help) and exits with 2 (0).
    let result = match Cli::parse() {
        Cli::Info(args) => info::run(args),
        Cli::Strip(args) => strip::run(args),
        Cli::Rewrite(args) => rewrite::run(args),
        Cli::Pagemap(args) => pagemap::run(args),
        Cli::Check(args) => check::run(args),
        #[cfg(feature = "serve")]
        Cli::Serve(args) => serve::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("elfin: {failure}");
            ExitCode::from(1)
        }
    }
}
