//! x32 and AArch64 ILP32.
