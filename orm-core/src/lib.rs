#![warn(missing_debug_implementations, missing_docs)]
//! A typed, derive-driven ORM for ScyllaDB (and Apache Cassandra).
//!
//! Annotate a struct with `#[derive(Model)]`; get its table metadata, `CREATE TABLE` text
//! and prepared CRUD that follows the table's real primary key.
//!
//! ```no_run
//! use orm_core::{Db, Model, schema::Replication};
//! use uuid::Uuid;
//!
//! #[derive(Model, Debug)]
//! #[orm(table = "posts")]
//! struct Post {
//!     #[orm(partition_key)]
//!     user_id: Uuid,
//!     #[orm(clustering_key, order = "desc")]
//!     id: i64,
//!     title: String,
//! }
//!
//! # async fn run() -> orm_core::Result<()> {
//! let db = Db::connect("127.0.0.1:9042").await?;
//! db.create_keyspace("blog", &Replication::Simple(1)).await?;
//! db.use_keyspace("blog").await?;
//! Post::create_table(&db).await?;
//!
//! let post = Post { user_id: Uuid::new_v4(), id: 1, title: "Hello".into() };
//! post.insert(&db).await?;
//! let found = Post::find(&db, &(post.user_id, 1)).await?;
//! assert_eq!(found.map(|p| p.title), Some("Hello".to_string()));
//! # Ok(())
//! # }
//! ```
//!
//! # Field attributes
//! - `#[orm(partition_key)]`: part of the partition key (one or more fields, in order).
//! - `#[orm(clustering_key)]`, optionally with `order = "asc" | "desc"`.
//! - `#[orm(static)]`: one value shared by the rows of a partition.
//! - `#[orm(index)]`: a secondary index on the column (created by `create_table`).
//! - `#[orm(rename = "column_name")]`: the CQL column name, when it differs.
//! - `#[orm(skip)]`: not a column; read as `Default::default()`.
//! - `#[orm(created_at)]`, `#[orm(updated_at)]`: timestamp fields filled by writes
//!   (`CqlTimestamp`, or with a feature below `chrono::DateTime<Utc>` or
//!   `time::OffsetDateTime`; optional or not).
//!
//! # Struct attributes
//! - `#[orm(table = "name")]`: the table (default: the struct name in snake_case).
//! - `#[orm(keyspace = "name")]`: pin the table to a keyspace.
//! - `#[orm(default_ttl = seconds)]`, `#[orm(table_options = "CQL")]`: table options.
//! - `#[orm(hooks)]`: the program implements [`Hooks`] for the model.
//!
//! # Cargo features
//! - `chrono`: fields of type `chrono::DateTime<Utc>` (CQL `timestamp`), `chrono::NaiveDate`
//!   (`date`) and `chrono::NaiveTime` (`time`).
//! - `factory`: test data, `factory::Factory` and seeders (pulls in `fake` and `rand`).
//! - `metrics`: counters and a latency histogram of every operation through the `metrics`
//!   facade, and the driver's own metrics (`Db::driver_metrics`).
//! - `time`: fields of type `time::OffsetDateTime` (`timestamp`), `time::Date` (`date`) and
//!   `time::Time` (`time`).
//!
//! `chrono` and `time` turn on the scylla driver's matching feature (`chrono-04`,
//! `time-03`). CQL
//! timestamps hold milliseconds: finer parts of a value are dropped on write.
//!
//! # Where things are
//! - reads: [`Model::query`] and [`Select`]; projections: [`Projection`];
//! - writes: [`Model::insert`], [`Model::update`], [`Model::delete_query`] and the
//!   [`write`](mod@write) module (inserts with options, updates, deletes, batches);
//! - statement settings: [`Configure`]; errors: [`Error`];
//! - schema changes (diff a keyspace against the models, sync it): [`schema`].

// Lets the derive's `::orm_core::...` paths resolve inside this crate's own tests.
extern crate self as orm_core;

