//! This model's columns as relation and morph attributes name them: resolving a name to
//! the column, and the default key (the one-column partition key).

use darling::Error;
use darling::error::Accumulator;
use proc_macro2::Span;

use crate::model::{Column, Role};

/// A column name written in an attribute (or defaulted), with where to report it.
#[derive(Clone)]
pub struct Named {
    pub name: String,
    pub span: Span,
}

/// This model's `local_key` column: the one named in the attribute, or by default its
/// one-column partition key (see [`default_local_key`]); an error when it is missing.
pub fn local_column(
    given: Option<&darling::util::SpannedValue<String>>,
    model: &syn::Ident,
    columns: &[Column],
    span: Span,
    errors: &mut Accumulator,
) -> Result<Column, Error> {
    let local = match given {
        Some(local) => named_or(Some(local), String::new, local.span()),
        None => default_local_key(model, columns, span, errors),
    };
    own_column(model, &local, "local_key", columns)
}

/// This model's column `named` by `option`, or an error listing its columns.
pub fn own_column(
    model: &syn::Ident,
    named: &Named,
    option: &str,
    columns: &[Column],
) -> Result<Column, Error> {
    if let Some(column) = columns.iter().find(|c| c.name == named.name) {
        return Ok(column.clone());
    }
    let valid: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
    Err(Error::custom(format!(
        "`{model}` has no column `{}` for `{option}`; its columns are: {}",
        named.name,
        valid.join(", ")
    ))
    .with_span(&named.span))
}

/// The default local key: this model's partition key, when it is one column; otherwise an
/// error asking for `local_key` (and a placeholder, so checking goes on).
pub fn default_local_key(
    model: &syn::Ident,
    columns: &[Column],
    span: Span,
    errors: &mut Accumulator,
) -> Named {
    let partition: Vec<&Column> = columns
        .iter()
        .filter(|c| c.role == Role::PartitionKey)
        .collect();
    if let [only] = partition.as_slice() {
        return Named {
            name: only.name.clone(),
            span,
        };
    }
    errors.push(
        Error::custom(format!(
            "`{model}` has no single-column partition key to use as the local key: name the column with `local_key = \"...\"`"
        ))
        .with_span(&span),
    );
    Named {
        name: partition
            .first()
            .map_or_else(String::new, |c| c.name.clone()),
        span,
    }
}

/// A column named in an attribute (`given`), or `default` spanned at `span`.
pub fn named_or(
    given: Option<&darling::util::SpannedValue<String>>,
    default: impl FnOnce() -> String,
    span: Span,
) -> Named {
    match given {
        Some(value) => Named {
            name: value.as_str().to_owned(),
            span: value.span(),
        },
        None => Named {
            name: default(),
            span,
        },
    }
}
