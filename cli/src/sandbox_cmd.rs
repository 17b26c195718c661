//! `pfhir sandbox`: run the local Partners API sandbox until killed.

use crate::CliError;
use pfhir_sandbox::{Certs, Sandbox, SandboxConfig};
use std::io::Write;

/// Options of `pfhir sandbox`. Its `Debug` hides the client secret.
#[derive(Clone, clap::Args)]
pub struct SandboxArgs {
    /// Folder with ca.pem, server.pem, server-key.pem, client.pem, client-key.pem (generated
    /// there when missing).
    #[arg(long)]
    pub certs: String,
    /// Port on 127.0.0.1 (0 = a free port).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// org_id the sandbox accepts.
    #[arg(long, default_value = pfhir_sandbox::config::DEFAULT_ORG_ID)]
    pub org_id: String,
    /// client_id the sandbox accepts.
    #[arg(long, default_value = pfhir_sandbox::config::DEFAULT_CLIENT_ID)]
    pub client_id: String,
    /// client_secret the sandbox accepts.
    #[arg(long, default_value = pfhir_sandbox::config::DEFAULT_CLIENT_SECRET, hide_default_value = true)]
    pub client_secret: String,
    /// Process every request as new: no idempotent replay of a repeated x-origin-request-id
    /// (also settable while running: POST /_sandbox/settings {"dedup": false}).
    #[arg(long)]
    pub no_dedup: bool,
}

impl std::fmt::Debug for SandboxArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SandboxArgs")
            .field("certs", &self.certs)
            .field("port", &self.port)
            .field("org_id", &self.org_id)
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .field("no_dedup", &self.no_dedup)
            .finish()
    }
}

/// The sandbox configuration of these options.
fn config(args: &SandboxArgs, certs: Certs) -> SandboxConfig {
    let mut config = SandboxConfig::with_certs(certs);
    config.port = args.port;
    config.org_id = args.org_id.clone();
    config.client_id = args.client_id.clone();
    config.client_secret = args.client_secret.clone();
    config.dedup = !args.no_dedup;
    config
}

/// Starts the sandbox, prints how to reach it (the base URL on the first line containing
/// `https://`), and serves until the process is killed.
pub fn run(args: &SandboxArgs) -> Result<(), CliError> {
    let certs = Certs::load_or_generate(&args.certs).map_err(|e| CliError::Io(e.to_string()))?;
    let sandbox = Sandbox::start(config(args, certs)).map_err(|e| CliError::Io(e.to_string()))?;
    let dir = std::path::Path::new(&args.certs);
    let mut out = std::io::stdout().lock();
    writeln!(out, "pfhir sandbox listening on {}", sandbox.base_url())?;
    writeln!(
        out,
        "  org_id {}  client_id {}  client_secret: see --client-secret (default sandbox-secret)",
        args.org_id, args.client_id
    )?;
    writeln!(
        out,
        "  trust {}; present {} with key {}",
        dir.join("ca.pem").display(),
        dir.join("client.pem").display(),
        dir.join("client-key.pem").display()
    )?;
    if args.no_dedup {
        writeln!(out, "  de-duplication by x-origin-request-id: off")?;
    }
    writeln!(
        out,
        "  faults: POST https://{}{}faults (see sandbox/README.md); stop with Ctrl-C",
        sandbox.addr(),
        pfhir_sandbox::ADMIN_PATH
    )?;
    out.flush()?;
    drop(out);
    loop {
        std::thread::park();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        args: SandboxArgs,
    }

    fn no_certs() -> Certs {
        Certs {
            ca_pem: String::new(),
            server_pem: String::new(),
            server_key_pem: String::new(),
            client_pem: String::new(),
            client_key_pem: String::new(),
        }
    }

    #[test]
    fn no_dedup_turns_the_sandbox_dedup_off() {
        let on = Cli::try_parse_from(["sandbox", "--certs", "c"]).expect("args");
        assert!(config(&on.args, no_certs()).dedup);
        let off = Cli::try_parse_from(["sandbox", "--certs", "c", "--no-dedup", "--port", "9"])
            .expect("args");
        let config = config(&off.args, no_certs());
        assert!(!config.dedup);
        assert_eq!(config.port, 9);
    }

    #[test]
    fn sandbox_args_debug_hides_the_secret() {
        let cli = Cli::try_parse_from([
            "sandbox",
            "--certs",
            "c",
            "--client-secret",
            "s3cr3t-sandbox-value",
        ])
        .expect("args");
        assert_eq!(cli.args.client_secret, "s3cr3t-sandbox-value");
        for shown in [format!("{:?}", cli.args), format!("{:#?}", cli.args)] {
            assert!(!shown.contains("s3cr3t-sandbox-value"), "{shown}");
            assert!(shown.contains("<redacted>"), "{shown}");
            assert!(shown.contains("client_id"), "{shown}");
        }
        // The default secret is hidden too.
        let default = Cli::try_parse_from(["sandbox", "--certs", "c"]).expect("args");
        let shown = format!("{:?}", default.args);
        assert!(
            !shown.contains(pfhir_sandbox::config::DEFAULT_CLIENT_SECRET),
            "{shown}"
        );
    }
}
