//! A `#![no_std]` Rust object for the loader tests: static data holding
//! pointers, a function-pointer table, calls between functions, a call into
//! libc.
#![no_std]

unsafe extern "C" {
    fn strlen(s: *const u8) -> usize;
}

static GREETING: &[u8] = b"hello from rust\0";
static TABLE: [fn(i32) -> i32; 3] = [double, square, negate];
static mut COUNTER: i32 = 0;

#[inline(never)]
fn double(x: i32) -> i32 {
    x.wrapping_mul(2)
}

#[inline(never)]
fn square(x: i32) -> i32 {
    x.wrapping_mul(x)
}

#[inline(never)]
fn negate(x: i32) -> i32 {
    x.wrapping_neg()
}

/// Applies table entry `i` (mod 3) to `x`.
#[unsafe(no_mangle)]
pub extern "C" fn rust_apply(i: u32, x: i32) -> i32 {
    TABLE[(i % 3) as usize](x)
}

/// The greeting's length, through libc.
#[unsafe(no_mangle)]
pub extern "C" fn rust_greeting_len() -> usize {
    // SAFETY: GREETING ends with a NUL.
    unsafe { strlen(core::hint::black_box(GREETING).as_ptr()) }
}

/// Counts calls.
#[unsafe(no_mangle)]
pub extern "C" fn rust_count() -> i32 {
    // SAFETY: the tests call this from one thread.
    unsafe {
        COUNTER += 1;
        COUNTER
    }
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    loop {}
}
