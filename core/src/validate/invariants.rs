//! The STU3 invariants of the modelled resources and datatypes, one function each, named by
//! its key. Their text (human description and FHIRPath) comes from the generated tables.
//!
//! ele-1 is structural and checked by the walker (empty objects, strings and arrays).

use super::context::{Container, Ctx};
use super::issue::Severity;
use super::messages::MessageId;
use super::primitives::temporal_key;
use super::xhtml;
use crate::json::{Kind, Value};
use crate::spec;
use std::borrow::Cow;
use std::cell::OnceCell;

/// The UCUM code system (`%ucum`).
const UCUM: &str = "http://unitsofmeasure.org";

/// Every invariant key with an implementation here (used by a test against the tables).
#[cfg(test)]
pub const IMPLEMENTED: &[&str] = &[
    "age-1", "att-1", "bdl-1", "bdl-2", "bdl-3", "bdl-4", "bdl-5", "bdl-7", "bdl-8", "bdl-9",
    "cnt-3", "con-1", "con-2", "con-3", "con-4", "cpt-2", "dis-1", "dom-1", "dom-2", "dom-3",
    "dom-4", "drt-1", "ext-1", "mny-1", "pat-1", "per-1", "qty-3", "rat-1", "ref-1", "rng-2",
    "tim-1", "tim-10", "tim-2", "tim-4", "tim-5", "tim-6", "tim-7", "tim-8", "tim-9", "txt-1",
    "txt-2",
];

/// Reports a violated invariant at `path_suffix` below the current path (or at it).
fn fail(
    ctx: &mut Ctx<'_, '_, '_>,
    key: &'static str,
    offset: usize,
    path_suffix: Option<&'static str>,
) {
    let def = spec::invariant(key);
    let severity = match def.map(|d| d.severity) {
        Some("warning") => Severity::Warning,
        _ => Severity::Error,
    };
    let human = def.map_or("invariant violated", |d| d.human);
    let len = path_suffix.map(|s| ctx.push(s));
    ctx.report_full(
        severity,
        MessageId::Invariant,
        Some(key),
        offset,
        format!("{} ({key}).", human.trim_end_matches('.')),
        def.map(|d| d.expression),
    );
    if let Some(len) = len {
        ctx.pop(len);
    }
}

fn has(obj: Value<'_, '_>, name: &str) -> bool {
    obj.get(name).is_some_and(|v| v.kind() != Kind::Null)
}

fn string<'a>(obj: Value<'_, 'a>, name: &str) -> Option<Cow<'a, str>> {
    obj.get(name).and_then(|v| v.as_str())
}

fn number(obj: Value<'_, '_>, name: &str) -> Option<f64> {
    obj.get(name)
        .filter(|v| v.kind() == Kind::Number)
        .and_then(|v| v.raw().parse().ok())
}

/// True when any member `prefix<Type>` of a choice is present (`value[x]`).
fn has_choice(obj: Value<'_, '_>, prefix: &str) -> bool {
    obj.members().any(|m| {
        let k = m.key.text();
        k.strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_uppercase()))
    })
}

/// A check that holds or not for the object it constrains (reported at the object).
type Holds = fn(Value<'_, '_>) -> bool;

/// Invariants that are a plain condition on their object, by key.
const OBJECT_INVARIANTS: &[(&str, Holds)] = &[
    ("age-1", age_1),
    ("att-1", att_1),
    ("cnt-3", cnt_3),
    ("con-1", con_1),
    ("con-2", con_2),
    ("cpt-2", cpt_2),
    ("dis-1", dis_1),
    ("drt-1", drt_1),
    ("ext-1", ext_1),
    ("mny-1", mny_1),
    ("pat-1", pat_1),
    ("per-1", per_1),
    ("qty-3", qty_3),
    ("rat-1", rat_1),
    ("rng-2", rng_2),
    ("tim-9", tim_9),
    ("tim-10", tim_10),
    ("bdl-5", bdl_5),
];

