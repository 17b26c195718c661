//! HL7 v2 in: an ADT message (ER7) becomes a partner Bundle, every issue points at the HL7
//! field it came from, and an original-mode ACK answers the sender.
//!
//! Three steps with one job each: [`parse`] (ER7 with byte spans, escapes and character
//! sets; no FHIR knowledge), [`map`] (segments -> [`PatientInput`], each field remembering
//! its HL7 location), and the existing builder. Issues of the builder and of the Bundle
//! validator are traced back through the map's [`Trace`]s. [`ack`] answers from the same
//! [`Conversion`]. The mapping table is docs/hl7v2.md.

mod ack;
mod charset;
mod escape;
mod issue;
mod location;
mod map;
mod parse;
mod tables;
mod time;

pub use ack::{ack, ack_of, AckCode};
pub use charset::Charset;
pub use escape::{escape, DecodeError};
pub use issue::{operation_outcome, ErrorCode0357, Hl7Issue, Hl7MessageId, HL7_ERROR_SYSTEM};
pub use location::Location;
pub use map::{map, Mapped, Trace};
pub use parse::{parse, Limits, Message, ParseError, Segment, Separators, Value};
pub use time::{parse_dtm, parse_offset, Dtm, TimeError};

use crate::build::{build_bundle_checked, BuildError, BuildOptions, IdsInput, PatientInput};
use crate::validate::{OptionsError, Severity, ValidatorOptions};
use issue::Hl7MessageId as H;

/// Whether an event creates or updates a patient.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    /// A01, A04, A05, A28.
    Create,
    /// A08, A31.
    Update,
}

impl EventKind {
    /// `create` or `update`.
    pub const fn as_str(self) -> &'static str {
        match self {
            EventKind::Create => "create",
            EventKind::Update => "update",
        }
    }
}

/// What a site configures (docs/hl7v2.md, "Options").
#[derive(Debug, Clone)]
pub struct Hl7Options {
    /// CX.4.1 / HD.1 namespace -> identifier system (case-insensitive namespaces). Default:
    /// `CIP` -> the CIP OID, `METEDA` -> the Meteda OID.
    pub namespaces: Vec<(String, String)>,
    /// Identifier systems accepted as assigning authority besides CIP and Meteda.
    pub extra_authorities: Vec<String>,
    /// The site's fixed UTC offset in minutes, for times without zone (MSH-7, PID-29,
    /// DG1-5); `None`: such times are refused.
    pub utc_offset: Option<i16>,
    /// The organization OID (MessageHeader.source.endpoint, the `org_id` header); default:
    /// MSH-4.2 when MSH-4.3 is `ISO`.
    pub org_id: Option<String>,
    /// The exact MessageHeader.source.endpoint (default `urn:oid:` + the OID).
    pub source_endpoint: Option<String>,
    /// The platform's Patient id, for updates (A08, A31): the v2 update. Without it the
    /// business id becomes Patient.id (v1).
    pub patient_id: Option<String>,
    /// The character set of a message without MSH-18.
    pub default_charset: Charset,
    /// Size limit.
    pub limits: Limits,
    /// Fixed resource ids (reproducible output); default fresh UUIDs.
    pub ids: IdsInput,
    /// The ACK's MSH-10; default a fresh UUID.
    pub ack_control_id: Option<String>,
    /// The ACK's MSH-7 (a DTM); default now, in UTC.
    pub ack_time: Option<String>,
    /// The current time as an instant, for hosts without a clock (wasm32: the builder falls
    /// back to it when MSH-7 gives no usable timestamp); default the system clock.
    pub now: Option<String>,
}

impl Default for Hl7Options {
    fn default() -> Self {
        Hl7Options {
            namespaces: vec![
                ("CIP".to_string(), crate::profile::CIP_SYSTEM.to_string()),
                (
                    "METEDA".to_string(),
                    crate::profile::METEDA_SYSTEM.to_string(),
                ),
            ],
            extra_authorities: Vec::new(),
            utc_offset: None,
            org_id: None,
            source_endpoint: None,
            patient_id: None,
            default_charset: Charset::Utf8,
            limits: Limits::default(),
            ids: IdsInput::default(),
            ack_control_id: None,
            ack_time: None,
            now: None,
        }
    }
}

