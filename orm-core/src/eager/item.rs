//! What to eager-load: a relation (typed or by name), its constraint and nested relations.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use futures::future::BoxFuture;
use futures::{StreamExt, TryStreamExt, stream};
use tracing::Instrument;

use crate::db::Db;
use crate::eager::impls::ShapeCache;
use crate::eager::{Eager, Loaded, NotNestable};
use crate::error::Result;
use crate::explain::{PlannedStatement, StatementCount};
use crate::model::Model;
use crate::options::StatementOptions;
use crate::query::QueryError;
use crate::relation::RelationDef;

/// What loading one relation for many parents does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Load the rows (`with`).
    Load,
    /// Count them (`with_count`).
    Count,
    /// Keep only parents that have some (`has`, `where_has`).
    Has,
}

impl Mode {
    /// The mode's name in spans.
    fn as_str(self) -> &'static str {
        match self {
            Mode::Load => "load",
            Mode::Count => "count",
            Mode::Has => "has",
        }
    }
}

/// Stores fetched rows (or counts) into the parents they belong to.
pub(crate) type Assign<P> = Box<dyn FnOnce(&mut [Loaded<P>]) + Send>;

/// A constraint closure on a relation's query.
type Constraint<Q> = Arc<dyn Fn(Q) -> Q + Send + Sync>;

/// The result of a fetch, applied to the parents afterwards (so relations can be fetched
/// concurrently and stored one after another).
pub(crate) enum Outcome<P> {
    Assign(Assign<P>),
    Keep(Vec<bool>),
}

/// One relation to eager-load for parents of type `P`, with its constraint and nested
/// relations. Built from an accessor (`User::posts_relation`), an [`EagerSpec`], or a
/// relation name.
pub struct With<P> {
    inner: Box<dyn Erased<P>>,
}

impl<P> std::fmt::Debug for With<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("With(..)")
    }
}

impl<P: Model> With<P> {
    /// The relation `accessor` leads to, with nothing nested; the derive's by-name table
    /// uses this.
    #[doc(hidden)]
    pub fn from_accessor<F, Rel>(accessor: F) -> Self
    where
        F: Fn(&P) -> Rel + Send + Sync + 'static,
        Rel: Eager<P>,
    {
        With {
            inner: Box::new(eager(accessor)),
        }
    }

    /// [`from_accessor`](Self::from_accessor), with the relation's definition (for
    /// `explain()`, which has no row to call the accessor on).
    #[doc(hidden)]
    pub fn from_accessor_def<F, Rel>(accessor: F, def: fn() -> &'static RelationDef) -> Self
    where
        F: Fn(&P) -> Rel + Send + Sync + 'static,
        Rel: Eager<P>,
    {
        let mut spec = eager(accessor);
        spec.def = Some(def);
        With {
            inner: Box::new(spec),
        }
    }

    pub(crate) fn fetch<'a>(
        &'a self,
        mode: Mode,
        db: &'a Db,
        parents: &'a [Loaded<P>],
        concurrency: usize,
    ) -> BoxFuture<'a, Result<Outcome<P>>> {
        self.inner.fetch(mode, db, parents, concurrency)
    }

    /// Loads this relation into `parents`.
    pub(crate) async fn apply(
        &self,
        db: &Db,
        parents: &mut [Loaded<P>],
        concurrency: usize,
    ) -> Result<()> {
        if let Outcome::Assign(assign) = self.fetch(Mode::Load, db, parents, concurrency).await? {
            assign(parents);
        }
        Ok(())
    }

    fn add_path(&mut self, path: &str) -> Result<(), QueryError> {
        self.inner.add_path(path)
    }

    /// Appends the statements this relation (and what is nested in it) sends for each
    /// distinct key, below the relation path `parent_path` (empty at the top).
    pub(crate) fn explain(
        &self,
        mode: Mode,
        parent_path: &str,
        concurrency: usize,
        out: &mut Vec<PlannedStatement>,
    ) -> Result<(), QueryError> {
        self.inner.explain(mode, parent_path, concurrency, out)
    }
}