/// How an invariant is checked: resolved once per key, so the walk dispatches on an index
/// instead of comparing key strings at every node.
#[derive(Clone, Copy)]
enum Check {
    /// A plain condition on the object.
    Holds(Holds),
    Ref1,
    Con3,
    Con4,
    Txt,
    /// `a.exists() implies b.exists()`.
    Implies(&'static str, &'static str),
    /// The member is not negative.
    NonNegative(&'static str),
    Bundle,
    Bdl8,
    Contained,
    /// Checked elsewhere (ele-1 by the walker, dom-3 after the resource), or not here.
    Elsewhere,
}

fn check_of(key: &str) -> Check {
    if let Some((_, holds)) = OBJECT_INVARIANTS.iter().find(|(k, _)| *k == key) {
        return Check::Holds(*holds);
    }
    match key {
        "ref-1" => Check::Ref1,
        "con-3" => Check::Con3,
        "con-4" => Check::Con4,
        "txt-1" | "txt-2" => Check::Txt,
        "tim-1" => Check::Implies("duration", "durationUnit"),
        "tim-2" => Check::Implies("period", "periodUnit"),
        "tim-6" => Check::Implies("periodMax", "period"),
        "tim-7" => Check::Implies("durationMax", "duration"),
        "tim-8" => Check::Implies("countMax", "count"),
        "tim-4" => Check::NonNegative("duration"),
        "tim-5" => Check::NonNegative("period"),
        "bdl-1" | "bdl-2" | "bdl-3" | "bdl-4" | "bdl-7" | "bdl-9" => Check::Bundle,
        "bdl-8" => Check::Bdl8,
        "dom-1" | "dom-2" | "dom-4" => Check::Contained,
        // dom-3 needs the whole resource walked first: see `dom_3`.
        _ => Check::Elsewhere,
    }
}

/// The check of each invariant of [`spec::INVARIANTS`], by index (made on first use).
fn checks() -> &'static [Check] {
    static CHECKS: std::sync::OnceLock<Vec<Check>> = std::sync::OnceLock::new();
    CHECKS.get_or_init(|| spec::INVARIANTS.iter().map(|d| check_of(d.key)).collect())
}

/// Runs the invariant of index `index` (into [`spec::INVARIANTS`]) on `obj`;
/// `lacks_contained()` says, when the walk knows it, that `obj` has no member `contained` (so
/// the invariants about it, absent from nearly every resource, look nothing up);
/// `bundle_facts` is empty for each new object, and the Bundle invariants fill it.
pub fn check<'d, 'a>(
    ctx: &mut Ctx<'_, 'd, 'a>,
    index: u16,
    obj: Value<'d, 'a>,
    lacks_contained: impl Fn() -> bool,
    bundle_facts: &OnceCell<BundleFacts<'d, 'a>>,
) {
    let index = usize::from(index);
    let (Some(def), Some(check)) = (spec::INVARIANTS.get(index), checks().get(index)) else {
        return;
    };
    let key = def.key;
    match *check {
        Check::Holds(holds) => {
            if !holds(obj) {
                fail(ctx, key, obj.offset(), None);
            }
        }
        Check::Ref1 => ref_1(ctx, obj),
        Check::Con3 => con_3(ctx, obj),
        Check::Con4 => con_4(ctx, obj),
        Check::Txt => txt(ctx, key, obj),
        Check::Implies(a, b) => implies(ctx, key, obj, a, b),
        Check::NonNegative(name) => non_negative(ctx, key, obj, name),
        Check::Bundle => bundle(ctx, key, obj, bundle_facts),
        Check::Bdl8 => bdl_8(ctx, obj),
        Check::Contained => {
            if !lacks_contained() {
                contained(ctx, key, obj);
            }
        }
        Check::Elsewhere => {}
    }
}

/// ext-1: `extension.exists() != value.exists()`.
fn ext_1(obj: Value<'_, '_>) -> bool {
    has(obj, "extension") != has_choice(obj, "value")
}

/// att-1: `data.empty() or contentType.exists()`.
fn att_1(obj: Value<'_, '_>) -> bool {
    !has(obj, "data") || has(obj, "contentType")
}

/// cpt-2: `value.empty() or system.exists()`.
fn cpt_2(obj: Value<'_, '_>) -> bool {
    !has(obj, "value") || has(obj, "system")
}

