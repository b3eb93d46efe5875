//! How each relation kind loads for many parents: the [`Eager`] trait, and its impls
//! built on the core's steps (`core.rs`).

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Arc;

use futures::future::BoxFuture;

use crate::cql_type::FieldType;
use crate::db::Db;
use crate::eager::core::{PerParent, ShapeCache, read_shaped};
use crate::eager::{ChildModel, GroupKey, Loaded, With};
use crate::error::Result;
use crate::explain::PlannedStatement;
use crate::model::Model;
use crate::query::{AccessPath, QueryError, Select};
use crate::relation::{
    BelongsTo, BelongsToMany, BelongsToManyQuery, HasMany, HasOne, MorphTargets, MorphTo, Pivot,
    PivotModel, RelationDef, Side, WithPivot,
};

/// The related rows of a `morph_to`, an enum of owner types, cannot have relations of
/// their own loaded: nested loads on them name this type.
#[doc(hidden)]
#[derive(Debug)]
pub enum NotNestable {}

/// The constraint type of relations that take none (`morph_to`).
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct NoQuery;

/// One statement of an eager level's plan, for `explain()`.
#[doc(hidden)]
#[derive(Debug)]
pub struct LevelStatement {
    pub(crate) cql: String,
    pub(crate) access_path: AccessPath,
    pub(crate) per: Per,
}

/// What an eager level's statement is sent once for.
#[doc(hidden)]
#[derive(Debug)]
pub enum Per {
    /// Each distinct parent key of the level.
    DistinctKey,
    /// Each distinct related row the level's pivot rows name (many-to-many).
    RelatedRow,
    /// Each distinct key of an owner of this type (`morph_to`).
    Owner(&'static str),
}

impl LevelStatement {
    pub(crate) fn per_key(cql: String, access_path: AccessPath) -> LevelStatement {
        LevelStatement {
            cql,
            access_path,
            per: Per::DistinctKey,
        }
    }

    pub(crate) fn per_related_row(cql: String, access_path: AccessPath) -> LevelStatement {
        LevelStatement {
            cql,
            access_path,
            per: Per::RelatedRow,
        }
    }
}

/// A constraint on a relation's query, as `with` and `where_has` give it.
pub(crate) type Constraint<'a, Q> = Option<&'a (dyn Fn(Q) -> Q + Send + Sync)>;

/// A relation that eager loading can load for many parents `P`: implemented for every
/// relation type the derive generates.
///
/// Eager loading calls the relation accessor on each parent, groups the relations by
/// [`key`](Eager::key) ([`PerParent::group`]), and hands the distinct ones to
/// [`load`](Eager::load) or [`count`](Eager::count), which send one query (or one
/// read path) per distinct key through [`PerParent::fetch_each`]. Internal: the bounds
/// of `with` and `Loaded::related` name it.
#[doc(hidden)]
pub trait Eager<P>: Send + Sync + Sized + 'static {
    /// What identifies the rows of one parent; parents with equal keys share one fetch.
    type Key: Eq + Hash + Send + Sync + 'static;
    /// What a constraint closure receives and returns (`Select<R>` for most relations).
    type Query: Send + 'static;
    /// What each parent keeps: `Vec<Loaded<R>>`, `Option<Loaded<R>>`, ...; a parent
    /// without a key keeps the default (empty).
    type Stored: Default + Send + Sync + 'static;
    /// The model nested relations load on, or [`NotNestable`].
    type Child: ChildModel;

    /// The relation as declared.
    fn definition(&self) -> &'static RelationDef;

    /// This parent's key, or `None` when it has none (it then gets no rows).
    fn key(&self) -> Option<Self::Key>;

