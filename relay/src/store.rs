//! The outbox: messages, their states, the inbound de-duplication key with its stored ACK,
//! and the id map, behind the [`Outbox`] trait; [`SqliteOutbox`] is the SQLite store (WAL,
//! `synchronous=FULL`: a commit survives power loss once it returns).
//!
//! Values stored here (the HL7 message, the Bundle, identifiers) are patient data: nothing in
//! this module puts them in an error or a log line; errors name message ids and states only.

use crate::group::GroupCommit;
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use std::path::Path;
use std::sync::MutexGuard;

/// The state of a stored message (docs/relay.md, "States").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum State {
    /// Stored and acknowledged; waiting for a worker.
    Pending,
    /// A worker is sending it (after a crash: an update goes back to pending, a create
    /// becomes uncertain).
    Sending,
    /// The platform accepted it (a create recorded the platform's ids in the id map).
    Delivered,
    /// The platform refused it (its OperationOutcome is kept).
    Rejected,
    /// To be sent again after a backoff (nothing was processed, or the request is idempotent).
    Waiting,
    /// A create whose outcome is unknown: it is resolved before anything else is sent.
    Uncertain,
    /// Needs a person: a patient created with an unknown logical id, or an update of a
    /// patient the id map does not know.
    Held,
    /// Dropped by an operator; never sent.
    Dropped,
}

impl State {
    /// Every state, in the order `status` prints them.
    pub const ALL: [State; 8] = [
        State::Pending,
        State::Sending,
        State::Delivered,
        State::Rejected,
        State::Waiting,
        State::Uncertain,
        State::Held,
        State::Dropped,
    ];

    /// The name stored and printed.
    pub const fn as_str(self) -> &'static str {
        match self {
            State::Pending => "pending",
            State::Sending => "sending",
            State::Delivered => "delivered",
            State::Rejected => "rejected",
            State::Waiting => "waiting",
            State::Uncertain => "uncertain",
            State::Held => "held",
            State::Dropped => "dropped",
        }
    }

    /// The state of a stored name.
    pub fn parse(s: &str) -> Option<State> {
        State::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Whether the message is done (later messages of its patient may go).
    pub const fn is_final(self) -> bool {
        matches!(self, State::Delivered | State::Rejected | State::Dropped)
    }
}

/// Create or update.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A create (A01, A04, A05, A28).
    Create,
    /// An update (A08, A31).
    Update,
}

impl Kind {
    /// `create` or `update`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Kind::Create => "create",
            Kind::Update => "update",
        }
    }

    fn parse(s: &str) -> Option<Kind> {
        match s {
            "create" => Some(Kind::Create),
            "update" => Some(Kind::Update),
            _ => None,
        }
    }
}

/// The sender's key of a message: MSH-3, MSH-4 and MSH-10. A message with the same key is a
/// re-send and gets the stored ACK.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DedupKey {
    /// MSH-3, the sending application.
    pub sending_application: String,
    /// MSH-4, the sending facility.
    pub sending_facility: String,
    /// MSH-10, the message control id.
    pub control_id: String,
}

/// The patient a message is about: the accepted identifier (authority system + value), the
/// key of the id map and of per-patient ordering. Its `Debug` hides the value.
#[derive(Clone, PartialEq, Eq)]
pub struct PatientKey {
    /// The identifier system (the assigning authority).
    pub authority: String,
    /// The identifier value (the business id).
    pub value: String,
}

impl std::fmt::Debug for PatientKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PatientKey")
            .field("authority", &self.authority)
            .field("value", &"<redacted>")
            .finish()
    }
}

/// A message to store (before its ACK is sent).
#[derive(Clone)]
pub struct NewMessage {
    /// The sender's key.
    pub dedup: DedupKey,
    /// Create or update.
    pub kind: Kind,
    /// The patient.
    pub patient: PatientKey,
    /// The HL7 message as received; empty for a ready Bundle (submitted as a Bundle through
    /// the embedded outbox, see [`NewMessage::is_ready_bundle`]).
    pub hl7: Vec<u8>,
    /// The Bundle to send (a create's is sent as stored, so that a re-send is the same
    /// request; an HL7 update is converted again with the logical id on v2; a ready Bundle
    /// is always sent as stored).
    pub bundle: Vec<u8>,
    /// The ACK sent now and to every re-send.
    pub ack: Vec<u8>,
}

impl NewMessage {
    /// Whether this is a ready Bundle (no HL7 message): delivery sends it as stored, an
    /// update to the Bundle's Patient.id on v2.
    pub fn is_ready_bundle(&self) -> bool {
        self.hl7.is_empty()
    }
}

/// What storing a message did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Accepted {
    /// A new message, stored.
    New {
        /// Its id in the outbox.
        id: i64,
        /// The ACK to send.
        ack: Vec<u8>,
    },
    /// A re-send of a stored message: nothing stored, the first ACK is the answer.
    Duplicate {
        /// The stored message's id.
        id: i64,
        /// The stored ACK.
        ack: Vec<u8>,
    },
}

impl Accepted {
    /// The ACK to send.
    pub fn ack(&self) -> &[u8] {
        match self {
            Accepted::New { ack, .. } | Accepted::Duplicate { ack, .. } => ack,
        }
    }
}

