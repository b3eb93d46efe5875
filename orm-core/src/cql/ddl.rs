//! Schema statements: `CREATE TYPE`, `CREATE TABLE`, `CREATE INDEX`, `CREATE KEYSPACE`,
//! `ALTER TABLE`, `DROP KEYSPACE`.

use std::fmt::Write;

use crate::cql::column_list;
use crate::cql_type::CqlType;
use crate::ident::quoted;
use crate::meta::{ColumnMeta, KeyRole, TableMeta};
use crate::udt::UdtMeta;

/// `"keyspace"."table"`, or `"table"` when `keyspace` is `None`.
pub(crate) fn table_ref(keyspace: Option<&str>, table: &str) -> String {
    match keyspace {
        Some(keyspace) => format!("{}.{}", quoted(keyspace), quoted(table)),
        None => quoted(table).to_string(),
    }
}

/// `CREATE TABLE IF NOT EXISTS` for `table` in `keyspace` (else the model's own keyspace,
/// else the session's), with its keys, clustering order and options.
pub(crate) fn create_table(keyspace: Option<&str>, table: &TableMeta) -> String {
    let target = table_ref(keyspace.or(table.keyspace), table.name);
    let mut out = format!("CREATE TABLE IF NOT EXISTS {target} (");
    for column in table.columns {
        write!(out, "{} {}", quoted(column.name), column.cql_type)
            .expect("writing to a String cannot fail");
        if column.role == KeyRole::Static {
            out.push_str(" STATIC");
        }
        out.push_str(", ");
    }
    let names = |columns: &mut dyn Iterator<Item = &'static ColumnMeta>| {
        column_list(columns.map(|c| c.name))
    };
    write!(out, "PRIMARY KEY (({})", names(&mut table.partition_key()))
        .expect("writing to a String cannot fail");
    for column in table.clustering_key() {
        write!(out, ", {}", quoted(column.name)).expect("writing to a String cannot fail");
    }
    out.push_str("))");

    let mut options = Vec::new();
    let order: Vec<String> = table
        .clustering_key()
        .map(|column| {
            let KeyRole::ClusteringKey(direction) = column.role else {
                unreachable!("clustering_key() yields clustering columns only")
            };
            format!("{} {}", quoted(column.name), direction.as_cql())
        })
        .collect();
    if !order.is_empty() {
        options.push(format!("CLUSTERING ORDER BY ({})", order.join(", ")));
    }
    if let Some(ttl) = table.default_ttl {
        options.push(default_ttl_option(ttl));
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

/// `default_time_to_live = <seconds>`.
pub(crate) fn default_ttl_option(seconds: u32) -> String {
    format!("default_time_to_live = {seconds}")
}

/// `ALTER TABLE <target> WITH <option>`.
pub(crate) fn alter_table_with(target: &str, option: &str) -> String {
    format!("ALTER TABLE {target} WITH {option}")
}

/// `ALTER TABLE <target> ADD "column" <type>[ STATIC]` (`stat` is `""` or `" STATIC"`).
pub(crate) fn alter_table_add(target: &str, column: &str, typ: &str, stat: &str) -> String {
    format!("ALTER TABLE {target} ADD {} {typ}{stat}", quoted(column))
}

/// `ALTER TYPE "keyspace"."udt" ADD "field" <type>`.
pub(crate) fn alter_type_add(keyspace: &str, udt: &str, field: &str, typ: &str) -> String {
    format!(
        "ALTER TYPE {} ADD {} {typ}",
        table_ref(Some(keyspace), udt),
        quoted(field)
    )
}

/// `CREATE INDEX IF NOT EXISTS` on `column` of `table` in `keyspace` (else the model's
/// own, else the session's), named by [`index_name`].
pub(crate) fn create_index(
    keyspace: Option<&str>,
    table: &TableMeta,
    column: &ColumnMeta,
) -> String {
    format!(
        "CREATE INDEX IF NOT EXISTS {} ON {} ({})",
        quoted(&index_name(table, column)),
        table_ref(keyspace.or(table.keyspace), table.name),
        quoted(column.name)
    )
}

/// `<table>_<column>_idx`.
pub(crate) fn index_name(table: &TableMeta, column: &ColumnMeta) -> String {
    format!("{}_{}_idx", table.name, column.name)
}

/// `CREATE TYPE IF NOT EXISTS "name" ("field" type, ...)` in `keyspace` (else the
/// session's). Fields that are collections or UDTs are declared frozen.
pub(crate) fn create_type(keyspace: Option<&str>, udt: &UdtMeta) -> String {
    let fields: Vec<String> = udt
        .fields
        .iter()
        .map(|field| format!("{} {}", quoted(field.name), field.cql_type.nested()))
        .collect();
    format!(
        "CREATE TYPE IF NOT EXISTS {} ({})",
        table_ref(keyspace, udt.name),
        fields.join(", ")
    )
}

/// The user-defined types the table's columns use, the table, then its indexes.
pub(crate) fn create_schema(table: &TableMeta) -> Vec<String> {
    let mut udts = Vec::new();
    for column in table.columns {
        collect_udts(column.cql_type, &mut udts);
    }
    let mut statements: Vec<String> = udts
        .into_iter()
        .map(|udt| create_type(table.keyspace, udt))
        .collect();
    statements.push(create_table(None, table));
    statements.extend(
        table
            .columns
            .iter()
            .filter(|c| c.indexed)
            .map(|column| create_index(None, table, column)),
    );
    statements
}

/// `CREATE KEYSPACE IF NOT EXISTS "name" WITH replication = <map>`.
pub(crate) fn create_keyspace(keyspace: &str, replication: &str) -> String {
    format!(
        "CREATE KEYSPACE IF NOT EXISTS {} WITH replication = {replication}",
        quoted(keyspace)
    )
}

/// `DROP KEYSPACE IF EXISTS "name"`.
pub(crate) fn drop_keyspace(keyspace: &str) -> String {
    format!("DROP KEYSPACE IF EXISTS {}", quoted(keyspace))
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
