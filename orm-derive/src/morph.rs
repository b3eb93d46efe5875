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
    /// `morph_many` / `morph_one`.
    Parent(ParentSide),
    /// `morph_to`.
    Child(ChildSide),
}

/// `morph_many` / `morph_one`: the children whose type and id columns point at this row.
/// A struct of its own, so the check builds it and the expansion borrows it whole.
pub struct ParentSide {
    pub many: bool,
    /// The child model.
    pub child: syn::Path,
    /// This model's key column.
    pub local: Column,
    /// The child's columns.
    pub type_column: Named,
    pub id_column: Named,
    pub allow_filtering: bool,
}

/// `morph_to`: the parent this row's type and id columns point at.
pub struct ChildSide {
    /// The possible parents, each with its variant in the generated enum.
    pub types: Vec<Parent>,
    /// The parent whose primary-key type the id column holds: the first listed.
    pub key_of: syn::Path,
    /// Derives for the generated enum.
    pub derives: Vec<syn::Path>,
    /// This model's columns.
    pub type_column: Column,
    pub id_column: Column,
}

/// A parent type listed in `morph_to(types(...))`.
pub struct Parent {
    pub path: syn::Path,
    /// Its variant in the generated enum: the type's name.
    pub variant: syn::Ident,
}
