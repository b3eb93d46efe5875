//! Reading attributes leniently, for the fallbacks that still expand an input with
//! errors: a misspelled option is read as what darling suggested in its error.

use syn::ext::IdentExt;

/// What a written attribute name means among `known`: itself, or for a misspelling, the
/// name darling suggested in its error (the same similarity test), so that, say,
/// `partition_kye` still makes a key and `User::find` still takes one.
pub fn meant(name: &syn::Ident, known: &[&'static str]) -> Option<&'static str> {
    let name = name.unraw().to_string();
    known
        .iter()
        .map(|known| (strsim::jaro_winkler(&name, known), *known))
        .filter(|(confidence, _)| *confidence > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, known)| known)
}

/// Consumes `= value` after a name, if there is one, so parsing goes on past it.
pub fn skip_value(meta: &syn::meta::ParseNestedMeta<'_>) {
    if let Ok(value) = meta.value() {
        let _ = value.parse::<syn::Expr>();
    }
}

/// `attrs` with the options of each `#[name(...)]` renamed to the known option they
/// misspell, and unknown ones dropped.
pub fn correct_attrs(attrs: &mut [syn::Attribute], name: &str, known: &[&'static str]) {
    for attr in attrs.iter_mut().filter(|a| a.path().is_ident(name)) {
        let Ok(items) = attr.parse_args_with(
            syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated,
        ) else {
            continue;
        };
        let items = items.into_iter().filter_map(|item| respelled(item, known));
        let path = attr.path().clone();
        *attr = syn::parse_quote!(#[#path(#(#items),*)]);
    }
}

/// `item` named as the option among `known` it means (see [`meant`]), or nothing when it
/// means none of them.
pub fn respelled(mut item: syn::Meta, known: &[&'static str]) -> Option<syn::Meta> {
    let written = item.path().get_ident()?.clone();
    let option = meant(&written, known)?;
    let path = match &mut item {
        syn::Meta::Path(path) => path,
        syn::Meta::List(list) => &mut list.path,
        syn::Meta::NameValue(pair) => &mut pair.path,
    };
    *path = syn::Ident::new(option, written.span()).into();
    Some(item)
}

/// `input` with its `#[name(...)]` attributes corrected by [`correct_attrs`]: the struct's
/// against `struct_options`, each field's against `field_options`.
pub fn corrected(
    input: &syn::DeriveInput,
    name: &str,
    struct_options: &[&'static str],
    field_options: &[&'static str],
) -> syn::DeriveInput {
    let mut corrected = input.clone();
    correct_attrs(&mut corrected.attrs, name, struct_options);
    if let syn::Data::Struct(data) = &mut corrected.data {
        for field in data.fields.iter_mut() {
            correct_attrs(&mut field.attrs, name, field_options);
        }
    }
    corrected
}

/// The named fields of a struct that can be expanded leniently, or nothing when the input
/// is not a struct with named fields, or is generic.
pub fn named_fields(input: &syn::DeriveInput) -> Option<&syn::FieldsNamed> {
    let syn::Data::Struct(syn::DataStruct {
        fields: syn::Fields::Named(fields),
        ..
    }) = &input.data
    else {
        return None;
    };
    input.generics.params.is_empty().then_some(fields)
}

/// The `crate = path` of the `#[name(...)]` attributes, where it parses.
pub fn crate_path(attrs: &[syn::Attribute], name: &str) -> Option<syn::Path> {
    let mut path = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident(name)) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("crate")
                && let Ok(value) = meta.value()
            {
                match value.parse::<syn::Expr>() {
                    Ok(syn::Expr::Path(expr)) => path = Some(expr.path),
                    Ok(syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(text),
                        ..
                    })) => path = text.parse().ok().or(path.take()),
                    _ => {}
                }
                return Ok(());
            }
            skip_value(&meta);
            Ok(())
        });
    }
    path
}
