//! `UPDATE`: chosen columns of one row, counters, collections, conditions.

use std::marker::PhantomData;
use std::sync::Arc;

use scylla::serialize::row::SerializeRow;
use scylla::serialize::value::SerializeValue;
use scylla::value::Counter;

use crate::column::Column;
use crate::condition::Condition;
use crate::cql::{Action, Cond, Guard, Set, ShapeKey, Statement};
use crate::cql_type::{Element, FieldType, MapKey};
use crate::db::Db;
use crate::error::Result;
use crate::explain::{Explain, StatementCount};
use crate::hooks::Rejection;
use crate::meta::{ColumnMeta, KeyRole};
use crate::model::Model;
use crate::options::StatementOptions;
use crate::query::validate::{self, Clause};
use crate::query::{AccessPath, QueryError};
use crate::row::{Null, UnsetIfNull, now};
use crate::statement::StaticStatement;
use crate::write::assignment::{Assignment, CounterValue, Removable};
use crate::write::keyed::{self, KeyedWrite, OwnedValues};
use crate::write::using::Using;
use crate::write::value::Value;
use crate::write::{
    BatchItem, Conditional, IntoBatchItem, LwtOutcome, Unconditional, hook_verdict,
};

/// An update of one row by its full primary key, built with [`Model::update`]; or of a
/// partition's static columns by its partition key, built with
/// [`Model::update_partition`].
///
/// Static columns hold one value per partition, so the server refuses a clustering key for
/// an update that assigns only static columns, and needs one for any other column: an
/// update of statics alone goes through `update_partition`, and both mistakes are refused
/// before anything is sent. An update by partition key writes the statics even where the
/// partition has no clustering row yet (as does
/// [`insert_query().statics_only()`](crate::write::Insert::statics_only)).
///
/// Only the columns assigned are written. A `None` given to [`set`](Self::set) leaves its
/// column *unset* (unchanged, no tombstone); [`set_null`](Self::set_null) clears a column.
/// A model's `#[orm(updated_at)]` column is set to the current time.
///
/// `K` is [`Unconditional`] or, after [`if_`](Self::if_) / [`if_exists`](Self::if_exists),
/// [`Conditional`]: then `execute` returns an [`LwtOutcome`].
///
/// # Example
/// ```
/// use orm_core::Model;
/// use orm_core::scylla::value::Counter;
///
/// #[derive(Model)]
/// struct Post {
///     #[orm(partition_key)]
///     id: i64,
///     title: String,
///     subtitle: Option<String>,
///     tags: Vec<String>,
/// }
///
/// let update = Post::update(&7)
///     .set(Post::TITLE, "New title")
///     .set_null(Post::SUBTITLE)
///     .add_to(Post::TAGS, vec!["rust".to_owned()])
///     .ttl(86_400);
/// assert_eq!(
///     update.cql().unwrap(),
///     r#"UPDATE "post" USING TTL ? SET "title" = ?, "subtitle" = ?, "tags" = "tags" + ? WHERE "id" = ?"#
/// );
///
/// let guarded = Post::update(&7).set(Post::TITLE, "x").if_(Post::TITLE.eq("Old title"));
/// assert!(guarded.cql().unwrap().ends_with(r#"WHERE "id" = ? IF "title" = ?"#));
/// ```
///
/// Static columns:
/// ```
/// use orm_core::Model;
///
/// #[derive(Model)]
/// struct Video {
///     #[orm(partition_key)]
///     channel: i64,
///     #[orm(clustering_key)]
///     id: i64,
///     #[orm(static)]
///     channel_name: String,
///     title: String,
/// }
///
/// let rename = Video::update_partition(&1).set(Video::CHANNEL_NAME, "Rust talks");
/// assert_eq!(
///     rename.cql().unwrap(),
///     r#"UPDATE "video" SET "channel_name" = ? WHERE "channel" = ?"#
/// );
///
/// let by_row = Video::update(&(1, 2)).set(Video::CHANNEL_NAME, "Rust talks");
/// assert_eq!(
///     by_row.cql().unwrap_err().to_string(),
///     "Video: this update assigns only static columns (channel_name), which belong to the \
///      partition, so the server refuses a clustering key for it: use \
///      `Video::update_partition(&partition_key)` (partition key: channel)"
/// );
/// ```
#[must_use = "a write does nothing until it is executed: call `execute` with a `Db`"]
pub struct Update<M: Model, K = Unconditional> {
    key: Key<M>,
    assignments: Assignments,
    conditions: Vec<Condition<M>>,
    if_exists: bool,
    using: Using,
    options: StatementOptions,
    error: Option<QueryError>,
    _kind: PhantomData<fn() -> K>,
}

