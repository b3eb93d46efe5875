//! What `#[derive(Projection)]` still generates when the projection has errors: the
//! projection derived again with each misspelled `#[orm(...)]` option read as darling's
//! suggestion (and options it suggests nothing for dropped), so that queries selecting it
//! report nothing more. Nothing when that still fails: its errors are already reported.

use proc_macro2::TokenStream;

use crate::lenient::corrected;

/// The corrected projection's expansion, or nothing.
pub fn projection(input: &syn::DeriveInput) -> TokenStream {
    const STRUCT_OPTIONS: &[&str] = &["model", "crate"];
    const FIELD_OPTIONS: &[&str] = &["skip", "ttl", "writetime"];
    let corrected = corrected(input, "orm", STRUCT_OPTIONS, FIELD_OPTIONS);
    super::check::projection(&corrected)
        .map(|projection| super::expand::projection(&projection))
        .unwrap_or_default()
}
