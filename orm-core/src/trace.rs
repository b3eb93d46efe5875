//! One `tracing` span per ORM operation, with what it cost recorded when it ends.
//!
//! A span is named `orm` (target `orm_core`) with the fields `model`, `operation` (`get`,
//! `first`, `count`, `exists`, `page`, `stream`, `insert`, `update`, `delete`, `batch`,
//! `eager get`, ...), `table`, `statement` (`SELECT`, `INSERT`, `UPDATE`, `DELETE`,
//! `BATCH`), `relation` (a read through a relation: its name) and `consistency` (when
//! set), and records at its end `rows` (reads), `statements` (requests sent), `pages` (of a
//! paged read), `duration_us` and, on failure, `error` (the kind of error, never a value).
//! A stream's span ends when the stream ends, fails or is dropped. An eager load's span
//! has a child `orm.level` span per relation level (`relation`, `related`, `mode`,
//! `parents`, `distinct_keys`, `concurrency`); a nested level is a child of the level
//! above. The CQL of each statement is a `debug` event inside the span; bound values are
//! never logged.
//!
//! Where a span ends is also where the `metrics` feature records an operation and where
//! an operation slower than [`Db::slow_operation_threshold`] logs a `warn` event
//! (`slow operation`, with its plan).
//!
//! With no subscriber interested, no threshold and no `metrics` feature, starting and
//! finishing a span reads no clock and formats nothing: `tracing`'s disabled span costs one
//! check of a cached interest.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use futures::Stream;
use scylla::statement::Consistency;
use tracing::Span;
use tracing::field::Empty;

use crate::db::Db;
use crate::error::Error;
use crate::meta::TableMeta;
use crate::options::StatementOptions;

/// An operation's span, and what its end needs when someone listens.
pub(crate) struct Operation {
    span: Span,
    /// `None` when nothing listens (no subscriber, no threshold, no `metrics` feature):
    /// then no clock is read and nothing is allocated, and the operation's future stays
    /// small.
    timed: Option<Box<Timed>>,
}

/// What the end of a timed operation needs.
struct Timed {
    started: Instant,
    model: &'static str,
    operation: &'static str,
    /// The `Db`'s slow-operation threshold, when one is set.
    slow: Option<Duration>,
    /// The plan shown by a slow-operation warning (computed only when a threshold is set).
    summary: Option<String>,
}

impl Operation {
    /// Starts the span of `operation` (a `statement` kind) on `table`.
    pub(crate) fn start(
        db: &Db,
        table: &'static TableMeta,
        operation: &'static str,
        statement: &'static str,
        options: &StatementOptions,
    ) -> Operation {
        Operation::on(db, table.model, table.name, operation, statement, options)
    }

    /// Starts the span of an operation on `model`'s `table` (empty for a batch, which
    /// may write several).
    pub(crate) fn on(
        db: &Db,
        model: &'static str,
        table: &'static str,
        operation: &'static str,
        statement: &'static str,
        options: &StatementOptions,
    ) -> Operation {
        Operation::begin(db, model, table, operation, statement, options.consistency)
    }

    /// [`on`](Self::on), given the one option a span records.
    fn begin(
        db: &Db,
        model: &'static str,
        table: &'static str,
        operation: &'static str,
        statement: &'static str,
        consistency: Option<Consistency>,
    ) -> Operation {
        let span = tracing::info_span!(
            target: "orm_core",
            "orm",
            model,
            operation,
            table,
            statement,
            relation = Empty,
            consistency = Empty,
            rows = Empty,
            statements = Empty,
            pages = Empty,
            duration_us = Empty,
            error = Empty,
        );
        let slow = db.slow_operation_threshold();
        let timed = !span.is_disabled() || slow.is_some() || cfg!(feature = "metrics");
        if !span.is_disabled()
            && let Some(consistency) = consistency
        {
            span.record("consistency", tracing::field::debug(consistency));
        }
        let timed = timed.then(|| {
            Box::new(Timed {
                started: Instant::now(),
                model,
                operation,
                slow,
                summary: None,
            })
        });
        Operation { span, timed }
    }

    /// Records the relation an operation reads through (a relation's own `get`).
    pub(crate) fn relation(self, name: &'static str) -> Operation {
        if !self.span.is_disabled() {
            self.span.record("relation", name);
        }
        self
    }

    /// Keeps the plan a slow-operation warning shows: `explain` runs only when the `Db`
    /// has a slow-operation threshold.
    pub(crate) fn explained<E: std::fmt::Display>(
        mut self,
        explain: impl FnOnce() -> Option<E>,
    ) -> Operation {
        if let Some(timed) = &mut self.timed
            && timed.slow.is_some()
        {
            timed.summary = explain().map(|plan| plan.to_string());
        }
        self
    }

