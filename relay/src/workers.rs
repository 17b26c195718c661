//! The delivery workers: threads that take the next deliverable message from the outbox and
//! deliver it, waking when a message is stored. The MLLP relay and the embedded outbox run
//! the same pool.

use crate::deliver::Deliverer;
use crate::store::{now_ms, Claimed, Outbox};
use std::io;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// Wakes idle workers when a message is stored.
#[derive(Debug, Default)]
pub struct Bell {
    rung: Mutex<u64>,
    cond: Condvar,
}

impl Bell {
    /// Wakes every waiting worker.
    pub fn ring(&self) {
        if let Ok(mut n) = self.rung.lock() {
            *n = n.wrapping_add(1);
        }
        self.cond.notify_all();
    }

    /// Waits until the bell rings or `timeout` passes.
    pub fn wait(&self, timeout: Duration) {
        if let Ok(n) = self.rung.lock() {
            let seen = *n;
            let _ = self.cond.wait_timeout_while(n, timeout, |n| *n == seen);
        }
    }
}

/// A running pool of delivery workers. Dropping it stops them and waits for each to finish
/// its current delivery.
pub struct Workers {
    stop: Arc<AtomicBool>,
    alive: Arc<AtomicUsize>,
    bell: Arc<Bell>,
    threads: Vec<JoinHandle<()>>,
}

impl std::fmt::Debug for Workers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Workers")
            .field("threads", &self.threads.len())
            .finish_non_exhaustive()
    }
}

impl Workers {
    /// Starts `count` workers (at least one) delivering from `outbox`; they stop when `stop`
    /// is set (and the bell rung) or the pool is dropped.
    pub fn start(
        count: usize,
        outbox: Arc<dyn Outbox>,
        deliverer: Arc<Deliverer>,
        stop: Arc<AtomicBool>,
    ) -> io::Result<Workers> {
        let bell = Arc::new(Bell::default());
        let mut pool = Workers {
            stop,
            alive: Arc::new(AtomicUsize::new(0)),
            bell,
            threads: Vec::new(),
        };
        for n in 0..count.max(1) {
            let (outbox, deliverer, stop, bell) = (
                outbox.clone(),
                deliverer.clone(),
                pool.stop.clone(),
                pool.bell.clone(),
            );
            let alive = Alive::new(pool.alive.clone());
            // On an error, dropping `pool` stops the workers already started.
            pool.threads.push(
                std::thread::Builder::new()
                    .name(format!("relay-worker-{n}"))
                    .spawn(move || {
                        let _alive = alive;
                        work(&*outbox, &deliverer, &stop, &bell);
                    })?,
            );
        }
        Ok(pool)
    }

    /// How many workers run now (a worker that ended, or panicked, no longer counts).
    pub fn alive(&self) -> Arc<AtomicUsize> {
        self.alive.clone()
    }

    /// How many workers were started.
    pub fn count(&self) -> usize {
        self.threads.len()
    }

    /// The bell to ring when a message is stored.
    pub fn bell(&self) -> Arc<Bell> {
        self.bell.clone()
    }

    /// Stops the workers and waits for each to finish its current delivery.
    pub fn shutdown(mut self) {
        self.stop_and_join();
    }

    fn stop_and_join(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        self.bell.ring();
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

impl Drop for Workers {
    fn drop(&mut self) {
        self.stop_and_join();
    }
}

/// Counts a worker as running from its start until its thread ends (also by a panic).
struct Alive(Arc<AtomicUsize>);

impl Alive {
    fn new(n: Arc<AtomicUsize>) -> Alive {
        n.fetch_add(1, Ordering::SeqCst);
        Alive(n)
    }
}

impl Drop for Alive {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// One worker's loop: deliver while there is work, otherwise wait for the bell (or a
/// while, for messages whose retry time comes). A delivery's outcome and the next claim are
/// one commit; once `stop` is set no new message is claimed (none is left `sending`).
fn work(outbox: &dyn Outbox, deliverer: &Deliverer, stop: &AtomicBool, bell: &Bell) {
    let mut next: Option<Claimed> = None;
    loop {
        let m = match next.take() {
            Some(m) => m,
            None if stop.load(Ordering::SeqCst) => return,
            // Rate limited: a slot first, then the claim (nothing waits in `sending`).
            None if deliverer.rate().is_some_and(|r| !r.wait(stop)) => return,
            None => match outbox.claim(now_ms()) {
                Ok(Some(m)) => m,
                Ok(None) => {
                    bell.wait(Duration::from_millis(250));
                    continue;
                }
                Err(e) => {
                    log::error!(target: "pfhir::relay", "delivery: {e}");
                    bell.wait(Duration::from_secs(1));
                    continue;
                }
            },
        };
        // With a rate limit the next claim waits for its slot: no chained claim.
        let chain = !stop.load(Ordering::SeqCst) && deliverer.rate().is_none();
        match deliverer.deliver_claimed(outbox, m, chain) {
            Ok(n) => next = n,
            Err(e) => {
                log::error!(target: "pfhir::relay", "delivery: {e}");
                bell.wait(Duration::from_secs(1));
            }
        }
    }
}
