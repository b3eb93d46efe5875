//! Turning a result into rows of a model or projection, with errors that name both.

use scylla::deserialize::row::DeserializeRow;
use scylla::response::query_result::QueryResult;

use std::ops::ControlFlow;

use scylla::response::PagingState;
use scylla::serialize::row::SerializeRow;

use crate::db::{Cql, Db};
use crate::error::{Error, Result, RowsReadError};
use crate::options::StatementOptions;

fn rows_error(model: &'static str, cql: Cql<'_>, source: RowsReadError) -> Error {
    Error::Rows {
        model,
        cql: cql.for_error(),
        source,
    }
}

/// Every row a statement returns, fetched page by page (one request per page).
pub(crate) async fn fetch_all<R>(
    db: &Db,
    model: &'static str,
    cql: Cql<'_>,
    values: &(impl SerializeRow + Sync),
    options: &StatementOptions,
) -> Result<Vec<R>>
where
    R: for<'f, 'm> DeserializeRow<'f, 'm>,
{
    let mut rows = Vec::new();
    let mut state = PagingState::start();
    loop {
        let (result, next) = db.execute_page(cql, values, options, state).await?;
        rows.extend(all::<R>(model, cql, result)?);
        match next.into_paging_control_flow() {
            ControlFlow::Continue(next) => state = next,
            ControlFlow::Break(()) => return Ok(rows),
        }
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
