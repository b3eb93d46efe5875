//! Every rule a `#[derive(Udt)]` struct must follow, checked with a spanned error that says
//! what to change. Errors are accumulated so one compile reports all of them.

use darling::ast::{Data, Style};
use darling::error::Accumulator;
use darling::{Error, FromDeriveInput};
use syn::DeriveInput;
use syn::ext::IdentExt;

use super::attr::{UdtAttrs, UdtFieldAttrs};
use super::{Field, Udt};
use crate::names::snake_case;
use crate::names::{check_unique_names, checked, is_plain_name};
use crate::runtime::Runtime;
use crate::shape::no_generics;

/// Parses and validates a `#[derive(Udt)]` input.
pub fn udt(input: &DeriveInput) -> Result<Udt, Error> {
    let attrs = UdtAttrs::from_derive_input(input)?;
    let mut errors = Error::accumulator();
    let ident = &attrs.ident;

    errors.handle(no_generics(
        &attrs.generics,
        "a Udt cannot have generic parameters: it maps to one CQL type with fixed field types; remove them",
    ));

    let name = type_name(&attrs, &mut errors);

    let mut fields = Vec::new();
    let mut skipped = Vec::new();
    match shape(ident, attrs.data) {
        Ok(all) => {
            for (ident, field) in all {
                if field.skip.is_present() {
                    check_skipped(&field, &mut errors);
                    skipped.push(ident);
                } else {
                    fields.push(self::field(ident, field, &mut errors));
                }
            }
            if fields.is_empty() {
                errors.push(
                    Error::custom(format!(
                        "every field of `{ident}` is skipped, but a CQL user-defined type needs at least one: remove `skip` from a field"
                    ))
                    .with_span(ident),
                );
            }
        }
        Err(error) => errors.push(error),
    }
    let names = fields.iter().map(|f| (&f.ident, f.name.as_str()));
    check_unique_names(names, "the UDT field", &mut errors);

    errors.finish_with(Udt {
        runtime: Runtime::new(attrs.krate.as_ref()),
        ident: attrs.ident,
        name,
        fields,
        skipped,
    })
}

/// The CQL type name: as given (checked), or the struct's name in snake case.
fn type_name(attrs: &UdtAttrs, errors: &mut Accumulator) -> String {
    let ident = &attrs.ident;
    match &attrs.name {
        Some(name) => checked(name, is_plain_name, errors, |name| {
            format!(
                "invalid UDT name {name:?}: use one or more ASCII letters, digits or underscores"
            )
        }),
        None => {
            let name = snake_case(&ident.unraw().to_string());
            if !is_plain_name(&name) {
                errors.push(
                    Error::custom(format!(
                        "the UDT name taken from the struct name, {name:?}, is not a plain CQL name: set one with `#[orm(name = \"...\")]` (ASCII letters, digits or underscores)"
                    ))
                    .with_span(ident),
                );
            }
            name
        }
    }
}

/// A skipped field is not part of the type, so it has no CQL name.
fn check_skipped(field: &UdtFieldAttrs, errors: &mut Accumulator) {
    if let Some(rename) = &field.rename {
        errors.push(
            Error::custom("`rename` has no effect on a skipped field: remove `rename` or `skip`")
                .with_span(&rename.span()),
        );
    }
}

/// The fields of a struct with at least one named field; any other shape is an error.
fn shape(
    ident: &syn::Ident,
    data: Data<(), UdtFieldAttrs>,
) -> Result<Vec<(syn::Ident, UdtFieldAttrs)>, Error> {
    let message = match data {
        Data::Struct(fields) if fields.style == Style::Struct && !fields.is_empty() => {
            // Fields of `Style::Struct` are named.
            let named = fields
                .fields
                .into_iter()
                .filter_map(|field| Some((field.ident.clone()?, field)));
            return Ok(named.collect());
        }
        Data::Struct(fields) if fields.style == Style::Tuple => format!(
            "`{ident}` is a tuple struct, but the fields of a user-defined type have names: declare it as `struct {ident} {{ name: Type, ... }}`"
        ),
        Data::Struct(_) => format!(
            "`{ident}` has no fields, but a CQL user-defined type needs at least one: add a named field"
        ),
        Data::Enum(_) => format!(
            "`{ident}` is an enum, but a user-defined type is a struct with named fields: derive `Udt` on a struct"
        ),
    };
    Err(Error::custom(message).with_span(ident))
}

fn field(ident: syn::Ident, field: UdtFieldAttrs, errors: &mut Accumulator) -> Field {
    let name = match &field.rename {
        Some(rename) => checked(rename, is_plain_name, errors, |rename| {
            format!(
                "invalid UDT field name {rename:?}: use one or more ASCII letters, digits or underscores"
            )
        }),
        None => {
            let name = ident.unraw().to_string();
            if !is_plain_name(&name) {
                errors.push(
                    Error::custom(format!(
                        "`{name}` is not a plain CQL field name: give the field `#[orm(rename = \"...\")]` with ASCII letters, digits or underscores"
                    ))
                    .with_span(&ident),
                );
            }
            name
        }
    };
    Field {
        ident,
        ty: field.ty,
        name,
    }
}
