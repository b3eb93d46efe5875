//! [`Relationship`] for the kinds with read paths of their own: `belongs_to_many` (a
//! pivot partition, then the related rows by primary key) and `morph_to` (an owner of
//! one of several types). Their methods are inherent; the trait makes them usable by
//! code generic over relations.

use std::future::Future;

use crate::db::Db;
use crate::error::Result;
use crate::model::Model;
use crate::relation::{
    BelongsToMany, MorphTargets, MorphTo, Pivot, PivotModel, RelationDef, Relationship, Side,
    WithPivot,
};

impl<P, R, Pv, D> Relationship for BelongsToMany<P, R, Pv, D>
where
    P: PivotModel,
    R: PivotModel,
    Pv: Pivot,
    D: Side<Pv, P, R>,
{
    type Parent = P;
    type Related = R;
    type Key = P::PrimaryKey;
    type Output = Vec<WithPivot<R, Pv>>;

    fn definition(&self) -> &'static RelationDef {
        BelongsToMany::definition(self)
    }

    fn get_parent_key(&self) -> Option<&P::PrimaryKey> {
        BelongsToMany::get_parent_key(self)
    }

    fn get(&self, db: &Db) -> impl Future<Output = Result<Self::Output>> + Send {
        BelongsToMany::get(self, db)
    }
}

impl<C, E, K> Relationship for MorphTo<C, E, K>
where
    C: Model,
    E: MorphTargets<K>,
    K: Send + Sync,
{
    type Parent = C;
    type Related = E;
    type Key = K;
    type Output = Option<E>;

    fn definition(&self) -> &'static RelationDef {
        MorphTo::definition(self)
    }

    fn get_parent_key(&self) -> Option<&K> {
        MorphTo::get_parent_key(self)
    }

    fn get(&self, db: &Db) -> impl Future<Output = Result<Self::Output>> + Send {
        MorphTo::get(self, db)
    }
}
