//! `pfhir`: see the crate docs of `pfhir-cli`.

fn main() {
    eprintln!(
        "pfhir {}: commands arrive with the validator and client issues",
        env!("CARGO_PKG_VERSION")
    );
    std::process::exit(2);
}