mod column;
mod condition;
mod connect;
mod cql;
mod cql_type;
mod db;
pub mod eager;
mod error;
pub mod explain;
#[cfg(feature = "factory")]
pub mod factory;
mod fault;
mod hooks;
mod idempotence;
#[doc(hidden)]
pub mod ident;
mod meta;
#[cfg(feature = "metrics")]
pub mod metrics;
mod model;
mod options;
pub mod query;
pub mod relation;
pub mod render;
mod row;
pub mod schema;
mod statement;
#[cfg(any(feature = "chrono", feature = "time"))]
mod time_types;
mod trace;
mod tuple;
mod udt;
mod user_input;
pub mod write;

// Versioned with the crates (`orm-derive` names it `runtime::PRIVATE_MODULE`, and
// `orm-core` pins that derive's exact version), so a mismatched derive fails to resolve.
#[doc(hidden)]
#[path = "private.rs"]
pub mod __private_v0_1;

pub use column::{Column, Field, Token};
pub use condition::{
    BoundValue, Condition, Operator, Ordering, Target, TupleColumns, UnknownOperator,
};
pub use connect::{DEFAULT_CONNECT_TIMEOUT, DEFAULT_REQUEST_TIMEOUT, DbBuilder};
pub use cql_type::{CqlType, CqlTyped, Element, FieldType, MapKey};
pub use db::Db;
pub use eager::{EagerQuery, Loaded, eager};
pub use error::{Error, Result, RowsReadError};
pub use explain::{Explain, PlannedStatement, StatementCount};
pub use fault::Unavailable;
pub use hooks::{Hooks, Rejection};
pub use meta::{ClusteringOrder, ColumnMeta, KeyRole, TableMeta};
pub use model::Model;
pub use options::{Configure, StatementOptions};
pub use query::{AccessPath, Computed, Function, Page, Projection, QueryError, Select};
pub use relation::{
    BelongsTo, BelongsToMany, BelongsToManyQuery, EagerBelongsToMany, HasMany, HasOne, KeyOf,
    MorphParent, MorphTargets, MorphTo, Pivot, QueryRelationship, RelationDef, RelationKind,
    Relationship, WithPivot,
};
pub use row::RowShapeError;
pub use scylla::response::PagingState;
pub use statement::StaticStatement;
pub use tuple::{Tuple, TupleArg, TupleOf};
pub use udt::{Udt, UdtField, UdtMeta, UdtShapeError};

/// What most programs import: `use orm_core::prelude::*;`.
pub mod prelude {
    pub use crate::eager::{Loaded, eager};
    pub use crate::write::Batch;
    pub use crate::{
        Configure, Db, Hooks, Model, PagingState, Projection, QueryRelationship, Relationship,
        Token,
    };
}

/// Derives [`Model`](trait@Model) for a struct with named fields. See the crate docs for
/// its attributes.
pub use orm_derive::Model;

/// Derives [`Projection`](trait@Projection) for a struct reading some columns of a model.
///
/// - `#[orm(model = Post)]` (required): the model whose columns it reads; each field reads
///   the model field of the same name, with the same type.
/// - `#[orm(ttl = "field")]`: the field reads `TTL(...)` of that model field's column, as
///   `Option<i32>` (seconds left; `None` without a TTL).
/// - `#[orm(writetime = "field")]`: `WRITETIME(...)`, as `Option<i64>` (microseconds since
///   the epoch).
/// - `#[orm(skip)]`: not read; filled with `Default::default()`.
///
/// See [`Computed`] for an example.
pub use orm_derive::Projection;

/// Derives [`Pivot`](trait@Pivot) for the row joining two models in a many-to-many
/// relation.
pub use orm_derive::Pivot;

/// Derives [`Udt`](trait@Udt) for a struct stored as a CQL user-defined type. See the
/// trait's docs for its attributes.
pub use orm_derive::Udt;

/// The scylla driver this crate is built on, for its types and anything the ORM does not
/// cover.
pub use scylla;

/// The README's Rust blocks, compiled (and, where they need no server, run) as doctests,
/// so the README cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
