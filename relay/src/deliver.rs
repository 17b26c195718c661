//! Delivery: a worker takes the next message that may go (per-patient arrival order is the
//! store's claim), sends it with core's client, and records the outcome.
//!
//! - create: POST the stored Bundle with the message's one request id; the answer's ids go
//!   into the id map in the same transaction as `delivered`.
//! - update: v2 converts the HL7 message again with the logical id from the id map (a patient
//!   the map does not know: `held`); v1 sends the stored Bundle to the business id. A ready
//!   Bundle (submitted to the embedded outbox, no HL7 message) is sent as stored, on v2 to
//!   its Patient.id.
//! - a create that may have been processed is `uncertain` and is next resolved with the
//!   client's safe resolution (v1 reads the patient; v2 asks a person unless the server is
//!   known to de-duplicate): created -> delivered, created with unknown id -> held, not
//!   created -> pending again.

use crate::metrics::Metrics;
use crate::rate::Rate;
use crate::store::{Claimed, Kind, Outbox, Outcome, PlatformIds, State, StoreError};
use crate::workers::Bell;
use pfhir_core::client::{ApiVersion, Client, ClientError, RequestOptions, UncertainCreate};
use pfhir_core::hl7v2::{AckCode, Converter, Hl7Options};
use std::sync::Arc;
use std::time::Duration;

/// How long to wait before sending again.
#[derive(Debug, Clone, Copy)]
pub struct Backoff {
    /// After the first failure.
    pub initial: Duration,
    /// The most.
    pub max: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            initial: Duration::from_secs(1),
            max: Duration::from_secs(300),
        }
    }
}

impl Backoff {
    /// The delay after `attempts` attempts (doubling, capped), in milliseconds.
    pub fn after(&self, attempts: u32) -> u64 {
        let base = u64::try_from(self.initial.as_millis()).unwrap_or(u64::MAX);
        let max = u64::try_from(self.max.as_millis()).unwrap_or(u64::MAX);
        base.saturating_mul(1u64 << attempts.min(20)).min(max)
    }
}

/// Sends claimed messages and records their outcome. Shared by the worker threads.
pub struct Deliverer {
    client: Client,
    options: Hl7Options,
    backoff: Backoff,
    recorded: Arc<Bell>,
    update_unknown_as_create: bool,
    metrics: Arc<Metrics>,
    rate: Option<Rate>,
}

impl std::fmt::Debug for Deliverer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Deliverer")
            .field("api_version", &self.client.config().api_version)
            .field("backoff", &self.backoff)
            .finish_non_exhaustive()
    }
}

impl Deliverer {
    /// A deliverer sending with `client`, converting updates again with `options`.
    pub fn new(client: Client, options: Hl7Options, backoff: Backoff) -> Self {
        Deliverer {
            client,
            options,
            backoff,
            recorded: Arc::new(Bell::default()),
            update_unknown_as_create: false,
            metrics: Arc::new(Metrics::default()),
            rate: None,
        }
    }

    /// On v2, an update of a patient the id map does not know is sent as a create (converted
    /// again with a new Patient.id; the message becomes a create in the store before the
    /// request leaves) instead of being held.
    pub fn update_unknown_as_create(mut self, on: bool) -> Self {
        self.update_unknown_as_create = on;
        self
    }

    /// At most `per_second` requests per second across the workers (`None`: no limit).
    pub fn rate_limit(mut self, per_second: Option<u32>) -> Self {
        self.rate = per_second.map(Rate::per_second);
        self
    }

    /// The rate limit, if any (workers wait for a slot before claiming).
    pub fn rate(&self) -> Option<&Rate> {
        self.rate.as_ref()
    }

    /// The counters this deliverer updates (the relay's `/metrics` renders them).
    pub fn metrics(&self) -> Arc<Metrics> {
        self.metrics.clone()
    }

    /// The bell rung after every recorded outcome (ACK after answer waits on it).
    pub fn recorded(&self) -> Arc<Bell> {
        self.recorded.clone()
    }

