//! The in-memory state of the platform: patients, and the answers recorded per request id.

use std::collections::{HashMap, VecDeque};

use pfhir_core::model::Patient;

use crate::reply::Reply;

/// How many answers are kept for idempotent replays; the oldest are forgotten first.
const MAX_RECORDED: usize = 10_000;

/// What identifies a patient on the platform: its identifiers and emails.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct PatientKeys {
    /// Every `(system, value)` identifier pair.
    pub identifiers: Vec<(String, String)>,
    /// The business id: the value of the first identifier of an accepted authority (or of
    /// the first identifier with a value).
    pub business_id: Option<String>,
    /// Every email address, lowercased.
    pub emails: Vec<String>,
}

impl PatientKeys {
    /// The keys of `patient`, `authorities` being the accepted identifier systems.
    pub fn of(patient: &Patient, authorities: &[String]) -> PatientKeys {
        let identifiers: Vec<(String, String)> = patient
            .identifier
            .iter()
            .filter_map(|i| Some((i.system.clone()?, i.value.clone()?)))
            .collect();
        let business_id = patient
            .identifier
            .iter()
            .find(|i| {
                i.value.is_some()
                    && i.system
                        .as_ref()
                        .is_some_and(|s| authorities.iter().any(|a| a == s))
            })
            .or_else(|| patient.identifier.iter().find(|i| i.value.is_some()))
            .and_then(|i| i.value.clone());
        let emails = patient
            .telecom
            .iter()
            .filter(|t| t.system.as_deref() == Some("email"))
            .filter_map(|t| t.value.as_ref().map(|v| v.trim().to_lowercase()))
            .collect();
        PatientKeys {
            identifiers,
            business_id,
            emails,
        }
    }
}

/// A stored patient.
#[derive(Debug, Clone)]
pub(crate) struct StoredPatient {
    /// The Patient resource, its `id` set to the logical id.
    pub patient: Patient,
    /// Its keys.
    pub keys: PatientKeys,
}

#[derive(Debug, Clone)]
struct Recorded {
    fingerprint: u64,
    reply: Reply,
}

/// What a recorded request id says about a new request carrying it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Replay {
    /// The id is new.
    New,
    /// The same request was answered before: this is the answer.
    Same(Reply),
    /// The id was used for a different request.
    Different,
}

/// Patients by logical id, and the recorded answers by request id.
#[derive(Debug, Default)]
pub(crate) struct Store {
    patients: HashMap<String, StoredPatient>,
    recorded: HashMap<String, Recorded>,
    order: VecDeque<String>,
}

impl Store {
    /// How many patients are stored.
    pub fn len(&self) -> usize {
        self.patients.len()
    }

    /// The patient with this logical id.
    pub fn get(&self, id: &str) -> Option<&StoredPatient> {
        self.patients.get(id)
    }

    /// True when a patient has this logical id.
    pub fn contains(&self, id: &str) -> bool {
        self.patients.contains_key(id)
    }

    /// The logical id of the patient with this business id.
    pub fn find_business_id(&self, business_id: &str) -> Option<String> {
        self.patients
            .iter()
            .find(|(_, p)| p.keys.business_id.as_deref() == Some(business_id))
            .map(|(id, _)| id.clone())
    }

    /// Why `keys` clash with a stored patient other than `except`, if they do.
    pub fn conflict(
        &self,
        keys: &PatientKeys,
        except: Option<&str>,
        unique_email: bool,
    ) -> Option<&'static str> {
        let others = self
            .patients
            .iter()
            .filter(|(id, _)| Some(id.as_str()) != except)
            .map(|(_, p)| &p.keys);
        for other in others {
            if keys
                .identifiers
                .iter()
                .any(|pair| other.identifiers.contains(pair))
            {
                return Some("duplicate identifier");
            }
            if unique_email && keys.emails.iter().any(|e| other.emails.contains(e)) {
                return Some("duplicate email");
            }
        }
        None
    }

    /// Stores (or replaces) the patient with this logical id.
    pub fn put(&mut self, id: String, patient: StoredPatient) {
        self.patients.insert(id, patient);
    }

    /// What the request id says about a request with this fingerprint.
    pub fn replay(&self, request_id: &str, fingerprint: u64) -> Replay {
        match self.recorded.get(request_id) {
            None => Replay::New,
            Some(r) if r.fingerprint == fingerprint => Replay::Same(r.reply.clone()),
            Some(_) => Replay::Different,
        }
    }

    /// Records the answer to a request id.
    pub fn record(&mut self, request_id: &str, fingerprint: u64, reply: Reply) {
        let recorded = Recorded { fingerprint, reply };
        if self
            .recorded
            .insert(request_id.to_string(), recorded)
            .is_none()
        {
            self.order.push_back(request_id.to_string());
        }
        while self.order.len() > MAX_RECORDED {
            if let Some(old) = self.order.pop_front() {
                self.recorded.remove(&old);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pfhir_core::model::{ContactPoint, Identifier};

    fn patient(system: &str, value: &str, email: Option<&str>) -> StoredPatient {
        let patient = Patient {
            identifier: vec![Identifier {
                system: Some(system.to_string()),
                value: Some(value.to_string()),
                ..Default::default()
            }],
            telecom: email
                .map(|e| ContactPoint {
                    system: Some("email".to_string()),
                    value: Some(e.to_string()),
                    ..Default::default()
                })
                .into_iter()
                .collect(),
            ..Default::default()
        };
        let keys = PatientKeys::of(&patient, &[system.to_string()]);
        StoredPatient { patient, keys }
    }

    #[test]
    fn conflicts() {
        let mut store = Store::default();
        store.put("a".into(), patient("urn:x", "1", Some("A@x.org")));
        let same_id = patient("urn:x", "1", None).keys;
        let other_system = patient("urn:y", "1", None).keys;
        let same_email = patient("urn:x", "2", Some("a@x.org")).keys;
        assert_eq!(
            store.conflict(&same_id, None, true),
            Some("duplicate identifier")
        );
        assert_eq!(store.conflict(&same_id, Some("a"), true), None);
        assert_eq!(store.conflict(&other_system, None, true), None);
        assert_eq!(
            store.conflict(&same_email, None, true),
            Some("duplicate email")
        );
        assert_eq!(store.conflict(&same_email, None, false), None);
        assert_eq!(store.find_business_id("1").as_deref(), Some("a"));
    }

    #[test]
    fn replays() {
        let mut store = Store::default();
        assert_eq!(store.replay("r", 1), Replay::New);
        store.record("r", 1, Reply::empty(200));
        assert_eq!(store.replay("r", 1), Replay::Same(Reply::empty(200)));
        assert_eq!(store.replay("r", 2), Replay::Different);
    }
}
