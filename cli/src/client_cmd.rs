//! `pfhir create`, `update`, `read` and `build`.

use crate::connect::ConnectArgs;
use crate::render;
use crate::{read_input, CliError, ExitCode};
use pfhir_core::build::{build_bundle_json_from_json_with, BuildError, BuildOptions};
use pfhir_core::client::{ApiVersion, Client, ClientError, RequestOptions};
use pfhir_core::json::Limits;
use std::time::Instant;

/// Prints a failed request: code, status, request id, and the platform's or the local
/// OperationOutcome issues. Never a secret; pfhir's own texts never hold a patient value, but
/// the platform's issue texts are printed as the platform sent them, under a line that says
/// so (they may quote what the request held).
pub fn print_client_error(what: &str, e: &ClientError) {
    eprintln!("pfhir: {what} failed [{}]: {e}", e.code());
    if e.retry_safe() {
        eprintln!("  (a retry is safe)");
    }
    if e.may_have_been_processed() {
        eprintln!("  (the platform may have processed it: for a create, the patient may exist)");
    }
    match e {
        ClientError::Validation { outcome } => {
            for i in &outcome.issues {
                eprintln!(
                    "  {} {} at {} (line {}, column {}): {}",
                    i.severity.as_str(),
                    i.message_id,
                    i.expression,
                    i.line,
                    i.column,
                    i.message
                );
            }
        }
        ClientError::Http { failure, .. } => {
            if let Some(oo) = &failure.outcome {
                eprintln!(
                    "  the platform's OperationOutcome (its texts as the platform sent them):"
                );
                for i in &oo.issue {
                    let text = i
                        .details
                        .as_ref()
                        .and_then(|d| d.text.clone())
                        .or_else(|| i.diagnostics.clone())
                        .unwrap_or_default();
                    eprintln!(
                        "    {} {}: {text}",
                        i.severity.as_deref().unwrap_or("?"),
                        i.code.as_deref().unwrap_or("?")
                    );
                }
            } else if !failure.body.is_empty() {
                eprintln!(
                    "  (the body is not an OperationOutcome: {} bytes)",
                    failure.body.len()
                );
            }
        }
        _ => {}
    }
}

fn exit_for(e: &ClientError) -> ExitCode {
    match e {
        ClientError::Config(_) | ClientError::WrongPassword(_) => ExitCode::Usage,
        _ => ExitCode::Invalid,
    }
}

fn options(request_id: &Option<String>) -> RequestOptions {
    RequestOptions {
        request_id: request_id.clone(),
    }
}

/// Sends a Bundle file with `op`, which returns the result as JSON and as a sentence; prints
/// one of them (with the time taken) or the error.
fn send(
    connect: &ConnectArgs,
    file: &str,
    what: &str,
    json: bool,
    op: impl FnOnce(&Client, &[u8]) -> Result<(serde_json::Value, String), ClientError>,
) -> Result<ExitCode, CliError> {
    let client = connect.client()?;
    let body = read_input(file, client.config().validation.limits.max_bytes)?;
    let t0 = Instant::now();
    match op(&client, &body) {
        Ok((value, sentence)) => {
            if json {
                println!("{value}");
            } else {
                println!("{sentence} in {} ms", t0.elapsed().as_millis());
            }
            Ok(ExitCode::Ok)
        }
        Err(e) => {
            print_client_error(what, &e);
            Ok(exit_for(&e))
        }
    }
}

/// `pfhir create FILE`.
pub fn create(
    connect: &ConnectArgs,
    file: &str,
    request_id: &Option<String>,
    json: bool,
) -> Result<ExitCode, CliError> {
    send(connect, file, "create", json, |client, body| {
        let r = client.create_with(body, &options(request_id))?;
        let value = serde_json::json!({"patientId": r.patient_id, "bundleId": r.bundle_id, "requestId": r.request_id, "status": r.status, "attempts": r.attempts});
        let sentence = format!(
            "created: patient id {} (bundle id {}), request id {}, HTTP {}",
            r.patient_id, r.bundle_id, r.request_id, r.status
        );
        Ok((value, sentence))
    })
}

