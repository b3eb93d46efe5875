//! Polymorphic relations: `#[morph_many(Child, name = "...")]` and `#[morph_one(...)]` on
//! each parent, `#[morph_to(name = "...", types(ParentA, ParentB))]` on the child.
//!
//! The child stores the parent's type name and key in `<name>_type` / `<name>_id`
//! (override with `type_column` / `id_column`). Each parent publishes
//! `MorphParent<Child, hash of name>`, which the child's `morph_to` requires of every
//! listed type, so a listed type without the matching `morph_many` is a compile error.
//!
//! [`attr`] reads an attribute, [`check`] resolves it into the [`Morph`] below, and
//! [`expand`] generates the accessors.

mod attr;
mod check;
mod expand;

use proc_macro2::Span;

pub use check::check;
pub use expand::expand;

use crate::keys::Named;
use crate::model::Column;

/// A validated polymorphic relation.
pub struct Morph {
    /// The morph name (`commentable`).
    pub name: String,
    /// The accessor's base name.
    pub accessor: String,
    /// Where the attribute is, for errors.
    pub span: Span,
    pub side: Side,
}

/// Which side of the polymorphic relation this model is, with what that side needs.
// A model has a handful of these, for one expansion: their size does not matter.
#[allow(clippy::large_enum_variant)]
pub enum Side {
    /// `morph_many` / `morph_one`: the children whose type and id columns point at this
    /// row.
    Parent {
        many: bool,
        /// The child model.
        child: syn::Path,
        /// This model's key column.
        local: Column,
        /// The child's columns.
        type_column: Named,
        id_column: Named,
        allow_filtering: bool,
    },
    /// `morph_to`: the parent this row's type and id columns point at.
    Child {
        /// The possible parents, each with its variant in the generated enum.
        types: Vec<Parent>,
        /// The parent whose primary-key type the id column holds: the first listed.
        key_of: syn::Path,
        /// Derives for the generated enum.
        derives: Vec<syn::Path>,
        /// This model's columns.
        type_column: Column,
        id_column: Column,
    },
}

/// A parent type listed in `morph_to(types(...))`.
pub struct Parent {
    pub path: syn::Path,
    /// Its variant in the generated enum: the type's name.
    pub variant: syn::Ident,
}
