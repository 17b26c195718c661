//! The JavaScript API in plain Rust: options read from a JS-shaped value tree, the errors the
//! API throws, and the builder call. Nothing here touches JavaScript, so the host's
//! `cargo test -p pfhir-wasm` checks it; `lib.rs` only converts values at the boundary.

use pfhir_core::build::{build_bundle_json_from_json_with, instant_from_millis};
use pfhir_core::build::{BuildError, BuildOptions, FieldError, IdsInput};
use pfhir_core::hl7v2::{ack, parse_offset, Charset, Converter, Hl7Options};
use pfhir_core::json::Limits;
use pfhir_core::profile::Rule;
use pfhir_core::validate::{OptionsError, Validator, ValidatorOptions};
use pfhir_core::ErrorCode;

/// A JavaScript value, as far as options care. Built by `lib.rs` from a `JsValue`, to a
/// bounded depth: anything deeper than options can be is [`Opt::Other`].
#[derive(Debug, Clone, PartialEq)]
pub enum Opt {
    /// `undefined` (a missing argument or member).
    Undefined,
    /// `null`.
    Null,
    /// A boolean.
    Bool(bool),
    /// A number.
    Number(f64),
    /// A string.
    Str(String),
    /// An array.
    Array(Vec<Opt>),
    /// A plain object: its own enumerable string keys, in order.
    Object(Vec<(String, Opt)>),
    /// Anything else, by its `typeof` (`function`, `bigint`, `symbol`), or `object` for a
    /// value nested deeper than options go.
    Other(&'static str),
}

impl Opt {
    /// How a message names the value's type.
    pub fn type_name(&self) -> &'static str {
        match self {
            Opt::Undefined => "undefined",
            Opt::Null => "null",
            Opt::Bool(_) => "a boolean",
            Opt::Number(_) => "a number",
            Opt::Str(_) => "a string",
            Opt::Array(_) => "an array",
            Opt::Object(_) => "an object",
            Opt::Other(t) => t,
        }
    }

    fn is_absent(&self) -> bool {
        matches!(self, Opt::Undefined | Opt::Null)
    }
}

/// An error the API throws: a JS `Error` whose `code` is [`ErrorCode::name`] and, for a
/// PatientInput with wrong fields, whose `fields` lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The shared error code.
    pub code: ErrorCode,
    /// The message.
    pub message: String,
    /// For [`ErrorCode::Input`]: every wrong field.
    pub fields: Vec<FieldError>,
}

impl ApiError {
    /// An `invalid_argument` error.
    pub fn argument(message: impl Into<String>) -> ApiError {
        ApiError {
            code: ErrorCode::InvalidArgument,
            message: message.into(),
            fields: Vec::new(),
        }
    }

    /// An `internal` error: pfhir itself went wrong, not the caller.
    pub fn internal(message: impl Into<String>) -> ApiError {
        ApiError {
            code: ErrorCode::Internal,
            message: message.into(),
            fields: Vec::new(),
        }
    }

    fn options(e: &OptionsError) -> ApiError {
        ApiError::argument(format!("invalid options: {e}"))
    }
}

/// The members of an options object, checked against the names a function knows.
fn members<'a>(
    opt: &'a Opt,
    what: &str,
    known: &[&str],
) -> Result<Vec<(&'a str, &'a Opt)>, ApiError> {
    match opt {
        Opt::Undefined | Opt::Null => Ok(Vec::new()),
        Opt::Object(members) => {
            let mut out = Vec::new();
            for (name, value) in members {
                if !known.contains(&name.as_str()) {
                    return Err(ApiError::argument(format!(
                        "unknown option {what}.{name} (expected one of: {})",
                        known.join(", ")
                    )));
                }
                if !value.is_absent() {
                    out.push((name.as_str(), value));
                }
            }
            Ok(out)
        }
        other => Err(ApiError::argument(format!(
            "{what} must be an object, not {}",
            other.type_name()
        ))),
    }
}

fn string_array<'a>(opt: &'a Opt, what: &str) -> Result<Vec<&'a str>, ApiError> {
    let fail = || ApiError::argument(format!("{what} must be an array of strings"));
    let Opt::Array(items) = opt else {
        return Err(fail());
    };
    items
        .iter()
        .map(|i| match i {
            Opt::Str(s) => Ok(s.as_str()),
            _ => Err(fail()),
        })
        .collect()
}