/// A message a worker took (now in state sending).
#[derive(Clone)]
pub struct Claimed {
    /// Its id.
    pub id: i64,
    /// Create or update.
    pub kind: Kind,
    /// The patient.
    pub patient: PatientKey,
    /// The HL7 message (empty for a ready Bundle).
    pub hl7: Vec<u8>,
    /// The stored Bundle.
    pub bundle: Vec<u8>,
    /// The state it was taken from (pending, waiting or uncertain).
    pub from: State,
    /// The request id of the create's earlier attempt (resolution of an uncertain create
    /// re-uses it), or the one to use now.
    pub request_id: String,
    /// Attempts made before this one.
    pub attempts: u32,
}

impl Claimed {
    /// Whether this is a ready Bundle (no HL7 message), sent as stored.
    pub fn is_ready_bundle(&self) -> bool {
        self.hl7.is_empty()
    }
}

/// The platform's ids of a patient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlatformIds {
    /// The logical id (v1: the business id).
    pub logical_id: String,
    /// The Bundle id of the create answer (may be empty).
    pub bundle_id: String,
}

/// What became of a delivery attempt.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// Accepted; for a create, the ids go into the id map in the same transaction.
    Delivered(Option<PlatformIds>),
    /// Refused by the platform (or locally before sending); the OperationOutcome JSON or a
    /// summary without patient values.
    Rejected(String),
    /// Send again after this many milliseconds.
    Waiting {
        /// Delay before the next attempt.
        after_ms: u64,
        /// Why (no patient values).
        detail: String,
    },
    /// A create that may have been processed; resolve after this many milliseconds.
    Uncertain {
        /// Delay before the resolution.
        after_ms: u64,
        /// Why (no patient values).
        detail: String,
    },
    /// Needs a person (no patient values in the reason).
    Held(String),
    /// A resolved create that was not processed: send it again as new.
    Pending,
}

/// One message as `relay show` prints it (no HL7 or Bundle: those hold patient data).
#[derive(Debug, Clone)]
pub struct MessageInfo {
    /// Its id.
    pub id: i64,
    /// Its state.
    pub state: State,
    /// Create or update.
    pub kind: Kind,
    /// MSH-3, MSH-4, MSH-10.
    pub dedup: DedupKey,
    /// Attempts made.
    pub attempts: u32,
    /// The last request id.
    pub request_id: Option<String>,
    /// The platform's ids, when delivered (a create) or known from the id map.
    pub logical_id: Option<String>,
    /// Why it is in its state (no patient values; a rejection's OperationOutcome is the
    /// platform's text).
    pub detail: Option<String>,
    /// Received, Unix milliseconds.
    pub received_ms: i64,
}

/// Counts per state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts(pub Vec<(State, u64)>);

impl Counts {
    /// The count of one state.
    pub fn get(&self, state: State) -> u64 {
        self.0
            .iter()
            .find(|(s, _)| *s == state)
            .map_or(0, |(_, n)| *n)
    }
}

