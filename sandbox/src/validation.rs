//! Validation away from the connections: every request body is validated (and read into a
//! Bundle) on a blocking thread of the runtime, at most `validation_threads` at once, so that
//! a slow validation never stalls the reactor that serves the other connections.

use std::sync::Arc;

use hyper::body::Bytes;
use pfhir_core::validate::Validator;
use tokio::sync::Semaphore;

use crate::operations::{self, Prepared};
use crate::reply::Reply;

/// The validator and the permits of the validations running at once.
pub(crate) struct ValidationPool {
    validator: Arc<Validator>,
    permits: Arc<Semaphore>,
    /// Test-only: makes every validation block its thread a while, as a slow one would.
    #[cfg(test)]
    pub hook: Arc<test_hook::Hook>,
}

impl ValidationPool {
    /// A pool validating with `validator`, at most `threads` bodies at once.
    pub fn new(validator: Validator, threads: usize) -> ValidationPool {
        ValidationPool {
            validator: Arc::new(validator),
            permits: Arc::new(Semaphore::new(threads)),
            #[cfg(test)]
            hook: Arc::default(),
        }
    }

    /// Validates and reads `body` on a blocking thread (see [`operations::prepare`]); the
    /// error is the answer to give. Waits for a permit first when the pool is busy.
    pub async fn prepare(&self, body: Bytes) -> Result<Prepared, Reply> {
        let failed = || Reply::outcome(500, "exception", "The validation failed.");
        // The permit moves into the blocking task, so that it is held until the validation
        // really ends, even when the client goes away and this future is dropped.
        let permit = self
            .permits
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| failed())?;
        let validator = self.validator.clone();
        #[cfg(test)]
        let hook = self.hook.clone();
        let task = tokio::task::spawn_blocking(move || {
            #[cfg(test)]
            hook.run();
            let prepared = operations::prepare(&validator, &body);
            drop(permit);
            prepared
        });
        task.await.unwrap_or_else(|e| {
            log::error!("the validation task failed: {e}");
            Err(failed())
        })
    }
}

#[cfg(test)]
pub(crate) mod test_hook {
    use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
    use std::time::Duration;

    /// A blocking delay added to every validation, and a count of validations started.
    #[derive(Debug, Default)]
    pub struct Hook {
        delay_millis: AtomicU64,
        started: AtomicUsize,
    }

    impl Hook {
        /// Makes each validation block its thread this long first.
        pub fn set_delay(&self, delay: Duration) {
            let millis = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX);
            self.delay_millis.store(millis, Ordering::SeqCst);
        }

        /// How many validations have started.
        pub fn started(&self) -> usize {
            self.started.load(Ordering::SeqCst)
        }

        pub(super) fn run(&self) {
            self.started.fetch_add(1, Ordering::SeqCst);
            let millis = self.delay_millis.load(Ordering::SeqCst);
            // A blocking sleep on purpose: it stands for a CPU-bound validation.
            std::thread::sleep(Duration::from_millis(millis));
        }
    }
}
