//! [`Factory`]: how to make plausible rows of one model, with states, overrides,
//! sequences, a seed and a count; and [`make`](Factory::make), which makes them in memory.

use std::sync::Arc;

use crate::factory::faker::{Faker, mix};
use crate::factory::relations::Part;
use crate::factory::{FactoryError, MAX_COUNT};
use crate::model::Model;

/// Makes a row from the faker of its sequence number.
type Define<M> = Arc<dyn Fn(&mut Faker) -> M + Send + Sync>;
/// Changes a row (a state, an override, a sequence).
type Change<M> = Arc<dyn Fn(&mut M, &mut Faker) + Send + Sync>;

/// Plausible rows of model `M`: a definition, named states, overrides, a count and a seed;
/// then relations to fill ([`has`](Factory::has), [`for_`](Factory::for_),
/// [`attach`](Factory::attach)). Cheap to clone; every method returns a changed copy.
///
/// Mistakes (an unknown state, a count of 0 or above [`MAX_COUNT`], an unknown relation)
/// are kept and returned by [`make`](Factory::make) and [`create`](Factory::create)
/// before anything is written.
///
/// ```
/// use orm_core::Model;
/// use orm_core::factory::Factory;
/// use orm_core::factory::fake::{Fake, faker::name::en::Name};
///
/// #[derive(Model, Debug, Clone, PartialEq)]
/// struct User {
///     #[orm(partition_key)]
///     id: i64,
///     name: String,
///     admin: bool,
/// }
///
/// let users = Factory::new(|f| User {
///     id: f.sequence() as i64,
///     name: Name().fake_with_rng(f.rng()),
///     admin: false,
/// })
/// .define_state("admin", |u: &mut User, _| u.admin = true);
///
/// let made = users.clone().times(3).state("admin").seed(42).make().unwrap();
/// assert_eq!(made.iter().map(|u| u.id).collect::<Vec<_>>(), [1, 2, 3]);
/// assert!(made.iter().all(|u| u.admin));
/// assert_eq!(made, users.clone().times(3).state("admin").seed(42).make().unwrap());
///
/// let err = users.state("owner").make().unwrap_err();
/// assert_eq!(err.to_string(), "the factory of User has no state `owner`; its states are: [admin]");
/// ```
#[must_use = "a factory makes nothing until `make` or `create` is called"]
pub struct Factory<M: Model> {
    define: Define<M>,
    states: Vec<(&'static str, Change<M>)>,
    pub(crate) applied: Vec<Change<M>>,
    pub(crate) count: usize,
    pub(crate) seed: Option<u64>,
    pub(crate) first: u64,
    pub(crate) concurrency: usize,
    pub(crate) parts: Vec<Arc<dyn Part<M>>>,
    pub(crate) error: Option<Arc<FactoryError>>,
}

impl<M: Model> Clone for Factory<M> {
    fn clone(&self) -> Self {
        Factory {
            define: self.define.clone(),
            states: self.states.clone(),
            applied: self.applied.clone(),
            count: self.count,
            seed: self.seed,
            first: self.first,
            concurrency: self.concurrency,
            parts: self.parts.clone(),
            error: self.error.clone(),
        }
    }
}

impl<M: Model> std::fmt::Debug for Factory<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Factory")
            .field("model", &M::TABLE.model)
            .field("count", &self.count)
            .field("seed", &self.seed)
            .field(
                "states",
                &self.states.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
            )
            .field("relations", &self.parts.len())
            .finish_non_exhaustive()
    }
}

impl<M: Model> Factory<M> {
    /// A factory making one row at a time with `define`, which gets the row's [`Faker`]
    /// (a seeded generator and the row's sequence number, from 1).
    pub fn new(define: impl Fn(&mut Faker) -> M + Send + Sync + 'static) -> Self {
        Factory {
            define: Arc::new(define),
            states: Vec::new(),
            applied: Vec::new(),
            count: 1,
            seed: None,
            first: 1,
            concurrency: crate::relation::DEFAULT_CONCURRENCY,
            parts: Vec::new(),
            error: None,
        }
    }

    /// Defines the state `name`: a variation applied to each row by
    /// [`state`](Self::state)`(name)`.
    pub fn define_state(
        mut self,
        name: &'static str,
        change: impl Fn(&mut M, &mut Faker) + Send + Sync + 'static,
    ) -> Self {
        self.states.retain(|(n, _)| *n != name);
        self.states.push((name, Arc::new(change)));
        self
    }

    /// Applies the state `name` to every row (after the definition and earlier states).
    /// A name the factory does not define is an error when the rows are made.
    pub fn state(mut self, name: &str) -> Self {
        match self.states.iter().find(|(n, _)| *n == name) {
            Some((_, change)) => self.applied.push(change.clone()),
            None => {
                let known = self.states.iter().map(|(n, _)| *n).collect();
                self.fail(FactoryError::UnknownState {
                    model: M::TABLE.model,
                    state: name.to_owned(),
                    known,
                });
            }
        }
        self
    }

