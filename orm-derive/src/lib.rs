#![warn(missing_docs)]
//! Derive macros of the ScyllaDB ORM. Use them through `orm_core`, which re-exports them;
//! each macro's documentation lists its attributes.
//!
//! Every derive has the same layout, one folder per feature (`model`, `relation`,
//! `morph`, `pivot`, `projection`, `udt`): `attr` reads the attributes as written (darling
//! structs), `check` enforces every rule a user can break (all errors reported in one
//! compile, each at the span to fix) and builds a typed ast whose enums carry what each
//! case needs, and `expand` generates tokens from it, checking nothing. On errors,
//! `fallback` still generates the input read leniently, so that only the real errors are
//! reported. Shared: `names` (the names the derive makes up or checks), `runtime` (the
//! one path generated code reaches `orm_core` by, honouring `crate = ...`), `row` (the
//! generated `DeserializeRow`), `related` and `keys` (what relations and morphs share),
//! `lenient`, `errors` and `shape` (helpers of the stages).

mod custom;
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

/// Derives `orm_core::Model`: the struct is one table, each field one column.
///
/// # Container attributes
///
/// | Attribute | Meaning | Example |
/// |---|---|---|
/// | `table = "..."` | The table's name (default: the struct's name in snake case) | `#[orm(table = "posts")]` |
/// | `keyspace = "..."` | Pins the table to a keyspace instead of the session's | `#[orm(keyspace = "blog")]` |
/// | `default_ttl = seconds` | The table's `default_time_to_live` | `#[orm(default_ttl = 86400)]` |
/// | `table_options = "..."` | More `WITH` options of `CREATE TABLE`, as CQL | `#[orm(table_options = "comment = 'posts'")]` |
/// | `hooks` | The program implements `orm_core::Hooks` for the model itself | `#[orm(hooks)]` |
/// | `crate = path` | Where `orm_core` is, when renamed or re-exported | `#[orm(crate = ::my_orm)]` |
///
/// # Field attributes
///
/// | Attribute | Meaning | Example |
/// |---|---|---|
/// | `partition_key` | Part of the partition key (at least one field; in declaration order) | `#[orm(partition_key)]` |
/// | `clustering_key` | Part of the clustering key, in declaration order | `#[orm(clustering_key)]` |
/// | `order = "asc" \| "desc"` | A clustering column's order (default `asc`) | `#[orm(clustering_key, order = "desc")]` |
/// | `static` | One value per partition (needs a clustering key) | `#[orm(static)]` |
/// | `rename = "..."` | The column's name (default: the field's) | `#[orm(rename = "type")]` |
/// | `index` | A secondary index on the column | `#[orm(index)]` |
/// | `created_at` | Set to the current time by the first insert | `#[orm(created_at)]` |
/// | `updated_at` | Set to the current time by every insert and update | `#[orm(updated_at)]` |
/// | `skip` | Not a column; read as `Default::default()` | `#[orm(skip)]` |
///
/// # Relation attributes (on the struct)
///
/// The related model comes first; `name = "..."` names the accessor `<name>_relation()`.
///
/// | Attribute | Options | Example |
/// |---|---|---|
/// | `has_one(Model, ...)` | `foreign_key` (the related model's column, default `<model>_id`), `local_key` (this model's, default its partition key), `name`, `allow_filtering` | `#[has_one(Profile, foreign_key = "user_id")]` |
/// | `has_many(Model, ...)` | as `has_one` | `#[has_many(Post, foreign_key = "user_id")]` |
/// | `belongs_to(Model, ...)` | `foreign_key` (this model's column, default `<related>_id`), `owner_key` (the owner's, default its partition key), `name`, `allow_filtering` | `#[belongs_to(User, foreign_key = "user_id")]` |
/// | `belongs_to_many(Model, ...)` | `pivot = Type` (a `#[derive(Pivot)]` struct, required), `inverse` (this model is the pivot's right side), `name` | `#[belongs_to_many(Tag, pivot = PostTag)]` |
/// | `morph_many(Child, ...)` | `name` (the morph name, required), `type_column`, `id_column` (the child's, default `<name>_type`/`<name>_id`), `local_key`, `accessor`, `allow_filtering` | `#[morph_many(Comment, name = "commentable")]` |
/// | `morph_one(Child, ...)` | as `morph_many` | `#[morph_one(Image, name = "imageable")]` |
/// | `morph_to(...)` | `name` (required), `types(...)` (the parents, required), `type_column`, `id_column`, `derive(...)` (for the generated enum) | `#[morph_to(name = "commentable", types(Post, Video))]` |
///
/// Names it makes up: the table is the struct's name in snake case (`heck`'s rule, so
/// `BlogPost` → `blog_post`, `HTTPServer` → `http_server`); a relation's default foreign
/// key is `<model>_id` by the same rule; a `has_many`/`belongs_to_many` (and `morph_many`)
/// is named after the related model's plural, by the rule documented in
/// `orm_core::relation` (`Category` → `categories`), and must be named with
/// `name = "..."` where that rule would guess (`Person`, `Data`, `Settings`, ...).
///
/// When the attributes have errors, the derive reports them and still generates the model
/// read leniently, so that code using it reports nothing more. See the `orm_core` crate
/// docs for a whole example.
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
        morph_to,
        relationship
    )
)]
pub fn derive_model(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    let custom = custom::relationships(&input);
    let model = model::derive(&input);
    quote::quote!(#model #custom).into()
}

/// Derives `orm_core::Udt` (and the driver's `SerializeValue` / `DeserializeValue`) for a
/// struct stored as a CQL user-defined type. See `orm_core::Udt` for an example.
///
/// | Attribute | Meaning | Example |
/// |---|---|---|
/// | `name = "..."` (struct) | The type's CQL name (default: the struct's name in snake case) | `#[orm(name = "address")]` |
/// | `crate = path` (struct) | Where `orm_core` is, when renamed or re-exported | `#[orm(crate = ::my_orm)]` |
/// | `rename = "..."` (field) | The field's CQL name (default: the field's) | `#[orm(rename = "zip_code")]` |
/// | `skip` (field) | Not part of the type; read as `Default::default()` | `#[orm(skip)]` |
#[proc_macro_derive(Udt, attributes(orm))]
pub fn derive_udt(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    udt::derive(&input).into()
}

/// Derives `orm_core::Projection` for a struct reading some columns of a model:
/// `#[orm(model = Post)]`, fields named and typed like the model's.
///
/// | Attribute | Meaning | Example |
/// |---|---|---|
/// | `model = Type` (struct, required) | The model whose columns it reads | `#[orm(model = Post)]` |
/// | `crate = path` (struct) | Where `orm_core` is, when renamed or re-exported | `#[orm(crate = ::my_orm)]` |
/// | `ttl = "field"` (field) | Reads `TTL(column)` of that model field, as `Option<i32>` | `#[orm(ttl = "title")]` |
/// | `writetime = "field"` (field) | Reads `WRITETIME(column)` of that model field, as `Option<i64>` | `#[orm(writetime = "title")]` |
/// | `skip` (field) | Not read; filled with `Default::default()` | `#[orm(skip)]` |
#[proc_macro_derive(Projection, attributes(orm))]
pub fn derive_projection(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    projection::derive(&input).into()
}

/// Derives `orm_core::Pivot` for the row joining two models:
/// `#[pivot(left = Post, right = Tag)]`, with `#[pivot(left)]` and `#[pivot(right)]` on the
/// key fields. Its tables default to `<left>_<plural of right>` (`post_tags`) and
/// `<right>_<plural of left>` (`tag_posts`), by the relation names' plural rule.
///
/// | Attribute | Meaning | Example |
/// |---|---|---|
/// | `left = Type`, `right = Type` (struct, required) | The two models it joins | `#[pivot(left = Post, right = Tag)]` |
/// | `table = "..."` (struct) | The table partitioned by the left key | `#[pivot(table = "post_tags")]` |
/// | `inverse_table = "..."` (struct) | The table partitioned by the right key | `#[pivot(inverse_table = "tag_posts")]` |
/// | `crate = path` (struct) | Where `orm_core` is, when renamed or re-exported | `#[pivot(crate = ::my_orm)]` |
/// | `left`, `right` (field, one each) | The field holding that model's primary key | `#[pivot(left)]` |
/// | `rename = "..."` (field) | The column's name (default: the field's) | `#[pivot(rename = "tag")]` |
///
/// When the attributes have errors, the derive reports them and still derives the pivot
/// with misspelled options read as the suggested ones, so that the models joined through
/// it report nothing more.
#[proc_macro_derive(Pivot, attributes(pivot))]
pub fn derive_pivot(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    pivot::derive(&input).into()
}
