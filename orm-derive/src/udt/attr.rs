//! The `#[orm(...)]` attributes of a `#[derive(Udt)]` struct as written, parsed by darling.

use darling::util::{Flag, SpannedValue};
use darling::{FromDeriveInput, FromField, ast};

/// Struct-level `#[orm(...)]`. The shape (a struct with named fields) is checked in
/// [`check`](super::check), with a message of its own.
#[derive(FromDeriveInput)]
#[darling(attributes(orm))]
pub struct UdtAttrs {
    pub ident: syn::Ident,
    pub generics: syn::Generics,
    pub data: ast::Data<(), UdtFieldAttrs>,
    /// `name = "address"`: the CQL type name.
    pub name: Option<SpannedValue<String>>,
    /// `crate = path`: where to find `orm_core` (renamed or re-exported).
    #[darling(rename = "crate")]
    pub krate: Option<syn::Path>,
}

/// Field-level `#[orm(...)]`.
#[derive(FromField)]
#[darling(attributes(orm))]
pub struct UdtFieldAttrs {
    pub ident: Option<syn::Ident>,
    pub ty: syn::Type,
    /// `rename = "zip_code"`: the CQL field name.
    pub rename: Option<SpannedValue<String>>,
    /// `skip`: not a field of the CQL type; read as `Default::default()`.
    pub skip: Flag,
}
