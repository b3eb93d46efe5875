//! Relations a factory fills: [`has`](Factory::has) (`has_many`, `has_one`,
//! `morph_many`, `morph_one`), [`for_`](Factory::for_) (`belongs_to`, `morph_to`) and
//! [`attach`](Factory::attach) (`belongs_to_many`), each named as the model declares it
//! and checked against its definition; keys (and polymorphic type tags) are carried from
//! the columns the definition names.

use std::any::{Any, TypeId};
use std::sync::Arc;

use futures::future::BoxFuture;
use futures::{FutureExt, StreamExt};
use rand::SeedableRng;
use rand::rngs::StdRng;
use scylla::statement::batch::BatchType;

use crate::cql::{Statement, fixed};
use crate::factory::faker::{Faker, derive_seed, mix};
use crate::factory::keys::KeyValue;
use crate::factory::link::{Link, find_relation, kind_name, morph_to_link};
use crate::factory::write::{Ctx, written};
use crate::factory::{Factory, FactoryError};
use crate::model::Model;
use crate::options::StatementOptions;
use crate::relation::{Pivot, PivotModel, RelationDef, RelationKind};
use crate::write::BatchItem;

/// Pivot rows per `LOGGED` batch, as `sync` writes them.
const PAIRS_PER_BATCH: usize = 50;

/// One relation a factory fills for its rows: before they are written (their owner,
/// whose key they hold) or after (rows holding theirs, pivot rows).
pub(crate) trait Part<M: Model>: Send + Sync {
    /// The relation's name, which also derives its part of the seed.
    fn name(&self) -> &'static str;

    /// The first mistake in this part (its factory's included).
    fn check(&self) -> Result<(), FactoryError>;

    /// Fills `rows` before they are written.
    fn before<'a>(
        &'a self,
        ctx: &'a Ctx<'a>,
        rows: &'a mut [M],
        seed: u64,
    ) -> BoxFuture<'a, Result<(), FactoryError>> {
        let _ = (ctx, rows, seed);
        futures::future::ready(Ok(())).boxed()
    }

    /// Writes what hangs off `rows`, once they are written.
    fn after<'a>(
        &'a self,
        ctx: &'a Ctx<'a>,
        rows: &'a [M],
        seed: u64,
    ) -> BoxFuture<'a, Result<(), FactoryError>> {
        let _ = (ctx, rows, seed);
        futures::future::ready(Ok(())).boxed()
    }
}

impl<M: Model> Factory<M> {
    /// Gives each row `factory`'s rows (its count per row) through the `has_many`,
    /// `has_one`, `morph_many` or `morph_one` relation `relation`: their foreign key is set
    /// to this row's key (and, for the polymorphic kinds, their type column to this model's
    /// tag).
    ///
    /// A relation `M` does not declare, of another kind or leading to another model is an
    /// error when the rows are made. The definition of a `morph_many` / `morph_one` is
    /// read from the relation of one row made here (the definition closure runs once more).
    /// See the [module docs](crate::factory) for an example.
    pub fn has<C: Model>(mut self, relation: &str, factory: Factory<C>) -> Self {
        let kinds = [
            RelationKind::HasMany,
            RelationKind::HasOne,
            RelationKind::MorphMany,
            RelationKind::MorphOne,
        ];
        let found = find_relation::<M, C>(
            relation,
            &kinds,
            "`for_` for belongs_to and morph_to, `attach` for belongs_to_many",
            || self.sample(),
        );
        let one =
            |def: &RelationDef| matches!(def.kind, RelationKind::HasOne | RelationKind::MorphOne);
        match found {
            Ok(def) if one(def) && factory.count > 1 => self.fail(FactoryError::Relation {
                model: M::TABLE.model,
                relation: def.name,
                reason: format!(
                    "is a {} relation, so each row has one: `times({})` asks for more",
                    kind_name(def.kind),
                    factory.count
                ),
            }),
            Ok(def) => self.add_has(Link::of(def), factory),
            Err(err) => self.fail(err),
        }
        self
    }

    /// Adds a `has` part through `link` (from this model's rows to `factory`'s).
    pub(crate) fn add_has<C: Model>(&mut self, link: Link, factory: Factory<C>) {
        match link.check_columns::<M, C>() {
            Ok(()) => self.parts.push(Arc::new(Has { link, factory })),
            Err(err) => self.fail(err),
        }
    }

