//! The typed core of eager loading: one relation loaded for a slice of parents.
//!
//! Everything else in [`crate::eager`] is a layer over the three steps in this file
//! (relation kinds in `kinds.rs`, nesting and counts in `spec.rs`, names in `by_name.rs`,
//! [`Loaded`](crate::eager::Loaded) in `loaded.rs`):
//!
//! 1. **Group** ([`PerParent::group`]): each parent's key, deduplicated. Parents with equal
//!    keys share one query; a parent without a key gets none (and no statement is sent
//!    for it: a missing key is never "no constraint").
//! 2. **Fetch** ([`PerParent::fetch_each`]): one future per distinct key, at most
//!    `concurrency` in flight, finishing in any order, outputs kept in key order.
//! 3. **Read back** ([`PerParent::get`], [`PerParent::iter`]): each parent's result is the
//!    result of its key.
//!
//! [`load_related`] and [`count_related`] put the three together for a relation given
//! by its parts: the entry point for relationships written by hand (see its docs).
//! [`ShapeCache`] lets every query of one load share a single prepared statement.
//!
//! A relation kind that plugs into `with(...)` (an `Eager` impl, as in `kinds.rs`) gets
//! its parents' relations already grouped by key (`PerParent<&Rel>`, step 1). For a
//! kind given by its parts it then maps them to their keys ([`PerParent::map`]), calls
//! [`fetch_related`] with `Loaded::new` as the wrapper (or [`fetch_counts`] to count),
//! loads nested relations into all the rows at once with `kinds::nest`, and maps each
//! key's rows into the form parents keep ([`PerParent::map`] again).

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::hash::Hash;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use futures::TryStreamExt;
use futures::future::BoxFuture;
use futures::stream::FuturesUnordered;
use scylla::statement::prepared::PreparedStatement;

use crate::db::{Cql, Db};
use crate::eager::GroupKey;
use crate::error::{Error, Result};
use crate::model::Model;
use crate::query::{QueryError, Select};

/// One result per distinct key, and for each parent which one is its own: what eager
/// loading returns for a slice of parents.
///
/// Parents with equal keys share one result (it was fetched once); a parent without a
/// key has none.
///
/// # Example
/// ```
/// use orm_core::eager::PerParent;
///
/// // Three parents; the first and the last have the same key, the second none.
/// let keys = PerParent::group([Some((7, "seven")), None, Some((7, "seven"))]);
/// assert_eq!(keys.len(), 3);
/// assert_eq!(keys.distinct(), &["seven"]);
/// let lengths = keys.map(str::len);
/// assert_eq!(lengths.iter().collect::<Vec<_>>(), [Some(&5), None, Some(&5)]);
/// ```
#[derive(Debug, Clone)]
pub struct PerParent<T> {
    /// One entry per distinct key, in the order the keys first appear.
    distinct: Vec<T>,
    /// For each parent, the index of its key's entry in `distinct`.
    slots: Vec<Option<usize>>,
}

impl<T> PerParent<T> {
    /// Step 1: groups parents by key. `keys` yields one item per parent: `None` for a
    /// parent without a key, else the key's hashable form (what equal keys share) and
    /// the value to fetch with, kept once per distinct key.
    pub fn group<G: Eq + Hash>(keys: impl IntoIterator<Item = Option<(G, T)>>) -> Self {
        let mut index: HashMap<G, usize> = HashMap::new();
        let mut distinct = Vec::new();
        let slots = keys
            .into_iter()
            .map(|key| {
                let (grouped, value) = key?;
                Some(match index.entry(grouped) {
                    Entry::Occupied(slot) => *slot.get(),
                    Entry::Vacant(slot) => {
                        distinct.push(value);
                        *slot.insert(distinct.len() - 1)
                    }
                })
            })
            .collect();
        PerParent { distinct, slots }
    }

    /// Step 2: runs `fetch` once per distinct key, at most `concurrency` (at least 1) at
    /// a time, and keeps each output in its key's place. A slow fetch does not hold back
    /// the others; the first error ends the whole load.
    ///
    /// Each fetch's future is built only when a place frees up: a built future holds
    /// its whole state (the driver's request included, a few KB), so building them all
    /// first would hold memory in proportion to the parents (`bench --bin memory`).
    pub fn fetch_each<'a, O: Send + 'a>(
        self,
        concurrency: usize,
        fetch: impl FnMut(T) -> BoxFuture<'a, Result<O>> + Send + 'a,
    ) -> impl Future<Output = Result<PerParent<O>>> + Send + 'a
    where
        T: Send + 'a,
    {
        let PerParent { distinct, slots } = self;
        async move {
            let distinct = in_order(distinct, fetch, concurrency.max(1)).await?;
            Ok(PerParent { distinct, slots })
        }
    }

