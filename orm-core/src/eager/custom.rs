//! Eager loading of custom relationships ([`Custom`]): the parents' keys deduplicated,
//! one statement per distinct key (the relationship's own constraints, then the load's
//! constraint), at most the load's concurrency at a time, as the built-in kinds load.

use futures::future::BoxFuture;

use crate::db::Db;
use crate::eager::impls::ShapeCache;
use crate::eager::{Eager, GroupKey, Loaded, With};
use crate::error::Result;
use crate::query::Select;
use crate::relation::{Cardinality, Custom, CustomRelationship, RelationDef, Relationship};

type Constraint<'a, R> = Option<&'a (dyn Fn(Select<R>) -> Select<R> + Send + Sync)>;

impl<C> Eager<C::Parent> for Custom<C>
where
    C: CustomRelationship,
    C::Key: GroupKey,
{
    type Key = <C::Key as GroupKey>::Grouped;
    type Query = Select<C::Related>;
    type Fetched = Loaded<C::Related>;
    type Row = Loaded<C::Related>;
    type Stored = <C::Results as Cardinality>::Stored<Loaded<C::Related>>;
    type Child = C::Related;

    fn definition(&self) -> &'static RelationDef {
        Relationship::definition(self)
    }

    fn key(&self) -> Option<Self::Key> {
        self.get_parent_key().map(GroupKey::group)
    }

    fn fetch<'a>(
        &'a self,
        db: &'a Db,
        constraint: Constraint<'a, C::Related>,
        _shape: &'a ShapeCache,
    ) -> BoxFuture<'a, Result<Vec<Loaded<C::Related>>>> {
        let query = constrained(self, constraint);
        Box::pin(async move {
            let rows = if C::Results::MANY {
                query.get(db).await?
            } else {
                query.first(db).await?.into_iter().collect()
            };
            Ok(rows.into_iter().map(Loaded::new).collect())
        })
    }

    fn finish<'a>(
        &'a self,
        db: &'a Db,
        _constraint: Constraint<'a, C::Related>,
        fetched: Vec<Vec<Loaded<C::Related>>>,
        nested: &'a [With<C::Related>],
        concurrency: usize,
    ) -> BoxFuture<'a, Result<Vec<Vec<Loaded<C::Related>>>>> {
        Box::pin(async move {
            if nested.is_empty() {
                return Ok(fetched);
            }
            // Every parent's rows at once, so each nested level is one load.
            let sizes: Vec<usize> = fetched.iter().map(Vec::len).collect();
            let mut all: Vec<Loaded<C::Related>> = fetched.into_iter().flatten().collect();
            for item in nested {
                item.apply(db, &mut all, concurrency).await?;
            }
            let mut all = all.into_iter();
            Ok(sizes
                .into_iter()
                .map(|size| all.by_ref().take(size).collect())
                .collect())
        })
    }

    fn count<'a>(
        &'a self,
        db: &'a Db,
        constraint: Constraint<'a, C::Related>,
        _shape: &'a ShapeCache,
    ) -> BoxFuture<'a, Result<i64>> {
        let query = constrained(self, constraint);
        Box::pin(async move { query.count(db).await })
    }

    fn store(rows: Vec<Loaded<C::Related>>) -> Self::Stored {
        C::Results::store(rows)
    }
}

/// The relationship's query (an error when the parent has no key) with the load's
/// constraint applied.
fn constrained<C: CustomRelationship>(
    relation: &Custom<C>,
    constraint: Constraint<'_, C::Related>,
) -> Select<C::Related> {
    let query = crate::relation::QueryRelationship::get_query(relation);
    match constraint {
        Some(constrain) => constrain(query),
        None => query,
    }
}
