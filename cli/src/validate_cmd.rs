//! `pfhir validate`: validate files (or NDJSON bulk exports) and report.

use crate::render;
use crate::{read_input, CliError, ExitCode};
use pfhir_core::json::LineIndex;
use pfhir_core::validate::{IssueCode, Validator};
use std::collections::BTreeMap;
use std::io::{BufRead, Write};
use std::time::Instant;

/// Validates each file; `json` prints one OperationOutcome per file on one line.
pub fn validate_files(
    validator: &Validator,
    files: &[String],
    json: bool,
) -> Result<ExitCode, CliError> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut any_error = false;
    for file in files {
        let bytes = read_input(file, validator.options().limits.max_bytes)?;
        let outcome = validator.validate(&bytes);
        any_error |= outcome.has_errors();
        if json {
            writeln!(out, "{}", outcome.to_json())?;
        } else {
            let name = if file == "-" { "<stdin>" } else { file };
            write!(out, "{}", render::render_outcome(name, &bytes, &outcome))?;
            writeln!(out, "{name}: {}", render::summary(&outcome))?;
        }
    }
    Ok(if any_error {
        ExitCode::Invalid
    } else {
        ExitCode::Ok
    })
}

/// Validates an NDJSON file (one Bundle per line), then prints a summary.
pub fn validate_ndjson(
    validator: &Validator,
    file: &str,
    json: bool,
) -> Result<ExitCode, CliError> {
    let reader: Box<dyn BufRead> = if file == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        let f = std::fs::File::open(file).map_err(|e| CliError::Io(format!("{file}: {e}")))?;
        Box::new(std::io::BufReader::with_capacity(1 << 20, f))
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let started = Instant::now();
    let (mut validated, mut valid, mut bytes_total) = (0u64, 0u64, 0u64);
    let mut per_code: BTreeMap<&'static str, u64> = BTreeMap::new();
    let name = if file == "-" { "<stdin>" } else { file };
    for (n, line) in reader.split(b'\n').enumerate() {
        let mut line = line.map_err(|e| CliError::Io(format!("{name}: {e}")))?;
        if line.last() == Some(&b'\r') {
            line.pop();
        }
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        bytes_total += line.len() as u64;
        let outcome = validator.validate(&line);
        validated += 1;
        if outcome.has_errors() {
            for i in outcome.issues.iter().filter(|i| i.severity.is_error()) {
                *per_code.entry(code_name(i.code())).or_default() += 1;
            }
        } else {
            valid += 1;
        }
        if json {
            writeln!(out, "{}", outcome.to_json())?;
        } else if !outcome.issues.is_empty() {
            let text = String::from_utf8_lossy(&line);
            let index = LineIndex::new(&text);
            let mut s = String::new();
            for issue in &outcome.issues {
                render::render_issue(&mut s, name, &index, issue, n as u32);
            }
            write!(out, "{s}")?;
        }
    }
    let secs = started.elapsed().as_secs_f64().max(1e-9);
    let codes: Vec<String> = per_code.iter().map(|(c, n)| format!("{c}={n}")).collect();
    let summary = format!(
        "{name}: validated {validated}, valid {valid}, invalid {}; errors by code: {}; {:.0} bundles/s, {:.1} MB/s",
        validated - valid,
        if codes.is_empty() { "none".to_string() } else { codes.join(" ") },
        validated as f64 / secs,
        bytes_total as f64 / 1e6 / secs
    );
    if json {
        eprintln!("{summary}");
    } else {
        writeln!(out, "{summary}")?;
    }
    Ok(if valid == validated {
        ExitCode::Ok
    } else {
        ExitCode::Invalid
    })
}

fn code_name(c: IssueCode) -> &'static str {
    c.as_str()
}
