//! Symbol lookup with versions, as the dynamic linker does it: finds NAME
//! (optionally at VERSION) through the file's `.gnu.hash` or `.hash` table
//! and prints its value, size and version; with only FILE, lists every
//! dynamic symbol as `name@version` or `name@@version` (the default).
//!
//! ```sh
//! cargo run --example symbols -- /lib/x86_64-linux-gnu/libc.so.6 memcpy
//! cargo run --example symbols -- /lib/x86_64-linux-gnu/libc.so.6 memcpy GLIBC_2.2.5
//! ```

use elfin::ElfFile;
use elfin::read::{DynamicSymbols, Symbol, SymbolVersion};

/// `name`, `name@version` (hidden, not the default) or `name@@version`.
fn versioned(dynsyms: &DynamicSymbols<'_>, index: usize, sym: &Symbol) -> elfin::Result<String> {
    let name = String::from_utf8_lossy(dynsyms.symbols().name(sym)?).into_owned();
    Ok(match dynsyms.version(index)? {
        SymbolVersion::Defined {
            name: v, hidden, ..
        } => {
            let at = if hidden { "@" } else { "@@" };
            format!("{name}{at}{}", String::from_utf8_lossy(v))
        }
        SymbolVersion::Needed { name: v, .. } => format!("{name}@{}", String::from_utf8_lossy(v)),
        _ => name,
    })
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args.next().ok_or("usage: symbols FILE [NAME [VERSION]]")?;
    let bytes = std::fs::read(&path)?;
    let file = ElfFile::parse(&bytes)?;
    // Found through the section headers, or through PT_DYNAMIC alone.
    let dynsyms = file.dynamic_symbols()?.ok_or("no dynamic symbols")?;

    let Some(name) = args.next() else {
        for (index, sym) in dynsyms.symbols().iter().enumerate().skip(1) {
            println!("{}", versioned(&dynsyms, index, &sym)?);
        }
        return Ok(());
    };
    let found = match args.next() {
        Some(version) => dynsyms.lookup_versioned(name.as_bytes(), version.as_bytes())?,
        None => dynsyms.lookup(name.as_bytes())?,
    };
    let (index, sym) = found.ok_or_else(|| format!("{name}: not found"))?;
    println!(
        "{} value {:#x} size {}",
        versioned(&dynsyms, index, &sym)?,
        sym.st_value,
        sym.st_size
    );
    Ok(())
}