    /// Gives every row one owner through the `belongs_to` or `morph_to` relation
    /// `relation`: one row made by `owner` (shared by all of this factory's rows), written
    /// first; each row's foreign key is set to its key (and, for `morph_to`, its type
    /// column to the owner's tag, which the owner's `morph_many` / `morph_one` of this
    /// model declares; `O` must be one of the `morph_to`'s types).
    pub fn for_<O: Model>(mut self, relation: &str, owner: Factory<O>) -> Self {
        let sample = owner.sample();
        match self.owner_link(relation, &sample) {
            Ok(link) => self.add_for(link, Owner::Make(owner.times(1))),
            Err(err) => self.fail(err),
        }
        self
    }

    /// [`for_`](Self::for_) an existing row: each row's foreign key is set to `owner`'s
    /// key (nothing is written for the owner).
    pub fn for_row<O: Model>(mut self, relation: &str, owner: &O) -> Self {
        let key = self
            .owner_link(relation, owner)
            .and_then(|link| Ok((link.read(owner)?, link)));
        match key {
            Ok((key, link)) => self.add_for(link, Owner::<O>::Key(key)),
            Err(err) => self.fail(err),
        }
        self
    }

    /// The link of the `belongs_to` or `morph_to` relation `relation` to `O`, whose row
    /// `owner` is.
    fn owner_link<O: Model>(&self, relation: &str, owner: &O) -> Result<Link, FactoryError> {
        let def = find_relation::<M, O>(
            relation,
            &[RelationKind::BelongsTo, RelationKind::MorphTo],
            "`has` for has_one/has_many/morph_one/morph_many, `attach` for belongs_to_many",
            || self.sample(),
        )?;
        match def.kind {
            RelationKind::MorphTo => morph_to_link::<M, O>(def, owner),
            _ => Ok(Link::of(def)),
        }
    }

    /// Adds a `for_` part through `link` (from the owner's row to this model's).
    pub(crate) fn add_for<O: Model>(&mut self, link: Link, owner: Owner<O>) {
        match link.check_columns::<O, M>() {
            Ok(()) => self.parts.push(Arc::new(For { link, owner })),
            Err(err) => self.fail(err),
        }
    }

    /// Joins each row to `factory`'s rows (its count per row, made anew for each row)
    /// through the `belongs_to_many` relation `relation`, with pivot rows from `pivot`
    /// (their extra columns; the keys are set from both rows). Both pivot tables are
    /// written in one `LOGGED` batch per row, as `attach` writes them.
    pub fn attach<R, Pv>(
        self,
        relation: &str,
        factory: Factory<R>,
        pivot: impl Fn(&mut Faker) -> Pv + Send + Sync + 'static,
    ) -> Self
    where
        M: PivotModel,
        R: PivotModel,
        Pv: Pivot,
    {
        self.attach_from(relation, Related::Make(factory), pivot)
    }

    /// Joins each row to `per_row` rows picked (by the seeded generator) from `existing`,
    /// through the `belongs_to_many` relation `relation`; pivot rows as in
    /// [`attach`](Self::attach). The existing rows are not written again.
    pub fn attach_existing<R, Pv>(
        mut self,
        relation: &str,
        existing: &[R],
        per_row: usize,
        pivot: impl Fn(&mut Faker) -> Pv + Send + Sync + 'static,
    ) -> Self
    where
        M: PivotModel,
        R: PivotModel,
        Pv: Pivot,
    {
        if per_row == 0 || per_row > existing.len() {
            self.fail(FactoryError::Count {
                model: R::TABLE.model,
                count: per_row,
                max: existing.len(),
            });
            return self;
        }
        let keys = existing.iter().map(Model::primary_key).collect();
        self.attach_from(relation, Related::<R>::Pick(Arc::new(keys), per_row), pivot)
    }

