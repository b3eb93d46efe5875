//! Turning a result into rows of a model or projection, with errors that name both.

use scylla::deserialize::row::DeserializeRow;
use scylla::response::query_result::QueryResult;

use std::ops::ControlFlow;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::Stream;

use scylla::response::PagingState;
use scylla::serialize::row::SerializeRow;

use crate::db::{Cql, Db};
use crate::error::{Error, Result, RowsReadError};
use crate::options::StatementOptions;
use crate::trace::StreamTrace;

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
    fetch_all_as(db, model, cql, values, options, |row: R| row).await
}

/// [`fetch_all`], each row passed through `wrap` as it is read (so wrapped rows need no
/// second vector).
pub(crate) async fn fetch_all_as<R, T>(
    db: &Db,
    model: &'static str,
    cql: Cql<'_>,
    values: &(impl SerializeRow + Sync),
    options: &StatementOptions,
    wrap: fn(R) -> T,
) -> Result<Vec<T>>
where
    R: for<'f, 'm> DeserializeRow<'f, 'm>,
{
    let mut rows = Vec::new();
    let mut state = PagingState::start();
    let mut pages = 0;
    loop {
        let (result, next) = db.execute_page(cql, values, options, state).await?;
        pages += 1;
        read_into(model, cql, result, wrap, &mut rows)?;
        match next.into_paging_control_flow() {
            ControlFlow::Continue(next) => state = next,
            ControlFlow::Break(()) => {
                crate::trace::record_pages(pages);
                return Ok(rows);
            }
        }
    }
}

/// Every row of `result`.
pub(crate) fn all<R>(model: &'static str, cql: Cql<'_>, result: QueryResult) -> Result<Vec<R>>
where
    R: for<'f, 'm> DeserializeRow<'f, 'm>,
{
    let mut rows = Vec::new();
    read_into(model, cql, result, |row: R| row, &mut rows)?;
    Ok(rows)
}

/// Appends every row of `result`, through `wrap`, to `rows`.
fn read_into<R, T>(
    model: &'static str,
    cql: Cql<'_>,
    result: QueryResult,
    wrap: fn(R) -> T,
    rows: &mut Vec<T>,
) -> Result<()>
where
    R: for<'f, 'm> DeserializeRow<'f, 'm>,
{
    let result = result
        .into_rows_result()
        .map_err(|e| rows_error(model, cql, Box::new(e).into()))?;
    let typed = result
        .rows::<R>()
        .map_err(|e| rows_error(model, cql, e.into()))?;
    rows.reserve(typed.rows_remaining());
    for row in typed {
        rows.push(wrap(row.map_err(|e| rows_error(model, cql, e.into()))?));
    }
    Ok(())
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

/// The rows of a pager as a stream of `R`, each error naming the model and the CQL text,
/// for a stream that is part of a larger operation (no span of its own to end).
pub(crate) fn typed_stream<R>(
    pager: scylla::client::pager::QueryPager,
    model: &'static str,
    cql: String,
) -> Result<RowStream<R>>
where
    R: for<'f, 'm> DeserializeRow<'f, 'm> + Send + 'static,
{
    RowStream::new(pager, model, cql, StreamTrace::idle())
}

/// A query's rows as a stream of `R`, each error naming the model and the CQL text, ended
/// in its operation's span ([`StreamTrace`]). Not boxed, and no adapter in between: every
/// row of a stream goes through [`poll_next`](futures::Stream::poll_next), which, when
/// nothing listens, is the driver's own poll behind one check.
pub(crate) struct RowStream<R> {
    rows: scylla::client::pager::TypedRowStream<R>,
    source: RowSource,
    trace: StreamTrace,
}

impl<R> RowStream<R>
where
    R: for<'f, 'm> DeserializeRow<'f, 'm> + Send + 'static,
{
    /// The rows of `pager`, its operation ended by `trace`.
    pub(crate) fn new(
        pager: scylla::client::pager::QueryPager,
        model: &'static str,
        cql: String,
        trace: StreamTrace,
    ) -> Result<Self> {
        let rows = match pager.rows_stream::<R>() {
            Ok(rows) => rows,
            Err(e) => {
                let error = rows_error(model, Cql::Built(&cql), RowsReadError::Type(e));
                trace.failed(&error);
                return Err(error);
            }
        };
        Ok(RowStream {
            rows,
            source: RowSource { model, cql },
            trace,
        })
    }
}

/// Where a stream's rows come from, for its errors: one pointer for the poll to keep.
struct RowSource {
    model: &'static str,
    cql: String,
}

impl RowSource {
    #[cold]
    #[inline(never)]
    fn error(&self, e: scylla::errors::NextRowError) -> Error {
        let source = RowsReadError::NextRow(Box::new(e));
        rows_error(self.model, Cql::Built(&self.cql), source)
    }
}

/// The driver's next row, its error naming the model and the CQL text. Kept small (the
/// error built out of line from one pointer, nothing loaded before the driver's poll) so
/// that the caller's poll takes it in whole: per row, the stream then costs what the
/// driver's own stream costs.
#[inline(always)]
fn poll_row<R>(
    rows: &mut scylla::client::pager::TypedRowStream<R>,
    source: &RowSource,
    cx: &mut Context<'_>,
) -> Poll<Option<Result<R>>>
where
    R: for<'f, 'm> DeserializeRow<'f, 'm> + Send + 'static,
{
    match Pin::new(rows).poll_next(cx) {
        Poll::Ready(Some(Ok(row))) => Poll::Ready(Some(Ok(row))),
        Poll::Ready(Some(Err(e))) => Poll::Ready(Some(Err(source.error(e)))),
        Poll::Ready(None) => Poll::Ready(None),
        Poll::Pending => Poll::Pending,
    }
}

impl<R> RowStream<R>
where
    R: for<'f, 'm> DeserializeRow<'f, 'm> + Send + 'static,
{
    /// [`poll_row`] for a stream someone listens to: counted and ended by its trace, out
    /// of line.
    #[inline(never)]
    fn poll_traced(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<R>>> {
        let RowStream {
            rows,
            source,
            trace,
        } = self;
        trace.poll(|| poll_row(rows, source, cx))
    }
}

impl<R> futures::Stream for RowStream<R>
where
    R: for<'f, 'm> DeserializeRow<'f, 'm> + Send + 'static,
{
    type Item = Result<R>;

    #[inline]
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<R>>> {
        let this = &mut *self;
        if this.trace.is_listening() {
            return this.poll_traced(cx);
        }
        poll_row(&mut this.rows, &this.source, cx)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.rows.size_hint()
    }
}
