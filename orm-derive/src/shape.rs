//! The fields of a struct as darling hands them over, with their names, the attributes
//! of a struct that a table of attribute names knows, and the refusal of generic parameters.

use darling::Error;
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

/// `message`, at the generic parameters, when a derive whose type maps to fixed CQL types
/// is given any: every derive but `Row` says why it cannot take them.
pub fn no_generics(generics: &syn::Generics, message: &str) -> Result<(), Error> {
    if generics.params.is_empty() {
        Ok(())
    } else {
        Err(Error::custom(message).with_span(generics))
    }
}

/// Each attribute of `attrs` whose name is in `table`, in order, with what the table says
/// it is written as.
pub fn attributes_in<'a, W: Copy>(
    attrs: &'a [syn::Attribute],
    table: &'a [(&str, W)],
) -> impl Iterator<Item = (&'a syn::Attribute, W)> {
    attrs.iter().filter_map(|attr| {
        let (_, written) = table.iter().find(|(name, _)| attr.path().is_ident(name))?;
        Some((attr, *written))
    })
}
