//! One delivering process per store folder. Two relays (or an embedded outbox and a relay)
//! delivering from one store would each take the other's `sending` messages for a crash at
//! start and recover them: creates would turn uncertain, updates would be sent twice. The
//! lock is an OS file lock on `delivery.lock` in the folder, so the kernel releases it when
//! the process dies (a SIGKILLed relay restarts at once). Reading the store (`pfhir relay
//! status`, `show`) takes no lock.

use std::fs::{File, OpenOptions, TryLockError};
use std::io;
use std::path::{Path, PathBuf};

/// The lock file inside a store folder.
pub const LOCK_FILE: &str = "delivery.lock";

/// Why the folder cannot be locked.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LockError {
    /// Another process (or another outbox in this one) delivers from this folder.
    #[error("the store {} is in use by another relay or outbox (the lock {LOCK_FILE} is held)", .0.display())]
    InUse(PathBuf),
    /// The lock file cannot be made or locked.
    #[error("cannot lock the store {}: {source}", path.display())]
    Io {
        /// The folder.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
}

/// The held lock; dropping it releases it.
#[derive(Debug)]
pub struct DeliveryLock {
    _file: File,
}

impl DeliveryLock {
    /// Takes the folder's delivery lock at once, or says who holds it (never waits).
    pub fn acquire(dir: &Path) -> Result<DeliveryLock, LockError> {
        let io = |source| LockError::Io {
            path: dir.to_path_buf(),
            source,
        };
        std::fs::create_dir_all(dir).map_err(io)?;
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(dir.join(LOCK_FILE))
            .map_err(io)?;
        match file.try_lock() {
            Ok(()) => Ok(DeliveryLock { _file: file }),
            Err(TryLockError::WouldBlock) => Err(LockError::InUse(dir.to_path_buf())),
            Err(TryLockError::Error(e)) => Err(io(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_on_a_folder_is_refused_until_the_first_is_dropped() {
        let dir = std::env::temp_dir().join(format!("pfhir-lock-{}", std::process::id()));
        let first = DeliveryLock::acquire(&dir).expect("first lock");
        match DeliveryLock::acquire(&dir) {
            Err(LockError::InUse(p)) => assert_eq!(p, dir),
            other => panic!("expected InUse, got {other:?}"),
        }
        drop(first);
        let again = DeliveryLock::acquire(&dir).expect("lock after release");
        drop(again);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
