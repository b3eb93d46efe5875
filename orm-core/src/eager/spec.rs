//! What to eager-load: a relation with its constraint and nested relations
//! ([`EagerSpec`]), erased into a [`With`] so one query can load relations of different
//! types, and run as loads, counts or filters on the core (`core.rs`).

use std::any::{Any, TypeId};
use std::marker::PhantomData;
use std::sync::Arc;

use futures::future::BoxFuture;
use tracing::Instrument;

use crate::db::Db;
use crate::eager::core::PerParent;
use crate::eager::kinds::Per;
use crate::eager::{Eager, Loaded};
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

/// What one relation fetched for the parents, one entry per parent; stored afterwards,
/// so relations can be fetched concurrently and stored one after another.
pub(crate) enum Outcome {
    /// Each parent's rows, in the form the relation keeps them (`with`).
    Rows(&'static str, Vec<Arc<dyn Any + Send + Sync>>),
    /// Each parent's count (`with_count`).
    Counts(&'static str, Vec<i64>),
    /// Whether each parent has related rows (`has`).
    Keep(Vec<bool>),
}

impl Outcome {
    /// Stores rows or counts into the parents they were fetched for.
    pub(crate) fn store<P: Model>(self, parents: &mut [Loaded<P>]) {
        match self {
            Outcome::Rows(name, rows) => {
                for (parent, rows) in parents.iter_mut().zip(rows) {
                    parent.store(name, rows);
                }
            }
            Outcome::Counts(name, counts) => {
                for (parent, count) in parents.iter_mut().zip(counts) {
                    parent.store_count(name, count);
                }
            }
            Outcome::Keep(_) => {}
        }
    }
}

/// A constraint closure on a relation's query.
type Constraint<Q> = Arc<dyn Fn(Q) -> Q + Send + Sync>;

/// One relation to load for parents of type `P`, with its constraint and nested
/// relations: what [`IntoWith`](crate::eager::IntoWith) turns an accessor
/// (`User::posts_relation`), an [`EagerSpec`] or a relation name into.
pub struct With<P> {
    inner: Box<dyn Erased<P>>,
}

impl<P> std::fmt::Debug for With<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("With(..)")
    }
}

