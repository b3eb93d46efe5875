//! What can go wrong when migrating, each saying what to do next.

use std::path::PathBuf;

/// An error of a migration run. [`MigrateError::is_refusal`] tells a refusal (the tool
/// would not run something, and ran nothing) from a failure.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MigrateError {
    /// A call to the ORM (connecting, a query, a schema sync) failed.
    #[error(transparent)]
    Orm(#[from] orm_core::Error),
    /// The migrations folder (or a file in it) could not be read.
    #[error("cannot read {}", path.display())]
    Io {
        /// The folder or file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A migration is badly named, defined twice or cannot be split into statements.
    #[error("bad migration: {0}")]
    BadInput(String),
    /// The keyspace does not exist on the server.
    #[error(
        "keyspace {0} does not exist: create it first (the `sync` command creates it with the schema's tables)"
    )]
    MissingKeyspace(String),
    /// Applied migrations whose source changed since: nothing was run.
    #[error(
        "{} applied migration(s) changed since they were applied (a migration is never run twice; undo the edit, or put the change in a new migration): {}",
        .0.len(),
        .0.join("; ")
    )]
    ChecksumMismatch(Vec<String>),
    /// The records say something must be settled by hand before this command runs.
    #[error("{0}")]
    Blocked(String),
    /// A migration failed; its record says which statement and why.
    #[error("{0}")]
    Failed(Box<Failure>),
    /// Another migrator holds the lease and kept it for longer than this one waits.
    #[error(
        "another migrator ({owner}) holds the migration lease of keyspace {keyspace}; waited {waited:?}"
    )]
    LeaseBusy {
        /// The keyspace.
        keyspace: String,
        /// Who holds it.
        owner: String,
        /// How long this migrator waited.
        waited: std::time::Duration,
    },
    /// This migrator could not renew its lease (it expired, or another took it): it stopped
    /// before its next statement.
    #[error(
        "the migration lease of keyspace {0} was lost (not renewed in time); the run stopped, run it again"
    )]
    LeaseLost(String),
}

impl MigrateError {
    /// Whether the tool refused to run something (and ran nothing), rather than failed.
    ///
    /// # Example
    /// ```
    /// use orm_migrate::MigrateError;
    ///
    /// assert!(MigrateError::ChecksumMismatch(vec!["0001 init".into()]).is_refusal());
    /// assert!(!MigrateError::MissingKeyspace("app".into()).is_refusal());
    /// ```
    pub fn is_refusal(&self) -> bool {
        matches!(
            self,
            MigrateError::ChecksumMismatch(_)
                | MigrateError::Blocked(_)
                | MigrateError::Orm(orm_core::Error::SchemaRefused { .. })
        )
    }

    /// A response from the server that could not be read as the tool expects (`error`
    /// says why).
    pub(crate) fn unexpected_response(error: impl std::fmt::Display) -> Self {
        MigrateError::Blocked(format!("unexpected response: {error}"))
    }
}

/// A migration (or its down migration) that failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "migration {version} ({name}) failed{}: {error}; {advice}",
    statement.as_ref().map(|(index, cql)| format!(" at statement {} `{cql}`", index + 1)).unwrap_or_default()
)]
pub struct Failure {
    /// Its version.
    pub version: i64,
    /// Its name.
    pub name: String,
    /// The failed statement (0-based index and CQL), for a `.cql` migration.
    pub statement: Option<(usize, String)>,
    /// The server's (or the Rust migration's) error.
    pub error: String,
    /// What to do next.
    pub advice: String,
    /// The versions this run applied (or reverted) before the failure.
    pub done: Vec<i64>,
}

/// The result of a migration operation.
pub type Result<T, E = MigrateError> = std::result::Result<T, E>;
