//! Every rule a `#[derive(Projection)]` struct must follow, checked with a spanned error
//! that says what to change. (Whether the model has each field, with the same type, is
//! checked by the compiler, through the generated code.)

use darling::{Error, FromDeriveInput};

use super::attr::{ProjectionAttrs, ProjectionField};
use super::{Function, Projection, Read, ReadField};
use crate::runtime::Runtime;
use crate::shape::{named_fields, no_generics};

/// Parses and validates a `#[derive(Projection)]` input.
pub fn projection(input: &syn::DeriveInput) -> Result<Projection, Error> {
    let attrs = ProjectionAttrs::from_derive_input(input)?;
    no_generics(
        &attrs.generics,
        "a Projection cannot have generic parameters: it reads fixed columns of one model",
    )?;
    let ident = &attrs.ident;
    let Some(model) = attrs.model.clone() else {
        return Err(Error::custom(format!(
            "`{ident}` needs `#[orm(model = ModelType)]` naming the model whose columns it reads"
        ))
        .with_span(ident));
    };

    let mut read = Vec::new();
    let mut skipped = Vec::new();
    let mut errors = Error::accumulator();
    for (field, attrs) in named_fields(attrs.data, |f| f.ident.as_ref()) {
        let Some(what) = errors.handle(what_it_reads(&attrs)) else {
            continue;
        };
        if attrs.skip.is_present() {
            if let Read::Function { of, .. } = what {
                errors.push(
                    Error::custom("a `skip` field reads nothing: remove `skip` or the function")
                        .with_span(&of),
                );
            }
            skipped.push(field);
        } else {
            read.push(ReadField {
                field,
                ty: attrs.ty,
                read: what,
            });
        }
    }
    errors.finish()?;
    if read.is_empty() {
        return Err(Error::custom(format!(
            "`{ident}` reads no column: give it at least one field named like a field of the model"
        ))
        .with_span(ident));
    }
    Ok(Projection {
        runtime: Runtime::new(attrs.krate.as_ref()),
        ident: attrs.ident,
        model,
        read,
        skipped,
    })
}

/// What a field reads, from its `ttl` / `writetime` attribute.
fn what_it_reads(field: &ProjectionField) -> Result<Read, Error> {
    let (function, of) = match (&field.ttl, &field.writetime) {
        (Some(_), Some(writetime)) => {
            return Err(Error::custom(
                "a field reads either `ttl` or `writetime`, not both: give each its own field",
            )
            .with_span(writetime));
        }
        (Some(of), None) => (Function::Ttl, of),
        (None, Some(of)) => (Function::WriteTime, of),
        (None, None) => return Ok(Read::Column),
    };
    let attribute = function.attribute();
    let target = syn::parse_str::<syn::Ident>(&of.value()).map_err(|_| {
        Error::custom(format!(
            "`{attribute}` names a field of the model, such as `{attribute} = \"title\"`"
        ))
        .with_span(of)
    })?;
    Ok(Read::Function {
        function,
        of: of.clone(),
        target,
    })
}
