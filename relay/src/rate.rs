//! The delivery rate limit (`--rate N`): at most N requests per second to the platform,
//! across all workers, spaced evenly (a request every 1/N s; no bursts). A worker waits for
//! its slot before it claims a message, so nothing sits in `sending` while it waits.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Evenly spaced slots shared by the workers.
#[derive(Debug)]
pub struct Rate {
    interval: Duration,
    next: Mutex<Instant>,
}

impl Rate {
    /// At most `per_second` (at least 1) slots per second.
    pub fn per_second(per_second: u32) -> Rate {
        Rate {
            interval: Duration::from_secs(1) / per_second.max(1),
            next: Mutex::new(Instant::now()),
        }
    }

    /// Takes the next slot and waits for it; returns false (without waiting on) when `stop`
    /// is set meanwhile.
    pub fn wait(&self, stop: &AtomicBool) -> bool {
        let slot = {
            let Ok(mut next) = self.next.lock() else {
                return !stop.load(Ordering::SeqCst);
            };
            let slot = (*next).max(Instant::now());
            *next = slot + self.interval;
            slot
        };
        loop {
            if stop.load(Ordering::SeqCst) {
                return false;
            }
            let left = slot.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return true;
            }
            std::thread::sleep(left.min(Duration::from_millis(100)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_spaced_by_the_interval() {
        let rate = Rate::per_second(20);
        let stop = AtomicBool::new(false);
        let t0 = Instant::now();
        for _ in 0..5 {
            assert!(rate.wait(&stop));
        }
        // The first slot is now, the next four 50 ms apart.
        let took = t0.elapsed();
        assert!(took >= Duration::from_millis(195), "{took:?}");
        assert!(took < Duration::from_millis(600), "{took:?}");
        stop.store(true, Ordering::SeqCst);
        assert!(!rate.wait(&stop));
    }
}