    /// The span, to run the operation's future in.
    pub(crate) fn span(&self) -> &Span {
        &self.span
    }

    /// Runs `future` inside the span, then records its outcome as [`finish`](Self::finish)
    /// does. One future around `future` (no `async` layers: each would hold and copy it).
    pub(crate) fn run<T, F, R, S>(
        self,
        future: F,
        rows: R,
        statements: S,
    ) -> Traced<'static, F, R, S>
    where
        F: Future<Output = Result<T, Error>>,
        R: FnOnce(&T) -> Option<usize>,
        S: FnOnce(&T) -> Option<u64>,
    {
        Traced {
            future,
            start: None,
            operation: Some(self),
            ends: Some((rows, statements)),
        }
    }

    /// Records the outcome: `rows` read (when a read), `statements` sent, the duration and
    /// the error kind.
    pub(crate) fn finish<T>(
        &self,
        result: &Result<T, Error>,
        rows: impl FnOnce(&T) -> Option<usize>,
        statements: impl FnOnce(&T) -> Option<u64>,
    ) {
        match result {
            Ok(value) => self.end(rows(value), statements(value), None),
            Err(error) => self.end(None, None, Some(error_kind(error))),
        }
    }

    /// Records a failure before the operation's stream or result existed.
    pub(crate) fn failed(&self, error: &Error) {
        self.end(None, None, Some(error_kind(error)));
    }

    /// The one place an operation ends: its span's fields, its metrics (with the
    /// `metrics` feature) and the slow-operation warning.
    fn end(&self, rows: Option<usize>, statements: Option<u64>, error: Option<&'static str>) {
        let Some(timed) = &self.timed else {
            return;
        };
        let elapsed = timed.started.elapsed();
        if !self.span.is_disabled() {
            if let Some(rows) = rows {
                self.span.record("rows", rows);
            }
            if let Some(statements) = statements {
                self.span.record("statements", statements);
            }
            if let Some(error) = error {
                self.span.record("error", error);
            }
            self.span.record("duration_us", elapsed.as_micros() as u64);
        }
        #[cfg(feature = "metrics")]
        crate::metrics::operation(timed.model, timed.operation, elapsed, error);
        if let Some(threshold) = timed.slow
            && elapsed >= threshold
        {
            let _inside = self.span.enter();
            tracing::warn!(
                target: "orm_core",
                model = timed.model,
                operation = timed.operation,
                duration_us = elapsed.as_micros() as u64,
                threshold_us = threshold.as_micros() as u64,
                plan = timed.summary.as_deref().unwrap_or("(no plan)"),
                "slow operation",
            );
        }
    }
}

/// An operation not started yet: what starting its span needs.
#[derive(Clone, Copy)]
struct Start<'a> {
    db: &'a Db,
    table: &'static TableMeta,
    operation: &'static str,
    statement: &'static str,
    consistency: Option<Consistency>,
}

impl Start<'_> {
    fn begin(self) -> Operation {
        let table = self.table;
        Operation::begin(
            self.db,
            table.model,
            table.name,
            self.operation,
            self.statement,
            self.consistency,
        )
    }
}

pin_project_lite::pin_project! {
    /// A future polled inside its operation's span, which ends with the future's outcome
    /// ([`Operation::run`], [`write`]). Nothing listening, a poll is the inner future's own
    /// behind one check of the span.
    pub(crate) struct Traced<'a, F, R, S> {
        #[pin]
        future: F,
        // A write's operation starts at the first poll, as an `async fn`'s would: building
        // the future and awaiting it later neither opens the span nor starts the clock.
        start: Option<Start<'a>>,
        operation: Option<Operation>,
        // What the end records; taken when the future completes.
        ends: Option<(R, S)>,
    }
}

impl<F, T, R, S> Future for Traced<'_, F, R, S>
where
    F: Future<Output = Result<T, Error>>,
    R: FnOnce(&T) -> Option<usize>,
    S: FnOnce(&T) -> Option<u64>,
{
    type Output = Result<T, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        if let Some(start) = this.start.take() {
            *this.operation = Some(start.begin());
        }
        let Some(operation) = this.operation.as_ref() else {
            return this.future.poll(cx);
        };
        let polled = if operation.span.is_disabled() {
            this.future.poll(cx)
        } else {
            let _inside = operation.span.enter();
            this.future.poll(cx)
        };
        if let Poll::Ready(result) = &polled
            && let Some((rows, statements)) = this.ends.take()
        {
            operation.finish(result, rows, statements);
        }
        polled
    }
}

/// A write's [`Traced`] future: no rows, one statement.
pub(crate) type TracedWrite<'a, F, T> =
    Traced<'a, F, fn(&T) -> Option<usize>, fn(&T) -> Option<u64>>;

