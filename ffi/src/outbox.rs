//! The embedded outbox (docs/relay.md, "Embedding the outbox"): a durable SQLite store in a
//! folder with delivery on background threads, for a program that wants submission to
//! survive restarts and outages without running the relay.

use crate::client::pfhir_client_config;
use crate::error::{guard, guard_or, invalid_argument, pfhir_error};
use crate::hl7::pfhir_hl7_options;
use crate::types::{
    bytes_arg, free_handle, handle, into_handle, lend_opt, out_arg, pfhir_bytes, pfhir_str,
    read_field, text_arg, write_out, CText,
};
use pfhir_core::client::Client;
use pfhir_relay::store::{Kind, State};
use pfhir_relay::{EmbeddedOutbox, OutboxOptions, Received};

/// Create or update (`pfhir_outbox_submit_bundle`).
pub type pfhir_outbox_kind = u32;
/// A create: the Bundle is POSTed as given.
pub const PFHIR_OUTBOX_KIND_CREATE: pfhir_outbox_kind = 1;
/// An update: PUT to the Bundle's Patient.id (v2) or business id (v1).
pub const PFHIR_OUTBOX_KIND_UPDATE: pfhir_outbox_kind = 2;

/// What a submission did (`pfhir_submission_received`).
pub type pfhir_received = u32;
/// Stored (durably, before the call returned); the id is the new message's.
pub const PFHIR_RECEIVED_STORED: pfhir_received = 1;
/// A re-send of a stored message (same MSH-3, MSH-4, MSH-10; or the same Bundle.id):
/// nothing stored, the id and the ACK are the first one's.
pub const PFHIR_RECEIVED_DUPLICATE: pfhir_received = 2;
/// An HL7 message that cannot become a valid Bundle: not stored, the ACK says AE or AR.
pub const PFHIR_RECEIVED_REFUSED: pfhir_received = 3;
/// The store failed: not stored, the ACK says AR (send it again).
pub const PFHIR_RECEIVED_STORE_FAILED: pfhir_received = 4;

/// The state of a stored message (`pfhir_message_status_state`; docs/relay.md, "States").
pub type pfhir_outbox_state = u32;
/// Stored; waiting for a worker.
pub const PFHIR_OUTBOX_STATE_PENDING: pfhir_outbox_state = 1;
/// Being sent.
pub const PFHIR_OUTBOX_STATE_SENDING: pfhir_outbox_state = 2;
/// The platform accepted it (final).
pub const PFHIR_OUTBOX_STATE_DELIVERED: pfhir_outbox_state = 3;
/// The platform refused it; the detail is its OperationOutcome (final).
pub const PFHIR_OUTBOX_STATE_REJECTED: pfhir_outbox_state = 4;
/// To be sent again after a backoff.
pub const PFHIR_OUTBOX_STATE_WAITING: pfhir_outbox_state = 5;
/// A create whose outcome is unknown; resolved before anything else of its patient goes.
pub const PFHIR_OUTBOX_STATE_UNCERTAIN: pfhir_outbox_state = 6;
/// Needs a person (`pfhir relay set-id`, `retry` or `drop` on the folder).
pub const PFHIR_OUTBOX_STATE_HELD: pfhir_outbox_state = 7;
/// Dropped by an operator; never sent (final).
pub const PFHIR_OUTBOX_STATE_DROPPED: pfhir_outbox_state = 8;

/// An open outbox: thread-safe (submit and read status from any thread). Close it with
/// `pfhir_outbox_close`.
#[derive(Debug)]
pub struct pfhir_outbox {
    inner: EmbeddedOutbox,
}

/// What one submission did: the message id, what was done and the ACK. Immutable.
#[derive(Debug)]
pub struct pfhir_submission {
    id: u64,
    received: pfhir_received,
    ack: Vec<u8>,
}

/// The status of one stored message. Immutable.
pub struct pfhir_message_status {
    state: pfhir_outbox_state,
    attempts: u32,
    logical_id: Option<CText>,
    detail: Option<CText>,
}

impl std::fmt::Debug for pfhir_message_status {
    /// The logical id (v1: the business id) and the detail are not shown.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("pfhir_message_status")
            .field("state", &self.state)
            .field("attempts", &self.attempts)
            .finish_non_exhaustive()
    }
}