/// `pfhir update ID FILE`.
pub fn update(
    connect: &ConnectArgs,
    id: &str,
    file: &str,
    request_id: &Option<String>,
    json: bool,
) -> Result<ExitCode, CliError> {
    send(connect, file, "update", json, |client, body| {
        // A PatientInput is built for the patient being updated (v2: Patient.id is the id;
        // v1: the business id must be its patientId, which the client checks).
        let built;
        let body = if is_bundle(body) {
            body
        } else {
            let for_update = (client.config().api_version == ApiVersion::V2).then_some(id);
            let options = BuildOptions {
                extra_authorities: client.config().validation.authorities.clone(),
                ..BuildOptions::default()
            };
            built = build_for(body, for_update, &options).map_err(|e| {
                ClientError::Config(format!("the PatientInput does not build: {e}"))
            })?;
            &built[..]
        };
        let r = client.update_with(id, body, &options(request_id))?;
        let value = serde_json::json!({"requestId": r.request_id, "status": r.status, "attempts": r.attempts});
        let sentence = format!("updated: request id {}, HTTP {}", r.request_id, r.status);
        Ok((value, sentence))
    })
}

/// `pfhir read ID`: prints the Patient JSON.
pub fn read(
    connect: &ConnectArgs,
    id: &str,
    request_id: &Option<String>,
) -> Result<ExitCode, CliError> {
    let client = connect.client()?;
    match client.read_with(id, &options(request_id)) {
        Ok(r) => {
            println!("{}", String::from_utf8_lossy(&r.json));
            Ok(ExitCode::Ok)
        }
        Err(e) => {
            print_client_error("read", &e);
            Ok(exit_for(&e))
        }
    }
}

/// True when the JSON text is a FHIR resource (has `resourceType`), not a PatientInput.
fn is_bundle(json: &[u8]) -> bool {
    serde_json::from_slice::<serde_json::Value>(json).is_ok_and(|v| v.get("resourceType").is_some())
}

/// Builds a PatientInput into the Bundle's compact JSON, for an update of `for_update` when
/// given (its `ids.patient`, which must not name another patient).
fn build_for(
    input: &[u8],
    for_update: Option<&str>,
    options: &BuildOptions,
) -> Result<Vec<u8>, BuildError> {
    let Some(id) = for_update else {
        return build_bundle_json_from_json_with(input, options);
    };
    let mut value: serde_json::Value = serde_json::from_slice(input)
        .map_err(|_| BuildError::Json("the PatientInput is not JSON".into()))?;
    let Some(obj) = value.as_object_mut() else {
        return build_bundle_json_from_json_with(input, options);
    };
    let ids = obj.entry("ids").or_insert_with(|| serde_json::json!({}));
    if let Some(ids) = ids.as_object_mut() {
        match ids.get("patient").and_then(serde_json::Value::as_str) {
            Some(given) if given != id => {
                return Err(BuildError::Json(
                    "ids.patient names another patient than the id of the update".into(),
                ))
            }
            _ => {
                ids.insert("patient".into(), id.into());
            }
        }
    }
    let text = serde_json::to_vec(&value).map_err(|e| BuildError::Json(e.to_string()))?;
    build_bundle_json_from_json_with(&text, options)
}

/// `pfhir build INPUT [--for-update ID] [--authority SYSTEM]... [--source-endpoint URI]
/// [--no-bundle-id]`: PatientInput JSON to Bundle JSON.
pub fn build(
    file: &str,
    pretty: bool,
    for_update: Option<&str>,
    options: &BuildOptions,
) -> Result<ExitCode, CliError> {
    let input = read_input(file, Limits::DEFAULT_MAX_BYTES)?;
    match build_for(&input, for_update, options) {
        Ok(bundle) => {
            let text = if pretty {
                // Indented from the compact text (a generic JSON value keeps the member
                // order: the same text as the typed model indented).
                let value: serde_json::Value =
                    serde_json::from_slice(&bundle).map_err(|e| CliError::Io(e.to_string()))?;
                serde_json::to_string_pretty(&value).map_err(|e| CliError::Io(e.to_string()))?
            } else {
                String::from_utf8_lossy(&bundle).into_owned()
            };
            println!("{text}");
            Ok(ExitCode::Ok)
        }
        Err(BuildError::Input(errors)) => {
            for e in errors {
                eprintln!("pfhir: input: {e}");
            }
            Ok(ExitCode::Invalid)
        }
        Err(e) => {
            eprintln!("pfhir: build: {e}");
            Ok(ExitCode::Invalid)
        }
    }
}

/// Summary line of an outcome (re-exported for the demo).
pub fn outcome_summary(o: &pfhir_core::validate::Outcome) -> String {
    render::summary(o)
}