/// A typed eager-load of the relation `accessor` returns, to refine with nested
/// relations and a constraint. Start one with [`eager`].
///
/// # Example
/// ```no_run
/// # use orm_core::prelude::*;
/// # use orm_core::eager::eager;
/// # #[derive(Model)] #[has_many(Post, foreign_key = "user_id")] struct User { #[orm(partition_key)] id: i64 }
/// # #[derive(Model)] #[has_many(Comment, foreign_key = "post_id")] struct Post { #[orm(partition_key)] user_id: i64, #[orm(clustering_key)] id: i64 }
/// # #[derive(Model)] struct Comment { #[orm(partition_key)] post_id: i64, #[orm(clustering_key)] id: i64 }
/// # async fn run(db: &Db) -> orm_core::Result<()> {
/// let users = User::query()
///     .filter(User::ID.in_([1, 2, 3]))
///     .with(
///         eager(User::posts_relation)
///             .constrain(|posts| posts.limit(5))
///             .with(Post::comments_relation),
///     )
///     .get(db)
///     .await?;
/// for user in &users {
///     for post in user.related(User::posts_relation)? {
///         println!("{} comments", post.related(Post::comments_relation)?.len());
///     }
/// }
/// # Ok(()) }
/// ```
pub struct EagerSpec<P, F, Rel: Eager<P>> {
    accessor: F,
    constraint: Option<Constraint<Rel::Query>>,
    nested: Vec<With<Rel::Child>>,
    error: Option<QueryError>,
    /// The relation's definition when known without a row (a by-name path's).
    def: Option<fn() -> &'static RelationDef>,
    _parent: PhantomData<fn(&P)>,
}

/// Starts an eager-load of the relation `accessor` returns (`User::posts_relation`).
pub fn eager<P, F, Rel>(accessor: F) -> EagerSpec<P, F, Rel>
where
    F: Fn(&P) -> Rel + Send + Sync + 'static,
    Rel: Eager<P>,
{
    EagerSpec {
        accessor,
        constraint: None,
        nested: Vec::new(),
        error: None,
        def: None,
        _parent: PhantomData,
    }
}

impl<P, F, Rel> EagerSpec<P, F, Rel>
where
    F: Fn(&P) -> Rel + Send + Sync + 'static,
    Rel: Eager<P>,
{
    /// Also loads `nested` on every related row (the next level of the path).
    pub fn with(mut self, nested: impl IntoWith<Rel::Child>) -> Self {
        match nested.into_with() {
            Ok(items) => self.nested.extend(items),
            Err(error) => {
                self.error.get_or_insert(error);
            }
        }
        self
    }

    /// Changes each parent's related query: conditions, ordering, a per-parent `limit`.
    pub fn constrain(
        mut self,
        constraint: impl Fn(Rel::Query) -> Rel::Query + Send + Sync + 'static,
    ) -> Self {
        self.constraint = Some(Arc::new(constraint));
        self
    }
}

/// The type-erased face of an [`EagerSpec`], so one query can load relations of
/// different types.
trait Erased<P>: Send + Sync {
    fn fetch<'a>(
        &'a self,
        mode: Mode,
        db: &'a Db,
        parents: &'a [Loaded<P>],
        concurrency: usize,
    ) -> BoxFuture<'a, Result<Outcome<P>>>;

    fn add_path(&mut self, path: &str) -> Result<(), QueryError>;

    fn explain(
        &self,
        mode: Mode,
        parent_path: &str,
        concurrency: usize,
        out: &mut Vec<PlannedStatement>,
    ) -> Result<(), QueryError>;
}

impl<P, F, Rel> Erased<P> for EagerSpec<P, F, Rel>
where
    P: Model,
    F: Fn(&P) -> Rel + Send + Sync + 'static,
    Rel: Eager<P>,
{
    fn fetch<'a>(
        &'a self,
        mode: Mode,
        db: &'a Db,
        parents: &'a [Loaded<P>],
        concurrency: usize,
    ) -> BoxFuture<'a, Result<Outcome<P>>> {
        Box::pin(self.run(mode, db, parents, concurrency))
    }

    fn add_path(&mut self, path: &str) -> Result<(), QueryError> {
        if let Some(error) = &self.error {
            return Err(error.clone());
        }
        self.nested.push(Rel::Child::by_path(path)?);
        Ok(())
    }

    fn explain(
        &self,
        mode: Mode,
        parent_path: &str,
        concurrency: usize,
        out: &mut Vec<PlannedStatement>,
    ) -> Result<(), QueryError> {
        if let Some(error) = &self.error {
            return Err(error.clone());
        }
        // No parent row to call the accessor on: the derive maps accessors to their
        // definitions by type.
        let def = self.def.map(|def| def());
        let def = def.or_else(|| P::__relation_def(TypeId::of::<F>()));
        let def = def.ok_or_else(|| QueryError::NotExplained {
            relation: format!("a relation of {}", P::TABLE.model),
            reason: "only the accessors the derive generates can be explained",
        })?;
        let path = if parent_path.is_empty() {
            def.name.to_owned()
        } else {
            format!("{parent_path}.{}", def.name)
        };
        let (cql, access_path) =
            Rel::explain_level(def, self.constraint.as_deref(), mode != Mode::Load).map_err(
                |error| match error {
                    QueryError::NotExplained { reason, .. } => QueryError::NotExplained {
                        relation: path.clone(),
                        reason,
                    },
                    other => other,
                },
            )?;
        out.push(PlannedStatement::new(
            cql,
            Some(access_path),
            StatementCount::PerDistinctKey {
                relation: path.clone(),
                concurrency: concurrency.max(1),
            },
            // Each parent's query runs with the settings the constraint gives it; the
            // relation's own statement with the session's.
            &StatementOptions::default(),
        ));
        if mode == Mode::Load {
            for nested in &self.nested {
                nested.inner.explain(Mode::Load, &path, concurrency, out)?;
            }
        }
        Ok(())
    }
}