fn state_number(s: State) -> pfhir_outbox_state {
    match s {
        State::Pending => PFHIR_OUTBOX_STATE_PENDING,
        State::Sending => PFHIR_OUTBOX_STATE_SENDING,
        State::Delivered => PFHIR_OUTBOX_STATE_DELIVERED,
        State::Rejected => PFHIR_OUTBOX_STATE_REJECTED,
        State::Waiting => PFHIR_OUTBOX_STATE_WAITING,
        State::Uncertain => PFHIR_OUTBOX_STATE_UNCERTAIN,
        State::Held => PFHIR_OUTBOX_STATE_HELD,
        State::Dropped => PFHIR_OUTBOX_STATE_DROPPED,
    }
}

fn message_id(id: i64) -> u64 {
    u64::try_from(id).unwrap_or(0)
}

/// Opens (creating when needed) the outbox in folder `dir` (UTF-8 path), recovers messages
/// left sending by an earlier process, and starts `workers` delivery threads (0: 2) that
/// send with a client made from `cfg`. HL7 messages are converted with `hl7` (NULL: the
/// defaults). `cfg` and `hl7` are copied and may be freed at once. Close with
/// `pfhir_outbox_close`; one folder is opened by one outbox at a time.
///
/// # Safety
/// `dir` must point at `dir_len` bytes; `cfg` must be a live configuration; `hl7` must be
/// NULL or live options; `out` must be valid for writes.
#[no_mangle]
pub unsafe extern "C" fn pfhir_outbox_open(
    dir: *const u8,
    dir_len: usize,
    cfg: *const pfhir_client_config,
    hl7: *const pfhir_hl7_options,
    workers: u32,
    out: *mut *mut pfhir_outbox,
) -> *mut pfhir_error {
    guard(|| {
        out_arg(out, "out")?;
        // SAFETY: forwarded to the caller.
        let dir = unsafe { text_arg(dir, dir_len, "dir") }?;
        if dir.is_empty() {
            return Err(invalid_argument("dir is empty"));
        }
        // SAFETY: forwarded to the caller.
        let cfg = unsafe { handle(cfg, "cfg") }?;
        // SAFETY: forwarded to the caller.
        let options = unsafe { hl7.as_ref() }
            .map(|o| o.inner.clone())
            .unwrap_or_default();
        let client = Client::new(cfg.inner.clone()).map_err(|e| pfhir_error::from_client(&e))?;
        let workers = match workers {
            0 => OutboxOptions::default().workers,
            n => usize::try_from(n).map_err(|_| invalid_argument("workers is too large"))?,
        };
        let inner = EmbeddedOutbox::open(
            std::path::Path::new(dir),
            client,
            options,
            OutboxOptions {
                workers,
                ..OutboxOptions::default()
            },
        )
        .map_err(|e| pfhir_error::from_outbox(&e))?;
        // SAFETY: checked non-NULL; the caller guarantees it is writable.
        unsafe { write_out(out, into_handle(pfhir_outbox { inner })) };
        Ok(())
    })
}

/// Submits a ready message Bundle (JSON) as a create or an update (`PFHIR_OUTBOX_KIND_*`).
/// It is validated as the client would before sending (an invalid Bundle is a `validation`
/// error with its outcome, nothing stored), and stored durably before this returns; a
/// Bundle whose Bundle.id is already stored is `PFHIR_RECEIVED_DUPLICATE`. Free `out` with
/// `pfhir_submission_free`.
///
/// # Safety
/// `o` must be a live outbox; `bundle_json` must point at `len` bytes; `out` must be valid
/// for writes.
#[no_mangle]
pub unsafe extern "C" fn pfhir_outbox_submit_bundle(
    o: *const pfhir_outbox,
    bundle_json: *const u8,
    len: usize,
    kind: pfhir_outbox_kind,
    out: *mut *mut pfhir_submission,
) -> *mut pfhir_error {
    guard(|| {
        out_arg(out, "out")?;
        // SAFETY: forwarded to the caller.
        let o = unsafe { handle(o, "outbox") }?;
        // SAFETY: forwarded to the caller.
        let body = unsafe { bytes_arg(bundle_json, len, "bundle_json") }?;
        let kind = match kind {
            PFHIR_OUTBOX_KIND_CREATE => Kind::Create,
            PFHIR_OUTBOX_KIND_UPDATE => Kind::Update,
            _ => return Err(invalid_argument("kind is not a PFHIR_OUTBOX_KIND_* value")),
        };
        let s = o
            .inner
            .submit_bundle(body, kind)
            .map_err(|e| pfhir_error::from_outbox(&e))?;
        let result = pfhir_submission {
            id: message_id(s.id),
            received: if s.duplicate {
                PFHIR_RECEIVED_DUPLICATE
            } else {
                PFHIR_RECEIVED_STORED
            },
            ack: Vec::new(),
        };
        // SAFETY: checked non-NULL; the caller guarantees it is writable.
        unsafe { write_out(out, into_handle(result)) };
        Ok(())
    })
}

