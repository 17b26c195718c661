//! The embedded outbox: the relay's durable store and delivery workers as a library, for an
//! EMR that links pfhir and wants durable submission without a relay process.
//!
//! [`EmbeddedOutbox::open`] recovers the store (messages left sending) and starts the
//! delivery workers; [`EmbeddedOutbox::submit_hl7`] is the MLLP relay's accept path
//! ([`Acker::receive`]: convert, store, ACK); [`EmbeddedOutbox::submit_bundle`] validates a
//! ready Bundle and stores it (the same `synchronous=FULL` commit) before it returns its id;
//! [`EmbeddedOutbox::status`] says what became of a message; [`EmbeddedOutbox::close`] lets
//! the workers finish their current delivery. Everything not delivered at close is delivered
//! after the next open.

use crate::ack::{Acker, Received};
use crate::deliver::{Backoff, Deliverer};
use crate::lock::{DeliveryLock, LockError};
use crate::store::{
    Accepted, Counts, DedupKey, Kind, MessageInfo, NewMessage, Outbox, PatientKey, SqliteOutbox,
    StoreError,
};
use crate::workers::Workers;
use pfhir_core::client::{ApiVersion, Client};
use pfhir_core::hl7v2::{Converter, Hl7Options, Hl7OptionsError};
use pfhir_core::model::{from_slice, Bundle, ReadMode, Resource};
use pfhir_core::validate::{Outcome, Validator};
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

/// The MSH-3 under which ready Bundles are stored: their de-dup key is
/// (`pfhir:bundle`, ``, Bundle.id).
pub const BUNDLE_SENDER: &str = "pfhir:bundle";

/// How the embedded outbox delivers.
#[derive(Debug, Clone, Copy)]
pub struct OutboxOptions {
    /// Delivery worker threads (different patients go in parallel); at least one.
    pub workers: usize,
    /// The wait before a failed delivery is tried again.
    pub backoff: Backoff,
}

impl Default for OutboxOptions {
    fn default() -> Self {
        OutboxOptions {
            workers: 2,
            backoff: Backoff::default(),
        }
    }
}

/// Why the outbox could not open or take a message. Never carries patient values.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OutboxError {
    /// The store failed (opening, recovery, storing, reading).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Another relay or outbox delivers from this folder (or its lock cannot be taken).
    #[error(transparent)]
    Locked(#[from] LockError),
    /// The HL7 options are wrong.
    #[error("HL7 options: {0}")]
    Options(#[from] Hl7OptionsError),
    /// The client's validator options are wrong.
    #[error("validation options: {0}")]
    Validation(String),
    /// A delivery thread could not be started.
    #[error("cannot start a delivery thread: {0}")]
    Thread(std::io::Error),
    /// The Bundle is not valid: nothing was stored. The validator's findings are attached
    /// (their messages carry no patient values unless the validator options ask for them).
    #[error("the Bundle is not valid ({} error(s)); nothing was stored", outcome.error_count())]
    Invalid {
        /// The validator's outcome (`to_json()` is the OperationOutcome).
        outcome: Outcome,
    },
    /// A v2 update Bundle without Patient.id (its target): nothing was stored.
    #[error("a v2 update needs Patient.id equal to the logical id the create returned; nothing was stored")]
    UpdateTarget,
    /// The Bundle cannot be delivered as given: nothing was stored.
    #[error("the Bundle cannot be submitted: {0}")]
    Unusable(&'static str),
}

/// What submitting a Bundle did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Submitted {
    /// The message's id in the outbox (give it to [`EmbeddedOutbox::status`]).
    pub id: i64,
    /// True when a Bundle with the same Bundle.id was already stored: nothing new was
    /// stored and `id` is the first one's.
    pub duplicate: bool,
}

/// A durable outbox in a folder, with delivery on background threads. Share it across
/// threads (`Send + Sync`); dropping it closes it.
pub struct EmbeddedOutbox {
    store: Arc<SqliteOutbox>,
    acker: Acker,
    validator: Validator,
    authorities: Vec<String>,
    api_version: ApiVersion,
    workers: Option<Workers>,
    /// Held while open; declared last so it is released after the workers stopped.
    _lock: DeliveryLock,
}

impl std::fmt::Debug for EmbeddedOutbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmbeddedOutbox")
            .field("api_version", &self.api_version)
            .field("workers", &self.workers)
            .finish_non_exhaustive()
    }
}

