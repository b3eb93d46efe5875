//! `explain()`: what a query or write will send, decided without contacting the server.
//!
//! Every query-like value ([`Select`](crate::Select), a relation, an
//! [`EagerQuery`](crate::EagerQuery), [`Insert`](crate::write::Insert),
//! [`Update`](crate::write::Update), [`Delete`](crate::write::Delete),
//! [`Batch`](crate::write::Batch)) has an `explain()` returning an [`Explain`]: the CQL of
//! each statement, how the server finds its rows ([`AccessPath`]), how many times it is
//! sent, and the settings it runs with. Its `Display` is a short readable plan.
//!
//! # Example
//! ```
//! use orm_core::{Model, explain::StatementCount, query::AccessPath};
//!
//! #[derive(Model)]
//! struct Post {
//!     #[orm(partition_key)]
//!     user_id: i64,
//!     #[orm(clustering_key)]
//!     id: i64,
//! }
//!
//! let plan = Post::query().filter(Post::USER_ID.eq(7)).explain().unwrap();
//! assert_eq!(plan.statements.len(), 1);
//! assert_eq!(plan.statements[0].access_path, Some(AccessPath::SinglePartition));
//! assert_eq!(plan.statements[0].count, StatementCount::PerPage);
//! assert!(plan.idempotent);
//! assert_eq!(
//!     plan.to_string(),
//!     "1 statement per page (consistency: session default, idempotent, timeout: session default, page size: driver default)\n  \
//!      [per page] single partition: SELECT \"user_id\", \"id\" FROM \"post\" WHERE \"user_id\" = ?"
//! );
//! ```

mod display;
pub(crate) mod many_to_many;

use std::time::Duration;

use scylla::statement::{Consistency, SerialConsistency};

use crate::idempotence::is_idempotent;
use crate::options::StatementOptions;
use crate::query::AccessPath;

/// What running a query or write will send, decided without contacting the server.
#[derive(Debug, Clone, PartialEq)]
pub struct Explain {
    /// The statements, in the order they are sent.
    pub statements: Vec<PlannedStatement>,
    /// The consistency level set on the statement (`None`: the session's default).
    pub consistency: Option<Consistency>,
    /// The serial consistency of a conditional write, when set.
    pub serial_consistency: Option<SerialConsistency>,
    /// Whether the driver may retry or speculatively execute it: every statement is
    /// idempotent (by the ORM's rule, or as set with `idempotent(bool)`).
    pub idempotent: bool,
    /// The statement's own timeout (`None`: the session's request timeout).
    pub timeout: Option<Duration>,
    /// Rows per page (`None`: the driver's default, 5000).
    pub page_size: Option<i32>,
}

/// One statement of a plan: its CQL, how the server finds its rows, and how many times
/// it is sent.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedStatement {
    /// The CQL text (values are `?` markers; they are never part of a plan).
    pub cql: String,
    /// How the server finds the rows: `None` for an `INSERT`, which names its row.
    pub access_path: Option<AccessPath>,
    /// How many times it is sent.
    pub count: StatementCount,
    /// Whether this statement is idempotent (safe to retry).
    pub idempotent: bool,
}

/// How many times a planned statement is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatementCount {
    /// Exactly once.
    One,
    /// Once per page of results (once when every row fits one page).
    PerPage,
    /// Part of one batch: every statement of the batch goes in a single request.
    InBatch,
    /// Once per distinct parent key of an eager load's level, at most `concurrency` at a
    /// time (each time paged, for a `has_many`).
    PerDistinctKey {
        /// The relation path from the query's model (`posts`, `posts.comments`).
        relation: String,
        /// How many of these statements are in flight at most.
        concurrency: usize,
    },
    /// Once per distinct related row named by the pivot rows a many-to-many read found
    /// (the related rows, by primary key), at most `concurrency` at a time. Its key set
    /// ([`key_set`](Self::key_set)) is `"<relation> (related rows)"`.
    PerRelatedRow {
        /// The many-to-many relation (its path, in an eager load).
        relation: String,
        /// How many of these statements are in flight at most.
        concurrency: usize,
    },
    /// Once per distinct key of a polymorphic owner of type `type_name` (a `morph_to`
    /// level reads each owner with its type's `find`), at most `concurrency` at a time.
    /// Its key set is `"<relation> (<type_name>)"`.
    PerOwnerKey {
        /// The `morph_to` relation's path.
        relation: String,
        /// The owner type this statement reads.
        type_name: String,
        /// How many of these statements are in flight at most.
        concurrency: usize,
    },
    /// Once per `size` keys (or fewer) of the key set `keys`: a read with `IN`, split so
    /// that no statement binds more than `size` values.
    PerChunk {
        /// What the keys are (`keys`: the ones given to `toggle`).
        keys: String,
        /// Keys per statement at most.
        size: usize,
    },
    /// In one batch per `size` pairs (or fewer) of the key set `keys`; the statements
    /// with the same `keys` go in the same batches.
    InBatches {
        /// What the pairs are (`attached`, `detached`).
        keys: String,
        /// Pairs per batch at most.
        size: usize,
    },
}