/// Submits one HL7 v2 message exactly as the MLLP relay takes it: converted, stored durably
/// before an `AA`, refused at once (`AE`/`AR`, nothing stored) when it cannot become a valid
/// Bundle. What was done is data, not an error: read it from `out` (free with
/// `pfhir_submission_free`), with the ACK to give the sender.
///
/// # Safety
/// `o` must be a live outbox; `message` must point at `len` bytes; `out` must be valid for
/// writes.
#[no_mangle]
pub unsafe extern "C" fn pfhir_outbox_submit_hl7(
    o: *const pfhir_outbox,
    message: *const u8,
    len: usize,
    out: *mut *mut pfhir_submission,
) -> *mut pfhir_error {
    guard(|| {
        out_arg(out, "out")?;
        // SAFETY: forwarded to the caller.
        let o = unsafe { handle(o, "outbox") }?;
        // SAFETY: forwarded to the caller.
        let msg = unsafe { bytes_arg(message, len, "message") }?;
        let (ack, received) = o.inner.submit_hl7(msg);
        let (id, received) = match received {
            Received::Stored(id) => (message_id(id), PFHIR_RECEIVED_STORED),
            Received::Duplicate(id) => (message_id(id), PFHIR_RECEIVED_DUPLICATE),
            Received::Refused(_) => (0, PFHIR_RECEIVED_REFUSED),
            Received::StoreFailed => (0, PFHIR_RECEIVED_STORE_FAILED),
        };
        // SAFETY: checked non-NULL; the caller guarantees it is writable.
        unsafe { write_out(out, into_handle(pfhir_submission { id, received, ack })) };
        Ok(())
    })
}

/// The status of message `id`: its state, attempts, the platform's logical id once known
/// and why it is in its state. An unknown id is a `not_found` error. Free `out` with
/// `pfhir_message_status_free`.
///
/// # Safety
/// `o` must be a live outbox; `out` must be valid for writes.
#[no_mangle]
pub unsafe extern "C" fn pfhir_outbox_status(
    o: *const pfhir_outbox,
    id: u64,
    out: *mut *mut pfhir_message_status,
) -> *mut pfhir_error {
    guard(|| {
        out_arg(out, "out")?;
        // SAFETY: forwarded to the caller.
        let o = unsafe { handle(o, "outbox") }?;
        let id = i64::try_from(id).map_err(|_| invalid_argument("id is out of range"))?;
        let m = o
            .inner
            .status(id)
            .map_err(|e| pfhir_error::from_outbox(&e))?;
        let status = pfhir_message_status {
            state: state_number(m.state),
            attempts: m.attempts,
            logical_id: m.logical_id.as_deref().map(CText::new),
            detail: m.detail.as_deref().map(CText::new),
        };
        // SAFETY: checked non-NULL; the caller guarantees it is writable.
        unsafe { write_out(out, into_handle(status)) };
        Ok(())
    })
}

/// Closes the outbox: stops delivery, waits for each worker to finish its current delivery
/// (at most one request timeout), and frees it. Messages not yet delivered stay in the
/// folder and are delivered after the next `pfhir_outbox_open`. NULL is a no-op.
///
/// # Safety
/// `o` must be NULL or an outbox not closed before, not in use by another thread.
#[no_mangle]
pub unsafe extern "C" fn pfhir_outbox_close(o: *mut pfhir_outbox) {
    // SAFETY: forwarded to the caller.
    guard_or((), || unsafe { free_handle(o) })
}

