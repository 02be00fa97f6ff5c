//! Connections: one `MultiConnection` over SQLite and PostgreSQL, a pool, the
//! per-connection SQLite settings, and the per-backend migrations.

use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::error::StoreError;

/// A connection to either backend; queries are written once against it.
#[derive(diesel::MultiConnection)]
pub(crate) enum AnyConnection {
    Postgresql(diesel::PgConnection),
    Sqlite(diesel::SqliteConnection),
}

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Which backend a URL selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// `postgres://` / `postgresql://` → PostgreSQL; `sqlite://PATH` or a bare path → SQLite.
    pub fn from_url(url: &str) -> Backend {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        }
    }
}

/// The SQLite path in a URL (`sqlite://PATH`, `sqlite:PATH` or `PATH`).
pub(crate) fn sqlite_path(url: &str) -> &str {
    url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")).unwrap_or(url)
}

/// SQLite is off by default on foreign keys and blocks writers immediately:
/// every pooled connection turns both on.
#[derive(Debug)]
struct SqliteSettings;

impl CustomizeConnection<AnyConnection, diesel::r2d2::Error> for SqliteSettings {
    fn on_acquire(&self, conn: &mut AnyConnection) -> Result<(), diesel::r2d2::Error> {
        if let AnyConnection::Sqlite(c) = conn {
            c.batch_execute("PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; PRAGMA synchronous = NORMAL;")
                .map_err(diesel::r2d2::Error::QueryError)?;
        }
        Ok(())
    }
}

pub(crate) type AnyPool = Pool<ConnectionManager<AnyConnection>>;

/// Opens a pool and brings the schema up to date.
pub(crate) fn open_pool(url: &str, max_size: u32) -> Result<(AnyPool, Backend), StoreError> {
    let backend = Backend::from_url(url);
    let target = match backend {
        Backend::Postgres => url.to_owned(),
        Backend::Sqlite => sqlite_path(url).to_owned(),
    };
    if backend == Backend::Sqlite {
        // WAL is a property of the database file: set it once, before pooling.
        use diesel::Connection;
        let mut c = diesel::SqliteConnection::establish(&target).map_err(|e| StoreError::Unavailable(e.to_string()))?;
        c.batch_execute("PRAGMA journal_mode = WAL;").map_err(StoreError::from)?;
    }
    let manager = ConnectionManager::<AnyConnection>::new(target);
    let pool = Pool::builder()
        .max_size(max_size)
        .connection_timeout(Duration::from_secs(10))
        // No `SELECT 1` before every use: it doubled the queries of the hot
        // reads. A connection that broke is noticed by the query that fails
        // on it (a 503), and r2d2 discards it on return.
        .test_on_check_out(false)
        .connection_customizer(Box::new(SqliteSettings))
        .build(manager)
        .map_err(|e| StoreError::Unavailable(e.to_string()))?;
    let mut conn = pool.get()?;
    let applied = match &mut *conn {
        AnyConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|_| ()),
        AnyConnection::Postgresql(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS).map(|_| ()),
    };
    applied.map_err(|e| StoreError::Database(format!("migrations failed: {e}")))?;
    Ok((pool, backend))
}