/// A store failure. Never carries patient values.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// SQLite failed.
    #[error("outbox store: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The store's folder cannot be made.
    #[error("outbox store folder: {0}")]
    Io(#[from] std::io::Error),
    /// No such message.
    #[error("no message {0} in the outbox")]
    NotFound(i64),
    /// The operation does not apply to the message's state.
    #[error("message {id} is {state}: {what}")]
    WrongState {
        /// The message.
        id: i64,
        /// Its state.
        state: &'static str,
        /// What was refused.
        what: &'static str,
    },
    /// A stored value is not what the schema allows (a damaged store).
    #[error("outbox store: unexpected stored value in {0}")]
    Corrupt(&'static str),
    /// The shared transaction holding this write could not be committed (a message is
    /// not stored, a state change did not happen).
    #[error("outbox store: commit failed: {0}")]
    Commit(String),
    /// A lock was poisoned by a panicking thread.
    #[error("outbox store: a thread panicked while holding the store")]
    Poisoned,
}

/// The durable outbox. Implementations are shared by the listener and the workers.
pub trait Outbox: Send + Sync {
    /// Stores a new message with its ACK, or recognises a re-send (same [`DedupKey`]) and
    /// returns the first ACK. Returns only after the commit.
    fn accept(&self, msg: &NewMessage) -> Result<Accepted, StoreError>;
    /// Takes the oldest message that may go now (pending, waiting or uncertain whose time
    /// has come, with no earlier unfinished message of the same patient) and marks it
    /// sending; for a create, fixes its request id.
    fn claim(&self, now_ms: i64) -> Result<Option<Claimed>, StoreError>;
    /// Records what became of a claimed message (and, for a delivered create, the id map)
    /// in one transaction.
    fn record(&self, id: i64, outcome: &Outcome, now_ms: i64) -> Result<(), StoreError>;
    /// [`Outbox::record`], then, when `next` is true, [`Outbox::claim`]: a worker's outcome
    /// and its next message in one commit (the SQLite store does both in one transaction).
    /// A failing claim leaves the outcome recorded and returns `Ok(None)`.
    fn record_and_claim(
        &self,
        id: i64,
        outcome: &Outcome,
        now_ms: i64,
        next: bool,
    ) -> Result<Option<Claimed>, StoreError> {
        self.record(id, outcome, now_ms)?;
        if !next {
            return Ok(None);
        }
        Ok(self.claim(now_ms).unwrap_or_else(|e| {
            log::error!(target: "pfhir::relay", "claiming the next message: {e}");
            None
        }))
    }
    /// A message being sent (an update of a patient the id map does not know) becomes a
    /// create with this Bundle, committed before the create request leaves: after a crash it
    /// is an uncertain create, resolved as any other.
    fn make_create(&self, id: i64, bundle: &[u8]) -> Result<(), StoreError>;
    /// A health check: a committed write of the store's health row (the store takes
    /// writes).
    fn health_write(&self) -> Result<(), StoreError>;
    /// The platform's ids of a patient, from the id map.
    fn lookup(&self, patient: &PatientKey) -> Result<Option<PlatformIds>, StoreError>;
    /// After a restart: messages left sending go back to pending (updates) or become
    /// uncertain (creates, which may have reached the platform). Returns how many.
    fn recover(&self) -> Result<usize, StoreError>;
    /// Counts per state.
    fn counts(&self) -> Result<Counts, StoreError>;
    /// One message.
    fn show(&self, id: i64) -> Result<MessageInfo, StoreError>;
    /// A held, waiting, uncertain or rejected message is sent again (pending, now).
    fn retry(&self, id: i64) -> Result<(), StoreError>;
    /// A message that is not delivered is dropped (never sent).
    fn drop_message(&self, id: i64) -> Result<(), StoreError>;
    /// A person found the patient's logical id: it enters the id map; a held create becomes
    /// delivered, a held update pending.
    fn set_id(&self, id: i64, logical_id: &str) -> Result<(), StoreError>;
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    received_ms INTEGER NOT NULL,
    sending_application TEXT NOT NULL,
    sending_facility TEXT NOT NULL,
    control_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('create', 'update')),
    authority TEXT NOT NULL,
    business_id TEXT NOT NULL,
    hl7 BLOB NOT NULL,
    bundle BLOB NOT NULL,
    ack BLOB NOT NULL,
    state TEXT NOT NULL CHECK (state IN
        ('pending', 'sending', 'delivered', 'rejected', 'waiting', 'uncertain', 'held', 'dropped')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_ms INTEGER NOT NULL DEFAULT 0,
    request_id TEXT,
    logical_id TEXT,
    bundle_id TEXT,
    detail TEXT,
    updated_ms INTEGER NOT NULL,
    UNIQUE (sending_application, sending_facility, control_id)
);
CREATE INDEX IF NOT EXISTS messages_state_id ON messages (state, id);
CREATE INDEX IF NOT EXISTS messages_patient ON messages (authority, business_id, id);
CREATE TABLE IF NOT EXISTS health (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    checked_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS id_map (
    authority TEXT NOT NULL,
    business_id TEXT NOT NULL,
    logical_id TEXT NOT NULL,
    bundle_id TEXT NOT NULL,
    message_id INTEGER,
    updated_ms INTEGER NOT NULL,
    PRIMARY KEY (authority, business_id)
);
";

/// The SQLite outbox: one file `outbox.sqlite` in the store folder, WAL,
/// `synchronous=FULL`. One connection behind a mutex (SQLite serialises writers anyway);
/// accepts, claims and outcomes from all threads share commits ([`GroupCommit`]).
pub struct SqliteOutbox {
    db: GroupCommit,
}

impl std::fmt::Debug for SqliteOutbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteOutbox").finish_non_exhaustive()
    }
}

/// The database file inside a store folder.
pub const DB_FILE: &str = "outbox.sqlite";

impl SqliteOutbox {
    /// Opens (creating when needed) the store in folder `dir`.
    pub fn open(dir: &Path) -> Result<SqliteOutbox, StoreError> {
        std::fs::create_dir_all(dir)?;
        let conn = Connection::open(dir.join(DB_FILE))?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.execute_batch(SCHEMA)?;
        conn.set_prepared_statement_cache_capacity(64);
        Ok(SqliteOutbox {
            db: GroupCommit::new(conn),
        })
    }

    fn conn(&self) -> Result<MutexGuard<'_, Connection>, StoreError> {
        self.db.conn()
    }

    /// The states a message waits in for the relay or a person (pending, waiting,
    /// uncertain, held), each with the receive time (Unix milliseconds) of its oldest
    /// message, `None` when none is in that state. `relay status` prints their ages.
    pub fn oldest_received(&self) -> Result<Vec<(State, Option<i64>)>, StoreError> {
        let c = self.conn()?;
        [
            State::Pending,
            State::Waiting,
            State::Uncertain,
            State::Held,
        ]
        .into_iter()
        .map(|s| {
            // The oldest by arrival is the lowest id: one lookup in (state, id).
            let ms = query_row(
                &c,
                "SELECT received_ms FROM messages WHERE state = ?1 ORDER BY id LIMIT 1",
                [s.as_str()],
                |r| r.get::<_, i64>(0),
            )
            .optional()?;
            Ok((s, ms))
        })
        .collect()
    }

    /// The journal mode and synchronous setting in force (for tests and `status`).
    pub fn durability(&self) -> Result<(String, i64), StoreError> {
        let c = self.conn()?;
        let mode: String = c.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
        let sync: i64 = c.query_row("PRAGMA synchronous", [], |r| r.get(0))?;
        Ok((mode, sync))
    }
}

