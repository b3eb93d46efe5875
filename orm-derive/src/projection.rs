//! `#[derive(Projection)]`: a struct reading some of a model's columns.
//!
//! Each field names a field of the model; the generated code refers to the model's column
//! handle (`Model::FIELD`), so a missing field or a different type is a compile error at
//! the projection's field. A field marked `#[orm(ttl = "field")]` or
//! `#[orm(writetime = "field")]` reads that function of the model field's column; the
//! column must hold one value (not a key or unfrozen collection), checked at
//! compile time.
//!
//! [`attr`] reads the `#[orm(...)]` attributes, [`check`] builds the [`Projection`] below,
//! and [`expand`] generates the impls from it. On errors, [`fallback`] derives the
//! projection again with misspelled options corrected.

mod attr;
mod check;
mod expand;
mod fallback;

use proc_macro2::TokenStream;

use crate::runtime::Runtime;

/// The expansion of a `#[derive(Projection)]` input: its impls, or its errors and the
/// fallback.
pub fn derive(input: &syn::DeriveInput) -> TokenStream {
    crate::errors::or_fallback(check::projection(input), expand::projection, || {
        fallback::projection(input)
    })
}

/// A struct that derives `Projection`, validated.
pub struct Projection {
    pub ident: syn::Ident,
    /// Where the generated code finds `orm_core`.
    pub runtime: Runtime,
    /// The model whose columns it reads.
    pub model: syn::Path,
    /// The fields read, at least one, in declaration order.
    pub read: Vec<ReadField>,
    /// Fields marked `#[orm(skip)]`, filled with `Default::default()`.
    pub skipped: Vec<syn::Ident>,
}

/// A field read from the model's table.
pub struct ReadField {
    pub field: syn::Ident,
    pub ty: syn::Type,
    pub read: Read,
}

/// What a projection field reads.
pub enum Read {
    /// The model field of the same name.
    Column,
    /// A function of the model field named in the attribute.
    Function {
        function: Function,
        /// The attribute's value, for spans.
        of: syn::LitStr,
        /// The model field it names.
        target: syn::Ident,
    },
}

/// A function of a column the server computes.
#[derive(Clone, Copy)]
pub enum Function {
    Ttl,
    WriteTime,
}

impl Function {
    /// Its attribute: `ttl` / `writetime`.
    pub fn attribute(self) -> &'static str {
        match self {
            Function::Ttl => "ttl",
            Function::WriteTime => "writetime",
        }
    }

    /// What the server keeps: "a TTL" / "a write time".
    pub fn noun(self) -> &'static str {
        match self {
            Function::Ttl => "a TTL",
            Function::WriteTime => "a write time",
        }
    }
}
