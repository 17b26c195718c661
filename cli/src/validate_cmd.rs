//! `pfhir validate`: validate files (or NDJSON bulk exports) and report.
//!
//! Both run on `jobs` threads through [`crate::pipeline`]: the output is the same bytes in
//! the same order as with one thread (apart from the throughput figures of the NDJSON
//! summary), and memory is bounded by a window of lines (or files) in flight, not by the
//! size of the input.

use crate::lines::{self, Batch, Batches, Chunk, ChunkReader};
use crate::pipeline;
use crate::render;
use crate::{read_input, CliError, ExitCode};
use pfhir_core::json::LineIndex;
use pfhir_core::validate::{Outcome, Validator};
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{Read, Write};
use std::time::Instant;

/// Batches of NDJSON lines in flight per thread (queued, being validated, or written out).
const BATCHES_PER_JOB: usize = 4;
/// Whole files in flight per thread.
const FILES_PER_JOB: usize = 2;

/// The default of `--jobs`: every core the process may use.
pub fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// Validates each file (on `jobs` threads; reports in argument order); `json` prints one
/// OperationOutcome per file on one line.
pub fn validate_files(
    validator: &Validator,
    files: &[String],
    json: bool,
    jobs: usize,
) -> Result<ExitCode, CliError> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut any_error = false;
    let jobs = jobs.min(files.len());
    pipeline::ordered_map(
        jobs,
        jobs * FILES_PER_JOB,
        files.iter(),
        |file| report_file(validator, file, json),
        |report| {
            let (text, has_errors) = report?;
            any_error |= has_errors;
            out.write_all(text.as_bytes())?;
            Ok::<(), CliError>(())
        },
    )?;
    Ok(if any_error {
        ExitCode::Invalid
    } else {
        ExitCode::Ok
    })
}

/// Reads and validates one file; its report and whether it has errors.
fn report_file(validator: &Validator, file: &str, json: bool) -> Result<(String, bool), CliError> {
    let bytes = read_input(file, validator.options().limits.max_bytes)?;
    let outcome = validator.validate(&bytes);
    let text = if json {
        let mut s = outcome.to_json();
        s.push('\n');
        s
    } else {
        let name = if file == "-" { "<stdin>" } else { file };
        let mut s = render::render_outcome(name, &bytes, &outcome);
        s.push_str(&format!("{name}: {}\n", render::summary(&outcome)));
        s
    };
    Ok((text, outcome.has_errors()))
}

/// Validates NDJSON files (one Bundle per line; `-` is standard input) one after the other,
/// each on `jobs` threads, and prints each one's report in line order, then its summary.
pub fn validate_ndjson(
    validator: &Validator,
    files: &[String],
    json: bool,
    jobs: usize,
) -> Result<ExitCode, CliError> {
    let mut all_valid = true;
    for file in files {
        all_valid &= validate_one_ndjson(validator, file, json, jobs)?;
    }
    Ok(if all_valid {
        ExitCode::Ok
    } else {
        ExitCode::Invalid
    })
}

/// Work for one thread: a batch of lines it read from a stream (standard input, a pipe), or
/// a chunk of a regular file that it reads itself.
enum Part {
    Lines(std::io::Result<Batch>),
    Chunk(Chunk),
}

/// A validated batch: the lines with issues (their number in the batch, their bytes and
/// outcome), the OperationOutcome lines of `--json`, its counts, and how many lines it
/// spans. The human report is rendered by the thread that writes, which knows the lines
/// before the batch.
struct Checked {
    flagged: Vec<(usize, Vec<u8>, Outcome)>,
    json: String,
    tally: Tally,
    lines: usize,
}

/// Counts of an NDJSON file or a part of it.
#[derive(Default)]
struct Tally {
    validated: u64,
    valid: u64,
    bytes: u64,
    per_code: BTreeMap<&'static str, u64>,
}

impl Tally {
    fn add(&mut self, other: Tally) {
        self.validated += other.validated;
        self.valid += other.valid;
        self.bytes += other.bytes;
        for (code, n) in other.per_code {
            *self.per_code.entry(code).or_default() += n;
        }
    }
}

/// The parts of an NDJSON input, taken by the threads in turn: the chunks of a regular file
/// (of `len` bytes), or the batches of a stream (`file`, or standard input when `None`),
/// read by whichever thread takes the next one.
fn parts<'f>(
    file: Option<&'f File>,
    len: Option<u64>,
    keep: usize,
) -> Box<dyn Iterator<Item = Part> + Send + 'f> {
    let stream = |reader: Box<dyn Read + Send + 'f>| {
        Batches::new(std::io::BufReader::with_capacity(1 << 20, reader), keep).map(Part::Lines)
    };
    match (file, len) {
        (Some(_), Some(len)) => Box::new(lines::chunks(len).map(Part::Chunk)),
        (Some(f), None) => Box::new(stream(Box::new(f))),
        (None, _) => Box::new(stream(Box::new(std::io::stdin()))),
    }
}

