//! The checked-in generated files equal what the generator writes from the vendored definitions.

#[test]
fn generated_files_are_up_to_date() {
    let mut files = xtask::all_generated().expect("generation works");
    files.push(xtask::generated_header().expect("cbindgen works"));
    let stale = xtask::stale_files(&files);
    assert!(
        stale.is_empty(),
        "out of date: {stale:?}; run `cargo xtask gen` and commit the result"
    );
}
