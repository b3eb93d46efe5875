//! Relationships defined by hand: the Rust counterpart of subclassing the seed's
//! `Relationship` base. The program supplies the parent's key and the constraints
//! ([`CustomRelationship`]); [`Custom`] provides everything else.

use std::future::Future;

use crate::db::Db;
use crate::error::Result;
use crate::model::Model;
use crate::options::{Configure, StatementOptions};
use crate::query::{QueryError, Select};
use crate::relation::relationship::read_results;
use crate::relation::{Cardinality, QueryRelationship, RelationDef, Relationship};

/// A relationship defined by the program: which key of the parent it follows, how that
/// key constrains a query on the related model (the seed's `addConstraints`), and how
/// many rows a parent has (the seed's `getResults`: [`Many`](crate::relation::Many),
/// [`Optional`](crate::relation::Optional) or [`One`](crate::relation::One)).
///
/// Wrap it in a [`Custom`] in an accessor, and it has what the built-in kinds have:
/// `get_query`, `get`, `first`, `where_`, `filter`, `with`, `count`, `exists`, `page`,
/// `stream`, `explain`, the key names, per-statement options, and eager loading
/// (`User::query().with(User::recent_posts_relation)`, `with_count`, `has`,
/// `where_has`), one statement per distinct parent key.
///
/// The ORM's guarantees hold: a parent whose [`parent_key`](Self::parent_key) is `None`
/// makes every read an error with nothing sent; the constrained query's access path is
/// checked before anything is sent, so constraints that would scan are refused unless
/// [`add_constraints`](Self::add_constraints) opts in with `allow_filtering()`; values are
/// bound, and each shape of statement is prepared once per session.
///
/// # Example: the seed's, a relationship constrained by the parent's key
/// ```
/// use orm_core::prelude::*;
/// use orm_core::Select;
/// use orm_core::relation::{Custom, CustomRelationship, Many};
///
/// #[derive(Model)]
/// struct User {
///     #[orm(partition_key)]
///     id: i64,
/// }
///
/// #[derive(Model)]
/// struct Post {
///     #[orm(partition_key)]
///     user_id: i64,
///     #[orm(clustering_key)]
///     id: i64,
///     status: String,
/// }
///
/// /// A user's posts: `WHERE user_id = <the user's id>`.
/// struct UserPosts;
///
/// impl CustomRelationship for UserPosts {
///     type Parent = User;
///     type Related = Post;
///     type Key = i64;
///     type Results = Many;
///     const NAME: &'static str = "user_posts";
///     const FOREIGN_KEY: &'static [&'static str] = &["user_id"];
///     const LOCAL_KEY: &'static [&'static str] = &["id"];
///
///     fn parent_key(&self, user: &User) -> Option<i64> {
///         Some(user.id)
///     }
///
///     fn add_constraints(&self, query: Select<Post>, user_id: &i64) -> Select<Post> {
///         query.filter(Post::USER_ID.eq(*user_id))
///     }
/// }
///
/// impl User {
///     fn user_posts_relation(&self) -> Custom<UserPosts> {
///         Custom::new(UserPosts, self)
///     }
/// }
///
/// let posts = User { id: 7 }.user_posts_relation();
/// assert_eq!(posts.get_parent_key(), Some(&7));
/// assert_eq!(
///     posts.where_("id", ">", 10_i64).cql().unwrap(),
///     r#"SELECT "user_id", "id", "status" FROM "post" WHERE "user_id" = ? AND "id" > ?"#
/// );
/// ```
pub trait CustomRelationship: Send + Sync + 'static {
    /// The model the relationship starts from.
    type Parent: Model;
    /// The model it reads.
    type Related: Model;
    /// The parent's key it follows: one value, or a tuple for a multi-column key.
    type Key: Clone + Send + Sync + 'static;
    /// How many related rows a parent has.
    type Results: Cardinality;

    /// The relationship's name, in messages, `explain()` and tracing.
    const NAME: &'static str;
    /// The related model's columns the key constrains, in order.
    const FOREIGN_KEY: &'static [&'static str];
    /// The parent's columns the key is read from, in order.
    const LOCAL_KEY: &'static [&'static str];

    /// The parent's key, or `None` when it is null (every read is then an error).
    fn parent_key(&self, parent: &Self::Parent) -> Option<Self::Key>;

    /// `query` (a query on the related model) constrained to the rows of the parent whose
    /// key is `key`. Bind values through conditions (`Post::USER_ID.eq(...)`,
    /// `where_(...)`); call `allow_filtering()` here to accept a scan.
    fn add_constraints(
        &self,
        query: Select<Self::Related>,
        key: &Self::Key,
    ) -> Select<Self::Related>;

    /// A relationship and a parent's key to plan an eager load with: `explain()` of
    /// `with(...)` through this relationship has no parent row to take a key from, so it
    /// renders the statement [`add_constraints`](Self::add_constraints) builds for this
    /// key and counts one per distinct parent key. Any key will do when, as it should,
    /// the statement's shape does not depend on the key's value (values are bound).
    ///
    /// The default, `None`, says the plan is unknown: such an `explain()` is a
    /// [`QueryError::NotExplained`] naming this method.
    ///
    /// ```
    /// # use orm_core::prelude::*;
    /// # use orm_core::Select;
    /// # use orm_core::relation::{CustomRelationship, Many};
    /// # #[derive(Model)]
    /// # struct User { #[orm(partition_key)] id: i64 }
    /// # #[derive(Model)]
    /// # struct Post { #[orm(partition_key)] user_id: i64, #[orm(clustering_key)] id: i64 }
    /// struct UserPosts;
    ///
    /// impl CustomRelationship for UserPosts {
    ///     # type Parent = User;
    ///     # type Related = Post;
    ///     # type Key = i64;
    ///     # type Results = Many;
    ///     # const NAME: &'static str = "user_posts";
    ///     # const FOREIGN_KEY: &'static [&'static str] = &["user_id"];
    ///     # const LOCAL_KEY: &'static [&'static str] = &["id"];
    ///     # fn parent_key(&self, user: &User) -> Option<i64> { Some(user.id) }
    ///     fn add_constraints(&self, query: Select<Post>, user_id: &i64) -> Select<Post> {
    ///         query.filter(Post::USER_ID.eq(*user_id))
    ///     }
    ///
    ///     fn explain_with() -> Option<(Self, i64)> {
    ///         Some((UserPosts, 0))
    ///     }
    /// }
    /// ```
    fn explain_with() -> Option<(Self, Self::Key)>
    where
        Self: Sized,
    {
        None
    }
}