    /// Overrides fields of every row, for this call: `.with(|u| u.name = "Ada".into())`.
    pub fn with(mut self, change: impl Fn(&mut M) + Send + Sync + 'static) -> Self {
        self.applied.push(Arc::new(move |row, _| change(row)));
        self
    }

    /// Changes each row by its sequence number, for values that take turns or count:
    /// `.sequence(|u, n| u.admin = n % 2 == 0)`.
    pub fn sequence(mut self, change: impl Fn(&mut M, u64) + Send + Sync + 'static) -> Self {
        self.applied
            .push(Arc::new(move |row, f| change(row, f.sequence())));
        self
    }

    /// Makes `count` rows (from 1 to [`MAX_COUNT`]; another count is an error when the
    /// rows are made). Under a relation, `count` rows per parent row.
    pub fn times(mut self, count: usize) -> Self {
        if count == 0 || count > MAX_COUNT {
            self.fail(FactoryError::Count {
                model: M::TABLE.model,
                count,
                max: MAX_COUNT,
            });
        }
        self.count = count;
        self
    }

    /// Seeds the generator: the same seed makes the same rows (and, under
    /// [`create`](Self::create), the same graph). Without one, a random seed is used.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = Some(seed);
        self
    }

    /// Numbers the rows from `first` (1 by default).
    pub fn first_sequence(mut self, first: u64) -> Self {
        self.first = first;
        self
    }

    /// Writes at most `requests` rows at once (at least 1; the default is eager loading's,
    /// [`DEFAULT_CONCURRENCY`](crate::relation::DEFAULT_CONCURRENCY)).
    pub fn concurrency(mut self, requests: usize) -> Self {
        self.concurrency = requests.max(1);
        self
    }

    /// The rows, in memory (relations are not filled: that needs
    /// [`create`](Self::create), which writes the related rows too).
    pub fn make(&self) -> Result<Vec<M>, FactoryError> {
        self.check()?;
        let seed = self.seed.unwrap_or_else(rand::random);
        Ok(self.make_rows(seed, self.first, self.count))
    }

    /// One row, in memory.
    pub fn make_one(&self) -> Result<M, FactoryError> {
        self.check()?;
        let seed = self.seed.unwrap_or_else(rand::random);
        Ok(self.make_rows(seed, self.first, 1).remove(0))
    }

    /// One row made with a fixed seed, to read definitions from the relations of a row.
    pub(crate) fn sample(&self) -> M {
        self.make_rows(0, self.first, 1).remove(0)
    }

    /// Keeps the first mistake, to report it when the rows are made.
    pub(crate) fn fail(&mut self, error: FactoryError) {
        if self.error.is_none() {
            self.error = Some(Arc::new(error));
        }
    }

    /// The first mistake in this factory or in the factories of its relations.
    pub(crate) fn check(&self) -> Result<(), FactoryError> {
        if let Some(error) = &self.error {
            return Err(copy(error));
        }
        self.parts.iter().try_for_each(|part| part.check())
    }

    /// `count` rows numbered from `first`, each from its own seeded generator.
    pub(crate) fn make_rows(&self, seed: u64, first: u64, count: usize) -> Vec<M> {
        (0..count as u64)
            .map(|i| {
                let mut faker = Faker::new(mix(seed, 1), first + i);
                let mut row = (self.define)(&mut faker);
                for change in &self.applied {
                    change(&mut row, &mut faker);
                }
                row
            })
            .collect()
    }
}

/// A copy of a kept mistake (the factory keeps it behind an `Arc`, being `Clone`).
fn copy(error: &FactoryError) -> FactoryError {
    match error {
        FactoryError::UnknownState {
            model,
            state,
            known,
        } => FactoryError::UnknownState {
            model,
            state: state.clone(),
            known: known.clone(),
        },
        FactoryError::Count { model, count, max } => FactoryError::Count {
            model,
            count: *count,
            max: *max,
        },
        FactoryError::UnknownRelation {
            model,
            relation,
            known,
        } => FactoryError::UnknownRelation {
            model,
            relation: relation.clone(),
            known: known.clone(),
        },
        FactoryError::Relation {
            model,
            relation,
            reason,
        } => FactoryError::Relation {
            model,
            relation,
            reason: reason.clone(),
        },
        FactoryError::Key {
            model,
            column,
            reason,
        } => FactoryError::Key {
            model,
            column: column.clone(),
            reason: reason.clone(),
        },
        // Only the mistakes above are kept; anything else is kept by its message.
        other => FactoryError::Relation {
            model: "factory",
            relation: "",
            reason: other.to_string(),
        },
    }
}
