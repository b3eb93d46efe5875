//! `Model::query()`: typed, validated, prepared, paged reads.

use std::marker::PhantomData;

use derive_where::derive_where;
use futures::Stream;
use scylla::response::PagingState;
use scylla::serialize::value::SerializeValue;

use crate::condition::{Condition, Ordering};
use crate::cql::{Action, Cond, Statement};
use crate::cql_type::CqlTyped;
use crate::db::{Cql, Db};
use crate::error::{Error, Result};
use crate::explain::{Explain, StatementCount};
use crate::meta::ClusteringOrder;
use crate::model::Model;
use crate::options::StatementOptions;
use crate::query::access::{self, AccessPath};
use crate::query::validate::{self, Clause};
use crate::query::{Page, Projection, QueryError, condition_by_name, rows};
use crate::trace::Operation;

/// A `SELECT` on model `M`, reading rows as `R` (the model, or a [`Projection`] of it).
///
/// Built with [`Model::query`]. Nothing runs until a terminal method (`get`, `first`,
/// `count`, `exists`, `stream`, `page`). Mistakes (an unknown column name, an operator the
/// column does not take, a scan nobody asked for) are kept and returned by the terminal
/// method as [`Error::Query`], before anything is sent.
///
/// A query must say how the server finds its rows: restrict the whole partition key, use
/// an indexed column or a token range, or opt in with [`allow_filtering`](Self::allow_filtering)
/// or [`full_scan`](Self::full_scan).
///
/// # Example
/// ```
/// use orm_core::{Model, prelude::*};
///
/// #[derive(Model)]
/// #[orm(table = "posts")]
/// struct Post {
///     #[orm(partition_key)]
///     user_id: i64,
///     #[orm(clustering_key, order = "desc")]
///     id: i64,
///     status: String,
/// }
///
/// let typed = Post::query().filter(Post::USER_ID.eq(7)).order_by(Post::ID.asc()).limit(10);
/// assert_eq!(
///     typed.cql().unwrap(),
///     r#"SELECT "user_id", "id", "status" FROM "posts" WHERE "user_id" = ? ORDER BY "id" ASC LIMIT ?"#
/// );
///
/// // The same by name, as in Laravel-style ORMs; names are checked against the model.
/// let by_name = Post::query().where_("user_id", "=", 7_i64).where_("titel", "=", "x");
/// assert_eq!(
///     by_name.cql().unwrap_err().to_string(),
///     "Post has no column `titel`; its columns are: user_id, id, status"
/// );
/// ```
#[must_use = "a query does nothing until it is run: call `get`, `first`, `stream`, ... with a `Db`"]
#[derive_where(Debug)]
pub struct Select<M, R = M> {
    conditions: Vec<Condition<M>>,
    orderings: Vec<Ordering<M>>,
    limit: Option<i32>,
    per_partition_limit: Option<i32>,
    allow_filtering: bool,
    full_scan: bool,
    options: StatementOptions,
    /// The first mistake made while building; reported by the terminal method.
    error: Option<QueryError>,
    #[derive_where(skip)]
    _row: PhantomData<fn() -> R>,
}

/// What a rendered statement selects.
#[derive(Clone, Copy)]
enum Selection<'a> {
    Columns(&'a [&'static str]),
    Count,
}

impl<M: Model> Select<M, M> {
    /// A query for every column of `M`; see [`Model::query`].
    pub fn new() -> Self {
        Select {
            conditions: Vec::new(),
            orderings: Vec::new(),
            limit: None,
            per_partition_limit: None,
            allow_filtering: false,
            full_scan: false,
            options: StatementOptions::default(),
            error: None,
            _row: PhantomData,
        }
    }
}

impl<M: Model> Default for Select<M, M> {
    fn default() -> Self {
        Self::new()
    }
}

crate::options::configure_by_options_field!(impl[M, R] Select<M, R>);

impl<M: Model, R: Projection<M>> Select<M, R> {
    fn fail(mut self, error: QueryError) -> Self {
        self.error.get_or_insert(error);
        self
    }

