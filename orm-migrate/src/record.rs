//! The record table: one row per migration that ran (or began to), in the migrated
//! keyspace, and the queries that read and write it.

use orm_core::Db;
use scylla::value::{CqlTimestamp, Row};

use crate::error::{MigrateError, Result};

/// The record table's name.
pub const RECORD_TABLE: &str = "orm_migrations";
/// The lease table's name.
pub const LEASE_TABLE: &str = "orm_migrations_lease";

/// `schema` with the migration tool's own tables ([`RECORD_TABLE`], [`LEASE_TABLE`])
/// declared [external](orm_core::schema::Schema::external_table), so that a diff or a sync
/// of the keyspace leaves them alone. The command-line tool does this itself; a program
/// that syncs the same keyspace with `Schema::sync` calls it too.
///
/// # Example
/// ```
/// use orm_core::schema::{Replication, Schema};
///
/// let schema = orm_migrate::with_migration_tables(Schema::new("app", Replication::Simple(1)));
/// assert!(schema.is_external("orm_migrations"));
/// assert!(schema.is_external("orm_migrations_lease"));
/// ```
pub fn with_migration_tables(schema: orm_core::schema::Schema) -> orm_core::schema::Schema {
    schema
        .external_table(RECORD_TABLE)
        .external_table(LEASE_TABLE)
}

/// How far a recorded migration got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Every statement ran (or it was resolved by hand).
    Applied,
    /// A statement failed; the record names it.
    Failed,
    /// Begun and not finished: its migrator stopped (crashed) midway.
    Running,
    /// Its down migration failed; the record names the statement.
    DownFailed,
}

impl Outcome {
    fn as_str(self) -> &'static str {
        match self {
            Outcome::Applied => "applied",
            Outcome::Failed => "failed",
            Outcome::Running => "running",
            Outcome::DownFailed => "down_failed",
        }
    }

    fn parse(text: &str) -> Option<Outcome> {
        [
            Outcome::Applied,
            Outcome::Failed,
            Outcome::Running,
            Outcome::DownFailed,
        ]
        .into_iter()
        .find(|outcome| outcome.as_str() == text)
    }
}

/// One row of the record table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The migration's version (the key).
    pub version: i64,
    /// Its name when it ran.
    pub name: String,
    /// The checksum of its up statements when it ran.
    pub checksum: String,
    /// How far it got.
    pub outcome: Outcome,
    /// How many statements of its up file ran (those before the failed one).
    pub statements_done: i32,
    /// The checksum of those statements, to check they are unchanged when the run resumes.
    pub done_checksum: String,
    /// The failed statement's 0-based index, for a `.cql` migration.
    pub failed_statement: Option<i32>,
    /// The failed statement's CQL.
    pub failed_cql: Option<String>,
    /// The server's (or the Rust function's) error.
    pub error: Option<String>,
    /// When it was applied (or last written), in milliseconds since the Unix epoch.
    pub at: CqlTimestamp,
    /// The migrator that wrote it (`pid@host`).
    pub by: String,
}

fn table(keyspace: &str, table: &str) -> String {
    format!("\"{keyspace}\".\"{table}\"")
}

/// Whether the keyspace exists.
pub(crate) async fn keyspace_exists(db: &Db, keyspace: &str) -> Result<bool> {
    let result = db
        .query_unpaged(
            "SELECT keyspace_name FROM system_schema.keyspaces WHERE keyspace_name = ?",
            (keyspace,),
        )
        .await?;
    Ok(rows(result)?.next().is_some())
}

/// Creates the record and lease tables if they do not exist.
pub(crate) async fn create_tables(db: &Db, keyspace: &str) -> Result<()> {
    let records = format!(
        "CREATE TABLE IF NOT EXISTS {} (version bigint PRIMARY KEY, name text, checksum text, \
         outcome text, statements_done int, done_checksum text, failed_statement int, \
         failed_cql text, error text, applied_at timestamp, applied_by text)",
        table(keyspace, RECORD_TABLE)
    );
    let lease = format!(
        "CREATE TABLE IF NOT EXISTS {} (name text PRIMARY KEY, owner text, since timestamp)",
        table(keyspace, LEASE_TABLE)
    );
    for cql in [records, lease] {
        db.query_unpaged(cql, ()).await?;
        db.session()
            .await_schema_agreement()
            .await
            .map_err(|e| MigrateError::Blocked(format!("no schema agreement: {e}")))?;
    }
    Ok(())
}

