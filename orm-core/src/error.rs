//! The ORM's error type: every failure carries the CQL and, where known, the model.

use std::borrow::Cow;

use scylla::errors::{
    DeserializationError, ExecutionError, IntoRowsResultError, MaybeFirstRowError, NewSessionError,
    NextRowError, PagerExecutionError, PrepareError, RowsError, TypeCheckError, UseKeyspaceError,
};

use crate::query::QueryError;

/// Shorthand for `Result<T, orm_core::Error>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong between a model and the database.
///
/// The driver's errors are boxed: they are large, and `Result<T, Error>` is returned on
/// every hot path.
///
/// A variant wrapping another error says what the ORM was doing (with the CQL and the
/// model) and returns the inner error from [`source`](std::error::Error::source), without
/// repeating its text: print the whole chain to see both, as `anyhow`'s `{:#}` or a loop
/// over `source()` does.
///
/// # Example
/// ```
/// use std::error::Error as _;
/// use std::time::Duration;
/// use orm_core::Error;
/// use orm_core::scylla::errors::ExecutionError;
///
/// let error = Error::Execute {
///     cql: "SELECT 1".into(),
///     source: Box::new(ExecutionError::RequestTimeout(Duration::from_millis(5))),
/// };
/// assert_eq!(error.to_string(), "`SELECT 1` failed");
/// assert_eq!(
///     error.source().unwrap().to_string(),
///     "Request execution exceeded a client timeout of 5ms"
/// );
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No session could be opened.
    #[error("could not connect to {uri}")]
    Connect {
        /// The contact point that was tried.
        uri: String,
        /// The driver's reason.
        #[source]
        source: Box<NewSessionError>,
    },
    /// No contact point answered within the connect timeout.
    #[error("could not connect to {uri} within {after:?}")]
    ConnectTimeout {
        /// The contact points that were tried.
        uri: String,
        /// The connect timeout.
        after: std::time::Duration,
    },
    /// A statement's preparation did not finish within the statement's timeout (or the
    /// session's); nothing was executed.
    #[error("preparing `{cql}` took longer than its timeout of {after:?}")]
    Timeout {
        /// The statement text.
        cql: Cow<'static, str>,
        /// The timeout that ran out.
        after: std::time::Duration,
    },
    /// `USE keyspace` failed.
    #[error("could not use keyspace {keyspace}")]
    UseKeyspace {
        /// The keyspace name.
        keyspace: String,
        /// The driver's reason.
        #[source]
        source: Box<UseKeyspaceError>,
    },
    /// A name given at run time is not a valid CQL name.
    #[error("invalid {kind} name {name:?}: use 1 to 48 ASCII letters, digits or underscores")]
    InvalidName {
        /// What the name was for (`keyspace`, ...).
        kind: &'static str,
        /// The rejected name.
        name: String,
    },
    /// The server refused to prepare a statement.
    #[error("could not prepare `{cql}`")]
    Prepare {
        /// The statement text.
        cql: Cow<'static, str>,
        /// The driver's reason.
        #[source]
        source: Box<PrepareError>,
    },
    /// A statement failed to execute.
    #[error("`{cql}` failed")]
    Execute {
        /// The statement text.
        cql: Cow<'static, str>,
        /// The driver's reason.
        #[source]
        source: Box<ExecutionError>,
    },
    /// A paged read failed to start.
    #[error("`{cql}` failed")]
    Pager {
        /// The statement text.
        cql: Cow<'static, str>,
        /// The driver's reason.
        #[source]
        source: Box<PagerExecutionError>,
    },
    /// A model's hook refused the operation; nothing was sent.
    #[error("{model} refused to {operation}: {reason}")]
    Rejected {
        /// The model.
        model: &'static str,
        /// `insert`, `update` or `delete`.
        operation: &'static str,
        /// The hook's reason.
        reason: crate::hooks::Rejection,
    },
    /// A relation was read from a row it was not loaded for; load it with `with`.
    #[error(
        "{model}.{relation} was not loaded: add `.{method}(...)` for it to the query (loaded: {})",
        if loaded.is_empty() { "none".to_owned() } else { loaded.join(", ") }
    )]
    NotLoaded {
        /// The model.
        model: &'static str,
        /// The relation read.
        relation: &'static str,
        /// The query method that loads it (`with` or `with_count`).
        method: &'static str,
        /// The relations that were loaded.
        loaded: Vec<&'static str>,
    },
    /// A query was built in a way the model or CQL does not allow; nothing was sent.
    #[error(transparent)]
    Query(#[from] QueryError),
    /// Rows came back but could not be read into the model.
    #[error("could not read {model} rows from `{cql}`")]
    Rows {
        /// The Rust type the rows were read into.
        model: &'static str,
        /// The statement text.
        cql: Cow<'static, str>,
        /// What went wrong.
        #[source]
        source: RowsReadError,
    },
    /// [`Schema::sync`](crate::schema::Schema::sync) found changes it will not make; it ran
    /// nothing.
    #[error(
        "schema sync of keyspace {keyspace} ran nothing: {} change(s) refused: {}",
        refused.len(),
        refused.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
    )]
    SchemaRefused {
        /// The keyspace.
        keyspace: String,
        /// Each refused change, with its reason and the way to make it by hand.
        refused: Vec<crate::schema::Refusal>,
    },
    /// The nodes did not agree on the schema within the timeout after a DDL statement.
    #[error("the nodes did not agree on the schema within {after:?} after `{cql}`: {reason}")]
    SchemaAgreement {
        /// The statement that ran last.
        cql: String,
        /// The timeout.
        after: std::time::Duration,
        /// What the driver reported.
        reason: String,
    },
}

