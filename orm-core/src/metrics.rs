//! The `metrics` feature: what every operation cost, through the
//! [`metrics`](https://docs.rs/metrics) facade, for whichever recorder the program
//! installs (Prometheus, StatsD, ...). Nothing here is compiled without the feature.
//!
//! | name | kind | labels | recorded |
//! | --- | --- | --- | --- |
//! | `orm_statements_total` | counter | | per request sent (a page, a statement, a batch, a stream), where [`Db::statements_executed`](crate::Db::statements_executed) counts it |
//! | `orm_operations_total` | counter | `model`, `operation` | when an operation ends (where its span ends) |
//! | `orm_errors_total` | counter | `model`, `operation`, `kind` | when an operation fails; `kind` as in its span's `error` field |
//! | `orm_operation_duration_seconds` | histogram | `model`, `operation` | when an operation ends |
//!
//! `Model::insert` and `Model::find`, the hot paths, are no operation of their own (no span,
//! not in `orm_operations_total`); their statements are counted.
//!
//! Retries happen inside the driver: [`Db::driver_metrics`](crate::Db::driver_metrics)
//! gives its counters (requests, errors, retries, timeouts) and latency percentiles.

use std::time::Duration;

/// One request sent.
pub(crate) fn statement() {
    ::metrics::counter!("orm_statements_total").increment(1);
}

/// An operation ended, after `elapsed`, failing with an error of `kind` when `Some`.
pub(crate) fn operation(
    model: &'static str,
    operation: &'static str,
    elapsed: Duration,
    error: Option<&'static str>,
) {
    let labels = [("model", model), ("operation", operation)];
    ::metrics::counter!("orm_operations_total", &labels).increment(1);
    ::metrics::histogram!("orm_operation_duration_seconds", &labels).record(elapsed.as_secs_f64());
    if let Some(kind) = error {
        ::metrics::counter!(
            "orm_errors_total",
            "model" => model,
            "operation" => operation,
            "kind" => kind
        )
        .increment(1);
    }
}