/// Runs a write's `future` inside the span of `operation` on `table`, started when the
/// future is first polled: one statement, no rows. Not an `async fn`: the one future
/// returned holds `future` itself, with no layer between them holding a copy. Of the
/// write's options, the span records only its `consistency`.
pub(crate) fn write<'a, T, F>(
    db: &'a Db,
    table: &'static TableMeta,
    operation: &'static str,
    statement: &'static str,
    consistency: Option<Consistency>,
    future: F,
) -> TracedWrite<'a, F, T>
where
    F: Future<Output = Result<T, Error>>,
{
    let start = Start {
        db,
        table,
        operation,
        statement,
        consistency,
    };
    Traced {
        future,
        start: Some(start),
        operation: None,
        ends: Some((|_| None, |_| Some(1))),
    }
}

/// A stream of rows inside an operation's span: each poll runs in the span, the rows are
/// counted, and the operation ends (rows, duration, error kind) when the stream ends,
/// fails, or is dropped. One statement, as [`Db::statements_executed`] counts a stream.
pub(crate) struct TracedStream<S> {
    inner: Pin<Box<S>>,
    trace: StreamTrace,
}

impl<S> TracedStream<S> {
    /// `inner`, traced by `operation`, each poll inside its span: for a stream whose
    /// polls send statements (a many-to-many stream reads related rows as it goes).
    pub(crate) fn new(operation: Operation, inner: S) -> Self {
        TracedStream {
            inner: Box::pin(inner),
            trace: StreamTrace::new(operation, true),
        }
    }
}

impl<S, T> Stream for TracedStream<S>
where
    S: Stream<Item = Result<T, Error>>,
{
    type Item = Result<T, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        let inner = this.inner.as_mut();
        this.trace.poll(|| inner.poll_next(cx))
    }
}

/// What a stream keeps to end its operation: nothing (`None`) when nothing listens (no
/// subscriber, no threshold, no `metrics` feature), so that such a stream's poll is its
/// own behind one check ([`is_listening`](Self::is_listening)). Ends the operation when
/// the stream ends, fails or is dropped.
pub(crate) struct StreamTrace {
    tracing: Option<Box<Tracing>>,
}

/// What a traced stream keeps to end its operation.
struct Tracing {
    operation: Operation,
    rows: usize,
    /// Whether polling the stream sends statements (which then belong in the span), so
    /// each poll enters the span.
    enter: bool,
}

impl StreamTrace {
    /// The end of `operation`'s stream; `enter`: whether each poll runs inside the span
    /// (a stream whose polls send statements; not a driver pager, whose pages are
    /// fetched by the driver's own task, so that a listening subscriber does not enter
    /// and leave the span once per row).
    pub(crate) fn new(operation: Operation, enter: bool) -> Self {
        let tracing = operation.timed.is_some().then(|| {
            Box::new(Tracing {
                operation,
                rows: 0,
                enter,
            })
        });
        StreamTrace { tracing }
    }

    /// A stream with no operation of its own to end.
    pub(crate) fn idle() -> Self {
        StreamTrace { tracing: None }
    }

    /// Whether anything listens: otherwise [`poll`](Self::poll) need not be called.
    #[inline]
    pub(crate) fn is_listening(&self) -> bool {
        self.tracing.is_some()
    }

    /// Runs one `poll` of the stream (inside the span when polls send statements),
    /// counts its row, and ends the operation when the stream ends or fails. Never
    /// inlined: a stream nobody listens to does not pay for it in its own poll.
    #[inline(never)]
    pub(crate) fn poll<T>(
        &mut self,
        poll: impl FnOnce() -> Poll<Option<Result<T, Error>>>,
    ) -> Poll<Option<Result<T, Error>>> {
        let Some(tracing) = self.tracing.as_deref_mut() else {
            return poll();
        };
        let polled = if tracing.enter {
            let _inside = tracing.operation.span.enter();
            poll()
        } else {
            poll()
        };
        match &polled {
            Poll::Ready(Some(Ok(_))) => tracing.rows += 1,
            Poll::Ready(Some(Err(error))) => self.end(Some(error_kind(error))),
            Poll::Ready(None) => self.end(None),
            Poll::Pending => {}
        }
        polled
    }

    /// Ends the operation with `error`: the stream could not be built.
    pub(crate) fn failed(mut self, error: &Error) {
        self.end(Some(error_kind(error)));
    }

    fn end(&mut self, error: Option<&'static str>) {
        if let Some(tracing) = self.tracing.take() {
            tracing.operation.end(Some(tracing.rows), Some(1), error);
        }
    }
}

impl Drop for StreamTrace {
    fn drop(&mut self) {
        self.end(None);
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
