//! `pfhir`: see the crate docs of `pfhir-cli`.

use clap::{Args, Parser, Subcommand};
use pfhir_cli::validate_cmd;
use pfhir_cli::{CliError, ExitCode};
use pfhir_core::json::Limits;
use pfhir_core::validate::{Validator, ValidatorOptions};

/// Build, validate and submit FHIR STU3 patient messages to the Partners FHIR API.
#[derive(Parser)]
#[command(name = "pfhir", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Validate FHIR JSON files (partner profile unless --base); exit 1 if any error is found.
    Validate(ValidateArgs),
}

#[derive(Args)]
struct ValidateArgs {
    /// Files to validate (`-` reads standard input).
    #[arg(required = true)]
    files: Vec<String>,
    /// STU3 only: skip the partner profile rules.
    #[arg(long)]
    base: bool,
    /// Print one OperationOutcome per file as one JSON line.
    #[arg(long)]
    json: bool,
    /// The (single) file is NDJSON: one Bundle per line; prints a summary at the end.
    #[arg(long)]
    ndjson: bool,
    /// Set a partner rule's severity: RULE=error|warning|off (repeatable).
    #[arg(long = "rule", value_name = "RULE=SEVERITY")]
    rules: Vec<String>,
    /// Accept one more identifier system as assigning authority (repeatable).
    #[arg(long = "authority", value_name = "SYSTEM")]
    authorities: Vec<String>,
    /// Largest accepted document, in bytes.
    #[arg(long, default_value_t = Limits::DEFAULT_MAX_BYTES)]
    max_bytes: usize,
    /// Deepest accepted nesting of objects and arrays.
    #[arg(long, default_value_t = Limits::DEFAULT_MAX_DEPTH)]
    max_depth: usize,
    /// Show the offending values in messages (they may be patient data).
    #[arg(long)]
    show_values: bool,
}

fn validator_from(args: &ValidateArgs) -> Result<Validator, CliError> {
    let mut o = if args.base {
        ValidatorOptions::base()
    } else {
        ValidatorOptions::partner()
    };
    o.limits = Limits {
        max_bytes: args.max_bytes,
        max_depth: args.max_depth,
    };
    o.include_values = args.show_values;
    for r in &args.rules {
        let (rule, sev) = r
            .split_once('=')
            .ok_or_else(|| CliError::Usage(format!("--rule {r}: expected RULE=SEVERITY")))?;
        o.set_severity_by_name(rule, sev)
            .map_err(|e| CliError::Usage(e.to_string()))?;
    }
    for a in &args.authorities {
        o.add_authority(a)
            .map_err(|e| CliError::Usage(e.to_string()))?;
    }
    Validator::new(o).map_err(|e| CliError::Usage(e.to_string()))
}

fn run(cli: Cli) -> Result<ExitCode, CliError> {
    match cli.command {
        Command::Validate(args) => {
            let validator = validator_from(&args)?;
            if args.ndjson {
                let [file] = args.files.as_slice() else {
                    return Err(CliError::Usage("--ndjson takes exactly one file".into()));
                };
                validate_cmd::validate_ndjson(&validator, file, args.json)
            } else {
                validate_cmd::validate_files(&validator, &args.files, args.json)
            }
        }
    }
}

fn main() {
    let cli = Cli::parse();
    let code = match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("pfhir: {e}");
            ExitCode::Usage
        }
    };
    std::process::exit(code as i32);
}
