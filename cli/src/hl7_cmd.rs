//! `pfhir hl7 to-bundle` and `pfhir hl7 ack`: HL7 v2 ADT messages in (docs/hl7v2.md).

use crate::{read_input, CliError, ExitCode};
use clap::Args;
use pfhir_core::build::IdsInput;
use pfhir_core::hl7v2::{ack, parse_offset, Charset, Conversion, Converter, Hl7Issue, Hl7Options};
use std::io::Write;

/// The options shared by `hl7 to-bundle` and `hl7 ack`.
#[derive(Args, Debug, Clone, Default)]
pub struct Hl7Args {
    /// The HL7 v2 message (ER7, MLLP framing allowed; `-`: stdin).
    pub file: String,
    /// Map an assigning authority namespace (CX.4.1) to an identifier system (repeatable).
    #[arg(long = "hl7-authority", value_name = "NAMESPACE=SYSTEM")]
    pub hl7_authorities: Vec<String>,
    /// Accept one more identifier system as assigning authority (repeatable).
    #[arg(long = "authority", value_name = "SYSTEM")]
    pub authorities: Vec<String>,
    /// The organization OID (default: MSH-4.2 when MSH-4.3 is ISO).
    #[arg(long, value_name = "OID")]
    pub org_id: Option<String>,
    /// The exact MessageHeader.source.endpoint (default urn:oid: and the org id).
    #[arg(long, value_name = "URI")]
    pub source_endpoint: Option<String>,
    /// The platform's Patient id, for updates (A08, A31): a v2 update. Without it the
    /// business id becomes Patient.id (v1).
    #[arg(long, value_name = "ID")]
    pub patient_id: Option<String>,
    /// The site's fixed UTC offset for times without zone (+01:00, -05:00, Z); without it
    /// such times are refused.
    #[arg(long, value_name = "OFFSET")]
    pub tz: Option<String>,
    /// Character set of messages without MSH-18: ASCII, 8859/1, 8859/15, UNICODE UTF-8.
    #[arg(long, value_name = "NAME", default_value = "UNICODE UTF-8")]
    pub charset: String,
    /// Largest accepted message, in bytes.
    #[arg(long, default_value_t = pfhir_core::hl7v2::Limits::DEFAULT_MAX_BYTES)]
    pub max_bytes: usize,
    /// Fixed ids for reproducible output: bundle-S, header-S, patient-S, condition-S.
    #[arg(long, value_name = "S")]
    pub fixed_ids: Option<String>,
    /// The ACK's MSH-10 (default: a fresh UUID).
    #[arg(long, value_name = "ID")]
    pub ack_control_id: Option<String>,
    /// The ACK's MSH-7, a DTM (default: now, UTC).
    #[arg(long, value_name = "DTM")]
    pub ack_time: Option<String>,
}

impl Hl7Args {
    /// The converter options.
    pub fn options(&self) -> Result<Hl7Options, CliError> {
        let usage = |e: &dyn std::fmt::Display| CliError::Usage(e.to_string());
        let mut o = Hl7Options::default();
        for spec in &self.hl7_authorities {
            o.add_namespace(spec).map_err(|e| usage(&e))?;
        }
        o.extra_authorities = self.authorities.clone();
        o.org_id = self.org_id.clone();
        o.source_endpoint = self.source_endpoint.clone();
        o.patient_id = self.patient_id.clone();
        if let Some(tz) = &self.tz {
            o.utc_offset = Some(parse_offset(tz).ok_or_else(|| {
                CliError::Usage(
                    "--tz must be a fixed UTC offset such as +01:00, -05:00 or Z".into(),
                )
            })?);
        }
        o.default_charset = Charset::from_msh18(&self.charset).ok_or_else(|| {
            CliError::Usage("--charset must be ASCII, 8859/1, 8859/15 or UNICODE UTF-8".into())
        })?;
        o.limits.max_bytes = self.max_bytes;
        if let Some(s) = &self.fixed_ids {
            o.ids = IdsInput {
                bundle: Some(format!("bundle-{s}")),
                message_header: Some(format!("header-{s}")),
                patient: Some(format!("patient-{s}")),
                condition: Some(format!("condition-{s}")),
                conditions: Vec::new(),
            };
        }
        o.ack_control_id = self.ack_control_id.clone();
        o.ack_time = self.ack_time.clone();
        Ok(o)
    }

    fn convert(&self) -> Result<(Conversion, Hl7Options), CliError> {
        let options = self.options()?;
        let bytes = read_input(&self.file, options.limits.max_bytes)?;
        let converter =
            Converter::new(options.clone()).map_err(|e| CliError::Usage(e.to_string()))?;
        Ok((converter.convert(&bytes), options))
    }
}

/// One issue as a line of the human report.
pub fn render_issue(issue: &Hl7Issue) -> String {
    let mut s = format!("{}[{}]", issue.severity.as_str(), issue.message_id);
    if let Some(l) = issue.location {
        s.push_str(&format!(" {l}"));
    }
    if issue.line > 0 {
        s.push_str(&format!(" (line {}, column {})", issue.line, issue.column));
    }
    s.push_str(&format!(": {}", issue.message));
    if let Some(e) = &issue.expression {
        s.push_str(&format!("\n    at {e}"));
    }
    s
}

/// `pfhir hl7 to-bundle`: the Bundle on stdout (exit 0), or the issues (exit 1).
pub fn to_bundle(args: &Hl7Args, json: bool, pretty: bool) -> Result<ExitCode, CliError> {
    let (conv, _) = args.convert()?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let stderr = std::io::stderr();
    let mut err = stderr.lock();
    if let Some(kind) = conv.kind {
        writeln!(err, "pfhir: ADT^{} -> {}", conv.header.event, kind.as_str())?;
    }
    let Some(bundle) = conv.bundle_json() else {
        if json {
            writeln!(out, "{}", conv.outcome_json())?;
        } else {
            for issue in &conv.issues {
                writeln!(err, "{}", render_issue(issue))?;
            }
            writeln!(err, "pfhir: no Bundle (ACK {})", conv.ack_code.as_str())?;
        }
        return Ok(ExitCode::Invalid);
    };
    for issue in &conv.issues {
        writeln!(err, "{}", render_issue(issue))?;
    }
    if pretty {
        let value: serde_json::Value =
            serde_json::from_slice(&bundle).map_err(|e| CliError::Io(e.to_string()))?;
        let text = serde_json::to_string_pretty(&value).map_err(|e| CliError::Io(e.to_string()))?;
        writeln!(out, "{text}")?;
    } else {
        out.write_all(&bundle)?;
        writeln!(out)?;
    }
    Ok(ExitCode::Ok)
}

/// `pfhir hl7 ack`: the ACK on stdout, segments ended by `\r`; exit 0 whatever it says.
pub fn ack_cmd(args: &Hl7Args) -> Result<ExitCode, CliError> {
    let (conv, options) = args.convert()?;
    std::io::stdout().lock().write_all(&ack(&conv, &options))?;
    Ok(ExitCode::Ok)
}