impl<P, F, Rel> EagerSpec<P, F, Rel>
where
    P: Model,
    F: Fn(&P) -> Rel + Send + Sync + 'static,
    Rel: Eager<P>,
{
    async fn run(
        &self,
        mode: Mode,
        db: &Db,
        parents: &[Loaded<P>],
        concurrency: usize,
    ) -> Result<Outcome<P>> {
        if let Some(error) = &self.error {
            return Err(error.clone().into());
        }
        let relations: Vec<Rel> = parents
            .iter()
            .map(|parent| (self.accessor)(parent.model()))
            .collect();
        let Some(first) = relations.first() else {
            return Ok(Outcome::Keep(Vec::new()));
        };
        let name = first.definition().name;

        // Parents with equal keys share one fetch.
        let mut index: HashMap<Rel::Key, usize> = HashMap::new();
        let mut distinct: Vec<&Rel> = Vec::new();
        let slots: Vec<Option<usize>> = relations
            .iter()
            .map(|relation| {
                let key = relation.key()?;
                Some(match index.entry(key) {
                    Entry::Occupied(slot) => *slot.get(),
                    Entry::Vacant(slot) => {
                        distinct.push(relation);
                        *slot.insert(distinct.len() - 1)
                    }
                })
            })
            .collect();
        let constraint = self.constraint.as_deref();
        let concurrency = concurrency.max(1);
        // A child of the load's span (or of the level above) per relation level.
        let level = tracing::info_span!(
            target: "orm_core",
            "orm.level",
            relation = name,
            related = first.definition().related,
            mode = mode.as_str(),
            parents = parents.len(),
            distinct_keys = distinct.len(),
            concurrency,
        );

        async move {
            match mode {
                Mode::Load => {
                    // The futures are built before the stream so that it holds no closure over
                    // borrowed relations (which would keep the whole future from being `Send`).
                    let shape = ShapeCache::default();
                    let fetches: Vec<_> = distinct
                        .iter()
                        .map(|relation| relation.fetch(db, constraint, &shape))
                        .collect();
                    let fetched = in_order(fetches, concurrency).await?;
                    let fetched = first
                        .finish(db, constraint, fetched, &self.nested, concurrency)
                        .await?;
                    let stored: Vec<Arc<dyn Any + Send + Sync>> = fetched
                        .into_iter()
                        .map(|rows| Arc::new(Rel::store(rows)) as Arc<dyn Any + Send + Sync>)
                        .collect();
                    let empty: Arc<dyn Any + Send + Sync> = Arc::new(Rel::store(Vec::new()));
                    Ok(Outcome::Assign(Box::new(
                        move |parents: &mut [Loaded<P>]| {
                            for (parent, slot) in parents.iter_mut().zip(slots) {
                                let value = slot
                                    .map_or_else(|| Arc::clone(&empty), |i| Arc::clone(&stored[i]));
                                parent.store(name, value);
                            }
                        },
                    )))
                }
                Mode::Count | Mode::Has => {
                    let shape = ShapeCache::default();
                    let fetches: Vec<_> = distinct
                        .iter()
                        .map(|relation| relation.count(db, constraint, &shape))
                        .collect();
                    let counts: Vec<i64> = in_order(fetches, concurrency).await?;
                    let per_parent: Vec<i64> = slots
                        .iter()
                        .map(|slot| slot.map_or(0, |i| counts[i]))
                        .collect();
                    if mode == Mode::Has {
                        return Ok(Outcome::Keep(
                            per_parent.iter().map(|count| *count > 0).collect(),
                        ));
                    }
                    Ok(Outcome::Assign(Box::new(
                        move |parents: &mut [Loaded<P>]| {
                            for (parent, count) in parents.iter_mut().zip(per_parent) {
                                parent.store_count(name, count);
                            }
                        },
                    )))
                }
            }
        }
        .instrument(level)
        .await
    }
}