impl Hl7Options {
    /// Whether `system` is an accepted assigning authority.
    pub fn accepts(&self, system: &str) -> bool {
        map::BUILTIN_AUTHORITIES.contains(&system)
            || self.extra_authorities.iter().any(|a| a == system)
    }

    /// Adds `NAMESPACE=SYSTEM` to the namespace table (replacing an entry of that namespace).
    pub fn add_namespace(&mut self, spec: &str) -> Result<(), Hl7OptionsError> {
        let (ns, system) = spec
            .split_once('=')
            .filter(|(n, s)| !n.trim().is_empty() && !s.trim().is_empty())
            .ok_or(Hl7OptionsError::Namespace)?;
        ValidatorOptions::check_authority(system.trim())?;
        self.namespaces
            .retain(|(n, _)| !n.eq_ignore_ascii_case(ns.trim()));
        self.namespaces
            .push((ns.trim().to_string(), system.trim().to_string()));
        Ok(())
    }
}

/// A wrong option.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Hl7OptionsError {
    /// `--hl7-authority` is not `NAMESPACE=SYSTEM`.
    #[error("an HL7 authority must be NAMESPACE=SYSTEM (e.g. HOSP=urn:oid:1.2.3)")]
    Namespace,
    /// The time zone is not a fixed offset.
    #[error("the site time zone must be a fixed UTC offset such as +01:00, -05:00 or Z")]
    Offset,
    /// An identifier system is not acceptable.
    #[error(transparent)]
    Authority(#[from] OptionsError),
}

/// The header fields an ACK echoes (escaped for the standard separators).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Header {
    /// MSH-3.
    pub sending_application: String,
    /// MSH-4.
    pub sending_facility: String,
    /// MSH-5.
    pub receiving_application: String,
    /// MSH-6.
    pub receiving_facility: String,
    /// MSH-10, the message control id.
    pub control_id: String,
    /// MSH-11.1, the processing id.
    pub processing_id: String,
    /// MSH-12.1, the version.
    pub version: String,
    /// The trigger event (MSH-9.2, or EVN-1).
    pub event: String,
    /// The character set, when MSH-18 named one pfhir knows.
    pub charset: Option<Charset>,
}

/// The result of converting one message.
#[derive(Debug, Clone)]
pub struct Conversion {
    /// Create or update (when the event is one pfhir maps).
    pub kind: Option<EventKind>,
    /// The Bundle as compact JSON, the bytes the validator checked, when no error was
    /// found (`crate::model::from_slice` reads it into the typed model).
    pub bundle: Option<Vec<u8>>,
    /// The PatientInput the map made (when the message got that far).
    pub input: Option<PatientInput>,
    /// Every finding: pfhir's and the validator's, with HL7 locations.
    pub issues: Vec<Hl7Issue>,
    /// Where each PatientInput field came from and the Bundle element it became: made
    /// when an issue of the builder or the validator had to be located (or the update
    /// read them), else empty (making them for every message would cost time for nothing;
    /// [`map`] gives them for any message).
    pub traces: Vec<Trace>,
    /// What the ACK says.
    pub ack_code: AckCode,
    /// The header fields the ACK echoes.
    pub header: Header,
}

impl Conversion {
    /// The findings as an STU3 OperationOutcome, compact JSON.
    pub fn outcome_json(&self) -> String {
        outcome_json(&self.issues)
    }

    /// Takes the Bundle's compact JSON out (without a copy), leaving `bundle` `None`.
    pub fn take_bundle_json(&mut self) -> Option<Vec<u8>> {
        self.bundle.take()
    }

