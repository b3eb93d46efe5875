//! One `tracing` span per ORM operation, with what it cost recorded when it ends.
//!
//! A span is named `orm` (target `orm_core`) with the fields `model`, `operation` (`get`,
//! `first`, `count`, `exists`, `insert`, `update`, `delete`, `batch`, `eager get`, ...), `table`,
//! `statement` (`SELECT`, `INSERT`, `UPDATE`, `DELETE`, `BATCH`) and `consistency` (when
//! set), and records at its end `rows` (reads), `statements` (requests sent), `pages` (of a paged
//! read), `duration_us`
//! and, on failure, `error` (the kind of error, never a value). An eager load's span has a
//! child `orm.level` span per relation level (`relation`, `related`, `mode`, `parents`,
//! `distinct_keys`, `concurrency`); a nested level is a child of the level above.
//! The CQL of each statement is a `debug` event inside the span; bound values are never
//! logged.
//!
//! With no subscriber interested, starting and finishing a span reads no clock and formats
//! nothing: `tracing`'s disabled span costs one check of a cached interest.

use std::time::Instant;

use tracing::Span;
use tracing::field::Empty;

use crate::error::Error;
use crate::meta::TableMeta;
use crate::options::StatementOptions;

/// An operation's span and the time it started (only when a subscriber listens).
pub(crate) struct Operation {
    span: Span,
    started: Option<Instant>,
}

impl Operation {
    /// Starts the span of `operation` (a `statement` kind) on `table`.
    pub(crate) fn start(
        table: &'static TableMeta,
        operation: &'static str,
        statement: &'static str,
        options: &StatementOptions,
    ) -> Operation {
        Operation::on(table.model, table.name, operation, statement, options)
    }

    /// Starts the span of an operation on `model`'s `table` (empty for a batch, which
    /// may write several).
    pub(crate) fn on(
        model: &'static str,
        table: &'static str,
        operation: &'static str,
        statement: &'static str,
        options: &StatementOptions,
    ) -> Operation {
        let span = tracing::info_span!(
            target: "orm_core",
            "orm",
            model,
            operation,
            table,
            statement,
            consistency = Empty,
            rows = Empty,
            statements = Empty,
            pages = Empty,
            duration_us = Empty,
            error = Empty,
        );
        if span.is_disabled() {
            return Operation {
                span,
                started: None,
            };
        }
        if let Some(consistency) = options.consistency {
            span.record("consistency", tracing::field::debug(consistency));
        }
        Operation {
            span,
            started: Some(Instant::now()),
        }
    }

    /// The span, to run the operation's future in.
    pub(crate) fn span(&self) -> &Span {
        &self.span
    }

    /// Runs `future` inside the span, then records its outcome as [`finish`](Self::finish)
    /// does.
    pub(crate) async fn run<T>(
        self,
        future: impl Future<Output = Result<T, Error>>,
        rows: impl FnOnce(&T) -> Option<usize>,
        statements: impl FnOnce(&T) -> Option<u64>,
    ) -> Result<T, Error> {
        use tracing::Instrument;
        let result = future.instrument(self.span.clone()).await;
        self.finish(&result, rows, statements);
        result
    }

    /// Records the outcome: `rows` read (when a read), `statements` sent, the duration and
    /// the error kind.
    pub(crate) fn finish<T>(
        &self,
        result: &Result<T, Error>,
        rows: impl FnOnce(&T) -> Option<usize>,
        statements: impl FnOnce(&T) -> Option<u64>,
    ) {
        let Some(started) = self.started else {
            return;
        };
        match result {
            Ok(value) => {
                if let Some(rows) = rows(value) {
                    self.span.record("rows", rows);
                }
                if let Some(statements) = statements(value) {
                    self.span.record("statements", statements);
                }
            }
            Err(error) => {
                self.span.record("error", error_kind(error));
            }
        }
        self.span
            .record("duration_us", started.elapsed().as_micros() as u64);
    }
}

/// The kind of an error, for a span: its variant, without the values it may carry.
pub(crate) fn error_kind(error: &Error) -> &'static str {
    if error.is_timeout() {
        return "timeout";
    }
    match error {
        Error::Query(_) => "query",
        Error::Execute { .. } => "execute",
        Error::Prepare { .. } => "prepare",
        Error::Rows { .. } => "rows",
        Error::Rejected { .. } => "rejected",
        _ => "other",
    }
}

/// Records the pages a paged read fetched (one request each) on the current operation's
/// span.
pub(crate) fn record_pages(pages: u64) {
    let span = Span::current();
    if !span.is_disabled() {
        span.record("pages", pages);
        span.record("statements", pages);
    }
}

/// The CQL of a statement about to be sent, at `debug` (values never).
pub(crate) fn sending(cql: &str) {
    tracing::debug!(target: "orm_core", cql, "sending");
}

/// Runs the write `future` inside the span of `operation`: one statement, no rows.
pub(crate) async fn write<T>(
    table: &'static TableMeta,
    operation: &'static str,
    statement: &'static str,
    options: &StatementOptions,
    future: impl Future<Output = Result<T, Error>>,
) -> Result<T, Error> {
    Operation::start(table, operation, statement, options)
        .run(future, |_| None, |_| Some(1))
        .await
}
