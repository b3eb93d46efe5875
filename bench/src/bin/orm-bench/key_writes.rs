//! Writes by primary key: an update of one column and a delete of one row, each written
//! once per side. They go to the table `insert` writes (`bench_write`), at the keys `find`
//! reads in `bench_read`, so neither changes what `find` and `stream` read.

use orm_core::Model;

use crate::Result;
use crate::args::Side;
use crate::ops::{Ctx, drive};
use crate::tables::WriteRow;

/// The value `update` writes.
pub(crate) const NEW_NAME: &str = "renamed";

/// `n` updates of one column by full primary key on one side, starting at `offset` in the
/// key list.
pub(crate) async fn run_update(
    ctx: &Ctx,
    side: Side,
    concurrency: usize,
    n: usize,
    offset: usize,
) -> Result<u64> {
    let db = &ctx.db;
    let session = ctx.session();
    let prepared = &ctx.raw_update;
    match side {
        Side::Orm => {
            drive(n, concurrency, |i| async move {
                let key = ctx.find_key(offset, i);
                WriteRow::update(&key)
                    .set(WriteRow::NAME, NEW_NAME)
                    .execute(db)
                    .await?;
                Ok(1)
            })
            .await
        }
        Side::Raw | Side::RawTuple | Side::RawModel => {
            drive(n, concurrency, |i| async move {
                let (pk, ck) = ctx.find_key(offset, i);
                session
                    .execute_unpaged(prepared, (NEW_NAME, pk, ck))
                    .await?;
                Ok(1)
            })
            .await
        }
    }
}

/// `n` deletes of one row by full primary key on one side, starting at `offset`.
pub(crate) async fn run_delete(
    ctx: &Ctx,
    side: Side,
    concurrency: usize,
    n: usize,
    offset: usize,
) -> Result<u64> {
    let db = &ctx.db;
    let session = ctx.session();
    let prepared = &ctx.raw_delete;
    match side {
        Side::Orm => {
            drive(n, concurrency, |i| async move {
                let key = ctx.find_key(offset, i);
                WriteRow::delete_by_key(db, &key).await?;
                Ok(1)
            })
            .await
        }
        Side::Raw | Side::RawTuple | Side::RawModel => {
            drive(n, concurrency, |i| async move {
                let key = ctx.find_key(offset, i);
                session.execute_unpaged(prepared, key).await?;
                Ok(1)
            })
            .await
        }
    }
}
