//! Placeholder: the differential test against readelf is being written.
#![cfg(feature = "cli")]