    /// Sets the limit `slot` picks to `rows`; a `rows` that is not positive fails the
    /// query instead, naming the limit `what`.
    fn set_limit(
        mut self,
        what: &'static str,
        rows: i32,
        slot: fn(&mut Self) -> &mut Option<i32>,
    ) -> Self {
        if rows <= 0 {
            return self.fail(QueryError::NotPositive {
                what,
                value: rows.into(),
            });
        }
        *slot(&mut self) = Some(rows);
        self
    }

    /// This query, failing with `error` when run.
    pub(crate) fn with_error(self, error: QueryError) -> Self {
        self.fail(error)
    }

    /// Adds a typed condition, such as `Post::STATUS.eq("published")`.
    pub fn filter(self, condition: Condition<M>) -> Self {
        self.push_where(Ok(condition))
    }

    fn push_where(mut self, condition: Result<Condition<M>, QueryError>) -> Self {
        let (conditions, error) = (&mut self.conditions, &mut self.error);
        validate::push_condition(M::TABLE, Clause::Where, conditions, error, condition);
        self
    }

    /// Adds a condition by column name and operator text, as the seed's `where` does:
    /// `where_("status", "=", "published")`.
    ///
    /// The column must be one of the model's (by CQL name), the operator one of
    /// [`Operator::ALL`](crate::condition::Operator::ALL) that fits the column, and the value of the CQL type the
    /// comparison needs; otherwise the query fails with an error naming the valid choices.
    pub fn where_<V>(self, column: &str, operator: &str, value: V) -> Self
    where
        V: CqlTyped + SerializeValue + Send + Sync + 'static,
    {
        self.push_where(condition_by_name(M::TABLE, column, operator, value))
    }

    /// Adds a tuple condition by column names: clustering columns compared together, in
    /// key order, with one tuple value (for `IN`, a list of tuples). The standard way to
    /// read a partition from a start point:
    /// `WHERE user_id = ? AND (added_date, videoid) <= (?, ?)`.
    ///
    /// Like [`Tuple`](crate::Tuple) (its typed twin), the columns must be consecutive
    /// clustering columns in key order, the operator one of `=`, `<`, `<=`, `>`, `>=`,
    /// `IN`, and the value a Rust tuple of the columns' types; a range must start at the
    /// first clustering column not compared with `=` or `IN`.
    ///
    /// # Example
    /// ```
    /// use orm_core::Model;
    /// use uuid::Uuid;
    ///
    /// #[derive(Model)]
    /// struct Video {
    ///     #[orm(partition_key)]
    ///     user_id: i64,
    ///     #[orm(clustering_key, order = "desc")]
    ///     added_date: i64,
    ///     #[orm(clustering_key)]
    ///     videoid: Uuid,
    /// }
    ///
    /// let start = (1_700_000_000_i64, Uuid::nil());
    /// let page = Video::query()
    ///     .where_("user_id", "=", 7_i64)
    ///     .where_tuple(&["added_date", "videoid"], "<=", start);
    /// assert_eq!(
    ///     page.cql().unwrap(),
    ///     r#"SELECT "user_id", "added_date", "videoid" FROM "video" WHERE "user_id" = ? AND ("added_date", "videoid") <= ?"#
    /// );
    /// ```
    pub fn where_tuple<V: crate::TupleArg>(
        self,
        columns: &[&str],
        operator: &str,
        value: V,
    ) -> Self {
        self.push_where(crate::query::tuple_condition_by_name(
            M::TABLE,
            columns,
            operator,
            value,
        ))
    }

    /// The seed's two-argument `where(column, value)`: `where_(column, "=", value)`.
    pub fn where_eq<V>(self, column: &str, value: V) -> Self
    where
        V: CqlTyped + SerializeValue + Send + Sync + 'static,
    {
        self.where_(column, "=", value)
    }

    /// Orders by a clustering column: `order_by(Post::CREATED_AT.desc())`.
    pub fn order_by(mut self, ordering: Ordering<M>) -> Self {
        match M::TABLE.column(ordering.column) {
            Some(column) if column.is_clustering_key() => {
                self.orderings.push(ordering);
                self
            }
            _ => {
                let error = not_clustering::<M>(ordering.column);
                self.fail(error)
            }
        }
    }