    /// The rows of each distinct relation, with `constraint` applied to its query and
    /// `nested` loaded into all the rows together (the next level of the path).
    fn load<'a>(
        relations: PerParent<&'a Self>,
        db: &'a Db,
        constraint: Constraint<'a, Self::Query>,
        nested: &'a [With<Self::Child>],
        concurrency: usize,
    ) -> BoxFuture<'a, Result<PerParent<Self::Stored>>>;

    /// How many rows each distinct relation has, with `constraint` applied.
    fn count<'a>(
        relations: PerParent<&'a Self>,
        db: &'a Db,
        constraint: Constraint<'a, Self::Query>,
        concurrency: usize,
    ) -> BoxFuture<'a, Result<PerParent<i64>>>;

    /// The relation's definition without a relation value, for `explain()` of a relation
    /// whose accessor the derive did not generate (a custom relationship).
    fn static_definition() -> Option<&'static RelationDef> {
        None
    }

    /// The statements [`load`](Eager::load) sends for the relation `def` (`count`:
    /// [`count`](Eager::count)'s), with `constraint` applied, for `explain()`.
    fn explain_level(
        def: &'static RelationDef,
        constraint: Constraint<'_, Self::Query>,
        count: bool,
    ) -> Result<Vec<LevelStatement>, QueryError> {
        let _ = (constraint, count);
        Err(QueryError::NotExplained {
            relation: def.name.to_owned(),
            reason: "its statements are its own code's (a custom relationship)",
        })
    }
}

fn constrained<Q>(query: Q, constraint: Constraint<'_, Q>) -> Q {
    match constraint {
        Some(constrain) => constrain(query),
        None => query,
    }
}

/// Loads `nested` into every row of a level at once (one load per nested relation for
/// all of them, whichever parent they belong to), then gives each key its rows back.
pub(crate) async fn nest<R: Model>(
    db: &Db,
    rows: PerParent<Vec<Loaded<R>>>,
    nested: &[With<R>],
    concurrency: usize,
) -> Result<PerParent<Vec<Loaded<R>>>> {
    if nested.is_empty() {
        return Ok(rows);
    }
    let (per_key, put_back) = rows.take_distinct();
    let lengths: Vec<usize> = per_key.iter().map(Vec::len).collect();
    let mut flat: Vec<Loaded<R>> = per_key.into_iter().flatten().collect();
    load_nested(db, &mut flat, nested, concurrency).await?;
    let mut flat = flat.into_iter();
    Ok(put_back(
        lengths
            .into_iter()
            .map(|length| flat.by_ref().take(length).collect())
            .collect(),
    ))
}

/// Each of `nested`, one after another, into `rows` (boxed: it recurses through the
/// next level's load).
fn load_nested<'a, R: Model>(
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

