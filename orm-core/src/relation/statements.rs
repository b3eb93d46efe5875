//! The fixed statements of a relation's own reads, so `user.posts_relation().get(&db)`
//! neither renders nor hashes its CQL on every call.

use std::sync::{Arc, OnceLock};

use crate::model::Model;
use crate::query::QueryError;
use crate::relation::RelationDef;
use crate::relation::base::constrained_query;
use crate::row::Null;
use crate::statement::StaticStatement;

/// The statements of a relation's `get` and `first`, rendered once per process (from
/// the same [`Select`](crate::Select) `get_query()` builds) and prepared once per
/// session. The derive emits one per `has_one`, `has_many`, `belongs_to`, `morph_one` and
/// `morph_many`, next to its [`RelationDef`].
#[doc(hidden)]
pub struct RelationStatements {
    render: fn(first: bool) -> Result<String, QueryError>,
    get: OnceLock<Result<StaticStatement, QueryError>>,
    first: OnceLock<Result<StaticStatement, QueryError>>,
}

impl RelationStatements {
    /// Statements whose CQL `render` gives (`first`: the `LIMIT 1` read).
    pub const fn new(render: fn(first: bool) -> Result<String, QueryError>) -> Self {
        RelationStatements {
            render,
            get: OnceLock::new(),
            first: OnceLock::new(),
        }
    }

    /// The statement reading every related row.
    pub(crate) fn get(&'static self) -> Result<&'static StaticStatement, QueryError> {
        Self::slot(&self.get, || (self.render)(false))
    }

    /// The statement reading the first related row (`LIMIT ?`, bound to 1).
    pub(crate) fn first(&'static self) -> Result<&'static StaticStatement, QueryError> {
        Self::slot(&self.first, || (self.render)(true))
    }

    fn slot(
        slot: &'static OnceLock<Result<StaticStatement, QueryError>>,
        render: impl FnOnce() -> Result<String, QueryError>,
    ) -> Result<&'static StaticStatement, QueryError> {
        slot.get_or_init(|| render().map(StaticStatement::rendered))
            .as_ref()
            .map_err(Clone::clone)
    }
}

impl std::fmt::Debug for RelationStatements {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RelationStatements").finish_non_exhaustive()
    }
}

/// One relation has one set of statements: equal only to themselves.
impl PartialEq for RelationStatements {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}

impl Eq for RelationStatements {}

/// The CQL of the relation `def`'s reads of `R`: the shape of `get_query()`, which is
/// the same for every parent (only the bound key differs).
#[doc(hidden)]
pub fn relation_cql<R: Model>(
    def: &'static RelationDef,
    first: bool,
) -> Result<String, QueryError> {
    constrained_query::<R>(def, Arc::new(Null)).shape(first)
}
