//! The [`Model`] trait: what `#[derive(Model)]` implements, and the CRUD it brings.

use std::future::Future;

use scylla::deserialize::row::DeserializeRow;
use scylla::serialize::row::SerializeRow;

use crate::db::{Cql, Db};
use crate::error::Result;
use crate::meta::TableMeta;
use crate::query::{Select, rows};
use crate::render;
use crate::statement::StaticStatement;

/// A Rust struct mapped to one table. Implement it with `#[derive(Model)]`.
///
/// The derive also implements the driver's `SerializeRow` (every column, by name) and
/// `DeserializeRow` (every column, in declaration order) for the struct, so a model can be
/// bound to and read from the driver's own statements as well.
///
/// # Example
/// ```no_run
/// use orm_core::{Db, Model};
/// use uuid::Uuid;
///
/// #[derive(Model, Debug, PartialEq)]
/// #[orm(table = "users")]
/// struct User {
///     #[orm(partition_key)]
///     id: Uuid,
///     name: String,
/// }
///
/// # async fn run(db: &Db) -> orm_core::Result<()> {
/// User::create_table(db).await?;
/// let ada = User { id: Uuid::new_v4(), name: "Ada".into() };
/// ada.insert(db).await?;
/// assert_eq!(User::find(db, &ada.id).await?, Some(ada));
/// # Ok(())
/// # }
/// ```
pub trait Model:
    Sized + SerializeRow + for<'f, 'm> DeserializeRow<'f, 'm> + Send + Sync + 'static
{
    /// The table and its columns.
    const TABLE: &'static TableMeta;

    /// The full primary key: the key column's type for a one-column key, otherwise a
    /// tuple of the partition-key columns then the clustering columns, in declaration order.
    type PrimaryKey: Send + Sync;

    #[doc(hidden)]
    const __COLUMN_NAMES: &'static [&'static str];

    #[doc(hidden)]
    fn __statements() -> &'static ModelStatements;

    #[doc(hidden)]
    fn __primary_key_values(key: &Self::PrimaryKey) -> impl SerializeRow + Send + '_;

    #[doc(hidden)]
    fn __own_primary_key_values(&self) -> impl SerializeRow + Send + '_;

    /// A query on this model's table; see [`Select`].
    fn query() -> Select<Self> {
        Select::new()
    }

    /// Writes every column of this row (an upsert: CQL inserts replace existing rows).
    fn insert(&self, db: &Db) -> impl Future<Output = Result<()>> + Send {
        async move {
            db.execute_static(&Self::__statements().insert, self)
                .await?;
            Ok(())
        }
    }

    /// Reads the row with this full primary key, or `None` when there is none.
    fn find(db: &Db, key: &Self::PrimaryKey) -> impl Future<Output = Result<Option<Self>>> + Send {
        async move {
            let statement = &Self::__statements().find;
            let result = db
                .execute_static(statement, Self::__primary_key_values(key))
                .await?;
            rows::first(Self::TABLE.model, Cql::Static(statement), result)
        }
    }

    /// Deletes this row, by its primary key.
    fn delete(&self, db: &Db) -> impl Future<Output = Result<()>> + Send {
        async move {
            db.execute_static(
                &Self::__statements().delete,
                self.__own_primary_key_values(),
            )
            .await?;
            Ok(())
        }
    }

    /// Deletes the row with this full primary key; deleting a missing row is not an error.
    fn delete_by_key(db: &Db, key: &Self::PrimaryKey) -> impl Future<Output = Result<()>> + Send {
        async move {
            db.execute_static(
                &Self::__statements().delete,
                Self::__primary_key_values(key),
            )
            .await?;
            Ok(())
        }
    }

    /// Creates the model's table and its secondary indexes, where they do not exist yet
    /// (`CREATE TABLE IF NOT EXISTS`, `CREATE INDEX IF NOT EXISTS`).
    fn create_table(db: &Db) -> impl Future<Output = Result<()>> + Send {
        async move {
            for statement in render::create_schema(Self::TABLE) {
                db.query_unpaged(statement, ()).await?;
            }
            Ok(())
        }
    }
}

/// The fixed-shape statements of one model, one `static` per model type.
#[doc(hidden)]
#[derive(Debug)]
pub struct ModelStatements {
    pub insert: StaticStatement,
    pub find: StaticStatement,
    pub delete: StaticStatement,
}

impl ModelStatements {
    pub const fn new<M: Model>() -> Self {
        Self {
            insert: StaticStatement::new(|| render::insert(M::TABLE)),
            find: StaticStatement::new(|| render::select_by_primary_key(M::TABLE)),
            delete: StaticStatement::new(|| render::delete_by_primary_key(M::TABLE)),
        }
    }
}
