//! `#[has_one(...)]`, `#[has_many(...)]`, `#[belongs_to(...)]` and `#[belongs_to_many(...)]`
//! on a model.
//!
//! [`attr`] reads an attribute, [`check`] resolves its keys against the model's columns
//! into the [`Relation`] below, and [`expand`] generates the accessors. The related
//! model's columns are not visible to this derive, so the expansion reaches them through
//! the `Field<hash of name>` impls every model publishes, and checks the access path in a
//! `const` evaluated against the related model's `TABLE`.

mod attr;
mod check;
mod expand;

use proc_macro2::Span;

pub use check::check;
pub use expand::{eager_table, expand};

use crate::keys::Named;
use crate::model::Column;

/// A validated relation.
pub struct Relation {
    /// The related model.
    pub related: syn::Path,
    /// The accessor's base name.
    pub name: String,
    /// Where the attribute is, for errors.
    pub span: Span,
    pub kind: Kind,
}

/// A relation's kind, with what that kind needs.
pub enum Kind {
    /// `has_one` / `has_many`: the related rows whose `foreign_key` holds this row's
    /// `local` column.
    Has {
        many: bool,
        /// The related model's column.
        foreign_key: Named,
        /// This model's column.
        local: Column,
        allow_filtering: bool,
    },
    /// `belongs_to`: the owner whose key this row's `foreign` column holds.
    BelongsTo {
        /// This model's column.
        foreign: Column,
        /// Where the foreign key was named (or the related model, when defaulted).
        foreign_key: Named,
        /// The owner's column; `None`: its one-column partition key, which only the
        /// owner's derive knows (through `PartitionKeyColumn`).
        owner_key: Option<Named>,
        allow_filtering: bool,
    },
    /// `belongs_to_many`: the related rows joined through a pivot.
    BelongsToMany {
        /// The `#[derive(Pivot)]` row type.
        pivot: syn::Path,
        /// Whether this model is the pivot's right side.
        inverse: bool,
        /// This model's key column name, for the relation's definition.
        local_key: String,
    },
}
