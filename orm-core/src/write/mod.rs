//! Writing models: inserts with options, updates, deletes, conditional writes, batches.

mod assignment;
mod batch;
mod delete;
mod insert;
mod keyed;
mod lwt;
mod update;
mod using;
mod value;

pub use assignment::{CounterValue, Removable};
pub use batch::{Batch, BatchItem, IntoBatchItem};
pub use delete::Delete;
pub use insert::{Insert, InsertIfNotExists, Inserted};
pub use lwt::LwtOutcome;
pub use update::Update;

pub(crate) use delete::delete_by_key;
pub(crate) use insert::insert_row;

use crate::error::{Error, Result};
use crate::hooks::Rejection;
use crate::meta::TableMeta;

/// A write whose outcome is unconditional: it returns `()`.
#[derive(Debug, Clone, Copy)]
pub struct Unconditional;

/// A conditional write (`IF ...`, a lightweight transaction): it returns whether it applied.
#[derive(Debug, Clone, Copy)]
pub struct Conditional;

/// Turns a hook's verdict into the ORM's error.
pub(crate) fn hook_verdict(
    table: &TableMeta,
    operation: &'static str,
    verdict: Result<(), Rejection>,
) -> Result<()> {
    verdict.map_err(|reason| Error::Rejected {
        model: table.model,
        operation,
        reason,
    })
}
