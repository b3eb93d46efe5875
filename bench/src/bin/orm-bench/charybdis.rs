//! The peer: charybdis, the ORM for ScyllaDB users would otherwise pick, used the way its
//! README says (a `CachingSession`, the generated finders, `partial_<model>!` for a
//! one-column update, the generated `delete_by_…` helpers).
//!
//! It reads and writes the same tables as the other sides. Its session is its own (a
//! `CachingSession` owns one), connected to the same server and keyspace.

use charybdis::macros::charybdis_model;
use charybdis::operations::{Find, Insert, Update};
use charybdis::types::{BigInt, Int, Text, Uuid};
use scylla::client::caching_session::CachingSession;
use scylla::client::session_builder::SessionBuilder;

use crate::ops::{drive, found, read_to_end};
use crate::tables::WriteRow;
use crate::{BoxError, Result};

/// Prepared statements the caching session keeps (charybdis's README uses a cache of this
/// order; every statement here is one of five).
const STATEMENT_CACHE: usize = 1_000;

/// Declares charybdis's view of each table: one shape, so one field list; a struct per
/// table, as its attribute wants.
macro_rules! charybdis_tables {
    ($($(#[$doc:meta])* $name:ident = $table:ident;)+) => {$(
        $(#[$doc])*
        #[charybdis_model(
            table_name = $table,
            partition_keys = [pk],
            clustering_keys = [ck],
            global_secondary_indexes = [],
            local_secondary_indexes = [],
            static_columns = []
        )]
        #[derive(Default, Debug)]
        pub(crate) struct $name {
            pub pk: Uuid,
            pub ck: BigInt,
            pub name: Text,
            pub payload: Text,
            pub score: Int,
            pub views: BigInt,
        }
    )+};
}

charybdis_tables! {
    /// The table `find` and `stream` read, as charybdis declares it.
    ChReadRow = bench_read;
    /// The table the writes go to.
    ChWriteRow = bench_write;
}

// The one-column update, as charybdis's README has it: a partial model of the key and
// the column.
partial_ch_write_row!(ScoreChWriteRow, pk, ck, score);

impl From<&WriteRow> for ChWriteRow {
    fn from(row: &WriteRow) -> Self {
        ChWriteRow {
            pk: row.pk,
            ck: row.ck,
            name: row.name.clone(),
            payload: row.payload.clone(),
            score: row.score,
            views: row.views,
        }
    }
}

/// charybdis's session: its own connection to the same server, in the bench keyspace.
pub(crate) async fn connect(uri: &str, keyspace: &str) -> Result<CachingSession> {
    let session = SessionBuilder::new()
        .known_node(uri)
        .use_keyspace(keyspace, false)
        .build()
        .await?;
    Ok(CachingSession::from(session, STATEMENT_CACHE))
}

/// Inserts `rows` (converted before the clock starts).
pub(crate) async fn insert(
    session: &CachingSession,
    concurrency: usize,
    rows: &[ChWriteRow],
) -> Result<u64> {
    drive(rows.len(), concurrency, |i| async move {
        rows[i].insert().execute(session).await?;
        Ok(1)
    })
    .await
}

/// `n` reads by full primary key, keys from `key(i)`.
pub(crate) async fn find(
    session: &CachingSession,
    concurrency: usize,
    n: usize,
    key: impl Fn(usize) -> (Uuid, i64),
) -> Result<u64> {
    let key = &key;
    drive(n, concurrency, |i| async move {
        let row = ChReadRow::maybe_find_by_primary_key_value(key(i))
            .execute(session)
            .await?;
        found(row)
    })
    .await
}

/// `n` reads of the stream partition to its end.
pub(crate) async fn stream(
    session: &CachingSession,
    concurrency: usize,
    n: usize,
    pk: Uuid,
) -> Result<u64> {
    drive(n, concurrency, |_| async move {
        let rows = ChReadRow::find_by_pk(pk).execute(session).await?;
        read_to_end(rows).await
    })
    .await
}

// Until the benchmark has update and delete operations.
#[allow(dead_code)]
/// Sets the score of each row in `keys` by its primary key.
pub(crate) async fn update_score(
    session: &CachingSession,
    concurrency: usize,
    keys: &[(Uuid, i64)],
) -> Result<u64> {
    by_key(concurrency, keys, |i, pk, ck| async move {
        let partial = ScoreChWriteRow {
            pk,
            ck,
            score: i as i32,
        };
        partial.update().execute(session).await
    })
    .await
}

// Until the benchmark has update and delete operations.
#[allow(dead_code)]
/// Deletes each row in `keys` by its primary key.
pub(crate) async fn delete(
    session: &CachingSession,
    concurrency: usize,
    keys: &[(Uuid, i64)],
) -> Result<u64> {
    by_key(concurrency, keys, |_, pk, ck| {
        ChWriteRow::delete_by_pk_and_ck(pk, ck).execute(session)
    })
    .await
}

// Until the benchmark has update and delete operations.
#[allow(dead_code)]
/// Runs `write(i, pk, ck)` for the `i`th key in `keys`, at most `concurrency` at a time;
/// returns the writes done.
async fn by_key<F, Fut, T, E>(concurrency: usize, keys: &[(Uuid, i64)], write: F) -> Result<u64>
where
    F: Fn(usize, Uuid, i64) -> Fut,
    Fut: Future<Output = Result<T, E>>,
    BoxError: From<E>,
{
    drive(keys.len(), concurrency, |i| {
        let (pk, ck) = keys[i];
        let done = write(i, pk, ck);
        async move {
            done.await?;
            Ok(1)
        }
    })
    .await
}
