//! Types a query's rows can be read into: the model itself, or a subset of its columns
//! and their write times and TTLs.

use scylla::deserialize::row::DeserializeRow;

use crate::cql::Selector;
use crate::cql_type::CqlType;
use crate::meta::{ColumnMeta, KeyRole};
use crate::model::Model;

/// A row type for queries on model `M`: the columns it selects, and how to read them.
///
/// Every model is a projection of itself. `#[derive(Projection)]` makes a struct with some
/// of a model's fields one too, checked against the model at compile time; its fields can
/// also read a column's TTL and write time (see [`Computed`]).
///
/// # Example
/// ```
/// use orm_core::{Model, Projection};
///
/// #[derive(Model)]
/// struct Post {
///     #[orm(partition_key)]
///     user_id: i64,
///     #[orm(clustering_key)]
///     id: i64,
///     title: String,
///     #[orm(rename = "body_text")]
///     body: String,
/// }
///
/// #[derive(Projection)]
/// #[orm(model = Post)]
/// struct PostHeadline {
///     id: i64,
///     title: String,
/// }
///
/// let query = Post::query().filter(Post::USER_ID.eq(1)).select::<PostHeadline>();
/// assert_eq!(
///     query.cql().unwrap(),
///     r#"SELECT "id", "title" FROM "post" WHERE "user_id" = ?"#
/// );
/// ```
pub trait Projection<M: Model>: for<'f, 'm> DeserializeRow<'f, 'm> + Send + 'static {
    /// The names of the result columns it reads, in order: a column's CQL name, or the
    /// name of a [`Computed`] value.
    const COLUMNS: &'static [&'static str];

    /// The entries of [`COLUMNS`](Self::COLUMNS) that are computed from a column
    /// (`TTL(...)`, `WRITETIME(...)`) rather than read from it.
    const COMPUTED: &'static [Computed] = &[];
}

impl<M: Model> Projection<M> for M {
    const COLUMNS: &'static [&'static str] = M::__COLUMN_NAMES;
}

/// A function of one column a query can read: its TTL or its write time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Function {
    /// `TTL(column)`: the seconds left before the value expires, as `Option<i32>`
    /// (`None` when it has no TTL, or the column is null).
    Ttl,
    /// `WRITETIME(column)`: when the value was written, in microseconds since the epoch,
    /// as `Option<i64>` (`None` when the column is null).
    WriteTime,
}

impl Function {
    /// The CQL function name.
    pub const fn as_cql(self) -> &'static str {
        match self {
            Function::Ttl => "TTL",
            Function::WriteTime => "WRITETIME",
        }
    }
}

/// A result column computed from a model column, such as `TTL("title")`; what a
/// `#[derive(Projection)]` field marked `#[orm(ttl = "title")]` or
/// `#[orm(writetime = "title")]` reads.
///
/// # Example
/// ```
/// use orm_core::{Model, Projection};
///
/// #[derive(Model)]
/// struct Post {
///     #[orm(partition_key)]
///     id: i64,
///     title: String,
/// }
///
/// #[derive(Projection)]
/// #[orm(model = Post)]
/// struct TitleAge {
///     title: String,
///     #[orm(ttl = "title")]
///     title_ttl: Option<i32>,
///     #[orm(writetime = "title")]
///     title_written: Option<i64>,
/// }
///
/// let query = Post::query().filter(Post::ID.eq(1)).select::<TitleAge>();
/// assert_eq!(
///     query.cql().unwrap(),
///     r#"SELECT "title", TTL("title") AS "ttl(title)", WRITETIME("title") AS "writetime(title)" FROM "post" WHERE "id" = ?"#
/// );
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Computed {
    /// The result column's name, as listed in [`Projection::COLUMNS`].
    pub name: &'static str,
    /// The function applied.
    pub function: Function,
    /// The CQL name of the column it applies to.
    pub column: &'static str,
}

/// How the result column `name` of projection `R` is selected: `"name"`, or
/// `TTL("column") AS "name"` for a computed one.
pub(crate) fn selector<M: Model, R: Projection<M>>(name: &'static str) -> Selector {
    match R::COMPUTED.iter().find(|c| c.name == name) {
        Some(computed) => Selector::Computed(computed),
        None => Selector::Column(name),
    }
}

/// Whether a column's TTL and write time can be read, as the derive checks it at compile
/// time.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FunctionTarget {
    /// A regular or static column holding one value (counters too).
    Value,
    /// A primary-key column: the server keeps no TTL or write time for it.
    Key,
    /// A collection that is not frozen: each element has its own TTL and write time
    /// (Cassandra 5 returns a list of them, ScyllaDB refuses).
    Collection,
}

/// What [`FunctionTarget`] `column` is.
#[doc(hidden)]
pub const fn function_target(column: &ColumnMeta) -> FunctionTarget {
    match (column.role, column.cql_type) {
        (KeyRole::PartitionKey | KeyRole::ClusteringKey(_), _) => FunctionTarget::Key,
        (_, CqlType::List(_) | CqlType::Set(_) | CqlType::Map(..)) => FunctionTarget::Collection,
        _ => FunctionTarget::Value,
    }
}

/// A projection field reading a TTL: `Option<i32>`.
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot hold a TTL",
    label = "a TTL reads as `Option<i32>`",
    note = "a TTL is the seconds left before the value expires; it is null when the value has no TTL"
)]
pub trait TtlField {}

impl TtlField for Option<i32> {}

/// A projection field reading a write time: `Option<i64>`.
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot hold a write time",
    label = "a write time reads as `Option<i64>`",
    note = "a write time is in microseconds since the epoch; it is null when the column is null"
)]
pub trait WriteTimeField {}

impl WriteTimeField for Option<i64> {}

/// Checks at compile time that a `ttl` field's type is `Option<i32>`.
#[doc(hidden)]
pub const fn ttl_field<T: TtlField>() {}

/// Checks at compile time that a `writetime` field's type is `Option<i64>`.
#[doc(hidden)]
pub const fn writetime_field<T: WriteTimeField>() {}
