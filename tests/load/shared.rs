//! Shared objects from GNU ld (`gcc -shared`) and lld (`clang -fuse-ld=lld
//! -shared`), with libc resolved through `dlsym(RTLD_DEFAULT, ...)`.

use crate::c_code;
use crate::{dlsym_default, require};
use elfin::load::Image;

fn load_and_call(cc: &str, args: &[&str], name: &str) {
    let so = c_code::build(cc, args, name);
    let image = Image::load(&so, dlsym_default).unwrap();
    // SAFETY: lib.c's functions, loaded.
    let got = unsafe { c_code::calls(|n| image.address(n).unwrap()) };
    assert_eq!(got, c_code::expected(), "{name}");
    // The same file from bytes (segments copied rather than mapped).
    let bytes = std::fs::read(&so).unwrap();
    let image = Image::from_bytes(&bytes, dlsym_default).unwrap();
    // SAFETY: as above.
    let got = unsafe { c_code::calls(|n| image.address(n).unwrap()) };
    assert_eq!(got, c_code::expected(), "{name} from bytes");
}

#[test]
fn gnu_ld_shared_object() {
    if !require(c_code::tools()) {
        return;
    }
    load_and_call("gcc", &["-O2", "-shared", "-fPIC"], "gnu-ld.so");
}

#[test]
fn lld_shared_object() {
    if !(require(c_code::tools()) && require(&["clang-19", "ld.lld-19"])) {
        return;
    }
    load_and_call(
        "clang-19",
        &["-O2", "-shared", "-fPIC", "-fuse-ld=lld"],
        "lld.so",
    );
}
