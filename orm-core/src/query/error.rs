//! Mistakes in building a query, reported before anything is sent.

use crate::condition::{Operator, UnknownOperator};

/// A query the model or CQL does not allow. Each message names the valid choices.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum QueryError {
    /// No column of that name.
    #[error("{model} has no column `{column}`; its columns are: {}", valid.join(", "))]
    UnknownColumn {
        /// The model.
        model: &'static str,
        /// The name given.
        column: String,
        /// The model's columns.
        valid: Vec<&'static str>,
    },
    /// Not a CQL operator.
    #[error(transparent)]
    UnknownOperator(#[from] UnknownOperator),
    /// The operator does not apply to this column or clause.
    #[error("`{operator}` cannot be used on {model}.{column} ({cql_type}): {hint}")]
    OperatorNotAllowed {
        /// The model.
        model: &'static str,
        /// The column.
        column: &'static str,
        /// The operator.
        operator: Operator,
        /// The column's CQL type.
        cql_type: String,
        /// What is allowed instead.
        hint: &'static str,
    },
    /// The value's CQL type is not the one the comparison needs.
    #[error("{model}.{column} `{operator}` needs a value of CQL type {expected}, but got {found}")]
    ValueType {
        /// The model.
        model: &'static str,
        /// The column.
        column: &'static str,
        /// The operator.
        operator: Operator,
        /// The CQL type the comparison needs.
        expected: String,
        /// The CQL type of the value given.
        found: String,
    },
    /// `ORDER BY` on a column that is not a clustering column.
    #[error(
        "cannot order {model} by `{column}`: ORDER BY takes clustering columns ({})",
        if valid.is_empty() { "this table has none".to_owned() } else { valid.join(", ") }
    )]
    NotClustering {
        /// The model.
        model: &'static str,
        /// The column given.
        column: String,
        /// The model's clustering columns.
        valid: Vec<&'static str>,
    },
    /// Not `asc` or `desc`.
    #[error("\"{0}\" is not an order; use \"asc\" or \"desc\"")]
    UnknownDirection(String),
    /// A limit or page size that is zero or negative.
    #[error("{what} must be positive, not {value}")]
    NotPositive {
        /// `LIMIT`, `PER PARTITION LIMIT`, ...
        what: &'static str,
        /// The value given.
        value: i64,
    },
    /// The query would filter rows server-side and the caller did not accept that.
    #[error("{model}: {reason}, so the server would have to scan and filter rows; {fix}")]
    NeedsFiltering {
        /// The model.
        model: &'static str,
        /// Why filtering is needed.
        reason: String,
        /// What to change instead (or how to opt in).
        fix: String,
    },
    /// A column restricted twice in a way the server refuses, with or without
    /// `ALLOW FILTERING`.
    #[error(
        "{model}: `{column}` is restricted twice (`{first}` and `{second}`): {rule}; remove one of them"
    )]
    DoubleRestriction {
        /// The model.
        model: &'static str,
        /// The column (or `token(...)`).
        column: String,
        /// The first operator.
        first: Operator,
        /// The second operator.
        second: Operator,
        /// The server's rule.
        rule: &'static str,
    },
    /// A tuple condition the server refuses.
    #[error("{model}: {problem}")]
    TupleCondition {
        /// The model.
        model: &'static str,
        /// What is wrong and what to do.
        problem: String,
    },
    /// `IN` on the partition key with a condition the server answers through a secondary
    /// index: refused even with `ALLOW FILTERING`.
    #[error(
        "{model}: IN on the partition key cannot be combined with a secondary-index read (`{index}` is indexed and restricted); restrict the partition key with `=` (one query per partition), or drop the conditions outside the primary key"
    )]
    IndexWithPartitionIn {
        /// The model.
        model: &'static str,
        /// The indexed column.
        index: &'static str,
    },
    /// A conditional write cannot carry its own timestamp (Paxos assigns it).
    #[error("{model}: a conditional write (IF ...) cannot use USING TIMESTAMP; remove one of them")]
    TimestampOnConditionalWrite {
        /// The model.
        model: &'static str,
    },
    /// `IF EXISTS` and `IF column ...` cannot be combined.
    #[error(
        "{model}: a conditional write takes either `if_exists()` or `if_(...)` conditions, not both (`IF EXISTS` already implies the row exists)"
    )]
    ConditionsWithIfExists {
        /// The model.
        model: &'static str,
    },
    /// The server cannot page a query ordering rows from several partitions.
    #[error(
        "{model}: ORDER BY with IN on the partition key cannot be paged; drop `order_by` and sort the rows, or read each partition on its own"
    )]
    OrderByWithIn {
        /// The model.
        model: &'static str,
    },
    /// Counter tables take increments, not inserts.
    #[error(
        "{model} is a counter table: write it with `update(key).increment(column, n)`, not insert"
    )]
    CounterTableInsert {
        /// The model.
        model: &'static str,
    },
    /// An update assigned a primary-key column.
    #[error(
        "{model}.{column} is part of the primary key and cannot be updated; insert a new row and delete the old one"
    )]
    KeyColumnAssigned {
        /// The model.
        model: &'static str,
        /// The column.
        column: &'static str,
    },
    /// An update by partition key assigned (or checked) a column that is not static.
    #[error(
        "{model}.{column} is not a static column, and `update_partition` writes only static columns (one value per partition): to write `{column}`, update its row with `{model}::update(&primary_key)`, which adds the clustering key ({clustering_key})"
    )]
    NotStatic {
        /// The model.
        model: &'static str,
        /// The column that is not static.
        column: &'static str,
        /// The clustering columns the row's key adds.
        clustering_key: String,
    },
    /// An update by full primary key assigned only static columns.
    #[error(
        "{model}: this update assigns only static columns ({columns}), which belong to the partition, so the server refuses a clustering key for it: use `{model}::update_partition(&partition_key)` (partition key: {partition_key})"
    )]
    StaticsByRowKey {
        /// The model.
        model: &'static str,
        /// The static columns assigned.
        columns: String,
        /// The partition-key columns.
        partition_key: String,
    },
    /// `statics_only()` on a model without static columns.
    #[error(
        "{model} has no static column, so `statics_only()` has nothing to write besides the partition key; use `insert`"
    )]
    NoStaticColumns {
        /// The model.
        model: &'static str,
    },
    /// An update with no assignment.
    #[error("{model}: an update needs at least one assignment (set, increment, add_to, ...)")]
    NothingToUpdate {
        /// The model.
        model: &'static str,
    },
    /// A delete must name its partitions.
    #[error(
        "{model}: a DELETE must restrict the whole partition key ({partition_key}) with `=` or `IN`"
    )]
    DeleteNeedsPartition {
        /// The model.
        model: &'static str,
        /// The partition-key columns.
        partition_key: String,
    },
    /// A delete's clustering restrictions must be a prefix of the clustering key: a delete
    /// never filters.
    #[error("{model}: {reason}, and a DELETE cannot filter rows; {fix}")]
    DeleteNotPrefix {
        /// The model.
        model: &'static str,
        /// Which clustering restriction is out of place.
        reason: String,
        /// What to change.
        fix: String,
    },
    /// A delete's `WHERE` may only use primary-key columns.
    #[error(
        "{model}: a DELETE selects rows by primary-key columns only, not `{column}`; use `if_(...)` to check other columns"
    )]
    DeleteCondition {
        /// The model.
        model: &'static str,
        /// The column used.
        column: &'static str,
    },
    /// A relation's parent has no key value, so the relation has no rows to read.
    #[error(
        "{model}::{relation}: the key `{key}` is null, so the relation has no rows to read (a query without it would scan the whole table)"
    )]
    MissingParentKey {
        /// The model declaring the relation.
        model: &'static str,
        /// The relation's name.
        relation: &'static str,
        /// The key column that is null.
        key: &'static str,
    },
    /// A relation with exactly one related row ([`One`](crate::relation::One)) found none.
    #[error(
        "{model}::{relation}: there is no related `{related}` row, and the relation has exactly one"
    )]
    RelatedMissing {
        /// The model declaring the relation.
        model: &'static str,
        /// The relation's name.
        relation: &'static str,
        /// The related model.
        related: &'static str,
    },
    /// A polymorphic row names a type its relation does not list.
    #[error(
        "{model}::{relation}: the stored type {found:?} is not one of {}",
        expected.join(", ")
    )]
    UnknownMorphType {
        /// The model declaring the relation.
        model: &'static str,
        /// The relation's name.
        relation: &'static str,
        /// The type name stored in the row.
        found: String,
        /// The type names the relation lists.
        expected: Vec<&'static str>,
    },
    /// No relation of that name.
    #[error(
        "{model} has no relation `{relation}`; its relations are: {}",
        if valid.is_empty() { "(none)".to_owned() } else { valid.join(", ") }
    )]
    UnknownRelation {
        /// The model.
        model: &'static str,
        /// The name given.
        relation: String,
        /// The model's relations.
        valid: Vec<&'static str>,
    },
    /// An eager-loading path by name longer or deeper than
    /// [`MAX_PATH_LEN`](crate::eager::MAX_PATH_LEN) / [`MAX_PATH_DEPTH`](crate::eager::MAX_PATH_DEPTH);
    /// nothing was sent.
    #[error(
        "the eager-loading path \"{path}\" ({bytes} bytes, {depth} relations deep) is over the limits of {} bytes and {} relations; load deeper levels with another query",
        crate::eager::MAX_PATH_LEN,
        crate::eager::MAX_PATH_DEPTH
    )]
    EagerPathTooLong {
        /// The path, shortened and escaped.
        path: String,
        /// Its length in bytes.
        bytes: usize,
        /// How many relations it chains.
        depth: usize,
    },
    /// A nested path below a relation whose rows cannot load relations.
    #[error(
        "cannot load `{relation}` below a morph_to relation: its rows (an enum of owner types) load no nested relations"
    )]
    NotNestable {
        /// The nested path given.
        relation: String,
    },
    /// An `IN` list longer than ScyllaDB accepts by default.
    #[error(
        "{model}.{column} IN has {count} values; ScyllaDB refuses more than 100 by default: split the list, or read per key (eager loading does)"
    )]
    TooManyInValues {
        /// The model.
        model: &'static str,
        /// The column.
        column: &'static str,
        /// The number of values given.
        count: usize,
    },
    /// The query has no condition and would read the whole table.
    #[error(
        "{model}: a query without conditions reads the whole table; restrict the partition key ({partition_key}), use a token range, or call `full_scan()` to accept the scan"
    )]
    FullScan {
        /// The model.
        model: &'static str,
        /// The partition-key columns.
        partition_key: String,
    },
    /// `explain()` of an eager load through a relation it cannot plan yet.
    #[error(
        "cannot explain the eager load of `{relation}`: {reason}; run it and count with `Db::statements_executed()`"
    )]
    NotExplained {
        /// The relation path (or, when unknown, the model whose relation it is).
        relation: String,
        /// Why.
        reason: &'static str,
    },
}
