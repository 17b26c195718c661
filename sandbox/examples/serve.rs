//! Runs a sandbox until killed, with the certificates of a folder (generated if missing).
//!
//! `cargo run -p pfhir-sandbox --example serve -- [CERT_DIR] [PORT]`

use pfhir_sandbox::{Certs, Sandbox, SandboxConfig};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = args.next().unwrap_or_else(|| "sandbox-certs".to_string());
    let port = args.next().map(|p| p.parse()).transpose()?.unwrap_or(0);
    let certs = Certs::load_or_generate(&dir)?;
    let sandbox = Sandbox::start(SandboxConfig {
        port,
        ..SandboxConfig::with_certs(certs)
    })?;
    println!("{}", sandbox.base_url());
    println!("certificates in {dir}");
    loop {
        std::thread::park();
    }
}
