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
        // Some names are only the writer's, or decompression's.
        #[cfg_attr(
            not(all(feature = "alloc", feature = "compression")),
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
        // The writer's, until it has its own error.
        OutputBuffer = "output buffer",
        Output = "output",
        Layout = "layout",
        Builder = "builder",
        BuilderSection = "builder section",
        BuilderSymbol = "builder symbol",
        BuilderRelocation = "builder relocation",
        Rewrite = "rewrite",
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
        // The writer's, until it has its own error.
        OutputLength = "length (must equal the planned file size)",
        AddressOrOffset = "address or offset",
        PageSize = "page size (a power of two, at least 16)",
        BaseNotPageMultiple = "base address (not a multiple of the page size)",
        BaseNotSegmentAligned = "base address (not a multiple of a segment's alignment)",
        BaseNotFirstSegmentAligned = "base address (not a multiple of the first segment's alignment)",
        MissingPtLoad = "PT_LOAD",
        OffsetOverflow = "offset",
        SectionId = "section",
        WPTINTERPToChange = "PT_INTERP to change",
        WPTLOADPFileszLargerThanPMemsz = "PT_LOAD p_filesz (larger than p_memsz)",
        WPTLOADSegmentsOnlyExecutablesAndSharedObjects = "PT_LOAD segments (only executables and shared objects can grow)",
        WAddendDoesNotFitA32BitFile = "addend (does not fit a 32-bit file's dynamic relocation)",
        WAddendOrTypeTooLargeForA32 = "addend or type (too large for a 32-bit file's relocation)",
        WAddressOverflow = "address (overflow)",
        WAlignmentNotAPowerOfTwo = "alignment (not a power of two)",
        WBindOrTypeMoreThan4Bits = "bind or type (more than 4 bits)",
        WDynamicEntriesToAddNoRoomInPlace = "dynamic entries to add (no room in place)",
        WDynamicEntryToChange = "dynamic entry to change",
        WDynamicSymbolsInSectionsPastIndex0xff00Not = "dynamic symbols in sections past index 0xff00 (not supported)",
        WEntrySymbolNoSuchSymbol = "entry symbol (no such symbol)",
        WExportALocalSymbolCannotBeExported = "export (a local symbol cannot be exported)",
        WFileTypeMustBeETRELETEXEC = "file type (must be ET_REL, ET_EXEC or ET_DYN)",
        WInterpreterContainsNUL = "interpreter (contains NUL)",
        WInterpreterSonameRunpathOrNeededNameContainsA = "interpreter, soname, runpath or needed name (contains a NUL byte)",
        WLinkOrInfoNoSuchSection = "link or info (no such section)",
        WMachineNoDynamicRelocationTypesKnown = "machine (no dynamic relocation types known)",
        WNameContainsANULByte = "name (contains a NUL byte)",
        WOffsetPastTheEndOfItsSection = "offset (past the end of its section)",
        WOffsetTheFieldRunsPastItsSection = "offset (the field runs past its section)",
        WPAlignNotAPowerOfTwo = "p_align (not a power of two)",
        WPermsALoadedTLSSectionMustBeRW = "perms (a loaded TLS section must be RW)",
        WPlaceACommonSymbolInAnExecutableOr = "place (a common symbol in an executable or shared object; define it in a section)",
        WRelroOnlyForWritableSections = "relro (only for writable sections)",
        WSectionSHTNOBITSHasNoData = "section (SHT_NOBITS has no data)",
        WSectionTLSZerosNothingThereToRelocate = "section (TLS zeros: nothing there to relocate)",
        WSectionADynamicRelocationInAReadOnly = "section (a dynamic relocation in a read-only section would need text relocations)",
        WSectionHasNoBytesToPatch = "section (has no bytes to patch)",
        WSectionNoSuchSection = "section (no such section)",
        WSectionNotLoadedCannotRelocateItInA = "section (not loaded; cannot relocate it in a linked file)",
        WSectionToRemoveNullLoadedTheNameTable = "section to remove (null, loaded, the name table, or out of range)",
        WSectionNameStringTableToNameTheNew = "section-name string table to name the new section",
        WSegmentFlagsWritableAndExecutable = "segment flags (writable and executable)",
        WShTypeSHTNOBITSIfAndOnlyIf = "sh_type (SHT_NOBITS if and only if the data is zeros)",
        WShTypeSHTNOBITSOnlyInWritableNon = "sh_type (SHT_NOBITS only in writable, non-RELRO sections)",
        WSizeOfNewDataForALoadedSection = "size of new data for a loaded section (must not change)",
        WSizeOrAddressTooLargeForA32 = "size or address (too large for a 32-bit file)",
        WSizeFlagsEntsizeOrAlignmentTooLargeFor = "size, flags, entsize or alignment (too large for a 32-bit file)",
        WSonameOrRunpathAStaticExecutableHasNo = "soname or runpath (a static executable has no dynamic table; set an interpreter or needed libraries)",
        WStringContainsNUL = "string (contains NUL)",
        WSymbolATLSRelocationAgainstASymbolOutside = "symbol (a TLS relocation against a symbol outside the loaded TLS sections)",
        WSymbolAThreadLocalVariableInARelocation = "symbol (a thread-local variable in a relocation that is not a TLS one)",
        WSymbolAnAbsoluteSymbolCannotBeReachedPC = "symbol (an absolute symbol cannot be reached PC-relatively in a position-independent file)",
        WSymbolAnUndefinedLocalSymbolCannotBeResolved = "symbol (an undefined local symbol cannot be resolved at run time)",
        WSymbolNoSuchSymbol = "symbol (no such symbol)",
        WSymbolUndefinedAndTheRelocationCannotBeDynamic = "symbol (undefined, and the relocation cannot be dynamic)",
        WSymbolValueTooLargeForA32Bit = "symbol value (too large for a 32-bit file)",
        WTypeLocalExecTLSCannotBeUsedIn = "type (local-exec TLS cannot be used in a shared object)",
        WTypeNotOneTheBuilderResolvesForThis = "type (not one the builder resolves for this machine and class)",
        WValueOrSizeTooLargeForA32 = "value or size (too large for a 32-bit file)",
        WTypeNeedsAGotNotMadeYet = "type (needs a GOT, which the builder does not make yet)",
        WTypeA64BitAddressInA32BitPositionIndependentFile = "type (a 64-bit address in a 32-bit position-independent file)",
        WTypeAnAbsoluteRelocationNarrowerThanAnAddress = "type (an absolute relocation narrower than an address cannot be used in a position-independent file)",
        WValueOutOfRangeForItsBits = "value (does not fit its field)",
        WValueNotAlignedAsItsFieldNeeds = "value (not aligned as its field needs)",
        WSymbolLabelsNoPCRELHI20ToPair = "symbol (labels no PCREL_HI20 to pair this PCREL_LO12 with)",
    }
}
