//! What `#[derive(Pivot)]` still generates when the pivot has errors: the pivot derived
//! again with each misspelled `#[pivot(...)]` option read as darling's suggestion (and
//! options it suggests nothing for dropped), so that the models joined through it report
//! nothing more. Nothing when that still fails: its errors are already reported.

use proc_macro2::TokenStream;

use crate::lenient::corrected;

/// The corrected pivot's expansion, or nothing.
pub fn pivot(input: &syn::DeriveInput) -> TokenStream {
    const STRUCT_OPTIONS: &[&str] = &["left", "right", "table", "inverse_table", "crate"];
    const FIELD_OPTIONS: &[&str] = &["left", "right", "rename"];
    let corrected = corrected(input, "pivot", STRUCT_OPTIONS, FIELD_OPTIONS);
    super::check::pivot(&corrected)
        .map(|pivot| super::expand::pivot(&pivot))
        .unwrap_or_default()
}