    /// The Bundle as compact JSON (a copy of `bundle`).
    pub fn bundle_json(&self) -> Option<Vec<u8>> {
        self.bundle.clone()
    }
}

/// The findings of a conversion as an STU3 OperationOutcome, compact JSON
/// ([`Conversion::outcome_json`] for callers that keep only the issues).
pub fn outcome_json(issues: &[Hl7Issue]) -> String {
    if issues.is_empty() {
        // The same "all OK" outcome for every message without findings: made once.
        static ALL_OK: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        return ALL_OK.get_or_init(|| outcome_text(&[])).clone();
    }
    outcome_text(issues)
}

/// The STU3 OperationOutcome of `issues`, compact JSON.
fn outcome_text(issues: &[Hl7Issue]) -> String {
    String::from_utf8(crate::model::to_vec(&operation_outcome(issues))).unwrap_or_default()
}

/// Converts HL7 v2 messages with one set of options; immutable, `Send + Sync`.
#[derive(Debug)]
pub struct Converter {
    options: Hl7Options,
}

impl Converter {
    /// A converter; fails when an accepted authority is not a usable identifier system.
    pub fn new(options: Hl7Options) -> Result<Converter, Hl7OptionsError> {
        for a in &options.extra_authorities {
            ValidatorOptions::check_authority(a)?;
        }
        Ok(Converter { options })
    }

    /// The options.
    pub fn options(&self) -> &Hl7Options {
        &self.options
    }

    /// Converts one message (MLLP frame or not).
    pub fn convert(&self, bytes: &[u8]) -> Conversion {
        let mut conv = Conversion {
            kind: None,
            bundle: None,
            input: None,
            issues: Vec::new(),
            traces: Vec::new(),
            ack_code: AckCode::Reject,
            header: Header::default(),
        };
        let msg = match parse(bytes, &self.options.limits, self.options.default_charset) {
            Ok(m) => m,
            Err(e) => {
                let id = match e {
                    ParseError::TooLong { .. } => H::TooLong,
                    _ => H::Unreadable,
                };
                let loc = matches!(
                    e,
                    ParseError::NoMsh | ParseError::TruncatedMsh | ParseError::BadSeparators
                )
                .then(|| Location::segment(*b"MSH", 1));
                conv.issues.push(Hl7Issue::new(id, loc, e.to_string()));
                return conv;
            }
        };
        conv.header = header(&msg);
        match self.check_header(&msg, &mut conv) {
            Some(kind) => {
                conv.kind = Some(kind);
                // The traces are made only when an issue of the builder or the validator
                // needs one (most messages have none): see `build`.
                let mut mapped = map::map_with(&msg, &self.options, kind, false);
                if msg.segments_with(b"PID").next().is_some() {
                    self.build(&msg, kind, mapped, &mut conv);
                } else {
                    conv.issues.append(&mut mapped.issues);
                }
            }
            None => return conv,
        }
        conv.ack_code = if conv.issues.iter().any(|i| i.severity == Severity::Fatal) {
            AckCode::Reject
        } else if conv.issues.iter().any(|i| i.severity.is_error()) {
            AckCode::Error
        } else {
            AckCode::Accept
        };
        if conv.ack_code != AckCode::Accept {
            conv.bundle = None;
        }
        conv
    }

