//! Gives libpfhir.so a SONAME on Linux: `libpfhir.so.0.<minor>` while the version is 0.x
//! (minor versions may change the ABI), `libpfhir.so.<major>` from 1.0 on. Programs linked
//! against it then record that name, and `scripts/install-c` installs the matching links.

fn main() {
    let major = std::env::var("CARGO_PKG_VERSION_MAJOR").unwrap_or_default();
    let minor = std::env::var("CARGO_PKG_VERSION_MINOR").unwrap_or_default();
    let target_os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if target_os == "linux" {
        let soname = if major == "0" {
            format!("libpfhir.so.0.{minor}")
        } else {
            format!("libpfhir.so.{major}")
        };
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,{soname}");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
