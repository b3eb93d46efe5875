//! Polymorphic relations: a child row pointing at one of several parent models.
//!
//! The child stores the parent's type name and key (`commentable_type`,
//! `commentable_id`); with both as its partition key, a parent's children are one
//! partition. `morph_many` / `morph_one` on each parent read them (they are
//! [`HasMany`](crate::HasMany) / [`HasOne`](crate::HasOne) constrained by type and key);
//! `morph_to` on the child reads the parent back as a generated enum of the listed types.

use std::future::Future;

use crate::db::Db;
use crate::error::Result;
use crate::model::Model;
use crate::query::QueryError;
use crate::relation::RelationDef;

/// A model that a polymorphic child `C` can point at through its relation named by the
/// hash `NAME`; implemented by `#[morph_many(C, name = "...")]` / `#[morph_one(...)]`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is listed in a `morph_to` of `{C}` but has no matching `#[morph_many({C}, name = ...)]` or `#[morph_one({C}, name = ...)]`",
    label = "add `#[morph_many({C}, name = \"...\")]` (with this `morph_to`'s name) to `{Self}`, or remove it from `types(...)`"
)]
pub trait MorphParent<C, const NAME: u64>: Model {
    /// The name stored in the child's type column for this model.
    const MORPH_TYPE: &'static str;
}

/// The generated enum of a `morph_to`'s possible parents, loading the right one.
pub trait MorphTargets<K>: Sized + Send {
    /// The type names this relation accepts, in declaration order.
    const TYPES: &'static [&'static str];

    /// Loads the parent named by `type_name` with key `key`.
    fn load<'a>(
        db: &'a Db,
        def: &'static RelationDef,
        type_name: &'a str,
        key: &'a K,
    ) -> impl Future<Output = Result<Option<Self>>> + Send + 'a;

    /// Each type name with the CQL of the `find` that [`load`](Self::load) sends for it,
    /// for `explain()`.
    fn finds() -> Vec<(&'static str, &'static str)>;
}

/// A polymorphic child's owner: one of the types listed in its `morph_to`, read as the
/// generated enum `E`. Generated as `<name>_relation()`.
#[must_use = "a relation does nothing until it is read or written: call `get`, `first`, `get_query`, ... with a `Db`"]
pub struct MorphTo<C, E, K> {
    def: &'static RelationDef,
    type_name: Option<String>,
    key: Option<K>,
    _types: std::marker::PhantomData<fn() -> (C, E)>,
}

impl<C, E, K> std::fmt::Debug for MorphTo<C, E, K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MorphTo")
            .field("relation", &self.def.name)
            .field("type_name", &self.type_name)
            .field("has_key", &self.key.is_some())
            .finish()
    }
}

impl<C, E, K> MorphTo<C, E, K>
where
    E: MorphTargets<K>,
    K: Sync,
{
    #[doc(hidden)]
    pub fn new(def: &'static RelationDef, type_name: Option<String>, key: Option<K>) -> Self {
        MorphTo {
            def,
            type_name: type_name.filter(|name| !name.is_empty()),
            key,
            _types: std::marker::PhantomData,
        }
    }

    /// The relation as declared.
    pub fn definition(&self) -> &'static RelationDef {
        self.def
    }

    /// The owner's type name stored in this row, if any.
    pub fn morph_type(&self) -> Option<&str> {
        self.type_name.as_deref()
    }

    /// The owner's key stored in this row, if any.
    pub fn get_parent_key(&self) -> Option<&K> {
        self.key.as_ref()
    }

    /// The column holding the owner's key.
    pub fn get_foreign_key_name(&self) -> &'static str {
        self.def.foreign_key
    }

    /// The owner, one variant per listed type; `None` when that row does not exist.
    ///
    /// A row with no type or key has no owner: that is an error, never a scan; so is a
    /// type name the relation does not list.
    pub async fn get(&self, db: &Db) -> Result<Option<E>> {
        let (Some(type_name), Some(key)) = (&self.type_name, &self.key) else {
            return Err(QueryError::MissingParentKey {
                model: self.def.model,
                relation: self.def.name,
                key: self.def.foreign_key,
            }
            .into());
        };
        E::load(db, self.def, type_name, key).await
    }
}

/// The error for a stored type name that `E` does not list.
#[doc(hidden)]
pub fn unknown_morph_type<K, E: MorphTargets<K>>(
    def: &'static RelationDef,
    found: &str,
) -> crate::Error {
    QueryError::UnknownMorphType {
        model: def.model,
        relation: def.name,
        found: found.to_owned(),
        expected: E::TYPES.to_vec(),
    }
    .into()
}
