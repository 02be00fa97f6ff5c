//! Support for test suites that run against a real PostgreSQL: a fresh,
//! uniquely named database per test, so tests never see each other's data.

use std::sync::atomic::{AtomicU64, Ordering};

use diesel::{Connection, RunQueryDsl};

use crate::error::StoreError;

/// The environment variable naming a PostgreSQL server tests may create
/// databases on (an admin URL ending in `/DBNAME`).
pub const POSTGRES_URL_VAR: &str = "RAMPART_TEST_POSTGRES_URL";

/// The admin URL from [`POSTGRES_URL_VAR`], if set. Under CI (`CI` set) a
/// missing server is a failure, not a skip; elsewhere the skip is announced.
pub fn postgres_admin_url() -> Option<String> {
    match std::env::var(POSTGRES_URL_VAR) {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            assert!(std::env::var("CI").is_err(), "CI must provide {POSTGRES_URL_VAR}");
            #[allow(clippy::print_stderr)]
            {
                eprintln!("\n*** SKIPPING the PostgreSQL backend: {POSTGRES_URL_VAR} is not set ***\n");
            }
            None
        }
    }
}

/// Creates a new empty database on the server and returns its URL.
pub fn fresh_postgres_database(admin_url: &str) -> Result<String, StoreError> {
    static N: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    let name = format!("rampart_test_{}_{nanos}_{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed));
    let mut conn = diesel::PgConnection::establish(admin_url).map_err(|e| StoreError::Unavailable(e.to_string()))?;
    diesel::sql_query(format!("CREATE DATABASE {name}")).execute(&mut conn)?;
    let (base, _) = admin_url
        .rsplit_once('/')
        .ok_or_else(|| StoreError::Invalid(format!("{POSTGRES_URL_VAR} must end in /DBNAME")))?;
    Ok(format!("{base}/{name}"))
}

/// Simulates a database outage: refuses new connections to the database at
/// `db_url` and ends every session on it, so the next query of a pool fails.
pub fn cut_off_postgres_database(admin_url: &str, db_url: &str) -> Result<(), StoreError> {
    let name = db_url
        .rsplit_once('/')
        .map(|(_, n)| n.to_owned())
        .filter(|n| n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .ok_or_else(|| StoreError::Invalid(format!("not a test database URL: {db_url}")))?;
    let mut conn = diesel::PgConnection::establish(admin_url).map_err(|e| StoreError::Unavailable(e.to_string()))?;
    diesel::sql_query(format!("ALTER DATABASE {name} ALLOW_CONNECTIONS false")).execute(&mut conn)?;
    diesel::sql_query(format!(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}' AND pid <> pg_backend_pid()"
    ))
    .execute(&mut conn)?;
    Ok(())
}
