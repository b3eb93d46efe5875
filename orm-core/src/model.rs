//! The [`Model`] trait: what `#[derive(Model)]` implements, and the CRUD it brings.

use std::future::Future;

use scylla::deserialize::row::DeserializeRow;
use scylla::serialize::SerializationError;
use scylla::serialize::row::SerializeRow;
use scylla::value::CqlTimestamp;

use crate::condition::Condition;
use crate::cql::Statement;
use crate::db::{Cql, Db};
use crate::error::Result;
use crate::hooks::Hooks;
use crate::meta::TableMeta;
use crate::options::UNSET;
use crate::query::{Select, rows};
use crate::row::ColumnValues;
use crate::statement::StaticStatement;
use crate::write::{self, Delete, Insert, Inserted, Update};

/// A Rust struct mapped to one table. Implement it with `#[derive(Model)]`.
///
/// The derive also implements the driver's `SerializeRow` and `DeserializeRow` for the
/// struct (columns matched by name), so a model can be bound to and read from the driver's
/// own statements as well.
///
/// Writes leave `None` fields *unset* rather than writing nulls, which would create
/// tombstones: to clear a column, use [`Update::set_null`].
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
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a model",
    label = "add `#[derive(Model)]` to `{Self}`"
)]
pub trait Model:
    Hooks + Sized + SerializeRow + for<'f, 'm> DeserializeRow<'f, 'm> + Send + Sync + 'static
{
    /// The table and its columns.
    const TABLE: &'static TableMeta;

    /// The full primary key: the key column's type for a one-column key, otherwise a
    /// tuple of the partition-key columns then the clustering columns, in declaration order.
    type PrimaryKey: Clone + Send + Sync;

    /// The partition key, shaped like [`PrimaryKey`](Model::PrimaryKey).
    type PartitionKey: Send + Sync;

    #[doc(hidden)]
    const __COLUMN_NAMES: &'static [&'static str];

    /// Whether any field is `#[orm(created_at)]` or `#[orm(updated_at)]`.
    #[doc(hidden)]
    const __HAS_TIMESTAMPS: bool;

    /// The `#[orm(updated_at)]` column, set by every update.
    #[doc(hidden)]
    const __UPDATED_AT: Option<&'static str>;

    #[doc(hidden)]
    fn __statements() -> &'static ModelStatements;

    /// The names of the model's relations, for eager loading by name.
    #[doc(hidden)]
    const __RELATIONS: &'static [&'static str] = &[];

    /// The relation named `name`, for eager loading by name.
    #[doc(hidden)]
    fn __eager(name: &str) -> Option<crate::eager::With<Self>> {
        let _ = name;
        None
    }

    /// The definition of the relation whose accessor has the type `accessor`, for
    /// `explain()` of eager loads (which have no parent row to call the accessor on).
    #[doc(hidden)]
    fn __relation_def(accessor: std::any::TypeId) -> Option<&'static crate::RelationDef> {
        let _ = accessor;
        None
    }

    /// Calls `visit` with every column's value; `now` (on writes through the ORM) fills
    /// the automatic timestamps.
    #[doc(hidden)]
    fn __visit_values(
        &self,
        now: Option<&CqlTimestamp>,
        visit: &mut dyn FnMut(&ColumnValues<'_>) -> Result<(), SerializationError>,
    ) -> Result<(), SerializationError>;

    /// Reads `cell`, a CQL value of type `typ` (its length first, as in a row), into the
    /// field of `column`; `None` when the model has no such column. Factories fill
    /// relation keys with it.
    #[doc(hidden)]
    fn __set_cell(
        &mut self,
        column: &str,
        typ: &scylla::cluster::metadata::ColumnType<'_>,
        cell: scylla::deserialize::FrameSlice<'_>,
    ) -> Option<Result<(), scylla::deserialize::DeserializationError>> {
        let _ = (column, typ, cell);
        None
    }

    #[doc(hidden)]
    fn __primary_key_values(key: &Self::PrimaryKey) -> impl SerializeRow + Send + '_;

    #[doc(hidden)]
    fn __primary_key_conditions(key: &Self::PrimaryKey) -> Vec<Condition<Self>>;

    #[doc(hidden)]
    fn __partition_key_conditions(key: &Self::PartitionKey) -> Vec<Condition<Self>>;

    /// This row's primary key (a copy).
    fn primary_key(&self) -> Self::PrimaryKey;

    /// A query on this model's table; see [`Select`].
    fn query() -> Select<Self> {
        Select::new()
    }

    /// Writes every column of this row (an upsert: CQL inserts replace existing rows).
    /// `None` fields are left unset; see the trait docs.
    fn insert(&self, db: &Db) -> impl Future<Output = Result<()>> + Send {
        write::insert_row(self, db)
    }

    /// An insert with options: TTL, write timestamp, `IF NOT EXISTS`; see [`Insert`].
    fn insert_query(&self) -> Insert<'_, Self> {
        Insert::new(self)
    }

    /// Inserts this row only if no row has its primary key (a lightweight transaction);
    /// tells whether it applied and, if not, the row that exists.
    fn insert_if_not_exists(&self, db: &Db) -> impl Future<Output = Result<Inserted<Self>>> + Send {
        async move { self.insert_query().if_not_exists().execute(db).await }
    }

    /// Reads the row with this full primary key, or `None` when there is none.
    fn find(db: &Db, key: &Self::PrimaryKey) -> impl Future<Output = Result<Option<Self>>> + Send {
        let statement = Cql::Static(&Self::__statements().find);
        let values = Self::__primary_key_values(key);
        db.execute_then(statement, values, &UNSET, move |result| {
            rows::first(Self::TABLE.model, statement, result)
        })
    }

    /// An update of the row with this full primary key; see [`Update`].
    fn update(key: &Self::PrimaryKey) -> Update<Self> {
        Update::new(key.clone())
    }

    /// An update of the static columns of the partition with this partition key (the
    /// server refuses a clustering key for an update of statics alone); see [`Update`].
    ///
    /// A partition that then holds statics but no clustering row reads back as one row
    /// whose clustering columns are null, which the model cannot hold: read it through a
    /// projection of the partition key and the static columns.
    fn update_partition(key: &Self::PartitionKey) -> Update<Self> {
        Update::partition(Self::__partition_key_conditions(key))
    }

    /// A delete by conditions (a row, a clustering range or a partition); see [`Delete`].
    fn delete_query() -> Delete<Self> {
        Delete::new(Vec::new())
    }

    /// Deletes this row, by its primary key.
    fn delete(&self, db: &Db) -> impl Future<Output = Result<()>> + Send {
        async move { Self::delete_by_key(db, &self.primary_key()).await }
    }

    /// Deletes the row with this full primary key; deleting a missing row is not an error.
    fn delete_by_key(db: &Db, key: &Self::PrimaryKey) -> impl Future<Output = Result<()>> + Send {
        write::delete_by_key::<Self>(db, key)
    }

    /// Deletes every row of one partition.
    fn delete_partition(
        db: &Db,
        key: &Self::PartitionKey,
    ) -> impl Future<Output = Result<()>> + Send {
        Delete::new(Self::__partition_key_conditions(key)).execute(db)
    }

    /// Creates the user-defined types its columns use, the model's table and its secondary
    /// indexes, where they do not exist yet (`CREATE TYPE IF NOT EXISTS`, `CREATE TABLE IF
    /// NOT EXISTS`, `CREATE INDEX IF NOT EXISTS`; see [`render::create_schema`](crate::render::create_schema)).
    fn create_table(db: &Db) -> impl Future<Output = Result<()>> + Send {
        async move {
            for statement in crate::cql::ddl::create_schema(Self::TABLE) {
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
    /// The delete by primary key: the shape's one statement (`cql::fixed`), found once.
    pub delete: std::sync::OnceLock<&'static StaticStatement>,
    /// The first shapes of this model's updates, found without the shared table.
    pub(crate) updates: crate::cql::ShapeSlots,
    /// The first shapes of this model's deletes built with conditions.
    pub(crate) deletes: crate::cql::ShapeSlots,
}

impl ModelStatements {
    pub const fn new<M: Model>() -> Self {
        Self {
            insert: StaticStatement::new(|| Statement::insert(M::TABLE).render()),
            find: StaticStatement::new(|| Statement::select_by_primary_key(M::TABLE).render()),
            delete: std::sync::OnceLock::new(),
            updates: crate::cql::ShapeSlots::new(),
            deletes: crate::cql::ShapeSlots::new(),
        }
    }
}
