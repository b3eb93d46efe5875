//! Every rule a `#[relationship(...)]` attribute must follow, and its local key resolved
//! against the model's fields. Errors are accumulated so one compile reports all of them.

use darling::Error;
use darling::error::Accumulator;
use darling::util::SpannedValue;
use syn::DeriveInput;
use syn::spanned::Spanned;

use super::attr::FORM;
use super::{LocalKey, Relationship, Results};

/// The checked relationship of `attr`, on the model `input`.
pub fn relationship(input: &DeriveInput, attr: &syn::Attribute) -> Result<Relationship, Error> {
    let (related, options) = super::attr::parse(attr)?;
    let mut errors = Error::accumulator();
    let related = required(related, "the related model first", attr, &mut errors);
    let name = required(options.name, "name = \"...\"", attr, &mut errors);
    let local_key = required(options.local_key, "local_key = \"...\"", attr, &mut errors);
    let foreign_key = required(
        options.foreign_key,
        "foreign_key = \"...\"",
        attr,
        &mut errors,
    );
    let constraints = required(
        options.constraints,
        "constraints = function",
        attr,
        &mut errors,
    );
    let name = name.and_then(|name| errors.handle(identifier(name)));
    let local_key = local_key.and_then(|list| errors.handle(local_fields(input, &list)));
    let foreign_key = foreign_key.and_then(|list| {
        let span = list.span();
        errors.handle(columns(&list)).map(|names| (names, span))
    });
    let results = errors.handle(results(options.results.as_ref()));
    let allow_filtering = options.allow_filtering.is_present();
    errors.finish()?;
    match (related, name, local_key, foreign_key, constraints, results) {
        (
            Some(related),
            Some(name),
            Some(local_key),
            Some(foreign_key),
            Some(constraints),
            Some(results),
        ) => Ok(Relationship {
            related,
            name,
            local_key,
            foreign_key,
            constraints,
            results,
            allow_filtering,
            span: attr.span(),
        }),
        // Each `None` above pushed its error, so `finish` returned them.
        _ => Err(Error::custom(format!("write the relationship in full: {FORM}")).with_span(attr)),
    }
}

/// `value`, or the error naming what to add.
fn required<T>(
    value: Option<T>,
    what: &str,
    attr: &syn::Attribute,
    errors: &mut Accumulator,
) -> Option<T> {
    if value.is_none() {
        errors.push(Error::custom(format!("add `{what}`: {FORM}")).with_span(attr));
    }
    value
}

/// The relationship's name, which names its accessor `<name>_relation()`.
fn identifier(name: SpannedValue<String>) -> Result<String, Error> {
    if syn::parse_str::<syn::Ident>(&name).is_err() {
        return Err(Error::custom(
            "`name` must be an identifier: the accessor is `<name>_relation()`",
        )
        .with_span(&name.span()));
    }
    Ok(name.as_str().to_owned())
}

/// `results = "..."`; many when not given.
fn results(value: Option<&SpannedValue<String>>) -> Result<Results, Error> {
    let Some(value) = value else {
        return Ok(Results::Many);
    };
    match value.as_str() {
        "many" => Ok(Results::Many),
        "optional" => Ok(Results::Optional),
        "one" => Ok(Results::One),
        _ => Err(
            Error::custom("`results` is \"many\", \"optional\" or \"one\"")
                .with_span(&value.span()),
        ),
    }
}

/// `"a, b"` as `["a", "b"]`.
fn columns(list: &SpannedValue<String>) -> Result<Vec<String>, Error> {
    let names: Vec<String> = list.split(',').map(|name| name.trim().to_owned()).collect();
    if names.iter().any(String::is_empty) {
        return Err(Error::custom(
            "list the columns separated by commas: \"user_id\" or \"user_id, day\"",
        )
        .with_span(&list.span()));
    }
    Ok(names)
}

/// The model's fields named by `local_key`.
fn local_fields(input: &DeriveInput, list: &SpannedValue<String>) -> Result<Vec<LocalKey>, Error> {
    let syn::Data::Struct(data) = &input.data else {
        return Err(Error::custom("a model is a struct").with_span(&list.span()));
    };
    columns(list)?
        .into_iter()
        .map(|name| {
            data.fields
                .iter()
                .find_map(|field| {
                    let ident = field.ident.as_ref().filter(|ident| **ident == name)?;
                    Some(LocalKey {
                        field: ident.clone(),
                        ty: option_inner(&field.ty).unwrap_or(&field.ty).clone(),
                        name: name.clone(),
                    })
                })
                .ok_or_else(|| {
                    Error::custom(format!("`{}` has no field `{name}`", input.ident))
                        .with_span(&list.span())
                })
        })
        .collect()
}

/// `T`, for a type written `Option<T>`.
fn option_inner(ty: &syn::Type) -> Option<&syn::Type> {
    let syn::Type::Path(path) = ty else {
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
