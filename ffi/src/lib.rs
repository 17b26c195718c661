//! pfhir-ffi: the C ABI of pfhir, built as `libpfhir.so` and `libpfhir.a`.
//!
//! This is the only crate with `extern "C"` functions. It wraps `pfhir-core` in opaque
//! handles with `_new`/`_free` pairs, returns errors as `pfhir_error*`, catches every panic and
//! checks every pointer, so that C, C++, .NET, Java and Python programs can link one library
//! and include one generated header (`include/pfhir.h`). The ABI itself arrives with the C ABI
//! issue; until then this crate only builds the library.
