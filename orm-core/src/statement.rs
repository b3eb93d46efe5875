//! Fixed-shape statements: CQL rendered once per process, prepared once per [`Db`].
//!
//! A model's insert, find and delete never change shape, so each lives in a `static`
//! [`StaticStatement`] emitted by the derive. Its CQL text is rendered on first use and
//! kept for the life of the process; it also takes a small integer slot, which a [`Db`]
//! uses to find its prepared statement by index instead of hashing the CQL on every call.
//!
//! [`Db`]: crate::Db

use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

static NEXT_SLOT: AtomicUsize = AtomicUsize::new(0);

/// A statement whose CQL text never changes, declared as a `static`.
///
/// # Example
/// ```
/// use orm_core::StaticStatement;
///
/// static COUNT_USERS: StaticStatement = StaticStatement::new(|| "SELECT COUNT(*) FROM users".into());
///
/// assert_eq!(COUNT_USERS.cql(), "SELECT COUNT(*) FROM users");
/// ```
#[derive(Debug)]
pub struct StaticStatement {
    render: fn() -> String,
    cql: OnceLock<String>,
    slot: OnceLock<usize>,
}

impl StaticStatement {
    /// A statement whose text `render` produces on first use.
    pub const fn new(render: fn() -> String) -> Self {
        Self {
            render,
            cql: OnceLock::new(),
            slot: OnceLock::new(),
        }
    }

    /// A statement whose text is already rendered (at run time, once per process).
    pub(crate) fn rendered(cql: String) -> Self {
        Self {
            // Never called: the text is already there.
            render: String::new,
            cql: OnceLock::from(cql),
            slot: OnceLock::new(),
        }
    }

    /// The CQL text, rendered on the first call.
    pub fn cql(&'static self) -> &'static str {
        self.cql.get_or_init(self.render)
    }

    /// This statement's index in every [`Db`](crate::Db)'s prepared-statement table.
    pub(crate) fn slot(&'static self) -> usize {
        *self
            .slot
            .get_or_init(|| NEXT_SLOT.fetch_add(1, Ordering::Relaxed))
    }
}