impl<M: Model, K> std::fmt::Debug for Update<M, K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let key = match &self.key {
            Key::Row(key) => M::__primary_key_conditions(key),
            Key::Partition(conditions) => conditions.clone(),
        };
        f.debug_struct("Update")
            .field("scope", &self.scope())
            .field("key", &key)
            .field("assignments", &self.assignments.len())
            .field("conditions", &self.conditions)
            .field("if_exists", &self.if_exists)
            .field("options", &self.options)
            .field("error", &self.error)
            .finish_non_exhaustive()
    }
}

/// An update's `SET` items: two inline (a column and the model's `updated_at`, the usual
/// update), more on the heap.
type Assignments = smallvec::SmallVec<[Assignment; 2]>;

/// What an update's `WHERE` binds.
enum Key<M: Model> {
    /// One row's full primary key, bound as it is (as `find` binds it): no conditions
    /// built per update.
    Row(M::PrimaryKey),
    /// Conditions on one partition's key, for its static columns.
    Partition(Vec<Condition<M>>),
}

/// What an update's `WHERE` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    /// One row, by its full primary key.
    Row,
    /// One partition's static columns, by its partition key.
    Partition,
}

impl<M: Model> Update<M> {
    // `#[inline(always)]` here and on the setters: a builder (about 340 bytes) moves by
    // value through each of them; inlined into the caller, those copies go away (about
    // 110 client instructions per update, `bench/callgrind.sh update`).
    #[inline(always)]
    pub(crate) fn new(key: M::PrimaryKey) -> Self {
        Self::with_key(Key::Row(key))
    }

    /// An update of one partition's static columns; `key` restricts the partition key.
    pub(crate) fn partition(key: Vec<Condition<M>>) -> Self {
        Self::with_key(Key::Partition(key))
    }

    #[inline(always)]
    fn with_key(key: Key<M>) -> Self {
        Update {
            key,
            assignments: Assignments::new(),
            conditions: Vec::new(),
            if_exists: false,
            using: Using::default(),
            options: StatementOptions::default(),
            error: None,
            _kind: PhantomData,
        }
    }
}

impl<M: Model, K> Update<M, K> {
    fn fail(mut self, error: QueryError) -> Self {
        self.error.get_or_insert(error);
        self
    }

    /// Adds `assignment` to `column` (the column's metadata: no look-up by name).
    #[inline(always)]
    fn assign<T>(self, column: Column<M, T>, assignment: Assignment) -> Self {
        self.assign_meta(Some(column.meta()), assignment)
    }

