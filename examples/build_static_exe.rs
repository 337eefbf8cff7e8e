//! Builds a static x86-64 Linux executable that prints a greeting and
//! exits 0, and writes it to the path given (mode 0755): the kernel runs it
//! as it is, with no libc and no linker involved.
//!
//! ```sh
//! cargo run --example build_static_exe -- hello && ./hello
//! ```

use elfin::raw::consts::{ET_EXEC, R_X86_64_PC32};
use elfin::write::{
    Builder, FileKind, LayoutOptions, Perms, RelocationSpec, SectionSpec, SymbolSpec,
};
use std::os::unix::fs::PermissionsExt;

const MESSAGE: &[u8] = b"hello from an executable elfin wrote\n";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args_os()
        .nth(1)
        .ok_or("usage: build_static_exe OUTPUT")?;

    // write(1, message, len); exit(0)
    let mut code = vec![0xbf, 1, 0, 0, 0]; // mov edi, 1
    code.extend([0x48, 0x8d, 0x35]); // lea rsi, [rip + message]
    let message_field = code.len() as u64;
    code.extend([0; 4]);
    code.push(0xba); // mov edx, len
    code.extend((MESSAGE.len() as u32).to_le_bytes());
    code.extend([0xb8, 1, 0, 0, 0, 0x0f, 0x05]); // mov eax, 1 (write); syscall
    code.extend([0x31, 0xff, 0xb8, 60, 0, 0, 0, 0x0f, 0x05]); // xor edi, edi; mov eax, 60 (exit); syscall
    let code_len = code.len() as u64;

    let mut b = Builder::new(FileKind::x86_64(ET_EXEC));
    // Sections with permissions: the layout puts each permission class in
    // its own PT_LOAD segment (R, then RX, then RW).
    let text = b.add_section(SectionSpec::new(&b".text"[..], Some(Perms::RX), code).align(16));
    let rodata = b.add_section(SectionSpec::new(&b".rodata"[..], Some(Perms::R), MESSAGE));
    let start = b.add_symbol(SymbolSpec::global(&b"_start"[..], text, 0).function(code_len));
    let message =
        b.add_symbol(SymbolSpec::local(&b"message"[..], rodata, 0).object(MESSAGE.len() as u64));
    // The lea's displacement: message - (field + 4), resolved at layout.
    b.add_relocation(RelocationSpec {
        section: text,
        offset: message_field,
        kind: R_X86_64_PC32,
        symbol: Some(message),
        addend: -4,
    });
    b.entry = Some(start);

    let bytes = b.to_vec(&LayoutOptions::default())?;
    std::fs::write(&path, &bytes)?;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))?;
    println!("wrote {} bytes", bytes.len());
    Ok(())
}