    /// Orders by a clustering column named at run time; `direction` is `asc` or `desc`.
    pub fn order_by_(self, column: &str, direction: &str) -> Self {
        let order = match direction.trim().to_ascii_lowercase().as_str() {
            "asc" => ClusteringOrder::Asc,
            "desc" => ClusteringOrder::Desc,
            _ => {
                let direction = crate::user_input::shown(direction);
                return self.fail(QueryError::UnknownDirection(direction));
            }
        };
        match M::TABLE.column(column) {
            Some(meta) if meta.is_clustering_key() => {
                self.order_by(Ordering::new(meta.name, order))
            }
            _ => {
                let error = not_clustering::<M>(column);
                self.fail(error)
            }
        }
    }

    /// At most `rows` rows (`LIMIT`, bound as a value).
    pub fn limit(self, rows: i32) -> Self {
        self.set_limit("LIMIT", rows, |query| &mut query.limit)
    }

    /// At most `rows` rows from each partition (`PER PARTITION LIMIT`).
    pub fn per_partition_limit(self, rows: i32) -> Self {
        self.set_limit("PER PARTITION LIMIT", rows, |query| {
            &mut query.per_partition_limit
        })
    }

    /// Accepts that the server scans and filters rows (`ALLOW FILTERING`): its cost grows
    /// with the data scanned, not with the rows returned.
    pub fn allow_filtering(mut self) -> Self {
        self.allow_filtering = true;
        self
    }

    /// Accepts a query with no condition, which reads the whole table.
    pub fn full_scan(mut self) -> Self {
        self.full_scan = true;
        self
    }

    /// Reads only the columns of projection `P` (see [`Projection`]).
    pub fn select<P: Projection<M>>(self) -> Select<M, P> {
        Select {
            conditions: self.conditions,
            orderings: self.orderings,
            limit: self.limit,
            per_partition_limit: self.per_partition_limit,
            allow_filtering: self.allow_filtering,
            full_scan: self.full_scan,
            options: self.options,
            error: self.error,
            _row: PhantomData,
        }
    }

    /// How the server will find the rows, or why the query is refused.
    pub fn access_path(&self) -> Result<AccessPath, QueryError> {
        if let Some(error) = &self.error {
            return Err(error.clone());
        }
        access::check(
            M::TABLE,
            &self.conditions,
            self.allow_filtering,
            self.full_scan,
        )
    }

    /// The CQL this query runs (values are `?` markers), or why it would be refused.
    pub fn cql(&self) -> Result<String, QueryError> {
        self.render(Selection::Columns(R::COLUMNS), self.limit)
    }

    /// What [`get`](Self::get) will send, without contacting the server: its CQL, access
    /// path (one statement per page) and settings; see [`crate::explain`].
    pub fn explain(&self) -> Result<Explain, QueryError> {
        let cql = self.cql()?;
        Ok(Explain::single(
            cql,
            Some(self.access_path()?),
            StatementCount::PerPage,
            &self.options,
        ))
    }

    /// What [`first`](Self::first) will send (one statement, `LIMIT ?` bound to 1).
    pub fn explain_first(&self) -> Result<Explain, QueryError> {
        let cql = self.shape(true)?;
        Ok(Explain::single(
            cql,
            Some(self.access_path()?),
            StatementCount::One,
            &self.options,
        ))
    }

    fn render(&self, selection: Selection<'_>, limit: Option<i32>) -> Result<String, QueryError> {
        let path = self.access_path()?;
        if path == AccessPath::Partitions
            && !self.orderings.is_empty()
            && matches!(selection, Selection::Columns(_))
        {
            return Err(QueryError::OrderByWithIn {
                model: M::TABLE.model,
            });
        }
        let action = match selection {
            // A column, or a projection's `TTL(...)` / `WRITETIME(...)`.
            Selection::Columns(columns) => Action::Select(
                columns
                    .iter()
                    .map(|column| crate::query::projection::selector::<M, R>(column))
                    .collect(),
            ),
            Selection::Count => Action::Count,
        };
        let orderings = match selection {
            Selection::Columns(_) => self.orderings.iter().map(|o| (o.column, o.order)).collect(),
            Selection::Count => Vec::new(),
        };
        let statement = Statement {
            conditions: Cond::all(&self.conditions),
            orderings,
            per_partition_limit: self.per_partition_limit.is_some(),
            limit: limit.is_some(),
            allow_filtering: self.allow_filtering,
            ..Statement::new(M::TABLE, action)
        };
        Ok(statement.render())
    }

