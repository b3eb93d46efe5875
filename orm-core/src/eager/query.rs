//! A model query that also loads relations: `Model::query().with(...)`.

use derive_where::derive_where;
use futures::future::try_join_all;

use crate::db::Db;
use crate::eager::spec::{Mode, Outcome};
use crate::eager::{DEFAULT_CONCURRENCY, Eager, EagerSpec, IntoWith, Loaded, With, eager};
use crate::error::Result;
use crate::explain::Explain;
use crate::model::Model;
use crate::options::Configure;
use crate::query::{QueryError, Select};
use crate::trace::Operation;

/// A [`Select`] on `M` plus relations to load for its rows; built by [`Select::with`],
/// [`Select::with_count`], [`Select::has`] or [`Select::where_has`], and by `with` on a
/// relation.
#[must_use = "a query does nothing until it is run: call `get`, `first`, `stream`, ... with a `Db`"]
#[derive_where(Debug)]
pub struct EagerQuery<M> {
    select: Select<M>,
    loads: Vec<With<M>>,
    counts: Vec<With<M>>,
    filters: Vec<With<M>>,
    concurrency: usize,
    error: Option<QueryError>,
}

impl<M: Model> Select<M> {
    /// Also loads `relations` for each row: `with(User::posts_relation)`,
    /// `with("posts.comments")`, `with(["comments", "tags"])`, or an [`EagerSpec`].
    pub fn with(self, relations: impl IntoWith<M>) -> EagerQuery<M> {
        EagerQuery::new(self).with(relations)
    }

    /// Also counts each row's related rows (`with_count`).
    pub fn with_count(self, relations: impl IntoWith<M>) -> EagerQuery<M> {
        EagerQuery::new(self).with_count(relations)
    }

    /// Keeps only rows that have at least one related row.
    pub fn has(self, relations: impl IntoWith<M>) -> EagerQuery<M> {
        EagerQuery::new(self).has(relations)
    }

    /// Keeps only rows that have at least one related row matching `constraint`.
    pub fn where_has<F, Rel>(
        self,
        accessor: F,
        constraint: impl Fn(Rel::Query) -> Rel::Query + Send + Sync + 'static,
    ) -> EagerQuery<M>
    where
        F: Fn(&M) -> Rel + Send + Sync + 'static,
        Rel: Eager<M>,
    {
        EagerQuery::new(self).where_has(accessor, constraint)
    }
}

impl<M: Model> EagerQuery<M> {
    pub(crate) fn new(select: Select<M>) -> Self {
        EagerQuery {
            select,
            loads: Vec::new(),
            counts: Vec::new(),
            filters: Vec::new(),
            concurrency: DEFAULT_CONCURRENCY,
            error: None,
        }
    }

    fn add(mut self, mode: Mode, relations: impl IntoWith<M>) -> Self {
        match relations.into_with() {
            Ok(items) => match mode {
                Mode::Load => self.loads.extend(items),
                Mode::Count => self.counts.extend(items),
                Mode::Has => self.filters.extend(items),
            },
            Err(error) => {
                self.error.get_or_insert(error);
            }
        }
        self
    }

    /// Also loads `relations`; see [`Select::with`].
    pub fn with(self, relations: impl IntoWith<M>) -> Self {
        self.add(Mode::Load, relations)
    }

    /// Also counts related rows; see [`Select::with_count`].
    pub fn with_count(self, relations: impl IntoWith<M>) -> Self {
        self.add(Mode::Count, relations)
    }

    /// Keeps only rows with related rows; see [`Select::has`].
    pub fn has(self, relations: impl IntoWith<M>) -> Self {
        self.add(Mode::Has, relations)
    }

    /// Keeps only rows with matching related rows; see [`Select::where_has`].
    pub fn where_has<F, Rel>(
        self,
        accessor: F,
        constraint: impl Fn(Rel::Query) -> Rel::Query + Send + Sync + 'static,
    ) -> Self
    where
        F: Fn(&M) -> Rel + Send + Sync + 'static,
        Rel: Eager<M>,
    {
        let spec: EagerSpec<M, F, Rel> = eager(accessor).constrain(constraint);
        self.add(Mode::Has, spec)
    }

    /// How many distinct keys each relation loads at once (default [`DEFAULT_CONCURRENCY`]).
    pub fn concurrency(mut self, requests: usize) -> Self {
        self.concurrency = requests.max(1);
        self
    }

    /// What [`get`](Self::get) will send, without contacting the server: the query's
    /// statement, then for each relation level one statement per distinct parent key,
    /// [`concurrency`](Self::concurrency) at a time; see [`crate::explain`].
    ///
    /// # Example
    /// ```
    /// use orm_core::prelude::*;
    ///
    /// #[derive(Model)]
    /// #[has_many(Post, foreign_key = "user_id")]
    /// struct User {
    ///     #[orm(partition_key)]
    ///     id: i64,
    /// }
    ///
    /// #[derive(Model)]
    /// struct Post {
    ///     #[orm(partition_key)]
    ///     user_id: i64,
    ///     #[orm(clustering_key)]
    ///     id: i64,
    /// }
    ///
    /// let plan = User::query()
    ///     .filter(User::ID.in_([1, 2, 3]))
    ///     .with(User::posts_relation)
    ///     .explain()
    ///     .unwrap();
    /// assert_eq!(plan.statements.len(), 2);
    /// assert_eq!(
    ///     plan.statements[1].to_string(),
    ///     r#"[1 per distinct parent key of `posts`, 32 at a time] single partition: SELECT "user_id", "id" FROM "post" WHERE "user_id" = ?"#
    /// );
    /// // 3 users: 1 + 3 requests.
    /// assert_eq!(plan.requests(|_| 3), 4);
    /// ```
    pub fn explain(&self) -> Result<Explain, QueryError> {
        self.plan(self.select.explain()?)
    }