    /// MSH-18, MSH-10, MSH-12 and MSH-9: the event kind, or `None` after a fatal issue.
    fn check_header(&self, msg: &Message<'_>, conv: &mut Conversion) -> Option<EventKind> {
        let fatal = |conv: &mut Conversion, id: H, v: Value<'_, '_>, text: &str| {
            let mut issue = Hl7Issue::new(id, Some(v.loc), text);
            (issue.line, issue.column) = msg.line_col(v.offset());
            conv.issues.push(issue);
        };
        if msg.unknown_charset {
            fatal(conv, H::UnknownCharset, msg.msh(18), "MSH-18 names a character set pfhir does not support (ASCII, 8859/1, 8859/15, UNICODE UTF-8)");
            return None;
        }
        if conv.header.control_id.is_empty() {
            fatal(
                conv,
                H::NoControlId,
                msg.msh(10),
                "MSH-10 (message control id) is empty",
            );
            return None;
        }
        let version = conv.header.version.as_str();
        if !tables::VERSIONS.contains(&version) {
            fatal(
                conv,
                H::UnsupportedVersion,
                msg.msh(12),
                "MSH-12 is not a supported version (2.3 to 2.8)",
            );
            return None;
        }
        let msh9 = msg.msh(9);
        let kind = msh9.component(1).text().ok().flatten();
        if kind.as_deref() != Some("ADT") {
            fatal(
                conv,
                H::UnsupportedMessageType,
                msh9.component(1),
                "MSH-9.1 is not ADT: not a Patient services event",
            );
            return None;
        }
        let event = &conv.header.event;
        if tables::CREATE_EVENTS.contains(&event.as_str()) {
            Some(EventKind::Create)
        } else if tables::UPDATE_EVENTS.contains(&event.as_str()) {
            Some(EventKind::Update)
        } else {
            fatal(
                conv,
                H::UnsupportedEvent,
                msh9.component(2),
                "MSH-9.2 is not a Patient services event pfhir maps (A01, A04, A05, A28 create; A08, A31 update)",
            );
            None
        }
    }

    /// Builds the Bundle, then traces the builder's and the validator's issues.
    fn build(&self, msg: &Message<'_>, kind: EventKind, mapped: Mapped, conv: &mut Conversion) {
        let Mapped {
            input,
            mut traces,
            issues,
        } = mapped;
        conv.issues.extend(issues);
        let built = build_bundle_checked(&input, &options_of(&self.options));
        // Only a finding inside an entry can be placed by a trace (every trace expression
        // is under `Bundle.entry[`): others, such as "no Condition" at `Bundle.entry`, never.
        let located = match &built {
            Ok(checked) => checked
                .outcome
                .issues
                .iter()
                .any(|v| v.expression.starts_with(map::TRACED_ROOT)),
            Err(BuildError::Input(fields)) => !fields.is_empty(),
            Err(_) => false,
        };
        if located && traces.is_empty() {
            // Mapping again gives the same input and issues, with the traces this time.
            traces = map(msg, &self.options, kind).traces;
        }
        let trace_of_field = |field: &str| -> Option<&Trace> {
            let mut f = field;
            loop {
                if let Some(t) = traces.iter().find(|t| t.field == f) {
                    return Some(t);
                }
                f = &f[..f.rfind(['.', '['])?];
            }
        };
        let place = |issue: &mut Hl7Issue, t: &Trace| {
            issue.location = t.location;
            issue.expression = Some(t.expression.to_string());
            if t.location.is_some() {
                (issue.line, issue.column) = msg.line_col(t.offset);
            }
        };
        // The builder validates its output with the partner validator; its warnings and
        // notes are traced like the builder's errors.
        match built {
            Ok(checked) => {
                for v in checked.outcome.issues {
                    let mut issue = Hl7Issue::new(H::Internal, None, v.message.clone());
                    issue.severity = v.severity;
                    issue.message_id = v.message_id.id();
                    issue.code = v.code();
                    issue.issue_type = v.issue_type();
                    issue.rule = v.key.filter(|k| k.starts_with("partner-"));
                    issue.hl7_code = if v.severity.is_error() {
                        ErrorCode0357::DataType
                    } else {
                        ErrorCode0357::Accepted
                    };
                    let best = traces
                        .iter()
                        .filter(|t| is_prefix(&t.expression, &v.expression))
                        .max_by_key(|t| t.expression.len());
                    if let Some(t) = best {
                        place(&mut issue, t);
                    }
                    issue.expression = Some(v.expression).filter(|e| !e.is_empty());
                    // A finding about a field already in error is its consequence.
                    if !self.is_duplicate(&conv.issues, &issue) {
                        conv.issues.push(issue);
                    }
                }
                conv.bundle = Some(checked.json);
            }
            Err(BuildError::Input(fields)) => {
                for f in fields {
                    let trace = trace_of_field(&f.field);
                    let name = match trace.and_then(|t| t.location) {
                        Some(l) => l.to_string(),
                        None => f.field.clone(),
                    };
                    let mut issue =
                        Hl7Issue::new(H::BuilderRefused, None, format!("{name} {}", f.message));
                    if let Some(t) = trace {
                        place(&mut issue, t);
                    }
                    if !self.is_duplicate(&conv.issues, &issue) {
                        conv.issues.push(issue);
                    }
                }
            }
            Err(e) => conv
                .issues
                .push(Hl7Issue::new(H::Internal, None, e.to_string())),
        }
        conv.input = Some(input);
        conv.traces = traces;
    }
}

