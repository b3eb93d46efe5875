//! Connecting, loading the rows `find` and `stream` read, and warming up.

use std::sync::atomic::AtomicU64;

use orm_core::Db;
use orm_core::Model;
use scylla::client::session::Session;
use uuid::Uuid;

use crate::args::{Args, Op};
use crate::charybdis;
use crate::key_writes::run_key_write;
use crate::ops::{Ctx, drive, run_find, run_insert, run_stream};
use crate::tables::{
    FIND_PARTITIONS, FIND_ROWS_PER_PARTITION, RAW_DELETE, RAW_FIND, RAW_INSERT,
    RAW_INSERT_READ_TABLE, RAW_STREAM, RAW_UPDATE, ReadRow, STREAM_ROWS, WriteRow, find_partition,
    row_values, stream_partition,
};
use crate::{BoxError, KEYSPACE, Result};

/// Whether a previous run left the rows `find` and `stream` read (checked roughly: the
/// stream partition and the last find partition are complete).
pub(crate) async fn loaded(session: &Session, stream_pk: Uuid) -> Result<bool> {
    let count = |pk: Uuid| async move {
        let (count,) = session
            .query_unpaged("SELECT COUNT(*) FROM bench_read WHERE pk = ?", (pk,))
            .await?
            .into_rows_result()?
            .first_row::<(i64,)>()?;
        Ok::<i64, BoxError>(count)
    };
    Ok(count(stream_pk).await? == STREAM_ROWS
        && count(find_partition(FIND_PARTITIONS - 1)).await? == FIND_ROWS_PER_PARTITION)
}

pub(crate) async fn setup(args: &Args) -> Result<Ctx> {
    let db = Db::connect(&args.uri).await.map_err(|err| {
        format!(
            "{err}\nno CQL server at {}? start one with `scripts/db up` or set SCYLLA_URI",
            args.uri
        )
    })?;
    if !args.reuse_data {
        eprintln!("dropping and creating keyspace {KEYSPACE} (replication factor 1)");
    }
    orm_bench::use_keyspace(&db, KEYSPACE, !args.reuse_data).await?;
    ReadRow::create_table(&db).await?;
    WriteRow::create_table(&db).await?;

    let session = db.session();
    let raw_insert = session.prepare(RAW_INSERT).await?;
    let raw_find = session.prepare(RAW_FIND).await?;
    let raw_stream = session.prepare(RAW_STREAM).await?;
    let raw_update = session.prepare(RAW_UPDATE).await?;
    let raw_delete = session.prepare(RAW_DELETE).await?;
    let load = session.prepare(RAW_INSERT_READ_TABLE).await?;

    // The data read: one 10,000-row partition, and FIND_PARTITIONS small partitions.
    let stream_pk = stream_partition();
    let mut keys: Vec<(Uuid, i64)> = (0..STREAM_ROWS).map(|ck| (stream_pk, ck)).collect();
    let find_keys: Vec<(Uuid, i64)> = (0..FIND_PARTITIONS)
        .flat_map(|p| (0..FIND_ROWS_PER_PARTITION).map(move |ck| (find_partition(p), ck)))
        .collect();
    keys.extend(&find_keys);
    if args.reuse_data && loaded(session, stream_pk).await? {
        eprintln!("reusing the rows of bench_read");
    } else {
        eprintln!("loading {} rows into bench_read", keys.len());
        let load = &load;
        drive(keys.len(), 64, |i| {
            let (pk, ck) = keys[i];
            async move {
                let (name, payload, score, views) = row_values(pk, ck);
                session
                    .execute_unpaged(load, (pk, ck, name, payload, score, views))
                    .await?;
                Ok(1)
            }
        })
        .await?;
    }

    // Visit the find keys in a scattered but fixed order.
    let mut find_keys = find_keys;
    let len = find_keys.len();
    let scattered: Vec<(Uuid, i64)> = (0..len).map(|i| find_keys[(i * 7919) % len]).collect();
    find_keys = scattered;

    let charybdis = charybdis::connect(&args.uri, KEYSPACE).await?;

    Ok(Ctx {
        db,
        raw_insert,
        raw_find,
        raw_stream,
        raw_update,
        raw_delete,
        find_keys,
        stream_pk,
        charybdis,
        insert_serial: AtomicU64::new(0),
    })
}

pub(crate) async fn warm_up(ctx: &Ctx, args: &Args) -> Result<()> {
    if args.warmup == 0 {
        return Ok(());
    }
    let streams = (args.warmup / 100).max(4);
    eprintln!(
        "warming up: {} inserts, {} finds and {streams} streams per side",
        args.warmup, args.warmup
    );
    for &side in &args.sides {
        for &op in &args.only {
            if !side.applies_to(op) {
                continue;
            }
            match op {
                Op::Insert => {
                    let rows = ctx.rows_to_insert(args.warmup, side);
                    run_insert(ctx, side, 64, rows.slice(0..rows.len())).await?;
                    run_insert(ctx, side, 1, rows.slice(0..rows.len().min(100))).await?;
                }
                Op::Find => {
                    run_find(ctx, side, 64, args.warmup, 0).await?;
                    run_find(ctx, side, 1, args.warmup.min(100), 0).await?;
                }
                Op::Stream => {
                    run_stream(ctx, side, 8, streams).await?;
                    run_stream(ctx, side, 1, 2).await?;
                }
                Op::Update | Op::Delete => {
                    run_key_write(ctx, op, side, 64, args.warmup, 0).await?;
                    run_key_write(ctx, op, side, 1, args.warmup.min(100), 0).await?;
                }
            }
        }
    }
    Ok(())
}
