//! What `has_one` and `has_many` share: writing related rows with the parent's key.

use std::ops::Deref;

use crate::cql_type::FieldType;
use crate::db::Db;
use crate::error::Result;
use crate::model::Model;
use crate::options::Configure;
use crate::relation::{Relation, RelationDef};

/// A relation whose related rows hold the parent's key: [`HasOne`](crate::HasOne) and
/// [`HasMany`](crate::HasMany) dereference to it (and it to [`Relation`]).
pub struct Owner<P, R, K> {
    base: Relation<P, R, K>,
    set_foreign_key: fn(&mut R, K),
}

impl<P, R, K> Deref for Owner<P, R, K> {
    type Target = Relation<P, R, K>;

    fn deref(&self) -> &Self::Target {
        &self.base
    }
}

impl<P, R, K> Owner<P, R, K> {
    /// The relation underneath, to set its statement options.
    pub(crate) fn base_mut(&mut self) -> &mut Relation<P, R, K> {
        &mut self.base
    }
}

impl<P, R, K> Owner<P, R, K>
where
    P: Model,
    R: Model,
    K: FieldType + Clone + Send + Sync + 'static,
{
    pub(crate) fn new(def: &'static RelationDef, key: K, set_foreign_key: fn(&mut R, K)) -> Self {
        Owner {
            base: Relation::new(def, Some(key)),
            set_foreign_key,
        }
    }

    /// A new related row (`R::default()`) whose foreign key is set to the parent's key.
    pub fn related(&self) -> R
    where
        R: Default,
    {
        let mut row = R::default();
        self.attach_key(&mut row);
        row
    }

    /// Sets `row`'s foreign key to the parent's key, inserts it and returns it.
    pub async fn create(&self, db: &Db, mut row: R) -> Result<R> {
        self.save(db, &mut row).await?;
        Ok(row)
    }

    /// Sets `row`'s foreign key to the parent's key and inserts it.
    pub async fn save(&self, db: &Db, row: &mut R) -> Result<()> {
        self.attach_key(row);
        let options = self.base.statement_options();
        if options.is_default() {
            return row.insert(db).await;
        }
        let mut insert = row.insert_query();
        *insert.options_mut() = options.clone();
        insert.execute(db).await
    }

    fn attach_key(&self, row: &mut R) {
        if let Some(key) = self.get_parent_key() {
            (self.set_foreign_key)(row, key.clone());
        }
    }
}