    /// Step 3: the result of parent number `parent`, or `None` when it had no key.
    pub fn get(&self, parent: usize) -> Option<&T> {
        let slot = (*self.slots.get(parent)?)?;
        self.distinct.get(slot)
    }

    /// Each parent's result, in parent order (`None` for a parent without a key).
    pub fn iter(&self) -> impl Iterator<Item = Option<&T>> + '_ {
        self.slots
            .iter()
            .map(|slot| slot.and_then(|slot| self.distinct.get(slot)))
    }

    /// How many parents there are.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// Whether there are no parents.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// The results, once per distinct key (as many as statements were sent per level).
    pub fn distinct(&self) -> &[T] {
        &self.distinct
    }

    /// The same parents with `f` applied to each distinct result (once per key).
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> PerParent<U> {
        PerParent {
            distinct: self.distinct.into_iter().map(f).collect(),
            slots: self.slots,
        }
    }

    /// The distinct results by value.
    pub(crate) fn into_distinct(self) -> Vec<T> {
        self.distinct
    }

    /// The distinct results by value, and a function that puts new ones in their place:
    /// for steps that work on all results of a level at once (nested loads, a
    /// many-to-many's related rows).
    pub(crate) fn take_distinct<U>(self) -> (Vec<T>, impl FnOnce(Vec<U>) -> PerParent<U>) {
        let count = self.distinct.len();
        let slots = self.slots;
        (self.distinct, move |distinct: Vec<U>| {
            debug_assert_eq!(distinct.len(), count);
            PerParent { distinct, slots }
        })
    }
}

/// How many related rows a relation has per parent: what one query per key reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cardinality {
    /// Exactly one row is expected (as `belongs_to`): the first row, `LIMIT 1`. A parent
    /// whose row is missing gets none; whether that is an error is the caller's call.
    One,
    /// At most one row (as `has_one`): the first row, `LIMIT 1`.
    Optional,
    /// Every row (as `has_many`), paged under the hood.
    Many,
}

impl Cardinality {
    /// Whether a query reads only its first row.
    fn first_only(self) -> bool {
        !matches!(self, Cardinality::Many)
    }
}

/// Loads a relation described by its parts for every parent: the entry point for
/// relationships written by hand, on which the built-in kinds' loads are shaped too.
///
/// - `key`: the parent's key, or `None` when it has none (that parent gets no rows and
///   no statement is sent for it).
/// - `constraint`: the related query for one key, from `R::query()`; it is called once
///   per distinct key, and each call's statement is sent once.
/// - `cardinality`: whether each query reads every row or only the first.
///
/// Parents with equal keys (by [`GroupKey`]) share one statement; at most `concurrency`
/// run at once. The statements go through `db`, so [`Db::statements_executed`] counts
/// them: at most one per distinct key. When every key's query has the same shape (the
/// usual case: only the bound values differ) the statement is prepared once per load;
/// a query whose shape differs runs as its own statement.
///
/// # Example
/// ```no_run
/// use orm_core::eager::{Cardinality, load_related};
/// use orm_core::prelude::*;
/// use orm_core::Select;
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
/// }
///
/// # async fn run(db: &Db, users: Vec<User>) -> orm_core::Result<()> {
/// // The last 5 posts of each user: one statement per distinct user, 32 at a time.
/// let posts = load_related(
///     db,
///     &users,
///     |user: &User| Some(user.id),
///     |posts: Select<Post>, id: &i64| posts.filter(Post::USER_ID.eq(*id)).limit(5),
///     Cardinality::Many,
///     32,
/// )
/// .await?;
/// for (user, posts) in users.iter().zip(posts.iter()) {
///     println!("{}: {} posts", user.id, posts.map_or(0, Vec::len));
/// }
/// # Ok(()) }
/// ```
///
/// [`Db::statements_executed`]: crate::Db::statements_executed
pub fn load_related<'a, P, K, R>(
    db: &'a Db,
    parents: &[P],
    key: impl Fn(&P) -> Option<K>,
    constraint: impl Fn(Select<R>, &K) -> Select<R> + Send + Sync + 'a,
    cardinality: Cardinality,
    concurrency: usize,
) -> impl Future<Output = Result<PerParent<Vec<R>>>> + Send + 'a
where
    K: GroupKey,
    R: Model,
{
    // Grouped before the future is built: it borrows neither `parents` nor `key`.
    let keys = group_keys(parents, key);
    async move {
        let first = cardinality.first_only();
        let query_of = |key: K| constraint(R::query(), &key);
        fetch_related(db, keys, query_of, first, concurrency, |row| row).await
    }
}

