//! The schema a keyspace has on the server, read from the `system_schema` tables.

use std::collections::BTreeMap;

use scylla::deserialize::row::DeserializeRow;

use crate::db::Db;
use crate::error::{Error, Result};

/// A keyspace as the server describes it: its tables and user-defined types.
///
/// Read with [`LiveKeyspace::read`]; built by hand in tests of the diff.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LiveKeyspace {
    /// The keyspace name.
    pub name: String,
    /// Tables by name.
    pub tables: BTreeMap<String, LiveTable>,
    /// User-defined types by name.
    pub udts: BTreeMap<String, LiveUdt>,
}

/// A table on the server.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LiveTable {
    /// Columns by name.
    pub columns: BTreeMap<String, LiveColumn>,
    /// `default_time_to_live`, in seconds (0: none).
    pub default_ttl: i32,
    /// Secondary indexes: index name → the column it indexes.
    pub indexes: BTreeMap<String, String>,
}

/// A column on the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveColumn {
    /// `partition_key`, `clustering`, `static` or `regular`.
    pub kind: String,
    /// Its position in the partition or clustering key (-1 for other columns).
    pub position: i32,
    /// `asc` or `desc` for a clustering column, `none` otherwise.
    pub clustering_order: String,
    /// The CQL type as the server prints it (`text`, `frozen<address>`, ...).
    pub cql_type: String,
}

/// A user-defined type on the server: its fields, in order, with their CQL types.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LiveUdt {
    /// `(name, type)` pairs in field order.
    pub fields: Vec<(String, String)>,
}

impl LiveKeyspace {
    /// Reads `keyspace` from `system_schema`; `None` when it does not exist.
    ///
    /// # Example
    /// ```no_run
    /// # async fn run(db: &orm_core::Db) -> orm_core::Result<()> {
    /// use orm_core::schema::LiveKeyspace;
    ///
    /// if let Some(live) = LiveKeyspace::read(db, "app").await? {
    ///     println!("tables: {:?}", live.tables.keys().collect::<Vec<_>>());
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub async fn read(db: &Db, keyspace: &str) -> Result<Option<LiveKeyspace>> {
        let exists: Vec<(String,)> = rows(db, keyspace, "keyspaces", "keyspace_name").await?;
        if exists.is_empty() {
            return Ok(None);
        }
        let mut live = LiveKeyspace {
            name: keyspace.to_owned(),
            ..LiveKeyspace::default()
        };

        let tables: Vec<(String, Option<i32>)> =
            rows(db, keyspace, "tables", "table_name, default_time_to_live").await?;
        for (name, ttl) in tables {
            let table = LiveTable {
                default_ttl: ttl.unwrap_or(0),
                ..LiveTable::default()
            };
            live.tables.insert(name, table);
        }

        type ColumnRow = (String, String, String, i32, String, String);
        let columns: Vec<ColumnRow> = rows(
            db,
            keyspace,
            "columns",
            "table_name, column_name, kind, position, clustering_order, type",
        )
        .await?;
        for (table, column, kind, position, clustering_order, cql_type) in columns {
            // Columns of views and other objects than tables are not ours to compare.
            if let Some(table) = live.tables.get_mut(&table) {
                let column_meta = LiveColumn {
                    kind,
                    position,
                    clustering_order,
                    cql_type,
                };
                table.columns.insert(column, column_meta);
            }
        }

        let types: Vec<(String, Vec<String>, Vec<String>)> =
            rows(db, keyspace, "types", "type_name, field_names, field_types").await?;
        for (name, names, types) in types {
            let fields = names.into_iter().zip(types).collect();
            live.udts.insert(name, LiveUdt { fields });
        }

        let indexes: Vec<(String, String, BTreeMap<String, String>)> =
            rows(db, keyspace, "indexes", "table_name, index_name, options").await?;
        for (table, index, options) in indexes {
            if let (Some(table), Some(target)) =
                (live.tables.get_mut(&table), options.get("target"))
            {
                table.indexes.insert(index, index_target_column(target));
            }
        }
        Ok(Some(live))
    }
}

/// The column an index's `target` option names: `email`, `"Email"`, `values(tags)`,
/// `keys(attrs)`, `full(point)` all name one column.
fn index_target_column(target: &str) -> String {
    let inner = match (target.find('('), target.ends_with(')')) {
        (Some(open), true) => &target[open + 1..target.len() - 1],
        _ => target,
    };
    match inner.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
        Some(quoted) => quoted.replace("\"\"", "\""),
        None => inner.to_owned(),
    }
}

/// `columns` of the rows of `system_schema.{table}` that describe `keyspace` (every
/// table there is keyed by `keyspace_name`), one `R` a row.
async fn rows<R>(db: &Db, keyspace: &str, table: &str, columns: &str) -> Result<Vec<R>>
where
    R: for<'f, 'm> DeserializeRow<'f, 'm>,
{
    let cql = format!("SELECT {columns} FROM system_schema.{table} WHERE keyspace_name = ?");
    let result = db.query_unpaged(cql.clone(), (keyspace,)).await?;
    let read_error = |source: crate::error::RowsReadError| Error::Rows {
        model: "system_schema",
        cql: cql.clone().into(),
        source,
    };
    let rows = result
        .into_rows_result()
        .map_err(|e| read_error(Box::new(e).into()))?;
    rows.rows::<R>()
        .map_err(|e| read_error(e.into()))?
        .collect::<std::result::Result<Vec<R>, _>>()
        .map_err(|e| read_error(e.into()))
}

#[cfg(test)]
mod tests {
    use super::index_target_column;

    #[test]
    fn an_index_target_names_its_column() {
        for (target, column) in [
            ("email", "email"),
            ("\"Email\"", "Email"),
            ("values(tags)", "tags"),
            ("keys(\"Attrs\")", "Attrs"),
        ] {
            assert_eq!(index_target_column(target), column, "{target}");
        }
    }
}