/// A whole number in `0..=u32::MAX`, or an `invalid_argument` error naming `what`.
fn whole_number(opt: &Opt, what: &str, out_of_range: &OptionsError) -> Result<usize, ApiError> {
    let Opt::Number(n) = opt else {
        return Err(ApiError::argument(format!(
            "{what} must be a number, not {}",
            opt.type_name()
        )));
    };
    if !n.is_finite() || n.fract() != 0.0 {
        return Err(ApiError::argument(format!("{what} must be a whole number")));
    }
    if *n < 0.0 || *n > f64::from(u32::MAX) {
        return Err(ApiError::options(out_of_range));
    }
    // In range: 0..=u32::MAX fits usize on wasm32 and on 64-bit hosts.
    usize::try_from(*n as u64).map_err(|_| ApiError::options(out_of_range))
}

/// The names `validate` accepts in its options.
pub const VALIDATE_OPTIONS: &[&str] = &[
    "profile",
    "rules",
    "authorities",
    "maxBytes",
    "maxDepth",
    "maxIssues",
    "includeValues",
];

/// The validator for `validate`'s options: `{profile, rules, authorities, maxBytes, maxDepth,
/// includeValues}`, each optional. `authorities` are accepted besides Meteda and CIP, as the
/// CLI's `--authority` and the native `add_authority` do.
pub fn validator(opt: &Opt) -> Result<Validator, ApiError> {
    let members = members(opt, "options", VALIDATE_OPTIONS)?;
    let profile = members.iter().find(|(n, _)| *n == "profile");
    let mut o = match profile.map(|(_, v)| *v) {
        None => ValidatorOptions::partner(),
        Some(Opt::Str(s)) if s == "partner" => ValidatorOptions::partner(),
        Some(Opt::Str(s)) if s == "base" => ValidatorOptions::base(),
        Some(_) => {
            return Err(ApiError::argument(
                "options.profile must be \"partner\" or \"base\"",
            ))
        }
    };
    for (name, value) in &members {
        match *name {
            "rules" => {
                for (rule, severity) in members_any(value, "options.rules")? {
                    let Opt::Str(sev) = severity else {
                        return Err(ApiError::argument(format!(
                            "options.rules[\"{rule}\"] must be \"error\", \"warning\" or \"off\""
                        )));
                    };
                    o.set_severity_by_name(rule, sev)
                        .map_err(|e| ApiError::options(&e))?;
                }
            }
            "authorities" => {
                for a in string_array(value, "options.authorities")? {
                    o.add_authority(a).map_err(|e| ApiError::options(&e))?;
                }
            }
            "maxBytes" => {
                o.limits.max_bytes = whole_number(value, "options.maxBytes", &OptionsError::Size)?
            }
            "maxDepth" => {
                let cap = OptionsError::Depth {
                    cap: Limits::MAX_DEPTH_CAP,
                };
                o.limits.max_depth = whole_number(value, "options.maxDepth", &cap)?
            }
            "maxIssues" => {
                o.max_issues = whole_number(value, "options.maxIssues", &OptionsError::MaxIssues)?
            }
            "includeValues" => match value {
                Opt::Bool(b) => o.include_values = *b,
                other => {
                    return Err(ApiError::argument(format!(
                        "options.includeValues must be a boolean, not {}",
                        other.type_name()
                    )))
                }
            },
            _ => {}
        }
    }
    Validator::new(o).map_err(|e| ApiError::options(&e))
}

/// Every member of an object whose names are free (rule ids), `undefined` ones skipped.
fn members_any<'a>(opt: &'a Opt, what: &str) -> Result<Vec<(&'a str, &'a Opt)>, ApiError> {
    match opt {
        Opt::Object(m) => Ok(m
            .iter()
            .filter(|(_, v)| !matches!(v, Opt::Undefined))
            .map(|(k, v)| (k.as_str(), v))
            .collect()),
        other => Err(ApiError::argument(format!(
            "{what} must be an object, not {}",
            other.type_name()
        ))),
    }
}

