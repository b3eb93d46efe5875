//! `#[relationship(Related, name = "...", local_key = "...", foreign_key = "...",
//! constraints = path::to::fn)]`: a custom relationship whose constraints are a function
//! of the program's, `fn(Select<Related>, &Key) -> Select<Related>`. Generates a unit
//! struct `<Model><Name>Relationship` implementing `CustomRelationship` and the accessor
//! `<name>_relation()`, which checks at compile time that `foreign_key = ?` reads the
//! related table without a scan (unless `allow_filtering`).
//!
//! Read on its own from the input's attributes: [`attr`] reads an attribute, [`check`]
//! enforces its rules into the [`Relationship`] below, and [`expand`] writes the code.
//! The model's derive lists the well-formed ones in its by-name table ([`eager_names`]).

mod attr;
mod check;
mod expand;

use proc_macro2::{Span, TokenStream};
use syn::DeriveInput;

/// How many related rows a parent has (`results = "..."`).
pub enum Results {
    Many,
    Optional,
    One,
}

/// A parent's field the key is read from, with the key's part type (without `Option`).
pub struct LocalKey {
    pub field: syn::Ident,
    pub ty: syn::Type,
    /// The field's name, as listed in `local_key`.
    pub name: String,
}

/// One checked `#[relationship(...)]`.
pub struct Relationship {
    /// The related model.
    pub related: syn::Path,
    /// The relationship's name; its accessor is `<name>_relation()`.
    pub name: String,
    pub local_key: Vec<LocalKey>,
    /// The related model's columns, and where they were written.
    pub foreign_key: (Vec<String>, Span),
    /// The program's `fn(Select<Related>, &Key) -> Select<Related>`.
    pub constraints: syn::Path,
    pub results: Results,
    pub allow_filtering: bool,
    /// Where the attribute is, for errors.
    pub span: Span,
}

/// The `#[relationship(...)]` attributes of `attrs`.
fn attributes(attrs: &[syn::Attribute]) -> impl Iterator<Item = &syn::Attribute> {
    attrs.iter().filter(|a| a.path().is_ident("relationship"))
}

/// The code for every `#[relationship(...)]` of `input`, or the errors, each at the span
/// to fix.
pub fn relationships(input: &DeriveInput) -> TokenStream {
    let mut out = TokenStream::new();
    for attr in attributes(&input.attrs) {
        match check::relationship(input, attr) {
            Ok(relationship) => out.extend(expand::relationship(input, &relationship)),
            Err(error) => out.extend(error.write_errors()),
        }
    }
    out
}

/// The name of every well-formed `#[relationship(...)]` of `input` (the others report
/// their errors through [`relationships`]), with the attribute's span, for the model's
/// by-name table: `with("name")` loads the relationship like `with(Model::<name>_relation)`.
pub fn eager_names(input: &DeriveInput) -> Vec<(String, Span)> {
    attributes(&input.attrs)
        .filter_map(|attr| check::relationship(input, attr).ok())
        .map(|relationship| (relationship.name, relationship.span))
        .collect()
}
