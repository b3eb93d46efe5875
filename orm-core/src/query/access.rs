//! How the server will find a query's rows, decided from the model's key metadata.

use crate::condition::{Condition, Operator, Target};
use crate::meta::{KeyRole, TableMeta};
use crate::query::QueryError;

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

/// What a set of conditions needs from the server.
pub(crate) struct Analysis {
    pub path: AccessPath,
    /// Why the query needs filtering, if it does.
    pub filtering_reason: Option<String>,
}

pub(crate) fn analyse<M>(table: &TableMeta, conditions: &[Condition<M>]) -> Analysis {
    let mut reason: Option<String> = None;
    let mut indexed: Vec<&'static str> = Vec::new();
    let mut token = false;
    for condition in conditions {
        let Target::Column(name) = condition.target else {
            token = true;
            continue;
        };
        let Some(column) = table.column(name) else {
            continue;
        };
        match column.role {
            KeyRole::PartitionKey => {
                if !matches!(condition.operator, Operator::Eq | Operator::In) {
                    reason.get_or_insert_with(|| {
                        format!(
                            "partition-key column `{name}` is compared with `{}` (only `=` and `IN` find partitions)",
                            condition.operator
                        )
                    });
                }
            }
            KeyRole::ClusteringKey(_) => {}
            KeyRole::Static | KeyRole::Regular => {
                let indexable = matches!(
                    condition.operator,
                    Operator::Eq | Operator::Contains | Operator::ContainsKey
                );
                if column.indexed && indexable {
                    if !indexed.contains(&column.name) {
                        indexed.push(column.name);
                    }
                } else {
                    reason.get_or_insert_with(|| {
                        format!("`{name}` is not part of the primary key and has no index")
                    });
                }
            }
        }
    }

    let restricts = |column: &str| {
        conditions
            .iter()
            .any(|c| c.target == Target::Column(column_static(table, column)))
    };
    let partition_columns: Vec<&'static str> = table.partition_key().map(|c| c.name).collect();
    let partition_restricted = table.partition_key().all(|column| {
        conditions.iter().any(|c| {
            c.target == Target::Column(column.name)
                && matches!(c.operator, Operator::Eq | Operator::In)
        })
    });
    let partition_touched = partition_columns.iter().any(|c| restricts(c));
    let clustering_touched = table.clustering_key().any(|c| restricts(c.name));
    let in_on_partition = conditions.iter().any(|c| {
        c.operator == Operator::In
            && matches!(c.target, Target::Column(name) if table.column(name).is_some_and(|m| m.is_partition_key()))
    });

    if reason.is_none() {
        reason = clustering_prefix_problem(table, conditions);
    }
    if reason.is_none() && indexed.len() > 1 {
        reason = Some(format!(
            "the indexed columns {} are restricted together; the server reads one index and filters by the others",
            indexed.join(" and ")
        ));
    }
    if reason.is_none() && !indexed.is_empty() && !partition_restricted {
        if clustering_touched || token {
            reason = Some(format!(
                "the index on `{}` is combined with clustering or token conditions",
                indexed[0]
            ));
        } else if partition_touched {
            reason = Some(format!(
                "the index on `{}` is combined with part of the partition key",
                indexed[0]
            ));
        }
    }
    if reason.is_none() && token && conditions.iter().any(|c| c.target != Target::Token) {
        reason = Some("a token range is combined with other conditions".to_owned());
    }

    let path = if reason.is_some() {
        AccessPath::Filtering
    } else if partition_restricted {
        if in_on_partition {
            AccessPath::Partitions
        } else {
            AccessPath::SinglePartition
        }
    } else if let Some(column) = indexed.first() {
        AccessPath::Index(column)
    } else if token {
        AccessPath::TokenRange
    } else if conditions.is_empty() {
        AccessPath::FullScan
    } else {
        reason = Some("the conditions do not restrict the whole partition key".to_owned());
        AccessPath::Filtering
    };
    Analysis {
        path,
        filtering_reason: reason,
    }
}

/// The `&'static str` name of `column` in `table` (conditions hold metadata names).
fn column_static(table: &TableMeta, column: &str) -> &'static str {
    table.column(column).map_or("", |c| c.name)
}

/// Clustering columns may only be restricted as a prefix of the clustering key, with a
/// range on the last restricted one at most.
fn clustering_prefix_problem<M>(table: &TableMeta, conditions: &[Condition<M>]) -> Option<String> {
    let mut unrestricted: Option<&str> = None;
    let mut ranged: Option<&str> = None;
    for column in table.clustering_key() {
        let operators: Vec<Operator> = conditions
            .iter()
            .filter(|c| c.target == Target::Column(column.name))
            .map(|c| c.operator)
            .collect();
        if operators.is_empty() {
            unrestricted.get_or_insert(column.name);
            continue;
        }
        if let Some(before) = unrestricted {
            return Some(format!(
                "clustering column `{}` is restricted but `{before}` before it is not",
                column.name
            ));
        }
        if let Some(before) = ranged {
            return Some(format!(
                "clustering column `{}` is restricted after a range on `{before}`",
                column.name
            ));
        }
        if operators.iter().any(|op| op.is_range()) {
            ranged = Some(column.name);
        }
    }
    None
}

/// The access path, or the error explaining why the caller must opt in first.
pub(crate) fn check<M>(
    table: &TableMeta,
    conditions: &[Condition<M>],
    allow_filtering: bool,
    allow_full_scan: bool,
) -> Result<AccessPath, QueryError> {
    let analysis = analyse(table, conditions);
    let partition_key = || {
        table
            .partition_key()
            .map(|c| c.name)
            .collect::<Vec<_>>()
            .join(", ")
    };
    match analysis.path {
        AccessPath::Filtering if !allow_filtering => Err(QueryError::NeedsFiltering {
            model: table.model,
            reason: analysis
                .filtering_reason
                .unwrap_or_else(|| "the query filters".to_owned()),
            partition_key: partition_key(),
        }),
        AccessPath::FullScan if !allow_full_scan && !allow_filtering => Err(QueryError::FullScan {
            model: table.model,
            partition_key: partition_key(),
        }),
        path => Ok(path),
    }
}
