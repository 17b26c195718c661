//! pfhir-cli: the `pfhir` command (validate, build, create, update, read, sandbox, demo).
//!
//! The library part holds the commands so that tests can call them; `main.rs` only parses
//! the arguments. Exit status: 0 when no error-level issue was found (or the request
//! succeeded), 1 when some was (or the platform refused), 2 for usage or I/O errors.

pub mod client_cmd;
pub mod connect;
pub mod demo;
pub mod hl7_cmd;
pub mod lines;
pub mod pipeline;
pub mod relay_cmd;
pub mod render;
pub mod sandbox_cmd;
pub mod validate_cmd;

use std::io::Read;

/// The process exit status of a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitCode {
    /// Success: no error-level issue.
    Ok = 0,
    /// Some error-level issue, or a refused request.
    Invalid = 1,
    /// Usage or I/O error.
    Usage = 2,
}

/// A failure of the command itself (not a finding).
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Reading or writing failed.
    #[error("{0}")]
    Io(String),
    /// The arguments or configuration are wrong.
    #[error("{0}")]
    Usage(String),
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> Self {
        CliError::Io(e.to_string())
    }
}

/// Reads a file, or standard input for `-`, up to `limit + 1` bytes: anything longer is
/// refused by the validator's size check anyway, so memory stays bounded.
pub fn read_input(path: &str, limit: usize) -> Result<Vec<u8>, CliError> {
    let cap = (limit as u64).saturating_add(1);
    let mut buf = Vec::new();
    if path == "-" {
        std::io::stdin()
            .lock()
            .take(cap)
            .read_to_end(&mut buf)
            .map_err(|e| CliError::Io(format!("<stdin>: {e}")))?;
    } else {
        std::fs::File::open(path)
            .and_then(|f| f.take(cap).read_to_end(&mut buf))
            .map_err(|e| CliError::Io(format!("{path}: {e}")))?;
    }
    Ok(buf)
}
