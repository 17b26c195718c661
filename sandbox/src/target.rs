//! An update cannot hit the wrong patient: the Bundle must name the patient of the path.
//!
//! v2 (`PUT v2/Bundle/{id}`): the Patient's `id` must equal the path id, as FHIR's update
//! interaction requires (a missing or different `id` is a 400). v1 (`PUT Bundle/{business
//! id}`): one of the Patient's identifiers of an accepted authority must have the path id as
//! its value. The platform does not publish its answer; ours is a sandbox choice (README).

use crate::operations::{Prepared, Version};
use crate::reply::Reply;

/// `Ok` when the update's Bundle names the patient `path_id`; otherwise the 400 to answer,
/// an OperationOutcome pointing at the element (no id is echoed: a v1 id is patient data).
pub(crate) fn check(version: Version, path_id: &str, prepared: &Prepared) -> Result<(), Reply> {
    let patient = format!("Bundle.entry[{}].resource", prepared.patient_index);
    match version {
        Version::V2 => match prepared.patient_id() {
            Some(id) if id == path_id => Ok(()),
            Some(_) => Err(Reply::outcome_at(
                400,
                "invalid",
                "The Patient's id differs from the id in the path: an update must carry the id of the patient it updates.",
                &format!("{patient}.id"),
            )),
            None => Err(Reply::outcome_at(
                400,
                "required",
                "The Patient has no id: an update must carry the id of the patient it updates (the id in the path).",
                &format!("{patient}.id"),
            )),
        },
        Version::V1 => {
            let ids = &prepared.authority_ids;
            if ids.iter().any(|(_, value)| value == path_id) {
                return Ok(());
            }
            match ids.first() {
                Some((n, _)) => Err(Reply::outcome_at(
                    400,
                    "invalid",
                    "The Patient's identifier differs from the business id in the path: an update must carry the identifier of the patient it updates.",
                    &format!("{patient}.identifier[{n}].value"),
                )),
                None => Err(Reply::outcome_at(
                    400,
                    "required",
                    "The Patient has no identifier of an accepted authority: a v1 update must carry the business id of the path.",
                    &format!("{patient}.identifier"),
                )),
            }
        }
    }
}