    /// Claims and delivers one message; `Ok(false)` when none may go now.
    pub fn step(&self, outbox: &dyn Outbox) -> Result<bool, StoreError> {
        let Some(m) = outbox.claim(crate::store::now_ms())? else {
            return Ok(false);
        };
        self.deliver_claimed(outbox, m, false)?;
        Ok(true)
    }

    /// Delivers a claimed message and records its outcome; with `next`, claims the next
    /// message in the same commit and returns it (the worker delivers it next).
    pub fn deliver_claimed(
        &self,
        outbox: &dyn Outbox,
        m: Claimed,
        next: bool,
    ) -> Result<Option<Claimed>, StoreError> {
        crate::killpoint::pass(crate::killpoint::Point::BeforeSend);
        let started = std::time::Instant::now();
        let outcome = self.deliver(&m, outbox)?;
        let took = started.elapsed();
        crate::killpoint::pass(crate::killpoint::Point::AfterAnswer);
        let state = match &outcome {
            Outcome::Delivered(_) => State::Delivered,
            Outcome::Rejected(_) => State::Rejected,
            Outcome::Waiting { .. } => State::Waiting,
            Outcome::Uncertain { .. } => State::Uncertain,
            Outcome::Held(_) => State::Held,
            Outcome::Pending => State::Pending,
        };
        let claimed = outbox.record_and_claim(m.id, &outcome, crate::store::now_ms(), next)?;
        self.recorded.ring();
        self.metrics.delivered(state, took);
        log::info!(target: "pfhir::relay", "message {} ({}, request {}): {}", m.id, m.kind.as_str(), m.request_id, state.as_str());
        Ok(claimed)
    }

    /// Sends one message and says what became of it.
    fn deliver(&self, m: &Claimed, outbox: &dyn Outbox) -> Result<Outcome, StoreError> {
        let opts = RequestOptions {
            request_id: Some(m.request_id.clone()),
        };
        Ok(match m.kind {
            Kind::Create if m.from == State::Uncertain => self.resolve(m),
            Kind::Create => match self.client.create_with(&m.bundle, &opts) {
                Ok(r) => Outcome::Delivered(Some(PlatformIds {
                    logical_id: r.patient_id,
                    bundle_id: r.bundle_id,
                })),
                Err(e) => self.failed(m, &e, true),
            },
            Kind::Update => {
                let (target, bundle) = match self.client.config().api_version {
                    ApiVersion::V1 => (m.patient.value.clone(), m.bundle.clone()),
                    // A ready Bundle goes as stored, to the logical id it carries.
                    ApiVersion::V2 if m.is_ready_bundle() => match patient_id(&m.bundle) {
                        Some(id) => (id, m.bundle.clone()),
                        None => {
                            return Ok(Outcome::Rejected(
                                "a v2 update Bundle needs Patient.id (the logical id)".into(),
                            ))
                        }
                    },
                    ApiVersion::V2 => {
                        let Some(ids) = outbox.lookup(&m.patient)? else {
                            if self.update_unknown_as_create {
                                return self.update_as_create(m, outbox, &opts);
                            }
                            return Ok(Outcome::Held(
                                "an update of a patient the id map does not know: set its \
                                 logical id (relay set-id) or drop it"
                                    .into(),
                            ));
                        };
                        match self.update_bundle(&m.hl7, &ids.logical_id) {
                            Ok(b) => (ids.logical_id, b),
                            Err(o) => return Ok(o),
                        }
                    }
                };
                match self.client.update_with(&target, &bundle, &opts) {
                    Ok(_) => Outcome::Delivered(None),
                    Err(e) => self.failed(m, &e, false),
                }
            }
        })
    }

