//! CQL text of a model's fixed-shape statements and schema, for reading or running by
//! hand. The text itself is written in one crate-private place (the `cql` module); these
//! are its public entry points.
//!
//! Values are never part of the text, only `?` bind markers.

use crate::cql::{self, Statement};
use crate::meta::{ColumnMeta, TableMeta};
use crate::udt::UdtMeta;

pub(crate) use crate::cql::ddl::collect_udts;

/// `"keyspace"."table"` or `"table"`.
pub fn table_ref(table: &TableMeta) -> String {
    cql::ddl::table_ref(table.keyspace, table.name)
}

/// `"a", "b", "c"`.
pub fn column_list<'a>(columns: impl IntoIterator<Item = &'a ColumnMeta>) -> String {
    cql::column_list(columns.into_iter().map(|c| c.name))
}

/// `"a" = ? AND "b" = ?`.
pub fn equalities<'a>(columns: impl IntoIterator<Item = &'a ColumnMeta>) -> String {
    let parts: Vec<String> = columns
        .into_iter()
        .map(|c| cql::column_list([c.name]) + " = ?")
        .collect();
    parts.join(" AND ")
}

/// `INSERT INTO t ("a", "b") VALUES (?, ?)`: every column, in declaration order.
///
/// # Example
/// ```
/// use orm_core::{Model, render};
///
/// #[derive(Model)]
/// #[orm(table = "users")]
/// struct User {
///     #[orm(partition_key)]
///     id: i64,
///     name: String,
/// }
///
/// assert_eq!(
///     render::insert(User::TABLE),
///     r#"INSERT INTO "users" ("id", "name") VALUES (?, ?)"#
/// );
/// ```
pub fn insert(table: &TableMeta) -> String {
    Statement::insert(table).render()
}

/// `SELECT <every column> FROM t WHERE <full primary key> = ?`.
pub fn select_by_primary_key(table: &TableMeta) -> String {
    Statement::select_by_primary_key(table).render()
}

/// `DELETE FROM t WHERE <full primary key> = ?`.
pub fn delete_by_primary_key(table: &TableMeta) -> String {
    Statement::delete_by_primary_key(table).render()
}

/// `CREATE TABLE IF NOT EXISTS ...` for the model, with its keys and clustering order.
///
/// # Example
/// ```
/// use orm_core::{Model, render};
///
/// #[derive(Model)]
/// #[orm(table = "posts")]
/// struct Post {
///     #[orm(partition_key)]
///     user_id: i64,
///     #[orm(clustering_key, order = "desc")]
///     created_at: i64,
///     title: String,
/// }
///
/// assert_eq!(
///     render::create_table(Post::TABLE),
///     "CREATE TABLE IF NOT EXISTS \"posts\" (\"user_id\" bigint, \"created_at\" bigint, \
///      \"title\" text, PRIMARY KEY ((\"user_id\"), \"created_at\")) \
///      WITH CLUSTERING ORDER BY (\"created_at\" DESC)"
/// );
/// ```
pub fn create_table(table: &TableMeta) -> String {
    cql::ddl::create_table(None, table)
}

/// `CREATE INDEX IF NOT EXISTS` for each column marked `#[orm(index)]`, named
/// `<table>_<column>_idx`.
pub fn create_indexes(table: &TableMeta) -> Vec<String> {
    table
        .columns
        .iter()
        .filter(|c| c.indexed)
        .map(|column| cql::ddl::create_index(None, table, column))
        .collect()
}

/// The name `create_indexes` gives the index on `column`.
pub fn index_name(table: &TableMeta, column: &ColumnMeta) -> String {
    cql::ddl::index_name(table, column)
}

/// The user-defined types the table's columns use, the table, then its indexes: everything
/// [`Model::create_table`](crate::Model::create_table) runs.
///
/// Each type comes once, after the types its fields use, and in the table's keyspace when
/// the model pins one. Types are told apart by name: two structs with the same type name
/// get the first one's `CREATE TYPE`.
///
/// # Example
/// ```
/// use orm_core::{Model, Udt, render};
///
/// #[derive(Udt)]
/// struct Point {
///     lat: f64,
///     lon: f64,
/// }
///
/// #[derive(Udt)]
/// struct Place {
///     name: String,
///     at: Point,
/// }
///
/// #[derive(Model)]
/// struct Trip {
///     #[orm(partition_key)]
///     id: i64,
///     start: Point,
///     stops: Vec<Place>,
/// }
///
/// assert_eq!(
///     render::create_schema(Trip::TABLE),
///     [
///         r#"CREATE TYPE IF NOT EXISTS "point" ("lat" double, "lon" double)"#,
///         r#"CREATE TYPE IF NOT EXISTS "place" ("name" text, "at" frozen<"point">)"#,
///         r#"CREATE TABLE IF NOT EXISTS "trip" ("id" bigint, "start" frozen<"point">, "stops" list<frozen<"place">>, PRIMARY KEY (("id")))"#,
///     ]
/// );
/// ```
pub fn create_schema(table: &TableMeta) -> Vec<String> {
    cql::ddl::create_schema(table)
}

/// `CREATE TYPE IF NOT EXISTS "name" ("field" type, ...)`, in the session's keyspace.
/// Fields that are collections or UDTs are declared frozen, as CQL requires of UDTs.
///
/// # Example
/// ```
/// use orm_core::{Udt, render};
///
/// #[derive(Udt)]
/// #[orm(name = "address")]
/// struct Address {
///     street: String,
///     #[orm(rename = "zip_code")]
///     zip: Option<String>,
///     lines: Vec<String>,
/// }
///
/// assert_eq!(
///     render::create_type(Address::META),
///     r#"CREATE TYPE IF NOT EXISTS "address" ("street" text, "zip_code" text, "lines" frozen<list<text>>)"#
/// );
/// ```
pub fn create_type(udt: &UdtMeta) -> String {
    cql::ddl::create_type(None, udt)
}