/// What `buildBundle`'s options ask for.
#[derive(Debug, Clone, Default)]
pub struct BuildSpec {
    /// The core's options (extra authorities).
    pub options: BuildOptions,
    /// Indented output instead of compact.
    pub pretty: bool,
}

/// The names `buildBundle` accepts in its options.
pub const BUILD_OPTIONS: &[&str] = &["authorities", "pretty", "sourceEndpoint", "bundleId"];

/// `buildBundle`'s options: `{authorities, pretty, sourceEndpoint, bundleId}`, each optional.
pub fn build_spec(opt: &Opt) -> Result<BuildSpec, ApiError> {
    let mut spec = BuildSpec::default();
    for (name, value) in members(opt, "options", BUILD_OPTIONS)? {
        match name {
            "authorities" => {
                for a in string_array(value, "options.authorities")? {
                    ValidatorOptions::check_authority(a).map_err(|e| ApiError::options(&e))?;
                    spec.options.extra_authorities.push(a.to_string());
                }
            }
            "pretty" => spec.pretty = boolean(value, "options.pretty")?,
            "bundleId" => spec.options.omit_bundle_id = !boolean(value, "options.bundleId")?,
            "sourceEndpoint" => match value {
                Opt::Str(s) => spec.options.source_endpoint = Some(s.to_string()),
                other => {
                    return Err(ApiError::argument(format!(
                        "options.sourceEndpoint must be a string, not {}",
                        other.type_name()
                    )))
                }
            },
            _ => {}
        }
    }
    Ok(spec)
}

/// A boolean option.
fn boolean(opt: &Opt, what: &str) -> Result<bool, ApiError> {
    match opt {
        Opt::Bool(b) => Ok(*b),
        other => Err(ApiError::argument(format!(
            "{what} must be a boolean, not {}",
            other.type_name()
        ))),
    }
}

/// Builds the Bundle JSON from the JSON text of a PatientInput. `now_ms` (milliseconds since
/// the Unix epoch, from the host's clock) becomes the MessageHeader timestamp when the input
/// gives none: wasm32 has no clock of its own. Errors are those of the C ABI's
/// `pfhir_build_bundle`: every wrong field at once (`input`), `json` for a text that is not a
/// JSON object.
pub fn build(input_json: &str, spec: &BuildSpec, now_ms: f64) -> Result<String, ApiError> {
    let mut options = spec.options.clone();
    if now_ms.is_finite() {
        // Saturating float-to-int conversion; a finite clock reading fits easily.
        options.now = Some(instant_from_millis(now_ms as i64));
    }
    let json =
        build_bundle_json_from_json_with(input_json.as_bytes(), &options).map_err(build_error)?;
    let bytes = if spec.pretty {
        // Indented from the compact text (a generic JSON value keeps the member order):
        // reading it back into the typed model would bring the model's readers into the
        // .wasm (+120 KB gzipped).
        let value: serde_json::Value =
            serde_json::from_slice(&json).map_err(|e| ApiError::internal(e.to_string()))?;
        serde_json::to_vec_pretty(&value)
            .map_err(|e| ApiError::internal(format!("the Bundle could not be written ({e})")))?
    } else {
        json
    };
    String::from_utf8(bytes).map_err(|_| ApiError::internal("the Bundle JSON is not UTF-8"))
}

/// The error of a [`BuildError`], coded as the C ABI codes it (`BuildError::code`).
pub fn build_error(e: BuildError) -> ApiError {
    ApiError {
        code: e.code(),
        message: e.to_string(),
        fields: e.fields().to_vec(),
    }
}

/// The partner rules as JSON: `[{id, severity, messageId, rationale}]`, severity being the
/// default one.
pub fn rules_json() -> String {
    let rules: Vec<serde_json::Value> = Rule::ALL
        .iter()
        .map(|r| {
            serde_json::json!({
                "id": r.id(),
                "severity": r.default_severity().as_str(),
                "messageId": r.message_id().to_string(),
                "rationale": r.rationale(),
            })
        })
        .collect();
    serde_json::Value::Array(rules).to_string()
}

