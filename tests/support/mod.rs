//! Helpers of the differential test against GNU readelf
//! (`tests/readelf_diff.rs`): a parser of `readelf -W` text and readelf's
//! number-to-name renderings.
#![allow(dead_code)]

pub mod hostile;
pub mod json;
pub mod names;
pub mod readelf;
