//! Reading a `belongs_to_many` relation: the query that `get_query`, `where_` and `filter`
//! return, with the same terminal methods as a [`Select`](crate::Select) where CQL allows.

use std::marker::PhantomData;
use std::ops::ControlFlow;
use std::sync::Arc;

use futures::{Stream, StreamExt, TryStreamExt, future, stream};
use scylla::response::PagingState;
use scylla::serialize::value::SerializeValue;

use crate::condition::Condition;
use crate::cql::{Cond, Statement};
use crate::cql_type::CqlTyped;
use crate::db::{Cql, Db};
use crate::eager::{DEFAULT_CONCURRENCY as EAGER_CONCURRENCY, IntoWith, Loaded, With};
use crate::error::Result;
use crate::explain::{Explain, many_to_many};
use crate::model::Model;
use crate::options::{Configure, StatementOptions};
use crate::query::{Page, QueryError, rows};
use crate::relation::RelationDef;
use crate::relation::belongs_to_many::{DEFAULT_CONCURRENCY, PivotModel, WithPivot};
use crate::relation::pivot::{Pivot, Side};
use crate::trace::Operation;

/// The related rows of one parent of a `belongs_to_many`, as a query: built by the
/// relation's [`get_query`](crate::BelongsToMany::get_query),
/// [`where_`](crate::BelongsToMany::where_) and [`filter`](crate::BelongsToMany::filter).
///
/// CQL has no join, so this is not one statement: it reads the parent's pivot partition,
/// then each related row by its primary key, [`concurrency`](Self::concurrency) at a time.
/// Conditions on the related model are checked inside each related row's own partition
/// (no scan). `get`, `first`, `count`, `exists`, `page` and `stream` behave as on a
/// [`Select`](crate::Select); `with` loads the related rows' own relations.
///
/// # Example
/// ```
/// use orm_core::{Model, Pivot, prelude::*};
///
/// #[derive(Model)]
/// #[belongs_to_many(Tag, pivot = PostTag)]
/// struct Post {
///     #[orm(partition_key)]
///     id: i64,
/// }
///
/// #[derive(Model)]
/// struct Tag {
///     #[orm(partition_key)]
///     id: i64,
///     name: String,
/// }
///
/// #[derive(Pivot, Default)]
/// #[pivot(left = Post, right = Tag, table = "post_tags", inverse_table = "tag_posts")]
/// struct PostTag {
///     #[pivot(left)]
///     post_id: i64,
///     #[pivot(right)]
///     tag_id: i64,
/// }
///
/// let post = Post { id: 7 };
/// let query = post.tags_relation().where_("name", "=", "rust").limit(5);
/// assert_eq!(
///     query.pivot_cql(),
///     r#"SELECT "post_id", "tag_id" FROM "post_tags" WHERE "post_id" = ?"#
/// );
/// ```
#[must_use = "a query does nothing until a terminal method such as `get` is awaited"]
pub struct BelongsToManyQuery<P: Model, R, Pv, D> {
    def: &'static RelationDef,
    /// `None` only in a query built to plan an eager load ([`planned`](Self::planned)).
    key: Option<P::PrimaryKey>,
    conditions: Vec<Condition<R>>,
    limit: Option<usize>,
    concurrency: usize,
    options: StatementOptions,
    error: Option<QueryError>,
    _pivot: PhantomData<fn() -> (Pv, D)>,
}

impl<P: Model, R, Pv, D> Clone for BelongsToManyQuery<P, R, Pv, D>
where
    P::PrimaryKey: Clone,
{
    fn clone(&self) -> Self {
        BelongsToManyQuery {
            def: self.def,
            key: self.key.clone(),
            conditions: self.conditions.clone(),
            limit: self.limit,
            concurrency: self.concurrency,
            options: self.options.clone(),
            error: self.error.clone(),
            _pivot: PhantomData,
        }
    }
}