/// qty-3: `code.empty() or system.exists()`.
fn qty_3(obj: Value<'_, '_>) -> bool {
    !has(obj, "code") || has(obj, "system")
}

/// `(code or value.empty())` and `(system.empty() or system = <system>)`.
fn coded_in(obj: Value<'_, '_>, system: &str) -> bool {
    (has(obj, "code") || !has(obj, "value")) && string(obj, "system").is_none_or(|s| s == system)
}

/// age-1: coded in UCUM, and a positive value.
fn age_1(obj: Value<'_, '_>) -> bool {
    coded_in(obj, UCUM) && number(obj, "value").is_none_or(|v| v > 0.0)
}

/// dis-1: coded in UCUM.
fn dis_1(obj: Value<'_, '_>) -> bool {
    coded_in(obj, UCUM)
}

/// cnt-3: coded in UCUM with code `1`, and a whole value.
fn cnt_3(obj: Value<'_, '_>) -> bool {
    coded_in(obj, UCUM)
        && string(obj, "code").is_none_or(|c| c == "1")
        && obj.get("value").is_none_or(|v| !v.raw().contains('.'))
}

/// drt-1: `code.exists() implies ((system = %ucum) and value.exists())`.
fn drt_1(obj: Value<'_, '_>) -> bool {
    !has(obj, "code") || (string(obj, "system").is_some_and(|s| s == UCUM) && has(obj, "value"))
}

/// mny-1: coded in ISO 4217.
fn mny_1(obj: Value<'_, '_>) -> bool {
    coded_in(obj, "urn:iso:std:iso:4217")
}

/// per-1: `start.empty() or end.empty() or (start <= end)`.
fn per_1(obj: Value<'_, '_>) -> bool {
    match (string(obj, "start"), string(obj, "end")) {
        (Some(start), Some(end)) => !starts_after_end(&start, &end),
        _ => true,
    }
}

/// rng-2: `low.empty() or high.empty() or (low <= high)`.
fn rng_2(obj: Value<'_, '_>) -> bool {
    let low = obj.get("low").and_then(|l| number(l, "value"));
    let high = obj.get("high").and_then(|h| number(h, "value"));
    !matches!((low, high), (Some(l), Some(h)) if l > h)
}

/// rat-1: numerator and denominator both present or both absent (then an extension).
fn rat_1(obj: Value<'_, '_>) -> bool {
    let n = has(obj, "numerator");
    n == has(obj, "denominator") && (n || has(obj, "extension"))
}

/// pat-1: a contact has details or an organization.
fn pat_1(obj: Value<'_, '_>) -> bool {
    ["name", "telecom", "address", "organization"]
        .iter()
        .any(|n| has(obj, n))
}

/// con-1: a stage has a summary or an assessment.
fn con_1(obj: Value<'_, '_>) -> bool {
    has(obj, "summary") || has(obj, "assessment")
}

/// con-2: evidence has a code or a detail.
fn con_2(obj: Value<'_, '_>) -> bool {
    has(obj, "code") || has(obj, "detail")
}

/// tim-9: an offset needs a `when` that is not C, CM, CD or CV.
fn tim_9(obj: Value<'_, '_>) -> bool {
    if !has(obj, "offset") {
        return true;
    }
    let mut whens = obj
        .get("when")
        .into_iter()
        .flat_map(|w| w.items())
        .peekable();
    whens.peek().is_some()
        && whens.all(|w| {
            !w.as_str()
                .is_some_and(|s| matches!(s.as_ref(), "C" | "CM" | "CD" | "CV"))
        })
}

/// tim-10: `timeOfDay.empty() or when.empty()`.
fn tim_10(obj: Value<'_, '_>) -> bool {
    !(has(obj, "timeOfDay") && has(obj, "when"))
}

/// bdl-5: an entry has a resource, a request or a response.
fn bdl_5(obj: Value<'_, '_>) -> bool {
    has(obj, "resource") || has(obj, "request") || has(obj, "response")
}