/// `has_many`, `has_one`, `belongs_to` (and the `morph_*` parents, which are the first
/// two): a `Select` per distinct key.
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
            type Stored = $stored;
            type Child = R;

            fn definition(&self) -> &'static RelationDef {
                crate::relation::Relation::definition(self)
            }

            fn key(&self) -> Option<K::Grouped> {
                self.get_parent_key().map(GroupKey::group)
            }

            fn load<'a>(
                relations: PerParent<&'a Self>,
                db: &'a Db,
                constraint: Constraint<'a, Select<R>>,
                nested: &'a [With<R>],
                concurrency: usize,
            ) -> BoxFuture<'a, Result<PerParent<$stored>>> {
                Box::pin(async move {
                    let shape = ShapeCache::default();
                    let shape = &shape;
                    let rows = relations
                        .fetch_each(concurrency, |relation| -> BoxFuture<'_, _> {
                            match constraint {
                                // Unconstrained, each query is the relation's own fixed
                                // statement: nothing to render, prepared once per session.
                                None if $many => Box::pin(relation.all_as(db, Loaded::new)),
                                None => Box::pin(async move {
                                    let row = relation.first(db).await?;
                                    Ok(row.into_iter().map(Loaded::new).collect())
                                }),
                                // Constrained, every query has the same shape (the
                                // constraint does not see the key): rendered and prepared
                                // once per load.
                                Some(_) => Box::pin(async move {
                                    let query = constrained(relation.get_query(), constraint);
                                    let cql = shape.statement(db, || query.shape(!$many)).await?;
                                    read_shaped(query, !$many, db, cql, Loaded::new).await
                                }),
                            }
                        })
                        .await?;
                    let rows = nest(db, rows, nested, concurrency).await?;
                    Ok(rows.map(|$rows| $store))
                })
            }

            fn count<'a>(
                relations: PerParent<&'a Self>,
                db: &'a Db,
                constraint: Constraint<'a, Select<R>>,
                concurrency: usize,
            ) -> BoxFuture<'a, Result<PerParent<i64>>> {
                Box::pin(async move {
                    let shape = ShapeCache::default();
                    let shape = &shape;
                    relations
                        .fetch_each(concurrency, |relation| {
                            Box::pin(async move {
                                let query = constrained(relation.get_query(), constraint);
                                let cql = shape.statement(db, || query.count_shape()).await?;
                                query.count_shaped(db, cql).await
                            })
                        })
                        .await
                })
            }

            fn explain_level(
                def: &'static RelationDef,
                constraint: Constraint<'_, Select<R>>,
                count: bool,
            ) -> Result<Vec<LevelStatement>, QueryError> {
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
                Ok(vec![LevelStatement::per_key(cql, query.access_path()?)])
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

/// `belongs_to_many`: the pivot partition of each distinct parent, then each distinct
/// related row once for all parents (the core's steps again, over the pivot rows).
impl<P, R, Pv, D> Eager<P> for BelongsToMany<P, R, Pv, D>
where
    P: PivotModel,
    R: PivotModel,
    Pv: Pivot,
    D: Side<Pv, P, R>,
{
    type Key = P::PrimaryKey;
    type Query = BelongsToManyQuery<P, R, Pv, D>;
    type Stored = Vec<WithPivot<Arc<Loaded<R>>, Pv>>;
    type Child = R;

    fn definition(&self) -> &'static RelationDef {
        BelongsToMany::definition(self)
    }

    fn key(&self) -> Option<P::PrimaryKey> {
        self.get_parent_key().cloned()
    }

    fn load<'a>(
        relations: PerParent<&'a Self>,
        db: &'a Db,
        constraint: Constraint<'a, Self::Query>,
        nested: &'a [With<R>],
        concurrency: usize,
    ) -> BoxFuture<'a, Result<PerParent<Self::Stored>>> {
        Box::pin(async move {
            // The constraint's conditions, options and limit, the same for every parent.
            let Some(query) = relations
                .distinct()
                .first()
                .map(|relation| constrained(relation.get_query(), constraint))
            else {
                return Ok(relations.map(|_| Vec::new()));
            };
            let query = &query;
            // 1. One pivot partition per distinct parent (with the constraint's options).
            let pivots = relations
                .fetch_each(concurrency, |relation| {
                    let query = constrained(relation.get_query(), constraint);
                    Box::pin(async move { query.pivots(db).await })
                })
                .await?;
            // 2. Each distinct related row once, for all parents.
            let related = PerParent::group(pivots.distinct().iter().flatten().map(|pivot| {
                let key = D::other_key(pivot);
                Some((key, key.clone()))
            }));
            let found = related
                .fetch_each(concurrency, |key| {
                    Box::pin(async move {
                        let row = query.related_row(db, &key).await?;
                        Ok(row.map(|row| (key, Loaded::new(row))))
                    })
                })
                .await?;
            let (keys, mut rows): (Vec<R::PrimaryKey>, Vec<Loaded<R>>) =
                found.into_distinct().into_iter().flatten().unzip();
            // 3. Nested relations once per distinct row, before parents share it.
            load_nested(db, &mut rows, nested, concurrency).await?;
            let found: HashMap<R::PrimaryKey, Arc<Loaded<R>>> = keys
                .into_iter()
                .zip(rows.into_iter().map(Arc::new))
                .collect();
            // A constraint's `limit` counts the related rows of each parent.
            let limit = query.row_limit().unwrap_or(usize::MAX);
            Ok(pivots.map(|pivots| {
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
            }))
        })
    }

    fn count<'a>(
        relations: PerParent<&'a Self>,
        db: &'a Db,
        constraint: Constraint<'a, Self::Query>,
        concurrency: usize,
    ) -> BoxFuture<'a, Result<PerParent<i64>>> {
        Box::pin(relations.fetch_each(concurrency, move |relation| {
            let query = constrained(relation.get_query(), constraint);
            Box::pin(async move { query.count(db).await })
        }))
    }

    fn explain_level(
        def: &'static RelationDef,
        constraint: Constraint<'_, Self::Query>,
        count: bool,
    ) -> Result<Vec<LevelStatement>, QueryError> {
        if let Some(constrain) = constraint {
            // The constraint shapes a query with no parent; every parent's has that shape.
            let query = constrain(BelongsToManyQuery::planned(def));
            return constrained_level(def, &query, count);
        }
        let pivot = crate::relation::pivot_read::<Pv, P, R, D>(count);
        if count {
            return Ok(vec![LevelStatement::per_key(
                pivot,
                AccessPath::SinglePartition,
            )]);
        }
        let related = R::__statements().find.cql().to_owned();
        Ok(vec![
            LevelStatement::per_key(pivot, AccessPath::SinglePartition),
            LevelStatement {
                cql: related,
                access_path: AccessPath::SinglePartition,
                per: Per::RelatedRow,
            },
        ])
    }
}