/// Whether `keyspace` has `table`.
pub(crate) async fn table_exists(db: &Db, keyspace: &str, table: &str) -> Result<bool> {
    let exists = db
        .query_unpaged(
            "SELECT table_name FROM system_schema.tables WHERE keyspace_name = ? AND table_name = ?",
            (keyspace, table),
        )
        .await?;
    Ok(rows(exists)?.next().is_some())
}

/// Every record, by version; none when the record table does not exist yet.
pub(crate) async fn read_all(db: &Db, keyspace: &str) -> Result<Vec<Record>> {
    if !table_exists(db, keyspace, RECORD_TABLE).await? {
        return Ok(Vec::new());
    }
    let cql = format!(
        "SELECT version, name, checksum, outcome, statements_done, done_checksum, \
         failed_statement, failed_cql, error, applied_at, applied_by FROM {}",
        table(keyspace, RECORD_TABLE)
    );
    let result = db.query_unpaged(cql.clone(), ()).await?;
    let rows = result
        .into_rows_result()
        .map_err(|e| MigrateError::Blocked(format!("reading {RECORD_TABLE}: {e}")))?;
    type Columns = (
        i64,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<i32>,
        Option<String>,
        Option<i32>,
        Option<String>,
        Option<String>,
        Option<CqlTimestamp>,
        Option<String>,
    );
    let mut records = Vec::new();
    for row in rows
        .rows::<Columns>()
        .map_err(|e| MigrateError::Blocked(format!("reading {RECORD_TABLE}: {e}")))?
    {
        let (version, name, checksum, outcome, done, done_checksum, failed, cql, error, at, by) =
            row.map_err(|e| MigrateError::Blocked(format!("reading {RECORD_TABLE}: {e}")))?;
        let outcome = outcome.as_deref().and_then(Outcome::parse).ok_or_else(|| {
            MigrateError::Blocked(format!(
                "the record of migration {version} in {RECORD_TABLE} has no known outcome"
            ))
        })?;
        records.push(Record {
            version,
            name: name.unwrap_or_default(),
            checksum: checksum.unwrap_or_default(),
            outcome,
            statements_done: done.unwrap_or(0),
            done_checksum: done_checksum.unwrap_or_default(),
            failed_statement: failed,
            failed_cql: cql,
            error,
            at: at.unwrap_or(CqlTimestamp(0)),
            by: by.unwrap_or_default(),
        });
    }
    records.sort_by_key(|record| record.version);
    Ok(records)
}

/// Writes (or overwrites) a record.
pub(crate) async fn write(db: &Db, keyspace: &str, record: &Record) -> Result<()> {
    let cql = format!(
        "INSERT INTO {} (version, name, checksum, outcome, statements_done, done_checksum, \
         failed_statement, failed_cql, error, applied_at, applied_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        table(keyspace, RECORD_TABLE)
    );
    db.query_unpaged(
        cql,
        (
            record.version,
            &record.name,
            &record.checksum,
            record.outcome.as_str(),
            record.statements_done,
            &record.done_checksum,
            record.failed_statement,
            &record.failed_cql,
            &record.error,
            record.at,
            &record.by,
        ),
    )
    .await?;
    Ok(())
}

/// Deletes a record (its migration was reverted).
pub(crate) async fn delete(db: &Db, keyspace: &str, version: i64) -> Result<()> {
    let cql = format!(
        "DELETE FROM {} WHERE version = ?",
        table(keyspace, RECORD_TABLE)
    );
    db.query_unpaged(cql, (version,)).await?;
    Ok(())
}

/// The rows of a result, untyped.
pub(crate) fn rows(
    result: scylla::response::query_result::QueryResult,
) -> Result<std::vec::IntoIter<Row>> {
    let rows = result
        .into_rows_result()
        .map_err(MigrateError::unexpected_response)?;
    let rows: Vec<Row> = rows
        .rows::<Row>()
        .map_err(MigrateError::unexpected_response)?
        .collect::<std::result::Result<_, _>>()
        .map_err(MigrateError::unexpected_response)?;
    Ok(rows.into_iter())
}

/// Now, in milliseconds since the Unix epoch.
pub(crate) fn now() -> CqlTimestamp {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64);
    CqlTimestamp(ms)
}
