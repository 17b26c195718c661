//! The original-mode ACK: MSH (sender and receiver swapped), MSA (AA / AE / AR and MSH-10),
//! one ERR per finding (v2.5+ layout: ERR-2 location, ERR-3 table 0357, ERR-4 severity,
//! ERR-8 message; v2.3 and v2.4 also ERR-1). No patient value: messages name fields only.

use super::escape::escape;
use super::issue::Hl7Issue;
use super::parse::Separators;
use super::{Conversion, Header, Hl7Options};
use crate::validate::Severity;

/// MSA-1, the acknowledgment code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AckCode {
    /// `AA`: a valid Bundle resulted.
    Accept,
    /// `AE`: the content is wrong (the ERR segments say where).
    Error,
    /// `AR`: the message cannot be processed (unreadable MSH, unsupported type, event,
    /// version or character set).
    Reject,
}

impl AckCode {
    /// `AA`, `AE` or `AR`.
    pub const fn as_str(self) -> &'static str {
        match self {
            AckCode::Accept => "AA",
            AckCode::Error => "AE",
            AckCode::Reject => "AR",
        }
    }
}

/// The version the ACK is written in when the message's cannot be used.
const DEFAULT_VERSION: &str = "2.5.1";

/// The ACK of a conversion, segments ended by `\r`, in the message's character set.
pub fn ack(conv: &Conversion, opts: &Hl7Options) -> Vec<u8> {
    ack_of(&conv.header, &conv.issues, conv.ack_code, opts)
}

/// [`ack`] from the parts of a conversion it reads: the echoed header, the findings and
/// the code (for callers that keep only those).
pub fn ack_of(h: &Header, issues: &[Hl7Issue], code: AckCode, opts: &Hl7Options) -> Vec<u8> {
    let version = if h.version.is_empty() {
        DEFAULT_VERSION
    } else {
        h.version.as_str()
    };
    let legacy = matches!(version, "2.3" | "2.3.1" | "2.4");
    let message_type = match (h.event.is_empty(), version) {
        (true, _) => "ACK".to_string(),
        (false, "2.3") => format!("ACK^{}", h.event),
        (false, _) => format!("ACK^{}^ACK", h.event),
    };
    let control_id = match &opts.ack_control_id {
        Some(id) => escape(id, &Separators::default()),
        None => crate::build::uuid_v4().unwrap_or_else(|_| format!("ACK{}", h.control_id)),
    };
    let time = match &opts.ack_time {
        Some(t) => escape(t, &Separators::default()),
        None => crate::build::now_instant()
            .map(|i| dtm_of_instant(&i))
            .unwrap_or_default(),
    };
    let processing = if h.processing_id.is_empty() {
        "P"
    } else {
        h.processing_id.as_str()
    };
    let mut out = String::with_capacity(256);
    for part in [
        "MSH|^~\\&|",
        &h.receiving_application,
        "|",
        &h.receiving_facility,
        "|",
        &h.sending_application,
        "|",
        &h.sending_facility,
        "|",
        &time,
        "||",
        &message_type,
        "|",
        &control_id,
        "|",
        processing,
        "|",
        version,
    ] {
        out.push_str(part);
    }
    if let Some(c) = h.charset {
        out.push_str("||||||");
        out.push_str(c.msh18());
    }
    for part in ["\rMSA|", code.as_str(), "|", &h.control_id, "\r"] {
        out.push_str(part);
    }
    for issue in issues {
        if legacy && !issue.severity.is_error() {
            continue;
        }
        out.push_str(&err_segment(issue, legacy));
    }
    opts.default_charset_for(h.charset).encode(&out)
}

/// One ERR segment.
fn err_segment(issue: &Hl7Issue, legacy: bool) -> String {
    let code = issue.hl7_code;
    let err1 = if legacy {
        match issue.location {
            Some(l) => l.eld(code.code(), code.text()),
            None => format!("^^^{}&{}&HL70357", code.code(), code.text()),
        }
    } else {
        String::new()
    };
    let err2 = issue.location.map(|l| l.erl()).unwrap_or_default();
    let severity = match issue.severity {
        Severity::Fatal | Severity::Error => "E",
        Severity::Warning => "W",
        Severity::Information => "I",
    };
    format!(
        "ERR|{err1}|{err2}|{}^{}^HL70357|{severity}||||{}\r",
        code.code(),
        code.text(),
        escape(&issue.message, &Separators::default())
    )
}

/// `2026-11-30T00:15:00.123Z` -> `20261130001500.123+0000`.
pub(super) fn dtm_of_instant(instant: &str) -> String {
    let mut dtm: String = instant
        .trim_end_matches('Z')
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    dtm.push_str("+0000");
    dtm
}

impl Hl7Options {
    /// The character set an ACK is written in: the message's MSH-18, else the default.
    fn default_charset_for(&self, declared: Option<super::Charset>) -> super::Charset {
        declared.unwrap_or(self.default_charset)
    }
}