    fn attach_from<R, Pv>(
        mut self,
        relation: &str,
        related: Related<R>,
        pivot: impl Fn(&mut Faker) -> Pv + Send + Sync + 'static,
    ) -> Self
    where
        M: PivotModel,
        R: PivotModel,
        Pv: Pivot,
    {
        let def = find_relation::<M, R>(
            relation,
            &[RelationKind::BelongsToMany],
            "`has` or `for_`",
            || self.sample(),
        );
        let sides = (TypeId::of::<Pv::Left>(), TypeId::of::<Pv::Right>());
        let joins = sides == (TypeId::of::<M>(), TypeId::of::<R>())
            || sides == (TypeId::of::<R>(), TypeId::of::<M>());
        match def {
            Ok(def) if !joins => self.fail(FactoryError::Relation {
                model: M::TABLE.model,
                relation: def.name,
                reason: format!(
                    "the pivot {} joins {} to {}, not {} to {}",
                    std::any::type_name::<Pv>(),
                    Pv::Left::TABLE.model,
                    Pv::Right::TABLE.model,
                    M::TABLE.model,
                    R::TABLE.model
                ),
            }),
            Ok(def) => self.parts.push(Arc::new(Attach::<M, R, Pv> {
                def,
                related,
                pivot: Arc::new(pivot),
                _parent: std::marker::PhantomData,
            })),
            Err(err) => self.fail(err),
        }
        self
    }
}

/// `has`: rows of `C` holding each parent's key.
struct Has<C: Model> {
    link: Link,
    factory: Factory<C>,
}

impl<M: Model, C: Model> Part<M> for Has<C> {
    fn name(&self) -> &'static str {
        self.link.name
    }

    fn check(&self) -> Result<(), FactoryError> {
        self.factory.check()
    }

    fn after<'a>(
        &'a self,
        ctx: &'a Ctx<'a>,
        rows: &'a [M],
        seed: u64,
    ) -> BoxFuture<'a, Result<(), FactoryError>> {
        async move {
            let seed = self.factory.seed.unwrap_or(seed);
            let count = self.factory.count;
            let mut children = Vec::with_capacity(rows.len() * count);
            for (i, parent) in rows.iter().enumerate() {
                let key = self.link.read(parent)?;
                let first = self.factory.first + (i * count) as u64;
                for mut child in self.factory.make_rows(seed, first, count) {
                    self.link.write(&mut child, &key)?;
                    children.push(child);
                }
            }
            self.factory
                .create_rows(ctx, children, seed)
                .await
                .map(drop)
        }
        .boxed()
    }
}

/// Where a `for_` owner's key comes from.
pub(crate) enum Owner<O: Model> {
    /// A row made (and written) for the purpose.
    Make(Factory<O>),
    /// An existing row's key.
    Key(Vec<KeyValue>),
}

/// `for_`: the owner every row points at.
struct For<O: Model> {
    link: Link,
    owner: Owner<O>,
}

impl<M: Model, O: Model> Part<M> for For<O> {
    fn name(&self) -> &'static str {
        self.link.name
    }

    fn check(&self) -> Result<(), FactoryError> {
        match &self.owner {
            Owner::Make(factory) => factory.check(),
            Owner::Key(_) => Ok(()),
        }
    }

    fn before<'a>(
        &'a self,
        ctx: &'a Ctx<'a>,
        rows: &'a mut [M],
        seed: u64,
    ) -> BoxFuture<'a, Result<(), FactoryError>> {
        async move {
            let key = match &self.owner {
                Owner::Key(key) => key.clone(),
                Owner::Make(factory) => {
                    let owners = factory.create_fresh(ctx, 1, seed).await?;
                    self.link.read(&owners[0])?
                }
            };
            for row in rows.iter_mut() {
                self.link.write(row, &key)?;
            }
            Ok(())
        }
        .boxed()
    }
}

/// Where `attach`'s related rows come from.
enum Related<R: Model> {
    /// Made (and written) for each parent, the factory's count each.
    Make(Factory<R>),
    /// Picked from existing rows' keys, this many per parent.
    Pick(Arc<Vec<R::PrimaryKey>>, usize),
}

/// `attach`: related rows and the pivot rows joining them to each parent.
struct Attach<M, R: Model, Pv> {
    def: &'static RelationDef,
    related: Related<R>,
    pivot: Arc<dyn Fn(&mut Faker) -> Pv + Send + Sync>,
    _parent: std::marker::PhantomData<fn() -> M>,
}

/// `value` as a `B`, when `A` and `B` are the same type.
fn same<A: 'static, B: 'static>(value: A) -> Option<B> {
    (Box::new(value) as Box<dyn Any>)
        .downcast()
        .ok()
        .map(|b| *b)
}

