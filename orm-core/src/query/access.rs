//! How the server will find a query's rows: the [`rule`](crate::query::rule) applied to a
//! query's conditions, and its refusals worded for the user.

use crate::condition::{Condition, Operator};
use crate::meta::TableMeta;
use crate::query::QueryError;
use crate::query::rule::{self, Filtering, Invalid, Restriction, Verdict};

/// The way a query reaches its rows, cheapest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccessPath {
    /// Every partition-key column is restricted by `=`: one partition, one replica set.
    SinglePartition,
    /// The partition key is restricted with `IN`: a few known partitions.
    Partitions,
    /// A range of partition tokens: an explicit, bounded scan.
    TokenRange,
    /// A secondary index on this column: an index read, then the rows.
    Index(&'static str),
    /// The server scans and filters (`ALLOW FILTERING`), opted in by the caller.
    Filtering,
    /// Every row of the table, opted in by the caller.
    FullScan,
}

/// The access path, or the error explaining what to change (or opt in to) first.
pub(crate) fn check<M>(
    table: &TableMeta,
    conditions: &[Condition<M>],
    allow_filtering: bool,
    allow_full_scan: bool,
) -> Result<AccessPath, QueryError> {
    let restrictions: Vec<Restriction<'_>> =
        conditions.iter().map(Condition::restriction).collect();
    match rule::decide(table, &restrictions) {
        Verdict::Path(AccessPath::FullScan) if !allow_full_scan && !allow_filtering => {
            Err(QueryError::FullScan {
                model: table.model,
                partition_key: partition_key(table),
            })
        }
        Verdict::Path(path) => Ok(path),
        Verdict::NeedsFiltering(_) if allow_filtering => Ok(AccessPath::Filtering),
        Verdict::NeedsFiltering(reason) => Err(QueryError::NeedsFiltering {
            model: table.model,
            reason: filtering_reason(table, reason),
            fix: filtering_fix(table, reason),
        }),
        Verdict::Invalid(invalid) => Err(invalid_error(table, invalid)),
    }
}

/// The access path of `conditions` as written (no opt-ins), for plans of statements
/// whose conditions are already checked.
pub(crate) fn access_path<M>(table: &TableMeta, conditions: &[Condition<M>]) -> Option<AccessPath> {
    check(table, conditions, false, false).ok()
}

/// The refusals a `DELETE`'s conditions share with queries: each column restricted in a
/// way the server can merge, tuple conditions of a valid shape, and (a delete never
/// filters) clustering restrictions that form a prefix of the clustering key. The caller
/// checks the partition key and that only key columns are restricted.
pub(crate) fn check_delete<M>(
    table: &TableMeta,
    conditions: &[Condition<M>],
) -> Result<(), QueryError> {
    let restrictions: Vec<Restriction<'_>> =
        conditions.iter().map(Condition::restriction).collect();
    match rule::decide(table, &restrictions) {
        Verdict::Invalid(invalid) => Err(invalid_error(table, invalid)),
        Verdict::NeedsFiltering(
            reason @ (Filtering::ClusteringGap { .. } | Filtering::AfterRange { .. }),
        ) => Err(QueryError::DeleteNotPrefix {
            model: table.model,
            reason: filtering_reason(table, reason),
            fix: delete_fix(table, reason),
        }),
        Verdict::Path(_) | Verdict::NeedsFiltering(_) => Ok(()),
    }
}

/// What to change in a delete whose clustering restrictions are not a prefix.
fn delete_fix(table: &TableMeta, reason: Filtering) -> String {
    match reason {
        Filtering::ClusteringGap { missing, .. } => {
            format!("restrict `{missing}` with `=` or `IN` as well")
        }
        Filtering::AfterRange {
            column,
            ranged,
            both_ranges: true,
        } => format!(
            "to delete from a start point, compare the columns together with one tuple condition such as `({}) > (...)`, or restrict `{ranged}` with `=` or `IN`",
            clustering_span(table, ranged, column)
        ),
        Filtering::AfterRange { ranged, .. } => {
            format!("restrict `{ranged}` with `=` or `IN` instead of a range")
        }
        _ => String::new(),
    }
}

