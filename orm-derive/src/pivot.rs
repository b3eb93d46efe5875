//! `#[derive(Pivot)]`: the row joining two models in a many-to-many relation, stored in
//! one table per read direction.
//!
//! [`attr`] reads the `#[pivot(...)]` attributes, [`check`] enforces every rule and builds
//! the [`Pivot`] below, and [`expand`] generates the impls from it. On errors,
//! [`fallback`] derives the pivot again with misspelled options corrected.

mod attr;
mod check;
mod expand;
mod fallback;

use proc_macro2::TokenStream;

use crate::model::Column;
use crate::runtime::Runtime;

/// The expansion of a `#[derive(Pivot)]` input: its impls, or its errors and the
/// fallback.
pub fn derive(input: &syn::DeriveInput) -> TokenStream {
    crate::errors::or_fallback(check::pivot(input), expand::pivot, || {
        fallback::pivot(input)
    })
}

/// A struct that derives `Pivot`, validated, with every default applied.
pub struct Pivot {
    pub ident: syn::Ident,
    /// Where the generated code finds `orm_core`.
    pub runtime: Runtime,
    /// Every field, each one column of both tables.
    pub columns: Vec<Column>,
    pub left: End,
    pub right: End,
    /// The table partitioned by the left key.
    pub table: String,
    /// The table partitioned by the right key.
    pub inverse_table: String,
}

/// One side of the join: the model, and the field holding its primary key.
pub struct End {
    pub model: syn::Path,
    pub column: Column,
}
