//! What kind of failure an [`Error`] is, for code that reacts to faults: a timeout, too
//! few replicas alive for the consistency asked, or anything else.

use scylla::errors::{
    DbError, ExecutionError, NextPageError, PagerExecutionError, RequestAttemptError, RequestError,
};
use scylla::statement::Consistency;

use crate::error::Error;

/// Too few replicas were alive to reach the consistency a statement asked for; the
/// statement was not applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unavailable {
    /// The consistency level that could not be met.
    pub consistency: Consistency,
    /// How many replicas it needs.
    pub required: i32,
    /// How many were alive.
    pub alive: i32,
}

impl Error {
    /// Whether the call ran out of time: the client-side timeout of a statement or of its
    /// preparation, a connect timeout, or a server-side read or write timeout (for a
    /// write, it may still have been applied on some replicas).
    ///
    /// # Example
    /// ```
    /// let err = orm_core::Error::Timeout {
    ///     cql: "SELECT 1".into(),
    ///     after: std::time::Duration::from_secs(1),
    /// };
    /// assert!(err.is_timeout());
    /// ```
    pub fn is_timeout(&self) -> bool {
        match self {
            Error::Timeout { .. } | Error::ConnectTimeout { .. } => true,
            Error::Execute { source, .. } => execution_timed_out(source),
            Error::Pager { source, .. } => match source.as_ref() {
                PagerExecutionError::NextPageError(NextPageError::RequestFailure(failure)) => {
                    match failure {
                        RequestError::RequestTimeout(_) => true,
                        RequestError::LastAttemptError(RequestAttemptError::DbError(db, _)) => {
                            matches!(db, DbError::ReadTimeout { .. })
                        }
                        _ => false,
                    }
                }
                _ => false,
            },
            _ => false,
        }
    }

    /// The consistency level that could not be met because too few replicas were alive,
    /// if that is why the statement failed.
    pub fn unavailable(&self) -> Option<Unavailable> {
        let Error::Execute { source, .. } = self else {
            return None;
        };
        match db_error(source)? {
            DbError::Unavailable {
                consistency,
                required,
                alive,
            } => Some(Unavailable {
                consistency: *consistency,
                required: *required,
                alive: *alive,
            }),
            _ => None,
        }
    }
}

fn db_error(error: &ExecutionError) -> Option<&DbError> {
    match error {
        ExecutionError::LastAttemptError(RequestAttemptError::DbError(db, _)) => Some(db),
        _ => None,
    }
}

fn execution_timed_out(error: &ExecutionError) -> bool {
    match error {
        ExecutionError::RequestTimeout(_) => true,
        other => matches!(
            db_error(other),
            Some(DbError::ReadTimeout { .. } | DbError::WriteTimeout { .. })
        ),
    }
}
