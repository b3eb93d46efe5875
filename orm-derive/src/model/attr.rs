//! The `#[orm(...)]` attributes as written, parsed by darling.

use darling::util::{Flag, SpannedValue};
use darling::{FromDeriveInput, FromField, FromMeta, ast};

/// Struct-level `#[orm(...)]`.
#[derive(FromDeriveInput)]
#[darling(attributes(orm), supports(struct_named))]
pub struct ModelAttrs {
    pub ident: syn::Ident,
    pub vis: syn::Visibility,
    pub generics: syn::Generics,
    pub data: ast::Data<(), FieldAttrs>,
    /// `table = "name"`.
    pub table: Option<SpannedValue<String>>,
    /// `keyspace = "name"`: pin the table to a keyspace instead of the session's.
    pub keyspace: Option<SpannedValue<String>>,
    /// `default_ttl = seconds`: the table's `default_time_to_live`.
    pub default_ttl: Option<u32>,
    /// `table_options = "compaction = {...} AND comment = '...'"`: more `WITH` options.
    pub table_options: Option<SpannedValue<String>>,
    /// `hooks`: the program implements `orm_core::Hooks` itself.
    pub hooks: Flag,
    /// `crate = path`: where to find `orm_core` (renamed or re-exported).
    #[darling(rename = "crate")]
    pub krate: Option<syn::Path>,
}

/// Field-level `#[orm(...)]`.
#[derive(FromField)]
#[darling(attributes(orm))]
pub struct FieldAttrs {
    pub ident: Option<syn::Ident>,
    pub ty: syn::Type,
    /// `partition_key`.
    pub partition_key: Flag,
    /// `clustering_key`.
    pub clustering_key: Flag,
    /// `order = "asc" | "desc"`, for clustering columns.
    pub order: Option<SpannedValue<Order>>,
    /// `rename = "column"`.
    pub rename: Option<SpannedValue<String>>,
    /// `skip`: not a column; read as `Default::default()`.
    pub skip: Flag,
    /// `static`: one value per partition.
    #[darling(rename = "static")]
    pub is_static: Flag,
    /// `index`: a secondary index on this column.
    pub index: Flag,
    /// `created_at`: set to the current time by the first insert.
    pub created_at: Flag,
    /// `updated_at`: set to the current time by every insert and update.
    pub updated_at: Flag,
}

/// A clustering column's order.
#[derive(FromMeta, Clone, Copy, PartialEq, Eq, Debug, Default)]
#[darling(rename_all = "lowercase")]
pub enum Order {
    #[default]
    Asc,
    Desc,
}
