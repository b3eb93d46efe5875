//! Row decoding alone, without a server: the CPU time the ORM's derived `DeserializeRow`
//! takes per row against the driver's own derive and a tuple, on the same page.
//!
//! `orm-bench` found the ORM's stream a few percent above raw in client CPU per row with
//! fewer instructions, and its `raw+model` side (the driver's paging, the model's derived
//! row reading) showed the same excess: the difference sat in reading a row. This program
//! times just that: one page of the rows `orm-bench` streams, built in memory, decoded
//! again and again by each side in alternating order, on one thread, with the thread's
//! CPU clock (`CLOCK_THREAD_CPUTIME_ID`).
//!
//! The sides: the driver's derive (a loop over the columns, matched by name), the ORM's
//! derive (the same shape since it was found slower in another), the driver's tuple impl
//! and the ORM's former shape, written out here (one straight-line read per column in
//! declaration order, each checking its column's name). The last two run fewer
//! instructions per row than the loops and take more CPU time.
//!
//! ```text
//! cargo run --release -p orm-bench --bin row_decode -- [rounds] [pages per side per round] [side]
//! ```
//!
//! `side` (`driver`, `orm`, `tuple` or `straight`) runs that side alone, to count its instructions
//! under `valgrind --tool=callgrind`.

use std::hint::black_box;
use std::time::Duration;

use orm_core::__private_v0_1 as private;
use orm_core::Model;
use scylla::DeserializeRow;
use scylla::deserialize::row::{ColumnIterator, DeserializeRow as DeserializeRowTrait};
use scylla::deserialize::{DeserializationError, FrameSlice, TypeCheckError};
use scylla::frame::response::result::{ColumnSpec, ColumnType, NativeType, TableSpec};
use uuid::Uuid;

/// Rows in the page, as in `orm-bench`'s stream partition.
const ROWS: usize = 10_000;

/// The ORM's model of the streamed table (its derived `DeserializeRow`).
#[allow(dead_code)]
#[derive(Model, Debug)]
#[orm(table = "bench_read")]
struct ModelRow {
    #[orm(partition_key)]
    pk: Uuid,
    #[orm(clustering_key)]
    ck: i64,
    name: String,
    payload: String,
    score: i32,
    views: i64,
}

/// The driver's derive (columns matched by name, its default), as `orm-bench`'s raw side.
#[allow(dead_code)]
#[derive(DeserializeRow, Debug)]
struct DriverRow {
    pk: Uuid,
    ck: i64,
    name: String,
    payload: String,
    score: i32,
    views: i64,
}

type TupleRow = (Uuid, i64, String, String, i32, i64);

/// The same row read the way the ORM's derive read it before: one straight-line read per
/// column in declaration order, each checking its column's name (its fallback to a read
/// by name for another order is left out: these rows never take it). The fields are the
/// driver's row's, so only the way of reading differs.
#[allow(dead_code)]
#[derive(Debug)]
struct StraightRow(DriverRow);

impl<'f, 'm> DeserializeRowTrait<'f, 'm> for StraightRow {
    fn type_check(specs: &[ColumnSpec<'_>]) -> Result<(), TypeCheckError> {
        DriverRow::type_check(specs)
    }

    fn deserialize(row: ColumnIterator<'f, 'm>) -> Result<Self, DeserializationError> {
        let mut columns = row;
        // As the derive's code did, each column inline: the next one, its name, its value.
        macro_rules! read {
            ($name:literal) => {{
                let Some(Ok(column)) = columns.next() else {
                    return Err(private::missing_column("StraightRow", $name));
                };
                if column.spec.name() != $name {
                    return Err(private::unexpected_column(
                        "StraightRow",
                        column.spec.name(),
                    ));
                }
                private::read_value("StraightRow", $name, column)?
            }};
        }
        Ok(StraightRow(DriverRow {
            pk: read!("pk"),
            ck: read!("ck"),
            name: read!("name"),
            payload: read!("payload"),
            score: read!("score"),
            views: read!("views"),
        }))
    }
}

/// One page's rows, serialized as a server sends them: each value a 4-byte length and its
/// bytes. The values are `orm-bench`'s own (`tables::row_values`).
struct Page {
    bytes: Vec<u8>,
    /// Where each row starts, and the end of the last.
    starts: Vec<usize>,
}

fn page() -> Page {
    let pk = Uuid::from_u128(0x1234_5678_9abc_def0_1234_5678_9abc_def0);
    let mut bytes = Vec::new();
    let mut starts = vec![0];
    let value = |bytes: &mut Vec<u8>, v: &[u8]| {
        bytes.extend_from_slice(&(v.len() as i32).to_be_bytes());
        bytes.extend_from_slice(v);
    };
    for ck in 0..ROWS as i64 {
        let name = format!("user-{ck:08}");
        let payload = format!("{pk}/{ck:016}/{}", "lorem ipsum ".repeat(3));
        value(&mut bytes, pk.as_bytes());
        value(&mut bytes, &ck.to_be_bytes());
        value(&mut bytes, name.as_bytes());
        value(&mut bytes, payload.as_bytes());
        value(&mut bytes, &(ck as i32).to_be_bytes());
        value(&mut bytes, &ck.wrapping_mul(7).to_be_bytes());
        starts.push(bytes.len());
    }
    Page { bytes, starts }
}

fn specs() -> Vec<ColumnSpec<'static>> {
    let table = TableSpec::borrowed("orm_bench", "bench_read");
    let column = |name, typ| ColumnSpec::borrowed(name, ColumnType::Native(typ), table.clone());
    vec![
        column("pk", NativeType::Uuid),
        column("ck", NativeType::BigInt),
        column("name", NativeType::Text),
        column("payload", NativeType::Text),
        column("score", NativeType::Int),
        column("views", NativeType::BigInt),
    ]
}