/// The message's id in the outbox (give it to `pfhir_outbox_status`); 0 when nothing was
/// stored (refused, store failed) and for NULL.
///
/// # Safety
/// `s` must be NULL or a live submission.
#[no_mangle]
pub unsafe extern "C" fn pfhir_submission_id(s: *const pfhir_submission) -> u64 {
    // SAFETY: forwarded to the caller.
    unsafe { read_field(s, 0, |s| s.id) }
}

/// What was done (`PFHIR_RECEIVED_*`; 0 for NULL).
///
/// # Safety
/// `s` must be NULL or a live submission.
#[no_mangle]
pub unsafe extern "C" fn pfhir_submission_received(s: *const pfhir_submission) -> pfhir_received {
    // SAFETY: forwarded to the caller.
    unsafe { read_field(s, 0, |s| s.received) }
}

/// Copies the HL7 ACK to `out` (free it with `pfhir_bytes_free`): segments ended by `\r`,
/// in the message's character set; empty for a Bundle submission.
///
/// # Safety
/// `s` must be a live submission; `out` must be valid for writes.
#[no_mangle]
pub unsafe extern "C" fn pfhir_submission_ack(
    s: *const pfhir_submission,
    out: *mut pfhir_bytes,
) -> *mut pfhir_error {
    guard(|| {
        out_arg(out, "out")?;
        // SAFETY: forwarded to the caller.
        let s = unsafe { handle(s, "submission") }?;
        // SAFETY: checked non-NULL; the caller guarantees it is writable.
        unsafe { write_out(out, pfhir_bytes::from_vec(s.ack.clone())) };
        Ok(())
    })
}

/// Frees a submission. NULL is a no-op.
///
/// # Safety
/// `s` must be NULL or a submission not freed before.
#[no_mangle]
pub unsafe extern "C" fn pfhir_submission_free(s: *mut pfhir_submission) {
    // SAFETY: forwarded to the caller.
    guard_or((), || unsafe { free_handle(s) })
}

/// The message's state (`PFHIR_OUTBOX_STATE_*`; 0 for NULL).
///
/// # Safety
/// `s` must be NULL or a live status.
#[no_mangle]
pub unsafe extern "C" fn pfhir_message_status_state(
    s: *const pfhir_message_status,
) -> pfhir_outbox_state {
    // SAFETY: forwarded to the caller.
    unsafe { read_field(s, 0, |s| s.state) }
}

/// Delivery attempts made (0 for NULL).
///
/// # Safety
/// `s` must be NULL or a live status.
#[no_mangle]
pub unsafe extern "C" fn pfhir_message_status_attempts(s: *const pfhir_message_status) -> u32 {
    // SAFETY: forwarded to the caller.
    unsafe { read_field(s, 0, |s| s.attempts) }
}

/// The platform's Patient id (v2: the logical id; v1: the business id) once the patient's
/// create is delivered; `{NULL, 0}` before. Borrowed from `s`.
///
/// # Safety
/// `s` must be NULL or a live status.
#[no_mangle]
pub unsafe extern "C" fn pfhir_message_status_logical_id(
    s: *const pfhir_message_status,
) -> pfhir_str {
    // SAFETY: forwarded to the caller.
    unsafe { read_field(s, pfhir_str::EMPTY, |s| lend_opt(&s.logical_id)) }
}

/// Why the message is in its state (rejected: the platform's OperationOutcome JSON; waiting,
/// uncertain, held: a reason without patient values); `{NULL, 0}` when there is none.
/// Borrowed from `s`.
///
/// # Safety
/// `s` must be NULL or a live status.
#[no_mangle]
pub unsafe extern "C" fn pfhir_message_status_detail(s: *const pfhir_message_status) -> pfhir_str {
    // SAFETY: forwarded to the caller.
    unsafe { read_field(s, pfhir_str::EMPTY, |s| lend_opt(&s.detail)) }
}

/// Frees a status. NULL is a no-op.
///
/// # Safety
/// `s` must be NULL or a status not freed before.
#[no_mangle]
pub unsafe extern "C" fn pfhir_message_status_free(s: *mut pfhir_message_status) {
    // SAFETY: forwarded to the caller.
    guard_or((), || unsafe { free_handle(s) })
}
