//! The plans of many-to-many reads and writes: a pivot partition, then the related rows
//! by primary key; writes are `LOGGED` batches on both pivot tables.

use std::sync::Arc;

use crate::condition::{Condition, Operator, Target};
use crate::cql::{Cond, Statement, fixed};
use crate::explain::{Explain, PlannedStatement, StatementCount};
use crate::model::Model;
use crate::options::StatementOptions;
use crate::query::{AccessPath, MAX_IN_VALUES, QueryError};
use crate::relation::{Side, pivot_read};

/// A many-to-many write, as [`BelongsToMany`](crate::BelongsToMany) sends it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PivotWrite {
    Attach,
    Detach,
    Sync,
    Toggle,
}

/// What a read of the related rows sends: the pivot partition, page by page, then each
/// related row by primary key (with `conditions` checked inside its partition),
/// `concurrency` at a time.
pub(crate) fn read<Pv, P: Model, R: Model, D: Side<Pv, P, R>>(
    relation: &str,
    conditions: &[Condition<R>],
    concurrency: usize,
    options: &StatementOptions,
) -> Result<Explain, QueryError> {
    let pivot = PlannedStatement::new(
        pivot_read::<Pv, P, R, D>(false),
        Some(AccessPath::SinglePartition),
        StatementCount::PerPage,
        options,
    );
    let (cql, path) = related_read::<R>(conditions, options)?;
    let related = PlannedStatement::new(
        cql,
        Some(path),
        StatementCount::PerRelatedRow {
            relation: relation.to_owned(),
            concurrency: concurrency.max(1),
        },
        options,
    );
    Ok(Explain::of(vec![pivot, related], options))
}

/// What counting the pivot rows sends: one `COUNT(*)` of the pivot partition.
pub(crate) fn count<Pv, P: Model, R: Model, D: Side<Pv, P, R>>(
    options: &StatementOptions,
) -> Explain {
    Explain::single(
        pivot_read::<Pv, P, R, D>(true),
        Some(AccessPath::SinglePartition),
        StatementCount::One,
        options,
    )
}

/// The read of one related row: the model's `find`, or (with conditions or options) a
/// query on its primary key, as `BelongsToManyQuery::related_row` sends it.
fn related_read<R: Model>(
    conditions: &[Condition<R>],
    options: &StatementOptions,
) -> Result<(String, AccessPath), QueryError> {
    if conditions.is_empty() && *options == StatementOptions::default() {
        let find = R::__statements().find.cql().to_owned();
        return Ok((find, AccessPath::SinglePartition));
    }
    let mut query = R::query();
    for column in R::TABLE.primary_key() {
        let any_key = Arc::new(crate::row::Null);
        query = query.filter(Condition::column(column.name, Operator::Eq, any_key));
    }
    for condition in conditions {
        query = query.filter(condition.clone());
    }
    if !conditions.is_empty() {
        query = query.allow_filtering();
    }
    Ok((query.shape(true)?, query.access_path()?))
}

/// What a write sends: `attach` and `detach` one batch; `sync` reads the pivot partition
/// first and `toggle` the given keys (`IN`, [`MAX_IN_VALUES`] at a time), then both send
/// one batch per `pairs_per_batch` attached pairs and one per `pairs_per_batch` detached.
pub(crate) fn write<Pv, P: Model, R: Model, D: Side<Pv, P, R>>(
    write: PivotWrite,
    pairs_per_batch: usize,
    options: &StatementOptions,
) -> Explain {
    let mut statements = Vec::new();
    match write {
        PivotWrite::Attach | PivotWrite::Detach => {}
        PivotWrite::Sync => statements.push(PlannedStatement::new(
            pivot_read::<Pv, P, R, D>(false),
            Some(AccessPath::SinglePartition),
            StatementCount::PerPage,
            options,
        )),
        PivotWrite::Toggle => {
            let joined_in = Cond {
                target: Target::Column(D::OTHER_COLUMN),
                operator: Operator::In,
            };
            let read = Statement::select_all(D::TABLE, vec![Cond::eq(D::OWN_COLUMN), joined_in]);
            statements.push(PlannedStatement::new(
                read.render(),
                Some(AccessPath::SinglePartition),
                StatementCount::PerChunk {
                    keys: "keys".into(),
                    size: MAX_IN_VALUES,
                },
                options,
            ));
        }
    }
    let batched = |keys: &str| match write {
        PivotWrite::Attach | PivotWrite::Detach => StatementCount::InBatch,
        PivotWrite::Sync | PivotWrite::Toggle => StatementCount::InBatches {
            keys: keys.to_owned(),
            size: pairs_per_batch,
        },
    };
    if write != PivotWrite::Detach {
        for table in [D::TABLE, D::OPPOSITE] {
            let insert = fixed(Statement::insert(table)).cql().to_owned();
            statements.push(PlannedStatement::new(
                insert,
                None,
                batched("attached"),
                options,
            ));
        }
    }
    if write != PivotWrite::Attach {
        for table in [D::TABLE, D::OPPOSITE] {
            let delete = fixed(Statement::delete_by_primary_key(table))
                .cql()
                .to_owned();
            statements.push(PlannedStatement::new(
                delete,
                Some(AccessPath::SinglePartition),
                batched("detached"),
                options,
            ));
        }
    }
    Explain::of(statements, options)
}
