//! Typed column handles, such as `Post::TITLE`, and the conditions built from them.

use std::marker::PhantomData;
use std::sync::Arc;

use crate::condition::{Condition, Operator, Ordering};
use crate::cql_type::{Element, FieldType, MapKey};
use crate::meta::{ClusteringOrder, ColumnMeta};

/// A column of model `M` holding Rust values of type `T`.
///
/// `#[derive(Model)]` generates one per field, named after the field in upper case.
/// Conditions built from a handle can only be used in queries of its own model, with
/// values of its own type.
///
/// # Example
/// ```
/// use orm_core::Model;
///
/// #[derive(Model)]
/// struct Post {
///     #[orm(partition_key)]
///     user_id: i64,
///     #[orm(clustering_key)]
///     id: i64,
///     title: String,
/// }
///
/// let query = Post::query().filter(Post::USER_ID.eq(7)).filter(Post::ID.gt(100));
/// assert_eq!(
///     query.cql().unwrap(),
///     r#"SELECT "user_id", "id", "title" FROM "post" WHERE "user_id" = ? AND "id" > ?"#
/// );
/// ```
pub struct Column<M, T> {
    meta: &'static ColumnMeta,
    get: fn(&M) -> &T,
    set: fn(&mut M) -> &mut T,
}

impl<M, T> Clone for Column<M, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<M, T> Copy for Column<M, T> {}

impl<M, T> std::fmt::Debug for Column<M, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Column({})", self.meta.name)
    }
}

impl<M, T> Column<M, T> {
    /// A handle on a column and the field it maps to; the derive calls this.
    #[doc(hidden)]
    pub const fn new(
        meta: &'static ColumnMeta,
        get: fn(&M) -> &T,
        set: fn(&mut M) -> &mut T,
    ) -> Self {
        Self { meta, get, set }
    }

    /// The column's CQL name.
    pub const fn name(&self) -> &'static str {
        self.meta.name
    }

    /// The column's metadata (type, key role, index).
    pub const fn meta(&self) -> &'static ColumnMeta {
        self.meta
    }

    /// The field's value in `row`.
    pub fn get<'a>(&self, row: &'a M) -> &'a T {
        (self.get)(row)
    }

    /// Sets the field in `row`.
    pub fn set(&self, row: &mut M, value: T) {
        *(self.set)(row) = value;
    }

    /// `ORDER BY column ASC`.
    pub fn asc(self) -> Ordering<M> {
        Ordering::new(self.meta.name, ClusteringOrder::Asc)
    }

    /// `ORDER BY column DESC`.
    pub fn desc(self) -> Ordering<M> {
        Ordering::new(self.meta.name, ClusteringOrder::Desc)
    }
}

