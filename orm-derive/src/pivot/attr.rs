//! The `#[pivot(...)]` attributes as written, parsed by darling.

use darling::util::{Flag, SpannedValue};
use darling::{FromDeriveInput, FromField, ast};

/// Struct-level `#[pivot(...)]`.
#[derive(FromDeriveInput)]
#[darling(attributes(pivot), supports(struct_named))]
pub struct PivotAttrs {
    pub ident: syn::Ident,
    pub generics: syn::Generics,
    pub data: ast::Data<(), PivotField>,
    /// `left = Post`.
    pub left: Option<syn::Path>,
    /// `right = Tag`.
    pub right: Option<syn::Path>,
    /// `table = "post_tags"`: the table partitioned by the left key.
    pub table: Option<SpannedValue<String>>,
    /// `inverse_table = "tag_posts"`: the table partitioned by the right key.
    pub inverse_table: Option<SpannedValue<String>>,
    /// `crate = path`: where to find `orm_core` (renamed or re-exported).
    #[darling(rename = "crate")]
    pub krate: Option<syn::Path>,
}

/// Field-level `#[pivot(...)]`.
#[derive(FromField)]
#[darling(attributes(pivot))]
pub struct PivotField {
    pub ident: Option<syn::Ident>,
    pub ty: syn::Type,
    /// `left`: holds the left model's primary key.
    pub left: Flag,
    /// `right`: holds the right model's primary key.
    pub right: Flag,
    /// `rename = "column"`.
    pub rename: Option<SpannedValue<String>>,
}