fn state_of(id: i64, c: &Connection) -> Result<State, StoreError> {
    let s: Option<String> = query_row(c, "SELECT state FROM messages WHERE id = ?1", [id], |r| {
        r.get(0)
    })
    .optional()?;
    let s = s.ok_or(StoreError::NotFound(id))?;
    State::parse(&s).ok_or(StoreError::Corrupt("messages.state"))
}

fn new_request_id() -> String {
    pfhir_core::build::uuid_v4().unwrap_or_else(|_| {
        // No randomness: a unique enough id from the clock (request ids are not secrets).
        format!(
            "relay-{}",
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos())
        )
    })
}

/// Unix milliseconds now.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

impl Outbox for SqliteOutbox {
    fn accept(&self, msg: &NewMessage) -> Result<Accepted, StoreError> {
        let msg = msg.clone();
        self.db.write(move |c| accept_in(c, &msg))
    }

    fn claim(&self, now_ms: i64) -> Result<Option<Claimed>, StoreError> {
        self.db.write(move |c| claim_in(c, now_ms))
    }

    fn record(&self, id: i64, outcome: &Outcome, now_ms: i64) -> Result<(), StoreError> {
        let outcome = outcome.clone();
        self.db.write(move |c| record_in(c, id, &outcome, now_ms))
    }

    fn record_and_claim(
        &self,
        id: i64,
        outcome: &Outcome,
        now_ms: i64,
        next: bool,
    ) -> Result<Option<Claimed>, StoreError> {
        let outcome = outcome.clone();
        self.db.write(move |c| {
            record_in(c, id, &outcome, now_ms)?;
            if !next {
                return Ok(None);
            }
            // The claim's one write is one statement: when it fails nothing of it stays, and
            // the outcome above is still committed.
            Ok(claim_in(c, now_ms).unwrap_or_else(|e| {
                log::error!(target: "pfhir::relay", "claiming the next message: {e}");
                None
            }))
        })
    }

    fn health_write(&self) -> Result<(), StoreError> {
        let now = now_ms();
        self.db.write(move |c| {
            exec(
                c,
                "INSERT INTO health (id, checked_ms) VALUES (1, ?1)
                 ON CONFLICT (id) DO UPDATE SET checked_ms = excluded.checked_ms",
                [now],
            )?;
            Ok(())
        })
    }

    fn make_create(&self, id: i64, bundle: &[u8]) -> Result<(), StoreError> {
        let bundle = bundle.to_vec();
        self.db.write(move |c| {
            let n = exec(
                c,
                "UPDATE messages SET kind = 'create', bundle = ?2,
                 detail = 'an update of a patient the id map did not know, sent as a create'
                 WHERE id = ?1 AND state = 'sending' AND kind = 'update'",
                params![id, bundle],
            )?;
            if n == 1 {
                Ok(())
            } else {
                Err(StoreError::WrongState {
                    id,
                    state: state_of(id, c)?.as_str(),
                    what: "only an update being sent can become a create",
                })
            }
        })
    }

    fn lookup(&self, patient: &PatientKey) -> Result<Option<PlatformIds>, StoreError> {
        let c = self.conn()?;
        Ok(c.query_row(
            "SELECT logical_id, bundle_id FROM id_map WHERE authority = ?1 AND business_id = ?2",
            params![patient.authority, patient.value],
            |r| {
                Ok(PlatformIds {
                    logical_id: r.get(0)?,
                    bundle_id: r.get(1)?,
                })
            },
        )
        .optional()?)
    }

    fn recover(&self) -> Result<usize, StoreError> {
        let mut c = self.conn()?;
        let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let now = now_ms();
        let mut n = tx.execute(
            "UPDATE messages SET state = 'pending', updated_ms = ?1
             WHERE state = 'sending' AND kind = 'update'",
            [now],
        )?;
        n += tx.execute(
            "UPDATE messages SET state = 'uncertain', next_attempt_ms = 0, updated_ms = ?1,
             detail = 'the relay stopped while sending this create: it may have been processed'
             WHERE state = 'sending' AND kind = 'create'",
            [now],
        )?;
        tx.commit()?;
        Ok(n)
    }

