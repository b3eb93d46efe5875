//! Every rule a model must follow, checked with a spanned error that says what to change.
//!
//! Errors are accumulated so one compile reports all of them.

use std::collections::HashMap;

use darling::error::Accumulator;
use darling::util::Flag;
use darling::{Error, FromDeriveInput};
use proc_macro2::Span;
use syn::DeriveInput;

use super::attr::{FieldAttrs, ModelAttrs};
use crate::model::{Column, Model, Role, Timestamp};
use crate::names::{check_unique_names, column_name, is_plain_name};
use crate::runtime::Runtime;
use crate::shape::named_fields;

/// Longest keyspace or table name ScyllaDB and Cassandra accept.
const MAX_SCHEMA_NAME: usize = 48;

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
    let table = table_name(&attrs, &mut errors);
    if let Some(keyspace) = &attrs.keyspace {
        check_schema_name("keyspace", keyspace, keyspace.span(), &mut errors);
    }

    let mut columns = Vec::new();
    let mut skipped = Vec::new();
    for (ident, field) in named_fields(attrs.data, |f| f.ident.as_ref()) {
        if field.skip.is_present() {
            check_skipped(&field, &mut errors);
            skipped.push(ident);
        } else {
            columns.push(column(field, ident, &mut errors));
        }
    }

    let names = columns.iter().map(|c| (&c.field, c.name.as_str()));
    check_unique_names(names, "column", &mut errors);
    check_handle_names(&columns, &mut errors);
    check_keys(&attrs.ident, &columns, &mut errors);
    check_timestamps(&columns, &mut errors);
    check_counters(&columns, &mut errors);
    let relations = crate::relation::check(&input.attrs, &attrs.ident, &columns, &mut errors);
    let morphs = crate::morph::check(&input.attrs, &attrs.ident, &columns, &mut errors);
    check_accessor_names(&relations, &morphs, &mut errors);

    errors.finish_with(Model {
        runtime: Runtime::new(attrs.krate.as_ref()),
        vis: attrs.vis,
        ident: attrs.ident,
        table,
        keyspace: attrs.keyspace.map(|k| k.as_str().to_owned()),
        default_ttl: attrs.default_ttl,
        table_options: attrs.table_options.map(|o| o.as_str().to_owned()),
        hooks: attrs.hooks.is_present(),
        columns,
        skipped,
        relations,
        morphs,
        customs: crate::custom::eager_names(input),
    })
}

/// The table's name: as given (checked), or the struct's name in snake case.
fn table_name(attrs: &ModelAttrs, errors: &mut Accumulator) -> String {
    match &attrs.table {
        Some(table) => {
            check_schema_name("table", table, table.span(), errors);
            table.as_str().to_owned()
        }
        None => {
            let table = crate::names::snake_case(&attrs.ident.to_string());
            if !is_plain_name(&table) || table.len() > MAX_SCHEMA_NAME {
                errors.push(
                    Error::custom(format!(
                        "the default table name {table:?} is not a valid CQL table name (1 to {MAX_SCHEMA_NAME} ASCII letters, digits or underscores): name the table with `#[orm(table = \"...\")]`"
                    ))
                    .with_span(&attrs.ident),
                );
            }
            table
        }
    }
}

fn check_schema_name(kind: &str, name: &str, span: Span, errors: &mut Accumulator) {
    if !is_plain_name(name) || name.len() > MAX_SCHEMA_NAME {
        errors.push(
            Error::custom(format!(
                "invalid {kind} name {name:?}: use 1 to {MAX_SCHEMA_NAME} ASCII letters, digits or underscores"
            ))
            .with_span(&span),
        );
    }
}

/// The span of a flag, when it is set.
fn flag(flag: &Flag) -> Option<Span> {
    flag.is_present().then(|| flag.span())
}

