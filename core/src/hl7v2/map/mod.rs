//! Segments -> [`PatientInput`]: every field read is remembered with its HL7 location and
//! the FHIRPath of the Bundle element it becomes (a [`Trace`]), so that any later issue can
//! be pointed at the HL7 field. The table is docs/hl7v2.md.

/// The FHIRPath of a Patient element, as a `&'static str` (`patient!(".gender")`).
macro_rules! patient {
    ($tail:literal) => {
        concat!("Bundle.entry[1].resource", $tail)
    };
}

/// The FHIRPath of a MessageHeader element, as a `&'static str`.
macro_rules! header {
    ($tail:literal) => {
        concat!("Bundle.entry[0].resource", $tail)
    };
}

/// `trace!(self, field, &value, expression)`: records a [`Trace`] when the mapper keeps them;
/// the field and expression are not even made otherwise.
macro_rules! trace {
    ($m:expr, $($arg:expr),+ $(,)?) => {
        if $m.tracing {
            $m.trace($($arg),+)
        }
    };
}

mod diagnosis;
mod patient;

use super::issue::{Hl7Issue, Hl7MessageId as H};
use super::location::Location;
use super::parse::{Message, Segment, Value};
use super::time::{parse_dtm, TimeError};
use super::{EventKind, Hl7Options};
use crate::build::PatientInput;
use crate::profile::{CIP_SYSTEM, METEDA_SYSTEM};
use std::borrow::Cow;

/// The Patient's FHIRPath in the Bundle.
const PATIENT: &str = patient!("");

/// What every [`Trace::expression`] starts with: an element of a Bundle entry.
pub(super) const TRACED_ROOT: &str = "Bundle.entry[";

/// Where a PatientInput field came from and which Bundle element it becomes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trace {
    /// The PatientInput field (`birthDate`, `identifiers[1]`).
    pub field: Cow<'static, str>,
    /// The HL7 field it was read from (none for values from options).
    pub location: Option<Location>,
    /// Byte offset of that field in the message.
    pub offset: usize,
    /// The FHIRPath of the Bundle element (`Bundle.entry[1].resource.birthDate`).
    pub expression: Cow<'static, str>,
}

/// The result of mapping: the input, the traces, and the mapping's findings.
#[derive(Debug, Clone, Default)]
pub struct Mapped {
    /// The PatientInput (fields in error are left out).
    pub input: PatientInput,
    /// Field -> HL7 location -> FHIRPath.
    pub traces: Vec<Trace>,
    /// What the mapping found.
    pub issues: Vec<Hl7Issue>,
}

struct Mapper<'m, 'a> {
    msg: &'m Message<'a>,
    opts: &'m Hl7Options,
    out: Mapped,
    /// Whether [`Trace`]s are recorded.
    tracing: bool,
}

/// Maps the PID and DG1 segments and MSH-4/MSH-7 of a message to a PatientInput.
pub fn map(msg: &Message<'_>, opts: &Hl7Options, kind: EventKind) -> Mapped {
    map_with(msg, opts, kind, true)
}

/// [`map`], with `traces` left empty unless `tracing` (the input and the issues are the
/// same: mapping is deterministic, so the traces can be made later by mapping again).
/// An update that takes the business id as Patient.id reads the traces: there they are
/// always recorded.
pub(super) fn map_with(
    msg: &Message<'_>,
    opts: &Hl7Options,
    kind: EventKind,
    tracing: bool,
) -> Mapped {
    let tracing = tracing || needs_traces(opts, kind);
    let mut m = Mapper {
        msg,
        opts,
        out: Mapped {
            traces: if tracing {
                Vec::with_capacity(64)
            } else {
                Vec::new()
            },
            ..Mapped::default()
        },
        tracing,
    };
    m.header();
    match msg.segments_with(b"PID").next() {
        Some(pid) => {
            let pid = *pid;
            m.patient(&pid);
            m.diagnoses();
            m.ids(kind, &pid);
        }
        None => m.out.issues.push(Hl7Issue::new(
            H::MissingSegment,
            Some(Location::segment(*b"PID", 1)),
            "the PID segment is missing: an ADT message carries the patient in PID",
        )),
    }
    m.out
}

/// Whether mapping itself reads the traces: an update without the platform's patient id
/// (the business id's location comes from its trace).
fn needs_traces(opts: &Hl7Options, kind: EventKind) -> bool {
    kind == EventKind::Update && opts.patient_id.is_none()
}

impl<'m, 'a> Mapper<'m, 'a> {
    fn issue(&mut self, id: H, v: &Value<'_, '_>, message: impl Into<String>) {
        let mut issue = Hl7Issue::new(id, Some(v.loc), message);
        let (line, column) = self.msg.line_col(v.offset());
        issue.line = line;
        issue.column = column;
        self.out.issues.push(issue);
    }

