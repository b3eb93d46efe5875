//! Every rule a model must follow, checked with a spanned error that says what to change.
//!
//! Errors are accumulated so one compile reports all of them.

use std::collections::HashMap;

use darling::error::Accumulator;
use darling::{Error, FromDeriveInput};
use syn::DeriveInput;
use syn::ext::IdentExt;

use crate::ast::{Column, Model, Role};
use crate::attr::{FieldAttrs, ModelAttrs};

/// Longest table name ScyllaDB and Cassandra accept.
const MAX_TABLE_NAME: usize = 48;

/// Parses and validates a `#[derive(Model)]` input.
pub fn model(input: &DeriveInput) -> Result<Model, Error> {
    let attrs = ModelAttrs::from_derive_input(input)?;
    let mut errors = Error::accumulator();

    if !attrs.generics.params.is_empty() {
        errors.push(
            Error::custom(
                "a Model cannot have generic parameters: each model maps to one table with fixed column types",
            )
            .with_span(&attrs.generics),
        );
    }

    let table = match &attrs.table {
        Some(table) => {
            if !is_plain_name(table) || table.len() > MAX_TABLE_NAME {
                errors.push(
                    Error::custom(format!(
                        "invalid table name {:?}: use 1 to {MAX_TABLE_NAME} ASCII letters, digits or underscores",
                        table.as_str()
                    ))
                    .with_span(&table.span()),
                );
            }
            table.as_str().to_owned()
        }
        None => snake_case(&attrs.ident.to_string()),
    };

    let fields = attrs
        .data
        .take_struct()
        .expect("darling's `supports(struct_named)` admits named structs only")
        .fields;
    let mut columns = Vec::new();
    let mut skipped = Vec::new();
    for field in fields {
        let ident = field
            .ident
            .clone()
            .expect("darling's `supports(struct_named)` admits named fields only");
        if field.skip.is_present() {
            check_skipped(&field, &mut errors);
            skipped.push(ident);
        } else {
            columns.push(column(field, ident, &mut errors));
        }
    }

    check_duplicate_names(&columns, &mut errors);
    if !columns.iter().any(|c| c.role == Role::PartitionKey) {
        errors.push(
            Error::custom(format!(
                "`{}` has no partition key: mark at least one field with `#[orm(partition_key)]`",
                attrs.ident
            ))
            .with_span(&attrs.ident),
        );
    }

    errors.finish_with(Model {
        ident: attrs.ident,
        table,
        columns,
        skipped,
    })
}

/// A skipped field is not a column, so no column attribute may stand beside `skip`.
fn check_skipped(field: &FieldAttrs, errors: &mut Accumulator) {
    let column_attributes = [
        (
            "partition_key",
            field
                .partition_key
                .is_present()
                .then(|| field.partition_key.span()),
        ),
        (
            "clustering_key",
            field
                .clustering_key
                .is_present()
                .then(|| field.clustering_key.span()),
        ),
        ("order", field.order.as_ref().map(|o| o.span())),
        ("rename", field.rename.as_ref().map(|r| r.span())),
    ];
    for (name, span) in column_attributes {
        if let Some(span) = span {
            errors.push(
                Error::custom(format!(
                    "`{name}` has no effect on a skipped field: remove `{name}` or `skip`"
                ))
                .with_span(&span),
            );
        }
    }
}

fn column(field: FieldAttrs, ident: syn::Ident, errors: &mut Accumulator) -> Column {
    let role = match (
        field.partition_key.is_present(),
        field.clustering_key.is_present(),
    ) {
        (true, true) => {
            errors.push(
                Error::custom(
                    "a column is either in the partition key or in the clustering key: remove one of `partition_key` and `clustering_key`",
                )
                .with_span(&field.clustering_key.span()),
            );
            Role::PartitionKey
        }
        (true, false) => Role::PartitionKey,
        (false, true) => Role::ClusteringKey(field.order.as_deref().copied().unwrap_or_default()),
        (false, false) => Role::Regular,
    };
    if let Some(order) = &field.order
        && !matches!(role, Role::ClusteringKey(_))
    {
        errors.push(
            Error::custom(
                "`order` applies to clustering columns only: add `clustering_key` to this field or remove `order`",
            )
            .with_span(&order.span()),
        );
    }

    let name = match &field.rename {
        Some(rename) => {
            if !is_plain_name(rename) {
                errors.push(
                    Error::custom(format!(
                        "invalid column name {:?}: use ASCII letters, digits or underscores",
                        rename.as_str()
                    ))
                    .with_span(&rename.span()),
                );
            }
            rename.as_str().to_owned()
        }
        None => ident.unraw().to_string(),
    };

    Column {
        field: ident,
        ty: field.ty,
        name,
        role,
    }
}

fn check_duplicate_names(columns: &[Column], errors: &mut Accumulator) {
    let mut seen: HashMap<&str, &Column> = HashMap::new();
    for column in columns {
        if let Some(first) = seen.insert(&column.name, column) {
            errors.push(
                Error::custom(format!(
                    "fields `{}` and `{}` both map to column `{}`: give one of them `#[orm(rename = \"...\")]`",
                    first.field, column.field, column.name
                ))
                .with_span(&column.field.span()),
            );
        }
    }
}

fn is_plain_name(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// `BlogPost` -> `blog_post`.
fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for (i, ch) in name.chars().enumerate() {
        if ch.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(ch.to_ascii_lowercase());
        } else {
            out.push(ch);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::snake_case;

    #[test]
    fn snake_case_splits_words() {
        assert_eq!(snake_case("User"), "user");
        assert_eq!(snake_case("BlogPost"), "blog_post");
    }
}
