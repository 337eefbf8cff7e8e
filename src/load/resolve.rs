//! How the caller tells the loader where outside symbols are.

/// Finds the address of a symbol the loaded code needs from outside:
/// `name` and, when the file asks for one, its `version` (`GLIBC_2.2.5`).
///
/// A closure `FnMut(&[u8], Option<&[u8]>) -> Option<usize>` is a resolver.
/// Tests and programs that want what the process itself has can look the
/// name up with `dlsym(RTLD_DEFAULT, name)`.
///
/// ```
/// use elfin::load::Resolver;
/// fn answer() -> i32 { 42 }
/// let mut r = |name: &[u8], _version: Option<&[u8]>| {
///     (name == b"answer").then_some(answer as *const () as usize)
/// };
/// assert_eq!(r.resolve(b"answer", None), Some(answer as *const () as usize));
/// assert_eq!(r.resolve(b"other", None), None);
/// ```
pub trait Resolver {
    /// The address of `name` (at `version`), or `None` if unknown.
    fn resolve(&mut self, name: &[u8], version: Option<&[u8]>) -> Option<usize>;
}

impl<F: FnMut(&[u8], Option<&[u8]>) -> Option<usize>> Resolver for F {
    fn resolve(&mut self, name: &[u8], version: Option<&[u8]>) -> Option<usize> {
        self(name, version)
    }
}

/// A resolver that knows no symbol: for self-contained code.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoSymbols;

impl Resolver for NoSymbols {
    fn resolve(&mut self, _: &[u8], _: Option<&[u8]>) -> Option<usize> {
        None
    }
}
