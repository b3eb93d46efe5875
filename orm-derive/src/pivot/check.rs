//! Every rule a `#[derive(Pivot)]` struct must follow, checked with a spanned error that
//! says what to change. Errors are accumulated so one compile reports all of them.

use darling::error::Accumulator;
use darling::util::SpannedValue;
use darling::{Error, FromDeriveInput};

use super::attr::{PivotAttrs, PivotField};
use super::{End, Pivot};
use crate::model::{Column, Role};
use crate::names::{column_name, handle, is_plain_name, snake_case};
use crate::runtime::Runtime;
use crate::shape::{named_fields, no_generics};

/// Parses and validates a `#[derive(Pivot)]` input.
pub fn pivot(input: &syn::DeriveInput) -> Result<Pivot, Error> {
    let attrs = PivotAttrs::from_derive_input(input)?;
    let mut errors = Error::accumulator();
    let ident = &attrs.ident;
    errors.handle(no_generics(
        &attrs.generics,
        "a Pivot cannot have generic parameters: it maps to two fixed tables",
    ));
    let side = |path: &Option<syn::Path>, name: &str| {
        path.clone().ok_or_else(|| {
            Error::custom(format!(
                "`{ident}` needs `#[pivot({name} = Model)]` naming the {name} model it joins"
            ))
            .with_span(ident)
        })
    };
    let left_model = errors.handle(side(&attrs.left, "left"));
    let right_model = errors.handle(side(&attrs.right, "right"));
    let (columns, left, right) = fields(ident, attrs.data, &mut errors);
    let given = (&attrs.table, &attrs.inverse_table);
    // Each direction's table, partitioned by its first model's key.
    let [table, inverse_table] = [
        (given.0, "table", (&attrs.left, &attrs.right)),
        (given.1, "inverse_table", (&attrs.right, &attrs.left)),
    ]
    .map(|(given, option, models)| table_name(ident, given, option, models, &mut errors));
    check_tables(ident, given, (&table, &inverse_table), &mut errors);
    // Each `None` comes with its error, pushed by `handle`.
    match (left_model, left, right_model, right) {
        (Some(left_model), Some(left), Some(right_model), Some(right)) => {
            errors.finish_with(Pivot {
                runtime: Runtime::new(attrs.krate.as_ref()),
                ident: attrs.ident,
                columns,
                left: End {
                    model: left_model,
                    column: left,
                },
                right: End {
                    model: right_model,
                    column: right,
                },
                table,
                inverse_table,
            })
        }
        _ => Err(Error::multiple(errors.into_inner())),
    }
}

/// The columns, and the `left` and `right` ones (each exactly once).
fn fields(
    ident: &syn::Ident,
    data: darling::ast::Data<(), PivotField>,
    errors: &mut Accumulator,
) -> (Vec<Column>, Option<Column>, Option<Column>) {
    let mut columns = Vec::new();
    let mut left = None;
    let mut right = None;
    for (field_ident, field) in named_fields(data, |f| f.ident.as_ref()) {
        let column = Column {
            handle: handle(&field_ident),
            name: column_name(&field_ident, field.rename.as_ref(), errors),
            field: field_ident,
            ty: field.ty,
            role: Role::Regular,
            index: None,
            timestamp: None,
        };
        for (flag, slot, which) in [
            (&field.left, &mut left, "left"),
            (&field.right, &mut right, "right"),
        ] {
            if flag.is_present() {
                if slot.is_some() {
                    errors.push(
                        Error::custom(format!("only one field can be `{which}`: remove it here"))
                            .with_span(&flag.span()),
                    );
                }
                *slot = Some(column.clone());
            }
        }
        if field.left.is_present() && field.right.is_present() {
            errors.push(
                Error::custom("a field is either `left` or `right`, not both")
                    .with_span(&field.right.span()),
            );
        }
        columns.push(column);
    }
    let mut found = |slot: Option<Column>, which: &str| {
        errors.handle(slot.ok_or_else(|| {
            Error::custom(format!(
                "`{ident}` has no `#[pivot({which})]` field: mark the field holding the {which} model's primary key"
            ))
            .with_span(ident)
        }))
    };
    let left = found(left, "left");
    let right = found(right, "right");
    (columns, left, right)
}

/// A table's name: as given with `option`, or `<first>_<plural of second>` by the relation
/// names' rule; where that rule would guess, the table must be named.
fn table_name(
    ident: &syn::Ident,
    given: &Option<SpannedValue<String>>,
    option: &str,
    (first, second): (&Option<syn::Path>, &Option<syn::Path>),
    errors: &mut Accumulator,
) -> String {
    if let Some(name) = given {
        return name.as_str().to_owned();
    }
    let many = model_snake(second);
    let plural = crate::names::plural(&many).unwrap_or_else(|_| {
        errors.push(
            Error::custom(format!(
                "`{many}` has no default plural (it is irregular, ambiguous or ends in -s), so this pivot's `{option}` has no default name: name it with `{option} = \"...\"`"
            ))
            .with_span(ident),
        );
        many.clone()
    });
    format!("{}_{plural}", model_snake(first))
}

/// Both table names valid, and different.
fn check_tables(
    ident: &syn::Ident,
    (given_table, given_inverse): (&Option<SpannedValue<String>>, &Option<SpannedValue<String>>),
    (table, inverse_table): (&str, &str),
    errors: &mut Accumulator,
) {
    for (given, name) in [(given_table, table), (given_inverse, inverse_table)] {
        if !is_plain_name(name) || name.len() > 48 {
            let (span, fix) = match given {
                Some(given) => (given.span(), ""),
                None => (
                    ident.span(),
                    ": name the tables with `table` / `inverse_table`",
                ),
            };
            errors.push(
                Error::custom(format!(
                    "invalid table name {name:?}: use 1 to 48 ASCII letters, digits or underscores{fix}"
                ))
                .with_span(&span),
            );
        }
    }
    if table == inverse_table {
        errors.push(
            Error::custom(format!(
                "both directions would use the table `{table}`: give `table` and `inverse_table` different names"
            ))
            .with_span(ident),
        );
    }
}

fn model_snake(path: &Option<syn::Path>) -> String {
    path.as_ref()
        .map(|p| snake_case(&crate::names::last_segment(p)))
        .unwrap_or_default()
}