    /// An update of a patient the id map does not know, sent as a create: the message
    /// converted again with a new Patient.id, made a create in the store (committed before
    /// the request leaves), then sent with the message's request id as any create.
    fn update_as_create(
        &self,
        m: &Claimed,
        outbox: &dyn Outbox,
        opts: &RequestOptions,
    ) -> Result<Outcome, StoreError> {
        let new_id = match pfhir_core::build::uuid_v4() {
            Ok(id) => id,
            Err(_) => {
                return Ok(Outcome::Waiting {
                    after_ms: self.backoff.after(m.attempts + 1),
                    detail: "no random id for the create".into(),
                })
            }
        };
        let bundle = match self.update_bundle(&m.hl7, &new_id) {
            Ok(b) => b,
            Err(o) => return Ok(o),
        };
        outbox.make_create(m.id, &bundle)?;
        log::info!(target: "pfhir::relay", "message {}: an update of a patient the id map does not know, sent as a create", m.id);
        Ok(match self.client.create_with(&bundle, opts) {
            Ok(r) => Outcome::Delivered(Some(PlatformIds {
                logical_id: r.patient_id,
                bundle_id: r.bundle_id,
            })),
            Err(e) => self.failed(m, &e, true),
        })
    }

    /// The v2 update Bundle: the message converted again with the platform's logical id.
    fn update_bundle(&self, hl7: &[u8], logical_id: &str) -> Result<Vec<u8>, Outcome> {
        let mut options = self.options.clone();
        options.patient_id = Some(logical_id.to_string());
        let conv = Converter::new(options)
            .map_err(|e| Outcome::Rejected(format!("the converter options are wrong: {e}")))?
            .convert(hl7);
        match (conv.ack_code, conv.bundle_json()) {
            (AckCode::Accept, Some(b)) => Ok(b),
            _ => Err(Outcome::Rejected(conv.outcome_json())),
        }
    }

    /// Resolves an uncertain create with the client's safe resolution.
    fn resolve(&self, m: &Claimed) -> Outcome {
        match self
            .client
            .resolve_uncertain_create(&m.bundle, &m.request_id)
        {
            Ok(UncertainCreate::Created { patient_id }) => Outcome::Delivered(Some(PlatformIds {
                logical_id: patient_id,
                bundle_id: String::new(),
            })),
            Ok(UncertainCreate::CreatedIdUnknown) => Outcome::Held(
                "created on the platform (or possibly created), logical id unknown: find it and \
                 run relay set-id, or retry once the platform de-duplicates"
                    .into(),
            ),
            Ok(UncertainCreate::NotCreated) => Outcome::Pending,
            Err(e) => Outcome::Uncertain {
                after_ms: self.backoff.after(m.attempts + 1),
                detail: format!("still unknown: {}", e.code().name()),
            },
        }
    }

    /// The outcome of a failed request.
    fn failed(&self, m: &Claimed, e: &ClientError, create: bool) -> Outcome {
        let after_ms = match e {
            ClientError::Http { failure, .. } => failure.retry_after.map_or_else(
                || self.backoff.after(m.attempts + 1),
                |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX),
            ),
            _ => self.backoff.after(m.attempts + 1),
        };
        let detail = format!("{} (HTTP {:?})", e.code().name(), e.http_status());
        if create
            && (e.may_have_been_processed() || matches!(e, ClientError::InvalidResponse { .. }))
        {
            return Outcome::Uncertain { after_ms, detail };
        }
        match e {
            ClientError::Validation { .. } | ClientError::UpdateTarget(_) => {
                Outcome::Rejected(e.outcome_json().unwrap_or_else(|| e.to_string()))
            }
            ClientError::Http { failure, .. }
                if !failure.kind.is_transient() && !e.retry_safe() =>
            {
                Outcome::Rejected(e.outcome_json().unwrap_or(detail))
            }
            // Not sent, idempotent, transient, or a configuration to fix: send again later.
            _ => Outcome::Waiting { after_ms, detail },
        }
    }
}

/// The Patient.id of a stored Bundle (a ready Bundle's v2 update target).
fn patient_id(bundle: &[u8]) -> Option<String> {
    use pfhir_core::model::{from_slice, Bundle, ReadMode, Resource};
    let b: Bundle = from_slice(bundle, ReadMode::Tolerant).ok()?;
    b.entry.into_iter().find_map(|e| match e.resource {
        Some(Resource::Patient(p)) => p.id.filter(|id| !id.is_empty()),
        _ => None,
    })
}