/// How many related rows each parent has, for a relation described as for
/// [`load_related`]: one `SELECT COUNT(*)` per distinct key, at most `concurrency` at once.
/// A parent without a key has no result (count it as 0).
pub fn count_related<'a, P, K, R>(
    db: &'a Db,
    parents: &[P],
    key: impl Fn(&P) -> Option<K>,
    constraint: impl Fn(Select<R>, &K) -> Select<R> + Send + Sync + 'a,
    concurrency: usize,
) -> impl Future<Output = Result<PerParent<i64>>> + Send + 'a
where
    K: GroupKey,
    R: Model,
{
    let keys = group_keys(parents, key);
    async move { fetch_counts(db, keys, |key: K| constraint(R::query(), &key), concurrency).await }
}

/// Step 1 for a relation given by its parts: each parent's key, grouped by its
/// [`GroupKey`] form.
pub(crate) fn group_keys<P, K: GroupKey>(
    parents: &[P],
    key: impl Fn(&P) -> Option<K>,
) -> PerParent<K> {
    PerParent::group(parents.iter().map(|parent| {
        let key = key(parent)?;
        Some((key.group(), key))
    }))
}

/// Step 2 of [`count_related`], for keys already grouped (or relations grouped by key, as
/// a custom relationship's load has them): `query_of` makes each one's query, whose count
/// statement is rendered for each and prepared once per load when the texts agree.
pub(crate) async fn fetch_counts<K, R>(
    db: &Db,
    keys: PerParent<K>,
    query_of: impl Fn(K) -> Select<R> + Send + Sync,
    concurrency: usize,
) -> Result<PerParent<i64>>
where
    K: Send,
    R: Model,
{
    let shape = ShapeCache::default();
    let (shape, query_of) = (&shape, &query_of);
    keys.fetch_each(concurrency, |key| {
        Box::pin(async move {
            let query = query_of(key);
            let cql = query.count_shape()?;
            let cql = shape.statement_for(db, &cql).await?;
            query.count_shaped(db, cql).await
        })
    })
    .await
}

/// Step 2 of [`load_related`], for keys already grouped (a relation kind's `load`
/// groups them itself, a custom relationship's by its relations): `query_of` makes each
/// one's query, read as `first` or all rows, its statement rendered for each and prepared
/// once per load when the texts agree; each row passes through `wrap` (`Loaded::new` in
/// a load).
pub(crate) async fn fetch_related<K, R, T>(
    db: &Db,
    keys: PerParent<K>,
    query_of: impl Fn(K) -> Select<R> + Send + Sync,
    first: bool,
    concurrency: usize,
    wrap: fn(R) -> T,
) -> Result<PerParent<Vec<T>>>
where
    K: Send,
    R: Model,
    T: Send + 'static,
{
    let shape = ShapeCache::default();
    let (shape, query_of) = (&shape, &query_of);
    keys.fetch_each(concurrency, |key| {
        Box::pin(async move {
            let query = query_of(key);
            let cql = query.shape(first)?;
            let cql = shape.statement_for(db, &cql).await?;
            read_shaped(query, first, db, cql, wrap).await
        })
    })
    .await
}

/// Runs `query` (its statement already rendered, maybe prepared) as `get` or `first`.
pub(crate) async fn read_shaped<R: Model, T>(
    query: Select<R>,
    first: bool,
    db: &Db,
    cql: Cql<'_>,
    wrap: fn(R) -> T,
) -> Result<Vec<T>> {
    if first {
        let row = query.first_shaped(db, cql).await?;
        Ok(row.into_iter().map(wrap).collect())
    } else {
        query.get_shaped(db, cql, wrap).await
    }
}

/// The statement shared by the queries of one load: every parent's query usually has
/// the same shape and only its values differ, so it is rendered and prepared once per
/// load rather than looked up (or, for the first queries running at once, prepared) by
/// each.
#[derive(Debug, Default)]
pub(crate) struct ShapeCache(tokio::sync::OnceCell<Shape>);

#[derive(Debug)]
struct Shape {
    cql: String,
    prepared: Arc<PreparedStatement>,
}

impl ShapeCache {
    /// The load's statement: the first caller renders it with `render` and prepares it;
    /// the others wait for that rather than each preparing it again. For queries whose
    /// shape cannot differ (the constraint does not see the key).
    pub(crate) async fn statement(
        &self,
        db: &Db,
        render: impl FnOnce() -> Result<String, QueryError>,
    ) -> Result<Cql<'_>> {
        let shape = self.prepare(db, render).await?;
        Ok(Cql::Prepared(&shape.cql, &shape.prepared))
    }

    /// The statement for `cql`, rendered by the caller: the load's prepared one when
    /// `cql` is its text (the first caller's text becomes the load's), else `cql` itself,
    /// run as any built statement.
    pub(crate) async fn statement_for<'a>(&'a self, db: &Db, cql: &'a str) -> Result<Cql<'a>> {
        let shape = self.prepare(db, || Ok(cql.to_owned())).await?;
        Ok(if shape.cql == cql {
            Cql::Prepared(&shape.cql, &shape.prepared)
        } else {
            Cql::Built(cql)
        })
    }

    async fn prepare(
        &self,
        db: &Db,
        render: impl FnOnce() -> Result<String, QueryError>,
    ) -> Result<&Shape> {
        self.0
            .get_or_try_init(|| async {
                let cql = render()?;
                let prepared = db.prepared_text(&cql, db.default_timeout()).await?;
                Ok::<_, Error>(Shape { cql, prepared })
            })
            .await
    }
}

