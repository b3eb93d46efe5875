//! The state and reads the keyed relations (`has_one`, `has_many`, `belongs_to`, and the
//! `morph_*` parents) share: the declaration, the parent's key, statement options, and
//! the fixed statements of `get` and `first`.

use std::marker::PhantomData;
use std::sync::Arc;

use crate::condition::{BoundValue, Condition, Operator};
use crate::cql_type::{CqlTyped, FieldType};
use crate::db::{Cql, Db};
use crate::error::Result;
use crate::model::Model;
use crate::options::{Configure, StatementOptions};
use crate::query::{QueryError, Select, rows};
use crate::relation::RelationDef;

/// A keyed relation's state: the declaration, the parent's key and the statement
/// options. [`Keyed`](crate::relation::Keyed) holds one; the [`Relationship`] traits are
/// implemented on top of it.
///
/// [`Relationship`]: crate::Relationship
pub(crate) struct Base<P, R, K> {
    def: &'static RelationDef,
    /// The parent's key; `None` when it is null, which makes every read an error.
    key: Option<K>,
    /// Applied to every statement the relation sends (see [`Configure`]).
    options: StatementOptions,
    _models: PhantomData<fn() -> (P, R)>,
}

impl<P, R, K> std::fmt::Debug for Base<P, R, K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Base")
            .field("def", self.def)
            .field("has_key", &self.key.is_some())
            .finish()
    }
}

impl<P, R, K> Base<P, R, K> {
    /// The statement options of this relation, for the kinds built on it.
    pub(crate) fn statement_options(&self) -> &StatementOptions {
        &self.options
    }

    /// [`statement_options`](Self::statement_options), to change.
    pub(crate) fn statement_options_mut(&mut self) -> &mut StatementOptions {
        &mut self.options
    }
}

impl<P, R, K> Base<P, R, K>
where
    P: Model,
    R: Model,
    K: FieldType + Clone + Send + Sync + 'static,
{
    pub(crate) fn new(def: &'static RelationDef, key: Option<K>) -> Self {
        let key = key.filter(|k| !CqlTyped::is_null(k));
        Base {
            def,
            key,
            options: StatementOptions::default(),
            _models: PhantomData,
        }
    }

    /// The relation as declared.
    pub(crate) fn definition(&self) -> &'static RelationDef {
        self.def
    }

    /// The parent's key value the relation is constrained by, or `None` if it is null.
    pub(crate) fn get_parent_key(&self) -> Option<&K> {
        self.key.as_ref()
    }

    /// A query on the related model, already constrained to this relation's rows.
    ///
    /// A parent whose key is null gives a query that fails with
    /// [`QueryError::MissingParentKey`]: never an unconstrained one.
    pub(crate) fn get_query(&self) -> Select<R> {
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

    /// Whether `all_as` and `first` send the relation's fixed statement (rather than
    /// running `get_query()`, which traces itself).
    pub(crate) fn has_fixed_statement(&self) -> bool {
        self.key.is_some() && self.def.statements.is_some()
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
    pub(crate) async fn first(&self, db: &Db) -> Result<Option<R>> {
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