    /// Adds the `SET` item `kind` makes of `column` and `value` (bound, never in the text).
    #[inline(always)]
    fn assign_value<T, V>(
        self,
        column: Column<M, T>,
        kind: fn(&'static str, Value) -> Assignment,
        value: V,
    ) -> Self
    where
        V: SerializeValue + Send + Sync + 'static,
    {
        self.assign(column, kind(column.name(), Value::new(value)))
    }

    #[inline(always)]
    fn assign_meta(mut self, column: Option<&'static ColumnMeta>, assignment: Assignment) -> Self {
        if column.is_some_and(|c| c.is_partition_key() || c.is_clustering_key()) {
            return self.fail(QueryError::KeyColumnAssigned {
                model: M::TABLE.model,
                column: assignment.column(),
            });
        }
        self.assignments.push(assignment);
        self
    }

    /// `column = value`; a `None` leaves the column unchanged.
    #[inline(always)]
    pub fn set<T>(self, column: Column<M, T>, value: impl Into<T>) -> Self
    where
        T: FieldType + Send + Sync + 'static,
    {
        self.assign_value(column, Assignment::Set, UnsetIfNull(value.into()))
    }

    /// `column = null`: clears an optional column (this writes a tombstone).
    pub fn set_null<T>(self, column: Column<M, Option<T>>) -> Self {
        self.assign_value(column, Assignment::Set, Null)
    }

    /// `counter = counter + by`.
    pub fn increment<T: CounterValue>(self, column: Column<M, T>, by: i64) -> Self {
        self.assign_value(column, Assignment::Add, Counter(by))
    }

    /// `counter = counter + by`, the counter named at run time (factories write counter
    /// rows this way).
    #[cfg(feature = "factory")]
    pub(crate) fn increment_column(self, column: &'static str, by: i64) -> Self {
        self.assign_meta(
            M::TABLE.column(column),
            Assignment::Add(column, Value::new(Counter(by))),
        )
    }

    /// `counter = counter - by`.
    pub fn decrement<T: CounterValue>(self, column: Column<M, T>, by: i64) -> Self {
        self.assign_value(column, Assignment::Subtract, Counter(by))
    }

    /// `column = column + items`: appends to a list, adds to a set, merges into a map.
    pub fn add_to<T>(self, column: Column<M, T>, items: impl Into<T>) -> Self
    where
        T: Element + FieldType + Send + Sync + 'static,
    {
        self.assign_value(column, Assignment::Add, items.into())
    }

    /// `column = column - items`: removes elements from a list or a set.
    pub fn remove_from<T>(self, column: Column<M, T>, items: impl Into<T>) -> Self
    where
        T: Removable + FieldType + Send + Sync + 'static,
    {
        self.assign_value(column, Assignment::Subtract, items.into())
    }

    /// `column = items + column`: prepends to a list.
    pub fn prepend<E>(self, column: Column<M, Vec<E>>, items: Vec<E>) -> Self
    where
        Vec<E>: FieldType + Send + Sync + 'static,
    {
        self.assign_value(column, Assignment::Prepend, items)
    }

    /// `column[key] = value`: sets one entry of a map.
    pub fn put<T>(self, column: Column<M, T>, key: T::Key, value: T::Item) -> Self
    where
        T: MapKey + Element,
        T::Key: FieldType + Send + Sync + 'static,
        T::Item: FieldType + Send + Sync + 'static,
    {
        self.assign(
            column,
            Assignment::Put(column.name(), Arc::new(key), Arc::new(value)),
        )
    }

    /// `column = column - keys`: removes entries from a map.
    pub fn remove_keys<T>(
        self,
        column: Column<M, T>,
        keys: impl IntoIterator<Item = T::Key>,
    ) -> Self
    where
        T: MapKey,
        T::Key: FieldType + Send + Sync + 'static,
        Vec<T::Key>: SerializeValue,
    {
        let keys: Vec<T::Key> = keys.into_iter().collect();
        self.assign_value(column, Assignment::Subtract, keys)
    }

    /// The written values expire `seconds` after the write (`USING TTL`).
    pub fn ttl(mut self, seconds: i32) -> Self {
        match crate::write::using::Using::checked_ttl(seconds) {
            Ok(ttl) => {
                self.using.ttl = Some(ttl);
                self
            }
            Err(error) => self.fail(error),
        }
    }

    /// The write's timestamp in microseconds since the epoch (`USING TIMESTAMP`).
    pub fn timestamp(mut self, micros: i64) -> Self {
        self.using.timestamp = Some(micros);
        self
    }

    fn conditional(self) -> Update<M, Conditional> {
        Update {
            key: self.key,
            assignments: self.assignments,
            conditions: self.conditions,
            if_exists: self.if_exists,
            using: self.using,
            options: self.options,
            error: self.error,
            _kind: PhantomData,
        }
    }

    /// Applies only if `condition` holds on the current row (`IF ...`; a lightweight
    /// transaction). Conditions may use `=`, `!=`, `<`, `<=`, `>`, `>=` and `IN`.
    pub fn if_(self, condition: Condition<M>) -> Update<M, Conditional> {
        let mut update = self.conditional();
        let (conditions, error) = (&mut update.conditions, &mut update.error);
        validate::push_condition(M::TABLE, Clause::If, conditions, error, Ok(condition));
        update
    }

    /// Applies only if the row exists (`IF EXISTS`).
    pub fn if_exists(self) -> Update<M, Conditional> {
        let mut update = self.conditional();
        update.if_exists = true;
        update
    }

    /// The columns this update assigns, in order.
    pub fn assigned_columns(&self) -> Vec<&'static str> {
        self.assignments.iter().map(Assignment::column).collect()
    }

    /// The CQL this update runs.
    pub fn cql(&self) -> Result<String, QueryError> {
        Ok(self.statement(None)?.render())
    }

    /// What [`execute`](Update::execute) will send, without contacting the server (with
    /// the `updated_at` assignment `execute` adds); see [`crate::explain`].
    pub fn explain(&self) -> Result<Explain, QueryError> {
        let statement = crate::cql::fixed(self.statement(self.updated_at_column())?);
        Ok(Explain::single(
            statement.cql().to_owned(),
            Some(AccessPath::SinglePartition),
            StatementCount::One,
            &self.options,
        ))
    }

