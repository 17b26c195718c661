//! The value types that cross the boundary: borrowed strings, owned byte buffers, and the
//! checked conversion of C arguments into Rust slices.

use crate::error::{pfhir_error, ErrorBox};
use pfhir_core::ErrorCode;

/// A borrowed string: `data` points at `len` bytes of UTF-8 followed by a NUL (not counted
/// in `len`), owned by the object it was read from and valid until that object is freed.
/// An absent value is `{NULL, 0}`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct pfhir_str {
    /// The bytes (NUL-terminated), or NULL.
    pub data: *const std::os::raw::c_char,
    /// Their length, the NUL excluded.
    pub len: usize,
}

impl pfhir_str {
    /// `{NULL, 0}`.
    pub const EMPTY: pfhir_str = pfhir_str {
        data: std::ptr::null(),
        len: 0,
    };
}

/// An owned byte buffer: free it with `pfhir_bytes_free`. `data` is followed by a NUL byte
/// (not counted in `len`) so that text can be used as a C string.
#[repr(C)]
#[derive(Debug)]
pub struct pfhir_bytes {
    /// The bytes, or NULL for an empty buffer that owns nothing.
    pub data: *mut u8,
    /// Their length, the NUL excluded.
    pub len: usize,
}

impl pfhir_bytes {
    /// Moves `v` to C, appending the NUL.
    pub fn from_vec(mut v: Vec<u8>) -> pfhir_bytes {
        v.push(0);
        let len = v.len() - 1;
        let boxed: Box<[u8]> = v.into_boxed_slice();
        pfhir_bytes {
            data: Box::into_raw(boxed).cast::<u8>(),
            len,
        }
    }
}

/// A Rust string kept with a trailing NUL, lent to C as a [`pfhir_str`].
#[derive(Debug, Clone, Default)]
pub struct CText(String);

impl CText {
    /// Takes `s` and adds the NUL (no copy when it has room).
    pub fn from_string(mut s: String) -> CText {
        s.push('\0');
        CText(s)
    }

    /// Copies `s` (interior NULs are kept: `len` tells the real length).
    pub fn new(s: &str) -> CText {
        let mut t = String::with_capacity(s.len() + 1);
        t.push_str(s);
        t.push('\0');
        CText(t)
    }

    /// Lends it to C.
    pub fn lend(&self) -> pfhir_str {
        if self.0.is_empty() {
            return pfhir_str::EMPTY;
        }
        pfhir_str {
            data: self.0.as_ptr().cast(),
            len: self.0.len() - 1,
        }
    }
}

/// Lends an optional text (`{NULL, 0}` when absent).
pub fn lend_opt(t: &Option<CText>) -> pfhir_str {
    t.as_ref().map_or(pfhir_str::EMPTY, CText::lend)
}

/// Reads `(ptr, len)` from C as bytes. `(NULL, 0)` is the empty slice.
///
/// # Safety
/// `ptr` must point at `len` readable bytes that stay valid and unchanged during the call.
pub unsafe fn bytes_arg<'a>(ptr: *const u8, len: usize, what: &str) -> Result<&'a [u8], ErrorBox> {
    if len == 0 {
        return Ok(&[]);
    }
    if ptr.is_null() {
        return Err(pfhir_error::new(
            ErrorCode::NullArgument,
            format!("{what} is NULL (with a non-zero length)"),
        ));
    }
    if len > isize::MAX as usize {
        return Err(pfhir_error::new(
            ErrorCode::InvalidArgument,
            format!("{what}: the length is larger than any buffer can be"),
        ));
    }
    // SAFETY: the caller guarantees `ptr` points at `len` readable bytes; null and length
    // bounds are checked above.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// Reads `(ptr, len)` from C as UTF-8 text.
///
/// # Safety
/// As [`bytes_arg`].
pub unsafe fn text_arg<'a>(ptr: *const u8, len: usize, what: &str) -> Result<&'a str, ErrorBox> {
    // SAFETY: forwarded to the caller's guarantee.
    let b = unsafe { bytes_arg(ptr, len, what) }?;
    std::str::from_utf8(b).map_err(|e| {
        pfhir_error::new(
            ErrorCode::InvalidUtf8,
            format!(
                "{what} is not valid UTF-8 (first bad byte at offset {})",
                e.valid_up_to()
            ),
        )
    })
}

/// Borrows a handle from C.
///
/// # Safety
/// `p` must be NULL or a live handle of this type returned by pfhir and not yet freed.
pub unsafe fn handle<'a, T>(p: *const T, what: &str) -> Result<&'a T, ErrorBox> {
    // SAFETY: the caller guarantees a live handle or NULL.
    unsafe { p.as_ref() }
        .ok_or_else(|| pfhir_error::new(ErrorCode::NullArgument, format!("{what} is NULL")))
}

/// Borrows a handle from C mutably.
///
/// # Safety
/// As [`handle`], and no other reference to it may be in use.
pub unsafe fn handle_mut<'a, T>(p: *mut T, what: &str) -> Result<&'a mut T, ErrorBox> {
    // SAFETY: the caller guarantees a live, unaliased handle or NULL.
    unsafe { p.as_mut() }
        .ok_or_else(|| pfhir_error::new(ErrorCode::NullArgument, format!("{what} is NULL")))
}

/// Checks an out-parameter before any work is done.
pub fn out_arg<T>(p: *mut T, what: &str) -> Result<(), ErrorBox> {
    if p.is_null() {
        return Err(pfhir_error::new(
            ErrorCode::NullArgument,
            format!("{what} (the out-parameter) is NULL"),
        ));
    }
    Ok(())
}

/// Writes an out-parameter checked by [`out_arg`].
///
/// # Safety
/// `p` must be valid for writes.
pub unsafe fn write_out<T>(p: *mut T, v: T) {
    // SAFETY: checked non-NULL by `out_arg`; the caller guarantees it is writable.
    unsafe { p.write(v) }
}

/// The body of every `pfhir_*_new` that makes a handle with its defaults: checks `out`,
/// writes a fresh `T::default()` there, all inside the panic guard.
///
/// # Safety
/// `out` must be NULL (an error) or valid for writes.
pub unsafe fn new_default_handle<T: Default>(out: *mut *mut T) -> *mut pfhir_error {
    crate::error::guard(|| {
        out_arg(out, "out")?;
        // SAFETY: checked non-NULL; the caller guarantees it is writable.
        unsafe { write_out(out, into_handle(T::default())) };
        Ok(())
    })
}

/// Moves a value to C as an owned handle.
pub fn into_handle<T>(v: T) -> *mut T {
    Box::into_raw(Box::new(v))
}

/// Frees a handle made by [`into_handle`]; NULL is a no-op.
///
/// # Safety
/// `p` must be NULL or a handle of this type from pfhir, not freed before.
pub unsafe fn free_handle<T>(p: *mut T) {
    if !p.is_null() {
        // SAFETY: the caller guarantees ownership of a handle made by `into_handle`.
        drop(unsafe { Box::from_raw(p) });
    }
}

/// Reads a field of a handle that may be NULL (`fallback` then), inside the panic guard: the
/// body of every result accessor.
///
/// # Safety
/// `p` must be NULL or a live handle of this type.
pub unsafe fn read_field<T, V: Copy>(p: *const T, fallback: V, f: impl FnOnce(&T) -> V) -> V {
    // SAFETY: the caller guarantees a live handle or NULL.
    crate::error::guard_or(fallback, || unsafe { p.as_ref() }.map_or(fallback, f))
}
