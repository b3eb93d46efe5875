//! The relationship traits: what every relation kind has ([`Relationship`]), what the
//! kinds that read the related table through a [`Select`] add ([`QueryRelationship`]),
//! and "`P` is related to `R`" as a type ([`Related`]).

use std::future::Future;

use futures::StreamExt;
use futures::stream::BoxStream;
use scylla::response::PagingState;
use scylla::serialize::value::SerializeValue;

use crate::condition::Condition;
use crate::cql_type::CqlTyped;
use crate::db::Db;
use crate::eager::{EagerQuery, IntoWith};
use crate::error::Result;
use crate::explain::Explain;
use crate::model::Model;
use crate::query::{Page, QueryError, Select};
use crate::relation::{Cardinality, RelationDef};

/// A relationship from one row of [`Parent`](Self::Parent) to rows of
/// [`Related`](Self::Related): the seed's `Relationship` base class, implemented by
/// every relation kind ([`HasMany`](crate::HasMany), [`HasOne`](crate::HasOne),
/// [`BelongsTo`](crate::BelongsTo), [`BelongsToMany`](crate::BelongsToMany),
/// [`MorphTo`](crate::MorphTo), [`Custom`](crate::relation::Custom)).
///
/// Code generic over relations takes `impl Relationship`:
///
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
/// #[belongs_to(User, foreign_key = "user_id")]
/// struct Post {
///     #[orm(partition_key)]
///     user_id: i64,
///     #[orm(clustering_key)]
///     id: i64,
/// }
///
/// fn describe(relation: &impl Relationship) -> String {
///     format!(
///         "{} by {:?} -> {:?}",
///         relation.definition().name,
///         relation.get_foreign_key_names(),
///         relation.get_local_key_names()
///     )
/// }
///
/// assert_eq!(describe(&User { id: 1 }.posts_relation()), r#"posts by ["user_id"] -> ["id"]"#);
/// assert_eq!(describe(&Post { user_id: 1, id: 2 }.user_relation()), r#"user by ["user_id"] -> ["id"]"#);
/// ```
pub trait Relationship: Send + Sync {
    /// The model declaring the relation.
    type Parent;
    /// What the relation reads: the related model (an enum of the possible owners for a
    /// `morph_to`).
    type Related;
    /// The parent's key the relation is constrained by.
    type Key;
    /// What [`get`](Self::get) returns: `Vec<Related>`, `Option<Related>`, ...
    type Output;

    /// The relation as declared: its name, kind, models and key columns.
    fn definition(&self) -> &'static RelationDef;

    /// The parent's key the relation is constrained by, or `None` when it is null (every
    /// read is then an error, never a query without the constraint).
    fn get_parent_key(&self) -> Option<&Self::Key>;

    /// The foreign-key column: on the related model for `has_*` (and custom relations), on
    /// the parent for `belongs_to`.
    fn get_foreign_key_name(&self) -> &'static str {
        self.definition().foreign_key
    }

    /// The key column the foreign key refers to: the parent's local key for `has_*`, the
    /// owner key for `belongs_to`.
    fn get_local_key_name(&self) -> &'static str {
        self.definition().local_key
    }

    /// Every foreign-key column, in order: one for the built-in kinds, several for a
    /// custom relation joined on a multi-column key.
    fn get_foreign_key_names(&self) -> &'static [&'static str] {
        std::slice::from_ref(&self.definition().foreign_key)
    }

    /// Every local-key column, in order (see
    /// [`get_foreign_key_names`](Self::get_foreign_key_names)).
    fn get_local_key_names(&self) -> &'static [&'static str] {
        std::slice::from_ref(&self.definition().local_key)
    }

    /// The related rows, shaped as the relation's kind says (the seed's `getResults`).
    fn get(&self, db: &Db) -> impl Future<Output = Result<Self::Output>> + Send;
}

/// A relationship whose reads are a [`Select`] on the related model, constrained to the
/// parent's rows: `has_many`, `has_one`, `belongs_to`, `morph_many`, `morph_one` and
/// custom relations. Everything but [`get_query`](Self::get_query) is provided.
///
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
/// /// The CQL of any relation's newest-first read.
/// fn newest<Rel: QueryRelationship>(relation: &Rel) -> String {
///     relation.where_("id", ">", 10_i64).cql().unwrap()
/// }
///
/// assert_eq!(
///     newest(&User { id: 1 }.posts_relation()),
///     r#"SELECT "user_id", "id" FROM "post" WHERE "user_id" = ? AND "id" > ?"#
/// );
/// ```
pub trait QueryRelationship: Relationship<Related: Model> {
    /// How many related rows a parent has: [`Many`](crate::relation::Many),
    /// [`Optional`](crate::relation::Optional) or [`One`](crate::relation::One).
    type Results: Cardinality;

