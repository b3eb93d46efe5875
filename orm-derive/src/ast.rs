//! A model as the expansion sees it: validated, with every default applied.

use crate::attr::Order;

/// A struct that derives `Model`.
pub struct Model {
    pub ident: syn::Ident,
    /// The CQL table name.
    pub table: String,
    /// A keyspace the table is pinned to.
    pub keyspace: Option<String>,
    /// The table's `default_time_to_live`, in seconds.
    pub default_ttl: Option<u32>,
    /// Extra `WITH` options, as CQL.
    pub table_options: Option<String>,
    /// Every column, in field declaration order.
    pub columns: Vec<Column>,
    /// Fields marked `#[orm(skip)]`, filled with `Default::default()` when read.
    pub skipped: Vec<syn::Ident>,
}

/// One field mapped to one column.
pub struct Column {
    pub field: syn::Ident,
    /// The name of its typed handle, `FIELD_NAME`.
    pub handle: syn::Ident,
    pub ty: syn::Type,
    /// The CQL column name.
    pub name: String,
    pub role: Role,
    /// Whether a secondary index is declared on the column.
    pub indexed: bool,
    /// Where `index` was written, for errors.
    pub index_span: Option<proc_macro2::Span>,
}

/// A column's place in the primary key.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Role {
    PartitionKey,
    ClusteringKey(Order),
    Static,
    Regular,
}

impl Model {
    /// Partition-key columns, then clustering columns, each in declaration order.
    pub fn primary_key(&self) -> impl Iterator<Item = &Column> {
        let partition = self.columns.iter().filter(|c| c.role == Role::PartitionKey);
        let clustering = self
            .columns
            .iter()
            .filter(|c| matches!(c.role, Role::ClusteringKey(_)));
        partition.chain(clustering)
    }
}