    /// The bound values, in marker order: conditions, then the limits.
    fn values<'a>(&'a self, limit: &'a Option<i32>) -> Vec<&'a (dyn SerializeValue + Send + Sync)> {
        let mut values: Vec<&(dyn SerializeValue + Send + Sync)> =
            Vec::with_capacity(self.conditions.len() + 2);
        for condition in &self.conditions {
            values.push(condition.value.as_ref());
        }
        if let Some(rows) = &self.per_partition_limit {
            values.push(rows);
        }
        if let Some(rows) = limit {
            values.push(rows);
        }
        values
    }

    /// Every matching row, fetched page by page (each page is one request).
    pub async fn get(self, db: &Db) -> Result<Vec<R>> {
        // `statements` (one per page) is recorded by the paging loop.
        Operation::start(db, M::TABLE, "get", "SELECT", &self.options)
            .explained(|| self.explain().ok())
            .run(self.get_untraced(db), |rows| Some(rows.len()), |_| None)
            .await
    }

    async fn get_untraced(self, db: &Db) -> Result<Vec<R>> {
        let cql = self.cql()?;
        let values = self.values(&self.limit);
        rows::fetch_all(db, M::TABLE.model, Cql::Built(&cql), &values, &self.options).await
    }

    /// The CQL of `get` (`first = false`) or `first`, for running many queries of one
    /// shape with different values without rendering each.
    pub(crate) fn shape(&self, first: bool) -> Result<String, QueryError> {
        if first {
            self.render(Selection::Columns(R::COLUMNS), Some(1))
        } else {
            self.cql()
        }
    }

    /// `get`, with the statement already rendered by [`shape`](Self::shape) (and maybe
    /// prepared) for this shape; each row passes through `wrap`.
    pub(crate) async fn get_shaped<T>(
        self,
        db: &Db,
        cql: Cql<'_>,
        wrap: fn(R) -> T,
    ) -> Result<Vec<T>> {
        if let Some(error) = self.error {
            return Err(error.into());
        }
        let values = self.values(&self.limit);
        rows::fetch_all_as(db, M::TABLE.model, cql, &values, &self.options, wrap).await
    }

    /// `first`, with the statement already rendered by [`shape`](Self::shape) (and maybe
    /// prepared) for this shape.
    pub(crate) async fn first_shaped(self, db: &Db, cql: Cql<'_>) -> Result<Option<R>> {
        if let Some(error) = self.error {
            return Err(error.into());
        }
        let limit = Some(1);
        let values = self.values(&limit);
        let result = db.execute(cql, &values, &self.options).await?;
        rows::first::<R>(M::TABLE.model, cql, result)
    }

    /// The first matching row (`LIMIT 1`), if any.
    pub async fn first(self, db: &Db) -> Result<Option<R>> {
        let rows = |row: &Option<R>| Some(usize::from(row.is_some()));
        Operation::start(db, M::TABLE, "first", "SELECT", &self.options)
            .explained(|| self.explain_first().ok())
            .run(self.first_untraced(db), rows, |_| Some(1))
            .await
    }

    async fn first_untraced(self, db: &Db) -> Result<Option<R>> {
        let limit = Some(1);
        let cql = self.render(Selection::Columns(R::COLUMNS), limit)?;
        let values = self.values(&limit);
        let result = db.execute(Cql::Built(&cql), &values, &self.options).await?;
        rows::first::<R>(M::TABLE.model, Cql::Built(&cql), result)
    }

    /// How many rows match (`SELECT COUNT(*)`).
    pub async fn count(self, db: &Db) -> Result<i64> {
        let operation = Operation::start(db, M::TABLE, "count", "SELECT", &self.options)
            .explained(|| self.count_shape().ok());
        let count = async {
            let cql = self.count_shape()?;
            self.count_shaped(db, Cql::Built(&cql)).await
        };
        operation.run(count, |_| Some(1), |_| Some(1)).await
    }

    /// The CQL of `count`, for running many counts of one shape without rendering each.
    pub(crate) fn count_shape(&self) -> Result<String, QueryError> {
        self.render(Selection::Count, None)
    }

