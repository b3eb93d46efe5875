//! Reads and checks one `#[relationship(...)]` attribute.

use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::{Attribute, DeriveInput, Error, LitStr, Path, Type};

/// How many related rows a parent has (`results = "..."`).
pub enum Results {
    Many,
    Optional,
    One,
}

/// A parent's field the key is read from, with the key's part type (without `Option`).
pub struct LocalKey {
    pub field: syn::Ident,
    pub ty: Type,
    pub name: String,
}

/// One checked `#[relationship(...)]`.
pub struct Relationship {
    pub related: Path,
    pub name: LitStr,
    pub local_key: Vec<LocalKey>,
    pub foreign_key: (Vec<String>, Span),
    pub constraints: Path,
    pub results: Results,
    pub allow_filtering: bool,
    pub span: Span,
}

const FORM: &str = "#[relationship(Post, name = \"recent_posts\", local_key = \"id\", foreign_key = \"user_id\", constraints = recent_posts)]";

pub fn relationship(input: &DeriveInput, attr: &Attribute) -> syn::Result<Relationship> {
    let mut related = None;
    let mut name: Option<LitStr> = None;
    let mut local_key: Option<LitStr> = None;
    let mut foreign_key: Option<LitStr> = None;
    let mut constraints: Option<Path> = None;
    let mut results = Results::Many;
    let mut allow_filtering = false;
    attr.parse_nested_meta(|meta| {
        if meta.input.is_empty() || meta.input.peek(syn::Token![,]) {
            if meta.path.is_ident("allow_filtering") {
                allow_filtering = true;
            } else if related.is_none() {
                related = Some(meta.path.clone());
            } else {
                return Err(meta.error("unknown flag; the only flag is `allow_filtering`"));
            }
            return Ok(());
        }
        let key = meta.path.get_ident().map(ToString::to_string).unwrap_or_default();
        match key.as_str() {
            "name" => name = Some(meta.value()?.parse()?),
            "local_key" => local_key = Some(meta.value()?.parse()?),
            "foreign_key" => foreign_key = Some(meta.value()?.parse()?),
            "constraints" => constraints = Some(meta.value()?.parse()?),
            "results" => {
                let value: LitStr = meta.value()?.parse()?;
                results = match value.value().as_str() {
                    "many" => Results::Many,
                    "optional" => Results::Optional,
                    "one" => Results::One,
                    _ => {
                        return Err(Error::new(
                            value.span(),
                            "`results` is \"many\", \"optional\" or \"one\"",
                        ));
                    }
                }
            }
            _ => {
                return Err(meta.error(format!(
                    "unknown option `{key}`; a custom relationship takes `name`, `local_key`, `foreign_key`, `constraints`, `results` and `allow_filtering`"
                )));
            }
        }
        Ok(())
    })?;
    let missing = |what: &str| Error::new(attr.span(), format!("add `{what}`: {FORM}"));
    let related = related.ok_or_else(|| missing("the related model first"))?;
    let name = name.ok_or_else(|| missing("name = \"...\""))?;
    let local_key = local_key.ok_or_else(|| missing("local_key = \"...\""))?;
    let foreign_key = foreign_key.ok_or_else(|| missing("foreign_key = \"...\""))?;
    let constraints = constraints.ok_or_else(|| missing("constraints = function"))?;
    if syn::parse_str::<syn::Ident>(&name.value()).is_err() {
        return Err(Error::new(
            name.span(),
            "`name` must be an identifier: the accessor is `<name>_relation()`",
        ));
    }
    Ok(Relationship {
        related,
        local_key: local_fields(input, &local_key)?,
        foreign_key: (columns(&foreign_key)?, foreign_key.span()),
        name,
        constraints,
        results,
        allow_filtering,
        span: attr.span(),
    })
}

/// `"a, b"` as `["a", "b"]`.
fn columns(list: &LitStr) -> syn::Result<Vec<String>> {
    let names: Vec<String> = list
        .value()
        .split(',')
        .map(|name| name.trim().to_owned())
        .collect();
    if names.iter().any(String::is_empty) {
        return Err(Error::new(
            list.span(),
            "list the columns separated by commas: \"user_id\" or \"user_id, day\"",
        ));
    }
    Ok(names)
}

/// The parent's fields named by `local_key`.
fn local_fields(input: &DeriveInput, list: &LitStr) -> syn::Result<Vec<LocalKey>> {
    let syn::Data::Struct(data) = &input.data else {
        return Err(Error::new(list.span(), "a model is a struct"));
    };
    columns(list)?
        .into_iter()
        .map(|name| {
            let field = data
                .fields
                .iter()
                .find(|f| f.ident.as_ref().is_some_and(|i| *i == name))
                .ok_or_else(|| {
                    Error::new(
                        list.span(),
                        format!("`{}` has no field `{name}`", input.ident),
                    )
                })?;
            Ok(LocalKey {
                field: field.ident.clone().expect("found by its name"),
                ty: option_inner(&field.ty).unwrap_or(&field.ty).clone(),
                name,
            })
        })
        .collect()
}

/// `T`, for a type written `Option<T>`.
fn option_inner(ty: &Type) -> Option<&Type> {
    let Type::Path(path) = ty else {
        return None;
    };
    let last = path.path.segments.last()?;
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match (last.ident == "Option", args.args.first()) {
        (true, Some(syn::GenericArgument::Type(inner))) => Some(inner),
        _ => None,
    }
}
