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
    let mut reason = None;
    let mut index = None;
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
                    index.get_or_insert(column.name);
                } else {
                    reason.get_or_insert_with(|| {
                        format!("`{name}` is not part of the primary key and has no index")
                    });
                }
            }
        }
    }

    let partition_restricted = table.partition_key().all(|column| {
        conditions.iter().any(|c| {
            c.target == Target::Column(column.name)
                && matches!(c.operator, Operator::Eq | Operator::In)
        })
    });
    let in_on_partition = conditions.iter().any(|c| {
        c.operator == Operator::In
            && matches!(c.target, Target::Column(name) if table.column(name).is_some_and(|m| m.is_partition_key()))
    });

    let path = if reason.is_some() {
        AccessPath::Filtering
    } else if partition_restricted {
        if in_on_partition {
            AccessPath::Partitions
        } else {
            AccessPath::SinglePartition
        }
    } else if let Some(column) = index {
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