impl<P> With<P> {
    /// Fetches this relation (rows, counts or whether there are any) for `parents`.
    pub(crate) fn fetch<'a>(
        &'a self,
        mode: Mode,
        db: &'a Db,
        parents: &'a [Loaded<P>],
        concurrency: usize,
    ) -> BoxFuture<'a, Result<Outcome>> {
        self.inner.fetch(mode, db, parents, concurrency)
    }

    /// The relation's definition, for the relations the derive gives one.
    #[cfg_attr(not(feature = "factory"), allow(dead_code))]
    pub(crate) fn definition(&self) -> Option<&'static RelationDef> {
        self.inner.definition()
    }

    /// The relation's definition, from the relation `row`'s accessor returns (every kind
    /// has one this way; factories read the polymorphic kinds' with it).
    #[cfg_attr(not(feature = "factory"), allow(dead_code))]
    pub(crate) fn definition_for(&self, row: &P) -> &'static RelationDef {
        self.inner.definition_for(row)
    }

    /// Nests the relation at `path` (by name, on the related model) in this one.
    pub(crate) fn add_path(&mut self, path: &str) -> Result<(), QueryError> {
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

impl<P: Model> With<P> {
    /// The relation `accessor` leads to, with nothing nested; the derive's by-name table
    /// uses this.
    #[doc(hidden)]
    pub fn from_accessor<F, Rel>(accessor: F) -> Self
    where
        F: Fn(&P) -> Rel + Send + Sync + 'static,
        Rel: Eager<P>,
    {
        With::new(eager(accessor))
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
        With::new(spec)
    }

    /// `spec`, erased.
    pub(crate) fn new<F, Rel>(spec: EagerSpec<P, F, Rel>) -> Self
    where
        F: Fn(&P) -> Rel + Send + Sync + 'static,
        Rel: Eager<P>,
    {
        With {
            inner: Box::new(spec),
        }
    }

    /// Loads this relation into `parents`.
    pub(crate) async fn apply(
        &self,
        db: &Db,
        parents: &mut [Loaded<P>],
        concurrency: usize,
    ) -> Result<()> {
        self.fetch(Mode::Load, db, parents, concurrency)
            .await?
            .store(parents);
        Ok(())
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

impl<P, F, Rel: Eager<P>> std::fmt::Debug for EagerSpec<P, F, Rel> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EagerSpec")
            .field("relation", &self.def.map(|def| def().name))
            .field("constrained", &self.constraint.is_some())
            .field("nested", &self.nested)
            .field("error", &self.error)
            .finish_non_exhaustive()
    }
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
    pub fn with(mut self, nested: impl crate::eager::IntoWith<Rel::Child>) -> Self {
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

    /// Why this spec cannot load (a bad nested name), if so.
    pub(crate) fn error(&self) -> Option<&QueryError> {
        self.error.as_ref()
    }
}

impl<P, F, Rel> EagerSpec<P, F, Rel>
where
    P: Model,
    F: Fn(&P) -> Rel + Send + Sync + 'static,
    Rel: Eager<P>,
{
    /// Loads, counts or checks this relation for `parents`: the accessor on each parent,
    /// their keys grouped (the core's step 1), then the relation kind's `load` or
    /// `count`, inside a span for this level.
    async fn run(
        &self,
        mode: Mode,
        db: &Db,
        parents: &[Loaded<P>],
        concurrency: usize,
    ) -> Result<Outcome> {
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
        let def = first.definition();
        let grouped = PerParent::group(
            relations
                .iter()
                .map(|relation| Some((relation.key()?, relation))),
        );
        let constraint = self.constraint.as_deref();
        let concurrency = concurrency.max(1);
        // A child of the load's span (or of the level above) per relation level.
        let level = tracing::info_span!(
            target: "orm_core",
            "orm.level",
            relation = def.name,
            related = def.related,
            mode = mode.as_str(),
            parents = parents.len(),
            distinct_keys = grouped.distinct().len(),
            concurrency,
        );
        async move {
            match mode {
                Mode::Load => {
                    let stored =
                        Rel::load(grouped, db, constraint, &self.nested, concurrency).await?;
                    Ok(Outcome::Rows(def.name, shared(stored)))
                }
                Mode::Count | Mode::Has => {
                    let counts = Rel::count(grouped, db, constraint, concurrency).await?;
                    let counts = counts.iter().map(|count| count.copied().unwrap_or(0));
                    Ok(match mode {
                        Mode::Has => Outcome::Keep(counts.map(|count| count > 0).collect()),
                        _ => Outcome::Counts(def.name, counts.collect()),
                    })
                }
            }
        }
        .instrument(level)
        .await
    }
}

/// Each parent's rows as [`Loaded`] keeps them: parents with the same key share one
/// allocation; parents without a key share an empty one.
fn shared<S: Default + Send + Sync + 'static>(
    stored: PerParent<S>,
) -> Vec<Arc<dyn Any + Send + Sync>> {
    let stored = stored.map(|rows| Arc::new(rows) as Arc<dyn Any + Send + Sync>);
    let empty: Arc<dyn Any + Send + Sync> = Arc::new(S::default());
    stored
        .iter()
        .map(|rows| Arc::clone(rows.unwrap_or(&empty)))
        .collect()
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
    ) -> BoxFuture<'a, Result<Outcome>>;

    fn add_path(&mut self, path: &str) -> Result<(), QueryError>;

    fn definition(&self) -> Option<&'static RelationDef>;

    fn definition_for(&self, row: &P) -> &'static RelationDef;

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
    ) -> BoxFuture<'a, Result<Outcome>> {
        Box::pin(self.run(mode, db, parents, concurrency))
    }

    fn add_path(&mut self, path: &str) -> Result<(), QueryError> {
        if let Some(error) = &self.error {
            return Err(error.clone());
        }
        self.nested
            .push(<Rel::Child as crate::eager::ChildModel>::by_path(path)?);
        Ok(())
    }

    fn definition(&self) -> Option<&'static RelationDef> {
        self.def.map(|def| def())
    }

    fn definition_for(&self, row: &P) -> &'static RelationDef {
        (self.accessor)(row).definition()
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
        let def = def.or_else(Rel::static_definition);
        let def = def.ok_or_else(|| QueryError::NotExplained {
            relation: format!("a relation of {}", P::TABLE.model),
            reason: "only the accessors the derive generates and custom relationships can be explained",
        })?;
        let path = if parent_path.is_empty() {
            def.name.to_owned()
        } else {
            format!("{parent_path}.{}", def.name)
        };
        let level = Rel::explain_level(def, self.constraint.as_deref(), mode != Mode::Load)
            .map_err(|error| match error {
                QueryError::NotExplained { reason, .. } => QueryError::NotExplained {
                    relation: path.clone(),
                    reason,
                },
                other => other,
            })?;
        let concurrency = concurrency.max(1);
        for statement in level {
            let relation = path.clone();
            let count = match statement.per {
                Per::DistinctKey => StatementCount::PerDistinctKey {
                    relation,
                    concurrency,
                },
                Per::RelatedRow => StatementCount::PerRelatedRow {
                    relation,
                    concurrency,
                },
                Per::Owner(type_name) => StatementCount::PerOwnerKey {
                    relation,
                    type_name: type_name.to_owned(),
                    concurrency,
                },
            };
            out.push(PlannedStatement::new(
                statement.cql,
                Some(statement.access_path),
                count,
                // Each parent's query runs with the settings the constraint gives it; the
                // relation's own statement with the session's.
                &StatementOptions::default(),
            ));
        }
        if mode == Mode::Load {
            for nested in &self.nested {
                nested.explain(Mode::Load, &path, concurrency, out)?;
            }
        }
        Ok(())
    }
}