    fn counts(&self) -> Result<Counts, StoreError> {
        let c = self.conn()?;
        let mut stmt = c.prepare("SELECT state, COUNT(*) FROM messages GROUP BY state")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, u64>(1)?)))?;
        let mut counts: Vec<(State, u64)> = State::ALL.iter().map(|s| (*s, 0)).collect();
        for row in rows {
            let (s, n) = row?;
            let s = State::parse(&s).ok_or(StoreError::Corrupt("messages.state"))?;
            if let Some(slot) = counts.iter_mut().find(|(x, _)| *x == s) {
                slot.1 = n;
            }
        }
        Ok(Counts(counts))
    }

    fn show(&self, id: i64) -> Result<MessageInfo, StoreError> {
        let c = self.conn()?;
        let row = c
            .query_row(
                "SELECT m.state, m.kind, m.sending_application, m.sending_facility,
                        m.control_id, m.attempts, m.request_id,
                        COALESCE(m.logical_id, i.logical_id), m.detail, m.received_ms
                 FROM messages m LEFT JOIN id_map i
                   ON i.authority = m.authority AND i.business_id = m.business_id
                 WHERE m.id = ?1",
                [id],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        DedupKey {
                            sending_application: r.get(2)?,
                            sending_facility: r.get(3)?,
                            control_id: r.get(4)?,
                        },
                        r.get::<_, u32>(5)?,
                        r.get::<_, Option<String>>(6)?,
                        r.get::<_, Option<String>>(7)?,
                        r.get::<_, Option<String>>(8)?,
                        r.get::<_, i64>(9)?,
                    ))
                },
            )
            .optional()?
            .ok_or(StoreError::NotFound(id))?;
        Ok(MessageInfo {
            id,
            state: State::parse(&row.0).ok_or(StoreError::Corrupt("messages.state"))?,
            kind: Kind::parse(&row.1).ok_or(StoreError::Corrupt("messages.kind"))?,
            dedup: row.2,
            attempts: row.3,
            request_id: row.4,
            logical_id: row.5,
            detail: row.6,
            received_ms: row.7,
        })
    }

    fn retry(&self, id: i64) -> Result<(), StoreError> {
        let mut c = self.conn()?;
        let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let state = state_of(id, &tx)?;
        if !matches!(
            state,
            State::Held | State::Waiting | State::Uncertain | State::Rejected
        ) {
            return Err(StoreError::WrongState {
                id,
                state: state.as_str(),
                what: "only held, waiting, uncertain or rejected messages can be retried",
            });
        }
        // An uncertain create stays uncertain (resolved first, never blindly re-created);
        // the rest are sent again now.
        let next = if state == State::Uncertain {
            State::Uncertain
        } else {
            State::Pending
        };
        tx.execute(
            "UPDATE messages SET state = ?2, next_attempt_ms = 0, updated_ms = ?3 WHERE id = ?1",
            params![id, next.as_str(), now_ms()],
        )?;
        tx.commit()?;
        Ok(())
    }

    fn drop_message(&self, id: i64) -> Result<(), StoreError> {
        let mut c = self.conn()?;
        let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let state = state_of(id, &tx)?;
        if matches!(state, State::Delivered | State::Sending) {
            return Err(StoreError::WrongState {
                id,
                state: state.as_str(),
                what: "a delivered message, or one being sent, cannot be dropped",
            });
        }
        tx.execute(
            "UPDATE messages SET state = 'dropped', detail = 'dropped by an operator',
             updated_ms = ?2 WHERE id = ?1",
            params![id, now_ms()],
        )?;
        tx.commit()?;
        Ok(())
    }

    fn set_id(&self, id: i64, logical_id: &str) -> Result<(), StoreError> {
        let mut c = self.conn()?;
        let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let state = state_of(id, &tx)?;
        if state != State::Held {
            return Err(StoreError::WrongState {
                id,
                state: state.as_str(),
                what: "only a held message takes a logical id",
            });
        }
        let kind: String = tx.query_row("SELECT kind FROM messages WHERE id = ?1", [id], |r| {
            r.get(0)
        })?;
        let now = now_ms();
        let ids = PlatformIds {
            logical_id: logical_id.to_string(),
            bundle_id: String::new(),
        };
        map_patient(&tx, id, &ids, now)?;
        let (state, detail) = match Kind::parse(&kind) {
            Some(Kind::Create) => (State::Delivered, "logical id set by an operator"),
            Some(Kind::Update) => (State::Pending, "logical id set by an operator"),
            None => return Err(StoreError::Corrupt("messages.kind")),
        };
        tx.execute(
            "UPDATE messages SET state = ?2, logical_id = CASE WHEN kind = 'create' THEN ?3
             ELSE logical_id END, detail = ?4, next_attempt_ms = 0, updated_ms = ?5 WHERE id = ?1",
            params![id, state.as_str(), logical_id, detail, now],
        )?;
        tx.commit()?;
        Ok(())
    }
}

/// Runs a statement from the connection's statement cache (the hot paths run the same few
/// statements thousands of times: parsing them each time was a tenth of the relay's CPU).
fn exec<P: rusqlite::Params>(c: &Connection, sql: &str, p: P) -> rusqlite::Result<usize> {
    c.prepare_cached(sql)?.execute(p)
}

/// One row, from a cached statement.
fn query_row<T, P, F>(c: &Connection, sql: &str, p: P, f: F) -> rusqlite::Result<T>
where
    P: rusqlite::Params,
    F: FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
{
    c.prepare_cached(sql)?.query_row(p, f)
}

