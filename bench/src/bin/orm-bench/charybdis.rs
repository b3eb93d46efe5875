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

use crate::Result;
use crate::ops::{drive, found, read_to_end};
use crate::tables::WriteRow;

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
// the column (`name`, the column the other sides update).
partial_ch_write_row!(NameChWriteRow, pk, ck, name);

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

/// Sets `name` of the row at `key` (a partial model's update, as charybdis's README has it).
pub(crate) async fn update_name(
    session: &CachingSession,
    key: (Uuid, i64),
    name: &str,
) -> Result<()> {
    let (pk, ck) = key;
    let partial = NameChWriteRow {
        pk,
        ck,
        name: name.to_owned(),
    };
    partial.update().execute(session).await?;
    Ok(())
}

/// Deletes the row at `key` (the generated `delete_by_…` helper).
pub(crate) async fn delete(session: &CachingSession, key: (Uuid, i64)) -> Result<()> {
    let (pk, ck) = key;
    ChWriteRow::delete_by_pk_and_ck(pk, ck)
        .execute(session)
        .await?;
    Ok(())
}