    /// The statement's shape, with `updated_at` (a column `execute` assigns) set last
    /// when given; or why the server would refuse it.
    fn statement(&self, updated_at: Option<&'static str>) -> Result<Statement, QueryError> {
        if let Some(error) = &self.error {
            return Err(error.clone());
        }
        if self.assignments.is_empty() {
            return Err(QueryError::NothingToUpdate {
                model: M::TABLE.model,
            });
        }
        check_guard::<M>(self.if_exists, &self.conditions, self.using)?;
        self.check_scope()?;
        let mut sets: Vec<Set> = Vec::with_capacity(self.assignments.len() + 1);
        sets.extend(self.assignments.iter().map(Assignment::shape));
        sets.extend(updated_at.map(Set::Value));
        Ok(Statement {
            using: self.using.shape(),
            conditions: match &self.key {
                Key::Row(_) => M::TABLE.primary_key().map(|c| Cond::eq(c.name)).collect(),
                Key::Partition(conditions) => Cond::all(conditions),
            },
            guard: Guard::of(self.if_exists, &self.conditions),
            ..Statement::new(M::TABLE, Action::Update(sets))
        })
    }

    /// The statement [`execute`](Update::execute) sends: rendered once per shape, and
    /// checked once per shape (by its key; see [`crate::cql::fixed_by_key`]).
    fn fixed(&self) -> Result<&'static StaticStatement, QueryError> {
        if let Some(error) = &self.error {
            return Err(error.clone());
        }
        crate::cql::fixed_by_key(&self.shape_key(), &M::__statements().updates, || {
            self.statement(None)
        })
    }

    /// This update's shape as a key: everything [`statement`](Self::statement) checks
    /// and describes (the model's `updated_at` column included), no values.
    fn shape_key(&self) -> ShapeKey {
        let header = 1
            | usize::from(self.scope() == Scope::Partition) << 2
            | usize::from(self.using.ttl.is_some()) << 3
            | usize::from(self.using.timestamp.is_some()) << 4
            | usize::from(self.if_exists) << 5
            | (self.assignments.len() & 0xff) << 8
            | (self.partition_key().len() & 0xff) << 16
            | (self.conditions.len() & 0xff) << 24;
        let mut key = ShapeKey::new(header, M::TABLE);
        key.push(M::__UPDATED_AT.map_or(0, |c| c.as_ptr() as usize));
        for assignment in &self.assignments {
            key.push(assignment.kind());
            key.name(assignment.column());
        }
        // A row's key is the table's primary key, all `=`: the table and the scope say it.
        for condition in self.partition_key().iter().chain(&self.conditions) {
            key.condition(condition);
        }
        key
    }

    /// Checks the key against what the update writes: a row's columns need the full
    /// primary key, static columns alone only the partition key (the server refuses
    /// anything else).
    fn check_scope(&self) -> Result<(), QueryError> {
        let table = M::TABLE;
        let is_static = |column: &str| {
            table
                .column(column)
                .is_some_and(|c| c.role == KeyRole::Static)
        };
        match self.scope() {
            Scope::Partition => {
                let row_column = self
                    .assigned_columns()
                    .into_iter()
                    .chain(self.conditions.iter().filter_map(|c| c.column_name()))
                    .find(|column| !is_static(column));
                match row_column {
                    Some(column) => Err(QueryError::NotStatic {
                        model: table.model,
                        column,
                        clustering_key: names(table.clustering_key()),
                    }),
                    None => Ok(()),
                }
            }
            Scope::Row => {
                // A regular `updated_at` column added by `execute` makes it a row update.
                let writes_a_row = self
                    .assigned_columns()
                    .into_iter()
                    .chain(self.updated_at_column())
                    .chain(self.conditions.iter().filter_map(|c| c.column_name()))
                    .any(|column| !is_static(column));
                if writes_a_row || table.clustering_key().next().is_none() {
                    Ok(())
                } else {
                    Err(QueryError::StaticsByRowKey {
                        model: table.model,
                        columns: self.assigned_columns().join(", "),
                        partition_key: names(table.partition_key()),
                    })
                }
            }
        }
    }

    /// The `updated_at` column `execute` adds: not for a partition update, unless static.
    fn updated_at_column(&self) -> Option<&'static str> {
        let column = M::__UPDATED_AT?;
        let is_static = M::TABLE
            .column(column)
            .is_some_and(|c| c.role == KeyRole::Static);
        if self.scope() == Scope::Partition && !is_static {
            return None;
        }
        (!self.assignments.iter().any(|a| a.column() == column)).then_some(column)
    }

    /// Adds `updated_at = now` unless the caller assigned it (or it is a regular column
    /// and this update writes a partition's statics).
    fn add_updated_at(&mut self) {
        if let Some(column) = self.updated_at_column() {
            self.assignments
                .push(Assignment::Set(column, Value::new(now())));
        }
    }
    /// Whether this update writes one row or one partition's statics.
    fn scope(&self) -> Scope {
        match self.key {
            Key::Row(_) => Scope::Row,
            Key::Partition(_) => Scope::Partition,
        }
    }

    /// The conditions on the partition key of a partition's update (none for a row's).
    fn partition_key(&self) -> &[Condition<M>] {
        match &self.key {
            Key::Row(_) => &[],
            Key::Partition(conditions) => conditions,
        }
    }

    /// The values bound before a row's key (all of them for a partition's update).
    fn values(&self) -> impl Iterator<Item = &(dyn SerializeValue + Send + Sync)> {
        let assignments = self.assignments.iter().flat_map(Assignment::values);
        let (partition, guard) = match &self.key {
            Key::Row(_) => (&[][..], &[][..]),
            Key::Partition(conditions) => (&conditions[..], &self.conditions[..]),
        };
        let conditions = partition.iter().chain(guard);
        self.using
            .values()
            .chain(assignments)
            .chain(conditions.map(|c| c.value.as_ref()))
    }

    /// The values bound after a row's key: its `IF` conditions'.
    fn after_key(&self) -> impl Iterator<Item = &(dyn SerializeValue + Send + Sync)> {
        let guard = match self.key {
            Key::Row(_) => &self.conditions[..],
            Key::Partition(_) => &[][..],
        };
        guard.iter().map(|c| c.value.as_ref())
    }
}

