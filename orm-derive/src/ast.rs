//! A model as the expansion sees it: validated, with every default applied.

use crate::attr::Order;

/// A struct that derives `Model`.
pub struct Model {
    pub ident: syn::Ident,
    pub vis: syn::Visibility,
    /// The CQL table name.
    pub table: String,
    /// A keyspace the table is pinned to.
    pub keyspace: Option<String>,
    /// The table's `default_time_to_live`, in seconds.
    pub default_ttl: Option<u32>,
    /// Extra `WITH` options, as CQL.
    pub table_options: Option<String>,
    /// Whether the program implements `Hooks` itself.
    pub hooks: bool,
    /// Every column, in field declaration order.
    pub columns: Vec<Column>,
    /// Fields marked `#[orm(skip)]`, filled with `Default::default()` when read.
    pub skipped: Vec<syn::Ident>,
    /// `#[has_one]`, `#[has_many]`, `#[belongs_to]`, `#[belongs_to_many]`.
    pub relations: Vec<crate::relation::Relation>,
    /// `#[morph_many]`, `#[morph_one]`, `#[morph_to]`.
    pub morphs: Vec<crate::morph::Morph>,
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
    /// An automatic timestamp, if the field is one.
    pub timestamp: Option<Timestamp>,
}

/// Automatic timestamp fields.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Timestamp {
    CreatedAt,
    UpdatedAt,
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
    /// The column marked with this automatic timestamp.
    pub fn timestamp(&self, kind: Timestamp) -> Option<&Column> {
        self.columns.iter().find(|c| c.timestamp == Some(kind))
    }

    /// The partition-key columns, in declaration order.
    pub fn partition_key(&self) -> impl Iterator<Item = &Column> {
        self.columns.iter().filter(|c| c.role == Role::PartitionKey)
    }

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
