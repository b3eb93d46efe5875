//! Conditions from run-time names (`where_`, `where_tuple`), checked against the model's
//! metadata, with integer values widened losslessly to the column's type.

use std::sync::Arc;

use scylla::serialize::value::SerializeValue;
use scylla::value::CqlVarint;

use crate::condition::{BoundValue, Condition, Operator, TupleColumns};
use crate::cql_type::{CqlType, CqlTyped};
use crate::meta::TableMeta;
use crate::query::QueryError;
use crate::query::validate as render;
use crate::tuple::TupleArg;

/// A condition from run-time names, checked against the model's metadata.
pub(crate) fn condition_by_name<M, V>(
    table: &TableMeta,
    column: &str,
    operator: &str,
    value: V,
) -> Result<Condition<M>, QueryError>
where
    V: CqlTyped + SerializeValue + Send + Sync + 'static,
{
    let meta = render::column_named(table, column)?;
    let operator: Operator = operator.parse()?;
    let expected = render::operand_type(table, meta, operator)?;
    let count = value.element_count();
    let value: BoundValue = if V::CQL_TYPE == expected {
        Arc::new(value)
    } else if let Some(widened) = widen(&value, &expected) {
        widened
    } else {
        return Err(QueryError::ValueType {
            model: table.model,
            column: meta.name,
            operator,
            expected: expected.to_string(),
            found: V::CQL_TYPE.to_string(),
        });
    };
    Ok(Condition::column(meta.name, operator, value).with_in_values(count))
}

/// A tuple condition from run-time names: `(c1, c2) <= ?` with one tuple value (for
/// `IN`, a list of tuples).
pub(crate) fn tuple_condition_by_name<M, V: TupleArg>(
    table: &TableMeta,
    columns: &[&str],
    operator: &str,
    value: V,
) -> Result<Condition<M>, QueryError> {
    let operator: Operator = operator.parse()?;
    let mut names = Vec::with_capacity(columns.len());
    for column in columns {
        names.push(render::column_named(table, column)?.name);
    }
    let refused = |problem: String| QueryError::TupleCondition {
        model: table.model,
        problem,
    };
    let tuple = TupleColumns::new(&names).ok_or_else(|| {
        refused(format!(
            "a tuple condition names at most {} columns, not {}",
            TupleColumns::MAX,
            columns.len()
        ))
    })?;
    let column_types: Vec<CqlType> = names
        .iter()
        .filter_map(|name| table.column(name))
        .map(|c| *c.cql_type)
        .collect();
    let count = value.count();
    let bound = if V::IN_LIST == (operator == Operator::In) {
        value.bind_as(&column_types)
    } else {
        None
    };
    let Some(bound) = bound else {
        let expected = tuple_type(&column_types, operator == Operator::In);
        let found = tuple_type(V::ITEMS, V::IN_LIST);
        return Err(refused(format!(
            "the tuple condition {tuple} `{operator}` needs a value of CQL type {expected}, but got {found}"
        )));
    };
    Ok(Condition::tuple(tuple, operator, bound).with_in_values(count))
}

/// `tuple<a, b>`, or `list<tuple<a, b>>`.
fn tuple_type(items: &[CqlType], list: bool) -> String {
    let items: Vec<String> = items.iter().map(|t| t.nested().to_string()).collect();
    let tuple = format!("tuple<{}>", items.join(", "));
    if list {
        format!("list<{tuple}>")
    } else {
        tuple
    }
}

/// `value` converted to the integer type `expected` (or a list of it), when `V` is a
/// narrower integer type: `tinyint` < `smallint` < `int` < `bigint` < `varint`. Never
/// narrows.
pub(crate) fn widen<V: CqlTyped>(value: &V, expected: &CqlType) -> Option<BoundValue> {
    match (V::CQL_TYPE, expected) {
        (CqlType::Native(from), CqlType::Native(to)) if widens(from, to) => {
            integer_value(value.as_integer()?, to)
        }
        (CqlType::List(CqlType::Native(from)), CqlType::List(CqlType::Native(to)))
            if widens(from, to) =>
        {
            integer_list(value.as_integers()?, to)
        }
        _ => None,
    }
}

/// The integer types by width.
const INTEGERS: [&str; 5] = ["tinyint", "smallint", "int", "bigint", "varint"];

fn widens(from: &str, to: &str) -> bool {
    let rank = |name| INTEGERS.iter().position(|integer| *integer == name);
    matches!((rank(from), rank(to)), (Some(from), Some(to)) if from < to)
}

fn integer_value(value: i64, to: &str) -> Option<BoundValue> {
    Some(match to {
        "smallint" => Arc::new(i16::try_from(value).ok()?),
        "int" => Arc::new(i32::try_from(value).ok()?),
        "bigint" => Arc::new(value),
        "varint" => Arc::new(varint(value)),
        _ => return None,
    })
}

fn integer_list(values: Vec<i64>, to: &str) -> Option<BoundValue> {
    fn convert<T: TryFrom<i64>>(values: Vec<i64>) -> Option<Vec<T>> {
        values.into_iter().map(|v| T::try_from(v).ok()).collect()
    }
    Some(match to {
        "smallint" => Arc::new(convert::<i16>(values)?),
        "int" => Arc::new(convert::<i32>(values)?),
        "bigint" => Arc::new(values),
        "varint" => Arc::new(values.into_iter().map(varint).collect::<Vec<_>>()),
        _ => return None,
    })
}

/// A `varint` holding `value` (big-endian two's complement; the server accepts the
/// leading sign bytes).
fn varint(value: i64) -> CqlVarint {
    CqlVarint::from_signed_bytes_be(value.to_be_bytes().to_vec())
}

#[cfg(test)]
mod tests {
    use super::widens;

    #[test]
    fn integers_widen_and_never_narrow() {
        assert!(widens("tinyint", "smallint"));
        assert!(widens("int", "bigint"));
        assert!(widens("bigint", "varint"));
        assert!(!widens("bigint", "int"));
        assert!(!widens("int", "int"));
        assert!(!widens("int", "double"));
        assert!(!widens("float", "double"));
    }
}