    /// What [`first`](Self::first) will send.
    pub fn explain_first(&self) -> Result<Explain, QueryError> {
        self.plan(self.select.explain_first()?)
    }

    /// `top` (the query's own plan) followed by the relation levels.
    fn plan(&self, top: Explain) -> Result<Explain, QueryError> {
        if let Some(error) = &self.error {
            return Err(error.clone());
        }
        let mut statements = top.statements;
        let levels = self
            .filters
            .iter()
            .map(|item| (Mode::Has, item))
            .chain(self.loads.iter().map(|item| (Mode::Load, item)))
            .chain(self.counts.iter().map(|item| (Mode::Count, item)));
        for (mode, item) in levels {
            item.explain(mode, "", self.concurrency, &mut statements)?;
        }
        Ok(Explain::of(statements, self.select.options()))
    }

    /// The rows, with their relations loaded.
    pub async fn get(self, db: &Db) -> Result<Vec<Loaded<M>>> {
        Operation::start(db, M::TABLE, "eager get", "SELECT", self.select.options())
            .explained(|| self.explain().ok())
            .run(self.get_untraced(db), |rows| Some(rows.len()), |_| None)
            .await
    }

    async fn get_untraced(self, db: &Db) -> Result<Vec<Loaded<M>>> {
        let (select, plan) = self.split()?;
        let rows = select.get(db).await?;
        plan.load(db, rows).await
    }

    /// The first row, with its relations loaded.
    pub async fn first(self, db: &Db) -> Result<Option<Loaded<M>>> {
        let rows = |row: &Option<Loaded<M>>| Some(usize::from(row.is_some()));
        Operation::start(db, M::TABLE, "eager first", "SELECT", self.select.options())
            .explained(|| self.explain_first().ok())
            .run(self.first_untraced(db), rows, |_| None)
            .await
    }

    async fn first_untraced(self, db: &Db) -> Result<Option<Loaded<M>>> {
        let (select, plan) = self.split()?;
        let row = select.first(db).await?;
        Ok(plan.load(db, row).await?.pop())
    }

    fn split(self) -> Result<(Select<M>, Plan<M>)> {
        if let Some(error) = self.error {
            return Err(error.into());
        }
        let plan = Plan {
            loads: self.loads,
            counts: self.counts,
            filters: self.filters,
            concurrency: self.concurrency,
        };
        Ok((self.select, plan))
    }
}

/// What an [`EagerQuery`] does once its rows are read.
struct Plan<M> {
    loads: Vec<With<M>>,
    counts: Vec<With<M>>,
    filters: Vec<With<M>>,
    concurrency: usize,
}

impl<M: Model> Plan<M> {
    /// The rows just read (all of them, or the first), with the filters run and then all
    /// loads and counts concurrently: what `get` and `first` both do after their read.
    async fn load(&self, db: &Db, rows: impl IntoIterator<Item = M>) -> Result<Vec<Loaded<M>>> {
        let mut rows: Vec<Loaded<M>> = rows.into_iter().map(Loaded::new).collect();
        for filter in &self.filters {
            let kept = filter.fetch(Mode::Has, db, &rows, self.concurrency).await?;
            if let Outcome::Keep(keep) = kept {
                let mut keep = keep.into_iter();
                rows.retain(|_| keep.next().unwrap_or(false));
            }
        }
        let fetches = self
            .loads
            .iter()
            .map(|item| item.fetch(Mode::Load, db, &rows, self.concurrency))
            .chain(
                self.counts
                    .iter()
                    .map(|item| item.fetch(Mode::Count, db, &rows, self.concurrency)),
            );
        for outcome in try_join_all(fetches).await? {
            outcome.store(&mut rows);
        }
        Ok(rows)
    }
}

/// Loads `relations` into rows already read: `load(&db, users, User::posts_relation)`.
pub async fn load<M: Model>(
    db: &Db,
    rows: Vec<M>,
    relations: impl IntoWith<M>,
) -> Result<Vec<Loaded<M>>> {
    let mut loaded: Vec<Loaded<M>> = rows.into_iter().map(Loaded::new).collect();
    load_into(db, &mut loaded, relations).await?;
    Ok(loaded)
}

/// Loads `relations` into `rows` (more relations for rows already loaded).
pub async fn load_into<M: Model>(
    db: &Db,
    rows: &mut [Loaded<M>],
    relations: impl IntoWith<M>,
) -> Result<()> {
    for item in relations.into_with()? {
        item.apply(db, rows, DEFAULT_CONCURRENCY).await?;
    }
    Ok(())
}
