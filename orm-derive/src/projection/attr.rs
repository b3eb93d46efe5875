//! The `#[orm(...)]` attributes of a `#[derive(Projection)]` struct as written, parsed by
//! darling.

use darling::util::Flag;
use darling::{FromDeriveInput, FromField, ast};

/// Struct-level `#[orm(...)]`.
#[derive(FromDeriveInput)]
#[darling(attributes(orm), supports(struct_named))]
pub struct ProjectionAttrs {
    pub ident: syn::Ident,
    pub generics: syn::Generics,
    pub data: ast::Data<(), ProjectionField>,
    /// `model = Post`: the model whose columns this reads.
    pub model: Option<syn::Path>,
    /// `crate = path`: where to find `orm_core` (renamed or re-exported).
    #[darling(rename = "crate")]
    pub krate: Option<syn::Path>,
}

/// Field-level `#[orm(...)]`.
#[derive(FromField)]
#[darling(attributes(orm))]
pub struct ProjectionField {
    pub ident: Option<syn::Ident>,
    pub ty: syn::Type,
    /// `skip`: not read; filled with `Default::default()`.
    pub skip: Flag,
    /// `ttl = "field"`: reads `TTL(column)` of the model's field, as `Option<i32>`.
    pub ttl: Option<syn::LitStr>,
    /// `writetime = "field"`: reads `WRITETIME(column)` of the model's field, as
    /// `Option<i64>`.
    pub writetime: Option<syn::LitStr>,
}
