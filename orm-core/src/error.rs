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
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No session could be opened.
    #[error("could not connect to {uri}: {source}")]
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
    #[error("could not use keyspace {keyspace}: {source}")]
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
    #[error("could not prepare `{cql}`: {source}")]
    Prepare {
        /// The statement text.
        cql: Cow<'static, str>,
        /// The driver's reason.
        #[source]
        source: Box<PrepareError>,
    },
    /// A statement failed to execute.
    #[error("`{cql}` failed: {source}")]
    Execute {
        /// The statement text.
        cql: Cow<'static, str>,
        /// The driver's reason.
        #[source]
        source: Box<ExecutionError>,
    },
    /// A paged read failed to start.
    #[error("`{cql}` failed: {source}")]
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
    #[error("could not read {model} rows from `{cql}`: {source}")]
    Rows {
        /// The Rust type the rows were read into.
        model: &'static str,
        /// The statement text.
        cql: Cow<'static, str>,
        /// What went wrong.
        #[source]
        source: RowsReadError,
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