    fn trace(
        &mut self,
        field: impl Into<Cow<'static, str>>,
        v: &Value<'_, '_>,
        expression: impl Into<Cow<'static, str>>,
    ) {
        self.out.traces.push(Trace {
            field: field.into(),
            location: Some(v.loc),
            offset: v.offset(),
            expression: expression.into(),
        });
    }

    /// The text of a value, to keep; an undecodable one is reported and read as absent.
    fn text(&mut self, v: Value<'_, 'a>) -> Option<String> {
        self.text_ref(v).map(Cow::into_owned)
    }

    /// [`Mapper::text`] borrowed from the message when it has no escape and is UTF-8 (for a
    /// value that is only looked at: no copy).
    fn text_ref(&mut self, v: Value<'_, 'a>) -> Option<Cow<'a, str>> {
        match v.text() {
            Ok(t) => t,
            Err(e) => {
                self.issue(H::Undecodable, &v, format!("{} cannot be read: {e}", v.loc));
                None
            }
        }
    }

    fn time_error(&mut self, v: &Value<'_, '_>, e: TimeError) {
        let id = match e {
            TimeError::Format => H::BadDateTime,
            TimeError::NoZone => H::NoTimeZone,
        };
        self.issue(id, v, format!("{} {e}", v.loc));
    }

    /// MSH-7 -> MessageHeader.timestamp; the organization OID from the options or MSH-4.
    fn header(&mut self) {
        let msh7 = self.msg.msh(7);
        match self.text_ref(msh7.component(1)) {
            None => self.issue(
                H::MissingField,
                &msh7,
                "MSH-7 (date/time of message) is empty",
            ),
            Some(t) => match parse_dtm(&t)
                .ok_or(TimeError::Format)
                .and_then(|d| d.instant(self.opts.utc_offset))
            {
                Ok(instant) => {
                    self.out.input.timestamp = Some(instant);
                    trace!(self, "timestamp", &msh7, header!(".timestamp"));
                }
                Err(e) => self.time_error(&msh7, e),
            },
        }
        let msh4 = self.msg.msh(4);
        if let Some(oid) = &self.opts.org_id {
            self.out.input.organization_oid = oid.clone();
            if self.tracing {
                self.out.traces.push(Trace {
                    field: Cow::Borrowed("organizationOid"),
                    location: None,
                    offset: 0,
                    expression: Cow::Borrowed(header!(".source.endpoint")),
                });
            }
            return;
        }
        let universal = self.text(msh4.component(2));
        let kind = self.text_ref(msh4.component(3));
        match (universal, kind) {
            (Some(oid), Some(k)) if k.eq_ignore_ascii_case("ISO") => {
                self.out.input.organization_oid = oid;
                trace!(self, "organizationOid", &msh4, header!(".source.endpoint"));
            }
            _ => {
                trace!(self, "organizationOid", &msh4, header!(".source.endpoint"));
                self.issue(
                H::NoOrganization,
                &msh4,
                "no organization OID: give the org id option, or an ISO OID in MSH-4.2 with MSH-4.3 ISO",
            )
            }
        }
    }

    /// The ids: fixed ones from the options; on update the platform's id, or else the
    /// business id (API v1).
    fn ids(&mut self, kind: EventKind, pid: &Segment) {
        self.out.input.ids = self.opts.ids.clone();
        if kind != EventKind::Update {
            return;
        }
        if let Some(id) = &self.opts.patient_id {
            self.out.input.ids.patient = Some(id.clone());
            return;
        }
        let pid3 = self.msg.field(pid, 3);
        let position = self
            .out
            .input
            .identifiers
            .iter()
            .position(|i| self.opts.accepts(&i.system));
        let Some(n) = position else { return };
        let value = self.out.input.identifiers[n].value.clone();
        let Some(trace) = self
            .out
            .traces
            .iter()
            .find(|t| t.field == cat!("identifiers[", n, "].value"))
            .cloned()
        else {
            return;
        };
        let at = trace.location.map_or(pid3.loc, |l| l);
        let issue_at = |m: &mut Self, id: H, text: String| {
            let mut issue = Hl7Issue::new(id, Some(at), text);
            let (line, column) = m.msg.line_col(trace.offset);
            issue.line = line;
            issue.column = column;
            m.out.issues.push(issue);
        };
        let ok = !value.is_empty()
            && value.len() <= 64
            && value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.');
        if ok {
            self.out.input.ids.patient = Some(value);
            issue_at(self, H::UpdateWithBusinessId, format!(
                "an update without the platform's patient id: Patient.id is the business id of {at} (API v1); give the patient id option for v2"
            ));
        } else {
            issue_at(self, H::BadBusinessId, format!(
                "an update without the platform's patient id, and the business id of {at} cannot be a Patient.id (letters, digits, '-', '.'; 64 at most): give the patient id option"
            ));
        }
    }
}

/// The identifier systems pfhir accepts without options.
pub const BUILTIN_AUTHORITIES: &[&str] = &[CIP_SYSTEM, METEDA_SYSTEM];