/// bdl-8: `fullUrl.contains('/_history/').not()`.
fn bdl_8(ctx: &mut Ctx<'_, '_, '_>, obj: Value<'_, '_>) {
    if let Some(url) = obj
        .get("fullUrl")
        .filter(|u| u.as_str().is_some_and(|s| s.contains("/_history/")))
    {
        fail(ctx, "bdl-8", url.offset(), Some("fullUrl"));
    }
}

/// con-3: `verificationStatus='entered-in-error' or clinicalStatus.exists()`.
fn con_3(ctx: &mut Ctx<'_, '_, '_>, obj: Value<'_, '_>) {
    let entered_in_error =
        string(obj, "verificationStatus").is_some_and(|s| s == "entered-in-error");
    if !entered_in_error && !has(obj, "clinicalStatus") {
        fail(ctx, "con-3", obj.offset(), Some("clinicalStatus"));
    }
}

/// con-4: an abated condition is resolved, in remission or inactive.
///
/// Evaluated as the reference (HL7 Java) validator evaluates STU3's expression: for a
/// non-boolean abatement, `abatement as boolean` is empty and its `not()` counts as true, so
/// only `abatementBoolean: true` demands a resolved, remission or inactive status. (R4
/// rewrote con-4 to cover every abatement type.)
fn con_4(ctx: &mut Ctx<'_, '_, '_>, obj: Value<'_, '_>) {
    let abated = obj.get("abatementBoolean").and_then(|v| v.as_bool()) == Some(true);
    let status_ok = string(obj, "clinicalStatus")
        .is_some_and(|s| matches!(s.as_ref(), "resolved" | "remission" | "inactive"));
    if abated && !status_ok {
        let offset = obj
            .get("clinicalStatus")
            .map_or(obj.offset(), |v| v.offset());
        fail(ctx, "con-4", offset, Some("clinicalStatus"));
    }
}

/// txt-1 (basic XHTML only) and txt-2 (some content) on a Narrative's `div`.
fn txt(ctx: &mut Ctx<'_, '_, '_>, key: &'static str, obj: Value<'_, '_>) {
    let Some(div) = obj.get("div").filter(|d| d.kind() == Kind::String) else {
        return;
    };
    let text = div.text();
    let holds = if key == "txt-1" {
        xhtml::check_basic_html(&text).is_ok()
    } else {
        xhtml::has_content(&text)
    };
    if !holds {
        fail(ctx, key, div.offset(), Some("div"));
    }
}

/// tim-4 / tim-5: a duration or period is not negative.
fn non_negative(
    ctx: &mut Ctx<'_, '_, '_>,
    key: &'static str,
    obj: Value<'_, '_>,
    name: &'static str,
) {
    if let Some(v) = obj.get(name) {
        if number(obj, name).is_some_and(|n| n < 0.0) {
            fail(ctx, key, v.offset(), Some(name));
        }
    }
}

/// per-1: true when `start` is provably later than `end`. Values of different precision are
/// compared on their common date part (`2020-05` starts after `2020-04-30`).
fn starts_after_end(start: &str, end: &str) -> bool {
    let (Some((s, ps)), Some((e, pe))) = (temporal_key(start), temporal_key(end)) else {
        return false;
    };
    if ps == pe {
        return s > e;
    }
    let common = start.len().min(end.len()).min(10);
    start[..common] > end[..common]
}

fn implies(
    ctx: &mut Ctx<'_, '_, '_>,
    key: &'static str,
    obj: Value<'_, '_>,
    if_present: &'static str,
    then: &'static str,
) {
    if let Some(v) = obj.get(if_present) {
        if !has(obj, then) {
            fail(ctx, key, v.offset(), Some(if_present));
        }
    }
}

/// The members of an entry that some Bundle types forbid (bdl-2, bdl-3, bdl-4).
const ENTRY_MEMBERS: [&str; 3] = ["search", "request", "response"];

/// What the Bundle invariants read of a Bundle, read once for all six of them.
pub struct BundleFacts<'d, 'a> {
    /// `Bundle.type` (empty when absent).
    bundle_type: Cow<'a, str>,
    /// `Bundle.entry`.
    entries: Option<Value<'d, 'a>>,
    /// Whether some entry has each of [`ENTRY_MEMBERS`]: found in one pass over the
    /// entries' members, where each rule looked each entry's member up (none, in a message).
    entry_has: [bool; 3],
}

