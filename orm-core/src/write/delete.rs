//! `DELETE`: a row, a clustering range, or a partition.

use std::future::Future;
use std::marker::PhantomData;

use derive_where::derive_where;
use futures::future::Either;

use scylla::serialize::row::SerializeRow;
use scylla::serialize::value::SerializeValue;

use crate::condition::{Condition, Operator, Target};
use crate::cql::{Action, Cond, Guard, ShapeKey, Statement};
use crate::cql_type::CqlTyped;
use crate::db::{Cql, Db};
use crate::error::Result;
use crate::explain::{Explain, StatementCount};
use crate::hooks::Rejection;
use crate::meta::KeyRole;
use crate::model::Model;
use crate::options::{StatementOptions, UNSET};
use crate::query::validate::{self, Clause};
use crate::query::{AccessPath, QueryError};
use crate::statement::StaticStatement;
use crate::write::keyed::{self, KeyedWrite, OwnedValues};
use crate::write::update::check_guard;
use crate::write::using::Using;
use crate::write::{
    BatchItem, Conditional, IntoBatchItem, LwtOutcome, Unconditional, hook_verdict,
};

/// A delete by conditions on the primary key. Built with [`Model::delete_query`]; see also
/// [`Model::delete`], [`Model::delete_by_key`] and [`Model::delete_partition`].
///
/// The whole partition key must be restricted (by `=` or `IN`): a delete never scans.
/// Clustering columns may be restricted by ranges, to delete a slice of a partition.
///
/// # Example
/// ```
/// use orm_core::Model;
///
/// #[derive(Model)]
/// struct Event {
///     #[orm(partition_key)]
///     day: String,
///     #[orm(clustering_key)]
///     at: i64,
///     what: String,
/// }
///
/// let older = Event::delete_query()
///     .filter(Event::DAY.eq("2026-11-26"))
///     .filter(Event::AT.lt(1_000));
/// assert_eq!(older.cql().unwrap(), r#"DELETE FROM "event" WHERE "day" = ? AND "at" < ?"#);
///
/// let scan = Event::delete_query().filter(Event::AT.lt(1_000));
/// assert_eq!(
///     scan.cql().unwrap_err().to_string(),
///     "Event: a DELETE must restrict the whole partition key (day) with `=` or `IN`"
/// );
/// ```
#[must_use = "a write does nothing until it is executed: call `execute` with a `Db`"]
#[derive_where(Debug)]
pub struct Delete<M, K = Unconditional> {
    conditions: Vec<Condition<M>>,
    checks: Vec<Condition<M>>,
    if_exists: bool,
    using: Using,
    options: StatementOptions,
    error: Option<QueryError>,
    #[derive_where(skip)]
    _kind: PhantomData<fn() -> K>,
}

impl<M: Model> Delete<M> {
    pub(crate) fn new(conditions: Vec<Condition<M>>) -> Self {
        Delete {
            conditions,
            checks: Vec::new(),
            if_exists: false,
            using: Using::default(),
            options: StatementOptions::default(),
            error: None,
            _kind: PhantomData,
        }
    }
}

impl<M: Model, K> Delete<M, K> {
    /// Adds a condition on a primary-key column.
    pub fn filter(self, condition: Condition<M>) -> Self {
        self.push_where(Ok(condition))
    }

    /// Adds a condition by column name and operator text; see [`Select::where_`](crate::Select::where_).
    pub fn where_<V>(self, column: &str, operator: &str, value: V) -> Self
    where
        V: CqlTyped + SerializeValue + Send + Sync + 'static,
    {
        self.push_where(crate::query::condition_by_name(
            M::TABLE,
            column,
            operator,
            value,
        ))
    }

    fn push_where(mut self, condition: Result<Condition<M>, QueryError>) -> Self {
        let (conditions, error) = (&mut self.conditions, &mut self.error);
        validate::push_condition(M::TABLE, Clause::Where, conditions, error, condition);
        self
    }

