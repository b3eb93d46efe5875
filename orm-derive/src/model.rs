//! `#[derive(Model)]`: a struct mapped to one table.
//!
//! [`attr`] reads the `#[orm(...)]` attributes, [`check`] enforces every rule (all errors in
//! one compile, each at the span to fix) and builds the [`Model`] below, whose relations
//! come from [`crate::relation`] and [`crate::morph`]; [`expand`] generates the impls from
//! it. On errors, [`fallback`] still generates the model read leniently, so that only the
//! real errors are reported.

pub mod attr;
mod check;
pub mod expand;
mod fallback;

use proc_macro2::TokenStream;

pub use attr::Order;

use crate::runtime::Runtime;

/// The expansion of a `#[derive(Model)]` input: its impls, or its errors and the
/// lenient fallback.
pub fn derive(input: &syn::DeriveInput) -> TokenStream {
    crate::errors::or_fallback(check::model(input), expand::model, || {
        fallback::model(input)
    })
}

/// A struct that derives `Model`.
pub struct Model {
    pub ident: syn::Ident,
    /// Where the generated code finds `orm_core`.
    pub runtime: Runtime,
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
    /// The names of the well-formed `#[relationship(...)]`s, with their spans.
    pub customs: Vec<(String, proc_macro2::Span)>,
}

/// One field mapped to one column.
#[derive(Clone)]
pub struct Column {
    pub field: syn::Ident,
    /// The name of its typed handle, `FIELD_NAME`.
    pub handle: syn::Ident,
    pub ty: syn::Type,
    /// The CQL column name.
    pub name: String,
    pub role: Role,
    /// Where `index` was written, when a secondary index is declared on the column.
    pub index: Option<proc_macro2::Span>,
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
