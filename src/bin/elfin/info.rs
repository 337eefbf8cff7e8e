//! `elfin info [--json] FILE`.

use crate::files::{Failure, Input};
use crate::{json, text};
use std::io::{self, Write};
use std::path::PathBuf;

/// Print a summary of an ELF file: header, segments, sections, symbols,
/// dynamic entries, relocations, notes.
#[derive(clap::Args)]
pub struct Args {
    /// Print one JSON object (for scripts) instead of the readable summary.
    #[arg(long)]
    json: bool,
    /// The ELF file (`-` reads standard input).
    file: PathBuf,
}

pub fn run(args: Args) -> Result<(), Failure> {
    let input = Input::open(&args.file)?;
    let elf = input.parse()?;
    let stdout = io::stdout();
    let mut out = io::BufWriter::with_capacity(1 << 16, stdout.lock());
    let written = if args.json {
        json::write(&mut out, &elf)
    } else {
        text::write(&mut out, &elf, &input.name())
    };
    match written.and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        // A closed pipe (`elfin info x | head`) is not an error worth a message.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Failure::new("standard output", e)),
    }
}