impl<M, R, Pv> Attach<M, R, Pv>
where
    M: PivotModel,
    R: PivotModel,
    Pv: Pivot,
{
    /// The pivot row joining `parent` to `related`, its extra columns from `faker`.
    fn pivot_row(&self, faker: &mut Faker, parent: M::PrimaryKey, related: R::PrimaryKey) -> Pv {
        let mut pivot = (self.pivot)(faker);
        let keys = if TypeId::of::<Pv::Left>() == TypeId::of::<M>() {
            same(parent).zip(same(related))
        } else {
            same(related).zip(same(parent))
        };
        // The types were compared when the relation was added.
        if let Some((left, right)) = keys {
            pivot.set_keys(left, right);
        }
        pivot
    }

    /// The related keys of each parent: rows made and written, or picked.
    async fn related_keys(
        &self,
        ctx: &Ctx<'_>,
        parents: usize,
        seed: u64,
    ) -> Result<Vec<Vec<R::PrimaryKey>>, FactoryError> {
        match &self.related {
            Related::Make(factory) => {
                let count = factory.count;
                let rows = factory.create_fresh(ctx, count * parents, seed).await?;
                Ok(rows
                    .chunks(count)
                    .map(|chunk| chunk.iter().map(Model::primary_key).collect())
                    .collect())
            }
            Related::Pick(keys, per_row) => Ok((0..parents)
                .map(|i| {
                    let mut rng = StdRng::seed_from_u64(mix(seed, i as u64));
                    rand::seq::index::sample(&mut rng, keys.len(), *per_row)
                        .into_iter()
                        .map(|k| keys[k].clone())
                        .collect()
                })
                .collect()),
        }
    }
}

impl<M, R, Pv> Part<M> for Attach<M, R, Pv>
where
    M: PivotModel,
    R: PivotModel,
    Pv: Pivot,
{
    fn name(&self) -> &'static str {
        self.def.name
    }

    fn check(&self) -> Result<(), FactoryError> {
        match &self.related {
            Related::Make(factory) => factory.check(),
            Related::Pick(..) => Ok(()),
        }
    }

    fn after<'a>(
        &'a self,
        ctx: &'a Ctx<'a>,
        rows: &'a [M],
        seed: u64,
    ) -> BoxFuture<'a, Result<(), FactoryError>> {
        async move {
            let related = self.related_keys(ctx, rows.len(), seed).await?;
            let pivot_seed = derive_seed(seed, "pivot");
            let mut batches: Vec<Vec<Pv>> = Vec::new();
            let mut sequence = 1;
            for (parent, keys) in rows.iter().zip(related) {
                let mut pivots: Vec<Pv> = keys
                    .into_iter()
                    .map(|key| {
                        let mut faker = Faker::new(pivot_seed, sequence);
                        sequence += 1;
                        self.pivot_row(&mut faker, parent.primary_key(), key)
                    })
                    .collect();
                while !pivots.is_empty() {
                    let rest = pivots.split_off(PAIRS_PER_BATCH.min(pivots.len()));
                    batches.push(std::mem::replace(&mut pivots, rest));
                }
            }
            let tables = [Pv::FORWARD, Pv::INVERSE];
            let options = StatementOptions::default();
            // Futures collected first, as `write_rows` does.
            let writes: Vec<_> = batches
                .iter()
                .map(|chunk| {
                    let options = &options;
                    async move {
                        let items: Vec<BatchItem<'_>> = chunk
                            .iter()
                            .flat_map(|pivot| {
                                tables.iter().map(move |table| {
                                    BatchItem::new(fixed(Statement::insert(table)), Box::new(pivot))
                                })
                            })
                            .collect();
                        let result = ctx
                            .db
                            .execute_batch(BatchType::Logged, &items, options)
                            .await;
                        (chunk.len(), result)
                    }
                })
                .collect();
            let results = futures::stream::iter(writes).buffer_unordered(ctx.concurrency);
            written(
                ctx,
                results,
                |report, pairs| {
                    report.add(Pv::FORWARD.name, pairs as u64);
                    report.add(Pv::INVERSE.name, pairs as u64);
                },
                Pv::FORWARD.model,
            )
            .await
        }
        .boxed()
    }
}
