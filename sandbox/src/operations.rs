//! The platform's operations: create, update and read a patient, with idempotent replays.

use std::hash::{DefaultHasher, Hash, Hasher};

use pfhir_core::model::{from_slice, to_vec, Bundle, ReadMode, Resource};
use pfhir_core::validate::{IssueCode, Validator};

use crate::reply::Reply;
use crate::store::{PatientKeys, Replay, Store, StoredPatient};
use crate::target;

/// Which API version a request uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Version {
    /// `Bundle`, `Bundle/{business id}`.
    V1,
    /// `v2/Bundle`, `v2/Bundle/{id}`.
    V2,
}

/// A state-changing operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Write {
    /// Create a patient.
    Create(Version),
    /// Update the patient with this id (a business id in v1, a logical id in v2).
    Update(Version, String),
}

/// What the platform needs to know to write a request: a valid Bundle and its Patient.
pub(crate) struct Prepared {
    bundle: Bundle,
    /// The index of the Patient's entry in `Bundle.entry`.
    pub patient_index: usize,
    /// The Patient's keys (identifiers, business id, emails).
    pub keys: PatientKeys,
    /// The `(index in Patient.identifier, value)` of the identifiers of an accepted
    /// authority.
    pub authority_ids: Vec<(usize, String)>,
}

impl Prepared {
    /// The Patient's `id` in the Bundle, as sent.
    pub fn patient_id(&self) -> Option<&str> {
        match self
            .bundle
            .entry
            .get(self.patient_index)?
            .resource
            .as_ref()?
        {
            Resource::Patient(p) => p.id.as_deref(),
            _ => None,
        }
    }
}

/// How the store treats a write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct WritePolicy {
    /// Refuse an email another patient has.
    pub unique_email: bool,
    /// Replay (and record) answers by request id.
    pub dedup: bool,
}

/// Validates and reads a request body; the error is the answer to give.
pub(crate) fn prepare(validator: &Validator, body: &[u8]) -> Result<Prepared, Reply> {
    let outcome = validator.validate(body);
    if outcome.has_errors() {
        let too_long = outcome
            .issues
            .iter()
            .any(|i| i.severity.is_error() && i.code() == IssueCode::TooLong);
        let status = if too_long { 413 } else { 400 };
        return Err(Reply::issues(status, &outcome.issues));
    }
    let bundle: Bundle = from_slice(body, ReadMode::Tolerant)
        .map_err(|_| Reply::outcome(400, "structure", "The Bundle cannot be read."))?;
    let (patient_index, patient) = bundle
        .entry
        .iter()
        .enumerate()
        .find_map(|(n, e)| match &e.resource {
            Some(Resource::Patient(p)) => Some((n, p)),
            _ => None,
        })
        .ok_or_else(|| Reply::outcome(400, "required", "The Bundle has no Patient entry."))?;
    let authorities = &validator.options().authorities;
    let keys = PatientKeys::of(patient, authorities);
    let authority_ids = patient
        .identifier
        .iter()
        .enumerate()
        .filter(|(_, i)| {
            i.system
                .as_ref()
                .is_some_and(|s| authorities.iter().any(|a| a == s))
        })
        .filter_map(|(n, i)| Some((n, i.value.clone()?)))
        .collect();
    Ok(Prepared {
        bundle,
        patient_index,
        keys,
        authority_ids,
    })
}

/// A hash of what makes two requests "the same" for idempotency.
pub(crate) fn fingerprint(method: &str, path: &str, body: &[u8]) -> u64 {
    let mut h = DefaultHasher::new();
    method.hash(&mut h);
    path.hash(&mut h);
    body.hash(&mut h);
    h.finish()
}

/// Answers a write, replaying the recorded answer of a repeated request id unless
/// `policy.dedup` is off. `prepared` is the result of [`prepare`] on the body (done before
/// taking the store's lock).
pub(crate) fn write(
    store: &mut Store,
    op: &Write,
    request_id: &str,
    fingerprint: u64,
    prepared: Result<Prepared, Reply>,
    policy: WritePolicy,
) -> Reply {
    if policy.dedup {
        match store.replay(request_id, fingerprint) {
            Replay::Same(reply) => return reply,
            Replay::Different => {
                return Reply::outcome(
                    409,
                    "invalid",
                    "This x-origin-request-id was already used for a different request.",
                )
            }
            Replay::New => {}
        }
    }
    let unique_email = policy.unique_email;
    let reply = match op {
        Write::Create(version) => create(store, *version, prepared, unique_email),
        Write::Update(version, id) => update(store, *version, id, prepared, unique_email),
    };
    // A 5xx is the sandbox's own failure: a retry must get another chance.
    if policy.dedup && reply.status < 500 {
        store.record(request_id, fingerprint, reply.clone());
    }
    reply
}

