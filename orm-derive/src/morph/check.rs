//! Every rule a polymorphic attribute must follow, and its columns resolved against this
//! model's. Errors are accumulated so one compile reports all of them.

use darling::Error;
use darling::error::Accumulator;
use syn::spanned::Spanned;

use super::attr::{ATTRIBUTES, Options, Parsed, Written, WrittenSide};
use super::{ChildSide, Morph, Parent, ParentSide, Side};
use crate::errors::{BeforeAndAfter, given_in_vain};
use crate::keys::Named;
use crate::keys::{local_column, named_or, own_column};
use crate::model::Column;
use crate::names::{checked, default_plural, is_snake_ident, last_segment, snake_case};
use crate::shape::attributes_in;

/// Every polymorphic attribute on the struct, checked against `columns`.
pub fn check(
    attrs: &[syn::Attribute],
    model: &syn::Ident,
    columns: &[Column],
    errors: &mut Accumulator,
) -> Vec<Morph> {
    attributes_in(attrs, &ATTRIBUTES)
        .filter_map(|(attr, written)| errors.handle(one(attr, written, model, columns)))
        .collect()
}

/// One attribute as written, with the model it is on.
struct Given<'a> {
    parsed: &'a Parsed,
    attr: &'a syn::Attribute,
    model: &'a syn::Ident,
    columns: &'a [Column],
    type_column: Named,
    id_column: Named,
}

fn one(
    attr: &syn::Attribute,
    written: Written,
    model: &syn::Ident,
    columns: &[Column],
) -> Result<Morph, Error> {
    let parsed = super::attr::parse(attr, written)?;
    let mut errors = BeforeAndAfter::default();
    let name = &parsed.name;
    checked(name, is_snake_ident, &mut errors.before, |name| {
        format!(
            "invalid morph name {name:?}: use lower-case letters, digits and underscores, starting with a letter"
        )
    });
    let column = |given: &Option<darling::util::SpannedValue<String>>, suffix: &str| {
        named_or(
            given.as_ref(),
            || format!("{}_{suffix}", name.as_str()),
            attr.span(),
        )
    };
    let given = Given {
        type_column: column(&parsed.options.type_column, "type"),
        id_column: column(&parsed.options.id_column, "id"),
        parsed: &parsed,
        attr,
        model,
        columns,
    };
    let side = match &parsed.side {
        WrittenSide::Child => child(&given, &mut errors.after),
        WrittenSide::Parent { many, child } => {
            parent(*many, child, &given, &mut errors.before, &mut errors.after)
        }
    };
    errors.finish(side).map(|(accessor, side)| Morph {
        name: name.as_str().to_owned(),
        accessor,
        span: attr.span(),
        side,
    })
}

/// `morph_to`: this model's type and id columns, and the parent types. Errors after the
/// columns' go to `after`.
fn child(given: &Given, after: &mut Accumulator) -> Result<(String, Side), Error> {
    let Given {
        parsed,
        attr,
        model,
        columns,
        type_column,
        id_column,
    } = given;
    let options = &parsed.options;
    let type_column = own_column(model, type_column, "type_column", columns);
    let id_column = own_column(model, id_column, "id_column", columns);
    let types: Vec<Parent> = options
        .types
        .as_ref()
        .map(|t| t.to_vec())
        .unwrap_or_default()
        .into_iter()
        // A parsed path has a last segment.
        .filter_map(|path| {
            let variant = path.segments.last()?.ident.clone();
            Some(Parent { path, variant })
        })
        .collect();
    let key_of = types
        .first()
        .map(|first| first.path.clone())
        .ok_or_else(|| {
            Error::custom("`morph_to` needs the possible parents: `types(Post, Video)`")
                .with_span(attr)
        });
    let parent_options = [
        ("local_key", options.local_key.is_some()),
        ("accessor", options.accessor.is_some()),
    ];
    given_in_vain(&parent_options, attr, after, |option| {
        format!("`{option}` applies to `morph_many`/`morph_one`; remove it")
    });
    let derives = options
        .derive
        .as_ref()
        .map(|d| d.to_vec())
        .unwrap_or_default();
    match (type_column, id_column, key_of) {
        (Ok(type_column), Ok(id_column), Ok(key_of)) => Ok((
            parsed.name.as_str().to_owned(),
            Side::Child(ChildSide {
                types,
                key_of,
                derives,
                type_column,
                id_column,
            }),
        )),
        (type_column, id_column, key_of) => Err(Error::multiple(
            type_column
                .err()
                .into_iter()
                .chain(id_column.err())
                .chain(key_of.err())
                .collect(),
        )),
    }
}

/// `morph_many` / `morph_one`: the child, and this model's key column. Errors before the
/// column's go to `before`, after it to `after`.
fn parent(
    many: bool,
    child: &syn::Path,
    given: &Given,
    before: &mut Accumulator,
    after: &mut Accumulator,
) -> Result<(String, Side), Error> {
    let Given {
        parsed,
        attr,
        model,
        columns,
        ..
    } = given;
    let options = &parsed.options;
    let child_options = [
        ("types(...)", options.types.is_some()),
        ("derive(...)", options.derive.is_some()),
    ];
    given_in_vain(&child_options, attr, before, |option| {
        format!("`{option}` belongs to the child's `morph_to`; remove it here")
    });
    let local = local_column(
        options.local_key.as_ref(),
        model,
        columns,
        attr.span(),
        before,
    );
    let accessor = accessor(many, child, options, after);
    local.map(|local| {
        let side = Side::Parent(ParentSide {
            many,
            child: child.clone(),
            local,
            type_column: given.type_column.clone(),
            id_column: given.id_column.clone(),
            allow_filtering: options.allow_filtering.is_present(),
        });
        (accessor, side)
    })
}

/// A parent's accessor name: `accessor`, checked, or the child's name in snake case,
/// plural for `morph_many`.
fn accessor(many: bool, child: &syn::Path, options: &Options, errors: &mut Accumulator) -> String {
    let child_name = snake_case(&last_segment(child));
    match &options.accessor {
        Some(given) => checked(given, is_snake_ident, errors, |_| {
            "invalid accessor name: use lower-case letters, digits and underscores".to_owned()
        }),
        None if many => default_plural(&child_name, child, "accessor", errors),
        None => child_name,
    }
}