/// Runs `fetch` on each input, at most `concurrency` at a time, in whatever order they
/// finish (a slow one does not hold back the others, as it would with `buffered`), and
/// returns their outputs in input order. A future is built only when it can start.
async fn in_order<'a, I, T: Send + 'a>(
    inputs: Vec<I>,
    mut fetch: impl FnMut(I) -> BoxFuture<'a, Result<T>>,
    concurrency: usize,
) -> Result<Vec<T>> {
    let mut outputs: Vec<Option<T>> = std::iter::repeat_with(|| None).take(inputs.len()).collect();
    let mut waiting = inputs.into_iter().enumerate();
    let mut running = FuturesUnordered::new();
    loop {
        while running.len() < concurrency {
            let Some((index, input)) = waiting.next() else {
                break;
            };
            running.push(Tagged {
                index,
                future: fetch(input),
            });
        }
        let Some((index, output)) = running.try_next().await? else {
            break;
        };
        outputs[index] = Some(output);
    }
    Ok(outputs.into_iter().flatten().collect())
}

/// A fetch that remembers its place in the input, without another allocation.
struct Tagged<'a, T> {
    index: usize,
    future: BoxFuture<'a, Result<T>>,
}

impl<T> Future for Tagged<'_, T> {
    type Output = Result<(usize, T)>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let index = self.index;
        self.future
            .as_mut()
            .poll(cx)
            .map(|output| output.map(|value| (index, value)))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use futures::FutureExt;

    use super::PerParent;

    #[test]
    fn equal_keys_share_one_entry_and_keyless_parents_get_none() {
        let keys = PerParent::group([
            Some((1, 'a')),
            Some((2, 'b')),
            None,
            Some((1, 'x')),
            Some((3, 'c')),
        ]);
        assert_eq!(
            keys.distinct(),
            &['a', 'b', 'c'],
            "first value per key kept"
        );
        assert_eq!(
            keys.iter().collect::<Vec<_>>(),
            [Some(&'a'), Some(&'b'), None, Some(&'a'), Some(&'c')]
        );
        assert_eq!(keys.get(3), Some(&'a'));
        assert_eq!(keys.get(2), None);
        assert_eq!(keys.get(5), None, "past the last parent");
    }

    #[test]
    fn fetches_run_once_per_key_bounded_and_in_key_order() {
        let running = AtomicUsize::new(0);
        let peak = AtomicUsize::new(0);
        let calls = AtomicUsize::new(0);
        let keys = PerParent::group((0..40).map(|i| Some((i % 10, i % 10))));
        let fetched = keys.fetch_each(3, |key| {
            let (running, peak, calls) = (&running, &peak, &calls);
            async move {
                calls.fetch_add(1, Ordering::SeqCst);
                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                peak.fetch_max(now, Ordering::SeqCst);
                // Let the others start before this one ends.
                tokio::task::yield_now().await;
                running.fetch_sub(1, Ordering::SeqCst);
                Ok(key * 100)
            }
            .boxed()
        });
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let fetched = runtime.block_on(fetched).unwrap();
        assert_eq!(
            calls.load(Ordering::SeqCst),
            10,
            "one fetch per distinct key"
        );
        assert_eq!(
            peak.load(Ordering::SeqCst),
            3,
            "at most 3 at once, and 3 reached"
        );
        assert_eq!(fetched.get(13), Some(&300));
        assert_eq!(
            fetched.distinct(),
            &[0, 100, 200, 300, 400, 500, 600, 700, 800, 900]
        );
    }

    #[test]
    fn the_first_error_ends_the_load() {
        let keys = PerParent::group([Some((1, 1)), Some((2, 2))]);
        let fetched = keys.fetch_each(4, |key| {
            async move {
                if key == 2 {
                    Err(crate::query::QueryError::NotPositive {
                        what: "LIMIT",
                        value: 0,
                    }
                    .into())
                } else {
                    Ok(key)
                }
            }
            .boxed()
        });
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        assert!(runtime.block_on(fetched).is_err());
    }
}
