//! `SET` clauses of an update.

use std::collections::{BTreeSet, HashSet};

use scylla::value::Counter;

use crate::condition::BoundValue;
use crate::cql::Set;
use crate::write::value::Value;

/// One `SET` item.
pub(crate) enum Assignment {
    /// `c = ?`
    Set(&'static str, Value),
    /// `c = c + ?` (counters, list append, set add, map merge)
    Add(&'static str, Value),
    /// `c = c - ?` (counters, list and set removal, map key removal)
    Subtract(&'static str, Value),
    /// `c = ? + c` (list prepend)
    Prepend(&'static str, Value),
    /// `c[?] = ?` (one map entry)
    Put(&'static str, BoundValue, BoundValue),
}

impl Assignment {
    #[inline]
    pub fn column(&self) -> &'static str {
        match self {
            Assignment::Set(c, _)
            | Assignment::Add(c, _)
            | Assignment::Subtract(c, _)
            | Assignment::Prepend(c, _)
            | Assignment::Put(c, _, _) => c,
        }
    }

    /// Which kind of `SET` item this is, as a number (for a shape's key).
    #[inline]
    pub fn kind(&self) -> usize {
        match self {
            Assignment::Set(..) => 0,
            Assignment::Add(..) => 1,
            Assignment::Subtract(..) => 2,
            Assignment::Prepend(..) => 3,
            Assignment::Put(..) => 4,
        }
    }

    /// The `SET` item's shape (its values left out).
    pub fn shape(&self) -> Set {
        match *self {
            Assignment::Set(c, _) => Set::Value(c),
            Assignment::Add(c, _) => Set::Add(c),
            Assignment::Subtract(c, _) => Set::Subtract(c),
            Assignment::Prepend(c, _) => Set::Prepend(c),
            Assignment::Put(c, _, _) => Set::Put(c),
        }
    }

    #[inline]
    pub fn values(
        &self,
    ) -> impl Iterator<Item = &(dyn scylla::serialize::value::SerializeValue + Send + Sync)> {
        let (first, second) = match self {
            Assignment::Set(_, v)
            | Assignment::Add(_, v)
            | Assignment::Subtract(_, v)
            | Assignment::Prepend(_, v) => (v.as_dyn(), None),
            Assignment::Put(_, k, v) => (k.as_ref(), Some(v)),
        };
        std::iter::once(first).chain(second.map(|v| v.as_ref()))
    }
}

/// A counter column type: `Counter`, or `Option<Counter>` for counters that may be unset.
pub trait CounterValue {}

impl CounterValue for Counter {}

impl CounterValue for Option<Counter> {}

/// A collection that `remove_from` can take elements out of: lists and sets.
pub trait Removable {}

impl<T> Removable for Vec<T> {}

impl<T, S> Removable for HashSet<T, S> {}

impl<T> Removable for BTreeSet<T> {}

impl<T: Removable> Removable for Option<T> {}
