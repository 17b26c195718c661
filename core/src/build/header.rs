//! The MessageHeader of the Bundle, written from a checked [`PatientInput`].

use super::check::Checked;
use super::input::PatientInput;
use super::json_out::JsonOut;
use super::{write_meta, BuildOptions};
use crate::profile;

/// Writes the MessageHeader with logical id `id` (an entry's `resource`).
pub(super) fn write(
    out: &mut JsonOut,
    input: &PatientInput,
    options: &BuildOptions,
    checked: &Checked,
    id: &str,
    timestamp: &str,
) {
    out.open(Some("resource"));
    out.string("resourceType", "MessageHeader");
    out.string("id", id);
    write_meta(out, profile::MESSAGE_HEADER_PROFILE);
    out.open(Some("event"));
    out.string("system", profile::EVENT_SYSTEM);
    out.string("code", profile::EVENT_CODE);
    out.string("display", profile::EVENT_DISPLAY);
    out.close();
    out.string("timestamp", timestamp);
    out.open(Some("source"));
    out.string(
        "software",
        non_empty(&input.software_name).unwrap_or("pfhir"),
    );
    out.string(
        "version",
        non_empty(&input.software_version).unwrap_or(env!("CARGO_PKG_VERSION")),
    );
    match &options.source_endpoint {
        Some(endpoint) => out.string("endpoint", endpoint),
        None => out.string_of("endpoint", &["urn:oid:", checked.oid.as_str()]),
    }
    out.close();
    out.close();
}

/// The value of an optional text member, when it is not empty.
fn non_empty(s: &Option<String>) -> Option<&str> {
    s.as_deref().filter(|v| !v.is_empty())
}