    /// The delete's timestamp in microseconds since the epoch (`USING TIMESTAMP`): it only
    /// removes data written before it.
    pub fn timestamp(mut self, micros: i64) -> Self {
        self.using.timestamp = Some(micros);
        self
    }

    fn conditional(self) -> Delete<M, Conditional> {
        Delete {
            conditions: self.conditions,
            checks: self.checks,
            if_exists: self.if_exists,
            using: self.using,
            options: self.options,
            error: self.error,
            _kind: PhantomData,
        }
    }

    /// Deletes only if `condition` holds on the current row (`IF ...`).
    pub fn if_(self, condition: Condition<M>) -> Delete<M, Conditional> {
        let mut delete = self.conditional();
        let (checks, error) = (&mut delete.checks, &mut delete.error);
        validate::push_condition(M::TABLE, Clause::If, checks, error, Ok(condition));
        delete
    }

    /// Deletes only if the row exists (`IF EXISTS`).
    pub fn if_exists(self) -> Delete<M, Conditional> {
        let mut delete = self.conditional();
        delete.if_exists = true;
        delete
    }

    /// The conditions selecting what is deleted.
    pub fn conditions(&self) -> &[Condition<M>] {
        &self.conditions
    }

    /// The CQL this delete runs.
    pub fn cql(&self) -> Result<String, QueryError> {
        Ok(self.statement()?.render())
    }

    /// The statement's shape, or why the server would refuse it.
    fn statement(&self) -> Result<Statement, QueryError> {
        if let Some(error) = &self.error {
            return Err(error.clone());
        }
        self.check_key()?;
        check_guard::<M>(self.if_exists, &self.checks, self.using)?;
        Ok(Statement {
            using: self.using.shape(),
            conditions: Cond::all(&self.conditions),
            guard: Guard::of(self.if_exists, &self.checks),
            ..Statement::new(M::TABLE, Action::Delete)
        })
    }

    /// The statement [`execute`](Delete::execute) sends: rendered once per shape, and
    /// checked once per shape (by its key; see [`crate::cql::fixed_by_key`]).
    fn fixed(&self) -> Result<&'static StaticStatement, QueryError> {
        if let Some(error) = &self.error {
            return Err(error.clone());
        }
        crate::cql::fixed_by_key(&self.shape_key(), &M::__statements().deletes, || {
            self.statement()
        })
    }

    /// This delete's shape as a key: everything [`statement`](Self::statement) checks
    /// and describes, no values.
    fn shape_key(&self) -> ShapeKey {
        let header = 2
            | usize::from(self.using.timestamp.is_some()) << 4
            | usize::from(self.if_exists) << 5
            | (self.conditions.len() & 0xff) << 16
            | (self.checks.len() & 0xff) << 24;
        let mut key = ShapeKey::new(header, M::TABLE);
        for condition in self.conditions.iter().chain(&self.checks) {
            key.condition(condition);
        }
        key
    }

    /// What [`execute`](Delete::execute) will send, without contacting the server; see
    /// [`crate::explain`].
    pub fn explain(&self) -> Result<Explain, QueryError> {
        let cql = self.fixed()?.cql().to_owned();
        // The whole partition key is restricted (checked by `cql`): one partition or, with
        // `IN`, a few.
        let path = crate::query::access_path(M::TABLE, &self.conditions)
            .unwrap_or(AccessPath::SinglePartition);
        Ok(Explain::single(
            cql,
            Some(path),
            StatementCount::One,
            &self.options,
        ))
    }

    /// Only primary-key columns, and the whole partition key by `=` or `IN`.
    fn check_key(&self) -> Result<(), QueryError> {
        let table = M::TABLE;
        for condition in &self.conditions {
            let column = match condition.target {
                Target::Column(name) => table.column(name),
                // Validated on `filter`: consecutive clustering columns.
                Target::Tuple(columns) => columns.names().first().and_then(|n| table.column(n)),
                Target::Token => None,
            };
            let on_key = column.is_some_and(|c| {
                matches!(c.role, KeyRole::PartitionKey | KeyRole::ClusteringKey(_))
            });
            if !on_key {
                return Err(QueryError::DeleteCondition {
                    model: table.model,
                    column: condition.column_name().unwrap_or("token(...)"),
                });
            }
        }
        let whole_partition = table.partition_key().all(|column| {
            self.conditions.iter().any(|c| {
                c.target == Target::Column(column.name)
                    && matches!(c.operator, Operator::Eq | Operator::In)
            })
        });
        if whole_partition {
            crate::query::check_delete(table, &self.conditions)
        } else {
            Err(QueryError::DeleteNeedsPartition {
                model: table.model,
                partition_key: table
                    .partition_key()
                    .map(|c| c.name)
                    .collect::<Vec<_>>()
                    .join(", "),
            })
        }
    }

    fn values(&self) -> impl Iterator<Item = &(dyn SerializeValue + Send + Sync)> {
        let conditions = self.conditions.iter().chain(&self.checks);
        self.using
            .values()
            .chain(conditions.map(|c| c.value.as_ref()))
    }
}