/// The comparison methods of [`Column`]: one line each, since they differ only in their
/// operator, so a new operator cannot get a body that differs by accident.
macro_rules! comparisons {
    ($($(#[$doc:meta])* $method:ident: $operator:ident,)*) => {
        $(
            $(#[$doc])*
            pub fn $method(self, value: impl Into<T>) -> Condition<M> {
                self.condition(Operator::$operator, value.into())
            }
        )*
    };
}

impl<M, T: FieldType + Send + Sync + 'static> Column<M, T> {
    fn condition(
        self,
        operator: Operator,
        value: impl FieldType + Send + Sync + 'static,
    ) -> Condition<M> {
        Condition::column(self.meta.name, operator, Arc::new(value))
    }

    comparisons! {
        /// `column = value`.
        eq: Eq,
        /// `column < value`.
        lt: Lt,
        /// `column <= value`.
        le: Le,
        /// `column > value`.
        gt: Gt,
        /// `column >= value`.
        ge: Ge,
        /// `column != value`: only in conditional writes (`IF`), never in a `WHERE`.
        ne: Ne,
    }

    /// `column IN (values)`, bound as one list value.
    ///
    /// At most [`MAX_IN_VALUES`](crate::query::MAX_IN_VALUES) values: a longer list is
    /// refused before anything is sent (ScyllaDB's default guardrail).
    pub fn in_(self, values: impl IntoIterator<Item = T>) -> Condition<M> {
        let values: Vec<T> = values.into_iter().collect();
        let count = values.len();
        self.condition(Operator::In, values)
            .with_in_values(Some(count))
    }
}

impl<M, T: Element> Column<M, T>
where
    T::Item: FieldType + Send + Sync + 'static,
{
    /// `column CONTAINS value`, for list, set and map (values) columns.
    pub fn contains(self, value: impl Into<T::Item>) -> Condition<M> {
        Condition::column(self.meta.name, Operator::Contains, Arc::new(value.into()))
    }
}

impl<M, T: MapKey> Column<M, T>
where
    T::Key: FieldType + Send + Sync + 'static,
{
    /// `column CONTAINS KEY key`, for map columns.
    pub fn contains_key(self, key: impl Into<T::Key>) -> Condition<M> {
        Condition::column(self.meta.name, Operator::ContainsKey, Arc::new(key.into()))
    }
}

/// A model's column found by its CQL name, for relations declared on other models.
///
/// The derive implements `Field<H>` for each column, `H` being a hash of the column's
/// name; a relation attribute naming a column looks it up through this trait, so a name
/// the model does not have is a compile error at the attribute. (The expansion goes
/// through a trait of its own whose one impl requires this one and is not recommended, so
/// that the error's notes list neither hashes nor the model's other columns' impls.)
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no column with the name given in this relation attribute",
    label = "not a column of `{Self}`",
    note = "relation attributes name columns by their CQL name (the field's name, or its `rename`); the help above names the option and the column"
)]
pub trait Field<const NAME: u64>: Sized {
    /// The column's Rust type.
    type Type;
    /// The column's handle.
    const COLUMN: Column<Self, Self::Type>;
}

/// A model's partition key, when it is one column: what a `belongs_to` without
/// `owner_key` refers to. The derive implements it for such models only.
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no one-column partition key for `belongs_to` to refer to by default",
    label = "name the column of `{Self}` this relation's foreign key holds: `owner_key = \"...\"`",
    note = "without `owner_key`, `belongs_to` refers to the owner's partition key, which must then be a single column"
)]
pub trait PartitionKeyColumn: Sized {
    /// The column's Rust type.
    type Type;
    /// The column's handle.
    const COLUMN: Column<Self, Self::Type>;
}

/// The partition-key token of model `M`, for token-range scans:
/// `token("k1", "k2") > ?`.
///
/// # Example
/// ```
/// use orm_core::{Model, Token};
///
/// #[derive(Model)]
/// struct Event {
///     #[orm(partition_key)]
///     day: String,
///     #[orm(clustering_key)]
///     id: i64,
/// }
///
/// let query = Event::query()
///     .filter(Token::<Event>::new().gt(i64::MIN))
///     .filter(Token::<Event>::new().le(0));
/// assert!(query.cql().unwrap().contains(r#"WHERE token("day") > ? AND token("day") <= ?"#));
/// ```
pub struct Token<M>(PhantomData<fn() -> M>);

impl<M> std::fmt::Debug for Token<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Token<{}>", std::any::type_name::<M>())
    }
}

impl<M> Default for Token<M> {
    fn default() -> Self {
        Self::new()
    }
}

impl<M> Token<M> {
    /// The token of `M`'s partition key.
    pub const fn new() -> Self {
        Token(PhantomData)
    }

    /// `token(pk) > value`.
    pub fn gt(self, value: i64) -> Condition<M> {
        Condition::token(Operator::Gt, value)
    }

    /// `token(pk) >= value`.
    pub fn ge(self, value: i64) -> Condition<M> {
        Condition::token(Operator::Ge, value)
    }

    /// `token(pk) < value`.
    pub fn lt(self, value: i64) -> Condition<M> {
        Condition::token(Operator::Lt, value)
    }

    /// `token(pk) <= value`.
    pub fn le(self, value: i64) -> Condition<M> {
        Condition::token(Operator::Le, value)
    }
}