/// `a, b`: the columns' names, for messages.
fn names(columns: impl Iterator<Item = &'static crate::meta::ColumnMeta>) -> String {
    columns.map(|c| c.name).collect::<Vec<_>>().join(", ")
}

/// `IF EXISTS` and `IF <conditions>` exclude each other, and a conditional write takes
/// no `USING TIMESTAMP` (the server refuses both).
pub(crate) fn check_guard<M: Model>(
    if_exists: bool,
    conditions: &[Condition<M>],
    using: Using,
) -> Result<(), QueryError> {
    if if_exists && !conditions.is_empty() {
        return Err(QueryError::ConditionsWithIfExists {
            model: M::TABLE.model,
        });
    }
    let conditional = if_exists || !conditions.is_empty();
    if conditional && using.timestamp.is_some() {
        return Err(QueryError::TimestampOnConditionalWrite {
            model: M::TABLE.model,
        });
    }
    Ok(())
}

impl<M: Model> Update<M, Unconditional> {
    /// Runs the update.
    pub fn execute(self, db: &Db) -> impl Future<Output = Result<()>> + Send {
        keyed::run(self, db)
    }
}

impl<M: Model> Update<M, Conditional> {
    /// Adds another condition (`AND`).
    pub fn and_if(self, condition: Condition<M>) -> Self {
        self.if_(condition)
    }

    /// Runs the update; tells whether it applied.
    pub fn execute(self, db: &Db) -> impl Future<Output = Result<LwtOutcome>> + Send {
        keyed::run_conditional(self, db)
    }
}

impl<M: Model, K> KeyedWrite for Update<M, K> {
    type Model = M;
    const OPERATION: &'static str = "update";
    const CONDITIONAL: &'static str = "conditional update";
    const STATEMENT: &'static str = "UPDATE";

    fn statement(&self) -> Result<&'static StaticStatement, QueryError> {
        self.fixed()
    }

    fn values(&self) -> impl Iterator<Item = &(dyn SerializeValue + Send + Sync)> {
        Update::values(self)
    }

    fn primary_key(&self) -> Option<impl SerializeRow + Send + '_> {
        match &self.key {
            Key::Row(key) => Some(M::__primary_key_values(key)),
            Key::Partition(_) => None,
        }
    }

    fn after_key(&self) -> impl Iterator<Item = &(dyn SerializeValue + Send + Sync)> {
        Update::after_key(self)
    }

    fn options(&self) -> &StatementOptions {
        &self.options
    }

    fn before(&self) -> Result<(), Rejection> {
        M::before_update(self)
    }

    fn after(&self) {
        M::after_update(self);
    }

    fn when_sent(&mut self) {
        self.add_updated_at();
    }
}

crate::options::configure_by_options_field!(impl[M: Model, K] Update<M, K>);

impl<'a, M: Model> IntoBatchItem<'a> for Update<M, Unconditional> {
    fn into_batch_item(self) -> Result<BatchItem<'a>> {
        let mut update = self;
        update.add_updated_at();
        let statement = update.fixed()?;
        hook_verdict(M::TABLE, "update", M::before_update(&update))?;
        Ok(
            BatchItem::new(statement, Box::new(OwnedValues(update)))
                .at(AccessPath::SinglePartition),
        )
    }
}