impl<M: Model> Delete<M, Unconditional> {
    /// Runs the delete.
    pub fn execute(self, db: &Db) -> impl Future<Output = Result<()>> + Send {
        keyed::run(self, db)
    }
}

impl<M: Model> Delete<M, Conditional> {
    /// Adds another condition (`AND`).
    pub fn and_if(self, condition: Condition<M>) -> Self {
        self.if_(condition)
    }

    /// Runs the delete; tells whether it applied.
    pub fn execute(self, db: &Db) -> impl Future<Output = Result<LwtOutcome>> + Send {
        keyed::run_conditional(self, db)
    }
}

impl<M: Model, K> KeyedWrite for Delete<M, K> {
    type Model = M;
    const OPERATION: &'static str = "delete";
    const CONDITIONAL: &'static str = "conditional delete";
    const STATEMENT: &'static str = "DELETE";

    fn statement(&self) -> Result<&'static StaticStatement, QueryError> {
        self.fixed()
    }

    fn values(&self) -> impl Iterator<Item = &(dyn SerializeValue + Send + Sync)> {
        Delete::values(self)
    }

    fn primary_key(&self) -> Option<impl SerializeRow + Send + '_> {
        None::<()>
    }

    fn after_key(&self) -> impl Iterator<Item = &(dyn SerializeValue + Send + Sync)> {
        std::iter::empty()
    }

    fn options(&self) -> &StatementOptions {
        &self.options
    }

    fn before(&self) -> Result<(), Rejection> {
        M::before_delete(self)
    }

    fn after(&self) {
        M::after_delete(self);
    }
}

crate::options::configure_by_options_field!(impl[M, K] Delete<M, K>);

impl<'a, M: Model> IntoBatchItem<'a> for Delete<M, Unconditional> {
    fn into_batch_item(self) -> Result<BatchItem<'a>> {
        let statement = self.fixed()?;
        hook_verdict(M::TABLE, "delete", M::before_delete(&self))?;
        let path = crate::query::access_path(M::TABLE, &self.conditions)
            .unwrap_or(AccessPath::SinglePartition);
        Ok(BatchItem::new(statement, Box::new(OwnedValues(self))).at(path))
    }
}

/// [`Model::delete_by_key`]: a model without hooks of its own binds the key as it is (no
/// conditions built, no shape looked up); otherwise a [`Delete`] runs, for the hooks to read.
pub(crate) fn delete_by_key<M: Model>(
    db: &Db,
    key: &M::PrimaryKey,
) -> impl Future<Output = Result<()>> + Send {
    if !M::__DEFAULT_HOOKS {
        return Either::Right(Delete::new(M::__primary_key_conditions(key)).execute(db));
    }
    let statement = *M::__statements()
        .delete
        .get_or_init(|| crate::cql::fixed(Statement::delete_by_primary_key(M::TABLE)));
    let sent = async move {
        db.execute_write(Cql::Static(statement), M::__primary_key_values(key), &UNSET)
            .await
    };
    Either::Left(crate::trace::write(
        db,
        M::TABLE,
        "delete",
        "DELETE",
        None,
        sent,
    ))
}
