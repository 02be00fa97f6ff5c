//! The store handle and how work reaches the database.

use std::sync::Arc;

use diesel::Connection;
use tokio::sync::Semaphore;

use crate::conn::{AnyConnection, AnyPool, Backend, open_pool};
use crate::error::StoreError;
use crate::snapshot_cache::SnapshotCache;

/// A handle to the database; cheap to clone.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// SQLite allows one writer; a deferred transaction that upgrades to a
    /// write can fail with BUSY instead of waiting. Writers in this process
    /// therefore queue here (readers never do: WAL lets them run alongside).
    sqlite_writer: Arc<Semaphore>,
    pub(crate) snapshots: SnapshotCache,
    pub(crate) revisions: crate::revision_memo::RevisionMemo,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("backend", &self.backend).finish_non_exhaustive()
    }
}

impl Store {
    /// Opens (creating if needed) the database at `url` and migrates it.
    pub async fn open(url: &str, pool_size: u32) -> Result<Store, StoreError> {
        let url = url.to_owned();
        let (pool, backend) = tokio::task::spawn_blocking(move || open_pool(&url, pool_size.max(1)))
            .await
            .map_err(|e| StoreError::Database(format!("opening the store failed: {e}")))??;
        Ok(Store {
            pool,
            backend,
            sqlite_writer: Arc::new(Semaphore::new(1)),
            snapshots: SnapshotCache::default(),
            revisions: Default::default(),
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Runs `f` in one read transaction on a blocking thread.
    pub(crate) async fn read<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut AnyConnection) -> Result<T, StoreError> + Send + 'static,
    {
        self.run(f).await
    }

    /// Runs `f`, one statement, outside a transaction: a single statement is
    /// atomic on its own, and the hot reads (a key on every request, a
    /// model's revision on every cached read) save the BEGIN and COMMIT.
    pub(crate) async fn read_statement<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut AnyConnection) -> Result<T, StoreError> + Send + 'static,
    {
        let pool = self.pool.clone();
        let statement = move || {
            let mut conn = pool.get()?;
            f(&mut conn)
        };
        // On a multi-threaded runtime a statement this short runs in place
        // (the worker's other tasks move to another thread meanwhile): no
        // hand-off to the blocking pool and back on every request.
        if tokio::runtime::Handle::current().runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread {
            return tokio::task::block_in_place(statement);
        }
        tokio::task::spawn_blocking(statement)
            .await
            .map_err(|e| StoreError::Database(format!("store task failed: {e}")))?
    }

    /// Runs `f` in one write transaction on a blocking thread: all or nothing.
    pub(crate) async fn write<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut AnyConnection) -> Result<T, StoreError> + Send + 'static,
    {
        let _turn = match self.backend {
            Backend::Sqlite => {
                Some(self.sqlite_writer.acquire().await.map_err(|e| StoreError::Unavailable(e.to_string()))?)
            }
            Backend::Postgres => None,
        };
        self.run(f).await
    }

    async fn run<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut AnyConnection) -> Result<T, StoreError> + Send + 'static,
    {
        let pool = self.pool.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = pool.get()?;
            let conn: &mut AnyConnection = &mut conn;
            conn.transaction(f)
        })
        .await
        .map_err(|e| StoreError::Database(format!("store task failed: {e}")))?
    }

    /// Whether the database answers (for readiness probes).
    pub async fn ping(&self) -> Result<(), StoreError> {
        self.read(|c| {
            use diesel::RunQueryDsl;
            diesel::sql_query("SELECT 1").execute(c)?;
            Ok(())
        })
        .await
    }
}

pub(crate) fn now() -> chrono::NaiveDateTime {
    chrono::Utc::now().naive_utc()
}

pub(crate) fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}
