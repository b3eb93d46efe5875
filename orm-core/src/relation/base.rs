//! What every relation has in common: the seed's `Relationship` base.

use std::marker::PhantomData;
use std::sync::Arc;

use scylla::serialize::value::SerializeValue;

use crate::condition::{BoundValue, Condition, Operator};
use crate::cql_type::{CqlTyped, FieldType};
use crate::db::{Cql, Db};
use crate::error::Result;
use crate::explain::Explain;
use crate::model::Model;
use crate::options::{Configure, StatementOptions};
use crate::query::{QueryError, Select, rows};
use crate::relation::RelationDef;

/// A relation from a row of `P` to rows of `R`, joined on a key of type `K`.
///
/// [`HasMany`](crate::HasMany), [`HasOne`](crate::HasOne) and
/// [`BelongsTo`](crate::BelongsTo) dereference to this, so every relation has the seed's
/// methods: [`get_query`](Self::get_query), [`where_`](Self::where_),
/// [`first`](Self::first), [`get_parent_key`](Self::get_parent_key),
/// [`get_foreign_key_name`](Self::get_foreign_key_name),
/// [`get_local_key_name`](Self::get_local_key_name).
pub struct Relation<P, R, K> {
    def: &'static RelationDef,
    /// The parent's key; `None` when it is null, which makes every read an error.
    key: Option<K>,
    /// Applied to every statement the relation sends (see [`Configure`]).
    options: StatementOptions,
    _models: PhantomData<fn() -> (P, R)>,
}

impl<P, R, K> std::fmt::Debug for Relation<P, R, K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Relation")
            .field("def", self.def)
            .field("has_key", &self.key.is_some())
            .finish()
    }
}

impl<P, R, K> Relation<P, R, K> {
    /// The statement options of this relation, for the kinds built on it.
    pub(crate) fn statement_options(&self) -> &StatementOptions {
        &self.options
    }

    /// [`statement_options`](Self::statement_options), to change.
    pub(crate) fn statement_options_mut(&mut self) -> &mut StatementOptions {
        &mut self.options
    }
}

