//! The operations, each written once per side: what is measured.

use std::future::Future;
use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};

use futures::{Stream, StreamExt, stream};
use orm_core::{Db, Model};
use scylla::client::caching_session::CachingSession;
use scylla::client::session::Session;
use scylla::deserialize::row::DeserializeRow;
use scylla::statement::prepared::PreparedStatement;
use uuid::Uuid;

use crate::args::Side;
use crate::charybdis::{self, ChWriteRow};
use crate::tables::{
    RawRow, RawTuple, ReadRow, STREAM_ROWS, WriteRow, insert_partition, write_row,
};
use crate::{BoxError, Result};

pub(crate) struct Ctx {
    pub(crate) db: Db,
    pub(crate) raw_insert: PreparedStatement,
    pub(crate) raw_find: PreparedStatement,
    pub(crate) raw_stream: PreparedStatement,
    pub(crate) raw_update: PreparedStatement,
    pub(crate) raw_delete: PreparedStatement,
    pub(crate) find_keys: Vec<(Uuid, i64)>,
    pub(crate) stream_pk: Uuid,
    /// charybdis's own session, in the same keyspace.
    pub(crate) charybdis: CachingSession,
    /// The next fresh insert partition.
    pub(crate) insert_serial: AtomicU64,
}

impl Ctx {
    pub(crate) fn session(&self) -> &Session {
        self.db.session()
    }

    /// `n` fresh rows for `side` to insert, made before the clock starts.
    pub(crate) fn rows_to_insert(&self, n: usize, side: Side) -> InsertRows {
        let first = self.insert_serial.fetch_add(n as u64, Ordering::Relaxed);
        let rows = (0..n as u64).map(|i| write_row(insert_partition(first + i), i as i64));
        match side {
            Side::Charybdis => InsertRows::Charybdis(rows.map(|r| ChWriteRow::from(&r)).collect()),
            _ => InsertRows::Model(rows.collect()),
        }
    }

    pub(crate) fn find_key(&self, offset: usize, i: usize) -> (Uuid, i64) {
        self.find_keys[(offset + i) % self.find_keys.len()]
    }
}

/// Rows to insert, in the type the side writes (converted before the clock starts).
pub(crate) enum InsertRows {
    Model(Vec<WriteRow>),
    Charybdis(Vec<ChWriteRow>),
}

impl InsertRows {
    pub(crate) fn len(&self) -> usize {
        match self {
            InsertRows::Model(rows) => rows.len(),
            InsertRows::Charybdis(rows) => rows.len(),
        }
    }

    /// The rows in `range`, in the same form.
    pub(crate) fn slice(&self, range: std::ops::Range<usize>) -> InsertSlice<'_> {
        match self {
            InsertRows::Model(rows) => InsertSlice::Model(&rows[range]),
            InsertRows::Charybdis(rows) => InsertSlice::Charybdis(&rows[range]),
        }
    }
}

