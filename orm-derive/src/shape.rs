//! The fields of a struct as darling hands them over, with their names.

use darling::ast::Data;

/// The fields of a struct with named fields, each with its name. For the derives whose
/// darling input `supports(struct_named)`: darling has already refused any other shape with
/// its own error, so nothing is left out here.
pub fn named_fields<F>(
    data: Data<(), F>,
    ident: impl Fn(&F) -> Option<&syn::Ident>,
) -> Vec<(syn::Ident, F)> {
    let fields = match data {
        Data::Struct(fields) => fields.fields,
        Data::Enum(_) => Vec::new(),
    };
    fields
        .into_iter()
        .filter_map(|field| Some((ident(&field)?.clone(), field)))
        .collect()
}
