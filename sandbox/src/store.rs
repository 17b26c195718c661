//! The in-memory state of the platform: patients, and the answers recorded per request id.

use std::collections::{HashMap, HashSet, VecDeque};

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

/// The logical ids of the patients holding each identifier, email and business id.
#[derive(Debug, Default)]
struct KeyIndex {
    identifiers: HashMap<(String, String), HashSet<String>>,
    emails: HashMap<String, HashSet<String>>,
    business_ids: HashMap<String, HashSet<String>>,
}

impl KeyIndex {
    fn add(&mut self, id: &str, keys: &PatientKeys) {
        for pair in &keys.identifiers {
            self.identifiers
                .entry(pair.clone())
                .or_default()
                .insert(id.to_string());
        }
        for e in &keys.emails {
            self.emails
                .entry(e.clone())
                .or_default()
                .insert(id.to_string());
        }
        if let Some(b) = &keys.business_id {
            self.business_ids
                .entry(b.clone())
                .or_default()
                .insert(id.to_string());
        }
    }

    fn remove(&mut self, id: &str, keys: &PatientKeys) {
        fn take<K: std::hash::Hash + Eq>(map: &mut HashMap<K, HashSet<String>>, k: &K, id: &str) {
            if let Some(ids) = map.get_mut(k) {
                ids.remove(id);
                if ids.is_empty() {
                    map.remove(k);
                }
            }
        }
        for pair in &keys.identifiers {
            take(&mut self.identifiers, pair, id);
        }
        for e in &keys.emails {
            take(&mut self.emails, e, id);
        }
        if let Some(b) = &keys.business_id {
            take(&mut self.business_ids, b, id);
        }
    }
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
    /// The logical ids holding each key (so that a conflict check or a business id lookup
    /// is not a scan of every patient: a load test of 10 000 creates was quadratic).
    index: KeyIndex,
    recorded: HashMap<String, Recorded>,
    order: VecDeque<String>,
}

impl Store {
    /// How many patients are stored.
    pub fn len(&self) -> usize {
        self.patients.len()
    }

    /// Every stored patient.
    pub fn all(&self) -> impl Iterator<Item = &StoredPatient> {
        self.patients.values()
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
        self.index
            .business_ids
            .get(business_id)
            .and_then(|ids| ids.iter().min().cloned())
    }

    /// Why `keys` clash with a stored patient other than `except`, if they do.
    pub fn conflict(
        &self,
        keys: &PatientKeys,
        except: Option<&str>,
        unique_email: bool,
    ) -> Option<&'static str> {
        let other = |ids: Option<&HashSet<String>>| {
            ids.is_some_and(|ids| ids.iter().any(|id| Some(id.as_str()) != except))
        };
        if keys
            .identifiers
            .iter()
            .any(|pair| other(self.index.identifiers.get(pair)))
        {
            return Some("duplicate identifier");
        }
        if unique_email && keys.emails.iter().any(|e| other(self.index.emails.get(e))) {
            return Some("duplicate email");
        }
        None
    }

    /// Stores (or replaces) the patient with this logical id.
    pub fn put(&mut self, id: String, patient: StoredPatient) {
        if let Some(old) = self.patients.get(&id) {
            self.index.remove(&id, &old.keys);
        }
        self.index.add(&id, &patient.keys);
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
        // Replacing a patient drops its old keys from the index.
        store.put("a".into(), patient("urn:x", "3", None));
        assert_eq!(store.conflict(&same_id, None, true), None);
        assert_eq!(store.conflict(&same_email, None, true), None);
        assert_eq!(store.find_business_id("1"), None);
        assert_eq!(store.find_business_id("3").as_deref(), Some("a"));
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
