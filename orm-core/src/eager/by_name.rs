//! What `with(...)` accepts ([`IntoWith`]): accessors, specs, and relations by name
//! (`"posts.comments"`), resolved through the derive's table of relation names.

use crate::eager::path;
use crate::eager::spec::{EagerSpec, With};
use crate::eager::{Eager, NotNestable};
use crate::model::Model;
use crate::query::QueryError;

/// Something `with(...)` accepts: an accessor (`User::posts_relation`), an
/// [`EagerSpec`], a [`With`], a relation path (`"posts.comments"`), or several paths.
pub trait IntoWith<P> {
    /// The relations to load, or why a name is not one.
    fn into_with(self) -> Result<Vec<With<P>>, QueryError>;
}

impl<P, F, Rel> IntoWith<P> for F
where
    P: Model,
    F: Fn(&P) -> Rel + Send + Sync + 'static,
    Rel: Eager<P>,
{
    fn into_with(self) -> Result<Vec<With<P>>, QueryError> {
        Ok(vec![With::from_accessor(self)])
    }
}

impl<P, F, Rel> IntoWith<P> for EagerSpec<P, F, Rel>
where
    P: Model,
    F: Fn(&P) -> Rel + Send + Sync + 'static,
    Rel: Eager<P>,
{
    fn into_with(self) -> Result<Vec<With<P>>, QueryError> {
        if let Some(error) = self.error() {
            return Err(error.clone());
        }
        Ok(vec![With::new(self)])
    }
}

impl<P> IntoWith<P> for With<P> {
    fn into_with(self) -> Result<Vec<With<P>>, QueryError> {
        Ok(vec![self])
    }
}

impl<P: ChildModel> IntoWith<P> for &str {
    fn into_with(self) -> Result<Vec<With<P>>, QueryError> {
        P::by_path(self).map(|item| vec![item])
    }
}

impl<P: ChildModel, const N: usize> IntoWith<P> for [&str; N] {
    fn into_with(self) -> Result<Vec<With<P>>, QueryError> {
        self.into_iter().map(P::by_path).collect()
    }
}

impl<P: ChildModel> IntoWith<P> for Vec<&str> {
    fn into_with(self) -> Result<Vec<With<P>>, QueryError> {
        self.into_iter().map(P::by_path).collect()
    }
}

/// A type nested relations can load on: every model, and [`NotNestable`] (which has none).
#[doc(hidden)]
pub trait ChildModel: Sized {
    /// The relation at `path` (`"posts"` or `"posts.comments"`), by name.
    fn by_path(path: &str) -> Result<With<Self>, QueryError>;
}

impl<M: Model> ChildModel for M {
    fn by_path(path: &str) -> Result<With<M>, QueryError> {
        path::check(path)?;
        let (first, rest) = match path.split_once('.') {
            Some((first, rest)) => (first.trim(), Some(rest)),
            None => (path.trim(), None),
        };
        let mut item = M::__eager(first).ok_or_else(|| QueryError::UnknownRelation {
            model: M::TABLE.model,
            relation: path::shown(first),
            valid: M::__RELATIONS.to_vec(),
        })?;
        if let Some(rest) = rest {
            item.add_path(rest)?;
        }
        Ok(item)
    }
}

impl ChildModel for NotNestable {
    fn by_path(path: &str) -> Result<With<Self>, QueryError> {
        Err(QueryError::NotNestable {
            relation: path::shown(path),
        })
    }
}
