//! The partner rules, run over the parsed document after STU3 validation.

use super::*;
use crate::json::{Kind, Value};
use crate::spec;
use crate::validate::context::Ctx;
use crate::validate::primitives::is_bare_oid;
use crate::validate::{MessageId, Severity};

/// One entry of the Bundle, with what the rules need of it.
struct Entry<'d, 'a> {
    index: usize,
    entry: Value<'d, 'a>,
    resource: Option<Value<'d, 'a>>,
    resource_type: std::borrow::Cow<'a, str>,
}

impl Entry<'_, '_> {
    fn path(&self) -> String {
        self.base().to_string()
    }

    /// The resource's path, written out only when a finding needs it.
    fn base(&self) -> EntryPath {
        EntryPath(self.index)
    }

    /// Where the resource is (or the entry, when it has none).
    fn offset(&self) -> usize {
        self.resource.map_or(self.entry.offset(), |r| r.offset())
    }
}

/// The path of an entry's resource (`Bundle.entry[2].resource`).
struct EntryPath(usize);

impl std::fmt::Display for EntryPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Bundle.entry[{}].resource", self.0)
    }
}

/// True when `obj` has the member `name` with a value (not `null`, `""`, `[]` or `{}`).
fn has_value(obj: Value<'_, '_>, name: &str) -> bool {
    obj.get(name).is_some_and(|v| !v.is_blank())
}

/// Reports a finding of `rule` at `path` with the rule's primary message id, unless the rule
/// is off.
fn report(ctx: &mut Ctx<'_, '_, '_>, rule: Rule, path: &str, offset: usize, message: String) {
    report_as(ctx, rule, rule.message_id(), path, offset, message);
}

/// Reports a finding of `rule` with one of its other message ids (see
/// [`Rule::message_ids`]).
fn report_as(
    ctx: &mut Ctx<'_, '_, '_>,
    rule: Rule,
    id: MessageId,
    path: &str,
    offset: usize,
    message: String,
) {
    let severity = match ctx.opts.severity(rule) {
        RuleSeverity::Off => return,
        RuleSeverity::Error => Severity::Error,
        RuleSeverity::Warning => Severity::Warning,
    };
    ctx.report_at_path(path, severity, id, Some(rule.id()), offset, message);
}

fn on(ctx: &Ctx<'_, '_, '_>, rule: Rule) -> bool {
    ctx.opts.severity(rule) != RuleSeverity::Off
}

fn str_of<'a>(v: Option<Value<'_, 'a>>) -> Option<std::borrow::Cow<'a, str>> {
    v.and_then(|v| v.as_str())
}

/// Runs every partner rule on the document's root value.
pub(crate) fn check<'d, 'a>(ctx: &mut Ctx<'_, 'd, 'a>, root: Value<'d, 'a>) {
    if root.kind() != Kind::Object {
        return;
    }
    let resource_type = str_of(root.get("resourceType")).unwrap_or_default();
    if resource_type != "Bundle" {
        let path = resource_type.to_string();
        report(
            ctx,
            Rule::Bundle,
            &path,
            root.offset(),
            "The Partners API takes a message Bundle; this document is not a Bundle.".to_string(),
        );
        return;
    }
    if let Some(t) = root.get("type") {
        if !t.str_eq("message") {
            report(
                ctx,
                Rule::BundleType,
                "Bundle.type",
                t.offset(),
                "Bundle.type must be 'message' for the Partners API.".to_string(),
            );
        }
    }
    let entries: Vec<Entry<'d, 'a>> = root
        .get("entry")
        .into_iter()
        .flat_map(|e| e.items())
        .enumerate()
        .map(|(index, entry)| {
            let resource = entry.get("resource").filter(|r| r.kind() == Kind::Object);
            let resource_type =
                str_of(resource.and_then(|r| r.get("resourceType"))).unwrap_or_default();
            Entry {
                index,
                entry,
                resource,
                resource_type,
            }
        })
        .collect();

    header(ctx, root, &entries);
    let patient = patient(ctx, root, &entries);
    conditions(ctx, root, &entries, patient);
    entry_types_and_order(ctx, &entries);
    for e in &entries {
        meta_profile(ctx, e);
        unvalidated_contained(ctx, e);
    }
}

