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
//! - `#[orm(rename = "column_name")]`: the CQL column name, when it differs.
//!
//! # Struct attributes
//! - `#[orm(table = "name")]`: the table (default: the struct name in snake_case).

// Lets the derive's `::orm_core::...` paths resolve inside this crate's own tests.
extern crate self as orm_core;

mod column;
mod condition;
mod cql_type;
mod db;
mod error;
pub mod ident;
mod meta;
mod model;
mod options;
pub mod query;
pub mod render;
mod row;
pub mod schema;
mod statement;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;

pub use column::{Column, Token};
pub use condition::{BoundValue, Condition, Operator, Ordering, Target, UnknownOperator};
pub use cql_type::{CqlType, CqlTyped, Element, FieldType, MapKey};
pub use db::Db;
pub use error::{Error, Result, RowsReadError};
pub use meta::{ClusteringOrder, ColumnMeta, KeyRole, TableMeta};
pub use model::Model;
pub use options::{Configure, StatementOptions};
pub use query::{AccessPath, Page, Projection, QueryError, Select};
pub use row::RowShapeError;
pub use scylla::response::PagingState;
pub use statement::StaticStatement;

/// What most programs import: `use orm_core::prelude::*;`.
pub mod prelude {
    pub use crate::{Configure, Db, Model, PagingState, Projection, Token};
}

/// Derives [`Model`](trait@Model) for a struct with named fields. See the crate docs for
/// its attributes.
pub use orm_derive::Model;

/// Derives [`Projection`](trait@Projection) for a struct reading some columns of a model.
pub use orm_derive::Projection;

/// The scylla driver this crate is built on, for its types and anything the ORM does not
/// cover.
pub use scylla;
