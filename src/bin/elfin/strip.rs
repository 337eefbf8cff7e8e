//! `elfin strip IN -o OUT`.

use crate::files::Failure;
use crate::rewrite::{Edits, rewrite};
use std::path::PathBuf;

/// Drop what is not needed at run time (symbol tables, debug sections),
/// keeping the loaded part of the file byte for byte.
#[derive(clap::Args)]
pub struct Args {
    /// The ELF file to strip (`-` reads standard input).
    input: PathBuf,
    /// Where to write the result (`-` writes standard output); written to a
    /// temporary file beside it and renamed into place. May be the input.
    #[arg(short, long, value_name = "OUT")]
    output: PathBuf,
}

pub fn run(args: Args) -> Result<(), Failure> {
    rewrite(&args.input, &args.output, true, &Edits::default())
}