fn header(ctx: &mut Ctx<'_, '_, '_>, root: Value<'_, '_>, entries: &[Entry<'_, '_>]) {
    let Some(first) = entries.first() else {
        report(
            ctx,
            Rule::HeaderFirst,
            "Bundle.entry",
            root.get("entry").map_or(root.offset(), |e| e.offset()),
            "The Bundle has no entries: a partner message starts with a MessageHeader.".to_string(),
        );
        return;
    };
    if first.resource_type != "MessageHeader" {
        let present = entries.iter().any(|e| e.resource_type == "MessageHeader");
        let (id, message) = if present {
            (
                MessageId::PartnerHeaderNotFirst,
                "The MessageHeader must be the first entry; here another resource comes first.",
            )
        } else {
            (
                MessageId::PartnerHeaderFirst,
                "The Bundle has no MessageHeader: a partner message starts with one.",
            )
        };
        report_as(
            ctx,
            Rule::HeaderFirst,
            id,
            "Bundle.entry[0].resource",
            first.offset(),
            message.to_string(),
        );
    }
    let Some(h) = entries.iter().find(|e| e.resource_type == "MessageHeader") else {
        return;
    };
    let Some(res) = h.resource else { return };
    let base = h.base();
    if on(ctx, Rule::HeaderEvent) {
        if let Some(event) = res.get("event") {
            let ok = event.get("system").is_some_and(|s| s.str_eq(EVENT_SYSTEM))
                && event.get("code").is_some_and(|c| c.str_eq(EVENT_CODE));
            if !ok {
                report(
                    ctx,
                    Rule::HeaderEvent,
                    &format!("{base}.event"),
                    event.offset(),
                    format!("MessageHeader.event must be system '{EVENT_SYSTEM}', code '{EVENT_CODE}' ('{EVENT_DISPLAY}')."),
                );
            }
        }
    }
    let source = res.get("source").filter(|s| s.kind() == Kind::Object);
    if let Some(source) = source {
        if let Some(endpoint) = source.get("endpoint").filter(|e| e.kind() == Kind::String) {
            let text = endpoint.text();
            let oid = text.strip_prefix("urn:oid:").unwrap_or(&text);
            if !text.is_empty() && !is_bare_oid(oid) {
                report(
                    ctx,
                    Rule::HeaderEndpoint,
                    &format!("{base}.source.endpoint"),
                    endpoint.offset(),
                    "MessageHeader.source.endpoint should be the sending organization's OID (as in the org_id header), e.g. urn:oid:2.16.724.4.2.".to_string(),
                );
            }
        }
        for (name, what) in [("software", "name"), ("version", "version")] {
            if !has_value(source, name) {
                report(
                    ctx,
                    Rule::HeaderSoftware,
                    &format!("{base}.source.{name}"),
                    source.offset(),
                    format!("MessageHeader.source.{name} should give the {what} of the middleware that sends the message."),
                );
            }
        }
    }
}

