//! What `#[derive(Pivot)]` still generates when the pivot has errors: the pivot derived
//! again with each misspelled `#[pivot(...)]` option read as darling's suggestion (and
//! options it suggests nothing for dropped), so that the models joined through it report
//! nothing more. Nothing when that still fails: its errors are already reported.

use proc_macro2::TokenStream;

use crate::lenient::correct_attrs;

/// The corrected pivot's expansion, or nothing.
pub fn pivot(input: &syn::DeriveInput) -> TokenStream {
    const STRUCT_OPTIONS: &[&str] = &["left", "right", "table", "inverse_table", "crate"];
    const FIELD_OPTIONS: &[&str] = &["left", "right", "rename"];
    let mut corrected = input.clone();
    correct_attrs(&mut corrected.attrs, "pivot", STRUCT_OPTIONS);
    if let syn::Data::Struct(data) = &mut corrected.data {
        for field in data.fields.iter_mut() {
            correct_attrs(&mut field.attrs, "pivot", FIELD_OPTIONS);
        }
    }
    super::check::pivot(&corrected)
        .map(|pivot| super::expand::pivot(&pivot))
        .unwrap_or_default()
}
