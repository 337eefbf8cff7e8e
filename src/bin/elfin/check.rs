//! `elfin check [--json] FILE`: what a careful loader or linker would refuse
//! or warn about, one line each; exit status 1 when anything is found.

use crate::files::{Failure, Input};
use std::io::Write;
use std::path::PathBuf;

/// Check an ELF file: segment congruence, W+X, overlaps, bounds, DT_NULL,
/// symbols, relocations, string tables, hash tables, notes.
#[derive(clap::Args)]
pub struct Args {
    /// Print the findings as one JSON array.
    #[arg(long)]
    json: bool,
    /// The ELF file (`-` reads standard input).
    file: PathBuf,
}

pub fn run(args: Args) -> Result<(), Failure> {
    let input = Input::open(&args.file)?;
    let name = input.name().into_owned();
    let findings = elfin::check::check_bytes(input.bytes());
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let written = if args.json {
        serde_json::to_writer_pretty(&mut out, &findings)
            .map_err(std::io::Error::other)
            .and_then(|()| writeln!(out))
    } else {
        findings
            .iter()
            .try_for_each(|f| writeln!(out, "{name}: {f}"))
    };
    written
        .and_then(|()| out.flush())
        .map_err(|e| Failure::new("standard output", e))?;
    match findings.len() {
        0 => Ok(()),
        1 => Err(Failure::new(&name, "1 problem found")),
        n => Err(Failure::new(&name, format_args!("{n} problems found"))),
    }
}