/// Validates one NDJSON file; `true` when every line is valid.
fn validate_one_ndjson(
    validator: &Validator,
    file: &str,
    json: bool,
    jobs: usize,
) -> Result<bool, CliError> {
    let name = if file == "-" { "<stdin>" } else { file };
    let opened = if file == "-" {
        None
    } else {
        Some(File::open(file).map_err(|e| CliError::Io(format!("{file}: {e}")))?)
    };
    // A regular file is read in chunks by the workers; standard input, a pipe or a device
    // as a stream by one thread.
    let regular = opened
        .as_ref()
        .and_then(|f| f.metadata().ok())
        .filter(std::fs::Metadata::is_file)
        .map(|m| m.len());
    let keep = validator.options().limits.max_bytes;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let started = Instant::now();
    let mut total = Tally::default();
    let mut lines_before = 0usize;
    pipeline::ordered_map_with(
        jobs,
        jobs * BATCHES_PER_JOB,
        parts(opened.as_ref(), regular, keep),
        // Only a regular file is read in chunks: a stream needs no chunk reader.
        || regular.and(opened.as_ref()).map(ChunkReader::new),
        |reader, part| match part {
            Part::Lines(batch) => Ok(check_batch(validator, &batch?, json)),
            Part::Chunk(chunk) => match reader {
                Some(reader) => Ok(check_batch(validator, reader.read(chunk, keep)?, json)),
                None => Err(std::io::Error::other("a chunk without its file")),
            },
        },
        |done: std::io::Result<Checked>| {
            let checked = done.map_err(|e| CliError::Io(format!("{name}: {e}")))?;
            if json {
                out.write_all(checked.json.as_bytes())?;
            } else if !checked.flagged.is_empty() {
                let text = render_flagged(name, &checked, lines_before);
                out.write_all(text.as_bytes())?;
            }
            lines_before += checked.lines;
            total.add(checked.tally);
            Ok::<(), CliError>(())
        },
    )?;
    let secs = started.elapsed().as_secs_f64().max(1e-9);
    let codes: Vec<String> = total
        .per_code
        .iter()
        .map(|(c, n)| format!("{c}={n}"))
        .collect();
    let summary = format!(
        "{name}: validated {}, valid {}, invalid {}; errors by code: {}; {:.0} bundles/s, {:.1} MB/s",
        total.validated,
        total.valid,
        total.validated - total.valid,
        if codes.is_empty() { "none".to_string() } else { codes.join(" ") },
        total.validated as f64 / secs,
        total.bytes as f64 / 1e6 / secs
    );
    if json {
        eprintln!("{summary}");
    } else {
        writeln!(out, "{summary}")?;
    }
    Ok(total.valid == total.validated)
}

/// Validates the lines of a batch: those with issues (kept for the report), the
/// OperationOutcome line of each with `json`, and the counts.
fn check_batch(validator: &Validator, batch: &Batch, json: bool) -> Checked {
    let mut checked = Checked {
        flagged: Vec::new(),
        json: String::new(),
        tally: Tally::default(),
        lines: batch.line_count(),
    };
    let tally = &mut checked.tally;
    for (n, line) in batch.lines() {
        tally.bytes += line.len() as u64;
        let outcome = validator.validate(line);
        tally.validated += 1;
        if outcome.has_errors() {
            for issue in outcome.issues.iter().filter(|i| i.severity.is_error()) {
                *tally.per_code.entry(issue.code().as_str()).or_default() += 1;
            }
        } else {
            tally.valid += 1;
        }
        if json {
            checked.json.push_str(&outcome.to_json());
            checked.json.push('\n');
        } else if !outcome.issues.is_empty() {
            checked.flagged.push((n, line.to_vec(), outcome));
        }
    }
    checked
}

/// The human report of a batch's lines with issues, numbered by line in the file (the
/// batch's own numbers start after `lines_before` lines).
fn render_flagged(name: &str, checked: &Checked, lines_before: usize) -> String {
    let mut text = String::new();
    for (n, line, outcome) in &checked.flagged {
        let source = String::from_utf8_lossy(line);
        let index = LineIndex::new(&source);
        let number = u32::try_from(lines_before + n).unwrap_or(u32::MAX);
        for issue in &outcome.issues {
            render::render_issue(&mut text, name, &index, issue, number);
        }
    }
    text
}
