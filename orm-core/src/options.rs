//! Per-statement settings: consistency, timeouts, tracing, idempotence, page size.

use std::time::Duration;

use scylla::statement::batch::Batch;
use scylla::statement::prepared::PreparedStatement;
use scylla::statement::{Consistency, SerialConsistency};

/// Settings applied to one execution of a statement; unset ones keep the session's
/// defaults.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StatementOptions {
    /// The consistency level.
    pub consistency: Option<Consistency>,
    /// The serial consistency level of conditional (LWT) writes.
    pub serial_consistency: Option<SerialConsistency>,
    /// The client-side request timeout.
    pub timeout: Option<Duration>,
    /// Whether the server traces the request (its tracing id is logged at `info`).
    pub tracing: bool,
    /// Whether the statement may be retried or speculatively executed safely.
    pub idempotent: Option<bool>,
    /// Rows per page when reading (the driver's default is 5000).
    pub page_size: Option<i32>,
}

/// Every setting left to the session, borrowable for as long as a write's future lives
/// (a fixed write with no options of its own borrows this instead of holding a copy).
pub(crate) static UNSET: StatementOptions = StatementOptions {
    consistency: None,
    serial_consistency: None,
    timeout: None,
    tracing: false,
    idempotent: None,
    page_size: None,
};

impl StatementOptions {
    /// Checks settings the driver would otherwise panic on.
    pub(crate) fn check(&self) -> Result<(), crate::query::QueryError> {
        match self.page_size {
            Some(rows) if rows <= 0 => Err(crate::query::QueryError::NotPositive {
                what: "page size",
                value: rows.into(),
            }),
            _ => Ok(()),
        }
    }

    /// Whether every setting is left to the session.
    pub fn is_default(&self) -> bool {
        *self == StatementOptions::default()
    }

    /// A copy of `prepared` with these settings; prepared statements share their
    /// server-side id, so the copy costs a few pointer clones.
    pub(crate) fn apply(&self, prepared: &PreparedStatement) -> PreparedStatement {
        let mut statement = prepared.clone();
        self.apply_common(&mut statement);
        if let Some(page_size) = self.page_size {
            statement.set_page_size(page_size);
        }
        statement
    }

    /// Applies these settings to a batch (the page size does not apply).
    pub(crate) fn apply_to_batch(&self, batch: &mut Batch) {
        self.apply_common(batch);
    }

    fn apply_common(&self, target: &mut impl Tunable) {
        if let Some(consistency) = self.consistency {
            target.consistency(consistency);
        }
        if let Some(serial) = self.serial_consistency {
            target.serial_consistency(serial);
        }
        if let Some(timeout) = self.timeout {
            target.timeout(timeout);
        }
        if self.tracing {
            target.tracing();
        }
        if let Some(idempotent) = self.idempotent {
            target.idempotent(idempotent);
        }
    }
}

/// The settings the driver's prepared statements and batches share (with no common
/// trait in the driver).
trait Tunable {
    fn consistency(&mut self, consistency: Consistency);
    fn serial_consistency(&mut self, serial: SerialConsistency);
    fn timeout(&mut self, timeout: Duration);
    fn tracing(&mut self);
    fn idempotent(&mut self, idempotent: bool);
}

macro_rules! tunable {
    ($($target:ty),*) => {$(
        impl Tunable for $target {
            fn consistency(&mut self, consistency: Consistency) {
                self.set_consistency(consistency);
            }
            fn serial_consistency(&mut self, serial: SerialConsistency) {
                self.set_serial_consistency(Some(serial));
            }
            fn timeout(&mut self, timeout: Duration) {
                self.set_request_timeout(Some(timeout));
            }
            fn tracing(&mut self) {
                self.set_tracing(true);
            }
            fn idempotent(&mut self, idempotent: bool) {
                self.set_is_idempotent(idempotent);
            }
        }
    )*};
}

tunable!(PreparedStatement, Batch);

/// Chainable per-statement settings, for every builder that runs a statement.
///
/// # Example
/// ```
/// use std::time::Duration;
/// use orm_core::{Model, prelude::*};
/// use orm_core::scylla::statement::Consistency;
///
/// #[derive(Model)]
/// struct User {
///     #[orm(partition_key)]
///     id: i64,
/// }
///
/// let query = User::query()
///     .filter(User::ID.eq(1))
///     .consistency(Consistency::LocalQuorum)
///     .timeout(Duration::from_secs(2))
///     .idempotent(true);
/// assert_eq!(query.options().consistency, Some(Consistency::LocalQuorum));
/// ```
pub trait Configure: Sized {
    /// The settings this builder will run with.
    fn options(&self) -> &StatementOptions;

    /// Mutable access to the settings.
    fn options_mut(&mut self) -> &mut StatementOptions;

    /// Sets the consistency level.
    fn consistency(mut self, consistency: Consistency) -> Self {
        self.options_mut().consistency = Some(consistency);
        self
    }

    /// Sets the serial consistency of a conditional write.
    fn serial_consistency(mut self, serial: SerialConsistency) -> Self {
        self.options_mut().serial_consistency = Some(serial);
        self
    }

    /// Sets the request timeout.
    fn timeout(mut self, timeout: Duration) -> Self {
        self.options_mut().timeout = Some(timeout);
        self
    }

    /// Asks the server to trace the request.
    fn tracing(mut self, enabled: bool) -> Self {
        self.options_mut().tracing = enabled;
        self
    }

    /// Marks the statement idempotent (safe to retry), or not.
    fn idempotent(mut self, idempotent: bool) -> Self {
        self.options_mut().idempotent = Some(idempotent);
        self
    }

    /// Sets the rows per page when reading.
    fn page_size(mut self, rows: i32) -> Self {
        self.options_mut().page_size = Some(rows);
        self
    }
}

/// Implements [`Configure`] for a builder that keeps its settings in a field named
/// `options`: `configure_by_options_field!(impl[M, K] Delete<M, K>);`, the generics in
/// brackets, attributes (a doc comment) before `impl`.
macro_rules! configure_by_options_field {
    ($(#[$attr:meta])* impl[$($generics:tt)*] $builder:ty) => {
        $(#[$attr])*
        impl<$($generics)*> $crate::options::Configure for $builder {
            fn options(&self) -> &$crate::options::StatementOptions {
                &self.options
            }

            fn options_mut(&mut self) -> &mut $crate::options::StatementOptions {
                &mut self.options
            }
        }
    };
}

pub(crate) use configure_by_options_field;
