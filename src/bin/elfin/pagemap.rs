//! `elfin pagemap FILE [-o OUT] [--page-size N] [--format svg|text|json]`.

use crate::files::{Failure, Input, Output};
use clap::ValueEnum;
use elfin::pagemap::{PageMap, svg, text};
use std::io::IsTerminal;
use std::path::PathBuf;

/// Draw the page map of an ELF file: one row per page, each section at its
/// place, the segments and their permissions beside.
#[derive(clap::Args)]
pub struct Args {
    /// The ELF file (`-` reads standard input).
    file: PathBuf,
    /// Where to write the picture (`-` or nothing: standard output).
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// Page size: a power of two of at least 64 (`4096`, `64K`, `0x10000`).
    #[arg(long, default_value = "4096", value_parser = parse_size)]
    page_size: u64,
    /// Output format; by default text on a terminal, SVG otherwise.
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// Colour the text format (`auto`: on a terminal, unless `NO_COLOR` is set).
    #[arg(long, value_enum, default_value = "auto")]
    color: Color,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Svg,
    Text,
    Json,
}

/// `--color`.
#[derive(Clone, Copy, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

/// A size in bytes: decimal, `0x` hex, or with a `K`/`KiB`/`M`/`MiB` suffix.
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let (num, mult) = match t.find(|c: char| c.is_ascii_alphabetic() && !t.starts_with("0x")) {
        Some(i) => {
            let mult = match t[i..].to_ascii_lowercase().as_str() {
                "k" | "kib" | "kb" => 1u64 << 10,
                "m" | "mib" | "mb" => 1 << 20,
                "g" | "gib" | "gb" => 1 << 30,
                other => return Err(format!("unknown size suffix `{other}`")),
            };
            (&t[..i], mult)
        }
        None => (t, 1),
    };
    let n = match num.strip_prefix("0x") {
        Some(h) => u64::from_str_radix(h, 16),
        None => num.parse(),
    }
    .map_err(|e| format!("`{s}`: {e}"))?;
    n.checked_mul(mult)
        .ok_or_else(|| format!("`{s}` is too large"))
}

pub fn run(args: Args) -> Result<(), Failure> {
    let input = Input::open(&args.file)?;
    let name = input.name().into_owned();
    let map = PageMap::from_bytes(input.bytes(), args.page_size)
        .map_err(|e| Failure::new("--page-size", e))?;
    let to_stdout = args.output.as_ref().is_none_or(|o| o.as_os_str() == "-");
    let terminal = to_stdout && std::io::stdout().is_terminal();
    let format = args
        .format
        .unwrap_or(if terminal { Format::Text } else { Format::Svg });
    let bytes = match format {
        Format::Svg => svg::render(&map, &name).into_bytes(),
        Format::Text => {
            let color = use_color(args.color, terminal);
            text::render(&map, &name, text::TextOptions { color, width: 64 }).into_bytes()
        }
        Format::Json => {
            let mut v = serde_json::to_vec_pretty(&map).map_err(|e| Failure::new("json", e))?;
            v.push(b'\n');
            v
        }
    };
    let target = args.output.unwrap_or_else(|| PathBuf::from("-"));
    let mut out = Output::create(&target)?;
    out.write_all(&bytes)?;
    out.finish(None)
}

/// Colour on a terminal unless `NO_COLOR` is set (and not empty);
/// `--color=always`/`never` override both.
pub fn use_color(choice: Color, terminal: bool) -> bool {
    match choice {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    }
}