    /// `count`, with the statement already rendered by [`count_shape`](Self::count_shape)
    /// (and maybe prepared).
    pub(crate) async fn count_shaped(self, db: &Db, cql: Cql<'_>) -> Result<i64> {
        if let Some(error) = self.error {
            return Err(error.into());
        }
        let values = self.values(&None);
        let result = db.execute(cql, &values, &self.options).await?;
        let count = rows::first::<(i64,)>(M::TABLE.model, cql, result)?;
        Ok(count.map_or(0, |(count,)| count))
    }

    /// Whether any row matches (reads at most one row's primary key).
    pub async fn exists(self, db: &Db) -> Result<bool> {
        let rows = |found: &bool| Some(usize::from(*found));
        Operation::start(db, M::TABLE, "exists", "SELECT", &self.options)
            .explained(|| self.explain_first().ok())
            .run(self.exists_untraced(db), rows, |_| Some(1))
            .await
    }

    async fn exists_untraced(self, db: &Db) -> Result<bool> {
        let limit = Some(1);
        let key: Vec<&str> = M::TABLE.primary_key().map(|c| c.name).collect();
        let cql = self.render(Selection::Columns(&key), limit)?;
        let values = self.values(&limit);
        let result = db.execute(Cql::Built(&cql), &values, &self.options).await?;
        let rows = result.into_rows_result().map_err(|e| Error::Rows {
            model: M::TABLE.model,
            cql: cql.clone().into(),
            source: Box::new(e).into(),
        })?;
        Ok(rows.rows_num() > 0)
    }

    /// One page of rows starting at `state` (`PagingState::start()` for the first), with
    /// the state to resume from. The page size is [`Configure::page_size`](crate::Configure::page_size) (default 5000).
    pub async fn page(self, db: &Db, state: PagingState) -> Result<Page<R>> {
        let rows = |page: &Page<R>| Some(page.rows.len());
        Operation::start(db, M::TABLE, "page", "SELECT", &self.options)
            .explained(|| self.explain().ok())
            .run(self.page_untraced(db, state), rows, |_| Some(1))
            .await
    }

    async fn page_untraced(self, db: &Db, state: PagingState) -> Result<Page<R>> {
        let cql = self.cql()?;
        let values = self.values(&self.limit);
        let (result, next) = db
            .execute_page(Cql::Built(&cql), &values, &self.options, state)
            .await?;
        let rows = rows::all::<R>(M::TABLE.model, Cql::Built(&cql), result)?;
        let next = match next.into_paging_control_flow() {
            std::ops::ControlFlow::Continue(next) => Some(next),
            std::ops::ControlFlow::Break(()) => None,
        };
        Ok(Page { rows, next })
    }

    /// The matching rows as a stream, fetched page by page as it is consumed (the driver
    /// fetches the next page ahead). The whole stream counts as one statement in
    /// [`Db::statements_executed`]. Its `stream` span ends when the stream does (or is
    /// dropped), recording the rows it gave.
    pub async fn stream(self, db: &Db) -> Result<impl Stream<Item = Result<R>> + Send + use<M, R>> {
        use tracing::Instrument;
        let operation = Operation::start(db, M::TABLE, "stream", "SELECT", &self.options)
            .explained(|| self.explain().ok());
        let started = self
            .stream_untraced(db)
            .instrument(operation.span().clone())
            .await;
        match started {
            Ok((pager, cql)) => {
                // Nobody listening: `trace` holds nothing, and each poll is the driver's.
                let trace = crate::trace::StreamTrace::new(operation, false);
                rows::RowStream::new(pager, M::TABLE.model, cql, trace)
            }
            Err(error) => {
                operation.failed(&error);
                Err(error)
            }
        }
    }

    /// Sends the query; the driver's pager and the CQL, for errors.
    async fn stream_untraced(self, db: &Db) -> Result<(scylla::client::pager::QueryPager, String)> {
        let cql = self.cql()?;
        let values = self.values(&self.limit);
        let pager = db
            .execute_iter(Cql::Built(&cql), &values, &self.options)
            .await?;
        Ok((pager, cql))
    }
}

fn not_clustering<M: Model>(column: &str) -> QueryError {
    QueryError::NotClustering {
        model: M::TABLE.model,
        column: crate::user_input::shown(column),
        valid: M::TABLE.clustering_key().map(|c| c.name).collect(),
    }
}
