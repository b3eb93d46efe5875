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
    let raw = if op == Op::Update {
        &ctx.raw_update
    } else {
        &ctx.raw_delete
    };
    drive(n, concurrency, |i| async move {
        let key = ctx.find_key(offset, i);
        match (side, op) {
            (Side::Orm, Op::Update) => {
                WriteRow::update(&key)
                    .set(WriteRow::NAME, NEW_NAME)
                    .execute(db)
                    .await?
            }
            (Side::Orm, _) => WriteRow::delete_by_key(db, &key).await?,
            (Side::Charybdis, Op::Update) => {
                charybdis::update_name(&ctx.charybdis, key, NEW_NAME).await?
            }
            (Side::Charybdis, _) => charybdis::delete(&ctx.charybdis, key).await?,
            (_, Op::Update) => {
                session
                    .execute_unpaged(raw, (NEW_NAME, key.0, key.1))
                    .await?;
            }
            (_, _) => {
                session.execute_unpaged(raw, key).await?;
            }
        }
        Ok(1)
    })
    .await
}
