//! Lifecycle hooks: a model may check (and refuse) its own writes.

use crate::model::Model;
use crate::write::{Delete, Update};

/// Why a hook refused an operation; returned to the caller as [`Error::Rejected`].
///
/// [`Error::Rejected`]: crate::Error::Rejected
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Rejection(pub String);

impl Rejection {
    /// A rejection with this reason.
    pub fn new(reason: impl Into<String>) -> Self {
        Rejection(reason.into())
    }
}

/// Code a model runs around its writes through the ORM. Every method has a default that
/// does nothing; a `before_*` hook returning `Err` stops the write before anything is sent.
///
/// `#[derive(Model)]` implements this trait with the defaults, unless the struct says
/// `#[orm(hooks)]`: then the program implements it.
///
/// # Example
/// ```
/// use orm_core::{Hooks, Model, Rejection};
///
/// #[derive(Model)]
/// #[orm(hooks)]
/// struct Account {
///     #[orm(partition_key)]
///     id: i64,
///     email: String,
/// }
///
/// impl Hooks for Account {
///     fn before_insert(&self) -> Result<(), Rejection> {
///         if self.email.contains('@') {
///             Ok(())
///         } else {
///             Err(Rejection::new(format!("{:?} is not an email address", self.email)))
///         }
///     }
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` says `#[orm(hooks)]` but does not implement `orm_core::Hooks`",
    label = "add `impl orm_core::Hooks for {Self} {{ ... }}`, or remove `hooks` from `#[orm(...)]`"
)]
pub trait Hooks {
    /// Whether this is `#[derive(Model)]`'s own implementation, every hook the default:
    /// then a write may skip building what only its hooks would read.
    #[doc(hidden)]
    const __DEFAULT_HOOKS: bool = false;

    /// Before a row is inserted.
    fn before_insert(&self) -> Result<(), Rejection> {
        Ok(())
    }

    /// After a row was inserted (for an insert-if-not-exists, only if it applied).
    fn after_insert(&self) {}

    /// Before an update runs; `update` tells which columns it assigns.
    fn before_update<K>(update: &Update<Self, K>) -> Result<(), Rejection>
    where
        Self: Model,
    {
        let _ = update;
        Ok(())
    }

    /// After an update ran (a conditional one: only if it applied).
    fn after_update<K>(update: &Update<Self, K>)
    where
        Self: Model,
    {
        let _ = update;
    }

    /// Before a delete runs; `delete` tells its conditions.
    fn before_delete<K>(delete: &Delete<Self, K>) -> Result<(), Rejection>
    where
        Self: Model,
    {
        let _ = delete;
        Ok(())
    }

    /// After a delete ran (a conditional one: only if it applied).
    fn after_delete<K>(delete: &Delete<Self, K>)
    where
        Self: Model,
    {
        let _ = delete;
    }
}
