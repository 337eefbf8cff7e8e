//! Unwind tables of linked objects: with `LinkOptions::unwind_tables`, a
//! Rust panic raised in a callback unwinds through the linked C frame
//! (libgcc's unwinder finds it through the registered `.eh_frame`) and is
//! caught by the caller.

use crate::c_code;
use crate::{dlsym_default, require, tmp};
use elfin::load::{LinkOptions, Linked};

type Callback = extern "C-unwind" fn(i32) -> i32;
type CallBack = extern "C-unwind" fn(Callback) -> i32;

extern "C-unwind" fn double(x: i32) -> i32 {
    x * 2
}

extern "C-unwind" fn boom(_: i32) -> i32 {
    panic!("boom from the callback")
}

#[test]
fn a_panic_unwinds_through_linked_code_with_unwind_tables() {
    if !require(c_code::tools()) {
        return;
    }
    let src = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/load/c/unwind.c");
    let obj = tmp("unwind.o");
    c_code::compile(
        "gcc",
        &["-c", "-O2", "-fasynchronous-unwind-tables", src],
        &obj,
    );
    let options = LinkOptions {
        unwind_tables: true,
    };
    for linked in [
        Linked::load_with(&[&obj], dlsym_default, &options).unwrap(),
        Linked::link_with(
            &[&std::fs::read(&obj).unwrap()[..]],
            dlsym_default,
            &options,
        )
        .unwrap(),
    ] {
        // SAFETY: `int elfin_call_back(int (*)(int))`; the callbacks may
        // unwind, and the tables that let them are registered.
        let call: CallBack = *unsafe { linked.function::<CallBack>("elfin_call_back") }.unwrap();
        assert_eq!(call(double), 3);
        let caught = std::panic::catch_unwind(|| call(boom));
        let payload = caught.expect_err("the panic reaches the caller");
        assert_eq!(
            payload.downcast_ref::<&str>(),
            Some(&"boom from the callback")
        );
    }
}