impl<P: Model, R, Pv, D> std::fmt::Debug for BelongsToManyQuery<P, R, Pv, D> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BelongsToManyQuery")
            .field("relation", &self.def.name)
            .field("conditions", &self.conditions)
            .field("limit", &self.limit)
            .field("concurrency", &self.concurrency)
            .field("error", &self.error)
            .finish_non_exhaustive()
    }
}

crate::options::configure_by_options_field!(
    /// Consistency, timeout, tracing and idempotence apply to every statement the query sends
    /// (the pivot reads and the related rows' reads); the page size to the pivot reads of
    /// `get`, `page` and `stream`.
    impl[P: Model, R, Pv, D] BelongsToManyQuery<P, R, Pv, D>
);

impl<P, R, Pv, D> BelongsToManyQuery<P, R, Pv, D>
where
    P: PivotModel,
    R: PivotModel,
    Pv: Pivot,
    D: Side<Pv, P, R>,
{
    pub(crate) fn new(def: &'static RelationDef, key: P::PrimaryKey) -> Self {
        BelongsToManyQuery::keyed(def, Some(key))
    }

    /// A query with no parent, for a constraint to shape before `explain()` plans an
    /// eager level with it; running it is a missing-key error.
    pub(crate) fn planned(def: &'static RelationDef) -> Self {
        BelongsToManyQuery::keyed(def, None)
    }

    fn keyed(def: &'static RelationDef, key: Option<P::PrimaryKey>) -> Self {
        BelongsToManyQuery {
            def,
            key,
            conditions: Vec::new(),
            limit: None,
            concurrency: DEFAULT_CONCURRENCY,
            options: StatementOptions::default(),
            error: None,
            _pivot: PhantomData,
        }
    }

    /// The relation as declared.
    pub fn definition(&self) -> &'static RelationDef {
        self.def
    }

    /// Keeps only related rows matching `condition` (checked in each related row's own
    /// partition, so it costs no scan).
    pub fn filter(mut self, condition: Condition<R>) -> Self {
        self.conditions.push(condition);
        self
    }

    /// Keeps only related rows matching a condition by name, as the seed's `where`; the
    /// name, operator and value type are checked against `R` before anything is sent.
    pub fn where_<V>(mut self, column: &str, operator: &str, value: V) -> Self
    where
        V: CqlTyped + SerializeValue + Send + Sync + 'static,
    {
        match crate::query::condition_by_name(R::TABLE, column, operator, value) {
            Ok(condition) => self.conditions.push(condition),
            Err(error) => {
                self.error.get_or_insert(error);
            }
        }
        self
    }

    /// The seed's two-argument `where(column, value)`: `where_(column, "=", value)`.
    pub fn where_eq<V>(self, column: &str, value: V) -> Self
    where
        V: CqlTyped + SerializeValue + Send + Sync + 'static,
    {
        self.where_(column, "=", value)
    }

    /// At most `rows` related rows (in pivot order). Pivot rows are read only as far as
    /// needed to find them.
    pub fn limit(mut self, rows: usize) -> Self {
        if rows == 0 {
            self.error.get_or_insert(QueryError::NotPositive {
                what: "LIMIT",
                value: 0,
            });
        }
        self.limit = Some(rows);
        self
    }

    /// How many related rows to fetch at once (at least 1; default [`DEFAULT_CONCURRENCY`]).
    pub fn concurrency(mut self, requests: usize) -> Self {
        self.concurrency = requests.max(1);
        self
    }

    /// Also loads `relations` of each related row (`with(Tag::posts_relation)`,
    /// `with("posts.comments")`), as [`Select::with`](crate::Select::with) does.
    pub fn with(self, relations: impl IntoWith<R>) -> EagerBelongsToMany<P, R, Pv, D> {
        let (loads, error) = match relations.into_with() {
            Ok(loads) => (loads, None),
            Err(error) => (Vec::new(), Some(error)),
        };
        EagerBelongsToMany {
            query: self,
            loads,
            error,
        }
    }

    /// What [`get`](Self::get) (and [`page`](Self::page), [`stream`](Self::stream))
    /// will send, without contacting the server: the pivot partition (once per page),
    /// then each related row by primary key, [`concurrency`](Self::concurrency) at a
    /// time; see [`crate::explain`]. With a [`limit`](Self::limit), pivot pages are read
    /// only until it is reached.
    ///
    /// # Example
    /// ```
    /// use orm_core::{Model, Pivot, explain::StatementCount};
    ///
    /// #[derive(Model)]
    /// #[belongs_to_many(Tag, pivot = PostTag)]
    /// struct Post {
    ///     #[orm(partition_key)]
    ///     id: i64,
    /// }
    ///
    /// #[derive(Model)]
    /// #[belongs_to_many(Post, pivot = PostTag, inverse)]
    /// struct Tag {
    ///     #[orm(partition_key)]
    ///     id: i64,
    /// }
    ///
    /// #[derive(Pivot, Default)]
    /// #[pivot(left = Post, right = Tag)]
    /// struct PostTag {
    ///     #[pivot(left)]
    ///     post_id: i64,
    ///     #[pivot(right)]
    ///     tag_id: i64,
    /// }
    ///
    /// let post = Post { id: 1 };
    /// let plan = post.tags_relation().get_query().explain().unwrap();
    /// assert_eq!(plan.statements.len(), 2);
    /// assert_eq!(plan.statements[0].cql, post.tags_relation().pivot_cql());
    /// assert_eq!(
    ///     plan.statements[1].count,
    ///     StatementCount::PerRelatedRow { relation: "tags".into(), concurrency: 32 }
    /// );
    /// // One pivot page, then one read per related row.
    /// assert_eq!(plan.requests(|_| 3), 4);
    /// ```
    pub fn explain(&self) -> Result<Explain, QueryError> {
        if let Some(error) = &self.error {
            return Err(error.clone());
        }
        let (name, conditions) = (self.def.name, &self.conditions);
        many_to_many::read::<Pv, P, R, D>(name, conditions, self.concurrency, &self.options)
    }

    /// What [`count`](Self::count) will send without conditions or a limit: one
    /// `COUNT(*)` of the pivot partition (with them, it runs [`get`](Self::get): see
    /// [`explain`](Self::explain)).
    pub fn explain_count(&self) -> Result<Explain, QueryError> {
        if let Some(error) = &self.error {
            return Err(error.clone());
        }
        if !self.conditions.is_empty() || self.limit.is_some() {
            return self.explain();
        }
        Ok(many_to_many::count::<Pv, P, R, D>(&self.options))
    }

    /// The pivot read: one partition of the pivot table for this direction.
    pub fn pivot_cql(&self) -> String {
        pivot_read::<Pv, P, R, D>(false)
    }

    /// The pivot rows, in the pivot's clustering order.
    pub async fn pivots(&self, db: &Db) -> Result<Vec<Pv>> {
        let cql = self.pivot_cql();
        rows::fetch_all(
            db,
            D::TABLE.model,
            Cql::Built(&cql),
            &(&self.key,),
            &self.options,
        )
        .await
    }

    /// Every related row with its pivot row: one pivot read, then the related rows by
    /// primary key, concurrently. With a [`limit`](Self::limit), pivot rows are read page
    /// by page until it is reached.
    pub async fn get(self, db: &Db) -> Result<Vec<WithPivot<R, Pv>>> {
        self.operation(db, "get")
            .run(self.get_untraced(db), |rows| Some(rows.len()), |_| None)
            .await
    }

    async fn get_untraced(self, db: &Db) -> Result<Vec<WithPivot<R, Pv>>> {
        self.check()?;
        match self.limit {
            None => {
                let pivots = self.pivots(db).await?;
                self.resolve(db, pivots).await
            }
            Some(limit) => self.collect_pages(db, limit).await,
        }
    }

    /// The first related row (in pivot order) with its pivot row.
    ///
    /// Pivot rows are read a page at a time: one row first (two reads in all when its
    /// related row exists), then pages twice as large up to
    /// [`concurrency`](Self::concurrency) when related rows are missing. A large pivot
    /// partition is never read whole to find one row.
    pub async fn first(self, db: &Db) -> Result<Option<WithPivot<R, Pv>>> {
        let rows = |row: &Option<_>| Some(usize::from(row.is_some()));
        self.operation(db, "first")
            .run(self.first_untraced(db), rows, |_| None)
            .await
    }

    async fn first_untraced(self, db: &Db) -> Result<Option<WithPivot<R, Pv>>> {
        self.check()?;
        Ok(self.collect_pages(db, 1).await?.into_iter().next())
    }

    /// Whether there is at least one related row (reads as [`first`](Self::first) does).
    pub async fn exists(self, db: &Db) -> Result<bool> {
        Ok(self.first(db).await?.is_some())
    }

    /// How many related rows there are: without conditions, the pivot rows counted by the
    /// server in the pivot partition (a pivot row whose related row was deleted still
    /// counts, though `get` skips it); with conditions or a limit, the rows `get` returns.
    pub async fn count(self, db: &Db) -> Result<i64> {
        self.operation(db, "count")
            .run(self.count_untraced(db), |_| Some(1), |_| None)
            .await
    }

    async fn count_untraced(self, db: &Db) -> Result<i64> {
        self.check()?;
        if !self.conditions.is_empty() || self.limit.is_some() {
            let rows = self.get(db).await?.len();
            return Ok(i64::try_from(rows).unwrap_or(i64::MAX));
        }
        let cql = pivot_read::<Pv, P, R, D>(true);
        let result = db
            .execute(Cql::Built(&cql), (&self.key,), &self.options)
            .await?;
        let count = rows::first::<(i64,)>(D::TABLE.model, Cql::Built(&cql), result)?;
        Ok(count.map_or(0, |(count,)| count))
    }

    /// One page of pivot rows starting at `state` (`PagingState::start()` for the first),
    /// resolved to related rows, with the state to resume from. A page may hold fewer
    /// rows than the page size when related rows are missing or filtered out.
    pub async fn page(self, db: &Db, state: PagingState) -> Result<Page<WithPivot<R, Pv>>> {
        let rows = |page: &Page<_>| Some(page.rows.len());
        self.operation(db, "page")
            .run(self.page_untraced(db, state), rows, |_| None)
            .await
    }

    async fn page_untraced(self, db: &Db, state: PagingState) -> Result<Page<WithPivot<R, Pv>>> {
        self.check()?;
        let (pivots, next) = self.pivot_page(db, self.options.page_size, state).await?;
        let rows = self.resolve(db, pivots).await?;
        Ok(Page { rows, next })
    }

    /// The related rows as a stream: pivot rows are read page by page as the stream is
    /// consumed, and related rows [`concurrency`](Self::concurrency) at a time, in pivot
    /// order. Its `stream` span ends when the stream does (or is dropped).
    pub async fn stream(
        self,
        db: &Db,
    ) -> Result<impl Stream<Item = Result<WithPivot<R, Pv>>> + Send + use<P, R, Pv, D>> {
        use tracing::Instrument;
        let operation = self.operation(db, "stream");
        let started = self
            .stream_untraced(db)
            .instrument(operation.span().clone())
            .await;
        match started {
            Ok(rows) => Ok(crate::trace::TracedStream::new(operation, rows)),
            Err(error) => {
                operation.failed(&error);
                Err(error)
            }
        }
    }

    async fn stream_untraced(
        self,
        db: &Db,
    ) -> Result<impl Stream<Item = Result<WithPivot<R, Pv>>> + Send + use<P, R, Pv, D>> {
        self.check()?;
        let cql = self.pivot_cql();
        let pager = db
            .execute_iter(Cql::Built(&cql), (&self.key,), &self.options)
            .await?;
        let pivots = rows::typed_stream::<Pv>(pager, D::TABLE.model, cql)?;
        let (db, concurrency, limit) = (db.clone(), self.concurrency, self.limit);
        let query = Arc::new(self);
        let rows = pivots
            .map_ok(move |pivot| {
                let (query, db) = (Arc::clone(&query), db.clone());
                async move {
                    let key = D::other_key(&pivot).clone();
                    let row = query.related_row(&db, &key).await?;
                    Ok(row.map(|row| WithPivot { row, pivot }))
                }
            })
            .try_buffered(concurrency)
            .try_filter_map(future::ok)
            .take(limit.unwrap_or(usize::MAX));
        Ok(rows)
    }

    /// The span of `operation` through this relation: on the related model, the pivot
    /// table (which every read starts with).
    fn operation(&self, db: &Db, operation: &'static str) -> Operation {
        Operation::on(
            db,
            R::TABLE.model,
            D::TABLE.name,
            operation,
            "SELECT",
            &self.options,
        )
        .relation(self.def.name)
    }

    fn check(&self) -> Result<()> {
        match (&self.error, &self.key) {
            (Some(error), _) => Err(error.clone().into()),
            (None, None) => Err(QueryError::MissingParentKey {
                model: self.def.model,
                relation: self.def.name,
                key: self.def.local_key,
            }
            .into()),
            (None, Some(_)) => Ok(()),
        }
    }

    /// Up to `wanted` related rows: a first pivot page of `wanted` rows (at most the
    /// concurrency), then, while related rows turn out missing or filtered out, pages
    /// twice as large, up to the concurrency.
    async fn collect_pages(&self, db: &Db, wanted: usize) -> Result<Vec<WithPivot<R, Pv>>> {
        let most = i32::try_from(self.concurrency).unwrap_or(i32::MAX);
        let mut page_size = i32::try_from(wanted).unwrap_or(i32::MAX).min(most);
        let mut state = PagingState::start();
        let mut found = Vec::new();
        loop {
            let (pivots, next) = self.pivot_page(db, Some(page_size), state).await?;
            found.extend(self.resolve(db, pivots).await?);
            if found.len() >= wanted {
                found.truncate(wanted);
                return Ok(found);
            }
            let Some(next) = next else {
                return Ok(found);
            };
            state = next;
            let missing = i32::try_from(wanted - found.len()).unwrap_or(i32::MAX);
            page_size = page_size.saturating_mul(2).min(most).max(missing.min(most));
        }
    }

    /// One page of the pivot partition and where the next starts.
    async fn pivot_page(
        &self,
        db: &Db,
        page_size: Option<i32>,
        state: PagingState,
    ) -> Result<(Vec<Pv>, Option<PagingState>)> {
        let cql = self.pivot_cql();
        let options = StatementOptions {
            page_size,
            ..self.options.clone()
        };
        let (result, next) = db
            .execute_page(Cql::Built(&cql), (&self.key,), &options, state)
            .await?;
        let pivots: Vec<Pv> = rows::all(D::TABLE.model, Cql::Built(&cql), result)?;
        let next = match next.into_paging_control_flow() {
            ControlFlow::Continue(next) => Some(next),
            ControlFlow::Break(()) => None,
        };
        Ok((pivots, next))
    }

    async fn resolve(&self, db: &Db, pivots: Vec<Pv>) -> Result<Vec<WithPivot<R, Pv>>> {
        let keys: Vec<R::PrimaryKey> = pivots.iter().map(|p| D::other_key(p).clone()).collect();
        let found: Vec<Option<R>> = stream::iter(keys)
            .map(|key| async move { self.related_row(db, &key).await })
            .buffered(self.concurrency)
            .try_collect()
            .await?;
        let joined = pivots
            .into_iter()
            .zip(found)
            .filter_map(|(pivot, row)| row.map(|row| WithPivot { row, pivot }));
        Ok(joined.take(self.limit.unwrap_or(usize::MAX)).collect())
    }

    /// One related row by its key: a plain `find`, or with the query's conditions
    /// checked inside that row's partition.
    pub(crate) async fn related_row(&self, db: &Db, key: &R::PrimaryKey) -> Result<Option<R>> {
        let default_options = self.options == StatementOptions::default();
        if self.conditions.is_empty() && default_options {
            return R::find(db, key).await;
        }
        let mut query = R::query();
        *query.options_mut() = self.options.clone();
        for condition in R::__primary_key_conditions(key) {
            query = query.filter(condition);
        }
        if self.conditions.is_empty() {
            return query.first(db).await;
        }
        for condition in &self.conditions {
            query = query.filter(condition.clone());
        }
        // The partition is fixed by the key, so filtering reads one row at most.
        query.allow_filtering().first(db).await
    }

    /// The limit set on this query, if any (eager loading applies it per parent).
    pub(crate) fn row_limit(&self) -> Option<usize> {
        self.limit
    }
}

