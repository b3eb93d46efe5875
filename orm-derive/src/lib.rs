//! Derive macros of the ScyllaDB ORM. Use them through `orm_core`, which re-exports them.
//!
//! The derive runs in three stages, one file each: `attr` reads the `#[orm(...)]`
//! attributes, `check` enforces every rule a user can break (all errors reported in one
//! compile, each at the span to fix) and produces the plain `ast`, and `expand`
//! generates code from it. On errors, `fallback` still generates the model read
//! leniently, so that only the real errors are reported; `names` makes up the names the
//! user did not give (snake case, plurals).

mod errors;
mod keys;
mod lenient;
mod model;
mod morph;
mod names;
mod pivot;
mod projection;
mod related;
mod relation;
mod row;
mod runtime;
mod shape;
mod udt;

use proc_macro::TokenStream;
use syn::{DeriveInput, parse_macro_input};

/// Derives `orm_core::Model`. See the `orm_core` crate docs for the attributes.
///
/// Names it makes up: the table is the struct's name in snake case (`heck`'s rule, so
/// `BlogPost` → `blog_post`, `HTTPServer` → `http_server`); a relation's default foreign
/// key is `<model>_id` by the same rule; a `has_many`/`belongs_to_many` (and `morph_many`)
/// is named after the related model's plural, by the rule documented in
/// `orm_core::relation` (`Category` → `categories`), and must be named with
/// `name = "..."` where that rule would guess (`Person`, `Data`, `Settings`, ...).
///
/// When the attributes have errors, the derive reports them and still generates the model
/// read leniently, so that code using it reports nothing more.
#[proc_macro_derive(
    Model,
    attributes(
        orm,
        has_one,
        has_many,
        belongs_to,
        belongs_to_many,
        morph_many,
        morph_one,
        morph_to
    )
)]
pub fn derive_model(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    model::derive(&input).into()
}

/// Derives `orm_core::Udt` (and the driver's `SerializeValue` / `DeserializeValue`) for a
/// struct stored as a CQL user-defined type. See `orm_core::Udt` for the attributes.
#[proc_macro_derive(Udt, attributes(orm))]
pub fn derive_udt(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    udt::derive(&input).into()
}

/// Derives `orm_core::Projection` for a struct reading some columns of a model:
/// `#[orm(model = Post)]`, fields named and typed like the model's.
#[proc_macro_derive(Projection, attributes(orm))]
pub fn derive_projection(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    projection::derive(&input).into()
}

/// Derives `orm_core::Pivot` for the row joining two models:
/// `#[pivot(left = Post, right = Tag)]`, with `#[pivot(left)]` and `#[pivot(right)]` on the
/// key fields. Its tables default to `<left>_<plural of right>` (`post_tags`) and
/// `<right>_<plural of left>` (`tag_posts`), by the relation names' plural rule.
#[proc_macro_derive(Pivot, attributes(pivot))]
pub fn derive_pivot(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    pivot::derive(&input).into()
}
