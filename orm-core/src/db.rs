//! The database handle: a driver session plus this ORM's prepared-statement table.

use std::borrow::Cow;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock};

use scylla::client::session::Session;
use scylla::client::session_builder::SessionBuilder;
use scylla::response::query_result::QueryResult;
use scylla::serialize::row::SerializeRow;
use scylla::statement::prepared::PreparedStatement;

use crate::error::{Error, Result};
use crate::statement::StaticStatement;

/// A handle to the database: cheap to clone, shared by every task of a program.
///
/// Statements are prepared on first use and kept per `Db`, so each statement shape is
/// prepared once per session.
///
/// # Example
/// ```no_run
/// # async fn run() -> orm_core::Result<()> {
/// let db = orm_core::Db::connect("127.0.0.1:9042").await?;
/// db.use_keyspace("blog").await?;
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Db {
    inner: Arc<Inner>,
}

struct Inner {
    session: Session,
    /// Prepared statements of [`StaticStatement`]s, indexed by their slot.
    prepared: RwLock<Vec<Option<Arc<PreparedStatement>>>>,
    executed: AtomicU64,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db")
            .field("keyspace", &self.inner.session.get_keyspace())
            .field("statements_executed", &self.statements_executed())
            .finish_non_exhaustive()
    }
}

impl Db {
    /// Opens a session to the node at `uri` (`host:port`).
    pub async fn connect(uri: &str) -> Result<Db> {
        let session = SessionBuilder::new()
            .known_node(uri)
            .build()
            .await
            .map_err(|source| Error::Connect {
                uri: uri.to_owned(),
                source: Box::new(source),
            })?;
        Ok(Db::from_session(session))
    }

    /// Wraps a session built with the driver's own [`SessionBuilder`], for full control
    /// over its configuration.
    pub fn from_session(session: Session) -> Db {
        Db {
            inner: Arc::new(Inner {
                session,
                prepared: RwLock::new(Vec::new()),
                executed: AtomicU64::new(0),
            }),
        }
    }

    /// The driver session underneath, for anything the ORM does not cover.
    pub fn session(&self) -> &Session {
        &self.inner.session
    }

    /// Makes `keyspace` the default for unqualified table names.
    ///
    /// Statements prepared so far are forgotten, since the server resolved their table
    /// names in the previous keyspace.
    pub async fn use_keyspace(&self, keyspace: &str) -> Result<()> {
        self.inner
            .session
            .use_keyspace(keyspace, true)
            .await
            .map_err(|source| Error::UseKeyspace {
                keyspace: keyspace.to_owned(),
                source: Box::new(source),
            })?;
        self.prepared_table().clear();
        Ok(())
    }

    /// How many statements this handle (and its clones) has sent to the server.
    ///
    /// Useful to check that an operation costs the round trips it promises.
    pub fn statements_executed(&self) -> u64 {
        self.inner.executed.load(Ordering::Relaxed)
    }

    /// Runs unprepared CQL, such as schema changes, with bound `values`.
    pub async fn query_unpaged(
        &self,
        cql: impl Into<Cow<'static, str>>,
        values: impl SerializeRow,
    ) -> Result<QueryResult> {
        let cql = cql.into();
        self.count_statement();
        tracing::debug!(cql = %cql, "query (unprepared)");
        self.inner
            .session
            .query_unpaged(cql.as_ref(), values)
            .await
            .map_err(|source| Error::Execute {
                cql,
                source: Box::new(source),
            })
    }

    /// Executes a fixed-shape statement with `values`, preparing it on first use.
    pub async fn execute_static(
        &self,
        statement: &'static StaticStatement,
        values: impl SerializeRow,
    ) -> Result<QueryResult> {
        let prepared = self.prepared(statement).await?;
        self.count_statement();
        self.inner
            .session
            .execute_unpaged(&prepared, values)
            .await
            .map_err(|source| Error::Execute {
                cql: Cow::Borrowed(statement.cql()),
                source: Box::new(source),
            })
    }

    /// The prepared form of `statement` for this session, preparing it if needed.
    ///
    /// Two tasks racing on the very first use may both prepare; the server treats that
    /// as one statement and the table keeps one of them.
    pub async fn prepared(
        &self,
        statement: &'static StaticStatement,
    ) -> Result<Arc<PreparedStatement>> {
        let slot = statement.slot();
        if let Some(Some(prepared)) = self.prepared_table_read().get(slot) {
            return Ok(Arc::clone(prepared));
        }
        let cql = statement.cql();
        tracing::debug!(cql, "preparing");
        let prepared =
            Arc::new(
                self.inner
                    .session
                    .prepare(cql)
                    .await
                    .map_err(|source| Error::Prepare {
                        cql: Cow::Borrowed(cql),
                        source: Box::new(source),
                    })?,
            );
        let mut table = self.prepared_table();
        if table.len() <= slot {
            table.resize(slot + 1, None);
        }
        table[slot] = Some(Arc::clone(&prepared));
        Ok(prepared)
    }

    fn count_statement(&self) {
        self.inner.executed.fetch_add(1, Ordering::Relaxed);
    }

    fn prepared_table_read(
        &self,
    ) -> std::sync::RwLockReadGuard<'_, Vec<Option<Arc<PreparedStatement>>>> {
        // A panic while holding the lock cannot leave the table half-written: every
        // write is a single assignment, so a poisoned lock is still consistent.
        self.inner
            .prepared
            .read()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn prepared_table(
        &self,
    ) -> std::sync::RwLockWriteGuard<'_, Vec<Option<Arc<PreparedStatement>>>> {
        self.inner
            .prepared
            .write()
            .unwrap_or_else(PoisonError::into_inner)
    }
}
