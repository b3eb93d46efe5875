//! Every rule a relation attribute must follow, and its keys resolved against this model's
//! columns. Errors are accumulated so one compile reports all of them.

use darling::Error;
use darling::error::Accumulator;
use syn::spanned::Spanned;

use super::attr::{ATTRIBUTES, Options, Written};
use super::{Kind, Relation};
use crate::errors::{BeforeAndAfter, given_in_vain};
use crate::keys::{default_local_key, local_column, named_or, own_column};
use crate::model::Column;
use crate::names::{checked, default_plural, is_snake_ident, last_segment, snake_case};
use crate::shape::attributes_in;

/// Every relation attribute on the struct, checked against `columns`.
pub fn check(
    attrs: &[syn::Attribute],
    model: &syn::Ident,
    columns: &[Column],
    errors: &mut Accumulator,
) -> Vec<Relation> {
    let mut relations: Vec<Relation> = Vec::new();
    for (attr, written) in attributes_in(attrs, &ATTRIBUTES) {
        if let Some(relation) = errors.handle(one(attr, written, model, columns)) {
            if relations.iter().any(|r| r.name == relation.name) {
                errors.push(
                    Error::custom(format!(
                        "two relations are named `{}`: give one of them `name = \"...\"`",
                        relation.name
                    ))
                    .with_span(&relation.span),
                );
            }
            relations.push(relation);
        }
    }
    relations
}

fn one(
    attr: &syn::Attribute,
    written: Written,
    model: &syn::Ident,
    columns: &[Column],
) -> Result<Relation, Error> {
    let (related, options) = super::attr::parse(attr, written)?;
    let mut errors = BeforeAndAfter::default();
    if written != Written::BelongsToMany {
        check_pivot_options(&options, attr, &mut errors.before);
    }
    let given = Given {
        options: &options,
        related: &related,
        attr,
        model,
        columns,
    };
    let kind = match written {
        Written::HasOne => given.has(false, &mut errors.before),
        Written::HasMany => given.has(true, &mut errors.before),
        Written::BelongsTo => given.belongs_to(&mut errors.before),
        Written::BelongsToMany => given.belongs_to_many(&mut errors),
    };
    let name = name(written, &options, &related, &mut errors.after);
    errors.finish(kind).map(|kind| Relation {
        related,
        name,
        span: attr.span(),
        kind,
    })
}

/// One attribute as written, with the model it is on.
struct Given<'a> {
    options: &'a Options,
    related: &'a syn::Path,
    attr: &'a syn::Attribute,
    model: &'a syn::Ident,
    columns: &'a [Column],
}

/// `pivot` and `inverse` outside `belongs_to_many`.
fn check_pivot_options(options: &Options, attr: &syn::Attribute, errors: &mut Accumulator) {
    let options = [
        ("pivot", options.pivot.is_some()),
        ("inverse", options.inverse.is_present()),
    ];
    given_in_vain(&options, attr, errors, |option| {
        format!("`{option}` applies to `belongs_to_many` only; remove it")
    });
}

impl Given<'_> {
    /// `has_one` / `has_many`: this model's `local_key` (default: its partition key), held by
    /// the related model's `foreign_key` (default: `<model>_id`).
    fn has(&self, many: bool, errors: &mut Accumulator) -> Result<Kind, Error> {
        if let Some(owner) = &self.options.owner_key {
            let attribute = if many { "has_many" } else { "has_one" };
            errors.push(
                Error::custom(format!(
                    "`owner_key` belongs to `belongs_to`; in `{attribute}` the parent's column is `local_key`"
                ))
                .with_span(&owner.span()),
            );
        }
        let local = local_column(
            self.options.local_key.as_ref(),
            self.model,
            self.columns,
            self.attr.span(),
            errors,
        );
        let foreign_key = named_or(
            self.options.foreign_key.as_ref(),
            || format!("{}_id", snake_case(&self.model.to_string())),
            self.related.span(),
        );
        local.map(|local| Kind::Has {
            many,
            foreign_key,
            local,
            allow_filtering: self.options.allow_filtering.is_present(),
        })
    }

    /// `belongs_to`: this model's `foreign_key` (default: `<related>_id`) holds the owner's
    /// `owner_key` (default: its one-column partition key).
    fn belongs_to(&self, errors: &mut Accumulator) -> Result<Kind, Error> {
        if let Some(local) = &self.options.local_key {
            errors.push(
                Error::custom(
                    "`local_key` belongs to `has_one`/`has_many`; in `belongs_to` the owner's column is `owner_key`",
                )
                .with_span(&local.span()),
            );
        }
        let foreign_key = named_or(
            self.options.foreign_key.as_ref(),
            || format!("{}_id", snake_case(&last_segment(self.related))),
            self.related.span(),
        );
        let owner_key = self
            .options
            .owner_key
            .as_ref()
            .map(|owner| named_or(Some(owner), String::new, owner.span()));
        own_column(self.model, &foreign_key, "foreign_key", self.columns).map(|foreign| {
            Kind::BelongsTo {
                foreign,
                foreign_key,
                owner_key,
                allow_filtering: self.options.allow_filtering.is_present(),
            }
        })
    }

    /// `belongs_to_many`: a `pivot`, and none of the key options (its keys are the pivot's).
    fn belongs_to_many(&self, errors: &mut BeforeAndAfter) -> Result<Kind, Error> {
        let allow_filtering = &self.options.allow_filtering;
        for (given, option) in [
            (
                self.options.foreign_key.as_ref().map(|v| v.span()),
                "foreign_key",
            ),
            (
                self.options.local_key.as_ref().map(|v| v.span()),
                "local_key",
            ),
            (
                self.options.owner_key.as_ref().map(|v| v.span()),
                "owner_key",
            ),
            (
                allow_filtering.is_present().then(|| allow_filtering.span()),
                "allow_filtering",
            ),
        ] {
            if let Some(span) = given {
                errors.before.push(
                    Error::custom(format!(
                        "`{option}` does not apply to `belongs_to_many`: its keys are the pivot's `left`/`right` fields"
                    ))
                    .with_span(&span),
                );
            }
        }
        let pivot = self.options.pivot.clone().ok_or_else(|| {
            Error::custom(
                "`belongs_to_many` needs `pivot = PivotType`, a `#[derive(Pivot)]` struct",
            )
            .with_span(self.attr)
        });
        let local = default_local_key(
            self.model,
            self.columns,
            self.attr.span(),
            &mut errors.after,
        );
        pivot.map(|pivot| Kind::BelongsToMany {
            pivot,
            inverse: self.options.inverse.is_present(),
            local_key: local.name,
        })
    }
}

/// The accessor's base name: `name`, checked, or the related model's in snake case, plural
/// for the kinds that read many rows.
fn name(
    written: Written,
    options: &Options,
    related: &syn::Path,
    errors: &mut Accumulator,
) -> String {
    match &options.name {
        Some(name) => checked(name, is_snake_ident, errors, |name| {
            format!(
                "invalid relation name {name:?}: use lower-case letters, digits and underscores, starting with a letter"
            )
        }),
        None => {
            let base = snake_case(&last_segment(related));
            if matches!(written, Written::HasMany | Written::BelongsToMany) {
                default_plural(&base, related, "name", errors)
            } else {
                base
            }
        }
    }
}
