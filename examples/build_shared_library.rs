//! Builds an x86-64 shared library, `libanswer.so`, that a C program links
//! against like any other:
//!
//! ```c
//! int elfin_answer(void);          /* returns 42 */
//! int elfin_add(int a, int b);     /* returns a + b */
//! extern const char elfin_name[];  /* "elfin" */
//! ```
//!
//! ```sh
//! cargo run --example build_shared_library -- out/libanswer.so
//! gcc main.c -Lout -lanswer -o main && LD_LIBRARY_PATH=out ./main
//! ```

use elfin::raw::consts::ET_DYN;
use elfin::write::{Builder, FileKind, LayoutOptions, Perms, SectionSpec, SymbolSpec};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args_os()
        .nth(1)
        .ok_or("usage: build_shared_library OUTPUT.so")?;

    let mut b = Builder::new(FileKind::x86_64(ET_DYN));
    // The name programs linked against the library record in DT_NEEDED.
    b.soname = Some(b"libanswer.so"[..].into());

    let answer: &[u8] = &[0xb8, 42, 0, 0, 0, 0xc3]; // mov eax, 42; ret
    let add: &[u8] = &[0x8d, 0x04, 0x37, 0xc3]; // lea eax, [rdi + rsi]; ret
    let code = [answer, add].concat();
    let text = b.add_section(SectionSpec::new(&b".text"[..], Some(Perms::RX), code).align(16));
    let rodata = b.add_section(SectionSpec::new(
        &b".rodata"[..],
        Some(Perms::R),
        &b"elfin\0"[..],
    ));

    // Global symbols are exported: they go to .dynsym and .gnu.hash.
    b.add_symbol(SymbolSpec::global(&b"elfin_answer"[..], text, 0).function(answer.len() as u64));
    b.add_symbol(
        SymbolSpec::global(&b"elfin_add"[..], text, answer.len() as u64).function(add.len() as u64),
    );
    b.add_symbol(SymbolSpec::global(&b"elfin_name"[..], rodata, 0).object(6));

    let bytes = b.to_vec(&LayoutOptions::default())?;
    std::fs::write(&path, &bytes)?;

    // Read it back as a dynamic linker would find the symbols.
    let file = elfin::ElfFile::parse(&bytes)?;
    let dynsyms = file.dynamic_symbols()?.ok_or("no dynamic symbols")?;
    for name in ["elfin_answer", "elfin_add", "elfin_name"] {
        let (_, sym) = dynsyms
            .lookup(name.as_bytes())?
            .ok_or("symbol not exported")?;
        println!("{name} at {:#x}, {} bytes", sym.st_value, sym.st_size);
    }
    Ok(())
}