/// The names `hl7ToBundle` and `hl7Ack` accept in their options.
pub const HL7_OPTIONS: &[&str] = &[
    "namespaces",
    "authorities",
    "orgId",
    "sourceEndpoint",
    "patientId",
    "tz",
    "charset",
    "maxBytes",
    "fixedIds",
    "ackControlId",
    "ackTime",
];

/// A string option.
fn text(opt: &Opt, what: &str) -> Result<String, ApiError> {
    match opt {
        Opt::Str(s) => Ok(s.clone()),
        other => Err(ApiError::argument(format!(
            "{what} must be a string, not {}",
            other.type_name()
        ))),
    }
}

/// The HL7 DTM (`YYYYMMDDHHMMSS+0000`) of a time in milliseconds since the Unix epoch.
pub fn dtm_of_millis(ms: f64) -> String {
    // "YYYY-MM-DDTHH:MM:SS.mmmZ": keep the digits of the date and the time to the second.
    let instant = instant_from_millis(ms as i64);
    let digits: String = instant
        .chars()
        .take(19)
        .filter(char::is_ascii_digit)
        .collect();
    format!("{digits}+0000")
}

/// `hl7ToBundle`'s options (docs/hl7v2.md, "Options"): `{namespaces: {NS: SYSTEM},
/// authorities, orgId, sourceEndpoint, patientId, tz, charset, maxBytes, fixedIds,
/// ackControlId, ackTime}`, each optional. `now_ms` (the host's clock) is the ACK's MSH-7
/// when `ackTime` is not given, and the builder's clock: wasm32 has no clock of its own.
pub fn hl7_options(opt: &Opt, now_ms: f64) -> Result<Hl7Options, ApiError> {
    let mut o = Hl7Options::default();
    for (name, value) in members(opt, "options", HL7_OPTIONS)? {
        let what = format!("options.{name}");
        match name {
            "namespaces" => {
                for (ns, system) in members_any(value, &what)? {
                    let system = text(system, &format!("options.namespaces[\"{ns}\"]"))?;
                    if ns.contains('=') {
                        return Err(ApiError::argument("an HL7 namespace cannot contain '='"));
                    }
                    o.add_namespace(&format!("{ns}={system}"))
                        .map_err(|e| ApiError::argument(format!("invalid options: {e}")))?;
                }
            }
            "authorities" => {
                for a in string_array(value, &what)? {
                    ValidatorOptions::check_authority(a).map_err(|e| ApiError::options(&e))?;
                    o.extra_authorities.push(a.to_string());
                }
            }
            "orgId" => o.org_id = Some(text(value, &what)?),
            "sourceEndpoint" => o.source_endpoint = Some(text(value, &what)?),
            "patientId" => o.patient_id = Some(text(value, &what)?),
            "tz" => {
                o.utc_offset = Some(parse_offset(&text(value, &what)?).ok_or_else(|| {
                    ApiError::argument(format!(
                        "{what} must be a fixed UTC offset such as +01:00, -05:00 or Z"
                    ))
                })?)
            }
            "charset" => {
                o.default_charset = Charset::from_msh18(&text(value, &what)?).ok_or_else(|| {
                    ApiError::argument(format!(
                        "{what} must be ASCII, 8859/1, 8859/15 or UNICODE UTF-8"
                    ))
                })?
            }
            "maxBytes" => {
                let n = whole_number(value, &what, &OptionsError::Size)?;
                if n == 0 {
                    return Err(ApiError::argument(format!("{what} must be at least 1")));
                }
                o.limits.max_bytes = n;
            }
            "fixedIds" => {
                let s = text(value, &what)?;
                o.ids = IdsInput {
                    bundle: Some(format!("bundle-{s}")),
                    message_header: Some(format!("header-{s}")),
                    patient: Some(format!("patient-{s}")),
                    condition: Some(format!("condition-{s}")),
                    conditions: Vec::new(),
                };
            }
            "ackControlId" => o.ack_control_id = Some(text(value, &what)?),
            "ackTime" => o.ack_time = Some(text(value, &what)?),
            _ => {}
        }
    }
    if now_ms.is_finite() {
        // Saturating float-to-int conversion; a finite clock reading fits easily.
        o.now = Some(instant_from_millis(now_ms as i64));
        if o.ack_time.is_none() {
            o.ack_time = Some(dtm_of_millis(now_ms));
        }
    }
    Ok(o)
}

