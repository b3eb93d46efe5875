//! Model metadata: what a `#[derive(Model)]` knows about its table, as plain data.
//!
//! Everything else (CQL text, key handling, relations later) is computed from these
//! structures, so a table is described once.

use crate::cql_type::CqlType;

/// The role a column plays in the table's primary key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyRole {
    /// Part of the partition key; rows with equal partition keys live together.
    PartitionKey,
    /// Part of the clustering key, with its on-disk order inside a partition.
    ClusteringKey(ClusteringOrder),
    /// A column shared by all rows of one partition.
    Static,
    /// An ordinary column.
    Regular,
}

/// On-disk order of a clustering column inside its partition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ClusteringOrder {
    /// Ascending (CQL's default).
    #[default]
    Asc,
    /// Descending.
    Desc,
}

impl ClusteringOrder {
    /// The CQL keyword, `ASC` or `DESC`.
    pub const fn as_cql(self) -> &'static str {
        match self {
            ClusteringOrder::Asc => "ASC",
            ClusteringOrder::Desc => "DESC",
        }
    }
}

/// One column of a model's table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct ColumnMeta {
    /// The column name in CQL (after `#[orm(rename = "...")]`).
    pub name: &'static str,
    /// The Rust field the column is read into and written from.
    pub field: &'static str,
    /// The column's CQL type.
    pub cql_type: &'static CqlType,
    /// Its role in the primary key.
    pub role: KeyRole,
    /// Whether the model declares a secondary index on it (`#[orm(index)]`).
    pub indexed: bool,
}

impl ColumnMeta {
    /// A column: its CQL name, the Rust field it maps to, its type and key role, and
    /// whether it is indexed. The derive builds every column this way.
    ///
    /// ```
    /// use orm_core::{ColumnMeta, CqlType, KeyRole};
    ///
    /// const DAY: ColumnMeta =
    ///     ColumnMeta::new("day", "day", &CqlType::Native("date"), KeyRole::PartitionKey, false);
    /// assert!(DAY.is_partition_key());
    /// ```
    pub const fn new(
        name: &'static str,
        field: &'static str,
        cql_type: &'static CqlType,
        role: KeyRole,
        indexed: bool,
    ) -> Self {
        ColumnMeta {
            name,
            field,
            cql_type,
            role,
            indexed,
        }
    }

    /// Whether the column is part of the partition key.
    pub fn is_partition_key(&self) -> bool {
        self.role == KeyRole::PartitionKey
    }

    /// Whether the column is a clustering column.
    pub fn is_clustering_key(&self) -> bool {
        matches!(self.role, KeyRole::ClusteringKey(_))
    }
}

/// A model's table: its name, optional keyspace and columns in declaration order.
///
/// # Example
/// ```
/// use orm_core::Model;
///
/// #[derive(Model)]
/// #[orm(table = "events")]
/// struct Event {
///     #[orm(partition_key)]
///     day: String,
///     #[orm(clustering_key)]
///     seq: i64,
///     payload: String,
/// }
///
/// let table = Event::TABLE;
/// assert_eq!(table.name, "events");
/// assert_eq!(table.partition_key().map(|c| c.name).collect::<Vec<_>>(), ["day"]);
/// assert_eq!(table.clustering_key().map(|c| c.name).collect::<Vec<_>>(), ["seq"]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct TableMeta {
    /// The Rust type the table belongs to, for error messages.
    pub model: &'static str,
    /// The table name in CQL.
    pub name: &'static str,
    /// The keyspace, when the model pins one; otherwise the session's keyspace is used.
    pub keyspace: Option<&'static str>,
    /// Every column, in the order the struct declares its fields.
    pub columns: &'static [ColumnMeta],
    /// The table's `default_time_to_live` in seconds (`#[orm(default_ttl = ...)]`).
    pub default_ttl: Option<u32>,
    /// More `WITH` options for `CREATE TABLE`, as CQL (`#[orm(table_options = "...")]`).
    pub options: Option<&'static str>,
}

impl TableMeta {
    /// The table `name` of the Rust type `model`, with its `columns`; no pinned keyspace,
    /// TTL or options (add them with the `with_*` methods). The derive builds every table
    /// this way.
    ///
    /// ```
    /// use orm_core::{ColumnMeta, CqlType, KeyRole, TableMeta};
    ///
    /// static COLUMNS: [ColumnMeta; 1] =
    ///     [ColumnMeta::new("id", "id", &CqlType::Native("bigint"), KeyRole::PartitionKey, false)];
    /// static TABLE: TableMeta = TableMeta::new("Event", "events", &COLUMNS).with_default_ttl(Some(60));
    /// assert_eq!(TABLE.default_ttl, Some(60));
    /// ```
    pub const fn new(
        model: &'static str,
        name: &'static str,
        columns: &'static [ColumnMeta],
    ) -> Self {
        TableMeta {
            model,
            name,
            keyspace: None,
            columns,
            default_ttl: None,
            options: None,
        }
    }

    /// The same table, pinned to `keyspace`.
    pub const fn with_keyspace(mut self, keyspace: Option<&'static str>) -> Self {
        self.keyspace = keyspace;
        self
    }

    /// The same table, with `default_time_to_live` in seconds.
    pub const fn with_default_ttl(mut self, seconds: Option<u32>) -> Self {
        self.default_ttl = seconds;
        self
    }

    /// The same table, with more `WITH` options for `CREATE TABLE`, as CQL.
    pub const fn with_options(mut self, options: Option<&'static str>) -> Self {
        self.options = options;
        self
    }
}

impl TableMeta {
    /// The partition-key columns, in key order.
    pub fn partition_key(&self) -> impl Iterator<Item = &'static ColumnMeta> + use<> {
        let columns: &'static [ColumnMeta] = self.columns;
        columns.iter().filter(|c| c.role == KeyRole::PartitionKey)
    }

    /// The clustering-key columns, in key order.
    pub fn clustering_key(&self) -> impl Iterator<Item = &'static ColumnMeta> + use<> {
        let columns: &'static [ColumnMeta] = self.columns;
        columns
            .iter()
            .filter(|c| matches!(c.role, KeyRole::ClusteringKey(_)))
    }

    /// The full primary key: partition key columns, then clustering columns.
    pub fn primary_key(&self) -> impl Iterator<Item = &'static ColumnMeta> + use<> {
        self.partition_key().chain(self.clustering_key())
    }

    /// Whether the table holds counters: every non-key column is a `counter`.
    pub fn is_counter_table(&self) -> bool {
        let mut values = self
            .columns
            .iter()
            .filter(|c| !c.is_partition_key() && !c.is_clustering_key())
            .peekable();
        values.peek().is_some()
            && values.all(|c| *c.cql_type == crate::cql_type::CqlType::Native("counter"))
    }

    /// The CQL names of every column, for error messages.
    pub fn column_names(&self) -> Vec<&'static str> {
        self.columns.iter().map(|c| c.name).collect()
    }

    /// Looks a column up by its CQL name.
    pub fn column(&self, name: &str) -> Option<&'static ColumnMeta> {
        let columns: &'static [ColumnMeta] = self.columns;
        columns.iter().find(|c| c.name == name)
    }
}