/// Stores a new message, or finds the re-send's first one (inside a group commit).
fn accept_in(tx: &Connection, msg: &NewMessage) -> Result<Accepted, StoreError> {
    let d = &msg.dedup;
    let existing: Option<(i64, Vec<u8>)> = query_row(
        tx,
        "SELECT id, ack FROM messages WHERE sending_application = ?1
             AND sending_facility = ?2 AND control_id = ?3",
        params![d.sending_application, d.sending_facility, d.control_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .optional()?;
    if let Some((id, ack)) = existing {
        return Ok(Accepted::Duplicate { id, ack });
    }
    let now = now_ms();
    exec(
        tx,
        "INSERT INTO messages (received_ms, sending_application, sending_facility,
         control_id, kind, authority, business_id, hl7, bundle, ack, state, updated_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 'pending', ?1)",
        params![
            now,
            d.sending_application,
            d.sending_facility,
            d.control_id,
            msg.kind.as_str(),
            msg.patient.authority,
            msg.patient.value,
            msg.hl7,
            msg.bundle,
            msg.ack
        ],
    )?;
    let id = tx.last_insert_rowid();
    Ok(Accepted::New {
        id,
        ack: msg.ack.clone(),
    })
}

/// Takes the oldest message that may go now and marks it sending (inside a group commit).
fn claim_in(tx: &Connection, now_ms: i64) -> Result<Option<Claimed>, StoreError> {
    // The scan starts at the oldest unfinished message (three O(log n) index lookups),
    // so a claim costs the unfinished messages, not the delivered history or the whole
    // backlog (sorting every pending message per claim made a backlog quadratic).
    let row = query_row(
        tx,
        "SELECT m.id, m.kind, m.authority, m.business_id, m.hl7, m.bundle, m.state,
                    m.request_id, m.attempts
             FROM messages m
             WHERE m.id >= (SELECT MIN(lo) FROM (
                 SELECT MIN(id) AS lo FROM messages WHERE state = 'pending'
                 UNION ALL SELECT MIN(id) FROM messages WHERE state = 'waiting'
                 UNION ALL SELECT MIN(id) FROM messages WHERE state = 'uncertain'))
               AND m.state IN ('pending', 'waiting', 'uncertain')
               AND m.next_attempt_ms <= ?1
               AND NOT EXISTS (
                 SELECT 1 FROM messages p
                 WHERE p.authority = m.authority AND p.business_id = m.business_id
                   AND p.id < m.id
                   AND p.state NOT IN ('delivered', 'rejected', 'dropped'))
             ORDER BY m.id LIMIT 1",
        [now_ms],
        |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Vec<u8>>(4)?,
                r.get::<_, Vec<u8>>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, Option<String>>(7)?,
                r.get::<_, u32>(8)?,
            ))
        },
    )
    .optional()?;
    let Some((id, kind, authority, value, hl7, bundle, state, request_id, attempts)) = row else {
        return Ok(None);
    };
    let kind = Kind::parse(&kind).ok_or(StoreError::Corrupt("messages.kind"))?;
    let from = State::parse(&state).ok_or(StoreError::Corrupt("messages.state"))?;
    // A create keeps one request id across its attempts: a server that de-duplicates by
    // it answers a re-send with the first answer. An update (PUT) takes a fresh one.
    let request_id = match (kind, request_id) {
        (Kind::Create, Some(r)) => r,
        _ => new_request_id(),
    };
    exec(
        tx,
        "UPDATE messages SET state = 'sending', attempts = attempts + 1, request_id = ?2,
         updated_ms = ?3 WHERE id = ?1",
        params![id, request_id, now_ms],
    )?;
    Ok(Some(Claimed {
        id,
        kind,
        patient: PatientKey { authority, value },
        hl7,
        bundle,
        from,
        request_id,
        attempts,
    }))
}

/// Records a claimed message's outcome (inside a group commit).
fn record_in(tx: &Connection, id: i64, outcome: &Outcome, now_ms: i64) -> Result<(), StoreError> {
    let state = state_of(id, tx)?;
    if state != State::Sending {
        return Err(StoreError::WrongState {
            id,
            state: state.as_str(),
            what: "only a message being sent can get an outcome",
        });
    }
    let set = |state: State, next: i64, detail: Option<&str>| {
        exec(
            tx,
            "UPDATE messages SET state = ?2, next_attempt_ms = ?3, detail = ?4,
             updated_ms = ?5 WHERE id = ?1",
            params![id, state.as_str(), next, detail, now_ms],
        )
    };
    let later = |ms: u64| now_ms.saturating_add(i64::try_from(ms).unwrap_or(i64::MAX));
    match outcome {
        Outcome::Delivered(ids) => {
            set(State::Delivered, 0, None)?;
            if let Some(ids) = ids {
                exec(
                    tx,
                    "UPDATE messages SET logical_id = ?2, bundle_id = ?3 WHERE id = ?1",
                    params![id, ids.logical_id, ids.bundle_id],
                )?;
                map_patient(tx, id, ids, now_ms)?;
            }
        }
        Outcome::Rejected(d) => {
            set(State::Rejected, 0, Some(d))?;
        }
        Outcome::Waiting { after_ms, detail } => {
            set(State::Waiting, later(*after_ms), Some(detail))?;
        }
        Outcome::Uncertain { after_ms, detail } => {
            set(State::Uncertain, later(*after_ms), Some(detail))?;
        }
        Outcome::Held(d) => {
            set(State::Held, 0, Some(d))?;
        }
        Outcome::Pending => {
            // Not processed: a new create, with a new request id.
            set(State::Pending, 0, None)?;
            exec(
                tx,
                "UPDATE messages SET request_id = NULL WHERE id = ?1",
                [id],
            )?;
        }
    }
    Ok(())
}

