//! Writes by primary key: an update of one column and a delete of one row, each written
//! once per side. They go to the table `insert` writes (`bench_write`), at the keys `find`
//! reads in `bench_read`, so neither changes what `find` and `stream` read.

use orm_core::Model;

use crate::Result;
use crate::args::{Op, Side};
use crate::charybdis;
use crate::ops::{Ctx, drive};
use crate::tables::WriteRow;

/// The value `update` writes.
pub(crate) const NEW_NAME: &str = "renamed";

/// `n` writes `op` (`Op::Update`: one column; `Op::Delete`: the row) by full primary key
/// on one side, starting at `offset` in the key list.
///
/// One `drive` per side and write, as `insert` and `find` are: each side's future is then
/// the size its own code makes it. One closure matching on the side would make every side
/// carry the largest arm's future (the raw driver's, about 4 KB, held inline) and copy it
/// into the task set per operation.
pub(crate) async fn run_key_write(
    ctx: &Ctx,
    op: Op,
    side: Side,
    concurrency: usize,
    n: usize,
    offset: usize,
) -> Result<u64> {
    let db = &ctx.db;
    let session = ctx.session();
    let caching = &ctx.charybdis;
    let key = |i| ctx.find_key(offset, i);
    match (side, op) {
        (Side::Orm, Op::Update) => {
            drive(n, concurrency, |i| async move {
                WriteRow::update(&key(i))
                    .set(WriteRow::NAME, NEW_NAME)
                    .execute(db)
                    .await?;
                Ok(1)
            })
            .await
        }
        (Side::Orm, _) => {
            drive(n, concurrency, |i| async move {
                WriteRow::delete_by_key(db, &key(i)).await?;
                Ok(1)
            })
            .await
        }
        (Side::Charybdis, Op::Update) => {
            drive(n, concurrency, |i| async move {
                charybdis::update_name(caching, key(i), NEW_NAME).await?;
                Ok(1)
            })
            .await
        }
        (Side::Charybdis, _) => {
            drive(n, concurrency, |i| async move {
                charybdis::delete(caching, key(i)).await?;
                Ok(1)
            })
            .await
        }
        (_, Op::Update) => {
            let raw = &ctx.raw_update;
            drive(n, concurrency, |i| async move {
                let (pk, ck) = key(i);
                session.execute_unpaged(raw, (NEW_NAME, pk, ck)).await?;
                Ok(1)
            })
            .await
        }
        (_, _) => {
            let raw = &ctx.raw_delete;
            drive(n, concurrency, |i| async move {
                session.execute_unpaged(raw, key(i)).await?;
                Ok(1)
            })
            .await
        }
    }
}