impl<'d, 'a> BundleFacts<'d, 'a> {
    fn of(bundle: Value<'d, 'a>) -> Self {
        let entries = bundle.get("entry");
        let mut entry_has = [false; 3];
        for m in entries
            .into_iter()
            .flat_map(|e| e.items())
            .flat_map(|e| e.members())
        {
            for (has, name) in entry_has.iter_mut().zip(ENTRY_MEMBERS) {
                *has |= m.key.str_eq(name);
            }
        }
        BundleFacts {
            bundle_type: string(bundle, "type").unwrap_or_default(),
            entries,
            entry_has,
        }
    }

    /// Whether some entry has the member `name` (one of [`ENTRY_MEMBERS`]).
    fn some_entry_has(&self, name: &str) -> bool {
        ENTRY_MEMBERS
            .iter()
            .zip(self.entry_has)
            .any(|(n, has)| has && *n == name)
    }

    /// The entries, with their index.
    fn entries(&self) -> impl Iterator<Item = (usize, Value<'d, 'a>)> {
        self.entries.into_iter().flat_map(|e| e.items().enumerate())
    }
}

/// bdl-1, -2, -3, -4, -7, -9: rules on the Bundle as a whole; `facts` holds what they read
/// of it, once read by the first of them.
fn bundle<'d, 'a>(
    ctx: &mut Ctx<'_, 'd, 'a>,
    key: &'static str,
    obj: Value<'d, 'a>,
    facts: &OnceCell<BundleFacts<'d, 'a>>,
) {
    let facts = facts.get_or_init(|| BundleFacts::of(obj));
    let bundle_type = facts.bundle_type.as_ref();
    // bdl-2, -3, -4: the entries that have member `name`.
    let report_entries = |ctx: &mut Ctx<'_, '_, '_>, name: &'static str| {
        if !facts.some_entry_has(name) {
            return;
        }
        for (i, e) in facts.entries() {
            if let Some(v) = e.get(name) {
                let len = ctx.push("entry");
                ctx.push_index(i);
                fail(ctx, key, v.offset(), Some(name));
                ctx.pop(len);
            }
        }
    };
    match key {
        "bdl-1" => {
            if let Some(total) = obj.get("total") {
                if !matches!(bundle_type, "searchset" | "history") {
                    fail(ctx, key, total.offset(), Some("total"));
                }
            }
        }
        "bdl-2" if bundle_type != "searchset" => report_entries(ctx, "search"),
        "bdl-3" if !matches!(bundle_type, "batch" | "transaction" | "history") => {
            report_entries(ctx, "request")
        }
        "bdl-4" if !matches!(bundle_type, "batch-response" | "transaction-response") => {
            report_entries(ctx, "response")
        }
        "bdl-7" => {
            // (fullUrl, resource.meta.versionId) pairs are distinct: an entry's version is
            // read only when another entry has its fullUrl (none, nearly always), then once.
            let version = |e: Value<'_, 'a>| {
                e.get("resource")
                    .and_then(|r| r.get("meta"))
                    .and_then(|m| string(m, "versionId"))
                    .unwrap_or_default()
            };
            let mut seen: Vec<(Cow<'_, str>, Value<'_, '_>, OnceCell<Cow<'_, str>>)> = Vec::new();
            for (i, e) in facts.entries() {
                let Some(url) = string(e, "fullUrl") else {
                    continue;
                };
                let own = OnceCell::new();
                if seen.iter().any(|(u, other, theirs)| {
                    *u == url
                        && theirs.get_or_init(|| version(*other)) == own.get_or_init(|| version(e))
                }) {
                    let offset = e.get("fullUrl").map_or(e.offset(), |u| u.offset());
                    let len = ctx.push("entry");
                    ctx.push_index(i);
                    fail(ctx, key, offset, Some("fullUrl"));
                    ctx.pop(len);
                } else {
                    seen.push((url, e, own));
                }
            }
        }
        "bdl-9" if bundle_type == "document" => {
            let id = obj.get("identifier");
            if !id.is_some_and(|i| has(i, "system") && has(i, "value")) {
                fail(
                    ctx,
                    key,
                    id.map_or(obj.offset(), |i| i.offset()),
                    Some("identifier"),
                );
            }
        }
        _ => {}
    }
}

