//! The numbers of the ELF format: `ET_`, `EM_`, `SHT_`, `SHF_`, `PT_`,
//! `PF_`, `DT_`, `STB_`, `STT_`, `NT_`, … One file per family; each family
//! also has a `*_name` function giving the constant's name for display.

mod dynamic;
mod header;
mod note;
mod reloc;
mod reloc_riscv;
mod section;
mod segment;
mod symbol;

pub use dynamic::*;
pub use header::*;
pub use note::*;
pub use reloc::*;
pub use reloc_riscv::*;
pub use section::*;
pub use segment::*;
pub use symbol::*;

/// Defines constants of one type and a function naming them.
macro_rules! named_consts {
    ($ty:ty, $fn_name:ident, $what:literal, { $($(#[$m:meta])* $name:ident = $val:expr,)* }) => {
        $( $(#[$m])* pub const $name: $ty = $val; )*
        #[doc = concat!("The name of a ", $what, " constant, if it is one elfin knows.")]
        pub fn $fn_name(value: $ty) -> Option<&'static str> {
            #[allow(unreachable_patterns)]
            match value {
                $( $name => Some(stringify!($name)), )*
                _ => None,
            }
        }
    };
}
pub(crate) use named_consts;
