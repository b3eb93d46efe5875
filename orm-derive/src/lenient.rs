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
        let items = items.into_iter().filter_map(|mut item| {
            let written = item.path().get_ident()?.clone();
            let option = meant(&written, known)?;
            let path = match &mut item {
                syn::Meta::Path(path) => path,
                syn::Meta::List(list) => &mut list.path,
                syn::Meta::NameValue(pair) => &mut pair.path,
            };
            *path = syn::Ident::new(option, written.span()).into();
            Some(item)
        });
        let path = attr.path().clone();
        *attr = syn::parse_quote!(#[#path(#(#items),*)]);
    }
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
