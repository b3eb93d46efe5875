//! `#[derive(Udt)]`: a struct stored as a CQL user-defined type.
//!
//! The same stages as every derive here: [`attr`] reads the `#[orm(...)]` attributes,
//! [`check`] enforces every rule (all errors in one compile, each at the span to fix) and
//! produces the plain [`Udt`], and [`expand`] generates the impls from it; on errors,
//! [`fallback`] still generates the struct read leniently.

mod attr;
mod check;
mod expand;
mod fallback;

use proc_macro2::TokenStream;
use syn::DeriveInput;

/// A struct that derives `Udt`, validated, with every default applied.
pub struct Udt {
    pub ident: syn::Ident,
    /// Where the generated code finds `orm_core`.
    pub runtime: crate::runtime::Runtime,
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

/// The expansion of a `#[derive(Udt)]` input: its impls, or its errors and the lenient
/// fallback.
pub fn derive(input: &DeriveInput) -> TokenStream {
    crate::errors::or_fallback(check::udt(input), expand::udt, || fallback::udt(input))
}