/// A part of [`InsertRows`].
#[derive(Clone, Copy)]
pub(crate) enum InsertSlice<'a> {
    Model(&'a [WriteRow]),
    Charybdis(&'a [ChWriteRow]),
}

/// Runs `f(0..n)` with at most `concurrency` futures in flight; sums what they return.
pub(crate) async fn drive<F, Fut>(n: usize, concurrency: usize, f: F) -> Result<u64>
where
    F: FnMut(usize) -> Fut,
    Fut: Future<Output = Result<u64>>,
{
    let mut results = stream::iter(0..n).map(f).buffer_unordered(concurrency);
    let mut units = 0;
    while let Some(result) = results.next().await {
        units += result?;
    }
    Ok(units)
}

fn missing(what: &str) -> BoxError {
    format!("benchmark data missing: {what}").into()
}

fn check_stream(rows: u64) -> Result<u64> {
    if rows == STREAM_ROWS as u64 {
        Ok(rows)
    } else {
        Err(format!("streamed {rows} rows, expected {STREAM_ROWS}").into())
    }
}

/// Inserts `rows` on one side.
pub(crate) async fn run_insert(
    ctx: &Ctx,
    side: Side,
    concurrency: usize,
    rows: InsertSlice<'_>,
) -> Result<u64> {
    let db = &ctx.db;
    let session = ctx.session();
    let prepared = &ctx.raw_insert;
    let rows = match rows {
        InsertSlice::Charybdis(rows) => {
            return charybdis::insert(&ctx.charybdis, concurrency, rows).await;
        }
        InsertSlice::Model(rows) => rows,
    };
    match side {
        Side::Orm => {
            drive(rows.len(), concurrency, |i| async move {
                rows[i].insert(db).await?;
                Ok(1)
            })
            .await
        }
        Side::Raw | Side::RawTuple => {
            drive(rows.len(), concurrency, |i| async move {
                let r = &rows[i];
                session
                    .execute_unpaged(
                        prepared,
                        (r.pk, r.ck, &r.name, &r.payload, r.score, r.views),
                    )
                    .await?;
                Ok(1)
            })
            .await
        }
        Side::Charybdis => Err("charybdis inserts its own row type".into()),
        Side::RawModel => {
            drive(rows.len(), concurrency, |i| async move {
                session.execute_unpaged(prepared, &rows[i]).await?;
                Ok(1)
            })
            .await
        }
    }
}

/// `n` reads by full primary key on one side, starting at `offset` in the key list.
pub(crate) async fn run_find(
    ctx: &Ctx,
    side: Side,
    concurrency: usize,
    n: usize,
    offset: usize,
) -> Result<u64> {
    match side {
        Side::Orm => {
            let db = &ctx.db;
            drive(n, concurrency, |i| async move {
                let key = ctx.find_key(offset, i);
                found(ReadRow::find(db, &key).await?)
            })
            .await
        }
        Side::Raw => raw_find::<RawRow>(ctx, concurrency, n, offset).await,
        Side::RawTuple => raw_find::<RawTuple>(ctx, concurrency, n, offset).await,
        Side::Charybdis => {
            charybdis::find(&ctx.charybdis, concurrency, n, |i| ctx.find_key(offset, i)).await
        }
        Side::RawModel => raw_find::<ReadRow>(ctx, concurrency, n, offset).await,
    }
}

/// The raw sides of [`run_find`]: the prepared statement by hand, the row read as `R`.
async fn raw_find<R>(ctx: &Ctx, concurrency: usize, n: usize, offset: usize) -> Result<u64>
where
    R: for<'frame> DeserializeRow<'frame, 'frame>,
{
    let session = ctx.session();
    let prepared = &ctx.raw_find;
    drive(n, concurrency, |i| async move {
        let key = ctx.find_key(offset, i);
        let row = session
            .execute_unpaged(prepared, key)
            .await?
            .into_rows_result()?
            .maybe_first_row::<R>()?;
        found(row)
    })
    .await
}

/// One `find`'s result: the row, which must be there, goes through `black_box`.
pub(crate) fn found<T>(row: Option<T>) -> Result<u64> {
    black_box(row.ok_or_else(|| missing("find"))?);
    Ok(1)
}

/// `n` reads of the whole stream partition on one side; returns the rows read.
pub(crate) async fn run_stream(ctx: &Ctx, side: Side, concurrency: usize, n: usize) -> Result<u64> {
    let pk = ctx.stream_pk;
    match side {
        Side::Orm => {
            let db = &ctx.db;
            drive(n, concurrency, |_| async move {
                let rows = ReadRow::query()
                    .filter(ReadRow::PK.eq(pk))
                    .stream(db)
                    .await?;
                read_to_end(rows).await
            })
            .await
        }
        Side::Raw => raw_stream::<RawRow>(ctx, concurrency, n).await,
        Side::RawTuple => raw_stream::<RawTuple>(ctx, concurrency, n).await,
        Side::Charybdis => charybdis::stream(&ctx.charybdis, concurrency, n, pk).await,
        Side::RawModel => raw_stream::<ReadRow>(ctx, concurrency, n).await,
    }
}

/// The raw sides of [`run_stream`]: the prepared statement by hand, rows read as `R`.
async fn raw_stream<R>(ctx: &Ctx, concurrency: usize, n: usize) -> Result<u64>
where
    R: for<'frame, 'metadata> DeserializeRow<'frame, 'metadata>,
{
    let session = ctx.session();
    let prepared = &ctx.raw_stream;
    let pk = ctx.stream_pk;
    drive(n, concurrency, |_| async move {
        let rows = session
            .execute_iter(prepared.clone(), (pk,))
            .await?
            .rows_stream::<R>()?;
        read_to_end(rows).await
    })
    .await
}

/// Reads one opened stream to its end (each row through `black_box`) and checks how many
/// rows it had.
pub(crate) async fn read_to_end<T, E>(
    mut rows: impl Stream<Item = Result<T, E>> + Unpin,
) -> Result<u64>
where
    BoxError: From<E>,
{
    let mut count = 0;
    while let Some(row) = rows.next().await {
        black_box(row?);
        count += 1;
    }
    check_stream(count)
}
