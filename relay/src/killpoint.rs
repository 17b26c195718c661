//! Kill points, for the SIGKILL tests only: the process aborts (no destructor runs, nothing is
//! flushed, as under SIGKILL) the Nth time it passes a point. Armed once per process by the
//! `pfhir relay` hidden `--test-abort-*` flags; never armed in normal use, where a pass costs
//! one relaxed atomic load.

use std::sync::atomic::{AtomicU64, Ordering};

/// A point where a kill-point test may abort the process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Point {
    /// A new message is committed, its ACK not yet written.
    BeforeAck,
    /// A new message's ACK was written to the connection.
    AfterAck,
    /// A message is claimed (`sending` committed), its request not yet sent.
    BeforeSend,
    /// The platform answered, the answer not yet recorded.
    AfterAnswer,
    /// A group commit's writes (accepts, claims, outcomes) ran, its COMMIT not yet.
    InCommit,
}

impl Point {
    const fn index(self) -> usize {
        match self {
            Point::BeforeAck => 0,
            Point::AfterAck => 1,
            Point::BeforeSend => 2,
            Point::AfterAnswer => 3,
            Point::InCommit => 4,
        }
    }

    const fn name(self) -> &'static str {
        match self {
            Point::BeforeAck => "after the commit, before the ACK",
            Point::AfterAck => "after the ACK",
            Point::BeforeSend => "after the claim, before the request",
            Point::AfterAnswer => "after the answer, before recording it",
            Point::InCommit => "inside a group commit, before COMMIT",
        }
    }
}

/// At which pass each point aborts (0: never).
static AT: [AtomicU64; 5] = [
    AtomicU64::new(0),
    AtomicU64::new(0),
    AtomicU64::new(0),
    AtomicU64::new(0),
    AtomicU64::new(0),
];
/// Passes so far.
static SEEN: [AtomicU64; 5] = [
    AtomicU64::new(0),
    AtomicU64::new(0),
    AtomicU64::new(0),
    AtomicU64::new(0),
    AtomicU64::new(0),
];

/// Kill-point tests only: abort the process the `nth` time (1-based) it passes `point`.
pub fn arm(point: Point, nth: u64) {
    AT[point.index()].store(nth, Ordering::SeqCst);
}

/// Passes `point`: aborts the process when this is the armed pass.
pub fn pass(point: Point) {
    let i = point.index();
    let at = AT[i].load(Ordering::Relaxed);
    if at == 0 {
        return;
    }
    if SEEN[i].fetch_add(1, Ordering::SeqCst) + 1 == at {
        log::warn!(target: "pfhir::relay", "aborting {} (kill-point test, pass {at})", point.name());
        std::process::abort();
    }
}
