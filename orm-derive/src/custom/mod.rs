//! `#[relationship(Related, name = "...", local_key = "...", foreign_key = "...",
//! constraints = path::to::fn)]`: a custom relationship whose constraints are a function
//! of the program's, `fn(Select<Related>, &Key) -> Select<Related>`. Generates a unit
//! struct `<Model><Name>Relationship` implementing `CustomRelationship` and the accessor
//! `<name>_relation()`, which checks at compile time that `foreign_key = ?` reads the
//! related table without a scan (unless `allow_filtering`).
//!
//! Read on its own from the input's attributes: `parse` reads and checks the attribute,
//! `expand` writes the code.

mod expand;
mod parse;

use proc_macro2::TokenStream;
use syn::DeriveInput;

/// The code for every `#[relationship(...)]` of `input`, or the errors, each at the span
/// to fix.
pub fn relationships(input: &DeriveInput) -> TokenStream {
    let mut out = TokenStream::new();
    for attr in input
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("relationship"))
    {
        match parse::relationship(input, attr) {
            Ok(relationship) => out.extend(expand::relationship(input, &relationship)),
            Err(error) => out.extend(error.to_compile_error()),
        }
    }
    out
}
