//! The tables: one shape, two tables (writes go to their own table, so the table read by
//! `find` and `stream` does not change during the run), and the rows both sides write.

use orm_core::Model;
use scylla::DeserializeRow;
use uuid::Uuid;

/// Rows in the partition the `stream` operation reads.
pub const STREAM_ROWS: i64 = 10_000;
/// Partitions and rows per partition the `find` operation reads from.
pub const FIND_PARTITIONS: u64 = 2_000;
pub const FIND_ROWS_PER_PARTITION: i64 = 5;

/// Declares the ORM's view of each table: one shape, so one field list; a struct per table,
/// as the derive wants.
macro_rules! model_tables {
    ($($(#[$doc:meta])* $name:ident = $table:literal;)+) => {$(
        $(#[$doc])*
        #[derive(Model, Debug)]
        #[orm(table = $table)]
        pub(crate) struct $name {
            #[orm(partition_key)]
            pub(crate) pk: Uuid,
            #[orm(clustering_key)]
            pub(crate) ck: i64,
            pub(crate) name: String,
            pub(crate) payload: String,
            pub(crate) score: i32,
            pub(crate) views: i64,
        }
    )+};
}

model_tables! {
    /// The ORM's view of the table `find` and `stream` read.
    ReadRow = "bench_read";
    /// The ORM's view of the table `insert` writes: the same shape.
    WriteRow = "bench_write";
}

/// The raw side's row: the driver's own derive (columns matched by name, its default).
/// Its fields are only read through `black_box`.
#[allow(dead_code)]
#[derive(DeserializeRow, Debug)]
pub(crate) struct RawRow {
    pub(crate) pk: Uuid,
    pub(crate) ck: i64,
    pub(crate) name: String,
    pub(crate) payload: String,
    pub(crate) score: i32,
    pub(crate) views: i64,
}

/// The raw side's row as a tuple (columns by position).
pub(crate) type RawTuple = (Uuid, i64, String, String, i32, i64);

pub(crate) const RAW_INSERT: &str =
    "INSERT INTO bench_write (pk, ck, name, payload, score, views) VALUES (?, ?, ?, ?, ?, ?)";
pub(crate) const RAW_INSERT_READ_TABLE: &str =
    "INSERT INTO bench_read (pk, ck, name, payload, score, views) VALUES (?, ?, ?, ?, ?, ?)";
pub(crate) const RAW_FIND: &str =
    "SELECT pk, ck, name, payload, score, views FROM bench_read WHERE pk = ? AND ck = ?";
pub(crate) const RAW_STREAM: &str =
    "SELECT pk, ck, name, payload, score, views FROM bench_read WHERE pk = ?";
pub(crate) const RAW_UPDATE: &str = "UPDATE bench_write SET name = ? WHERE pk = ? AND ck = ?";
pub(crate) const RAW_DELETE: &str = "DELETE FROM bench_write WHERE pk = ? AND ck = ?";

/// A row's values, the same for both sides.
pub(crate) fn row_values(pk: Uuid, ck: i64) -> (String, String, i32, i64) {
    let name = format!("user-{ck:08}");
    let payload = format!("{pk}/{ck:016}/{}", "lorem ipsum ".repeat(3));
    (name, payload, ck as i32, ck.wrapping_mul(7))
}

pub(crate) fn write_row(pk: Uuid, ck: i64) -> WriteRow {
    let (name, payload, score, views) = row_values(pk, ck);
    WriteRow {
        pk,
        ck,
        name,
        payload,
        score,
        views,
    }
}

pub(crate) fn find_partition(i: u64) -> Uuid {
    Uuid::from_u64_pair(0xf1d0_0000_0000_0000, i)
}

pub(crate) fn stream_partition() -> Uuid {
    Uuid::from_u64_pair(0x5743_0000_0000_0000, 1)
}

/// Fresh partition keys for inserts: never reused within a run.
pub(crate) fn insert_partition(serial: u64) -> Uuid {
    Uuid::from_u64_pair(0x1a5e_0000_0000_0000, serial)
}
