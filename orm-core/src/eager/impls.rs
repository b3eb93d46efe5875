//! How each relation kind loads for many parents: the [`Eager`] trait and its impls.

use std::collections::{HashMap, HashSet};
use std::hash::Hash;
use std::sync::Arc;

use futures::future::BoxFuture;
use futures::{StreamExt, TryStreamExt, stream};
use scylla::statement::prepared::PreparedStatement;

use crate::cql_type::FieldType;
use crate::db::{Cql, Db};
use crate::eager::{GroupKey, Loaded, With};
use crate::error::{Error, Result};
use crate::model::Model;
use crate::query::{AccessPath, QueryError, Select};
use crate::relation::{
    BelongsTo, BelongsToMany, BelongsToManyQuery, HasMany, HasOne, MorphTargets, MorphTo, Pivot,
    PivotKey, RelationDef, Side, WithPivot,
};

/// A relation kind whose related rows cannot have relations of their own loaded: a
/// `morph_to`, whose rows are an enum of owner types.
pub enum NotNestable {}

/// The constraint type of relations that take none (`morph_to`).
#[derive(Debug, Clone, Copy)]
pub struct NoQuery;

/// A relation that eager loading can load for many parents `P`.
///
/// Implemented for every relation type the derive generates. Eager loading calls the
/// relation accessor on each parent, groups parents by [`key`](Eager::key), runs
/// [`fetch`](Eager::fetch) once per distinct key, and gives each parent the
/// [`Stored`](Eager::Stored) form of its rows.
pub trait Eager<P>: Send + Sync + Sized + 'static {
    /// What identifies the rows of one parent; parents with equal keys share one fetch.
    type Key: Eq + Hash + Clone + Send + Sync + 'static;
    /// What a constraint closure receives and returns (`Select<R>` for most relations).
    type Query: Send + 'static;
    /// What one fetch returns per row, before [`finish`](Eager::finish).
    type Fetched: Send + Sync + 'static;
    /// One related row as parents keep it.
    type Row: Send + Sync + 'static;
    /// What each parent keeps: `Vec<Loaded<R>>`, `Option<Loaded<R>>`, ...
    type Stored: Send + Sync + 'static;
    /// The model nested relations load on, or [`NotNestable`].
    type Child: crate::eager::item::ChildModel;

    /// The relation as declared.
    fn definition(&self) -> &'static RelationDef;
    /// This parent's key, or `None` when it has none (it then gets no rows).
    fn key(&self) -> Option<Self::Key>;
    /// The rows of this parent, with `constraint` applied to the query.
    /// `shape` caches the CQL text across the parents of one load: every parent's query
    /// has the same shape, only the values differ.
    fn fetch<'a>(
        &'a self,
        db: &'a Db,
        constraint: Option<&'a (dyn Fn(Self::Query) -> Self::Query + Send + Sync)>,
        shape: &'a ShapeCache,
    ) -> BoxFuture<'a, Result<Vec<Self::Fetched>>>;
    /// Completes the rows fetched for every distinct key at once, and loads `nested` into
    /// all of them together (a many-to-many reads each distinct related row once here).
    /// Called on one of the relations.
    fn finish<'a>(
        &'a self,
        db: &'a Db,
        constraint: Option<&'a (dyn Fn(Self::Query) -> Self::Query + Send + Sync)>,
        fetched: Vec<Vec<Self::Fetched>>,
        nested: &'a [With<Self::Child>],
        concurrency: usize,
    ) -> BoxFuture<'a, Result<Vec<Vec<Self::Row>>>>;
    /// How many rows this parent has. `shape` caches the statement across the parents of
    /// one load, as in [`fetch`](Eager::fetch).
    fn count<'a>(
        &'a self,
        db: &'a Db,
        constraint: Option<&'a (dyn Fn(Self::Query) -> Self::Query + Send + Sync)>,
        shape: &'a ShapeCache,
    ) -> BoxFuture<'a, Result<i64>>;
    /// A parent's rows in the form it keeps them.
    fn store(rows: Vec<Self::Row>) -> Self::Stored;

    /// The statement [`fetch`](Eager::fetch) sends for each distinct key of the relation
    /// `def` (mode `count`: [`count`](Eager::count)'s), with `constraint` applied, for
    /// `explain()`.
    #[doc(hidden)]
    fn explain_level(
        def: &'static RelationDef,
        constraint: Constraint<'_, Self::Query>,
        count: bool,
    ) -> Result<(String, AccessPath), QueryError> {
        let _ = (constraint, count);
        Err(QueryError::NotExplained {
            relation: def.name.to_owned(),
            reason: "its reads depend on the rows read first (many-to-many and morph_to loads)",
        })
    }
}