impl<P, R, K> Relation<P, R, K>
where
    P: Model,
    R: Model,
    K: FieldType + Clone + Send + Sync + 'static,
{
    pub(crate) fn new(def: &'static RelationDef, key: Option<K>) -> Self {
        let key = key.filter(|k| !CqlTyped::is_null(k));
        Relation {
            def,
            key,
            options: StatementOptions::default(),
            _models: PhantomData,
        }
    }

    /// The relation as declared.
    pub fn definition(&self) -> &'static RelationDef {
        self.def
    }

    /// The parent's key value the relation is constrained by, or `None` if it is null.
    pub fn get_parent_key(&self) -> Option<&K> {
        self.key.as_ref()
    }

    /// The foreign-key column (on the related model for `has_*`, on this model for
    /// `belongs_to`).
    pub fn get_foreign_key_name(&self) -> &'static str {
        self.def.foreign_key
    }

    /// The key column the foreign key refers to (the parent's local key for `has_*`, the
    /// owner key for `belongs_to`).
    pub fn get_local_key_name(&self) -> &'static str {
        self.def.local_key
    }

    /// A query on the related model, already constrained to this relation's rows.
    ///
    /// A parent whose key is null gives a query that fails with
    /// [`QueryError::MissingParentKey`]: never an unconstrained one.
    pub fn get_query(&self) -> Select<R> {
        let mut query = self.unconfigured_query();
        if !self.options.is_default() {
            *query.options_mut() = self.options.clone();
        }
        query
    }

    fn unconfigured_query(&self) -> Select<R> {
        match &self.key {
            Some(key) => constrained_query(self.def, Arc::new(key.clone())),
            None => R::query().with_error(QueryError::MissingParentKey {
                model: self.def.model,
                relation: self.def.name,
                key: match self.def.kind {
                    crate::relation::RelationKind::BelongsTo => self.def.foreign_key,
                    _ => self.def.local_key,
                },
            }),
        }
    }

    /// What [`get`](crate::HasMany::get) (every related row) will send, without
    /// contacting the server: the relation's own statement, the same CQL as
    /// [`get_query`](Self::get_query)'s; see [`crate::explain`].
    pub fn explain(&self) -> Result<Explain, QueryError> {
        self.get_query().explain()
    }

    /// What [`first`](Self::first) will send: one statement, `LIMIT ?` bound to 1.
    pub fn explain_first(&self) -> Result<Explain, QueryError> {
        self.get_query().explain_first()
    }

    /// Every related row, each through `wrap`: the relation's fixed statement when it
    /// has one (no CQL to render or look up), else `get_query()`.
    pub(crate) async fn all_as<T>(&self, db: &Db, wrap: fn(R) -> T) -> Result<Vec<T>> {
        let (Some(key), Some(statements)) = (&self.key, self.def.statements) else {
            let rows = self.get_query().get(db).await?;
            return Ok(rows.into_iter().map(wrap).collect());
        };
        let cql = Cql::Static(statements.get()?);
        let options = &self.options;
        let model = R::TABLE.model;
        match self.def.morph_type {
            Some((_, type_name)) => {
                rows::fetch_all_as(db, model, cql, &(type_name, key), options, wrap).await
            }
            None => rows::fetch_all_as(db, model, cql, &(key,), options, wrap).await,
        }
    }

    /// The first related row, if any.
    pub async fn first(&self, db: &Db) -> Result<Option<R>> {
        let (Some(key), Some(statements)) = (&self.key, self.def.statements) else {
            return self.get_query().first(db).await;
        };
        let cql = Cql::Static(statements.first()?);
        let options = &self.options;
        // The `LIMIT` is a bind marker, bound last, as `Select::first` binds it.
        let limit = 1_i32;
        let result = match self.def.morph_type {
            Some((_, type_name)) => db.execute(cql, (type_name, key, limit), options).await?,
            None => db.execute(cql, (key, limit), options).await?,
        };
        rows::first::<R>(R::TABLE.model, cql, result)
    }

    /// The constrained query plus a condition by name, as the seed's `where`:
    /// `user.posts_relation().where_("status", "=", "published").get(&db)`.
    pub fn where_<V>(&self, column: &str, operator: &str, value: V) -> Select<R>
    where
        V: CqlTyped + SerializeValue + Send + Sync + 'static,
    {
        self.get_query().where_(column, operator, value)
    }

    /// The seed's two-argument `where(column, value)`: `where_(column, "=", value)`.
    pub fn where_eq<V>(&self, column: &str, value: V) -> Select<R>
    where
        V: CqlTyped + SerializeValue + Send + Sync + 'static,
    {
        self.get_query().where_eq(column, value)
    }

    /// The constrained query plus a typed condition.
    pub fn filter(&self, condition: Condition<R>) -> Select<R> {
        self.get_query().filter(condition)
    }

    /// The constrained query, loading `relations` for each related row, as the seed's
    /// `with`: `user.posts_relation().with(Post::comments_relation).get(&db)`.
    pub fn with(&self, relations: impl crate::eager::IntoWith<R>) -> crate::eager::EagerQuery<R> {
        self.get_query().with(relations)
    }

    /// How many related rows there are.
    pub async fn count(&self, db: &Db) -> Result<i64> {
        self.get_query().count(db).await
    }

    /// Whether there is any related row.
    pub async fn exists(&self, db: &Db) -> Result<bool> {
        self.get_query().exists(db).await
    }
}

/// The related rows of the relation `def` for a parent whose key is bound as `key`.
pub(crate) fn constrained_query<R: Model>(def: &'static RelationDef, key: BoundValue) -> Select<R> {
    let mut query = R::query();
    if let Some((column, type_name)) = def.morph_type {
        query = query.filter(Condition::column(column, Operator::Eq, Arc::new(type_name)));
    }
    query = query.filter(Condition::column(def.query_column, Operator::Eq, key));
    if def.allow_filtering {
        query.allow_filtering()
    } else {
        query
    }
}
