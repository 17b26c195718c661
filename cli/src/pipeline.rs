//! An order-preserving parallel map with bounded memory, on std threads and channels only.
//!
//! One producer thread reads the input and hands items to `jobs` worker threads over a
//! bounded channel; the calling thread receives the results, puts them back in input order
//! and hands them to the sink. At most `window` items are in flight (read but not yet
//! consumed by the sink, whether queued, being worked on, or waiting for an earlier item to
//! finish): the producer takes a credit before it sends an item and the sink gives one back
//! after it consumed the result, so memory is bounded by `window` items and results however
//! long the input is, even when one slow item holds back the ones after it.
//!
//! With `jobs <= 1` nothing is spawned: the producer, the work and the sink run in turn on
//! the calling thread (the sequential path).

use std::collections::BTreeMap;
use std::sync::mpsc::{sync_channel, Receiver};
use std::sync::{Arc, Mutex};

/// Where the producer puts items; returns `false` when the consumer has stopped (the sink
/// failed), and the producer should then return.
pub type Emit<'a, T> = dyn FnMut(T) -> bool + 'a;

/// Runs `produce`, maps every item it emits with `work` on `jobs` threads, and hands the
/// results to `sink` in the order the items were emitted. Stops at the first error of the
/// sink and returns it. `window` (at least `jobs`) bounds the items in flight.
pub fn ordered_map<T, R, E, P, W, S>(
    jobs: usize,
    window: usize,
    produce: P,
    work: W,
    sink: S,
) -> Result<(), E>
where
    T: Send,
    R: Send,
    P: FnOnce(&mut Emit<'_, T>) + Send,
    W: Fn(T) -> R + Sync,
    S: FnMut(R) -> Result<(), E>,
{
    ordered_map_with(jobs, window, produce, || (), |_, item| work(item), sink)
}

/// [`ordered_map`] where each thread that works has a state of its own, made by `init` on
/// that thread (buffers reused from one item to the next).
pub fn ordered_map_with<T, R, E, P, I, St, W, S>(
    jobs: usize,
    window: usize,
    produce: P,
    init: I,
    work: W,
    mut sink: S,
) -> Result<(), E>
where
    T: Send,
    R: Send,
    P: FnOnce(&mut Emit<'_, T>) + Send,
    I: Fn() -> St + Sync,
    W: Fn(&mut St, T) -> R + Sync,
    S: FnMut(R) -> Result<(), E>,
{
    if jobs <= 1 {
        let mut state = init();
        let mut failed = None;
        produce(&mut |item| match sink(work(&mut state, item)) {
            Ok(()) => true,
            Err(e) => {
                failed = Some(e);
                false
            }
        });
        return failed.map_or(Ok(()), Err);
    }
    let window = window.max(jobs);
    std::thread::scope(|scope| {
        let (job_tx, job_rx) = sync_channel::<(u64, T)>(window);
        let job_rx = Arc::new(Mutex::new(job_rx));
        let (result_tx, result_rx) = sync_channel::<(u64, R)>(window);
        let (credit_tx, credit_rx) = sync_channel::<()>(window);
        for _ in 0..window {
            // The channel holds `window` credits: these sends cannot block or fail.
            let _ = credit_tx.send(());
        }
        scope.spawn(move || {
            let mut seq = 0u64;
            produce(&mut |item| {
                if credit_rx.recv().is_err() || job_tx.send((seq, item)).is_err() {
                    return false;
                }
                seq += 1;
                true
            });
        });
        for _ in 0..jobs {
            let job_rx = Arc::clone(&job_rx);
            let result_tx = result_tx.clone();
            let (init, work) = (&init, &work);
            scope.spawn(move || worker(&job_rx, init(), work, &result_tx));
        }
        drop(job_rx);
        drop(result_tx);
        // Returning (on an error too) drops `result_rx` and `credit_tx`: the workers' sends
        // and the producer's credit wait then fail, and every thread ends before the scope.
        reorder(result_rx, |r| {
            sink(r)?;
            let _ = credit_tx.send(());
            Ok(())
        })
    })
}

/// Takes items until the channel closes; stops when the results' receiver is gone.
fn worker<T, R, St>(
    jobs: &Mutex<Receiver<(u64, T)>>,
    mut state: St,
    work: &impl Fn(&mut St, T) -> R,
    results: &std::sync::mpsc::SyncSender<(u64, R)>,
) {
    loop {
        let next = match jobs.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => return, // another worker panicked while holding the lock
        };
        let Ok((seq, item)) = next else { return };
        if results.send((seq, work(&mut state, item))).is_err() {
            return;
        }
    }
}

/// Hands the results to `sink` in sequence order, holding back those that come early.
fn reorder<R, E>(
    results: Receiver<(u64, R)>,
    mut sink: impl FnMut(R) -> Result<(), E>,
) -> Result<(), E> {
    let mut early: BTreeMap<u64, R> = BTreeMap::new();
    let mut next = 0u64;
    for (seq, r) in results {
        early.insert(seq, r);
        while let Some(r) = early.remove(&next) {
            sink(r)?;
            next += 1;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn squares(jobs: usize, n: u64) -> Vec<u64> {
        let mut out = Vec::new();
        let r: Result<(), ()> = ordered_map(
            jobs,
            jobs * 2,
            |emit: &mut Emit<'_, u64>| {
                for i in 0..n {
                    if !emit(i) {
                        return;
                    }
                }
            },
            |i| {
                // Later items finish first now and then: the order must still hold.
                if i % 7 == 0 {
                    std::thread::sleep(std::time::Duration::from_micros(200));
                }
                i * i
            },
            |r| {
                out.push(r);
                Ok(())
            },
        );
        assert_eq!(r, Ok(()));
        out
    }

    #[test]
    fn results_come_in_input_order_on_any_number_of_threads() {
        let expected: Vec<u64> = (0..500u64).map(|i| i * i).collect();
        for jobs in [1, 2, 4, 8] {
            assert_eq!(squares(jobs, 500), expected, "jobs {jobs}");
        }
        assert!(squares(4, 0).is_empty());
    }

    #[test]
    fn each_working_thread_has_its_own_state() {
        for jobs in [1, 3] {
            let made = AtomicUsize::new(0);
            let mut out = Vec::new();
            let r: Result<(), ()> = ordered_map_with(
                jobs,
                jobs * 2,
                |emit: &mut Emit<'_, u64>| {
                    for i in 0..300 {
                        if !emit(i) {
                            return;
                        }
                    }
                },
                || {
                    made.fetch_add(1, Ordering::SeqCst);
                    (std::thread::current().id(), 0u64)
                },
                |state, i| {
                    // The state is only ever used on the thread that made it.
                    assert_eq!(state.0, std::thread::current().id());
                    state.1 += 1;
                    i
                },
                |i| {
                    out.push(i);
                    Ok(())
                },
            );
            assert_eq!(r, Ok(()));
            assert_eq!(out, (0..300).collect::<Vec<_>>());
            assert_eq!(
                made.load(Ordering::SeqCst),
                jobs,
                "one state per working thread"
            );
        }
    }

    #[test]
    fn in_flight_items_stay_within_the_window() {
        let in_flight = AtomicUsize::new(0);
        let peak = AtomicUsize::new(0);
        let r: Result<(), ()> = ordered_map(
            4,
            6,
            |emit: &mut Emit<'_, u32>| {
                for i in 0..300 {
                    let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                    peak.fetch_max(now, Ordering::SeqCst);
                    if !emit(i) {
                        return;
                    }
                }
            },
            |i| {
                // Item 0 is slow: everything after it must wait in the window, not pile up.
                if i == 0 {
                    std::thread::sleep(std::time::Duration::from_millis(30));
                }
                i
            },
            |_| {
                in_flight.fetch_sub(1, Ordering::SeqCst);
                Ok(())
            },
        );
        assert_eq!(r, Ok(()));
        // The producer counts an item before it waits for its credit: one more than the window.
        assert!(peak.load(Ordering::SeqCst) <= 7, "peak {peak:?}");
    }

    #[test]
    fn a_sink_error_stops_every_thread_and_is_returned() {
        let produced = AtomicUsize::new(0);
        let mut seen = Vec::new();
        let r = ordered_map(
            3,
            4,
            |emit: &mut Emit<'_, u32>| {
                for i in 0..1_000_000 {
                    produced.fetch_add(1, Ordering::SeqCst);
                    if !emit(i) {
                        return;
                    }
                }
            },
            |i| i,
            |i| {
                if i == 10 {
                    return Err("stop");
                }
                seen.push(i);
                Ok(())
            },
        );
        assert_eq!(r, Err("stop"));
        assert_eq!(seen, (0..10).collect::<Vec<_>>());
        assert!(produced.load(Ordering::SeqCst) < 100, "{produced:?}");
        let r = ordered_map(
            1,
            1,
            |emit: &mut Emit<'_, u32>| {
                for i in 0..100 {
                    if !emit(i) {
                        return;
                    }
                }
            },
            |i| i,
            |i| if i == 3 { Err(i) } else { Ok(()) },
        );
        assert_eq!(r, Err(3));
    }
}