/// The statements of an eager level through a many-to-many relation `def` with a
/// constraint, shaped on `query` (a query with no parent): each distinct parent's pivot
/// partition, then (loading) each distinct related row read as `query` reads it, or
/// (`count`) one `COUNT(*)` of each pivot partition. A count with conditions or a limit
/// reads each parent's related rows, page by page until the limit: not predicted.
fn constrained_level<P, R, Pv, D>(
    def: &'static RelationDef,
    query: &BelongsToManyQuery<P, R, Pv, D>,
    count: bool,
) -> Result<Vec<LevelStatement>, QueryError>
where
    P: PivotModel,
    R: PivotModel,
    Pv: Pivot,
    D: Side<Pv, P, R>,
{
    let plan = if count {
        query.explain_count()?
    } else {
        query.explain()?
    };
    let mut statements = plan.statements.into_iter();
    let (Some(pivot), related) = (statements.next(), statements.next()) else {
        return Ok(Vec::new());
    };
    let path = |s: &PlannedStatement| s.access_path.unwrap_or(AccessPath::SinglePartition);
    let mut level = vec![LevelStatement::per_key(pivot.cql.clone(), path(&pivot))];
    match related {
        None => {}
        Some(_) if count => {
            return Err(QueryError::NotExplained {
                relation: def.name.to_owned(),
                reason: "a many-to-many count constrained by conditions or a limit reads each \
                         parent's related rows, as many as its pivot rows name",
            });
        }
        Some(related) => level.push(LevelStatement::per_related_row(
            related.cql.clone(),
            path(&related),
        )),
    }
    Ok(level)
}

/// `morph_to`: the owner of each distinct (type, key) pair, read by its type's `find`.
impl<C, E, K> Eager<C> for MorphTo<C, E, K>
where
    C: Send + Sync + 'static,
    E: MorphTargets<K> + Sync + 'static,
    K: GroupKey,
{
    type Key = (String, K::Grouped);
    type Query = NoQuery;
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

    fn load<'a>(
        relations: PerParent<&'a Self>,
        db: &'a Db,
        _constraint: Constraint<'a, NoQuery>,
        // Always empty: a `With<NotNestable>` cannot be built.
        _nested: &'a [With<NotNestable>],
        concurrency: usize,
    ) -> BoxFuture<'a, Result<PerParent<Option<E>>>> {
        Box::pin(relations.fetch_each(concurrency, move |relation| Box::pin(relation.get(db))))
    }

    fn count<'a>(
        relations: PerParent<&'a Self>,
        db: &'a Db,
        _constraint: Constraint<'a, NoQuery>,
        concurrency: usize,
    ) -> BoxFuture<'a, Result<PerParent<i64>>> {
        Box::pin(relations.fetch_each(concurrency, move |relation| {
            Box::pin(async move { Ok(i64::from(relation.get(db).await?.is_some())) })
        }))
    }

    fn explain_level(
        _def: &'static RelationDef,
        _constraint: Constraint<'_, NoQuery>,
        _count: bool,
    ) -> Result<Vec<LevelStatement>, QueryError> {
        // Loading and counting both read each owner with its type's `find`.
        Ok(E::finds()
            .into_iter()
            .map(|(type_name, cql)| LevelStatement {
                cql: cql.to_owned(),
                access_path: AccessPath::SinglePartition,
                per: Per::Owner(type_name),
            })
            .collect())
    }
}