/// Checks the Patient rules; returns the index of the (first) Patient entry.
fn patient(
    ctx: &mut Ctx<'_, '_, '_>,
    root: Value<'_, '_>,
    entries: &[Entry<'_, '_>],
) -> Option<usize> {
    let patients: Vec<&Entry<'_, '_>> = entries
        .iter()
        .filter(|e| e.resource_type == "Patient")
        .collect();
    match patients.as_slice() {
        [] => report(
            ctx,
            Rule::OnePatient,
            "Bundle.entry",
            root.get("entry").map_or(root.offset(), |e| e.offset()),
            "The Bundle holds no Patient: a partner message carries exactly one.".to_string(),
        ),
        [_] => {}
        [_, rest @ ..] => {
            for extra in rest {
                report_as(
                    ctx,
                    Rule::OnePatient,
                    MessageId::PartnerSecondPatient,
                    &extra.path(),
                    extra.offset(),
                    "A second Patient: a partner message carries exactly one.".to_string(),
                );
            }
        }
    }
    let p = patients.first()?;
    let res = p.resource?;
    let base = p.base();
    if on(ctx, Rule::PatientIdentifier) {
        let accepted = res
            .get("identifier")
            .into_iter()
            .flat_map(|ids| ids.items())
            .any(|id| {
                let system_ok = str_of(id.get("system"))
                    .is_some_and(|s| ctx.opts.authorities.iter().any(|a| *a == *s));
                let value_ok = str_of(id.get("value")).is_some_and(|v| !v.trim().is_empty());
                system_ok && value_ok
            });
        if !accepted {
            let identifiers = res.get("identifier").filter(|i| !i.is_blank());
            let (id, what) = match identifiers {
                None => (MessageId::PartnerPatientIdentifier, "has no identifier"),
                Some(_) => (
                    MessageId::PartnerIdentifierAuthority,
                    "has identifiers, but none of an accepted assigning authority with a value",
                ),
            };
            let offset = identifiers.map_or(res.offset(), |i| i.offset());
            report_as(
                ctx,
                Rule::PatientIdentifier,
                id,
                &format!("{base}.identifier"),
                offset,
                format!(
                    "The Patient {what}: it needs an identifier whose system is an accepted assigning authority ({}) and whose value is the patient's id there.",
                    ctx.opts.authorities.join(", ")
                ),
            );
        }
    }
    for name in ["name", "gender", "birthDate"] {
        if !has_value(res, name) {
            report(
                ctx,
                Rule::PatientDemographics,
                &format!("{base}.{name}"),
                res.offset(),
                format!("The Patient has no {name}; every partner example carries one."),
            );
        }
    }
    Some(p.index)
}

fn conditions(
    ctx: &mut Ctx<'_, '_, '_>,
    root: Value<'_, '_>,
    entries: &[Entry<'_, '_>],
    patient: Option<usize>,
) {
    let patient_entry = patient.and_then(|i| entries.get(i));
    // A reference to the Bundle's Patient: `Patient/<its id>` (after a base URL or not), or
    // its entry's fullUrl. Compared in place: no string is built for a valid Bundle.
    let patient_id = patient_entry.and_then(|p| str_of(p.resource.and_then(|r| r.get("id"))));
    let patient_url = patient_entry.and_then(|p| str_of(p.entry.get("fullUrl")));
    let no_patient_refs = patient_id.is_none() && patient_url.is_none();
    let after_base = |before: &str| before.is_empty() || before.ends_with('/');
    let points_at = |r: &str| {
        let by_id = patient_id.as_deref().is_some_and(|id| {
            r.strip_suffix(id)
                .and_then(|rest| rest.strip_suffix("Patient/"))
                .is_some_and(after_base)
        });
        by_id
            || patient_url
                .as_deref()
                .is_some_and(|url| r.strip_suffix(url).is_some_and(after_base))
    };
    let mut any = false;
    for c in entries.iter().filter(|e| e.resource_type == "Condition") {
        any = true;
        let Some(res) = c.resource else { continue };
        let base = c.base();
        if let Some(subject) = res.get("subject").filter(|s| s.kind() == Kind::Object) {
            let reference = subject.get("reference");
            let points_at_patient = str_of(reference).is_some_and(|r| points_at(&r));
            if patient_entry.is_some() && reference.is_none_or(|r| r.is_blank()) {
                report_as(
                    ctx,
                    Rule::ConditionSubject,
                    MessageId::PartnerConditionSubjectMissing,
                    &format!("{base}.subject.reference"),
                    subject.offset(),
                    "Condition.subject has no reference: it must reference the Bundle's Patient (Patient/<its id>).".to_string(),
                );
            } else if patient_entry.is_some() && !points_at_patient {
                let message = if no_patient_refs {
                    "Condition.subject cannot point at the Bundle's Patient: the Patient has no id (or fullUrl).".to_string()
                } else {
                    "Condition.subject must reference the Bundle's Patient (Patient/<its id>)."
                        .to_string()
                };
                report(
                    ctx,
                    Rule::ConditionSubject,
                    &format!("{base}.subject.reference"),
                    reference.map_or(subject.offset(), |r| r.offset()),
                    message,
                );
            }
        }
        if on(ctx, Rule::ConditionCode) {
            let code = res.get("code");
            let snomed = code
                .and_then(|c| c.get("coding"))
                .into_iter()
                .flat_map(|c| c.items())
                .any(|c| {
                    c.get("system").is_some_and(|s| s.str_eq(SNOMED_SYSTEM))
                        && c.get("code").is_some()
                });
            if !snomed {
                let coded = code
                    .and_then(|c| c.get("coding"))
                    .is_some_and(|c| !c.is_blank());
                let (id, what) = if coded {
                    (
                        MessageId::PartnerConditionCodeSystem,
                        "has no SNOMED CT coding",
                    )
                } else {
                    (
                        MessageId::PartnerConditionCode,
                        "is absent or has no coding",
                    )
                };
                report_as(
                    ctx,
                    Rule::ConditionCode,
                    id,
                    &format!("{base}.code"),
                    code.map_or(res.offset(), |c| c.offset()),
                    format!("Condition.code {what}: it should carry a SNOMED CT coding (e.g. 46635009, diabetes mellitus type 1)."),
                );
            }
        }
    }
    if !any {
        report(
            ctx,
            Rule::ConditionPresent,
            "Bundle.entry",
            root.get("entry").map_or(root.offset(), |e| e.offset()),
            "The Bundle holds no Condition; the Patient services page describes the Bundle as Patient and Condition.".to_string(),
        );
    }
}