type Constraint<'a, Q> = Option<&'a (dyn Fn(Q) -> Q + Send + Sync)>;

fn constrained<Q>(query: Q, constraint: Constraint<'_, Q>) -> Q {
    match constraint {
        Some(constrain) => constrain(query),
        None => query,
    }
}

async fn load_rows<R: Model>(
    query: Select<R>,
    many: bool,
    db: &Db,
    shape: &ShapeCache,
) -> Result<Vec<Loaded<R>>> {
    let cql = shape.statement(db, || query.shape(!many)).await?;
    if many {
        query.get_shaped(db, cql, Loaded::new).await
    } else {
        let row = query.first_shaped(db, cql).await?;
        Ok(row.into_iter().map(Loaded::new).collect())
    }
}

/// `SELECT COUNT(*)` of one parent's related rows, through the load's shared statement.
async fn count_rows<R: Model>(query: Select<R>, db: &Db, shape: &ShapeCache) -> Result<i64> {
    let cql = shape.statement(db, || query.count_shape()).await?;
    query.count_shaped(db, cql).await
}

/// The statement shared by the queries of one eager load: every parent's query has the
/// same shape and only its values differ, so it is rendered and prepared once per load.
#[derive(Debug, Default)]
pub struct ShapeCache(tokio::sync::OnceCell<Shape>);

#[derive(Debug)]
struct Shape {
    cql: String,
    prepared: Arc<PreparedStatement>,
}

impl ShapeCache {
    /// The load's statement: the first caller renders it with `render` and prepares it;
    /// the others wait for that rather than each preparing it again.
    async fn statement(
        &self,
        db: &Db,
        render: impl FnOnce() -> Result<String, QueryError>,
    ) -> Result<Cql<'_>> {
        let shape = self
            .0
            .get_or_try_init(|| async {
                let cql = render()?;
                let prepared = db.prepared_text(&cql, db.default_timeout()).await?;
                Ok::<_, Error>(Shape { cql, prepared })
            })
            .await?;
        Ok(Cql::Prepared(&shape.cql, &shape.prepared))
    }
}

fn nested_models<'a, R: Model>(
    db: &'a Db,
    rows: &'a mut [Loaded<R>],
    nested: &'a [With<R>],
    concurrency: usize,
) -> BoxFuture<'a, Result<()>> {
    Box::pin(async move {
        for item in nested {
            item.apply(db, rows, concurrency).await?;
        }
        Ok(())
    })
}

/// Loads `nested` into every fetched row at once, then splits them back per parent.
async fn nest_grouped<R: Model>(
    db: &Db,
    fetched: Vec<Vec<Loaded<R>>>,
    nested: &[With<R>],
    concurrency: usize,
) -> Result<Vec<Vec<Loaded<R>>>> {
    if nested.is_empty() {
        return Ok(fetched);
    }
    let lengths: Vec<usize> = fetched.iter().map(Vec::len).collect();
    let mut flat: Vec<Loaded<R>> = fetched.into_iter().flatten().collect();
    nested_models(db, &mut flat, nested, concurrency).await?;
    let mut rows = flat.into_iter();
    Ok(lengths
        .into_iter()
        .map(|length| rows.by_ref().take(length).collect())
        .collect())
}

