//! A row with the relations loaded for it.

use std::any::Any;
use std::ops::{Deref, DerefMut};
use std::sync::Arc;

use crate::eager::Eager;
use crate::error::{Error, Result};
use crate::model::Model;

/// A model row plus the relations (and counts) eager loading fetched for it.
///
/// It dereferences to the model. A relation that was not loaded is an error value when
/// read, never a hidden query.
#[derive(Clone)]
pub struct Loaded<M> {
    model: M,
    // One vector, not maps: a row holds a handful of relations at most, a search through
    // them is as fast as hashing the name, and an empty `Vec` costs nothing to create or
    // drop, which matters because every related row eager loading reads is wrapped too.
    kept: Vec<(&'static str, Kept)>,
}

/// What eager loading kept for one relation of a row.
#[derive(Clone)]
enum Kept {
    /// The related rows (`with`).
    Rows(Arc<dyn Any + Send + Sync>),
    /// How many there are (`with_count`).
    Count(i64),
}

impl Kept {
    fn rows(&self) -> Option<&(dyn Any + Send + Sync)> {
        match self {
            Kept::Rows(rows) => Some(&**rows),
            Kept::Count(_) => None,
        }
    }

    fn count(&self) -> Option<i64> {
        match self {
            Kept::Count(count) => Some(*count),
            Kept::Rows(_) => None,
        }
    }
}

impl<M: std::fmt::Debug> std::fmt::Debug for Loaded<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut loaded = Vec::new();
        let mut counts = std::collections::BTreeMap::new();
        for (name, kept) in &self.kept {
            match kept {
                Kept::Rows(_) => loaded.push(*name),
                Kept::Count(count) => {
                    counts.insert(*name, *count);
                }
            }
        }
        loaded.sort_unstable();
        f.debug_struct("Loaded")
            .field("model", &self.model)
            .field("relations", &loaded)
            .field("counts", &counts)
            .finish()
    }
}

impl<M> Deref for Loaded<M> {
    type Target = M;

    fn deref(&self) -> &M {
        &self.model
    }
}

impl<M> DerefMut for Loaded<M> {
    fn deref_mut(&mut self) -> &mut M {
        &mut self.model
    }
}

impl<M: Model> Loaded<M> {
    /// A row with nothing loaded yet.
    pub fn new(model: M) -> Self {
        Loaded {
            model,
            kept: Vec::new(),
        }
    }

    /// The model row.
    pub fn model(&self) -> &M {
        &self.model
    }

    /// The model row, without its loaded relations.
    pub fn into_inner(self) -> M {
        self.model
    }

    /// The relation `accessor` leads to, as loaded: `&Vec<Loaded<Post>>` for a
    /// `has_many`, `&Option<Loaded<User>>` for a `belongs_to`, and so on.
    ///
    /// # Errors
    /// [`Error::NotLoaded`] when the query did not load it.
    pub fn related<F, Rel>(&self, accessor: F) -> Result<&Rel::Stored>
    where
        F: Fn(&M) -> Rel,
        Rel: Eager<M>,
    {
        let name = accessor(&self.model).definition().name;
        self.find_kept(name, Kept::rows)
            .and_then(|rows| rows.downcast_ref::<Rel::Stored>())
            .ok_or_else(|| self.not_loaded(name, "with"))
    }

    /// The count `with_count` loaded for the relation `accessor` leads to.
    ///
    /// # Errors
    /// [`Error::NotLoaded`] when the query did not count it.
    pub fn related_count<F, Rel>(&self, accessor: F) -> Result<i64>
    where
        F: Fn(&M) -> Rel,
        Rel: Eager<M>,
    {
        let name = accessor(&self.model).definition().name;
        self.find_kept(name, Kept::count)
            .ok_or_else(|| self.not_loaded(name, "with_count"))
    }

    /// The names of the relations loaded for this row.
    pub fn loaded_relations(&self) -> Vec<&'static str> {
        let mut names: Vec<_> = self
            .kept
            .iter()
            .filter(|(_, kept)| matches!(kept, Kept::Rows(_)))
            .map(|(name, _)| *name)
            .collect();
        names.sort_unstable();
        names
    }

    /// The first thing kept for the relation `name` that `pick` takes.
    fn find_kept<'s, T>(&'s self, name: &str, pick: impl Fn(&'s Kept) -> Option<T>) -> Option<T> {
        self.kept
            .iter()
            .filter(|(kept_name, _)| *kept_name == name)
            .find_map(|(_, kept)| pick(kept))
    }

    fn not_loaded(&self, relation: &'static str, method: &'static str) -> Error {
        Error::NotLoaded {
            model: M::TABLE.model,
            relation,
            method,
            loaded: self.loaded_relations(),
        }
    }

    /// Keeps `value` as the relation `name`, replacing what an earlier load kept.
    pub(crate) fn store(&mut self, name: &'static str, value: Arc<dyn Any + Send + Sync>) {
        self.keep(name, Kept::Rows(value));
    }

    /// Keeps `count` as the count of the relation `name`, replacing an earlier one.
    pub(crate) fn store_count(&mut self, name: &'static str, count: i64) {
        self.keep(name, Kept::Count(count));
    }

    fn keep(&mut self, name: &'static str, value: Kept) {
        let same = |(kept_name, kept): &&mut (&'static str, Kept)| {
            *kept_name == name && std::mem::discriminant(kept) == std::mem::discriminant(&value)
        };
        match self.kept.iter_mut().find(same) {
            Some((_, kept)) => *kept = value,
            None => self.kept.push((name, value)),
        }
    }
}
