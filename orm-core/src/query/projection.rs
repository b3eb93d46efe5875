//! Types a query's rows can be read into: the model itself, or a subset of its columns.

use scylla::deserialize::row::DeserializeRow;

use crate::model::Model;

/// A row type for queries on model `M`: the columns it selects, and how to read them.
///
/// Every model is a projection of itself. `#[derive(Projection)]` makes a struct with some
/// of a model's fields one too, checked against the model at compile time.
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
    /// The CQL names of the columns it reads.
    const COLUMNS: &'static [&'static str];
}

impl<M: Model> Projection<M> for M {
    const COLUMNS: &'static [&'static str] = M::__COLUMN_NAMES;
}