/// `has_many`, `has_one`, `belongs_to` (and the `morph_*` parents, which are the first two):
/// a constrained `Select` per parent.
macro_rules! select_relation {
    ($relation:ident, $many:expr, $stored:ty, |$rows:ident| $store:expr) => {
        impl<P, R, K> Eager<P> for $relation<P, R, K>
        where
            P: Model,
            R: Model,
            K: FieldType + GroupKey,
        {
            type Key = K::Grouped;
            type Query = Select<R>;
            type Fetched = Loaded<R>;
            type Row = Loaded<R>;
            type Stored = $stored;
            type Child = R;

            fn definition(&self) -> &'static RelationDef {
                crate::relation::Relation::definition(self)
            }

            fn key(&self) -> Option<K::Grouped> {
                self.get_parent_key().map(GroupKey::group)
            }

            fn fetch<'a>(
                &'a self,
                db: &'a Db,
                constraint: Constraint<'a, Select<R>>,
                shape: &'a ShapeCache,
            ) -> BoxFuture<'a, Result<Vec<Loaded<R>>>> {
                match constraint {
                    // Unconstrained, each parent's query is the relation's own fixed
                    // statement: nothing to render, prepared once per session.
                    None if $many => Box::pin(self.all_as(db, Loaded::new)),
                    None => Box::pin(async move {
                        Ok(self.first(db).await?.into_iter().map(Loaded::new).collect())
                    }),
                    Some(_) => Box::pin(load_rows(
                        constrained(self.get_query(), constraint),
                        $many,
                        db,
                        shape,
                    )),
                }
            }

            fn finish<'a>(
                &'a self,
                db: &'a Db,
                _constraint: Constraint<'a, Select<R>>,
                fetched: Vec<Vec<Loaded<R>>>,
                nested: &'a [With<R>],
                concurrency: usize,
            ) -> BoxFuture<'a, Result<Vec<Vec<Loaded<R>>>>> {
                Box::pin(nest_grouped(db, fetched, nested, concurrency))
            }

            fn count<'a>(
                &'a self,
                db: &'a Db,
                constraint: Constraint<'a, Select<R>>,
                shape: &'a ShapeCache,
            ) -> BoxFuture<'a, Result<i64>> {
                Box::pin(count_rows(
                    constrained(self.get_query(), constraint),
                    db,
                    shape,
                ))
            }

            fn store($rows: Vec<Loaded<R>>) -> $stored {
                $store
            }

            fn explain_level(
                def: &'static RelationDef,
                constraint: Constraint<'_, Select<R>>,
                count: bool,
            ) -> Result<(String, AccessPath), QueryError> {
                // The shape every parent's query has; only the bound key differs.
                let query = constrained(
                    crate::relation::constrained_query::<R>(def, Arc::new(crate::row::Null)),
                    constraint,
                );
                let cql = if count {
                    query.count_shape()?
                } else {
                    query.shape(!$many)?
                };
                Ok((cql, query.access_path()?))
            }
        }
    };
}

select_relation!(HasMany, true, Vec<Loaded<R>>, |rows| rows);
select_relation!(HasOne, false, Option<Loaded<R>>, |rows| rows
    .into_iter()
    .next());
select_relation!(BelongsTo, false, Option<Loaded<R>>, |rows| rows
    .into_iter()
    .next());