/// Why rows could not be read into a model.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RowsReadError {
    /// The response was not a rows result.
    #[error(transparent)]
    NotRows(#[from] Box<IntoRowsResultError>),
    /// The columns did not match the model.
    #[error(transparent)]
    TypeCheck(#[from] RowsError),
    /// The first row did not match the model.
    #[error(transparent)]
    FirstRow(#[from] MaybeFirstRowError),
    /// A row's value could not be deserialized.
    #[error(transparent)]
    Deserialize(#[from] DeserializationError),
    /// The columns did not match the row type.
    #[error(transparent)]
    Type(#[from] TypeCheckError),
    /// A conditional write's response had no `[applied]` column.
    #[error("the response has no `[applied]` column")]
    MissingLwtResult,
    /// Fetching or reading a later page failed.
    #[error(transparent)]
    NextRow(#[from] Box<NextRowError>),
}

#[cfg(test)]
mod tests {
    use std::error::Error as _;
    use std::time::Duration;

    use scylla::errors::{
        ExecutionError, NewSessionError, PagerExecutionError, PrepareError, UseKeyspaceError,
    };

    use super::*;
    use crate::row::RowShapeError;

    /// Every message of the chain starting at `error`, outermost first, as an error
    /// reporter (`anyhow`'s `{:#}`) prints it.
    fn chain(error: &Error) -> String {
        let first: &(dyn std::error::Error + 'static) = error;
        std::iter::successors(Some(first), |e| (*e).source())
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(": ")
    }

    #[test]
    fn a_wrapped_driver_error_appears_once_in_the_chain() {
        let cql: Cow<'static, str> = "SELECT * FROM \"post\"".into();
        let timeout = || ExecutionError::RequestTimeout(Duration::from_millis(5));
        let cases = [
            (
                Error::Connect {
                    uri: "db:9042".into(),
                    source: Box::new(NewSessionError::EmptyKnownNodesList),
                },
                "Empty known nodes list",
                "could not connect to db:9042",
            ),
            (
                Error::UseKeyspace {
                    keyspace: "blog".into(),
                    source: Box::new(UseKeyspaceError::RequestTimeout(Duration::from_millis(5))),
                },
                "5ms",
                "could not use keyspace blog",
            ),
            (
                Error::Prepare {
                    cql: cql.clone(),
                    source: Box::new(PrepareError::PreparedStatementIdsMismatch),
                },
                "Prepared statement id mismatch",
                "could not prepare `SELECT * FROM \"post\"`",
            ),
            (
                Error::Execute {
                    cql: cql.clone(),
                    source: Box::new(timeout()),
                },
                "exceeded a client timeout of 5ms",
                "`SELECT * FROM \"post\"` failed",
            ),
            (
                Error::Pager {
                    cql: cql.clone(),
                    source: Box::new(PagerExecutionError::PrepareError(
                        PrepareError::PreparedStatementIdsMismatch,
                    )),
                },
                // The driver's own message (its inner error repeats in its own chain).
                "Failed to prepare the statement to be used by the pager",
                "`SELECT * FROM \"post\"` failed",
            ),
            (
                Error::Rows {
                    model: "Post",
                    cql,
                    source: RowsReadError::Type(TypeCheckError::new(RowShapeError::ColumnType {
                        model: "Post",
                        column: "title",
                        reason: TypeCheckError::new(NewSessionError::EmptyKnownNodesList),
                    })),
                },
                "Empty known nodes list",
                "could not read Post rows from `SELECT * FROM \"post\"`",
            ),
        ];
        for (error, driver_text, message) in cases {
            let chain = chain(&error);
            assert_eq!(chain.matches(driver_text).count(), 1, "{chain}");
            assert_eq!(error.to_string(), message);
            assert!(error.source().is_some(), "{message} hides its cause");
        }
    }
}
