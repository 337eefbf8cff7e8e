//! The text of every kind of error, written out by hand.

use super::*;
use std::string::ToString;

#[test]
fn error_display_of_each_kind() {
    let cases = [
        (
            Error::bad_magic(),
            "file header at 0x0: not an ELF file (no \\x7fELF magic)",
        ),
        (
            Error::bad_class(9),
            "file header at 0x4: unknown class 9 (EI_CLASS must be 1 or 2)",
        ),
        (
            Error::bad_byte_order(3),
            "file header at 0x5: unknown byte order 3 (EI_DATA must be 1 or 2)",
        ),
        (
            Error::out_of_bounds(
                Structure::SectionHeader,
                Field::ShOffsetSize,
                0x1f000,
                0x400,
            )
            .at_index(12),
            "section header 12 at 0x1f000: sh_offset + sh_size 0x1f000 + 0x400 is out of bounds",
        ),
        (
            Error::overflow(Structure::ProgramHeader, Field::POffsetFilesz, u64::MAX, 2)
                .at_index(1),
            "program header 1 at 0xffffffffffffffff: p_offset + p_filesz 0xffffffffffffffff + 0x2 overflows",
        ),
        (
            Error::bad_entry_size(Structure::FileHeader, 0, Field::EShentsize, 32, 64),
            "file header at 0x0: e_shentsize is 32, expected 64",
        ),
        (
            Error::bad_index(Structure::StringTable, 0x200, Field::StringOffset, 4096),
            "string table at 0x200: string offset 4096 is out of range",
        ),
        (
            Error::bad_value(Structure::SectionHeader, 0x40, Field::ShTypeOfStrtab, 2).at_index(3),
            "section header 3 at 0x40: sh_type of a linked string table has bad value 0x2",
        ),
        (
            Error::unterminated(Structure::StringTable, 0x109),
            "string table at 0x109: string is not NUL-terminated",
        ),
        (
            Error::not_utf8(Structure::StringTable, 0x10),
            "string table at 0x10: string is not valid UTF-8",
        ),
        (
            Error::missing(Structure::DynamicTable, 0, Field::MissingDtStrtab),
            "dynamic table at 0x0: DT_STRTAB is missing",
        ),
        (
            Error::endless(Structure::HashTable, 0x2a8),
            "hash table at 0x2a8: chain does not end (loop or too long for the input)",
        ),
        (
            Error::decompress(Structure::CompressedSection, 0x3000, Field::ZstdCorrupt).at_index(7),
            "compressed section 7 at 0x3000: decompression failed: zstd stream is corrupt",
        ),
        (
            Error::unsupported_compression(Structure::CompressedSection, 0x3000, 9),
            "compressed section at 0x3000: unsupported compression type 9",
        ),
        (
            Error::too_large(Structure::CompressedSection, 0x3000, 0x10000),
            "compressed section at 0x3000: output of 0x10000 bytes exceeds the limit",
        ),
    ];
    for (err, text) in cases {
        assert_eq!(err.to_string(), text);
    }
}

#[test]
fn accessors_give_back_what_was_stored() {
    let e = Error::out_of_bounds(Structure::Note, Field::NNamesz, 0x2ac, 0x100).at_index(2);
    assert_eq!(e.structure(), "note");
    assert_eq!(e.index(), Some(2));
    assert_eq!(e.offset(), 0x2ac);
    assert_eq!(
        e.problem(),
        Problem::OutOfBounds {
            field: "n_namesz",
            start: 0x2ac,
            size: 0x100
        }
    );
    assert_eq!(Error::bad_magic().index(), None);
    // An index too large for the stored width stays an index.
    assert_eq!(
        Error::bad_magic().at_index(u64::MAX).index(),
        Some(u64::from(u32::MAX - 1))
    );
}

#[test]
fn every_name_has_text() {
    for s in Structure::ALL {
        assert!(!s.text().is_empty(), "{s:?}");
    }
    for f in &Field::ALL[1..] {
        assert!(!f.text().is_empty(), "{f:?}");
    }
}
