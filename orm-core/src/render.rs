//! CQL text for a model's fixed-shape statements, rendered from its [`TableMeta`].
//!
//! Rendering happens once per process per statement (see [`StaticStatement`](crate::StaticStatement)); values are
//! never part of the text, only `?` bind markers.

use std::fmt::Write;

use crate::cql_type::CqlType;
use crate::ident::quoted;
use crate::meta::{ColumnMeta, KeyRole, TableMeta};
use crate::udt::UdtMeta;

/// `"keyspace"."table"` or `"table"`.
pub fn table_ref(table: &TableMeta) -> String {
    match table.keyspace {
        Some(keyspace) => format!("{}.{}", quoted(keyspace), quoted(table.name)),
        None => quoted(table.name).to_string(),
    }
}

/// `"a", "b", "c"`.
pub fn column_list<'a>(columns: impl IntoIterator<Item = &'a ColumnMeta>) -> String {
    let mut out = String::new();
    for (i, column) in columns.into_iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        write!(out, "{}", quoted(column.name)).expect("writing to a String cannot fail");
    }
    out
}

/// `"a" = ? AND "b" = ?`.
pub fn equalities<'a>(columns: impl IntoIterator<Item = &'a ColumnMeta>) -> String {
    let mut out = String::new();
    for (i, column) in columns.into_iter().enumerate() {
        if i > 0 {
            out.push_str(" AND ");
        }
        write!(out, "{} = ?", quoted(column.name)).expect("writing to a String cannot fail");
    }
    out
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
    let markers = vec!["?"; table.columns.len()].join(", ");
    format!(
        "INSERT INTO {} ({}) VALUES ({markers})",
        table_ref(table),
        column_list(table.columns),
    )
}

/// `SELECT <every column> FROM t WHERE <full primary key> = ?`.
pub fn select_by_primary_key(table: &TableMeta) -> String {
    format!(
        "SELECT {} FROM {} WHERE {}",
        column_list(table.columns),
        table_ref(table),
        equalities(table.primary_key()),
    )
}

/// `DELETE FROM t WHERE <full primary key> = ?`.
pub fn delete_by_primary_key(table: &TableMeta) -> String {
    format!(
        "DELETE FROM {} WHERE {}",
        table_ref(table),
        equalities(table.primary_key()),
    )
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
    create_table_at(&table_ref(table), table)
}

/// [`create_table`] for the table in `keyspace`, whatever keyspace the model pins.
pub(crate) fn create_table_in(keyspace: &str, table: &TableMeta) -> String {
    create_table_at(
        &format!("{}.{}", quoted(keyspace), quoted(table.name)),
        table,
    )
}

fn create_table_at(target: &str, table: &TableMeta) -> String {
    let mut out = format!("CREATE TABLE IF NOT EXISTS {target} (");
    for column in table.columns {
        write!(out, "{} {}", quoted(column.name), column.cql_type)
            .expect("writing to a String cannot fail");
        if column.role == KeyRole::Static {
            out.push_str(" STATIC");
        }
        out.push_str(", ");
    }
    write!(out, "PRIMARY KEY (({})", column_list(table.partition_key()))
        .expect("writing to a String cannot fail");
    for column in table.clustering_key() {
        write!(out, ", {}", quoted(column.name)).expect("writing to a String cannot fail");
    }
    out.push_str("))");

    let mut options = Vec::new();
    let mut clustering = table.clustering_key().peekable();
    if clustering.peek().is_some() {
        let mut order = String::from("CLUSTERING ORDER BY (");
        for (i, column) in clustering.enumerate() {
            if i > 0 {
                order.push_str(", ");
            }
            let KeyRole::ClusteringKey(direction) = column.role else {
                unreachable!("clustering_key() yields clustering columns only")
            };
            write!(order, "{} {}", quoted(column.name), direction.as_cql())
                .expect("writing to a String cannot fail");
        }
        order.push(')');
        options.push(order);
    }
    if let Some(ttl) = table.default_ttl {
        options.push(format!("default_time_to_live = {ttl}"));
    }
    if let Some(more) = table.options {
        options.push(more.to_owned());
    }
    if !options.is_empty() {
        out.push_str(" WITH ");
        out.push_str(&options.join(" AND "));
    }
    out
}

/// `CREATE INDEX IF NOT EXISTS` for each column marked `#[orm(index)]`, named
/// `<table>_<column>_idx`.
pub fn create_indexes(table: &TableMeta) -> Vec<String> {
    table
        .columns
        .iter()
        .filter(|c| c.indexed)
        .map(|column| create_index_at(&table_ref(table), table, column))
        .collect()
}

/// `CREATE INDEX IF NOT EXISTS` on `column` of the table in `keyspace`.
pub(crate) fn create_index_in(keyspace: &str, table: &TableMeta, column: &ColumnMeta) -> String {
    create_index_at(
        &format!("{}.{}", quoted(keyspace), quoted(table.name)),
        table,
        column,
    )
}

fn create_index_at(target: &str, table: &TableMeta, column: &ColumnMeta) -> String {
    format!(
        "CREATE INDEX IF NOT EXISTS {} ON {target} ({})",
        quoted(&index_name(table, column)),
        quoted(column.name)
    )
}

/// The name `create_indexes` gives the index on `column`.
pub fn index_name(table: &TableMeta, column: &ColumnMeta) -> String {
    format!("{}_{}_idx", table.name, column.name)
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
    let mut udts = Vec::new();
    for column in table.columns {
        collect_udts(column.cql_type, &mut udts);
    }
    let mut statements: Vec<String> = udts
        .into_iter()
        .map(|udt| create_type_in(table.keyspace, udt))
        .collect();
    statements.push(create_table(table));
    statements.extend(create_indexes(table));
    statements
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
    create_type_in(None, udt)
}

pub(crate) fn create_type_in(keyspace: Option<&str>, udt: &UdtMeta) -> String {
    let mut out = String::from("CREATE TYPE IF NOT EXISTS ");
    if let Some(keyspace) = keyspace {
        write!(out, "{}.", quoted(keyspace)).expect("writing to a String cannot fail");
    }
    write!(out, "{} (", quoted(udt.name)).expect("writing to a String cannot fail");
    for (i, field) in udt.fields.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        write!(out, "{} {}", quoted(field.name), field.cql_type.nested())
            .expect("writing to a String cannot fail");
    }
    out.push(')');
    out
}

/// Appends the UDTs `typ` uses that `out` lacks, each after the UDTs its fields use.
pub(crate) fn collect_udts(typ: &'static CqlType, out: &mut Vec<&'static UdtMeta>) {
    match typ {
        CqlType::Native(_) => {}
        CqlType::List(item) | CqlType::Set(item) | CqlType::Frozen(item) => collect_udts(item, out),
        CqlType::Map(key, value) => {
            collect_udts(key, out);
            collect_udts(value, out);
        }
        CqlType::Tuple(items) => {
            for item in items.iter() {
                collect_udts(item, out);
            }
        }
        CqlType::Udt(udt) => {
            if out.iter().any(|seen| seen.name == udt.name) {
                return;
            }
            for field in udt.fields {
                collect_udts(field.cql_type, out);
            }
            out.push(udt);
        }
    }
}
