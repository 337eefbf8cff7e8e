//! The names an [`Error`](super::Error) can carry, one byte each: the
//! structure it was reading, and the field it found wrong (or what was
//! missing, or why decompression failed). Their text is what `Display`
//! prints; a new name is a new line here.

/// Defines a one-byte enum of names with the text of each.
macro_rules! names {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[repr(u8)]
        // Some names are only decompression's.
        #[cfg_attr(
            not(all(feature = "write", feature = "compression")),
            allow(dead_code)
        )]
        pub(crate) enum $name {
            $($(#[$vmeta])* $variant,)*
        }

        impl $name {
            /// The text `Display` prints.
            pub(crate) const fn text(self) -> &'static str {
                match self {
                    $(Self::$variant => $text,)*
                }
            }

            /// Every name, for tests.
            #[cfg(test)]
            pub(crate) const ALL: &'static [$name] = &[$(Self::$variant,)*];
        }
    };
}

names! {
    /// The structure being read (or, for the writer, built).
    Structure {
        FileHeader = "file header",
        SectionHeader = "section header",
        SectionHeaderTable = "section header table",
        ProgramHeader = "program header",
        ProgramHeaderTable = "program header table",
        StringTable = "string table",
        SymbolTable = "symbol table",
        Symbol = "symbol",
        DynamicTable = "dynamic table",
        DynamicString = "dynamic string",
        DynamicStringTable = "dynamic string table",
        DynamicSymbolTable = "dynamic symbol table",
        HashTable = "hash table",
        GnuHashTable = "GNU hash table",
        VersionSymbolTable = "version symbol table",
        VersionDefinitions = "version definitions",
        VersionDefinition = "version definition",
        VersionDefinitionAux = "version definition aux",
        VersionNeeds = "version needs",
        VersionNeed = "version need",
        VersionNeedAux = "version need aux",
        SectionGroup = "section group",
        RelocationSection = "relocation section",
        RelaTable = "DT_RELA table",
        RelTable = "DT_REL table",
        RelrTable = "DT_RELR table",
        JmprelTable = "DT_JMPREL table",
        CrelHeader = "CREL header",
        CrelEntry = "CREL entry",
        Note = "note",
        GnuProperty = "GNU property",
        CompressionHeader = "compression header",
        CompressedSection = "compressed section",
        /// A range a caller asked for by offset or address.
        Requested = "requested range",
    }
}

names! {
    /// The field found wrong; for [`Kind::Missing`](super::Kind) what was
    /// missing, for [`Kind::Decompress`](super::Kind) why it failed.
    Field {
        None = "",
        // File header and tables.
        Header = "header",
        EShentsize = "e_shentsize",
        EPhentsize = "e_phentsize",
        EShstrndx = "e_shstrndx",
        EShoffEntry0 = "e_shoff + e_shentsize",
        EShnumTooLarge = "e_shnum (its table's size overflows)",
        EShoffTable = "e_shoff + e_shnum * e_shentsize",
        EPhnumTooLarge = "e_phnum (its table's size overflows)",
        EPhoffTable = "e_phoff + e_phnum * e_phentsize",
        EShnumWithoutShoff = "e_shnum (e_shoff is 0: there is no section header table)",
        EPhoffZero = "e_phnum (e_phoff is 0: there is no program header table)",
        DynamicShSizeDiffers = "sh_size of .dynamic (PT_DYNAMIC differs; the segment is read)",
        DynamicSizeNotMultiple = "size (not a multiple of the entry size)",
        ShSizeNotMultiple = "sh_size (not a multiple of the entry size)",
        GnuHashCountDiffers = "symbol count (differs from the hash table's nchain)",
        SectionIndex = "section index",
        ShOffsetSize = "sh_offset + sh_size",
        ShEntsize = "sh_entsize",
        ShSize = "sh_size",
        ShSizeFlagWord = "sh_size (flag word)",
        ShTypeOfStrtab = "sh_type of a linked string table",
        POffsetFilesz = "p_offset + p_filesz",
        OffsetSize = "offset + size",
        AddressSize = "address + size",
        AddressSizePastSegment = "address + size (past its segment)",
        AddressToSegmentEnd = "address to end of segment",
        AddressInNoLoad = "address (in no PT_LOAD segment)",
        // Strings and symbols.
        StringOffset = "string offset",
        SymbolIndex = "symbol index",
        SymtabShndxEntry = "SHT_SYMTAB_SHNDX entry",
        SymbolCountFromHash = "symbol count from the hash table",
        // Hash tables.
        HashWords = "(2 + nbucket + nchain) words",
        ChainIndex = "chain index",
        GnuHashHeadBloomBuckets = "header + bloom + buckets",
        Symoffset = "symoffset (plus a chain index, past the address space)",
        // Notes, relocations, compression.
        NNamesz = "n_namesz",
        NDescsz = "n_descsz",
        PrDatasz = "pr_datasz",
        Entry = "entry",
        ChSizeMismatch = "ch_size (differs from the decompressed size)",
        // What is missing.
        MissingPtDynamic = "PT_DYNAMIC",
        MissingDtNull = "DT_NULL (the table ends without it)",
        MissingSection0ForPhnum = "section 0, which holds the count when e_phnum is PN_XNUM",
        MissingDtStrtab = "DT_STRTAB",
        MissingShstrtab = "section-name string table (e_shstrndx is 0)",
        MissingUsableShstrtab = "a usable section-name string table (ElfFile::section_names says why)",
        MissingSymtabShndx = "SHT_SYMTAB_SHNDX section for SHN_XINDEX",
        MissingLastChainEnd = "end of the last hash chain (past the end of the data)",
        MissingChainEnd = "end of hash chain (past the end of the data)",
        // Why decompression failed.
        ZlibCorrupt = "zlib stream is corrupt or larger than ch_size",
        ZstdHeaderCorrupt = "zstd frame header is corrupt",
        ZstdCorrupt = "zstd stream is corrupt",
        ZstdTooLarge = "zstd stream is larger than ch_size",
    }
}
