//! A readelf-like dump: the file header, the sections, the segments, the
//! dynamic section's libraries and the notes of any ELF file (any class,
//! byte order and machine), as `readelf -h -S -l -d -n` shows them.
//!
//! ```sh
//! cargo run --example readelf -- /usr/bin/ls
//! ```

use elfin::ElfFile;
use elfin::raw::consts::{
    DT_NEEDED, DT_RUNPATH, DT_SONAME, PT_NOTE, em_name, et_name, pt_name, sht_name,
};
use elfin::read::GnuNote;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args_os().nth(1).ok_or("usage: readelf FILE")?;
    let bytes = std::fs::read(&path)?;
    let file = ElfFile::parse(&bytes)?;
    let h = file.header();

    println!("class:   {:?}, {:?} endian", file.class(), file.endian());
    println!("type:    {}", et_name(h.e_type).unwrap_or("?"));
    println!("machine: {}", em_name(h.e_machine).unwrap_or("?"));
    println!("entry:   {:#x}", h.e_entry);

    println!("sections: {}", file.section_count());
    for section in file.sections().skip(1) {
        let s = section.header();
        println!(
            "  [{:2}] {:<24} {:<14} addr {:#x} off {:#x} size {:#x}",
            section.index(),
            // A damaged name does not stop the dump: say so and go on.
            section.name_str().unwrap_or("<bad name>"),
            sht_name(s.sh_type).unwrap_or("?"),
            s.sh_addr,
            s.sh_offset,
            s.sh_size
        );
    }

    println!("segments: {}", file.segment_count());
    for p in file.segments() {
        let flags: String = [
            (p.is_read(), 'R'),
            (p.is_write(), 'W'),
            (p.is_execute(), 'E'),
        ]
        .iter()
        .map(|&(on, c)| if on { c } else { ' ' })
        .collect();
        println!(
            "  {:<16} off {:#x} vaddr {:#x} filesz {:#x} memsz {:#x} {flags}",
            pt_name(p.p_type).unwrap_or("?"),
            p.p_offset,
            p.p_vaddr,
            p.p_filesz,
            p.p_memsz
        );
    }
    if let Some(interp) = file.interpreter()? {
        println!("interpreter: {}", String::from_utf8_lossy(interp));
    }

    if let Some(dynamic) = file.dynamic()? {
        for d in dynamic.iter() {
            let kind = match d.d_tag {
                DT_NEEDED => "needed",
                DT_SONAME => "soname",
                DT_RUNPATH => "runpath",
                _ => continue,
            };
            let name = file.dynamic_string(d.d_val)?;
            println!("{kind}: {}", String::from_utf8_lossy(name));
        }
    }

    for p in file.segments().filter(|p| p.p_type == PT_NOTE) {
        for note in file.segment_notes(&p)? {
            let note = note?;
            match note.gnu(file.encoding()) {
                Some(GnuNote::BuildId(id)) => {
                    let hex: String = id.iter().map(|b| format!("{b:02x}")).collect();
                    println!("build id: {hex}");
                }
                Some(GnuNote::AbiTag {
                    major,
                    minor,
                    patch,
                    ..
                }) => {
                    println!("abi tag: {major}.{minor}.{patch}")
                }
                _ => println!(
                    "note: {} type {:#x}",
                    String::from_utf8_lossy(note.name),
                    note.kind
                ),
            }
        }
    }
    Ok(())
}