/// A [`BelongsToManyQuery`] that also loads relations of the related rows; built by
/// [`BelongsToManyQuery::with`].
#[must_use = "a query does nothing until `get` or `first` is awaited"]
pub struct EagerBelongsToMany<P: Model, R, Pv, D> {
    query: BelongsToManyQuery<P, R, Pv, D>,
    loads: Vec<With<R>>,
    error: Option<QueryError>,
}

impl<P: Model, R, Pv, D> std::fmt::Debug for EagerBelongsToMany<P, R, Pv, D> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EagerBelongsToMany")
            .field("query", &self.query)
            .field("loads", &self.loads.len())
            .field("error", &self.error)
            .finish()
    }
}

impl<P, R, Pv, D> EagerBelongsToMany<P, R, Pv, D>
where
    P: PivotModel,
    R: PivotModel,
    Pv: Pivot,
    D: Side<Pv, P, R>,
{
    /// Also loads `relations`.
    pub fn with(mut self, relations: impl IntoWith<R>) -> Self {
        match relations.into_with() {
            Ok(loads) => self.loads.extend(loads),
            Err(error) => {
                self.error.get_or_insert(error);
            }
        }
        self
    }

    /// The related rows with their pivot rows and their relations loaded.
    pub async fn get(self, db: &Db) -> Result<Vec<WithPivot<Loaded<R>, Pv>>> {
        if let Some(error) = self.error {
            return Err(error.into());
        }
        let joined = self.query.get(db).await?;
        let (rows, pivots): (Vec<R>, Vec<Pv>) =
            joined.into_iter().map(|j| (j.row, j.pivot)).unzip();
        let mut loaded: Vec<Loaded<R>> = rows.into_iter().map(Loaded::new).collect();
        for load in &self.loads {
            load.apply(db, &mut loaded, EAGER_CONCURRENCY).await?;
        }
        Ok(loaded
            .into_iter()
            .zip(pivots)
            .map(|(row, pivot)| WithPivot { row, pivot })
            .collect())
    }

    /// The first related row, with its relations loaded.
    pub async fn first(mut self, db: &Db) -> Result<Option<WithPivot<Loaded<R>, Pv>>> {
        self.query = self.query.limit(1);
        Ok(self.get(db).await?.into_iter().next())
    }
}

/// The read of one parent's pivot partition in direction `D`: its rows, or (`count`)
/// how many there are.
pub(crate) fn pivot_read<Pv, P: Model, R: Model, D: Side<Pv, P, R>>(count: bool) -> String {
    let conditions = vec![Cond::eq(D::OWN_COLUMN)];
    if count {
        Statement::count(D::TABLE, conditions).render()
    } else {
        Statement::select_all(D::TABLE, conditions).render()
    }
}