impl Converter {
    /// Whether an error already reported covers the location of `issue`.
    fn is_duplicate(&self, issues: &[Hl7Issue], issue: &Hl7Issue) -> bool {
        issues.iter().any(|i| {
            i.severity.is_error()
                && match (i.location, issue.location) {
                    (Some(a), Some(b)) => overlaps(&a, &b),
                    _ => false,
                }
        })
    }
}

/// The builder's options for a conversion's.
fn options_of(options: &Hl7Options) -> BuildOptions {
    BuildOptions {
        extra_authorities: options.extra_authorities.clone(),
        now: options.now.clone(),
        source_endpoint: options.source_endpoint.clone(),
        omit_bundle_id: false,
    }
}

/// Whether FHIRPath `outer` is `inner` or contains it.
fn is_prefix(outer: &str, inner: &str) -> bool {
    inner == outer
        || (inner.starts_with(outer)
            && matches!(inner.as_bytes().get(outer.len()), Some(b'.' | b'[')))
}

/// Whether one location contains the other.
fn overlaps(a: &Location, b: &Location) -> bool {
    let part = |x: u32, y: u32| x == 0 || y == 0 || x == y;
    a.segment == b.segment
        && a.occurrence == b.occurrence
        && part(u32::from(a.field), u32::from(b.field))
        && part(a.repetition.max(1), b.repetition.max(1))
        && part(u32::from(a.component), u32::from(b.component))
        && part(u32::from(a.subcomponent), u32::from(b.subcomponent))
}

/// The header fields of a parsed message, escaped for the standard separators.
fn header(msg: &Message<'_>) -> Header {
    let std = Separators::default();
    let text = |v: Value<'_, '_>| -> String {
        let mut out = String::new();
        if let Ok(Some(t)) = v.text() {
            escape::escape_into(&mut out, &t, &std);
        }
        out
    };
    // HD.1^HD.2^HD.3, trailing empty components left out.
    let hd = |n: u16| -> String {
        let f = msg.msh(n);
        let mut out = text(f.component(1));
        let mut carets = 0;
        for c in 2..=3 {
            carets += 1;
            if let Ok(Some(part)) = f.component(c).text() {
                out.extend(std::iter::repeat_n('^', carets));
                carets = 0;
                escape::escape_into(&mut out, &part, &std);
            }
        }
        out
    };
    let msh9 = msg.msh(9);
    let mut event = text(msh9.component(2));
    if event.is_empty() {
        if let Some(evn) = msg.segments_with(b"EVN").next() {
            event = text(msg.field(evn, 1));
        }
    }
    Header {
        sending_application: hd(3),
        sending_facility: hd(4),
        receiving_application: hd(5),
        receiving_facility: hd(6),
        control_id: text(msg.msh(10)),
        processing_id: text(msg.msh(11).component(1)),
        version: text(msg.msh(12).component(1)),
        event,
        charset: (!msg.msh(18).is_empty() && !msg.unknown_charset).then_some(msg.charset),
    }
}

#[cfg(test)]
mod tests;