/// The id map entry of message `id`'s patient (insert or replace).
fn map_patient(tx: &Connection, id: i64, ids: &PlatformIds, now_ms: i64) -> Result<(), StoreError> {
    exec(
        tx,
        "INSERT INTO id_map (authority, business_id, logical_id, bundle_id, message_id, updated_ms)
         SELECT authority, business_id, ?2, ?3, id, ?4 FROM messages WHERE id = ?1
         ON CONFLICT (authority, business_id) DO UPDATE SET logical_id = excluded.logical_id,
           bundle_id = excluded.bundle_id, message_id = excluded.message_id,
           updated_ms = excluded.updated_ms",
        params![id, ids.logical_id, ids.bundle_id, now_ms],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tempdir(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "pfhir-relay-store-{name}-{}-{}",
            std::process::id(),
            now_ms()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    fn msg(control: &str, kind: Kind, patient: &str) -> NewMessage {
        NewMessage {
            dedup: DedupKey {
                sending_application: "HIS".into(),
                sending_facility: "HOSP".into(),
                control_id: control.into(),
            },
            kind,
            patient: PatientKey {
                authority: "urn:oid:2.16.724.4.41".into(),
                value: patient.into(),
            },
            hl7: format!("MSH|{control}").into_bytes(),
            bundle: b"{}".to_vec(),
            ack: format!("ACK {control}").into_bytes(),
        }
    }

    fn ids(l: &str) -> PlatformIds {
        PlatformIds {
            logical_id: l.into(),
            bundle_id: format!("b-{l}"),
        }
    }

    #[test]
    fn oldest_received_per_waiting_state() {
        let o = SqliteOutbox::open(&tempdir("oldest")).expect("open");
        let none = o.oldest_received().expect("oldest");
        assert_eq!(
            none,
            vec![
                (State::Pending, None),
                (State::Waiting, None),
                (State::Uncertain, None),
                (State::Held, None)
            ]
        );
        let before = now_ms();
        o.accept(&msg("C1", Kind::Create, "P1")).expect("1");
        o.accept(&msg("C2", Kind::Create, "P2")).expect("2");
        let c = o.claim(now_ms()).expect("claim").expect("first");
        o.record(c.id, &Outcome::Held("id unknown".into()), now_ms())
            .expect("held");
        let got = o.oldest_received().expect("oldest");
        let first = o.show(1).expect("show").received_ms;
        let second = o.show(2).expect("show").received_ms;
        assert!(first >= before && second >= first);
        assert_eq!(
            got,
            vec![
                (State::Pending, Some(second)),
                (State::Waiting, None),
                (State::Uncertain, None),
                (State::Held, Some(first))
            ]
        );
    }

    #[test]
    fn opens_in_wal_with_full_sync() {
        let o = SqliteOutbox::open(&tempdir("pragmas")).expect("open");
        assert_eq!(o.durability().expect("pragmas"), ("wal".to_string(), 2));
    }

    #[test]
    fn a_resend_gets_the_stored_ack_and_is_stored_once() {
        let o = SqliteOutbox::open(&tempdir("dedup")).expect("open");
        let first = o.accept(&msg("C1", Kind::Create, "P1")).expect("accept");
        let Accepted::New { id, .. } = first else {
            panic!("new expected")
        };
        let mut again = msg("C1", Kind::Create, "P1");
        again.ack = b"a different ACK".to_vec();
        assert_eq!(
            o.accept(&again).expect("accept"),
            Accepted::Duplicate {
                id,
                ack: b"ACK C1".to_vec()
            }
        );
        // Another sender with the same control id is another message.
        let mut other = msg("C1", Kind::Create, "P2");
        other.dedup.sending_facility = "OTHER".into();
        assert!(matches!(o.accept(&other), Ok(Accepted::New { .. })));
        assert_eq!(o.counts().expect("counts").get(State::Pending), 2);
    }

    #[test]
    fn one_patient_in_arrival_order_others_in_parallel() {
        let o = SqliteOutbox::open(&tempdir("order")).expect("open");
        o.accept(&msg("C1", Kind::Create, "P1")).expect("1");
        o.accept(&msg("C2", Kind::Update, "P1")).expect("2");
        o.accept(&msg("C3", Kind::Create, "P2")).expect("3");
        let now = now_ms();
        let a = o.claim(now).expect("claim").expect("first");
        assert_eq!((a.id, a.kind), (1, Kind::Create));
        // P1's update waits for its create; P2 goes.
        let b = o.claim(now).expect("claim").expect("second");
        assert_eq!(b.id, 3);
        assert!(o.claim(now).expect("claim").is_none());
        o.record(a.id, &Outcome::Delivered(Some(ids("L1"))), now)
            .expect("record");
        assert_eq!(
            o.lookup(&a.patient).expect("lookup"),
            Some(ids("L1")),
            "the id map is written with the state"
        );
        let c = o.claim(now).expect("claim").expect("the update");
        assert_eq!((c.id, c.kind), (2, Kind::Update));
    }

    #[test]
    fn waiting_goes_again_after_its_delay_and_keeps_the_create_request_id() {
        let o = SqliteOutbox::open(&tempdir("waiting")).expect("open");
        o.accept(&msg("C1", Kind::Create, "P1")).expect("1");
        let now = now_ms();
        let a = o.claim(now).expect("claim").expect("claimed");
        o.record(
            a.id,
            &Outcome::Waiting {
                after_ms: 60_000,
                detail: "connect".into(),
            },
            now,
        )
        .expect("record");
        assert!(o.claim(now + 1_000).expect("claim").is_none());
        let again = o.claim(now + 60_000).expect("claim").expect("due");
        assert_eq!(again.request_id, a.request_id);
        assert_eq!((again.from, again.attempts), (State::Waiting, 1));
    }

    #[test]
    fn a_crash_while_sending_makes_creates_uncertain_and_updates_pending() {
        let dir = tempdir("crash");
        {
            let o = SqliteOutbox::open(&dir).expect("open");
            o.accept(&msg("C1", Kind::Create, "P1")).expect("1");
            o.accept(&msg("C2", Kind::Update, "P2")).expect("2");
            let now = now_ms();
            assert!(o.claim(now).expect("claim").is_some());
            assert!(o.claim(now).expect("claim").is_some());
            // The process dies here: no outcome recorded.
        }
        let o = SqliteOutbox::open(&dir).expect("reopen");
        assert_eq!(o.counts().expect("counts").get(State::Sending), 2);
        assert_eq!(o.recover().expect("recover"), 2);
        assert_eq!(o.show(1).expect("show").state, State::Uncertain);
        assert_eq!(o.show(2).expect("show").state, State::Pending);
        // The uncertain create is claimed for resolution with its first request id.
        let first_request = o.show(1).expect("show").request_id;
        let c = o.claim(now_ms()).expect("claim").expect("uncertain");
        assert_eq!(c.from, State::Uncertain);
        assert_eq!(Some(c.request_id), first_request);
    }

    #[test]
    fn an_update_made_a_create_is_an_uncertain_create_after_a_crash() {
        let dir = tempdir("as-create");
        {
            let o = SqliteOutbox::open(&dir).expect("open");
            o.accept(&msg("C1", Kind::Update, "P1")).expect("1");
            let c = o.claim(now_ms()).expect("claim").expect("claimed");
            // Only an update being sent can become a create.
            assert!(matches!(
                o.make_create(99, b"{}"),
                Err(StoreError::NotFound(99) | StoreError::WrongState { .. })
            ));
            o.make_create(c.id, b"{\"create\":1}")
                .expect("made a create");
            assert!(matches!(
                o.make_create(c.id, b"{}"),
                Err(StoreError::WrongState { .. })
            ));
            // The process dies before the answer is recorded.
        }
        let o = SqliteOutbox::open(&dir).expect("reopen");
        o.recover().expect("recover");
        let m = o.show(1).expect("show");
        assert_eq!((m.kind, m.state), (Kind::Create, State::Uncertain));
        let c = o.claim(now_ms()).expect("claim").expect("resolution");
        assert_eq!(c.bundle, b"{\"create\":1}".to_vec());
        assert_eq!(
            Some(c.request_id),
            m.request_id,
            "the create keeps its request id"
        );
    }

    #[test]
    fn a_state_change_and_its_id_map_entry_commit_together() {
        let dir = tempdir("atomic");
        {
            let o = SqliteOutbox::open(&dir).expect("open");
            o.accept(&msg("C1", Kind::Create, "P1")).expect("1");
            let c = o.claim(now_ms()).expect("claim").expect("claimed");
            o.record(c.id, &Outcome::Delivered(Some(ids("L9"))), now_ms())
                .expect("record");
        }
        let o = SqliteOutbox::open(&dir).expect("reopen");
        let m = o.show(1).expect("show");
        assert_eq!(m.state, State::Delivered);
        assert_eq!(m.logical_id.as_deref(), Some("L9"));
        assert_eq!(o.recover().expect("recover"), 0);
    }

    #[test]
    fn held_messages_take_a_logical_id_retry_or_drop() {
        let o = SqliteOutbox::open(&tempdir("held")).expect("open");
        o.accept(&msg("C1", Kind::Create, "P1")).expect("1");
        o.accept(&msg("C2", Kind::Update, "P1")).expect("2");
        o.accept(&msg("C3", Kind::Update, "P3")).expect("3");
        let now = now_ms();
        let a = o.claim(now).expect("claim").expect("create");
        o.record(a.id, &Outcome::Held("id unknown".into()), now)
            .expect("held");
        let c = o.claim(now).expect("claim").expect("P3's update");
        assert_eq!(c.id, 3);
        o.record(c.id, &Outcome::Held("not in the map".into()), now)
            .expect("held");
        // The held create blocks its patient's update.
        assert!(o.claim(now).expect("claim").is_none());
        assert!(matches!(
            o.set_id(2, "L1"),
            Err(StoreError::WrongState { .. })
        ));
        o.set_id(1, "L1").expect("set-id");
        assert_eq!(o.show(1).expect("show").state, State::Delivered);
        assert_eq!(
            o.lookup(&a.patient).expect("map"),
            Some(PlatformIds {
                logical_id: "L1".into(),
                bundle_id: String::new()
            })
        );
        assert_eq!(o.claim(now).expect("claim").expect("update").id, 2);
        o.retry(3).expect("retry");
        assert_eq!(o.show(3).expect("show").state, State::Pending);
        o.drop_message(3).expect("drop");
        assert_eq!(o.show(3).expect("show").state, State::Dropped);
        assert!(matches!(o.retry(99), Err(StoreError::NotFound(99))));
        assert!(matches!(
            o.drop_message(2),
            Err(StoreError::WrongState { .. })
        ));
    }
}