fn create(
    store: &mut Store,
    version: Version,
    prepared: Result<Prepared, Reply>,
    unique_email: bool,
) -> Reply {
    let mut prepared = match prepared {
        Ok(p) => p,
        Err(reply) => return reply,
    };
    if let Some(reason) = store.conflict(&prepared.keys, None, unique_email) {
        return Reply::outcome(409, "invalid", reason);
    }
    let id = match version {
        Version::V1 => match &prepared.keys.business_id {
            Some(id) => id.clone(),
            None => return Reply::outcome(400, "required", "The Patient has no identifier value."),
        },
        Version::V2 => match new_logical_id(store) {
            Some(id) => id,
            None => return Reply::outcome(500, "exception", "No random id could be generated."),
        },
    };
    if store.contains(&id) {
        return Reply::outcome(409, "invalid", "duplicate identifier");
    }
    let Some(patient) = set_patient_id(&mut prepared, &id) else {
        return Reply::outcome(500, "exception", "The Patient entry disappeared.");
    };
    prepared.bundle.id = Some(id.clone());
    store.put(
        id,
        StoredPatient {
            patient,
            keys: prepared.keys,
        },
    );
    Reply::fhir(200, to_vec(&prepared.bundle))
}

fn update(
    store: &mut Store,
    version: Version,
    path_id: &str,
    prepared: Result<Prepared, Reply>,
    unique_email: bool,
) -> Reply {
    let logical_id = match version {
        Version::V1 => store.find_business_id(path_id),
        Version::V2 => store.contains(path_id).then(|| path_id.to_string()),
    };
    let Some(logical_id) = logical_id else {
        return Reply::outcome(404, "not-found", "No patient has this id.");
    };
    let mut prepared = match prepared {
        Ok(p) => p,
        Err(reply) => return reply,
    };
    if let Err(reply) = target::check(version, path_id, &prepared) {
        return reply;
    }
    if let Some(reason) = store.conflict(&prepared.keys, Some(&logical_id), unique_email) {
        return Reply::outcome(409, "invalid", reason);
    }
    let Some(patient) = set_patient_id(&mut prepared, &logical_id) else {
        return Reply::outcome(500, "exception", "The Patient entry disappeared.");
    };
    store.put(
        logical_id,
        StoredPatient {
            patient,
            keys: prepared.keys,
        },
    );
    Reply::empty(200)
}

/// Answers a read.
pub(crate) fn read(store: &Store, id: &str) -> Reply {
    match store.get(id) {
        Some(stored) => Reply::fhir(200, to_vec(&stored.patient)),
        None => Reply::outcome(404, "not-found", "No patient has this id."),
    }
}

/// Sets the Patient's id in the Bundle and returns a copy of the Patient. (For a v2 update,
/// [`target::check`] has made sure it already is that id.)
fn set_patient_id(prepared: &mut Prepared, id: &str) -> Option<pfhir_core::model::Patient> {
    let entry = prepared.bundle.entry.get_mut(prepared.patient_index)?;
    match &mut entry.resource {
        Some(Resource::Patient(p)) => {
            p.id = Some(id.to_string());
            Some((**p).clone())
        }
        _ => None,
    }
}

const ID_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// A random logical id in the platform's style (`Bj6.1Lq-hvb-28`), not used yet.
fn new_logical_id(store: &Store) -> Option<String> {
    for _ in 0..8 {
        let mut bytes = [0u8; 11];
        getrandom::getrandom(&mut bytes).ok()?;
        let mut id = String::with_capacity(14);
        for (n, b) in bytes.iter().enumerate() {
            if n == 3 {
                id.push('.');
            } else if n == 6 || n == 9 {
                id.push('-');
            }
            let c = ID_ALPHABET[usize::from(*b) % ID_ALPHABET.len()];
            id.push(char::from(c));
        }
        if !store.contains(&id) {
            return Some(id);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logical_ids_look_like_the_platform_s() {
        let id = new_logical_id(&Store::default()).unwrap();
        assert_eq!(id.len(), 14);
        let shape: String = id
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { 'x' } else { c })
            .collect();
        assert_eq!(shape, "xxx.xxx-xxx-xx");
    }
}