/// This thread's CPU time.
fn thread_cpu() -> Duration {
    // SAFETY: `clock_gettime` only writes the struct it is given.
    let ts = unsafe {
        let mut ts: libc::timespec = std::mem::zeroed();
        libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts);
        ts
    };
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// Decodes the page `pages` times as `R`, as the driver's typed row iterator does (one
/// type check per page, then each row from its columns); the CPU time per row, in
/// nanoseconds.
fn decode<R>(page: &Page, specs: &[ColumnSpec<'_>], pages: usize) -> f64
where
    R: for<'f, 'm> DeserializeRowTrait<'f, 'm>,
{
    let start = thread_cpu();
    for _ in 0..pages {
        R::type_check(specs).expect("the columns fit the row type");
        for row in page.starts.windows(2) {
            let slice = FrameSlice::new_borrowed(&page.bytes[row[0]..row[1]]);
            black_box(R::deserialize(ColumnIterator::new(specs, slice)).expect("each row decodes"));
        }
    }
    (thread_cpu() - start).as_nanos() as f64 / (pages * ROWS) as f64
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn main() {
    let mut args = std::env::args().skip(1);
    let rounds: usize = args.next().map_or(31, |a| a.parse().expect("rounds"));
    let pages: usize = args.next().map_or(20, |a| a.parse().expect("pages"));
    let page = page();
    let specs = specs();
    type Side = (&'static str, fn(&Page, &[ColumnSpec<'_>], usize) -> f64);
    let sides: [Side; 4] = [
        ("driver derive", decode::<DriverRow>),
        ("ORM derive", decode::<ModelRow>),
        ("driver tuple", decode::<TupleRow>),
        (
            "straight-line (the ORM's former shape)",
            decode::<StraightRow>,
        ),
    ];
    if let Some(only) = args.next() {
        let i = ["driver", "orm", "tuple", "straight"]
            .iter()
            .position(|&name| name == only)
            .expect("side: driver, orm, tuple or straight");
        println!(
            "{}: {:.1} ns per row",
            sides[i].0,
            (sides[i].1)(&page, &specs, pages * rounds)
        );
        return;
    }
    for (_, side) in &sides {
        side(&page, &specs, pages); // warm-up
    }
    let mut per_row: Vec<Vec<f64>> = vec![Vec::new(); sides.len()];
    for round in 0..rounds {
        let mut order: Vec<usize> = (0..sides.len()).collect();
        if round % 2 == 1 {
            order.reverse();
        }
        for i in order {
            per_row[i].push((sides[i].1)(&page, &specs, pages));
        }
    }
    println!(
        "| side | CPU ns per row, median of {rounds} rounds | paired ratio to the driver's derive (median) |"
    );
    println!("|---|---:|---:|");
    for (i, (name, _)) in sides.iter().enumerate() {
        let paired: Vec<f64> = per_row[i]
            .iter()
            .zip(&per_row[0])
            .map(|(a, b)| a / b)
            .collect();
        println!(
            "| {name} | {:.1} | {:.3} |",
            median(per_row[i].clone()),
            median(paired)
        );
    }
}