/// A [`CustomRelationship`] from one parent row: the relation object an accessor returns
/// (`fn recent_posts_relation(&self) -> Custom<RecentPosts>`), with the seed's methods
/// from [`Relationship`] and [`QueryRelationship`] (in the prelude).
#[must_use = "a relation does nothing until it is read or written: call `get`, `first`, `get_query`, ... with a `Db`"]
pub struct Custom<C: CustomRelationship> {
    spec: C,
    key: Option<C::Key>,
    options: StatementOptions,
}

impl<C: CustomRelationship> std::fmt::Debug for Custom<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Custom")
            .field("relationship", &C::NAME)
            .field("has_key", &self.key.is_some())
            .field("options", &self.options)
            .finish()
    }
}

impl<C: CustomRelationship> Custom<C> {
    /// The relationship `spec` from `parent`.
    pub fn new(spec: C, parent: &C::Parent) -> Self {
        let key = spec.parent_key(parent);
        Custom {
            spec,
            key,
            options: StatementOptions::default(),
        }
    }

    /// The definition of `C`: its name, models and first key columns.
    pub fn definition_of() -> &'static RelationDef {
        const {
            &RelationDef::custom(
                C::NAME,
                <C::Parent as Model>::TABLE.model,
                <C::Related as Model>::TABLE.model,
                first(C::FOREIGN_KEY),
                first(C::LOCAL_KEY),
            )
        }
    }

    /// The relationship's own constraints (`spec.add_constraints`) for `key`, without
    /// statement options; eager loading applies one per distinct key.
    pub(crate) fn constrained(&self, key: &C::Key) -> Select<C::Related> {
        self.spec
            .add_constraints(<C::Related as Model>::query(), key)
    }
}

/// The first name of a key, or `""` for none.
const fn first(names: &'static [&'static str]) -> &'static str {
    match names {
        [name, ..] => name,
        [] => "",
    }
}

impl<C: CustomRelationship> Relationship for Custom<C> {
    type Parent = C::Parent;
    type Related = C::Related;
    type Key = C::Key;
    type Output = <C::Results as Cardinality>::Output<C::Related>;

    fn definition(&self) -> &'static RelationDef {
        Self::definition_of()
    }

    fn get_parent_key(&self) -> Option<&C::Key> {
        self.key.as_ref()
    }

    fn get_foreign_key_names(&self) -> &'static [&'static str] {
        C::FOREIGN_KEY
    }

    fn get_local_key_names(&self) -> &'static [&'static str] {
        C::LOCAL_KEY
    }

    fn get(&self, db: &Db) -> impl Future<Output = Result<Self::Output>> + Send {
        read_results(self, db)
    }
}

impl<C: CustomRelationship> QueryRelationship for Custom<C> {
    type Results = C::Results;

    fn get_query(&self) -> Select<C::Related> {
        let Some(key) = &self.key else {
            let def = Self::definition_of();
            return <C::Related as Model>::query().with_error(QueryError::MissingParentKey {
                model: def.model,
                relation: def.name,
                key: def.local_key,
            });
        };
        let mut query = self.constrained(key);
        if !self.options.is_default() {
            *query.options_mut() = self.options.clone();
        }
        query
    }
}

crate::options::configure_by_options_field!(
    /// Consistency, timeout and the other options apply to every statement the relationship
    /// sends.
    impl[C: CustomRelationship] Custom<C>
);
