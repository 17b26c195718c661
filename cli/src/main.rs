//! `pfhir`: see the crate docs of `pfhir-cli`.

use clap::{Args, Parser, Subcommand};
use pfhir_cli::connect::ConnectArgs;
use pfhir_cli::hl7_cmd::Hl7Args;
use pfhir_cli::relay_cmd::{self, RelayArgs};
use pfhir_cli::sandbox_cmd::SandboxArgs;
use pfhir_cli::{client_cmd, demo, hl7_cmd, sandbox_cmd, validate_cmd};
use pfhir_cli::{CliError, ExitCode};
use pfhir_core::build::BuildOptions;
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
    /// Build a partner message Bundle from a PatientInput JSON file (`-`: stdin).
    Build {
        /// The PatientInput JSON (see docs/patient-input.md).
        input: String,
        /// Pretty-print the Bundle.
        #[arg(long)]
        pretty: bool,
        /// Build the Bundle of an update of this patient: v2, the logical id the create
        /// returned (it becomes Patient.id, as `ids.patient` would).
        #[arg(long, value_name = "ID")]
        for_update: Option<String>,
        /// Accept one more identifier system as assigning authority (repeatable).
        #[arg(long = "authority", value_name = "SYSTEM")]
        authorities: Vec<String>,
        /// The exact MessageHeader.source.endpoint (a URI; default urn:oid: and the organizationOid).
        #[arg(long, value_name = "URI")]
        source_endpoint: Option<String>,
        /// Leave Bundle.id out (the guide's request example has none).
        #[arg(long)]
        no_bundle_id: bool,
    },
    /// Create a patient: send a message Bundle (validated locally first).
    Create {
        /// The Bundle JSON file (`-`: stdin).
        file: String,
        /// x-origin-request-id to use (default: a new UUID); re-send an uncertain create with it.
        #[arg(long)]
        request_id: Option<String>,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        connect: ConnectArgs,
    },
    /// Update a patient: send a message Bundle to its id (v2: logical id; v1: business id).
    /// FILE is a Bundle, or a PatientInput that is built for this patient (v2: Patient.id is
    /// the id). Refused before sending when the Bundle is for another patient.
    Update {
        /// The patient's id.
        id: String,
        /// The Bundle or PatientInput JSON file (`-`: stdin).
        file: String,
        /// x-origin-request-id to use (default: a new UUID).
        #[arg(long)]
        request_id: Option<String>,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        connect: ConnectArgs,
    },
    /// Read a patient by logical id; prints the Patient JSON.
    Read {
        /// The patient's logical id.
        id: String,
        /// x-origin-request-id to use (default: a new UUID).
        #[arg(long)]
        request_id: Option<String>,
        #[command(flatten)]
        connect: ConnectArgs,
    },
    /// Run the local sandbox of the Partners API (mutual TLS) until killed.
    Sandbox(SandboxArgs),
    /// The main job, offline: sandbox, build, validate, create, update, read; prints a report.
    Demo {
        /// Instead: a few HL7 v2 ADT messages over MLLP through a relay to the sandbox; prints
        /// the ACKs and the messages' states.
        #[arg(long)]
        relay: bool,
    },
    /// HL7 v2 ADT messages in: make the partner Bundle, or the ACK (docs/hl7v2.md).
    #[command(subcommand)]
    Hl7(Hl7Command),
    /// HL7 v2 over MLLP in, a durable outbox, delivery to the platform (docs/relay.md); or
    /// an operator command on its store.
    Relay(Box<RelayArgs>),
}

#[derive(Subcommand)]
enum Hl7Command {
    /// The partner Bundle of an ADT message on stdout (exit 0), or its issues (exit 1).
    ToBundle {
        /// On failure print one OperationOutcome JSON line on stdout instead of a report.
        #[arg(long)]
        json: bool,
        /// Pretty-print the Bundle.
        #[arg(long)]
        pretty: bool,
        #[command(flatten)]
        args: Hl7Args,
    },
    /// The original-mode ACK of a message on stdout (exit 0 whatever it says).
    Ack {
        #[command(flatten)]
        args: Hl7Args,
    },
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
    /// The files are NDJSON: one Bundle per line; prints a summary after each file.
    #[arg(long)]
    ndjson: bool,
    /// Threads that validate (NDJSON lines, or files) at once [default: every core]. The
    /// output is the same, in the same order, whatever the number; 1 runs on one thread.
    #[arg(long, value_name = "N")]
    jobs: Option<std::num::NonZeroUsize>,
    /// Set a partner rule's severity: RULE=error|warning|off (repeatable).
    #[arg(long = "rule", value_name = "RULE=SEVERITY")]
    rules: Vec<String>,
    /// Accept one more identifier system as assigning authority (repeatable).
    #[arg(long = "authority", value_name = "SYSTEM")]
    authorities: Vec<String>,
    /// Largest accepted document, in bytes [default: 1048576 (1 MiB, the partner message
    /// size); with --base 67108864 (64 MiB, which real STU3 resources fit)].
    #[arg(long)]
    max_bytes: Option<usize>,
    /// Deepest accepted nesting of objects and arrays.
    #[arg(long, default_value_t = Limits::DEFAULT_MAX_DEPTH)]
    max_depth: usize,
    /// The most issues listed per document; the rest are counted in one last `too-costly`
    /// issue. 0: no limit.
    #[arg(long, default_value_t = ValidatorOptions::DEFAULT_MAX_ISSUES)]
    max_issues: usize,
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
    if let Some(max_bytes) = args.max_bytes {
        o.limits.max_bytes = max_bytes;
    }
    o.limits.max_depth = args.max_depth;
    o.max_issues = args.max_issues;
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
            let jobs = args
                .jobs
                .map_or_else(validate_cmd::default_jobs, usize::from);
            if args.ndjson {
                validate_cmd::validate_ndjson(&validator, &args.files, args.json, jobs)
            } else {
                validate_cmd::validate_files(&validator, &args.files, args.json, jobs)
            }
        }
        Command::Build {
            input,
            pretty,
            for_update,
            authorities,
            source_endpoint,
            no_bundle_id,
        } => {
            let options = BuildOptions {
                extra_authorities: authorities,
                source_endpoint,
                omit_bundle_id: no_bundle_id,
                ..BuildOptions::default()
            };
            client_cmd::build(&input, pretty, for_update.as_deref(), &options)
        }
        Command::Create {
            file,
            request_id,
            json,
            connect,
        } => client_cmd::create(&connect, &file, &request_id, json),
        Command::Update {
            id,
            file,
            request_id,
            json,
            connect,
        } => client_cmd::update(&connect, &id, &file, &request_id, json),
        Command::Read {
            id,
            request_id,
            connect,
        } => client_cmd::read(&connect, &id, &request_id),
        Command::Hl7(Hl7Command::ToBundle { json, pretty, args }) => {
            hl7_cmd::to_bundle(&args, json, pretty)
        }
        Command::Hl7(Hl7Command::Ack { args }) => hl7_cmd::ack_cmd(&args),
        Command::Relay(args) => relay_cmd::run(&args),
        Command::Sandbox(args) => sandbox_cmd::run(&args).map(|()| ExitCode::Ok),
        Command::Demo { relay } => {
            let report = if relay {
                demo::run_relay()
            } else {
                demo::run()
            };
            match report {
                Ok(text) => {
                    print!("{text}");
                    Ok(ExitCode::Ok)
                }
                Err(e) => Err(e),
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