/// Runs `futures` at most `concurrency` at a time, in whatever order they finish (a slow
/// one does not hold back the others, as it would with `buffered`), and returns their
/// outputs in input order.
async fn in_order<'a, T: Send + 'a>(
    futures: Vec<BoxFuture<'a, Result<T>>>,
    concurrency: usize,
) -> Result<Vec<T>> {
    let count = futures.len();
    // Tagged before the stream is built, so it holds no closure (which would keep the
    // whole future from being `Send`).
    let tagged: Vec<Tagged<'a, T>> = futures
        .into_iter()
        .enumerate()
        .map(|(index, future)| Tagged { index, future })
        .collect();
    let mut outputs: Vec<Option<T>> = std::iter::repeat_with(|| None).take(count).collect();
    let mut finished = stream::iter(tagged).buffer_unordered(concurrency);
    while let Some((index, output)) = finished.try_next().await? {
        outputs[index] = Some(output);
    }
    Ok(outputs.into_iter().flatten().collect())
}

/// A fetch that remembers its place in the input, without another allocation.
struct Tagged<'a, T> {
    index: usize,
    future: BoxFuture<'a, Result<T>>,
}

impl<T> Future for Tagged<'_, T> {
    type Output = Result<(usize, T)>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let index = self.index;
        self.future
            .as_mut()
            .poll(cx)
            .map(|output| output.map(|value| (index, value)))
    }
}

/// Something `with(...)` accepts: an accessor (`User::posts_relation`), an
/// [`EagerSpec`], a [`With`], a relation path (`"posts.comments"`), or several paths.
pub trait IntoWith<P> {
    /// The relations to load, or why a name is not one.
    fn into_with(self) -> Result<Vec<With<P>>, QueryError>;
}

impl<P, F, Rel> IntoWith<P> for F
where
    P: Model,
    F: Fn(&P) -> Rel + Send + Sync + 'static,
    Rel: Eager<P>,
{
    fn into_with(self) -> Result<Vec<With<P>>, QueryError> {
        Ok(vec![With::from_accessor(self)])
    }
}

impl<P, F, Rel> IntoWith<P> for EagerSpec<P, F, Rel>
where
    P: Model,
    F: Fn(&P) -> Rel + Send + Sync + 'static,
    Rel: Eager<P>,
{
    fn into_with(self) -> Result<Vec<With<P>>, QueryError> {
        if let Some(error) = self.error {
            return Err(error);
        }
        Ok(vec![With {
            inner: Box::new(self),
        }])
    }
}

impl<P> IntoWith<P> for With<P> {
    fn into_with(self) -> Result<Vec<With<P>>, QueryError> {
        Ok(vec![self])
    }
}

impl<P: ChildModel> IntoWith<P> for &str {
    fn into_with(self) -> Result<Vec<With<P>>, QueryError> {
        P::by_path(self).map(|item| vec![item])
    }
}

impl<P: ChildModel, const N: usize> IntoWith<P> for [&str; N] {
    fn into_with(self) -> Result<Vec<With<P>>, QueryError> {
        self.into_iter().map(P::by_path).collect()
    }
}

impl<P: ChildModel> IntoWith<P> for Vec<&str> {
    fn into_with(self) -> Result<Vec<With<P>>, QueryError> {
        self.into_iter().map(P::by_path).collect()
    }
}

/// A type nested relations can load on: every model, and [`NotNestable`] (which has none).
pub trait ChildModel: Sized {
    /// The relation at `path` (`"posts"` or `"posts.comments"`), by name.
    fn by_path(path: &str) -> Result<With<Self>, QueryError>;
}

impl<M: Model> ChildModel for M {
    fn by_path(path: &str) -> Result<With<M>, QueryError> {
        super::path::check(path)?;
        let (first, rest) = match path.split_once('.') {
            Some((first, rest)) => (first.trim(), Some(rest)),
            None => (path.trim(), None),
        };
        let mut item = M::__eager(first).ok_or_else(|| QueryError::UnknownRelation {
            model: M::TABLE.model,
            relation: super::path::shown(first),
            valid: M::__RELATIONS.to_vec(),
        })?;
        if let Some(rest) = rest {
            item.add_path(rest)?;
        }
        Ok(item)
    }
}

impl ChildModel for NotNestable {
    fn by_path(path: &str) -> Result<With<Self>, QueryError> {
        Err(QueryError::NotNestable {
            relation: super::path::shown(path),
        })
    }
}
