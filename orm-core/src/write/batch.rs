//! Batches built from the ORM's own write statements.

use scylla::serialize::row::SerializeRow;
use scylla::statement::batch::BatchType;
use tracing::Instrument;

use crate::db::Db;
use crate::error::{Error, Result};
use crate::explain::{Explain, PlannedStatement, StatementCount};
use crate::options::StatementOptions;
use crate::query::AccessPath;
use crate::statement::StaticStatement;
use crate::trace::Operation;

/// One statement of a batch: its CQL and bound values.
pub struct BatchItem<'a> {
    /// A fixed shape, prepared once per session and found by slot.
    pub(crate) statement: &'static StaticStatement,
    pub(crate) values: Box<dyn SerializeRow + Send + Sync + 'a>,
    /// How the server finds the rows it writes, for [`Batch::explain`] (`None`: an insert).
    pub(crate) access_path: Option<AccessPath>,
}

impl std::fmt::Debug for BatchItem<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BatchItem")
            .field("cql", &self.statement.cql())
            .finish_non_exhaustive()
    }
}

impl<'a> BatchItem<'a> {
    pub(crate) fn new(
        statement: &'static StaticStatement,
        values: Box<dyn SerializeRow + Send + Sync + 'a>,
    ) -> Self {
        BatchItem {
            statement,
            values,
            access_path: None,
        }
    }

    /// This item, reaching its rows by `path`.
    pub(crate) fn at(mut self, path: AccessPath) -> Self {
        self.access_path = Some(path);
        self
    }

    /// The statement's CQL.
    pub fn cql(&self) -> &str {
        self.statement.cql()
    }
}

/// A write that can join a [`Batch`]: inserts, updates and deletes (not conditional ones).
/// Its `before_*` hook runs when it joins; `after_*` hooks do not run for batched writes.
pub trait IntoBatchItem<'a> {
    /// The statement and its values, or why it cannot be written.
    fn into_batch_item(self) -> Result<BatchItem<'a>>;
}

/// Several writes sent as one CQL batch.
///
/// A `LOGGED` batch is atomic (all or none eventually apply) at the cost of a batch-log
/// write; use it where writes must agree, such as the two directions of a denormalised
/// relation. An `UNLOGGED` batch is not a way to speed up independent writes: spread over
/// partitions, it makes one coordinator do all the work. Counter updates go in a
/// `COUNTER` batch.
///
/// # Example
/// ```no_run
/// use orm_core::{Db, Model, write::Batch};
///
/// #[derive(Model)]
/// struct Follow {
///     #[orm(partition_key)]
///     user: i64,
///     #[orm(clustering_key)]
///     other: i64,
/// }
///
/// # async fn run(db: &Db) -> orm_core::Result<()> {
/// let (a, b) = (Follow { user: 1, other: 2 }, Follow { user: 2, other: 1 });
/// Batch::logged().push(a.insert_query()).push(b.insert_query()).execute(db).await?;
/// # Ok(())
/// # }
/// ```
#[must_use = "a write does nothing until it is executed: call `execute` with a `Db`"]
#[derive(Debug)]
pub struct Batch<'a> {
    kind: BatchType,
    items: Vec<BatchItem<'a>>,
    options: StatementOptions,
    error: Option<Error>,
}

impl<'a> Batch<'a> {
    fn new(kind: BatchType) -> Self {
        Batch {
            kind,
            items: Vec::new(),
            options: StatementOptions::default(),
            error: None,
        }
    }

    /// A `LOGGED` batch (atomic).
    pub fn logged() -> Self {
        Batch::new(BatchType::Logged)
    }

    /// An `UNLOGGED` batch.
    pub fn unlogged() -> Self {
        Batch::new(BatchType::Unlogged)
    }

    /// A `COUNTER` batch, for counter updates only.
    pub fn counter() -> Self {
        Batch::new(BatchType::Counter)
    }

    /// Adds a write. A write that cannot be built makes the batch fail when executed.
    pub fn push(mut self, write: impl IntoBatchItem<'a>) -> Self {
        match write.into_batch_item() {
            Ok(item) => self.items.push(item),
            Err(error) => {
                self.error.get_or_insert(error);
            }
        }
        self
    }

    /// The statements so far.
    pub fn items(&self) -> &[BatchItem<'a>] {
        &self.items
    }

    /// What [`execute`](Self::execute) will send, without contacting the server: every
    /// statement in one request (nothing for an empty batch); see [`crate::explain`].
    ///
    /// # Errors
    /// The first write that could not be built, as [`execute`](Self::execute) returns it.
    pub fn explain(&self) -> std::result::Result<Explain, &Error> {
        if let Some(error) = &self.error {
            return Err(error);
        }
        let statements = self
            .items
            .iter()
            .map(|item| {
                PlannedStatement::new(
                    item.cql().to_owned(),
                    item.access_path,
                    StatementCount::InBatch,
                    &self.options,
                )
            })
            .collect();
        Ok(Explain::of(statements, &self.options))
    }

    /// Sends the batch in one request; an empty batch sends nothing.
    pub async fn execute(self, db: &Db) -> Result<()> {
        if let Some(error) = self.error {
            return Err(error);
        }
        if self.items.is_empty() {
            return Ok(());
        }
        let traced = Operation::on(db, "", "", "batch", "BATCH", &self.options)
            .explained(|| self.explain().ok());
        let result = db
            .execute_batch(self.kind, &self.items, &self.options)
            .instrument(traced.span().clone())
            .await;
        traced.finish(&result, |_| None, |_| Some(1));
        result
    }
}

crate::options::configure_by_options_field!(impl[] Batch<'_>);
