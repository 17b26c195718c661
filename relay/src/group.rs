//! Group commit: several threads' writes share one SQLite transaction and one
//! `synchronous=FULL` commit (one fsync of the WAL) instead of one each.
//!
//! Each caller queues its write and then takes the connection. Whoever gets it first (the
//! leader) runs every queued write, each inside its own savepoint (a failing write is rolled
//! back alone and gets its error), commits once, and hands every caller its result before
//! releasing the connection. A caller whose write a leader already ran finds its result when
//! it gets the connection and returns. Nobody returns before the commit that holds its write
//! returned, so "stored, then ACK" holds per message while the fsyncs are shared. No thread of
//! its own: while one leader waits on the disk, the next batch collects in the queue.

use crate::store::StoreError;
use rusqlite::Connection;
use std::sync::{Arc, Mutex};

/// A queued write.
trait Job: Send {
    /// Runs the write inside a savepoint. An `Err` is a failure of the transaction itself
    /// (the savepoint could not be made or released): the whole batch is rolled back.
    fn run(&mut self, c: &Connection) -> Result<(), rusqlite::Error>;
    /// Hands the caller its result; `failed` says why the batch's commit failed.
    fn finish(self: Box<Self>, failed: Option<&str>);
}

type Slot<T> = Arc<Mutex<Option<Result<T, StoreError>>>>;

struct Write<T, F> {
    f: Option<F>,
    out: Option<Result<T, StoreError>>,
    slot: Slot<T>,
}

impl<T, F> Job for Write<T, F>
where
    T: Send,
    F: FnOnce(&Connection) -> Result<T, StoreError> + Send,
{
    fn run(&mut self, c: &Connection) -> Result<(), rusqlite::Error> {
        let Some(f) = self.f.take() else {
            return Ok(());
        };
        exec(c, "SAVEPOINT pfhir_job")?;
        let out = f(c);
        if out.is_err() {
            exec(c, "ROLLBACK TO pfhir_job")?;
        }
        exec(c, "RELEASE pfhir_job")?;
        self.out = Some(out);
        Ok(())
    }

    fn finish(self: Box<Self>, failed: Option<&str>) {
        let this = *self;
        let out = match (failed, this.out) {
            (Some(why), Some(Ok(_)) | None) => Err(StoreError::Commit(why.to_string())),
            (_, Some(out)) => out,
            (None, None) => Err(StoreError::Commit("the write was not run".into())),
        };
        let slot = this.slot;
        if let Ok(mut s) = slot.lock() {
            *s = Some(out);
        };
    }
}

/// A statement without parameters, from the statement cache.
fn exec(c: &Connection, sql: &str) -> Result<(), rusqlite::Error> {
    c.prepare_cached(sql)?.execute([]).map(|_| ())
}

/// A connection whose writes are committed in groups. See the module documentation.
pub struct GroupCommit {
    conn: Mutex<Connection>,
    queue: Mutex<Vec<Box<dyn Job>>>,
}

impl GroupCommit {
    /// Wraps an open connection.
    pub fn new(conn: Connection) -> Self {
        GroupCommit {
            conn: Mutex::new(conn),
            queue: Mutex::new(Vec::new()),
        }
    }

    /// The connection itself, for reads and for writes that commit on their own.
    pub fn conn(&self) -> Result<std::sync::MutexGuard<'_, Connection>, StoreError> {
        self.conn.lock().map_err(|_| StoreError::Poisoned)
    }

    /// Runs `f` in a transaction shared with the other queued writes; returns its result
    /// once that transaction is committed (or the error, `f`'s own or the commit's).
    pub fn write<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let slot: Slot<T> = Arc::new(Mutex::new(None));
        self.queue
            .lock()
            .map_err(|_| StoreError::Poisoned)?
            .push(Box::new(Write {
                f: Some(f),
                out: None,
                slot: slot.clone(),
            }));
        let conn = self.conn()?;
        let done = slot.lock().map_err(|_| StoreError::Poisoned)?.take();
        if let Some(out) = done {
            return out;
        }
        // Leader: our write is still queued (a leader fills every slot it ran before it
        // releases the connection), so the queue holds it.
        let mut jobs = std::mem::take(&mut *self.queue.lock().map_err(|_| StoreError::Poisoned)?);
        let run = |jobs: &mut Vec<Box<dyn Job>>| -> Result<(), rusqlite::Error> {
            exec(&conn, "BEGIN IMMEDIATE")?;
            for j in jobs.iter_mut() {
                j.run(&conn)?;
            }
            crate::killpoint::pass(crate::killpoint::Point::InCommit);
            exec(&conn, "COMMIT")
        };
        let failed = run(&mut jobs).err().map(|e| {
            if !conn.is_autocommit() {
                let _ = conn.execute_batch("ROLLBACK");
            }
            e.to_string()
        });
        if let Some(why) = &failed {
            log::error!(target: "pfhir::relay", "a group commit of {} write(s) failed: {why}", jobs.len());
        }
        for j in jobs {
            j.finish(failed.as_deref());
        }
        drop(conn);
        let out = slot.lock().map_err(|_| StoreError::Poisoned)?.take();
        out.unwrap_or_else(|| Err(StoreError::Commit("the write was not run".into())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db() -> GroupCommit {
        let c = Connection::open_in_memory().expect("open");
        c.execute_batch("CREATE TABLE t (v INTEGER UNIQUE)")
            .expect("schema");
        GroupCommit::new(c)
    }

    #[test]
    fn a_failing_write_is_rolled_back_alone() {
        let g = Arc::new(db());
        let threads: Vec<_> = (0..16)
            .map(|i| {
                let g = g.clone();
                std::thread::spawn(move || {
                    g.write(move |c| {
                        // Every fourth write fails after writing: it must leave nothing.
                        c.execute("INSERT INTO t (v) VALUES (?1)", [i])?;
                        if i % 4 == 0 {
                            c.execute("INSERT INTO t (v) VALUES (?1)", [i])?;
                        }
                        Ok(i)
                    })
                })
            })
            .collect();
        let mut ok = 0;
        for (i, t) in threads.into_iter().enumerate() {
            match t.join().expect("thread") {
                Ok(v) => {
                    assert_eq!(v, i as i64);
                    ok += 1;
                }
                Err(e) => {
                    assert_eq!(i % 4, 0, "write {i} failed: {e}");
                }
            }
        }
        assert_eq!(ok, 12);
        let n: i64 = g
            .conn()
            .expect("conn")
            .query_row("SELECT COUNT(*) FROM t", [], |r| r.get(0))
            .expect("count");
        assert_eq!(n, 12);
    }
}
