//! A small patchelf: rewrites the dynamic-linking settings of a program or
//! library, keeping everything the loader maps byte for byte (the file
//! grows where a new string or entry does not fit).
//!
//! ```sh
//! cargo run --example patchelf -- /usr/bin/ls ls2 --set-runpath '$ORIGIN/lib' --add-needed libm.so.6
//! readelf -d ls2 && ./ls2
//! ```
//!
//! Options, each taking effect in order: `--set-interpreter PATH`,
//! `--set-runpath PATH`, `--set-soname NAME`, `--add-needed LIB`,
//! `--replace-needed OLD NEW`, `--strip` (drop what is not needed at run
//! time: symbols, debugging information).

use elfin::ElfFile;
use elfin::write::Rewriter;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let usage = "usage: patchelf INPUT OUTPUT [OPTION ARG...]";
    let mut args = std::env::args_os().skip(1);
    let input = args.next().ok_or(usage)?;
    let output = args.next().ok_or(usage)?;

    let bytes = std::fs::read(&input)?;
    let file = ElfFile::parse(&bytes)?;
    let mut rewriter = Rewriter::new(&file)?;
    while let Some(option) = args.next() {
        let mut value = || {
            args.next()
                .map(|v| v.as_bytes().to_vec())
                .ok_or(format!("{}: needs a value", option.to_string_lossy()))
        };
        match option.as_bytes() {
            b"--set-interpreter" => rewriter.set_interpreter(&value()?)?,
            b"--set-runpath" => rewriter.set_runpath(&value()?)?,
            b"--set-soname" => rewriter.set_soname(&value()?)?,
            b"--add-needed" => rewriter.add_needed(&value()?)?,
            b"--replace-needed" => {
                let (old, new) = (value()?, value()?);
                rewriter.replace_needed(&old, &new)?
            }
            b"--strip" => {
                let removed = rewriter.strip();
                println!("stripped {removed} sections");
            }
            _ => return Err(format!("{}: unknown option", option.to_string_lossy()).into()),
        }
    }
    let out = rewriter.write()?;
    std::fs::write(&output, &out)?;
    // The output runs as the input did: keep its mode.
    let mode = std::fs::metadata(&input)?.permissions().mode();
    std::fs::set_permissions(&output, std::fs::Permissions::from_mode(mode))?;
    println!("{} bytes -> {} bytes", bytes.len(), out.len());
    Ok(())
}
