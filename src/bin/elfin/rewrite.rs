//! `elfin rewrite IN -o OUT [edits]`, and the rewrite `strip` shares.

use crate::files::{Failure, Input, Output};
use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

/// Rewrite an ELF file, unchanged or with the edits given. The edits are
/// applied in the order listed here, whatever their order on the command
/// line.
#[derive(clap::Args)]
pub struct Args {
    /// The ELF file to rewrite (`-` reads standard input).
    input: PathBuf,
    /// Where to write the result (`-` writes standard output); written to a
    /// temporary file beside it and renamed into place. May be the input.
    #[arg(short, long, value_name = "OUT")]
    output: PathBuf,
    #[command(flatten)]
    edits: Edits,
}

/// The changes `rewrite` can make.
#[derive(clap::Args, Default)]
pub struct Edits {
    /// Set the program interpreter (PT_INTERP).
    #[arg(long, value_name = "PATH")]
    set_interpreter: Option<OsString>,
    /// Set DT_SONAME (added when the file has none).
    #[arg(long, value_name = "NAME")]
    set_soname: Option<OsString>,
    /// Set DT_RUNPATH (added when the file has none).
    #[arg(long, value_name = "PATH")]
    set_runpath: Option<OsString>,
    /// Replace the needed library OLD by NEW (may be repeated).
    #[arg(long, num_args = 2, value_names = ["OLD", "NEW"])]
    replace_needed: Vec<OsString>,
    /// Add a needed library (may be repeated).
    #[arg(long, value_name = "LIB")]
    add_needed: Vec<OsString>,
    /// Set the entry point (decimal, or hexadecimal with 0x).
    #[arg(long, value_name = "ADDR", value_parser = parse_address)]
    set_entry: Option<u64>,
}

fn parse_address(s: &str) -> Result<u64, String> {
    let n = match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(h) => u64::from_str_radix(h, 16).ok(),
        None => s.parse().ok(),
    };
    n.ok_or_else(|| format!("'{s}' is not a number (decimal, or hexadecimal with 0x)"))
}

pub fn run(args: Args) -> Result<(), Failure> {
    rewrite(&args.input, &args.output, false, &args.edits)
}

fn bytes(s: &OsStr) -> &[u8] {
    s.as_bytes()
}

impl Edits {
    fn apply(&self, r: &mut elfin::write::Rewriter<'_>) -> elfin::write::Result<()> {
        if let Some(v) = &self.set_interpreter {
            r.set_interpreter(bytes(v))?;
        }
        if let Some(v) = &self.set_soname {
            r.set_soname(bytes(v))?;
        }
        if let Some(v) = &self.set_runpath {
            r.set_runpath(bytes(v))?;
        }
        for pair in self.replace_needed.chunks_exact(2) {
            r.replace_needed(bytes(&pair[0]), bytes(&pair[1]))?;
        }
        for v in &self.add_needed {
            r.add_needed(bytes(v))?;
        }
        if let Some(a) = self.set_entry {
            r.set_entry(a);
        }
        Ok(())
    }
}

/// Reads `input`, strips it if asked, applies `edits` and writes `output`.
pub fn rewrite(input: &Path, output: &Path, strip: bool, edits: &Edits) -> Result<(), Failure> {
    let input = Input::open(input)?;
    let elf = input.parse()?;
    let fail = |e| Failure::new(&input.name(), e);
    let mut rewriter = elfin::write::Rewriter::new(&elf).map_err(fail)?;
    if strip {
        rewriter.strip();
    }
    edits.apply(&mut rewriter).map_err(fail)?;
    let planned = rewriter.output().map_err(fail)?;
    let mut out = Output::create(output)?;
    out.write_rewrite(&planned, &input)?;
    out.finish(input.permissions())
}