fn entry_types_and_order(ctx: &mut Ctx<'_, '_, '_>, entries: &[Entry<'_, '_>]) {
    let rank = |t: &str| match t {
        "MessageHeader" => Some(0),
        "Patient" => Some(1),
        "Condition" => Some(2),
        _ => None,
    };
    let mut highest = 0;
    for e in entries {
        if e.resource.is_none() {
            continue;
        }
        match rank(&e.resource_type) {
            None => report(
                ctx,
                Rule::EntryType,
                &e.path(),
                e.offset(),
                if e.resource_type.is_empty() {
                    "A resource without resourceType: a partner message carries only MessageHeader, Patient and Condition.".to_string()
                } else {
                    format!(
                        "{} {} entry: a partner message carries only MessageHeader, Patient and Condition.",
                        crate::validate::article(&e.resource_type),
                        e.resource_type
                    )
                },
            ),
            Some(r) if r < highest => report(
                ctx,
                Rule::EntryOrder,
                &e.path(),
                e.offset(),
                "Entries should come in the order MessageHeader, Patient, Condition.".to_string(),
            ),
            Some(r) => highest = r,
        }
    }
}

fn meta_profile(ctx: &mut Ctx<'_, '_, '_>, e: &Entry<'_, '_>) {
    let expected = match e.resource_type.as_ref() {
        "MessageHeader" => MESSAGE_HEADER_PROFILE,
        "Patient" => PATIENT_PROFILE,
        "Condition" => CONDITION_PROFILE,
        _ => return,
    };
    let Some(res) = e.resource else { return };
    let profiles = res.get("meta").and_then(|m| m.get("profile"));
    if !profiles.is_some_and(|p| p.items().any(|u| u.str_eq(expected))) {
        let id = if profiles.is_some_and(|p| !p.is_blank()) {
            MessageId::PartnerMetaProfileOther
        } else {
            MessageId::PartnerMetaProfile
        };
        report_as(
            ctx,
            Rule::MetaProfile,
            id,
            &format!("{}.meta.profile", e.path()),
            profiles
                .or_else(|| res.get("meta"))
                .map_or(res.offset(), |p| p.offset()),
            format!("meta.profile should contain {expected}."),
        );
    }
}

fn unvalidated_contained(ctx: &mut Ctx<'_, '_, '_>, e: &Entry<'_, '_>) {
    let Some(list) = e.resource.and_then(|r| r.get("contained")) else {
        return;
    };
    for (i, c) in list.items().enumerate() {
        let name = str_of(c.get("resourceType")).unwrap_or_default();
        let modelled = spec::type_def(&name).is_some_and(|t| t.kind == spec::TypeKind::Resource);
        // A missing or unknown resourceType is already an STU3 error.
        if !modelled && spec::is_resource_type(&name) {
            report(
                ctx,
                Rule::UnvalidatedResource,
                &format!("{}.contained[{i}]", e.path()),
                c.offset(),
                format!("A contained {name} resource: pfhir does not validate this resource type, and a partner message does not carry it."),
            );
        }
    }
}
