//! Eager loading: the relations of many rows in few, concurrent round trips.
//!
//! `User::query().with(User::posts_relation).get(&db)` reads the users, then each
//! distinct user's posts with one prepared single-partition query per user, at most
//! [`DEFAULT_CONCURRENCY`] at a time, and hands each user its posts as a [`Loaded`]
//! row. Nested paths (`"posts.comments"`, or [`eager`]`(User::posts_relation).with(...)`)
//! load the next level from all rows of the previous one at once; relations at the same
//! depth load concurrently with each other.
//!
//! Why one query per key and not `IN`: each single-partition query goes straight to a
//! replica that owns it (token-aware routing), a per-parent `LIMIT` means what it says,
//! and no coordinator gathers many partitions; `IN` would save requests only for tiny
//! partitions, and ScyllaDB caps it at 100 keys anyway. So this module always sends one
//! query per distinct key; the count is observable with [`Db::statements_executed`].
//!
//! [`Db::statements_executed`]: crate::Db::statements_executed

mod custom;
mod group_key;
mod impls;
mod item;
mod loaded;
mod path;
mod query;

pub use group_key::GroupKey;
pub use impls::{Eager, NoQuery, NotNestable, ShapeCache};
pub use item::{ChildModel, EagerSpec, IntoWith, With, eager};
pub use loaded::Loaded;
pub use path::{MAX_PATH_DEPTH, MAX_PATH_LEN};
pub use query::{EagerQuery, load, load_into};

/// Distinct keys loaded at once per relation, by default.
pub const DEFAULT_CONCURRENCY: usize = 32;
