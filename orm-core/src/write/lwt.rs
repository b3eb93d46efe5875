//! Results of lightweight transactions (`IF ...` writes).

use scylla::deserialize::row::{ColumnIterator, DeserializeRow};
use scylla::deserialize::{DeserializationError, TypeCheckError};
use scylla::frame::response::result::ColumnSpec;
use scylla::response::query_result::QueryResult;
use scylla::value::{CqlValue, Row};

use crate::db::Cql;
use crate::error::{Error, Result, RowsReadError};
use crate::row::RowShapeError;

/// The outcome of a conditional update or delete.
///
/// When it did not apply, `current` holds what the server returned about the row: the
/// columns the conditions compared, with their current values (ScyllaDB returns every
/// column). A row that does not exist gives no values.
#[derive(Debug, Clone, PartialEq)]
pub struct LwtOutcome {
    /// Whether the write happened.
    pub applied: bool,
    /// Column names and current values, when it did not.
    pub current: Vec<(String, Option<CqlValue>)>,
}

impl LwtOutcome {
    pub(crate) fn from_result(
        model: &'static str,
        cql: Cql<'_>,
        result: QueryResult,
    ) -> Result<Self> {
        let error = |source: RowsReadError| Error::Rows {
            model,
            cql: cql.for_error(),
            source,
        };
        let rows = result
            .into_rows_result()
            .map_err(|e| error(Box::new(e).into()))?;
        let names: Vec<String> = rows
            .column_specs()
            .iter()
            .map(|spec| spec.name().to_owned())
            .collect();
        let row = rows
            .maybe_first_row::<Row>()
            .map_err(|e| error(e.into()))?
            .ok_or_else(|| error(RowsReadError::MissingLwtResult))?;
        let mut columns = names.into_iter().zip(row.columns);
        let applied = match columns.next() {
            Some((name, Some(CqlValue::Boolean(applied)))) if name == "[applied]" => applied,
            _ => return Err(error(RowsReadError::MissingLwtResult)),
        };
        Ok(LwtOutcome {
            applied,
            current: if applied {
                Vec::new()
            } else {
                columns.collect()
            },
        })
    }
}

/// `[applied]`, then (when not applied) the existing row as `M`.
pub(crate) struct LwtRow<M> {
    pub applied: bool,
    pub row: Option<M>,
}

impl<'f, 'm, M: DeserializeRow<'f, 'm>> DeserializeRow<'f, 'm> for LwtRow<M> {
    fn type_check(specs: &[ColumnSpec]) -> Result<(), TypeCheckError> {
        match specs.split_first() {
            // The other columns are checked row by row: a table with columns the model
            // does not know must not hide whether the write applied.
            Some((applied, _)) if applied.name() == "[applied]" => Ok(()),
            _ => Err(TypeCheckError::new(RowShapeError::UnknownColumn {
                model: "LWT result",
                column: specs.first().map_or("(none)", |s| s.name()).to_owned(),
            })),
        }
    }

    fn deserialize(mut row: ColumnIterator<'f, 'm>) -> Result<Self, DeserializationError> {
        let applied_column = row.next().ok_or_else(|| {
            DeserializationError::new(RowShapeError::MissingColumn {
                model: "LWT result",
                column: "[applied]",
            })
        })??;
        let applied = <bool as scylla::deserialize::value::DeserializeValue>::deserialize(
            applied_column.spec.typ(),
            applied_column.slice,
        )?;
        // A row that did not exist comes back as `[applied]` alone (Cassandra) or with
        // nulls (ScyllaDB); only a refused write carries the row that blocked it. That row
        // is read only if its columns fit `M` (a column added to the table since the model
        // was written would not).
        let specs: Vec<ColumnSpec<'m>> = row
            .clone()
            .filter_map(|column| column.ok().map(|c| c.spec.clone()))
            .collect();
        let existing = if applied || specs.is_empty() || M::type_check(&specs).is_err() {
            None
        } else {
            Some(M::deserialize(row)?)
        };
        Ok(LwtRow {
            applied,
            row: existing,
        })
    }
}
