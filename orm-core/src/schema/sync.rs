//! Running a plan's safe steps against the server.

use std::time::Duration;

use crate::db::Db;
use crate::error::{Error, Result};

use super::app::Schema;
use super::live::LiveKeyspace;
use super::plan::Plan;

/// How [`Schema::sync_with`] runs.
///
/// # Example
/// ```
/// use std::time::Duration;
/// use orm_core::schema::SyncOptions;
///
/// let options = SyncOptions::default().safe_only(true).agreement_timeout(Duration::from_secs(30));
/// assert!(options.safe_only);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyncOptions {
    /// Run the safe steps even when the plan refuses some changes (default: refuse to run
    /// anything then).
    pub safe_only: bool,
    /// How long to wait for every node to agree on the schema after each statement
    /// (default: 60 s).
    pub agreement_timeout: Duration,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            safe_only: false,
            agreement_timeout: Duration::from_secs(60),
        }
    }
}

impl SyncOptions {
    /// Sets [`safe_only`](SyncOptions::safe_only).
    pub fn safe_only(mut self, safe_only: bool) -> Self {
        self.safe_only = safe_only;
        self
    }

    /// Sets [`agreement_timeout`](SyncOptions::agreement_timeout).
    pub fn agreement_timeout(mut self, timeout: Duration) -> Self {
        self.agreement_timeout = timeout;
        self
    }
}

impl Schema {
    /// Reads the keyspace from the server and plans the changes that bring it to this
    /// schema. Runs nothing: print the plan for a dry run.
    ///
    /// # Example
    /// ```no_run
    /// # async fn run(db: &orm_core::Db) -> orm_core::Result<()> {
    /// use orm_core::Model;
    /// use orm_core::schema::{Replication, Schema};
    ///
    /// #[derive(Model)]
    /// struct User {
    ///     #[orm(partition_key)]
    ///     id: i64,
    /// }
    ///
    /// let plan = Schema::new("app", Replication::Simple(1)).model::<User>().diff(db).await?;
    /// print!("{plan}");
    /// # Ok(())
    /// # }
    /// ```
    pub async fn diff(&self, db: &Db) -> Result<Plan> {
        super::checked_keyspace(self.keyspace())?;
        self.replication().check()?;
        let live = LiveKeyspace::read(db, self.keyspace()).await?;
        Ok(self.plan(live.as_ref()))
    }

    /// Brings the keyspace to this schema: [`sync_with`](Schema::sync_with) with the
    /// default options, so nothing runs if any change is refused.
    ///
    /// # Example
    /// ```no_run
    /// # async fn run(db: &orm_core::Db) -> orm_core::Result<()> {
    /// use orm_core::Model;
    /// use orm_core::schema::{Replication, Schema};
    ///
    /// #[derive(Model)]
    /// struct User {
    ///     #[orm(partition_key)]
    ///     id: i64,
    /// }
    ///
    /// let applied = Schema::new("app", Replication::Simple(1)).model::<User>().sync(db).await?;
    /// println!("ran {} statements", applied.steps.len());
    /// # Ok(())
    /// # }
    /// ```
    pub async fn sync(&self, db: &Db) -> Result<Plan> {
        self.sync_with(db, SyncOptions::default()).await
    }

    /// Diffs, then runs the plan's safe steps in order (keyspace, types, tables, indexes),
    /// waiting after each statement until every node agrees on the schema. Returns the plan
    /// it ran.
    ///
    /// # Errors
    /// - [`Error::SchemaRefused`] when the plan refuses changes and `options.safe_only` is
    ///   off: nothing was run;
    /// - [`Error::SchemaAgreement`] when the nodes do not agree within
    ///   `options.agreement_timeout` (the statement it names ran; later ones did not);
    /// - the statement's error when the server rejects one (earlier ones ran: each is
    ///   `IF NOT EXISTS` or an `ADD`, so running `sync` again resumes).
    pub async fn sync_with(&self, db: &Db, options: SyncOptions) -> Result<Plan> {
        let plan = self.diff(db).await?;
        if !plan.refused.is_empty() && !options.safe_only {
            return Err(Error::SchemaRefused {
                keyspace: plan.keyspace,
                refused: plan.refused,
            });
        }
        for step in &plan.steps {
            tracing::info!(cql = %step.cql, "schema sync");
            db.query_unpaged(step.cql.clone(), ()).await?;
            await_agreement(db, &step.cql, options.agreement_timeout).await?;
        }
        Ok(plan)
    }
}

/// Waits until every node reports the same schema version, for at most `timeout`.
async fn await_agreement(db: &Db, cql: &str, timeout: Duration) -> Result<()> {
    let failed = |reason: String| Error::SchemaAgreement {
        cql: cql.to_owned(),
        after: timeout,
        reason,
    };
    match tokio::time::timeout(timeout, db.session().await_schema_agreement()).await {
        Ok(Ok(_version)) => Ok(()),
        Ok(Err(error)) => Err(failed(error.to_string())),
        Err(_elapsed) => Err(failed(
            "the nodes still report different schema versions".into(),
        )),
    }
}
