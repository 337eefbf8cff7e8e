//! What a bootloader or firmware does with an ELF image it carries: with no
//! allocator and no `std`, read the image embedded in the binary, check it
//! is a 64-bit executable for the expected machine, and work out where each
//! `PT_LOAD` segment goes, how many bytes to copy and how many to zero.
//!
//! The module `boot` is the part such a program would contain: it uses
//! only `core` and elfin's reader, which works with `default-features =
//! false` (no `std`, no `alloc`). It cannot be a `#![no_std]` binary here,
//! as examples share the crate's build; `tests/no_std.rs` builds and runs a
//! real freestanding one. `main` stands in for the firmware's console.
//!
//! The embedded image, `examples/data/hello.elf`, is the output of
//! `cargo run --example build_static_exe -- examples/data/hello.elf`.

mod boot {
    use elfin::ElfFile;
    use elfin::raw::consts::{EM_X86_64, ET_EXEC, PT_LOAD};
    use elfin::read::Class;

    /// One segment to load: copy `file_size` bytes from `offset` in the
    /// image to `addr`, then zero up to `mem_size`.
    #[derive(Debug, Clone, Copy, Default)]
    pub struct Load {
        pub addr: u64,
        pub offset: u64,
        pub file_size: u64,
        pub mem_size: u64,
        pub writable: bool,
        pub executable: bool,
    }

    /// Why an image cannot be booted.
    #[derive(Debug)]
    pub enum BootError {
        /// Not a readable ELF file.
        Elf(elfin::Error),
        /// A valid file, but not a 64-bit x86-64 executable.
        WrongKind,
        /// More segments than `out` holds.
        TooManySegments,
    }

    /// Fills `out` with the image's segments to load; returns how many,
    /// and the entry point. No allocation, no panic on a damaged image.
    pub fn plan(image: &[u8], out: &mut [Load]) -> Result<(usize, u64), BootError> {
        let file = ElfFile::parse(image).map_err(BootError::Elf)?;
        let h = file.header();
        if file.class() != Class::Elf64 || h.e_machine != EM_X86_64 || h.e_type != ET_EXEC {
            return Err(BootError::WrongKind);
        }
        // A program header table that cannot be read is no plan at all.
        if let Some(e) = file.segments_error() {
            return Err(BootError::Elf(e));
        }
        let mut count = 0;
        for p in file.segments().filter(|p| p.p_type == PT_LOAD) {
            // The bytes to copy must be in the image.
            file.segment_data(&p).map_err(BootError::Elf)?;
            let slot = out.get_mut(count).ok_or(BootError::TooManySegments)?;
            *slot = Load {
                addr: p.p_vaddr,
                offset: p.p_offset,
                file_size: p.p_filesz,
                mem_size: p.p_memsz,
                writable: p.is_write(),
                executable: p.is_execute(),
            };
            count += 1;
        }
        Ok((count, h.e_entry))
    }
}

/// The image, in the binary itself: no file system needed.
static IMAGE: &[u8] = include_bytes!("data/hello.elf");

fn main() {
    let mut loads = [boot::Load::default(); 8];
    match boot::plan(IMAGE, &mut loads) {
        Ok((count, entry)) => {
            for l in &loads[..count] {
                println!(
                    "load {:#x}..{:#x} from {:#x} ({} bytes, {} zeroed){}{}",
                    l.addr,
                    l.addr + l.mem_size,
                    l.offset,
                    l.file_size,
                    l.mem_size - l.file_size,
                    if l.writable { " writable" } else { "" },
                    if l.executable { " executable" } else { "" },
                );
            }
            println!("entry {entry:#x}");
        }
        Err(boot::BootError::Elf(e)) => {
            println!("cannot boot: {e}");
            std::process::exit(1);
        }
        Err(e) => {
            println!("cannot boot: {e:?}");
            std::process::exit(1);
        }
    }
    // A damaged image is refused with an error, never a panic.
    let damaged = &IMAGE[..IMAGE.len().min(100)];
    assert!(boot::plan(damaged, &mut loads).is_err());
}
