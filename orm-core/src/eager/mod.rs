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
//! How the files fit, from the bottom up:
//!
//! - `core.rs`: the algorithm, typed and in one place: group parents by key, fetch once
//!   per distinct key at bounded concurrency, read each parent's result back
//!   ([`PerParent`]); and [`load_related`] / [`count_related`], a relation given by its
//!   parts (key, constraint, [`Cardinality`]).
//! - `kinds.rs`: each built-in relation kind's load and count on those steps.
//! - `spec.rs`: a relation to load with its constraint and nested relations
//!   ([`EagerSpec`]), erased into a [`With`], run as a load, a count or a filter, one
//!   tracing span per level.
//! - `by_name.rs`: what `with(...)` accepts ([`IntoWith`]), relation paths by name
//!   (limits in `path.rs`).
//! - `loaded.rs`: [`Loaded`], a row with what was loaded for it; `query.rs`:
//!   [`EagerQuery`], a query that loads relations for its rows; `group_key.rs`:
//!   [`GroupKey`], how keys are compared.
//!
//! [`Db::statements_executed`]: crate::Db::statements_executed

mod by_name;
mod core;
mod custom;
mod group_key;
mod kinds;
mod loaded;
mod path;
mod query;
mod spec;

pub use self::core::{Cardinality, PerParent, count_related, load_related};
#[doc(hidden)]
pub use by_name::ChildModel;
pub use by_name::IntoWith;
pub use group_key::GroupKey;
#[doc(hidden)]
pub use kinds::{Eager, NoQuery, NotNestable};
pub use loaded::Loaded;
pub use path::{MAX_PATH_DEPTH, MAX_PATH_LEN};
pub use query::{EagerQuery, load, load_into};
pub use spec::{EagerSpec, With, eager};

/// Distinct keys loaded at once per relation, by default.
pub const DEFAULT_CONCURRENCY: usize = 32;
