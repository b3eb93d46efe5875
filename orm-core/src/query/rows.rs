//! Turning a result into rows of a model or projection, with errors that name both.

use scylla::deserialize::row::DeserializeRow;
use scylla::response::query_result::QueryResult;

use crate::db::Cql;
use crate::error::{Error, Result, RowsReadError};

fn rows_error(model: &'static str, cql: Cql<'_>, source: RowsReadError) -> Error {
    Error::Rows {
        model,
        cql: cql.for_error(),
        source,
    }
}

/// Every row of `result`.
pub(crate) fn all<R>(model: &'static str, cql: Cql<'_>, result: QueryResult) -> Result<Vec<R>>
where
    R: for<'f, 'm> DeserializeRow<'f, 'm>,
{
    let rows = result
        .into_rows_result()
        .map_err(|e| rows_error(model, cql, Box::new(e).into()))?;
    let typed = rows
        .rows::<R>()
        .map_err(|e| rows_error(model, cql, e.into()))?;
    typed
        .map(|row| row.map_err(|e| rows_error(model, cql, e.into())))
        .collect()
}

/// The first row of `result`, if any.
pub(crate) fn first<R>(model: &'static str, cql: Cql<'_>, result: QueryResult) -> Result<Option<R>>
where
    R: for<'f, 'm> DeserializeRow<'f, 'm>,
{
    let rows = result
        .into_rows_result()
        .map_err(|e| rows_error(model, cql, Box::new(e).into()))?;
    rows.maybe_first_row::<R>()
        .map_err(|e| rows_error(model, cql, e.into()))
}
