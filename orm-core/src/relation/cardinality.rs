//! How many related rows a relation has for one parent: [`Many`], [`Optional`] or
//! [`One`]; the seed's `getResults`, as a type.

use crate::error::Result;
use crate::query::QueryError;
use crate::relation::RelationDef;

/// The shape of a relation's results: what [`Relationship::get`](crate::Relationship::get)
/// returns and what eager loading keeps per parent.
///
/// ```
/// use orm_core::relation::{Cardinality, Many, One, Optional};
///
/// static DEF: orm_core::RelationDef =
///     orm_core::RelationDef::custom("posts", "User", "Post", "user_id", "id");
/// let def = &DEF;
/// assert_eq!(Many::collect(vec![1, 2], def).unwrap(), vec![1, 2]);
/// assert_eq!(Optional::collect(vec![1], def).unwrap(), Some(1));
/// assert!(One::collect(Vec::<i32>::new(), def).is_err());
/// ```
pub trait Cardinality: Send + Sync + 'static {
    /// What `get` returns for rows of type `R`.
    type Output<R: Send>: Send;
    /// What an eager load keeps per parent for rows of type `R` (a missing row is not an
    /// error there: the parent keeps `None`).
    type Stored<R: Send + Sync + 'static>: Default + Send + Sync + 'static;
    /// The same cardinality as a value, as [`eager::load_related`] takes it.
    ///
    /// [`eager::load_related`]: crate::eager::load_related
    const KIND: crate::eager::Cardinality;
    /// Whether `get` reads every row (`true`) or the first one (`LIMIT 1`).
    const MANY: bool = matches!(Self::KIND, crate::eager::Cardinality::Many);

    /// The results from the rows read (at most one when not [`MANY`](Self::MANY)).
    fn collect<R: Send>(rows: Vec<R>, def: &'static RelationDef) -> Result<Self::Output<R>>;

    /// What a parent keeps of the rows an eager load read for it.
    fn store<R: Send + Sync + 'static>(rows: Vec<R>) -> Self::Stored<R>;
}

/// Any number of related rows: `get` returns a `Vec` (`has_many`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Many;

/// At most one related row: `get` returns an `Option` (`has_one`, `belongs_to`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Optional;

/// Exactly one related row: `get` returns it, and a missing one is an error
/// ([`QueryError::RelatedMissing`]). Eager loading keeps an `Option`.
#[derive(Debug, Clone, Copy, Default)]
pub struct One;

impl Cardinality for Many {
    const KIND: crate::eager::Cardinality = crate::eager::Cardinality::Many;
    type Output<R: Send> = Vec<R>;
    type Stored<R: Send + Sync + 'static> = Vec<R>;

    fn collect<R: Send>(rows: Vec<R>, _: &'static RelationDef) -> Result<Vec<R>> {
        Ok(rows)
    }

    fn store<R: Send + Sync + 'static>(rows: Vec<R>) -> Vec<R> {
        rows
    }
}

impl Cardinality for Optional {
    const KIND: crate::eager::Cardinality = crate::eager::Cardinality::Optional;
    type Output<R: Send> = Option<R>;
    type Stored<R: Send + Sync + 'static> = Option<R>;

    fn collect<R: Send>(rows: Vec<R>, _: &'static RelationDef) -> Result<Option<R>> {
        Ok(rows.into_iter().next())
    }

    fn store<R: Send + Sync + 'static>(rows: Vec<R>) -> Option<R> {
        rows.into_iter().next()
    }
}

impl Cardinality for One {
    const KIND: crate::eager::Cardinality = crate::eager::Cardinality::One;
    type Output<R: Send> = R;
    type Stored<R: Send + Sync + 'static> = Option<R>;

    fn collect<R: Send>(rows: Vec<R>, def: &'static RelationDef) -> Result<R> {
        let missing = QueryError::RelatedMissing {
            model: def.model,
            relation: def.name,
            related: def.related,
        };
        Ok(rows.into_iter().next().ok_or(missing)?)
    }

    fn store<R: Send + Sync + 'static>(rows: Vec<R>) -> Option<R> {
        rows.into_iter().next()
    }
}
