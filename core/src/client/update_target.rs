//! An update goes to the patient its Bundle describes: the id in the path must be the
//! Bundle's Patient.id (v2) or the value of one of its identifiers of an accepted assigning
//! authority (v1, whose path id is the business id). Checked before anything is sent, so a
//! Bundle built for one patient can never overwrite another.

use super::{ApiVersion, ClientError};
use serde_json::Value;

/// The business id of the Bundle's Patient: the value of its first identifier of an accepted
/// authority (v1's path id).
pub fn business_id(bundle_json: &[u8], authorities: &[String]) -> Result<String, ClientError> {
    let bundle: Value = serde_json::from_slice(bundle_json)
        .map_err(|_| ClientError::UpdateTarget("the Bundle cannot be read as JSON".to_string()))?;
    patient_of(&bundle)?
        .get("identifier")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .find_map(|i| {
            let system = i.get("system").and_then(Value::as_str)?;
            let value = i.get("value").and_then(Value::as_str)?;
            authorities
                .iter()
                .any(|a| a == system)
                .then(|| value.to_string())
        })
        .ok_or_else(|| {
            ClientError::UpdateTarget(
                "the Patient has no identifier of an accepted assigning authority".to_string(),
            )
        })
}

/// The Bundle's Patient resource.
fn patient_of(bundle: &Value) -> Result<&Value, ClientError> {
    bundle
        .get("entry")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|e| e.get("resource"))
        .find(|r| r.get("resourceType").and_then(Value::as_str) == Some("Patient"))
        .ok_or_else(|| ClientError::UpdateTarget("the Bundle holds no Patient".to_string()))
}

/// Checks that `bundle_json` (already validated) is for the patient `id` names. The error
/// never repeats an id: on v1 ids are patient data.
pub fn check(
    version: ApiVersion,
    id: &str,
    bundle_json: &[u8],
    authorities: &[String],
) -> Result<(), ClientError> {
    let bundle: Value = serde_json::from_slice(bundle_json)
        .map_err(|_| ClientError::UpdateTarget("the Bundle cannot be read as JSON".to_string()))?;
    let patient = patient_of(&bundle)?;
    match version {
        ApiVersion::V2 => match patient.get("id").and_then(Value::as_str) {
            Some(pid) if pid == id => Ok(()),
            Some(_) => Err(ClientError::UpdateTarget(
                "v2 updates need Patient.id equal to the logical id the create returned (build the update with ids.patient set to it)"
                    .to_string(),
            )),
            None => Err(ClientError::UpdateTarget(
                "the Patient has no id; v2 updates need Patient.id equal to the logical id the create returned (ids.patient)"
                    .to_string(),
            )),
        },
        ApiVersion::V1 => {
            let matches = patient
                .get("identifier")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .any(|i| {
                    let system = i.get("system").and_then(Value::as_str);
                    let value = i.get("value").and_then(Value::as_str);
                    system.is_some_and(|s| authorities.iter().any(|a| a == s))
                        && value == Some(id)
                });
            if matches {
                Ok(())
            } else {
                Err(ClientError::UpdateTarget(
                    "v1 updates need the business id: the value of the Patient's identifier of an accepted assigning authority"
                        .to_string(),
                ))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::CIP_SYSTEM;

    fn bundle(patient_id: Option<&str>, identifier: &str) -> Vec<u8> {
        let mut patient = serde_json::json!({
            "resourceType": "Patient",
            "identifier": [
                {"system": "urn:oid:9.9", "value": "OTHER-1"},
                {"system": CIP_SYSTEM, "value": identifier}
            ]
        });
        if let Some(id) = patient_id {
            patient["id"] = id.into();
        }
        serde_json::to_vec(&serde_json::json!({
            "resourceType": "Bundle",
            "entry": [{"resource": {"resourceType": "MessageHeader"}}, {"resource": patient}]
        }))
        .expect("json")
    }

    fn auth() -> Vec<String> {
        vec![CIP_SYSTEM.to_string()]
    }

    /// Issue #11 item 1: an update cannot hit the wrong patient.
    #[test]
    fn an_update_must_name_the_bundles_patient() {
        let b = bundle(Some("Bj6.1Lq-hvb-28"), "AAAA1234567890");
        assert!(check(ApiVersion::V2, "Bj6.1Lq-hvb-28", &b, &auth()).is_ok());
        let e = check(ApiVersion::V2, "another-id", &b, &auth()).expect_err("v2 mismatch");
        assert_eq!(e.code(), crate::ErrorCode::UpdateTargetMismatch);
        assert!(!e.to_string().contains("Bj6") && !e.to_string().contains("another"));
        let e = check(ApiVersion::V2, "x", &bundle(None, "A"), &auth()).expect_err("no id");
        assert!(e.to_string().contains("no id"), "{e}");
        assert!(check(ApiVersion::V1, "AAAA1234567890", &b, &auth()).is_ok());
        // The value of an identifier of an authority that is not accepted does not count.
        assert!(check(ApiVersion::V1, "OTHER-1", &b, &auth()).is_err());
        let e = check(ApiVersion::V1, "12345678Z", &b, &auth()).expect_err("v1 mismatch");
        assert!(!e.to_string().contains("AAAA") && !e.to_string().contains("12345678Z"));
        assert!(check(
            ApiVersion::V2,
            "x",
            b"{\"resourceType\":\"Bundle\"}",
            &auth()
        )
        .is_err());
    }
}