/// A skipped field is not a column, so no column attribute may stand beside `skip`.
fn check_skipped(field: &FieldAttrs, errors: &mut Accumulator) {
    let column_attributes = [
        ("partition_key", flag(&field.partition_key)),
        ("clustering_key", flag(&field.clustering_key)),
        ("static", flag(&field.is_static)),
        ("index", flag(&field.index)),
        ("created_at", flag(&field.created_at)),
        ("updated_at", flag(&field.updated_at)),
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
    let role = role(&field, errors);
    let name = column_name(&ident, field.rename.as_ref(), errors);
    let timestamp = timestamp(&field, role, errors);
    Column {
        timestamp,
        handle: crate::names::handle(&ident),
        field: ident,
        ty: field.ty,
        name,
        role,
        index: flag(&field.index),
    }
}

/// A column's role in the primary key: one of `partition_key`, `clustering_key` (with its
/// `order`) and `static`, or none.
fn role(field: &FieldAttrs, errors: &mut Accumulator) -> Role {
    let roles = [
        ("partition_key", flag(&field.partition_key)),
        ("clustering_key", flag(&field.clustering_key)),
        ("static", flag(&field.is_static)),
    ];
    let chosen: Vec<(&str, Span)> = roles
        .iter()
        .filter_map(|(name, span)| span.map(|span| (*name, span)))
        .collect();
    if let [(first, _), (second, span), ..] = chosen.as_slice() {
        errors.push(
            Error::custom(format!(
                "a column has one role: `{first}` and `{second}` cannot both be set; remove one"
            ))
            .with_span(span),
        );
    }
    let role = match chosen.first().map(|(name, _)| *name) {
        Some("partition_key") => Role::PartitionKey,
        Some("clustering_key") => {
            Role::ClusteringKey(field.order.as_deref().copied().unwrap_or_default())
        }
        Some("static") => Role::Static,
        _ => Role::Regular,
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
    role
}

/// A column's automatic timestamp: `created_at` or `updated_at`, never both, never in the
/// primary key.
fn timestamp(field: &FieldAttrs, role: Role, errors: &mut Accumulator) -> Option<Timestamp> {
    let (timestamp, span) = match (flag(&field.created_at), flag(&field.updated_at)) {
        (Some(_), Some(span)) => {
            errors.push(
                Error::custom(
                    "a field is either `created_at` or `updated_at`, not both: remove one",
                )
                .with_span(&span),
            );
            (Timestamp::CreatedAt, span)
        }
        (Some(span), None) => (Timestamp::CreatedAt, span),
        (None, Some(span)) => (Timestamp::UpdatedAt, span),
        (None, None) => return None,
    };
    if matches!(role, Role::PartitionKey | Role::ClusteringKey(_)) {
        let span = flag(&field.created_at).unwrap_or(span);
        errors.push(
            Error::custom(
                "an automatic timestamp cannot be part of the primary key: its value changes with each write; remove `partition_key`/`clustering_key` or the timestamp attribute",
            )
            .with_span(&span),
        );
    }
    Some(timestamp)
}

/// Column handles are associated consts named after the fields in upper case; they must
/// not collide with each other or with `Model::TABLE`.
fn check_handle_names(columns: &[Column], errors: &mut Accumulator) {
    let mut seen: HashMap<String, &Column> = HashMap::new();
    for column in columns {
        let handle = column.handle.to_string();
        if handle == "TABLE" {
            errors.push(
                Error::custom(
                    "a field named `table` would hide `Model::TABLE` behind its column handle: rename the field and keep the column with `#[orm(rename = \"table\")]`",
                )
                .with_span(&column.field.span()),
            );
        } else if let Some(first) = seen.insert(handle.clone(), column) {
            errors.push(
                Error::custom(format!(
                    "fields `{}` and `{}` would both get the column handle `{handle}`: rename one of the fields",
                    first.field, column.field
                ))
                .with_span(&column.field.span()),
            );
        }
    }
}

fn check_keys(model: &syn::Ident, columns: &[Column], errors: &mut Accumulator) {
    let partition: Vec<&Column> = columns
        .iter()
        .filter(|c| c.role == Role::PartitionKey)
        .collect();
    if partition.is_empty() {
        errors.push(
            Error::custom(format!(
                "`{model}` has no partition key: mark at least one field with `#[orm(partition_key)]`"
            ))
            .with_span(model),
        );
    }
    if let [only] = partition.as_slice()
        && let Some(span) = only.index
    {
        errors.push(
            Error::custom(
                "this column is the whole partition key, which is already the fastest way to read it: remove `index`",
            )
            .with_span(&span),
        );
    }
    let has_clustering = columns
        .iter()
        .any(|c| matches!(c.role, Role::ClusteringKey(_)));
    if !has_clustering {
        for column in columns.iter().filter(|c| c.role == Role::Static) {
            errors.push(
                Error::custom(
                    "a static column needs a clustering key: without one every partition has a single row; add a `clustering_key` field or remove `static`",
                )
                .with_span(&column.field.span()),
            );
        }
    }
}

/// Relations and polymorphic relations share one namespace of `<name>_relation()`
/// accessors.
fn check_accessor_names(
    relations: &[crate::relation::Relation],
    morphs: &[crate::morph::Morph],
    errors: &mut Accumulator,
) {
    let mut seen = std::collections::HashSet::new();
    for relation in relations {
        seen.insert(relation.name.clone());
    }
    for morph in morphs {
        if !seen.insert(morph.accessor.clone()) {
            errors.push(
                Error::custom(format!(
                    "two relations would both generate `{}_relation()`: name one of them differently (`accessor = \"...\"` on `morph_many`/`morph_one`, `name = \"...\"` on the others)",
                    morph.accessor
                ))
                .with_span(&morph.span),
            );
        }
    }
}

/// At most one `created_at` and one `updated_at` field.
fn check_timestamps(columns: &[Column], errors: &mut Accumulator) {
    for (kind, name) in [
        (Timestamp::CreatedAt, "created_at"),
        (Timestamp::UpdatedAt, "updated_at"),
    ] {
        let mut marked = columns.iter().filter(|c| c.timestamp == Some(kind));
        let first = marked.next();
        for extra in marked {
            errors.push(
                Error::custom(format!(
                    "only one field can be `{name}` (`{}` already is): remove it from `{}`",
                    first.map_or(String::new(), |c| c.field.to_string()),
                    extra.field
                ))
                .with_span(&extra.field.span()),
            );
        }
    }
}

/// Whether a field's type is `Counter` or `Option<Counter>`, as written.
fn is_counter(ty: &syn::Type) -> bool {
    let syn::Type::Path(path) = ty else {
        return false;
    };
    let Some(last) = path.path.segments.last() else {
        return false;
    };
    if last.ident == "Counter" {
        return true;
    }
    if last.ident == "Option"
        && let syn::PathArguments::AngleBracketed(args) = &last.arguments
        && let Some(syn::GenericArgument::Type(inner)) = args.args.first()
    {
        return is_counter(inner);
    }
    false
}

/// CQL keeps counters in tables of their own: besides the primary key, every column of a
/// table with a counter is a counter.
fn check_counters(columns: &[Column], errors: &mut Accumulator) {
    let values: Vec<&Column> = columns
        .iter()
        .filter(|c| !matches!(c.role, Role::PartitionKey | Role::ClusteringKey(_)))
        .collect();
    let Some(counter) = values.iter().find(|c| is_counter(&c.ty)) else {
        return;
    };
    for column in values.iter().filter(|c| !is_counter(&c.ty)) {
        errors.push(
            Error::custom(format!(
                "`{}` is a counter, so this table can only hold key and counter columns: move `{}` to another table or make it a `Counter`",
                counter.field, column.field
            ))
            .with_span(&column.field.span()),
        );
    }
    for (_, span) in values
        .iter()
        .filter(|c| is_counter(&c.ty))
        .filter_map(|c| Some((c, c.index?)))
    {
        errors.push(
            Error::custom("counter columns cannot be indexed: remove `index`").with_span(&span),
        );
    }
}