impl EmbeddedOutbox {
    /// Opens (creating when needed) the outbox in folder `dir`, recovers the messages left
    /// sending, and starts delivering with `client`. HL7 messages are converted with `hl7`.
    pub fn open(
        dir: &Path,
        client: Client,
        hl7: Hl7Options,
        options: OutboxOptions,
    ) -> Result<EmbeddedOutbox, OutboxError> {
        let api_version = client.config().api_version;
        let validation = client.config().validation.clone();
        let authorities = validation.authorities.clone();
        let validator =
            Validator::new(validation).map_err(|e| OutboxError::Validation(e.to_string()))?;
        let acker =
            Acker::new(Converter::new(hl7.clone())?).v2_updates(api_version == ApiVersion::V2);
        let lock = DeliveryLock::acquire(dir)?;
        let store = Arc::new(SqliteOutbox::open(dir)?);
        let recovered = store.recover()?;
        if recovered > 0 {
            log::warn!(target: "pfhir::outbox", "{recovered} message(s) were being sent when the outbox closed: updates are pending again, creates uncertain");
        }
        let deliverer = Arc::new(Deliverer::new(client, hl7, options.backoff));
        let workers = Workers::start(
            options.workers,
            store.clone(),
            deliverer,
            Arc::new(AtomicBool::new(false)),
        )
        .map_err(OutboxError::Thread)?;
        Ok(EmbeddedOutbox {
            store,
            acker,
            validator,
            authorities,
            api_version,
            workers: Some(workers),
            _lock: lock,
        })
    }

    /// Takes one HL7 v2 message exactly as the MLLP relay does: returns the ACK to give the
    /// sender and what was done (stored before an `AA` is returned; a re-send with the same
    /// MSH-3, MSH-4 and MSH-10 gets the stored ACK).
    pub fn submit_hl7(&self, hl7: &[u8]) -> (Vec<u8>, Received) {
        let (ack, received) = self.acker.receive(hl7, &*self.store);
        if matches!(received, Received::Stored(_)) {
            self.ring();
        }
        (ack, received)
    }

    /// Stores a ready message Bundle (a create, or an update of a patient) for delivery.
    /// It is validated as the client would before sending, and stored durably before this
    /// returns. An update goes to the Bundle's Patient.id on v2 (which it must carry), to
    /// the business id on v1. The Bundle.id is its de-dup key: a Bundle whose id is
    /// already stored is not stored again.
    pub fn submit_bundle(&self, bundle: &[u8], kind: Kind) -> Result<Submitted, OutboxError> {
        let outcome = self.validator.validate(bundle);
        if outcome.has_errors() {
            return Err(OutboxError::Invalid { outcome });
        }
        let parsed: Bundle = from_slice(bundle, ReadMode::Tolerant)
            .map_err(|_| OutboxError::Unusable("the Bundle cannot be read"))?;
        let patient = parsed
            .entry
            .iter()
            .find_map(|e| match &e.resource {
                Some(Resource::Patient(p)) => Some(p),
                _ => None,
            })
            .ok_or(OutboxError::Unusable("the Bundle holds no Patient"))?;
        let key = patient
            .identifier
            .iter()
            .find_map(|i| {
                let (system, value) = (i.system.as_deref()?, i.value.as_deref()?);
                (!value.is_empty() && self.authorities.iter().any(|a| a == system)).then(|| {
                    PatientKey {
                        authority: system.to_string(),
                        value: value.to_string(),
                    }
                })
            })
            .ok_or(OutboxError::Unusable(
                "the Patient has no identifier of an accepted assigning authority",
            ))?;
        if kind == Kind::Update
            && self.api_version == ApiVersion::V2
            && patient.id.as_deref().is_none_or(str::is_empty)
        {
            return Err(OutboxError::UpdateTarget);
        }
        let control_id = match parsed.id.filter(|id| !id.is_empty()) {
            Some(id) => id,
            None => pfhir_core::build::uuid_v4()
                .map_err(|_| OutboxError::Unusable("the Bundle has no id and none can be made"))?,
        };
        let msg = NewMessage {
            dedup: DedupKey {
                sending_application: BUNDLE_SENDER.to_string(),
                sending_facility: String::new(),
                control_id,
            },
            kind,
            patient: key,
            hl7: Vec::new(),
            bundle: bundle.to_vec(),
            ack: Vec::new(),
        };
        debug_assert!(msg.is_ready_bundle());
        Ok(match self.store.accept(&msg)? {
            Accepted::New { id, .. } => {
                self.ring();
                Submitted {
                    id,
                    duplicate: false,
                }
            }
            Accepted::Duplicate { id, .. } => Submitted {
                id,
                duplicate: true,
            },
        })
    }

    /// What became of message `id`: its state, attempts, the platform's logical id once
    /// delivered, and why it is in its state (a rejection's OperationOutcome JSON).
    pub fn status(&self, id: i64) -> Result<MessageInfo, OutboxError> {
        Ok(self.store.show(id)?)
    }

    /// Counts of messages per state.
    pub fn counts(&self) -> Result<Counts, OutboxError> {
        Ok(self.store.counts()?)
    }

    /// Stops delivery, letting each worker finish its current delivery. Messages not
    /// delivered stay in the store for the next open.
    pub fn close(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        if let Some(w) = self.workers.take() {
            w.shutdown();
        }
    }

    fn ring(&self) {
        if let Some(w) = &self.workers {
            w.bell().ring();
        }
    }
}

impl Drop for EmbeddedOutbox {
    fn drop(&mut self) {
        self.stop();
    }
}
