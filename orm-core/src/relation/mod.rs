//! Relations between models: `has_one`, `has_many`, `belongs_to`, `belongs_to_many`,
//! the polymorphic kinds, and relationships defined by hand ([`CustomRelationship`]).
//!
//! Every kind implements [`Relationship`] (the seed's base class), and the kinds read
//! through a [`Select`](crate::Select) also [`QueryRelationship`]; `has_one`, `has_many`
//! and `belongs_to` are one type, [`Keyed`], differing only in their [`kind`].
//!
//! `#[derive(Model)]` with `#[has_many(Post, foreign_key = "user_id")]` generates
//! `user.posts_relation()`, a [`HasMany`] whose query is already constrained to the
//! user's posts. Which way the server finds those rows is decided at compile time from the
//! related model's key metadata: a relation whose foreign key is neither the related
//! table's whole partition key nor indexed does not compile unless it opts in with
//! `allow_filtering`.
//!
//! Attributes: `#[has_many(Related, foreign_key = "...", local_key = "...", name = "...")]`,
//! the same for `has_one`, and `#[belongs_to(Related, foreign_key = "...", owner_key = "...")]`.
//! Keys are CQL column names. Add `allow_filtering` to accept a relation that scans.
//!
//! # Defaults
//!
//! - `foreign_key` is `<model>_id`, from the model's name in snake case (`has_*`: this
//!   model's; `belongs_to`: the related model's, so `belongs_to(HTTPServer)` reads
//!   `http_server_id`).
//! - `local_key` (`has_*`) is this model's partition key, when it is one column.
//! - `owner_key` (`belongs_to`) is the owner's partition key, when it is one column; an
//!   owner with a composite partition key needs `owner_key = "..."` (a compile error says
//!   so).
//! - The accessor is named after the related model in snake case: `user_relation()` for
//!   `belongs_to(User)`, `profile_relation()` for `has_one(Profile)`, and for `has_many`
//!   and `belongs_to_many` its plural, by these rules on the last word:
//!   1. a consonant then `-y` becomes `-ies` (`Category` → `categories_relation()`;
//!      `Day` → `days`);
//!   2. `-ss`, `-us`, `-as`, `-x`, `-z`, `-ch`, `-sh` take `-es` (`Address` →
//!      `addresses`, `Status` → `statuses`, `Box` → `boxes`, `Match` → `matches`);
//!   3. anything else takes `-s` (`Post` → `posts`, `Video` → `videos`).
//!
//!   Where these rules would guess, there is no default and a compile error asks for
//!   `name = "..."`: irregular plurals (`Person`, `Child`, `Index`, `Leaf`, `Hero`, words
//!   ending in `-man`, ...), words that are the same in both numbers (`Data`, `News`,
//!   `Series`, ...), and other words ending in `-s`, which may be plural already
//!   (`Settings`, `Stats`) or Latin (`Analysis`). `morph_many`'s default accessor follows
//!   the same rules (`accessor = "..."` names it).
//!
//! ```
//! use orm_core::Model;
//!
//! #[derive(Model)]
//! #[has_many(Category, foreign_key = "shop_id")]
//! #[has_many(Person, foreign_key = "shop_id", name = "staff")]
//! struct Shop {
//!     #[orm(partition_key)]
//!     id: i64,
//! }
//!
//! #[derive(Model)]
//! struct Category {
//!     #[orm(partition_key)]
//!     shop_id: i64,
//!     #[orm(clustering_key)]
//!     name: String,
//! }
//!
//! #[derive(Model)]
//! struct Person {
//!     #[orm(partition_key)]
//!     shop_id: i64,
//!     #[orm(clustering_key)]
//!     name: String,
//! }
//!
//! let shop = Shop { id: 1 };
//! assert_eq!(shop.categories_relation().definition().name, "categories");
//! assert_eq!(shop.staff_relation().definition().name, "staff");
//! ```
//!
//! A pivot's default tables follow the same rule: `<left>_<plural of right>` and
//! `<right>_<plural of left>` (name them with `table = "..."` / `inverse_table = "..."`
//! where the rule would guess).
//!
//! ```
//! use orm_core::{Model, Pivot};
//!
//! #[derive(Model)]
//! struct Post {
//!     #[orm(partition_key)]
//!     id: i64,
//! }
//!
//! #[derive(Model)]
//! struct Category {
//!     #[orm(partition_key)]
//!     id: i64,
//! }
//!
//! #[derive(Pivot)]
//! #[pivot(left = Post, right = Category)]
//! struct PostCategory {
//!     #[pivot(left)]
//!     post_id: i64,
//!     #[pivot(right)]
//!     category_id: i64,
//! }
//!
//! assert_eq!(PostCategory::FORWARD.name, "post_categories");
//! assert_eq!(PostCategory::INVERSE.name, "category_posts");
//! ```
//!
//! Clippy's `duplicated_attributes` lint may flag two relations of the same kind with the
//! same `foreign_key` as a duplicate (rust-lang/rust-clippy#13238): they are not; allow
//! the lint on that struct.

mod access;
mod base;
mod belongs_to_many;
mod belongs_to_many_query;
mod cardinality;
mod custom;
mod joined;
mod key;
mod keyed;
mod morph;
mod pivot;
mod plan_key;
mod relationship;
mod statements;