impl<P, R, Pv, D> Eager<P> for BelongsToMany<P, R, Pv, D>
where
    P: Model,
    R: Model,
    Pv: Pivot,
    D: Side<Pv, P, R>,
    P::PrimaryKey: PivotKey,
    R::PrimaryKey: PivotKey,
{
    type Key = P::PrimaryKey;
    type Query = BelongsToManyQuery<P, R, Pv, D>;
    type Fetched = Pv;
    type Row = WithPivot<Arc<Loaded<R>>, Pv>;
    type Stored = Vec<WithPivot<Arc<Loaded<R>>, Pv>>;
    type Child = R;

    fn definition(&self) -> &'static RelationDef {
        BelongsToMany::definition(self)
    }

    fn key(&self) -> Option<P::PrimaryKey> {
        self.get_parent_key().cloned()
    }

    /// One pivot partition per parent (with the constraint's statement options); the
    /// related rows come in `finish`.
    fn fetch<'a>(
        &'a self,
        db: &'a Db,
        constraint: Constraint<'a, Self::Query>,
        _shape: &'a ShapeCache,
    ) -> BoxFuture<'a, Result<Vec<Pv>>> {
        let query = constrained(self.get_query(), constraint);
        Box::pin(async move { query.pivots(db).await })
    }

    /// Each distinct related row once, for all parents, at one bounded concurrency;
    /// nested relations load once per distinct row too, before parents share it.
    fn finish<'a>(
        &'a self,
        db: &'a Db,
        constraint: Constraint<'a, Self::Query>,
        fetched: Vec<Vec<Pv>>,
        nested: &'a [With<R>],
        concurrency: usize,
    ) -> BoxFuture<'a, Result<Vec<Vec<WithPivot<Arc<Loaded<R>>, Pv>>>>> {
        let relation = constrained(self.get_query(), constraint);
        Box::pin(async move {
            let mut seen = HashSet::new();
            let keys: Vec<R::PrimaryKey> = fetched
                .iter()
                .flatten()
                .map(|pivot| D::other_key(pivot))
                .filter(|key| seen.insert((*key).clone()))
                .cloned()
                .collect();
            let reads: Vec<_> = keys
                .iter()
                .map(|key| relation.related_row(db, key))
                .collect();
            let rows: Vec<Option<R>> = stream::iter(reads)
                .buffered(concurrency.max(1))
                .try_collect()
                .await?;
            let (keys, mut rows): (Vec<R::PrimaryKey>, Vec<Loaded<R>>) = keys
                .into_iter()
                .zip(rows)
                .filter_map(|(key, row)| row.map(|row| (key, Loaded::new(row))))
                .unzip();
            nested_models(db, &mut rows, nested, concurrency).await?;
            let found: HashMap<R::PrimaryKey, Arc<Loaded<R>>> = keys
                .into_iter()
                .zip(rows.into_iter().map(Arc::new))
                .collect();
            // A constraint's `limit` counts the related rows of each parent.
            let limit = relation.row_limit().unwrap_or(usize::MAX);
            Ok(fetched
                .into_iter()
                .map(|pivots| {
                    pivots
                        .into_iter()
                        .filter_map(|pivot| {
                            let row = found.get(D::other_key(&pivot))?;
                            Some(WithPivot {
                                row: Arc::clone(row),
                                pivot,
                            })
                        })
                        .take(limit)
                        .collect()
                })
                .collect())
        })
    }

    fn count<'a>(
        &'a self,
        db: &'a Db,
        constraint: Constraint<'a, Self::Query>,
        _shape: &'a ShapeCache,
    ) -> BoxFuture<'a, Result<i64>> {
        let relation = constrained(self.get_query(), constraint);
        Box::pin(async move { relation.count(db).await })
    }

    fn store(rows: Vec<WithPivot<Arc<Loaded<R>>, Pv>>) -> Vec<WithPivot<Arc<Loaded<R>>, Pv>> {
        rows
    }
}

impl<C, E, K> Eager<C> for MorphTo<C, E, K>
where
    C: Send + Sync + 'static,
    E: MorphTargets<K> + Sync + 'static,
    K: GroupKey,
{
    type Key = (String, K::Grouped);
    type Query = NoQuery;
    type Fetched = E;
    type Row = E;
    type Stored = Option<E>;
    type Child = NotNestable;

    fn definition(&self) -> &'static RelationDef {
        MorphTo::definition(self)
    }

    fn key(&self) -> Option<(String, K::Grouped)> {
        Some((
            self.morph_type()?.to_owned(),
            self.get_parent_key()?.group(),
        ))
    }

    fn fetch<'a>(
        &'a self,
        db: &'a Db,
        _constraint: Constraint<'a, NoQuery>,
        _shape: &'a ShapeCache,
    ) -> BoxFuture<'a, Result<Vec<E>>> {
        Box::pin(async move { Ok(self.get(db).await?.into_iter().collect()) })
    }

    fn finish<'a>(
        &'a self,
        _db: &'a Db,
        _constraint: Constraint<'a, NoQuery>,
        fetched: Vec<Vec<E>>,
        // Always empty: `With<NotNestable>` cannot be built.
        _nested: &'a [With<NotNestable>],
        _concurrency: usize,
    ) -> BoxFuture<'a, Result<Vec<Vec<E>>>> {
        Box::pin(std::future::ready(Ok(fetched)))
    }

    fn count<'a>(
        &'a self,
        db: &'a Db,
        _constraint: Constraint<'a, NoQuery>,
        _shape: &'a ShapeCache,
    ) -> BoxFuture<'a, Result<i64>> {
        Box::pin(async move { Ok(i64::from(self.get(db).await?.is_some())) })
    }

    fn store(rows: Vec<E>) -> Option<E> {
        rows.into_iter().next()
    }
}