/// Converts one message: the result (everything but the ACK) as JSON text, and the ACK
/// bytes. The JSON is `{bundle: string | null, kind, ackCode, issues: [{severity, id,
/// location, expression, hl7Code, line, column, message}], outcome}`.
pub fn hl7_convert(message: &[u8], options: Hl7Options) -> Result<(String, Vec<u8>), ApiError> {
    let converter =
        Converter::new(options).map_err(|e| ApiError::argument(format!("invalid options: {e}")))?;
    let conv = converter.convert(message);
    let issues: Vec<serde_json::Value> = conv
        .issues
        .iter()
        .map(|i| {
            serde_json::json!({
                "severity": i.severity.as_str(),
                "id": i.message_id,
                "location": i.location.map(|l| l.to_string()),
                "expression": i.expression,
                "hl7Code": i.hl7_code.code(),
                "line": i.line,
                "column": i.column,
                "message": i.message,
            })
        })
        .collect();
    let bundle = conv
        .bundle_json()
        .map(|b| String::from_utf8_lossy(&b).into_owned());
    let outcome: serde_json::Value = serde_json::from_str(&conv.outcome_json())
        .map_err(|_| ApiError::internal("internal error: the outcome"))?;
    let result = serde_json::json!({
        "bundle": bundle,
        "kind": conv.kind.map(|k| k.as_str()),
        "ackCode": conv.ack_code.as_str(),
        "issues": issues,
        "outcome": outcome,
    });
    Ok((result.to_string(), ack(&conv, converter.options())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use pfhir_core::profile::RuleSeverity;
    use pfhir_core::validate::Profile;

    fn obj(members: &[(&str, Opt)]) -> Opt {
        Opt::Object(
            members
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        )
    }

    fn s(v: &str) -> Opt {
        Opt::Str(v.to_string())
    }

    fn err(opt: &Opt) -> ApiError {
        match validator(opt) {
            Ok(v) => panic!("accepted {opt:?}: {:?}", v.options()),
            Err(e) => e,
        }
    }

    #[test]
    fn absent_options_are_the_partner_defaults() {
        for o in [Opt::Undefined, Opt::Null, obj(&[])] {
            let v = validator(&o).expect("defaults");
            assert_eq!(v.options(), &ValidatorOptions::partner());
        }
        let v = validator(&obj(&[
            ("maxBytes", Opt::Undefined),
            ("profile", Opt::Null),
        ]))
        .expect("absent members");
        assert_eq!(v.options(), &ValidatorOptions::partner());
    }

    #[test]
    fn every_option_is_applied() {
        let v = validator(&obj(&[
            ("profile", s("base")),
            ("rules", obj(&[("partner-meta-profile", s("off"))])),
            ("authorities", Opt::Array(vec![s("urn:oid:1.2.3")])),
            ("maxBytes", Opt::Number(512.0)),
            ("maxDepth", Opt::Number(8.0)),
            ("includeValues", Opt::Bool(true)),
        ]))
        .expect("options");
        let o = v.options();
        assert_eq!(o.profile, Profile::Base);
        assert_eq!(o.severity(Rule::MetaProfile), RuleSeverity::Off);
        assert!(o.authorities.iter().any(|a| a == "urn:oid:1.2.3"));
        assert_eq!(o.authorities.len(), 3, "added to Meteda and CIP");
        assert_eq!(o.limits.max_bytes, 512);
        assert_eq!(o.limits.max_depth, 8);
        assert!(o.include_values);
    }

    #[test]
    fn misuse_is_an_invalid_argument() {
        let cases = [
            s("partner"),
            Opt::Number(1.0),
            Opt::Array(vec![]),
            obj(&[("maxbytes", Opt::Number(1.0))]),
            obj(&[("profile", s("strict"))]),
            obj(&[("rules", obj(&[("no-such-rule", s("off"))]))]),
            obj(&[("rules", obj(&[("partner-meta-profile", s("fatal"))]))]),
            obj(&[("rules", obj(&[("partner-meta-profile", Opt::Bool(false))]))]),
            obj(&[("rules", s("off"))]),
            obj(&[("authorities", s("urn:oid:1.2"))]),
            obj(&[("authorities", Opt::Array(vec![s("has space")]))]),
            obj(&[("authorities", Opt::Array(vec![Opt::Number(1.0)]))]),
            obj(&[("maxBytes", Opt::Number(0.0))]),
            obj(&[("maxBytes", Opt::Number(-1.0))]),
            obj(&[("maxBytes", Opt::Number(1.5))]),
            obj(&[("maxBytes", Opt::Number(f64::NAN))]),
            obj(&[("maxBytes", Opt::Number(f64::INFINITY))]),
            obj(&[("maxBytes", Opt::Number(5e9))]),
            obj(&[("maxBytes", s("512"))]),
            obj(&[("maxDepth", Opt::Number(0.0))]),
            obj(&[("maxDepth", Opt::Number(513.0))]),
            obj(&[("includeValues", s("yes"))]),
            obj(&[("profile", Opt::Other("bigint"))]),
        ];
        for c in &cases {
            let e = err(c);
            assert_eq!(e.code, ErrorCode::InvalidArgument, "{c:?}");
            assert!(e.fields.is_empty());
        }
        assert!(err(&obj(&[("rules", obj(&[("nope", s("off"))]))]))
            .message
            .contains("unknown partner rule \"nope\""));
        assert!(err(&obj(&[("maxBytes", Opt::Number(0.0))]))
            .message
            .contains("between 1 byte and 4 GiB"));
    }

    #[test]
    fn limits_at_the_edges_are_accepted() {
        let v = validator(&obj(&[
            ("maxBytes", Opt::Number(f64::from(u32::MAX))),
            ("maxDepth", Opt::Number(128.0)),
        ]))
        .expect("edges");
        assert_eq!(v.options().limits.max_bytes, u32::MAX as usize);
    }

    fn input() -> String {
        serde_json::json!({
            "authority": "cip",
            "patientId": "CIP-0001",
            "familyName": "Ficticio",
            "givenNames": ["Ana"],
            "gender": "F",
            "birthDate": "19800101",
            "diabetes": "type1",
            "organizationOid": "2.16.724.4.2",
        })
        .to_string()
    }

    #[test]
    fn builds_with_the_host_clock() {
        let json = build(&input(), &BuildSpec::default(), 1_585_311_699_471.0).expect("bundle");
        assert!(json.contains("\"timestamp\":\"2020-03-27T12:21:39.471Z\""));
        assert!(!Validator::partner().validate(json.as_bytes()).has_errors());
        let pretty = build(
            &input(),
            &BuildSpec {
                pretty: true,
                ..Default::default()
            },
            0.0,
        )
        .expect("pretty");
        assert!(pretty.contains("\n  \"resourceType\": \"Bundle\""));
        // Indented as the typed model indents the same Bundle.
        let typed: pfhir_core::model::Bundle =
            pfhir_core::model::from_slice(pretty.as_bytes(), pfhir_core::model::ReadMode::Strict)
                .expect("reads");
        assert_eq!(
            serde_json::to_string_pretty(&typed).expect("writes"),
            pretty
        );
    }

    #[test]
    fn build_errors_have_codes_and_fields() {
        let e = build("{", &BuildSpec::default(), 0.0).expect_err("json");
        assert_eq!(e.code, ErrorCode::Json);
        let bad = input()
            .replace("\"F\"", "\"X\"")
            .replace("19800101", "1980-13-01");
        let e = build(&bad, &BuildSpec::default(), 0.0).expect_err("fields");
        assert_eq!(e.code, ErrorCode::Input);
        let names: Vec<&str> = e.fields.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(names, ["gender", "birthDate"]);
        assert!(e.message.starts_with("invalid patient input: gender: "));
        let e = build("[]", &BuildSpec::default(), 0.0).expect_err("not an object");
        assert_eq!(e.code, ErrorCode::Json);
        assert!(e.message.starts_with("the PatientInput is "));
        assert!(e.fields.is_empty());
        // Unreadable members and wrong values of the readable ones, all at once.
        let both = input()
            .replace("\"F\"", "7")
            .replace("19800101", "1980-13-01");
        let e = build(&both, &BuildSpec::default(), 0.0).expect_err("fields");
        let names: Vec<&str> = e.fields.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(names, ["gender", "birthDate"]);
    }

    #[test]
    fn build_options_are_checked() {
        let spec = build_spec(&obj(&[
            ("authorities", Opt::Array(vec![s("urn:oid:1.2.3")])),
            ("pretty", Opt::Bool(true)),
        ]))
        .expect("spec");
        assert_eq!(spec.options.extra_authorities, ["urn:oid:1.2.3"]);
        assert!(spec.pretty);
        let with_authority = input().replace("\"cip\"", "\"urn:oid:1.2.3\"");
        assert_eq!(
            build(&with_authority, &BuildSpec::default(), 0.0)
                .expect_err("unknown authority")
                .fields[0]
                .field,
            "authority"
        );
        assert!(build(&with_authority, &spec, 0.0).is_ok());
        for bad in [
            obj(&[("pretty", s("yes"))]),
            obj(&[("authorities", Opt::Array(vec![s("")]))]),
            obj(&[("timestamp", s("now"))]),
            Opt::Bool(true),
        ] {
            assert_eq!(
                build_spec(&bad).expect_err("bad").code,
                ErrorCode::InvalidArgument
            );
        }
    }

    #[test]
    fn rules_are_listed() {
        let rules: serde_json::Value = serde_json::from_str(&rules_json()).expect("json");
        let rules = rules.as_array().expect("array");
        assert_eq!(rules.len(), Rule::ALL.len());
        assert_eq!(rules[0]["id"], "partner-bundle");
        assert_eq!(rules[0]["severity"], "error");
    }

    #[test]
    fn hl7_options_are_checked_and_the_ack_time_comes_from_the_host() {
        let o = |members: Vec<(&str, Opt)>| {
            Opt::Object(
                members
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), v))
                    .collect(),
            )
        };
        let opts = hl7_options(
            &o(vec![
                ("tz", Opt::Str("+01:00".into())),
                (
                    "namespaces",
                    o(vec![("HOSP", Opt::Str("urn:oid:2.16.724.4.2.1".into()))]),
                ),
                ("fixedIds", Opt::Str("7".into())),
            ]),
            0.0,
        )
        .expect("options");
        assert_eq!(opts.utc_offset, Some(60));
        assert_eq!(opts.ids.bundle.as_deref(), Some("bundle-7"));
        assert_eq!(opts.ack_time.as_deref(), Some("19700101000000+0000"));
        assert!(opts.namespaces.iter().any(|(n, _)| n == "HOSP"));
        for bad in [
            o(vec![("tz", Opt::Str("Europe/Madrid".into()))]),
            o(vec![("charset", Opt::Str("EBCDIC".into()))]),
            o(vec![("maxBytes", Opt::Number(0.0))]),
            o(vec![("nope", Opt::Bool(true))]),
            o(vec![("orgId", Opt::Number(1.0))]),
            o(vec![(
                "authorities",
                Opt::Array(vec![Opt::Str("not a system".into())]),
            )]),
        ] {
            let e = hl7_options(&bad, 0.0).expect_err("refused");
            assert_eq!(e.code, ErrorCode::InvalidArgument);
        }
    }

    #[test]
    fn hl7_convert_gives_the_issues_and_the_ack() {
        let msg = b"MSH|^~\\&|HIS|H^2.16.724.4.2^ISO|P|Q|20260101120000+0100||ADT^A04|M1|P|2.5.1\rPID|1||1^^^CIP||A^B||19801340|F\r";
        let (json, ack) = hl7_convert(msg, Hl7Options::default()).expect("convert");
        let v: serde_json::Value = serde_json::from_str(&json).expect("JSON");
        assert_eq!(v["ackCode"], "AE");
        assert_eq!(v["kind"], "create");
        assert!(v["bundle"].is_null());
        assert!(v["issues"]
            .as_array()
            .expect("issues")
            .iter()
            .any(|i| i["location"] == "PID-7" && i["id"] == "PFHIR-H0304"));
        assert!(String::from_utf8_lossy(&ack).contains("\rMSA|AE|M1\r"));
    }
}