impl StatementCount {
    /// The name of the key set this count depends on, as [`Explain::requests`] asks for
    /// it: the relation path of [`PerDistinctKey`](Self::PerDistinctKey),
    /// `"<relation> (related rows)"`, `"<relation> (<type name>)"`, or the `keys` of a
    /// chunked statement; `None` for a count that depends on no keys.
    pub fn key_set(&self) -> Option<String> {
        match self {
            StatementCount::One | StatementCount::PerPage | StatementCount::InBatch => None,
            StatementCount::PerDistinctKey { relation, .. } => Some(relation.clone()),
            StatementCount::PerRelatedRow { relation, .. } => {
                Some(format!("{relation} (related rows)"))
            }
            StatementCount::PerOwnerKey {
                relation,
                type_name,
                ..
            } => Some(format!("{relation} ({type_name})")),
            StatementCount::PerChunk { keys, .. } | StatementCount::InBatches { keys, .. } => {
                Some(keys.clone())
            }
        }
    }
}

impl Explain {
    /// A plan of one statement run with `options`.
    pub(crate) fn single(
        cql: String,
        access_path: Option<AccessPath>,
        count: StatementCount,
        options: &StatementOptions,
    ) -> Explain {
        Explain::of(
            vec![PlannedStatement::new(cql, access_path, count, options)],
            options,
        )
    }

    /// A plan of `statements` run with `options`.
    pub(crate) fn of(statements: Vec<PlannedStatement>, options: &StatementOptions) -> Explain {
        Explain {
            idempotent: statements.iter().all(|statement| statement.idempotent),
            statements,
            consistency: options.consistency,
            serial_consistency: options.serial_consistency,
            timeout: options.timeout,
            page_size: options.page_size,
        }
    }

    /// How many requests the plan sends when every read fits one page and each key set
    /// ([`StatementCount::key_set`]: the level at a relation path, the related rows of a
    /// many-to-many read, ...) has `distinct_keys(name)` distinct keys: the figure
    /// [`Db::statements_executed`](crate::Db::statements_executed) goes up by.
    ///
    /// # Example
    /// ```
    /// use orm_core::Model;
    ///
    /// #[derive(Model)]
    /// struct Follow {
    ///     #[orm(partition_key)]
    ///     user: i64,
    ///     #[orm(clustering_key)]
    ///     other: i64,
    /// }
    ///
    /// let (a, b) = (Follow { user: 1, other: 2 }, Follow { user: 2, other: 1 });
    /// let batch = orm_core::write::Batch::logged().push(a.insert_query()).push(b.insert_query());
    /// assert_eq!(batch.explain().unwrap().requests(|_| 0), 1);
    /// ```
    pub fn requests(&self, distinct_keys: impl Fn(&str) -> u64) -> u64 {
        let mut batched = false;
        let mut batches: Vec<&str> = Vec::new();
        let mut total = 0;
        for statement in &self.statements {
            let count = &statement.count;
            match count {
                StatementCount::One | StatementCount::PerPage => total += 1,
                StatementCount::InBatch => batched = true,
                StatementCount::PerChunk { keys, size } => {
                    total += distinct_keys(keys).div_ceil(*size as u64);
                }
                StatementCount::InBatches { keys, size } => {
                    if !batches.contains(&keys.as_str()) {
                        batches.push(keys);
                        total += distinct_keys(keys).div_ceil(*size as u64);
                    }
                }
                StatementCount::PerDistinctKey { .. }
                | StatementCount::PerRelatedRow { .. }
                | StatementCount::PerOwnerKey { .. } => {
                    total += count.key_set().map_or(0, |set| distinct_keys(&set));
                }
            }
        }
        total + u64::from(batched)
    }
}

impl PlannedStatement {
    /// A statement run with `options`; idempotent by the ORM's rule unless `options`
    /// say otherwise.
    pub(crate) fn new(
        cql: String,
        access_path: Option<AccessPath>,
        count: StatementCount,
        options: &StatementOptions,
    ) -> PlannedStatement {
        let idempotent = options.idempotent.unwrap_or_else(|| is_idempotent(&cql));
        PlannedStatement {
            cql,
            access_path,
            count,
            idempotent,
        }
    }
}