    /// A query on the related model, already constrained to this relation's rows. A
    /// parent whose key is null gives a query that fails with
    /// [`QueryError::MissingParentKey`], before anything is sent.
    fn get_query(&self) -> Select<Self::Related>;

    /// The first related row, if any.
    fn first(&self, db: &Db) -> impl Future<Output = Result<Option<Self::Related>>> + Send {
        let query = self.get_query();
        async move { query.first(db).await }
    }

    /// The constrained query plus a condition by name, as the seed's `where`:
    /// `user.posts_relation().where_("status", "=", "published").get(&db)`.
    fn where_<V>(&self, column: &str, operator: &str, value: V) -> Select<Self::Related>
    where
        V: CqlTyped + SerializeValue + Send + Sync + 'static,
    {
        self.get_query().where_(column, operator, value)
    }

    /// The seed's two-argument `where(column, value)`: `where_(column, "=", value)`.
    fn where_eq<V>(&self, column: &str, value: V) -> Select<Self::Related>
    where
        V: CqlTyped + SerializeValue + Send + Sync + 'static,
    {
        self.get_query().where_eq(column, value)
    }

    /// The constrained query plus a typed condition.
    fn filter(&self, condition: Condition<Self::Related>) -> Select<Self::Related> {
        self.get_query().filter(condition)
    }

    /// The constrained query, loading `relations` for each related row, as the seed's
    /// `with`: `user.posts_relation().with(Post::comments_relation).get(&db)`.
    fn with(&self, relations: impl IntoWith<Self::Related>) -> EagerQuery<Self::Related> {
        self.get_query().with(relations)
    }

    /// How many related rows there are (`SELECT COUNT(*)`, counted by the server).
    fn count(&self, db: &Db) -> impl Future<Output = Result<i64>> + Send {
        let query = self.get_query();
        async move { query.count(db).await }
    }

    /// Whether there is any related row.
    fn exists(&self, db: &Db) -> impl Future<Output = Result<bool>> + Send {
        let query = self.get_query();
        async move { query.exists(db).await }
    }

    /// One page of related rows; see [`Select::page`].
    fn page(
        &self,
        db: &Db,
        state: PagingState,
    ) -> impl Future<Output = Result<Page<Self::Related>>> + Send {
        let query = self.get_query();
        async move { query.page(db, state).await }
    }

    /// The related rows as a stream across pages; see [`Select::stream`].
    fn stream(
        &self,
        db: &Db,
    ) -> impl Future<Output = Result<BoxStream<'static, Result<Self::Related>>>> + Send {
        let query = self.get_query();
        async move { Ok(query.stream(db).await?.boxed()) }
    }

    /// What [`get`](Relationship::get) will send, without contacting the server; see
    /// [`crate::explain`].
    fn explain(&self) -> Result<Explain, QueryError> {
        let query = self.get_query();
        if Self::Results::MANY {
            query.explain()
        } else {
            query.explain_first()
        }
    }

    /// What [`first`](Self::first) will send: one statement, `LIMIT ?` bound to 1.
    fn explain_first(&self) -> Result<Explain, QueryError> {
        self.get_query().explain_first()
    }
}

/// The rows of `relation` read through its query and shaped by its cardinality: the
/// default [`get`](Relationship::get) of a [`QueryRelationship`].
pub(crate) async fn read_results<Rel>(
    relation: &Rel,
    db: &Db,
) -> Result<<Rel::Results as Cardinality>::Output<Rel::Related>>
where
    Rel: QueryRelationship,
{
    let query = relation.get_query();
    let rows = if Rel::Results::MANY {
        query.get(db).await?
    } else {
        query.first(db).await?.into_iter().collect()
    };
    Rel::Results::collect(rows, relation.definition())
}

/// "`Self` is related to `R`", where one relation says it: code generic over it reaches
/// the relation without naming the accessor. Implement it by hand for the pairs your code
/// is generic over.
///
/// ```
/// use orm_core::prelude::*;
/// use orm_core::relation::Related;
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
/// impl Related<Post> for User {
///     type Relation = orm_core::HasMany<User, Post, i64>;
///
///     fn relation(&self) -> Self::Relation {
///         self.posts_relation()
///     }
/// }
///
/// /// The CQL reading any parent's related rows of `R`.
/// fn related_cql<P: Related<R>, R: Model>(parent: &P) -> String {
///     parent.relation().get_query().cql().unwrap()
/// }
///
/// assert!(related_cql::<User, Post>(&User { id: 1 }).ends_with(r#"WHERE "user_id" = ?"#));
/// ```
pub trait Related<R: Model> {
    /// The relation leading from `Self` to `R`.
    type Relation: QueryRelationship<Parent = Self, Related = R>;

    /// The relation from this row.
    fn relation(&self) -> Self::Relation;
}
