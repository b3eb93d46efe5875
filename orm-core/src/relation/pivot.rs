//! Pivot (join) rows of many-to-many relations, stored once per read direction.

use std::future::Future;

use scylla::deserialize::row::DeserializeRow;
use scylla::serialize::row::SerializeRow;

use crate::db::Db;
use crate::error::Result;
use crate::meta::TableMeta;
use crate::model::Model;
use crate::render;

/// A row joining a `Left` model to a `Right` model, with optional extra columns.
///
/// Implement it with `#[derive(Pivot)]`. The same row is stored in two tables, one per
/// read direction: [`FORWARD`](Pivot::FORWARD) is partitioned by the left key (reading a
/// post's tags is one partition), [`INVERSE`](Pivot::INVERSE) by the right key (reading
/// a tag's posts is one partition). The ORM writes both in one `LOGGED` batch.
///
/// # Example
/// ```
/// use orm_core::{Model, Pivot};
///
/// #[derive(Model)]
/// struct Post {
///     #[orm(partition_key)]
///     id: i64,
/// }
///
/// #[derive(Model)]
/// struct Tag {
///     #[orm(partition_key)]
///     id: i64,
/// }
///
/// #[derive(Pivot, Default)]
/// #[pivot(left = Post, right = Tag)]
/// struct PostTag {
///     #[pivot(left)]
///     post_id: i64,
///     #[pivot(right)]
///     tag_id: i64,
///     weight: Option<i32>,
/// }
///
/// assert_eq!(PostTag::FORWARD.name, "post_tags");
/// assert_eq!(PostTag::INVERSE.name, "tag_posts");
/// assert_eq!(
///     orm_core::render::create_table(PostTag::INVERSE),
///     "CREATE TABLE IF NOT EXISTS \"tag_posts\" (\"post_id\" bigint, \"tag_id\" bigint, \
///      \"weight\" int, PRIMARY KEY ((\"tag_id\"), \"post_id\")) \
///      WITH CLUSTERING ORDER BY (\"post_id\" ASC)"
/// );
/// ```
pub trait Pivot:
    SerializeRow + for<'f, 'm> DeserializeRow<'f, 'm> + Send + Sync + Sized + 'static
{
    /// The model on the left.
    type Left: Model;
    /// The model on the right.
    type Right: Model;

    /// The table partitioned by the left key.
    const FORWARD: &'static TableMeta;
    /// The table partitioned by the right key.
    const INVERSE: &'static TableMeta;
    /// The left key's column.
    const LEFT_COLUMN: &'static str;
    /// The right key's column.
    const RIGHT_COLUMN: &'static str;
    #[doc(hidden)]
    const __COLUMN_NAMES: &'static [&'static str];

    /// The left row's key.
    fn left_key(&self) -> &<Self::Left as Model>::PrimaryKey;
    /// The right row's key.
    fn right_key(&self) -> &<Self::Right as Model>::PrimaryKey;
    /// Sets both keys.
    fn set_keys(
        &mut self,
        left: <Self::Left as Model>::PrimaryKey,
        right: <Self::Right as Model>::PrimaryKey,
    );

    /// Creates both tables if they do not exist.
    fn create_tables(db: &Db) -> impl Future<Output = Result<()>> + Send {
        async move {
            for table in [Self::FORWARD, Self::INVERSE] {
                for statement in render::create_schema(table) {
                    db.query_unpaged(statement, ()).await?;
                }
            }
            Ok(())
        }
    }
}

/// Pivot `Pv` read from `P` to `R`: implemented by `#[derive(Pivot)]` for [`Forward`]
/// (left to right) and [`Inverse`] (right to left).
#[diagnostic::on_unimplemented(
    message = "pivot `{Pv}` read this way does not join `{P}` to `{R}`",
    label = "check `left`/`right` in `#[pivot(...)]` of `{Pv}`; the model on the pivot's right side adds `inverse` to its `belongs_to_many`"
)]
pub trait Side<Pv, P: Model, R: Model>: Send + Sync + 'static {
    /// The pivot table partitioned by `P`'s key.
    const TABLE: &'static TableMeta;
    /// The pivot table partitioned by `R`'s key.
    const OPPOSITE: &'static TableMeta;
    /// The pivot column holding `P`'s key.
    const OWN_COLUMN: &'static str;
    /// The pivot column holding `R`'s key.
    const OTHER_COLUMN: &'static str;

    /// `P`'s key in a pivot row.
    fn own_key(pivot: &Pv) -> &P::PrimaryKey;
    /// `R`'s key in a pivot row.
    fn other_key(pivot: &Pv) -> &R::PrimaryKey;
    /// Sets both keys of a pivot row.
    fn set_keys(pivot: &mut Pv, own: P::PrimaryKey, other: R::PrimaryKey);
}

/// Reading from the left model to the right one.
#[derive(Debug, Clone, Copy)]
pub struct Forward;

/// Reading from the right model to the left one (`inverse` in the relation attribute).
#[derive(Debug, Clone, Copy)]
pub struct Inverse;