fn partition_key(table: &TableMeta) -> String {
    table
        .partition_key()
        .map(|c| c.name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Why the server would filter, completing "so the server would have to scan and filter
/// rows".
fn filtering_reason(table: &TableMeta, reason: Filtering) -> String {
    let key = partition_key(table);
    match reason {
        Filtering::PartitionKeyRange { column, operator } => format!(
            "partition-key column `{column}` is compared with `{operator}` (only `=` and `IN` find partitions)"
        ),
        Filtering::PartitionKeyIncomplete { missing } => {
            format!("the partition key ({key}) is only partly restricted: `{missing}` is not")
        }
        Filtering::NoPartitionKey { column, .. } => format!(
            "clustering column `{column}` is restricted but the partition key ({key}) is not"
        ),
        Filtering::ClusteringGap { column, missing } => {
            format!("clustering column `{column}` is restricted but `{missing}` before it is not")
        }
        Filtering::AfterRange { column, ranged, .. } => {
            format!("clustering column `{column}` is restricted after a range on `{ranged}`")
        }
        Filtering::NotIndexed { column } => {
            format!("`{column}` is not part of the primary key and has no index")
        }
        Filtering::IndexOperator {
            column,
            operator,
            answers,
        } => format!("the index on `{column}` answers `{answers}`, not `{operator}`"),
        Filtering::SeveralIndexed { first, second } if first == second => format!(
            "`{first}` has two conditions its index answers; the server reads the index for one and filters by the other"
        ),
        Filtering::SeveralIndexed { first, second } => format!(
            "`{first}` and `{second}` each need an index; the server reads one index and filters by the other"
        ),
    }
}

/// What the user can change instead, each option one the server accepts.
fn filtering_fix(table: &TableMeta, reason: Filtering) -> String {
    let key = partition_key(table);
    let model = table.model;
    let opt_in = "or call `allow_filtering()` to accept the scan";
    match reason {
        Filtering::PartitionKeyRange { column, .. } => format!(
            "compare `{column}` with `=` or `IN`, read a token range with `Token::<{model}>`, {opt_in}"
        ),
        Filtering::PartitionKeyIncomplete { missing } => {
            format!("restrict `{missing}` with `=` or `IN` as well, {opt_in}")
        }
        Filtering::NoPartitionKey {
            then_restrict: None,
            ..
        } => format!("restrict the partition key ({key}) with `=` or `IN` as well, {opt_in}"),
        Filtering::NoPartitionKey {
            then_restrict: Some(before),
            ..
        } => format!(
            "restrict the partition key ({key}) and `{before}` with `=` or `IN` as well (clustering columns are found in key order), {opt_in}"
        ),
        Filtering::ClusteringGap { missing, .. } => format!(
            "restrict `{missing}` with `=` or `IN` as well (clustering columns are found in key order), {opt_in}"
        ),
        Filtering::AfterRange {
            column,
            ranged,
            both_ranges: true,
        } => {
            let columns = clustering_span(table, ranged, column);
            format!(
                "to read from a start point, compare the columns together with one tuple condition such as `({columns}) > (...)` (`Tuple::of` or `where_tuple`), or restrict `{ranged}` with `=` or `IN`; `allow_filtering()` would filter each column on its own, which selects other rows"
            )
        }
        Filtering::AfterRange { ranged, .. } => {
            format!("restrict `{ranged}` with `=` or `IN` instead of a range, {opt_in}")
        }
        Filtering::NotIndexed { column } => {
            format!("declare `#[orm(index)]` on `{column}`, {opt_in}")
        }
        Filtering::IndexOperator {
            column, answers, ..
        } => format!("compare `{column}` with `{answers}`, {opt_in}"),
        Filtering::SeveralIndexed { .. } => {
            format!("keep one of these conditions and check the other on the rows read, {opt_in}")
        }
    }
}

/// The clustering columns from `first` to `last`, in key order: `added_date, videoid`.
fn clustering_span(table: &TableMeta, first: &str, last: &str) -> String {
    let names: Vec<&str> = table
        .clustering_key()
        .map(|c| c.name)
        .skip_while(|name| *name != first)
        .collect();
    let end = names
        .iter()
        .position(|name| *name == last)
        .map_or(names.len(), |i| i + 1);
    names[..end].join(", ")
}

/// The error for a query the server refuses outright.
pub(crate) fn invalid_error(table: &TableMeta, invalid: Invalid) -> QueryError {
    let model = table.model;
    match invalid {
        Invalid::UnknownColumn => QueryError::UnknownColumn {
            model,
            column: String::new(),
            valid: table.column_names(),
        },
        Invalid::DoubleRestriction {
            column,
            first,
            second,
        } => QueryError::DoubleRestriction {
            model,
            column: if column == "token" {
                format!("token({})", partition_key(table))
            } else {
                crate::user_input::shown(column)
            },
            first,
            second,
            rule: double_restriction_rule(first, second),
        },
        Invalid::TupleNotClustering { column } => QueryError::TupleCondition {
            model,
            problem: format!(
                "a tuple condition names `{column}`, which is not a clustering column; tuples compare consecutive clustering columns, in key order"
            ),
        },
        Invalid::TupleOrder { column, expected } => QueryError::TupleCondition {
            model,
            problem: format!(
                "a tuple condition names `{column}` where `{expected}` must come; tuples compare consecutive clustering columns, in key order ({})",
                table
                    .clustering_key()
                    .map(|c| c.name)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        },
        Invalid::TupleSliceStart { first, before } => QueryError::TupleCondition {
            model,
            problem: format!(
                "a tuple range starting at `{first}` needs `{before}` before it compared with `=` or `IN`; restrict `{before}` so, or start the tuple at `{before}`"
            ),
        },
        Invalid::EmptyTuple => QueryError::TupleCondition {
            model,
            problem: "a tuple condition needs at least one column".to_owned(),
        },
        Invalid::IndexWithPartitionIn { index } => {
            QueryError::IndexWithPartitionIn { model, index }
        }
    }
}

/// Why two operators cannot restrict one column together.
fn double_restriction_rule(first: Operator, second: Operator) -> &'static str {
    let takes_nothing_else = |op| matches!(op, Operator::Eq | Operator::In);
    if takes_nothing_else(first) || takes_nothing_else(second) {
        "a column compared with `=` or `IN` takes no other condition (a relation's query already restricts its key column)"
    } else if first.is_range() && second.is_range() {
        "a column takes at most one lower and one upper bound, and a tuple range only shares its first column with another range"
    } else {
        "these conditions cannot be combined on one column"
    }
}

#[cfg(test)]
mod tests {
    //! The access path of each query shape, and the refusals, table by table: no server.

    use std::sync::Arc;

    use super::*;
    use crate::cql_type::CqlType;
    use crate::meta::{ClusteringOrder, ColumnMeta, KeyRole};

    const fn column(name: &'static str, role: KeyRole, indexed: bool) -> ColumnMeta {
        ColumnMeta {
            name,
            field: name,
            role,
            cql_type: &CqlType::Native("bigint"),
            indexed,
        }
    }

    /// Partition key (a, b), clustering (c, d), an indexed column and a plain one.
    static TABLE: TableMeta = TableMeta {
        model: "Event",
        name: "event",
        keyspace: None,
        columns: &[
            column("a", KeyRole::PartitionKey, false),
            column("b", KeyRole::PartitionKey, false),
            column("c", KeyRole::ClusteringKey(ClusteringOrder::Asc), false),
            column("d", KeyRole::ClusteringKey(ClusteringOrder::Asc), false),
            column("tag", KeyRole::Regular, true),
            column("note", KeyRole::Regular, false),
        ],
        default_ttl: None,
        options: None,
    };

    /// Conditions as (column, operator) pairs.
    type Written = [(&'static str, Operator)];

    fn conditions(list: &Written) -> Vec<Condition<()>> {
        list.iter()
            .map(|&(name, operator)| Condition::column(name, operator, Arc::new(0_i64)))
            .collect()
    }

    /// What a query answers: its path, or the name of the error variant.
    fn outcome(list: &Written, filtering: bool, scan: bool) -> String {
        match check(&TABLE, &conditions(list), filtering, scan) {
            Ok(path) => format!("{path:?}"),
            Err(error) => {
                let debug = format!("{error:?}");
                debug.split([' ', '{', '(']).next().unwrap_or("").to_owned()
            }
        }
    }

    #[test]
    fn access_paths_and_refusals() {
        use Operator::*;
        let cases: &[(&str, &Written, bool, bool, &str)] = &[
            (
                "whole partition key",
                &[("a", Eq), ("b", Eq)],
                false,
                false,
                "SinglePartition",
            ),
            (
                "with clustering range",
                &[("a", Eq), ("b", Eq), ("c", Gt)],
                false,
                false,
                "SinglePartition",
            ),
            (
                "clustering prefix",
                &[("a", Eq), ("b", Eq), ("c", Eq), ("d", Le)],
                false,
                false,
                "SinglePartition",
            ),
            (
                "IN on the partition key",
                &[("a", In), ("b", Eq)],
                false,
                false,
                "Partitions",
            ),
            (
                "indexed column",
                &[("tag", Eq)],
                false,
                false,
                "Index(\"tag\")",
            ),
            ("nothing, scan opted in", &[], false, true, "FullScan"),
            (
                "half the partition key",
                &[("a", Eq)],
                false,
                false,
                "NeedsFiltering",
            ),
            (
                "half the key, filtering opted in",
                &[("a", Eq)],
                true,
                false,
                "Filtering",
            ),
            (
                "plain column",
                &[("note", Eq)],
                false,
                false,
                "NeedsFiltering",
            ),
            (
                "clustering gap",
                &[("a", Eq), ("b", Eq), ("d", Eq)],
                false,
                false,
                "NeedsFiltering",
            ),
        ];
        for &(name, list, filtering, scan, expected) in cases {
            assert_eq!(outcome(list, filtering, scan), expected, "{name}");
        }
    }

    #[test]
    fn a_full_scan_needs_an_opt_in() {
        let refused = check(&TABLE, &conditions(&[]), false, false);
        assert!(
            matches!(refused, Err(QueryError::FullScan { .. })),
            "{refused:?}"
        );
        assert_eq!(
            check(&TABLE, &conditions(&[]), false, true),
            Ok(AccessPath::FullScan)
        );
    }

    #[test]
    fn a_token_range_is_its_own_path() {
        let range = [Condition::<()>::token(Operator::Gt, 0)];
        assert_eq!(
            check(&TABLE, &range, false, false),
            Ok(AccessPath::TokenRange)
        );
    }

    #[test]
    fn deletes_refuse_what_is_not_a_key_prefix() {
        use Operator::*;
        let cases: &[(&str, &Written, bool)] = &[
            ("row", &[("a", Eq), ("b", Eq), ("c", Eq), ("d", Eq)], true),
            ("range", &[("a", Eq), ("b", Eq), ("c", Lt)], true),
            ("partition", &[("a", Eq), ("b", Eq)], true),
            (
                "gap in the clustering key",
                &[("a", Eq), ("b", Eq), ("d", Eq)],
                false,
            ),
            (
                "equality after a range",
                &[("a", Eq), ("b", Eq), ("c", Gt), ("d", Eq)],
                false,
            ),
        ];
        for &(name, list, allowed) in cases {
            assert_eq!(
                check_delete(&TABLE, &conditions(list)).is_ok(),
                allowed,
                "{name}"
            );
        }
    }
}
