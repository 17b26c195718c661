//! The checked-in generated files equal what the generator writes (from the vendored
//! definitions, the ffi sources and the header), and every binding's hand-written layer uses
//! every function of the header (`cargo xtask check`).

#[test]
fn generated_files_are_up_to_date_and_every_function_is_used() {
    let problems = xtask::check_all().expect("generation works");
    assert!(
        problems.is_empty(),
        "{}\nrun `cargo xtask gen` and commit the result; wrap each unused function in the binding",
        problems.join("\n")
    );
}