/// dom-1, -2, -4: rules on the contained resources of a DomainResource.
fn contained(ctx: &mut Ctx<'_, '_, '_>, key: &'static str, obj: Value<'_, '_>) {
    let Some(list) = obj.get("contained") else {
        return;
    };
    for (i, r) in list.items().enumerate() {
        let bad = match key {
            "dom-1" => r.get("text"),
            "dom-2" => r.get("contained"),
            _ => r
                .get("meta")
                .and_then(|m| m.get("versionId").or_else(|| m.get("lastUpdated"))),
        };
        if let Some(b) = bad {
            let len = ctx.push("contained");
            ctx.push_index(i);
            fail(ctx, key, b.offset(), None);
            ctx.pop(len);
        }
    }
}

/// ref-1: a local reference (`#id`) names a contained resource of its container.
fn ref_1(ctx: &mut Ctx<'_, '_, '_>, obj: Value<'_, '_>) {
    let Some(reference) = obj.get("reference").filter(|r| r.kind() == Kind::String) else {
        return;
    };
    let text = reference.text();
    let Some(id) = text.strip_prefix('#') else {
        return;
    };
    let Some(container) = ctx.containers.last_mut() else {
        return;
    };
    container.local_refs.push(id.to_string());
    let found = id.is_empty()
        || container
            .obj
            .get("contained")
            .is_some_and(|c| c.items().any(|r| r.get("id").is_some_and(|i| i.str_eq(id))));
    if !found {
        fail(ctx, "ref-1", reference.offset(), Some("reference"));
    }
}

/// dom-3: every contained resource is referenced from elsewhere in its container; `ctx` is at
/// the container's path.
pub fn dom_3(ctx: &mut Ctx<'_, '_, '_>, container: &Container<'_, '_>) {
    let Some(list) = container.obj.get("contained") else {
        return;
    };
    for (i, r) in list.items().enumerate() {
        let Some(id) = r.get("id").and_then(|v| v.as_str()) else {
            continue;
        };
        if !container.local_refs.iter().any(|l| *l == *id) {
            let len = ctx.push("contained");
            ctx.push_index(i);
            fail(ctx, "dom-3", r.offset(), None);
            ctx.pop(len);
        }
    }
}

/// A Reference's literal reference points at a resource type the element does not allow.
pub fn reference_target(ctx: &mut Ctx<'_, '_, '_>, obj: Value<'_, '_>, targets: &[&str]) {
    let Some(reference) = obj.get("reference").filter(|r| r.kind() == Kind::String) else {
        return;
    };
    let text = reference.text();
    if text.starts_with('#') || text.starts_with("urn:") {
        return;
    }
    // The text before `/_history/`, found from its underscores (a cheap byte search; a
    // substring search costs more than the rest of this check). Compared as bytes: the byte
    // before an underscore may be inside a character (`é_`), where a `str` slice panics.
    let path = text
        .match_indices('_')
        .find(|&(i, _)| i > 0 && text.as_bytes()[i - 1..].starts_with(b"/_history/"))
        .map_or(&*text, |(i, _)| &text[..i - 1]);
    // `[base/]Type/id`: the type is the segment before the last slash (bytes searched from
    // the end: `rsplit('/')` ran a `memrchr` per segment, a byte loop in WebAssembly).
    let last_slash = |s: &str| s.bytes().rposition(|b| b == b'/');
    let Some(slash) = last_slash(path) else {
        return;
    };
    let before = &path[..slash];
    let rtype = last_slash(before).map_or(before, |s| &before[s + 1..]);
    if spec::is_resource_type(rtype) && !targets.contains(&rtype) {
        let len = ctx.push("reference");
        ctx.report(
            MessageId::ReferenceTarget,
            reference.offset(),
            format!(
                "This reference points to a {rtype}; the element allows {}.",
                targets.join(" or ")
            ),
        );
        ctx.pop(len);
    }
}