pub(crate) use base::constrained_query;
pub(crate) use belongs_to_many::PivotModel;
pub use belongs_to_many::{BelongsToMany, DEFAULT_CONCURRENCY, PivotChanges, PivotKey, WithPivot};
pub(crate) use belongs_to_many_query::pivot_read;
pub use belongs_to_many_query::{BelongsToManyQuery, EagerBelongsToMany};
pub use cardinality::{Cardinality, Many, One, Optional};
pub use custom::{Custom, CustomRelationship};
#[doc(hidden)]
pub use key::set_key;
pub use key::{KeyOf, SameKey};
pub use keyed::{BelongsTo, HasMany, HasOne, Keyed, KeyedKind, OwnsRelated, RelationKey, kind};
pub use morph::{MorphParent, MorphTargets, MorphTo};
#[doc(hidden)]
pub use plan_key::{PlanKey, PlanKeyDefault, PlanKeyNone};
/// The former name of [`Relationship`].
#[doc(hidden)]
pub use relationship::Relationship as Relation;
pub use relationship::{QueryRelationship, Related, Relationship};

#[doc(hidden)]
pub use morph::unknown_morph_type;
pub use pivot::{Forward, Inverse, Pivot, Side};

#[doc(hidden)]
pub use access::{check_access, check_custom_access, check_morph_access};
#[doc(hidden)]
pub use statements::{RelationStatements, relation_cql};

/// The kind of a relation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelationKind {
    /// The parent owns at most one related row.
    HasOne,
    /// The parent owns many related rows.
    HasMany,
    /// This model's row points at its owner.
    BelongsTo,
    /// Rows joined through a pivot.
    BelongsToMany,
    /// The parent owns many rows of a polymorphic child (type and key columns).
    MorphMany,
    /// The parent owns at most one row of a polymorphic child.
    MorphOne,
    /// This polymorphic row points at its owner, one of a closed set of models.
    MorphTo,
    /// Defined by the program ([`CustomRelationship`]).
    Custom,
}

/// A relation as declared: names and keys, for messages and introspection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RelationDef {
    /// The accessor's base name (`posts` for `posts_relation()`).
    pub name: &'static str,
    /// The kind.
    pub kind: RelationKind,
    /// The model declaring the relation.
    pub model: &'static str,
    /// The related model.
    pub related: &'static str,
    /// The foreign-key column: on the related model for `has_*`, on this model for
    /// `belongs_to`.
    pub foreign_key: &'static str,
    /// The key the foreign key refers to: this model's local key for `has_*`, the owner
    /// key on the related model for `belongs_to`.
    pub local_key: &'static str,
    /// The column the relation's query filters the related table by.
    pub query_column: &'static str,
    /// Whether the relation opted in to `ALLOW FILTERING`.
    pub allow_filtering: bool,
    /// Polymorphic relations: the related model's type column and this model's type
    /// name in it (`morph_many`, `morph_one`).
    pub morph_type: Option<(&'static str, &'static str)>,
    /// The fixed statements of the relation's own reads, for the kinds that read the
    /// related table directly.
    #[doc(hidden)]
    pub statements: Option<&'static RelationStatements>,
}

impl RelationDef {
    /// A relation `name` of `kind` from `model` to `related` by `foreign_key` and
    /// `local_key`; its query filters by `foreign_key`, without `ALLOW FILTERING`. The
    /// derive builds every relation this way, then sets what differs with the `with_*`
    /// methods.
    ///
    /// ```
    /// use orm_core::{RelationDef, RelationKind};
    ///
    /// const DEF: RelationDef =
    ///     RelationDef::new("posts", RelationKind::HasMany, "User", "Post", "user_id", "id");
    /// assert_eq!(DEF.query_column, "user_id");
    /// ```
    pub const fn new(
        name: &'static str,
        kind: RelationKind,
        model: &'static str,
        related: &'static str,
        foreign_key: &'static str,
        local_key: &'static str,
    ) -> Self {
        RelationDef {
            name,
            kind,
            model,
            related,
            foreign_key,
            local_key,
            query_column: foreign_key,
            allow_filtering: false,
            morph_type: None,
            statements: None,
        }
    }

    /// The same relation, filtering the related table by `column`.
    pub const fn with_query_column(mut self, column: &'static str) -> Self {
        self.query_column = column;
        self
    }

    /// The same relation, opted in to `ALLOW FILTERING` or not.
    pub const fn with_allow_filtering(mut self, allow: bool) -> Self {
        self.allow_filtering = allow;
        self
    }

    /// The same relation, polymorphic: the related model's type column and this model's
    /// type name in it.
    pub const fn with_morph_type(
        mut self,
        morph_type: Option<(&'static str, &'static str)>,
    ) -> Self {
        self.morph_type = morph_type;
        self
    }

    #[doc(hidden)]
    pub const fn with_statements(
        mut self,
        statements: Option<&'static RelationStatements>,
    ) -> Self {
        self.statements = statements;
        self
    }

    /// The definition of a custom relationship (see [`CustomRelationship`]): `name` from
    /// `model` to `related`, reading `related` by `foreign_key` (the first column, for a
    /// multi-column key) and following `model`'s `local_key`.
    ///
    /// ```
    /// use orm_core::{RelationDef, RelationKind};
    ///
    /// const DEF: RelationDef = RelationDef::custom("recent_posts", "User", "Post", "user_id", "id");
    /// assert_eq!(DEF.kind, RelationKind::Custom);
    /// ```
    pub const fn custom(
        name: &'static str,
        model: &'static str,
        related: &'static str,
        foreign_key: &'static str,
        local_key: &'static str,
    ) -> Self {
        RelationDef::new(
            name,
            RelationKind::Custom,
            model,
            related,
            foreign_key,
            local_key,
        )
    }
}
