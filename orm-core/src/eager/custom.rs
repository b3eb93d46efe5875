//! Eager loading of custom relationships ([`Custom`]) on the core's steps: the parents'
//! keys deduplicated, one statement per distinct key (the relationship's own
//! constraints, then the load's constraint), at most the load's concurrency at a time,
//! prepared once per load when the shapes agree.

use futures::future::BoxFuture;

use crate::db::Db;
use crate::eager::core::{PerParent, fetch_counts, fetch_related};
use crate::eager::kinds::{Constraint, LevelStatement, nest};
use crate::eager::{Eager, GroupKey, Loaded, With};
use crate::error::Result;
use crate::model::Model;
use crate::query::{QueryError, Select};
use crate::relation::{
    Cardinality, Custom, CustomRelationship, QueryRelationship, RelationDef, Relationship,
};

impl<C> Eager<C::Parent> for Custom<C>
where
    C: CustomRelationship,
    C::Key: GroupKey,
{
    type Key = <C::Key as GroupKey>::Grouped;
    type Query = Select<C::Related>;
    type Stored = <C::Results as Cardinality>::Stored<Loaded<C::Related>>;
    type Child = C::Related;

    fn definition(&self) -> &'static RelationDef {
        Relationship::definition(self)
    }

    fn key(&self) -> Option<Self::Key> {
        self.get_parent_key().map(GroupKey::group)
    }

    fn load<'a>(
        relations: PerParent<&'a Self>,
        db: &'a Db,
        constraint: Constraint<'a, Select<C::Related>>,
        nested: &'a [With<C::Related>],
        concurrency: usize,
    ) -> BoxFuture<'a, Result<PerParent<Self::Stored>>> {
        Box::pin(async move {
            let query_of = |relation| constrained(relation, constraint);
            let first = !C::Results::MANY;
            let rows =
                fetch_related(db, relations, query_of, first, concurrency, Loaded::new).await?;
            let rows = nest(db, rows, nested, concurrency).await?;
            Ok(rows.map(C::Results::store))
        })
    }

    fn count<'a>(
        relations: PerParent<&'a Self>,
        db: &'a Db,
        constraint: Constraint<'a, Select<C::Related>>,
        concurrency: usize,
    ) -> BoxFuture<'a, Result<PerParent<i64>>> {
        let query_of = move |relation| constrained(relation, constraint);
        Box::pin(fetch_counts(db, relations, query_of, concurrency))
    }

    fn static_definition() -> Option<&'static RelationDef> {
        Some(Custom::<C>::definition_of())
    }

    fn explain_level(
        def: &'static RelationDef,
        constraint: Constraint<'_, Select<C::Related>>,
        count: bool,
    ) -> Result<Vec<LevelStatement>, QueryError> {
        explain_level::<C>(def, constraint, count)
    }
}

/// The statement of each distinct key, as [`Eager::load`] (or, `count`, [`Eager::count`])
/// sends it, from the key [`CustomRelationship::explain_with`] gives.
fn explain_level<C: CustomRelationship>(
    def: &'static RelationDef,
    constraint: Constraint<'_, Select<C::Related>>,
    count: bool,
) -> Result<Vec<LevelStatement>, QueryError> {
    let Some((spec, key)) = C::explain_with() else {
        return Err(QueryError::NotExplained {
            relation: def.name.to_owned(),
            reason: "a custom relationship's statement is its own code's, and its \
                     `CustomRelationship::explain_with` gives no key to plan with",
        });
    };
    let query = spec.add_constraints(<C::Related as Model>::query(), &key);
    let query = match constraint {
        Some(constrain) => constrain(query),
        None => query,
    };
    let cql = if count {
        query.count_shape()?
    } else {
        query.shape(!C::Results::MANY)?
    };
    Ok(vec![LevelStatement::per_key(cql, query.access_path()?)])
}

/// The relationship's query from one parent (its own constraints and statement options;
/// an error when the parent has no key) with the load's constraint applied.
fn constrained<C: CustomRelationship>(
    relation: &Custom<C>,
    constraint: Constraint<'_, Select<C::Related>>,
) -> Select<C::Related> {
    let query = relation.get_query();
    match constraint {
        Some(constrain) => constrain(query),
        None => query,
    }
}
