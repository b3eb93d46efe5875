//! `#[derive(Udt)]`: a struct stored as a CQL user-defined type.
//!
//! The same three stages as the model derive: [`attr`] reads the `#[orm(...)]` attributes,
//! [`check`] enforces every rule (all errors in one compile, each at the span to fix) and
//! produces the plain [`Udt`], and [`expand`] generates the impls from it.

mod attr;
mod check;
mod expand;
pub mod fallback;

use proc_macro2::TokenStream;
use syn::DeriveInput;

/// A struct that derives `Udt`, validated, with every default applied.
pub struct Udt {
    pub ident: syn::Ident,
    /// The CQL type name.
    pub name: String,
    /// Every field stored in the type, in declaration order.
    pub fields: Vec<Field>,
    /// Fields marked `#[orm(skip)]`, filled with `Default::default()` when read.
    pub skipped: Vec<syn::Ident>,
}

/// One struct field mapped to one field of the CQL type.
pub struct Field {
    pub ident: syn::Ident,
    pub ty: syn::Type,
    /// The CQL field name.
    pub name: String,
}

/// Parses, checks and expands a `#[derive(Udt)]` input.
pub fn derive(input: &DeriveInput) -> Result<TokenStream, darling::Error> {
    let udt = check::udt(input)?;
    Ok(expand::udt(&udt))
}
