//! Checking conditions against the model, before anything is rendered or sent.

use crate::condition::{Condition, Operator, Target, TupleColumns};
use crate::cql_type::CqlType;
use crate::meta::{ColumnMeta, TableMeta};
use crate::query::QueryError;
use crate::query::{access, rule};

/// The most values an `IN` list may hold: ScyllaDB's default
/// `max_partition_key_restrictions_per_query` guardrail. Longer lists are refused; load
/// per key instead (eager loading does).
pub const MAX_IN_VALUES: usize = 100;

/// Where a condition stands: `WHERE` or a conditional write's `IF`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Clause {
    Where,
    If,
}

/// The column named `name`, or an error listing the model's columns.
pub(crate) fn column_named(
    table: &TableMeta,
    name: &str,
) -> Result<&'static ColumnMeta, QueryError> {
    table.column(name).ok_or_else(|| QueryError::UnknownColumn {
        model: table.model,
        column: crate::user_input::shown(name),
        valid: table.column_names(),
    })
}

/// The CQL type a value compared with `column` by `operator` must have.
pub(crate) fn operand_type(
    table: &TableMeta,
    column: &'static ColumnMeta,
    operator: Operator,
) -> Result<CqlType, QueryError> {
    let not_allowed = |hint| QueryError::OperatorNotAllowed {
        model: table.model,
        column: column.name,
        operator,
        cql_type: column.cql_type.to_string(),
        hint,
    };
    Ok(match (operator, column.cql_type) {
        (Operator::In, typ) => CqlType::List(typ),
        (Operator::Contains, CqlType::List(item) | CqlType::Set(item)) => **item,
        (Operator::Contains, CqlType::Map(_, value)) => **value,
        (Operator::Contains, _) => {
            return Err(not_allowed("CONTAINS applies to list, set and map columns"));
        }
        (Operator::ContainsKey, CqlType::Map(key, _)) => **key,
        (Operator::ContainsKey, _) => {
            return Err(not_allowed("CONTAINS KEY applies to map columns"));
        }
        (_, typ) => *typ,
    })
}

/// Checks a condition against the model: known column, operator fit for the column and
/// the clause.
pub(crate) fn validate_condition<M>(
    table: &TableMeta,
    condition: &Condition<M>,
    clause: Clause,
) -> Result<(), QueryError> {
    let name = match condition.target {
        Target::Column(name) => name,
        Target::Token => return Ok(()),
        Target::Tuple(columns) => {
            validate_tuple(table, columns, condition.operator, clause)?;
            return check_in_values(table, columns.names()[0], condition);
        }
    };
    let column = column_named(table, name)?;
    check_in_values(table, column.name, condition)?;
    operand_type(table, column, condition.operator)?;
    let hint = match (clause, condition.operator) {
        (Clause::Where, Operator::Ne) => "`!=` is only allowed in a conditional write's IF clause",
        (Clause::If, Operator::Contains | Operator::ContainsKey) => {
            "IF conditions compare with =, !=, <, <=, >, >= or IN"
        }
        _ => return Ok(()),
    };
    Err(QueryError::OperatorNotAllowed {
        model: table.model,
        column: column.name,
        operator: condition.operator,
        cql_type: column.cql_type.to_string(),
        hint,
    })
}

/// An `IN` list of at most [`MAX_IN_VALUES`] values.
fn check_in_values<M>(
    table: &TableMeta,
    column: &'static str,
    condition: &Condition<M>,
) -> Result<(), QueryError> {
    match condition.in_values {
        Some(count) if condition.operator == Operator::In && count > MAX_IN_VALUES => {
            Err(QueryError::TooManyInValues {
                model: table.model,
                column,
                count,
            })
        }
        _ => Ok(()),
    }
}

/// The operators a tuple condition takes.
const TUPLE_OPERATORS: [Operator; 6] = [
    Operator::Eq,
    Operator::Lt,
    Operator::Le,
    Operator::Gt,
    Operator::Ge,
    Operator::In,
];

/// A tuple condition names known, consecutive clustering columns in key order, with an
/// operator tuples take, in a `WHERE`.
fn validate_tuple(
    table: &TableMeta,
    columns: TupleColumns,
    operator: Operator,
    clause: Clause,
) -> Result<(), QueryError> {
    for name in columns.names() {
        column_named(table, name)?;
    }
    let refused = |problem: String| QueryError::TupleCondition {
        model: table.model,
        problem,
    };
    if clause == Clause::If {
        return Err(refused(format!(
            "a tuple condition {columns} selects rows; an IF clause compares single columns"
        )));
    }
    if !TUPLE_OPERATORS.contains(&operator) {
        return Err(refused(format!(
            "a tuple condition {columns} compares with =, <, <=, >, >= or IN, not `{operator}`"
        )));
    }
    match rule::tuple_problem(table, columns.names()) {
        Some(invalid) => Err(access::invalid_error(table, invalid)),
        None => Ok(()),
    }
}

/// Adds `condition` to `conditions` when it was built and fits `clause`; otherwise keeps
/// the first error in `error`, for the builder's terminal method to report.
pub(crate) fn push_condition<M>(
    table: &TableMeta,
    clause: Clause,
    conditions: &mut Vec<Condition<M>>,
    error: &mut Option<QueryError>,
    condition: Result<Condition<M>, QueryError>,
) {
    let checked = condition.and_then(|c| validate_condition(table, &c, clause).map(|()| c));
    match checked {
        Ok(condition) => conditions.push(condition),
        Err(failure) => {
            error.get_or_insert(failure);
        }
    }
}
